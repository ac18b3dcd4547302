"""EDTF dates (Library of Congress Extended Date/Time Format), parsed by the
``edtf`` library and remembered: parsing costs milliseconds per date, and
loading its grammar a quarter of a second. A build keeps what it parsed in
``<cache>/edtf-dates.json`` (``keep_in``), so the next one parses only the
dates that are new; a date that does not parse is never kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .memo import KeptTable


@dataclass(frozen=True)
class EDTFDate:
    text: str
    kind: str  # the edtf class name: Date, Interval, Unspecified, UncertainOrApproximate, ...
    lower: tuple[int, int, int]  # earliest day the date can mean
    upper: tuple[int, int, int]  # latest day


# Parsed dates by text: in memory only until ``keep_in`` names the book's cache.
_KEPT = KeptTable(None, "edtf-dates", "")


def keep_in(cache: Path | None) -> None:
    """Read and keep parsed dates in ``cache`` (None: in this process only)."""
    global _KEPT
    from importlib.metadata import version

    path = cache / "edtf-dates.json" if cache is not None else None
    if path != _KEPT.path:
        _KEPT = KeptTable(cache, "edtf-dates", version("edtf"))


def save() -> None:
    """Write the dates parsed since ``keep_in`` (if any) to its folder."""
    _KEPT.save()


def parse(text: str) -> EDTFDate:
    """Parse an EDTF string; raises ValueError with a hint when it is not one."""
    kept = _KEPT.get(text)
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
    _KEPT.put(text, [date.kind, date.lower, date.upper])
    return date
