"""WeasyPrint's footnote queue, made a set as well as a list: footnotes in linear time (issue 19.6).

WeasyPrint 70 keeps the footnotes not yet placed in a list
(``LayoutContext.footnotes``), and asks of every box of every line laid out
whether its footnote is in that list (``layout/block.py``): a search of the
whole list each time, so a chapter's layout time grows with the square of
its notes (2,450 notes: 44 s; 4,900: 115 s). ``Queue`` is that list with a
count of its members by identity beside it, so the question costs nothing;
order, copies and removal are the list's own. WeasyPrint's boxes compare by
identity (no ``__eq__``), so counting by ``id`` answers as ``list`` does.
The pages are the same (tests/test_footnotequeue.py lays a chapter of
notes out both ways and compares every line's text and position).
"""

from __future__ import annotations

from collections import Counter


class Queue(list):
    """A list whose ``in`` is a dictionary lookup (members counted by identity)."""

    def __init__(self, items=()):
        super().__init__(items)
        self._count = Counter(id(item) for item in self)

    def __contains__(self, item) -> bool:
        return self._count.get(id(item), 0) > 0

    def append(self, item) -> None:
        super().append(item)
        self._count[id(item)] += 1

    def extend(self, items) -> None:
        items = list(items)
        super().extend(items)
        self._count.update(id(item) for item in items)

    def insert(self, index, item) -> None:
        super().insert(index, item)
        self._count[id(item)] += 1

    def remove(self, item) -> None:
        super().remove(item)
        self._count[id(item)] -= 1

    def pop(self, index=-1):
        item = super().pop(index)
        self._count[id(item)] -= 1
        return item

    def clear(self) -> None:
        super().clear()
        self._count.clear()

    def copy(self) -> "Queue":
        return Queue(self)

    def __setitem__(self, index, value) -> None:  # not used by WeasyPrint: kept correct all the same
        super().__setitem__(index, value)
        self._count = Counter(id(item) for item in self)

    def __delitem__(self, index) -> None:
        super().__delitem__(index)
        self._count = Counter(id(item) for item in self)

    def __iadd__(self, items):
        self.extend(items)
        return self


def mend() -> None:
    """Give every layout context a ``Queue`` of footnotes (once per process: the wrapper says so)."""
    from weasyprint.layout import LayoutContext

    original = LayoutContext.__init__
    if getattr(original, "mended", False):
        return

    def __init__(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self.footnotes = Queue(self.footnotes)

    __init__.mended = True
    __init__.original = original  # for the test that lays the same pages out both ways
    LayoutContext.__init__ = __init__
