"""The web edition in a real browser: headless Chromium (Debian's package)."""

from __future__ import annotations

import pytest

from .conftest import REPO
from .artefacts import chromium
from .test_web import make_web_book

ARTIFACTS = REPO / "tests" / "artifacts"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def test_follow_the_contents_and_search(browser, whole):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((whole.html / "01-to-my-son.html").as_uri())
    page.click("nav.side-nav >> text=Beginning Life as a Printer")
    assert page.url.endswith("04-printer.html")
    assert page.inner_text("h1") == "Beginning Life as a Printer"
    page.click("a[rel=next]")
    assert page.url.endswith("05-philadelphia.html")
    page.fill("#q", "MAGNALIA CHRISTI")  # in capitals: the search folds case
    page.press("#q", "Enter")
    page.wait_for_selector("#search-results li a")
    link = page.locator("#search-results li a").first
    assert "Ancestry and Early Youth in Boston" in link.inner_text()
    link.click()
    assert "03-ancestry.html" in page.url
    page.close()


@pytest.mark.parametrize("width, height, name", [(390, 844, "phone"), (1440, 900, "desktop")])
def test_screenshots_for_review(browser, whole, width, height, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto((whole.html / "04-printer.html").as_uri())
    # Nothing overflows sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    text, contents = page.locator("main").bounding_box(), page.locator("nav.side-nav .toc").bounding_box()
    if name == "desktop":  # the contents beside the text, on its left, the text wider
        assert contents["x"] < text["x"] and text["width"] > contents["width"]
    else:  # on a phone the contents are a closed menu above the text, which starts on the first screen
        assert not page.locator("nav.side-nav .toc").is_visible()
        assert page.locator("main h1").bounding_box()["y"] < height / 2
    target = ARTIFACTS / f"chapter-{name}.png"
    page.screenshot(path=str(target))
    assert target.stat().st_size > 10_000
    page.close()


def test_the_pages_work_without_javascript(browser, whole):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto((whole.html / "index.html").as_uri())
    page.click("nav.contents-page >> text=The Whistle")
    assert page.inner_text("h1") == "The Whistle"
    context.close()


@pytest.fixture(scope="module")
def tiny_site(tmp_path_factory):
    return make_web_book(tmp_path_factory.mktemp("web") / "book")


def _tab_until(page, selectors: dict[str, str], presses: int = 200) -> str | None:
    """Press Tab from the top of the page until the focus is on one of
    ``selectors`` (name -> CSS selector); the name of the first reached."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(presses):
        page.keyboard.press("Tab")
        for name, selector in selectors.items():
            if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
                return name
    return None


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_phone_the_text_and_next_come_before_the_contents(browser, tiny_site, javascript):
    context = browser.new_context(viewport={"width": 375, "height": 667}, java_script_enabled=javascript)
    page = context.new_page()
    page.goto((tiny_site / "04-two.html").as_uri())
    menu, contents = page.locator("nav.side-nav summary"), page.locator("nav.side-nav .toc")
    # The first screen: a menu button, closed, and the text.
    assert menu.is_visible() and menu.bounding_box()["y"] < 667
    assert not contents.is_visible()
    assert page.locator("main h1").inner_text() == "Chapter two"
    assert page.locator("main p", has_text="Text of two").bounding_box()["y"] < 667
    # A keyboard reaches Next before any entry of the contents.
    reached = _tab_until(page, {"next": "a[rel=next]", "contents": "nav.side-nav .toc a"})
    assert reached == "next"
    # The button opens the contents in place; its entries work.
    menu.click()
    assert contents.is_visible()
    page.click("nav.side-nav .toc >> text=Chapter three")
    assert page.url.endswith("06-three.html")
    context.close()


def test_on_a_wide_screen_the_contents_are_a_side_bar_marking_this_page(browser, tiny_site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((tiny_site / "04-two.html").as_uri())
    contents = page.locator("nav.side-nav .toc")
    assert contents.is_visible() and not page.locator("nav.side-nav summary").is_visible()
    assert contents.bounding_box()["x"] + contents.bounding_box()["width"] <= page.locator("main").bounding_box()["x"]
    current = page.locator("nav.side-nav a[aria-current=page]")
    assert current.get_attribute("href") == "04-two.html"
    style = "e => { const s = getComputedStyle(e); return [s.fontWeight, s.borderLeftWidth]; }"
    other = page.locator("nav.side-nav a[href='03-one.html']")
    assert current.evaluate(style) != other.evaluate(style)  # marked so that it shows
    page.click("nav.side-nav >> text=Chapter three")
    assert page.url.endswith("06-three.html")
    page.close()


def test_the_side_bar_shows_this_pages_entry(browser, tiny_site):
    """A contents taller than the screen scrolls to this page's entry (menu.js)."""
    page = browser.new_page(viewport={"width": 1280, "height": 160})
    page.goto((tiny_site / "07-end.html").as_uri())
    # Unscrolled, the entry would be below the side bar's bottom.
    assert page.evaluate("""(n => { const a = n.querySelector('[aria-current=page]');
                                     return a.offsetTop + a.offsetHeight > n.clientHeight; })
                            (document.querySelector('nav.side-nav'))""")
    nav = page.locator("nav.side-nav").bounding_box()
    entry = page.locator("nav.side-nav a[aria-current=page]").bounding_box()
    assert nav["y"] <= entry["y"] and entry["y"] + entry["height"] <= nav["y"] + nav["height"]
    assert page.evaluate("window.scrollY") == 0  # the page itself did not move
    page.close()

def test_search_results_show_the_matched_words(browser, tiny_site):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto((tiny_site / "search.html").as_uri() + "?q=peru")  # folded: finds "Perú"
    page.wait_for_selector("#search-results li")
    snippet = page.locator("#search-results li p", has_text="about the")
    assert snippet.locator("mark").all_inner_texts() == ["Perú"]
    assert "Text of two, about the Perú of 1821." in snippet.inner_text()
    # The book's text goes in as text: markup in it is shown, never made.
    page.goto((tiny_site / "search.html").as_uri() + "?q=onclick")
    page.wait_for_selector("#search-results li")
    assert "<b onclick=alert(1)>" in page.locator("#search-results li p").first.inner_text()
    assert page.locator("#search-results mark").first.inner_text() == "onclick"
    assert page.locator("#search-results b, #search-results [onclick]").count() == 0
    page.close()


PAGES = {"home": "index.html", "part": "02-boston.html", "chapter": "04-printer.html",
         "search": "search.html?q=Philadelphia"}


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshots_of_the_whole_book(browser, whole, width):
    """The whole test book's home, part, chapter and search pages, for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": width, "height": 1600})
    for name, address in PAGES.items():
        page.goto(whole.html.as_uri() + "/" + address)
        if name == "search":
            page.wait_for_selector("#search-results mark")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, name
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))
    page.close()


def test_on_a_wide_screen_the_page_numbers_of_a_blank_page_and_the_next_do_not_overlap(browser, whole):
    """A unit that opens on a recto after a blank verso begins two printed pages at
    once (the real book's Authors: pages 30 and 31): in the margin, where each
    number is placed at the height where its page begins, the second went under the first."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    pairs = 0
    for path in sorted(whole.html.glob("*.html")):
        page.goto(path.as_uri())
        boxes = page.evaluate("""() => [...document.querySelectorAll('.page-marker + .page-marker')]
          .map(m => {
            const a = m.previousElementSibling.getBoundingClientRect(), b = m.getBoundingClientRect();
            return [a.top, a.bottom, b.top, b.bottom, a.left, b.left]; })""")
        for a_top, a_bottom, b_top, b_bottom, a_left, b_left in boxes:
            pairs += 1
            assert b_top >= a_bottom - 0.5, (path.name, a_top, a_bottom, b_top, b_bottom)
            assert abs(a_left - b_left) < 1  # one above the other, in the same margin
    page.close()
    assert pairs, "the test book has no blank verso before a unit: this test would prove nothing"
