#!/usr/bin/env python3
"""Benchmark the build: `make bench` (or `python bench/bench.py --reps 5`).

Measures, in one run, the median wall time and peak memory over several
repetitions of:

- a clean build of all editions (caches and dist/ removed),
- a no-op rebuild (nothing changed),
- a rebuild after editing one chapter, and after an edit that adds pages
  to it (every later page moves),
- the web edition alone after editing one chapter, from the command line and
  in the live preview (``build.py watch``, timed inside its process), and the
  proof PDF of ``watch --pdf`` after the same edit,
- the print PDF of the whole book (in runs of units, where the body is long
  enough) and as one document, against a proof of its longest chapter,

for the real book and for a synthetic book 20 times its size generated from
content/, and the floors measured in the same run: a bare pandoc EPUB
conversion of the concatenated chapters and a bare WeasyPrint render of the
final print HTML. Machines here are shared and noisy, so results are
reported as ratios against those floors.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out"
PY = sys.executable


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one command: the largest sum, over its samples every
    0.1 s, of the proportional set size (PSS: a page shared by forked workers counted once, split
    between them) of the command and every process under it; the largest single RSS where /proc
    cannot tell."""
    import threading

    start = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak, done = [0.0], threading.Event()

    def sample():
        while not done.wait(0.1):
            peak[0] = max(peak[0], tree_pss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = process.stderr.read().decode() if process.stderr else ""  # to its end: the pipe never fills
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}\n{stderr}")
    return wall, peak[0] or usage.ru_maxrss / 1024


def tree_pss(root: int) -> float:
    """The summed PSS (MiB) of ``root`` and its descendants, from /proc (0 where it cannot be read)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except (OSError, ValueError):
            continue
    return total / 1024


def measure(label: str, reps: int, prepare, cmd: list[str], **kwargs) -> dict:
    walls, peaks = [], []
    for _ in range(reps):
        prepare()
        wall, peak = run(cmd, **kwargs)
        walls.append(wall)
        peaks.append(peak)
    return {"label": label, "median": statistics.median(walls), "min": min(walls),
            "peak": max(peaks), "reps": reps}


# --- books ------------------------------------------------------------------

def copy_book(target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    for name in ("content", "templates", "styles"):
        shutil.copytree(REPO / name, target / name)
    return target


def synthetic_book(target: Path, times: int) -> Path:
    """The real book repeated ``times`` times, ids and parts renamed per copy: its
    body ``times`` times, its front matter in the first copy and its back matter
    (the authors' note) in the last, where a book has them."""
    sys.path.insert(0, str(REPO))
    from press.source.units import place

    copy_book(target)
    chapters = target / "content" / "chapters"
    originals = sorted(chapters.glob("*.md"))
    texts = {p: p.read_text("utf-8") for p in originals}
    for p in originals:
        p.unlink()
    names = {}
    for copy in range(1, times + 1):
        for index, path in enumerate(originals):
            slug = path.stem.split("-", 1)[1]
            name = f"{copy * 10 + index:03d}-{slug}-r{copy}.md"
            text = texts[path]
            kind = re.search(r"(?m)^kind:\s*\"?([\w-]+)", text)
            where = place(kind.group(1)) if kind else 1
            if (where == 0 and copy > 1) or (where == 2 and copy < times):
                continue
            names.setdefault(path.name, name)  # the emendations name the first copy written
            text = re.sub(r"\{#([A-Za-z][\w:.-]*)", rf"{{#\1-r{copy}", text)
            text = re.sub(r'anchor: "([^"]+)"', rf'anchor: "\1-r{copy}"', text)
            text = re.sub(r'part: "([^"]+)"', rf'part: "\1-r{copy}"', text)
            text = re.sub(r'(event: "[^"]*)"', rf'\1 (copy {copy})"', text)  # duplicates are errors
            text = re.sub(r"\]\(#([^)]+)\)", rf"](#\1-r{copy})", text)
            if "\nkind: part\n" in text:  # part numbers are unique in a book
                text = re.sub(r'number: "([^"]+)"', rf'number: "\1.{copy}"', text)
            (chapters / name).write_text(text, "utf-8")
    emendations = target / "content" / "emendations.yaml"
    if emendations.is_file():
        text = emendations.read_text("utf-8")
        for old, new in names.items():
            text = text.replace(f"chapters/{old}", f"chapters/{new}")
        emendations.write_text(text, "utf-8")
    return target


def edit_moving_pages(book: Path) -> None:
    """Add a long paragraph to the same chapter (longer each time): its page count grows, and every
    page after it moves."""
    path = sorted((book / "content" / "chapters").glob("*.md"))[2]
    head, body = path.read_text("utf-8").split("\n---\n", 1)
    marker = re.search(r"\n\n\(moved (\d+)\) [^\n]*\n", body)
    count = int(marker.group(1)) + 1 if marker else 1
    body = re.sub(r"\n\n\(moved \d+\) [^\n]*\n", "\n", body)
    body = body.rstrip("\n") + f"\n\n(moved {count}) " + "A paragraph added to move the pages after it. " * 60 * count + "\n"
    path.write_text(head + "\n---\n" + body, "utf-8")


def edit_one_chapter(book: Path) -> None:
    """Change one sentence of one chapter (a new word each time)."""
    path = sorted((book / "content" / "chapters").glob("*.md"))[2]
    text = path.read_text("utf-8")
    marker = re.search(r" \(edit (\d+)\)", text)
    count = int(marker.group(1)) + 1 if marker else 1
    text = re.sub(r" \(edit \d+\)", "", text)
    text = text.replace("Here are the results.", f"Here are the results. (edit {count})", 1) \
        if "Here are the results." in text else re.sub(r"(\.)\n", rf". (edit {count})\n", text, count=1)
    path.write_text(text, "utf-8")


# --- floors -----------------------------------------------------------------

def floors(book: Path, work: Path, reps: int) -> dict:
    sys.path.insert(0, str(REPO))
    from press.tools import pandoc_path

    work.mkdir(parents=True, exist_ok=True)
    bodies = []
    for path in sorted((book / "content" / "chapters").glob("*.md")):
        bodies.append(path.read_text("utf-8").split("\n---\n", 1)[1])
    source = work / "all.md"
    source.write_text("\n\n".join(bodies), "utf-8")
    pandoc = measure("floor: bare pandoc EPUB", reps, lambda: None,
                     [pandoc_path(), str(source), "-o", str(work / "bare.epub"), "--metadata", "title=x",
                      "--metadata", "lang=en"])
    html = work / "print.html"
    subprocess.run([PY, "-c", book_script(book, f"Path({str(html)!r}).write_text(edition.print_html(), 'utf-8')")],
                   check=True)
    render = (
        "import sys\n"
        "from weasyprint import HTML, CSS\n"
        "from weasyprint.text.fonts import FontConfiguration\n"
        "f = FontConfiguration()\n"
        "css = [CSS(filename=%r + '/styles/' + n, font_config=f) for n in ('fonts.css', 'base.css', 'print.css')]\n"
        "HTML(filename=%r, base_url=%r).write_pdf(%r, stylesheets=css, font_config=f,\n"
        "    pdf_variant=sys.argv[1] if len(sys.argv) > 1 else None)\n"
    ) % (str(book), str(html), str(book) + "/", str(work / "bare.pdf"))
    weasy = measure("floor: bare WeasyPrint render", reps, lambda: None, [PY, "-c", render])
    # The edition is a tagged PDF (PDF/UA-1); tagging is part of WeasyPrint's
    # own work, so the like-for-like floor is measured too.
    tagged = measure("floor: WeasyPrint render, tagged (PDF/UA-1)", reps, lambda: None,
                     [PY, "-c", render, "pdf/ua-1"])
    index = index_approaches(book, work, html, reps)
    return {"pandoc": pandoc, "weasyprint": weasy, "tagged": tagged, **index}


def index_approaches(book: Path, work: Path, html: Path, reps: int) -> dict:
    """The print index two ways: target-counter() per locator in one layout,
    against ours (the book, then the index alone with numbers read from the
    laid-out pages), both tagged as the edition is."""
    text = html.read_text("utf-8")
    if 'class="ix-page"' not in text:
        return {}
    counter = work / "print-target-counter.html"
    css = ('<style>.ix-page::after { content: target-counter(attr(href url), page); }</style></head>')
    counter.write_text(re.sub(r'(<a class="ix-page" href="#[^"]+">)000(</a>)', r"\1\2", text)
                       .replace("</head>", css, 1), "utf-8")
    render = (
        "import time\n"
        "from weasyprint import HTML, CSS\n"
        "from weasyprint.text.fonts import FontConfiguration\n"
        "t = time.perf_counter()\n"
        "f = FontConfiguration()\n"
        "css = [CSS(filename=%r + '/styles/' + n, font_config=f) for n in ('fonts.css', 'base.css', 'print.css')]\n"
        "HTML(filename=%r, base_url=%r).write_pdf(%r, stylesheets=css, font_config=f, pdf_variant='pdf/ua-1')\n"
        "print(time.perf_counter() - t)\n"
    ) % (str(book), str(counter), str(book) + "/", str(work / "counter.pdf"))
    one_pass = timed("index by target-counter(): layout and write", reps, render)
    ours = book_script(book, "import time, weasyprint\n"
                             "from press.editions.layout import Typesetter\n"
                             "body, rest = edition.body_job(), edition.finish_job(); t = time.perf_counter()\n"
                             f"setter = Typesetter(); setter.lay_out_body(*body); setter.finish(*rest, Path({str(work)!r}))\n"
                             "print(time.perf_counter() - t)")
    two_stage = timed("index from laid-out pages (ours): layout and write", reps, ours)
    return {"index_counter": one_pass, "index_ours": two_stage}


def book_script(book: Path, body: str) -> str:
    """A Python script that loads the book's model as the build does, then runs ``body``."""
    return (
        f"import sys; sys.path.insert(0, {str(REPO)!r})\n"
        "from pathlib import Path\n"
        "from press.source.config import Paths, load_config\n"
        "from press.source.chapters import read_chapters\n"
        "from press.book.collect import collect\n"
        "from press.book.convert import Pandoc\n"
        "from press.apparatus.sections import build_sections\n"
        "from press.editions import Job\n"
        "from press.editions.pdf import PdfEdition\n"
        "from press.session import Session\n"
        f"p = Paths(Path({str(book)!r})); c = load_config(p); s = Session.for_book(p.root)\n"
        "pandoc = Pandoc(s.folder('pandoc'))\n"
        "b = collect(p, c, read_chapters(p, s), pandoc, s)\n"
        "edition = PdfEdition(Job(p, b, build_sections(p, b, pandoc, s), pandoc=pandoc, session=s))\n"
    ) + body + "\n"


def timed(label: str, reps: int, script: str) -> dict:
    """Time what a script times itself (its last line), imports excluded."""
    walls = []
    for _ in range(reps):
        out = subprocess.run([PY, "-c", script], check=True, capture_output=True, text=True).stdout
        walls.append(float(out.strip().splitlines()[-1]))
    return {"label": label, "median": statistics.median(walls), "min": min(walls), "peak": 0, "reps": reps}


# --- scenarios ----------------------------------------------------------------

def scenarios(name: str, book: Path, reps: int) -> list[dict]:
    out = OUT / f"{name}-dist"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1612137600"}
    build = [PY, str(REPO / "build.py"), "all", "--root", str(book), "--out", str(out), "--quiet"]

    def clean():
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(book / ".cache", ignore_errors=True)

    rows = [measure(f"{name}: clean build, all editions", reps, clean, build, env=env)]
    run(build, env=env)
    rows.append(measure(f"{name}: no-op rebuild", reps, lambda: None, build, env=env))
    rows.append(measure(f"{name}: rebuild after editing one chapter", reps, lambda: edit_one_chapter(book),
                        build, env=env))
    moved = measure(f"{name}: rebuild after an edit that adds pages to one chapter (the later pages move)", reps,
                    lambda: edit_moving_pages(book), build, env=env)
    moved["note"] = f"{moved['median'] / rows[0]['median']:.2f} of the clean build (target 0.5)"
    rows[-1]["note"] = f"{rows[-1]['median'] / rows[0]['median']:.2f} of the clean build (target 0.2)"
    rows.append(moved)
    html_only = [PY, str(REPO / "build.py"), "html", "--root", str(book), "--out", str(out), "--quiet"]
    run(html_only, env=env)
    rows.append(measure(f"{name}: one-shot `build.py html` (a new process) after editing one chapter", reps,
                        lambda: edit_one_chapter(book), html_only, env=env))
    rows.append(watch_rebuild(f"{name}: web edition rebuilt by the live preview (watch) after editing one chapter",
                              book, reps, env))
    rows.append(watch_rebuild(f"{name}: proof PDF rebuilt by `watch --pdf` after editing one chapter "
                              "(the web edition's rebuild included)", book, reps, env, pdf=True))
    rows += proof_rows(name, book, reps, env)
    return rows


def same_pages(one: Path, other: Path) -> str:
    """The pages of ``other`` against ``one`` (press.gates.samepdf): how many differences, over how much."""
    sys.path.insert(0, str(REPO))
    from press.gates.samepdf import counts, differences

    if one.read_bytes() == other.read_bytes():
        return "the same bytes as one document's: the body is laid out as one document (too short for runs)"
    found = differences(one, other)
    seen = ", ".join(f"{n:,} {kind}" for kind, n in counts(one).items())
    return f"{len(found)} differences from one document's PDF ({seen}){': ' + found[0] if found else ''}"


def watch_rebuild(label: str, book: Path, reps: int, env: dict, pdf: bool = False) -> dict:
    """The live preview's rebuild after an edit, timed inside its process
    (what a writer waits for between saving and seeing the page); with
    ``pdf``, until the proof PDF is built too (``watch --pdf``)."""
    script = (
        "import sys, time, statistics\n"
        f"sys.path.insert(0, {str(REPO)!r}); sys.path.insert(0, {str(REPO / 'bench')!r})\n"
        "from pathlib import Path\nfrom press.commands.watch import Preview\nfrom bench import edit_one_chapter\n"
        f"book = Path({str(book)!r}); p = Preview(book, out=book / '.cache' / 'bench-watch', pdf={pdf})\n"
        "assert p.rebuild()\ntimes = []\n"
        f"for _ in range({reps}):\n"
        "    edit_one_chapter(book); t = time.perf_counter(); assert p.rebuild()\n"
        "    times.append(time.perf_counter() - t)\n"
        "print(statistics.median(times), max(times))\n")
    out = subprocess.run([PY, "-c", script], check=True, capture_output=True, text=True, env=env).stdout
    median, slowest = (float(x) for x in out.strip().splitlines()[-1].split())
    return {"label": label, "median": median, "min": 0, "peak": 0, "reps": reps, "watch": True,
            "note": f"slowest of {reps}: {slowest:.2f} s (target {3 if pdf else 1} s)"}


def proof_rows(name: str, book: Path, reps: int, env: dict) -> list[dict]:
    """The whole book's print PDF against a proof of its longest chapter."""
    out = OUT / f"{name}-proof"
    chapter = max(sorted((book / "content" / "chapters").glob("*.md")), key=lambda p: p.stat().st_size)
    slug = chapter.stem.split("-", 1)[1]
    common = ["--root", str(book), "--out", str(out), "--quiet"]

    def clean():  # dist/ and the caches removed each time: the same sources again would be a no-op rebuild
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(book / ".cache", ignore_errors=True)

    whole = measure(f"{name}: print PDF of the whole book, clean", reps, clean,
                    [PY, str(REPO / "build.py"), "pdf", *common], env=env)
    in_runs = OUT / f"{name}-runs.pdf"
    shutil.copyfile(next(out.glob("*.pdf")), in_runs)
    # The same, laid out as one document: a long body is laid out in runs of units by default (issue 20).
    single = measure(f"{name}: print PDF of the whole book as one document (PRESS_PRINT_RUNS=1), clean", reps,
                     clean, [PY, str(REPO / "build.py"), "pdf", *common], env={**env, "PRESS_PRINT_RUNS": "1"})
    whole["note"] = f"{whole['median'] / single['median']:.2f} of one document's; {same_pages(next(out.glob('*.pdf')), in_runs)}"
    one = measure(f"{name}: proof PDF of one chapter (--chapter {slug})", reps, lambda: None,
                  [PY, str(REPO / "build.py"), "proof", "--chapter", slug, *common], env=env)
    one["note"] = f"{one['median'] / whole['median']:.2f} of the whole book's PDF"
    return [whole, single, one]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=3, help="repetitions per measurement (median reported)")
    parser.add_argument("--times", type=int, default=20, help="size of the synthetic book, in copies of the real one")
    parser.add_argument("--only", choices=["real", "synthetic"], help="measure one book only")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    report = []
    books = [("real", lambda: copy_book(OUT / "real-book")),
             (f"synthetic {args.times}x", lambda: synthetic_book(OUT / "synthetic-book", args.times))]
    for name, make in books:
        if args.only and not name.startswith(args.only):
            continue
        book = make()
        floor = floors(book, OUT / f"{name.split()[0]}-floors", args.reps)
        rows = scenarios(name.split()[0], book, args.reps)
        base = floor["pandoc"]["median"] + floor["weasyprint"]["median"]
        report.append((name, floor, rows, base))
    print("\n| measurement | median s | peak MiB | ratio to floor |\n|---|---:|---:|---:|")
    for name, floor, rows, base in report:
        tagged_base = floor["pandoc"]["median"] + floor["tagged"]["median"]
        print(f"| **{name} book**: floor = bare pandoc EPUB + bare WeasyPrint = {base:.2f} s | | | |")
        extra = [floor[k] for k in ("index_counter", "index_ours") if k in floor]
        for row in (floor["pandoc"], floor["weasyprint"], floor["tagged"], *extra, *rows):
            ratio = row.get("note") or f"{row['median'] / base:.2f}x"
            peak = "–" if row.get("watch") else f"{row['peak']:.0f}"  # timed inside a process: no peak of its own
            print(f"| {row['label']} | {row['median']:.2f} | {peak} | {ratio} |")
        clean = rows[0]["median"]
        preview = next(row for row in rows if row.get("watch"))  # the web edition's
        whole = next(row for row in rows if row["label"].endswith("whole book, clean"))
        print(f"| clean build / floor: {clean / base:.2f} (target 0.65 for the 20x book, 1.0 for the real one); "
              f"against the tagged floor: {clean / tagged_base:.2f}; print PDF alone / bare WeasyPrint render: "
              f"{whole['median'] / floor['weasyprint']['median']:.2f} (target 0.6); peak memory of the clean "
              f"build / the bare render's: {rows[0]['peak'] / floor['weasyprint']['peak']:.2f}, of the print PDF "
              f"alone: {whole['peak'] / floor['weasyprint']['peak']:.2f} (target 1.5); no-op: "
              f"{rows[1]['median']:.2f} s (target 0.5 s); preview after an edit: {preview['median']:.2f} s "
              "(target 1 s) | | | |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
