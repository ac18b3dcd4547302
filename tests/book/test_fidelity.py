"""Every sentence of the manuscript is in the sources and in every edition."""

from __future__ import annotations

import pytest

from press.book import transform
from press.book.collect import collect
from press.source.config import Paths, load_config
from press.book.convert import Pandoc, to_html
from press.session import Session
from press.source.chapters import read_chapters
from press.gates.manuscript import check, manuscript_sentences

from ..artefacts import epub_text, html_text, pdf_page_texts
from ..conftest import REPO

LACUNAE = 3  # passages the manuscript lost at a page break (marked, not restored)


@pytest.fixture(scope="module")
def sentences():
    found = manuscript_sentences(REPO / "content")
    assert len(found) > 150, "the manuscript reader must find the running text"
    return found


def report(name: str, result) -> None:
    print(f"\nfidelity {name}: {result.percent:.1f}% of {len(result.sentences)} sentences"
          f" ({len(result.missing)} missing)")


def test_sources_carry_every_sentence(sentences, tmp_path):
    """The chapters, rendered by pandoc to text, before any edition exists."""
    paths = Paths(REPO)
    pandoc = Pandoc(None)
    session = Session()
    book = collect(paths, load_config(paths), read_chapters(paths, session), pandoc, session)
    text = "\n".join(to_html(pandoc, {**u.ast, "blocks": transform.notes_inline(u.ast["blocks"])})
                     for u in book.units)
    from lxml import html as lxml_html

    plain = lxml_html.fromstring(f"<div>{text}</div>").text_content()
    result = check(sentences, plain)
    report("sources", result)
    assert result.missing == []


def test_the_lacunae_are_marked_in_the_sources():
    bodies = "".join(p.read_text("utf-8") for p in sorted((REPO / "content" / "chapters").glob("*.md")))
    assert bodies.count("[...]{.lacuna}") == LACUNAE
    for end in ("and the incident [...]{.lacuna}", "(Trade in Ser- [...]{.lacuna}",
                "elected as judge of the [...]{.lacuna}"):
        assert end in bodies


def test_web_edition_carries_every_sentence(sentences, real_book):
    result = check(sentences, html_text(real_book / "html"))
    report("web", result)
    assert result.missing == []


def test_epub_carries_every_sentence(sentences, real_book, slug):
    result = check(sentences, epub_text(real_book / f"{slug}.epub"))
    report("epub", result)
    assert result.missing == []


def test_pdf_carries_every_sentence(sentences, real_book, slug):
    from lxml import html as lxml_html

    pages = pdf_page_texts(real_book / f"{slug}.pdf")
    # Footnotes print at the foot of a page, between the two halves of a
    # sentence that runs over: take them out before looking for sentences.
    notes = [span.text_content() for page in (real_book / "html").glob("*.html")
             for span in lxml_html.parse(str(page)).getroot().xpath("//li[@role='doc-endnote']/p")]
    result = check(sentences, "\n".join(pages), notes=notes)
    report("pdf", result)
    assert result.missing == []


def test_the_check_can_fail(sentences):
    """A dropped sentence is found missing (the check is not vacuous)."""
    text = " ".join(sentences)
    dropped = sentences[40]
    result = check(sentences, text.replace(dropped, ""))
    assert result.missing == [dropped]
