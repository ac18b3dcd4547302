"""Writes two episodes of the Gapminder lesson as this test book's chapters (SOURCE.md).

Usage: python convert.py LESSON_REPO CONTENT_DIR (LESSON_REPO: a clone of
swcarpentry/python-novice-gapminder at the commit SOURCE.md names).
"""
import re, subprocess, sys
from pathlib import Path
REPO = sys.argv[1]
out = Path(sys.argv[2])
EPISODES = [("09-plotting", "01-plotting.md", "1"), ("12-for-loops", "02-for-loops.md", "2")]
DROP = {"objectives", "questions", "keypoints", "prereq"}
images = set()
for episode, name, number in EPISODES:
    text = subprocess.run(["git", "-C", REPO, "show", f"HEAD:episodes/{episode}.md"], capture_output=True,
                          text=True, check=True).stdout
    _, front, body = text.split("---\n", 2)
    title = re.search(r"^title: *(.*)$", front, re.M)[1].strip().strip("'\"")
    lines, stack, fence = [], [], False
    for line in body.splitlines():
        if line.lstrip().startswith("```"):
            fence = not fence
        if not fence:
            m = re.match(r"^:{3,}\s*(\w*)\s*$", line)
            if m:
                if m[1]:
                    stack.append(m[1])
                elif stack:
                    stack.pop()
                continue
            if any(s in DROP for s in stack):
                continue
            if stack:
                h = re.match(r"^#+\s+(.*)$", line)
                if h:
                    line = f"**{h[1].strip()}**"
            def image(m):
                images.add(m[2])
                return f"![{m[3]}](../images/{m[2]})"
            line = re.sub(r"!\[[^\]]*\]\(fig/([^)]*)\)", lambda m: f"![](fig/{m[1]})", line)
            line = re.sub(r"!\[(\w*)\]\(fig/([^)]*)\)\{alt='([^']*)'\}", image, line)
        elif stack and any(s in DROP for s in stack):
            continue
        lines.append(line)
    body = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip() + "\n"
    head = f'---\ntitle: "{title}"\nkind: chapter\nnumber: "{number}"\n---\n\n'
    (out / "chapters" / name).write_text(head + body, "utf-8")
(out / "images").mkdir(exist_ok=True)
for image in sorted(images):
    data = subprocess.run(["git", "-C", REPO, "show", f"HEAD:episodes/fig/{image}"], capture_output=True,
                          check=True).stdout
    (out / "images" / image).write_bytes(data)
print(sorted(images))
