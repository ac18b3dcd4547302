"""One small exception hierarchy, printed in one place (the CLI).

Every problem carries a location (``path:line``) when one can be known, so
that a writer can go straight to it, the way Sphinx reports
``location=(docname, lineno)``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches
from pathlib import Path

# Exit codes follow sysexits(3), so that scripts can tell the cases apart.
EXIT_OK = 0
EXIT_CONTENT = 65  # EX_DATAERR: the book's sources are wrong
EXIT_TOOL = 69  # EX_UNAVAILABLE: a required tool is missing
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in the pipeline


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
