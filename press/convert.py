"""Convert: pandoc (through pypandoc) turns Markdown into its JSON AST and back.

Every call is cached by a hash of pandoc's version, the arguments and the
input, so an unchanged chapter is never converted twice. pandoc's own log
(``--log``, JSON) is read after each call, so warnings are attributed to the
chapter that caused them instead of being lost on stderr.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .tools import pandoc_path, pandoc_version

# pandoc Markdown as the book's source format. Metadata blocks inside a body
# are off (front matter is ours), and so are automatic identifiers: headings
# get stable ids from the collect stage instead, unique across the book.
READER = "markdown-yaml_metadata_block-auto_identifiers+smart"


@dataclass
class Warning_:
    message: str
    source: str | None = None  # the chapter (shown path) the call was for


@dataclass
class Pandoc:
    cache_dir: Path | None
    warnings: list[Warning_] = field(default_factory=list)
    calls: int = 0

    def run(self, text: str, fmt: str, to: str, args: list[str], source: str | None = None,
            output_file: Path | None = None) -> str:
        """Run pandoc once (or take the cached result); return its output."""
        import pypandoc

        pandoc_path()
        key = hashlib.sha256(
            json.dumps([pandoc_version(), fmt, to, args, text]).encode("utf-8")
        ).hexdigest()
        cached = self._cache_get(key) if output_file is None else None
        if cached is not None:
            result, messages = cached
        else:
            with tempfile.TemporaryDirectory(prefix="press-pandoc-") as tmp:
                log = Path(tmp) / "log.json"
                extra = [*args, f"--log={log}", "--quiet"]
                self.calls += 1
                result = pypandoc.convert_text(
                    text, to, format=fmt, extra_args=extra,
                    outputfile=str(output_file) if output_file else None,
                    sandbox=False,  # we pass --sandbox ourselves where it applies
                    verify_format=False,  # it would run pandoc twice more per call
                )
                messages = _read_log(log)
            if output_file is None:
                self._cache_put(key, result, messages)
        self.warnings.extend(Warning_(m, source) for m in messages)
        return result or ""

    def _cache_get(self, key: str):
        if self.cache_dir is None:
            return None
        path = self.cache_dir / f"{key}.json"
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return None
        return data["result"], data["messages"]

    def _cache_put(self, key: str, result: str, messages: list[str]) -> None:
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"result": result, "messages": messages}, handle)
        os.replace(tmp, self.cache_dir / f"{key}.json")


def _read_log(path: Path) -> list[str]:
    """pandoc's JSON log: keep warnings and errors, drop INFO chatter."""
    try:
        entries = json.loads(path.read_text("utf-8") or "[]")
    except (OSError, ValueError):
        return []
    return [e.get("pretty") or e.get("message", "") for e in entries if e.get("verbosity") != "INFO"]


def parse_markdown(pandoc: Pandoc, body: str, source: str) -> dict:
    """One chapter body to pandoc's AST; reads nothing but its input (sandbox)."""
    out = pandoc.run(body, READER, "json", ["--sandbox"], source=source)
    return json.loads(out)


def to_html(pandoc: Pandoc, ast: dict, source: str | None = None) -> str:
    """An AST fragment to HTML5 (a body fragment, no template)."""
    return pandoc.run(
        json.dumps(ast, ensure_ascii=False), "json", "html5",
        ["--sandbox", "--wrap=none"],
        source=source,
    )
