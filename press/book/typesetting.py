"""Quotation marks and punctuation spacing by language, in body text and interface words alike.

pandoc's ``smart`` reader turns typed quotes into ``Quoted`` nodes; its
writers print every one as English marks. Here each is given the marks of
its language, from the locale file's ``quotes`` (primary, then secondary:
Spanish « » then “ ”, French « » with narrow no-break spaces inside, English
“ ” then ‘ ’), levels alternating as quotes nest: a quotation inside a
quotation takes the secondary marks, one inside that the primary again. A
quote typed with single marks at the outer level is a secondary quote
(English ‘scare quotes’ stay so). A passage tagged with another language
(``[texto]{lang=en}``, a ``::: {lang=en}`` div) takes that language's marks:
the toolchain's locale file for it, or CLDR's delimiters (``QUOTES_CLDR``,
from CLDR 44's ``delimiters``) for a language it has no file for.

A ``Quoted`` node whose marks are the ones pandoc prints is left to pandoc,
so an English book's AST (and output) is what it was. The others become the
marks as text around the quote's inlines.

French puts a narrow no-break space (U+202F) before ; : ! ? and inside « »
(Imprimerie nationale, *Lexique des règles typographiques*): the locale's
``punctuation_space``; a space typed there becomes that space, and one is
added where none was typed. A colon inside a word (10:30, http://) is left.

A range of numbers takes the locale's ``range_dash``: an en dash in English
(Chicago 6.78) and French, the hyphen in Spanish (RAE, *Ortografía de la
lengua española*, 2010: el guion une los extremos de un intervalo, «las
páginas 12-14», «1914-1918»).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .ast import Str, kv

PANDOC_MARKS = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}
ENGLISH = (("\u201c", "\u201d"), ("\u2018", "\u2019"))
# CLDR delimiters (quotationStart/End, alternateQuotationStart/End) for
# languages the toolchain has no locale file for; spacing is not CLDR's.
QUOTES_CLDR = {
    "de": (("\u201e", "\u201c"), ("\u201a", "\u2018")),
    "it": (("\u00ab", "\u00bb"), ("\u201c", "\u201d")),
    "pt": (("\u201c", "\u201d"), ("\u2018", "\u2019")),
    "ca": (("\u00ab", "\u00bb"), ("\u201c", "\u201d")),
    "nl": (("\u2018", "\u2019"), ("\u201c", "\u201d")),
    "la": (("\u201c", "\u201d"), ("\u2018", "\u2019")),
    "qu": (("\u201c", "\u201d"), ("\u2018", "\u2019")),
}
PUNCTUATION = ";:!?"
_ATTACHED = re.compile(r"(?<=[^\s\u00a0\u202f;:!?])([;:!?]+)(?=$|[\s\u00bb\u201d\u2019)\],.])")
_LEADING = re.compile(r"^([;:!?]+)(?=$|[\s\u00bb\u201d\u2019)\],.])")
_NO_TEXT = ("Code", "CodeBlock", "Math", "RawInline", "RawBlock")


@dataclass(frozen=True)
class Marks:
    """One language's quotation marks (pairs, primary first) and the space before ; : ! ?."""

    quotes: tuple[tuple[str, str], ...] = ENGLISH
    space: str = ""
    range_dash: str = "\u2013"  # between the numbers of a range: English 1914–1918, Spanish 1914-1918


def marks_of(strings: dict) -> Marks:
    """A locale's marks: ``quotes`` [open, close, open, close], ``punctuation_space``, ``range_dash``."""
    quotes = strings.get("quotes") or [m for pair in ENGLISH for m in pair]
    return Marks(tuple(zip(quotes[0::2], quotes[1::2])), strings.get("punctuation_space", ""),
                 strings.get("range_dash", "\u2013"))


@dataclass(frozen=True)
class Typesetting:
    """The book's language and marks, and the marks of the languages its passages may be tagged with."""

    language: str = "en"
    marks: Marks = Marks()
    others: dict[str, Marks] = field(default_factory=dict)  # by base language tag

    def of(self, language: str | None) -> Marks:
        if not language:
            return self.marks
        base = language.split("-")[0].lower()
        if base == self.language.split("-")[0]:
            return self.marks
        if base in self.others:
            return self.others[base]
        return Marks(QUOTES_CLDR.get(base, ENGLISH))

    def fingerprint(self) -> list:
        return [self.language, self.marks.quotes, self.marks.space, self.marks.range_dash,
                sorted((k, m.quotes, m.space) for k, m in self.others.items())]


def set_marks(blocks: list, style: Typesetting) -> list:
    """Quotes in their language's marks and French punctuation spacing; ``blocks`` is changed."""
    _walk(blocks, style, None, None)
    return blocks


def _lang(node: dict) -> str | None:
    if node["t"] in ("Span", "Div"):
        return kv(node).get("lang") or None
    return None


def _walk(value, style: Typesetting, language: str | None, level: int | None) -> None:
    if isinstance(value, list):
        out: list = []
        for item in value:
            if isinstance(item, dict) and item.get("t") == "Quoted":
                out += _quoted(item, style, language, level)
            else:
                _walk(item, style, language, level)
                out.append(item)
        value[:] = out
        space = style.of(language).space
        if space and any(isinstance(n, dict) and n.get("t") in ("Str", "Space") for n in value):
            _space_punctuation(value, space)
    elif isinstance(value, dict) and "t" in value:
        if value["t"] in _NO_TEXT:
            return
        inner = _lang(value) or language
        _walk(value.get("c"), style, inner, level)


def _quoted(node: dict, style: Typesetting, language: str | None, level: int | None) -> list:
    kind, inlines = node["c"][0]["t"], node["c"][1]
    here = (1 if kind == "SingleQuote" else 0) if level is None else level + 1
    pairs = style.of(language).quotes
    opening, closing = pairs[here % len(pairs)]
    _walk(inlines, style, language, here)
    if (opening, closing) == PANDOC_MARKS[kind]:
        return [node]
    return [Str(opening), *inlines, Str(closing)]


def _space_punctuation(inlines: list, space: str) -> None:
    """French spacing in one list of inlines (Str and Space siblings)."""
    for i, node in enumerate(inlines):
        if node.get("t") != "Str":
            continue
        text = _ATTACHED.sub(space + r"\1", node["c"])
        before = inlines[i - 1] if i else None
        if before is not None and _LEADING.match(text):
            if before.get("t") == "Space":
                inlines[i - 1] = Str(space)
            elif before.get("t") == "Str" and not before["c"].endswith(("\u00a0", space)):
                text = space + text
            elif before.get("t") not in ("Str", "SoftBreak", "LineBreak"):
                text = space + text  # after emphasis, a link, a quote
        if text.endswith("\u00ab") and i + 1 < len(inlines) and inlines[i + 1].get("t") == "Space":
            inlines[i + 1] = Str(space)  # « typed as a character, then a space
        if text.startswith("\u00bb") and before is not None and before.get("t") == "Space":
            inlines[i - 1] = Str(space)
        node["c"] = text


def typesetting(strings: dict, language: str, others: dict[str, dict]) -> Typesetting:
    """The book's Typesetting: its locale's marks, and each other locale's (by file name)."""
    base = language.split("-")[0]
    return Typesetting(language, marks_of(strings),
                       {name: marks_of(data) for name, data in sorted(others.items()) if name != base})

