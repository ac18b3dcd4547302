"""Writes two sections of Dive into Deep Learning as this test book's chapters (SOURCE.md).

Usage: python convert.py D2L_REPO CONTENT_DIR (D2L_REPO: a clone of
d2l-ai/d2l-en at the commit SOURCE.md names). Needs pandoc on the PATH
(pypandoc's) for the BibTeX entries the chapters cite.
"""
import re, subprocess, sys, json
from pathlib import Path
REPO = sys.argv[1]
out = Path(sys.argv[2])
SECTIONS = [("chapter_preliminaries/linear-algebra.md", "01-linear-algebra.md", "1"),
            ("chapter_preliminaries/calculus.md", "02-calculus.md", "2")]
FRAMEWORK = "pytorch"  # of the four the book is written for, the one kept


def show(path, binary=False):
    return subprocess.run(["git", "-C", REPO, "show", f"HEAD:{path}"], capture_output=True,
                          text=not binary, check=True).stdout


def label(name):  # d2l's sec_x / fig_x / subsec_x → pandoc-crossref's sec-x / fig-x
    kind, _, rest = name.partition("_")
    return ("fig-" if kind == "fig" else "sec-") + re.sub(r"[^A-Za-z0-9-]", "-", rest)


labels = {}
for source, _, _ in SECTIONS:
    labels.update((m, label(m)) for m in re.findall(r":label:`([^`]+)`", show(source)))
images, keys = set(), set()
for source, name, number in SECTIONS:
    text = show(source)
    lines, out_lines, i = text.splitlines(), [], 0
    title = None
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):  # a code cell: kept if it is the framework's or all frameworks'
            j = i + 1
            while not lines[j].startswith("```"):
                j += 1
            cell = lines[i + 1:j]
            tab = re.match(r"%%tab (.*)", cell[0]) if cell else None
            frameworks = [f.strip() for f in tab[1].split(",")] if tab else ["all"]
            if cell and not cell[0].startswith("%load_ext") and ("all" in frameworks or FRAMEWORK in frameworks):
                body = [c for c in cell[1 if tab else 0:] if not c.startswith("%matplotlib")]
                out_lines += ["```python", *body, "```"]
            i = j + 1
            continue
        m = re.match(r":begin_tab:`([^`]*)`", line)
        if m:
            j = i + 1
            while not lines[j].startswith(":end_tab:"):
                j += 1
            if m[1] in ("all", FRAMEWORK) and not any("discuss.d2l.ai" in c for c in lines[i + 1:j]):
                out_lines += lines[i + 1:j]
            i = j + 1
            continue
        m = re.match(r":label:`([^`]+)`\s*$", line)
        if m:  # the label of the heading or figure above
            k = len(out_lines) - 1
            if lines[i - 1].startswith("# "):  # the section's own label: its title is the chapter's
                pass
            elif out_lines[k].startswith("!["):
                out_lines[k] += "{#" + labels[m[1]] + "}"
            else:
                out_lines[k] += " {#" + labels[m[1]] + "}"
            i += 1
            continue
        if re.match(r":eqlabel:`[^`]+`\s*$", line):  # equation labels: never cited in these sections
            i += 1
            continue
        h = re.match(r"# (.*)", line)
        if h and title is None:
            title = h[1].strip()
            i += 1
            continue
        # d2lbook's slide marks: (**…**) and [**…**] are shown in the book too, [~~…~~] only in the slides
        line = re.sub(r"\[~~.*?~~\]", "", line)
        line = re.sub(r"\(\*\*|\*\*\)|\[\*\*|\*\*\]", "", line)
        line = re.sub(r":numref:`([^`]+)`", lambda m: "@" + labels[m[1]], line)
        def cite(m):
            keys.add(m[2])
            return f"@{m[2]}" if m[1] == "citet" else f"[@{m[2]}]"
        line = re.sub(r":(cite|citet):`([^`]+)`", cite, line)
        def image(m):
            images.add(m[2])
            return f"![{m[1]}](../images/{m[2]})"
        line = re.sub(r"!\[([^\]]*)\]\(\.\./img/([^)]+)\)", image, line)
        out_lines.append(line)
        i += 1
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(out_lines)).strip() + "\n"
    head = f'---\ntitle: "{title}"\nkind: chapter\nnumber: "{number}"\n---\n\n'
    (out / "chapters").mkdir(parents=True, exist_ok=True)
    (out / "chapters" / name).write_text(head + body, "utf-8")
(out / "images").mkdir(exist_ok=True)
for image in sorted(images):
    (out / "images" / image).write_bytes(show(f"img/{image}", binary=True))
bib = show("d2l.bib")
entries = [e for e in re.split(r"\n(?=@)", bib) if re.match(r"@\w+\{([^,]+),", e) and
           re.match(r"@\w+\{([^,]+),", e)[1].strip() in keys]
csl = json.loads(subprocess.run(["pandoc", "-f", "bibtex", "-t", "csljson"], input="\n".join(entries),
                                capture_output=True, text=True, check=True).stdout)
import yaml
(out / "references.yaml").write_text(yaml.safe_dump({"references": csl}, allow_unicode=True, sort_keys=False),
                                     "utf-8")
print(sorted(images), sorted(keys))
