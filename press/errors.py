"""One small exception hierarchy, printed in one place (the CLI).

Every problem carries a location (``path:line``) when one can be known, so
that a writer can go straight to it, the way Sphinx reports
``location=(docname, lineno)``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
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
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


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
