"""Command line: ``press build [BOOK]`` (or ``python build.py all|html|pdf|epub
[--strict] [--out DIR] [--root BOOK]``), the commands around the build:
``proof``, ``watch``, ``check``, ``release``, ``press`` and ``cover``, and
``press new DIR`` to start a book. BOOK is any folder holding ``content/``.

``main(argv=None) -> int`` so that tests call it in-process (WeasyPrint's
and mdformat's command lines are built the same way). Errors are printed
here, in one place, as ``path:line: what is wrong``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import traceback
from importlib import metadata
from pathlib import Path

from .errors import (EXIT_CONTENT, EXIT_INTERNAL, EXIT_OK, EXIT_TOOL, EXIT_USAGE, BookError, template_failure,
                     write_failure)
from .editions import EDITIONS, book_targets
from .pipeline import Request, report, run
from .progress import Progress
from .source.epoch import check_epoch

TARGETS = {"build": list(EDITIONS), "all": list(EDITIONS), **{name: [name] for name in EDITIONS}}


# Commands that live in their own module: ``add_arguments(parser)`` and
# ``run(args, progress) -> int``. Imported only when used (``--help`` too),
# so that a build pays for none of them.
COMMANDS = {
    "proof": ("press.commands.proof", "proof PDF and web edition with marks, change bars and a proof report"),
    "watch": ("press.commands.watch", "live preview: serve the web edition, rebuild and reload on every edit"),
    "check": ("press.commands.check", "validate the built editions with EPUBCheck, Ace, the Nu checker, PDF checks"),
    "release": ("press.commands.release", "build --strict, check, and write dist/release/<slug>-<version>/"),
    "press": ("press.commands.printer", "the printer's PDF: PDF/X-4 with bleed and crop marks"),
    "cover": ("press.commands.printer", "the wrap-around cover (back, spine, front) as a press PDF"),
}
NEW = ("press.commands.scaffold", "start a new book: DIR/content/ with book.yaml and one unit of text")


def _common(command: argparse.ArgumentParser) -> None:
    command.add_argument("book", nargs="?", type=Path, metavar="BOOK",
                         help="the book's folder, holding content/ (default: --root, else .)")
    command.add_argument("--out", type=Path, help="output folder (default: dist/ in the book's folder)")
    command.add_argument("--root", type=Path,
                         help="the book's folder, holding content/ and any templates/ or styles/ "
                         "of its own that override the toolchain's (default: .)")
    command.add_argument("--quiet", action="store_true", help="print only problems")


def version() -> str:
    try:
        return metadata.version("press")
    except metadata.PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def parser(modules: bool = True, prog: str = "build.py") -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=prog,
        description="Build a book's editions from its content/ (web HTML, print PDF, EPUB 3).",
        epilog=f"Exit codes: {EXIT_OK} success, {EXIT_CONTENT} bad content, "
        f"{EXIT_TOOL} missing tool, {EXIT_INTERNAL} internal failure.",
    )
    p.add_argument("--version", action="version", version=f"%(prog)s {version()}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    new = sub.add_parser("new", help=NEW[1], description=NEW[1])
    new.add_argument("--quiet", action="store_true", help="print only problems")
    new.set_defaults(module=NEW[0], root=None, book=None, out=None)
    if modules:
        importlib.import_module(NEW[0]).add_arguments(new, "new")
    for name, help_text in (
        ("build", "build every edition (the same as all)"),
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


def _parse(argv: list[str] | None, prog: str) -> argparse.Namespace:
    p, args = _parse_command(argv, prog)
    if args.command == "new":
        return args
    if args.book is not None and args.root is not None and args.book.resolve() != args.root.resolve():
        p.error(f"two books named: {args.book} and --root {args.root}; name one")
    args.root = args.book or args.root or Path(".")
    if args.out is None:
        # Beside the book's content/, wherever it is built from; a command may
        # name a folder of its own (the live preview's .cache/watch).
        args.out = args.root / getattr(args, "default_out", "dist")
    return args


def _parse_command(argv: list[str] | None, prog: str) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    # Only the chosen command's module is imported to read its options.
    argv = list(sys.argv[1:] if argv is None else argv)
    wanted = argv[0] if argv else None
    modules = {**{name: module for name, (module, _) in COMMANDS.items()}, "new": NEW[0]}
    if wanted in modules:
        p = parser(modules=False, prog=prog)
        sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
        importlib.import_module(modules[wanted]).add_arguments(sub.choices[wanted], wanted)
        return p, p.parse_args(argv)
    p = parser(modules=wanted not in TARGETS and not (wanted or "").startswith("-"), prog=prog)
    return p, p.parse_args(argv)


class Terminated(BaseException):
    """SIGTERM, raised where the build is, so that its ``finally`` blocks run:
    the staging folder goes and the print worker is stopped."""


def _terminate(signum, frame) -> None:
    raise Terminated


def main(argv: list[str] | None = None, prog: str = "build.py") -> int:
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return _main(argv, prog)  # only the main thread may set a handler
    previous = signal.signal(signal.SIGTERM, _terminate)
    try:
        return _main(argv, prog)
    except Terminated:  # between the build and its report
        return 143
    finally:
        signal.signal(signal.SIGTERM, previous)


def _main(argv: list[str] | None, prog: str) -> int:
    args = _parse(argv, prog)
    progress = Progress(quiet=args.quiet)
    try:
        check_epoch()
        if getattr(args, "module", None):
            return importlib.import_module(args.module).run(args, progress)
        request = Request(args.root.resolve(), book_targets(TARGETS[args.command]), args.out.resolve(),
                          strict=args.strict)
        result = run(request, progress)
    except BookError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        kind = {EXIT_CONTENT: "content", EXIT_USAGE: "usage"}.get(exc.exit_code, "tool")
        print(f"{args.command} failed ({len(exc.problems)} {kind} problem(s)); dist/ was not changed",
              file=sys.stderr)
        return exc.exit_code
    except OSError as exc:
        failure = write_failure(exc, Path(args.out or ".").resolve())  # `new` has no out folder
        problem = template_failure(exc, Path(args.root or ".").resolve())  # Jinja's TemplateNotFound is an OSError
        if problem is not None:
            failure = (EXIT_CONTENT, str(problem))
        if failure is None:
            traceback.print_exc()
            print("internal error: this is a bug in the pipeline; dist/ was not changed", file=sys.stderr)
            return EXIT_INTERNAL
        print(f"error: {failure[1]}", file=sys.stderr)
        print(f"{args.command} failed; dist/ was not changed", file=sys.stderr)
        return failure[0]
    except KeyboardInterrupt:
        print("interrupted; dist/ was not changed", file=sys.stderr)
        return 130
    except Terminated:
        print("stopped (SIGTERM); dist/ was not changed", file=sys.stderr)
        return 143
    except Exception as exc:  # an internal failure: show the traceback, a bug to report
        problem = template_failure(exc, Path(args.root or ".").resolve())  # unless the book's own template failed
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            print(f"{args.command} failed (1 content problem(s)); dist/ was not changed", file=sys.stderr)
            return EXIT_CONTENT
        traceback.print_exc()
        print("internal error: this is a bug in the pipeline; dist/ was not changed", file=sys.stderr)
        return EXIT_INTERNAL
    report(result)
    if not result.up_to_date:
        progress.note(f"built {', '.join(result.results)} into {args.out}")
    return EXIT_OK


def console() -> None:
    """The ``press`` command (pyproject.toml's [project.scripts]) and ``python -m press``."""
    code = main(prog="press")
    # As build.py: every file is closed by now, and tearing the interpreter
    # down costs a quarter of a second for nothing, unless a profiler or a
    # coverage tracer waits to write at exit.
    if sys.getprofile() is None and sys.gettrace() is None:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)
