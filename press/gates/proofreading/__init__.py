"""The proof report: what a proofreader should look at, each with ``path:line``.

Four kinds of finding, all about the chapter sources (``content/chapters``):

- **spelling**: words the spelling checker of the book's language does
  not know (a Hunspell dictionary read by spylls, ``styles/dictionaries/``:
  Spanish and French ship, a book may add its own; pyspellchecker for
  English; a language with neither is a note of the report, not a finding
  a word; spans marked ``{lang=xx}`` in another language are skipped),
  less the project word list
  (``content/wordlist.txt``) and the names the book already declares (index
  headings and forms, authors, publishers, the references' titles and
  authors, acronyms spelled out in the text);
- **typography**: quotes are read *after* conversion, everything else in
  the source. The build curls quotes (pandoc's ``smart``), so a straight
  quote in the source is not a finding; a quotation mark pandoc could not
  pair is (it turns every pair into a quotation, so a lone ``"`` prints as
  a stray “ or ”), reported at the source line it comes from, in the body
  as in a title (titles are read by pandoc too, press.book.phrases). A hyphen in a number range
  (``1845-1851``, ``pp. 12-14``, ``1990 - 1995``, ``1990s-2000s``) is a
  finding in the source even where the build prints an en dash
  (``transform.typography``): the source should read as the book prints,
  and the forms the build does not recognise print with the hyphen; a
  number after the locale's figure, table, chapter or section label
  ("Figura 1-1") is not a range.
  Doubled words (``the the``, ``also to also to``), doubled spaces and a
  space before punctuation are read in the source: Markdown hides a
  doubled space in print, but it is a slip all the same and usually marks
  an edit gone wrong;
- **consistency**: the same word spelled two ways once case and accents are
  folded (``Pérez``/``Perez``; the declared spelling, else the more common
  one, is taken as right; two forms that are both words of the language,
  Spanish ``cómo``/``como``, French ``où``/``ou``, are two words), and an acronym used before the text spells it
  out (``Long Name (ABC)``);
- **apparatus**: the problems the collect stage and the apparatus report
  (index headings never found, unknown citations, chronology anchors that
  are not ids of their chapter), reused rather than re-implemented.

The report never changes the source: it tells.
"""


from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from ...source.config import Paths, load_config
from ...errors import ContentError, Problem
from ...source.chapters import Chapter

from .source import CATEGORIES, Query, read_source
from .spelling import checker, declared_words, check_spelling
from .typography import LABEL_KEYS, converted_text, doubled_words, number_ranges, spacing, title_quotes
from .consistency import acronym_definitions, acronyms_before_definition, name_spellings


@dataclass
class Report:
    findings: list[Query] = field(default_factory=list)
    title: str = ""
    notes: list[str] = field(default_factory=list)  # what was not checked, and why

    def of(self, category: str) -> list[Query]:
        return [f for f in self.findings if f.category == category]

    def counts(self) -> dict[str, int]:
        return {category: len(self.of(category)) for category in CATEGORIES}

    def distinct_words(self) -> int:
        """Unknown words counted once however often they occur."""
        return len({f.text.casefold() for f in self.of("spelling")})

    def summary(self, limit: int = 20) -> str:
        counts = self.counts()
        notes = [f"  note: {note}" for note in self.notes]
        if not self.findings:
            return "\n".join(["proof report: no findings", *notes])
        lines = [f"proof report: {len(self.findings)} finding(s)", *notes]
        for category in CATEGORIES:
            extra = f" ({self.distinct_words()} distinct words)" if category == "spelling" and counts[category] else ""
            lines.append(f"  {category}: {counts[category]}{extra}")
        lines.extend(str(f) for f in self.findings[:limit])
        if len(self.findings) > limit:
            lines.append(f"... and {len(self.findings) - limit} more in the report")
        return "\n".join(lines)

    def to_json(self) -> str:
        data = {"title": self.title, "notes": self.notes, "counts": self.counts(), "distinct_unknown_words": self.distinct_words(),
                "findings": [asdict(f) for f in self.findings]}
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"

# --- entry points ------------------------------------------------------------


def make_report(paths: Paths, book) -> Report:
    """The report on a collected book (``press.book.collect.collect``)."""
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
    from ...book.collect import collect
    from ...book.convert import Pandoc
    from ...book.index_marks import load_vocabulary
    from ...session import Session
    from ...source.chapters import read_chapters

    session = Session.for_book(paths.root)
    config = load_config(paths)
    chapters = read_chapters(paths, session)
    pandoc = pandoc or Pandoc(session.folder("pandoc"))
    try:
        book = collect(paths, config, chapters, pandoc, session)
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
    from ...editions.render import environment

    directory.mkdir(parents=True, exist_ok=True)
    if paths is None:
        paths = Paths(Path(__file__).resolve().parents[3])  # no book: the toolchain's own templates
    env = environment(paths)
    groups = [(c, report.of(c)) for c in CATEGORIES]
    html = env.get_template("proof/report.html.j2").render(report=report, groups=groups, counts=report.counts(),
                                                          distinct_words=report.distinct_words())
    (directory / "report.html").write_text(html, "utf-8")
    (directory / "report.json").write_text(report.to_json(), "utf-8")
    return ["report.html", "report.json"]


def _report(paths: Paths, config, chapters: list[Chapter], asts: list[dict] | None,
            apparatus: Iterable[Problem], vocabulary) -> Report:
    from ...book.collect import load_strings

    sources = [read_source(c, c.meta.lang or config.language) for c in chapters]
    declared = declared_words(paths, config, vocabulary)
    acronyms = acronym_definitions(sources)
    strings = load_strings(paths, config.language)
    labels = [strings.get(key) for key in LABEL_KEYS]
    findings: list[Query] = []
    notes: list[str] = []
    findings += check_spelling(paths, sources, declared, set(acronyms), config.language, notes)
    findings += doubled_words(sources) + spacing(sources) + title_quotes(chapters)
    if strings.get("range_dash", "\u2013") != "-":  # a language whose ranges take the hyphen (es: RAE's 1914-1918)
        findings += number_ranges(sources, [label for label in labels if isinstance(label, str)])
    if asts is not None:
        findings += converted_text(sources, asts)
    findings += name_spellings(sources, declared, lambda lang: checker(paths, lang))
    findings += acronyms_before_definition(sources, acronyms)
    findings += [Query("apparatus", p.path, p.line, p.message) for p in sorted(set(apparatus), key=_order)]
    findings.sort(key=lambda f: (CATEGORIES.index(f.category), *_order(f)))
    return Report(findings, config.title, notes)


def _order(item) -> tuple:
    return (item.path, item.line or 0, item.message)


# --- apparatus -----------------------------------------------------------------


def _apparatus_checks(book) -> list[Problem]:
    """The index's and the chronology's checks, run on the collected book.

    They are the apparatus stage's own functions (press.apparatus.index.build_index,
    press.apparatus.chronology.build_chronology), which are pure: the report gets the
    same problems whether or not the apparatus was built (``book.warnings``
    is filled only by ``apparatus.build_sections``, and a chronology problem
    there is an error that stops the build). Duplicates are dropped by the
    caller.
    """
    problems: list[Problem] = []
    if book.vocabulary is not None:
        from ...apparatus.index import build_index

        shown = {u.slug: u.chapter.shown for u in book.units}
        problems += build_index(book.vocabulary, book.index_marks, book.mark_labels, shown,
                                book.config.language).problems
    if any(u.chapter.meta.chronology for u in book.units):
        from ...apparatus.chronology import build_chronology

        problems += build_chronology(book.units, book.config.chronology, book.strings, book.anchors,
                                     book.mark_labels).problems
    return problems
