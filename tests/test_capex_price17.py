"""How a plant part's price reaches capex and the TCO (s17-econ, 2026-12-06).

s17-econ replaced the stdlib generator's unsourced $1.5M with NREL REopt.jl's installed $650/kW x 3,000 kW x
1.06 (v0.35.0, 2023-09-29; 2023 -> 2025 dollars) = $2.067M and measured the flagship: capex 8,766.2 -> 8,816.1
M$ (+$49.9M = 88 x $0.567M), TCO 2,223.49 -> 2,230.07 M$/yr (+$6.58M: the flagship's discount rate is 8%,
CRF(8%, 20 yr) = 0.101852, and $49.9M x (0.101852 + 0.03 maintenance) = $6.579M). Law stated here, the
arithmetic behind those deltas, for a price change of a placed part:
  * raising a placed part's price by D raises capex by units x D x markup, where markup is 1 for a part marked
    `installed = true` and the category's installation factor (2.5979 power since s17-econ2) otherwise;
  * and raises the TCO per year by that capex change x (CRF(r, facility life) + maintenance rate): with the
    defaults r = 0, life 20 yr, maintenance 3%/yr, x (1/20 + 0.03) = 0.08.
Hand figures: 2 generators of 1 MW N+1, D = $100k: installed, capex +$200,000, TCO +$16,000 a year; as
equipment, capex +$200,000 x 2.5979 = +$519,580, TCO +$41,566 a year.
"""
from __future__ import annotations

import pytest

from test_capex_installed16 import SPEC
from test_capex_laws15 import INSTALL, figures_of

YEAR = 365 * 86400.0              # the cost model's year (tco_year is per second)
FACILITY_LIFE, MAINTENANCE = 20.0, 0.03


def _site(price: float, installed: bool) -> dict[str, float]:
    text = SPEC % {"kind": "generator", "capacity": "1 MW", "redundancy": "N+1", "price": float(price),
                   "installed": f"installed = {'true' if installed else 'false'}", "rack": "DGX_H100_rack",
                   "line": "", "site_line": "generator g: Unit x 2"}
    return figures_of(text, "generator")


@pytest.mark.parametrize("installed", [True, False], ids=["installed", "equipment"])
def test_a_price_change_reaches_capex_and_tco_by_units_markup_and_annuity(installed: bool) -> None:
    delta, units = 100_000.0, 2
    low, high = _site(650_000.0, installed), _site(650_000.0 + delta, installed)
    markup = 1.0 if installed else INSTALL["power"]
    d_capex = high["s.capex"] - low["s.capex"]
    assert d_capex == pytest.approx(units * delta * markup, rel=1e-9)
    assert high["s.capex_power"] - low["s.capex_power"] == pytest.approx(d_capex, rel=1e-9)
    d_tco_year = (high["s.tco_year"] - low["s.tco_year"]) * YEAR
    assert d_tco_year == pytest.approx(d_capex * (1.0 / FACILITY_LIFE + MAINTENANCE), rel=1e-6)
