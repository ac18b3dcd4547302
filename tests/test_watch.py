"""The live preview: served on a free port, rebuilt after an edit, the error
of a broken edit shown in the page, and recovery once it is fixed."""

from __future__ import annotations

import argparse
import http.client
import json
import re
import time
import urllib.error
import urllib.request

import pytest

from press.commands.watch import Preview, add_arguments

TIMEOUT = 30.0  # seconds for one rebuild on a tiny book; it takes about one


def fetch(preview: Preview, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(preview.url.rstrip("/") + path, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


def words(page: str) -> str:
    """A page's text without its tags (a paragraph's last word is a span of its own)."""
    return re.sub(r"<[^>]+>", "", page)


def event_stream(preview: Preview, timeout: float = TIMEOUT):
    """The preview's event stream, opened as a page opens it, and a function that reads its next event."""
    stream = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=timeout)
    stream.request("GET", "/__watch/events")
    response = stream.getresponse()
    assert response.getheader("Content-Type") == "text/event-stream"

    def next_event() -> str:
        lines = []
        while True:
            line = response.fp.readline().decode().rstrip("\n")
            if line.startswith(":"):
                continue
            if not line and lines:
                return "\n".join(lines)
            if line:
                lines.append(line)

    return stream, next_event


def wait_until(preview: Preview, check, what: str) -> None:
    """Poll the status endpoint (as a page would) until ``check(status)`` holds."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        status = json.loads(fetch(preview, "/__watch/status")[1])
        if check(status):
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}; last status {status}")


@pytest.fixture
def preview(tiny):
    tiny.chapter("01-one.md", "One", "The first words.", kind="introduction")
    tiny.chapter("02-two.md", "Two", "Other words.", kind="conclusion")
    preview = Preview(tiny.root, port=0).start()
    try:
        yield preview
    finally:
        preview.stop()


def test_options():
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args([])
    assert (args.port, args.host) == (8000, "127.0.0.1")
    assert parser.parse_args(["--port", "0"]).port == 0


def test_serves_its_own_folder_on_loopback(preview, tiny):
    assert preview.host == "127.0.0.1" and preview.port > 0
    assert preview.url == f"http://127.0.0.1:{preview.port}/"
    assert preview.site == tiny.root / ".cache" / "watch" / "html"
    assert not (tiny.root / "dist").exists(), "the preview never writes dist/"
    status, page = fetch(preview, "/01-one.html")
    assert status == 200 and "The first words." in words(page)
    assert 'new EventSource("/__watch/events")' in page and "watch-error" not in page
    status, home = fetch(preview, "/")
    assert status == 200 and "01-one.html" in home and "EventSource" in home


def test_edit_rebuilds_and_notifies_open_pages(preview, tiny):
    first = preview.generation
    # An open page listens on the event stream: the first event is the current build.
    stream, next_event = event_stream(preview)
    assert next_event() == f"retry: 1000\nevent: build\ndata: {first}"
    tiny.chapter("01-one.md", "One", "The first words, revised.", kind="introduction")
    assert next_event() == f"event: build\ndata: {first + 1}"
    stream.close()
    status, page = fetch(preview, "/01-one.html")
    assert status == 200 and "The first words, revised." in words(page)
    assert f"var built = {first + 1};" in page


def test_broken_edit_shows_the_error_then_recovers(preview, tiny):
    path = tiny.root / "content" / "chapters" / "02-two.md"
    good = path.read_text("utf-8")
    start = preview.generation
    path.write_text(good.replace("kind: conclusion", "kind: conclusion\nkind: [unclosed"), "utf-8")
    wait_until(preview, lambda s: s["generation"] > start, "the broken build")
    status = json.loads(fetch(preview, "/__watch/status")[1])
    assert status["ok"] is False
    assert any(p.startswith("content/chapters/02-two.md:") for p in status["problems"]), status
    # Every page shows the problems over the last good text.
    code, page = fetch(preview, "/01-one.html")
    assert code == 200 and 'id="watch-error"' in page and "content/chapters/02-two.md:" in page
    assert "The first words." in words(page)
    # Fixed: the next build succeeds and the overlay is gone, without a restart.
    broken = preview.generation
    path.write_text(good.replace("Other words.", "Other words, mended."), "utf-8")
    wait_until(preview, lambda s: s["generation"] > broken and s["ok"], "the recovery")
    code, page = fetch(preview, "/02-two.html")
    assert code == 200 and "Other words, mended." in words(page) and "watch-error" not in page


def test_first_build_broken_serves_the_error_page(tiny):
    tiny.chapter("01-one.md", "One", "See [x]{.cite key=nothing}.", kind="introduction")
    tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8").replace(
        'slug: "tiny"', 'slug: "tiny"\nslug: "again"'))
    preview = Preview(tiny.root, port=0).start()
    try:
        code, page = fetch(preview, "/")
        assert code == 503 and "The book did not build" in page and "content/book.yaml:" in page
        tiny.write("content/book.yaml", (tiny.content / "book.yaml").read_text("utf-8").replace(
            'slug: "again"\n', ""))
        tiny.chapter("01-one.md", "One", "Fixed now.", kind="introduction")
        wait_until(preview, lambda s: s["ok"], "the first good build")
        code, page = fetch(preview, "/01-one.html")
        assert code == 200 and "Fixed now." in words(page)
    finally:
        preview.stop()
