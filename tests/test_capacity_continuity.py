"""Laws of the capacity point's continuity (issue 11, the knife edge; docs/accuracy.md "The capacity point's knife
edge"). The serving model's capacity point is the largest batch of a geometric grid (BATCH_GRID, ratio 1.146) that
meets the latency limits: a change of the model or the limits by 1e-4 that carries the point's TPOT p99 across its
limit moves it a whole grid step (~14.6% of the rows, ~10% of the throughput). `capacity_solve` 1 solves the batch
between the grid's points (to ~1e-3 in ln B), so the same change moves it by about the change itself.

Laws stated here, on a Llama-2-70B-shaped load on 8 chips (tests/serving_inputs.py):
  - knife    the grid's point whose TPOT p99 sits 1e-5 under the limit drops a grid step when the limit tightens by
             2e-5 (here 538 -> 469 rows, TPOT p99 1.00 -> 0.89 of the limit, throughput -1.5% on its flat curve:
             the defect, shown so the next law means something);
  - smooth   the solved point under the same 2e-5 (and a 1e-4 slower memory) moves by at most the solve's
             resolution, 2 x 0.2726 / 257 = 2.1e-3 in ln B (tests/test_inference.py's by-hand bracket), and its
             throughput by no more than that;
  - monotone a tighter TPOT p99 limit never raises the solved capacity, in 1e-4 relative steps across a grid edge;
  - gate     (slow, expected to fail today) validate's latency categories stay within 10% with the limits 0.5%
             tighter.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M
from serving_inputs import llama2_70b_inputs  # tests/ is on the path

RESOLUTION = 2 * 0.2726 / 257        # two sections' spacing in ln B (bracket 469-616 rows: ln(616 / 469) = 0.2726)


def _inputs():
    hw, arch, load = llama2_70b_inputs(scaleup=72.0, chips=1024.0, queueing=True)
    hw = dataclasses.replace(hw, chips=np.array([8.0]), scaleup=np.array([8.0]))
    # the batch grid (`capacity_solve` 0; the model's default is 1 since 2026-12-07): the solve is each test's own
    return hw, arch, dataclasses.replace(load, tpot_limit=np.array([0.1]), solve=np.array([0.0]))


def _on_edge():
    """The inputs with the TPOT p99 limit 1e-5 above the grid point's own TPOT p99 (a point on the knife)."""
    hw, arch, load = _inputs()
    grid = M.search(hw, arch, load)
    edge = float(grid["tpot"][0]) * (1 + 1e-5)
    return hw, arch, dataclasses.replace(load, tpot_limit=np.array([edge]))


def test_the_grid_point_drops_a_grid_step_under_a_2e5_tighter_limit() -> None:
    hw, arch, load = _on_edge()
    at = M.search(hw, arch, load)
    tighter = M.search(hw, arch, dataclasses.replace(load, tpot_limit=load.tpot_limit * (1 - 2e-5)))
    assert tighter["batch"][0] < at["batch"][0] / 1.1                   # a whole grid step (ratio 1.146)
    assert tighter["tpot"][0] < 0.95 * at["tpot"][0]                    # its latency rows jump (0.89 of the limit)


def test_the_solved_point_moves_by_the_change_not_a_grid_step() -> None:
    hw, arch, load = _on_edge()
    solve = dataclasses.replace(load, solve=np.array([1.0]))
    at = M.search(hw, arch, solve)
    for name, h, l in (("limit 2e-5 tighter", hw, dataclasses.replace(solve, tpot_limit=solve.tpot_limit * (1 - 2e-5))),
                       ("limit 1e-4 tighter", hw, dataclasses.replace(solve, tpot_limit=solve.tpot_limit * (1 - 1e-4))),
                       ("memory 1e-4 slower", dataclasses.replace(hw, bandwidth=hw.bandwidth / (1 + 1e-4)), solve)):
        moved = M.search(h, arch, l)
        assert moved["tpot"][0] <= l.tpot_limit[0] * (1 + 1e-9), name
        assert abs(np.log(moved["batch"][0] / at["batch"][0])) <= RESOLUTION, name
        assert abs(moved["throughput"][0] / at["throughput"][0] - 1) <= RESOLUTION, name
        assert abs(np.log(moved["tpot"][0] / at["tpot"][0])) <= RESOLUTION, name


def test_a_tighter_limit_never_raises_the_solved_capacity() -> None:
    hw, arch, load = _on_edge()
    limits = load.tpot_limit[0] * (1 + 1e-4 * np.arange(-20, 21))     # +-2e-3 around the grid's edge, 41 points
    swept = M.search(hw, arch, dataclasses.replace(load, tpot_limit=limits, solve=np.array([1.0])))
    assert np.all(swept["feasible"] > 0)
    assert np.all(swept["tpot"] <= limits * (1 + 1e-9))
    assert np.all(np.diff(swept["throughput"]) >= -1e-12 * swept["throughput"][1:])
    grid = M.search(hw, arch, dataclasses.replace(load, tpot_limit=limits))
    assert np.all(swept["throughput"] >= grid["throughput"] * (1 - 1e-12))   # never below the grid's point
    # the solved point's TPOT p99 stays on the limit over the sweep (within the resolution); the grid's falls a step
    assert np.all(swept["tpot"] >= limits * np.exp(-RESOLUTION))
    assert np.min(grid["tpot"] / limits) < 0.92


CSV = Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv"


@pytest.mark.slow
@pytest.mark.skipif(not CSV.exists(), reason=f"{CSV} is not present")
@pytest.mark.xfail(strict=True, reason="issue 11: the TTFT p99 gate sits on a knife (docs/accuracy.md \"The capacity "
                   "point's knife edge\"): limits x 0.995 take TTFT p99 9.87% -> 14.68%, TTFT p50 8.66% -> 12.58%; "
                   "since the five mechanisms applied 2026-12-07 (\"Five mechanisms applied\") TTFT p99 9.14% -> "
                   "10.01%, TTFT p50 8.71% -> 8.18%: a blunter edge, still just over the gate")
def test_the_latency_gate_holds_with_the_limits_half_a_percent_tighter() -> None:
    """A gate that a 0.5% change of the limits flips is not a result: every latency category within 10% with both
    latency limits of every Server / Interactive row x 0.995 (one validate run, ~10 s CPU)."""
    plan = V.plan

    def tighter(row, mechanisms=None):
        plan(row, mechanisms)
        for name in ("ttft_limit", "tpot_limit"):
            if row.fields and name in row.fields:
                row.fields[name] = V.Q(row.fields[name].value * 0.995, row.fields[name].unit)
    V.plan = tighter
    try:
        rows, _ = V.run(str(CSV))
    finally:
        V.plan = plan
    cats = V.summary(rows)
    for name in ("TTFT p50", "TTFT p99", "TPOT mean", "TPOT p99", "inference Interactive"):
        assert cats[name]["median"] <= 0.10, f"{name}: {cats[name]['median']:.2%}"
