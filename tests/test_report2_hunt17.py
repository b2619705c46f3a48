"""Report hunt 2, session 17 (s17-report2): figures from an impossible state, found by s17-hunt-report.

- A site's energy bill (facility_power_metered, energy_year, opex_energy, opex, tco_year, its accelerator-hour)
  in a scenario where one of its inference services cannot run (the weights do not fit) assumed that service's
  accelerators at the site's planning draw, and nothing said so: now those figures are flagged in exactly those
  scenarios (`infeasible-workload`), in results JSON (`flagged.scenarios`), eval's table and the report, and a
  sweep flags them where its runs one at a time do.
- Eval's table put a sweep's flag after the whole row, and a streamed sweep's meta and summary named no
  scenarios, where results JSON says which (`flagged.scenarios`): now the flagged cells alone carry the mark
  (`304.9 MWh/yr ⚠`) with the scenarios named, the meta has `flagged_scenarios` and the summary counts them.
- A hall's energy, opex and TCO were at the site's planning load where its site's are at its services' duty
  cycles (one hall holding every accelerator: 304.9 MWh/yr and $1.035 an accelerator-hour against the site's
  184.7 MWh/yr and $0.9919): now a hall carries its share of the site's metered draw (`facility_power_metered`,
  by accelerators), and a site's energy is the sum of its halls' and what lies outside them.
"""
from __future__ import annotations

import json

from click.testing import CliRunner

from compiler.cli import main

NO_FIT = '''"""A service whose model does not fit one H100 (tp 1), and fits eight (tp 8)."""
from chips import H100_SXM, Xeon_8480C
from models import Llama3_1_70B
from systems import DGX_H100

param acc = 8

server hgx {
  chip gpu: H100_SXM x 8
  cpu host: Xeon_8480C x 2
  max_power = 10.2 kW
  cooling = "air"
  height = 8 U
}
rack ar {
  server node: hgx x 2
  power_limit = 25 kW
  cooling = "air"
  height = 42 U
}
site s {
  location = "x"
  electricity_price = 0.1 USD/kWh
  land_price = 1000000 USD
  hall h {
    power_feed = 500 kW
    rack gpu: ar x 2
  }
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = acc
    tp = acc
    precision = "bf16"
    scenario = "server"
    input_tokens = 1000 tok
    output_tokens = 500 tok
  }
}
'''

BILL = ("s.facility_power_metered", "s.energy_year", "s.opex_energy", "s.opex", "s.tco_year",
        "s.cost_per_accelerator_hour")


def _eval(tmp_path, *args) -> tuple[int, str]:
    spec = tmp_path / "nofit.factory"
    spec.write_text(NO_FIT, encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", str(spec), *args])
    return res.exit_code, res.stdout


def test_a_sites_bill_with_a_service_that_cannot_run_is_flagged_in_exactly_those_scenarios(tmp_path):
    # tp 1: 70.55e9 parameters x 2 B = 141.1 GB of weights on a chip of 72 GB usable: `chat` cannot run, and
    # the site's bill counted its accelerator at the site's planning draw (34.80 kW at the meter, 304.9 MWh a
    # year) with no mark; tp 8 runs (33.06 kW metered)
    alone = {acc: json.loads(_eval(tmp_path, "-D", f"acc={acc}", "--format", "json")[1]) for acc in (1, 8)}
    for path in BILL:
        assert "flagged" in alone[1]["quantities"][path], (path, alone[1]["quantities"][path])
        assert "infeasible-workload" in alone[1]["quantities"][path]["flagged"]["codes"]
        assert "flagged" not in alone[8]["quantities"][path], (path, alone[8]["quantities"][path])
    # a sweep flags them where its runs one at a time do, and says which
    rc, out = _eval(tmp_path, "-D", "acc=[8, 1, 8]", "--format", "json")
    swept = json.loads(out)
    for path in BILL:
        assert swept["quantities"][path]["flagged"]["scenarios"] == [1], (path, swept["quantities"][path])
        for i, acc in enumerate((8, 1, 8)):
            assert swept["quantities"][path]["values"][i] == alone[acc]["quantities"][path]["values"][0]
    # the table marks the figure (one run)
    rc, table = _eval(tmp_path, "-D", "acc=1", "--select", "s.energy_year")
    assert rc == 1 and "⚠" in table, table


# ------------------------------------------------------------------ the table marks the flagged scenarios only
def test_the_table_marks_only_the_scenarios_a_flag_holds_in(tmp_path):
    # acc = [8, 1, 8]: `chat` cannot run at acc=1 alone; the table put its mark after the whole row, so the
    # runs at 8 (clean alone, and clean in JSON: flagged.scenarios [1]) read as flagged too
    rc, table = _eval(tmp_path, "-D", "acc=[8, 1, 8]", "--select", "s.energy_year")
    row = table.splitlines()[0]
    cells = row.split("  ")
    marked = [c for c in cells if c.strip().endswith("⚠")]
    assert len(marked) == 1 and "302 MWh/yr" in marked[0], row        # 302.2 before s21-power, 304.9 before s20
    assert "acc=1" in row, row           # the row's note names the scenarios it holds in
    # a flag that holds everywhere keeps the one mark after the row
    rc, table = _eval(tmp_path, "-D", "acc=[1, 1]", "--select", "s.energy_year")
    assert table.count("⚠") == 1 and "(⚠ counts" in table, table


def test_a_streamed_sweeps_meta_names_the_scenarios_a_flag_holds_in(tmp_path):
    out = tmp_path / "rows.csv"
    rc, _ = _eval(tmp_path, "-D", "acc=[8, 1, 8]", "--output", str(out))
    meta = json.loads((tmp_path / "rows.csv.meta.json").read_text(encoding="utf-8"))
    assert "s.energy_year" in meta["flagged"], meta["flagged"]
    # the rows it holds in, as results JSON's flagged.scenarios (the flag of a figure flagged everywhere: none)
    assert meta["flagged_scenarios"]["s.energy_year"] == {"count": 1, "scenarios": [1], "listed_all": True}, meta


# ------------------------------------------------------------------ a site's energy is its halls' and the rest
DUTY = '''"""A duty-cycled service on a site of %(halls)s hall(s) of two racks, and a rack outside them."""
from chips import H100_SXM, Xeon_8480C
from models import Llama3_1_70B
from systems import DGX_H100

server hgx {
  chip gpu: H100_SXM x 8
  cpu host: Xeon_8480C x 2
  max_power = 10.2 kW
  cooling = "air"
  height = 8 U
}
rack ar {
  server node: hgx x 2
  power_limit = 25 kW
  cooling = "air"
  height = 42 U
}
site s {
  location = "x"
  electricity_price = 0.1 USD/kWh
  land_price = 1000000 USD
  hall h x %(halls)s {
    power_feed = 500 kW
    rack gpu: ar x 2
  }
  %(outside)s
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 32
    precision = "bf16"
    scenario = "server"
    input_tokens = 1000 tok
    output_tokens = 500 tok
    utilization = 0.3
  }
}
'''


def _values(text: str, tmp_path) -> dict[str, float]:
    spec = tmp_path / "duty.factory"
    spec.write_text(text, encoding="utf-8")
    res = CliRunner().invoke(main, ["eval", str(spec), "--format", "json"])
    doc = json.loads(res.stdout)
    return {p: q["values"][0] for p, q in doc["quantities"].items()}


def test_a_sites_energy_is_its_halls_and_what_is_outside_them(tmp_path):
    # chat holds 32 H100 at duty 0.3: the site's meter reads 21.08 kW (184.7 MWh/yr) where the one hall,
    # holding every one of them, said 34.80 kW (304.9 MWh/yr) and $1.035 an accelerator-hour against the
    # site's $0.9919: a reader adding up halls got another total. Law: a hall's energy is its planning average
    # plus its share (by accelerators) of the site's service draws at the site's slope, so the site's
    # energy_year = sum of count x its halls' + what lies outside them (the site's own parts, at the same slope)
    for halls, outside in ((1, ""), (2, ""), (1, "rack extra: ar x 1")):
        v = _values(DUTY % {"halls": halls, "outside": outside}, tmp_path)
        hall_share = halls * v["s.h.accelerators"] / v["s.accelerators"]
        outside_avg = v["s.facility_power_avg"] - halls * v["s.h.facility_power_avg"]
        delta = v["s.facility_power_metered"] - v["s.facility_power_avg"]
        assert delta < 0                                        # duty 0.3: below the planning draw
        assert abs(halls * v["s.h.energy_year"] / (v["s.energy_year"] - (outside_avg + delta * (1 - hall_share))
                                                 * 8760 * 3600) - 1) < 1e-9, (halls, outside, v["s.h.energy_year"])
        assert abs(halls * v["s.h.opex_energy"] + (outside_avg + delta * (1 - hall_share)) * 0.1 / 3.6e6
                   - v["s.opex_energy"]) < 1e-9 * v["s.opex_energy"]
        if not outside:         # every accelerator in the halls: the halls' bill is the site's
            assert abs(halls * v["s.h.energy_year"] / v["s.energy_year"] - 1) < 1e-9
