"""The one policy for raw HTML in every source text (issue 19).

A chapter's body, a title, a byline, an index heading, a chronology event:
whatever pandoc reads as raw HTML (RawInline and RawBlock nodes) is parsed
here as a browser parses it, with html5ever inside nh3 (the Rust sanitiser
ammonia), never with a regular expression: ``<SCRIPT>``, ``<b/onclick=x>``
and ``href="java&#x73;cript:"`` are what a browser and pandoc see, and what
this module sees. What is not on the allow-list is refused, with a reason
that names the element, attribute or address; nothing is silently cleaned,
so the text a writer typed is the text every edition shows.

The same rules apply to the attributes pandoc reads natively
(``[a]{onclick=x}``) and to the targets of Markdown links and images.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import nh3

from .ast import ATTR_INDEX, attr, iter_nodes

RAW_FORMATS = ("html", "html4", "html5", "epub", "epub2", "epub3")

# Elements that only set text: phrasing and structure, no media, no forms,
# nothing that loads, runs or frames anything.
ALLOWED_ELEMENTS = frozenset("""
    a abbr b bdi bdo blockquote br caption cite code col colgroup dd del details dfn div dl dt em
    figcaption figure h1 h2 h3 h4 h5 h6 hr i ins kbd li mark ol p pre q rp rt ruby s samp section
    aside small span strong sub summary sup table tbody td tfoot th thead time tr u ul var wbr
""".split())

ALLOWED_ATTRIBUTES = frozenset("""
    id class title lang dir role style href cite datetime colspan rowspan scope headers abbr start
    reversed type value open span xml:lang epub:type translate
""".split())
ALLOWED_PREFIXES = ("aria-", "data-")

# Attributes that make a browser or pandoc's EPUB writer fetch or embed a file.
LOADING_ATTRIBUTES = frozenset("""
    src srcset poster data action formaction background lowsrc dynsrc xlink:href codebase
    archive longdesc manifest ping
""".split())
URL_ATTRIBUTES = frozenset({"href", "cite"})
BAD_SCHEMES = ("javascript:", "data:", "file:", "vbscript:")

# CSS that loads a file or runs code: url(), image-set(), @import,
# expression() (old IE), behavior/-moz-binding; a backslash could spell any
# of them with CSS escapes, so one is refused too.
BAD_CSS = re.compile(r"url\s*\(|image-set\s*\(|@import|expression\s*\(|behavior\s*:|binding\s*:|\\", re.I)

# Every name that could open a tag, as html5ever's tokenizer reads one; the
# first pass keeps all of them, so that nothing is lost before it is judged.
_TAG_NAME = re.compile(r"</?([A-Za-z][^\t\n\f\r />]*)")
_SERIALISED_TAG = re.compile(r"<([a-z][^\t\n\f\r />]*)")
_ALL_SCHEMES = {"javascript", "data", "file", "vbscript", "http", "https", "mailto", "ftp", "tel"}

REMEDY = ("remove it, or write it as Markdown (an image as ![alt](images/file.png)); "
          "raw HTML may only mark text (<span>, <em>, <sup>, <abbr>, ...)")


def url_problem(url: str) -> str | None:
    """Why a link target may not be used, or None: a scheme that runs code or reads files."""
    # Browsers drop ASCII whitespace and controls inside a scheme ("java\tscript:").
    squeezed = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    for scheme in BAD_SCHEMES:
        if squeezed.startswith(scheme):
            return f"the address '{url.strip()[:40]}' uses {scheme}, which runs code or reads files"
    return None


def attribute_problem(element: str, name: str, value: str) -> str | None:
    """Why an attribute may not be given, or None; ``element`` names it in the reason."""
    name = name.lower()
    where = f"<{element} {name}=...>" if element else f"the attribute {name}"
    if name.startswith("on"):
        return f"{where} is an event handler, which runs a script"
    if name in LOADING_ATTRIBUTES:
        return f"{where} loads or embeds a file"
    if name == "style" and BAD_CSS.search(value):
        return f"{where} holds CSS that loads a file (url(), @import) or runs code"
    if name in URL_ATTRIBUTES or name.endswith(":href"):
        return url_problem(value)
    return None


def fragment_problems(html: str) -> list[str]:
    """What is wrong with one piece of raw HTML, each as a reason (empty: it may pass)."""
    seen: list[tuple[str, str, str]] = []

    def record(element: str, name: str, value: str) -> str:
        seen.append((element, name, value))
        return value

    # Pass one keeps every element and attribute, so that the filter sees each
    # attribute as a browser would (entities decoded, names in lower case).
    names = {m.group(1).lower() for m in _TAG_NAME.finditer(html)}
    keep = (names | ALLOWED_ELEMENTS | {"script", "style"})
    # A table's parts out of a table are dropped by a fragment parser (pandoc
    # gives each tag of a raw table a node of its own): they are read in one too.
    parsed = ""
    for context in ("", "<table>", "<table><tr>"):
        try:
            parsed += nh3.clean(context + html, tags=keep, clean_content_tags=set(), attributes={},
                                generic_attribute_prefixes={""}, attribute_filter=record,
                                strip_comments=False, link_rel=None, url_schemes=_ALL_SCHEMES)
        except BaseException:  # nh3 refuses a tag name it cannot hold (pyo3 raises PanicException)
            return ["raw HTML that cannot be read as HTML"]
    problems = []
    # A tag the fragment parser drops (<body onload=...>, <frameset>) may still
    # act in a whole page: every name the tokenizer could read is judged too.
    opened = names | {m.group(1) for m in _SERIALISED_TAG.finditer(parsed)}
    for element in sorted(opened - ALLOWED_ELEMENTS):
        problems.append(f"the element <{element}> is not on the allow-list of raw HTML "
                        "(it can run, load, embed or frame something)")
    for element, name, value in dict.fromkeys(seen):
        reason = attribute_problem(element, name, value)
        if reason is None and not (name in ALLOWED_ATTRIBUTES or name.startswith(ALLOWED_PREFIXES)):
            reason = f"<{element} {name}=...> is not an attribute raw HTML may use"
        if reason:
            problems.append(reason)
    return list(dict.fromkeys(problems))


def problems(blocks: list) -> Iterator[tuple[str, str]]:
    """``(source text to find, reason)`` for each piece of raw HTML, attribute or
    link target in ``blocks`` that the policy refuses."""
    for node in iter_nodes(blocks):
        t = node["t"]
        if t in ("RawBlock", "RawInline"):
            if node["c"][0].lower() in RAW_FORMATS:
                for reason in fragment_problems(node["c"][1]):
                    yield node["c"][1], reason
            continue
        if t in ATTR_INDEX:
            for key, value in attr(node)[2]:
                reason = attribute_problem("", key, value)
                if reason:  # the value as typed finds the line (pandoc gives the key in lower case)
                    yield value.strip() or key, reason
        if t in ("Link", "Image"):
            reason = url_problem(node["c"][2][0])
            if reason:
                yield node["c"][2][0], reason


def strings_in(value, path: tuple = ()) -> Iterator[tuple[tuple, str]]:
    """Every string inside YAML data, with its key path (for a line number)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from strings_in(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from strings_in(item, (*path, index))


def data_problems(value) -> Iterator[tuple[tuple, str]]:
    """``(key path, reason)`` for each string in YAML data (a reference of
    references.yaml) that holds raw HTML the policy refuses, or whose ``URL``
    uses a scheme that runs code or reads files."""
    for path, text in strings_in(value):
        for reason in fragment_problems(text):
            yield path, reason
        if path and str(path[-1]).lower() == "url":
            reason = url_problem(text)
            if reason:
                yield path, reason
