"""Each unit's work: the common transforms of its AST, then its HTML.

A unit's work is a function of that unit alone and of the book-wide inputs
in its key; press.book.collect gathers the book around it. Each result is
remembered in the session's memos (press.session): in this process for the
live preview, which redoes only the units an edit changed, and on disk in
``.cache/memo/`` for the next process (press.memo).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import html as lxml_html
from markupsafe import Markup

from . import codeblocks, figures, htmlpolicy, markup, transform
from . import math as book_math
from .ast import clone, iter_nodes, stringify
from .citations import Citations, Citer, pandoc_cites
from .convert import Pandoc, parse_logged, to_html_logged
from .index_marks import Marker
from .limits import check_chapters
from .model import Heading
from .typesetting import Typesetting
from ..errors import Problem
from ..memo import code_digest, digest
from ..session import Session
from ..source.chapters import Chapter

# The memos of each unit's work: in memory for the live preview, on disk for the next process (press.memo).
UNIT_WORK = "unit work"
UNIT_OUTPUT = "unit output"


@dataclass(frozen=True)
class UnitWork:
    """The common transforms of one unit: a function of that unit alone (and of
    the book-wide inputs in its key: the lacuna note, the index vocabulary, the
    bibliography's keys), so an unchanged unit's work is reused after an edit
    elsewhere. Nothing here is changed after it is made (see press.memo)."""

    key: str
    ast: dict  # after the common transforms; pandoc-syntax citations not yet rendered
    scan: transform.Scan
    problems: list[Problem]  # raw HTML that must not reach an edition
    marks: list  # index_marks.Mark, in reading order
    citations: Citations | None
    cites: list  # the pandoc-syntax citations (Cite nodes in ast), for citeproc
    messages: list[str]  # pandoc's warnings when it parsed the body


@dataclass(frozen=True)
class UnitOutput:
    """A unit's final AST and HTML: its work, its citations' rendered text and its images' paths."""

    ast: dict
    html: str
    headings: list[Heading]
    sections: list[tuple[str, str | None]]  # (id, the section number it is in; None: before any)
    messages: list[str]  # pandoc's warnings when it wrote the HTML


def unit_works(chapters: list[Chapter], pandoc: Pandoc, note: str, marker: Marker | None,
                citer: Citer | None, session: Session,
                typesetter: book_math.FormulaSetter | None = None, tasks: dict | None = None,
                style: Typesetting | None = None) -> list[UnitWork]:
    """Each unit's work, remembered or done (the bodies not remembered are parsed in one pandoc call)."""
    tasks = tasks or {"task_open": "task_open", "task_done": "task_done"}
    shared = digest(note, tasks, marker.fingerprint() if marker else None, style.fingerprint() if style else None,
                    [citer.library.shown, sorted(citer.library.groups)] if citer else None)
    check_chapters(chapters)  # before pandoc: a chapter too big or too deep is refused at once
    keys = [digest(shared, c.shown, c.slug, c.body_line, c.body, c.meta.title) for c in chapters]
    memo = session.memo(UNIT_WORK, kept=_kept_salt())
    works: list[UnitWork | None] = memo.recall(keys)
    for chapter, work in zip(chapters, works):
        if work is not None:
            pandoc.note(work.messages, chapter.shown)  # as a cached parse would
    missing = [i for i, work in enumerate(works) if work is None]
    parsed = parse_logged(pandoc, [(chapters[i].shown, chapters[i].body) for i in missing])
    for index, (ast, messages) in zip(missing, parsed):
        works[index] = _transform(keys[index], chapters[index], ast, messages, note, marker, citer, typesetter,
                                  tasks, style)
        memo.put(keys[index], works[index])
    memo.retain(keys)
    return works  # type: ignore[return-value]


def _kept_salt() -> str:
    """What a unit's work and output kept on disk depend on besides their keys:
    the code, the installed packages (pypandoc-binary's pandoc among them) and
    the pandoc that runs (press.tools.pandoc_path: it may be the system's)."""
    from ..tools import pandoc_version

    return digest(code_digest(), pandoc_version())


def _transform(key: str, chapter: Chapter, ast: dict, messages: list[str], lacuna_note: str,
               marker: Marker | None, citer: Citer | None,
               typesetter: book_math.FormulaSetter | None = None, tasks: dict | None = None,
               style: Typesetting | None = None) -> UnitWork:
    """The common transforms of one unit's freshly parsed AST."""
    # Comments first: they are the editor's, and no check or edition sees them (press.book.markup).
    blocks = markup.drop_comments(ast["blocks"])
    problems = markup.heading_problems(blocks, chapter.shown, chapter.body, chapter.body_line)
    problems += book_math.problems(blocks, chapter, typesetter) + [
        Problem(chapter.shown, chapter.line_of(fragment.strip().split("\n")[0]),
                f"raw HTML or an attribute that is not allowed in a chapter: {reason}; {htmlpolicy.REMEDY}")
        for fragment, reason in transform.unsafe_html(blocks)
    ]
    blocks = transform.heading_ids(blocks, chapter.slug)
    blocks = transform.number_sections(blocks)
    blocks = transform.lacunae(blocks, lacuna_note)
    blocks = figures.take_references(blocks)  # before citations: @fig-id is no bibliography key
    blocks = markup.attributions(markup.epigraphs(blocks))
    blocks = markup.labels(markup.task_boxes(markup.stanzas(blocks), tasks or {"task_open": "", "task_done": ""}))
    citations = None
    if citer is not None:
        blocks, citations = citer.cite_unit(blocks, chapter.slug, chapter.shown, chapter.line_of)
    marks: list = []
    if marker is not None:
        # Before typography: forms are matched on the text as typed.
        blocks, marks = marker.mark_unit(blocks, chapter.slug, chapter.line_of)
    blocks = transform.typography(blocks, style)
    blocks = codeblocks.prepare(blocks, chapter.slug)  # issue 17: focusable code blocks, with stable ids
    ast["blocks"] = blocks
    cites = citations.pandoc if citations is not None else []
    return UnitWork(key, ast, transform.scan(blocks), problems, marks, citations, cites, messages)


def unit_outputs(works: list[UnitWork], renderings: list[list], moves: list[dict[str, str]],
                  pandoc: Pandoc, session: Session, numbering: figures.Numbering | None = None,
                  separator: str = ".") -> list[UnitOutput]:
    """Each unit's final AST and HTML, remembered or made (the HTML in one pandoc call)."""
    keys = [digest(work.key, rendered, sorted(moved.items()),
                   numbering.fingerprint(i) if numbering and numbering.captions[i] or _refers(work.ast) else None)
            for i, (work, rendered, moved) in enumerate(zip(works, renderings, moves))]
    memo = session.memo(UNIT_OUTPUT, kept=_kept_salt())
    outputs: list[UnitOutput | None] = memo.recall(keys)
    for output in outputs:
        if output is not None:
            pandoc.note(output.messages, None)  # as a cached conversion would
    missing = [i for i, output in enumerate(outputs) if output is None]
    asts = [_final_ast(works[i].ast, renderings[i], moves[i]) for i in missing]
    if numbering is not None:
        asts = [figures.apply(ast, i, numbering, separator) if numbering.captions[i] or _refers(ast) else ast
                for i, ast in zip(missing, asts)]
    htmls = to_html_logged(pandoc, [_print_ast(ast) for ast in asts])
    for index, ast, (body, messages) in zip(missing, asts, htmls):
        body = book_math.alttext(number_paragraphs(body))
        outputs[index] = UnitOutput(ast, body, _headings(body), _sections(ast["blocks"]), messages)
        memo.put(keys[index], outputs[index])
    memo.retain(keys)
    return outputs  # type: ignore[return-value]


def _final_ast(ast: dict, rendered: list, moved: dict[str, str]) -> dict:
    """A unit's AST with its citations' text and its images' paths from the book's root.

    The unit's work is not changed: a unit with either gets a copy.
    """
    if not rendered and not moved:
        return ast
    ast = clone(ast)
    for cite, inlines in zip(pandoc_cites(ast["blocks"]), rendered, strict=True):
        cite["c"][1] = inlines
    for node in iter_nodes(ast["blocks"]) if moved else ():
        if node["t"] == "Image" and node["c"][2][0] in moved:
            node["c"][2][0] = moved[node["c"][2][0]]
    return ast


def _refers(ast: dict) -> bool:
    """Whether a unit cross-refers to a figure, table or section (press.book.figures)."""
    return any(node["t"] == "Span" and "xref" in node["c"][0][1] for node in iter_nodes(ast["blocks"]))


def number_paragraphs(body: str) -> str:
    """``<p data-p="N">``: the paragraphs of a unit, counted in reading order.

    The same count names a paragraph in every edition: a proof's paragraph
    numbers and change bars, and the print page breaks carried into the
    EPUB and the web edition (press.editions.pagemarks). Pandoc writes a paragraph
    as a bare ``<p>``; notes are inline spans here, so they hold none.
    """
    count = iter(range(1, body.count("<p>") + 1))
    return re.sub(r"<p>", lambda m: f'<p data-p="{next(count)}">', body)


def _print_ast(ast: dict) -> dict:
    """The AST the HTML is made from: notes as inline spans (see transform.notes_inline),
    each paragraph's last word marked for print (transform.last_words)."""
    return {**ast, "blocks": transform.notes_inline(transform.last_words(ast["blocks"])), "meta": {}}


def _headings(body: str) -> list[Heading]:
    if not body.strip():
        return []
    out = []
    for element in lxml_html.fragments_fromstring(body):
        if not isinstance(element, lxml_html.HtmlElement) or element.tag not in ("h2", "h3"):
            continue
        number = None
        for span in element.find_class("secnum"):
            number = span.text_content()
            span.drop_tree()
        # The title goes inside the contents' links: a link or note reference of its own would nest
        # a link in a link (the Nu checker), an id would be doubled.
        for link in list(element.iter("a")):
            if "footnote-ref" in (link.get("class") or "").split():
                link.drop_tree()
            else:
                link.drop_tag()
        for inner_element in element.iterdescendants():
            inner_element.attrib.pop("id", None)
        inner = (element.text or "").lstrip() + "".join(
            lxml_html.tostring(child, encoding="unicode") for child in element
        )
        out.append(
            Heading(element.get("id", ""), int(element.tag[1]), number, Markup(inner.strip()),
                    element.text_content().strip())
        )
    return out


def _sections(blocks: list) -> list[tuple[str, str | None]]:
    """Every heading and every span or div with an id, with the number of the
    section it is in (None before the first numbered heading): the unit's
    part of the labels, which the book completes with the unit's own number."""
    out: list[tuple[str, str | None]] = []
    current = None
    for block in blocks:
        if block["t"] == "Header":
            numbers = [n for n in iter_nodes(block["c"][2]) if n["t"] == "Span" and "secnum" in n["c"][0][1]]
            if numbers:
                current = stringify(numbers[0]["c"][1])
            out.append((block["c"][1][0], current))
            continue
        for node in iter_nodes(block):
            if node["t"] in ("Span", "Div") and node["c"][0][0]:
                out.append((node["c"][0][0], current))
    return out
