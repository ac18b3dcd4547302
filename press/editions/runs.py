"""Runs of units: the print body cut at unit boundaries, each run laid out
by its own worker, its folios set once the runs before it are counted.

Takes the body's print HTML (press/editions/pdf.py) and the number of
workers; gives the runs' HTML (``split``), and, in each worker, the margin
boxes (running heads and folios) of a laid-out run made after the fact
(``DeferredMargins``), from the page number its first page turns out to have.

Why the pages are the same as one document's: every unit begins on a recto
(print.css), so a run's first page is a recto whatever comes before it, and
nothing in a unit's text block depends on the pages before it but its
folios, which are only drawn in the margin boxes; WeasyPrint makes those
after the whole document is laid out (``layout_document``), from each page's
counters. A run is laid out with its page counter from 1, its margin boxes
held back; once the page counts before it are known, each page's counter is
moved by the run's offset and its margin boxes are made as WeasyPrint would
have made them. A run ends with the next unit's opening tag, empty and
without its id, so that the blank verso before it is made, as in one
document, by WeasyPrint; the stub's own page is dropped, and its counter is
where the next run's pages begin.

What is not the same in runs, and keeps a book in one document
(``single_reason``): a page number in the text (``target-counter()``: a
cross-reference's page), the page count (``counter(pages)``), or a unit that
does not begin on a page of its own.
"""

from __future__ import annotations

import copy
import re
from contextlib import contextmanager
from dataclasses import dataclass, field

# The body's units and parts, each opening a line of print/book.html.j2.
UNIT_START = re.compile(r'(?m)^<(article|section) class="(?:unit|part)\b[^"]*"[^>]*>')
RUNS_FROM = 300_000  # characters of print HTML (the real book's body: 100,835) from which runs are the default
MAX_RUNS = 4  # workers: one a core, up to this; each parses the styles and loads the fonts again
# Characters of print HTML a run holds at most, about (the 20x book's 2 million: 16 runs): an edit
# lays out its run again, and every run is a piece of the PDF with font subsets of its own. 20x book,
# 12-04, all editions, clean / after one chapter's edit: 250,000 (8 runs) 44.2-44.4 s / 9.5-9.6 s;
# 125,000 (16) 41.8-44.6 s / 8.3-9.2 s, the PDF 2.6 % larger; 80,000 (25) 43.0 s / 8.6-8.8 s.
RUN_LENGTH = 125_000
# The back matter's first folio (print/back.html.j2), which only its first run keeps.
FIRST_PAGE_RESET = re.compile(r"@page :first \{ counter-reset: page \d+; \}")
PAGE_DEPENDENT = ("target-counter", "target-counters", "target-text", "counter(pages", "counters(pages")


@dataclass
class Run:
    """One run's HTML and where it sits among the body's units."""

    html: str
    units: list[str]  # the ids of its units and parts
    stub: bool  # it ends with the next run's first unit as an empty stub, whose page is dropped


def single_reason(html: str, styles: str) -> str:
    """Why this body must be laid out as one document, or "".

    A rule for ``[data-page]`` (print.css: a cross-reference's page) is
    left to the HTML: it cites a page only where the text has one."""
    styles = re.sub(r"[^{}]*\[data-page\][^{}]*\{[^{}]*\}", "", styles)
    found = next((word for word in PAGE_DEPENDENT if word in styles), None)
    if found:
        return f"the styles use {found}"
    counted = {name for name in re.findall(r"counter-(?:increment|set)\s*:\s*([-\w]+)", styles)} - {"page", "footnote", "none"}
    if counted:  # a counter that may run on from one unit into the next (a unit's own are reset: print.css)
        return f"the styles count {', '.join(sorted(counted))} across the body"
    if re.search(r"<a\b[^>]*\sdata-page=", html):
        return "the text cites page numbers (a cross-reference's page)"
    return ""


def split(html: str, runs: int, start_id: str | None) -> list[Run]:
    """The body cut into at most ``runs`` runs of about as many units each, at unit boundaries;
    the paged back matter (``start_id`` None) into runs of about equal length.

    By units, not length: an edit that lengthens a unit moves no boundary, so
    the other runs' HTML is the same and an earlier build's pages of them are
    kept (press.editions.piececache); and the cuts are the sources' alone,
    whatever was built before (the same sources give the same PDF).

    A run begins with a unit after the start of text (the units before it
    take their folios from the front matter's count) and before the paged
    back matter (laid out again once the body is counted). With
    ``start_id`` None, ``html`` is that back matter (print/back.html.j2),
    cut before any of its sections but the first; the runs after the first
    lose its ``@page :first`` counter reset (their folios go on from the
    run before them).
    The units of the other runs stay in each run as empty shells without
    ids, not displayed, so that a selector that looks at a unit's siblings
    (``.part ~ .kind-chapter``, ``:first-child``) matches as in one
    document; the next run's first shell is displayed, for the blank verso
    before it (its own page is dropped).
    """
    head, found, rest = html.partition('<main class="body-matter">')
    if not found or runs < 2:
        return [Run(html, [], False)]
    body, _, tail = rest.rpartition("</main>")
    starts = list(UNIT_START.finditer(body))
    if not starts or body[:starts[0].start()].strip():
        return [Run(html, [], False)]
    ids = [_ident(match.group(0)) for match in starts]
    bounds = [m.start() for m in starts] + [len(body)]
    lengths = [bounds[i + 1] - bounds[i] for i in range(len(starts))]
    if start_id is None:  # the paged back matter, laid out with the body's numbers
        start, paged = 0, len(ids)
    else:
        start = ids.index(start_id) if start_id in ids else len(ids)
        paged = next((i for i, m in enumerate(starts) if " paged " in f" {_classes(m.group(0))} "), len(ids))
    if start_id is not None:
        lengths = [1] * len(ids)  # the body's runs: by units
    cuts, total, done = [], sum(lengths), 0
    for index in range(len(ids)):
        if start < index < paged and done >= total * (len(cuts) + 1) / runs and len(cuts) < runs - 1:
            cuts.append(index)
        done += lengths[index]
    if not cuts:
        return [Run(html, ids, False)]
    edges = [0] + cuts + [len(ids)]
    out = []
    for a, b in zip(edges, edges[1:]):
        before = "".join(_shell(match, hidden=True) for match in starts[:a])
        after = "".join(_shell(match, hidden=k > b) for k, match in enumerate(starts[b:], start=b))
        top = FIRST_PAGE_RESET.sub("", head) if start_id is None and a else head
        text = (top + '<main class="body-matter">' + body[:bounds[0]] + before + body[bounds[a]:bounds[b]]
                + after + "</main>" + tail)
        out.append(Run(text, ids[a:b], b < len(ids)))
    return out


def _shell(match, hidden: bool) -> str:
    """A unit's opening tag without its id, and its closing tag: not displayed, or displayed empty."""
    tag = re.sub(r'\sid="[^"]*"', "", match.group(0))
    if hidden:
        tag = tag[:-1] + ' style="display: none">'
    return f"{tag}</{match.group(1)}>\n"


def _ident(tag: str) -> str:
    match = re.search(r'\sid="([^"]*)"', tag)
    return match.group(1) if match else ""


def _classes(tag: str) -> str:
    match = re.search(r'class="([^"]*)"', tag)
    return match.group(1) if match else ""


@dataclass
class DeferredMargins:
    """A run's pages whose margin boxes wait for the run's first page number.

    ``record`` stands in for WeasyPrint's ``make_margin_boxes`` while the run
    is laid out; ``make(offset)`` makes them, each page's ``page`` counter
    moved by ``offset`` up to the first page that sets or resets it (the
    start of text's ``counter-set: page 1``), after which the counter is the
    book's own.
    """

    pages: list = field(default_factory=list)  # (context, page box, page state, counter set here)
    base: list = field(default_factory=list)  # each page's children without margin boxes

    def record(self, context, page, state):
        touched = False
        for name in ("counter_set", "counter_reset"):
            values = page.style[name]
            if isinstance(values, tuple) and any(counter == "page" for counter, _ in values):
                touched = True
        self.pages.append((context, page, state, touched))
        return []

    def counters(self) -> list[tuple[int, bool]]:
        """Each page's ``page`` counter as laid out, and whether the page sets it."""
        return [((state[1].get("page") or [0])[-1], touched) for _, _, state, touched in self.pages]

    def make(self, offset: int, keep: int | None = None) -> None:
        """The margin boxes of the first ``keep`` pages (all by default), their counters moved by ``offset``."""
        from weasyprint.layout.background import layout_backgrounds
        from weasyprint.layout.page import make_margin_boxes

        pages = self.pages if keep is None else self.pages[:keep]
        if not self.base:
            self.base = [tuple(page.children) for _, page, _, _ in self.pages]
        shifting = True
        for index, (context, page, state, touched) in enumerate(pages):
            shifting = shifting and not touched
            state = copy.deepcopy(state)
            if shifting and offset and state[1].get("page"):
                state[1]["page"] = state[1]["page"][:-1] + [state[1]["page"][-1] + offset]
            context.current_page = index + 1
            page.children = self.base[index] + tuple(make_margin_boxes(context, page, state))
            layout_backgrounds(page, context.get_image_from_uri)


def true_counters(counters: list[tuple[int, bool]], offset: int) -> list[int]:
    """The ``page`` counters ``DeferredMargins.make(offset)`` gives each page."""
    out, shifting = [], True
    for value, touched in counters:
        shifting = shifting and not touched
        out.append(value + offset if shifting else value)
    return out


@contextmanager
def margins_deferred(margins: DeferredMargins):
    """WeasyPrint lays out with its margin boxes recorded in ``margins``, not made."""
    import weasyprint.layout as layout

    original = layout.make_margin_boxes
    layout.make_margin_boxes = margins.record
    try:
        yield margins
    finally:
        layout.make_margin_boxes = original


def planned(html: str, styles: str, start_id: str, profile, requested: str | None) -> tuple[list[Run], int]:
    """The runs this body is laid out in, and by how many workers: one, or one a core.

    ``requested``: ``PRESS_PRINT_RUNS`` (a number: 1 lays out one document,
    more force that many workers; unset, a body of ``RUNS_FROM`` characters or
    more is laid out by one worker a core, up to ``MAX_RUNS``). A run holds
    about ``RUN_LENGTH`` characters at most, so that an edit lays out little
    of a long book again (press.editions.piececache). The printer's
    file is one document (its checks read every image on the laid-out
    pages), as is a body whose pages depend on each other (``single_reason``).
    """
    import os

    one = ([Run(html, [], False)], 1)
    if not requested:
        # A short body gains nothing (the real book, 61 pages: 8.9 s against 8.5 s in 2 runs):
        # each run parses the styles again and the pieces are joined. The 20x book (780 pages): 0.7-0.8x.
        if len(html) < RUNS_FROM:
            return one
        count = min(os.cpu_count() or 1, MAX_RUNS)
    elif not requested.isdigit() or int(requested) < 1:
        raise ValueError(f"PRESS_PRINT_RUNS is {requested!r}; give a whole number, 1 or more")
    else:
        count = int(requested)
    if count < 2 or profile.name == "press" or profile.even_pages or single_reason(html, styles):
        return one
    runs = split(html, max(count, -(-len(html) // RUN_LENGTH)), start_id)
    return runs, min(count, len(runs))
