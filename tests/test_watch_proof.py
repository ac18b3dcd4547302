"""``build.py watch --pdf``: the live proof PDF, rebuilt after an edit from the runs the edit did not
change, shown at the page of the edit, with change bars on the paragraphs edited since the preview started."""

from __future__ import annotations

import re
import shutil
import time
import urllib.request

from press.cli import _parse
from press.commands.watch import Preview

from .artefacts import pdf_full_page_texts
from .conftest import REPO
from .test_watch import event_stream

TIMEOUT = 120.0


def _edit(book, unit: str, sentence: str) -> None:
    """``sentence`` at the end of the unit's paragraph two thirds of the way down."""
    path = next((book / "content" / "chapters").glob(f"*-{unit}.md"))
    head, body = path.read_text("utf-8").split("\n---\n", 1)
    paragraphs = body.split("\n\n")
    prose = [k for k, p in enumerate(paragraphs) if p.strip() and not p.lstrip().startswith(("#", "!", ":", "|"))]
    k = prose[len(prose) * 2 // 3]
    paragraphs[k] = paragraphs[k].rstrip() + " " + sentence
    path.write_text(head + "\n---\n" + "\n\n".join(paragraphs), "utf-8")


def _pieces(book) -> set[str]:
    return {p.name for p in (book / ".cache" / "print" / "proof").glob("*.pdf")}


def test_watch_takes_pdf():
    assert _parse(["watch", "--pdf"], "build.py").pdf is True
    assert _parse(["watch"], "build.py").pdf is False


def test_the_live_proof_shows_the_edit_at_its_page_from_the_runs_it_changed(tmp_path, monkeypatch):
    book = tmp_path / "book"
    shutil.copytree(REPO / "tests" / "books" / "many-units" / "content", book / "content")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("PRESS_PRINT_RUNS", "3")
    preview = Preview(book, port=0, pdf=True).start()
    try:
        assert preview.proof_generation == 1 and preview.proof.page == 1
        first = pdf_full_page_texts(preview.proof.file)
        pieces = _pieces(book)
        assert len(pieces) == 6  # 3 body runs, 2 of the back matter's, the front matter
        stream, next_event = event_stream(preview, TIMEOUT)
        assert next_event().startswith("retry: 1000\nevent: build")
        _edit(book, "marseille", "Zanzibar-sur-Loire fut ajoutée ici.")
        assert next_event().startswith("event: build")  # the web edition first
        assert next_event() == "event: proof\ndata: 2"
        stream.close()
        texts = pdf_full_page_texts(preview.proof.file)
        page = preview.proof.page
        # The page named is the one with the edit, and the edit is on no earlier page.
        assert "Zanzibar-sur-Loire" in texts[page - 1].replace("\n", " ")
        assert not any("Zanzibar" in text for text in texts[:page - 1])
        assert len(texts) == len(first) and page > 1
        # One piece written again (the edited run's): the others were kept.
        assert len(_pieces(book) - pieces) == 1
        with urllib.request.urlopen(preview.url + "__watch/proof", timeout=10) as response:
            viewer = response.read().decode("utf-8")
        assert re.search(rf'src="/__watch/proof\.pdf\?build=2#page={page}"', viewer)
        assert 'addEventListener("proof"' in viewer
        with urllib.request.urlopen(preview.url + "__watch/proof.pdf", timeout=10) as response:
            assert response.headers["Content-Type"] == "application/pdf"
            assert response.read() == preview.proof.file.read_bytes()
        # An edit elsewhere: the first edit's change bar stays (its run is kept), the new one is added.
        _edit(book, "brest", "Une autre phrase, à Brest.")
        deadline = time.monotonic() + TIMEOUT
        while preview.proof_generation < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert preview.proof_generation == 3
        assert preview.proof.page < page  # Brest comes before Marseille
        assert len(_pieces(book) - pieces) == 2
    finally:
        preview.stop()
