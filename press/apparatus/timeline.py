"""The timeline figure: the chronology's events on one axis, a row per theme.

Generated at build time as SVG from the same data as the appendix. Themes
are rows as well as colours, so the figure does not rely on colour alone
(WCAG 1.4.1); the palette is Okabe and Ito's, legible to colour-blind
readers. The text alternative says what the figure shows and points to the
list that gives the events in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from .chronology import Chronology

# Okabe & Ito (2008), "Color Universal Design", plus two greys.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442",
           "#999999", "#666666"]
WIDTH, LEFT, RIGHT, TOP, ROW = 600, 196, 14, 40, 26


@dataclass
class Tick:
    x: float
    x2: float | None  # end of a period
    row: int
    colour: str
    title: str


def figure(chronology: Chronology) -> dict:
    """Everything the SVG template needs: axis, rows, marks, text alternative."""
    events = chronology.events
    first = min(e.parsed.lower[0] for e in events)
    last = max(e.parsed.upper[0] for e in events)
    start, end = first - first % 10, last + (10 - last % 10) % 10
    span = max(1, end - start)

    def x(year: float) -> float:
        return LEFT + (year - start) / span * (WIDTH - LEFT - RIGHT)

    themes = [t for t in chronology.themes if any(e.theme == t for e in events)]
    rows = {theme: i for i, theme in enumerate(themes)}
    marks = []
    for event in events:
        lo, hi = _year(event.parsed.lower), _year(event.parsed.upper, end=True)
        row = rows[event.theme]
        marks.append(Tick(x(lo), x(hi) if hi - lo > 1.5 else None, row, PALETTE[row % len(PALETTE)],
                          f"{event.written}: {event.theme}"))
    ticks = [(x(year), year) for year in range(start, end + 1, 20 if span > 100 else 10)]
    height = TOP + ROW * len(themes) + 30
    return {
        "width": WIDTH, "height": height, "left": LEFT, "right": WIDTH - RIGHT, "top": TOP, "row": ROW,
        "rows": [(i, chronology.themes[t], PALETTE[i % len(PALETTE)]) for i, t in enumerate(themes)],
        "marks": marks, "ticks": ticks, "first": first, "last": last, "count": len(events),
        "counts": [(chronology.themes[t], sum(e.theme == t for e in events)) for t in themes],
    }


def _year(day: tuple[int, int, int], end: bool = False) -> float:
    year, month, date = day
    fraction = ((month - 1) * 30.4 + date) / 365.0
    return year + min(fraction, 1.0)
