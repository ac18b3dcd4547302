"""The book's git history, as the proof, the release and the reproducibility
check read it. Git is asked, never required: outside a repository every
question has an answer that says so (None)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path


def git(root: Path, *args: str, binary: bool = False) -> str | bytes | None:
    """``git -C root args``: its output (stripped text, or bytes), None when git fails."""
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False,
                          env={**os.environ, "LC_ALL": "C"})
    if done.returncode != 0:
        return None
    return done.stdout if binary else done.stdout.decode("utf-8", "replace").strip()


def uncommitted(root: Path, *paths: str) -> list[str] | None:
    """Changed and untracked files under ``paths`` (all when none); None outside git."""
    # Bytes: a porcelain line starts with its status columns, spaces included.
    status = git(root, "status", "--porcelain", *(("--", *paths) if paths else ()), binary=True)
    if status is None:
        return None
    return [line[3:] for line in status.decode("utf-8", "replace").splitlines() if line.strip()]


def last_commit_time(root: Path) -> str | None:
    """Seconds since the epoch of HEAD's commit, as text."""
    when = git(root, "log", "-1", "--format=%ct")
    return when if when and when.isdigit() else None
