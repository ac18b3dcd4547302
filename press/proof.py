"""Proofs: ``build.py proof [--since REV] [--chapter SLUG]``.

Writes ``dist/proof/``: a proof PDF (the print edition on a wider sheet,
"PROOF" and a build stamp on every page, paragraph numbers and change bars
in the outer margin), a proof web edition (the same marks, changed
paragraphs highlighted), and the proof report (press.proofreport). The
text block and the pages are the print edition's, so "p. 12, ¶ 4" in a
proof is page 12 of the book.

Change bars compare the book with the book at a git revision (``--since``;
by default the most recent tag, or the previous commit): the old sources
are read from git into a temporary folder and collected by the same code,
so both sides went through the same conversion, and their paragraphs are
matched with difflib.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import re
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

from .config import Paths
from .editions.pdf import PrintProfile
from .errors import BookError, ContentError, Problem
from .progress import Progress
from .vcs import git, uncommitted

PROOF_MARGIN_IN = 1.2  # added to the outer margin for the proofreader's notes
PARAGRAPH = re.compile(r'<p data-p="(\d+)">')


def add_arguments(parser: argparse.ArgumentParser, name: str) -> None:
    parser.add_argument("--since", metavar="REV",
                        help="mark paragraphs changed since this git revision "
                             "(default: the most recent tag, else the previous commit)")
    parser.add_argument("--chapter", metavar="SLUG", help="proof one chapter alone (its pages, its notes)")


# --- git ----------------------------------------------------------------------

@dataclass
class Stamp:
    built: str  # date and time, UTC
    commit: str | None  # short hash, None outside git
    dirty: bool

    def text(self) -> str:
        where = "not under git" if self.commit is None else f"commit {self.commit}"
        if self.dirty:
            where += " + uncommitted changes"
        return f"PROOF \u00b7 {self.built} \u00b7 {where}"


def stamp(root: Path) -> Stamp:
    from .render import build_date

    commit = git(root, "rev-parse", "--short=10", "HEAD")
    dirty = bool(uncommitted(root, "content", "templates", "styles"))
    return Stamp(build_date().strftime("%Y-%m-%d %H:%M UTC"), commit or None, dirty and commit is not None)


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
    from .collect import collect
    from .config import load_config
    from .session import Session
    from .sources import read_chapters

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


# --- marking the book -----------------------------------------------------------

def mark(html: str, slug: str, changed: set[int]) -> str:
    """Paragraph numbers, and change bars on ``changed`` paragraphs; each
    paragraph gets an id (``<slug>-p<N>``) for the list of changes to link to."""

    def repl(match: re.Match) -> str:
        number = int(match.group(1))
        marks = f'<span class="para-no outer-mark" aria-hidden="true">{number}</span>'
        attrs = f'data-p="{number}" id="{slug}-p{number}"'
        if number in changed:
            marks += '<span class="change-bar outer-mark" aria-hidden="true"></span>'
            attrs += ' class="changed"'
        return f"<p {attrs}>{marks}"

    return PARAGRAPH.sub(repl, html)


def proof_profile(config, stamp_text: str) -> PrintProfile:
    from .editions.wrapcover import length_mm

    width_mm = length_mm(config.print.trim_width) + PROOF_MARGIN_IN * 25.4
    text = stamp_text.replace("\\", "\\\\").replace('"', '\\"')
    css = (f"@page {{ size: {width_mm:.2f}mm {config.print.trim_height}; }}\n"
           f'@page :left {{ @bottom-left {{ content: "{text}"; }} }}\n'
           f'@page :right {{ @bottom-right {{ content: "{text}"; }} }}\n')
    return PrintProfile(name="proof", suffix="-proof", stylesheets=("proof.css",), css=css, outer_marks=True)


# --- the command --------------------------------------------------------------

def run(args: argparse.Namespace, progress: Progress) -> int:
    from .apparatus import back_matter
    from .editions.html import HtmlEdition
    from .editions.pdf import PdfEdition
    from .pipeline import publish
    from .prepare import prepare
    from .proofreport import make_report, write_report

    paths = Paths(args.root.resolve())
    out = args.out.resolve()
    ready = prepare(paths, progress)
    config, pandoc, book = ready.config, ready.pandoc, ready.book
    with progress.stage("proof report"):
        report = make_report(paths, book)
    since = args.since or default_since(paths.root)
    with progress.stage(f"changes since {since or '(no earlier revision)'}"):
        if since is None:
            changes = Changes(None, problem="no earlier revision to compare with")
        else:
            try:
                changes = compare(old_units(paths, since, pandoc), book.units, since)
            except LookupError as exc:
                if args.since:  # asked for by name: a typo must not pass silently
                    raise ContentError([Problem("--since", None, str(exc))]) from None
                changes = Changes(since, problem=str(exc))
            except BookError as exc:
                changes = Changes(since, problem=f"the sources at {since} do not build: {exc.problems[0]}")
    for unit in book.units:
        record = changes.of(unit.slug)
        unit.html = mark(unit.html, unit.slug, set(record.changed) if record else set())
    if args.chapter:
        chosen = [u for u in book.units if u.slug == args.chapter]
        if not chosen:
            slugs = ", ".join(u.slug for u in book.units)
            raise ContentError([Problem("--chapter", None, f"no chapter '{args.chapter}' (one of: {slugs})")])
        book.units = chosen
        back = []
    else:
        with progress.stage("apparatus"):
            back = back_matter(paths, book, pandoc, ready.session)
    the_stamp = stamp(paths.root)
    out.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{out.name}-proof-", dir=out))
    proof = stage / "proof"
    proof.mkdir()
    try:
        pdf = PdfEdition(paths, book, back)
        pdf.profile = proof_profile(config, the_stamp.text())
        with progress.stage("proof PDF"):
            pdf_result = pdf.build(proof)
        web = HtmlEdition(paths, book, back)
        web.extra_styles = ("proof-web.css",)
        with progress.stage("proof web edition"):
            web.build(proof)
            banner = the_stamp.text().replace("\\", "\\\\").replace('"', '\\"')
            with (proof / "html" / "assets" / "proof-web.css").open("a", encoding="utf-8") as css:
                css.write(f'\n.site-header::before {{ content: "{banner}"; }}\n')
        write_report(report, proof, paths)
        (proof / "changes.json").write_text(json.dumps(changes.to_dict(), indent=1, ensure_ascii=False) + "\n",
                                            "utf-8")
        (proof / "changes.html").write_text(_changes_page(paths, changes, the_stamp, book), "utf-8")
        publish(stage, out, ["proof"])
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    print(report.summary())
    print(changes.summary())
    progress.note(f"proof: {out / 'proof' / pdf_result.files[0]} ({pdf_result.facts['pages']} pages), "
                  f"{out / 'proof' / 'html' / 'index.html'}, {out / 'proof' / 'report.html'}")
    for warning in [*book.warnings, *pdf.warnings, *web.warnings]:
        print(f"warning: {warning}")
    return 0


def _changes_page(paths: Paths, changes: Changes, the_stamp: Stamp, book) -> str:
    """The changed paragraphs by chapter, each a link into the proof web edition."""
    from .render import environment

    return environment(paths).get_template("proof/changes.html.j2").render(
        config=book.config, t=book.strings, changes=changes, stamp=the_stamp.text(),
        pages={u.slug: u.page_name for u in book.units})
