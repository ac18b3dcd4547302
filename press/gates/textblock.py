"""The text-block check of the PDF checker: nothing printed outside the text block.

Every glyph, image and drawn shape on every page of the print PDF must lie inside
the text block, the trim box less the page margins, with 0.5 mm to spare
(an italic's or an accent's ink). The running heads and folios are the
exception: they are set in the top and bottom margin boxes, so a glyph
in the column over the text block, from the trim's head to its foot, is
allowed; an image or a drawn shape is not (no margin box holds one).
An image or a shape is measured where its clipping paths let it show
(``clipped``): what a clip hides is not printed.

Where the text block is (decided here): not parsed from ``@page`` rules
by hand, and not recorded by the print edition, but laid out by
WeasyPrint with the book's own print stylesheets and the trim size from
book.yaml (``preflight.blocks.book_text_block``: a probe page of every
page name, left and right, and the union of their page areas). That is
what the stylesheets can make, whatever the ``:left``/``:right`` or named
page rules say, and a book's own print.css is read like the toolchain's.
Positions are measured from the page's TrimBox (a press PDF's MediaBox
adds the bleed). The glyphs and images are read with PDFium (pypdfium2,
as ``preflight.pages`` reads them, and each glyph's origin besides).

A glyph is measured where the layout set it, not by all its ink: at the
left edge from its origin (an italic J's or f's ink hangs left of its
origin by design, 0.5 mm at 14pt), at the right edge and in height by its
ink box.

An offence is reported per line of text (its first letters, and how far
past which edge it runs, in millimetres, and whether it is cut at the
trim), per image, and once a page for the drawn shapes (paths: rules,
fills, an SVG figure's lines), at most ``SHOWN`` a page with a count of
the rest.

This is the toolchain's one text-block check: the PDF checker reports it
(``build.py check --only pdf``); the preflight, which once had a check of
its own over the same glyphs, does not repeat it, so a fault is reported
once.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from pathlib import Path

from .preflight.blocks import TextBlock
from .preflight.pages import Box
from . import Finding

MM = 72 / 25.4  # points per millimetre
TOLERANCE_MM = 0.5
SHOWN = 3  # offences named per page; the rest are counted
SAMPLE = 24  # letters of a line's text quoted


@dataclass
class Glyph:
    text: str
    box: Box  # ink, on the trim (points from the trim's bottom left)


@dataclass
class InkedPage:
    """A page's glyphs by line, and its images, in points from the trim's bottom left."""

    number: int  # 1-based
    label: str
    height: float  # the trim's
    lines: list[list[Glyph]] = field(default_factory=list)
    images: list[Box] = field(default_factory=list)
    drawings: list[Box] = field(default_factory=list)  # painted paths: rules, fills, a vector figure's lines

    @property
    def recto(self) -> bool:
        return self.number % 2 == 1  # page 1 is a recto


def read(path: Path) -> list[InkedPage]:
    """Every page's glyphs (their boxes from the origin's x) and images, with PDFium."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    pages = []
    pdf = pdfium.PdfDocument(str(path))
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                trim = Box(*page.get_trimbox())
            except Exception:  # no TrimBox: the MediaBox is the trim (ISO 32000-1, 14.11.2)
                trim = Box(*page.get_mediabox())
            dx, dy = trim.left, trim.bottom
            found = InkedPage(index + 1, pdf.get_page_label(index) or str(index + 1), trim.top - trim.bottom)
            textpage = page.get_textpage()
            left, right, bottom, top, x, y = (ctypes.c_double() for _ in range(6))
            line: list[Glyph] = []
            for k in range(raw.FPDFText_CountChars(textpage)):
                code = raw.FPDFText_GetUnicode(textpage, k)
                if raw.FPDFText_IsGenerated(textpage, k):
                    if code == 10 and line:  # PDFium's line break
                        found.lines.append(line)
                        line = []
                    elif code == 32 and line:
                        line.append(Glyph(" ", line[-1].box))
                    continue
                raw.FPDFText_GetCharBox(textpage, k, left, right, bottom, top)
                raw.FPDFText_GetCharOrigin(textpage, k, x, y)
                if right.value <= left.value or not code:
                    continue
                box = Box(max(left.value, x.value) - dx, bottom.value - dy, right.value - dx, top.value - dy)
                if line and box.top < line[-1].box.bottom and box.left < line[-1].box.left:
                    found.lines.append(line)  # a glyph below and left of the last one starts a line
                    line = []
                line.append(Glyph(chr(code), box))
            if line:
                found.lines.append(line)
            fill, stroke = ctypes.c_int(), ctypes.c_int()
            for obj in page.get_objects(max_depth=0):
                if obj.type in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM):
                    kind = found.images
                elif obj.type == raw.FPDF_PAGEOBJ_PATH:
                    raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
                    if not fill.value and not stroke.value:
                        continue  # a clipping path draws nothing
                    kind = found.drawings
                else:
                    continue
                b = clipped(obj, Box(*obj.get_bounds()))
                if b is not None:
                    kind.append(Box(b.left - dx, b.bottom - dy, b.right - dx, b.top - dy))
            pages.append(found)
    finally:
        pdf.close()
    return pages


def clipped(obj, bounds: Box) -> Box | None:
    """What of ``bounds`` the object's clipping paths let show (page space), or None if nothing.

    WeasyPrint clips an SVG image to its viewport: a stroke the SVG draws
    outside its viewBox (the gapminder lesson's tick marks drawn once at the
    origin) is in the content stream, but not on the page. Each clipping
    path is taken by the box of its points (a curve's control points make
    it larger, never smaller, so nothing painted is missed).
    """
    import pypdfium2.raw as raw

    clip = raw.FPDFPageObj_GetClipPath(obj.raw)
    if not clip:
        return bounds
    x, y = ctypes.c_float(), ctypes.c_float()
    left, bottom, right, top = bounds.left, bounds.bottom, bounds.right, bounds.top
    for i in range(raw.FPDFClipPath_CountPaths(clip)):
        xs, ys = [], []
        for j in range(raw.FPDFClipPath_CountPathSegments(clip, i)):
            segment = raw.FPDFClipPath_GetPathSegment(clip, i, j)
            if segment and raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y)):
                xs.append(x.value)
                ys.append(y.value)
        if xs:  # the clipping paths intersect (ISO 32000-1, 8.5.4)
            left, bottom = max(left, min(xs)), max(bottom, min(ys))
            right, top = min(right, max(xs)), min(top, max(ys))
    if right <= left or top <= bottom:
        return None
    return Box(left, bottom, right, top)


def overruns(box: Box, block: Box) -> list[tuple[str, float]]:
    """How far (mm) ``box`` runs past each edge of ``block``, beyond the tolerance."""
    found = [("left", block.left - box.left), ("right", box.right - block.right),
             ("top", box.top - block.top), ("bottom", block.bottom - box.bottom)]
    return [(edge, points / MM) for edge, points in found if points / MM > TOLERANCE_MM]


def cut(box: Box, block: TextBlock) -> bool:
    """Whether ``box`` runs past the trim (more than the tolerance): the guillotine cuts it."""
    return bool(overruns(box, Box(0.0, 0.0, block.width, block.height)))


def page_offences(page: InkedPage, block: TextBlock) -> list[str]:
    """What lies outside the text block on ``page``, one sentence each."""
    area = block.block(page.recto)
    trimmed = " and is cut at the trim"
    head = f"page {page.number} (label {page.label})"
    out = []
    for line in page.lines:
        worst: dict[str, float] = {}
        severed = False
        for glyph in line:
            if glyph.text.isspace():
                continue
            box = glyph.box
            for edge, mm in overruns(box, area):
                if edge in ("top", "bottom") and box.bottom >= -TOLERANCE_MM * MM \
                        and box.top <= page.height + TOLERANCE_MM * MM:
                    continue  # a running head or folio: in the margin band over the text block
                worst[edge] = max(worst.get(edge, 0.0), mm)
                severed = severed or cut(box, block)
        if worst:
            text = " ".join("".join(g.text for g in line).split())
            text = text[:SAMPLE] + "…" if len(text) > SAMPLE else text
            out.append(f"{head}: text '{text}' runs " + _edges(worst) + (trimmed if severed else ""))
    for box in page.images:
        worst = dict(overruns(box, area))
        if worst:
            out.append(f"{head}: an image {box.width / MM:.1f} mm wide runs " + _edges(worst)
                       + (trimmed if cut(box, block) else ""))
    # Drawn shapes are many (a vector figure is hundreds of paths): one offence a page.
    drawn: dict[str, float] = {}
    count, severed = 0, False
    for box in page.drawings:
        worst = dict(overruns(box, area))
        count += bool(worst)
        severed = severed or (bool(worst) and cut(box, block))
        for edge, mm in worst.items():
            drawn[edge] = max(drawn.get(edge, 0.0), mm)
    if drawn:
        out.append(f"{head}: {count} drawn shapes (rules, fills, a vector figure's lines) run up to "
                   + _edges(drawn) + (", some cut at the trim" if severed else ""))
    return out


def _edges(worst: dict[str, float]) -> str:
    edges = " and ".join(f"{mm:.1f} mm past the {edge} edge" for edge, mm in worst.items())
    return edges + " of the text block"


def check(pages: list[InkedPage], block: TextBlock, shown: str) -> tuple[list[Finding], int]:
    """The findings (at most ``SHOWN`` a page, then a count) and the number of offences."""
    findings, total = [], 0
    for page in pages:
        offences = page_offences(page, block)
        total += len(offences)
        findings += [Finding(shown, None, o, page=page.number) for o in offences[:SHOWN]]
        if len(offences) > SHOWN:
            more = (f"page {page.number} (label {page.label}): these and {len(offences) - SHOWN} more "
                    "lines, images or drawings outside the text block")
            findings.append(Finding(shown, None, more, page=page.number))
    return findings, total
