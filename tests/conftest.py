"""Shared fixtures: tiny test books, and the real book built once per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from press.cli import main

REPO = Path(__file__).resolve().parent.parent
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
    from press.checkers.repro import epoch_set

    return epoch_set(value)


@pytest.fixture
def tiny(tmp_path, monkeypatch) -> TinyBook:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return TinyBook(tmp_path / "book")


@pytest.fixture(scope="session")
def real_book(tmp_path_factory) -> Path:
    """The real book, built once with --strict; returns the output folder."""
    out = tmp_path_factory.mktemp("real") / "dist"
    with source_date_epoch():
        code = main(["all", "--root", str(REPO), "--out", str(out), "--quiet", "--strict"])
    assert code == 0, "the real book must build with --strict"
    return out


@pytest.fixture(scope="session")
def slug() -> str:
    import yaml

    return yaml.safe_load((REPO / "content" / "book.yaml").read_text("utf-8"))["slug"]
