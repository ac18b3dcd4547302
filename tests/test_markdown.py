"""The rest of pandoc Markdown in every edition: comments, headings, quotes, verse, lists, tasks and ranges."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.artefacts import XHTML, epub_files, epub_text, html_pages, html_text, pdf_page_texts

COMMENT_WORDS = ("editor:", "block comment", "several lines", "with dashes", "no edition prints")
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def book(built_book):
    return built_book("markdown")


def _epub_docs(path) -> dict[str, etree._Element]:
    files = epub_files(path)
    return {name: etree.fromstring(data) for name, data in files.items() if name.endswith(".xhtml")}


def _editions(book):
    """(name, root) for every chapter page of the web edition and the EPUB, as lxml trees."""
    pages = [(f"html/{n}", root) for n, root in html_pages(book.html).items() if n.startswith("0")]
    docs = []
    for root in _epub_docs(book.epub).values():
        text = "".join(root.itertext())
        for unit, words in (("quotes", "The Quotation"), ("lists", "Nested Lists")):
            if words in text and root.xpath("//*[local-name()='section'][@id=$id]", id=unit):
                docs.append((f"epub/{unit}", root))
    assert len(pages) == 2 and len(docs) == 2
    return pages + docs



def test_no_comment_text_in_any_edition(book):
    pdf = "\n".join(pdf_page_texts(book.pdf))
    texts = {"html": html_text(book.html), "epub": epub_text(book.epub), "pdf": pdf}
    for edition, text in texts.items():
        for words in COMMENT_WORDS:
            assert words not in text, (edition, words)
    # The paragraph around the inline comment is whole; no XHTML comment is left either.
    assert "as Figure 1\u20111 shows. The text goes on." in texts["html"]
    for name, data in epub_files(book.epub).items():
        if name.endswith(".xhtml"):
            assert b"<!--" not in data, name


def test_block_quotes_and_the_epigraph_have_their_attribution(book):
    for name, root in _editions(book):
        footers = root.xpath("//*[local-name()='blockquote']/*[local-name()='footer'][@class='attribution']")
        if "quotes" not in name:
            assert not footers
            continue
        texts = [" ".join("".join(f.itertext()).split()) for f in footers]
        assert texts == ["— Ana Pérez, The Harbour", "— Marta Ruiz, Letters from the Coast"], name
        epigraph = root.xpath("//*[local-name()='div'][@role='doc-epigraph']")
        assert len(epigraph) == 1 and "epigraph" in epigraph[0].get("class")
        assert epigraph[0].xpath(".//*[local-name()='footer']")
        # The attribution is not left in the quote's paragraph.
        paras = root.xpath("//*[local-name()='blockquote']/*[local-name()='p']")
        assert not any("—" in "".join(p.itertext()) for p in paras)
    pdf = "\n".join(pdf_page_texts(book.pdf))
    assert "— Marta Ruiz, Letters from the Coast" in pdf


def test_verse_is_cut_into_stanzas_with_its_indents(book):
    for name, root in _editions(book):
        if "quotes" not in name:
            continue
        verse = root.xpath("//*[local-name()='div'][@class='verse']")
        assert len(verse) == 1, name
        stanzas = verse[0].xpath("./*[local-name()='div']")
        assert [s.get("class") for s in stanzas] == ["stanza short", "stanza short"]
        first = "".join(stanzas[0].itertext())
        assert "\n" + NBSP * 4 + "and leaves the harbour wall alone;" in first
        assert "\n" + NBSP * 8 + "the gulls go up" in first
        assert len(stanzas[0].xpath(".//*[local-name()='br']")) == 3
        assert "returns the boats to port again." in "".join(stanzas[1].itertext())
    # Print keeps the indents: the indented line starts to the right of the unindented one.
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(book.pdf))
    for page in pdf:
        text = page.get_textpage()
        whole = text.get_text_range()
        if "The tide comes in" not in whole:
            continue
        def left(words):
            start = whole.index(words)
            return text.get_charbox(start)[0]
        assert left("and leaves the harbour") > left("The tide comes in") + 8
        assert left("the gulls go up") > left("and leaves the harbour") + 8
        assert abs(left("and evening settles") - left("The tide comes in")) < 1
        break
    else:
        pytest.fail("the poem is not in the PDF")


def test_definition_and_nested_lists(book):
    for name, root in _editions(book):
        if "lists" not in name:
            continue
        terms = [t.text_content().strip() if hasattr(t, "text_content") else "".join(t.itertext()).strip()
                 for t in root.xpath("//*[local-name()='dl']/*[local-name()='dt']")]
        assert terms == ["Harbour", "Mole"], name
        assert len(root.xpath("//*[local-name()='dl']/*[local-name()='dd']")) == 2
        nested = root.xpath("//*[local-name()='ul']/*[local-name()='li']/*[local-name()='ol']"
                            "/*[local-name()='li']/*[local-name()='ul']/*[local-name()='li']")
        assert ["".join(li.itertext()).strip() for li in nested] == ["Schooners", "Brigs"], name
    pdf = "\n".join(pdf_page_texts(book.pdf))
    assert "A stone wall built out into the sea." in pdf and "Schooners" in pdf


def test_headings_to_level_four_keep_their_ids(book):
    wanted = {"h2": {"sec-quotation", "sec-definitions", "sec-nested"},
              "h3": {"sec-poem", "sec-tasks"}, "h4": {"sec-poem-note"}}
    for edition in ("html", "epub"):
        found: dict[str, set] = {"h2": set(), "h3": set(), "h4": set()}
        for name, root in _editions(book):
            if name.startswith(edition):
                for level in found:
                    # The web page puts the id on the heading; pandoc's EPUB on its section.
                    found[level] |= {h.get("id") or h.getparent().get("id")
                                     for h in root.xpath(f"//*[local-name()='{level}']")}
        assert found == wanted, edition
    pdf = "\n".join(pdf_page_texts(book.pdf))
    assert "A Note on the Poem" in pdf and "The Poem" in pdf


def test_task_boxes_are_drawn_with_their_labels(book):
    for name, root in _editions(book):
        if "lists" not in name:
            continue
        boxes = root.xpath("//*[local-name()='span'][contains(@class,'task ')]")
        assert [(b.get("class"), b.get("role"), b.get("aria-label")) for b in boxes] == [
            ("task task-open", "img", "not done"), ("task task-done", "img", "done")], name
        assert not root.xpath("//*[local-name()='input'][@type='checkbox']")
        item = boxes[0].getparent()
        assert "".join(item.itertext()).strip() == "Paint the hull"
    assert "[ ]" not in html_text(book.html) and "☐" not in html_text(book.html)


def test_a_typed_no_break_hyphen_escapes_the_range_rule(book):
    pdf = "\n".join(pdf_page_texts(book.pdf))
    for edition, text in (("html", html_text(book.html)), ("epub", epub_text(book.epub)), ("pdf", pdf)):
        assert "1914\u20131918" in text, edition
        assert "1914-1918" not in text, edition
        assert "Figure 1\u20111" in text, edition
        assert "Figure 1\u20131" not in text, edition


@pytest.mark.parametrize("body, line, words", [
    ("Text.\n\n## Two\n\nMore.\n\n#### Four\n\nEnd.", 12,
     "the heading 'Four' is level 4 after level 2: a heading may go down one level at a time; write it with ###"),
    ("Text.\n\n<!-- a note\nover lines -->\n\n# Again\n\nEnd.", 11,
     "a level-1 heading ('# Again') in the body"),
])
def test_a_heading_jump_or_a_second_top_heading_is_refused_at_its_line(tiny, capsys, body, line, words):
    tiny.chapter("01-one.md", "One", body, kind="introduction")
    assert tiny.build("all", "--strict") != 0
    err = capsys.readouterr().err
    assert f"content/chapters/01-one.md:{line}: {words}" in err
    assert not tiny.out.exists() or not any(tiny.out.iterdir())


def test_print_sets_the_attribution_right_and_the_task_boxes_in_the_indent(book):
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(book.pdf))
    boxes = {}
    for page in pdf:
        text = page.get_textpage()
        whole = text.get_text_range()
        for words in ("A quotation set apart", "— Marta Ruiz", "Letters from the Coast", "Paint the hull",
                      "Boats"):
            if words in whole:
                start = whole.index(words)
                boxes[words] = (text.get_charbox(start)[0], text.get_charbox(start + len(words) - 1)[2])
    assert len(boxes) == 5
    # The attribution ends at the quote's right edge (styles/base.css), well right of where the quote starts.
    assert boxes["— Marta Ruiz"][0] > boxes["A quotation set apart"][0] + 72
    # A task's text stands where a bullet item's text stands: the drawn box hangs in the indent.
    assert abs(boxes["Paint the hull"][0] - boxes["Boats"][0]) < 6


def test_a_link_to_pandocs_automatic_heading_id_names_the_heading_to_give_it(tiny, capsys):
    """Headings without an id are numbered (slug-s1); a link written for pandoc's automatic ids
    ('#snapshots', as in the Missing Semester lecture notes) is refused with the heading to fix."""
    tiny.chapter("01-one.md", "One", "See [the snapshots](#snapshots).\n\n## Snapshots\n\nText.",
                 kind="introduction")
    assert tiny.build("all", "--strict") != 0
    err = capsys.readouterr().err
    assert ("content/chapters/01-one.md:6: link to '#snapshots': no such id in the book; the heading 'Snapshots' "
            "(content/chapters/01-one.md:8) has no id of its own: write it '## Snapshots {#snapshots}'") in err


def test_a_bold_label_paragraph_is_kept_with_what_it_labels():
    """gapminder's '**Solution**' ended a page with its figure overleaf: such a paragraph is a label div,
    which print.css keeps with the next block; a longer bold paragraph or a mixed one is left alone."""
    from press.book.markup import labels

    def para(*inlines):
        return {"t": "Para", "c": list(inlines)}

    strong = {"t": "Strong", "c": [{"t": "Str", "c": "Solution"}]}
    long = {"t": "Strong", "c": [{"t": "Str", "c": "x" * 90}]}
    out = labels([para(strong), para(long), para(strong, {"t": "Str", "c": "tail"})])
    assert out[0] == {"t": "Div", "c": [["", ["label"], []], [para(strong)]]}
    assert out[1]["t"] == "Para" and out[2]["t"] == "Para"
    css = (Path(__file__).parent.parent / "styles" / "print.css").read_text("utf-8")
    assert ".label { break-after: avoid; }" in css
