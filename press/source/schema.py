"""The declared schemas of the book's sources, in one place.

``book.yaml`` and every chapter's front matter are validated here with
pydantic. Unknown keys are errors (``extra='forbid'``): a typo must fail, not
silently drop data. The README documents every key; keep the two in step.
"""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator,
                      model_validator)

from . import dates
from ..errors import Problem
from .yamlsrc import Located

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
LANG = r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$"  # a BCP 47 tag, e.g. en, es, en-GB
ORCID = r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"
ANCHOR = r"^[A-Za-z][A-Za-z0-9_:.-]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


Text = Annotated[str, Field(min_length=1)]


def isbn_digits(isbn: str) -> str:
    """An ISBN as its digits alone (978-9972-671-78-4: 9789972671784)."""
    return re.sub(r"[\s-]", "", isbn)


def ean13_check_digit(first12: str) -> int:
    """GS1 check digit: weights 1, 3, 1, 3 ... from the left (GS1 General Specifications 7.9.1)."""
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def isbn13_is_valid(isbn: str) -> bool:
    digits = isbn_digits(isbn)
    return re.fullmatch(r"97[89]\d{10}", digits) is not None and ean13_check_digit(digits[:12]) == int(digits[12])


class Author(Strict):
    name: Text  # as printed: "Fabián Novak"
    sort_name: Text | None = None  # "Novak, Fabián" (EPUB file-as, library catalogues)
    orcid: Annotated[str, Field(pattern=ORCID)] | None = None
    affiliation: Text | None = None
    role: Literal["aut", "edt", "trl", "ill"] = "aut"  # MARC relator code


class Publisher(Strict):
    name: Text
    short_name: Text | None = None
    address: Text | None = None
    email: Text | None = None
    phone: Text | None = None
    urls: list[Text] = []


# An absolute CSS length: what a printer measures (no em, %, or px guesses).
LENGTH = r"^\d+(?:\.\d+)?(?:mm|cm|in|pt|pc|Q)$"


class PrintSettings(Strict):
    """Physical format of the print edition (CSS lengths) and of its paper."""

    trim_width: Annotated[str, Field(pattern=LENGTH)] = "6in"
    trim_height: Annotated[str, Field(pattern=LENGTH)] = "9in"
    bleed: Annotated[str, Field(pattern=LENGTH)] = "3mm"  # printed past the trim, cut off
    # Paper thickness as pages per inch of the spine (PPI, as paper merchants
    # quote it): 444 is white 50 lb / 80 gsm offset (0.002252 in a page, the
    # figure print-on-demand services use). Sets the cover's spine width.
    pages_per_inch: Annotated[int, Field(gt=0)] = 444
    cover_colour: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = "#1f3a4d"  # sRGB, the cover's ground
    # The printer's CMYK profile (an ICC file inside content/, e.g.
    # "print/printer.icc"): the press files' output intent. Default:
    # styles/icc/press-uncoated-cmyk.icc (generic uncoated offset; its README).
    output_profile: Text | None = None


ISBN_FORMATS = ("print", "pdf", "epub")  # the order of the copyright page


class Isbns(Strict):
    """One ISBN-13 per format (ISO 2108: each format of a book has its own); each optional."""

    print: Text | None = None  # the printed book: its barcode is on the cover
    pdf: Text | None = None
    epub: Text | None = None  # the EPUB's dc:identifier

    @field_validator("print", "pdf", "epub")
    @classmethod
    def _isbn(cls, value: str | None) -> str | None:
        if value is not None and not isbn13_is_valid(value):
            raise ValueError(f"'{value}' is not a valid ISBN-13 (check digit or length)")
        return value

    @model_validator(mode="after")
    def _distinct(self) -> "Isbns":
        seen: dict[str, str] = {}
        for name in ISBN_FORMATS:
            value = getattr(self, name)
            if value is None:
                continue
            if isbn_digits(value) in seen:
                raise ValueError(f"{name} and {seen[isbn_digits(value)]} have the same ISBN {value}: each format "
                                 "has its own; give the other format's ISBN, or leave it out")
            seen[isbn_digits(value)] = name
        return self

    def known(self) -> list[tuple[str, str]]:
        """(format, ISBN) of each format that has one, print first."""
        return [(name, getattr(self, name)) for name in ISBN_FORMATS if getattr(self, name)]


class Copyright(Strict):
    """Who holds the copyright, and since when (the copyright page's © line)."""

    holders: Annotated[list[Text], Field(min_length=1)]
    year: Annotated[str, Field(pattern=r"^\d{4}$")] | None = None  # default: the year of `date`


class CoverCopy(Strict):
    """The publisher's copy for the cover."""

    # The back cover's copy (Markdown; paragraphs separated by a blank
    # line), written for the cover: what the book is, who wrote it.
    blurb: Text | None = None

    def paragraphs(self) -> list[str]:
        """The blurb's paragraphs, each one phrase of the book (press.book.phrases), white space folded."""
        text = (self.blurb or "").strip()
        return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip()]


class Era(Strict):
    start: Annotated[str, Field(pattern=r"^\d{4}$")]  # first year, inclusive
    end: Annotated[str, Field(pattern=r"^\d{4}$")]  # last year, inclusive
    title: Text


class ChronologySettings(Strict):
    """The chronology's declared themes (slug: label) and its eras."""

    themes: Annotated[dict[Annotated[str, Field(pattern=SLUG)], Text], Field(min_length=1)]
    eras: list[Era] = []


class BibliographySettings(Strict):
    """The bibliography: CSL YAML references and a CSL style, both in content/."""

    references: Text = "references.yaml"
    style: Text  # a CSL file, e.g. csl/chicago-author-date.csl
    groups: dict[Annotated[str, Field(pattern=SLUG)], Text] = {}  # custom.group -> heading, in order
    uncited: list[Text] = []  # entries listed although nothing cites them
    intro: Text | None = None  # the paragraph above the entries (None: the locale's bibliography_intro)


class FigureSettings(Strict):
    """Numbered figures and tables (issue 17): "Figure 3.2" by chapter, "Figure 7" through the book."""

    numbering: Literal["chapter", "book"] = "chapter"
    page_references: bool = False  # print: a cross-reference adds its page ("Figure 3.2, p. 45")
    # A list of the figures, of the tables (caption, page in print), after the contents (README).
    list_of_figures: bool = False
    list_of_tables: bool = False


class FontSettings(Strict):
    """The book's own fonts (issue 19): faces it ships in its ``styles/fonts/``
    for the characters the toolchain's faces lack (Chinese, Arabic, emoji),
    named by file. Each edition embeds them and sets them after the book face
    and after the face of code, so a character missing from those is taken
    from the first fallback that has it (press/editions/fonts.py)."""

    fallback: list[Annotated[str, Field(pattern=r"^[^/\\]+\.(ttf|otf|TTF|OTF)$")]] = []


class BookConfig(Strict):
    title: Text
    subtitle: Text | None = None
    slug: Annotated[str, Field(pattern=SLUG)]
    language: Annotated[str, Field(pattern=LANG)]
    authors: Annotated[list[Author], Field(min_length=1)]
    publishers: Annotated[list[Publisher], Field(min_length=1)]
    isbn: Isbns = Isbns()
    edition: Text
    date: Annotated[str, Field(pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")]
    rights: Text
    source_note: Text | None = None
    subject: Text | None = None
    keywords: list[Text] = []
    version: Text = "1.0"
    copyright: Copyright | None = None
    cover: CoverCopy = CoverCopy()
    print: PrintSettings = PrintSettings()
    fonts: FontSettings = FontSettings()
    chronology: ChronologySettings | None = None
    bibliography: BibliographySettings | None = None
    # The order of the back matter, by kind (README, "Back matter"): the
    # back-matter units' kinds, then the apparatus's. Default: the units in
    # their files' order, then note on the text, bibliography, chronology, index.
    back_matter: list[Text] | None = None

    @field_validator("back_matter")
    @classmethod
    def _back_matter(cls, value: list[str] | None) -> list[str] | None:
        if value is None:
            return value
        known = BACK_KINDS + APPARATUS_KINDS
        for name in value:
            if name not in known:
                raise ValueError(f"'{name}' is not a kind of back matter; the kinds are {', '.join(known)}")
        if len(set(value)) != len(value):
            twice = next(n for n in value if value.count(n) > 1)
            raise ValueError(f"'{twice}' is listed twice: list each kind once")
        ranks = [0 if n in BACK_KINDS else 2 if n in PAGED_APPARATUS else 1 for n in value]
        for before, after, rank_before, rank_after in zip(value, value[1:], ranks, ranks[1:]):
            if rank_after < rank_before:
                raise ValueError(f"'{after}' cannot follow '{before}': the book's own units (appendix, glossary, "
                                 "afterword, ...) come first, then the notes and the note on the text, then what "
                                 "cites pages (bibliography, chronology, index); reorder the list")
        return value
    figures: FigureSettings = FigureSettings()
    # Where the notes go (README, "Notes"): at the foot of the page (the EPUB's
    # and the web edition's footnotes at the end of each chapter's file), at
    # the end of each chapter under a "Notes" heading, or in a Notes section
    # of the back matter, grouped by chapter. Numbered from 1 in each chapter.
    notes: str = "footnotes"

    @field_validator("notes", mode="before")
    @classmethod
    def _notes(cls, value: Any) -> Any:
        if value not in NOTE_PLACES:
            raise ValueError(f"'{value}' is not a place for the notes; write one of {', '.join(NOTE_PLACES)}")
        return value

    @field_validator("isbn", mode="before")
    @classmethod
    def _isbn_per_format(cls, value: Any) -> Any:
        if isinstance(value, str):
            raise ValueError("an ISBN belongs to one format: write it under the format it was assigned to "
                             f"(print, pdf or epub), e.g. 'isbn: {{pdf: \"{value}\"}}'")
        return value

    @property
    def print_isbn(self) -> str | None:
        """The printed book's ISBN: its barcode, and the source of the EPUB's page numbers."""
        return self.isbn.print

    @property
    def print_isbn_digits(self) -> str | None:
        return isbn_digits(self.isbn.print) if self.isbn.print else None

    @property
    def print_isbn_key(self) -> tuple[str, ...]:
        """Where book.yaml gives it, for messages."""
        return ("isbn", "print")

    @property
    def epub_identifier(self) -> str:
        """The EPUB's dc:identifier: its ISBN as a URN, else a UUID of the book.

        The UUID (RFC 4122 version 5, in the URL namespace, of the book's slug)
        is the same in every build and changes only with the slug.
        """
        if self.isbn.epub:
            return f"urn:isbn:{isbn_digits(self.isbn.epub)}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'press:book:' + self.slug)}"

    @property
    def page_break_source(self) -> str:
        """The EPUB's pageBreakSource: the edition whose page numbers it carries.

        The print ISBN; else the PDF's, whose pages are the printed book's
        (a PDF is a paginated source too: WCAG technique H99); else a stable
        UUID of the book's print layout: a book with page numbers must name
        their source (EPUB Accessibility 1.1, 4.2; Ace checks it).
        """
        isbn = self.isbn.print or self.isbn.pdf
        if isbn:
            return f"urn:isbn:{isbn_digits(isbn)}"
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'press:book:' + self.slug + ':print')}"

    @property
    def copyright_holders(self) -> list[str]:
        return list(self.copyright.holders) if self.copyright else [p.name for p in self.publishers]

    @property
    def copyright_year(self) -> str:
        return (self.copyright.year if self.copyright and self.copyright.year else None) or self.date[:4]


class Event(Strict):
    """A dated event told in the chapter, for the chronology appendix."""

    date: Text  # EDTF (Library of Congress), levels 0 and 1
    event: Text  # one sentence in the editors' words; inline Markdown
    anchor: Annotated[str, Field(pattern=ANCHOR)]  # id of the passage in this chapter
    theme: Annotated[str, Field(pattern=SLUG)]  # one of book.yaml's chronology themes

    @field_validator("date")
    @classmethod
    def _edtf(cls, value: str, info: ValidationInfo) -> str:
        # The build defers this (parsing costs milliseconds a date) until the
        # print layout has started; press.apparatus.chronology then reports the same error.
        # The context's "dates" is the build's dates table (press.session), if any:
        # validation keeps what it parsed there, and nowhere else.
        context = info.context or {}
        if not context.get("defer_dates"):
            dates.parse(value, context.get("dates"))  # raises ValueError with the reason
        return value


# The kinds of unit a chapter file can be (README, "Kinds of unit"), by
# where they stand in the book: press.source.units checks the order.
FRONT_KINDS = ("dedication", "epigraph", "foreword", "preface", "acknowledgements")
# The kinds whose text stands alone on its page, their title not printed nor shown
# (no book prints "Dedication"); kept as a heading for screen readers and the outline.
DISPLAY_KINDS = ("dedication", "epigraph")
BODY_KINDS = ("introduction", "part", "chapter")
BACK_KINDS = ("appendix", "glossary", "afterword", "conclusion", "about-the-authors")
UNIT_KINDS = ("introduction", "part", "chapter", "conclusion", "about-the-authors", "appendix",
              "dedication", "epigraph", "foreword", "preface", "acknowledgements", "glossary", "afterword")
# The back matter the build makes (press.apparatus.sections), by kind; the
# paged ones cite pages and are laid out last in print.
APPARATUS_KINDS = ("notes", "note-on-text", "bibliography", "chronology", "index")
PAGED_APPARATUS = ("bibliography", "chronology", "index")
# book.yaml's ``notes``: footnotes, each chapter's notes at its end, all the notes in a back section.
NOTE_PLACES = ("footnotes", "endnotes-chapter", "endnotes-book")


class FrontMatter(Strict):
    title: Text
    kind: Literal[UNIT_KINDS]  # type: ignore[valid-type]
    number: Text | None = None  # as printed: "I", "2"; a chapter without one is unnumbered
    part: Annotated[str, Field(pattern=SLUG)] | None = None  # slug of the part file
    short_title: Text | None = None  # for running heads
    byline: Text | None = None
    lang: Annotated[str, Field(pattern=LANG)] | None = None
    chronology: list[Event] = []

    @model_validator(mode="after")
    def _structure(self) -> "FrontMatter":
        if self.kind == "part":
            if self.number is None:
                raise ValueError("a part needs a 'number' (as printed, e.g. \"I\")")
            if self.part is not None:
                raise ValueError("a part cannot belong to a part: remove 'part'")
        elif self.kind != "chapter" and self.part is not None:
            raise ValueError(f"a unit of kind '{self.kind}' cannot belong to a part: remove 'part'")
        elif self.kind in FRONT_KINDS + ("glossary", "afterword", "about-the-authors") and self.number is not None:
            raise ValueError(f"a unit of kind '{self.kind}' has no number: remove 'number'")
        return self


class IndexSubEntry(Strict):
    heading: Text  # as printed under its heading: "boundary with"
    sort: Text | None = None
    forms: list[Text] = []  # surface forms that mark it in the text
    auto: bool = True  # mark the forms automatically


class IndexEntry(Strict):
    heading: Text  # display form: "Castilla, Ramón"
    sort: Text | None = None  # sort key where the heading would sort wrongly
    lang: Annotated[str, Field(pattern=LANG)] | None = None  # when not the book's language
    forms: list[Text] = []
    auto: bool = True
    see: Annotated[str, Field(pattern=SLUG)] | None = None  # a pointer only
    see_also: list[Annotated[str, Field(pattern=SLUG)]] = []
    sub: dict[Annotated[str, Field(pattern=SLUG)], IndexSubEntry] = {}

    @model_validator(mode="after")
    def _pointer(self) -> "IndexEntry":
        if self.see is not None and (self.forms or self.sub):
            raise ValueError("a 'see' heading is only a pointer: it has no forms and no sub-entries")
        return self


class IndexVocabulary(Strict):
    entries: dict[Annotated[str, Field(pattern=SLUG)], IndexEntry]


class Emendation(Strict):
    """A correction of an obvious slip, shown to readers in an editor's note."""

    file: Text  # relative to content/, e.g. chapters/09-conclusion.md
    original: Text  # as the source edition prints it
    corrected: Text  # as this edition prints it
    note: Text  # why


class Emendations(Strict):
    # What this edition treats as a slip and what as the authors' style, in place of
    # the locale's generic note_on_text_intro: that is the book's to say.
    intro: Text | None = None
    emendations: list[Emendation] = []


M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], located: Located, source: str,
             context: dict | None = None) -> tuple[M | None, list[Problem]]:
    """Validate YAML data against ``model``; problems carry ``source:line``."""
    data: Any = located.data if located.data is not None else {}
    if not isinstance(data, dict):
        return None, [Problem(source, located.line_of(()), "expected a mapping of keys to values")]
    try:
        return model.model_validate(data, context=context), []
    except ValidationError as exc:
        return None, [_problem(err, located, source) for err in exc.errors()]


def _problem(err: dict, located: Located, source: str) -> Problem:
    loc = tuple(part for part in err["loc"] if not isinstance(part, str) or not part.startswith("function-"))
    # pydantic adds the union member or Literal name to the location; keep
    # only the parts that are real keys or indices of the data.
    path: tuple = ()
    node: Any = located.data
    for part in loc:
        if isinstance(node, dict) and part in node:
            path, node = path + (part,), node[part]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            path, node = path + (part,), node[part]
        elif err["type"] == "missing" and part == loc[-1]:
            break
        elif err["type"] == "extra_forbidden" and part == loc[-1]:
            path = path + (part,)
            break
    key = ".".join(str(p) for p in loc) or "front matter"
    kind = err["type"]
    if kind == "missing":
        message = f"missing required key '{key}'"
    elif kind == "extra_forbidden":
        message = f"unknown key '{key}' (allowed keys are listed in the README)"
    else:
        msg = err["msg"].removeprefix("Value error, ")
        message = f"{key}: {msg}" if loc else msg
    return Problem(source, located.line_of(path), message)
