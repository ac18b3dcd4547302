"""The printer's files: the press PDF (PDF/X-4, bleed, crop marks) has the
reading PDF's pages; the cover's spine follows the interior's page count."""

from __future__ import annotations

import pypdf
import pytest

from press.editions.wrapcover import spine_width

MM = 72 / 25.4


def chapters(tiny, count: int = 3, paragraphs: int = 12):
    text = " ".join(["The envoy signed the treaty at the frontier and the council approved it."] * 6)
    for n in range(1, count + 1):
        body = "\n\n".join(f"Paragraph {n}.{i}. {text}" for i in range(paragraphs))
        tiny.chapter(f"0{n}-ch{n}.md", f"Chapter {n}", f"## Section {n}\n\n{body}", kind="appendix")


def heading_pages(reader: pypdf.PdfReader) -> dict[str, int]:
    """Outline title -> page index: where each heading starts."""
    out = {}

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out[item.title] = reader.get_destination_page_number(item)

    walk(reader.outline)
    return out


@pytest.fixture
def built(tiny):
    chapters(tiny)
    assert tiny.build("pdf") == 0
    assert tiny.build("press", "--strict") == 0
    return tiny


def test_press_pdf_has_the_reading_pdfs_pages(built):
    reading = pypdf.PdfReader(built.out / "tiny.pdf")
    press = pypdf.PdfReader(built.out / "tiny-press.pdf")
    assert len(press.pages) == len(reading.pages) > 4
    headings = heading_pages(reading)
    assert len(headings) >= 6 and heading_pages(press) == headings


def test_press_pdf_boxes_variant_and_output_intent(built):
    press = pypdf.PdfReader(built.out / "tiny-press.pdf")
    for page in press.pages:
        trim, bleed, media = page.trimbox, page.bleedbox, page.mediabox
        assert (float(trim.width), float(trim.height)) == pytest.approx((6 * 72, 9 * 72), abs=0.1)
        # 3 mm of bleed (book.yaml's default) on every side, crop marks outside it.
        assert float(bleed.width) == pytest.approx(float(trim.width) + 6 * MM, abs=0.1)
        assert float(bleed.left) == pytest.approx(float(trim.left) - 3 * MM, abs=0.1)
        assert float(media.width) > float(bleed.width) + 6 * MM
    root = press.trailer["/Root"]
    intents = root["/OutputIntents"]
    assert intents and intents[0].get_object()["/S"] == "/GTS_PDFX"
    xmp = root["/Metadata"].get_object().get_data()
    assert b"GTS_PDFXVersion" in xmp and b"PDF/X-4" in xmp
    # The reading PDF is not a press PDF.
    reading = pypdf.PdfReader(built.out / "tiny.pdf")
    assert "/OutputIntents" not in reading.trailer["/Root"]


def test_press_pdf_is_reproducible(built):
    first = (built.out / "tiny-press.pdf").read_bytes()
    (built.out / "tiny-press.pdf").unlink()
    assert built.build("press") == 0
    assert (built.out / "tiny-press.pdf").read_bytes() == first


def test_cover_spine_follows_the_page_count(tiny):
    chapters(tiny, count=2)
    assert tiny.build("cover") == 0
    assert not (tiny.out / "tiny-press.pdf").exists(), "cover builds the cover alone"
    thin = pypdf.PdfReader(tiny.out / "tiny-cover.pdf").pages[0].trimbox
    thin_pages = len(pypdf.PdfReader(tiny.out / "tiny-cover.pdf").pages)
    assert thin_pages == 1
    chapters(tiny, count=6, paragraphs=20)
    assert tiny.build("press") == 0
    pages = len(pypdf.PdfReader(tiny.out / "tiny-press.pdf").pages)
    thick = pypdf.PdfReader(tiny.out / "tiny-cover.pdf").pages[0].trimbox
    # Front and back panels are the trim width; the spine is the rest.
    spine = (float(thick.width) - 2 * 6 * 72) / MM
    assert spine == pytest.approx(spine_width(pages, 444), abs=0.05)
    assert float(thick.width) > float(thin.width)


def test_a_print_isbn_of_its_own(tiny):
    # The printed book's ISBN goes on its cover and names the EPUB's page numbers;
    # the EPUB keeps the book's own identifier.
    from tests.artefacts import epub_opf, XHTML

    chapters(tiny, count=2)
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8")
               + 'print:\n  isbn: "978-0-306-40615-7"\n')
    assert tiny.build("all", "--strict") == 0
    opf = epub_opf(tiny.out / "tiny.epub")
    source = opf.xpath("//opf:meta[@property='pageBreakSource']/text()", namespaces=XHTML)
    assert source == ["urn:isbn:9780306406157"]
    assert "urn:isbn:9789972671784" in opf.xpath("//dc:identifier/text()", namespaces=XHTML)
    assert tiny.build("cover") == 0
    text = pypdf.PdfReader(tiny.out / "tiny-cover.pdf").pages[0].extract_text()
    assert "ISBN 978-0-306-40615-7" in text and "978-9972" not in text


def test_a_wrong_print_isbn_names_its_line(tiny, capsys):
    chapters(tiny, count=1)
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8")
               + 'print:\n  isbn: "978-0-306-40615-8"\n')
    assert tiny.build("cover") == 65
    lines = (tiny.content / "book.yaml").read_text("utf-8").splitlines()
    line = lines.index('  isbn: "978-0-306-40615-8"') + 1
    assert f"content/book.yaml:{line}: print.isbn: '978-0-306-40615-8' is not a valid ISBN-13" in capsys.readouterr().err
