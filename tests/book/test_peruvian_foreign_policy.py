"""What only *200 Years of Peruvian Foreign Policy* is: its title pages, its
contents, its chapters' wording in print, in the EPUB and on the web, the size
of its apparatus, and the release checks on it.

These were the toolchain's tests when they ran on this book; the toolchain's
own now run on tests/books/ (the same checks on tests/books/franklin), and
these stay, as this book's, to say that its editions are what they were. They
are skipped when content/ holds another book (tests/book/conftest.py).
"""

from __future__ import annotations

import json
import re
import shutil

import pypdf
import pytest
from lxml import etree

from press.gates import Editions
from press.source.config import Paths
from press.gates.proofreading import CATEGORIES, proof_report, write_report

from ..artefacts import (XHTML, epub_files, epub_opf, epub_unit_headings, html_pages, pdf_full_page_texts,
                         pdf_margin_texts, pdf_outline, pdf_page_texts)
from ..conftest import REPO
from ..test_pagemarks import assert_markers_start_their_pages, back_files, epub_markers, page_list, web_markers

pytestmark = pytest.mark.slow  # builds the real book


@pytest.fixture(scope="module")
def pdf(real_book, slug):
    return real_book / f"{slug}.pdf"


@pytest.fixture(scope="module")
def reader(pdf):
    return pypdf.PdfReader(str(pdf))


@pytest.fixture(scope="module")
def epub(real_book, slug):
    return real_book / f"{slug}.epub"


@pytest.fixture(scope="module")
def site(real_book):
    return real_book / "html"


@pytest.fixture(scope="module")
def pages(site):
    return html_pages(site)


# --- print ---------------------------------------------------------------------



def test_half_title_title_and_copyright_pages(pdf):
    pages = pdf_full_page_texts(pdf)
    # i half-title, ii blank, iii title page, iv copyright (its verso)
    assert "200 Years of Peruvian Foreign" in pages[0]
    assert not pages[1].strip()
    assert "Fabián Novak and Sandra Namihas" in pages[2]
    assert "ISBN 978-9972-671-78-4" in pages[3]
    assert "0000-0001-5125-1748" in pages[3] and "0000-0002-0936-5132" in pages[3]
    assert "Plaza Francia 1164" in pages[3] and "Av. Larco 109" in pages[3]


def test_contents_have_page_numbers_that_point_at_the_right_pages(reader, pdf):
    labels = reader.page_labels
    full = pdf_full_page_texts(pdf)
    contents = next(i for i, t in enumerate(full) if t.lstrip().startswith("Contents"))
    toc = full[contents] + full[contents + 1]
    match = re.search(r"Institutionalization of Torre Tagle[ .]*(\d+)", toc)
    assert match, toc[:500]
    page = labels.index(match.group(1))
    assert "Institutionalization of Torre Tagle" in full[page]
    assert "Days after the independence of Peru" in full[page]


def test_running_heads_book_title_on_versos_chapter_on_rectos(reader, pdf):
    margins = pdf_margin_texts(pdf)
    labels = reader.page_labels
    page = labels.index("10")  # deep inside chapter 2 of Part I
    verso, recto = (page, page + 1) if page % 2 == 1 else (page + 1, page)
    assert "200 Years of Peruvian Foreign Policy" in margins[verso][0]
    assert "Peruvian foreign policy guidelines" in margins[recto][0]
    for index, text in enumerate(pdf_full_page_texts(pdf)):
        if not text.strip():
            assert margins[index] == ("", ""), "a blank page carries no head or folio"


def test_footnote_is_at_the_foot_of_its_page(pdf):
    full = [" ".join(t.split()) for t in pdf_full_page_texts(pdf)]
    page = next(i for i, t in enumerate(full) if "Here are the results." in t)
    text = full[page]
    assert text.count("This document has been prepared based upon the book") == 1
    assert text.index("Here are the results.") < text.index("This document has been prepared")
    assert sum("This document has been prepared" in t for t in full) == 1  # no stray copies


def test_outline_has_parts_chapters_and_sections(reader):
    outline = pdf_outline(reader)
    assert (0, "Part I. Great guidelines of the Peruvian foreign policy and institutionalization of "
               "Torre Tagle (1821\u20132000)") in outline
    assert (1, "2. Peruvian foreign policy guidelines") in outline
    assert (2, "2.1 The search for recognition and expansion of external relations") in outline
    assert (0, "Conclusion") in outline


def test_metadata_title_authors_language_dates(reader):
    info = reader.metadata
    assert info.title == "200 Years of Peruvian Foreign Policy and Its Projection in a Changing World"
    assert info.author == "Fabián Novak, Sandra Namihas"
    assert info["/CreationDate"].startswith("D:20210201")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert "/StructTreeRoot" in reader.trailer["/Root"], "the PDF is tagged (PDF/UA-1)"


def test_typography_en_dashes_and_curly_quotes(pdf):
    text = "".join(pdf_page_texts(pdf))
    assert "1845\u20131851" in text and "1845-1851" not in text
    assert "\u201cTorre Tagle diplomacy.\u201d" in text
    assert "Peru\u2019s" in text


def test_manuscript_is_shipped_with_the_book():
    assert (REPO / "content" / "source" / "manuscript.txt").stat().st_size > 30000




# --- EPUB ----------------------------------------------------------------------



def test_metadata(epub):
    opf = epub_opf(epub)
    meta = opf.find("opf:metadata", XHTML)
    # The book gives no ISBN to its EPUB (content/book.yaml): a stable UUID of the book.
    import uuid
    assert meta.findtext("dc:identifier", namespaces=XHTML) == \
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'press:book:200-years-peruvian-foreign-policy')}"
    assert meta.findtext("dc:language", namespaces=XHTML) == "en"
    assert meta.findtext("dc:title", namespaces=XHTML).startswith("200 Years of Peruvian Foreign Policy")
    creators = [c.text for c in meta.findall("dc:creator", XHTML)]
    assert creators == ["Fabián Novak", "Sandra Namihas"]
    refines = {(m.get("refines"), m.get("property")): m.text for m in meta.findall("opf:meta", XHTML)}
    assert "aut" in refines.values() and "Novak, Fabián" in refines.values()
    assert "Instituto de Estudios Internacionales" in meta.findtext("dc:publisher", namespaces=XHTML)
    assert meta.findtext("dc:rights", namespaces=XHTML).startswith("All rights reserved")
    assert meta.findtext("dc:date", namespaces=XHTML).startswith("2021-02")
    props = [(m.get("property"), m.text) for m in meta.findall("opf:meta", XHTML)]
    for expected in [("schema:accessMode", "textual"), ("schema:accessibilityHazard", "none"),
                     ("schema:accessibilityFeature", "tableOfContents"),
                     ("schema:accessibilityFeature", "structuralNavigation")]:
        assert expected in props
    assert any(p == "schema:accessibilitySummary" and text for p, text in props)
    assert ("dcterms:modified", "2021-02-01T00:00:00Z") in props


def test_one_xhtml_file_per_unit_in_reading_order(epub):
    firsts = epub_unit_headings(epub)
    expected = ["200 Years of Peruvian Foreign Policy", "Part\u00a0I.", "1. Institutionalization",
                "2. Peruvian foreign policy guidelines", "3. Other positions", "Part\u00a0II.",
                "1. Consolidating", "2. Old and new guidelines", "Conclusion", "Authors", "A note on the text",
                "Bibliography", "Chronology", "Index"]
    body = [t for t in firsts if not t.startswith("Contents")]
    assert len(body) == len(expected)
    for title, start in zip(body, expected):
        assert title.startswith(start), (title, start)


def test_nav_nests_chapters_under_parts_and_lists_landmarks(epub):
    nav = etree.fromstring(epub_files(epub)["EPUB/nav.xhtml"])
    toc = nav.find(".//x:nav[@id='toc']/x:ol", XHTML)
    top = ["".join(li.find("x:a", XHTML).itertext()) for li in toc.findall("x:li", XHTML)]
    assert any(t.startswith("Part\u00a0I.") for t in top)
    assert not any(t.startswith("1. Institutionalization") for t in top)
    part = next(li for li in toc.findall("x:li", XHTML) if "".join(li.find("x:a", XHTML).itertext()).startswith("Part\u00a0I."))
    children = ["".join(a.itertext()) for a in part.findall("x:ol/x:li/x:a", XHTML)]
    assert children[0].startswith("1. Institutionalization of Torre Tagle")
    landmarks = {a.get(f"{{{XHTML['epub']}}}type") for a in nav.findall(".//x:nav[@id='landmarks']//x:a", XHTML)}
    assert {"cover", "titlepage", "toc", "bodymatter"} <= landmarks


def test_footnote_is_an_epub_footnote(epub):
    files = epub_files(epub)
    opening = next(c for n, c in files.items() if n.endswith(".xhtml") and b"Here are the results." in c)
    doc = etree.fromstring(opening)
    ref = doc.find(".//x:a[@role='doc-noteref']", XHTML)
    assert ref is not None and ref.get(f"{{{XHTML['epub']}}}type") == "noteref"
    note = doc.find(f".//x:aside[@id='{ref.get('href')[1:]}']", XHTML)
    assert note.get(f"{{{XHTML['epub']}}}type") == "footnote"
    assert "This document has been prepared" in "".join(note.itertext())




# --- web -----------------------------------------------------------------------



def test_home_page_has_cover_title_and_contents(pages, site):
    home = pages["index.html"]
    cover = home.xpath("//img[@class='cover']")[0]
    assert cover.get("alt") and (site / cover.get("src")).is_file()
    assert home.xpath("//h1")[0].text_content().startswith("200 Years of Peruvian Foreign Policy")
    assert len(home.xpath("//nav[@class='contents-page']//a")) > 20


def test_chapter_pages_have_previous_next_and_side_contents(pages):
    page = pages["04-guidelines.html"]
    assert page.xpath("//article[@class='unit kind-chapter']")
    assert page.xpath("//a[@rel='prev']")[0].get("href") == "03-institutionalization.html"
    assert page.xpath("//a[@rel='next']")[0].get("href") == "05-other-positions.html"
    assert page.xpath("//nav[@class='side-nav']//a[@href='04-guidelines.html#recognition']")


def test_footnote_becomes_a_linked_endnote(pages):
    page = pages["01-opening.html"]
    ref = page.xpath("//a[@role='doc-noteref']")[0]
    note = page.xpath(f"//li[@id='{ref.get('href')[1:]}']")[0]
    assert "This document has been prepared" in note.text_content()
    assert note.xpath(".//a[@role='doc-backlink']")[0].get("href") == f"#{ref.get('id')}"


def test_lacunae_are_visible_with_an_editors_note(pages):
    marks = [m for root in pages.values() for m in root.xpath("//span[@class='lacuna']")]
    assert len(marks) == 3
    for mark in marks:
        assert "[\u2026]" in mark.text_content() and "Editor" in mark.text_content()


def test_search_index_covers_the_text(site):
    script = (site / "assets" / "search-index.js").read_text("utf-8")
    records = json.loads(script.removeprefix("window.SEARCH_INDEX=").rstrip().rstrip(";"))
    assert any("Pérez de Cuéllar" in r["x"] for r in records)
    for record in records:
        assert (site / record["u"].split("#")[0]).is_file()




# --- apparatus -----------------------------------------------------------------



EXPECTED = ["novak-namihas-2020", "decree-1821-08-03", "decree-90-1846", "law-6602", "supreme-decree-326-1955",
            "organic-law-1969", "organic-law-1981", "organic-law-1992", "treaty-ancon-1883", "treaty-lima-1929",
            "act-execution-1999", "protocol-rio-1942", "brasilia-accords-1998", "act-washington-1925",
            "ilo-agreements-1992", "agreement-ecuador-2011", "rome-statute-1998", "unclos-1982",
            "democratic-charter-2001", "declaration-ayacucho-1974", "icj-peru-chile-2014"]


def test_real_book_bibliography_has_every_entry_and_back_references_resolve(real_book, slug):
    pages = html_pages(real_book / "html")
    bib = next(root for name, root in pages.items() if name.endswith("-bibliography.html"))
    ids = {li.get("id").removeprefix("ref-") for li in bib.xpath("//li[@class='csl-entry']")}
    assert set(EXPECTED) <= ids
    for a in bib.xpath("//span[@class='bib-cited']/a"):
        name, _, ident = a.get("href").partition("#")
        assert pages[name].xpath(f"//*[@id='{ident}']"), a.get("href")
    for name, root in pages.items():
        for a in root.xpath("//span[@class='citation']/a"):
            page, _, ident = a.get("href").partition("#")
            assert pages[page].xpath(f"//*[@id='{ident}']")
    files = epub_files(real_book / f"{slug}.epub")
    nav = files["EPUB/nav.xhtml"].decode()
    assert 'epub:type="bibliography"' in nav


def test_real_book_index_has_well_over_150_headings(real_book):
    pages = html_pages(real_book / "html")
    index = next(root for name, root in pages.items() if name.endswith("-index.html"))
    assert len(index.xpath("//li[@class='index-entry']")) > 150


def test_real_book_chronology_in_every_edition(real_book, slug):
    pages = html_pages(real_book / "html")
    page = next(root for name, root in pages.items() if name.endswith("-chronology.html"))
    # Each event's date as shown: its own term's (one term for events of one date).
    shown = [dd.xpath("preceding-sibling::dt[1]")[0].text_content()
             for dd in page.xpath("//dd[contains(@class, 'ch-event')]")]
    assert len(shown) > 120
    assert len(set(page.xpath("//dl/div/dt/text()"))) == len(page.xpath("//dl/div/dt")), "a date named twice"
    for link in page.xpath("//span[@class='ch-ref']/a"):
        name, _, ident = link.get("href").partition("#")
        assert pages[name].xpath(f"//*[@id='{ident}']"), link.get("href")
    image = page.xpath("//figure[@class='timeline']//img")[0]
    assert image.get("alt", "").startswith("Timeline of") and (real_book / "html" / image.get("src")).is_file()
    # The data files list the same events, in the same order.
    records = json.loads((real_book / f"{slug}-chronology.json").read_text("utf-8"))
    assert [r["date_written"] for r in records] == shown
    assert [r["anchor"] for r in records] == [a.get("href").split("#")[1]
                                              for a in page.xpath("//span[@class='ch-ref']/a")]
    files = epub_files(real_book / f"{slug}.epub")
    chronology = next(c for n, c in files.items() if n.endswith(".xhtml") and b'class="chronology-events"' in c)
    assert chronology.count(b"<dd") == len(shown)
    svg = [n for n in files if n.endswith(".svg")]
    assert len(svg) == 1
    assert re.search(rb'<img[^>]+alt="Timeline of[^"]+"', chronology)


@pytest.mark.slow
def test_real_book_markers_start_their_pdf_pages(real_book, slug):
    epub = real_book / f"{slug}.epub"
    markers = epub_markers(epub)
    labels = [label for _, label, _ in markers]
    assert len(markers) >= 30 and labels == [label for label, _ in page_list(epub)]
    assert len(page_list(epub, front=True)) == len(labels) + 2  # the title page, the copyright page
    assert labels == [str(n) for n in range(1, len(labels) + 1)]  # every page from the first of the text
    back = back_files(epub)
    assert back and any(name in back for name, _, _ in markers)  # the back matter's pages too
    units = [m for m in markers if m[0] not in back]
    assert_markers_start_their_pages(units, real_book / f"{slug}.pdf")
    web = web_markers(real_book / "html")
    assert [(label, after) for _, label, after in web][:len(units)] == [(label, after) for _, label, after in units]




# --- release checks and the proof report ----------------------------------------



@pytest.fixture(scope="module")
def real_check(real_book):
    """The fidelity check, which only this book has a manuscript for (the
    other checkers run on tests/books/franklin, and all of them in make check)."""
    from press.commands.check import check
    from press.progress import Progress

    results, _ = check(REPO, real_book, ["fidelity"], Progress(quiet=True))
    return {r.name: r for r in results}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["Fidelity"])
def test_the_real_book_passes(real_check, name):
    result = real_check[name]
    assert not result.skipped
    assert result.errors == [], "\n".join(f"{f.where()}: {f.message}" for f in result.errors)


@pytest.mark.slow
def test_the_real_books_summaries(real_check):
    assert re.match(r"Fidelity: (\d+) of \1 in web, \1 of \1 in epub, \1 of \1 in pdf", real_check["Fidelity"].summary)


@pytest.mark.slow
def test_fidelity_finds_a_dropped_sentence_in_the_real_book(real_book, tmp_path):
    from press.gates.text import fidelity

    out = tmp_path / "dist"
    shutil.copytree(real_book, out)
    page = out / "html" / "09-conclusion.html"
    from lxml import html as lxml_html

    tree = lxml_html.parse(str(page))
    paragraph = next(p for p in tree.getroot().xpath("//main//p") if len(p.text_content()) > 200)
    paragraph.getparent().remove(paragraph)
    tree.write(str(page), method="html", encoding="utf-8")
    found = [f for f in fidelity(Editions(out, real_book_slug(), REPO)).findings]
    assert found and {f.path for f in found} == {"html"}  # the web edition; the other two are intact


def real_book_slug() -> str:
    from press.source.config import Paths, load_config

    return load_config(Paths(REPO)).slug


@pytest.mark.slow
def test_real_book_report(tmp_path):
    paths = Paths(REPO)
    report = proof_report(paths)
    assert set(report.counts()) == set(CATEGORIES)
    # The authors' doubled words ("also to also to") are emended (content/emendations.yaml):
    # none is left. Finding one, with its line, is the tiny book's test above.
    assert [f for f in report.of("typography") if "doubled word" in f.message] == []
    # Every finding points at a line that exists and holds what it names.
    for finding in report.findings:
        lines = (REPO / finding.path).read_text("utf-8").split("\n")
        assert finding.line is not None and 1 <= finding.line <= len(lines), finding
        if finding.category in ("spelling", "typography") and finding.text.strip():
            assert finding.text.strip() in lines[finding.line - 1], finding
    assert write_report(report, tmp_path) == ["report.html", "report.json"]
