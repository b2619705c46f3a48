"""Every stdlib module and every example checks clean, and every stdlib figure carries its source."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import dsl
from compiler.cli import main
from dsl import nodes as n

ROOT = Path(__file__).resolve().parents[1]
STDLIB = sorted((ROOT / "stdlib").glob("*.factory"))
EXAMPLES = sorted((ROOT / "examples").glob("*.factory"))


def test_there_is_something_to_check() -> None:
    assert STDLIB, "stdlib/ has no .factory modules"
    assert EXAMPLES, "examples/ has no .factory specs"


@pytest.mark.parametrize("path", STDLIB + EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_checks_clean(path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check", str(path.relative_to(ROOT))])
    assert result.exit_code == 0, result.output


def _numeric_literals(expr) -> bool:
    if isinstance(expr, (n.Number, n.Quantity)):
        return True
    return any(_numeric_literals(child) for child in vars(expr).values()
               if isinstance(child, (n.Number, n.Quantity, n.Arith, n.Unary, n.Power, n.Call, n.IfExpr)))


def _figures(statements):
    for stmt in statements:
        if isinstance(stmt, (n.Field, n.Let)) and _numeric_literals(stmt.value):
            yield stmt
        if isinstance(stmt, n.Block):
            yield from _figures(stmt.body)


@pytest.mark.parametrize("path", STDLIB, ids=lambda p: p.name)
def test_every_stdlib_figure_cites_its_source(path: Path) -> None:
    checked, sink = dsl.check_files([str(path)])
    assert checked is not None
    module = checked.program.entries[0]
    missing = [f"{path.name}:{stmt.span.line} {stmt.name}" for stmt in _figures(module.statements)
               if not stmt.comment]
    assert not missing, "figures without a source comment: " + ", ".join(missing)
