"""Every failure a clear error: the file system, the environment, oversized input.

Each case runs the command in-process on a tiny book and asserts the exit
code, a message naming the file or the variable, no traceback, and an
output folder left as it was. The tests run as root, who can write into a
read-only folder, so the file system's refusals are raised by a patched
``os.replace`` instead of by chmod.
"""

from __future__ import annotations

import errno
import os

import pytest

from press.book.limits import MAX_CHAPTER_BYTES

REAL_REPLACE = os.replace


def snapshot(folder):
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def book(tiny, body="Some text.", extra=""):
    tiny.chapter("01-one.md", "One", body, number="1", extra=extra)
    return tiny


def refusing(code):
    """An os.replace that refuses to move a finished file out of the stage."""
    def replace(source, target, *args, **kwargs):
        if "-staging-" in str(source):
            raise OSError(code, os.strerror(code), str(target))
        return REAL_REPLACE(source, target, *args, **kwargs)
    return replace


def run(tiny, capsys, target="html"):
    code = tiny.build(target)
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err, err
    return code, err


@pytest.mark.parametrize("name, expected", [("EROFS", 73), ("EACCES", 73), ("ENOSPC", 74), ("EDQUOT", 74)])
def test_a_folder_that_cannot_be_written_names_the_path(tiny, capsys, monkeypatch, name, expected):
    book(tiny)
    assert tiny.build("html") == 0
    before = snapshot(tiny.out)
    monkeypatch.setattr(os, "replace", refusing(getattr(errno, name)))
    tiny.chapter("01-one.md", "One", "Changed text.", number="1")
    code, err = run(tiny, capsys)
    assert code == expected
    assert str(tiny.out.name) in err and "cannot write" in err and "dist/ was not changed" in err
    assert snapshot(tiny.out) == before


def test_an_out_folder_on_another_file_system_is_copied_into(tiny, capsys, monkeypatch):
    book(tiny)
    monkeypatch.setattr(os, "replace", refusing(errno.EXDEV))
    code, err = run(tiny, capsys)
    assert code == 0, err
    assert any(p.suffix == ".html" for p in tiny.out.rglob("*"))
    assert not [p for p in tiny.out.rglob(".*.new-*")]


@pytest.mark.parametrize("value", ["", "soon", "-5", "1.5", "99999999999999999999"])
def test_a_bad_source_date_epoch_is_a_usage_error(tiny, capsys, monkeypatch, value):
    book(tiny)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    code, err = run(tiny, capsys)
    assert code == 64
    assert "SOURCE_DATE_EPOCH" in err and "seconds since 1970" in err
    assert not tiny.out.exists()


def test_deeply_nested_quotes_are_refused_with_their_line(tiny, capsys):
    book(tiny, "Before.\n\n" + "> " * 5000 + "deep\n")
    code, err = run(tiny, capsys)
    assert code == 65
    assert "01-one.md:9:" in err and "nested more than" in err
    assert not tiny.out.exists()


def test_a_deeply_nested_list_is_refused(tiny, capsys):
    book(tiny, "".join("  " * i + "- item\n" for i in range(300)))
    code, err = run(tiny, capsys)
    assert code == 65 and "01-one.md:" in err and "nested more than" in err


def test_billion_laughs_in_front_matter_stops_at_once(tiny, capsys):
    lines = ['lol0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"lol{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    book(tiny, extra="\n".join(lines))
    code, err = run(tiny, capsys)
    assert code == 65 and "01-one.md:" in err and "aliases" in err


def test_deeply_nested_yaml_does_not_crash(tiny, capsys):
    book(tiny, extra="deep: " + "[" * 100_000 + "]" * 100_000)
    code, err = run(tiny, capsys)
    assert code == 65 and "01-one.md:" in err and "nested more than" in err


def test_an_oversized_chapter_is_refused(tiny, capsys):
    book(tiny, ("A sentence of some words. " * 40 + "\n\n") * (MAX_CHAPTER_BYTES // 1000 + 10))
    code, err = run(tiny, capsys)
    assert code == 65 and "01-one.md" in err and "MB" in err and "split it" in err


def test_an_out_folder_whose_parent_is_a_file_names_it(tiny, capsys):
    book(tiny)
    blocker = tiny.write("not-a-folder", "a file")
    tiny.out = blocker / "dist"
    code, err = run(tiny, capsys)
    assert code == 73 and "not-a-folder" in err and "--out" in err
    assert blocker.read_text() == "a file"


def test_a_damaged_conversion_cache_entry_is_converted_again(tiny, capsys):
    book(tiny, "Some *marked* text.")
    assert tiny.build("html") == 0
    entries = list((tiny.root / ".cache").rglob("*.json"))
    assert entries
    for entry in entries:
        entry.write_text("{}", "utf-8")
    tiny.chapter("01-one.md", "Uno", "Some *marked* text.", number="1")  # the same body, parsed anew
    code, err = run(tiny, capsys)
    assert code == 0, err
    assert "<em>marked</em>" in (tiny.out / "html" / "01-one.html").read_text("utf-8")


# A book's own template that fails (issue 19.3): an error at the template's
# line, exit 65, not "internal error". The index is rendered in the print
# worker (press.parallel), whose frames cross the pipe as text.
@pytest.mark.parametrize("template, line, fault, kind", [
    ("templates/partials/copyright.html.j2", 1, '{% include "../../../../etc/passwd" %}', "TemplateNotFound"),
    ("templates/partials/copyright.html.j2", 1, "{{ nonexistent.attr }}", "UndefinedError"),
    ("templates/partials/copyright.html.j2", 1, "{% if %}", "TemplateSyntaxError"),
])
def test_a_failing_template_of_the_book_names_its_line(tiny, capsys, template, line, fault, kind):
    book(tiny)
    path = tiny.own(template)
    text = path.read_text("utf-8")
    path.unlink()  # tiny.own may hard-link the toolchain's file: write a new one
    path.write_text(fault + "\n" + text, "utf-8")
    before = snapshot(tiny.out)
    code, err = run(tiny, capsys, "pdf")
    assert code == 65, err
    assert f"error: {template}:{line}: the template fails: {kind}" in err, err
    assert snapshot(tiny.out) == before


def test_a_failing_template_in_the_print_worker_names_its_line(tiny, capsys):
    tiny.write("content/index.yaml", 'entries:\n  word:\n    heading: "word"\n    forms: ["word"]\n')
    book(tiny, body="A word here.")
    path = tiny.own("templates/partials/index.html.j2")
    lines = path.read_text("utf-8").split("\n")
    path.unlink()
    at = next(i for i, text in enumerate(lines) if "#}" in text) + 1  # after the opening comment
    lines.insert(at, "{{ nonexistent.attr }}")
    path.write_text("\n".join(lines), "utf-8")
    code, err = run(tiny, capsys, "pdf")
    assert code == 65, err
    assert f"error: templates/partials/index.html.j2:{at + 1}: the template fails: UndefinedError" in err, err


@pytest.mark.parametrize("where", [".", "..", "content", "content/chapters/out", "styles", "templates/x"])
def test_an_out_folder_among_the_books_sources_is_refused(tiny, capsys, where):
    """Publishing swaps the out folder whole: the book's own folder (or one
    holding it, or its sources) as --out is refused before anything is written."""
    from press.cli import main

    book(tiny)
    before = snapshot(tiny.root)
    out = (tiny.root / where).resolve()
    code = main(["html", "--root", str(tiny.root), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 64, err
    assert f"error: --out: the out folder {out} holds the book's sources or is inside them" in err, err
    assert "Traceback" not in err
    assert snapshot(tiny.root) == before


@pytest.mark.parametrize("char, name", [("\x00", "NULL"), ("\x0c", "FORM FEED"), ("\x1b", "ESCAPE")])
def test_a_character_no_edition_can_hold_is_refused_at_its_line_and_column(tiny, capsys, char, name):
    book(tiny, body=f"First line.\n\nThe second{char} line.")
    code, err = run(tiny, capsys)
    assert code == 65, err
    assert f"content/chapters/01-one.md:9: column 11 holds U+{ord(char):04X} ({name})" in err, err
    assert not tiny.out.exists()


def test_a_control_character_in_book_yaml_is_refused_too(tiny, capsys):
    book(tiny)
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text.replace('title: "', 'title: "\x0c', 1))
    code, err = run(tiny, capsys)
    assert code == 65, err
    assert "content/book.yaml:" in err and "U+000C (FORM FEED)" in err, err


def test_new_reports_a_folder_it_cannot_write(tmp_path, capsys, monkeypatch):
    """`new` has no out folder: a refusal to write is still its own exit code, not a crash in the handler."""
    from press.cli import main
    import press.commands.scaffold as scaffold

    def refuse(args, progress):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(tmp_path / "newbook"))
    monkeypatch.setattr(scaffold, "run", refuse)
    code = main(["new", str(tmp_path / "newbook"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 73, err
    assert "Traceback" not in err and "cannot write" in err, err
