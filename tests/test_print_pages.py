"""The print edition's page structure: the front matter's sequence, the
printed contents' numbers, and a book that opens with a part (issue 15).

Tiny books with several paged back-matter sections of several pages each
(bibliography, chronology, index): the numbers of every section after the
first moved once the real back matter replaced the headings the body had
been laid out with, and the contents kept the old ones.
"""

from __future__ import annotations

import random
import re

import pypdf
import pytest

from .artefacts import (html_pages, pdf_destinations, pdf_full_page_texts, pdf_internal_links,
                        pdf_margin_texts, pdf_page_texts)
from .test_pagemarks import assert_markers_start_their_pages, back_files, epub_markers, page_list

SYLLABLES = "ka ro vi mu te sa lo ni pe du ga fo ri be zu ta".split()
TERMS = sorted({"".join(random.Random(n).sample(SYLLABLES, 3)).capitalize() for n in range(200)})[:150]
FILLER = ("the delegation read the treaty aloud and the council weighed each clause before it voted on "
          "the boundary, the harbour dues and the question of the archives").split()

SETTINGS = """
bibliography:
  references: "references.yaml"
  style: "csl/chicago-author-date.csl"
  groups:
    primary: "Primary sources"
    secondary: "Secondary sources"
chronology:
  themes:
    institution: "Institution"
  eras:
    - {start: "1800", end: "2099", title: "Two centuries"}
"""


def paragraph(rng: random.Random, number: int, extra: str = "") -> str:
    words = [rng.choice(FILLER) for _ in range(70)]
    for n in range(5):  # every term in a few places: an index of several pages
        words.insert(rng.randrange(len(words)), TERMS[(5 * number + n) % len(TERMS)])
    text = " ".join(words)
    return text[0].upper() + text[1:] + extra + "."


def write_book(tiny, part_first: bool) -> None:
    """A book whose paged back matter runs to several pages a section.

    ``part_first``: its first unit is a part; else an introduction, then a part.
    """
    from .conftest import REPO

    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text + SETTINGS)
    style = "csl/chicago-author-date.csl"
    tiny.write(f"content/{style}", (REPO / "styles" / style).read_bytes())
    tiny.write("content/index.yaml", "entries:\n" + "".join(
        f'  {t.lower()}:\n    heading: "{t}"\n    forms: ["{t}"]\n' for t in TERMS))
    tiny.write("content/references.yaml", "references:\n" + "".join(
        f"  - id: ref-{n}\n    type: book\n    title: A history of the frontier, volume {n}\n"
        f"    author: [{{family: Author{chr(65 + n % 26)}{n}, given: Ann}}]\n    publisher: Test Press\n"
        f"    issued: {{date-parts: [[{1900 + n}]]}}\n"
        f"    custom: {{group: {'primary' if n % 3 else 'secondary'}}}\n" for n in range(48)))
    rng = random.Random(15)

    def events(anchors: range) -> str:
        return "chronology:\n" + "".join(
            f'  - {{date: "{1820 + 3 * n}", event: "Event {n}: the council met, weighed the treaty and sent '
            f'its envoys to the frontier once more.", anchor: "ev-{n}", theme: "institution"}}\n'
            for n in anchors)

    first, chapters = ("01", "02") if part_first else ("02", "03")
    if not part_first:
        tiny.chapter("01-opening.md", "An opening", "\n\n".join(paragraph(rng, 60 + n) for n in range(3)),
                     kind="introduction")
    tiny.chapter(f"{first}-the-part.md", "The first part", "", kind="part", number="I")
    for offset, (title, cites, anchors) in enumerate((("The treaty", range(0, 24), range(0, 30)),
                                                      ("The frontier", range(24, 48), range(30, 60)))):
        body = [paragraph(rng, 30 * offset + n, f" [@ref-{cites[n]}]" if n < len(cites) else "")
                for n in range(30)]
        for n, event in enumerate(anchors):
            body[n % 30] += f" [Passage {event}]{{#ev-{event}}}."
        body.insert(15, "## A section in the middle of the chapter")
        tiny.chapter(f"{int(chapters) + offset:02d}-{title.split()[-1]}.md", title, "\n\n".join(body),
                     number=str(offset + 1), part="the-part", extra=events(anchors))


def build(tmp_path_factory, name: str, part_first: bool):
    from .conftest import TinyBook, source_date_epoch

    with source_date_epoch():
        book = TinyBook(tmp_path_factory.mktemp(name) / "book")
        write_book(book, part_first)
        assert book.build("all", "--strict") == 0
    return book


@pytest.fixture(scope="module")
def opening_first(tmp_path_factory):
    return build(tmp_path_factory, "opening-first", part_first=False)


@pytest.fixture(scope="module")
def part_first(tmp_path_factory):
    return build(tmp_path_factory, "part-first", part_first=True)


def squeeze(text: str) -> str:
    return re.sub(r"[\s\u00ad]+", " ", text).strip()


def contents_entries(pdf) -> list[tuple[str, str, str]]:
    """(title, printed number, destination) of each entry of the printed contents."""
    full = pdf_full_page_texts(pdf)
    labels = pypdf.PdfReader(str(pdf)).page_labels
    start = next(i for i, t in enumerate(full) if t.lstrip().startswith("Contents"))
    end = labels.index("1")
    seen, out = set(), []
    for _page, dest, shown in pdf_internal_links(pdf, range(start, end)):
        if dest in seen:  # an entry's first annotation covers it all; then one per box
            continue
        seen.add(dest)
        match = re.fullmatch(r"(.*?)[\s.]*?(\d+)", squeeze(shown))
        assert match, f"a contents entry without a number at its end: {shown!r}"
        out.append((match.group(1).rstrip(" ."), match.group(2), dest))
    return out


def assert_contents_tell_the_truth(pdf, back_matter: tuple[str, ...]) -> None:
    labels = pypdf.PdfReader(str(pdf)).page_labels
    destinations = pdf_destinations(pdf)
    texts = [squeeze(t) for t in pdf_full_page_texts(pdf)]
    entries = contents_entries(pdf)
    titles = [title for title, _, _ in entries]
    assert titles[-len(back_matter):] == list(back_matter), titles
    for title, number, dest in entries:
        page = destinations[dest]
        assert number == labels[page], f"the contents give {title} {number}; it links to page {labels[page]}"
        # The heading's text is on that page (its number, for a numbered entry, set apart).
        words = title.split(" ", 1)[-1] if re.match(r"\d+(\.\d+)* ", title) else title
        assert words in texts[page], f"{title!r} is not on page {labels[page]}"
    # The paged back matter runs to several pages a section: each section
    # after the first starts well after the previous one.
    starts = [int(n) for t, n, _ in entries if t in back_matter]
    assert all(b - a >= 2 for a, b in zip(starts, starts[1:])), starts


def test_contents_numbers_are_the_pages_of_their_headings(opening_first):
    pdf = opening_first.out / "tiny.pdf"
    assert_contents_tell_the_truth(pdf, ("Bibliography", "Chronology", "Index"))


def test_front_matter_in_the_conventional_sequence(opening_first):
    pdf = opening_first.out / "tiny.pdf"
    labels = pypdf.PdfReader(str(pdf)).page_labels
    full = pdf_full_page_texts(pdf)
    body = labels.index("1")
    assert labels[:body] == ["i", "ii", "iii", "iv", "v", "vi"][:body] and body % 2 == 0  # page 1 on a recto
    assert squeeze(full[0]) == "A Tiny Book"  # i: the half-title, a recto
    assert not full[1].strip()  # ii: blank
    assert "Ana Pérez" in full[2] and "Test Press" in full[2] and "ISBN" not in full[2]  # iii: title page
    assert "ISBN" in full[3] and "All rights reserved." in full[3]  # iv: its verso, the copyright page
    contents = next(i for i, t in enumerate(full) if t.lstrip().startswith("Contents"))
    assert contents % 2 == 0 and labels[contents] == "v"  # on a recto
    # No folio on the half-title, title and copyright pages and the blank between.
    assert all(margin == ("", "") for margin in pdf_margin_texts(pdf)[:4])


def printed_folios(pdf) -> list[str | None]:
    """The folio printed on each page (the outer word of its head or its foot), or None."""
    out = []
    for head, foot in pdf_margin_texts(pdf):
        edges = {w for part in (head, foot) if part for w in (part.split()[0], part.split()[-1])}
        printed = [w for w in edges if re.fullmatch(r"\d+|[ivxl]+", w)]
        assert len(printed) <= 1, (head, foot)
        out.append(printed[0] if printed else None)
    return out


def test_a_book_opening_with_a_part_has_true_contents(part_first):
    assert_contents_tell_the_truth(part_first.out / "tiny.pdf", ("Bibliography", "Chronology", "Index"))


def test_a_book_opening_with_a_part_has_true_folios(part_first):
    pdf = part_first.out / "tiny.pdf"
    labels = pypdf.PdfReader(str(pdf)).page_labels
    body = labels.index("1")
    assert body % 2 == 0 and labels[body:] == [str(n) for n in range(1, len(labels) - body + 1)]
    assert pdf_destinations(pdf)["the-part"] == body  # page 1 is the part's title page
    folios = printed_folios(pdf)
    for index, folio in enumerate(folios):
        assert folio in (None, labels[index]), f"page {labels[index]} is printed {folio}"
    assert sum(f is not None for f in folios[body:]) > 10


def test_a_book_opening_with_a_part_has_a_true_index(part_first):
    """Every number of the index is the folio printed on the page it links to, which carries the term."""
    pdf = part_first.out / "tiny.pdf"
    labels = pypdf.PdfReader(str(pdf)).page_labels
    folios = printed_folios(pdf)
    destinations = pdf_destinations(pdf)
    marks = {span.get("id"): span.text_content() for root in html_pages(part_first.out / "html").values()
             for span in root.xpath("//span[contains(@class, 'index-mark')]")}
    body = [re.sub(r"[\s\u00ad\u2010-]+", "", t) for t in pdf_page_texts(pdf)]
    checked = 0
    for _page, dest, shown in pdf_internal_links(pdf, range(destinations["index"], len(labels))):
        if dest in marks and re.fullmatch(r"\d+(\u2013\d+)?", shown):
            target = destinations[dest]
            assert shown.split("\u2013")[0] == labels[target], (dest, shown, labels[target])
            assert folios[target] in (None, labels[target]), (dest, shown, folios[target])
            assert marks[dest] in body[target], (dest, marks[dest], labels[target])
            checked += folios[target] is not None
    assert checked > 100


def test_a_book_opening_with_a_part_has_true_page_markers(part_first):
    """The EPUB's page list and markers, and the web edition's, name the PDF's pages by their folios."""
    from .test_pagemarks import web_markers

    pdf, epub = part_first.out / "tiny.pdf", part_first.out / "tiny.epub"
    labels = pypdf.PdfReader(str(pdf)).page_labels
    folios = printed_folios(pdf)
    markers = epub_markers(epub)
    assert [label for label, _ in page_list(epub)] == [label for _, label, _ in markers]
    assert markers[0][1] == "1" and len(markers) >= 10
    assert labels.index(markers[-1][1]) > pdf_destinations(pdf)["index"]  # the back matter's pages too
    for _, label, _ in markers:
        printed = folios[labels.index(label)]
        assert printed in (None, label), f"the marker of page {label} is on the page printed {printed}"
    assert sum(folios[labels.index(label)] is not None for _, label, _ in markers) > 10
    # The units' markers start their pages' text; the back matter's (whose
    # introductions differ between print and screen) are test_pagemarks'.
    back = back_files(epub)
    assert_markers_start_their_pages([m for m in markers if m[0] not in back], pdf)
    web_back = {name for name, _, _ in web_markers(part_first.out / "html")
                if any(kind in name for kind in ("bibliography", "chronology", "index"))}
    assert_markers_start_their_pages([m for m in web_markers(part_first.out / "html") if m[0] not in web_back], pdf)


# --- the contents page, set in columns --------------------------------------------

def contents_geometry(pdf) -> list[dict]:
    """Per contents page: its lines that end with a page number, and the right edge of its letters.

    Read from the glyphs' boxes, not from the markup: a line is the glyphs
    whose middles lie within 3 pt of one another.
    """
    import pypdfium2

    labels = pypdf.PdfReader(str(pdf)).page_labels
    full = pdf_full_page_texts(pdf)
    start = next(i for i, t in enumerate(full) if t.lstrip().startswith("Contents"))
    document = pypdfium2.PdfDocument(str(pdf))
    pages = []
    for index in range(start, labels.index("1")):
        page = document[index]
        textpage = page.get_textpage()
        chars = [(textpage.get_text_range(i, 1), textpage.get_charbox(i, loose=True))  # ascent to descent
                 for i in range(textpage.count_chars())]
        chars = [(c, box) for c, box in chars if c.strip() and box[1] > 72]  # not the folio
        if not chars:  # the blank verso that closes the front matter
            continue
        lines: list[tuple[float, list]] = []
        for c, box in sorted(chars, key=lambda item: -(item[1][1] + item[1][3]) / 2):
            middle = (box[1] + box[3]) / 2
            if lines and abs(lines[-1][0] - middle) < 3:
                lines[-1][1].append((c, box))
            else:
                lines.append((middle, [(c, box)]))
        numbered = []
        for _, line in lines:
            line.sort(key=lambda item: item[1][0])
            digits = []
            for c, box in reversed(line):
                if not c.isdigit():
                    break
                digits.insert(0, (c, box))
            if not digits or digits[0][1][0] < page.get_width() / 2:
                continue
            left = digits[0][1][0]
            dots = [box[2] for c, box in line if c == "." and box[2] <= left]
            numbered.append({"number": "".join(c for c, _ in digits), "left": left, "right": digits[-1][1][2],
                             "last_dot": max(dots, default=None),
                             "letters": [c for c, _ in line if c.isalpha()]})
        pages.append({"entries": numbered, "letters_right": max(box[2] for c, box in chars if c.isalpha())})
    return pages


def test_contents_page_is_set_in_columns(tiny):
    """Numbers right-aligned in one column that no title enters; leaders that
    align; never a leader and its number on a line of their own."""
    import itertools

    words = itertools.cycle("treaty boundary envoy archive council harbour frontier mission charter delegate "
                            "summit protocol arbitration commission tribunal neutrality alliance".split())
    tiny.chapter("01-opening.md", "An opening text whose title runs on to the end of a line and over it",
                 "Words.", kind="introduction")
    tiny.chapter("02-part.md", "A part with a title long enough to wrap in the contents of the book", "",
                 kind="part", number="I")
    for n in range(1, 16):  # titles of every length: some end where the leader has no room left
        title = " ".join(next(words) for _ in range(5 + n)).capitalize()
        section = " ".join(next(words) for _ in range(3 + n))
        tiny.chapter(f"{n + 2:02d}-c{n}.md", title, f"## {section}\n\nText.", number=str(n), part="part")
    assert tiny.build("pdf", "--strict") == 0
    pdf = tiny.out / "tiny.pdf"
    pages = contents_geometry(pdf)
    assert len(pages) >= 3  # v, vi, vii: then a blank verso, so that page 1 is a recto
    labels = pypdf.PdfReader(str(pdf)).page_labels
    assert labels.index("1") % 2 == 0 and not pdf_full_page_texts(pdf)[labels.index("1") - 1].strip()
    assert sum(len(p["entries"]) for p in pages) == 1 + 1 + 15 * 2
    for page in pages:
        entries = page["entries"]
        rights = [e["right"] for e in entries]
        assert max(rights) - min(rights) < 1, f"numbers not right-aligned: {rights}"
        column = min(e["left"] for e in entries)
        assert page["letters_right"] < column, "a title runs into the number column"
        dots = [e["last_dot"] for e in entries]
        assert None not in dots and max(dots) - min(dots) < 1, f"leaders do not align: {dots}"
        for entry in entries:
            assert entry["letters"], f"the leader and number {entry['number']} stand on a line of their own"


def test_front_matter_that_cannot_be_made_even_stops_the_build(tiny, capsys):
    """A book's own print.css that leaves the front matter odd would put page 1 on a verso."""
    from press.errors import EXIT_CONTENT

    css = tiny.own("styles/print.css")
    text = css.read_text("utf-8")
    css.unlink()  # a hard link to the project's stylesheet: replace, never write through
    css.write_text(text + "\n.front-pad { display: none; }\n", "utf-8")
    tiny.chapter("01-one.md", "One", "Text.", kind="introduction")  # i-v: the contents end on a recto
    assert tiny.build("pdf") == EXIT_CONTENT
    assert "styles/print.css: the front matter has 5 pages" in capsys.readouterr().err
    assert not tiny.out.exists()
