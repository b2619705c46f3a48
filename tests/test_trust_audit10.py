"""Trust audit (session 10): laws a capacity planner relies on, checked on the examples as a new user meets them.

Each test states a law, never a value an example set. The defects this audit found are named beside the law
that caught them (each fixed in its own commit):

1. The same spec written in other units (kW for W, MUSD for USD, ha for m^2, month for yr, degF for degC,
   ktok for tok, ms for s) gives the same results.
2. A sweep equals the runs one at a time through the CLI: scenario k of `eval -D p=[a,b] --format json` is,
   number for number (the JSON text) and unit for unit, the single run `-D p=<k-th>`. Caught: a list of
   quantities (`-D "days=[30 day,90 day]"`) lost its unit (JSON unit "1", the table `2,592,000`).
3. A missing price never gives a cost silently: a workload whose system (or rack), or whose site's TCO, holds
   parts without a price has its `usd_per_mtok` or `cost` named in their `unpriced` warnings; pricing them
   raises that cost.
   Caught: the Rubin training run cost $18k against Blackwell's $427k, the GPUs counted $0, and the warnings
   named only the rack's capex.
4. A ratio of no power has no value: the PUE and the efficiencies of a site that places no racks are absent
   with their reason (never 0), and the report shows no power chain of 0 W for it. Caught: `pue` 0,
   `power_chain_efficiency` 0 ("0.0%" in the report). A PUE the spec sets is at least 1: `pue = 0.9` gave a
   facility drawing less than its IT, with exit 0.
5. The bill of materials counts each dollar once: the `total_price` of the IT parts placed in a site add up
   to its `capex_it`. Caught: NICs and DPUs inside a rack priced as a whole showed their own cost ($492M on
   the flagship) beside the rack's price, which holds them.
6. Doubling a count doubles what scales and leaves per-unit figures alone (racks of a hall; the demand of a
   disaggregated service).
7. `extends` overriding one field changes only what depends on it.
8. The table, the JSON and the report agree on every number they share; two runs are byte-identical; exit
   codes follow the contract (0 clean or warnings, 1 errors and infeasible workloads, 2 usage; plan 0 / 3).
   Caught: the report's training table showed "Accelerators —" beside a time to train of 310 days for a run
   whose deadline is 60 days (its figures are for one NVL72 rack, the model's default; the deadline's
   `accelerators_needed`, 396, was not in the table); the key figure "$ per million tokens" was labelled "TCO
   over tokens served" where it is the services' accelerator-hours over their tokens ($0.28 against the
   flagship's TCO over its tokens, $0.67).
9. No output of the published examples is NaN, inf or negative without its reason.
10. Conservation and identities on every example: heat to air + heat to liquid = IT power; facility power = IT +
    chain losses + cooling; averages never above peaks; a service's tokens/s = per chip x accelerators =
    tokens/J x power; a run's accelerator-hours = accelerators x time to train, its energy = power x time.
"""
from __future__ import annotations

from compiler.display import _per_year
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from compiler import evaluate_text
from compiler.cli import main
from dsl.units import parse_unit
from spec_eval import scenario_values  # tests/ is on the path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.factory"))
PUBLISHED = sorted((ROOT / "examples" / "published").glob("*.factory"))
STARTER = ROOT / "examples" / "enterprise_starter.factory"
FLAGSHIP = ROOT / "examples" / "flagship_campus.factory"
SHOOTOUT = ROOT / "examples" / "inference_shootout.factory"
MOE = ROOT / "examples" / "moe_training_rubin_vs_blackwell.factory"
YEAR = 365 * 24 * 3600.0


def _values(text: str, name: str = "spec.factory", defines: dict[str, str] | None = None):
    """(results, sink, {path: float array over the scenarios}) of a spec held in memory."""
    results, sink = evaluate_text(text, name, defines)
    assert results is not None, [d.message for d in sink.items]
    return results, sink, scenario_values(results)


def _differences(a: dict, b: dict, rel: float = 1e-9) -> list[str]:
    out = []
    for path in sorted(set(a) | set(b)):
        if path not in a or path not in b:
            out.append(f"{path} only in {'the first' if path in a else 'the second'}")
            continue
        x, y = a[path], b[path]
        both_nan = np.isnan(x) & np.isnan(y)
        close = np.isclose(x, y, rtol=rel, atol=0.0) | both_nan
        if not np.all(close):
            out.append(f"{path}: {x.tolist()} vs {y.tolist()}")
    return out


def _cli(*args: str):
    return CliRunner().invoke(main, list(args))


# ----------------------------------------------------------------------------- 1. units

_UNIT_REWRITES = {
    STARTER: [("10.2 kW", "10200 W"), ("power_limit = 25 kW", "power_limit = 25000 W"), ("120 kW", "0.12 MW"),
              ("0.12 USD/kWh", "120 USD/MWh"), ("height = 8 U", "height = 355.6 mm")],
    FLAGSHIP: [("0.0774 USD/kWh", "77.4 USD/MWh"), ("supply_temp = 40 degC", "supply_temp = 104 degF"),
               ("12000 m^2", "1.2 ha"), ("power_feed = 60 MW", "power_feed = 60000 kW"), ("300 MW", "0.3 GW"),
               ("15.6 Ttok", "15600 Gtok"), ("8192 tok", "8.192 ktok"), ("ttft_limit = 2 s", "ttft_limit = 2000 ms"),
               ("depreciation_it = 5 yr", "depreciation_it = 60 month"), ("0.08 / 1 yr", "0.08 / 12 month"),
               ("12000000 USD / 1 yr", "12 MUSD / 8760 h"), ("40000000 USD", "40 MUSD"), ("120 day", "2880 h")],
    SHOOTOUT: [("1000 tok", "1 ktok"), ("500 ktok/s", "0.5 Mtok/s"), ("4000 tok", "4 ktok")],
    MOE: [("14.8 Ttok", "14800 Gtok"), ("60 day", "1440 h"), ("seq_len = 4096 tok", "seq_len = 4.096 ktok"),
          ("15 Mtok", "15000 ktok")],
}


@pytest.mark.parametrize("path", list(_UNIT_REWRITES), ids=lambda p: p.stem)
def test_the_same_spec_in_other_units_gives_the_same_results(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    other = text
    for old, new in _UNIT_REWRITES[path]:
        assert old in other, old
        other = other.replace(old, new)
    _, _, before = _values(text, str(path))
    _, sink, after = _values(other, str(path))
    assert not sink.has_errors(), [d.message for d in sink.errors]
    assert not _differences(before, after), _differences(before, after)[:10]


# ----------------------------------------------------------------------------- 2. a CLI sweep equals single runs

_SWEEPS = [(STARTER, "racks", ["3", "8"]), (SHOOTOUT, "prompt", ["500 tok", "3000 tok"]),
           (MOE, "days", ["30 day", "90 day"])]


def _json(*args: str) -> dict:
    result = _cli("eval", *args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("path,knob,points", _SWEEPS, ids=lambda v: v.stem if isinstance(v, Path) else str(v))
def test_a_cli_sweep_equals_the_single_runs_number_for_number(path: Path, knob: str, points: list[str]) -> None:
    swept = _json(str(path), "-D", f"{knob}=[{','.join(points)}]")
    assert swept["scenarios"]["count"] == len(points)
    for k, point in enumerate(points):
        alone = _json(str(path), "-D", f"{knob}={point}")
        assert set(alone["quantities"]) <= set(swept["quantities"])
        wrong = [f"{p}: {swept['quantities'][p]['unit']} {swept['quantities'][p]['values'][k]!r} in the sweep, "
                 f"{q['unit']} {q['values'][0]!r} alone"
                 for p, q in alone["quantities"].items()
                 if json.dumps(swept["quantities"][p]["values"][k]) != json.dumps(q["values"][0])
                 or swept["quantities"][p]["unit"] != q["unit"]]
        assert not wrong, wrong[:10]


def test_a_swept_list_of_quantities_keeps_its_unit_in_the_table() -> None:
    """`-D "days=[30 day,90 day]"` prints days as a range does (`30 day .. 90 day`), not 2,592,000."""
    listed = _cli("eval", str(MOE), "-D", "days=[30 day,90 day]", "--select", "days")
    ranged = _cli("eval", str(MOE), "-D", "days=30 day..90 day step 60 day", "--select", "days")
    assert listed.exit_code == 0 and ranged.exit_code == 0
    assert listed.stdout == ranged.stdout
    assert "day" in listed.stdout


# ----------------------------------------------------------------------------- 3. a missing price is never silent

def _notes(sink, code: str = "unpriced") -> list[str]:
    return [note for d in sink.items if d.code == code for note in d.notes]


def test_a_training_run_on_an_unpriced_rack_names_its_cost_in_the_warnings() -> None:
    """VR_NVL72 has no price (its GPUs, CPUs and memory count $0): the run's `cost` is named as holding them at
    $0; priced through `extends`, the same run costs more and no warning names it."""
    text = MOE.read_text(encoding="utf-8")
    _, sink, before = _values(text, str(MOE))
    assert any("`moe_training.rubin_fp4.cost`" in n for n in _notes(sink)), _notes(sink)
    assert not any("blackwell_fp8.cost" in n for n in _notes(sink))       # GB200_NVL72 is priced as a whole
    priced = text.replace("site moe_training {", "rack VR_priced extends VR_NVL72 {\n  price = 4000000 USD\n}\n"
                          "site moe_training {").replace("rack = VR_NVL72", "rack = VR_priced")
    _, sink2, after = _values(priced, str(MOE))
    assert not any("rubin_fp4.cost" in n for n in _notes(sink2)), _notes(sink2)
    assert after["moe_training.rubin_fp4.cost"][0] > before["moe_training.rubin_fp4.cost"][0]
    same = {p: v for p, v in before.items() if not p.startswith("moe_training.rubin_fp4.cost")}
    assert not [d for d in _differences(same, {p: after[p] for p in same if p in after})
                if "rubin_fp4" in d and ".cost" not in d]          # nothing else of the run moves


def test_an_inference_service_on_an_unpriced_system_names_its_usd_per_mtok() -> None:
    _, sink, _ = _values(SHOOTOUT.read_text(encoding="utf-8"), str(SHOOTOUT))
    notes = _notes(sink)
    assert any("`shootout.groq_70b.usd_per_mtok`" in n for n in notes), notes
    assert not any("maia_70b.usd_per_mtok" in n for n in notes)       # it sets its accelerator_cost itself


_UNPRICED_SITE = """from models import Llama3_1_70B
chip plain {
  bf16 = 989 TFLOP/s
  fp8 = 1979 TFLOP/s
  memory = 80 GB
  memory_bw = 3.35 TB/s
  scaleup_bw = 900 GB/s
  tdp = 700 W
%s}
server box {
  chip gpu: plain x 8
  max_power = 10.2 kW
}
site s {
  land_price = 0 USD
  hall h {
    rack r {
      server node: box x 2
    }
  }
  inference svc {
    model = Llama3_1_70B
    system = box
    accelerators = 16
    precision = "fp8"
    scenario = "offline"
    input_tokens = 1000 tok
    output_tokens = 200 tok
  }
}
"""


def test_a_service_costed_by_its_sites_tco_names_the_unpriced_parts_in_it() -> None:
    """The service's $/Mtoken is the site's TCO per accelerator-hour: with the GPUs unpriced, their warning names
    it; priced, the $/Mtoken rises and no warning is left."""
    _, sink, unpriced = _values(_UNPRICED_SITE % "", "site.factory")
    assert any("`s.svc.usd_per_mtok`" in n and "s.cost_per_accelerator_hour" in n for n in _notes(sink)), _notes(sink)
    _, sink2, priced = _values(_UNPRICED_SITE % "  price = 27500 USD\n", "site.factory")
    assert not [d for d in sink2.items if d.code == "unpriced"]
    assert priced["s.svc.usd_per_mtok"][0] > unpriced["s.svc.usd_per_mtok"][0]


# ----------------------------------------------------------------------------- 4. a ratio of no power

_WORKLOADS_ONLY = [SHOOTOUT, MOE]


@pytest.mark.parametrize("path", _WORKLOADS_ONLY, ids=lambda p: p.stem)
def test_a_site_without_racks_has_no_pue_or_efficiency(path: Path) -> None:
    """A site of workloads alone (no building) has no PUE, power-chain or stage efficiency at all: the figures do
    not apply and are left out (they were NaN in every scenario with an absent reason, which no diagnostic
    flagged); a hall of racks whose count is 0 keeps the absent value and its reason (below)."""
    results, _, values = _values(path.read_text(encoding="utf-8"), str(path))
    site = next(p.split(".")[0] for p in values if p.endswith(".it_power") and p.count(".") == 1)
    assert values[f"{site}.it_power"][0] == 0
    ratios = [p for p in values if p.startswith(site + ".") and p.count(".") == 1
              and (p.endswith(".pue") or p.endswith("efficiency") or "_stage_efficiency" in p)]
    assert not ratios, ratios
    assert not [p for p, v in values.items() if np.issubdtype(np.asarray(v).dtype, np.floating)
                and np.isnan(np.asarray(v, dtype=float)).all() and p not in results.absent], "NaN without a reason"


def test_a_placement_of_count_zero_keeps_its_ratios_absent_with_their_reason() -> None:
    """`racks = 0`: the hall places racks, none of them this time: its PUE has no value and says why (a sweep
    through 0 gives the same in that scenario)."""
    spec = """from systems import DGX_H100_rack
site s {
  electricity_price = 0.08 USD/kWh
  hall h {
    power_feed = 1 MW
    rack r: DGX_H100_rack x 0
  }
}
"""
    results, _, values = _values(spec, "spec.factory")
    for p in ("s.h.pue", "s.h.power_chain_efficiency"):
        assert np.isnan(values[p][0]) and results.absent[p].reason, p


def test_the_report_shows_no_power_chain_for_a_site_without_racks(tmp_path) -> None:
    result = _cli("build", str(SHOOTOUT), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "Power-chain efficiency | 0.0%" not in md and "At the utility meter | 0 W" not in md


@pytest.mark.parametrize("where", ["site", "hall"])
def test_a_pue_set_below_one_is_an_error_not_a_facility_that_makes_power(where: str) -> None:
    """`pue = 0.9` on the site (or the hall) gave a facility drawing 50.8 kW on average for 56.4 kW of IT, and
    exit 0. A PUE below 1 is refused at its value (`out-of-range`, s17-hunt-num: before, a limit with both
    powers); 1.3 holds and scales the average power by it."""
    text = STARTER.read_text(encoding="utf-8")
    anchor = '  location = "existing office data room"\n' if where == "site" else "    power_feed = 120 kW"
    assert anchor in text
    for pue, failing in (("0.9", True), ("1.3", False)):
        spec = text.replace(anchor, anchor + f"\n  pue = {pue}\n" if where == "site" else anchor + f"\n    pue = {pue}")
        if failing:
            _, sink = evaluate_text(spec, str(STARTER))
            assert [d.code for d in sink.items if d.severity == "error"] == ["out-of-range"]
            continue
        results, sink, v = _values(spec, str(STARTER))
        errors = [d for d in sink.items if d.severity == "error" and d.code == "limit-exceeded"]
        assert bool(errors) == failing, [d.message for d in sink.items]
        block = "headquarters" if where == "site" else "headquarters.server_room"
        assert math.isclose(v[f"{block}.facility_power_avg"][0], float(pue) * v[f"{block}.it_power_avg"][0])


def test_the_stage_efficiencies_outside_halls_are_absent_when_all_it_is_in_halls() -> None:
    """All of the starter's IT is in its hall: its chain outside the halls carries nothing, so it has no efficiency
    (was 0, then a NaN): no such figure, as for a stage the site does not place, while its losses are 0 W."""
    results, _, values = _values(STARTER.read_text(encoding="utf-8"), str(STARTER))
    outside = [p for p in results.graph.nodes if p.endswith("_stage_efficiency_outside_halls")]
    assert outside and not [p for p in outside if p in values], {p: values[p][0] for p in outside if p in values}
    losses = [p for p in values if p.endswith("_loss_outside_halls") and p.startswith("headquarters.")]
    assert losses and all(values[p][0] == 0 for p in losses)
    inside = [p for p in values if p.endswith("_stage_efficiency") and p.startswith("headquarters.")]
    assert inside and all(0 < values[p][0] <= 1 for p in inside)


# ----------------------------------------------------------------------------- 5. each dollar once

IT_KINDS = ("rack", "server", "chip", "cpu", "memory", "storage")


@pytest.mark.parametrize("path", [STARTER, FLAGSHIP], ids=lambda p: p.stem)
def test_the_bill_of_materials_adds_up_to_the_it_capex(path: Path) -> None:
    results, _, values = _values(path.read_text(encoding="utf-8"), str(path))
    nodes = results.graph.nodes
    for site in [p[:-len(".capex_it")] for p in values if p.endswith(".capex_it") and p.count(".") == 1]:
        lines = [p for p in values if p.startswith(site + ".") and p.endswith(".total_price")
                 and getattr(nodes.get(p), "instance", None) is not None and nodes[p].instance.kind in IT_KINDS]
        bom = sum(float(values[p][0]) for p in lines if not math.isnan(values[p][0]))
        assert math.isclose(bom, float(values[f"{site}.capex_it"][0]), rel_tol=1e-9), (site, bom)
        cards = [p for p in values if p.startswith(site + ".") and p.endswith(".total_price")
                 and getattr(nodes.get(p), "instance", None) is not None and nodes[p].instance.kind in ("nic", "dpu")]
        in_cards = sum(float(values[p][0]) for p in cards if not math.isnan(values[p][0]))
        assert in_cards <= float(values[f"{site}.capex_network"][0]) * (1 + 1e-9), (site, in_cards)


def test_a_part_inside_a_system_priced_as_a_whole_has_no_cost_of_its_own(tmp_path) -> None:
    result = _cli("build", str(FLAGSHIP), "-o", str(tmp_path))
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if line.startswith("| ConnectX8 |"))
    assert row.rstrip().endswith("| — |"), row           # in the GB300 NVL72's price, not $311M beside it
    assert result.exit_code == 0


# ----------------------------------------------------------------------------- 6. doubling a count

def test_doubling_the_racks_leaves_every_per_rack_figure_alone() -> None:
    text = STARTER.read_text(encoding="utf-8")
    _, _, one = _values(text, str(STARTER))
    _, _, two = _values(text, str(STARTER), {"racks": "8"})
    rack = "headquarters.server_room.gpu."
    scaled = ("quantity", "total_price", "total_power", "accelerators_all", "it_power_all")
    per_unit = {p: v for p, v in one.items() if p.startswith(rack) and p.rsplit(".", 1)[1] not in scaled
                and p != rack + "count"}
    assert per_unit and not _differences(per_unit, {p: two[p] for p in per_unit})
    for leaf in ("accelerators", "it_power", "it_power_avg", "heat_air", "capex_it", "power_accelerators"):
        p = f"headquarters.server_room.{leaf}"
        assert math.isclose(two[p][0], 2 * one[p][0], rel_tol=1e-12), p
    for p in [q for q in one if q.startswith(rack) and q.endswith((".quantity", ".total_price", ".total_power"))]:
        assert math.isclose(two[p][0], 2 * one[p][0], rel_tol=1e-12), p


def test_a_multiplicity_equals_the_blocks_written_out() -> None:
    """`hall data_hall x 2` gives the site the figures of two identical halls written one by one (a count is a
    count, not a loop), and nine rows of forty racks the figures of one row of 360."""
    text = FLAGSHIP.read_text(encoding="utf-8")
    hall = text[text.index("  hall data_hall x halls {"):text.index("  # Back end")]
    counted = text.replace(hall, hall.replace("x halls {", "x 2 {"))
    written = text.replace(hall, hall.replace("hall data_hall x halls {", "hall data_hall_a {")
                           + hall.replace("hall data_hall x halls {", "hall data_hall_b {"))
    one_row = text.replace("row pod x rows_per_hall {", "row pod x 1 {").replace(
        "rack nvl: GB300_NVL72 x racks_per_row", "rack nvl: GB300_NVL72 x rows_per_hall * racks_per_row")
    runs = [_values(t, str(FLAGSHIP))[2] for t in (counted, written, text, one_row)]
    site = [p for p in runs[0] if p.startswith("frontier_campus.") and p.count(".") == 1]
    assert not _differences({p: runs[0][p] for p in site}, {p: runs[1][p] for p in site})
    assert not _differences({p: runs[2][p] for p in site}, {p: runs[3][p] for p in site})


# the shootout's disaggregated service alone (examples/inference_shootout.factory's dynamo_70b), its demand a param
_DISAGGREGATED = """from systems import GB200_NVL72
from models import Llama3_1_70B
param demand = 500 ktok/s
param pool = 0
site shootout {
  location = "model comparison, no building"
  inference dynamo_70b {
    model = Llama3_1_70B
    rack = GB200_NVL72
    precision = "fp4"
    scenario = "server"
    serving = "disaggregated"
    input_tokens = 4000 tok
    output_tokens = 500 tok
    demand = demand
  }
}
"""


def test_doubling_a_disaggregated_services_demand_doubles_its_pools_not_its_rates() -> None:
    """A demand-sized prefill pool is the fewest workers whose p99 wait fits the TTFT budget (an M/G/c queue,
    inference "Disaggregated serving"). Its floor ceil(lam / mu) is proportional to the demand; the headroom above
    it is not: at one utilization c workers' p99 wait falls about as 1 / c, so twice the workers run nearer full.
    So at twice the demand the pool is at most twice the pool (two copies carry it, and pooled they wait less), at
    least its floor ceil(2 lam / mu) >= 2 ceil(lam / mu) - 1, and one worker fewer does not carry it. (Before
    2026-12-07 this test asked 2 n - 1 <= n2 <= 2 n of the prefill pool as of a rounded proportional size; at the
    Blackwell FP4 factor 0.92 a worker carries mu = 8.80 prompts/s, the 1,000 requests/s need 113.65 workers, 114
    wait past the budget at rho 0.997, 115 carry them; 228 carry twice at the same rho 0.997: 2 x 115 - 2. Not the
    capacity solve's resolution: `capacity_solve` 0 gives the same pools.) The decode pool, ceil(lam / r_d)
    replicas of a rate r_d, doubles within one replica; the served rate doubles exactly; the per-accelerator rates
    move by the accelerators' share the pools did not double by."""
    s = "shootout.dynamo_70b."
    _, _, both = _values(_DISAGGREGATED, defines={"demand": "[500 ktok/s, 1000 ktok/s]"})
    one, two = ({p: v[k:k + 1] for p, v in both.items()} for k in (0, 1))
    assert math.isclose(two[s + "tokens_per_s"][0], 2 * one[s + "tokens_per_s"][0], rel_tol=1e-12)
    pools = ("prefill_accelerators", "decode_accelerators")
    for run in (one, two):
        assert run[s + "accelerators_needed"][0] == sum(run[s + leaf][0] for leaf in pools)
        assert run[s + "prefill_tp"][0] == 1                  # a worker is one accelerator: workers = accelerators
    pre, pre2 = one[s + "prefill_accelerators"][0], two[s + "prefill_accelerators"][0]
    mu = one[s + "prefill_batch"][0] / one[s + "detail.prefill_time"][0]          # prompts/s of one worker
    lam2 = two[s + "tokens_per_s"][0] / two[s + "output_tokens"][0]
    assert pre == int(pre) and pre2 == int(pre2)
    assert math.ceil(lam2 / mu - 1e-9) <= pre2 <= 2 * pre, (pre, pre2, lam2 / mu)
    dec, dec2 = one[s + "decode_accelerators"][0], two[s + "decode_accelerators"][0]
    assert dec2 in (2 * dec - 1, 2 * dec), (dec, dec2)
    total, total2 = one[s + "accelerators_needed"][0], two[s + "accelerators_needed"][0]
    assert total2 <= 2 * total
    assert math.isclose(two[s + "tokens_per_s_per_chip"][0], one[s + "tokens_per_s_per_chip"][0] * 2 * total / total2,
                        rel_tol=1e-12)
    short = abs(2 * pre - pre2) + abs(2 * dec - dec2)          # the accelerators the pools did not double by
    tol = 1e-12 if short == 0 else short / min(pre, dec)
    for leaf in ("tokens_per_s_per_user", "tpot", "tokens_per_joule", "usd_per_mtok"):
        assert math.isclose(two[s + leaf][0], one[s + leaf][0], rel_tol=tol), leaf
    assert math.isclose(two[s + "power"][0], 2 * one[s + "power"][0], rel_tol=tol)
    # the TTFT at twice the demand is within the limit; with the pool doubled (2 n workers at the same utilization)
    # it never lengthens (pooled servers wait less); one worker fewer than the fewest does not carry the demand
    assert two[s + "ttft"][0] <= two[s + "ttft_limit_held"][0]
    text = _DISAGGREGATED.replace("    demand = demand\n", "    demand = demand\n    prefill_accelerators = pool\n")
    _, _, fixed = _values(text, defines={"demand": "1000 ktok/s", "pool": f"[{2 * pre:g}, {pre2 - 1:g}]"})
    assert fixed[s + "feasible"].tolist() == [1.0, 0.0]
    assert fixed[s + "ttft"][0] <= one[s + "ttft"][0]


# ----------------------------------------------------------------------------- 7. extends with one override

def _placed_as(text: str, body: str) -> str:
    return (text.replace("rack air_rack {", f"server hgx2 extends hgx_h100 {{\n{body}}}\nrack air_rack {{")
            .replace("server node: hgx_h100", "server node: hgx2"))


def test_extends_without_override_equals_the_parent_and_one_override_moves_only_its_dependents() -> None:
    text = STARTER.read_text(encoding="utf-8")
    _, _, parent = _values(text, str(STARTER))
    _, _, child = _values(_placed_as(text, ""), str(STARTER))
    shared = {p: v for p, v in parent.items() if not p.startswith("hgx_h100.")}
    assert not _differences(shared, {p: child[p] for p in shared})
    _, _, bigger = _values(_placed_as(text, "  max_power = 11 kW\n"), str(STARTER))
    moved = {d.split(":")[0].rsplit(".", 1)[1] for d in _differences(child, bigger)}
    assert moved == {"max_power", "nameplate"}         # nameplate = sum(rack.server.max_power), nothing else
    _, _, shorter = _values(_placed_as(text, "  height = 6 U\n"), str(STARTER))
    assert {d.split(":")[0].rsplit(".", 1)[1] for d in _differences(child, shorter)} == {"height"}


def test_a_price_override_on_a_stdlib_rack_moves_only_costs() -> None:
    text = SHOOTOUT.read_text(encoding="utf-8")
    base = text.replace("site shootout {", "rack G2 extends GB200_NVL72 {\n}\nsite shootout {") \
        .replace("rack = GB200_NVL72", "rack = G2")
    _, _, a = _values(base, str(SHOOTOUT))
    _, _, b = _values(base.replace("rack G2 extends GB200_NVL72 {\n}", "rack G2 extends GB200_NVL72 {\n"
                                   "  price = 6000000 USD\n}"), str(SHOOTOUT))
    moved = {d.split(":")[0].rsplit(".", 1)[1] for d in _differences(a, b)}
    assert moved == {"price", "capex_it", "capex_depreciable_it", "usd_per_mtok", "cost_per_hour",
                     "services_cost_per_hour", "services_accelerator_hour"}, moved     # all costs (s17-render/-2)


# ----------------------------------------------------------------------------- 8. table, JSON, report; bytes; exits

_ROW = re.compile(r"^(\S+)\s+(-?[\d,]*\.?\d+(?:e[+-]?\d+)?)(?:\s+(\S+))?\s*$")


@pytest.mark.parametrize("path", [STARTER, SHOOTOUT], ids=lambda p: p.stem)
def test_the_table_and_the_json_agree_on_every_number(path: Path) -> None:
    table = _cli("eval", str(path))
    quantities = _json(str(path))["quantities"]
    compared = 0
    for line in table.stdout.splitlines():
        m = _ROW.match(line)
        if not m or m.group(1) not in quantities or m.group(3) == "J/(kg*K)":
            continue
        path_, shown, unit = m.group(1), float(m.group(2).replace(",", "")), m.group(3)
        value = quantities[path_]["values"][0]
        assert value is not None, f"{path_}: {line.strip()} in the table, null in JSON"
        if unit:            # a year's total reads `MWh/yr` over an SI J: "/yr" names the period (display.PER_YEAR)
            unit = _per_year(unit, quantities[path_]["unit"])[0]
        si = parse_unit(unit).to_si(shown) if unit else shown
        assert math.isclose(si, value, rel_tol=6e-4, abs_tol=1e-9), f"{line.strip()} vs {value} in JSON"
        compared += 1
    assert compared > 300


def _report_number(text: str) -> float:
    """A key figure as the report prints it ($2.72M, $573k / yr, 67.02 kW, 1.109 Mtok/s, 8.8 days) in SI."""
    text = text.split(" \\(⚠")[0].replace(",", "").strip()     # a flagged figure: its number, then why
    if text.startswith("$"):
        m = re.fullmatch(r"\$(-?[\d.]+)([kMB]?)(?: / (yr|h|Mtok|MW))?", text)
        assert m, text
        value = float(m.group(1)) * {"": 1, "k": 1e3, "M": 1e6, "B": 1e9}[m.group(2)]
        return value / {None: 1, "yr": YEAR, "h": 3600.0, "Mtok": 1e6, "MW": 1e6}[m.group(3)]
    number, _, unit = text.partition(" ")
    unit = {"days": "day", "": ""}.get(unit, unit)
    return parse_unit(unit).to_si(float(number)) if unit else float(number)


_KPI_PATHS = {"Accelerators": "accelerators", "IT power": "it_power", "Facility power": "facility_power",
              "PUE": "pue", "Tokens per second": "tokens_per_s", "Tokens per joule": "tokens_per_joule",
              "Time to train": "time_to_train", "Capex": "capex", "TCO per year": "tco_year",
              "$ per million tokens": "usd_per_mtok"}


@pytest.mark.parametrize("path", [STARTER, FLAGSHIP, SHOOTOUT], ids=lambda p: p.stem)
def test_the_reports_key_figures_agree_with_its_results_json(path: Path, tmp_path) -> None:
    result = _cli("build", str(path), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    quantities = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["quantities"]
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    site = next(p.split(".")[0] for p in quantities if p.endswith(".capex") and p.count(".") == 1)
    section = md.split("### Key figures", 1)[1].split("####", 1)[0]
    compared = 0
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) < 2 or cells[0].replace("\\", "") not in _KPI_PATHS:
            continue
        label, shown = cells[0].replace("\\", ""), cells[1]
        value = quantities.get(f"{site}.{_KPI_PATHS[label]}", {"values": [None]})["values"][0]
        if shown == "—":
            assert value in (None, 0.0), f"{label}: — in the report, {value} in results.json"
            continue
        assert value is not None, f"{label}: {shown} in the report, none in results.json"
        assert math.isclose(_report_number(shown), value, rel_tol=0.01), f"{label}: {shown} vs {value}"
        compared += 1
    assert compared >= 3


def test_the_reports_training_table_says_which_count_its_figures_are_for(tmp_path) -> None:
    """A run sized by a deadline shows, beside its figures, the count they are for (accelerator_hours /
    time_to_train, the model's default of one system) and its accelerators_needed; never a blank count beside a
    time to train longer than the deadline."""
    result = _cli("build", str(MOE), "-o", str(tmp_path))
    quantities = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["quantities"]
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    header = next(line for line in md.splitlines() if line.startswith("| Workload |") and "Time to train" in line)
    columns = [c.strip() for c in header.strip("|").split("|")]
    for run in ("blackwell_fp8", "rubin_fp4", "gb200_run"):
        row = next(line for line in md.splitlines() if line.startswith(f"| {run.replace('_', chr(92) + '_')} |"))
        cells = dict(zip(columns, [c.strip() for c in row.strip("|").split("|")]))
        q = {k.rsplit(".", 1)[1]: v["values"][0] for k, v in quantities.items() if k.startswith(f"moe_training.{run}.")}
        ran = q["accelerator_hours"] / q["time_to_train"]
        assert _report_number(cells["Accelerators"].split(" ")[0]) == pytest.approx(ran), cells
        if "accelerators_needed" in q:           # (a run with a deadline)
            assert _report_number(cells["Accelerators needed"]) == pytest.approx(q["accelerators_needed"]), cells
        else:                                    # a run at its count, no deadline: no count it "needs" (s16-num2)
            assert cells["Accelerators needed"] == "—" and run == "gb200_run", cells
    assert result.exit_code == 0


def test_the_reports_dollars_per_mtok_says_what_it_divides(tmp_path) -> None:
    """The flagship's $/Mtoken (its chat service's accelerator-hours at the site's TCO rate, over its tokens at
    a 0.6 duty cycle) is not the site's TCO over the tokens served (the training halls are in that TCO): the
    report's note must not say it is."""
    _cli("build", str(FLAGSHIP), "-o", str(tmp_path))
    q = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["quantities"]
    per_mtok = q["frontier_campus.usd_per_mtok"]["values"][0]
    tco_over_tokens = q["frontier_campus.tco_year"]["values"][0] / q["frontier_campus.tokens_per_s"]["values"][0]
    row = next(line for line in (tmp_path / "report.md").read_text(encoding="utf-8").splitlines()
               if line.startswith("| $ per million tokens |"))
    if not math.isclose(per_mtok, tco_over_tokens, rel_tol=0.01):
        assert "TCO over tokens" not in row, (row, per_mtok, tco_over_tokens)


@pytest.mark.parametrize("path", [STARTER, MOE], ids=lambda p: p.stem)
def test_two_builds_are_byte_identical(path: Path, tmp_path) -> None:
    outputs = []
    for k in range(2):
        result = _cli("build", str(path), "-o", str(tmp_path / str(k)))
        assert result.exit_code == 0, result.output
        outputs.append({name: (tmp_path / str(k) / name).read_bytes()
                        for name in ("report.md", "report.html", "results.json")})
    assert outputs[0] == outputs[1]
    assert _cli("eval", str(path), "--format", "json").stdout == _cli("eval", str(path), "--format", "json").stdout


_INFEASIBLE = """from systems import DGX_H100
from models import Llama3_1_405B
site s {
  inference big {
    model = Llama3_1_405B
    system = DGX_H100
    accelerators = 1
    precision = "bf16"
    scenario = "server"
    input_tokens = 1000 tok
    output_tokens = 200 tok
  }
}
"""


def test_exit_codes_follow_the_contract(tmp_path) -> None:
    infeasible = tmp_path / "infeasible.factory"
    infeasible.write_text(_INFEASIBLE, encoding="utf-8")
    bad = _cli("eval", str(infeasible), "--format", "json")
    assert bad.exit_code == 1                                          # a workload that cannot run
    doc = json.loads(bad.stdout)
    assert doc["quantities"]["s.big.tokens_per_s"]["values"] == [None]
    assert doc["quantities"]["s.big.usd_per_mtok"]["values"] == [None]
    assert _cli("eval", str(MOE)).exit_code == 0                       # warnings only (unpriced parts)
    assert _cli("eval", str(STARTER), "-D", "no_such_param=3").exit_code == 2
    assert _cli("eval", str(tmp_path / "missing.factory")).exit_code == 2
    assert _cli("plan", str(STARTER), str(STARTER)).exit_code == 0
    changed = tmp_path / "changed.factory"
    changed.write_text(STARTER.read_text(encoding="utf-8").replace('"four racks of two 8-GPU servers"', '"gpus"')
                       .replace("energy_price = 0.12 USD/kWh", "energy_price = 0.15 USD/kWh"), encoding="utf-8")
    assert _cli("plan", str(STARTER), str(changed)).exit_code == 3


# ----------------------------------------------------------------------------- 9. published examples

@pytest.mark.parametrize("path", PUBLISHED, ids=lambda p: p.stem)
def test_published_examples_have_no_silent_nan_inf_or_negative(path: Path) -> None:
    results, sink = evaluate_text(path.read_text(encoding="utf-8"), str(path))
    assert results is not None and not sink.has_errors(), [d.message for d in sink.errors]
    bad = []
    for p, v in sorted(results.values.items()):
        if not isinstance(v, np.ndarray) or v.dtype.kind not in "fiu":
            continue
        kind = results.graph.nodes[p].kind if p in results.graph.nodes else "?"
        absent = results.absent.get(p)
        given = np.ones(v.shape, dtype=bool)
        if absent is not None and absent.reason:
            given = ~np.broadcast_to(np.asarray(absent.mask, dtype=bool).reshape(-1), v.shape)
        if not np.all(np.isfinite(v[given])):
            bad.append(f"{p} = {v.tolist()}")
        elif kind in ("model", "count", "assumption") and np.any(v[given] < 0):
            bad.append(f"{p} = {v.tolist()} < 0")
    assert not bad, bad


# ----------------------------------------------------------------------------- 10. conservation and identities

def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


@pytest.mark.parametrize("path", EXAMPLES + PUBLISHED, ids=lambda p: p.stem)
def test_conservation_and_identities_hold_on_every_example(path: Path) -> None:
    _, _, v = _values(path.read_text(encoding="utf-8"), str(path))
    bad = []
    for p in [p for p in v if p.endswith(".it_power")]:
        b = p[:-len(".it_power")]
        it = v[p][0]
        if b + ".heat_air" in v and b + ".heat_liquid" in v and not _close(v[b + ".heat_air"][0]
                                                                           + v[b + ".heat_liquid"][0], it):
            bad.append(f"{b}: heat to air + to liquid != IT power")
        if b + ".facility_power" in v and not _close(it + v[b + ".power_chain_loss"][0] + v[b + ".cooling_power"][0],
                                                     v[b + ".facility_power"][0]):
            bad.append(f"{b}: facility power != IT + losses + cooling")
        for avg, peak in ((".it_power_avg", ".it_power"), (".facility_power_avg", ".facility_power")):
            if b + avg in v and b + peak in v and v[b + avg][0] > v[b + peak][0] * (1 + 1e-9):
                bad.append(f"{b}{avg} above {peak}")
    for p in [p for p in v if p.endswith(".tokens_per_s_per_chip")]:
        b = p[:-len(".tokens_per_s_per_chip")]
        tokens = v[b + ".tokens_per_s"][0]
        if math.isnan(tokens):
            continue
        if b + ".accelerators" in v and not _close(v[p][0] * v[b + ".accelerators"][0], tokens):
            bad.append(f"{b}: tokens/s != per chip x accelerators")
        if b + ".power" in v and not _close(v[b + ".tokens_per_joule"][0] * v[b + ".power"][0], tokens):
            bad.append(f"{b}: tokens/s != tokens/J x power")
    for p in [p for p in v if p.endswith(".accelerator_hours")]:
        b = p[:-len(".accelerator_hours")]
        if math.isnan(v[p][0]):
            continue
        if b + ".accelerators" in v and not _close(v[p][0], v[b + ".accelerators"][0] * v[b + ".time_to_train"][0]):
            bad.append(f"{b}: accelerator-hours != accelerators x time to train")
        if b + ".energy" in v and not _close(v[b + ".energy"][0], v[b + ".power"][0] * v[b + ".time_to_train"][0]):
            bad.append(f"{b}: energy != power x time to train")
    assert not bad, bad[:10]
