"""An interrupted build is harmless (issue 19, deliverable 5).

A build of a tiny book is run as a program and stopped at a named point —
while the book is laid out, when the next set of editions is assembled,
between the two renames of the fallback switch, just after the switch — by
SIGTERM, Ctrl-C (SIGINT) or SIGKILL. After each: the print worker is gone,
the out folder holds exactly the previous set of editions or exactly the
new one, and the next build sweeps what the killed one left beside it.

The points are reached by wrapping the toolchain's own functions in the
child process (``PAUSE``): the build pauses there and says so on its
terminal, so that the signal lands at that instant and nowhere else.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from press.stamp import STAMP

from .conftest import EPOCH, REPO

# Run in the child: wrap the function of the named point so that it stops there.
PAUSE = r"""
import os, sys, time
import press.parallel, press.publishing as publishing
point = os.environ["PAUSE_AT"]

def pause():
    print("PAUSED", flush=True)
    time.sleep(120)

real_init = press.parallel.Worker.__init__
def init(self, setup):
    real_init(self, setup)
    print(f"WORKER {self.pid}", flush=True)
press.parallel.Worker.__init__ = init

if point == "layout":  # the worker has the body; this process waits for it
    real_result = press.parallel.Worker.result
    def result(self):
        pause()
        return real_result(self)
    press.parallel.Worker.result = result
elif point == "assembled":  # the next set is complete beside the old one
    real_switch = publishing._switch
    def switch(nxt, out):
        pause()
        real_switch(nxt, out)
    publishing._switch = switch
elif point == "aside":  # the fallback switch: the old set renamed aside, the new one not yet in
    publishing._exchange = lambda a, b: False
    real_replace = os.replace
    def replace(source, target, **kw):
        real_replace(source, target, **kw)
        if "-old-" in str(target):
            pause()
    publishing.os.replace = replace
elif point == "switched":  # exchanged; the old set not yet removed
    real_exchange = publishing._exchange
    def exchange(a, b):
        done = real_exchange(a, b)
        pause()
        return done
    publishing._exchange = exchange
from press.cli import console
sys.argv[0] = "build.py"
console()
"""


def snapshot(folder: Path) -> dict[str, bytes] | None:
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != STAMP}


def build(root: Path, out: Path, pause_at: str | None = None) -> subprocess.Popen:
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "PYTHONPATH": str(REPO), "PAUSE_AT": pause_at or "none"}
    return subprocess.Popen([sys.executable, "-c", PAUSE, "all", "--quiet", "--root", str(root), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead and not yet reaped, does not)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status and "\nState:\tX" not in status


def write_book(root: Path, words: str) -> None:
    (root / "content" / "chapters").mkdir(parents=True, exist_ok=True)
    (root / "content" / "book.yaml").write_text((REPO / "tests" / "books" / "plain" / "content" / "book.yaml")
                                                .read_text("utf-8"), "utf-8")
    (root / "content" / "chapters" / "01-one.md").write_text(
        f"---\ntitle: One\nkind: introduction\n---\n\n{words}\n", "utf-8")


@pytest.fixture(scope="module")
def sets(tmp_path_factory):
    """The previous and the new set of editions, each built whole, undisturbed."""
    root = tmp_path_factory.mktemp("sets")
    found = {}
    for name, words in (("old", "The first words."), ("new", "Other words, later.")):
        write_book(root / name, words)
        done = build(root / name, root / name / "dist")
        _, err = done.communicate(timeout=300)
        assert done.returncode == 0, err
        found[name] = snapshot(root / name / "dist")
    assert found["old"] != found["new"]
    return found


POINTS = ["layout", "assembled", "aside", "switched"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGKILL], ids=["term", "int", "kill"])
@pytest.mark.parametrize("point", POINTS)
def test_a_build_stopped_at_any_point_leaves_one_whole_set(tmp_path, sets, point, stop):
    root, out = tmp_path / "book", tmp_path / "book" / "dist"
    write_book(root, "The first words.")
    first = build(root, out)
    assert first.wait(timeout=300) == 0
    assert snapshot(out) == sets["old"]
    write_book(root, "Other words, later.")
    process = build(root, out, point)
    worker, deadline = None, time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if line.startswith("WORKER "):
            worker = int(line.split()[1])
        if line.strip() == "PAUSED" or not line:
            break
    assert line.strip() == "PAUSED", process.communicate(timeout=30)[1]
    process.send_signal(stop)
    _, err = process.communicate(timeout=60)
    assert process.returncode in {130, 143, -signal.SIGKILL}, err
    assert "Traceback" not in err, err
    if worker is not None:
        deadline = time.monotonic() + 10
        while alive(worker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not alive(worker), f"the print worker {worker} outlived the build"
    left = snapshot(out)
    if point == "aside" and stop == signal.SIGKILL:
        assert left is None  # killed between the two renames: the old set waits aside ...
    else:
        assert left in (sets["old"], sets["new"]), sorted(left or [])
    if stop != signal.SIGKILL:  # a signal the build could catch: it cleaned up after itself
        assert [p.name for p in out.parent.iterdir() if p.name.startswith(".dist-")] == []
    # The next build puts back or sweeps what was left, and publishes the new set.
    again = build(root, out)
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert snapshot(out) == sets["new"]
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".dist-")] == []


def test_an_old_set_left_aside_is_put_back_before_anything_else(tmp_path):
    """... and the next start puts it back, even before it builds (press.publishing.sweep)."""
    from press.publishing import sweep

    out = tmp_path / "dist"
    aside = tmp_path / ".dist-old-999999999-abc"
    aside.mkdir()
    (aside / "book.pdf").write_bytes(b"%PDF old")
    stale = tmp_path / ".dist-staging-999999999-xyz"
    stale.mkdir()
    mine = tmp_path / f".dist-staging-{os.getpid()}-live"
    mine.mkdir()
    notes = sweep(out)
    assert (out / "book.pdf").read_bytes() == b"%PDF old" and not aside.exists() and not stale.exists()
    assert mine.exists(), "a live build's folder is not another's to take"
    assert len(notes) == 2
    shutil.rmtree(mine)
