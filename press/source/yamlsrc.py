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
        located.data = _convert(node, (), located.lines, problems, source, line_offset)
    if problems:
        raise YAMLProblems(problems)
    return located


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
