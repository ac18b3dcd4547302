"""What every check reads: a chapter's body with its Markdown masked, its
languages, its words; and the finding a check reports."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable

from ...source.chapters import Chapter

CATEGORIES = ("spelling", "typography", "consistency", "apparatus")
WORDLIST = "wordlist.txt"  # in content/: one word a line, '#' starts a comment

# A placeholder for masked Markdown (attributes, URLs, code): not a letter,
# not a space, not punctuation, so that no check sees it as text.
HOLE = "\ufffc"


@dataclass(frozen=True)
class Query:
    """A proofreader's query: a place in the source to look at, and why."""

    category: str  # one of CATEGORIES
    path: str  # as the build prints it: content/chapters/04-guidelines.md
    line: int | None
    message: str
    text: str = ""  # the offending text
    context: str = ""  # the source line around it, for the web page

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.category}: {self.message}"


@dataclass
class Source:
    """A chapter's body, masked, with its languages."""

    chapter: Chapter
    lang: str
    masked: str  # the body with Markdown syntax replaced by HOLE (same length)
    spans: list[tuple[int, int, str]]  # (start, end, lang) of spans in another language

    def line(self, offset: int) -> int:
        return self.chapter.body_line + self.chapter.body.count("\n", 0, offset)

    def context(self, offset: int) -> str:
        body = self.chapter.body
        start = body.rfind("\n", 0, offset) + 1
        end = body.find("\n", offset)
        end = len(body) if end < 0 else end
        left, right = max(start, offset - 60), min(end, offset + 60)
        return ("…" if left > start else "") + body[left:right] + ("…" if right < end else "")

    def lang_at(self, offset: int) -> str:
        for start, end, lang in self.spans:
            if start <= offset < end:
                return lang
        return self.lang


# --- masking -------------------------------------------------------------------

_MASKS = [
    re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S),  # fenced code
    re.compile(r"`[^`\n]+`"),  # inline code
    re.compile(r"<!--.*?-->", re.S),  # comments
    re.compile(r"</?[A-Za-z][^>\n]*>"),  # HTML tags
    re.compile(r"\{[^{}\n]*\}"),  # attributes: {#id .class key=val}
    re.compile(r"(?<=\])\([^()\s]*(?:\s+\"[^\"]*\")?\)"),  # link targets
    re.compile(r"^\[[^\]\n]+\]:.*$", re.M),  # link reference definitions
    re.compile(r"\[\^[^\]\s]+\](?::)?"),  # footnote marks and labels
    re.compile(r"\b(?:https?|ftp|mailto):[^\s<>\]\)]+|\bwww\.[^\s<>\]\)]+"),  # URLs
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"^:::.*$", re.M),  # fenced divs
    re.compile(r"^#{1,6}(?=\s)", re.M),  # heading marks
]


def _hole(match: re.Match) -> str:
    return re.sub(r"[^\n]", HOLE, match.group(0))


def mask(body: str) -> str:
    """The body with Markdown syntax, URLs and code replaced by HOLE, same length."""
    for pattern in _MASKS:
        body = pattern.sub(_hole, body)
    return body


_LANG_ATTR = re.compile(r"\]\{[^{}\n]*\blang=\"?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\"?[^{}\n]*\}")


def _language_spans(body: str) -> list[tuple[int, int, str]]:
    """``[text]{lang=es}``: where the text of another language is (brackets may nest)."""
    spans = []
    for match in _LANG_ATTR.finditer(body):
        depth, index = 0, match.start()
        while index >= 0:
            char = body[index]
            if char == "]":
                depth += 1
            elif char == "[":
                depth -= 1
                if depth == 0:
                    spans.append((index + 1, match.start(), match.group(1).lower()))
                    break
            index -= 1
    return spans


def read_source(chapter: Chapter, lang: str) -> Source:
    return Source(chapter, lang.lower(), mask(chapter.body), _language_spans(chapter.body))


# --- words ---------------------------------------------------------------------

# A run of letters, digits, apostrophes and hyphens; split and filtered below.
_RUN = re.compile(r"[\w'’-]+")
ROMAN = re.compile(r"^[IVXLCDM]+$")
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z][A-Z0-9&]*$")


def split_words(text: str, base: int = 0) -> Iterable[tuple[int, str]]:
    """(offset, word): letters only; possessives and edge apostrophes dropped,
    hyphenated compounds split, anything with a digit skipped (19th, G15)."""
    for match in _RUN.finditer(text):
        run = match.group(0)
        if any(ch.isdigit() for ch in run) or "_" in run:
            continue
        offset = match.start()
        if run.endswith("-"):  # a word broken off ("Ser- [...]" where the source is lost)
            run = run[: run.rfind("-", 0, len(run) - 1) + 1] if run.count("-") > 1 else ""
        for part in re.finditer(r"[^-]+", run):
            word = part.group(0)
            start = offset + part.start()
            stripped = word.lstrip("'’")
            start += len(word) - len(stripped)
            word = re.sub(r"['’]s$", "", stripped).rstrip("'’")
            if len(word) > 1:
                yield base + start, word


def fold(word: str) -> str:
    """Case and accents folded: 'Pérez' and 'PEREZ' fold alike."""
    decomposed = unicodedata.normalize("NFD", word.replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def numbered_lines(text: str) -> Iterable[tuple[int, str]]:
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1

