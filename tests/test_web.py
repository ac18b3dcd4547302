"""The web edition, parsed: structure, languages, links, search index."""

from __future__ import annotations

import json
import re

import pytest

from .artefacts import html_pages


@pytest.fixture(scope="module")
def site(real_book):
    return real_book / "html"


@pytest.fixture(scope="module")
def pages(site):
    return html_pages(site)


def test_home_page_has_cover_title_and_contents(pages, site):
    home = pages["index.html"]
    cover = home.xpath("//img[@class='cover']")[0]
    assert cover.get("alt") and (site / cover.get("src")).is_file()
    assert home.xpath("//h1")[0].text_content().startswith("200 Years of Peruvian Foreign Policy")
    assert len(home.xpath("//section[@class='contents-page']//a")) > 20


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
    page = pages["04-guidelines.html"]
    assert page.xpath("//article[@class='unit kind-chapter']")
    assert page.xpath("//a[@rel='prev']")[0].get("href") == "03-institutionalization.html"
    assert page.xpath("//a[@rel='next']")[0].get("href") == "05-other-positions.html"
    assert page.xpath("//nav[@class='side-nav']//a[@href='04-guidelines.html#recognition']")


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
    page = pages["01-opening.html"]
    ref = page.xpath("//a[@role='doc-noteref']")[0]
    note = page.xpath(f"//li[@id='{ref.get('href')[1:]}']")[0]
    assert "This document has been prepared" in note.text_content()
    assert note.xpath(".//a[@role='doc-backlink']")[0].get("href") == f"#{ref.get('id')}"


def test_lacunae_are_visible_with_an_editors_note(pages):
    marks = [m for root in pages.values() for m in root.xpath("//span[@class='lacuna']")]
    assert len(marks) == 3
    for mark in marks:
        assert "[\u2026]" in mark.text_content() and "Editor" in mark.text_content()


def test_search_index_covers_the_text(site):
    script = (site / "assets" / "search-index.js").read_text("utf-8")
    records = json.loads(script.removeprefix("window.SEARCH_INDEX=").rstrip().rstrip(";"))
    assert any("Pérez de Cuéllar" in r["x"] for r in records)
    for record in records:
        assert (site / record["u"].split("#")[0]).is_file()
