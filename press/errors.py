"""One small exception hierarchy, printed in one place (the CLI).

Every problem carries a location (``path:line``) when one can be known, so
that a writer can go straight to it, the way Sphinx reports
``location=(docname, lineno)``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

# Exit codes follow sysexits(3), so that scripts can tell the cases apart.
EXIT_OK = 0
EXIT_USAGE = 64  # EX_USAGE: the command or its environment is wrong (SOURCE_DATE_EPOCH)
EXIT_CONTENT = 65  # EX_DATAERR: the book's sources are wrong
EXIT_TOOL = 69  # EX_UNAVAILABLE: a required tool is missing
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in the pipeline
EXIT_CANTCREAT = 73  # EX_CANTCREAT: an output file cannot be created or written
EXIT_IOERR = 74  # EX_IOERR: the disk is full or failed


@dataclass(frozen=True, order=True)
class Problem:
    """One finding about the sources: where it is and what is wrong."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if not self.path:  # about the run, not a file (a busy port)
            return self.message
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


# How alike a near miss must be (difflib's ratio, 0..1) to be suggested.
# difflib's own default, 0.6, offers 'intro' for 'introduction' and 'ch2'
# for 'ch1'; at 0.8 a slip of one or two characters in a key of six or more
# ('castila-ramon', 'smith2010' for 'smith2001') is caught and unrelated
# keys ('nope', 'note') are left alone.
NEAR_MISS = 0.8


def did_you_mean(name: str, known: Iterable[str], cutoff: float = NEAR_MISS) -> str:
    """``"; did you mean 'X'?"`` for the known name closest to ``name``, or ``""``.

    Compared without case, so that 'Lima' finds 'lima'; the suggestion is
    spelled as it is known. One helper for every key a writer types: ids,
    citation keys, index keys.
    """
    spelled: dict[str, str] = {}
    for candidate in known:
        if candidate != name:
            spelled.setdefault(candidate.casefold(), candidate)
    match = get_close_matches(name.casefold(), list(spelled), n=1, cutoff=cutoff)
    return f"; did you mean '{spelled[match[0]]}'?" if match else ""


def display_path(path: Path | str, root: Path | None = None) -> str:
    """A path as a writer would type it: relative to the book when possible."""
    path = Path(path)
    for base in (root, Path.cwd()):
        if base is None:
            continue
        try:
            return os.path.relpath(path, base) if path.is_relative_to(base) else str(path)
        except ValueError:  # different drives on Windows
            continue
    return str(path)


class BookError(Exception):
    """Base class: a build that cannot go on. Printed by the CLI."""

    exit_code = EXIT_INTERNAL

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("build", None, problems)]
        self.problems = sorted(set(problems), key=_problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):
        # Keep the problems when the error crosses a process boundary.
        return (self.__class__, (self.problems,))


def _problem_order(problem: Problem) -> tuple:
    return (problem.path, problem.line or 0, problem.message)


class ContentError(BookError):
    """The book's sources are wrong: the writer can fix it."""

    exit_code = EXIT_CONTENT


class ToolError(BookError):
    """A program or library the build needs is missing or too old."""

    exit_code = EXIT_TOOL


class UsageError(BookError):
    """The command's arguments or environment are wrong (a bad SOURCE_DATE_EPOCH)."""

    exit_code = EXIT_USAGE


# errno names of the failures to write that a user can fix, with what to do.
CANNOT_WRITE = {
    "EROFS": (EXIT_CANTCREAT, "the file system is read-only; choose another folder with --out"),
    "EACCES": (EXIT_CANTCREAT, "permission denied; make the folder writable or choose another with --out"),
    "EPERM": (EXIT_CANTCREAT, "not permitted; make the folder writable or choose another with --out"),
    "ENOENT": (EXIT_CANTCREAT, "a folder on the way does not exist; create it or choose another with --out"),
    "EEXIST": (EXIT_CANTCREAT, "a file stands where a folder is needed; move it or choose another --out"),
    "ENOTDIR": (EXIT_CANTCREAT, "a file stands where a folder is needed; move it or choose another --out"),
    "EXDEV": (EXIT_CANTCREAT, "the folder is on another file system than its parent; choose another --out"),
    "ENOSPC": (EXIT_IOERR, "no space left on the device; free some space or choose another --out"),
    "EDQUOT": (EXIT_IOERR, "the disk quota is exceeded; free some space or choose another --out"),
    "EIO": (EXIT_IOERR, "an input/output error; check the disk"),
}


def write_failure(exc: OSError, out: Path) -> tuple[int, str] | None:
    """The exit code and message for a failure to write, or None when it is not one of those.

    A missing file is a failure to write only on the way to ``out`` (its
    parent is gone); anywhere else it is a bug, reported as one.
    """
    import errno

    name = errno.errorcode.get(exc.errno or 0)
    if name not in CANNOT_WRITE:
        return None
    if name in ("ENOENT", "ENOTDIR", "EEXIST"):
        missing = Path(str(exc.filename or ""))
        if not (missing == out or missing in out.parents or missing.is_relative_to(out.parent)):
            return None
    code, advice = CANNOT_WRITE[name]
    where = exc.filename if exc.filename is not None else "the output folder"
    return code, f"cannot write {display_path(where)}: {advice} ({exc.strerror or name})"


class Collector:
    """Collects problems so that one run lists all of them, then stops once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, line: int | None, message: str) -> None:
        self.problems.append(Problem(path, line, message))

    def extend(self, problems: list[Problem]) -> None:
        self.problems.extend(problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ContentError(self.problems)


def template_failure(exc: BaseException, root: Path) -> Problem | None:
    """A Jinja error raised by one of the book's own templates (its ``templates/``
    overrides): a problem at the template's line. None when the failing
    template is the toolchain's own, or the error is not Jinja's (a bug)."""
    import traceback

    chain = exc
    while chain is not None and not type(chain).__module__.startswith("jinja2"):
        chain = chain.__cause__ or chain.__context__
    if chain is None:
        return None
    own = (root / "templates").resolve()
    where = None
    filename, lineno = getattr(chain, "filename", None), getattr(chain, "lineno", None)
    if filename and Path(filename).resolve().is_relative_to(own):
        where = (Path(filename), lineno)
    else:  # the innermost frame of a template of the book's (Jinja maps its frames to template lines)
        frames = [(f.filename, f.lineno) for f in traceback.extract_tb(chain.__traceback__)]
        # Raised in the print worker (press.parallel): its frames came as text.
        frames += [(name, int(line)) for name, line in
                   re.findall(r'File "([^"]+\.j2)", line (\d+)', getattr(chain, "worker_traceback", ""))]
        for name, line in reversed(frames):
            if name.endswith(".j2") and Path(name).resolve().is_relative_to(own):
                where = (Path(name), line)
                break
    if where is None:
        return None
    message = str(chain).strip() or type(chain).__name__
    return Problem(display_path(where[0], root), where[1],
                   f"the template fails: {type(chain).__name__}: {message}; mend the book's own template "
                   "(or remove it to use the toolchain's)")
