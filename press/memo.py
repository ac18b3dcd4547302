"""Remembered results of pure work, keyed by a digest of everything they depend on.

The live preview (``build.py watch``) rebuilds the web edition after every
save, and a save changes one chapter: most of the book's work (each unit's
transforms and HTML, the apparatus sections, the web pages' frames) would
come out the same as last time. A ``Memo`` keeps those results in this
process, under a key that digests all of their inputs, so that an unchanged
unit costs a dictionary look-up and a changed one is done again. A result
is the same whether it was remembered or made, so the editions are
byte-identical with a warm or a cold memo (tests/test_incremental.py).

Remembered values are shared between builds: whoever takes one must not
change it (copy first, as ``press.book.ast.clone`` does).

A memo belongs to a session (press.session), which makes it on first use and
says whether it remembers: only a process that builds more than once (the
live preview, which keeps one session across its rebuilds) remembers
anything. Two sessions share no memo, so a build of another folder (a copy
of the book, a test) starts empty.

A memo may also be kept on disk (``folder``): each unit's transforms cost a
new process 3 s for the 20x book, though one chapter changed (issue 20).
An entry's file is named by a digest of its key and of ``salt`` (the code
and tools that made it, ``code_digest``), holds a digest of its name and
bytes, and is not read when either disagrees (edited, cut short, moved); a
build keeps only the entries it used. The files are the build's own, in the
book's cache folder (pickles: whoever can write there can change the build's
code as easily).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import threading
from pathlib import Path
from typing import Any


def digest(*parts: Any) -> str:
    """A stable digest of JSON-able parts (keys sorted, so dict order does not matter)."""
    text = json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_KEPT = b"press-memo-1\n"  # the head of a kept entry's file, then _entry_sha, then the pickle


class Memo:
    """Results of one kind of work, by key; holds at most what the latest build used.

    ``folder``: where the entries are also kept between processes (None: in
    this process only), under names salted with ``salt``."""

    def __init__(self, name: str, remember: bool = False, folder: Path | None = None, salt: str = ""):
        self.name = name
        self.remember = remember  # False: put() keeps nothing in memory, get() finds nothing there
        self.folder, self.salt = folder, salt
        self._entries: dict[str, Any] = {}
        self._lock = threading.Lock()
        self.hits = 0  # in memory, since the memo was made (for tests and profiles)
        self.kept_hits = 0  # read from the folder

    def recall(self, keys: list[str]) -> list[Any | None]:
        """The remembered value of each key (None: do the work)."""
        return [self.get(key) for key in keys]

    def get(self, key: str) -> Any | None:
        with self._lock:
            value = self._entries.get(key)
            self.hits += value is not None
        if value is None and self.folder is not None:
            value = self._read(key)
            if value is not None:
                with self._lock:
                    self.kept_hits += 1
                    if self.remember:
                        self._entries[key] = value
        return value

    def put(self, key: str, value: Any) -> None:
        with self._lock:
            if self.remember:
                self._entries[key] = value
        if self.folder is not None:
            data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._path(key)
            write_whole(path, _KEPT + _entry_sha(path.name, data) + data)

    def retain(self, keys) -> None:
        """Forget every entry but ``keys`` (those of the latest build): memory
        stays about one book's worth however many edits the preview sees, and
        so does the folder."""
        keep = set(keys)
        with self._lock:
            self._entries = {k: v for k, v in self._entries.items() if k in keep}
        if self.folder is not None and self.folder.is_dir():
            names = {self._path(key).name for key in keep}
            for path in self.folder.iterdir():
                if path.name not in names and not path.name.startswith("."):
                    path.unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        return self.folder / hashlib.sha256(f"{self.salt}\0{key}".encode("utf-8")).hexdigest()

    def _read(self, key: str) -> Any | None:
        """The kept value of ``key``; None when there is none, or its file is damaged, cut short or edited."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        head, body = data[:len(_KEPT) + 32], data[len(_KEPT) + 32:]
        if head != _KEPT + _entry_sha(path.name, body):  # another entry's file, moved here, fails too
            return None
        try:
            return pickle.loads(body)  # the build's own file, checked against its digest
        except (pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError, IndexError):
            return None  # a class changed since (the salt holds the code): the work is done again


def write_whole(path: Path, data: bytes) -> None:
    """``data`` into ``path`` atomically: written beside it under a name of this
    process and thread (dot-first, which ``retain`` leaves alone), then renamed,
    so that a reader never sees half of it."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _entry_sha(name: str, data: bytes) -> bytes:
    """What a kept entry's file must hold before its pickle: a digest of its name and its bytes."""
    return hashlib.sha256(name.encode("ascii") + b"\0" + data).digest()


@functools.cache
def code_digest() -> str:
    """What a result kept on disk was made by: the toolchain's code (every
    module of ``press/``), the Python, and the installed distributions and
    their versions (the names of the ``*.dist-info`` folders on the path,
    read in a millisecond where asking importlib.metadata takes 60)."""
    import sys

    sha = hashlib.sha256(sys.version.encode("utf-8"))
    code = Path(__file__).resolve().parent
    for path in sorted(code.rglob("*.py")):
        sha.update(path.relative_to(code).as_posix().encode("utf-8") + b"\0")
        sha.update(hashlib.sha256(path.read_bytes()).digest())
    names: set[str] = set()  # not the folders' own paths: a test runner's path is a build's
    for entry in sys.path:
        try:
            names.update(n for n in os.listdir(entry or ".") if n.endswith(".dist-info"))
        except OSError:
            continue
    sha.update("\0".join(sorted(names)).encode("utf-8"))
    return sha.hexdigest()


def templates_digest(folders: list[Path]) -> str:
    """The names and text of every template the book uses (its own overrides
    first, then the toolchain's): a changed template renders anew."""
    sha = hashlib.sha256()
    for index, folder in enumerate(folders):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                sha.update(f"{index}:{path.relative_to(folder)}".encode("utf-8") + b"\0")
                sha.update(hashlib.sha256(path.read_bytes()).digest())
    return sha.hexdigest()


def presentation_digest(paths, book) -> str:
    """What every rendering of the book depends on besides its own data: the
    templates' text, book.yaml and the interface strings."""
    return digest(templates_digest(paths.template_dirs), book.config.model_dump_json(), repr(book.strings))


def template_reads(env, name: str, seen: set[str] | None = None) -> set[str] | None:
    """The context variables a Jinja template reads, with the templates it
    includes, imports or extends (jinja2.meta); None when it names one only at
    run time. A rendering can be remembered under a key that holds these."""
    from jinja2 import meta

    seen = set() if seen is None else seen
    if name in seen:
        return set()
    seen.add(name)
    tree = env.parse(env.loader.get_source(env, name)[0])
    names = set(meta.find_undeclared_variables(tree))
    for other in meta.find_referenced_templates(tree):
        found = template_reads(env, other, seen) if other is not None else None
        if found is None:
            return None
        names |= found
    return names


class KeptTable:
    """A small table of results kept on disk between builds: ``<folder>/<name>.json``.

    For pure functions of a short text that cost more to compute than to look
    up (sort keys, parsed dates). The table holds the version of the library
    that computed it and is ignored when that changes; an unreadable file is
    an empty table. ``folder`` None: nothing is read or written.
    """

    def __init__(self, folder: Path | None, name: str, version: str):
        self.path = folder / f"{name}.json" if folder is not None else None
        self.name, self.version = name, version
        self.values: dict[str, Any] = {}
        self.new = False
        try:
            data = json.loads(self.path.read_text("utf-8")) if self.path else {}
        except (OSError, ValueError):
            data = {}
        if (isinstance(data, dict) and data.get("version") == version and isinstance(data.get(name), dict)
                and data.get("sha256") == _table_sha(data[name])):
            self.values = data[name]  # else damaged, edited or another's: computed again

    def get(self, text: str) -> Any | None:
        return self.values.get(text)

    def put(self, text: str, value: Any) -> None:
        self.values[text] = value
        self.new = True

    def save(self) -> None:
        """Write the table if it gained entries (atomically: a reader never sees half of it)."""
        if self.path is None or not self.new:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        table = {"version": self.version, "sha256": _table_sha(self.values), self.name: self.values}
        write_whole(self.path, json.dumps(table, ensure_ascii=False, sort_keys=True).encode("utf-8"))
        self.new = False


def _table_sha(values: dict) -> str:
    """What a kept table's values hash to: a table edited by hand, or cut short, is not read."""
    return hashlib.sha256(json.dumps(values, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()
