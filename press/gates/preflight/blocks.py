"""The text block, as the book's print stylesheets define it.

Not guessed from the pages (a page of display type would move it) and not
parsed from ``@page`` margins by hand (``:left``/``:right``, named pages and
the trim size from book.yaml all take part): a probe document of one word
per page is laid out by WeasyPrint with the book's own print stylesheets,
on a left and a right page of every page name the stylesheets use, and the
page boxes' content areas are read (CSS Paged Media 3, 3.3: the page area
is the content box of the page box). Per side, the largest area any of
them gives is the text block: a glyph outside it is outside every page
the stylesheets can make.

Running heads and folios are in margin boxes; the top and bottom margins
over the width of the text block hold them (CSS Paged Media 3, 5.3: the
top and bottom boxes lie between the corner boxes, over the page area's
width), so those two bands are allowed too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .pages import Box

PX = 0.75  # one CSS px in PDF points (CSS Values 4, 6.2: 1in = 96px = 72pt)
# A page name given to an element: `page: chapter` (CSS Paged Media 3, 8.1).
PAGE_NAME = re.compile(r"(?<![\w-])page\s*:\s*([A-Za-z_][\w-]*)")


@dataclass(frozen=True)
class TextBlock:
    """Per side: the page area, and the page's size (both in points)."""

    left: Box  # verso
    right: Box  # recto
    width: float
    height: float

    def block(self, recto: bool) -> Box:
        return self.right if recto else self.left

    def allowed(self, recto: bool) -> tuple[Box, Box]:
        """The text block, and the column over it from the trim's foot to its head (margin boxes)."""
        block = self.block(recto)
        return block, Box(block.left, 0.0, block.right, self.height)


def page_names(css_texts: list[str]) -> list[str]:
    names = {name for text in css_texts for name in PAGE_NAME.findall(text)} - {"auto"}
    return sorted(names)


def probe(stylesheets: list, names: list[str], font_config=None, url_fetcher=None) -> TextBlock:
    """Lay out two pages of every page name (and of none) and read their page areas."""
    from weasyprint import HTML

    divs = []
    for name in [None, *names]:
        style = f"page: {name};" if name else ""
        divs.append(f'<div style="{style} break-before: page">x</div>')
        divs.append(f'<div style="{style} break-before: page">x</div>')
    html = f'<!DOCTYPE html><html lang="en"><body>{"".join(divs)}</body></html>'
    document = HTML(string=html, url_fetcher=url_fetcher).render(stylesheets=stylesheets,
                                                                 font_config=font_config)
    areas: dict[str, list[Box]] = {"left": [], "right": []}
    width = height = 0.0
    for page in document.pages:
        box = page._page_box  # WeasyPrint's page box (no public API for its areas)
        width, height = round(box.margin_width() * PX, 2), round(box.margin_height() * PX, 2)
        x, y = box.content_box_x() * PX, box.content_box_y() * PX
        area = Box(*(round(v, 2) for v in (x, height - y - box.height * PX, x + box.width * PX, height - y)))
        areas[box.page_type.side].append(area)
    union = {side: _union(found or areas["left"] + areas["right"]) for side, found in areas.items()}
    return TextBlock(union["left"], union["right"], width, height)


def _union(boxes: list[Box]) -> Box:
    return Box(min(b.left for b in boxes), min(b.bottom for b in boxes),
               max(b.right for b in boxes), max(b.top for b in boxes))


def book_text_block(root) -> TextBlock:
    """The text block of the book in ``root``: its print stylesheets, its trim size."""
    from weasyprint.text.fonts import FontConfiguration

    from ...source.config import Paths, load_config
    from ...editions.layout import STYLESHEETS, stylesheets
    from ...fetcher import ConfinedFetcher

    paths = Paths(root)
    config = load_config(paths)
    fetcher, fonts = ConfinedFetcher.for_book(paths), FontConfiguration()
    sheets = stylesheets(paths, config, fetcher, fonts)
    texts = [paths.style(name).read_text("utf-8") for name in STYLESHEETS]
    return probe(sheets, page_names(texts), fonts, fetcher)
