"""Progress, stage by stage with timings: a live status on a terminal,
plain lines otherwise (CI logs, pipes)."""

from __future__ import annotations

import time
from contextlib import contextmanager

from rich.console import Console


class Progress:
    def __init__(self, quiet: bool = False, console: Console | None = None):
        self.quiet = quiet
        self.console = console or Console(stderr=True, highlight=False)
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str):
        start = time.perf_counter()
        if self.quiet:
            yield
        elif self.console.is_terminal:
            with self.console.status(f"{name} …"):
                yield
        else:
            yield
        elapsed = time.perf_counter() - start
        self.timings[name] = elapsed
        if not self.quiet:
            self.console.print(f"[green]✓[/green] {name} [dim]{elapsed:.2f} s[/dim]")

    def note(self, message: str) -> None:
        if not self.quiet:
            self.console.print(message)
