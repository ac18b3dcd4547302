"""Preflight: the finished pages read as a production editor reads them.

Not whether the files are valid (EPUBCheck, the Nu checker and the PDF
checker say that) but whether the book tells the truth and is made up as
a book: the printed page numbers and the outline (``folios``), the title
page on a recto and the press file's even page count, headings and
dates kept with their text, page references and hyphens (``makeup``), no source markup in any
edition (``markup``), one ISBN per format (``isbn``). Each finding names
the file and page (and the source ``path:line`` that holds its text, when
one does). Nothing outside the text block or cut at the trim is the PDF
checker's finding (press/gates/textblock.py), not repeated here.

Severity, per class (``SEVERITY``): what misleads a reader or a printer
is an error (a wrong page number, a bookmark to the wrong page, a title
page on a verso, an odd press page count, a heading or date alone at a
page foot, a "p. 7" or a
contents number alone on a line, source markup, an ISBN given for two
formats); what a designer weighs against the paragraph is a warning
(hyphen ladders, a word hyphenated across a page turn, an index line of
page numbers only, which is an ordinary turnover line in an index).
"""

from __future__ import annotations

import time
from .. import Editions, Finding, Result
from .issue import Issue

SEVERITY = {
    "page-number": "error",
    "outline": "error",
    "title-page": "error",
    "page-count": "error",
    "page-foot": "error",
    "page-reference": "error",
    "markup": "error",
    "isbn": "error",
    "hyphen-ladder": "warning",
    "page-turn": "warning",
    "locator-line": "warning",
}


def preflight(editions: Editions, title: str = "", authors: tuple[str, ...] = ()) -> Result:
    from . import folios, isbn, makeup, markup
    from .blocks import book_text_block
    from .pages import page_count, read
    from ..text import unprinted_titles

    name = "preflight"
    missing = editions.missing(editions.pdf, name)
    if missing:
        return missing
    started = time.perf_counter()
    shown = editions.relative(editions.pdf)
    document = read(editions.pdf)
    block = book_text_block(editions.root)
    unprinted = frozenset(unprinted_titles(editions.html)) if editions.html.is_dir() else frozenset()
    issues = (folios.printed_numbers(document, block) + folios.outline(document, block, unprinted)
              + folios.title_on_recto(document, block, title, authors)
              + makeup.alone_at_foot(document, block)
              + makeup.page_reference_lines(document, block) + makeup.hyphenation(document, block)
              + markup.in_pdf(document, shown))
    ledger = isbn.Ledger()
    isbn.from_pdf(document, ledger, shown)
    press = editions.out / f"{editions.slug}-press.pdf"
    if press.is_file():
        issues += [_on(i, editions.relative(press)) for i in folios.even_page_count(page_count(press))]
    cover = editions.out / f"{editions.slug}-cover.pdf"
    if cover.is_file():
        isbn.from_cover(read(cover), ledger, editions.relative(cover))
    if editions.epub.is_file():
        issues += markup.in_epub(editions.epub, editions.relative(editions.epub))
        isbn.from_epub(editions.epub, ledger, editions.relative(editions.epub))
    if editions.html.is_dir():
        issues += markup.in_web(editions.html, editions.out)
        isbn.from_web(editions.html, ledger, editions.out)
    data_files = [p for suffix in ("csv", "json")
                  for p in sorted(editions.out.glob(f"{editions.slug}*.{suffix}"))]
    for data in data_files:
        issues += markup.in_data(data, editions.relative(data))
    issues += ledger.issues(shown)
    result = Result(name, findings=findings(issues, shown, markup.Sources(editions.root)))
    counts = {s: sum(f.severity == s for f in result.findings) for s in ("error", "warning")}
    references = len({(p.index, t.index, n) for p, t, n, _ in folios.page_references(document, block)})
    result.summary = (f"preflight: {counts['error']} errors, {counts['warning']} warnings "
                      f"({len(document.pages)} pages, {references} printed page numbers, "
                      f"{len(document.outline)} bookmarks read in {time.perf_counter() - started:.1f} s)")
    return result


def _on(issue: Issue, path: str) -> Issue:
    return Issue(issue.kind, issue.message, issue.page, path, issue.line, issue.trace)


def findings(issues: list[Issue], shown: str, sources=None) -> list[Finding]:
    """The issues as the check's findings: severity by class, the source line named when found."""
    out, seen = [], set()
    for issue in issues:
        message = f"{issue.kind}: {issue.message}"
        source = sources.locate(issue.trace) if sources is not None and issue.trace else None
        if source:
            message += f" (source: {source})"
        finding = Finding(issue.path or shown, issue.line, message, page=issue.page,
                          severity=SEVERITY.get(issue.kind, "error"))
        if finding not in seen:
            seen.add(finding)
            out.append(finding)
    return out


__all__ = ["Issue", "SEVERITY", "preflight", "findings"]
