"""Build the apparatus: the back matter as model objects, for every edition.

Takes the collected book (press.book.collect) and gives a list of ``Section``
records: which back matter the book has, in order, each with its model (the
emendations of the note on the text, the index, the bibliography, the
chronology) and a few facts about it. The records are edition-neutral: each
edition renders and names its own pages from them (press/editions/sections.py
renders the templates; the web edition names its files), and sections whose
print form cites pages (the index, the chronology, the bibliography) are
laid out by the print edition after the body, from the same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import timeline
from .chronology import build_chronology
from .datewords import number
from ..source.config import Paths
from ..errors import ContentError
from .index import build_index
from ..book.model import Book
from ..source.schema import PAGED_APPARATUS
from ..session import Session

# The kinds whose print form gives page numbers: laid out after the body.
PAGED = PAGED_APPARATUS


@dataclass
class Section:
    """A section of back matter made by the build, as the apparatus model."""

    id: str
    kind: str  # notes, note-on-text, bibliography, chronology, index
    title: str
    model: Any = None  # the emendations, bibliography.Bibliography, chronology.Chronology, index.Index
    facts: dict[str, Any] = field(default_factory=dict)  # counts; the chronology's figure

    @property
    def paged(self) -> bool:
        """Its print form cites pages (laid out once the body's pages are known)."""
        return self.kind in PAGED


def plan_sections(book: Book) -> list[Section]:
    """Which back matter the book has, in order: ids, kinds, titles, no models yet.

    Cheap, so that the print layout of the body can start before the
    apparatus is built: paged sections are laid out after the body anyway.
    """
    strings = book.strings
    sections: list[Section] = []
    if book.config.notes == "endnotes-book" and any('class="footnote"' in u.html for u in book.units):
        # The notes themselves are each edition's: taken out of the units as they are rendered (press.editions.notes).
        sections.append(Section("notes", "notes", strings["notes"]))
    if book.emendations:
        sections.append(Section("note-on-text", "note-on-text", strings["note_on_text"], book.emendations))
    for kind, present in (("bibliography", book.library is not None),
                          ("chronology", any(u.chapter.meta.chronology for u in book.units)),
                          ("index", book.vocabulary is not None)):
        if present:
            sections.append(Section(kind, kind, strings[kind]))
    return in_declared_order(sections, book.config.back_matter)


def in_declared_order(sections: list[Section], order: list[str] | None) -> list[Section]:
    """The sections in book.yaml's ``back_matter`` order (by kind; any kind a
    section has); kinds it does not name keep their place after those it does."""
    if not order:
        return sections
    rank = {kind: position for position, kind in enumerate(order)}
    return sorted(sections, key=lambda s: rank.get(s.kind, len(rank)))  # stable: the rest in plan order


def build_sections(paths: Paths, book: Book, pandoc, session: Session) -> list[Section]:
    """The back matter, built: the planned sections with their models.

    The apparatus's problems go to ``book.warnings``; a chronology that does
    not hold is an error. The session keeps the chronology's dates.
    """
    builders = {"bibliography": lambda: _bibliography(paths, book, pandoc),
                "chronology": lambda: _chronology(book, session),
                "index": lambda: _index(book, session)}
    return [builders[s.kind]() if s.kind in builders else s for s in plan_sections(book)]


def _index(book: Book, session: Session) -> Section:
    shown = {u.slug: u.chapter.shown for u in book.units}
    index = build_index(book.vocabulary, book.index_marks, book.mark_labels, shown, book.config.language,
                        book.strings.phrases.text)
    book.warnings.extend(index.problems)
    return Section("index", "index", book.strings["index"], index, {"locators": index.locator_count})


def _bibliography(paths: Paths, book: Book, pandoc) -> Section:
    from .bibliography import build_bibliography
    from ..book.convert import Pandoc

    pandoc = pandoc or Pandoc(paths.root / ".cache" / "pandoc")
    bibliography = build_bibliography(pandoc, book.library, book.config.bibliography, book.citer, book.mark_labels,
                                      book.strings.typesetting)
    book.warnings.extend(bibliography.problems)
    return Section("bibliography", "bibliography", book.strings["bibliography"], bibliography,
                   {"entries": sum(len(entries) for _, entries in bibliography.groups)})


def _chronology(book: Book, session: Session) -> Section:
    chronology = build_chronology(book.units, book.config.chronology, book.strings, book.anchors,
                                  book.mark_labels, session.dates, book.config.language)
    if chronology.problems:
        raise ContentError(chronology.problems)
    book.chronology = chronology
    fig = timeline.figure(chronology)
    strings = book.strings
    count = number(fig["count"], strings, book.config.language)
    caption = strings["chronology_figure_caption"].format(count=count, start=fig["first"], end=fig["last"])
    alt = caption + " " + "; ".join(f"{label}: {n}" for label, n in fig["counts"]) + "."
    return Section("chronology", "chronology", strings["chronology"], chronology,
                   {"figure": fig, "figure_alt": alt, "figure_caption": caption, "events": len(chronology.events)})
