"""The print layout in runs of units (issue 20, in part): the PDF laid out by
several workers and joined is the one document's, page by page.

press.gates.samepdf compares the two files as a reader would: every page's
text at its position, the page labels, the outline, the links and named
destinations, the structure tree and the parent tree.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from press.cli import main
from press.editions.profiles import READING
from press.editions.runs import MAX_RUNS, RUN_LENGTH, RUNS_FROM, planned, split
from press.gates.samepdf import counts, differences

REPO = Path(__file__).resolve().parent.parent


def _pdf(book: Path, out: Path, runs: str, monkeypatch) -> Path:
    monkeypatch.setenv("PRESS_PRINT_RUNS", runs)
    shutil.rmtree(book / ".cache", ignore_errors=True)
    assert main(["pdf", "--strict", str(book), "--out", str(out), "--quiet"]) == 0
    return next(out.glob("*.pdf"))


def test_real_book_in_runs_is_the_same_pdf(tmp_path, monkeypatch):
    if not any((REPO / "content" / "chapters").glob("*.md")):
        pytest.skip("the first book's content/ is empty")
    book = tmp_path / "book"
    shutil.copytree(REPO / "content", book / "content")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    one = _pdf(book, tmp_path / "one", "1", monkeypatch)
    runs = _pdf(book, tmp_path / "runs", "3", monkeypatch)
    assert one.read_bytes() != runs.read_bytes()  # laid out in runs and joined, not the same path
    assert differences(one, runs) == []
    seen = counts(one)
    assert seen["pages"] > 40 and seen["links"] > 100 and seen["structure elements"] > 1000


@pytest.mark.parametrize("runs", ["2", "3"])
def test_many_unit_book_in_runs_is_the_same_pdf(tmp_path, monkeypatch, runs):
    """tests/books/many-units (French, twelve units, notes, chronology, index): every run's junction,
    and the back matter cut between its sections (3 runs: the chronology and the index apart)."""
    book = tmp_path / "book"
    shutil.copytree(REPO / "tests" / "books" / "many-units" / "content", book / "content")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    one = _pdf(book, tmp_path / "one", "1", monkeypatch)
    cut = _pdf(book, tmp_path / "runs", runs, monkeypatch)
    assert one.read_bytes() != cut.read_bytes()
    assert differences(one, cut) == []
    seen = counts(one)
    assert seen["pages"] > 30 and seen["outline entries"] >= 14 and seen["named destinations"] > 300


HTML = ('<html><body><main class="body-matter">\n'
        '<article class="unit kind-introduction start-of-text" id="a">' + "x" * 100 + '</article>\n'
        '<section class="part" id="p1">part</section>\n'
        '<article class="unit kind-chapter" id="b">' + "y" * 100 + '</article>\n'
        '<article class="unit kind-chapter" id="c">' + "z" * 100 + '</article>\n'
        '<section class="unit back-matter paged kind-index" id="ix">index</section>\n'
        '</main></body></html>')


def test_runs_keep_their_siblings_as_shells():
    runs = split(HTML, 2, "a")
    assert len(runs) == 2
    first, second = runs
    assert first.stub and not second.stub
    assert first.units[0] == "a" and second.units[-1] == "ix"  # the paged back matter is in the last run
    ids = ["a", "p1", "b", "c", "ix"]
    for run in runs:  # every unit is in every run: its own with their ids, the others as shells without
        for ident in ids:
            assert (f'id="{ident}"' in run.html) == (ident in run.units)
    # The next run's first unit is displayed, empty (the blank verso before it); the others are hidden.
    assert first.html.count('style="display: none"') == len(ids) - len(first.units) - 1
    assert second.html.count('style="display: none"') == len(ids) - len(second.units)
    if "p1" in second.units:
        return
    assert '<section class="part" style="display: none"></section>' in second.html  # .part ~ .kind-chapter


BACK = ('<html><head><style>\n  @page :first { counter-reset: page 41; }\n</style></head><body>'
        '<main class="body-matter">\n'
        '<section class="unit back-matter paged kind-bibliography" id="bibliography">' + "b" * 300 + '</section>\n'
        '<section class="unit back-matter paged kind-chronology" id="chronology">' + "c" * 300 + '</section>\n'
        '<section class="unit back-matter paged kind-index" id="index">' + "i" * 300 + '</section>\n'
        '</main></body></html>')


def test_the_back_matter_is_cut_between_its_sections_and_only_its_first_run_resets_the_folio():
    runs = split(BACK, 2, None)
    assert [run.units for run in runs] == [["bibliography", "chronology"], ["index"]]
    assert "counter-reset: page 41" in runs[0].html and "counter-reset" not in runs[1].html
    assert len(split(BACK, 2, "bibliography")) == 1  # as a body, whose paged sections are never cut
    assert len(split(BACK, 3, None)) == 3


def test_what_keeps_a_book_in_one_document():
    assert len(planned(HTML, "", "a", READING, "2")[0]) == 2
    assert planned(HTML, "", "a", READING, "1")[1] == 1
    assert len(planned(HTML, "", "a", READING, None)[0]) == 1  # unset: a short body is one document
    long = HTML.replace("y" * 100, "y" * RUNS_FROM)
    runs, workers = planned(long, "", "a", READING, None)
    assert len(runs) == 2 and workers == min(os.cpu_count() or 1, MAX_RUNS, 2)  # two can be cut
    chapters = "".join(f'<article class="unit kind-chapter" id="c{k}">' + "y" * RUN_LENGTH + "</article>\n"
                       for k in range(6))
    runs, workers = planned(HTML.replace("<section class=\"unit back", chapters + "<section class=\"unit back"),
                             "", "a", READING, "2")
    assert len(runs) == 6 and workers == 2  # a run holds about RUN_LENGTH at most: workers lay out several
    assert len(planned(HTML, "h1::after { content: counter(pages) }", "a", READING, "2")[0]) == 1
    assert len(planned(HTML, "h1 { counter-increment: chapter }", "a", READING, "2")[0]) == 1
    assert len(planned(HTML.replace("yyy", '<a class="xref" href="#c" data-page="p. ">c</a>'), "", "a",
                       READING, "2")[0]) == 1
    with pytest.raises(ValueError, match="PRESS_PRINT_RUNS"):
        planned(HTML, "", "a", READING, "two")


def test_the_body_is_cut_by_units_so_that_a_longer_unit_moves_no_boundary():
    """An edit changes one run's HTML, not every run's after it, and the cuts are the sources' alone."""
    four = HTML.replace("</main>", '<article class="unit kind-chapter" id="d">' + "w" * 100 + "</article>\n</main>")
    four = four.replace('<section class="unit back-matter paged kind-index" id="ix">index</section>\n', "")
    assert [run.units for run in split(four, 2, "a")] == [["a", "p1", "b"], ["c", "d"]]
    longer = four.replace("y" * 100, "y" * 5000)
    assert [run.units for run in split(longer, 2, "a")] == [["a", "p1", "b"], ["c", "d"]]
    assert split(longer, 2, "a")[1].html == split(four, 2, "a")[1].html


def _edit(book: Path, unit: str, text: str) -> None:
    path = next((book / "content" / "chapters").glob(f"*-{unit}.md"))
    head, body = path.read_text("utf-8").split("\n---\n", 1)
    path.write_text(head + "\n---\n" + body.replace(".\n", f". {text}\n", 1), "utf-8")


def _kept(book: Path) -> tuple[set[str], set[str]]:
    folder = book / ".cache" / "print" / "reading"
    return {p.name for p in folder.glob("*.facts")}, {p.name for p in folder.glob("*.pdf")}


@pytest.mark.parametrize("edit, relaid, rewritten", [
    ("Une phrase ajoutée.", 1, 1),  # the same pages: one run laid out, one piece written
    # More pages: the edited run and the back matter's two (its numbers moved) are laid out anew, and the front
    # matter (its contents' numbers); the third run is laid out again for its folios (its facts were kept),
    # and the first run's piece is kept.
    ("Un long paragraphe ajouté. " * 160, 4, 5),
])
def test_a_rebuild_lays_out_only_what_the_edit_changed(tmp_path, monkeypatch, edit, relaid, rewritten):
    """The many-unit book in 3 runs, built, one unit edited (the second run's), built again from what the
    first build kept: new facts for the edited run alone, new pieces only where the pages changed, and the
    PDF is the one document's of the edited book, and byte for byte a clean build's in runs."""
    book = tmp_path / "book"
    shutil.copytree(REPO / "tests" / "books" / "many-units" / "content", book / "content")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("PRESS_PRINT_RUNS", "3")
    assert main(["pdf", "--strict", str(book), "--out", str(tmp_path / "first"), "--quiet"]) == 0
    facts, pieces = _kept(book)
    assert len(facts) >= 5 and len(pieces) == 6  # 3 body runs, 2 of the back matter, the front matter
    _edit(book, "marseille", edit)
    assert main(["pdf", "--strict", str(book), "--out", str(tmp_path / "again"), "--quiet"]) == 0
    new_facts, new_pieces = _kept(book)
    assert len(new_facts - facts) == relaid
    assert len(new_pieces - pieces) == rewritten and len(new_pieces) == 6
    again = next((tmp_path / "again").glob("*.pdf"))
    clean = _pdf(book, tmp_path / "clean", "3", monkeypatch)
    one = _pdf(book, tmp_path / "one", "1", monkeypatch)
    assert again.read_bytes() == clean.read_bytes()
    assert differences(one, again) == []
    grew = counts(one)["pages"] - counts(next((tmp_path / "first").glob("*.pdf")))["pages"]
    assert (grew > 0) == (rewritten > 1)


def test_runs_are_numbered_again_when_the_front_matter_has_another_page_count(tmp_path, monkeypatch):
    """tests/books/front-back in 2 runs, its front matter's count first taken two pages short: the runs are
    numbered and written again from the right count (their pages, bookmarks and links as laid out), and the PDF
    is the one document's."""
    from press.editions.runlayout import RunTypesetter

    book = tmp_path / "book"
    shutil.copytree(REPO / "tests" / "books" / "front-back" / "content", book / "content")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    one = _pdf(book, tmp_path / "one", "1", monkeypatch)
    counted = RunTypesetter.count_front
    monkeypatch.setattr(RunTypesetter, "count_front", lambda self, *args: counted(self, *args) - 2)
    again = _pdf(book, tmp_path / "runs", "2", monkeypatch)  # the print worker is forked after the patch
    assert differences(one, again) == []
    assert counts(one)["outline entries"] > 5


def _sleep(state, seconds: float) -> float:
    import time

    time.sleep(seconds)
    return seconds


def _echo(state, text: str) -> int:
    return len(text)


def test_a_forked_worker_takes_a_long_job_off_the_pipe_while_it_is_busy():
    """press.parallel.Forked: sending a job of megabytes (a run's HTML) to a worker busy with the one before
    returns at once (its own thread reads the pipe), and the results come back in the order sent."""
    import time

    from press.parallel import Forked

    worker = Forked(lambda: None)
    try:
        worker.submit(_sleep, 1.5)
        started = time.perf_counter()
        worker.submit(_echo, "x" * 8_000_000)  # far more than a pipe holds (64 KiB on Linux)
        sent = time.perf_counter() - started
        assert sent < 1.0, f"the send waited {sent:.2f} s for the job before it"
        assert not worker.ready()
        assert worker.result() == 1.5
        assert worker.result() == 8_000_000
    finally:
        worker.close()
    assert worker.pid is None


def test_the_workers_have_ended_before_the_pieces_are_joined(tmp_path, monkeypatch):
    """The join holds every piece: it runs once the workers, and their laid-out pages, are gone."""
    import press.editions.runcoordinator as runlayout

    made, seen = [], tmp_path / "seen.txt"
    real_init, real_join = runlayout.Runs.__init__, runlayout.join

    def init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append(self)

    def join(*args, **kwargs):  # in the print worker, a fork of this process: the evidence goes to a file
        runs = made[-1]
        alive = [child.pid for child in runs.children if child.pid is not None]
        seen.write_text(f"{len(runs.children)} workers, alive: {alive}")
        return real_join(*args, **kwargs)

    monkeypatch.setattr(runlayout.Runs, "__init__", init)
    monkeypatch.setattr(runlayout, "join", join)
    book = tmp_path / "book"
    shutil.copytree(REPO / "tests" / "books" / "many-units" / "content", book / "content")
    _pdf(book, tmp_path / "out", "2", monkeypatch)
    assert seen.read_text() == "2 workers, alive: []"


def test_a_rebuild_at_another_time_lays_out_only_the_edited_run_and_carries_this_builds_date(tmp_path, monkeypatch):
    """Without SOURCE_DATE_EPOCH a build's date is its time, and it is in every run's head: it is only the
    PDF's metadata, so it must not lay every run out again; and the joined PDF, whose first piece (the front
    matter) was kept from the earlier build, carries this build's date. Two builds an hour apart (two epochs)."""
    import pikepdf

    book = tmp_path / "book"
    shutil.copytree(REPO / "tests" / "books" / "many-units" / "content", book / "content")
    monkeypatch.setenv("PRESS_PRINT_RUNS", "3")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14T22:13:20Z
    assert main(["pdf", "--strict", str(book), "--out", str(tmp_path / "first"), "--quiet"]) == 0
    facts, pieces = _kept(book)
    _edit(book, "marseille", "Une phrase ajoutée.")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700003600")  # an hour later
    assert main(["pdf", "--strict", str(book), "--out", str(tmp_path / "again"), "--quiet"]) == 0
    new_facts, new_pieces = _kept(book)
    assert len(new_facts - facts) == 1 and len(new_pieces - pieces) == 1  # the edited run's, and no other
    again = next((tmp_path / "again").glob("*.pdf"))
    with pikepdf.open(again) as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == "D:20231114231320Z"
        assert str(pdf.docinfo["/ModDate"]) == "D:20231114231320Z"
        packet = pdf.Root.Metadata.read_bytes()
    assert b"<xmp:CreateDate>2023-11-14T23:13:20Z</xmp:CreateDate>" in packet
    assert b"<xmp:ModifyDate>2023-11-14T23:13:20Z</xmp:ModifyDate>" in packet
    clean = _pdf(book, tmp_path / "clean", "3", monkeypatch)
    assert again.read_bytes() == clean.read_bytes()
