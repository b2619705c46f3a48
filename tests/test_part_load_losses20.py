"""The power chain's part-load curve (s20-power, session 20): each unit's loss is P_nl + P_ll x^2 at load fraction x.

compiler.models.facility.part_load_loss: the units placed for a stage hold P = r x its peak flow of capacity, each
loses x_ref (1/eta - 1) of its rating at its test load x_ref, f of its full-load loss is no-load, so
    l_1 = x_ref (1/eta - 1) / (f + (1 - f) x_ref^2),   loss(y) = P l_1 (f + (1 - f) (y / P)^2).
The laws: never negative; never falling as the load rises; the rated loss at the test point; over the same peak
more capacity raises the average loss below the loss-optimal load x* = sqrt(f / (1 - f)) and lowers it above; the
figures of a spec are that formula (hand calculations below). The peak of a placed stage is the same curve at
the peak flow where that is above the rated loss y_peak (1/eta - 1) (s21-power; tests/test_peak_idle_cores21.py).
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler.models.facility import REFERENCE_LOAD, part_load_loss, transformer_fixed_loss_share, \
    ups_fixed_loss_share
from test_numbers_hunt17 import _values  # the numbers hunts' evaluation helper (tests/ is on the path)

ETA = 0.99


def test_the_curve_by_hand_a_2n_transformer_pair_at_half_its_peak() -> None:
    """2 x 2.5 MVA (2N, P = 5 MW) at 0.99 at DOE's 50% test load over 2.0 MW at peak, 1.0 MW on average, f = 0.2:
    l_1 = 0.5 x (1/0.99 - 1) / (0.2 + 0.8 x 0.25) = 0.0050505 / 0.4 = 0.0126263 of rating at full load;
    loss = 5 MW x 0.0126263 x (0.2 + 0.8 x 0.2^2) = 63.131 kW x 0.232 = 14.646 kW, of which no-load 12.626 kW
    (two cores of 6.313 kW); placed N (one unit, P = 2.5 MW, x = 0.4): 31.566 kW x 0.328 = 10.354 kW. At its test
    point a unit loses what its efficiency says: 1.25 MW through 2.5 MVA at 0.99, 12.626 kW."""
    assert transformer_fixed_loss_share.value == 0.2 and REFERENCE_LOAD["transformer"] == 0.5
    l_1 = 0.5 * (1 / ETA - 1) / 0.4
    assert l_1 == pytest.approx(0.0126263, abs=1e-7)
    two_n = float(part_load_loss(1.0e6, 2.0e6, ETA, 0.2, 2.5, 0.5))
    assert two_n == pytest.approx(5e6 * l_1 * 0.232, rel=1e-12) and two_n == pytest.approx(14646.5, abs=0.5)
    assert float(part_load_loss(0.0, 2.0e6, ETA, 0.2, 2.5, 0.5)) == pytest.approx(12626.3, abs=0.5)
    assert float(part_load_loss(1.0e6, 2.0e6, ETA, 0.2, 1.25, 0.5)) == pytest.approx(10353.5, abs=0.5)
    assert float(part_load_loss(1.25e6, 1.25e6, ETA, 0.2, 2.0, 0.5)) == pytest.approx(1.25e6 * (1 / ETA - 1), rel=1e-12)


def test_the_ups_share_is_the_datasheet_curve_through_two_points() -> None:
    """The UPS share 0.36 fits P_nl + P_ll x^2 per unit of rating through 96.5% at full load and 94.5% at 25%:
    losses 1/0.965 - 1 = 0.03627 and 0.25 x (1/0.945 - 1) = 0.01455; P_ll = (0.03627 - 0.01455) / (15/16) =
    0.02317, P_nl = 0.01310, f = 0.361; the curve then gives 96.4% at 50% and 96.6% at 75% (the flat top)."""
    full, quarter = 1 / 0.965 - 1, 0.25 * (1 / 0.945 - 1)
    p_ll = (full - quarter) / (1 - 1 / 16)
    p_nl = full - p_ll
    assert p_nl / full == pytest.approx(ups_fixed_loss_share.value, abs=0.005)
    for x, eta in ((0.5, 0.964), (0.75, 0.966)):
        assert x / (x + p_nl + p_ll * x * x) == pytest.approx(eta, abs=0.0005)


def test_laws_never_negative_rising_with_load_and_more_units_by_the_optimal_load() -> None:
    """Over a grid of shares f, capacity ratios r and loads: loss >= 0 and never falls as the flow rises; f = 0 is
    pure I^2 R (1.5 times the capacity: 1/1.5 the loss); adding capacity (r -> 1.5 r) raises the loss where the
    units ran below x* = sqrt(f / (1 - f)) already and lowers it where they still run above it after (d loss / d P
    = l_1 (f - (1 - f) x^2), x = y / P falling as P grows)."""
    y = np.linspace(0.0, 1.0, 41) * 2.0e6
    for f in (0.0, 0.11, 0.2, 0.36, 0.5, 1.0):
        for r in (1.0, 1.25, 2.0, 2.5, 10.0):
            for x_ref in (0.35, 0.5, 1.0):
                loss = part_load_loss(y, 2.0e6, ETA, f, r, x_ref)
                assert np.all(loss >= 0) and np.all(np.diff(loss) >= -1e-9), (f, r, x_ref)
                more = part_load_loss(y, 2.0e6, ETA, f, 1.5 * r, x_ref)
                x_after, x_before = y / (1.5 * r * 2.0e6), y / (r * 2.0e6)
                if 0 < f < 1:                  # x runs from x_before down to x_after as the capacity grows
                    optimal = np.sqrt(f / (1 - f))
                    assert np.all(more[x_before < optimal] > loss[x_before < optimal])
                    assert np.all(more[x_after > optimal] < loss[x_after > optimal])
                if f == 0:
                    assert np.allclose(more * 1.5, loss, rtol=1e-12)
    assert float(part_load_loss(0.0, 0.0, ETA, 0.2, 1.0, 0.5)) == 0.0             # no flow at peak: no units


SITE_GEAR = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA
site s {{
  land_price = 0 USD
  transformer t: Transformer_2500kVA x {t} {{ redundancy = "2N" }}
  hall h x 2 {{
    {lets}
    rack r: DGX_H100_rack x 20
  }}
}}
"""


def _site(units: int, f: float | None = None, lets: str = "") -> dict[str, float]:
    if f is not None:
        lets += f"\n    let transformer_fixed_loss_share = {f}"
    return _values(SITE_GEAR.format(t=units, lets=lets))


def test_a_sites_transformers_average_is_the_curve_at_their_capacity() -> None:
    """A site's 2N transformers (2.5 MVA at 0.99 at 50%) feeding two counted halls, 2 or 4 units: the transformer is
    the first stage (nothing upstream loses on its loss). Its capacity P = units x 2.5 MW, its peak flow y_p =
    P x `utilization`. With f = 1 its average loss is the no-load P l_1 (l_1 = 0.5 x 0.010101 = 0.0050505), with
    f = 0 P l_1 Y2, Y2 = l_1-weighted mean of (y/P)^2 over its flows, l_1 = (1/0.99 - 1) / 0.5 there; so (both read
    off those two runs) any f gives f = 1's + the change of P l_1(f) (f + (1 - f) Y2') - P l_1(1), Y2' = the f = 0
    run's (y/P)^2 mean. And 2 -> 4 units over ~2.0 MW at peak (x_p 0.4 -> 0.2, below x* = 0.5): more average loss;
    the peak, its units' curve at the peak flow (s21-power), rises too."""
    for units in (2, 4):
        ones, zeros = _site(units, 1.0), _site(units, 0.0)
        capacity = units * 2.5e6
        assert ones["s.t.utilization"] * capacity == pytest.approx(ones["s.transformer_power_in"]
                                                                   - ones["s.transformer_loss"], rel=1e-9)
        no_load = capacity * 0.5 * (1 / ETA - 1)                               # f = 1: l_1 = x_ref (1/eta - 1)
        square = capacity * (1 / ETA - 1) / 0.5                                # f = 0: l_1 = (1/eta - 1) / x_ref
        y2 = (zeros["s.facility_power_avg"] - ones["s.facility_power_avg"] + no_load) / square
        assert 0 < y2 < ones["s.t.utilization"] ** 2
        for f in (0.2, 0.5):
            l_1 = 0.5 * (1 / ETA - 1) / (f + (1 - f) * 0.25)
            want = ones["s.facility_power_avg"] - no_load + capacity * l_1 * (f + (1 - f) * y2)
            assert _site(units, f)["s.facility_power_avg"] == pytest.approx(want, rel=1e-12), (units, f)
    two, four = _site(2), _site(4)
    assert four["s.facility_power_avg"] > two["s.facility_power_avg"]           # below x*: more units, more loss
    # the peak counts the units placed too (s21-power: before, the rated loss whatever the count): below x* more
    # units lose more there as well, and the average stays within it
    assert four["s.facility_power"] > two["s.facility_power"]
    assert four["s.facility_power_avg"] < four["s.facility_power"]


def test_more_average_load_never_lowers_the_chain_loss() -> None:
    """The halls' planning utilization 0.3 -> 0.9: the site's average chain loss (facility_power_avg less IT and
    cooling) never falls, nor its average facility power."""
    last = None
    for util in (0.3, 0.5, 0.7, 0.9):
        v = _site(2, lets=f"utilization = {util}")
        loss = v["s.facility_power_avg"] - v["s.it_power_avg"] - v["s.cooling_power_avg"]
        if last is not None:
            assert loss >= last[0] and v["s.facility_power_avg"] >= last[1]
        last = (loss, v["s.facility_power_avg"])
