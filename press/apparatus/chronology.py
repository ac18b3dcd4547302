"""The chronology: dated events from the chapters' front matter, in date order.

Each event's ``date`` is an EDTF string parsed by the ``edtf`` library
(press.source.dates); events sort by the earliest day they can mean, then the
latest (an interval by its start, then its end), then reading order. Dates
are written out for readers from the same parse ("3 August 1821",
"1845–1851", "the 1970s", "October 2010") by CLDR's patterns for the book's
language (press.apparatus.datewords). The build hands in its dates table (press.session), which
keeps the parsed dates between builds; without one they are parsed anew.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from ..source import dates
from .datewords import locale_for, write_out
from ..errors import Problem
from ..book.model import Locator


@dataclass
class ChronologyEvent:
    """An event of the chronology as built: a chapter's front-matter entry (schema.Event),
    its date parsed and written out, its passage's label."""

    date: str  # EDTF, as written in the front matter
    event: str  # one sentence, inline Markdown (the templates' md filter renders it)
    anchor: str  # id of the passage that tells it
    theme: str
    unit_slug: str
    source: str  # the chapter file (shown path) and its line, for messages
    line: int | None
    order: int  # reading order, to keep same-date events stable
    parsed: dates.EDTFDate | None = None
    label: str = ""  # the passage's label on screen (I.2.3)
    written: str = ""  # the date written out
    text: str = ""  # the event as plain text (press.book.phrases), for the data files

    @property
    def locators(self) -> list:
        """The passage, as the index's locators (for page references in print)."""
        return [Locator(self.anchor, self.unit_slug, self.label)]

    @property
    def sort_key(self) -> tuple:
        return (self.parsed.lower, self.parsed.upper, self.order)


@dataclass
class ChronologyEra:
    title: str
    start: int
    end: int
    events: list[ChronologyEvent] = field(default_factory=list)

    @property
    def by_date(self) -> list[tuple[str, list[ChronologyEvent]]]:
        """The events under their dates as written, each date once: in a
        description list a term is named once, its events are its details."""
        groups: list[tuple[str, list[ChronologyEvent]]] = []
        for event in self.events:
            if groups and groups[-1][0] == event.written:
                groups[-1][1].append(event)
            else:
                groups.append((event.written, [event]))
        return groups


@dataclass
class Chronology:
    eras: list[ChronologyEra]
    events: list[ChronologyEvent]
    themes: dict[str, str]  # slug -> label, as plain text
    problems: list[Problem]

    def as_records(self) -> list[dict]:
        return [{"date": e.date, "date_written": e.written, "start": "-".join(f"{n:04d}" if i == 0 else f"{n:02d}"
                 for i, n in enumerate(e.parsed.lower)), "end": "-".join(f"{n:04d}" if i == 0 else f"{n:02d}"
                 for i, n in enumerate(e.parsed.upper)), "event": e.text, "theme": e.theme,
                 "theme_label": self.themes.get(e.theme, e.theme), "chapter": e.unit_slug, "anchor": e.anchor,
                 "section": e.label} for e in self.events]

    def to_json(self) -> str:
        return json.dumps(self.as_records(), ensure_ascii=False, indent=1) + "\n"

    def to_csv(self) -> str:
        out = io.StringIO()
        records = self.as_records()
        writer = csv.DictWriter(out, fieldnames=list(records[0]) if records else ["date"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
        return out.getvalue()


def build_chronology(units, settings, strings: dict, anchors: dict, labels: dict[str, str],
                     table=None, language: str | None = None) -> Chronology:
    """Events of every unit, checked and sorted, grouped under the eras of book.yaml.

    ``strings``: the typeset words, with the book's phrases (press.book.phrases.Words);
    ``table``: the build's dates table (a press.memo.KeptTable), or None;
    ``language``: the book's (book.yaml), whose CLDR patterns write the dates.
    """
    problems: list[Problem] = []
    events: list[ChronologyEvent] = []
    phrases = strings.phrases
    themes = {slug: phrases.text(label) for slug, label in settings.themes.items()} if settings else {}
    locale = locale_for(strings, language)
    for unit in units:
        for index, item in enumerate(unit.chapter.meta.chronology):
            line = unit.chapter.located.line_of(("chronology", index))
            event = ChronologyEvent(item.date, item.event, item.anchor, item.theme, unit.slug, unit.chapter.shown,
                                    line, len(events))
            try:
                event.parsed = dates.parse(item.date, table)
            except ValueError as exc:  # when the build deferred the schema's check
                problems.append(Problem(unit.chapter.shown, unit.chapter.located.line_of(("chronology", index, "date")),
                                        str(exc)))
                continue
            if item.anchor not in anchors or anchors[item.anchor].unit_slug != unit.slug:
                problems.append(Problem(unit.chapter.shown, line,
                                        f"chronology anchor '{item.anchor}' is not an id in this chapter"))
            if item.theme not in themes:
                problems.append(Problem(unit.chapter.shown, line,
                                        f"chronology theme '{item.theme}' is not declared in book.yaml "
                                        f"(chronology.themes)"))
            event.label = labels.get(item.anchor, "")
            event.written = write_out(event.parsed, strings, locale, table)
            event.text = phrases.text(item.event)
            events.append(event)
    seen: dict[tuple[str, str], ChronologyEvent] = {}
    for event in events:
        key = (event.date, event.event)
        if key in seen:
            first = seen[key]
            problems.append(Problem(event.source, event.line,
                                    f"duplicate chronology event (also {first.source}:{first.line})"))
        seen.setdefault(key, event)
    events.sort(key=lambda e: e.sort_key)
    eras = [ChronologyEra(e.title, int(e.start), int(e.end)) for e in (settings.eras if settings else [])]
    if not eras:  # no eras declared: one list
        eras = [ChronologyEra("", 0, 9999)]
    for event in events:
        year = event.parsed.lower[0]
        era = next((e for e in eras if e.start <= year <= e.end), None)
        if era is None:
            problems.append(Problem(event.source, event.line, f"no era in book.yaml covers the year {year}"))
            era = eras[-1]
        era.events.append(event)
    return Chronology([e for e in eras if e.events], events, themes, problems)
