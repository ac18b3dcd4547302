"""The print layout in runs: what each print worker does with its runs of units.

Takes the body's runs (press/editions/runs.py) and the steps the build
sends (press/editions/pdf.py drives them, worker by worker); gives each
run's facts (its page count, ids and counters), then its pages with their
folios, and the pieces of the PDF it writes. A worker lays out several
runs, each a document of its own. The paged back matter, once the body is
numbered, is laid out in runs too (cut between its sections); the first
worker also lays out the front matter, while the others write their pieces,
and joins the pieces (press/editions/join.py). A run or a piece kept by an
earlier build (press.editions.piececache) is not laid out or written again.
The steps are those of ``Typesetter`` (one document), each done where the
pages are. ``PRESS_PRINT_TRACE`` prints each step's time and what was kept.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..errors import Problem
from .layout import (PrintLayout, Typesetter, back_matter_html, front_count_moves, layout_of, mirror_outer_marks,
                     write_pdf)
from .pagestarts import page_walks
from .piececache import PieceCache
from .profiles import READING
from .runs import DeferredMargins, Run, margins_deferred, split

FRONT = "front"  # the front matter's piece, in the first worker


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


class Runs:
    """The first print worker's side of a body laid out in runs: it lays out its share of the
    runs and the front matter, and joins; forked workers lay out and write the others."""

    def __init__(self, runs: list[Run], workers: int, cache: PieceCache):
        from ..parallel import Forked, InProcess

        # Forked before this process lays anything out: the children inherit WeasyPrint, not Pango's state.
        self.children = [Forked(RunTypesetter) for _ in range(workers - 1)]
        self.lead = RunTypesetter()
        self.local = InProcess(lambda: self.lead)  # the lead's runs, driven as a worker's are
        self.runs = runs
        self.cache = cache
        self.keys: list[str] = []
        self.facts: list[RunFacts | None] = []
        self.home: dict = {}  # a run laid out in this build: its name -> its worker's index
        self.sent: dict = {}  # a worker's index -> the names whose facts it owes
        self.front_count = 0
        self.trace = Trace()
        self.written = 0  # pieces written in this build (the others were kept)

    def workers(self) -> list:
        """The runs' workers in order: the lead in this process, then the forked ones."""
        return [self.local] + self.children

    def lay_out(self, paths, config, profile, front) -> None:
        """The runs no earlier build kept, sent to the workers; the front matter's count, if it is needed."""
        self.keys = [self.cache.run_key(run.html) for run in self.runs]
        self.facts = [self.cache.get(key, "facts") for key in self.keys]
        self._send(paths, config, profile, [(k, run) for k, (run, facts) in enumerate(zip(self.runs, self.facts))
                                            if facts is None])
        if front is not None:  # front-matter units: their folios follow the front matter's pages
            key = self.cache.piece_key(self.cache.run_key("".join(front)), "count")
            count = self.cache.get(key, "facts")
            if count is None:
                count = self.lead.count_front(paths, config, front, profile)
                self.cache.put(key, "facts", count)
            self.front_count = count

    def _send(self, paths, config, profile, named: list[tuple]) -> None:
        """Runs laid out by the workers, the longest first, each to the least loaded (the lead's at ``_collect``)."""
        workers, loads, batches = self.workers(), [0] * len(self.workers()), {}
        for name, run in sorted(named, key=lambda item: -len(item[1].html)):
            owner = loads.index(min(loads))
            loads[owner] += len(run.html)
            batches.setdefault(owner, []).append((name, run))
            self.home[name] = owner
        for owner, batch in batches.items():
            workers[owner].submit(_lay_out_runs, paths, config, profile, batch)
            self.sent[owner] = [name for name, _ in batch]

    def _collect(self) -> dict:
        """The facts of the runs sent, by name, kept for the next build."""
        out = {}
        workers = self.workers()
        for owner in sorted(self.sent):
            out.update(workers[owner].result())
        self.sent = {}
        return out

    def finish(self, paths, config, strings, paged, front, profile, stage: Path, start_id: str):
        """The runs numbered, the paged back matter laid out in runs too, the front matter, the pieces
        written (the others' while the first worker lays out the front matter) and joined."""
        from .layout import Printed
        from .pagestarts import starts_of

        trace, cache = self.trace, self.cache
        laid = self._collect()
        for k, facts in laid.items():
            self.facts[k] = facts
            cache.put(self.keys[k], "facts", facts)
        trace(f"runs laid out ({len(laid)} of {len(self.runs)}; the others kept)")
        warnings = [w for facts in self.facts for w in facts.warnings]
        workers = self.workers()
        target = stage / f"{config.slug}{profile.suffix}.pdf"
        front_count = self.front_count
        for _ in range(3):
            offsets = run_offsets(self.facts, front_count)
            sizes = [(facts.pages, facts.anchors) for facts in self.facts]
            firsts, body = body_layout(sizes, front_count, start_id)
            last, keep = len(self.runs) - 1, None
            if paged:  # the last run's pages end where the back matter's headings begin
                keep = body.anchor_pages[paged[0].id] - firsts[last]
                sizes[last] = (keep, {ident: page for ident, page in self.facts[last].anchors.items() if page < keep})
            places = [(k, self.runs[k], self.keys[k], offsets[k], firsts[k], keep if k == last else None)
                      for k in range(len(self.runs))]
            pieces, todo = self._place(paths, config, profile, places)
            back: list[RunFacts] = []
            if paged:
                back, places = self._back_matter(paths, config, strings, paged, body, profile)
                firsts, body = body_layout(sizes + [(f.pages, f.anchors) for f in back], front_count, start_id)
                places = [(name, run, key, offset, firsts[len(self.runs) + j], None)
                          for j, (name, run, key, offset) in enumerate(places)]
                found, needed = self._place(paths, config, profile, places)
                pieces.update(found)
                todo += needed
            trace("numbered, the back matter laid out")
            # One message a worker: a second would wait in the pipe while the first is written.
            jobs: dict[int, list] = {}
            for name, key, first in todo:
                jobs.setdefault(self.home[name], []).append((name, cache.piece_path(key, stage), first))
            for owner, batch in sorted(jobs.items(), reverse=True):  # the lead's own last: at result()
                workers[owner].submit(_write_pieces, body, profile, batch)
            front_piece, front_facts = self._front(paths, config, front, body, profile, stage, front_count)
            trace("front matter laid out")
            for owner in sorted(jobs, reverse=True):
                for name, piece in workers[owner].result():
                    pieces[name] = piece
            for name, key, _ in todo:
                cache.put(key, "piece", pieces[name])
            self.written += len(todo)
            trace("pieces written")
            count = front_facts.pages
            if not front_count or count == front_count:
                warnings += [w for facts in back for w in facts.warnings] + front_facts.warnings
                break
            front_count = count  # the front-matter units' folios assumed another count: again, from this one
        else:
            raise front_count_moves()
        shift = count - front_count  # the front matter's pages, before the body's indices
        anchor_pages = {**{ident: index + shift for ident, index in body.anchor_pages.items()}, **front_facts.anchors}
        layout = PrintLayout(body.page_count + shift, body.body_start + shift, anchor_pages)
        order = [pieces[k] for k in range(len(self.runs))] + [pieces[("back", j)] for j in range(len(back))]
        folder = cache.folder if cache.folder is not None else stage
        join(folder, [front_piece] + order, target, layout, remove=cache.folder is None)
        trace(f"joined ({self.written} of {len(order) + 1} pieces written; the others kept)")
        cache.retain()
        walks = front_piece.walks + [(index + shift, *rest) for piece in order for index, *rest in piece.walks]
        return Printed(target.name, layout, starts_of(walks, layout) if walks else [], warnings)

    def _place(self, paths, config, profile, places: list[tuple]) -> tuple[dict, list]:
        """Each run at its place (name, run, key, offset, first, keep): its piece kept by an earlier build,
        or its pages numbered for writing (laid out first if this build has not). Gives the pieces
        found, by name, and the (name, piece key, first) to write."""
        found, todo, again = {}, [], []
        for name, run, key, offset, first, keep in places:
            piece_key = self.cache.piece_key(key, offset, first, keep)
            piece = self.cache.get(piece_key, "piece")
            if piece is not None:
                found[name] = piece
                continue
            todo.append((name, piece_key, first, offset, keep))
            if name not in self.home:
                again.append((name, run))
        if again:  # kept facts, but its folios have moved: its pages are made again
            self._send(paths, config, profile, again)
            self._collect()
        numbering: dict[int, list] = {}
        for name, _, _, offset, keep in todo:
            numbering.setdefault(self.home[name], []).append((name, offset, keep))
        workers = self.workers()
        for owner, batch in numbering.items():
            workers[owner].submit(_number, batch)
        for owner in numbering:
            workers[owner].result()
        return found, [(name, key, first) for name, key, first, _, _ in todo]

    def _back_matter(self, paths, config, strings, paged, body: PrintLayout, profile) -> tuple[list, list]:
        """The paged back matter, numbered from ``body``, in runs: their facts (laid out by the workers
        where no earlier build kept them), and each run's (name, run, key, counter offset)."""
        runs = split(back_matter_html(paths, config, strings, paged, body), len(self.workers()), None)
        keys = [self.cache.run_key(run.html) for run in runs]
        facts = [self.cache.get(key, "facts") for key in keys]
        self._send(paths, config, profile, [(("back", j), run) for j, run in enumerate(runs) if facts[j] is None])
        for (_, j), laid in self._collect().items():
            facts[j] = laid
            self.cache.put(keys[j], "facts", laid)
        offsets = run_offsets(facts, 0)
        return facts, [(("back", j), run, keys[j], offsets[j]) for j, run in enumerate(runs)]

    def _front(self, paths, config, front, body: PrintLayout, profile, stage: Path, front_count: int):
        """The front matter, numbered from ``body``, and its piece: kept by an earlier build, or laid out
        and written by the first worker (the book's indices are its own: it comes first)."""
        from .layout import fill_page_slots

        filled = [fill_page_slots(html, body)[0] for html in front]
        key = self.cache.piece_key(self.cache.run_key("".join(filled)), "front", body.body_start, front_count)
        facts, piece = self.cache.get(key, "facts"), self.cache.get(key, "piece")
        if facts is not None and piece is not None:
            return piece, facts
        head = self.runs[0].html.partition('<main class="body-matter">')[0] + "</body></html>"
        facts = self.lead.front_matter(paths, config, front, body, profile, head)
        shift = facts.pages - front_count
        anchors = {**{ident: index + shift for ident, index in body.anchor_pages.items()}, **facts.anchors}
        layout = PrintLayout(body.page_count + shift, body.body_start + shift, anchors)
        [(_, piece)] = self.lead.write_pieces(layout, profile, [(FRONT, self.cache.piece_path(key, stage), 0)])
        self.cache.put(key, "facts", facts)
        self.cache.put(key, "piece", piece)
        self.written += 1
        return piece, facts

    def close(self) -> None:
        for child in self.children:
            child.close()


def join(folder: Path, pieces: list[Piece], target: Path, layout: PrintLayout, remove: bool) -> None:
    """The pieces, in order, joined into the book's PDF; with ``remove``, their files removed (none kept)."""
    from .join import join as join_pieces

    join_pieces([folder / piece.file for piece in pieces], [mark for piece in pieces for mark in piece.bookmarks],
                [piece.foreign for piece in pieces], target, layout.body_start)
    if remove:
        for piece in pieces:
            (folder / piece.file).unlink()


def _lay_out_runs(typesetter: RunTypesetter, *args) -> list[tuple]:
    return typesetter.lay_out_runs(*args)


def _number(typesetter: RunTypesetter, batch: list[tuple]) -> None:
    typesetter.number(batch)


def _write_pieces(typesetter: RunTypesetter, layout: PrintLayout, profile, batch: list) -> list[tuple]:
    return typesetter.write_pieces(layout, profile, batch)


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
