"""Build the apparatus: back matter as model objects, rendered per edition.

Sections whose print form needs page numbers (the index; later the
chronology and the bibliography) are *paged*: the print edition renders them
after the body is laid out, from the same model (press/editions/pdf.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from . import timeline
from .chronology import build_chronology
from .config import Paths
from .errors import ContentError
from .editions import BackSection
from .index import build_index
from .model import Book
from .render import config_context, context, environment


@dataclass
class Paged:
    """What the print worker needs to render a paged section (picklable)."""

    template: str
    data: dict[str, Any] = field(default_factory=dict)


def plan_back_matter(paths: Paths, book: Book) -> list[BackSection]:
    """Which back matter the book has, in order: ids, titles, web pages.

    Cheap, so that the print layout of the body can start before the
    apparatus is built: paged sections are laid out after the body anyway.
    """
    strings = book.strings
    sections: list[BackSection] = []
    if book.emendations:
        html = Markup(environment(paths).get_template("partials/note_on_text.html.j2").render(context(book)))
        sections.append(BackSection("note-on-text", "note-on-text", strings["note_on_text"], html))
    for kind, present in (("bibliography", book.library is not None),
                          ("chronology", any(u.chapter.meta.chronology for u in book.units)),
                          ("index", book.vocabulary is not None)):
        if present:
            sections.append(BackSection(kind, kind, strings[kind], Markup(""), paged=Paged("")))
    first = len(book.units) + 1
    for offset, section in enumerate(sections):
        section.page_name = f"{first + offset:02d}-{section.id}.html"
    return sections


def back_matter(paths: Paths, book: Book, pandoc=None) -> list[BackSection]:
    """The back matter, built: the planned sections with their content."""
    env = environment(paths)
    builders = {"bibliography": lambda: _bibliography_section(paths, book, env, pandoc),
                "chronology": lambda: _chronology_section(paths, book, env),
                "index": lambda: _index_section(paths, book, env)}
    sections = []
    for planned in plan_back_matter(paths, book):
        section = builders[planned.kind]() if planned.kind in builders else planned
        section.page_name = planned.page_name
        sections.append(section)
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


def _bibliography_section(paths: Paths, book: Book, env, pandoc) -> BackSection:
    from .bibliography import build_bibliography
    from .convert import Pandoc

    pandoc = pandoc or Pandoc(paths.root / ".cache" / "pandoc")
    bibliography = build_bibliography(pandoc, book.library, book.config.bibliography, book.citer, book.mark_labels)
    book.warnings.extend(bibliography.problems)
    strings = book.strings
    pages_of = {u.slug: u.page_name for u in book.units}
    template = env.get_template("partials/bibliography.html.j2")

    def screen_ref(href):
        def ref(entry) -> Markup:
            links = Markup(", ").join(Markup('<a href="{}">{}</a>').format(href(loc), loc.label or "\u2192")
                                      for loc in entry.screen_locators)
            return Markup("{} {}").format(strings["bibliography_cited"], links)
        return ref

    web = template.render(context(book, bibliography=bibliography, epub=False,
                                  ref=screen_ref(lambda loc: f"{pages_of[loc.unit_slug]}#{loc.id}")))
    epub = template.render(context(book, bibliography=bibliography, epub=True,
                                   ref=screen_ref(lambda loc: f"#{loc.id}")))
    section = BackSection("bibliography", "bibliography", strings["bibliography"], Markup(web),
                          epub_html=Markup(epub), paged=Paged("partials/bibliography.html.j2",
                                                              {"bibliography": bibliography, "style": "cited"}))
    section.facts["entries"] = sum(len(entries) for _, entries in bibliography.groups)
    return section


def _chronology_section(paths: Paths, book: Book, env) -> BackSection:
    chronology = build_chronology(book.units, book.config.chronology, book.strings, book.anchors,
                                  book.mark_labels)
    if chronology.problems:
        raise ContentError(chronology.problems)
    book.chronology = chronology
    fig = timeline.figure(chronology)
    strings = book.strings
    caption = strings["chronology_figure_caption"].format(count=fig["count"], start=fig["first"], end=fig["last"])
    alt = caption + " " + "; ".join(f"{label}: {n}" for label, n in fig["counts"]) + "."
    svg = env.get_template("chronology/timeline.svg.j2").render(fig=fig, title=caption, alt=alt)
    book.timeline_svg = svg
    pages_of = {u.slug: u.page_name for u in book.units}
    template = env.get_template("partials/chronology.html.j2")

    def screen_ref(href):
        return lambda event: Markup('<a href="{}">{}</a>').format(href(event), event.label or "\u2192")

    web_figure = Markup('<img src="assets/timeline.svg" alt="{}" width="{}" height="{}">').format(
        alt, fig["width"], fig["height"])
    web = template.render(context(book, chronology=chronology, figure=web_figure, caption=caption, epub=False,
                                  ref=screen_ref(lambda e: f"{pages_of[e.unit_slug]}#{e.anchor}")))
    # In the EPUB the figure is an image pandoc packages (editions/epub.py).
    epub = template.render(context(book, chronology=chronology, figure=None, caption=caption, epub=True,
                                   ref=screen_ref(lambda e: f"#{e.anchor}")))
    section = BackSection("chronology", "chronology", strings["chronology"], Markup(web), epub_html=Markup(epub),
                          paged=Paged("partials/chronology.html.j2",
                                      {"chronology": chronology, "figure": Markup(svg), "caption": caption}))
    section.facts.update(figure_alt=alt, figure_caption=caption, events=len(chronology.events))
    return section


def render_paged(paths: Paths, config, strings: dict, section: BackSection, pages) -> Markup:
    """A paged section for print; ``pages(entry)`` gives its page references."""
    env = environment(paths)
    def page_ref(entry) -> Markup:
        found = pages(entry)
        if section.paged.data.get("style") == "cited":  # "Cited on pp. 4, 9"
            label = strings["page_plural"] if len(found) > 1 or "\u2013" in found[0]["text"] else strings["page_singular"]
            numbers = Markup(", ").join(Markup('<a class="ch-page" href="#{}">{}</a>').format(p["id"], p["text"])
                                        for p in found)
            return Markup("{} {}\u00a0{}").format(strings["bibliography_cited_print"], label, numbers)
        label = strings.get("chronology_page", "p.")
        return Markup(", ").join(Markup('<a class="ch-page" href="#{}">{}\u00a0{}</a>').format(p["id"], label, p["text"])
                                 for p in found)

    html = env.get_template(section.paged.template).render(
        **config_context(config, strings), **section.paged.data, pages=pages, epub=False, ref=page_ref,
        href=lambda loc: f"#{loc.id}", entry_href=lambda key: f"#ie-{key}")
    return Markup(html)
