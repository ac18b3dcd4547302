"""How a build reports a broken book: every problem of the read and collect
stages in one run, each as ``path:line: ...``, with a "did you mean" for a
near miss of an id, a citation key or an index key."""

from __future__ import annotations

import pytest

from press.errors import EXIT_CONTENT, Problem, did_you_mean

from .conftest import REPO

REFERENCES = """\
references:
  - id: law-1
    type: legislation
    title: Law on the diplomatic career
    issued: {date-parts: [[1929]]}
  - id: smith-2020
    type: book
    title: A history of treaties
    author: [{family: Smith, given: Ann}]
    issued: {date-parts: [[2020]]}
"""

VOCABULARY = """\
entries:
  castilla-ramon:
    heading: "Castilla, Ramón"
    forms: ["Ramón Castilla"]
    sub:
      presidency:
        heading: "presidency"
"""


def broken_book(tiny, first: str) -> None:
    """A book with references and an index; ``first`` is the first chapter's body."""
    config = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", config + 'bibliography:\n  references: "references.yaml"\n'
               '  style: "csl/chicago-author-date.csl"\n')
    tiny.write("content/references.yaml", REFERENCES)
    tiny.write("content/csl/chicago-author-date.csl",
               (REPO / "styles" / "csl" / "chicago-author-date.csl").read_bytes())
    tiny.write("content/index.yaml", VOCABULARY)
    tiny.chapter("01-one.md", "One", first, kind="introduction")
    tiny.chapter("03-end.md", "End", "## Summary {#the-summary}\n\nRamón Castilla, [again]{.cite key=law-1}.\n\n"
                 "[In office]{.index key=castilla-ramon/presidency}.", kind="conclusion")


def errors(capsys) -> list[str]:
    return [line.removeprefix("error: ") for line in capsys.readouterr().err.splitlines()
            if line.startswith("error: ")]


def test_one_run_reports_front_matter_links_citations_index_keys_and_images(tiny, capsys):
    broken_book(tiny, "See [the end](#nowhere-at-all) and [two](#in-two).\n\n"  # line 6
                "The [law]{.cite key=no-such-law} was passed.\n\n"  # line 8
                "[He]{.index key=somebody-else} ruled.\n\n"  # line 10
                "![A map](../images/map.png)\n")  # line 12
    # A chapter whose front matter is wrong (line 4); the link to its heading
    # (#in-two, line 6) is not called broken: that chapter could not be read.
    tiny.chapter("02-two.md", "Two", "## Two {#in-two}\n\nText.", kind="conclusion", extra='lang: "not a tag"')
    assert tiny.build("all") == EXIT_CONTENT
    found = errors(capsys)
    expected = [
        "content/chapters/01-one.md:6: link to '#nowhere-at-all': no such id in the book",
        "content/chapters/01-one.md:8: citation of 'no-such-law': no such entry in content/references.yaml",
        "content/chapters/01-one.md:10: index mark names an unknown heading 'somebody-else'",
        "content/chapters/01-one.md:12: image '../images/map.png' does not exist",
        "content/chapters/02-two.md:4: ",
    ]
    for start in expected:
        assert sum(line.startswith(start) for line in found) == 1, (start, found)
    assert len(found) == len(expected), found
    assert not any("#in-two" in line for line in found)
    assert not tiny.out.exists(), "a failed build writes nothing to dist/"


def test_the_chapters_of_a_part_that_cannot_be_read_wait_for_it(tiny, capsys):
    tiny.chapter("01-part.md", "Part", "", kind="part", number="I", extra="colour: red")
    tiny.chapter("02-one.md", "One", "## First {#first}\n\nText.", kind="chapter", number="1", part="part")
    tiny.chapter("03-end.md", "End", "See [the first](#first) and [this](#nothing-here).", kind="conclusion")
    assert tiny.build("html") == EXIT_CONTENT
    found = errors(capsys)
    assert [line.split(": ")[0] for line in found] == ["content/chapters/01-part.md:5",
                                                         "content/chapters/03-end.md:6"], found
    assert "'#nothing-here'" in found[1]


@pytest.mark.parametrize("body, line, message", [
    ("See [the summary](#the-sumary).", 6,
     "link to '#the-sumary': no such id in the book; did you mean '#the-summary'?"),
    ("The [law]{.cite key=law-2} was passed.", 6,
     "citation of 'law-2': no such entry in content/references.yaml; did you mean 'law-1'?"),
    ("[He]{.index key=castila-ramon} ruled.", 6,
     "index mark names an unknown heading 'castila-ramon'; did you mean 'castilla-ramon'?"),
    ("[He]{.index key=castilla-ramon/presidncy} ruled.", 6,
     "index mark names an unknown heading 'castilla-ramon/presidncy'; did you mean 'castilla-ramon/presidency'?"),
], ids=["id", "citation-key", "index-key", "index-sub-key"])
def test_a_near_miss_gets_a_suggestion(tiny, capsys, body, line, message):
    broken_book(tiny, body)
    assert tiny.build("html") == EXIT_CONTENT
    assert errors(capsys) == [f"content/chapters/01-one.md:{line}: {message}"]


@pytest.mark.parametrize("body", ["See [it](#zzz).", "The [law]{.cite key=nope} was passed.",
                                  "[He]{.index key=zzz} ruled."], ids=["id", "citation-key", "index-key"])
def test_a_far_miss_gets_no_suggestion(tiny, capsys, body):
    broken_book(tiny, body)
    assert tiny.build("html") == EXIT_CONTENT
    (found,) = errors(capsys)
    assert "did you mean" not in found


def test_did_you_mean_ignores_case_and_unlike_names():
    assert did_you_mean("Lima", ["lima", "peru"]) == "; did you mean 'lima'?"
    assert did_you_mean("smith2001", ["smith2010", "jones2001"]) == "; did you mean 'smith2010'?"
    assert did_you_mean("intro", ["introduction"]) == ""  # difflib's default cutoff would offer it
    assert did_you_mean("nope", ["note", "alpha"]) == ""
    assert did_you_mean("x", []) == ""


def test_a_problem_without_a_path_is_its_message():
    assert str(Problem("", None, "port 8000 is in use")) == "port 8000 is in use"
    assert str(Problem("a.md", 3, "wrong")) == "a.md:3: wrong"
