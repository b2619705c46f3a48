"""The peak counts the no-load losses of every unit placed (s21-power, session 21).

A placed stage's units lose P_nl + P_ll x^2 (compiler.models.facility.part_load_loss), P_nl drawn by every unit
energized. At the peak flow y_p a placed stage now loses max(y_p (1/eta - 1), P l_1 (f + (1 - f) (y_p / P)^2)), P
the capacity placed: its rated loss, or its units' curve there where that is more (the idle cores of gear placed
far above its load). Before s21-power the peak kept the rated loss whatever the units placed, while the average
walked the curve: the average exceeded the peak (4 x 2.5 MVA 2N transformers over 40 DGX H100 racks at
utilization 1: 104.0 kW of average facility power above the IT and cooling against 99.5 kW at the peak).

The cycle: a count sized from a figure that holds the stage's own loss (the flagship's transformers from
power_chain_loss) now reads itself. The closed form: a unit is rated for what it delivers (the power out of its
stage, `gear_load`), which holds the losses of the stages after it but not its own, so `units_needed` reads no
count of its own kind; a count written as the gear's `units_needed` is that closed form. A count that reads
power_chain_loss is a definition cycle, said with its chain at its span (exit 1, no traceback).
"""
from __future__ import annotations

import math

import pytest

from compiler.models.facility import REFERENCE_LOAD, transformer_fixed_loss_share
from test_numbers_hunt17 import _run, _values  # the numbers hunts' evaluation helper (tests/ is on the path)

def peak_share(eta: float, f: float, x_ref: float, x: float) -> float:
    """The loss per W delivered of a placed stage at peak, written out: its units at load fraction x (its
    `utilization`, at most 1: r = 1 / x) lose l_1 (f + (1 - f) x^2) of their rating, l_1 = x_ref (1/eta - 1) /
    (f + (1 - f) x_ref^2), so l_1 (f + (1 - f) x^2) / x of what they deliver; the peak keeps the rated 1/eta - 1
    where that is more."""
    x = min(x, 1.0)
    l_1 = x_ref * (1 / eta - 1) / (f + (1 - f) * x_ref ** 2)
    return max(1 / eta - 1, l_1 * (f + (1 - f) * x * x) / x)


SITE = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA
site s {{
  land_price = 0 USD
  utilization = {u}
  transformer t: Transformer_2500kVA x {units}
  rack r: DGX_H100_rack x 40
}}
"""


def test_the_peak_counts_every_energized_units_core_by_hand() -> None:
    """8 x 2.5 MVA transformers (2N as the stdlib unit says; P = 20 MW) at 0.99 at DOE's 50% test load (x_ref 0.5,
    f 0.2) over the site's transformer flow y_p (the UPS's input and the cooling plant at peak, ~1.6 MW):
    l_1 = 0.5 x (1/0.99 - 1) / (0.2 + 0.8 x 0.25) = 0.0126263; peak loss = 20 MW x l_1 x (0.2 + 0.8 (y_p / 20 MW)^2)
    = 50.5 kW of cores + the winding's (52.3 kW over y_p = 1.90 MW); the rated loss y_p x 0.0101 was 19.2 kW."""
    assert REFERENCE_LOAD["transformer"] == 0.5 and transformer_fixed_loss_share.value == 0.2
    v = _values(SITE.format(u=0.5, units=8))
    y_p = v["s.transformer_power_in"] - v["s.transformer_loss"]
    assert y_p == pytest.approx(v["s.ups_power_in"] + v["s.cooling_power"], rel=1e-12)
    l_1 = 0.5 * (1 / 0.99 - 1) / 0.4
    want = 20e6 * l_1 * (0.2 + 0.8 * (y_p / 20e6) ** 2)
    assert v["s.transformer_loss"] == pytest.approx(want, rel=1e-12)
    assert v["s.transformer_loss"] > 20e6 * l_1 * 0.2 > 2.5 * y_p * (1 / 0.99 - 1)   # the cores, not the rating
    chain = v["s.pdu_loss"] + v["s.ups_loss"] + v["s.transformer_loss"]
    assert v["s.power_chain_loss"] == pytest.approx(chain, rel=1e-12)
    assert v["s.facility_power"] == pytest.approx(v["s.it_power"] + chain + v["s.cooling_power"], rel=1e-12)


def test_the_average_never_exceeds_the_peak_however_many_units_are_placed() -> None:
    """2 to 32 units (2N pairs) at utilization 0.5 and 1: the average facility power and chain loss are never above
    the peak's (one curve: the peak flow is the larger); more units above x* raise both."""
    last = None
    for units in (2, 4, 8, 16, 32):
        for u in (0.5, 1.0):
            v = _values(SITE.format(u=u, units=units))
            avg_loss = v["s.facility_power_avg"] - v["s.it_power_avg"] - v["s.cooling_power_avg"]
            assert avg_loss <= v["s.power_chain_loss"] * (1 + 1e-12), (units, u)
            assert v["s.facility_power_avg"] <= v["s.facility_power"] * (1 + 1e-12), (units, u)
        if last is not None:
            assert v["s.power_chain_loss"] > last
        last = v["s.power_chain_loss"]


FLAG = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA
site s {{
  land_price = 0 USD
  transformer t: Transformer_2500kVA x {count}
  rack r: DGX_H100_rack x 400
}}
"""


def test_sizing_on_the_units_load_is_the_closed_form_of_the_cycle() -> None:
    """`x t.units_needed`: 2 x ceil(y / 2.5 MW), y the power out of the transformers (the UPS's input and the cooling
    plant at peak), which holds no loss of their own: their count reads no count of theirs; the count it gives is
    a fixed point (the same count evaluated again from its figures) and its units carry the load (no limit). The
    same count written out by hand from the site's figures agrees."""
    v = _values(FLAG.format(count="t.units_needed"))
    y = v["s.ups_power_in"] + v["s.cooling_power"]
    assert v["s.transformer_power_in"] - v["s.transformer_loss"] == pytest.approx(y, rel=1e-12)
    n = 2 * math.ceil(y / 2.5e6)
    assert v["s.transformer_units_placed"] == n == v["s.t.units_needed"]
    again = _values(FLAG.format(count=n))
    for k in ("s.power_chain_loss", "s.facility_power", "s.facility_power_avg", "s.capex"):
        assert again[k] == v[k], k


def test_sizing_a_stage_from_its_own_loss_is_a_cycle_said_at_its_span() -> None:
    """The flagship's former count, 2 x ceil((it_power + power_chain_loss + cooling_power) / 2.5 MW): the chain
    loss holds the transformers' own, which their count sets: a definition cycle through the count (said at its
    span, or with it among the related locations), not a traceback."""
    results, errors = _run(FLAG.format(count="2 * ceil((it_power + power_chain_loss + cooling_power) / 2.5 MW)"))
    assert [d.code for d in errors] == ["definition-cycle"], [d.message for d in errors]
    assert "s.power_chain_loss" in errors[0].message and "s.t.count" in errors[0].message
    assert 5 in [errors[0].span.line] + [r.span.line for r in errors[0].related]      # the count's line
