"""Typography: what the build's own typography cannot fix (see the package's docstring)."""

from __future__ import annotations

import re
from collections import Counter

from ..sources import Chapter

from .source import Finding, HOLE, Source, numbered_lines


# --- typography ----------------------------------------------------------------

# Doubled words and phrases of up to four words: "the the", "also to also to".
# The repetition may straddle a line break (not a blank line: a new paragraph).
_DOUBLED = re.compile(r"(?<![\w'’-])((?:[^\W\d_]+[ \t]+){0,3}[^\W\d_]+)(?:[ \t]+|[ \t]*\n[ \t]*)\1(?![\w'’-])",
                      re.I)
_ALLOWED_DOUBLES = {"had had", "that that"}  # correct English, often on purpose
_DOUBLE_SPACE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_SPACE_BEFORE = re.compile(r"(?<=[^\s" + HOLE + r"])[ \t]+([,;:.!?])(?!\.\.)(?![0-9])")


def doubled_words(sources: list[Source]) -> list[Finding]:
    findings = []
    for source in sources:
        for match in _DOUBLED.finditer(source.masked):
            phrase = match.group(1)
            if " ".join(phrase.lower().split()) + " " + " ".join(phrase.lower().split()) in _ALLOWED_DOUBLES:
                continue
            findings.append(Finding("typography", source.chapter.shown, source.line(match.start()),
                                    f"doubled word(s): '{match.group(0)}'", match.group(0),
                                    source.context(match.start())))
    return findings


def spacing(sources: list[Source]) -> list[Finding]:
    findings = []
    for source in sources:
        for line_start, line in numbered_lines(source.masked):
            if line.lstrip().startswith("|"):  # pipe tables align with spaces
                continue
            for match in _DOUBLE_SPACE.finditer(line):
                at = line_start + match.start()
                findings.append(Finding("typography", source.chapter.shown, source.line(at),
                                        "doubled space", match.group(0), source.context(at)))
            for match in _SPACE_BEFORE.finditer(line):
                at = line_start + match.start()
                findings.append(Finding("typography", source.chapter.shown, source.line(at),
                                        f"space before '{match.group(1)}'", match.group(0), source.context(at)))
    return findings




def title_quotes(chapters: list[Chapter]) -> list[Finding]:
    """Titles go through markdown-it's smartquotes, which leaves an unpaired quote straight."""
    from markupsafe import Markup

    from ..collect import inline_markdown

    findings = []
    for chapter in chapters:
        for key in ("title", "short_title"):
            value = getattr(chapter.meta, key, None)
            if not value:
                continue
            text = Markup(inline_markdown(value)).striptags()
            for quote in sorted({q for q in ('"', "'") if q in text}):
                findings.append(Finding("typography", chapter.shown, chapter.located.line_of((key,)),
                                        f"straight quote {quote} left in the {key.replace('_', ' ')} after "
                                        "conversion: it could not be paired", quote, value))
    return findings


# After transform.typography: a number range still written with a hyphen,
# in a form the transform does not know (1990s-2000s, 1,000-2,000, XIX-XX is not numeric).
_RANGE_LEFT = re.compile(r"(?<![\d-])(\d[\d,.]*(?:s|st|nd|rd|th)?)-(\d[\d,.]*(?:s|st|nd|rd|th)?)(?![\d-])")


def converted_text(sources: list[Source], asts: list[dict]) -> list[Finding]:
    """Typography left after conversion, read in the shared AST (pandoc's smart
    quotes and our number ranges applied) and traced back to its source line."""
    from ..ast import iter_nodes

    findings = []
    for source, ast in zip(sources, asts):
        seen: Counter = Counter()
        for node in iter_nodes(ast["blocks"]):
            if node.get("t") != "Str":
                continue
            text = node["c"]
            if "\u201c" in text or "\u201d" in text:
                typed = text.replace("\u201c", '"').replace("\u201d", '"')
                at = _find(source, (typed, text), seen)
                findings.append(Finding("typography", source.chapter.shown, source.line(at),
                                        f"a quotation mark the conversion could not pair: '{text}' prints with a "
                                        "lone quote; close the quotation or remove the mark",
                                        text, source.context(at)))
            if text.count("-") == 1 and _RANGE_LEFT.search(text):
                at = _find(source, (text,), seen)
                findings.append(Finding("typography", source.chapter.shown, source.line(at),
                                        f"hyphen in a number range: '{text}' (use an en dash, –)",
                                        text, source.context(at)))
    return findings


def _find(source: Source, needles: tuple[str, ...], seen: Counter) -> int:
    """The offset of the next occurrence of a token in the body (k-th node, k-th occurrence)."""
    body = source.chapter.body
    for needle in needles:
        count = seen[needle]
        at = -1
        for _ in range(count + 1):
            at = body.find(needle, at + 1)
            if at < 0:
                break
        if at >= 0:
            seen[needle] += 1
            return at
    return 0

