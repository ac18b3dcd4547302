"""Numbered figures and tables, and cross-references to them (issue 17): tests/books/figures in every edition."""

from __future__ import annotations

import re
import shutil

import pypdf
import pytest

from press.cli import main
from tests.artefacts import epub_text, html_pages
from tests.conftest import copy_book


def test_figure_and_table_numbers_and_references_on_screen(built_book):
    book = built_book("figures")
    pages = html_pages(book.out / "html")
    one = pages["01-one.html"] if "01-one.html" in pages else next(p for k, p in pages.items() if "one" in k)
    labels = [s.text_content() for s in one.find_class("caption-label")]
    assert labels == ["Figure\u00a01.1.", "Figure\u00a01.2.", "Table\u00a01.1.", "Figure\u00a01.3."]
    refs = {a.get("href"): a.text_content() for a in one.find_class("xref")}
    assert refs["#fig-square"] == "Figure\u00a01.1" and refs["#tbl-sizes"] == "Table\u00a01.1"
    assert refs["#sec-small"] == "section\u00a01.1"
    assert one.get_element_by_id("fig-square").tag == "figure"
    wrap = one.find_class("table-wrap")[0]
    assert wrap.get("role") == "region" and wrap.get("tabindex") == "0"
    two = next(p for k, p in pages.items() if "two" in k)
    assert {a.get("href") for a in two.find_class("xref")} >= {"01-one.html#fig-square", "01-one.html#tbl-sizes"}
    assert [s.text_content() for s in two.find_class("caption-label")] == ["Figure\u00a02.1.", "Figure\u00a02.2."]
    text = epub_text(book.epub)
    assert "Figure\u00a02.1. The square again" in text and "See Figure\u00a02.1." in text


def test_pdf_reference_pages(built_book):
    book = built_book("figures")
    reader = pypdf.PdfReader(book.pdf)
    texts = [p.extract_text() for p in reader.pages]
    where = {}
    for index, text in enumerate(texts):
        for label in re.findall(r"(Figure\u00a0\d\.\d)\. ", text):
            where[label] = reader.page_labels[index]
    assert set(where) == {"Figure\u00a01.1", "Figure\u00a01.2", "Figure\u00a01.3", "Figure\u00a02.1", "Figure\u00a02.2"}
    whole = "\n".join(texts)
    for label, page in where.items():
        assert f"{label}, p.\u00a0{page}" in whole


@pytest.mark.parametrize("book, file, reference", [
    ("figures", "02-two.md", "@fig-nowhere"),
    ("tables", "02-wide.md", "[-@tbl-nowhere]"),  # the bare-number form too
])
def test_unknown_reference_is_an_error_at_its_line(tmp_path, capsys, book, file, reference):
    root = copy_book(book, tmp_path)
    chapter = root / "content" / "chapters" / file
    chapter.write_text(chapter.read_text("utf-8") + f"\nAnd {reference} too.\n", "utf-8")
    code = main(["html", "--root", str(root), "--out", str(root / "dist"), "--quiet"])
    assert code != 0
    ident = reference.strip("[]-@")
    lines = chapter.read_text("utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if ident in text)
    assert f"content/chapters/{file}:{line}: cross-reference '@{ident}'" in capsys.readouterr().err
    shutil.rmtree(root / "dist", ignore_errors=True)


def test_svg_with_a_script_is_refused_at_its_line(tmp_path, capsys):
    root = copy_book("figures", tmp_path)
    svg = root / "content" / "images" / "diagram.svg"
    svg.write_text(svg.read_text("utf-8").replace("</svg>", "<script>alert(1)</script></svg>"), "utf-8")
    code = main(["html", "--root", str(root), "--out", str(root / "dist"), "--quiet"])
    assert code != 0
    chapter = root / "content" / "chapters" / "02-two.md"
    line = next(i for i, text in enumerate(chapter.read_text("utf-8").splitlines(), 1) if "diagram.svg" in text)
    assert f"content/chapters/02-two.md:{line}: image '../images/diagram.svg' holds a <script> element" \
        in capsys.readouterr().err


def test_low_resolution_image_fails_the_press_pdf_under_strict(tmp_path, capsys):
    root = copy_book("figures", tmp_path)
    code = main(["press", "--root", str(root), "--out", str(root / "dist"), "--quiet", "--strict"])
    err = capsys.readouterr().err
    assert code != 0
    assert "image 'content/images/low.png' prints at 96 ppi" in err
    assert "square.png" not in err and "wide.png" not in err


def test_images_stay_inside_the_text_block(built_book):
    book = built_book("figures")
    reader = pypdf.PdfReader(book.pdf)
    boxes = []
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)

        def visit(op, args, cm, tm, found=boxes, width=width, height=height):
            if op == b"Do":  # an XObject drawn in the unit square under the current matrix
                x0, x1 = sorted((cm[4], cm[4] + cm[0]))
                y0, y1 = sorted((cm[5], cm[5] + cm[3]))
                found.append((x0, x1, y0, y1, width, height))

        page.extract_text(visitor_operand_before=visit)
    assert len(boxes) == 4  # the four raster images (the SVG is drawn as paths)
    for x0, x1, y0, y1, width, height in boxes:
        # print.css: 0.75in top, 0.85in bottom, 0.8in and 0.6in at the sides (inner and outer).
        assert x0 >= 0.6 * 72 - 0.5 and x1 <= width - 0.6 * 72 + 0.5
        assert y0 >= 0.85 * 72 - 0.5 and y1 <= height - 0.75 * 72 + 0.5
