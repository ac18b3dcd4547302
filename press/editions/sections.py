"""The back matter's pages, rendered from the apparatus's section records.

Takes ``apparatus.Section`` records (edition-neutral: id, kind, title, the
model) and gives each edition its form of them: the web pages' and the
EPUB's HTML (their links differ: ``page#id`` on the web, ``#id`` in the EPUB,
where the package's links are pointed at the right files afterwards), the
chronology's timeline figure, and the print form of the paged sections,
whose page references come from the laid-out pages (press/editions/layout.py).

A rendering is remembered (press.memo) under a digest of everything the
template can read, so that the live preview does not render a long index
again after an edit that did not change it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from ..source.config import Paths
from ..memo import digest, presentation_digest, template_reads
from ..book.model import Book
from .render import config_context, context, environment

# The session's memo of rendered apparatus sections, remembered between builds of the live preview.
RENDERED = "apparatus"
TEMPLATES = {"note-on-text": "partials/note_on_text.html.j2", "index": "partials/index.html.j2",
             "bibliography": "partials/bibliography.html.j2", "chronology": "partials/chronology.html.j2"}


@dataclass
class Paged:
    """What the print layout needs to render a paged section (picklable: it
    crosses the print worker's pipe)."""

    id: str
    kind: str
    title: str
    template: str
    data: dict[str, Any] = field(default_factory=dict)


class SectionRenderer:
    """Renders the apparatus templates for one build; a rendering is remembered
    (press.memo) under a digest of everything the template can read.

    The sections are rebuilt as models on every build (that is cheap, and it
    is where their checks run); rendering a long index or chronology is not
    cheap, and after most edits it gives the same text as last time. The key
    holds the section's model (``repr`` of its dataclasses covers every
    field), the web pages' names (the links), the interface strings, the
    configuration and the templates' text. A template that reads anything
    else (``book``, ``built``: jinja2.meta finds the names it reads, through
    its includes) is rendered every time instead. Shared by the editions of
    a build (threads: the memo has a lock); ``done()`` keeps what it used.
    The memo is the session's (press.session).
    """

    ACCOUNTED = {"config", "t", "authors"}  # from book.yaml and the strings, both in the key

    def __init__(self, paths: Paths, book: Book, session):
        self.env = environment(paths)
        self.book = book
        self.memo = session.memo(RENDERED)
        self.remember = self.memo.remember
        self.keys: list[str] = []
        self.reads: dict[str, set[str] | None] = {}
        self.base = digest(presentation_digest(paths, book),
                           [[u.slug, u.page_name] for u in book.units]) if self.remember else ""
        self.pages_of = {u.slug: u.page_name for u in book.units}
        self._made: dict[tuple, Any] = {}  # forms several editions ask for, made once a build

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

    # --- the forms of a section ----------------------------------------------

    def screen(self, section, epub: bool) -> Markup:
        """A section's HTML for the web edition, or (``epub``) for the EPUB.

        The EPUB's chronology has a slot where the others have the timeline's
        figure: an image pandoc packages replaces it (editions/epub.py).
        """
        if section.kind == "note-on-text":
            return self._once(("note", section.id), lambda: Markup(
                self.env.get_template(TEMPLATES[section.kind]).render(context(self.book))))
        on_page = (lambda unit, ident: f"#{ident}") if epub else (lambda unit, ident: f"{self.pages_of[unit]}#{ident}")
        return Markup(getattr(self, f"_{section.kind}")(section, epub, on_page))

    def _index(self, section, epub: bool, on_page) -> str:
        index = section.model
        return self.render(TEMPLATES["index"], repr(index), dict(
            index=index, pages=None, entry_href=lambda key: f"#ie-{key}", epub=epub,
            href=lambda loc: on_page(loc.unit_slug, loc.id)))

    def _bibliography(self, section, epub: bool, on_page) -> str:
        strings = self.book.strings

        def ref(entry) -> Markup:
            links = Markup(", ").join(Markup('<a href="{}">{}</a>').format(on_page(loc.unit_slug, loc.id),
                                                                           loc.label or "\u2192")
                                      for loc in entry.screen_locators)
            return Markup("{} {}").format(strings["bibliography_cited"], links)

        return self.render(TEMPLATES["bibliography"], repr(section.model),
                           dict(bibliography=section.model, epub=epub, ref=ref))

    def _chronology(self, section, epub: bool, on_page) -> str:
        fig, alt = section.facts["figure"], section.facts["figure_alt"]
        figure = Markup("<span></span>") if epub else Markup(
            '<img src="assets/timeline.svg" alt="{}" width="{}" height="{}">').format(alt, fig["width"],
                                                                                     fig["height"])
        return self.render(TEMPLATES["chronology"], repr(section.model), dict(
            chronology=section.model, figure=figure, caption=section.facts["figure_caption"], epub=epub,
            ref=lambda event: Markup('<a href="{}">{}</a>').format(on_page(event.unit_slug, event.anchor),
                                                                   event.label or "\u2192")))

    def timeline(self, section) -> str:
        """The chronology's timeline as SVG (the web edition's asset, the EPUB's image, print's figure)."""
        fig = section.facts["figure"]
        return self._once(("timeline", section.id), lambda: self.render("chronology/timeline.svg.j2", repr(fig),
                           dict(fig=fig, title=section.facts["figure_caption"], alt=section.facts["figure_alt"]),
                           with_context=False))

    def _once(self, key: tuple, make):
        if key not in self._made:
            self._made[key] = make()
        return self._made[key]

    def paged(self, section) -> Paged:
        """A paged section's print form, to be rendered once its pages are known (:func:`render_paged`)."""
        data: dict[str, Any] = {section.kind: section.model}
        if section.kind == "bibliography":
            data["style"] = "cited"
        elif section.kind == "chronology":
            data.update(figure=Markup(self.timeline(section)), caption=section.facts["figure_caption"])
        return Paged(section.id, section.kind, section.title, TEMPLATES[section.kind], data)


def timeline_section(sections: list):
    """The chronology's record, when the book has one."""
    return next((s for s in sections if s.kind == "chronology"), None)


def render_paged(paths: Paths, config, strings: dict, section: Paged, pages) -> Markup:
    """A paged section for print; ``pages(entry)`` gives its page references."""
    env = environment(paths)

    def page_ref(entry) -> Markup:
        found = pages(entry)
        if section.data.get("style") == "cited":  # "Cited on pp. 4, 9"
            many = "other" if len(found) > 1 or "\u2013" in found[0]["text"] else "one"
            numbers = _tied(Markup('<a class="ch-page" href="#{}">{}</a>').format(p["id"], p["text"]) for p in found)
            return Markup.escape(strings["bibliography_cited_pages"][many]).format(pages=numbers)
        label = strings["chronology_page"]
        return _tied(Markup('<a class="ch-page" href="#{}">{}\u00a0{}</a>').format(p["id"], label, p["text"])
                     for p in found)

    html = env.get_template(section.template).render(
        **config_context(config, strings), **section.data, pages=pages, epub=False, ref=page_ref,
        href=lambda loc: f"#{loc.id}", entry_href=lambda key: f"#ie-{key}")
    return Markup(html)


def _tied(items) -> Markup:
    """Page references joined by commas, the last two by a no-break space, so
    that a line never holds a page reference alone ("Cited on pp. 4,/9")."""
    items = list(items)
    if len(items) < 2:
        return Markup("").join(items)
    return Markup(", ").join(items[:-1]) + Markup(",\u00a0") + items[-1]
