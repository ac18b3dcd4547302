"""The press cover: back, spine and front on one sheet, with bleed and crop marks.

The front panel is the design of the EPUB and web cover image
(``templates/cover/front.html.j2``, ``styles/cover.css``); the wrap adds the
back (the publisher's copy, ``cover.blurb``, the publishers, the print ISBN
over its EAN-13 barcode, or a marked area while there is none) and the spine, whose width follows the interior's page
count and the paper's thickness in ``book.yaml``. Laid out by WeasyPrint as
PDF/X-4 (its ``pdf/x-4`` variant), like the press interior.

As an edition (``CoverEdition``, "cover"), it needs the interior's page
count: a request for the cover alone has the print edition laid out too
(not published).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..source.config import Paths, load_yaml
from ..errors import ContentError, Problem
from .fonts import fallback_css
from .render import config_context, environment
from ..source.schema import BookConfig, ean13_check_digit, isbn_digits
from . import Edition, EditionResult
from .measures import SLUG_FACTOR, length_mm

STYLESHEETS = ("fonts.css", "cover.css", "cover-wrap.css")
MIN_SPINE_TEXT_MM = 6.0  # thinner spines carry no text: a fold that drifts 1 mm would cut it
SPINE_MARGIN_MM = 11.5  # the spine's text keeps clear of the head and the foot


def spine_width(page_count: int, pages_per_inch: int) -> float:
    """The spine's width in mm: the interior's thickness.

    A sheet holds two pages, so an odd count is bound as the next even one.
    """
    if page_count < 1 or pages_per_inch < 1:
        raise ValueError("page count and pages per inch must be positive")
    even = page_count + page_count % 2
    return even / pages_per_inch * 25.4


@dataclass(frozen=True)
class CoverSize:
    """The wrap's geometry in mm; ``width`` and ``height`` are the trimmed sheet."""

    panel: float  # the front's (and the back's) width: the book's trim width
    spine: float
    height: float  # the book's trim height
    bleed: float

    @property
    def width(self) -> float:
        return 2 * self.panel + self.spine


def cover_size(config: BookConfig, page_count: int) -> CoverSize:
    trim = config.print
    return CoverSize(panel=length_mm(trim.trim_width), spine=spine_width(page_count, trim.pages_per_inch),
                     height=length_mm(trim.trim_height), bleed=length_mm(trim.bleed))


# ---------------------------------------------------------------------------
# The ISBN and its barcode


def checked_isbn_digits(paths: Paths, config: BookConfig) -> str | None:
    """The print ISBN's 13 digits, its check digit recomputed here; None without one.

    book.yaml's schema checks it too; the cover checks again because a
    barcode that scans as another book is the one mistake a printer cannot
    see, and ``config`` may not come from the schema.
    """
    isbn, key = config.print_isbn, config.print_isbn_key
    if isbn is None:
        return None
    digits = isbn_digits(isbn)
    name = ".".join(key)
    problem = None
    if not re.fullmatch(r"97[89]\d{10}", digits):
        problem = f"{name}: '{isbn}' is not an ISBN-13 (13 digits starting 978 or 979); the barcode needs one"
    elif ean13_check_digit(digits[:12]) != int(digits[12]):
        problem = (f"{name}: the check digit of '{isbn}' should be {ean13_check_digit(digits[:12])}, "
                   f"not {digits[12]}; the barcode would scan as another book")
    if problem is not None:
        shown = paths.show(paths.book_yaml)
        line = load_yaml(paths.book_yaml, shown).line_of(key) if paths.book_yaml.is_file() else None
        raise ContentError([Problem(shown, line, problem)])
    return digits


def barcode_svg(digits: str) -> Markup:
    """The EAN-13 symbol of ``digits`` as inline SVG, drawn by python-barcode.

    Nominal size (magnification 100 %: module 0.33 mm, bars 22.85 mm high),
    guard bars extended, the digits under the bars. The writer's comment is
    dropped so that the output depends on the digits alone.
    """
    from barcode import EAN13
    from barcode.writer import SVGWriter
    from lxml import etree

    symbol = EAN13(digits[:12], writer=SVGWriter(), guardbar=True)
    if symbol.get_fullcode().replace(" ", "")[:13] != digits:  # pragma: no cover - a library bug
        raise AssertionError(f"python-barcode encoded {symbol.get_fullcode()} for {digits}")
    out = io.BytesIO()
    symbol.write(out, options={
        "module_width": 0.33, "module_height": 22.85,
        # 11 modules left (3.63 mm); the right's 7 are inside it.
        "quiet_zone": 3.63, "font_size": 9, "text_distance": 4, "margin_top": 0,
        "background": "#ffffff", "foreground": "#000000", "compress": False,
    })
    svg = etree.fromstring(out.getvalue(), etree.XMLParser(remove_comments=True, resolve_entities=False))
    # Inline in HTML, a style attribute is read as CSS for HTML, where
    # ``fill`` is unknown (a warning, an error under --strict): SVG's
    # presentation attributes say the same thing.
    for element in svg.iter():
        for declaration in filter(None, (element.attrib.pop("style", "")).split(";")):
            name, _, value = declaration.partition(":")
            element.set(name.strip(), value.strip())
    svg.set("font-family", "Gentium Book Plus")
    svg.set("role", "img")
    svg.set("aria-label", f"EAN-13 {digits}")
    return Markup(etree.tostring(svg, encoding="unicode"))


# ---------------------------------------------------------------------------
# The blurb


def blurb_html(config: BookConfig, strings) -> Markup:
    """The back cover's copy: book.yaml's ``cover.blurb``, one <p> per paragraph; empty without one.

    Each paragraph is a phrase of the book, read with the body's reader (press.book.phrases)."""
    return Markup("").join(Markup("<p>{}</p>\n").format(strings.phrases.html(p)) for p in config.cover.paragraphs())


# ---------------------------------------------------------------------------
# The sheet


def spine_font_pt(spine_mm: float) -> float:
    """Type on the spine: 45 % of its width, between 7 pt and 11 pt."""
    return round(min(11.0, max(7.0, spine_mm * 0.45 * 72 / 25.4)), 1)


def spine_authors(config: BookConfig, strings: dict) -> Markup:
    """Surnames on the spine, as libraries shelve the book ("Novak and Namihas")."""
    from .render import join_names

    names = [a.sort_name.split(",")[0].strip() if a.sort_name else a.name for a in config.authors]
    return join_names(names, strings["and"])


def wrap_html(paths: Paths, config: BookConfig, strings: dict, page_count: int,
              font_pt: float | None = None, wrap_title: bool = False) -> str:
    from .cover import design_context
    from .profiles import output_profile

    size = cover_size(config, page_count)
    digits = checked_isbn_digits(paths, config)
    rounded = CoverSize(*(round(v, 3) for v in (size.panel, size.spine, size.height, size.bleed)))
    return environment(paths).get_template("cover/wrap.html.j2").render(
        **config_context(config, strings), **design_context(paths, config, strings, cmyk_colours=True),
        size=rounded, slug=round(SLUG_FACTOR * size.bleed, 3), blurb=blurb_html(config, strings),
        barcode=barcode_svg(digits) if digits else None, spine_authors=spine_authors(config, strings),
        # The output intent is the press interior's: the printer's CMYK profile.
        output_profile=output_profile(paths, config).as_uri(),
        spine_text=size.spine >= MIN_SPINE_TEXT_MM, spine_margin=SPINE_MARGIN_MM, wrap_title=wrap_title,
        spine_font_pt=font_pt if font_pt is not None else spine_font_pt(size.spine))


PX_PER_MM = 96 / 25.4  # WeasyPrint lays out in CSS px
SMALLEST_SPINE_PT = 6.0


def write_wrap_cover(paths: Paths, config: BookConfig, strings: dict, page_count: int,
                     target: Path) -> list[Problem]:
    """Write the wrap cover as PDF/X-4 to ``target``; WeasyPrint's warnings are returned."""
    from ..safety import captured_warnings

    size = cover_size(config, page_count)
    problems: list[Problem] = []
    # The title on one line if the type can stay readable (8 pt), else on
    # two lines, from the full size down to 6 pt.
    for wrap, smallest in ((False, 8.0), (True, SMALLEST_SPINE_PT)):
        font_pt = spine_font_pt(size.spine)
        while True:
            html = wrap_html(paths, config, strings, page_count, font_pt, wrap)
            document, messages = _layout(paths, config, html)  # the last layout's warnings are the cover's
            overflow = _spine_overflow(document, size)
            if not overflow or font_pt <= smallest:
                break
            font_pt = round(font_pt - 0.5, 1)
        if not overflow:
            break
    if overflow:
        problems.append(Problem("cover", None, f"the spine text does not fit a {size.spine:.1f} mm spine "
                                               f"even at {font_pt} pt; shorten the title or thicken the book"))
    target.parent.mkdir(parents=True, exist_ok=True)
    with captured_warnings("weasyprint") as written:
        document.write_pdf(target, pdf_variant="pdf/x-4", output_intent="device-cmyk",
                           finisher=_finisher(size.bleed, html.replace(paths.root.resolve().as_uri(), "")))
    return problems + [Problem("cover", None, f"WeasyPrint: {m}") for m in [*messages, *written]]


def _layout(paths: Paths, config: BookConfig, html: str):
    from ..fetcher import confined_layout

    return confined_layout(paths, html, [paths.style(name) for name in STYLESHEETS],
                           fallback_css(paths, config, "cover.css"), pdf_variant="pdf/x-4", output_intent="device-cmyk")


def _spine_overflow(document, size: CoverSize) -> bool:
    """Whether the spine's row is taller than the spine is wide, or longer than the book."""
    for box in document.pages[0]._page_box.descendants(placeholders=True):
        element = getattr(box, "element", None)
        if type(box).__name__ == "TableBox" and element is not None and "spine-text" in element.get("class", ""):
            return (box.border_height() > size.spine * PX_PER_MM + 0.5
                    or box.border_width() > (size.height - 2 * SPINE_MARGIN_MM) * PX_PER_MM + 0.5)
    return False


def _finisher(bleed_mm: float, html: str):
    """The cover's finisher: see ``fix_pdfx``."""
    import hashlib

    seed = hashlib.sha256(html.encode("utf-8")).hexdigest()

    def finisher(document, pdf) -> None:
        fix_pdfx(pdf, bleed_mm, seed)

    return finisher


def fix_pdfx(pdf, bleed_mm: float, seed: str) -> None:
    """Fix what WeasyPrint's PDF/X-4 writer leaves: the BleedBox, the XMP DocumentID, RGB colours,
    the output condition.

    WeasyPrint puts the BleedBox at most 10 pt outside the TrimBox, whatever
    the CSS bleed; ours is the printer's bleed, where the ground is painted
    (ISO 32000-1, 14.11.2: the BleedBox is what the printer keeps). And it
    writes a random ``xmpMM:DocumentID`` (uuid4, weasyprint/pdf/metadata.py):
    ours is derived from ``seed`` (a hash of the document's HTML), so the
    same book gives the same bytes. RGB colours are written in the output
    intent's inks (press/editions/inks.py). WeasyPrint names the output condition
    after the profile's description; a condition not in the ICC's registry of
    characterizations is "Custom", described by the embedded profile (PDF/X,
    ISO 15930-7): ours is one, and we cannot tell whether a printer's is.
    Used for the cover and the press interior.
    """
    import uuid

    import pydyf

    from .inks import to_output_intent

    to_output_intent(pdf)
    for intent in pdf.catalog.get("OutputIntents", ()):
        intent["OutputConditionIdentifier"] = pydyf.String("Custom")
        intent["OutputCondition"] = intent["Info"]  # the profile's description

    bleed = bleed_mm * 72 / 25.4
    document_id = f"xmp.did:{uuid.UUID(seed[:32])}".encode()
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/Page" and "TrimBox" in obj:
            left, top, right, bottom = obj["TrimBox"]
            obj["BleedBox"] = pydyf.Array([left - bleed, top - bleed, right + bleed, bottom + bleed])
        elif isinstance(obj, pydyf.Stream) and obj.extra.get("Subtype") == "/XML":
            obj.stream = [re.sub(rb"xmp\.did:[0-9a-f-]{36}", document_id, bytes(part))
                          if isinstance(part, (bytes, bytearray)) else part for part in obj.stream]


class CoverEdition(Edition):
    """The wrap cover, ``<slug>-cover.pdf``: made once the interior's pages are counted."""

    name = "cover"
    needs = frozenset({"pages"})
    needs_pango = True

    def finish(self, facts: dict, stage: Path) -> EditionResult:
        name = f"{self.book.config.slug}-cover.pdf"
        self.warnings.extend(write_wrap_cover(self.paths, self.book.config, self.book.strings, facts["pages"],
                                              stage / name))
        return EditionResult(self.name, [name])
