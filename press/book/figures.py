"""Numbered figures and tables, and cross-references to them (issue 17).

A captioned image (pandoc's Figure block) and a captioned table are numbered
by chapter ("Figure 3.2") or through the book ("Figure 7"), as book.yaml's
``figures.numbering`` says; their caption starts with the locale's label and
the number. ``@fig-id``, ``@tbl-id`` and ``@sec-id`` (pandoc's citation
syntax, taken here before citations are resolved) print "Figure 3.2",
"Table 1.1" or "section 2.1" as a link to the place, and ``[-@fig-id]``
(pandoc's suppressed author) the number alone, "3.2", as pandoc-crossref
does; an unknown id is an error at its line. Each figure and table is kept
as an ``Entry`` for the lists of figures and of tables, when book.yaml asks
for them (press.editions.figurelists). The numbers are made after the
typography pass, so the range rule never sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ast import Span, Str, attr, clone, has_class, iter_nodes, kv, rewrite, stringify

PREFIXES = ("fig-", "tbl-", "sec-")
WIDE_COLUMNS = 6  # a table of this many columns or more is a wide one
NBSP = "\u00a0"


def take_references(blocks: list) -> list:
    """Every citation of a ``fig-``, ``tbl-`` or ``sec-`` id as a span ``.xref`` (ref=id), before citeproc."""

    def action(node):
        if node["t"] != "Cite":
            return None
        keys = [c["citationId"] for c in node["c"][0]]
        if not any(k.startswith(PREFIXES) for k in keys):
            return None
        out: list = []
        for index, citation in enumerate(node["c"][0]):
            key = citation["citationId"]
            if index:
                out += [Str(","), {"t": "Space"}]
            bare = [["bare", "1"]] if citation.get("citationMode", {}).get("t") == "SuppressAuthor" else []
            out.append(Span([Str("@" + key)], ["xref"], attrs=[["ref", key]] + bare))
        return out

    return rewrite(blocks, action)


@dataclass
class Entry:
    """A numbered figure or table, as a list of figures or of tables gives it."""

    kind: str  # "Figure" or "Table"
    id: str  # its own id, or one made for the lists (``made``)
    label: str  # "Figure 1.2"
    caption: str  # the caption's text
    unit: int  # the index of its unit in book.units
    made: bool = False  # the id is made here (the figure has none), to link the lists to it


@dataclass
class Numbering:
    """The book's figures and tables: each one's label ("Figure 1.2"), and each id's."""

    captions: list[list[str]] = field(default_factory=list)  # per unit, in reading order
    labels: dict[str, str] = field(default_factory=dict)  # id -> the text a reference prints
    page_prefix: str = ""  # print: ", p. " before the page, when book.yaml asks
    numbers: dict[str, str] = field(default_factory=dict)  # id -> what [-@id] prints: "3.2"
    entries: list[Entry] = field(default_factory=list)  # every figure and table, in reading order
    targets: dict[str, str] = field(default_factory=dict)  # "sec-SLUG" -> the unit's own id, where it links

    def fingerprint(self, index: int) -> list:
        made = [e.id for e in self.entries if e.made and e.unit == index]
        return [self.captions[index], sorted(self.labels.items()), self.page_prefix, sorted(self.numbers.items()),
                made, sorted(self.targets.items())]


def _captioned(node) -> bool:
    return node["t"] in ("Figure", "Table") and bool(node["c"][1][1])


def number_book(book, asts: list[dict]) -> Numbering:
    strings = book.strings
    words = {"Figure": strings["figure_label"], "Table": strings["table_label"]}
    by_chapter = book.config.figures.numbering == "chapter"
    numbering = Numbering(page_prefix=strings["xref_page"] if book.config.figures.page_references else "")
    counts = {"Figure": 0, "Table": 0}
    listed = {"Figure": book.config.figures.list_of_figures, "Table": book.config.figures.list_of_tables}
    for index, (unit, ast) in enumerate(zip(book.units, asts)):
        if by_chapter:
            counts = {"Figure": 0, "Table": 0}
        prefix = ""
        if by_chapter and unit.number:
            prefix = (f"{unit.parent.number}." if unit.parent is not None and unit.parent.number else "") \
                + f"{unit.number}."
        found = []
        for node in iter_nodes(ast["blocks"]):
            if _captioned(node):
                counts[node["t"]] += 1
                number = f"{prefix}{counts[node['t']]}"
                label = f"{words[node['t']]}{NBSP}{number}"
                found.append(label)
                ident = attr(node)[0]
                if ident:
                    numbering.labels[ident], numbering.numbers[ident] = label, number
                if listed[node["t"]]:
                    made = f"{'fig' if node['t'] == 'Figure' else 'tbl'}-{unit.slug}-{counts[node['t']]}"
                    numbering.entries.append(Entry(node["t"], ident or made, label,
                                                   stringify(node["c"][1][1]), index, not ident))
            elif node["t"] == "Header" and attr(node)[0].startswith("sec-"):
                numbers = [n for n in iter_nodes(node["c"][2]) if n["t"] == "Span" and "secnum" in n["c"][0][1]]
                number = stringify(numbers[0]["c"][1]) if numbers else stringify(node["c"][2])
                numbering.labels[attr(node)[0]] = (
                    f"{strings['section_label']}{NBSP}{number}" if numbers else number)
                numbering.numbers[attr(node)[0]] = number
        numbering.captions.append(found)
        number = unit.number or unit.title_text
        numbering.numbers.setdefault("sec-" + unit.slug, number)
        if "sec-" + unit.slug not in numbering.labels:
            numbering.targets["sec-" + unit.slug] = unit.id
        numbering.labels.setdefault("sec-" + unit.slug, f"{strings['chapter_label']}{NBSP}"
                                                        f"{unit.number}" if unit.number else unit.title_text)
    return numbering


def unknown_references(book, asts: list[dict], numbering: Numbering, problems) -> None:
    """An error at its line for every reference to an id that is no figure, table or section."""
    for unit, ast in zip(book.units, asts):
        for node in iter_nodes(ast["blocks"]):
            if node["t"] == "Span" and has_class(node, "xref"):
                key = kv(node)["ref"]
                if key not in numbering.labels:
                    problems.add(unit.chapter.shown, unit.chapter.line_of("@" + key),
                                 f"cross-reference '@{key}': no figure, table or section has the id '{key}'; "
                                 f"give it {{#{key}}} or mend the reference")


def apply(ast: dict, index: int, numbering: Numbering, separator: str) -> dict:
    """A copy of a unit's AST with its captions numbered and its references written as links."""
    ast = clone(ast)
    labels = iter(numbering.captions[index])
    made = iter([e.id if e.made else None for e in numbering.entries if e.unit == index])
    listed = {e.kind for e in numbering.entries}
    for node in iter_nodes(ast["blocks"]):
        if _captioned(node):
            if node["t"] in listed and (ident := next(made)):
                attr(node)[0] = ident  # the lists of figures and tables link to it
            blocks = node["c"][1][1]
            label = Span([Str(next(labels) + separator)], ["caption-label"])
            if blocks[0]["t"] in ("Plain", "Para"):
                blocks[0]["c"][:0] = [label, {"t": "Space"}]

    def action(node):
        if node["t"] == "Span" and has_class(node, "xref"):
            key = kv(node)["ref"]
            extra = [["data-page", numbering.page_prefix]] if numbering.page_prefix else []
            text = numbering.numbers.get(key, key) if kv(node).get("bare") else numbering.labels.get(key, key)
            href = "#" + numbering.targets.get(key, key)
            return [{"t": "Link", "c": [["", ["xref"], extra], [Str(text)], [href, ""]]}]
        if node["t"] == "Table" and _captioned(node):
            caption = stringify(node["c"][1][1])
            # Six columns or more: print sets it smaller, at the text block's width (print.css).
            classes = ["table-wrap"] + (["wide"] if len(node["c"][2]) >= WIDE_COLUMNS else [])
            return [{"t": "Div", "c": [["", classes, [["role", "region"], ["tabindex", "0"],
                                                       ["aria-label", caption]]], [node]]}]
        return None

    ast["blocks"] = rewrite(ast["blocks"], action)
    return ast


SVG_FORBIDDEN = ("script", "foreignObject", "iframe", "object", "embed")


def svg_problem(path) -> str | None:
    """What makes an SVG image unsafe to put in an edition, or None.

    An SVG is refused, not cleaned: a script, an event handler, a
    ``foreignObject`` or a reference to anything but itself (``href`` to
    another file or a URL) would run or load something when the edition is
    opened; the author mends the file, and the book shows what it holds.
    """
    from lxml import etree

    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (etree.XMLSyntaxError, OSError) as exc:
        return f"is not a readable SVG file ({exc})"
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element).localname
        if name in SVG_FORBIDDEN:
            return f"holds a <{name}> element"
        for key, value in element.attrib.items():
            local = etree.QName(key).localname
            if local.lower().startswith("on"):
                return f"has an event handler ({local})"
            if local == "href" and not value.strip().startswith(("#", "data:image/")):
                return f"refers to '{value}' outside itself"
            if "url(" in value and "url(#" not in value.replace(" ", ""):
                return f"refers to '{value}' outside itself"
    return None
