"""The live preview answers only its own address (a DNS-rebinding page sends
another ``Host``) and serves no symlink that leads out of its folder."""

from __future__ import annotations

import http.client
import re

import pytest

from press.commands.watch import Preview, allowed_host


def ask(preview: Preview, path: str, host: str, method: str = "GET") -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=10)
    try:
        connection.putrequest(method, path, skip_host=True)
        connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, re.sub(rb"<[^>]+>", b"", response.read())  # the text, without tags
    finally:
        connection.close()


@pytest.fixture
def preview(tiny):
    tiny.chapter("01-one.md", "One", "The first words.", kind="introduction")
    preview = Preview(tiny.root, port=0).start()
    yield preview
    preview.stop()


def test_only_its_own_host_is_answered(preview):
    own = f"127.0.0.1:{preview.port}"
    for host in (own, f"localhost:{preview.port}"):
        status, body = ask(preview, "/01-one.html", host)
        assert status == 200 and b"The first words." in body, host
    for host in (f"attacker.example:{preview.port}", "127.0.0.1:1", "", f"127.0.0.1.nip.io:{preview.port}"):
        for method in ("GET", "HEAD"):
            status, body = ask(preview, "/01-one.html", host, method)
            assert status == 421 and b"The first words." not in body, (host, method)
    status, body = ask(preview, "/__watch/status", f"rebind.example:{preview.port}")
    assert status == 421 and b"generation" not in body


def test_no_symlink_out_of_the_site_is_followed(preview, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN-5d41402abc4b2a76", "utf-8")
    (preview.site / "leak.txt").symlink_to(secret)
    (preview.site / "leakdir").symlink_to(tmp_path, target_is_directory=True)
    (preview.site / "inside.html").symlink_to(preview.site / "01-one.html")
    own = f"127.0.0.1:{preview.port}"
    for path in ("/leak.txt", "/leakdir/secret.txt", "/leakdir/"):
        for method in ("GET", "HEAD"):
            status, body = ask(preview, path, own, method)
            assert status == 404 and b"TOKEN" not in body, (path, method)
    status, body = ask(preview, "/inside.html", own)
    assert status == 200 and b"The first words." in body


@pytest.mark.parametrize(("header", "host", "port", "answer"), [
    ("127.0.0.1:8000", "127.0.0.1", 8000, True), ("localhost:8000", "127.0.0.1", 8000, True),
    ("[::1]:8000", "::1", 8000, True), ("localhost:8000", "::1", 8000, True),
    ("127.0.0.1", "127.0.0.1", 8000, False), ("127.0.0.1:80", "127.0.0.1", 8000, False),
    ("evil.example:8000", "127.0.0.1", 8000, False), ("192.168.1.9:8000", "0.0.0.0", 8000, True),
    ("evil.example:8000", "0.0.0.0", 8000, False), ("192.168.1.9:8000", "192.168.1.9", 8000, True),
    ("localhost:8000", "192.168.1.9", 8000, False),
])
def test_allowed_host(header, host, port, answer):
    assert allowed_host(header, host, port) is answer
