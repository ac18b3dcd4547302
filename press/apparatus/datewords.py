"""Dates and numbers written out for readers by CLDR's patterns, through Babel.

``write_out(parsed, words, locale)`` writes an EDTF date (press.source.dates)
in the book's language: a day by the locale's long date pattern ("3 August
1821", "3 de agosto de 1821", "3 août 1821"), a month by the ``yMMMM``
skeleton ("agosto de 1821"), a year as it is, and an interval of two dates of
one precision by CLDR's interval formats ("6–9 April 2005", "1845–1851").
CLDR has no decades or centuries: they come from the locale file's
``date_decade`` and ``date_century`` (with the century's number in the
numerals ``date_century_numerals`` says and the ordinal suffix that Babel's
ordinal plural rules pick from ``ordinal_suffixes``). The day's number is tied
to the word after it with a no-break space, as the house has always set it.
"""

from __future__ import annotations

import re
from datetime import date

from ..source import dates

NBSP = "\u00a0"
# A precision's CLDR skeleton (a year is written as it is).
SKELETONS = {2: "yMMMM", 3: "yMMMMd"}


def cldr_locale(language: str | None, preferred: str | None = None):
    """Babel's Locale for the book's language (a BCP 47 tag, "es", "en-US").
    A bare language takes the locale file's ``date_locale`` when that is a
    region of the same language (English dates here are day, month, year:
    "en-GB"); a tag Babel does not know falls back to its language."""
    from babel import Locale, UnknownLocaleError

    tag = (language or preferred or "en").replace("-", "_")
    if preferred and "_" not in tag and preferred.replace("-", "_").split("_")[0] == tag:
        tag = preferred.replace("-", "_")
    try:
        return Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(tag.split("_")[0])


def locale_for(words: dict, language: str | None = None):
    """The CLDR locale of a book: its language, with the locale file's preference."""
    preferred = words.get("date_locale") if hasattr(words, "get") else None
    return cldr_locale(language, preferred if isinstance(preferred, str) else None)


def _tie_day(pattern: str) -> str:
    """The space after the day's field ("d MMMM") made no-break."""
    return re.sub(r"(?<![A-Za-z'])(d{1,2}) ", rf"\1{NBSP}", pattern)


def _pattern(locale, precision: int) -> str:
    if precision == 3:
        return locale.date_formats["long"].pattern
    from babel.dates import match_skeleton

    skeleton = match_skeleton(SKELETONS[precision], locale.datetime_skeletons) or SKELETONS[precision]
    return str(locale.datetime_skeletons[skeleton].pattern) if skeleton in locale.datetime_skeletons else "MMMM y"


def _apply(pattern: str, day: date, locale) -> str:
    from babel.dates import parse_pattern

    return parse_pattern(_tie_day(pattern)).apply(day, locale)


def _interval(start: tuple, end: tuple, locale) -> str | None:
    """Two dates of one precision by CLDR's interval formats, or None when
    the locale has none for them. A format found for abbreviated months
    ("d MMM y") is widened to the full names the skeleton asks for, as CLDR
    says to adjust field widths."""
    precision = len(start)
    formats = locale.interval_formats
    if precision == 1:
        candidates = [("y", False)]
    else:
        skeleton = SKELETONS[precision]
        candidates = [(skeleton, False), (skeleton.replace("MMMM", "MMM"), True)]
    for skeleton, widen in candidates:
        if skeleton not in formats:
            continue
        fields = formats[skeleton]
        keys = ["y", "M", "d"][:precision]
        field = next((k for k, a, b in zip(keys, start, end) if a != b), None)
        if field is None:
            return _apply(_pattern(locale, precision), date(*(list(start) + [1, 1])[:3]), locale)
        if field not in fields:
            return None
        halves = []
        for pattern, when in zip(fields[field], (start, end)):
            pattern = str(pattern)
            if widen:
                pattern = re.sub(r"(?<!M)MMM(?!M)", "MMMM", pattern)
            halves.append(_apply(pattern, date(*(list(when) + [1, 1])[:3]), locale))
        return "".join(halves)
    return None


def _suffix(words: dict, locale, number: int) -> str:
    suffixes = words.get("ordinal_suffixes") or {}
    if not suffixes:
        return ""
    return suffixes.get(locale.ordinal_form(number), suffixes.get("other", ""))


def roman(number: int) -> str:
    """A number in roman numerals (centuries: XIX)."""
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while number >= value:
            out += letters
            number -= value
    return out


def century(words: dict, locale, number: int) -> str:
    """The ``number``th century in the locale's words: "the 19th century", "el siglo XIX"."""
    numerals = words.get("date_century_numerals", "arabic")
    shown = roman(number) if numerals == "roman" else str(number)
    return words.get("date_century", "the {century}{suffix} century").format(
        century=shown, suffix=_suffix(words, locale, number))


def _plain(text: str) -> tuple | None:
    """A date of a year, a month or a day as its numbers, or None."""
    if re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        return tuple(int(n) for n in text.split("-"))
    return None


def write_out(parsed: dates.EDTFDate, words: dict, locale=None, table=None) -> str:
    """An EDTF date in words: 3 August 1821, October 2010, 1845–1851, the 1970s, c. 1850.

    ``words``: the locale's (the book's typeset interface words);
    ``locale``: Babel's Locale (``locale_for``), by default the words' own.
    """
    locale = locale or locale_for(words)
    text = parsed.text
    if "/" in text:
        first, second = text.split("/", 1)
        start, end = _plain(first), _plain(second)
        if start and end and len(start) == len(end):
            written = _interval(start, end, locale)
            if written:
                return written
        parts = (write_out(dates.parse(part, table), words, locale, table) for part in (first, second))
        if start and end:  # of two precisions: CLDR's fallback ("{0} – {1}")
            return str(locale.interval_formats.get(None) or "{0}\u2013{1}").format(*parts)
        return "\u2013".join(parts)
    qualifier = ""
    if text.endswith(("~", "%")):
        qualifier = words.get("date_approximate", "c.") + NBSP
        text = text.rstrip("~%")
    uncertain = text.endswith("?")
    text = text.rstrip("?")
    decade = re.fullmatch(r"(\d{3})X", text)
    hundreds = re.fullmatch(r"(\d{2})XX", text)
    plain = _plain(text)
    if decade:
        written = words.get("date_decade", "the {year}s").format(year=f"{decade.group(1)}0")
    elif hundreds:
        written = century(words, locale, int(hundreds.group(1)) + 1)
    elif plain and len(plain) > 1:
        written = _apply(_pattern(locale, len(plain)), date(*(list(plain) + [1])[:3]), locale)
    else:
        written = text
    return f"{qualifier}{written}{'?' if uncertain else ''}"


def number(value, words: dict, language: str | None = None) -> str:
    """A count as the book's language writes numbers (CLDR): 6,784 / 6784 / 6 784.

    Babel's data lacks CLDR's minimumGroupingDigits (Spanish groups a number
    only from five digits): the locale file's ``number_grouping_min`` gives it.
    """
    from babel.numbers import format_decimal

    least = int(words.get("number_grouping_min", 1) or 1) if hasattr(words, "get") else 1
    grouped = abs(int(value)) >= 10 ** (2 + least)
    return format_decimal(value, locale=locale_for(words, language), group_separator=grouped)
