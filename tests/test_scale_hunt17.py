"""Laws of large sweeps found broken by a capacity planner's hunt (session 17).

- the banner of a sweep names the failing scenarios by their parameter values ("fails for racks=4"): the text
  is that of the definition (the scenarios in `failing` order, one parameter's values when they say it all), and
  its cost grows with the distinct parameter values, not with scenarios x failing values: a 200,000-scenario
  sweep's banner took 42 s of CPU (each scenario's parameters formatted one by one, and each failing value's
  first scenario found by a scan of every failing scenario), so an in-memory sweep of 10^6 never finished;
"""
from __future__ import annotations

import random
import time

from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_text
from compiler.render import view as view_module
from compiler.render.view import MAX_SCENARIOS_NAMED, ResultsView, problems, scenarios_text

ROOT = Path(__file__).resolve().parents[1]

TINY = """
param racks = 4
param price = 0.1 USD/kWh
site s {
  electricity_price = price
  let cost = racks * price
  assert racks <= 250, "at most 250 racks"
  assert cost <= 30 USD/kWh, "cost stays below 30"
  assert racks == 4, "four racks"
  assert price <= 0.01 USD/kWh, "cheap power"
}
"""


def _sweep(racks: str, price: str):
    results, sink = evaluate_text(TINY, "tiny.factory", {"racks": racks, "price": price})
    assert results is not None, [d.message for d in sink.items]
    return results, sink


def _reference(view: ResultsView, failing: list[int]) -> str:
    """The definition, written out scenario by scenario (the code before the fix)."""
    n = view.results.scenario_count
    if n <= 1 or not failing:
        return ""
    if len(failing) == n:
        return "every scenario"
    params = [view._parameters(s) for s in range(n)]
    bad = set(failing)
    names = [name for name, _ in params[0]] if params and params[0] else []
    for k, name in enumerate(names):
        values_bad = {params[s][k][1] for s in bad}
        if {s for s in range(n) if params[s][k][1] in values_bad} == bad and len(names) > 1:
            shown = sorted(values_bad, key=lambda t: [s for s in failing if params[s][k][1] == t][0])
            return ", ".join(f"{name}={v}" for v in shown[:MAX_SCENARIOS_NAMED]) + \
                (f" and {len(shown) - MAX_SCENARIOS_NAMED} more values" if len(shown) > MAX_SCENARIOS_NAMED else "")
    shown = [" ".join(f"{name}={v}" for name, v in params[s]) or f"scenario {s + 1}"
             for s in failing[:MAX_SCENARIOS_NAMED]]
    more = len(failing) - len(shown)
    return ", ".join(shown) + (f" and {more} more scenario{'s' if more != 1 else ''}" if more > 0 else "")


def test_the_failing_scenarios_text_is_the_definition():
    # prices 0.1 and 0.1000000000001 print alike ("0.1 USD/kWh"): one text, two values
    results, _ = _sweep("[3, 1, 300, 2, 260]", "[0.1 USD/kWh, 0.1000000000001 USD/kWh, 0.2 USD/kWh, -0.0 USD/kWh]")
    view = ResultsView(results)
    n = results.scenario_count
    rng = random.Random(17)
    cases = [list(range(n)), [], [4], [8, 9, 10, 11], [11, 10, 9, 8, 16, 17, 18, 19], [0, 4, 8, 12, 16],
             [1, 2], [3, 7, 11, 15, 19], [19, 3, 15, 7, 11]]
    cases += [sorted(rng.sample(range(n), rng.randint(1, n - 1))) for _ in range(30)]
    cases += [rng.sample(range(n), rng.randint(1, n - 1)) for _ in range(30)]
    for failing in cases:
        assert scenarios_text(view, failing) == _reference(ResultsView(results), failing), failing


def test_the_banner_formats_each_distinct_parameter_value_once(monkeypatch):
    results, sink = _sweep("1..400", "0.001 USD/kWh..0.05 USD/kWh step 0.001 USD/kWh")   # 20,000 scenarios
    calls = []
    for name in ("format_number", "format_quantity"):
        real = getattr(view_module, name)
        monkeypatch.setattr(view_module, name, lambda *a, _real=real, **k: calls.append(1) or _real(*a, **k))
    found = problems(results, sink)
    assert any("racks=251" in p.scenarios for p in found.items), [p.scenarios for p in found.items]
    # 400 + 50 distinct values, and the few scenarios named in full (before: 2 x 20,000)
    assert len(calls) <= 400 + 50 + 2 * MAX_SCENARIOS_NAMED * 2, len(calls)


@pytest.mark.slow
def test_the_banner_of_a_million_scenarios_takes_seconds():
    results, sink = _sweep("1..1000", "0.001 USD/kWh..1 USD/kWh step 0.001 USD/kWh")
    assert results.scenario_count == 10 ** 6
    start = time.process_time()
    found = problems(results, sink)
    took = time.process_time() - start
    assert any("racks=251" in p.scenarios for p in found.items)
    assert took < 10, took            # before: ~42 s at 200,000 scenarios, quadratic in the failing values


# ------------------------------------------------------------------------------------ constants of a streamed sweep
TRAINING = """\
from systems import GB200_NVL72
from models import Llama3_1_70B
param acc = 1152
site s {
  training full {
    model = Llama3_1_70B
    rack = GB200_NVL72
    accelerators = acc
    tokens = 1 Ttok
    precision = "fp8"
  }
}
"""


def _streamed(tmp_path, name: str, values: str) -> dict[int, dict[str, str]]:
    """{acc: {column: text}} of a streamed sweep, the constants of FILE.meta.json written into every row."""
    import csv
    import json

    from click.testing import CliRunner

    from compiler.cli import main

    spec = tmp_path / "training.factory"
    spec.write_text(TRAINING, encoding="utf-8")
    out = tmp_path / f"{name}.csv"
    CliRunner().invoke(main, ["eval", str(spec), "-D", f"acc={values}", "--output", str(out), "--chunk-size", "1",
                              "--quiet"])
    meta = json.loads((tmp_path / f"{name}.csv.meta.json").read_text(encoding="utf-8"))
    constants = {p: "" if c["value"] is None else repr(float(c["value"])) for p, c in meta["constants"].items()}
    rows = {}
    for row in csv.DictReader(out.open(encoding="utf-8")):
        row.pop("scenario")
        rows[int(float(row["acc"]))] = {**constants, **row}
    return rows


def test_a_figure_the_first_values_leave_alike_is_not_a_constant_of_the_sweep(tmp_path):
    # the probe (the first two values of each parameter: acc 1152 and 2304) gives the training job's memory
    # utilization and clock one value each (the model returns one where its rows agree); acc = 0 comes later and the
    # job cannot run there: the file said 0.3 and 0.684 there all the same, as a constant, while the sweep in the
    # other order (and the run alone) has no value there. Whatever the order, each scenario's row is the same.
    forward = _streamed(tmp_path, "forward", "[1152, 2304, 0]")
    backward = _streamed(tmp_path, "backward", "[0, 2304, 1152]")
    assert forward[0]["feasible"] == "false"
    for path in ("s.full.memory_utilization", "s.full.sustained_clock"):
        assert forward[0][path] == "", (path, forward[0][path])
        assert forward[1152][path] != ""
    for acc in (0, 1152, 2304):
        assert forward[acc] == backward[acc], acc


# ------------------------------------------------------------------- a product sweep is its runs one at a time
def _product_law(text: str, grid: dict[str, list[str]], root: str) -> None:
    """Every scenario of the product sweep of `grid` equals its run alone, bit for bit: every numeric figure (NaN
    only where both say absent, for the same reason), every check failing there and only there, and every other
    error or warning that names its scenarios. A figure not applicable anywhere in the single run is left out
    of it; the sweep may hold it absent there, with its reason."""
    import itertools

    swept, sink = evaluate_text(text, "law.factory", {k: "[" + ", ".join(v) + "]" for k, v in grid.items()}, root)
    assert swept is not None, [d.message for d in sink.items]
    names = [k for k in swept.graph.sweep if k in grid]              # the scenario axis: the spec's order
    combos = list(itertools.product(*(grid[k] for k in names)))
    n = swept.scenario_count
    assert n == len(combos)
    check_codes = {"assert-failed", "limit-exceeded", "infeasible-workload"}
    for i, combo in enumerate(combos):
        one, one_sink = evaluate_text(text, "law.factory", dict(zip(names, combo)), root)
        assert one is not None, combo
        for path, value in one.values.items():
            if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiub":
                continue
            a = np.broadcast_to(np.asarray(swept.values[path], dtype=float), (n,))[i]
            b = float(np.asarray(value, dtype=float).reshape(-1)[0])
            assert (np.isnan(a) and np.isnan(b)) or (a == b and np.signbit(a) == np.signbit(b)), (combo, path, a, b)
        for path in set(one.absent) | set(swept.absent):
            alone = one.absent[path].at(0) if path in one.absent else None
            there = swept.absent[path].at(i) if path in swept.absent else None
            if alone is None and path not in one.values:
                continue
            assert alone == there, (combo, path, alone, there)
        fails_swept = {c.name for c in swept.checks if not c.ok and (i in c.failing or not c.failing)}
        fails_alone = {c.name for c in one.checks if not c.ok}
        assert fails_swept == fails_alone, (combo, fails_swept ^ fails_alone)

        def named(diagnostics, at=None):
            return {(d.severity, d.code, d.span.line, d.span.col) for d in diagnostics if d.span is not None
                    and d.code not in check_codes and d.severity in ("error", "warning")
                    and (at is None or (d.scenarios is not None and at in d.scenarios))}
        alone = named(one_sink.items)
        assert named(sink.items, i) <= alone, combo       # what the sweep says holds in scenario i holds alone


def test_a_three_parameter_product_is_its_runs_one_at_a_time():
    text = (ROOT / "examples" / "enterprise_starter.factory").read_text(encoding="utf-8")
    _product_law(text, {"racks": ["5", "3"], "servers_per_rack": ["3", "1"],
                        "energy_price": ["-0.5 USD/kWh", "0.2 USD/kWh"]}, str(ROOT / "examples"))


@pytest.mark.slow
def test_an_estate_and_a_serving_sweep_are_their_runs_one_at_a_time(tmp_path):
    import subprocess
    import sys

    estate = subprocess.run([sys.executable, str(ROOT / "bench" / "estate.py"), "2", "2"], capture_output=True,
                            text=True, check=True).stdout
    _product_law(estate, {"racks_per_row": ["3", "0"], "gpu_utilization": ["0.95", "0.2"]}, str(tmp_path))
    shootout = (ROOT / "examples" / "inference_shootout.factory").read_text(encoding="utf-8")
    _product_law(shootout, {"prompt": ["200000 tok", "100 tok"], "answer": ["500 tok", "1 tok"]},
                 str(ROOT / "examples"))


# ------------------------------------------------------------------------------ a figure's flag, scenario by scenario
def _json(*args) -> dict:
    import json

    from click.testing import CliRunner

    from compiler.cli import main

    res = CliRunner().invoke(main, ["eval", str(ROOT / "examples" / "enterprise_starter.factory"), *args,
                                    "--format", "json"])
    return json.loads(res.stdout)


def test_a_flag_of_a_sweep_names_the_scenarios_whose_runs_alone_flag_the_figure():
    # 5 USD/kWh is more than 10x the published range (a warning, not an error): the energy cost is flagged
    # "computed from an input outside its published range" there; the runs at 0.1 and 0.2 USD/kWh flag nothing,
    # and the sweep's JSON flagged the figure with no word of which scenarios (as if every one were suspect)
    prices = ["0.1 USD/kWh", "5 USD/kWh", "0.2 USD/kWh"]
    swept = _json("-D", "energy_price=[" + ", ".join(prices) + "]")
    for path in ("headquarters.opex_energy", "headquarters.tco_year"):
        flagged = [i for i, price in enumerate(prices)
                   if "flagged" in _json("-D", f"energy_price={price}")["quantities"][path]]
        assert flagged == [1]
        assert swept["quantities"][path]["flagged"].get("scenarios") == flagged, swept["quantities"][path]
    # a flag that holds in every scenario names none (the field is left out)
    every = _json("-D", "energy_price=[5 USD/kWh, 6 USD/kWh]")
    assert "scenarios" not in every["quantities"]["headquarters.opex_energy"]["flagged"]
