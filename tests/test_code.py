"""Code in every edition (issue 17): highlighted, in the monospaced face, within the print text block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from press.editions.code import CONTINUATION, Measure, break_points, text_width_pt, wrap_html

from .artefacts import XHTML, epub_files, html_pages, pdf_page_texts
from .conftest import REPO

STYLES = REPO / "styles"
INCH = 72.0


@pytest.fixture(scope="module")
def code(built_book):
    return built_book("code")


# --- breaking lines ---------------------------------------------------------------

def test_break_points_keep_every_line_within_the_measure():
    text = "x = " + "argument, " * 30 + "\n\nshort\n" + "y" * 150 + "\n\tindented(" + "z" * 70 + ")"
    chars = 64
    points = break_points(text, chars)
    assert len(points) >= 6
    pieces, last = [], 0
    for point in points:
        pieces.append(text[last:point])
        last = point
    pieces.append(text[last:])
    assert "".join(pieces) == text  # nothing lost, nothing added
    for index, piece in enumerate(pieces):
        for line in piece.split("\n"):
            room = chars if index == 0 or line is not piece.split("\n")[0] else chars - len(CONTINUATION)
            assert len(line.expandtabs(8)) <= room
    # a cut after a space or a comma where there is one near the measure
    assert text[points[0] - 1] in " ,"


def test_wrap_html_marks_continued_lines_and_keeps_the_text():
    line = "print(" + ", ".join(f"value_{n}" for n in range(40)) + ")"
    body = (f'<div class="sourceCode"><pre><code><span id="l1"><a></a><span class="fu">{line}</span></span>'
            '</code></pre></div>')
    wrapped = wrap_html(body, "6in")
    root = etree.fromstring(wrapped, etree.HTMLParser())
    marks = root.xpath("//span[@class='code-cont']")
    assert marks and all(m.get("aria-hidden") == "true" for m in marks)
    text = "".join(root.xpath("//pre")[0].itertext())
    assert text.replace(CONTINUATION, "").replace("\n", "") == line
    chars = Measure(text_width_pt("6in"), 8.5).chars
    assert all(len(row) <= chars for row in text.split("\n"))


# --- the print edition ------------------------------------------------------------------

def _text_block_chars(pdf: Path):
    """(page index, char, left, right, width of the page) of every character between head and foot."""
    import pypdfium2

    for index, page in enumerate(pypdfium2.PdfDocument(str(pdf))):
        width, height = page.get_size()
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            char = textpage.get_text_range(i, 1)
            left, bottom, right, top = textpage.get_charbox(i)
            if char.strip() and bottom > 61 and top < height - 54:
                yield index, char, left, right, width


def test_every_character_lies_within_the_print_text_block(code):
    pages: dict[int, list] = {}
    for index, char, left, right, width in _text_block_chars(code.pdf):
        pages.setdefault(index, []).append((left, right, width))
    assert pages
    tolerance = 0.5  # pt
    for index, boxes in pages.items():
        width = boxes[0][2]
        lo, hi = min(b[0] for b in boxes), max(b[1] for b in boxes)
        # print.css: 0.8in at the gutter, 0.6in outside; a verso has the gutter on the right
        recto = lo >= 0.8 * INCH - tolerance and hi <= width - 0.6 * INCH + tolerance
        verso = lo >= 0.6 * INCH - tolerance and hi <= width - 0.8 * INCH + tolerance
        assert recto or verso, f"page {index + 1}: text from {lo / INCH:.3f}in to {(width - hi) / INCH:.3f}in"


def test_print_long_lines_are_continued_with_a_mark(code):
    text = "\n".join(pdf_page_texts(code.pdf))
    # the 200-character line (3), the JSON line, the note's command, the table cell's block
    assert text.count("\u21aa") >= 6
    assert "northern-\n\u21aa harbour-and-its-quays" in text.replace("\r", "").replace("\u00a0", " ")
    assert "argument_02=value_02" in text
    assert "every-quay-and-every-mooring-in-it" in text  # the code block of the note is printed


def test_print_the_long_block_crosses_a_page_without_an_orphan(code):
    pages = pdf_page_texts(code.pdf)
    first = next(i for i, p in enumerate(pages) if re.search(r"line 0\b", p))
    last = next(i for i, p in enumerate(pages) if "line 59" in p)
    assert last > first
    for index in (first, last):
        assert len(re.findall(r"line \d+\b", pages[index])) >= 2


def test_print_code_is_not_typeset(code):
    text = "\n".join(pdf_page_texts(code.pdf))
    assert 'pages="1-2"' in text and "load(3-4)" in text  # no en dash from the range rule
    assert "Law 6602 and 200 miles" in text.replace("\u00a0", "#")  # no ties


def _pdf_fonts(pdf: Path) -> set[str]:
    from pypdf import PdfReader

    return {str(font.get_object()["/BaseFont"]) for page in PdfReader(str(pdf)).pages
            for font in page["/Resources"].get("/Font", {}).values()}


def test_an_unused_monospaced_face_is_not_embedded(built_book):
    plain = built_book("plain")
    fonts = _pdf_fonts(plain.pdf)
    assert fonts and not [f for f in fonts if "Mono" in f]
    files = epub_files(plain.epub)
    assert not [n for n in files if "DejaVu" in n]
    css = b"".join(data for name, data in files.items() if name.endswith(".css"))
    assert b"DejaVuSansMono" not in css  # no @font-face for a file not in the package


def test_the_monospaced_face_is_used_in_every_edition(code):
    assert [f for f in _pdf_fonts(code.pdf) if re.match(r"/[A-Z]{6}\+DejaVu-Sans-Mono", f)]
    files = epub_files(code.epub)
    assert "EPUB/fonts/DejaVuSansMono.ttf" in files
    assert (code.html / "assets" / "fonts" / "DejaVuSansMono.ttf").exists()
    assert (STYLES / "fonts" / "DejaVu-LICENSE.txt").exists()


def _web_fonts(editions) -> tuple[list[str], list[str]]:
    """The web edition's font files, and the files its fonts.css's @font-face rules name."""
    assets = editions.html / "assets"
    files = sorted(p.name for p in (assets / "fonts").iterdir())
    css = (assets / "fonts.css").read_text("utf-8")
    named = re.findall(r"@font-face \{[^}]*url\(fonts/([^)]+)\)", css)
    return files, named


def test_the_web_edition_ships_the_monospaced_face_only_with_code(built_book, code):
    files, named = _web_fonts(built_book("plain"))
    assert "GentiumBookPlus-Regular.ttf" in files and "GentiumBookPlus-Regular.ttf" in named
    assert not [n for n in files + named if "DejaVu" in n], files + named  # no file, no licence, no rule
    files, named = _web_fonts(code)
    mono = ["DejaVuSansMono-Bold.ttf", "DejaVuSansMono-Oblique.ttf", "DejaVuSansMono.ttf"]
    assert set(mono) <= set(files) and set(mono) <= set(named) and "DejaVu-LICENSE.txt" in files
    assert set(named) <= set(files)  # every @font-face names a file that is there


def test_inline_code_alone_brings_the_monospaced_face_to_the_web(tiny):
    tiny.chapter("01-one.md", "One", "Run `make` once.", kind="introduction")
    assert tiny.build("html") == 0
    from press.gates import Editions

    files, named = _web_fonts(Editions(tiny.out, "tiny", tiny.root))
    assert "DejaVuSansMono.ttf" in files and "DejaVuSansMono.ttf" in named


# --- the screen editions -----------------------------------------------------------------

def _epub_units(code) -> list[etree._Element]:
    files = epub_files(code.epub)
    return [etree.fromstring(data) for name, data in sorted(files.items())
            if name.startswith("EPUB/text/ch") and name.endswith(".xhtml")]


def test_screen_code_is_highlighted_and_focusable(code):
    for roots, ns in ((list(html_pages(code.html).values()), {}), (_epub_units(code), XHTML)):
        pre = "x:pre" if ns else "pre"
        div = "x:div" if ns else "div"
        span = "x:span" if ns else "span"
        blocks = [e for r in roots
                  for e in r.xpath(f"//{div}[contains(@class, 'sourceCode')]", namespaces=ns)]
        assert len(blocks) >= 5
        classes = {c for r in roots for c in r.xpath(f"//{pre}//{span}/@class", namespaces=ns)}
        assert {"kw", "st", "co"} <= classes
        assert all(b.get("tabindex") == "0" for b in blocks)
        plain = [p for r in roots
                 for p in r.xpath(f"//{pre}[not(contains(@class, 'sourceCode'))]", namespaces=ns)]
        assert plain and all(p.get("tabindex") == "0" for p in plain)


def test_no_page_marker_typography_or_index_mark_inside_code(code):
    for roots, ns in ((list(html_pages(code.html).values()), {}), (_epub_units(code), XHTML)):
        pre = "x:pre" if ns else "pre"
        code_ = "x:code" if ns else "code"
        markers = [m for r in roots for m in r.xpath("//*[@role='doc-pagebreak']", namespaces=ns)]
        assert len(markers) >= 3
        assert not [m for m in markers if m.xpath(f"ancestor::{pre}", namespaces=ns)]
        texts = "".join(t for r in roots for c in r.xpath(f"//{code_}", namespaces=ns) for t in c.itertext())
        assert "1-2" in texts and "\u2013" not in texts and "\u00a0" not in texts
        assert not [m for r in roots for m in r.xpath(f"//{code_}//*[@data-index]", namespaces=ns)]
    # the page the long block crosses onto is marked before it, in the EPUB too
    epub = b"".join(epub_files(code.epub)[n] for n in epub_files(code.epub) if n.endswith(".xhtml"))
    assert epub.count(b'epub:type="pagebreak"') >= 3


def test_the_search_index_has_no_code_blocks(code):
    text = (code.html / "assets" / "search-index.js").read_text("utf-8")
    assert "harbour.load" not in text and "def tally" not in text
    assert "count --all-boats" not in text and "list the boats" in text  # a code block in a list item
    assert "The program ends here" in text


def _contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        colour = colour.lstrip("#")
        if len(colour) == 3:
            colour = "".join(c * 2 for c in colour)
        channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("sheet", ["code-theme.css"])  # the web edition's and the EPUB's theme
def test_every_code_colour_passes_wcag_aa_on_the_block(sheet):
    css = (STYLES / sheet).read_text("utf-8")
    block = css[css.index("/* --- code (issue 17) ---"):]
    backgrounds = set(re.findall(r"background:\s*(#[0-9a-fA-F]{3,6})", block))
    colours = set(re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", block))
    assert len(backgrounds) == 1 and len(colours) >= 8
    background = backgrounds.pop()
    for colour in colours:
        assert _contrast(colour, background) >= 4.5, f"{sheet}: {colour} on {background}"
    assert "span.kw" in block and "span.co" in block and "span.st" in block


def test_the_print_theme_is_ink_only():
    css = (STYLES / "print.css").read_text("utf-8")
    block = css[css.index("/* --- code (issue 17) ---"):]
    for colour in re.findall(r"color:\s*#([0-9a-fA-F]{3,6})", block):
        colour = "".join(c * 2 for c in colour) if len(colour) == 3 else colour
        assert colour[0:2] == colour[2:4] == colour[4:6], f"#{colour} is not a grey"


# --- in a browser ------------------------------------------------------------------------

@pytest.mark.browser
def test_no_sideways_scroll_at_375_px(code):
    from .artefacts import chromium

    with chromium() as browser:
        try:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            for name in ("01-opening.html", "02-program.html"):
                page.goto((code.html / name).as_uri())
                assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
                # the long block scrolls inside itself
                inner = page.evaluate("Math.max(...[...document.querySelectorAll('div.sourceCode')]"
                                      ".map(e => e.scrollWidth - e.clientWidth))")
                assert inner > 0
            page.close()
        finally:
            browser.close()


def test_code_blocks_have_the_same_unique_ids_in_every_edition(code):
    """pandoc's own ids (cb1, cb2 …) restart in each conversion; a print page is named by a block's id."""
    web = [e.get("id") for r in html_pages(code.html).values()
           for e in r.xpath("//main//div[contains(@class, 'sourceCode')] | //main//pre[not(parent::div)]"
                            " | //main//span[@class='footnote-code']")]  # a note's block, as a span
    epub = [e.get("id") for r in _epub_units(code)
            for e in r.xpath("//x:div[contains(@class, 'sourceCode')] | //x:pre[not(parent::x:div)]",
                             namespaces=XHTML)]
    assert len(web) >= 8 and len(set(web)) == len(web) and len(set(epub)) == len(epub)
    assert set(web) == set(epub)
    assert all(re.fullmatch(r"(opening|program)-code\d+", i) for i in web)


def test_a_page_that_begins_inside_a_code_block_is_marked_before_it():
    from press.editions.pagemarks import PageStart, mark_web

    body = ('<p data-p="1">Run it.</p>\n<div class="sourceCode" id="u-code1"><pre><code>'
            '<span id="u-code1-1">one-1</span>\n<span id="u-code1-2">two-2</span></code></pre></div>')
    start = PageStart(index=3, label="4", unit="u", paragraph=1, offset=9)  # "Runit" + "one1": in line 2
    _, marked, missing = mark_web(body, "u", [start], "page {page}")
    assert not missing
    root = etree.fromstring(f"<div>{marked}</div>", etree.HTMLParser())
    marker = root.xpath("//span[@id='page-4']")[0]
    assert not marker.xpath("ancestor::pre") and marker.getnext().get("id") == "u-code1"
