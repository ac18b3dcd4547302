"""Citations: the references file, and the citations it resolves in each unit's text (collect time).

Takes book.yaml's ``bibliography`` settings and the references file (CSL
YAML) it names, and a unit's AST; gives the ``Library`` (each reference's
id, group and line), each unit's AST with its citations resolved
(``Citer.cite_unit``: a link to the entry, an id for the back-references),
what each unit cites, and the text of pandoc-syntax citations rendered by
citeproc (``render_pandoc_cites``). press.apparatus.bibliography formats the entries
after collect.

The text cites a source by naming it: ``[the Treaty of Ancón]{.cite
key=treaty-ancon-1883}`` turns the name into the citation (a link to the
entry), with nothing added to the authors' sentence. pandoc's own syntax
(``[@key]``, ``@key``) works too: those citations are rendered by citeproc
in the book's CSL style.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from . import htmlpolicy
from .ast import Node, Span, attr, has_class, iter_nodes, kv, rewrite
from ..source.config import Paths, load_yaml
from .convert import Pandoc
from ..errors import ContentError, Problem, did_you_mean


@dataclass
class Library:
    """The references file: ids, their group, their line."""

    shown: str
    path: object  # pathlib.Path of the CSL YAML file
    style: object  # pathlib.Path of the CSL style
    groups: dict[str, str]  # id -> group
    lines: dict[str, int | None]
    language: str = "en"  # the book's: citeproc's locale ("y", not "and"; no English title case)

    def citeproc(self) -> list[str]:
        """pandoc's options for citeproc with this library, in the book's language."""
        return ["--citeproc", f"--bibliography={self.path}", f"--csl={self.style}", f"--metadata=lang:{self.language}"]


def load_library(paths: Paths, settings, language: str = "en") -> Library:
    problems: list[Problem] = []
    # The CSL style is the book's (content/) or one the toolchain ships (styles/csl/).
    path, style = paths.content / settings.references, paths.csl(settings.style)
    book_yaml = paths.show(paths.book_yaml)
    for name, file, within in (("references", path, [paths.content]),
                               ("style", style, [paths.content, *paths.style_dirs])):
        if not any(file.resolve().is_relative_to(w.resolve()) for w in within) or not file.is_file():
            where = "content/" if name == "references" else "content/ or styles/"
            problems.append(Problem(book_yaml, None, f"bibliography {name} '{getattr(settings, name)}' "
                                                     f"is not a file in {where}"))
    if problems:
        raise ContentError(problems)
    shown = paths.show(path)
    located = load_yaml(path, shown)  # a syntax error stops here, with its line
    items = (located.data or {}).get("references") if isinstance(located.data, dict) else None
    if not isinstance(items, list):
        raise ContentError([Problem(shown, located.line_of(()), "expected a 'references:' list (CSL YAML)")])
    groups: dict[str, str] = {}
    lines: dict[str, int | None] = {}
    for index, item in enumerate(items):
        line = located.line_of(("references", index))
        key = item.get("id") if isinstance(item, dict) else None
        if not key:
            problems.append(Problem(shown, line, "a reference without an 'id'"))
            continue
        if key in groups:
            problems.append(Problem(shown, line, f"duplicate reference id '{key}' (first on line {lines[key]})"))
            continue
        custom = item.get("custom") if isinstance(item.get("custom"), dict) else {}
        group = custom.get("group", "")
        if settings.groups and group not in settings.groups:
            problems.append(Problem(shown, line, f"reference '{key}': custom.group '{group}' is not one of the "
                                                 f"groups in book.yaml ({', '.join(settings.groups)})"))
        groups[key], lines[key] = group, line
        # issue 19: citeproc copies a title's markup into every edition; one HTML policy for it too.
        problems += [Problem(shown, located.line_of(("references", index, *where)),
                             f"reference '{key}': '{'.'.join(map(str, where))}' holds raw HTML or an "
                             f"address that is not allowed: {reason}; {htmlpolicy.REMEDY}")
                     for where, reason in htmlpolicy.data_problems(item)]
    if problems:
        raise ContentError(problems)
    return Library(shown, path, style, groups, lines, language)


@dataclass
class Citations:
    """The citations of one unit: what they cite, and the keys that are in no entry."""

    cited: list[tuple[str, str, str]] = field(default_factory=list)  # (key, citation id, unit slug)
    problems: list[Problem] = field(default_factory=list)
    pandoc: list[Node] = field(default_factory=list)  # pandoc-syntax citations (Cite nodes), for citeproc


class Citer:
    """Turns the citations of each unit into links to their entries; gathers the book's.

    Citation ids are numbered per unit (``cite-<slug>-<n>``), so that a
    unit's citations depend on that unit alone and an unchanged unit's work
    can be reused after another chapter is edited (press.book.collect).
    """

    def __init__(self, library: Library):
        self.library = library
        self.cited: list[tuple[str, str, str]] = []  # the book's, in reading order (see add)
        self.problems: list[Problem] = []
        self._unit = Citations()

    def cite_unit(self, blocks: list, slug: str, shown: str, line_of) -> tuple[list, Citations]:
        """The unit's blocks with its citations resolved, and what they cite.

        One rewrite (press.book.ast) makes the citations' spans; it goes children
        first, so their ids are given afterwards, in reading order. ``blocks``
        is not changed.
        """
        self._unit = Citations()
        made: dict[int, tuple[Node, list[str], Node | None]] = {}  # id() -> (span, keys cited, the Cite)

        def action(node: Node, ancestors: list[Node]):
            t = node["t"]
            if t == "Span" and has_class(node, "cite"):
                key = kv(node).get("key", "")
                span = self._span(node, key, any(_links(a) for a in ancestors))
                made[id(span)] = (span, [key], None)
                return [span]
            if t == "Cite":
                keys = [citation["citationId"] for citation in node["c"][0]]
                span = Span([node], ["citation"], "", [["data-cite", keys[0]]])
                made[id(span)] = (span, keys, node)
                return [span]
            return None

        blocks = rewrite(blocks, action, skip=_is_cite, context=True)
        for node in iter_nodes(blocks, skip=_is_cite) if made else ():
            span, keys, cite = made.get(id(node), (None, None, None))
            if span is node:
                line = (lambda key: line_of(f"key={key}")) if cite is None else (lambda key: line_of("@" + key))
                ids = [ident for ident in (self._record(key, slug, shown, line(key)) for key in keys) if ident]
                attr(span)[0] = ids[0] if ids else ""
                if cite is not None:
                    self._unit.pandoc.append(cite)
        return blocks, self._unit

    def add(self, citations: Citations) -> None:
        """Count a unit's citations in the book's (units in reading order)."""
        self.cited.extend(citations.cited)
        self.problems.extend(citations.problems)

    def _record(self, key: str, slug: str, shown: str, line) -> str | None:
        if key not in self.library.groups:
            self._unit.problems.append(Problem(shown, line, f"citation of '{key}': no such entry in "
                                                            f"{self.library.shown}"
                                                            + did_you_mean(key, self.library.groups)))
            return None
        ident = f"cite-{slug}-{len(self._unit.cited) + 1}"
        self._unit.cited.append((key, ident, slug))
        return ident

    def _span(self, node: Node, key: str, inside: bool) -> Node:
        """The citation a ``.cite`` span becomes (its id, if it cites an entry, is given in reading order)."""
        content = node["c"][1]
        if key not in self.library.groups:
            return Span(content, ["citation"])
        if inside:  # a citation inside a link: an anchor only (no link in a link)
            return Span(content, ["citation"], "", [["data-cite", key]])
        link = {"t": "Link", "c": [["", [], []], content, [f"#ref-{key}", ""]]}
        return Span([link], ["citation"], "", [["data-cite", key]])


def _is_cite(node: Node) -> bool:
    return node["t"] == "Cite"


def _links(node: Node) -> bool:
    """Whether what ``node`` holds ends up in a link: a link, or a ``.cite`` span (made one)."""
    return node["t"] == "Link" or (node["t"] == "Span" and has_class(node, "cite"))


def pandoc_cites(value) -> list[Node]:
    """pandoc-syntax citations (Cite nodes) in reading order, as Citer finds them
    (not inside another Cite): the nodes of ``Citations.pandoc`` in a copy of the unit."""
    return [node for node in iter_nodes(value, skip=_is_cite) if node["t"] == "Cite"]


def render_pandoc_cites(pandoc: Pandoc, library: Library, cites: list[Node], api) -> list[list]:
    """The text of pandoc-syntax citations in the book's style, in one citeproc call.

    Returns each citation's inlines (for ``cite["c"][1]``) and changes nothing:
    the citations are rendered together (citeproc may disambiguate one by
    another), and the caller puts the text into its own copy of each unit.
    """
    if not cites:
        return []
    doc = {"pandoc-api-version": api, "meta": {"suppress-bibliography": {"t": "MetaBool", "c": True}},
           "blocks": [{"t": "Para", "c": [cite]} for cite in cites]}
    out = pandoc.run(json.dumps(doc, ensure_ascii=False), "json", "json",
                     library.citeproc(), source="citations")
    return [block["c"][0]["c"][1] for block in json.loads(out)["blocks"]]
