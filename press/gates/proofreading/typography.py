"""Typography: what the build's own typography cannot fix (see the package's docstring)."""

from __future__ import annotations

import re
from collections import Counter

from ...source.chapters import Chapter

from .source import Query, HOLE, Source, numbered_lines


# --- typography ----------------------------------------------------------------

# Doubled words and phrases of up to four words: "the the", "also to also to".
# The repetition may straddle a line break (not a blank line: a new paragraph).
_DOUBLED = re.compile(r"(?<![\w'’-])((?:[^\W\d_]+[ \t]+){0,3}[^\W\d_]+)(?:[ \t]+|[ \t]*\n[ \t]*)\1(?![\w'’-])",
                      re.I)
TITLES = ("title", "short_title")  # the front matter's fields that print as text
_ALLOWED_DOUBLES = {"had had", "that that"}  # correct English, often on purpose
_DOUBLE_SPACE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_SPACE_BEFORE = re.compile(r"(?<=[^\s" + HOLE + r"])[ \t]+([,;:.!?])(?!\.\.)(?![0-9])")


def doubled_words(sources: list[Source]) -> list[Query]:
    findings = []
    for source in sources:
        for match in _DOUBLED.finditer(source.masked):
            phrase = match.group(1)
            if " ".join(phrase.lower().split()) + " " + " ".join(phrase.lower().split()) in _ALLOWED_DOUBLES:
                continue
            findings.append(Query("typography", source.chapter.shown, source.line(match.start()),
                                    f"doubled word(s): '{match.group(0)}'", match.group(0),
                                    source.context(match.start())))
    return findings


def spacing(sources: list[Source]) -> list[Query]:
    findings = []
    for source in sources:
        for line_start, line in numbered_lines(source.masked):
            if line.lstrip().startswith("|"):  # pipe tables align with spaces
                continue
            for match in _DOUBLE_SPACE.finditer(line):
                at = line_start + match.start()
                findings.append(Query("typography", source.chapter.shown, source.line(at),
                                        "doubled space", match.group(0), source.context(at)))
            for match in _SPACE_BEFORE.finditer(line):
                at = line_start + match.start()
                findings.append(Query("typography", source.chapter.shown, source.line(at),
                                        f"space before '{match.group(1)}'", match.group(0), source.context(at)))
    return findings




def title_quotes(chapters: list[Chapter]) -> list[Query]:
    """Quotation marks pandoc could not pair in a title (titles are read as the body is,
    press.book.phrases): a lone " prints as a stray curly quote there too."""
    from ...book.ast import iter_nodes
    from ...book.convert import Pandoc
    from ...book.phrases import render

    fields = [(chapter, key, getattr(chapter.meta, key, None)) for chapter in chapters for key in TITLES]
    fields = [(chapter, key, value) for chapter, key, value in fields if value]
    words, _ = render(Pandoc(None), [(value, chapter.shown, None) for chapter, _, value in fields])
    findings = []
    for chapter, key, value in fields:
        lone = sorted({n["c"] for n in iter_nodes(words.phrases.inlines(value))
                       if n["t"] == "Str" and ("\u201c" in n["c"] or "\u201d" in n["c"])})
        for text in lone:
            findings.append(Query("typography", chapter.shown, chapter.located.line_of((key,)),
                                    f"a quotation mark the conversion could not pair in the {key.replace('_', ' ')}: "
                                    f"'{text}' prints with a lone quote; close the quotation or remove the mark",
                                    '"', value))
    return findings


# A number range written with a hyphen: 1845-1851, pp. 12-14, 1990s-2000s,
# 1,000-2,000, and spaced (1990 - 1995). Not a part of a longer run of
# numbers and hyphens (an ISBN, a date such as 2001-09-11), nor after a letter
# (COVID-19), nor pandoc's -- (an en dash already).
_NUMBER = r"\d[\d,.]*(?<![,.])(?:s|st|nd|rd|th)?"
_RANGE = re.compile(r"(?<![\w\-–/.,])(" + _NUMBER + r")([ \t]?)-(?!-)\2(" + _NUMBER + r")(?![\w\-–/])")


# The locale's labels of numbered things: "Figura 1-1", "Tabla 2-3" and
# "capítulo 3-4" are numbers (chapter 1, figure 1), not ranges.
LABEL_KEYS = ("figure_label", "table_label", "chapter_label", "section_label")


def _label_before(labels: list[str]) -> re.Pattern | None:
    """A label (or its abbreviation, 'Fig.', 'Tab.', 'cap.'; a plural 's') ending just before a number."""
    forms = set()
    for label in labels:
        label = label.strip()
        if label:
            forms.add(re.escape(label) + "s?")
            if len(label) > 4:
                forms.add(re.escape(label[:3]) + r"s?\.")
    if not forms:
        return None
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(sorted(forms, key=len, reverse=True)) + r")[ \t\u00a0]*$",
                      re.I)


def number_ranges(sources: list[Source], labels: list[str] = ()) -> list[Query]:
    """Hyphens in number ranges, in the source (the titles and the body). The
    editions print an en dash where the build recognises the range
    (transform.typography), but the source should read as the book prints,
    and a form it does not recognise (1990s-2000s) prints with the hyphen.
    A number after a figure, table, chapter or section label of the book's
    locale (``labels``: "Figura 1-1") is a number, not a range."""
    label = _label_before(list(labels))

    def ranges(text: str):
        for match in _RANGE.finditer(text):
            if label is None or not label.search(text, max(0, match.start() - 40), match.start()):
                yield match

    findings = []
    for source in sources:
        chapter = source.chapter
        for key in TITLES:
            value = getattr(chapter.meta, key, None) or ""
            for match in ranges(value):
                findings.append(_range_finding(match, chapter.shown, chapter.located.line_of((key,)), value))
        for match in ranges(source.masked):
            findings.append(_range_finding(match, chapter.shown, source.line(match.start()),
                                           source.context(match.start())))
    return findings


def _range_finding(match: re.Match, path: str, line: int | None, context: str) -> Query:
    spaced = "spaced " if match.group(2) else ""
    return Query("typography", path, line, f"{spaced}hyphen in a number range: '{match.group(0)}' "
                   f"(write an en dash: {match.group(1)}–{match.group(3)})", match.group(0), context)


def converted_text(sources: list[Source], asts: list[dict]) -> list[Query]:
    """Quotation marks left unpaired after conversion, read in the shared AST
    (pandoc's smart quotes applied) and traced back to their source line."""
    from ...book.ast import iter_nodes

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
                findings.append(Query("typography", source.chapter.shown, source.line(at),
                                        f"a quotation mark the conversion could not pair: '{text}' prints with a "
                                        "lone quote; close the quotation or remove the mark",
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

