"""Model ops declare what they read (compiler.models.Read, compiler/models/reads.py; docs/graph.md "Model ops").

* Check: on every example and golden case, each model output that declares reads reads nothing outside what
  its declaration binds to on that spec (a read it does not declare fails, naming the output and the path);
  the reads it makes of fields and outputs have the units the schema declares for them.
* The same two checks on generated specs (drawn law-campaign sites, fuzz specs, every stdlib system, rack and
  chip under each workload and precision): a fixed sample by default, the rest under `-m slow`; and the gaps
  found outside the examples (a chip that `extends` another, a system's nested chip, a workload's own
  `let electricity_price`), each as its own spec.
* The declared edges make no cycle of model ops on those specs (a declaration too wide would show as one).
* A declaration naming a kind, a field or a reference the schema does not have is an error at registration
  that names the output.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler.graph import expand_reads

from sampling import sampled  # tests/ is on the path

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "cases"
SPECS = sorted((REPO / "examples").glob("*.factory")) + sorted((REPO / "examples" / "published").glob("*.factory")) \
    + sorted((CASES / "check").glob("*.factory")) + sorted((CASES / "check").glob("*/**/main.factory")) \
    + sorted((CASES / "diagram").glob("*.factory"))


def _evaluated(path: Path | None = None, text: str | None = None):
    """(lowering, ir, results) of a spec file or a spec held in memory; None where the spec has errors."""
    import dsl
    from compiler.evaluate import evaluate
    from compiler.ir import bind
    from compiler.lower import lower

    checked, sink = dsl.check_files([str(path)]) if text is None else dsl.check_text(text)
    if checked is None or sink.has_errors():
        return None
    lowering = lower(checked, sink)
    if sink.has_errors():
        return None
    ir = bind(lowering)
    return lowering, ir, evaluate(lowering, sink, ir=ir)


def _assert_reads_declared(found) -> None:
    """Each model output reads nothing outside what its declaration binds to, in the units the schema declares."""
    from compiler.ir import unit_of
    from compiler.models import declared_reads

    if found is None:
        pytest.skip("the spec has errors: nothing is evaluated")
    lowering, ir, results = found
    nodes = lowering.graph.nodes
    undeclared, wrong_units = [], []
    for node in ir.nodes:
        if node.kind != "model" or node.dynamic or node.path not in results.values:
            continue
        graph_node = nodes[node.path]
        own_terms = graph_node.instance.path + ".detail."
        bound = {ir.paths[i] for i in node.inputs}
        for read in graph_node.deps:
            if read.startswith("assumptions.") or read.startswith(own_terms):
                continue                       # created while the model runs: not inputs
            if read in lowering.graph.solves:  # a solve's reads held once (`models.solved_through`): each one is
                reached = _declared_closure(ir, node.inputs)   # bound before the figure, through what it declares
                undeclared += [f"{graph_node.expr.kind}.{graph_node.expr.name} at {node.path} reads {r} (through "
                               f"{read})" for r in expand_reads(lowering.graph.solves, [read])
                               if r not in reached and not r.startswith("assumptions.")]
            elif read not in bound:
                undeclared.append(f"{graph_node.expr.kind}.{graph_node.expr.name} at {node.path} reads {read}")
        units = {r.member: r.unit for r in declared_reads(graph_node.expr) if r.unit is not None}
        for i in node.inputs:
            member = ir.paths[i].rpartition(".")[2]
            if member in units and ir.paths[i] in results.values and nodes[ir.paths[i]].kind in ("field", "model"):
                unit = unit_of(lowering, nodes[ir.paths[i]]) or ""
                if unit not in (units[member], "") and not (unit == "1" and units[member] == ""):
                    wrong_units.append(f"{node.path} reads {ir.paths[i]} in {unit}, declared {units[member]}")
    assert not undeclared, "undeclared reads (add them to compiler/models/reads.py):\n" + "\n".join(undeclared)
    assert not wrong_units, "\n".join(wrong_units)


def _declared_closure(ir, inputs) -> set[str]:
    """The paths of `inputs` (ids) and of every input they declare, at any depth (`IR.inputs`)."""
    seen, todo = set(inputs), list(inputs)
    while todo:
        for i in ir.inputs[todo.pop()]:
            if i not in seen:
                seen.add(i)
                todo.append(i)
    return {ir.paths[i] for i in seen}


def _assert_no_cycle_of_model_ops(found) -> None:
    from compiler.ir import topological_order

    if found is None:
        pytest.skip("the spec has errors: nothing is bound")
    lowering, ir, _ = found
    model = [lowering.graph.nodes[path].kind == "model" for path in ir.paths]
    place = {node_id: k for k, node_id in enumerate(ir.order)}
    late = [ir.paths[i] + " <- " + ir.paths[j] for i in range(len(ir.paths)) for j in ir.inputs[i]
            if place[j] >= place[i] and (model[i] or model[j])]       # (a spec's own cycle is its error)
    assert not late, "\n".join(late[:20])
    assert sorted(topological_order(ir.inputs)) == list(range(len(ir.paths)))


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(REPO)))
def test_models_read_only_what_they_declare(path: Path) -> None:
    _assert_reads_declared(_evaluated(path))


@pytest.mark.parametrize("path", SPECS, ids=lambda p: str(p.relative_to(REPO)))
def test_declared_reads_make_no_cycle_of_model_ops(path: Path) -> None:
    _assert_no_cycle_of_model_ops(_evaluated(path))


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


# ----------------------------------------------------------------------------- specs outside the examples
# The examples and golden cases place few of the ways a workload finds its hardware, so the same two checks run on
# generated specs too: tests/test_law_campaign.py's drawn sites (halls, rows, racks of the stdlib's or the spec's
# own, gear, fabrics, services and training runs with their options), tests/fuzz_gen.py's grammar-derived and
# mutated examples, and by hand every stdlib system and rack and every stdlib chip (through a chip of the spec's own
# that `extends` it) under each kind of workload and precision. A fixed sample runs by default, the rest under
# `-m slow` (tests/sampling.py).

_HEADER = "from systems import *\nfrom models import *\nfrom chips import *\n"


def _workload(kind: str, name: str, lines: list[str]) -> str:
    extra = ["tokens = 1 Ttok"] if kind == "training" else []
    return f"  {kind} {name} {{\n" + "".join(f"    {line}\n" for line in ["model = Llama3_1_8B"] + lines + extra) \
        + "  }\n"


def _hardware_specs() -> list:
    from test_law_campaign import PRECISIONS, RACKS, SERVERS
    import re

    out = []
    for kind in ("training", "inference"):
        for precision in PRECISIONS:
            for server in SERVERS:
                out.append((f"{kind}-{precision}-system-{server}", _HEADER + "site s {\n" + _workload(
                    kind, "w", [f"system = {server}", "accelerators = 16", f'precision = "{precision}"']) + "}\n"))
            for rack in RACKS:       # no hall places the rack: the workload prices capex + energy itself
                out.append((f"{kind}-{precision}-rack-{rack}", _HEADER + "site s {\n" + _workload(
                    kind, "w", [f"rack = {rack}", f'precision = "{precision}"',
                                "let electricity_price = 0.1 USD/kWh"]) + "}\n"))
    chips = re.findall(r"^chip (\w+)", (REPO / "stdlib" / "chips.factory").read_text(), re.M)
    for chip in chips:
        for kind in ("training", "inference"):
            for precision in ("bf16", "fp8", "fp4"):
                out.append((f"{kind}-{precision}-extends-{chip}", _HEADER
                            + f"chip g extends {chip} {{\n  let serving_efficiency = 0.5\n}}\n"
                            + "server node {\n  chip gpu: g x 8\n}\nrack myrack {\n  server n: node x 2\n}\n"
                            + "site s {\n  hall h {\n    rack r: myrack x 1\n  }\n"
                            + _workload(kind, "w", ["rack = myrack", f'precision = "{precision}"'])
                            + _workload(kind, "v", ["chip = g", "accelerators = 8", f'precision = "{precision}"'])
                            + "}\n"))
    return out


def _generated_specs() -> list:
    """(id, a function of nothing that returns the spec's text): drawn law-campaign sites, fuzz specs, hardware."""
    import random

    import fuzz_gen
    from test_law_campaign import draw, spec_text

    drawn = [(f"drawn-{seed}", lambda seed=seed: spec_text(draw(seed))) for seed in range(480)]
    grammar = [(f"grammar-{seed}", lambda seed=seed: fuzz_gen.generate(random.Random(seed))) for seed in range(200)]
    mutated = [(f"mutated-{seed}", lambda seed=seed: fuzz_gen.mutate(random.Random(seed))[1].decode("utf-8", "replace"))
               for seed in range(200)]
    hardware = [(ident, lambda text=text: text) for ident, text in _hardware_specs()]
    return drawn + grammar + mutated + hardware


@pytest.mark.parametrize("ident, text_of", sampled([pytest.param(i, t, id=i) for i, t in _generated_specs()], 12))
def test_generated_specs_read_only_what_they_declare_and_make_no_cycle(ident: str, text_of) -> None:
    found = _evaluated(text=text_of())
    _assert_reads_declared(found)
    _assert_no_cycle_of_model_ops(found)


_DERIVED_CHIP = _HEADER + """chip g extends H100_SXM {
  tdp = 600 W
}
server node {
  chip gpu: g x 8
  price = 300000 USD
}
rack myrack {
  server n: node x 4
  power_limit = 60 kW
  price = 10000 USD
}
site s {
  hall h {
    rack r: myrack x 2
  }
""" + _workload("training", "t", ["rack = myrack", 'precision = "bf16"']) + "}\n"
_SYSTEM_PART = _HEADER + "site s {\n  hall h {\n    rack r: DGX_H100_rack x 2\n  }\n" + _workload(
    "training", "t", ["system = DGX_H100", "accelerators = 16", 'precision = "bf16"']) + "}\n"
_WORKLOAD_PRICE = _HEADER + "site s {\n" + "".join(_workload(kind, name, [
    "rack = DGX_H100_rack", 'precision = "fp8"', "let electricity_price = 0.1 USD/kWh"])
    for kind, name in (("training", "t"), ("inference", "w"))) + "}\n"


@pytest.mark.parametrize("text, reads", [
    # a chip that `extends` another, in a rack of the spec's own: the solve reads the rack's chips' idle power
    (_DERIVED_CHIP, ("myrack.n.gpu.idle_power", "myrack.n.gpu.bf16")),
    # a workload on a stdlib system: the solve reads the system's nested chip's BF16 rate
    (_SYSTEM_PART, ("systems.DGX_H100.gpu.bf16",)),
    # a workload's own `let electricity_price`, read where no hall places its hardware (capex + energy); the rack's
    # servers' cooling and chips' serving efficiency, read through `rack =`
    (_WORKLOAD_PRICE, ("s.t.electricity_price", "s.w.electricity_price", "systems.DGX_H100_rack.node.cooling")),
], ids=["derived-chip", "system-part", "workload-electricity-price"])
def test_the_reads_found_outside_the_examples_are_declared(text: str, reads: tuple[str, ...]) -> None:
    """The gaps s11-trust3 found, each as its own spec: the model reads them (so the case still covers the gap)
    and each model output that does is declared to."""
    found = _evaluated(text=text)
    assert found is not None
    lowering, ir, _ = found
    made = {read for node in ir.nodes if node.kind == "model" for read in lowering.graph.nodes[node.path].deps}
    assert set(reads) <= made
    _assert_reads_declared(found)
    _assert_no_cycle_of_model_ops(found)
