"""One HTML policy for every source text (issue 19, press.book.htmlpolicy).

Each attack vector, in each place a writer's text reaches an edition (a
chapter's body in either case, its title and byline, book.yaml's title and
subtitle, an index heading, a chronology event, a reference's title, a
locale override), stops the build with exit 65, the file and the line. Then a
book seeded with the vectors that are allowed through as text (escaped) is
opened, every web page and every EPUB page, in headless Chromium: no script
runs and nothing is requested but the book's own files.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from press.book.htmlpolicy import fragment_problems
from press.errors import EXIT_CONTENT

from .conftest import TinyBook

VECTORS = {
    "script-upper": '<SCRIPT>window.__pwned=1</SCRIPT>',
    "script-lower": '<script>window.__pwned=1</script>',
    "audio": '<audio src="/etc/passwd"></audio>',
    "img-upper": '<IMG SRC="/etc/passwd">',
    "video-poster": '<VIDEO POSTER="/etc/passwd"></VIDEO>',
    "onclick-slash": '<b/onclick="window.__pwned=1">x</b>',
    "javascript-entity": '<a href="java&#x73;cript:window.__pwned=1">x</a>',
    "css-url": '<span style="background:url(/etc/passwd)">x</span>',
    "iframe": '<iframe src="/etc/passwd"></iframe>',
}

PLACES = ["body-lower", "body-upper", "title", "byline", "book-title", "subtitle", "index-heading",
          "chronology-event", "reference-title", "locale"]

BOOK_YAML_TAIL = """\
chronology:
  themes:
    t: "Themes"
bibliography:
  references: "references.yaml"
  style: "csl/chicago-author-date.csl"
"""


def quoted(text: str) -> str:
    """A YAML single-quoted scalar (the vectors hold double quotes)."""
    return "'" + text.replace("'", "''") + "'"


def seed(book: TinyBook, place: str | None = None, vector: str = "", *, title: str = "One",
         byline: str = "Ana", event: str = "The harbour opens.", heading: str = "harbour",
         ref_title: str = "A history of harbours", body: str = "Plain words.",
         locale: str | None = None) -> Path:
    """A tiny book with one chapter, an index, a chronology and a bibliography;
    ``vector`` in ``place``. Returns the file the vector is in."""
    if place == "body-lower":
        body = f"Plain words.\n\nText {vector.lower()} more."
    elif place == "body-upper":
        body = f"Plain words.\n\nText {vector.upper()} more."
    title = vector if place == "title" else title
    byline = vector if place == "byline" else byline
    event = vector if place == "chronology-event" else event
    heading = vector if place == "index-heading" else heading
    ref_title = vector if place == "reference-title" else ref_title
    config = book.content / "book.yaml"
    text = config.read_text("utf-8")
    if place == "book-title":
        text = text.replace('title: "A Tiny Book"', f"title: {quoted(vector)}")
    if place == "subtitle":
        text += f"subtitle: {quoted(vector)}\n"
    config.write_text(text + BOOK_YAML_TAIL, "utf-8")
    book.write("content/index.yaml", f"entries:\n  harbour:\n    heading: {quoted(heading)}\n"
                                     f"    forms: [\"harbour\"]\n")
    book.write("content/references.yaml",
               "references:\n  - id: smith-2020\n    type: book\n"
               f"    title: {quoted(ref_title)}\n"
               "    author: [{family: Smith, given: Ann}]\n    issued: {date-parts: [[2020]]}\n")
    if place == "locale":
        locale = vector
    if locale is not None:
        book.write("templates/locale/en.yaml", f"contents: {quoted(locale)}\n")
    extra = (f"byline: {quoted(byline)}\nchronology:\n"
             f"  - {{date: \"1850\", event: {quoted(event)}, anchor: \"ev\", theme: \"t\"}}")
    chapter = book.write("content/chapters/01-one.md",
                         f"---\ntitle: {quoted(title)}\nkind: chapter\n{extra}\n---\n\n"
                         f"[The harbour]{{#ev}} opened, as told [@smith-2020].\n\n{body}\n")
    return {"book-title": config, "subtitle": config, "index-heading": book.content / "index.yaml",
            "reference-title": book.content / "references.yaml",
            "locale": book.root / "templates/locale/en.yaml"}.get(place or "", chapter)


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if needle.lower() in line.lower():
            return number
    raise AssertionError(f"{needle!r} is not in {path}")


def errors(capsys) -> list[str]:
    return [line.removeprefix("error: ") for line in capsys.readouterr().err.splitlines()
            if line.startswith("error: ")]


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("name", list(VECTORS))
def test_each_vector_in_each_place_stops_the_build_at_its_line(tiny, capsys, name, place):
    vector = VECTORS[name]
    path = seed(tiny, place, vector)
    assert tiny.build("html") == EXIT_CONTENT
    where = f"{path.relative_to(tiny.root).as_posix()}:{line_of(path, vector)}: "
    shown = errors(capsys)
    found = [e for e in shown if e.startswith(where)]
    assert found, (where, shown)
    assert all("not allowed" in e and "; " in e for e in found), found
    assert not (tiny.out / "html").exists()


@pytest.mark.parametrize("body", [
    "[x](javascript:window.__pwned=1)", "[x](JaVaScRiPt:window.__pwned=1)", "[x]( vbscript:msgbox)",
    "[x](data:text/html,hi)", "[x](file:///etc/passwd)", "<javascript:window.__pwned=1>",
    "[x]{onclick=\"window.__pwned=1\"}", "[x]{style=\"background:url(/etc/passwd)\"}",
    "[x]{src=\"/etc/passwd\"}",
])
def test_markdown_links_and_attributes_follow_the_same_policy(tiny, capsys, body):
    path = seed(tiny, body=f"Plain words.\n\nText {body} more.")
    assert tiny.build("html") == EXIT_CONTENT
    assert any(e.startswith(f"content/chapters/01-one.md:{line_of(path, body)}: ") for e in errors(capsys))


@pytest.mark.parametrize("html", [
    "<body onload=x>", "<svg onload=x>", "<math><mi xlink:href=javascript:x>", "<x-foo onclick=x>",
    "<td onclick=x>", "<object data=x>", "<embed src=x>", "<base href=x>", "<meta http-equiv=refresh>",
    "<link rel=stylesheet href=x>", "<form>", "<source srcset=x>", "<track src=x>", "<picture>",
    "<style>p{}</style>", '<a href=" jav&#9;ascript:x">', '<a href="FILE:///etc/passwd">',
    '<span style="background:u\\rl(x)">', '<span style="@import x">', "<p data=x>",
])
def test_the_policy_refuses_with_a_reason(html):
    assert fragment_problems(html)


@pytest.mark.parametrize("html", [
    "<sup>2</sup>", "<sub>", "</span>", '<span class="smallcaps" lang="la">', '<abbr title="Peru">',
    '<span style="color: #333">', '<a href="https://example.org/">', '<a href="#ev">', "<br/>",
    "<td colspan=2>", "<tr>", "<!-- a comment -->", '<div data-x="1" aria-label="y">', "<kbd>",
])
def test_the_policy_lets_text_markup_through(html):
    assert fragment_problems(html) == []


# --- what may pass, as text, in a real browser ---------------------------------------------------

# Each would set window.__pwned or ask for a file outside the book if it ran as HTML.
AS_TEXT = r"\<script\>window.__pwned=1\</script\>"
AS_TEXT_MEDIA = r'\<img src="/etc/passwd" onerror="window.__pwned=1"\>'
CODE = "`</script><script>window.__pwned=1</script><img src=/x onerror=window.__pwned=1>`"
ORIGIN = "http://book.test"
EVENTS = """document.querySelectorAll('body *').forEach(e => ['mouseover', 'mouseenter', 'focus', 'error',
    'load', 'animationstart'].forEach(t => e.dispatchEvent(new Event(t))))"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The tiny book with the vectors that pass as text in every place, built (web and EPUB)."""
    from .conftest import source_date_epoch

    book = TinyBook(tmp_path_factory.mktemp("seeded") / "book")
    seed(book, title=f"One {AS_TEXT}", byline=f"Ana {AS_TEXT_MEDIA}", event=f"It opens {AS_TEXT}",
         heading=f"harbour {AS_TEXT_MEDIA}",
         ref_title="Harbours &lt;script&gt;window.__pwned=1&lt;/script&gt;",
         body=f"Plain words {AS_TEXT} and {AS_TEXT_MEDIA}.\n\nIn code: {CODE}.\n\n"
              f"```html\n<script>window.__pwned=1</script>\n<audio src=\"/etc/passwd\"></audio>\n```\n\n"
              "Allowed: 50\u00a0km<sup>2</sup>, <abbr title=\"Peru\">PE</abbr>, "
              "<span style=\"color: #333\">grey</span>.",
         locale="Contents 5 < 6 & 7 > 3")
    config = book.content / "book.yaml"
    config.write_text(config.read_text("utf-8").replace('title: "A Tiny Book"', f"title: 'Tiny {AS_TEXT}'")
                      + f"subtitle: 'Sub {AS_TEXT_MEDIA}'\n", "utf-8")
    with source_date_epoch():
        assert book.build("html", "--strict") == 0
        web = book.out / "html"
        kept = book.root / "web"
        shutil.copytree(web, kept)
        assert book.build("epub", "--strict") == 0
    epub = book.root / "epub"
    with zipfile.ZipFile(next(book.out.glob("*.epub"))) as archive:
        archive.extractall(epub)
        media = [n for n in archive.namelist() if "passwd" in n]
    assert media == []
    return kept, epub


def test_the_seeded_book_shows_the_vectors_as_text(seeded):
    web, epub = seeded
    chapter = next(p for p in web.glob("*.html") if "one" in p.name)
    html = chapter.read_text("utf-8")
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "<sup>2</sup>" in html and '<abbr title="Peru">' in html
    script = (web / "assets" / "search-index.js").read_text("utf-8")
    assert "</script" not in script.lower() and "<!--" not in script
    assert any("window.__pwned" in p.read_text("utf-8") for p in epub.rglob("*.xhtml"))


def _pages(seeded) -> list[tuple[Path, Path]]:
    web, epub = seeded
    pages = [(web, p) for p in sorted(web.glob("*.html"))]
    pages += [(epub, p) for p in sorted(epub.rglob("*.xhtml"))]
    assert len(pages) > 6
    return pages


def _server(root: Path, strays: list[str]):
    """A route handler: the book's own files from ``root``; anything else is noted and refused."""
    def serve(route):
        url = route.request.url
        if url.startswith(ORIGIN + "/"):
            target = (root / url[len(ORIGIN) + 1:].split("#")[0].split("?")[0]).resolve()
            if target.is_file() and target.is_relative_to(root.resolve()):
                return route.fulfill(path=str(target))
        strays.append(url)
        return route.abort()
    return serve


@pytest.mark.browser
def test_no_page_runs_a_script_or_asks_for_another_file(seeded):
    from .artefacts import chromium

    with chromium() as browser:
        try:
            for root, page_path in _pages(seeded):
                strays: list[str] = []
                context = browser.new_context()
                # Any script of the book's that asks for the network trips this too.
                context.add_init_script(
                    "window.fetch = () => { window.__pwned = 'fetch'; return new Promise(() => {}); };")
                context.route("**/*", _server(root, strays))
                page = context.new_page()
                page.goto(f"{ORIGIN}/{page_path.relative_to(root).as_posix()}")
                page.wait_for_load_state("networkidle")
                # An event handler of any element would run now.
                page.evaluate(EVENTS)
                assert page.evaluate("window.__pwned") is None, page_path
                assert strays == [], (page_path, strays)
                context.close()
        finally:
            browser.close()
