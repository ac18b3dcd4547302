"""The EPUB 3: pandoc writes it from the shared AST; we finish the package.

Takes the edition's ``Job`` (the book's AST, the back matter's records, the
build's pandoc) and, when there are any, the print edition's page starts;
gives ``<slug>.epub``.

pandoc gives us XHTML files, the spine, the NCX and a nav document with
accessibility metadata. We then add what pandoc does not know: the parts'
hierarchy in the nav, the landmarks, the accessibility summary and the
dates, and re-zip the package deterministically.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import yaml
from lxml import etree
from markupsafe import Markup

from ..book import ast
from ..book.phrases import escape
from .render import context, environment
from . import Edition, EditionResult, epubmedia, fonts, notes
from .cover import cover_png
from .epubpackage import BACK_TYPES, EPUB_TYPES, FRONT_PAGES, NS, complete, unpack, unplaced

# Where the chronology's HTML holds its timeline figure (templates/partials/chronology.html.j2).
_TIMELINE = re.compile(r'<figure class="timeline">.*?</figure>', re.S)


def _timeline_slot(html: str) -> tuple[str, str, str]:
    """``html`` before the timeline's figure, the figure, and after it ("" where there is none)."""
    found = _TIMELINE.search(html)
    if found is None:
        return html, "", ""
    return html[:found.start()], found.group(0), html[found.end():]




class EpubEdition(Edition):
    """The EPUB 3. ``write`` has pandoc write the package and zips what the
    finishing leaves as it is (the fonts are most of the work) beside the
    print layout; ``finish`` completes the package, with the print page
    markers when page starts are to be had (press.editions.pagemarks), and writes it once."""

    name = "epub"
    uses = frozenset({"page_starts"})
    without = "EPUB without print page markers: build the pdf too"
    needs_pango = True

    # --- the document pandoc converts -------------------------------------
    def html_blocks(self, html: str) -> list:
        """Rendered HTML (copyright page, back matter) as AST blocks."""
        return json.loads(self.job.pandoc.run(html, "html", "json", ["--sandbox"], source="templates"))["blocks"]

    def document(self, media: Path | None = None) -> dict:
        """The units and the back matter (the front pages are ours: front_pages())."""
        book, t = self.book, self.book.strings
        blocks: list = []
        taken: list = []  # the notes of the back matter's Notes (book.yaml's notes: endnotes-book)
        # Every unit title through pandoc in one call: a paragraph each.
        titles = self.html_blocks("".join(f"<p>{unit.title}</p>" for unit in book.units))
        for unit, title_block in zip(book.units, titles, strict=True):
            number = []
            if unit.kind == "part":
                number = [ast.Str(f"{t['part']}\u00a0{unit.number}."), {"t": "Space"}]
            elif unit.kind == "appendix" and unit.number:
                number = [ast.Str(f"{t['appendix']}\u00a0{unit.number}."), {"t": "Space"}]
            elif unit.number:
                number = [ast.Str(f"{unit.number}."), {"t": "Space"}]
            title = number + title_block["c"]
            epub_type = EPUB_TYPES.get(unit.kind)
            # DPUB-ARIA role beside epub:type (Ace: epub-type-has-matching-role).
            semantics = [["epub:type", epub_type], ["role", f"doc-{epub_type}"]] if epub_type else []
            blocks.append(_header(1, unit.id, [unit.kind], title, semantics))
            if unit.chapter.meta.byline:
                blocks.append({"t": "Para", "c": [ast.Span(t.phrases.inlines(unit.chapter.meta.byline), ["byline"])]})
            body, found = ast.clone(unit.ast["blocks"]), []
            if book.config.notes != notes.FOOTNOTES:  # else pandoc's footnotes (epubpackage.numbered_notes)
                body, found = notes.take_ast_notes(body, unit, lambda n: f"#{n.note_id}")
            if book.config.notes == notes.CHAPTER:
                body += notes.ast_chapter_notes(found, t)
            else:
                taken += found
            blocks.extend(body)
        renderer = self.job.renderer
        for section in self.sections:
            epub_type = BACK_TYPES.get(section.kind, "backmatter")
            semantics = [["epub:type", epub_type]]
            if epub_type != "backmatter":  # DPUB-ARIA has doc-index, doc-bibliography, doc-endnotes, no doc-backmatter
                semantics.append(["role", f"doc-{epub_type}"])
            blocks.append(_header(1, section.id, [section.kind], [ast.Str(section.title)], semantics))
            if section.kind == "notes":
                blocks.extend(notes.ast_book_notes(taken, t))
            elif section.paged:
                # Kept as written (EPUB structural semantics on its elements);
                # its #id links are pointed at the right files in complete().
                # The timeline's figure becomes an image pandoc packages, where
                # the section has it (after its introduction, as in print).
                before, figure, after = _timeline_slot(str(renderer.screen(section, epub=True)))
                blocks.append({"t": "RawBlock", "c": ["html", _xhtml(before)]})
                if figure and media is not None:
                    blocks.append(self.figure(media, section))
                if after.strip():
                    blocks.append({"t": "RawBlock", "c": ["html", _xhtml(after)]})
            else:
                blocks.extend(self.html_blocks(str(renderer.screen(section, epub=False))))
        return ast.document(blocks, api=book.units[0].ast.get("pandoc-api-version"))

    def figure(self, media: Path, section) -> dict:
        """The timeline as an image pandoc packages, with its text alternative."""
        (media / "timeline.svg").write_text(self.job.renderer.timeline(section), "utf-8")
        alt = section.facts["figure_alt"]
        image = {"t": "Image", "c": [["", [], []], [ast.Str(alt)], [str(media / "timeline.svg"), ""]]}
        caption = [{"t": "Plain", "c": [ast.Str(section.facts["figure_caption"])]}]
        return {"t": "Figure", "c": [["timeline", ["timeline"], []], [None, caption], [{"t": "Plain", "c": [image]}]]}

    def front_pages(self, stylesheet: str) -> dict[str, bytes]:
        """The title page and the copyright page from the print edition's partials.

        Not pandoc's title page (--epub-title-page): that one prints the raw
        metadata (the date "2021-02", the rights a second time).
        ``stylesheet``: the package's CSS, relative to EPUB/.
        """
        env = environment(self.paths)
        strings = self.book.strings
        out = {}
        for page in FRONT_PAGES:
            body = env.get_template(page.partial).render(context(self.book))
            out["EPUB/" + page.href] = env.get_template("epub/page.xhtml.j2").render(context(
                self.book, title=strings[page.title], stylesheet="../" + stylesheet, css_class=page.css_class,
                ident=page.ident, epub_type=page.epub_type, body=xhtml_fragment(body))).encode("utf-8")
        return out

    def metadata(self) -> dict:
        config, phrases = self.book.config, self.book.strings.phrases
        # Plain text (press.book.phrases), escaped: pandoc reads a metadata file as Markdown.
        text = lambda value: escape(phrases.text(value))  # noqa: E731
        return {
            "title": [{"type": "main", "text": text(config.title)}]
            + ([{"type": "subtitle", "text": text(config.subtitle)}] if config.subtitle else []),
            "creator": [{"role": a.role, "file-as": a.sort_name or a.name, "text": a.name} for a in config.authors],
            # The EPUB's own ISBN, else a stable UUID of the book (press/source/schema.py).
            "identifier": [{"text": config.epub_identifier, **({"scheme": "ISBN-13"} if config.isbn.epub else {})}],
            "publisher": "; ".join(p.name for p in config.publishers),
            "rights": text(config.rights),
            "lang": config.language,
            "date": config.date,
            **({"subject": config.subject} if config.subject else {}),
            "description": text(config.source_note or config.title),
            "toc-title": self.book.strings["contents"],
        }

    # --- build ---------------------------------------------------------
    def write(self, stage: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="press-epub-") as tmp:
            tmp_path = Path(tmp)
            cover = cover_png(self.paths, self.book.config, self.book.strings, self.warnings)
            (tmp_path / "meta.yaml").write_text(yaml.safe_dump(self.metadata(), allow_unicode=True), "utf-8")
            raw = tmp_path / "pandoc.epub"
            # pandoc runs in its sandbox: it reads nothing but the metadata
            # file, the fonts and the highlighting theme named here, so no
            # raw HTML can make it embed a file. The images come in the
            # document, the stylesheet and the cover are put into its package
            # (press.editions.epubmedia).
            args = [
                "--sandbox", "--split-level=1", "--toc", "--toc-depth=2",
                "--mathml",  # TeX math as MathML, which reading systems voice (pandoc's default is plain text)
                f"--metadata-file={tmp_path / 'meta.yaml'}",
                "--epub-title-page=false",  # ours: front_pages()
                *(f"--epub-embed-font={font}" for font in self.fonts()),
                # issue 17: pandoc's highlighting rules (in each XHTML) without colours (epub.css's theme).
                f"--syntax-highlighting={self.paths.style('code-epub.theme')}",
            ]
            document = epubmedia.inline_images(self.document(tmp_path), [self.paths.root, tmp_path])
            self.job.pandoc.run(json.dumps(document, ensure_ascii=False), "json", "epub3", args,
                                source="epub", output_file=raw)
            # What print pages do not change is compressed now, beside the
            # print layout (the fonts are most of the work); finish() adds
            # the rest and writes the package.
            width, height = epubmedia.png_size(cover)
            self._files, self._archive = unpack(raw.read_bytes(), {
                epubmedia.STYLESHEET: self.stylesheet().encode("utf-8"), epubmedia.COVER_IMAGE: cover,
                epubmedia.COVER_PAGE: epubmedia.cover_page(self.book.strings.phrases.text(self.book.config.title),
                                                           self.book.config.language,
                                                           width, height)})
            self._files["EPUB/content.opf"] = epubmedia.add_cover(self._files["EPUB/content.opf"],
                                                                  self.book.strings["cover"])
            self._files.update(self.front_pages(_stylesheet(self._files["EPUB/content.opf"])))

    def finish(self, facts: dict, stage: Path) -> EditionResult:
        """Finish the package and write it, once; with the print page starts to mark, when there are any."""
        target = stage / f"{self.book.config.slug}.epub"
        missing = complete(self._files, self.book, self.sections, facts.get("page_starts"))
        self.warnings.extend(unplaced(missing))
        target.write_bytes(self._archive.close(self._files))
        return EditionResult(self.name, [target.name])

    def has_code(self) -> bool:
        """Whether any unit shows code (issue 17): the monospaced face is embedded only then."""
        return fonts.has_code([unit.html for unit in self.book.units])

    def fonts(self) -> list[Path]:
        """The fonts to embed: the book's, and the monospaced face only for a book with code."""
        return fonts.shipped([p for p in self.paths.styles_in("fonts") if p.suffix.lower() in (".ttf", ".otf")],
                             self.has_code())

    def stylesheet(self) -> str:
        # no @font-face for a font not in the package
        faces = fonts.font_faces(self.paths.style("fonts.css").read_text("utf-8"), self.has_code(),
                                 fonts.fallback_css(self.paths, self.book.config))
        # pandoc stores embedded fonts in EPUB/fonts/, beside EPUB/styles/.
        faces = re.sub(r"url\((?:fonts/)?([^)]+)\)", r"url(../fonts/\1)", faces)
        return "\n".join([faces, self.paths.style("base.css").read_text("utf-8"),
                          self.paths.style("epub.css").read_text("utf-8"),
                          self.paths.style("code-theme.css").read_text("utf-8")])




def xhtml_fragment(html: str) -> Markup:
    """HTML from a partial as XHTML (``<br>`` as ``<br/>``), for a page that pandoc does not write."""
    from lxml import html as lxml_html

    parts = lxml_html.fragments_fromstring(html)
    text = parts.pop(0) if parts and isinstance(parts[0], str) else ""
    out = str(Markup.escape(text)) + "".join(etree.tostring(part, method="xml", encoding="unicode")
                                            for part in parts)
    return Markup(_xhtml(out))


def _stylesheet(opf: bytes) -> str:
    """The href of pandoc's stylesheet in the package (relative to EPUB/)."""
    root = etree.fromstring(opf)
    return next(item.get("href") for item in root.iterfind(".//opf:manifest/opf:item", NS)
                if item.get("media-type") == "text/css")


def _xhtml(fragment: str) -> str:
    """Check that a rendered fragment is well-formed XHTML (the EPUB needs it)."""
    etree.fromstring(f'<div xmlns="{NS["x"]}" xmlns:epub="{NS["epub"]}">{fragment}</div>')
    return fragment


def _header(level: int, ident: str, classes: list[str], inlines: list, attrs: list) -> dict:
    return {"t": "Header", "c": [level, [ident, classes, attrs], inlines]}
