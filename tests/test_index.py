"""The back-of-book index: exact page numbers on a tiny book, links and
locators on the whole test book (tests/books/franklin), collation, and the
checks that fail --strict."""

from __future__ import annotations

import re

import pypdf
import pytest
from lxml import etree

from press.errors import EXIT_CONTENT
from press.apparatus.index import build_index, page_ranges
from press.book.index_marks import Mark

from .artefacts import (XHTML, epub_files, html_pages, pdf_destinations, pdf_full_page_texts,
                        pdf_internal_links, pdf_page_texts)

VOCABULARY = """\
entries:
  alpha:
    heading: "Alpha"
    forms: ["Alpha"]
  alpha-beta:
    heading: "Alpha Beta pact"
    forms: ["Alpha Beta"]
  beta:
    heading: "Beta"
    forms: ["Beta"]
    see_also: ["alpha"]
  gamma:
    heading: "Gamma"
    auto: false
  delta:
    heading: "Delta"
    see: "alpha"
"""

FILLER = "\n\n".join(f"Paragraph {n} of filler text that runs on to make the chapter several pages long, "
                     "with enough words in it to fill a good part of the page." * 3 for n in range(30))


def build_tiny(tiny):
    tiny.write("content/index.yaml", VOCABULARY)
    tiny.chapter("01-one.md", "One", "Alpha appears on the first page.", kind="introduction")
    tiny.chapter("02-two.md", "Two", "Alpha and Beta, and the Alpha Beta pact.", kind="appendix")
    tiny.chapter("03-three.md", "Three", f"Beta again.\n\n[]{{.index-from key=gamma}}\n\n{FILLER}\n\n"
                 "[The end]{.index-to key=gamma} of the range.", kind="appendix")
    return tiny.build("all", "--strict")


def index_lines(pdf) -> str:
    pages = pdf_full_page_texts(pdf)
    start = max(i for i, t in enumerate(pages) if t.lstrip().startswith("Index"))
    return " ".join(" ".join(pages[start:]).split())


def test_tiny_book_index_has_exact_pages_and_ranges(tiny):
    assert build_tiny(tiny) == 0
    pdf = tiny.out / "tiny.pdf"
    labels = pypdf.PdfReader(str(pdf)).page_labels
    pages = pdf_full_page_texts(pdf)
    one = labels[next(i for i, t in enumerate(pages) if "on the first page" in t)]
    two = labels[next(i for i, t in enumerate(pages) if "and the Alpha Beta pact" in t)]
    three = labels[next(i for i, t in enumerate(pages) if "Beta again." in t)]
    end = labels[next(i for i, t in enumerate(pages) if "of the range." in t)]
    assert (one, two, three) == ("1", "3", "5") and int(end) >= 7
    text = index_lines(pdf)
    # Alpha: pages 1 and 3, but not the "Alpha" inside "Alpha Beta" (the longer form wins).
    assert "Alpha, 1, 3" in text
    assert "Alpha Beta pact, 3" in text
    assert "Beta, 3, 5. See also Alpha" in text
    assert f"Gamma, 5\u2013{end}" in text
    assert "Delta. See Alpha" in text
    assert "Gamma" in text.split("Delta")[1] and "Beta" in text.split("Delta")[0]  # A, B, D, G order


def test_index_in_web_and_epub_links_to_the_marks(tiny):
    assert build_tiny(tiny) == 0
    pages = html_pages(tiny.out / "html")
    index = next(root for name, root in pages.items() if name.endswith("-index.html"))
    links = index.xpath("//a[@class='ix-loc']")
    assert len(links) == 6  # alpha x2, alpha-beta, beta x2, gamma
    for link in links:
        page, _, ident = link.get("href").partition("#")
        target = pages[page].xpath(f"//*[@id='{ident}']")
        assert target and "index-mark" in target[0].get("class")
    files = epub_files(tiny.out / "tiny.epub")
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    landmarks = {a.get(f"{{{XHTML['epub']}}}type"): a.get("href")
                 for a in nav.iterfind(".//x:nav[@id='landmarks']//x:a", XHTML)}
    assert "index" in landmarks
    doc = etree.fromstring(files["EPUB/" + landmarks["index"].split("#")[0]])
    entries = doc.findall(".//*[@epub:type='index-entry']", {"epub": XHTML["epub"]})
    assert len(entries) == 5
    for a in doc.iterfind(".//x:a[@epub:type='index-locator']", {**XHTML}):
        name, _, ident = a.get("href").partition("#")
        assert f'id="{ident}"'.encode() in files["EPUB/text/" + name]
    opf = files["EPUB/content.opf"].decode()
    assert "<meta property=\"schema:accessibilityFeature\">index</meta>" in opf


@pytest.mark.parametrize("vocabulary, body, where, message", [
    ('entries:\n  a:\n    heading: "A"\n    forms: ["Alpha"]\n  z:\n    heading: "Zed"\n    forms: ["Zed"]\n',
     "Alpha.", "content/index.yaml:5", "index heading 'z' is never found"),
    ('entries:\n  a:\n    heading: "A"\n    forms: ["Alpha"]\n    see_also: ["nowhere"]\n', "Alpha.",
     "content/index.yaml:2", "unknown heading 'nowhere'"),
    ('entries:\n  a:\n    heading: "A"\n    see: "b"\n  b:\n    heading: "B"\n    see: "a"\n  c:\n'
     '    heading: "C"\n    forms: ["Alpha"]\n', "Alpha.", "content/index.yaml:2", "go round in a circle"),
    ('entries:\n  a:\n    heading: "A"\n    forms: ["Alpha"]\n', "Alpha.\n\n[]{.index-from key=a}\n\nMore.",
     "content/chapters/01-one.md:8", "never closed"),
], ids=["never-found", "unknown-see-also", "see-cycle", "unclosed-range"])
def test_index_problems_fail_strict_builds_and_warn_otherwise(tiny, capsys, vocabulary, body, where, message):
    tiny.write("content/index.yaml", vocabulary)
    tiny.chapter("01-one.md", "One", body, kind="introduction")
    assert tiny.build("html") == 0
    assert any(where in line and message in line for line in capsys.readouterr().err.splitlines())
    assert tiny.build("html", "--strict") == EXIT_CONTENT
    assert any(line.startswith(f"error: {where}") and message in line for line in capsys.readouterr().err.splitlines())


def test_collation_ignores_accents_and_case_and_uses_sort_keys():
    from press.book.index_marks import Vocabulary
    from press.source.schema import IndexVocabulary
    from press.source.yamlsrc import Located

    headings = {"ulloa": ("Ulloa Sotomayor, Alberto", None), "perez": ("Pérez de Cuéllar, Javier", None),
                "peace": ("peace", None), "paz": ("Paz Soldán, José Gregorio", None),
                "zarumilla": ("Zarumilla", None), "alvarez": ("Álvarez, Ana", None), "alpha": ("alpha", None),
                "de-la-torre": ("De la Torre, Raúl", "Torre, Raúl de la"), "eighty": ("80 miles", "eighty miles")}
    model = IndexVocabulary.model_validate({"entries": {
        k: {"heading": h, "forms": [k], **({"sort": s} if s else {})} for k, (h, s) in headings.items()}})
    marks = [Mark(f"ix{i}", k, None, "one") for i, k in enumerate(headings)]
    index = build_index(Vocabulary(model, Located(None), "index.yaml"), marks, {}, {"one": "x.md"}, "en")
    order = [e.key for g in index.groups for e in g.entries]
    assert order == ["alpha", "alvarez", "eighty", "paz", "peace", "perez", "de-la-torre", "ulloa", "zarumilla"]
    assert [g.letter for g in index.groups] == ["A", "E", "P", "T", "U", "Z"]


def test_page_ranges_merge_consecutive_pages():
    assert page_ranges([9, 3, 5, 6, 7, 3, 12, 11]) == ["3", "5\u20137", "9", "11\u201312"]


# --- the whole test book (tests/books/franklin) -----------------------------------

def test_whole_book_every_web_and_epub_index_link_resolves(whole):
    pages = html_pages(whole.html)
    index = next(root for name, root in pages.items() if name.endswith("-index.html"))
    assert len(index.xpath("//li[@class='index-entry']")) == 17  # every heading of its index.yaml
    links = index.xpath("//a[@class='ix-loc']")
    assert len(links) >= 20
    for link in links:
        page, _, ident = link.get("href").partition("#")
        assert pages[page].xpath(f"//*[@id='{ident}']"), link.get("href")
    files = epub_files(whole.epub)
    checked = 0
    for name, data in files.items():
        for target, ident in re.findall(rb'class="ix-loc" href="([^"#]*)#([^"]+)"', data):
            checked += 1
            assert f'id="{ident.decode()}"'.encode() in files["EPUB/text/" + target.decode()]
    assert checked == len(links)


def test_whole_book_pdf_index_numbers_point_at_pages_that_carry_the_term(whole):
    """Each page number in the PDF index links to its mark: the number is that page's
    label, and the term (one of its surface forms) is printed on that page."""
    import yaml

    vocabulary = yaml.safe_load((whole.root / "content" / "index.yaml").read_text("utf-8"))["entries"]
    forms = {}
    for key, entry in vocabulary.items():
        forms[key] = entry.get("forms", [])
        for sub_key, sub in entry.get("sub", {}).items():
            forms[f"{key}/{sub_key}"] = sub.get("forms", [])
    marks = {}
    for root in html_pages(whole.html).values():
        for span in root.xpath("//span[contains(@class, 'index-mark')]"):
            marks[span.get("id")] = span.get("data-index")
    pdf = whole.pdf
    labels = pypdf.PdfReader(str(pdf)).page_labels
    destinations = pdf_destinations(pdf)
    body = [re.sub(r"[\s\u00ad\u2010\x02-]+", "", t) for t in pdf_page_texts(pdf)]  # pdfium: \x02 for a hyphen
    index_start = max(i for i, t in enumerate(pdf_full_page_texts(pdf)) if t.lstrip().startswith("Index"))
    checked = 0
    for _page, dest, shown in pdf_internal_links(pdf, range(index_start, len(labels))):
        if not dest.startswith("ix"):
            continue
        target = destinations[dest]
        assert shown.split("\u2013")[0] == labels[target], (dest, shown, labels[target])
        # The term starts on that page (it may run over to the next one).
        terms = [re.sub(r"[\s-]+", "", f) for f in forms[marks[dest]]]
        if terms:  # explicit marks may carry no form
            joined = body[target] + (body[target + 1] if target + 1 < len(body) else "")
            assert any(t in joined and t[:4] in body[target] for t in terms), (dest, marks[dest], labels[target])
        checked += 1
    assert checked >= 20


def test_a_form_that_marks_two_headings_is_an_error(tiny, capsys):
    tiny.write("content/index.yaml", 'entries:\n  a:\n    heading: "A"\n    forms: ["Alpha"]\n'
                                     '  b:\n    heading: "B"\n    forms: ["Alpha"]\n')
    tiny.chapter("01-one.md", "One", "Alpha.", kind="introduction")
    assert tiny.build("html") == EXIT_CONTENT
    assert "error: content/index.yaml:5: the form 'Alpha' marks two headings ('a' and 'b')" in capsys.readouterr().err
