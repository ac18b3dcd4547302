"""The web edition: a static multi-page site that works from the file system.

Takes the edition's ``Job`` (the book, the back matter's records, the print
profile's web styles) and, when there are any, the print edition's page
starts; gives ``html/`` (a page per unit and per back section, the home and
search pages, the search index, the assets).
"""

from __future__ import annotations

import html as html_lib
import json
import re
import shutil
from pathlib import Path

from lxml import html as lxml_html
from markupsafe import Markup

from ..errors import Problem
from ..memo import Memo, digest, presentation_digest, template_reads
from ..book.model import Unit
from .render import context, environment
from . import Edition, EditionResult, notes
from .cover import cover_png
from .figurelists import figure_lists
from .fonts import fallback_css, font_faces, has_code, shipped
from .sections import timeline_section

WEB_STYLES = ("fonts.css", "base.css", "screen.css", "code-theme.css", "web-print.css")
# Where a page's body and print page markers go in its rendered frame (no HTML holds a NUL).
_BODY, _MARKS = "\x00body\x00", "\x00page-marks\x00"
SCRIPTS = ("search.js", "menu.js")



def script_json(value) -> str:
    """``value`` as JSON that is safe as script text, inline or in a file (issue 19):
    no ``</script>`` or ``<!--`` can close or confuse a <script> element, and the
    line separators U+2028 and U+2029 (line ends to older JavaScript) are escaped.
    The same value to JSON.parse; only those characters are spelled differently."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for raw, safe in (("</", "<\\/"), ("<!--", "\\u003c!--"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, safe)
    return text


def endnotes(body: str, first_number: int, back_label: str, notes_label: str) -> tuple[str, int]:
    """Inline note spans (``span.footnote``) become numbered endnotes of the page.

    Returns the new HTML and the number of notes. Notes are numbered from
    ``first_number``: 1 in each unit, as in print (book.yaml's ``notes``: footnotes).
    """
    if "footnote" not in body:
        return body, 0
    root = lxml_html.fragment_fromstring(body, create_parent="div")
    items = []
    for offset, span in enumerate(root.xpath("//span[contains(concat(' ', @class, ' '), ' footnote ')]")):
        number = first_number + offset
        ref = lxml_html.fromstring(
            f'<a class="noteref" href="#fn{number}" id="fnref{number}" role="doc-noteref"><sup>{number}</sup></a>'
        )
        ref.tail = span.tail
        span.tail = None
        span.getparent().replace(span, ref)
        span.tag = "p"
        span.attrib.clear()
        back = lxml_html.fromstring(f'<a href="#fnref{number}" role="doc-backlink" aria-label="{back_label}">↩</a>')
        span.append(back)
        items.append((number, span))
    section = lxml_html.fromstring(
        f'<section class="footnotes" role="doc-endnotes" aria-label="{notes_label}"><hr><ol start="{first_number}"></ol></section>'
    )
    ol = section.find("ol")
    for number, para in items:
        li = lxml_html.fromstring(f'<li id="fn{number}" role="doc-endnote"></li>')
        li.append(para)
        ol.append(li)
    root.append(section)
    inner = (root.text or "") + "".join(lxml_html.tostring(c, encoding="unicode") for c in root)
    return inner, len(items)


def cross_page_links(body: str, page: str, where: dict[str, str]) -> str:
    """Point "#id" links at the page that holds the id, when it is another page."""

    def repl(match: re.Match) -> str:
        target = where.get(html_lib.unescape(match.group(1)))
        return match.group(0) if target in (None, page) else f'href="{target}#{match.group(1)}"'

    return re.sub(r'href="#([^"]+)"', repl, body)


def moved_links(body: str, moved: dict[str, str]) -> str:
    """Point "page#id" links at the page an id has ``moved`` to (the notes' ids, to the Notes page)."""
    if not moved:
        return body

    def repl(match: re.Match) -> str:
        target = moved.get(html_lib.unescape(match.group(2)))
        return match.group(0) if target in (None, match.group(1)) else f'href="{target}#{match.group(2)}"'

    return re.sub(r'href="([^"#]+)#([^"]+)"', repl, body)


class HtmlEdition(Edition):
    """The web edition. ``write`` renders every page's frame, the home and
    search pages and the assets beside the print layout; ``finish`` writes the
    units' and back sections' pages once, with the print page markers when
    page starts are to be had (press.editions.pagemarks)."""

    name = "html"
    uses = frozenset({"page_starts"})
    without = "web edition without print page markers: build the pdf too"

    def __init__(self, job, started=None):
        super().__init__(job, started)
        first = len(self.book.units) + 1
        self._page_names = {s.id: f"{first + offset:02d}-{s.id}.html" for offset, s in enumerate(self.sections)}

    def page_name(self, section) -> str:
        return self._page_names[section.id]

    def pages(self) -> list[dict]:
        """Every page in reading order: title, file, body."""
        pages = []
        t = self.book.strings
        taken: list = []  # the notes of the back matter's Notes (book.yaml's notes: endnotes-book)
        for unit in self.book.units:
            body, found = self.unit_notes(self.job.unit_html(unit), unit)
            taken += found
            # Images are named from the book's root (content/...); here they are in media/.
            body = body.replace('src="content/', 'src="media/')
            pages.append({"unit": unit, "file": unit.page_name, "title": _unit_title(unit, t),
                          "body": Markup(body), "kind": unit.kind, "anchor": unit.id, "lang": unit.lang})
        renderer = self.job.renderer
        for section in self.sections:
            body = (notes.book_notes(taken, lambda n: f"{n.unit.page_name}#{n.ref_id}", t)
                    if section.kind == "notes" else renderer.screen(section, epub=False))
            pages.append({"unit": None, "file": self.page_name(section), "title": section.title,
                          "body": body, "kind": section.kind, "anchor": section.id, "lang": None})
        # A "#id" link to another chapter is a link to another page here.
        # (Not the anchors of a unit this edition leaves out: proof --chapter.)
        page_of = {unit.slug: unit.page_name for unit in self.book.units}
        where = {ident: page_of[loc.unit_slug] for ident, loc in self.book.anchors.items() if loc.unit_slug in page_of}
        for page in pages[len(self.book.units):]:
            for ident in re.findall(r'\bid="([^"]+)"', str(page["body"])):
                where.setdefault(ident, page["file"])
        # What the notes hold (a passage's id, an index mark, a citation) is on the Notes page now.
        moved = {ident: self.page_name(s) for s in self.sections if s.kind == "notes"
                 for note in taken for ident in re.findall(r'\bid="([^"]+)"', note.content)}
        where.update(moved)
        for page in pages:
            page["body"] = Markup(moved_links(cross_page_links(str(page["body"]), page["file"], where), moved))
        return pages

    def unit_notes(self, body: str, unit) -> tuple[str, list]:
        """A unit's body with its notes where book.yaml's ``notes`` puts them
        (press.editions.notes), numbered from 1; the notes it leaves to the back matter's Notes."""
        place, t = self.book.config.notes, self.book.strings
        if place == notes.FOOTNOTES:
            return endnotes(body, 1, t["back_to_text"], t["notes"])[0], []
        if place == notes.CHAPTER:
            body, found = notes.take_notes(body, unit, lambda n: f"#{n.note_id}")
            return body + notes.chapter_notes(found, lambda n: f"#{n.ref_id}", t), []
        section = next(s for s in self.sections if s.kind == "notes")
        return notes.take_notes(body, unit, lambda n: f"{self.page_name(section)}#{n.note_id}")

    def write(self, stage: Path) -> None:
        out = stage / "html"
        assets = out / "assets"
        assets.mkdir(parents=True)
        env = environment(self.paths)

        def href(unit: Unit, anchor: str) -> str:
            return unit.page_name if anchor == unit.id else f"{unit.page_name}#{anchor}"

        common = dict(href=href, back_matter=self.back_toc(""), sections=True,
                      extra_styles=self.profile.web_styles)
        pages = self.pages()
        home = {"href": "index.html", "title": self.book.strings["home"]}
        links = [home] + [{"href": p["file"], "title": p["title"]} for p in pages]
        (out / "index.html").write_text(
            env.get_template("web/home.html.j2").render(
                context(self.book, page_title="", body_class="home-page", next=links[1],
                        figure_lists=figure_lists(self.book), **common)),
            "utf-8")
        # Every page's frame (everything but its body and markers) now, beside
        # the print layout: the contents in every page's side bar are most of
        # the work. The pages are written in finish(), once.
        frames = self.job.session.memo(FRAMES)
        keys = _frame_keys(self.paths, self.book, env, common, pages, links, frames)
        self._pages = pages
        self._frames = [self._frame(env, common, pages, links, index, frames, keys[index - 1] if keys else None)
                        for index in range(1, len(pages) + 1)]
        if keys is not None:
            frames.retain(keys)
        (out / "search.html").write_text(
            env.get_template("web/search.html.j2").render(
                context(self.book, page_title=self.book.strings["search"], body_class="page-search",
                        current="search.html", **common)),
            "utf-8")
        self._assets(assets, pages)

    def _frame(self, env, common: dict, pages: list, links: list, index: int, frames: Memo,
               key: str | None) -> str:
        """A page's frame: rendered once and kept (the session's memo) between builds of the preview."""
        frame = frames.get(key) if key is not None else None
        if frame is None:
            page = pages[index - 1]
            frame = env.get_template("web/unit.html.j2").render(context(
                self.book, page_title=page["title"], body_class=f"page-{page['kind']}",
                unit=page["unit"], body=Markup(_BODY), kind=page["kind"], anchor=page["anchor"],
                current=page["file"],
                lang=page["lang"], prev=links[index - 1], page_marks=Markup(_MARKS),
                next=links[index + 1] if index + 1 < len(links) else None, **common))
            if key is not None:
                frames.put(key, frame)
        return frame

    def finish(self, facts: dict, stage: Path) -> EditionResult:
        """The pages, each written once: with the print page numbers as margin
        markers when ``facts`` has the print edition's page starts (the search
        index keeps the text without them)."""
        from .pagemarks import by_unit, mark_web

        out = stage / "html"
        starts = by_unit(facts.get("page_starts") or [])
        label = self.book.strings["page_marker_label"]
        for page, frame in zip(self._pages, self._frames, strict=True):
            # A back section's page is marked by its section's id (press.editions.pagemarks).
            ident = page["unit"].id if page["unit"] is not None else page["anchor"]
            body, opening = str(page["body"]), ""
            if ident in starts:
                opening, body, missing = mark_web(body, ident, starts[ident], label)
                self.warnings.extend(Problem("html", None, f"print page {s.label}: no place for its marker in "
                                                           f"'{s.unit}'") for s in missing)
            html = frame.replace(_MARKS, opening, 1).replace(_BODY, body, 1)
            (out / page["file"]).write_text(html, "utf-8")
        return EditionResult(self.name, ["html"], {"pages": len(self._pages) + 2})

    def _assets(self, assets: Path, pages: list[dict]) -> None:
        for shared, source in sorted(self.book.images.items()):
            target = assets.parent / "media" / shared.removeprefix("content/")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        # The monospaced face only for a book with code (press.editions.fonts).
        code = has_code([unit.html for unit in self.book.units])
        styles = WEB_STYLES + self.profile.web_styles
        for name in styles:
            data = self.paths.style(name).read_bytes()
            if name == "fonts.css":
                data = font_faces(data.decode("utf-8"), code, fallback_css(self.paths, self.book.config)).encode("utf-8")
            if name == styles[-1] and self.profile.web_css:
                data += self.profile.web_css.encode("utf-8")  # the proof's banner (editions/profiles.py)
            (assets / name).write_bytes(data)
        (assets / "fonts").mkdir()
        for font in shipped(self.paths.styles_in("fonts"), code):
            shutil.copyfile(font, assets / "fonts" / font.name)
        for name in SCRIPTS:
            shutil.copyfile(self.paths.template(f"web/{name}"), assets / name)
        index = script_json(search_index(pages))
        # A script, not a JSON file: fetch() is not allowed on file:// pages.
        (assets / "search-index.js").write_text(f"window.SEARCH_INDEX={index};\n", "utf-8")
        cover = cover_png(self.paths, self.book.config, self.book.strings, self.warnings)
        (assets / "cover.png").write_bytes(cover)
        chronology = timeline_section(self.sections)
        if chronology is not None:
            (assets / "timeline.svg").write_text(self.job.renderer.timeline(chronology), "utf-8")


# The session's memo of page frames, remembered between builds of the live
# preview (press.memo): the contents in every page's side bar make rendering
# them most of the web edition's work, and an edit inside a chapter changes none of them.
FRAMES = "web page frames"
FRAME_VARIABLES = {"book", "config", "t", "authors", "page_title", "body_class", "unit", "body", "kind", "anchor",
                   "lang", "prev", "page_marks", "next", "href", "back_matter", "sections", "extra_styles",
                   "current"}


def _frame_keys(paths, book, env, common: dict, pages: list[dict], links: list[dict],
                frames: Memo) -> list[str] | None:
    """A key for each page's frame: a digest of everything the page templates show.

    That is the page's own file, title, kind, anchor, language, unit header and
    prev/next links, and the navigation every page shares: each unit's id,
    page, kind, number, title, language, byline, part and sections, the back
    matter's entries, plus book.yaml, the interface strings and the
    templates' text. The frame templates read the book only through those
    (``book.top_level``: the contents); templates that read another name
    (``built``, say: jinja2.meta tells) are rendered every time (None).
    """
    if not frames.remember:
        return None
    reads = template_reads(env, "web/unit.html.j2")
    if reads is None or not reads <= FRAME_VARIABLES:
        return None
    navigation = [[u.id, u.page_name, u.kind, u.number, str(u.title), u.lang, u.chapter.meta.byline,
                   u.parent.id if u.parent is not None else None,
                   [[h.id, h.level, h.number, str(h.title)] for h in u.headings]] for u in book.units]
    shared = digest(presentation_digest(paths, book), navigation, common["back_matter"], common["sections"],
                    list(common["extra_styles"]))
    return [digest(shared, page["unit"].id if page["unit"] is not None else None, page["file"], page["title"],
                   page["kind"], page["anchor"], page["lang"], links[index - 1],
                   links[index + 1] if index + 1 < len(links) else None)
            for index, page in enumerate(pages, start=1)]


def _unit_title(unit: Unit, t: dict) -> str:
    if unit.kind == "part":
        return f"{t['part']} {unit.number}. {unit.title_text}"
    if unit.number:
        return f"{unit.number}. {unit.title_text}"
    return unit.title_text


# Links that are not words of the text: a note's number, a note's way back.
_NOT_TEXT = "//a[@role='doc-noteref' or @role='doc-backlink']"
_CODE_BLOCKS = "//pre"


def search_index(pages: list[dict]) -> list[dict]:
    """One record per paragraph: the page, the nearest anchor, a title, the text.

    The text is what a reader reads there (no note numbers glued to words, no
    back-link arrows), so that a result's snippet quotes it; a note's
    paragraph links to the note.
    """
    records = []
    for page in pages:
        root = lxml_html.fragment_fromstring(str(page["body"]) or "<p></p>", create_parent="div")
        for link in root.xpath(_NOT_TEXT):
            link.drop_tree()  # keeps the text after it
        for block in root.xpath(_CODE_BLOCKS):
            block.drop_tree()  # issue 17: a code block is not a passage to quote (it is no p; in an li it was)
        anchor, title = page["anchor"], page["title"]
        for element in root.iter("h2", "h3", "p", "li"):
            if element.tag in ("h2", "h3"):
                anchor = element.get("id") or anchor
                title = f"{page['title']} › {element.text_content().strip()}"
                continue
            text = " ".join(element.text_content().split())
            if text and (element.tag == "p" or element.getparent().tag != "ol"):
                # A note: the page's endnotes (footnotes), or endnotes (press.editions.notes).
                note = element.xpath("ancestor::li[@role='doc-endnote' or parent::ol[@class='notes']]/@id")
                records.append({"u": f"{page['file']}#{note[0] if note else anchor}", "t": title, "x": text})
    return records
