"""One pipeline (issue 16, 4 and 7): every command is a request to
``pipeline.run``, which loops over editions from a registry without naming
one; a web edition built alone after the PDF keeps the PDF's page markers
while they are valid, and says so when they are not."""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path

import pytest

from press import pipeline
from press.errors import ContentError, Problem
from press.editions import REGISTRY, Edition, EditionResult

from .conftest import REPO
from .test_pagemarks import tiny_book, web_markers

PRESS = REPO / "press"


# --- the protocol --------------------------------------------------------------

def test_the_pipeline_names_no_edition():
    """No string of press/pipeline.py is an edition's name: editions are found by the request's targets."""
    names = set(REGISTRY.names())
    tree = ast.parse((PRESS / "pipeline.py").read_text("utf-8"))
    strings = {node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    assert not strings & names, strings & names
    # Nor does it test which edition it has (isinstance, edition.name == ...).
    calls = [node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    assert "isinstance" not in calls
    assert names >= {"html", "pdf", "epub", "data", "cover"}


def imports(path: Path) -> set[str]:
    """The press modules a module imports (relative imports resolved)."""
    package = ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return {name for name in found if name.startswith("press")}


def test_stages_import_forward_only():
    # The whole graph is tests/test_architecture.py's; these are the arrows the rework cut.
    assert not {m for m in imports(PRESS / "apparatus" / "sections.py") if m.startswith("press.editions")}
    later = ("press.commands", "press.pipeline")
    for path in sorted((PRESS / "editions").glob("*.py")):
        assert not {m for m in imports(path) if m.startswith(later)}, path
    assert not {m for m in imports(PRESS / "editions" / "pagemarks.py") if m.startswith("press.editions.pagestarts")}


class Colophon(Edition):
    """An edition the pipeline has never heard of: a text file, with the print page count when there is one."""

    name = "colophon"
    uses = frozenset({"pages"})

    def write(self, stage: Path) -> None:
        self.text = f"{self.book.config.title}: {len(self.book.units)} units"

    def finish(self, facts: dict, stage: Path) -> EditionResult:
        pages = facts.get("pages")
        (stage / "colophon.txt").write_text(self.text + (f", {pages} pages" if pages else "") + "\n", "utf-8")
        if not pages:
            self.warnings.append(Problem("colophon", None, "no page count"))
        return EditionResult(self.name, ["colophon.txt"])


@pytest.fixture
def colophon():
    REGISTRY.register(Colophon)
    yield Colophon
    REGISTRY.unregister(Colophon.name)


def test_a_new_edition_needs_no_change_to_the_pipeline(tiny, colophon):
    tiny.chapter("01-one.md", "One", "Some text.", kind="introduction")
    result = pipeline.run(pipeline.Request(tiny.root, ("colophon",), tiny.out))
    assert (tiny.out / "colophon.txt").read_text("utf-8") == "A Tiny Book: 1 units\n"
    assert [str(w) for w in result.warnings] == ["colophon: no page count"]  # gathered by the pipeline
    # With the print edition in the same request, it is given its facts.
    pipeline.run(pipeline.Request(tiny.root, ("pdf", "colophon"), tiny.out))
    assert (tiny.out / "colophon.txt").read_text("utf-8").endswith(" pages\n")
    # --strict applies to its warnings as to any other's, in one place.
    with pytest.raises(ContentError, match="no page count"):
        pipeline.run(pipeline.Request(tiny.root, ("colophon",), tiny.out / "strict", strict=True))
    assert not (tiny.out / "strict" / "colophon.txt").exists()


def test_an_edition_needed_by_another_is_built_not_published(tiny):
    """The wrap cover needs the interior's page count: ``cover`` lays the interior out, and ships the cover alone."""
    plan = [cls.name for cls in REGISTRY.plan(["cover"])]
    assert plan == ["pdf", "cover"]
    assert [cls.name for cls in REGISTRY.plan(["html", "pdf", "epub"])][0] == "pdf"  # its facts are used


# --- page markers kept from the last reading PDF (issue 16, 7) ---------------------

def epub_page_list(epub: Path) -> bool:
    with zipfile.ZipFile(epub) as package:
        return b"page-list" in package.read("EPUB/nav.xhtml")


def test_html_after_all_keeps_the_pdfs_page_markers(tiny, capsys):
    tiny_book(tiny)
    assert tiny.build("all", "--strict") == 0
    with_pdf = web_markers(tiny.out / "html")
    assert len(with_pdf) > 3
    pages = {p.name: p.read_bytes() for p in (tiny.out / "html").glob("*.html")}
    capsys.readouterr()
    assert tiny.build("html", "--strict") == 0
    assert web_markers(tiny.out / "html") == with_pdf
    assert {p.name: p.read_bytes() for p in (tiny.out / "html").glob("*.html")} == pages  # the same pages
    assert "print page markers" not in capsys.readouterr().err
    # The EPUB too, built alone.
    assert tiny.build("epub", "--strict") == 0
    assert epub_page_list(tiny.out / "tiny.epub")


def test_html_after_an_edit_says_it_has_no_page_markers(tiny, capsys):
    tiny_book(tiny)
    assert tiny.build("all") == 0
    path = tiny.content / "chapters" / "03-long.md"
    path.write_text(path.read_text("utf-8").replace("## A section", "An added paragraph.\n\n## A section"), "utf-8")
    capsys.readouterr()
    assert tiny.build("html", "--strict") == 0  # a note, not a warning
    assert web_markers(tiny.out / "html") == []
    assert "note: web edition without print page markers: build the pdf too" in capsys.readouterr().err
    assert tiny.build("pdf") == 0  # the PDF of these sources: the markers are valid again
    assert tiny.build("html") == 0
    assert web_markers(tiny.out / "html")
