"""The check report: JSON for machines, one HTML page for people.

Both are written from the results only (no timings, no absolute paths), so
that two releases from the same commit carry the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import Result

JSON_NAME = "check-report.json"
HTML_NAME = "check-report.html"
TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates"


def as_data(results: list[Result], book: dict, epoch: str) -> dict:
    return {"book": book, "source_date_epoch": epoch,
            "passed": all(r.passed for r in results),
            "checkers": [r.to_json() for r in results]}


def write(folder: Path, data: dict) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    html = env.get_template("check/report.html.j2").render(report=data)
    (folder / JSON_NAME).write_text(json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n", "utf-8")
    (folder / HTML_NAME).write_text(html, "utf-8")
    return [folder / JSON_NAME, folder / HTML_NAME]
