"""Index marks: the vocabulary, and the marks it makes in each unit's text (collect time).

Takes ``content/index.yaml`` (each heading, its sort key, its language and
the surface forms that mark it) and a unit's freshly parsed AST; gives the
vocabulary (``load_vocabulary``) and the unit's AST with every mark a span
with an id, plus the marks in reading order (``Marker.mark_unit``), and the
explicit marks whose key is no heading (``unknown_headings``). The same
marks reach every edition; press.apparatus.index turns them into entries with
locators (a page number in print, a link on screen) after collect.
Explicit marks cover what matching cannot see:

- ``[the passage]{.index key=castilla-ramon}`` marks a spot or a passage
  (``key=chile/boundary`` for a sub-entry);
- ``[]{.index-from key=X}`` ... ``[]{.index-to key=X}`` marks a range over
  several paragraphs, printed as 12–14.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .ast import Node, Span, Str, attr, iter_nodes, kv, rewrite
from ..source.config import Paths, load_model
from ..errors import ContentError, Problem, did_you_mean
from ..source.schema import IndexVocabulary
from ..source.yamlsrc import Located

MARK = "index-mark"
RUN_NODES = ("Str", "Space", "SoftBreak")
EXPLICIT = ("index", "index-from", "index-to")
# What is never searched for forms: headings (they are not indexed), code,
# raw output, citations and images (an image's text is its description).
# An explicit mark is not searched again either (Marker._skip). Everything
# else is: paragraphs, lists, block quotes, notes, links, table cells and
# captions, definition lists, line blocks, figure captions.
SKIP_NODES = frozenset({"Header", "Code", "Math", "RawInline", "Cite", "Image", "CodeBlock", "RawBlock"})
# Elements whose content is a list of inlines, and where that list is (None: the
# content itself). Lists of inlines held otherwise: Marker._held_inlines.
INLINE_LISTS = {"Para": None, "Plain": None, "Emph": None, "Strong": None, "SmallCaps": None, "Underline": None,
                "Strikeout": None, "Superscript": None, "Subscript": None, "Span": 1, "Link": 1, "Quoted": 1}


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
    (press.book.collect). Slugs are unique in the book, so the ids are too.
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
        """The unit's blocks with its marks, and the marks in reading order.

        One rewrite (press.book.ast) makes the marks; it goes children first, so
        the marks are numbered afterwards, in reading order. ``blocks`` is
        not changed.
        """
        self.counter, self.marks = 0, []
        made: dict[int, tuple[Node, Mark]] = {}  # id() of each mark span -> (the span, its mark)

        def action(node: Node):
            t = node["t"]
            if t == "Span" and self._explicit_kind(node):
                span, mark = self._explicit(node, unit_slug, line_of)
                made[id(span)] = (span, mark)
                return [span]
            where = INLINE_LISTS.get(t, -1)
            if where == -1:
                return self._held_inlines(node, unit_slug, made)
            inlines = node["c"] if where is None else node["c"][where]
            marked = self._inlines(inlines, unit_slug, made)
            if marked is inlines:
                return None
            return [{**node, "c": marked if where is None else [*node["c"][:where], marked, *node["c"][where + 1:]]}]

        blocks = rewrite(blocks, action, skip=self._skip)
        if made:
            for node in iter_nodes(blocks, skip=self._skip):
                span, mark = made.get(id(node), (None, None))
                if span is node:
                    if not mark.id:
                        mark.id = attr(span)[0] = self.next_id(unit_slug)
                    self.marks.append(mark)
        return blocks, self.marks

    def _held_inlines(self, node: Node, slug: str, made: dict) -> list | None:
        """The lines of a line block, the terms of a definition list, the short
        caption of a table or a figure, marked (None: nothing to mark)."""
        t = node["t"]
        if t == "LineBlock":
            lines = [self._inlines(line, slug, made) for line in node["c"]]
            changed = any(new is not old for new, old in zip(lines, node["c"]))
            return [{**node, "c": lines}] if changed else None
        if t == "DefinitionList":
            items = [[self._inlines(term, slug, made), definitions] for term, definitions in node["c"]]
            changed = any(new[0] is not old[0] for new, old in zip(items, node["c"]))
            return [{**node, "c": items}] if changed else None
        if t in ("Table", "Figure") and node["c"][1][0]:  # [attributes, [short caption, long caption], ...]
            short = self._inlines(node["c"][1][0], slug, made)
            if short is not node["c"][1][0]:
                return [{**node, "c": [node["c"][0], [short, node["c"][1][1]], *node["c"][2:]]}]
        return None

    @staticmethod
    def _explicit_kind(node: Node) -> str | None:
        classes = attr(node)[1]
        return next((kind for name, kind in zip(EXPLICIT, ("spot", "from", "to")) if name in classes), None)

    def _skip(self, node: Node) -> bool:
        t = node["t"]
        return t in SKIP_NODES or (t == "Span" and self._explicit_kind(node) is not None)

    def _inlines(self, inlines: list, slug: str, made: dict) -> list:
        """``inlines`` with the forms in its runs of words marked (the same list if none is)."""
        if self.pattern is None:
            return inlines
        out: list = []
        run: list = []
        changed = False
        for node in inlines:
            if node["t"] in RUN_NODES:
                run.append(node)
                continue
            if run:
                marked = self._run(run, slug, made)
                changed = changed or marked is not run
                out.extend(marked)
                run = []
            out.append(node)
        if run:
            marked = self._run(run, slug, made)
            changed = changed or marked is not run
            out.extend(marked)
        return out if changed else inlines

    def _explicit(self, node: Node, slug: str, line_of) -> tuple[Node, Mark]:
        """The mark span that an explicit mark becomes, and its mark (its id, if it has
        none of its own, is given in reading order)."""
        key = kv(node).get("key", "")
        entry, _, sub = key.partition("/")
        ident, classes, _ = attr(node)
        attrs = [["data-index", key]]
        if self.langs.get(entry):
            attrs.append(["lang", self.langs[entry]])
        span = Span(node["c"][1], [MARK, *(c for c in classes if c not in EXPLICIT)], ident, attrs)
        return span, Mark(ident, entry, sub or None, slug, self._explicit_kind(node), line_of(f"key={key}"))

    def _run(self, run: list, slug: str, made: dict) -> list:
        """A run of words and spaces with its forms marked (``run`` itself if it has none)."""
        text, starts = "", []
        for node in run:
            starts.append(len(text))
            text += node["c"] if node["t"] == "Str" else " "
        matches = list(self.pattern.finditer(text))
        if not matches:
            return run
        return self._wrap(run, starts, text, matches, slug, made)

    def _wrap(self, run, starts, text, matches, slug, made: dict) -> list:
        """Cut the run at match boundaries and wrap each match in a mark span."""
        out: list = []
        position = 0
        for match in matches:
            out.extend(_slice(run, starts, position, match.start()))
            key, sub = self.forms[match.group(0)]
            attrs = [["data-index", key if sub is None else f"{key}/{sub}"]]
            if self.langs.get(key) and sub is None:
                attrs.append(["lang", self.langs[key]])
            span = Span(_slice(run, starts, match.start(), match.end()), [MARK], "", attrs)  # id: see mark_unit
            made[id(span)] = (span, Mark("", key, sub, slug))
            out.append(span)
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
