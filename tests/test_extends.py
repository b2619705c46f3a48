"""Inheritance (`extends`): a copy of the base with members overridden by name, never a change to the base.

Laws, over every definition of the stdlib's systems and chips:
* `X2 extends X {}` placed in a spec gives exactly the outputs, checks and diagnostics of `X` placed there;
* so does a chain `X3 extends X2 extends X`;
* overriding one part keeps every other part and field of the base;
* the base placed in the same spec is unchanged by a definition that extends it.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import dsl
from compiler import evaluate_text
from dsl import nodes as n
from dsl.schema import kind as kind_spec
from sampling import sampled  # tests/ is on the path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ("systems", "chips")


def _definitions() -> list[tuple[str, str, str]]:
    """(module, kind, name) of every top-level definition of MODULES that can be placed in a site."""
    out = []
    for module in MODULES:
        checked, sink = dsl.check_files([str(ROOT / "stdlib" / f"{module}.factory")])
        assert checked is not None and not sink.has_errors(), module
        for stmt in checked.program.entries[0].statements:
            if isinstance(stmt, n.Block) and _wrap(kind_spec(stmt.kind).name, "X") is not None:
                out.append((module, kind_spec(stmt.kind).name, stmt.name))
    return out


def _wrap(kind: str, name: str) -> str | None:
    """A site that places two of `name` (a `kind` definition) as part `p`, in the smallest container."""
    place = f"{kind} p: {name} x 2"
    for level in ("server", "rack", "hall", "site"):
        if kind in kind_spec(level).contains:
            if level == "server":
                return f"site s {{\n hall h {{\n  rack r {{\n   server v {{\n    {place}\n   }}\n  }}\n }}\n}}\n"
            if level == "rack":
                return f"site s {{\n hall h {{\n  rack r {{\n   {place}\n  }}\n }}\n}}\n"
            if level == "hall":
                return f"site s {{\n hall h {{\n  {place}\n }}\n}}\n"
            return f"site s {{\n {place}\n}}\n"
    return None


def _run(text: str):
    results, sink = evaluate_text(text, "spec.factory")
    assert results is not None, [f"{d.code}: {d.message}" for d in sink.items]
    return results, sink


def _site_view(results, sink) -> dict:
    """Everything the spec's site `s` yields: values and units of its quantities, checks, diagnostics."""
    values = {path: (results.units.get(path), _plain(value)) for path, value in results.values.items()
              if path.startswith("s.")}
    checks = sorted((c.name, c.ok, c.message) for c in results.checks if c.name.startswith("s."))
    diags = sorted((d.severity, d.code, d.message) for d in sink.items)
    return {"values": values, "checks": checks, "diagnostics": diags}


def _plain(value):
    if isinstance(value, np.ndarray):
        return tuple("nan" if isinstance(v, float) and math.isnan(v) else v for v in value.tolist())
    return value


DEFINITIONS = _definitions()


def test_the_stdlib_has_definitions_to_extend():
    kinds = {kind for _, kind, _ in DEFINITIONS}
    assert {"server", "rack", "chip"} <= kinds, kinds


@pytest.mark.parametrize("module,kind,name", sampled(DEFINITIONS, 2), ids=[d[2] for d in DEFINITIONS])
def test_extends_without_override_equals_the_base(module, kind, name):
    base = _run(f"from {module} import {name}\n" + _wrap(kind, name))
    derived = _run(f"from {module} import {name}\n{kind} X2 extends {name} {{}}\n" + _wrap(kind, "X2"))
    chained = _run(f"from {module} import {name}\n{kind} X2 extends {name} {{}}\n{kind} X3 extends X2 {{}}\n"
                   + _wrap(kind, "X3"))
    want = _site_view(*base)
    assert want["values"], "the placed definition yields no outputs"
    assert _site_view(*derived) == want
    assert _site_view(*chained) == want


def test_overriding_one_part_keeps_every_other_part():
    """HGX H100 with H200 GPUs: the CPUs, NICs, memory, drives and the nameplate `max_power` stay.
    Hand calculation: the H200 and the H100 SXM have the same 700 W TDP, so every power figure of the
    server stays that of the stock HGX H100 (8.72 kW peak, not the 7.4 kW of the GPUs and overhead alone)."""
    spec = ("from systems import HGX_H100\nfrom chips import H200\n"
            "server HGX_H200 extends HGX_H100 {\n  chip gpu: H200 x 8\n}\n")
    derived = _site_view(*_run(spec + _wrap("server", "HGX_H200")))["values"]
    base = _site_view(*_run("from systems import HGX_H100\n" + _wrap("server", "HGX_H100")))["values"]
    prefix = "s.h.r.p."
    base_members = {p for p in base if p.startswith(prefix)}
    not_gpu = {p for p in base_members if not p.startswith(prefix + "gpu.")}
    assert not_gpu == {p for p in derived if p.startswith(prefix) and not p.startswith(prefix + "gpu.")}
    for part in ("host", "compute", "storage", "dimm", "data", "boot"):
        assert any(p.startswith(f"{prefix}{part}.") for p in base_members), part
        for path in base_members:
            if path.startswith(f"{prefix}{part}."):
                assert derived[path] == base[path], path
    for field in ("max_power", "peak_power", "power", "psu_efficiency", "idle_power", "height", "weight"):
        assert derived[prefix + field] == base[prefix + field], field
    assert 8.5e3 < derived[prefix + "peak_power"][1][0] < 9e3
    assert derived[prefix + "gpu.memory"] == ("B", (141e9,))      # the H200's HBM3e
    assert base[prefix + "gpu.memory"] == ("B", (80e9,))          # the H100's HBM3
    assert derived[prefix + "accelerators"] == base[prefix + "accelerators"]
    assert derived[prefix + "accelerators"][1] == (8.0,)


def test_the_base_placed_beside_a_derived_definition_is_unchanged():
    alone = _site_view(*_run("from systems import *\n" + _wrap("server", "HGX_H100")))
    both = ("from systems import *\nfrom chips import H200\n"
            "server HGX_H200 extends HGX_H100 {\n  chip gpu: H200 x 8\n}\n"
            "server HGX_H200b extends HGX_H200 {\n  price = 1 USD\n}\n")
    for placed in (_wrap("server", "HGX_H100"),
                   _wrap("server", "HGX_H100").replace("server p:", "server q: HGX_H200b x 1\n    server p:")):
        values = _site_view(*_run(both + placed))["values"]
        for path, value in alone["values"].items():
            if path.startswith("s.h.r.p."):
                assert values[path] == value, path


def test_a_chain_overrides_by_name_at_each_level():
    """C extends B extends A: each level's own value wins over those below it, the rest is inherited."""
    spec = ("chip A {\n  tdp = 100 W\n  memory = 1 GB\n  bf16 = 1 TFLOP/s\n}\n"
            "chip B extends A {\n  tdp = 200 W\n}\n"
            "chip C extends B {\n  memory = 3 GB\n}\n" + _wrap("chip", "C"))
    values = _site_view(*_run(spec))["values"]
    assert values["s.h.r.v.p.tdp"] == ("W", (200.0,))
    assert values["s.h.r.v.p.memory"] == ("B", (3e9,))
    assert values["s.h.r.v.p.bf16"] == ("FLOP/s", (1e12,))


def test_checking_and_evaluating_do_not_change_the_syntax_tree():
    """The tree is immutable after parsing: resolving, checking, lowering and evaluating a spec that extends
    stdlib definitions leaves every node of every module (the shared stdlib ones too) as the parser built it."""
    from compiler.evaluate import evaluate
    from compiler.lower import lower
    from dsl.check import check
    from dsl.diagnostics import Sink
    from dsl.loader import ParseCache, load_text
    from dsl.resolve import resolve

    spec = ("from systems import *\nfrom chips import H200\n"
            "server HGX_H200 extends HGX_H100 {\n  chip gpu: H200 x 8\n}\n" + _wrap("server", "HGX_H200"))
    sink = Sink()
    program = load_text(spec, "spec.factory", sink, cache=ParseCache())
    before = {path: _snapshot(module) for path, module in program.modules.items()}
    for _ in range(2):
        checked = check(program, resolve(program, sink), sink)
        evaluate(lower(checked, sink), sink)
    assert not sink.has_errors(), [d.message for d in sink.items]
    assert {path: _snapshot(module) for path, module in program.modules.items()} == before


def _snapshot(module: n.Module) -> list:
    """Every node's fields (node references by identity), in a walk of the module."""
    out, stack, seen = [], [module], set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        row = [type(node).__name__, id(node)]
        for key, value in vars(node).items():
            items = value if isinstance(value, list) else [value]
            for item in items:
                if hasattr(item, "__dataclass_fields__") and not hasattr(item, "file"):   # a node, not a Span
                    stack.append(item)
                    row.append((key, id(item)))
                else:
                    row.append((key, item))
        out.append(tuple(row))
    return out


def test_a_base_found_only_through_its_own_inheritance_is_a_cycle():
    """`P extends P.X` (or through a block that extends P): the base cannot be known before P's members,
    which need the base. Reported once, at the base, and P stands alone; no hang, no exception."""
    for text, line in (("server P extends P.X {\n  chip X {\n    tdp = 1 W\n  }\n}\n", 1),
                       ("server A extends B.inner {\n}\nserver B extends A {\n  chip inner {\n    tdp = 1 W\n"
                        "  }\n}\n", 1)):
        checked, sink = dsl.check_text(text, "spec.factory")
        cycles = [(d.code, d.span.line) for d in sink.items if d.code == "inheritance-cycle"]
        assert cycles == [("inheritance-cycle", line)]
        assert checked is not None


def test_bases_that_need_other_bases_first_bind_in_any_order_without_deep_recursion():
    """`s_k extends s_(k-1).inner`: finding each base reads the members of the block before, so its base
    first. Written last-first, 1,500 links (beyond Python's default recursion limit of 1,000, which a
    program calling dsl.check_text has) bind one by one; each derived `inner` gets the base's field."""
    count = 1500
    blocks = ["rack s0 {\n  rack inner {\n    power_limit = 7 kW\n  }\n}\n"]
    blocks += [f"rack s{k} extends s{k - 1}.inner {{\n  rack inner extends s{k - 1}.inner {{}}\n}}\n"
               for k in range(1, count)]
    for text in ("".join(blocks), "".join(reversed(blocks))):
        checked, sink = dsl.check_text(text, "spec.factory")
        assert {d.code for d in sink.items} <= {"misplaced-block"}
        last = next(s for s in checked.program.entries[0].statements if s.name == f"s{count - 1}")
        inner = checked.scopes.members(last).values["inner"]
        assert checked.scopes.members(inner).values["power_limit"].value.value == 7
