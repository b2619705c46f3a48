"""A cooling class's capex estimate follows the heat path the thermal model sizes (s14-cfo2, 2026-12-06).

A colleague's audit of the shipped reports: the flagship campus (examples/flagship_campus.factory) charged $13.5M
of CDUs at the site for its 21 MW of network switches outside the halls, heat that goes to air only (the thermal
model sizes 0 CDUs for it: cdus_outside_halls 0, and 141 CRAHs, priced at $4.7M). The class estimate (compiler.
models.cost `_plant`) was own IT x plant cost per W x class share for every class, whatever path the heat takes.

The shares come from a reference liquid-cooled hall, 85% of its heat to liquid (compiler.models.assumptions
_COOLING_SPLIT: CDUs $200/kW x 1.1 x 0.85 = 187, CRAHs $400/kW x 1.1 x 0.15 = 66 of 718 $/kW). Per watt of the heat
each class carries: CDUs 0.26 / 0.85 of the cooling plant's cost per W of liquid heat, CRAHs 0.09 / 0.15 per W of
air heat; chillers, heat rejection and pumps per W of all the heat, as before. At the reference hall's 85% the
estimate is the one before.

Laws:
  - adding air-only heat never adds CDU capex: where a block has no liquid heat of its own, its capex_cooling does
    not depend on the CDU share (`let plant_share_cdu`); where it has no air heat, not on the CRAH share
  - the flagship's CDU estimate at the site is none (its 21 MW outside the halls is air), as the thermal model's
    cdus_outside_halls = 0
  - hand calculation: an air-cooled hall with no cooling gear placed
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spec_eval import error_free_values  # tests/ is on the path
from test_capex_laws15 import AIR_CLASSES

ROOT = Path(__file__).resolve().parents[1]
PER_W = 11.7 * 0.53 * 0.4          # $/W of cooling plant: build_cost_per_watt x critical_share x cooling share

AIR = """from systems import DGX_H100_rack
site s {
  land_price = 0 USD
  %(let)s
  hall h {
    %(hall_let)s
    rack r: DGX_H100_rack x 10
  }
}
"""

LIQUID_AND_SWITCHES = """from systems import GB300_NVL72
from network import SN5600
param switches = 0
site s {
  land_price = 0 USD
  %(let)s
  rack spine x switches { switch s: SN5600 x 1 }
  hall h {
    rack r: GB300_NVL72 x 4
  }
}
"""


def _capex_cooling(text: str, defines=None, path: str = "s.capex_cooling") -> np.ndarray:
    v = error_free_values(text, defines, "cooling.factory")
    return np.asarray(v[path], dtype=float)


@pytest.mark.parametrize("where", ["site", "hall"])
def test_an_air_only_block_pays_no_cdu_share(where: str) -> None:
    """An air-cooled hall of DGX H100 racks: no liquid heat, the thermal model sizes no CDUs, so the CDU share
    (0.26 or 0.9) prices nothing."""
    let_site = "let plant_share_cdu = 0.9" if where == "site" else ""
    let_hall = "let plant_share_cdu = 0.9" if where == "hall" else ""
    base = _capex_cooling(AIR % {"let": "", "hall_let": ""})
    other = _capex_cooling(AIR % {"let": let_site, "hall_let": let_hall})
    v = error_free_values(AIR % {"let": "", "hall_let": ""}, None, "cooling.factory")
    assert float(v["s.h.cdus"][0]) == 0.0
    assert float(v["s.h.heat_liquid"][0]) == 0.0
    assert other == pytest.approx(base, rel=1e-12)


def test_adding_air_only_heat_adds_no_cdu_capex() -> None:
    """A liquid-cooled hall of GB300 NVL72 racks and 0 or 40 racks of one spine switch at the site (air heat outside
    the halls): what the switches add to capex_cooling does not depend on the CDU share."""
    def added(share: str) -> float:
        text = LIQUID_AND_SWITCHES % {"let": f"let plant_share_cdu = {share}"}
        c = _capex_cooling(text, {"switches": "[0, 40]"})
        return float(c[1] - c[0])
    assert added("0.26") > 0
    assert added("0.9") == pytest.approx(added("0.26"), rel=1e-12)


LIQUID_ONLY = """from systems import GB300_NVL72
site s {
  land_price = 0 USD
  hall h {
    %s
    rack r: GB300_NVL72 x 4 { liquid_fraction = 1 }
  }
}
"""


def test_a_liquid_only_block_pays_no_crah_share() -> None:
    """A hall of GB300 NVL72 racks all of whose heat goes to liquid (liquid_fraction 1): the thermal model sizes
    no CRAHs, so the CRAH share (0.09 or 0.5) prices nothing."""
    v = error_free_values(LIQUID_ONLY % "", None, "cooling.factory")
    assert float(v["s.h.heat_air"][0]) == 0.0
    assert float(v["s.h.crahs"][0]) == 0.0
    base = _capex_cooling(LIQUID_ONLY % "", path="s.h.capex_cooling")
    other = _capex_cooling(LIQUID_ONLY % "let plant_share_crah = 0.5", path="s.h.capex_cooling")
    assert other == pytest.approx(base, rel=1e-12)


def test_air_hall_by_hand() -> None:
    """10 DGX H100 racks in a hall with no cooling gear placed: its heat is all air, so
    capex_cooling = it_power x 11.7 x 0.53 x 0.4 x (CRAH share / 0.15 + chiller + heat rejection + pump shares)
    = it_power x 2.4804 x 1.2603 (the shares of tests/test_capex_laws15.py, derived from the stdlib prices since
    s17-econ2: 0.0919 / 0.15 + 0.3919 + 0.2297 + 0.0261; at s14-cfo2's rounded 0.09 / 0.15 + 0.39 + 0.23 + 0.03
    it was 1.25; before s14-cfo2: x 1.0, a CDU share for heat no CDU carries)."""
    v = error_free_values(AIR % {"let": "", "hall_let": ""}, None, "cooling.factory")
    it = float(v["s.h.it_power"][0])
    assert float(v["s.h.heat_air"][0]) == pytest.approx(it, rel=1e-12)
    assert float(v["s.h.capex_cooling"][0]) == pytest.approx(it * PER_W * AIR_CLASSES,
                                                             rel=1e-9)


def test_the_flagships_site_estimate_charges_no_cdus_for_its_air_heat() -> None:
    """The flagship's 21 MW outside its halls is network gear, all air (heat_liquid_outside_halls 0, cdus_outside
    _halls 0): its capex_cooling does not move with the site's CDU share."""
    text = (ROOT / "examples" / "flagship_campus.factory").read_text()
    anchor = 'heat_rejection = "dry_cooler"'
    assert anchor in text
    base = error_free_values(text, None, "flagship_campus.factory")
    assert float(base["frontier_campus.heat_liquid_outside_halls"][0]) == 0.0
    assert float(base["frontier_campus.cdus_outside_halls"][0]) == 0.0
    other = error_free_values(text.replace(anchor, anchor + "\n  let plant_share_cdu = 0.9", 1), None,
                              "flagship_campus.factory")
    assert float(other["frontier_campus.capex_cooling"][0]) == pytest.approx(
        float(base["frontier_campus.capex_cooling"][0]), rel=1e-12)
