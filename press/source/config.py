"""Configure: ``content/book.yaml`` becomes a frozen, validated ``BookConfig``,
and ``Paths`` says where the book's parts are: its own files first, then the
toolchain's templates, styles, fonts and CSL styles."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..errors import ContentError, Problem, display_path
from .schema import M, BookConfig, validate
from .yamlsrc import Located, YAMLProblems, load


def _toolchain_assets() -> Path:
    """The folder holding the default ``templates/`` and ``styles/``.

    An installed wheel ships them as ``press/_assets/`` (pyproject.toml maps
    the repository's top-level folders there); a checkout, and the editable
    install of ``make all``, read them where they are, beside ``press/``.
    """
    here = Path(__file__).resolve().parent.parent  # press/
    shipped = here / "_assets"
    return shipped if (shipped / "templates").is_dir() else here.parent


ASSETS = _toolchain_assets()


@dataclass(frozen=True)
class Paths:
    """Where a book's parts live.

    The book is the folder ``root`` holding ``content/``. Templates (locales
    included), stylesheets, fonts and CSL styles are the toolchain's
    (``assets``), and the book overrides any one of them with a file of the
    same name under ``root/templates/`` or ``root/styles/`` (Sphinx's
    ``templates_path``). Only files under ``root`` and the toolchain's two
    asset folders are ever read.
    """

    root: Path  # the book's folder: content/, and templates/, styles/ when it overrides any
    assets: Path = ASSETS  # the toolchain's templates/ and styles/

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def chapters(self) -> Path:
        return self.content / "chapters"

    @property
    def book_yaml(self) -> Path:
        return self.content / "book.yaml"

    @property
    def template_dirs(self) -> list[Path]:
        """Where templates are looked up, the book's own first (a Jinja search path)."""
        return _layers(self.root / "templates", self.assets / "templates")

    @property
    def style_dirs(self) -> list[Path]:
        """Where stylesheets, fonts and CSL styles are looked up, the book's own first."""
        return _layers(self.root / "styles", self.assets / "styles")

    @property
    def asset_roots(self) -> list[Path]:
        """The toolchain's folders that a build may read besides the book."""
        return [self.assets / "templates", self.assets / "styles"]

    def template(self, name: str) -> Path:
        """``templates/<name>``: the book's if it has one, else the toolchain's."""
        return _first(self.template_dirs, name)

    def style(self, name: str) -> Path:
        """``styles/<name>``: the book's if it has one, else the toolchain's."""
        return _first(self.style_dirs, name)

    def styles_in(self, folder: str) -> list[Path]:
        """The files of ``styles/<folder>/`` (e.g. the fonts), the book's replacing same-named defaults."""
        return sorted(_merged(self.style_dirs, folder).values(), key=lambda p: p.name)

    def csl(self, name: str) -> Path:
        """A CSL style named in book.yaml: the book's file in content/, else a style shipped in styles/."""
        own = self.content / name
        return own if own.is_file() else self.style(name)

    def asset_files(self) -> dict[str, Path]:
        """Every template and style file the build may use, by name, overrides applied."""
        files = {f"templates/{n}": p for n, p in _merged(self.template_dirs, "").items()}
        files.update({f"styles/{n}": p for n, p in _merged(self.style_dirs, "").items()})
        return dict(sorted(files.items()))

    def show(self, path: Path) -> str:
        return display_path(path, self.root)


def _layers(own: Path, default: Path) -> list[Path]:
    # The repository's own book has root == assets: one layer, not two.
    return [own, default] if own.resolve() != default.resolve() else [default]


def _first(layers: list[Path], name: str) -> Path:
    for layer in layers:
        if (layer / name).is_file():
            return layer / name
    return layers[-1] / name  # missing everywhere: the error names the default's path


def _merged(layers: list[Path], folder: str) -> dict[str, Path]:
    """Relative name -> file under ``layer/folder``, the earlier layer winning."""
    found: dict[str, Path] = {}
    for layer in reversed(layers):
        base = layer / folder
        if base.is_dir():
            for path in base.rglob("*"):
                if path.is_file() and "__pycache__" not in path.parts:
                    found[path.relative_to(base).as_posix()] = path
    return found


# Characters XML 1.0 forbids (the EPUB's XHTML) and no edition can hold: the
# C0 controls but tab, line feed and carriage return, and U+FFFE/U+FFFF.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_NAMES = {0x00: "NULL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x1B: "ESCAPE"}


def read_text(path: Path, shown: str) -> str:
    """Read a UTF-8 file, or say on which line it stops being UTF-8 or holds a
    character no edition can hold (a NUL, a form feed left by a conversion)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ContentError([Problem(shown, line, "the file is not UTF-8 text; save it as UTF-8")]) from None
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        char = bad.group()
        name = _CONTROL_NAMES.get(ord(char)) or unicodedata.name(char, "a control character")
        raise ContentError([Problem(shown, line, f"column {column} holds U+{ord(char):04X} ({name}), which no "
                                                 "edition can hold (XML forbids it); remove it (a form feed is "
                                                 "often a page break left by a conversion)")])
    return text


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
