"""The print edition: one HTML document laid out by WeasyPrint (CSS paged media)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Paths
from ..errors import ContentError, Problem
from ..schema import BookConfig
from ..render import context, environment
from . import Edition, EditionResult

STYLESHEETS = ("fonts.css", "base.css", "print.css")


@dataclass
class PrintLayout:
    """What the laid-out pages tell the rest of the build."""

    page_count: int
    body_start: int  # index of the page where arabic folios start
    anchor_pages: dict[str, int]  # id -> index of the first page it is on

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

    def print_html(self, extra: dict | None = None) -> str:
        env = environment(self.paths)
        template = env.get_template("print/book.html.j2")
        return template.render(
            context(self.book, href=lambda unit, anchor: f"#{anchor}", sections=True,
                    back_matter=self.back_toc("#"), back_sections=self.back_sections, **(extra or {}))
        )

    def job(self) -> tuple:
        """What the layout needs, small enough to send to the print worker."""
        return (self.paths, self.book.config, self.print_html(), self.book.units[0].id)

    def build(self, stage: Path) -> EditionResult:
        result, warnings = write_print_edition(*self.job(), stage)
        self.warnings.extend(warnings)
        return result


def write_print_edition(paths: Paths, config: BookConfig, html: str, start_anchor: str,
                        stage: Path) -> tuple[EditionResult, list[Problem]]:
    """Lay out the print HTML and write the PDF; returns the result and the warnings."""
    document, warnings = render(paths, config, html)
    layout = layout_of(document, start_anchor)
    target = stage / f"{config.slug}.pdf"
    write_pdf(document, target, layout)
    return EditionResult("pdf", [target.name], {"pages": layout.page_count, "layout": layout}), warnings


def stylesheets(paths: Paths, config: BookConfig, fetcher, fonts) -> list:
    from weasyprint import CSS

    sheets = [CSS(filename=str(paths.styles / name), url_fetcher=fetcher, font_config=fonts)
              for name in STYLESHEETS]
    # The trim size is the book's, from book.yaml; the rest of @page is in print.css.
    trim = config.print
    sheets.append(CSS(string=f"@page {{ size: {trim.trim_width} {trim.trim_height}; }}"))
    return sheets


def render(paths: Paths, config: BookConfig, html: str):
    """Lay out the pages; WeasyPrint's warnings become the build's."""
    # WeasyPrint is imported where it is used: the build's main process only
    # renders the print HTML, the print worker lays it out (press.parallel).
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from ..safety import ConfinedFetcher, captured_warnings

    fetcher = ConfinedFetcher([paths.root])
    # @font-face rules only load with a FontConfiguration shared by the
    # stylesheets and the layout (WeasyPrint docs, "Fonts").
    fonts = FontConfiguration()
    with captured_warnings("weasyprint") as messages:
        document = HTML(
            string=html, base_url=paths.root.resolve().as_uri() + "/", url_fetcher=fetcher
        ).render(stylesheets=stylesheets(paths, config, fetcher, fonts), font_config=fonts)
    if fetcher.refused:
        raise ContentError([Problem("print edition", None, f"refused to read {url}") for url in fetcher.refused])
    return document, [Problem("print edition", None, f"WeasyPrint: {m}") for m in messages]


def layout_of(document, start_anchor: str) -> PrintLayout:
    anchor_pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            anchor_pages.setdefault(anchor, index)
    return PrintLayout(len(document.pages), anchor_pages.get(start_anchor, 0), anchor_pages)


def write_pdf(document, target: Path, layout: PrintLayout, variant: str | None = "pdf/ua-1") -> None:
    import pydyf

    def finisher(doc, pdf):
        # PDF page labels (ISO 32000-1, 12.4.2) so that viewers show the
        # printed folios: roman for the front matter, arabic from the text.
        nums = pydyf.Array()
        if layout.body_start > 0:
            nums.extend([0, pydyf.Dictionary({"S": "/r"})])
        nums.extend([layout.body_start, pydyf.Dictionary({"S": "/D"})])
        pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": nums})

    document.write_pdf(target, finisher=finisher, pdf_variant=variant, pdf_identifier=None)
