"""The proof report: what a proofreader should look at, each with ``path:line``.

Four kinds of finding, all about the chapter sources (``content/chapters``):

- **spelling**: words the spelling checker (pyspellchecker, the book's
  language; spans marked ``{lang=xx}`` in another language are skipped)
  does not know, less the project word list
  (``content/wordlist.txt``) and the names the book already declares (index
  headings and forms, authors, publishers, the references' titles and
  authors, acronyms spelled out in the text);
- **typography**: what the build's own typography cannot fix. The build
  curls quotes (pandoc's ``smart``) and puts en dashes in number ranges
  (``transform.typography``), so a straight quote or a ``1845-1851`` in the
  source is *not* a finding: the report looks at the text *after* that
  conversion and reports what is still wrong there, at the source line it
  comes from: a quotation mark pandoc could not pair (it turns every pair
  into a quotation, so a lone ``"`` prints as a stray “ or ”), a straight
  quote left in a title (titles go through markdown-it, which leaves an
  unpaired quote straight), and a hyphen in a number range the transform
  does not recognise (``1990s-2000s``, ``1,000-2,000``). Doubled words
  (``the the``, ``also to also to``), doubled spaces and a space before
  punctuation are read in the source itself: Markdown hides a doubled space
  in print, but it is a slip all the same and usually marks an edit gone
  wrong;
- **consistency**: the same word spelled two ways once case and accents are
  folded (``Pérez``/``Perez``; the declared spelling, else the more common
  one, is taken as right), and an acronym used before the text spells it
  out (``Long Name (ABC)``);
- **apparatus**: the problems the collect stage and the apparatus report
  (index headings never found, unknown citations, chronology anchors that
  are not ids of their chapter), reused rather than re-implemented.

The report never changes the source: it tells.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from .config import Paths, load_config
from .errors import ContentError, Problem
from .sources import Chapter

CATEGORIES = ("spelling", "typography", "consistency", "apparatus")
WORDLIST = "wordlist.txt"  # in content/: one word a line, '#' starts a comment

# A placeholder for masked Markdown (attributes, URLs, code): not a letter,
# not a space, not punctuation, so that no check sees it as text.
HOLE = "\ufffc"


@dataclass(frozen=True)
class Finding:
    category: str  # one of CATEGORIES
    path: str  # as the build prints it: content/chapters/04-guidelines.md
    line: int | None
    message: str
    text: str = ""  # the offending text
    context: str = ""  # the source line around it, for the web page

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.category}: {self.message}"


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    title: str = ""

    def of(self, category: str) -> list[Finding]:
        return [f for f in self.findings if f.category == category]

    def counts(self) -> dict[str, int]:
        return {category: len(self.of(category)) for category in CATEGORIES}

    def distinct_words(self) -> int:
        """Unknown words counted once however often they occur."""
        return len({f.text.casefold() for f in self.of("spelling")})

    def summary(self, limit: int = 20) -> str:
        counts = self.counts()
        if not self.findings:
            return "proof report: no findings"
        lines = [f"proof report: {len(self.findings)} finding(s)"]
        for category in CATEGORIES:
            extra = f" ({self.distinct_words()} distinct words)" if category == "spelling" and counts[category] else ""
            lines.append(f"  {category}: {counts[category]}{extra}")
        lines.extend(str(f) for f in self.findings[:limit])
        if len(self.findings) > limit:
            lines.append(f"... and {len(self.findings) - limit} more in the report")
        return "\n".join(lines)

    def to_json(self) -> str:
        data = {"title": self.title, "counts": self.counts(), "distinct_unknown_words": self.distinct_words(),
                "findings": [asdict(f) for f in self.findings]}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- entry points ------------------------------------------------------------


def make_report(paths: Paths, book) -> Report:
    """The report on a collected book (``press.collect.collect``)."""
    chapters = [unit.chapter for unit in book.units]
    asts = [unit.ast for unit in book.units]
    apparatus = [*book.warnings, *_apparatus_checks(book)]
    return _report(paths, book.config, chapters, asts, apparatus, book.vocabulary)


def proof_report(paths: Paths, pandoc=None) -> Report:
    """Configure, read, collect and report; a book that does not collect
    (an unknown citation, a link to no id) still gets its source checks,
    with the collect stage's errors as apparatus findings.

    A broken ``book.yaml`` or front matter raises ContentError: without
    them there are no chapters to read.
    """
    from .collect import collect
    from .convert import Pandoc
    from .index import load_vocabulary
    from .sources import read_chapters

    config = load_config(paths)
    chapters = read_chapters(paths)
    pandoc = pandoc or Pandoc(paths.root / ".cache" / "pandoc")
    try:
        book = collect(paths, config, chapters, pandoc)
    except ContentError as exc:
        try:
            vocabulary = load_vocabulary(paths)
        except ContentError:
            vocabulary = None
        return _report(paths, config, chapters, None, exc.problems, vocabulary)
    return make_report(paths, book)


def write_report(report: Report, directory: Path, paths: Paths | None = None) -> list[str]:
    """Write ``report.html`` and ``report.json`` into ``directory``; return their names.

    The page is ``templates/proof/report.html.j2`` of the book's folder
    (``paths``), else of this project.
    """
    from .render import environment

    directory.mkdir(parents=True, exist_ok=True)
    if paths is None or not (paths.templates / "proof" / "report.html.j2").is_file():
        paths = Paths(Path(__file__).resolve().parent.parent)
    env = environment(paths)
    groups = [(c, report.of(c)) for c in CATEGORIES]
    html = env.get_template("proof/report.html.j2").render(report=report, groups=groups, counts=report.counts(),
                                                          distinct_words=report.distinct_words())
    (directory / "report.html").write_text(html, "utf-8")
    (directory / "report.json").write_text(report.to_json(), "utf-8")
    return ["report.html", "report.json"]


# --- the report ----------------------------------------------------------------


@dataclass
class Source:
    """A chapter's body, masked, with its languages."""

    chapter: Chapter
    lang: str
    masked: str  # the body with Markdown syntax replaced by HOLE (same length)
    spans: list[tuple[int, int, str]]  # (start, end, lang) of spans in another language

    def line(self, offset: int) -> int:
        return self.chapter.body_line + self.chapter.body.count("\n", 0, offset)

    def context(self, offset: int) -> str:
        body = self.chapter.body
        start = body.rfind("\n", 0, offset) + 1
        end = body.find("\n", offset)
        end = len(body) if end < 0 else end
        left, right = max(start, offset - 60), min(end, offset + 60)
        return ("…" if left > start else "") + body[left:right] + ("…" if right < end else "")

    def lang_at(self, offset: int) -> str:
        for start, end, lang in self.spans:
            if start <= offset < end:
                return lang
        return self.lang


def _report(paths: Paths, config, chapters: list[Chapter], asts: list[dict] | None,
            apparatus: Iterable[Problem], vocabulary) -> Report:
    sources = [_source(c, c.meta.lang or config.language) for c in chapters]
    declared = _declared_words(paths, config, vocabulary)
    acronyms = _acronym_definitions(sources)
    findings: list[Finding] = []
    findings += _spelling(paths, sources, declared, set(acronyms), config.language)
    findings += _doubled_words(sources) + _spacing(sources) + _title_quotes(chapters)
    if asts is not None:
        findings += _converted_text(sources, asts)
    findings += _name_spellings(sources, declared)
    findings += _acronyms_before_definition(sources, acronyms)
    findings += [Finding("apparatus", p.path, p.line, p.message) for p in sorted(set(apparatus), key=_order)]
    findings.sort(key=lambda f: (CATEGORIES.index(f.category), *_order(f)))
    return Report(findings, config.title)


def _order(item) -> tuple:
    return (item.path, item.line or 0, item.message)


# --- masking -------------------------------------------------------------------

_MASKS = [
    re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.M | re.S),  # fenced code
    re.compile(r"`[^`\n]+`"),  # inline code
    re.compile(r"<!--.*?-->", re.S),  # comments
    re.compile(r"</?[A-Za-z][^>\n]*>"),  # HTML tags
    re.compile(r"\{[^{}\n]*\}"),  # attributes: {#id .class key=val}
    re.compile(r"(?<=\])\([^()\s]*(?:\s+\"[^\"]*\")?\)"),  # link targets
    re.compile(r"^\[[^\]\n]+\]:.*$", re.M),  # link reference definitions
    re.compile(r"\[\^[^\]\s]+\](?::)?"),  # footnote marks and labels
    re.compile(r"\b(?:https?|ftp|mailto):[^\s<>\]\)]+|\bwww\.[^\s<>\]\)]+"),  # URLs
    re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"^:::.*$", re.M),  # fenced divs
    re.compile(r"^#{1,6}(?=\s)", re.M),  # heading marks
]


def _hole(match: re.Match) -> str:
    return re.sub(r"[^\n]", HOLE, match.group(0))


def mask(body: str) -> str:
    """The body with Markdown syntax, URLs and code replaced by HOLE, same length."""
    for pattern in _MASKS:
        body = pattern.sub(_hole, body)
    return body


_LANG_ATTR = re.compile(r"\]\{[^{}\n]*\blang=\"?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)\"?[^{}\n]*\}")


def _language_spans(body: str) -> list[tuple[int, int, str]]:
    """``[text]{lang=es}``: where the text of another language is (brackets may nest)."""
    spans = []
    for match in _LANG_ATTR.finditer(body):
        depth, index = 0, match.start()
        while index >= 0:
            char = body[index]
            if char == "]":
                depth += 1
            elif char == "[":
                depth -= 1
                if depth == 0:
                    spans.append((index + 1, match.start(), match.group(1).lower()))
                    break
            index -= 1
    return spans


def _source(chapter: Chapter, lang: str) -> Source:
    return Source(chapter, lang.lower(), mask(chapter.body), _language_spans(chapter.body))


# --- words ---------------------------------------------------------------------

# A run of letters, digits, apostrophes and hyphens; split and filtered below.
_RUN = re.compile(r"[\w'’-]+")
ROMAN = re.compile(r"^[IVXLCDM]+$")
ACRONYM = re.compile(r"^[A-Z][A-Z0-9&]*[A-Z][A-Z0-9&]*$")


def _words(text: str, base: int = 0) -> Iterable[tuple[int, str]]:
    """(offset, word): letters only; possessives and edge apostrophes dropped,
    hyphenated compounds split, anything with a digit skipped (19th, G15)."""
    for match in _RUN.finditer(text):
        run = match.group(0)
        if any(ch.isdigit() for ch in run) or "_" in run:
            continue
        offset = match.start()
        if run.endswith("-"):  # a word broken off ("Ser- [...]" where the source is lost)
            run = run[: run.rfind("-", 0, len(run) - 1) + 1] if run.count("-") > 1 else ""
        for part in re.finditer(r"[^-]+", run):
            word = part.group(0)
            start = offset + part.start()
            stripped = word.lstrip("'’")
            start += len(word) - len(stripped)
            word = re.sub(r"['’]s$", "", stripped).rstrip("'’")
            if len(word) > 1:
                yield base + start, word


def fold(word: str) -> str:
    """Case and accents folded: 'Pérez' and 'PEREZ' fold alike."""
    decomposed = unicodedata.normalize("NFD", word.replace("’", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _declared_words(paths: Paths, config, vocabulary) -> dict[str, set[str]]:
    """Words of the names the book declares, by language: accepted by the
    spelling check, and the authority on how a name is spelled."""
    declared: dict[str, set[str]] = defaultdict(set)
    base = config.language.lower()

    def add(text, lang=None):
        if text:
            declared[(lang or base).lower()].update(w for _, w in _words(str(text)))

    add(config.title)
    add(config.subtitle)
    for author in config.authors:
        add(author.name)
        add(getattr(author, "affiliation", None))
    for publisher in config.publishers:
        add(publisher.name)
        add(getattr(publisher, "short_name", None))
    if vocabulary is not None:
        for entry in vocabulary.model.entries.values():
            for text in (entry.heading, *entry.forms):
                add(text, entry.lang)
            for sub in entry.sub.values():
                for text in (sub.heading, *sub.forms):
                    add(text, entry.lang)
    for text in _reference_names(paths, config):
        add(text)
    return declared


def _reference_names(paths: Paths, config) -> list[str]:
    """Titles, authors, publishers and places of the references (CSL YAML)."""
    settings = getattr(config, "bibliography", None)
    if settings is None:
        return []
    import yaml

    path = paths.content / settings.references
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []  # the build reports a broken references file with its line
    out = []
    for item in data.get("references") or []:
        if not isinstance(item, dict):
            continue
        for key in ("title", "container-title", "publisher", "publisher-place", "collection-title"):
            if isinstance(item.get(key), str):
                out.append(item[key])
        for person in (item.get("author") or []) + (item.get("editor") or []):
            if isinstance(person, dict):
                out.extend(str(v) for k, v in person.items() if k in ("family", "given", "literal"))
    return out


def load_wordlist(paths: Paths) -> set[str]:
    path = paths.content / WORDLIST
    if not path.is_file():
        return set()
    words = set()
    for line in path.read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line.casefold())
    return words


@functools.cache
def _checker(lang: str):
    """pyspellchecker's bundled dictionary for a language, or None."""
    from spellchecker import SpellChecker

    try:
        return SpellChecker(language=lang.split("-")[0], distance=1)
    except ValueError:  # no dictionary for that language: its words are not checked
        return None


def _spelling(paths: Paths, sources: list[Source], declared: dict[str, set[str]], acronyms: set[str],
              book_lang: str) -> list[Finding]:
    project = load_wordlist(paths)
    accepted = project | {w.casefold() for words in declared.values() for w in words} | {
        a.casefold() for a in acronyms}
    findings = []
    unknown_cache: dict[tuple[str, str], str | None] = {}
    for source in sources:
        for offset, word in _words(source.masked):
            if word.casefold() in accepted or word.replace("’", "'").casefold() in accepted:
                continue
            if ROMAN.match(word):
                continue
            lang = source.lang_at(offset)
            if lang.split("-")[0] != book_lang.lower().split("-")[0]:
                # pyspellchecker's other dictionaries are word-frequency lists too thin
                # for proofs (its Spanish one lacks "hace", "hizo", "relaciones"):
                # text marked as another language is left to the proofreader.
                continue
            key = (lang, word.casefold())
            if key not in unknown_cache:
                unknown_cache[key] = _unknown(lang, word)
            verdict = unknown_cache[key]
            if verdict is None:
                continue
            message = f"unknown word '{word}'"
            if verdict:
                message += f"; did you mean '{verdict}'?"
            findings.append(Finding("spelling", source.chapter.shown, source.line(offset), message, word,
                                    source.context(offset)))
        for line, text in _front_matter_texts(source.chapter):
            for _, word in _words(mask(text)):
                if word.casefold() in accepted or ROMAN.match(word):
                    continue
                key = (source.lang, word.casefold())
                if key not in unknown_cache:
                    unknown_cache[key] = _unknown(source.lang, word)
                if unknown_cache[key] is not None:
                    hint = f"; did you mean '{unknown_cache[key]}'?" if unknown_cache[key] else ""
                    findings.append(Finding("spelling", source.chapter.shown, line,
                                            f"unknown word '{word}'{hint}", word, text))
    return findings


def _front_matter_texts(chapter: Chapter) -> list[tuple[int | None, str]]:
    """The printed text of the front matter: titles, byline, chronology events."""
    meta, located = chapter.meta, chapter.located
    texts = [(located.line_of((key,)), getattr(meta, key)) for key in ("title", "short_title", "byline")
             if getattr(meta, key, None)]
    texts += [(located.line_of(("chronology", index, "event")), item.event)
              for index, item in enumerate(meta.chronology)]
    return texts


def _unknown(lang: str, word: str) -> str | None:
    """None when the word is known; else a suggestion ('' when there is none)."""
    checker = _checker(lang)
    if checker is None:
        return None
    lowered = word.replace("’", "'").lower()
    if lowered in checker or lowered.replace("'", "") in checker:
        return None
    if "'" in lowered and all(part in checker for part in lowered.split("'") if part):
        return None  # elisions and contractions whose parts are words
    suggestion = checker.correction(lowered)
    return suggestion if suggestion and suggestion != lowered else ""


# --- typography ----------------------------------------------------------------

# Doubled words and phrases of up to four words: "the the", "also to also to".
# The repetition may straddle a line break (not a blank line: a new paragraph).
_DOUBLED = re.compile(r"(?<![\w'’-])((?:[^\W\d_]+[ \t]+){0,3}[^\W\d_]+)(?:[ \t]+|[ \t]*\n[ \t]*)\1(?![\w'’-])",
                      re.I)
_ALLOWED_DOUBLES = {"had had", "that that"}  # correct English, often on purpose
_DOUBLE_SPACE = re.compile(r"(?<=\S)[ \t]{2,}(?=\S)")
_SPACE_BEFORE = re.compile(r"(?<=[^\s" + HOLE + r"])[ \t]+([,;:.!?])(?!\.\.)(?![0-9])")


def _doubled_words(sources: list[Source]) -> list[Finding]:
    findings = []
    for source in sources:
        for match in _DOUBLED.finditer(source.masked):
            phrase = match.group(1)
            if " ".join(phrase.lower().split()) + " " + " ".join(phrase.lower().split()) in _ALLOWED_DOUBLES:
                continue
            findings.append(Finding("typography", source.chapter.shown, source.line(match.start()),
                                    f"doubled word(s): '{match.group(0)}'", match.group(0),
                                    source.context(match.start())))
    return findings


def _spacing(sources: list[Source]) -> list[Finding]:
    findings = []
    for source in sources:
        for line_start, line in _lines(source.masked):
            if line.lstrip().startswith("|"):  # pipe tables align with spaces
                continue
            for match in _DOUBLE_SPACE.finditer(line):
                at = line_start + match.start()
                findings.append(Finding("typography", source.chapter.shown, source.line(at),
                                        "doubled space", match.group(0), source.context(at)))
            for match in _SPACE_BEFORE.finditer(line):
                at = line_start + match.start()
                findings.append(Finding("typography", source.chapter.shown, source.line(at),
                                        f"space before '{match.group(1)}'", match.group(0), source.context(at)))
    return findings


def _lines(text: str) -> Iterable[tuple[int, str]]:
    start = 0
    for line in text.split("\n"):
        yield start, line
        start += len(line) + 1


def _title_quotes(chapters: list[Chapter]) -> list[Finding]:
    """Titles go through markdown-it's smartquotes, which leaves an unpaired quote straight."""
    from markupsafe import Markup

    from .collect import inline_markdown

    findings = []
    for chapter in chapters:
        for key in ("title", "short_title"):
            value = getattr(chapter.meta, key, None)
            if not value:
                continue
            text = Markup(inline_markdown(value)).striptags()
            for quote in sorted({q for q in ('"', "'") if q in text}):
                findings.append(Finding("typography", chapter.shown, chapter.located.line_of((key,)),
                                        f"straight quote {quote} left in the {key.replace('_', ' ')} after "
                                        "conversion: it could not be paired", quote, value))
    return findings


# After transform.typography: a number range still written with a hyphen,
# in a form the transform does not know (1990s-2000s, 1,000-2,000, XIX-XX is not numeric).
_RANGE_LEFT = re.compile(r"(?<![\d-])(\d[\d,.]*(?:s|st|nd|rd|th)?)-(\d[\d,.]*(?:s|st|nd|rd|th)?)(?![\d-])")


def _converted_text(sources: list[Source], asts: list[dict]) -> list[Finding]:
    """Typography left after conversion, read in the shared AST (pandoc's smart
    quotes and our number ranges applied) and traced back to its source line."""
    from .ast import iter_nodes

    findings = []
    for source, ast in zip(sources, asts):
        seen: Counter = Counter()
        for node in iter_nodes(ast["blocks"]):
            if node.get("t") != "Str":
                continue
            text = node["c"]
            if "\u201c" in text or "\u201d" in text:
                typed = text.replace("\u201c", '"').replace("\u201d", '"')
                at = _find(source, (typed, text), seen)
                findings.append(Finding("typography", source.chapter.shown, source.line(at),
                                        f"a quotation mark the conversion could not pair: '{text}' prints with a "
                                        "lone quote; close the quotation or remove the mark",
                                        text, source.context(at)))
            if text.count("-") == 1 and _RANGE_LEFT.search(text):
                at = _find(source, (text,), seen)
                findings.append(Finding("typography", source.chapter.shown, source.line(at),
                                        f"hyphen in a number range: '{text}' (use an en dash, –)",
                                        text, source.context(at)))
    return findings


def _find(source: Source, needles: tuple[str, ...], seen: Counter) -> int:
    """The offset of the next occurrence of a token in the body (k-th node, k-th occurrence)."""
    body = source.chapter.body
    for needle in needles:
        count = seen[needle]
        at = -1
        for _ in range(count + 1):
            at = body.find(needle, at + 1)
            if at < 0:
                break
        if at >= 0:
            seen[needle] += 1
            return at
    return 0


# --- consistency ---------------------------------------------------------------


def _name_spellings(sources: list[Source], declared: dict[str, set[str]]) -> list[Finding]:
    """One word, two spellings (accents, inner capitals): flag the less common one.

    Compared within a language (Spanish 'Perú' in a Spanish span is not an
    English 'Peru' misspelt). A capital first letter or an all-capitals
    heading is not a different spelling. When the book declares a spelling
    (index, authors, references), that one is right.
    """
    occurrences: dict[tuple[str, str], list[tuple[Source, int, str]]] = defaultdict(list)
    for source in sources:
        for offset, word in _words(source.masked):
            if word.isupper():
                continue
            occurrences[(source.lang_at(offset), fold(word))].append((source, offset, word))
    authority: dict[tuple[str, str], set[str]] = defaultdict(set)
    declared_as: dict[tuple[str, str], list[str]] = defaultdict(list)
    for lang, words in declared.items():
        for word in sorted(words):
            if not word.isupper():
                authority[(lang, fold(word))].add(_shape(word))
                declared_as[(lang, fold(word))].append(word)
    # A spelling the book declares in any language stands: 'Río de la Plata'
    # (a Spanish heading) beside the 'Rio de Janeiro Protocol'.
    anywhere = {_shape(word) for words in declared.values() for word in words}
    findings = []
    for key, found in occurrences.items():
        shapes = Counter(_shape(word) for _, _, word in found)
        right = authority.get(key, set()) & set(shapes) or authority.get(key, set())
        if len(shapes) < 2 and not (right and set(shapes) - right):
            continue
        if not right:
            first = {}
            for _, _, word in found:
                first.setdefault(_shape(word), len(first))
            best = max(shapes, key=lambda s: (shapes[s], -first[s]))
            right = {best}
        spelled = {_shape(w): w for _, _, w in reversed(found)}  # as first written
        spelled.update({_shape(w): w for w in declared_as.get(key, ())})
        shown = "' or '".join(sorted(spelled.get(s, s) for s in right))
        for source, offset, word in found:
            if _shape(word) in right or _shape(word) in anywhere:
                continue
            findings.append(Finding("consistency", source.chapter.shown, source.line(offset),
                                    f"'{word}' is spelled '{shown}' elsewhere in the book", word,
                                    source.context(offset)))
    return findings


def _shape(word: str) -> str:
    """A word as spelled, ignoring the capital a sentence or a title gives it."""
    word = word.replace("’", "'")
    return word[:1].lower() + word[1:]


# "Organization of American States (OAS)", "[Comunidad Andina]{lang=es} (CAN)",
# "(CECLA, for its Spanish acronym)": a word, then the acronym in brackets.
_DEFINITION = re.compile(r"(?<=[^\W\d_])[\]" + HOLE + r"]*[ \t]*\(([A-Z][A-Z0-9&]*[A-Z][A-Z0-9&]*)(?=[),;])")


def _acronym_definitions(sources: list[Source]) -> dict[str, tuple[int, int]]:
    """Acronym -> (unit index, offset) of its first definition in reading order."""
    found: dict[str, tuple[int, int]] = {}
    for index, source in enumerate(sources):
        for match in _DEFINITION.finditer(source.masked):
            found.setdefault(match.group(1), (index, match.start(1)))
    return found


def _acronyms_before_definition(sources: list[Source], definitions: dict[str, tuple[int, int]]) -> list[Finding]:
    findings = []
    for index, source in enumerate(sources):
        for offset, word in _words(source.masked):
            if word not in definitions or not ACRONYM.match(word) or _in_heading(source.masked, offset):
                continue
            where = definitions[word]
            if (index, offset) < where:
                defined = sources[where[0]]
                findings.append(Finding("consistency", source.chapter.shown, source.line(offset),
                                        f"acronym '{word}' is used before it is spelled out "
                                        f"({defined.chapter.shown}:{defined.line(where[1])})", word,
                                        source.context(offset)))
    return findings


def _in_heading(text: str, offset: int) -> bool:
    start = text.rfind("\n", 0, offset) + 1
    return text.startswith(HOLE, start) and text[start:offset].lstrip(HOLE).startswith((" ", "\t"))


# --- apparatus -----------------------------------------------------------------


def _apparatus_checks(book) -> list[Problem]:
    """The index's and the chronology's checks, run on the collected book.

    They are the apparatus stage's own functions (press.index.build_index,
    press.chronology.build_chronology), which are pure: the report gets the
    same problems whether or not the apparatus was built (``book.warnings``
    is filled only by ``apparatus.back_matter``, and a chronology problem
    there is an error that stops the build). Duplicates are dropped by the
    caller.
    """
    problems: list[Problem] = []
    if book.vocabulary is not None:
        from .index import build_index

        shown = {u.slug: u.chapter.shown for u in book.units}
        problems += build_index(book.vocabulary, book.index_marks, book.mark_labels, shown).problems
    if any(u.chapter.meta.chronology for u in book.units):
        from .chronology import build_chronology

        problems += build_chronology(book.units, book.config.chronology, book.strings, book.anchors,
                                     book.mark_labels).problems
    return problems
