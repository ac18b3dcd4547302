"""The print PDF: fonts, tags, language, outline, page labels, metadata, text,
and nothing printed outside the text block.

Fonts are read with poppler's ``pdffonts`` (what a prepress check reads),
the document structure with pypdf, the text with poppler's ``pdftotext``,
the glyphs' and images' boxes with PDFium (press.gates.textblock says
where the text block is taken from).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

from ..errors import ToolError
from .manuscript import normalise
from . import Editions, Finding, Result

# A subset font's name starts with six capitals and a plus (ISO 32000-1, 9.6.4).
SUBSET = re.compile(r"^[A-Z]{6}\+")
# Ligature presentation forms (U+FB00-FB06): a ligature glyph whose text is
# the ligature character, not its letters, cannot be searched or read aloud.
LIGATURES = re.compile("[\ufb00-\ufb06]")
# U+FFFD and private-use characters: a glyph with no Unicode text behind it.
UNMAPPED = re.compile("[\ufffd\ue000-\uf8ff]")
ROMAN = re.compile(r"^[ivxlcdm]+$")


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found is None:
        raise ToolError(f"poppler's {tool} is missing: on Debian/Ubuntu run 'apt-get install poppler-utils'")
    return found


def pdf(editions: Editions, title: str = "", authors: tuple[str, ...] = ()) -> Result:
    name = "PDF"
    missing = editions.missing(editions.pdf, name)
    if missing:
        return missing
    shown = editions.relative(editions.pdf)
    result = Result(name, version=_poppler_version())
    fonts = check_fonts(editions, shown, result)
    pages = check_structure(editions, shown, result, title, authors)
    words = check_text(editions, shown, result)
    outside = check_text_block(editions, shown, result)
    result.summary = (f"PDF: {len(result.errors)} problems ({pages} pages, {fonts} fonts, "
                      f"{words} words of the text looked for, {outside} lines, images or drawings "
                      f"outside the text block)")
    return result


def check_fonts(editions: Editions, shown: str, result: Result) -> int:
    """Every font embedded, subset and with a ToUnicode map."""
    done = subprocess.run([poppler("pdffonts"), str(editions.pdf)], capture_output=True, text=True)
    if done.returncode != 0:
        result.findings.append(Finding(shown, None, f"pdffonts cannot read the file: {done.stderr.strip()}"))
        return 0
    rows = done.stdout.splitlines()[2:]  # a heading and a rule
    for row in rows:
        # name, type (may contain spaces), encoding, emb, sub, uni, object, generation
        cells = row.split()
        font, (emb, sub, uni) = cells[0], cells[-5:-2]
        if emb != "yes":
            result.findings.append(Finding(shown, None, f"font {font} is not embedded"))
        elif sub != "yes" or not SUBSET.match(font):
            result.findings.append(Finding(shown, None, f"font {font} is embedded whole, not subset"))
        if uni != "yes":
            result.findings.append(Finding(shown, None, f"font {font} has no ToUnicode map: its text cannot be read"))
    if not rows:
        result.findings.append(Finding(shown, None, "the PDF uses no fonts: its text is missing"))
    return len(rows)


def check_structure(editions: Editions, shown: str, result: Result, title: str,
                    authors: tuple[str, ...]) -> int:
    try:
        import pypdf
    except ImportError:
        raise ToolError("the Python package 'pypdf' is missing: run 'make check' "
                        "(it installs the project with its test extras)") from None
    reader = pypdf.PdfReader(str(editions.pdf))
    catalog = reader.trailer["/Root"]

    def add(message: str, page: int | None = None) -> None:
        result.findings.append(Finding(shown, None, message, page=page))

    # Tagged PDF (ISO 32000-1, 14.8): a structure tree, and MarkInfo /Marked true.
    if "/StructTreeRoot" not in catalog:
        add("not a tagged PDF: no structure tree (/StructTreeRoot)")
    if not (catalog.get("/MarkInfo") or {}).get("/Marked"):
        add("not a tagged PDF: /MarkInfo /Marked is not true")
    if not str(catalog.get("/Lang") or "").strip():
        add("the document language (/Lang in the catalog) is missing")
    outlines = catalog.get("/Outlines")
    if outlines is None or "/First" not in outlines.get_object():
        add("the outline (bookmarks) is missing")
    info = reader.metadata or {}
    plain_title = str(info.get("/Title") or "").strip()
    if not plain_title:
        add("the document title (/Title) is missing from the metadata")
    elif title and normalise(title) not in normalise(plain_title):
        add(f"the document title '{plain_title}' is not the book's title '{title}'")
    author = str(info.get("/Author") or "")
    if not author.strip():
        add("the author (/Author) is missing from the metadata")
    for name in authors:
        if normalise(name) not in normalise(author):
            add(f"the author '{name}' is missing from /Author ('{author}')")
    check_page_labels(reader, add)
    return len(reader.pages)


def check_page_labels(reader, add) -> None:
    """Roman folios for the front matter, then arabic from 1 to the end."""
    if "/PageLabels" not in reader.trailer["/Root"]:
        add("the PDF has no page labels (roman front matter, arabic body)")
        return
    labels = list(reader.page_labels)
    roman = 0
    while roman < len(labels) and ROMAN.match(labels[roman]):
        roman += 1
    arabic = labels[roman:]
    if roman == 0:
        add("the front matter has no roman page labels", page=1)
    if not arabic or arabic != [str(n) for n in range(1, len(arabic) + 1)]:
        wrong = next((i for i, label in enumerate(arabic) if label != str(i + 1)), 0)
        add(f"after the roman front matter the page labels are not 1, 2, 3 … "
            f"(page {roman + wrong + 1} is labelled '{labels[roman + wrong] if arabic else ''}')",
            page=roman + wrong + 1)


def check_text(editions: Editions, shown: str, result: Result) -> int:
    """The text extracts: no unmapped glyphs or ligature characters, and the words of the book."""
    done = subprocess.run([poppler("pdftotext"), "-enc", "UTF-8", str(editions.pdf), "-"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        result.findings.append(Finding(shown, None, f"pdftotext cannot read the file: {done.stderr.strip()}"))
        return 0
    pages = done.stdout.split("\f")
    for number, text in enumerate(pages, 1):
        for pattern, what in ((UNMAPPED, "a glyph with no text (missing glyph or no Unicode mapping)"),
                              (LIGATURES, "a ligature extracted as one character, not its letters")):
            found = pattern.findall(text)
            if found:
                sample = ", ".join(sorted({f"U+{ord(c):04X} {unicodedata.name(c, '')}".strip() for c in found}))
                result.findings.append(Finding(shown, None, f"{len(found)}× {what}: {sample}", page=number))
    if not editions.html.is_dir():
        return 0
    # The words of the book's units on the web, each looked for in the
    # PDF's text read as letters and digits only (so line-end hyphens, line
    # breaks and running heads do not matter; ﬁ and fi are the same).
    from .text import units_text

    haystack = normalise(done.stdout)
    words = sorted({normalise(w) for w in re.findall(r"[^\W\d_]{2,}", units_text(editions.html))} - {""})
    # A word hyphenated across a page turn has the running head and folio between its halves.
    broken = {normalise(m) for m in re.findall(r"([^\W\d_]+)[-\u2010]\s*$", done.stdout, re.M)} - {""}
    lost = [w for w in words if w not in haystack
            and not any(w.startswith(f) and w[len(f):] in haystack for f in broken if len(f) < len(w))]
    if lost:
        result.findings.append(Finding(shown, None, f"{len(lost)} words of the book are not in the PDF's text "
                                                    f"(missing glyphs or broken ligatures?): "
                                                    + ", ".join(lost[:12])))
    return len(words)


def check_text_block(editions: Editions, shown: str, result: Result) -> int:
    """Every glyph and image inside the text block (running heads and folios in their margins)."""
    from .preflight.blocks import book_text_block
    from .textblock import check, read

    found, total = check(read(editions.pdf), book_text_block(editions.root), shown)
    result.findings += found
    return total


def _poppler_version() -> str:
    done = subprocess.run([poppler("pdffonts"), "-v"], capture_output=True, text=True)
    match = re.search(r"version ([\d.]+)", done.stderr + done.stdout)
    return f"poppler {match[1]}" if match else "poppler"
