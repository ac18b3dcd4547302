"""Confine file access: the build reads only files inside the book, and the
toolchain's default templates and styles.

The checks made before anything is read (symbolic links, the output folder
among the sources) and the reports of refused reads. WeasyPrint's side, the
fetcher that refuses them, is press.fetcher: this module imports no
WeasyPrint, so that a build with nothing to do does not load it.
"""

from __future__ import annotations

import logging
import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def captured_warnings(logger_name: str):
    """Collect a library's warnings (WeasyPrint logs and carries on)."""
    logger = logging.getLogger(logger_name)
    handler = _ListHandler()
    logger.addHandler(handler)
    previous = logger.propagate
    logger.propagate = False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


# Folders of a book's project that are not the book: version control, the
# virtual environment, tools' folders. A file in them is never an edition's.
NOT_THE_BOOK = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache"})


def project_file(path: Path, roots: list[Path]) -> bool:
    for root in roots:
        if path.is_relative_to(root):
            return bool(NOT_THE_BOOK & set(path.relative_to(root).parts))
    return False


def links_out_of_the_book(paths) -> list:
    """Every symbolic link under the book's folders (content/, and its own
    templates/ and styles/) whose target is outside them and outside the
    toolchain's assets, or inside a project folder that is not the book
    (``.git``, ``.venv``): a problem each, before anything is read. A link that
    stays inside the book is followed as its target."""
    from .errors import Problem

    root = paths.root.resolve()
    folders = [paths.content, paths.root / "templates", paths.root / "styles"]
    allowed = [f.resolve() for f in folders if f.exists()] + [a.resolve() for a in paths.asset_roots]
    problems = []

    def check(link: Path) -> None:
        target = link.resolve()
        if any(target.is_relative_to(a) for a in allowed) and not project_file(target, [root, *allowed]):
            return
        problems.append(Problem(paths.show(link), None,
                                f"is a link to {target}, outside the book; the build reads only the book's own "
                                "files (content/, templates/, styles/): copy the file in instead of linking it"))

    for folder in folders:
        if folder.is_symlink():
            check(folder)
            continue
        if not folder.is_dir():
            continue
        for base, dirs, files in os.walk(folder):
            for name in [*dirs, *files]:
                entry = Path(base) / name
                if entry.is_symlink():
                    check(entry)
    return problems


# --- where a refused or failed load comes from --------------------------------------

_LOAD_URL = re.compile(r"""(?:at|read)\s+["']?((?:file|https?|ftp|data):[^\s"')]+)""")
_SOURCE_SUFFIXES = {".md", ".yaml", ".yml", ".css", ".j2", ".html", ".svg"}


def refusals(paths, urls: list[str], edition: str) -> list:
    """The fetcher's refusals (``ConfinedFetcher.refused``), each at the line of the source that names it."""
    return [load_problem(paths, f"refused to read {url}: only the book's own files may be read; copy the file "
                                "into content/", edition) for url in urls]


def load_problem(paths, message: str, edition: str):
    """A WeasyPrint load failure or a refused read, at the line of the book's
    source that names what it tried to load (a stylesheet's ``url()``, a
    chapter's image, a template), or at the edition when no source names it."""
    from .errors import Problem

    match = _LOAD_URL.search(message)
    if match is None:
        return Problem(edition, None, message)
    url = match.group(1).rstrip(":,.;")
    for needle in _needles(paths, url):
        for path in _book_sources(paths):
            try:
                text = path.read_text("utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            at = text.find(needle)
            if at >= 0:
                return Problem(paths.show(path), text.count("\n", 0, at) + 1, f"{edition}: {message}")
    return Problem(edition, None, message)


def _needles(paths, url: str) -> list[str]:
    """What a source may have written for ``url``: as given, relative to the book, the file's name."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return [url]
    path = Path(unquote(parts.path))
    found = [url, str(path)]
    root = paths.root.resolve()
    if path.is_relative_to(root):
        found.append(path.relative_to(root).as_posix())
    if path.name:
        found.append(path.name)
    return found


def _book_sources(paths) -> list[Path]:
    """The book's own text files (content/, and its templates/ and styles/), small ones, in a fixed order."""
    files = []
    for folder in (paths.content, paths.root / "styles", paths.root / "templates"):
        if folder.is_dir():
            files += sorted(p for p in folder.rglob("*") if p.suffix.lower() in _SOURCE_SUFFIXES and p.is_file()
                            and not p.is_symlink() and p.stat().st_size < 4_000_000)
    return files


def out_among_the_sources(paths, out: Path) -> list:
    """The out folder, if it would replace or mix with what the build reads: the
    book's folder itself (or a folder holding it), its content/, templates/ or
    styles/ (or a folder inside them), or the toolchain's assets. Publishing
    swaps the out folder whole (press.publishing): the book's root as ``--out``
    would be copied and replaced."""
    from .errors import Problem

    out = out.resolve()
    root = paths.root.resolve()
    sources = [paths.content, paths.root / "templates", paths.root / "styles", *paths.asset_roots]
    if root.is_relative_to(out) or any(out.is_relative_to(s.resolve()) for s in sources):
        return [Problem("--out", None, f"the out folder {out} holds the book's sources or is inside them; "
                                       "choose another folder, such as the book's dist/")]
    return []
