"""Confine file access: the build reads only files inside the book, and the
toolchain's default templates and styles.

WeasyPrint's default fetcher reads any local file and any URL; ours serves
``file:`` URLs that resolve (symlinks included) inside the allowed folders
and refuses everything else, recording each refusal so that the build can
fail on it (see WeasyPrint's "URL fetchers" documentation).
"""

from __future__ import annotations

import logging
import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ConfinedFetcher(URLFetcher):
    """Serve ``file:`` URLs inside ``roots``; refuse (and record) the rest.

    ``layers``: folders that overlay one another, the first winning, e.g. the
    book's ``styles/`` over the toolchain's. A URL into any of them is served
    from the first that has the file, so that the toolchain's ``fonts.css``
    finds the book's own font and the book's ``fonts.css`` the toolchain's.
    """

    def __init__(self, roots: list[Path], layers: list[list[Path]] = ()):
        super().__init__(allowed_protocols={"file"})
        self.roots = [root.resolve() for root in roots]
        self.layers = [[folder.resolve() for folder in stack] for stack in layers]
        self.refused: list[str] = []

    @classmethod
    def for_book(cls, paths) -> "ConfinedFetcher":
        """The book's folder and the toolchain's asset folders, nothing else (press.source.config.Paths)."""
        return cls([paths.root, *paths.asset_roots], [paths.style_dirs, paths.template_dirs])

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is not None:
            path = self._overlay(path)
        if path is None or parts.netloc not in ("", "localhost") or not self._inside(path):
            self.refused.append(url)
            raise ValueError(f"refused to read {url}: only files inside the book are allowed")
        if not path.is_file():
            raise FileNotFoundError(f"no such file: {path}")
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": _mime(path)})

    def _overlay(self, path: Path) -> Path:
        for stack in self.layers:
            for folder in stack:
                if path.is_relative_to(folder):
                    name = path.relative_to(folder)
                    found = [f / name for f in stack if (f / name).is_file()]
                    return found[0].resolve() if found else path
        return path

    def _inside(self, path: Path) -> bool:
        return any(path.is_relative_to(root) for root in self.roots) and not _project_file(path, self.roots)


def _mime(path: Path) -> str:
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".html": "text/html",
    }.get(path.suffix.lower(), "application/octet-stream")


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


def confined_layout(paths, html: str, stylesheets: list[Path], css: str = "", **options):
    """Lay out ``html`` with the book's stylesheets, reading only the book's
    files and the toolchain's assets (``paths``: press.source.config.Paths).

    Returns the WeasyPrint document and its warnings; a refused read is an
    error (ContentError). For the one-off documents (the cover image, the
    wrap cover); the books's pages keep their stylesheets parsed for a build
    (press.editions.pdf.render). ``css``: a stylesheet more, after them, its
    URLs relative to fonts.css (the book's fallback faces, press.editions.fonts).
    """
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from .errors import ContentError, Problem

    fetcher = ConfinedFetcher.for_book(paths)
    fonts = FontConfiguration()  # shared by the stylesheets and the layout, or @font-face is ignored
    with captured_warnings("weasyprint") as messages:
        sheets = [CSS(filename=str(path), url_fetcher=fetcher, font_config=fonts) for path in stylesheets]
        if css:
            sheets.append(CSS(string=css, base_url=paths.style("fonts.css").as_uri(), url_fetcher=fetcher,
                              font_config=fonts))
        document = HTML(string=html, base_url=paths.root.resolve().as_uri() + "/", url_fetcher=fetcher).render(
            stylesheets=sheets, font_config=fonts, **options)
    if fetcher.refused:
        raise ContentError(refusals(paths, fetcher.refused, "cover"))
    return document, list(messages)


# Folders of a book's project that are not the book: version control, the
# virtual environment, tools' folders. A file in them is never an edition's.
NOT_THE_BOOK = frozenset({".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", ".pytest_cache"})


def _project_file(path: Path, roots: list[Path]) -> bool:
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
        if any(target.is_relative_to(a) for a in allowed) and not _project_file(target, [root, *allowed]):
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
