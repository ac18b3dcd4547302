"""``build.py check`` on the corpus of issue 17: every book of one construct, and the real books.

Each book under tests/books/ that stands for a structure (units of every
kind, figures, tables, code, math, the rest of pandoc's Markdown) and the
two real books by others must pass the release gates, not only build:
EPUBCheck, DAISY Ace, the Nu checker, the web links, the PDF checks (fonts,
text, labels, outline, tagging, nothing outside the text block) and the
preflight. Reproducibility (two more builds) and fidelity (no manuscript)
are tested elsewhere. The books are the session's (built once, --strict).
"""

from __future__ import annotations

import pytest

CORPUS = ["front-back", "no-parts", "opens-with-part", "figures", "tables", "code", "math", "markdown",
          "gapminder", "d2l", "es-libro"]
CHECKERS = ["epubcheck", "ace", "nu", "web", "pdf", "preflight"]


@pytest.mark.parametrize("name", CORPUS)
def test_the_book_passes_the_release_gates(built_book, name):
    from press.commands.check import check
    from press.progress import Progress

    book = built_book(name)
    results, _ = check(book.root, book.out, CHECKERS, Progress(quiet=True))
    assert {r.name for r in results} >= {"EPUBCheck", "Ace", "Nu", "Web", "PDF", "preflight"}
    problems = [f"{r.name}: {f.where()}: {f.message}" for r in results for f in r.errors]
    assert problems == [], "\n".join(problems)
    assert not [r.name for r in results if r.skipped]
