"""Math in print: each MathML formula of a unit's HTML replaced by its SVG drawing.

WeasyPrint lays out no MathML, so the print edition shows every formula as
an inline ``<svg>`` that press.book.math typeset at the collect stage
(kept on disk, so this is a look-up): WeasyPrint draws it as vector paths.
(The confined fetcher reads no ``data:`` URI, so not an ``<img>``.) Each
drawing's glyph ids are prefixed with its number in the document, since
ziamath names a glyph the same in every formula. An inline formula is sized in ems of the text around it and
lowered by its depth, so that its baseline is the line's; a displayed
formula is a centred block of its own. The drawing's ``aria-label`` and
``<title>`` are the TeX.
"""

from __future__ import annotations

import html
import itertools
import re

from ..book.math import MATH_ELEMENT, FormulaError, FormulaSetter, tex_of


def print_math(body: str, typesetter: FormulaSetter, prefix: str = "m") -> str:
    """``body`` with each ``<math>`` as an SVG drawing (unchanged when it has none);
    ``prefix`` starts its glyph ids, unique in the document (one per unit)."""
    if "<math" not in body:
        return body
    count = itertools.count(1)

    def repl(match) -> str:
        found = tex_of(match.group(0))
        if found is None:
            return match.group(0)
        tex, display = found
        try:
            formula = typesetter.formula(tex, display)
        except FormulaError:  # refused at the collect stage; not reached
            return match.group(0)
        img = _inline_svg(formula, f"{prefix}{next(count)}-")
        return f'<span class="math-display">{img}</span>' if display else img

    return MATH_ELEMENT.sub(repl, body)


_IDS = re.compile(r'(\bid="|\bhref="#)([^"]+)"')


def _em(value: float) -> str:
    """A length in ems for CSS: no "-0" (a formula that sits on the baseline has depth -0.0)."""
    return f"{value + 0.0:.4f}em" if round(value, 4) != 0 else "0em"


def _inline_svg(formula, prefix: str) -> str:
    svg = _IDS.sub(lambda m: f'{m.group(1)}{prefix}{m.group(2)}"', formula.svg)
    style = (f"width:{formula.width:.4f}em;height:{formula.height:.4f}em;"
             f"vertical-align:{_em(-formula.depth)}")
    label = html.escape(formula.tex, quote=True)
    head, rest = svg.split(">", 1)
    head = re.sub(r'\s(width|height)="[^"]*"', "", head)
    return (f'{head} class="math-svg" role="img" aria-label="{label}" style="{style}">'
            f"<title>{html.escape(formula.tex)}</title>{rest}")
