"""Reproducibility: the same sources and SOURCE_DATE_EPOCH give the same bytes."""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from ..editions import EDITIONS
from ..pipeline import build
from ..stamp import STAMP
from . import Finding, Result


def source_date_epoch(root: Path) -> str:
    """The environment's SOURCE_DATE_EPOCH, else the time of the last commit, else now.

    The last commit's time is what reproducible-builds.org recommends for a
    checkout: every clone of the same commit gets the same date.
    """
    from ..source.epoch import epoch

    if epoch() is not None:
        return os.environ["SOURCE_DATE_EPOCH"].strip()
    from ..vcs import last_commit_time

    return last_commit_time(root) or str(int(time.time()))


@contextmanager
def epoch_set(epoch: str):
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = epoch
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


def digests(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and path.name != STAMP}


def reproducibility(root: Path, epoch: str, reference: Path | None = None) -> Result:
    """Build all editions twice (or once more than ``reference``, a build made
    with the same epoch) into separate folders and compare every file's bytes."""
    result = Result("Reproducibility")
    with tempfile.TemporaryDirectory(prefix="press-repro-") as tmp, epoch_set(epoch):
        folders = [reference] if reference is not None else []
        while len(folders) < 2:
            out = Path(tmp) / f"build-{len(folders) + 1}" / "dist"
            build(root, list(EDITIONS), out, strict=True)  # a reading request (press.pipeline.build)
            folders.append(out)
        first, second = (digests(f) for f in folders)
    for name in sorted(set(first) | set(second)):
        if name not in first or name not in second:
            result.findings.append(Finding(name, None, "written by one build and not the other"))
        elif first[name] != second[name]:
            result.findings.append(Finding(name, None, "differs between two builds of the same sources "
                                                       f"(SOURCE_DATE_EPOCH={epoch})"))
    result.summary = (f"Reproducibility: {len(result.findings)} of {len(first)} files differ "
                      f"between two builds (SOURCE_DATE_EPOCH={epoch})")
    return result
