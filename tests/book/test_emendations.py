"""The real book's emendations (content/emendations.yaml), read back from the built editions.

Each correction of a slip must be what every edition prints, the slip must be
gone from the text, and "A note on the text" of every edition must list it, so
that no correction is made silently and none is announced but not made.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
import yaml
from lxml import etree, html

from press.gates.manuscript import manuscript_sentences

from ..artefacts import XHTML, epub_files, html_pages, pdf_page_texts
from ..conftest import REPO

pytestmark = pytest.mark.slow  # builds the real book

CONTENT = REPO / "content"
# An original reading that also occurs, rightly, elsewhere in the text: reading -> why.
# Empty: none of this book's does.
ALLOWED_ELSEWHERE: dict[str, str] = {}
# The slips issue 15 found shipped; each must stay corrected.
ISSUE_15 = ["also to also to", "Columbian counterpart", "This lead to", "through of the adoption",
            "invasion of Granada (1983)"]


def words(text: str) -> str:
    """The words of a text, apostrophes kept, between spaces: what a reader sees, whatever
    the line breaks, the hyphenation at line ends (pdfium gives U+2010 or U+0002 before the
    break), the typographic quotes and the markup. "Wagner 's" and "Wagner's" stay apart,
    as "This lead to" stays apart from "this leading to"."""
    text = re.sub(r"[\u2010\x02]\r?\n|\x02|\u00ad", "", unicodedata.normalize("NFKC", text))
    text = text.replace("\u2019", "'").replace("\u2018", "'").casefold()
    return " " + " ".join(re.findall(r"[\w']+", text)) + " "


def has(text: str, reading: str) -> bool:
    return words(reading) in words(text)


@pytest.fixture(scope="module")
def data() -> dict:
    return yaml.safe_load((CONTENT / "emendations.yaml").read_text("utf-8"))


@pytest.fixture(scope="module")
def emendations(data) -> list[dict]:
    items = data["emendations"]
    assert items, "the real book has emendations"
    return items


@pytest.fixture(scope="module")
def strings() -> dict:
    return yaml.safe_load((REPO / "templates" / "locale" / "en.yaml").read_text("utf-8"))


def _split_html(roots) -> tuple[str, list, str]:
    """(the text outside the note on the text, the note's <li> items, the note's text)."""
    text, items, note = [], [], []
    for root in roots:
        found = root.xpath(".//li[.//span[@class='em-original']]")
        (note if found else text).append(root.text_content())
        items.extend(found)
    return "\n".join(text), items, "\n".join(note)


@pytest.fixture(scope="module")
def web(real_book) -> tuple[str, list, str]:
    pages = html_pages(real_book / "html")
    mains = [root.xpath("//main")[0] for name, root in pages.items()
             if name not in ("index.html", "search.html")]
    return _split_html(mains)


@pytest.fixture(scope="module")
def epub(real_book, slug) -> tuple[str, list, str]:
    files = epub_files(real_book / f"{slug}.epub")
    opf = etree.fromstring(files["EPUB/content.opf"])
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", XHTML)}
    bodies = []
    for ref in opf.iterfind(".//opf:itemref", XHTML):
        doc = html.fromstring(files["EPUB/" + manifest[ref.get("idref")]])
        bodies.append(doc.xpath("//body")[0])
    return _split_html(bodies)


@pytest.fixture(scope="module")
def pdf(real_book, slug, strings) -> tuple[str, str]:
    """(the text outside the note on the text, the note's text), without running heads and folios."""
    pages = pdf_page_texts(real_book / f"{slug}.pdf")
    noted = [i for i, page in enumerate(pages) if has(page, strings["emendation_source"])]
    assert noted, "the PDF has a note on the text"
    first, last = noted[0], noted[-1]
    return "\n".join(pages[:first] + pages[last + 1:]), "\n".join(pages[first:last + 1])


def _editions(web, epub, pdf) -> dict[str, str]:
    """Each edition's text outside its note on the text."""
    return {"web": web[0], "epub": epub[0], "pdf": pdf[0]}


def test_each_original_is_the_manuscripts_once(emendations):
    """The fidelity check replaces every occurrence of ``original`` in the manuscript:
    each must be there, once, for the check to account for exactly that correction."""
    manuscript = (CONTENT / "source" / "manuscript.txt").read_text("utf-8")
    for item in emendations:
        assert manuscript.count(item["original"]) == 1, item["original"]


def test_the_sources_carry_the_corrections(emendations):
    for item in emendations:
        source = (CONTENT / item["file"]).read_text("utf-8")
        assert item["corrected"] in source, item
        assert item["original"] not in source or item["original"] in ALLOWED_ELSEWHERE, item


def test_the_fidelity_check_reads_the_manuscript_corrected(emendations):
    """What the fidelity check compares the editions with has the corrections, not the slips."""
    text = " ".join(manuscript_sentences(CONTENT))
    rules = yaml.safe_load((CONTENT / "source" / "fidelity.yaml").read_text("utf-8"))
    lines = (CONTENT / "source" / rules["manuscript"]).read_text("utf-8").split("\n")
    for item in emendations:
        line = next(line.strip() for line in lines if item["original"] in line)
        if any(re.search(pattern, line) for pattern in rules["headings"]):
            continue  # the check leaves headings out; the editions' test below covers them
        assert has(text, item["corrected"]), item
        if item["original"] not in ALLOWED_ELSEWHERE:
            assert not has(text, item["original"]), item


def test_each_edition_prints_the_corrections_not_the_slips(emendations, web, epub, pdf):
    for name, text in _editions(web, epub, pdf).items():
        for item in emendations:
            assert has(text, item["corrected"]), (name, item["corrected"])
            if item["original"] not in ALLOWED_ELSEWHERE:
                assert not has(text, item["original"]), (name, item["original"])


def test_each_edition_lists_every_emendation_in_its_note_on_the_text(emendations, data, web, epub, pdf,
                                                                    strings):
    for name, (_, items, note) in (("web", web), ("epub", epub)):
        assert has(note, data["intro"]), name
        listed = [(words(li.xpath(".//span[@class='em-original']")[0].text_content()),
                   words(li.xpath(".//span[@class='em-corrected']")[0].text_content())) for li in items]
        assert listed == [(words(e["original"]), words(e["corrected"])) for e in emendations], name
        for li, item in zip(items, emendations):
            assert has(li.text_content(), item["note"]), (name, item["note"])
    for item in emendations:
        reading = (f'{strings["emendation_source"]} {item["original"]}; '
                   f'{strings["emendation_this"]} {item["corrected"]}')
        assert has(pdf[1], reading), ("pdf", item["original"])
    assert has(pdf[1], data["intro"]), "pdf"


def test_the_slips_issue_15_found_are_corrected_and_recorded(emendations, web, epub, pdf):
    for slip in ISSUE_15:
        assert any(slip in e["original"] for e in emendations), f"'{slip}' is not recorded as an emendation"
        for name, text in _editions(web, epub, pdf).items():
            assert not has(text, slip), (name, slip)
