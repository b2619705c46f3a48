"""The power chain's part-load curve (s20-power, session 20): each unit's loss is P_nl + P_ll x^2 at load fraction x.

compiler.models.facility.part_load_loss: a stage with loss L_peak at its peak flow, units at x_p of their rating
there, no-load share f of a unit's loss at its full rated load, at u of its peak flow loses
    L_peak (f + (1 - f) x_p^2 u^2) / (f + (1 - f) x_p^2).
The laws: never negative, never falling as the load rises, the rated loss at the peak, more units over the same peak
never lower (N <= N+1 <= 2N), and the figures of a spec are that formula (hand calculations below).
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler.models.facility import part_load_loss, transformer_fixed_loss_share, ups_fixed_loss_share
from test_numbers_hunt17 import _values  # the numbers hunts' evaluation helper (tests/ is on the path)

U = np.linspace(0.0, 1.5, 31)                 # load over the peak's (above 1: a set average above the peak)
F = (0.0, 0.11, 0.2, 0.36, 0.5, 1.0)
X = (0.05, 0.25, 0.4, 0.5, 0.8, 1.0)          # units' load fraction at peak: 1 / r (N+1, 2N and more spares below 1)


def test_the_curve_by_hand_a_2n_transformer_pair_at_half_its_peak() -> None:
    """2 x 2.5 MVA (2N) at 0.99 over 2.0 MW at peak: x_p = 2.0 / 5.0 = 0.4, L_peak = 2.0 MW x (1/0.99 - 1) =
    20.202 kW; at half the peak flow with f = 0.2: 20.202 x (0.2 + 0.8 x 0.16 x 0.25) / (0.2 + 0.8 x 0.16) =
    20.202 x 0.232 / 0.328 = 14.289 kW, of which no-load 20.202 x 0.2 / 0.328 = 12.318 kW. The same pair placed N
    (one unit, x_p = 0.8): 20.202 x (0.2 + 0.8 x 0.64 x 0.25) / (0.2 + 0.8 x 0.64) = 9.306 kW."""
    peak = 2.0e6 * (1 / 0.99 - 1)
    assert peak == pytest.approx(20202.02, abs=0.01)
    two_n = float(part_load_loss(peak, 1.0e6, 2.0e6, 0.2, 0.4))
    assert two_n == pytest.approx(20202.02 * 0.232 / 0.328, rel=1e-6) and two_n == pytest.approx(14289.0, abs=0.5)
    assert float(part_load_loss(peak, 0.0, 2.0e6, 0.2, 0.4)) == pytest.approx(12318.3, abs=0.5)
    assert float(part_load_loss(peak, 1.0e6, 2.0e6, 0.2, 0.8)) == pytest.approx(9306.2, abs=0.5)
    assert transformer_fixed_loss_share.value == 0.2


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


def test_laws_never_negative_rated_at_peak_rising_with_load_and_with_units() -> None:
    """Over a grid of shares f, peak load fractions x_p and loads u: loss >= 0; loss(u = 1) = L_peak; loss never
    falls as u rises; up to the peak load, loss never falls as x_p falls (more units over the same peak), and rises below it
    where 0 < f (0 < f < 1: both parts present); f = 0 is pure I^2 R, L_peak u^2, whatever the units."""
    peak = 1000.0
    for f in F:
        for x in X:
            loss = part_load_loss(peak, U * 2.0, np.full_like(U, 2.0), f, x)
            assert np.all(loss >= 0)
            assert np.all(np.diff(loss) >= -1e-12), (f, x)
            assert float(part_load_loss(peak, 2.0, 2.0, f, x)) == pytest.approx(peak, rel=1e-12)
            if f == 0:
                assert np.allclose(loss, peak * U * U, rtol=1e-12)
        by_units = np.array([part_load_loss(peak, U * 2.0, np.full_like(U, 2.0), f, x) for x in sorted(X)])
        below = U < 1 - 1e-9                                      # at most the peak (above it the order turns)
        assert np.all(np.diff(by_units[:, U <= 1], axis=0) <= 1e-9), f   # larger x_p (fewer units): never more
        if 0 < f < 1:
            assert np.all(by_units[0, below] > by_units[-1, below])
    assert float(part_load_loss(0.0, 0.0, 0.0, 0.2, 1.0)) == 0.0                 # no flow at peak: no loss


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


def _site(units: int, f: float | None = None) -> dict[str, float]:
    return _values(SITE_GEAR.format(t=units, lets="" if f is None else f"let transformer_fixed_loss_share = {f}"))


def test_a_sites_transformers_average_is_the_curve_at_their_utilization() -> None:
    """A site's 2N transformers feeding two counted halls, 2 or 4 units of 2.5 MVA: the transformer is the first
    stage (nothing upstream loses on its loss), its units' load fraction at peak is its `utilization` (x_p), its peak
    loss `transformer_loss` (L_peak). With f = 1 its average loss is L_peak, with f = 0 L_peak x U2 (U2 the
    loss-weighted mean of u^2 over the IT and cooling flows through it, read off those two runs), so at any f the
    average facility power is the f = 1 one + L_peak ((f + (1 - f) x_p^2 U2) / (f + (1 - f) x_p^2) - 1)."""
    for units in (2, 4):
        ones, zeros = _site(units, 1.0), _site(units, 0.0)
        peak, x = ones["s.transformer_loss"], ones["s.t.utilization"]
        u2 = 1 + (zeros["s.facility_power_avg"] - ones["s.facility_power_avg"]) / peak
        assert 0 < u2 < 1 and 0 < x < 1
        for f in (0.2, 0.5):
            got = _site(units, f)["s.facility_power_avg"]
            want = ones["s.facility_power_avg"] + peak * ((f + (1 - f) * x * x * u2) / (f + (1 - f) * x * x) - 1)
            assert got == pytest.approx(want, rel=1e-12), (units, f)
    two, four = _site(2), _site(4)
    assert four["s.facility_power_avg"] > two["s.facility_power_avg"]           # more energized units: more loss
    assert four["s.facility_power"] == pytest.approx(two["s.facility_power"], rel=1e-12)   # the peak: rated loss


def test_more_average_load_never_lowers_the_chain_loss() -> None:
    """The site's planning utilization 0.3 -> 0.9: the chain's average loss (facility_power_avg less IT and
    cooling) never falls, nor the average facility power."""
    last = None
    for util in (0.3, 0.5, 0.7, 0.9):
        v = _values(SITE_GEAR.format(t=2, lets=f"utilization = {util}"))    # the halls' own
        loss = v["s.facility_power_avg"] - v["s.it_power_avg"] - v["s.cooling_power_avg"]
        if last is not None:
            assert loss >= last[0] and v["s.facility_power_avg"] >= last[1]
        last = (loss, v["s.facility_power_avg"])
