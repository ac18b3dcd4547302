"""Where each page of the laid-out print edition begins in the text (press.editions.pagemarks).

Run in the print worker, on WeasyPrint's laid-out pages; the points are
named as press/editions/pagemarks.py describes, so that the main process can mark
them in the EPUB and the web edition.
"""

from __future__ import annotations

from .pagemarks import FRONT, HEADINGS, NOTES_CLASS, SKIP_CLASSES, PageStart, back_skipped, count, entry_numbers


def read_page_starts(document, layout) -> list[PageStart]:
    """Where each page of the laid-out ``document`` begins in the units' text.

    WeasyPrint has no public API for this: we walk each page's box tree
    (``page._page_box``, the layout's result, whose boxes keep their
    ``element``; text boxes hold the text they print) in reading order,
    skipping the margin boxes (running heads, folios), the footnote area and
    pseudo-elements (a footnote call, a list bullet, generated brackets).
    ``layout.anchor_pages`` gives the first page of every id, so that an
    element with an id is taken as the page's beginning only on the page
    where it begins, not where it continues.
    """
    return starts_of(page_walks(document, layout), layout)


def page_walks(document, layout, first: int = 0) -> list[tuple]:
    """Each page's walk: (index, the FRONT section it begins, whether a unit's text is on it, its first point).

    ``first``: the index of ``document``'s first page in the book (a piece
    laid out apart: press/editions/runs.py; its units are whole, and the
    counts are per unit). Small and picklable: the pieces' walks, in order,
    are the book's (``starts_of``).
    """
    walks = []
    running: dict[tuple[str, int], int] = {}
    last_paragraph: dict[str, int] = {}
    entries: dict[str, dict] = {}
    fronts: set[str] = set()
    for index, page in enumerate(document.pages, start=first):
        walk = _PageWalk(index, layout.anchor_pages, running, last_paragraph, entries, fronts)
        walk.page(page._page_box)  # WeasyPrint's laid-out page (no public API)
        walks.append((walk.index, walk.front, walk.in_unit, walk.point))
    return walks


def starts_of(walks: list[tuple], layout) -> list[PageStart]:
    """The page starts of the book's pages' walks (``page_walks``), in page order."""
    in_text = [index for index, _, in_unit, _ in walks if in_unit]
    if not in_text:
        return []
    first = walks[0][0]
    # A front page is named by its section, on the page where that begins.
    starts = [PageStart(index, layout.folio(index), front, front)
              for index, front, _, _ in walks[:in_text[0] - first] if front]
    for position in range(in_text[0] - first, in_text[-1] - first + 1):
        index = walks[position][0]
        # A page without text (a blank verso) begins where the next one does.
        found = next((point for _, _, _, point in walks[position:] if point is not None), None)
        if found is None:
            continue
        unit, anchor, paragraph, offset, back = found
        starts.append(PageStart(index, layout.folio(index), unit, anchor, paragraph, offset, back))
    return starts


class _PageWalk:
    """One page's boxes in reading order: its first point in a unit, and the counts."""

    def __init__(self, index: int, anchor_pages: dict[str, int], running: dict, last_paragraph: dict,
                 entries: dict, fronts: set):
        self.index = index
        self.anchor_pages = anchor_pages
        self.running = running  # (unit, paragraph) -> letters and digits so far, all pages
        self.last_paragraph = last_paragraph  # unit -> the last paragraph begun, all pages
        self.entries = entries  # back section -> its entry_numbers(), all pages
        self.fronts = fronts  # the FRONT sections begun so far
        self.front: str | None = None  # the FRONT section that begins on this page
        self.point: tuple[str, str | None, int, int, bool] | None = None
        self.in_unit = False  # a unit's or a back section's text is on this page

    def page(self, page_box) -> None:
        from weasyprint.formatting_structure import boxes

        for child in page_box.children:
            if not isinstance(child, (boxes.MarginBox, boxes.FootnoteAreaBox)):
                self.outside(child)

    def outside(self, box) -> None:
        """Above the units: html, body, then main's children (units and back matter)."""
        tag = box.element_tag or ""
        if tag in ("html", "body"):
            for child in box.all_children():
                self.outside(child)
        elif tag == "section" and box.element is not None:
            classes = (box.element.get("class") or "").split()
            begun = [name for name in FRONT if name in classes and name not in self.fronts]
            if begun and self.front is None:
                self.front = begun[0]
                self.fronts.add(begun[0])
        elif tag == "main":
            for child in box.all_children():
                element = child.element
                classes = (element.get("class") or "").split() if element is not None else []
                ident = element.get("id") if element is not None else None
                if ident and child.element_tag in ("article", "section"):
                    back = "back-matter" in classes
                    if back and ident not in self.entries:
                        self.entries[ident] = entry_numbers(element)
                    self.in_unit = True
                    self.box(child, ident, back)

    def box(self, box, unit: str, back: bool = False) -> None:
        from weasyprint.formatting_structure import boxes

        tag = box.element_tag or ""
        if "::" in tag:  # a pseudo-element: generated text, not the book's
            return
        if isinstance(box, boxes.TextBox):
            letters = count(box.text)
            if letters:
                key = (unit, self.last_paragraph.get(unit, 0))
                if self.point is None:
                    self.point = (unit, None, key[1], self.running.get(key, 0), back)
                self.running[key] = self.running.get(key, 0) + letters
            return
        element = box.element
        if element is not None and isinstance(box, boxes.BlockLevelBox):
            ident = element.get("id")
            if self.point is None and ident and self.anchor_pages.get(ident) == self.index:
                self.point = (unit, ident, 0, 0, back)
            if tag in HEADINGS:  # named by their ids, not counted
                return
            if not back and tag == "p" and element.get("data-p"):
                self.last_paragraph[unit] = int(element.get("data-p"))
        if back and element is not None:
            if back_skipped(element):
                return  # a link (a page number here, a label on screen), a figure
            if element in self.entries[unit]:  # (whatever its display)
                self.last_paragraph[unit] = self.entries[unit][element]
        if element is not None and not SKIP_CLASSES.isdisjoint((element.get("class") or "").split()):
            if NOTES_CLASS in (element.get("class") or "").split():
                self.notes(box, unit, back)
            return  # a note's text left in the flow, a proof's margin numbers, a chapter's endnotes
        for child in box.all_children():
            self.box(child, unit, back)

    def notes(self, box, unit: str, back: bool, note: str | None = None) -> None:
        """A chapter's endnotes: not counted in the chapter's paragraphs (as in the EPUB
        and on the web); a page that begins in them is named by its note (the ``li``'s
        id) and the letters and digits of the note before the page (press.editions.pagemarks)."""
        from weasyprint.formatting_structure import boxes

        if "::" in (box.element_tag or ""):
            return
        if isinstance(box, boxes.TextBox):
            letters = count(box.text)
            if letters and note is not None:
                key = ("note", note)
                if self.point is None:
                    self.point = (unit, note, 0, self.running.get(key, 0), back)
                self.running[key] = self.running.get(key, 0) + letters
            return
        element = box.element
        ident = element.get("id") if element is not None and isinstance(box, boxes.BlockLevelBox) else None
        if ident and self.point is None and self.anchor_pages.get(ident) == self.index:
            self.point = (unit, ident, 0, 0, back)  # the notes' section, or a note, begins the page
        if ident and box.element_tag == "li":
            note = ident
        for child in box.all_children():
            self.notes(child, unit, back, note)
