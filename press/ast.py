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


def rewrite(value: Any, action: Callable[[Node], Any]) -> Any:
    """Depth-first, bottom-up rewrite of lists of elements, without changing
    ``value``: what the action changes is copied along its path from the
    root, and every untouched list and element is shared with ``value`` (so
    a remembered AST needs no deep copy first).

    ``action(node)`` must not change the node it is given; it returns
    ``None`` to keep it, or a list of new nodes to put in its place (an
    empty list deletes it). To change nodes in place, loop over
    ``iter_nodes``.
    """
    if type(value) is list:
        return _rewrite_list(value, action)
    if type(value) is dict:
        return _rewrite_children(value, action)
    return value


# The rewrite runs over every unit of a book, so it is written for speed:
# strings and numbers, most of the tree, are never passed to a call.
def _rewrite_list(items: list, action: Callable[[Node], Any]) -> list:
    out: list | None = None  # made at the first change
    for index, item in enumerate(items):
        if type(item) is dict:
            new = _rewrite_children(item, action)
            replacement = action(new) if "t" in new else None
            if replacement is None:
                if new is item:
                    if out is not None:
                        out.append(item)
                    continue
                replacement = [new]
            if out is None:
                out = items[:index]
            out.extend(replacement)
        elif type(item) is list:
            new_list = _rewrite_list(item, action)
            if new_list is not item and out is None:
                out = items[:index]
            if out is not None:
                out.append(new_list)
        elif out is not None:
            out.append(item)
    return items if out is None else out


def _rewrite_children(node: dict, action: Callable[[Node], Any]) -> dict:
    changed: dict | None = None
    for key in ("c", "blocks"):
        child = node.get(key)
        if type(child) is list:
            new = _rewrite_list(child, action)
        elif type(child) is dict:
            new = _rewrite_children(child, action)
        else:
            continue
        if new is not child:
            changed = changed or {}
            changed[key] = new
    return node if changed is None else {**node, **changed}


def iter_nodes(value: Any) -> Iterator[Node]:
    """Every element under ``value``, in document order."""
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        if type(value) is list:
            stack.extend(reversed(value))
        elif type(value) is dict:
            if "t" in value:
                yield value
            blocks, content = value.get("blocks"), value.get("c")
            if blocks is not None:
                push(blocks)
            if content is not None:
                push(content)


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
