"""The packages' import graph keeps the shape in docs/architecture.md: no cycle between
top-level packages (rooms never reach back into interpreter), and the protocol client,
localvt, the shared voice client and the server tuning free of the app."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("accounts", "glossaries", "interpreter", "krisp", "localvt", "rooms", "voice")


def imports_of(directory: Path) -> dict[Path, set[str]]:
    """Every module under ``directory`` (migrations aside) and the modules it imports."""
    found = {}
    for path in directory.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
        found[path.relative_to(ROOT)] = names
    return found


def package_graph() -> dict[str, set[str]]:
    graph = defaultdict(set)
    for package in PACKAGES:
        for names in imports_of(ROOT / package).values():
            graph[package].update(
                top for top in (n.split(".")[0] for n in names) if top in PACKAGES
            )
        graph[package].discard(package)
    return graph


def test_no_two_top_level_packages_import_each_other_even_indirectly():
    graph = package_graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
            for nxt in graph[start]
        )

    cycles = [package for package in PACKAGES if reaches(package, package, {package})]
    assert cycles == [], dict(graph)


@pytest.mark.parametrize(
    ("directory", "forbidden"),
    [
        ("krisp", {"django", "channels", "daphne", *PACKAGES} - {"krisp"}),
        ("localvt", {"django", "channels", "daphne", *PACKAGES} - {"localvt"}),
        ("spreadsheets", {"django", "channels", "daphne", *PACKAGES}),
        ("interpreter/server_tuning", {"django", "channels", *PACKAGES} - {"interpreter"}),
        # The shared voice client: Django's settings and krisp, nothing of any app.
        ("voice", {"channels", "daphne", *PACKAGES} - {"voice", "krisp"}),
    ],
)
def test_libraries_of_the_house_import_nothing_of_the_app(directory, forbidden):
    offending = {
        str(path): sorted(n for n in names if n.split(".")[0] in forbidden)
        for path, names in imports_of(ROOT / directory).items()
    }
    assert {path: names for path, names in offending.items() if names} == {}


def test_the_server_tuning_reaches_nothing_else_of_the_interpreter_app():
    offending = {
        str(path): sorted(
            n for n in names if n.startswith("interpreter.") and "server_tuning" not in n
        )
        for path, names in imports_of(ROOT / "interpreter/server_tuning").items()
    }
    assert {path: names for path, names in offending.items() if names} == {}
