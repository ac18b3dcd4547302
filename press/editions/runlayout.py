"""The print layout in runs: what each print worker does with its run of units.

Takes a run of the body (press/editions/runs.py) and the steps the build
sends (press/editions/pdf.py drives them, worker by worker); gives the
run's facts (its page count, ids and counters), then its pages with their
folios, and the piece of the PDF it writes. The first worker also lays out
the front matter and joins the pieces (press/editions/join.py); the last,
the paged back matter. The steps are those of ``Typesetter`` (one
document), each done where the pages are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .layout import BLANK_PAGE, PrintLayout, Typesetter, front_count_moves, layout_of, mirror_outer_marks, write_pdf
from .pagestarts import page_walks
from .profiles import READING
from .runs import DeferredMargins, Run, margins_deferred


@dataclass
class RunFacts:
    """What a laid-out run tells the build (small and picklable)."""

    pages: int  # its pages, the stub's dropped
    anchors: dict[str, int]  # id -> index of its first page in the run
    counters: list[tuple[int, bool]]  # each page's page counter, from 1, and whether the page sets it
    next_counter: tuple[int, bool] | None  # the stub's page's: where the next run begins
    front_count: int  # the first run's: the front matter's pages, laid out with blank numbers
    warnings: list[Problem]


@dataclass
class Piece:
    """A piece of the PDF a worker wrote, and what the join needs of it."""

    file: str
    bookmarks: list[tuple]  # each page's height and WeasyPrint bookmarks
    foreign: set[str]  # the names it holds only so that its links into other pieces are kept
    walks: list[tuple]  # pagestarts.page_walks of its pages (the reading profile's)
    warnings: list[Problem]


class RunTypesetter(Typesetter):
    """One worker's run of the body and, for the first and the last, the front and back matter."""

    def __init__(self):
        super().__init__()
        self.document = None
        self.margins: DeferredMargins | None = None
        self.front_pages: list = []

    def lay_out_run(self, paths, config, run: Run, profile=READING, front=None) -> RunFacts:
        self.front_count = 0
        if front is not None:  # the first run opens with front-matter units: their folios follow the front matter
            pages, _ = self._front_matter(paths, config, front, None, profile)
            self.front_count = len(pages)
        self.margins = DeferredMargins()
        with margins_deferred(self.margins):
            document, warnings = self.lay_out(paths, config, run.html, profile)
        counters = self.margins.counters()
        following = None
        if run.stub:  # the next run's first unit, empty: its page goes, its counter is the next run's first
            following = counters[-1]
            document = document.copy(document.pages[:-1])
            counters = counters[:-1]
        self.document = document
        return RunFacts(len(document.pages), layout_of(document, 0).anchor_pages, counters, following,
                        self.front_count, list(warnings))

    def number(self, offset: int) -> None:
        """The margin boxes (running heads, folios), the page counter moved by ``offset``."""
        self.margins.make(offset, keep=len(self.document.pages))

    def back_matter(self, paths, config, strings, paged, body: PrintLayout, first: int, profile) -> tuple:
        """The paged back matter laid out with ``body``'s numbers, in place of its headings at the run's end.

        ``first``: the index in the body of the run's first page. Gives the
        run's new page count, the ids on its pages, and the warnings."""
        self.document, warnings = self._splice_back_matter(paths, config, strings, paged, self.document, body,
                                                           profile, first)
        return len(self.document.pages), layout_of(self.document, 0).anchor_pages, warnings

    def front_matter(self, paths, config, front, body: PrintLayout, profile) -> tuple[int, list[Problem]]:
        self.front_pages, warnings = self._front_matter(paths, config, front, body, profile)
        return len(self.front_pages), warnings

    def blank_end(self, paths, config, profile) -> list[Problem]:
        """A blank page at the end (the press's even count)."""
        blank, warnings = self.lay_out(paths, config, BLANK_PAGE, profile)
        self.document = self.document.copy(self.document.pages + blank.pages[:1])
        return warnings

    def write_piece(self, target: Path, layout: PrintLayout, first: int, profile) -> Piece:
        """Write this worker's pages (the front matter's first, in the first worker) as a piece of the book.

        ``first``: the book's index of the piece's first page; ``layout`` the book's."""
        document = self.document.copy(self.front_pages + self.document.pages) if self.front_pages else self.document
        own = {anchor for page in document.pages for anchor in page.anchors}
        foreign = {target_id for page in document.pages for kind, target_id, _, _ in page.links
                   if kind == "internal" and target_id not in own}
        walks = page_walks(document, layout, first) if profile == READING else []
        if profile.outer_marks:
            mirror_outer_marks(document)  # every piece begins on a recto: its parity is the book's
        bookmarks = []
        for page in document.pages:
            bookmarks.append((page.height, list(page.bookmarks)))
            page.bookmarks = []  # the outline is the book's, made when the pieces are joined
        if foreign:  # stand-ins, so that WeasyPrint keeps the links (join() drops them)
            document.pages[-1].anchors.update({name: (0, 0, 0, 0) for name in sorted(foreign)})
        write_pdf(document, target, PrintLayout(len(document.pages), 0, {}), profile)
        self.written = document
        return Piece(target.name, bookmarks, foreign, walks, [])

    def join(self, stage: Path, pieces: list[Piece], target: Path, layout: PrintLayout) -> None:
        from .join import join

        join([stage / piece.file for piece in pieces], [mark for piece in pieces for mark in piece.bookmarks],
             [piece.foreign for piece in pieces], target, layout.body_start)
        for piece in pieces:
            (stage / piece.file).unlink()


class Runs:
    """The first print worker's side of a body laid out in runs: it lays out the
    first run, the front matter and joins; a forked worker lays out each other run."""

    def __init__(self, runs: list[Run]):
        from ..parallel import Forked, InProcess

        # Forked before this process lays anything out: the children inherit WeasyPrint, not Pango's state.
        self.children = [Forked(RunTypesetter) for _ in runs[1:]]
        self.lead = RunTypesetter()
        self.runs = runs
        self.facts: list[RunFacts] = []
        self.local = InProcess(lambda: self.lead)  # the lead's run, driven as a worker's is

    def lay_out(self, paths, config, profile, front) -> None:
        for child, run in zip(self.children, self.runs[1:]):
            child.submit(_lay_out_run, paths, config, run, profile, None)
        self.facts = [self.lead.lay_out_run(paths, config, self.runs[0], profile, front)]

    def workers(self) -> list:
        """The runs' workers in order: the lead in this process, then the forked ones."""
        return [self.local] + self.children

    def finish(self, paths, config, strings, paged, front, profile, stage: Path, start_id: str):
        from .pagestarts import starts_of
        from .layout import Printed

        self.facts += [child.result() for child in self.children]
        warnings = [w for facts in self.facts for w in facts.warnings]
        workers = self.workers()
        front_count = self.facts[0].front_count
        back = None  # the last run's page count and ids once its paged back matter is in
        for _ in range(3):
            offsets = run_offsets(self.facts, front_count)
            for worker, offset in zip(workers, offsets):
                worker.submit(_number, offset)
            for worker in workers:
                worker.result()
            firsts, body = body_layout(self.facts, front_count, start_id, back)
            if paged and back is None:
                last = workers[-1].submit(_back_matter, paths, config, strings, paged, body, firsts[-1], profile)
                count, anchors, more = last.result()
                warnings += more
                back = (count, anchors)
                firsts, body = body_layout(self.facts, front_count, start_id, back)
            count, more = self.lead.front_matter(paths, config, front, body, profile)
            if not front_count or count == front_count:
                warnings += more
                break
            front_count = count  # the front-matter units' folios assumed another count: again, from this one
        else:
            raise front_count_moves()
        shift = count - front_count  # the front matter's pages, before the body's indices
        front_anchors = layout_of(self.lead.document.copy(self.lead.front_pages), 0).anchor_pages
        anchor_pages = {**{ident: index + shift for ident, index in body.anchor_pages.items()}, **front_anchors}
        layout = PrintLayout(body.page_count + shift, body.body_start + shift, anchor_pages)
        if profile.even_pages and layout.page_count % 2:
            warnings += workers[-1].submit(_blank_end, paths, config, profile).result()
            layout.page_count += 1
        target = stage / f"{config.slug}{profile.suffix}.pdf"
        starts = [0] + [first + shift for first in firsts[1:]]
        for k, (worker, first) in enumerate(zip(workers, starts)):
            worker.submit(_write_piece, stage / f"{target.stem}.piece{k}.pdf", layout, first, profile)
        pieces = [worker.result() for worker in workers]
        self.lead.join(stage, pieces, target, layout)
        walks = [walk for piece in pieces for walk in piece.walks]
        return Printed(target.name, layout, starts_of(walks, layout) if walks else [], warnings)

    def close(self) -> None:
        for child in self.children:
            child.close()


def _lay_out_run(typesetter: RunTypesetter, *args) -> RunFacts:
    return typesetter.lay_out_run(*args)


def _number(typesetter: RunTypesetter, offset: int) -> None:
    typesetter.number(offset)


def _back_matter(typesetter: RunTypesetter, *args):
    return typesetter.back_matter(*args)


def _blank_end(typesetter: RunTypesetter, *args):
    return typesetter.blank_end(*args)


def _write_piece(typesetter: RunTypesetter, *args) -> Piece:
    return typesetter.write_piece(*args)


def run_offsets(facts: list[RunFacts], front_count: int) -> list[int]:
    """Each run's page-counter offset: the first's, the front matter's count (its
    front-matter units go on from it); the next's, where the one before it ends."""
    from .runs import true_counters

    offsets = [front_count]
    for before, run in zip(facts, facts[1:]):
        stub_value, stub_sets = before.next_counter
        counters = true_counters(before.counters + [(stub_value, stub_sets)], offsets[-1])
        offsets.append(counters[-1] - run.counters[0][0] if run.counters else 0)
    return offsets


def body_layout(facts: list[RunFacts], front_count: int, start_id: str, back: tuple | None):
    """The body's layout from its runs' (the last run's ids as the back matter left them, when it is in):
    each run's first page's index, and the ``PrintLayout`` numbered as ``Typesetter`` numbers the body."""
    firsts, anchor_pages, index = [], {}, front_count
    for k, run in enumerate(facts):
        pages, anchors = (back if back is not None and k == len(facts) - 1 else (run.pages, run.anchors))
        firsts.append(index)
        for ident, local in anchors.items():
            anchor_pages.setdefault(ident, index + local)
        index += pages
    return firsts, PrintLayout(index, anchor_pages.get(start_id, front_count), anchor_pages)
