"""The build as a program: typography, safety, atomic output, strictness,
reproducibility and exit codes, each on a tiny book of its own."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from press import tools
from press.cli import main
from press.errors import EXIT_CONTENT, EXIT_INTERNAL, EXIT_TOOL, ToolError

from .artefacts import pdf_full_page_texts


def errors(capsys) -> list[str]:
    return [line.removeprefix("error: ") for line in capsys.readouterr().err.splitlines()
            if line.startswith("error: ")]


def one_chapter(tiny, body: str) -> None:
    tiny.chapter("01-intro.md", "Introduction", body, kind="introduction")


def test_typography_is_done_by_the_build(tiny):
    one_chapter(tiny, 'He ruled (1845-1851) and said "yes" ... then Law 6602 - a law - and 200 nautical miles.')
    assert tiny.build("html") == 0
    text = lxml_html.parse(str(tiny.out / "html" / "01-intro.html")).getroot().xpath("//main")[0].text_content()
    assert "(1845\u20131851)" in text
    assert "\u201cyes\u201d" in text and "\u2026" in text
    assert "Law\u00a06602" in text and "200\u00a0nautical" in text
    assert " \u2013 a law \u2013 " in text


@pytest.mark.parametrize("raw", ["<script>alert(1)</script>", '<iframe src="x"></iframe>',
                                 '<form action="x"></form>', '<span onclick="x()">a</span>',
                                 '<img src="/etc/passwd" alt="x">'])
def test_dangerous_raw_html_is_rejected_with_its_line(tiny, capsys, raw):
    one_chapter(tiny, f"First paragraph.\n\nSecond.\n\n{raw}\n")
    assert tiny.build("html") == EXIT_CONTENT
    assert any(e.startswith("content/chapters/01-intro.md:10: raw HTML") for e in errors(capsys))


@pytest.mark.parametrize("src, message", [("../../../etc/hostname", "outside content/"),
                                          ("missing.png", "does not exist"),
                                          ("https://example.org/x.png", "only files inside content/")])
def test_images_must_be_files_inside_the_book(tiny, capsys, src, message):
    one_chapter(tiny, f"Text.\n\n![A picture]({src})\n")
    assert tiny.build("html") == EXIT_CONTENT
    assert any(e.startswith("content/chapters/01-intro.md:8:") and message in e for e in errors(capsys))


def test_unresolved_internal_link_is_an_error(tiny, capsys):
    one_chapter(tiny, "See [the other part](#nowhere).\n")
    assert tiny.build("html") == EXIT_CONTENT
    assert "content/chapters/01-intro.md:6: link to '#nowhere': no such id in the book" in errors(capsys)


def test_duplicate_ids_across_chapters(tiny, capsys):
    one_chapter(tiny, "## One {#same}\n\nText.\n")
    tiny.chapter("02-end.md", "End", "## Two {#same}\n\nText.\n", kind="conclusion")
    assert tiny.build("html") == EXIT_CONTENT
    assert any(e.startswith("content/chapters/02-end.md:6: duplicate id 'same'") for e in errors(capsys))


def test_the_fetcher_refuses_files_outside_the_book_urls_and_symlink_escapes(tmp_path):
    from press.fetcher import ConfinedFetcher

    book = tmp_path / "book"
    book.mkdir()
    (book / "ok.css").write_text("p {}")
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (book / "link.txt").symlink_to(secret)
    fetcher = ConfinedFetcher([book])
    assert fetcher.fetch((book / "ok.css").as_uri()).read() == b"p {}"
    for url in (secret.as_uri(), (book / "link.txt").as_uri(), "http://example.org/x.css",
                (book / ".." / "secret.txt").as_uri(), "data:text/css,p{}"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 5


def test_a_stylesheet_that_reads_outside_the_book_fails_the_build(tiny, capsys):
    one_chapter(tiny, "Text.")
    css = tiny.own("styles/print.css")
    text = css.read_text("utf-8")
    css.unlink()  # a hard link to the project's file: replace, do not edit in place
    css.write_text('@import url("file:///etc/hostname");\n' + text, "utf-8")
    assert tiny.build("pdf") == EXIT_CONTENT
    found = [e for e in errors(capsys) if "refused to read file:///etc/hostname" in e]
    # At the line of the book's source that names it (issue 19), not "print edition".
    assert found and found[0].startswith("styles/print.css:1: print edition: refused to read"), found


def test_a_failed_build_leaves_the_previous_dist_untouched(tiny):
    one_chapter(tiny, "First version.")
    assert tiny.build("html") == 0
    before = (tiny.out / "html" / "01-intro.html").read_bytes()
    one_chapter(tiny, "Second version with [a broken link](#nowhere).")
    assert tiny.build("html") == EXIT_CONTENT
    assert (tiny.out / "html" / "01-intro.html").read_bytes() == before
    assert not [p for p in tiny.out.parent.iterdir() if "staging" in p.name]


def test_strict_turns_warnings_into_errors(tiny, capsys):
    one_chapter(tiny, "Text.")
    css = tiny.own("styles/print.css")
    text = css.read_text("utf-8")
    css.unlink()
    css.write_text(text + "\np { colour: red; }\n", "utf-8")
    assert tiny.build("pdf") == 0  # a warning only
    assert "unknown property" in capsys.readouterr().err
    assert tiny.build("pdf", "--strict") == EXIT_CONTENT
    assert any("WeasyPrint" in e and "colour" in e for e in errors(capsys))


def test_missing_tool_and_internal_failure_have_their_own_exit_codes(tiny, monkeypatch, capsys):
    one_chapter(tiny, "Text.")

    def no_pandoc():
        raise ToolError("pandoc is missing: run 'make all'")

    monkeypatch.setattr(tools, "pandoc_version", no_pandoc)
    monkeypatch.setattr("press.pipeline.pandoc_version", no_pandoc)
    assert tiny.build("html") == EXIT_TOOL
    assert "pandoc is missing" in capsys.readouterr().err
    monkeypatch.undo()

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("press.book.collect.collect", broken)
    assert tiny.build("html") == EXIT_INTERNAL
    assert "internal error" in capsys.readouterr().err


def test_help_lists_subcommands_and_options(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for word in ("all", "html", "pdf", "epub", "Exit codes"):
        assert word in out
    with pytest.raises(SystemExit):
        main(["pdf", "--help"])
    out = capsys.readouterr().out
    assert "--strict" in out and "--out" in out


def test_two_builds_are_byte_identical(tiny, tmp_path):
    tiny.chapter("01-part.md", "A part", "", kind="part", number="I")
    tiny.chapter("02-one.md", "One", "Text with a note.[^1]\n\n[^1]: The note.", number="1", part="part")
    assert tiny.build("all") == 0
    first = {p.name: p.read_bytes() for p in tiny.out.iterdir() if p.is_file() and not p.name.startswith(".")}
    tiny.out = tmp_path / "second"
    assert tiny.build("all") == 0
    second = {p.name: p.read_bytes() for p in tiny.out.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert set(first) == {"tiny.pdf", "tiny.epub"}
    assert first == second


def test_tiny_book_pages_open_on_rectos_with_blank_versos(tiny):
    tiny.chapter("01-intro.md", "Opening", "Short opening.", kind="introduction")
    tiny.chapter("02-part.md", "The part", "", kind="part", number="I")
    tiny.chapter("03-one.md", "One", "Short.", number="1", part="part")
    assert tiny.build("pdf") == 0
    pages = pdf_full_page_texts(tiny.out / "tiny.pdf")
    import pypdf

    labels = pypdf.PdfReader(str(tiny.out / "tiny.pdf")).page_labels
    opening = next(i for i, t in enumerate(pages) if "Short opening." in t)
    part = next(i for i, t in enumerate(pages) if "The part" in t and i > opening)
    one = next(i for i, t in enumerate(pages) if "Short." in t and i > part)
    assert labels[opening] == "1"
    assert opening % 2 == 0 and part % 2 == 0 and one % 2 == 0
    assert pages[opening + 1].strip() == "" and pages[part + 1].strip() == ""


def test_the_whole_book_reproduces_byte_for_byte(whole, tmp_path, monkeypatch):
    """Same sources and SOURCE_DATE_EPOCH: the same PDF, EPUB and data files."""
    from .conftest import EPOCH

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    again = tmp_path / "again"
    assert main(["all", "--root", str(whole.root), "--out", str(again), "--quiet", "--strict"]) == 0
    names = sorted(p.name for p in whole.out.iterdir() if p.is_file() and not p.name.startswith("."))
    assert any(n.endswith(".pdf") for n in names) and any(n.endswith(".epub") for n in names)
    for name in names:
        assert (again / name).read_bytes() == (whole.out / name).read_bytes(), name
    for page in sorted(whole.html.rglob("*")):
        if page.is_file():
            assert (again / "html" / page.relative_to(whole.html)).read_bytes() == page.read_bytes(), page


def test_links_between_chapters_resolve_in_every_edition(tiny):
    one_chapter(tiny, "See [the second chapter's section](#far-away).")
    tiny.chapter("02-end.md", "End", "## Far away {#far-away}\n\nHere.", kind="conclusion")
    assert tiny.build("all", "--strict") == 0
    page = lxml_html.parse(str(tiny.out / "html" / "01-intro.html")).getroot()
    assert page.xpath("//main//a[contains(., 'second chapter')]")[0].get("href") == "02-end.html#far-away"
    import zipfile

    with zipfile.ZipFile(tiny.out / "tiny.epub") as archive:
        texts = {n: archive.read(n).decode() for n in archive.namelist() if n.endswith(".xhtml")}
    source = next(t for t in texts.values() if "the second chapter" in t)
    href = re.search(r'href="([^"]+)">the second chapter', source).group(1)  # pandoc resolves the file
    name, _, ident = href.partition("#")
    assert f'id="{ident}"' in texts["EPUB/text/" + name]


def test_build_py_as_a_program_reports_and_exits_with_its_code(tiny):
    """build.py ends its process without tearing the interpreter down: what it
    printed to pipes must still arrive, and the exit code must be main()'s."""
    import subprocess
    import sys

    from .conftest import REPO

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(REPO / "build.py"), *args, "--root", str(tiny.root),
                               "--out", str(tiny.out)], capture_output=True, text=True, timeout=300)

    one_chapter(tiny, "Text.")
    good = run("html")
    assert good.returncode == 0, good.stderr
    assert f"built html into {tiny.out}" in " ".join((good.stdout + good.stderr).split())  # the last line
    assert (tiny.out / "html" / "01-intro.html").is_file()
    one_chapter(tiny, "See [there](#nowhere).")
    bad = run("html")
    assert bad.returncode == EXIT_CONTENT
    assert re.search(r"error: content/chapters/01-intro\.md:\d+: .*nowhere", bad.stderr), bad.stderr
    assert bad.stderr.rstrip().endswith("dist/ was not changed")
    # Under a profiler the process exits normally, so that the profile is written.
    one_chapter(tiny, "Text, again.")
    profile = tiny.root / "build.prof"
    profiled = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(profile), str(REPO / "build.py"), "html",
                               "--root", str(tiny.root), "--out", str(tiny.out)], capture_output=True, text=True,
                              timeout=300)
    assert profiled.returncode == 0 and profile.stat().st_size > 1000, profiled.stderr


def test_the_default_output_is_dist_in_the_book_not_where_it_is_run_from(tiny, tmp_path, monkeypatch):
    tiny.chapter("01-intro.md", "Opening", "A sentence.", kind="introduction")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["html", "--root", str(tiny.root), "--quiet"]) == 0
    assert (tiny.root / "dist" / "html" / "index.html").is_file()
    assert list(elsewhere.iterdir()) == []


def test_a_book_in_a_folder_with_accents_builds_under_the_c_locale(tiny, tmp_path):
    """pandoc encodes file names in the locale's character set: under LC_ALL=C
    a book in "Política ñ/" failed to open its own files ("cannot encode
    character") until the build gave pandoc a UTF-8 locale (press.tools.utf8_locale)."""
    import os
    import shutil
    import subprocess
    import sys

    from .conftest import BOOKS, REPO

    book = tmp_path / "Política ñ" / "libro"
    shutil.copytree(BOOKS / "es-libro" / "content", book / "content")  # a bibliography: pandoc reads its path
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run([sys.executable, str(REPO / "build.py"), "all", "--strict", "--quiet", "--root", str(book)],
                          capture_output=True, text=True, timeout=600, env=env, cwd=book)
    assert done.returncode == 0, done.stderr
    assert {p.suffix for p in (book / "dist").iterdir()} >= {".pdf", ".epub"}


def test_only_a_locale_that_is_not_utf8_is_replaced():
    for given, wanted in [({"LC_ALL": "C"}, "C.UTF-8"), ({"LANG": "POSIX"}, "C.UTF-8"), ({}, "C.UTF-8"),
                          ({"LANG": "es_PE.ISO-8859-1"}, "C.UTF-8"), ({"LC_ALL": "tr_TR.UTF-8"}, "tr_TR.UTF-8"),
                          ({"LANG": "en_GB.utf8"}, None), ({"LC_CTYPE": "C.UTF-8", "LANG": "C"}, None)]:
        env = dict(given)
        tools.utf8_locale(env)
        assert env.get("LC_ALL") == wanted, given
