"""Model ops declare what they read (compiler.models.Read, compiler/models/reads.py; docs/graph.md "Model ops").

* Check: on every example and golden case, each model output that declares reads reads nothing outside what
  its declaration binds to on that spec (a read it does not declare fails, naming the output and the path);
  the reads it makes of fields and outputs have the units the schema declares for them.
* The declared edges make no cycle of model ops on those specs (a declaration too wide would show as one).
* A declaration naming a kind, a field or a reference the schema does not have is an error at registration
  that names the output.
"""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "cases"
SPECS = sorted((REPO / "examples").glob("*.factory")) + sorted((REPO / "examples" / "published").glob("*.factory")) \
    + sorted((CASES / "check").glob("*.factory")) + sorted((CASES / "check").glob("*/**/main.factory")) \
    + sorted((CASES / "diagram").glob("*.factory"))


def _evaluated(path: Path):
    import dsl
    from compiler.evaluate import evaluate
    from compiler.ir import bind
    from compiler.lower import lower

    checked, sink = dsl.check_files([str(path)])
    if checked is None or sink.has_errors():
        return None
    lowering = lower(checked, sink)
    if sink.has_errors():
        return None
    ir = bind(lowering)
    return lowering, ir, evaluate(lowering, sink, ir=ir)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(REPO)))
def test_models_read_only_what_they_declare(path: Path) -> None:
    from compiler.ir import unit_of
    from compiler.models import declared_reads

    found = _evaluated(path)
    if found is None:
        pytest.skip("the spec has errors: nothing is evaluated")
    lowering, ir, results = found
    nodes = lowering.graph.nodes
    undeclared, wrong_units, checked = [], [], 0
    for node in ir.nodes:
        if node.kind != "model" or node.dynamic or node.path not in results.values:
            continue
        graph_node = nodes[node.path]
        own_terms = graph_node.instance.path + ".detail."
        bound = {ir.paths[i] for i in node.inputs}
        for read in graph_node.deps:
            if read.startswith("assumptions.") or read.startswith(own_terms):
                continue                       # created while the model runs: not inputs
            if read not in bound:
                undeclared.append(f"{graph_node.expr.kind}.{graph_node.expr.name} at {node.path} reads {read}")
        units = {r.member: r.unit for r in declared_reads(graph_node.expr) if r.unit is not None}
        for i in node.inputs:
            member = ir.paths[i].rpartition(".")[2]
            if member in units and ir.paths[i] in results.values and nodes[ir.paths[i]].kind in ("field", "model"):
                unit = unit_of(lowering, nodes[ir.paths[i]]) or ""
                if unit not in (units[member], "") and not (unit == "1" and units[member] == ""):
                    wrong_units.append(f"{node.path} reads {ir.paths[i]} in {unit}, declared {units[member]}")
        checked += 1
    assert not undeclared, "undeclared reads (add them to compiler/models/reads.py):\n" + "\n".join(undeclared)
    assert not wrong_units, "\n".join(wrong_units)


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(REPO)))
def test_declared_reads_make_no_cycle_of_model_ops(path: Path) -> None:
    from compiler.ir import topological_order

    found = _evaluated(path)
    if found is None:
        pytest.skip("the spec has errors: nothing is bound")
    lowering, ir, _ = found
    model = [lowering.graph.nodes[path].kind == "model" for path in ir.paths]
    place = {node_id: k for k, node_id in enumerate(ir.order)}
    late = [ir.paths[i] + " <- " + ir.paths[j] for i in range(len(ir.paths)) for j in ir.inputs[i]
            if place[j] >= place[i] and (model[i] or model[j])]       # (a spec's own cycle is its error)
    assert not late, "\n".join(late[:20])
    assert sorted(topological_order(ir.inputs)) == list(range(len(ir.paths)))


@pytest.mark.parametrize("text, why", [
    ("tpd", "chip has no field `tpd`"),
    ("parts:sever.max_power", "no kind `sever`"),
    ("ref:chips.tdp", "chip has no reference field `chips`"),
    ("ref:model.tdp", "chip has no reference field `model`"),
    ("up:no_such_field", "no kind has a field `no_such_field`"),
    ("parts:server", "it must end with a member name"),
    ("sideways:x.tdp", "is not a step"),
])
def test_a_typo_in_a_declaration_names_the_output(text: str, why: str) -> None:
    from compiler.models import parse_read

    with pytest.raises(ValueError) as error:
        parse_read("chip", "power", text)
    assert "chip.power" in str(error.value) and why in str(error.value) and text in str(error.value)


def test_every_output_declares_reads_the_schema_has() -> None:
    """Parsed at first bind in a run; here all of them, so that a typo fails even where no spec places the kind."""
    from compiler.models import _REGISTRY, _load, declared_reads

    _load()
    outputs = [out for by_name in _REGISTRY.values() for out in by_name.values()]
    assert len(outputs) > 300
    assert [f"{o.kind}.{o.name}" for o in outputs if declared_reads(o) is None] == []     # none is dynamic


def test_declared_reads_carry_the_units_of_their_schema_fields() -> None:
    from compiler.models import parse_read

    assert parse_read("chip", "power", "tdp").unit == "W"
    assert parse_read("server", "accelerators", "parts:chip.count").unit == "1"
    assert parse_read("inference", "tp", "ref:model.params").unit == "1"
    assert parse_read("chip", "power", "up:utilization").unit is None       # blocks of any kind
    assert parse_read("chip", "power", "let:serving_efficiency").unit is None


def _steps_reach(kind: str, op: str) -> list[str]:
    """The kinds a `parts:`/`all:` step from a block of `kind` reaches, from the schema's `contains` alone."""
    from dsl.schema import kind as kind_spec

    found, work = [], list(kind_spec(kind).contains)
    while work:
        inner = work.pop()
        if inner not in found:
            found.append(inner)
            if op == "all":
                work += kind_spec(inner).contains
    return sorted(found)


@pytest.mark.parametrize("kind, text, on, op", [
    ("inference", "ref:system.parts:*.let:serving_efficiency", "server", "parts"),   # `system` names a server
    ("inference", "ref:rack.all:*.count", "rack", "all"),
    ("server", "parts:*.count", "server", "parts"),
    ("site", "all:*.count", "site", "all"),
    ("training", "ref:rack.parts:*.count", "rack", "parts"),
])
def test_a_wildcard_read_is_one_read_per_kind_its_step_reaches(kind: str, text: str, on: str, op: str) -> None:
    """`*` for the kind of a step: the read once per kind the schema lets that step reach, sorted by kind."""
    from compiler.models import expand_read, parse_reads

    expanded = expand_read(kind, "power", text)
    assert expanded == tuple(text.replace("*", one) for one in _steps_reach(on, op))
    assert expand_read(kind, "power", text) == expanded                          # the same every time
    assert [r.text for r in parse_reads(kind, "power", (text,))] == sorted(expanded)
    assert expand_read(kind, "power", "ref:model.params") == ("ref:model.params",)   # no `*`: itself


def test_a_server_holds_the_seven_part_kinds_a_system_wildcard_stands_for() -> None:
    """By hand, from dsl/schema.py's server: `ref:system.parts:*` is these seven reads."""
    from compiler.models import expand_read

    assert expand_read("inference", "power", "ref:system.parts:*.count") == tuple(
        f"ref:system.parts:{k}.count" for k in ("chip", "cpu", "dpu", "memory", "nic", "storage", "switch"))


def test_a_declaration_with_a_wildcard_binds_what_its_reads_one_per_kind_bind() -> None:
    """The parsed declaration is the same `Read`s, in the same (sorted) order, written either way."""
    from compiler.models import parse_reads

    kinds = ("chip", "cpu", "dpu", "memory", "nic", "storage", "switch")
    per_kind = sorted([f"ref:system.parts:{k}.let:bf16_sparse" for k in kinds] + ["ref:chip.tdp", "model"])
    with_wildcard = ("model", "ref:chip.tdp", "ref:system.parts:*.let:bf16_sparse",
                     "ref:system.parts:chip.let:bf16_sparse")                  # (a repeat is one read)
    assert parse_reads("inference", "power", with_wildcard) == parse_reads("inference", "power", per_kind)


@pytest.mark.parametrize("text, why", [
    ("ref:system.parts:*.tdpp", "(as `ref:system.parts:chip.tdpp`): chip has no field `tdpp`"),
    ("ref:system.parts:*.bandwidth", "(as `ref:system.parts:chip.bandwidth`): chip has no field `bandwidth`"),
    ("ref:sytem.parts:*.count", "inference has no reference field `sytem`"),
    ("ref:system.prts:*.count", "is not a step"),
    ("ref:model.parts:*.count", "a model holds no parts"),
    ("up:parts:*.count", "`*` needs the kind it is read on"),
    ("ref:system.*.count", "`*` is not a step"),
    ("ref:system.parts:chip.*", "`*` stands for the kind of a `parts:` or `all:` step"),
])
def test_a_typo_in_a_wildcard_declaration_names_the_output_and_the_read(text: str, why: str) -> None:
    from compiler.models import parse_reads

    with pytest.raises(ValueError) as error:
        parse_reads("inference", "power", (text,))
    assert "inference.power" in str(error.value) and why in str(error.value) and f"`{text}`" in str(error.value)
