"""The print layout in runs: what each print worker does with its run of units.

Takes a run of the body (press/editions/runs.py) and the steps the build
sends (press/editions/pdf.py drives them, worker by worker); gives the
run's facts (its page count, ids and counters), then its pages with their
folios, and the pieces of the PDF it writes. The paged back matter, once
the body is numbered, is laid out in runs too (cut between its sections);
the first worker also lays out the front matter, while the others write
their pieces, and joins the pieces (press/editions/join.py). The steps are
those of ``Typesetter`` (one document), each done where the pages are.
``PRESS_PRINT_TRACE`` prints each step's time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .layout import PrintLayout, Typesetter, front_count_moves, layout_of, mirror_outer_marks, write_pdf
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
        self.document = None  # its run of the body
        self.margins: DeferredMargins | None = None
        self.back = None  # its run of the paged back matter, if it has one
        self.back_margins: DeferredMargins | None = None
        self.front_pages: list = []

    def lay_out_run(self, paths, config, run: Run, profile=READING, front=None) -> RunFacts:
        self.front_count = 0
        if front is not None:  # the first run opens with front-matter units: their folios follow the front matter
            pages, _ = self._front_matter(paths, config, front, None, profile)
            self.front_count = len(pages)
        self.document, self.margins, facts = self._deferred(paths, config, run, profile)
        return facts

    def _deferred(self, paths, config, run: Run, profile) -> tuple:
        """A run laid out, its margin boxes held back: its pages, their margins and its facts."""
        margins = DeferredMargins()
        with margins_deferred(margins):
            document, warnings = self.lay_out(paths, config, run.html, profile)
        counters = margins.counters()
        following = None
        if run.stub:  # the next run's first unit, empty: its page goes, its counter is the next run's first
            following = counters[-1]
            document = document.copy(document.pages[:-1])
            counters = counters[:-1]
        return document, margins, RunFacts(len(document.pages), layout_of(document, 0).anchor_pages, counters,
                                           following, self.front_count, list(warnings))

    def number(self, offset: int) -> None:
        """The margin boxes (running heads, folios), the page counter moved by ``offset``."""
        self.margins.make(offset, keep=len(self.document.pages))

    def cut(self, keep: int) -> None:
        """The run's first ``keep`` pages: the rest were the paged back matter's headings, whose pages replace them."""
        self.document = self.document.copy(self.document.pages[:keep])

    def lay_out_back(self, paths, config, run: Run, profile) -> RunFacts:
        """A run of the paged back matter (numbered from the body), its margin boxes held back as a body run's."""
        self.back, self.back_margins, facts = self._deferred(paths, config, run, profile)
        return facts

    def number_back(self, offset: int) -> None:
        self.back_margins.make(offset, keep=len(self.back.pages))

    def front_matter(self, paths, config, front, body: PrintLayout, profile) -> tuple[int, list[Problem]]:
        self.front_pages, warnings = self._front_matter(paths, config, front, body, profile)
        return len(self.front_pages), warnings

    def write_piece(self, target: Path, layout: PrintLayout, first: int, profile, back: bool = False) -> Piece:
        """Write this worker's run of the body (the front matter first, in the first worker), or with
        ``back`` its run of the back matter, as a piece of the book.

        ``first``: the index in ``layout`` of the piece's first page."""
        if back:
            document = self.back
        elif self.front_pages:
            document = self.document.copy(self.front_pages + self.document.pages)
        else:
            document = self.document
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
        self.trace = Trace()
        self.local = InProcess(lambda: self.lead)  # the lead's run, driven as a worker's is

    def lay_out(self, paths, config, profile, front) -> None:
        for child, run in zip(self.children, self.runs[1:]):
            child.submit(_lay_out_run, paths, config, run, profile, None)
        self.facts = [self.lead.lay_out_run(paths, config, self.runs[0], profile, front)]
        self.trace("first run laid out")

    def workers(self) -> list:
        """The runs' workers in order: the lead in this process, then the forked ones."""
        return [self.local] + self.children

    def finish(self, paths, config, strings, paged, front, profile, stage: Path, start_id: str):
        """The runs numbered, the paged back matter laid out in runs too, the front matter, the pieces
        written (the others' while the first worker lays out the front matter) and joined."""
        from .layout import Printed
        from .pagestarts import starts_of

        self.facts += [child.result() for child in self.children]
        trace = self.trace
        trace("the other runs laid out")
        warnings = [w for facts in self.facts for w in facts.warnings]
        workers = self.workers()
        front_count = self.facts[0].front_count
        target = stage / f"{config.slug}{profile.suffix}.pdf"
        for _ in range(3):
            offsets = run_offsets(self.facts, front_count)
            for worker, offset in zip(workers, offsets):
                worker.submit(_number, offset)
            for worker in workers:
                worker.result()
            sizes = [(facts.pages, facts.anchors) for facts in self.facts]
            firsts, body = body_layout(sizes, front_count, start_id)
            trace("numbered")
            back: list[RunFacts] = []
            if paged:
                sizes[-1], back = self._back_matter(paths, config, strings, paged, body, firsts[-1], profile)
                firsts, body = body_layout(sizes + [(f.pages, f.anchors) for f in back], front_count, start_id)
                trace("back matter laid out in runs")
            # Every piece but the first (the front matter's and the first run's) is written now, numbered
            # as the body (the front matter's pages are added to its page starts' indices below).
            # One message a worker: a second would wait in the pipe while the first is written.
            owners = list(range(len(workers))) + list(range(len(back)))  # each piece's worker
            jobs: dict[int, list] = {}
            for k, owner in enumerate(owners[1:], start=1):
                jobs.setdefault(owner, []).append((k, stage / f"{target.stem}.piece{k}.pdf", firsts[k], k >= len(workers)))
            for owner, batch in jobs.items():
                workers[owner].submit(_write_pieces, body, profile, batch)
            count, more = self.lead.front_matter(paths, config, front, body, profile)
            trace("front matter laid out")
            pieces = [None] * len(owners)
            for owner in jobs:
                for k, piece in workers[owner].result():
                    pieces[k] = piece
            trace("other pieces written")
            if not front_count or count == front_count:
                warnings += [w for facts in back for w in facts.warnings] + more
                break
            front_count = count  # the front-matter units' folios assumed another count: again, from this one
        else:
            raise front_count_moves()
        shift = count - front_count  # the front matter's pages, before the body's indices
        front_anchors = layout_of(self.lead.document.copy(self.lead.front_pages), 0).anchor_pages
        anchor_pages = {**{ident: index + shift for ident, index in body.anchor_pages.items()}, **front_anchors}
        layout = PrintLayout(body.page_count + shift, body.body_start + shift, anchor_pages)
        pieces[0] = self.lead.write_piece(stage / f"{target.stem}.piece0.pdf", layout, 0, profile)
        trace("first piece written")
        for piece in pieces[1:]:  # written with the body's indices: after the front matter's pages
            piece.walks = [(index + shift, *rest) for index, *rest in piece.walks]
        self.lead.join(stage, pieces, target, layout)
        trace("joined")
        walks = [walk for piece in pieces for walk in piece.walks]
        return Printed(target.name, layout, starts_of(walks, layout) if walks else [], warnings)

    def _back_matter(self, paths, config, strings, paged, body: PrintLayout, first: int, profile) -> tuple:
        """The paged back matter, numbered from ``body``, laid out in runs by the workers.

        ``first``: the index in ``body`` of the last run's first page. Gives
        that run's size, its pages cut where the back matter's headings begin,
        and the back matter's runs' facts, numbered."""
        from .layout import back_matter_html
        from .runs import split

        workers = self.workers()
        last = self.facts[-1]
        keep = body.anchor_pages[paged[0].id] - first
        workers[-1].submit(_cut, keep)
        runs = split(back_matter_html(paths, config, strings, paged, body), len(workers), None)
        for worker, run in zip(workers, runs):
            worker.submit(_lay_out_back, paths, config, run, profile)
        workers[-1].result()
        facts = [worker.result() for worker in workers[:len(runs)]]
        for worker, offset in zip(workers, run_offsets(facts, 0)):
            worker.submit(_number_back, offset)
        for worker in workers[:len(runs)]:
            worker.result()
        return (keep, {ident: page for ident, page in last.anchors.items() if page < keep}), facts

    def close(self) -> None:
        for child in self.children:
            child.close()


def _lay_out_run(typesetter: RunTypesetter, *args) -> RunFacts:
    return typesetter.lay_out_run(*args)


def _number(typesetter: RunTypesetter, offset: int) -> None:
    typesetter.number(offset)


def _cut(typesetter: RunTypesetter, keep: int) -> None:
    typesetter.cut(keep)


def _lay_out_back(typesetter: RunTypesetter, *args) -> RunFacts:
    return typesetter.lay_out_back(*args)


def _number_back(typesetter: RunTypesetter, offset: int) -> None:
    typesetter.number_back(offset)


def _write_pieces(typesetter: RunTypesetter, layout: PrintLayout, profile, pieces: list) -> list[tuple[int, Piece]]:
    return [(k, typesetter.write_piece(target, layout, first, profile, back)) for k, target, first, back in pieces]


class Trace:
    """With ``PRESS_PRINT_TRACE`` set, each step's seconds on stderr: where a build's time goes (issue 20)."""

    def __init__(self):
        import os
        import time

        self.on = bool(os.environ.get("PRESS_PRINT_TRACE"))
        self.clock, self.cpu = time.perf_counter, time.process_time
        self.last, self.last_cpu = self.clock(), self.cpu()

    def __call__(self, step: str) -> None:
        import sys

        now, cpu = self.clock(), self.cpu()
        if self.on:
            print(f"print runs: {step}: {now - self.last:.2f} s ({cpu - self.last_cpu:.2f} s in the first worker)",
                  file=sys.stderr, flush=True)
        self.last, self.last_cpu = now, cpu


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


def body_layout(sizes: list[tuple[int, dict]], front_count: int, start_id: str):
    """The body's layout from its runs' page counts and ids, in order: each run's first page's
    index, and the ``PrintLayout`` numbered as ``Typesetter`` numbers the body."""
    firsts, anchor_pages, index = [], {}, front_count
    for pages, anchors in sizes:
        firsts.append(index)
        for ident, local in anchors.items():
            anchor_pages.setdefault(ident, index + local)
        index += pages
    return firsts, PrintLayout(index, anchor_pages.get(start_id, front_count), anchor_pages)
