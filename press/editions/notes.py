"""The notes where book.yaml's ``notes`` puts them: footnotes or endnotes.

``footnotes`` (the default) leaves them as they are: a ``float: footnote``
span in print, pandoc's footnotes in the EPUB, the page's endnotes on the
web. ``endnotes-chapter`` sets each chapter's notes at its end under the
locale's "Notes"; ``endnotes-book`` gathers them into the back matter's
Notes section (the apparatus's ``notes`` record), under each chapter's
title. Whatever the place, notes are numbered from 1 in each chapter, the
reference links to its note and the note's number back to the reference.

Print and the web edition take the notes out of a unit's HTML (the note
spans of press.book.transform.note_span); the EPUB out of its AST, so that
pandoc writes their content (MathML, code) as it writes the text's. Both
give the same markup: ``<ol class="notes">`` of ``<li>`` holding ``<p>``,
the first led by the number, in a section of role ``doc-endnotes`` (the
EPUB's items are ``epub:type="endnote"``; DPUB-ARIA 1.1 deprecates the
``doc-endnote`` role, which EPUBCheck and Ace flag), so that the print page markers
(press.editions.pagemarks) count a page the same way in each edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from lxml import html as lxml_html
from markupsafe import Markup, escape

from ..book.ast import Node, rewrite

FOOTNOTES, CHAPTER, BOOK = "footnotes", "endnotes-chapter", "endnotes-book"
_SPANS = "//span[contains(concat(' ', normalize-space(@class), ' '), ' footnote ')]"
_PARAGRAPHS = {"footnote-first", "footnote-para"}  # a note's paragraphs, as note_span keeps them


@dataclass
class Note:
    """One note taken out of its unit: its number there and its content (HTML, or AST blocks for the EPUB)."""

    unit: object  # press.book.model.Unit
    number: int
    content: object  # str (HTML paragraphs) or list (pandoc blocks)

    @property
    def note_id(self) -> str:
        return f"fn-{self.unit.id}-{self.number}"

    @property
    def ref_id(self) -> str:
        return f"fnref-{self.unit.id}-{self.number}"


def running_head(unit, strings) -> str:
    """The running head of the Notes pages that hold a unit's notes (print): "Notes to Chapter 3"."""
    label = {"part": strings["part"], "appendix": strings["appendix"]}.get(unit.kind, strings["chapter"])
    return strings["notes_running"].format(unit=f"{label} {unit.number}" if unit.number else unit.short_title_text)


def group_title(unit, strings) -> str:
    """A unit's heading in the back matter's Notes (plain text): "Chapter 3. Its title"."""
    label = {"part": strings["part"], "appendix": strings["appendix"]}.get(unit.kind, strings["chapter"])
    if not unit.number:
        return unit.title_text
    return strings["notes_group"].format(label=label, number=unit.number, title=unit.title_text)


# --- print and the web edition: a unit's HTML ------------------------------

def take_notes(body: str, unit, note_href: Callable[[Note], str]) -> tuple[str, list[Note]]:
    """``body`` with each note replaced by its numbered reference, and the notes taken out."""
    if "footnote" not in body:
        return body, []
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    notes = []
    for number, span in enumerate(root.xpath(_SPANS), start=1):
        note = Note(unit, number, _paragraphs(span))
        ref = lxml_html.fragment_fromstring(
            f'<a class="noteref" href="{escape(note_href(note))}" id="{note.ref_id}" role="doc-noteref">'
            f'<sup>{number}</sup></a>')
        ref.tail = span.tail
        span.getparent().replace(span, ref)
        notes.append(note)
    inner = (root.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in root)
    return inner, notes


def _paragraphs(span) -> str:
    """A note span's content as paragraphs (its code blocks stay block-like spans)."""
    out = []
    for child in span:
        classes = set((child.get("class") or "").split())
        if classes & _PARAGRAPHS:
            child.tag = "p"
            child.attrib.pop("class")
        child.tail = None
        out.append(lxml_html.tostring(child, encoding="unicode"))
    return "".join(out)


def note_items(notes: list[Note], back_href: Callable[[Note], str], strings) -> str:
    """The notes as ``<li>`` items, each opened by its number, a link back to the reference."""
    items = []
    for note in notes:
        back = (f'<a class="note-number" href="{escape(back_href(note))}" role="doc-backlink" '
                f'aria-label="{escape(strings["note_back"].format(number=note.number))}">{note.number}.</a> ')
        content = note.content
        content = content[:3] + back + content[3:] if content.startswith("<p>") else f"<p>{back}</p>{content}"
        items.append(f'<li id="{note.note_id}">{content}</li>')
    return "".join(items)


def chapter_notes(notes: list[Note], back_href: Callable[[Note], str], strings) -> str:
    """A chapter's notes at its end (``endnotes-chapter``): a section under the locale's "Notes"."""
    if not notes:
        return ""
    return (f'<section class="footnotes chapter-notes" id="notes-{notes[0].unit.id}" role="doc-endnotes">'
            f'<h2 class="notes-heading">{escape(strings["notes"])}</h2>'
            f'<ol class="notes">{note_items(notes, back_href, strings)}</ol></section>')


def book_notes(notes: list[Note], back_href: Callable[[Note], str], strings) -> Markup:
    """The back matter's Notes (``endnotes-book``): each unit's notes under its title."""
    groups = []
    for unit in _units(notes):
        own = [n for n in notes if n.unit is unit]
        groups.append(f'<section class="notes-group" role="doc-endnotes" aria-labelledby="notes-{unit.id}" '
                      f'data-running="{escape(running_head(unit, strings))}">'
                      f'<h2 class="notes-group-title" id="notes-{unit.id}">'
                      f'{escape(group_title(unit, strings))}</h2>'
                      f'<ol class="notes">{note_items(own, back_href, strings)}</ol></section>')
    return Markup("".join(groups))


def _units(notes: list[Note]) -> list:
    seen: list = []
    for note in notes:
        if note.unit not in seen:
            seen.append(note.unit)
    return seen


# --- the EPUB: a unit's AST --------------------------------------------------

def take_ast_notes(blocks: list, unit, note_href: Callable[[Note], str]) -> tuple[list, list[Note]]:
    """``blocks`` with each pandoc note replaced by its numbered reference (raw XHTML); the notes."""
    notes: list[Note] = []

    def action(node: Node):
        if node["t"] != "Note":
            return None
        note = Note(unit, len(notes) + 1, node["c"])
        notes.append(note)
        return [{"t": "RawInline", "c": ["html", (
            f'<a href="{escape(note_href(note))}" class="noteref" id="{note.ref_id}" epub:type="noteref" '
            f'role="doc-noteref"><sup>{note.number}</sup></a>')]}]

    return rewrite(blocks, action), notes


def ast_note_items(notes: list[Note], strings) -> list:
    """The notes as ``<li epub:type="endnote">`` items (raw XHTML around pandoc's blocks)."""
    blocks: list = []
    for note in notes:
        back = {"t": "RawInline", "c": ["html", (
            f'<a href="#{note.ref_id}" class="note-number" role="doc-backlink" '
            f'aria-label="{escape(strings["note_back"].format(number=note.number))}">{note.number}.</a>')]}
        content = list(note.content)
        if content and content[0]["t"] in ("Para", "Plain"):
            content[0] = {"t": "Para", "c": [back, {"t": "Space"}] + content[0]["c"]}
        else:
            content.insert(0, {"t": "Para", "c": [back]})
        blocks.append(_raw(f'<li id="{note.note_id}" epub:type="endnote">'))
        blocks.extend(content)
        blocks.append(_raw("</li>"))
    return blocks


def ast_chapter_notes(notes: list[Note], strings) -> list:
    """A chapter's notes at its end, for the EPUB.

    Their heading is a heading of the AST, so that pandoc's section for it
    (which carries its classes and semantics) is the chapter's last, not
    inside the section before it; ``unlisted`` keeps it out of the contents.
    """
    if not notes:
        return []
    unit = notes[0].unit
    heading = {"t": "Header", "c": [2, [f"notes-{unit.id}", ["footnotes", "chapter-notes", "unlisted"],
                                        [["epub:type", "endnotes"], ["role", "doc-endnotes"]]],
                                    [{"t": "Str", "c": strings["notes"]}]]}
    return [heading, _raw('<ol class="notes">')] + ast_note_items(notes, strings) + [_raw("</ol>")]


def ast_book_notes(notes: list[Note], strings) -> list:
    """The back matter's Notes for the EPUB (its heading and semantics are the section's)."""
    blocks: list = []
    for unit in _units(notes):
        own = [n for n in notes if n.unit is unit]
        blocks.append(_raw(f'<section class="notes-group"><h2 class="notes-group-title" id="notes-{unit.id}">'
                           f'{escape(group_title(unit, strings))}</h2><ol class="notes">'))
        blocks.extend(ast_note_items(own, strings))
        blocks.append(_raw("</ol></section>"))
    return blocks


def _raw(html: str) -> Node:
    return {"t": "RawBlock", "c": ["html", html]}
