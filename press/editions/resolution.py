"""The resolution check: a raster image printed below 300 ppi at its laid-out size.

Read from the laid-out pages (WeasyPrint's boxes), so the printed size is
the real one, after the stylesheets scaled the image to the text block.
The printer's PDF (the press profile) reports each such image as a
warning, which ``--strict`` makes an error; the reading PDF is for screens.
"""

from __future__ import annotations

from ..errors import Problem

MINIMUM_PPI = 300
CSS_PX_PER_INCH = 96


def low_resolution(document, layout, minimum: int = MINIMUM_PPI) -> list[Problem]:
    """One warning per raster image printed below ``minimum`` pixels per inch."""
    from weasyprint.formatting_structure import boxes
    from weasyprint.images import RasterImage

    found, seen = [], set()
    for index, page in enumerate(document.pages):
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, boxes.ReplacedBox) and isinstance(box.replacement, RasterImage) and box.width:
                src = box.element.get("src") if box.element is not None else "?"
                ppi = box.replacement.width / (box.width / CSS_PX_PER_INCH)
                if ppi < minimum - 0.5 and src not in seen:
                    seen.add(src)
                    found.append(Problem("print edition", None,
                                         f"image '{src}' prints at {ppi:.0f} ppi on page {layout.folio(index)}; "
                                         f"the press needs at least {minimum} ppi: use a file of "
                                         f"{box.replacement.width * minimum / ppi:.0f} pixels across or more"))
            stack.extend(getattr(box, "children", ()))
    return found
