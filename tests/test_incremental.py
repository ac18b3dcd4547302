"""Incremental rebuilds: what the live preview remembers between builds
(press.memo) never shows in the editions.

A build with warm memos after an edit must give, byte for byte, what a cold
build of the same sources gives (same SOURCE_DATE_EPOCH), and must find the
same problems, at the same path:line. The warm builds share one session that
remembers (press.session), as the preview's do; the cold build runs on a
copy of the book in another folder, with a session of its own, so it starts
with nothing remembered and no pandoc cache.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from press.book.unitwork import UNIT_WORK
from press.errors import ContentError
from press.pipeline import build
from press.session import Session
from press.commands.watch import Preview

from .conftest import EPOCH, REPO, WHOLE
from .conftest import copy_book as copy_test_book

TARGETS = ["html", "epub"]  # the EPUB is made from the units' ASTs, the web edition from their HTML


def copy_book(target: Path) -> Path:
    """The whole test book (tests/books/franklin): parts, notes, index, bibliography, chronology."""
    return copy_test_book(WHOLE, target)


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.startswith(".")}


def edit(book: Path, name: str, old: str, new: str) -> None:
    path = book / "content" / name
    text = path.read_text("utf-8")
    assert old in text, (name, old)
    path.write_text(text.replace(old, new, 1), "utf-8")


def new_index_form(book: Path) -> None:
    """Marks in chapters whose text did not change."""
    edit(book, "index.yaml", 'forms: ["Ecton"]', 'forms: ["Ecton", "Northamptonshire"]')


def edits(book: Path) -> None:
    """A sentence, a pandoc-syntax citation, a chapter's title (every page's contents) and an image."""
    chapters = sorted((book / "content" / "chapters").glob("*.md"))
    text = chapters[2].read_text("utf-8")
    chapters[2].write_text(re.sub(r"\.\n", ". An added sentence on the people of Boston.\n", text, count=1), "utf-8")
    text = chapters[3].read_text("utf-8")
    chapters[3].write_text(re.sub(r"\.\n", ". As argued elsewhere [@defoe-1697, 12-14].\n", text, count=1),
                           "utf-8")
    edit(book, f"chapters/{chapters[4].name}", 'title: "Philadelphia', 'title: "The City of Philadelphia')
    (book / "content" / "figures").mkdir(exist_ok=True)
    (book / "content" / "figures" / "figure.png").write_bytes(_png())
    text = chapters[5].read_text("utf-8")
    chapters[5].write_text(text.rstrip("\n") + "\n\n![A figure](../figures/figure.png)\n", "utf-8")


def _png() -> bytes:
    """A 1×1 PNG."""
    import base64

    return base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")


def test_a_warm_rebuild_after_edits_equals_a_cold_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    warm = copy_book(tmp_path / "warm")
    session = Session.for_book(warm, remember=True)  # as the live preview's
    build(warm, TARGETS, warm / "dist", session=session)  # fills the memos
    new_index_form(warm)
    build(warm, TARGETS, warm / "dist", session=session)  # every unit marked again
    edits(warm)
    hits = session.memo(UNIT_WORK).hits
    build(warm, TARGETS, warm / "dist", session=session)
    units = len(list((warm / "content" / "chapters").glob("*.md")))
    # The four edited chapters are done again; the others are remembered.
    assert session.memo(UNIT_WORK).hits - hits == units - 4, "this test would prove nothing"
    cold = copy_book(tmp_path / "cold")
    new_index_form(cold)
    edits(cold)
    fresh = Session.for_book(cold, remember=True)
    build(cold, TARGETS, cold / "dist", session=fresh)
    assert fresh.memo(UNIT_WORK).hits == 0  # a cold build indeed
    warm_files, cold_files = files(warm / "dist"), files(cold / "dist")
    assert set(warm_files) == set(cold_files)
    for name in warm_files:
        assert warm_files[name] == cold_files[name], name
    page = (warm / "dist" / "html" / "01-to-my-son.html").read_text("utf-8")
    assert "The City of Philadelphia" in page  # the contents of an unedited page follow the edited title


def test_a_warm_rebuild_finds_the_same_problems_as_a_cold_one(tmp_path, monkeypatch):
    """A reference removed from the library: the unchanged chapter that cites it is
    reported, with its line, though its text did not change."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    warm = copy_book(tmp_path / "warm")
    session = Session.for_book(warm, remember=True)
    build(warm, ["html"], warm / "dist", session=session)
    problems = []
    cold = copy_book(tmp_path / "cold")
    for book, its_session in ((warm, session), (cold, Session.for_book(cold, remember=True))):
        edit(book, "references.yaml", "- id: defoe-1697", "- id: defoe-1697-removed")
        with pytest.raises(ContentError) as caught:
            build(book, ["html"], book / "dist", session=its_session)
        problems.append([str(p) for p in caught.value.problems])
    assert problems[0] == problems[1]
    assert any(re.match(r"content/chapters/04-printer\.md:\d+: citation of 'defoe-1697'", p)
               for p in problems[0]), problems[0]


def test_the_preview_shows_an_edit_and_recovers_from_a_broken_one(tmp_path, monkeypatch):
    """The live preview's rebuilds with remembered work: an edit shows, a broken link
    is reported at its line, and fixing it gives the pages of a cold build."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    book = copy_book(tmp_path / "book")
    preview = Preview(book, out=tmp_path / "preview")
    assert preview.rebuild()
    chapter = sorted((book / "content" / "chapters").glob("*.md"))[2]
    original = chapter.read_text("utf-8")
    chapter.write_text(original.rstrip("\n") + "\n\nSee [nowhere](#no-such-id).\n", "utf-8")
    assert not preview.rebuild()
    line = len(chapter.read_text("utf-8").rstrip("\n").split("\n"))
    assert [str(p) for p in preview.problems] == [
        f"content/chapters/{chapter.name}:{line}: link to '#no-such-id': no such id in the book"]
    chapter.write_text(original.rstrip("\n") + "\n\nA new closing sentence.\n", "utf-8")
    assert preview.rebuild()
    page = (tmp_path / "preview" / "html" / f"03-{chapter.stem.split('-', 1)[1]}.html").read_text("utf-8")
    assert "A new closing sentence." in re.sub(r"<[^>]+>", "", page)  # the last word is in a span (print.css)
    cold = copy_book(tmp_path / "cold")
    (cold / "content" / "chapters" / chapter.name).write_text(chapter.read_text("utf-8"), "utf-8")
    build(cold, ["html"], tmp_path / "cold-dist")
    assert files(tmp_path / "preview" / "html") == files(tmp_path / "cold-dist" / "html")


def test_a_preview_started_on_an_up_to_date_output_remembers_from_its_first_build(tmp_path, monkeypatch):
    """A preview restarted on the output of an earlier one: its first build is
    done anyway (not skipped as up to date), so the first edit after it
    redoes the edited chapter alone."""
    import subprocess
    import sys

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    book = copy_book(tmp_path / "book")
    out = tmp_path / "preview"
    # An earlier process left the preview's output up to date.
    subprocess.run([sys.executable, str(REPO / "build.py"), "html", "--root", str(book), "--out", str(out),
                    "--quiet"], check=True)
    preview = Preview(book, out=out)
    assert preview.rebuild()
    assert preview.session.memo(UNIT_WORK).hits == 0  # the preview's memos started empty, and were filled
    edit(book, "chapters/" + sorted((book / "content" / "chapters").glob("*.md"))[2].name, ".\n",
         ". One more sentence.\n")
    assert preview.rebuild()
    units = len(list((book / "content" / "chapters").glob("*.md")))
    assert preview.session.memo(UNIT_WORK).hits == units - 1
    pages = "".join(p.read_text("utf-8") for p in (out / "html").glob("03-*.html"))
    assert "One more sentence." in re.sub(r"<[^>]+>", "", pages)  # the last word is in a span (print.css)
