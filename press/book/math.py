"""Math: TeX formulas checked at their line, typeset as SVG for print, and raw TeX refused.

A chapter writes math as pandoc Markdown does: ``$…$`` inline, ``$$…$$``
displayed (``tex_math_dollars``: no space after the opening ``$``, no digit
after the closing one, so "$5 and $10" stays money). pandoc gives Math
nodes; the web edition and the EPUB show them as MathML (pandoc's
``--mathml``), with the TeX as ``alttext``; print shows them as SVG paths
drawn by ziamath (WeasyPrint lays out no MathML), with the TeX as the
image's text alternative.

Every formula is typeset at the collect stage, so that one that cannot be
is an error at its line before anything is written; the SVG is kept on disk
(press.memo.KeptTable, by TeX and ziamath's version) for the print edition
and the next build. Raw TeX (``\\LaTeX{}``, ``\\newpage``, a ``\\begin{…}``
block) would be dropped by every edition, so it is refused at its line.

The math font is STIX Two Math, shipped with ziamath (SIL OFL): the book's
Gentium has no OpenType MATH table, which a math typesetter needs for its
fractions, radicals and stretchy delimiters.
"""

from __future__ import annotations

import html
import re
import threading
from dataclasses import dataclass

from .ast import iter_nodes
from ..errors import Problem
from ..memo import KeptTable

# ziamath draws in SVG user units at this font size; the print edition scales
# each formula to the text's size in ems (width, height and depth / SIZE).
SIZE = 20.0
RAW_TEX = ("tex", "latex")
# pandoc's warning when its TeX reader (texmath) cannot read a formula.
PANDOC_MATH = re.compile(r"^Could not convert TeX math (.*?), rendering as TeX(?::\n(.*))?$", re.S)


@dataclass(frozen=True)
class Formula:
    """One typeset formula: its SVG, and its box in ems of the text (depth below the baseline)."""

    tex: str
    display: bool
    svg: str
    width: float
    height: float
    depth: float


class FormulaError(Exception):
    """A formula that ziamath cannot typeset; the message says why."""


class FormulaSetter:
    """TeX to SVG with ziamath, each result kept in ``<folder>/math-svg.json`` between builds."""

    def __init__(self, folder):
        self.folder = folder
        self.table: KeptTable | None = None  # read on the first formula: a book without math reads nothing
        self._lock = threading.Lock()

    def formula(self, tex: str, display: bool) -> Formula:
        """The formula typeset, or FormulaError with the typesetter's reason."""
        tex = tex.strip()
        key = ("D" if display else "I") + tex
        with self._lock:
            if self.table is None:
                from importlib.metadata import version

                self.table = KeptTable(self.folder, "math-svg", f"ziamath {version('ziamath')} size {SIZE}")
            kept = self.table.get(key)
            if kept is None:
                kept = _typeset(tex, display)
                self.table.put(key, kept)
        if "error" in kept:
            raise FormulaError(_reason(kept["error"], kept["text"]))
        return Formula(tex, display, kept["svg"], kept["w"], kept["h"], kept["d"])

    def save(self) -> None:
        with self._lock:
            if self.table is not None:
                self.table.save()


def _typeset(tex: str, display: bool) -> dict:
    import ziamath

    try:
        math = ziamath.Latex(tex, size=SIZE, inline=not display, margin=0)
        svg = math.svg()
        width, height = math.getsize()
        depth = -math.getyofst()
    except Exception as exc:  # latex2mathml and ziamath raise many kinds; each is a bad formula
        return {"error": type(exc).__name__, "text": str(exc).strip()}
    return {"svg": svg, "w": round(width / SIZE, 4), "h": round(height / SIZE, 4), "d": round(depth / SIZE, 4)}


# latex2mathml's exceptions carry no message: what each means, in the writer's words.
REASONS = {
    "NoAvailableTokensError": "a command lacks its argument (a brace or a value is missing)",
    "NumeratorNotFoundError": "a fraction lacks its numerator",
    "DenominatorNotFoundError": "a fraction lacks its denominator",
    "AssertionError": "a command lacks one of its arguments",
    "ExtraLeftOrMissingRightError": "a \\left has no \\right",
    "MissingEndError": "a \\begin{…} has no \\end{…}",
    "MissingSuperScriptOrSubscriptError": "a ^ or _ has nothing after it",
    "DoubleSubscriptsError": "two subscripts in a row (group them in braces)",
    "DoubleSuperscriptsError": "two superscripts in a row (group them in braces)",
    "ParseError": "'&' or '\\\\' outside a matrix or an aligned environment",
}


def _reason(name: str, text: str) -> str:
    if name in REASONS:
        return REASONS[name]
    return text or re.sub(r"(?<!^)(?=[A-Z])", " ", name).lower().removesuffix(" error")


def _shown(tex: str) -> str:
    text = " ".join(tex.split())
    return text if len(text) <= 60 else text[:57] + "…"


def _line(chapter, text: str, math: bool = False) -> int:
    """The line of a formula or raw TeX: as written between its dollars first (``$x$``: not
    the same TeX inside another formula), else its first line wherever it is."""
    if math and "\n" not in text.strip():
        for needle in (f"${text}$", f"$${text}$$", f"$$ {text.strip()} $$"):
            if needle in chapter.body:
                return chapter.line_of(needle)
    first = next((line.strip() for line in text.split("\n") if line.strip()), text)
    return chapter.line_of(first)


def problems(blocks: list, chapter, typesetter: FormulaSetter | None) -> list[Problem]:
    """The unit's formulas that cannot be typeset, and its raw TeX, each at its line."""
    found = []
    for node in iter_nodes(blocks):
        kind = node["t"]
        if kind == "Math" and typesetter is not None:
            display, tex = node["c"][0]["t"] == "DisplayMath", node["c"][1]
            try:
                typesetter.formula(tex, display)
            except FormulaError as exc:
                found.append(_bad_formula(chapter, tex, str(exc)))
        elif kind in ("RawInline", "RawBlock") and node["c"][0] in RAW_TEX:
            tex = node["c"][1]
            found.append(Problem(
                chapter.shown, _line(chapter, tex),
                f"raw TeX '{_shown(tex)}' is not shown in any edition; write it as Markdown, or as math "
                "between $ signs (escape a literal backslash as \\\\)"))
    return found


def _bad_formula(chapter, tex: str, reason: str) -> Problem:
    return Problem(chapter.shown, _line(chapter, tex, math=True),
                   f"formula '{_shown(tex)}' cannot be typeset: {reason}; correct its TeX (braces, "
                   "\\begin/\\end, commands of LaTeX math), or escape a dollar sign meant as money as \\$")


def pandoc_problems(messages: list[str], chapter) -> list[Problem]:
    """pandoc's warnings about formulas its own TeX reader cannot read (for MathML), at their lines."""
    found = []
    for match in map(PANDOC_MATH.match, messages):
        if match:
            why = [line.strip() for line in (match.group(2) or "").split("\n") if line.startswith("unexpected")]
            found.append(_bad_formula(chapter, match.group(1), why[0] if why else "pandoc cannot read it as TeX"))
    return found


_MATH = re.compile(r"<math\b([^>]*)>(.*?)</math>", re.S)
_ANNOTATION = re.compile(r'<annotation encoding="application/x-tex">(.*?)</annotation>', re.S)


def alttext(body: str) -> str:
    """Each MathML ``<math>`` with its TeX (pandoc's annotation) as ``alttext``: what a reader hears."""
    if "<math" not in body:
        return body

    def repl(match: re.Match) -> str:
        attrs, inner = match.groups()
        found = _ANNOTATION.search(inner)
        if found is None or "alttext=" in attrs:
            return match.group(0)
        tex = html.escape(html.unescape(found.group(1)).strip(), quote=True)
        return f'<math{attrs} alttext="{tex}">{inner}</math>'

    return _MATH.sub(repl, body)


def tex_of(math_element: str) -> tuple[str, bool] | None:
    """The TeX of a serialised ``<math>`` element (its annotation) and whether it is displayed."""
    found = _ANNOTATION.search(math_element)
    if found is None:
        return None
    return html.unescape(found.group(1)).strip(), 'display="block"' in math_element.split(">", 1)[0]


MATH_ELEMENT = _MATH
