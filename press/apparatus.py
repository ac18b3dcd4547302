"""Build the apparatus: back matter as model objects, rendered per edition.

Sections whose print form needs page numbers (the index; later the
chronology and the bibliography) are *paged*: the print edition renders them
after the body is laid out, from the same model (press/editions/pdf.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from .config import Paths
from .editions import BackSection
from .index import Index, build_index
from .model import Book
from .render import config_context, context, environment


@dataclass
class Paged:
    """What the print worker needs to render a paged section (picklable)."""

    template: str
    data: dict[str, Any] = field(default_factory=dict)


def back_matter(paths: Paths, book: Book) -> list[BackSection]:
    env = environment(paths)
    sections: list[BackSection] = []
    if book.emendations:
        html = Markup(env.get_template("partials/note_on_text.html.j2").render(context(book)))
        sections.append(BackSection("note-on-text", "note-on-text", book.strings["note_on_text"], html))
    if book.vocabulary is not None:
        sections.append(_index_section(paths, book, env))
    first = len(book.units) + 1
    for offset, section in enumerate(sections):
        section.page_name = f"{first + offset:02d}-{section.id}.html"
    return sections


def _index_section(paths: Paths, book: Book, env) -> BackSection:
    shown = {u.slug: u.chapter.shown for u in book.units}
    index = build_index(book.vocabulary, book.index_marks, book.mark_labels, shown)
    book.warnings.extend(index.problems)
    pages_of = {u.slug: u.page_name for u in book.units}
    template = env.get_template("partials/index.html.j2")
    common = dict(index=index, pages=None, entry_href=lambda key: f"#ie-{key}")
    web = template.render(context(book, href=lambda loc: f"{pages_of[loc.unit_slug]}#{loc.id}", epub=False,
                                  **common))
    epub = template.render(context(book, href=lambda loc: f"#{loc.id}", epub=True, **common))
    section = BackSection("index", "index", book.strings["index"], Markup(web), epub_html=Markup(epub),
                          paged=Paged("partials/index.html.j2", {"index": index}))
    section.facts["locators"] = index.locator_count
    return section


def render_paged(paths: Paths, config, strings: dict, section: BackSection, pages) -> Markup:
    """A paged section for print; ``pages(entry)`` gives its page references."""
    env = environment(paths)
    html = env.get_template(section.paged.template).render(
        **config_context(config, strings), **section.paged.data, pages=pages, epub=False,
        href=lambda loc: f"#{loc.id}", entry_href=lambda key: f"#ie-{key}")
    return Markup(html)
