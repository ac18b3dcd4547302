"""The bibliography: citations resolved by citeproc, groups, back-references,
and the checks on citation keys and the references file."""

from __future__ import annotations

import re

import pypdf

from press.errors import EXIT_CONTENT

from .artefacts import epub_files, html_pages, pdf_destinations, pdf_full_page_texts, pdf_internal_links

REFERENCES = """\
references:
  - id: law-1
    type: legislation
    title: Law on the diplomatic career
    number: "6602"
    genre: Law
    jurisdiction: Peru
    issued: {date-parts: [[1929]]}
    custom: {group: primary}
  - id: smith-2020
    type: book
    title: A history of treaties
    author: [{family: Smith, given: Ann}]
    publisher: Test Press
    issued: {date-parts: [[2020]]}
    custom: {group: secondary}
"""

SETTINGS = """
bibliography:
  references: "references.yaml"
  style: "csl/chicago-author-date.csl"
  groups:
    primary: "Primary sources"
    secondary: "Secondary sources"
"""


def make(tiny, body: str, references: str = REFERENCES, settings: str = SETTINGS):
    from .conftest import REPO

    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text + settings)
    tiny.write("content/references.yaml", references)
    for name in ("chicago-author-date.csl", "apa.csl"):
        tiny.write(f"content/csl/{name}", (REPO / "styles" / "csl" / name).read_bytes())
    tiny.chapter("01-one.md", "One", body, kind="introduction")


def test_citations_become_links_to_entries_in_groups(tiny):
    make(tiny, "The [Law 6602]{.cite key=law-1} was passed.[^1]\n\n[^1]: See [@smith-2020, 12].")
    assert tiny.build("all", "--strict") == 0
    pages = html_pages(tiny.out / "html")
    bib = next(root for name, root in pages.items() if name.endswith("-bibliography.html"))
    groups = [h.text_content() for h in bib.xpath("//h2[@class='bib-group-title']")]
    assert groups == ["Primary sources", "Secondary sources"]
    entries = {li.get("id"): li.text_content() for li in bib.xpath("//li[@class='csl-entry']")}
    # The entries get the body's typography: "No. 6602" does not break (transform.typography).
    assert "Law No.\u00a06602" in entries["ref-law-1"]
    entries = {key: text.replace("\u00a0", " ") for key, text in entries.items()}
    assert "Smith, Ann. 2020. A History of Treaties. Test Press." in entries["ref-smith-2020"]
    chapter = pages["01-one.html"]
    link = chapter.xpath("//span[@class='citation']/a")[0]
    assert link.text_content() == "Law\u00a06602" and link.get("href").endswith("-bibliography.html#ref-law-1")
    # pandoc's own syntax, rendered by citeproc in the book's style, adds nothing else to the sentence.
    assert "(Smith 2020, 12)" in chapter.xpath("//section[@class='footnotes']")[0].text_content()
    # Back-references from each entry to the places that cite it.
    for a in bib.xpath("//span[@class='bib-cited']/a"):
        name, _, ident = a.get("href").partition("#")
        assert pages[name].xpath(f"//*[@id='{ident}']")


def test_switching_the_style_restyles_every_edition(tiny):
    make(tiny, "See [@smith-2020] and [the law]{.cite key=law-1}.", settings=SETTINGS.replace("chicago-author-date.csl", "apa.csl"))
    assert tiny.build("all", "--strict") == 0
    pages = html_pages(tiny.out / "html")
    assert "(Smith, 2020)" in pages["01-one.html"].xpath("//main")[0].text_content()
    bib = next(root for name, root in pages.items() if name.endswith("-bibliography.html"))
    assert "Smith, A. (2020)." in bib.xpath("//li[@id='ref-smith-2020']")[0].text_content()
    files = epub_files(tiny.out / "tiny.epub")
    assert any(b"Smith, A. (2020)." in data for name, data in files.items() if name.endswith(".xhtml"))
    assert "Smith, A. (2020)." in " ".join(pdf_full_page_texts(tiny.out / "tiny.pdf"))


def test_pdf_back_references_are_pages(tiny):
    make(tiny, "[Law 6602]{.cite key=law-1}.\n\n" + "\n\n".join(["Filler text. " * 60] * 10)
         + "\n\n[Smith]{.cite key=smith-2020} and [Law 6602]{.cite key=law-1} again.")
    assert tiny.build("pdf", "--strict") == 0
    pdf = tiny.out / "tiny.pdf"
    labels = pypdf.PdfReader(str(pdf)).page_labels
    pages = pdf_full_page_texts(pdf)
    last = labels[next(i for i, t in enumerate(pages) if "again." in t)]
    text = re.sub(r"[ \r\n\t]+", " ", " ".join(pages))
    # No-break spaces tie "on" to "p." and the last number to the one before it.
    assert f"Cited on\u00a0pp.\u00a01,\u00a0{last}" in text or f"Cited on\u00a0pp.\u00a01\u2013{last}" in text
    assert f"Cited on\u00a0p.\u00a0{last}" in text


def test_unknown_citation_key_stops_the_build_with_its_line(tiny, capsys):
    make(tiny, "Text.\n\nThe [Law]{.cite key=nope} and [@missing].")
    assert tiny.build("html") == EXIT_CONTENT
    err = capsys.readouterr().err
    assert "error: content/chapters/01-one.md:8: citation of 'nope': no such entry" in err
    assert "error: content/chapters/01-one.md:8: citation of 'missing': no such entry" in err


def test_a_references_file_that_does_not_parse_names_its_line(tiny, capsys):
    make(tiny, "The [Law]{.cite key=law-1}.", references=REFERENCES.replace("    genre: Law\n", "    genre: [Law\n"))
    assert tiny.build("html") == EXIT_CONTENT
    assert re.search(r"error: content/references\.yaml:\d+: YAML syntax error", capsys.readouterr().err)


def test_uncited_entry_warns_fails_strict_unless_listed(tiny, capsys):
    make(tiny, "The [Law]{.cite key=law-1}.")
    assert tiny.build("html") == 0
    assert "content/references.yaml:10: reference 'smith-2020' is never cited" in capsys.readouterr().err
    assert tiny.build("html", "--strict") == EXIT_CONTENT
    make_listed = SETTINGS + '  uncited: ["smith-2020"]\n'
    text = (tiny.content / "book.yaml").read_text("utf-8").replace(SETTINGS, make_listed)
    tiny.write("content/book.yaml", text)
    assert tiny.build("html", "--strict") == 0


# --- the whole test book (tests/books/franklin) -----------------------------------

CITED = ["bunyan-1678", "plutarch-1683", "defoe-1697", "mather-1702", "mather-1710", "spectator-1711"]


def test_whole_book_bibliography_has_every_entry_and_back_references_resolve(whole):
    pages = html_pages(whole.html)
    bib = next(root for name, root in pages.items() if name.endswith("-bibliography.html"))
    ids = {li.get("id").removeprefix("ref-") for li in bib.xpath("//li[@class='csl-entry']")}
    assert ids == set(CITED) | {"pine-1916"}  # the one uncited entry that book.yaml lists
    groups = [h.text_content() for h in bib.xpath("//h2[@class='bib-group-title']")]
    assert groups == ["Books Franklin read", "Editions of the autobiography"]
    assert len(bib.xpath("//span[@class='bib-cited']/a")) == len(CITED)
    for a in bib.xpath("//span[@class='bib-cited']/a"):
        name, _, ident = a.get("href").partition("#")
        assert pages[name].xpath(f"//*[@id='{ident}']"), a.get("href")
    for name, root in pages.items():
        for a in root.xpath("//span[@class='citation']/a"):
            page, _, ident = a.get("href").partition("#")
            assert pages[page].xpath(f"//*[@id='{ident}']")
    files = epub_files(whole.epub)
    nav = files["EPUB/nav.xhtml"].decode()
    assert 'epub:type="bibliography"' in nav


def test_whole_book_pdf_back_references_point_at_pages_that_cite(whole):
    """'Cited on p. N': the page labelled N carries the cited name."""
    pdf = whole.pdf
    labels = pypdf.PdfReader(str(pdf)).page_labels
    destinations = {name: page for name, page in pdf_destinations(pdf).items() if name.startswith("cite")}
    names = {}
    for root in html_pages(whole.html).values():
        for span in root.xpath("//span[@class='citation']"):
            names[span.get("id")] = re.sub(r"[\s\u00ad\u2010-]+", "", span.text_content())
    body = [re.sub(r"[\s\u00ad\u2010-]+", "", t) for t in pdf_full_page_texts(pdf)]
    assert len(destinations) == len(CITED)
    for ident, page in destinations.items():
        assert names[ident][:6] in body[page], (ident, labels[page])  # the name may run over the page


def test_whole_book_pdf_cited_on_numbers_are_the_pages_of_the_citations(whole):
    pdf = whole.pdf
    labels = pypdf.PdfReader(str(pdf)).page_labels
    destinations = pdf_destinations(pdf)
    text = pdf_full_page_texts(pdf)
    start = next(i for i, t in enumerate(text) if t.lstrip().startswith("Bibliography"))
    links = [(d, shown) for _p, d, shown in pdf_internal_links(pdf, range(start, start + 4)) if d.startswith("cite")]
    for dest, shown in links:
        assert shown.split("\u2013")[0] == labels[destinations[dest]], (dest, shown)
    assert len(links) == len(CITED)


def test_whole_book_epub_back_references_resolve(whole):
    files = epub_files(whole.epub)
    bib = next(c for n, c in files.items() if n.endswith(".xhtml") and b'class="bib-cited"' in c).decode()
    links = re.findall(r'<span class="bib-cited">(.*?)</span>', bib)
    targets = [t for chunk in links for t in re.findall(r'href="([^"]+)"', chunk)]
    assert len(targets) == len(CITED)
    for href in targets:
        name, _, ident = href.partition("#")
        assert f'id="{ident}"' in files["EPUB/text/" + name].decode()
