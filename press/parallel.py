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
import traceback
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
        self._process = context.Process(target=_serve, args=(child, setup, os.getpid()), daemon=True)
        self._process.start()
        child.close()
        self._pending = 0  # jobs sent whose result has not been read

    def submit(self, fn: Callable[..., Any], *args: Any) -> "Worker":
        self._conn.send((fn, args))
        self._pending += 1
        return self

    def result(self) -> Any:
        try:
            status, value = self._conn.recv()
            self._pending -= 1
        except EOFError:
            self._process.join()
            raise RuntimeError(f"the print worker died (exit code {self._process.exitcode})") from None
        if status == "error":
            raise value
        return value

    def ready(self) -> bool:
        """Whether the next result has come (reading it would not wait)."""
        return self._conn.poll()

    @property
    def connection(self):
        """The pipe's end, for ``multiprocessing.connection.wait``."""
        return self._conn

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def close(self) -> None:
        if self._pending:  # the build failed or was interrupted: what the worker does is wasted
            self._process.kill()
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._conn.close()
        self._process.join(timeout=10)
        if self._process.is_alive():  # pragma: no cover - a hung layout
            self._process.kill()


class Forked(Worker):
    """A worker forked by a worker (the print worker's runs of units: press/editions/runs.py).

    ``multiprocessing`` gives a daemonic process no children, and the print
    worker is one (it must not outlive a build): this child is forked with
    ``os.fork`` and serves the same jobs over a pipe. It dies with the
    process that forked it (``_die_with``), and inherits its imports.
    """

    def __init__(self, setup: Callable[[], Any]):  # noqa: super().__init__ would start a Process
        self._conn, child = multiprocessing.Pipe()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's side; coverage does not follow a fork
            code = 0
            try:
                self._conn.close()
                _serve(child, setup, parent, eager=True)
            except BaseException:  # noqa: BLE001 - nothing of the child may go on in the parent's code
                code = 1
            finally:
                os._exit(code)
        child.close()
        self._child = pid
        self._pending = 0

    @property
    def pid(self) -> int | None:
        return self._child

    def result(self) -> Any:
        try:
            status, value = self._conn.recv()
            self._pending -= 1
        except EOFError:
            _, status = os.waitpid(self._child, 0)
            self._child = None
            raise RuntimeError(f"a print worker died (status {status})") from None
        if status == "error":
            raise value
        return value

    def close(self) -> None:
        import signal

        if self._child is None:
            return
        if self._pending:
            os.kill(self._child, signal.SIGKILL)
        try:
            self._conn.send(None)
        except OSError:
            pass
        self._conn.close()
        os.waitpid(self._child, 0)
        self._child = None


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


PR_SET_PDEATHSIG = 1


def _die_with(parent: int) -> None:
    """End this child when the build that forked it ends, however it ends.

    On Linux the kernel sends SIGKILL when the parent dies (``prctl``'s
    PR_SET_PDEATHSIG), a ``kill -9`` of the build included; the parent may have
    died before the call, hence the check after it. Elsewhere the child ends
    when its pipe reaches EOF, which is when the parent's end closes."""
    import signal
    import sys

    # A terminal's Ctrl-C goes to the whole process group: the parent decides,
    # and ends this child by closing the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform.startswith("linux"):
        import ctypes

        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # pragma: no cover - a C library without prctl
            pass
    if os.getppid() != parent:
        os._exit(0)


def _serve(conn, setup, parent: int | None = None, eager: bool = False) -> None:
    """Run the jobs that come through ``conn``, one at a time, until it closes or sends None.

    ``eager`` (a worker forked by a worker): a thread takes each job off the pipe as soon as it is
    sent, so that a parent sending a long job (a run's HTML) to a busy worker does not wait until
    that worker is done with the job before (issue 20: the first print worker lost 5 s so on the 20x
    book). Only there: that worker forks nothing, so its thread cannot be copied into a child."""
    if parent is not None:
        _die_with(parent)
    state = setup()
    jobs = _eager(conn) if eager else None
    while True:
        try:
            job = conn.recv() if jobs is None else jobs.get()
        except EOFError:
            return
        if job is None:
            return
        fn, args = job
        try:
            conn.send(("ok", fn(state, *args)))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            try:  # the frames do not cross the pipe: their text does (press.errors.template_failure reads it)
                exc.worker_traceback = traceback.format_exc()
            except AttributeError:
                pass
            conn.send(("error", exc))


def _eager(conn):
    """A queue of the jobs read from ``conn`` by a thread of their own; None once it is closed."""
    import queue
    import threading

    jobs: queue.Queue = queue.Queue()

    def read() -> None:
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                job = None
            jobs.put(job)
            if job is None:
                return

    threading.Thread(target=read, daemon=True, name="press-jobs").start()
    return jobs
