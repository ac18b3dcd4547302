"""The book's units in order: where each kind of unit may stand, and parts.

Checked when the chapters are read (press.source.chapters.check_structure),
so that each problem is reported at its file and line: a book has parts or
it has none (every chapter belongs to a part, or none does); front matter
(dedication, epigraph, foreword, preface, acknowledgements) comes before the
body, back matter (appendix, glossary, afterword, conclusion, about the
authors) after it, in book.yaml's ``back_matter`` order when it gives one.
"""

from __future__ import annotations

from typing import Any

from ..errors import Problem
from .schema import BACK_KINDS, FRONT_KINDS

Chapter = Any  # press.source.chapters.Chapter, which calls this module

# Where a kind stands: front matter, then the body, then back matter.
_FRONT, _BODY, _BACK = 0, 1, 2


def place(kind: str) -> int:
    """0 for front matter, 1 for the body (introduction, parts, chapters), 2 for back matter."""
    return _FRONT if kind in FRONT_KINDS else _BACK if kind in BACK_KINDS else _BODY


def check_units(chapters: list[Chapter], back_order: list[str] | None = None) -> list[Problem]:
    """Parts used throughout or not at all; every kind in its place, in order."""
    problems: list[Problem] = []
    has_parts = any(c.meta.kind == "part" for c in chapters)
    first_part = next((c for c in chapters if c.meta.kind == "part"), None)
    for chapter in chapters:
        meta = chapter.meta
        if meta.kind != "chapter":
            continue
        if has_parts and meta.part is None:
            assert first_part is not None
            problems.append(Problem(chapter.shown, chapter.located.line_of(("kind",)),
                                    f"this book has parts ({first_part.shown}) and this chapter belongs to none: "
                                    "add 'part: <slug of its part file>', or make the book's chapters belong to "
                                    "no part (remove its part files and every chapter's 'part')"))
        elif not has_parts and meta.part is not None:
            problems.append(Problem(chapter.shown, chapter.located.line_of(("part",)),
                                    f"'part: {meta.part}', but this book has no parts (no file of kind 'part'): "
                                    "remove 'part', or add the part file before this chapter"))
    last: Chapter | None = None
    for chapter in chapters:
        if last is not None and place(chapter.meta.kind) < place(last.meta.kind):
            where = {_FRONT: "front matter", _BODY: "body", _BACK: "back matter"}
            problems.append(Problem(chapter.shown, chapter.located.line_of(("kind",)),
                                    f"a unit of kind '{chapter.meta.kind}' ({where[place(chapter.meta.kind)]}) "
                                    f"comes after {last.shown} ({last.meta.kind}, {where[place(last.meta.kind)]}): "
                                    "front matter comes first, then the introduction, parts and chapters, then the "
                                    "back matter; rename the files (NN-slug.md) into that order"))
        last = chapter
    return problems + check_back_order(chapters, back_order)


def check_back_order(chapters: list[Chapter], back_order: list[str] | None) -> list[Problem]:
    """The back-matter units in book.yaml's ``back_matter`` order, where it gives one."""
    problems: list[Problem] = []
    if back_order:
        rank = {kind: position for position, kind in enumerate(back_order)}
        back = [c for c in chapters if c.meta.kind in rank]
        for before, after in zip(back, back[1:]):
            if rank[after.meta.kind] < rank[before.meta.kind]:
                problems.append(Problem(after.shown, after.located.line_of(("kind",)),
                                        f"a unit of kind '{after.meta.kind}' comes after {before.shown} "
                                        f"({before.meta.kind}), but book.yaml's back_matter puts {after.meta.kind} "
                                        "first: rename the files into that order, or change back_matter"))
    return problems
