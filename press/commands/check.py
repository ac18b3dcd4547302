"""``build.py check``: validate the built editions with the field's own checkers.

EPUBCheck and DAISY Ace on the EPUB, the Nu HTML Checker and a link, language,
title, heading and image check on the web edition, font, tagging, metadata
and text checks on the PDF, a preflight of the finished pages (page numbers,
make-up, markup, ISBNs: press/gates/preflight/), the manuscript-fidelity
check on all three, and a reproducibility check (two builds, the same bytes).
Every finding is printed with its file (and line or page), then one summary
line per checker; any error fails the command (exit 65). The editions are
built first (``--strict``; a no-op when they are current) unless ``--no-build``.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import Callable

from ..gates import Editions, Result
from ..source.config import Paths, load_config
from ..errors import EXIT_CONTENT, display_path
from ..progress import Progress

CHECKERS = ("epubcheck", "ace", "nu", "web", "pdf", "preflight", "fidelity", "reproducibility")


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--only", action="append", choices=CHECKERS, metavar="CHECKER",
                        help=f"run only this checker (repeatable): {', '.join(CHECKERS)}")
    parser.add_argument("--skip", action="append", choices=CHECKERS, default=[], metavar="CHECKER",
                        help="do not run this checker (repeatable)")
    parser.add_argument("--no-build", action="store_true",
                        help="check the editions in --out as they are, without building them first")
    parser.add_argument("--report", type=Path, metavar="DIR",
                        help="also write check-report.json and check-report.html into DIR")


def run(args: argparse.Namespace, progress: Progress) -> int:
    root, out = args.root.resolve(), args.out.resolve()
    if not args.no_build:
        from ..editions import EDITIONS, book_targets
        from ..pipeline import Request, run as build

        with progress.stage("build the editions (--strict)"):
            build(Request(root, book_targets(EDITIONS), out, strict=True), Progress(quiet=True))
    wanted = [c for c in CHECKERS if c in (args.only or CHECKERS) and c not in args.skip]
    results, data = check(root, out, wanted, progress)
    if args.report:
        from ..gates import report

        report.write(args.report.resolve(), data)
    print_results(results, out)
    return 0 if all(r.passed for r in results) else EXIT_CONTENT


def check(root: Path, out: Path, wanted: list[str], progress: Progress,
          version: str = "", reference: Path | None = None) -> tuple[list[Result], dict]:
    """Run the checkers on the editions in ``out``; the results and the report's data.

    ``reference``: ``out`` was just built with this run's SOURCE_DATE_EPOCH, so
    the reproducibility check builds once more instead of twice.
    """
    from ..gates import report
    from ..gates.repro import source_date_epoch

    config = load_config(Paths(root))
    editions = Editions(out, config.slug, root)
    epoch = source_date_epoch(root)
    results = []
    for name in wanted:
        with progress.stage(f"check: {name}"):
            results.append(_checker(name, config, epoch, reference)(editions))
    book = {"slug": config.slug, "title": _plain(config.title), "version": version}
    return results, report.as_data(results, book, epoch)


def _checker(name: str, config, epoch: str, reference: Path | None) -> Callable[[Editions], Result]:
    if name in ("epubcheck", "ace"):
        from ..gates import epub

        return getattr(epub, name)
    if name in ("nu", "web"):
        from ..gates import web

        return web.nu if name == "nu" else web.site
    if name == "pdf":
        from ..gates.pdf import pdf

        return lambda e: pdf(e, _plain(config.title), tuple(a.name for a in config.authors))
    if name == "preflight":
        from ..gates.preflight import preflight

        return lambda e: preflight(e, _plain(config.title), tuple(a.name for a in config.authors))
    if name == "fidelity":
        from ..gates.text import fidelity

        return fidelity
    from ..gates.repro import reproducibility

    return lambda e: reproducibility(e.root, epoch, reference)


@functools.cache
def _plain(markdown: str) -> str:
    """A title as plain text, as the editions print it (press.book.phrases): two pandoc
    calls, made once for the checkers that all ask for it."""
    from ..book.convert import Pandoc
    from ..book.phrases import render_one

    return render_one(Pandoc(None), markdown).text


def print_results(results: list[Result], out: Path, file=None) -> None:
    file = file or sys.stdout
    base = display_path(out)
    for result in results:
        for finding in sorted(result.findings):
            kind = "" if finding.severity == "error" else f"{finding.severity}: "
            print(f"{base}/{finding.where()}: {kind}{result.name}: {finding.message}", file=file)
    for result in results:
        mark = "skipped" if result.skipped else ("ok" if result.passed else "FAILED")
        print(f"{result.summary} [{mark}]", file=file)
    failed = [r.name for r in results if not r.passed]
    print(f"check {'failed: ' + ', '.join(failed) if failed else 'passed'} "
          f"({len(results)} checkers)", file=file)
