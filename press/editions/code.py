"""Code blocks in print: long lines broken at the measure, with a continuation mark.

CSS cannot mark where it wraps a line, and a code line cut without a mark
reads as two lines of code. So the print HTML's code blocks are broken
here, before layout: a line longer than the text block holds (the
characters per line computed from the trim width, print.css's page margins
and the monospaced face's advance width at the code's fixed size) is cut
at a space or a punctuation mark near the measure, or at the measure when
there is none, and the continued line starts with a mark (``CONTINUATION``)
that is ``aria-hidden`` and not a letter or digit (the page-start offsets of
press.editions.pagemarks count letters and digits only, so they do not
move). Code in a footnote is set smaller and measured at its own size; a
code block in a list or a block quote is measured at its narrower width,
one in a table cell at its column's share of the table (pandoc's column
widths; without them print.css wraps it, unmarked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .measures import length_mm

CONTINUATION = "\u21aa\u00a0"  # "↪ ": shown at the start of a continued line
CONTINUED_CLASS = "code-cont"
# print.css's page margins, left plus right (0.8in inner + 0.6in outer), in points.
PAGE_MARGINS_PT = 1.4 * 72
# DejaVu Sans Mono (styles/fonts/): every glyph advances 1233 units of 2048.
ADVANCE_EM = 1233 / 2048
CODE_PT = 8.5  # print.css: pre
NOTE_CODE_PT = 7.5  # print.css: .footnote-code, code in a table
# What an enclosing block takes from the measure (print.css / the UA defaults), in points.
INDENT_PT = {"ul": 30.0, "ol": 30.0, "blockquote": 60.0, "dd": 30.0}
CELL_PADDING_PT = 12.0  # a table cell's padding and the space between cells, generously
TAB = 8
# A line is cut after one of these when one lies in the last part of the measure.
SOFT = re.compile(r"[\s,;(\[{=+\-*/|&.:>]")
LOOKBACK = 0.35  # how far back from the measure a soft cut may be, as a share of it


@dataclass(frozen=True)
class Measure:
    """Characters per line of a code block at a given width and size."""

    width_pt: float
    size_pt: float

    @property
    def chars(self) -> int:
        return max(8, int(self.width_pt / (ADVANCE_EM * self.size_pt) - 0.25))


def text_width_pt(trim_width: str) -> float:
    """The print text block's width (book.yaml's trim width less the page margins)."""
    return length_mm(trim_width) / 25.4 * 72 - PAGE_MARGINS_PT


def break_points(text: str, chars: int) -> list[int]:
    """Offsets in ``text`` where a continued line must begin (before the mark)."""
    points: list[int] = []
    start = 0
    for line in text.split("\n"):
        limit = chars
        column = 0
        columns = []  # the column each character ends at
        for char in line:
            column = (column // TAB + 1) * TAB if char == "\t" else column + 1
            columns.append(column)
        offset = 0  # first character of the current (visual) line
        base = 0  # columns used before it
        while offset < len(line) and columns[-1] - base > limit:
            end = offset
            while end < len(line) and columns[end] - base <= limit:
                end += 1
            # end: the first character that does not fit; look back for a soft cut.
            cut = end
            floor = end - int(limit * LOOKBACK)
            for position in range(end - 1, max(offset, floor), -1):
                if SOFT.match(line[position]):
                    cut = position + 1
                    break
            if cut <= offset:
                cut = end
            if cut >= len(line):
                break
            points.append(start + cut)
            base = columns[cut - 1]
            offset = cut
            limit = chars - len(CONTINUATION)
        start += len(line) + 1
    return points


def wrap_html(body: str, trim_width: str) -> str:
    """A unit's print HTML with every code block's long lines broken and marked."""
    if "<pre" not in body and "footnote-code" not in body:
        return body
    from lxml import html as lxml_html

    root = lxml_html.fragment_fromstring(body, create_parent="div")
    width = text_width_pt(trim_width)
    for block in root.xpath("//pre | //*[contains(concat(' ', @class, ' '), ' footnote-code ')]"):
        if block.tag != "pre" and block.xpath("ancestor::pre"):
            continue
        size = NOTE_CODE_PT if block.xpath("ancestor-or-self::*[contains(concat(' ', @class, ' '), "
                                           "' footnote ') or self::table]") else CODE_PT
        indent = sum(INDENT_PT.get(a.tag, 0.0) for a in block.iterancestors())
        available = width - indent
        if block.xpath("ancestor::table"):
            share = _column_share(block)
            if share is None:
                continue  # a cell's width is the table's to choose: print.css wraps it there
            available = available * share - CELL_PADDING_PT
        _mark(block, break_points(block.text_content(), Measure(available, size).chars))
    return (root.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in root)


def _column_share(block) -> float | None:
    """The share of the table's width that a cell's column has (pandoc's ``<col style="width: 84%">``)."""
    cells = block.xpath("ancestor::td[1] | ancestor::th[1]")
    if not cells:
        return None
    cell = cells[-1]
    column = sum(int(c.get("colspan") or 1) for c in cell.itersiblings(preceding=True))
    span = int(cell.get("colspan") or 1)
    table = next(cell.iterancestors("table"))
    widths = [re.search(r"width:\s*([\d.]+)%", col.get("style") or "") for col in table.xpath("colgroup/col")]
    if len(widths) < column + span or not all(widths[column:column + span]):
        return None
    return sum(float(w[1]) for w in widths[column:column + span]) / 100


def _mark(block, points: list[int]) -> None:
    """Insert a line break and the continuation mark at each offset of ``block``'s text."""
    if not points:
        return
    from lxml import html as lxml_html

    slots = []  # (element, "text" | "tail", start offset)
    position = 0

    def walk(element) -> None:
        nonlocal position
        if element.text:
            slots.append((element, "text", position, element.text))
            position += len(element.text)
        for child in element:
            walk(child)
            if child.tail:
                slots.append((child, "tail", position, child.tail))
                position += len(child.tail)

    walk(block)
    # Last to first, so that earlier offsets stay valid.
    for element, kind, start, text in reversed(slots):
        inside = sorted({p - start for p in points if start <= p < start + len(text)}, reverse=True)
        if not inside:
            continue
        pieces = []
        rest = text
        for cut in inside:
            pieces.append(rest[cut:])
            rest = rest[:cut]
        pieces.reverse()  # pieces[i] follows the i-th mark
        marks = []
        for piece in pieces:
            mark = lxml_html.fragment_fromstring(
                f'<span class="{CONTINUED_CLASS}" aria-hidden="true">{CONTINUATION}</span>')
            mark.tail = piece
            marks.append(mark)
        if kind == "text":
            element.text = rest + "\n"
            for index, mark in enumerate(marks):
                if index + 1 < len(marks):
                    mark.tail += "\n"
                element.insert(index, mark)
        else:
            element.tail = rest + "\n"
            for index, mark in enumerate(marks):
                if index + 1 < len(marks):
                    mark.tail += "\n"
            for mark in reversed(marks):
                element.addnext(mark)
