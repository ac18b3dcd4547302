"""The web edition, parsed: structure, languages, links, search index.

On the whole test book (tests/books/franklin) and on a tiny web book."""

from __future__ import annotations

import json
import re

import pytest

from .artefacts import html_pages


@pytest.fixture(scope="module")
def site(whole):
    return whole.html


@pytest.fixture(scope="module")
def pages(site):
    return html_pages(site)


def test_home_page_has_cover_title_and_contents(pages, site):
    home = pages["index.html"]
    cover = home.xpath("//img[@class='cover']")[0]
    assert cover.get("alt") and (site / cover.get("src")).is_file()
    assert home.xpath("//h1")[0].text_content().startswith("The Autobiography of Benjamin Franklin")
    assert len(home.xpath("//nav[@class='contents-page']//a")) > 20  # 12 units, 11 sections


def test_every_page_is_semantic_html5_with_language_title_and_one_h1(pages):
    for name, root in pages.items():
        assert root.get("lang") == "en", name
        assert root.findtext(".//title"), name
        assert len(root.xpath("//h1")) == 1, name
        for tag in ("header", "nav", "main"):
            assert root.xpath(f"//{tag}"), (name, tag)
        for img in root.xpath("//img"):
            assert img.get("alt"), name


def test_chapter_pages_have_previous_next_and_side_contents(pages):
    page = pages["04-printer.html"]
    assert page.xpath("//article[@class='unit kind-chapter']")
    assert page.xpath("//a[@rel='prev']")[0].get("href") == "03-ancestry.html"
    assert page.xpath("//a[@rel='next']")[0].get("href") == "05-philadelphia.html"
    assert page.xpath("//nav[@class='side-nav']//a[@href='04-printer.html#spectator']")


def test_every_internal_link_resolves(pages, site):
    ids = {name: set(root.xpath("//@id")) for name, root in pages.items()}
    checked = 0
    for name, root in pages.items():
        for href in root.xpath("//a/@href"):
            if re.match(r"^[a-z]+:", href):
                continue
            path, _, fragment = href.partition("#")
            target = path or name
            if "?" in target:
                target = target.split("?")[0]
            assert (site / target).exists(), (name, href)
            if fragment:
                assert fragment in ids[target], (name, href)
            checked += 1
    for root in pages.values():
        for src in root.xpath("//link/@href | //script/@src | //img/@src"):
            assert (site / src).is_file(), src
    assert checked > 100


def test_footnote_becomes_a_linked_endnote(pages):
    page = pages["01-to-my-son.html"]
    ref = page.xpath("//a[@role='doc-noteref']")[0]
    note = page.xpath(f"//li[@id='{ref.get('href')[1:]}']")[0]
    assert "Gibbon and Hume, the great British historians" in note.text_content()
    assert note.xpath(".//a[@role='doc-backlink']")[0].get("href") == f"#{ref.get('id')}"


def test_search_index_covers_the_text(site):
    script = (site / "assets" / "search-index.js").read_text("utf-8")
    records = json.loads(script.removeprefix("window.SEARCH_INDEX=").rstrip().rstrip(";"))
    assert any("Magnalia Christi Americana" in r["x"] for r in records)
    for record in records:
        assert (site / record["u"].split("#")[0]).is_file()


# A tiny book shaped like many: an opening outside the parts, two parts (the
# first with an introduction), numbered chapters with sections, a conclusion.
WEB_BOOK = {
    "01-opening.md": ("Opening", "introduction", None, None, "The opening words of the book."),
    "02-first.md": ("The first part", "part", "I", None, "An introduction to the first part."),
    "03-one.md": ("Chapter one", "chapter", "1", "first", "Text of one."),
    "04-two.md": ("Chapter two", "chapter", "2", "first", "Text of two, about the Perú of 1821."),
    "05-second.md": ("The second part", "part", "II", None, ""),
    "06-three.md": ("Chapter three", "chapter", "3", "second",
                    "Text of three. A reader wrote \\<b onclick=alert(1)\\> in a margin."),
    "07-end.md": ("The end", "conclusion", None, None, "The closing words."),
}


def make_web_book(root):
    """The tiny web book under ``root``; returns the built site folder."""
    from .conftest import TinyBook, chapter, source_date_epoch

    book = TinyBook(root)
    for name, (title, kind, number, part, text) in WEB_BOOK.items():
        sections = "".join(f"\n\n## Section {n} of {title.lower()} {{#{name[:2]}-s{n}}}\n\n"
                           f"Words of section {n}. {' '.join(['Filler text.'] * 40)}" for n in range(1, 4))
        body = text + (sections if kind != "part" else "")
        book.write(f"content/chapters/{name}", chapter(title, body, kind=kind, number=number, part=part))
    with source_date_epoch():
        assert book.build("html") == 0
    return book.out / "html"


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory):
    return make_web_book(tmp_path_factory.mktemp("web") / "book")


@pytest.fixture(scope="module")
def tiny_pages(tiny_site):
    return html_pages(tiny_site)


def test_the_contents_are_a_menu_that_works_without_javascript(tiny_pages):
    """On every page but the title page the contents are a <details>, closed
    in the markup (so closed on a phone without JavaScript; wide screens show
    it by CSS), before the text; the title page shows its contents once."""
    for name, root in tiny_pages.items():
        lists = root.xpath("//ol[contains(concat(' ', @class, ' '), ' toc ')]")
        assert len(lists) == 1, name
        if name == "index.html":
            assert lists[0].xpath("ancestor::main"), "the title page's contents are its text"
            assert not root.xpath("//details"), name
            continue
        menu = lists[0].xpath("ancestor::details")
        assert menu and menu[0].get("open") is None, name
        assert menu[0].xpath("summary")[0].text_content().strip() == "Contents", name
        assert menu[0].xpath("ancestor::nav[@aria-label='Contents']"), name
        assert not menu[0].xpath("ancestor::main"), name


def test_the_current_page_is_marked_in_the_contents(tiny_pages):
    for name, root in tiny_pages.items():
        current = root.xpath("//nav[contains(@class, 'side-nav')]//a[@aria-current='page']")
        if name in ("index.html", "search.html"):  # not entries of the contents
            assert not current, name
            continue
        assert len(current) == 1, name
        assert current[0].get("href").partition("#")[0] == name
        assert not root.xpath("//a[@aria-current and not(@aria-current='page')]")


def test_the_menu_opens_the_sections_of_this_page_only(tiny_pages):
    """A menu of every section of the book is most of its length: the side
    menu lists the sections of the page it is on, the home page all of them."""
    def sections(root, where):
        return [a.get("href") for a in root.xpath(f"{where}//ol[@class='toc-sections']//a")]

    home = sections(tiny_pages["index.html"], "//main")
    assert len(home) == 15 and len({h.partition("#")[0] for h in home}) == 5
    for name, root in tiny_pages.items():
        if name == "index.html":
            continue
        listed = sections(root, "//nav[contains(@class, 'side-nav')]")
        assert listed == [h for h in home if h.startswith(name + "#")], name
        assert not root.xpath("//main//ol[@class='toc-sections']"), name

def test_a_part_page_lists_its_chapters(tiny_pages):
    parts = {"02-first.html": ["03-one.html", "04-two.html"], "05-second.html": ["06-three.html"]}
    for name, chapters in parts.items():
        main = tiny_pages[name].xpath("//main")[0]
        listing = main.xpath(".//nav[contains(@class, 'part-contents')]")
        assert len(listing) == 1, name
        links = listing[0].xpath(".//a")
        assert [a.get("href") for a in links] == chapters
        numbers = {"03-one.html": "1", "04-two.html": "2", "06-three.html": "3"}
        for a in links:
            assert a.text_content().split()[0] == numbers[a.get("href")]
            assert "Chapter" in a.text_content()
    intro = tiny_pages["02-first.html"].xpath("//main")[0].text_content()
    assert "An introduction to the first part." in intro
    assert intro.index("An introduction") < intro.index("Chapter one")
    for name in ("03-one.html", "01-opening.html", "07-end.html"):  # no listing outside part pages
        assert not tiny_pages[name].xpath("//main//nav[contains(@class, 'part-contents')]"), name


def test_search_index_holds_reading_text_only(tiny_site, site):
    for folder in (tiny_site, site):
        script = (folder / "assets" / "search-index.js").read_text("utf-8")
        records = json.loads(script.removeprefix("window.SEARCH_INDEX=").rstrip().rstrip(";"))
        assert records
        for record in records:
            assert "↩" not in record["x"], record
            assert not re.search(r"[a-z][.,;:]\d", record["x"]), record  # a note's number glued on
