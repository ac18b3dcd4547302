"""book.yaml's ``notes``: footnotes, each chapter's endnotes, the back matter's Notes (issue 17, deliverable 7).

The test book tests/books/endnotes (notes in three units: one, three, two)
is built once in each place; the tests read the PDF's text, the EPUB's
XHTML and the web pages, and follow every note link both ways.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from press.cli import main
from press.gates import Editions
from tests.artefacts import epub_files, html_pages, pdf_full_page_texts, pdf_margin_texts
from tests.conftest import copy_book, source_date_epoch

X = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = f"{{{X['epub']}}}type"
# Each unit's notes, in order: what the book's chapters say.
NOTES = {"opening": ["The opening’s only note."],
         "harbour": ["The first note of the harbour.", "The second note of the harbour.",
                     "The third note of the harbour, with a passage to point at."],
         "roads": ["The first note of the roads.", "The second note of the roads, a long one that runs over pages."]}
LONG = "The roads were surveyed twice"  # twice in each of the long note's 16 paragraphs, which run over pages


def build(root: Path, place: str | None) -> Editions:
    copy_book("endnotes", root)
    book_yaml = root / "content" / "book.yaml"
    text = book_yaml.read_text("utf-8")
    text = re.sub(r"^notes: .*\n", "" if place is None else f"notes: {place}\n", text, flags=re.M)
    book_yaml.write_text(text, "utf-8")
    with source_date_epoch():
        assert main(["all", "--root", str(root), "--out", str(root / "dist"), "--quiet", "--strict"]) == 0
    return Editions(root / "dist", "endnotes-book", root)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The book built with each setting (None: the key left out, footnotes)."""
    made: dict = {}

    def get(place: str | None) -> Editions:
        if place not in made:
            made[place] = build(tmp_path_factory.mktemp(place or "default"), place)
        return made[place]

    return get


def flat(text: str) -> str:
    return " ".join(text.split())


def pages_text(book: Editions) -> list[str]:
    return [flat(t) for t in pdf_full_page_texts(book.pdf)]


# --- the EPUB -------------------------------------------------------------------

def epub_docs(book: Editions) -> dict[str, etree._Element]:
    return {name.removeprefix("EPUB/text/"): etree.fromstring(data) for name, data in epub_files(book.epub).items()
            if name.startswith("EPUB/text/") and name.endswith(".xhtml")}


def resolve(docs: dict, here: str, href: str):
    """The element an EPUB link points at (None if nothing holds its id)."""
    name, _, ident = href.rpartition("#")
    found = docs[name or here].xpath("//*[@id=$id]", id=ident)
    return (name or here, found[0]) if found else (name or here, None)


def epub_notes(book: Editions) -> dict[str, list[tuple[str, etree._Element, str, etree._Element]]]:
    """Each unit's references, followed: (the reference's number, the reference, the note's file, the note)."""
    docs = epub_docs(book)
    out: dict = {}
    for name, doc in sorted(docs.items()):
        for ref in doc.iterfind(".//x:a[@role='doc-noteref']", X):
            unit = doc.xpath("//x:section[contains(@class, 'level1')]/@id", namespaces=X)[0]
            where, note = resolve(docs, name, ref.get("href"))
            assert note is not None, f"{name}: {ref.get('href')} leads nowhere"
            back = note.find(".//x:a[@role='doc-backlink']", X)
            back_where, target = resolve(docs, where, back.get("href"))
            assert target is ref and back_where == name, f"{ref.get('href')}: its number does not lead back"
            out.setdefault(unit, []).append(("".join(ref.itertext()), ref, where, note))
    return out


@pytest.mark.parametrize("place", ["endnotes-chapter", "endnotes-book"])
def test_epub_endnotes_are_endnotes_and_link_both_ways(built, place):
    found = epub_notes(built(place))
    shown = {unit: [flat("".join(note.itertext())) for *_, note in refs] for unit, refs in found.items()}
    assert list(shown) == list(NOTES)
    for unit, texts in NOTES.items():
        assert len(shown[unit]) == len(texts)
        for number, (text, expected) in enumerate(zip(shown[unit], texts), start=1):
            assert text.startswith(f"{number}. {expected}"), (unit, number)
    assert shown["harbour"][1].endswith("Its second paragraph.") and shown["roads"][1].count(LONG) == 32
    for unit, refs in found.items():
        assert [number for number, *_ in refs] == [str(n) for n in range(1, len(refs) + 1)]  # from 1 in each
        for _, ref, where, note in refs:
            assert ref.get(EPUB_TYPE) == "noteref" and ref.find("x:sup", X) is not None
            assert note.tag == f"{{{X['x']}}}li" and note.get(EPUB_TYPE) == "endnote"
            assert note.get("role") is None  # doc-endnote is deprecated (DPUB-ARIA 1.1)
            holder = note.xpath("ancestor::x:section[@role='doc-endnotes']", namespaces=X)
            assert holder and holder[-1].get(EPUB_TYPE) == "endnotes"
            assert not note.xpath("//x:aside", namespaces=X)  # no footnotes left


def test_epub_chapter_endnotes_end_each_chapter_under_notes(built):
    docs = epub_docs(built("endnotes-chapter"))
    for unit, refs in epub_notes(built("endnotes-chapter")).items():
        for _, ref, where, note in refs:
            doc = docs[where]
            assert doc.xpath("//x:section[contains(@class, 'level1')]/@id", namespaces=X) == [unit]  # its own file
            section = note.xpath("ancestor::x:section[@role='doc-endnotes']", namespaces=X)[0]
            assert section.find("x:h2", X).text == "Notes"
            assert section.getparent().get("id") == unit and section.getparent()[-1] is section  # the chapter's end
    nav = etree.fromstring(epub_files(built("endnotes-chapter").epub)["EPUB/nav.xhtml"])
    assert "Notes" not in "".join(nav.find(".//x:nav[@id='toc']", X).itertext())  # unlisted


def test_epub_book_endnotes_are_a_back_section_grouped_by_chapter(built):
    book = built("endnotes-book")
    files = epub_docs(book)
    refs = epub_notes(book)
    homes = {where for unit in refs.values() for _, _, where, _ in unit}
    assert len(homes) == 1
    doc = files[homes.pop()]
    section = doc.find(".//x:section[@id='notes']", X)
    assert section.get(EPUB_TYPE) == "endnotes" and section.get("role") == "doc-endnotes"
    assert [flat("".join(h.itertext())) for h in section.iterfind(".//x:h2", X)] == [
        "Opening", "Chapter 1. The Harbour", "Chapter 2. The Roads"]
    nav = etree.fromstring(epub_files(book.epub)["EPUB/nav.xhtml"])
    landmark = nav.find(".//x:nav[@id='landmarks']//x:a[@epub:type='endnotes']", X)
    assert landmark is not None and landmark.get("href").endswith("#notes")
    # A passage in a note is where the note is now, and a link to it follows.
    roads = next(d for n, d in files.items() if d.xpath("//x:section[@id='roads']", namespaces=X))
    link = roads.xpath("//x:a[text()='there']", namespaces=X)[0]
    name = next(n for n, d in files.items() if d is roads)
    assert resolve(files, name, link.get("href"))[1] is not None


def test_epub_footnotes_keep_their_form_and_each_file_its_own_links(built):
    """pandoc numbers each chapter file's notes fn1, fn2...: a link and a note's
    number stay in their own file (they were sent to the first file with that id)."""
    book = built(None)
    docs = epub_docs(book)
    numbers = {}
    for name, doc in sorted(docs.items()):
        for ref in doc.iterfind(".//x:a[@role='doc-noteref']", X):
            where, note = resolve(docs, name, ref.get("href"))
            assert where == name and note.tag == f"{{{X['x']}}}aside" and note.get(EPUB_TYPE) == "footnote"
            back = note.find(".//x:a[@role='doc-backlink']", X)
            assert resolve(docs, where, back.get("href")) == (name, ref)
            numbers.setdefault(name, []).append("".join(ref.itertext()))
    assert sorted(numbers.values()) == [["1"], ["1", "2"], ["1", "2", "3"]]


# --- print -----------------------------------------------------------------------

def test_print_footnotes_restart_in_each_chapter(built):
    pages = pages_text(built(None))
    roads = next(t for t in pages if "The second chapter starts its count again" in t)
    assert "again.1 " in roads and "1. The first note of the roads." in roads  # a footnote numbered 1
    assert not any(t.startswith("Notes") or " Notes 1." in t for t in pages)


def test_print_chapter_endnotes_close_each_chapter(built):
    pages = pages_text(built("endnotes-chapter"))
    text = " ".join(pages)
    for unit, texts in NOTES.items():
        block = " ".join(f"{n}. {t}" for n, t in enumerate(texts, start=1))
        block = block.replace("harbour. 3.", "harbour. Its second paragraph. 3.")
        assert f"Notes {block}" in text, unit
    # The opening's notes before the harbour's title, the harbour's before the roads'.
    assert text.index("Notes 1. The opening") < text.index("The Harbour The first chapter")
    assert text.index("Notes 1. The first note of the harbour") < text.index("The Roads The second")
    assert LONG in pages[-1]  # the long note runs on over the chapter's last pages


def test_print_book_endnotes_are_a_notes_section_before_the_end(built):
    book = built("endnotes-book")
    pages = pages_text(book)
    start = next(i for i, t in enumerate(pages) if t.startswith("Notes Opening 1. The opening"))
    notes = " ".join(pages[start:])
    assert notes.index("Chapter 1. The Harbour 1. The first note of the harbour.") < notes.index(
        "Chapter 2. The Roads 1. The first note of the roads.")
    assert not any("Notes 1." in t for t in pages[:start])  # nothing at the chapters' ends
    contents = next(t for t in pages if t.startswith("Contents"))
    assert re.search(r"Notes[ .]*\d", contents)
    # Its rectos' running head names the chapter whose notes run there (its versos, the book).
    heads = [head for head, _ in pdf_margin_texts(book.pdf)[start:]]
    assert heads[0] == "" and any(head.startswith("Notes to Chapter 2") for head in heads[1:]), heads


def test_print_note_links_go_both_ways(built):
    import pypdf

    reader = pypdf.PdfReader(str(built("endnotes-book").pdf))
    names = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}
    links = [str(a.get_object().get("/Dest")) for page in reader.pages for a in page.get("/Annots", []) or []
             if a.get_object().get("/Dest") is not None]
    for unit, texts in NOTES.items():
        for n in range(1, len(texts) + 1):
            assert f"fn-{unit}-{n}" in links and f"fnref-{unit}-{n}" in links
            assert names[f"fn-{unit}-{n}"] > names[f"fnref-{unit}-{n}"]


# --- the web edition ---------------------------------------------------------------

def web_links_both_ways(book: Editions) -> dict[str, list[str]]:
    pages = html_pages(book.html)
    out: dict = {}
    for name, page in sorted(pages.items()):
        for ref in page.xpath("//main//a[@role='doc-noteref']"):
            file, _, ident = ref.get("href").rpartition("#")
            target = pages[file or name].xpath("//*[@id=$id]", id=ident)
            assert target, f"{name}: {ref.get('href')} leads nowhere"
            back = target[0].xpath(".//a[@role='doc-backlink']")[0].get("href")
            back_file, _, back_id = back.rpartition("#")
            assert (back_file or file or name) == name and back_id == ref.get("id")
            out.setdefault(name, []).append(ref.text_content())
    return out


@pytest.mark.parametrize("place", [None, "endnotes-chapter", "endnotes-book"])
def test_web_notes_link_both_ways_numbered_in_each_chapter(built, place):
    numbers = web_links_both_ways(built(place))
    assert numbers == {"01-opening.html": ["1"], "02-harbour.html": ["1", "2", "3"], "03-roads.html": ["1", "2"]}


def test_web_book_endnotes_page(built):
    pages = html_pages(built("endnotes-book").html)
    page = pages["04-notes.html"]
    groups = page.xpath("//section[@role='doc-endnotes']")
    assert [flat(g.xpath("h2")[0].text_content()) for g in groups] == [
        "Opening", "Chapter 1. The Harbour", "Chapter 2. The Roads"]
    assert not pages["02-harbour.html"].xpath("//*[contains(@class, 'notes')]")
    link = pages["03-roads.html"].xpath("//main//a[text()='there']")[0]
    assert link.get("href") == "04-notes.html#in-a-note" and page.xpath("//*[@id='in-a-note']")


def test_web_chapter_endnotes_have_a_heading(built):
    page = html_pages(built("endnotes-chapter").html)["02-harbour.html"]
    section = page.xpath("//main//section[@role='doc-endnotes']")[0]
    assert section.xpath("h2")[0].text_content() == "Notes"
    assert len(section.xpath(".//ol[@class='notes']/li")) == 3


# --- the setting -------------------------------------------------------------------

def test_a_bad_notes_value_is_an_error_at_its_line(tiny, capsys):
    tiny.chapter("01-one.md", "One", "A claim.[^a]\n\n[^a]: A note.", kind="introduction")
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text + "notes: endnotes\n")
    line = len(text.splitlines()) + 1
    assert tiny.build("html") == 65
    err = capsys.readouterr().err
    assert f"content/book.yaml:{line}: notes: 'endnotes' is not a place for the notes" in err
    assert "footnotes, endnotes-chapter, endnotes-book" in err


# --- print page markers in the notes ------------------------------------------------

def test_pages_that_begin_inside_a_chapters_notes_are_marked_where_they_begin(built):
    """A print page that begins in a chapter's endnotes (the long note runs over
    two pages) gets its EPUB and web marker before the page's first word."""
    import pypdf

    book = built("endnotes-chapter")
    reader = pypdf.PdfReader(str(book.pdf))
    labels = reader.page_labels
    from tests.artefacts import pdf_page_texts

    first_words = {labels[i]: flat(t).split()[:4] for i, t in enumerate(pdf_page_texts(book.pdf)) if flat(t)}
    docs = epub_docs(book)
    roads = next(d for d in docs.values() if d.xpath("//x:section[@id='roads']", namespaces=X))
    in_notes = roads.xpath("//x:section[@role='doc-endnotes']//x:span[@role='doc-pagebreak']", namespaces=X)
    assert len(in_notes) >= 2, "the long note's pages are marked"
    for marker in in_notes:
        after = flat(" ".join(marker.xpath("following::text()")[:20])).split()[:4]
        assert after == first_words[marker.get("aria-label")], marker.get("id")
    page = html_pages(book.html)["03-roads.html"]
    web = page.xpath("//section[@role='doc-endnotes']//span[@class='page-marker']")
    assert [m.get("id") for m in web] == [m.get("id") for m in in_notes]
    for marker in web:
        after = flat(" ".join(marker.xpath("following::text()")[:20])).split()[:4]
        assert after == first_words[marker.get("data-page")], marker.get("id")
