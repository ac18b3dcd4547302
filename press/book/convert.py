"""Convert: pandoc (through pypandoc) turns Markdown into its JSON AST and back.

Every conversion is cached by a hash of pandoc's version, the arguments and
the input, so an unchanged chapter is never converted twice. The chapters
that do need converting go to pandoc in one call, not one call each: pandoc
costs tens of milliseconds to start, which dominates on a book of many short
chapters. pandoc's own log (``--log``, JSON) is read after each call, so
warnings reach the build instead of being lost on stderr.
"""

from __future__ import annotations

import hashlib
from html import escape as html_escape
import json
import os
import re
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

from .ast import ATTR_INDEX, document, iter_nodes
from ..tools import pandoc_path, pandoc_version

# pandoc Markdown as the book's source format. Metadata blocks inside a body
# are off (front matter is ours), and so are automatic identifiers: headings
# get stable ids from the collect stage instead, unique across the book.
READER = "markdown-yaml_metadata_block-auto_identifiers+smart"
PARSE_ARGS = ["--sandbox"]
HTML_ARGS = ["--sandbox", "--wrap=none", "--mathml"]  # TeX math as MathML (press.book.math)
SPLIT = "press-split"  # marker between chapters in a batched conversion
# --file-scope prefixes ids with the file's path, "/" written "__":
# "tmp__press-batch-x__00003.md__id".
FILE_PREFIX = re.compile(r"^#?[^#\s]*?\d{5}\.md__")


# Options whose value is a file pandoc reads (its content goes into the cache key).
FILE_OPTIONS = ("--bibliography=", "--csl=")


@dataclass
class Warning_:
    message: str
    source: str | None = None  # the chapter (shown path) the call was for


@dataclass
class Pandoc:
    cache_dir: Path | None
    warnings: list[Warning_] = field(default_factory=list)
    calls: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    # --- one conversion ---------------------------------------------------
    def run(self, text: str, fmt: str, to: str, args: list[str], source: str | None = None,
            output_file: Path | None = None) -> str:
        """Run pandoc once (or take the cached result); return its output."""
        return self.run_logged(text, fmt, to, args, source, output_file)[0]

    def run_logged(self, text: str, fmt: str, to: str, args: list[str], source: str | None = None,
                   output_file: Path | None = None) -> tuple[str, list[str]]:
        """``run``, returning pandoc's warnings too (already noted), for callers that keep them."""
        key = self.key(fmt, to, args, text)
        cached = self.cache_get(key) if output_file is None else None
        if cached is not None:
            result, messages = cached
        else:
            result, messages = self._call(text, fmt, to, args, output_file=output_file)
            if output_file is None:
                self.cache_put(key, result, messages)
        self.note(messages, source)
        return result or "", messages

    def _call(self, source, fmt: str, to: str, args: list[str], output_file: Path | None = None,
              files: bool = False) -> tuple[str, list[str]]:
        import pypandoc

        pandoc_path()
        with tempfile.TemporaryDirectory(prefix="press-pandoc-") as tmp:
            log = Path(tmp) / "log.json"
            # Every call in pandoc's sandbox, readers and writers: it reads only
            # the files its options name (the bibliography, the CSL style, the
            # EPUB's metadata and fonts), never one a document points at.
            extra = ["--sandbox", *(a for a in args if a != "--sandbox"), f"--log={log}", "--quiet"]
            with self._lock:
                self.calls += 1
            convert = pypandoc.convert_file if files else pypandoc.convert_text
            result = convert(
                source, to, format=fmt, extra_args=extra,
                outputfile=str(output_file) if output_file else None,
                sandbox=False,  # --sandbox is in extra, for every call
                verify_format=False,  # it would run pandoc twice more per call
                **({"sort_files": False} if files else {}),
            )
            return result, _read_log(log)

    def note(self, messages: list[str], source: str | None) -> None:
        with self._lock:
            self.warnings.extend(Warning_(m, source) for m in messages)

    # --- the cache ----------------------------------------------------------
    @staticmethod
    def key(fmt: str, to: str, args: list[str], text: str) -> str:
        # The files an option names (the references, the CSL style) are part of
        # the input: an edited references.yaml must not bring back the old entries.
        files = [hashlib.sha256(Path(arg.split("=", 1)[1]).read_bytes()).hexdigest()
                 for arg in args if arg.startswith(FILE_OPTIONS) and Path(arg.split("=", 1)[1]).is_file()]
        return hashlib.sha256(json.dumps([pandoc_version(), fmt, to, args, files, text]).encode("utf-8")).hexdigest()

    def cache_get(self, key: str):
        if self.cache_dir is None:
            return None
        try:
            data = json.loads((self.cache_dir / f"{key}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if not (isinstance(data, dict) and isinstance(data.get("result"), str)
                and isinstance(data.get("messages"), list)):
            return None  # a damaged entry (`{}`, a truncated write) is a miss, converted again
        if data.get("key") != key or data.get("sha256") != _sha(data["result"], data["messages"]):
            return None  # another key's entry (files swapped) or an edited one: converted again
        return data["result"], data["messages"]

    def cache_put(self, key: str, result: str, messages: list[str]) -> None:
        if self.cache_dir is None:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"key": key, "sha256": _sha(result, messages), "result": result, "messages": messages}, handle)
        os.replace(tmp, self.cache_dir / f"{key}.json")


def _sha(result: str, messages: list) -> str:
    """What a cache entry's payload must hash to: an entry checks itself when read."""
    return hashlib.sha256(json.dumps([result, messages], ensure_ascii=False).encode("utf-8")).hexdigest()


def _read_log(path: Path) -> list[str]:
    """pandoc's JSON log: keep warnings and errors, drop INFO chatter."""
    try:
        entries = json.loads(path.read_text("utf-8") or "[]")
    except (OSError, ValueError):
        return []
    return [e.get("pretty") or e.get("message", "") for e in entries if e.get("verbosity") != "INFO"]


# --- Markdown to AST -----------------------------------------------------------

def parse_markdown(pandoc: Pandoc, body: str, source: str) -> dict:
    """One chapter body to pandoc's AST; reads nothing but its input (sandbox)."""
    return json.loads(pandoc.run(body, READER, "json", PARSE_ARGS, source=source))


def parse_logged(pandoc: Pandoc, items: list[tuple[str, str]]) -> list[tuple[dict, list[str]]]:
    """Many chapter bodies (source, body) to ASTs, each with pandoc's warnings for it.

    The chapters not in the cache go to pandoc in one call. Each body is its
    own file and ``--file-scope`` parses files separately (footnote labels
    and open fences cannot leak from one chapter to the next); a marker div
    heads each file so the result can be cut apart. If the markers do not
    come back exactly, or pandoc warns (a warning must name its chapter), the
    chapters are converted one by one instead. Warnings are noted under
    their chapter whether or not they come from the cache, so that a build
    reports the same warnings with a warm cache as with a cold one.
    """
    keys = [pandoc.key(READER, "json", PARSE_ARGS, body) for _, body in items]
    results: list[tuple[dict, list[str]] | None] = []
    for (source, _), key in zip(items, keys):
        cached = pandoc.cache_get(key)
        results.append(None if cached is None else (json.loads(cached[0]), cached[1]))
        if cached is not None:
            pandoc.note(cached[1], source)
    missing = [i for i, r in enumerate(results) if r is None]
    if len(missing) > 1:
        for index, doc in zip(missing, _parse_batch(pandoc, [items[i][1] for i in missing]) or []):
            pandoc.cache_put(keys[index], json.dumps(doc), [])
            results[index] = (doc, [])
    for index, result in enumerate(results):
        if result is None:
            text, messages = pandoc.run_logged(items[index][1], READER, "json", PARSE_ARGS, source=items[index][0])
            results[index] = (json.loads(text), messages)
    return results  # type: ignore[return-value]


def _parse_batch(pandoc: Pandoc, bodies: list[str]) -> list[dict] | None:
    with tempfile.TemporaryDirectory(prefix="press-batch-") as tmp:
        files = []
        for index, body in enumerate(bodies):
            path = Path(tmp) / f"{index:05d}.md"
            path.write_text(f'<div class="{SPLIT}" data-n="{index}"></div>\n\n{body}\n', "utf-8")
            files.append(str(path))
        output, messages = pandoc._call(files, READER, "json", [*PARSE_ARGS, "--file-scope"], files=True)
    parts = None if messages else _split_doc(json.loads(output), len(bodies))
    for part in parts or []:
        _unprefix(part["blocks"])
    return parts


def _split_doc(doc: dict, count: int) -> list[dict] | None:
    """A batched document cut at its marker divs; None if they did not all come back in order."""
    parts: list[dict] = []
    for block in doc["blocks"]:
        attrs = block["c"][0] if block["t"] == "Div" else None
        if attrs and SPLIT in attrs[1]:
            if dict(attrs[2]).get("data-n") != str(len(parts)):
                return None
            parts.append({**doc, "blocks": []})
        elif parts:
            parts[-1]["blocks"].append(block)
        else:
            return None
    return parts if len(parts) == count else None


def _unprefix(value) -> None:
    """Undo ``--file-scope``'s file-name prefix on ids and links ("00003.md__x" -> "x"), in place."""
    for node in iter_nodes(value):
        t = node["t"]
        if t in ATTR_INDEX:
            attrs = node["c"][ATTR_INDEX[t]]
            attrs[0] = FILE_PREFIX.sub("", attrs[0])
        if t in ("Link", "Image"):
            target = node["c"][2]
            target[0] = FILE_PREFIX.sub("#", target[0]) if target[0].startswith("#") else target[0]


# --- AST to HTML ------------------------------------------------------------------

def to_html(pandoc: Pandoc, ast: dict, source: str | None = None) -> str:
    """An AST fragment to HTML5 (a body fragment, no template)."""
    return pandoc.run(json.dumps(ast, ensure_ascii=False), "json", "html5", HTML_ARGS, source=source)


def to_html_logged(pandoc: Pandoc, docs: list[dict]) -> list[tuple[str, list[str]]]:
    """Many AST fragments to HTML in one call, each wrapped in a marker div;
    each with pandoc's warnings for it, noted whether or not they come from the cache."""
    texts = [json.dumps(doc, ensure_ascii=False) for doc in docs]
    keys = [pandoc.key("json", "html5", HTML_ARGS, text) for text in texts]
    results: list[tuple[str, list[str]] | None] = []
    for key in keys:
        cached = pandoc.cache_get(key)
        results.append(cached)
        if cached is not None:
            pandoc.note(cached[1], None)
    missing = [i for i, r in enumerate(results) if r is None]
    # One fragment goes through the batch too: its HTML is then serialised as
    # the batch's is (lxml: <br>, not pandoc's <br />), so that a unit redone
    # alone (the live preview, a warm cache) gives the bytes of a cold build.
    if missing:
        blocks = []
        for index in missing:
            blocks.append({"t": "Div", "c": [[f"{SPLIT}-{index}", [SPLIT], []], docs[index]["blocks"]]})
        batch = {**docs[missing[0]], "blocks": blocks}
        output, messages = pandoc._call(json.dumps(batch, ensure_ascii=False), "json", "html5", HTML_ARGS)
        pieces = _split_html(output, missing) if not messages else None
        for index, piece in (pieces or {}).items():
            pandoc.cache_put(keys[index], piece, [])
            results[index] = (piece, [])
    for index, result in enumerate(results):
        if result is None:
            results[index] = pandoc.run_logged(texts[index], "json", "html5", HTML_ARGS)
    return results  # type: ignore[return-value]


def _split_html(output: str, indices: list[int]) -> dict[int, str] | None:
    pieces: dict[int, str] = {}
    for element in lxml_html.fragments_fromstring(output) if output.strip() else []:
        if isinstance(element, str) or element.get("class") != SPLIT:
            return None
        index = int(element.get("id").rsplit("-", 1)[1])
        # lxml gives the text before the first child decoded: escaped again, or a
        # title's "\<script\>" would reach every page as a script (issue 19).
        inner = html_escape((element.text or "").lstrip("\n"), quote=False) + "".join(
            lxml_html.tostring(child, encoding="unicode") for child in element)
        pieces[index] = inner
    return pieces if sorted(pieces) == sorted(indices) else None


# --- short texts (press.book.phrases) ----------------------------------------------------

def _phrase_table(pandoc: Pandoc, name: str, args: list[str]):
    """One file of results by input text: a book has hundreds of short texts,
    and one table is read faster than a cache file for each."""
    from ..memo import KeptTable

    return KeptTable(pandoc.cache_dir, name, json.dumps([pandoc_version(), READER, args]))


def parse_phrases(pandoc: Pandoc, items: list[tuple[str | None, str]]) -> list[list]:
    """Short Markdown texts (source, text) to AST blocks, with the body's reader.

    The texts not kept from an earlier build go to pandoc in one call: the
    texts of one line as paragraphs of one document, between marker divs
    (press.book.phrases starts each with a word, so that no line of them can
    open a block, a fence or a link definition that would reach the next
    text); any text of several lines in a file of its own (``--file-scope``,
    as for the chapters), in one more call. If a call warns, its texts are
    parsed one by one, so that each warning names its source. (Writing a
    file for each of a book's hundreds of phrases costs more than pandoc.)
    """
    table = _phrase_table(pandoc, "phrases-ast", PARSE_ARGS)
    missing = sorted({text for _, text in items if table.get(text) is None})
    sources = {text: source for source, text in reversed(items)}
    lines = [t for t in missing if not _MULTILINE.search(t)]
    for group, parse in ((lines, _parse_lines), ([t for t in missing if t not in set(lines)], _parse_batch)):
        if not group:
            continue
        docs = parse(pandoc, group)
        if docs is None:
            docs = [json.loads(pandoc.run(text, READER, "json", PARSE_ARGS, source=sources[text]))
                    for text in group]
        for text, doc in zip(group, docs):
            table.put(text, doc["blocks"])
    table.save()
    # A copy each: the typography edits the blocks in place.
    return [json.loads(json.dumps(table.get(text), ensure_ascii=False)) for _, text in items]


_MULTILINE = re.compile(r"[\r\n]")


def _parse_lines(pandoc: Pandoc, texts: list[str]) -> list[dict] | None:
    source = "".join(f'<div class="{SPLIT}" data-n="{n}"></div>\n\n{text}\n\n' for n, text in enumerate(texts))
    output, messages = pandoc._call(source, READER, "json", PARSE_ARGS)
    return None if messages else _split_doc(json.loads(output), len(texts))


def phrases_html(pandoc: Pandoc, fragments: list[list]) -> list[str]:
    """Inline AST fragments to HTML (no paragraph around them), in one pandoc call."""
    # "-2": the pieces kept before the leading text was escaped again (issue 19) are not read.
    table = _phrase_table(pandoc, "phrases-html-2", HTML_ARGS)
    # Keys sorted: a fragment read back from the kept table has its keys sorted.
    texts = [json.dumps(inlines, ensure_ascii=False, sort_keys=True) for inlines in fragments]
    missing = sorted({text for text in texts if table.get(text) is None})
    if missing:
        blocks = [{"t": "Div", "c": [[f"{SPLIT}-{index}", [SPLIT], []], [{"t": "Plain", "c": json.loads(text)}]]}
                  for index, text in enumerate(missing)]
        output, messages = pandoc._call(json.dumps(document(blocks), ensure_ascii=False), "json", "html5",
                                        HTML_ARGS)
        pandoc.note(messages, "book text")
        pieces = _split_html(output, list(range(len(missing)))) or {}
        for index, text in enumerate(missing):
            piece = pieces.get(index)
            if piece is None:  # the markers did not come back: one call for this one
                piece = pandoc.run(json.dumps(document([{"t": "Plain", "c": json.loads(text)}])), "json",
                                   "html5", HTML_ARGS, source="book text")
            table.put(text, piece.strip("\n"))
    table.save()
    return [table.get(text) for text in texts]
