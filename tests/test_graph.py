"""The bound IR (compiler.ir) and `factory graph`.

* Goldens: each case of tests/cases/check and tests/cases/diagram has the exact output of `factory graph` in
  tests/cases/lower/<stage>/<case>.graph (exit code, diagnostics, then the dump). Rewrite them with
  `python3 -m pytest tests/test_graph.py --update-goldens` and read the diff.
* Laws: the order lists every node once, each after its static inputs; what evaluation records a field,
  `let`, parameter or multiplicity read (`Node.deps`) is exactly what binding bound; long chains and the
  deepest expressions evaluate through the API on Python's default recursion limit, in a loop.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

CASES = Path(__file__).parent / "cases"
GOLDENS = CASES / "lower"
EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.factory"))


def _cases() -> list[Path]:
    found = []
    for stage in ("check", "diagram"):
        folder = CASES / stage
        found += sorted(folder.glob("*.factory"))
        found += sorted(folder.glob("*/**/main.factory"))
    return found


def _golden(case: Path) -> Path:
    rel = case.relative_to(CASES)
    if case.name == "main.factory":             # check/import_cycle/main.factory -> check/import_cycle.graph
        return GOLDENS / rel.parts[0] / f"{rel.parts[1]}.graph"
    return GOLDENS / rel.parent / f"{case.stem}.graph"


@pytest.mark.parametrize("case", _cases(), ids=lambda p: str(p.relative_to(CASES)))
def test_graph_golden(case: Path, update_goldens: bool, monkeypatch) -> None:
    monkeypatch.chdir(CASES)
    result = CliRunner().invoke(main, ["graph", str(case.relative_to(CASES))])
    assert result.exit_code in (0, 1), result.output
    text = f"exit {result.exit_code}\n{result.output}"
    golden = _golden(case)
    if update_goldens or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
        if not update_goldens:
            pytest.fail(f"wrote the missing golden {golden}; read it and commit it")
    assert text == golden.read_text(encoding="utf-8")


def _bound(path: Path):
    import dsl
    from compiler.ir import bind
    from compiler.lower import lower

    checked, sink = dsl.check_files([str(path)])
    assert checked is not None and not sink.has_errors()
    lowering = lower(checked, sink)
    return lowering, bind(lowering), sink


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_order_puts_every_node_after_its_inputs(path: Path) -> None:
    _, ir, _ = _bound(path)
    assert sorted(ir.order) == list(range(len(ir.nodes)))
    place = {node_id: k for k, node_id in enumerate(ir.order)}
    for node in ir.nodes:
        assert all(place[i] < place[node.id] for i in node.inputs), node.path
        assert not node.dynamic or node.inputs == []        # a model op's inputs are read while it runs


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_evaluation_reads_exactly_what_binding_bound(path: Path) -> None:
    """Binding resolves names by the evaluator's rules: a bound node reads its static inputs, no more."""
    from compiler.evaluate import evaluate

    lowering, ir, sink = _bound(path)
    results = evaluate(lowering, sink)
    compared = 0
    for node in ir.nodes:
        if node.kind == "model" or node.path not in results.values:
            continue                # a model op reads within what it declares: tests/test_model_reads.py
        assert sorted(results.graph.nodes[node.path].deps) == sorted(ir.nodes[i].path for i in node.inputs), \
            node.path
        compared += 1
    assert compared > 50


def _evaluate_at_default_recursion_limit(text: str, tmp_path: Path):
    from compiler import evaluate_files

    spec = tmp_path / "api.factory"
    spec.write_text(text, encoding="utf-8")
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        return evaluate_files([str(spec)])
    finally:
        sys.setrecursionlimit(saved)


@pytest.mark.parametrize("direction", ["forward", "backward"])
def test_5000_link_chain_evaluates_in_a_loop(tmp_path: Path, direction: str) -> None:
    # a_i = a_(i+1) + 1 W and a_5000 = 1 W, so a_0 = 5,001 W (forward: each reads one written after it)
    if direction == "forward":
        text = "".join(f"let a{i} = a{i + 1} + 1 W\n" for i in range(5000)) + "let a5000 = 1 W\n"
    else:
        text = "let a5000 = 1 W\n" + "".join(f"let a{i} = a{i + 1} + 1 W\n" for i in reversed(range(5000)))
    results, sink = _evaluate_at_default_recursion_limit(text, tmp_path)
    assert results is not None and not sink.items
    assert float(results.values["a0"][0]) == 5001.0
    assert float(results.values["a2500"][0]) == 2501.0


def test_deepest_expressions_in_a_chain_evaluate(tmp_path: Path) -> None:
    """The builder's deepest nesting (190 levels) in a chain of 50 lets, a count and an assert: max(x) = x,
    ceil(1) = 1, so every a_i = a_50 = 1 and the hall is placed once; - - ... (190 minus signs) 1 = 1 > 0."""
    deep = 190
    text = "".join(f"let a{i} = " + "max(" * deep + f"a{i + 1}" + ")" * deep + "\n" for i in range(50))
    text += "let a50 = 1\nassert " + "- " * deep + "a0 > 0\n"
    text += "site s {\n  hall h x " + "ceil(" * deep + "a0" + ")" * deep + " {\n  }\n}\n"
    results, sink = _evaluate_at_default_recursion_limit(text, tmp_path)
    assert results is not None and not sink.has_errors(), [d.message for d in sink.items]
    assert float(results.values["a0"][0]) == 1.0
    assert float(results.values["s.h.count"][0]) == 1.0
    assert [c.ok for c in results.checks if c.name.startswith("spec:")] == [True]


def test_a_cycle_is_listed_from_where_the_walk_entered_it() -> None:
    from compiler.ir import topological_order

    # n0 reads n1, n1 reads n2, n2 reads n0 (a cycle entered at n0); n3 reads n2
    assert topological_order([[1], [2], [0], [2]]) == [0, 1, 2, 3]
    # n0 reads n2 and n1; n1 reads n2: n2 first, then n1, then n0
    assert topological_order([[2, 1], [2], []]) == [2, 1, 0]
    # n0 reads itself: a cycle of one, still listed once
    assert topological_order([[0], [0]]) == [0, 1]


def test_aggregate_over_parts_reads_their_counts_and_members(tmp_path: Path) -> None:
    spec = tmp_path / "agg.factory"
    spec.write_text("server node {\n  max_power = 10 kW\n}\nsite s {\n  hall h {\n    rack r x 2 {\n"
                    "      server n: node x 3\n      power_limit = 40 kW\n    }\n"
                    "    let total = sum(rack.server.max_power)\n  }\n}\n", encoding="utf-8")
    _, ir, _ = _bound(spec)
    total = ir.nodes[ir.index["s.h.total"]]
    assert total.op == "expr" and total.unit == "W"
    assert sorted(ir.nodes[i].path for i in total.inputs) == ["s.h.r.count", "s.h.r.n.count", "s.h.r.n.max_power"]


def test_graph_command_exit_codes_and_json(tmp_path: Path) -> None:
    runner = CliRunner()
    example = str(EXAMPLES[0])
    first = runner.invoke(main, ["graph", "--format", "json", example])
    second = runner.invoke(main, ["graph", "--format", "json", example])
    assert first.exit_code == 0 and first.output == second.output          # deterministic
    doc = json.loads(first.output)
    assert doc["counts"]["nodes"] == len(doc["nodes"])
    assert doc["counts"]["edges"] == sum(len(x["inputs"]) for x in doc["nodes"] if not x.get("dynamic"))
    seen: set[str] = set()
    for item in doc["nodes"]:                      # topological: every input listed before the node
        assert set(item["inputs"]) <= seen, item["path"]
        seen.add(item["path"])
    text = runner.invoke(main, ["graph", example])
    assert text.exit_code == 0 and text.output.startswith(f"# {example}: {len(doc['nodes'])} nodes")

    bad = tmp_path / "bad.factory"
    bad.write_text("let a = 1 kW + 1 s\n", encoding="utf-8")
    result = runner.invoke(main, ["graph", str(bad)])
    assert result.exit_code == 1 and "unit-mismatch" in result.output and "bad.factory:1:" in result.output
    assert runner.invoke(main, ["graph", str(tmp_path / "missing.factory")]).exit_code == 2


def test_explain_of_a_5000_link_chain_is_cut_at_its_depth_limit(tmp_path: Path) -> None:
    from compiler.explain import MAX_DEPTH

    spec = tmp_path / "chain.factory"
    spec.write_text("".join(f"let a{i} = a{i + 1} + 1 W\n" for i in range(5000)) + "let a5000 = 1 W\n",
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(spec), "a0", "--depth", "6000", "--format", "json"])
    assert result.exit_code == 0, result.output
    tree, level = json.loads(result.output), 0
    while isinstance(tree.get("inputs"), list):
        tree, level = tree["inputs"][0], level + 1
    assert level == MAX_DEPTH and tree["path"] == f"a{MAX_DEPTH}"
    assert tree["inputs"] == f"1 more (the tree is cut at {MAX_DEPTH} levels)"


def test_binding_stops_when_cancelled() -> None:
    """An editor cancels the evaluation of a text that changed: binding (a few 100 ms on a large spec) too."""
    import threading

    from compiler.ir import Cancelled, bind

    lowering, ir, _ = _bound(EXAMPLES[1])
    assert len(ir.nodes) > 512
    event = threading.Event()
    event.set()
    with pytest.raises(Cancelled):
        bind(lowering, cancel=event)
