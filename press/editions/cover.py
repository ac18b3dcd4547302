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


def cover_png(paths: Paths, config, strings: dict, warnings: list | None = None) -> bytes:
    """The cover as PNG bytes, from the cache or rendered now.

    The design depends on book.yaml alone. WeasyPrint's warnings are added
    to ``warnings`` (an edition's); a cover drawn with warnings is not
    cached, so that every edition that asks for it reports them.
    """
    from ..errors import Problem

    html = cover_html(paths, config, strings)
    digest = hashlib.sha256(html.encode("utf-8"))
    sheets = [paths.style(name) for name in ("fonts.css", "cover.css")]
    for path in [*paths.styles_in("fonts"), *sheets]:
        digest.update(path.read_bytes())
    cache = paths.root / ".cache" / "cover" / f"{digest.hexdigest()}.png"
    with _lock:  # the HTML edition and the EPUB both ask for it
        if cache.is_file():
            return cache.read_bytes()
        data, messages = _render(paths, html)
        if messages:
            if warnings is not None:
                warnings.extend(Problem("cover", None, f"WeasyPrint: {m}") for m in messages)
            return data
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(data)
    return data


def _render(paths: Paths, html: str) -> tuple[bytes, list[str]]:
    import pypdfium2

    # Imported here: WeasyPrint takes half a second to import, and the cover
    # is usually in the cache.
    from ..safety import captured_warnings, confined_layout

    document, messages = confined_layout(paths, html, [paths.style(n) for n in ("fonts.css", "cover.css")])
    with captured_warnings("weasyprint") as written:
        pdf = document.write_pdf()
    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=WIDTH_PX / page.get_width()).to_pil().convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue(), [*messages, *written]
