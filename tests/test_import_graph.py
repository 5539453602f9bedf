"""The import graph of the project: no cycle, and no import that goes up a floor.

Every module of the project (migrations and tests aside) is parsed, and every import it
makes, at the top or inside a function, is an edge. Two rules (docs/CONTRIBUTING.md,
"Floors"): the graph has no cycle, within an app or between apps; and an app imports only
apps on its own floor or below. A new app not named in ``FLOORS`` stands on top.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. ``osms.exports`` (the list export of every admin page) stands on core only,
# so every app's admin may use it; ``project`` is settings, URLs, Celery: the top.
FLOORS = ["core", "exports", "payers", "coverage", "packages", "purchasing", "reconciliation"]
SKIPPED_DIRS = {"migrations", "tests", "__pycache__", ".venv", "bench", "scripts", "docs"}

# Known cycles in areas owned by others, each with its reason; empty when none is left.
# Entry: frozenset of the modules of one cycle (a strongly connected component).
ALLOWED_CYCLES = {}


def _module_name(path):
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules():
    """{module name: path} of every project module below the repository root."""
    apps = [p.parent for p in ROOT.glob("*/apps.py")] + [p.parent for p in ROOT.glob("osms/*/apps.py")]
    roots = {ROOT / "osms"} | set(apps)
    modules = {}
    for root in roots:
        for path in root.rglob("*.py"):
            relative = path.relative_to(ROOT).parts
            if SKIPPED_DIRS & set(relative):
                continue
            modules[_module_name(path)] = path
    return modules


def _resolve(module, path, node):
    """The absolute names an import statement refers to (module or module.name)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    if node.level:
        base = package.split(".")
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module
    return [f"{prefix}.{alias.name}" for alias in node.names] + [prefix]


def import_graph():
    """{module: {imported project modules}}."""
    modules = project_modules()
    graph = {}
    for module, path in modules.items():
        targets = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            names = _resolve(module, path, node)
            # ``from pkg import name``: the submodule when there is one, else the package.
            found = [name for name in names if name in modules]
            if isinstance(node, ast.ImportFrom):
                submodules = [n for n in found if n != names[-1]]
                found = submodules or found[-1:]
            targets.update(n for n in found if n != module)
        graph[module] = targets
    return graph


def app_of(module):
    parts = module.split(".")
    if parts[0] == "osms":
        return parts[1] if len(parts) > 1 and parts[1] in ("core", "exports") else "project"
    return parts[0]


def floor_of(app):
    if app == "project":
        return len(FLOORS) + 1
    return FLOORS.index(app) if app in FLOORS else len(FLOORS)


def strongly_connected(graph):
    """Tarjan's algorithm: the components of more than one module (cycles), iteratively."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    counter = [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(frozenset(component))
    return found


def test_the_graph_sees_the_project():
    graph = import_graph()
    assert {"osms.core.services", "payers.admin.registry", "reconciliation.obligations"} <= set(graph)
    assert "payers.extensions" in graph["reconciliation.obligations"]
    assert "payers.models.registry" in graph["payers.models.payments"]


def test_no_import_cycle():
    cycles = [sorted(c) for c in strongly_connected(import_graph()) if c not in ALLOWED_CYCLES]
    assert cycles == []


def test_no_import_goes_up_a_floor():
    upward = sorted(
        f"{module} → {target}"
        for module, targets in import_graph().items()
        for target in targets
        if floor_of(app_of(target)) > floor_of(app_of(module))
    )
    assert upward == []


@pytest.mark.parametrize("graph, cycles", [
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}, [{"a", "b", "c"}]),
    ({"a": {"b"}, "b": set()}, []),
])
def test_cycle_finder(graph, cycles):
    assert [set(c) for c in strongly_connected(graph)] == cycles
