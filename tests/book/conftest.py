"""Fixtures of the tests that are about the book in content/, and only this one.

The toolchain's tests run on their own books (tests/books/); the tests in this
folder check what is specific to *200 Years of Peruvian Foreign Policy*: its
fidelity to the manuscript, its emendations and lacunae, its contents and its
pages. With another book in content/ they are skipped, saying why, so that
``make test`` passes for any book.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from press.cli import main

from ..conftest import REPO, source_date_epoch

THIS_BOOK = "200-years-peruvian-foreign-policy"  # content/book.yaml's slug


def content_slug() -> str | None:
    path = REPO / "content" / "book.yaml"
    if not path.is_file():
        return None
    return (yaml.safe_load(path.read_text("utf-8")) or {}).get("slug")


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is skipped when content/ holds another book."""
    found = content_slug()
    if found == THIS_BOOK:
        return
    skip = pytest.mark.skip(reason=f"about the book '{THIS_BOOK}'; content/ holds '{found}'")
    here = Path(__file__).parent
    for item in items:
        if Path(item.fspath).is_relative_to(here):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def real_book(tmp_path_factory) -> Path:
    """The book in content/, built once with --strict; returns the output folder."""
    out = tmp_path_factory.mktemp("real") / "dist"
    with source_date_epoch():
        code = main(["all", "--root", str(REPO), "--out", str(out), "--quiet", "--strict"])
    assert code == 0, "the real book must build with --strict"
    return out


@pytest.fixture(scope="session")
def slug() -> str:
    return THIS_BOOK
