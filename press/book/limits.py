"""Limits on a chapter's size and nesting, checked before pandoc reads it.

pandoc and the AST walks after it recurse once per level of nesting and
take time far beyond linear on some shapes (footnotes by the ten thousand,
tables of many thousand rows). Rather than a build that runs for minutes,
runs out of memory or overflows the stack, the chapter is refused at once
with ``path:line`` and the limit it passed (README.md, "Limits").
"""

from __future__ import annotations

import re

from ..errors import ContentError, Problem

MAX_CHAPTER_BYTES = 2_000_000  # 2 MB of Markdown: a long novel is 1 MB
MAX_NESTING = 100  # block quotes and lists inside each other
MAX_NOTES = 5_000  # footnote definitions in one chapter
MAX_TABLE_ROWS = 2_000  # rows of pipe and grid tables in one chapter

_PREFIX = re.compile(r"[ \t]*(?:>|[-*+](?=[ \t])|\d{1,9}[.)](?=[ \t]))")
_NOTE = re.compile(r"^ {0,3}\[\^[^\]\n]+\]:", re.M)
_ROW = re.compile(r"^[ \t]*[|+]", re.M)


def check(body: str, source: str, offset: int = 0) -> None:
    """Raise ContentError when ``body`` (after ``offset`` lines of its file) passes a limit."""
    size = len(body.encode("utf-8"))
    if size > MAX_CHAPTER_BYTES:
        _fail(source, None, f"the chapter is {size / 1e6:.1f} MB, more than the limit of "
                            f"{MAX_CHAPTER_BYTES // 1_000_000} MB; split it into several chapters")
    for number, line in enumerate(body.split("\n"), start=1):
        if _depth(line) > MAX_NESTING:
            _fail(source, number + offset, f"block quotes or lists nested more than {MAX_NESTING} "
                                           "deep; flatten the nesting")
    notes = len(_NOTE.findall(body))
    if notes > MAX_NOTES:
        _fail(source, None, f"{notes} footnotes, more than the limit of {MAX_NOTES} in one chapter; "
                            "split the chapter")
    rows = len(_ROW.findall(body))
    if rows > MAX_TABLE_ROWS:
        _fail(source, None, f"{rows} table rows, more than the limit of {MAX_TABLE_ROWS} in one "
                            "chapter; split the table or put the data in an appendix of its own")


def _depth(line: str) -> int:
    depth, position = 0, 0
    while depth <= MAX_NESTING:
        match = _PREFIX.match(line, position)
        if match is None:
            break
        depth += 1
        position = match.end()
    indent = len(line) - len(line.lstrip(" \t"))
    return max(depth, indent // 2)


def _fail(source: str, line: int | None, message: str) -> None:
    raise ContentError([Problem(source, line, message)])


def check_chapters(chapters) -> None:
    """``check`` on every chapter (press.source.chapters.Chapter), at its body's line."""
    for chapter in chapters:
        check(chapter.body, chapter.shown, chapter.body_line - 1)
