"""The release gates (``build.py check``): each checker passes a good book and
fails when one thing is broken in it, naming the file.

Most breakages cannot be written in the sources: the build already refuses an
image without alternative text, a link to an unknown id and raw HTML that
loads files (tests/test_build.py), and WeasyPrint embeds every font it uses.
So a tiny book is built once, and each test breaks one thing in a copy of
its artefacts, the way a faulty edition step or a hand edit would, and checks
those artefacts as they are (``--no-build``).
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from press.gates import Editions, Finding
from press.gates.repro import reproducibility
from press.cli import main
from press.errors import EXIT_CONTENT

from .conftest import EPOCH, REPO, TinyBook, source_date_epoch

SLUG = "tiny"
BODY = """\
The office of the first efficient minister opened in Lima; Pérez de Cuéllar
spoke of it.[^1] See [the treaty section](#treaty).

## The treaty {#treaty}

The flight of the officials was affirmed in the final text.

[^1]: A note with a fixed reference.
"""


@pytest.fixture(scope="module")
def tiny_dist(tmp_path_factory) -> Path:
    """A tiny book with a note, a link and a section, built once.

    No picture in the text: an image in a chapter does not reach the web
    edition yet (the web check finds it dangling); the cover on the home
    page is the image the alt-text test breaks.
    """
    book = TinyBook(tmp_path_factory.mktemp("check") / "book")
    book.chapter("01-intro.md", "Introduction", BODY, kind="introduction")
    with source_date_epoch():
        assert book.build("all", "--strict") == 0
    return book.out


@pytest.fixture
def copy(tiny_dist, tmp_path) -> Path:
    """A copy of the tiny book's editions, to break."""
    out = tmp_path / "dist"
    shutil.copytree(tiny_dist, out)
    shutil.copytree(tiny_dist.parent / "content", tmp_path / "content")  # the book's metadata
    return out


def check(out: Path, *only: str, capsys=None) -> tuple[int, list[str]]:
    args = ["check", "--no-build", "--quiet", "--root", str(out.parent), "--out", str(out)]
    for name in only:
        args += ["--only", name]
    code = main(args)
    lines = capsys.readouterr().out.splitlines() if capsys else []
    return code, lines


def run(checker, out: Path) -> list[Finding]:
    return [f for f in checker(Editions(out, SLUG, out.parent)).findings if f.severity == "error"]


def edit_page(out: Path, name: str, old: str, new: str, count: int = 1) -> None:
    page = out / "html" / name
    text = page.read_text("utf-8")
    assert old in text, f"{old!r} is not in {name}: the test book changed"
    page.write_text(text.replace(old, new, count), "utf-8")


def chapter_page(out: Path) -> str:
    return "01-intro.html"


# --- a good book passes -------------------------------------------------------


def test_the_tiny_book_passes_the_checkers(tiny_dist, tmp_path, capsys):
    # The tiny book's folder is the parent of its dist/ (content/ has no manuscript: fidelity skips).
    code, lines = check(tiny_dist, "epubcheck", "nu", "web", "pdf", "fidelity", capsys=capsys)
    assert code == 0, "\n".join(lines)
    summaries = [line for line in lines if line.endswith(("[ok]", "[skipped]"))]
    assert [s.split(":")[0] for s in summaries] == ["EPUBCheck", "Nu", "Web", "PDF", "Fidelity"]
    assert "EPUBCheck: 0 errors, 0 warnings [ok]" in lines
    assert any(re.match(r"Nu: 0 errors on \d+ pages", line) for line in lines)
    assert lines[-1] == "check passed (5 checkers)"


# --- the web edition ------------------------------------------------------------


def test_an_image_without_alt_text_fails_web_and_nu(copy, capsys):
    page = "index.html"
    edit_page(copy, page, 'alt="Cover: A Tiny Book, Ana Pérez"', "")
    code, lines = check(copy, "web", "nu", capsys=capsys)
    assert code == EXIT_CONTENT
    web = [line for line in lines if ": Web: " in line]
    assert len(web) == 1 and f"html/{page}:" in web[0] and "has no text alternative" in web[0]
    nu = [line for line in lines if ": Nu: " in line and "warning" not in line]
    assert any(f"html/{page}:" in line and "alt" in line for line in nu), lines
    assert lines[-1] == "check failed: Nu, Web (2 checkers)"


def test_a_dangling_link_and_a_missing_fragment_fail(copy):
    page = chapter_page(copy)
    edit_page(copy, page, 'href="#treaty"', 'href="#no-such-section"')
    edit_page(copy, "index.html", "</main>", '<p><a href="gone.html">gone</a></p></main>')
    from press.gates.web import site

    messages = sorted((f.path, f.message) for f in run(site, copy))
    assert messages == [(f"html/{page}", f"link '#no-such-section': no id 'no-such-section' in {page}"),
                        ("html/index.html", "link 'gone.html': no file gone.html")]


def test_a_page_without_language_title_or_one_h1_fails(copy):
    page = chapter_page(copy)
    edit_page(copy, page, '<html lang="en"', "<html")
    edit_page(copy, "index.html", "<title>", "<title>", 1)
    text = (copy / "html" / "index.html").read_text("utf-8")
    (copy / "html" / "index.html").write_text(re.sub(r"<title>.*?</title>", "<title> </title>", text, flags=re.S),
                                              "utf-8")
    edit_page(copy, page, "</main>", "<h1>A second top heading</h1></main>")
    from press.gates.web import site

    found = {(f.path, f.message) for f in run(site, copy)}
    assert (f"html/{page}", "the page has no language: <html lang> is missing or empty") in found
    assert ("html/index.html", "the page has no <title>") in found
    assert (f"html/{page}", "the page has 2 h1 elements, not one") in found
    assert len(found) == 3


# --- the PDF ---------------------------------------------------------------------


def rewrite_pdf(out: Path, change) -> None:
    import pypdf

    path = out / f"{SLUG}.pdf"
    writer = pypdf.PdfWriter(clone_from=str(path))
    change(writer)
    with open(path, "wb") as handle:
        writer.write(handle)


def font_descriptors(writer):
    for page in writer.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                yield font, descendant.get_object()["/FontDescriptor"].get_object()


def test_an_unembedded_font_fails(copy):
    """WeasyPrint always embeds, so the font file is taken out of the PDF afterwards."""
    def unembed(writer):
        for _, descriptor in font_descriptors(writer):
            for key in ("/FontFile", "/FontFile2", "/FontFile3"):
                descriptor.pop(key, None)

    rewrite_pdf(copy, unembed)
    from press.gates.pdf import pdf

    found = [f.message for f in run(pdf, copy)]
    assert found and all(re.fullmatch(r"font [A-Z]{6}\+\S+ is not embedded", m) for m in found), found


def test_text_that_does_not_extract_fails(copy):
    """Without ToUnicode maps the glyphs have no text: the words of the book are lost."""
    def no_text(writer):
        for font, _ in font_descriptors(writer):
            font.pop("/ToUnicode", None)

    rewrite_pdf(copy, no_text)
    from press.gates.pdf import pdf

    found = [f.message for f in run(pdf, copy)]
    assert any(m.endswith("has no ToUnicode map: its text cannot be read") for m in found)
    assert any("words of the book are not in the PDF's text" in m and "efficient" in m for m in found), found


def test_missing_language_tags_outline_and_labels_fail(copy):
    from pypdf.generic import NameObject

    def strip(writer):
        for key in ("/Lang", "/StructTreeRoot", "/MarkInfo", "/Outlines", "/PageLabels"):
            writer._root_object.pop(NameObject(key), None)

    rewrite_pdf(copy, strip)
    from press.gates.pdf import pdf

    found = sorted(f.message for f in run(pdf, copy))
    assert found == ["not a tagged PDF: /MarkInfo /Marked is not true",
                     "not a tagged PDF: no structure tree (/StructTreeRoot)",
                     "the PDF has no page labels (roman front matter, arabic body)",
                     "the document language (/Lang in the catalog) is missing",
                     "the outline (bookmarks) is missing"]


def test_missing_title_and_author_fail(copy):
    def anonymous(writer):
        writer.add_metadata({"/Title": "", "/Author": ""})

    rewrite_pdf(copy, anonymous)
    from press.gates.pdf import pdf

    found = [f.message for f in run(lambda e: pdf(e, "A Tiny Book", ("Ana Pérez",)), copy)]
    assert "the document title (/Title) is missing from the metadata" in found
    assert "the author (/Author) is missing from the metadata" in found
    assert "the author 'Ana Pérez' is missing from /Author ('')" in found


# --- the EPUB ----------------------------------------------------------------------


def rewrite_epub(out: Path, name: str, change) -> None:
    path = out / f"{SLUG}.epub"
    with zipfile.ZipFile(path) as archive:
        entries = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w") as archive:
        for info, data in entries:
            archive.writestr(info, change(data) if info.filename == name else data)


def test_epub_without_language_fails_epubcheck(copy):
    rewrite_epub(copy, "EPUB/content.opf", lambda d: re.sub(rb"<dc:language[^>]*>[^<]*</dc:language>", b"", d))
    from press.gates.epub import epubcheck

    found = run(epubcheck, copy)
    assert found and all(f.path == f"{SLUG}.epub/EPUB/content.opf" for f in found)
    assert any("dc:language" in f.message or "language" in f.message for f in found), found


@pytest.fixture(scope="module")
def ace_report(tiny_dist):
    """Ace on the tiny book, once (a few seconds in Chromium)."""
    from press.gates.epub import run_ace

    return run_ace(tiny_dist / f"{SLUG}.epub")


def test_ace_reads_the_tiny_books_metadata(ace_report):
    from press.gates.epub import read_ace_report

    result = read_ace_report(ace_report, f"{SLUG}.epub")
    assert result.version and re.match(r"Ace: \d+ violations", result.summary)
    present = set(ace_report["a11y-metadata"]["present"])
    assert {"schema:accessMode", "schema:accessibilityFeature", "schema:accessibilityHazard",
            "schema:accessibilitySummary"} <= present


def test_epub_without_accessibility_summary_fails_ace(copy):
    rewrite_epub(copy, "EPUB/content.opf",
                 lambda d: re.sub(rb'<meta property="schema:accessibilitySummary">[^<]*</meta>', b"", d))
    from press.gates.epub import ace

    found = [(f.path, f.message) for f in run(ace, copy)]
    assert (f"{SLUG}.epub/EPUB/content.opf", "accessibility metadata schema:accessibilitySummary is missing") in found


def test_ace_violations_name_the_file_and_element():
    report = {"earl:assertedBy": {"doap:release": {"doap:revision": "1.4.6"}},
              "assertions": [{"earl:testSubject": {"url": "text/ch002.xhtml"}, "assertions": [
                  {"earl:result": {"earl:outcome": "fail", "dct:description": "Element has no ARIA role",
                                   "earl:pointer": {"css": ["#opening"]}},
                   "earl:test": {"earl:impact": "moderate", "dct:title": "epub-type-has-matching-role"}},
                  {"earl:result": {"earl:outcome": "pass"}, "earl:test": {}}]}],
              "a11y-metadata": {"missing": ["a11y:certifierReport"], "empty": ["schema:accessMode"]}}
    from press.gates.epub import read_ace_report

    result = read_ace_report(report, "b.epub")
    assert [(f.path, f.message, f.severity) for f in result.findings] == [
        ("b.epub/EPUB/text/ch002.xhtml",
         "moderate epub-type-has-matching-role: Element has no ARIA role (at #opening)", "error"),
        ("b.epub/EPUB/content.opf",
         "accessibility metadata a11y:certifierReport is missing (optional: no outside evaluator)", "warning"),
        ("b.epub/EPUB/content.opf", "accessibility metadata schema:accessMode is empty", "error")]
    assert result.summary == "Ace: 1 violations, 1 accessibility metadata items missing"


# --- reproducibility and the report ----------------------------------------------------


def test_reproducibility_passes_and_can_fail(tiny_dist, monkeypatch):
    root = tiny_dist.parent
    import press.gates.repro as repro

    real_run, runs = repro.subprocess.run, []

    def recorded(command, **kwargs):
        runs.append((command, kwargs))
        return real_run(command, **kwargs)

    monkeypatch.setattr(repro.subprocess, "run", recorded)
    assert reproducibility(root, EPOCH).findings == []
    # The second build ran in another process, from a copy in another folder, elsewhere.
    [(command, kwargs)] = runs
    copy = Path(command[command.index("--root") + 1])
    assert copy != root and not copy.is_relative_to(root) and " " in str(copy) and "ñ" in str(copy)
    assert kwargs["cwd"] == copy and kwargs["env"]["TZ"] != os.environ.get("TZ")
    assert kwargs["env"]["LC_ALL"] == "C" and kwargs["env"]["SOURCE_DATE_EPOCH"] == EPOCH
    assert kwargs["preexec_fn"] is not None

    real_elsewhere = repro.build_elsewhere

    def drifting(root, out, epoch, tmp):
        failed = real_elsewhere(root, out, epoch, tmp)
        with open(out / "html" / "index.html", "a", encoding="utf-8") as handle:
            handle.write("<!-- built at 12:00 in Kiritimati -->")  # what a leaked clock would do
        return failed

    monkeypatch.setattr(repro, "build_elsewhere", drifting)
    found = reproducibility(root, EPOCH).findings
    assert [(f.path, f.message) for f in found] == [
        ("html/index.html", f"differs between two builds of the same sources (SOURCE_DATE_EPOCH={EPOCH}; "
                            "the second from another folder, TZ, locale and umask)")]
    # A second build that fails is said, not compared.
    monkeypatch.setattr(repro, "build_elsewhere", lambda *a: "error: content/book.yaml:1: gone")
    [finding] = reproducibility(root, EPOCH).findings
    assert "failed where this one passed: error: content/book.yaml:1: gone" in finding.message


def test_the_report_is_written_as_json_and_html(copy, tmp_path, capsys):
    import json

    page = chapter_page(copy)
    edit_page(copy, page, '<html lang="en"', "<html")
    report = tmp_path / "report"
    code = main(["check", "--no-build", "--quiet", "--root", str(copy.parent), "--out", str(copy),
                 "--only", "web", "--report", str(report)])
    assert code == EXIT_CONTENT
    data = json.loads((report / "check-report.json").read_text("utf-8"))
    assert data["passed"] is False and data["book"]["slug"] == SLUG
    [web] = data["checkers"]
    assert web["name"] == "Web" and not web["passed"]
    assert web["findings"][0]["path"] == f"html/{page}"
    html = (report / "check-report.html").read_text("utf-8")
    assert "Failed" in html and f"html/{page}" in html and "has no language" in html
    assert str(tmp_path) not in html + json.dumps(data), "the report must not depend on where it is written"


# --- the whole test book (tests/books/franklin) ----------------------------------------


@pytest.fixture(scope="module")
def whole_check(whole):
    """Every checker but EPUBCheck (tests/test_epub.py runs it), the two extra
    builds of reproducibility (tests/test_build.py) and fidelity (the book has
    no manuscript: tests/test_books.py), once."""
    from press.commands.check import check
    from press.progress import Progress

    results, _ = check(whole.root, whole.out, ["ace", "nu", "web", "pdf"], Progress(quiet=True))
    return {r.name: r for r in results}


@pytest.mark.parametrize("name", ["Ace", "Nu", "Web", "PDF"])
def test_the_whole_book_passes(whole_check, name):
    result = whole_check[name]
    assert not result.skipped
    assert result.errors == [], "\n".join(f"{f.where()}: {f.message}" for f in result.errors)


def test_the_whole_books_summaries(whole_check):
    assert whole_check["Nu"].summary.startswith("Nu: 0 errors on ")
    assert whole_check["Ace"].summary.startswith("Ace: 0 violations, 0 accessibility metadata items missing")


def test_ace_is_run_again_once_when_chromium_is_slow_to_start(tiny_dist, monkeypatch):
    """Ace gives Chromium 5 s to start: a first run that writes no report (the
    timeout) is run again; the second's report is the gate's."""
    import subprocess as sp

    from press.gates import epub as gate

    real, calls = sp.run, []

    def flaky(cmd, **kwargs):
        calls.append(cmd)
        if len(calls) == 1:  # as Ace exits when Chromium's endpoint does not appear in time
            return sp.CompletedProcess(cmd, 1, "", "Timed out after 5000 ms while waiting for the WS endpoint URL")
        return real(cmd, **kwargs)
    monkeypatch.setattr(gate.subprocess, "run", flaky)
    report = gate.run_ace(tiny_dist / f"{SLUG}.epub")
    assert len(calls) == 2 and "a11y-metadata" in report
