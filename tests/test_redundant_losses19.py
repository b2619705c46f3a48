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
    never fall, and with fixed-loss shares > 0 (the defaults) strictly rise; each stays within its peak, which now
    counts the units placed too (s21-power: before, the peak was the rated loss whatever the count, one figure for
    all three; the transformer's peak share at each plant's load: tests/test_peak_idle_cores21.py). With both fixed shares 0 (square-law losses alone, s20-power) the order turns: the
    same current through more units in parallel loses less (before s20-power, with linear losses, the three drew
    the same). (The hand calculations of the part-load curve: tests/test_part_load_losses20.py.)"""
    plants = _plants()
    for name in AVERAGES:
        values = [p[name] for p in plants]
        assert values[0] < values[1] < values[2], (name, values)
    assert all(p["s.facility_power_avg"] <= p["s.facility_power"] for p in plants)
    flat = _plants("let transformer_fixed_loss_share = 0\n    let ups_fixed_loss_share = 0")
    for name in AVERAGES:
        values = [p[name] for p in flat]
        assert values[0] > values[1] > values[2], (name, values)    # I^2 R alone: shared by more units, less
