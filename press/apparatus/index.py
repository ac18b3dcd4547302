"""The back-of-book index: entries with their locators, sorted and grouped (apparatus time).

Takes the vocabulary and the marks that press.book.index_marks found in the text
(collect time), and the marks' labels on screen; gives the ``Index`` (its
groups by letter, each entry's locators, see and see-also references, and
the problems found), sorted and grouped by the book's language (ICU, with
CLDR's tailoring: press.apparatus.collation). A locator is
a page number in print (read from the laid-out pages) and a link on screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import Problem, did_you_mean
from .collation import Collation
from ..book.index_marks import Mark, Vocabulary
from ..book.model import Locator, one_per_section


# --- entries ------------------------------------------------------------------

@dataclass
class IndexItem:
    key: str
    heading: str  # inline Markdown, rendered by the template filter
    sort_key: str
    lang: str | None = None
    locators: list[Locator] = field(default_factory=list)
    see: list[tuple[str, str]] = field(default_factory=list)  # (heading, key)
    see_also: list[tuple[str, str]] = field(default_factory=list)
    subs: list["IndexItem"] = field(default_factory=list)

    @property
    def screen_locators(self) -> list[Locator]:
        return one_per_section(self.locators)


@dataclass
class Group:
    letter: str
    entries: list[IndexItem]


@dataclass
class Index:
    groups: list[Group]
    problems: list[Problem]  # warnings; errors under --strict

    @property
    def locator_count(self) -> int:
        return sum(len(e.locators) + sum(len(s.locators) for s in e.subs)
                   for g in self.groups for e in g.entries)


def build_index(vocabulary: Vocabulary, marks: list[Mark], labels: dict[str, str],
                shown: dict[str, str], language: str, plain=None) -> Index:
    """Entries with their locators, checked; ``labels`` maps a mark id to its label;
    ``language``: the book's, whose order and letters the index follows (press.apparatus.collation); ``plain``:
    a heading's plain text (press.book.phrases), which it sorts by when it has no sort key
    ("*Ayacucho*, Declaration of" under A, not under the asterisk)."""
    collation = Collation(language)
    plain = plain or (lambda heading: heading)
    entries_model = vocabulary.model.entries
    problems: list[Problem] = []
    by_key: dict[tuple[str, str | None], list[Locator]] = {}
    open_ranges: dict[tuple[str, str | None], Mark] = {}
    for mark in marks:
        if mark.key not in entries_model or (mark.sub and mark.sub not in entries_model[mark.key].sub):
            continue  # an error of the collect stage (index_marks.unknown_headings)
        target = (mark.key, mark.sub)
        if mark.kind == "from":
            open_ranges[target] = mark
        elif mark.kind == "to":
            start = open_ranges.pop(target, None)
            if start is None:
                problems.append(Problem(shown[mark.unit_slug], mark.line,
                                        f"index range end for '{mark.key}' without its start (index-from)"))
                continue
            by_key.setdefault(target, []).append(
                Locator(start.id, start.unit_slug, labels.get(start.id, ""), end_id=mark.id))
        else:
            by_key.setdefault(target, []).append(Locator(mark.id, mark.unit_slug, labels.get(mark.id, "")))
    for (key, _sub), start in open_ranges.items():
        problems.append(Problem(shown[start.unit_slug], start.line, f"index range for '{key}' is never closed (index-to)"))

    entries: list[IndexItem] = []
    for key, model in entries_model.items():
        line = vocabulary.line_of(key)
        entry = IndexItem(key, model.heading, model.sort or plain(model.heading), model.lang, by_key.get((key, None), []))
        for target_key, bucket in ((model.see, entry.see), *((k, entry.see_also) for k in model.see_also)):
            if target_key is None:
                continue
            if target_key not in entries_model:
                problems.append(Problem(vocabulary.shown, line, f"'{key}' refers to an unknown heading '{target_key}'"
                                        + did_you_mean(target_key, entries_model)))
            else:
                bucket.append((entries_model[target_key].heading, target_key))
        for sub_key, sub in model.sub.items():
            found = by_key.get((key, sub_key), [])
            if not found:
                problems.append(Problem(vocabulary.shown, vocabulary.line_of(key, "sub", sub_key),
                                        f"index sub-entry '{key}/{sub_key}' is never found in the text"))
            entry.subs.append(IndexItem(sub_key, sub.heading, sub.sort or plain(sub.heading), None, found))
        entry.subs.sort(key=lambda e: collation.key(e.sort_key))
        if model.see is None and not entry.locators and not entry.subs:
            problems.append(Problem(vocabulary.shown, line, f"index heading '{key}' is never found in the text"))
        entries.append(entry)
    problems.extend(_see_cycles(entries_model, vocabulary))
    entries.sort(key=lambda e: collation.key(e.sort_key))
    groups: dict[str, list[IndexItem]] = {}
    for entry in entries:
        groups.setdefault(collation.letter(entry.sort_key), []).append(entry)
    return Index([Group(letter, items) for letter, items in groups.items()], problems)


def _see_cycles(entries_model, vocabulary: Vocabulary) -> list[Problem]:
    problems = []
    for key in entries_model:
        seen, current = [key], entries_model[key].see
        while current is not None and current in entries_model:
            if current in seen:
                problems.append(Problem(vocabulary.shown, vocabulary.line_of(key),
                                        "index 'see' references go round in a circle: " + " -> ".join(seen + [current])))
                break
            seen.append(current)
            current = entries_model[current].see
    return problems


def page_ranges(folios: list[int]) -> list[str]:
    """Sorted, unique page numbers with consecutive runs merged: 3, 5–7, 9."""
    out: list[str] = []
    numbers = sorted(set(folios))
    i = 0
    while i < len(numbers):
        j = i
        while j + 1 < len(numbers) and numbers[j + 1] == numbers[j] + 1:
            j += 1
        out.append(str(numbers[i]) if i == j else f"{numbers[i]}\u2013{numbers[j]}")
        i = j + 1
    return out
