"""Tables in every edition (issue 17): tests/books/tables, built once in all three editions.

A long table runs across print pages with its header row on each; a wide
one (nine columns of text) stays inside the text block; ``[-@fig-id]``
prints the bare number as a link; the lists of figures and of tables give
each caption with the page it is on; on a 375 px phone the page does not
scroll sideways, the wide table scrolls in its own box.
"""

from __future__ import annotations

import re

import pypdf
import pytest
from lxml import etree

from press.cli import main
from press.gates.preflight.blocks import book_text_block
from press.gates.textblock import page_offences, read
from tests.artefacts import XHTML, epub_files, html_pages
from tests.conftest import copy_book

HEADER = "Number Name Year Where it went"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def book(built_book):
    return built_book("tables")


@pytest.fixture(scope="module")
def pdf_pages(book) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(book.pdf).pages]


@pytest.fixture(scope="module")
def labels(book) -> list[str]:
    return list(pypdf.PdfReader(book.pdf).page_labels)


def test_the_long_table_repeats_its_header_on_every_page_it_spans(pdf_pages):
    rows = {}  # the register's number -> the index of the page its row is on
    for index, text in enumerate(pdf_pages):
        for match in re.finditer(r"^(\d+) \w+\s(\d+) \d{4} (kept|lost) in the \w+$", text, re.M):
            assert match[1] == match[2]  # the row is whole on its line
            rows.setdefault(int(match[1]), set()).add(index)
    assert sorted(rows) == list(range(1, 73))
    assert all(len(pages) == 1 for pages in rows.values())  # no row is split across pages
    spanned = sorted({page for pages in rows.values() for page in pages})
    assert len(spanned) >= 3
    for index in spanned:
        assert HEADER in pdf_pages[index], index
    assert sum(text.count(HEADER) for text in pdf_pages) == len(spanned)


def test_no_word_of_any_table_is_outside_the_text_block(book, pdf_pages):
    block = book_text_block(book.root)
    pages = read(book.pdf)
    tables = [i for i, text in enumerate(pdf_pages)
              if HEADER in text or "Register Keeper" in text or "Language A line of code" in text]
    assert len(tables) >= 4  # the long table's pages, the wide one's, the code table's
    wide = next(i for i in tables if "Register Keeper" in pdf_pages[i])
    assert "Remarks" in pdf_pages[wide] and "misbound" in pdf_pages[wide]  # its last column is printed
    for index in tables:
        assert page_offences(pages[index], block) == [], index


def test_wide_table_is_set_smaller_than_the_long_one(book):
    sizes = {}

    def visit(text, cm, tm, font, size):
        if text.strip() in ("Keeper", "Number"):  # the two tables' header cells
            sizes[text.strip()] = size * cm[0] * tm[0]  # points on the page

    for page in pypdf.PdfReader(book.pdf).pages:
        page.extract_text(visitor_text=visit)
    assert sizes["Keeper"] < 0.85 * sizes["Number"]


def test_bare_references_print_the_number_and_link(book, pdf_pages):
    whole = "\n".join(pdf_pages)
    # [-@fig-tall], [-@tbl-long]: the number alone, with its page in print (page_references: true).
    assert re.search(r"the tall one of 1\.2, p\.\xa0\d+ \(figure 1\.2, p\.\xa0\d+\)", whole)
    assert re.search(r"As\s+1\.1, p\.\xa01 and", whole)
    pages = html_pages(book.out / "html")
    one = {a.text_content(): a.get("href") for a in pages["01-long.html"].find_class("xref")}
    assert one["1.2"] == "#fig-tall" and one[f"Figure{NBSP}1.1"] == "#fig-square"
    two = {a.text_content(): a.get("href") for a in pages["02-wide.html"].find_class("xref")}
    assert two["1.1"] == "01-long.html#tbl-long" and two[f"Figure{NBSP}1.2"] == "01-long.html#fig-tall"
    assert two[f"chapter{NBSP}1"] == "01-long.html#long"  # @sec-SLUG: the unit, by its own id
    assert pages["01-long.html"].get_element_by_id("long") is not None
    files = epub_files(book.epub)
    links = {}
    for name, data in files.items():
        if name.startswith("EPUB/text/") and name.endswith(".xhtml"):
            for a in etree.fromstring(data).iterfind(".//x:a[@class='xref']", XHTML):
                links.setdefault("".join(a.itertext()), set()).add(a.get("href"))
    assert any(h.endswith("#fig-tall") for h in links["1.2"])
    assert any(h.endswith("#tbl-long") for h in links["1.1"])
    targets = {h.partition("#")[0] for h in links["1.1"] | links["1.2"] if not h.startswith("#")}
    for target in targets:
        assert "EPUB/text/" + target in files


def _list_entries(text: str, word: str) -> dict[str, int]:
    """A list's entries in the contents' pages: label -> the page it prints."""
    out = {}
    for match in re.finditer(rf"({word}\xa0\d\.\d)\s*(.+?)[ .]*\s(\d+)$", text, re.M | re.S):
        out[match[1]] = int(match[3])
    return out


def test_lists_of_figures_and_tables_give_each_captions_page(pdf_pages, labels):
    front = next(i for i, text in enumerate(pdf_pages) if "List of Figures" in text)
    listing = pdf_pages[front]
    assert "List of Tables" in listing and labels[front] in ("iii", "iv", "v", "vi", "vii")
    captions = {}  # label -> the folio of the page its caption is on
    for index, text in enumerate(pdf_pages[front + 1:], front + 1):
        for label in re.findall(r"^((?:Figure|Table)\xa0\d\.\d)\. ", text, re.M):
            captions.setdefault(label, labels[index])
    assert set(captions) == {"Figure\xa01.1", "Figure\xa01.2", "Figure\xa02.1",
                             "Table\xa01.1", "Table\xa02.1", "Table\xa02.2"}
    lines = listing.splitlines()
    for label, folio in captions.items():
        start = next(i for i, line in enumerate(lines) if line.startswith(label))
        entry = next(line for line in lines[start:] if re.search(r"\s\d+$", line))
        assert entry.rsplit(" ", 1)[1] == folio, (label, entry)
    assert "Figure\xa02.1 An unlabelled square, with no id" in listing.replace("\xa02.1A", "\xa02.1 A")


def test_lists_are_linked_on_the_web_and_in_the_epub(book):
    home = html_pages(book.out / "html")["index.html"]
    figures = home.get_element_by_id("list-of-figures")
    links = [(a.get("href"), a.text_content().split()) for a in figures.iter("a")]
    assert [href for href, _ in links] == ["01-long.html#fig-square", "01-long.html#fig-tall",
                                           "02-wide.html#fig-wide-1"]
    assert home.get_element_by_id("list-of-tables").find(".//a").get("href") == "01-long.html#tbl-long"
    pages = html_pages(book.out / "html")
    assert pages["02-wide.html"].get_element_by_id("fig-wide-1").tag == "figure"  # the id made for the list
    files = epub_files(book.epub)
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    lof = nav.find(".//x:nav[@id='list-of-figures']", XHTML)
    assert lof.get(f"{{{XHTML['epub']}}}type") == "lof"
    assert lof.find("x:h2", XHTML).text == "List of Figures"
    hrefs = [a.get("href") for a in lof.iterfind(".//x:a", XHTML)]
    assert len(hrefs) == 3
    for href in hrefs:
        name, _, ident = href.partition("#")
        assert f'id="{ident}"'.encode() in files["EPUB/" + name]
    lot = nav.find(".//x:nav[@id='list-of-tables']", XHTML)
    assert lot.get(f"{{{XHTML['epub']}}}type") == "lot" and len(lot.findall(".//x:a", XHTML)) == 3


def test_no_lists_unless_the_book_asks(built_book):
    book = built_book("figures")
    home = html_pages(book.out / "html")["index.html"]
    assert not home.xpath("//*[@id='list-of-figures' or @id='list-of-tables']")
    assert b"list-of-figures" not in epub_files(book.epub)["EPUB/nav.xhtml"]


@pytest.mark.browser
def test_on_a_phone_tables_scroll_in_their_own_box(book):
    from .artefacts import chromium

    with chromium() as browser:
        try:
            for name in ("01-long.html", "02-wide.html", "index.html"):
                page = browser.new_page(viewport={"width": 375, "height": 800})
                page.goto((book.out / "html" / name).as_uri())
                assert page.evaluate("document.scrollingElement.scrollWidth") <= 375, name
                if name == "02-wide.html":
                    wide = page.evaluate("(() => { const w = document.querySelector('.table-wrap.wide');"
                                         " return [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX]; })()")
                    assert wide[0] > wide[1] and wide[2] == "auto"  # it scrolls, inside its box
                page.close()
        finally:
            browser.close()


@pytest.mark.parametrize("width, height", [("5in", "7in"), ("7in", "10in")])
def test_a_tall_figure_and_its_caption_fit_one_page_at_any_trim(tmp_path, width, height):
    root = copy_book("tables", tmp_path)
    config = root / "content" / "book.yaml"
    config.write_text(config.read_text("utf-8") + f'print:\n  trim_width: "{width}"\n  trim_height: "{height}"\n',
                      "utf-8")
    assert main(["pdf", "--root", str(root), "--out", str(root / "dist"), "--quiet"]) == 0
    pdf = root / "dist" / "tables-book.pdf"
    texts = [page.extract_text() for page in pypdf.PdfReader(pdf).pages]
    index = next(i for i, text in enumerate(texts) if "Figure\xa01.2. A tall narrow frame" in text)
    page = read(pdf)[index]
    assert len(page.images) == 1  # the tall image is on its caption's page
    image = page.images[0]
    trim = float(height.removesuffix("in")) * 72
    # Capped at three quarters of the text block's height (the trim less 1.6in of margins), and so not
    # at its natural size: 2400 px at 96 px an inch would be 25 in.
    assert image.top - image.bottom == pytest.approx(0.75 * (trim - 1.6 * 72), abs=1.5)
    assert page_offences(page, book_text_block(root)) == []
