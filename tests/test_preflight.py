"""The preflight (``build.py check --only preflight``): each check finds the one
thing broken on a page, with the right page, and passes the page made right.

Most checks are tested on small PDFs laid out by WeasyPrint from hand-written
HTML (one defect each, and the same page without it); a tiny book built with
the pipeline shows the checker on real editions: clean, with a markup leak
traced to its source line, and with page labels that no longer match the
printed numbers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from press.gates import Editions
from press.gates.preflight import SEVERITY, folios, isbn, makeup, markup, preflight
from press.gates.preflight.blocks import probe
from press.gates.preflight.pages import read
from press.cli import main
from press.errors import EXIT_CONTENT, display_path

from .conftest import REPO, TinyBook, source_date_epoch

# A small page: 200 × 300 pt, the text block 30 pt in from each side but the foot (40 pt).
CSS = """
@page { size: 200pt 300pt; margin: 30pt 30pt 40pt 30pt;
        @bottom-center { content: counter(page); font: 8pt "Gentium Book Plus"; } }
html { font: 10pt/1.3 "Gentium Book Plus"; }
body { margin: 0; }
h1 { font-size: 16pt; margin: 0 0 6pt; }
h2 { font-size: 14pt; margin: 6pt 0; }
p { margin: 0; hyphens: manual; }
.break { break-before: page; }
"""
FILLER = "<p>The ministry kept its archive in the palace, and the clerks kept it in order.</p>"


def layout(tmp_path: Path, body: str, css: str = "", labels: tuple[int, int] | None = None):
    """``body`` laid out with CSS (and ``css``): the document read back, and the text block.

    ``labels``: (roman pages, first arabic number) written as /PageLabels, as the
    print edition writes them.
    """
    from weasyprint import CSS as Stylesheet
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    sheets = [Stylesheet(filename=str(REPO / "styles" / "fonts.css"), font_config=fonts),
              Stylesheet(string=CSS + css, font_config=fonts)]
    html = f'<!DOCTYPE html><html lang="en"><head><title>t</title></head><body>{body}</body></html>'
    path = tmp_path / "probe.pdf"
    HTML(string=html, base_url=str(REPO) + "/").write_pdf(path, stylesheets=sheets, font_config=fonts)
    if labels:
        from pypdf import PdfWriter

        writer = PdfWriter(clone_from=str(path))
        roman, start = labels
        last = len(writer.pages) - 1
        if roman:
            writer.set_page_label(0, roman - 1, style="/r")
        writer.set_page_label(roman, last, style="/D", start=start)
        writer.write(str(path))
    return read(path), probe(sheets, [], fonts)


def kinds(issues) -> list[tuple[str, int | None]]:
    return [(issue.kind, issue.page) for issue in issues]


# --- the text block ---------------------------------------------------------


def test_the_text_block_is_read_from_the_stylesheets_for_each_side(tmp_path):
    _, block = layout(tmp_path, "<p>x</p>", "@page :left { margin-left: 20pt; margin-right: 40pt; }")
    assert (block.width, block.height) == (200, 300)
    assert (block.right.left, block.right.right, block.right.bottom, block.right.top) == (30, 170, 40, 270)
    assert (block.left.left, block.left.right) == (20, 160)


def outside(document, block) -> list[str]:
    """The text-block check's offences (press.gates.textblock: the one implementation) on the probe PDF."""
    from press.gates.textblock import page_offences, read as inked

    return [o for page in inked(document.path) for o in page_offences(page, block)]


def test_a_glyph_in_the_margin_or_cut_at_the_trim_is_found_a_folio_is_not(tmp_path):
    body = FILLER + '<div class="break" style="position: relative">' \
                    '<span style="position: absolute; left: -25pt">Z</span></div>' + \
           '<div class="break" style="position: relative">' \
           '<span style="position: absolute; left: -40pt">W</span></div>'
    document, block = layout(tmp_path, body)
    found = outside(document, block)
    # The text block is 30 pt in: 'Z' set 25 pt left of it (8.8 mm, at x = 5 pt on the
    # trim) is in the margin; 'W' 40 pt left of it is 10 pt past the trim as well.
    assert found == ["page 2 (label 2): text 'Z' runs 8.7 mm past the left edge of the text block",
                     "page 3 (label 3): text 'W' runs 14.1 mm past the left edge of the text block "
                     "and is cut at the trim"]
    # The preflight does not repeat the check: a fault is reported once, by the PDF checker.
    assert not [i for i in makeup.alone_at_foot(document, block) if "text block" in i.message]


def test_a_clean_page_with_its_folio_and_running_head_is_inside(tmp_path):
    css = "@page { @top-center { content: 'Running head'; font: italic 8pt 'Gentium Book Plus'; } }"
    document, block = layout(tmp_path, FILLER * 3, css)
    assert outside(document, block) == []


# --- page numbers -----------------------------------------------------------


def _pages(count: int, target: str) -> str:
    return "".join(f'<p class="break">page {n}</p>' for n in range(2, count)) + \
        f'<p class="break" id="t">{target}</p>'


def test_a_page_reference_that_lies_is_found_with_its_page(tmp_path):
    document, block = layout(tmp_path, '<p>See <a href="#t">7</a>.</p>' + _pages(9, "here"))
    issues = folios.printed_numbers(document, block)
    assert kinds(issues) == [("page-number", 1)]
    assert "gives 7, but its link goes to p. 9" in issues[0].message


def test_a_page_reference_that_tells_the_truth_passes(tmp_path):
    document, block = layout(tmp_path, '<p>See <a href="#t">p.&nbsp;9</a>; <a href="#t">9–10</a>.</p>'
                                       + _pages(9, "here"))
    assert {n for _, _, n, _ in folios.page_references(document, block)} == {"9"}
    assert folios.printed_numbers(document, block) == []


CONTENTS = """
<ol style="list-style: none; padding: 0"><li><a href="#one" class="entry">Chapter one</a></li></ol>
<h1 class="break" id="one">Chapter one</h1>""" + FILLER
CONTENTS_CSS = (".entry { display: block } "
                ".entry::after { content: leader('. ') target-counter(attr(href url), page); }")


def test_a_contents_number_that_is_not_the_folio_of_its_page(tmp_path):
    # The contents print the page counter (2); the folios say arabic 1 starts on that page.
    document, block = layout(tmp_path, CONTENTS, CONTENTS_CSS, labels=(1, 1))
    issues = folios.printed_numbers(document, block)
    assert kinds(issues) == [("page-number", 1)]
    assert "'Chapter one' gives 2, but its link goes to p. 1" in issues[0].message


def test_a_contents_number_set_outside_its_link(tmp_path):
    body = CONTENTS.replace('class="entry">Chapter one</a>',
                            'class="entry">Chapter one</a><span class="n" data-href="#one"></span>')
    css = ".n::after { content: target-counter('#one', page); float: right; } li { display: block }"
    document, block = layout(tmp_path, body, css, labels=(1, 1))
    assert kinds(folios.printed_numbers(document, block)) == [("page-number", 1)]


def test_a_contents_number_that_is_the_folio_passes(tmp_path):
    document, block = layout(tmp_path, CONTENTS, CONTENTS_CSS, labels=(1, 2))
    assert [(p.label) for p in document.pages] == ["i", "2"]
    assert {(t.index, n) for _, t, n, _ in folios.page_references(document, block)} == {(1, "2")}
    assert folios.printed_numbers(document, block) == []


def test_a_bookmark_that_goes_to_another_page_than_its_heading(tmp_path):
    body = ("<h1>Alpha</h1>" + FILLER
            + "<h1 class='break' style=\"bookmark-label: 'Gamma'\">Beta</h1>" + FILLER
            + "<h1 class='break' style='bookmark-level: none'>Gamma</h1>" + FILLER)
    document, block = layout(tmp_path, body)
    issues = folios.outline(document, block)
    assert kinds(issues) == [("outline", 2)]
    assert "'Gamma' goes to p. 2, but its heading is on p. 3" in issues[0].message


TITLE = "<p style='font-size: 12pt'>A Tiny Book</p>" \
        "<h1 class='break' style='font-size: 24pt'>A Tiny Book</h1>" \
        "<p>Ana Pérez</p>"


def test_a_title_page_on_a_verso(tmp_path):
    document, block = layout(tmp_path, TITLE + "<p class='break'>Text.</p>", labels=(2, 1))
    issues = folios.title_on_recto(document, block, "A Tiny Book", ("Ana Pérez",))
    assert kinds(issues) == [("title-page", 2)]


def test_a_title_page_on_a_recto_passes(tmp_path):
    body = TITLE.replace("<h1 class='break'", "<p class='break'>&nbsp;</p><h1 class='break'")
    document, block = layout(tmp_path, body + "<p class='break'>Text.</p><p class='break'>More.</p>",
                             labels=(4, 1))
    assert folios.title_on_recto(document, block, "A Tiny Book", ("Ana Pérez",)) == []


def test_an_odd_press_page_count():
    assert kinds(folios.even_page_count(61)) == [("page-count", 61)]
    assert folios.even_page_count(62) == []


# --- page make-up -----------------------------------------------------------


def test_a_heading_alone_at_a_page_foot(tmp_path):
    body = FILLER + "<h2 style='break-after: page'>The treaty</h2>" + FILLER
    document, block = layout(tmp_path, body)
    issues = makeup.alone_at_foot(document, block)
    assert kinds(issues) == [("page-foot", 1)]
    assert "'The treaty' stands alone" in issues[0].message


def test_a_date_alone_at_a_page_foot(tmp_path):
    body = FILLER + "<p style='break-after: page'><i>1861–1863</i></p>" + FILLER
    document, block = layout(tmp_path, body)
    assert kinds(makeup.alone_at_foot(document, block)) == [("page-foot", 1)]


def test_a_heading_with_its_text_passes(tmp_path):
    body = FILLER + "<h2>The treaty</h2>" + FILLER + "<p class='break'><i>An italic line at the foot.</i></p>"
    document, block = layout(tmp_path, body + FILLER)
    assert makeup.alone_at_foot(document, block) == []


def test_a_page_reference_alone_on_a_line(tmp_path):
    document, block = layout(tmp_path, "<p>Peru signs a treaty with Chile.<br>p.&nbsp;7</p>")
    issues = makeup.page_reference_lines(document, block)
    assert kinds(issues) == [("page-reference", 1)]
    assert "'p. 7' alone on a line" in issues[0].message


def test_a_page_reference_at_the_end_of_its_line_passes(tmp_path):
    document, block = layout(tmp_path, "<p>Peru signs a treaty. p.&nbsp;7</p>")
    assert makeup.page_reference_lines(document, block) == []


def test_a_hyphen_ladder_of_three(tmp_path):
    document, block = layout(tmp_path, "<p>Alpha beta gam-<br>ma delta epsi-<br>lon zeta e-<br>ta theta.</p>")
    issues = makeup.hyphenation(document, block)
    assert kinds(issues) == [("hyphen-ladder", 1)]
    assert "3 hyphenated lines in a row" in issues[0].message
    assert SEVERITY["hyphen-ladder"] == "warning"


def test_two_hyphenated_lines_are_no_ladder(tmp_path):
    document, block = layout(tmp_path, "<p>Alpha beta gam-<br>ma delta epsi-<br>lon zeta eta<br>theta.</p>")
    assert makeup.hyphenation(document, block) == []


# --- source markup ----------------------------------------------------------


def test_markdown_in_the_pdf_text_is_found_with_its_page(tmp_path):
    document, _ = layout(tmp_path, FILLER + "<p class='break'>Some 50,000 km^2^ of sea, **claimed**.</p>")
    issues = markup.in_pdf(document, "x.pdf")
    assert sorted(kinds(issues)) == [("markup", 2), ("markup", 2)]
    assert {i.trace[1] for i in issues} == {"^2^", "**claimed**"}


@pytest.mark.parametrize("text", ["a {#treaty} b", "see [the map](map.html)", r"\emph{x}", "$x^2$",
                                  "&lt;!-- note --&gt;", "&lt;em&gt;x&lt;/em&gt;", "H~2~O", "::: note"])
def test_each_kind_of_markup_in_html_text(text):
    issues = markup.in_markup(f"<html><body>\n<p>{text}</p></body></html>".encode(), "p.html")
    assert [(i.kind, i.line) for i in issues][:1] == [("markup", 2)], text


def test_markup_in_code_and_typography_in_text_pass():
    page = ("<html><body><p>It cost $5 and US$10; 2 * 3; snake_case_name; ~5 km; "
            "“quoted” — 1821–1879.</p><pre>**kept** ^2^</pre><p><code>{#id}</code></p></body></html>")
    assert markup.in_markup(page.encode(), "p.html") == []


def test_markup_in_the_data_files(tmp_path):
    data = tmp_path / "tiny-chronology.json"
    data.write_text(json.dumps([{"event": "Adds 50,000 km^2^.", "event_html": "<sup>2</sup>"}]), "utf-8")
    assert [i.message.split("'")[1] for i in markup.in_data(data, data.name)] == ["^2^"]


# --- ISBNs ------------------------------------------------------------------


def test_isbns_with_their_formats():
    text = ("ISBN 978-9972-671-78-4 (print)\nEPUB ISBN 978-1-4028-9462-6 · PDF: 978-0-306-40615-7\n"
            "ISBN 9780306406157")
    assert isbn.labelled(text) == [("9789972671784", "print"), ("9781402894626", "EPUB"),
                                   ("9780306406157", "PDF"), ("9780306406157", None)]


def test_one_isbn_for_two_formats_is_found():
    ledger = isbn.Ledger()
    ledger.add("978-9972-671-78-4", "EPUB", "tiny.epub: dc:identifier")
    ledger.add("9789972671784", "print", "tiny.pdf, p. iv")
    ledger.add("978-0-306-40615-7", "PDF", "tiny.pdf, p. iv")
    ledger.add("978-0-306-40615-7", None, "html/index.html")
    ledger.add("978-0-306-40615-7", isbn.PAGED, "tiny.epub: pageBreakSource")  # the PDF's pages: right
    issues = ledger.issues("tiny.pdf")
    assert kinds(issues) == [("isbn", None)]
    assert "9789972671784 is given for 2 formats" in issues[0].message


def test_an_epub_whose_page_numbers_name_its_own_isbn():
    ledger = isbn.Ledger()
    ledger.add("978-9972-671-78-4", "EPUB", "tiny.epub: dc:identifier")
    ledger.add("978-9972-671-78-4", isbn.PAGED, "tiny.epub: pageBreakSource")
    assert kinds(ledger.issues("tiny.pdf")) == [("isbn", None)]


# --- a tiny book, built -----------------------------------------------------

BODY = """\
The office of the first minister opened in Lima, and its archive grew with
the republic; the clerks kept the treaties in order.

## The treaty

The flight of the officials was affirmed in the final text of the treaty.
"""


def _build(root: Path, body: str) -> Editions:
    book = TinyBook(root)
    book.chapter("01-intro.md", "Introduction", body, kind="introduction")
    book.chapter("02-second.md", "The second chapter", BODY, kind="conclusion")
    with source_date_epoch():
        assert book.build("all", "--strict") == 0
    return Editions(book.out, "tiny", root)


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Editions:
    return _build(tmp_path_factory.mktemp("preflight") / "book", BODY)


def test_a_clean_tiny_book_gives_no_errors(clean):
    result = preflight(clean, "A Tiny Book", ("Ana Pérez",))
    assert result.errors == []
    assert "printed page numbers" in result.summary


def test_page_labels_that_no_longer_match_the_printed_numbers(clean, tmp_path):
    from pypdf import PdfWriter

    out = tmp_path / "dist"
    shutil.copytree(clean.out, out)
    broken = Editions(out, "tiny", clean.root)
    writer = PdfWriter(clone_from=str(broken.pdf))
    body = read(broken.pdf).body_start()
    writer.set_page_label(body, len(writer.pages) - 1, style="/D", start=2)  # every folio one more
    writer.write(str(broken.pdf))
    result = preflight(broken, "A Tiny Book", ("Ana Pérez",))
    wrong = [f for f in result.errors if f.message.startswith("page-number")]
    assert wrong and all(f.page is not None and f.page <= body for f in wrong)  # on the contents page
    assert any("'The second chapter' gives" in f.message for f in wrong)


def test_escaped_markup_is_found_in_every_edition_with_its_source_line(tmp_path, capsys):
    leaky = _build(tmp_path / "book", BODY + "\nIt adds some 50,000 km\\^2\\^ of sea.\n")
    result = preflight(leaky, "A Tiny Book", ("Ana Pérez",))
    found = [f for f in result.errors if f.message.startswith("markup")]
    where = {f.path.split("/")[0] for f in found}
    assert {"tiny.pdf", "tiny.epub", "html"} <= where
    lines = (leaky.root / "content/chapters/01-intro.md").read_text("utf-8").split("\n")
    line = next(n for n, text in enumerate(lines, 1) if "km\\^2" in text)
    assert all(f"(source: content/chapters/01-intro.md:{line})" in f.message for f in found)
    assert any(f.path == "tiny.pdf" and f.page for f in found)
    # `build.py check --only preflight`: the finding printed with its file and page, exit 65.
    code = main(["check", "--no-build", "--quiet", "--only", "preflight", "--root", str(leaky.root),
                 "--out", str(leaky.out)])
    lines = capsys.readouterr().out.splitlines()
    assert code == EXIT_CONTENT
    assert any(line.startswith(f"{display_path(leaky.out)}/tiny.pdf (page ") and "'^2^'" in line
               for line in lines), lines
    assert lines[-1] == "check failed: preflight (1 checkers)"
