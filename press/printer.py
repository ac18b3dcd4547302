"""The printer's files: ``build.py press`` (the press interior and its cover)
and ``build.py cover`` (the cover alone).

The press interior is the reading PDF's pages in WeasyPrint's ``pdf/x-4``
variant, with an output intent, the bleed of book.yaml and crop marks. Its
text block and its pages are the reading PDF's (the same layout, a larger
sheet around it), so a page number means the same page in both. The wrap
cover's spine is computed from the interior's page count, so the cover is
made after the interior is laid out.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from .config import Paths
from .editions.pdf import PrintProfile
from .errors import ContentError
from .progress import Progress


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (releases use it)")


def press_profile(config) -> PrintProfile:
    from .editions.wrapcover import SLUG_FACTOR, length_mm

    bleed = length_mm(config.print.bleed)
    return PrintProfile(
        name="press", suffix="-press", variant="pdf/x-4", output_intent="srgb",
        stylesheets=("press.css",), bleed_mm=bleed,
        # WeasyPrint draws crop marks inside the CSS bleed: as on the cover,
        # the sheet has room for them around the printer's bleed, which
        # fix_pdfx writes as the BleedBox.
        css=f"@page {{ bleed: {bleed * SLUG_FACTOR:g}mm; marks: crop; }}",
    )


def run(args: argparse.Namespace, progress: Progress) -> int:
    from .apparatus import back_matter
    from .editions.pdf import PdfEdition
    from .editions.wrapcover import first_paragraph_html, write_wrap_cover
    from .pipeline import publish
    from .prepare import prepare

    paths = Paths(args.root.resolve())
    out = args.out.resolve()
    ready = prepare(paths, progress)
    config, pandoc, book = ready.config, ready.pandoc, ready.book
    with progress.stage("apparatus"):
        back = back_matter(paths, book, pandoc)
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-press-", dir=out.parent))
    try:
        edition = PdfEdition(paths, book, back)
        edition.profile = press_profile(config)
        with progress.stage("press interior (PDF/X-4, bleed and crop marks)"):
            interior = edition.build(stage)
        warnings = list(book.warnings) + list(edition.warnings)
        pages = interior.facts["pages"]
        cover = f"{config.slug}-cover.pdf"
        with progress.stage(f"wrap cover for {pages} pages"):
            warnings += write_wrap_cover(paths, config, book.strings, pages, first_paragraph_html(book),
                                         stage / cover)
        if args.strict and warnings:
            raise ContentError(warnings)
        for warning in warnings:
            print(f"warning: {warning}")
        names = [cover] if args.command == "cover" else [*interior.files, cover]
        with progress.stage("publish"):
            publish(stage, out, names)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    progress.note(f"built {', '.join(names)} into {args.out}")
    return 0
