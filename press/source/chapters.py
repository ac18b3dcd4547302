"""Read: ``content/chapters/*.md`` in file-name order become ``Chapter`` objects.

Each chapter keeps its path, its validated front matter, its body and the
line where the body starts, so that every later stage can say ``path:line``.
All problems of all chapters are collected before the build stops
(``read_chapters``), or handed on with the chapters that could be read
(``read_book``), for the collect stage to report with its own.

The build's session (press.session) is passed in: its dates table keeps the
front matter's parsed EDTF dates, and a session that remembers between builds
(the live preview) hands out the last reading of an unchanged file again.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from .config import Paths, read_text
from ..errors import Collector, ContentError, Problem
from .schema import FrontMatter, validate
from .units import check_units
from ..session import Session
from .yamlsrc import Located, YAMLProblems, load

FILE_NAME = re.compile(r"^(\d{2,3})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
FENCE = "---"


@dataclass(frozen=True)
class Chapter:
    path: Path
    shown: str  # the path as printed in messages
    slug: str
    meta: FrontMatter
    located: Located  # the front matter with the line of every key
    body: str
    body_line: int  # line of the file where the body starts (1-based)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.body.encode("utf-8")).hexdigest()

    def line_of(self, needle: str) -> int:
        """The first line of the body holding ``needle`` (the body's start if none)."""
        for offset, text in enumerate(self.body.split("\n")):
            if needle in text:
                return self.body_line + offset
        return self.body_line


def split_front_matter(text: str, shown: str) -> tuple[str, str, int]:
    """Return (front matter YAML, body, body's first line)."""
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        raise ContentError([Problem(shown, 1, "the file must start with front matter between '---' lines")])
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (FENCE, "..."):
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1 :]), index + 2
    raise ContentError([Problem(shown, 1, "the front matter is not closed: add a '---' line after it")])


# The last good reading of each chapter file, by path, with what it was read
# from: the live preview reads the whole book after every save, and parsing
# and validating the front matter of a long book costs a few tenths of a
# second. A Chapter depends on nothing but its file's text, its shown path
# and defer_dates (the schema is code); it is frozen, and no stage changes
# its front matter, so it can be handed out again. One entry per file, in a
# session that remembers between builds.
READS = "chapter reads"


def read_chapter(path: Path, paths: Paths, session: Session, defer_dates: bool = False) -> Chapter:
    shown = paths.show(path)
    match = FILE_NAME.match(path.name)
    if not match:
        raise ContentError(
            [Problem(shown, None, "chapter files are named NN-slug.md (two digits, lowercase slug)")]
        )
    text = read_text(path, shown)
    reads = session.memo(READS)
    remembered = reads.get(str(path))
    if remembered is not None and remembered[0] == (text, shown, defer_dates):
        return remembered[1]
    yaml_text, body, body_line = split_front_matter(text, shown)
    try:
        located = load(yaml_text, shown, line_offset=1)
    except YAMLProblems as exc:
        raise ContentError(exc.problems) from None
    meta, problems = validate(FrontMatter, located, shown, {"defer_dates": defer_dates, "dates": session.dates})
    if problems:
        raise ContentError(problems)
    assert meta is not None
    chapter = Chapter(path, shown, match.group(2), meta, located, body, body_line)
    reads.put(str(path), ((text, shown, defer_dates), chapter))
    return chapter


def read_chapters(paths: Paths, session: Session, defer_dates: bool = False) -> list[Chapter]:
    """Every chapter, validated. ``defer_dates`` leaves the chronology's EDTF
    dates to press.apparatus.chronology, which reports a bad one at the same line."""
    reading = read_book(paths, session, defer_dates)
    if reading.problems:
        raise ContentError(reading.problems)
    return reading.chapters


@dataclass(frozen=True)
class Unread:
    """A chapter file that could not be read as a chapter (its front matter is
    wrong, or its part's is): its text, so that the collect stage does not
    call an id missing that may be declared in it."""

    shown: str
    slug: str
    text: str

    def may_declare(self, ident: str) -> bool:
        # Headings get "<slug>-s<n>" (transform.heading_ids); other ids are written out.
        return ident == self.slug or ident.startswith(self.slug + "-") or ident in self.text


@dataclass(frozen=True)
class Reading:
    """What the read stage gives when it is not to stop at its own problems:
    the chapters that could be read, its problems, and the files it could not
    read. The collect stage checks the chapters and reports its problems with
    these (press.book.collect), so that one run lists the book's problems."""

    chapters: list[Chapter]
    problems: list[Problem]
    unread: list[Unread]


def read_book(paths: Paths, session: Session, defer_dates: bool = False) -> Reading:
    """Every chapter that can be read, and the problems of the others."""
    files = sorted(p for p in paths.chapters.glob("*") if p.is_file() and not p.name.startswith("."))
    problems = Collector()
    if not files:
        problems.add(paths.show(paths.chapters), None, "no chapters: add NN-slug.md files")
    chapters: list[Chapter] = []
    unread: list[Unread] = []
    for path in files:
        if path.suffix != ".md":
            problems.add(paths.show(path), None, "only .md files belong in content/chapters/")
            continue
        try:
            chapters.append(read_chapter(path, paths, session, defer_dates))
        except ContentError as exc:
            problems.extend(exc.problems)
            unread.append(_unread(path, paths))
    session.memo(READS).retain(str(path) for path in files)  # a removed file's reading goes too
    # A chapter of a part that could not be read waits for it, unreported.
    chapters, orphans = _placed(chapters, {u.slug for u in unread})
    unread += orphans
    problems.extend(check_structure(chapters))
    # One whose part is not a part before it is reported there, and cannot be placed either.
    chapters, orphans = _placed(chapters)
    return Reading(chapters, problems.problems, unread + orphans)


def _placed(chapters: list[Chapter], waiting: set[str] | None = None) -> tuple[list[Chapter], list[Unread]]:
    """The chapters that can be placed in the book, and the others: those of a
    part in ``waiting``, or (``waiting`` None) of no part file before them."""
    placed, others, parts = [], [], set()
    for chapter in chapters:
        part = chapter.meta.part
        if part is not None and (part in waiting if waiting is not None else part not in parts):
            others.append(Unread(chapter.shown, chapter.slug, chapter.body))
            continue
        if chapter.meta.kind == "part":
            parts.add(chapter.slug)
        placed.append(chapter)
    return placed, others


def _unread(path: Path, paths: Paths) -> Unread:
    match = FILE_NAME.match(path.name)
    try:
        text = path.read_text("utf-8", errors="replace")
    except OSError:
        text = ""
    return Unread(paths.show(path), match.group(2) if match else path.stem, text)


def check_structure(chapters: list[Chapter]) -> list[Problem]:
    """Slugs unique, parts declared before their chapters, numbers unique per part."""
    problems: list[Problem] = []
    seen_slugs: dict[str, Chapter] = {}
    parts: set[str] = set()
    numbers: dict[tuple[str | None, str, str], Chapter] = {}
    for chapter in chapters:
        meta = chapter.meta
        if chapter.slug in seen_slugs:
            first = seen_slugs[chapter.slug].shown
            problems.append(Problem(chapter.shown, 1, f"duplicate slug '{chapter.slug}' (also {first})"))
        seen_slugs.setdefault(chapter.slug, chapter)
        if meta.kind == "part":
            parts.add(chapter.slug)
        if meta.part is not None and meta.part not in parts:
            problems.append(
                Problem(
                    chapter.shown,
                    chapter.located.line_of(("part",)),
                    f"part '{meta.part}' is not a part file that comes before this chapter",
                )
            )
        if meta.number is not None:
            key = (meta.part, meta.kind, meta.number)
            if key in numbers:
                other = numbers[key].shown
                scope = f"part '{meta.part}'" if meta.part else "the book"
                problems.append(
                    Problem(
                        chapter.shown,
                        chapter.located.line_of(("number",)),
                        f"duplicate {meta.kind} number '{meta.number}' in {scope} (also {other})",
                    )
                )
            numbers.setdefault(key, chapter)
    return problems + check_units(chapters)
