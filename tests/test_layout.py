"""Imports run one way: webhooks/ and consumers/ use bridge/ and schemas/; bridge/ never imports them
(only its CLI package, the composition root, wires them); schemas/ imports nothing of ours; the
sandboxes import nothing of the bridge."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
OURS = ("bridge", "consumers", "webhooks", "schemas", "sandboxes", "tests")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names & set(OURS)


def modules(folder: str, *, leave_out: str | None = None) -> list[Path]:
    found = sorted((REPO / folder).rglob("*.py"))
    return [p for p in found if leave_out is None or not p.is_relative_to(REPO / leave_out)]


@pytest.mark.parametrize(
    ("folder", "allowed", "leave_out"),
    [
        ("bridge", {"bridge", "schemas"}, "bridge/cli"),
        ("bridge/cli", {"bridge", "schemas", "consumers", "webhooks", "sandboxes"}, None),
        ("consumers", {"bridge", "schemas", "consumers"}, None),
        ("webhooks", {"bridge", "schemas", "webhooks"}, None),
        ("schemas", {"schemas"}, None),
        ("sandboxes", {"sandboxes"}, None),
    ],
)
def test_imports_run_one_way(folder, allowed, leave_out):
    wrong = {
        str(p.relative_to(REPO)): sorted(imported(p) - allowed) for p in modules(folder, leave_out=leave_out)
    }
    assert {p: names for p, names in wrong.items() if names} == {}
