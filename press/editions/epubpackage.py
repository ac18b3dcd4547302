"""Finishing pandoc's EPUB package: links, notes, page markers, OPF, nav, zip.

pandoc's package is unzipped (``unpack``); ``complete`` points the raw back
matter's links at the right files, numbers the notes, marks the print pages
and finishes the package document and the nav (the parts' hierarchy, the
landmarks, the accessibility metadata); ``_Archive`` zips it deterministically.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from lxml import etree

from ..book import math as book_math
from ..errors import Problem
from ..source.units import place
from . import accessibility, figurelists, pagemarks
from .render import build_date

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}

# Each kind of unit's EPUB structural semantics (EPUB SSV 1.1); its DPUB-ARIA
# role is "doc-" and the same word, valid on the <section> pandoc makes.
EPUB_TYPES = {"introduction": "introduction", "part": "part", "chapter": "chapter", "conclusion": "conclusion",
              "dedication": "dedication", "epigraph": "epigraph", "foreword": "foreword", "preface": "preface",
              "acknowledgements": "acknowledgments", "appendix": "appendix", "glossary": "glossary",
              "afterword": "afterword"}
# The back sections' EPUB structural semantics (and DPUB-ARIA roles); the others are "backmatter".
BACK_TYPES = {"index": "index", "bibliography": "bibliography", "notes": "endnotes"}
# The kinds listed in the EPUB's landmarks beside the body and the back matter.
LANDMARK_KINDS = ("dedication", "epigraph", "foreword", "preface", "acknowledgements", "appendix", "glossary",
                  "afterword")


@dataclass(frozen=True)
class FrontPage:
    """A page of the EPUB's front matter that we write (pandoc does not)."""

    partial: str  # the template the print edition includes
    href: str  # relative to EPUB/
    ident: str  # the manifest item's and the section's id; its print class (pagemarks.FRONT)
    epub_type: str  # EPUB SSV; also its landmark
    css_class: str  # the print edition's class (shared styles)
    title: str  # key in the locale: the file's title, the landmark's label


FRONT_PAGES = (
    FrontPage("partials/titlepage.html.j2", "text/title_page.xhtml", "title-page", "titlepage", "title-page",
              "title_page"),
    FrontPage("partials/copyright.html.j2", "text/copyright.xhtml", "copyright-page", "copyright-page",
              "copyright-page", "copyright_page"),
)


# --- finishing the package ------------------------------------------------

def unpack(data: bytes, given: dict[str, bytes] | None = None) -> tuple[dict[str, bytes], "_Archive"]:
    """pandoc's package unzipped, with the files ``given`` added or put in place
    of pandoc's (press.editions.epubmedia); what the finishing leaves as it is, zipped already."""
    source = zipfile.ZipFile(io.BytesIO(data))
    files = {info.filename: source.read(info.filename) for info in source.infolist()}
    files.update(given or {})
    archive = _Archive()
    archive.add({name: files.pop(name) for name in list(files) if not _finished(name)})
    return files, archive


def _finished(name: str) -> bool:
    """Files the finishing changes: the XHTML, the nav, the OPF (and the mimetype, written first)."""
    return name == "mimetype" or name.startswith("EPUB/text/") or name in ("EPUB/nav.xhtml", "EPUB/content.opf")


def complete(files: dict[str, bytes], book, back_sections, pages: list | None = None) -> list:
    """Links, print page markers, OPF and nav: ``files`` changed in place; the starts not marked."""
    ids = _id_files(files)
    for name in files:
        if name.startswith("EPUB/text/") and name.endswith(".xhtml"):
            files[name] = _fix_links(files[name], name.removeprefix("EPUB/"), ids)
            if b"<math" in files[name]:  # each formula's TeX as its alttext (press.book.math)
                files[name] = book_math.alttext(files[name].decode("utf-8")).encode("utf-8")
    numbered_notes(files, book.strings["epub_note_back"])
    missing = []
    if pages:
        # The units' files and the back sections' (pagemarks: their pages too).
        sections = ([page.ident for page in FRONT_PAGES] + [unit.id for unit in book.units]
                    + [section.id for section in back_sections])
        unit_files = {ident: ids[ident] for ident in sections if ident in ids}
        missing = pagemarks.mark_epub(files, pages, unit_files, book.strings["page_list"])
    front = [page for page in FRONT_PAGES if "EPUB/" + page.href in files]
    files["EPUB/content.opf"] = _opf(files, book, back_sections, bool(pages), front)
    files["EPUB/nav.xhtml"] = _nav(files["EPUB/nav.xhtml"], book, back_sections, ids, front)
    return missing


def numbered_notes(files: dict[str, bytes], back_label: str) -> None:
    """Superscript note references, and each note led by its number, a link back to its reference.

    pandoc's EPUB 3 writer gives a reference as a bare "1" and the note
    (``<aside epub:type="footnote">``) no number at all. The number is put in
    the text, not drawn by CSS, since reading systems that show a note in a
    pop-up (Apple Books, Kobo) or override the styles (Thorium's reading
    modes) drop counters and ``vertical-align``.
    """
    # (the note's file, its id) -> (number, the reference's file, its id); files relative to EPUB/text/.
    refs: dict[tuple[str, str], tuple[str, str, str]] = {}
    trees = {name: etree.fromstring(data) for name, data in files.items()
             if name.startswith("EPUB/text/") and b"noteref" in data}
    for name, root in trees.items():
        for ref in root.iterfind(".//x:a[@role='doc-noteref']", NS):
            number = "".join(ref.itertext()).strip()
            if ref.find("x:sup", NS) is None:
                for child in list(ref):
                    ref.remove(child)
                ref.text = None
                etree.SubElement(ref, f"{{{NS['x']}}}sup").text = number
            here = name.removeprefix("EPUB/text/")
            target, _, ident = ref.get("href").rpartition("#")
            refs[(target or here, ident)] = (number, here, ref.get("id"))
    for name, root in trees.items():
        for note in root.iterfind(".//x:aside[@role='doc-footnote']", NS):
            key = (name.removeprefix("EPUB/text/"), note.get("id"))
            if key not in refs:
                continue
            number, where, ref_id = refs[key]
            href = f"#{ref_id}" if where == name.removeprefix("EPUB/text/") else f"{where}#{ref_id}"
            first = next((child for child in note if isinstance(child.tag, str)), None)
            if first is None or etree.QName(first).localname != "p":
                first = etree.Element(f"{{{NS['x']}}}p")
                note.insert(0, first)
            back = etree.Element(f"{{{NS['x']}}}a", {"href": href, "class": "note-number", "role": "doc-backlink",
                                                      "aria-label": back_label.format(number=number)})
            back.text = f"{number}."
            back.tail = " " + (first.text or "")
            first.text = None
            first.insert(0, back)
        files[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


def unplaced(missing: list) -> list[Problem]:
    return [Problem("epub", None, f"print page {s.label}: no place for its marker in '{s.unit}'") for s in missing]


def _id_files(files: dict[str, bytes]) -> dict[str, str]:
    """Which XHTML file (relative to EPUB/) holds each id."""
    out: dict[str, str] = {}
    for name, content in sorted(files.items()):
        if name.startswith("EPUB/text/") and name.endswith(".xhtml"):
            for ident in re.findall(rb'\bid="([^"]+)"', content):
                out.setdefault(ident.decode("utf-8"), name.removeprefix("EPUB/"))
    return out


def _fix_links(data: bytes, name: str, ids: dict[str, str]) -> bytes:
    """Point "#id" links at the file that holds the id (raw back matter).

    An id of this file stays this file's: pandoc numbers each chapter's
    footnotes from 1 in its own file (fn1, fnref1 in every one of them).
    """
    own = set(re.findall(rb'\bid="([^"]+)"', data))

    def repl(match: re.Match) -> bytes:
        if match.group(1) in own:
            return match.group(0)
        ident = match.group(1).decode("utf-8")
        target = ids.get(ident)
        if target is None or target == name:
            return match.group(0)
        return f'href="{target.removeprefix("text/")}#{ident}"'.encode("utf-8")

    return re.sub(rb'href="#([^"]+)"', repl, data)


def _opf(files: dict[str, bytes], book, back_sections, paged: bool = False, front: list = ()) -> bytes:
    """The package document finished: our front pages, the accessibility metadata (of ``files``)."""
    root = etree.fromstring(files["EPUB/content.opf"])
    metadata = root.find("opf:metadata", NS)
    _add_front(root, front)
    strings = book.strings
    # pandoc's EPUB 2 guide names the cover in English ("Cover"): in the book's language.
    guide_titles = {"cover": strings["cover"], "toc": strings["contents"]}
    for reference in root.iterfind("opf:guide/opf:reference", NS):
        if reference.get("type") in guide_titles:
            reference.set("title", guide_titles[reference.get("type")])

    def meta(prop: str, text: str) -> None:
        element = etree.SubElement(metadata, f"{{{NS['opf']}}}meta", property=prop)
        element.text = text

    # pandoc's sandbox has no clock (it reads 1970): the build's date (SOURCE_DATE_EPOCH, else now).
    for element in metadata.findall("opf:meta[@property='dcterms:modified']", NS):
        element.text = build_date().strftime("%Y-%m-%dT%H:%M:%SZ")
    # pandoc writes the same access modes and features for every book: ours
    # are read from this one (press/editions/accessibility.py).
    for element in metadata.findall("opf:meta", NS):
        if (element.get("property") or "").startswith("schema:access"):
            metadata.remove(element)
    found = accessibility.survey(files)
    index = any(s.kind == "index" for s in back_sections)
    modes, sufficient = accessibility.access_modes(found)
    for prop, values in (("schema:accessMode", modes), ("schema:accessModeSufficient", sufficient),
                         ("schema:accessibilityFeature", accessibility.features(found, index, paged)),
                         ("schema:accessibilityHazard", accessibility.hazards(found))):
        for value in values:
            meta(prop, value)
    pages = None
    source = book.config.page_break_source
    if paged:
        if source.startswith("urn:isbn:"):  # the sentence names an ISBN
            pages = strings["epub_accessibility_pages"].format(isbn=source.removeprefix("urn:isbn:"))
        # The print edition the page numbers come from (EPUB 3.3, D.3.1;
        # EPUB Accessibility 1.1, 4.2): the print ISBN, else the PDF's
        # (its pages are the printed book's), else a UUID (press/source/schema.py).
        meta("pageBreakSource", source)
    meta("schema:accessibilitySummary", accessibility.summary(found, strings["epub_accessibility"], index, pages,
                                                                      strings, book.config.language))
    # The conformance claim and who made it (EPUB Accessibility 1.1, 2.2 and
    # 2.2.3): the publisher, after `make check` (EPUBCheck, Ace) passes.
    meta("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.1 Level AA")
    meta("a11y:certifiedBy", book.config.publishers[0].name)
    # pandoc declares both the default and the "opf" prefix for the OPF
    # namespace, and lxml writes our elements with the prefix: same XML,
    # but keep the package consistent.
    for element in metadata:
        element.tail = "\n    "
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    return data.replace(b"<opf:meta ", b"<meta ").replace(b"</opf:meta>", b"</meta>")


def _add_front(root, front: list) -> None:
    """Our front pages in the manifest, and in the spine after the cover (OPF: EPUB 3.3, 5.6 and 5.7)."""
    manifest, spine = root.find("opf:manifest", NS), root.find("opf:spine", NS)
    refs = spine.findall("opf:itemref", NS)
    covers = [i for i, ref in enumerate(refs) if ref.get("idref") == "cover_xhtml"]  # pandoc's cover page
    position = covers[0] + 1 if covers else 0
    for page in front:
        manifest[-1].tail = "\n    "
        item = etree.SubElement(manifest, f"{{{NS['opf']}}}item", id=page.ident, href=page.href)
        item.set("media-type", "application/xhtml+xml")
        item.tail = "\n  "
        ref = etree.Element(f"{{{NS['opf']}}}itemref", idref=page.ident)
        ref.tail = "\n    "
        spine.insert(position, ref)
        position += 1


def _nav(data: bytes, book, back_sections, ids: dict[str, str], front: list = ()) -> bytes:
    """Nest chapters under their parts, and list the landmarks."""
    root = etree.fromstring(data)
    toc = root.find(".//x:nav[@id='toc']/x:ol", NS)
    items = {}
    for li in toc.findall("x:li", NS):
        link = li.find("x:a", NS)
        items[link.get("href").split("#")[-1]] = li
    for unit in book.units:
        if unit.parent is not None and unit.id in items and unit.parent.id in items:
            parent_li = items[unit.parent.id]
            ol = parent_li.find("x:ol", NS)
            if ol is None:
                ol = etree.SubElement(parent_li, f"{{{NS['x']}}}ol", {"class": "toc"})
            ol.append(items[unit.id])
    landmarks = root.find(".//x:nav[@id='landmarks']/x:ol", NS)
    for li in list(landmarks):
        landmarks.remove(li)
    strings = book.strings
    marks = [("cover", "text/cover.xhtml", strings["cover"])]
    marks += [(page.epub_type, page.href, strings[page.title]) for page in front]
    listed = [u for u in book.units if u.kind in LANDMARK_KINDS and u.id in ids]
    marks += [(EPUB_TYPES[u.kind], f"{ids[u.id]}#{u.id}", u.title_text) for u in listed if place(u.kind) == 0]
    first = next((u for u in book.units if place(u.kind) == 1), book.units[0])
    marks += [("toc", "nav.xhtml#toc", strings["contents"]),
             ("bodymatter", f"{ids[first.id]}#{first.id}", strings["start_of_text"])]
    marks += [(EPUB_TYPES[u.kind], f"{ids[u.id]}#{u.id}", u.title_text) for u in listed if place(u.kind) == 2]
    marks += [(BACK_TYPES.get(s.kind, "backmatter"), f"{ids[s.id]}#{s.id}", s.title)
              for s in back_sections if s.id in ids]
    for epub_type, href, label in marks:
        li = etree.SubElement(landmarks, f"{{{NS['x']}}}li")
        a = etree.SubElement(li, f"{{{NS['x']}}}a", {f"{{{NS['epub']}}}type": epub_type, "href": href})
        a.text = label
    figurelists.add_to_nav(root, book, ids, NS)  # the lists of figures and tables, when book.yaml asks
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", doctype="<!DOCTYPE html>")


class _Archive:
    """The package's zip in two steps (OCF 3.3 §4.3): mimetype first and stored,
    fixed timestamps, a fixed order: the files ``unpack`` leaves as they are
    (fonts, images, styles: most of the compression), then the finished ones.
    """

    def __init__(self):
        stamp = build_date()
        self.date_time = max((1980, 1, 1, 0, 0, 0), stamp.timetuple()[:6])
        self.buffer = io.BytesIO()
        self.zip = zipfile.ZipFile(self.buffer, "w")
        self._write("mimetype", b"application/epub+zip")

    def _write(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=self.date_time)
        info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.zip.writestr(info, data)

    def add(self, files: dict[str, bytes]) -> None:
        for name in sorted(files):
            if name != "mimetype":
                self._write(name, files[name])

    def close(self, files: dict[str, bytes]) -> bytes:
        self.add(files)
        self.zip.close()
        return self.buffer.getvalue()
