"""Phrases: the short pieces of source text the book prints outside the chapters' bodies.

Titles, short titles and bylines, book.yaml's title, subtitle, edition,
rights and source note, the names of authors, their affiliations and the
publishers' names, chronology events, era titles and theme labels,
index headings, bibliography group headings, emendations: each is pandoc
Markdown, read by pandoc with the body's reader (``press.book.convert.READER``:
superscript, subscript, smart quotes ...) and given the body's typography
(``press.book.transform.typography``), so that ``km^2^`` or "quotes" mean the same
in a title as in a paragraph. The whole book's phrases are parsed in one
pandoc call and written as HTML in another, each result kept by its text
between builds (``press.book.convert.parse_phrases``, ``phrases_html``). The
templates' ``md`` filter only looks the HTML up; markdown-it-py renders
nothing.

The interface's words (``templates/locale/*.yaml``) get the same typography
in the same call, but they are plain text, not Markdown: their punctuation
is escaped before pandoc reads them, so that only quotes, dashes and
ellipses change ("Editor's note" -> "Editor’s note"), whether or not the
locale file's author typed curly quotes.

Plain-text outputs (CSV, JSON, PDF bookmarks, ``<title>``, alt text, running
heads, metadata) take ``plain_text`` of the AST: emphasis dropped, quotes
curly, and a superscript or subscript made only of digits, signs and
parentheses written with Unicode's superscript and subscript characters
(km², H₂O), which read right in plain text (the book's font has them);
any other superscript keeps its letters as they are (1^st^ -> 1st).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from markupsafe import Markup

from . import htmlpolicy, transform
from .ast import iter_nodes, rewrite
from .typesetting import Typesetting, marks_of
from ..errors import Problem

# Every text is read after a word and a space, as if in the middle of a
# paragraph: "1. Introduction" or "- a" must not become a list, "# x" a heading.
SENTINEL = "x"
# Escaped in interface words: all ASCII punctuation but quotes, hyphens
# and full stops, which smart typography turns into curly quotes, dashes
# and ellipses (pandoc's all_symbols_escapable: "\*" is a literal "*").
_MARKUP = re.compile(r"""([!#$%&()*+,/:;<=>?@\[\\\]^_`{|}~])""")

SUPERSCRIPT = str.maketrans("0123456789+-=()\u2212", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾⁻")
SUBSCRIPT = str.maketrans("0123456789+-=()\u2212", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎₋")
QUOTES = {"DoubleQuote": ("\u201c", "\u201d"), "SingleQuote": ("\u2018", "\u2019")}


@dataclass(frozen=True)
class Phrase:
    html: Markup  # inline HTML, as pandoc writes the body
    text: str  # plain text (plain_text)
    inlines: list  # the AST, for editions that build on it (the EPUB)


class Phrases:
    """The book's phrases, rendered: source text -> Phrase. Picklable (the print worker renders with it)."""

    def __init__(self, table: dict[str, Phrase] | None = None):
        self.table = table or {}

    def get(self, source: str) -> Phrase:
        try:
            return self.table[source]
        except KeyError:
            raise KeyError(f"{source!r} was not collected with the book's phrases (press.book.phrases.book_phrases)"
                           ) from None

    def html(self, source: str | None) -> Markup:
        return Markup("") if source is None else self.get(source).html

    def text(self, source: str | None) -> str:
        return "" if source is None else self.get(source).text

    def inlines(self, source: str) -> list:
        return self.get(source).inlines


class Words(dict):
    """The interface words (typeset), with the book's phrases: what templates see as ``t``.

    The phrases travel with the words because every template that prints
    book text is given the words, in this process, in the print worker and
    for the covers alike.
    """

    phrases: Phrases
    typesetting: Typesetting  # the marks of the book's language and of others (press.book.typesetting)

    def __init__(self, words: dict, phrases: Phrases, typesetting: Typesetting | None = None):
        super().__init__(words)
        self.phrases = phrases
        self.typesetting = typesetting or Typesetting()


# --- what the book prints ---------------------------------------------------------

def book_phrases(config, chapters, vocabulary=None, emendations: Iterable[dict] = (),
                 config_shown: str = "content/book.yaml",
                 emendation_intro: str | None = None,
                 config_line: Callable[[tuple], int | None] | None = None
                 ) -> list[tuple[str, str, int | None]]:
    """Every phrase of the book: (text, source file, line). ``config_line``: the
    line of a key path in book.yaml (press.source.yamlsrc.Located.line_of), when known."""
    out: list[tuple[str, str, int | None]] = []

    def at(*path) -> int | None:
        return config_line(path) if config_line is not None else None

    for key in ("title", "subtitle", "edition", "rights", "source_note"):
        if getattr(config, key):
            out.append((getattr(config, key), config_shown, at(key)))
    # Names as printed (O'Brien), but not the contact data (phone numbers, e-mail
    # addresses and URLs are printed as typed: 626-6170 is not a range).
    out += [(text, config_shown, at("authors", i, key)) for i, author in enumerate(config.authors)
            for key, text in (("name", author.name), ("affiliation", author.affiliation)) if text]
    out += [(text, config_shown, at("publishers", i, key)) for i, publisher in enumerate(config.publishers)
            for key, text in (("name", publisher.name), ("short_name", publisher.short_name)) if text]
    out += [(holder, config_shown, at("copyright_holders")) for holder in config.copyright_holders]
    out += [(paragraph, config_shown, at("cover")) for paragraph in config.cover.paragraphs()]
    if config.chronology is not None:
        out += [(era.title, config_shown, at("chronology", "eras", i, "title"))
                for i, era in enumerate(config.chronology.eras)]
        out += [(label, config_shown, at("chronology", "themes", key))
                for key, label in config.chronology.themes.items()]
    if config.bibliography is not None:
        out += [(heading, config_shown, at("bibliography", "groups", key))
                for key, heading in config.bibliography.groups.items()]
        if config.bibliography.intro:
            out.append((config.bibliography.intro, config_shown, at("bibliography", "intro")))
    for chapter in chapters:
        meta = chapter.meta
        for key in ("title", "short_title", "byline"):
            if getattr(meta, key):
                out.append((getattr(meta, key), chapter.shown, chapter.located.line_of((key,))))
        for index, event in enumerate(meta.chronology):
            out.append((event.event, chapter.shown, chapter.located.line_of(("chronology", index, "event"))))
    if vocabulary is not None:
        for key, entry in vocabulary.model.entries.items():
            out.append((entry.heading, vocabulary.shown, vocabulary.line_of(key, "heading")))
            out += [(sub.heading, vocabulary.shown, vocabulary.line_of(key, "sub", k, "heading"))
                    for k, sub in entry.sub.items()]
    for item in emendations:
        out += [(item[key], "content/emendations.yaml", None) for key in ("original", "corrected", "note")]
    if emendation_intro:
        out.append((emendation_intro, "content/emendations.yaml", None))
    return out


def words_of(strings: Any) -> list[str]:
    """Every string in the locale's values (lists and mappings too)."""
    if isinstance(strings, str):
        return [strings]
    if isinstance(strings, dict):
        return [w for value in strings.values() for w in words_of(value)]
    if isinstance(strings, list):
        return [w for value in strings for w in words_of(value)]
    return []


def _typeset_words(value: Any, typeset: dict[str, str]) -> Any:
    if isinstance(value, str):
        return typeset[value]
    if isinstance(value, dict):
        return {k: _typeset_words(v, typeset) for k, v in value.items()}
    if isinstance(value, list):
        return [_typeset_words(v, typeset) for v in value]
    return value


# --- rendering ----------------------------------------------------------------

def render(pandoc, phrases: list[tuple[str, str, int | None]], strings: dict | None = None,
           style: Typesetting | None = None) -> tuple[Words, list[Problem]]:
    """The phrases and the interface words, typeset: one parse and one HTML call for the book.
    ``style``: the quotation marks by language (default: the locale's, or English)."""
    style = style or Typesetting(marks=marks_of(strings or {}))
    from .convert import parse_phrases, phrases_html

    origins: dict[str, tuple[str, int | None]] = {}
    for text, shown, line in phrases:
        origins.setdefault(text, (shown, line))
    sources = list(origins)
    words = sorted(set(words_of(strings or {})))
    items = [(origins[s][0], f"{SENTINEL} {s}") for s in sources]
    items += [("locale", f"{SENTINEL} {escape(w)}") for w in words]
    parsed = parse_phrases(pandoc, items)
    problems: list[Problem] = []
    fragments = []
    for index, blocks in enumerate(parsed):
        inlines, trouble = inline_content(blocks, style)
        if index < len(sources):  # interface words are escaped: nothing can be wrong with them
            shown, line = origins[sources[index]]
            problems += [Problem(shown, line, f"{message} ('{sources[index]}')") for message in trouble]
        fragments.append(inlines)
    htmls = phrases_html(pandoc, fragments[:len(sources)])
    table = {s: Phrase(Markup(h), plain_text(f), f) for s, h, f in zip(sources, htmls, fragments)}
    typeset = {w: plain_text(f) for w, f in zip(words, fragments[len(sources):])}
    return Words(_typeset_words(strings or {}, typeset), Phrases(table), style), problems


def escape(word: str) -> str:
    """An interface word as pandoc Markdown that reads as the same plain text."""
    return _MARKUP.sub(r"\\\1", word)


def inline_content(blocks: list, style: Typesetting | None = None) -> tuple[list, list[str]]:
    """A phrase's inlines (the sentinel taken off, typography done), and what is wrong with it."""
    inlines: list = []
    # The one HTML policy first, over every block: pandoc reads <script> as a raw block.
    trouble = [f"raw HTML or an attribute that is not allowed: {reason}; {htmlpolicy.REMEDY}"
               for _, reason in transform.unsafe_html(blocks)]
    refused = bool(trouble)
    for block in blocks:
        if refused and block["t"] == "RawBlock":
            continue
        if block["t"] not in ("Para", "Plain"):
            trouble.append("only inline Markdown can be used here (no lists, headings or code blocks)")
            continue
        inlines += ([{"t": "Space"}] if inlines else []) + block["c"]
    if inlines[:2] == [{"t": "Str", "c": SENTINEL}, {"t": "Space"}]:
        inlines = inlines[2:]
    elif inlines and inlines[0]["t"] == "Str" and inlines[0]["c"].startswith(SENTINEL):
        inlines = [{"t": "Str", "c": inlines[0]["c"][len(SENTINEL):]}, *inlines[1:]]  # "x\ a": a no-break space
    if len(blocks) > 1 and not refused:
        trouble.append("a phrase is one paragraph; remove the blank line")
    kinds = {node["t"] for node in iter_nodes(inlines)}
    if "Note" in kinds:
        trouble.append("a note cannot be in a title or a short text; put it in the chapter's body")
    if "Image" in kinds:
        trouble.append("an image cannot be in a title or a short text")
    if "Math" in kinds:  # print draws a formula only in a chapter's body (press.book.math)
        trouble.append("a formula cannot be in a title or a short text; write it in the chapter's body, "
                       "or escape a dollar sign as \\$")
    if any(n["t"] == "RawInline" and n["c"][0] in ("tex", "latex") for n in iter_nodes(inlines)):
        trouble.append("raw TeX is not shown in any edition; write it as Markdown")
    return transform.typography([{"t": "Plain", "c": inlines}], style)[0]["c"], trouble


def plain_text(inlines: list) -> str:
    """The plain text of an inline fragment (see the module's docstring)."""
    return re.sub(" {2,}", " ", _plain(inlines)).strip(" ")


def _plain(inlines: list) -> str:
    # Children first (press.book.ast.rewrite), each element becomes one Str of its plain text.
    return _text_of(rewrite(inlines, _collapse, skip=_no_words))


def _no_words(node: dict) -> bool:
    """What holds no text to collapse: a note and raw output (nothing of them is text), code and math."""
    return node["t"] in ("Note", "RawInline", "Code", "Math")


def _text_of(inlines: list) -> str:
    return "".join(node["c"] for node in inlines if node["t"] == "Str")


def _collapse(node: dict) -> list | None:
    t, c = node["t"], node.get("c")
    if t in ("Space", "SoftBreak", "LineBreak"):
        text = " "
    elif t in ("Emph", "Strong", "Underline", "Strikeout", "SmallCaps"):
        text = _text_of(c)
    elif t in ("Superscript", "Subscript"):
        inner = _text_of(c)
        table = SUPERSCRIPT if t == "Superscript" else SUBSCRIPT
        text = inner.translate(table) if inner and all(ord(ch) in table for ch in inner) else inner
    elif t == "Quoted":
        opening, closing = QUOTES[c[0]["t"]]
        text = opening + _text_of(c[1]) + closing
    elif t in ("Span", "Link", "Image", "Cite"):  # [attributes or citations, inlines, ...]
        text = _text_of(c[1])
    elif t in ("Code", "Math"):
        text = c[1]
    elif t in ("RawInline", "Note"):
        return []
    else:
        return None  # a Str, or a quote's kind
    return [{"t": "Str", "c": text}]


def render_one(pandoc, text: str) -> Phrase:
    """One phrase outside a build (the checkers, the proof pages)."""
    words, _ = render(pandoc, [(text, "text", None)])
    return words.phrases.get(text)
