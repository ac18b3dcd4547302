"""Small helpers over pandoc's JSON AST (pandoc-types 1.23).

The AST is plain JSON (``{"t": "Str", "c": "text"}``); a generic walk over
lists and dicts is all the edits in ``press.book.transform`` need, so we do not
take on a filter framework whose releases lag behind pandoc's.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

Node = dict[str, Any]

# Where each element keeps its attributes ([id, classes, key-values]) and its
# children, for the elements the pipeline edits.
ATTR_INDEX = {"Header": 1, "Span": 0, "Div": 0, "Code": 0, "CodeBlock": 0, "Link": 0, "Image": 0,
              "Figure": 0, "Table": 0}  # issue 17: a figure's or a table's id is an anchor


def rewrite(value: Any, action: Callable[..., Any], skip: Callable[[Node], bool] | None = None,
            context: bool = False) -> Any:
    """Depth-first, bottom-up rewrite of lists of elements, without changing
    ``value``: what the action changes is copied along its path from the
    root, and every untouched list and element is shared with ``value`` (so
    a remembered AST needs no deep copy first).

    ``action(node)`` must not change the node it is given; it returns
    ``None`` to keep it, or a list of new nodes to put in its place (an
    empty list deletes it); the new nodes are not walked again. To change
    nodes in place, loop over ``iter_nodes``.

    ``skip(node)`` true: the node's children are not walked (the action
    still sees the node itself), for what a transform must not look into
    (code, a heading, a mark it has made). ``context`` true: the action is
    called as ``action(node, ancestors)``, ``ancestors`` being the elements
    that hold the node, outermost first, as they were before the walk (one
    list that the walk changes as it goes: read it, do not keep it).

    Elements are passed to the action children first, so a transform that
    numbers what it makes in reading order numbers it afterwards, in an
    ``iter_nodes`` pass over the result (press.book.index_marks, press.book.citations).
    """
    stack = [] if context else None
    if type(value) is list:
        return _rewrite_list(value, action, skip, stack)
    if type(value) is dict:
        return _rewrite_children(value, action, skip, stack)
    return value


# The rewrite runs over every unit of a book, so it is written for speed:
# strings and numbers, most of the tree, are never passed to a call.
def _rewrite_list(items: list, action: Callable[..., Any], skip, stack: list | None) -> list:
    out: list | None = None  # made at the first change
    for index, item in enumerate(items):
        if type(item) is dict:
            element = "t" in item
            if element and skip is not None and skip(item):
                new = item
            else:
                new = _rewrite_children(item, action, skip, stack)
            if element:
                replacement = action(new) if stack is None else action(new, stack)
            else:
                replacement = None
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
            new_list = _rewrite_list(item, action, skip, stack)
            if new_list is not item and out is None:
                out = items[:index]
            if out is not None:
                out.append(new_list)
        elif out is not None:
            out.append(item)
    return items if out is None else out


def _rewrite_children(node: dict, action: Callable[..., Any], skip, stack: list | None) -> dict:
    changed: dict | None = None
    held = stack is not None and "t" in node  # an element, not the document or a citation
    if held:
        stack.append(node)
    for key in ("c", "blocks"):
        child = node.get(key)
        if type(child) is list:
            new = _rewrite_list(child, action, skip, stack)
        elif type(child) is dict:
            new = _rewrite_children(child, action, skip, stack)
        else:
            continue
        if new is not child:
            changed = changed or {}
            changed[key] = new
    if held:
        stack.pop()
    return node if changed is None else {**node, **changed}


def iter_nodes(value: Any, skip: Callable[[Node], bool] | None = None) -> Iterator[Node]:
    """Every element under ``value``, in document order (reading order: a
    note where its mark is). ``skip(node)`` true: the node is given, its
    children are not."""
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        if type(value) is list:
            stack.extend(reversed(value))
        elif type(value) is dict:
            if "t" in value:
                yield value
                if skip is not None and skip(value):
                    continue
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
