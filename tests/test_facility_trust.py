"""Issue "Trust", facility part: plant cost and power-chain losses per class of gear, stage and chiller outputs,
the `unpriced` warning, power-gear limits, the NVLink domain's endpoint count, and laws over every example.

Hand calculations are written out beside each assertion; laws compare runs of the same spec."""
from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_text
from compiler.models import assumptions as A
from spec_eval import run, value
from test_capex_laws15 import AIR_CLASSES, INSTALL, SHARE  # tests/ is on the path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.factory"))

# default cooling plant cost per W of IT: build_cost_per_watt * critical_share * cooling_share_of_plant
COOLING_PER_W = 11.7 * 0.53 * 0.4              # 2.4804 $/W
POWER_PER_W = 11.7 * 0.53 * 0.6                # 3.7206 $/W
# placed gear is priced installed (s15-capex): x the plant cost per W over the equipment the shares were priced on
# (the reference plant of stdlib parts, written out in tests/test_capex_laws15.py; s17-econ2, 2026-12-06)
COOLING_INSTALL = INSTALL["cooling"]           # 2.4804 / 0.7183 = 3.4533
POWER_INSTALL = INSTALL["power"]               # (3.7206 - 0.7579 installed generators) / 1.1404 = 2.5979
# an all-air block's cooling classes by the heat they carry (s14-cfo2): CRAHs 0.0990 per W of air heat of a reference
# hall with 15% of it in air, so 0.0990 / 0.15 = 0.6601; no CDUs; chillers and pumps 0.3447 + 0.0282; no heat
# rejection on the default air-cooled chillers at a hot design day (s24-capex2: their condensers reject the heat)
# AIR_CLASSES = 1.0331, from tests/test_capex_laws15.py (1.2806 with dry coolers before s24-capex2)
TON = 12000 * 1055.05585262 / 3600                 # W, one refrigeration ton


def n_plus_1(duty: float, unit: float) -> float:
    """compiler.models.cost `_sized` of an N+1 class (s24-capex, 2026-12-07): the whole units of the reference part
    its duty needs, ceil(duty / unit) + 1, over the reference's 1.1 units per unit needed, at most 1. E.g. 10 MW of
    air on 150 kW CRAHs: 68 x 150 kW = 10.2 MW of the 11 MW allowance, 0.92727."""
    return min(1.0, (math.ceil(duty / unit - 1e-9) + 1) * unit / (1.1 * duty))


# the all-air 10 MW hall below (s24-capex): its CRAHs in 68 whole units of 150 kW (x 0.92727); its chillers (7 of
# 500 tons, 12.3 MW) and pumps (4 of 1,000 tons) at the 1.1 allowance; no dry coolers (s24-capex2)
AIR_10MW = AIR_CLASSES - SHARE["crah"] / 0.15 * (1 - n_plus_1(10e6, 150e3))

HALL = """
server box {
  max_power = 1 MW
  price = 1000 USD
}
cdu big_cdu {
  capacity = 2 MW
  price = 400000 USD
  redundancy = "N+1"
}
site s {
  distribution = "ac"
  hall h {
    rack r { server n: box x 10 }
    GEAR
  }
}
"""


def _hall(gear: str = ""):
    return run(HALL.replace("GEAR", gear))[0]


# ---------------------------------------------------------------- 1. per-class plant cost and losses

def test_shares_of_each_category_add_up_to_one() -> None:
    power = [A.plant_share_transformer, A.plant_share_switchgear, A.plant_share_conversion,
             A.plant_share_distribution, A.plant_share_generator]
    cooling = [A.plant_share_cdu, A.plant_share_crah, A.plant_share_chiller, A.plant_share_heat_rejection,
               A.plant_share_pump]
    assert sum(a.value for a in power) == pytest.approx(1.0)
    assert sum(a.value for a in cooling) == pytest.approx(1.0)


def _liquid_hall(gear: str = ""):
    """The hall with its box liquid-cooled at the reference hall's 85% (the shares' own mix)."""
    text = HALL.replace("GEAR", gear).replace("  price = 1000 USD\n", "  price = 1000 USD\n  cooling = \"liquid\"\n"
                                              "  liquid_fraction = 0.85\n", 1)
    return run(text)[0]


def test_placing_cdus_replaces_the_cdu_share_only() -> None:
    # 10 MW of IT, 85% of its heat to liquid (the reference hall of the shares). All defaults (35 degC supply and
    # design day: both loops need compressors, on the default air-cooled chillers, whose condensers reject the heat:
    # no dry coolers, s24-capex2): 10 MW * 2.4804 $/W * (1 - 0.2475) = $18.664 M of cooling (CDUs 8.5 MW * 2.4804 *
    # 0.2806 / 0.85, CRAHs 1.5 MW * 2.4804 * 0.0990 / 0.15, chillers 0.3447 and pumps 0.0282 of all of it). Placing
    # CDUs (explicit x 6 at $0.4 M, installed x 3.7213): 8.931 M + 24.804 M * (1 - 0.2806 - 0.2475) = 8.931 M +
    # 11.703 M = 20.634 M.
    default = value(_liquid_hall(), "s.h.capex_cooling")
    assert default == pytest.approx(10e6 * COOLING_PER_W * (1 - SHARE["heat_rejection"]))
    placed = value(_liquid_hall("cdu c: big_cdu x 6"), "s.h.capex_cooling")
    assert placed == pytest.approx(6 * 400e3 * COOLING_INSTALL
                                   + 10e6 * COOLING_PER_W * (1 - SHARE["cdu"] - SHARE["heat_rejection"]))
    # the law of the issue: never below the sized plant minus the CDUs' default share
    assert placed >= default - 10e6 * COOLING_PER_W * A.plant_share_cdu.value


def test_one_implicit_cdu_is_sized_and_the_other_classes_keep_their_price() -> None:
    # 10 MW of air-cooled IT (box has no cooling field: air): heat_liquid = 0, so 0 CDUs are sized;
    # the other cooling classes keep their price by the heat they carry: 10 MW * 2.4804 * 1.0331 (AIR_CLASSES), the
    # CRAHs in 68 whole units (AIR_10MW, s24-capex)
    results = _hall("cdu c: big_cdu")
    assert value(results, "s.h.cdus") == 0
    assert value(results, "s.h.capex_cooling") == pytest.approx(10e6 * COOLING_PER_W * AIR_10MW)
    # and the same without the CDU placed: air heat buys no CDUs (s14-cfo2; it was 0.26 of the plant)
    assert value(_hall(), "s.h.capex_cooling") == pytest.approx(10e6 * COOLING_PER_W * AIR_10MW)


def test_gear_placed_on_the_site_is_not_charged_again_in_its_halls() -> None:
    # A transformer class placed at the site: the hall charges no default transformer share,
    # the site prices 6 units at $0.15 M installed (x 2.5979). Hall: 10 MW * 3.7206 * (1 - 0.0838) = 34.09 M.
    text = HALL.replace("GEAR", "").replace("site s {", """transformer tx {
  capacity = 2.5 MW
  price = 150000 USD
}
site s {
  transformer mv: tx x 6""")
    results, _ = run(text)
    assert value(results, "s.h.capex_power") == pytest.approx(10e6 * POWER_PER_W * (1 - SHARE["transformer"]))
    assert value(results, "s.capex_power") == pytest.approx(10e6 * POWER_PER_W * (1 - SHARE["transformer"]) + 6 * 150e3 * POWER_INSTALL)


def test_flagship_with_one_cdu_keeps_the_rest_of_the_cooling_plant() -> None:
    # The reproduction: the flagship without its CRAH, dry coolers and chiller placed, with and
    # without its CDUs. The CDU class replaces only its own share of each hall's default plant.
    text = (ROOT / "examples" / "flagship_campus.factory").read_text()
    bare = text.replace("    crah air: CRAH_150kW\n", "").replace("  dry_cooler plant: DryCooler_1MW\n", "") \
        .replace("  chiller trim: Chiller_AC_500ton\n", "")
    no_cooling, _ = run(bare.replace("    cdu loop: CDU_row_2MW\n", ""))
    cdu_only, _ = run(bare)
    hall_default = value(no_cooling, "frontier_campus.data_hall.capex_cooling")
    hall = "frontier_campus.data_hall."
    it, liquid, air = (value(no_cooling, hall + f) for f in ("it_power", "heat_liquid", "heat_air"))
    # each class on its duty (s24-capex): CDUs the liquid heat / 0.85, CRAHs the air heat / 0.15, chillers the air
    # heat alone (the 40 degC liquid loop cools freely at the 35 degC design ambient: no chillers for it), heat
    # rejection and pumps the IT; each N+1 class in the whole units of its reference part where fewer than 1.1 per
    # unit: 50.38 MW of IT, 42.82 MW of liquid (23 CDUs of 2 MW), 7.56 MW of air (52 CRAHs of 150 kW)
    terms = {"cdu": liquid * SHARE["cdu"] / 0.85 * n_plus_1(liquid, 2e6),
             "crah": air * SHARE["crah"] / 0.15 * n_plus_1(air, 150e3),
             "chiller": air * SHARE["chiller"] * n_plus_1(air, 500 * TON),
             "heat_rejection": it * SHARE["heat_rejection"] * n_plus_1(it, 1e6),
             "pump": it * SHARE["pump"] * n_plus_1(it, 1000 * TON)}
    assert hall_default == pytest.approx(COOLING_PER_W * sum(terms.values()))
    # before s24-capex: it * 2.4804 $/W, a chiller plant for all 50.38 MW of heat ($31.0M more a hall)
    assert hall_default < it * COOLING_PER_W - (it - air) * COOLING_PER_W * SHARE["chiller"] * 0.99
    cdus = value(cdu_only, hall + "cdus")
    hall_cdu = value(cdu_only, hall + "capex_cooling")
    assert hall_cdu == pytest.approx(cdus * 400e3 * COOLING_INSTALL + hall_default - COOLING_PER_W * terms["cdu"])
    assert hall_cdu >= hall_default - COOLING_PER_W * terms["cdu"]


def _transformer_share(results, eta: float, capacity: float) -> float:
    """The loss per W delivered of placed transformers at peak (s21-power): their units' curve at their load
    fraction 1 / r (r = capacity placed / their load), l_1 r (0.2 + 0.8 / r^2), l_1 = 0.5 (1/eta - 1) / 0.4 (eta
    read at DOE's 50% test load, no-load share 0.2 at rating); at r = 2 it is the rated 1/eta - 1, elsewhere more."""
    r = capacity / (value(results, "s.h.transformer_power_in") - value(results, "s.h.transformer_loss"))
    return 0.5 * (1 / eta - 1) / 0.4 * r * (0.2 + 0.8 / r ** 2)


def test_ac_chain_with_only_transformers_is_no_better_than_all_defaults() -> None:
    # Transformers placed at the default efficiency: the UPS and PDU stages keep their losses, so the
    # chain is 0.96 * 0.985 over the transformers' own loss, 8 x 2.5 MW at ~55% at peak (a little above the 50% they
    # are rated at: 1.56% where 1/0.985 - 1 is 1.52%; before s21-power their rated loss, 0.93139 as the default
    # chain; before s13: 0.985 alone).
    gear = "transformer t: tx x 8"
    tx = "transformer tx {\n  capacity = 2.5 MW\n  price = 150000 USD\n}\n"
    default = _hall()
    placed = run(tx + HALL.replace("GEAR", gear))[0]
    share = _transformer_share(placed, 0.985, 20e6)
    assert share >= 1 / 0.985 - 1
    assert value(placed, "s.h.power_chain_efficiency") == pytest.approx(0.96 * 0.985 / (1 + share))
    assert value(placed, "s.h.power_chain_efficiency") <= 0.985 * 0.96 * 0.985
    assert value(placed, "s.h.pue") >= value(default, "s.h.pue") - 1e-12
    # a better transformer (0.99) improves only its own stage
    better = run(tx.replace("capacity", "efficiency = 0.99\n  capacity") + HALL.replace("GEAR", gear))[0]
    assert value(better, "s.h.power_chain_efficiency") == pytest.approx(
        0.96 * 0.985 / (1 + _transformer_share(better, 0.99, 20e6)))


def test_stage_losses_hand_calculation() -> None:
    # 10 MW IT, AC defaults. From the IT up: pdu out 10 MW, loss 10 * (1/0.985 - 1) = 152.28 kW;
    # ups out 10.15228 MW, loss * (1/0.96 - 1) = 423.01 kW; transformer out 10.57529 MW, loss
    # * (1/0.985 - 1) = 161.05 kW. Sum = 736.34 kW = 10 MW * (1 / 0.931397 - 1). The transformer also feeds the
    # hall's cooling plant (s13-facility): its loss adds cooling_power * (1/0.985 - 1).
    results = _hall()
    pdu = 10e6 * (1 / 0.985 - 1)
    ups = (10e6 + pdu) * (1 / 0.96 - 1)
    tx = (10e6 + pdu + ups + value(results, "s.h.cooling_power")) * (1 / 0.985 - 1)
    assert value(results, "s.h.pdu_loss") == pytest.approx(pdu)
    assert value(results, "s.h.ups_loss") == pytest.approx(ups)
    assert value(results, "s.h.transformer_loss") == pytest.approx(tx)
    assert value(results, "s.h.ups_stage_efficiency") == pytest.approx(0.96)
    assert value(results, "s.h.power_chain_loss") == pytest.approx(pdu + ups + tx)
    assert value(results, "s.pdu_loss") == pytest.approx(pdu)          # the site adds its halls
    assert "s.h.rectifier_loss" not in results.values and "s.h.busway_loss" not in results.values


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_stage_losses_add_up_to_the_chain_loss(path: Path) -> None:
    results, _ = _eval(path)
    blocks = [p[: -len(".power_chain_loss")] for p in results.values if p.endswith(".power_chain_loss")]
    assert blocks
    for block in blocks:
        stages = sum(np.asarray(results.values[f"{block}.{k}_loss"]) for k in
                     ("transformer", "switchgear", "ups", "rectifier", "pdu", "busway")
                     if f"{block}.{k}_loss" in results.values)
        assert np.allclose(stages, results.values[f"{block}.power_chain_loss"], rtol=1e-9), block


def test_chillers_run_and_free_cooling_hours() -> None:
    # Liquid loop at 35 degC, air loop's chilled water at 24 - 6 = 18 degC, economizer approach 5 K.
    # Design 35 degC: liquid needs chillers (35 > 30), air too (35 > 13). Mean 15 degC: liquid free
    # (15 <= 30): 8,760 h; air not (15 > 13): 0 h. The servers put 80% of their heat into liquid: a hall with
    # no liquid loop has no liquid free-cooling hours (left out: the output does not apply; it read 8,760 h of an
    # air-cooled room).
    hybrid = HALL.replace("max_power = 1 MW", 'max_power = 1 MW\n  cooling = "hybrid"\n  liquid_fraction = 0.8')
    air = _hall()
    assert value(air, "s.h.heat_liquid") == 0 and "s.h.liquid_free_cooling_hours" not in air.values
    results = run(hybrid.replace("GEAR", ""))[0]
    assert value(results, "s.h.liquid_chillers_run") == 1 and value(results, "s.h.air_chillers_run") == 1
    assert value(results, "s.h.liquid_free_cooling_hours") == pytest.approx(8760 * 3600)
    assert value(results, "s.h.air_free_cooling_hours") == 0
    cold = run(hybrid.replace("GEAR", "").replace('distribution = "ac"',
                                                'ambient_temp = 20 degC\n  mean_ambient_temp = 5 degC'))[0]
    # design 20 degC: liquid free (20 <= 30), air not (20 > 13); mean 5 degC: both free
    assert value(cold, "s.h.liquid_chillers_run") == 0 and value(cold, "s.h.air_chillers_run") == 1
    assert value(cold, "s.h.air_free_cooling_hours") == pytest.approx(8760 * 3600)


# ---------------------------------------------------------------- 2. unpriced parts

UNPRICED = """
chip lpu {
  tdp = 300 W
}
server node {
  chip c: lpu x 8
}
site s {
  land_price = 0 USD
  hall h { rack r { server n: node x 4 } }
}
"""


def test_unpriced_part_is_warned_at_its_span_with_the_figures_it_leaves_incomplete() -> None:
    results, sink = run(UNPRICED)
    warnings = [d for d in sink.items if d.code == "unpriced"]
    assert len(warnings) == 1
    diag = warnings[0]
    assert diag.severity == "warning" and "`c` has no price" in diag.message
    assert (diag.span.line, diag.span.col) == (6, 8)              # `c` in `chip c: lpu x 8`
    assert any("`s.h.r.n.capex_it` is incomplete" in note for note in diag.notes)
    assert value(results, "s.capex_it") == 0


def test_parts_inside_a_priced_system_are_not_unpriced() -> None:
    _, sink = run(UNPRICED.replace("server node {", "server node {\n  price = 100000 USD"))
    assert not [d for d in sink.items if d.code == "unpriced"]


# ---------------------------------------------------------------- 3. limits on power gear and NVLink

UPS_SITE = """
server box { max_power = 1.12 MW
  price = 1 USD }
ups u {
  capacity = 1.25 MW
  redundancy = "N+1"
  price = 1 USD
}
site s {
  hall h {
    rack r { server n: box }
    ups ups: u x COUNT
  }
}
"""


def test_n_plus_1_ups_too_small_is_a_limit() -> None:
    # UPS output = IT / pdu = 1.12 MW / 0.985 = 1.137 MW: ceil(1.137 / 1.25) + 1 = 2 units needed.
    results, sink = evaluate_text(UPS_SITE.replace("COUNT", "1"))
    errors = [d for d in sink.items if d.code == "limit-exceeded"]
    assert len(errors) == 1 and "UPS" in errors[0].message
    assert errors[0].notes == ["ups units needed = 2, ups units placed = 1"]
    _, sink = evaluate_text(UPS_SITE.replace("COUNT", "2"))
    assert not [d for d in sink.items if d.code == "limit-exceeded"]


def test_generators_carry_the_facility_power() -> None:
    # Generators (N) must carry the peak facility power (IT + losses + cooling), above the 1.12 MW IT.
    text = UPS_SITE.replace("COUNT", "2").replace("site s {", """generator g {
  capacity = 1.2 MW
  price = 1 USD
}
site s {
  generator gen: g x 1""")
    results, sink = evaluate_text(text)
    facility = value(results, "s.facility_power")
    assert facility > 1.2e6
    errors = [d for d in sink.items if d.code == "limit-exceeded"]
    needed = math.ceil(facility / 1.2e6)
    assert [d.notes for d in errors] == [[f"generator units needed = {needed}, generator units placed = 1"]]


def test_nvl72_domain_holds_72_endpoints() -> None:
    # 9 trays of 144 links, 18 links per GPU: min(9, 18) * 144 / 18 = 72 (was 144: a tray's two chips
    # counted as one plane).
    from test_network import NVL72_HALL
    results, _ = run(NVL72_HALL)
    assert value(results, "s.h.nvlink.max_endpoints") == 72


# ---------------------------------------------------------------- 4. laws over every example

def _eval(path: Path, text: str | None = None):
    results, sink = evaluate_text(text if text is not None else path.read_text(encoding="utf-8"))
    assert results is not None, "\n".join(d.message for d in sink.items)
    return results, sink


COST_POWER = re.compile(r"\.(capex\w*|opex\w*|tco_year|depreciation\w*|it_power\w*|facility_power\w*|"
                        r"cooling_power\w*|power_chain_loss|\w+_loss|energy_year|pue)$")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_no_cost_or_power_output_is_negative_or_nan(path: Path) -> None:
    """A NaN only where the figure is absent with its reason (a PUE of a site that places no racks has none)."""
    results, _ = _eval(path)
    for name, values in results.values.items():
        if COST_POWER.search(name) and isinstance(values, np.ndarray) and values.dtype.kind == "f":
            absent = results.absent.get(name)
            given = np.broadcast_to(~absent.mask, values.shape) if absent is not None and absent.reason \
                else np.ones(values.shape, dtype=bool)
            assert np.all(np.isfinite(values[given])) and np.all(values[given] >= 0), (name, values)


def _double_racks(text: str) -> str:
    return re.sub(r"^(\s*rack \w+: [\w.]+) x (.+)$", r"\1 x 2 * (\2)", text, flags=re.M)


def _containers(results, suffix="it_power"):
    """Halls and rows (paths with `heat_liquid` but no network block inside)."""
    out = []
    for name in results.values:
        if name.endswith(".capex_building") or name.endswith(".airflow"):
            block = name.rsplit(".", 1)[0]
            inner = [p for p in results.values if p.startswith(block + ".") and p.endswith(".endpoints")]
            if not inner and f"{block}.{suffix}" in results.values and f"{block}.capex_it" in results.values:
                out.append(block)
    return sorted(set(out))


@pytest.mark.parametrize("path", [p for p in EXAMPLES if re.search(r"^\s*rack \w+: [\w.]+ x ", p.read_text(),
                                                                    re.M)], ids=lambda p: p.name)
def test_doubling_rack_counts_doubles_it_power_and_it_capex(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    once, _ = _eval(path)
    twice, _ = _eval(path, _double_racks(text))
    doubled = set(re.findall(r"^\s*rack (\w+): [\w.]+ x ", text, re.M))
    sites = {r.path for r in once.graph.roots if r.kind == "site"}      # not the stdlib definitions it uses
    blocks = [b for b in _containers(once) if "." in b and b.rsplit(".", 1)[1] not in doubled
              and b.split(".", 1)[0] in sites]
    assert blocks
    for block in blocks:
        for name in ("it_power", "it_power_avg", "capex_it", "heat_liquid", "heat_air"):
            a, b = once.values[f"{block}.{name}"], twice.values[f"{block}.{name}"]
            if f"{block}.{name}" in once.values:
                assert np.allclose(b, 2 * a, rtol=1e-9), (block, name)
        if f"{block}.capex_building" in once.values:     # scale-proportional: shell cost per W
            assert np.allclose(twice.values[f"{block}.capex_building"], 2 * once.values[f"{block}.capex_building"])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_adding_a_priced_server_never_lowers_capex(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    site = re.search(r"^site (\w+) \{$", text, re.M)
    assert site
    extra = ("server law_box {\n  max_power = 5 kW\n  price = 100000 USD\n}\n"
             "rack law_rack {\n  server n: law_box x 4\n}\n")
    added = text[: site.start()] + extra + text[site.start(): site.end()] + "\n  rack law_extra: law_rack x 3" \
        + text[site.end():]
    once, _ = _eval(path)
    more, _ = _eval(path, added)
    sid = site.group(1)
    for name in ("capex", "capex_it", "capex_power", "capex_cooling", "capex_building", "it_power"):
        assert np.all(more.values[f"{sid}.{name}"] >= once.values[f"{sid}.{name}"] - 1e-6), name
    assert np.all(more.values[f"{sid}.capex_it"] == pytest.approx(once.values[f"{sid}.capex_it"] + 12 * 100e3))


def test_unpriced_network_switch_is_warned() -> None:
    # A scale-out fabric of switches without a price: its capex counts them $0, with a warning naming
    # the network's capex.
    text = """
switch sw {
  ports = 64
  port_speed = 400 Gb/s
  power = 1 kW
}
nic cx { bandwidth = 400 Gb/s
  power = 20 W
  price = 1 USD }
chip gpu { tdp = 700 W
  price = 1 USD }
server node { chip g: gpu x 8
  nic n: cx x 8 }
site s {
  land_price = 0 USD
  hall h {
    rack r x 32 { server n: node x 4 }
    network fabric {
      switch = sw
    }
  }
}
"""
    _, sink = run(text)
    warnings = [d for d in sink.items if d.code == "unpriced"]
    assert len(warnings) == 1 and "switch `sw` has no price" in warnings[0].message
    assert warnings[0].notes == ["`s.h.fabric.capex` is incomplete (and every capex rolled up from it)",
                                 "`s.h.fabric.capex_switching` is incomplete (and every capex rolled up from it)"]


def test_halls_size_their_chillers_with_the_chiller_their_site_places() -> None:
    # 10 MW of air heat + CRAH fans 4% = 10.4 MW needs compressors at the 35 degC design ambient (air loop
    # at 18 degC). The site's chiller is 1 MW, N+1: ceil(10.4) + 1 = 12 (the 2 MW default would give 7),
    # and the site prices those 12 (installed: x 3.4546).
    text = HALL.replace("GEAR", "").replace("site s {", """chiller ch1 {
  capacity = 1 MW
  price = 100000 USD
}
site s {
  chiller plant: ch1""")
    results, _ = run(text)
    assert value(results, "s.h.chillers") == 12 and value(results, "s.chillers") == 12
    # hall (all air): the chiller class is placed above it; site: 12 * $0.1 M
    assert value(results, "s.h.capex_cooling") == pytest.approx(10e6 * COOLING_PER_W * (AIR_10MW - SHARE["chiller"]))
    assert value(results, "s.capex_cooling") == pytest.approx(10e6 * COOLING_PER_W * (AIR_10MW - SHARE["chiller"])
                                                              + 12 * 100e3 * COOLING_INSTALL)


def test_unpriced_is_a_warning_exit_0(tmp_path) -> None:
    from click.testing import CliRunner
    from compiler.cli import main
    spec = tmp_path / "spec.factory"
    spec.write_text(UNPRICED, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(spec)])
    assert result.exit_code == 0, result.output
    assert "spec.factory:6:8: warning[unpriced]: chip `c` has no price" in result.output


def test_doubling_the_halls_doubles_the_halls_share() -> None:
    # The flagship with 8 halls instead of 4: every hall figure per hall is unchanged; the site's IT capex
    # (all in the halls) and the halls' IT power, plant and building cost double.
    text = (ROOT / "examples" / "flagship_campus.factory").read_text(encoding="utf-8")
    four, _ = run(text)
    eight, _ = run(text, defines={"halls": "8"})
    hall = "frontier_campus.data_hall."
    for name in ("it_power", "capex_it", "capex_power", "capex_cooling", "capex_building", "power_chain_loss"):
        assert value(eight, hall + name) == pytest.approx(value(four, hall + name)), name
    assert value(eight, "frontier_campus.capex_it") == pytest.approx(2 * value(four, "frontier_campus.capex_it"))
    assert value(eight, "frontier_campus.it_power") > 2 * value(four, hall + "it_power") * 4 - 1e-6
