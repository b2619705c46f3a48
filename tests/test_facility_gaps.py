"""Facility gaps (session 13, s13-facility): a plan whose space, power path or gear is short of its load must fail
with a limit at its span and a non-zero exit, and the facility's power figures count every loss of the load they
carry. Laws compare runs of the same spec; hand calculations are written out beside each assertion."""
from __future__ import annotations

import math

import pytest

from compiler import evaluate_text
from compiler.models.facility import FIXED_LOSS_SHARE, rack_floor_area
from spec_eval import run, value
from test_capex_laws15 import INSTALL, SHARE  # tests/ is on the path


def _limits(sink, word: str = ""):
    return [d for d in sink.items if d.code == "limit-exceeded" and word in d.message]


# ---------------------------------------------------------------- 1. hall floor area

AREA_HALL = """
server box {
  max_power = 50 kW
  price = 1 USD
}
rack frame { server n: box }
site s {
  hall h {
    area = AREA m^2
    row r x ROWS { rack k: frame x 10 }
  }
}
"""


def test_rack_floor_area_is_the_7_tile_pitch() -> None:
    # 0.6 m wide rack x half of 7 tiles of 2 ft (7 x 0.6096 m = 4.267 m between cold-aisle centres, two rows):
    # 0.6 x 2.1336 = 1.28016 m^2
    assert rack_floor_area.value == pytest.approx(0.6 * 2.1336)


def test_a_hall_smaller_than_its_racks_is_a_limit() -> None:
    # 4 rows x 10 racks = 40 racks x 1.28016 m^2 = 51.2 m^2 > 50 m^2: a limit naming the hall's area
    _, sink = evaluate_text(AREA_HALL.replace("AREA", "50").replace("ROWS", "4"))
    errors = _limits(sink, "floor area")
    assert len(errors) == 1 and errors[0].span.line == 9, [d.message for d in sink.items]
    assert "51.2" in errors[0].notes[0] and "50 m^2" in errors[0].notes[0]
    # 52 m^2 holds them
    _, sink = evaluate_text(AREA_HALL.replace("AREA", "52").replace("ROWS", "4"))
    assert not _limits(sink, "floor area")


def test_shrinking_the_area_below_the_racks_fails_and_growing_the_racks_does_too() -> None:
    # law: shrinking a capacity below its load gives a limit; a hall that held 40 racks in 60 m^2 cannot hold 50
    _, sink = evaluate_text(AREA_HALL.replace("AREA", "60").replace("ROWS", "4"))
    assert not _limits(sink, "floor area")
    _, sink = evaluate_text(AREA_HALL.replace("AREA", "60").replace("ROWS", "5"))   # 50 x 1.28 = 64.0 m^2
    assert len(_limits(sink, "floor area")) == 1


def test_the_cli_exits_non_zero_on_a_hall_too_small(tmp_path) -> None:
    from click.testing import CliRunner
    from compiler.cli import main
    spec = tmp_path / "small.factory"
    spec.write_text(AREA_HALL.replace("AREA", "10").replace("ROWS", "4"))
    result = CliRunner().invoke(main, ["check", str(spec)])
    assert result.exit_code != 0 and "floor area" in result.output


# ---------------------------------------------------------------- 2. the cooling plant's feed loses power too

COOLED_HALL = """
server box {
  max_power = 1 MW
  cooling = "air"
  price = 1 USD
}
site s {
  distribution = "ac"
  ambient_temp = 35 degC
  hall h {
    rack r { server n: box }
    GEAR
  }
}
"""


def test_the_transformer_loses_power_on_the_cooling_plant_it_feeds() -> None:
    """The mechanical plant is fed through the transformers (and switchgear) that feed the IT: their loss on it
    is power at the meter. Default AC chain 0.985 (transformer) x 0.96 (UPS) x 0.985 (PDU); IT 1 MW, cooling C:
        transformer out  = 1 MW / (0.96 x 0.985) + C
        transformer_loss = out x (1 / 0.985 - 1)
        facility_power   = IT + (UPS + PDU losses) + transformer_loss + C = 1 MW / 0.931... + C / 0.985"""
    results, _ = run(COOLED_HALL.replace("GEAR", ""))
    it, cooling = value(results, "s.h.it_power"), value(results, "s.h.cooling_power")
    assert it == pytest.approx(1e6) and cooling > 1e5            # an air room at 35 degC: CRAH fans and chillers
    out = it / (0.96 * 0.985) + cooling
    assert value(results, "s.h.transformer_loss") == pytest.approx(out * (1 / 0.985 - 1), rel=1e-9)
    facility = it / (0.985 * 0.96 * 0.985) + cooling / 0.985
    assert value(results, "s.h.facility_power") == pytest.approx(facility, rel=1e-9)
    assert value(results, "s.facility_power") == pytest.approx(facility, rel=1e-9)
    # the PUE at the average: the same chain on the average IT power and the average cooling power, each default
    # stage sized on its peak flow losing L_peak (f + (1 - f) u^2), u the flow over its peak's (s20-power; before,
    # s13-facility2: f L_peak + (1 - f) out_avg (1/eta - 1)); the transformer carries the IT path's flow and the
    # cooling plant's together, its square-law part of their sum (s21-power; before, each on its own share)
    it_avg, cooling_avg = value(results, "s.h.it_power_avg"), value(results, "s.h.cooling_power_avg")
    out_p, out_a = it, it_avg
    for kind, eta in (("pdu", 0.985), ("ups", 0.96), ("transformer", 0.985)):
        f = FIXED_LOSS_SHARE[kind].value
        if kind == "transformer":       # the cooling plant joins the flow here
            out_p, out_a = out_p + cooling, out_a + cooling_avg
        loss_p = out_p * (1 / eta - 1)
        loss_a = loss_p * (f + (1 - f) * (out_a / out_p) ** 2)
        out_p, out_a = out_p + loss_p, out_a + loss_a
    pue = out_a / it_avg
    assert value(results, "s.h.pue") == pytest.approx(pue, rel=1e-9)
    assert value(results, "s.pue") == pytest.approx(pue, rel=1e-9)


def test_placed_switchgear_loses_power_on_the_cooling_plant_too() -> None:
    # switchgear 0.999 after the default transformer: cooling C passes both, C / (0.999 x 0.985) at the meter
    gear = 'switchgear sg: lv\n'
    text = COOLED_HALL.replace("GEAR", gear).replace("site s {", """switchgear lv {
  capacity = 5 MW
  efficiency = 0.999
  price = 1 USD
}
site s {""")
    results, _ = run(text)
    it, cooling = value(results, "s.h.it_power"), value(results, "s.h.cooling_power")
    facility = it / (0.985 * 0.999 * 0.96 * 0.985) + cooling / (0.999 * 0.985)
    assert value(results, "s.h.facility_power") == pytest.approx(facility, rel=1e-9)
    assert value(results, "s.h.switchgear_loss") == pytest.approx(
        (it / (0.96 * 0.985) + cooling) * (1 / 0.999 - 1), rel=1e-9)


@pytest.mark.parametrize("name", ["flagship_campus", "enterprise_starter"])
def test_the_meter_is_the_transformer_stage_power_in(name: str) -> None:
    """Law: everything a block draws passes its first stage, the transformer (IT, every chain loss, the cooling
    plant): transformer_power_in = facility_power. Before, the flagship's 232.8 MW into its transformers were
    26.3 MW short of its 259.1 MW at the meter (the cooling plant fed outside the chain, no loss on it)."""
    from pathlib import Path
    path = Path(__file__).resolve().parents[1] / "examples" / f"{name}.factory"
    results, _ = evaluate_text(path.read_text(), str(path))
    blocks = [p[: -len(".transformer_power_in")] for p in results.values if p.endswith(".transformer_power_in")]
    assert blocks
    for block in blocks:
        assert value(results, f"{block}.transformer_power_in") == pytest.approx(
            value(results, f"{block}.facility_power"), rel=1e-9), block


# ---------------------------------------------------------------- 3. gear placed in a row or a rack

ROW_GEAR = """
server box {
  max_power = 100 kW
  cooling = "liquid"
  price = 1 USD
}
busway bus {
  capacity = 500 kW
  efficiency = 0.99
  redundancy = "2N"
  price = 1 USD
}
cdu loop {
  capacity = 1 MW
  redundancy = "N+1"
  price = 1 USD
}
power_shelf shelf33 {
  capacity = 33 kW
  efficiency = 0.975
  price = 1 USD
}
rack frame { server n: box }
site s {
  distribution = "ac"
  hall h {
    row r x 2 {
      rack k: frame x 10
      GEAR
    }
  }
}
"""


def test_a_rows_busway_short_of_its_load_is_a_limit() -> None:
    # row IT 10 x 100 kW = 1 MW; the busway is the last stage: out = 1 MW; 2N: 2 x ceil(1 MW / 500 kW) = 4 units
    _, sink = evaluate_text(ROW_GEAR.replace("GEAR", "busway b: bus x 2"))
    errors = _limits(sink, "busways")
    assert [d.notes for d in errors] == [["busway units needed = 4, busway units placed = 2"]], \
        [d.message for d in sink.items]
    _, sink = evaluate_text(ROW_GEAR.replace("GEAR", "busway b: bus x 4"))
    assert not _limits(sink, "busways")


def test_a_rows_cdu_short_of_its_liquid_heat_is_a_limit() -> None:
    # liquid 0.85 x 1 MW = 850 kW per row; N+1: ceil(0.85) + 1 = 2 units; one placed (no count) fails
    results, sink = evaluate_text(ROW_GEAR.replace("GEAR", "cdu c: loop"))
    assert value(results, "s.h.r.heat_liquid") == pytest.approx(0.85e6)
    errors = _limits(sink, "CDUs")
    assert [d.notes for d in errors] == [["cdu units needed = 2, cdu units placed = 1"]], [d.message for d in sink.items]
    _, sink = evaluate_text(ROW_GEAR.replace("GEAR", "cdu c: loop x 2"))
    assert not _limits(sink, "CDUs")


def test_a_racks_power_shelves_short_of_its_parts_are_a_limit() -> None:
    # the shelves feed 100 kW of parts: ceil(100 / 33) = 4 shelves (N); 3 placed fail, 4 hold
    text = ROW_GEAR.replace("GEAR", "").replace("rack frame { server n: box }",
                                                 "rack frame {\n  server n: box\n  power_shelf p: shelf33 x SHELVES\n}")
    _, sink = evaluate_text(text.replace("SHELVES", "3"))
    errors = _limits(sink, "power shelves")        # on the rack defined and on the racks placed
    assert errors and all(d.notes == ["power_shelf units needed = 4, power_shelf units placed = 3"] for d in errors), \
        [d.message for d in sink.items]
    _, sink = evaluate_text(text.replace("SHELVES", "4"))
    assert not _limits(sink, "power shelves")


def test_growing_the_it_load_of_a_row_never_passes_a_limit_it_failed() -> None:
    # law: a row that fails with 10 racks fails with 12 (the load only grows)
    for racks in (10, 12):
        _, sink = evaluate_text(ROW_GEAR.replace("GEAR", "busway b: bus x 2").replace("x 10", f"x {racks}"))
        assert _limits(sink, "busways")


def test_a_rows_busway_loses_power_in_the_halls_chain() -> None:
    """The busways a row places are that row's distribution stage (in place of the hall's default PDU): 2 rows of
    1 MW under busways of 0.99, AC defaults above them (UPS 0.96, transformer 0.985), cooling C fed at the
    transformer:  facility_power = 2 MW / (0.99 x 0.96 x 0.985) + C / 0.985,  busway_loss = 2 MW x (1/0.99 - 1),
    and no PDU stage. Before, the row's busway was ignored (a 0.5 busway drew what a 0.99 one did)."""
    results, _ = run(ROW_GEAR.replace("GEAR", "busway b: bus x 4"))
    it, cooling = value(results, "s.h.it_power"), value(results, "s.h.cooling_power")
    assert it == pytest.approx(2e6)
    assert value(results, "s.h.busway_loss") == pytest.approx(2e6 * (1 / 0.99 - 1), rel=1e-9)
    assert "s.h.pdu_loss" not in results.values
    assert value(results, "s.h.facility_power") == pytest.approx(
        2e6 / (0.99 * 0.96 * 0.985) + cooling / 0.985, rel=1e-9)
    assert value(results, "s.h.power_chain_efficiency") == pytest.approx(0.99 * 0.96 * 0.985, rel=1e-9)
    # law: a worse busway never lowers the power at the meter
    worse, _ = run(ROW_GEAR.replace("GEAR", "busway b: bus x 4").replace("efficiency = 0.99", "efficiency = 0.9"))
    assert value(worse, "s.h.facility_power") > value(results, "s.h.facility_power") + 0.1e6


def test_rows_with_and_without_their_own_gear_each_take_their_chain() -> None:
    # one row under busways (0.99), one row under the hall's default PDU (0.985): the losses of each on its 1 MW
    text = ROW_GEAR.replace("row r x 2 {", "row plain { rack k: frame x 10 }\n    row r {").replace(
        "GEAR", "busway b: bus x 4")
    results, _ = run(text)
    assert value(results, "s.h.busway_loss") == pytest.approx(1e6 * (1 / 0.99 - 1), rel=1e-9)
    assert value(results, "s.h.pdu_loss") == pytest.approx(1e6 * (1 / 0.985 - 1), rel=1e-9)
    ups_out = 1e6 / 0.99 + 1e6 / 0.985
    assert value(results, "s.h.ups_loss") == pytest.approx(ups_out * (1 / 0.96 - 1), rel=1e-9)


def test_gear_placed_in_rows_is_priced_in_the_halls_plant() -> None:
    """A row's busways and CDUs are bought: units x price, in the hall's capex_power / capex_cooling, in place of
    the per-watt estimate of their class for the IT under those rows (2 of the 2 rows here: none left). Before,
    $1M busways and CDUs in the rows left the capex where it was (the class estimated on all the IT, the gear
    never priced)."""
    base, _ = run(ROW_GEAR.replace("GEAR", ""))
    it = value(base, "s.h.it_power")
    per_w_power = 11.7 * 0.53 * 0.6 * SHARE["distribution"]   # distribution class: 3.7206 x 0.2793 = 1.039 $/W
    per_w_cdu = 11.7 * 0.53 * 0.4 * SHARE["cdu"]                # CDU class: 2.4804 x 0.2603 = 0.646 $/W
    priced = ROW_GEAR.replace("GEAR", "busway b: bus x 4\n      cdu c: loop x 2").replace(
        "price = 1 USD", "price = 1000000 USD")
    results, _ = run(priced)
    # 2 rows x 4 busways x $1M = $8M, installed x 2.5979 (s15-capex; (3.7206 - 0.7579) / 1.1404 since s17-econ2):
    # $20.8M, replaces 2 MW x 1.039 $/W; 2 rows x 2 CDUs x $1M = $4M, installed x 2.4804 / 0.7183 = 3.4533: $13.8M,
    # replaces 2 MW x 0.646 $/W (tests/test_capex_laws15.py INSTALL, SHARE)
    assert value(results, "s.h.capex_power") == pytest.approx(
        value(base, "s.h.capex_power") - it * per_w_power + 8e6 * INSTALL["power"], rel=1e-9)
    assert value(results, "s.h.capex_cooling") == pytest.approx(
        value(base, "s.h.capex_cooling") - it * per_w_cdu + 4e6 * INSTALL["cooling"], rel=1e-9)
    # law: a dearer part never lowers the capex
    dearer, _ = run(priced.replace("price = 1000000 USD", "price = 2000000 USD"))
    assert value(dearer, "s.capex") > value(results, "s.capex")


def test_gear_placed_in_racks_is_priced_in_the_halls_plant() -> None:
    # two $0.5M CDUs in each of the 20 racks (2 rows x 10) are bought: $20M, installed x 3.4533 (s15-capex, s17-econ2),
    # on top of the CDU class's estimate, which the hall's thermal model still sizes for the racks' heat (`cdus`):
    # s17-hunt-num (before, they replaced its 2 MW x 0.646 $/W, so a cheap rack CDU lowered capex)
    base, _ = run(ROW_GEAR.replace("GEAR", ""))
    text = ROW_GEAR.replace("GEAR", "").replace("rack frame { server n: box }",
                                                 "rack frame {\n  server n: box\n  cdu c: loop x 2\n}")
    results, _ = run(text.replace('redundancy = "N+1"\n  price = 1 USD', 'redundancy = "N+1"\n  price = 500000 USD'))
    per_w_cdu = 11.7 * 0.53 * 0.4 * SHARE["cdu"]
    assert value(results, "s.h.capex_cooling") == pytest.approx(
        value(base, "s.h.capex_cooling") + 20 * 2 * 0.5e6 * INSTALL["cooling"], rel=1e-9)
    assert value(results, "s.h.cdus") == value(base, "s.h.cdus") and per_w_cdu > 0
