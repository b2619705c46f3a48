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

import numpy as np
import pytest

from compiler import evaluate_text
from compiler.render import view as view_module
from compiler.render.view import MAX_SCENARIOS_NAMED, ResultsView, problems, scenarios_text

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
