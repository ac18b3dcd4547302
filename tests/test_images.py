"""Images of the text: written relative to the chapter file, found by every edition."""

from __future__ import annotations

import io
import zipfile

import pypdf
from lxml import etree, html
from PIL import Image


def png(colour: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(out, format="PNG")
    return out.getvalue()


def test_an_image_reaches_every_edition(tiny):
    tiny.write("content/images/map.png", png("red"))
    tiny.chapter("01-one.md", "One", "Before the map.\n\n![A red map of the frontier](../images/map.png)\n\nAfter.",
                 kind="introduction")
    assert tiny.build("all", "--strict") == 0
    # Web: the page's <img> names a file of the edition, with its alt text.
    page = html.parse(str(tiny.out / "html" / "01-one.html")).getroot()
    images = page.xpath("//main//img")
    assert [i.get("alt") for i in images] == ["A red map of the frontier"]
    assert (tiny.out / "html" / images[0].get("src")).read_bytes() == png("red")
    # EPUB: the image is in the package and the XHTML points at it.
    with zipfile.ZipFile(tiny.out / "tiny.epub") as epub:
        names = epub.namelist()
        xhtml = [n for n in names if n.endswith(".xhtml") and b"A red map" in epub.read(n)]
        assert xhtml
        doc = etree.fromstring(epub.read(xhtml[0]))
        src = doc.xpath("//*[local-name()='img']/@src")[0]
        packaged = "EPUB/" + src.removeprefix("../") if src.startswith("../") else f"EPUB/text/{src}"
        assert packaged in names and epub.read(packaged) == png("red")
    # PDF: the page after "Before the map." draws an image.
    reader = pypdf.PdfReader(tiny.out / "tiny.pdf")
    assert any(page.images for page in reader.pages if "Before the map" in page.extract_text())


def test_an_image_outside_content_or_missing_is_an_error(tiny, capsys):
    tiny.write("elsewhere.png", png("blue"))
    tiny.chapter("01-one.md", "One", "![Outside](../../elsewhere.png)\n\n![Missing](../images/none.png)",
                 kind="introduction")
    assert tiny.build("html") == 65
    err = capsys.readouterr().err
    assert "content/chapters/01-one.md:6: image '../../elsewhere.png' is outside content/" in err
    assert "content/chapters/01-one.md:8: image '../images/none.png' does not exist" in err
