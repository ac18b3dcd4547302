"""Convert and collect: the whole book is parsed and checked before anything is written.

Every chapter body is parsed once by pandoc (cached by content hash); the
shared transforms run on the AST (press.book.unitwork, each unit's work
remembered); then anchors, links and images are gathered into one registry
and checked, with ``path:line`` for each problem.
"""

from __future__ import annotations

import re

from . import math as book_math
from . import phrases as book_text
from . import figures
from . import markup, transform
from .citations import Citer, load_library, render_pandoc_cites
from .index_marks import Marker, load_vocabulary, unknown_headings
from .locale import load_strings, other_locales
from .typesetting import typesetting
from ..source.config import Paths, load_model, load_yaml
from ..source.units import check_back_order
from .convert import Pandoc
from ..errors import Collector, ContentError, Problem, did_you_mean
from .model import Book, Locator, Unit
from ..source.schema import BookConfig, Emendations
from ..session import Session
from ..source.chapters import Chapter, Reading, Unread
from .unitwork import UnitWork, unit_outputs, unit_works


def load_emendations(paths: Paths) -> tuple[list[dict[str, str]], str | None]:
    """The emendations, and the book's own introduction to them (None: the locale's)."""
    path = paths.content / "emendations.yaml"
    if not path.is_file():
        return [], None
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
    return [e.model_dump() for e in model.emendations], model.intro


def typeset_words(paths: Paths, config: BookConfig, chapters: list[Chapter], pandoc: Pandoc,
                  vocabulary=None, emendations=(), emendation_intro: str | None = None):
    """Every phrase of the book and every interface word, typeset in one go
    (press.book.phrases): the ``t`` of every template, and the problems found."""
    shown = paths.show(paths.book_yaml)
    # The lines of book.yaml's keys, for a problem in one of its phrases (one more read of a small file).
    located = load_yaml(paths.book_yaml, shown) if paths.book_yaml.is_file() else None
    phrases = book_text.book_phrases(config, chapters, vocabulary, emendations, shown,
                                     emendation_intro, located.line_of if located is not None else None)
    strings = load_strings(paths, config.language, paths.show(paths.book_yaml))
    style = typesetting(strings, config.language, other_locales(paths, config.language))
    return book_text.render(pandoc, phrases, strings, style)


def collect(paths: Paths, config: BookConfig, chapters: list[Chapter], pandoc: Pandoc,
            session: Session, earlier: Reading | None = None) -> Book:
    """The book, converted and checked. ``earlier``: the read stage's problems and
    the files it could not read (sources.read_book), reported with this stage's.

    A problem stops the build at the end of the stage, not where it is found,
    so that one run lists front matter, links, citations, index keys and
    images together. What a problem leaves unknown (the index vocabulary, the
    references) is not checked against until it is mended.
    """
    problems = Collector()
    unread = earlier.unread if earlier is not None else []
    if earlier is not None:
        problems.extend(earlier.problems)
    problems.extend(check_back_order(chapters, config.back_matter))
    vocabulary = _attempt(problems, load_vocabulary, paths)
    emendations, emendation_intro = _attempt(problems, load_emendations, paths) or ([], None)
    strings, trouble = typeset_words(paths, config, chapters, pandoc, vocabulary, emendations, emendation_intro)
    problems.extend(trouble)
    note = strings["lacuna_note"]
    marker = Marker(vocabulary) if vocabulary else None
    library = _attempt(problems, load_library, paths, config.bibliography, config.language) if config.bibliography else None
    citer = Citer(library) if library else None
    typesetter = book_math.FormulaSetter(session.folder("math"))
    tasks = {key: strings[key] for key in ("task_open", "task_done")}
    works = unit_works(chapters, pandoc, note, marker, citer, session, typesetter, tasks, strings.typesetting)
    typesetter.save()
    units = []
    for chapter, work in zip(chapters, works):
        units.append(_unit(chapter, work, strings.phrases))
        problems.extend(work.problems)
    if citer is not None:
        for work in works:
            citer.add(work.citations)
        problems.extend(citer.problems)
    book = Book(config, units, strings, emendations, emendation_intro=emendation_intro)
    book.library, book.citer = library, citer
    book.vocabulary = vocabulary
    book.index_marks = [mark for work in works for mark in work.marks]
    if vocabulary is not None:
        shown = {u.slug: u.chapter.shown for u in units}
        problems.extend(unknown_headings(vocabulary, book.index_marks, shown))
    by_path = {u.chapter.path.resolve(): u for u in units}
    for item in book.emendations:
        unit = by_path.get((paths.content / item["file"]).resolve())
        item["file_title"] = unit.title if unit else item["file"]
    book.warnings.extend(_title_forms(book, paths.show(paths.book_yaml)))
    _structure(book)
    _register_anchors(book, problems)
    numbering = book.numbering = figures.number_book(book, [work.ast for work in works])
    figures.unknown_references(book, [work.ast for work in works], numbering, problems)
    unknown = config.bibliography is not None and library is None  # its entries' ids (ref-KEY) are unknown
    moves = _check_links_and_images(book, paths, problems, unread, unknown, [work.ast for work in works])
    problems.raise_if_any()
    renderings = _render_citations(pandoc, library, works) if citer and works else [[] for _ in units]
    transform.hold_ranges(renderings, strings.typesetting.marks.range_dash)  # citeproc's "12-14" too
    outputs = unit_outputs(works, renderings, moves, pandoc, session, numbering,
                             book.strings["caption_separator"])
    for unit, output in zip(units, outputs):  # formulas pandoc could not read for MathML (press.book.math)
        problems.extend(book_math.pandoc_problems(output.messages, unit.chapter))
    problems.raise_if_any()
    for unit, output in zip(units, outputs):
        unit.ast, unit.html, unit.headings = output.ast, output.html, output.headings
    _label_anchors(book)
    book.mark_labels = _mark_labels(book, [output.sections for output in outputs])
    return book


def _attempt(problems: Collector, load, *args):
    """``load(*args)``, or None with its problems kept: a file of the book that
    cannot be read is reported with the rest, and what it holds goes unchecked."""
    try:
        return load(*args)
    except ContentError as exc:
        problems.extend(exc.problems)
        return None


def _unit(chapter: Chapter, work: UnitWork, phrases: book_text.Phrases) -> Unit:
    meta = chapter.meta
    title = phrases.get(meta.title)
    short = phrases.get(meta.short_title) if meta.short_title else title
    return Unit(chapter, work.ast, title=title.html, title_text=title.text, short_title=short.html,
                short_title_text=short.text, byline=phrases.html(meta.byline), scan=work.scan)


def _render_citations(pandoc: Pandoc, library, works: list[UnitWork]) -> list[list]:
    """The rendered text of each unit's pandoc-syntax citations (one citeproc call for the book)."""
    cites = [work.cites for work in works]
    flat = [cite for unit_cites in cites for cite in unit_cites]
    rendered = render_pandoc_cites(pandoc, library, flat, works[0].ast.get("pandoc-api-version"))
    out, start = [], 0
    for unit_cites in cites:
        out.append(rendered[start:start + len(unit_cites)])
        start += len(unit_cites)
    return out


def _title_forms(book: Book, config_shown: str) -> list[Problem]:
    """A unit titled with the book's title (or its start, as a short title) writes it as
    book.yaml does: one title, capitalised one way in every edition (small capitals
    or capitals are the stylesheets' to set, over the same text)."""
    title = book.strings.phrases.text(book.config.title)
    found = []
    for unit in book.units:
        meta = unit.chapter.meta
        short = unit.short_title_text if meta.short_title else ""
        for key, text, same in (("title", unit.title_text, title), ("short_title", short, title[:len(short)])):
            if text and text != same and text.casefold() == same.casefold():
                found.append(Problem(unit.chapter.shown, unit.chapter.located.line_of((key,)),
                                     f"the {key.replace('_', ' ')} is the book's title capitalised another way; "
                                     f"write it as {config_shown} does: '{same}'"))
    return found


def _structure(book: Book) -> None:
    by_slug = {u.slug: u for u in book.units}
    for unit in book.units:
        if unit.chapter.meta.part:
            unit.parent = by_slug[unit.chapter.meta.part]
            unit.parent.children.append(unit)
    appendices = [u for u in book.units if u.kind == "appendix"]
    if len(appendices) > 1 and not any(u.chapter.meta.number for u in appendices):
        for index, unit in enumerate(appendices):  # lettered A, B, ... (a lone appendix is "Appendix")
            unit.letter = chr(ord("A") + index) if index < 26 else str(index + 1)
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
            book.anchors[ident] = Locator(ident, unit.slug, unit.title_text)


def _check_links_and_images(book: Book, paths: Paths, problems: Collector, unread: list[Unread] = (),
                            unknown_entries: bool = False, asts: list = ()) -> list[dict[str, str]]:
    """Check links and images; return each unit's images' paths from the book's root (src -> path).

    A link is not called broken when its id may be declared in a chapter that
    could not be read (``unread``), or is a bibliography entry's while the
    references could not be read (``unknown_entries``): that is for the next run.
    """
    # The bibliography's entries (ref-KEY) are anchors too, made by the apparatus.
    entries = {f"ref-{key}" for key in book.library.groups} if book.library else set()
    moves = []
    for unit in book.units:
        chapter = unit.chapter
        for target in unit.scan.links:
            if target.startswith("#") and target[1:] not in book.anchors and target[1:] not in entries:
                ident = target[1:]
                if any(u.may_declare(ident) for u in unread) or (unknown_entries and ident.startswith("ref-")):
                    continue
                hint = (markup.heading_id_hint(ident, book.units, asts)
                        or did_you_mean(target, ("#" + i for i in (*book.anchors, *entries))))
                problems.add(
                    chapter.shown, chapter.line_of(target), f"link to '{target}': no such id in the book{hint}"
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
                unsafe = figures.svg_problem(resolved) if resolved.suffix.lower() == ".svg" else None
                if unsafe:
                    problems.add(chapter.shown, line, f"image '{src}' {unsafe}; an SVG must hold no scripts, "
                                                      f"event handlers, foreignObject or outside references")
            if not image["alt"]:
                problems.add(chapter.shown, line, f"image '{src}' has no text alternative: add [alt text]")
        moves.append(moved)
    return moves


def _label_anchors(book: Book) -> None:
    """Readable labels for on-screen locators: the section number, else the unit title."""
    for unit in book.units:
        for heading in unit.headings:
            label = heading.number or heading.text
            if heading.id in book.anchors:
                book.anchors[heading.id] = Locator(heading.id, unit.slug, label)


def _mark_labels(book: Book, sections: list[list[tuple[str, str | None]]]) -> dict[str, str]:
    """A readable label for every marked spot and anchor: its section (I.2.1) or its unit."""
    kind_labels = book.strings["locator_labels"]
    labels: dict[str, str] = {}
    for unit, unit_sections in zip(book.units, sections):
        base = unit.number or kind_labels.get(unit.kind, unit.title_text)
        if unit.kind == "appendix" and unit.number:
            base = f"{kind_labels.get('appendix', '')} {unit.number}".strip()
        prefix = f"{unit.parent.number}." if unit.parent is not None else ""
        for ident, number in unit_sections:
            labels[ident] = prefix + (base if number is None else number)
    return labels
