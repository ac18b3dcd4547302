"""YAML without surprises: every scalar is a string, every key is unique.

YAML's implicit typing turns ``no`` into ``False``, ``2014-01-27`` into a
``date`` and ``1883`` into an ``int``, and PyYAML silently keeps the last of
two equal keys. For a book's metadata all of that corrupts data. So we let
PyYAML's safe composer build the node tree (it does the parsing and gives us
positions), and turn the nodes into plain Python ourselves with every scalar
kept as the text the writer typed. Types are decided by the schema
(``press.source.schema``), never by the YAML resolver. Null is the one exception: an
empty value, ``~`` or ``null`` becomes ``None`` so that optional keys can be
left blank.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Problem

NULLS = {"", "~", "null", "Null", "NULL"}
# libyaml's parser when PyYAML was built with it (the PyPI wheels are): the
# same node tree with the same positions, five times faster on index.yaml.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Path_ = tuple[str | int, ...]

# Aliases are expanded when the nodes become data: nine levels of ten
# aliases ("billion laughs") are a billion strings. Both the expanded size
# and the depth are counted on the node graph, before anything is expanded.
MAX_NODES = 100_000  # values after aliases are expanded: index.yaml of a big book has ~20,000
MAX_DEPTH = 50  # mappings and lists inside each other


@dataclass
class Located:
    """Plain data plus the line (1-based, in the file) of every value and key."""

    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


class YAMLProblems(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(map(str, problems)))


def load(text: str, source: str, line_offset: int = 0) -> Located:
    """Parse ``text``; positions are shifted by ``line_offset`` lines.

    Raises ``YAMLProblems`` with ``source:line`` for syntax errors, duplicate
    keys and tags we do not accept.
    """
    try:
        _shallow(text, source, line_offset)
        node = yaml.compose(text, Loader=LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + line_offset if mark else None
        what = exc.problem or str(exc)
        if exc.context:
            what = f"{exc.context}, {what}"
        raise YAMLProblems([Problem(source, line, f"YAML syntax error: {what}")]) from None
    except yaml.YAMLError as exc:  # pragma: no cover - reader errors have no mark
        raise YAMLProblems([Problem(source, None, f"YAML error: {exc}")]) from None
    located = Located(None)
    problems: list[Problem] = []
    if node is not None:
        _bounded(node, source, line_offset)
        located.data = _convert(node, (), located.lines, problems, source, line_offset)
    if problems:
        raise YAMLProblems(problems)
    return located


def _shallow(text: str, source: str, offset: int) -> None:
    """Refuse nesting past MAX_DEPTH from the event stream, before the composer recurses into it.

    The composer recurses once a level, in C: a list nested 100,000 deep
    overflows the stack (a segfault, not an error).
    """
    if text.count("[") + text.count("{") + text.count("\n") <= MAX_DEPTH:
        return
    depth = 0
    for event in yaml.parse(text, Loader=LOADER):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YAMLProblems([Problem(source, event.start_mark.line + 1 + offset,
                                            f"YAML nested more than {MAX_DEPTH} deep; flatten it")])
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _bounded(root, source: str, offset: int) -> None:
    """Refuse a node graph whose expansion would pass MAX_NODES or MAX_DEPTH (no recursion)."""
    sizes: dict[int, int] = {}
    stack = [(root, 1, False)]
    while stack:
        node, depth, children_done = stack.pop()
        if depth > MAX_DEPTH:
            raise YAMLProblems([Problem(source, node.start_mark.line + 1 + offset,
                                        f"YAML nested more than {MAX_DEPTH} deep; flatten it")])
        children = [] if isinstance(node, yaml.ScalarNode) else (
            node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair])
        if children_done:
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in children)
            if sizes[id(node)] > MAX_NODES:
                raise YAMLProblems([Problem(source, node.start_mark.line + 1 + offset, (
                    f"YAML with more than {MAX_NODES} values once its aliases (*name) are expanded; "
                    "write the values out or use fewer aliases"))])
            continue
        if id(node) in sizes:
            continue
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in children if id(c) not in sizes)


def _convert(node, path, lines, problems, source, offset):
    lines[path] = node.start_mark.line + 1 + offset
    if isinstance(node, yaml.ScalarNode):
        if node.tag not in ("tag:yaml.org,2002:str",) and node.tag.startswith("!"):
            problems.append(Problem(source, lines[path], f"YAML tag {node.tag} is not allowed"))
        if not node.style and node.value in NULLS:  # libyaml gives plain scalars the style '', PyYAML None
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(child, path + (i,), lines, problems, source, offset)
            for i, child in enumerate(node.value)
        ]
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(source, key_line, "a key must be plain text"))
                continue
            key = key_node.value
            if key == "<<":
                problems.append(Problem(source, key_line, "YAML merge keys (<<) are not allowed"))
                continue
            if key in result:
                first = lines.get(path + (key,))
                problems.append(
                    Problem(source, key_line, f"duplicate key '{key}' (first given on line {first})")
                )
                continue
            result[key] = _convert(value_node, path + (key,), lines, problems, source, offset)
            lines[path + (key,)] = key_line
        return result
    raise AssertionError(f"unknown YAML node {node!r}")  # pragma: no cover
