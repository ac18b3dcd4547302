"""The build, as a short list of stages: configure, read, convert and
collect, apparatus, render and write the editions, publish.

"First gather all data, then write": nothing reaches ``dist/`` until every
requested edition is complete (MkDocs' ``commands/build.py`` and Sphinx's
``Epub3Builder`` work the same way).

The caches, memos and dates table are the session's (press.session), which
the caller passes in (the live preview keeps one across its rebuilds) or
the build makes, fresh, for itself; every stage is handed it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import stamp
from .config import Paths, load_config
from .errors import ContentError, Problem
from .parallel import Worker, can_fork
from .progress import Progress
from .session import Session
from .tools import check_pango, pandoc_version

EDITIONS = ("html", "pdf", "epub")


@dataclass
class BuildResult:
    out: Path
    results: dict[str, object] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    pandoc_calls: int = 0
    up_to_date: bool = False


def build(root: Path, targets: list[str], out: Path, strict: bool = False,
          progress: Progress | None = None, force: bool = False,
          session: Session | None = None) -> BuildResult:
    """Build ``targets`` into ``out``. ``force``: build even when the last
    build's stamp says nothing changed (the live preview's first build, which
    must fill its memos). ``session``: what to keep and remember (None: a
    fresh one keeping its files in the book's ``.cache``, remembering nothing)."""
    progress = progress or Progress(quiet=True)
    paths = Paths(root)
    session = session if session is not None else Session.for_book(paths.root)
    fingerprint = stamp.fingerprint(paths, targets, strict)
    previous = stamp.read(out)
    if not force and stamp.is_current(previous, fingerprint, out):
        # Nothing changed since the last build of these editions: a no-op
        # rebuild touches nothing and imports neither pandoc nor WeasyPrint.
        progress.note("up to date: nothing changed since the last build")
        return BuildResult(out, warnings=[Problem(*w) for w in previous["warnings"]], up_to_date=True)
    result = _build(paths, targets, out, strict, progress, session)
    written = prune(out, stamp.outputs(previous), result.results, [*targets, "data"])
    stamp.write(out, fingerprint, result.results, result.warnings, written)
    return result


def _build(paths: Paths, targets: list[str], out: Path, strict: bool, progress: Progress,
           session: Session) -> BuildResult:
    # The print worker is forked first, before any thread, and imports
    # WeasyPrint while this process reads the book (see press.parallel).
    worker = Worker(_warm_up) if "pdf" in targets and can_fork() else None
    try:
        return _stages(paths, targets, out, strict, progress, worker, session)
    finally:
        if worker is not None:
            worker.close()


def _warm_up() -> None:
    import weasyprint  # noqa: F401 - half a second, spent while the book is read
    from weasyprint.text.fonts import FontConfiguration  # noqa: F401


def _stages(paths: Paths, targets: list[str], out: Path, strict: bool, progress: Progress,
            worker: Worker | None, session: Session) -> BuildResult:
    # Imported here, not at the top: a no-op rebuild must not pay for them.
    from .apparatus import back_matter, plan_back_matter
    from .collect import collect
    from .editions import EditionResult
    from .convert import Pandoc
    from .editions.epub import EpubEdition
    from .editions.html import HtmlEdition
    from .editions.pdf import PdfEdition, finish_print_edition, layout_print_body
    from .sources import read_book

    classes = {"html": HtmlEdition, "pdf": PdfEdition, "epub": EpubEdition}
    with progress.stage("check tools"):
        pandoc_version()
        if "pdf" in targets or "epub" in targets:
            check_pango()
    with progress.stage("configure"):
        config = load_config(paths)
    with progress.stage("read chapters"):
        # EDTF dates are parsed with the chronology, once the print layout runs.
        reading = read_book(paths, session, defer_dates="pdf" in targets and worker is not None)
    pandoc = Pandoc(session.folder("pandoc"))
    with progress.stage("convert and collect"):
        # The read stage's problems are reported with the collect stage's, in one run.
        book = collect(paths, config, reading.chapters, pandoc, session, reading)
    if worker is not None and "pdf" in targets:
        # The body's print layout does not depend on the apparatus: start it now.
        # The cover is drawn by this process, which has time while the worker lays out.
        planned = PdfEdition(paths, book, plan_back_matter(paths, book))
        worker.submit(layout_print_body, *planned.body_job())
    with progress.stage("apparatus"):
        back = back_matter(paths, book, pandoc, session)
    session.save()  # every date of the book is parsed by now
    result = BuildResult(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-", dir=out.parent))
    try:
        editions = [classes[name](paths, book, back, session) for name in targets]
        for edition in editions:
            if isinstance(edition, EpubEdition):
                edition.pandoc = pandoc
                # Print page numbers come from the PDF of this build, or not at all.
                edition.awaits_pages = "pdf" in targets
        with progress.stage("write editions: " + ", ".join(targets)):
            handles = {}
            if worker is not None:
                worker.result()  # the body, laid out
                pdf = next(e for e in editions if e.name == "pdf")
                handles["pdf"] = worker.submit(finish_print_edition, *pdf.finish_job(), stage)
            with ThreadPoolExecutor(len(editions)) as pool:
                for edition in editions:
                    if edition.name not in handles:
                        handles[edition.name] = pool.submit(_run_edition, edition, stage)
                for edition in editions:
                    result.results[edition.name], warnings = handles[edition.name].result()
                    edition.warnings = list(warnings)
            if "pdf" in targets:
                mark_print_pages(editions, result.results["pdf"].facts["page_starts"], stage)
        if book.chronology is not None:
            # The chronology as data, for researchers.
            slug = book.config.slug
            (stage / f"{slug}-chronology.json").write_text(book.chronology.to_json(), "utf-8")
            (stage / f"{slug}-chronology.csv").write_text(book.chronology.to_csv(), "utf-8")
            result.results["data"] = EditionResult("data", [f"{slug}-chronology.json", f"{slug}-chronology.csv"])
        result.warnings = [
            *book.warnings,
            *(Problem(w.source or "pandoc", None, w.message) for w in pandoc.warnings),
            *(w for e in editions for w in e.warnings),
        ]
        result.pandoc_calls = pandoc.calls
        if strict and result.warnings:
            raise ContentError(result.warnings)
        with progress.stage("publish"):
            publish(stage, out, [f for r in result.results.values() for f in r.files])
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return result


def mark_print_pages(editions: list, pages: list, stage: Path) -> None:
    """The print page numbers of this build's PDF into the EPUB and the web edition.

    Both were written while the print worker laid out the book; the EPUB
    waited for this to be packaged (press.pagemarks).
    """
    for edition in editions:
        if edition.name == "epub":
            edition.write_package(stage, pages)
        elif edition.name == "html":
            edition.add_page_marks(pages)


def _run_edition(edition, stage: Path):
    """Build one edition; return its result and its warnings (from a child process too)."""
    return edition.build(stage), edition.warnings


def publish(stage: Path, out: Path, names: list[str]) -> None:
    """Move finished files into ``out``, replacing older ones atomically."""
    out.mkdir(parents=True, exist_ok=True)
    for name in sorted(names):
        source, target = stage / name, out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            trash = None
            if target.exists():
                trash = target.with_name(f".{target.name}.old-{os.getpid()}")
                os.replace(target, trash)
            os.replace(source, target)
            if trash is not None:
                shutil.rmtree(trash, ignore_errors=True)
        else:
            os.replace(source, target)


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
