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
from .memo import digest, presentation_digest, template_reads
from .model import Book
from .render import config_context, context, environment
from .session import Session


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


def back_matter(paths: Paths, book: Book, pandoc, session: Session) -> list[BackSection]:
    """The back matter, built: the planned sections with their content. The
    session keeps the index's sort keys and the chronology's dates, and
    remembers renderings between the live preview's builds."""
    env = _Renderer(paths, book, session)
    builders = {"bibliography": lambda: _bibliography_section(paths, book, env, pandoc),
                "chronology": lambda: _chronology_section(paths, book, env, session),
                "index": lambda: _index_section(paths, book, env, session)}
    sections = []
    for planned in plan_back_matter(paths, book):
        section = builders[planned.kind]() if planned.kind in builders else planned
        section.page_name = planned.page_name
        sections.append(section)
    env.done()
    return sections


# The session's memo of rendered apparatus sections, remembered between builds of the live preview.
RENDERED = "apparatus"


class _Renderer:
    """Renders the apparatus templates; a rendering is remembered (press.memo)
    under a digest of everything the template can read.

    The sections are rebuilt as models on every build (that is cheap, and it
    is where their checks run); rendering a long index or chronology is not
    cheap, and after most edits it gives the same text as last time. The key
    holds the section's model (``repr`` of its dataclasses covers every
    field), the web pages' names (the links), the interface strings, the
    configuration and the templates' text. A template that reads anything
    else (``book``, ``built``: jinja2.meta finds the names it reads, through
    its includes) is rendered every time instead.
    """

    ACCOUNTED = {"config", "t", "authors"}  # from book.yaml and the strings, both in the key

    def __init__(self, paths: Paths, book: Book, session: Session):
        self.env = environment(paths)
        self.book = book
        self.memo = session.memo(RENDERED)
        self.remember = self.memo.remember
        self.keys: list[str] = []
        self.reads: dict[str, set[str] | None] = {}
        self.base = digest(presentation_digest(paths, book),
                           [[u.slug, u.page_name] for u in book.units]) if self.remember else ""

    def get_template(self, name: str):
        return self.env.get_template(name)

    def render(self, name: str, model: str, variables: dict, with_context: bool = True) -> str:
        """``name`` rendered with ``variables`` (and the book's context). ``model``
        is the ``repr`` of the data behind the variables that are neither plain
        values (text, numbers, None) nor functions of the web pages' names."""
        if self.remember and name not in self.reads:
            self.reads[name] = template_reads(self.env, name)
        reads = self.reads.get(name)
        usable = reads is not None and reads <= set(variables) | (self.ACCOUNTED if with_context else set())
        if usable:
            plain = {k: v for k, v in variables.items() if v is None or isinstance(v, (str, int, float))}
            key = digest(self.base, name, model, repr(sorted(plain.items())), with_context)
            self.keys.append(key)
            remembered = self.memo.get(key)
            if remembered is not None:
                return remembered
        values = context(self.book, **variables) if with_context else variables
        text = self.env.get_template(name).render(values)
        if usable:
            self.memo.put(key, text)
        return text

    def done(self) -> None:
        if self.remember:
            self.memo.retain(self.keys)


def _index_section(paths: Paths, book: Book, env, session: Session) -> BackSection:
    shown = {u.slug: u.chapter.shown for u in book.units}
    index = build_index(book.vocabulary, book.index_marks, book.mark_labels, shown, session.cache,
                        book.strings.phrases.text)
    book.warnings.extend(index.problems)
    pages_of = {u.slug: u.page_name for u in book.units}
    name, model = "partials/index.html.j2", repr(index)
    common = dict(index=index, pages=None, entry_href=lambda key: f"#ie-{key}")
    web = env.render(name, model, dict(href=lambda loc: f"{pages_of[loc.unit_slug]}#{loc.id}", epub=False,
                                       **common))
    epub = env.render(name, model, dict(href=lambda loc: f"#{loc.id}", epub=True, **common))
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
    name, model = "partials/bibliography.html.j2", repr(bibliography)

    def screen_ref(href):
        def ref(entry) -> Markup:
            links = Markup(", ").join(Markup('<a href="{}">{}</a>').format(href(loc), loc.label or "\u2192")
                                      for loc in entry.screen_locators)
            return Markup("{} {}").format(strings["bibliography_cited"], links)
        return ref

    web = env.render(name, model, dict(bibliography=bibliography, epub=False,
                                       ref=screen_ref(lambda loc: f"{pages_of[loc.unit_slug]}#{loc.id}")))
    epub = env.render(name, model, dict(bibliography=bibliography, epub=True,
                                        ref=screen_ref(lambda loc: f"#{loc.id}")))
    section = BackSection("bibliography", "bibliography", strings["bibliography"], Markup(web),
                          epub_html=Markup(epub), paged=Paged("partials/bibliography.html.j2",
                                                              {"bibliography": bibliography, "style": "cited"}))
    section.facts["entries"] = sum(len(entries) for _, entries in bibliography.groups)
    return section


def _chronology_section(paths: Paths, book: Book, env, session: Session) -> BackSection:
    chronology = build_chronology(book.units, book.config.chronology, book.strings, book.anchors,
                                  book.mark_labels, session.dates)
    if chronology.problems:
        raise ContentError(chronology.problems)
    book.chronology = chronology
    fig = timeline.figure(chronology)
    strings = book.strings
    caption = strings["chronology_figure_caption"].format(count=fig["count"], start=fig["first"], end=fig["last"])
    alt = caption + " " + "; ".join(f"{label}: {n}" for label, n in fig["counts"]) + "."
    svg = env.render("chronology/timeline.svg.j2", repr(fig), dict(fig=fig, title=caption, alt=alt),
                     with_context=False)
    book.timeline_svg = svg
    pages_of = {u.slug: u.page_name for u in book.units}
    name, model = "partials/chronology.html.j2", repr(chronology)

    def screen_ref(href):
        return lambda event: Markup('<a href="{}">{}</a>').format(href(event), event.label or "\u2192")

    web_figure = Markup('<img src="assets/timeline.svg" alt="{}" width="{}" height="{}">').format(
        alt, fig["width"], fig["height"])
    web = env.render(name, model, dict(chronology=chronology, figure=web_figure, caption=caption, epub=False,
                                       ref=screen_ref(lambda e: f"{pages_of[e.unit_slug]}#{e.anchor}")))
    # In the EPUB the figure is an image pandoc packages (editions/epub.py): a
    # slot here, where print and the web have it, which the EPUB replaces.
    epub = env.render(name, model, dict(chronology=chronology, figure=Markup("<span></span>"), caption=caption,
                                        epub=True,
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
            numbers = _tied(Markup('<a class="ch-page" href="#{}">{}</a>').format(p["id"], p["text"]) for p in found)
            return Markup("{}\u00a0{}\u00a0{}").format(strings["bibliography_cited_print"], label, numbers)
        label = strings.get("chronology_page", "p.")
        return _tied(Markup('<a class="ch-page" href="#{}">{}\u00a0{}</a>').format(p["id"], label, p["text"])
                     for p in found)

    html = env.get_template(section.paged.template).render(
        **config_context(config, strings), **section.paged.data, pages=pages, epub=False, ref=page_ref,
        href=lambda loc: f"#{loc.id}", entry_href=lambda key: f"#ie-{key}")
    return Markup(html)


def _tied(items) -> Markup:
    """Page references joined by commas, the last two by a no-break space, so
    that a line never holds a page reference alone ("Cited on pp. 4,/9")."""
    items = list(items)
    if len(items) < 2:
        return Markup("").join(items)
    return Markup(", ").join(items[:-1]) + Markup(",\u00a0") + items[-1]
