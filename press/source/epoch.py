"""SOURCE_DATE_EPOCH read once, and refused with a clear message when malformed.

reproducible-builds.org defines it as a decimal count of seconds since
1970-01-01 UTC. An empty value, a word, a negative number or a date past
the year 9999 is a mistake in the environment, not a bug of the build.
"""

from __future__ import annotations

import os

from ..errors import Problem, UsageError

LATEST = 253402300799  # 9999-12-31 23:59:59 UTC, the last second a date can show


def epoch() -> int | None:
    """The environment's SOURCE_DATE_EPOCH as an integer, None when it is not set."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return None
    text = value.strip()
    if not text.isascii() or not text.isdigit() or int(text) > LATEST:
        raise UsageError([Problem("", None, (
            f"SOURCE_DATE_EPOCH={value!r} is not a date: it must be a whole number of seconds "
            f"since 1970-01-01 UTC, from 0 to {LATEST} (e.g. SOURCE_DATE_EPOCH=1700000000), "
            "or be unset"))])
    return int(text)


def check_epoch() -> None:
    """Refuse a malformed SOURCE_DATE_EPOCH before any work is done."""
    epoch()
