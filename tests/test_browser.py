"""The web edition in a real browser: headless Chromium (Debian's package)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = REPO / "tests" / "artifacts"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run 'make test' (it installs Debian's chromium) "
                    "or 'apt-get install chromium'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Flags as this workplace's machines need them: no sandbox as root, and
        # no background networking (the network is closed).
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def test_follow_the_contents_and_search(browser, real_book):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((real_book / "html" / "index.html").as_uri())
    page.click("nav.side-nav >> text=Peruvian foreign policy guidelines")
    assert page.url.endswith("04-guidelines.html")
    assert page.inner_text("h1") == "Peruvian foreign policy guidelines"
    page.click("a[rel=next]")
    assert page.url.endswith("05-other-positions.html")
    page.fill("#q", "Perez de Cuellar")  # without accents: the search folds them
    page.press("#q", "Enter")
    page.wait_for_selector("#search-results li a")
    link = page.locator("#search-results li a").first
    assert "Other positions" in link.inner_text()
    link.click()
    assert "05-other-positions.html" in page.url
    page.close()


@pytest.mark.parametrize("width, height, name", [(390, 844, "phone"), (1440, 900, "desktop")])
def test_screenshots_for_review(browser, real_book, width, height, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto((real_book / "html" / "04-guidelines.html").as_uri())
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    text, contents = page.locator("main").bounding_box(), page.locator("nav.side-nav").bounding_box()
    if name == "desktop":  # the contents beside the text, on its left, the text wider
        assert contents["x"] < text["x"] and text["width"] > contents["width"]
    else:  # on a phone the text comes first, the contents after it
        assert text["y"] < contents["y"]
    target = ARTIFACTS / f"chapter-{name}.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    page.close()


def test_the_pages_work_without_javascript(browser, real_book):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((real_book / "html" / "index.html").as_uri())
    page.click("section.contents-page >> text=Conclusion")
    assert page.inner_text("h1") == "Conclusion"
    context.close()
