"""Print measures: an absolute CSS length from book.yaml (``6in``, ``3mm``)
in millimetres, and how far outside the trim the crop marks go. The print
profiles, the front cover and the wrap cover all measure with these."""

from __future__ import annotations

import re

MM_PER = {"mm": 1.0, "cm": 10.0, "in": 25.4, "pt": 25.4 / 72, "pc": 25.4 / 6, "Q": 0.25}

# WeasyPrint draws crop marks across the outer half of the CSS bleed: a CSS
# bleed three times the printer's puts them 1.5 bleeds from the trim, clear
# of the printed bleed.
SLUG_FACTOR = 3


def length_mm(css: str) -> float:
    """An absolute CSS length from book.yaml (``6in``, ``3mm``) in millimetres."""
    match = re.fullmatch(r"(\d+(?:\.\d+)?)(mm|cm|in|pt|pc|Q)", css.strip())
    if match is None:
        raise ValueError(f"not an absolute CSS length: {css!r}")
    return float(match[1]) * MM_PER[match[2]]
