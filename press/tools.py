"""Fail fast on missing tools, with one sentence on how to get them."""

from __future__ import annotations

import ctypes.util
import functools
import os
import re
from pathlib import Path

from .errors import ToolError

MIN_PANDOC = (3, 1)


@functools.cache
def pandoc_path() -> str:
    """The pandoc shipped in the ``pypandoc-binary`` wheel, and no other.

    pypandoc picks the highest pandoc it finds on the machine, so a system
    pandoc could silently change the output; we pin the bundled one through
    ``PYPANDOC_PANDOC`` (pypandoc's documented override).
    """
    try:
        import pypandoc
    except ImportError:  # pragma: no cover - the project depends on it
        raise ToolError("pypandoc is not installed: run 'make all' to set up the environment") from None
    bundled = Path(pypandoc.__file__).parent / "files" / "pandoc"
    if not bundled.is_file():
        raise ToolError(
            "the pandoc binary from the pypandoc-binary wheel is missing: "
            "run 'make all' (it installs pypandoc-binary into .venv)"
        )
    os.environ["PYPANDOC_PANDOC"] = str(bundled)
    return str(bundled)


@functools.cache
def pandoc_version() -> tuple[int, ...]:
    import pypandoc

    pandoc_path()
    text = pypandoc.get_pandoc_version()
    numbers = tuple(int(n) for n in re.findall(r"\d+", text)[:3])
    if numbers[:2] < MIN_PANDOC:
        raise ToolError(f"pandoc {text} is too old; {'.'.join(map(str, MIN_PANDOC))} or newer is needed")
    return numbers


@functools.cache
def check_pango() -> None:
    """WeasyPrint needs Pango >= 1.44 from the system."""
    if ctypes.util.find_library("pango-1.0") is None and not _loadable("libpango-1.0.so.0"):
        raise ToolError(
            "Pango is missing (WeasyPrint needs it): on Debian/Ubuntu run "
            "'apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0'"
        )


def _loadable(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True
