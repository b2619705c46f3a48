"""The figures of the whole plan: what its top-level blocks add up to (the totals lines of the diagrams).

Pipeline position: after `compiler.evaluate` (which stores them as `Results.totals`), read by render (the physical,
power and cooling views' totals lines) and written in results JSON (`totals`). Imports `dsl.schema` only.

The plan's top level (`top_level`) is the top-level blocks of the highest facility level the spec places (its
sites, else its halls, rows, racks, servers), leaving out definitions that others extend (every site counts: a site
is never placed). For each figure F of
TOTALS:

    total F = sum over the top-level blocks b of count(b) x F(b)

count(b) is b's multiplicity (1 where it is placed without one); F(b) the first of the names the block's kind
has (`it_power`, else a server's `peak_power`). A total is NaN (drawn n/a, null in JSON) in a scenario where one
term has no finite value, or a block's kind has none of the names. Example: two sites east (1.743 MW at the
meter) and west (1.444 MW): facility_power = 1 x 1.743 + 1 x 1.444 = 3.187 MW (tests/test_render_reads17.py
checks each total against its terms in results JSON, sweeps too).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dsl.schema import kind as kind_spec

FACILITY_LEVELS = ("site", "hall", "row", "rack", "server")
# (the figure's name, the names a top-level block may give it under, in order)
TOTALS = (("accelerators", ("accelerators",)), ("it_power", ("it_power", "peak_power")),
          ("facility_power", ("facility_power",)), ("heat_liquid", ("heat_liquid",)),
          ("heat_air", ("heat_air",)), ("cooling_power", ("cooling_power",)))


@dataclass(frozen=True)
class Term:
    figure: str | None          # the block's figure added (None: its kind has none of the names)
    count: str | None           # the node of its multiplicity (None: 1)


@dataclass(frozen=True)
class Total:
    name: str
    unit: str                   # SI, as its terms'
    values: np.ndarray          # one per scenario
    terms: tuple[Term, ...]
    formula: str


def _kind(inst) -> str:
    spec = kind_spec(inst.kind)
    return spec.name if spec is not None else inst.kind


def top_level(graph) -> list:
    """The blocks the plan is made of at its top: the top-level blocks of the highest facility level the spec has
    (sites, else halls, rows, racks, servers), leaving out definitions that others extend (a file of rack
    templates); [] when none. Every top-level site is one: a site is never placed, so one that another extends
    (`site west extends east`, to reuse its prices) is built as well, as eval, the report and its checks count it."""
    roots = graph.roots
    based = {id(r.base) for r in roots if r.base is not None}
    for level in FACILITY_LEVELS:
        chosen = [r for r in roots if _kind(r) == level and (level == "site" or id(r.block) not in based)]
        if chosen:
            return chosen
    return []


def _array(values: dict, path: str | None, n: int) -> np.ndarray:
    value = values.get(path) if path is not None else None
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu":
        return np.full(n, np.nan)
    out = np.broadcast_to(np.asarray(value, dtype=float), (n,)) if value.size in (1, n) else value.astype(float)
    return np.where(np.isfinite(out), out, np.nan)


def plan_totals(graph, values: dict, units, scenario_count: int) -> dict[str, Total]:
    """Every total of TOTALS over `top_level(graph)` (see the module docstring), by name."""
    roots = top_level(graph)
    level = _kind(roots[0]) if roots else ""
    out = {}
    for name, names in TOTALS:
        terms, total = [], np.zeros(scenario_count)
        for root in roots:
            fields = kind_spec(root.kind).fields if kind_spec(root.kind) is not None else {}
            figure = next((f"{root.path}.{n}" for n in names if n in fields), None)
            terms.append(Term(figure, root.count))
            count = np.ones(scenario_count) if root.count is None else _array(values, root.count, scenario_count)
            total = total + count * _array(values, figure, scenario_count)
        unit = next((units.get(t.figure, "") for t in terms if t.figure in values), "")
        out[name] = Total(name, unit, total, tuple(terms),
                          f"sum over the plan's top-level {level or 'block'}s of count x {' (else '.join(names)}"
                          + ")" * (len(names) - 1))
    return out
