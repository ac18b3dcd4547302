"""The finished pages as a production editor reads them: lines, links, marks.

A PDF is read once with PDFium (pypdfium2, a main dependency: it is fast
and gives each glyph's box, font and size). A page becomes its lines of
glyphs, in the order PDFium reads them (the content stream's order, which
WeasyPrint writes in reading order, column after column), its link
annotations with the text under each and the page they go to, and the
boxes of everything else it draws (rules, images).

PDF coordinates throughout: points, from the bottom left of the MediaBox.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

# Characters a line-end hyphen is drawn with: HYPHEN-MINUS, HYPHEN (WeasyPrint's
# automatic hyphenation with Gentium), SOFT HYPHEN.
HYPHENS = "-\u2010\u00ad"


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    def contains(self, other: "Box", tolerance: float = 0.0) -> bool:
        return (other.left >= self.left - tolerance and other.right <= self.right + tolerance
                and other.bottom >= self.bottom - tolerance and other.top <= self.top + tolerance)

    @property
    def width(self) -> float:
        return self.right - self.left


@dataclass
class Char:
    text: str
    box: Box
    size: float
    italic: bool
    bold: bool
    mono: bool = False  # a fixed-pitch face: code, where Markdown's marks are the program's


@dataclass
class Line:
    chars: list[Char]

    @cached_property
    def text(self) -> str:
        return "".join(c.text for c in self.chars)

    @cached_property
    def box(self) -> Box:
        boxes = [c.box for c in self.chars if not c.text.isspace()] or [c.box for c in self.chars]
        return Box(min(b.left for b in boxes), min(b.bottom for b in boxes),
                   max(b.right for b in boxes), max(b.top for b in boxes))

    @cached_property
    def size(self) -> float:
        return _mode([c.size for c in self.chars if not c.text.isspace()] or [0.0])

    @property
    def display(self) -> bool:
        """Every glyph in italic or bold: set off from running text (a date, a label)."""
        inked = [c for c in self.chars if not c.text.isspace()]
        return bool(inked) and (all(c.italic for c in inked) or all(c.bold for c in inked))


@dataclass
class Link:
    box: Box
    dest: int | None  # index of the page it goes to; None for a URI
    text: str = ""  # the glyphs whose centres are inside the link's rectangle, line by line
    end: float = 0.0  # where its last glyph ends (x)


@dataclass
class Page:
    index: int  # 0-based
    label: str  # the printed folio (/PageLabels), or the page's number
    media: Box
    trim: Box
    lines: list[Line] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    marks: list[tuple[str, Box]] = field(default_factory=list)  # ("image"|"rule", box)

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def recto(self) -> bool:
        return self.index % 2 == 0  # page 1 is a recto

    def text_in(self, block: Box, tolerance: float = 2.0) -> list[Line]:
        """The lines inside ``block``: the text, not the running heads and folios."""
        return [line for line in self.lines if line.text.strip() and block.contains(line.box, tolerance)]


@dataclass
class Document:
    path: Path
    pages: list[Page]
    outline: list[tuple[int, str, int | None]]  # level, title, page index

    def body_start(self) -> int:
        """The first page with an arabic folio (the front matter is before it)."""
        return next((p.index for p in self.pages if p.label.isdigit()), 0)


def _mode(values: list[float]) -> float:
    return Counter(round(v, 1) for v in values).most_common(1)[0][0]


def page_count(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


def read(path: Path) -> Document:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        pages = [_page(pdf, index) for index in range(len(pdf))]
        outline = [(b.level, b.get_title(), b.get_dest().get_index() if b.get_dest() else None)
                   for b in pdf.get_toc()]
    finally:
        pdf.close()
    return Document(path, pages, outline)


def _page(pdf, index: int) -> Page:
    page = pdf[index]
    media = Box(*page.get_mediabox())
    try:
        trim = Box(*page.get_trimbox())
    except Exception:  # no TrimBox: the MediaBox is the trim (ISO 32000-1, 14.11.2)
        trim = media
    result = Page(index, pdf.get_page_label(index) or str(index + 1), media, trim)
    textpage = page.get_textpage()
    result.lines = _lines(textpage)
    top_down = sorted(result.lines, key=lambda line: -line.box.top)
    result.links = [_with_text(link, top_down) for link in _links(pdf, page)]
    result.marks = _marks(page)
    return result


def _lines(textpage) -> list[Line]:
    import pypdfium2.raw as raw

    lines, current = [], []
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    name, flags = ctypes.create_string_buffer(128), ctypes.c_int()
    for k in range(raw.FPDFText_CountChars(textpage)):
        code = raw.FPDFText_GetUnicode(textpage, k)
        if raw.FPDFText_IsGenerated(textpage, k):
            if code == 10 and current:  # PDFium's line break (\r\n)
                lines.append(Line(current))
                current = []
            elif code == 32 and current:
                current.append(Char(" ", current[-1].box, current[-1].size, False, False))
            continue
        raw.FPDFText_GetCharBox(textpage, k, left, right, bottom, top)
        raw.FPDFText_GetFontInfo(textpage, k, name, len(name), ctypes.byref(flags))
        font = name.value.decode("latin-1")
        italic = bool(flags.value & 64) or re.search(r"Italic|Oblique", font) is not None  # PDF 1.7, 9.8.2
        bold = raw.FPDFText_GetFontWeight(textpage, k) >= 600 or "Bold" in font
        mono = bool(flags.value & 1) or re.search(r"Mono|Courier|Code", font) is not None  # FixedPitch
        box = Box(left.value, bottom.value, right.value, top.value)
        if current and _wraps(current[-1].box, box):
            lines.append(Line(current))
            current = []
        # PDFium reads a hyphen at a line's end as U+0002 and joins the lines around it.
        hyphen = raw.FPDFText_IsHyphen(textpage, k)
        text = "-" if hyphen else (unicodedata.normalize("NFC", chr(code)) if code else "")
        current.append(Char(text, box, raw.FPDFText_GetFontSize(textpage, k), italic, bold, mono))
        if hyphen:
            lines.append(Line(current))
            current = []
    if current:
        lines.append(Line(current))
    return lines


def _with_text(link: Link, lines: list[Line]) -> Link:
    """The link's text from the page's glyphs (PDFium's bounded text takes in glyphs the
    rectangle only touches, from the lines above and below)."""
    box, inside = link.box, []
    for line in lines:
        if line.box.bottom > box.top or line.box.top < box.bottom:
            continue
        chars = [c for c in line.chars
                 if box.left <= (c.box.left + c.box.right) / 2 <= box.right
                 and box.bottom <= (c.box.bottom + c.box.top) / 2 <= box.top]
        if any(not c.text.isspace() for c in chars):
            inside.append(chars)
    if inside:
        link.text = " ".join(" ".join("".join(c.text for c in chars).split()) for chars in inside)
        link.end = max(c.box.right for c in inside[-1] if not c.text.isspace())
    return link


def _wraps(before: Box, after: Box) -> bool:
    """A glyph wholly below the one before it and to its left starts a new line."""
    return after.top < before.bottom and after.left < before.left


def _links(pdf, page) -> list[Link]:
    import pypdfium2.raw as raw

    links, position, link = [], ctypes.c_int(0), raw.FPDF_LINK()
    while raw.FPDFLink_Enumerate(page.raw, ctypes.byref(position), ctypes.byref(link)):
        dest = raw.FPDFLink_GetDest(pdf.raw, link)
        if not dest:
            action = raw.FPDFLink_GetAction(link)
            dest = raw.FPDFAction_GetDest(pdf.raw, action) if action else None
        target = raw.FPDFDest_GetDestPageIndex(pdf.raw, dest) if dest else -1
        rect = raw.FS_RECTF()
        if not raw.FPDFLink_GetAnnotRect(link, ctypes.byref(rect)):
            continue
        box = Box(min(rect.left, rect.right), min(rect.top, rect.bottom),
                  max(rect.left, rect.right), max(rect.top, rect.bottom))
        links.append(Link(box, target if target >= 0 else None))
    return links


def _marks(page) -> list[tuple[str, Box]]:
    """What the page draws besides text: painted paths and images (top level)."""
    import pypdfium2.raw as raw

    marks = []
    for obj in page.get_objects(max_depth=0):
        if obj.type == raw.FPDF_PAGEOBJ_PATH:
            fill, stroke = ctypes.c_int(), ctypes.c_int()
            raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
            if not fill.value and not stroke.value:
                continue  # a clipping path draws nothing
            kind = "rule"
        elif obj.type in (raw.FPDF_PAGEOBJ_IMAGE, raw.FPDF_PAGEOBJ_FORM, raw.FPDF_PAGEOBJ_SHADING):
            kind = "image"
        else:
            continue
        marks.append((kind, Box(*obj.get_bounds())))
    return marks
