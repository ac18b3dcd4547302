"""Print page numbers in the back matter (press/editions/pagemarks.py): a tiny book
with an index and a chronology of several pages each, whose every printed page
is in the EPUB's page list and marked in the web edition."""

from __future__ import annotations

import pytest
from lxml import etree

from .artefacts import XHTML
from .test_pagemarks import (OPS, VOCABULARY, built_once, epub_markers, letters, page_list, pdf_tops, sentence,
                             spine_documents, tiny_book, web_markers)

CHRONOLOGY_SETTINGS = """
chronology:
  themes:
    boundaries: "Boundaries"
  eras:
    - {start: "1800", end: "1899", title: "The nineteenth century"}
    - {start: "1900", end: "2099", title: "The twentieth century"}
"""


def back_book(tiny) -> None:
    """The tiny book with an index (ids on its entries) and a chronology (none on its items)."""
    tiny_book(tiny)
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8") + CHRONOLOGY_SETTINGS)
    tiny.write("content/index.yaml", "entries:\n" + "".join(
        f'  {word}:\n    heading: "{word.capitalize()}, {sentence(100 + n, 9)[:-1].lower()}"\n'
        f'    forms: ["{word}"]\n' for n, word in enumerate(VOCABULARY)))
    events = "chronology:\n" + "".join(
        f'  - {{date: "{1830 + 4 * n}", event: "{sentence(200 + n, 30)}", anchor: "ev-{n}", theme: "boundaries"}}\n'
        for n in range(40))
    paragraphs = [f"[Event {n}]{{#ev-{n}}} happened. " + sentence(300 + n) for n in range(40)]
    tiny.chapter("04-last.md", "Last", "The last unit, alone on its page.\n\n" + "\n\n".join(paragraphs),
                 kind="appendix", extra=events)


@pytest.fixture(scope="module")
def back_built(tmp_path_factory):
    return built_once(tmp_path_factory, "pagemarks-back", back_book)


def back_text_after(marker, limit: int = 12) -> str:
    """The letters after a back-matter marker up to the first link (links differ between editions)."""
    collected = [letters(marker.tail or "")]
    elements = marker.getroottree().getroot().iter()
    for element in elements:
        if element is marker:
            break
    for element in elements:
        if not isinstance(element.tag, str):
            continue
        if etree.QName(element).localname in ("a", "figure"):
            break
        if etree.QName(element).localname == "h1":  # a section's opening (its intro differs per edition)
            return letters("".join(element.itertext()))
        collected += [letters(element.text or ""), letters(element.tail or "")]
        if sum(map(len, collected)) >= limit:
            break
    return "".join(collected)[:limit]


def test_page_list_covers_the_back_matter(back_built):
    """Every page from the text's first to the index's last is in the page list, and resolves in the spine."""
    pdf, epub = back_built.out / "tiny.pdf", back_built.out / "tiny.epub"
    labels, tops = pdf_tops(pdf)
    first = next(i for i, t in enumerate(tops) if t.startswith("Opening"))
    index = next(i for i, t in enumerate(tops) if t.startswith("Index"))
    last = max(i for i, t in enumerate(tops) if t)
    chronology = next(i for i, t in enumerate(tops) if t.startswith("Chronology"))
    assert index - chronology >= 2 and last - index >= 1  # each spans pages
    entries = page_list(epub)
    assert [label for label, _ in entries] == labels[first:last + 1]
    spine = dict(spine_documents(epub))
    for label, href in entries:
        path, _, fragment = href.partition("#")
        found = spine[path].xpath("//*[@id=$id]", id=fragment)
        assert len(found) == 1 and found[0].get(f"{{{OPS}}}type") == "pagebreak", href
    # Each back page's marker is followed by the text its page begins with.
    for label, href in entries:
        page = labels.index(label)
        if page < chronology:
            continue
        top = next(t for t in tops[page:] if t)  # a blank verso: the next page
        path, _, fragment = href.partition("#")
        marker = spine[path].xpath("//*[@id=$id]", id=fragment)[0]
        after = back_text_after(marker)
        assert len(after) >= 5 and after in top[:150], (label, after, top[:150])


def test_web_back_pages_carry_the_epubs_markers(back_built):
    """The web edition marks the back matter's print pages as the EPUB's page list does."""
    web = web_markers(back_built.out / "html")
    epub = epub_markers(back_built.out / "tiny.epub")
    assert [label for _, label, _ in web] == [label for _, label, _ in epub]
    back_pages = {name for name, _, _ in web if "index" in name or "chronology" in name}
    assert len(back_pages) == 2, sorted({name for name, _, _ in web})


def test_back_matter_markers_are_valid_where_they_stand(back_built):
    """A marker never stands where a span may not (a list, a definition list's group)."""
    in_entries = 0
    for name, doc in spine_documents(back_built.out / "tiny.epub"):
        for marker in doc.xpath("//*[@epub:type='pagebreak']", namespaces=XHTML):
            parent = marker.getparent()
            in_entries += etree.QName(parent).localname in ("li", "dt", "dd")
            assert etree.QName(parent).localname not in ("ul", "ol", "dl", "table", "tr"), (name, marker.get("id"))
            if etree.QName(parent).localname == "div":
                assert etree.QName(parent.getparent()).localname != "dl", (name, marker.get("id"))
    assert in_entries >= 2  # pages that begin with an index entry, a chronology date
