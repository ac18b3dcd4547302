"""The EPUB's accessibility metadata is computed from the book (issue 17, deliverable 8).

Three test books built whole (plain: words only; math: MathML; figures:
images with text alternatives and a table) get the access modes, features
and summary their packages bear out, and differ as their content does;
every sentence of a summary is one of the locale's. Small hand-made
packages show the claims a book must earn: a long description, display
transformability, no hazards.
"""

from __future__ import annotations

import re

import yaml
from lxml import etree

from press.editions import accessibility

from .artefacts import epub_files
from .conftest import BOOKS, REPO
from .test_epub import accessibility_of

LOCALE = yaml.safe_load((REPO / "templates" / "locale" / "en.yaml").read_text("utf-8"))
OPS = "{http://www.idpf.org/2007/ops}type"


def page_breaks(epub) -> int:
    return sum(1 for name, data in epub_files(epub).items() if name.endswith(".xhtml")
               for e in etree.fromstring(data).iter() if e.get(OPS) == "pagebreak")


def locale_sentence(sentence: str) -> bool:
    """Whether ``sentence`` is one of the locale's summary sentences, its counts and ISBN filled in."""
    forms = [LOCALE["epub_accessibility_pages"]]
    for value in LOCALE["epub_accessibility"].values():
        forms += list(value.values()) if isinstance(value, dict) else [value]
    for form in forms:
        pattern = re.escape(form)
        for field in ("count", "missing", "isbn"):
            pattern = pattern.replace(re.escape("{%s}" % field), r"\d+")
        if re.fullmatch(pattern, sentence):
            return True
    return False


def test_each_book_is_described_as_it_is(built_book):
    plain, math, figures = (built_book(name) for name in ("plain", "math", "figures"))
    bare, formulas, pictures = (accessibility_of(b.epub) for b in (plain, math, figures))

    # Words only: no visual access mode, no image or MathML claims.
    assert bare["accessMode"] == ["textual"] and bare["accessModeSufficient"] == ["textual"]
    assert not {"MathML", "alternativeText", "longDescription"} & set(bare["accessibilityFeature"])
    assert "It has no images apart from the cover." in bare["accessibilitySummary"][0]
    # The math book: MathML, and what it adds to the plain book is that only.
    assert set(formulas["accessibilityFeature"]) - set(bare["accessibilityFeature"]) == {"MathML"}
    assert formulas["accessMode"] == ["textual"]
    assert "Its mathematics is in MathML." in formulas["accessibilitySummary"][0]
    assert "MathML" not in bare["accessibilitySummary"][0]
    # The figures book: visual, every image with its text alternative, counted from the source.
    images = sum(len(re.findall(r"!\[[^\]]+\]\(", p.read_text("utf-8")))
                 for p in (BOOKS / "figures" / "content" / "chapters").glob("*.md"))
    assert images == 5
    assert pictures["accessMode"] == ["textual", "visual"]
    assert pictures["accessModeSufficient"] == ["textual", "textual,visual"]
    assert set(pictures["accessibilityFeature"]) - set(bare["accessibilityFeature"]) == {"alternativeText"}
    assert f"Its {images} images all have text alternatives." in pictures["accessibilitySummary"][0]
    assert "Its one table marks its header cells." in pictures["accessibilitySummary"][0]

    for editions, found in ((plain, bare), (math, formulas), (figures, pictures)):
        features = found["accessibilityFeature"]
        # Built with the PDF, each marks the print pages: the claim is the markers'.
        marked = page_breaks(editions.epub)
        assert marked > 0 and {"pageBreakMarkers", "pageNavigation"} <= set(features)
        assert "index" not in features  # none of the three has an index
        assert {"tableOfContents", "readingOrder", "structuralNavigation", "displayTransformability"} <= set(features)
        assert found["accessibilityHazard"] == ["none"]
        [summary] = found["accessibilitySummary"]
        sentences = re.split(r"(?<=\.) (?=[A-Z])", summary)
        assert all(locale_sentence(s) for s in sentences), [s for s in sentences if not locale_sentence(s)]
        assert LOCALE["epub_accessibility"]["pages"] in sentences  # no ISBN: the sentence without one


# --- hand-made packages --------------------------------------------------------------------

def package(body: str, css: str = "p { margin: 0 }", layout: str = "") -> dict[str, bytes]:
    """A package of one chapter (``body``), a nav with contents and landmarks, and a stylesheet."""
    meta = f'<meta property="rendition:layout">{layout}</meta>' if layout else ""
    opf = f"""<package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata>{meta}</metadata>
<manifest><item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="ch" href="text/ch.xhtml" media-type="application/xhtml+xml"/>
<item id="css" href="styles/s.css" media-type="text/css"/></manifest>
<spine><itemref idref="nav"/><itemref idref="ch"/></spine></package>"""
    xhtml = ('<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
             'xmlns:svg="http://www.w3.org/2000/svg"><body>{}</body></html>')
    nav = xhtml.format('<nav epub:type="toc"><ol><li><a href="text/ch.xhtml">One</a></li></ol></nav>'
                       '<nav epub:type="landmarks"><ol><li><a href="text/ch.xhtml">One</a></li></ol></nav>')
    return {"EPUB/content.opf": opf.encode(), "EPUB/nav.xhtml": nav.encode(),
            "EPUB/text/ch.xhtml": xhtml.format(f"<h1>One</h1>{body}").encode(), "EPUB/styles/s.css": css.encode()}


def claims(files: dict[str, bytes]) -> tuple[list[str], list[str], str]:
    found = accessibility.survey(files)
    return (accessibility.features(found, index=False, paged=False), accessibility.hazards(found),
            accessibility.summary(found, LOCALE["epub_accessibility"], index=False))


def test_a_long_description_is_claimed_only_when_an_image_has_one():
    described = ('<figure><img src="m.png" alt="A map" aria-details="m-long"/></figure>'
                 '<details id="m-long"><summary>The map</summary><p>The frontier runs north.</p></details>')
    features, _, summary = claims(package(described))
    assert "longDescription" in features and "alternativeText" in features
    assert "Its one image with more to show than a text alternative holds is described at length" in summary
    # aria-details naming no element of the page is no long description.
    features, _, summary = claims(package('<img src="m.png" alt="A map" aria-details="gone"/>'))
    assert "longDescription" not in features and "described at length" not in summary


def test_moving_svg_is_a_hazard_unknown():
    still = '<svg:svg viewBox="0 0 10 10" aria-label="A dot"><svg:circle r="2"/></svg:svg>'
    moving = ('<svg:svg viewBox="0 0 10 10" aria-label="A dot"><svg:circle r="2">'
              '<svg:animate attributeName="r" values="2;4;2" dur="0.2s" repeatCount="indefinite"/>'
              '</svg:circle></svg:svg>')
    _, hazards, summary = claims(package(still))
    assert hazards == ["none"] and "no flashing" in summary
    _, hazards, summary = claims(package(moving))
    assert hazards == ["unknown"] and "no flashing" not in summary


def test_display_transformability_is_earned_by_a_reflowable_package_that_lets_the_reader_restyle():
    features, _, summary = claims(package("<p>Words.</p>"))
    assert "displayTransformability" in features and summary.startswith("A reflowable text publication")
    features, _, _ = claims(package("<p>Words.</p>", css="p { font-size: 12px ! important }"))
    assert "displayTransformability" not in features
    features, _, summary = claims(package("<p>Words.</p>", layout="pre-paginated"))
    assert "displayTransformability" not in features and "reflowable" not in summary
    assert summary.startswith(LOCALE["epub_accessibility"]["navigation_contents"])


def test_the_summarys_counts_are_written_in_the_books_language():
    """Counts as the language writes numbers (CLDR, through Babel) and in its plural form."""
    def locale(name: str) -> dict:
        return yaml.safe_load((REPO / "templates" / "locale" / f"{name}.yaml").read_text("utf-8"))

    found = accessibility.Contents()
    found.images = found.described = 12345
    found.notes = 1
    texts = {name: accessibility.summary(found, locale(name)["epub_accessibility"], index=False,
                                         strings=locale(name), language=name) for name in ("en", "es", "fr")}
    assert "12,345" in texts["en"] and "12.345" in texts["es"] and "12\u202f345" in texts["fr"], texts
    assert locale("es")["epub_accessibility"]["notes"]["one"] in texts["es"]
    found.images = found.described = 1234  # Spanish groups from five digits only
    spanish = accessibility.summary(found, locale("es")["epub_accessibility"], index=False,
                                    strings=locale("es"), language="es")
    assert locale("es")["epub_accessibility"]["images"]["other"].format(count="1234") in spanish
