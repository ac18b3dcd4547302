"""Shared fixtures: the test books and their builds.

The toolchain's tests run on books of their own: the small books under
``tests/books/<name>/content/`` (one per feature, and a few whole books; see
tests/books/README.md), copied into a temporary folder and built once a
session (``built_book``, ``whole``), and one-off books written from strings
(``TinyBook``). Nothing here reads ``content/``: the tests that are about the
book in ``content/`` are in ``tests/book/``, with fixtures of their own.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from press.cli import main
from press.gates import Editions  # a built book: its folder, output folder and file names

REPO = Path(__file__).resolve().parent.parent
BOOKS = REPO / "tests" / "books"  # the toolchain's own test books, each a folder holding content/
WHOLE = "franklin"  # the whole book with every apparatus: parts, notes, index, bibliography, chronology
EPOCH = "1612137600"  # 2021-02-01, the book's publication month

TINY_BOOK_YAML = """\
title: "A Tiny Book"
slug: "tiny"
language: "en"
authors:
  - name: "Ana Pérez"
    sort_name: "Pérez, Ana"
publishers:
  - name: "Test Press"
isbn:
  print: "978-9972-671-78-4"
  epub: "978-3-16-148410-0"
edition: "1st edition, 2021"
date: "2021-02"
rights: "All rights reserved."
"""


def chapter(title: str, body: str, kind: str = "chapter", number: str | None = None,
            part: str | None = None, extra: str = "") -> str:
    lines = ["---", f'title: "{title}"', f"kind: {kind}"]
    if number is not None:
        lines.append(f'number: "{number}"')
    if part is not None:
        lines.append(f'part: "{part}"')
    if extra:
        lines.append(extra.rstrip("\n"))
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body.strip("\n") + "\n"


class TinyBook:
    """A book folder with only content/: templates and styles are the toolchain's."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"
        (self.content / "chapters").mkdir(parents=True)
        self.write("content/book.yaml", TINY_BOOK_YAML)
        self.out = root / "dist"

    def own(self, relative: str) -> Path:
        """The book's own copy of a toolchain file (``styles/print.css``), which overrides it."""
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / relative, path)
        return path

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, "utf-8")
        return path

    def chapter(self, name: str, *args, **kwargs) -> Path:
        return self.write(f"content/chapters/{name}", chapter(*args, **kwargs))

    def build(self, target: str = "all", *flags: str) -> int:
        return main([target, "--root", str(self.root), "--out", str(self.out), "--quiet", *flags])


def source_date_epoch(value: str = EPOCH):
    """SOURCE_DATE_EPOCH set for a session-scoped fixture (monkeypatch is per test)."""
    from press.gates.repro import epoch_set

    return epoch_set(value)


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> TinyBook:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return TinyBook(tmp_path / "book")


def copy_book(name: str, target: Path) -> Path:
    """A copy of the test book ``tests/books/<name>`` at ``target``: its content/,
    and its own styles/ and templates/ where it has them (the fallback-font book's font)."""
    shutil.copytree(BOOKS / name / "content", target / "content")
    for own in ("styles", "templates"):
        if (BOOKS / name / own).is_dir():
            shutil.copytree(BOOKS / name / own, target / own)
    return target


def build_test_book(name: str, root: Path, target: str = "all") -> Editions:
    """Copy ``tests/books/<name>`` to ``root`` and build it with --strict."""
    import yaml

    copy_book(name, root)
    out = root / "dist"
    with source_date_epoch():
        code = main([target, "--root", str(root), "--out", str(out), "--quiet", "--strict"])
    assert code == 0, f"the test book '{name}' must build with --strict"
    slug = yaml.safe_load((root / "content" / "book.yaml").read_text("utf-8"))["slug"]
    return Editions(out, slug, root)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """``built_book(name)``: the test book ``tests/books/<name>``, built once a session (all editions)."""
    built: dict[str, Editions] = {}

    def get(name: str) -> Editions:
        if name not in built:
            built[name] = build_test_book(name, tmp_path_factory.mktemp(name))
        return built[name]

    return get


@pytest.fixture(scope="session")
def whole(built_book) -> Editions:
    """The whole test book with every apparatus (tests/books/franklin), built once."""
    return built_book(WHOLE)
