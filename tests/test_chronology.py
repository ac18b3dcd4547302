"""The chronology: order, written-out dates, back-references, the figure,
the data files, and the checks that stop the build."""

from __future__ import annotations

import json
import re

import pypdf
import pytest

from press.source import dates
from press.apparatus.chronology import write_out
from press.errors import EXIT_CONTENT

from .artefacts import (epub_files, html_pages, pdf_destinations, pdf_full_page_texts, pdf_internal_links,
                        pdf_page_texts)

SETTINGS = """
chronology:
  themes:
    institution: "Institution"
    boundaries: "Boundaries"
  eras:
    - {start: "1800", end: "1899", title: "The nineteenth century"}
    - {start: "1900", end: "2099", title: "The twentieth century and after"}
"""

EVENTS = """chronology:
  - {date: "1970/1979", event: "A decade-long process as an interval.", anchor: "ev-a", theme: "boundaries"}
  - {date: "197X", event: "Something in the seventies.", anchor: "ev-a", theme: "institution"}
  - {date: "1883-10-20", event: "The second event of that day.", anchor: "ev-a", theme: "boundaries"}
  - {date: "1845/1851", event: "A presidency.", anchor: "ev-a", theme: "institution"}
  - {date: "1883-10", event: "Something that month.", anchor: "ev-a", theme: "institution"}
  - {date: "2010-10", event: "A launch.", anchor: "ev-a", theme: "institution"}
  - {date: "1850~", event: "Around then.", anchor: "ev-a", theme: "institution"}
"""


def build_tiny(tiny, events: str = EVENTS, extra_first: str = ""):
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text + SETTINGS)
    tiny.chapter("01-one.md", "One", "[First passage]{#ev-a} on page one." + extra_first, kind="introduction",
                 extra=events)
    tiny.chapter("02-two.md", "Two", "[Second passage]{#ev-b} on a later page.", kind="appendix",
                 extra='chronology:\n  - {date: "1883-10-20", event: "The first event of that day.", '
                       'anchor: "ev-b", theme: "boundaries"}')
    return tiny.build("all", "--strict")


def test_written_out_dates():
    strings = {"date_decade": "the {year}s", "date_approximate": "c.", "date_locale": "en-GB"}
    cases = {"1821-08-03": "3\u00a0August 1821", "1845/1851": "1845\u20131851", "197X": "the 1970s",
             "2010-10": "October 2010", "1883": "1883", "1850~": "c.\u00a01850"}
    for text, expected in cases.items():
        assert write_out(dates.parse(text), strings) == expected


def test_order_groups_dates_and_back_references(tiny):
    assert build_tiny(tiny) == 0
    pages = html_pages(tiny.out / "html")
    page = next(root for name, root in pages.items() if name.endswith("-chronology.html"))
    dates_shown = [dt.text_content() for dt in page.xpath("//dt[@class='ch-date']")]
    events = [dd.text_content() for dd in page.xpath("//dd")]
    assert dates_shown == ["1845\u20131851", "c.\u00a01850", "October 1883", "20\u00a0October 1883",
                           "1970\u20131979", "the 1970s", "October 2010"]
    # Same day: one date (a term of the list is named once), its events in
    # reading order (chapter one's event before chapter two's).
    same_day = page.xpath("//dt[@class='ch-date'][. = '20\u00a0October 1883']/following-sibling::dd")
    assert [dd.text_content()[:16] for dd in same_day] == ["The second event", "The first event "]
    assert events[3].startswith("The second event") and events[4].startswith("The first event")
    eras = [h.text_content() for h in page.xpath("//h2[@class='era-title']")]
    assert eras == ["The nineteenth century", "The twentieth century and after"]
    for link in page.xpath("//span[@class='ch-ref']/a"):
        name, _, ident = link.get("href").partition("#")
        assert pages[name].xpath(f"//*[@id='{ident}']")
    # The figure, with its text alternative.
    figure = page.xpath("//figure[@class='timeline']//img")[0]
    assert "8 events" in figure.get("alt") and (tiny.out / "html" / figure.get("src")).is_file()


def test_pdf_back_references_are_the_pages_of_the_passages(tiny):
    assert build_tiny(tiny, extra_first="\n\n" + "\n\n".join(["Filler paragraph. " * 40] * 12)) == 0
    pdf = tiny.out / "tiny.pdf"
    labels = pypdf.PdfReader(str(pdf)).page_labels
    pages = pdf_full_page_texts(pdf)
    first = labels[next(i for i, t in enumerate(pages) if "First passage" in t)]
    second = labels[next(i for i, t in enumerate(pages) if "Second passage" in t)]
    assert first == "1" and int(second) > 2
    # Where the chronology starts: its destination (text order on a page
    # puts the floated dates before the heading).
    start = pdf_destinations(pdf)["chronology"]
    chronology = re.sub(r"[ \r\n\t]+", " ", " ".join(pages[start:]))  # keeps the no-break spaces
    assert f"A presidency. p.\u00a0{first}" in chronology
    assert f"The first event of that day. p.\u00a0{second}" in chronology
    assert "<svg" not in chronology and "Institution" in chronology  # the figure's row labels are drawn


def test_data_files_list_the_same_events(tiny):
    assert build_tiny(tiny) == 0
    records = json.loads((tiny.out / "tiny-chronology.json").read_text("utf-8"))
    assert [r["date"] for r in records][:3] == ["1845/1851", "1850~", "1883-10"]
    assert len(records) == 8
    csv_lines = (tiny.out / "tiny-chronology.csv").read_text("utf-8").strip().split("\n")
    assert len(csv_lines) == 9 and csv_lines[0].startswith("date,")


@pytest.mark.parametrize("event, message", [
    ('{date: "1821-13-03", event: "x", anchor: "ev-a", theme: "institution"}', "not a valid EDTF date"),
    ('{date: "1821", event: "x", anchor: "ev-nowhere", theme: "institution"}', "anchor 'ev-nowhere'"),
    ('{date: "1821", event: "x", anchor: "ev-a", theme: "weather"}', "theme 'weather' is not declared"),
    ('{date: "1821", anchor: "ev-a", theme: "institution"}', "missing required key 'chronology.0.event'"),
    ('{date: "1821", event: "Twice.", anchor: "ev-a", theme: "institution"}\n  - {date: "1821", event: "Twice.", '
     'anchor: "ev-a", theme: "institution"}', "duplicate chronology event"),
], ids=["impossible-date", "missing-anchor", "unknown-theme", "missing-field", "duplicate"])
def test_bad_events_stop_the_build_with_their_line(tiny, capsys, event, message):
    code = build_tiny(tiny, events=f"chronology:\n  - {event}\n")
    assert code == EXIT_CONTENT
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert any(re.match(r"error: content/chapters/01-one\.md:[5-8]: ", e) and message in e for e in errors), errors


# --- the whole test book (tests/books/franklin) -----------------------------------

def test_whole_book_chronology_in_every_edition(whole):
    pages = html_pages(whole.html)
    page = next(root for name, root in pages.items() if name.endswith("-chronology.html"))
    # Each event's date as shown: its own term's (one term for events of one date).
    shown = [dd.xpath("preceding-sibling::dt[1]")[0].text_content()
             for dd in page.xpath("//dd[contains(@class, 'ch-event')]")]
    assert shown == ["1675", "c.\u00a01682", "17\u00a0January 1706", "1716", "1717", "1718", "1720\u20131721",
                     "October 1723", "April 1724", "10\u00a0November 1779"]  # in date order, written out
    assert len(set(page.xpath("//dl/div/dt/text()"))) == len(page.xpath("//dl/div/dt")), "a date named twice"
    for link in page.xpath("//span[@class='ch-ref']/a"):
        name, _, ident = link.get("href").partition("#")
        assert pages[name].xpath(f"//*[@id='{ident}']"), link.get("href")
    image = page.xpath("//figure[@class='timeline']//img")[0]
    assert image.get("alt", "").startswith("Timeline of") and (whole.html / image.get("src")).is_file()
    # The data files list the same events, in the same order.
    records = json.loads((whole.out / f"{whole.slug}-chronology.json").read_text("utf-8"))
    assert [r["date_written"] for r in records] == shown
    assert [r["anchor"] for r in records] == [a.get("href").split("#")[1]
                                              for a in page.xpath("//span[@class='ch-ref']/a")]
    files = epub_files(whole.epub)
    chronology = next(c for n, c in files.items() if n.endswith(".xhtml") and b'class="chronology-events"' in c)
    assert chronology.count(b"<dd") == len(shown)
    svg = [n for n in files if n.endswith(".svg")]
    assert len(svg) == 1
    assert re.search(rb'<img[^>]+alt="Timeline of[^"]+"', chronology)


def test_whole_book_pdf_back_references_point_at_the_passages(whole):
    """Each back-reference in the PDF links to its passage: the number is the label
    of the destination page, and the passage starts on that page."""
    passages = {}
    for root in html_pages(whole.html).values():
        for span in root.xpath("//span[starts-with(@id, 'ev-')]"):
            passages[span.get("id")] = re.sub(r"[\s\u00ad\u2010-]+", "", span.text_content())
    pdf = whole.pdf
    labels = pypdf.PdfReader(str(pdf)).page_labels
    destinations = pdf_destinations(pdf)
    body = [re.sub(r"[\s\u00ad\u2010-]+", "", t) for t in pdf_page_texts(pdf)]
    start, end = destinations["chronology"], destinations["index"]
    assert start < end
    checked = 0
    for _page, dest, shown in pdf_internal_links(pdf, range(start, end)):
        if not dest.startswith("ev-"):
            continue
        target = destinations[dest]
        assert shown.split("\u00a0")[-1] == labels[target], (dest, shown, labels[target])
        assert passages[dest][:12] in body[target], (dest, labels[target])
        checked += 1
    assert checked == 10  # every event


def test_many_events_of_one_date_span_pages(tiny):
    # More events of one date than a page holds: the date's group must break
    # across pages (WeasyPrint cannot split a grid: the layout once crashed).
    anchors = " ".join(f"[Passage {n}]{{#ev-{n}}}." for n in range(90))
    events = "chronology:\n" + "".join(
        f'  - {{date: "1990", event: "Event number {n} of that busy year, told at some length '
        f'so that it takes two lines of the column.", anchor: "ev-{n}", theme: "boundaries"}}\n'
        for n in range(90))
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text + SETTINGS)
    tiny.chapter("01-one.md", "One", anchors, kind="introduction", extra=events)
    assert tiny.build("pdf", "--strict") == 0
    texts = pdf_page_texts(tiny.out / "tiny.pdf")
    pages = [i for i, t in enumerate(texts) if "Event number" in t]
    assert len(pages) >= 3 and "Event number 89" in texts[pages[-1]]


def test_parsed_dates_are_kept_between_builds(tiny, monkeypatch):
    """A one-shot build parses only dates it has not seen: the others come from
    <cache>/edtf-dates.json, with the same result (the grammar costs a quarter second)."""
    import edtf

    assert build_tiny(tiny) == 0
    kept = json.loads((tiny.root / ".cache" / "edtf-dates.json").read_text("utf-8"))
    assert kept["version"] and kept["edtf-dates"]["1845/1851"] == ["Interval", [1845, 1, 1], [1851, 12, 31]]
    before = (tiny.out / "tiny-chronology.json").read_bytes()

    def no_parsing(text):
        raise AssertionError(f"parsed {text!r} again")

    with monkeypatch.context() as patch:
        patch.setattr(edtf, "parse_edtf", no_parsing)
        # Each build makes a session of its own, which reads the kept dates from the file.
        tiny.write("content/chapters/02-two.md",
                   (tiny.content / "chapters" / "02-two.md").read_text("utf-8").replace("later page", "later leaf"))
        assert tiny.build("all", "--strict") == 0
        assert (tiny.out / "tiny-chronology.json").read_bytes() == before
        # A new date is parsed: by the stub here, which refuses a good one.
        tiny.write("content/chapters/02-two.md",
                   (tiny.content / "chapters" / "02-two.md").read_text("utf-8").replace('"1883-10-20"', '"1990"'))
        assert tiny.build("all", "--strict") != 0
    # A date that does not parse is never kept.
    tiny.write("content/chapters/02-two.md",
               (tiny.content / "chapters" / "02-two.md").read_text("utf-8").replace('"1990"', '"19xx-99"'))
    assert tiny.build("all") != 0
    assert "19xx-99" not in (tiny.root / ".cache" / "edtf-dates.json").read_text("utf-8")


def test_kept_dates_of_another_edtf_version_are_ignored(tmp_path):
    from press.memo import KeptTable

    (tmp_path / "edtf-dates.json").write_text(json.dumps({"version": "0.0", "edtf-dates": {"1900": ["Date", [1, 1, 1], [1, 1, 1]]}}))
    assert KeptTable(tmp_path, "edtf-dates", "5.0.2").get("1900") is None
    (tmp_path / "edtf-dates.json").write_text("{not json")
    table = KeptTable(tmp_path, "edtf-dates", "5.0.2")
    assert table.get("1900") is None
    table.put("1900", ["Date", [1900, 1, 1], [1900, 12, 31]])
    table.save()
    assert KeptTable(tmp_path, "edtf-dates", "5.0.2").get("1900") == ["Date", [1900, 1, 1], [1900, 12, 31]]


def test_timeline_follows_the_introduction_in_every_edition(tiny):
    """The chronology opens with its introduction, then its timeline, in print, on the web and in the EPUB."""
    from lxml import etree

    assert build_tiny(tiny) == 0
    page = next(root for name, root in html_pages(tiny.out / "html").items() if name.endswith("-chronology.html"))
    web = [e.get("class") for e in page.xpath("//main//*[@class='chronology-intro' or @class='timeline']")]
    assert web == ["chronology-intro", "timeline"]
    files = epub_files(tiny.out / "tiny.epub")
    doc = next(etree.fromstring(data) for name, data in files.items()
               if name.endswith(".xhtml") and b"chronology-intro" in data)
    order = [e.get("class") for e in doc.iter("{*}p", "{*}figure")
             if e.get("class") in ("chronology-intro", "timeline")]
    assert order == ["chronology-intro", "timeline"]
    assert doc.xpath("//*[local-name()='figure' and @class='timeline']//*[local-name()='img']")
    text = pdf_full_page_texts(tiny.out / "tiny.pdf")
    page_text = next(t for t in text if "Timeline of the" in t)
    assert page_text.index("The dated events") < page_text.index("Timeline of the")
