"""Reproducibility: the same sources and SOURCE_DATE_EPOCH give the same bytes,
wherever and by whomever the book is built.

The second build is made by another process, from a copy of the book in
another folder (its path has a space and a non-ASCII letter), with another
time zone, another locale in ``LANG``/``LC_ALL``, a stricter ``umask`` and no
caches: what the first build's machine, folder or session leaked into the
bytes shows as a difference.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
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


# What the second build changes: where it runs and the machine's settings.
ELSEWHERE = {"TZ": "Pacific/Kiritimati", "LANG": "C", "LC_ALL": "C", "LANGUAGE": "C"}
ELSEWHERE_UMASK = 0o077
BOOK_FOLDERS = ("content", "templates", "styles")


def build_elsewhere(root: Path, out: Path, epoch: str, tmp: Path) -> str | None:
    """Build all editions from a copy of the book in another folder, in another
    process, with ELSEWHERE's settings; the process's terminal if it failed."""
    copy = tmp / "another place ñ" / root.name
    copy.mkdir(parents=True)
    for name in BOOK_FOLDERS:
        if (root / name).is_dir():
            shutil.copytree(root / name, copy / name, symlinks=True,
                            ignore=shutil.ignore_patterns(".cache", "__pycache__"))
    toolchain = Path(__file__).resolve().parents[2]
    env = {**os.environ, **ELSEWHERE, "SOURCE_DATE_EPOCH": epoch,
           "PYTHONPATH": os.pathsep.join(filter(None, [str(toolchain), os.environ.get("PYTHONPATH")]))}
    command = [sys.executable, "-m", "press", "all", "--strict", "--quiet", "--root", str(copy), "--out", str(out)]
    done = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True,
                          preexec_fn=lambda: os.umask(ELSEWHERE_UMASK))
    return None if done.returncode == 0 else (done.stderr or done.stdout).strip()


def reproducibility(root: Path, epoch: str, reference: Path | None = None) -> Result:
    """Build all editions twice (or once more than ``reference``, a build made
    with the same epoch), the second elsewhere (build_elsewhere), and compare every file's bytes."""
    result = Result("Reproducibility")
    with tempfile.TemporaryDirectory(prefix="press-repro-") as tmp, epoch_set(epoch):
        if reference is None:
            reference = Path(tmp) / "build-1" / "dist"
            build(root, list(EDITIONS), reference, strict=True)  # a reading request (press.pipeline.build)
        other = Path(tmp) / "build-2" / "dist"
        failed = build_elsewhere(root, other, epoch, Path(tmp))
        if failed is not None:
            result.findings.append(Finding(str(root), None, "the build from another folder, time zone and "
                                           f"locale failed where this one passed: {failed}"))
            result.summary = "Reproducibility: the second build failed"
            return result
        first, second = digests(reference), digests(other)
    for name in sorted(set(first) | set(second)):
        if name not in first or name not in second:
            result.findings.append(Finding(name, None, "written by one build and not the other"))
        elif first[name] != second[name]:
            result.findings.append(Finding(name, None, "differs between two builds of the same sources "
                                                       f"(SOURCE_DATE_EPOCH={epoch}; the second from "
                                                       "another folder, TZ, locale and umask)"))
    result.summary = (f"Reproducibility: {len(result.findings)} of {len(first)} files differ "
                      f"between two builds (SOURCE_DATE_EPOCH={epoch}; the second from another folder, "
                      f"TZ={ELSEWHERE['TZ']}, LC_ALL={ELSEWHERE['LC_ALL']}, umask {ELSEWHERE_UMASK:03o})")
    return result
