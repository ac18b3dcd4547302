"""Command line: ``python build.py all|html|pdf|epub [--strict] [--out DIR]``,
and the commands around the build: ``proof``, ``watch``, ``check``,
``release``, ``press`` and ``cover``.

``main(argv=None) -> int`` so that tests call it in-process (WeasyPrint's
and mdformat's command lines are built the same way). Errors are printed
here, in one place, as ``path:line: what is wrong``.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import traceback
from pathlib import Path

from .errors import EXIT_CONTENT, EXIT_INTERNAL, EXIT_OK, EXIT_TOOL, BookError
from .pipeline import EDITIONS, build
from .progress import Progress

TARGETS = {"all": list(EDITIONS), **{name: [name] for name in EDITIONS}}


# Commands that live in their own module: ``add_arguments(parser)`` and
# ``run(args, progress) -> int``. Imported only when used (``--help`` too),
# so that a build pays for none of them.
COMMANDS = {
    "proof": ("press.proof", "proof PDF and web edition with marks, change bars and a proof report"),
    "watch": ("press.watch", "live preview: serve the web edition, rebuild and reload on every edit"),
    "check": ("press.check", "validate the built editions with EPUBCheck, Ace, the Nu checker, PDF checks"),
    "release": ("press.release", "build --strict, check, and write dist/release/<slug>-<version>/"),
    "press": ("press.printer", "the printer's PDF: PDF/X-4 with bleed and crop marks"),
    "cover": ("press.printer", "the wrap-around cover (back, spine, front) as a press PDF"),
}


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("--out", type=Path, help="output folder (default: dist/ in the book's folder)")
    command.add_argument("--root", type=Path, default=Path("."),
                         help="the book's folder, holding content/, templates/, styles/ (default: .)")
    command.add_argument("--quiet", action="store_true", help="print only problems")


def parser(modules: bool = True) -> argparse.ArgumentParser:
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
        _common(command)
    for name, (module, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        _common(command)
        command.set_defaults(module=module)
        if modules:
            importlib.import_module(module).add_arguments(command, name)
    return p


def _parse(argv: list[str] | None) -> argparse.Namespace:
    args = _parse_command(argv)
    if args.out is None:
        args.out = args.root / "dist"  # beside the book's content/, wherever it is built from
    return args


def _parse_command(argv: list[str] | None) -> argparse.Namespace:
    # Only the chosen command's module is imported to read its options.
    argv = list(sys.argv[1:] if argv is None else argv)
    wanted = argv[0] if argv else None
    if wanted in COMMANDS:
        p = parser(modules=False)
        sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
        importlib.import_module(COMMANDS[wanted][0]).add_arguments(sub.choices[wanted], wanted)
        return p.parse_args(argv)
    return parser(modules=wanted not in TARGETS).parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    progress = Progress(quiet=args.quiet)
    try:
        if getattr(args, "module", None):
            return importlib.import_module(args.module).run(args, progress)
        result = build(args.root.resolve(), TARGETS[args.command], args.out.resolve(), args.strict, progress)
    except BookError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        kind = "content" if exc.exit_code == EXIT_CONTENT else "tool"
        print(f"{args.command} failed ({len(exc.problems)} {kind} problem(s)); dist/ was not changed",
              file=sys.stderr)
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
