"""Page numbers that tell the truth: printed references, the outline, the title page.

A page reference in print is a link whose text is its number (WeasyPrint
makes every ``<a href="#id">`` a link annotation over its text): the
number printed must be the printed folio (/PageLabels) of the page the
link goes to. In the front matter (the contents) a link's text ends in its
number, after the entry's title and leaders; elsewhere (index, chronology,
bibliography, cross-references) a page reference's text is the number
alone, a range, or "p. 7" / "pp. 7–9". Links whose text is anything else
(a cited author, a chapter's title) print no page number and are not read.
"""

from __future__ import annotations

import re

from ..manuscript import normalise
from .issue import Issue
from .blocks import TextBlock
from .pages import Document, Page

NUMBER = r"(?:\d+|[ivxlcdm]+)"
RANGE = rf"(?<!\w){NUMBER}(?:\s*[\u2013\u2014-]\s*{NUMBER})?"
# A page reference's whole text, outside the contents: "12", "12–14", "p. 7", "pp. 7–9".
# The abbreviations of "page" the locales use (en "p."/"pp.", es "pág."/"págs.", de "S.").
PAGE_WORD = r"(?:pp?|p[áa]gs?|S|s)\."
REFERENCE = re.compile(rf"^(?:{PAGE_WORD}\s*)?({RANGE})[.,;)]?$")
# A contents entry's number: after leaders, or after a space when set flush right.
AFTER_LEADERS = re.compile(rf"(?:[.\u2026·]\s*){{2,}}({NUMBER})$")
AFTER_SPACE = re.compile(rf"\s({NUMBER})$")
LEADERS = re.compile(r"(?:\s*[.\u2026·]\s*){2,}$")


def page_references(document: Document, block: TextBlock):
    """Each page number printed in a link: (page, the page it goes to, the number, the entry).

    Outside the front matter a bare number larger than the book's last
    folio is not a page number (a year linked to the bibliography).
    """
    front_end = document.body_start()
    last = max((int(p.label) for p in document.pages if p.label.isdigit()), default=len(document.pages))
    for page in document.pages:
        for link in page.links:
            if link.dest is None or not 0 <= link.dest < len(document.pages):
                continue
            printed, entry = _printed(link, page.index < front_end, block.block(page.recto))
            if printed is None and page.index < front_end:
                printed, entry = _beside(link, page), LEADERS.sub("", link.text).strip(" .\u2026·")[-60:]
            if printed is None or (page.index >= front_end and printed.isdigit() and int(printed) > last):
                continue
            yield page, document.pages[link.dest], printed, entry


def printed_numbers(document: Document, block: TextBlock) -> list[Issue]:
    """Every page number printed in a link equals the folio of the page it goes to."""
    wrong: dict[tuple, str] = {}
    for page, target, printed, entry in page_references(document, block):
        if printed != target.label:
            # One link is several annotations (its block, each of its lines): one finding.
            key = (page.number, printed, target.number, target.label)
            if len(entry) > len(wrong.get(key, "")) or key not in wrong:
                wrong[key] = entry
    issues = []
    for (number, printed, target_number, label), entry in sorted(wrong.items()):
        what = f"'{entry}' gives" if entry else "a page reference gives"
        issues.append(Issue("page-number", f"{what} {printed}, but its link goes to p. {label} "
                                           f"(page {target_number} of the file)", number))
    return issues


def _printed(link, front: bool, text_block) -> tuple[str | None, str]:
    """The page number a link prints, and the entry it belongs to (a contents title)."""
    text = link.text.strip()
    if not front:
        match = REFERENCE.match(text)
        return (re.split(r"\s*[\u2013\u2014-]\s*", match[1])[0], "") if match else (None, "")
    match = AFTER_LEADERS.search(text)
    if match is None and link.end >= text_block.right - 3.0:
        # A number column without leaders (a number at the left is the entry's own: "2.1").
        match = REFERENCE.match(text) or AFTER_SPACE.search(text)
    if match is None:
        return None, ""
    number = re.split(r"\s*[\u2013\u2014-]\s*", match[1])[0]
    head = LEADERS.sub("", text[:match.start(1)]).strip(" .\u2026")
    return number, head[-60:]


def _beside(link, page: Page) -> str | None:
    """A contents number set outside its entry's link: the rest of the link's last line."""
    for line in page.lines:
        box = line.box
        if box.bottom > link.box.top or box.top < link.box.bottom or box.bottom < link.box.bottom - 1.0:
            continue
        rest = "".join(c.text for c in line.chars if c.box.left >= link.box.right - 0.5).strip()
        match = re.fullmatch(rf"(?:[.\u2026·]\s*)*({NUMBER})", rest)
        if rest and match:
            return match[1]
    return None


def outline(document: Document, block: TextBlock, unprinted: frozenset[str] = frozenset()) -> list[Issue]:
    """Every bookmark goes to the page its heading is on (in the text block, not a running head).

    ``unprinted``: the titles of units that print none (a dedication, an
    epigraph, press.gates.text.unprinted_titles): their bookmarks go to a page with text.
    """
    texts = [normalise(" ".join(line.text for line in p.text_in(block.block(p.recto))))
             for p in document.pages]
    issues = []
    for _level, title, index in document.outline:
        if index is None or not (0 <= index < len(texts)):
            issues.append(Issue("outline", f"the bookmark '{title}' goes to no page"))
            continue
        wanted = _heading_keys(title)
        if any(key in texts[index] for key in wanted) or (" ".join(title.split()) in unprinted and texts[index]):
            continue
        found = next((p for p, text in enumerate(texts) if any(key in text for key in wanted)), None)
        page = document.pages[index]
        where = (f"its heading is on p. {document.pages[found].label} (page {found + 1})" if found is not None
                 else "its heading is on no page")
        issues.append(Issue("outline", f"the bookmark '{title}' goes to p. {page.label}, but {where}",
                            page.number))
    return issues


def _heading_keys(title: str) -> list[str]:
    """The bookmark's label as the page may print it: whole, or without its number ("2.1", "Part I.")."""
    keys = [normalise(title)]
    bare = re.sub(r"^\s*(?:[\w]+\s+)?[\dIVXLCDM]+(?:\.\d+)*\.?\s+", "", title)
    if bare != title and normalise(bare):
        keys.append(normalise(bare))
    return [k for k in keys if k]


def title_on_recto(document: Document, block: TextBlock, title: str, authors: tuple[str, ...]) -> list[Issue]:
    """The title page is a recto.

    The title page is the front-matter page that sets the book's title
    largest (the half-title sets it smaller, the copyright page smaller
    still); with equal sizes, the one that also names an author.
    """
    key = normalise(title)
    names = [normalise(a) for a in authors]
    candidates = []
    for page in document.pages[:max(1, document.body_start())]:
        lines = page.text_in(block.block(page.recto), tolerance=6.0) or page.lines
        text = normalise(" ".join(line.text for line in lines))
        if key and key in text:
            size = max((c.size for line in lines for c in line.chars if not c.text.isspace()), default=0.0)
            candidates.append((round(size, 1), any(n and n in text for n in names), -page.index, page))
    if not candidates:
        return [Issue("title-page", f"no page of the front matter prints the title '{title}'")]
    page = max(candidates, key=lambda c: c[:3])[3]
    if page.recto:
        return []
    return [Issue("title-page", f"the title page is a verso (p. {page.label}, page {page.number} of the "
                                "file): it must be a recto, after the half-title and its verso", page.number)]


def even_page_count(count: int) -> list[Issue]:
    if count % 2 == 0:
        return []
    return [Issue("page-count", f"the press PDF has {count} pages, an odd number: a printed sheet has two "
                                "sides; "
                                "add a blank page at the end", count)]


