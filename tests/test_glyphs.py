"""Missing glyphs (issue 19): every character the book prints is checked against
the fonts it ships; one no font has is a finding at its line, with its
Unicode name (an error under --strict), unless the book names a fallback
face it ships (``fonts: fallback:`` in book.yaml, tests/books/fallback-font).

The editions are read back: the PDF's embedded fonts and text (pypdf), the
EPUB's manifest and stylesheet, the web edition's fonts.css and files.
"""

from __future__ import annotations

import re
import unicodedata

import pypdf
import pytest
import yaml

from press.book.glyphs import Coverage
from press.book.phrases import words_of
from press.source.config import ASSETS, Paths

from .artefacts import epub_files, epub_opf, XHTML
from .conftest import BOOKS, REPO, copy_book, source_date_epoch
from press.cli import main

CHINESE = "与刷印字文李汉纸经羽茶陆"


def build(root, *flags):
    with source_date_epoch():
        return main(["all", "--root", str(root), "--out", str(root / "dist"), "--quiet", *flags])


def pdf_fonts(path) -> set[str]:
    names = set()
    for page in pypdf.PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return names


def test_a_book_that_names_its_fallback_face_prints_the_characters_in_it(built_book):
    book = built_book("fallback-font")  # built with --strict: no finding
    fonts = pdf_fonts(book.pdf)
    assert "Droid-Sans-Fallback" in fonts and "Gentium-Book-Plus" in fonts, fonts
    text = "".join(page.extract_text() for page in pypdf.PdfReader(book.pdf).pages)
    assert set(CHINESE) <= set(text)
    # The EPUB embeds the face, names it in its stylesheet and lists it in its manifest.
    files = epub_files(book.epub)
    assert "EPUB/fonts/DroidSansFallback-subset.ttf" in files
    css = "".join(d.decode() for n, d in files.items() if n.endswith(".css"))
    assert 'src: url(../fonts/DroidSansFallback-subset.ttf)' in css
    assert re.search(r':root \{ font-family: "Gentium Book Plus", "Droid Sans Fallback"', css)
    hrefs = {i.get("href") for i in epub_opf(book.epub).iterfind(".//opf:item", XHTML)}
    assert "fonts/DroidSansFallback-subset.ttf" in hrefs
    # The web edition ships the face, its licence, and the rules that use it.
    assets = book.html / "assets"
    assert (assets / "fonts" / "DroidSansFallback-subset.ttf").is_file()
    assert (assets / "fonts" / "Apache-2.0.txt").is_file()
    web = (assets / "fonts.css").read_text("utf-8")
    assert '"DejaVu Sans Mono", "Droid Sans Fallback", monospace' in web


def test_without_the_fallback_each_character_is_a_finding_at_its_line(tmp_path, capsys):
    root = copy_book("fallback-font", tmp_path / "book")
    config = root / "content" / "book.yaml"
    config.write_text(re.sub(r"fonts:\n  fallback:\n    - .*\n", "", config.read_text("utf-8")), "utf-8")
    assert build(root, "--strict") == 65
    err = capsys.readouterr().err
    assert not (root / "dist").exists()
    assert "Traceback" not in err
    # book.yaml's title (line 2) and author (line 6), each character once per file.
    assert "content/book.yaml:2: '茶' (U+8336 CJK UNIFIED IDEOGRAPH-8336) is in none of the book's fonts " \
           "(Gentium Book Plus)" in err
    assert "content/book.yaml:6: '李' (U+674E CJK UNIFIED IDEOGRAPH-674E)" in err
    assert err.count("content/book.yaml:2: '茶'") == 1
    # The chapter's text: its first line with the character (the title's is in the front matter).
    chapter = (root / "content/chapters/01-tea.md").read_text("utf-8").split("\n")
    line = next(i for i, text in enumerate(chapter, 1) if "陆" in text)
    assert f"content/chapters/01-tea.md:{line}: '陆' (U+9646 CJK UNIFIED IDEOGRAPH-9646)" in err
    # Code is set in the face of code: its characters are findings against that face.
    code_line = next(i for i, text in enumerate(chapter, 1) if text.startswith("print("))
    assert f"content/chapters/01-tea.md:{code_line}: '与' (U+4E0E CJK UNIFIED IDEOGRAPH-4E0E) is in none of the " \
           "fonts of code (DejaVu Sans Mono)" in err
    assert "fonts: fallback:" in err
    # Without --strict the editions are built, and the findings are warnings.
    assert build(root) == 0
    assert "warning: content/book.yaml:2: '茶'" in capsys.readouterr().err


def test_a_fallback_the_book_does_not_ship_is_an_error_at_its_line(tmp_path, capsys):
    root = copy_book("fallback-font", tmp_path / "book")
    (root / "styles" / "fonts" / "DroidSansFallback-subset.ttf").unlink()
    assert build(root) == 65
    err = capsys.readouterr().err
    lines = (root / "content/book.yaml").read_text("utf-8").split("\n")
    line = lines.index("  fallback:") + 1
    assert f"content/book.yaml:{line}: the fallback font 'DroidSansFallback-subset.ttf' is not in the book's " \
           "styles/fonts/" in err
    assert not (root / "dist").exists()


def test_a_fallback_that_is_not_a_font_is_an_error(tmp_path, capsys):
    root = copy_book("fallback-font", tmp_path / "book")
    (root / "styles" / "fonts" / "DroidSansFallback-subset.ttf").write_bytes(b"not a font at all")
    assert build(root) == 65
    err = capsys.readouterr().err
    assert "DroidSansFallback-subset.ttf: the font cannot be read" in err and "Traceback" not in err


def test_what_is_not_printed_in_the_book_face_is_not_a_finding(tiny, capsys):
    # A formula (set in the math font), an HTML comment, joiners, a soft hyphen
    # and a variation selector: none is set in the book's fonts.
    tiny.chapter("01-one.md", "One", "Text with $\\alpha \\otimes \\beta$ and <!-- 中文 --> a joiner\u200d, "
                 "a soft\u00adhyphen, a mark\ufe0f and a word joiner\u2060.", number="1")
    assert tiny.build("html", "--strict") == 0, capsys.readouterr().err


def test_many_characters_of_one_file_are_named_up_to_a_point_then_counted(tiny, capsys):
    arabic = "مرحبا بالعالم هذا نص عربي طويل"
    emoji = "🙂🎉"
    tiny.chapter("01-one.md", "One", f"Arabic: {arabic}. Emoji: {emoji}.", number="1")
    assert tiny.build("html", "--strict") == 65
    err = capsys.readouterr().err
    distinct = {c for c in arabic + emoji if not c.isspace()}
    named = re.findall(r"content/chapters/01-one\.md:\d+: '(.)' \(U\+([0-9A-F]+) ([A-Z0-9 -]+)\)", err)
    assert len(named) == 8
    for char, code, name in named:
        assert int(code, 16) == ord(char) and unicodedata.name(char) == name
    more = re.search(r"(\d+) more characters are in none of the book's fonts", err)
    assert more and int(more.group(1)) == len(distinct) - 8


def test_the_toolchains_own_words_and_the_test_books_are_covered_by_its_faces():
    """Every interface word of every shipped locale is in the book face: the toolchain
    itself never makes a finding. (A test book's text is checked by its --strict build.)"""
    coverage = Coverage(Paths(BOOKS / "plain"), _config("plain"))
    locales = sorted((ASSETS / "templates" / "locale").glob("*.yaml"))
    assert len(locales) >= 3, locales  # en, es, fr at least
    for locale in locales:
        words = "".join(words_of(yaml.safe_load(locale.read_text("utf-8"))))
        assert not coverage.lacks(set(words)), (locale.name, coverage.lacks(set(words)))
    # The face of code has what print's code layout draws (continuation arrow, box drawing).
    assert not coverage.lacks(set("→↪─│└├"), code=True)
    assert coverage.lacks({"中"}) == {"中"} and coverage.lacks({"中"}, code=True) == {"中"}


def test_the_real_book_has_no_character_its_fonts_lack():
    text = "".join(p.read_text("utf-8") for p in sorted((REPO / "content").rglob("*.md")))
    if not text:
        pytest.skip("content/ holds no book")
    text += (REPO / "content" / "book.yaml").read_text("utf-8")
    coverage = Coverage(Paths(REPO), _config(None))
    assert not coverage.lacks(set(text)), sorted(coverage.lacks(set(text)))


def _config(book):
    from press.source.config import load_config

    return load_config(Paths(BOOKS / book if book else REPO))


def test_a_books_own_locale_file_is_checked_too(tiny, capsys):
    """A book in a language the toolchain has no words for writes templates/locale/<lang>.yaml:
    its words print on every page, so their characters are checked at their lines."""
    tiny.chapter("01-one.md", "One", "Some text.", number="1")
    locale = tiny.own("templates/locale/en.yaml")
    lines = locale.read_text("utf-8").split("\n")
    locale.unlink()
    at = next(i for i, text in enumerate(lines) if text.startswith("contents:"))
    lines[at] = 'contents: "目录"'
    locale.write_text("\n".join(lines), "utf-8")
    assert tiny.build("html", "--strict") == 65
    err = capsys.readouterr().err
    assert f"templates/locale/en.yaml:{at + 1}: '目' (U+76EE CJK UNIFIED IDEOGRAPH-76EE)" in err, err
