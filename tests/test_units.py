"""Kinds of unit and parts (issue 17, 1): front and back matter, books with and without parts, in every edition."""

from __future__ import annotations

import re

import pypdf
import pytest
from lxml import etree

from press.errors import EXIT_CONTENT
from tests.artefacts import (epub_files, html_pages, pdf_full_page_texts, pdf_margin_texts, pdf_outline,
                             pdf_page_texts)

X = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def errors(capsys) -> list[str]:
    return [line.removeprefix("error: ") for line in capsys.readouterr().err.splitlines()
            if line.startswith("error: ")]


def test_a_book_that_opens_with_a_part_has_the_right_folios_index_and_page_list(built_book):
    book = built_book("opens-with-part")
    reader = pypdf.PdfReader(str(book.pdf))
    labels = reader.page_labels
    texts = pdf_page_texts(book.pdf)
    margins = pdf_margin_texts(book.pdf)
    first = next(i for i, t in enumerate(texts) if t.strip().startswith("Part I"))
    assert labels[first] == "1" and all(label.isalpha() for label in labels[:first])
    # Every printed folio is its PDF page label.
    for index, (head, foot) in enumerate(margins[first:], start=first):
        printed = [w for w in (head + " " + foot).split() if w.isdigit()]
        assert printed in ([], [labels[index]]), (index, head, foot)
    harbour = next(i for i, t in enumerate(texts) if "The Harbour" in t and i > first)
    contents = next(t for t in texts if "Contents" in t)
    assert re.search(r"The Harbour[ .]*(\d+)", contents).group(1) == labels[harbour] == "3"
    index_page = next(t for t in texts[harbour:] if "lighthouse," in t)
    light = next(i for i, t in enumerate(texts) if "The Light" in t and i > harbour)
    assert f"lighthouse, {labels[light]}" in " ".join(index_page.split())
    nav = etree.fromstring(epub_files(book.epub)["EPUB/nav.xhtml"])
    pages = [a.text for a in nav.iterfind(".//x:nav[@id='page-list']//x:a", X)]
    assert [p for p in pages if p.isdigit()] == [str(n) for n in range(1, len(pages) - 1)]


def test_chapters_are_numbered_through_a_book_without_parts_one_unnumbered(built_book):
    book = built_book("no-parts")
    pages = html_pages(book.out / "html")
    toc = pages["index.html"]
    numbers = [" ".join(li.xpath("./a/span[@class='toc-number']/text()")) for li in toc.iterfind(".//li")
               if "toc-chapter" in (li.get("class") or "")]
    assert numbers == ["1", "2", "", "3"]
    reader = pypdf.PdfReader(str(book.pdf))
    outline = pdf_outline(reader)
    assert (0, "An Interlude") in outline and (0, "3. The Light") in outline  # chapters at the first level


def test_front_and_back_matter_kinds_in_the_epub(built_book):
    book = built_book("front-back")
    files = epub_files(book.epub)
    sections = {}
    for name, data in files.items():
        if name.startswith("EPUB/text/ch"):
            for section in etree.fromstring(data).iterfind(".//x:section", X):
                if section.get(EPUB_TYPE):
                    sections[section.get("id")] = (section.get(EPUB_TYPE), section.get("role"))
    expected = {"dedication": "dedication", "epigraph": "epigraph", "foreword": "foreword", "preface": "preface",
                "acknowledgements": "acknowledgments", "introduction": "introduction", "harbour": "chapter",
                "tides": "appendix", "charts": "appendix", "glossary": "glossary", "afterword": "afterword"}
    for ident, kind in expected.items():
        assert sections[ident] == (kind, f"doc-{kind}"), ident
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    marks = [(a.get(EPUB_TYPE), a.get("href").split("#")[-1]) for a in nav.iterfind(".//x:nav[@id='landmarks']//x:a", X)]
    kinds = [k for k, _ in marks]
    assert kinds.index("dedication") < kinds.index("toc") < kinds.index("bodymatter") < kinds.index("glossary")
    assert ("bodymatter", "introduction") in marks  # not the dedication


def test_front_and_back_matter_in_print(built_book):
    book = built_book("front-back")
    reader = pypdf.PdfReader(str(book.pdf))
    texts = pdf_page_texts(book.pdf)
    margins = pdf_margin_texts(book.pdf)
    dedication = next(i for i, t in enumerate(texts) if "For the keepers of the light." in t)
    epigraph = next(i for i, t in enumerate(texts) if "The sea is the same everywhere." in t)
    for page in (dedication, epigraph):
        assert margins[page] == ("", ""), "no running head and no folio on a dedication or an epigraph"
        assert page % 2 == 0, "a dedication and an epigraph open on a recto"
    appendix = next(i for i, t in enumerate(texts) if "Tables of Tides" in t and "Appendix A" in t)
    assert any("Appendix B" in t and "Charts" in t for t in texts[appendix + 1:])
    outline = pdf_outline(reader)
    assert [title for depth, title in outline if depth == 0][1:] == [
        "Dedication", "Epigraph", "Foreword", "Preface", "Acknowledgements", "Introduction", "1. The Harbour",
        "2. The Light", "Appendix A. Tables of Tides", "Appendix B. Charts", "Glossary", "Afterword", "Index"]
    glossary = next(t for t in texts if "A sheltered place for ships." in t)
    assert "Harbour" in glossary


ROMAN = "i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split()


def test_front_matter_units_go_on_in_roman_and_the_text_starts_on_page_1(built_book):
    book = built_book("front-back")
    labels = pypdf.PdfReader(str(book.pdf)).page_labels
    texts = pdf_page_texts(book.pdf)
    margins = pdf_margin_texts(book.pdf)
    page = {name: next(i for i, t in enumerate(texts) if t.strip().startswith(name))
            for name in ("Contents", "Foreword", "Preface", "Acknowledgements", "Introduction")}
    light = next(i for i, t in enumerate(texts) if "The second chapter" in t)
    dedication = next(i for i, t in enumerate(texts) if "For the keepers of the light." in t)
    start = page["Introduction"]
    # Half-title to contents, then the dedication, ... the acknowledgements: one roman sequence.
    assert page["Contents"] < dedication < page["Foreword"] < page["Preface"] < page["Acknowledgements"] < start
    assert labels[:start] == ROMAN[:start]
    # The start of text is page 1, on a recto (an odd page of the file, counted from 1).
    assert labels[start] == "1" and (start + 1) % 2 == 1
    assert labels[start + 1:start + 3] == ["2", "3"]
    for name in ("Foreword", "Preface", "Acknowledgements"):
        index = page[name]
        assert index % 2 == 0, f"the {name.lower()} opens on a recto"
        assert margins[index] == ("", labels[index]), "its opening page: no running head, its roman folio at the foot"
    contents = " ".join(texts[page["Contents"]].split())
    for name in ("Foreword", "Preface", "Acknowledgements"):
        assert re.search(rf"{name}[ .]*([ivxlcdm]+) ", contents).group(1) == labels[page[name]], contents
    assert re.search(r"Introduction[ .]*(\d+)", contents).group(1) == "1"
    # A book's contents list no dedication and no epigraph.
    assert "Dedication" not in contents and "Epigraph" not in contents
    index = " ".join(next(t for t in reversed(texts) if t.strip().startswith("Index")).split())
    assert f"lighthouse, {labels[page['Preface']]}, {labels[light]}" in index
    assert labels[page["Preface"]] == "xiii" and labels[light] == "5"


def test_the_body_is_laid_out_again_when_the_front_matter_has_another_page_count(tmp_path, monkeypatch):
    """The front units' roman folios assume the front matter's page count; a wrong one is corrected."""
    from press.editions.layout import Typesetter
    from tests.conftest import build_test_book

    lay_out_body = Typesetter.lay_out_body

    def miscounted(self, *args):
        lay_out_body(self, *args)
        self.front_count += 2  # as if the contents had grown by two pages once numbered
        self.body = self._lay_out_text(*args[:2], args[3])

    monkeypatch.setattr(Typesetter, "lay_out_body", miscounted)  # the print worker is forked after this
    book = build_test_book("front-back", tmp_path)
    labels = pypdf.PdfReader(str(book.pdf)).page_labels
    texts = pdf_page_texts(book.pdf)
    margins = pdf_margin_texts(book.pdf)
    preface = next(i for i, t in enumerate(texts) if t.strip().startswith("Preface"))
    start = next(i for i, t in enumerate(texts) if t.strip().startswith("Introduction"))
    assert labels[:start] == ROMAN[:start] and labels[start] == "1"
    assert margins[preface] == ("", "xiii")  # printed: the count of the final front matter's pages


def test_a_cross_reference_into_the_preface_gives_its_roman_page(tmp_path):
    import shutil

    from press.cli import main
    from tests.conftest import BOOKS, copy_book, source_date_epoch

    content = copy_book("front-back", tmp_path) / "content"
    shutil.copytree(BOOKS / "figures" / "content" / "images", content / "images")
    with open(content / "book.yaml", "a", encoding="utf-8") as yaml:
        yaml.write("figures:\n  page_references: true\n")
    with open(content / "chapters" / "04-preface.md", "a", encoding="utf-8") as preface:
        preface.write("\n![A black square](../images/square.png){#fig-square}\n")
    harbour = content / "chapters" / "07-harbour.md"
    harbour.write_text(harbour.read_text("utf-8").replace("The first chapter.", "The first chapter, after @fig-square."),
                       "utf-8")
    with source_date_epoch():
        assert main(["pdf", "--root", str(tmp_path), "--out", str(tmp_path / "dist"), "--quiet", "--strict"]) == 0
    pdf = tmp_path / "dist" / "front-back.pdf"
    labels = pypdf.PdfReader(str(pdf)).page_labels
    texts = pdf_page_texts(pdf)
    preface = next(i for i, t in enumerate(texts) if t.strip().startswith("Preface"))
    chapter = next(" ".join(t.split()) for t in texts if "The first chapter" in t)  # no-break spaces too
    assert f"after Figure 1, p. {labels[preface]}." in chapter and labels[preface] == "xiii"


def test_a_dedication_and_an_epigraph_print_no_title_but_keep_their_heading(built_book):
    book = built_book("front-back")
    texts = pdf_full_page_texts(book.pdf)  # margins included
    dedication = next(i for i, t in enumerate(texts) if "For the keepers of the light." in t)
    epigraph = next(i for i, t in enumerate(texts) if "The sea is the same everywhere." in t)
    assert "Dedication" not in texts[dedication] and "Epigraph" not in texts[epigraph]
    outline = pdf_outline(pypdf.PdfReader(str(book.pdf)))
    assert (0, "Dedication") in outline and (0, "Epigraph") in outline  # the outline still has them
    # On screen the heading stays in the markup, the first of its page, for a screen
    # reader and the navigation; the stylesheets keep it out of sight.
    for name, data in epub_files(book.epub).items():
        if name.startswith("EPUB/text/ch"):
            section = etree.fromstring(data).find(".//x:section[@id='dedication']", X)
            if section is not None:
                headings = [h for h in section.iter() if etree.QName(h).localname in ("h1", "h2", "h3")]
                assert [(etree.QName(h).localname, h.text) for h in headings] == [("h1", "Dedication")]
                break
    else:
        raise AssertionError("no dedication in the EPUB")
    web = html_pages(book.out / "html")["01-dedication.html"]
    assert [h.text_content() for h in web.xpath("//main//h1")] == ["Dedication"]
    assert "Dedication" in " ".join(web.xpath("//nav//li//text()"))  # the web contents list it


def test_the_web_contents_label_appendices(built_book):
    toc = html_pages(built_book("front-back").out / "html")["index.html"]
    labels = [" ".join(s.text_content().split()) for s in toc.iterfind(".//span[@class='toc-label']")]
    assert "Appendix A" in labels and "Appendix B" in labels


@pytest.mark.parametrize("files, shown, line, message", [
    ({"01-one.md": ("One", "chapter", "1", None), "02-two.md": ("Two", "chapter", "2", "one")},
     "02-two.md", 5, "this book has no parts"),
    ({"01-p.md": ("P", "part", "I", None), "02-two.md": ("Two", "chapter", "1", None)},
     "02-two.md", 3, "this book has parts"),
    ({"01-one.md": ("One", "chapter", "1", None), "02-pre.md": ("Preface", "preface", None, None)},
     "02-pre.md", 3, "front matter comes first"),
    ({"01-gl.md": ("Glossary", "glossary", None, None), "02-one.md": ("One", "chapter", "1", None)},
     "02-one.md", 3, "front matter comes first"),
])
def test_bad_structure_is_refused_at_its_line(tiny, capsys, files, shown, line, message):
    for name, (title, kind, number, part) in files.items():
        tiny.chapter(name, title, "Text.", kind=kind, number=number, part=part)
    assert tiny.build("html") == EXIT_CONTENT
    found = errors(capsys)
    assert any(e.startswith(f"content/chapters/{shown}:{line}: ") and message in e for e in found), found


def test_an_unknown_or_misordered_back_matter_kind_is_refused(tiny, capsys):
    tiny.chapter("01-one.md", "One", "Text.")
    yaml = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", yaml + "back_matter: [index, glossary]\n")
    assert tiny.build("html") == EXIT_CONTENT
    assert any("book.yaml:" in e and "'glossary' cannot follow 'index'" in e for e in errors(capsys))
    tiny.write("content/book.yaml", yaml + "back_matter: [glosary]\n")
    assert tiny.build("html") == EXIT_CONTENT
    assert any("book.yaml:" in e and "'glosary' is not a kind of back matter" in e for e in errors(capsys))


def test_back_matter_units_follow_the_declared_order(tiny, capsys):
    tiny.chapter("01-one.md", "One", "Text.", number="1")
    tiny.chapter("02-after.md", "Afterword", "Text.", kind="afterword")
    tiny.chapter("03-app.md", "Tables", "Text.", kind="appendix")
    yaml = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", yaml + "back_matter: [appendix, afterword, index]\n")
    assert tiny.build("html") == EXIT_CONTENT
    assert any(e.startswith("content/chapters/03-app.md:3: ") and "back_matter puts appendix first" in e
               for e in errors(capsys))


def test_the_apparatus_follows_the_declared_order():
    from press.apparatus.sections import Section, in_declared_order

    planned = [Section(k, k, k) for k in ("note-on-text", "bibliography", "chronology", "index")]
    ordered = in_declared_order(planned + [Section("notes", "notes", "Notes")],
                                ["notes", "note-on-text", "index", "bibliography"])
    assert [s.kind for s in ordered] == ["notes", "note-on-text", "index", "bibliography", "chronology"]
    assert in_declared_order(planned, None) == planned


def test_the_pdf_checks_know_a_dedication_prints_no_title(built_book):
    """The words of every unit are in the PDF's text, every bookmark on its page: but for the two titles not printed."""
    from press.gates import Result
    from press.gates.pdf import check_text
    from press.gates.preflight import preflight

    book = built_book("front-back")
    result = Result("pdf")
    assert check_text(book, "front-back.pdf", result) > 0
    assert result.findings == []
    found = preflight(book, "A Book With Front and Back Matter", ("Ana Pérez",)).findings
    assert [f.message for f in found if "outline" in f.message or f.severity == "error"] == []
