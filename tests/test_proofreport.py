"""The proof report: a tiny book seeded with one instance of each problem,
the same book clean, and the real book."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from press.book.collect import collect
from press.source.config import Paths, load_config
from press.book.convert import Pandoc
from press.gates.proofreading import CATEGORIES, make_report, proof_report, write_report
from press.session import Session
from press.source.chapters import read_chapters

from .conftest import WHOLE, copy_book

SETTINGS = """
chronology:
  themes:
    treaties: "Treaties"
  eras:
    - {start: "1800", end: "2100", title: "All"}
"""

INDEX = """\
entries:
  perez-ana:
    heading: "Pérez, Ana"
    forms: ["Ana Pérez"]
  lima:
    heading: "Lima"
    forms: ["{lima}"]
"""

# Each problem on a line of its own; the clean variant is the second value.
# (line in the file, seeded text, clean text, category, what the message says)
BODY = [
    ("Ana Pérez wrote this book in Lima.", "Ana Pérez wrote this book in Lima."),
    ("The OAS met in Lima.", "The council met in Lima."),
    ("The clerk did not recieve the letter.", "The clerk did not receive the letter."),
    ("He said \"hello and left.", "He said \"hello\" and left."),
    ("It was the the first time.", "It was the first time."),
    ("Two  spaces were typed.", "Two spaces were typed."),
    ("A space before a comma , here.", "A space before a comma, here."),
    ("From the 1990s-2000s onwards.", "From the 1990s to the 2000s onwards."),
    ("Later Ana Perez signed.", "Later Ana Pérez signed."),
    ("The Organization of American States (OAS) met [in Lima]{#ev-lima}.",
     "The Organization of American States (OAS) met [in Lima]{#ev-lima}."),
    ("Ana Pérez wrote it in the 1845–1851 years, \"quoted\" in 'single' quotes... and so on [...]{.lacuna}.",
     "Ana Pérez wrote it in the 1845–1851 years, \"quoted\" in 'single' quotes... and so on [...]{.lacuna}."),
    ("Read pages 12 - 14 of the 2001-09-11 report (number 978-612-4391-71-9) on COVID-19.",
     "Read pages 12–14 of the 2001-09-11 report (number 978-612-4391-71-9) on COVID-19."),
]

FRONT = """\
---
title: {title}
kind: introduction
chronology:
  - date: "1850"
    event: "The meeting in Lima."
    anchor: "{anchor}"
    theme: "treaties"
---

"""


def make_book(tiny, seeded: bool) -> Path:
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text + SETTINGS)
    tiny.write("content/index.yaml", INDEX.format(lima="Lima" if not seeded else "Callao harbour"))
    title = "'The \"Lima question'" if seeded else '"The Lima question"'
    front = FRONT.format(title=title, anchor="ev-nowhere" if seeded else "ev-lima")
    body = "\n\n".join(seed if seeded else clean for seed, clean in BODY)
    return tiny.write("content/chapters/01-one.md", front + body + "\n")


def body_line(index: int) -> int:
    """The file line of BODY[index]: 9 lines of front matter, a blank line, then a paragraph every 2 lines."""
    return 11 + 2 * index


def report_of(root: Path):
    paths = Paths(root)
    config = load_config(paths)
    session = Session.for_book(root)
    book = collect(paths, config, read_chapters(paths, session), Pandoc(session.folder("pandoc")), session)
    return make_report(paths, book)


def test_seeded_book_one_finding_per_problem(tiny):
    make_book(tiny, seeded=True)
    report = report_of(tiny.root)
    chapter = "content/chapters/01-one.md"
    got = sorted((f.category, f.path, f.line, f.text) for f in report.findings)
    expected = sorted([
        ("spelling", chapter, body_line(2), "recieve"),
        ("typography", chapter, 2, '"'),  # the title's unpaired quote, left straight
        ("typography", chapter, body_line(3), "\u201chello"),  # unpaired in the body: a lone opening quote
        ("typography", chapter, body_line(4), "the the"),
        ("typography", chapter, body_line(5), "  "),
        ("typography", chapter, body_line(6), " ,"),
        ("typography", chapter, body_line(7), "1990s-2000s"),
        ("typography", chapter, body_line(11), "12 - 14"),  # a date, a long number and COVID-19 are not ranges
        ("consistency", chapter, body_line(8), "Perez"),
        ("consistency", chapter, body_line(1), "OAS"),
        ("apparatus", chapter, 5, ""),  # the chronology event whose anchor is no id
        ("apparatus", "content/index.yaml", 5, ""),  # the heading never found
    ])
    assert got == expected, "\n".join(str(f) for f in report.findings)
    messages = {f.text or f.path: f.message for f in report.findings}
    assert "did you mean 'receive'" in messages["recieve"]
    assert "spelled 'Pérez'" in messages["Perez"]
    assert f"used before it is spelled out (content/chapters/01-one.md:{body_line(9)})" in messages["OAS"]
    assert "'lima' is never found" in messages["content/index.yaml"]
    assert "chronology anchor 'ev-nowhere'" in messages[chapter]
    # The summary counts findings per category, then lists them as path:line: category: message.
    summary = report.summary()
    assert "spelling: 1 (1 distinct words)" in summary and "typography: 7" in summary
    assert f"{chapter}:{body_line(4)}: typography: doubled word(s): 'the the'" in summary
    # The report never changes the source.
    assert (tiny.content / "chapters" / "01-one.md").read_text("utf-8").count("the the") == 1


def test_clean_book_has_no_findings(tiny):
    path = make_book(tiny, seeded=False)
    before = path.read_bytes()
    report = report_of(tiny.root)
    assert report.findings == [], report.summary()
    assert report.summary() == "proof report: no findings"
    assert path.read_bytes() == before


def test_wordlist_and_declared_names_are_accepted(tiny):
    tiny.chapter("01-one.md", "One", "Ana Pérez met Quispe in Huancavelica with Zyxwv.", kind="introduction")
    words = lambda: sorted(f.text for f in report_of(tiny.root).of("spelling"))  # noqa: E731
    # "Pérez" comes from book.yaml's authors; the rest are unknown.
    assert words() == ["Huancavelica", "Quispe", "Zyxwv"]
    tiny.write("content/wordlist.txt", "# names\nquispe\nHuancavelica  # a region\n")
    assert words() == ["Zyxwv"]


def test_other_language_spans_are_not_checked_as_english(tiny):
    body = ("The motto [la unión hace la fuerza]{lang=es} of [[the union]{.cite-not}]{lang=es-PE}\n"
            "is not fuerza in English, nor is it mispelt.")
    tiny.chapter("01-one.md", "One", body, kind="introduction")
    found = report_of(tiny.root).of("spelling")
    assert [(f.text, f.line) for f in found] == [("fuerza", 7), ("mispelt", 7)]


def test_unknown_citation_is_an_apparatus_finding(tiny):
    from .test_bibliography import make

    make(tiny, "First.\n\nAs [the treaty]{.cite key=no-such-key} says, [the law]{.cite key=law-1} holds.\n\n"
               "And [Smith]{.cite key=smith-2020} agrees.")
    report = proof_report(Paths(tiny.root))
    found = report.of("apparatus")
    assert [(f.path, f.line) for f in found] == [("content/chapters/01-one.md", 8)], report.summary()
    assert "citation of 'no-such-key'" in found[0].message


def test_write_report_html_and_json(tiny, tmp_path):
    make_book(tiny, seeded=True)
    paths = Paths(tiny.root)
    report = report_of(tiny.root)
    out = tmp_path / "proof"
    assert write_report(report, out, paths) == ["report.html", "report.json"]
    data = json.loads((out / "report.json").read_text("utf-8"))
    assert data["counts"] == report.counts() and len(data["findings"]) == len(report.findings)
    from lxml import html

    page = html.fromstring((out / "report.html").read_text("utf-8"))
    rows = page.xpath("//section[@id='typography']//tbody/tr")
    assert len(rows) == report.counts()["typography"]
    where = [r.xpath("string(td[@class='where'])") for r in rows]
    assert f"content/chapters/01-one.md:{body_line(4)}" in where
    assert page.xpath("string(//section[@id='typography']//mark[.='the the'])") == "the the"


def test_whole_book_report(tmp_path):
    book = copy_book(WHOLE, tmp_path / "book")
    report = proof_report(Paths(book))
    assert set(report.counts()) == set(CATEGORIES)
    assert report.findings, "Franklin's spelling (us'd, sope-boiler) is found: this test would prove nothing"
    # Every finding points at a line that exists and holds what it names.
    for finding in report.findings:
        lines = (book / finding.path).read_text("utf-8").split("\n")
        assert finding.line is not None and 1 <= finding.line <= len(lines), finding
        if finding.category in ("spelling", "typography") and finding.text.strip():
            # An unpaired quotation mark is named as it prints (curly), the line has it as typed.
            typed = finding.text.strip().replace("\u201c", '"').replace("\u201d", '"')
            assert typed in lines[finding.line - 1], finding
    assert write_report(report, tmp_path) == ["report.html", "report.json"]


def test_a_hyphen_range_in_a_title_is_found_at_the_title_line(tiny):
    tiny.chapter("01-one.md", "The war (1879-1883)", "The war began in 1879.", kind="introduction")
    found = report_of(tiny.root).of("typography")
    assert [(f.line, f.text) for f in found] == [(2, "1879-1883")], [str(f) for f in found]
    assert "write an en dash: 1879–1883" in found[0].message
