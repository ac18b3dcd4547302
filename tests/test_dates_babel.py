"""Dates written by CLDR's patterns through Babel (press.apparatus.datewords):
English, Spanish and French days, months, years, ranges, decades, centuries
and uncertain dates, and a Spanish build of the chronology test book."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from press.apparatus.datewords import century, locale_for, number, write_out
from press.source import dates

from .artefacts import html_pages, pdf_full_page_texts
from .conftest import copy_book, source_date_epoch

REPO = Path(__file__).resolve().parents[1]
EN = yaml.safe_load((REPO / "templates/locale/en.yaml").read_text("utf-8"))
# The date keys es.yaml and fr.yaml are to have (the locale files land apart).
ES = {"number_grouping_min": 2, "date_approximate": "h.", "date_decade": "la década de {year}", "date_century": "el siglo {century}",
      "date_century_numerals": "roman"}
FR = {"date_approximate": "v.", "date_decade": "les années {year}", "date_century": "le {century}{suffix} siècle",
      "date_century_numerals": "roman", "ordinal_suffixes": {"one": "er", "other": "e"}}
NB, TH = "\u00a0", "\u2009"

CASES = {
    "en": (EN, {
        "1821-08-03": f"3{NB}August 1821",
        "2005-04": "April 2005",
        "1883": "1883",
        "2005-04-06/2005-04-09": f"6–9{NB}April 2005",
        "2005-04-06/2006-05-09": f"6{NB}April 2005{TH}–{TH}9{NB}May 2006",
        "2005-04-28/2005-05-02": f"28{NB}April{TH}–{TH}2{NB}May 2005",
        "1845/1851": "1845–1851",
        "197X": "the 1970s",
        "18XX": "the 19th century",
        "20XX": "the 21st century",
        "1850~": f"c.{NB}1850",
        "1850?": "1850?",
    }),
    "es": (ES, {
        "1821-08-03": f"3{NB}de agosto de 1821",
        "2005-04": "abril de 2005",
        "1883": "1883",
        "2005-04-06/2005-04-09": f"6–9{NB}de abril de 2005",
        "2005-04-06/2006-05-09": f"6{NB}de abril de 2005{TH}–{TH}9{NB}de mayo de 2006",
        "2005-04-28/2005-05-02": f"28{NB}de abril{TH}–{TH}2{NB}de mayo de 2005",
        "1845/1851": "1845–1851",
        "197X": "la década de 1970",
        "18XX": "el siglo XIX",
        "1850~": f"h.{NB}1850",
        "1850?": "1850?",
    }),
    "fr": (FR, {
        "1821-08-03": f"3{NB}août 1821",
        "2005-04": "avril 2005",
        "1883": "1883",
        "2005-04-06/2005-04-09": f"6–9{NB}avril 2005",
        "2005-04-06/2006-05-09": f"6{NB}avril 2005{TH}–{TH}9{NB}mai 2006",
        "2005-04-28/2005-05-02": f"28{NB}avril{TH}–{TH}2{NB}mai 2005",
        "1845/1851": "1845–1851",
        "197X": "les années 1970",
        "18XX": "le XIXe siècle",
        "00XX": "le Ier siècle",
        "1850~": f"v.{NB}1850",
        "1850?": "1850?",
    }),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_dates_are_written_by_the_languages_cldr_patterns(language):
    words, cases = CASES[language]
    locale = locale_for(words, language)
    written = {text: write_out(dates.parse(text), words, locale) for text in cases}
    assert written == cases


def test_english_dates_are_british_unless_the_book_names_a_region():
    assert str(locale_for(EN, "en")) == "en_GB"
    assert str(locale_for(EN, "en-US")) == "en_US"
    assert write_out(dates.parse("1821-08-03"), EN, locale_for(EN, "en-US")) == "August 3, 1821"
    # A Spanish book that falls back on the English words still gets Spanish dates.
    assert str(locale_for(EN, "es")) == "es"


def test_ordinal_suffixes_follow_cldrs_ordinal_rules():
    locale = locale_for(EN, "en")
    assert [century(EN, locale, n) for n in (1, 2, 3, 4, 11, 12, 13, 22)] == [
        "the 1st century", "the 2nd century", "the 3rd century", "the 4th century", "the 11th century",
        "the 12th century", "the 13th century", "the 22nd century"]


def test_counts_are_grouped_as_the_language_groups_them():
    assert number(6784, EN, "en") == "6,784"
    assert number(6784, ES, "es") == "6784"  # CLDR: Spanish groups from five digits
    assert number(16784, ES, "es") == "16.784"
    assert number(6784, {}, "es") == "6.784"  # without the key: Babel's grouping
    assert number(6784, FR, "fr") == "6\u202f784"


def test_a_spanish_chronology_book_writes_its_dates_in_spanish(tmp_path):
    """The chronology test book switched to ``language: es``: its dates in Spanish by CLDR (the
    toolchain's templates/locale/es.yaml names no month)."""
    root = tmp_path / "es"
    copy_book("chronology", root)
    book_yaml = root / "content" / "book.yaml"
    book_yaml.write_text(book_yaml.read_text("utf-8").replace('language: "en"', 'language: "es"'), "utf-8")
    book = build_test_book_in_place(root)
    records = json.loads((book / "chronology-book-chronology.json").read_text("utf-8"))
    assert [r["date_written"] for r in records] == [f"1{NB}de marzo de 1850", "1870–1879", f"h.{NB}1901"]
    page = html_pages(book / "html")["03-chronology.html"]
    terms = [dt.text_content() for dt in page.xpath("//dt[@class='ch-date']")]
    assert terms == [f"1{NB}de marzo de 1850", "1870–1879", f"h.{NB}1901"]
    pdf = next(book.glob("*.pdf"))
    printed = " ".join(" ".join(pdf_full_page_texts(pdf)).split())
    printed = printed.replace(NB, " ")
    assert "1 de marzo de 1850 The port opens." in printed and "1 March 1850" not in printed


def build_test_book_in_place(root: Path) -> Path:
    from press.cli import main

    out = root / "dist"
    with source_date_epoch():
        code = main(["all", "--root", str(root), "--out", str(out), "--quiet", "--strict"])
    assert code == 0
    return out


def test_a_century_and_a_day_range_go_through_the_typeset_locale_words(tiny):
    """The locale's words reach the chronology typeset (press.book.phrases):
    the century's placeholders and the ordinal suffixes survive it."""
    from .test_chronology import build_tiny

    events = """chronology:
  - {date: "18XX", event: "A century.", anchor: "ev-a", theme: "institution"}
  - {date: "2005-04-06/2005-04-09", event: "Four days.", anchor: "ev-a", theme: "institution"}
"""
    assert build_tiny(tiny, events) == 0
    page = next(root for name, root in html_pages(tiny.out / "html").items() if name.endswith("-chronology.html"))
    terms = [dt.text_content() for dt in page.xpath("//dt[@class='ch-date']")]
    assert terms == ["the 19th century", f"20{NB}October 1883", f"6–9{NB}April 2005"]
