"""The build, as a short list of stages: configure, read, convert and
collect, apparatus, write the editions, publish.

Takes a ``Request`` (the book, the editions it asks for, a print profile, a
unit filter, strictness, the output folder) and gives a ``BuildResult``
(what was written, every warning and note). Every command is a request:
``build``/``all``/``html``/``pdf``/``epub`` (press.cli), ``proof``,
``press`` and ``cover`` (press.commands.proof, press.commands.printer), ``watch`` and
``release``. The editions are plug-ins (press/editions/__init__.py): this
module loops over them and never names one.

"First gather all data, then write": nothing reaches ``dist/`` until every
requested edition is complete (MkDocs' ``commands/build.py`` and Sphinx's
``Epub3Builder`` work the same way). Warnings are gathered here from every
stage and edition, and ``--strict`` is applied here, once.

The caches, memos and dates table are the session's (press.session), which
the request names (the live preview keeps one across its rebuilds) or the
build makes, fresh, for itself; every stage is handed it.
"""

from __future__ import annotations

import os
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from . import publishing, stamp
from .source.config import Paths, load_config
from .editions import REGISTRY, Registry, book_targets
from .errors import ContentError, Problem, UsageError
from .progress import Progress
from .safety import links_out_of_the_book, out_among_the_sources
from .session import Session
from .tools import check_pango, pandoc_version


@dataclass(frozen=True)
class Request:
    """What a command asks of the pipeline."""

    root: Path  # the book's folder, holding content/
    targets: tuple[str, ...]  # edition names (press.editions.REGISTRY)
    out: Path  # the output folder
    profile: str = "reading"  # the print profile: reading, press, proof (press/editions/profiles.py)
    chapter: str | None = None  # the unit filter: one unit alone, without the back matter (the proof's --chapter)
    strict: bool = False  # warnings are errors
    force: bool = False  # build even when the last build's stamp says nothing changed
    banner: str = ""  # the proof's stamp, on every page
    # The proof's change bars: given the collected book, each unit's changed
    # paragraphs (data-p). Called once, before the editions are written.
    changes: Callable[[Any], dict] | None = None
    registry: Registry = REGISTRY
    # What to keep and remember (press.session); None: a fresh session keeping
    # its files in the book's .cache/, remembering nothing in memory.
    session: Session | None = None

    def key(self) -> list:
        """What of the request shapes the editions (for the build's fingerprint)."""
        return [sorted(self.targets), self.strict, self.profile, self.chapter, self.banner]

    def manifest_name(self, edition: str) -> str:
        """The edition's name in the manifest of ``out`` (press.stamp): the
        press interior is another file than the reading PDF."""
        return edition if self.profile == "reading" else f"{edition}-{self.profile}"


@dataclass
class BuildResult:
    out: Path
    results: dict[str, object] = field(default_factory=dict)  # manifest name -> editions.EditionResult
    warnings: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the editions lack, and why (not warnings)
    pandoc_calls: int = 0
    up_to_date: bool = False


def build(root: Path, targets: list[str], out: Path, strict: bool = False,
          progress: Progress | None = None, force: bool = False,
          session: Session | None = None) -> BuildResult:
    """The book's editions ``targets`` (with the chronology's data) into ``out``:
    a reading request, for callers that need no other option."""
    return run(Request(root, book_targets(targets), out, strict=strict, force=force, session=session), progress)


def run(request: Request, progress: Progress | None = None) -> BuildResult:
    """Build what ``request`` asks for. Unless ``request.force``, nothing is
    done when the last build of the same request had the same inputs."""
    progress = progress or Progress(quiet=True)
    paths = Paths(request.root)
    out = request.out
    mixed = out_among_the_sources(paths, out)  # before anything is swept or written
    if mixed:
        raise UsageError(mixed)
    for note in publishing.sweep(out):  # what a killed build left beside out/ (and out/ itself, put back)
        progress.note(note)
    refused = links_out_of_the_book(paths)  # before any file of the book is read
    if refused:
        raise ContentError(refused)
    inputs = stamp.inputs(paths)
    fingerprint = stamp.fingerprint(inputs, request.key())
    previous = stamp.read(out)
    if not request.force and stamp.is_current(previous, fingerprint, out):
        # Nothing changed since the last build of these editions: a no-op
        # rebuild touches nothing and imports neither pandoc nor WeasyPrint.
        progress.note("up to date: nothing changed since the last build")
        return BuildResult(out, warnings=[Problem(*w) for w in previous["warnings"]], up_to_date=True)
    plan = request.registry.plan(list(request.targets))
    built = [request.manifest_name(name) for name in request.targets]

    def finish(folder: Path, result: BuildResult) -> None:
        """The manifest and the stamp, written into the new set before it is published."""
        written = prune(folder, stamp.outputs(previous), result.results, built)
        stamp.write(folder, fingerprint, result.results, result.warnings, written)

    # Before any thread and before the book is read: the print worker is forked here.
    started = {cls.name: cls.start(request) for cls in plan}
    session = request.session if request.session is not None else Session.for_book(paths.root)
    try:
        return _stages(paths, request, plan, started, inputs, progress, session, finish)
    finally:
        for handle in started.values():
            handle.close()


def _stages(paths: Paths, request: Request, plan: list, started: dict, inputs: str,
            progress: Progress, session: Session, finish: Callable[[Path, BuildResult], None]) -> BuildResult:
    # Imported here, not at the top: a no-op rebuild must not pay for them.
    from .apparatus.sections import build_sections, plan_sections
    from .book.collect import collect
    from .book.convert import Pandoc
    from .book.glyphs import check_book as check_glyphs
    from .editions import Job
    from .editions.profiles import print_profile
    from .source.chapters import read_book

    with progress.stage("check tools"):
        pandoc_version()
        if any(cls.needs_pango for cls in plan):
            check_pango()
    with progress.stage("configure"):
        config = load_config(paths)
        profile = print_profile(request.profile, paths, config, request.banner)
    with progress.stage("read chapters"):
        # EDTF dates are parsed with the chronology, while an edition works beside this process.
        reading = read_book(paths, session, defer_dates=any(h.concurrent for h in started.values()))
    pandoc = Pandoc(session.folder("pandoc"))
    with progress.stage("convert and collect"):
        # The read stage's problems are reported with the collect stage's, in one run.
        book = collect(paths, config, reading.chapters, pandoc, session, reading)
    changed = {slug: frozenset(numbers) for slug, numbers in request.changes(book).items()} \
        if request.changes is not None else {}
    book = _chosen(book, request.chapter)
    job = Job(paths, book, plan_sections(book) if request.chapter is None else [], profile, changed, pandoc, session)
    for handle in started.values():
        handle.begin(job)  # the print body's layout starts while the apparatus is built
    with progress.stage("apparatus"):
        job = job.with_sections(build_sections(paths, book, pandoc, session) if request.chapter is None else [])
    session.save()  # every date of the book is parsed by now
    with progress.stage("check glyphs"):  # every printed character against the fonts (press.book.glyphs)
        book.warnings.extend(check_glyphs(paths, book, reading.chapters, job.sections))
    editions = [cls(job, started[cls.name]) for cls in plan]
    result = BuildResult(request.out)
    facts = _recalled(request, plan, inputs, paths, result.notes)
    stage = publishing.staging_folder(request.out)
    try:
        with progress.stage("write editions: " + ", ".join(request.targets)):
            results = _write(editions, stage, facts)
        job.done()
        order = {name: i for i, name in enumerate(request.targets)}
        result.warnings = [
            *book.warnings,
            *(Problem(w.source or "pandoc", None, w.message) for w in pandoc.warnings),
            *(w for e in sorted(editions, key=lambda e: order.get(e.name, len(order))) for w in e.warnings),
        ]
        result.pandoc_calls = pandoc.calls
        if request.strict and result.warnings:
            raise ContentError(result.warnings)
        # What was asked for is published; an edition built for another's sake is not.
        result.results = {request.manifest_name(name): results[name] for name in request.targets
                          if results[name].files}
        with progress.stage("publish"):
            publish(stage, request.out, [f for r in result.results.values() for f in r.files],
                    lambda folder: finish(folder, result))
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    if request.chapter is None:  # what an edition keeps describes the whole book
        for edition in editions:
            kept = edition.keep(results[edition.name])
            if kept is not None:
                stamp.keep(paths.root / ".cache", edition.name, inputs, kept)
    return result


def _chosen(book, slug: str | None):
    """The book with one unit alone (the unit filter), or the book."""
    if slug is None:
        return book
    chosen = [u for u in book.units if u.slug == slug]
    if not chosen:
        slugs = ", ".join(u.slug for u in book.units)
        raise ContentError([Problem("--chapter", None, f"no chapter '{slug}' (one of: {slugs})")])
    return replace(book, units=chosen)


def _recalled(request: Request, plan: list, inputs: str, paths: Paths, notes: list[str]) -> dict:
    """The facts the editions use that none of this build provides, from what an
    earlier build kept from the same inputs; a note for each edition that goes without."""
    provided = {fact for cls in plan for fact in cls.provides}
    facts: dict = {}
    for fact in sorted({fact for cls in plan for fact in cls.uses} - provided):
        provider = request.registry.provider(fact)
        if provider is None or request.chapter is not None:
            continue
        kept, existed = stamp.recall(paths.root / ".cache", provider.name, inputs)
        recalled = provider.recall(kept) if kept is not None else {}
        if fact in recalled:
            facts[fact] = recalled[fact]
        elif existed:  # kept from other sources: out of date
            notes.extend(cls.without for cls in plan if fact in cls.uses and cls.without)
    return facts


def _write(editions: list, stage: Path, facts: dict) -> dict:
    """Every edition's ``write``, then its ``finish`` with the facts it needs
    and uses, the editions that provide them first; their results, by name."""
    used = {fact for e in editions for fact in e.needs | e.uses}
    providers = [e for e in editions if e.provides & used]
    results = {}
    with ThreadPoolExecutor(max(1, len(editions))) as pool:
        # The editions that others wait for are set going first (the print
        # edition hands its layout to its worker), the others beside them.
        for edition in providers:
            edition.write(stage)
        writes = {e.name: pool.submit(e.write, stage) for e in editions if e not in providers}
        for edition in editions:  # providers first (Registry.plan)
            if edition.name in writes:
                writes[edition.name].result()
            wanted = {k: v for k, v in facts.items() if k in edition.needs | edition.uses}
            results[edition.name] = edition.finish(wanted, stage)
            facts.update(results[edition.name].facts)
    return results


def report(result: BuildResult, file=None) -> None:
    """A build's warnings and notes on the terminal: one function for every command."""
    file = file or sys.stderr
    for warning in result.warnings:
        print(f"warning: {warning}", file=file)
    for note in result.notes:
        print(f"note: {note}", file=file)


def publish(stage: Path, out: Path, names: list[str], finish: Callable[[Path], None] | None = None) -> None:
    """Make the finished files in ``stage`` part of ``out``, with what ``finish``
    writes, all at once: a kill leaves the old set or the new (press.publishing)."""
    publishing.publish_set(stage, out, names, finish)


def prune(out: Path, before: dict[str, list[str]], results: dict, built: list[str]) -> dict[str, list[str]]:
    """Remove from ``out`` what earlier builds of the editions in ``built``
    wrote and this build did not (an earlier slug's PDF); return the new
    manifest. Files no build wrote, and editions not built now, are left alone.
    """
    now = {name: list(r.files) for name, r in results.items()}
    after = {name: files for name, files in before.items() if name not in built and name not in now}
    after.update(now)
    keep = {f for files in after.values() for f in files}
    for name in built:
        for file in before.get(name, []):
            if file not in keep:
                _remove(out, file)
    return after


def _remove(out: Path, name: str) -> None:
    target = out / name
    # The manifest names files inside out/ only; anything else is not ours to remove.
    if not target.resolve().is_relative_to(out.resolve()) or target.resolve() == out.resolve():
        return
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target, ignore_errors=True)
    else:
        target.unlink(missing_ok=True)
