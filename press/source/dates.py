"""EDTF dates (Library of Congress Extended Date/Time Format), parsed by the
``edtf`` library.

``parse(text, table)`` takes a date's text and gives an ``EDTFDate`` (its
kind and the earliest and latest day it can mean), or raises ValueError with
a hint. Parsing costs milliseconds per date, and loading the grammar a
quarter of a second: a build hands in its session's dates table
(press.session.Session.dates, kept in ``<cache>/edtf-dates.json``), so that
the next build parses only the dates that are new. Without a table a date is
parsed and not kept; a date that does not parse is never kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..memo import KeptTable


@dataclass(frozen=True)
class EDTFDate:
    text: str
    kind: str  # the edtf class name: Date, Interval, Unspecified, UncertainOrApproximate, ...
    lower: tuple[int, int, int]  # earliest day the date can mean
    upper: tuple[int, int, int]  # latest day


def parse(text: str, table: KeptTable | None = None) -> EDTFDate:
    """Parse an EDTF string (looked up in, and added to, ``table``); raises
    ValueError with a hint when it is not one."""
    kept = table.get(text) if table is not None else None
    if kept is not None:
        kind, lower, upper = kept
        return EDTFDate(text, kind, tuple(lower), tuple(upper))
    import edtf

    try:
        parsed = edtf.parse_edtf(text)
    except Exception:  # edtf raises its own EDTFParseException, and others on odd input
        raise ValueError(
            f"'{text}' is not a valid EDTF date (e.g. 1883, 2010-10, 2014-01-27, 1845/1851, 197X)"
        ) from None
    date = EDTFDate(text, type(parsed).__name__, tuple(parsed.lower_strict()[:3]),
                    tuple(parsed.upper_strict()[:3]))
    if table is not None:
        table.put(text, [date.kind, date.lower, date.upper])
    return date
