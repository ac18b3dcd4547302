"""Know when there is nothing to do.

A fingerprint of everything that shapes the editions (the book's files, the
templates and styles it resolves, the pipeline's code, the versions of pandoc and WeasyPrint, the options and
``SOURCE_DATE_EPOCH``) is written beside the editions after a successful
build. When it has not changed and the files are still there, the build
is a no-op. The same file is the manifest of what the builds wrote, by
edition, so that a build can remove what it no longer writes.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

from .source.config import Paths

STAMP = ".press-build.json"
PACKAGES = ("pypandoc-binary", "weasyprint", "jinja2", "markdown-it-py", "pydantic", "edtf")


def inputs(paths: Paths) -> str:
    """A digest of everything the editions are made from, whatever is asked of
    them: the book's files, the templates and styles it resolves, the code,
    the tools' versions. What a layout gives (the print page starts) is valid
    for a later build of the same inputs."""
    digest = hashlib.sha256()
    code = Path(__file__).resolve().parent
    # The templates and styles as this book resolves them (its overrides, the
    # toolchain's defaults): a new override or a changed default rebuilds.
    files = [(f"content/{n}", p) for n, p in _files(paths.content)]
    files += list(paths.asset_files().items())
    files += [(f"press/{n}", p) for n, p in _files(code) if not n.startswith("_assets/")]
    for name, path in files:
        digest.update(name.encode("utf-8"))
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    for package in PACKAGES:
        try:
            digest.update(f"{package}={metadata.version(package)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{package}=none".encode())
    return digest.hexdigest()


def fingerprint(inputs_digest: str, request: list) -> str:
    """The build's fingerprint: its inputs, what was asked (targets, options) and ``SOURCE_DATE_EPOCH``."""
    digest = hashlib.sha256(inputs_digest.encode())
    digest.update(json.dumps([request, os.environ.get("SOURCE_DATE_EPOCH")]).encode())
    return digest.hexdigest()


def _files(folder: Path) -> list[tuple[str, Path]]:
    return [(path.relative_to(folder).as_posix(), path) for path in sorted(folder.rglob("*"))
            if path.is_file() and "__pycache__" not in path.parts]


def read(out: Path) -> dict | None:
    try:
        return json.loads((out / STAMP).read_text("utf-8"))
    except (OSError, ValueError):
        return None


def is_current(previous: dict | None, current: str, out: Path) -> bool:
    """The same inputs, and in ``out`` the very files the last build wrote (a
    deleted web page or a truncated PDF is not "up to date")."""
    if not previous or previous.get("fingerprint") != current:
        return False
    digests = previous.get("digests")
    if not isinstance(digests, dict):
        return False
    return all((out / name).exists() and digests.get(name) == output_digest(out / name)
               for name in previous.get("files", []))


def output_digest(path: Path) -> str:
    """A hash of an output: a file's bytes, or a folder's files with their names."""
    import hashlib

    if path.is_file():
        return hashlib.sha256(path.read_bytes()).hexdigest()
    h = hashlib.sha256()
    for item in sorted(path.rglob("*")):
        if item.is_file():
            h.update(item.relative_to(path).as_posix().encode("utf-8") + b"\0")
            h.update(hashlib.sha256(item.read_bytes()).digest())
    return h.hexdigest()


def outputs(previous: dict | None) -> dict[str, list[str]]:
    """What earlier builds wrote into ``out``, by edition (the manifest)."""
    kept = (previous or {}).get("outputs")
    return {k: list(v) for k, v in kept.items()} if isinstance(kept, dict) else {}


def write(out: Path, current: str, results: dict, warnings: list, written: dict[str, list[str]]) -> None:
    """The fingerprint and the manifest: ``written`` is every edition's files
    that this and earlier builds left in ``out`` (press.pipeline.prune)."""
    files = sorted(f for r in results.values() for f in r.files)
    data = {"fingerprint": current, "files": files,
            "digests": {name: output_digest(out / name) for name in files if (out / name).exists()},
            "warnings": [[w.path, w.line, w.message] for w in warnings],
            "outputs": {k: sorted(v) for k, v in sorted(written.items())}}
    tmp = out / f"{STAMP}.tmp"
    tmp.write_text(json.dumps(data, indent=1), "utf-8")
    os.replace(tmp, out / STAMP)


KEPT = "kept-facts.json"  # in the book's .cache/


def recall(cache: Path, edition: str, inputs_digest: str) -> tuple[dict | None, bool]:
    """What a build of ``edition`` kept for later builds, if it was made from
    these inputs; and whether anything was kept at all (from other inputs)."""
    try:
        kept = json.loads((cache / KEPT).read_text("utf-8")).get(edition)
    except (OSError, ValueError, AttributeError):
        return None, False
    if not isinstance(kept, dict):
        return None, False
    return (kept.get("facts") if kept.get("inputs") == inputs_digest else None), True


def keep(cache: Path, edition: str, inputs_digest: str, facts: dict) -> None:
    """Keep ``facts`` of ``edition``, made from these inputs, for later builds (atomically)."""
    try:
        table = json.loads((cache / KEPT).read_text("utf-8"))
    except (OSError, ValueError):
        table = {}
    if not isinstance(table, dict):
        table = {}
    table[edition] = {"inputs": inputs_digest, "facts": facts}
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".{KEPT}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(table, ensure_ascii=False, separators=(",", ":")), "utf-8")
    os.replace(tmp, cache / KEPT)
