"""The editions, as plug-ins of one protocol, found in a registry by name.

Takes a ``Job`` (the collected book, the apparatus's section records, the
print profile, the proof's marks: what every edition renders from) and gives
each edition's files, written into a staging folder, with the facts other
editions need (``EditionResult``). The pipeline (press.pipeline) moves the
files into place only when every edition succeeded; it loops over the
editions without naming one (Sphinx's builders are the model).

An edition class declares:

- ``name``: what a request's targets call it;
- ``provides``: the facts its result carries (the print edition: ``pages``,
  ``page_starts``);
- ``needs``: facts it cannot be built without: the editions that provide
  them are built too, even when not asked for, and not published (the wrap
  cover needs the interior's page count);
- ``uses``: facts it applies when it can have them: from an edition of the
  same build, else from what an earlier build kept (``keep``/``recall``)
  while that is still valid, else not at all (``without`` says so).

and implements, in the order the pipeline calls them:

1. ``start(request)`` (a class method): before the book is read and before
   any thread starts; gives a ``Started`` object the edition owns (the print
   edition forks its worker here);
2. ``Started.begin(job)``: once the book is collected, before the apparatus
   is built (``job.sections`` are planned, without models);
3. ``write(stage)``: all the work that needs no other edition's facts;
4. ``finish(facts, stage)``: the rest, with the facts it needs and uses;
   returns its ``EditionResult``;
5. ``Started.close()``: at the end, whatever happened.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from .profiles import READING, PrintProfile

if TYPE_CHECKING:  # the command line imports this package: it stays light
    from ..source.config import Paths
    from ..errors import Problem
    from ..book.model import Book


EDITIONS = ("html", "pdf", "epub")  # the book's editions: what ``build.py all`` makes


def book_targets(names=EDITIONS) -> tuple[str, ...]:
    """A request's targets for the book's editions ``names``: with the
    chronology's data ("data"), which every build of them writes."""
    return (*names, "data")


@dataclass
class EditionResult:
    name: str
    files: list[str]  # relative to the staging folder, what to move into dist/
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Job:
    """What every edition of a build renders from."""

    paths: Paths
    book: Book
    sections: list  # apparatus.Section records, in order
    profile: PrintProfile = READING
    # The proof's change bars: unit slug -> its changed paragraphs (data-p);
    # the paragraphs are numbered when the profile says so.
    changed: dict[str, frozenset[int]] = field(default_factory=dict)
    pandoc: Any = None  # convert.Pandoc of the build
    # What the build keeps and remembers (press.session); None: a fresh one, remembering nothing.
    session: Any = None
    # The back matter's renderer (press/editions/sections.py), one a build,
    # shared by the editions: made here, kept by with_sections().
    renderer: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        if self.session is None:
            from ..session import Session

            object.__setattr__(self, "session", Session())
        if self.renderer is None:
            from .sections import SectionRenderer

            object.__setattr__(self, "renderer", SectionRenderer(self.paths, self.book, self.session))

    def with_sections(self, sections: list) -> "Job":
        """The job once the apparatus is built (the planned sections had no models)."""
        return replace(self, sections=sections)

    def done(self) -> None:
        """The editions are written: the renderer's memo keeps what this build used."""
        self.renderer.done()

    def unit_html(self, unit) -> str:
        """A unit's body as the editions show it: with the proof's paragraph marks when the profile has them."""
        if not self.profile.paragraph_marks:
            return unit.html
        from .profiles import mark_paragraphs

        return mark_paragraphs(unit.html, unit.slug, self.changed.get(unit.slug, frozenset()))


class Started:
    """What an edition starts before the book is read (nothing, by default)."""

    concurrent = False  # True: it works beside this process (the print worker)

    def begin(self, job: Job) -> None:
        """The book is collected; the apparatus is not built yet."""

    def close(self) -> None:
        """The build is over (or failed)."""


class Edition:
    name: ClassVar[str] = "edition"
    provides: ClassVar[frozenset[str]] = frozenset()
    needs: ClassVar[frozenset[str]] = frozenset()
    uses: ClassVar[frozenset[str]] = frozenset()
    without: ClassVar[str] = ""  # a note for when a fact it uses is out of date: what to build
    needs_pango: ClassVar[bool] = False  # it lays out with WeasyPrint (press.tools.check_pango)

    @classmethod
    def start(cls, request) -> Started:
        return Started()

    def __init__(self, job: Job, started: Started | None = None):
        self.job = job
        self.paths = job.paths
        self.book = job.book
        self.sections = job.sections
        self.profile = job.profile
        self.started = started or Started()
        self.warnings: list[Problem] = []

    def write(self, stage: Path) -> None:
        """What needs no other edition's facts (in a thread of its own, beside the others)."""

    def finish(self, facts: dict[str, Any], stage: Path) -> EditionResult:  # pragma: no cover - abstract
        raise NotImplementedError

    def keep(self, result: EditionResult) -> dict | None:
        """What of ``result`` later builds may use (JSON), or None."""
        return None

    @classmethod
    def recall(cls, kept: dict) -> dict[str, Any]:
        """The facts of what ``keep`` gave."""
        return {}

    def back_toc(self, prefix: str) -> list[dict[str, str]]:
        """Contents entries for the back matter; ``prefix`` is '#' or ''. ``id``: the
        section's anchor, whose page the printed contents give (press.editions.pdf)."""
        return [{"title": s.title, "href": f"#{s.id}" if prefix == "#" else f"{self.page_name(s)}#{s.id}",
                 "id": s.id} for s in self.sections]

    def page_name(self, section) -> str:
        """The file a back section is on, in editions of several files."""
        return ""


class Registry:
    """Edition classes by name. The toolchain's are imported when first asked for."""

    def __init__(self, builtin: dict[str, str]):
        self._where = dict(builtin)  # name -> "module:Class"
        self._classes: dict[str, type[Edition]] = {}

    def register(self, cls: type[Edition]) -> type[Edition]:
        """Add an edition class (usable as a decorator); its ``name`` is its key."""
        self._classes[cls.name] = cls
        return cls

    def unregister(self, name: str) -> None:
        self._classes.pop(name, None)

    def names(self) -> list[str]:
        return sorted({*self._where, *self._classes})

    def get(self, name: str) -> type[Edition]:
        if name not in self._classes:
            if name not in self._where:
                raise KeyError(f"no edition '{name}' (one of: {', '.join(self.names())})")
            module, _, attr = self._where[name].partition(":")
            self._classes[name] = getattr(importlib.import_module(module), attr)
        return self._classes[name]

    def provider(self, fact: str) -> type[Edition] | None:
        """The edition class that provides ``fact``."""
        return next((cls for cls in map(self.get, self.names()) if fact in cls.provides), None)

    def plan(self, targets: list[str]) -> list[type[Edition]]:
        """The classes to build for ``targets``: theirs, and the providers of
        what they need (recursively), providers first."""
        order: list[type[Edition]] = []

        def add(cls: type[Edition]) -> None:
            if cls in order:
                return
            for fact in sorted(cls.needs):
                provider = self.provider(fact)
                if provider is None:
                    raise KeyError(f"edition '{cls.name}' needs '{fact}', which no edition provides")
                add(provider)
            order.append(cls)

        for name in targets:
            add(self.get(name))
        # Editions whose facts others use come first: they are set going first.
        provided = {fact for cls in order for fact in cls.provides}
        used = {fact for cls in order for fact in cls.needs | cls.uses} & provided
        return sorted(order, key=lambda cls: not (cls.provides & used))


REGISTRY = Registry({
    "html": "press.editions.html:HtmlEdition",
    "pdf": "press.editions.pdf:PdfEdition",
    "epub": "press.editions.epub:EpubEdition",
    "data": "press.editions.data:DataEdition",
    "cover": "press.editions.wrapcover:CoverEdition",
})
