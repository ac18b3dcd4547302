"""The bibliography: citations in the text, entries formatted by citeproc.

The text cites a source by naming it: ``[the Treaty of Ancón]{.cite
key=treaty-ancon-1883}`` turns the name into the citation (a link to the
entry), with nothing added to the authors' sentence. pandoc's own syntax
(``[@key]``, ``@key``) works too: those citations are rendered by citeproc
in the book's CSL style. Entries are formatted by pandoc's citeproc with the
CSL style that book.yaml names, grouped by their ``custom.group``, and carry
back-references to where the text cites them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml import html as lxml_html

from .ast import Node, Span, has_class, kv
from .config import Paths, load_yaml
from .convert import Pandoc
from .errors import ContentError, Problem, did_you_mean
from .index import Locator, one_per_section


@dataclass
class Library:
    """The references file: ids, their group, their line."""

    shown: str
    path: object  # pathlib.Path of the CSL YAML file
    style: object  # pathlib.Path of the CSL style
    groups: dict[str, str]  # id -> group
    lines: dict[str, int | None]


@dataclass
class Entry:
    key: str
    html: str  # as citeproc formats it
    locators: list[Locator] = field(default_factory=list)  # where the text cites it

    @property
    def screen_locators(self) -> list[Locator]:
        return one_per_section(self.locators)


@dataclass
class Bibliography:
    groups: list[tuple[str, list[Entry]]]  # (heading, entries)
    problems: list[Problem]


def load_library(paths: Paths, settings) -> Library:
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
    if problems:
        raise ContentError(problems)
    return Library(shown, path, style, groups, lines)


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
    can be reused after another chapter is edited (press.collect).
    """

    def __init__(self, library: Library):
        self.library = library
        self.cited: list[tuple[str, str, str]] = []  # the book's, in reading order (see add)
        self.problems: list[Problem] = []
        self._unit = Citations()

    def cite_unit(self, blocks: list, slug: str, shown: str, line_of) -> tuple[list, Citations]:
        self._unit = Citations()
        blocks = self._walk(blocks, slug, shown, line_of, inside=False)
        return blocks, self._unit

    def add(self, citations: Citations) -> None:
        """Count a unit's citations in the book's (units in reading order)."""
        self.cited.extend(citations.cited)
        self.problems.extend(citations.problems)

    def _walk(self, value, slug, shown, line_of, inside: bool):
        if isinstance(value, list):
            return [self._walk(item, slug, shown, line_of, inside) for item in value]
        if not isinstance(value, dict):
            return value
        if value.get("t") == "Span" and has_class(value, "cite"):
            return self._span(value, slug, shown, line_of, inside)
        if value.get("t") == "Cite":
            return self._cite(value, slug, shown, line_of, inside)
        for key in ("c",):
            if key in value:
                value[key] = self._walk(value[key], slug, shown, line_of, inside or value.get("t") == "Link")
        return value

    def _record(self, key: str, slug: str, shown: str, line) -> str | None:
        if key not in self.library.groups:
            self._unit.problems.append(Problem(shown, line, f"citation of '{key}': no such entry in "
                                                            f"{self.library.shown}"
                                                            + did_you_mean(key, self.library.groups)))
            return None
        ident = f"cite-{slug}-{len(self._unit.cited) + 1}"
        self._unit.cited.append((key, ident, slug))
        return ident

    def _span(self, node: Node, slug, shown, line_of, inside: bool) -> Node:
        key = kv(node).get("key", "")
        ident = self._record(key, slug, shown, line_of(f"key={key}"))
        content = self._walk(node["c"][1], slug, shown, line_of, True)
        if ident is None:
            return Span(content, ["citation"])
        if inside:  # a citation inside a link: an anchor only (no link in a link)
            return Span(content, ["citation"], ident, [["data-cite", key]])
        link = {"t": "Link", "c": [["", [], []], content, [f"#ref-{key}", ""]]}
        return Span([link], ["citation"], ident, [["data-cite", key]])

    def _cite(self, node: Node, slug, shown, line_of, inside: bool) -> Node:
        ids = []
        for citation in node["c"][0]:
            ident = self._record(citation["citationId"], slug, shown, line_of("@" + citation["citationId"]))
            if ident:
                ids.append(ident)
        self._unit.pandoc.append(node)
        return Span([node], ["citation"], ids[0] if ids else "", [["data-cite", node["c"][0][0]["citationId"]]])


def pandoc_cites(value) -> list[Node]:
    """pandoc-syntax citations (Cite nodes) in reading order, as Citer walks them
    (not inside another Cite): the nodes of ``Citations.pandoc`` in a copy of the unit."""
    if isinstance(value, list):
        return [cite for item in value for cite in pandoc_cites(item)]
    if not isinstance(value, dict):
        return []
    if value.get("t") == "Cite":
        return [value]
    return pandoc_cites(value["c"]) if "c" in value else []


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
                     ["--citeproc", f"--bibliography={library.path}", f"--csl={library.style}"], source="citations")
    return [block["c"][0]["c"][1] for block in json.loads(out)["blocks"]]


def render_entries(pandoc: Pandoc, library: Library, keys: list[str]) -> dict[str, str]:
    """Every listed entry formatted by citeproc: key -> HTML.

    The entries come back as pandoc's AST and get the body's typography
    (transform.typography: en dashes in number ranges, no-break spaces in
    "Law 6602") before they are written as HTML, as a paragraph would.
    """
    from .convert import to_html
    from .transform import typography

    nocite = ", ".join(f"@{k}" for k in keys)
    source = f"---\nnocite: '{nocite}'\n---\n\n::: {{#refs}}\n:::\n"
    doc = json.loads(pandoc.run(source, "markdown", "json",
                                ["--citeproc", f"--bibliography={library.path}", f"--csl={library.style}"],
                                source=library.shown))
    doc["blocks"] = typography(doc["blocks"])
    html = to_html(pandoc, {**doc, "meta": {}}, source=library.shown)
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    entries = {}
    for div in root.xpath("//div[contains(@class, 'csl-entry')]"):
        key = div.get("id", "").removeprefix("ref-")
        inner = (div.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in div)
        entries[key] = inner.strip()
    return entries


def build_bibliography(pandoc: Pandoc, library: Library, settings, citer: Citer,
                       labels: dict[str, str]) -> Bibliography:
    problems: list[Problem] = []
    cited_keys = list(dict.fromkeys(key for key, _, _ in citer.cited))
    for key in library.groups:
        if key not in cited_keys and key not in settings.uncited:
            problems.append(Problem(library.shown, library.lines[key],
                                    f"reference '{key}' is never cited (list it under bibliography.uncited "
                                    "in book.yaml if that is deliberate)"))
    listed = [k for k in library.groups if k in cited_keys or k in settings.uncited]
    formatted = render_entries(pandoc, library, listed)
    entries = {key: Entry(key, formatted.get(key, key)) for key in formatted}
    for key, ident, slug in citer.cited:
        if key in entries:
            entries[key].locators.append(Locator(ident, slug, labels.get(ident, "")))
    order = list(settings.groups) or sorted(set(library.groups.values()))
    groups = []
    for group in order:
        members = [entries[k] for k in formatted if library.groups.get(k) == group]
        if members:
            groups.append((settings.groups.get(group, group), members))
    return Bibliography(groups, problems)

