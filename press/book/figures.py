"""Numbered figures and tables, and cross-references to them (issue 17).

A captioned image (pandoc's Figure block) and a captioned table are numbered
by chapter ("Figure 3.2") or through the book ("Figure 7"), as book.yaml's
``figures.numbering`` says; their caption starts with the locale's label and
the number. ``@fig-id``, ``@tbl-id`` and ``@sec-id`` (pandoc's citation
syntax, taken here before citations are resolved) print "Figure 3.2",
"Table 1.1" or "section 2.1" as a link to the place; an unknown id is an
error at its line. The numbers are made after the typography pass, so the
range rule never sees them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .ast import Span, Str, attr, clone, has_class, iter_nodes, kv, rewrite, stringify

PREFIXES = ("fig-", "tbl-", "sec-")
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
        for index, key in enumerate(keys):
            if index:
                out += [Str(","), {"t": "Space"}]
            out.append(Span([Str("@" + key)], ["xref"], attrs=[["ref", key]]))
        return out

    return rewrite(blocks, action)


@dataclass
class Numbering:
    """The book's figures and tables: each one's label ("Figure 1.2"), and each id's."""

    captions: list[list[str]] = field(default_factory=list)  # per unit, in reading order
    labels: dict[str, str] = field(default_factory=dict)  # id -> the text a reference prints
    page_prefix: str = ""  # print: ", p. " before the page, when book.yaml asks

    def fingerprint(self, index: int) -> list:
        return [self.captions[index], sorted(self.labels.items()), self.page_prefix]


def _captioned(node) -> bool:
    return node["t"] in ("Figure", "Table") and bool(node["c"][1][1])


def number_book(book, asts: list[dict]) -> Numbering:
    strings = book.strings
    words = {"Figure": strings.get("figure_label", "Figure"), "Table": strings.get("table_label", "Table")}
    by_chapter = book.config.figures.numbering == "chapter"
    numbering = Numbering(page_prefix=strings.get("xref_page", "") if book.config.figures.page_references else "")
    counts = {"Figure": 0, "Table": 0}
    for unit, ast in zip(book.units, asts):
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
                label = f"{words[node['t']]}{NBSP}{prefix}{counts[node['t']]}"
                found.append(label)
                if attr(node)[0]:
                    numbering.labels[attr(node)[0]] = label
            elif node["t"] == "Header" and attr(node)[0].startswith("sec-"):
                numbers = [n for n in iter_nodes(node["c"][2]) if n["t"] == "Span" and "secnum" in n["c"][0][1]]
                numbering.labels[attr(node)[0]] = (
                    f"{strings.get('section_label', 'section')}{NBSP}{stringify(numbers[0]['c'][1])}" if numbers
                    else stringify(node["c"][2]))
        numbering.captions.append(found)
        if unit.number:
            numbering.labels.setdefault("sec-" + unit.slug, f"{strings.get('chapter_label', 'chapter')}{NBSP}"
                                                            f"{unit.number}")
        else:
            numbering.labels.setdefault("sec-" + unit.slug, unit.title_text)
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
    for node in iter_nodes(ast["blocks"]):
        if _captioned(node):
            blocks = node["c"][1][1]
            label = Span([Str(next(labels) + separator)], ["caption-label"])
            if blocks[0]["t"] in ("Plain", "Para"):
                blocks[0]["c"][:0] = [label, {"t": "Space"}]

    def action(node):
        if node["t"] == "Span" and has_class(node, "xref"):
            key = kv(node)["ref"]
            extra = [["data-page", numbering.page_prefix]] if numbering.page_prefix else []
            return [{"t": "Link", "c": [["", ["xref"], extra], [Str(numbering.labels.get(key, key))],
                                        ["#" + key, ""]]}]
        if node["t"] == "Table" and _captioned(node):
            caption = stringify(node["c"][1][1])
            return [{"t": "Div", "c": [["", ["table-wrap"], [["role", "region"], ["tabindex", "0"],
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
