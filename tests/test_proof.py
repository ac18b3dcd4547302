"""Proofs: the stamp, paragraph numbers in the outer margin, change bars
between two commits, --chapter, and the proof report beside them."""

from __future__ import annotations

import json
import re
import subprocess

import pypdfium2
import pytest
from lxml import html

from tests.artefacts import html_pages, pdf_full_page_texts

WORDS = ("river border treaty council envoy mission harbor archive frontier ledger charter "
         "delegate summit protocol").split()


def paragraph(seed: int, words: int = 70) -> str:
    return f"number {seed} " + " ".join(WORDS[(seed + i * 3) % len(WORDS)] for i in range(words)) + "."


def body(tag: str, count: int = 14) -> str:
    return "\n\n".join(f"{tag} {paragraph(i)}" for i in range(count))


def git(root, *args):
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e", "GIT_COMMITTER_NAME": "t",
                        "GIT_COMMITTER_EMAIL": "t@e", "PATH": "/usr/bin:/bin"})


@pytest.fixture
def repo(tiny):
    """A tiny book under git: v1 tagged, then one paragraph of 'two' changed."""
    tiny.chapter("01-one.md", "One", body("Alpha"), kind="introduction")
    tiny.chapter("02-two.md", "Two", body("Beta"), kind="conclusion")
    git(tiny.root, "init", "-q")
    git(tiny.root, "add", "content")
    git(tiny.root, "commit", "-q", "-m", "v1")
    git(tiny.root, "tag", "v1")
    text = (tiny.content / "chapters" / "02-two.md").read_text("utf-8")
    # Paragraph 5 of chapter two gets a new last sentence.
    fifth = f"Beta {paragraph(4)}"
    assert fifth in text
    tiny.write("content/chapters/02-two.md", text.replace(fifth, fifth + " A sentence added in proof."))
    git(tiny.root, "commit", "-q", "-am", "edit")
    return tiny


def proof(book, *flags):
    return book.build("proof", *flags)


def test_proof_pdf_stamp_numbers_and_pages(repo):
    assert proof(repo) == 0
    folder = repo.out / "proof"
    texts = pdf_full_page_texts(folder / "tiny-proof.pdf")
    commit = subprocess.run(["git", "-C", str(repo.root), "rev-parse", "--short=10", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    # The stamp on every page: PROOF, the date and time, the commit.
    for text in texts:
        assert "PROOF" in text and commit in text and "2021-02-01 00:00 UTC" in text, text[-200:]
    assert not any("uncommitted" in t for t in texts)
    # The proof has the book's pages: same count as the reading PDF.
    assert repo.build("pdf") == 0
    import pypdf

    assert len(pypdf.PdfReader(repo.out / "tiny.pdf").pages) == len(texts)


def test_paragraph_numbers_sit_in_the_outer_margin(repo):
    assert proof(repo) == 0
    pdf = pypdfium2.PdfDocument(str(repo.out / "proof" / "tiny-proof.pdf"))
    seen = {"recto": 0, "verso": 0}
    for index, page in enumerate(pdf):
        width, height = page.get_size()
        text = page.get_textpage()
        # The sheet is 7.2in: inner margin 0.8in, text block 4.6in, outer margin 1.8in.
        inner, text_width = 0.8 * 72, 4.6 * 72
        block_left = inner if index % 2 == 0 else width - inner - text_width
        left = text.get_text_bounded(left=0, bottom=70, right=block_left - 3, top=height - 60)
        right = text.get_text_bounded(left=block_left + text_width + 3, bottom=70, right=width, top=height - 60)
        numbers_left, numbers_right = re.findall(r"\b\d+\b", left), re.findall(r"\b\d+\b", right)
        if index % 2 == 0:  # a recto: numbers on the right
            assert not numbers_left, (index, left)
            seen["recto"] += len(numbers_right)
        else:
            assert not numbers_right, (index, right)
            seen["verso"] += len(numbers_left)
    assert seen["recto"] > 0 and seen["verso"] > 0, seen


def test_change_bars_mark_the_changed_paragraph(repo):
    assert proof(repo) == 0  # --since defaults to the tag v1
    folder = repo.out / "proof"
    changes = json.loads((folder / "changes.json").read_text("utf-8"))
    assert changes["since"] == "v1"
    assert [(u["slug"], u["changed"]) for u in changes["units"]] == [("two", [5])]
    # The web proof highlights that paragraph and no other.
    pages = html_pages(folder / "html")
    marked = [(name, p.get("data-p")) for name, root in pages.items() for p in root.xpath("//p[@class='changed']")]
    assert marked == [("02-two.html", "5")]
    assert "A sentence added in proof" in pages["02-two.html"].xpath("//p[@class='changed']")[0].text_content()
    # The PDF: a red bar beside that paragraph, on its page only.
    texts = pdf_full_page_texts(folder / "tiny-proof.pdf")
    pdf = pypdfium2.PdfDocument(str(folder / "tiny-proof.pdf"))
    bars = []
    for index, page in enumerate(pdf):
        image = page.render(scale=1).to_pil().convert("RGB")
        w, h = image.size
        region = image.crop((0, 40, w, h - 40))  # not the stamp at the foot
        red = sum(1 for r, g, b in region.get_flattened_data() if r > 150 and g < 60 and b < 60)
        if red > 20:
            bars.append(index)
    changed_pages = [i for i, t in enumerate(texts) if "A sentence added" in t.replace("\n", " ")
                     or "sentence added in proof" in t.replace("\n", " ")]
    assert bars and set(bars) <= set(changed_pages) | {changed_pages[0] - 1}, (bars, changed_pages)
    # The list of changes links to that paragraph in the proof web edition.
    listing = html.parse(str(folder / "changes.html")).getroot()
    links = [a.get("href") for a in listing.xpath("//li[strong = 'Two']/a")]
    assert links == ["html/02-two.html#two-p5"]
    assert pages["02-two.html"].xpath("//p[@id='two-p5']/@class") == ["changed"]


def test_since_a_given_revision_and_a_dirty_tree(repo):
    tiny = repo
    text = (tiny.content / "chapters" / "01-one.md").read_text("utf-8")
    tiny.write("content/chapters/01-one.md", text.replace(f"Alpha {paragraph(1)}", "Alpha rewritten."))
    assert proof(tiny, "--since", "HEAD") == 0
    folder = tiny.out / "proof"
    changes = json.loads((folder / "changes.json").read_text("utf-8"))
    assert [(u["slug"], u["changed"]) for u in changes["units"]] == [("one", [2])]
    assert all("uncommitted changes" in t for t in pdf_full_page_texts(folder / "tiny-proof.pdf"))


def test_unknown_revision_is_an_error(repo, capsys):
    assert proof(repo, "--since", "no-such-tag") == 65
    assert "--since: git has no content/ at 'no-such-tag'" in capsys.readouterr().err


def test_one_chapter_alone(repo):
    assert proof(repo, "--chapter", "two") == 0
    texts = " ".join(pdf_full_page_texts(repo.out / "proof" / "tiny-proof.pdf"))
    assert "Beta" in texts and "Alpha" not in texts
    assert [p.name for p in (repo.out / "proof" / "html").glob("0*.html")] == ["02-two.html"]


def test_unknown_chapter_names_the_choices(repo, capsys):
    assert proof(repo, "--chapter", "three") == 65
    assert "no chapter 'three' (one of: one, two)" in capsys.readouterr().err


def test_proof_report_is_written_beside_the_proofs(repo):
    text = (repo.content / "chapters" / "01-one.md").read_text("utf-8")
    repo.write("content/chapters/01-one.md", text.replace("Alpha ", "Alpha the the ", 1))
    assert proof(repo) == 0
    report = json.loads((repo.out / "proof" / "report.json").read_text("utf-8"))
    findings = report["findings"]
    assert any("the the" in json.dumps(f) and f["path"] == "content/chapters/01-one.md" for f in findings)
    assert (repo.out / "proof" / "report.html").is_file()
