"""Build the apparatus: back matter sections as model objects, rendered once."""

from __future__ import annotations

from markupsafe import Markup

from .config import Paths
from .editions import BackSection
from .model import Book
from .render import context, environment


def back_matter(paths: Paths, book: Book) -> list[BackSection]:
    sections: list[BackSection] = []
    if book.emendations:
        env = environment(paths)
        html = env.get_template("partials/note_on_text.html.j2").render(context(book))
        sections.append(BackSection("note-on-text", "note-on-text", book.strings["note_on_text"], Markup(html)))
    first = len(book.units) + 1
    for offset, section in enumerate(sections):
        section.page_name = f"{first + offset:02d}-{section.id}.html"
    return sections
