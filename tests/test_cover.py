"""The press cover (issues 9 and 15): geometry, PDF/X-4 in CMYK, spine, barcode,
ISBN check, the publisher's copy, the front's balanced title and eras.

Every check reads the written PDF: its boxes and metadata with pypdf, its
text with pypdf's text matrices, its barcode from PDFium's rendering of the
page, decoded bar by bar with the EAN-13 tables.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pypdf
import pytest

from press.source.config import Paths, load_config
from press.editions import wrapcover
from press.errors import ContentError

PT_PER_MM = 72 / 25.4
BLURB = "A short book about *small* things.\n\nIts second paragraph, about the authors."
ISBN_DIGITS = "9789972671784"  # tests/conftest.py's TINY_BOOK_YAML (isbn.print)

# EAN-13 (ISO/IEC 15420, GS1 General Specifications 5.2.1.2): the left half's
# digits are set A (odd parity) or B (even parity), the parity pattern gives
# the first digit; the right half is set C.
SET_A = ["0001101", "0011001", "0010011", "0111101", "0100011", "0110001", "0101111", "0111011", "0110111",
         "0001011"]
SET_B = ["".join("1" if bit == "0" else "0" for bit in code)[::-1] for code in SET_A]
SET_C = ["".join("1" if bit == "0" else "0" for bit in code) for code in SET_A]
FIRST_DIGIT = ["AAAAAA", "AABABB", "AABBAB", "AABBBA", "ABAABB", "ABBAAB", "ABBBAA", "ABABAB", "ABABBA",
               "ABBABA"]


def decode_ean13(modules: str) -> str:
    """The 13 digits of a 95-module EAN-13 symbol ("1" a dark module)."""
    assert len(modules) == 95, f"{len(modules)} modules, not 95"
    assert modules[:3] == "101" and modules[45:50] == "01010" and modules[92:] == "101", "guard patterns"
    left = [modules[3 + 7 * i: 10 + 7 * i] for i in range(6)]
    right = [modules[50 + 7 * i: 57 + 7 * i] for i in range(6)]
    digits, parity = "", ""
    for code in left:
        if code in SET_A:
            digits, parity = digits + str(SET_A.index(code)), parity + "A"
        else:
            digits, parity = digits + str(SET_B.index(code)), parity + "B"
    digits += "".join(str(SET_C.index(code)) for code in right)
    return str(FIRST_DIGIT.index(parity)) + digits


def runs_to_modules(runs: list[tuple[bool, float]]) -> str:
    """Dark/light runs (first and last dark) to modules, the module width from the whole."""
    module = sum(width for _, width in runs) / 95
    return "".join(("1" if dark else "0") * max(1, round(width / module)) for dark, width in runs)


def with_blurb(tiny, blurb: str = BLURB) -> None:
    indented = "\n".join(f"    {line}" if line else "" for line in blurb.splitlines())
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8")
               + f"cover:\n  blurb: |\n{indented}\n")


def book_words(paths: Paths, config):
    """The book's typeset words with its phrases (press.book.phrases), as the build gives the covers
    (a cover is made for a book that has no chapter yet, too)."""
    from press.book.collect import typeset_words
    from press.book.convert import Pandoc

    words, problems = typeset_words(paths, config, [], Pandoc(paths.root / ".cache" / "pandoc"))
    assert not problems
    return words


def make_cover(tiny, pages: int, name: str | None = None) -> tuple[Path, list]:
    paths = Paths(tiny.root)
    config = load_config(paths)
    target = tiny.root / "out" / (name or f"cover-{pages}.pdf")
    warnings = wrapcover.write_wrap_cover(paths, config, book_words(paths, config), pages, target)
    return target, warnings


@pytest.fixture
def cover(tiny) -> Path:
    with_blurb(tiny)
    target, warnings = make_cover(tiny, 300)
    assert warnings == []
    return target


def box(page, name: str) -> list[float]:
    return [float(v) for v in page[name]]


def test_trim_and_bleed_boxes(cover):
    page = pypdf.PdfReader(cover).pages[0]
    media, bleed, trim = box(page, "/MediaBox"), box(page, "/BleedBox"), box(page, "/TrimBox")
    spine = 300 / 444 * 72  # 300 pages at the default 444 pages per inch
    assert trim[2] - trim[0] == pytest.approx(2 * 6 * 72 + spine, abs=0.01)
    assert trim[3] - trim[1] == pytest.approx(9 * 72, abs=0.01)
    # The printer's 3 mm bleed on every side, and room for the crop marks beyond it.
    for side, sign in zip(range(4), (-1, -1, 1, 1)):
        assert (bleed[side] - trim[side]) * sign == pytest.approx(3 * PT_PER_MM, abs=0.01)
        assert (media[side] - bleed[side]) * sign > 3 * PT_PER_MM


def test_pdf_x4_identification(cover):
    reader = pypdf.PdfReader(cover)
    assert reader.pdf_header == "%PDF-1.6"  # PDF/X-4 is based on PDF 1.6
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert len(intents) == 1 and intents[0]["/S"] == "/GTS_PDFX"
    profile = intents[0]["/DestOutputProfile"].get_object()
    assert profile.get_data()[36:40] == b"acsp" and profile["/N"] == 4  # a CMYK ICC profile
    assert profile.get_data()[16:20] == b"CMYK"
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    # Reproducible: the dates are SOURCE_DATE_EPOCH's (conftest sets 2021-02-01) ...
    assert "<xmp:CreateDate>2021-02-01T00:00:00Z</xmp:CreateDate>" in xmp


def test_same_sources_same_bytes(tiny):
    first, _ = make_cover(tiny, 120, "a.pdf")
    second, _ = make_cover(tiny, 120, "b.pdf")
    assert first.read_bytes() == second.read_bytes()  # ... and no random XMP DocumentID


def test_spine_width_follows_the_page_count(tiny):
    widths = {}
    for pages in (100, 300):
        trim = box(pypdf.PdfReader(make_cover(tiny, pages)[0]).pages[0], "/TrimBox")
        widths[pages] = trim[2] - trim[0] - 2 * 6 * 72
    assert widths[100] == pytest.approx(100 / 444 * 72, abs=0.01)
    assert widths[300] - widths[100] == pytest.approx(200 / 444 * 72, abs=0.01)


def test_spine_width_rounds_to_whole_sheets_and_uses_the_paper(tiny):
    assert wrapcover.spine_width(101, 444) == wrapcover.spine_width(102, 444)
    assert wrapcover.spine_width(444, 444) == pytest.approx(25.4)
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8")
               + 'print:\n  pages_per_inch: "200"\n  trim_width: "5in"\n  trim_height: "8in"\n')
    size = wrapcover.cover_size(load_config(Paths(tiny.root)), 100)
    assert (size.spine, size.panel, size.height) == pytest.approx((12.7, 127.0, 203.2))


def test_pages_per_inch_must_be_positive(tiny):
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8")
               + 'print:\n  pages_per_inch: "0"\n')
    with pytest.raises(ContentError, match=r"content/book\.yaml:\d+: print\.pages_per_inch"):
        load_config(Paths(tiny.root))


def spine_runs(pdf: Path) -> list[tuple[str, float, float, float]]:
    """Text drawn rotated: (text, direction x, direction y, x on the sheet), in PDF points."""
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if not text.strip():
            return
        m = [tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3],
             tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3],
             tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]]
        if abs(m[0]) < 1e-6:
            found.append((text.strip(), m[0], m[1], m[4]))

    pypdf.PdfReader(pdf).pages[0].extract_text(visitor_text=visit)
    return found


def test_spine_carries_title_authors_publishers_top_to_bottom(cover):
    runs = spine_runs(cover)
    assert [text for text, *_ in runs] == ["A Tiny Book", "Pérez", "Test Press"]
    left, right = 6 * 72, 6 * 72 + 300 / 444 * 72
    for text, dx, dy, x in runs:
        assert dy < 0, f"{text!r} must run down the spine (rotated 90° clockwise)"
        assert left < x < right, f"{text!r} is not on the spine"


def test_thin_spine_has_no_text(tiny):
    cover, _ = make_cover(tiny, 60)  # 60 / 444 in = 3.4 mm
    assert spine_runs(cover) == []
    assert "A Tiny Book" in pypdf.PdfReader(cover).pages[0].extract_text()  # the front still has it


def test_barcode_svg_encodes_the_isbn():
    svg = str(wrapcover.barcode_svg(ISBN_DIGITS))
    bars = [(float(x), float(w)) for x, w in re.findall(r'<rect x="([\d.]+)mm" y="[\d.]+mm" '
                                                        r'width="([\d.]+)mm"', svg)]
    runs: list[tuple[bool, float]] = []
    for (x, width), following in zip(bars, bars[1:] + [None]):
        runs.append((True, width))
        if following is not None:
            runs.append((False, following[0] - x - width))
    assert decode_ean13(runs_to_modules(runs)) == ISBN_DIGITS
    assert "python-barcode" not in svg and "style=" not in svg


def test_printed_barcode_scans_as_the_isbn(cover):
    """Render the back cover's lower right corner and read one row of bars."""
    import pypdfium2

    page = pypdfium2.PdfDocument(str(cover))[0]
    scale = 12  # px per pt: a 0.33 mm module is 11 px
    media = box(pypdf.PdfReader(cover).pages[0], "/MediaBox")
    # crop: points to drop from the left, bottom, right and top of the media box;
    width = media[2] - media[0]
    crop = (-media[0] + 3 * 72, -media[1], width - (-media[0] + 6 * 72), media[3] - 3.5 * 72)
    image = page.render(scale=scale, crop=crop).to_pil().convert("RGB")
    pixels = image.load()

    def is_dark(x: int, y: int) -> bool:  # grey below half, not the bluish ground
        r, g, b = pixels[x, y]
        return r + g + b < 3 * 128 and b - r < 20

    dark = [[is_dark(x, y) for x in range(image.width)] for y in range(0, image.height, 4)]
    rows = []
    for row in dark:
        runs: list[tuple[bool, float]] = []
        for pixel in row:
            if runs and runs[-1][0] == pixel:
                runs[-1] = (pixel, runs[-1][1] + 1)
            else:
                runs.append((pixel, 1))
        while runs and not runs[0][0]:
            runs.pop(0)
        while runs and not runs[-1][0]:
            runs.pop()
        if sum(1 for is_dark, _ in runs if is_dark) == 30:  # an EAN-13 symbol has 30 bars
            rows.append(runs_to_modules(runs))
    # A line of digits can cross 30 dark strokes too: read the pattern most
    # rows through the bars agree on (bars 22.85 mm high: some 160 rows here).
    modules, count = Counter(rows).most_common(1)[0] if rows else ("", 0)
    assert count > 100, "no row crosses the 30 bars of an EAN-13 symbol"
    assert decode_ean13(modules) == ISBN_DIGITS
    assert "ISBN 978-9972-671-78-4" in pypdf.PdfReader(cover).pages[0].extract_text()


def isbn_line(tiny) -> int:
    """The line of isbn.print in the tiny book's book.yaml."""
    lines = (tiny.content / "book.yaml").read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith("  print: "))


def test_wrong_check_digit_stops_the_build_with_file_and_line(tiny, capsys):
    tiny.chapter("01-one.md", "One", "Text.", kind="introduction")
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text.replace("978-9972-671-78-4", "978-9972-671-78-5"))
    assert tiny.build("html") == 65
    assert f"content/book.yaml:{isbn_line(tiny)}: isbn.print:" in capsys.readouterr().err


def test_cover_recomputes_the_check_digit_itself(tiny):
    paths = Paths(tiny.root)
    config = load_config(paths)
    wrong = config.model_copy(update={"isbn": config.isbn.model_copy(update={"print": "978-9972-671-78-5"})})
    with pytest.raises(ContentError, match=rf"content/book\.yaml:{isbn_line(tiny)}: isbn.print: the check "
                                           r"digit of '978-9972-671-78-5' should be 4, not 5"):
        wrapcover.write_wrap_cover(paths, wrong, book_words(paths, config), 100, tiny.root / "x.pdf")
    assert not (tiny.root / "x.pdf").exists()


def test_back_cover_shows_the_publishers_copy_ragged_right(tiny):
    tiny.chapter("01-intro.md", "Introduction", "The book's own first paragraph.\n\nA second.",
                 kind="introduction")
    long = " ".join(["The envoys of the young republic signed treaties, drew frontiers and argued in"
                     " congresses for the principles of a continent."] * 4)
    with_blurb(tiny, f"A short book about *small* things. {long}\n\nIts second paragraph, about the authors.")
    paths = Paths(tiny.root)
    config = load_config(paths)
    html = wrapcover.wrap_html(paths, config, book_words(paths, config), 200)
    assert "<em>small</em>" in html and html.count('<div class="blurb">') == 1
    target, _ = make_cover(tiny, 200)
    words = words_on(target)
    text = " ".join(w for w, *_ in words)
    assert "second paragraph, about the authors." in text
    assert "first paragraph" not in text  # the copy is the publisher's, not the book's opening
    # Ragged right: the copy's lines start at one left edge and end at
    # different places; no line ends with a hyphen.
    lines = blurb_lines(words)
    assert len(lines) >= 2
    assert len({round(line[0][1]) for line in lines}) == 1
    ends = Counter(round(line[-1][1] + line[-1][3]) for line in lines)
    assert ends.most_common(1)[0][1] <= len(lines) // 3, ends  # justified, most lines would end together
    assert not any(line[-1][0].endswith("-") for line in lines)


def words_on(pdf: Path) -> list[tuple[str, float, float, float]]:
    """Upright words on the sheet: (text, x, y, width) in PDF points, from pdftotext -bbox."""
    import subprocess

    from lxml import etree

    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(out, etree.XMLParser(recover=True))
    return [(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")) - float(w.get("xMin")))
            for w in root.iter("{*}word")]


def blurb_lines(words) -> list[list]:
    """The back panel's words above its lower third, grouped into lines by their top."""
    back = [w for w in words if w[1] < 6 * 72 and w[2] < 5.5 * 72]
    lines: dict[int, list] = {}
    for word in back:
        lines.setdefault(round(word[2]), []).append(word)
    return [sorted(line, key=lambda w: w[1]) for _, line in sorted(lines.items())]


def test_without_a_print_isbn_the_barcode_area_is_marked(tiny, capsys):
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text.replace('  print: "978-9972-671-78-4"\n', ""))
    tiny.chapter("01-one.md", "One", "Text.", kind="introduction")
    assert tiny.build("cover") == 0
    err_out = capsys.readouterr()
    assert "no print ISBN (isbn.print)" in err_out.out
    cover = tiny.out / "tiny-cover.pdf"
    page_text = pypdf.PdfReader(cover).pages[0].extract_text()
    assert "ISBN / barcode" in page_text and "978" not in page_text


def test_front_title_is_balanced_and_never_leaves_a_word_alone(tiny):
    from press.editions import cover

    long_title = "The Shape of the Andes and Its Peoples in a Changing World"
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8")
               .replace('title: "A Tiny Book"', f'title: "{long_title}"'))
    from types import SimpleNamespace

    from markupsafe import Markup

    from press.book.phrases import Phrase, Phrases

    paths = Paths(tiny.root)
    words = SimpleNamespace(phrases=Phrases({long_title: Phrase(Markup(long_title), long_title, [])}))
    lines, balanced = cover.title_lines(paths, load_config(paths), words)
    assert balanced and len(lines) >= 2 and all(len(str(line).split()) >= 2 for line in lines)
    assert " ".join(map(str, lines)) == long_title
    # Laid out, each line is one line of the front: nothing wraps again.
    target, _ = make_cover(tiny, 100)
    tops = {round(w[2]) for w in words_on(target) if w[1] > 6 * 72 + 100 / 444 * 72 and w[0] in long_title.split()
            and w[2] < 3.5 * 72}
    assert len(tops) == len(lines)


def test_balanced_lines_prefer_phrase_breaks():
    from press.editions.cover import balanced_lines

    width = len  # one unit a character
    lines = balanced_lines("200 Years of Peruvian Foreign Policy and Its Projection in a Changing World".split(),
                           width, 22)
    assert [" ".join(line) for line in lines] == ["200 Years of Peruvian", "Foreign Policy",
                                                 "and Its Projection", "in a Changing World"]
    assert balanced_lines(["One", "Two", "Three"], width, 9) == [["One", "Two", "Three"]]  # never "Three" alone


def test_the_front_draws_the_books_eras_to_scale(tiny):
    from press.editions import cover

    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8") + (
        'chronology:\n  themes: {a: "A"}\n  eras:\n'
        '    - {start: "1800", end: "1850", title: "One"}\n    - {start: "1851", end: "1900", title: "Two"}\n'))
    paths = Paths(tiny.root)
    config = load_config(paths)
    html = cover.cover_html(paths, config, book_words(paths, config))
    assert 'class="eras"' in html and html.count('class="era-band') == 2
    target, _ = make_cover(tiny, 100)
    years = [w for w in words_on(target) if w[0] in ("1800", "1850", "1900")]
    assert [w[0] for w in sorted(years, key=lambda w: w[1])] == ["1800", "1850", "1900"]
    xs = sorted(w[1] for w in years)
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], rel=0.25)  # 50 years each side: to scale


def test_the_cover_image_reads_only_files_of_the_book(tiny, capsys):
    # The EPUB and web cover image is laid out like the book: a read outside
    # the book is refused and fails the build, naming what was refused.
    front = tiny.own("templates/cover/front.html.j2")
    text = front.read_text("utf-8")
    front.unlink()  # a hard link to the project's template: replace, never write through
    front.write_text(text + '<img src="https://example.org/logo.png" alt="">\n', "utf-8")
    tiny.chapter("01-one.md", "One", "Text.", kind="introduction")
    assert tiny.build("epub") == 65
    assert "refused to read https://example.org/logo.png" in capsys.readouterr().err
    assert not tiny.out.exists()
