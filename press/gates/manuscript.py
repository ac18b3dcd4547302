"""Verify: every sentence of the manuscript is in every edition.

The manuscript's running text is read with the rules in
``content/source/fidelity.yaml`` (page furniture, headings, debris), the
emendations of ``content/emendations.yaml`` are applied, and the text is cut
into paragraphs and sentences. Each sentence, normalised to its letters and
digits (so that hyphenation, typographic quotes, running heads and line
breaks do not matter), must occur in the normalised text of an edition.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import yaml

SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")


def normalise(text: str) -> str:
    """Letters and digits only, lower case, compatibility forms folded (ﬁ → fi, ² → 2)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in text if ch.isalnum())


@dataclass
class Fidelity:
    sentences: list[str]
    missing: list[str] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * (len(self.sentences) - len(self.missing)) / max(1, len(self.sentences))


def manuscript_sentences(content: Path) -> list[str]:
    rules = yaml.safe_load((content / "source" / "fidelity.yaml").read_text("utf-8"))
    lines = (content / "source" / rules["manuscript"]).read_text("utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if re.search(rules["start"], line))
    furniture = [re.compile(p) for p in rules["furniture"]]
    headings = [re.compile(p) for p in rules["headings"]]
    paragraphs: list[str] = []
    for line in lines[start:]:
        if any(p.search(line) for p in furniture) or any(p.search(line.strip()) for p in headings):
            continue
        for item in rules.get("replacements", []):
            line = line.replace(item["from"], item["to"])
        paragraphs.append(line.strip())
    emendations_file = content / "emendations.yaml"
    if emendations_file.is_file():
        for item in (yaml.safe_load(emendations_file.read_text("utf-8")) or {}).get("emendations", []):
            paragraphs = [p.replace(item["original"], item["corrected"]) for p in paragraphs]
    sentences = []
    for paragraph in paragraphs:
        sentences.extend(s.strip() for s in SENTENCE_END.split(paragraph) if normalise(s))
    return sentences


def check(sentences: list[str], edition_text: str, notes: list[str] = ()) -> Fidelity:
    """Which sentences are missing from an edition's text.

    ``notes`` are texts that print in the middle of running text (footnotes
    at the foot of a page, between the halves of a sentence that runs over):
    they are taken out of the flow and looked for on their own.
    """
    haystack = normalise(edition_text)
    moved = [normalise(text) for text in notes if normalise(text) in haystack]
    for text in moved:
        haystack = haystack.replace(text, "")
    haystack = "\n".join([haystack, *moved])
    result = Fidelity(sentences)
    result.missing = [s for s in sentences if normalise(s) not in haystack]
    return result
