"""Spelling: words the checker does not know, less the project's word list
and the names the book declares."""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path

from ...source.config import Paths
from ...source.chapters import Chapter

from .source import Query, ROMAN, Source, WORDLIST, split_words, mask



def declared_words(paths: Paths, config, vocabulary) -> dict[str, set[str]]:
    """Words of the names the book declares, by language: accepted by the
    spelling check, and the authority on how a name is spelled."""
    declared: dict[str, set[str]] = defaultdict(set)
    base = config.language.lower()

    def add(text, lang=None):
        if text:
            declared[(lang or base).lower()].update(w for _, w in split_words(str(text)))

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


# The Hunspell dictionaries the toolchain ships (styles/dictionaries/, its
# README.md names their sources and licences), by language. A book may ship
# its own as styles/dictionaries/<lang>.aff and .dic (es_MX, pt_BR...).
HUNSPELL = {"es": "es_ES", "fr": "fr"}
# pyspellchecker's word-frequency lists serve English only: its others are
# too thin for proofs (its Spanish one lacks "cosas", "hacen", "datos": every
# plural and most verb forms; measured in tests/test_proofing_es.py).
FREQUENCY_LISTS = {"en"}
# Hunspell's suggestions take up to a second a word: at most this many a report.
MAX_SUGGESTIONS = 80


class Hunspell:
    """A Hunspell dictionary read by spylls (pure Python): inflections by affix rules."""

    slow = True  # its suggestions: see MAX_SUGGESTIONS

    def __init__(self, stem: Path):
        from spylls.hunspell import Dictionary

        self.name = stem.name
        self._dictionary = Dictionary.from_files(str(stem))

    def known(self, word: str) -> bool:
        return self._dictionary.lookup(word)

    def suggest(self, word: str) -> str:
        for suggestion in self._dictionary.suggest(word):
            return suggestion
        return ""


class FrequencyList:
    """pyspellchecker's bundled word list for a language (English)."""

    slow = False

    def __init__(self, lang: str):
        from spellchecker import SpellChecker

        self.name = f"pyspellchecker {lang}"
        self._checker = SpellChecker(language=lang, distance=1)

    def known(self, word: str) -> bool:
        return word.lower() in self._checker

    def suggest(self, word: str) -> str:
        return self._checker.correction(word.lower()) or ""


def dictionary_file(paths: Paths, lang: str) -> Path | None:
    """``styles/dictionaries/<name>.dic`` for a language: the book's, else the toolchain's."""
    base = lang.split("-")[0].lower()
    region = lang.replace("-", "_")
    names = [region, base] + ([f"{base}_{region.split('_')[1].upper()}"] if "_" in region else [])
    names += [HUNSPELL[base]] if base in HUNSPELL else []
    for name in dict.fromkeys(names):
        path = paths.style(f"dictionaries/{name}.dic")
        if path.is_file() and path.with_suffix(".aff").is_file():
            return path
    return None


def checker(paths: Paths, lang: str):
    """The spelling dictionary for a language, or None when there is none fit for proofs."""
    path = dictionary_file(paths, lang)
    if path is not None:
        return _hunspell(path.with_suffix(""))
    base = lang.split("-")[0].lower()
    return _checker(base) if base in FREQUENCY_LISTS else None


@functools.cache
def _hunspell(stem: Path) -> Hunspell:
    """A Hunspell dictionary, by its files' path."""
    return Hunspell(stem)


@functools.cache
def _checker(lang: str) -> FrequencyList:
    """pyspellchecker's bundled dictionary for a language."""
    return FrequencyList(lang)


def no_dictionary_note(lang: str) -> str:
    return (f"spelling: no dictionary for the language '{lang}', so its words were not checked; "
            f"add a Hunspell dictionary as styles/dictionaries/{lang}.aff and {lang}.dic in the book's folder")


def check_spelling(paths: Paths, sources: list[Source], declared: dict[str, set[str]], acronyms: set[str],
                   book_lang: str, notes: list[str] | None = None) -> list[Query]:
    """Unknown words of the book's language; a language with no dictionary
    fit for proofs is a note (appended to ``notes``), not a finding a word."""
    project = load_wordlist(paths)
    accepted = project | {w.casefold() for words in declared.values() for w in words} | {
        a.casefold() for a in acronyms}
    book_base = book_lang.lower().split("-")[0]
    findings = []
    verdicts: dict[tuple[str, str], str | None] = {}
    budget = [MAX_SUGGESTIONS]
    unchecked: set[str] = set()

    def verdict(lang: str, word: str) -> str | None:
        key = (lang, word)
        if key not in verdicts:
            found = checker(paths, lang)
            if found is None:
                unchecked.add(lang)
            verdicts[key] = None if found is None else _unknown(found, word, budget)
        return verdicts[key]

    for source in sources:
        for offset, word in split_words(source.masked):
            if word.casefold() in accepted or word.replace("’", "'").casefold() in accepted:
                continue
            if ROMAN.match(word):
                continue
            lang = source.lang_at(offset)
            if lang.split("-")[0] != book_base:
                # a span marked as another language ({lang=xx}) is left to the proofreader
                continue
            suggestion = verdict(lang, word)
            if suggestion is None:
                continue
            message = f"unknown word '{word}'"
            if suggestion:
                message += f"; did you mean '{suggestion}'?"
            findings.append(Query("spelling", source.chapter.shown, source.line(offset), message, word,
                                  source.context(offset)))
        for line, text in _front_matter_texts(source.chapter):
            for _, word in split_words(mask(text)):
                if word.casefold() in accepted or ROMAN.match(word):
                    continue
                suggestion = verdict(source.lang, word)
                if suggestion is not None:
                    hint = f"; did you mean '{suggestion}'?" if suggestion else ""
                    findings.append(Query("spelling", source.chapter.shown, line,
                                          f"unknown word '{word}'{hint}", word, text))
    if notes is not None:
        notes.extend(no_dictionary_note(lang) for lang in sorted(unchecked))
    return findings


def _front_matter_texts(chapter: Chapter) -> list[tuple[int | None, str]]:
    """The printed text of the front matter: titles, byline, chronology events."""
    meta, located = chapter.meta, chapter.located
    texts = [(located.line_of((key,)), getattr(meta, key)) for key in ("title", "short_title", "byline")
             if getattr(meta, key, None)]
    texts += [(located.line_of(("chronology", index, "event")), item.event)
              for index, item in enumerate(meta.chronology)]
    return texts


def _unknown(found, word: str, budget: list[int]) -> str | None:
    """None when the word is known; else a suggestion ('' when there is none,
    or when the report's budget of suggestions is spent)."""
    plain = word.replace("’", "'")
    if found.known(plain) or found.known(plain.lower()) or found.known(plain.replace("'", "")):
        return None
    if "'" in plain and all(found.known(part) for part in plain.split("'") if part):
        return None  # elisions and contractions whose parts are words
    if found.slow:
        if budget[0] <= 0:
            return ""
        budget[0] -= 1
    suggestion = found.suggest(plain)
    return suggestion if suggestion and suggestion.lower() != plain.lower() else ""
