"""No source markup in any edition's text.

What a reader must never see: Markdown (``^2^``, ``~2~``, ``**``, ``__``,
``[text](url)``, a heading's ``#``, a fenced div's ``:::``, a backslash
escape), pandoc attributes (``{#id}``, ``{.class}``, ``{lang=es}``), TeX
(``\\emph{…}``, ``$…$``), HTML comments and tags shown as text. Read in
the PDF's text (and its bookmarks), in the EPUB's and the web edition's
text outside code (``code``, ``pre``, ``kbd``, ``samp``, ``script``,
``style``, ``math``), and in the data files (the chronology's CSV and JSON).
A finding names the source line that holds the same text, when one does.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

from .issue import Issue

PATTERNS = [
    ("Markdown superscript", r"(?<!\^)\^[^\s^]{1,20}\^"),
    ("Markdown subscript", r"(?<!~)~[^\s~]{1,20}~(?!~)"),
    ("Markdown strong emphasis", r"\*\*[^\s*][^*\n]*?\*\*|\*\*\S|\S\*\*|(?<!\w)__\w|\w__(?!\w)"),
    ("Markdown emphasis", r"(?<![\w*])\*[^\s*][^*\n]{0,80}?(?<=\S)\*(?![\w*])"),
    ("a Markdown link", r"\[[^\]\n]+\]\([^)\s]+\)|\[[^\]\n]+\]\[[^\]\n]*\]"),
    ("a Markdown footnote or citation", r"\[\^[^\]\s]+\]|\[@[\w:.-]+"),
    ("a pandoc attribute", r"\{[#.][\w-]+(?:\s[^}\n]*)?\}|\{[\w-]+=[^}\n]*\}|\{-\}"),
    ("a pandoc fenced div", r"(?:^|\s):::"),
    ("a Markdown heading mark", r"^#{1,6}\s+\w"),
    ("a Markdown backslash escape", r"\\[*_`#\[\]{}^~]"),
    ("Markdown code", r"`[^`\n]+`"),
    ("a TeX command", r"\\[a-zA-Z]+\s*\{"),
    ("TeX math", r"(?<![\w$])\$[^\s$\d][^$\n]{0,80}?(?<=\S)\$(?![\w$])"),
    ("an HTML comment", r"<!--|-->"),
    ("an HTML tag", r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>\n]*)?/?>"),
]
COMPILED = [(what, re.compile(pattern, re.M)) for what, pattern in PATTERNS]
CODE = {"code", "pre", "kbd", "samp", "script", "style", "math", "var"}


def leaks(text: str) -> list[tuple[str, str]]:
    """Each piece of source markup in ``text``: what it is, the markup, the text around it, and the
    markup with the word before it (to find its source line)."""
    found = []
    for what, pattern in COMPILED:
        tokens = set()
        for match in pattern.finditer(text):
            if any(match[0] in t or t in match[0] for t in tokens):
                continue  # "**bold**" once, not for each of its marks
            tokens.add(match[0])
            start, end = max(0, match.start() - 20), min(len(text), match.end() + 20)
            found.append((what, match[0], " ".join(text[start:end].split()),
                          " ".join(text[max(0, match.start() - 12):match.end()].split()[1:] or [match[0]])))
    return found


def _issues(text: str, path: str, page: int | None = None, line: int | None = None,
            where: str = "") -> list[Issue]:
    return [Issue("markup", f"{what} '{token}' in the text{where}: …{context}…", page, path=path,
                  line=line, trace=(near, token))
            for what, token, context, near in leaks(text)]


def in_pdf(document, shown: str) -> list[Issue]:
    issues = []
    for page in document.pages:
        for line in page.lines:
            # code (a fixed-pitch face) is left out, as it is in the EPUB and the web edition
            text = "".join(" " if c.mono else c.text for c in line.chars)
            issues += _issues(text, shown, page.number, where=f" of p. {page.label}")
    for _level, title, index in document.outline:
        issues += _issues(title, shown, index + 1 if index is not None else None, where=" of a bookmark")
    return issues


def in_markup(data: bytes, shown: str) -> list[Issue]:
    """An XHTML or HTML file: its text and its images' alternative text, outside code."""
    from lxml import etree, html

    try:
        root = html.document_fromstring(data)
    except (etree.ParserError, ValueError):
        return []
    issues = []

    def walk(element, in_code: bool) -> None:
        tag = element.tag.rsplit("}", 1)[-1].lower() if isinstance(element.tag, str) else ""
        code = in_code or tag in CODE or not tag  # comments and processing instructions are not text
        if not code:
            for text in (element.text, element.get("alt")):
                if text:
                    issues.extend(_issues(text, shown, line=element.sourceline))
        for child in element:
            walk(child, code)
            if child.tail and not code:
                issues.extend(_issues(child.tail, shown, line=child.sourceline))

    walk(root, False)
    return issues


def in_epub(path: Path, shown: str) -> list[Issue]:
    issues = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if name.endswith((".xhtml", ".html")):
                issues += in_markup(archive.read(name), f"{shown}/{name}")
    return issues


def in_web(folder: Path, out: Path) -> list[Issue]:
    issues = []
    for page in sorted(folder.rglob("*.html")):
        issues += in_markup(page.read_bytes(), page.relative_to(out).as_posix())
    return issues


def in_data(path: Path, shown: str) -> list[Issue]:
    """The data files' text fields; not a field named for the markup it holds ("html", "markdown")."""
    text = path.read_text("utf-8")
    if path.suffix == ".json":
        try:
            values = list(_strings(json.loads(text)))
        except ValueError:
            return []
    else:
        values = [("", cell) for row in csv.reader(io.StringIO(text)) for cell in row]
    issues = []
    for key, value in values:
        if not any(word in key.lower() for word in ("html", "markdown", "source")):
            issues += _issues(value, shown, where=f" ({key})" if key else "")
    return issues


def _strings(data, key: str = ""):
    if isinstance(data, str):
        yield key, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(v, str(k))
    elif isinstance(data, list):
        for v in data:
            yield from _strings(v, key)


def _plain_source(line: str) -> str:
    """A source line as its text prints: Markdown's backslash escapes and no-break spaces undone."""
    line = re.sub(r"\\([^\w\s])", r"\1", line.replace("\\ ", " ").replace("\u00a0", " "))
    return " ".join(line.split())


class Sources:
    """The book's source text, to name the line a piece of printed text comes from."""

    def __init__(self, root: Path):
        self.root = root
        self.files = []
        content = root / "content"
        if content.is_dir():
            for path in sorted(content.rglob("*")):
                # Not content/source/: the manuscript is not the book's source text.
                if path.suffix in (".md", ".yaml", ".yml", ".bib") and path.parent.name != "source":
                    try:
                        self.files.append((path, path.read_text("utf-8").split("\n")))
                    except UnicodeDecodeError:
                        continue

    def locate(self, snippets: str | tuple[str, ...]) -> str | None:
        """``path:line`` of the first source line holding a snippet (or its first words), best first."""
        probes = []
        for snippet in (snippets,) if isinstance(snippets, str) else snippets:
            snippet = " ".join(snippet.split())
            probes += [snippet, snippet[:30]]
        for probe in probes:
            if len(probe) < 3:
                continue
            for path, lines in self.files:
                for number, line in enumerate(lines, 1):
                    if probe in _plain_source(line):
                        return f"{path.relative_to(self.root).as_posix()}:{number}"
        return None
