"""Configure: ``content/book.yaml`` becomes a frozen, validated ``BookConfig``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import ContentError, Problem, display_path
from .schema import M, BookConfig, validate
from .yamlsrc import Located, YAMLProblems, load


@dataclass(frozen=True)
class Paths:
    """Where a book's parts live. Only files under ``root`` are ever read."""

    root: Path  # the project folder: content/, templates/, styles/

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def chapters(self) -> Path:
        return self.content / "chapters"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def styles(self) -> Path:
        return self.root / "styles"

    @property
    def book_yaml(self) -> Path:
        return self.content / "book.yaml"

    def show(self, path: Path) -> str:
        return display_path(path, self.root)


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 file, or say on which line it stops being UTF-8."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError([Problem(shown, line, "the file is not UTF-8 text; save it as UTF-8")]) from None


def load_yaml(path: Path, shown: str) -> Located:
    """A YAML file of the book, or a ContentError naming its line."""
    try:
        return load(read_text(path, shown), shown)
    except YAMLProblems as exc:
        raise ContentError(exc.problems) from None


def load_model(paths: Paths, path: Path, model: type[M]) -> tuple[M, Located, str]:
    """A YAML file validated against its schema; every problem names its line."""
    shown = paths.show(path)
    located = load_yaml(path, shown)
    value, problems = validate(model, located, shown)
    if problems:
        raise ContentError(problems)
    assert value is not None
    return value, located, shown


def load_config(paths: Paths) -> BookConfig:
    if not paths.book_yaml.is_file():
        raise ContentError([Problem(paths.show(paths.book_yaml), None,
                                    "book.yaml is missing: every book needs its metadata")])
    return load_model(paths, paths.book_yaml, BookConfig)[0]
