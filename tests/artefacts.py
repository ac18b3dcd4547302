"""Reading the built editions back, as a reader's software would."""

from __future__ import annotations

import shutil
import zipfile
from contextlib import contextmanager
from pathlib import Path

from lxml import etree, html

XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops",
         "opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def html_pages(folder: Path) -> dict[str, html.HtmlElement]:
    return {p.name: html.parse(str(p)).getroot() for p in sorted(folder.glob("*.html"))}


def html_text(folder: Path) -> str:
    """The reading text of the web edition: every page's <main>, in reading order."""
    pages = html_pages(folder)
    return "\n".join(root.xpath("//main")[0].text_content() for name, root in pages.items()
                     if name not in ("index.html", "search.html"))


def epub_files(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def epub_opf(path: Path) -> etree._Element:
    return etree.fromstring(epub_files(path)["EPUB/content.opf"])


def epub_text(path: Path) -> str:
    files = epub_files(path)
    opf = etree.fromstring(files["EPUB/content.opf"])
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", XHTML)}
    texts = []
    for ref in opf.iterfind(".//opf:itemref", XHTML):
        doc = etree.fromstring(files["EPUB/" + manifest[ref.get("idref")]])
        texts.append("".join(doc.find("x:body", XHTML).itertext()))
    return "\n".join(texts)


def pdf_page_texts(path: Path, margins_pt: tuple[float, float] = (54, 61)) -> list[str]:
    """Each page's text without the running head and folio (top/bottom margins)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(path))
    out = []
    for page in pdf:
        width, height = page.get_size()
        text = page.get_textpage().get_text_bounded(left=0, bottom=margins_pt[1], right=width,
                                                    top=height - margins_pt[0])
        out.append(text)
    return out


def pdf_full_page_texts(path: Path) -> list[str]:
    import pypdfium2

    return [page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(str(path))]


def pdf_margin_texts(path: Path, margins_pt: tuple[float, float] = (54, 61)) -> list[tuple[str, str]]:
    """Each page's (head, foot): the text printed in the top and bottom margins."""
    import pypdfium2

    out = []
    for page in pypdfium2.PdfDocument(str(path)):
        width, height = page.get_size()
        textpage = page.get_textpage()
        head = textpage.get_text_bounded(left=0, bottom=height - margins_pt[0], right=width, top=height)
        foot = textpage.get_text_bounded(left=0, bottom=0, right=width, top=margins_pt[1])
        out.append((head.strip(), foot.strip()))
    return out


def pdf_internal_links(path: Path, pages: range) -> list[tuple[int, str, str]]:
    """(page index, destination name, text shown on the link) of the links on ``pages``."""
    import pypdf
    import pypdfium2

    reader = pypdf.PdfReader(str(path))
    document = pypdfium2.PdfDocument(str(path))
    out = []
    for number in pages:
        textpage = document[number].get_textpage()
        for annotation in reader.pages[number].get("/Annots", []) or []:
            annotation = annotation.get_object()
            dest = annotation.get("/Dest")
            if dest is None:
                continue
            left, bottom, right, top = (float(v) for v in annotation["/Rect"])
            out.append((number, str(dest), textpage.get_text_bounded(left, bottom, right, top).strip()))
    return out


def pdf_destinations(path: Path) -> dict[str, int]:
    """Named destination -> index of its page."""
    import pypdf

    reader = pypdf.PdfReader(str(path))
    return {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()}


def pdf_outline(reader) -> list[tuple[int, str]]:
    """The PDF's bookmarks as (depth, title), in order (a pypdf reader)."""

    def titles(items, depth=0):
        for item in items:
            if isinstance(item, list):
                yield from titles(item, depth + 1)
            else:
                yield depth, item.title

    return list(titles(reader.outline))


def epub_unit_headings(path: Path) -> list[str]:
    """The first <h1> of each spine document, in reading order (the title page and nav left out)."""
    files = epub_files(path)
    opf = epub_opf(path)
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", XHTML)}
    spine = [manifest[r.get("idref")] for r in opf.iterfind(".//opf:itemref", XHTML)]
    firsts = []
    for href in spine:
        if href.endswith(("title_page.xhtml", "nav.xhtml")):
            continue
        h1 = etree.fromstring(files["EPUB/" + href]).find(".//x:h1", XHTML)
        if h1 is not None:
            firsts.append("".join(h1.itertext()))
    return firsts


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@contextmanager
def chromium():
    """Headless Chromium (Debian's package) driven by Playwright, with the flags
    this workplace's machines need: no sandbox as root, no background networking."""
    import pytest

    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run 'make test' (it installs Debian's chromium) "
                    "or 'apt-get install chromium'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            yield browser
        finally:
            browser.close()
