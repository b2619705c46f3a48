"""Design-space optimization by brute force over discrete grids: the best plan, or the Pareto front.

Pipeline position: on top of `compiler.sweep` (chunked evaluation); used by `factory optimize`.

A scenario is feasible when every assert and built-in limit of the spec holds in it (`sweep` marks it), every
`--subject-to` constraint holds, and every objective has a value (absent or non-finite objectives are
infeasible, never a number). With one objective the best feasible scenario wins; ties go to the lowest
scenario index, so the answer does not depend on the chunk size or the number of workers. With two or three
objectives the Pareto front is kept: a feasible scenario is on it unless another is no worse in every
objective and better in at least one (maximized objectives are negated). Both are exact: every scenario of the
grid is evaluated (no sampling, no gradient), chunk after chunk in bounded memory.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from dsl.diagnostics import ERROR

from .sweep import ChunkResult, SweepError

_CONSTRAINT = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(<=|>=|<|>|==)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)"
                         r"\s*(.*?)\s*$")
_OPS = {"<=": np.less_equal, ">=": np.greater_equal, "<": np.less, ">": np.greater, "==": np.equal}


@dataclass
class Objective:
    name: str
    sense: str                      # "min" | "max"
    path: str = ""


@dataclass
class Constraint:
    text: str
    name: str
    op: str
    value: float                    # SI
    unit: str                       # as written ("MW"), "" for none
    path: str = ""


def parse_constraint(text: str) -> Constraint:
    """`facility_power <= 300 MW`: a quantity (path or suffix), a comparison, a number and a unit."""
    match = _CONSTRAINT.match(text)
    if not match:
        raise SweepError(f"--subject-to `{text}`: write QUANTITY OP NUMBER [UNIT], e.g. \"facility_power <= 300 MW\"")
    name, op, number, unit = match.groups()
    value = float(number)
    if unit:
        from dsl.units import UnitError, parse_unit

        try:
            value = parse_unit(unit).to_si(value)
        except UnitError as exc:
            raise SweepError(f"--subject-to `{text}`: {exc}") from exc
    return Constraint(text, name, op, value, unit)


def resolve(name: str, paths, what: str) -> str:
    """A quantity by its full path, or by a dotted suffix: the one match, or the one shallowest match
    (`usd_per_mtok` is `site.usd_per_mtok` rather than `site.chat.usd_per_mtok`); otherwise ambiguous."""
    paths = list(paths)
    if name in paths:
        return name
    found = sorted(p for p in paths if p.endswith("." + name))
    shallowest = [p for p in found if p.count(".") == min(q.count(".") for q in found)]
    if len(shallowest) == 1:          # `usd_per_mtok`: the site's own figure, not a workload's inside it
        return shallowest[0]
    if not found:
        from dsl.diagnostics import did_you_mean

        # a dotted path is told its own block's figure (`dc.chat.usd_per_mtk`: `dc.chat.usd_per_mtok`); the bare
        # name alone (`usd_per_mtok`) would resolve to the shallowest, the site's, another quantity
        prefix = name.rpartition(".")[0]
        siblings = [p for p in paths if p.rpartition(".")[0] == prefix] if prefix else []
        hint = did_you_mean(name, siblings) if siblings else None
        hint = hint or did_you_mean(name.rsplit(".", 1)[-1], sorted({p.rsplit(".", 1)[-1] for p in paths}))
        raise SweepError(f"{what} `{name}` is not a quantity of the spec" + (f"; {hint}" if hint else ""))
    raise SweepError(f"{what} `{name}` is ambiguous; it could be " + ", ".join(f"`{p}`" for p in found[:8])
                     + (f" and {len(found) - 8} more" if len(found) > 8 else ""))


def check_unit(constraint: Constraint, si: str) -> None:
    if not constraint.unit:
        if si and si != "1" and constraint.value != 0:      # a bare number is dimensionless: 300 is not 300 MW
            raise SweepError(f"--subject-to `{constraint.text}`: `{constraint.path}` is in {si}; give its unit "
                             f"(`{constraint.name} {constraint.op} {constraint.value:g} <unit>`)")
        return
    from dsl.units import parse_unit, si_unit

    got = parse_unit(constraint.unit)
    have = "K" if got.point else si_unit(got.dim)
    if have != (si or "1") and not (have == "1" and not si):
        plain = not si or si == "1"        # a count or a ratio: "is in 1" read as a riddle (before session 24)
        raise SweepError(f"--subject-to `{constraint.text}`: `{constraint.unit}` is in {have}, but "
                         f"`{constraint.path}` is " + ("a plain number: write it without a unit" if plain else
                                                      f"in {si}"))


@dataclass
class Search:
    """Keeps the best scenario (one objective) or the Pareto front (two or three) over the chunks."""

    objectives: list[Objective]
    constraints: list[Constraint]
    parameters: list[str]
    report: list[str] = field(default_factory=list)    # the quantities shown for a chosen plan
    feasible: int = 0
    evaluated: int = 0
    no_value: int = 0                # feasible, within the constraints, but an objective has no value there (n/a)
    best: dict | None = None
    front: list[dict] = field(default_factory=list)
    heatmap: "Heatmap | None" = None
    resolved: bool = False
    graph: object = None             # the plan's graph and the spec's own diagnostics: what flags a chosen figure
    spec_diagnostics: list = field(default_factory=list)

    def bind(self, result: ChunkResult) -> None:
        paths = result.columns
        for o in self.objectives:
            o.path = resolve(o.name, paths, "objective")
        for c in self.constraints:
            c.path = resolve(c.name, paths, "constraint")
            check_unit(c, result.units.get(c.path, ""))
        seen: list[str] = []
        for p in [o.path for o in self.objectives] + [c.path for c in self.constraints]:
            if p not in seen:
                seen.append(p)
        self.report = seen
        self.resolved = True

    def add(self, result: ChunkResult, table: dict) -> None:
        size = result.chunk.stop - result.chunk.start
        if not self.resolved:
            if not result.feasible.any() and any(d.severity == ERROR for d in result.diagnostics):
                # a chunk the spec's errors leave without figures (an invalid count stops the evaluation of
                # what depends on it) has none to name the objectives by: nothing in it is feasible anyway
                self.evaluated += size
                if self.heatmap is not None:
                    self.heatmap.add(result.chunk.start, np.full(size, np.nan), np.zeros(size, dtype=bool))
                return
            self.bind(result)
        self.evaluated += size
        column = {p: np.broadcast_to(result.columns.get(p, np.full(1, np.nan)), (size,))
                  for p in self.parameters + self.report}
        ok = result.feasible.copy()
        for c in self.constraints:
            with np.errstate(invalid="ignore"):
                ok &= _OPS[c.op](column[c.path], c.value) & np.isfinite(column[c.path])
        keys = np.stack([column[o.path] * (1.0 if o.sense == "min" else -1.0) for o in self.objectives], axis=1)
        valued = np.isfinite(keys).all(axis=1)
        unvalued = ok & ~valued                          # a plan that runs, its objective n/a: not "infeasible"
        self.no_value += int(unvalued.sum())
        ok &= valued
        flags = _ChunkFlags(self.graph, [*self.spec_diagnostics, *result.diagnostics])
        if self.heatmap is not None:
            self.heatmap.add(result.chunk.start, column[self.objectives[0].path], ok,
                             flags.column(self.objectives[0].path, size), unvalued)
        rows = np.flatnonzero(ok)
        self.feasible += int(rows.size)
        if rows.size == 0:
            return
        if len(self.objectives) == 1:
            i = int(rows[np.argmin(keys[rows, 0])])              # argmin: the first of equal values
            if self.best is None or keys[i, 0] < self.best["_key"]:
                self.best = self._row(result, column, i, keys[i, 0], flags)
            return
        local = _nondominated(keys[rows])
        candidates = [self._row(result, column, int(rows[j]), keys[rows[j]], flags) for j in local]
        merged = self.front + candidates
        merged.sort(key=lambda r: r["scenario"])
        keep = _nondominated(np.array([r["_key"] for r in merged]))
        self.front = [merged[j] for j in sorted(keep)]

    def _row(self, result: ChunkResult, column: dict, i: int, key, flags: "_ChunkFlags") -> dict:
        return {"scenario": result.chunk.start + i,
                "parameters": {p: float(column[p][i]) for p in self.parameters},
                "values": {p: _number(column[p][i]) for p in self.report},
                "flagged": flags.at(i, self.report),
                "_key": key}


class _ChunkFlags:
    """Which figures a chunk's diagnostics flag in one of its scenarios (`report_format.graph_flags`: a warning's
    quantities and every figure that reads them), with the words eval and the report mark them with: {path: why}.
    A diagnostic that names its scenarios (`Diagnostic.scenarios`, the chunk's own indices) flags those only;
    worked out on first use, once a chunk."""

    def __init__(self, graph, diagnostics: list):
        self.graph = graph
        self.diagnostics = [d for d in diagnostics if d.severity in ("error", "warning") and d.quantities]
        self.every: dict | None = None
        self.some: list = []

    def _find(self) -> bool:
        """Whether any figure can be flagged; works out `every` and `some` once."""
        from .render.report_format import graph_flags

        if self.graph is None or not self.diagnostics:
            return False
        if self.every is None:
            self.every = graph_flags(self.graph, [d for d in self.diagnostics if d.scenarios is None])
            self.some = [({int(k) for k in d.scenarios}, graph_flags(self.graph, [d]))
                         for d in self.diagnostics if d.scenarios is not None]
        return True

    def column(self, path: str, size: int) -> np.ndarray:
        """Why `path` is flagged in each of the chunk's `size` scenarios ("" where it is clean): the heatmap's
        marks, with the words `at` gives."""
        from .render.report_format import flag_reason

        out = np.full(size, "", dtype=object)
        if not self._find():
            return out
        every = set(self.every.get(path, ()))
        if every:
            out[:] = flag_reason(every)
        extra: dict[int, set] = {}                   # the scenarios a warning that names them flags
        for rows, flagged in self.some:
            for i in rows if path in flagged else ():
                if 0 <= i < size:
                    extra.setdefault(i, set(every)).update(flagged[path])
        for i, found in extra.items():
            out[i] = flag_reason(found)
        return out

    def at(self, i: int, paths) -> dict[str, str]:
        from .render.report_format import flag_reason

        if not self._find():
            return {}
        out = {}
        for path in paths:
            codes = set(self.every.get(path, ()))
            for rows, flagged in self.some:
                if i in rows:
                    codes |= flagged.get(path, set())
            if codes:
                out[path] = flag_reason(codes)
        return out


def _number(value) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _nondominated(keys: np.ndarray) -> list[int]:
    """Indices of the rows of `keys` (minimized, finite) that no other row dominates (no worse in every column,
    better in one; of two equal rows neither dominates the other). Rows are visited in lexicographic
    order, so any dominating row comes before the row it dominates.

    Two columns: one sort and a running minimum, O(n log n). In lexicographic order a row r is dominated
    exactly when a row with a smaller first key has a second key <= r's (the prefix minimum of the second
    key over the rows before r's group of equal first keys), or the first row of its own group (the
    smallest second key there) has a second key < r's.

    Three columns (`_dominated_3`): the distinct rows in lexicographic order u_0 < u_1 < ...; u_i is dominated
    exactly when some u_j, j < i, has u_j[1] <= u_i[1] and u_j[2] <= u_i[2] (lexicographic order gives
    u_j[0] <= u_i[0], and u_j != u_i makes one key better). That is a two-key dominance query over the rows
    before i, answered by divide and conquer on the index (O(n log^2 n), n log n per level in NumPy): at the
    level of blocks of s rows, each row of an odd block asks the even block just before it, and every pair
    j < i meets at exactly one level (the highest bit where j and i differ). (Testing each row against the rows
    kept so far is O(n x front): 4.9 s for 16,000 rows on the front.)"""
    n = len(keys)
    if n == 0:
        return []
    order = np.lexsort(tuple(keys[:, k] for k in reversed(range(keys.shape[1]))))
    if keys.shape[1] == 2:
        first, second = keys[order, 0], keys[order, 1]
        group = np.searchsorted(first, first, side="left")            # where each row's equal first keys begin
        before = np.concatenate(([np.inf], np.minimum.accumulate(second)[:-1]))   # min of the rows before i
        dominated = (before[group] <= second) | (second[group] < second)
        return sorted(order[~dominated].tolist())
    ordered = keys[order]
    new = np.ones(n, dtype=bool)                       # the first of each run of equal rows (-0.0 == 0.0)
    new[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    distinct = np.cumsum(new) - 1                      # each sorted row's index among the distinct rows
    dominated = _dominated_3(ordered[new])[distinct]
    return sorted(order[~dominated].tolist())


def _dominated_3(unique: np.ndarray) -> np.ndarray:
    """`unique`: distinct rows of three keys in lexicographic order. True where an earlier row is <= in keys 1
    and 2 (so dominates it; see `_nondominated`). Per level of blocks of s rows: the rows in order of key 1
    (ties by index, so a row of the even block comes before a row of the odd block with the same key 1),
    grouped by pair of blocks (a stable sort keeps that order within a pair), and a running minimum of
    key 2's rank over the even block's rows, each pair's ranks raised by (pairs - pair) x m so that an
    earlier pair's rows never reach below a later pair's: an odd-block row is dominated when the running
    minimum, less its pair's offset, is <= its own rank (with no even-block row before it, it is >= m)."""
    m = len(unique)
    dominated = np.zeros(m, dtype=bool)
    by_first = np.argsort(unique[:, 1], kind="stable")
    rank = np.unique(unique[:, 2], return_inverse=True)[1].reshape(-1).astype(np.int64)
    index = np.arange(m)
    s = 1
    while s < m:
        pair = index // (2 * s)
        odd = (index // s) % 2 == 1
        seq = by_first[np.argsort(pair[by_first], kind="stable")]
        offset = (pair[-1] + 1 - pair[seq]) * m
        running = np.minimum.accumulate(np.where(odd[seq], np.iinfo(np.int64).max, rank[seq] + offset))
        hit = odd[seq] & (running - offset <= rank[seq])
        dominated[seq[hit]] = True
        s *= 2
    return dominated


def to_json(search: Search, spec: str, plan, outcome, units: dict) -> dict:
    def clean(row):
        return {k: v for k, v in row.items() if not k.startswith("_")} if row else None

    return {
        "format_version": "1",
        "spec": spec,
        "objectives": [{"name": o.name, "path": o.path, "sense": "minimize" if o.sense == "min" else "maximize",
                        "unit": units.get(o.path) or "1"} for o in search.objectives],
        "constraints": [{"text": c.text, "path": c.path, "op": c.op, "value": c.value,
                         "unit": units.get(c.path) or "1"} for c in search.constraints],
        "scenarios": {"count": plan.count, "evaluated": search.evaluated, "feasible": search.feasible,
                      "no_objective_value": search.no_value,
                      "complete": search.evaluated == plan.count,
                      "parameters": {p: list(plan.values[p]) if len(plan.values[p]) <= 1000 else
                                     {"first": plan.values[p][0], "last": plan.values[p][-1],
                                      "points": len(plan.values[p])} for p in plan.sweep}},
        "best": clean(search.best) if len(search.objectives) == 1 else None,
        "pareto": [clean(r) for r in search.front] if len(search.objectives) > 1 else None,
        "checks": [{"name": name, "failing_scenarios": n} for name, n in sorted(outcome.failing.items())],
    }


def _objective_names(search: Search) -> str:
    return " or ".join(f"`{o.path or o.name}`" for o in search.objectives)


def to_text(search: Search, plan, outcome, units: dict, displays: dict) -> str:
    from .display import format_quantity

    from .render.report_format import flag_mark

    def show(path, value, flagged=None):
        if value is None:
            return "(absent)"
        return format_quantity(value, units.get(path, ""), displays.get(path, "")) \
            + flag_mark((flagged or {}).get(path))

    goal = ", ".join(f"{'minimize' if o.sense == 'min' else 'maximize'} {o.path or o.name}" for o in search.objectives)
    lines = [f"{goal}: {search.feasible:,} of {search.evaluated:,} scenarios feasible"
             + (f", {search.no_value:,} more feasible where {_objective_names(search)} has no value (n/a)"
                if search.no_value else "")
             + ("" if search.evaluated == plan.count else f" (stopped; the grid has {plan.count:,})")]
    for c in search.constraints:
        lines.append(f"  subject to {c.path} {c.op} {show(c.path, c.value)}")
    if len(search.objectives) == 1:
        if search.best is None:
            lines.append("no feasible plan" if not search.no_value else
                         f"no feasible plan with a value of {_objective_names(search)}")
        else:
            s = search.best["scenario"]     # 0-based, as the `scenario` column; --scenario counts from 1
            lines.append(f"best plan: scenario {s} (--scenario {s + 1} in `factory plan` and `factory diagram`)")
            for p, v in search.best["parameters"].items():
                lines.append(f"  {p} = {show(p, v)}")
            for p, v in search.best["values"].items():
                if p not in search.best["parameters"]:     # an objective that is a varied parameter: once
                    lines.append(f"  {p} = {show(p, v, search.best.get('flagged'))}")
    else:
        lines.append(f"Pareto front: {len(search.front)} plan(s)")
        header = list(search.parameters) + [o.path for o in search.objectives]
        rows = [[show(p, row["parameters"][p]) for p in search.parameters]
                + [show(o.path, row["values"][o.path], row.get("flagged")) for o in search.objectives]
                for row in search.front]
        widths = [max(len(c) for c in column) for column in zip(header, *rows)]
        for cells in [header] + rows:
            lines.append("  " + "  ".join(c.rjust(w) for c, w in zip(cells, widths)))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- heat map

HEATMAP_MAX_SCENARIOS = 4_000_000
_HEAT_CELLS = 120                      # at most this many cells a side; larger grids are pooled in blocks
_STOPS = [(68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37)]   # viridis, 5 stops


class Heatmap:
    """The first objective over a two-parameter grid: one value per scenario, NaN where infeasible."""

    def __init__(self, plan):
        if len(plan.sweep) != 2:
            raise SweepError(f"--heatmap needs exactly two varied parameters; this sweep has {len(plan.sweep)}")
        if plan.count > HEATMAP_MAX_SCENARIOS:
            raise SweepError(f"--heatmap keeps one value per scenario; {plan.count:,} scenarios is more than "
                             f"{HEATMAP_MAX_SCENARIOS:,}")
        self.plan = plan
        self.grid = np.full(plan.count, np.nan)
        self.flagged = np.full(plan.count, "", dtype=object)   # why a scenario's value is flagged ("" clean)
        self.no_value = np.zeros(plan.count, dtype=bool)          # feasible, the objective n/a there

    def add(self, start: int, values: np.ndarray, ok: np.ndarray, flagged: np.ndarray | None = None,
            no_value: np.ndarray | None = None) -> None:
        self.grid[start:start + values.size] = np.where(ok, values, np.nan)
        if flagged is not None:
            self.flagged[start:start + values.size] = np.where(ok, flagged, "")
        if no_value is not None:
            self.no_value[start:start + values.size] = no_value

    def svg(self, objective: Objective, unit: str, display: str, best: dict | None, units: dict | None = None,
            displays: dict | None = None) -> str:
        """A deterministic SVG: rows are the first parameter, columns the second; blocks of a large grid show
        their best (least when minimizing, greatest when maximizing) feasible value; grey is infeasible, light grey
        feasible with no value of the objective there (n/a; before s23-hunt drawn as infeasible). A cell
        whose value a warning flags (in the scenario it shows) is hatched, with the reason in its tooltip and the
        legend, as the table and JSON mark the figure (s23-hunt: before, a flagged value read clean here)."""
        from xml.sax.saxutils import escape

        from .display import format_quantity

        p1, p2 = self.plan.sweep
        n1, n2 = len(self.plan.values[p1]), len(self.plan.values[p2])
        b1, b2 = math.ceil(n1 / _HEAT_CELLS), math.ceil(n2 / _HEAT_CELLS)
        m1, m2 = math.ceil(n1 / b1), math.ceil(n2 / b2)

        def blocked(values, fill, dtype=float):
            """The scenarios' `values` as (m1, m2, b1 b2): each cell's block, padded with `fill`."""
            padded = np.full((m1 * b1, m2 * b2), fill, dtype=dtype)
            padded[:n1, :n2] = values.reshape(n1, n2)
            return padded.reshape(m1, b1, m2, b2).transpose(0, 2, 1, 3).reshape(m1, m2, b1 * b2)

        blocks = blocked(self.grid, np.nan)
        import warnings

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            cells = np.nanmin(blocks, axis=2) if objective.sense == "min" else np.nanmax(blocks, axis=2)
        why = blocked(self.flagged, "", object)                     # the shown scenario's flag, per cell
        shown = np.argmin(np.where(np.isnan(blocks), np.inf, blocks if objective.sense == "min" else -blocks),
                          axis=2)                                      # the first of equal values, as nanmin
        marks = np.take_along_axis(why, shown[..., None], axis=2)[..., 0]
        marks[~np.isfinite(cells)] = ""
        none = blocked(self.no_value, False, bool).any(axis=2) & ~np.isfinite(cells)   # feasible, objective n/a
        reasons = sorted(set(marks[marks != ""].tolist()))      # the legend's flag lines, below the scale's
        flagged = bool(reasons)
        finite = cells[np.isfinite(cells)]
        low, high = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        size, top = 6 if max(m1, m2) > 60 else 14, 40

        def label(p, k):      # in the parameter's unit, as the text shows it (before s23-hunt: its SI number alone)
            return escape(format_quantity(float(self.plan.values[p][k]), (units or {}).get(p, ""),
                                          (displays or {}).get(p, "")))

        # the grid starts right of its longest y label (150 px, or more for a long parameter name: before session
        # 24 `energy_price_per_kwh_at_the_meter = 0.1 USD/kWh` ran off the image's left edge)
        y_first, y_last = f"{escape(p1)} = {label(p1, 0)}", label(p1, n1 - 1)
        left = max(150, 6 + 6 + math.ceil(max(_text_width(y_first), _text_width(y_last))))

        # the axes' end labels: the first at the grid's start, the last ending at its end; where the grid is too
        # narrow to hold both apart (a 2-column grid is 28 px wide) the last goes on the next line, and the legend
        # starts right of the longer (before session 24 a 2-column grid's two x labels were drawn over each other
        # and over the legend, a 1-row grid's two y labels over each other, and a long title ran off the image)
        x_first, x_last = f"{escape(p2)} = {label(p2, 0)}", label(p2, n2 - 1)
        apart = _text_width(x_first) + _HEAT_GAP + _text_width(x_last) <= m2 * size
        x_end = max(left + m2 * size, math.ceil(_text_width(x_last)))          # the last x label ends here
        legend = max(x_end, left + math.ceil(_text_width(x_first))) + 20
        title = (f'{escape(objective.path)} ({"least" if objective.sense == "min" else "greatest"} feasible; '
                 f'grey: infeasible{"; light grey: n/a" if none.any() else ""}{"; hatched: flagged" if flagged else ""})')
        width = max(legend + max([160] + [28 + math.ceil(_text_width(f"\u26a0 {r}")) for r in reasons]),
                    left + math.ceil(_text_width(title, 13)) + 10)
        height = max(top + m1 * size + 60, top + (5 + len(reasons)) * 16 + 16)   # (the 5 swatches of a 1-row grid)
        out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
               f'font-family="sans-serif" font-size="11">',
               f'<text x="{left}" y="18" font-size="13">{title}</text>']
        if flagged:
            out.append('<defs><pattern id="flagged" width="4" height="4" patternUnits="userSpaceOnUse" '
                       'patternTransform="rotate(45)"><rect width="1.5" height="4" fill="#000000" '
                       'fill-opacity="0.5"/></pattern></defs>')
        for i in range(m1):
            for j in range(m2):
                v = cells[i, j]
                fill = ("#eeeeee" if none[i, j] else "#cccccc") if not math.isfinite(v) else \
                    _color((v - low) / (high - low) if high > low else 0.5)
                out.append(f'<rect x="{left + j * size}" y="{top + i * size}" width="{size}" height="{size}" '
                           f'fill="{fill}"/>')
        for i, j in zip(*np.nonzero(marks != "")):
            out.append(f'<rect x="{left + j * size}" y="{top + i * size}" width="{size}" height="{size}" '
                       f'fill="url(#flagged)" class="flagged"><title>\u26a0 {escape(marks[i, j])}</title></rect>')
        if best is not None:
            s = best["scenario"]
            i, j = (s // n2) // b1, (s % n2) // b2
            out.append(f'<rect x="{left + j * size}" y="{top + i * size}" width="{size}" height="{size}" '
                       f'fill="none" stroke="#e4002b" stroke-width="2"/>')

        out.append(f'<text x="{left - 6}" y="{top + 10}" text-anchor="end">{y_first}</text>')
        out.append(f'<text x="{left - 6}" y="{max(top + m1 * size, top + 10 + _HEAT_LINE)}" text-anchor="end">'
                   f'{y_last}</text>')
        below = top + m1 * size + 16
        out.append(f'<text x="{left}" y="{below}">{x_first}</text>')
        out.append(f'<text x="{x_end}" y="{below if apart else below + _HEAT_LINE}" text-anchor="end">{x_last}</text>')
        x = legend
        for k in range(5):
            out.append(f'<rect x="{x}" y="{top + k * 16}" width="14" height="14" fill="{_color(k / 4)}"/>')
            value = low + (high - low) * k / 4
            out.append(f'<text x="{x + 20}" y="{top + k * 16 + 11}">'
                       f'{escape(format_quantity(value, unit, display))}</text>')
        for k, reason in enumerate(reasons):
            y = top + (5 + k) * 16 + 8
            out.append(f'<rect x="{x}" y="{y}" width="14" height="14" fill="url(#flagged)"/>')
            out.append(f'<text x="{x + 20}" y="{y + 11}">\u26a0 {escape(reason)}</text>')
        out.append("</svg>")
        return "\n".join(out) + "\n"


_HEAT_LINE = 14                         # px between two lines of the heatmap's 11 px labels
_HEAT_GAP = 8                           # px kept between two labels on one line
_CHAR_WIDTH = 0.62 * 11                 # px: a sans-serif character's mean advance at 11 px, with a margin (digits
                                        # and lower case are 0.5-0.64 em in Arial and DejaVu Sans; capitals, rarer
                                        # in a label, up to 0.84; `energy_price = 0.1 USD/kWh` measures 0.56 em in
                                        # rsvg's DejaVu Sans)


def _text_width(text: str, font_size: float = 11) -> float:
    """The width a sans-serif label of `font_size` px takes, from its characters as drawn (an entity `&amp;` is
    one)."""
    from xml.sax.saxutils import unescape

    return len(unescape(text)) * _CHAR_WIDTH * font_size / 11


def _color(t: float) -> str:
    t = min(max(t, 0.0), 1.0) * (len(_STOPS) - 1)
    k = min(int(t), len(_STOPS) - 2)
    f = t - k
    rgb = [round(a + (b - a) * f) for a, b in zip(_STOPS[k], _STOPS[k + 1])]
    return "#%02x%02x%02x" % tuple(rgb)
