"""Code in the shared AST: blocks a keyboard can scroll, and code in notes kept.

A code block scrolls inside itself on a narrow screen (styles/screen.css,
epub.css), and a scrollable region must take the keyboard's focus (axe and
Ace: scrollable-region-focusable), so every code block gets ``tabindex="0"``
(pandoc writes it on the ``div.sourceCode`` of a highlighted block, on the
``pre`` of a plain one). A note becomes an inline span in the print and web
HTML (press.book.transform.note_span), where only its paragraphs were kept:
a code block in a note becomes a block-like span holding its code, as a
note's paragraph does, so it is not dropped.
"""

from __future__ import annotations

from .ast import Node, Span, attr

FOCUSABLE = ["tabindex", "0"]


def focusable(blocks: list) -> list:
    """Every code block in ``blocks`` with ``tabindex="0"``, in place."""
    from .ast import iter_nodes

    for node in iter_nodes(blocks):
        if node["t"] == "CodeBlock":
            pairs = attr(node)[2]
            if not any(key == "tabindex" for key, _ in pairs):
                pairs.append(list(FOCUSABLE))
    return blocks


def note_code(block: Node) -> Node:
    """A note's code block as a block-like span (``.footnote-code``) holding its code, highlighted alike."""
    ident, classes, pairs = attr(block)
    code = {"t": "Code", "c": [["", list(classes), [p for p in pairs if p[0] != "tabindex"]], block["c"][1]]}
    return Span([code], ["footnote-code"], ident=ident)
