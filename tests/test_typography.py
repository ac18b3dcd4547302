"""Print typography, read from the laid-out pages of tiny books: display
lines centred, back-matter entries kept together, no page reference alone
on a line, hyphenation within its limits (press/commands/linebreaks.py, over the
preflight's reading of the pages)."""

from __future__ import annotations

import re

from press.gates.preflight.makeup import is_hyphenated, next_line
from press.commands.linebreaks import measure, text_lines

from .test_chronology import SETTINGS

WORDS = ("the ministry reorganized its diplomatic service and its consular network while "
         "the republic negotiated boundaries with every neighbour and organized its archives").split()


def filler(paragraphs: int, seed: int = 0, words: int = 60) -> str:
    """Paragraphs of varied length, enough to fill pages with justified lines."""
    out = []
    for n in range(paragraphs):
        count = words + (n * 7 + seed) % 40
        out.append(" ".join(WORDS[(n + i) % len(WORDS)] for i in range(count)).capitalize() + ".")
    return "\n\n".join(out)


def block_centres(pages) -> dict[int, float]:
    """The middle of the text block on rectos (0) and versos (1), from full justified lines."""
    centres: dict[int, float] = {}
    for index, lines in enumerate(pages):
        if len(lines) > 20 and index % 2 not in centres:
            left, right = min(l.box.left for l in lines), max(l.box.right for l in lines)
            centres[index % 2] = (left + right) / 2
    return centres


def assert_centred(lines, centre: float, where: str) -> None:
    assert lines, where
    for line in lines:
        middle = (line.box.left + line.box.right) / 2
        assert abs(middle - centre) < 1.5, f"{where}: “{line.text}” is centred at {middle:.1f}, the block at {centre:.1f}"


def test_display_lines_are_centred_on_the_text_block(tiny):
    tiny.chapter("01-intro.md", "The opening words", filler(8), kind="introduction", extra='byline: "Ana Pérez"')
    tiny.chapter("02-part-1.md", "The First Part", "", kind="part", number="I")
    tiny.chapter("03-chapter.md", "The chapter that follows", filler(8, 3), number="1", part="part-1")
    assert tiny.build("pdf", "--strict") == 0
    pages = text_lines(tiny.out / "tiny.pdf", tiny.root)
    centres = block_centres(pages)
    assert set(centres) == {0, 1}
    titled = [i for i, lines in enumerate(pages) if any(l.text.strip() == "A Tiny Book" for l in lines)]
    half_title, title_page = titled[0], titled[1]
    for index in (half_title, title_page):
        assert_centred(pages[index], centres[index % 2], f"page {index + 1}")
    part = max(i for i, lines in enumerate(pages) if any(l.text.strip() == "Part I" for l in lines))  # not the contents
    assert_centred(pages[part], centres[part % 2], "the part page")
    for title, above in (("The opening words", "Ana Pérez"), ("The chapter that follows", "1")):
        index = next(i for i, lines in enumerate(pages) if any(l.text.strip() == title for l in lines))
        header = [l for l in pages[index] if l.text.strip() in (title, above)]
        assert len(header) == 2, [l.text for l in pages[index][:4]]
        assert_centred(header, centres[index % 2], f"the opening of “{title}”")


def test_a_chronology_date_never_ends_a_page_without_its_event(tiny):
    # Events of three and four lines, so that many pages end where one does not fit.
    events, anchors = [], []
    for n in range(70):
        year = 1800 + 3 * n
        length = 2 + n % 3
        text = ", ".join(f"the clause number {k} of the treaty of {year} is agreed and signed" for k in range(length))
        events.append(f'  - {{date: "{year}", event: "{text.capitalize()}.", anchor: "ev-{n}", theme: "boundaries"}}\n')
        anchors.append(f"[Passage {n}]{{#ev-{n}}}.")
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text + SETTINGS)
    tiny.chapter("01-one.md", "One", " ".join(anchors), kind="introduction", extra="chronology:\n" + "".join(events))
    assert tiny.build("pdf", "--strict") == 0
    dates = {str(1800 + 3 * n) for n in range(70)}
    pages = text_lines(tiny.out / "tiny.pdf", tiny.root)
    checked = 0
    for index, lines in enumerate(pages):
        for line in lines:
            words = line.text.split()
            if words and words[0] in dates:
                # The event's first line: on the date's line (PDFium joins glyphs on one
                # baseline), or level with it (their boxes overlap), to its right.
                beside = len(words) > 1 or [o for o in lines if o is not line and o.box.left > line.box.right
                                            and o.box.bottom < line.box.top and o.box.top > line.box.bottom]
                assert beside, f"page {index + 1}: the date {line.text} stands without its event"
                checked += 1
    assert checked > 40


def test_no_index_line_holds_only_a_page_reference(tiny):
    # Entries found on more and more pages: wherever their lines of numbers
    # break, some entry's last number would start a line of its own.
    headings = [f"{chr(65 + k)}{'e' * (k % 5)}ria" for k in range(20)]
    vocabulary = "entries:\n" + "".join(
        f'  t{k}:\n    heading: "{h}"\n    forms: ["{h}"]\n' for k, h in enumerate(headings))
    tiny.write("content/index.yaml", vocabulary)
    # One short unit a page, each opening on a recto: the terms are found on
    # pages 3, 5, 7, 11..., with gaps, so that their lists of pages run over lines.
    for n in range(30):
        named = ". ".join(h for k, h in enumerate(headings) if n % 4 and n <= k + 8) or "Nothing indexed here"
        tiny.chapter(f"{n:02d}-unit-{n}.md", f"Unit {n}", f"{named}.", kind="introduction" if n == 0 else "appendix")
    assert tiny.build("pdf", "--strict") == 0
    pdf = tiny.out / "tiny.pdf"
    found = measure(pdf, tiny.root)
    lines = text_lines(pdf, tiny.root)
    start = max(i for i, page in enumerate(lines) if any(l.text.strip() == "Index" for l in page))
    wrapped = sum(1 for page in lines[start:] for l in page
                  if re.fullmatch(r"[\d, \u2013\u00a0]+", l.text.strip()))
    assert wrapped > 3  # turnover lines of page numbers there are: the test can fail
    lone = [(p.label, r) for p in found[start:] for r in p.lone_references]
    assert not lone, lone


def test_hyphens_leave_three_letters_on_each_side_and_never_end_a_paragraph(tiny):
    # Words pyphen may break after two letters (re-, de-, in-) or before two
    # (-ed, -al), in the body and in a chronology's narrow column.
    words = ("reorganized deregulated inexactly remarkable reestablished defendant unexpected "
             "reconsidered undeniably reinforced decentralized international recalculated").split()
    body = "\n\n".join(" ".join(words[(n + i) % len(words)] for i in range(25 + n % 11)).capitalize() + "."
                       for n in range(40))
    events = "".join(f'  - {{date: "{1900 + n}", event: "{" ".join(words[n % 5:]).capitalize()}.", '
                     f'anchor: "ev-a", theme: "boundaries"}}\n' for n in range(30))
    text = (tiny.content / "book.yaml").read_text("utf-8")
    tiny.write("content/book.yaml", text + SETTINGS)
    tiny.chapter("01-one.md", "One", "[Here]{#ev-a}.\n\n" + body, kind="introduction",
                 extra="chronology:\n" + events)
    assert tiny.build("pdf", "--strict") == 0
    pdf = tiny.out / "tiny.pdf"
    pages = text_lines(pdf, tiny.root)
    short = []
    for lines in pages:
        for line in lines:
            after = next_line(lines, line)
            if is_hyphenated(line) and after is not None:
                before = re.search(r"(\w+)[-\u2010\u00ad]$", line.text.rstrip()).group(1)
                rest = re.match(r"\w+", after.text.strip())
                if len(before) < 3 or (rest and len(rest.group(0)) < 3):
                    short.append(f"{line.text} / {after.text}")
    assert not short, short
    figures = measure(pdf, tiny.root)
    hyphenated = sum(len(p.hyphenated) for p in figures)
    assert hyphenated > 10  # the text is hyphenated: the limits were tested
    assert not [f for p in figures for f in p.fragments]


def test_last_words_wraps_the_last_word_and_leaves_the_ast_alone():
    from press.book.ast import Str
    from press.book.transform import last_words

    space = {"t": "Space"}
    note = {"t": "Note", "c": [{"t": "Para", "c": [Str("A"), space, Str("note.")]}]}
    blocks = [{"t": "Para", "c": [Str("It"), space, {"t": "Emph", "c": [Str("was"), space, Str("harnessed")]},
                                  Str("."), note]},
              {"t": "Plain", "c": [Str("Not"), space, Str("this.")]}]
    before = repr(blocks)
    out = last_words(blocks)
    assert repr(blocks) == before
    emph = out[0]["c"][2]
    assert emph["c"][2] == {"t": "Span", "c": [["", ["last-word"], []], [Str("harnessed")]]}
    assert out[0]["c"][3] == Str(".")
    inner = out[0]["c"][4]["c"][0]["c"]  # the note's own paragraph, its last word wrapped, outside the span
    assert inner[2]["c"][1] == [Str("note.")]
    assert out[1] is blocks[1]
