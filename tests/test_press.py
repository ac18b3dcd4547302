"""The printer's files: the press PDF (PDF/X-4, bleed, crop marks) has the
reading PDF's pages, an even count, text in black ink alone and a CMYK output
intent; the cover's spine follows the interior's page count."""

from __future__ import annotations

import re
from collections import Counter

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
    assert len(press.pages) >= len(reading.pages) > 4
    headings = heading_pages(reading)
    assert len(headings) >= 6 and heading_pages(press) == headings
    for index in range(len(reading.pages)):  # the same text on the same pages
        assert press.pages[index].extract_text() == reading.pages[index].extract_text()


def test_press_pdf_has_an_even_page_count_blanks_at_the_end(built):
    reading = pypdf.PdfReader(built.out / "tiny.pdf")
    press = pypdf.PdfReader(built.out / "tiny-press.pdf")
    assert len(reading.pages) % 2 == 1, "the fixture's book must have an odd count for this test to mean much"
    assert len(press.pages) == len(reading.pages) + 1
    last = press.pages[-1]
    assert last.extract_text().strip() == ""  # nothing printed: no folio, no running head
    # The cover's spine counts the blank page: the interior's page count is the press PDF's.
    cover = pypdf.PdfReader(built.out / "tiny-cover.pdf").pages[0].trimbox
    assert (float(cover.width) - 2 * 6 * 72) / MM == pytest.approx(spine_width(len(press.pages), 444), abs=0.05)


def text_fills(reader: pypdf.PdfReader) -> Counter:
    """The fill colour in force at every text-showing operator, form XObjects included.

    (colour space, components): what a RIP would separate the glyphs into.
    """
    from pypdf.generic import ContentStream

    found: Counter = Counter()

    def walk(stream, resources, depth: int = 0) -> None:
        stack, space, fill = [], "DeviceGray", ("DeviceGray", (0.0,))
        for operands, operator in ContentStream(stream, reader).operations:
            op = operator.decode()
            numbers = tuple(round(float(x), 3) for x in operands if isinstance(x, (int, float)))
            if op == "q":
                stack.append((space, fill))
            elif op == "Q" and stack:
                space, fill = stack.pop()
            elif op == "cs":
                space = str(operands[0]).lstrip("/")
            elif op in ("sc", "scn"):
                fill = (space, numbers)
            elif op in ("g", "rg", "k"):
                space = {"g": "DeviceGray", "rg": "DeviceRGB", "k": "DeviceCMYK"}[op]
                fill = (space, numbers)
            elif op in ("Tj", "TJ", "'", '"'):
                found[fill] += 1
            elif op == "Do" and depth < 8:
                xobject = resources.get("/XObject", {}).get(operands[0])
                xobject = xobject.get_object() if xobject is not None else None
                if xobject is not None and xobject.get("/Subtype") == "/Form":
                    walk(xobject, xobject.get("/Resources", resources), depth + 1)

    for page in reader.pages:
        walk(page.get_contents(), page.get("/Resources", {}))
    return found


def test_press_text_is_in_black_ink_alone(built):
    press = text_fills(pypdf.PdfReader(built.out / "tiny-press.pdf"))
    assert sum(press.values()) > 100
    assert set(press) == {("DeviceCMYK", (0.0, 0.0, 0.0, 1.0))}, press
    # The reading PDF keeps its RGB black (the screen's), untouched.
    assert ("DeviceRGB", (0.0, 0.0, 0.0)) in text_fills(pypdf.PdfReader(built.out / "tiny.pdf"))


def test_press_artwork_greys_become_black_ink(tiny):
    # The chronology's timeline (SVG) labels its rows in RGB grey: in the
    # press PDF they are a tint of black alone, and no RGB colour is left.
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8")
               + 'chronology:\n  themes: {treaties: "Treaties"}\n')
    events = ('chronology:\n  - {date: "1850", event: "A treaty.", anchor: "ev-a", theme: treaties}\n'
              '  - {date: "1900", event: "Another.", anchor: "ev-b", theme: treaties}')
    tiny.chapter("01-a.md", "A", "[The first treaty]{#ev-a} and [the second]{#ev-b}.", kind="introduction",
                 extra=events)
    assert tiny.build("press") == 0
    reader = pypdf.PdfReader(tiny.out / "tiny-press.pdf")
    fills = text_fills(reader)
    greys = [fill for fill in fills if fill[0] == "DeviceCMYK" and fill[1][:3] == (0.0, 0.0, 0.0)
             and 0 < fill[1][3] < 1]
    assert greys, f"no grey text from the timeline: {fills}"
    assert all(space == "DeviceCMYK" and values[:3] == (0.0, 0.0, 0.0) for space, values in fills), fills
    for page in reader.pages:
        for name, xobject in page.get("/Resources", {}).get("/XObject", {}).items():
            data = xobject.get_object().get_data() if xobject.get_object().get("/Subtype") == "/Form" else b""
            assert not re.search(rb"(?m)^[\d. ]+ (rg|RG)$", data), name
        assert not re.search(rb"(?m)^[\d. ]+ (rg|RG)$", page.get_contents().get_data())


def test_press_output_intent_is_a_cmyk_profile(built):
    press = pypdf.PdfReader(built.out / "tiny-press.pdf")
    intent = press.trailer["/Root"]["/OutputIntents"][0].get_object()
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4
    data = profile.get_data()
    assert data[36:40] == b"acsp" and data[16:20] == b"CMYK" and data[12:16] == b"prtr"
    # Our generic condition is in no registry: "Custom", described by its profile.
    assert intent["/OutputConditionIdentifier"] == "Custom"
    assert intent["/Info"] == intent["/OutputCondition"] == "press generic uncoated CMYK"


def test_the_default_profile_is_the_ink_models_and_cc0():
    """styles/icc/press-uncoated-cmyk.icc prints what scripts/make-cmyk-profile.py's model says,
    carries its CC0 copyright, and is the file whose SHA-256 its README gives."""
    import hashlib
    import importlib.util
    from pathlib import Path

    from PIL import Image, ImageCms

    root = Path(__file__).resolve().parents[1]
    path = root / "styles" / "icc" / "press-uncoated-cmyk.icc"
    data = path.read_bytes()
    assert data[12:24] == b"prtrCMYKLab "
    assert hashlib.sha256(data).hexdigest() in (root / "styles" / "icc" / "README.md").read_text("utf-8")
    profile = ImageCms.getOpenProfile(str(path))
    assert profile.profile.profile_description == "press generic uncoated CMYK"
    assert "CC0" in profile.profile.copyright
    spec = importlib.util.spec_from_file_location("make_cmyk_profile", root / "scripts" / "make-cmyk-profile.py")
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)
    to_lab = ImageCms.buildTransform(profile, ImageCms.createProfile("LAB", 5000), "CMYK", "LAB",
                                     renderingIntent=ImageCms.Intent.ABSOLUTE_COLORIMETRIC)
    for patch in [(0, 0, 0, 0), (100, 0, 0, 0), (0, 100, 0, 0), (0, 0, 100, 0), (0, 0, 0, 100), (0, 0, 0, 50),
                  (100, 100, 0, 0), (0, 100, 100, 0), (40, 30, 30, 0), (70, 50, 20, 40)]:
        lum, a, b = to_lab.apply(Image.new("CMYK", (1, 1), tuple(round(v * 2.55) for v in patch))).getpixel((0, 0))
        got = (lum * 100 / 255, a - 128, b - 128)  # Pillow's 8-bit Lab
        want = model.xyz_to_lab(model.predict([v / 100 for v in patch]))
        assert sum((g - w) ** 2 for g, w in zip(got, want)) ** 0.5 < 2.5, (patch, got, want)


def test_a_printers_profile_named_in_book_yaml(tiny, capsys):
    chapters(tiny, count=1)
    from .conftest import REPO

    icc = (REPO / "styles" / "icc" / "press-uncoated-cmyk.icc").read_bytes()
    # The printer's profile: another description, the same tables.
    tiny.write("content/print/printer.icc", icc)
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8")
               + 'print:\n  output_profile: "print/printer.icc"\n')
    assert tiny.build("press") == 0
    intent = pypdf.PdfReader(tiny.out / "tiny-press.pdf").trailer["/Root"]["/OutputIntents"][0].get_object()
    assert intent["/DestOutputProfile"].get_object().get_data()[:128] == icc[:128]
    # Not a CMYK output profile: refused with its line.
    shipped = REPO / "styles" / "icc" / "press-uncoated-cmyk.icc"
    from PIL import ImageCms
    tiny.write("content/print/printer.icc", ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    assert tiny.build("press") == 65
    lines = (tiny.content / "book.yaml").read_text("utf-8").splitlines()
    line = lines.index('  output_profile: "print/printer.icc"') + 1
    assert f"content/book.yaml:{line}: print.output_profile: 'print/printer.icc' is a RGB" in capsys.readouterr().err
    assert shipped.read_bytes() == icc  # the toolchain's own profile is untouched


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


def test_the_print_isbn_names_the_cover_and_the_epubs_pages(tiny):
    # The printed book's ISBN goes on its cover and names the EPUB's page
    # numbers; the EPUB's identifier is its own ISBN.
    from tests.artefacts import XHTML, epub_opf

    chapters(tiny, count=2)
    assert tiny.build("all", "--strict") == 0
    opf = epub_opf(tiny.out / "tiny.epub")
    source = opf.xpath("//opf:meta[@property='pageBreakSource']/text()", namespaces=XHTML)
    assert source == ["urn:isbn:9789972671784"]  # conftest: isbn.print
    assert opf.xpath("//dc:identifier/text()", namespaces=XHTML) == ["urn:isbn:9783161484100"]  # isbn.epub
    assert tiny.build("cover") == 0
    text = pypdf.PdfReader(tiny.out / "tiny-cover.pdf").pages[0].extract_text()
    assert "ISBN 978-9972-671-78-4" in text and "978-3-16" not in text


def test_without_an_epub_isbn_the_identifier_is_a_stable_uuid(tiny):
    from tests.artefacts import XHTML, epub_opf

    chapters(tiny, count=1)
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text.replace('  epub: "978-3-16-148410-0"\n', ""))
    assert tiny.build("epub") == 0
    first = epub_opf(tiny.out / "tiny.epub").xpath("//dc:identifier/text()", namespaces=XHTML)
    assert len(first) == 1 and re.fullmatch(r"urn:uuid:[0-9a-f-]{36}", first[0])
    assert "9789972671784" not in first[0]  # never another format's ISBN
    tiny.chapter("02-more.md", "More", "Another chapter.", kind="appendix")
    assert tiny.build("epub") == 0
    assert epub_opf(tiny.out / "tiny.epub").xpath("//dc:identifier/text()", namespaces=XHTML) == first


def test_the_copyright_page_lists_each_isbn_with_its_format(tiny):
    chapters(tiny, count=1)
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text.replace('isbn:\n', 'isbn:\n  pdf: "978-0-306-40615-7"\n')
               + 'copyright:\n  holders: ["Ana Pérez"]\n')
    assert tiny.build("pdf") == 0
    pages = [page.extract_text() for page in pypdf.PdfReader(tiny.out / "tiny.pdf").pages[:6]]
    page = next(p for p in pages if "ISBN" in p)
    assert "ISBN 978-9972-671-78-4 (print)" in page
    assert "ISBN 978-0-306-40615-7 (PDF)" in page
    assert "ISBN 978-3-16-148410-0 (EPUB)" in page
    assert page.index("(print)") < page.index("(PDF)") < page.index("(EPUB)")
    assert "© 2021 Ana Pérez" in page


def test_a_plain_isbn_or_one_isbn_for_two_formats_is_refused(tiny, capsys):
    chapters(tiny, count=1)
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text.replace('isbn:\n  print: "978-9972-671-78-4"\n  epub: "978-3-16-148410-0"\n',
                                                 'isbn: "978-9972-671-78-4"\n'))
    assert tiny.build("html") == 65
    err = capsys.readouterr().err
    assert "content/book.yaml:" in err and "an ISBN belongs to one format" in err
    tiny.write("content/book.yaml", text.replace('  epub: "978-3-16-148410-0"', '  epub: "978-9972-671-78-4"'))
    assert tiny.build("html") == 65
    assert "epub and print have the same ISBN 978-9972-671-78-4" in capsys.readouterr().err


def test_a_wrong_print_isbn_names_its_line(tiny, capsys):
    chapters(tiny, count=1)
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text.replace('  print: "978-9972-671-78-4"', '  print: "978-0-306-40615-8"'))
    assert tiny.build("cover") == 65
    lines = (tiny.content / "book.yaml").read_text("utf-8").splitlines()
    line = lines.index('  print: "978-0-306-40615-8"') + 1
    assert f"content/book.yaml:{line}: isbn.print: '978-0-306-40615-8' is not a valid ISBN-13" in capsys.readouterr().err


def test_without_a_print_or_pdf_isbn_the_page_source_is_still_named(tiny):
    # Page numbers need their source named (EPUB Accessibility 1.1, 4.2):
    # without an ISBN for a paginated format, a stable UUID of the print layout.
    from tests.artefacts import XHTML, epub_opf

    chapters(tiny, count=1)
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text.replace('  print: "978-9972-671-78-4"\n', ""))
    assert tiny.build("all", "--strict") == 0
    opf = epub_opf(tiny.out / "tiny.epub")
    source = opf.xpath("//opf:meta[@property='pageBreakSource']/text()", namespaces=XHTML)
    identifier = opf.xpath("//dc:identifier/text()", namespaces=XHTML)
    assert len(source) == 1 and source[0].startswith("urn:uuid:") and source != identifier
    assert identifier == ["urn:isbn:9783161484100"]
