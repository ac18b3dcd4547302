"""The package's shape: data moves forward only (docs/architecture.md).

Every import in press/, the lazy ones inside functions included, is an
arrow from one module to another. The stages are ranked in the order the
build runs them; a module may import from its own stage or an earlier one,
never a later one, and no set of modules imports itself round.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "press"

# The stages, first to last. A module not named here is in the stage of its
# package (press.book.collect: "press.book").
STAGES = [
    # Tools every stage uses, which know nothing of books.
    {"press", "press.errors", "press.progress", "press.memo", "press.parallel", "press.safety", "press.fetcher",
     "press.tools", "press.vcs", "press.session", "press.upstream"},
    {"press.source"},  # 1. configure and read
    {"press.book"},  # 2-3. convert and collect
    {"press.apparatus"},  # 4. index, bibliography, chronology
    {"press.editions"},  # 5-6. render and lay out each edition
    {"press.pipeline", "press.stamp", "press.publishing"},  # 7. the build: stages in order, write, publish
    {"press.gates"},  # 8. verify: checkers of the built editions and of the text
    {"press.commands", "press.cli", "press.__main__"},  # what a user asks for
]


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if "_assets" in path.parts or "skeleton" in path.parts:
            continue
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = modules()


def stage(module: str) -> int:
    parts = module.split(".")
    for length in range(len(parts), 0, -1):
        head = ".".join(parts[:length])
        for rank, names in enumerate(STAGES):
            if head in names:
                return rank
    raise AssertionError(f"{module} is in no stage: name it in STAGES")


def imports(module: str, path: Path) -> set[str]:
    """The press modules ``module`` imports (``from . import x``: the module x)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "press"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").split(".")[0] == "press":
                target = node.module
            else:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    return {name for name in found if name in MODULES and name != module}


GRAPH = {name: imports(name, path) for name, path in MODULES.items()}


def test_every_module_is_in_a_stage():
    for name in MODULES:
        stage(name)


def test_no_import_from_a_later_stage():
    backward = [f"{a} ({stage(a)}) imports {b} ({stage(b)})"
                for a, targets in GRAPH.items() for b in sorted(targets) if stage(b) > stage(a)]
    assert not backward, "\n".join(backward)


def test_no_import_cycle():
    # Tarjan's strongly connected components; a component of two or more is a cycle.
    index, low, on_stack, stack, cycles = {}, {}, set(), [], []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(GRAPH[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for name in sorted(GRAPH):
        if name not in index:
            visit(name)
    assert not cycles, "\n".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_says_what_it_takes_and_gives(name):
    tree = ast.parse(MODULES[name].read_text("utf-8"))
    doc = ast.get_docstring(tree)
    if name == "press" or name.endswith("__main__"):
        return
    assert doc and len(doc.split()) >= 8, f"{MODULES[name]}: no docstring saying what the module takes and gives"


def test_the_stages_are_seen_in_the_layout():
    for package in ("source", "book", "apparatus", "editions", "gates", "commands"):
        assert (PACKAGE / package / "__init__.py").is_file(), package


def test_no_two_classes_share_a_name():
    seen: dict[str, list[str]] = {}
    for name, path in MODULES.items():
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.ClassDef):
                seen.setdefault(node.name, []).append(name)
    shared = {cls: where for cls, where in seen.items() if len(where) > 1}
    assert not shared, shared
