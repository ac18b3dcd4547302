"""The cover image for the EPUB and the web edition, generated at build time.

The design is a template (``templates/cover/cover.html.j2`` and
``styles/cover.css``) laid out by WeasyPrint like the book, then rasterised
by PDFium (pypdfium2) to a PNG of 1600 × 2400 px. The result is cached by a
hash of everything that shapes it.
"""

from __future__ import annotations

import hashlib
import io
import threading

from ..config import Paths
from ..render import config_context, environment

WIDTH_PX = 1600
_lock = threading.Lock()


def cover_html(paths: Paths, config, strings: dict) -> str:
    return environment(paths).get_template("cover/cover.html.j2").render(config_context(config, strings))


def cover_png(paths: Paths, config, strings: dict) -> bytes:
    """The cover as PNG bytes, from the cache or rendered now.

    The design depends on book.yaml alone, so the print worker renders it
    while the main process is still reading the chapters.
    """
    html = cover_html(paths, config, strings)
    digest = hashlib.sha256(html.encode("utf-8"))
    for path in sorted((paths.styles / "fonts").glob("*")) + [paths.styles / "cover.css"]:
        digest.update(path.read_bytes())
    cache = paths.root / ".cache" / "cover" / f"{digest.hexdigest()}.png"
    with _lock:  # the HTML edition and the EPUB both ask for it
        if cache.is_file():
            return cache.read_bytes()
        data = _render(paths, html)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(data)
    return data


def _render(paths: Paths, html: str) -> bytes:
    import pypdfium2
    # Imported here: WeasyPrint takes half a second to import, and the cover
    # is usually in the cache.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from ..safety import ConfinedFetcher, captured_warnings

    fetcher = ConfinedFetcher([paths.root])
    fonts = FontConfiguration()
    with captured_warnings("weasyprint"):
        pdf = HTML(string=html, base_url=paths.root.resolve().as_uri() + "/", url_fetcher=fetcher).write_pdf(
            stylesheets=[CSS(filename=str(paths.styles / name), url_fetcher=fetcher, font_config=fonts)
                         for name in ("fonts.css", "cover.css")], font_config=fonts)
    document = pypdfium2.PdfDocument(pdf)
    page = document[0]
    scale = WIDTH_PX / page.get_width()
    image = page.render(scale=scale).to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
