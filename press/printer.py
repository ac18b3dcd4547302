"""The printer's files: ``build.py press`` (the press interior and its cover)
and ``build.py cover`` (the cover alone).

The press interior is the reading PDF's pages in WeasyPrint's ``pdf/x-4``
variant, with the bleed of book.yaml, crop marks, text in black ink alone
(``styles/press.css``), a CMYK output intent (the printer's ICC profile, or
our generic ``styles/icc/press-uncoated-cmyk.icc``) and blank pages at the end to make the
count even (a sheet is printed on both sides). Its text block and pages are
the reading PDF's (the same layout, a larger sheet around it), so a page
number means the same page in both. The wrap cover's spine is computed from
the interior's page count, blanks included, so the cover is made after the
interior is laid out.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from .config import Paths, load_yaml
from .editions.pdf import PrintProfile
from .errors import ContentError, Problem
from .progress import Progress

# Our own generic condition for offset on uncoated white paper, made from an
# ink model by scripts/make-cmyk-profile.py: CC0 (styles/icc/README.md).
DEFAULT_PROFILE = "icc/press-uncoated-cmyk.icc"  # under styles/


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (releases use it)")


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
    from .editions.wrapcover import SLUG_FACTOR, length_mm

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


def missing_for_press(config) -> list[tuple[tuple[str, ...], str]]:
    """What the printer's files lack: (book.yaml key, why), for a note now and a refusal at release."""
    missing = []
    if config.print_isbn is None:
        missing.append((("isbn",), "no print ISBN (isbn.print): the cover's barcode area is marked "
                                   "'ISBN / barcode' instead of a barcode"))
    if not config.cover.blurb:
        missing.append((("cover",), "no back-cover copy (cover.blurb): the back cover's copy area is marked"))
    return missing


def run(args: argparse.Namespace, progress: Progress) -> int:
    from .apparatus import back_matter
    from .editions.pdf import PdfEdition
    from .editions.wrapcover import write_wrap_cover
    from .pipeline import publish
    from .prepare import prepare

    paths = Paths(args.root.resolve())
    out = args.out.resolve()
    ready = prepare(paths, progress)
    config, book = ready.config, ready.book
    profile = press_profile(paths, config)
    with progress.stage("apparatus"):
        back = back_matter(paths, book, ready.pandoc, ready.session)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-press-", dir=out.parent))
    try:
        edition = PdfEdition(paths, book, back)
        edition.profile = profile
        with progress.stage("press interior (PDF/X-4, CMYK, bleed and crop marks)"):
            interior = edition.build(stage)
        warnings = list(book.warnings) + list(edition.warnings)
        pages = interior.facts["pages"]
        cover = f"{config.slug}-cover.pdf"
        with progress.stage(f"wrap cover for {pages} pages"):
            warnings += write_wrap_cover(paths, config, book.strings, pages, stage / cover)
        if args.strict and warnings:
            raise ContentError(warnings)
        for warning in warnings:
            print(f"warning: {warning}")
        names = [cover] if args.command == "cover" else [*interior.files, cover]
        with progress.stage("publish"):
            publish(stage, out, names)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    # Proofs need no ISBN; a release does (press/release.py). Said on the
    # terminal, whatever --quiet: the files are not ready for the printer.
    for _, why in missing_for_press(config):
        print(f"note: {paths.show(paths.book_yaml)}: {why}; fine for proofs, but a release refuses it")
    progress.note(f"built {', '.join(names)} into {args.out}")
    return 0
