"""The cost per million tokens a CFO signs (session 12, s12-cost, 2026-12-05): laws of $/Mtok, written first.

The semantics (compiler/models/inference/ "Power and cost", compiler/models/cost.py "$/Mtoken"):

    the service holds `chips` accelerators (aggregated: `accelerators`, default one system or rack, or with a
        `demand` and no `accelerators` the fewest whole replicas carrying it; disaggregated: its two pools, sized
        to the `demand` when one is set) and pays for every one of them every hour, busy or idle: cost per hour =
        chips x its chips' accelerator-hour
    the load it carries while busy, L = min(offered_load, else demand, else tokens_per_s; tokens_per_s): an aggregated
        service's `demand` is its offered load when no `offered_load` is set (its latencies, power and tokens/J are
        at it); a demand above the capacity is the `overloaded` error, never capped in silence
    served_tokens_per_s = L x duty cycle (the service's `utilization`, else service_utilization 0.6)
    usd_per_mtok = cost per hour / served_tokens_per_s

A site that places two chip types prices each service at its own chips' accelerator-hour (cost.py
`type_accelerator_hour`): the capital recovery and maintenance of the systems holding that chip type, plus the
site's energy shared by their average IT power and the rest of its bill (facility, network, staff, land) by their
peak IT power, so that the types' hours add up to the site's bill.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from compiler import evaluate_text
from spec_eval import error_free_values  # tests/ is on the path


def _evaluate(text: str, defines: dict[str, str] | None = None):
    return evaluate_text(text, "cost.factory", defines)


def _run(text: str, defines: dict[str, str] | None = None):
    return error_free_values(text, defines, "cost.factory")


DEMAND = """from systems import DGX_H100
from models import Llama3_1_70B
param d = [1000 tok/s, 500 tok/s]
site s {
  inference i {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 8
    scenario = "server"
    utilization = 1
    accelerator_cost = 3 USD/h
    demand = d
  }
}
"""


def test_usd_per_mtok_times_the_tokens_served_is_the_services_hourly_cost() -> None:
    """8 H100 at $3 an hour: $24 an hour whatever the load. At a demand of 1,000 tok/s (below the capacity, ~9.6
    ktok/s) busy all the time it serves 3.6 Mtok an hour: $24 / 3.6 = $6.667 a Mtok; at 500 tok/s $13.33. The
    capacity's tokens gave $0.69 for both, ~10x under what serving that demand costs."""
    v = _run(DEMAND)
    assert np.all(v["s.i.tokens_per_s"] > 1000)
    served = v["s.i.served_tokens_per_s"]
    assert served == pytest.approx([1000.0, 500.0], rel=1e-12)
    usd = v["s.i.usd_per_mtok"] * 1e6                     # SI USD/tok -> USD/Mtok
    assert usd == pytest.approx([24 / 3.6, 24 / 1.8], rel=1e-9)
    assert usd * served * 3600 / 1e6 == pytest.approx([24.0, 24.0], rel=1e-9)
    # halving the demand below the capacity doubles $/Mtok: the same accelerators, half the tokens
    assert usd[1] == pytest.approx(2 * usd[0], rel=1e-9)
    # its tokens/J are the demand's over the power at that load (an offered load's law)
    assert v["s.i.tokens_per_joule"] == pytest.approx(served / v["s.i.power"], rel=1e-12)
    assert v["s.usd_per_mtok"] == pytest.approx(v["s.i.usd_per_mtok"], rel=1e-12)


def test_the_duty_cycle_scales_the_tokens_served() -> None:
    """utilization 0.25 at a demand of 1,000 tok/s: 250 tok/s served on average, $24 / 0.9 Mtok = $26.67."""
    v = _run(DEMAND.replace("utilization = 1", "utilization = 0.25"))
    assert v["s.i.served_tokens_per_s"] == pytest.approx([250.0, 125.0], rel=1e-12)
    assert v["s.i.usd_per_mtok"][0] * 1e6 == pytest.approx(24 / 0.9, rel=1e-9)


def test_without_a_load_the_service_serves_its_capacity_times_its_duty_cycle() -> None:
    """No demand, no offered load: L = tokens_per_s; served = 0.6 tokens_per_s (service_utilization), $/Mtok =
    $24 / h over it (the figure before this change)."""
    text = DEMAND.replace("    demand = d\n", "").replace("    utilization = 1\n", "")
    v = _run(text)
    c = v["s.i.tokens_per_s"][0]
    assert v["s.i.served_tokens_per_s"][0] == pytest.approx(0.6 * c, rel=1e-12)
    assert v["s.i.usd_per_mtok"][0] == pytest.approx(24 / 3600 / (0.6 * c), rel=1e-12)


def test_an_offered_load_is_the_load_served() -> None:
    """offered_load 2,000 tok/s (below the capacity), duty cycle 1: $24 / 7.2 Mtok = $3.333 a Mtok."""
    v = _run(DEMAND.replace("demand = d", "offered_load = 2000 tok/s"))
    assert v["s.i.served_tokens_per_s"][0] == pytest.approx(2000.0, rel=1e-12)
    assert v["s.i.usd_per_mtok"][0] * 1e6 == pytest.approx(24 / 7.2, rel=1e-9)


def test_a_demand_above_the_capacity_is_an_error_never_a_capped_figure() -> None:
    """1,000 ktok/s on 8 H100 (capacity ~9.6 ktok/s): `overloaded`, naming the demand and the accelerators it needs."""
    from dsl.diagnostics import Code
    results, sink = _evaluate(DEMAND, {"d": "1000 ktok/s"})
    errors = [d for d in sink.errors if d.code == Code.OVERLOADED]
    assert errors, [d.message for d in sink.items]
    assert "demand" in errors[0].message and "accelerators_needed" in errors[0].message, errors[0].message


def test_a_sweep_of_demand_equals_its_single_runs() -> None:
    swept = _run(DEMAND)
    for i, d in enumerate(("1000 tok/s", "500 tok/s")):
        one = _run(DEMAND.replace("param d = [1000 tok/s, 500 tok/s]", f"param d = {d}"))
        for name in ("usd_per_mtok", "served_tokens_per_s", "tokens_per_joule", "power", "tokens_per_s"):
            assert one[f"s.i.{name}"][0] == np.broadcast_to(swept[f"s.i.{name}"], (2,))[i], name


def test_cost_outputs_are_finite_and_positive_or_flagged() -> None:
    for text in (DEMAND, DEMAND.replace("demand = d", "offered_load = 10 tok/s")):
        v = _run(text)
        for name in ("usd_per_mtok", "served_tokens_per_s", "tokens_per_joule"):
            x = np.asarray(v[f"s.i.{name}"], dtype=float)
            assert np.all(np.isfinite(x)) and np.all(x > 0), (name, x)


# ----------------------------------------------------------------------------- two chip types at one site

TWO_TYPES = """from systems import DGX_H100, DGX_H100_rack, GB300_NVL72
from models import Llama3_1_70B
site s {
  land_price = 0 USD
  electricity_price = 0.08 USD/kWh
  hall h100 {
    rack r: DGX_H100_rack x 8
  }
%s  inference i {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 8
    scenario = "server"
  }
}
"""
GB300_HALL = """  hall gb300 {
    rack r: GB300_NVL72 x 4
  }
"""


def test_a_hall_of_another_chip_type_leaves_a_services_usd_per_mtok() -> None:
    """Adding a hall of 4 GB300 NVL72 racks beside the 8 DGX H100 racks moved the H100 service from $0.5807 to
    $0.6021 a Mtok (+3.7%) at the blended site accelerator-hour ($1.507 -> $1.562: GB300s cost more an hour).
    Priced at its own chips' hour it moves only by what the two share by the stated rule (the site's energy by
    average IT power, its facility and staff by peak IT power, both per watt here: the plant's mix and PUE move a
    little): $0.5788 (-0.3%), under 0.5%. Since the cooling classes follow the heat they carry (s14-cfo2: the air-
    cooled H100 hall's cooling plant 1.25 x the reference per W, the liquid GB300 hall's less), the plant's mix moves
    more: $0.5858 -> $0.5826 (-0.55%), under 1%."""
    one = _run(TWO_TYPES % "")
    two = _run(TWO_TYPES % GB300_HALL)
    before, after = one["s.i.usd_per_mtok"][0], two["s.i.usd_per_mtok"][0]
    assert one["s.i.tokens_per_s"][0] == two["s.i.tokens_per_s"][0]
    assert after == pytest.approx(before, rel=1e-2), (before * 1e6, after * 1e6)
    # a one-type site's hour is its TCO over its accelerators with the energy share swapped for the service's own
    # draw (s14-tco; the formula's hand calculation is in tests/test_tco_duty_cycle.py): busy 0.6 of the time, above
    # the 248 accelerators no workload holds, at their idle draw (s19-energy; before, at the site's planning draw
    # at its utilization 0.85, they drew more than the service and its hour was below the blended one)
    assert before > 8 * one["s.cost_per_accelerator_hour"][0] / (0.6 * one["s.i.tokens_per_s"][0])


def test_the_services_costs_add_up_to_the_sites_bill() -> None:
    """Two services holding every accelerator of the site, the H100s (8 racks x 4 DGX x 8 = 256) and the GB300s
    (4 x 72 = 288): their dollars an hour, usd_per_mtok x served_tokens_per_s, add up to the site's tco_year / 1
    yr: every dollar of the bill is some accelerator's, once. The GB300's hour is above the H100's (its rack alone:
    $3.5M / 72 over 5 years, $1.11 an hour)."""
    service = """  inference g {
    model = Llama3_1_70B
    rack = GB300_NVL72
    accelerators = 288
    scenario = "server"
  }
"""
    text = (TWO_TYPES % (GB300_HALL + service)).replace("accelerators = 8\n", "accelerators = 256\n")
    v = _run(text)
    dollars = {n: v[f"s.{n}.usd_per_mtok"][0] * v[f"s.{n}.served_tokens_per_s"][0] for n in ("i", "g")}
    year = 365 * 86400
    assert sum(dollars.values()) * year == pytest.approx(v["s.tco_year"][0] * year, rel=1e-9)
    per_hour = {"i": dollars["i"] / 256 * 3600, "g": dollars["g"] / 288 * 3600}
    assert per_hour["g"] > per_hour["i"] and per_hour["g"] > 3.5e6 / 72 / (5 * 8760)


def test_a_sweep_of_the_other_halls_count_equals_its_single_runs_and_stays_finite() -> None:
    """The GB300 hall x 0 and x 1 in one sweep: each scenario is its single run (x 0: the one-type site's hour)."""
    text = (TWO_TYPES % GB300_HALL.replace("hall gb300 {", "hall gb300 x g {")).replace(
        "site s {", "param g = [0, 1]\nsite s {")
    swept = _run(text)
    for i, g in enumerate((0, 1)):
        one = _run(text.replace("param g = [0, 1]", f"param g = {g}"))
        for name in ("s.i.usd_per_mtok", "s.usd_per_mtok", "s.i.served_tokens_per_s"):
            x = np.broadcast_to(swept[name], (2,))[i]
            assert one[name][0] == pytest.approx(x, rel=1e-12), (name, g)
            assert np.isfinite(x) and x > 0
    base = _run(TWO_TYPES % "")
    assert swept["s.i.usd_per_mtok"][0] == pytest.approx(base["s.i.usd_per_mtok"][0], rel=1e-12)


def test_a_demand_above_the_capacity_is_flagged_beside_an_offered_load() -> None:
    """offered_load 2 ktok/s (carried, below the capacity) with a demand of 1,000 ktok/s: the offered load sets what
    is served, the demand still has to fit: `overloaded`, naming the accelerators it needs; 1 ktok/s does not."""
    from dsl.diagnostics import Code
    text = DEMAND.replace("demand = d", "demand = d\n    offered_load = 2000 tok/s")
    results, sink = _evaluate(text, {"d": "1000 ktok/s"})
    errors = [d for d in sink.errors if d.code == Code.OVERLOADED]
    assert errors and "demand" in errors[0].message and "accelerators_needed" in errors[0].message
    assert results.values["s.i.served_tokens_per_s"][0] == pytest.approx(2000.0, rel=1e-12)
    _run(text, {"d": "1000 tok/s"})


def test_a_demand_without_accelerators_sizes_the_service() -> None:
    """Llama 3.1 70B on DGX H100 without `accelerators`: the layout found on one system (tp 2, ~2.4 ktok/s a
    replica) in whole replicas carrying the demand, searched again on them. The service holds accelerators_needed
    (no `overloaded`: a demand of 50 ktok/s is more than one system's ~9.6 ktok/s but it is sized to it), carries the
    demand within its capacity, and pays for all it holds: $/Mtok x served = accelerators_needed x $3 an hour."""
    text = DEMAND.replace("    accelerators = 8\n", "")
    v = _run(text, {"d": "[50000 tok/s, 1000 tok/s]"})
    needed = v["s.i.accelerators_needed"]
    assert needed[0] > 8 and needed[1] < 8, needed
    assert np.all(v["s.i.tokens_per_s"] >= np.array([50000.0, 1000.0]))
    served = v["s.i.served_tokens_per_s"]
    assert served == pytest.approx([50000.0, 1000.0], rel=1e-12)
    assert v["s.i.usd_per_mtok"] * served * 3600 == pytest.approx(needed * 3.0, rel=1e-9)
    assert v["s.i.tokens_per_s_per_chip"] == pytest.approx(v["s.i.tokens_per_s"] / needed, rel=1e-12)



def test_estimate_with_a_demand_places_what_carries_it() -> None:
    """`factory estimate inference --demand D` with no --count: the service sizes itself (accelerators_needed, the
    fewest whole replicas that carry D) and the generated site places at least that many, so the estimate ends
    without an over-commit error for gear the user never chose (it placed one DGX H100 and failed before), and its
    capacity carries the demand."""
    import json

    from click.testing import CliRunner

    from compiler.cli import main

    result = CliRunner().invoke(main, ["estimate", "inference", "--system", "DGX_H100", "--model", "llama2-70b",
                                       "--demand", "100ktok/s", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "over-committed" not in result.output
    q = {path: v["values"][0] for path, v in json.loads(result.stdout)["quantities"].items()}
    needed, placed = q["estimate.workload.accelerators_needed"], q["estimate.accelerators"]
    assert 8 < needed <= placed                    # more than one system, all of them placed
    assert placed == 8 * math.ceil(needed / 8)     # in whole DGX H100s of 8
    assert q["estimate.workload.tokens_per_s"] >= 100e3
