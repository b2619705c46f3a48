"""Redundant power gear draws its no-load loss (s19-redund, session 19).

Every unit of an N+1 or 2N plant is energized and shares the load: each transformer carries its core loss and each
UPS module its fixed (control, fan, magnetics) loss whatever its share, so a plant of more units costs energy, not
only capex (Schneider Electric White Paper 108 rev 2, V. Avelar, "Making Large UPS Systems More Efficient", read
2026-12-06 [S]: a UPS's no-load losses are independent of load and can be over 40% of its losses, and each side of
a 2N system runs at <= 50% load; US DOE 10 CFR 431.196, distribution transformers: the no-load (core) loss is drawn
while energized, at any load). Before: a hall of 40 DGX H100 racks under transformers and UPS placed N,
N+1 and 2N averaged 1,451.9 kW at the meter in all three (the fixed loss was sized on the load), while power capex
rose 9.54 -> 13.22 -> 16.89 MUSD.
"""
from __future__ import annotations

import numpy as np
import pytest

from test_numbers_hunt17 import _values  # the numbers hunts' evaluation helper (tests/ is on the path)

HALL = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA, UPS_1250kVA
site s {{
  land_price = 0 USD
  hall h {{
    {lets}
    rack r: DGX_H100_rack x 40
    transformer t: Transformer_2500kVA x {t} {{ redundancy = "{red}" }}
    ups u: UPS_1250kVA x {u} {{ redundancy = "{red}" }}
  }}
}}
"""
# (redundancy, transformers, UPS modules): ~1.40 MW of IT, 1.51 MW out of the UPS, 2.0 MW out of the transformer
PLANTS = (("N", 1, 2), ("N+1", 2, 3), ("2N", 2, 4))
AVERAGES = ("s.facility_power_avg", "s.facility_power_metered", "s.energy_year", "s.pue")


def _plants(lets: str = "") -> list[dict[str, float]]:
    return [_values(HALL.format(red=red, t=t, u=u, lets=lets)) for red, t, u in PLANTS]


def test_more_units_of_the_same_gear_never_lower_and_with_a_fixed_loss_raise_the_average_power() -> None:
    """N -> N+1 -> 2N of the same transformer and UPS: the average facility power, metered power, energy and PUE
    never fall, and with fixed-loss shares > 0 (the defaults, 0.4 and 0.3) strictly rise; the peak (sizing, the
    rated loss) does not move. With both fixed shares 0 the three plants draw the same."""
    plants = _plants()
    for name in AVERAGES:
        values = [p[name] for p in plants]
        assert values[0] < values[1] < values[2], (name, values)
    assert len({round(p["s.facility_power"], 6) for p in plants}) == 1
    flat = _plants("let transformer_fixed_loss_share = 0\n    let ups_fixed_loss_share = 0")
    for name in AVERAGES:
        values = [p[name] for p in flat]
        assert np.allclose(values, values[0], rtol=1e-12), (name, values)


def test_the_redundant_stages_loss_is_units_energized_times_no_load_loss_plus_the_load_share() -> None:
    """Hand calculation, 2N against N (both place more capacity than the peak load, utilization < 1).
    A stage's average loss = units x no-load loss of a unit + (1 - f) x out_avg x (1 / eta - 1), the no-load loss
    of a unit = f x capacity x (1 / eta - 1) (f of the unit's loss at its rating), so the load-dependent part,
    summed over the units at their shares, does not depend on how many units share the load:
        UPS (eta 0.96, f 0.3, 1,250 kVA): 4 - 2 = 2 more modules: 2 x 0.3 x 1.25 MW x (1/0.96 - 1) = 31.250 kW,
            which the transformer above it carries at its variable loss: x (1 + 0.6 x (1/0.99 - 1)) = 31.439 kW
        transformer (eta 0.99, f 0.4, 2,500 kVA): 2 - 1 = 1 more unit: 0.4 x 2.5 MW x (1/0.99 - 1) = 10.101 kW
        facility_power_avg(2N) - facility_power_avg(N) = 41.540 kW (the cooling power follows the IT heat)."""
    n, _, two_n = _plants()
    assert n["s.h.t.utilization"] < 1 and n["s.h.u.utilization"] < 1     # both plants above the load: r > 1
    ups = 2 * 0.3 * 1.25e6 * (1 / 0.96 - 1) * (1 + 0.6 * (1 / 0.99 - 1))
    transformer = 1 * 0.4 * 2.5e6 * (1 / 0.99 - 1)
    assert abs(ups + transformer - 41540.4) < 0.1
    assert two_n["s.facility_power_avg"] - n["s.facility_power_avg"] == \
        pytest.approx(ups + transformer, rel=1e-9)
    # one unit's no-load loss at N: 1 transformer of 2.5 MW over ~2.0 MW of load: above f x L_peak (before)
    before = 1451895.1                                                  # all three plants before s19-redund
    assert n["s.facility_power_avg"] > before


SITE_GEAR = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA
site s {{
  land_price = 0 USD
  transformer t: Transformer_2500kVA x {t} {{ redundancy = "2N" }}
  hall h x 2 {{
    rack r: DGX_H100_rack x 20
  }}
}}
"""


def test_a_sites_gear_over_counted_halls_draws_each_units_no_load_loss_once() -> None:
    """A site's transformers feed two counted halls (each hall's chain carries its share of the site's units): 2 -> 4
    units of 2.5 MVA at 0.99 over ~2.0 MW at peak (both above the load) add 2 x 0.4 x 2.5 MW x (1/0.99 - 1) =
    20.202 kW at the meter, the same whichever hall carries which share (no loss on it from later stages: the
    transformer is the first)."""
    two, four = (_values(SITE_GEAR.format(t=t)) for t in (2, 4))
    assert two["s.t.utilization"] < 1
    assert four["s.facility_power_avg"] - two["s.facility_power_avg"] == pytest.approx(
        2 * 0.4 * 2.5e6 * (1 / 0.99 - 1), rel=1e-9)
    assert four["s.facility_power"] == pytest.approx(two["s.facility_power"], rel=1e-12)   # the peak: rated loss
