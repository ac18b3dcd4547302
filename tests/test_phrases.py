"""One Markdown dialect: every phrase of the book (book.yaml's title, a unit's
title and byline, a chronology event, an era title, an index heading, an
emendation) reads as the body would, in every edition and in the data files;
the interface's words are typeset like the text (press.book.phrases)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from lxml import etree

from press.cli import main

from .artefacts import XHTML, epub_files, epub_opf, html_pages, pdf_full_page_texts
from .conftest import TinyBook, source_date_epoch

# Superscript, subscript, emphasis, quotes, a spaced "--" and "..." in each.
TITLE = 'Seas of 50,000 km^2^ and H~2~O: *Salt*, "Tides" -- and more...'
UNIT = 'The *Sea* of 4 km^2^: "Waves" -- H~2~O...'
BYLINE = 'By *Ana* "Sailor" Pérez -- 3 km^2^...'
EVENT = 'A "treaty" adds 50,000 km^2^ of *sea* and H~2~O -- at last...'
ERA = '1990-2000: "New" *seas* of km^2^ -- H~2~O...'
HEADING = '"Brine" *of* km^2^ -- H~2~O...'
NOTE = 'A "slip" of km^2^ -- H~2~O...'

# As the body's reader and typography make them (pandoc's HTML).
RENDERED = {
    "title": "Seas of 50,000\u00a0km<sup>2</sup> and H<sub>2</sub>O: <em>Salt</em>, \u201cTides\u201d \u2013 and more\u2026",
    "unit": "The <em>Sea</em> of 4\u00a0km<sup>2</sup>: \u201cWaves\u201d \u2013 H<sub>2</sub>O\u2026",
    "byline": "By <em>Ana</em> \u201cSailor\u201d Pérez \u2013 3\u00a0km<sup>2</sup>\u2026",
    "event": "A \u201ctreaty\u201d adds 50,000\u00a0km<sup>2</sup> of <em>sea</em> and H<sub>2</sub>O \u2013 at last\u2026",
    "era": "1990\u20132000: \u201cNew\u201d <em>seas</em> of km<sup>2</sup> \u2013 H<sub>2</sub>O\u2026",
    "heading": "\u201cBrine\u201d <em>of</em> km<sup>2</sup> \u2013 H<sub>2</sub>O\u2026",
    "note": "A \u201cslip\u201d of km<sup>2</sup> \u2013 H<sub>2</sub>O\u2026",
}

BOOK_YAML = f"""\
title: '{TITLE}'
slug: "tiny"
language: "en"
authors:
  - name: "Ana O'Brien"
    affiliation: "St Mary's College"
publishers:
  - name: "Test Press"
isbn:
  pdf: "978-9972-671-78-4"
edition: "1st edition, 2021"
date: "2021-02"
rights: "All rights reserved."
chronology:
  themes:
    sea: "The sea"
  eras:
    - {{start: "1900", end: "2099", title: '{ERA}'}}
"""

BODY = """\
[The treaty]{#ev-treaty} was signed over the brine, with six words lost [...]{.lacuna} and a typo corrected.
"""

INDEX_YAML = f"""\
entries:
  brine:
    heading: '{HEADING}'
    forms: ["brine"]
"""

EMENDATIONS = f"""\
emendations:
  - file: "chapters/01-one.md"
    original: "a typo corected"
    corrected: "a typo corrected"
    note: '{NOTE}'
"""

# A book's own interface words, typed with straight quotes.
LOCALE_OVERRIDE = {"contents": "What's in it", "chronology": "The \"dates\""}

LEFTOVERS = re.compile(r"\^|~|\*|\"|(?<![\w])'|'(?![\w])|\s--\s|\.\.\.")


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> TinyBook:
    tiny = TinyBook(tmp_path_factory.mktemp("phrases") / "book")
    tiny.write("content/book.yaml", BOOK_YAML)
    event = f"chronology:\n  - date: \"1995\"\n    event: '{EVENT}'\n    anchor: \"ev-treaty\"\n    theme: \"sea\""
    tiny.chapter("01-one.md", UNIT.replace('"', '\\"'), BODY, kind="introduction",
                 extra=f"byline: '{BYLINE}'\n{event}")
    tiny.write("content/index.yaml", INDEX_YAML)
    tiny.write("content/emendations.yaml", EMENDATIONS)
    locale = tiny.own("templates/locale/en.yaml")  # the book's own copy overrides the toolchain's
    text = locale.read_text("utf-8")
    for key, value in LOCALE_OVERRIDE.items():
        text = re.sub(rf"^{key}: .*$", f"{key}: {json.dumps(value)}", text, flags=re.M)
    locale.write_text(text, "utf-8")
    with source_date_epoch():
        assert main(["all", "--root", str(tiny.root), "--out", str(tiny.out), "--quiet", "--strict"]) == 0
    return tiny


def assert_clean(text: str, where: str) -> None:
    found = LEFTOVERS.findall(text)
    assert not found, f"source markup or untypeset punctuation in {where}: {found}"


def serialised(root) -> str:
    """The HTML of a page as written (entities resolved), without XHTML's namespace declarations."""
    return etree.tostring(root, encoding="unicode", method="html").replace(' xmlns="http://www.w3.org/1999/xhtml"', "")


def test_web_edition_renders_phrases_as_the_body(book):
    pages = html_pages(book.out / "html")
    web = {name: serialised(page) for name, page in pages.items()}
    for key, where in (("title", "index.html"), ("title", "01-one.html"), ("unit", "01-one.html"),
                       ("unit", "index.html"), ("byline", "01-one.html"), ("event", "-chronology.html"),
                       ("era", "-chronology.html"), ("heading", "-index.html"), ("note", "-note-on-text.html")):
        page = next(text for name, text in web.items() if name.endswith(where))
        assert RENDERED[key] in page, (key, where)
    for name, page in pages.items():
        assert_clean(page.xpath("//body")[0].text_content(), name)
        assert_clean(page.findtext(".//title"), f"{name} <title>")
    # Plain text where no markup can go: km², H₂O.
    title = pages["01-one.html"].findtext(".//title")
    assert title.startswith("The Sea of 4\u00a0km\u00b2: \u201cWaves\u201d \u2013 H\u2082O\u2026 · Seas of"), title


def test_epub_renders_phrases_as_the_body(book):
    files = epub_files(book.out / "tiny.epub")
    docs = {name: etree.fromstring(data) for name, data in files.items() if name.startswith("EPUB/text/")}
    text = "\n".join(serialised(doc) for doc in docs.values())
    for key in ("unit", "byline", "event", "era", "heading", "note"):
        assert RENDERED[key] in text, key
    for name, doc in docs.items():
        assert_clean("".join(doc.find("x:body", XHTML).itertext()), name)
    title = epub_opf(book.out / "tiny.epub").findtext(".//dc:title", namespaces=XHTML)
    assert title == "Seas of 50,000\u00a0km\u00b2 and H\u2082O: Salt, \u201cTides\u201d \u2013 and more\u2026"


def test_print_edition_renders_phrases_as_the_body(book):
    import pypdf

    pdf = book.out / "tiny.pdf"
    text = "\n".join(pdf_full_page_texts(pdf))
    assert_clean(text, "the PDF")
    for typed in ("\u201cTides\u201d", "\u201cWaves\u201d", "\u201cSailor\u201d", "\u201ctreaty\u201d",
                  "\u201cNew\u201d", "\u201cBrine\u201d", "\u201cslip\u201d", "1990\u20132000"):
        assert typed in text, typed
    reader = pypdf.PdfReader(str(pdf))
    assert reader.metadata.title.startswith("Seas of 50,000\u00a0km\u00b2 and H\u2082O")
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert any(t.startswith("The Sea of 4\u00a0km\u00b2: \u201cWaves\u201d") for t in outline), outline
    for title in outline:
        assert_clean(title, "a PDF bookmark")


def test_print_edition_sets_superscripts_small(book):
    """In print, the superscript 2 of the title is set smaller than the text around it."""
    import pypdfium2

    page = next(p for p in pypdfium2.PdfDocument(str(book.out / "tiny.pdf"))
                if "Salt" in p.get_textpage().get_text_range())
    textpage = page.get_textpage()
    text = textpage.get_text_range()
    at = text.index("km") + 2
    sizes = [pypdfium2.raw.FPDFText_GetFontSize(textpage.raw, i) for i in (at - 1, at)]
    assert text[at] == "2" and sizes[1] < sizes[0]


def test_data_files_give_plain_text(book):
    records = json.loads((book.out / "tiny-chronology.json").read_text("utf-8"))
    rows = list(csv.DictReader(io.StringIO((book.out / "tiny-chronology.csv").read_text("utf-8"))))
    expected = "A \u201ctreaty\u201d adds 50,000\u00a0km\u00b2 of sea and H\u2082O \u2013 at last\u2026"
    assert records[0]["event"] == expected and rows[0]["event"] == expected
    assert records[0]["theme_label"] == "The sea"


def test_interface_words_are_typeset_in_every_edition(book):
    """ "Editor's note" (the project's words) and a book's own words, typed straight, print curly."""
    pages = html_pages(book.out / "html")
    web = "\n".join(p.xpath("//body")[0].text_content() for p in pages.values())
    epub = "\n".join(d.decode("utf-8") for n, d in epub_files(book.out / "tiny.epub").items() if n.endswith("html"))
    pdf = "\n".join(pdf_full_page_texts(book.out / "tiny.pdf"))
    for name, text in (("web", web), ("epub", epub), ("pdf", pdf)):
        assert "O\u2019Brien" in text and "O'Brien" not in text, name  # names as printed
        assert "St Mary\u2019s College" in text, name
        assert "Editor\u2019s note" in text and "Editor's" not in text, name
        assert "What\u2019s in it" in text and "What's" not in text, name
        assert "The \u201cdates\u201d" in text, name


def test_a_unit_titled_with_the_books_title_writes_it_the_same_way(tiny, capsys):
    """One title, capitalised one way: a unit that repeats it in another case is reported."""
    tiny.chapter("01-one.md", "a tiny book", "Text.", kind="introduction", extra='short_title: "A TINY"')
    assert tiny.build("all", "--strict") != 0
    err = capsys.readouterr().err
    assert ("content/chapters/01-one.md:2: the title is the book's title capitalised another way; "
            "write it as content/book.yaml does: 'A Tiny Book'") in err
    assert "content/chapters/01-one.md:4: the short title is the book's title capitalised another way" in err


def test_a_url_shown_as_itself_keeps_its_hyphens():
    """The body's typography makes 2010-2011 a range, but not inside an autolink's text."""
    from press.book.transform import typography

    link = {"t": "Link", "c": [["", ["uri"], []], [{"t": "Str", "c": "http://a.org/2010-2011"}],
                               ["http://a.org/2010-2011", ""]]}
    blocks = typography([{"t": "Para", "c": [link, {"t": "Space"}, {"t": "Str", "c": "2010-2011"}]}])
    assert blocks[0]["c"][0]["c"][1][0]["c"] == "http://a.org/2010-2011"
    assert blocks[0]["c"][2]["c"] == "2010\u20132011"


def test_index_headings_sort_by_their_plain_text(tiny):
    """"*Ayacucho*, Declaration of" files under A, not under the asterisk's "#"."""
    tiny.write("content/index.yaml", 'entries:\n  ayacucho:\n    heading: "*Ayacucho*, Declaration of"\n'
                                     '    forms: ["Ayacucho"]\n  zeta:\n    heading: "Zeta"\n    forms: ["Zeta"]\n')
    tiny.chapter("01-one.md", "One", "Ayacucho and Zeta.", kind="introduction")
    assert tiny.build("html", "--strict") == 0
    index = next(p for name, p in html_pages(tiny.out / "html").items() if name.endswith("-index.html"))
    assert [h.text_content() for h in index.xpath("//h2[@class='index-letter']")] == ["A", "Z"]
    assert "<em>Ayacucho</em>" in etree.tostring(index, encoding="unicode", method="html")


def test_a_phrase_that_is_not_inline_text_is_an_error_with_its_line(tiny, capsys):
    tiny.chapter("01-one.md", "One", "Text.", kind="introduction", extra='byline: "Ana^[a note in a byline]"')
    assert tiny.build("all", "--strict") != 0
    err = capsys.readouterr().err
    assert "content/chapters/01-one.md:4: a note cannot be in a title or a short text" in err
    assert not tiny.out.exists() or not any(tiny.out.iterdir())
