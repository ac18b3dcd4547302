"""The index's order and letter groups follow the book's language (ICU with
CLDR's tailoring, press.apparatus.collation): Spanish files "ñandú" after
"nube" under a letter "Ñ" of its own; English keeps the root order, in which
"ñ" is an "n" with a mark; Swedish puts "å", "ä", "ö" after "z"."""

from __future__ import annotations

import pytest

from press.apparatus.collation import SYMBOLS, Collation
from press.apparatus.index import build_index
from press.book.index_marks import Mark, Vocabulary
from press.source.schema import IndexVocabulary
from press.source.yamlsrc import Located

WORDS = ["oso", "ñandú", "nube", "Núñez, Íñigo", "llama", "luz", "chico", "cosa", "Ñu", "nación"]


def ordered(language: str, words: list[str]) -> list[str]:
    return sorted(words, key=Collation(language).key)


def test_spanish_puts_n_tilde_after_n_and_keeps_ch_and_ll_inside_c_and_l():
    assert ordered("es", WORDS) == ["chico", "cosa", "llama", "luz", "nación", "nube", "Núñez, Íñigo",
                                    "ñandú", "Ñu", "oso"]


def test_english_sorts_n_tilde_among_the_ns():
    # "Ñu" before "nube": at the first level it is "nu", a prefix of "nube".
    assert ordered("en", WORDS) == ["chico", "cosa", "llama", "luz", "nación", "ñandú", "Ñu", "nube",
                                    "Núñez, Íñigo", "oso"]


def test_swedish_puts_its_three_letters_after_z():
    assert ordered("sv", ["ödla", "zon", "äpple", "åka", "apa"]) == ["apa", "zon", "åka", "äpple", "ödla"]


@pytest.mark.parametrize(("language", "word", "letter"), [
    ("es", "ñandú", "Ñ"), ("es", "nube", "N"), ("es", "Ángel", "A"), ("en", "ñandú", "N"),
    ("en", "Łódź", "L"), ("sv", "åka", "Å"), ("es", "1990", SYMBOLS), ("es", "«La»", SYMBOLS),
    ("en", "Ωmega", "Ω"), ("pt-BR", "ção", "C"), ("xx", "ñandú", "N"),
])
def test_letters_are_the_languages_own(language, word, letter):
    assert Collation(language).letter(word) == letter


def index_of(language: str, headings: list[str]):
    model = IndexVocabulary.model_validate({"entries": {
        f"k{i}": {"heading": h, "forms": [h]} for i, h in enumerate(headings)}})
    marks = [Mark(f"ix{i}", f"k{i}", None, "one") for i in range(len(headings))]
    return build_index(Vocabulary(model, Located(None), "index.yaml"), marks, {}, {"one": "x.md"}, language)


def test_a_spanish_index_has_a_letter_n_tilde_after_n():
    index = index_of("es", ["ñandú", "oso", "nube", "Ñu", "árbol"])
    assert [(g.letter, [e.heading for e in g.entries]) for g in index.groups] == [
        ("A", ["árbol"]), ("N", ["nube"]), ("Ñ", ["ñandú", "Ñu"]), ("O", ["oso"])]


def test_the_same_headings_in_english_are_filed_under_n():
    index = index_of("en", ["ñandú", "oso", "nube", "Ñu", "árbol"])
    assert [(g.letter, [e.heading for e in g.entries]) for g in index.groups] == [
        ("A", ["árbol"]), ("N", ["ñandú", "Ñu", "nube"]), ("O", ["oso"])]
