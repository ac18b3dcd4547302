"""Index terms in every block that holds text: table cells and captions,
definition lists, line blocks, block quotes (and not in headings), marked in
the web edition, the EPUB and the print edition's index."""

from __future__ import annotations

import pypdf
from lxml import etree

from .artefacts import XHTML, epub_files, html_pages, pdf_full_page_texts, pdf_page_texts

# One heading for each kind of block; each form is printed once in the text.
PLACES = {
    "tacna": ("Tacna", "td"),  # a table cell
    "callao": ("Callao", "caption"),  # a table caption
    "arica": ("Arica", "dt"),  # a definition list's term
    "ancon": ("Ancon", "dd"),  # ... and its definition
    "lima": ("Lima", "div"),  # a line block (pandoc writes <div class="line-block">)
    "quito": ("Quito", "blockquote"),
}
VOCABULARY = "entries:\n" + "".join(f'  {key}:\n    heading: "{form}"\n    forms: ["{form}"]\n'
                                    for key, (form, _) in PLACES.items()) + \
    '  cusco:\n    heading: "Cusco"\n    forms: ["Cusco"]\n'

FILLER = "\n\n".join(f"Paragraph {n} of filler text that runs on to make the chapter several pages long, "
                     "with enough words in it to fill a good part of the page." * 3 for n in range(12))

BODY = f"""\
| Port | Note |
|------|------|
| Tacna | inland |

: Ports of Callao and the south.

{FILLER}

Arica
:   A port, ceded by the treaty of Ancon.

{FILLER}

| Lima, the city
| of the kings

{FILLER}

> Quito, as the envoy wrote.

## Cusco

The old capital, Cusco, again.
"""


def build(tiny):
    tiny.write("content/index.yaml", VOCABULARY)
    tiny.chapter("01-one.md", "One", BODY, kind="introduction")
    return tiny.build("all", "--strict")


def ancestors(element) -> list[str]:
    return [etree.QName(a).localname for a in element.iterancestors()]


def test_terms_in_tables_definition_lists_line_blocks_and_quotes_are_in_every_index(tiny):
    assert build(tiny) == 0

    # The web edition: each heading links to a mark inside the block that holds its term.
    pages = html_pages(tiny.out / "html")
    index = next(root for name, root in pages.items() if name.endswith("-index.html"))
    for key, (form, tag) in PLACES.items():
        links = index.xpath(f"//li[@id='ie-{key}']//a[@class='ix-loc']")
        assert len(links) == 1, key
        page, _, ident = links[0].get("href").partition("#")
        [mark] = pages[page].xpath(f"//*[@id='{ident}']")
        assert "index-mark" in mark.get("class") and mark.get("data-index") == key
        assert mark.text_content() == form and tag in ancestors(mark), (key, ancestors(mark))
    # A heading is not indexed: Cusco's one locator is the paragraph under it.
    [cusco] = index.xpath("//li[@id='ie-cusco']//a[@class='ix-loc']")
    page, _, ident = cusco.get("href").partition("#")
    assert "p" in ancestors(pages[page].xpath(f"//*[@id='{ident}']")[0])
    assert not pages[page].xpath("//h2//*[contains(@class, 'index-mark')]")

    # The EPUB: the same, through its index's locators.
    files = epub_files(tiny.out / "tiny.epub")
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    landmarks = {a.get(f"{{{XHTML['epub']}}}type"): a.get("href")
                 for a in nav.iterfind(".//x:nav[@id='landmarks']//x:a", XHTML)}
    doc = etree.fromstring(files["EPUB/" + landmarks["index"].split("#")[0]])
    for key, (form, tag) in PLACES.items():
        [entry] = doc.xpath(f"//*[@id='ie-{key}']")
        links = entry.findall(".//x:a[@epub:type='index-locator']", XHTML)
        assert len(links) == 1, key
        name, _, ident = links[0].get("href").partition("#")
        [mark] = etree.fromstring(files["EPUB/text/" + name]).xpath(f"//*[@id='{ident}']")
        assert "".join(mark.itertext()) == form and tag in ancestors(mark), (key, ancestors(mark))

    # Print: each heading gives the page its term is printed on, and the terms are on different pages.
    pdf = tiny.out / "tiny.pdf"
    labels = pypdf.PdfReader(str(pdf)).page_labels
    full = pdf_full_page_texts(pdf)
    index_start = max(i for i, t in enumerate(full) if t.lstrip().startswith("Index"))
    body = pdf_page_texts(pdf)[:index_start]
    text = " ".join(" ".join(full[index_start:]).split())
    printed = {}
    for key, (form, _) in PLACES.items():
        [page] = [i for i, t in enumerate(body) if form in t]
        printed[key] = labels[page]
        assert f"{form}, {labels[page]}" in text, (form, labels[page], text)
    assert len({printed["tacna"], printed["arica"], printed["lima"], printed["quito"]}) == 4, printed


def test_marks_are_numbered_in_reading_order_in_every_block():
    """The marker walks the whole unit (figure captions and notes too, not headings,
    code or an image's description) and numbers its marks in reading order."""
    from press.book.ast import iter_nodes, stringify
    from press.book.convert import Pandoc, parse_markdown
    from press.book.index_marks import Marker, Vocabulary
    from press.source.schema import IndexVocabulary
    from press.source.yamlsrc import Located

    entries = {"a": {"heading": "A", "forms": ["Alpha"]}, "b": {"heading": "B", "forms": ["Beta"]}}
    vocabulary = Vocabulary(IndexVocabulary.model_validate({"entries": entries}), Located(None), "index.yaml")
    source = ("## Alpha\n\nAlpha *and Beta*[^1] then Alpha `Beta`.\n\n[^1]: A note on Beta.\n\n"
              "![A figure of Alpha](x.png)\n\n> Alpha [marked]{.index key=b}.\n\n- Beta\n")
    blocks = parse_markdown(Pandoc(None), source, "test")["blocks"]
    marked, marks = Marker(vocabulary).mark_unit(blocks, "u", lambda needle: 1)
    spans = [n for n in iter_nodes(marked) if n["t"] == "Span"]
    assert [(s["c"][0][0], stringify(s)) for s in spans] == [
        ("ix-u-1", "Alpha"), ("ix-u-2", "Beta"), ("ix-u-3", "Beta"), ("ix-u-4", "Alpha"),
        ("ix-u-5", "Alpha"),  # the figure's caption; its image's description is not marked
        ("ix-u-6", "Alpha"), ("ix-u-7", "marked"), ("ix-u-8", "Beta")]
    assert [m.id for m in marks] == [s["c"][0][0] for s in spans]
    assert [(m.key, m.kind) for m in marks][-2:] == [("b", "spot"), ("b", "spot")]
    assert marked[0] is blocks[0]  # the heading: not marked, not copied
