"""Code in the shared AST: blocks a keyboard can scroll, and code in notes kept.

A code block scrolls inside itself on a narrow screen (styles/screen.css,
epub.css), and a scrollable region must take the keyboard's focus (axe and
Ace: scrollable-region-focusable), so every code block gets ``tabindex="0"``
(pandoc writes it on the ``div.sourceCode`` of a highlighted block, on the
``pre`` of a plain one), and a stable id (``prepare``). A note becomes an inline span in the print and web
HTML (press.book.transform.note_span), where only its paragraphs were kept:
a code block in a note becomes a block-like span holding its code, as a
note's paragraph does, so it is not dropped.
"""

from __future__ import annotations

from .ast import Node, Span, attr

FOCUSABLE = ["tabindex", "0"]


def prepare(blocks: list, prefix: str) -> list:
    """Every code block in ``blocks`` with ``tabindex="0"`` and an id, in place.

    Without an id, pandoc numbers a conversion's blocks itself (``cb1``, and
    its lines ``cb1-1``): the numbers would start again in each unit of the
    print document, and differ between the EPUB (one conversion) and the
    HTML (a unit converted alone when the others are cached), while a print
    page that begins with a block is named by its id (press.editions.pagemarks).
    So a block gets ``<unit>-code<n>``, as a heading gets ``<unit>-s<n>``.
    """
    from .ast import iter_nodes

    counter = 0
    for node in iter_nodes(blocks):
        if node["t"] == "CodeBlock":
            ident, _, pairs = attr(node)
            if not ident:
                counter += 1
                attr(node)[0] = f"{prefix}-code{counter}"
            if not any(key == "tabindex" for key, _ in pairs):
                pairs.append(list(FOCUSABLE))
    return blocks


def note_code(block: Node) -> Node:
    """A note's code block as a block-like span (``.footnote-code``) holding its code, highlighted alike."""
    ident, classes, pairs = attr(block)
    code = {"t": "Code", "c": [["", list(classes), [p for p in pairs if p[0] != "tabindex"]], block["c"][1]]}
    return Span([code], ["footnote-code"], ident=ident)
