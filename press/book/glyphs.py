"""Missing glyphs: every character the book prints, checked against the fonts it ships (issue 19).

An edition sets its text in the fonts of ``styles/fonts/`` (the book face,
Gentium Book Plus, and the face of code, DejaVu Sans Mono), and in the
fallback faces the book names in book.yaml (``fonts: fallback:``, files of
its own ``styles/fonts/``). A character none of them has is set in whatever
font the reader's machine or WeasyPrint's fontconfig happens to find, or as
an empty box: the PDF then embeds a face nobody chose, and the EPUB and the
web edition look different on every reader. Such a character is a finding
at its ``path:line`` with its Unicode name (an error under ``--strict``).

What is checked is what the editions print: the text of every unit's AST
(its words in the book face, its code in the face of code, formulas left to
the math font), every phrase of book.yaml, the front matter, the index
vocabulary and the emendations (press.book.phrases), and the bibliography
as citeproc formats it. Format characters (joiners, soft hyphens, bidi
marks, variation selectors), which no font draws, are not.

The faces are those fonts.css names (the book's own fonts.css, if it has
one) and the declared fallbacks: a file of styles/fonts/ that no rule names
is never used. A face is one of code when its ``post`` table says it is
fixed-pitch; a declared fallback serves both. The cmaps are read with fontTools, lazily
(about 10 ms a face).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .ast import iter_nodes
from .phrases import words_of
from ..errors import ContentError, Problem
from ..source.config import Paths, load_yaml

FONT_SUFFIXES = (".ttf", ".otf")
SHOWN_PER_FILE = 8  # distinct characters named one by one in a file; the rest in one finding
_TAGS = re.compile(r"<[^>]*>")
_FONT_URL = re.compile(r"url\(\s*['\"]?(?:\./)?fonts/([^'\")]+)")  # the faces fonts.css names
# No font draws these: format characters, variation selectors, the combining grapheme joiner.
_UNDRAWN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}


def _undrawn(char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char) in _UNDRAWN_CATEGORIES or 0xFE00 <= code <= 0xFE0F
            or 0xE0100 <= code <= 0xE01EF or code == 0x034F)


@dataclass(frozen=True)
class Face:
    path: Path
    family: str
    fixed_pitch: bool
    chars: frozenset[int]


def read_face(path: Path) -> Face:
    """A font file's family (the typographic family, else the family), pitch and characters."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(str(path), lazy=True)
        names = font["name"]
        family = next((str(n) for n in (names.getName(16, 3, 1, 0x409), names.getName(1, 3, 1, 0x409),
                                        names.getDebugName(16), names.getDebugName(1)) if n), path.stem)
        fixed = bool(font["post"].isFixedPitch) if "post" in font else False
        chars = frozenset(font.getBestCmap() or {})
    except (TTLibError, KeyError, OSError, AssertionError, ValueError, TypeError) as exc:
        raise ContentError([Problem(str(path.name), None, f"the font cannot be read ({exc}); replace the file "
                                                          "with a TrueType or OpenType font")]) from None
    return Face(path, family, fixed, chars)


def fallback_files(paths: Paths, config) -> list[Path]:
    """The fallback faces book.yaml names, each a file of the book's own styles/fonts/."""
    found, problems = [], []
    own = paths.root / "styles" / "fonts"
    for name in config.fonts.fallback:
        path = own / name
        if not path.is_file():
            problems.append(Problem(paths.show(paths.book_yaml), _line(paths, ("fonts", "fallback")),
                                    f"the fallback font '{name}' is not in the book's styles/fonts/ "
                                    f"({paths.show(own)}); put the font file there, or remove it from the list"))
        else:
            found.append(path)
    if problems:
        raise ContentError(problems)
    return found


def _line(paths: Paths, key: tuple) -> int | None:
    try:
        return load_yaml(paths.book_yaml, paths.show(paths.book_yaml)).line_of(key)
    except ContentError:
        return None


class Coverage:
    """What the book's fonts can set: the characters of its text faces, of its faces of code, of its fallbacks."""

    def __init__(self, paths: Paths, config):
        fallbacks = {p.resolve() for p in fallback_files(paths, config)}
        used = set(_FONT_URL.findall(paths.style("fonts.css").read_text("utf-8")))
        faces = [read_face(p) for p in paths.styles_in("fonts")
                 if p.suffix.lower() in FONT_SUFFIXES and (p.name in used or p.resolve() in fallbacks)]
        self.fallbacks = [f for f in faces if f.path.resolve() in fallbacks]
        extra = frozenset().union(*(f.chars for f in self.fallbacks))
        text = [f for f in faces if not f.fixed_pitch and f not in self.fallbacks]
        code = [f for f in faces if f.fixed_pitch and f not in self.fallbacks]
        self.text = frozenset().union(*(f.chars for f in text)) | extra
        self.code = frozenset().union(*(f.chars for f in code)) | extra
        self.text_families = _families(text)
        self.code_families = _families(code)

    def lacks(self, chars: set[str], code: bool = False) -> set[str]:
        have = self.code if code else self.text
        return {c for c in chars if ord(c) not in have and not _undrawn(c)}


def _families(faces: list[Face]) -> str:
    return ", ".join(dict.fromkeys(f.family for f in faces)) or "none"


def check(paths: Paths, book, phrases: list[tuple[str, str, int | None]], bibliography: list[str]) -> list[Problem]:
    """Every character the book prints that none of its fonts has: a finding at its first line in each file.

    ``phrases``: (text, file, line) for book.yaml, the front matter, the index
    vocabulary and the emendations (press.book.phrases.book_phrases);
    ``bibliography``: the formatted entries' HTML.
    """
    coverage = Coverage(paths, book.config)
    found: dict[tuple[str, bool], dict[str, int | None]] = {}  # (file, code) -> char -> first line

    def add(shown: str, code: bool, chars: set[str], line_of) -> None:
        missing = coverage.lacks(chars, code)
        if missing:
            seen = found.setdefault((shown, code), {})
            for char in sorted(missing, key=lambda c: (line_of(c) or 0, c)):
                seen.setdefault(char, line_of(char))

    for text, shown, line in phrases:
        add(shown, False, set(text), lambda c, line=line: line)
    for unit in book.units:
        chapter = unit.chapter
        chars = set(chapter.body)
        if not (coverage.lacks(chars) or coverage.lacks(chars, code=True)):
            continue  # the common case: one pass over the text in C, no walk of the tree
        for code, found_in in enumerate(_printed(unit.ast)):
            add(chapter.shown, bool(code), set(found_in),
                lambda c, ch=chapter, found_in=found_in: _line_in(ch, found_in[c], c))
    if bibliography and book.library is not None:
        printed = set(_TAGS.sub("", "".join(bibliography)))
        source = paths.content / book.config.bibliography.references
        add(book.library.shown, False, printed, _first_line(source))
    for path in _own_locales(paths, book.config.language):  # the toolchain's own words are tested to be covered
        add(paths.show(path), False, set("".join(words_of(dict(book.strings)))), _first_line(path))
    return [problem for (shown, code), chars in found.items() for problem in _findings(shown, code, chars, coverage)]


def _first_line(path: Path):
    """``line_of(char)``: the first line of the file holding the character (None if none does)."""
    lines = path.read_text("utf-8").split("\n") if path.is_file() else []
    return lambda char: next((i for i, text in enumerate(lines, 1) if char in text), None)


def _own_locales(paths: Paths, language: str) -> list[Path]:
    """The book's own locale files for its language (templates/locale/, press.book.locale)."""
    from .locale import language_names

    own = paths.root / "templates" / "locale"
    if own.resolve() == (paths.assets / "templates" / "locale").resolve():
        return []
    return [own / f"{name}.yaml" for name in language_names(language) if (own / f"{name}.yaml").is_file()]


def _printed(ast: dict) -> tuple[dict[str, str], dict[str, str]]:
    """The characters of a unit's words and of its code, each with the first
    text holding it (to find its line); formulas and raw markup are not set in
    the book's fonts."""
    words: dict[str, str] = {}
    code: dict[str, str] = {}
    for node in iter_nodes(ast["blocks"], skip=lambda n: n["t"] in ("Math", "RawInline", "RawBlock")):
        kind = node["t"]
        if kind == "Str":
            text, into = node["c"], words
        elif kind in ("Code", "CodeBlock"):
            text, into = node["c"][1], code
        else:
            continue
        for char in set(text) - into.keys():
            into[char] = text
    return words, code


def _line_in(chapter, text: str, char: str) -> int:
    """The line of ``char`` where ``text`` (a word, a code block) first is in the body; else its first line."""
    at = chapter.body.find(text)
    if at < 0:
        return chapter.line_of(char)
    return chapter.body_line + chapter.body.count("\n", 0, at + text.index(char))


def _findings(shown: str, code: bool, chars: dict[str, int | None], coverage: Coverage) -> list[Problem]:
    faces = f"the fonts of code ({coverage.code_families})" if code else \
        f"the book's fonts ({coverage.text_families})"
    advice = ("the editions would print it in some font of the reader's machine, or as a box; ship a font "
              "that has it in the book's styles/fonts/ and name the file in book.yaml's 'fonts: fallback:'")
    ordered = sorted(chars.items(), key=lambda item: (item[1] or 0, item[0]))
    out = [Problem(shown, line, f"'{char}' ({_name(char)}) is in none of {faces}; {advice}")
           for char, line in ordered[:SHOWN_PER_FILE]]
    rest = ordered[SHOWN_PER_FILE:]
    if rest:
        listed = " ".join(char for char, _ in rest[:20]) + (" …" if len(rest) > 20 else "")
        out.append(Problem(shown, rest[0][1], f"{len(rest)} more characters are in none of {faces} ({listed}); "
                                              "the same applies to them"))
    return out


def _name(char: str) -> str:
    return f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}"


def check_book(paths: Paths, book, chapters: list, sections: list) -> list[Problem]:
    """``check`` for a collected book: its phrases with their lines, and the bibliography the apparatus formatted."""
    from .phrases import book_phrases

    shown = paths.show(paths.book_yaml)
    located = load_yaml(paths.book_yaml, shown)
    phrases = book_phrases(book.config, chapters, book.vocabulary, book.emendations, shown,
                           book.emendation_intro, located.line_of)
    entries = [reference.html for section in sections if section.kind == "bibliography" and section.model
               for _, references in section.model.groups for reference in references]
    return check(paths, book, phrases, entries)
