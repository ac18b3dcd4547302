"""The print layout in runs: what each print worker does with its runs of units.

Takes the body's runs (press/editions/runs.py) and the jobs the print
worker sends (press/editions/runcoordinator.py drives them); gives each
run's facts (its page count, ids and counters), then its pages with their
folios, and the pieces of the PDF it writes. A worker lays out several
runs, each a document of its own. The paged back matter, once the body is
numbered, is laid out in runs too (cut between its sections), and so is the
front matter, by one worker; the print worker, which lays out nothing,
joins the pieces (press/editions/join.py) once the workers have ended. A
run or a piece kept by an earlier build (press.editions.piececache) is not
laid out or written again.
The steps are those of ``Typesetter`` (one document), each done where the
pages are. ``PRESS_PRINT_TRACE`` prints each step's time and what was kept.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .layout import PrintLayout, Typesetter, layout_of, mirror_outer_marks, write_pdf
from .pagestarts import page_walks
from .profiles import READING
from .runs import DeferredMargins, Run, margins_deferred

FRONT = "front"  # the front matter's piece


@dataclass
class RunFacts:
    """What a laid-out run tells the build (small and picklable; kept between builds)."""

    pages: int  # its pages, the stub's dropped
    anchors: dict[str, int]  # id -> index of its first page in the run
    counters: list[tuple[int, bool]]  # each page's page counter, from 1, and whether the page sets it
    next_counter: tuple[int, bool] | None  # the stub's page's: where the next run begins
    warnings: list[Problem]


@dataclass
class Piece:
    """A piece of the PDF a worker wrote, and what the join needs of it (kept between builds)."""

    file: str  # its name in the cache folder (or the staging folder)
    bookmarks: list[tuple]  # each page's height and WeasyPrint bookmarks
    foreign: set[str]  # the names it holds only so that its links into other pieces are kept
    walks: list[tuple]  # pagestarts.page_walks of its pages (the reading profile's), body-relative but the front's


@dataclass
class FrontFacts:
    """The front matter as laid out with the body's numbers: its pages, ids and warnings."""

    pages: int
    anchors: dict[str, int]
    warnings: list[Problem]


class RunTypesetter(Typesetter):
    """One worker's runs (of the body, of the back matter) and, for the first, the front matter."""

    def __init__(self):
        super().__init__()
        self.laid: dict = {}  # a run's name -> its laid-out document and its held-back margins
        self.front = None  # the front matter's document, numbered

    def lay_out_runs(self, paths, config, profile, batch: list[tuple]) -> list[tuple]:
        """Each (name, run) laid out, its margin boxes held back: its facts, by name."""
        out = []
        for name, run in batch:
            with _timed(f"laid out {name} ({len(run.html):,} characters)"):
                out.append((name, self._deferred(paths, config, run, profile, name)))
        return out

    def _deferred(self, paths, config, run: Run, profile, name) -> RunFacts:
        margins = DeferredMargins()
        with margins_deferred(margins):
            document, warnings = self.lay_out(paths, config, run.html, profile)
        counters = margins.counters()
        following = None
        if run.stub:  # the next run's first unit, empty: its page goes, its counter is the next run's first
            following = counters[-1]
            document = document.copy(document.pages[:-1])
            counters = counters[:-1]
        self.laid[name] = (document, margins)
        return RunFacts(len(document.pages), layout_of(document, 0).anchor_pages, counters, following,
                        list(warnings))

    def number(self, batch: list[tuple]) -> None:
        """Each (name, offset, keep): the run's first ``keep`` pages (None: all; the rest were the paged
        back matter's headings, whose pages follow), their margin boxes made, the counter moved by ``offset``."""
        for name, offset, keep in batch:
            document, margins = self.laid[name]
            if keep is not None:
                document = document.copy(document.pages[:keep])
                self.laid[name] = (document, margins)
            margins.make(offset, keep=len(document.pages))

    def count_front(self, paths, config, front, profile) -> int:
        """The front matter's pages, its numbers blank: where the front-matter units' folios go on from."""
        return len(self._front_matter(paths, config, front, None, profile)[0].pages)

    def front_matter(self, paths, config, front, body: PrintLayout, profile, head: str) -> FrontFacts:
        """The front matter, numbered from ``body``; its piece is the joined PDF's first, whose metadata
        (title, authors, description, keywords, dates) the book keeps: the body's, from ``head``, as in one
        document (``Typesetter.finish`` puts the front matter's pages in the body's document)."""
        from weasyprint import HTML
        from weasyprint.document import DocumentMetadata
        from weasyprint.html import get_html_metadata

        self.front, warnings = self._front_matter(paths, config, front, body, profile)
        self.front.metadata = DocumentMetadata(**get_html_metadata(HTML(string=head)))
        return FrontFacts(len(self.front.pages), layout_of(self.front, 0).anchor_pages, warnings)

    def front_piece(self, paths, config, front, body: PrintLayout, profile, head: str, target: Path,
                    front_count: int) -> tuple:
        """The front matter laid out, numbered from ``body``, and written to ``target``: its piece and facts."""
        facts = self.front_matter(paths, config, front, body, profile, head)
        shift = facts.pages - front_count
        anchors = {**{ident: index + shift for ident, index in body.anchor_pages.items()}, **facts.anchors}
        layout = PrintLayout(body.page_count + shift, body.body_start + shift, anchors)
        [(_, piece)] = self.write_pieces(layout, profile, [(FRONT, target, 0)])
        return piece, facts

    def write_pieces(self, layout: PrintLayout, profile, batch: list[tuple]) -> list[tuple]:
        """Each (name, target, first) written, by name: ``first``, the index in ``layout`` of its first page."""
        out = []
        for name, target, first in batch:
            document = self.front if name == FRONT else self.laid[name][0]
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            with _timed(f"wrote {name} ({len(document.pages)} pages)"):
                piece = self._write(document, tmp, layout, first, profile)
            os.replace(tmp, target)  # whole or not at all: a kept piece is never half-written
            out.append((name, Piece(target.name, *piece)))
        return out

    def _write(self, document, target: Path, layout: PrintLayout, first: int, profile) -> tuple:
        own = {anchor for page in document.pages for anchor in page.anchors}
        foreign = {target_id for page in document.pages for kind, target_id, _, _ in page.links
                   if kind == "internal" and target_id not in own}
        walks = page_walks(document, layout, first) if profile == READING else []
        if profile.outer_marks:
            mirror_outer_marks(document)  # every piece begins on a recto: its parity is the book's
        bookmarks = []
        for page in document.pages:
            bookmarks.append((page.height, list(page.bookmarks)))
        saved = [(page, page.bookmarks, dict(page.anchors)) for page in document.pages]
        for page in document.pages:
            page.bookmarks = []  # the outline is the book's, made when the pieces are joined
        if foreign:  # stand-ins, so that WeasyPrint keeps the links (join() drops them)
            document.pages[-1].anchors.update({name: (0, 0, 0, 0) for name in sorted(foreign)})
        write_pdf(document, target, PrintLayout(len(document.pages), 0, {}), profile)
        for page, marks, anchors in saved:  # written again if the front matter's count moves the folios
            page.bookmarks, page.anchors = marks, anchors
        if profile.outer_marks:
            mirror_outer_marks(document)
        self.written = document
        return bookmarks, foreign, walks


@contextmanager
def _timed(step: str):
    """With ``PRESS_PRINT_TRACE`` set, one worker's step and its seconds, with the worker's pid and the time
    since the build began: which core did what, when."""
    if not os.environ.get("PRESS_PRINT_TRACE"):
        yield
        return
    import sys
    import time

    start = time.perf_counter()
    yield
    end = time.perf_counter()
    print(f"print worker {os.getpid()}: {step}: {end - start:.2f} s, ending at {time.time() % 1000:.2f}",
          file=sys.stderr, flush=True)
