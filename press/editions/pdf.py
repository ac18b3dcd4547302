"""The print edition: the body, its paged back matter and the front matter,
each laid out once by WeasyPrint (CSS paged media), then put together.

Takes the edition's ``Job`` (the book, the back matter's records, the print
profile); renders the print HTML in this process and has it laid out by its
``Typesetter`` (press/editions/layout.py), which lives in a print worker
forked before the book is read (press.parallel) or, where that cannot be,
in this process. Gives the PDF and the facts ``pages`` (the page count),
``layout`` and ``page_starts`` (where each page begins in the text, for the
EPUB's and the web edition's page markers; the reading profile's only).
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path
from typing import Any

from ..parallel import InProcess, Worker, can_fork
from .render import context, environment
from . import Edition, EditionResult, Job, Started, notes
from .figurelists import figure_lists
from .layout import PLACEHOLDER, Typesetter, page_slot, paged_dict
from .profiles import READING
from .mathprint import print_math
from ..book.math import FormulaSetter


class PrintWorker(Started):
    """The print edition's layout beside the build: a forked worker, or this process.

    Forked in ``start`` (before any thread, the live status's included, and
    before the book is read), it imports WeasyPrint while this process reads
    and collects the book, lays out the body while this process builds the
    apparatus, and the rest while the other editions are written.
    """

    def __init__(self, fork: bool):
        self.concurrent = fork
        self.runner = Worker(_set_up) if fork else InProcess(Typesetter)
        self.body_sent = False

    def begin(self, job: Job) -> None:
        # The body's print layout does not depend on the apparatus: start it now.
        self.runner.submit(_lay_out_body, *PdfEdition(job, self).body_job(), job.session.folder("print"))
        self.body_sent = True

    def close(self) -> None:
        self.runner.close()


def _set_up() -> Typesetter:
    """In the print worker, at once: half a second, spent while the book is read."""
    import weasyprint  # noqa: F401
    from weasyprint.text.fonts import FontConfiguration  # noqa: F401

    typesetter = Typesetter()
    typesetter.can_run = True  # a process of its own: it may fork workers for runs of units
    return typesetter


def _lay_out_body(typesetter: Typesetter, paths, config, html, profile, start_id, front, cache=None) -> None:
    """The body in one document, or, in the print worker, in runs of units laid out by several (issue 20),
    those an earlier build kept in ``cache`` (the session's folder for them) not laid out again."""
    import os

    from .runs import RUNS_FROM

    typesetter.runs = None
    requested = os.environ.get("PRESS_PRINT_RUNS")
    if typesetter.can_run and (requested or len(html) >= RUNS_FROM):
        from .layout import STYLESHEETS
        from .piececache import PieceCache
        from .runcoordinator import Runs
        from .runs import planned

        styles = "".join(paths.style(name).read_text(encoding="utf-8")
                         for name in STYLESHEETS + profile.stylesheets) + profile.css
        runs, workers = planned(html, styles, start_id, profile, requested)
        if len(runs) > 1:  # only then are the styles, fonts and code digested (PieceCache)
            typesetter.start_id = start_id
            typesetter.runs = Runs(runs, workers, PieceCache(cache, paths, config, profile))
            typesetter.runs.lay_out(paths, config, profile, front)
            return
    typesetter.lay_out_body(paths, config, html, profile, start_id, front)


def _finish(typesetter: Typesetter, paths, config, strings, paged, front, profile, stage):
    runs, typesetter.runs = typesetter.runs, None
    if runs is None:
        return typesetter.finish(paths, config, strings, paged, front, profile, stage)
    try:
        return runs.finish(paths, config, strings, paged, front, profile, stage, typesetter.start_id)
    finally:
        runs.close()


class PdfEdition(Edition):
    name = "pdf"
    provides = frozenset({"pages", "layout", "page_starts"})
    needs_pango = True

    @classmethod
    def start(cls, request) -> PrintWorker:
        return PrintWorker(fork=can_fork())

    @property
    def paged(self) -> list:
        return [s for s in self.sections if s.paged]

    def print_html(self, extra: dict | None = None, stub: bool = False) -> str:
        """The body of the book (its units and back matter) as one HTML document.

        Paged sections come with placeholder numbers, or, with ``stub``, as
        their headings alone: the first layout only needs to know where they
        start, and laying out an index twice is what we avoid.
        """
        env = environment(self.paths)
        template = env.get_template("print/book.html.j2")
        config, strings, renderer = self.book.config, self.book.strings, self.job.renderer
        paged = [{"id": s.id, "kind": s.kind, "title": s.title, "html": ""} if stub
                 else paged_dict(self.paths, config, strings, renderer.paged(s), PLACEHOLDER) for s in self.paged]
        formulas = FormulaSetter(self.job.session.folder("math"))  # TeX as SVG (typeset when collected)
        bodies, taken = self.unit_bodies(formulas)
        others = [{"id": s.id, "kind": s.kind, "title": s.title,
                   "html": notes.book_notes(taken, lambda n: f"#{n.ref_id}", strings) if s.kind == "notes"
                   else renderer.screen(s, epub=False)}
                  for s in self.sections if not s.paged]
        # A cross-reference's page (target-counter(), print.css) into a front-matter unit is roman, as its folios.
        roman_targets = sorted({ident for unit in self.book.units if unit.front and unit.scan
                                for ident in unit.scan.ids}) if config.figures.page_references else []
        return template.render(context(self.book, back_sections=others, paged=paged,
                                       unit_body=lambda unit: bodies[unit.slug],
                                       roman_targets=roman_targets, **(extra or {})))

    def unit_bodies(self, formulas) -> tuple[dict[str, str], list]:
        """Each unit's print body: code's long lines broken and marked (press.editions.code), formulas
        as SVG, the notes where book.yaml's ``notes`` puts them; and the notes of the back matter's Notes."""
        from .code import wrap_html

        place, strings = self.book.config.notes, self.book.strings
        bodies, taken = {}, []
        for unit in self.book.units:
            body = wrap_html(self.job.unit_html(unit), self.book.config.print.trim_width)
            body = print_math(body, formulas, f"m-{unit.slug}-")
            if place != notes.FOOTNOTES:
                body, found = notes.take_notes(body, unit, lambda n: f"#{n.note_id}")
                if place == notes.CHAPTER:
                    body += notes.chapter_notes(found, lambda n: f"#{n.ref_id}", strings)
                else:
                    taken += found
            bodies[unit.slug] = body
        return bodies, taken

    def front_html(self, pad: bool = False) -> str:
        """The front matter, its contents' page numbers left as slots (layout.fill_page_slots).

        ``pad`` ends it with a blank verso, for when the contents end on a recto.
        """
        template = environment(self.paths).get_template("print/front.html.j2")
        return template.render(context(self.book, href=lambda unit, anchor: f"#{anchor}", sections=True,
                                       back_matter=self.back_toc("#"), page_of=page_slot, pad=pad,
                                       figure_lists=figure_lists(self.book)))

    def body_job(self) -> tuple:
        """What the first layout needs: the body, its paged back matter as headings.

        And the id of the start of text (page 1); in a book with front-matter
        units, the front matter too, whose page count their folios go on from.
        """
        book = self.book
        front = self.front_pair() if any(unit.front for unit in book.units) else None
        return (self.paths, book.config, self.print_html(stub=True), self.profile, book.start_of_text.id, front)

    def front_pair(self) -> tuple[str, str]:
        """The front matter without and with a closing blank verso (for an even count)."""
        return (self.front_html(), self.front_html(pad=True))

    def finish_job(self) -> tuple:
        """The rest: the paged back matter and the front matter, once the body is laid out."""
        return (self.paths, self.book.config, self.book.strings, [self.job.renderer.paged(s) for s in self.paged],
                self.front_pair(), self.profile)

    def write(self, stage: Path) -> None:
        if not self.started.body_sent:
            self.started.begin(self.job)
        self.started.runner.result()  # the body, laid out
        self.started.runner.submit(_finish, *self.finish_job(), stage)

    def finish(self, facts: dict[str, Any], stage: Path) -> EditionResult:
        printed = self.started.runner.result()
        self.warnings.extend(printed.warnings)
        return EditionResult(self.name, [printed.file], {"pages": printed.layout.page_count,
                                                         "layout": printed.layout,
                                                         "page_starts": printed.page_starts})

    def keep(self, result: EditionResult) -> dict | None:
        # The reading PDF's page starts, for a web edition or an EPUB built
        # alone later from the same sources (issue 16, 7).
        if self.profile != READING or not result.facts["page_starts"]:
            return None
        return {"page_starts": [asdict(start) for start in result.facts["page_starts"]]}

    @classmethod
    def recall(cls, kept: dict) -> dict[str, Any]:
        from .pagemarks import PageStart

        return {"page_starts": [PageStart(**start) for start in kept["page_starts"]]}
