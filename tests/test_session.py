"""The session (press.session): what a build keeps is the session's, never a module's.

Two sessions share nothing; a session with no cache folder writes nothing to
disk; schema validation keeps parsed dates only in the table it is handed;
and no module under press/ keeps a cache of its own (an AST scan, so that
one cannot come back unnoticed).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from press.book.unitwork import UNIT_OUTPUT, UNIT_WORK
from press.pipeline import build
from press.session import Session

from .conftest import REPO
from .test_chronology import EVENTS, SETTINGS

PRESS = REPO / "press"


def tiny_with_dates(tiny):
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8") + SETTINGS)
    tiny.chapter("01-one.md", "One", "[First passage]{#ev-a} on page one.", kind="introduction", extra=EVENTS)
    tiny.chapter("02-two.md", "Two", "Another page.", kind="appendix")
    return tiny


def test_two_sessions_do_not_share_remembered_results(tiny):
    tiny.chapter("01-one.md", "One", "A first page.", kind="introduction")
    tiny.chapter("02-two.md", "Two", "A second page.", kind="appendix")
    first, second = Session.for_book(tiny.root, remember=True), Session.for_book(tiny.root, remember=True)
    build(tiny.root, ["html"], tiny.out, session=first)
    build(tiny.root, ["html"], tiny.out, session=first, force=True)
    assert first.memo(UNIT_WORK).hits == 2  # the same session remembers both units
    build(tiny.root, ["html"], tiny.out, session=second, force=True)
    assert second.memo(UNIT_WORK).hits == 0  # another starts empty, though the book is the same
    forgetful = Session.for_book(tiny.root)  # a one-shot build's: remembers nothing in memory
    build(tiny.root, ["html"], tiny.out, session=forgetful, force=True)
    build(tiny.root, ["html"], tiny.out, session=forgetful, force=True)
    assert forgetful.memo(UNIT_WORK).hits == 0
    memo = first.memo("a memo")
    memo.put("key", "value")
    assert memo.get("key") == "value" and second.memo("a memo").get("key") is None


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_each_units_work_is_kept_for_the_next_process_and_a_damaged_entry_is_done_again(tiny):
    """A one-shot build keeps each unit's transforms and HTML in .cache/memo/ (issue 20):
    the next process reads them instead of doing the work, gives the same bytes,
    and does again the work of an entry that was edited, cut short or made by other code."""
    tiny.chapter("01-one.md", "One", "A first page, with *emphasis*.", kind="introduction")
    tiny.chapter("02-two.md", "Two", "A second page.", kind="appendix")
    build(tiny.root, ["html", "epub"], tiny.out, session=Session.for_book(tiny.root))
    cold = files(tiny.out)
    kept = tiny.root / ".cache" / "memo" / "unit-work"
    entries = sorted(p for p in kept.iterdir())
    assert len(entries) == 2 and len(list((kept.parent / "unit-output").iterdir())) == 2

    def again() -> Session:
        session = Session.for_book(tiny.root)
        build(tiny.root, ["html", "epub"], tiny.out, session=session, force=True)
        assert files(tiny.out) == cold
        return session

    assert again().memo(UNIT_WORK).kept_hits == 2
    assert again().memo(UNIT_OUTPUT).kept_hits == 2
    first, second = sorted(entries, key=lambda entry: b"emphasis" not in entry.read_bytes())
    assert b"emphasis" in first.read_bytes()  # the first unit's text, in its pickle
    first.write_bytes(first.read_bytes().replace(b"emphasis", b"EMPHASIS"))
    assert again().memo(UNIT_WORK).kept_hits == 1  # edited: not read, done again and written anew
    second.write_bytes(second.read_bytes()[:40])
    assert again().memo(UNIT_WORK).kept_hits == 1  # cut short
    assert again().memo(UNIT_WORK).kept_hits == 2  # both written again
    other = Session.for_book(tiny.root)
    other.memo(UNIT_WORK, kept="other code")  # the salt: what made the entries
    build(tiny.root, ["html", "epub"], tiny.out, session=other, force=True)
    assert other.memo(UNIT_WORK).kept_hits == 0 and files(tiny.out) == cold
    (tiny.content / "chapters" / "02-two.md").unlink()
    build(tiny.root, ["html"], tiny.out, session=Session.for_book(tiny.root))
    assert len(list(kept.iterdir())) == 1  # a build keeps only the entries it used


def test_what_is_kept_on_disk_is_salted_with_the_installed_packages(tmp_path, monkeypatch):
    """A package upgraded (another ``*.dist-info`` on the path) gives another
    code digest, so kept units and print pieces are not read by the new code."""
    import sys

    from press.memo import code_digest

    before = code_digest.__wrapped__()
    assert before == code_digest()  # the same process, the same code
    (tmp_path / "weasyprint-99.0.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [*sys.path, str(tmp_path)])
    assert code_digest.__wrapped__() != before


def test_a_build_with_no_cache_folder_writes_no_dates_table(tiny):
    tiny_with_dates(tiny)
    build(tiny.root, ["html"], tiny.out, session=Session())
    records = json.loads(next(tiny.out.glob("*-chronology.json")).read_text("utf-8"))
    assert {r["date"] for r in records} >= {"1845/1851", "197X"}  # the dates were parsed
    assert not list(tiny.root.rglob("edtf-dates.json"))
    assert not (tiny.root / ".cache" / "pandoc").exists()
    # With the book's cache folder, the same build keeps them (so the check above can fail).
    session = Session.for_book(tiny.root)
    build(tiny.root, ["html"], tiny.out, session=session, force=True)
    kept = json.loads((tiny.root / ".cache" / "edtf-dates.json").read_text("utf-8"))["edtf-dates"]
    assert kept["1845/1851"] == ["Interval", [1845, 1, 1], [1851, 12, 31]]


def test_validation_keeps_dates_only_in_the_table_it_is_handed(tmp_path):
    from press.source.schema import FrontMatter, validate
    from press.source.yamlsrc import load

    located = load('title: "One"\nkind: introduction\nchronology:\n'
                   '  - {date: "1883-10-20", event: "E.", anchor: "a", theme: "t"}\n', "one.md")
    table = Session(tmp_path).dates
    meta, problems = validate(FrontMatter, located, "one.md", {"dates": table})
    assert meta is not None and not problems
    assert table.get("1883-10-20") == ["Date", (1883, 10, 20), (1883, 10, 20)]
    other = Session(tmp_path).dates  # not saved: a new session finds nothing
    assert other.get("1883-10-20") is None
    meta, problems = validate(FrontMatter, located, "one.md")  # no table: still parsed and checked
    assert meta is not None and other.get("1883-10-20") is None
    bad = load('title: "One"\nkind: introduction\nchronology:\n'
               '  - {date: "19xx-99", event: "E.", anchor: "a", theme: "t"}\n', "one.md")
    meta, problems = validate(FrontMatter, bad, "one.md", {"dates": table})
    assert meta is None and "not a valid EDTF date" in str(problems[0]) and table.get("19xx-99") is None


# --- no module state ------------------------------------------------------------------

# Module-level state that is not a cache a later build reads, each with its reason.
ALLOWED_STATE = {
    ("upstream.py", "_ORIGINALS"),  # the originals a monkeypatch replaced, to undo it
}

# functools.cache / lru_cache on functions of the installed tools and libraries
# (or of their arguments alone), the same for every book and every build.
ALLOWED_CACHED = {
    ("tools.py", "pandoc_path"), ("tools.py", "pandoc_version"), ("tools.py", "check_pango"),
    ("memo.py", "code_digest"),  # the toolchain's code and the installed packages, which a process does not change
    ("publishing.py", "_renameat2"),  # the C library's renameat2, looked up once
    ("gates/proofreading/spelling.py", "_checker"),  # pyspellchecker's dictionary for a language
    ("gates/proofreading/spelling.py", "_hunspell"),  # a Hunspell dictionary, by its files' path
    ("commands/check.py", "_plain"),  # a title's text through pandoc: a pure function of the text
    ("editions/inks.py", "_convert"), ("editions/inks.py", "_transform"),  # colour conversion by an ICC profile's bytes
    ("editions/cover.py", "_advances"),  # a font file's advance widths, by its path
    ("editions/cover.py", "_transform"),  # an ICC profile's transform, by its path
}

MUTATORS = {"append", "extend", "insert", "pop", "popitem", "clear", "update", "setdefault", "add", "discard",
            "remove", "__setitem__"}
EMPTY_CALLS = {"dict", "list", "set", "defaultdict", "OrderedDict", "WeakValueDictionary", "WeakKeyDictionary"}
STATEFUL_CALLS = {"Memo", "KeptTable", "Session"}


def _name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _module_assignments(tree: ast.Module):
    """(name, value) of the assignments run at import (including under if/try)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.If, ast.Try)):
            todo.extend(node.body + node.orelse + getattr(node, "finalbody", [])
                        + [s for h in getattr(node, "handlers", []) for s in h.body])
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    yield target.id, node.value
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            yield node.target.id, node.value


def _mutated_in_functions(tree: ast.Module, names: set[str]) -> set[str]:
    """Module-level names that a function changes in place (x[k] = v, x.append(v), ...)."""
    found = set()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        local = {n.id for n in ast.walk(function) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        local |= {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
        for node in ast.walk(function):
            target = None
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
                for t in getattr(node, "targets", None) or [node.target]:
                    if isinstance(t, ast.Subscript) and isinstance(t.value, ast.Name):
                        target = t.value.id
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in MUTATORS and isinstance(node.func.value, ast.Name):
                target = node.func.value.id
            if target in names and target not in local:
                found.add(target)
    return found


def module_state(path: Path, shown: str | None = None) -> list[str]:
    """What ``path`` (``shown``: its name under press/) keeps at module level that a
    build could fill: problems, as text."""
    tree = ast.parse(path.read_text("utf-8"))
    shown = shown or path.relative_to(PRESS).as_posix()
    problems = [f"{shown}:{n.lineno}: 'global {', '.join(n.names)}'" for n in ast.walk(tree)
                if isinstance(n, ast.Global)]
    assigned = dict(_module_assignments(tree))
    for name in _mutated_in_functions(tree, set(assigned)):
        if (shown, name) not in ALLOWED_STATE:
            problems.append(f"{shown}: module-level '{name}' is changed by a function")
    for name, value in assigned.items():
        empty = (isinstance(value, (ast.Dict, ast.List, ast.Set)) and not getattr(value, "keys", None)
                 and not getattr(value, "elts", None)) or (
            isinstance(value, ast.Call) and _name(value.func) in EMPTY_CALLS and not value.args)
        stateful = isinstance(value, ast.Call) and _name(value.func) in STATEFUL_CALLS
        if (empty or stateful) and (shown, name) not in ALLOWED_STATE:
            problems.append(f"{shown}: module-level '{name}' is an empty container or a memo: a cache")
    for function in ast.walk(tree):
        if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in function.decorator_list:
                called = decorator.func if isinstance(decorator, ast.Call) else decorator
                if _name(called) in {"cache", "lru_cache"} and (shown, function.name) not in ALLOWED_CACHED:
                    problems.append(f"{shown}: {function.name}() is cached for the whole process")
    return problems


def test_no_module_keeps_state_that_a_later_build_reads():
    problems = [p for path in sorted(PRESS.rglob("*.py")) for p in module_state(path)]
    assert not problems, "keep it in press.session.Session instead:\n" + "\n".join(problems)


def test_the_scan_finds_module_caches(tmp_path):
    """The scan above can fail: each kind of module state it looks for is found."""
    sample = tmp_path / "sample.py"
    source = ("import functools\nfrom .memo import Memo\n_SEEN = {}\nREMEMBERED = Memo('x')\n"
              "TABLE = {'a': 1}\nCONSTANT = {'b': 2}\n"
              "def f(k):\n    global _LAST\n    TABLE[k] = 1\n    return CONSTANT[k]\n"
              "@functools.lru_cache(maxsize=None)\ndef g(x):\n    return x\n")
    sample.write_text(source, "utf-8")
    found = "\n".join(module_state(sample, "sample.py"))
    for expected in ("'_SEEN' is an empty container", "'REMEMBERED' is an empty container or a memo",
                     "'TABLE' is changed", "global _LAST", "g() is cached"):
        assert expected in found, (expected, found)
    assert "CONSTANT" not in found
