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


def font_faces(css: str, code: bool, fallback: str = "") -> str:
    """fonts.css as shipped: without the monospaced face's rules when there is
    no code, with the book's fallback faces (``fallback_css``) after it."""
    return (css if code else MONO_FACE.sub("", css)) + fallback


# --- the book's fallback faces (issue 19, press/book/glyphs.py) -------------------------

# The font stacks the fallbacks join (the stylesheet is the book's own if it
# has one): base.css's book face and code's for the pages, cover.css's for the covers.
_STACKS = {
    "base.css": {":root": re.compile(r"(?m)^html\s*\{[^}]*?font-family:\s*([^;}]+)"),
                 ":root code, :root pre, :root kbd, :root samp":
                     re.compile(r"(?m)^code, pre[^{]*\{[^}]*?font-family:\s*([^;}]+)")},
    "cover.css": {":root body": re.compile(r"(?m)^body\s*\{[^}]*?font-family:\s*([^;}]+)")},
}


def fallback_css(paths, config, sheet: str = "base.css") -> str:
    """CSS for the fallback faces book.yaml names: their ``@font-face`` rules,
    and the font stacks of base.css with them added after the first face,
    so that a character the book face (or code's) lacks is taken from them.
    Empty when the book names none. ``url(fonts/…)`` is relative to fonts.css.
    ``sheet``: whose stacks (base.css for the pages, cover.css for the covers)."""
    from ..book.glyphs import fallback_files, read_face

    faces = [read_face(path) for path in fallback_files(paths, config)]
    if not faces:
        return ""
    rules = [f'@font-face {{ font-family: "{_quoted(f.family)}"; src: url(fonts/{f.path.name}); }}' for f in faces]
    base = paths.style(sheet).read_text("utf-8")
    names = [f'"{_quoted(f.family)}"' for f in faces]
    for selector, pattern in _STACKS[sheet].items():
        match = pattern.search(base)
        stack = [s.strip() for s in match.group(1).split(",")] if match else ["serif"]
        # Right after the face the book is set in: its stand-ins (Georgia) lack what it lacks.
        rules.append(f"{selector} {{ font-family: {', '.join(stack[:1] + names + stack[1:])}; }}")
    return "\n".join(rules) + "\n"


def _quoted(family: str) -> str:
    return family.replace("\\", "").replace('"', "")
