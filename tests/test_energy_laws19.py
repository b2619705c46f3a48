"""Laws of a site's energy, power and cooling under changes of demand, counts and plant (s19-energy, session 19).

Each test states a law across runs of the compiler (or a hand calculation written out) and names the numbers
before the fix; none asserts a value the spec itself set.
"""
from __future__ import annotations

import numpy as np

from test_numbers_hunt17 import _run  # the numbers hunts' evaluation helper (tests/ is on the path)


def _sweep(text: str, defines: dict[str, str]) -> dict[str, np.ndarray]:
    results, errors = _run(text, defines)
    assert results is not None and not errors, [d.message for d in errors]
    return {p: np.asarray(x, dtype=float).ravel() for p, x in results.values.items()
            if isinstance(x, np.ndarray) and x.dtype.kind in "fiub"}


def _never_falls(values: np.ndarray) -> bool:
    return bool(np.all(np.diff(values) >= -1e-9 * np.max(np.abs(values))))


# ----------------------------------------------------------------------------- energy: spare accelerators

SPARES = """\
from systems import DGX_H100, DGX_H100_rack
from models import Llama3_1_70B
param demand = 20 ktok/s
site s {
  land_price = 0 USD
  rack d: DGX_H100_rack x 8
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    precision = "fp8"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 400 tok
    demand = demand
  }
}
"""
DEMANDS = {"demand": "[5 ktok/s, 80 ktok/s]"}


def test_raising_a_services_demand_never_lowers_the_sites_energy() -> None:
    """A site of 256 H100 (8 DGX H100 racks) serving one chat service: raising its demand makes it hold more
    accelerators, each busy its duty cycle (0.6) and idle the rest; the accelerators it does not hold run nothing.
    More demand never lowers the site's metered power, energy or energy bill. Before: an accelerator no workload
    holds was billed at the site's planning `utilization` (0.85), above what a held one draws at duty 0.6, so
    5 -> 80 ktok/s (6 -> 90 accelerators held) lowered the site's energy 2.547 -> 2.393 GWh/yr (-6.0%) and
    opex_energy 207.6 -> 195.0 kUSD/yr. Now a spare draws its idle power (the chip's, at its server's wall)."""
    v = _sweep(SPARES, DEMANDS)
    assert _never_falls(v["s.chat.accelerators_held"]) and v["s.chat.accelerators_held"][-1] > \
        v["s.chat.accelerators_held"][0]
    for name in ("s.facility_power_metered", "s.energy_year", "s.opex_energy"):
        assert _never_falls(v[name]), (name, v[name])


# ----------------------------------------------------------------------------- cooling: the site's plant spares

PLANT = """\
from systems import DGX_H100_rack
param halls = 1
site s {
  land_price = 0 USD
  heat_rejection = "dry_cooler"
  hall h x halls {
    rack r: DGX_H100_rack x 40
  }
}
"""


def test_identical_halls_on_one_plant_share_its_spare_chiller_and_dry_cooler() -> None:
    """Chillers and dry coolers are the site's plant (the language places them on a site only: a hall holds none,
    dsl/schema.py), one chilled-water plant for every hall: its N+1 spare is one unit of the plant, not one per hall.
    Law: n identical halls need at most n x (one hall's duty units) + the plant's one spare. 40 air-cooled DGX H100
    racks a hall (1.40 MW of heat to air, ~1.45 MW with the CRAH fans, at the 2 MW default chiller: 1 duty unit;
    ~1.9 MW rejected at the 1 MW dry cooler: 2). Before: every hall carried its own spare, 4 halls 8 chillers and 12
    dry coolers (2 and 3 a hall, x 4); now ceil(4 x ~1.45 / 2) + 1 = 4 and ceil(4 x ~1.9 / 1) + 1 = 9."""
    v = _sweep(PLANT, {"halls": "[1, 4]"})
    for name in ("s.chillers", "s.dry_coolers"):
        one, four = v[name]
        assert one >= 2, (name, one)                                  # one hall: duty units + its spare
        assert four <= 4 * (one - 1) + 1, (name, v[name])             # the plant's spare once
        assert four >= 4 * (one - 2) + 2, (name, v[name])             # and the duty units the load needs: ceil(4 L / c)
        # > 4 (d - 1) where one hall's d = ceil(L / c) = one - 1
        assert v[name.replace("s.", "s.h.")][0] == one                # a hall alone is the plant: the same count


# ----------------------------------------------------------------------------- energy: a site's set PUE

SET_PUE = """\
from systems import DGX_H100, DGX_H100_rack
from network import Q3400, OSFP_800G_2xDR4
from models import Llama3_1_70B
param P = 1.2
site s {
  land_price = 0 USD
  pue = P
  hall h {
    rack r: DGX_H100_rack x 8
  }
  network be {
    role = "scale_out"
    switch = Q3400
    transceiver = OSFP_800G_2xDR4
  }
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 64
    precision = "fp8"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 400 tok
  }
}
"""


def test_a_sites_set_pue_bills_its_halls_and_raising_it_never_lowers_their_energy() -> None:
    """A site that sets `pue` states its facility power: pue x its IT, every hall's included. Its hall's bill is
    then pue x (the hall's average IT + the change its services and spares make), and the hall and the IT outside
    it (the fabric, pue x its power) add up to the site's metered draw; raising the pue never lowers a hall's
    energy. Before: the hall kept its modelled facility_power_avg (292.0 kW, its own PUE 1.234) and took only the
    change at the site's pue, so raising the pue 1.05 -> 1.2 -> 1.4 lowered the hall's metered draw 154.4 -> 134.8
    -> 108.5 kW (its energy 1.353 -> 0.951 GWh/yr), above the whole site's 137.9 kW at 1.05."""
    v = _sweep(SET_PUE, {"P": "[1.05, 1.2, 1.4]"})
    p = np.array([1.05, 1.2, 1.4])
    for name in ("s.h.facility_power_metered", "s.h.energy_year", "s.h.opex_energy"):
        assert _never_falls(v[name]), (name, v[name])
    outside = p * v["s.it_power_avg_outside_halls"]            # the fabric: no service's chips, at the site's pue
    assert np.allclose(v["s.h.facility_power_metered"] + outside, v["s.facility_power_metered"], rtol=1e-9)
    assert np.allclose(v["s.h.facility_power_avg"], p * v["s.h.it_power_avg"], rtol=1e-12)


HALL_PUE = """\
from systems import DGX_H100_rack
param P = 1.3
site s {
  land_price = 0 USD
  hall h {
    pue = P
    rack r: DGX_H100_rack x 8
  }
  hall k {
    rack r: DGX_H100_rack x 8
  }
}
"""


def test_a_halls_set_pue_is_in_its_sites_energy() -> None:
    """A hall that sets `pue` states its facility power (pue x its IT); the site's is its halls' plus what it holds
    outside them (here nothing), so raising the hall's pue raises the site's energy. Before: the site summed the
    hall's modelled losses and cooling whatever its pue: at 1.1, 1.3 and 1.5 the hall drew 260.3, 307.7 and 355.0
    kW (2.28 -> 3.11 GWh/yr) and the site stayed at 584.1 kW (5.117 GWh/yr), its two halls' 552.3 to 647.0 kW."""
    v = _sweep(HALL_PUE, {"P": "[1.1, 1.3, 1.5]"})
    assert np.allclose(v["s.h.facility_power_avg"], np.array([1.1, 1.3, 1.5]) * v["s.h.it_power_avg"], rtol=1e-12)
    for name in ("s.facility_power_avg", "s.facility_power_metered"):
        assert np.allclose(v[name], v["s.h." + name[2:]] + v["s.k." + name[2:]], rtol=1e-9), (name, v[name])
    assert np.all(np.diff(v["s.energy_year"]) > 0), v["s.energy_year"]


def test_a_spare_utilization_outside_0_to_1_is_refused_at_its_let() -> None:
    """`spare_utilization` is a load share: 1.5 is refused as out of range at the `let`'s line (the range law of
    tests/test_let_range_taint.py, which no template of its reaches: a spare needs a workload that leaves some
    placed accelerators unheld)."""
    text = SPARES.replace("  land_price = 0 USD\n", "  land_price = 0 USD\n  let spare_utilization = 1.5\n")
    _, errors = _run(text)
    line = text.splitlines().index("  let spare_utilization = 1.5") + 1
    assert [(d.code, d.span.line) for d in errors] == [("out-of-range", line)], [d.message for d in errors]
