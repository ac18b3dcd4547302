"""The book model every edition renders: built once, read by all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..source.schema import DISPLAY_KINDS, BookConfig
from ..source.chapters import Chapter
from ..source.units import place


@dataclass
class Heading:
    id: str
    level: int  # 2 for a section in a chapter
    number: str | None
    title: Markup  # inline HTML, without the number
    text: str  # plain text, for outlines and search


@dataclass
class Unit:
    """One chapter file: a part, a chapter, the opening text, the conclusion."""

    chapter: Chapter
    ast: dict  # the shared AST after the common transforms (notes still notes)
    html: str = ""  # the body as HTML; notes as inline spans (see transform.notes_inline)
    # The front matter's phrases, rendered (press.book.phrases): HTML, and plain
    # text for outlines, running heads and metadata.
    title: Markup = Markup("")
    title_text: str = ""
    short_title: Markup = Markup("")  # for running heads: the title unless the front matter gives one
    short_title_text: str = ""
    byline: Markup = Markup("")
    headings: list[Heading] = field(default_factory=list)
    parent: "Unit | None" = None  # the part a chapter belongs to
    children: list["Unit"] = field(default_factory=list)
    page_name: str = ""  # the web edition's file for this unit
    scan: Any = None  # transform.Scan: ids, links and images of the body
    letter: str | None = None  # an appendix without a number: its letter (A, B, ...), given by the collect stage

    @property
    def slug(self) -> str:
        return self.chapter.slug

    @property
    def id(self) -> str:
        return self.chapter.slug

    @property
    def kind(self) -> str:
        return self.chapter.meta.kind

    @property
    def number(self) -> str | None:
        return self.chapter.meta.number or self.letter

    @property
    def lang(self) -> str | None:
        return self.chapter.meta.lang

    @property
    def front(self) -> bool:
        """A unit of the front matter (a dedication, a preface...): in print, roman folios."""
        return place(self.kind) == 0

    @property
    def displayed(self) -> bool:
        """A dedication or an epigraph: its text alone on a page, its kind's title not printed."""
        return self.kind in DISPLAY_KINDS


@dataclass(frozen=True)
class Locator:
    """A place in the book: a page in print, ``file#id`` in the EPUB, a URL on the web.

    Every anchor is one: a unit, a heading, a passage with an id (the
    collect stage's registry, ``Book.anchors``), an index mark, a citation.
    The index, the bibliography and the chronology point at the text with
    the same class.
    """

    id: str
    unit_slug: str  # the unit the place is in
    label: str  # readable label on screen: the section (I.2.1) or the unit's title
    end_id: str | None = None  # the last mark of a range (an index's index-from ... index-to)


def one_per_section(locators: list[Locator]) -> list[Locator]:
    """On screen, one link per section: the first locator in it (print counts pages)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for loc in locators:
        if (loc.unit_slug, loc.label) not in seen:
            seen.add((loc.unit_slug, loc.label))
            out.append(loc)
    return out


@dataclass
class Book:
    config: BookConfig
    units: list[Unit]
    strings: dict[str, Any]  # phrases.Words: the interface words, typeset, in the book's language, and the phrases
    emendations: list[dict[str, str]] = field(default_factory=list)
    emendation_intro: str | None = None  # content/emendations.yaml's intro, if any
    anchors: dict[str, Locator] = field(default_factory=dict)
    vocabulary: Any = None  # index_marks.Vocabulary, when content/index.yaml exists
    index_marks: list = field(default_factory=list)  # index_marks.Mark, in reading order
    mark_labels: dict[str, str] = field(default_factory=dict)  # mark id -> label on screen
    warnings: list = field(default_factory=list)  # errors.Problem found by the apparatus
    chronology: Any = None  # chronology.Chronology, when chapters have dated events
    library: Any = None  # citations.Library, when book.yaml has a bibliography
    citer: Any = None  # citations.Citer: the citations found in the text
    numbering: Any = None  # figures.Numbering: the figures' and tables' numbers, and their lists
    # Images of the text: the path every edition uses ("content/<path in content/>",
    # from the book's root) -> the file.
    images: dict[str, Any] = field(default_factory=dict)

    @property
    def top_level(self) -> list[Unit]:
        """Units in the contents' first level: parts and units outside parts."""
        return [u for u in self.units if u.parent is None]

    @property
    def start_of_text(self) -> Unit:
        """The first unit after the front matter: in print, page 1, a recto."""
        return next((u for u in self.units if not u.front), self.units[0])
