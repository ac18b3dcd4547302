"""A worker process for the print edition, forked at the start of the build.

WeasyPrint's layout is pure Python and holds the GIL, and importing it takes
half a second. A child forked before the build reads anything imports
WeasyPrint while the parent reads and collects the book, then lays out the
print HTML it is sent, on a core of its own, while the parent writes the
other editions. Only the HTML string and small results cross the pipe.

The worker's state (the print edition's laid-out pages, its parsed
stylesheets) is an object that ``setup`` makes in the child and every job
is given first: nothing of it lives in a module. ``InProcess`` runs the same
jobs in this process, where forking is not possible.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any, Callable


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods() and (os.cpu_count() or 1) > 1


class Worker:
    """A forked child that runs jobs sent to it, one at a time.

    Fork it before any thread starts (the live status's included): a thread
    holding a lock at fork time would deadlock the child.
    """

    def __init__(self, setup: Callable[[], Any]):
        context = multiprocessing.get_context("fork")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, setup), daemon=True)
        self._process.start()
        child.close()

    def submit(self, fn: Callable[..., Any], *args: Any) -> "Worker":
        self._conn.send((fn, args))
        return self

    def result(self) -> Any:
        try:
            status, value = self._conn.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"the print worker died (exit code {self._process.exitcode})") from None
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._conn.close()
        self._process.join(timeout=10)
        if self._process.is_alive():  # pragma: no cover - a hung layout
            self._process.kill()


class InProcess:
    """The worker's interface, in this process: a job runs when its result is asked for."""

    def __init__(self, setup: Callable[[], Any]):
        self._state = setup()
        self._jobs: list[tuple[Callable[..., Any], tuple]] = []

    def submit(self, fn: Callable[..., Any], *args: Any) -> "InProcess":
        self._jobs.append((fn, args))
        return self

    def result(self) -> Any:
        fn, args = self._jobs.pop(0)
        return fn(self._state, *args)

    def close(self) -> None:
        # This process goes on: free what the jobs kept (the laid-out pages).
        self._jobs.clear()
        self._state = None


def _serve(conn, setup) -> None:
    state = setup()
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        fn, args = job
        try:
            conn.send(("ok", fn(state, *args)))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            conn.send(("error", exc))
