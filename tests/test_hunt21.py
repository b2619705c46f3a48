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
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from compiler.cli import main

# ---------------------------------------------------------------------------------------------- 1. metered flags
ONE_HALL = '''"""Two DGX H100 racks and one service whose latency limit no layout meets when tpot_max is 1 ms."""
from systems import DGX_H100, DGX_H100_rack
from models import Llama3_1_70B

param tpot_max = 50 ms

site lab {
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
  hall h {
    rack r: DGX_H100_rack x 2
  }
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 8
    precision = "fp8"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 400 tok
    tpot_limit = tpot_max
  }
}
'''

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
