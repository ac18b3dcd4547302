"""The corpus books of issue 17, each relabelled ``language: "es"``: every
structure (front and back matter, lists of figures and tables, captions,
code, math, endnotes, a chronology, an index) speaks Spanish in every edition.

The books' own text stays English, so a word of the English interface is
looked for only where the book's sources do not have it: what is left can
only have come from the toolchain's words.
"""

from __future__ import annotations

import re
import shutil

import pytest
from lxml import etree, html

from press.cli import main

from .conftest import BOOKS, source_date_epoch
from .test_spanish import WORD, english_only, epub_documents, pdf_text

CORPUS = ["front-back", "figures", "tables", "code", "math", "endnotes", "markdown", "chronology", "index"]


def source_words(content) -> set[str]:
    return {w for path in content.rglob("*") if path.is_file() and path.suffix in {".md", ".yaml", ".bib", ".json"}
            for w in WORD.findall(path.read_text("utf-8", errors="replace"))}


@pytest.mark.parametrize("name", CORPUS)
def test_a_corpus_book_in_spanish_prints_no_english_interface_word(name, tmp_path):
    root = tmp_path / name
    shutil.copytree(BOOKS / name, root, ignore=shutil.ignore_patterns("dist", ".cache"))
    config = root / "content" / "book.yaml"
    text = config.read_text("utf-8")
    assert 'language: "en"' in text
    config.write_text(text.replace('language: "en"', 'language: "es"'), "utf-8")
    out = root / "dist"
    with source_date_epoch():
        assert main(["all", "--root", str(root), "--out", str(out), "--quiet", "--strict"]) == 0
    forbidden = english_only("es") - source_words(root / "content")
    found: dict[str, list[str]] = {}
    for page in sorted((out / "html").glob("*.html")):
        tree = html.parse(str(page)).getroot()
        assert tree.get("lang") == "es"
        for element in tree.xpath("//script|//style|//pre|//code"):
            element.getparent().remove(element)
        words = set(WORD.findall(" ".join([*tree.itertext(), *tree.xpath("//@aria-label|//@title|//@alt")])))
        if words & forbidden:
            found[f"html/{page.name}"] = sorted(words & forbidden)
    [epub] = out.glob("*.epub")
    for part, tree in epub_documents(epub):
        for element in tree.xpath("//*[local-name()='script' or local-name()='style' or local-name()='pre' "
                                  "or local-name()='code']"):
            element.getparent().remove(element)
        words = set(WORD.findall(" ".join([*tree.itertext(), *tree.xpath("//@aria-label|//@title|//@alt")])))
        if words & forbidden:
            found[part] = sorted(words & forbidden)
    [pdf] = out.glob("*.pdf")
    words = set(WORD.findall(re.sub(r"\u2010 |- ", "", pdf_text(pdf))))
    if words & forbidden:
        found[pdf.name] = sorted(words & forbidden)
    assert found == {}, found
