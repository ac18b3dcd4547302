"""What a build keeps besides its outputs: one ``Session``, made by the caller and passed down.

A session takes the book's cache folder (``<book>/.cache``; None: nothing is
read from or written to disk) and whether to remember work between builds in
this process. It gives every stage that keeps something the place to keep
it, so that no module holds state that a later build reads:

- ``memo(name)``: the in-memory memos of pure work (press.memo), by name;
  they remember only in a session made with ``remember=True`` (the live
  preview keeps one session across its rebuilds); ``memo(name, kept=salt)``
  also keeps them in ``<cache>/memo/<name>/`` for the next process. A
  one-shot build makes a fresh session, which remembers nothing in memory:
  it would gain nothing and pay for it, in memory and in the time the
  interpreter takes to free it all at exit (about 0.4 s for the 20x book).
- ``dates``: the EDTF dates table (press.source.dates), kept in
  ``<cache>/edtf-dates.json`` between builds; ``save()`` writes what the
  build added. Schema validation and the chronology are handed this table;
  without one, a date is parsed and not kept.
- ``folder(name)``: a sub-folder of the cache (pandoc's results, say), or
  None when the session has no cache folder.

Two sessions share nothing. This module imports only the low levels
(press.memo, the standard library), because every stage receives a session.
"""

from __future__ import annotations

import threading
from pathlib import Path

from .memo import KeptTable, Memo


class Session:
    """The caches, memos and dates table of one build, or of a run of builds."""

    def __init__(self, cache: Path | None = None, *, remember: bool = False):
        self.cache = cache
        self.remember = remember
        self._memos: dict[str, Memo] = {}
        self._dates: KeptTable | None = None
        self._lock = threading.Lock()  # the editions are written by threads

    @classmethod
    def for_book(cls, root: Path, *, remember: bool = False) -> "Session":
        """A session keeping its files in the book's own cache folder, ``<root>/.cache``."""
        return cls(root / ".cache", remember=remember)

    def folder(self, name: str) -> Path | None:
        """``<cache>/<name>``; None when the session keeps nothing on disk."""
        return self.cache / name if self.cache is not None else None

    def memo(self, name: str, kept: str | None = None) -> Memo:
        """The memo called ``name``, made empty on first use (remembers only when the session does).

        ``kept``: what its results depend on besides their keys (the code and
        tools that make them): the memo keeps its entries in
        ``<cache>/memo/<name>/`` too, for the next process (press.memo)."""
        with self._lock:
            if name not in self._memos:
                kept_in = self.folder("memo") if kept is not None else None
                folder = kept_in / name.replace(" ", "-") if kept_in is not None else None
                self._memos[name] = Memo(name, remember=self.remember, folder=folder, salt=kept or "")
            return self._memos[name]

    @property
    def dates(self) -> KeptTable:
        """Parsed EDTF dates by text, read from ``<cache>/edtf-dates.json`` on first use.

        The table holds the ``edtf`` library's version and is ignored when that
        changes (press.memo.KeptTable).
        """
        with self._lock:
            if self._dates is None:
                from importlib.metadata import version

                self._dates = KeptTable(self.cache, "edtf-dates", version("edtf"))
            return self._dates

    def save(self) -> None:
        """Write what this build added to the tables kept on disk (none without a cache folder)."""
        if self._dates is not None:
            self._dates.save()
