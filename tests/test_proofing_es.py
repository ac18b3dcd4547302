"""Proofing by language: the proof report on a Spanish book finds the slips
an editor would act on and little else (tests/books/proof-es, SLIPS.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from press.gates.proofreading import proof_report
from press.gates.proofreading.consistency import name_spellings
from press.gates.proofreading.spelling import checker, dictionary_file
from press.source.config import Paths

from .conftest import BOOKS, REPO

# The nine slips of SLIPS.md: (chapter, the offending text, category). Ramirez is
# found twice, as an unknown word and as a name spelled two ways: both are true.
SLIPS = {
    ("01-origenes.md", "bibilioteca", "spelling"), ("01-origenes.md", "conocimeinto", "spelling"),
    ("02-crecimiento.md", "desarollo", "spelling"), ("02-crecimiento.md", "recivió", "spelling"),
    ("02-crecimiento.md", "haciento", "spelling"), ("02-crecimiento.md", "la la", "typography"),
    ("02-crecimiento.md", "Ramirez", "spelling"), ("02-crecimiento.md", "Ramirez", "consistency"),
    ("03-presente.md", "exepción", "spelling"), ("03-presente.md", "de de", "typography"),
}
# At most one false finding in 1,300 words: the book is written to be correct
# Spanish but for its slips, so each false finding is a fault of the checks;
# one is allowed for a word the dictionary may lack in a later release of it.
MAX_FALSE = 1


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("proof-es")
    shutil.copytree(BOOKS / "proof-es", root, dirs_exist_ok=True)  # content/ and its locale override
    return proof_report(Paths(root))


def _key(finding):
    return (Path(finding.path).name, finding.text, finding.category)


def test_every_slip_is_found(report):
    found = {_key(f) for f in report.findings}
    assert SLIPS <= found, "\n".join(str(f) for f in report.findings)
    messages = {f.text: f.message for f in report.of("spelling")}
    assert "did you mean 'biblioteca'" in messages["bibilioteca"]  # Hunspell's suggestion
    assert "did you mean 'excepción'" in messages["exepción"]


def test_few_false_findings(report):
    false = [f for f in report.findings if _key(f) not in SLIPS]
    assert len(false) <= MAX_FALSE, "\n".join(str(f) for f in false)
    assert report.notes == []  # Spanish has its dictionary


def test_accented_and_plain_words_are_two_words(report):
    # "Cómo" is declared (the title), "como" and "cómo" are both in the text:
    # no consistency finding about them, nor about más/mas, sólo/solo, aún/aun.
    assert [f.text for f in report.of("consistency")] == ["Ramirez"]


def test_figure_and_table_numbers_are_not_ranges(report):
    """Spanish writes ranges with the hyphen (RAE: 1890-1910; es.yaml's range_dash), so the book's own
    range is no finding; where ranges take the en dash, a figure or table number is still no range."""
    from press.gates.proofreading.source import read_source
    from press.gates.proofreading.typography import number_ranges

    assert [f for f in report.of("typography") if "number range" in f.message] == []

    class Chapter:
        body = "Entre 1890-1910 creció, como muestran la Figura 1-1 y la Tabla 3-1 (véanse las tablas 2-4)."
        body_line = 1
        shown = "content/chapters/01-uno.md"
        meta = None

    found = [f.text for f in number_ranges([read_source(Chapter(), "pt")], ["Figura", "Tabla"])]
    assert found == ["1890-1910"]


def test_spanish_dictionary_knows_inflections_pyspellchecker_lacks():
    from spellchecker import SpellChecker

    words = ["cosas", "hacen", "datos", "relaciones", "fueron", "cantábamos"]
    frequency = SpellChecker(language="es")
    assert not any(w in frequency for w in words)  # why pyspellchecker is not used for Spanish
    spanish = checker(Paths(BOOKS / "proof-es"), "es-MX")
    assert spanish is not None and all(spanish.known(w) for w in words)
    assert not spanish.known("conocimeinto")
    assert dictionary_file(Paths(BOOKS / "plain"), "es").name == "es_ES.dic"  # shipped in styles/dictionaries


def test_french_accent_pairs_are_two_words(tmp_path):
    from press.gates.proofreading.source import read_source

    class Meta:
        lang = "fr"

    class Chapter:
        body = "Il a dit où il va, ou bien il reste ; il a dû partir du port. Il est sûr, sur la table : à toi."
        body_line = 1
        shown = "content/chapters/01-un.md"
        meta = Meta()

    source = read_source(Chapter(), "fr")
    paths = Paths(BOOKS / "plain")
    assert name_spellings([source], {}, lambda lang: checker(paths, lang)) == []
    assert name_spellings([source], {}) == []  # the list of pairs alone, without the dictionary


def test_a_language_without_dictionary_is_a_note_not_findings(tmp_path):
    shutil.copytree(BOOKS / "plain" / "content", tmp_path / "content")
    yaml_path = tmp_path / "content" / "book.yaml"
    yaml_path.write_text(yaml_path.read_text("utf-8").replace('language: "en"', 'language: "eu"'), "utf-8")
    # a language the toolchain has no locale file for needs the book's own (press.book.locale)
    (tmp_path / "templates" / "locale").mkdir(parents=True)
    shutil.copy(REPO / "templates" / "locale" / "en.yaml", tmp_path / "templates" / "locale" / "eu.yaml")
    report = proof_report(Paths(tmp_path))
    assert report.of("spelling") == []
    assert len(report.notes) == 1 and "no dictionary for the language 'eu'" in report.notes[0]
    assert "note: spelling: no dictionary" in report.summary()


def test_the_note_is_on_the_report_page(tmp_path):
    from press.gates.proofreading import Report, write_report

    write_report(Report([], "Liburua", ["spelling: no dictionary for the language 'eu'"]), tmp_path)
    assert "<p class=\"note\">spelling: no dictionary for the language &#39;eu&#39;</p>" in \
        (tmp_path / "report.html").read_text("utf-8")
    assert '"notes": [\n    "spelling: no dictionary' in (tmp_path / "report.json").read_text("utf-8")


def test_a_books_own_dictionary_is_read_first(tmp_path):
    shipped = dictionary_file(Paths(BOOKS / "plain"), "fr")
    own = tmp_path / "styles" / "dictionaries"
    own.mkdir(parents=True)
    for suffix in (".aff", ".dic"):
        shutil.copyfile(shipped.with_suffix(suffix), own / f"eu{suffix}")
    assert dictionary_file(Paths(tmp_path), "eu") == own / "eu.dic"
    assert checker(Paths(tmp_path), "eu").known("où")
    assert checker(Paths(BOOKS / "plain"), "eu") is None
