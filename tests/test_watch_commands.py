"""``build.py watch`` as a command: a busy port is said before any build,
``--out`` is where the preview builds and serves, and a good build's
warnings show in the served page as well as on the terminal."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from press.cli import _parse, main
from press.errors import EXIT_TOOL
from press.commands.watch import Preview

from .conftest import REPO

UNUSED_ENTRY = 'entries:\n  a:\n    heading: "A"\n    forms: ["Alpha"]\n  z:\n    heading: "Zed"\n    forms: ["Zed"]\n'


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def refused(argv: list[str]) -> list[int]:
    """``main(argv)``'s exit code, if it returns within 30 s: in a thread, so
    that a preview that did start (and serves until Ctrl-C) cannot hang the tests."""
    done: list[int] = []
    runner = threading.Thread(target=lambda: done.append(main(argv)), daemon=True)
    runner.start()
    runner.join(timeout=30)
    return done


def test_a_busy_port_is_a_clear_error_before_any_build(tiny, capsys):
    tiny.chapter("01-one.md", "One", "Words.", kind="introduction")
    with socket.socket() as other:  # another server holds the port
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = refused(["watch", "--root", str(tiny.root), "--port", str(port), "--quiet"])
    assert done == [EXIT_TOOL], "the command must return, with the tool exit code"
    err = capsys.readouterr().err
    assert f"error: port {port} is in use; choose another with --port or stop the other server\n" in err
    assert "internal error" not in err and "Traceback" not in err
    assert not (tiny.root / ".cache" / "watch").exists(), "nothing was built"


def test_watch_out_defaults_to_its_own_folder_and_can_be_named(tmp_path):
    assert _parse(["watch", "--root", str(tmp_path)], "build.py").out == tmp_path / ".cache" / "watch"
    assert _parse(["watch", "--root", str(tmp_path), "--out", "/x/y"], "build.py").out == Path("/x/y")
    assert _parse(["html", "--root", str(tmp_path)], "build.py").out == tmp_path / "dist"


def test_watch_out_inside_a_watched_folder_is_refused(tiny, capsys):
    tiny.chapter("01-one.md", "One", "Words.", kind="introduction")
    assert refused(["watch", "--root", str(tiny.root), "--out", str(tiny.content / "site"), "--port", "0"]) == [2]
    err = capsys.readouterr().err
    assert "error: --out" in err and "is inside content/, which the preview watches" in err
    assert not (tiny.content / "site").exists()


def _watch_process(tiny, out: Path, port: int) -> subprocess.Popen:
    """``build.py watch`` in a process of its own, with SIGINT as a terminal
    gives it: a shell that runs the tests in the background hands its children
    SIGINT ignored, and Ctrl-C would then not reach the preview at all."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "watch", "--root", str(tiny.root),
                             "--out", str(out), "--port", str(port)],
                            stderr=subprocess.PIPE, text=True, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _wait_for_status(process: subprocess.Popen, port: int) -> dict | None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        try:
            return json.loads(get(f"http://127.0.0.1:{port}/__watch/status")[1])
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
            time.sleep(0.2)
    return None


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_watch_out_builds_and_serves_from_that_folder(tiny, tmp_path, stop):
    """The command end to end, in a process of its own, stopped with Ctrl-C
    (SIGINT) or by SIGTERM: either way it says so and exits 0."""
    tiny.chapter("01-one.md", "One", "The first words.", kind="introduction")
    out, port = tmp_path / "preview", free_port()
    process = _watch_process(tiny, out, port)
    try:
        status = _wait_for_status(process, port)
        assert status is not None and status["ok"], status
        code, page = get(f"http://127.0.0.1:{port}/01-one.html")
        assert code == 200 and "The first words." in re.sub(r"<[^>]+>", "", page)
        assert (out / "html" / "01-one.html").is_file()
        assert not (tiny.root / ".cache" / "watch").exists() and not (tiny.root / "dist").exists()
    finally:
        process.send_signal(stop)
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
            pytest.fail(f"the preview did not stop within 30 s of {stop.name}; its terminal:\n{err}")
    assert process.returncode == 0, err
    assert f"serving the web edition on http://127.0.0.1:{port}/" in err and "preview stopped" in err


def test_warnings_show_in_the_page_and_on_the_terminal(tiny, capsys):
    tiny.write("content/index.yaml", UNUSED_ENTRY)
    tiny.chapter("01-one.md", "One", "Alpha.", kind="introduction")
    preview = Preview(tiny.root, port=0).start()
    try:
        warning = "content/index.yaml:5: index heading 'z' is never found in the text"
        assert f"warning: {warning}" in capsys.readouterr().err
        code, page = get(preview.url + "01-one.html")
        assert code == 200 and 'id="watch-warnings"' in page and warning.replace("'", "&#x27;") in page
        assert "watch-error" not in page and "The book built with 1 warning</strong>" in page
        status = json.loads(get(preview.url + "__watch/status")[1])
        assert status["ok"] and status["warnings"] == [warning]
        # Mended: the next build's pages have no banner.
        tiny.chapter("01-one.md", "One", "Alpha and Zed.", kind="introduction")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and json.loads(get(preview.url + "__watch/status")[1])["warnings"]:
            time.sleep(0.1)
        code, page = get(preview.url + "01-one.html")
        assert code == 200 and "watch-warnings" not in page
    finally:
        preview.stop()
