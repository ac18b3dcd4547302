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

FRONT = "front"  # the front matter's piece
# A piece's writing against its run's layout, per character (the 20x book, 12-04: a body run of 263,848
# characters laid out in 2.27 s, written in 0.96 s): what a worker's queued pieces weigh when the back
# matter's runs are shared out.
WRITE_COST = 0.45


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


class Runs:
    """The first print worker's side of a body laid out in runs: it lays out its share of the runs and
    drives the forked workers, which lay out and write the others, and joins the pieces.

    Once the body's runs are laid out, each worker's jobs are queued so that no core waits while another
    has work it could do (issue 20): a forked worker writes its body pieces while the first works out the
    back matter's HTML, then lays out a run of the back matter; the first lays out another, then writes
    its own pieces, one at a time, and between them sends the front matter (which waits for the back
    matter's page counts) to the forked worker that is free. A worker's results come back in the order
    its jobs were sent (press.parallel): each job has a tag, and a result read early is kept for its tag.
    """

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
        self.queued: dict[int, list[int]] = {}  # a worker's index -> the tags of its jobs not yet read, in order
        self.results: dict[int, object] = {}  # a tag -> its job's result, read before it was asked for
        self.tags = 0
        self.front_count = 0
        self.trace = Trace()
        self.written = 0  # pieces written in this build (the others were kept)

    def workers(self) -> list:
        """The runs' workers in order: the lead in this process, then the forked ones."""
        return [self.local] + self.children

    # --- jobs and their results, by tag ----------------------------------------------------------

    def _submit(self, owner: int, fn, *args) -> int:
        self.tags += 1
        self.workers()[owner].submit(fn, *args)
        self.queued.setdefault(owner, []).append(self.tags)
        return self.tags

    def _read(self, owner: int, tag: int):
        """The result of the job ``tag``, sent to ``owner``; the lead's jobs before it are done first."""
        while tag not in self.results:
            self.results[self.queued[owner].pop(0)] = self.workers()[owner].result()
        return self.results.pop(tag)

    def _arrived(self, owner: int, tag: int) -> bool:
        """Whether a forked worker's job ``tag`` is done (its result and those before it are read, not waited for)."""
        worker = self.workers()[owner]
        while tag not in self.results and worker.ready():
            self.results[self.queued[owner].pop(0)] = worker.result()
        return tag in self.results

    # --- the body's runs --------------------------------------------------------------------------

    def lay_out(self, paths, config, profile, front) -> None:
        """The runs no earlier build kept, sent to the workers; the front matter's count, if it is needed."""
        self.keys = [self.cache.run_key(run.html) for run in self.runs]
        self.facts = [self.cache.get(key, "facts") for key in self.keys]
        self.sent = self._send(paths, config, profile, [(k, run) for k, (run, facts) in
                                                        enumerate(zip(self.runs, self.facts)) if facts is None])
        if front is not None:  # front-matter units: their folios follow the front matter's pages
            key = self.cache.piece_key(self.cache.run_key("".join(front)), "count")
            count = self.cache.get(key, "facts")
            if count is None:
                count = self.lead.count_front(paths, config, front, profile)
                self.cache.put(key, "facts", count)
            self.front_count = count

    def _send(self, paths, config, profile, named: list[tuple], loads: list[float] | None = None) -> dict[int, int]:
        """Runs laid out by the workers, the longest first, each to the least loaded (``loads``: what each
        has to do already, in characters of layout); gives each worker's job tag."""
        loads = list(loads or [0] * len(self.workers()))
        batches: dict[int, list] = {}
        for name, run in sorted(named, key=lambda item: -len(item[1].html)):
            owner = loads.index(min(loads))
            loads[owner] += len(run.html)
            batches.setdefault(owner, []).append((name, run))
            self.home[name] = owner
        return {owner: self._submit(owner, _lay_out_runs, paths, config, profile, batch)
                for owner, batch in batches.items()}

    def _collect(self, sent: dict[int, int]) -> dict:
        """The facts of the runs sent, by name."""
        out = {}
        for owner, tag in sorted(sent.items()):
            out.update(self._read(owner, tag))
        return out

    def finish(self, paths, config, strings, paged, front, profile, stage: Path, start_id: str):
        """The runs numbered and written, the paged back matter laid out in runs too, the front matter laid
        out, and the pieces joined."""
        from .layout import Printed
        from .pagestarts import starts_of

        trace, cache = self.trace, self.cache
        self.stage = stage
        laid = self._collect(self.sent)
        for k, facts in laid.items():
            self.facts[k] = facts
            cache.put(self.keys[k], "facts", facts)
        trace(f"runs laid out ({len(laid)} of {len(self.runs)}; the others kept)")
        warnings = [w for facts in self.facts for w in facts.warnings]
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
            mine = [item for item in todo if self.home[item[0]] == 0]
            front_job = None if paged else self._send_front(paths, config, front, body, profile, front_count)
            writes = self._write_others(todo, body, profile)  # the forked workers' pieces, now
            back: list[RunFacts] = []
            if paged:
                loads = [0.0] + [WRITE_COST * sum(len(self.runs[item[0]].html) for item in todo
                                                  if self.home[item[0]] == owner)
                                 for owner in range(1, len(self.workers()))]
                back_runs, keys, back, sent = self._send_back(paths, config, strings, paged, body, profile, loads)
                if 0 in sent:  # the lead's run of the back matter, now (the others lay out theirs)
                    back_laid = dict(self._read(0, sent.pop(0)))
                else:
                    back_laid = {}
                while sent and mine:  # the lead's pieces while the others lay out the back matter
                    for owner, tag in list(sent.items()):
                        if self._arrived(owner, tag):
                            back_laid.update(self._read(owner, sent.pop(owner)))
                    if sent:
                        pieces.update(self._write_mine([mine.pop(0)], body, profile))
                back_laid.update(self._collect(sent))
                for (_, j), facts in back_laid.items():
                    back[j] = facts
                    cache.put(keys[j], "facts", facts)
                offsets_back = run_offsets(back, 0)
                firsts, body_all = body_layout(sizes + [(f.pages, f.anchors) for f in back], front_count, start_id)
                places = [(("back", j), run, keys[j], offsets_back[j], firsts[len(self.runs) + j], None)
                          for j, run in enumerate(back_runs)]
                front_job = self._send_front(paths, config, front, body_all, profile, front_count)
                found, needed = self._place(paths, config, profile, places)
                pieces.update(found)
                todo += needed
                mine += [item for item in needed if self.home[item[0]] == 0]
                writes += self._write_others(needed, body_all, profile)
                body = body_all
            trace("numbered, the back matter laid out")
            pieces.update(self._write_mine(mine, body, profile))
            front_piece, front_facts = self._front(front_job, body, front_count)
            trace("front matter laid out")
            for owner, tag in writes:
                pieces.update(self._read(owner, tag))
            for name, key, *_ in todo:
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
        or its pages to number and write (laid out first if this build has not). Gives the pieces found,
        by name, and the (name, piece key, first, offset, keep) to write."""
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
            self._collect(self._send(paths, config, profile, again))
        return found, todo

    def _jobs(self, todo: list[tuple], stage_of) -> dict[int, list]:
        batches: dict[int, list] = {}
        for name, key, first, offset, keep in todo:
            batches.setdefault(self.home[name], []).append((name, stage_of(key), first, offset, keep))
        return batches

    def _write_others(self, todo: list[tuple], layout: PrintLayout, profile) -> list[tuple[int, int]]:
        """The forked workers' pieces of ``todo``, numbered and written: one job each, (worker, tag)."""
        return [(owner, self._submit(owner, _finish_pieces, layout, profile, batch))
                for owner, batch in sorted(self._jobs(todo, self._piece_path).items()) if owner]

    def _write_mine(self, todo: list[tuple], layout: PrintLayout, profile) -> dict:
        """The lead's pieces of ``todo``, numbered and written, now: by name."""
        batch = self._jobs(todo, self._piece_path).get(0)
        return dict(self._read(0, self._submit(0, _finish_pieces, layout, profile, batch))) if batch else {}

    def _piece_path(self, key: str) -> Path:
        return self.cache.piece_path(key, self.stage)

    def _send_back(self, paths, config, strings, paged, body: PrintLayout, profile, loads: list[float]):
        """The paged back matter, numbered from ``body``, in runs, sent to be laid out where no earlier build
        kept its facts: its runs, their keys, their facts (None where sent) and each worker's job tag."""
        runs = split(back_matter_html(paths, config, strings, paged, body), len(self.workers()), None)
        keys = [self.cache.run_key(run.html) for run in runs]
        facts = [self.cache.get(key, "facts") for key in keys]
        sent = self._send(paths, config, profile, [(("back", j), run) for j, run in enumerate(runs)
                                                   if facts[j] is None], loads)
        return runs, keys, facts, sent

    def _send_front(self, paths, config, front, body: PrintLayout, profile, front_count: int):
        """The front matter, numbered from ``body``: its piece kept by an earlier build, or sent to be laid out
        and written, to the forked worker with the least queued (the lead, with none): (key, kept or tag)."""
        from .layout import fill_page_slots

        filled = [fill_page_slots(html, body)[0] for html in front]
        key = self.cache.piece_key(self.cache.run_key("".join(filled)), "front", body.body_start, front_count)
        facts, piece = self.cache.get(key, "facts"), self.cache.get(key, "piece")
        if facts is not None and piece is not None:
            return key, (piece, facts), None
        head = self.runs[0].html.partition('<main class="body-matter">')[0] + "</body></html>"
        owner = min(range(1, len(self.workers())), key=lambda k: (len(self.queued.get(k, [])), k), default=0)
        tag = self._submit(owner, _front_matter, paths, config, front, body, profile, head,
                           self.cache.piece_path(key, self.stage), front_count)
        return key, None, (owner, tag)

    def _front(self, job, body: PrintLayout, front_count: int):
        """The front matter's piece and facts, once its worker has them (kept for the next build)."""
        key, kept, sent = job
        if kept is not None:
            return kept
        piece, facts = self._read(*sent)
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


def _finish_pieces(typesetter: RunTypesetter, layout: PrintLayout, profile, batch: list) -> list[tuple]:
    """Each (name, target, first, offset, keep): numbered, then written."""
    typesetter.number([(name, offset, keep) for name, _, _, offset, keep in batch])
    return typesetter.write_pieces(layout, profile, [(name, target, first) for name, target, first, _, _ in batch])


def _front_matter(typesetter: RunTypesetter, *args) -> tuple:
    return typesetter.front_piece(*args)


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
