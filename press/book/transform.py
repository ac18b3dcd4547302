"""Edits of the shared AST that every edition needs.

The source stays plain Markdown; the build does the typography (pandoc's
``smart`` extension gives curly quotes, dashes and ellipses; the rest is
here), shows section numbers, renders editorial lacunae and checks raw HTML
(by press.book.htmlpolicy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from . import htmlpolicy
from .typesetting import Typesetting, set_marks
from .ast import ATTR_INDEX, Node, Span, Str, attr, has_class, iter_nodes, kv, rewrite

NBSP = "\u00a0"
EN_DASH = "\u2013"

# A number range inside one word: 1845-1851, 12-14 (but not 978-9972-671-78-4).
RANGE = re.compile(r"^(\D*?)(\d{1,4})-(\d{1,4})(\D*)$")
NUMBER = re.compile(r"^\(?\d[\d,.]*\)?$")
TITLE_WORD = re.compile(r"^[A-Z][a-z]+\.?$")  # Law, Decree, Article, No.
UNIT_WORD = re.compile(r"^[a-z]")

def _range(word: str, dash: str = EN_DASH) -> str:
    match = RANGE.match(word)
    if _is_range(word):
        return f"{match.group(1)}{match.group(2)}{dash}{match.group(3)}{match.group(4)}"
    return word


def _is_range(word: str) -> bool:
    match = RANGE.match(word)
    return bool(match) and "-" not in match.group(1) + match.group(4)


def typography(blocks: list, style: Typesetting | None = None) -> list:
    """En dashes in number ranges and spaced hyphens; non-breaking ties; with a
    ``style``, quotation marks and punctuation spacing by language (press.book.typesetting)."""
    dash = EN_DASH
    if style is not None:
        set_marks(blocks, style)
        dash = style.marks.range_dash

    # A URL shown as itself (an autolink: pandoc's class "uri") keeps its hyphens.
    urls = {id(n) for link in iter_nodes(blocks) if link["t"] == "Link" and has_class(link, "uri")
            for n in iter_nodes(link["c"][1])}
    for node in iter_nodes(blocks):
        if node["t"] == "Str" and id(node) not in urls:
            node["c"] = _range(node["c"], dash)
            if node["c"] == "-":
                node["c"] = EN_DASH
    for node in iter_nodes(blocks):
        inlines = _inline_list(node)
        if inlines is not None:
            _tie(inlines)
    return hold_ranges(blocks, dash, urls)


def hold_ranges(nodes: list, dash: str, skip: set[int] = frozenset()) -> list:
    """A range set with a hyphen (Spanish 12-14) would break after it like a
    compound word, leaving "12-" at a line's end: each goes in a span
    ``.range`` kept on one line (base.css). Other dashes are left alone: a
    line may break after an en dash. Edits ``nodes`` in place; the nodes whose
    id is in ``skip`` (a URL's words) are not ranges."""
    if dash != "-":
        return nodes
    held = [node for node in iter_nodes(nodes) if node["t"] == "Str" and id(node) not in skip and _is_range(node["c"])]
    for node in held:
        text = node["c"]
        node.clear()
        node.update(Span([Str(text)], ["range"]))
    return nodes


def _inline_list(node: Node) -> list | None:
    t = node["t"]
    if t in ("Para", "Plain", "Emph", "Strong", "SmallCaps", "Underline"):
        return node["c"]
    if t in ("Span", "Link", "Quoted"):
        return node["c"][1]
    return None


def _tie(inlines: list) -> None:
    """Replace a Space by a no-break space where a line must not break.

    "Law 6602", "Decree 90": a capitalised word and the number after it;
    "200 nautical miles", "24 investment protection agreements": a number
    and the word after it.
    """
    for i in range(1, len(inlines) - 1):
        if inlines[i].get("t") != "Space":
            continue
        before, after = inlines[i - 1], inlines[i + 1]
        if before.get("t") != "Str" or after.get("t") != "Str":
            continue
        left, right = before["c"], after["c"]
        if (TITLE_WORD.match(left) and NUMBER.match(right)) or (
            NUMBER.match(left) and UNIT_WORD.match(right) and not left.endswith((")", ".", ","))
        ):
            inlines[i] = Str(NBSP)


def number_sections(blocks: list) -> list:
    """Show a heading's printed number (``{number="2.1"}``) as real text."""
    for node in iter_nodes(blocks):
        if node["t"] == "Header":
            number = kv(node).get("number")
            if number:
                node["c"][2] = [Span([Str(number)], ["secnum"]), {"t": "Space"}, *node["c"][2]]
                # pandoc would print it once more from the attribute (EPUB
                # writer's section-header-number) or copy it to data-number.
                attr(node)[2] = [pair for pair in attr(node)[2] if pair[0] != "number"]
    return blocks


def lacunae(blocks: list, note: str) -> list:
    """``[...]{.lacuna}``: a visible bracketed ellipsis plus the editor's note."""

    def action(node: Node):
        if node["t"] == "Span" and has_class(node, "lacuna"):
            return [
                Span(
                    [
                        Span([Str("[\u2026]")], ["lacuna-mark"]),
                        {"t": "Space"},
                        Span([Str(note)], ["editor-note"], attrs=[["role", "note"]]),
                    ],
                    ["lacuna"],
                    ident=attr(node)[0],
                )
            ]
        return None

    return rewrite(blocks, action)


def note_span(node: Node) -> list | None:
    """A pandoc note as an inline span (``float: footnote`` in print); None for any other node.

    A note's paragraphs are kept as block-like spans inside the one span, so
    print can float the whole note to the foot of its page.
    """
    if node["t"] != "Note":
        return None
    content: list = []
    for block in node["c"]:
        if block["t"] == "CodeBlock":  # issue 17: code in a note is kept (press.book.codeblocks)
            from .codeblocks import note_code

            content.append(note_code(block))
        elif block["t"] in ("Para", "Plain"):
            content.append(Span(block["c"], ["footnote-para"] if content else ["footnote-first"]))
    return [Span(content, ["footnote"])]


def notes_inline(blocks: list) -> list:
    """Every note in ``blocks`` as an inline span (``note_span``). ``blocks`` is
    not changed: the result shares with it whatever holds no note."""
    return rewrite(blocks, note_span)


# Inline elements whose children are inlines, and where the list is.
_INLINE_CHILDREN = {"Emph": None, "Strong": None, "Underline": None, "SmallCaps": None, "Strikeout": None,
                    "Superscript": None, "Subscript": None, "Span": 1, "Link": 1, "Quoted": 1}
_BREAKS = ("Space", "SoftBreak", "LineBreak")


def last_words(blocks: list) -> list:
    """The last word of every paragraph in a span ``.last-word``, for print.

    print.css sets it ``hyphens: manual``: a hyphenated last word would end
    the paragraph on a fragment ("har-/nessed."), which CSS cannot forbid
    (``hyphenate-limit-last`` is CSS Text 4 and not in WeasyPrint 70). A
    trailing note stays outside the span (it floats to the foot, and would
    inherit the setting). ``blocks`` is not changed.
    """
    def action(node: Node):
        if node["t"] != "Para":
            return None
        inlines = _wrap_last_word(node["c"])
        return None if inlines is None else [{"t": "Para", "c": inlines}]

    return rewrite(blocks, action)


def _wrap_last_word(inlines: list) -> list | None:
    end = len(inlines)
    while end and inlines[end - 1]["t"] == "Note":
        end -= 1
    start = end
    while start and inlines[start - 1]["t"] not in _BREAKS + ("Note",):
        start -= 1
    if start == end:
        return None
    tail = inlines[start:end]
    first = tail[0]
    where = _INLINE_CHILDREN.get(first["t"], -1)
    if where != -1 and all(n["t"] == "Str" for n in tail[1:]):
        # "*the whole phrase*." : the last word is inside the element.
        children = first["c"] if where is None else first["c"][where]
        inner = _wrap_last_word(children) if any(n["t"] in _BREAKS for n in children) else None
        if inner is not None:
            content = inner if where is None else [*first["c"][:where], inner, *first["c"][where + 1:]]
            return [*inlines[:start], {**first, "c": content}, *inlines[start + 1:]]
    return [*inlines[:start], Span(tail, ["last-word"]), *inlines[end:]]


def unsafe_html(blocks: list) -> list[tuple[str, str]]:
    """Raw HTML, attributes and link targets that must not reach an edition, as
    ``(source text to look for when reporting the line, reason)``: the one
    policy of press.book.htmlpolicy (pandoc reads ``<span onclick=...>`` as a
    native span with an ``onclick`` attribute, so attributes are checked too)."""
    return list(htmlpolicy.problems(blocks))


def heading_ids(blocks: list, prefix: str) -> list:
    """Give every heading without an explicit id a stable one."""
    counter = 0
    for node in iter_nodes(blocks):
        if node["t"] == "Header" and not node["c"][1][0]:
            counter += 1
            node["c"][1][0] = f"{prefix}-s{counter}"
    return blocks


@dataclass
class Scan:
    """What the collect stage needs to know of a chapter's AST, in one pass."""

    ids: list[str] = field(default_factory=list)  # every id declared, in document order
    links: list[str] = field(default_factory=list)  # link targets
    images: list[dict[str, Any]] = field(default_factory=list)  # src and alt of each image


def scan(blocks: list) -> Scan:
    found = Scan()
    for node in iter_nodes(blocks):
        t = node["t"]
        if t in ATTR_INDEX and attr(node)[0]:
            found.ids.append(attr(node)[0])
        if t == "Link":
            found.links.append(node["c"][2][0])
        elif t == "Image":
            found.images.append({"src": node["c"][2][0], "alt": node["c"][1]})
    return found
