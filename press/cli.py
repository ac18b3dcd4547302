"""Command line: ``python build.py all|html|pdf|epub [--strict] [--out DIR]``.

``main(argv=None) -> int`` so that tests call it in-process (WeasyPrint's
and mdformat's command lines are built the same way). Errors are printed
here, in one place, as ``path:line: what is wrong``.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from pathlib import Path

from .errors import EXIT_CONTENT, EXIT_INTERNAL, EXIT_OK, EXIT_TOOL, BookError
from .pipeline import EDITIONS, build
from .progress import Progress

TARGETS = {"all": list(EDITIONS), **{name: [name] for name in EDITIONS}}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build.py",
        description="Build the book's editions from content/ (web HTML, print PDF, EPUB 3).",
        epilog=f"Exit codes: {EXIT_OK} success, {EXIT_CONTENT} bad content, "
        f"{EXIT_TOOL} missing tool, {EXIT_INTERNAL} internal failure.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, help_text in (
        ("all", "build every edition"),
        ("html", "build the web edition (dist/html/index.html)"),
        ("pdf", "build the print PDF (dist/<slug>.pdf)"),
        ("epub", "build the EPUB 3 (dist/<slug>.epub)"),
    ):
        command = sub.add_parser(name, help=help_text, description=help_text)
        command.add_argument("--strict", action="store_true",
                             help="treat warnings (pandoc, WeasyPrint, apparatus) as errors; for CI and releases")
        command.add_argument("--out", type=Path, default=Path("dist"), help="output folder (default: dist)")
        command.add_argument("--root", type=Path, default=Path("."),
                             help="the book's folder, holding content/, templates/, styles/ (default: .)")
        command.add_argument("--quiet", action="store_true", help="print only problems")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    progress = Progress(quiet=args.quiet)
    try:
        result = build(args.root.resolve(), TARGETS[args.command], args.out.resolve(), args.strict, progress)
    except BookError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        kind = "content" if exc.exit_code == EXIT_CONTENT else "tool"
        print(f"build failed ({len(exc.problems)} {kind} problem(s)); dist/ was not changed", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; dist/ was not changed", file=sys.stderr)
        return 130
    except Exception:  # an internal failure: show the traceback, a bug to report
        traceback.print_exc()
        print("internal error: this is a bug in the pipeline; dist/ was not changed", file=sys.stderr)
        return EXIT_INTERNAL
    for warning in result.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    if not result.up_to_date:
        progress.note(f"built {', '.join(result.results)} into {args.out}")
    return EXIT_OK
