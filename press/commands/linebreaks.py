"""Line breaking of the laid-out pages, measured from the built PDF.

What a compositor looks at once the pages are made: lines ending in a
hyphen, hyphen ladders (three or more such lines in a row), paragraphs whose
last line is only the tail of a hyphenated word ("har-/nessed."), a word
hyphenated across a page turn, and lines that hold nothing but a page
reference ("p. 7", "12–14"). WeasyPrint 70 implements neither
``hyphenate-limit-lines`` nor ``hyphenate-limit-last`` (CSS Text 4, 6.4),
so what they would prevent is measured, page by page.

A report over the preflight's reading of the pages (press/gates/preflight:
PDFium's glyphs, the text block of the book's own print stylesheets), so that
the figures and the preflight's findings are counted by one definition.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ..gates.preflight import makeup
from ..gates.preflight import pages as reading
from ..gates.preflight.blocks import TextBlock, book_text_block


@dataclass
class PageBreaks:
    """The line-breaking figures of one page."""

    index: int  # 0-based page index in the PDF
    label: str  # the printed folio (the PDF page label) or the page number
    hyphenated: list[str] = field(default_factory=list)  # lines ending in a hyphen
    ladders: list[list[str]] = field(default_factory=list)  # runs of three or more
    fragments: list[str] = field(default_factory=list)  # a paragraph's last line: a word's tail
    page_turn: str | None = None  # the page's last line, when it ends in a hyphen
    lone_references: list[str] = field(default_factory=list)  # lines holding only page references

    def empty(self) -> bool:
        return not (self.hyphenated or self.ladders or self.fragments or self.page_turn
                    or self.lone_references)


def text_lines(pdf: Path, root: Path) -> list[list[reading.Line]]:
    """Every page's lines inside the text block of the book in ``root``, top to bottom."""
    block = book_text_block(root)
    return [makeup.text_lines(page, block) for page in reading.read(pdf).pages]


def measure_page(page: reading.Page, block: TextBlock, last: bool) -> PageBreaks:
    found = PageBreaks(page.index, page.label)
    lines = makeup.text_lines(page, block)
    hyphenated = [line for line in lines if makeup.is_hyphenated(line)]
    found.hyphenated = [line.text for line in hyphenated]
    found.ladders = [[line.text for line in run] for run in makeup.ladders(lines, hyphenated)]
    widest = max((line.box.width for line in lines), default=0)
    for line in hyphenated:
        tail = makeup.next_line(lines, line)
        if tail is not None and len(tail.text.split()) == 1 and tail.box.width < 0.6 * widest:
            found.fragments.append(f"{line.text} / {tail.text}")
    foot = makeup.page_foot(lines)
    if foot and makeup.is_hyphenated(foot[-1]) and not last:
        found.page_turn = foot[-1].text
    found.lone_references = [line.text for line in lines if makeup.lone_reference(page, line)]
    return found


def measure(pdf: Path, root: Path) -> list[PageBreaks]:
    """The figures of every page of ``pdf``, the book of ``root``; the last page has no page turn."""
    block = book_text_block(root)
    document = reading.read(pdf)
    return [measure_page(page, block, page.index + 1 == len(document.pages)) for page in document.pages]


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
    """``python -m press.commands.linebreaks BOOK.pdf [--root BOOK]``: the figures, page by page."""
    parser = argparse.ArgumentParser(prog="python -m press.commands.linebreaks", description=main.__doc__)
    parser.add_argument("pdf", type=Path, help="the built print PDF")
    parser.add_argument("--root", type=Path, default=Path("."),
                        help="the book's folder, whose print stylesheets give the text block (default: .)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    print(report(measure(args.pdf, args.root)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
