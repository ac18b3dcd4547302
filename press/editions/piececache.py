"""The print layout's pieces kept between builds: a run of units that has not
changed is not laid out again (issue 20).

Takes the runs' HTML and what else their pages depend on; gives back, by a
digest of all of it, what an earlier build learnt of a run's layout (its
``RunFacts``: page count, ids, counters, warnings) and the PDF piece it
wrote at a given place in the book (its first page's index and counter
offset, on which its folios depend), with what the join needs of it.

A run's pages depend on its HTML, the files it refers to (images), the
stylesheets and fonts (every file of the book's and the toolchain's
``styles/``), book.yaml's settings, the print profile, the toolchain's code
and the versions of the tools: the environment digest covers all but the
HTML and its files, which each run's key adds. Its folios depend on where it
begins, which the piece's key adds. What is kept lives in the book's cache
folder (``.cache/print/<profile>/``), one file an entry, written whole
(a temporary file renamed); a build keeps only the entries it used. Without
a cache folder nothing is kept and the pieces are written to the staging
folder, as before.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
from pathlib import Path

from ..memo import code_digest, write_whole

# A file a run's HTML refers to (an image, an SVG formula is inline): its bytes are in the run's key.
_REFERENCE = re.compile(r'\s(?:src|data|xlink:href)="(?!data:|#|[a-z]+://)([^"]+)"')
# The build's date in the head (print/book.html.j2): without SOURCE_DATE_EPOCH it is the time of the build,
# and it is only the PDF's metadata, which the join sets (press/editions/join.py), not any page.
BUILD_DATES = re.compile(r'<meta name="dcterms\.(?P<name>created|modified)" content="(?P<value>[^"]*)">')


class PieceCache:
    """What earlier builds kept of the print layout, under ``folder`` (None: nothing kept)."""

    def __init__(self, folder: Path | None, paths, config, profile):
        self.folder = folder / profile.name if folder is not None else None
        self.paths = paths
        self.used: set[str] = set()  # the files this build looked up or wrote
        self.environment = environment_digest(paths, config, profile)

    # --- keys -----------------------------------------------------------------

    def run_key(self, html: str) -> str:
        """A run's key: the environment, its HTML (but the build's date) and the bytes of the files it refers to."""
        digest = hashlib.sha256(self.environment.encode())
        digest.update(BUILD_DATES.sub(lambda match: match["name"], html).encode("utf-8"))
        root = self.paths.root.resolve()
        for name in sorted(set(_REFERENCE.findall(html))):
            path = (root / name).resolve()
            digest.update(name.encode("utf-8") + b"\0")
            if path.is_relative_to(root) and path.is_file():
                digest.update(hashlib.sha256(path.read_bytes()).digest())
        return digest.hexdigest()

    @staticmethod
    def piece_key(run_key: str, *place) -> str:
        """A piece's key: its run's, and where it sits (its first page's index, its counter offset)."""
        return hashlib.sha256(json.dumps([run_key, *place]).encode()).hexdigest()

    # --- entries ----------------------------------------------------------------

    def get(self, key: str, kind: str):
        """What was kept under ``key`` (``kind``: "facts" or "piece"), or None."""
        if self.folder is None:
            return None
        path = self.folder / f"{key}.{kind}"
        try:
            value = pickle.loads(path.read_bytes())  # the build's own files, in the book's cache folder
        except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        if kind == "piece" and not (self.folder / value.file).is_file():
            return None
        self.used.add(path.name)
        if kind == "piece":
            self.used.add(value.file)
        return value

    def put(self, key: str, kind: str, value) -> None:
        if self.folder is None:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        write_whole(self.folder / f"{key}.{kind}", pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        self.used.add(f"{key}.{kind}")
        if kind == "piece":
            self.used.add(value.file)

    def piece_path(self, key: str, stage: Path) -> Path:
        """Where a piece's PDF is written: kept under its key, or in the staging folder."""
        return self.folder / f"{key}.pdf" if self.folder is not None else stage / f"{key}.pdf"

    def retain(self) -> None:
        """Remove every entry this build did not use: the cache stays one book's worth."""
        if self.folder is None or not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.name not in self.used:
                path.unlink(missing_ok=True)


def build_dates(html: str) -> dict[str, str]:
    """The build's dates in a print document's head: {"created": ..., "modified": ...} (W3C dates)."""
    return {match["name"]: match["value"] for match in BUILD_DATES.finditer(html)}


def environment_digest(paths, config, profile) -> str:
    """Everything a run's pages depend on but its HTML: styles and fonts, settings, profile, code, tools."""
    digest = hashlib.sha256(code_digest().encode())  # the code and the installed packages' versions
    for name, path in paths.asset_files().items():
        if name.startswith("styles/"):
            digest.update(name.encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    digest.update(config.model_dump_json().encode("utf-8"))
    digest.update(repr(profile).encode("utf-8"))
    return digest.hexdigest()
