"""The chronology as data, for researchers: ``<slug>-chronology.json`` and ``.csv``.

Takes the book's chronology (built by the apparatus stage, press.apparatus.chronology);
gives the two files, or none when the book has no dated events.
"""

from __future__ import annotations

from pathlib import Path

from . import Edition, EditionResult


class DataEdition(Edition):
    name = "data"

    def finish(self, facts: dict, stage: Path) -> EditionResult:
        chronology = self.book.chronology
        if chronology is None:
            return EditionResult(self.name, [])
        slug = self.book.config.slug
        (stage / f"{slug}-chronology.json").write_text(chronology.to_json(), "utf-8")
        (stage / f"{slug}-chronology.csv").write_text(chronology.to_csv(), "utf-8")
        return EditionResult(self.name, [f"{slug}-chronology.json", f"{slug}-chronology.csv"])
