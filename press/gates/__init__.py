"""The release gates: the field's own checkers, run on the built editions.

Each checker is a function ``(Editions) -> Result``: it reads the artefacts
in one output folder and returns its findings, each with the file (relative
to that folder, so that a report does not depend on where it was written)
and the line or page when the checker gives one. ``press.commands.check`` runs them,
prints the findings and one summary line per checker, and writes the report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..source.config import ASSETS
from ..errors import ToolError

# The toolchain's own folder (the repository, or press/_assets/ in an installed
# wheel), where checkers/package.json pins the npm checkers; every book uses them.
TOOLCHAIN = ASSETS
NPM_DIR = TOOLCHAIN / "checkers"


@dataclass(frozen=True, order=True)
class Finding:
    """One thing a checker found: where, and what."""

    path: str  # relative to the folder checked: "html/index.html", "tiny.epub/EPUB/nav.xhtml"
    line: int | None
    message: str
    page: int | None = None  # PDF page number (1-based), when the checker gives one
    severity: str = "error"  # "error" fails the check; "warning" is shown only

    def where(self) -> str:
        if self.line is not None:
            return f"{self.path}:{self.line}"
        if self.page is not None:
            return f"{self.path} (page {self.page})"
        return self.path


@dataclass
class Result:
    """A checker's findings and its one-line summary."""

    name: str
    summary: str = ""
    version: str = ""
    findings: list[Finding] = field(default_factory=list)
    skipped: str = ""  # why the checker did not run (e.g. a book without a manuscript)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def passed(self) -> bool:
        return not self.errors

    def to_json(self) -> dict:
        return {"name": self.name, "version": self.version, "passed": self.passed, "summary": self.summary,
                "skipped": self.skipped, "findings": [asdict(f) for f in sorted(self.findings)]}


@dataclass
class Editions:
    """The artefacts of one build: the folder and the book's slug."""

    out: Path
    slug: str
    root: Path

    @property
    def pdf(self) -> Path:
        return self.out / f"{self.slug}.pdf"

    @property
    def epub(self) -> Path:
        return self.out / f"{self.slug}.epub"

    @property
    def html(self) -> Path:
        return self.out / "html"

    def relative(self, path: Path) -> str:
        return path.relative_to(self.out).as_posix()

    def missing(self, path: Path, name: str) -> Result | None:
        """A result with one finding when an edition was not built."""
        if path.exists():
            return None
        return Result(name, f"{name}: {self.relative(path)} is missing",
                      findings=[Finding(self.relative(path), None, "not found: build the editions first")])


# --- the tools --------------------------------------------------------------


def java() -> str:
    found = shutil.which("java")
    if found is None:
        raise ToolError("Java is missing (EPUBCheck and the Nu checker need it): "
                        "on Debian/Ubuntu run 'apt-get install default-jre-headless'")
    return found


def chromium() -> str:
    for candidate in (os.environ.get("PUPPETEER_EXECUTABLE_PATH"), "/usr/bin/chromium",
                      shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).is_file():
            return candidate
    raise ToolError("Chromium is missing (DAISY Ace runs in it): on Debian run 'apt-get install chromium'")


def npm_checkers() -> Path:
    """checkers/node_modules, installed from the lock file when missing or stale.

    ``npm ci`` installs exactly what package-lock.json pins. Ace's Electron and
    Puppeteer's browser downloads are skipped: they fail on these machines and
    Ace runs in the system's Chromium (``ace-puppeteer``).
    """
    modules = NPM_DIR / "node_modules"
    marker = modules / ".package-lock.json"  # written by npm after every install
    lock = NPM_DIR / "package-lock.json"
    if marker.is_file() and marker.stat().st_mtime >= lock.stat().st_mtime:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise ToolError("npm is missing (it installs DAISY Ace and the Nu checker into "
                        f"{NPM_DIR}/node_modules): on Debian/Ubuntu run 'apt-get install nodejs npm', "
                        "or check without them: --skip ace --skip nu")
    env = {**os.environ, "ELECTRON_SKIP_BINARY_DOWNLOAD": "1", "PUPPETEER_SKIP_DOWNLOAD": "1"}
    done = subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NPM_DIR, env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise ToolError(f"'npm ci' in {NPM_DIR} failed: {done.stderr.strip()[-500:]}")
    marker.touch()
    return modules


def npm_version(package: str) -> str:
    import json

    data = json.loads((NPM_DIR / "package.json").read_text("utf-8"))
    return data["dependencies"][package]
