"""The plant class shares and installation factors are derived from the stdlib's parts (s17-econ2, 2026-12-06).

s17-econ priced the stdlib generator from a dated source (NREL REopt.jl, installed $650/kW x 1.06 = $689/kW,
`installed = true`), but the power class shares and plant_equipment_power (1.690 $/W), from which the power
installation factor came (3.7206 / 1.690 = 2.2015), still counted the generator at an earlier $500/kW, and as
equipment: an installed price sat in the denominator of the factor that marks equipment up. Now
(compiler.models.assumptions PLANT_REFERENCE) the category's installed plant cost per W is

    R = sum over installed-priced classes of their $/W + factor x sum over equipment-priced classes of their $/W

so factor = (R - installed) / equipment and a class's share = its installed $/W / R. Power: R = 11.7 x 0.53 x 0.6
= 3.7206 $/W; generators $2.067M / 3 MW x 1.1 = 0.7579 $/W installed; transformers $150k / 2.5 MVA x 2 = 0.12,
switchgear $300k / 3.3255 MW x 2 = 0.1804, UPS $500k / 1.25 MVA x 1.1 = 0.44, PDUs $60k / 300 kVA x 2 = 0.40:
1.1404 $/W equipment; factor (3.7206 - 0.7579) / 1.1404 = 2.5979; shares 0.0838, 0.1260, 0.3072, 0.2793 and the
generator's 0.7579 / 3.7206 = 0.2037 (were 0.07, 0.11, 0.26, 0.24, 0.32). Cooling (no installed-priced class in
the reference hall: its chillers are the air-cooled Chiller_AC_500ton, the water-cooled one is not in it):
equipment 0.7183 $/W, factor 2.4804 / 0.7183 = 3.4533 (was the rounded 0.718, 3.4546). s18-prices (2026-12-06):
the transformer ($96,332) and the air-cooled chiller ($367,303) are RSMeans 2022 material x 1.1036: transformers
0.0771 $/W, power equipment 1.0975 $/W, factor 2.6995; cooling equipment 0.6665 $/W, factor 3.7213.

Laws stated here:
  * each reference row is the stdlib part's price, capacity, redundancy and `installed` flag (read back from
    stdlib/facility.factory: a price change there fails this test until the reference follows it);
  * each category's shares add up to 1, and each is the class's installed $/W over R recomputed from the stdlib;
  * the reference plant bought at the stdlib prices, an installed price as written and an equipment price x the
    factor, costs R per W of IT exactly; and placing every power class of a hall with the stdlib's parts in the
    reference's numbers of units reproduces the estimate within the rounding of the unit counts;
  * an installed part is not marked up, and its share is not in the factor's equipment.
"""
from __future__ import annotations

import math

import numpy as np
import pytest

from compiler.models import assumptions as A
from test_capex_laws15 import INSTALL, SHARE  # tests/ is on the path

PER_W = {"power": 11.7 * 0.53 * 0.6, "cooling": 11.7 * 0.53 * 0.4}     # R, $/W: 3.7206 and 2.4804
UNITS_PER_NEEDED = {"2N": 2.0, "N+1": 1.1}         # the reference's units bought per unit needed


def _stdlib(name: str) -> dict:
    from compiler.catalogue import describe
    desc = describe(name)
    assert desc is not None, name
    return {r.name: r.si for r in desc.rows}


@pytest.mark.parametrize("category", ["power", "cooling"])
def test_the_reference_rows_are_the_stdlib_parts(category: str) -> None:
    """Every row: the stdlib part's price, capacity, redundancy (2N: 2 units per unit needed, N+1: 1.1) and
    `installed` flag. E.g. the generator: $2,067,000 (3,000 kW x $650/kW x 1.06), 3 MW, N+1, installed."""
    for _, part, price, capacity, units, _, installed in A.PLANT_REFERENCE[category]:
        rows = _stdlib(part)
        assert rows["price"] == pytest.approx(price, rel=1e-12), part
        assert rows["capacity"] == pytest.approx(capacity, rel=1e-12), part
        assert UNITS_PER_NEEDED[rows["redundancy"]] == units, part
        assert bool(rows.get("installed", 0.0)) == installed, part


@pytest.mark.parametrize("rows", [A.PLANT_REFERENCE_DC800["power"], A.PLANT_REFERENCE_TOWER["cooling"]],
                         ids=["dc800", "cooling_tower"])
def test_the_variant_rows_are_the_stdlib_parts(rows) -> None:
    """The rows an unplaced conversion or distribution class of a dc800 block is estimated on (s24-capex: the
    power model's default stages there are a rectifier and a busway), and an unplaced chiller or heat-rejection
    class of a block on cooling towers (s24-capex2: water-cooled chillers on the towers): the stdlib part's price,
    capacity, redundancy and `installed` flag, e.g. Rectifier_800VDC_1MW $250,000, 1 MW, N+1; CoolingTower_5MW
    $215,746, 5 MW, N+1."""
    for _, part, price, capacity, units, _, installed in rows:
        rows = _stdlib(part)
        assert rows["price"] == pytest.approx(price, rel=1e-12), part
        assert rows["capacity"] == pytest.approx(capacity, rel=1e-12), part
        assert UNITS_PER_NEEDED[rows["redundancy"]] == units, part
        assert bool(rows.get("installed", 0.0)) == installed, part


@pytest.mark.parametrize("category", ["power", "cooling"])
def test_the_shares_are_recomputed_from_the_stdlib_and_add_up_to_one(category: str) -> None:
    """Each class's share = its installed $/W (price / capacity x units per unit needed x its heat share, x the
    factor unless the stdlib part is installed) / R, from the stdlib's figures; they add up to 1; the factor and
    the equipment per W are the model's."""
    rows = {}
    for name, part, _, _, _, heat, _ in A.PLANT_REFERENCE[category]:
        s = _stdlib(part)
        rows[name] = (s["price"] / s["capacity"] * UNITS_PER_NEEDED[s["redundancy"]] * heat,
                      bool(s.get("installed", 0.0)))
    installed = sum(w for w, inst in rows.values() if inst)
    equipment = sum(w for w, inst in rows.values() if not inst)
    factor = (PER_W[category] - installed) / equipment
    shares = {c: (w if inst else factor * w) / PER_W[category] for c, (w, inst) in rows.items()}
    assert sum(shares.values()) == pytest.approx(1.0, abs=1e-12)
    for c, share in shares.items():
        assert getattr(A, f"plant_share_{c}").value == pytest.approx(share, rel=1e-12), c
        assert SHARE[c] == pytest.approx(share, rel=1e-12), c             # the hand figures of the other tests
    assert getattr(A, f"plant_equipment_{category}").value == pytest.approx(equipment, rel=1e-12)
    assert INSTALL[category] == pytest.approx(factor, rel=1e-12)
    assert A.PLANT_INSTALLED_CLASSES[category] == tuple(c for c, (_, inst) in rows.items() if inst)


def test_the_power_reference_by_hand() -> None:
    """The hand figures: generator 2,067,000 / 3e6 x 1.1 = 0.7579 $/W installed, share 0.2037; equipment: the
    transformers $96,332 / 2.5 MVA x 2 = 0.0771 (RSMeans 2022 x 1.1036, s18-prices) + 0.1804 + 0.44 + 0.40 = 1.0975
    $/W, factor 2.6995; cooling 2.4804 / 0.6665 = 3.7213 (air-cooled chillers $367,303, s18-prices); the generator's
    installed price is not in the equipment the factor is taken over."""
    assert A.plant_share_generator.value == pytest.approx(0.7579 / 3.7206, abs=1e-4)
    assert A.plant_equipment_power.value == pytest.approx(0.0771 + 0.1804 + 0.44 + 0.40, abs=1e-4)
    assert INSTALL["power"] == pytest.approx((3.7206 - 0.7579) / 1.0975, abs=1e-3)
    assert INSTALL["cooling"] == pytest.approx(2.4804 / 0.6665, abs=1e-3)
    assert A.PLANT_INSTALLED_CLASSES == {"power": ("generator",), "cooling": ()}


@pytest.mark.parametrize("category", ["power", "cooling"])
def test_the_reference_plant_at_stdlib_prices_costs_the_plant_cost_per_watt(category: str) -> None:
    """Law: the reference plant bought at its prices, installed ones as written and equipment ones x the factor,
    costs R per W of IT: sum(installed $/W) + factor x sum(equipment $/W) = R (3.7206 power, 2.4804 cooling)."""
    total = 0.0
    for _, _, price, capacity, units, heat, installed in A.PLANT_REFERENCE[category]:
        total += price / capacity * units * heat * (1.0 if installed else INSTALL[category])
    assert total == pytest.approx(PER_W[category], rel=1e-12)


POWER_HALL = """from systems import GB200_NVL72
from facility import Transformer_2500kVA, Switchgear_LV_4000A, UPS_1250kVA, PDU_300kVA, Generator_3MW
site s {
  land_price = 0 USD
  hall h {
    rack r: GB200_NVL72 x 400
%(hall)s
  }
%(site)s
}
"""


def test_placing_every_power_class_with_the_stdlib_parts_reproduces_the_estimate() -> None:
    """Law: 400 GB200 NVL72 racks (49.48 MW of IT) estimated: each class its share of 49.48 MW x 3.7206 $/W, the
    N+1 classes on the whole units their duty needs where those are fewer than the reference's 1.1 allowance
    (s24-capex, cost._sized): UPS ceil(49.48 / 1.25) + 1 = 41 units, 51.25 MW of the 54.43 MW allowance (x 0.9416);
    generators ceil(49.48 / 3) + 1 = 18, 54 MW (x 0.9921); the 2N classes (transformers, switchgear, PDUs) keep
    the allowance, 2 ceil(IT / k) k >= 2 IT: $180.36M (was IT x 3.7206 = $184.08M). Placing those units of every
    power class with the stdlib's parts (the 2N classes IT x 2 / capacity, rounded: 40 transformers, 30 switchgear
    lineups, 330 PDUs in the hall; 41 UPS; 18 generators on the site) gives it to 1% (the rounding of 29.76
    lineups to 30). At the s17-econ shares it read $162.25M placed (-11.9%): the generators' installed price in
    the factor's equipment. The placed counts are below what the chain's peak load needs with its losses, so the
    capacity limits fire (`limit exceeded`, errors about sizing): the law is about the prices."""
    from compiler import evaluate_text
    estimated, sink = evaluate_text(POWER_HALL % {"hall": "", "site": ""}, "power_est.factory")
    assert not sink.errors
    it = float(np.asarray(estimated.values["s.h.it_power"]).ravel()[0])
    estimate = float(np.asarray(estimated.values["s.capex_power"]).ravel()[0])
    n, scale = {}, {}
    for cls, part, _, capacity, units, _, _ in A.PLANT_REFERENCE["power"]:
        whole = math.ceil(it / capacity)
        spares_units = 2 * whole if units == 2.0 else whole + 1          # N+1 or 2N, in whole units
        n[part] = spares_units if spares_units * capacity < units * it else round(it * units / capacity)
        scale[cls] = min(1.0, spares_units * capacity / (units * it))
    shares = {cls: float(getattr(A, f"plant_share_{cls}").value) for cls in scale}
    assert (n["UPS_1250kVA"], n["Generator_3MW"]) == (41, 18)
    assert estimate == pytest.approx(it * 3.7206 * sum(shares[c] * scale[c] for c in scale), rel=1e-9)
    assert estimate == pytest.approx(180.36e6, rel=1e-4)
    hall = "\n".join(f"    {kind} g{i}: {part} x {n[part]}" for i, (kind, part) in enumerate(
        [("transformer", "Transformer_2500kVA"), ("switchgear", "Switchgear_LV_4000A"), ("ups", "UPS_1250kVA"),
         ("pdu", "PDU_300kVA")]))
    site = f"  generator gen: Generator_3MW x {n['Generator_3MW']}"
    placed, sink = evaluate_text(POWER_HALL % {"hall": hall, "site": site}, "power_placed.factory")
    assert all(d.message.startswith("limit exceeded") for d in sink.errors), [d.message for d in sink.errors]
    value = float(np.asarray(placed.values["s.capex_power"]).ravel()[0])
    assert value == pytest.approx(estimate, rel=0.01)
    # the generators at their installed price, as written
    gen = float(np.asarray(placed.values["s.detail.capex_power_generator"]).ravel()[0])
    assert gen == pytest.approx(n["Generator_3MW"] * 3000 * 650 * 1.06, rel=1e-12)
