"""Small helpers over pandoc's JSON AST (pandoc-types 1.23).

The AST is plain JSON (``{"t": "Str", "c": "text"}``); a generic walk over
lists and dicts is all the edits in ``press.transform`` need, so we do not
take on a filter framework whose releases lag behind pandoc's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

Node = dict[str, Any]

# Where each element keeps its attributes ([id, classes, key-values]) and its
# children, for the elements the pipeline edits.
ATTR_INDEX = {"Header": 1, "Span": 0, "Div": 0, "Code": 0, "CodeBlock": 0, "Link": 0, "Image": 0}


def walk(value: Any, action: Callable[[Node], Any]) -> Any:
    """Depth-first, bottom-up rewrite of lists of elements.

    ``action(node)`` returns ``None`` to keep the node, or a list of nodes to
    put in its place (an empty list deletes it).
    """
    if isinstance(value, list):
        out: list = []
        for item in value:
            item = walk(item, action)
            if isinstance(item, dict) and "t" in item:
                replacement = action(item)
                if replacement is None:
                    out.append(item)
                else:
                    out.extend(replacement)
            else:
                out.append(item)
        return out
    if isinstance(value, dict):
        for key in ("c", "blocks"):
            if key in value:
                value[key] = walk(value[key], action)
        return value
    return value


def iter_nodes(value: Any) -> Iterator[Node]:
    """Every element under ``value``, in document order."""
    if isinstance(value, list):
        for item in value:
            yield from iter_nodes(item)
    elif isinstance(value, dict):
        if "t" in value:
            yield value
        for key in ("c", "blocks"):
            if key in value:
                yield from iter_nodes(value[key])


def attr(node: Node) -> list:
    """The [id, classes, key-values] of an element that has attributes."""
    return node["c"][ATTR_INDEX[node["t"]]]


def kv(node: Node) -> dict[str, str]:
    return dict(attr(node)[2])


def has_class(node: Node, name: str) -> bool:
    return node["t"] in ATTR_INDEX and name in attr(node)[1]


def stringify(value: Any) -> str:
    """Plain text of a fragment, as pandoc's ``stringify`` does."""
    parts: list[str] = []
    for node in iter_nodes(value):
        t = node["t"]
        if t == "Str":
            parts.append(node["c"])
        elif t in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif t in ("Code", "Math"):
            parts.append(node["c"][1])
        elif t == "Quoted":
            pass  # its Str children are visited; quotes are typography
    return "".join(parts)


def Str(text: str) -> Node:
    return {"t": "Str", "c": text}


def Span(inlines: list, classes: list[str], ident: str = "", attrs: list | None = None) -> Node:
    return {"t": "Span", "c": [[ident, classes, attrs or []], inlines]}


def clone(value: Any) -> Any:
    """A deep copy of AST data (JSON round trip: several times faster than deepcopy)."""
    return json.loads(json.dumps(value))


def document(blocks: list, meta: dict | None = None, api: list | None = None) -> dict:
    return {"pandoc-api-version": api or [1, 23, 1], "meta": meta or {}, "blocks": blocks}
