"""``build.py watch``: a live preview of the web edition.

The web edition is built into a folder of its own (``<root>/.cache/watch``,
not ``dist/``, unless ``--out`` names another), served on 127.0.0.1 by the standard library's
``ThreadingHTTPServer``, and rebuilt whenever a file under ``content/``,
``templates/`` or ``styles/`` changes (watchfiles). Only the web edition is
rebuilt, and the pipeline converts only the chapters that changed (pandoc
results are cached by content hash) and remembers, in this process, the
work and the pages that an edit did not change (press.memo), so an edit
shows in well under a second.

Every HTML page the server sends carries a small script that listens on
``/__watch/events`` (Server-Sent Events) and reloads the page when a build
finishes. A broken edit (a YAML error, an unknown citation: any BookError)
keeps the last good pages and lays the problems, ``path:line: message``,
over every page, and prints them on the terminal; the next good build
removes the overlay. A good build's warnings are printed and shown in a
banner at the foot of every page. ``/__watch/status`` tells the same as JSON.

With ``--pdf``, each good build is followed by the book's proof PDF, built
the way a print PDF is, unchanged runs of units kept (press.commands.watchproof),
and shown at ``/__watch/proof`` at the page of the edit.

The port is taken before the first build: a busy one is a ToolError that
says so, not a traceback after a build.
"""

from __future__ import annotations

import argparse
import errno
import html
import json
import signal
import sys
import threading
import time
import traceback
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..errors import BookError, Problem, ToolError
from ..progress import Progress

WATCHED = ("content", "templates", "styles")
PREFIX = "/__watch/"
KEEPALIVE = 15.0  # seconds between SSE comments, so that proxies keep the stream open

# The page's build number is written in, so that a page opened before a
# build reloads on the next event and a page opened after it does not.
SCRIPT = """<script>/* build.py watch: reload when a build finishes */
(function () {
  var built = %d;
  if (!window.EventSource) return;
  var events = new EventSource("/__watch/events");
  events.addEventListener("build", function (e) {
    if (Number(e.data) !== built) location.reload();
  });
})();
</script>"""

# The proof's page reloads when a proof PDF is built, at the page of the edit.
PROOF_SCRIPT = SCRIPT.replace("reload when a build finishes", "reload when a proof PDF is built") \
    .replace('"build"', '"proof"')

OVERLAY_STYLE = (
    "position:fixed;inset:0;z-index:2147483647;overflow:auto;background:rgba(30,0,0,.92);color:#fff;"
    "font:15px/1.5 ui-monospace,monospace;padding:2rem"
)
# At the foot of the page, over it but not hiding it: the page is good, and a
# writer reads it while deciding whether a warning matters.
WARNINGS_STYLE = (
    "position:fixed;left:0;right:0;bottom:0;z-index:2147483646;max-height:35vh;overflow:auto;"
    "background:#fff4c2;color:#222;border-top:3px solid #c90;font:14px/1.45 ui-monospace,monospace;"
    "padding:.6rem 1.2rem"
)


def add_arguments(parser: argparse.ArgumentParser, name: str = "watch") -> None:
    parser.add_argument("--port", type=int, default=8000,
                        help="port to serve on (default: 8000; 0 picks a free one)")
    parser.add_argument("--pdf", action="store_true",
                        help="also keep the book's proof PDF up to date, shown at /__watch/proof "
                             "at the page of the last edit")
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default: 127.0.0.1, this machine only)")
    # The preview builds into a folder of its own unless --out names one (press.cli).
    parser.set_defaults(default_out=Path(".cache") / "watch")
    for action in parser._actions:
        if action.dest == "out":
            action.help = ("the folder the preview builds into and serves from its html/ "
                           "(default: .cache/watch/ in the book's folder)")


def run(args: argparse.Namespace, progress: Progress) -> int:
    root, out = args.root.resolve(), args.out.resolve()
    watched = [root / name for name in WATCHED if out.is_relative_to(root / name)]
    if watched:
        # Every build would change a watched file and start the next build.
        print(f"watch: error: --out {args.out} is inside {watched[0].name}/, which the preview watches; "
              "choose a folder outside content/, templates/ and styles/", file=sys.stderr)
        return 2
    # SIGTERM (a service manager, `kill`) stops the preview as Ctrl-C does.
    # SIGINT is left as this process found it: a shell that starts a job in
    # the background sets it to "ignore", and that choice is the caller's.
    # Only the main thread may set a handler (a program that runs the command
    # in a thread of its own stops it its own way).
    if threading.current_thread() is not threading.main_thread():
        return _serve_until_stopped(root, out, args, progress)
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return _serve_until_stopped(root, out, args, progress)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def _serve_until_stopped(root: Path, out: Path, args: argparse.Namespace, progress: Progress) -> int:
    preview = Preview(root, host=args.host, port=args.port, out=out, progress=progress, pdf=args.pdf)
    preview.start()
    print(f"serving the web edition on {preview.url}  (Ctrl-C to stop)", file=sys.stderr, flush=True)
    if preview.proof is not None:
        print(f"the proof PDF: {preview.url}__watch/proof", file=sys.stderr, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        preview.stop()
    print("preview stopped", file=sys.stderr)
    return 0


class Preview:
    """Build, serve, watch, rebuild. ``start()`` returns once the first build
    is done (or failed) and the server listens; ``stop()`` ends both threads."""

    def __init__(self, root: Path, host: str = "127.0.0.1", port: int = 0, out: Path | None = None,
                 progress: Progress | None = None, debounce_ms: int = 300, pdf: bool = False):
        from ..session import Session
        from .watchproof import LiveProof

        # The preview's builds share one session, which remembers the work that
        # an edit did not change (press.memo): that is what makes a rebuild take
        # a fraction of a build.
        self.session = Session.for_book(root, remember=True)
        self.root = root
        self.out = out or root / ".cache" / "watch"
        self.site = self.out / "html"
        self.host = host
        self.requested_port = port
        self.progress = progress or Progress(quiet=True)
        self.debounce_ms = debounce_ms
        self.generation = 0  # finished builds, good or bad
        self.problems: list[Problem] = []  # of the last build; empty when it succeeded
        self.warnings: list[Problem] = []  # of the last build, when it succeeded
        self.changed = threading.Condition()
        self._stop = threading.Event()
        self._watching = threading.Event()  # set once the watcher sees the folders
        self._building = threading.Lock()  # one build at a time (start() and the watcher)
        self._server: ThreadingHTTPServer | None = None
        self._warm = False  # a build of this process has filled the memos
        self._threads: list[threading.Thread] = []
        # With ``pdf``: the live proof PDF (press.commands.watchproof), built beside the preview's folder.
        self.proof = LiveProof(root, self.out.with_name(self.out.name + "-proof"), self.session,
                               self.progress) if pdf else None
        self.proof_generation = 0  # proof PDFs built

    @property
    def port(self) -> int:
        assert self._server is not None, "start() first"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    # --- building ---------------------------------------------------------------

    def rebuild(self) -> bool:
        """Build the web edition; True when it succeeded. Never raises a BookError."""
        with self._building:
            return self._rebuild()

    def _rebuild(self) -> bool:
        from ..editions import book_targets
        from ..pipeline import Request, report, run

        problems: list[Problem] = []
        warnings: list[Problem] = []
        try:
            # Until a build of this process has done the work, an output left
            # up to date by an earlier run is built anyway: that fills the
            # memos, or the first edit would cost a whole build.
            result = run(Request(self.root, book_targets(["html"]), self.out, force=not self._warm,
                                 session=self.session), self.progress)
            self._warm = True
        except BookError as exc:
            problems = list(exc.problems)
        except Exception:  # a bug in the pipeline: say so, keep serving
            traceback.print_exc()
            problems = [Problem("build", None, "internal error (a bug in the pipeline); see the terminal")]
        else:
            warnings = list(result.warnings)
            report(result)
            if result.up_to_date and not self.problems and self.generation:
                return True  # nothing changed: no reload
        for problem in problems:
            print(f"error: {problem}", file=sys.stderr)
        if problems:
            print(f"build failed ({len(problems)} problem(s)); fix and save to rebuild", file=sys.stderr)
        elif self.problems:
            print("build recovered", file=sys.stderr)
        with self.changed:
            self.problems, self.warnings = problems, warnings
            self.generation += 1
            self.changed.notify_all()
        if self.proof is not None and not problems:
            self._rebuild_proof()
        return not problems

    def _rebuild_proof(self) -> None:
        if self.proof.build():  # its problems said on the terminal
            with self.changed:
                self.proof_generation += 1
                self.changed.notify_all()

    def _watch(self) -> None:
        from watchfiles import watch

        folders = [self.root / name for name in WATCHED if (self.root / name).is_dir()]
        # yield_on_timeout: an empty set comes back every rust_timeout without
        # changes; the first one says the watch is in place, so that no edit
        # made after start() returns can be missed.
        for changes in watch(*folders, stop_event=self._stop, debounce=self.debounce_ms, rust_timeout=200,
                             yield_on_timeout=True, raise_interrupt=False):
            self._watching.set()
            if self._stop.is_set():
                break
            if not changes:
                continue
            names = sorted({str(Path(path).relative_to(self.root)) for _, path in changes})
            self.progress.note(f"changed: {', '.join(names[:5])}{' …' if len(names) > 5 else ''}")
            self.rebuild()

    # --- serving ----------------------------------------------------------------

    def start(self) -> "Preview":
        # The port first: a busy one is said before a build is spent. The
        # socket listens from here; requests wait until the first build is done.
        self._server = self._listen()
        try:
            # Then the watch: an edit saved during the first build is not lost.
            watcher = threading.Thread(target=self._watch, name="watch-files", daemon=True)
            watcher.start()
            self._watching.wait(timeout=10)
            self.rebuild()
        except BaseException:  # Ctrl-C during the first build: let the port go
            self._stop.set()
            self._server.server_close()
            self._server = None
            raise
        server = threading.Thread(target=self._server.serve_forever, name="watch-server", daemon=True)
        server.start()
        self._threads = [server, watcher]
        return self

    def _listen(self) -> ThreadingHTTPServer:
        """The server, bound and listening; a ToolError when the address cannot be had."""
        handler = partial(_Handler, preview=self)
        port = self.requested_port
        try:
            server = ThreadingHTTPServer((self.host, port), handler)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                message = f"port {port} is in use; choose another with --port or stop the other server"
            elif exc.errno == errno.EACCES:
                message = f"port {port} needs privileges to listen on; choose one above 1023 with --port"
            else:
                message = f"cannot listen on {self.host} port {port} ({exc.strerror or exc}); check --host and --port"
            raise ToolError([Problem("", None, message)]) from None
        server.daemon_threads = True
        return server

    def stop(self) -> None:
        self._stop.set()
        with self.changed:
            self.changed.notify_all()  # ends open event streams
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=10)

    def wait_for(self, generation: int, timeout: float) -> bool:
        """Wait until ``generation`` builds have finished (for tests and scripts)."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.generation < generation:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True

    def status(self) -> dict:
        return {"generation": self.generation, "ok": not self.problems,
                "problems": [str(p) for p in self.problems], "warnings": [str(w) for w in self.warnings]}

    def decorate(self, page: str) -> str:
        """The reload script, and the overlay of problems when the last build failed
        (or the banner of warnings when it succeeded with some)."""
        extra = SCRIPT % self.generation
        if self.problems:
            extra = error_overlay(self.problems, preview_words(self.root)) + extra
        elif self.warnings:
            extra = warnings_banner(self.warnings, preview_words(self.root)) + extra
        at = page.lower().rfind("</body>")
        return page[:at] + extra + page[at:] if at >= 0 else page + extra


def preview_words(root: Path) -> dict:
    """The preview's messages (``preview`` in the locale) in the book's language, and the language.

    English when the book's configuration or its locale file is what does
    not build: the overlay must still say so (the problems themselves are
    the toolchain's, in English).
    """
    from ..book.locale import load_strings
    from ..source.config import Paths, load_config, load_yaml

    paths = Paths(root)
    try:
        language = load_config(paths).language
        return {**load_strings(paths, language)["preview"], "language": language}
    except BookError:
        english = paths.assets / "templates" / "locale" / "en.yaml"
        return {**load_yaml(english, str(english)).data["preview"], "language": "en"}


def error_overlay(problems: list[Problem], words: dict) -> str:
    items = "".join(f"<li>{html.escape(str(p))}</li>" for p in problems)
    return (f'<div id="watch-error" role="alert" style="{OVERLAY_STYLE}">'
            f'<h1 style="font-size:1.3rem;color:#ff9c9c">{html.escape(words["failed"])}</h1>'
            f'<ul style="padding-left:1.2rem">{items}</ul>'
            f"<p>{html.escape(words['failed_hint'])}</p></div>")


def warnings_banner(warnings: list[Problem], words: dict) -> str:
    items = "".join(f"<li>{html.escape(str(w))}</li>" for w in warnings)
    built = words["warnings"]["one" if len(warnings) == 1 else "other"].format(count=len(warnings))
    return (f'<div id="watch-warnings" role="status" style="{WARNINGS_STYLE}">'
            f'<button type="button" onclick="this.parentNode.remove()" aria-label="{html.escape(words["hide"])}" '
            'style="float:right;font:inherit;cursor:pointer">&times;</button>'
            f'<strong>{html.escape(built)}</strong> {html.escape(words["strict"])}'
            f'<ul style="margin:.3rem 0;padding-left:1.2rem">{items}</ul></div>')


def error_page(problems: list[Problem], words: dict) -> str:
    return (f"<!DOCTYPE html><html lang=\"{html.escape(words['language'])}\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(words['failed_title'])}</title>"
            f"</head><body>{error_overlay(problems, words)}</body></html>")


LOOPBACK = {"127.0.0.1", "::1", "localhost"}
WILDCARD = {"0.0.0.0", "::", ""}


def allowed_host(header: str, host: str, port: int) -> bool:
    """Whether a request's ``Host`` names this server: its address and port, or
    ``localhost`` for a loopback address. Bound to every address (``--host
    0.0.0.0``), any IP address with the port: a rebinding attack needs a name."""
    name, _, given = header.rpartition(":")
    if not name or given != str(port):
        return False
    name = name[1:-1] if name.startswith("[") and name.endswith("]") else name
    if name == host or (host in LOOPBACK and name in LOOPBACK):
        return True
    if host in WILDCARD:
        import ipaddress

        try:
            ipaddress.ip_address(name)
        except ValueError:
            return name == "localhost"
        return True
    return False


class _Handler(SimpleHTTPRequestHandler):
    """Files of the preview's site; HTML gets the script (and overlay); the watch endpoints."""

    def __init__(self, *args, preview: Preview, **kwargs):
        self.preview = preview
        super().__init__(*args, directory=str(preview.site), **kwargs)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        pass  # the terminal is for build messages

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_HEAD(self) -> None:  # noqa: N802 - the base class's name
        if not self._refused():
            super().do_HEAD()

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        if self._refused():
            return None
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if path == PREFIX + "events":
            return self._events()
        if path == PREFIX + "status":
            return self._send(json.dumps(self.preview.status()).encode(), "application/json")
        if path.startswith(PREFIX + "proof") and self.preview.proof is not None:
            proof = self.preview.proof  # the PDF, or the page that shows it
            return self._send(*proof.answer(path[len(PREFIX):], PROOF_SCRIPT, self.preview.proof_generation))
        target = Path(self.translate_path(path))
        if target.is_dir():
            target = target / "index.html"
        if target.suffix == ".html" and target.is_file():
            page = target.read_text("utf-8")
            return self._send(self.preview.decorate(page).encode("utf-8"), "text/html; charset=utf-8")
        if not target.exists() and self.preview.problems:
            # No good build yet (or the page went away): the problems alone.
            return self._send(self.preview.decorate(error_page(self.preview.problems,
                                                                  preview_words(self.preview.root))).encode("utf-8"),
                              "text/html; charset=utf-8", HTTPStatus.SERVICE_UNAVAILABLE)
        return super().do_GET()

    def _refused(self) -> bool:
        """Answer 421 to a request for another host and 404 to a path that leaves the
        site through a symlink; True when the request was answered so.

        A page on another site can reach a server on 127.0.0.1 by rebinding its own
        name to that address (DNS rebinding): the browser then sends that name as
        ``Host``. Only the preview's own address (and ``localhost`` for a loopback
        one) is answered.
        """
        if not allowed_host(self.headers.get("Host", ""), self.preview.host, self.preview.port):
            body = f"this preview answers only {self.preview.url}\n".encode()
            self._send(body, "text/plain; charset=utf-8", HTTPStatus.MISDIRECTED_REQUEST)
            return True
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(PREFIX):
            site = self.preview.site.resolve()
            target = Path(self.translate_path(path)).resolve()
            if target != site and not target.is_relative_to(site):
                self._send(b"not found\n", "text/plain; charset=utf-8", HTTPStatus.NOT_FOUND)
                return True
        return False

    def _send(self, body: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        """Server-Sent Events: ``event: build`` with the build number after every build
        (https://html.spec.whatwg.org/multipage/server-sent-events.html)."""
        preview = self.preview
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen, proofs = preview.generation, preview.proof_generation
        try:
            self.wfile.write(f"retry: 1000\nevent: build\ndata: {seen}\n\n".encode())
            self.wfile.flush()
            while not preview._stop.is_set():
                with preview.changed:
                    now = lambda: (preview.generation, preview.proof_generation)  # noqa: E731
                    preview.changed.wait_for(lambda: now() != (seen, proofs) or preview._stop.is_set(),
                                             timeout=KEEPALIVE)
                    current, proofs_now = preview.generation, preview.proof_generation
                if current != seen:
                    seen = current
                    self.wfile.write(f"event: build\ndata: {seen}\n\n".encode())
                elif proofs_now != proofs:
                    proofs = proofs_now
                    self.wfile.write(f"event: proof\ndata: {proofs}\n\n".encode())
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded
        self.close_connection = True
