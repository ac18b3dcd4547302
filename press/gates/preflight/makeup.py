"""Page make-up: what a production editor marks on the proofs.

- no heading, date or label alone at a page foot, its text overleaf;
- no line holding only a page reference;
- hyphen ladders (three or more hyphenated lines in a row), and a word
  hyphenated across the page turn.

Lines are read spatially (by position, not by the order PDFium returns
them): a chronology's floated dates are drawn before the events beside
them, an index runs in two columns.
"""

from __future__ import annotations

import re

from .issue import Issue
from .blocks import TextBlock
from .folios import PAGE_WORD, REFERENCE
from .pages import HYPHENS, Box, Document, Line, Page

# A page reference alone on a line: "p. 7", "(pp. 12–14)", or a contents
# entry's leaders and number dropped to a line of their own.
PAGE_REF_LINE = re.compile(rf"^\(?{PAGE_WORD}\s*\d+(?:\s*[\u2013-]\s*\d+)?\)?[.,;]?$")
LEADER_LINE = re.compile(r"^(?:[.\u2026·]\s*){3,}(?:\d+|[ivxlcdm]+)$")
SENTENCE_END = re.compile(r"[.,;:!?]['’\"”)]*$")


def text_lines(page: Page, block: TextBlock) -> list[Line]:
    """The lines of the text block, top to bottom."""
    return sorted(page.text_in(block.block(page.recto)), key=lambda line: -line.box.top)


def _body_size(lines: list[Line]) -> float:
    from .pages import _mode

    sizes = [c.size for line in lines for c in line.chars if not c.text.isspace()]
    return _mode(sizes) if sizes else 0.0


def page_foot(lines: list[Line], page: Page | None = None, text_block: Box | None = None) -> list[Line]:
    """The last line(s) of the page's running text: footnotes (smaller type at the foot) set aside.

    With ``page``, a smaller line is a footnote only below a rule as wide as the text block (the
    footnote area's, print.css ``@footnote``): a narrow table or code at the foot is running text.
    """
    size = _body_size(lines)
    rules = None
    if page is not None and text_block is not None:
        rules = [box for kind, box in page.marks if kind == "rule" and box.width >= 0.9 * text_block.width
                 and box.top - box.bottom <= 1.5]
    rest = list(lines)
    while (len(rest) > 1 and rest[-1].size < 0.92 * size and any(l.size >= 0.92 * size for l in rest)
           and not _code(rest[-1])  # code is set smaller too, but it is running text
           and (rules is None or any(rule.bottom >= rest[-1].box.top for rule in rules))):
        rest.pop()
    if not rest:
        return []
    bottom = rest[-1].box.bottom
    return [line for line in rest if line.box.bottom <= bottom + 1.5 and line.box.top >= bottom - 0.5]


def _code(line: Line) -> bool:
    inked = [c for c in line.chars if not c.text.isspace()]
    return bool(inked) and all(c.mono for c in inked)


def alone_at_foot(document: Document, block: TextBlock) -> list[Issue]:
    """A heading, date or label must not end a page with its text overleaf."""
    issues = []
    # The book's text size: a page of code or of notes, set smaller, must not make its text look large.
    book_size = _body_size([line for page in document.pages for line in text_lines(page, block)])
    for page, following in zip(document.pages, document.pages[1:]):
        lines = text_lines(page, block)
        if not lines or not text_lines(following, block):
            continue
        size = max(_body_size(lines), book_size)
        foot = page_foot(lines, page, block.block(page.recto))
        if not foot or not all(_is_display(line, size, block.block(page.recto)) for line in foot):
            continue
        if not _at_the_foot(page, lines, foot, block.block(page.recto), size):
            continue
        # The lines just above, if they are the same heading set large (a heading of two lines).
        above = [l for l in lines if l not in foot]
        if not any(not _is_display(l, size, block.block(page.recto)) for l in above):
            continue  # a display page (half-title, part title): no running text to be kept with
        text = " ".join(line.text.strip() for line in foot)
        issues.append(Issue("page-foot", f"'{text[:70]}' stands alone at the foot of p. {page.label}, "
                                         "its text "
                                         "overleaf: keep a heading, date or label with what follows",
                            page.number, trace=text if len(text) >= 12 else ""))  # a date alone: too common
    return issues


def _at_the_foot(page: Page, lines: list[Line], foot: list[Line], text_block: Box, size: float) -> bool:
    """Whether the foot lines end the page's running text: nothing drawn below them (a formula set as
    paths, a figure; not a footnote's rule), and, where smaller lines follow, these begin just below (footnotes), not far down
    the page (a title page's subtitle and imprint)."""
    bottom = min(line.box.bottom for line in foot)
    # (a mark taller than a rule: a footnote's separator does not count)
    if any(text_block.contains(box, 2.0) and box.top <= bottom and box.top - box.bottom > 2.0
           for _, box in page.marks):
        return False
    below = [line for line in lines if line.box.top < bottom]
    return not below or max(line.box.top for line in below) >= bottom - 2.5 * size


def _is_display(line: Line, body: float, text_block: Box) -> bool:
    """Set as a heading (larger), or wholly italic or bold and short, and not the end of a sentence."""
    text = line.text.strip()
    if not text or SENTENCE_END.search(text):
        return False
    if line.size >= 1.12 * body:
        return True
    return line.display and line.box.width < 0.5 * text_block.width


def page_reference_lines(document: Document, block: TextBlock) -> list[Issue]:
    """No line holding only a page reference ("p. 7", "12–14")."""
    issues = []
    for page in document.pages:
        lines = text_lines(page, block)
        for line in lines:
            kind = lone_reference(page, line)
            text = " ".join(line.text.split())
            if kind == "page-reference":
                before = line_above(lines, line)
                issues.append(Issue("page-reference", f"'{text}' alone on a line on p. {page.label}: "
                                                      "bind it to the word before (a no-break space)",
                                    page.number, trace=last_words(before) if before else ""))
            elif kind == "leader":
                issues.append(Issue("page-reference", f"a contents entry's leader and number "
                                                      f"('{text[-12:]}') on a line of their own "
                                                      f"on p. {page.label}", page.number))
            elif kind == "locator-line":
                issues.append(Issue("locator-line", f"a line of page numbers only ('{text}') "
                                                    f"on p. {page.label}",
                                    page.number))
    return issues


def lone_reference(page: Page, line: Line) -> str | None:
    """What a line holding nothing but page references is: "page-reference" ("p. 7"),
    "leader" (a contents entry's leaders and number), "locator-line" (an index's
    linked numbers, "25, 31"); None for any other line."""
    text = " ".join(line.text.split())
    if PAGE_REF_LINE.match(text):
        return "page-reference"
    if LEADER_LINE.match(text):
        return "leader"
    if REFERENCE.match(text) and any(l.box.contains(line.box, 2.0) for l in page.links):
        return "locator-line"
    return None


def hyphenation(document: Document, block: TextBlock) -> list[Issue]:
    """Hyphen ladders (three or more hyphenated lines in a row) and words hyphenated across a page turn."""
    issues = []
    for page in document.pages:
        lines = text_lines(page, block)
        hyphenated = [line for line in lines if is_hyphenated(line)]
        for ladder in ladders(lines, hyphenated):
            words = ", ".join(line.text.split()[-1] for line in ladder)
            issues.append(Issue("hyphen-ladder", f"{len(ladder)} hyphenated lines in a row "
                                                 f"on p. {page.label} "
                                                 f"({words})", page.number, trace=last_words(ladder[0])))
        foot = page_foot(lines)
        if foot and is_hyphenated(foot[-1]) and page.index + 1 < len(document.pages):
            issues.append(Issue("page-turn", f"'{foot[-1].text.split()[-1]}' is hyphenated across "
                                             "the turn from "
                                             f"p. {page.label}", page.number, trace=last_words(foot[-1])))
    return issues


def last_words(line: Line, count: int = 3) -> str:
    """The whole words at the end of a line (its hyphenated fragment left out), to find its source."""
    words = line.text.split()
    if words and is_hyphenated(line):
        words = words[:-1]
    return " ".join(words[-count:])


def line_above(lines: list[Line], line: Line) -> Line | None:
    """The line above ``line`` in its column (``lines`` run top to bottom)."""
    above = [other for other in lines
             if other.box.bottom >= line.box.top - 1.0 and next_line(lines, other) is line]
    return above[-1] if above else None


def is_hyphenated(line: Line) -> bool:
    text = line.text.rstrip()
    return len(text) > 1 and text[-1] in HYPHENS and text[-2].isalpha()


def ladders(lines: list[Line], hyphenated: list[Line]) -> list[list[Line]]:
    """Runs of hyphenated lines, each the next line of the same column as the one before."""
    runs, used = [], set()
    for line in hyphenated:
        if id(line) in used:
            continue
        run = [line]
        while True:
            following = next_line(lines, run[-1])
            if following is None or not is_hyphenated(following):
                break
            run.append(following)
        used.update(id(l) for l in run)
        if len(run) >= 3:
            runs.append(run)
    return runs


def next_line(lines: list[Line], line: Line) -> Line | None:
    """The line below ``line`` in its column: overlapping it across, the nearest below it."""
    box = line.box
    reach = 3 * (box.top - box.bottom)  # the next line, not one a paragraph further down
    below = [other for other in lines
             if box.bottom - reach < other.box.top <= box.bottom + 1.0
             and min(other.box.right, box.right) - max(other.box.left, box.left)
             > 0.3 * min(other.box.width, box.width)]
    return max(below, key=lambda other: other.box.top, default=None)
