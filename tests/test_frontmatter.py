"""Bad front matter stops the build with path:line, all problems in one run."""

from __future__ import annotations

import pytest

from press.errors import EXIT_CONTENT

GOOD_PART = '---\ntitle: "Part one"\nkind: part\nnumber: "I"\n---\n'


def errors(capsys) -> list[str]:
    return [line.removeprefix("error: ") for line in capsys.readouterr().err.splitlines()
            if line.startswith("error: ")]


def test_a_good_tiny_book_builds(tiny):
    tiny.write("content/chapters/01-part-one.md", GOOD_PART)
    tiny.chapter("02-first.md", "First", "Some text.", number="1", part="part-one")
    assert tiny.build("html") == 0
    assert (tiny.out / "html" / "index.html").is_file()


@pytest.mark.parametrize(
    "front, line, message",
    [
        ('title: "A"\nkind: chapter\nnumber: "1"\npart: "part-one\n', 5, "YAML syntax error"),
        ('kind: chapter\nnumber: "1"\npart: "part-one"\n', 2, "missing required key 'title'"),
        ('title: "A"\nkind: chapter\nnumber: "1"\npart: "part-one"\nsubtitel: "x"\n', 6, "unknown key 'subtitel'"),
        ('title: "A"\nkind: chapter\nnumber: [1, 2]\npart: "part-one"\n', 4, "number: Input should be a valid string"),
        ('title: "A"\nkind: chapter\nnumber: "1"\npart: "part-one"\ntitle: "B"\n', 6, "duplicate key 'title'"),
        ('title: "A"\nkind: novel\nnumber: "1"\npart: "part-one"\n', 3, "kind: Input should be"),
        ('title: "A"\nkind: chapter\nnumber: "1"\n', 3, "this book has parts"),
        ('title: "A"\nkind: chapter\nnumber: "1"\npart: "part-nine"\n', 5, "part 'part-nine' is not a part file"),
        ('title: "A"\nkind: chapter\nnumber: "1"\npart: "part-one"\nchronology:\n  - date: "1821-13-03"\n'
         '    event: "x"\n    anchor: "here"\n    theme: "institution"\n', 7, "not a valid EDTF date"),
    ],
    ids=["syntax", "missing", "unknown", "type", "duplicate-key", "bad-kind", "no-part",
         "unknown-part", "impossible-date"],
)
def test_front_matter_error_points_at_the_line(tiny, capsys, front, line, message):
    tiny.write("content/chapters/01-part-one.md", GOOD_PART)
    tiny.write("content/chapters/02-bad.md", f"---\n{front}---\n\nText.\n")
    assert tiny.build("html") == EXIT_CONTENT
    found = errors(capsys)
    assert any(e.startswith(f"content/chapters/02-bad.md:{line}: ") and message in e for e in found), found
    assert not tiny.out.exists(), "nothing may be written on a failed build"


def test_impossible_date_in_a_full_build(tiny, capsys):
    # A build with the print edition parses the dates after the layout has
    # started (press.apparatus.chronology); the error must be the same, at the same line.
    tiny.write("content/chapters/01-part-one.md", GOOD_PART)
    tiny.write("content/chapters/02-bad.md",
               '---\ntitle: "A"\nkind: chapter\nnumber: "1"\npart: "part-one"\nchronology:\n'
               '  - date: "1821-13-03"\n    event: "x"\n    anchor: "here"\n    theme: "institution"\n'
               '---\n\n[Text.]{#here}\n')
    assert tiny.build("all") == EXIT_CONTENT
    found = errors(capsys)
    assert any(e.startswith("content/chapters/02-bad.md:7: ") and "not a valid EDTF date" in e for e in found), found
    assert not tiny.out.exists()


def test_duplicate_chapter_number_and_slug(tiny, capsys):
    tiny.write("content/chapters/01-part-one.md", GOOD_PART)
    tiny.chapter("02-first.md", "First", "Text.", number="1", part="part-one")
    tiny.chapter("03-second.md", "Second", "Text.", number="1", part="part-one")
    tiny.chapter("04-first.md", "Again", "Text.", number="2", part="part-one")
    assert tiny.build("html") == EXIT_CONTENT
    found = errors(capsys)
    assert any(e.startswith("content/chapters/03-second.md:4: duplicate chapter number '1'") for e in found), found
    assert any(e.startswith("content/chapters/04-first.md:1: duplicate slug 'first'") for e in found), found


def test_not_utf8_names_the_line(tiny, capsys):
    tiny.write("content/chapters/01-latin1.md",
               '---\ntitle: "Intro"\nkind: introduction\n---\n\nLine one.\nSe\xf1or\n'.encode("latin-1"))
    assert tiny.build("html") == EXIT_CONTENT
    assert "content/chapters/01-latin1.md:7: the file is not UTF-8" in "\n".join(errors(capsys))


def test_every_problem_is_listed_in_one_run(tiny, capsys):
    tiny.write("content/chapters/01-a.md", '---\nkind: introduction\n---\n\nText.\n')
    tiny.write("content/chapters/02-b.md", '---\ntitle: "B"\nkind: conclusion\nwhat: 1\n---\n\nText.\n')
    tiny.write("content/chapters/03-c.md", '---\ntitle: "C"\ntitle: "D"\nkind: conclusion\n---\n\nText.\n')
    assert tiny.build("html") == EXIT_CONTENT
    found = errors(capsys)
    assert [e.split(":")[0] for e in found] == [
        "content/chapters/01-a.md", "content/chapters/02-b.md", "content/chapters/03-c.md"]


def test_yaml_implicit_typing_cannot_corrupt_values(tiny):
    """`no`, numbers and dates stay the text the writer typed."""
    from press.source.config import Paths
    from press.session import Session
    from press.source.chapters import read_chapters

    tiny.write("content/chapters/01-no.md", "---\ntitle: no\nkind: introduction\nshort_title: 2014-01-27\n---\n\nx\n")
    tiny.write("content/chapters/02-part.md", "---\ntitle: 1883\nkind: part\nnumber: 1\n---\n")
    chapters = read_chapters(Paths(tiny.root), Session())
    assert chapters[0].meta.title == "no"
    assert chapters[0].meta.short_title == "2014-01-27"
    assert chapters[1].meta.title == "1883" and chapters[1].meta.number == "1"


def test_book_yaml_errors_name_their_line(tiny, capsys):
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text.replace('print: "978-9972-671-78-4"', 'print: "978-9972-671-78-5"')
               + "colour: red\n")
    tiny.chapter("01-a.md", "A", "Text.", kind="introduction")
    assert tiny.build("html") == EXIT_CONTENT
    found = errors(capsys)
    isbn_line = text.split("\n").index('  print: "978-9972-671-78-4"') + 1
    assert any(e.startswith(f"content/book.yaml:{isbn_line}: isbn.print:") and "not a valid ISBN-13" in e
               for e in found)
    assert any(e.startswith("content/book.yaml:") and "unknown key 'colour'" in e for e in found)


def test_yaml_nulls_and_quoted_text():
    # libyaml and PyYAML mark plain scalars differently; both must give None
    # for an empty value, ~ or null, and keep a quoted "null" as text.
    from press.source.yamlsrc import load

    data = load('a: null\nb: "null"\nc: ~\nd:\ne: ""\nf: no\n', "x.yaml").data
    assert data == {"a": None, "b": "null", "c": None, "d": None, "e": "", "f": "no"}
