"""`factory plan OLD NEW` (alias `diff`): what a change to a spec does to its figures, parts and checks.

Pipeline position: top (beside the CLI); evaluates both specs through the normal pipeline and reads values
only through the results JSON model (`compiler.render.results.results_json`), so an absent value (JSON
null: infeasible workload, non-finite) is "absent", never a number. Imports `compiler`, `dsl`.

What is compared (one scenario, `--scenario`, 1 = the first):

    KPIs     for every site and workload, the figures in KPIS (facility and IT power, PUE, tokens/s, tokens per joule,
             $/Mtok, time to first token and per output token (the latencies a service is held to), capex,
             opex, TCO per year, time to train, ...): old, new, absolute change new - old and relative
             change (new - old) / |old| (none when old is 0 or absent). A figure that counts a part
             without a price as $0 (it depends on a figure an `unpriced` warning names) is marked
             incomplete on that side: its change is not a real one, and a gate on it cannot be checked.
    parts    every placed block by instance path: added, removed, or changed (its definition, its count
             per parent item, or a field/let the spec sets: old -> new). A top-level block that the spec
             places or extends elsewhere (`server hgx_h100 {...}` placed as `server node: hgx_h100`) is a
             definition: listed once, by its name, with role "definition" and its own fields and lets only
             (its parts and figures are those of its placements), so one edit to a definition shows at
             the definition and where it is placed, never again as the definition's own parts.
    checks   asserts and physical-limit checks by name: newly failing (ok before, failing now, or new and
             failing), fixed (failing before, there and ok now), added and removed (a check on one side only;
             a failing one removed is never "fixed": a check that no longer exists is not one that passes).

Policy gates (`--policy FILE`, TOML): one table per KPI, named by the KPI's short name (applies to every
site/workload that has it) or a full dotted path:

    [usd_per_mtok]
    max_increase = "5%"          # relative to the old value
    [pue]
    max = 1.25                   # absolute, SI units (W, USD, s, tok/s, 1)
    [facility_power]
    max_increase = 20e6          # absolute change, SI units
    [tokens_per_s]
    max_decrease = "2%"

A full path may be quoted (`["site.capex"]`) or nested as TOML reads `[site.capex]`: the same gate.
Keys: max, min (bounds on the new value), max_increase, max_decrease (a change: "N%" relative to the old
value, or a number in SI units). `max`/`min` on an absent new value is violated, and so is a change gate
that cannot be measured (a value became absent, or a relative gate on an old value of 0); an unchanged
value passes the change gates. Violations are reported, never skipped. A site or workload the change removes
has nothing for max, min or max_increase to check (not applied); max_decrease on it is violated. The mirror: one
the change adds has nothing for max_decrease to check (not applied); max_increase on it is violated.

Exit codes (also in README and docs/ci.md): 0 no change (a definition that only moved between the spec and a
module it imports is listed, and is no change); 3 changed, within policy; 4 a policy gate is
violated; 1 the new spec has errors (or warnings, with --fail-on warning); 2 usage (bad arguments, an
unreadable file or policy, a git ref that does not exist) or an internal error. 1 and 2 take precedence.
Where both specs are sweeps, scenarios are paired by their swept params' values, never by number
(`scenario_pairs`): `--scenario N` is the new spec's, compared with the old spec's scenario at the same point; a
scenario on one side only is listed as added or removed, never judged as a change.
`--scenario` chooses the figures compared, not the exit code: an assert failing in any scenario is an error of
the spec (the contract's 1), as `factory check` reports it (docs/ci.md), and a policy gate broken in any scenario
is violated (4), naming that scenario.

Also compared: inputs (each param and top-level let of the spec that changed, old -> new in its written
unit, listed first; a swept param whose values changed outside the scenario compared, as its lists of
values) and cost by part (compiler/plan_costs.py: each site's capex and opex rows, whose changes sum to the
KPI changes).

Output formats: text; json (plan_format_version "1", schema docs/plan.schema.json); markdown for a pull
request comment (a hidden marker line naming the spec, `comment_marker`; a headline sentence of the material
changes, `MATERIAL_RELATIVE_CHANGE`; inputs and KPI tables, cost by part, parts and checks folded in
<details>); github (workflow commands: annotations and notices).
"""
from __future__ import annotations

import math
import os
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field, replace
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field

from .plan_costs import render_cost_markdown, render_cost_text

EXIT_NO_CHANGE, EXIT_SPEC_ERRORS, EXIT_USAGE, EXIT_CHANGED, EXIT_POLICY = 0, 1, 2, 3, 4
PLAN_FORMAT_VERSION = "1"
SECONDS_PER_YEAR = 365 * 86400.0

# short name -> label, in the order reports show them
KPIS: dict[str, str] = {
    "facility_power": "facility power",
    "it_power": "IT power",
    "pue": "PUE",
    "accelerators": "accelerators",
    "accelerators_needed": "accelerators needed",      # a workload's count for its deadline or demand
    "tokens_per_s": "tokens/s",
    "served_tokens_per_s": "served tokens/s",       # what a service's demand has it serve (tokens_per_s: capacity)
    "tokens_per_joule": "tokens per joule",           # served tokens over the power at that load (a cap, a chip)
    "usd_per_mtok": "$/Mtok",
    "ttft": "time to first token",
    "tpot": "time per output token",
    "time_to_train": "time to train",
    "capex": "capex",
    "opex": "opex per year",
    "tco_year": "TCO per year",
    "cost_per_accelerator_hour": "$/accelerator-hour",
    "energy_year": "energy per year",
    "water_year": "water per year",
}
_KPI_KINDS = {"site", "inference", "training"}
_POLICY_KEYS = {"max", "min", "max_increase", "max_decrease"}


class Policy(dict):
    """target -> {gate: (mode, limit)}, as `load_policy` reads it, with `places`: (target, gate) -> {file, line,
    col} of the gate's key in the policy file (under a table header or in a one-line inline table)."""

    places: dict[tuple[str, str], dict] = {}
    units: dict[tuple[str, str], tuple[object, str]] = {}    # (target, gate) -> (ParsedUnit, text) of `"150 kW"`


class PlanError(Exception):
    """A usage problem (exit 2): a bad policy file, a git ref or path that cannot be read."""


class NotAtRef(PlanError):
    """The spec (or its folder) does not exist at a ref that does: it is new in the change, planned against nothing."""


# ------------------------------------------------------------------------------------------- snapshot
@dataclass
class Part:
    kind: str
    definition: str
    count: Optional[float]
    fields: dict[str, tuple[object, str, str]]     # name -> (value: SI number, text or None; SI unit; declared unit)
    role: str = "part"                             # "part" (placed) or "definition" (placed or extended elsewhere)


@dataclass
class Snapshot:
    """One evaluated spec, reduced to what a plan compares. `evaluated` is False when it has errors that
    stop evaluation; then it has no values, parts or checks."""

    spec: str
    evaluated: bool
    kpis: dict[str, tuple[str, str, str, Optional[float]]] = field(default_factory=dict)  # path -> (name, unit, display, value)
    parts: dict[str, Part] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)
    diagnostics: list[dict] = field(default_factory=list)
    sink: object = None
    incomplete: set[str] = field(default_factory=set)    # KPI paths that count a part without a price as $0
    flagged: dict[str, str] = field(default_factory=dict)  # KPI path -> why another warning flags it (the report's)
    flag_places: dict[str, dict] = field(default_factory=dict)   # flagged KPI path -> {file, line, col} of its input
    scenario_count: int = 1
    parameters: dict[str, tuple[Optional[float], str]] = field(default_factory=dict)  # swept: (SI value, unit)
    parameter_displays: dict[str, str] = field(default_factory=dict)  # swept: the unit it was written in, or ''
    absent: dict[str, tuple[str, str]] = field(default_factory=dict)   # KPI path -> (why it has no value, origin)
    inputs: dict[str, tuple[str, object, str, str]] = field(default_factory=dict)  # param/let -> (kind, value, SI unit, written unit)
    input_places: dict[str, dict] = field(default_factory=dict)   # param/let -> {file, line, col} of its name
    costs: dict = field(default_factory=dict)     # (site, group, key) -> plan_costs.CostItem
    missing: bool = False                         # --base-ref: the spec does not exist on this side (the old: at
    #                                               the ref, new in the change; the new: deleted by the change)
    places: Optional[object] = None               # --base-ref: text -> text, the extracted tree's paths as PATH@REF
    ref: Optional[str] = None                     # --base-ref: the ref as written (`main`, `HEAD@{1}`), old side only
    sweeps: dict[str, tuple] = field(default_factory=dict)   # swept param -> its value in every scenario (SI)
    sweep_lists: dict[str, tuple] = field(default_factory=dict)   # swept param -> its values as written (SI)
    series: dict[str, tuple] = field(default_factory=dict)   # KPI path -> its value in every scenario (a sweep's)
    scenario: int = 0                             # the scenario its figures are (0-based; 0 for one scenario)
    unpaired: bool = False                        # old side: the new scenario compared is none of its points
    constants: dict[str, tuple] = field(default_factory=dict)   # param/let -> (SI value, SI unit): a point's axes
    defaults: dict[str, float] = field(default_factory=dict)    # assumption name -> the SI value the models read
    imported: dict[str, tuple[str, str]] = field(default_factory=dict)  # a user module's block the spec places or
    #                                    extends -> (kind, its file relative to the spec's folder): `moved_definitions`


def _point_value(snap: Snapshot, name: str, k: int) -> tuple:
    """The value of `name` at scenario `k` of `snap`, as a scenario's coordinate: its swept value there, else its
    one value (a param or let not swept on this side), else absent; with its SI unit, so that `racks = 4` and
    `racks = 4 kW` are different points. Rounded to 12 significant digits (the same literal is the same float); a
    text value is its text (s19-puetruth: float("air") raised ValueError; a spec cannot sweep text today, a
    `type-mismatch` error, but a point's coordinate must not depend on that)."""
    if name in snap.sweeps:
        v, unit = snap.sweeps[name][k], snap.parameters.get(name, (None, ""))[1]
    elif name in snap.constants:
        v, unit = snap.constants[name]
    else:
        return ("absent",)
    if isinstance(v, str):
        return (v, unit)
    return (None if v is None else float(f"{float(v):.12g}"), unit)


def _points(snap: Snapshot, names: list[str]) -> list[tuple]:
    """Each scenario of `snap` as its point: the values of the swept params `names` (either side's) there."""
    return [tuple(_point_value(snap, name, k) for name in names) for k in range(snap.scenario_count)]


def scenario_pairs(old: Snapshot, new: Snapshot) -> tuple[dict[int, int], list[int], list[int]]:
    """Which scenario of the old spec is which of the new one, where both are sweeps: (new index -> old index,
    new scenarios the old spec lacks (added), old scenarios the new spec lacks (removed)). Scenarios are paired by
    their point, the value of every param either side sweeps (by name), never by index: reordering a sweep's params
    or inserting a value into a list renumbers the scenarios without changing any point (s19-plancolo: the plan
    compared and gated scenario 2 of `a = [1, 2]`, `b = [10, 20]` (a = 1, b = 20) against the reordered head's
    scenario 2 (b = 10, a = 2): a changed plan and a violated gate for a change that changes nothing). A point met
    twice (a list that repeats a value) pairs in order. A side of one scenario is the same in each scenario of the
    other (index 0 for every one), and nothing is added or removed."""
    if old.scenario_count <= 1 or new.scenario_count <= 1:
        if new.scenario_count > 1 and old.evaluated:
            return {k: 0 for k in range(new.scenario_count)}, [], []
        return {k: k for k in range(max(new.scenario_count, old.scenario_count))}, [], []
    names = sorted(set(old.sweeps) | set(new.sweeps))
    waiting: dict[tuple, list[int]] = {}
    for j, point in enumerate(_points(old, names)):
        waiting.setdefault(point, []).append(j)
    pairs, added = {}, []
    for k, point in enumerate(_points(new, names)):
        if waiting.get(point):
            pairs[k] = waiting[point].pop(0)
        else:
            added.append(k)
    removed = sorted(j for js in waiting.values() for j in js)
    return pairs, added, removed


def snapshot(paths: list[str], label: str, defines: dict[str, str], root: str | None, scenario: int,
             pair_with: Snapshot | None = None) -> Snapshot:
    """Check and evaluate a spec; read its KPIs, parts and checks through the results JSON model. `pair_with`: the
    new spec's snapshot, where this is the old one: where both are sweeps, the figures read are those of the
    scenario at the same point as the new one's compared scenario (`scenario_pairs`), not of the same index; a
    point the old spec lacks is marked `unpaired` (its figures, read at its first scenario, are not compared)."""
    from . import evaluate_files
    from .graph import Instance
    from .lower import written_unit
    from .plan_costs import cost_items
    from .render.results import results_json

    from .memory_guard import default_limit, guard

    # a sweep whose estimated memory passes half the machine's is refused before evaluation (docs/scale.md)
    results, sink = evaluate_files(paths, defines, root, True,
                                   guard("table", None, default_limit(), paths[0], command="other") if paths else None)
    diagnostics = sink.to_json()
    if results is None:
        return Snapshot(label, False, diagnostics=diagnostics, sink=sink)
    doc = results_json(results, label, diagnostics)
    quantities = doc["quantities"]
    unpaired = False
    if pair_with is not None and pair_with.evaluated and pair_with.scenario_count > 1 < results.scenario_count:
        paired = scenario_pairs(_sweep_snapshot(results, quantities, label), pair_with)[0].get(pair_with.scenario)
        scenario, unpaired = (paired, False) if paired is not None else (0, True)
    elif scenario >= results.scenario_count > 1:
        raise PlanError(f"--scenario {scenario + 1}: {label} has {results.scenario_count} scenario(s)")
    # a spec of one scenario has the same figures in every scenario: compared at any scenario of the other side
    # (a change that adds a sweep is planned at each of its scenarios)
    scenario = scenario if results.scenario_count > 1 else 0

    def value(path: str):
        q = quantities.get(path)
        if q is not None:
            v = q["values"][scenario]
            return None if v is None else float(v)
        other = results.values.get(path)
        if isinstance(other, Instance):          # a reference (`model = Llama3_1_70B`): the part it names
            return other.path
        return other if isinstance(other, str) else None

    snap = _sweep_snapshot(results, quantities, label, scenario)
    snap.diagnostics, snap.sink, snap.unpaired = diagnostics, sink, unpaired
    # the defaults a model read (a block that leaves a field unset reads its assumption: `assumptions.NAME`)
    import numpy as np

    snap.defaults = {path.partition(".")[2]: float(np.asarray(v, dtype=float).reshape(-1)[0])
                     for path, v in results.values.items()
                     if path.startswith("assumptions.") and results.graph.nodes[path].kind == "assumption"
                     and isinstance(v, np.ndarray) and v.dtype.kind in "fiu" and np.asarray(v).size == 1}
    snap.checks = _check_names(doc["checks"], [_check_text(c, sink) for c in results.checks])
    fields_of: dict[str, dict[str, object]] = {}
    for path, node in results.graph.nodes.items():
        if node.instance is not None and node.kind in ("field", "let") and node.instance.path + "." + \
                path.rpartition(".")[2] == path:
            unit = quantities[path]["unit"] if path in quantities else ""
            fields_of.setdefault(node.instance.path, {})[path.rpartition(".")[2]] = (value(path), unit,
                                                                                   node.display or "")

    # the definitions: the top-level blocks some instance or top-level block is based on (placed or extended)
    based: set[int] = set()
    own = {id(inst.block) for inst in results.graph.roots}
    todo = list(results.graph.roots)
    while todo:
        inst = todo.pop()
        if inst.base is not None:
            based.add(id(inst.base))
            module = inst.base.module
            if id(inst.base) not in own and module is not None and not getattr(module, "is_stdlib", False) \
                    and inst.base.span is not None:
                where = os.path.relpath(inst.base.span.file, os.path.dirname(os.path.abspath(paths[0])))
                snap.imported[inst.base.name] = (inst.base.kind, where.replace(os.sep, "/"))
        todo.extend(inst.parts)

    def walk(inst) -> None:
        definition = ".".join(inst.block.base) if inst.block.base else inst.block.name
        count = value(inst.count) if inst.count else 1.0
        if inst.parent is None and id(inst.block) in based:   # listed once, as a definition; its parts are placed
            snap.parts[inst.path] = Part(inst.kind, definition, None, fields_of.get(inst.path, {}), "definition")
            return
        snap.parts[inst.path] = Part(inst.kind, definition, count, fields_of.get(inst.path, {}))
        if inst.kind in _KPI_KINDS:
            for name in KPIS:
                path = f"{inst.path}.{name}"
                if path in quantities:
                    snap.kpis[path] = (name, quantities[path]["unit"], results.graph.nodes[path].display,
                                       value(path))
                    if results.scenario_count > 1:      # the policy gates judge every scenario (apply_policy)
                        snap.series[path] = tuple(None if v is None else float(v)
                                                  for v in quantities[path]["values"])
                    why = quantities[path].get("absent")
                    if why and scenario in why["scenarios"]:
                        snap.absent[path] = (why["reason"], why["origin"])
        for part in inst.parts:
            walk(part)

    for root_inst in results.graph.roots:
        walk(root_inst)
    named, reached = _unpriced_reach(results, sink)
    snap.incomplete = set(snap.kpis) & reached
    snap.flagged = _flagged_kpis(results, sink, set(snap.kpis))
    snap.flag_places = _flag_places(results, sink, snap.flagged)
    for path, node in results.graph.nodes.items():      # the spec's own params and top-level lets
        if node.instance is None and node.kind in ("param", "let") and node.module is not None \
                and not getattr(node.module, "is_stdlib", False):
            written = written_unit(node.expr)      # a temperature point is `temp` (24 degC), as fields show one
            snap.inputs[path] = (node.kind, value(path), quantities[path]["unit"] if path in quantities else "",
                                 written or node.display or "")
            if node.span is not None:
                snap.input_places[path] = {"file": node.span.file, "line": node.span.line, "col": node.span.col}
    _imported_inputs(results, snap, scenario)
    snap.costs = cost_items(results, value, named, reached, _flags(results, sink))
    return snap


def _sweep_snapshot(results, quantities: dict, label: str, scenario: int = 0) -> Snapshot:
    """A snapshot holding only where its scenarios are: the swept params' values (in the scenario `scenario` and in
    every one) and the one value of each param and top-level let of the spec (a point's coordinates)."""
    snap = Snapshot(label, True, scenario_count=results.scenario_count, scenario=scenario)
    for path, node in results.graph.nodes.items():
        q = quantities.get(path)
        if node.instance is None and node.kind in ("param", "let") and q is not None and q["values"] \
                and path not in results.graph.sweep and isinstance(q["values"][0], (int, float)) \
                and all(v == q["values"][0] for v in q["values"]):
            snap.constants[path] = (float(q["values"][0]), q["unit"])
    if results.scenario_count > 1:            # the swept parameters' values in the scenario compared
        from .render.view import ResultsView

        view = ResultsView(results, scenario)
        snap.parameters = {name: (view.value(name), view.unit(name)) for name in results.graph.sweep}
        snap.parameter_displays = {name: view.declared(name) for name in results.graph.sweep}
        snap.sweeps = {name: tuple(quantities[name]["values"]) for name in results.graph.sweep if name in quantities}
        snap.sweep_lists = {name: tuple(float(v) for v in results.graph.sweep_values[name])
                            for name in results.graph.sweep if name in quantities}
    return snap


def _check_text(check, sink) -> str:
    """The condition an assert states, as written (`racks >= 3`: its statement less `assert` and its message),
    whitespace collapsed; its line where the source is not at hand."""
    import re

    span = check.span
    source = getattr(sink, "sources", {}).get(span.file) if span is not None else None
    if source is None:
        return f"line {span.line}" if span is not None else ""
    text = " ".join(source.text[span.start:span.end].split())
    text = re.sub(r"^assert\s+", "", text)
    return re.sub(r',\s*"(?:[^"\\]|\\.)*"\s*$', "", text)


def _check_names(checks: list[dict], texts: list[str]) -> dict[str, bool]:
    """{name: ok} of the results JSON's checks, in their order. Two asserts of one block with the same message
    share a name (`s.h: fits`); then each is named with its condition, `s.h: fits [racks >= 3]` (and by occurrence,
    `(2)`, if that too is the same), so each is compared on its own and an edit pairs them by what they state:
    keyed by name alone, the last one's result stood for all, and a failing assert beside a passing one of the same
    message planned as no change; keyed by occurrence, deleting the first (failing) one read as `fixed`."""
    shared = {c["name"] for c in checks if sum(1 for d in checks if d["name"] == c["name"]) > 1}
    out: dict[str, bool] = {}
    for c, text in zip(checks, texts):
        name = f"{c['name']} [{text}]" if c["name"] in shared and text else c["name"]
        key, k = name, 1
        while key in out:
            k += 1
            key = f"{name} ({k})"
        out[key] = bool(c["ok"])
    return out


def _imported_inputs(results, snap: "Snapshot", scenario: int) -> None:
    """The top-level params and lets of the user modules the spec imports (not the stdlib's), as inputs named
    `module.name` (`gear.per_rack`): a change to one is an input change, as the spec's own, where it showed
    only as the parts it moves. They are not graph nodes (read in place where used), so each is evaluated here
    with the evaluation's own expression walk, at module scope."""
    import numpy as np

    from dsl import nodes as n

    from .evaluate import EvalError, unit_of_expr
    from .lower import written_unit

    ev = getattr(results.units, "_ev", None)
    if ev is None:
        return
    program = ev.lowering.checked.program
    entries = {id(m) for m in program.entries}
    for module in sorted(program.modules.values(), key=lambda m: m.path):
        if module.is_stdlib or id(module) in entries:
            continue
        stem = os.path.basename(module.name).removesuffix(".factory")
        for stmt in module.statements:
            if not isinstance(stmt, (n.Param, n.Let)):
                continue
            try:
                values = np.asarray(ev.number(stmt.value, None, module), dtype=float).reshape(-1)
                value = float(values[scenario if values.size > 1 else 0])
                value = value if np.isfinite(value) else None
            except EvalError:           # not a number (a text let) or no value: shown as absent
                value = None
            path = f"{stem}.{stmt.name}"
            snap.inputs[path] = ("param" if isinstance(stmt, n.Param) else "let", value,
                                 unit_of_expr(ev, stmt.value), written_unit(stmt.value, ev.lowering.checked.types))
            span = stmt.name_span
            snap.input_places[path] = {"file": span.file, "line": span.line, "col": span.col}


def _flags(results, sink) -> dict[str, str]:
    """{figure: why}: every figure the report marks for a warning other than `unpriced` (that one is
    `incomplete`), with the report's words (`report_format.flagged_codes`): the cost rows that show one."""
    from dsl.diagnostics import Code

    from .render.report_format import flag_reason, flagged_codes

    return {path: flag_reason(codes - {Code.UNPRICED}) for path, codes in flagged_codes(results, sink).items()
            if codes - {Code.UNPRICED}}


def _flagged_kpis(results, sink, kpis: set[str]) -> dict[str, str]:
    """The KPIs the report marks for a warning other than `unpriced` (that one is `incomplete`): a figure computed
    from an input outside its published range, with the report's words (`report_format.flagged_codes`)."""
    from dsl.diagnostics import Code

    from .render.report_format import flag_reason, flagged_codes

    out = {}
    for path, codes in flagged_codes(results, sink).items():
        other = codes - {Code.UNPRICED}
        if path in kpis and other:
            out[path] = flag_reason(other)
    return out


def _flag_places(results, sink, flagged: dict[str, str]) -> dict[str, dict]:
    """Where each flagged KPI's flag comes from: {file, line, col} of the first diagnostic (in report order) other
    than `unpriced` whose figures it is computed from (the input outside its published range), in a spec file."""
    from dsl.check import DEFINE_SOURCE_PREFIX
    from dsl.diagnostics import Code

    from .render.report_format import graph_flags

    places: dict[str, dict] = {}
    for d in sink.sorted():
        if len(places) == len(flagged):
            break
        if d.severity not in ("error", "warning") or d.code == Code.UNPRICED or not d.quantities \
                or d.span is None or d.span.file.startswith(DEFINE_SOURCE_PREFIX):
            continue
        for path in sorted(set(graph_flags(results.graph, [d])) & set(flagged)):
            places.setdefault(path, {"file": d.span.file, "line": d.span.line, "col": d.span.col})
    return places


def _unpriced_reach(results, sink) -> tuple[set[str], set[str]]:
    """The figures an `unpriced` warning names as counting a part without a price as $0
    (`Diagnostic.quantities`), and every figure that reads one of them at any depth (the reads evaluation
    recorded, `Node.deps`), themselves included: the figures that are incomplete (a KPI, a cost row)."""
    from dsl.diagnostics import Code

    from .render.report_format import readers_of, unpriced_reach

    figures = {q for d in sink.items if d.code == Code.UNPRICED for q in d.quantities}
    if not figures:
        return set(), set()
    readers = readers_of(results.graph)
    reached = set().union(*(unpriced_reach(readers, figure) for figure in figures))
    return figures, reached


# ------------------------------------------------------------------------------------------- compare
def _change(old: Optional[float], new: Optional[float]) -> tuple[Optional[float], Optional[float]]:
    """(absolute, relative) change; relative is None when old is 0 or either value is absent."""
    if old is None or new is None:
        return None, None
    delta = new - old
    return delta, (delta / abs(old) if old != 0 else None)


def _detail(what: str, old, new, unit: str = "", old_unit: str = "", display: str = "",
            old_display: str = "") -> dict:
    """One change of a part (PartDetail): what changed, each side's value, SI unit and declared display unit."""
    return {"what": what, "old": old, "new": new, "unit": unit, "old_unit": old_unit, "display_unit": display,
            "old_display_unit": old_display}


def _held_change(a, b, old: Snapshot, new: Snapshot) -> list[dict]:
    """An inference service left without `let operating_fraction` whose scenario changes between server and
    interactive is held to another default share of its limits (`operating_fraction_server` 0.88,
    `operating_fraction_interactive` 0.925): a detail `operating_fraction`, each side's default, so the TPOT that
    moves at the same limit (50 ms: 43.98 -> 46.23 ms) is explained where the scenario's change is listed
    (s26-hunt). None where the let is written on either side (its own detail says so) or the shares are equal."""
    if b.kind != "inference" or "operating_fraction" in a.fields or "operating_fraction" in b.fields:
        return []
    def held(part, snap):
        scenario = part.fields.get("scenario", (None,))[0]
        return snap.defaults.get(f"operating_fraction_{scenario}") if scenario in ("server", "interactive") else None
    fa, fb = held(a, old), held(b, new)
    if fa is None or fb is None or _same(fa, fb):
        return []
    return [{**_detail("operating_fraction", None, None, "1", "1"), "old_default": fa, "new_default": fb}]


def _reads_default(path: str, kind: str, name: str, snap: Snapshot) -> bool:
    """Whether the block at `path`, of `kind`, that leaves its field `name` unset is computed on the models' default
    for it: the kind declares the field, no block it is placed in sets it (a hall inherits its site's
    `supply_temp`), and the side's models read the assumption of that name (`Snapshot.defaults`)."""
    from dsl.schema import kinds

    spec = kinds().get(kind)
    parts = path.split(".")
    above = (snap.parts.get(".".join(parts[:i])) for i in range(1, len(parts)))
    return spec is not None and name in spec.fields and name in snap.defaults \
        and not any(part is not None and name in part.fields for part in above)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)
    return a == b


def _scenario_text(snap: Snapshot, scenario: int) -> str:
    """`scenario 1 of 2 (racks = 4)`: which of a sweep's scenarios the plan compares (`scenario 1 of 1` for a
    spec of one scenario, compared at any scenario of the other side)."""
    from .display import format_quantity

    scenario = scenario if snap.scenario_count > 1 else 0

    def shown(name: str, v: Optional[float], unit: str) -> str:
        return "absent" if v is None else format_quantity(v, unit, snap.parameter_displays.get(name, ""))

    values = ", ".join(f"{name} = {shown(name, v, unit)}" for name, (v, unit) in snap.parameters.items())
    return f"scenario {scenario + 1} of {snap.scenario_count:,}" + (f" ({values})" if values else "")


def _why(snap: Snapshot, path: str) -> Optional[dict]:
    """Why a KPI has no value on that side (Results.absent: the reason and the figure it comes from), or None."""
    if path not in snap.absent:
        return None
    reason, origin = snap.absent[path]
    return {"reason": reason, "origin": origin}


def _gone(snap: Snapshot, path: str, side: str) -> Optional[dict]:
    """A KPI the spec on this side does not have: its site or workload is not in that spec (removed, renamed, or
    added by the change), or is but has no such figure (a site whose last workload went has no tokens/s); absent
    for that reason, not because a model left it without a value. A spec missing on its side (--base-ref: new in the
    change, or deleted by it) has none of them."""
    if (not snap.evaluated and not snap.missing) or path in snap.kpis:
        return None
    owner = path.rpartition(".")[0]
    if owner in snap.parts:              # the site is there, the figure is not (its last workload went)
        return {"reason": f"no such figure in the {side} spec", "origin": path}
    return {"reason": f"not in the {side} spec", "origin": path}


def _absent_notes(kpis: list[dict]) -> list[str]:
    """One line per distinct reason a changed KPI became (or was) absent, naming the block it comes from."""
    seen: list[str] = []
    for k in kpis:
        for side, word in (("new", "after"), ("old", "before")):
            why = k.get(f"{side}_absent")
            if why:
                line = f"absent {word}: `{why['origin'].rpartition('.')[0]}`: {why['reason']}"
                if line not in seen:
                    seen.append(line)
    return seen


def compare(old: Snapshot, new: Snapshot, policy: dict | None = None, scenario: int = 0) -> dict:
    """The plan document (the JSON output; see PlanDocument for its schema). A new spec that could not be
    evaluated has no figures, parts or checks to compare: nothing is listed as removed, absent or fixed (its
    errors say why); an old one that could not be evaluated is compared as empty (every figure and part is new),
    as a new one the change deletes (`missing`) is (every figure and part is removed)."""
    if not new.evaluated and not new.missing:
        old = Snapshot(old.spec, old.evaluated, diagnostics=old.diagnostics, sink=old.sink)
    pairs, added_points, removed_points = scenario_pairs(old, new) if old.evaluated and new.evaluated else ({}, [], [])
    if old.scenario_count > 1 < new.scenario_count and not old.unpaired:
        if new.scenario not in pairs:       # an old snapshot read without `pair_with`: no point to compare with
            old = replace(old, unpaired=True)
        elif pairs[new.scenario] != old.scenario:
            raise ValueError(f"the old snapshot is of scenario {old.scenario + 1}, not of the point of the new "
                             f"one's {new.scenario + 1} (read it with snapshot(..., pair_with=new))")
    kpis = []
    for path in sorted(set(old.kpis) | set(new.kpis), key=lambda p: (p.rpartition(".")[0], list(KPIS).index(
            (old.kpis.get(p) or new.kpis.get(p))[0]))):
        name, unit, display, _ = old.kpis.get(path) or new.kpis[path]
        o = old.kpis[path][3] if path in old.kpis and not old.unpaired else None
        n = new.kpis[path][3] if path in new.kpis else None
        delta, rel = _change(o, n)
        # a figure with no value is absent, not incomplete
        old_incomplete, new_incomplete = path in old.incomplete and o is not None, path in new.incomplete and n is not None
        changed = (path in old.kpis) != (path in new.kpis) or not _same(o, n) or old_incomplete != new_incomplete
        kpis.append({"path": path, "name": name, "label": KPIS[name], "unit": unit, "display_unit": display,
                     "old": o, "new": n,
                     "change": delta, "relative_change": rel, "changed": changed,
                     "old_incomplete": old_incomplete, "new_incomplete": new_incomplete,
                     "old_flagged": old.flagged.get(path) if o is not None else None,
                     "new_flagged": new.flagged.get(path) if n is not None else None,
                     "old_flagged_location": old.flag_places.get(path) if o is not None else None,
                     "new_flagged_location": new.flag_places.get(path) if n is not None else None,
                     "old_absent": _unpaired(old, path) or _why(old, path) or _gone(old, path, "old"),
                     "new_absent": _why(new, path) or _gone(new, path, "new")})
    parts = []
    moved = moved_definitions(old, new)
    for path in sorted(set(old.parts) | set(new.parts)):
        a, b = old.parts.get(path), new.parts.get(path)
        if path in moved:
            p = a or b
            parts.append({"path": path, "kind": p.kind, "change": "changed", "definition": p.definition,
                          "role": p.role, "details": [_detail("defined in", *moved[path])]})
            continue
        if a is None or b is None:
            p = a or b
            parts.append({"path": path, "kind": p.kind, "change": "removed" if b is None else "added",
                          "definition": p.definition, "role": p.role, "details": []})
            continue
        details = []
        if a.role != b.role:
            details.append(_detail("role", a.role, b.role))
        if a.kind != b.kind or a.definition != b.definition:
            details.append(_detail("definition", f"{a.kind} {a.definition}", f"{b.kind} {b.definition}"))
        if not _same(a.count, b.count) and a.role == b.role == "part":
            details.append(_detail("count", a.count, b.count, "1", "1"))
        for name in sorted(set(a.fields) | set(b.fields)):
            (va, ua, da), (vb, ub, db) = a.fields.get(name, (None, "", "")), b.fields.get(name, (None, "", ""))
            if not _same(va, vb) or (va is not None and vb is not None and ua != ub):
                # each side in its own unit: a let rewritten from kW to h changes its dimension too
                details.append(_detail(name, va, vb, ub or ua, ua or ub, db or da, da or db))
                # a field removed (or added) whose model reads a default where it is unset: the default it reads
                for side, there, written in (("new", new, vb), ("old", old, va)):
                    if written is None and _reads_default(path, b.kind, name, there):
                        details[-1][f"{side}_default"] = there.defaults[name]
        details += _held_change(a, b, old, new)
        if details:
            parts.append({"path": path, "kind": b.kind, "change": "changed", "definition": b.definition,
                          "role": b.role, "details": details})
    inputs = []
    for name in sorted(set(old.inputs) | set(new.inputs)):
        (ka, va, ua, wa), (kb, vb, ub, wb) = old.inputs.get(name, ("", None, "", "")), new.inputs.get(name, ("", None, "", ""))
        if name in old.inputs and name in new.inputs and _same(va, vb) and ua == ub:
            continue
        numeric = isinstance(va, float) and isinstance(vb, float) and ua == ub
        delta, rel = _change(va, vb) if numeric else (None, None)
        if "temp" in (wa, wb):      # a temperature point: its change is a difference (K), no ratio of two points
            rel = None
        inputs.append({"name": name, "kind": kb or ka, "old": va, "new": vb, "unit": ub or ua, "old_unit": ua or ub,
                       "display_unit": wb or wa, "old_display_unit": wa or wb,
                       "change": delta, "relative_change": rel,
                       "status": "added" if name not in old.inputs else "removed" if name not in new.inputs
                       else "changed",
                       "location": new.input_places.get(name) or old.input_places.get(name)})
    inputs += _sweep_inputs(old, new, {i["name"] for i in inputs})
    from .plan_costs import compare_costs

    costs = compare_costs({} if old.unpaired else old.costs, new.costs)
    newly_failing = sorted(name for name, ok in new.checks.items() if not ok and old.checks.get(name, True))
    # a check that no longer exists is not a check that passes: a failing assert deleted is removed, not fixed
    fixed = sorted(name for name, ok in old.checks.items() if not ok and new.checks.get(name, False))
    both = old.evaluated and new.evaluated      # an old spec that could not be evaluated has no checks to lose
    added = sorted(set(new.checks) - set(old.checks)) if both else []
    removed = sorted(set(old.checks) - set(new.checks)) if both else []
    # a moved definition's own passing checks went with it: its placements' checks, compared above, still run
    added = [name for name in added if not (new.checks[name] and name.partition(": ")[0] in moved)]
    removed = [name for name in removed if not (old.checks[name] and name.partition(": ")[0] in moved)]
    removed_failing = [name for name in removed if not old.checks[name]]
    # a definition that only moved (`defined in` its one detail) changes no figure, placement or check: listed,
    # as Terraform lists a `moved` address, but no change (exit 0), as a renamed spec file is none
    changed = any(k["changed"] for k in kpis) or any(p["path"] not in moved for p in parts) \
        or bool(newly_failing or fixed or added or removed) or old.evaluated != new.evaluated or bool(inputs) \
        or bool(costs)
    changed = changed or bool(added_points or removed_points)
    doc = {"plan_format_version": PLAN_FORMAT_VERSION, "old": old.spec, "new": new.spec,
           "old_evaluated": old.evaluated, "new_evaluated": new.evaluated, "changed": changed,
           "inputs": inputs, "kpis": kpis, "parts": parts, "costs": costs,
           "checks": {"newly_failing": newly_failing, "fixed": fixed, "added": added, "removed": removed,
                      "removed_failing": removed_failing,
                      "failing": sorted(name for name, ok in new.checks.items() if not ok)},
           "new_diagnostics": new.diagnostics, "policy": [],
           "old_diagnostics": old.diagnostics if not old.evaluated else []}
    if old.ref is not None:
        doc["base_ref"] = old.ref
    if old.missing:
        doc["old_missing"] = True
    if new.missing:
        doc["new_missing"] = True
    if old.scenario_count > 1 or new.scenario_count > 1:
        doc["scenarios"] = {"compared": scenario + 1, **{
            side: {"count": snap.scenario_count, "parameters": {k: v for k, (v, _) in snap.parameters.items()},
                   "text": _scenario_text(snap, snap.scenario)} if snap.evaluated else None
            for side, snap in (("old", old), ("new", new))},
            "added": [_point_text(new, k) for k in added_points],
            "removed": [_point_text(old, j) for j in removed_points]}
        if old.unpaired and doc["scenarios"]["old"]:
            doc["scenarios"]["old"]["parameters"] = {}
            doc["scenarios"]["old"]["text"] = (f"none of its {old.scenario_count:,} scenarios is the one compared "
                                               "(added by the change)")
    if policy:
        # an added scenario has no old figure to measure a change from: its change gates have nothing to check
        # there (old taken as new), its bounds hold (as in `_other_scenarios`)
        judged = [{**k, "old": k["new"], "change": 0.0, "relative_change": 0.0, "changed": False}
                  if old.unpaired and k["path"] in old.kpis and k["path"] in new.kpis else k for k in kpis]
        doc["policy"] = apply_policy(policy, judged, lambda: _other_scenarios(old, new, judged, scenario, pairs))
    return doc


def moved_definitions(old: Snapshot, new: Snapshot) -> dict[str, tuple[str, str]]:
    """The definitions the change moved between the spec and a module it imports (`server hgx_h100 {...}` cut from
    campus.factory into servers.factory and imported from there, or back): name -> (where before, where after),
    `this spec` or `imported from servers.factory`. The spec lists its own definitions (role "definition"), never an
    imported one, whose fields show where it is placed; so a move read as the definition removed and its own checks
    "no longer checked" (exit 3 for a change of no figure), while every placement and its checks stayed the same.
    A moved definition is one changed part, `defined in`; its own passing checks are neither removed nor added (its
    placements' checks, compared as before, run on); a failing one is still listed, as a removed check was failing."""
    def side(snap: Snapshot, name: str) -> Optional[str]:
        part = snap.parts.get(name)
        if part is not None and part.role == "definition":
            return "this spec"
        kind_file = snap.imported.get(name)
        return None if kind_file is None else f"imported from {kind_file[1]}"
    moved = {}
    for name in sorted(set(old.imported) | set(new.imported)):
        before, after = side(old, name), side(new, name)
        kinds = {snap.parts[name].kind if name in snap.parts else snap.imported[name][0] for snap in (old, new)
                 if name in snap.parts or name in snap.imported}
        if before and after and before != after and "this spec" in (before, after) and len(kinds) == 1:
            moved[name] = (before, after)
    return moved


def _unpaired(old: Snapshot, path: str) -> Optional[dict]:
    """Why a KPI of the old spec has no value at the scenario compared: the old spec has no such point."""
    if not old.unpaired or path not in old.kpis:
        return None
    return {"reason": "the old spec has no scenario at this point (added by the change)", "origin": path}


def _point_text(snap: Snapshot, k: int) -> str:
    """`scenario 2 of 3 (racks = 3)`: a scenario of `snap` by its number and its swept params' values."""
    names = ", ".join(f"{name} = {_sweep_value(snap, name, k)}" for name in snap.sweeps)
    return f"scenario {k + 1} of {snap.scenario_count:,}" + (f" ({names})" if names else "")


def _other_scenarios(old: Snapshot, new: Snapshot, kpis: list[dict], scenario: int, pairs: dict[int, int]):
    """Yields (scenario, text, at) for every other scenario of a sweep, `at(kpi)` the KPI as it is there (or None
    where neither side is swept in it), for the policy gates, which judge the spec in every scenario, as its asserts
    do (`--scenario` picks the figures shown, not the scenarios judged). A side of one scenario is the same in each;
    where both sides are sweeps, each new scenario is judged against the old one at the same point (`pairs`, from
    `scenario_pairs`: by the swept params' values, never by index); a scenario the old spec lacks (added) has no
    change to measure (its old value is taken as the new one), but the new spec's bounds hold in it too. The KPI's other fields
    (incomplete, absent at the compared scenario) are kept: a part without a price is unpriced in every scenario.
    Lazy: a gate met everywhere walks the scenarios once, holding one KPI at a time."""
    if not new.evaluated:
        return
    count = max(new.scenario_count, old.scenario_count if old.evaluated else 1)
    swept = new if new.scenario_count > 1 else old         # whose parameters name a scenario
    for k in range(count if count > 1 else 0):
        if k == scenario or (new.scenario_count > 1 and k >= new.scenario_count):
            continue
        if new.scenario_count > 1:
            j = pairs.get(k) if old.scenario_count > 1 else 0
        else:                   # a new spec of one scenario, an old sweep: each old scenario against it
            j = k
        paired = j is not None

        def at(kpi: dict, k: int = k, j: Optional[int] = j, paired: bool = paired) -> Optional[dict]:
            path = kpi["path"]
            if path not in new.series and path not in old.series:
                return None
            n = new.series[path][k] if path in new.series else kpi["new"]
            o = (old.series[path][j] if path in old.series else kpi["old"]) if paired else n
            delta, rel = _change(o, n)
            both = path in old.kpis and path in new.kpis
            return {**kpi, "old": o, "new": n, "change": delta, "relative_change": rel,
                    "changed": not _same(o, n) if both else kpi["changed"]}
        names = ", ".join(f"{name} = {_sweep_value(swept, name, k)}" for name in swept.sweeps)
        side = "" if swept is new else "the old spec's "
        yield k, f"{side}scenario {k + 1} of {count:,}" + (f" ({names})" if names else ""), at


def _sweep_value(snap: Snapshot, name: str, k: int) -> str:
    from .display import format_quantity

    v = snap.sweeps[name][k]
    unit = snap.parameters.get(name, (None, ""))[1]
    if v is None:
        return "absent"
    return format_quantity(float(v), unit, snap.parameter_displays.get(name, "")) if unit else f"{float(v):g}"


def _sweep_inputs(old: Snapshot, new: Snapshot, listed: set[str]) -> list[dict]:
    """A swept param whose values changed outside the scenario compared (`racks = [2, 4]` -> `[2, 5]`, compared at
    racks = 2): an input change, each side its list of values as the spec writes it (`[2, 4]`, or the one value of
    a param no longer swept), so the plan is not "no change" (exit 0) for an edit that changes a scenario."""
    if not (old.evaluated and new.evaluated):
        return []
    out = []
    for name in sorted((set(old.sweep_lists) | set(new.sweep_lists)) - listed):
        if name not in old.inputs or name not in new.inputs:
            continue
        (ka, va, ua, wa), (kb, vb, ub, wb) = old.inputs[name], new.inputs[name]
        # each side's list as the spec writes it (`[0.3, 0.6]`), not its values over the scenario grid, which
        # another param's list reshapes
        sides = [snap.sweep_lists.get(name, (value,)) for snap, value in ((old, va), (new, vb))]
        if ua == ub and len(sides[0]) == len(sides[1]) and all(_same(x, y) for x, y in zip(*sides)):
            continue

        def text(values, unit, written) -> str:
            shown = ", ".join(_fmt(v, unit or "1", written) for v in values)
            return f"[{shown}]" if len(values) > 1 else shown
        out.append({"name": name, "kind": kb or ka, "old": text(sides[0], ua, wa), "new": text(sides[1], ub, wb),
                    "unit": "", "old_unit": "", "display_unit": "", "old_display_unit": "", "change": None,
                    "relative_change": None, "status": "changed",
                    "location": new.input_places.get(name) or old.input_places.get(name)})
    return out


# ------------------------------------------------------------------------------------------- policy
def _toml_error_place(message: str, text: str) -> str:
    """`LINE:COL: not valid TOML: WHAT` of tomllib's message `WHAT (at line L, column C)` (or `(at end of
    document)`: the place after the last character), so a policy's syntax error names its file:line:col as
    every other error of the policy does (s24-hunt: before, `policy.toml: not valid TOML: Expected ']' at the end
    of a table declaration (at line 1, column 7)`, a place no editor or CI log jumps to)."""
    import re

    found = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if found:
        return f"{found.group(1)}:{found.group(2)}: not valid TOML: {message[:found.start()]}"
    what = message.removesuffix(" (at end of document)")
    lines = text.split("\n")
    return f"{len(lines)}:{len(lines[-1]) + 1}: not valid TOML: {what}"


def load_policy(path: str) -> dict:
    """Read and validate a policy TOML file; any problem is a PlanError naming the file and key."""
    import tomllib

    try:
        with open(path, "rb") as fh:
            raw_text = fh.read()
        data = tomllib.loads(raw_text.decode("utf-8"))
    except UnicodeDecodeError as exc:
        line = raw_text.count(b"\n", 0, exc.start) + 1
        col = len(raw_text[raw_text.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", "replace")) + 1
        raise PlanError(f"{path}:{line}:{col}: not valid TOML: not UTF-8 text (byte {exc.start})") from None
    except OSError as exc:
        raise PlanError(f"{path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise PlanError(f"{path}:{_toml_error_place(str(exc), raw_text.decode('utf-8'))}") from None
    policy = Policy()
    again: dict[tuple[str, str], list[dict]] = {}       # a gate key's later places, in the file's order
    policy.places = _policy_places(path, raw_text.decode("utf-8"), again)
    policy.units = {}
    for target, rules in _policy_tables(path, data, places=policy.places):
        short = target.rpartition(".")[2]
        if short not in KPIS:
            raise PlanError(f"{_policy_at(path, policy.places, target)}: `{target}` is not a KPI; KPIs: "
                            f"{', '.join(KPIS)}")
        gates = policy.setdefault(target, {})
        for key, raw in rules.items():
            at = _policy_at(path, policy.places, target, key)
            if key not in _POLICY_KEYS:
                raise PlanError(f"{at}: [{target}] {key}: unknown gate; gates: {', '.join(sorted(_POLICY_KEYS))}")
            if key in gates:                  # `["s.capex"]` and `[s.capex]` both set it: said at the second,
                later = again.get((target, key))  # the one to delete (s23-hunt: before, at the first)
                if later:
                    at = f"{path}:{later[0]['line']}:{later[0]['col']}"
                raise PlanError(f"{at}: [{target}] {key} is given twice"
                                + (f" (first at line {policy.places[(target, key)]['line']})" if later else ""))
            mode, number, unit = _gate_value(at, target, key, raw)
            gates[key] = (mode, number)
            if unit is not None and _in_kpi_unit(short, unit.dim, 1.0) is None:
                display = _kpi_field(short).display
                raise PlanError(f"{at}: [{target}] {key} = {raw!r}: `{str(raw).strip()}` does not measure "
                                f"{short} ({KPIS[short]}, " + (f"in {display}); write the limit in {display} or a "
                                f"unit of its dimension" if display else "a plain number); write the limit as a "
                                "bare number") + (", or as a rate (a per-year amount)" if short.endswith("_year")
                                                  else ""))
            if unit is not None:
                policy.units[(target, key)] = (unit, str(raw).strip())
    return policy


def _policy_places(path: str, text: str, again: dict | None = None) -> dict[tuple[str, str], dict]:
    """(target, gate) -> {file, line, col} of each gate key written under a table header (`[pue]`, `[s.capex]`,
    `["s.capex"]`: the header read as TOML, so the target is the one `_policy_tables` gives) or in an inline table
    on one line (`pue = { max = 1.1 }`, its key read as TOML under the table it is in); the first wins. Every other
    key is placed too (an unknown gate, `pue = 3` outside a table: (table, key)), and each table header at
    (target, None), so that an error in the file names its line (`_policy_at`). `again`: filled with each gate
    key's later places ((target, gate) -> [place, ...]), where a key given twice is said."""
    import re
    import tomllib

    places: dict[tuple[str, str], dict] = {}

    def gate_at(where: tuple[str, str], place: dict) -> None:
        if where in places and again is not None:
            again.setdefault(where, []).append(place)
        places.setdefault(where, place)
    table = ""
    for number, line in enumerate(text.splitlines(), 1):
        header = re.match(r"\s*\[([^\[\]]+)\]\s*(#.*)?$", line)
        if header:
            try:
                parsed = tomllib.loads(f"[{header.group(1)}]\n")
            except tomllib.TOMLDecodeError:
                table = ""
                continue
            keys = []
            while isinstance(parsed, dict) and len(parsed) == 1:
                key, parsed = next(iter(parsed.items()))
                keys.append(key)
            table = ".".join(keys)
            places.setdefault((table, None), {"file": path, "line": number, "col": header.start(1)})
            continue
        inline = re.match(r"\s*([^=\[{]+?)\s*=\s*\{(.*)\}\s*(#.*)?$", line)    # `pue = { max = 1.1 }`
        if inline:
            try:
                parsed = tomllib.loads(f"{inline.group(1)} = 0\n")
            except tomllib.TOMLDecodeError:
                continue
            keys = [table] if table else []
            while isinstance(parsed, dict) and len(parsed) == 1:
                key, parsed = next(iter(parsed.items()))
                keys.append(key)
            places.setdefault((".".join(keys), None), {"file": path, "line": number, "col": inline.start(1) + 1})
            for key in re.finditer(r"([A-Za-z_]+)\s*=", inline.group(2)):
                if key.group(1):
                    gate_at((".".join(keys), key.group(1)),
                            {"file": path, "line": number, "col": inline.start(2) + key.start(1) + 1})
            continue
        gate = re.match(r"(\s*)([A-Za-z_]+)\s*=", line)
        if gate:
            gate_at((table, gate.group(2)), {"file": path, "line": number, "col": len(gate.group(1)) + 1})
    return places


def _policy_at(path: str, places: dict, target: str, key: str | None = None) -> str:
    """`path:line:col` of a gate's key (or of its table's header, or of a key outside a table), else `path`."""
    place = (places.get((target, key)) if key is not None else None) or places.get((target, None)) \
        or places.get(tuple(target.rpartition(".")[::2]))
    return f"{path}:{place['line']}:{place['col']}" if place else path


def _policy_tables(path: str, data: dict, prefix: str = "", places: dict | None = None):
    """(target, gates) for each table of gates. `[site.capex]` is TOML for the table `capex` inside the table
    `site`: the same target as the quoted `["site.capex"]`, so a table of tables is read as the path it spells."""
    for key, value in data.items():
        target = f"{prefix}.{key}" if prefix else key
        if not isinstance(value, dict):
            raise PlanError(f"{_policy_at(path, places or {}, target)}: `{target}` must be a table of gates, e.g. "
                            f"[{target}] max_increase = \"5%\"")
        gates = {k: v for k, v in value.items() if not isinstance(v, dict)}
        inner = {k: v for k, v in value.items() if isinstance(v, dict)}
        if gates or not inner:
            yield target, gates
        yield from _policy_tables(path, inner, target, places)


def _gate_value(path: str, target: str, key: str, raw) -> tuple[str, float, object]:
    """(mode, limit in SI units, ParsedUnit or None) of one gate: a number (SI units), `"N%"` (a change gate's
    relative limit), or a quantity with its unit, `"150 kW"`, `"2e6 USD/yr"` (its dimension is checked against the
    KPI's by `load_policy`, `_in_kpi_unit`)."""
    import re

    from dsl.units import UnitError, parse_unit

    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise PlanError(f"{path}: [{target}] {key}: expected a number (SI units)"
                        + (" or \"N%\"" if key in ("max_increase", "max_decrease") else "")
                        + " or a quantity with its unit, e.g. \"150 kW\"")
    unit = None
    if isinstance(raw, str):
        text = raw.strip()
        if text.endswith("%") and key in ("max_increase", "max_decrease"):
            try:
                number = float(text[:-1])
            except ValueError:
                number = math.nan
            if math.isfinite(number) and number >= 0:
                return "relative", number / 100.0, None
            raise PlanError(f"{path}: [{target}] {key} = {raw!r}: a relative limit is a percent of at least 0, "
                            "e.g. \"5%\"")
        quantity = re.fullmatch(r"([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([^\s\d.+-].*)", text)
        try:
            number = float(text)
        except ValueError:
            if quantity is None:
                raise PlanError(f"{path}: [{target}] {key} = {raw!r}: expected a number (SI units)"
                                + (" or \"N%\"" if key in ("max_increase", "max_decrease") else "")
                                + " or a quantity with its unit, e.g. \"150 kW\"") from None
            try:
                unit = parse_unit(quantity.group(2).strip())
            except UnitError as exc:
                raise PlanError(f"{path}: [{target}] {key} = {raw!r}: {exc.args[0] if exc.args else exc}") from None
            if unit.point:
                raise PlanError(f"{path}: [{target}] {key} = {raw!r}: a temperature point is no KPI's unit")
            number = unit.to_si(float(quantity.group(1)))
    else:
        number = float(raw)
    if not math.isfinite(number):
        raise PlanError(f"{path}: [{target}] {key}: the value must be finite")
    return "absolute", number, unit


def _kpi_field(name: str):
    """The declared kind (`dsl.schema.QuantityKind`: dimension, display unit) of the KPI `name`: the output of that
    name of a site or workload kind (one dimension whichever kind has it; tests/test_design25.py holds them to it)."""
    from dsl.schema import kinds

    return next(spec.fields[name].kind for kind, spec in sorted(kinds().items())
                if kind in _KPI_KINDS and name in spec.fields)


def _in_kpi_unit(name: str, dim, limit: float) -> Optional[float]:
    """The limit of a gate written in a unit of dimension `dim`, in the KPI `name`'s SI unit, or None when the unit
    measures something else. A KPI that is an amount per year held in SI without its year (`energy_year` in J,
    `water_year` in m^3, as the plan prints them, MWh/yr and m^3/yr) takes a rate: `"500 MWh/yr"` is 500 MWh a
    year. `load_policy` refuses a gate whose unit does not measure its KPI (exit 2, at the gate's line)."""
    from dsl.units import dim_mul, parse_unit

    own = _kpi_field(name).dim
    if dim == own:
        return limit
    if name.endswith("_year") and dim_mul(dim, parse_unit("s").dim) == own:
        return limit * SECONDS_PER_YEAR
    return None


def apply_policy(policy: dict, kpis: list[dict], others=lambda: ()) -> list[dict]:
    """One entry per gate and KPI it applies to: {path, gate, limit, ok, message, applied, scenario}. A gate that
    applies to no KPI is reported, never dropped: by a full path (a typo, or a site or workload renamed), it is
    violated, naming the closest KPI; by a short name that no site or workload of either spec has (a shared
    policy), it is listed as not applied. `others`: a callable giving the walk of every other scenario of a sweep
    (`_other_scenarios`); a gate met in the scenario compared but broken in another is violated there, and says
    which (`scenario`: its number, 1-based; None when the scenario compared breaks it or none does)."""
    import difflib

    out = []
    places = getattr(policy, "places", {})
    units = getattr(policy, "units", {})
    paths = sorted(k["path"] for k in kpis)
    for target, rules in sorted(policy.items()):
        matching = [k for k in kpis if k["path"] == target or ("." not in target and k["name"] == target)]
        for kpi in matching:
            for key, (mode, limit) in sorted(rules.items()):
                if (target, key) in units:       # written with its unit (its dimension checked by load_policy)
                    limit = _in_kpi_unit(kpi["name"], units[(target, key)][0].dim, limit)
                entry = {**_gate(kpi, key, mode, limit), "location": places.get((target, key)), "scenario": None}
                for k, text, at in (others() if entry["ok"] and entry["applied"] else ()):
                    there = at(kpi)
                    broken = _gate(there, key, mode, limit) if there is not None else entry
                    if not broken["ok"]:
                        entry.update(ok=False, scenario=k + 1, message=f"in {text}: {broken['message']} (the "
                                                                       f"scenario compared meets it)")
                        break
                if entry["ok"] and entry["applied"] and not entry["message"] and mode == "absolute" \
                        and (target, key) not in units:
                    entry["message"] = _bare_note(kpi, key, limit)
                out.append(entry)
        if matching or not kpis:             # no KPIs at all: the new spec has errors, which say why
            continue
        close = difflib.get_close_matches(target, paths, 1)
        for key, (mode, limit) in sorted(rules.items()):
            shown = f"{limit * 100:g}%" if mode == "relative" else units[(target, key)][1] \
                if (target, key) in units else f"{limit:g}"
            if "." in target:
                out.append({"path": target, "gate": key, "limit": shown, "ok": False, "applied": False,
                            "message": f"`{target}` is not a KPI of either spec, so the gate cannot be checked"
                                       + (f" (did you mean `{close[0]}`?)" if close else ""),
                            "location": places.get((target, key)), "scenario": None})
            else:
                out.append({"path": target, "gate": key, "limit": shown, "ok": True, "applied": False,
                            "message": f"no site or workload of either spec has `{target}`: not applied",
                            "location": places.get((target, key)), "scenario": None})
    return out


def _bare_note(kpi: dict, key: str, limit: float) -> str:
    """What a met gate written as a bare number was read as, where the KPI has a unit: a bare number is in the KPI's
    SI unit (`[tco_year] max = 500000` is 500,000 USD/s, $15.8T/yr; `[ttft] max = 200` is 200 s), so a gate meant in
    the unit the plan prints passes silently unless the reader sees the limit as read ("" for a dimensionless KPI,
    PUE or a count, whose number has no other reading)."""
    if kpi["unit"] in ("", "1"):
        return ""
    shown = kpi["display_unit"] or kpi["unit"]
    value = kpi["new"] if key in ("max", "min") else abs(kpi["change"] or 0.0)     # a change gate: the change
    return (f"read as {key} {_fmt(limit, kpi['unit'], kpi['display_unit'])} against "
            f"{'' if key in ('max', 'min') else 'a change of '}{_fmt(value, kpi['unit'], kpi['display_unit'])}: the bare number {limit:g} is in the KPI's SI "
            f"unit, {kpi['unit']}" + (f"; write `{key} = \"{limit:g} {shown}\"` to mean {shown}"
                                      if shown != kpi["unit"] else "; a limit written with its unit says which"))


def _gate(kpi: dict, key: str, mode: str, limit: float) -> dict:
    new, delta, rel = kpi["new"], kpi["change"], kpi["relative_change"]
    shown_limit = f"{limit * 100:g}%" if mode == "relative" else _fmt(limit, kpi["unit"], kpi["display_unit"])
    entry = {"path": kpi["path"], "gate": key, "limit": shown_limit, "ok": True, "message": "", "applied": True}
    bound = key in ("max", "min")
    gone = kpi.get("new_absent") or {}
    if gone.get("reason") == "not in the new spec" and key != "max_decrease":
        # a removed site or workload: a bound is on the new spec's figures and it has none; nothing of it increases
        entry.update(applied=False, message=f"{kpi['path'].rpartition('.')[0]} is not in the new spec (removed): "
                                            f"`{key} = {shown_limit}` has nothing to check")
        return entry
    came = kpi.get("old_absent") or {}
    if came.get("reason") == "not in the old spec" and not bound:
        # a site or workload the change adds (the mirror of one it removes): nothing of it decreases, and its
        # increase from nothing cannot be measured
        owner = kpi["path"].rpartition(".")[0]
        if key == "max_decrease":
            entry.update(applied=False, message=f"{owner} is not in the old spec (added): `{key} = {shown_limit}` "
                                                f"has nothing to check")
        else:
            entry.update(ok=False, message=f"{owner} is not in the old spec (added): its increase from nothing "
                                           f"cannot be measured against `{key} = {shown_limit}`")
        return entry
    if (kpi.get("new_incomplete") or (not bound and kpi.get("old_incomplete"))) \
            and not (key == "min" and new is not None and new >= limit):
        # an incomplete figure is a lower bound (a part without a price counts as $0): only a `min` it already
        # meets holds for the whole figure; a change between lower bounds says nothing
        entry.update(ok=False, message=f"{kpi['path']} counts a part without a price as $0 (`unpriced`), so "
                                       f"`{key} = {shown_limit}` cannot be checked")
        return entry
    if key in ("max", "min"):
        if new is None:
            entry.update(ok=False, message=f"{kpi['path']} is absent, so `{key} = {shown_limit}` cannot be met")
        elif (key == "max" and new > limit) or (key == "min" and new < limit):
            # a bound judges the new state (as a Sentinel / OPA policy judges a Terraform plan's): broken before
            # the change too, it is still violated, and says so, so a reviewer sees the change did not cause it
            old = kpi["old"]
            before = old is not None and not kpi.get("old_incomplete") and (
                (key == "max" and old > limit) or (key == "min" and old < limit))
            entry.update(ok=False, message=f"{kpi['path']} = {_fmt(new, kpi['unit'], kpi['display_unit'])} is "
                                           f"{'above' if key == 'max' else 'below'} {key} {shown_limit}"
                                           + (f" (the old spec breaks it too: "
                                              f"{_fmt(old, kpi['unit'], kpi['display_unit'])})" if before else ""))
        return entry
    sign = 1.0 if key == "max_increase" else -1.0
    if delta is None or (mode == "relative" and rel is None and delta * sign > 0):
        if kpi["changed"]:
            entry.update(ok=False, message=f"{kpi['path']}: the change cannot be measured against "
                                           f"`{key} = {shown_limit}` (a value is absent, or the old one is 0)")
        return entry
    amount = (rel if mode == "relative" else delta) or 0.0
    if amount * sign > limit * (1 + 1e-12):
        what = "increase" if sign > 0 else "decrease"
        entry.update(ok=False, message=f"{kpi['label']} of {kpi['path'].rpartition('.')[0]} would {what} by "
                                       f"{_fmt(abs(delta), kpi['unit'], kpi['display_unit'])} ({_pct(rel)}), over the "
                                       f"{key} of {shown_limit}")
    return entry


# ------------------------------------------------------------------------------------------- git
def spec_at_ref(ref: str, spec: str, workdir: str, root: str | None = None) -> tuple[str, str | None, str, str]:
    """Write the spec's folder (or --root) as it is at git `ref` under `workdir`. Returns (the spec's path
    there, the --root there or None, the extracted tree, the repository's top folder). Only .factory files
    are extracted: the files a spec's imports may read. A spec the change renamed (`git mv`, as git's rename
    detection finds it: `renamed_from`) is its old path at the ref, with that path's folder."""
    spec_abs = os.path.realpath(os.path.abspath(spec))
    folder = os.path.realpath(os.path.abspath(root) if root else os.path.dirname(spec_abs))
    try:
        top = subprocess.run(["git", "-C", folder, "rev-parse", "--show-toplevel"], capture_output=True,
                             text=True, check=True, timeout=60).stdout.strip()
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired):
        raise PlanError(f"--base-ref: {folder} is not inside a git repository") from None
    top = os.path.realpath(top)
    rel_folder = os.path.relpath(folder, top)
    rel_spec = os.path.relpath(spec_abs, top)
    if rel_spec.startswith("..") or rel_folder.startswith(".."):
        raise PlanError(f"--base-ref: {spec} is outside the repository {top}")
    at = commit_of(top, ref)          # the commit the ref names (`main...`: the merge base), for git
    listed = subprocess.run(["git", "-C", top, "ls-tree", "-r", "--name-only", f"{at}^{{tree}}", "--",
                             rel_spec.replace(os.sep, "/")], capture_output=True, text=True, timeout=60)
    if listed.returncode == 0 and not listed.stdout.strip():
        source = renamed_from(top, at, rel_spec)
        if source is None or (root and os.path.relpath(os.path.join(top, source), folder).startswith("..")):
            raise NotAtRef(f"--base-ref {ref}: {rel_spec} does not exist at that ref")
        rel_spec = source
        if not root:
            rel_folder = os.path.dirname(source) or "."
    archive = os.path.join(workdir, "base.tar")
    with open(archive, "wb") as out:
        done = subprocess.run(["git", "-C", top, "archive", "--format=tar", f"{at}^{{tree}}", "--", rel_folder],
                              stdout=out, stderr=subprocess.PIPE, timeout=120)
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PlanError(f"--base-ref {ref}: {detail[0] if detail else 'git archive failed'}")
    tree = os.path.join(workdir, "base")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.isfile() and m.name.endswith(".factory")
                   and not os.path.isabs(m.name) and ".." not in m.name.split("/")]
        if hasattr(tarfile, "data_filter"):     # Python 3.11.4+: also refuses odd modes and links
            tar.extractall(tree, members=members, filter="data")
        else:
            tar.extractall(tree, members=members)
    path = os.path.join(tree, rel_spec)
    if not os.path.isfile(path):
        raise PlanError(f"--base-ref {ref}: {rel_spec} does not exist at that ref")
    return path, (os.path.join(tree, rel_folder) if root else None), tree, top


def commit_of(top: str, ref: str) -> str:
    """The commit id `ref` names in the repository at `top`, in any of git's forms for one commit (`main`, `v1.2`,
    a hash, `HEAD~2`, `HEAD^`, `HEAD@{1}`, `main@{upstream}`, `@`, `:/message`; `A...B` and `A...`: their merge base,
    `merge_base`). Raises PlanError with a reason for what names no one commit: a range `A..B` (two dots: which
    side?), `REF:PATH` (a file or folder in a tree: the spec's path is the SPEC argument), a ref that starts with
    `-` (git would read an option), or one git cannot resolve (git's own reason, such as "no upstream configured
    for branch 'main'"). Until session 26 each was "not a commit", and a split of `PATH@REF` at its last `@` named
    `HEAD@{1}`'s spec `PATH@HEAD` "at {1}"."""
    if ref.startswith("-"):
        raise PlanError(f"--base-ref {ref}: a git ref cannot start with '-' (it would be read as an option)")
    if ".." in ref.replace("...", ""):
        left, _, right = ref.partition("..")
        raise PlanError(f"--base-ref {ref}: a range names two commits; name the one to compare with "
                        f"(--base-ref {left or 'HEAD'}), or {left or 'HEAD'}...{right} for the commit where "
                        f"{right or 'HEAD'} left {left or 'HEAD'} (their merge base)")
    if ":" in ref and not ref.startswith(":/"):       # (`:/fix typo`: the youngest commit whose message matches)
        raise PlanError(f"--base-ref {ref}: REF:PATH names a file in a commit, not a commit; give the commit "
                        f"(--base-ref {ref.partition(':')[0] or 'HEAD'}) and the spec's path as SPEC")
    known = subprocess.run(["git", "-C", top, "rev-parse", "--verify", merge_base(top, ref)], capture_output=True,
                           text=True, timeout=60)
    if known.returncode == 0:         # the object it names, peeled to its commit (`:/text` takes no `^{commit}`)
        known = subprocess.run(["git", "-C", top, "rev-parse", "--verify", f"{known.stdout.strip()}^{{commit}}"],
                               capture_output=True, text=True, timeout=60)
    if known.returncode != 0:
        why = [line.removeprefix("fatal: ") for line in known.stderr.splitlines()
               if line.strip() and "Needed a single revision" not in line]
        raise PlanError(f"--base-ref {ref}: not a commit of {top}" + (f" ({why[0]})" if why else ""))
    return known.stdout.strip()


def merge_base(top: str, ref: str) -> str:
    """`ref`, or for `A...B` (git's notation, as `git diff main...HEAD`; `A...` is `A...HEAD`) the commit where the
    branch B left A, their merge base, as a commit id: a branch behind `main` is planned against what it started
    from, so a change `main` made since is not shown as the branch undoing it. Raises PlanError when the two have no
    merge base (or one is no commit)."""
    if "..." not in ref:
        return ref
    left, _, right = ref.partition("...")
    done = subprocess.run(["git", "-C", top, "merge-base", left or "HEAD", right or "HEAD"], capture_output=True,
                          text=True, timeout=60)
    if done.returncode != 0 or not done.stdout.strip():
        raise PlanError(f"--base-ref {ref}: {left or 'HEAD'} and {right or 'HEAD'} have no merge base in {top}")
    return done.stdout.strip()


def renamed_from(top: str, ref: str, rel_spec: str) -> str | None:
    """The path at `ref` (relative to the repository's top folder `top`) of the spec that the work tree holds at
    `rel_spec`, where git's rename detection pairs them (`git diff --find-renames REF`: the file moved, its text at
    least half the same), else None. So `git mv specs/campus.factory specs/hq.factory` plans hq.factory against
    campus.factory as it was, as `git diff` shows it: until session 25 it was "does not exist at REF", its whole
    campus new, and a `max_increase` gate violated (exit 4) for a change of no figure."""
    try:
        done = subprocess.run(["git", "-C", top, "diff", "--no-ext-diff", "--find-renames", "--name-status", "-z",
                               ref, "--"], capture_output=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    fields = done.stdout.decode("utf-8", "surrogateescape").split("\0") if done.returncode == 0 else []
    wanted = rel_spec.replace(os.sep, "/")
    i = 0
    while i < len(fields) - 1:
        status = fields[i]
        if status[:1] in ("R", "C"):               # a rename (or copy) names two paths: the old, then the new
            if status[:1] == "R" and i + 2 < len(fields) and fields[i + 2] == wanted:
                return fields[i + 1]
            i += 3
        else:
            i += 2
    return None


def base_snapshot(ref: str, spec: str, defines: dict[str, str], root: str | None, scenario: int,
                  pair_with: Snapshot | None = None) -> Snapshot:
    """The spec as it is at git `ref` (its folder extracted to a temporary tree), evaluated; a spec that does not
    exist at the ref (new in the change) is an empty snapshot marked `missing`: every figure and part is new."""
    from dsl.diagnostics import Sink

    with tempfile.TemporaryDirectory(prefix="factory-plan-") as workdir:
        try:
            path, base_root, tree, top = spec_at_ref(ref, spec, workdir, root)
        except NotAtRef:
            return Snapshot(f"{spec}@{ref}", False, sink=Sink(), missing=True, ref=ref)
        label = os.path.relpath(os.path.join(top, os.path.relpath(path, tree))) + f"@{ref}" \
            if os.path.relpath(path, tree) != os.path.relpath(os.path.realpath(os.path.abspath(spec)), top) \
            else f"{spec}@{ref}"                  # a renamed spec: its path at the ref, as `_relabel` names its files
        snap = snapshot([path], label, defines, base_root, scenario, pair_with)
        _relabel(snap, tree, top, ref)
        snap.ref = ref
        return snap


def _relabel(snap: Snapshot, tree: str, top: str, ref: str) -> None:
    """Diagnostics (and the places of inputs) of the base point into the temporary tree (a path nobody can open,
    another on every run): show them at the repository's paths as they are at the ref, `specs/campus.factory@main`
    (the plan's name for the base), never at the head's path, whose line may hold other text now."""
    import re

    def name(file: str) -> str:
        return os.path.relpath(os.path.join(top, os.path.relpath(file, tree))) + f"@{ref}"

    def fix(loc):
        if loc and loc.get("file", "").startswith(tree + os.sep):
            loc["file"] = name(loc["file"])
    pattern = re.compile(re.escape(tree + os.sep) + r"[^\s:]+")
    snap.places = lambda text: pattern.sub(lambda m: name(m.group(0)), text)
    for place in [*snap.input_places.values(), *snap.flag_places.values()]:
        fix(place)
    for d in snap.diagnostics:
        fix(d.get("location"))
        for r in d.get("related", []):
            fix(r.get("location"))


def explain_defines(old: Snapshot, new: Snapshot) -> None:
    """A `-D NAME=...` that names no parameter of one side or both: say which side lacks it. `-D` sets both
    sides of a plan and no option sets a parameter on one side only, so the way to plan one side with a value is
    to write it into that spec. Rewrites the `unknown-parameter` diagnostics in place; one that both sides lack is
    said once (the new side's is dropped)."""
    from dsl.check import DEFINE_SOURCE_PREFIX
    from dsl.diagnostics import Code

    def unknown(snap: Snapshot) -> dict[str, object]:
        return {d.span.file.removeprefix(DEFINE_SOURCE_PREFIX): d for d in snap.sink.errors
                if d.code == Code.UNKNOWN_PARAMETER and d.span is not None
                and d.span.file.startswith(DEFINE_SOURCE_PREFIX)}

    def read(snap: Snapshot) -> bool:      # its parameters were checked against the -D names (no other error first)
        return not snap.missing and all(d.span is not None and d.span.file.startswith(DEFINE_SOURCE_PREFIX)
                                        for d in snap.sink.errors)

    lacking = {"old": unknown(old), "new": unknown(new)}
    for side, other, snap, has in (("old", "new", old, new), ("new", "old", new, old)):
        for name, d in lacking[side].items():
            if not read(has):                  # the other side is new in the change, or stopped before its -D
                d.message = f"`-D {name}` names no parameter of the {side} spec ({snap.spec})"
                continue
            if name in lacking[other]:
                if side == "old":
                    d.message = f"`-D {name}` names no parameter of either spec ({old.spec}, {new.spec})"
                else:
                    snap.sink.items.remove(d)
                continue
            source = snap.sink.sources.get(d.span.file)
            value = source.text.removeprefix(f"param {name} = ").strip() if source is not None else "..."
            d.message = (f"`-D {name}` names no parameter of the {side} spec ({snap.spec}); the {other} spec "
                         f"({has.spec}) declares it")
            d.notes.append("-D sets a parameter on both sides of a plan; no option sets a parameter on one side only")
            d.help = f"to plan the {other} spec with this value, write its value into the {other} spec " \
                     f"(`param {name} = {value}`) and drop -D {name}"


# ------------------------------------------------------------------------------------------- exit code
def exit_code(doc: dict, fail_on: str) -> int:
    # a spec the change deletes (`new_missing`) has nothing to evaluate and no diagnostics: a change, gated as one
    if not doc["new_evaluated"] and not doc.get("new_missing"):
        return EXIT_SPEC_ERRORS
    levels = {"error": {"error"}, "warning": {"error", "warning"}, "none": set()}[fail_on]
    if any(d["severity"] in levels for d in doc["new_diagnostics"]):
        return EXIT_SPEC_ERRORS
    if any(not g["ok"] for g in doc["policy"]):
        return EXIT_POLICY
    return EXIT_CHANGED if doc["changed"] else EXIT_NO_CHANGE


# ------------------------------------------------------------------------------------------- render
def _fmt(value, unit: str, display: str = "") -> str:
    """A value in readable units: dollars as $1.2M, costs per time per year (or per hour when the field is
    declared in USD/h), everything else as `factory eval` shows it."""
    from .display import format_quantity

    if value is None:
        return "absent"
    if isinstance(value, str):
        return value
    if unit == "USD":
        return _usd(value)
    if unit == "USD/s":                                   # yr = 365 days, as stdlib/units.txt defines it
        return _usd(value * 3600) + "/h" if display == "USD/h" else _usd(value * SECONDS_PER_YEAR) + "/yr"
    return format_quantity(value, unit, display)


def _fmt_pair(old, new, unit: str, display: str = "") -> tuple[str, str]:
    """Both sides of a change as `_fmt` shows them; when two different numbers would print the same (PUE
    1.0832 and 1.0834 both "1.083"), both are shown in the same unit with as many significant digits as it
    takes to tell them apart (up to 15)."""
    a, b = _fmt(old, unit, display), _fmt(new, unit, display)
    if a != b or not isinstance(old, float) or not isinstance(new, float) or old == new:
        return a, b
    from .display import _declared_factor, display_unit

    ref = old if abs(old) >= abs(new) else new
    offset, name = 0.0, ""
    if unit in ("USD", "USD/s"):
        scale = (3600.0 if display == "USD/h" else SECONDS_PER_YEAR) if unit == "USD/s" else 1.0
        per = ("/h" if display == "USD/h" else "/yr") if unit == "USD/s" else ""
        big = abs(ref) * scale
        factor, suffix = next(((f, x) for f, x in ((1e9, "B"), (1e6, "M"), (1e3, "k")) if big >= f), (1.0, ""))
        scale, prefix, name = scale / factor, "$", suffix + per
    elif unit == "K_point" or (display == "temp" and unit == "K"):
        scale, offset, prefix, name = 1.0, -273.15, "", " degC"
    else:
        declared = _declared_factor(display, unit)
        if declared:
            scale, prefix, name = 1.0 / declared, "", " " + display
        else:
            shown, shown_unit = display_unit(ref, unit, display)
            scale = shown / ref if ref else 1.0
            prefix, name = "", (" " + shown_unit if shown_unit and shown_unit != "1" else "")
    for digits in range(5, 16):
        x, y = (f"{v * scale + offset:.{digits}g}" for v in (old, new))
        if x != y:
            break

    def text(v: str) -> str:
        return ("-" + prefix + v[1:] if v.startswith("-") else prefix + v) + name
    return text(x), text(y)


def _usd(value: float) -> str:
    """Dollars as the report prints them (display.format_money: three significant digits, $0.0261)."""
    from .display import format_money

    return format_money(value)


def _pct(rel: Optional[float]) -> str:
    if rel is None:
        return "n/a"
    return f"{rel * 100:+.1f}%" if abs(rel) >= 0.0005 or rel == 0 else f"{rel * 100:+.2g}%"


def _signed(delta: Optional[float], unit: str, display: str = "") -> str:
    """A change in the unit of its quantity; a quantity written in % changes by percentage points (40 % -> 45 % is
    `+5 pp`, not `+5 %`, which would read as the relative change printed beside it)."""
    if delta is None:
        return "n/a"
    if delta == 0:
        return "0"
    text = _fmt(abs(delta), unit, display)
    if display == "%" and text.endswith(" %"):
        text = text[:-2] + " pp"
    return ("+" if delta > 0 else "-") + text


def _detail_value(d: dict, key: str) -> str:
    """One side of a part's change, in its own unit and read as the spec declares it (as `factory eval`
    shows it)."""
    unit = d.get("old_unit", d["unit"]) if key == "old" else d["unit"]
    display = d.get("old_display_unit", "") if key == "old" else d.get("display_unit", "")
    return _fmt(d[key], unit or "1", display)


def _detail_pair(d: dict) -> tuple[str, str]:
    """Both sides of a part's change (or an input's), told apart when they would print the same. A side left
    unset whose model reads its default (`new_default`, `old_default`) shows that default, `0.0815 USD/kWh (not
    set: the default)`, never "absent": the figures were computed on it (session 25)."""
    d = {**d, **{key: d[f"{key}_default"] for key in ("old", "new") if d[key] is None
                 and d.get(f"{key}_default") is not None}}
    if d.get("old_unit", d["unit"]) == d["unit"] and d.get("old_display_unit", "") == d.get("display_unit", ""):
        pair = _fmt_pair(d["old"], d["new"], d["unit"] or "1", d.get("display_unit", ""))
    else:
        pair = _detail_value(d, "old"), _detail_value(d, "new")
    return tuple(text + (" (not set: the default)" if d.get(f"{key}_default") is not None else "")
                 for key, text in zip(("old", "new"), pair))


def _input_change(i: dict) -> tuple[str, Optional[str]]:
    """An input's change and relative change (`+0.03 USD/kWh`, `+25.0%`); a temperature point's is a difference in
    K and no relative change (`+3 K`, None: 24 degC -> 27 degC is no +1.0% of 297.15 K)."""
    if i["display_unit"] == "temp" or i.get("old_display_unit") == "temp":
        return _signed(i["change"], i["unit"] or "1"), None
    display = "%" if "%" in (i["display_unit"], i.get("old_display_unit")) else i["display_unit"]   # in pp
    return _signed(i["change"], i["unit"] or "1", display), _pct(i["relative_change"])


def _input_lines(doc: dict) -> list[str]:
    """`param energy_price: 0.12 USD/kWh -> 0.15 USD/kWh (+0.03 USD/kWh, +25.0%)`: each changed param and
    top-level let, in the unit it is written in."""
    out = []
    for i in doc.get("inputs", []):
        old, new = _detail_pair(i)
        change = ""
        if i["change"] is not None:
            change = " ({})".format(", ".join(x for x in _input_change(i) if x is not None))
        elif i["status"] != "changed":
            change = f" ({i['status']})"
        out.append(f"{i['kind']} {i['name']}: {old} -> {new}{change}")
    return out


MATERIAL_RELATIVE_CHANGE = 1e-3
"""The relative change (0.1 %) below which the headline leaves a figure to the KPI table while another of its
figures moves more. Its models' published errors are percents (docs/accuracy.md: validate's medians 0.8-9.4 %), so a
move under 0.1 % is nothing a reviewer can act on: a site's unused racks move a service's $/Mtok by -8.1e-05 % through
the no-load losses (tests/test_usd_per_mtok_unused_racks16.py) and led the headline beside TCO +12.5 %. Infracost's
summary sentence says "will not change" only for equal costs, its thresholds being the user's (an absolute percent
change a workflow compares before commenting, infracost/actions examples/thresholds); here the figure stays in the
KPI table, JSON keeps the exact values, the policy gates judge them, and when no headline figure moves by 0.1 % the
headline still says the small move ("changes by less than 0.1%"), never "no change"."""


def _material(k: dict) -> bool:
    """Whether a changed KPI moves by at least MATERIAL_RELATIVE_CHANGE of its old value; a change that cannot be
    measured so (absent on a side, an old value of 0, a part counted as $0) is material."""
    rel = k.get("relative_change")
    return k["change"] is None or rel is None or bool(_unpriced_note(k)) or abs(rel) >= MATERIAL_RELATIVE_CHANGE


def _only_moved(part: dict) -> bool:
    """A definition that only moved between the spec and a file it imports (`moved_definitions`: its one detail
    `defined in`): listed as "changed" in JSON (docs/plan.schema.json) but no change to the plan (exit 0), so the
    text and markdown say "moved" (s26-hunt: a pure move read "No change ..." over "**changed** definition ...",
    under "1 part(s) added, removed or changed")."""
    return part["change"] == "changed" and [d["what"] for d in part["details"]] == ["defined in"]


def _parts_summary(changed: int, moved: int) -> str:
    """The markdown parts section's title: '3 part(s) added, removed or changed', '1 definition(s) only moved', or
    both."""
    said = ([f"{changed} part(s) added, removed or changed"] if changed else []) + \
        ([f"{moved} definition(s) only moved"] if moved else [])
    return "; ".join(said)


def _headline_weight(k: dict) -> tuple[bool, float]:
    """Which of the sites and workloads whose figure of one name changed the headline states: a material change
    (`_material`) before one that is not, then the largest change in the figure's unit (the whole value of a figure
    on one side only: a site added or removed), never the first by name: `annex` moving by 1 % does not lead
    while `headquarters` moves by +25 %."""
    change = k["change"] if k["change"] is not None else (k["new"] or 0.0) - (k["old"] or 0.0)
    return _material(k), abs(change)


def headline(doc: dict) -> str:
    """One sentence, after Infracost's "Monthly cost will increase by $1,402 (+17%)": the changes of TCO, $/Mtok and
    facility power, the material ones (`MATERIAL_RELATIVE_CHANGE`) only when there are some."""
    # the old side is `PATH@REF`, and a ref may hold `@` itself (`HEAD@{1}`, `main@{upstream}`): split at the ref
    ref = doc.get("base_ref") or doc["old"].rpartition("@")[2]
    if doc.get("new_missing"):
        return f"{doc['new']} is deleted by the change (it exists at {ref}): every figure and part below is removed."
    if not doc["new_evaluated"]:
        return "The new spec has errors, so it could not be evaluated."
    if doc.get("old_missing"):
        spec = doc["old"].removesuffix(f"@{ref}")
        return f"{spec} does not exist at {ref}: every figure and part below is new."
    if not doc["old_evaluated"]:
        return "The old spec has errors, so it could not be evaluated: every figure and part below is new."
    if not doc["changed"]:
        moves = [f"`{p['path']}`: {p['details'][0]['old']} -> {p['details'][0]['new']}" for p in doc["parts"]]
        return "No change to the plan's figures, parts or checks" + (
            f"; {len(moves)} definition(s) only moved ({'; '.join(moves)})" if moves else "") + "."
    sentences = []
    leading = [max(ks, key=_headline_weight) for name in ("tco_year", "usd_per_mtok", "facility_power")
               for ks in [[k for k in doc["kpis"] if k["name"] == name and k["changed"]]] if ks]
    small = [k for k in leading if not _material(k)]
    if len(small) == len(leading):      # none material: each is said as the small move it is
        sentences += [f"{k['label']} of {k['path'].rpartition('.')[0]} changes by less than "
                      f"{MATERIAL_RELATIVE_CHANGE:.1%} ({_pct(k['relative_change'])})" for k in small]
        leading = []
    for k in [k for k in leading if k not in small]:     # the small ones are in the KPI table
        owner = k["path"].rpartition(".")[0]
        flag = f" ({_flag_note(k)})" if _flag_note(k) else ""     # a flagged figure keeps its mark here too
        if k["change"] is None or _unpriced_note(k):     # no change to state: absent, or $0 for a part
            note = _unpriced_note(k)
            before, after = _fmt_pair(k["old"], k["new"], k["unit"], k["display_unit"])
            sentences.append(f"{k['label']} of {owner} goes from {before} to {after}" + (f" ({note})" if note else "")
                             + flag)
        else:
            verb = "increase" if k["change"] > 0 else "decrease"
            sentences.append(f"{k['label']} of {owner} will {verb} by {_fmt(abs(k['change']), k['unit'], k['display_unit'])} "
                             f"({_pct(k['relative_change'])})" + flag)
    if not sentences:
        n = sum(1 for k in doc["kpis"] if k["changed"])
        inputs = len(doc.get("inputs", []))
        sentences.append((f"{inputs} input(s), " if inputs else "") + f"{n} KPI(s) and {len(doc['parts'])} part(s) change")
        sides = doc.get("scenarios") or {}
        for key in ("added", "removed"):
            if sides.get(key):
                sentences.append(f"{len(sides[key])} scenario(s) {key}")
        checks = doc["checks"]
        new_failing = _new_failing(checks)
        if checks.get("newly_failing"):
            sentences.append(f"{len(checks['newly_failing'])} check(s) newly failing"
                             + (f" ({len(new_failing)} of them new)" if new_failing else ""))
        if checks.get("fixed"):
            sentences.append(f"{len(checks['fixed'])} check(s) fixed")
        if _added_shown(checks):
            sentences.append(f"{len(_added_shown(checks))} check(s) added")
        if checks.get("removed"):
            failing = len(checks.get("removed_failing", []))
            sentences.append(f"{len(checks['removed'])} check(s) removed" + (f" ({failing} failing before)" if failing else ""))
        sentences = sentences[:1] + ["; ".join(sentences[1:])] if len(sentences) > 1 else sentences
    text = "; ".join(sentences[:3])
    errors = sum(1 for d in doc["new_diagnostics"] if d["severity"] == "error")
    if errors:        # the first words a reviewer reads: these figures are of a spec that fails (exit 1)
        text = f"the new spec has {errors} error(s) (listed with the plan); as evaluated, {text}"
    return text[0].upper() + text[1:] + "."


def _flag_note(k: dict) -> str:
    """The report's mark of a KPI flagged by a warning other than `unpriced`, by side (`⚠ after: computed from an
    input outside its published range`); "" when neither side is."""
    sides = [f"{word}: {k[f'{side}_flagged']}" for side, word in (("old", "before"), ("new", "after"))
             if k.get(f"{side}_flagged")]
    return "⚠ " + "; ".join(sides) if sides else ""


def _unpriced_note(k: dict) -> str:
    """Which side of a KPI counts a part without a price as $0 (`unpriced`), in words; "" when neither."""
    sides = [word for side, word in (("old", "before"), ("new", "after")) if k.get(f"{side}_incomplete")]
    return f"incomplete {' and '.join(sides)}: a part without a price counts as $0" if sides else ""


def _scenario_lines(doc: dict) -> list[str]:
    """Which scenario of a sweep the figures are: one line when both sides say the same, else one each."""
    sides = doc.get("scenarios")
    if not sides:
        return []
    texts = [(side, sides[side]["text"]) for side in ("old", "new") if sides.get(side)]
    hint = " (--scenario N compares another)"
    if len({t for _, t in texts}) == 1:
        return [texts[0][1] + hint]
    return [f"{side}: {text}" + hint for side, text in texts]


def _scenario_changes(doc: dict) -> list[str]:
    """The scenarios of a sweep on one side only (paired by their params' values, `scenario_pairs`): each side's
    list, capped at 10 named."""
    sides = doc.get("scenarios") or {}
    out = []
    for key, words in (("added", "scenarios added (the old spec has no such point)"),
                       ("removed", "scenarios removed (the new spec has no such point)")):
        texts = sides.get(key) or []
        if texts:
            more = f", and {len(texts) - 10:,} more" if len(texts) > 10 else ""
            out.append(f"{words}: " + "; ".join(texts[:10]) + more)
    return out


def _noted(doc: dict) -> list:
    """The met gates that carry a note (a bare number read in the KPI's SI unit: `_bare_note`)."""
    return [g for g in doc["policy"] if g["ok"] and g.get("applied") is not False and g["message"]]


def _new_failing(checks: dict) -> list:
    """The checks both added and newly failing: shown once, among the newly failing, marked "(new)"."""
    return [name for name in checks.get("newly_failing", []) if name in set(checks.get("added", []))]


def _added_shown(checks: dict) -> list:
    """The added checks a reader is shown under "added": those not already listed as newly failing (JSON's
    `added` keeps every check of the new spec only, as its schema says)."""
    failing = set(checks.get("newly_failing", []))
    return [name for name in checks.get("added", []) if name not in failing]


def render_text(doc: dict) -> str:
    lines = [f"plan: {doc['old']} -> {doc['new']}"] + [f"compared: {note}" for note in _scenario_lines(doc)] \
        + _scenario_changes(doc) + [headline(doc), ""]
    if doc.get("inputs"):
        lines += ["inputs:"] + [f"  {line}" for line in _input_lines(doc)] + [""]
    changed = [k for k in doc["kpis"] if k["changed"]]
    if changed:
        lines.append("KPIs:")
        width = max(len(k["path"]) for k in changed)
        for k in changed:
            old, new = _fmt_pair(k["old"], k["new"], k["unit"], k["display_unit"])
            lines.append(f"  {k['path']:<{width}}  {old} -> {new}  "
                         f"({_signed(k['change'], k['unit'], k['display_unit'])}, {_pct(k['relative_change'])})"
                         + (f"  [{_unpriced_note(k)}]" if _unpriced_note(k) else "")
                         + (f"  [{_flag_note(k)}]" if _flag_note(k) else ""))
        lines += [f"  ({note})" for note in _absent_notes(changed)]
        lines.append("")
    lines += render_cost_text(doc.get("costs", []))
    if doc["parts"]:
        lines.append("parts:")
        for p in doc["parts"]:
            mark = {"added": "+", "removed": "-", "changed": "~"}[p["change"]]
            what = f"definition {p['kind']} {p['path']}" if p.get("role") == "definition" else \
                f"{p['kind']} {p['path']} ({p['definition']})"
            lines.append(f"  {mark} {what}" + (" (only moved: no change)" if _only_moved(p) else ""))
            for d in p["details"]:
                lines.append(f"      {d['what']}: {' -> '.join(_detail_pair(d))}")
        lines.append("")
    removed_failing = set(doc["checks"].get("removed_failing", []))
    new_failing = set(_new_failing(doc["checks"]))
    shown = dict(doc["checks"], added=_added_shown(doc["checks"]))
    for title, key in (("newly failing checks", "newly_failing"), ("fixed checks", "fixed"),
                       ("removed checks (no longer checked)", "removed"), ("added checks", "added")):
        if shown.get(key):
            lines.append(f"{title}:")
            lines += [f"  {name}" + (" (was failing)" if key == "removed" and name in removed_failing else "")
                      + (" (new)" if key == "newly_failing" and name in new_failing else "")
                      for name in shown[key]]
            lines.append("")
    if doc["policy"]:
        bad = [g for g in doc["policy"] if not g["ok"]]
        idle = [g for g in doc["policy"] if g.get("applied") is False and g["ok"]]
        counted = len(doc["policy"]) - len(idle)
        lines.append(f"policy: {counted - len(bad)} of {counted} gates met")
        lines += [f"  VIOLATED {g['path']} {g['gate']} {g['limit']}: {g['message']}" for g in bad]
        lines += [f"  NOT APPLIED [{g['path']}] {g['gate']} {g['limit']}: {g['message']}" for g in idle]
        lines += [f"  NOTE {g['path']} {g['gate']}: {g['message']}" for g in _noted(doc)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ")


def _code(text: str) -> str:
    """A Markdown code span outside a table: its text as is (GitHub shows `&lt;` in a code span as those four
    characters, so `<stdlib>` must not be escaped there), a backtick inside taken care of by a longer fence."""
    text = str(text).replace("\n", " ")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _md_diagnostic(d: dict) -> str:
    loc = d.get("location")
    where = f"{loc['file']}:{loc['line']}:{loc['col']}: " if loc else ""
    return f"- {_code(where + d['severity'] + '[' + d['code'] + ']')}: {_md(d['message'])}"


MARKER_PREFIX = "<!-- factory-plan: "


def comment_marker(spec: str) -> str:
    """The hidden first line of the Markdown plan, `<!-- factory-plan: specs/campus.factory -->`: the spec's path
    relative to the repository root (`ci_formats.repository_root`), so the same on every run and another for
    another spec. A workflow finds the bot's comment that starts with it and updates that one (docs/ci.md), rather
    than the bot's last comment, which another workflow may have written. `--` cannot occur inside an HTML
    comment: a path's `--` is written `%2D%2D` (and `%` as `%25`)."""
    from .ci_formats import RepositoryPaths

    path = RepositoryPaths().display(spec).replace("%", "%25").replace("--", "%2D%2D").replace("\n", " ")
    return f"{MARKER_PREFIX}{path} -->"


MARKDOWN_LIMIT = 65000
"""The most characters a Markdown plan has: GitHub refuses a comment (and an issue or pull-request body) over 65,536
characters ("Body is too long (maximum is 65536 characters)", a 422 of the REST API; GitHub's pull-request comment
limit, as Infracost's `--format github-comment` truncates for it), and the workflow's comment step failed, leaving
the pull request without its plan: a campus of 300 halls changed wrote 199,700. Below it by a margin for a workflow
that adds a line."""


def _fit_markdown(text: str, limit: int = MARKDOWN_LIMIT) -> str:
    """`text` cut at a line so that it, the `</details>` of every fold left open and a last line saying what was left
    out fit in `limit` characters. The comment's order puts what a reviewer acts on first (marker, headline, policy,
    diagnostics, newly failing checks, inputs, KPIs), so the cut falls in the cost rows, the parts and the checks
    fixed, added and removed, which `--format json` lists in full."""
    if len(text) <= limit:
        return text
    lines = text.splitlines()

    def note(left: int) -> str:
        return (f"*The comment is cut here to fit GitHub's 65,536 characters: {left:,} more line(s) left out; "
                f"`factory plan --format json` (or `--format text`) lists everything.*")
    room = limit - len(note(len(lines))) - 2          # the note, after a blank line, at its longest
    kept, size, opened = [], 0, 0
    for line in lines:
        now_open = opened + line.count("<details>") - line.count("</details>")
        if size + len(line) + 1 + now_open * len("\n</details>\n") > room:
            break
        kept.append(line)
        size += len(line) + 1
        opened = now_open
    return "\n".join(kept + ["", "</details>"] * opened + ["", note(len(lines) - len(kept))]) + "\n"


def render_markdown(doc: dict) -> str:
    """A pull-request comment: its marker (`comment_marker`), headline, KPI table, details folded; held to
    MARKDOWN_LIMIT characters (`_fit_markdown`). Every path it shows (its title, the headline's, each diagnostic's
    place) is relative to the repository root, as its marker and the annotations are (`ci_formats.RepositoryPaths`):
    a comment that a workflow updates reads the same from any folder or checkout path (until session 25 the title
    and the diagnostics kept the path as given, `$GITHUB_WORKSPACE/specs/campus.factory` (an absolute path) where a workflow
    gave an absolute one, `campus.factory` from `cd specs`)."""
    return _fit_markdown(_render_markdown(_repository_relative(doc), comment_marker(doc["new"])))


def _repository_relative(doc: dict) -> dict:
    """`doc` with its two spec labels and its diagnostics' files relative to the repository root (a base's label
    `PATH@REF` too: the ref is kept as written; a stdlib file, `<stdlib>/...`, as it is); the rest shared."""
    from .ci_formats import RepositoryPaths

    paths = RepositoryPaths()

    def shown(file: str) -> str:          # `<stdlib>/chips.factory` names no file of the checkout: as it is
        return file if file.startswith("<") else paths.display(file)

    def placed(diagnostics: list[dict]) -> list[dict]:
        return [dict(d, location=dict(d["location"], file=shown(d["location"]["file"])))
                if d.get("location") else d for d in diagnostics]
    return dict(doc, old=shown(doc["old"]), new=shown(doc["new"]),
                new_diagnostics=placed(doc["new_diagnostics"]), old_diagnostics=placed(doc.get("old_diagnostics", [])))


def _render_markdown(doc: dict, marker: str) -> str:
    out = [marker, f"### factory plan: {_code(doc['new'])}", ""] + [f"Compared: {_md(n)}" for n in _scenario_lines(doc)] \
        + [_md(n[0].upper() + n[1:]) for n in _scenario_changes(doc)] \
        + ([""] if doc.get("scenarios") else []) + [f"**{_md(headline(doc))}**", ""]
    bad = [g for g in doc["policy"] if not g["ok"]]
    if bad:
        out.append(f":x: **Policy: {len(bad)} gate(s) violated**")
        out += [f"- {_code(g['path'])} {g['gate']} {_md(g['limit'])}: {_md(g['message'])}" for g in bad]
        out.append("")
    idle = [g for g in doc["policy"] if g.get("applied") is False and g["ok"]]
    if not bad and len(doc["policy"]) > len(idle):
        out += [f":white_check_mark: Policy: all {len(doc['policy']) - len(idle)} gates met", ""]
    if idle:
        out += [f"- not applied: {_code(g['path'])} {g['gate']} {_md(g['limit'])}: {_md(g['message'])}"
                for g in idle] + [""]
    if _noted(doc):
        out += [f"- note: {_code(g['path'])} {g['gate']}: {_md(g['message'])}" for g in _noted(doc)] + [""]
    old_errors = [d for d in doc.get("old_diagnostics", []) if d["severity"] == "error"]
    if old_errors:
        out += [f"<details><summary>{len(old_errors)} error(s) in the old spec (why it could not be evaluated)"
                "</summary>", ""]
        out += [_md_diagnostic(d) for d in old_errors[:50]]
        out += ["", "</details>", ""]
    problems = [d for d in doc["new_diagnostics"] if d["severity"] in ("error", "warning")]
    if problems:
        out += [f"<details><summary>{len(problems)} error(s) and warning(s) in the new spec</summary>", ""]
        out += [_md_diagnostic(d) for d in problems[:50]]
        out += ["", "</details>", ""]
    if doc["checks"]["newly_failing"]:
        new_failing = set(_new_failing(doc["checks"]))
        out.append(":warning: **Newly failing checks:** " + ", ".join(
            _code(c) + (" (new)" if c in new_failing else "") for c in doc["checks"]["newly_failing"]))
        out.append("")
    if doc["checks"].get("removed_failing"):      # a failure hidden by deleting its check, not fixed
        out.append(":warning: **Removed checks that were failing:** " + ", ".join(
            _code(c) for c in doc["checks"]["removed_failing"]))
        out.append("")
    if doc.get("inputs"):
        out += ["| input | before | after | change |", "|---|--:|--:|--:|"]
        for i in doc["inputs"]:
            old, new = _detail_pair(i)
            signed, pct = _input_change(i) if i["change"] is not None else ("", None)
            change = (signed + (f" ({pct})" if pct is not None else "")) if i["change"] is not None else \
                (i["status"] if i["status"] != "changed" else "")
            out.append(f"| {i['kind']} `{_md(i['name'])}` | {_md(old)} | {_md(new)} | {_md(change)} |")
        out.append("")
    changed = [k for k in doc["kpis"] if k["changed"]]
    if changed:
        out += ["| KPI | of | before | after | change |", "|---|---|--:|--:|--:|"]
        for k in changed:
            old, new = (_md(text) + (" (incomplete)" if k.get(f"{side}_incomplete") else "")
                        + (f" (⚠ {_md(k[f'{side}_flagged'])})" if k.get(f"{side}_flagged") else "") for side, text in
                        zip(("old", "new"), _fmt_pair(k["old"], k["new"], k["unit"], k["display_unit"])))
            out.append(f"| {_md(k['label'])} | `{_md(k['path'].rpartition('.')[0])}` | {old} "
                       f"| {new} | {_md(_signed(k['change'], k['unit'], k['display_unit']))} "
                       f"({_pct(k['relative_change'])}) |")
        out.append("")
        out += [f"- {_md(note)}" for note in _absent_notes(changed)] + ([""] if _absent_notes(changed) else [])
        if any(_unpriced_note(k) for k in changed):
            out += ["(incomplete): the figure counts a part without a price as $0 (an `unpriced` warning names it), "
                    "so its change is not a real one.", ""]
    out += render_cost_markdown(doc.get("costs", []), _md, _code)
    if doc["parts"]:
        moved = sum(1 for p in doc["parts"] if _only_moved(p))
        out += [f"<details><summary>{_parts_summary(len(doc['parts']) - moved, moved)}</summary>", ""]
        for p in doc["parts"]:
            details = "; ".join(f"{_md(d['what'])}: {' → '.join(_md(t) for t in _detail_pair(d))}"
                                for d in p["details"])
            what = f"definition {p['kind']} {_code(p['path'])}" if p.get("role") == "definition" else \
                f"{p['kind']} {_code(p['path'])} ({_md(p['definition'])})"
            out.append(f"- **{'moved' if _only_moved(p) else p['change']}** {what}" + (f": {details}" if details else ""))
        out += ["", "</details>", ""]
    for key, words in (("fixed", "fixed"), ("removed", "removed (no longer checked)"), ("added", "added")):
        names = _added_shown(doc["checks"]) if key == "added" else doc["checks"].get(key, [])
        if names:
            failing = set(doc["checks"].get("removed_failing", [])) if key == "removed" else set()
            out += [f"<details><summary>{len(names)} check(s) {words}</summary>", ""]
            out += [f"- {_code(c)}" + (" (was failing)" if c in failing else "") for c in names]
            out += ["", "</details>", ""]
    return "\n".join(out).rstrip() + "\n"


def render_github(doc: dict, paths=None) -> str:
    """GitHub Actions workflow commands (annotations on the run and the pull request): the headline, each
    changed input, each site's capex and opex change (the totals of the cost rows as printed) as notices, each
    changed KPI the report marks (a warning other than `unpriced` flags it: `_flag_note`) as a warning, and each
    violated policy gate as an error. The new spec's own diagnostics are annotated at their lines by
    `compiler.ci_formats.github_commands` (the CLI prints them first)."""
    from .ci_formats import RepositoryPaths, escape_data, escape_property
    from .plan_costs import _sections, _total_text

    # an annotation without file= and line= is shown in the run's summary only, never on the pull request's
    # files: what has no line of its own (the headline, a site's cost, a removed input of a base at PATH@REF) is
    # placed at the new spec's first line
    spec_place = {"file": doc["new"], "line": 1, "col": 1}
    paths = paths or RepositoryPaths()        # the repository root found once for every annotation

    def at(where) -> str:            # file=,line=,col= properties (before title=)
        where = where or spec_place
        return f"file={escape_property(paths.display(where['file']))},line={where['line']},col={where['col']},"

    def command(level: str, title: str, message: str, where=None) -> str:
        return f"::{level} {at(where)}title={escape_property(title)}::{escape_data(message)}"

    # --base-ref: the old side's places are PATH@REF, no file (PATH is the new spec's, or its old path if renamed)
    at_ref = doc.get("base_ref") is not None or doc["old"].startswith(doc["new"] + "@") \
        or ("@" in doc["old"] and not os.path.isfile(doc["old"]))
    lines = [command("notice", "factory plan", headline(doc))]
    lines += [command("notice", "factory plan: scenarios", line) for line in _scenario_changes(doc)]
    for i, line in zip(doc.get("inputs", []), _input_lines(doc)):     # at the param's line, where it has one
        where = i.get("location")        # a removed one's is the old spec's: a file, unless it is PATH@REF
        lines.append(command("notice", "factory plan: input", line,
                             None if at_ref and i["status"] == "removed" else where))

    def flag_place(k: dict):    # the input a flagged KPI is computed from: the new spec's, else the old one's (a file)
        return k.get("new_flagged_location") or (None if at_ref else k.get("old_flagged_location"))

    kpi_of = {k["path"]: k for k in doc["kpis"]}
    for site, cost, _, total, left_out in _sections(doc.get("costs", [])):     # a warning where it counts a flagged row
        if left_out[2]:       # at the flagged input of the site's KPI (capex, opex), where it has one
            where = flag_place(kpi_of.get(f"{site}.{cost}", {}))
            lines.append(f"::warning {at(where)}title={escape_property(f'factory plan: {cost} of {site}')}::"
                         + escape_data(_total_text(cost, total, left_out).split(": ", 1)[1]))
        else:
            lines.append(command("notice", f"factory plan: {cost} of {site}",
                                 _total_text(cost, total, left_out).split(": ", 1)[1]))
    for k in doc["kpis"]:        # a changed figure the report marks: a warning, its before -> after and why
        note = _flag_note(k) if k["changed"] else ""
        if note:              # at the input it is computed from
            where = flag_place(k)
            old, new = _fmt_pair(k["old"], k["new"], k["unit"], k["display_unit"])
            lines.append(f"::warning {at(where)}title={escape_property('factory plan: flagged figure')}::"
                         + escape_data(f"{k['path']}: {old} -> {new} ({note})"))
    lines += [command("warning", "factory plan: check removed while failing",     # a failure hidden, not fixed
                      f"{name}: no longer checked (it was failing before)")
              for name in doc["checks"].get("removed_failing", [])]
    lines += [f"::error {at(g.get('location'))}title={escape_property('factory plan: policy')}::"   # at its line
              + escape_data(f"{g['path']} {g['gate']} {g['limit']}: {g['message']}")
              for g in doc["policy"] if not g["ok"]]
    lines += [f"::warning {at(g.get('location'))}title={escape_property('factory plan: policy')}::"   # a bare number
              + escape_data(f"{g['path']} {g['gate']}: {g['message']}") for g in _noted(doc)]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------- schema
class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Absent(_Strict):
    reason: str = Field(description="why the figure has no value, with its numbers")
    origin: str = Field(description="the figure the absence comes from (a workload's output)")


class Kpi(_Strict):
    path: str
    name: str
    label: str
    unit: str = Field(description="SI unit of old, new and change")
    display_unit: str = Field(description="the unit the field is declared in, for display (may be empty)")
    old: Optional[float] = Field(description="null: absent (no such figure, or infeasible / not finite)")
    new: Optional[float]
    change: Optional[float] = Field(description="new - old, SI; null when either is absent")
    relative_change: Optional[float] = Field(description="(new - old) / |old|; null when old is 0 or absent")
    changed: bool
    old_incomplete: bool = Field(False, description="old counts a part without a price as $0 (it reads a figure an "
                                                    "`unpriced` warning names); an added field (older plans lack it)")
    new_incomplete: bool = Field(False, description="new counts a part without a price as $0; an added field "
                                                    "(older plans lack it)")
    old_flagged: Optional[str] = Field(None, description="why the report marks old for a warning other than "
                                       "`unpriced` (`computed from an input outside its published range`), or null; "
                                       "an added field (older plans lack it)")
    new_flagged: Optional[str] = Field(None, description="the same for new; an added field")
    old_flagged_location: Optional[dict[str, str | int]] = Field(None, description="{file, line, col} of the "
                                                                 "diagnostic old_flagged comes from (the input "
                                                                 "outside its range), or null; an added field")
    new_flagged_location: Optional[dict[str, str | int]] = Field(None, description="the same for new_flagged; an "
                                                                 "added field")
    old_absent: Optional[Absent] = Field(None, description="why old has no value (Results.absent), or null; an "
                                                           "added field (older plans lack it)")
    new_absent: Optional[Absent] = Field(None, description="why new has no value, or null; an added field")


class PartDetail(_Strict):
    what: str = Field(description="definition, count, role, or the name of a field or let")
    old: Optional[float | str] = Field(description="SI value, text, or null when absent")
    new: Optional[float | str]
    unit: str = Field(description="SI unit of a numeric new (and old, unless old_unit differs); empty for text")
    old_unit: str = Field("", description="SI unit of a numeric old (differs from unit when the dimension "
                                          "changed); an added field (older plans lack it)")
    display_unit: str = Field("", description="the unit new is declared in, for display; an added field "
                                              "(older plans lack it)")
    old_display_unit: str = Field("", description="the unit old is declared in, for display; an added field "
                                                  "(older plans lack it)")
    new_default: Optional[float] = Field(None, description="added in session 25 (fields are only ever added): "
                                         "present only when new is null because the field is no longer set and the "
                                         "models compute the block on their default for it (an assumption, e.g. "
                                         "electricity_price 0.0815 USD/kWh): that default, SI")
    old_default: Optional[float] = Field(None, description="added in session 25: as new_default, for an old side "
                                         "that did not set the field")


class PartChange(_Strict):
    path: str
    kind: str
    change: Literal["added", "removed", "changed"]
    definition: str
    role: Literal["part", "definition"] = Field("part", description="part: a placed block (path from its root); "
                                                "definition: a top-level block the spec places or extends "
                                                "elsewhere, listed once with its own fields and lets (its parts "
                                                "are listed where it is placed); an added field (older plans "
                                                "lack it)")
    details: list[PartDetail]


class Input(_Strict):
    name: str = Field(description="the param or top-level let")
    kind: Literal["param", "let"]
    status: Literal["added", "removed", "changed"]
    old: Optional[float | str] = Field(description="SI value, text, or null when absent")
    new: Optional[float | str]
    unit: str = Field(description="SI unit of new (and old, unless old_unit differs)")
    old_unit: str
    display_unit: str = Field(description="the unit new is written in (`USD/kWh`), for display; may be empty")
    old_display_unit: str
    change: Optional[float] = Field(description="new - old, SI; null unless both are numbers of one unit")
    relative_change: Optional[float] = Field(description="(new - old) / |old|; null when old is 0 or absent")
    location: Optional[dict[str, str | int]] = Field(None, description="{file, line, col} of its name in the "
                                                     "new spec (the old one's when removed), or null")


class CostRow(_Strict):
    site: str
    group: str = Field(description="the hall (its figures times its count) or the site (what it holds outside "
                                   "its halls) the row belongs to")
    item: str = Field(description="a part's path, or `GROUP:CATEGORY` for what the model computes beyond the "
                                  "listed parts (plant per W, building shell, energy, staff, ...)")
    label: str = Field(description="`chip H100_SXM`, `power plant and gear`, `energy`; a part whose definition "
                                   "changed names both: `chip H100_SXM -> chip H200`")
    category: Literal["it", "network", "power", "cooling", "building", "land", "energy", "maintenance", "staff",
                      "water", "lease"]
    cost: Literal["capex", "opex"]
    unit: Literal["USD", "USD/yr"] = Field(description="capex in USD; opex in USD per year (365 days)")
    old_count: Optional[float] = Field(description="units placed (times every count above); null for a "
                                                   "model row or a part not in the old spec")
    new_count: Optional[float]
    old: Optional[float] = Field(description="null: not in the old spec (counts $0)")
    new: Optional[float]
    change: float = Field(description="new - old, a missing side counting 0; the changes of a site's rows sum "
                                      "to its capex (opex) change")
    old_unpriced: bool = Field(description="the part has no price in the old spec (the model counts it $0)")
    new_unpriced: bool
    old_incomplete: bool = Field(False, description="the old row counts a part without a price as $0 (its figure "
                                 "reads one an `unpriced` warning names: maintenance on a capex, a site's land "
                                 "without `land_price`): a lower bound, its change is not counted in the printed "
                                 "total; an added field (older plans lack it)")
    new_incomplete: bool = False
    old_flagged: Optional[str] = Field(None, description="why the report marks the old row's figure for a warning "
                                       "other than `unpriced` (computed from an input outside its published "
                                       "range); null when it does not; an added field")
    new_flagged: Optional[str] = Field(None, description="the same for the new row; an added field")
    quantity_unit: Optional[Literal["J/yr"]] = Field(None, description="the unit of old_quantity and "
                                                     "new_quantity: energy a year (the energy row); null when the "
                                                     "row has none; an added field (older plans lack it)")
    old_quantity: Optional[float] = Field(None, description="what the row pays for when it is no count: the "
                                          "site's energy_year (J) for its energy row; an added field")
    new_quantity: Optional[float] = None
    old_group_count: Optional[float] = Field(None, description="the hall's count in the old spec (null: the "
                                             "site's own group, or a hall only in the new spec); an added field")
    new_group_count: Optional[float] = None


class Checks(_Strict):
    newly_failing: list[str] = Field(description="failing now, and ok before or new")
    fixed: list[str] = Field(description="failing before, ok now (a check on both sides)")
    failing: list[str]
    added: list[str] = Field(default_factory=list, description="checks of the new spec only (a new failing one is "
                             "also newly_failing); an added field (older plans lack it)")
    removed: list[str] = Field(default_factory=list, description="checks of the old spec only: no longer checked, "
                               "never `fixed`; an added field (older plans lack it)")
    removed_failing: list[str] = Field(default_factory=list, description="the removed checks that were failing "
                                       "before (a failure hidden by deleting its check); an added field")


class Gate(_Strict):
    path: str
    gate: Literal["max", "min", "max_increase", "max_decrease"]
    limit: str
    ok: bool
    message: str = Field(description="why a gate is violated or not applied; on a met gate written as a bare number "
                                     "on a KPI with a unit, what it was read as (a bare number is in the KPI's SI "
                                     "unit), else empty")
    applied: bool = Field(True, description="false: the gate's target is no KPI of either spec (a full path: "
                                            "violated; a short name: not applied); an added field (older plans "
                                            "lack it)")
    location: Optional[dict[str, str | int]] = Field(None, description="{file, line, col} of the gate's key in the "
                                                     "policy file (under a table header or in an inline table), or null; an added field")
    scenario: Optional[int] = Field(None, description="a sweep: the scenario (1-based) that breaks the gate when it "
                                    "is not the one compared (the gates judge every scenario), else null; an added "
                                    "field")


class ScenarioOf(_Strict):
    count: int = Field(description="the spec's scenarios")
    parameters: dict[str, Optional[float]] = Field(description="each swept parameter's value (SI) in the scenario "
                                                               "compared")
    text: str = Field(description="the same, in words: `scenario 1 of 2 (racks = 4)`")


class Scenarios(_Strict):
    compared: int = Field(description="the scenario compared (--scenario, 1 = the first)")
    old: Optional[ScenarioOf] = Field(description="null: the old spec could not be evaluated. Its scenario is the "
                                      "one at the same point (the swept params' values) as the new one's, not of "
                                      "the same number; no parameters when it has none there (added)")
    new: Optional[ScenarioOf]
    added: list[str] = Field(default_factory=list, description="where both specs are sweeps: the new spec's "
                             "scenarios at a point (its swept params' values, by name) the old one lacks, in words; "
                             "scenarios are paired by point, never by number; an added field")
    removed: list[str] = Field(default_factory=list, description="the old spec's scenarios at a point the new one "
                               "lacks, in words; an added field")


class PlanDocument(_Strict):
    """The document `factory plan --format json` prints. Fields are only ever added."""

    plan_format_version: Literal["1"]
    old: str
    new: str
    old_evaluated: bool
    new_evaluated: bool
    changed: bool
    kpis: list[Kpi]
    parts: list[PartChange]
    inputs: list[Input] = Field(default_factory=list, description="each param and top-level let that changed, "
                                "old -> new; an added field (older plans lack it)")
    costs: list[CostRow] = Field(default_factory=list, description="cost by part: the changed rows of each "
                                 "site's capex and opex (compiler/plan_costs.py); an added field (older plans "
                                 "lack it)")
    checks: Checks
    new_diagnostics: list[dict]
    policy: list[Gate]
    scenarios: Optional[Scenarios] = Field(None, description="present when a spec is a sweep of several scenarios: "
                                           "which one the figures are; an added field (older plans lack it)")
    base_ref: Optional[str] = Field(None, description="--base-ref: the git ref as written (`main`, `HEAD@{1}`, "
                                    "`main...`), the part of `old` (`PATH@REF`) after PATH; absent in a plan of two "
                                    "files; an added field (older plans lack it)")
    old_missing: bool = Field(False, description="--base-ref: the spec does not exist at the ref (it is new in "
                              "the change), so it is compared with nothing and every figure and part is new; an "
                              "added field (older plans lack it)")
    new_missing: bool = Field(False, description="--base-ref: the spec does not exist in the work tree but does at "
                              "the ref (the change deletes it), so its version at the ref is compared with nothing "
                              "and every figure and part is removed; exit 3 (4 where a --policy gate is violated); "
                              "an added field (older plans lack it)")
    old_diagnostics: list[dict] = Field(default_factory=list, description="the old spec's diagnostics when it "
                                        "could not be evaluated (why every figure is new); an added field (older "
                                        "plans lack it)")


def plan_schema() -> str:
    from .render.results_schema import schema_text

    return schema_text(PlanDocument, "plan-1")


if __name__ == "__main__":
    print(plan_schema(), end="")
