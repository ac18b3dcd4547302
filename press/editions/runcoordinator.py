"""The print layout in runs, driven: the jobs the print worker sends its forked workers, and the join.

Takes the body's runs (press/editions/runs.py), the book's front and paged
back matter and the pieces an earlier build kept (press.editions.piececache);
gives the book's PDF, joined from the pieces the workers wrote
(press/editions/join.py), and what the build needs of its layout. Each
worker (press/editions/runlayout.py) lays out its runs and writes their
pieces; this process lays out nothing, so that it can send each worker its
next job when it may, and joins once the workers have ended.
``PRESS_PRINT_TRACE`` prints each step's time.
"""

from __future__ import annotations

from pathlib import Path

from .layout import PrintLayout, back_matter_html, front_count_moves
from .piececache import PieceCache, build_dates
from .runlayout import Piece, RunFacts, RunTypesetter
from .runs import Run, split


class Runs:
    """A body laid out in runs, driven from the print worker: forked workers (one a core) lay out and
    write the runs, the back matter and the front matter; this process sends the jobs and joins.

    Each worker's jobs are queued so that no core waits while there is work it could do (issue 20):
    once the body's runs are laid out, each worker lays out a run of the back matter, then numbers and
    writes its body pieces; the front matter, which waits for the back matter's page counts, goes to
    the worker that finished its run of the back matter first. A worker reads its jobs as they are
    sent (press.parallel) and answers in the order they were sent: each job has a tag, and a result
    read early is kept for its tag. The workers end before the join, their laid-out pages with them.
    """

    def __init__(self, runs: list[Run], workers: int, cache: PieceCache):
        from ..parallel import Forked

        # Forked before this process lays anything out: the children inherit WeasyPrint, not Pango's state.
        # This process lays out nothing: it sends each worker its next job as soon as it may, and joins
        # the pieces once the workers have ended (their laid-out pages gone with them, not freed one by one).
        self.children = [Forked(RunTypesetter) for _ in range(workers)]
        self.runs = runs
        self.cache = cache
        self.keys: list[str] = []
        self.facts: list[RunFacts | None] = []
        self.home: dict = {}  # a run laid out in this build: its name -> its worker's index
        self.queued: dict[int, list[int]] = {}  # a worker's index -> its jobs' tags not yet read, in order
        self.results: dict[int, object] = {}  # a tag -> its job's result, read before it was asked for
        self.tags = 0
        self.front_count = 0
        self.counting: tuple | None = None  # the front matter's count being made: (cache key, worker, tag)
        self.trace = Trace()
        self.written = 0  # pieces written in this build (the others were kept)

    # --- jobs and their results, by tag ----------------------------------------------------------

    def _submit(self, owner: int, fn, *args) -> int:
        self.tags += 1
        self.children[owner].submit(fn, *args)
        self.queued.setdefault(owner, []).append(self.tags)
        return self.tags

    def _read(self, owner: int, tag: int):
        """The result of the job ``tag``, sent to ``owner`` (waited for; the results before it kept)."""
        while tag not in self.results:
            self.results[self.queued[owner].pop(0)] = self.children[owner].result()
        return self.results.pop(tag)

    def _arrived(self, owner: int, tag: int) -> bool:
        """Whether worker ``owner``'s job ``tag`` is done (the results up to it read, not waited for)."""
        worker = self.children[owner]
        while tag not in self.results and worker.ready():
            self.results[self.queued[owner].pop(0)] = worker.result()
        return tag in self.results

    # --- the body's runs --------------------------------------------------------------------------

    def lay_out(self, paths, config, profile, front) -> None:
        """The runs no earlier build kept, sent to the workers; the front matter's count, if it is needed."""
        self.keys = [self.cache.run_key(run.html) for run in self.runs]
        self.facts = [self.cache.get(key, "facts") for key in self.keys]
        if front is not None:  # front-matter units: their folios follow the front matter's pages
            key = self.cache.piece_key(self.cache.run_key("".join(front)), "count")
            count = self.cache.get(key, "facts")
            if count is None:  # counted by the last worker before its runs (read in finish)
                owner = len(self.children) - 1
                self.counting = (key, owner, self._submit(owner, _count_front, paths, config, front, profile))
            else:
                self.front_count = count
        missing = [(k, run) for k, (run, facts) in enumerate(zip(self.runs, self.facts)) if facts is None]
        self.sent = self._send(paths, config, profile, missing)

    def _send(self, paths, config, profile, named: list[tuple]) -> dict[int, int]:
        """Runs laid out by the workers, the longest first, each to the least loaded: each worker's tag."""
        loads = [0] * len(self.children)
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
        if self.counting is not None:
            key, owner, tag = self.counting
            self.front_count = self._read(owner, tag)
            cache.put(key, "facts", self.front_count)
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
            front_job = None if paged else self._send_front(paths, config, front, body, profile, front_count)
            back: list[RunFacts] = []
            if paged:  # each worker lays out its run of the back matter first, then writes its pieces
                back_runs, keys, back, sent = self._send_back(paths, config, strings, paged, body, profile)
                writes = self._write(todo, body, profile)
                back_laid, first_done = self._gather(sent)
                for (_, j), facts in back_laid.items():
                    back[j] = facts
                    cache.put(keys[j], "facts", facts)
                offsets_back = run_offsets(back, 0)
                sizes += [(f.pages, f.anchors) for f in back]
                firsts, body = body_layout(sizes, front_count, start_id)
                places = [(("back", j), run, keys[j], offsets_back[j], firsts[len(self.runs) + j], None)
                          for j, run in enumerate(back_runs)]
                # The front matter to the worker that was done first (it has had longest to write its pieces).
                front_job = self._send_front(paths, config, front, body, profile, front_count, first_done)
                found, needed = self._place(paths, config, profile, places)
                pieces.update(found)
                todo += needed
                writes += self._write(needed, body, profile)
            else:
                writes = self._write(todo, body, profile)
            trace("numbered, the back matter laid out")
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
        self.close()  # the workers' laid-out pages go with them, before the join needs the memory
        trace("workers ended")
        join(folder, [front_piece] + order, target, layout, remove=cache.folder is None,
             dates=build_dates(self.runs[0].html.partition("<body")[0]))
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

    def _write(self, todo: list[tuple], layout: PrintLayout, profile) -> list[tuple[int, int]]:
        """The pieces of ``todo`` (name, key, first, offset, keep), numbered and written by the workers that
        laid out their runs: one job each, (worker, tag)."""
        batches: dict[int, list] = {}
        for name, key, first, offset, keep in todo:
            batches.setdefault(self.home[name], []).append((name, self._piece_path(key), first, offset, keep))
        return [(owner, self._submit(owner, _finish_pieces, layout, profile, batch))
                for owner, batch in sorted(batches.items())]

    def _gather(self, sent: dict[int, int]) -> tuple[dict, int | None]:
        """The results of the layouts ``sent`` (worker -> tag), by name, as they come; and the worker
        whose came first (None: none was sent)."""
        from multiprocessing.connection import wait

        out, first = {}, None
        waiting = dict(sent)
        while waiting:
            for owner, tag in list(waiting.items()):
                if self._arrived(owner, tag):
                    out.update(self._read(owner, waiting.pop(owner)))
                    first = owner if first is None else first
            if waiting:
                wait([self.children[owner].connection for owner in waiting])
        return out, first

    def _piece_path(self, key: str) -> Path:
        return self.cache.piece_path(key, self.stage)

    def _send_back(self, paths, config, strings, paged, body: PrintLayout, profile):
        """The paged back matter, numbered from ``body``, in runs, sent to be laid out where no earlier build
        kept its facts: its runs, their keys, their facts (None where sent) and each worker's job tag."""
        runs = split(back_matter_html(paths, config, strings, paged, body), len(self.children), None)
        keys = [self.cache.run_key(run.html) for run in runs]
        facts = [self.cache.get(key, "facts") for key in keys]
        sent = self._send(paths, config, profile, [(("back", j), run) for j, run in enumerate(runs)
                                                   if facts[j] is None])
        return runs, keys, facts, sent

    def _send_front(self, paths, config, front, body: PrintLayout, profile, front_count: int,
                    owner: int | None = None):
        """The front matter, numbered from ``body``: its piece kept by an earlier build, or sent to be laid
        out and written, to ``owner`` (None: the one with fewest jobs queued): (key, kept, (worker, tag))."""
        from .layout import fill_page_slots

        filled = [fill_page_slots(html, body)[0] for html in front]
        head = self.runs[0].html.partition('<main class="body-matter">')[0] + "</body></html>"
        # The head gives the PDF's metadata (title, authors, keywords...): in the key, but the build's date.
        key = self.cache.piece_key(self.cache.run_key("".join(filled) + head), "front", body.body_start,
                                   front_count)
        facts, piece = self.cache.get(key, "facts"), self.cache.get(key, "piece")
        if facts is not None and piece is not None:
            return key, (piece, facts), None
        if owner is None:
            owner = min(range(len(self.children)), key=lambda k: (len(self.queued.get(k, [])), k))
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


def join(folder: Path, pieces: list[Piece], target: Path, layout: PrintLayout, remove: bool,
         dates: dict[str, str] | None = None) -> None:
    """The pieces, in order, joined into the book's PDF, with this build's ``dates`` (a kept front piece has
    its own build's); with ``remove``, their files removed (none kept)."""
    from .join import join as join_pieces

    join_pieces([folder / piece.file for piece in pieces], [mark for piece in pieces for mark in piece.bookmarks],
                [piece.foreign for piece in pieces], target, layout.body_start, dates or {})
    if remove:
        for piece in pieces:
            (folder / piece.file).unlink()


def _lay_out_runs(typesetter: RunTypesetter, *args) -> list[tuple]:
    return typesetter.lay_out_runs(*args)


def _finish_pieces(typesetter: RunTypesetter, layout: PrintLayout, profile, batch: list) -> list[tuple]:
    """Each (name, target, first, offset, keep): numbered, then written."""
    typesetter.number([(name, offset, keep) for name, _, _, offset, keep in batch])
    return typesetter.write_pieces(layout, profile, [item[:3] for item in batch])


def _front_matter(typesetter: RunTypesetter, *args) -> tuple:
    return typesetter.front_piece(*args)


def _count_front(typesetter: RunTypesetter, *args) -> int:
    return typesetter.count_front(*args)


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
            print(f"print runs: {step}: {now - self.last:.2f} s ({cpu - self.last_cpu:.2f} s here)",
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
