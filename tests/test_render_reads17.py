"""Renderers and `explain` only read results (ARCHITECTURE.md: "render/: diagram views and report sections read
results; they never re-derive a model"). Laws: (1) `explain` reaches the evaluation through its public API
(`Results.evaluator`, `Evaluator.readable`, `Evaluator.module_value`), no private attribute of another object;
(2) an imported module's `let` still shows, evaluated, in the derivation."""
from __future__ import annotations

import ast
import pathlib

from compiler.cli import run_pipeline
from compiler.explain import derivation

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _private_reads(path: pathlib.Path) -> list[str]:
    """`obj._name` reads in a module where obj is not `self` (a dunder is no private attribute)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                and not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            out.append(f"{path.name}:{node.lineno}: .{node.attr}")
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "getattr" and len(node.args) >= 2 \
                and isinstance(node.args[1], ast.Constant) and str(node.args[1].value).startswith("_") \
                and not str(node.args[1].value).startswith("__"):
            out.append(f"{path.name}:{node.lineno}: getattr {node.args[1].value}")
    return out


def test_explain_reads_no_private_attribute() -> None:
    assert _private_reads(ROOT / "compiler" / "explain.py") == []


def test_explain_evaluates_an_imported_let_through_the_public_api(tmp_path) -> None:
    (tmp_path / "lib.factory").write_text("let watts = 300 W\nlet twice = watts * 2\n")
    (tmp_path / "main.factory").write_text(
        'import "./lib.factory" as lib\nfrom "./lib.factory" import twice\n'
        "site s {\n  land_price = 0 USD\n  let x = twice + lib.watts\n}\n")
    results, sink = run_pipeline([str(tmp_path / "main.factory")], {}, None, evaluate_all=True)
    assert results is not None and results.evaluator is not None and results.evaluator.readable
    tree = derivation(results, "s.x", sink.sources)
    shown = {c["path"]: c["value"] for c in tree["inputs"]}
    assert shown == {"lib.watts": "300 W", "twice": "600 W"}, shown      # 300 W + 2 x 300 W = 900 W
    results.release()
    assert not results.evaluator.readable
    assert derivation(results, "s.x", sink.sources).get("inputs", []) == []    # released: nothing evaluated
