"""Law: the cooling plant's estimate charges only the classes of gear the thermal model sizes or runs (s24-capex2,
2026-12-07).

The heat-rejection class (dry coolers or towers, 0.2475 of the cooling plant per W) was estimated on all of a block's
IT whatever its `heat_rejection`. On the default "chiller" the plant is air-cooled chillers: their own condensers
reject the heat of the loops that need compressors (the stdlib's Chiller_AC_500ton "with integral condenser fans",
priced in the chiller class), and the thermal model sizes no dry coolers (`dry_coolers` 0) and no towers there. So
examples/enterprise_starter.factory, 67.02 kW of air at a 35 degC design day, was charged $41.2k of dry coolers of
its $212.9k cooling plant. Now the class's duty (compiler.models.cost `_plant`, facility.economizer_heat):

    dry_cooler, cooling_tower : the block's own IT (the dry coolers / towers reject all its heat: dry_coolers is
                                sized on it, water_year evaporates it)
    chiller                   : the heat of the loops that cool freely at the design ambient (the economizer coils
                                of the facility model's assumption; the thermal model runs rejection fans on it),
                                0 for the loops on compressors, whose heat the chillers reject

so in chiller mode every watt of a block's heat is rejected by exactly one estimated class: the chillers (the
compressor loops, `compressor_heat`) or the heat-rejection class (the free loops). On towers the two classes are
priced as the parts the thermal model runs there (`_sized`, assumptions PLANT_REFERENCE_TOWER): water-cooled
chillers, $494,428 / 3.517 MW x 1.1 = 0.1546 $/W, x 0.6731 of the air-cooled row's 0.2298 $/W; towers, $215,746 / 5
MW x 1.1 = 0.0475 $/W, x 0.2877 of the dry coolers' 0.1650 $/W. Stated for each kind x each mix
(all air, 85% liquid, all liquid) x a 35 degC and a 10 degC design day (40 degC liquid supply: free at 35 degC;
the chilled water at 24 - 6 = 18 degC: free only at 10 degC; on towers the wet bulb, 8 K below).
"""
from __future__ import annotations

import math

import pytest

from spec_eval import error_free_values  # tests/ is on the path
from test_capex_laws15 import COOLING, RSMEANS_2025, SHARE, TON

SPEC = """server box {
  max_power = 100 kW
  price = 1000 USD
  %(cooling)s
}
site s {
  land_price = 0 USD
  ambient_temp = %(ambient)s degC
  supply_temp = 40 degC
  heat_rejection = "%(mode)s"
  hall h {
    rack r { server n: box x 10 }
  }
}
"""
MIXES = {"air": 'cooling = "air"', "mixed": 'cooling = "liquid"\n  liquid_fraction = 0.85',
         "liquid": 'cooling = "liquid"\n  liquid_fraction = 1'}
MODES = ("chiller", "dry_cooler", "cooling_tower")
# the part each class is estimated on (price, capacity; every row N+1 at 1.1): the reference's, on towers the tower
# and the water-cooled chiller (stdlib/facility.factory)
AIR_COOLED = {"chiller": (RSMEANS_2025 * 500 * 213000 / 320, 500 * TON), "heat_rejection": (150e3, 1e6)}
ON_TOWERS = {"chiller": (RSMEANS_2025 * 896000 / 2, 1000 * TON),
             "heat_rejection": (RSMEANS_2025 * 5e6 / (1000 * TON) * 137500, 5e6)}


def estimate(mode: str, cls: str, duty: float) -> float:
    """The class's estimate on `duty`: duty x 2.4804 $/W x its share x the part's $/W over the reference's x the
    whole units' factor."""
    price, unit = (ON_TOWERS if mode == "cooling_tower" else AIR_COOLED)[cls]
    ratio = (price / unit) / (AIR_COOLED[cls][0] / AIR_COOLED[cls][1])
    return duty * COOLING * SHARE[cls] * ratio * n_plus_1(duty, unit)


def n_plus_1(duty: float, unit: float) -> float:
    """compiler.models.cost `_sized` of an N+1 class: ceil(duty / unit) + 1 whole units over the 1.1 allowance,
    at most 1 (tests/test_facility_trust.py)."""
    return min(1.0, (math.ceil(duty / unit - 1e-9) + 1) * unit / (1.1 * duty)) if duty > 0 else 1.0


def _run(mode: str, mix: str, ambient: int) -> dict[str, float]:
    import numpy as np
    values = error_free_values(SPEC % {"cooling": MIXES[mix], "ambient": ambient, "mode": mode}, None,
                               f"{mode}_{mix}_{ambient}.factory")
    return {k: float(np.asarray(v, dtype=float).ravel()[0]) for k, v in values.items()
            if k.startswith("s.h.") and not isinstance(v, str) and np.asarray(v).dtype.kind in "fiu"}


@pytest.mark.parametrize("ambient", [35, 10])
@pytest.mark.parametrize("mix", list(MIXES))
@pytest.mark.parametrize("mode", MODES)
def test_each_cooling_class_is_charged_only_for_gear_the_model_sizes_or_runs(mode: str, mix: str,
                                                                             ambient: int) -> None:
    v = _run(mode, mix, ambient)
    term = lambda c: v[f"s.h.detail.capex_cooling_{c}"]          # noqa: E731
    liquid, air, it = v["s.h.heat_liquid"], v["s.h.heat_air"], v["s.h.it_power"]
    # the loops on compressors at the design ambient (a loop with no heat has no flag: it is not there)
    compressor = liquid * v.get("s.h.liquid_chillers_run", 0.0) + air * v.get("s.h.air_chillers_run", 0.0)
    free = liquid + air - compressor
    # chillers: charged where the thermal model sizes them, on the heat it sizes them for
    assert (term("chiller") > 0) == (v["s.h.chillers"] > 0) == (compressor > 0)
    assert term("chiller") == pytest.approx(estimate(mode, "chiller", compressor), rel=1e-9, abs=1e-6)
    # CDUs and CRAHs: where it sizes them
    assert (term("cdu") > 0) == (v["s.h.cdus"] > 0) and (term("crah") > 0) == (v["s.h.crahs"] > 0)
    # heat rejection: the dry coolers / towers reject all the heat; on air-cooled chillers, only the free loops'
    duty = free if mode == "chiller" else it
    assert term("heat_rejection") == pytest.approx(estimate(mode, "heat_rejection", duty), rel=1e-9, abs=1e-6)
    if mode == "chiller":
        assert v["s.h.dry_coolers"] == 0 and v.get("s.h.water_year", 0.0) == 0
        assert compressor + free == pytest.approx(it, rel=1e-12)     # each watt rejected by one class
    elif mode == "dry_cooler":
        assert v["s.h.dry_coolers"] > 0
    else:
        assert v["s.h.water_year"] > 0 and v["s.h.dry_coolers"] == 0


def test_an_air_cooled_room_on_its_chillers_is_charged_no_dry_coolers() -> None:
    """The case of the report: all air at a 35 degC design day on the default air-cooled chillers. Before
    s24-capex2 its heat-rejection class was 1 MW x 2.4804 $/W x 0.2475 = $613.9k (2 dry coolers of 1 MW are more
    than the 1.1 allowance: x 1) of dry coolers the model never sizes (`dry_coolers` 0); now $0, and the same room that names its dry coolers
    (`heat_rejection = "dry_cooler"`) is charged them: adding the gear never lowers capex."""
    chiller, dry = _run("chiller", "air", 35), _run("dry_cooler", "air", 35)
    assert chiller["s.h.dry_coolers"] == 0 and chiller["s.h.detail.capex_cooling_heat_rejection"] == 0.0
    assert dry["s.h.detail.capex_cooling_heat_rejection"] == pytest.approx(1e6 * COOLING * SHARE["heat_rejection"],
                                                                           rel=1e-9)
    assert dry["s.h.capex_cooling"] > chiller["s.h.capex_cooling"]


def test_the_enterprise_starters_cooling_plant_by_hand() -> None:
    """examples/enterprise_starter.factory: 4 racks x 2 HGX H100 servers of 8,377.7 W = 67,021.3 W of IT, all air, at the default 35 degC design day (the chilled water at 18 degC needs compressors), on the
    default heat_rejection "chiller", nothing placed. Cooling plant per W 11.7 x 0.53 x 0.4 = 2.4804 $/W:
        CRAHs    67,021.3 x 2.4804 x 0.0990 / 0.15   = $109,739  (2 units of 150 kW > the 1.1 allowance: x 1)
        chillers 67,021.3 x 2.4804 x 0.3447          =  $57,306  (2 of 1,758 kW: x 1)
        pumps    67,021.3 x 2.4804 x 0.0282          =   $4,681  (2 of 3,517 kW: x 1)
        heat rejection                                =       $0  (the chillers' condensers reject it)
        capex_cooling                                 = $171,727  (was $212,879 with $41,152 of dry coolers)"""
    from pathlib import Path

    from compiler import evaluate_text
    path = Path(__file__).resolve().parents[1] / "examples" / "enterprise_starter.factory"
    results, _ = evaluate_text(path.read_text(), str(path))
    g = lambda name: float(results.values[f"headquarters.server_room.{name}"].ravel()[0])   # noqa: E731
    it = g("it_power")
    assert it == pytest.approx(67_021.3, abs=0.1) and g("heat_air") == pytest.approx(it, rel=1e-12)
    assert g("air_chillers_run") == 1 and g("dry_coolers") == 0
    crah, chiller, pump = (it * COOLING * SHARE["crah"] / 0.15, it * COOLING * SHARE["chiller"],
                           it * COOLING * SHARE["pump"])
    assert g("detail.capex_cooling_crah") == pytest.approx(crah, rel=1e-9) == pytest.approx(109_739, abs=1)
    assert g("detail.capex_cooling_chiller") == pytest.approx(chiller, rel=1e-9) == pytest.approx(57_306, abs=1)
    assert g("detail.capex_cooling_pump") == pytest.approx(pump, rel=1e-9) == pytest.approx(4_681, abs=1)
    assert g("detail.capex_cooling_heat_rejection") == 0.0
    assert g("capex_cooling") == pytest.approx(crah + chiller + pump, rel=1e-9) == pytest.approx(171_727, abs=1)
