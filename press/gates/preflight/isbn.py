"""One ISBN, one format (ISO 2108: each format of a book has its own ISBN).

The ISBNs are read where a reader, a bookseller and a distributor read
them: printed in the PDF's front matter with the format each line names
("ISBN 978-… (print)", "EPUB ISBN 978-…"), the EPUB's own pages, its
``dc:identifier`` (the EPUB's), its ``pageBreakSource`` (the print
edition whose pages it marks), and the cover's barcode (the printed book's).
An ISBN given for two formats is an error; an ISBN printed without a
format names none and is only counted where the artefact itself says
which format it is.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .issue import Issue

# ISBN-13 (978/979 and ten more digits) or ISBN-10, with hyphens or spaces between the groups.
SEP = r"[\s\u2010\u2011-]?"
ISBN = re.compile(rf"(?<![\d-])(97[89](?:{SEP}\d){{10}}|\d(?:{SEP}\d){{8}}{SEP}[\dX])(?![\d])")
# The words a copyright page uses for a format, and the format each names.
FORMATS = [
    ("print", r"print|paperback|hardback|hardcover|softcover|paper|pbk|hbk|impres[oa]|rústica|tapa"),
    ("PDF", r"pdf"),
    ("EPUB", r"epub|e-?book|ebook"),
]
# An EPUB's pageBreakSource names the paged edition its page numbers come
# from: the print edition's ISBN, or the PDF's (the same pages); never the EPUB's own.
PAGED = "paged (print or PDF)"
FORMAT_WORDS = [(name, re.compile(rf"(?<![a-z])(?:{words})(?![a-z])", re.I)) for name, words in FORMATS]


def digits(isbn: str) -> str:
    return re.sub(r"[^\dX]", "", isbn.upper())


def labelled(text: str) -> list[tuple[str, str | None]]:
    """Each ISBN in ``text`` with the format its line names next to it (or None)."""
    found = []
    for line in text.split("\n"):
        matches = list(ISBN.finditer(line))
        for k, match in enumerate(matches):
            start = matches[k - 1].end() if k else 0
            end = matches[k + 1].start() if k + 1 < len(matches) else len(line)
            found.append((digits(match[1]), _nearest_format(line[start:end], match.start() - start)))
    return found


def _nearest_format(segment: str, at: int) -> str | None:
    best = None
    for name, pattern in FORMAT_WORDS:
        for word in pattern.finditer(segment):
            distance = abs(word.start() - at)
            if best is None or distance < best[0]:
                best = (distance, name)
    return best[1] if best else None


def _conflict(formats: set[str]) -> bool:
    distinct = formats - {PAGED}
    if PAGED in formats and "EPUB" in distinct:
        return True
    return len(distinct) > 1


class Ledger:
    """Which formats each ISBN is given for, and where."""

    def __init__(self) -> None:
        self.uses: dict[str, dict[str, str]] = {}

    def add(self, isbn: str, fmt: str | None, where: str) -> None:
        if fmt:
            self.uses.setdefault(digits(isbn), {}).setdefault(fmt, where)

    def issues(self, shown: str) -> list[Issue]:
        out = []
        for isbn, formats in sorted(self.uses.items()):
            if _conflict(set(formats)):
                given = "; ".join(f"{fmt} ({where})" for fmt, where in sorted(formats.items()))
                out.append(Issue("isbn", f"ISBN {isbn} is given for {len(formats)} formats: {given}; "
                                         "each format needs its own ISBN", path=shown))
        return out


def from_pdf(document, ledger: Ledger, shown: str) -> None:
    """The ISBNs printed in the front matter, with the formats their lines name."""
    for page in document.pages[:max(1, document.body_start())]:
        text = "\n".join(line.text for line in page.lines)
        for isbn, fmt in labelled(text):
            ledger.add(isbn, fmt, f"{shown}, p. {page.label}")


def from_cover(document, ledger: Ledger, shown: str) -> None:
    """The cover's barcode is the printed book's."""
    for page in document.pages:
        for isbn, _fmt in labelled("\n".join(line.text for line in page.lines)):
            ledger.add(isbn, "print", f"the barcode on {shown}")


def from_epub(path: Path, ledger: Ledger, shown: str) -> None:
    from lxml import etree, html

    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        opf_name = _opf(archive)
        if opf_name:
            opf = etree.fromstring(archive.read(opf_name))
            unique = opf.get("unique-identifier")
            for element in opf.iter("{http://purl.org/dc/elements/1.1/}identifier"):
                if element.get("id") == unique or unique is None:
                    for isbn, _ in labelled(element.text or ""):
                        ledger.add(isbn, "EPUB", f"{shown}: dc:identifier")
            for meta in opf.iter("{http://www.idpf.org/2007/opf}meta"):
                if meta.get("property") == "pageBreakSource":
                    for isbn, _ in labelled(meta.text or ""):
                        ledger.add(isbn, PAGED, f"{shown}: pageBreakSource, the edition whose pages it marks")
        for name in sorted(n for n in names if n.endswith((".xhtml", ".html"))):
            text = html.document_fromstring(archive.read(name)).text_content()
            for isbn, fmt in labelled(text):
                ledger.add(isbn, fmt, f"{shown}/{name}")


def _opf(archive: zipfile.ZipFile) -> str | None:
    from lxml import etree

    try:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
    except KeyError:
        return None
    rootfile = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile")
    return rootfile.get("full-path") if rootfile is not None else None


def from_web(folder: Path, ledger: Ledger, out: Path) -> None:
    from lxml import html

    for page in sorted(folder.glob("*.html")):
        text = html.document_fromstring(page.read_bytes()).text_content()
        for isbn, fmt in labelled(text):
            ledger.add(isbn, fmt, page.relative_to(out).as_posix())
