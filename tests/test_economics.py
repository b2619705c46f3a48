"""Economics: the service duty cycle of $/Mtoken and a colocation lease instead of owning the building
(compiler.models.cost), by hand."""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text
from compiler.models import Assumption
from compiler.models import assumptions as A
from compiler.models.cost import service_duty_cycle
from test_capex_laws15 import AIR_CLASSES  # tests/ is on the path

YEAR = 8760 * 3600.0
MONTH = YEAR / 12


class Service:
    def __init__(self, **fields):
        self.fields = fields

    def get(self, name, default=None):
        if name in self.fields:
            return np.asarray([float(self.fields[name])])
        return np.asarray([default.value if isinstance(default, Assumption) else float(default)])


def test_duty_cycle_default_and_override() -> None:
    assert service_duty_cycle(Service())[0] == pytest.approx(0.6)
    assert A.service_utilization.value == 0.6
    assert service_duty_cycle(Service(utilization=0.25))[0] == 0.25


SERVICE = """from systems import DGX_H100
from models import Llama3_1_8B
param duty = 1
site s {{
  {lease}
  hall h {{
    rack r x 10 {{ server node: DGX_H100 x 4 }}
  }}
  inference chat {{
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 320
    utilization = duty
  }}
}}
"""


def _run(lease: str = "", duty: str = "1") -> dict[str, float]:
    results, sink = evaluate_text(SERVICE.format(lease=lease), "e.factory", {"duty": duty})
    assert not sink.errors, [d.message for d in sink.errors]
    return {k: float(v[0]) for k, v in results.values.items() if isinstance(v, np.ndarray) and v.dtype.kind == "f"}


def test_halving_the_duty_cycle_doubles_usd_per_mtok_but_for_the_energy_it_saves() -> None:
    """$/Mtoken = accelerators * cost per accelerator-hour / (tokens/s * duty): every dollar of it but the energy
    (the capex part, and the rest) is paid by the hour, so at half the busy share each token carries twice that
    cost; the energy follows the power drawn (s14-tco: the site's energy bills the service's accelerators at its
    duty cycle), so the hour is cheaper by exactly the energy the idle half saves. The service holds every
    accelerator of the site: its dollars are the site's bill."""
    full, half = _run(duty="1"), _run(duty="0.5")
    assert half["s.chat.tokens_per_s"] == full["s.chat.tokens_per_s"]
    assert half["s.chat.usd_per_mtok"] < 2 * full["s.chat.usd_per_mtok"]
    saved = full["s.opex_energy"] - half["s.opex_energy"]
    assert saved > 0
    for run in (full, half):
        assert run["s.chat.cost_per_hour"] == pytest.approx(run["s.tco_year"], rel=1e-9)
    assert (2 * full["s.chat.usd_per_mtok"] - half["s.chat.usd_per_mtok"]) * half["s.chat.served_tokens_per_s"] \
        == pytest.approx(saved, rel=1e-9)


def test_lease_against_owning_by_hand() -> None:
    """10 racks of 4 DGX H100 (IT peak P). Owning, with the defaults: building P * 11.7 $/W * (1 - 0.53), power
    and cooling plant P * 11.7 * 0.53 * (0.6 + 0.4 * 1.0331) (the DGX H100 is air-cooled: its cooling classes by the
    heat they carry, no CDUs and CRAHs at 0.0990 / 0.15 of the cooling plant per W of air heat, chillers and pumps
    0.3729, no heat rejection: the default air-cooled chillers reject the heat, s24-capex2 (shares derived from the
    stdlib prices, tests/test_capex_laws15.py AIR_CLASSES); compiler.models.cost `_plant`, s14-cfo2), depreciated over 20 years (no discount rate
    set), 3% a year maintenance on the plant. Leasing at $184.06 per kW-month: those three capex lines are 0, and the rent is P / 1 kW * 184.06
    * 12 a year. Energy, staff and IT are the same either way, so

        tco_lease - tco_own = rent - P * 11.7 / 20 - 0.03 * P * 11.7 * 0.53        (per year)"""
    own = _run()
    leased = _run("colocation_price = 184.06 USD/kW/month")
    it = own["s.it_power"]
    assert leased["s.it_power"] == it
    building, plant = it * 11.7 * (1 - 0.53), it * 11.7 * 0.53 * (0.6 + 0.4 * AIR_CLASSES)
    assert own["s.capex_building"] == pytest.approx(building, rel=1e-9)
    assert own["s.capex_power"] + own["s.capex_cooling"] == pytest.approx(plant, rel=1e-9)
    for name in ("capex_building", "capex_power", "capex_cooling", "depreciation_facility_year"):
        assert leased[f"s.{name}"] == 0.0 and leased[f"s.h.{name}"] == 0.0
    rent = it / 1000 * 184.06 * 12 / YEAR                               # USD/s
    assert leased["s.opex_lease"] == pytest.approx(rent, rel=1e-9)
    assert leased["s.h.opex_lease"] == pytest.approx(rent, rel=1e-9)     # the hall holds all the IT
    assert "s.opex_lease" not in own
    per_year = (leased["s.tco_year"] - own["s.tco_year"]) * YEAR
    by_hand = it / 1000 * 184.06 * 12 - (building + plant) / 20 - 0.03 * plant
    assert per_year == pytest.approx(by_hand, rel=1e-9)
    for name in ("opex_energy", "opex_staff", "depreciation_it_year", "capex_it"):
        assert leased[f"s.{name}"] == pytest.approx(own[f"s.{name}"], rel=1e-12)
    # $/Mtoken follows the site's cost per accelerator-hour
    ratio = leased["s.cost_per_accelerator_hour"] / own["s.cost_per_accelerator_hour"]
    assert leased["s.chat.usd_per_mtok"] == pytest.approx(own["s.chat.usd_per_mtok"] * ratio, rel=1e-9)


def test_colocation_price_assumption_is_the_cbre_figure() -> None:
    assert A.colocation_price.value * 1000 * MONTH == pytest.approx(184.06)
