"""Publishing a build's editions into the out folder as one set, all or nothing.

A build writes its files into a staging folder beside the out folder. To
publish, the next out folder is assembled beside it too: the files of the
previous set that this build does not replace (hard links: no bytes are
copied), then the new files, then whatever the caller's ``finish`` writes
(the manifest, the stamp). The two folders are then exchanged in one
``renameat2(RENAME_EXCHANGE)`` (Linux 3.15+), and the old set, now under the
other name, is removed. A kill at any instant leaves ``out`` holding either
the whole previous set or the whole new one.

Where the exchange is not available (another system, a file system that
refuses it), the old folder is renamed aside and the new one into place: a
kill between those two renames leaves no ``out`` but the old set aside,
which ``sweep`` puts back at the next start. ``sweep`` also removes the
staging and assembly folders of builds whose process is gone. Every folder
of a build carries its process id in its name, so that two builds at once
never take each other's.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import functools
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable

RENAME_EXCHANGE = 2
AT_FDCWD = -100
# .dist-staging-PID-XXXX, .dist-next-PID-XXXX, .dist-old-PID-XXXX
_OURS = re.compile(r"^\.(?P<out>.+)-(?P<kind>staging|next|old)-(?P<pid>\d+)-[^/]*$")


def staging_folder(out: Path) -> Path:
    """A new folder beside ``out`` for a build to write into (same file system: moves are renames)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-{os.getpid()}-", dir=out.parent))


def publish_set(stage: Path, out: Path, names: list[str], finish: Callable[[Path], None] | None = None) -> None:
    """Make ``out`` the previous set with ``names`` (files or folders in ``stage``)
    replaced, plus what ``finish(folder)`` writes into it, in one step."""
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.is_symlink() or _is_mount(out):
        return _publish_in_place(stage, out, names, finish)  # out itself cannot be renamed
    nxt = Path(tempfile.mkdtemp(prefix=f".{out.name}-next-{os.getpid()}-", dir=out.parent))
    try:
        replaced = {Path(name).parts[0] for name in names}
        if out.is_dir():
            for entry in out.iterdir():
                if entry.name not in replaced:
                    _link_copy(entry, nxt / entry.name)
        for name in sorted(names):
            source, target = stage / name, nxt / name
            target.parent.mkdir(parents=True, exist_ok=True)
            _move(source, target)
        if finish is not None:
            finish(nxt)
        os.chmod(nxt, 0o777 & ~_umask())  # mkdtemp's 0700 would lock the published folder
        _switch(nxt, out)
    finally:
        shutil.rmtree(nxt, ignore_errors=True)  # after the exchange: the old set


def sweep(out: Path) -> list[str]:
    """Put back an out folder that a kill left aside, and remove the folders of
    builds that are gone; the notes to print (one per folder)."""
    notes: list[str] = []
    if not out.parent.is_dir():
        return notes
    for entry in sorted(out.parent.iterdir()):
        match = _OURS.match(entry.name)
        if not match or match["out"] != out.name or _alive(int(match["pid"])):
            continue
        if match["kind"] == "old" and not out.exists():
            os.replace(entry, out)
            notes.append(f"put back {out.name}/ as the interrupted build {match['pid']} had left it aside")
        else:
            shutil.rmtree(entry, ignore_errors=True)
            notes.append(f"removed {entry.name}, left by the interrupted build {match['pid']}")
    return notes


def _switch(nxt: Path, out: Path) -> None:
    if not out.exists():
        os.replace(nxt, out)  # nothing to keep: a rename is atomic
        return
    if _exchange(nxt, out):
        return
    aside = out.with_name(f".{out.name}-old-{os.getpid()}-{nxt.name.rsplit('-', 1)[-1]}")
    try:
        os.replace(out, aside)
        os.replace(nxt, out)
    except BaseException:  # a signal between the two: the old set back (a kill: sweep does it)
        if aside.exists() and not out.exists():
            os.replace(aside, out)
        raise
    shutil.rmtree(aside, ignore_errors=True)


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):  # a C library without it (old glibc, musl before 1.2.2)
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step; False where the system or file system cannot."""
    function = _renameat2()
    if function is None:
        return False
    if function(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


def _link_copy(source: Path, target: Path) -> None:
    """``source`` at ``target`` by hard links (a copy where links are refused)."""
    if source.is_symlink():
        os.symlink(os.readlink(source), target)
    elif source.is_dir():
        shutil.copytree(source, target, symlinks=True, copy_function=_link_file)
    else:
        _link_file(source, target)


def _link_file(source, target) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _publish_in_place(stage: Path, out: Path, names: list[str], finish) -> None:
    """Name by name, for an out folder that is a mount point or a link: each
    file is replaced atomically, the set is not."""
    out.mkdir(parents=True, exist_ok=True)
    for name in sorted(names):
        source, target = stage / name, out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        trash = None
        if source.is_dir() and target.exists():
            trash = target.with_name(f".{target.name}.old-{os.getpid()}")
            os.replace(target, trash)
        try:
            _move(source, target)
        except BaseException:
            if trash is not None:
                os.replace(trash, target)
            raise
        if trash is not None:
            shutil.rmtree(trash, ignore_errors=True)
    if finish is not None:
        finish(out)


def _move(source: Path, target: Path) -> None:
    """os.replace, or a copy when ``out`` is a mount of its own (EXDEV)."""
    try:
        os.replace(source, target)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        partial = target.with_name(f".{target.name}.new-{os.getpid()}")
        try:
            if source.is_dir():
                shutil.copytree(source, partial)
            else:
                shutil.copy2(source, partial)
            os.replace(partial, target)
        except BaseException:
            shutil.rmtree(partial, ignore_errors=True) if partial.is_dir() else partial.unlink(missing_ok=True)
            raise


def _is_mount(path: Path) -> bool:
    try:
        return path.is_mount()
    except OSError:
        return False


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
