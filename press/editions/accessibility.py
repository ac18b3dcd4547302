"""The EPUB's accessibility metadata, from what the finished package contains.

schema.org's access modes and features (EPUB Accessibility 1.1, 5.1;
the DAISY "Schema.org Accessibility Properties" vocabulary) and the
summary are claims about the book: they are read from its package (the
spine's XHTML: images and their text alternatives and long descriptions,
tables, MathML, notes, headings, print page-break markers; the nav: its
contents, landmarks and page list; the OPF and CSS: a reflowable layout
that no ``!important`` keeps from the reader's settings) and from what the
build made (an index), never written once for every book. The summary's
sentences are the locale's (``epub_accessibility``).
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

X = "http://www.w3.org/1999/xhtml"
SVG = "http://www.w3.org/2000/svg"
MATHML = "http://www.w3.org/1998/Math/MathML"
OPF = "http://www.idpf.org/2007/opf"
XLINK = "http://www.w3.org/1999/xlink"
OPS = "http://www.idpf.org/2007/ops"
# Media that may flash, move or sound: the book cannot say "no hazards" for them unseen.
HAZARDOUS = ("audio/", "video/", "image/gif", "image/apng")
# SVG animation elements (SVG 1.1, 19.2): motion the book cannot vouch for.
ANIMATION = ("animate", "animateMotion", "animateTransform", "animateColor", "set")
RENDITION = "http://www.idpf.org/vocab/rendition/#"


@dataclass
class Contents:
    """What the package's reading content holds (the cover is not counted: it repeats the title page)."""

    images: int = 0  # images that carry content (not alt="")
    described: int = 0  # of those, with a text alternative
    tables: int = 0
    headed_tables: int = 0  # with header cells (<th>)
    math: int = 0  # MathML formulas
    notes: int = 0
    hazardous_media: bool = False
    long_descriptions: int = 0  # images whose aria-describedby/aria-details names an element of their page
    headings: int = 0
    page_breaks: int = 0  # print page-break markers (epub:type="pagebreak")
    contents: bool = False  # the nav's table of contents
    landmarks: bool = False
    page_list: bool = False
    reflowable: bool = True  # not rendition:layout pre-paginated
    important: bool = False  # a stylesheet's !important, which overrides the reader's settings


def survey(files: dict[str, bytes]) -> Contents:
    """Count what the spine's XHTML documents hold (``files``: the package, by name)."""
    opf = etree.fromstring(files["EPUB/content.opf"])
    items = {i.get("id"): i for i in opf.iterfind(f".//{{{OPF}}}manifest/{{{OPF}}}item")}
    cover = {i.get("href").rsplit("/", 1)[-1] for i in items.values() if "cover-image" in (i.get("properties") or "")}
    found = Contents(hazardous_media=any((i.get("media-type") or "").startswith(HAZARDOUS) for i in items.values()))
    layout = [m.text for m in opf.iterfind(f".//{{{OPF}}}meta") if m.get("property") == "rendition:layout"]
    found.reflowable = "pre-paginated" not in layout
    for item in items.values():
        data = files.get("EPUB/" + (item.get("href") or ""))
        if data is None:
            continue
        if item.get("media-type") == "image/svg+xml":  # an SVG file an <img> shows
            found.hazardous_media = found.hazardous_media or any(
                f"<{name}".encode() in data for name in ANIMATION if name != "set") or b"<set " in data
        elif item.get("media-type") == "text/css":
            found.important = found.important or b"!important" in data.replace(b" ", b"")
        elif "nav" in (item.get("properties") or "").split():
            kinds = {n.get(f"{{{OPS}}}type") for n in etree.fromstring(data).iter(f"{{{X}}}nav")}
            found.contents, found.landmarks, found.page_list = ("toc" in kinds, "landmarks" in kinds,
                                                                "page-list" in kinds)
    for ref in opf.iterfind(f".//{{{OPF}}}spine/{{{OPF}}}itemref"):
        item = items[ref.get("idref")]
        if item.get("media-type") == "application/xhtml+xml":
            _count(etree.fromstring(files["EPUB/" + item.get("href")]), cover, found)
    return found


def _count(root, cover: set[str], found: Contents) -> None:
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    for img in root.iter(f"{{{X}}}img"):
        caption = _caption(img)
        if img.get("src", "").rsplit("/", 1)[-1] in cover or (img.get("alt") == "" and not caption):
            continue  # the cover; a decorative image (alt="" and no caption: WCAG 2.2, H67)
        found.images += 1
        found.described += bool((img.get("alt") or "").strip() or caption)
        found.long_descriptions += _long_description(img, ids)
    for svg in root.iter(f"{{{SVG}}}svg"):
        hrefs = [i.get(f"{{{XLINK}}}href") or i.get("href") or "" for i in svg.iter(f"{{{SVG}}}image")]
        if any(h.rsplit("/", 1)[-1] in cover for h in hrefs) or svg.get("aria-hidden") == "true":
            continue
        found.images += 1
        title = svg.find(f"{{{SVG}}}title")
        found.described += bool(svg.get("aria-label") or (title is not None and "".join(title.itertext()).strip()))
        found.long_descriptions += _long_description(svg, ids)
        found.hazardous_media = found.hazardous_media or any(
            True for name in ANIMATION for _ in svg.iter(f"{{{SVG}}}{name}"))
    for table in root.iter(f"{{{X}}}table"):
        found.tables += 1
        found.headed_tables += table.find(f".//{{{X}}}th") is not None
    found.math += sum(1 for _ in root.iter(f"{{{MATHML}}}math"))
    # pandoc's footnotes are asides; endnotes (press.editions.notes) list items.
    found.notes += sum(1 for a in root.iter(f"{{{X}}}aside", f"{{{X}}}li")
                       if {"footnote", "endnote"} & set((a.get(f"{{{OPS}}}type") or "").split()))
    found.headings += sum(1 for level in range(1, 7) for _ in root.iter(f"{{{X}}}h{level}"))
    found.page_breaks += sum(1 for e in root.iter()
                             if "pagebreak" in (e.get(f"{{{OPS}}}type") or "").split()
                             or e.get("role") == "doc-pagebreak")


def _long_description(element, ids: set[str]) -> bool:
    """Whether an image points to a longer description on its page (WAI-ARIA 1.2: aria-details, aria-describedby)."""
    named = " ".join(element.get(a) or "" for a in ("aria-details", "aria-describedby")).split()
    return bool(named) and all(n in ids for n in named)


def _caption(element) -> str:
    """The caption of the figure an image is in: its text alternative when alt is empty
    (HTML, "Requirements for providing text to act as an alternative for images": a figure's caption)."""
    for figure in element.iterancestors(f"{{{X}}}figure"):
        caption = figure.find(f"{{{X}}}figcaption")
        return " ".join("".join(caption.itertext()).split()) if caption is not None else ""
    return ""


def access_modes(found: Contents) -> tuple[list[str], list[str]]:
    """schema:accessMode and schema:accessModeSufficient (each sufficient set is one comma-joined value)."""
    modes = ["textual"] + (["visual"] if found.images else [])
    sufficient = []
    if found.described == found.images:  # every image has a text alternative (or there is none)
        sufficient.append("textual")
    if found.images:
        sufficient.append("textual,visual")
    return modes, sufficient


def features(found: Contents, index: bool, paged: bool) -> list[str]:
    """schema:accessibilityFeature: each one a thing this package has.

    ``index``: the book has an index section; ``paged``: the page starts marked
    are the print edition's (its page-break markers then say so).
    """
    out = []
    if found.contents:
        out.append("tableOfContents")
    out.append("readingOrder")  # the spine is the print edition's order
    if found.headings:
        out.append("structuralNavigation")
    if found.images and found.described == found.images:
        out.append("alternativeText")
    if found.long_descriptions:
        out.append("longDescription")
    if found.math:
        out.append("MathML")
    if index:
        out.append("index")
    if paged and found.page_breaks:
        # "pageBreakMarkers" replaces "printPageNumbers" in the vocabulary.
        out.append("pageBreakMarkers")
        if found.page_list:
            out.append("pageNavigation")
    if found.reflowable and not found.important:
        out.append("displayTransformability")
    return out


def hazards(found: Contents) -> list[str]:
    return ["unknown"] if found.hazardous_media else ["none"]


def summary(found: Contents, words: dict, index: bool, pages: str | None = None,
            strings: dict | None = None, language: str | None = None) -> str:
    """The accessibility summary, a sentence per fact; ``pages``: the sentence on print page numbers, if any.

    ``strings`` and ``language`` (the book's): counts are written as the
    language writes numbers (6,784 / 6784 / 6 784) and take the language's
    plural form by CLDR's rules (French "1" and "0" are singular), from the
    forms the locale file gives ("one", "other", and "few", "many" where the
    language has them; "other" stands in for a category the file lacks).
    """
    from ..apparatus.datewords import locale_for, number

    cldr = locale_for(strings or {}, language)

    def plural(key: str, count: int, **more) -> str:
        forms = words[key]
        form = forms.get("one") if count == 1 else None
        if language is not None:
            form = forms.get(cldr.plural_form(count))
        text = form or forms["other"]
        shown = {name: number(value, strings or {}, language) for name, value in {"count": count, **more}.items()}
        return text.format(**shown)

    if found.reflowable and found.contents and found.landmarks and found.headings:
        sentences = [words["navigation"]]
    else:
        sentences = [words["navigation_contents"]] if found.contents else []
    if not found.images:
        sentences.append(words["no_images"])
    elif found.described == found.images:
        sentences.append(plural("images", found.images))
    else:
        sentences.append(plural("images_missing", found.images, missing=found.images - found.described))
    if found.long_descriptions:
        sentences.append(plural("long_descriptions", found.long_descriptions))
    if found.tables:
        sentences.append(plural("tables" if found.headed_tables == found.tables else "tables_plain", found.tables))
    if found.math:
        sentences.append(words["math"])
    if found.notes:
        sentences.append(plural("notes", found.notes))
    if index:
        sentences.append(words["index"])
    if found.page_breaks and found.page_list:
        # ``pages`` names the print ISBN; without one the sentence does not.
        sentences.append(pages or words["pages"])
    if not found.hazardous_media:
        sentences.append(words["no_hazards"])
    return " ".join(sentences)
