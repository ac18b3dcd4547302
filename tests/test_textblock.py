"""The PDF checker's text-block check: nothing printed outside the text block.

A word too long to break and an image too wide for the page (a book's own
stylesheet undoing the toolchain's scaling) are found on
the page they are on, with how far they run past the text block in mm;
a book that keeps to its text block passes.
"""

from __future__ import annotations

import io
import re

from PIL import Image

from press.gates import Editions
from press.gates.pdf import pdf
from press.gates.textblock import page_offences, read
from press.gates.preflight.blocks import book_text_block

# 6in trim less 0.8in + 0.6in margins: 4.6in = 116.8 mm of text block.
BLOCK_MM = 4.6 * 25.4
OFFENCE = re.compile(r"^page (\d+) \(label (\w+)\): (text '[^']*'|an image [\d.]+ mm wide) runs "
                     r"([\d.]+) mm past the (right|left|top|bottom) edge of the text block")


def offences(editions: Editions) -> list[re.Match]:
    result = pdf(editions)
    found = [OFFENCE.match(f.message) for f in result.findings]
    return [m for m in found if m]


def test_an_unbreakable_word_runs_past_the_right_edge(tiny):
    word = "Pneumono" + "x" * 112  # 120 letters, no hyphenation point a hyphenator knows
    assert len(word) == 120
    tiny.chapter("01-one.md", "One", f"A short line.\n\nBefore {word} after.\n\nAfter it.",
                 kind="introduction")
    assert tiny.build("all") == 0
    editions = Editions(tiny.out, "tiny", tiny.root)
    result = pdf(editions)
    assert not result.passed
    found = offences(editions)
    assert found, [f.message for f in result.findings]
    first = found[0]
    assert first[5] == "right" and first[3].startswith("text '")
    # 120 letters of 10.5pt Gentium are far wider than the text block.
    assert float(first[4]) > 50
    # The page named is the page that prints the word, and its label is its folio.
    page = read(editions.pdf)[int(first[1]) - 1]
    assert "xxxxxxxx" in "".join(g.text for line in page.lines for g in line)
    assert first[2] == page.label
    assert "lines, images or drawings outside the text block" in result.summary


def test_a_wide_image_runs_past_the_text_block(tiny):
    out = io.BytesIO()
    Image.new("RGB", (3000, 40), "red").save(out, format="PNG")
    tiny.write("content/images/wide.png", out.getvalue())
    # The toolchain scales images to the text block (issue 17); a book's own
    # print stylesheet that undoes it is the mistake this check must catch.
    sheet = tiny.own("styles/print.css")
    sheet.write_text(sheet.read_text("utf-8") + "\nfigure img { max-width: none; max-height: none; }\n", "utf-8")
    tiny.chapter("01-one.md", "One", "Before the image.\n\n![A wide red band](../images/wide.png)\n\nAfter.",
                 kind="introduction")
    assert tiny.build("all") == 0
    editions = Editions(tiny.out, "tiny", tiny.root)
    found = [m for m in offences(editions) if m[3].startswith("an image")]
    assert len(found) == 1, [f.message for f in pdf(editions).findings]
    # 3000 CSS px = 31.25in = 793.75 mm wide, from the left edge of the text block.
    image = found[0]
    assert image[3] == "an image 793.8 mm wide" and image[5] == "right"
    # It starts inside the text block (a figure's 40px margin in, at most), so
    # it runs past the right edge by about its width less the block's.
    assert abs(float(image[4]) - (793.75 - BLOCK_MM)) < 12
    page, block = read(editions.pdf)[int(image[1]) - 1], book_text_block(editions.root)
    [mark] = page.images
    assert abs(float(image[4]) - (mark.right - block.block(page.recto).right) / (72 / 25.4)) < 0.1


def test_a_plain_book_keeps_to_its_text_block(built_book):
    editions = built_book("plain")
    pages = read(editions.pdf)
    block = book_text_block(editions.root)
    assert [o for page in pages for o in page_offences(page, block)] == []
    # The running heads and folios are outside the text block, in the margins, and allowed.
    outside = [g.text for page in pages for line in page.lines for g in line
               if not g.text.isspace() and not block.block(page.recto).contains(g.box, 1.5)]
    assert any(c.isdigit() for c in outside), "the plain book has folios in its margins"
    assert pdf(editions).passed


def test_offences_are_named_a_few_a_page_and_counted(tiny):
    # Eight paragraphs on one page, each with a word too long to break (code
    # lines no longer serve: print breaks them at the measure, issue 17).
    body = "\n\n".join(f"Line {n}: Pneumono{'x' * 112}." for n in range(8))
    tiny.chapter("01-one.md", "One", f"Some words:\n\n{body}\n\nAfter them.", kind="introduction")
    assert tiny.build("all") == 0
    result = pdf(Editions(tiny.out, "tiny", tiny.root))
    messages = [f.message for f in result.findings]
    named = [m for m in messages if OFFENCE.match(m)]
    assert len(named) == 3, messages
    assert all("past the right edge" in m for m in named)
    more = r"\): these and 5 more lines, images or drawings outside the text block$"
    assert any(re.search(more, m) for m in messages), messages
    assert "8 lines, images or drawings outside the text block" in result.summary


def test_only_glyphs_may_stand_in_the_head_and_foot_margins():
    from press.gates.preflight.blocks import TextBlock
    from press.gates.preflight.pages import Box
    from press.gates.textblock import Glyph, InkedPage

    area = Box(50, 60, 350, 580)
    block = TextBlock(area, area, 400, 640)
    folio = [Glyph("7", Box(200, 600, 205, 610))]  # above the text block, over its width
    page = InkedPage(1, "7", 640, lines=[folio])
    assert page_offences(page, block) == []
    page.images.append(Box(100, 600, 150, 620))  # an image there (40 pt up) is no running head
    page.lines.append([Glyph("x", Box(352, 300, 357, 306))])  # 7 pt past the right edge: 2.5 mm
    assert page_offences(page, block) == [
        "page 1 (label 7): text 'x' runs 2.5 mm past the right edge of the text block",
        "page 1 (label 7): an image 17.6 mm wide runs 14.1 mm past the top edge of the text block"]
    # One rule 2 pt left of the block; one 20 pt below it and 2 pt right.
    page.drawings += [Box(48, 100, 300, 101), Box(60, 40, 352, 41)]
    assert page_offences(page, block)[2:] == [
        "page 1 (label 7): 2 drawn shapes (rules, fills, a vector figure's lines) run up to "
        "0.7 mm past the left edge and 0.7 mm past the right edge and 7.1 mm past the bottom edge "
        "of the text block"]


def test_what_a_clip_hides_is_not_printed_what_it_shows_is(tmp_path):
    # An SVG that strokes a line left of its viewBox (as the gapminder lesson's
    # 9_more_correlations_solution.svg draws a tick mark at its origin), set at
    # the text block's left edge: WeasyPrint clips the image to its viewport, so
    # nothing is printed outside. A rule drawn past the edge, unclipped, is found.
    import base64

    from .test_preflight import layout

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="100pt" height="50pt" viewBox="0 0 100 50">'
           '<rect width="100" height="50" fill="#eee"/><path d="m0 10h-20" stroke="#000" stroke-width="2"/></svg>')
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
    rule = '<div style="margin-left: -20pt; border-top: 2pt solid black; width: 40pt"></div>'
    document, block = layout(tmp_path, f'<p>x</p><img src="{src}" style="display: block">'
                                       f'<p style="break-before: page">y</p>{rule}')
    pages = read(document.path)
    # The stroke is in the content stream, and its clip is the image's box.
    assert min(d.left for d in pages[0].drawings) >= block.block(True).left - 0.01
    assert page_offences(pages[0], block) == []
    assert page_offences(pages[1], block) == [
        "page 2 (label 2): 1 drawn shapes (rules, fills, a vector figure's lines) run up to "
        "7.1 mm past the left edge of the text block"]
