"""Report formatting: figures in the report's style ($2.54M, $533k / yr, 41.3 days, 92.17 kW), labels,
anchors, and the results view the report reads (`_View`, a `compiler.render.view.ResultsView`).

Pipeline position: render; imports `compiler.display` and `compiler.render.view`; no model.
"""
from __future__ import annotations

import math
import re

from dsl.diagnostics import Code

from ..display import format_money, format_quantity, format_significant
from ..graph import is_solve_key
from .view import ABSENT_TEXT, ResultsView

YEAR = 8760 * 3600.0
# ---------------------------------------------------------------------------------------------- formatting
_SCALE = {"money_year": YEAR, "money_hour": 3600.0, "money_mtok": 1e6, "money_mw": 1e6, "duration": 86400.0}
_sig = format_significant                             # one rule for the report and `factory plan` (display.py)


def _money(value: float) -> tuple[str, str]:
    return format_money(value), ""


def _duration(seconds: float) -> tuple[str, str]:
    for factor, unit in ((YEAR, "years"), (86400.0, "days"), (3600.0, "hours"), (60.0, "min"), (1.0, "s")):
        if abs(seconds) >= factor * (2 if unit in ("years", "days") else 1):
            return _sig(seconds / factor), unit
    return _sig(seconds * 1e3), "ms"


def fmt_parts(value, style: str, unit: str = "", declared: str = "") -> tuple[str, str]:
    """(number, unit) of an SI value shown in `style`; ("—", "") when there is no finite value."""
    if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "—", ""
    if style == "count":
        return f"{value:,.0f}" if abs(value - round(value)) < 1e-6 else _sig(value), ""
    if style == "ratio":                              # as eval prints it (4 significant figures: PUE 1.234, not
        return format_quantity(float(value), "1"), ""  # 1.23 beside a failing `pue <= 1.233`)
    if style == "percent":
        return f"{100 * value:.1f}", "%"
    if style == "money":
        return _money(value)
    if style == "money_year":
        return _money(value * YEAR)[0], "/ yr"
    if style == "money_hour":
        return _money(value * 3600.0)[0], "/ h"
    if style == "money_mtok":
        return _money(value * 1e6)[0], "/ Mtok"
    if style == "money_mw":
        return _money(value * 1e6)[0], "/ MW"
    if style == "duration":
        return _duration(value)
    if style == "tok_j":
        return _sig(value, 4), "tok/J"               # 4 digits, as tokens/s per MW (the same SI figure)
    if style == "tok_s_mw":                              # SI tok/J, shown per MW of wall power
        number, _, unit_text = format_quantity(float(value) * 1e6, "tok/s").partition(" ")
        return number, f"{unit_text} per MW"
    if style == "flow_liquid":
        return _sig(value * 60000.0) if value else "0", "L/min"
    if style == "flow_air":
        return _sig(value * 3600.0) if value else "0", "m³/h"
    if style == "power":
        unit = "W"
    elif style == "tok_s":
        unit = "tok/s"
    text = format_quantity(float(value), unit, declared)
    number, _, rest = text.partition(" ")
    return number, rest


def fmt(value, style: str, unit: str = "", declared: str = "") -> str:
    number, suffix = fmt_parts(value, style, unit, declared)
    if not suffix:
        return number
    return f"{number}{suffix}" if suffix == "%" else f"{number} {suffix}"


def _anchor(*parts: str) -> str:
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


_LABELS = {"ttft": "time to first token", "tpot": "time per output token", "tp": "tensor parallel",
           "pp": "pipeline parallel", "dp": "data parallel", "ep": "expert parallel", "mfu": "MFU (model FLOPs "
           "utilization)", "usd_per_mtok": "$ per million tokens", "tokens_per_s": "tokens per second",
           "tokens_per_s_per_chip": "tokens per second per chip", "tokens_per_s_per_mw": "tokens per second per MW",
           "tokens_per_s_per_user": "tokens per second per user", "tokens_per_s_per_system": "tokens per second per system", "kv_per_token": "KV cache per token",
           "flops_per_token": "FLOPs per token", "gpu_hours": "GPU-hours", "accelerator_hours": "accelerator-hours"}


def _humanize(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " "))


# ---------------------------------------------------------------------------------------------- values
FLAG_TEXT = {Code.UNPRICED: "incomplete: counts unpriced parts as $0",
             Code.OVER_COMMITTED: "the site places fewer accelerators than its workloads run on",
             Code.INFEASIBLE_WORKLOAD: "counts a service that cannot run at the site's planning draw",
             Code.IMPLAUSIBLE_VALUE: "computed from an input outside its published range",
             Code.OUT_OF_RANGE: "computed from an input outside its range",
             Code.BATCH_BEYOND_RUN: "of one whole step larger than the run",
             Code.LATENCY_KNIFE_EDGE: "on a knife edge: 5% more or less load moves it far (its _low / _high band)",
             Code.MODEL_INPUT_MISSING: "computed with a stand-in for an input the spec does not give"}


def flagged_codes(results, sink) -> dict[str, set[str]]:
    """{path: codes}: every quantity a warning or an error is about (`Diagnostic.quantities`: a capex that counts
    an unpriced part as $0, a figure that could not be computed) and every quantity computed from one
    (`Node.deps`, transitively), with the diagnostics' codes."""
    if results is None:
        return {}
    return graph_flags(results.graph, sink.items if sink is not None else [])


def graph_flags(graph, diagnostics) -> dict[str, set[str]]:
    """`flagged_codes` from a graph and its diagnostics (a streamed sweep has no one Results)."""
    named: dict[str, set[str]] = {}
    for d in diagnostics:
        if d.severity in ("error", "warning"):
            for q in d.quantities:
                named.setdefault(q, set()).add(d.code)
    if not named:
        return {}
    users = readers_of(graph)
    codes: dict[str, set[str]] = {}
    for start, start_codes in named.items():
        if start_codes <= {Code.UNPRICED}:     # a $0 counted in a sum: a figure that subtracts it back is clean
            for path in unpriced_reach(users, start):
                codes.setdefault(path, set()).update(start_codes)
            continue
        todo = [start]
        while todo:
            path = todo.pop()
            have = codes.setdefault(path, set())
            if start_codes <= have:
                continue
            have |= start_codes
            todo.extend(users.get(path, ()))
    return {path: c for path, c in codes.items() if not is_solve_key(path)}


SUBTRACTED_READS = {"capex_maintained": ("capex_building", "capex_land")}
"""Figures whose formula subtracts some of the figures it reads from another it reads (docs/models.md,
models/cost.py: `capex_maintained = capex - capex_building - capex_land`, which `opex_maintenance` multiplies by
the maintenance rate). A part without a price counts as $0 in a sum (`unpriced`); what reaches such a figure only
inside the figures it subtracts back out (an unpriced land: `capex_land`, and `capex` through it) leaves it as it
would be at any price, so it is not incomplete: the maintained capex and the opex of a site with no `land_price`
are not flagged in eval, the report and the plan, and a `max` gate on them can be checked."""


def readers_of(graph, made_only: bool = False) -> dict[str, list[str]]:
    """{path: the figures that read it} (`Node.deps` reversed). `made_only`: over the nodes made so far, without
    making the rest (`compiler.lower.LazyNodes`: reading the whole table makes every node)."""
    users: dict[str, list[str]] = {}
    for path, node in (dict.items(graph.nodes) if made_only else graph.nodes.items()):
        for dep in node.deps:
            users.setdefault(dep, []).append(path)
    # a solve many figures take their share of (`Graph.solves`) is read by its key, which reads what it read: the
    # readers of each of those reach each figure through the key (once per solve, not once per figure)
    for key, reads in getattr(graph, "solves", {}).items():
        for dep in reads:
            users.setdefault(dep, []).append(key)
    return users


def reached_from(users: dict[str, list[str]], starts, blocked=frozenset()) -> set[str]:
    """`starts` and every figure that reads one (`users`: `readers_of`), at any depth, through none of `blocked`
    (through a solve's key, `Graph.solves`, which is not itself a figure)."""
    reached = {start for start in starts if start not in blocked}
    todo = list(reached)
    while todo:
        for reader in users.get(todo.pop(), ()):
            if reader not in reached and reader not in blocked:
                reached.add(reader)
                todo.append(reader)
    return {path for path in reached if not is_solve_key(path)}


def unpriced_reach(users: dict[str, list[str]], start: str) -> set[str]:
    """The figures that read `start`, a figure that counts a part without a price as $0, at any depth, itself
    included, less those that subtract it back out (`SUBTRACTED_READS`): a figure whose subtracted reads carry the
    $0 and whose minuend (`capex`) reads it only through them."""
    full = reached_from(users, [start])
    cut = set()
    for path in full:
        prefix, _, name = path.rpartition(".")
        subtracted = {f"{prefix}.{n}" for n in SUBTRACTED_READS.get(name, ())}
        if subtracted & full and f"{prefix}.capex" not in reached_from(users, [start], subtracted):
            cut.add(path)
    return reached_from(users, [start], cut) if cut else full


def flagged_scenarios(results, sink) -> dict[str, list[int]]:
    """{path: scenarios} of the flagged figures of a sweep (`flagged_codes`) that every diagnostic flagging them
    names the scenarios of (`Diagnostic.scenarios`: an implausible value in some scenarios only): the union of
    those. A figure flagged by a diagnostic that holds in every scenario, or cannot say, is flagged in every
    scenario and is not here; so a figure is flagged in a scenario exactly where its run alone flags it."""
    if results is None or results.scenario_count <= 1 or sink is None:
        return {}
    diagnostics = [d for d in sink.items if d.severity in ("error", "warning") and d.quantities]
    if not any(d.scenarios is not None for d in diagnostics):
        return {}
    users = readers_of(results.graph)
    some: dict[str, set[int]] = {}
    every: set[str] = set()
    for d in diagnostics:
        seen = reached_from(users, d.quantities)
        if d.scenarios is None:
            every |= seen
        else:
            for path in seen:
                some.setdefault(path, set()).update(d.scenarios)
    return {path: sorted(s) for path, s in some.items() if path not in every and len(s) < results.scenario_count}


def flag_reason(codes) -> str:
    """The words a flagged figure carries for its diagnostics' codes (FLAG_TEXT)."""
    return "; ".join(FLAG_TEXT.get(c, f"see warning {c}") for c in sorted(codes))


def flag_mark(reason: str | None) -> str:
    """The mark a flagged figure carries after its value, in every output that shows it as text: the report,
    eval's table, a sweep's summary, estimate's table (` (⚠ incomplete: counts unpriced parts as $0)`)."""
    return f" (⚠ {reason})" if reason else ""


def flagged_quantities(results, sink) -> dict[str, str]:
    """{path: why}: the quantities `flagged_codes` names, with the words for their codes. The report, eval's
    table and JSON, a sweep's summary and estimate's table mark these figures where they show them, so a
    flagged number never reads as a clean one."""
    return {path: flag_reason(c) for path, c in flagged_codes(results, sink).items()}


def scenario_flags(results, sink) -> dict[str, dict[str, set[int]]]:
    """{path: {code: the 0-based scenarios}}: the flags (`flagged_codes`) of a sweep that hold in some scenarios
    only, those whose diagnostics name their scenarios (an `over-committed` site in some of them); a figure shown
    for one scenario (a sweep row, a key figure) is marked with them there alone. A code that one diagnostic
    gives the path in every scenario is not listed (the mark is everywhere)."""
    if results is None or sink is None or results.scenario_count < 2:
        return {}
    items = [d for d in sink.items if d.severity in ("error", "warning") and d.quantities]
    some = [d for d in items if d.scenarios is not None]
    if not some:
        return {}
    everywhere = graph_flags(results.graph, [d for d in items if d.scenarios is None])
    out: dict[str, dict[str, set[int]]] = {}
    for d in some:
        for path, codes in graph_flags(results.graph, [d]).items():
            for code in codes - everywhere.get(path, set()):
                out.setdefault(path, {}).setdefault(code, set()).update(int(i) for i in d.scenarios)
    return out


class _View(ResultsView):
    """Scalar reads of the results at one scenario, as the report shows them; `flags` holds the figures a
    diagnostic is about (`flagged_quantities`), which `mark` shows with their reason; `flag_codes` their codes
    and `flag_scenarios` the codes that hold in some scenarios only (`scenario_flags`)."""

    flags: dict[str, str] = {}
    flag_codes: dict[str, set[str]] = {}
    flag_scenarios: dict[str, dict[str, set[int]]] = {}
    unpriced_spans: frozenset = frozenset()         # the spans of the parts an `unpriced` warning is at

    def mark(self, text: str, *paths: str, scenario: int | None = None) -> str:
        """`text` (a figure shown for `paths` in `scenario`, else the view's) with the reason it is flagged
        there, when one of them is."""
        at = self.scenario if scenario is None else scenario
        why = set()
        for p in paths:
            if p not in self.flags:
                continue
            limited = self.flag_scenarios.get(p)
            if not limited:
                why.add(self.flags[p])
                continue
            codes = {c for c in self.flag_codes.get(p, ()) if c not in limited or at in limited[c]}
            if codes:
                why.add(flag_reason(codes))
        if not why or text in ("—", ""):
            return text
        return f"{text} (⚠ {'; '.join(sorted(why))})"

    def show(self, path: str, scenario: int | None = None) -> str:
        """A quantity in the report's style: money as $2.54M, per-year rates per year, else readable units."""
        text = self.text(path)
        if text is not None:
            return text
        value = self.get(path, scenario)
        if value is None:
            why = self.absent(path, scenario)       # no value there, and the models say why (Results.absent)
            return f"{ABSENT_TEXT} ({why})" if why else "—"
        unit, declared = self.unit(path), self.display(path)
        if declared == "fraction":                  # a share reads as one: 17.5%, never 0.1754
            return fmt(value, "percent")
        if path.endswith(".feasible") and value in (0.0, 1.0):
            return "yes" if value else "no"
        if unit == "s" and path.endswith("_hours"):
            hours = value / 3600.0
            return f"{_sig(hours / 1e6)}M h" if hours >= 1e6 else f"{_sig(hours)} h"
        if unit == "USD":
            return fmt(value, "money")
        if unit == "USD/s" and declared != "USD/h":        # `12000000 USD / 1 yr` too: $12M / yr
            return fmt(value, "money_year")
        if unit == "USD/s" and declared == "USD/h":
            return fmt(value, "money_hour")
        if unit == "USD/tok":
            return fmt(value, "money_mtok")
        if unit in ("1", "") and abs(value - round(value)) < 1e-9 and abs(value) >= 1:
            return fmt(value, "count")
        return format_quantity(value, unit, declared)

    def mult(self, inst, top) -> float:
        """Items of `inst` per item of `top` (the product of the counts in between)."""
        m = 1.0
        level = inst
        while level is not None and level is not top:
            if level.count is not None:
                m *= self.get(level.count) or 0.0
            level = level.parent
        return m
