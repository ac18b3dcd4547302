"""The web edition: the Nu HTML Checker, and what a reader's browser needs."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import html

from ..errors import ToolError
from . import Editions, Finding, Result, java, npm_checkers, npm_version

# Attributes that load or link to another file of the site.
LINKS = {"a": "href", "area": "href", "link": "href", "img": "src", "script": "src", "source": "src",
         "iframe": "src", "video": "src", "audio": "src", "object": "data", "use": "href"}


def pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


def nu(editions: Editions) -> Result:
    """The Nu HTML Checker (vnu.jar from npm) on every page, in one Java call."""
    name = "Nu"
    missing = editions.missing(editions.html, name)
    if missing:
        return missing
    jar = npm_checkers() / "vnu-jar" / "build" / "dist" / "vnu.jar"
    files = pages(editions.html)
    done = subprocess.run([java(), "-jar", str(jar), "--format", "json", "--exit-zero-always",
                           *map(str, files)], capture_output=True, text=True, timeout=600)
    try:
        messages = json.loads(done.stderr or done.stdout)["messages"]
    except (ValueError, KeyError):
        raise ToolError(f"the Nu HTML Checker failed: {(done.stderr or done.stdout).strip()[-500:]}") from None
    result = Result(name, version=npm_version("vnu-jar"))
    errors = warnings = 0
    for message in messages:
        url = message.get("url", "")
        path = editions.relative(Path(unquote(urlsplit(url).path))) if url.startswith("file:") else url
        if message["type"] == "info" and message.get("subType") != "warning":
            continue
        error = message["type"] in ("error", "non-document-error")
        errors += error
        warnings += not error
        result.findings.append(Finding(path, message.get("lastLine"), message["message"],
                                       severity="error" if error else "warning"))
    result.summary = f"Nu: {errors} errors on {len(files)} pages ({warnings} warnings)"
    return result


def site(editions: Editions) -> Result:
    """Every internal link and fragment resolves; every page has a language,
    a title and one h1; every image has a text alternative."""
    name = "Web"
    missing = editions.missing(editions.html, name)
    if missing:
        return missing
    folder = editions.html
    trees = {path: html.parse(str(path)).getroot() for path in pages(folder)}
    ids = {path: {e.get("id") for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
           | {e.get("name") for e in root.iter("a") if e.get("name")}
           for path, root in trees.items()}
    result = Result(name)
    links = 0
    for path, root in trees.items():
        shown = editions.relative(path)

        def add(element, message: str) -> None:
            result.findings.append(Finding(shown, getattr(element, "sourceline", None), message))

        if not (root.get("lang") or "").strip():
            add(root, "the page has no language: <html lang> is missing or empty")
        if not root.xpath("normalize-space(//head/title)"):
            add(root, "the page has no <title>")
        headings = root.xpath("//h1")
        if len(headings) != 1:
            add(headings[1] if len(headings) > 1 else root, f"the page has {len(headings)} h1 elements, not one")
        for image in root.iter("img"):
            if image.get("alt") is None or (not image.get("alt").strip() and not _decorative(image)):
                add(image, f"image '{image.get('src')}' has no text alternative (alt)")
        for element in root.iter(*LINKS):
            target = element.get(LINKS[element.tag])
            if target is None:
                continue
            links += 1
            problem = _resolve(path, target, folder, ids)
            if problem:
                add(element, problem)
    result.summary = (f"Web: {len(result.errors)} problems on {len(trees)} pages "
                      f"({links} links, images and files checked)")
    return result


def _decorative(image) -> bool:
    # alt="" is right for an image that says nothing, when it is marked so.
    return image.get("role") in ("presentation", "none") or image.get("aria-hidden") == "true"


def _resolve(page: Path, target: str, folder: Path, ids: dict[Path, set[str]]) -> str | None:
    """What is wrong with an internal link, or None (external links are not followed)."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None if parts.scheme in ("http", "https", "mailto", "tel", "data") else \
            f"link '{target}': unexpected scheme '{parts.scheme}'"
    file = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not file.is_relative_to(folder.resolve()):
        return f"link '{target}' leaves the web edition"
    if file.is_dir():
        file = file / "index.html"
    if not file.is_file():
        return f"link '{target}': no file {file.relative_to(folder.resolve()).as_posix()}"
    fragment = unquote(parts.fragment)
    if fragment and file.suffix == ".html" and fragment not in ids.get(file, set()):
        return f"link '{target}': no id '{fragment}' in {file.name}"
    return None
