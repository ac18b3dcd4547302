"""Line breaking of the laid-out pages, measured from the built PDF.

What a compositor looks at once the pages are made: lines ending in a
hyphen, hyphen ladders (three or more such lines in a row), paragraphs whose
last line is only the tail of a hyphenated word ("har-/nessed."), a word
hyphenated across a page turn, and lines that hold nothing but a page
reference ("p. 7", "12–14"). WeasyPrint 70 implements neither
``hyphenate-limit-lines`` nor ``hyphenate-limit-last`` (CSS Text 4, 6.4),
so what they would prevent is measured here, for the preflight and the
tests.

The lines come from poppler (``pdftotext -bbox-layout``): a page is read as
blocks of lines, each with its box, in reading order.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

# A line broken at a hyphen: WeasyPrint's hyphenate-character (U+2010), a
# hard hyphen in a compound, a soft hyphen if a viewer keeps it.
HYPHENS = ("\u2010", "-", "\u00ad")
# "7", "12–14", "p. 7", "pp. 4–5", "xi", with the comma or full stop after it.
PAGE_REFERENCE = re.compile(r"^(?:pp?\.\s*)?(?:\d+|[ivxlc]+)(?:\s*[\u2013-]\s*(?:\d+|[ivxlc]+))?[,.;]?$")
# Running heads and folios sit in the page's top and bottom margins (print.css).
MARGINS_PT = (54.0, 61.0)
LADDER = 3


@dataclass(frozen=True)
class Line:
    """One line of text on a page, as poppler reads it (PDF points, y down)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    block: int  # index of its block on the page

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def words(self) -> list[str]:
        return self.text.split()

    def hyphenated(self) -> bool:
        return self.text.endswith(HYPHENS) and len(self.text) > 1


@dataclass
class PageBreaks:
    """The line-breaking figures of one page."""

    index: int  # 0-based page index in the PDF
    label: str  # the printed folio (the PDF page label) or the page number
    hyphenated: list[str] = field(default_factory=list)  # lines ending in a hyphen
    ladders: list[list[str]] = field(default_factory=list)  # runs of LADDER or more
    fragments: list[str] = field(default_factory=list)  # a paragraph's last line: a word's tail
    page_turn: str | None = None  # the page's last line, when it ends in a hyphen
    lone_references: list[str] = field(default_factory=list)  # lines holding only a page reference

    def empty(self) -> bool:
        return not (self.hyphenated or self.ladders or self.fragments or self.page_turn
                    or self.lone_references)


def read_lines(pdf: Path) -> list[list[Line]]:
    """Every page's lines inside the text block (margins left out), in reading order."""
    done = subprocess.run(["pdftotext", "-bbox-layout", "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, check=True)
    root = etree.fromstring(done.stdout, etree.XMLParser(recover=True, huge_tree=True))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    pages = []
    for page in root.iterfind(".//x:page", ns):
        height = float(page.get("height"))
        lines = []
        for number, block in enumerate(page.iterfind(".//x:block", ns)):
            for line in block.iterfind("x:line", ns):
                words = [w.text or "" for w in line.iterfind("x:word", ns)]
                box = [float(line.get(k)) for k in ("xMin", "yMin", "xMax", "yMax")]
                if box[1] < MARGINS_PT[0] - 2 or box[3] > height - MARGINS_PT[1] + 2:
                    continue  # a running head or a folio
                lines.append(Line(" ".join(words), *box, block=number))
        pages.append(lines)
    return pages


def page_labels(pdf: Path) -> list[str]:
    """The printed folio of each page (PDF page labels), or its number."""
    import pypdf

    reader = pypdf.PdfReader(str(pdf))
    try:
        return list(reader.page_labels)
    except Exception:  # a PDF without labels, or with a broken tree
        return [str(i + 1) for i in range(len(reader.pages))]


def _follows(before: Line, after: Line) -> bool:
    """``after`` is the next line of the same column: just below, overlapping."""
    below = 0 < after.y0 - before.y0 < 1.9 * max(before.height, 1)
    return below and after.x0 < before.x1 and before.x0 < after.x1


def _lone_reference(before: Line, line: Line) -> bool:
    """``line`` holds only a page reference carried over from the line above:
    "p. 7" under its event, or "25" under "Honduras, 16," (not a year in a
    column of dates, nor a chapter's number)."""
    text = line.text.strip()
    if not PAGE_REFERENCE.match(text) or not _follows(before, line):
        return False
    return text.startswith("p") or before.text.rstrip().endswith((",", "\u2013", "-"))


def _body(lines: list[Line]) -> list[Line]:
    """The lines of the main text: footnotes (set smaller, at the foot) left out."""
    if not lines:
        return lines
    heights = sorted(round(line.height, 1) for line in lines)
    usual = heights[len(heights) // 2]
    last = max(i for i, line in enumerate(lines) if line.height >= 0.92 * usual)
    return [line for i, line in enumerate(lines) if i <= last or line.height >= 0.92 * usual]


def measure_page(index: int, label: str, lines: list[Line]) -> PageBreaks:
    found = PageBreaks(index, label)
    run: list[Line] = []
    widest = max((line.x1 - line.x0 for line in lines), default=0)
    for i, line in enumerate(lines):
        if i and _lone_reference(lines[i - 1], line):
            found.lone_references.append(line.text)
        if run and not _follows(run[-1], line):
            run = []
        if line.hyphenated():
            found.hyphenated.append(line.text)
            run.append(line)
            if len(run) == LADDER:
                found.ladders.append([r.text for r in run])
            elif len(run) > LADDER:
                found.ladders[-1].append(line.text)
        else:
            if run and len(line.words) == 1 and line.x1 - line.x0 < 0.6 * widest:
                found.fragments.append(f"{run[-1].text} / {line.text}")
            run = []
    body = _body(lines)
    if body:
        bottom = max(line.y1 for line in body)
        turn = [line for line in body if bottom - line.y1 < 2 and line.hyphenated()]
        if turn:
            found.page_turn = turn[-1].text
    return found


def measure(pdf: Path) -> list[PageBreaks]:
    """The figures of every page of ``pdf``; the last page has no page turn."""
    pages = read_lines(pdf)
    labels = page_labels(pdf)
    out = [measure_page(i, labels[i] if i < len(labels) else str(i + 1), lines)
           for i, lines in enumerate(pages)]
    if out:
        out[-1].page_turn = None
    return out


def totals(pages: list[PageBreaks]) -> dict[str, int]:
    return {"hyphenated lines": sum(len(p.hyphenated) for p in pages),
            "ladders (3+)": sum(len(p.ladders) for p in pages),
            "longest ladder": max((len(l) for p in pages for l in p.ladders), default=0),
            "paragraph-end fragments": sum(len(p.fragments) for p in pages),
            "hyphens at a page turn": sum(p.page_turn is not None for p in pages),
            "lines holding only a page reference": sum(len(p.lone_references) for p in pages)}


def report(pages: list[PageBreaks]) -> str:
    rows = []
    for page in pages:
        if page.empty():
            continue
        parts = [f"{len(page.hyphenated)} hyphenated"]
        parts += [f"ladder of {len(ladder)}" for ladder in page.ladders]
        parts += [f"fragment “{f}”" for f in page.fragments]
        if page.page_turn:
            parts.append(f"page turn “{page.page_turn}”")
        parts += [f"lone reference “{r}”" for r in page.lone_references]
        rows.append(f"p. {page.label} (page {page.index + 1}): " + "; ".join(parts))
    rows.append("totals: " + ", ".join(f"{k} {v}" for k, v in totals(pages).items()))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """``python -m press.linebreaks BOOK.pdf``: the figures, page by page."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m press.linebreaks BOOK.pdf", file=sys.stderr)
        return 2
    print(report(measure(Path(args[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
