"""Nothing from outside the book reaches an edition (issue 19, deliverable 1).

Each test links one file or folder of a tiny book to a file outside it that
holds a secret, builds, and asserts: exit 65, the message names the link,
the secret is in no edition, and the previous ``dist/`` is as it was. A link
that stays inside the book is followed; a project folder that is not the
book (``.git``, ``.venv``) is not an edition's even inside the folder.
"""

from __future__ import annotations

import os
import zipfile

import pytest

SECRET = "TOKEN-3f1a9c-not-for-print"


def everything(out) -> bytes:
    """Every byte of every edition, the EPUB's files unzipped."""
    data = b""
    for path in sorted(out.rglob("*")) if out.exists() else []:
        if path.is_file():
            data += path.read_bytes()
            if path.suffix == ".epub":
                with zipfile.ZipFile(path) as epub:
                    data += b"".join(epub.read(name) for name in epub.namelist())
    return data


def snapshot(out):
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def built(tiny, tmp_path):
    tiny.chapter("01-one.md", "One", "The first words.", kind="introduction")
    assert tiny.build("html") == 0
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text(f"---\ntitle: Secret\nkind: chapter\n---\n\n{SECRET}\n", "utf-8")
    return tiny, outside


def refused(tiny, capsys, link: str):
    before = snapshot(tiny.out)
    code = tiny.build("html")
    err = capsys.readouterr().err
    assert code == 65, err
    assert f"error: {link}: is a link to" in err and "outside the book" in err, err
    assert SECRET.encode() not in everything(tiny.out)
    assert snapshot(tiny.out) == before


def test_a_chapter_linked_from_outside_is_refused(built, capsys):
    tiny, outside = built
    os.symlink(outside / "secret.md", tiny.content / "chapters" / "02-secret.md")
    refused(tiny, capsys, "content/chapters/02-secret.md")


def test_a_chapters_folder_linked_from_outside_is_refused(built, capsys, tmp_path):
    tiny, outside = built
    (tiny.content / "chapters").rename(tmp_path / "chapters-elsewhere")
    os.symlink(tmp_path / "chapters-elsewhere", tiny.content / "chapters")
    refused(tiny, capsys, "content/chapters")


@pytest.mark.parametrize("name", ["book.yaml", "index.yaml"])
def test_the_books_yaml_files_linked_from_outside_are_refused(built, capsys, name):
    tiny, outside = built
    source = tiny.content / name
    (outside / name).write_text(source.read_text("utf-8") if source.exists() else f"# {SECRET}\n", "utf-8")
    source.unlink(missing_ok=True)
    os.symlink(outside / name, source)
    refused(tiny, capsys, f"content/{name}")


def test_a_font_linked_to_a_system_file_is_refused(built, capsys):
    tiny, _ = built
    fonts = tiny.root / "styles" / "fonts"
    fonts.mkdir(parents=True)
    os.symlink("/etc/passwd", fonts / "Body.ttf")
    refused(tiny, capsys, "styles/fonts/Body.ttf")


def test_an_image_linked_into_dot_git_is_refused(built, capsys):
    tiny, _ = built
    git = tiny.root / ".git"
    git.mkdir()
    (git / "config").write_text(f"[core]\n\ttoken = {SECRET}\n", "utf-8")
    (tiny.content / "images").mkdir()
    os.symlink(git / "config", tiny.content / "images" / "map.png")
    refused(tiny, capsys, "content/images/map.png")


def test_a_link_inside_the_book_is_followed(built):
    tiny, _ = built
    (tiny.content / "drafts").mkdir()
    (tiny.content / "drafts" / "two.md").write_text(
        "---\ntitle: Two\nkind: chapter\nnumber: \"1\"\n---\n\nWords of the second.\n", "utf-8")
    os.symlink(tiny.content / "drafts" / "two.md", tiny.content / "chapters" / "02-two.md")
    assert tiny.build("html") == 0
    assert b"Words of the second." in everything(tiny.out)


def test_the_print_fetcher_refuses_project_folders_inside_the_book(tmp_path):
    from press.fetcher import ConfinedFetcher

    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config").write_text(SECRET, "utf-8")
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "pyvenv.cfg").write_text(SECRET, "utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "map.svg").write_text("<svg/>", "utf-8")
    fetcher = ConfinedFetcher([tmp_path])
    for name in (".git/config", ".venv/pyvenv.cfg"):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch((tmp_path / name).as_uri())
    fetcher.fetch((tmp_path / "content" / "map.svg").as_uri())  # the book's own file: served
    assert len(fetcher.refused) == 2


# --- pandoc in its sandbox, every call (deliverable 1) --------------------------------------

def test_every_pandoc_call_of_a_build_runs_in_the_sandbox(tmp_path, monkeypatch):
    """A build of a book with every kind of pandoc work (chapters, citeproc, the
    bibliography, images, the EPUB writer): each call's options hold --sandbox."""
    import pypandoc

    from .conftest import copy_book, source_date_epoch
    from press.cli import main

    calls = []
    for name in ("convert_text", "convert_file"):
        real = getattr(pypandoc, name)

        def recording(*args, real=real, **kwargs):
            calls.append((kwargs.get("to") or args[1], list(kwargs.get("extra_args", []))))
            return real(*args, **kwargs)
        monkeypatch.setattr(pypandoc, name, recording)
    for book in ("bibliography", "figures"):
        root = copy_book(book, tmp_path / book)
        with source_date_epoch():
            assert main(["all", "--root", str(root), "--out", str(root / "dist"), "--quiet", "--strict"]) == 0
    assert {to for to, _ in calls} >= {"json", "html5", "epub3"}, calls
    assert all("--sandbox" in extra for _, extra in calls), [c for c in calls if "--sandbox" not in c[1]]


def test_the_epub_writer_embeds_nothing_a_document_points_at(tmp_path):
    """Raw HTML that the policy would refuse, given to the EPUB writer directly: in
    its sandbox pandoc reads neither the system's file nor a file beside the book."""
    import json

    from press.book.convert import Pandoc

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, "utf-8")
    raw = f'<AUDIO src="{secret}"></AUDIO><img src="/etc/hostname"><video poster="{secret}"></video>'
    doc = {"pandoc-api-version": [1, 23, 1], "meta": {"title": {"t": "MetaString", "c": "T"}},
           "blocks": [{"t": "RawBlock", "c": ["html", raw]},
                      {"t": "Para", "c": [{"t": "Image", "c": [["", [], []], [], [str(secret), ""]]}]}]}
    out = tmp_path / "out.epub"
    Pandoc(tmp_path / "cache").run(json.dumps(doc), "json", "epub3", [], output_file=out)
    with zipfile.ZipFile(out) as epub:
        names = epub.namelist()
        data = b"".join(epub.read(n) for n in names)
    assert SECRET.encode() not in data
    assert not [n for n in names if n.startswith("EPUB/media/")], names
