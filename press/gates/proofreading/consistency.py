"""Consistency: one word spelled two ways; an acronym used before it is spelled out."""

from __future__ import annotations

import re
from collections import Counter, defaultdict


from .source import ACRONYM, Query, HOLE, Source, split_words, fold


# --- consistency ---------------------------------------------------------------


# Words that differ by an accent alone and are both words, by language: the
# fallback where the language has no dictionary (with one, two forms that are
# both its words are two words, not one spelled two ways).
ACCENT_PAIRS = {
    "es": {"cómo": "como", "más": "mas", "sólo": "solo", "él": "el", "tú": "tu", "sí": "si", "qué": "que",
           "dé": "de", "té": "te", "sé": "se", "aún": "aun", "mí": "mi", "éste": "este", "ésta": "esta",
           "ése": "ese", "ésa": "esa", "cuándo": "cuando", "dónde": "donde", "quién": "quien",
           "cuál": "cual", "cuánto": "cuanto", "adónde": "adonde", "porqué": "porque", "tomó": "tomo",
           "está": "esta", "estás": "estas", "público": "publico", "práctico": "practico",
           "término": "termino", "continúo": "continuo", "árbitro": "arbitro", "género": "genero"},
    "fr": {"à": "a", "où": "ou", "dû": "du", "sûr": "sur", "là": "la", "mûr": "mur",
           "jeûne": "jeune", "tâche": "tache", "pêcher": "pecher", "côte": "cote", "côté": "cote",
           "crû": "cru"},
}


def _two_words(lang: str, one: str, other: str, dictionary) -> bool:
    """Two shapes of one folded key that are different words of the language."""
    base = lang.split("-")[0]
    a, b = one.lower(), other.lower()
    if a == b:
        return False  # the same letters: a difference of case, not of accent
    pairs = ACCENT_PAIRS.get(base, {})
    if pairs.get(a) == fold(b) or pairs.get(b) == fold(a) or (a in pairs and b in pairs):
        return True
    found = dictionary(lang) if dictionary is not None and base != "en" else None
    return found is not None and found.known(one) and found.known(other)


def name_spellings(sources: list[Source], declared: dict[str, set[str]], dictionary=None) -> list[Query]:
    """One word, two spellings (accents, inner capitals): flag the less common one.

    Compared within a language (Spanish 'Perú' in a Spanish span is not an
    English 'Peru' misspelt). A capital first letter or an all-capitals
    heading is not a different spelling. When the book declares a spelling
    (index, authors, references), that one is right. Two forms that are
    both words of the language (Spanish 'cómo' and 'como', French 'où' and
    'ou': ACCENT_PAIRS, or both in the language's Hunspell dictionary,
    ``dictionary(lang)``) are two words, not one misspelt.
    """
    occurrences: dict[tuple[str, str], list[tuple[Source, int, str]]] = defaultdict(list)
    for source in sources:
        for offset, word in split_words(source.masked):
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
        lang = key[0]
        for source, offset, word in found:
            if _shape(word) in right or _shape(word) in anywhere:
                continue
            if all(_two_words(lang, word, spelled.get(s, s), dictionary) for s in right):
                continue
            findings.append(Query("consistency", source.chapter.shown, source.line(offset),
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


def acronym_definitions(sources: list[Source]) -> dict[str, tuple[int, int]]:
    """Acronym -> (unit index, offset) of its first definition in reading order."""
    found: dict[str, tuple[int, int]] = {}
    for index, source in enumerate(sources):
        for match in _DEFINITION.finditer(source.masked):
            found.setdefault(match.group(1), (index, match.start(1)))
    return found


def acronyms_before_definition(sources: list[Source], definitions: dict[str, tuple[int, int]]) -> list[Query]:
    findings = []
    for index, source in enumerate(sources):
        for offset, word in split_words(source.masked):
            if word not in definitions or not ACRONYM.match(word) or _in_heading(source.masked, offset):
                continue
            where = definitions[word]
            if (index, offset) < where:
                defined = sources[where[0]]
                findings.append(Query("consistency", source.chapter.shown, source.line(offset),
                                        f"acronym '{word}' is used before it is spelled out "
                                        f"({defined.chapter.shown}:{defined.line(where[1])})", word,
                                        source.context(offset)))
    return findings


def _in_heading(text: str, offset: int) -> bool:
    start = text.rfind("\n", 0, offset) + 1
    return text.startswith(HOLE, start) and text[start:offset].lstrip(HOLE).startswith((" ", "\t"))

