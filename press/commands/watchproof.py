"""``build.py watch --pdf``: a live proof PDF of the whole book beside the preview.

After each good build of the web edition the preview builds the book's proof
PDF (the ``proof`` print profile: paragraph numbers, the proof's stamp) into a
folder beside its own (``.cache/watch-proof`` by default). It is built as
every print PDF is: a long body in runs of units, and the runs that an edit
did not change are kept (``.cache/print/proof``) and not laid out again
(press/editions/runcoordinator.py). The change bars mark every paragraph changed
since the preview started, so that an edit's bars stay on the pages that an
edit elsewhere does not lay out again; the stamp is the one of the preview's
start, for the same reason (a stamp with the minute would change every page).

The server gives the PDF at ``/__watch/proof.pdf`` and a page that shows it,
``/__watch/proof``, opened at the page of the last edit's first changed
paragraph and reloaded when a build finishes.
"""

from __future__ import annotations

import html
import sys
import time
import traceback
from http import HTTPStatus
from pathlib import Path

from ..errors import BookError, Problem
from ..progress import Progress

VIEWER = """<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8"><title>{title}</title>
<style>html,body{{margin:0;height:100%}}iframe{{border:0;width:100%;height:100%}}</style></head>
<body><iframe title="{title}" src="/__watch/proof.pdf?build={generation}#page={page}"></iframe>
</body></html>"""


class LiveProof:
    """The proof PDF of the preview's book, rebuilt after each good build of its web edition."""

    def __init__(self, root: Path, out: Path, session, progress: Progress):
        from ..book.locale import load_strings
        from ..source.config import Paths, load_config
        from .proof import proof_mark

        self.root, self.out, self.session, self.progress = root, out, session, progress
        paths = Paths(root)
        self.language = load_config(paths).language
        self.banner = proof_mark(root).text(load_strings(paths, self.language)["proof"])
        self.first: dict[str, str] | None = None  # each unit's HTML at the first build (the bars are since)
        self.last: dict[str, str] = {}  # and at the last build: where the edit is
        self.file: Path | None = None  # the PDF, once built
        self.page = 1  # the page of the last edit's first changed paragraph (1 for the first page)
        self.seconds = 0.0  # the last build's
        self._warm = False

    def build(self) -> bool:
        """Built again, its warnings and problems said on the terminal; True when a new PDF was made."""
        try:
            warnings = self.rebuild(self.progress)
            if warnings is None:
                return False  # nothing changed since the last proof
        except BookError as exc:
            for problem in exc.problems:
                print(f"error: proof PDF: {problem}", file=sys.stderr)
            return False
        except Exception:  # a bug in the pipeline: say so, keep serving
            traceback.print_exc()
            return False
        for warning in warnings:
            print(f"warning: proof PDF: {warning}", file=sys.stderr)
        print(f"proof PDF built in {self.seconds:.1f} s; the edit is on page {self.page}", file=sys.stderr)
        return True

    def rebuild(self, progress: Progress) -> list[Problem] | None:
        """The proof PDF built again; its warnings, or None when it was up to date.

        A BookError is the caller's to report."""
        from ..editions import book_targets
        from ..pipeline import Request, run
        from .proof import compare

        edited: dict = {}

        def changes_of(book) -> dict[str, list[int]]:
            units = {unit.slug: unit.html for unit in book.units}
            if self.first is None:
                self.first = units
            else:
                edited["last"] = compare(self.last, book.units, "the last build")
            self.last = units
            return {unit.slug: unit.changed for unit in compare(self.first, book.units, "the start").units}

        started = time.perf_counter()
        result = run(Request(self.root, book_targets(["pdf"]), self.out, profile="proof", banner=self.banner,
                             changes=changes_of, force=not self._warm, session=self.session), progress)
        self._warm = True
        self.seconds = time.perf_counter() - started
        if result.up_to_date:
            return None
        printed = result.results["pdf-proof"]
        self.file = self.out / printed.files[0]
        if "last" in edited:
            self.page = edited_page(edited["last"], printed.facts["layout"], self.page)
        return list(result.warnings)

    def answer(self, name: str, script: str, generation: int) -> tuple[bytes, str, HTTPStatus]:
        """The server's answer for ``/__watch/<name>``: the PDF (``proof.pdf``), or the page that shows it
        (``proof``, with ``script`` to reload it, given the generation), or 404 before the first PDF."""
        if self.file is not None and self.file.is_file():
            if name == "proof.pdf":
                return self.file.read_bytes(), "application/pdf", HTTPStatus.OK
            if name == "proof":
                page = VIEWER.format(language=html.escape(self.language), title=html.escape(self.banner),
                                     generation=generation, page=self.page)
                page = page.replace("</body>", script % generation + "</body>")
                return page.encode("utf-8"), "text/html; charset=utf-8", HTTPStatus.OK
        return b"no proof PDF yet\n", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND


def edited_page(changes, layout, otherwise: int) -> int:
    """The PDF page (from 1) of the first paragraph that ``changes`` names (a changed one, or the one
    after a deletion), in the book's order of pages; ``otherwise`` when none is on a page."""
    pages = []
    for unit in changes.units:
        for number in unit.changed + unit.deleted:
            index = layout.anchor_pages.get(f"{unit.slug}-p{number}")
            if index is not None:
                pages.append(index)
        if not unit.changed:  # deleted at its end: its last paragraph's page
            prefix = f"{unit.slug}-p"
            own = [index for ident, index in layout.anchor_pages.items()
                   if ident.startswith(prefix) and ident[len(prefix):].isdigit()]
            pages += [max(own)] if own else []
    return min(pages) + 1 if pages else otherwise
