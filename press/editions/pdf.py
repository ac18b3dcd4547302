"""The print edition: one HTML document laid out by WeasyPrint (CSS paged media)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..config import Paths
from ..errors import ContentError, Problem
from ..schema import BookConfig
from ..index import page_ranges
from ..render import config_context, context, environment
from . import Edition, EditionResult

STYLESHEETS = ("fonts.css", "base.css", "print.css")


@dataclass(frozen=True)
class PrintProfile:
    """One use of the same pages: the reading PDF, the printer's, a proof.

    Every profile lays out the same text block on the same pages, so that a
    page number means the same page in all of them; what differs is drawn
    around it (bleed and crop marks, a proof's stamp and margin).
    """

    name: str = "reading"
    suffix: str = ""  # dist/<slug><suffix>.pdf
    variant: str | None = "pdf/ua-1"  # WeasyPrint's PDF variant
    stylesheets: tuple[str, ...] = ()  # more of styles/, after print.css
    css: str = ""  # generated CSS, last
    output_intent: str | None = None  # PDF/X needs one
    outer_marks: bool = False  # move .outer-mark boxes to the outer margin of rectos
    bleed_mm: float = 0.0  # PDF/X: the BleedBox, this far outside the TrimBox
    even_pages: bool = False  # blank pages at the end to an even count (the press: sheets have two sides)


READING = PrintProfile()
# A page with nothing printed on it (its @page rule is in press.css).
BLANK_PAGE = '<!DOCTYPE html><html><body><div class="press-blank"></div></body></html>'


@dataclass
class PrintLayout:
    """What the laid-out pages tell the rest of the build."""

    page_count: int
    body_start: int  # index of the page where arabic folios start
    anchor_pages: dict[str, int]  # id -> index of the first page it is on

    def folio_number(self, index: int) -> int:
        """The arabic folio of a body page (the page counter in print.css)."""
        return index - self.body_start + 1

    def folio(self, index: int) -> str:
        """The printed page number of the page at ``index``."""
        if index < self.body_start:
            return _roman(index + 1)
        return str(index - self.body_start + 1)


def _roman(number: int) -> str:
    table = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
             (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = ""
    for value, letters in table:
        while number >= value:
            out, number = out + letters, number - value
    return out


class PdfEdition(Edition):
    name = "pdf"
    profile: PrintProfile = READING

    @property
    def paged(self) -> list:
        return [s for s in self.back_sections if s.paged is not None]

    def print_html(self, extra: dict | None = None, stub: bool = False) -> str:
        """The whole book as one HTML document.

        Paged sections come with placeholder numbers, or, with ``stub``, as
        their headings alone: the first layout only needs to know where they
        start, and laying out an index twice is what we avoid.
        """
        env = environment(self.paths)
        template = env.get_template("print/book.html.j2")
        config, strings = self.book.config, self.book.strings
        paged = [{"id": s.id, "kind": s.kind, "title": s.title, "html": ""} if stub
                 else _paged_dict(self.paths, config, strings, s, PLACEHOLDER) for s in self.paged]
        return template.render(
            context(self.book, href=lambda unit, anchor: f"#{anchor}", sections=True,
                    back_matter=self.back_toc("#"),
                    back_sections=[s for s in self.back_sections if s.paged is None],
                    paged=paged, **(extra or {}))
        )

    def body_job(self) -> tuple:
        """What the first layout needs: the book, its paged back matter as headings."""
        return (self.paths, self.book.config, self.print_html(stub=True), self.profile)

    def finish_job(self) -> tuple:
        """The second half: what the paged back matter needs once the body is laid out."""
        return (self.paths, self.book.config, self.book.strings, self.book.units[0].id, self.paged,
                self.profile)

    def build(self, stage: Path) -> EditionResult:
        """In this process (no print worker): the same two steps the worker takes."""
        layout_print_body(*self.body_job())
        result, warnings = finish_print_edition(*self.finish_job(), stage)
        _LAID_OUT.pop("written", None)  # this process goes on: free the pages
        self.warnings.extend(warnings)
        return result


def PLACEHOLDER(entry) -> list[dict]:
    """Pass one: a number of the right width for each locator."""
    return [{"id": loc.id, "text": "000"} for loc in entry.locators]


def _paged_dict(paths: Paths, config: BookConfig, strings: dict, section, pages) -> dict:
    from ..apparatus import render_paged

    return {"id": section.id, "kind": section.kind, "title": section.title,
            "html": render_paged(paths, config, strings, section, pages)}


# The print edition in two steps, so that the print worker (press/parallel.py)
# can lay out the book while the main process builds the apparatus.
#
# Back matter that cites pages (index, chronology, bibliography) is laid out
# after the book: the book is laid out with that back matter as headings only
# (which fixes where it starts and gives the contents its page numbers), then
# the back matter alone, with the numbers read from the laid-out pages, and
# its pages replace the headings'. Nothing is laid out twice (a
# target-counter() per locator costs more; see bench/bench.py).
_LAID_OUT: dict = {}


def layout_print_body(paths: Paths, config: BookConfig, html: str, profile: PrintProfile = READING) -> None:
    """Step one: lay out the book, its paged back matter as headings."""
    _LAID_OUT["body"] = render(paths, config, html, profile)


def finish_print_edition(paths: Paths, config: BookConfig, strings: dict, start_anchor: str, paged: list,
                         profile: PrintProfile, stage: Path) -> tuple[EditionResult, list[Problem]]:
    """Step two: lay out the paged back matter, splice it in, write the PDF.

    The facts include where each page of the units begins in the text
    (``page_starts``, press.pagemarks), for the EPUB's and the web
    edition's page markers: read here, from the final pages.
    """
    from ..pagemarks import page_starts

    document, warnings = _LAID_OUT.pop("body")
    warnings = list(warnings)
    layout = layout_of(document, start_anchor)
    if paged:
        first = layout.anchor_pages[paged[0].id]
        sections = [_paged_dict(paths, config, strings, s, page_references(layout)) for s in paged]
        env = environment(paths)
        back_html = env.get_template("print/back.html.j2").render(
            **config_context(config, strings), paged=sections, first_folio=layout.folio_number(first))
        back, more = render(paths, config, back_html, profile)
        warnings += more
        document = document.copy(document.pages[:first] + back.pages)
        layout = layout_of(document, start_anchor)
    if profile.even_pages and len(document.pages) % 2:
        blank, more = render(paths, config, BLANK_PAGE, profile)
        warnings += more
        document = document.copy(document.pages + blank.pages[:1])
        layout = layout_of(document, start_anchor)
    _PARSED.clear()  # the next build may have other styles
    if profile.outer_marks:
        mirror_outer_marks(document)
    target = stage / f"{config.slug}{profile.suffix}.pdf"
    # Only the reading PDF gives the EPUB and the web edition their page numbers.
    starts = page_starts(document, layout) if profile == READING else []  # (pickled: compare, not "is")
    write_pdf(document, target, layout, profile)
    # Freeing the laid-out pages takes a fifth of a second (real book) or
    # more, and would come before the result is sent: the print worker
    # keeps them, and ends without freeing anything (press.parallel).
    _LAID_OUT["written"] = document
    return EditionResult("pdf", [target.name], {"pages": layout.page_count, "layout": layout,
                                                "page_starts": starts}), warnings


def page_references(layout: "PrintLayout"):
    """``pages(entry)`` for the templates: folios of its locators, ranges merged."""

    def pages(entry) -> list[dict]:
        folios: dict[int, str] = {}
        for loc in entry.locators:
            start = layout.anchor_pages.get(loc.id)
            if start is None:
                continue
            end = layout.anchor_pages.get(loc.end_id, start) if loc.end_id else start
            for page in range(start, end + 1):
                folios.setdefault(layout.folio_number(page), loc.id)
        out = []
        for text in page_ranges(list(folios)):
            first = int(text.split("\u2013")[0])
            out.append({"id": folios[first], "text": text})
        return out

    return pages


def stylesheets(paths: Paths, config: BookConfig, fetcher, fonts, profile: PrintProfile = READING,
                colour_profiles: dict | None = None) -> list:
    from weasyprint import CSS

    sheets = [CSS(filename=str(paths.styles / name), url_fetcher=fetcher, font_config=fonts)
              for name in STYLESHEETS + profile.stylesheets]
    # The trim size is the book's, from book.yaml; the rest of @page is in print.css.
    trim = config.print
    sheets.append(CSS(string=f"@page {{ size: {trim.trim_width} {trim.trim_height}; }}"))
    if profile.css:
        # Its @color-profile rules (the press's output intent) land in
        # ``colour_profiles``, which the layout is given (WeasyPrint 70).
        sheets.append(CSS(string=profile.css, font_config=fonts, url_fetcher=fetcher,
                          color_profiles=colour_profiles))
    return sheets


# The stylesheets and fonts of one build, parsed once: the book and its paged
# back matter are laid out by the same process, one after the other.
_PARSED: dict = {}


def _styles(paths: Paths, config: BookConfig, profile: PrintProfile):
    from weasyprint.text.fonts import FontConfiguration

    from ..safety import ConfinedFetcher

    key = (paths.root, config.print.model_dump_json(), profile)
    if key not in _PARSED:
        _PARSED.clear()
        fetcher = ConfinedFetcher([paths.root])
        # @font-face rules only load with a FontConfiguration shared by the
        # stylesheets and the layout (WeasyPrint docs, "Fonts").
        fonts = FontConfiguration()
        colour_profiles: dict = {}
        _PARSED[key] = (fetcher, fonts, stylesheets(paths, config, fetcher, fonts, profile, colour_profiles),
                        colour_profiles)
    return _PARSED[key]


def render(paths: Paths, config: BookConfig, html: str, profile: PrintProfile = READING):
    """Lay out the pages; WeasyPrint's warnings become the build's."""
    # WeasyPrint is imported where it is used: the build's main process only
    # renders the print HTML, the print worker lays it out (press.parallel).
    from weasyprint import HTML

    from ..safety import captured_warnings

    with captured_warnings("weasyprint") as messages:
        fetcher, fonts, sheets, colour_profiles = _styles(paths, config, profile)
        document = HTML(
            string=html, base_url=paths.root.resolve().as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=sheets, font_config=fonts, color_profiles=colour_profiles, pdf_variant=profile.variant,
                 output_intent=profile.output_intent)
    if fetcher.refused:
        refused, fetcher.refused = list(fetcher.refused), []
        _PARSED.clear()
        raise ContentError([Problem("print edition", None, f"refused to read {url}") for url in refused])
    return document, [Problem("print edition", None, f"WeasyPrint: {m}") for m in messages]


def layout_of(document, start_anchor: str) -> PrintLayout:
    anchor_pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchor_pages.setdefault(anchor, index)
    return PrintLayout(len(document.pages), anchor_pages.get(start_anchor, 0), anchor_pages)


def write_pdf(document, target: Path, layout: PrintLayout, profile: PrintProfile = READING) -> None:
    import pydyf

    from .. import upstream

    upstream.apply()  # tagging a long book is quadratic without it

    def finisher(doc, pdf):
        # PDF page labels (ISO 32000-1, 12.4.2) so that viewers show the
        # printed folios: roman for the front matter, arabic from the text.
        nums = pydyf.Array()
        if layout.body_start > 0:
            nums.extend([0, pydyf.Dictionary({"S": "/r"})])
        nums.extend([layout.body_start, pydyf.Dictionary({"S": "/D"})])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})
        if profile.variant == "pdf/x-4":
            from .wrapcover import fix_pdfx

            fix_pdfx(pdf, profile.bleed_mm, hashlib.sha256(f"{target.name}:{layout.page_count}".encode()).hexdigest())

    document.write_pdf(target, finisher=finisher, pdf_variant=profile.variant, pdf_identifier=None,
                       output_intent=profile.output_intent)


def mirror_outer_marks(document) -> None:
    """Move the boxes of ``.outer-mark`` elements to the outer margin of rectos.

    CSS cannot say "the outer side" of an element (only of a page), so a
    proof's paragraph numbers and change bars are set in the left margin, as
    on a verso, and moved across the text block on every recto once the
    pages are laid out. Moving them changes no line and no page break.
    """
    for index, page in enumerate(document.pages):
        if index % 2:  # a verso: the marks are already outside
            continue
        box = page._page_box  # WeasyPrint's laid-out page (no public API for this)
        _mirror(box, box.content_box_x() + box.width / 2)


def _mirror(box, middle: float) -> None:
    element = getattr(box, "element", None)
    if (element is not None and getattr(box, "element_tag", None) == "span"
            and "outer-mark" in (element.get("class") or "").split()):
        box.translate(2 * (middle - box.position_x) - box.margin_width(), 0)  # its text moves with it
        return
    for child in box.all_children():
        _mirror(child, middle)
