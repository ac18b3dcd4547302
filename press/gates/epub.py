"""The EPUB gate: runs EPUBCheck 5 and DAISY Ace on the built ``.epub`` and
gives their messages as findings (file, line, severity), with the tools'
versions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

from ..errors import ToolError
from . import Editions, Finding, Result, chromium, java, npm_checkers, npm_version

# EPUBCheck locations read "<file name>/<path in the zip>:<line>:<column>".
LOCATION = re.compile(r"^(?P<path>.*?)(?::(?P<line>-?\d+))?(?::(?P<column>-?\d+))?$")

# Ace lists every item of the EPUB Accessibility metadata it looks for. These
# two are optional in EPUB Accessibility 1.1 (§ 2.2, "evaluator information":
# a credential and a report exist only when an outside evaluator certified the
# book) and writing them without one would be untrue of the file: they are
# shown as warnings. Every other missing or empty item fails the check.
OPTIONAL_METADATA = {"a11y:certifierCredential", "a11y:certifierReport"}


def epubcheck(editions: Editions) -> Result:
    """EPUBCheck 5 (the jar bundled in the PyPI ``epubcheck`` package): no fatal, error or warning."""
    name = "EPUBCheck"
    missing = editions.missing(editions.epub, name)
    if missing:
        return missing
    java()
    try:
        from epubcheck import EpubCheck
    except ImportError:
        raise ToolError("the Python package 'epubcheck' is missing: run 'make check' "
                        "(it installs the project with its test extras)") from None
    run = EpubCheck(str(editions.epub))
    result = Result(name, version=run.checker.checkerVersion)
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0}
    for message in run.messages:
        if message.level not in counts:  # USAGE and INFO: advice, not findings
            continue
        counts[message.level] += 1
        match = LOCATION.match(message.location)
        inner = match["path"].removeprefix(editions.epub.name).lstrip("/")
        path = f"{editions.relative(editions.epub)}/{inner}" if inner else editions.relative(editions.epub)
        line = int(match["line"]) if match["line"] and int(match["line"]) > 0 else None
        result.findings.append(Finding(path, line, f"{message.level} {message.id}: {message.message}"))
    fatal = f"{counts['FATAL']} fatal, " if counts["FATAL"] else ""
    result.summary = f"{name}: {fatal}{counts['ERROR']} errors, {counts['WARNING']} warnings"
    if not run.valid and not result.findings:
        result.findings.append(Finding(editions.relative(editions.epub), None, "EPUBCheck: not valid"))
    return result


def ace(editions: Editions) -> Result:
    """DAISY Ace: no violation, and every accessibility metadata item present."""
    name = "Ace"
    missing = editions.missing(editions.epub, name)
    if missing:
        return missing
    report = run_ace(editions.epub)
    return read_ace_report(report, editions.relative(editions.epub))


def run_ace(epub: Path) -> dict:
    """Run ``ace-puppeteer`` (the plain ``ace`` starts Electron) in the system's Chromium."""
    modules = npm_checkers()
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium()}
    with tempfile.TemporaryDirectory(prefix="press-ace-") as tmp:
        out = Path(tmp) / "report"
        # Twice at most: Ace gives Chromium 5 s to start, which a busy machine can exceed
        # ("Timed out after 5000 ms while waiting for the WS endpoint URL").
        for _ in range(2):
            done = subprocess.run([str(modules / ".bin" / "ace-puppeteer"), "--silent", "--force",
                                   "--outdir", str(out), "--tempdir", str(Path(tmp) / "work"), str(epub)],
                                  env=env, capture_output=True, text=True, timeout=600)
            if (out / "report.json").is_file():
                break
        report = out / "report.json"
        if not report.is_file():
            raise ToolError(f"DAISY Ace failed on {epub.name} (exit {done.returncode}): "
                            f"{(done.stderr or done.stdout).strip()[-800:]}")
        return json.loads(report.read_text("utf-8"))


def read_ace_report(report: dict, epub_name: str) -> Result:
    """Findings from Ace's report.json: failed assertions and missing metadata."""
    version = (report.get("earl:assertedBy", {}).get("doap:release", {}).get("doap:revision")
               or npm_version("@daisy/ace"))
    result = Result("Ace", version=version)
    violations = 0
    for document in report.get("assertions", []):
        url = document.get("earl:testSubject", {}).get("url", "").lstrip("/")
        path = f"{epub_name}/{url}" if url.startswith("EPUB/") else f"{epub_name}/EPUB/{url}"
        for assertion in document.get("assertions", []):
            outcome = assertion.get("earl:result", {})
            if outcome.get("earl:outcome") != "fail":
                continue
            violations += 1
            test = assertion.get("earl:test", {})
            where = ", ".join(outcome.get("earl:pointer", {}).get("css", []))
            message = (f"{test.get('earl:impact', 'violation')} {test.get('dct:title', '?')}: "
                       f"{outcome.get('dct:description', test.get('dct:description', ''))}")
            if where:
                message += f" (at {where})"
            result.findings.append(Finding(path, None, message))
    metadata = report.get("a11y-metadata", {})
    absent = 0
    for kind in ("missing", "empty"):
        for item in metadata.get(kind, []):
            optional = item in OPTIONAL_METADATA
            absent += not optional
            result.findings.append(Finding(f"{epub_name}/EPUB/content.opf", None,
                                           f"accessibility metadata {item} is {kind}"
                                           + (" (optional: no outside evaluator)" if optional else ""),
                                           severity="warning" if optional else "error"))
    result.summary = f"Ace: {violations} violations, {absent} accessibility metadata items missing"
    if report.get("earl:result", {}).get("earl:outcome") == "fail" and not violations:
        # Ace's overall outcome fails on anything it counts as a violation.
        result.findings.append(Finding(epub_name, None, "Ace: the overall outcome is 'fail'"))
    return result
