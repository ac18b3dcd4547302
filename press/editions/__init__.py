"""The three editions. Each writes into a staging folder; the pipeline
moves the results into place only when every edition succeeded. An edition
is given the build's session (press.session) for what it remembers between
builds; without one it remembers nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ..config import Paths
from ..errors import Problem
from ..model import Book
from ..session import Session


@dataclass
class BackSection:
    """Back matter made by the build: a note on the text, the index, ..."""

    id: str
    kind: str
    title: str
    html: Markup  # for the web edition
    epub_html: Markup | None = None  # for the EPUB, when links must differ (#id)
    paged: Any = None  # apparatus.Paged: rendered in print once pages are known
    page_name: str = ""  # the web edition's file
    facts: dict[str, Any] = field(default_factory=dict)


@dataclass
class EditionResult:
    name: str
    files: list[str]  # relative to the staging folder, what to move into dist/
    facts: dict[str, Any] = field(default_factory=dict)


class Edition:
    name = "edition"

    def __init__(self, paths: Paths, book: Book, back_sections: list[BackSection],
                 session: Session | None = None):
        self.paths = paths
        self.book = book
        self.back_sections = back_sections
        self.session = session if session is not None else Session()
        self.warnings: list[Problem] = []

    def back_toc(self, prefix: str) -> list[dict[str, str]]:
        """Contents entries for the back matter; ``prefix`` is '#' or ''. ``id``: the
        section's anchor, whose page the printed contents give (press.editions.pdf)."""
        return [
            {"title": s.title, "href": f"#{s.id}" if prefix == "#" else f"{s.page_name}#{s.id}", "id": s.id}
            for s in self.back_sections
        ]

    def build(self, stage: Path) -> EditionResult:  # pragma: no cover - abstract
        raise NotImplementedError
