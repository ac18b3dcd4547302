#!/usr/bin/env python3
"""How much the print layout would gain from laying out runs of units in
parallel, and whether the pages would be the same (issue 20, measured).

    .venv/bin/python bench/units_parallel.py [--times 20] [--runs 2]

Builds the real book (or the ``--times`` synthetic book of bench/bench.py)
once in this process to get the body the print layout is given (its units
and back matter, the paged back matter as headings: step 1 of
press/editions/layout.py), then, in the same run:

1. lays that body out as one WeasyPrint document (the floor: what the build does now);
2. cuts it at unit boundaries into ``--runs`` runs of about equal length and
   lays each out as its own document in a pool of forked processes, each
   run's page counter started where the one document has it, a blank verso
   after a run that ends on a recto (every unit starts on one, so a run's
   parity is fixed);
3. compares every page of the joined runs with the one document's: the text
   and the position of every text box, the running heads and folios
   included.

It prints both times, their ratio, and the number of identical pages, and
exits 1 if any page differs. It does not write a PDF: WeasyPrint's pages do
not cross a process boundary (their text layouts are Pango objects), so a
parallel print edition has to write each run's PDF in its worker and join
the files, with their outlines, links, page labels and structure trees;
that joining is the part not built yet.
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))


def body_job(book: Path) -> dict:
    """The first print layout's arguments, caught while the book's PDF is built in this process."""
    import press.editions.pdf as pdf
    from press.cli import main
    from press.editions import layout

    caught: dict = {}
    original = layout.Typesetter.lay_out_body

    def catch(self, paths, config, html, profile=layout.READING, start_id="", front=None):
        caught.update(paths=paths, config=config, html=html, profile=profile, start_id=start_id)
        return original(self, paths, config, html, profile, start_id, front)

    pdf.can_fork = lambda: False  # the layout in this process, where it can be caught
    layout.Typesetter.lay_out_body = catch
    try:
        code = main(["pdf", str(book), "--out", str(book / "dist"), "--quiet"])
    finally:
        layout.Typesetter.lay_out_body = original
    if code != 0 or not caught:
        raise SystemExit(f"the book did not build (exit {code})")
    return caught


JOB: dict = {}  # the body job, inherited by the forked workers


def lay_out(html: str, extra: str = ""):
    from press.editions.layout import Typesetter

    document, _ = Typesetter().lay_out(JOB["paths"], JOB["config"], html, JOB["profile"], extra)
    return document


def page_boxes(document) -> list[str]:
    """Each page as the text and position of its text boxes (margin boxes included)."""
    pages = []
    for page in document.pages:
        pages.append(" ".join(f"{box.text}@{box.position_x:.2f},{box.position_y:.2f}"
                              for box in page._page_box.descendants() if type(box).__name__ == "TextBox"))
    return pages


def lay_out_run(task: tuple[str, str]) -> tuple[list[str], float]:
    html, extra = task
    start = time.perf_counter()
    pages = page_boxes(lay_out(html, extra))
    return pages, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--times", type=int, default=1, help="the synthetic book's size (1: the real book)")
    parser.add_argument("--runs", type=int, default=2, help="runs of units laid out in parallel")
    args = parser.parse_args()
    from bench import copy_book, synthetic_book

    with tempfile.TemporaryDirectory(prefix="press-units-") as tmp:
        book = Path(tmp) / "book"
        synthetic_book(book, args.times) if args.times > 1 else copy_book(book)
        JOB.update(body_job(book))
    html = JOB["html"]
    head, rest = html.split('<main class="body-matter">', 1)
    body, tail = rest.rsplit("</main>", 1)
    starts = [m.start() for m in re.finditer(r'(?m)^<(?:article|section) class="(?:unit|part)', body)]
    units = [body[a:b] for a, b in zip(starts, starts[1:] + [len(body)])]
    ids = [re.search(r'id="([^"]+)"', unit).group(1) for unit in units]

    start = time.perf_counter()
    single = lay_out(html)
    floor = time.perf_counter() - start
    one = page_boxes(single)
    page_of: dict[str, int] = {}
    for index, page in enumerate(single.pages):
        for anchor in page.anchors:
            page_of.setdefault(anchor, index)
    page_one = page_of[JOB["start_id"]]

    total, cuts, length = sum(map(len, units)), [0], 0
    for index, unit in enumerate(units[:-1]):
        length += len(unit)
        if length >= total * len(cuts) / args.runs and len(cuts) < args.runs:
            cuts.append(index + 1)
    cuts.append(len(units))
    tasks, firsts = [], []
    for k in range(len(cuts) - 1):
        first = page_of[ids[cuts[k]]]
        firsts.append(first)
        extra = "" if k == 0 else f"@page :first {{ counter-reset: page {first - page_one + 1}; }}"
        run_html = head + '<main class="body-matter">' + body[:starts[0]] + "".join(units[cuts[k]:cuts[k + 1]]) \
            + "</main>" + tail
        tasks.append((run_html, extra))
    processes = min(len(tasks), multiprocessing.cpu_count())
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.map(lay_out_run, tasks)
    parallel = time.perf_counter() - start

    joined: list[str] = []
    for k, (pages, seconds) in enumerate(results):
        print(f"run {k + 1}: units {cuts[k] + 1}-{cuts[k + 1]} of {len(units)}, {len(pages)} pages from index "
              f"{firsts[k]}, {seconds:.1f} s")
        joined += pages
        if k + 1 < len(results):
            joined += [""] * (firsts[k + 1] - firsts[k] - len(pages))  # the blank verso after a recto
    same = sum(a == b for a, b in zip(one, joined))
    print(f"one document: {len(one)} pages in {floor:.1f} s")
    print(f"{len(tasks)} runs in {processes} processes: {parallel:.1f} s = {parallel / floor:.2f}x the one document")
    print(f"pages identical (text and position of every text box): {same} of {len(one)}"
          + ("" if len(joined) == len(one) else f"; the runs gave {len(joined)} pages"))
    return 0 if same == len(one) == len(joined) else 1


if __name__ == "__main__":
    sys.exit(main())
