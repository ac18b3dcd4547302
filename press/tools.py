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
    utf8_locale(os.environ)
    return str(bundled)


UTF8_LOCALES = {"darwin": "en_US.UTF-8"}  # elsewhere C.UTF-8 (glibc, musl)


def utf8_locale(env) -> None:
    """Give the programs the build runs (pandoc first) a UTF-8 locale when the
    environment's is not: pandoc, a Haskell program, encodes file names in
    the locale's character set, and under ``LC_ALL=C`` a book in a folder
    named "Política" fails with "cannot encode character". Python itself
    reads and writes UTF-8 whatever the locale (PEP 538, 540); only
    ``LC_ALL`` (which overrides the rest) is set, and only then."""
    import sys

    name = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if re.search(r"utf-?8", name, re.I):
        return
    env["LC_ALL"] = UTF8_LOCALES.get(sys.platform, "C.UTF-8")


@functools.cache
def pandoc_version() -> tuple[int, ...]:
    import pypandoc

    pandoc_path()
    text = pypandoc.get_pandoc_version()
    numbers = tuple(int(n) for n in re.findall(r"\d+", text)[:3])
    if numbers[:2] < MIN_PANDOC:
        raise ToolError(f"pandoc {text} is too old; {'.'.join(map(str, MIN_PANDOC))} or newer is needed")
    return numbers


# WeasyPrint 70's lookup of the system's libraries (weasyprint/text/ffi.py):
# each under these names, in this order, through cffi's ``dlopen``, which
# opens a name with a dot or a slash as it is and then asks
# ``ctypes.util.find_library``. No ldconfig on the PATH is needed, so this
# works for a non-root user whose PATH lacks /sbin, and on macOS.
WEASYPRINT_LIBRARIES = {
    "gobject-2.0": ("libgobject-2.0-0", "gobject-2.0-0", "gobject-2.0", "libgobject-2.0.so.0",
                    "libgobject-2.0.0.dylib", "libgobject-2.0-0.dll"),
    "pango-1.0": ("libpango-1.0-0", "pango-1.0-0", "pango-1.0", "libpango-1.0.so.0",
                  "libpango-1.0.dylib", "libpango-1.0-0.dll"),
    "harfbuzz": ("libharfbuzz-0", "harfbuzz", "harfbuzz-0.0", "libharfbuzz.so.0",
                 "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
    "fontconfig": ("libfontconfig-1", "fontconfig-1", "fontconfig", "libfontconfig.so.1",
                   "libfontconfig.1.dylib", "libfontconfig-1.dll"),
    "pangoft2-1.0": ("libpangoft2-1.0-0", "pangoft2-1.0-0", "pangoft2-1.0", "libpangoft2-1.0.so.0",
                     "libpangoft2-1.0.dylib", "libpangoft2-1.0-0.dll"),
}
# What to install, per system (scripts/system-deps.sh says the same).
PANGO_INSTALL = (
    ("Debian/Ubuntu", "sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"),
    ("Fedora", "sudo dnf install pango harfbuzz"),
    ("macOS (Homebrew)", "brew install pango"),
)
# Where Homebrew puts them; /opt/homebrew/lib (Apple silicon) is not on the
# dynamic loader's default path, so only some Pythons find it there.
HOMEBREW_LIBS = ("/opt/homebrew/lib", "/usr/local/lib")


@functools.cache
def check_pango() -> None:
    """WeasyPrint needs Pango >= 1.44 from the system: fail before the build if it cannot load it."""
    missing = [library for library, names in WEASYPRINT_LIBRARIES.items() if not _weasyprint_finds(names)]
    if missing:
        raise ToolError(pango_missing(missing))


def pango_missing(missing: list[str]) -> str:
    """The error for libraries WeasyPrint cannot load: what to install, per system."""
    lines = [f"WeasyPrint cannot load {', '.join(missing)} (the system's Pango and the libraries "
             "it uses, which lay out the PDF); install them:"]
    lines += [f"  {system + ':':<18} {command}" for system, command in PANGO_INSTALL]
    for folder in HOMEBREW_LIBS:
        if (Path(folder) / "libpango-1.0.dylib").exists():
            lines.append(f"  Pango is in {folder}, where this Python does not look (Kozea/WeasyPrint#1448): "
                         f"make the venv with Homebrew's Python: rm -rf .venv && make all "
                         f"PYTHON={Path(folder).parent}/bin/python3")
            break
    return "\n".join(lines)


def _weasyprint_finds(names: tuple[str, ...]) -> bool:
    """cffi's ``_load_backend_lib`` for each name, as WeasyPrint's ``_dlopen`` tries them."""
    for name in names:
        if ("." in name or "/" in name) and _dlopen(name):
            return True
        path = ctypes.util.find_library(name)
        if path and _dlopen(path):
            return True
    return False


def _dlopen(name: str) -> bool:
    try:
        ctypes.CDLL(name)
    except OSError:
        return False
    return True
