"""The text-block check of the PDF checker: nothing printed outside the text block.

Every glyph and every image on every page of the print PDF must lie inside
the text block, the trim box less the page margins, with 0.5 mm to spare
(an italic's or an accent's ink). The running heads and folios are the
exception: they are set in the top and bottom margin boxes, so a glyph
in the column over the text block, from the trim's head to its foot, is
allowed; an image is not (no margin box holds one).

Where the text block is (decided here): not parsed from ``@page`` rules
by hand, and not recorded by the print edition, but laid out by
WeasyPrint with the book's own print stylesheets and the trim size from
book.yaml (``preflight.blocks.book_text_block``: a probe page of every
page name, left and right, and the union of their page areas). That is
what the stylesheets can make, whatever the ``:left``/``:right`` or named
page rules say, and a book's own print.css is read like the toolchain's.
Positions are measured from the page's TrimBox (a press PDF's MediaBox
adds the bleed). The glyphs and images are read with PDFium
(``preflight.pages``: pypdfium2).

An offence is reported per line of text (its first letters, and how far
past which edge it runs, in millimetres) and per image, at most
``SHOWN`` a page with a count of the rest.
"""

from __future__ import annotations

from .preflight.blocks import TextBlock
from .preflight.pages import Box, Document, Page
from . import Finding

MM = 72 / 25.4  # points per millimetre
TOLERANCE_MM = 0.5
SHOWN = 3  # offences named per page; the rest are counted
SAMPLE = 24  # letters of a line's text quoted


def overruns(box: Box, block: Box) -> list[tuple[str, float]]:
    """How far (mm) ``box`` runs past each edge of ``block``, beyond the tolerance."""
    found = [("left", block.left - box.left), ("right", box.right - block.right),
             ("top", box.top - block.top), ("bottom", block.bottom - box.bottom)]
    return [(edge, points / MM) for edge, points in found if points / MM > TOLERANCE_MM]


def page_offences(page: Page, block: TextBlock) -> list[str]:
    """What lies outside the text block on ``page``, one sentence each."""
    area = block.block(page.recto)
    dx, dy = page.trim.left, page.trim.bottom
    head = f"page {page.number} (label {page.label})"
    out = []
    for line in page.lines:
        worst: dict[str, float] = {}
        for char in line.chars:
            if char.text.isspace() or char.box.right <= char.box.left:
                continue
            box = Box(char.box.left - dx, char.box.bottom - dy, char.box.right - dx, char.box.top - dy)
            for edge, mm in overruns(box, area):
                if edge in ("top", "bottom") and box.bottom >= -TOLERANCE_MM * MM \
                        and box.top <= block.height + TOLERANCE_MM * MM:
                    continue  # a running head or folio: in the margin band over the text block
                worst[edge] = max(worst.get(edge, 0.0), mm)
        if worst:
            text = " ".join(line.text.split())
            text = text[:SAMPLE] + "…" if len(text) > SAMPLE else text
            out.append(f"{head}: text '{text}' runs " + _edges(worst))
    for kind, mark in page.marks:
        if kind != "image":
            continue
        box = Box(mark.left - dx, mark.bottom - dy, mark.right - dx, mark.top - dy)
        worst = dict(overruns(box, area))
        if worst:
            out.append(f"{head}: an image {box.width / MM:.1f} mm wide runs " + _edges(worst))
    return out


def _edges(worst: dict[str, float]) -> str:
    return " and ".join(f"{mm:.1f} mm past the {edge} edge" for edge, mm in worst.items()) + " of the text block"


def check(document: Document, block: TextBlock, shown: str) -> tuple[list[Finding], int]:
    """The findings (at most ``SHOWN`` a page, then a count) and the number of offences."""
    findings, total = [], 0
    for page in document.pages:
        offences = page_offences(page, block)
        total += len(offences)
        findings += [Finding(shown, None, o, page=page.number) for o in offences[:SHOWN]]
        if len(offences) > SHOWN:
            findings.append(Finding(shown, None, f"page {page.number} (label {page.label}): "
                                                 f"{len(offences) - SHOWN} more lines or images outside "
                                                 f"the text block", page=page.number))
    return findings, total
