"""The print fetcher: WeasyPrint reads through it only the book's files and
the toolchain's assets.

WeasyPrint's default fetcher reads any local file and any URL; ours serves
``file:`` URLs that resolve (symlinks included) inside the allowed folders
and refuses everything else, recording each refusal so that the build can
fail on it (see WeasyPrint's "URL fetchers" documentation; the reports are
press.safety's).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from .safety import captured_warnings, project_file, refusals


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
        return any(path.is_relative_to(root) for root in self.roots) and not project_file(path, self.roots)


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

    from .errors import ContentError

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
