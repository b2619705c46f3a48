"""Trust hunt, session 21 (s21-hunt): laws a new user's uses break, each found by the law written here first.

1. A figure a flagged figure equals by construction is flagged too. Where an inference service cannot run, its
   site's energy bill counts the service's accelerators at the site's planning draw, and the site's
   `facility_power_metered` (energy_year, opex, TCO, PUE, accelerator-hour through the graph) says so
   (`infeasible-workload`, tests/test_report2_hunt17.py). Its halls carry their share of that same draw
   (`hall.facility_power_metered`, session 17) and the site and its halls the IT it meters (`it_power_metered`,
   session 19): those were printed with no mark, so a site of one hall printed its hall's energy bill 634 MWh/yr
   unflagged beside the site's identical, flagged 634 MWh/yr (exit 1 for the error, but the hall's figures clean
   in JSON, the table and the report). Now every metered figure the fallback reaches is flagged in the scenarios
   where the service cannot run, and a hall that places none of the service's chip type stays clean.
2. A sweep's `eval --format csv` flagged a quantity's every scenario for a flag that holds in some (the feasible
   scenario's $/Mtok read as flagged): its `flagged` cell now names the scenario columns, as results JSON does.
3. The power one-line drew the utility's average as the energy bill meters it (`facility_power_metered`, the PUE's
   numerator) and each IT-load card's average at the planning draw (`it_power_avg`): a one-hall H100 site read
   27.27 kW at the meter and 59.16 kW of IT (PUE 1.236 printed beside them, 0.46 as drawn); the flagship 195.1 MW at
   the meter over 4 x 43.44 + 20.99 = 194.7 MW of IT (1.002, PUE 1.08 printed). The IT cards now give the metered
   IT (`it_power_metered`; a site's own outside its halls, `it_power_metered_outside_halls`), so the meter's
   average over the cards' is the PUE the title prints.
4. Results JSON's `totals` (what the plan's top-level sites add up to) carried no flag where a term it adds is
   flagged: two sites, one with a chip of 700 kW TDP (`implausible-value`), gave `west.it_power` flagged and
   `totals.it_power` 7.517 MW clean, while the physical view's totals line marks the same 7.517 MW. A total now
   carries the union of its terms' flags (and the scenarios where they hold), as the diagrams' totals lines do.
5. A site that another site extends (`site west extends east`, to reuse its prices) was left out of the plan's
   totals and of every diagram as a "definition", while eval, the report (a column each) and its checks count it
   as the site it is: the physical view drew `west` alone, 8 accelerators, where the report gives 64 + 8. A
   top-level site is always part of the plan (a site is never placed); lower levels keep leaving out the
   definitions others extend (a file of rack templates).
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from compiler.cli import main
from test_scale_hunt14 import SERVICE_SPEC  # tests/ is on the path

# ---------------------------------------------------------------------------------------------- 1. metered flags
# Two DGX H100 racks in a hall and one service whose latency limit no layout meets when tpot_max is 1 ms
ONE_HALL = SERVICE_SPEC.replace("from systems import DGX_H100", "from systems import DGX_H100, DGX_H100_rack").replace(
    "param prompt = 1000 tok", "param prompt = 2000 tok\nparam tpot_max = 50 ms").replace(
    "site s {", "site lab {\n  land_price = 0 USD\n  hall h {\n    rack r: DGX_H100_rack x 2\n  }").replace(
    "    output_tokens = 200 tok\n", "    output_tokens = 400 tok\n    tpot_limit = tpot_max\n")

# the same, with a second hall of MI300X servers that no workload runs on
TWO_HALLS = ONE_HALL.replace("from systems import DGX_H100, DGX_H100_rack",
                             "from systems import DGX_H100, DGX_H100_rack, MI300X_8GPU").replace(
    "    rack r: DGX_H100_rack x 2\n  }\n",
    "    rack r: DGX_H100_rack x 2\n  }\n  hall amd {\n    rack m: amd_rack x 2\n  }\n").replace(
    "param tpot_max = 50 ms\n",
    "param tpot_max = 50 ms\n\nrack amd_rack {\n  server node: MI300X_8GPU x 2\n  power_limit = 40 kW\n}\n")

# figures a hall and its site both have, equal where the site is one hall holding every accelerator
METERED = ("facility_power_metered", "it_power_metered", "energy_year", "opex_energy", "opex", "tco_year", "pue",
           "cost_per_accelerator_hour")


def _json(tmp_path, text: str, *args) -> tuple[int, dict]:
    spec = tmp_path / "spec.factory"
    spec.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", str(spec), "--format", "json", *args])
    return res.exit_code, json.loads(res.stdout)


def test_a_hall_equal_to_its_flagged_site_is_flagged_like_it(tmp_path) -> None:
    rc, doc = _json(tmp_path, ONE_HALL, "-D", "tpot_max=1ms")
    assert rc == 1                                     # the service cannot run: an error
    q = doc["quantities"]
    for name in METERED:
        site, hall = q[f"lab.{name}"], q[f"lab.h.{name}"]
        # one hall holds every accelerator and nothing lies outside it: the same number ...
        assert hall["values"] == pytest.approx(site["values"], rel=1e-12), name
        # ... so the same mark: a planning-draw fallback is flagged wherever it is printed
        assert "flagged" in site, name
        assert hall.get("flagged", {}).get("codes") == ["infeasible-workload"], (name, hall)


def test_the_metered_flags_hold_in_the_failing_scenarios_alone(tmp_path) -> None:
    rc, doc = _json(tmp_path, ONE_HALL, "-D", "tpot_max=[1ms, 50ms]")
    assert rc == 1
    q = doc["quantities"]
    for name in METERED:
        for path in (f"lab.{name}", f"lab.h.{name}"):
            assert q[path]["flagged"]["scenarios"] == [0], path
    # the feasible scenario alone is clean: a run of it has no flag at all
    rc, alone = _json(tmp_path, ONE_HALL, "-D", "tpot_max=50ms")
    assert rc == 0
    assert not [p for p, v in alone["quantities"].items() if "flagged" in v]


def test_a_hall_without_the_services_chip_type_stays_clean(tmp_path) -> None:
    rc, doc = _json(tmp_path, TWO_HALLS, "-D", "tpot_max=1ms")
    assert rc == 1
    q = doc["quantities"]
    for name in METERED:
        assert "infeasible-workload" in q[f"lab.h.{name}"]["flagged"]["codes"], name
        # (MI300X servers have no stdlib price: the AMD hall's capex, hence its opex, is `unpriced`, rightly)
        assert "infeasible-workload" not in q[f"lab.amd.{name}"].get("flagged", {}).get("codes", []), name


# ---------------------------------------------------------------------------------------------- 2. a sweep's CSV flags
def test_a_sweeps_csv_flags_a_figure_in_the_scenarios_its_runs_one_at_a_time_flag(tmp_path) -> None:
    """`eval --format csv` of a sweep writes one `flagged` cell a quantity, which said the reason alone: the
    scenario_1 cell of `lab.usd_per_mtok` ($1.09 / Mtok, clean in its run alone) read as flagged because the
    service cannot run in scenario_0. A flag that holds in some scenarios names their columns, as results JSON's
    `flagged.scenarios` and the table do."""
    import csv
    import io

    spec = tmp_path / "spec.factory"
    spec.write_text(ONE_HALL, encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", str(spec), "-D", "tpot_max=[1ms, 50ms]", "--format", "csv"])
    assert res.exit_code == 1
    rows = {r["quantity"]: r for r in csv.DictReader(io.StringIO(res.stdout))}
    _, alone = _json(tmp_path, ONE_HALL, "-D", "tpot_max=50ms")
    for path in ("lab.usd_per_mtok", "lab.chat.usd_per_mtok", "lab.energy_year", "lab.h.energy_year", "lab.pue"):
        row = rows[path]
        assert row["scenario_1"] and "flagged" not in alone["quantities"][path]       # clean alone
        assert row["flagged"].endswith("(in scenario_0)"), row


# ---------------------------------------------------------------------------------------------- 3. power one-line
def _power_dot(path: str, defines: dict | None = None) -> tuple[str, dict]:
    import re

    from compiler.cli import run_pipeline
    from compiler.render.diagram import diagram_dot

    results, sink = run_pipeline([path], defines or {}, None, evaluate_all=True)
    assert results is not None, [d.message for d in sink.items]
    values = {p: float(v.reshape(-1)[0]) for p, v in results.values.items()
              if hasattr(v, "dtype") and v.dtype.kind in "fiub"}
    plain = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", diagram_dot(results, "power")).replace("&#8194;", " "))
    return plain, values


def _kw(text: str) -> float:
    number, unit = text.replace(",", "").split()
    return float(number) * {"W": 1e-3, "kW": 1.0, "MW": 1e3}[unit]


def _cards(plain: str) -> tuple[float, float, list[float]]:
    """(the meter's average, the PUE printed beside it, [each IT-load card's average]), in kW."""
    import re

    meter = re.search(r"peak at the meter ([\d.,]+ [kM]?W) average · PUE ([\d.]+)", plain)
    cards = re.findall(r"IT LOAD \(RACKS\) [\d.,]+ [kM]?W IT peak(?: each)? ([\d.,]+ [kM]?W) average", plain)
    return _kw(meter.group(1)), float(meter.group(2)), [_kw(c) for c in cards]


def test_the_power_one_lines_it_average_is_the_one_its_meter_and_pue_read(tmp_path) -> None:
    spec = tmp_path / "one.factory"
    spec.write_text(ONE_HALL, encoding="utf-8")
    plain, v = _power_dot(str(spec))
    meter, pue, cards = _cards(plain)
    assert len(cards) == 1
    assert cards[0] == pytest.approx(v["lab.h.it_power_metered"] / 1e3, rel=1e-3)     # 22.06 kW, not 59.16
    assert meter / cards[0] == pytest.approx(pue, rel=2e-3)                           # the PUE it prints
    assert meter >= cards[0]                                                           # the meter holds the IT


def test_the_flagships_power_one_line_adds_up_to_its_metered_it() -> None:
    from pathlib import Path

    flagship = str(Path(__file__).resolve().parents[1] / "examples" / "flagship_campus.factory")
    plain, v = _power_dot(flagship)
    meter, pue, cards = _cards(plain)
    # its four halls (`param halls = 4`) drawn once, "each", and the site's own IT (its fabrics) outside them
    assert len(cards) == 2
    total = cards[0] * 4 + cards[1]
    assert total == pytest.approx(v["frontier_campus.it_power_metered"] / 1e3, rel=1e-3)   # 180.6 MW, not 194.7
    assert meter / total == pytest.approx(pue, rel=5e-3)


# ---------------------------------------------------------------------------------------------- 4. results JSON totals
TWO_SITES = '''
from systems import DGX_H100_rack
from chips import H100_SXM

param west_tdp = 700 W

chip hot extends H100_SXM { tdp = west_tdp }
rack hotrack {
  server b { chip g: hot x 8 }
  power_limit = 10 MW
}
site east {
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
  hall h { rack r: DGX_H100_rack x 2 }
}
site west {
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
  hall h { rack r: hotrack x 1 }
}
'''


def test_a_total_is_flagged_where_a_figure_it_adds_is(tmp_path) -> None:
    rc, doc = _json(tmp_path, TWO_SITES, "-D", "west_tdp=700 kW")        # 700 kW for 700 W: implausible
    assert rc == 0                                                         # a warning
    q, totals = doc["quantities"], doc["totals"]
    for name in ("it_power", "facility_power", "heat_air", "cooling_power"):
        terms = [t["figure"] for t in totals[name]["terms"]]
        flagged = [q[f]["flagged"] for f in terms if "flagged" in q[f]]
        assert flagged, name                                               # west's is
        assert totals[name]["flagged"]["codes"] == ["implausible-value"], (name, totals[name])
        assert "scenarios" not in totals[name]["flagged"]
    assert "flagged" not in totals["accelerators"]                       # 72 chips, whatever their TDP
    # in a sweep, where its terms are: scenario 1 alone
    rc, doc = _json(tmp_path, TWO_SITES, "-D", "west_tdp=[700 W, 700 kW]")
    assert doc["totals"]["it_power"]["flagged"]["scenarios"] == [1]
    # a plan with no flag has none
    rc, doc = _json(tmp_path, TWO_SITES)
    assert rc == 0 and not [n for n, t in doc["totals"].items() if "flagged" in t]


# ---------------------------------------------------------------------------------------------- 5. extended sites
EXTENDED_SITE = TWO_SITES.replace("site west {\n  electricity_price = 0.1 USD/kWh\n  land_price = 0 USD\n",
                                  "site west extends east {\n")


def test_the_totals_and_diagrams_add_up_every_site_the_report_shows(tmp_path) -> None:
    assert "site west extends east" in EXTENDED_SITE
    rc, doc = _json(tmp_path, EXTENDED_SITE)
    q, totals = doc["quantities"], doc["totals"]
    for name in ("accelerators", "it_power", "facility_power"):
        assert [t["figure"] for t in totals[name]["terms"]] == [f"east.{name}", f"west.{name}"]
        assert totals[name]["values"][0] == pytest.approx(q[f"east.{name}"]["values"][0] +
                                                          q[f"west.{name}"]["values"][0], rel=1e-12)
    spec = tmp_path / "spec.factory"
    res = CliRunner().invoke(main, ["diagram", str(spec), "--view", "physical", "-o", "-", "--format", "dot"])
    assert res.exit_code == 0
    assert "east, west" in res.stdout and "72 accelerators" in res.stdout      # 64 + 8, not west's 8 alone
