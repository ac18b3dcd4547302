"""What the EPUB embeds, handed to pandoc so that it reads no file (issue 19).

pandoc writes the EPUB in ``--sandbox``: its writer then reads only what is
given on its command line (the metadata file, the fonts), so nothing in the
document, raw HTML included, can make it embed a file of the machine. What
else the package holds is passed explicitly:

- the images: read here, from the book's folder (where the collect stage
  found them) or the edition's own temporary folder (the timeline), and put
  into the document as ``data:`` URIs, which pandoc unpacks into
  ``EPUB/media/`` as it does files;
- the stylesheet: written over pandoc's default ``EPUB/styles/stylesheet1.css``,
  the file every XHTML page already links;
- the cover: its image, its page (pandoc's own form of it: an SVG holding
  the image, EPUB 3.3 §4.5) and their manifest, spine and guide entries.

pandoc's sandbox refuses ``--css`` and ``--epub-cover-image`` (it cannot read
them either), hence the last two.
"""

from __future__ import annotations

import base64
from pathlib import Path

from lxml import etree

from ..book.ast import iter_nodes
from ..errors import ContentError, Problem

MIME = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
        ".svg": "image/svg+xml", ".webp": "image/webp"}
STYLESHEET = "EPUB/styles/stylesheet1.css"  # pandoc's name for the package's stylesheet
COVER_IMAGE, COVER_PAGE = "EPUB/media/cover.png", "EPUB/text/cover.xhtml"
OPF = "http://www.idpf.org/2007/opf"


def inline_images(document: dict, roots: list[Path]) -> dict:
    """``document`` with every image's file as a ``data:`` URI (in place), read
    only from inside ``roots`` (the book, the edition's temporary folder)."""
    allowed = [root.resolve() for root in roots]
    for node in iter_nodes(document["blocks"]):
        if node["t"] != "Image":
            continue
        target = node["c"][2][0]
        if target.startswith("data:"):
            continue
        path = Path(target) if Path(target).is_absolute() else roots[0] / target
        real = path.resolve()
        mime = MIME.get(real.suffix.lower())
        if mime is None or not real.is_file() or not any(real.is_relative_to(r) for r in allowed):
            raise ContentError([Problem(target, None, "the EPUB cannot embed this image: it is not an image "
                                                      "file inside the book; name a PNG, JPEG, GIF, SVG or WebP "
                                                      "file of content/")])
        node["c"][2][0] = f"data:{mime};base64,{base64.b64encode(real.read_bytes()).decode('ascii')}"
    return document


def cover_page(title: str, lang: str, width: int, height: int) -> bytes:
    """The cover's XHTML page, as pandoc writes it (an SVG that scales the image to the screen)."""
    page = f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}">
<head>
  <meta charset="utf-8" />
  <title></title>
  <link rel="stylesheet" type="text/css" href="../styles/stylesheet1.css" />
</head>
<body id="cover">
<div id="cover-image">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="100%" height="100%" viewBox="0 0 {width} {height}" preserveAspectRatio="xMidYMid">
<image width="{width}" height="{height}" xlink:href="../media/cover.png" />
</svg>
</div>
</body>
</html>
"""
    root = etree.fromstring(page.encode("utf-8"))
    root.find(f"{{http://www.w3.org/1999/xhtml}}head/{{http://www.w3.org/1999/xhtml}}title").text = title
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def png_size(data: bytes) -> tuple[int, int]:
    """A PNG's width and height, from its IHDR chunk."""
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def add_cover(opf: bytes, label: str) -> bytes:
    """The cover's image and page in the package document: manifest, first in the spine, the guide."""
    root = etree.fromstring(opf)
    ns = {"opf": OPF}
    manifest, spine = root.find("opf:manifest", ns), root.find("opf:spine", ns)
    manifest[-1].tail = "\n    "
    page = etree.SubElement(manifest, f"{{{OPF}}}item", id="cover_xhtml", href="text/cover.xhtml")
    page.set("media-type", "application/xhtml+xml")
    page.set("properties", "svg")
    image = etree.SubElement(manifest, f"{{{OPF}}}item", id="cover_png", href="media/cover.png")
    image.set("media-type", "image/png")
    image.set("properties", "cover-image")
    page.tail, image.tail = "\n    ", "\n  "
    ref = etree.Element(f"{{{OPF}}}itemref", idref="cover_xhtml")
    ref.tail = "\n    "
    spine.insert(0, ref)
    guide = root.find("opf:guide", ns)
    if guide is None:
        guide = etree.SubElement(root, f"{{{OPF}}}guide")
    reference = etree.Element(f"{{{OPF}}}reference", type="cover", title=label, href="text/cover.xhtml")
    reference.tail = "\n    "
    guide.insert(0, reference)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
