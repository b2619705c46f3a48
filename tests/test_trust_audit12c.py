"""Trust hunt, session 12 (s12-trust3, 2026-12-05): the report, the facility models, the diagrams and the CI plan,
each defect found with exit 0 stated as a law (hand calculations written out), its fix in its own commit.

1. The report's key figures showed tokens/s at capacity (labelled "served, all workloads") beside a $/Mtok that is
   computed over `served_tokens_per_s` (the load carried x the share of hours busy): on
   examples/inference_shootout.factory 1.109 Mtok/s printed beside $0.187 / Mtok, where the $/Mtok divides by
   665.2 ktok/s (60% busy). A reader multiplying the two got a bill 1.67x the one the figure stands for. Law: the
   report prints the tokens the $/Mtok divides by, and the duty cycle it assumes, beside it; a service's $/Mtok x
   its tokens served = its cost per hour, each as printed (to the printed rounding) and in results.json.
2. A dry cooler placed at a site whose `heat_rejection` is another kind (default chiller) was sized to 0 units
   ($0) and, being placed, dropped the heat-rejection class's per-watt estimate: capex_cooling of 8 DGX H100 racks
   $692k -> $533k, exit 0. Law: adding a priced part never lowers capex; the gear is flagged (`no-effect`).
3. A cooling tower's `water_use` rating was read by no model (water_year was the evaporation physics, 1.98 L/kWh,
   whatever the tower said). Law: water_year = heat rejected x the towers' rated water use, where they give one.
4. A rack's usable `height` and its parts' heights were read by no model: 50 U in a 42 U rack, exit 0. Law: what a
   rack stacks fits its height, else `limit-exceeded`.
5. Transformers and switchgear were sized on the IT path alone while the power view draws the cooling plant fed
   through them: 379 kW through a 300 kVA transformer read "1 needed, 98% used"; examples/flagship_campus.factory
   placed 188 MV transformers (2N) for 259 MW (235 MW a side). Law: their load is the power out of their stage
   plus the block's cooling power.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_files, evaluate_text
from compiler.render import report
from compiler.render.report_sections import WORKLOAD_COLUMNS
from spec_eval import error_free_values  # tests/ is on the path
from test_capex_laws15 import INSTALL, SHARE, TON

ROOT = Path(__file__).resolve().parent.parent


def _run(text: str, defines: dict[str, str] | None = None):
    return error_free_values(text, defines, "audit12c.factory")


# ----------------------------------------------------------------------------- 1. $/Mtok beside its tokens

_SCALE = {"": 1.0, "k": 1e3, "M": 1e6, "G": 1e9, "B": 1e9}


def _tokens(text: str) -> float:
    """'665.2 ktok/s' -> 665200.0"""
    m = re.match(r"([\d.,]+) (k|M|G)?tok/s", text)
    assert m, text
    return float(m.group(1).replace(",", "")) * _SCALE[m.group(2) or ""]


def _money(text: str) -> float:
    """'$0.187 / Mtok' -> 0.187, '$58.7 / h' -> 58.7, '$1.2k / h' -> 1200."""
    m = re.match(r"\$([\d.,]+)(k|M|B)?", text)
    assert m, text
    return float(m.group(1).replace(",", "")) * _SCALE[m.group(2) or ""]


@pytest.fixture(scope="module")
def shootout():
    spec = ROOT / "examples" / "inference_shootout.factory"
    results, sink = evaluate_files([str(spec)])
    context = report.report_context(results, "inference_shootout.factory", sink)
    markdown = report.render_markdown(results, "inference_shootout.factory", sink, context=context)
    return results, context, markdown


def test_the_key_figures_print_the_tokens_the_usd_per_mtok_divides_by(shootout) -> None:
    """The site's served tokens (the sum of its services' load carried x busy share) is a key figure printed
    beside $/Mtok with the busy share it assumes; the capacity figure says it is the capacity."""
    results, context, markdown = shootout
    cards = {c["key"]: c for c in context["subjects"][0]["kpis"]}
    served = cards["served_tokens_per_s"]
    assert served["available"]
    value = results.values["shootout.served_tokens_per_s"][0]
    assert _tokens(served["text"]) == pytest.approx(value, rel=5e-4)
    assert value < results.values["shootout.tokens_per_s"][0]                   # 60% busy: below the capacity
    keys = list(cards)
    assert keys.index("served_tokens_per_s") == keys.index("usd_per_mtok") - 1  # printed beside it
    line = next(x for x in markdown.splitlines() if "`shootout.served_tokens_per_s`" in x)
    assert "service busy 60.0%" in line, line
    capacity = next(x for x in markdown.splitlines() if "`shootout.tokens_per_s`" in x)
    assert "capacity" in capacity and "served" not in capacity, capacity


def test_each_services_usd_per_mtok_times_its_tokens_served_is_its_cost_per_hour_as_printed(shootout) -> None:
    """Per service row: $/Mtok (3 significant figures) x tokens served (4) = cost per hour (3), to the printed
    rounding (0.5% + 0.05% + 0.5%); in results.json exactly (to float rounding). The site's $/Mtok x its served
    tokens is the sum of its services' costs per hour."""
    results, context, _ = shootout
    v = results.values
    total = 0.0
    for table in context["subjects"][0]["workload_tables"]:
        if table["kind"] != "inference":
            continue
        labels = {label: name for name, label, _ in WORKLOAD_COLUMNS["inference"]}
        names = [labels[c] for c in table["columns"] if c in labels]
        assert {"served_tokens_per_s", "cost_per_hour", "usd_per_mtok"} <= set(names), names
        offset = len(table["columns"]) - len(names)
        for row in table["rows"]:
            cells = dict(zip(names, row["cells"][offset:]))
            usd, served, hour = (_money(cells["usd_per_mtok"]), _tokens(cells["served_tokens_per_s"]),
                                 _money(cells["cost_per_hour"]))
            assert usd * served * 3600 / 1e6 == pytest.approx(hour, rel=1.2e-2), (row["name"], cells)
            p = f"shootout.{row['name']}"
            assert v[f"{p}.usd_per_mtok"] * v[f"{p}.served_tokens_per_s"] == pytest.approx(
                v[f"{p}.cost_per_hour"], rel=1e-12)
            total += float(v[f"{p}.cost_per_hour"][0])
    assert v["shootout.usd_per_mtok"][0] * v["shootout.served_tokens_per_s"][0] == pytest.approx(total, rel=1e-9)


def test_a_services_cost_per_hour_is_its_accelerators_at_the_hour_it_is_given() -> None:
    """8 H100 at $3 an hour: $24 an hour whether the service is busy 100% or 25% of the time (the $/Mtok moves,
    the bill does not)."""
    text = """from systems import DGX_H100
from models import Llama3_1_70B
param u = [1, 0.25]
site s {
  inference i {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 8
    scenario = "server"
    utilization = u
    accelerator_cost = 3 USD/h
  }
}
"""
    v = _run(text)
    assert np.broadcast_to(v["s.i.cost_per_hour"], (2,)) * 3600 == pytest.approx([24.0, 24.0], rel=1e-12)
    usd = v["s.i.usd_per_mtok"]
    assert usd[1] == pytest.approx(4 * usd[0], rel=1e-12)


# ----------------------------------------------------------------------------- 2. heat-rejection gear the site does not use

PLANT = """from systems import DGX_H100_rack
from facility import DryCooler_1MW, CoolingTower_5MW
site s {
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
%s
  hall h {
    rack r: DGX_H100_rack x 8
  }
}
"""


def _evaluate_plant(site_lines: str):
    from compiler import evaluate_text
    results, sink = evaluate_text(PLANT % site_lines, "audit12c.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    return results.values, sink


def test_a_dry_cooler_at_a_site_that_rejects_heat_by_chiller_never_lowers_its_capex_and_is_flagged() -> None:
    """The site rejects its heat by chiller (heat_rejection's default): its dry coolers needed are 0, so a
    `dry_cooler d: DryCooler_1MW` placed without a count was priced at 0 units ($0) and, being placed, dropped the
    heat-rejection class's per-watt estimate (23% of the cooling plant: 8 DGX H100 racks, capex_cooling $692k ->
    $533k) with exit 0 and no diagnostic. Law: adding a priced part never lowers capex; gear of a heat-rejection
    kind the site does not use is said (a `no-effect` warning naming heat_rejection) and the class's estimate kept;
    placed with a count it is bought (its units x price x the installation factor added, s15-capex)."""
    from dsl.diagnostics import Code
    base, _ = _evaluate_plant("")
    cooler, sink = _evaluate_plant("  dry_cooler d: DryCooler_1MW")
    assert cooler["s.dry_coolers"][0] == 0.0
    assert cooler["s.capex_cooling"][0] >= base["s.capex_cooling"][0]
    assert cooler["s.capex"][0] >= base["s.capex"][0]
    warned = [d for d in sink.items if d.code == Code.NO_EFFECT and "heat_rejection" in d.message]
    assert warned, [d.message for d in sink.items]
    counted, _ = _evaluate_plant("  dry_cooler d: DryCooler_1MW x 2")
    install = INSTALL["cooling"]          # placed gear is priced installed (s15-capex): 2.4804 / 0.6665 = 3.7213
    assert counted["s.capex_cooling"][0] == pytest.approx(base["s.capex_cooling"][0] + 2 * 150e3 * install,
                                                          rel=1e-12)
    tower, sink = _evaluate_plant("  cooling_tower t: CoolingTower_5MW")
    # CoolingTower_5MW: 5 MW / 1,000 tons x $137,500 (RSMeans 2022 fiberglass tower) x 1.1036 = $215,746 (s18-prices)
    tower_price = 5e6 / (1000 * TON) * 137500 * 304.702 / 292.655 * 1.06
    assert tower["s.capex_cooling"][0] == pytest.approx(base["s.capex_cooling"][0] + tower_price * install,
                                                        rel=1e-12)
    assert [d for d in sink.items if d.code == Code.NO_EFFECT and "heat_rejection" in d.message]


def test_a_dry_cooler_at_a_site_that_rejects_heat_by_dry_cooler_replaces_the_estimate() -> None:
    """heat_rejection = "dry_cooler": the placed dry cooler is the site's heat rejection, sized by the model
    (ceil(heat rejected / 1 MW) + 1 spare, N+1) and priced at its units x $150k, installed (x 2.4804 / 0.6665 =
    3.7213, s15-capex, s18-prices), in place of the class's estimate; no warning."""
    from dsl.diagnostics import Code
    v, sink = _evaluate_plant('  heat_rejection = "dry_cooler"\n  dry_cooler d: DryCooler_1MW')
    units = v["s.dry_coolers"][0]
    assert units == np.ceil(v["s.heat_rejected"][0] / 1e6) + 1
    plain, _ = _evaluate_plant('  heat_rejection = "dry_cooler"')
    share = SHARE["heat_rejection"]     # 1.1 x $150/kW / 0.6665 $/W = 0.2475 (tests/test_capex_laws15.py)
    # of the site's IT at the cooling plant's cost per W (none placed; the other classes by the heat they carry)
    estimate = plain["s.it_power"][0] * 11.7 * 0.53 * 0.4 * share
    install = INSTALL["cooling"]
    assert v["s.capex_cooling"][0] == pytest.approx(plain["s.capex_cooling"][0] - estimate + units * 150e3 * install,
                                                    rel=1e-9)
    assert not [d for d in sink.items if d.code == Code.NO_EFFECT]


# ----------------------------------------------------------------------------- 3. a cooling tower's rated water use

TOWER = """from systems import DGX_H100_rack
from facility import CoolingTower_5MW
cooling_tower T {
  capacity = 5 MW
  power = 75 kW
%s  price = 400000 USD
}
site s {
  land_price = 0 USD
  heat_rejection = "cooling_tower"
  cooling_tower t: T x 2
  hall h {
    rack r: DGX_H100_rack x 8
  }
}
"""


def test_a_cooling_towers_rated_water_use_sets_the_water_it_evaporates() -> None:
    """A tower's `water_use` (L per kWh of heat rejected, evaporation and blowdown: stdlib CoolingTower_5MW 1.6)
    was read by no model: the site's water_year was the evaporation physics whatever the tower said, 3.6 MJ/kWh /
    2.43 MJ/kg x 4 / 3 (cycles of concentration 4) / 0.997 kg/L = 1.981 L/kWh, for 1.6, 0.5 or none, exit 0. Law: with a rated
    water use, water_year = heat rejected over the year x water_use, so it scales with the rating (0.5 / 1.6) and
    the physics is the figure of a tower that gives none (1.981 / 1.6 of the 1.6 tower's)."""
    physics = _run(TOWER % "")["s.water_year"][0]
    rated = _run(TOWER % "  water_use = 1.6 L/kWh\n")["s.water_year"][0]
    low = _run(TOWER % "  water_use = 0.5 L/kWh\n")["s.water_year"][0]
    per_kwh = 3.6e6 / 2.43e6 * 4 / 3 / 0.997            # L of water per kWh of heat rejected, from physics (997 kg/m^3)
    assert physics > 0
    assert rated == pytest.approx(physics * 1.6 / per_kwh, rel=1e-9)
    assert low == pytest.approx(rated * 0.5 / 1.6, rel=1e-12)


def test_the_towers_water_use_is_a_declared_read() -> None:
    import test_model_reads as reads
    reads._assert_reads_declared(reads._evaluated(text=TOWER % "  water_use = 1.6 L/kWh\n"))


# ----------------------------------------------------------------------------- 4. what a rack holds fits its height

RACK = """from chips import H100_SXM
server box {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
  height = 8 U
  price = 300000 USD
}
switch tor {
  ports = 64
  port_speed = 400 Gb/s
  power = 1 kW
  height = 2 U
  price = 30000 USD
}
rack frame {
  server node: box x n
  switch top: tor x 1
  height = 42 U
}
param n = [5, 6]
site s {
  land_price = 0 USD
  hall h {
    rack r: frame x 2
  }
}
"""


def test_what_a_rack_holds_fits_its_height() -> None:
    """A rack's `height` (usable U) and its servers' and switches' `height` were read by no model: six 8 U servers
    and a 2 U switch (50 U) in a 42 U rack printed its power and cost, exit 0. Law: sum(count x height) of the
    parts that give one <= the rack's height, else `limit-exceeded` naming both, in the scenario that overflows
    (five servers: 42 U, fits; six: 50 U)."""
    from compiler import evaluate_text
    from dsl.diagnostics import Code
    results, sink = evaluate_text(RACK, "audit12c.factory")
    over = [d for d in sink.errors if d.code == Code.LIMIT_EXCEEDED and "height" in d.message + " ".join(d.notes)]
    assert over, [d.message for d in sink.items]
    text = over[0].message + " ".join(over[0].notes)
    assert "n = 6" in text or "scenario" in text or "50" in text, text
    fits, sink = evaluate_text(RACK.replace("param n = [5, 6]", "param n = 5"), "audit12c.factory")
    assert not sink.errors, [d.message for d in sink.errors]


# ----------------------------------------------------------------------------- 5. the transformers feed the cooling too

FEED = """from systems import DGX_H100_rack
transformer tx {
  capacity = 300 kVA
  efficiency = 0.99
  redundancy = "N"
  price = 40000 USD
}
site s {
  land_price = 0 USD
  transformer t: tx x 1
  hall h {
    rack r: DGX_H100_rack x 8
  }
}
"""


def test_the_transformers_carry_the_cooling_plant_they_feed() -> None:
    """The power view draws the cooling plant fed through the site's last shared transformer or switchgear ("in
    ... of which cooling"), and facility_power counts the cooling at the meter, but the transformers were sized on
    the IT path alone: 8 DGX H100 racks (279 kW IT) through a 300 kVA transformer, out of it 279 / (0.96 x 0.985) =
    295 kW toward the IT plus 84 kW of cooling = 379 kW on 300 kW, printed as 1 unit needed, 98% used, exit 0.
    Law: a transformer's or switchgear's load is the power out of its stage plus the cooling power of the block it
    is placed on: units_needed = ceil((out + cooling_power) / capacity), and one unit fails its limit."""
    from compiler import evaluate_text
    from dsl.diagnostics import Code
    results, sink = evaluate_text(FEED, "audit12c.factory")
    v = results.values
    # the transformer stage's flow carries the cooling plant (s13-facility: and loses power on it)
    out = v["s.transformer_power_in"][0] - v["s.transformer_loss"][0]
    load = v["s.it_power"][0] / (0.96 * 0.985) + v["s.cooling_power"][0]
    assert out == pytest.approx(load, rel=1e-9)
    assert v["s.t.units_needed"][0] == np.ceil(load / 300e3) == 2
    assert v["s.t.utilization"][0] == pytest.approx(load / 300e3, rel=1e-9)
    errors = [d for d in sink.errors if d.code == Code.LIMIT_EXCEEDED and "transformer" in " ".join(d.notes)]
    assert errors, [d.message for d in sink.items]
