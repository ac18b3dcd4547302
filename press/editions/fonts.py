"""The fonts an edition ships: the book typeface, and the monospaced face only for code.

styles/fonts/ holds the book typeface (Gentium Book Plus) and the
monospaced face of code (DejaVu Sans Mono, issue 17), about 1 MB of the
latter in three files. An edition whose book has no code, no code block
and no inline code, does not need it: the web edition then copies neither
its files nor its licence, and its fonts.css leaves out the
``@font-face`` rules that would name files not there (the EPUB does the
same: press/editions/epub.py). base.css still names the face first for
``code``, falling back to ``monospace``, which a book with no code never
uses.
"""

from __future__ import annotations

import re
from pathlib import Path

# The monospaced face (styles/fonts.css): its files, and its @font-face rules.
MONO_FONT = re.compile(r"DejaVu")
MONO_FACE = re.compile(r"@font-face \{[^}]*DejaVuSansMono[^}]*\}\n?")


def has_code(units_html: list[str]) -> bool:
    """Whether any unit shows code, a block or inline (pandoc writes both as ``<code``)."""
    return any("<code" in html for html in units_html)


def shipped(fonts: list[Path], code: bool) -> list[Path]:
    """The files of styles/fonts/ an edition ships: the monospaced face's only with code."""
    return [p for p in fonts if code or not MONO_FONT.match(p.name)]


def font_faces(css: str, code: bool) -> str:
    """fonts.css as shipped: without the monospaced face's rules when there is no code."""
    return css if code else MONO_FACE.sub("", css)
