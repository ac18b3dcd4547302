"""Index marks: the vocabulary, and the marks it makes in each unit's text (collect time).

Takes ``content/index.yaml`` (each heading, its sort key, its language and
the surface forms that mark it) and a unit's freshly parsed AST; gives the
vocabulary (``load_vocabulary``) and the unit's AST with every mark a span
with an id, plus the marks in reading order (``Marker.mark_unit``). The same
marks reach every edition; press.index turns them into entries with
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

from .ast import Node, Span, Str, attr, has_class, kv
from .config import Paths, load_model
from .errors import ContentError, Problem
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
