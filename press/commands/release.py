"""``build.py release``: build --strict, check, and ship ``dist/release/<slug>-<version>/``.

The release folder holds the PDF, the EPUB, the web edition as a zip, the
chronology data, the check report (JSON and HTML), a build manifest (a hash
of every input file, the versions of the tools, fonts and checkers, and
``SOURCE_DATE_EPOCH``) and ``SHA256SUMS``. Everything in it is a function of
the commit: the date is ``SOURCE_DATE_EPOCH`` (the environment's, else the
last commit's), zip entries are sorted with fixed timestamps, JSON keys are
sorted, so two releases from the same commit are byte-identical.

With ``--press`` it ships the printer's files too (the press interior and
the wrap cover, as ``build.py press --strict`` makes them), and refuses,
naming the line of book.yaml, while they lack what a printer needs: the
print ISBN (its barcode) and the back-cover copy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import re
import shutil
import tempfile
import zipfile
from importlib import metadata
from pathlib import Path

from ..source.config import Paths, load_config
from ..errors import ContentError, Problem, ToolError, display_path
from ..progress import Progress
from ..vcs import git, uncommitted

VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]*$")
# The toolchain's code: its bytes shape the editions as much as the book's.
CODE = Path(__file__).resolve().parent.parent  # press/
# zip cannot store a date before 1980 (APPNOTE 4.4.6).
ZIP_EPOCH_MIN = 315532800


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--version", dest="release_version", metavar="VERSION",
                        help="the release's version (default: 'version' in content/book.yaml)")
    parser.add_argument("--force", action="store_true",
                        help="release even from a work tree with uncommitted changes")
    parser.add_argument("--press", action="store_true",
                        help="ship the printer's files too (<slug>-press.pdf, <slug>-cover.pdf); "
                             "book.yaml must then give the print ISBN and the back-cover copy")


def run(args: argparse.Namespace, progress: Progress) -> int:
    from .check import CHECKERS, check, print_results
    from ..gates.repro import epoch_set, source_date_epoch
    from ..editions import EDITIONS, book_targets
    from ..pipeline import Request, run as build

    root, out = args.root.resolve(), args.out.resolve()
    config = load_config(Paths(root))
    if args.press:
        refuse_unready_press(Paths(root), config)
    version = args.release_version or config.version
    if not VERSION.match(version):
        raise ContentError([Problem("VERSION", None, f"'{version}' is not a version: use letters, "
                                                     "digits, '.', '-', '+' (e.g. 1.0, 2021.1)")])
    dirty = _uncommitted(root)
    if dirty and not args.force:
        raise ContentError([Problem(display_path(root), None,
                                    f"the work tree has uncommitted changes ({len(dirty)} files, e.g. "
                                    f"{', '.join(dirty[:3])}): commit them, or release anyway with "
                                    "--force (make release FORCE=1)")])
    epoch = source_date_epoch(root)
    name = f"{config.slug}-{version}"
    target = out / "release" / name
    with tempfile.TemporaryDirectory(prefix="press-release-") as tmp, epoch_set(epoch):
        editions = Path(tmp) / "editions"
        with progress.stage("build the editions (--strict)"):
            build(Request(root, book_targets(EDITIONS), editions, strict=True), Progress(quiet=True))
        results, data = check(root, editions, list(CHECKERS), progress, version=version, reference=editions)
        print_results(results, editions)
        if not all(r.passed for r in results):
            raise ContentError([Problem(r.name, None, r.summary) for r in results if not r.passed])
        press = Path(tmp) / "press"
        if args.press:
            # After the checks, into a folder of their own: the checkers read
            # the reading editions (the press files' own tests: tests/test_press.py).
            with progress.stage("build the printer's files (--strict)"):
                _build_press(root, press)
        with progress.stage(f"write release/{name}"):
            staging = Path(tmp) / name
            staging.mkdir()
            _assemble(root, editions, staging, config.slug, version, epoch, data, dirty,
                      press if args.press else None)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists():
                shutil.rmtree(target)
            shutil.move(str(staging), str(target))
    progress.note(f"release written: {display_path(target)}")
    return 0


def refuse_unready_press(paths: Paths, config) -> None:
    """The printer's files ship only with what a printer needs: each gap names its book.yaml line."""
    from ..source.config import load_yaml
    from .printer import missing_for_press

    missing = missing_for_press(config)
    if missing:
        shown = paths.show(paths.book_yaml)
        located = load_yaml(paths.book_yaml, shown)
        raise ContentError([Problem(shown, located.line_of(key),
                                    f"{why}; a release with the printer's files needs it: add it to book.yaml, "
                                    "or release without --press")
                            for key, why in missing])


def _build_press(root: Path, editions: Path) -> None:
    """The press interior and the wrap cover, as ``build.py press --strict`` makes them."""
    from . import printer
    from ..pipeline import run

    args = argparse.Namespace(root=root, out=editions, strict=True, command="press")
    run(printer.request(args), Progress(quiet=True))


def _uncommitted(root: Path) -> list[str]:
    """Changed and untracked files; not a repository is an error (a release names its commit)."""
    files = uncommitted(root)
    if files is None:
        raise ToolError(f"{display_path(root)} is not a git work tree (a release names its commit)")
    return files


def _assemble(root: Path, editions: Path, folder: Path, slug: str, version: str, epoch: str,
              report_data: dict, dirty: list[str], press: Path | None = None) -> None:
    from ..gates import report

    for name in (f"{slug}.pdf", f"{slug}.epub", f"{slug}-chronology.json", f"{slug}-chronology.csv"):
        if (editions / name).is_file():
            shutil.copyfile(editions / name, folder / name)
    for name in (f"{slug}-press.pdf", f"{slug}-cover.pdf") if press is not None else ():
        shutil.copyfile(press / name, folder / name)
    zip_folder(editions / "html", folder / f"{slug}-web.zip", int(epoch), prefix=f"{slug}-web")
    report.write(folder, report_data)
    manifest = build_manifest(root, slug, version, epoch, report_data, dirty)
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True)
                                          + "\n", "utf-8")
    sums = [f"{sha256(path)}  {path.name}\n" for path in sorted(folder.iterdir()) if path.is_file()]
    (folder / "SHA256SUMS").write_text("".join(sums), "utf-8")


def zip_folder(folder: Path, archive: Path, epoch: int, prefix: str) -> None:
    """A deterministic zip: sorted entries, one timestamp, fixed permissions."""
    stamp = _zip_time(epoch)
    with zipfile.ZipFile(archive, "w") as zf:
        files = {path.relative_to(folder).as_posix(): path for path in folder.rglob("*") if path.is_file()}
        for name, path in sorted(files.items()):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that the permissions below are read
            info.external_attr = 0o644 << 16
            zf.writestr(info, path.read_bytes(), compresslevel=9)


def _zip_time(epoch: int) -> tuple[int, ...]:
    import time

    return time.gmtime(max(epoch, ZIP_EPOCH_MIN))[:6]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_manifest(root: Path, slug: str, version: str, epoch: str, report_data: dict,
                   dirty: list[str]) -> dict:
    from ..tools import pandoc_version

    inputs = {}
    for path in sorted((root / "content").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            inputs[f"content/{path.relative_to(root / 'content').as_posix()}"] = sha256(path)
    # The templates and styles as the book resolves them: its own, else the toolchain's.
    inputs.update({name: sha256(path) for name, path in Paths(root).asset_files().items()})
    for path in sorted(CODE.rglob("*.py")):  # the code; not caches or an editor's swap files
        if "__pycache__" not in path.parts:
            inputs[f"press/{path.relative_to(CODE).as_posix()}"] = sha256(path)
    return {
        "book": slug,
        "version": version,
        "commit": git(root, "rev-parse", "HEAD") or "",
        "uncommitted_changes": dirty,
        "source_date_epoch": epoch,
        "tools": {
            "pandoc": ".".join(map(str, pandoc_version())),
            "pypandoc-binary": _package("pypandoc-binary"),
            "weasyprint": _package("weasyprint"),
            "python": platform.python_version(),
        },
        "fonts": font_versions(Paths(root).styles_in("fonts")),
        "checkers": {c["name"]: c["version"] for c in report_data["checkers"] if c["version"]},
        "inputs": inputs,
    }


def font_versions(fonts: list[Path]) -> dict[str, str]:
    """Each font's version string (name table, name ID 5), e.g. 'Version 6.200'."""
    from fontTools.ttLib import TTFont

    versions = {}
    for path in (p for p in fonts if p.suffix.lower() in (".otf", ".ttf")):
        with TTFont(str(path), lazy=True) as font:
            versions[path.name] = str(font["name"].getDebugName(5) or "unknown")
    return versions


def _package(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"
