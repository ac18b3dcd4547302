"""Spelling: words the checker does not know, less the project's word list
and the names the book declares."""

from __future__ import annotations

import functools
from collections import defaultdict

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


@functools.cache
def _checker(lang: str):
    """pyspellchecker's bundled dictionary for a language, or None."""
    from spellchecker import SpellChecker

    try:
        return SpellChecker(language=lang.split("-")[0], distance=1)
    except ValueError:  # no dictionary for that language: its words are not checked
        return None


def check_spelling(paths: Paths, sources: list[Source], declared: dict[str, set[str]], acronyms: set[str],
              book_lang: str) -> list[Query]:
    project = load_wordlist(paths)
    accepted = project | {w.casefold() for words in declared.values() for w in words} | {
        a.casefold() for a in acronyms}
    findings = []
    unknown_cache: dict[tuple[str, str], str | None] = {}
    for source in sources:
        for offset, word in split_words(source.masked):
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
            findings.append(Query("spelling", source.chapter.shown, source.line(offset), message, word,
                                    source.context(offset)))
        for line, text in _front_matter_texts(source.chapter):
            for _, word in split_words(mask(text)):
                if word.casefold() in accepted or ROMAN.match(word):
                    continue
                key = (source.lang, word.casefold())
                if key not in unknown_cache:
                    unknown_cache[key] = _unknown(source.lang, word)
                if unknown_cache[key] is not None:
                    hint = f"; did you mean '{unknown_cache[key]}'?" if unknown_cache[key] else ""
                    findings.append(Query("spelling", source.chapter.shown, line,
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

