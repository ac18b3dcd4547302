"""Proofs: ``build.py proof [--since REV] [--chapter SLUG]``.

Writes ``dist/proof/``: a proof PDF (the print edition on a wider sheet,
"PROOF" and a build stamp on every page, paragraph numbers and change bars
in the outer margin), a proof web edition (the same marks, changed
paragraphs highlighted), and the proof report (press.gates.proofreading). The
text block and the pages are the print edition's, so "p. 12, ¶ 4" in a
proof is page 12 of the book.

Change bars compare the book with the book at a git revision (``--since``;
by default the most recent tag, or the previous commit): the old sources
are read from git into a temporary folder and collected by the same code,
so both sides went through the same conversion, and their paragraphs are
matched with difflib.

The proof PDF and web edition are one request to the pipeline (press.pipeline:
the "proof" print profile, ``--chapter`` as its unit filter, the changed
paragraphs of each unit, which the editions mark as they render it:
press/editions/profiles.py); the report and the list of changes are written
beside them.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

from ..book.locale import load_strings
from ..source.config import Paths, load_config
from ..errors import BookError, ContentError, Problem
from ..progress import Progress
from ..vcs import git, uncommitted


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--since", metavar="REV",
                        help="mark paragraphs changed since this git revision "
                             "(default: the most recent tag, else the previous commit)")
    parser.add_argument("--chapter", metavar="SLUG", help="proof one chapter alone (its pages, its notes)")


# --- git ----------------------------------------------------------------------

@dataclass
class ProofMark:
    built: str  # date and time, UTC
    commit: str | None  # short hash, None outside git
    dirty: bool

    def text(self, words: dict) -> str:
        """The stamp in the book's language (``proof`` in the locale)."""
        where = words["not_git"] if self.commit is None else words["commit"].format(commit=self.commit)
        if self.dirty:
            where = words["dirty"].format(where=where)
        return words["stamp"].format(built=self.built, where=where)


def proof_mark(root: Path) -> ProofMark:
    from ..editions.render import build_date

    commit = git(root, "rev-parse", "--short=10", "HEAD")
    dirty = bool(uncommitted(root, "content", "templates", "styles"))
    return ProofMark(build_date().strftime("%Y-%m-%d %H:%M UTC"), commit or None, dirty and commit is not None)


def default_since(root: Path) -> str | None:
    """The most recent tag, or the previous commit, or None (no history)."""
    tag = git(root, "describe", "--tags", "--abbrev=0")
    if tag:
        return tag
    return "HEAD~1" if git(root, "rev-parse", "--verify", "--quiet", "HEAD~1") else None


# --- what changed -------------------------------------------------------------

@dataclass
class UnitChanges:
    slug: str
    title: str
    changed: list[int] = field(default_factory=list)  # paragraph numbers (data-p) now
    deleted: list[int] = field(default_factory=list)  # deletions just before these paragraphs (0: at the end)
    new: bool = False  # the unit is not in the old book


@dataclass
class Changes:
    since: str | None
    units: list[UnitChanges] = field(default_factory=list)
    problem: str | None = None  # why nothing could be compared

    def of(self, slug: str) -> UnitChanges | None:
        return next((u for u in self.units if u.slug == slug), None)

    def summary(self) -> str:
        if self.problem:
            return f"change bars: none ({self.problem})"
        if not self.units:
            return f"change bars: no paragraph changed since {self.since}"
        lines = [f"paragraphs changed since {self.since}:"]
        for unit in self.units:
            what = "new" if unit.new else ", ".join(f"\u00b6 {n}" for n in unit.changed) or "-"
            if unit.deleted:
                what += f"; {len(unit.deleted)} deletion(s)"
            lines.append(f"  {unit.title}: {what}")
        return "\n".join(lines)

    def to_dict(self) -> dict:
        return {"since": self.since, "problem": self.problem,
                "units": [vars(u) for u in self.units]}


def paragraphs(html: str) -> dict[int, str]:
    """Paragraph number -> its text, whitespace collapsed."""
    if "data-p" not in html:
        return {}
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    return {int(p.get("data-p")): " ".join(p.text_content().split()) for p in root.iter("p") if p.get("data-p")}


def compare(old: dict[str, str], new_units: list, since: str) -> Changes:
    """``old``: slug -> unit HTML at ``since``; ``new_units``: the book's units now."""
    changes = Changes(since)
    for unit in new_units:
        now = paragraphs(unit.html)
        numbers = sorted(now)
        record = UnitChanges(unit.slug, unit.title_text)
        if unit.slug not in old:
            record.new, record.changed = True, numbers
        else:
            before = paragraphs(old[unit.slug])
            a = [before[n] for n in sorted(before)]
            b = [now[n] for n in numbers]
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
                if tag in ("replace", "insert"):
                    record.changed += numbers[j1:j2]
                elif tag == "delete":
                    record.deleted.append(numbers[j1] if j1 < len(numbers) else 0)
        if record.changed or record.deleted:
            changes.units.append(record)
    return changes


def old_units(paths: Paths, rev: str, pandoc) -> dict[str, str]:
    """The units' HTML at ``rev``: content/ from git, collected by this code."""
    from ..book.collect import collect
    from ..session import Session
    from ..source.chapters import read_chapters

    archive = git(paths.root, "archive", "--format=tar", rev, "--", "content", binary=True)
    if archive is None:
        raise LookupError(f"git has no content/ at '{rev}'")
    with tempfile.TemporaryDirectory(prefix="press-proof-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(tmp, filter="data")
        # Today's templates (the locale strings): the comparison is of the text.
        # The toolchain's come with Paths; the book's own overrides are copied.
        if (paths.root / "templates").is_dir():
            shutil.copytree(paths.root / "templates", Path(tmp) / "templates")
        old = Paths(Path(tmp))
        session = Session()  # the old sources' dates are not this book's to keep
        book = collect(old, load_config(old), read_chapters(old, session), pandoc, session)
        return {unit.slug: unit.html for unit in book.units}


# --- the command --------------------------------------------------------------

def run(args: argparse.Namespace, progress: Progress) -> int:
    from ..pipeline import Request, report, run as build
    from ..gates.proofreading import make_report, write_report

    paths = Paths(args.root.resolve())
    out = args.out.resolve() / "proof"
    the_stamp = proof_mark(paths.root)
    words = load_strings(paths, load_config(paths).language)["proof"]
    seen: dict = {}

    def changes_of(book) -> dict[str, list[int]]:
        """The proof report and the change bars, from the book as the build collected it."""
        with progress.stage("proof report"):
            seen["findings"] = make_report(paths, book)
        seen["changes"] = changes = changes_since(paths, args.since, progress, book)
        seen["book"] = book
        return {u.slug: u.changed for u in changes.units}

    # The proof PDF and web edition: the book's pages in the proof profile,
    # always built (what changed since a revision is not in the stamp).
    result = build(Request(paths.root, ("pdf", "html"), out, profile="proof", chapter=args.chapter,
                           force=True, banner=the_stamp.text(words), changes=changes_of), progress)
    findings, changes, book = seen["findings"], seen["changes"], seen["book"]
    # Beside them, the proof's own pages.
    write_report(findings, out, paths)
    (out / "changes.json").write_text(json.dumps(changes.to_dict(), indent=1, ensure_ascii=False) + "\n", "utf-8")
    (out / "changes.html").write_text(_changes_page(paths, changes, the_stamp, book), "utf-8")
    print(findings.summary())
    print(changes.summary())
    pdf = next(r for r in result.results.values() if r.files[0].endswith(".pdf"))
    progress.note(f"proof: {out / pdf.files[0]} ({pdf.facts['pages']} pages), "
                  f"{out / 'html' / 'index.html'}, {out / 'report.html'}")
    report(result)
    return 0


def changes_since(paths: Paths, since: str | None, progress: Progress, book) -> Changes:
    """The paragraphs changed since ``since`` (by default the most recent tag, or the previous commit)."""
    from ..book.convert import Pandoc

    rev = since or default_since(paths.root)
    with progress.stage(f"changes since {rev or '(no earlier revision)'}"):
        if rev is None:
            return Changes(None, problem="no earlier revision to compare with")
        try:
            # A pandoc of its own: the old sources' warnings are not this build's.
            return compare(old_units(paths, rev, Pandoc(paths.root / ".cache" / "pandoc")), book.units, rev)
        except LookupError as exc:
            if since:  # asked for by name: a typo must not pass silently
                raise ContentError([Problem("--since", None, str(exc))]) from None
            return Changes(rev, problem=str(exc))
        except BookError as exc:
            return Changes(rev, problem=f"the sources at {rev} do not build: {exc.problems[0]}")


def _changes_page(paths: Paths, changes: Changes, the_stamp: ProofMark, book) -> str:
    """The changed paragraphs by chapter, each a link into the proof web edition."""
    from ..editions.render import environment

    return environment(paths).get_template("proof/changes.html.j2").render(
        config=book.config, t=book.strings, changes=changes, stamp=the_stamp.text(book.strings["proof"]),
        pages={u.slug: u.page_name for u in book.units})
