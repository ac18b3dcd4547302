"""EDTF dates (Library of Congress Extended Date/Time Format), parsed by the
``edtf`` library and remembered: parsing costs milliseconds per date."""

from __future__ import annotations

import functools
from dataclasses import dataclass


@dataclass(frozen=True)
class EDTFDate:
    text: str
    kind: str  # the edtf class name: Date, Interval, Unspecified, UncertainOrApproximate, ...
    lower: tuple[int, int, int]  # earliest day the date can mean
    upper: tuple[int, int, int]  # latest day


@functools.lru_cache(maxsize=None)
def parse(text: str) -> EDTFDate:
    """Parse an EDTF string; raises ValueError with a hint when it is not one."""
    import edtf

    try:
        parsed = edtf.parse_edtf(text)
    except Exception:  # edtf raises its own EDTFParseException, and others on odd input
        raise ValueError(
            f"'{text}' is not a valid EDTF date (e.g. 1883, 2010-10, 2014-01-27, 1845/1851, 197X)"
        ) from None
    return EDTFDate(text, type(parsed).__name__, tuple(parsed.lower_strict()[:3]),
                    tuple(parsed.upper_strict()[:3]))
