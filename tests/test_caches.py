"""Caches that cannot lie (issue 19, deliverable 4).

A book with a chronology and a bibliography is built once (the caches
filled), then a cache or an output is damaged in one way, and the next build
must give the same bytes as a cold build (no ``.cache/``) of the same sources:
pandoc's entries swapped, truncated, emptied or edited; the units' kept
work (press.memo) swapped, truncated or edited; the chronology's kept dates
edited by hand; a web page deleted or the PDF cut short in
``dist/`` (which the up-to-date check used to trust).
"""

from __future__ import annotations

import json
import shutil

import pytest

from press.cli import main

from .conftest import BOOKS


def snapshot(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*"))
            if p.is_file() and p.name != ".press-build.json"}


@pytest.fixture(scope="module")
def cold(tmp_path_factory):
    """The book's editions from a cold build, and a folder to copy for each test."""
    root = tmp_path_factory.mktemp("cold") / "book"
    shutil.copytree(BOOKS / "es-libro" / "content", root / "content")
    out = root / "dist"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        assert main(["all", "--root", str(root), "--out", str(out), "--quiet", "--strict"]) == 0
    return root, snapshot(out)


def rebuild(root, capsys) -> str:
    code = main(["all", "--root", str(root), "--out", str(root / "dist"), "--quiet", "--strict"])
    err = capsys.readouterr().err
    assert code == 0, err
    return err


def pandoc_entries(root):
    return sorted((root / ".cache" / "pandoc").rglob("*.json"))


def unit_entries(root):
    return sorted((root / ".cache" / "memo" / "unit-work").iterdir())


DAMAGES = {
    "swapped pandoc entries": lambda root: _swap(*pandoc_entries(root)[:2]),
    "truncated pandoc entry": lambda root: _cut(pandoc_entries(root)[0]),
    "emptied pandoc entry": lambda root: pandoc_entries(root)[0].write_text("{}", "utf-8"),
    "edited pandoc entry": lambda root: _edit_result(pandoc_entries(root)[0]),
    "edited kept dates": lambda root: _edit_dates(root / ".cache" / "edtf-dates.json"),
    "swapped unit entries": lambda root: _swap(*unit_entries(root)[:2]),
    "truncated unit entry": lambda root: _cut(unit_entries(root)[0]),
    "edited unit entry": lambda root: _flip(unit_entries(root)[0]),
    "deleted web page": lambda root: (root / "dist" / "html" / "03-puertos.html").unlink(),
    "truncated pdf": lambda root: _cut(next((root / "dist").glob("*.pdf"))),
}


def _swap(a, b):
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)


def _cut(path):
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _flip(path):
    """One byte of a kept unit's pickle changed (a disk error, a hand edit)."""
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))


def _edit_result(path):
    data = json.loads(path.read_text("utf-8"))
    data["result"] = data["result"].replace("e", "E")
    path.write_text(json.dumps(data), "utf-8")


def _edit_dates(path):
    """A kept date changed by hand, still well-formed: the chronology would move it to 1999."""
    data = json.loads(path.read_text("utf-8"))
    table = data["edtf-dates"]
    first = next(iter(table))
    assert table[first][0] == "Date", table[first]
    table[first] = ["Date", [1999, 1, 1], [1999, 1, 1]]
    path.write_text(json.dumps(data), "utf-8")


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_cache_or_output_gives_the_cold_builds_bytes(cold, tmp_path, monkeypatch, capsys, damage):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    source, expected = cold
    root = tmp_path / "book"
    shutil.copytree(source / "content", root / "content")
    rebuild(root, capsys)
    assert snapshot(root / "dist") == expected  # a warm start from nothing: the same
    DAMAGES[damage](root)
    if "pandoc" in damage:
        shutil.rmtree(root / ".cache" / "memo")  # or the units' kept work is read, not pandoc's entries
    if "pandoc" in damage or "dates" in damage or "unit" in damage:
        # An edit that changes no output, so that the build runs and reads its caches
        # (an unchanged book is up to date and reads none).
        chapter = root / "content" / "chapters" / "07-viajes.md"
        chapter.write_text(chapter.read_text("utf-8") + "\n", "utf-8")
    err = rebuild(root, capsys)
    assert "up to date" not in err
    assert snapshot(root / "dist") == expected
