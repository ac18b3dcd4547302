"""The print PDF, read back: page labels, outline, fonts, metadata, layout.

On the whole test book (tests/books/franklin); what only the book in content/
prints is in tests/book/test_peruvian_foreign_policy.py."""

from __future__ import annotations

import re

import pypdf
import pytest

from .artefacts import pdf_full_page_texts, pdf_margin_texts, pdf_outline, pdf_page_texts


@pytest.fixture(scope="module")
def pdf(whole):
    return whole.pdf


@pytest.fixture(scope="module")
def reader(pdf):
    return pypdf.PdfReader(str(pdf))


def test_trim_size_is_six_by_nine_inches(reader):
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (432, 648)


def test_page_labels_roman_front_matter_then_arabic_from_the_opening_text(reader, pdf):
    labels = reader.page_labels
    first_arabic = labels.index("1")
    assert labels[:first_arabic] == ["i", "ii", "iii", "iv", "v", "vi"][:first_arabic]
    assert labels[first_arabic:] == [str(n) for n in range(1, len(labels) - first_arabic + 1)]
    body = pdf_full_page_texts(pdf)[first_arabic]
    assert "Dear son: I have ever had pleasure" in body
    # The printed folio, in the head or the foot, matches the page label.
    margins = pdf_margin_texts(pdf)
    folios = 0
    for index, (head, foot) in enumerate(margins):
        # The folio is the outer word of the head (beside the running head) or the foot.
        edges = {w for part in (head, foot) if part for w in (part.split()[0], part.split()[-1])}
        printed = [w for w in edges if re.fullmatch(r"\d+|[ivxlc]+", w)]
        if printed:
            folios += 1
            assert printed == [labels[index]], (index, labels[index], head, foot)
    text_pages = [i for i, t in enumerate(pdf_page_texts(pdf)) if i >= first_arabic and len(t.split()) > 100]
    for index in text_pages:
        assert any(re.fullmatch(r"\d+|[ivxlc]+", w) for part in margins[index] for w in part.split()[:1] + part.split()[-1:]), index
    assert folios >= len(text_pages) > 10


def test_half_title_title_and_copyright_pages(pdf):
    pages = pdf_full_page_texts(pdf)
    # i half-title, ii blank, iii title page, iv copyright (its verso)
    assert "The Autobiography of Benjamin Franklin" in pages[0]
    assert not pages[1].strip()
    assert "Benjamin Franklin and Frank Woodworth Pine" in pages[2]
    assert "Boston and Philadelphia, 1706\u20131724" in pages[2]  # the subtitle
    assert "ISBN 978-3-16-148410-0 (print)" in pages[3] and "ISBN 978-0-306-40615-7 (EPUB)" in pages[3]
    assert "ORCID 0000-0002-1825-0097" in pages[3]
    assert "1 Market Street, Philadelphia" in pages[3]
    assert "Henry Holt, 1916" in pages[3]  # the source note


def test_contents_have_page_numbers_that_point_at_the_right_pages(reader, pdf):
    labels = reader.page_labels
    full = pdf_full_page_texts(pdf)
    contents = next(i for i, t in enumerate(full) if t.lstrip().startswith("Contents"))
    toc = full[contents] + full[contents + 1]
    match = re.search(r"Arrival in Philadelphia[ .]*(\d+)", toc)
    assert match, toc[:500]
    page = labels.index(match.group(1))
    assert "Arrival in Philadelphia" in full[page]
    assert "My inclinations for the sea were by this time" in full[page]
    match = re.search(r"Market Street[ .]*(\d+)", toc)  # a section
    assert match and "Market Street" in full[labels.index(match.group(1))]


def test_chapters_and_parts_open_on_a_recto_and_blank_pages_are_blank(reader, pdf):
    full = pdf_full_page_texts(pdf)
    for index, text in enumerate(full):
        if text.strip().startswith(("Part I", "Part II")) or re.match(r"\s*\d\s*\n", text):
            assert index % 2 == 0, f"page {index + 1} opens a unit on a verso"
    blanks = [i for i, t in enumerate(full) if not t.strip()]
    assert blanks, "a recto opening needs blank versos somewhere in this book"
    for index in blanks:
        assert index % 2 == 1, "only versos are left blank"


def test_running_heads_book_title_on_versos_chapter_on_rectos(reader, pdf):
    margins = pdf_margin_texts(pdf)
    labels = reader.page_labels
    page = labels.index("8")  # deep inside chapter 1 of Part I
    verso, recto = (page, page + 1) if page % 2 == 1 else (page + 1, page)
    assert "The Autobiography of Benjamin Franklin" in margins[verso][0]
    assert "Ancestry and Early Youth" in margins[recto][0]  # the chapter's short title
    assert "Ancestry and Early Youth in Boston" not in margins[recto][0]
    for index, text in enumerate(pdf_full_page_texts(pdf)):
        if not text.strip():
            assert margins[index] == ("", ""), "a blank page carries no head or folio"


def test_footnote_is_at_the_foot_of_its_page(pdf):
    full = [" ".join(t.split()) for t in pdf_full_page_texts(pdf)]
    page = next(i for i, t in enumerate(full) if "among the other comforts of life." in t)
    text = full[page]
    assert text.count("Gibbon and Hume, the great British historians") == 1
    assert text.index("among the other comforts of life.") < text.index("Gibbon and Hume")
    assert sum("Gibbon and Hume" in t for t in full) == 1  # no stray copies


def test_outline_has_parts_chapters_and_sections(reader):
    outline = pdf_outline(reader)
    assert (0, "Part I. Boston") in outline
    assert (1, "2. Beginning Life as a Printer") in outline
    assert (2, "The Spectator") in outline
    assert (0, "The Whistle") in outline
    assert [title for depth, title in outline if depth == 0][-4:] == ["A note on the text", "Bibliography",
                                                                       "Chronology", "Index"]


def test_fonts_are_the_shipped_typeface_embedded_and_subset(reader):
    fonts = set()
    for page in reader.pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"] if "/DescendantFonts" in font \
                else font["/FontDescriptor"]
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]
            fonts.add(str(font["/BaseFont"]))
    assert fonts, "no fonts found"
    for name in fonts:
        assert re.match(r"/[A-Z]{6}\+Gentium-Book-Plus", name), f"{name}: not the book's typeface, or not subset"


def test_metadata_title_authors_language_dates(reader):
    info = reader.metadata
    assert info.title == "The Autobiography of Benjamin Franklin"
    assert info.author == "Benjamin Franklin, Frank Woodworth Pine"
    assert info["/CreationDate"].startswith("D:20210201")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "/StructTreeRoot" in reader.trailer["/Root"], "the PDF is tagged (PDF/UA-1)"


def test_typography_en_dashes_and_curly_quotes(pdf):
    text = "".join(pdf_page_texts(pdf))
    assert "1706\u20131724" in text and "1706-1724" not in text  # the subtitle, on the title page
    assert "\u201cHad he died on the same day,\u201d you said," in text  # straight quotes in the source
    assert "smith\u2019s" in text and "smith's" not in text
