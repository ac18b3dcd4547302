"""The back-of-book index: vocabulary, marks in the text, entries.

The vocabulary (``content/index.yaml``) names each heading, its sort key,
its language and the surface forms that mark it. Marking runs on the shared
AST, so the same marks (spans with ids) reach every edition: a locator is a
page number in print (read from the laid-out pages) and a link on screen.
Explicit marks cover what matching cannot see:

- ``[the passage]{.index key=castilla-ramon}`` marks a spot or a passage
  (``key=chile/boundary`` for a sub-entry);
- ``[]{.index-from key=X}`` ... ``[]{.index-to key=X}`` marks a range over
  several paragraphs, printed as 12–14.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .ast import Node, Span, Str, attr, has_class, kv
from .config import Paths, load_model
from .errors import ContentError, Problem, did_you_mean
from .memo import KeptTable
from .schema import IndexVocabulary
from .yamlsrc import Located

MARK = "index-mark"
RUN_NODES = ("Str", "Space", "SoftBreak")
SKIP_NODES = ("Code", "Math", "RawInline", "Cite")


@dataclass
class Vocabulary:
    model: IndexVocabulary
    located: Located
    shown: str

    def line_of(self, *path) -> int | None:
        return self.located.line_of(("entries", *path))

    def forms(self) -> dict[str, tuple[str, str | None]]:
        """Surface form -> (entry key, sub-entry key or None), automatic ones only."""
        out: dict[str, tuple[str, str | None]] = {}
        for key, entry in self.model.entries.items():
            if entry.auto:
                for form in entry.forms:
                    out[form] = (key, None)
            for sub_key, sub in entry.sub.items():
                if sub.auto:
                    for form in sub.forms:
                        out[form] = (key, sub_key)
        return out


@dataclass
class Mark:
    id: str
    key: str
    sub: str | None
    unit_slug: str
    kind: str = "spot"  # spot | from | to
    line: int | None = None  # for explicit marks, the source line


def load_vocabulary(paths: Paths) -> Vocabulary | None:
    path = paths.content / "index.yaml"
    if not path.is_file():
        return None
    model, located, shown = load_model(paths, path, IndexVocabulary)
    vocabulary = Vocabulary(model, located, shown)
    owner: dict[str, str] = {}
    duplicates = []
    for key, entry in model.entries.items():
        for form in entry.forms + [f for sub in entry.sub.values() for f in sub.forms]:
            if form in owner:
                duplicates.append(Problem(shown, vocabulary.line_of(key),
                                          f"the form '{form}' marks two headings ('{owner[form]}' and '{key}')"))
            owner.setdefault(form, key)
    if duplicates:
        raise ContentError(duplicates)
    return vocabulary


def unknown_headings(vocabulary: Vocabulary, marks: list[Mark], shown: dict[str, str]) -> list[Problem]:
    """The explicit marks whose key is no heading (or sub-entry) of the vocabulary:
    errors of the collect stage, like a link to no id (``shown``: unit slug -> path)."""
    entries = vocabulary.model.entries
    problems = []
    for mark in marks:
        if mark.key not in entries:
            hint = did_you_mean(mark.key, entries)
        elif mark.sub and mark.sub not in entries[mark.key].sub:
            hint = did_you_mean(mark.sub, entries[mark.key].sub)
            hint = hint.replace("mean '", f"mean '{mark.key}/") if hint else ""
        else:
            continue
        name = mark.key + (f"/{mark.sub}" if mark.sub else "")
        problems.append(Problem(shown[mark.unit_slug], mark.line, f"index mark names an unknown heading '{name}'"
                                f"{hint or f'; add it to {vocabulary.shown} or correct the key'}"))
    return problems


# --- marking ------------------------------------------------------------------

class Marker:
    """Marks the surface forms in a unit's AST and collects explicit marks.

    Mark ids are numbered per unit (``ix-<slug>-<n>``), not through the book:
    a unit's marks then depend on that unit alone, so the collect stage can
    reuse an unchanged unit's marked AST after another chapter is edited
    (press.collect). Slugs are unique in the book, so the ids are too.
    """

    def __init__(self, vocabulary: Vocabulary):
        self.vocabulary = vocabulary
        forms = vocabulary.forms()
        self.forms = forms
        # Longest first: "Pacific Alliance" wins over "Pacific" at one position.
        alternatives = sorted(forms, key=len, reverse=True)
        self.pattern = re.compile(
            r"(?<!\w)(?:" + "|".join(re.escape(f) for f in alternatives) + r")(?!\w)") if forms else None
        self.langs = {k: e.lang for k, e in vocabulary.model.entries.items()}
        self.counter = 0
        self.marks: list[Mark] = []  # of the unit being marked

    def fingerprint(self) -> list:
        """What marking depends on besides the unit: the forms and the headings' languages."""
        return [sorted([form, key, sub] for form, (key, sub) in self.forms.items()), sorted(self.langs.items())]

    def next_id(self, slug: str) -> str:
        self.counter += 1
        return f"ix-{slug}-{self.counter}"

    def mark_unit(self, blocks: list, unit_slug: str, line_of) -> tuple[list, list[Mark]]:
        """The unit's blocks with its marks, and the marks in reading order."""
        self.counter, self.marks = 0, []
        blocks = [self._block(block, unit_slug, line_of) for block in blocks]
        return blocks, self.marks

    def _block(self, block: Node, slug: str, line_of) -> Node:
        t = block["t"]
        if t == "Header":
            return block  # headings are not indexed
        if t in ("Para", "Plain"):
            block["c"] = self._inlines(block["c"], slug, line_of)
        elif t in ("BlockQuote", "Div"):
            block["c"][-1] = [self._block(b, slug, line_of) for b in block["c"][-1]]
        elif t in ("BulletList",):
            block["c"] = [[self._block(b, slug, line_of) for b in item] for item in block["c"]]
        elif t == "OrderedList":
            block["c"][1] = [[self._block(b, slug, line_of) for b in item] for item in block["c"][1]]
        return block

    def _inlines(self, inlines: list, slug: str, line_of) -> list:
        out: list = []
        run: list = []
        for node in inlines:
            if node["t"] in RUN_NODES:
                run.append(node)
                continue
            out.extend(self._run(run, slug))
            run = []
            out.append(self._inline(node, slug, line_of))
        out.extend(self._run(run, slug))
        return out

    def _inline(self, node: Node, slug: str, line_of) -> Node:
        t = node["t"]
        if t in SKIP_NODES:
            return node
        if t == "Span" and (has_class(node, "index") or has_class(node, "index-from") or has_class(node, "index-to")):
            return self._explicit(node, slug, line_of)
        if t == "Note":
            node["c"] = [self._block(b, slug, line_of) for b in node["c"]]
        elif t in ("Emph", "Strong", "SmallCaps", "Underline", "Strikeout", "Superscript", "Subscript"):
            node["c"] = self._inlines(node["c"], slug, line_of)
        elif t in ("Span", "Link", "Quoted"):
            node["c"][1] = self._inlines(node["c"][1], slug, line_of)
        return node

    def _explicit(self, node: Node, slug: str, line_of) -> Node:
        key = kv(node).get("key", "")
        entry, _, sub = key.partition("/")
        kind = "spot" if has_class(node, "index") else ("from" if has_class(node, "index-from") else "to")
        ident = attr(node)[0] or self.next_id(slug)
        attr(node)[0] = ident
        attr(node)[1] = [MARK, *(c for c in attr(node)[1] if c not in ("index", "index-from", "index-to"))]
        attr(node)[2] = [["data-index", key]]
        if self.langs.get(entry):
            attr(node)[2].append(["lang", self.langs[entry]])
        self.marks.append(Mark(ident, entry, sub or None, slug, kind, line_of(f"key={key}")))
        return node  # explicit marks are not searched for forms again

    def _run(self, run: list, slug: str) -> list:
        if not run or self.pattern is None:
            return run
        text, starts = "", []
        for node in run:
            starts.append(len(text))
            text += node["c"] if node["t"] == "Str" else " "
        matches = list(self.pattern.finditer(text))
        if not matches:
            return run
        return self._wrap(run, starts, text, matches, slug)

    def _wrap(self, run, starts, text, matches, slug) -> list:
        """Cut the run at match boundaries and wrap each match in a mark span."""
        out: list = []
        position = 0
        for match in matches:
            out.extend(_slice(run, starts, position, match.start()))
            key, sub = self.forms[match.group(0)]
            ident = self.next_id(slug)
            attrs = [["data-index", key if sub is None else f"{key}/{sub}"]]
            if self.langs.get(key) and sub is None:
                attrs.append(["lang", self.langs[key]])
            out.append(Span(_slice(run, starts, match.start(), match.end()), [MARK], ident, attrs))
            self.marks.append(Mark(ident, key, sub, slug))
            position = match.end()
        out.extend(_slice(run, starts, position, len(text)))
        return out


def _slice(run: list, starts: list[int], a: int, b: int) -> list:
    """The nodes of a run covering characters [a, b), Str nodes cut as needed."""
    out = []
    for node, start in zip(run, starts):
        if node["t"] == "Str":
            end = start + len(node["c"])
            lo, hi = max(a, start), min(b, end)
            if lo < hi:
                out.append(node if (lo, hi) == (start, end) else Str(node["c"][lo - start:hi - start]))
        elif a <= start < b:
            out.append(node)
    return out


# --- entries ------------------------------------------------------------------

@dataclass
class Locator:
    id: str  # the mark's id (the first mark of a range)
    unit_slug: str
    label: str  # readable label on screen: the section (I.2.1) or the unit
    end_id: str | None = None  # last mark of a range
    pages: tuple[str, ...] = ()  # printed folios, filled from the print layout


def one_per_section(locators: list[Locator]) -> list[Locator]:
    """On screen, one link per section: the first locator in it (print counts pages)."""
    seen: set[tuple[str, str]] = set()
    out = []
    for loc in locators:
        if (loc.unit_slug, loc.label) not in seen:
            seen.add((loc.unit_slug, loc.label))
            out.append(loc)
    return out


@dataclass
class Entry:
    key: str
    heading: str  # inline Markdown, rendered by the template filter
    sort_key: str
    lang: str | None = None
    locators: list[Locator] = field(default_factory=list)
    see: list[tuple[str, str]] = field(default_factory=list)  # (heading, key)
    see_also: list[tuple[str, str]] = field(default_factory=list)
    subs: list["Entry"] = field(default_factory=list)

    @property
    def screen_locators(self) -> list[Locator]:
        return one_per_section(self.locators)


@dataclass
class Group:
    letter: str
    entries: list[Entry]


@dataclass
class Index:
    groups: list[Group]
    problems: list[Problem]  # warnings; errors under --strict

    @property
    def locator_count(self) -> int:
        return sum(len(e.locators) + sum(len(s.locators) for s in e.subs)
                   for g in self.groups for e in g.entries)


def letter_of(sort_key: str) -> str:
    first = unicodedata.normalize("NFD", sort_key.strip()[:1])[:1].upper()
    return first if first.isalpha() else "#"


@functools.cache
def _collator():
    """The Unicode Collation Algorithm's default table: a third of a second to
    load, so loaded once per process (the live preview builds the index often)."""
    from pyuca import Collator

    return Collator()


class SortKeys:
    """pyuca sort keys, kept in ``<cache>/collation.json`` between builds.

    A key depends only on the text and pyuca's table (its version is in the
    file), and the headings of an index change rarely: a build whose
    headings all have a kept key does not load the table, which is a third of
    a second of every one-shot build. ``cache`` None: keys are computed.
    """

    def __init__(self, cache: Path | None):
        from importlib.metadata import version

        self.kept = KeptTable(cache, "collation", version("pyuca"))

    def __call__(self, text: str) -> tuple:
        key = self.kept.get(text)
        if key is None:
            key = tuple(_collator().sort_key(text))
            self.kept.put(text, key)
        return tuple(key)

    def save(self) -> None:
        self.kept.save()


def build_index(vocabulary: Vocabulary, marks: list[Mark], labels: dict[str, str],
                shown: dict[str, str], cache: Path | None = None, plain=None) -> Index:
    """Entries with their locators, checked; ``labels`` maps a mark id to its label;
    ``cache``: the folder that keeps sort keys between builds (SortKeys); ``plain``:
    a heading's plain text (press.phrases), which it sorts by when it has no sort key
    ("*Ayacucho*, Declaration of" under A, not under the asterisk)."""
    sort_key = SortKeys(cache)
    plain = plain or (lambda heading: heading)
    entries_model = vocabulary.model.entries
    problems: list[Problem] = []
    by_key: dict[tuple[str, str | None], list[Locator]] = {}
    open_ranges: dict[tuple[str, str | None], Mark] = {}
    for mark in marks:
        if mark.key not in entries_model or (mark.sub and mark.sub not in entries_model[mark.key].sub):
            continue  # an error of the collect stage (unknown_headings)
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

    entries: list[Entry] = []
    for key, model in entries_model.items():
        line = vocabulary.line_of(key)
        entry = Entry(key, model.heading, model.sort or plain(model.heading), model.lang, by_key.get((key, None), []))
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
            entry.subs.append(Entry(sub_key, sub.heading, sub.sort or plain(sub.heading), None, found))
        entry.subs.sort(key=lambda e: sort_key(e.sort_key))
        if model.see is None and not entry.locators and not entry.subs:
            problems.append(Problem(vocabulary.shown, line, f"index heading '{key}' is never found in the text"))
        entries.append(entry)
    problems.extend(_see_cycles(entries_model, vocabulary))
    entries.sort(key=lambda e: sort_key(e.sort_key))
    sort_key.save()
    groups: dict[str, list[Entry]] = {}
    for entry in entries:
        groups.setdefault(letter_of(entry.sort_key), []).append(entry)
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
