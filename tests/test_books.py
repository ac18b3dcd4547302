"""The toolchain's test books (tests/books/), each built once with --strict,
read back from its editions: one book per feature, and whole books of
different shapes. What each book holds is in tests/books/README.md."""

from __future__ import annotations

import json
import re
import shutil

import pypdf
from lxml import etree
from lxml import html as lxml_html

from .artefacts import XHTML, epub_files, epub_opf, epub_text, html_pages, html_text, pdf_full_page_texts
from .conftest import BOOKS


def unit_names(epub) -> list[str]:
    """The EPUB's spine, as the first heading of each document (cover, title and nav left out)."""
    files, opf = epub_files(epub), epub_opf(epub)
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", XHTML)}
    names = []
    for ref in opf.iterfind(".//opf:itemref", XHTML):
        doc = etree.fromstring(files["EPUB/" + manifest[ref.get("idref")]])
        h1 = doc.find(".//x:h1", XHTML)
        if h1 is not None:
            names.append(" ".join("".join(h1.itertext()).split()))
    return names


def main_text(root) -> str:
    return " ".join(root.xpath("//main")[0].text_content().split())


def test_every_test_book_says_where_it_comes_from():
    for book in sorted(p for p in BOOKS.iterdir() if p.is_dir()):
        assert (book / "content" / "book.yaml").is_file(), book.name
        assert list((book / "content" / "chapters").glob("*.md")), book.name
        yaml_head = (book / "content" / "book.yaml").read_text("utf-8").split("\n", 1)[0]
        # Others' text says where it came from and under which licence; ours says what it is for.
        assert (book / "SOURCE.md").is_file() or yaml_head.startswith("# A test book"), book.name
    assert "licence" in (BOOKS / "README.md").read_text("utf-8").lower()


# --- one book per feature ---------------------------------------------------------------

def test_a_book_without_apparatus_has_none_in_any_edition(built_book):
    book = built_book("plain")
    assert sorted(p.name for p in book.html.glob("*.html")) == ["01-opening.html", "02-closing.html",
                                                                 "index.html", "search.html"]
    assert unit_names(book.epub)[-2:] == ["Opening", "Closing"]
    documents = "".join(d.decode() for n, d in epub_files(book.epub).items() if n.endswith(".xhtml"))
    types = set(" ".join(re.findall(r'epub:type="([^"]+)"', documents)).split())
    assert not types & {"index", "bibliography", "footnote", "noteref", "backmatter"}, types
    pages = pdf_full_page_texts(book.pdf)
    assert not any(t.lstrip().startswith(("Index", "Bibliography", "Chronology", "A note on the text"))
                   for t in pages)
    assert sorted(p.name for p in book.out.iterdir() if p.is_file() and not p.name.startswith(".")) == \
        ["plain-book.epub", "plain-book.pdf"]  # no chronology data files


def test_parts_nest_their_chapters(built_book):
    book = built_book("parts")
    nav = etree.fromstring(epub_files(book.epub)["EPUB/nav.xhtml"])
    top = [" ".join("".join(li.find("x:a", XHTML).itertext()).split())
           for li in nav.find(".//x:nav[@id='toc']/x:ol", XHTML).findall("x:li", XHTML)]
    assert top == ["Opening", "Part I. The First Part", "Part II. The Second Part", "An Appendix"]
    first = nav.find(".//x:nav[@id='toc']/x:ol", XHTML).findall("x:li", XHTML)[1]
    assert [" ".join("".join(a.itertext()).split()) for a in first.findall("x:ol/x:li/x:a", XHTML)] == \
        ["1. The First Chapter", "2. The Second Chapter"]
    part = html_pages(book.html)["02-first.html"]
    assert [a.get("href") for a in part.xpath("//main//nav[contains(@class, 'part-contents')]//a")] == \
        ["03-one.html", "04-two.html"]
    reader = pypdf.PdfReader(str(book.pdf))
    full = pdf_full_page_texts(book.pdf)
    third = next(i for i, t in enumerate(full) if "The Third Chapter" in t and "Chapters are numbered" in t)
    assert third % 2 == 0, "a chapter opens on a recto"
    assert reader.page_labels[third] != "1"  # one count of pages for the whole book
    assert "1.1 A numbered section" in " ".join(full[third - 6:third])  # the section's number shown


def test_footnotes_in_every_edition(built_book):
    book = built_book("footnotes")
    page = html_pages(book.html)["01-one.html"]
    notes = [" ".join(li.text_content().split()) for li in page.xpath("//li[@role='doc-endnote']")]
    assert len(notes) == 2 and notes[0].startswith("The first note.")
    assert notes[1].startswith("The second note.") and "Its second paragraph." in notes[1]
    assert page.xpath("//li[@role='doc-endnote'][2]//span[@class='footnote-para']")  # its second paragraph
    second = html_pages(book.html)["02-two.html"]
    assert [a.text_content() for a in second.xpath("//a[@role='doc-noteref']")] == ["1"]  # from 1 in each unit
    files = epub_files(book.epub)
    asides = [n for n, d in files.items() if n.endswith(".xhtml") and b'epub:type="footnote"' in d]
    assert len(asides) == 2
    pages = [" ".join(t.split()) for t in pdf_full_page_texts(book.pdf)]
    page = next(t for t in pages if "The first claim." in t)
    assert page.index("The second claim.") < page.index("The first note.") < page.index("Its second paragraph.")


def test_an_image_with_its_text_alternative_in_every_edition(built_book):
    book = built_book("images")
    alt = "A black square crossed from corner to corner by a red line"
    img = html_pages(book.html)["01-one.html"].xpath("//main//img")[0]
    assert img.get("alt") == alt
    assert (book.html / img.get("src")).read_bytes() == (BOOKS / "images/content/images/diagram.png").read_bytes()
    files = epub_files(book.epub)
    assert any(n.startswith("EPUB/media/") and d == (BOOKS / "images/content/images/diagram.png").read_bytes()
               for n, d in files.items())
    reader = pypdf.PdfReader(str(book.pdf))
    assert sum(len(page.images) for page in reader.pages) >= 1


def test_the_index_lists_headings_sub_headings_and_cross_references(built_book):
    book = built_book("index")
    pages = html_pages(book.html)
    index = main_text(next(r for n, r in pages.items() if n.endswith("-index.html")))
    assert "beacon. See lighthouse" in index
    assert "harbour, Opening, Conclusion. See also lighthouse" in index
    assert "northern, Opening, Conclusion" in index  # Opening: in a table (issue 16's one AST walker)
    assert "Keeper, Ann, Opening" in index
    for link in next(r for n, r in pages.items() if n.endswith("-index.html")).xpath("//a[@class='ix-loc']"):
        name, _, ident = link.get("href").partition("#")
        assert pages[name].xpath(f"//*[@id='{ident}']"), link.get("href")
    printed = " ".join(pdf_full_page_texts(book.pdf)[-1].split())
    assert re.search(r"lighthouse, \d+(–\d+)?", printed), printed


def test_the_index_marks_a_term_in_a_table(built_book):
    book = built_book("index")
    cells = html_pages(book.html)["01-one.html"].xpath("//main//td")
    assert any(cell.xpath(".//span[contains(@class, 'index-mark')]") for cell in cells)


def test_the_bibliography_groups_its_entries_and_lists_the_uncited_one(built_book):
    book = built_book("bibliography")
    pages = html_pages(book.html)
    bib = pages["02-bibliography.html"]
    assert [h.text_content() for h in bib.xpath("//h2[@class='bib-group-title']")] == ["Primary sources",
                                                                                   "Secondary sources"]
    assert {li.get("id") for li in bib.xpath("//li[@class='csl-entry']")} == \
        {"ref-harbour-act-1850", "ref-smith-2020", "ref-jones-1999"}
    text = main_text(pages["01-one.html"])
    assert "(Smith 2020, 12–14)" in text  # chicago-author-date, from the toolchain's styles/csl/
    assert len(bib.xpath("//span[@class='bib-cited']/a")) == 2  # jones-1999 is cited nowhere
    assert "Bibliography" in [t for t in unit_names(book.epub)]


def test_the_chronology_orders_its_events_and_writes_its_data(built_book):
    book = built_book("chronology")
    records = json.loads((book.out / "chronology-book-chronology.json").read_text("utf-8"))
    assert [(r["date_written"], r["anchor"]) for r in records] == [
        ("1\u00a0March 1850", "ev-port"), ("1870–1879", "ev-quays"), ("c.\u00a01901", "ev-light")]
    page = html_pages(book.html)["03-chronology.html"]
    assert [h.text_content() for h in page.xpath("//main//h2")] == ["The nineteenth century",
                                                                    "The twentieth century"]
    csv = (book.out / "chronology-book-chronology.csv").read_text("utf-8")
    assert csv.count("\n") == 4 and "The port opens." in csv


def test_the_note_on_the_text_lists_the_emendations_and_the_lacuna_shows(built_book):
    book = built_book("emendations")
    pages = html_pages(book.html)
    note = main_text(pages["02-note-on-text.html"])
    assert "Two slips have been corrected" in note
    assert "the the harbour" in note and "A wrong pronoun." in note
    text = main_text(pages["01-one.html"])
    assert "they were built" in text and "it were built" not in text
    lacuna = pages["01-one.html"].xpath("//span[@class='lacuna']")
    assert len(lacuna) == 1 and "[\u2026]" in lacuna[0].text_content()
    assert "A note on the text" in unit_names(book.epub)
    printed = " ".join(" ".join(pdf_full_page_texts(book.pdf)).split())
    assert "A note on the text" in printed and "a manuscript written for these tests" in printed


def test_the_fidelity_check_reads_a_books_manuscript(built_book, tmp_path):
    from press.gates import Editions
    from press.gates.text import fidelity

    book = built_book("manuscript")
    result = fidelity(Editions(book.out, book.slug, book.root))
    assert not result.skipped and result.findings == []
    assert result.summary == "Fidelity: 6 of 6 in web, 6 of 6 in epub, 6 of 6 in pdf (manuscript sentences)"
    out = tmp_path / "dist"
    shutil.copytree(book.out, out)
    page = out / "html" / "02-light.html"
    tree = lxml_html.parse(str(page))
    paragraph = tree.getroot().xpath("//main//p[contains(., 'lighthouse stood')]")[0]
    paragraph.getparent().remove(paragraph)
    tree.write(str(page), method="html", encoding="utf-8")
    found = fidelity(Editions(out, book.slug, book.root)).findings
    assert [f.path for f in found] == ["html", "html"]  # the paragraph's two sentences, in the web edition
    assert "The lighthouse stood on the northern rock." in found[0].message


def test_the_fidelity_check_skips_a_book_without_manuscript(built_book):
    from press.gates import Editions
    from press.gates.text import fidelity

    book = built_book("plain")
    assert "no content/source/fidelity.yaml" in fidelity(Editions(book.out, book.slug, book.root)).skipped


# --- whole books of other shapes -----------------------------------------------------------

def test_a_spanish_book_is_spanish_in_every_edition(built_book):
    """The language reaches every edition; hyphenation follows it; the interface words are
    templates/locale/es.yaml's (tests/test_spanish.py checks them in every edition)."""
    book = built_book("terminal-es")
    for name, root in html_pages(book.html).items():
        assert root.get("lang") == "es", name
    assert epub_opf(book.epub).findtext(".//dc:language", namespaces=XHTML) == "es"
    assert pypdf.PdfReader(str(book.pdf)).trailer["/Root"]["/Lang"] == "es"
    text = html_text(book.html)
    assert "¿Por qué usarlo?" in text and "$ whoami" in text
    code = html_pages(book.html)["03-navegacion.html"].xpath("//main//pre/code")
    assert len(code) >= 5 and code[0].text_content().strip() == "$"
    assert "Navegación de archivos y directorios" in epub_text(book.epub)
    assert html_pages(book.html)["index.html"].xpath("string(//*[@id='home-contents'])") == "Índice"


def test_a_novel_in_books_numbers_its_parts_and_chapters_in_words_and_roman(built_book):
    book = built_book("two-cities")
    names = unit_names(book.epub)
    assert names[-5:] == ["Part the First. Recalled to Life", "I. The Period", "II. The Mail",
                          "Part the Second. The Golden Thread", "I. Five Years Later"]
    text = " ".join(html_text(book.html).split())
    assert text.startswith("Recalled to Life") or "It was the best of times, it was the worst of times" in text
    assert "\u2014" in text and "--" not in text  # Dickens's dashes, as em dashes
    assert html_pages(book.html)["index.html"].get("lang") == "en-GB"
    full = pdf_full_page_texts(book.pdf)
    assert any("It was the best of times" in t for t in full)
