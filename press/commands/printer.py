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

from ..source.config import Paths
from ..progress import Progress


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors (releases use it)")


def missing_for_press(config) -> list[tuple[tuple[str, ...], str]]:
    """What the printer's files lack: (book.yaml key, why), for a note now and a refusal at release."""
    missing = []
    if config.print_isbn is None:
        missing.append((("isbn",), "no print ISBN (isbn.print): the cover's barcode area is marked "
                                   "'ISBN / barcode' instead of a barcode"))
    if not config.cover.blurb:
        missing.append((("cover",), "no back-cover copy (cover.blurb): the back cover's copy area is marked"))
    return missing


def request(args: argparse.Namespace):
    """``press``: the interior and the wrap cover; ``cover``: the cover alone
    (the interior is laid out for its page count, not published)."""
    from ..pipeline import Request

    targets = ("cover",) if args.command == "cover" else ("pdf", "cover")
    return Request(args.root.resolve(), targets, args.out.resolve(), profile="press", strict=args.strict)


def run(args: argparse.Namespace, progress: Progress) -> int:
    from ..source.config import load_config
    from ..pipeline import report, run as build

    result = build(request(args), progress)
    report(result)
    names = [f for r in result.results.values() for f in r.files]
    # Proofs need no ISBN; a release does (press/commands/release.py). Said on the
    # terminal, whatever --quiet: the files are not ready for the printer.
    paths = Paths(args.root.resolve())
    for _, why in missing_for_press(load_config(paths)):
        print(f"note: {paths.show(paths.book_yaml)}: {why}; fine for proofs, but a release refuses it")
    if not result.up_to_date:
        progress.note(f"built {', '.join(names)} into {args.out}")
    return 0
