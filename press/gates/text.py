"""The text of each edition as a reader gets it, and the manuscript-fidelity check on it."""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree, html

from .manuscript import check, manuscript_sentences
from . import Editions, Finding, Result

NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf"}
# Where the running heads and folios print (points from the top and the bottom).
MARGINS_PT = (54, 61)


def html_text(folder: Path) -> str:
    """The reading text of the web edition: every page's <main>, in reading order."""
    texts = []
    for page in sorted(folder.glob("*.html")):
        if page.name in ("index.html", "search.html"):
            continue
        main = html.parse(str(page)).getroot().xpath("//main")
        if main:
            texts.append(main[0].text_content())
    return "\n".join(texts)


def units_text(folder: Path) -> str:
    """The text of the book's units (chapters, parts …) on the web, without the
    apparatus, whose locators and notes differ by medium by design. Formulas
    are left out: MathML's TeX annotation is no text of the print edition,
    which draws the formula as paths (press.editions.mathprint)."""
    from ..source.schema import UNIT_KINDS

    kinds = " or ".join(f"contains(concat(' ', @class, ' '), ' kind-{kind} ')" for kind in UNIT_KINDS)
    articles = [article for page in sorted(folder.glob("*.html"))
                for article in html.parse(str(page)).getroot().xpath(f"//main//article[{kinds}]")]
    for formula in (f for article in articles for f in article.xpath(".//*[local-name()='math']")):
        formula.drop_tree()
    for header in (h for article in articles for h in article.xpath(f"self::*[{_displayed()}]/header")):
        header.drop_tree()  # a dedication's title, which print does not print
    return "\n".join(article.text_content() for article in articles)


def _displayed() -> str:
    from ..source.schema import DISPLAY_KINDS

    return " or ".join(f"contains(concat(' ', @class, ' '), ' kind-{kind} ')" for kind in DISPLAY_KINDS)


def unprinted_titles(folder: Path) -> set[str]:
    """The titles of the units that print none (a dedication, an epigraph): bookmarks without a printed heading."""
    return {" ".join(h.text_content().split()) for page in sorted(folder.glob("*.html"))
            for h in html.parse(str(page)).getroot().xpath(f"//main//article[{_displayed()}]/header/h1")}


def html_notes(folder: Path) -> list[str]:
    return [p.text_content() for page in sorted(folder.glob("*.html"))
            for p in html.parse(str(page)).getroot().xpath("//li[@role='doc-endnote']/p")]


def epub_text(path: Path) -> str:
    """The EPUB's body text, in spine order."""
    with zipfile.ZipFile(path) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_name = container.xpath("//*[local-name()='rootfile']/@full-path")[0]
        base = opf_name.rpartition("/")[0]
        opf = etree.fromstring(archive.read(opf_name))
        manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", NS)}
        texts = []
        for ref in opf.iterfind(".//opf:itemref", NS):
            name = f"{base}/{manifest[ref.get('idref')]}" if base else manifest[ref.get("idref")]
            body = etree.fromstring(archive.read(name)).find("x:body", NS)
            texts.append("".join(body.itertext()))
    return "\n".join(texts)


def pdf_text(path: Path) -> str:
    """Each page's text without its running head and folio, page after page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(path))
    try:
        out = []
        for page in document:
            width, height = page.get_size()
            out.append(page.get_textpage().get_text_bounded(left=0, bottom=MARGINS_PT[1], right=width,
                                                            top=height - MARGINS_PT[0]))
        return "\n".join(out)
    finally:
        document.close()


def fidelity(editions: Editions) -> Result:
    """Every sentence of the manuscript in all three editions (press.gates.manuscript)."""
    result = Result("Fidelity")
    content = editions.root / "content"
    if not (content / "source" / "fidelity.yaml").is_file():
        result.skipped = "no content/source/fidelity.yaml: the book has no manuscript to compare"
        result.summary = f"Fidelity: skipped ({result.skipped})"
        return result
    sentences = manuscript_sentences(content)
    counts = []
    readers = {"web": (editions.html, lambda: (html_text(editions.html), [])),
               "epub": (editions.epub, lambda: (epub_text(editions.epub), [])),
               # Footnotes print between the halves of a sentence that runs over a page.
               "pdf": (editions.pdf, lambda: (pdf_text(editions.pdf), html_notes(editions.html)))}
    for name, (path, read) in readers.items():
        if not path.exists():
            result.findings.append(Finding(editions.relative(path), None, "not found: build the editions first"))
            continue
        text, notes = read()
        found = check(sentences, text, notes=notes)
        counts.append(f"{len(sentences) - len(found.missing)} of {len(sentences)} in {name}")
        for sentence in found.missing:
            short = sentence if len(sentence) < 90 else sentence[:87] + "…"
            result.findings.append(Finding(editions.relative(path), None,
                                           f"a sentence of the manuscript is missing: “{short}”"))
    result.summary = "Fidelity: " + ", ".join(counts) + " (manuscript sentences)"
    return result
