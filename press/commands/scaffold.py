"""``press new DIR``: start a book, a folder with a small working ``content/``.

The skeleton (``press/skeleton/``) is a book.yaml, one chapter and the
apparatus files commented out or named ``.example``; it builds and passes
``press check`` as it stands. Templates and styles are not copied: the book
takes the toolchain's, and overrides a file by placing one of the same name
in its own ``templates/`` or ``styles/``.
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

from ..errors import EXIT_CONTENT
from ..progress import Progress

SKELETON = Path(__file__).resolve().parent.parent / "skeleton"
RENAMED = {"gitignore": ".gitignore"}  # a dotfile would be left out of the wheel by some tools


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("directory", type=Path, metavar="DIR", help="the new book's folder (must not exist, or be empty)")
    parser.add_argument("--title", help="the book's title (default: from the folder's name)")


def run(args: argparse.Namespace, progress: Progress) -> int:
    target: Path = args.directory
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        print(f"error: {target}: already exists and is not empty; choose a new folder", file=sys.stderr)
        return EXIT_CONTENT
    title = args.title or _title(target.resolve().name)
    written = write(target, title)
    progress.note(f"wrote a new book in {target} ({len(written)} files). Next:\n"
                  f"  press build {target}\n  press check {target}")
    return 0


def write(target: Path, title: str) -> list[Path]:
    from ..editions.render import build_date

    values = {"__TITLE__": title.replace('"', '\\"'), "__SLUG__": slugify(title) or "book",
              "__YEAR__": str(build_date().year)}
    written = []
    for source in sorted(SKELETON.rglob("*")):
        if not source.is_file() or "__pycache__" in source.parts:
            continue
        relative = source.relative_to(SKELETON)
        path = target / relative.parent / RENAMED.get(relative.name, relative.name)
        text = source.read_text("utf-8")
        for key, value in values.items():
            text = text.replace(key, value)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, "utf-8")
        written.append(path)
    return written


def slugify(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def _title(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip()
    return words[:1].upper() + words[1:] if words else "A New Book"
