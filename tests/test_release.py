"""``build.py release``: a tiny book in a temporary git repository.

These tests are about the release folder, not the checkers: Ace (seconds in
Chromium, covered by tests/test_check.py) is left out of the gate here.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile

import pytest

from press.cli import main
from press.errors import EXIT_CONTENT, EXIT_TOOL

from .conftest import TinyBook

EPOCH = "1612137600"
FAST = ["epubcheck", "nu", "web", "pdf", "fidelity", "reproducibility"]


def git(root, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
                               "GIT_AUTHOR_DATE": f"@{EPOCH} +0000", "GIT_COMMITTER_DATE": f"@{EPOCH} +0000",
                               "PATH": "/usr/bin:/bin"}).stdout


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A tiny book committed in its own git repository; no SOURCE_DATE_EPOCH in the environment."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    book = TinyBook(tmp_path / "book")
    book.chapter("01-intro.md", "Introduction", "The office of the first minister.[^1]\n\n[^1]: A note.",
                 kind="introduction")
    book.write(".gitignore", "/dist/\n/.cache/\n")
    git(book.root, "init", "-q")
    git(book.root, "add", "-A")
    git(book.root, "commit", "-q", "-m", "the book")
    return book


@pytest.fixture
def fast_checks(monkeypatch):
    """The release's gate without Ace (seconds in Chromium; tests/test_check.py covers it)."""
    import press.commands.check

    monkeypatch.setattr(press.commands.check, "CHECKERS", tuple(FAST))


def release(book, *flags: str) -> int:
    return main(["release", "--root", str(book.root), "--out", str(book.root / "dist"), "--quiet", *flags])


def test_two_releases_from_the_same_commit_are_byte_identical(repo, fast_checks, tmp_path):
    assert release(repo) == 0
    folder = repo.root / "dist" / "release" / "tiny-1.0"
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(first) == ["SHA256SUMS", "check-report.html", "check-report.json", "manifest.json",
                             "tiny-web.zip", "tiny.epub", "tiny.pdf"]
    assert release(repo) == 0  # replaces the folder
    second = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert first == second

    # SHA256SUMS lists every other file with its hash.
    sums = dict(reversed(line.split("  ")) for line in first["SHA256SUMS"].decode().splitlines())
    assert sorted(sums) == sorted(set(first) - {"SHA256SUMS"})
    for name, digest in sums.items():
        assert hashlib.sha256(first[name]).hexdigest() == digest

    # The manifest: inputs, tools, fonts, checkers, the commit's date.
    manifest = json.loads(first["manifest.json"])
    assert manifest["source_date_epoch"] == EPOCH  # the last commit's time
    assert manifest["commit"] == git(repo.root, "rev-parse", "HEAD").strip()
    chapter = repo.content / "chapters" / "01-intro.md"
    assert manifest["inputs"]["content/chapters/01-intro.md"] == hashlib.sha256(chapter.read_bytes()).hexdigest()
    assert any(name.startswith("press/") for name in manifest["inputs"])
    assert any(name.startswith("styles/fonts/") for name in manifest["inputs"])
    assert manifest["tools"]["pandoc"].startswith("3.") and manifest["tools"]["weasyprint"]
    assert all(v.startswith("Version ") for v in manifest["fonts"].values()) and manifest["fonts"]
    assert set(manifest["checkers"]) >= {"EPUBCheck", "Nu", "PDF"}

    report = json.loads(first["check-report.json"])
    assert report["passed"] and report["book"]["version"] == "1.0"

    # The web edition as a deterministic zip.
    with zipfile.ZipFile(folder / "tiny-web.zip") as archive:
        names = archive.namelist()
        assert names == sorted(names) and "tiny-web/index.html" in names
        assert {i.date_time for i in archive.infolist()} == {(2021, 2, 1, 0, 0, 0)}


def test_release_refuses_a_dirty_work_tree_unless_forced(repo, fast_checks, capsys):
    (repo.content / "chapters" / "01-intro.md").write_text(
        (repo.content / "chapters" / "01-intro.md").read_text("utf-8") + "\nMore.\n", "utf-8")
    assert release(repo) == EXIT_CONTENT
    assert "uncommitted changes" in capsys.readouterr().err
    assert not (repo.root / "dist" / "release").exists()
    assert release(repo, "--force", "--version", "1.1-rc1") == 0
    manifest = json.loads((repo.root / "dist" / "release" / "tiny-1.1-rc1" / "manifest.json").read_text())
    assert manifest["uncommitted_changes"] == ["content/chapters/01-intro.md"]


def test_release_needs_a_git_work_tree(tmp_path, monkeypatch, capsys):
    book = TinyBook(tmp_path / "book")
    book.chapter("01-intro.md", "Introduction", "Text.", kind="introduction")
    assert release(book) == EXIT_TOOL
    assert "not a git work tree" in capsys.readouterr().err


def test_a_failing_check_stops_the_release(repo, monkeypatch, capsys):
    """A broken gate (here: the PDF checker finds a problem) writes no release."""
    import press.commands.check
    from press.gates import Finding, Result

    monkeypatch.setattr(press.commands.check, "CHECKERS", ("pdf",))
    monkeypatch.setattr(press.commands.check, "_checker", lambda *a: lambda e: Result(
        "PDF", "PDF: 1 problems", findings=[Finding("tiny.pdf", None, "font X is not embedded")]))
    assert release(repo) == EXIT_CONTENT
    captured = capsys.readouterr()
    assert "font X is not embedded" in captured.out and "PDF: PDF: 1 problems" in captured.err
    assert not (repo.root / "dist" / "release").exists()


def test_a_bad_version_is_refused(repo, capsys):
    assert release(repo, "--version", "../1.0") == EXIT_CONTENT
    assert "is not a version" in capsys.readouterr().err


def test_a_release_with_the_printers_files_needs_a_print_isbn_and_the_copy(repo, fast_checks, capsys):
    text = (repo.content / "book.yaml").read_text("utf-8")
    repo.write("content/book.yaml", text.replace('  print: "978-9972-671-78-4"\n', ""))
    git(repo.root, "commit", "-q", "-am", "no print ISBN yet")
    assert release(repo, "--press") == EXIT_CONTENT
    err = capsys.readouterr().err
    lines = (repo.content / "book.yaml").read_text("utf-8").splitlines()
    isbn = lines.index("isbn:") + 1
    assert f"content/book.yaml:{isbn}: no print ISBN (isbn.print)" in err
    assert "a release with the printer's files needs it" in err
    assert "content/book.yaml:1: no back-cover copy (cover.blurb)" in err  # no 'cover' key: the file's first line
    assert not (repo.root / "dist" / "release").exists()


def test_a_release_ships_the_printers_files(repo, fast_checks):
    repo.write("content/book.yaml", (repo.content / "book.yaml").read_text("utf-8")
               + "cover:\n  blurb: \"A tiny book about the office of the first minister.\"\n")
    git(repo.root, "commit", "-q", "-am", "the back-cover copy")
    assert release(repo, "--press") == 0
    folder = repo.root / "dist" / "release" / "tiny-1.0"
    names = sorted(p.name for p in folder.iterdir())
    assert "tiny-press.pdf" in names and "tiny-cover.pdf" in names
    import pypdf

    assert len(pypdf.PdfReader(folder / "tiny-press.pdf").pages) % 2 == 0
    sums = (folder / "SHA256SUMS").read_text()
    assert "tiny-press.pdf" in sums and "tiny-cover.pdf" in sums
