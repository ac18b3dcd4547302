"""Print page numbers in the EPUB and the web edition.

After the print edition is laid out, the print worker reads where each page
begins in the text (press/editions/pagestarts.py, which reads this module's names;
this module does not import it); the main process then puts a
marker at that point in the EPUB's XHTML and in the web edition's pages
(:func:`mark_epub`, :func:`mark_web`), so that a reader can cite "p. 23"
from any edition, and the EPUB gets a ``page-list`` navigation and the
``pageBreakSource`` metadata (EPUB Accessibility 1.1, § 4.2; EPUB 3.3,
D.3.1 "pageBreakSource").

A point of the text is named the same way in every edition, without ids:
the unit, the paragraph (``data-p``, press.book.collect.number_paragraphs: the
body's ``<p>`` elements of a unit in reading order), and the number of
letters and digits from the start of that paragraph to the page's first
letter. Counting letters and digits only, the count does not depend on
what differs between the editions: whitespace and line breaks, the hyphen
printed at a line's end, soft hyphens, generated text. Notes are not
counted (a footnote call in print, a note reference in the EPUB and on the
web), nor are headings (they have ids). Text outside paragraphs (a tight
list, a table) counts towards the last paragraph before it. A page that
begins with an element that has an id (a unit's opening, a part's title
page, a section heading) is named by that id.

The back matter made by the build (note on the text, bibliography,
chronology, index) is rendered from the same templates in every edition,
but its links differ: page numbers in print, passage labels on screen. A
point in a back section is named the same way with *entries* in place of
paragraphs: the section's ``p``, ``li``, ``dt`` and ``dd`` elements in
document order (:func:`entry_numbers`), and the letters and digits from the
entry's start, links and figures not counted. An element with an id (an
index entry, a letter's heading, a bibliography entry) still names the page
it begins. A page that begins in what one edition has and the other lacks
(a locator) is marked at the next entry.

The pages from the first unit's to the last back section's are marked, and
the front pages that the EPUB prints from the same partials (``FRONT``: the
title page, the copyright page), named by their print class, which is the
id of their section in the EPUB. The other front matter (half-title,
contents) is laid out differently in each edition. A page without text
(a blank verso before a recto opening) is marked at the start of the next
page.

The markers are those of the reading PDF of the same build, or, without
the PDF among the targets (``build.py html`` after ``build.py all``), those
of the last reading PDF built from the same sources, kept in the book's
``.cache/`` (press.pipeline); when the sources changed since, the EPUB and
the web edition carry no page numbers, and the build says so in a note.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from lxml import etree

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "header"}
FRONT = ("title-page", "copyright-page")  # print classes = section ids in the EPUB (editions/epub.py)
ENTRIES = {"p", "li", "dt", "dd"}  # what a back section's points are counted from
BACK_SKIP = {"a", "figure", "aside", "nav"}  # links differ per edition; a figure is not text
# A chapter's endnotes (press.editions.notes): skipped like a note, but named by their ids.
NOTES_CLASS = "chapter-notes"
SKIP_CLASSES = {"footnote", "outer-mark", NOTES_CLASS}  # in print: a note's text, a proof's marks (press.commands.proof)


@dataclass(frozen=True)
class PageStart:
    """Where a print page begins in the text: small and picklable (it crosses the worker's pipe)."""

    index: int  # the page's index in the PDF
    label: str  # its printed number: "23", "xi"
    unit: str  # the unit's id
    anchor: str | None = None  # the id of the element the page begins with
    paragraph: int = 0  # else: the paragraph (data-p; 0 = before the unit's first)
    offset: int = 0  # letters and digits of that paragraph before the page's first
    back: bool = False  # in a back section: ``paragraph`` is an entry (entry_numbers)

    @property
    def marker_id(self) -> str:
        return f"page-{self.label}"


def count(text: str) -> int:
    """What offsets count: letters and digits (not spaces, hyphens, soft hyphens, punctuation)."""
    return sum(1 for c in text if c.isalnum())


def _name(element) -> str:
    """An element's local name in any tree (lxml, WeasyPrint's ElementTree); "" for a comment."""
    return element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""


def back_skipped(element) -> bool:
    """Not counted in a back section: headings (they have ids), links, figures, notes."""
    name = _name(element)
    return name in HEADINGS or name in BACK_SKIP or "footnotes" in (element.get("class") or "").split()


def entry_numbers(root) -> dict:
    """A back section's entries (``ENTRIES``, outside what is not counted), numbered from 1 in document order.

    Computed from the element tree, the same in every edition: the print
    document's, the EPUB's XHTML, the web page's body.
    """
    numbers: dict = {}

    def walk(element) -> None:
        for child in element:
            if not _name(child) or back_skipped(child):
                continue
            if _name(child) in ENTRIES:
                numbers[child] = len(numbers) + 1
            walk(child)

    walk(root)
    return numbers


# --- in the main process: markers in the EPUB and the web edition ---------------

class Placer:
    """Puts markers at page starts in one unit's tree (XHTML or HTML).

    ``paragraph(element)`` says which paragraph an element begins (or None),
    ``skip(element)`` which elements' text is not counted (notes, headings).
    """

    def __init__(self, paragraph: Callable[[etree._Element], int | None],
                 skip: Callable[[etree._Element], bool]):
        self.paragraph = paragraph
        self.skip = skip

    def slots(self, root) -> list[tuple[int, etree._Element, str, str]]:
        """Every counted text node in reading order: (paragraph, element, 'text' or 'tail', text)."""
        out: list = []
        current = 0

        def walk(element) -> None:
            nonlocal current
            if element.text:
                out.append((current, element, "text", element.text))
            for child in element:
                if isinstance(child.tag, str) and not self.skip(child):
                    number = self.paragraph(child)
                    if number is not None:
                        current = number
                        out.append((current, child, "start", ""))
                    walk(child)
                if child.tail:
                    out.append((current, child, "tail", child.tail))

        walk(root)
        return out

    def place(self, root, starts: list[PageStart], make: Callable[[PageStart], etree._Element],
              start_of_paragraph: str = "before") -> list[PageStart]:
        """Insert a marker for each start (of this unit) into ``root``; return the ones not placed.

        ``start_of_paragraph``: a page that begins with a paragraph gets its
        marker "before" the ``<p>`` or "inside" it, as its first child.
        """
        by_id = {e.get("id"): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
        slots = self.slots(root)
        self._inside: dict = {}  # an anchor's own text slots, added to ``slots`` once (_where)
        paragraphs: dict[int, list[int]] = {}  # paragraph -> indices of its slots
        for i, (number, _, kind, _) in enumerate(slots):
            paragraphs.setdefault(number, []).append(i)
        missing = []
        # Where each marker goes; markers at one point are inserted together, in page order.
        groups: dict[tuple, list[PageStart]] = {}
        for start in starts:
            where = (None if start.marker_id in by_id
                     else self._where(start, by_id, slots, paragraphs.get(start.paragraph, []), start_of_paragraph))
            if where is not None and where[0] == "text":
                where = _out_of_code(slots[where[1]], where)
            if where is None:
                missing.append(start)
            else:
                groups.setdefault(where, []).append(start)
        # Positions in text last to first, so that splitting a text node
        # leaves the positions before it valid; then the markers at elements,
        # since opening one moves its text (which a text position names).
        elements = [(w, g) for w, g in groups.items() if w[0] != "text"]
        texts = sorted(((w, g) for w, g in groups.items() if w[0] == "text"), key=lambda item: item[0][1:],
                       reverse=True)
        for where, group in texts + elements:
            markers = [make(s) for s in group]
            if where[0] == "before":
                for marker in markers:
                    where[1].addprevious(marker)
            elif where[0] == "last":
                for marker in markers:
                    where[1].append(marker)
            elif where[0] == "first":
                container = where[1]
                markers[-1].tail = container.text
                container.text = None
                for position, marker in enumerate(markers):
                    container.insert(position, marker)
            else:
                _split_insert(slots[where[1]], where[2], markers)
        return missing

    def _where(self, start: PageStart, by_id: dict, slots: list, indices: list[int], start_of_paragraph: str):
        if start.anchor is not None:
            element = by_id.get(start.anchor)
            if element is None:
                return None
            if start.offset:  # inside a chapter's endnote, counted from its start (pagestarts)
                return self._in_text(start, slots, self._own_slots(element, slots))
            # A unit or section: the marker opens it; a heading or a figure: just before it.
            return ("first", element) if _name(element) in ("section", "article", "body") else _at_start(element)
        if start.offset == 0 and start.paragraph and indices and slots[indices[0]][2] == "start":
            return _at_start(slots[indices[0]][1], start_of_paragraph)
        found = self._in_text(start, slots, [i for i in indices if slots[i][2] != "start"])
        if found is None and start.back:
            # Past the entry's text in this edition (print's page numbers are
            # longer than a label): the page begins at the next entry.
            following = next((slot for slot in slots if slot[2] == "start" and slot[0] > start.paragraph), None)
            if following is not None:
                return _at_start(following[1], start_of_paragraph)
            # The section's last entry: at its end.
            own = next((slot for slot in slots if slot[2] == "start" and slot[0] == start.paragraph), None)
            return ("last", own[1]) if own is not None else None
        return found

    def _own_slots(self, element, slots: list) -> list[int]:
        """The text nodes of ``element`` (all of them: an endnote skipped in the text's
        count), appended to ``slots`` once; their indices there."""
        if element not in self._inside:
            first = len(slots)

            def walk(node) -> None:
                if node.text:
                    slots.append((0, node, "text", node.text))
                for child in node:
                    if isinstance(child.tag, str):
                        walk(child)
                    if child.tail:
                        slots.append((0, child, "tail", child.tail))

            walk(element)
            self._inside[element] = list(range(first, len(slots)))
        return self._inside[element]

    @staticmethod
    def _in_text(start: PageStart, slots: list, indices: list[int]):
        """The slot and position of the page's first letter, moved to a word's start.

        A page that begins inside a word (hyphenated at the foot of the
        previous page) gets its marker before the next word, so that the
        marker does not split a word (read aloud, it would be two).
        """
        text = "".join(slots[i][3] for i in indices)
        seen, position = 0, None
        for position, char in enumerate(text):
            if char.isalnum():
                if seen == start.offset:
                    break
                seen += 1
        else:
            return None
        if position > 0 and text[position - 1].isalnum():  # inside a word
            while position < len(text) and not text[position].isspace():
                position += 1
            while position < len(text) and text[position].isspace():
                position += 1
            if position == len(text):
                return None
        for i in indices:  # back to a text node
            length = len(slots[i][3])
            if position < length:
                return ("text", i, position)
            position -= length
        return None


# Elements whose children may not be a <span> (HTML content models): a
# marker that begins one goes into its first child instead.
NO_PHRASING = {"ul", "ol", "menu", "dl", "table", "thead", "tbody", "tfoot", "tr", "colgroup"}


def _holds_no_phrasing(element) -> bool:
    if element is None:
        return False
    parent = element.getparent()
    return _name(element) in NO_PHRASING or (_name(element) == "div" and parent is not None
                                               and _name(parent) == "dl")  # a dl's group: dt and dd only


def _at_start(element, start_of_paragraph: str = "before") -> tuple:
    """Where a marker goes to begin ``element``: before it, or as its first child ("first").

    Before it only where its parent takes a span: a list item, a table's
    row or a dl's group is begun from inside (by its first item or cell).
    """
    target = element
    while _holds_no_phrasing(target):
        first = next((child for child in target if isinstance(child.tag, str)), None)
        if first is None:
            break
        target = first
    if target is element and start_of_paragraph == "before" and not _holds_no_phrasing(element.getparent()):
        return ("before", element)
    return ("first", target)


def _out_of_code(slot, where: tuple) -> tuple:
    """A page that begins inside a code block or a formula is marked before it (issue 17).

    A marker in a ``pre`` would be code: copied with it, shown between two of
    its lines, and an element that is not code inside pandoc's line spans; in
    MathML (or inline SVG) it is an HTML element where none is allowed.
    The outermost such element (``div.sourceCode``, ``pre``, ``math``) is begun instead.
    """
    _, element, kind, _ = slot
    holder = element if kind == "text" else element.getparent()
    block = None
    while holder is not None:
        name = _name(holder)
        if name in ("pre", "math", "svg") or (name == "div" and "sourceCode" in (holder.get("class") or "").split()):
            block = holder
        holder = holder.getparent()
    return where if block is None else ("before", block)


def _split_insert(slot, position: int, markers: list) -> None:
    """Insert ``markers`` at ``position`` of one text node (an element's text or tail)."""
    _, element, kind, _ = slot
    if kind == "text":
        current = element.text or ""
        element.text = current[:position]
        markers[-1].tail = current[position:] + (markers[-1].tail or "")
        for index, marker in enumerate(markers):
            element.insert(index, marker)
    else:
        current = element.tail or ""
        element.tail = current[:position]
        markers[-1].tail = current[position:] + (markers[-1].tail or "")
        for marker in reversed(markers):
            element.addnext(marker)


def back_placer(root, skip: Callable[[etree._Element], bool]) -> Placer:
    """A back section's entries (entry_numbers) in ``root``, the section; ``skip``: the edition's own."""
    numbers = entry_numbers(root)
    return Placer(numbers.get, lambda element: skip(element) or back_skipped(element))


def by_unit(starts: Iterable[PageStart]) -> dict[str, list[PageStart]]:
    out: dict[str, list[PageStart]] = {}
    for start in starts:
        out.setdefault(start.unit, []).append(start)
    return out


# --- the EPUB --------------------------------------------------------------

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"


def _epub_skip(element) -> bool:
    name = _name(element)
    classes = (element.get("class") or "").split()
    return (name in HEADINGS or name == "aside" or "footnotes" in classes
            or "noteref" in (element.get(f"{{{OPS}}}type") or "").split()
            or (name == "p" and len(element) and "byline" in (element[0].get("class") or "").split()))


def epub_placer() -> Placer:
    """The EPUB's body paragraphs: pandoc writes them in the same order, without data-p."""
    counter = {"n": 0}

    def paragraph(element) -> int | None:
        if _name(element) == "p":
            counter["n"] += 1
            return counter["n"]
        return None

    return Placer(paragraph, _epub_skip)


def epub_marker(start: PageStart) -> etree._Element:
    # An empty span: phrasing content, allowed wherever the text is; the label
    # is its accessible name (DPUB-ARIA 1.1 doc-pagebreak; EPUB SSV "pagebreak").
    return etree.Element(f"{{{XHTML}}}span", {f"{{{OPS}}}type": "pagebreak", "role": "doc-pagebreak",
                                               "id": start.marker_id, "aria-label": start.label,
                                               "title": start.label})


def mark_epub(files: dict[str, bytes], starts: list[PageStart], unit_files: dict[str, str],
              page_list_title: str) -> list[PageStart]:
    """Markers in the units' XHTML files and the page-list in the nav; returns those not placed.

    ``unit_files``: unit or back section id -> its file (relative to
    ``EPUB/``). ``files`` is changed in place.
    """
    missing = []
    placed = []
    for unit, group in by_unit(starts).items():
        name = unit_files.get(unit)
        if name is None:
            missing.extend(group)
            continue
        root = etree.fromstring(files["EPUB/" + name])
        found = root.xpath("//*[@id=$id]", id=unit)
        if not found:
            missing.extend(group)
            continue
        section = found[0]
        placer = back_placer(section, _epub_skip) if group[0].back else epub_placer()
        lost = placer.place(section, group, epub_marker)
        missing.extend(lost)
        placed.extend((s, name) for s in group if s not in lost)
        files["EPUB/" + name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                               doctype="<!DOCTYPE html>")
    placed.sort(key=lambda item: item[0].index)
    files["EPUB/nav.xhtml"] = _page_list(files["EPUB/nav.xhtml"], placed, page_list_title)
    return missing


def _page_list(data: bytes, placed: list[tuple[PageStart, str]], title: str) -> bytes:
    """``<nav epub:type="page-list">`` (EPUB 3.3, 7.4.2.2): a link to every marker, in page order."""
    root = etree.fromstring(data)
    body = root.find(f"{{{XHTML}}}body")
    nav = etree.SubElement(body, f"{{{XHTML}}}nav", {f"{{{OPS}}}type": "page-list", "role": "doc-pagelist",
                                                      "id": "page-list", "hidden": "hidden"})
    nav.text = "\n  "
    heading = etree.SubElement(nav, f"{{{XHTML}}}h2")
    heading.text = title
    heading.tail = "\n  "
    ol = etree.SubElement(nav, f"{{{XHTML}}}ol")
    ol.tail = "\n"
    nav.tail = "\n"
    for start, name in placed:
        li = etree.SubElement(ol, f"{{{XHTML}}}li")
        link = etree.SubElement(li, f"{{{XHTML}}}a", href=f"{name}#{start.marker_id}")
        link.text = start.label
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


# --- the web edition ---------------------------------------------------------

def _web_skip(element) -> bool:
    name = _name(element)
    classes = (element.get("class") or "").split()
    return name in HEADINGS or "footnotes" in classes or "noteref" in classes


def web_placer() -> Placer:
    def paragraph(element) -> int | None:
        value = element.get("data-p") if _name(element) == "p" else None
        return int(value) if value else None

    return Placer(paragraph, _web_skip)


def web_marker_html(start: PageStart, label: str) -> str:
    """A margin marker, citable by its id.

    Empty: the number is shown by the stylesheet (``content: attr(data-page)``)
    and named by ``aria-label``, so that it is not part of the text: not in a
    copied quotation, the search index or the text the fidelity check reads.
    """
    from markupsafe import escape

    name = escape(label.format(page=start.label))
    return (f'<span class="page-marker" id="{escape(start.marker_id)}" data-page="{escape(start.label)}" '
            f'role="doc-pagebreak" aria-label="{name}" title="{name}"></span>')


def mark_web(body: str, unit: str, starts: list[PageStart], label: str) -> tuple[str, str, list[PageStart]]:
    """A unit's web body with its markers: (markers opening the unit, body, starts not placed).

    Markers at the unit's own id open the page's ``<article>`` (the template
    puts them before the unit's heading); the others go into the body. A back
    section's page (``unit``: the section's id, its starts ``back``) is
    marked the same way, its body being the section's HTML.
    """
    from lxml import html as lxml_html

    opening = [s for s in starts if s.anchor == unit]
    inside = [s for s in starts if s.anchor != unit]
    if inside:
        root = lxml_html.fragment_fromstring(body or "<p></p>", create_parent="div")

        def make(start: PageStart):
            return lxml_html.fragment_fromstring(web_marker_html(start, label))

        placer = back_placer(root, _web_skip) if inside[0].back else web_placer()
        missing = placer.place(root, inside, make, start_of_paragraph="inside")
        body = (root.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in root)
    else:
        missing = []
    return "".join(web_marker_html(s, label) for s in opening), body, missing

