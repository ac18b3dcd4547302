"""Convert and collect: the whole book is parsed and checked before anything is written.

Every chapter body is parsed once by pandoc (cached by content hash); the
shared transforms run on the AST; then anchors, links and images are
gathered into one registry and checked, with ``path:line`` for each problem.
"""

from __future__ import annotations

import functools
import re

from lxml import html as lxml_html
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import transform
from .ast import clone, iter_nodes, stringify
from .bibliography import Citer, load_library, render_pandoc_cites
from .index import Marker, load_vocabulary
from .config import Paths, load_model, load_yaml
from .convert import Pandoc, parse_many, to_html_many
from .errors import Collector
from .model import Book, Heading, Locator, Unit
from .schema import BookConfig, Emendations
from .sources import Chapter

@functools.cache
def _inline_md() -> MarkdownIt:
    return MarkdownIt("commonmark", {"typographer": True}).enable(["replacements", "smartquotes"])


def inline_markdown(text: str) -> Markup:
    """A title or a short field: inline Markdown to HTML, typography included."""
    rendered = _inline_md().renderInline(transform.typography_text(text))
    return Markup(rendered)


def plain_text(markup: Markup) -> str:
    return Markup(markup).striptags()


def load_strings(paths: Paths, language: str) -> dict:
    """Interface words ("Contents", "Index") in the book's language."""
    base = language.split("-")[0]
    for name in (language, base, "en"):
        path = paths.templates / "locale" / f"{name}.yaml"
        if path.is_file():
            return load_yaml(path, paths.show(path)).data or {}
    return {}


def load_emendations(paths: Paths) -> list[dict[str, str]]:
    path = paths.content / "emendations.yaml"
    if not path.is_file():
        return []
    model, located, shown = load_model(paths, path, Emendations)
    collector = Collector()
    for index, item in enumerate(model.emendations):
        target = paths.content / item.file
        line = located.line_of(("emendations", index, "corrected"))
        if not target.resolve().is_relative_to(paths.content.resolve()) or not target.is_file():
            collector.add(shown, line, f"'{item.file}' is not a file in content/")
        elif item.corrected not in target.read_text("utf-8"):
            collector.add(shown, line, f"the corrected text is not in {item.file}")
    collector.raise_if_any()
    return [e.model_dump() for e in model.emendations]


def collect(paths: Paths, config: BookConfig, chapters: list[Chapter], pandoc: Pandoc) -> Book:
    strings = load_strings(paths, config.language)
    problems = Collector()
    asts = parse_many(pandoc, [(c.shown, c.body) for c in chapters])
    units = [Unit(chapter, ast) for chapter, ast in zip(chapters, asts)]
    note = strings.get("lacuna_note", "The source text is lost here.")
    vocabulary = load_vocabulary(paths)
    marker = Marker(vocabulary) if vocabulary else None
    library = load_library(paths, config.bibliography) if config.bibliography else None
    citer = Citer(library) if library else None
    for unit in units:
        _common_transforms(unit, note, problems, marker, citer)
    if citer is not None:
        problems.extend(citer.problems)
        problems.raise_if_any()
        render_pandoc_cites(pandoc, library, citer.pandoc_cites, units[0].ast.get("pandoc-api-version"))
    book = Book(config, units, strings, load_emendations(paths))
    book.library, book.citer = library, citer
    book.vocabulary = vocabulary
    book.index_marks = marker.marks if marker else []
    by_path = {u.chapter.path.resolve(): u for u in units}
    for item in book.emendations:
        unit = by_path.get((paths.content / item["file"]).resolve())
        item["file_title"] = unit.title_text if unit else item["file"]
    _structure(book)
    _register_anchors(book, problems)
    _check_links_and_images(book, paths, problems)
    problems.raise_if_any()
    htmls = to_html_many(pandoc, [_print_ast(unit) for unit in units])
    for unit, body in zip(units, htmls):
        unit.html = number_paragraphs(body)
        unit.headings = _headings(body)
    _label_anchors(book)
    book.mark_labels = _mark_labels(book)
    return book


def _common_transforms(unit: Unit, lacuna_note: str, problems: Collector, marker: Marker | None,
                       citer: Citer | None) -> None:
    chapter = unit.chapter
    blocks = unit.ast["blocks"]
    for fragment in transform.unsafe_html(blocks):
        problems.add(
            chapter.shown,
            chapter.line_of(fragment.strip().split("\n")[0]),
            "raw HTML or attributes that run scripts, embed frames or forms, or load files are not allowed in a chapter (use Markdown images)",
        )
    blocks = transform.heading_ids(blocks, unit.slug)
    blocks = transform.number_sections(blocks)
    blocks = transform.lacunae(blocks, lacuna_note)
    if citer is not None:
        blocks = citer.cite_unit(blocks, unit.slug, chapter.shown, chapter.line_of)
    if marker is not None:
        # Before typography: forms are matched on the text as typed.
        blocks = marker.mark_unit(blocks, unit.slug, chapter.line_of)
    blocks = transform.typography(blocks)
    unit.ast["blocks"] = blocks
    unit.scan = transform.scan(blocks)
    unit.title = inline_markdown(chapter.meta.title)
    unit.title_text = plain_text(unit.title)


def _structure(book: Book) -> None:
    by_slug = {u.slug: u for u in book.units}
    for unit in book.units:
        if unit.chapter.meta.part:
            unit.parent = by_slug[unit.chapter.meta.part]
            unit.parent.children.append(unit)
    for index, unit in enumerate(book.units):
        unit.page_name = f"{index + 1:02d}-{unit.slug}.html"


def _register_anchors(book: Book, problems: Collector) -> None:
    """One registry of every id in the book; duplicates are errors."""
    seen: dict[str, Unit] = {}
    for unit in book.units:
        ids = [unit.id, *unit.scan.ids]
        for ident in ids:
            if ident in seen:
                other = seen[ident].chapter.shown
                problems.add(
                    unit.chapter.shown,
                    unit.chapter.line_of("#" + ident) if ident != unit.id else 1,
                    f"duplicate id '{ident}' (also used in {other}); ids must be unique in the book",
                )
                continue
            seen[ident] = unit
            book.anchors[ident] = Locator(ident, unit, unit.title_text)


def _check_links_and_images(book: Book, paths: Paths, problems: Collector) -> None:
    # The bibliography's entries (ref-KEY) are anchors too, made by the apparatus.
    entries = {f"ref-{key}" for key in book.library.groups} if book.library else set()
    for unit in book.units:
        chapter = unit.chapter
        for target in unit.scan.links:
            if target.startswith("#") and target[1:] not in book.anchors and target[1:] not in entries:
                problems.add(
                    chapter.shown, chapter.line_of(target), f"link to '{target}': no such id in the book"
                )
            elif re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) is None and not target.startswith("#"):
                problems.add(
                    chapter.shown,
                    chapter.line_of(target),
                    f"link to '{target}': link to an id ('#id') or a full URL",
                )
        moved: dict[str, str] = {}
        for image in unit.scan.images:
            src = image["src"]
            line = chapter.line_of(src)
            resolved = (chapter.path.parent / src).resolve()
            if re.match(r"^[a-z][a-z0-9+.-]*:", src, re.I):
                problems.add(chapter.shown, line, f"image '{src}': only files inside content/ can be used")
            elif not resolved.is_relative_to(paths.content.resolve()):
                problems.add(chapter.shown, line, f"image '{src}' is outside content/")
            elif not resolved.is_file():
                problems.add(chapter.shown, line, f"image '{src}' does not exist")
            else:
                # Written relative to the chapter file, as in any Markdown
                # editor; every edition then finds it from the book's root.
                shared = "content/" + resolved.relative_to(paths.content.resolve()).as_posix()
                moved[src] = shared
                book.images[shared] = resolved
            if not image["alt"]:
                problems.add(chapter.shown, line, f"image '{src}' has no text alternative: add [alt text]")
        for node in iter_nodes(unit.ast["blocks"]) if moved else ():
            if node["t"] == "Image" and node["c"][2][0] in moved:
                node["c"][2][0] = moved[node["c"][2][0]]


def number_paragraphs(body: str) -> str:
    """``<p data-p="N">``: the paragraphs of a unit, counted in reading order.

    The same count names a paragraph in every edition: a proof's paragraph
    numbers and change bars, and the print page breaks carried into the
    EPUB and the web edition (press.pagemarks). Pandoc writes a paragraph
    as a bare ``<p>``; notes are inline spans here, so they hold none.
    """
    count = iter(range(1, body.count("<p>") + 1))
    return re.sub(r"<p>", lambda m: f'<p data-p="{next(count)}">', body)


def _print_ast(unit: Unit) -> dict:
    """The AST the HTML is made from: notes as inline spans (see transform.notes_inline)."""
    blocks = transform.notes_inline(clone(unit.ast["blocks"]))
    return {**unit.ast, "blocks": blocks, "meta": {}}


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
        inner = (element.text or "").lstrip() + "".join(
            lxml_html.tostring(child, encoding="unicode") for child in element
        )
        out.append(
            Heading(element.get("id", ""), int(element.tag[1]), number, Markup(inner.strip()),
                    element.text_content().strip())
        )
    return out


def _label_anchors(book: Book) -> None:
    """Readable labels for on-screen locators: the section number, else the unit title."""
    for unit in book.units:
        for heading in unit.headings:
            label = heading.number or heading.text
            if heading.id in book.anchors:
                book.anchors[heading.id] = Locator(heading.id, unit, label)


def _mark_labels(book: Book) -> dict[str, str]:
    """A readable label for every marked spot and anchor: its section (I.2.1) or its unit."""
    kind_labels = book.strings.get("locator_labels", {})
    labels: dict[str, str] = {}
    for unit in book.units:
        base = unit.number or kind_labels.get(unit.kind, unit.title_text)
        prefix = f"{unit.parent.number}." if unit.parent is not None else ""
        current = f"{prefix}{base}"
        for block in unit.ast["blocks"]:
            if block["t"] == "Header":
                numbers = [n for n in iter_nodes(block["c"][2]) if n["t"] == "Span" and "secnum" in n["c"][0][1]]
                if numbers:
                    current = prefix + stringify(numbers[0]["c"][1])
                labels[block["c"][1][0]] = current
                continue
            for node in iter_nodes(block):
                if node["t"] in ("Span", "Div") and node["c"][0][0]:
                    labels[node["c"][0][0]] = current
    return labels
