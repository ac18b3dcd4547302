"""Math: MathML with alttext on screen, SVG paths in print, bad formulas and raw TeX refused at their line."""

from __future__ import annotations

import re

import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest
from lxml import etree

from tests.artefacts import XHTML, epub_files, html_pages, html_text, pdf_page_texts

MATHML = "http://www.w3.org/1998/Math/MathML"
SUM = r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}"
# The print text block, from styles/print.css (6in x 9in; the narrower side margin is 0.6in).
INCH = 72


@pytest.fixture(scope="module")
def book(built_book):
    return built_book("math")


def test_the_epub_has_mathml_with_alttext_and_the_manifest_says_so(book):
    files = epub_files(book.epub)
    opf = etree.fromstring(files["EPUB/content.opf"])
    with_math = {}
    for item in opf.iterfind(".//opf:item", XHTML):
        if item.get("media-type") == "application/xhtml+xml":
            doc = etree.fromstring(files["EPUB/" + item.get("href")])
            formulas = doc.findall(f".//{{{MATHML}}}math")
            with_math[item.get("href")] = ("mathml" in (item.get("properties") or "").split(), formulas)
    holding = {href: (prop, formulas) for href, (prop, formulas) in with_math.items() if formulas}
    assert holding, "no MathML in the EPUB"
    # Every file with MathML declares it (EPUB 3), and no file without it does.
    assert all(prop for prop, _ in holding.values())
    assert not any(prop for href, (prop, formulas) in with_math.items() if not formulas)
    formulas = [f for _, fs in holding.values() for f in fs]
    alts = [f.get("alttext") for f in formulas]
    assert SUM in alts and all(alts)
    assert {f.get("display") for f in formulas} == {"inline", "block"}
    # The matrix is a table of MathML, not TeX text.
    matrix = [f for f in formulas if "pmatrix" in f.get("alttext")][0]
    assert matrix.findall(f".//{{{MATHML}}}mtable")


def test_the_web_edition_has_mathml_and_money_stays_money(book):
    page = html_pages(book.html)["01-formulas.html"]
    formulas = page.xpath("//main//*[local-name()='math']")
    assert len(formulas) == 6
    assert html_pages(book.html)["02-closing.html"].xpath("//main//*[local-name()='math'][@display='block']")
    assert SUM in [f.get("alttext") for f in formulas]
    assert page.xpath("//main//*[local-name()='math'][@display='block']")
    text = html_text(book.html)
    assert "A ticket costs $5 and a dinner $10, so the evening is $15 in all." in text
    # No TeX printed as text outside the formulas' annotations.
    for f in formulas:
        f.drop_tree()
    assert "\\sum" not in page.text_content() and "$\\" not in page.text_content()


def test_print_draws_formulas_as_vector_paths_inside_the_text_block(book):
    texts = pdf_page_texts(book.pdf)
    assert not any("\\sum" in t or "\\frac" in t or "$\\" in t for t in texts)
    assert any("A ticket costs $5 and a dinner $10" in t for t in texts)
    index = next(i for i, t in enumerate(texts) if "The sum of the first" in t)
    pdf = pypdfium2.PdfDocument(str(book.pdf))
    page = pdf[index]
    width, height = page.get_size()
    objects = list(page.get_objects(max_depth=8))
    paths = [o.get_bounds() for o in objects if o.type == pdfium_raw.FPDF_PAGEOBJ_PATH]
    assert not [o for o in objects if o.type == pdfium_raw.FPDF_PAGEOBJ_IMAGE], "a formula was rasterised"
    assert len(paths) > 30  # glyphs of six formulas, fraction rules
    # On every page (the closing unit's identity is nearly a text block wide), inside the text block.
    for each in pdf:
        for o in each.get_objects(max_depth=8):
            if o.type == pdfium_raw.FPDF_PAGEOBJ_PATH:
                left, bottom, right, top = o.get_bounds()
                assert 0.6 * INCH - 0.5 <= left and right <= width - 0.6 * INCH + 0.5
                assert 0.85 * INCH - 0.5 <= bottom and top <= height - 0.75 * INCH + 0.5
    # The inline sum sits on the line of "The sum of the first": paths beside that text's line.
    textpage = page.get_textpage()
    found = textpage.search("integers is").get_next()
    box = textpage.get_charbox(found[0])
    beside = [p for p in paths if p[0] > box[2] and p[1] < box[3] + 8 and p[3] > box[1] - 8]
    assert beside
    # A displayed formula is centred: the matrix's paths are about the text block's middle.
    line = textpage.search("the matrix").get_next()
    matrix_top = textpage.get_charbox(line[0])[1]
    below = [p for p in paths if matrix_top - 40 < p[3] < matrix_top + 1]
    middle = (min(p[0] for p in below) + max(p[2] for p in below)) / 2
    left = 0.8 * INCH if index % 2 == 0 else 0.6 * INCH  # a recto has the wider inner margin
    assert abs(middle - (left + (width - 1.4 * INCH) / 2)) < 12


def test_a_formula_that_cannot_be_typeset_is_an_error_at_its_line(tiny, capsys):
    tiny.chapter("01-one.md", "One", "Fine: $\\frac{1}{3}$.\n\nBroken: $\\frac{1}{$ here.\n\n"
                 "Unknown: $\\foo x$ here.", kind="introduction")
    assert tiny.build("all", "--strict") == 65
    err = capsys.readouterr().err
    assert "content/chapters/01-one.md:8: formula '\\frac{1}{' cannot be typeset: " in err
    assert "correct its TeX" in err
    assert not tiny.out.exists()
    # One that only pandoc's TeX reader refuses (it makes the MathML) is refused at its line too.
    tiny.chapter("01-one.md", "One", "Fine: $\\frac{1}{3}$.\n\nUnknown: $\\foo x$ here.", kind="introduction")
    assert tiny.build("all") == 65
    err = capsys.readouterr().err
    assert "content/chapters/01-one.md:8: formula '\\foo x' cannot be typeset: unexpected control sequence" in err
    assert not tiny.out.exists()


def test_raw_tex_is_refused_at_its_line(tiny, capsys):
    tiny.chapter("01-one.md", "One", "This is \\LaTeX{} typeset.\n\n\\newpage\n\n"
                 "\\begin{center}\nCentred.\n\\end{center}\n", kind="introduction")
    assert tiny.build("html") == 65
    err = capsys.readouterr().err
    assert "content/chapters/01-one.md:6: raw TeX '\\LaTeX{}' is not shown in any edition; write it as Markdown" in err
    assert "content/chapters/01-one.md:8: raw TeX '\\newpage'" in err
    assert "content/chapters/01-one.md:10: raw TeX '\\begin{center} Centred. \\end{center}'" in err
    assert not tiny.out.exists()


def test_money_is_not_math(tiny):
    tiny.chapter("01-one.md", "One", "It costs $5 and $10, or $20 for two; a $ sign alone.", kind="introduction")
    assert tiny.build("html", "--strict") == 0
    page = html_pages(tiny.out / "html")["01-one.html"]
    assert not page.xpath("//*[local-name()='math']")
    assert "It costs $5 and $10, or $20 for two; a $ sign alone." in page.text_content()


def test_formulas_are_typeset_once_and_kept_between_builds(tiny, monkeypatch):
    from press.book import math as book_math

    calls = []
    real = book_math._typeset
    monkeypatch.setattr(book_math, "_typeset", lambda tex, display: calls.append(tex) or real(tex, display))
    tiny.chapter("01-one.md", "One", "A sum $\\sum_i x_i$ and $$\\frac{a}{b}$$", kind="introduction")
    assert tiny.build("pdf", "--strict") == 0
    assert sorted(calls) == sorted(["\\sum_i x_i", "\\frac{a}{b}"])  # checked at collect, drawn from the table
    calls.clear()
    assert tiny.build("epub", "--strict") == 0
    assert calls == []
    assert re.search(r"math-svg", " ".join(p.name for p in (tiny.root / ".cache" / "math").iterdir()))


def test_a_formula_or_raw_tex_in_a_title_is_refused(tiny, capsys):
    tiny.chapter("01-one.md", "The $x^2$ law", "Body.", kind="introduction")
    tiny.write("content/chapters/02-two.md", "---\ntitle: 'A \\LaTeX{} title'\nkind: conclusion\n---\n\nBody.\n")
    assert tiny.build("html") == 65
    err = capsys.readouterr().err
    assert "content/chapters/01-one.md:2: a formula cannot be in a title or a short text" in err
    assert "content/chapters/02-two.md:2: raw TeX is not shown in any edition; write it as Markdown" in err


def test_a_formula_on_the_baseline_is_set(book):
    """$1$ has depth -0.0: its vertical-align was once written "--0.0000em", which WeasyPrint ignores (and
    --strict refuses), so every book with a bare digit in math failed (found on the d2l real book)."""
    texts = pdf_page_texts(book.pdf)
    assert any("nothing below its baseline" in t for t in texts)
    page = html_pages(book.html)["02-closing.html"]
    assert any(f.get("alttext") == "1" for f in page.xpath("//main//*[local-name()='math']"))
