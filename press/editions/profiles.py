"""Print profiles: the reading PDF, the printer's (press) and the proof.

Takes the profile a request names and the book's configuration; gives a
``PrintProfile``, which the editions render from: the print edition its
stylesheets, generated CSS, PDF variant and output intent; the web edition
the proof's stylesheet and banner; both the proof's paragraph marks
(:func:`mark_paragraphs`). Every profile lays out the same text block on
the same pages, so that a page number means the same page in all of them;
what differs is drawn around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..source.config import Paths, load_yaml
from ..errors import ContentError, Problem

PROFILES = ("reading", "press", "proof")
# Our own generic condition for offset on uncoated white paper, made from an
# ink model by scripts/make-cmyk-profile.py: CC0 (styles/icc/README.md).
DEFAULT_PROFILE = "icc/press-uncoated-cmyk.icc"  # under styles/
PROOF_MARGIN_IN = 1.2  # added to the outer margin for the proofreader's notes
PARAGRAPH = re.compile(r'<p data-p="(\d+)">')


@dataclass(frozen=True)
class PrintProfile:
    """One use of the same pages: the reading PDF, the printer's, a proof."""

    name: str = "reading"
    suffix: str = ""  # dist/<slug><suffix>.pdf
    variant: str | None = "pdf/ua-1"  # WeasyPrint's PDF variant
    stylesheets: tuple[str, ...] = ()  # more of styles/, after print.css
    css: str = ""  # generated CSS, last
    output_intent: str | None = None  # PDF/X needs one
    outer_marks: bool = False  # move .outer-mark boxes to the outer margin of rectos
    bleed_mm: float = 0.0  # PDF/X: the BleedBox, this far outside the TrimBox
    even_pages: bool = False  # blank pages at the end to an even count (the press: sheets have two sides)
    paragraph_marks: bool = False  # paragraph numbers (and change bars) in the text: mark_paragraphs()
    web_styles: tuple[str, ...] = ()  # more of styles/ for the web edition, after screen.css
    web_css: str = ""  # generated CSS, after the web edition's last stylesheet (in that file)


READING = PrintProfile()


def print_profile(name: str, paths: Paths, config, banner: str = "") -> PrintProfile:
    """The profile a request names; ``banner``: the proof's stamp on every page."""
    if name == "reading":
        return READING
    if name == "press":
        return press_profile(paths, config)
    if name == "proof":
        return proof_profile(config, banner)
    raise ValueError(f"no print profile '{name}' (one of: {', '.join(PROFILES)})")


def output_profile(paths: Paths, config) -> Path:
    """The CMYK ICC profile of the press files: book.yaml's ``print.output_profile``, else ours.

    A book's profile is a file inside content/ (the build reads nothing
    outside the book) whose header says it is a CMYK output profile
    (ICC.1:2010, 7.2: bytes 12-19 are the class and the colour space).
    """
    name = config.print.output_profile
    if name is None:
        return paths.style(DEFAULT_PROFILE)
    path = (paths.content / name).resolve()
    problem = None
    if not path.is_relative_to(paths.content.resolve()) or not path.is_file():
        problem = f"print.output_profile: '{name}' is not a file in content/; give the path of the printer's ICC profile"
    else:
        head = path.read_bytes()[:40]
        if len(head) < 40 or head[36:40] != b"acsp":
            problem = f"print.output_profile: '{name}' is not an ICC profile"
        elif head[16:20] != b"CMYK" or head[12:16] != b"prtr":
            problem = (f"print.output_profile: '{name}' is a {head[16:20].decode('latin-1').strip()} "
                       f"{head[12:16].decode('latin-1')} profile; the press needs the printer's CMYK output profile")
    if problem:
        shown = paths.show(paths.book_yaml)
        raise ContentError([Problem(shown, load_yaml(paths.book_yaml, shown).line_of(("print", "output_profile")),
                                    problem)])
    return path


def press_profile(paths: Paths, config) -> PrintProfile:
    """The press interior: PDF/X-4, the bleed of book.yaml, crop marks, black text, even pages."""
    from .measures import SLUG_FACTOR, length_mm

    bleed = length_mm(config.print.bleed)
    icc = output_profile(paths, config).as_uri()
    return PrintProfile(
        name="press", suffix="-press", variant="pdf/x-4", output_intent="device-cmyk",
        stylesheets=("press.css",), bleed_mm=bleed, even_pages=True,
        # WeasyPrint draws crop marks inside the CSS bleed: as on the cover,
        # the sheet has room for them around the printer's bleed, which
        # fix_pdfx writes as the BleedBox. The device-cmyk profile is the
        # output intent (WeasyPrint 70: pdf/__init__.py, "Add output intents").
        css=(f"@page {{ bleed: {bleed * SLUG_FACTOR:g}mm; marks: crop; }}\n"
             f'@color-profile device-cmyk {{ src: url("{icc}"); components: cyan, magenta, yellow, black; }}'),
    )


def proof_profile(config, banner: str) -> PrintProfile:
    """A proof: a wider sheet, ``banner`` at the foot of every page and atop every web page, marks."""
    from .measures import length_mm

    width_mm = length_mm(config.print.trim_width) + PROOF_MARGIN_IN * 25.4
    text = banner.replace("\\", "\\\\").replace('"', '\\"')
    css = (f"@page {{ size: {width_mm:.2f}mm {config.print.trim_height}; }}\n"
           f'@page :left {{ @bottom-left {{ content: "{text}"; }} }}\n'
           f'@page :right {{ @bottom-right {{ content: "{text}"; }} }}\n')
    return PrintProfile(name="proof", suffix="-proof", stylesheets=("proof.css",), css=css, outer_marks=True,
                        paragraph_marks=True, web_styles=("proof-web.css",),
                        web_css=f'\n.site-header::before {{ content: "{text}"; }}\n')


def mark_paragraphs(html: str, slug: str, changed) -> str:
    """Paragraph numbers, and change bars on ``changed`` paragraphs; each
    paragraph gets an id (``<slug>-p<N>``) for the proof's list of changes to link to."""

    def repl(match: re.Match) -> str:
        number = int(match.group(1))
        marks = f'<span class="para-no outer-mark" aria-hidden="true">{number}</span>'
        attrs = f'data-p="{number}" id="{slug}-p{number}"'
        if number in changed:
            marks += '<span class="change-bar outer-mark" aria-hidden="true"></span>'
            attrs += ' class="changed"'
        return f"<p {attrs}>{marks}"

    return PARAGRAPH.sub(repl, html)
