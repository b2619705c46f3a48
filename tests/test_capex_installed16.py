"""Laws of a plant part whose price is already installed (`installed = true`; s16-capex, 2026-12-06).

s15-capex priced placed plant gear installed: units x price x the installation factor of its category (cooling
2.4804 / 0.718 = 3.4546, power 3.7206 / 1.690 = 2.2015 then; since s17-econ2 3.4533 and 2.5979, the installed
generator out of the power equipment: tests/test_capex_laws15.py). Two stdlib prices say they
are installed already (Generator_3MW "~$500/kW installed with enclosure, tank and paralleling share",
Chiller_WC_1000ton "~$700/ton installed"), so the model marked them up twice: the flagship's 88 generators cost
88 x $1.5M x 2.2015 = $290.6M where their written installed price is 88 x $1.5M = $132.0M ($158.6M too much).
`installed = true` on a part says its price is installed: the model takes it as written. Laws, per class:
  * a part marked installed costs units x price, not x the factor;
  * marking a price up (installed = false, the default) never lowers capex (the factor is at least 1);
  * placing the units a class's estimate implies at the installed price it implies (estimate / units) gives the
    estimate, as tests/test_capex_laws15.py's law does for an equipment price (estimate / (factor x units)).
"""
from __future__ import annotations

import numpy as np
import pytest

from sampling import sampled
from spec_eval import error_free_values
from test_capex_laws15 import CLASSES, INSTALL, SHARE, SITE_ONLY, figures_of
from test_capex_laws15 import SPEC as SPEC15   # tests/ is on the path

# the laws15 spec with a line for `installed` after the price
SPEC = SPEC15.replace("  price = %(price)r USD\n", "  price = %(price)r USD\n  %(installed)s\n")


def _run(kind, capacity, redundancy, rack, line, price=1.0, installed=None) -> dict[str, float]:
    site = kind in SITE_ONLY
    text = SPEC % {"kind": kind, "capacity": capacity, "redundancy": redundancy, "price": float(price),
                   "installed": "" if installed is None else f"installed = {'true' if installed else 'false'}",
                   "rack": rack, "line": "" if site else line, "site_line": line if site else ""}
    return figures_of(text, kind)


# each law runs on every class under -m slow and on every third in the default run (tests/sampling.py), the second
# law on a rotation of the list so the two default samples cover different classes (about 2 s saved a run)
@pytest.mark.parametrize("case", sampled(CLASSES, 3, single=True), ids=[c[0] for c in CLASSES])
def test_an_installed_price_is_not_marked_up_and_gives_the_estimate(case) -> None:
    """Law: a part marked installed costs units x price. E.g. the CRAH class of 8 DGX H100 racks: its estimate
    $424,154 (279,149 W x 2.4804 $/W x 0.0919 / 0.15) read as 3 installed units is $141,385 each; placing 3 units
    at $141,385 with `installed = true` gives $424,154 (x 3.4533 it would read $1,464,720)."""
    _, kind, category, detail, capacity, redundancy, units, rack = case
    figure = f"class.capex_{category}_{detail}"
    estimated = _run(kind, capacity, redundancy, rack, "")
    price = estimated[figure] / units
    placed = _run(kind, capacity, redundancy, rack, f"{kind} g: Unit x {units}", price, installed=True)
    assert placed[figure] == pytest.approx(units * price, rel=1e-9)
    assert placed[figure] == pytest.approx(estimated[figure], rel=1e-9)
    assert placed["s.capex"] == pytest.approx(estimated["s.capex"], rel=1e-9)
    # the report's and JSON's term of what was taken as written
    term = [k for k in placed if k.endswith(f".detail.capex_{category}_priced_installed")]
    assert term and sum(placed[k] for k in term) == pytest.approx(units * price, rel=1e-9)


@pytest.mark.parametrize("case", sampled(CLASSES[1:] + CLASSES[:1], 3, single=True),
                         ids=[c[0] for c in CLASSES[1:] + CLASSES[:1]])
def test_marking_a_price_up_never_lowers_capex(case) -> None:
    """Law: the same part at the same price, as equipment (installed = false, or unset) and installed: the
    equipment reading costs the installed one x the category's factor (>= 1), never less."""
    _, kind, category, detail, capacity, redundancy, units, rack = case
    figure = f"class.capex_{category}_{detail}"
    line = f"{kind} g: Unit x {units}"
    installed = _run(kind, capacity, redundancy, rack, line, 1000.0, installed=True)
    equipment = _run(kind, capacity, redundancy, rack, line, 1000.0, installed=False)
    unset = _run(kind, capacity, redundancy, rack, line, 1000.0)
    assert equipment["s.capex"] >= installed["s.capex"]
    assert equipment[figure] == pytest.approx(installed[figure] * INSTALL[category], rel=1e-3)
    assert unset[figure] == pytest.approx(equipment[figure], rel=1e-12)


def test_a_non_bool_installed_is_refused() -> None:
    """`installed` is declared bool in the kind schema: a number there is a type error with its location."""
    from compiler import evaluate_text
    text = SPEC % {"kind": "ups", "capacity": "1 MW", "redundancy": "N+1", "price": 1.0, "installed": "installed = 2",
                   "rack": "DGX_H100_rack", "line": "ups g: Unit x 2", "site_line": ""}
    _, sink = evaluate_text(text, "bad.factory")
    assert sink.errors
    assert any("installed" in d.message for d in sink.errors), [d.message for d in sink.errors]


def test_the_stdlib_generator_is_priced_installed_and_the_water_cooled_chiller_as_equipment() -> None:
    """The stdlib generator's source gives an installed price, `installed = true`: placing 3 Generator_3MW costs
    3 x $2.067M = $6.201M (3,000 kW x $650/kW installed, NREL REopt.jl v0.35.0, 2023-09-29, x 1.06 to 2025 dollars;
    not x the power factor; s17-econ). The water-cooled chiller's source (RSMeans 2022, s18-prices) prices the
    chiller's material apart from its setting and from the plant's tower, pumps and piping, so it is equipment:
    2 Chiller_WC_1000ton cost 2 x ($896,000 / 2 x 1.1036 = $494,428) x the cooling factor 2.4804 / 0.6665 = 3.7213
    = $3.68M (s16-capex had it installed at $0.7M each, $1.4M, on an undated page)."""
    from compiler import evaluate_text
    text = """from systems import DGX_H100_rack
from facility import Generator_3MW, Chiller_WC_1000ton
site s {
  land_price = 0 USD
  heat_rejection = "chiller"
  hall h { rack r: DGX_H100_rack x 8 }
  generator g: Generator_3MW x 3
  chiller c: Chiller_WC_1000ton x 2
}
"""
    results, sink = evaluate_text(text, "stdlib_installed.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    v = results.values
    assert float(np.asarray(v["s.detail.capex_power_generator"]).ravel()[0]) == pytest.approx(3 * 3000 * 650.0 * 1.06, rel=1e-12)
    chiller = 896000 / 2 * 304.702 / 292.655 * 1.06
    assert float(np.asarray(v["s.detail.capex_cooling_chiller"]).ravel()[0]) == pytest.approx(
        2 * chiller * INSTALL["cooling"], rel=1e-12)


@pytest.mark.slow
def test_the_flagships_generators_cost_their_installed_price() -> None:
    """The defect: the flagship's 88 Generator_3MW ($1.5M, "~$500/kW installed") cost 88 x $1.5M x 2.2015 =
    $290.6M; s16-capex: 88 x $1.5M = $132.0M. s17-econ: the price is REopt's installed $650/kW x 3,000 kW x 1.06
    (2023 -> 2025 dollars) = $2.067M, so 88 x $2.067M = $181.9M (as equipment x 2.5979 it would be $472.6M)."""
    from pathlib import Path

    from compiler import evaluate_text
    text = (Path(__file__).resolve().parent.parent / "examples" / "flagship_campus.factory").read_text()
    results, sink = evaluate_text(text, "flagship.factory")
    assert not sink.errors
    v = {k: float(np.asarray(x).ravel()[0]) for k, x in results.values.items() if k.startswith("frontier_campus.")
         and not isinstance(x, str) and np.asarray(x).dtype.kind == "f"}     # (a part's value is an Instance)
    units = round(v["frontier_campus.detail.capex_power_generator"] / 2.067e6)
    assert units == 88
    assert v["frontier_campus.detail.capex_power_generator"] == pytest.approx(88 * 3000 * 650.0 * 1.06, rel=1e-12)


def test_a_sites_crahs_outside_its_halls_at_the_halls_installed_price() -> None:
    """The site's own CRAHs (for the air heat outside its halls) are bought at the price its halls pay: where the
    halls' CRAH says its $60,000 is installed, 2 units cost 2 x $60,000 = $120,000 (not x 3.4546 = $414,551), and
    the site's term of what was taken as written counts them (tests/test_money15.py: 3 DGX H100 racks outside
    the hall, 104.68 kW of air, ceil(104.68 / 150) + 1 = 2 CRAHs)."""
    from test_money15 import CRAH_SITE, INSTALL as COOLING_INSTALL, PLANT_PER_W
    text = CRAH_SITE.replace("x outside", "x 3").replace("crah air: CRAH_150kW", "crah air: Installed") % {"site_let": ""}
    text += "crah Installed extends CRAH_150kW {\n  installed = true\n}\n"
    values = error_free_values(text, None, "crah_installed.factory")
    v = {k: float(np.asarray(x).ravel()[0]) for k, x in values.items()
         if k.startswith("s.") and not isinstance(x, str) and np.asarray(x).dtype.kind == "f"}
    assert v["s.crahs_outside_halls"] == 2
    # the site's own air heat on its air-cooled chillers (heat_rejection "chiller"): chillers and pumps, no dry
    # coolers (their condensers reject the heat, s24-capex2)
    rest = v["s.heat_air_outside_halls"] * PLANT_PER_W * (SHARE["chiller"] + SHARE["pump"])
    assert v["s.capex_cooling"] == pytest.approx(v["s.h.capex_cooling"] + 2 * 60_000 + rest, rel=1e-9)
    assert v["s.detail.capex_cooling_priced_installed"] == pytest.approx(2 * 60_000, rel=1e-9)
    assert v["s.h.detail.capex_cooling_priced_installed"] == pytest.approx(v["s.h.crahs"] * 60_000, rel=1e-9)
    assert COOLING_INSTALL > 1


def test_show_writes_the_flag_as_the_language_does() -> None:
    """`factory show Generator_3MW` and docs/stdlib.md wrote the bool field as `1`; a reader writes `true`."""
    from compiler.catalogue import describe
    rows = {r.name: r for r in describe("Generator_3MW").rows}
    assert rows["installed"].value == "true" and rows["installed"].si == 1.0
    rows = {r.name: r for r in describe("UPS_1250kVA").rows}
    assert "installed" not in rows                 # not set: not shown (the default, false, is the model's)


def test_a_flag_that_differs_between_scenarios_prices_each_as_its_run() -> None:
    """Law: a sweep equals the runs one at a time. `installed = n > 0` with `n` swept over [0, 1]: 2 UPS at $1,000
    cost 2 x $1,000 x 2.5979 = $5,196 where n = 0 and $2,000 where n = 1 (both scenarios were priced as one,
    the flag read all-or-nothing over the sweep)."""
    from compiler import evaluate_text
    text = """from systems import DGX_H100_rack
param n = %s
ups U {
  capacity = 1 MW
  redundancy = "N+1"
  price = 1000 USD
  installed = n > 0
}
site s {
  land_price = 0 USD
  hall h {
    rack r: DGX_H100_rack x 8
    ups g: U x 2
  }
}
"""
    def figures(n):
        results, sink = evaluate_text(text % n, "swept.factory")
        assert not sink.errors, [d.message for d in sink.errors]
        return {k: np.broadcast_to(np.asarray(results.values[k], dtype=float), (results.scenario_count,))
                for k in ("s.h.detail.capex_power_conversion", "s.h.detail.capex_power_priced_installed",
                          "s.capex")}
    swept, off, on = figures("[0, 1]"), figures("0"), figures("1")
    for key in swept:
        assert swept[key][0] == pytest.approx(off[key][0], rel=1e-12), key
        assert swept[key][1] == pytest.approx(on[key][0], rel=1e-12), key
    assert on["s.h.detail.capex_power_conversion"][0] == pytest.approx(2000.0, rel=1e-12)
    assert off["s.h.detail.capex_power_conversion"][0] == pytest.approx(2000.0 * INSTALL["power"], rel=1e-3)
