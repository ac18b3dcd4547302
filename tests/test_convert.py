"""Conversion: one pandoc call for many chapters gives what one call each
gives, and an unchanged chapter is never converted twice."""

from __future__ import annotations

from press.source.config import Paths, load_config
from press.book.collect import collect
from press.book.convert import Pandoc, parse_logged, parse_markdown
from press.book.ast import stringify
from press.session import Session
from press.source.chapters import read_chapters

from .conftest import WHOLE, copy_book


def test_batched_parse_equals_one_call_per_chapter(tmp_path):
    chapters = read_chapters(Paths(copy_book(WHOLE, tmp_path / "book")), Session())
    batch_pandoc = Pandoc(None)
    batched = [doc for doc, _ in parse_logged(batch_pandoc, [(c.shown, c.body) for c in chapters])]
    assert batch_pandoc.calls == 1
    single = [parse_markdown(Pandoc(None), c.body, c.shown) for c in chapters]
    assert batched == single


def test_footnote_labels_and_fences_do_not_leak_between_chapters():
    pandoc = Pandoc(None)
    docs = [doc for doc, _ in parse_logged(pandoc, [("a", "Text.[^1]\n\n[^1]: Note A.\n\n::: open\n\nunclosed\n"),
                                                    ("b", "Other.[^1]\n\n[^1]: Note B.\n\n## Head {#h}\n\n[link](#h)\n")])]
    # The unclosed fence makes pandoc warn: the chapters are then converted
    # one by one, so that the warning names its chapter.
    assert [w.source for w in pandoc.warnings] == ["a"] and "unclosed" in pandoc.warnings[0].message
    text = stringify(docs[1]["blocks"])
    assert "Note B" in text and "Note A" not in text
    assert docs[1]["blocks"][1]["c"][1][0] == "h"  # the id, without --file-scope's prefix
    link = docs[1]["blocks"][2]["c"][0]
    assert link["c"][2][0] == "#h"


def test_unchanged_chapters_are_never_converted_again(tmp_path):
    paths = Paths(copy_book(WHOLE, tmp_path / "book"))
    config, chapters = load_config(paths), read_chapters(paths, Session())
    first = Pandoc(tmp_path / "cache")
    collect(paths, config, chapters, first, Session())
    # All chapters to AST, all to HTML; all the book's phrases (titles, events,
    # index headings, interface words) to AST, all to HTML (press.book.phrases);
    # the chapters' pandoc citations ([@key]) through citeproc.
    assert first.calls == 5
    second = Pandoc(tmp_path / "cache")
    collect(paths, config, chapters, second, Session())
    assert second.calls == 0
