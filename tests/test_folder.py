"""A book is a folder: only content/ of its own, the toolchain's templates and
styles, any one file overridden; its outputs in BOOK/dist/, an earlier
build's leftovers removed; the ``press`` command, installed from a wheel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from press.cli import main
from press.errors import EXIT_CONTENT

from .conftest import EPOCH, REPO


def pdf_fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout


def files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_folder_with_only_content_builds_every_edition(tiny):
    tiny.chapter("01-intro.md", "Introduction", "A first paragraph.", kind="introduction")
    assert sorted(p.name for p in tiny.root.iterdir()) == ["content"]
    assert tiny.build("all", "--strict") == 0
    out = tiny.out
    assert (out / "html" / "index.html").is_file()
    # The toolchain's fonts reach every edition: copied, embedded, laid out.
    assert (out / "html" / "assets" / "fonts" / "GentiumBookPlus-Regular.ttf").is_file()
    with zipfile.ZipFile(out / "tiny.epub") as epub:
        assert any(n.endswith("GentiumBookPlus-Regular.ttf") for n in epub.namelist())
    assert "Gentium-Book-Plus" in pdf_fonts(out / "tiny.pdf")
    assert not (tiny.root / "templates").exists() and not (tiny.root / "styles").exists()


def test_a_build_with_nothing_to_do_loads_no_layout_engine(tiny):
    """An up-to-date book, built again in a new process (what `make all` does
    after an edit elsewhere), answers from its stamps: WeasyPrint's import alone
    (its libraries found through ldconfig and gcc) cost 0.5 s of a 0.7 s no-op."""
    tiny.chapter("01-intro.md", "Introduction", "A first paragraph.", kind="introduction")
    assert tiny.build("all", "--strict") == 0
    command = [sys.executable, "-X", "importtime", str(REPO / "build.py"), "all", "--root", str(tiny.root),
               "--out", str(tiny.out), "--strict"]
    again = subprocess.run(command, capture_output=True, text=True,
                           env={**os.environ, "SOURCE_DATE_EPOCH": EPOCH})
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stderr
    imported = {line.split("|")[-1].strip() for line in again.stderr.splitlines()
                if line.startswith("import time:")}
    assert "press.pipeline" in imported
    assert not {name for name in imported if name.split(".")[0] in ("weasyprint", "pypandoc", "pikepdf")}


def test_one_overridden_template_and_stylesheet_take_effect_and_nothing_else_changes(tiny):
    tiny.chapter("01-intro.md", "Introduction", "A first paragraph.", kind="introduction")
    assert tiny.build("html", "--strict") == 0
    before = files(tiny.out / "html")
    search = tiny.own("templates/web/search.html.j2")
    search.write_text(search.read_text("utf-8").replace("</article>", "<p>our own search page</p></article>"), "utf-8")
    screen = tiny.own("styles/screen.css")
    screen.write_text(screen.read_text("utf-8") + "\n.our-own { color: teal; }\n", "utf-8")
    assert tiny.build("html", "--strict") == 0  # the stamp sees the overrides: a rebuild, not a no-op
    after = files(tiny.out / "html")
    assert sorted(n for n in after if after[n] != before.get(n)) == ["assets/screen.css", "search.html"]
    assert b"our own search page" in after["search.html"]
    assert after["assets/screen.css"].endswith(b".our-own { color: teal; }\n")


def test_a_books_own_fonts_css_finds_the_toolchains_fonts(tiny):
    # fonts.css names fonts/*.ttf beside itself: the book's styles/ has none,
    # the toolchain's has them (the fetcher overlays the two folders).
    tiny.chapter("01-intro.md", "Introduction", "A first paragraph.", kind="introduction")
    tiny.own("styles/fonts.css")
    assert tiny.build("pdf", "--strict") == 0
    assert "Gentium-Book-Plus" in pdf_fonts(tiny.out / "tiny.pdf")


def test_a_file_outside_the_book_and_the_toolchains_assets_is_refused(tiny, capsys):
    tiny.chapter("01-intro.md", "Introduction", "A first paragraph.", kind="introduction")
    css = tiny.own("styles/print.css")
    allowed = (REPO / "styles" / "base.css").as_uri()  # the toolchain's assets: readable
    refused = (REPO / "pyproject.toml").as_uri()  # the toolchain's folder, not its assets
    css.write_text(f'@import url("{allowed}");\nbody {{ background: url("{refused}"); }}\n'
                   + css.read_text("utf-8"), "utf-8")
    assert tiny.build("pdf") == EXIT_CONTENT
    err = capsys.readouterr().err
    assert f"refused to read {refused}" in err
    assert "base.css" not in err
    assert not tiny.out.exists()


def test_an_earlier_slugs_outputs_are_removed_and_other_files_kept(tiny):
    tiny.chapter("01-intro.md", "Introduction", "A first paragraph.", kind="introduction")
    assert tiny.build("all") == 0
    (tiny.out / "notes.txt").write_text("the editor's, not the build's", "utf-8")
    book_yaml = tiny.content / "book.yaml"
    book_yaml.write_text(book_yaml.read_text("utf-8").replace('slug: "tiny"', 'slug: "tiny-two"'), "utf-8")
    assert tiny.build("html") == 0
    assert (tiny.out / "tiny.pdf").is_file()  # the web edition alone: the print edition is not its to remove
    assert tiny.build("all") == 0
    names = sorted(p.name for p in tiny.out.iterdir())
    assert names == [".press-build.json", "html", "notes.txt", "tiny-two.epub", "tiny-two.pdf"]
    manifest = json.loads((tiny.out / ".press-build.json").read_text("utf-8"))["outputs"]
    assert manifest == {"epub": ["tiny-two.epub"], "html": ["html"], "pdf": ["tiny-two.pdf"]}


def test_press_version_is_the_installed_distributions(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"], prog="press")
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == f"press {metadata.version('press')}"
    done = subprocess.run([sys.executable, "-m", "press", "--version"], capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0 and done.stdout.strip() == f"press {metadata.version('press')}"


def test_press_new_makes_a_book_that_builds_and_passes_check(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    book = tmp_path / "second-book"
    assert main(["new", str(book), "--quiet"], prog="press") == 0
    assert (book / "content" / "book.yaml").is_file() and list((book / "content" / "chapters").glob("*.md"))
    assert main(["new", str(book), "--quiet"], prog="press") == EXIT_CONTENT  # never over a book
    assert "already exists" in capsys.readouterr().err
    assert main(["build", str(book), "--strict", "--quiet"], prog="press") == 0
    assert sorted(p.name for p in (book / "dist").iterdir()) == [
        ".press-build.json", "html", "second-book.epub", "second-book.pdf"]
    # The npm checkers (Ace, Nu) need checkers/node_modules; every other one runs here.
    assert main(["check", str(book), "--skip", "ace", "--skip", "nu", "--quiet"], prog="press") == 0
    out = capsys.readouterr().out
    from press.commands.check import CHECKERS

    ran = [c for c in CHECKERS if c not in ("ace", "nu")]
    assert f"check passed ({len(ran)} checkers)" in out
    for summary in ("EPUBCheck: 0 errors", "Web: 0 problems", "PDF: 0 problems", "preflight: 0 errors"):
        assert summary in out, summary


def wheel(tmp: Path) -> Path:
    # Built from a copy: setuptools builds in the source tree (build/, *.egg-info).
    source = tmp / "source"
    skip = shutil.ignore_patterns("node_modules", "__pycache__", "*.egg-info", "build")
    for name in ("press", "templates", "styles", "checkers"):
        shutil.copytree(REPO / name, source / name, ignore=skip)
    shutil.copyfile(REPO / "pyproject.toml", source / "pyproject.toml")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(tmp)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return next(tmp.glob("press-*.whl"))


@pytest.mark.slow
def test_the_wheel_carries_the_defaults_and_press_runs_from_it(tmp_path):
    built = wheel(tmp_path / "wheel")
    with zipfile.ZipFile(built) as archive:
        names = set(archive.namelist())
        entry_points = next(archive.read(n) for n in names if n.endswith("entry_points.txt")).decode()
    for folder in ("templates", "styles"):
        for path in (REPO / folder).rglob("*"):
            if path.is_file():
                assert f"press/_assets/{folder}/{path.relative_to(REPO / folder).as_posix()}" in names
    assert "press = press.cli:console" in entry_points
    assert "press/__main__.py" in names and "press/skeleton/content/book.yaml" in names
    # Installed without its dependencies beside this environment's, run from
    # outside the repository: the defaults come from the installed package.
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target),
                    str(built)], check=True, capture_output=True)
    env = {**os.environ, "PYTHONPATH": str(target), "SOURCE_DATE_EPOCH": EPOCH}
    where = subprocess.run([sys.executable, "-c", "import press.source.config as c; print(c.__file__, c.ASSETS)"],
                           env=env, cwd=tmp_path, capture_output=True, text=True, check=True).stdout.split()
    assert where == [str(target / "press" / "source" / "config.py"), str(target / "press" / "_assets")]
    run = [sys.executable, "-m", "press"]
    book = tmp_path / "b"
    for command in (["new", str(book)], ["build", str(book), "--strict"]):
        done = subprocess.run(run + command, env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr[-2000:]
    assert (book / "dist" / "b.pdf").is_file() and (book / "dist" / "html" / "index.html").is_file()
