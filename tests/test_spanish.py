"""A book in Spanish (tests/books/es-libro), and the same book in French: the locale files reach every edition.

The interface is checked against English as a whole: every word of at least
two letters in en.yaml's values that is not also a word of the book's locale
("ISBN", "PDF", "Notes" in French) must not appear in any edition's text once
the book's own passages in another language (``lang="en"``) are taken out.
"""

from __future__ import annotations

import re
import shutil
import zipfile

import pypdf
import pytest
import yaml
from lxml import etree, html

from press.book.typesetting import Typesetting, marks_of, set_marks, typesetting
from press.cli import main

from .conftest import BOOKS, REPO, build_test_book, source_date_epoch
from .artefacts import XHTML, epub_files, epub_opf

LOCALES = REPO / "templates" / "locale"
WORD = re.compile(r"[^\W\d_]{2,}")
NNBSP = "\u202f"


CODES = {"date_locale", "date_century_numerals", "ordinal_suffixes"}


def flat(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):  # not the settings that are codes, not words (date_locale: "en-GB")
        return [w for k, v in value.items() if k not in CODES for w in flat(v)]
    if isinstance(value, list):
        return [w for v in value for w in flat(v)]
    return []


def locale(name: str) -> dict:
    return yaml.safe_load((LOCALES / f"{name}.yaml").read_text("utf-8"))


# The words a locale shares with English on purpose: names of formats and tools (git, --strict),
# and French words spelled as English.
TOOLS = {"EPUB", "ISBN", "JavaScript", "MathML", "ORCID", "PDF", "commit", "git", "strict"}
SHARED = {
    "es": TOOLS | {"No", "no", "editor", "pp"},
    "fr": TOOLS | {"Conclusion", "Figure", "Index", "index",
           "Note", "Notes", "note", "notes", "Page", "Pages", "page", "pages", "Table", "table", "image", "images",
           "navigable", "passage", "passages", "section", "source", "sources"},
}


def words_of(name: str) -> set[str]:
    """The words of a locale's values, without {placeholders} and file or key names (book.yaml)."""
    return {w for s in flat(locale(name)) for w in WORD.findall(re.sub(r"\{\w+\}|\w+\.(yaml|blurb)", " ", s))}


def english_only(language: str) -> set[str]:
    """The words of the English interface that the locale of ``language`` may not print."""
    return words_of("en") - SHARED[language]


@pytest.mark.parametrize("language", sorted(SHARED))
def test_a_locale_shares_only_the_expected_words_with_english(language):
    """An untranslated value would pass the edition checks below unseen: its words are listed here."""
    assert words_of("en") & words_of(language) <= SHARED[language]


def shape(value, where=()):
    """Every key path of a locale, with the placeholders of each string (and a list's length)."""
    if isinstance(value, dict):
        return {p: s for k, v in value.items() for p, s in shape(v, (*where, k)).items()}
    if isinstance(value, list):
        return {where: ("list", len(value))}
    if not isinstance(value, str):
        return {where: (type(value).__name__,)}  # a number (number_grouping_min)
    return {where: tuple(sorted(re.findall(r"\{(\w+)\}", value)))}


@pytest.mark.parametrize("name", sorted(p.stem for p in LOCALES.glob("*.yaml") if p.stem != "en"))
def test_every_locale_file_has_exactly_the_english_keys_and_placeholders(name):
    english, other = shape(locale("en")), shape(locale(name))
    assert sorted(set(english) - set(other)) == [], f"{name}.yaml lacks keys"
    assert sorted(set(other) - set(english)) == [], f"{name}.yaml has keys en.yaml does not"
    changed = {k: (english[k], other[k]) for k in english if english[k] != other[k]}
    assert changed == {}, f"{name}.yaml: placeholders or list lengths differ from en.yaml"
    assert len(locale(name)["quotes"]) == 4 and all(locale(name)["quotes"])


# --- quotation marks, without a build ----------------------------------------------

def para(*inlines):
    return [{"t": "Para", "c": list(inlines)}]


def quoted(kind, *inlines):
    return {"t": "Quoted", "c": [{"t": kind}, list(inlines)]}


def text(blocks) -> str:
    out = []

    def walk(v):
        if isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, dict):
            if v.get("t") == "Str":
                out.append(v["c"])
            elif v.get("t") == "Space":
                out.append(" ")
            elif v.get("t") == "Quoted":
                marks = {"DoubleQuote": "\u201c\u201d", "SingleQuote": "\u2018\u2019"}[v["c"][0]["t"]]
                out.append(marks[0])
                walk(v["c"][1])
                out.append(marks[1])
            elif v.get("t") in ("Span", "Para", "Plain"):
                walk(v["c"][-1] if v["t"] == "Span" else v["c"])
    walk(blocks)
    return "".join(out)


def style(language: str) -> Typesetting:
    others = {n: locale(n) for n in ("en", "es", "fr")}
    return typesetting(locale(language), language, others)


def test_quotes_nest_alternating_and_follow_the_language_of_a_passage():
    s = {"t": "Str", "c": "x"}
    english = {"t": "Span", "c": [["", [], [["lang", "en"]]], [quoted("DoubleQuote", s, quoted("SingleQuote", s))]]}
    german = {"t": "Span", "c": [["", [], [["lang", "de-AT"]]], [quoted("DoubleQuote", s)]]}
    blocks = para(quoted("DoubleQuote", s, quoted("SingleQuote", s, quoted("DoubleQuote", s))), english, german,
                  quoted("SingleQuote", s))
    assert text(set_marks(blocks, style("es"))) == "«x“x«x»”»“x‘x’”„x“\u201cx\u201d"
    french = text(set_marks(para(quoted("DoubleQuote", s, quoted("DoubleQuote", s))), style("fr")))
    assert french == f"«{NNBSP}x“x”{NNBSP}»"


def test_an_english_book_keeps_pandocs_quote_nodes():
    s = {"t": "Str", "c": "x"}
    blocks = para(quoted("DoubleQuote", s, quoted("SingleQuote", s)), quoted("SingleQuote", s))
    before = repr(blocks)
    assert repr(set_marks(blocks, Typesetting(marks=marks_of(locale("en"))))) == before


def test_french_puts_a_narrow_no_break_space_before_high_punctuation():
    blocks = para({"t": "Str", "c": "Quoi"}, {"t": "Space"}, {"t": "Str", "c": "?"}, {"t": "Space"},
                  {"t": "Str", "c": "Oui!"}, {"t": "Space"}, {"t": "Str", "c": "10:30,"}, {"t": "Space"},
                  {"t": "Str", "c": "voici:"})
    assert text(set_marks(blocks, style("fr"))) == f"Quoi{NNBSP}? Oui{NNBSP}! 10:30, voici{NNBSP}:"


# --- locale files of a book ---------------------------------------------------------

def test_a_missing_key_is_an_error_naming_the_key_and_the_file(tiny, capsys):
    tiny.write("content/book.yaml", (BOOKS / "plain" / "content" / "book.yaml").read_text("utf-8")
               .replace('language: "en"', 'language: "de"'))
    shutil.copytree(BOOKS / "plain" / "content" / "chapters", tiny.content / "chapters", dirs_exist_ok=True)
    assert tiny.build("html", "--strict") == 65
    assert "content/book.yaml: the toolchain has no locale file for language 'de'" in capsys.readouterr().err
    english = (LOCALES / "en.yaml").read_text("utf-8")
    tiny.write("templates/locale/de.yaml", english.replace('contents: "Contents"\n', "")
               .replace('index: "Index"', 'indx: "Register"'))
    assert tiny.build("html", "--strict") == 65
    err = capsys.readouterr().err
    assert "templates/locale/de.yaml:" in err and "unknown key 'indx'; did you mean 'index'?" in err
    tiny.write("templates/locale/de.yaml", english.replace('contents: "Contents"\n', ""))
    assert tiny.build("html", "--strict") == 65
    assert "templates/locale/de.yaml: key 'contents' is missing" in capsys.readouterr().err


def test_a_books_locale_file_overrides_key_by_key(tiny):
    tiny.write("content/book.yaml", (BOOKS / "plain" / "content" / "book.yaml").read_text("utf-8")
               .replace('language: "en"', 'language: "es-PE"'))
    shutil.copytree(BOOKS / "plain" / "content" / "chapters", tiny.content / "chapters", dirs_exist_ok=True)
    tiny.write("templates/locale/es-PE.yaml", 'contents: "Contenido"\nepub_accessibility:\n  math: "Fórmulas."\n')
    assert tiny.build("html", "--strict") == 0
    home = html.parse(str(tiny.out / "html" / "index.html")).getroot()
    assert home.get("lang") == "es-PE"
    assert "Contenido" in home.text_content() and "Buscar" in " ".join(home.xpath("//@placeholder|//text()"))
    tiny.write("templates/locale/es-PE.yaml", 'note_back: "Nota {numero}"\n')
    assert tiny.build("html", "--strict") == 65


# --- the Spanish book, built ----------------------------------------------------------

@pytest.fixture(scope="module")
def es(built_book):
    return built_book("es-libro")


@pytest.fixture(scope="module")
def fr(tmp_path_factory):
    root = tmp_path_factory.mktemp("fr-livre")
    shutil.copytree(BOOKS / "es-libro" / "content", root / "content")
    config = root / "content" / "book.yaml"
    config.write_text(config.read_text("utf-8").replace('language: "es"', 'language: "fr"'), "utf-8")
    out = root / "dist"
    with source_date_epoch():
        assert main(["all", "--root", str(root), "--out", str(out), "--quiet", "--strict"]) == 0
    return out


def without_other_languages(root, language: str) -> tuple[str, list[str]]:
    """The text of a page (and its labels) without passages in another language, and those passages."""
    others = []
    for element in root.xpath(f'//*[@lang and not(starts-with(@lang, "{language}"))]'):
        others.append(" ".join("".join(element.itertext()).split()))
        element.getparent().remove(element)
    for element in root.xpath("//*[local-name()='script' or local-name()='style']"):
        element.getparent().remove(element)
    labels = root.xpath("//@aria-label|//@title|//@placeholder|//@alt")
    return " ".join([*root.itertext(), *labels]), others


def english_in(text: str, language: str) -> list[str]:
    return sorted(set(WORD.findall(text)) & english_only(language))


def test_no_english_interface_word_on_the_web(es):
    pages = sorted((es.out / "html").glob("*.html"))
    assert len(pages) > 8
    for page in pages:
        root = html.parse(str(page)).getroot()
        assert root.get("lang") == "es"
        found = english_in(without_other_languages(root, "es")[0], "es")
        assert found == [], f"{page.name}: English words {found}"


def epub_documents(path):
    for name, data in epub_files(path).items():
        if name.endswith((".xhtml", ".ncx")):
            yield name, etree.fromstring(data)


def test_no_english_interface_word_in_the_epub(es):
    for name, root in epub_documents(es.epub):
        found = english_in(without_other_languages(root, "es")[0], "es")
        assert found == [], f"{name}: English words {found}"
    opf = epub_opf(es.epub)
    summary = opf.findtext(".//opf:meta[@property='schema:accessibilitySummary']", namespaces=XHTML)
    assert summary.startswith("Publicación") and english_in(summary, "es") == []
    assert {r.get("title") for r in opf.iterfind(".//opf:guide/opf:reference", XHTML)} == {"Índice", "Cubierta"}
    nav = etree.fromstring(epub_files(es.epub)["EPUB/nav.xhtml"])
    ns = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    toc = nav.xpath("//x:nav[@epub:type='toc']", namespaces=ns)[0]
    assert toc.xpath("string(x:h1|x:h2)", namespaces=ns).strip() == "Índice"
    labels = [" ".join(a.xpath("string()").split()) for a in toc.xpath(".//x:a", namespaces=ns)]
    assert "Parte I. La costa" in " | ".join(labels) or "Parte I" in " | ".join(labels), labels
    assert "Índice analítico" in labels and "Bibliografía" in labels and "Cronología" in labels
    landmarks = [a.text for a in nav.xpath("//x:nav[@epub:type='landmarks']//x:a", namespaces=ns)]
    assert {"Cubierta", "Índice", "Comienzo del texto", "Índice analítico"} <= set(landmarks), landmarks
    pages = nav.xpath("//x:nav[@epub:type='page-list']", namespaces=ns)
    assert pages and pages[0].xpath("string(x:h1|x:h2)", namespaces=ns).strip() == "Páginas"


def squeeze(text: str) -> str:
    """Runs of ASCII white space as one space (str.split would take U+202F and U+00A0 too)."""
    return re.sub(r"[ \t\r\n]+", " ", text).strip()


def pdf_text(path) -> str:
    return squeeze(" ".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages))


def test_no_english_interface_word_in_the_pdf(es):
    text = pdf_text(es.pdf).replace("\u2010 ", "").replace("- ", "")  # words hyphenated at a line's end
    passages = set()
    for _, root in epub_documents(es.epub):
        passages.update(without_other_languages(root, "es")[1])
    assert any("twelve miles" in p for p in passages)
    for passage in sorted(passages, key=len, reverse=True):
        assert passage in text, passage
        text = text.replace(passage, " ")
    assert english_in(text, "es") == []
    for word in ("Índice", "Parte I", "Parte II", "Bibliografía", "Cronología", "Índice analítico",
                 "Citado en la p.", "Véase también", "Véase", "Ana Pérez y Íñigo Núñez", "Gómez y Ruiz"):
        assert word in text, word
    reader = pypdf.PdfReader(str(es.pdf))
    assert reader.trailer["/Root"]["/Lang"] == "es"


def test_spanish_quotes_nest_and_an_english_passage_keeps_its_own(es):
    text = pdf_text(es.pdf)
    assert "«El faro no se apaga nunca, y quien diga “se apagó” miente»" in text
    assert "«Vamos “a donde haya carga”, como siempre»" in text
    assert "“The harbour is ‘small’ but busy”" in text and "“the finest port on the coast”" in text
    assert "“the light is ‘fixed’ and white”" in text
    assert '"' not in text and "«¡Mira el ñandú!»" in text
    chapter = html.parse(str(es.out / "html" / "03-puertos.html")).getroot()
    spans = chapter.xpath("//main//span[@lang='en']")
    assert [" ".join(s.text_content().split()) for s in spans] == [
        "“The harbour is ‘small’ but busy”", "“the finest port on the coast”"]
    faros = html.parse(str(es.out / "html" / "04-faros.html")).getroot()
    assert faros.xpath("//main//div[@lang='en']//p") and "«Hoy dijo el inspector “todo en orden”, y se fue»" in \
        " ".join(faros.xpath("string(//main)").split())
    # Spanish ranges take the hyphen (RAE): the citation's pages.
    assert "(Gómez y Ruiz 2020, 12-14)" in text


def test_the_same_book_in_french(fr):
    home = html.parse(str(fr / "html" / "index.html")).getroot()
    assert home.get("lang") == "fr"
    text, _ = without_other_languages(home, "fr")
    assert "Table des matières" in text and "Partie I" in text and "Rechercher" in text
    assert english_in(text, "fr") == []
    chapter = squeeze(html.parse(str(fr / "html" / "01-apertura.html")).getroot().xpath("string(//main)"))
    assert f"«{NNBSP}El faro no se apaga nunca, y quien diga “se apagó” miente{NNBSP}»" in chapter
    pages = {p.name: html.parse(str(p)).getroot() for p in (fr / "html").glob("*.html")}
    joined = " ".join(squeeze(r.xpath("string(//main)")) for r in pages.values())
    assert "voir aussi" in joined.lower() and "Bibliographie" in joined and "Chronologie" in joined
    assert f"diario{NNBSP}: «{NNBSP}Hoy" in joined  # the (Spanish) text, set as French
    with zipfile.ZipFile(fr / "faros-y-puertos.epub") as archive:
        nav = archive.read("EPUB/nav.xhtml").decode("utf-8")
    assert "Table des matières" in nav and "Début du texte" in nav
    pdf = pdf_text(fr / "faros-y-puertos.pdf")
    assert "Table des matières" in pdf and "Index" in pdf and f"«{NNBSP}" in pdf


def test_the_preview_and_the_proof_stamp_speak_the_books_language(tmp_path):
    from press.commands.proof import ProofMark
    from press.commands.watch import error_page, preview_words, warnings_banner
    from press.errors import Problem

    shutil.copytree(BOOKS / "es-libro" / "content", tmp_path / "content")
    words = preview_words(tmp_path)
    page = error_page([Problem("content/book.yaml", 3, "algo")], words)
    assert '<html lang="es">' in page and "El libro no se ha podido compilar" in page
    assert "El libro se compiló con 2 avisos" in warnings_banner([Problem("a", 1, "b")] * 2, words)
    stamp = ProofMark("2021-02-01 00:00 UTC", "abc1234567", True).text(locale("es")["proof"])
    assert stamp == "PRUEBA \u00b7 2021-02-01 00:00 UTC \u00b7 commit abc1234567 + cambios sin confirmar"
    (tmp_path / "content" / "book.yaml").write_text("title: [", "utf-8")  # what fails is said in English
    assert preview_words(tmp_path)["failed"] == "The book did not build"


def test_phrases_and_interface_words_take_the_books_quotes():
    from press.book.convert import Pandoc
    from press.book.phrases import render

    strings = {**locale("es"), "chronology": 'Las "fechas"'}
    words, problems = render(Pandoc(None), [('Un "título con \'citas\'"', "book.yaml", None)], strings, style("es"))
    assert problems == []
    assert words["chronology"] == "Las «fechas»"
    assert words.phrases.text('Un "título con \'citas\'"') == "Un «título con “citas”»"
    assert "«título con “citas”»" in words.phrases.html('Un "título con \'citas\'"')


def index_groups(root, ns=None) -> list[tuple[str, list[str]]]:
    """(letter, entry headings) of an index page, web or EPUB."""
    x = "x:" if ns else ""
    groups = []
    for group in root.xpath(f"//{x}section[contains(@class, 'index-group')]", namespaces=ns):
        letter = group.xpath(f"string({x}h2)", namespaces=ns).strip()
        headings = [" ".join(h.xpath("string()").split()) for h in
                    group.xpath(f"./{x}ul/{x}li/{x}span[@class='ix-heading']", namespaces=ns)]
        groups.append((letter, headings))
    return groups


def test_the_index_files_n_tilde_after_n_under_its_own_letter_in_every_edition(es):
    """Spanish collation (CLDR's tailoring, by ICU): "ñandú" after "nube" and "Núñez", under "Ñ"."""
    web = index_groups(html.parse(str(es.out / "html" / "10-index.html")).getroot())
    letters = [letter for letter, _ in web]
    assert letters.index("Ñ") == letters.index("N") + 1, letters
    assert dict(web)["N"] == ["nube", "Núñez, Íñigo"] and dict(web)["Ñ"] == ["ñandú"]
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    pages = [root for name, root in epub_documents(es.epub) if root.xpath("//x:section[contains(@class, 'index-group')]", namespaces=ns)]
    assert len(pages) == 1 and index_groups(pages[0], ns) == web
    text = pdf_text(es.pdf)
    index = text[text.rindex("Índice analítico"):]
    assert re.search(r"\bN nube,\s\d+.*Núñez, Íñigo,\s\d+.* Ñ ñandú,\s\d+.* P puerto", index), index[:400]


def test_a_hyphen_range_is_kept_on_one_line_in_the_text_and_in_citations(es):
    """es.yaml's range_dash is the hyphen (RAE: 1914-1918), after which a line
    may break as in a compound word: each range is a span .range (no wrap)."""
    ranges = []
    for page in sorted((es.out / "html").glob("*.html")):
        root = html.parse(str(page)).getroot()
        ranges += [(page.name, s.text_content()) for s in root.xpath("//span[@class='range']")]
    assert ("03-puertos.html", "12-14)") in ranges and ("08-bibliography.html", "15-32.") in ranges, ranges
    css = (es.out / "html" / "assets" / "base.css").read_text("utf-8")
    assert re.search(r"\.range\s*\{\s*white-space:\s*nowrap", css)
    epub = [n for n, root in epub_documents(es.epub)
            if root.xpath("//*[local-name()='span'][@class='range'][contains(., '12-14')]")]
    assert epub, "no held range in the EPUB"
