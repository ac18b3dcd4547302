"""The front cover's design, for the EPUB and web cover image and the press wrap.

The design is a template (``templates/cover/front.html.j2`` in
``cover.html.j2`` or ``wrap.html.j2``, and ``styles/cover.css``) laid out by
WeasyPrint like the book. The image is rasterised by PDFium (pypdfium2) to a
PNG of 1600 × 2400 px and cached by a hash of everything that shapes it.

What this module computes for the template, from book.yaml alone:

- the title broken into balanced lines (WeasyPrint 70 has no ``text-wrap:
  balance``): the fewest lines the measure allows, then the breaks that make
  the longest line shortest, never one word alone on a line;
- a timeline of the book's eras (``chronology.eras``), drawn to scale, as
  the design's figure: what the book spans, not a flat field;
- the cover's colours, as sRGB for the screen and as CMYK in the printer's
  profile for the press (``cmyk=True``).
"""

from __future__ import annotations

import functools
import hashlib
import io
import threading
from pathlib import Path

from markupsafe import Markup

from ..source.config import Paths
from .fonts import fallback_css
from .render import config_context, environment

WIDTH_PX = 1600
_lock = threading.Lock()

# The design's measures (styles/cover.css): the front panel is the trim
# width less 0.7 in each side; the title is set at TITLE_PT.
TITLE_PT = 30.0
SIDE_IN = 0.7
INK = "#f4efe4"  # the type, on the ground
ACCENT = "#c8a45a"  # rules, the timeline, the publishers


# ---------------------------------------------------------------------------
# Balanced title lines


@functools.lru_cache(maxsize=4)
def _advances(font_path: str) -> tuple[dict[int, int], dict[int, str], int]:
    from fontTools.ttLib import TTFont

    with TTFont(font_path, lazy=True) as font:
        return (dict(font["hmtx"].metrics and {g: m[0] for g, m in font["hmtx"].metrics.items()}),
                dict(font.getBestCmap()), font["head"].unitsPerEm)


def text_width_pt(paths: Paths, text: str, size_pt: float, font: str = "GentiumBookPlus-Regular.ttf") -> float:
    """The advance width of ``text`` in points (no kerning: a little wide, which is safe)."""
    widths, cmap, upem = _advances(str(paths.style("fonts/" + font)))
    space = widths.get(cmap.get(0x20, ""), upem // 4)
    return sum(widths.get(cmap.get(ord(ch), ""), space) for ch in text) * size_pt / upem


SHORT_WORD = 3  # letters: "of", "and", "a", "la", "des" -- a line should not end on one
SHORT_END_PT = 40.0  # what ending a line on one costs, against the spread of the lines
MAX_WORDS = 24  # longer titles are not balanced (every break is tried)


def balanced_lines(words: list[str], width_of, measure: float) -> list[list[str]]:
    """Break ``words`` into the fewest lines that fit ``measure``, as even as possible.

    Among the breaks with that many lines, the one with the smallest spread
    between its longest and shortest line, counting a line that ends on a
    short word (an article, a preposition) as if 40 pt more uneven: a title
    breaks where its phrases do. No line holds a single word when the title
    has two or more (a lone word reads as a mistake).
    """
    from itertools import combinations

    n = len(words)
    if n <= 2 or n > MAX_WORDS:
        return [words]
    for count in range(1, n // 2 + 1):
        best = None
        for cuts in combinations(range(2, n - 1), count - 1):
            edges = [0, *cuts, n]
            if any(b - a < 2 for a, b in zip(edges, edges[1:])):
                continue
            lines = [words[a:b] for a, b in zip(edges, edges[1:])]
            widths = [width_of(" ".join(line)) for line in lines]
            if max(widths) > measure:
                continue
            short = sum(len(line[-1].strip(",;:")) <= SHORT_WORD for line in lines[:-1])
            cost = (max(widths) - min(widths) + SHORT_END_PT * short, max(widths))
            if best is None or cost < best[0]:
                best = (cost, lines)
        if best is not None:
            return best[1]
    return [words]  # a word longer than the measure: the browser breaks it


def title_lines(paths: Paths, config, strings) -> tuple[list[Markup], bool]:
    """The front's title, a Markup per line, and whether each line is measured to fit.

    Lines that fit are set unbreakable (the template's ``balanced``); a
    title that could not be balanced (markup inside it, a word wider than
    the measure, a very long title) is one run that the layout breaks, its
    last two words joined by a no-break space so that neither stands alone.
    """
    from .measures import length_mm

    html = str(strings.phrases.html(config.title))  # read with the body's reader (press.book.phrases)
    measure = (length_mm(config.print.trim_width) / 25.4 - 2 * SIDE_IN) * 72 * 0.96  # 4 % for kerning and care
    width = functools.partial(text_width_pt, paths, size_pt=TITLE_PT)
    if "<" not in html:  # emphasis inside the title: measured lines would cut its tags
        lines = balanced_lines(html.split(), width, measure)
        if all(width(" ".join(line)) <= measure for line in lines):
            return [Markup(" ".join(line)) for line in lines], True
    head, _, last = html.rpartition(" ")
    return [Markup(f"{head}\u00a0{last}" if head else last)], False


# ---------------------------------------------------------------------------
# The book's eras, drawn


YEAR_GAP = 0.09  # of the scale's width: a year's label is about 0.3 in of 4.6 in


def era_marks(config) -> dict | None:
    """The chronology's eras as a scale: each boundary year at its place, 0 to 1."""
    eras = config.chronology.eras if config.chronology else []
    if not eras:
        return None
    years = sorted({int(e.start) for e in eras} | {int(e.end) for e in eras})
    first, last = years[0], years[-1]
    if last <= first:
        return None
    # An era's end and the next one's start (1879, 1880) are one boundary.
    bounds = [int(eras[0].start)] + [int(e.end) for e in sorted(eras, key=lambda e: e.start)]
    span = last - first
    ticks, shown = [], None
    for year in bounds:
        at = round((year - first) / span, 4)
        # Years too close to the previous one below the scale go above it.
        row = 1 if shown is not None and at - shown < YEAR_GAP and ticks[-1]["row"] == 0 else 0
        ticks.append({"year": year, "at": at, "row": row})
        shown = at
    return {"first": first, "last": last, "ticks": ticks,
            "bands": [{"at": round((int(e.start) - first) / span, 4),
                       "width": round((int(e.end) - int(e.start)) / span, 4), "shade": i % 2}
                      for i, e in enumerate(sorted(eras, key=lambda e: e.start))]}


# ---------------------------------------------------------------------------
# Colours


def cmyk(paths: Paths, config, hex_colour: str) -> str:
    """An sRGB colour as CSS device-cmyk() in the press profile (relative colorimetric)."""
    from PIL import Image, ImageCms

    from .profiles import output_profile

    transform = _transform(str(output_profile(paths, config)))
    rgb = tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    c, m, y, k = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), transform).getpixel((0, 0))
    return f"device-cmyk({c / 255:.3f} {m / 255:.3f} {y / 255:.3f} {k / 255:.3f})"


@functools.lru_cache(maxsize=4)
def _transform(profile: str):
    from PIL import ImageCms

    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(profile), "RGB", "CMYK",
                                   renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)


def design_context(paths: Paths, config, strings, cmyk_colours: bool = False, **_) -> dict:
    """What front.html.j2 draws with: title lines, the eras, the colours."""
    colours = {"ground": config.print.cover_colour, "ink": INK, "accent": ACCENT}
    if cmyk_colours:
        colours = {name: cmyk(paths, config, value) for name, value in colours.items()}
    lines, balanced = title_lines(paths, config, strings)
    return {"title_lines": lines, "title_balanced": balanced, "eras": era_marks(config), "colours": colours}


# ---------------------------------------------------------------------------
# The EPUB and web cover image


def cover_html(paths: Paths, config, strings: dict) -> str:
    return environment(paths).get_template("cover/cover.html.j2").render(
        **config_context(config, strings), **design_context(paths, config, strings))


def cover_png(paths: Paths, config, strings: dict, warnings: list | None = None) -> bytes:
    """The cover as PNG bytes, from the cache or rendered now.

    The design depends on book.yaml alone. WeasyPrint's warnings are added
    to ``warnings`` (an edition's); a cover drawn with warnings is not
    cached, so that every edition that asks for it reports them.
    """
    from ..errors import Problem

    html = cover_html(paths, config, strings)
    css = fallback_css(paths, config, "cover.css")
    digest = hashlib.sha256((html + css).encode("utf-8"))
    sheets = [paths.style(name) for name in ("fonts.css", "cover.css")]
    for path in [*paths.styles_in("fonts"), *sheets]:
        digest.update(path.read_bytes())
    cache = paths.root / ".cache" / "cover" / f"{digest.hexdigest()}.png"
    with _lock:  # the HTML edition and the EPUB both ask for it
        if cache.is_file():
            return cache.read_bytes()
        data, messages = _render(paths, html, css)
        if messages:
            if warnings is not None:
                warnings.extend(Problem("cover", None, f"WeasyPrint: {m}") for m in messages)
            return data
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(data)
    return data


def _render(paths: Paths, html: str, css: str = "") -> tuple[bytes, list[str]]:
    import pypdfium2

    # Imported here: WeasyPrint takes half a second to import, and the cover
    # is usually in the cache.
    from ..fetcher import confined_layout
    from ..safety import captured_warnings

    document, messages = confined_layout(paths, html, [paths.style(n) for n in ("fonts.css", "cover.css")], css)
    with captured_warnings("weasyprint") as written:
        pdf = document.write_pdf()
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=WIDTH_PX / page.get_width()).to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), [*messages, *written]
