"""The bibliography: the entries the text cites, formatted by citeproc (apparatus time).

Takes the ``Library`` and the ``Citer`` of the collect stage (press.book.citations:
what the text cites, and where) and the citations' labels on screen; gives
the ``Bibliography``: entries formatted by pandoc's citeproc with the CSL
style that book.yaml names, grouped by their ``custom.group``, each with
back-references (locators) to where the text cites it, and the problems
found (a reference never cited).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from lxml import html as lxml_html

from ..book.citations import Citer, Library
from ..book.convert import Pandoc
from ..errors import Problem
from ..book.model import Locator, one_per_section


@dataclass
class Reference:
    key: str
    html: str  # as citeproc formats it
    locators: list[Locator] = field(default_factory=list)  # where the text cites it

    @property
    def screen_locators(self) -> list[Locator]:
        return one_per_section(self.locators)


@dataclass
class Bibliography:
    groups: list[tuple[str | None, list[Reference]]]  # (heading, entries); None: one list, no heading
    problems: list[Problem]
    intro: str | None = None  # book.yaml's bibliography.intro (None: the locale's)


def render_entries(pandoc: Pandoc, library: Library, keys: list[str], style=None) -> dict[str, str]:
    """Every listed entry formatted by citeproc: key -> HTML.

    The entries come back as pandoc's AST and get the body's typography
    (transform.typography: en dashes in number ranges, no-break spaces in
    "Law 6602") before they are written as HTML, as a paragraph would, and its
    quotation marks (``style``, press.book.typesetting: a title in «» in Spanish).
    """
    from ..book.convert import to_html
    from ..book.transform import typography

    nocite = ", ".join(f"@{k}" for k in keys)
    source = f"---\nnocite: '{nocite}'\n---\n\n::: {{#refs}}\n:::\n"
    doc = json.loads(pandoc.run(source, "markdown", "json",
                                library.citeproc(),
                                source=library.shown))
    doc["blocks"] = typography(doc["blocks"], style)
    html = to_html(pandoc, {**doc, "meta": {}}, source=library.shown)
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    entries = {}
    for div in root.xpath("//div[contains(@class, 'csl-entry')]"):
        key = div.get("id", "").removeprefix("ref-")
        inner = (div.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in div)
        entries[key] = inner.strip()
    return entries


def build_bibliography(pandoc: Pandoc, library: Library, settings, citer: Citer,
                       labels: dict[str, str], style=None) -> Bibliography:
    problems: list[Problem] = []
    cited_keys = list(dict.fromkeys(key for key, _, _ in citer.cited))
    for key in library.groups:
        if key not in cited_keys and key not in settings.uncited:
            problems.append(Problem(library.shown, library.lines[key],
                                    f"reference '{key}' is never cited (list it under bibliography.uncited "
                                    "in book.yaml if that is deliberate)"))
    listed = [k for k in library.groups if k in cited_keys or k in settings.uncited]
    formatted = render_entries(pandoc, library, listed, style)
    entries = {key: Reference(key, formatted.get(key, key)) for key in formatted}
    for key, ident, slug in citer.cited:
        if key in entries:
            entries[key].locators.append(Locator(ident, slug, labels.get(ident, "")))
    if not settings.groups:  # no groups declared: one list, with no heading
        members = [entries[k] for k in formatted]
        return Bibliography([(None, members)] if members else [], problems, settings.intro)
    groups = []
    for group in settings.groups:
        members = [entries[k] for k in formatted if library.groups.get(k) == group]
        if members:
            groups.append((settings.groups[group], members))
    return Bibliography(groups, problems, settings.intro)

