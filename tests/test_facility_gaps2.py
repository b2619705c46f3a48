"""Facility gaps, second pass (session 13, s13-facility2): fixed losses at part load, row gear's rated pump power,
two transformations, a rack's PDU as a stage, sizing outputs of row and rack gear. Laws compare runs of the same
spec; hand calculations are written out beside each assertion."""
from __future__ import annotations

import pytest

from test_peak_idle_cores21 import peak_share  # tests/ is on the path

from compiler.models.facility import FIXED_LOSS_SHARE
from spec_eval import run, value

HALL = """
server box {
  max_power = 1 MW
  cooling = "air"
  price = 1 USD
}
site s {
  distribution = "ac"
  utilization = UTIL
  hall h {
    rack r { server n: box }
    GEAR
  }
}
"""


def _hall(util: float = 0.85, gear: str = "") -> str:
    return HALL.replace("UTIL", str(util)).replace("GEAR", gear)


# ---------------------------------------------------------------- 5. fixed losses at part load

@pytest.mark.parametrize("gear", ["", "transformer t: tx\n"])
def test_a_half_loaded_site_has_a_pue_at_least_a_full_ones(gear: str) -> None:
    """Law: the chain's no-load losses (transformer cores, the UPS's fixed loss) do not fall with the load, so
    the PUE at 50% utilization differs from the PUE at 100% (before s19: equal, every loss proportional to the
    load). Where the gear is placed far above its load (a 5 MW transformer here, below its loss-optimal load) it is
    above. A default chain is sized on its peak flow, each unit at full load there (s20-power): its square-law
    losses fall faster than the load down to the loss-optimal x* = sqrt(f / (1 - f)) (0.5 for a transformer: DOE
    rates them at 50%, where they are most efficient), so at half load its PUE is below the full one's."""
    text = _hall(UTIL_HALF := 0.5, gear)
    if gear:
        text = text.replace("site s {", "transformer tx {\n  capacity = 5 MW\n  efficiency = 0.99\n  price = 1 USD\n}\n"
                                         "site s {")
    half, _ = run(text)
    full, _ = run(text.replace(f"utilization = {UTIL_HALF}", "utilization = 1"))
    if gear:
        assert value(half, "s.pue") > value(full, "s.pue") + 1e-3
    else:
        assert value(half, "s.pue") < value(full, "s.pue") - 1e-3
    assert value(half, "s.pue") >= 1 and value(full, "s.pue") >= 1


def test_the_fixed_loss_at_part_load_by_hand() -> None:
    """Default AC chain 0.985 (transformer) x 0.96 (UPS) x 0.985 (PDU), no-load shares f_k of a unit's loss at full
    load (s20-power: a default stage is sized on its peak flow, its efficiency read there); at the average a stage
    loses  L_k(peak) (f_k + (1 - f_k) (out_avg / out_peak)^2), at the sum of the flows through it:
        the IT:  PDU out = IT (avg), then the UPS, each carrying the losses after it
        the transformer: the UPS's input and the cooling plant together (fed from the low-voltage switchboard; its
        square-law part of their summed flow, s21-power: before, each flow on its own share of the stage)"""
    results, _ = run(_hall(0.5))
    it, avg = value(results, "s.h.it_power"), value(results, "s.h.it_power_avg")
    cool_peak, cool_avg = value(results, "s.h.cooling_power"), value(results, "s.h.cooling_power_avg")
    assert avg < 0.8 * it
    fixed = FIXED_LOSS_SHARE

    def walk(out_p, out_a, stages):
        total = 0.0
        for kind, eta in stages:
            f = fixed[kind].value
            loss_p = out_p * (1 / eta - 1)
            loss_a = loss_p * (f + (1 - f) * (out_a / out_p) ** 2)
            total += loss_a
            out_p, out_a = out_p + loss_p, out_a + loss_a
        return total, out_p, out_a

    ups_pdu, ups_in_p, ups_in_a = walk(it, avg, (("pdu", 0.985), ("ups", 0.96)))
    loss_a_total = ups_pdu + walk(ups_in_p + cool_peak, ups_in_a + cool_avg, (("transformer", 0.985),))[0]
    assert value(results, "s.h.facility_power_avg") == pytest.approx(avg + loss_a_total + cool_avg, rel=1e-9)
    # the peak is what it was: the whole loss at the peak flow
    assert value(results, "s.h.facility_power") == pytest.approx(
        it / (0.985 * 0.96 * 0.985) + cool_peak / 0.985, rel=1e-9)


def test_growing_utilization_never_lowers_facility_power_and_losses_stay_non_negative() -> None:
    previous = None
    for util in (0.0, 0.25, 0.5, 0.75, 1.0):
        results, _ = run(_hall(util))
        power = value(results, "s.facility_power_avg")
        assert power >= value(results, "s.it_power_avg")
        if previous is not None:
            assert power >= previous
        previous = power
# ---------------------------------------------------------------- 2. a row CDU's rated pump power

ROW_CDU = """
server box {
  max_power = 100 kW
  cooling = "liquid"
  price = 1 USD
}
cdu loop {
  capacity = 2 MW
  power = POWER
  price = 1 USD
}
rack frame { server n: box }
site s {
  distribution = "ac"
  hall h {
    row r x 2 {
      rack k: frame x 10
      cdu c: loop
    }
  }
}
"""


def test_a_rows_cdu_rated_pump_power_sets_the_halls_pumps() -> None:
    """A row CDU of 2 MW that draws 100 kW pumps at 5% of the heat it moves (not the default 2%): 2 rows of
    850 kW liquid heat (0.85 of 1 MW) -> pumps 2 x 850 kW x 0.05 = 85 kW, in place of 34 kW. Before, the row's
    rated power was read by no model. Law: a CDU that draws more never lowers the cooling power."""
    low, _ = run(ROW_CDU.replace("POWER", "20 kW"))         # 1% of 2 MW
    high, _ = run(ROW_CDU.replace("POWER", "100 kW"))       # 5%
    liquid = value(high, "s.h.heat_liquid")
    assert liquid == pytest.approx(1.7e6)
    assert value(high, "s.h.cooling_power") - value(low, "s.h.cooling_power") >= liquid * 0.04 - 1e-6
    assert value(high, "s.h.cooling_power") > value(low, "s.h.cooling_power")


# ---------------------------------------------------------------- 4. a site's transformers and its halls'

TWO_TX = """
server box {
  max_power = 1 MW
  cooling = "air"
  price = 1 USD
}
transformer hv {
  capacity = 10 MW
  efficiency = 0.99
  price = 1 USD
}
transformer lv {
  capacity = 2.5 MW
  efficiency = 0.98
  price = 1 USD
}
site s {
  distribution = "ac"
  SITE_TX
  hall h {
    rack r { server n: box }
    transformer t: lv
  }
}
"""


def test_a_site_and_its_hall_both_transforming_charge_both_losses() -> None:
    """The site's substation (0.99) feeds the hall's own transformer (0.98): 1 MW of IT through PDU 0.985, UPS
    0.96, both transformers, the cooling plant C joining below the hall's transformer:
        facility_power = 1 MW / (0.985 x 0.96 x 0.98 x 0.99) + C / (0.98 x 0.99)
    Before, the hall's transformer replaced the site's: the 0.99 stage was charged nothing (and sized on nothing).
    Each placed transformer loses at peak s = peak_share(eta, 0.2, 0.5, its utilization) of what it delivers (its
    units' curve at their load, DOE's 50% test load; s21-power), so with 1/0.98 and 1/0.99 read as 1 + s_lv and
    1 + s_hv: facility_power = (1 MW / (0.985 x 0.96) + C) (1 + s_lv) (1 + s_hv)."""
    results, _ = run(TWO_TX.replace("SITE_TX", "transformer sub: hv"))
    it, cooling = value(results, "s.h.it_power"), value(results, "s.h.cooling_power")
    lv_out = it / (0.985 * 0.96) + cooling
    s_lv = peak_share(0.98, 0.2, 0.5, value(results, "s.h.t.utilization"))
    s_hv = peak_share(0.99, 0.2, 0.5, value(results, "s.sub.utilization"))
    facility = lv_out * (1 + s_lv) * (1 + s_hv)
    assert value(results, "s.h.facility_power") == pytest.approx(facility, rel=1e-9)
    assert value(results, "s.facility_power") == pytest.approx(facility, rel=1e-9)
    # the meter is the first transformer's power in; the two stages' losses add up
    assert value(results, "s.h.transformer_power_in") == pytest.approx(facility, rel=1e-9)
    assert value(results, "s.h.transformer_loss") == pytest.approx(facility - lv_out, rel=1e-9)
    # each is sized on the power out of its own stage: the hall's lv on lv_out, the site's hv on lv_out (1 + s_lv)
    assert value(results, "s.h.t.utilization") == pytest.approx(lv_out / 2.5e6, rel=1e-9)
    assert value(results, "s.sub.utilization") == pytest.approx(lv_out * (1 + s_lv) / 10e6, rel=1e-9)
    # law: adding the site's transformer never lowers the power at the meter
    alone, _ = run(TWO_TX.replace("SITE_TX", ""))
    assert value(results, "s.facility_power") > value(alone, "s.facility_power")


# ---------------------------------------------------------------- 1. a rack's own PDU is a stage

RACK_PDU = """
server box {
  max_power = 10 kW
  cooling = "air"
  price = 1 USD
}
pdu strip {
  capacity = 20 kW
  efficiency = ETA
  price = 1 USD
}
rack frame {
  server n: box x 2
  pdu p: strip
}
site s {
  distribution = "ac"
  hall h {
    rack k: frame x 10
  }
}
"""


def test_a_racks_pdu_loses_power_after_the_halls_chain() -> None:
    """10 racks of 20 kW, each through its own PDU (0.98) after the hall's default chain (PDU 0.985, UPS 0.96,
    transformer 0.985): the rack PDU runs at full load (20 kW of 20 kW), above the 35% its efficiency is read at,
    so it loses s = peak_share(0.98, 0.11, 0.35, 1) of its 200 kW (s21-power: its units' curve there; was
    1/0.98 - 1):  facility_power = 200 kW (1 + s) / (0.985 x 0.96 x 0.985) + C / 0.985,
    pdu_loss = 200 kW s + 200 kW (1 + s) (1/0.985 - 1). Before s13, the rack's PDU lost nothing."""
    results, _ = run(RACK_PDU.replace("ETA", "0.98"))
    it, cooling = value(results, "s.h.it_power"), value(results, "s.h.cooling_power")
    assert it == pytest.approx(200e3)
    s = peak_share(0.98, 0.11, 0.35, 1.0)
    assert s > 1 / 0.98 - 1
    assert value(results, "s.h.facility_power") == pytest.approx(
        it * (1 + s) / (0.985 * 0.96 * 0.985) + cooling / 0.985, rel=1e-9)
    assert value(results, "s.h.pdu_loss") == pytest.approx(it * s + it * (1 + s) * (1 / 0.985 - 1), rel=1e-9)
    # law: a worse rack PDU never lowers the facility power, capex or PUE
    worse, _ = run(RACK_PDU.replace("ETA", "0.9"))
    for name in ("facility_power", "pue", "capex"):
        assert value(worse, f"s.{name}") >= value(results, f"s.{name}")
    assert value(worse, "s.facility_power") > value(results, "s.facility_power") + 10e3


# ---------------------------------------------------------------- 3. row and rack gear: units_needed, utilization

def test_row_and_rack_gear_report_their_sizing() -> None:
    """The figures the row's and rack's limits compare are outputs, as a hall's gear's are. Each rack: 100 kW of
    parts through 33 kW shelves of 0.975 -> 102.56 kW; a row of 10: 1,025.6 kW under 500 kW busways 2N needs
    2 x ceil(1,025.6 / 500) = 6, used 1,025.6 / (4 x 500) = 51.3% (4 placed: the limit fails); its CDU of 1 MW N+1
    for 0.85 x 1 MW = 850 kW of liquid heat (the servers'; the shelves' loss goes to the air) needs
    ceil(0.85) + 1 = 2, one placed used 85%; the shelves
    need ceil(100 / 33) = 4, 4 placed used 100 / 132 = 75.8%."""
    from test_facility_gaps import ROW_GEAR
    text = ROW_GEAR.replace("GEAR", "busway b: bus x 4\n      cdu c: loop").replace(
        "rack frame { server n: box }", "rack frame {\n  server n: box\n  power_shelf p: shelf33 x 4\n}")
    results, sink = run(text)
    row_it = 10 * 100e3 / 0.975
    assert value(results, "s.h.r.it_power") == pytest.approx(row_it)
    assert value(results, "s.h.r.b.units_needed") == 6
    assert value(results, "s.h.r.b.utilization") == pytest.approx(row_it / 2e6)
    assert value(results, "s.h.r.c.units_needed") == 2
    assert value(results, "s.h.r.heat_liquid") == pytest.approx(0.85e6)
    assert value(results, "s.h.r.c.utilization") == pytest.approx(0.85)
    assert value(results, "s.h.r.k.p.units_needed") == 4
    assert value(results, "s.h.r.k.p.utilization") == pytest.approx(100e3 / (4 * 33e3))
    # the limit that fails reads the same figure: one CDU placed of the 2 needed
    notes = [n for d in sink.items for n in d.notes]
    assert "cdu units needed = 2, cdu units placed = 1" in notes, notes
    assert "busway units needed = 6, busway units placed = 4" in notes, notes


# ---------------------------------------------------------------- laws over the IT load, with every new stage

LAW_SPEC = """
server box {
  max_power = 50 kW
  cooling = "hybrid"
  liquid_fraction = 0.7
  price = 100000 USD
}
transformer hv {
  capacity = 50 MW
  efficiency = 0.995
  price = 1000000 USD
}
transformer lv {
  capacity = 2.5 MW
  efficiency = 0.985
  price = 150000 USD
}
pdu strip {
  capacity = 120 kW
  efficiency = 0.99
  price = 3000 USD
}
cdu loop {
  capacity = 2 MW
  power = 60 kW
  price = 100000 USD
}
rack frame {
  server n: box x 2
  pdu p: strip
}
site s {
  distribution = "ac"
  utilization = UTIL
  heat_rejection = "cooling_tower"
  ambient_temp = 32 degC
  transformer sub: hv
  hall h {
    transformer t: lv x 4
    row r x ROWS {
      rack k: frame x 10
      cdu c: loop x 2
    }
  }
}
"""


@pytest.mark.parametrize("util", [0.3, 0.85])
def test_growing_it_load_never_lowers_power_cooling_water_or_capex(util: float) -> None:
    """Law, with two transformations, rack PDUs, row CDUs with a rated power and the fixed losses: more rows never
    lower facility power (peak and average), cooling power, water or capex; PUE >= 1; every stage's loss >= 0."""
    previous = None
    for rows in (1, 2, 3, 5):
        results, _ = run(LAW_SPEC.replace("UTIL", str(util)).replace("ROWS", str(rows)))
        figures = {name: value(results, f"s.{name}") for name in
                   ("facility_power", "facility_power_avg", "cooling_power", "cooling_power_avg", "water_year",
                    "capex", "energy_year")}
        assert value(results, "s.pue") >= 1 and value(results, "s.h.pue") >= 1
        for stage in ("transformer", "ups", "pdu"):
            assert value(results, f"s.h.{stage}_loss") >= 0
        if previous is not None:
            for name, figure in figures.items():
                assert figure >= previous[name], (rows, name)
        previous = figures


def test_pue_falls_as_the_same_site_fills() -> None:
    # law: the same site at 30% utilization has a PUE at least its PUE at 85%, and that at least its PUE at 100%
    pues = [value(run(LAW_SPEC.replace("UTIL", u).replace("ROWS", "2"))[0], "s.pue") for u in ("0.3", "0.85", "1")]
    assert pues[0] >= pues[1] >= pues[2] >= 1
