"""The print edition's layout: WeasyPrint lays out the pages, once each part.

Takes the print HTML that press/editions/pdf.py renders (the body, the paged
back matter's print form, the front matter) and a print profile; gives the
laid-out pages, what they tell (``PrintLayout``: where each id is, the
folios), where each page begins in the text (press.editions.pagestarts) and the PDF.

A ``Typesetter`` holds the state of one build's layout, the laid-out body
and the parsed stylesheets and fonts: it lives in the print worker
(press.parallel), or in this process where the worker cannot be forked.

Each part of the book is laid out once, on its own, in the order in which
its numbers become known:

1. the body (the units and the back matter), its paged back matter (index,
   chronology, bibliography: what cites pages) as headings only, which fixes
   where that back matter starts; its first page is a recto. Its first unit
   after the front-matter units (a dedication, a preface...; the start of
   text) opens page 1; the units before it go on from the front matter's
   roman folios, so in a book that has them, the front matter is laid out
   first with blank numbers, for its page count (a few pages);
2. the paged back matter alone, with the numbers read from the laid-out
   pages; its pages replace the headings';
3. the front matter (half-title to contents), with every number of the
   contents read from the body's final pages; its pages go first. Should
   its page count not be the one the body's roman folios assumed, the body
   is laid out again from that count (the contents' numbers are set in a
   column of fixed width, so their values do not move a line).

Nothing is laid out twice (a target-counter() per locator costs more; see
bench/bench.py), and no number is one of an earlier layout: the contents'
target-counter() numbers were those of step 1, wrong for every paged
section after the first (issue 15).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from html import unescape
from pathlib import Path

from markupsafe import Markup

from ..source.config import Paths
from ..errors import ContentError, Problem
from ..apparatus.index import page_ranges
from .render import config_context, environment
from ..source.schema import BookConfig
from .fonts import fallback_css
from .profiles import READING, PrintProfile
from .sections import render_paged

STYLESHEETS = ("fonts.css", "base.css", "print.css")
# A page with nothing printed on it (its @page rule is in press.css).
BLANK_PAGE = '<!DOCTYPE html><html><body><div class="press-blank"></div></body></html>'


@dataclass
class Printed:
    """What the print layout gives back to the edition (small and picklable)."""

    file: str  # the PDF's name in the staging folder
    layout: "PrintLayout"
    page_starts: list  # pagemarks.PageStart: only the reading profile's pages give them
    warnings: list[Problem]


class Typesetter:
    """One build's print layout: its steps, and what they keep between them."""

    def __init__(self):
        self.can_run = False  # may fork workers for runs of units (press/editions/runs.py): the print worker's
        self.runs = None  # press.editions.runcoordinator.Runs, when the body is laid out in runs (press/editions/pdf.py)
        self.body = None  # step one's laid-out document and its warnings
        self.body_html = ""  # and what it was laid out from
        self.start_id = ""  # the id of the start of text, on page 1
        self.front_count = 0  # the front matter's pages before the body's first (0: no front-matter units)
        self.written = None  # the document written last (see finish())
        self._parsed: dict = {}  # the stylesheets and fonts, parsed once a build

    def lay_out_body(self, paths: Paths, config: BookConfig, html: str, profile: PrintProfile = READING,
                     start_id: str = "", front: tuple[str, str] | None = None) -> None:
        """Step one: lay out the body, its paged back matter as headings.

        ``start_id``: the id of the start of text (page 1). ``front``: the
        front matter's HTML, as ``finish`` takes it, when the body begins
        with front-matter units, whose folios follow the front matter's.
        """
        self.body_html, self.start_id, self.front_count = html, start_id, 0
        if front is not None:
            pages = self._front_matter(paths, config, front, None, profile)[0].pages
            self.front_count = len(pages)
        self.body = self._lay_out_text(paths, config, profile)

    def _lay_out_text(self, paths: Paths, config: BookConfig, profile: PrintProfile):
        """The body, its page counter started after the front matter's pages when it opens with front units."""
        extra = f"@page :first {{ counter-reset: page {self.front_count + 1}; }}" if self.front_count else ""
        return self.lay_out(paths, config, self.body_html, profile, extra)

    def finish(self, paths: Paths, config: BookConfig, strings: dict, paged: list, front: tuple[str, str],
               profile: PrintProfile, stage: Path) -> Printed:
        """Steps two and three: the paged back matter, then the front matter; write the PDF.

        ``paged``: sections.Paged records. ``front`` is the front matter's
        HTML, without and with a closing blank verso (``PdfEdition.front_html``).
        Where each page of the units begins in the text (``page_starts``,
        press.editions.pagemarks), for the EPUB's and the web edition's page markers,
        is read here, from the final pages.
        """
        from .pagestarts import read_page_starts

        for _ in range(3):
            (document, warnings), self.body = self.body, None
            warnings = list(warnings)
            body = self._text_layout(document)
            if paged:
                document, more = self._splice_back_matter(paths, config, strings, paged, document, body, profile)
                warnings += more
                body = self._text_layout(document)
            front_document, more = self._front_matter(paths, config, front, body, profile)
            front_pages = front_document.pages
            warnings += more
            if not self.front_count or len(front_pages) == self.front_count:
                break
            # The front-matter units' folios assumed another count: again, from this one.
            self.front_count = len(front_pages)
            self.body = self._lay_out_text(paths, config, profile)
        else:
            raise front_count_moves()
        start = body.body_start - self.front_count  # the start of text's page in the body's document
        document = document.copy(front_pages + document.pages)
        if profile.even_pages and len(document.pages) % 2:
            # A printer's file has an even number of pages: a blank one at the end.
            blank, more = self.lay_out(paths, config, BLANK_PAGE, profile)
            warnings += more
            document = document.copy(document.pages + blank.pages[:1])
        layout = layout_of(document, len(front_pages) + start)
        if profile.name == "press":  # the printer's file: images at 300 ppi (issue 17)
            from .resolution import low_resolution

            warnings += low_resolution(document, layout)
        self._parsed.clear()  # the next build may have other styles
        if profile.outer_marks:
            mirror_outer_marks(document)
        target = stage / f"{config.slug}{profile.suffix}.pdf"
        # Only the reading PDF gives the EPUB and the web edition their page numbers.
        starts = read_page_starts(document, layout) if profile == READING else []  # (pickled: compare, not "is")
        write_pdf(document, target, layout, profile)
        # Freeing the laid-out pages takes a fifth of a second (real book) or
        # more, and would come before the result is sent: the print worker
        # keeps them, and ends without freeing anything (press.parallel).
        self.written = document
        return Printed(target.name, layout, starts, warnings)

    def _text_layout(self, document) -> "PrintLayout":
        """The body's layout, numbered as in the book: after the front matter's pages."""
        offset = self.front_count
        start = next((i for i, page in enumerate(document.pages) if self.start_id in page.anchors), 0)
        return layout_of(document, offset + start, offset)

    def _splice_back_matter(self, paths: Paths, config: BookConfig, strings: dict, paged: list, document,
                            body: "PrintLayout", profile: PrintProfile):
        """The body with its paged back matter laid out, in place of the headings it had (``body``
        counts the front matter's pages before ``document``'s first)."""
        first = body.anchor_pages[paged[0].id]
        back, warnings = self.lay_out(paths, config, back_matter_html(paths, config, strings, paged, body), profile)
        return document.copy(document.pages[:first - self.front_count] + back.pages), warnings

    def _front_matter(self, paths: Paths, config: BookConfig, front: tuple[str, str], body: "PrintLayout | None",
                            profile: PrintProfile) -> tuple:
        """The front matter's laid-out document, the contents numbered from the body's final pages.

        The body was laid out with its first page on a recto: the front
        matter must have an even number of pages. When the contents end on
        a recto, the front matter is laid out again with a blank verso after
        them (a few pages, not the book). Without ``body``, its numbers are
        left blank (for its page count alone).
        """
        for html in front:
            filled, missing = fill_page_slots(html, body) if body is not None else (html, [])
            document, warnings = self.lay_out(paths, config, filled, profile)
            if len(document.pages) % 2 == 0:
                break
        else:  # a book's own print.css may break what the body assumed
            raise ContentError([Problem("styles/print.css", None,
                                        f"the front matter has {len(document.pages)} pages, an odd number even with a "
                                        "blank verso added; break its pages so that the body's page 1 is a recto")])
        warnings += [Problem("print edition", None, f"the contents link to #{anchor}, which is on no page")
                     for anchor in missing]
        return document, warnings

    def styles(self, paths: Paths, config: BookConfig, profile: PrintProfile):
        """The stylesheets and fonts of this build, parsed once: the book and its
        paged back matter are laid out by the same process, one after the other."""
        from weasyprint.text.fonts import FontConfiguration

        from ..fetcher import ConfinedFetcher

        key = (paths.root, config.print.model_dump_json(), profile)
        if key not in self._parsed:
            self._parsed.clear()
            fetcher = ConfinedFetcher.for_book(paths)
            # @font-face rules only load with a FontConfiguration shared by the
            # stylesheets and the layout (WeasyPrint docs, "Fonts").
            fonts = FontConfiguration()
            colour_profiles: dict = {}
            self._parsed[key] = (fetcher, fonts, stylesheets(paths, config, fetcher, fonts, profile,
                                                             colour_profiles), colour_profiles)
        return self._parsed[key]

    def lay_out(self, paths: Paths, config: BookConfig, html: str, profile: PrintProfile = READING, css: str = ""):
        """Lay out the pages; WeasyPrint's warnings become the build's. ``css``: a stylesheet for this document alone."""
        # WeasyPrint is imported where it is used: the build's main process only
        # renders the print HTML, the print worker lays it out (press.parallel).
        from weasyprint import HTML

        from ..safety import captured_warnings, load_problem, refusals
        from . import footnotequeue, linebreaking

        linebreaking.mend()  # a run broken after its first word before an inline element
        footnotequeue.mend()  # footnotes in linear time
        with captured_warnings("weasyprint") as messages:
            fetcher, fonts, sheets, colour_profiles = self.styles(paths, config, profile)
            if css:
                from weasyprint import CSS

                sheets = sheets + [CSS(string=css, font_config=fonts)]
            document = HTML(
                string=html, base_url=paths.root.resolve().as_uri() + "/", url_fetcher=fetcher
            ).render(stylesheets=sheets, font_config=fonts, color_profiles=colour_profiles,
                     pdf_variant=profile.variant, output_intent=profile.output_intent)
        if fetcher.refused:
            refused, fetcher.refused = list(fetcher.refused), []
            self._parsed.clear()
            raise ContentError(refusals(paths, refused, "print edition"))
        return document, [load_problem(paths, f"WeasyPrint: {m}", "print edition") for m in messages]


def back_matter_html(paths: Paths, config: BookConfig, strings: dict, paged: list, body: "PrintLayout") -> str:
    """The paged back matter (chronology, bibliography, index) numbered from ``body``, as one document."""
    sections = [paged_dict(paths, config, strings, s, page_references(body)) for s in paged]
    return environment(paths).get_template("print/back.html.j2").render(
        **config_context(config, strings), paged=sections, first_folio=body.folio_number(body.anchor_pages[paged[0].id]))


def front_count_moves() -> ContentError:
    """The front matter's count never settles: its contents' numbers change its pages."""
    return ContentError([Problem("styles/print.css", None,
                                 "the front matter's page count changes with the numbers of its contents; "
                                 "give the contents' numbers a column of fixed width (.toc-page)")])


def paged_dict(paths: Paths, config: BookConfig, strings: dict, section, pages) -> dict:
    """A paged section as print/paged.html.j2 shows it, its page references from ``pages``."""
    return {"id": section.id, "kind": section.kind, "title": section.title,
            "html": render_paged(paths, config, strings, section, pages)}


@dataclass
class PrintLayout:
    """What the laid-out pages tell the rest of the build."""

    page_count: int
    body_start: int  # index of the page where arabic folios start (page 1, the start of text)
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


# A page number of the contents, before the pages are known: rendered by the
# main process (which has the book), filled in by the print worker (which has
# the pages). The slot is ours, so that a pattern finds it exactly.
_SLOT = '<span class="toc-page" data-page-of="{}">{}</span>'
_SLOT_PATTERN = re.compile(re.escape(_SLOT.format("\0", "")).replace("\0", '([^"<>]*)'))


def page_slot(anchor: str) -> Markup:
    return Markup(_SLOT).format(anchor, "")


def fill_page_slots(html: str, layout: "PrintLayout") -> tuple[str, list[str]]:
    """Each slot's number, the folio of the page its anchor is on; and the anchors not found."""
    missing = []

    def number(match) -> str:
        anchor = match.group(1)  # as written: escaped
        index = layout.anchor_pages.get(unescape(anchor))
        if index is None:
            missing.append(unescape(anchor))
            return match.group(0)
        return Markup(_SLOT).format(Markup(anchor), layout.folio(index))

    return _SLOT_PATTERN.sub(number, html), missing


def PLACEHOLDER(entry) -> list[dict]:
    """Pass one: a number of the right width for each locator."""
    return [{"id": loc.id, "text": "000"} for loc in entry.locators]


def page_references(layout: "PrintLayout"):
    """``pages(entry)`` for the templates: folios of its locators, ranges merged."""

    def pages(entry) -> list[dict]:
        first_locator: dict[int, str] = {}  # page index -> the first locator on it
        for loc in entry.locators:
            start = layout.anchor_pages.get(loc.id)
            if start is None:
                continue
            end = layout.anchor_pages.get(loc.end_id, start) if loc.end_id else start
            for page in range(start, end + 1):
                first_locator.setdefault(page, loc.id)
        out = []
        # The front matter's pages (roman) and the text's (arabic) are two
        # sequences: no range runs from one into the other ("ix, 1", not "ix–1").
        front = [p for p in first_locator if p < layout.body_start]
        for pages_of_one_kind in (front, [p for p in first_locator if p >= layout.body_start]):
            for indices in page_ranges(pages_of_one_kind):  # "4" or "4–6", of page indices
                first, _, last = indices.partition("\u2013")
                text = layout.folio(int(first)) + (f"\u2013{layout.folio(int(last))}" if last else "")
                out.append({"id": first_locator[int(first)], "text": text})
        return out

    return pages


def stylesheets(paths: Paths, config: BookConfig, fetcher, fonts, profile: PrintProfile = READING,
                colour_profiles: dict | None = None) -> list:
    from weasyprint import CSS

    sheets = [CSS(filename=str(paths.style(name)), url_fetcher=fetcher, font_config=fonts)
              for name in STYLESHEETS + profile.stylesheets]
    fallback = fallback_css(paths, config)  # the book's fallback faces (press/editions/fonts.py)
    if fallback:
        sheets.append(CSS(string=fallback, base_url=paths.style("fonts.css").as_uri(), url_fetcher=fetcher,
                          font_config=fonts))
    # The trim size is the book's, from book.yaml; the rest of @page is in print.css.
    trim = config.print
    sheets.append(CSS(string=f"@page {{ size: {trim.trim_width} {trim.trim_height}; }}"))
    if profile.css:
        # Its @color-profile rules (the press's output intent) land in
        # ``colour_profiles``, which the layout is given (WeasyPrint 70).
        sheets.append(CSS(string=profile.css, font_config=fonts, url_fetcher=fetcher,
                          color_profiles=colour_profiles))
    return sheets


def layout_of(document, body_start: int, offset: int = 0) -> PrintLayout:
    """Where each id is; ``body_start``: the index of page 1 (after the front matter).

    ``offset``: the number of pages that will come before ``document``'s
    (the body's, before the front matter is laid out), counted in every index.
    """
    anchor_pages: dict[str, int] = {}
    for index, page in enumerate(document.pages, start=offset):
        for anchor in page.anchors:
            anchor_pages.setdefault(anchor, index)
    return PrintLayout(offset + len(document.pages), body_start, anchor_pages)


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
