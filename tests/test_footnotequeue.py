"""WeasyPrint's footnote queue as a set as well as a list (press/editions/footnotequeue.py):
it answers as a list does, and the pages laid out with it are the pages laid out without it."""

from __future__ import annotations

import random

from press.editions import footnotequeue
from press.editions.footnotequeue import Queue


class Box:  # WeasyPrint's boxes compare by identity, as this does
    pass


def test_the_queue_answers_as_a_list_does():
    rng = random.Random(7)
    items = [Box() for _ in range(50)]
    queue, plain = Queue(), []
    for _ in range(2000):
        item = rng.choice(items)
        op = rng.choice(["append", "remove", "insert", "pop", "copy", "extend"])
        if op == "append":
            queue.append(item), plain.append(item)
        elif op == "remove" and item in plain:
            queue.remove(item), plain.remove(item)
        elif op == "insert":
            at = rng.randrange(len(plain) + 1)
            queue.insert(at, item), plain.insert(at, item)
        elif op == "pop" and plain:
            assert queue.pop(0) is plain.pop(0)
        elif op == "copy":
            queue, plain = queue.copy(), plain.copy()
            assert isinstance(queue, Queue)
        elif op == "extend":
            more = rng.sample(items, 3)
            queue.extend(more), plain.extend(more)
        assert list(queue) == plain
        assert all((x in queue) == (x in plain) for x in items)
        assert bool(queue) == bool(plain)


def _pages(html: str) -> list:
    """Every line of every page: its text and its position, and the page count."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    lines = []
    for number, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            if type(box).__name__ == "LineBox":
                text = "".join(getattr(b, "text", "") for b in box.descendants())
                lines.append((number, round(box.position_x, 3), round(box.position_y, 3), text))
    return lines


def test_pages_with_the_queue_are_the_pages_without_it():
    from weasyprint.layout import LayoutContext

    notes = "".join(f'<p>Paragraph {i} of the chapter, which says a little more than it needs to, '
                    f'and has its note.<span class="fn">Note {i}, '
                    + "long enough to take two lines at the foot of a page, or three, " * (i % 4)
                    + "done.</span></p>" for i in range(160))
    html = ("<style>@page { size: 12cm 16cm; margin: 2cm } .fn { float: footnote } "
            "p { margin: 0 0 .5em }</style>" + notes)
    footnotequeue.mend()
    mended = LayoutContext.__init__
    try:
        LayoutContext.__init__ = mended.original
        without = _pages(html)
    finally:
        LayoutContext.__init__ = mended
    with_queue = _pages(html)
    assert len({page for page, *_ in with_queue}) > 10  # notes on many pages, some carried over
    assert with_queue == without
