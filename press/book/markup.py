"""The rest of pandoc Markdown: comments, headings, quotations, verse and task lists.

Run by the collect stage on each unit's freshly parsed AST, before the
shared typography (press.book.transform):

- HTML comments are notes to the editor: they are dropped, wherever they
  are (a block, inside a paragraph, over several lines), and never reach an
  edition (an XHTML comment may not hold ``--``);
- headings are checked: the unit's title is its one level-1 heading, so a
  ``#`` heading in the body is refused, and so is a heading more than one
  level below the one before (``##`` then ``####``), each at its line;
- a block quote whose last line starts with a dash (``— Author, *Work*``)
  gets that line as its attribution (``<footer class="attribution">``), in
  a quote or in an epigraph (``::: epigraph``);
- a line block (``| ``, verse) is cut into its stanzas, so that print keeps
  a short stanza on one page;
- a task list's boxes (``- [ ]``, ``- [x]``) are drawn, not form controls:
  a book's reader cannot tick them.
"""

from __future__ import annotations

import re

from .ast import Node, Span, Str, attr, has_class, iter_nodes, rewrite, stringify
from ..errors import Problem

COMMENT = re.compile(r"<!--.*?-->", re.S)
DASHES = ("\u2014", "\u2015")  # em dash, quotation dash: what starts an attribution
BREAKS = ("SoftBreak", "LineBreak")
SHORT_STANZA = 12  # lines: a stanza print keeps on one page
OPEN_BOX, DONE_BOX = "\u2610", "\u2612"  # pandoc's task_lists extension writes these


# --- comments -------------------------------------------------------------------------

def drop_comments(blocks: list) -> list:
    """Every HTML comment removed; raw HTML that held one keeps the rest."""

    def action(node: Node):
        t = node["t"]
        if t not in ("RawBlock", "RawInline") or node["c"][0] not in ("html", "html5", "epub", "epub3"):
            return None
        text = node["c"][1]
        if "<!--" not in text:
            return None
        rest = COMMENT.sub("", text)
        if not rest.strip():
            return []
        return [{"t": t, "c": [node["c"][0], rest]}]

    return rewrite(blocks, action)


def comment_lines(body: str) -> str:
    """``body`` with its HTML comments blanked (their lines kept), for finding lines in it."""
    return COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), body)


# --- headings ---------------------------------------------------------------------------

FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
ATX = re.compile(r"^\s{0,3}(#{1,6})(\s|$)")
SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")


def heading_lines(body: str) -> list[int]:
    """The offset in ``body`` of every heading line, in order (ATX and setext, outside code fences)."""
    lines = comment_lines(body).split("\n")
    found, fence, previous = [], None, ""
    for offset, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence is not None:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
        elif opening:
            fence = opening.group(1)
        elif ATX.match(line):
            found.append(offset)
        elif SETEXT.match(line) and previous.strip() and not previous.lstrip().startswith(("-", "*", "+", ">", "|")):
            found.append(offset - 1)
        previous = line if fence is None else ""
    return found


def heading_problems(blocks: list, shown: str, body: str, body_line: int) -> list[Problem]:
    """A ``#`` heading in the body, and a heading that skips a level, each at its line.

    The unit's title (its front matter) is the level-1 heading of every
    edition; the body's headings start at ``##``.
    """
    headers = [node for node in iter_nodes(blocks) if node["t"] == "Header"]
    lines = heading_lines(body)
    if len(lines) != len(headers):  # a heading pandoc read that the scan missed: find each by its text
        lines = []
        for node in headers:
            text = stringify(node["c"][2]).split(" ")[0]
            lines.append(next((i for i, line in enumerate(body.split("\n")) if text and text in line), 0))
    problems = []
    previous = 1
    for node, offset in zip(headers, lines):
        level = node["c"][0]
        line = body_line + offset
        title = stringify(node["c"][2]).strip()
        if level == 1:
            problems.append(Problem(shown, line, f"a level-1 heading ('# {title}') in the body: the unit's title "
                                                 "is its front matter's 'title'; start the body's headings at "
                                                 "'##', or begin a new unit (a new file) here"))
        elif level > previous + 1:
            problems.append(Problem(shown, line, f"the heading '{title}' is level {level} after level "
                                                 f"{previous}: a heading may go down one level at a time; "
                                                 f"write it with {'#' * (previous + 1)}"))
        if level != 1:
            previous = level
    return problems


# --- quotations -----------------------------------------------------------------------

def _attribution_split(para: list) -> tuple[list, list] | None:
    """(the paragraph's text before its attribution line, the attribution), or None."""
    for index in range(len(para) - 1, -1, -1):
        node = para[index]
        if index == 0 or para[index - 1]["t"] in BREAKS:
            if node["t"] == "Str" and node["c"].startswith(DASHES):
                return para[:max(index - 1, 0)], para[index:]
        if node["t"] in BREAKS:
            return None
    return None


def attributions(blocks: list) -> list:
    """A quote's closing ``— Author`` line as its attribution: ``<footer class="attribution">``.

    The attribution is the last paragraph of the quote when it starts with
    a dash, or the last line of the last paragraph. pandoc's AST has no
    footer, so it is written as raw HTML around the line (the HTML writer of
    every edition passes it on).
    """

    def action(node: Node):
        if node["t"] != "BlockQuote" or not node["c"] or node["c"][-1]["t"] not in ("Para", "Plain"):
            return None
        split = _attribution_split(node["c"][-1]["c"])
        if split is None:
            return None
        before, line = split
        body = node["c"][:-1] + ([{"t": "Para", "c": before}] if before else [])
        if not body:
            return None  # a quote that is only a dash line: nothing to attribute
        footer = [{"t": "RawBlock", "c": ["html", '<footer class="attribution">']},
                  {"t": "Plain", "c": line}, {"t": "RawBlock", "c": ["html", "</footer>"]}]
        return [{"t": "BlockQuote", "c": body + footer}]

    return rewrite(blocks, action)


def epigraphs(blocks: list) -> list:
    """A ``::: epigraph`` div gets the DPUB-ARIA role of an epigraph."""
    for node in iter_nodes(blocks):
        if node["t"] == "Div" and has_class(node, "epigraph"):
            pairs = attr(node)[2]
            if not any(key == "role" for key, _ in pairs):
                pairs.append(["role", "doc-epigraph"])
    return blocks


# --- verse ------------------------------------------------------------------------------

def stanzas(blocks: list) -> list:
    """A line block cut at its empty lines into stanzas: ``div.verse > div.line-block.stanza``.

    pandoc keeps a line's leading spaces as no-break spaces (the indent is
    preserved in every edition); a stanza of up to ``SHORT_STANZA`` lines
    is marked ``short``, which print keeps on one page.
    """

    def action(node: Node):
        if node["t"] != "LineBlock":
            return None
        groups: list[list] = [[]]
        for line in node["c"]:
            if line:
                groups[-1].append(line)
            elif groups[-1]:
                groups.append([])
        groups = [g for g in groups if g]
        if not groups:
            return []
        divs = [{"t": "Div", "c": [["", ["stanza"] + (["short"] if len(g) <= SHORT_STANZA else []), []],
                                   [{"t": "LineBlock", "c": g}]]} for g in groups]
        return [{"t": "Div", "c": [["", ["verse"], []], divs]}]

    return rewrite(blocks, action)


# --- task lists --------------------------------------------------------------------------

def task_boxes(blocks: list, labels: dict) -> list:
    """``- [ ]`` and ``- [x]``: a drawn box (``span.task``) named for screen readers, not a checkbox.

    ``labels``: the locale's ``task_open`` and ``task_done``.
    """

    def action(node: Node):
        if node["t"] not in ("BulletList", "OrderedList"):
            return None
        items = node["c"] if node["t"] == "BulletList" else node["c"][1]
        changed, out = False, []
        for item in items:
            first = item[0] if item else None
            inlines = first["c"] if first and first["t"] in ("Plain", "Para") else []
            if inlines and inlines[0]["t"] == "Str" and inlines[0]["c"] in (OPEN_BOX, DONE_BOX):
                done = inlines[0]["c"] == DONE_BOX
                box = Span([Str("\u2713")] if done else [], ["task", "task-done" if done else "task-open"],
                           attrs=[["role", "img"], ["aria-label", labels["task_done" if done else "task_open"]]])
                rest = inlines[2:] if len(inlines) > 1 and inlines[1]["t"] == "Space" else inlines[1:]
                item = [{"t": first["t"], "c": [box, {"t": "Space"}, *rest]}, *item[1:]]
                changed = True
            out.append(item)
        if not changed:
            return None
        listing = {"t": "BulletList", "c": out} if node["t"] == "BulletList" else {"t": "OrderedList",
                                                                                    "c": [node["c"][0], out]}
        return [{"t": "Div", "c": [["", ["task-list"], []], [listing]]}]

    return rewrite(blocks, action)


def pandoc_identifier(text: str) -> str:
    """The id pandoc's ``auto_identifiers`` would give a heading of this text (pandoc's manual,
    "Heading identifiers"): lower case, punctuation but ``_-.`` dropped, spaces as hyphens,
    everything before the first letter dropped."""
    text = re.sub(r"[^\w\s.-]", "", text.lower().replace("\u2019", "").replace("'", ""))
    text = re.sub(r"\s+", "-", text.strip())
    return re.sub(r"^[^a-z]+", "", text)


def heading_id_hint(ident: str, units, asts: list) -> str:
    """For a link to ``#ident`` that no id declares: the heading it means, when ``ident`` is the id
    pandoc would have made of its text (the build numbers headings without an id, ``slug-s3``)."""
    for unit, ast in zip(units, asts):
        for node in iter_nodes(ast["blocks"]):
            if node["t"] == "Header" and node["c"][1][0].startswith(f"{unit.slug}-s"):
                text = stringify(node["c"][2])
                if pandoc_identifier(text) == ident:
                    line = unit.chapter.line_of(text)
                    return (f"; the heading '{text}' ({unit.chapter.shown}:{line}) has no id of its own: "
                            f"write it '{'#' * node['c'][0]} {text} {{#{ident}}}'")
    return ""


def labels(blocks: list) -> list:
    """A paragraph that is only a short bold phrase ("**Solution**") labels what follows: a
    ``label`` div, which print keeps with the next block (it ended a page with its figure overleaf)."""

    def action(node: Node):
        if node["t"] != "Para" or len(node["c"]) != 1 or node["c"][0]["t"] != "Strong":
            return None
        if len(stringify(node["c"])) > 80:
            return None
        return [{"t": "Div", "c": [["", ["label"], []], [node]]}]

    return rewrite(blocks, action)
