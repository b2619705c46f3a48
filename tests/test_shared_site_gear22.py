"""A site's gear that its halls' chains run through carries one current (s22-power, session 22).

The transformers, UPS or PDUs a site places feed its halls and its own IT and cooling plant at once: their units
carry the sum of those flows, so their square-law loss is of the summed current, P l_1 (f + (1 - f) X^2), X = Y / P,
Y the summed average flow out of the stage, P the capacity placed (compiler.models.facility.part_load_loss). Each
hall's (and the site's own) share of it is its share of the current, P_h l_1 (f + (1 - f) x_h X), x_h = y_h / P_h,
P_h = r x its peak flow (`_shared_fraction`): the shares add up to the loss of the summed flow. Before s22-power each
hall walked its own flow through the site's gear on its share P_h of the units, sum_h P_h l_1 (1 - f) x_h^2 >=
P l_1 (1 - f) X^2 (Cauchy-Schwarz, equal only where every flow has the same load factor y_h / P_h): halls at
different utilizations overstated the site's average loss, and the boundary between two halls changed the current
through the gear they share.
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler.models.facility import REFERENCE_LOAD, transformer_fixed_loss_share
from test_numbers_hunt17 import _run, _values  # the numbers hunts' evaluation helpers (tests/ is on the path)

# every stage on the site: the halls' chains are the site's gear alone; the racks as two halls or two rows of one
SITE_GEAR = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA, UPS_1250kVA, PDU_300kVA
site s {{
  land_price = 0 USD
  transformer t: Transformer_2500kVA x 2
  ups u: UPS_1250kVA x 2
  pdu p: PDU_300kVA x 6
"""
TEN_RACKS = """\
    utilization = {u}
    rack r: DGX_H100_rack x 10
"""
TWO_HALLS = SITE_GEAR + "  hall a {{\n" + TEN_RACKS.format(u="{ua}") + "  }}\n  hall b {{\n" + \
    TEN_RACKS.format(u="{ub}") + "  }}\n}}\n"
ONE_HALL = SITE_GEAR + "  hall h {{\n    row a {{\n" + TEN_RACKS.format(u="{ua}") + "    }}\n    row b {{\n" + \
    TEN_RACKS.format(u="{ub}") + "    }}\n  }}\n}}\n"
# only the transformers on the site, the halls' own default UPS and PDU; and the site's own IT (a switch) and plant
SITE_TRANSFORMER = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA
site s {{
  land_price = 0 USD
  transformer t: Transformer_2500kVA x 2
  hall a x {na} {{
    utilization = {ua}
    rack r: DGX_H100_rack x 10
  }}
  hall b {{
    utilization = {ub}
    rack r: DGX_H100_rack x 10
  }}
}}
"""


def _site(spec: str, **kw) -> dict[str, float]:
    v = _values(spec.format(**kw))
    return {k[len("s."):]: x for k, x in v.items() if k.startswith("s.")}


def _avg_loss(v: dict[str, float], prefix: str = "") -> float:
    return v[prefix + "facility_power_avg"] - v[prefix + "it_power_avg"] - v[prefix + "cooling_power_avg"]


def _curve(y, p, eta, f, r, x_ref):
    """P l_1 (f + (1 - f) (y / P)^2), P = r p, l_1 = x_ref (1/eta - 1) / (f + (1 - f) x_ref^2), written out."""
    capacity = r * p
    l_1 = x_ref * (1 / eta - 1) / (f + (1 - f) * x_ref ** 2)
    return capacity * l_1 * (f + (1 - f) * (y / capacity) ** 2)


def test_where_the_halls_boundary_runs_does_not_change_the_current_through_the_sites_gear() -> None:
    """Twenty DGX H100 racks at utilizations 0.9 and 0.1 under the site's transformers, UPS and PDUs: as two halls
    of ten racks, or one hall of two rows of ten, the same flows run through the same units, so the site's average
    facility power is the same (before s22-power the two halls summed their square-law parts: higher by
    Cauchy-Schwarz). At equal utilizations the two were equal before too."""
    for ua, ub in ((0.9, 0.1), (0.7, 0.3), (0.5, 0.5)):
        halls, rows = _site(TWO_HALLS, ua=ua, ub=ub), _site(ONE_HALL, ua=ua, ub=ub)
        assert halls["it_power_avg"] == pytest.approx(rows["it_power_avg"], rel=1e-12)
        assert halls["facility_power_avg"] == pytest.approx(rows["facility_power_avg"], rel=1e-12), (ua, ub)
        assert halls["facility_power"] == pytest.approx(rows["facility_power"], rel=1e-12)
        assert halls["facility_power_avg"] <= halls["facility_power"]       # the average never above the peak
        assert halls["facility_power_metered"] <= halls["facility_power"]


def _hall_flow(v: dict[str, float], hall: str) -> tuple[float, float, float]:
    """(the hall's average flow into the site's transformers, its peak flow there, its own UPS and PDU average
    losses), its own stages walked by hand from its IT (its default PDU, f 0.11, and UPS, f 0.36, sized on their
    peak flow: r 1, x_ref 1; test_part_load_sum21)."""
    it = v[f"{hall}.it_power_avg"]
    pdu_out = v[f"{hall}.pdu_power_in"] - v[f"{hall}.pdu_loss"]
    ups_out = v[f"{hall}.ups_power_in"] - v[f"{hall}.ups_loss"]
    pdu = _curve(it, pdu_out, v[f"{hall}.pdu_stage_efficiency"], 0.11, 1.0, 1.0)
    ups = _curve(it + pdu, ups_out, v[f"{hall}.ups_stage_efficiency"], 0.36, 1.0, 1.0)
    peak = v[f"{hall}.transformer_power_in"] - v[f"{hall}.transformer_loss"]
    return it + pdu + ups + v[f"{hall}.cooling_power_avg"], peak, pdu + ups


def test_the_site_transformer_loses_on_the_summed_flow_of_its_halls_by_hand() -> None:
    """Two halls of ten DGX H100 racks (utilization 0.9 and 0.1), each with its own default UPS and PDU, under the
    site's 2N pair of 2.5 MVA transformers (f 0.2, at 0.99 at its 50% test load, r = 5 MW / its peak flow): the
    pair's average loss is its curve at the halls' summed flow (each hall's UPS input plus its cooling plant), the
    site's average chain loss the halls' own stages plus that; the halls' shares (their own average chain loss)
    add up to it. Before s22-power the transformer's part was each hall's curve on its own share of the pair, the
    sum of the two (`test_the_shared_loss_never_exceeds...` below): 13.25 kW here where the summed flow loses
    13.11 kW."""
    assert REFERENCE_LOAD["transformer"] == 0.5 and transformer_fixed_loss_share.value == 0.2
    v = _site(SITE_TRANSFORMER, na=1, ua=0.9, ub=0.1)
    (ya, pa, sa), (yb, pb, sb) = _hall_flow(v, "a"), _hall_flow(v, "b")
    peak = v["transformer_power_in"] - v["transformer_loss"]       # the pair's peak flow out: both halls'
    assert pa + pb == pytest.approx(peak, rel=1e-12)
    transformer = _curve(ya + yb, peak, 0.99, 0.2, max(1.0, 5.0e6 / peak), 0.5)
    assert _avg_loss(v) == pytest.approx(sa + sb + transformer, rel=1e-9)
    assert _avg_loss(v) == pytest.approx(_avg_loss(v, "a.") + _avg_loss(v, "b."), rel=1e-12)


def test_the_shared_loss_never_exceeds_the_halls_walked_apart_and_equals_it_at_one_load_factor() -> None:
    """The site transformers' average loss at the halls' summed flow is at most the sum of each hall's flow walked on
    its own share of the units (the loss before s22-power), equal where the halls run at one utilization; the
    site's figure is the summed one. A hall x 2 equals the two halls written out."""
    for ua, ub in ((0.9, 0.1), (0.7, 0.3), (0.6, 0.6)):
        v = _site(SITE_TRANSFORMER, na=1, ua=ua, ub=ub)
        (ya, pa, sa), (yb, pb, sb) = _hall_flow(v, "a"), _hall_flow(v, "b")
        r = max(1.0, 5.0e6 / (pa + pb))
        together = _curve(ya + yb, pa + pb, 0.99, 0.2, r, 0.5)
        apart = _curve(ya, pa, 0.99, 0.2, r, 0.5) + _curve(yb, pb, 0.99, 0.2, r, 0.5)
        assert _avg_loss(v) - sa - sb == pytest.approx(together, rel=1e-9)
        if ua == ub:
            assert together == pytest.approx(apart, rel=1e-9)
        else:
            assert together < apart, (ua, ub, together, apart)
    twice = _site(SITE_TRANSFORMER, na=2, ua=0.8, ub=0.3)
    spelled = _site(SITE_TRANSFORMER.replace("hall a x {na}", "hall a").replace(
        "  hall b {{", "  hall c {{\n    utilization = {ua}\n    rack r: DGX_H100_rack x 10\n  }}\n  hall b {{"),
        ua=0.8, ub=0.3)
    assert twice["it_power_avg"] == pytest.approx(spelled["it_power_avg"], rel=1e-12)
    assert twice["facility_power_avg"] == pytest.approx(spelled["facility_power_avg"], rel=1e-12)
    assert twice["facility_power"] == pytest.approx(spelled["facility_power"], rel=1e-12)


SWEPT = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA
param ua = 0.5
site s {
  land_price = 0 USD
  transformer t: Transformer_2500kVA x 2
  hall a {
    utilization = ua
    rack r: DGX_H100_rack x 10
  }
  hall b {
    utilization = 0.2
    rack r: DGX_H100_rack x 10
  }
}
"""


def test_a_sweep_of_one_halls_utilization_equals_the_runs_one_at_a_time() -> None:
    """The shared load fraction is taken per scenario: a sweep of hall a's utilization (0.1, 0.5, 0.9) gives each
    scenario the figures of the run at that value (the site's average, its metered draw and each hall's)."""
    results, errors = _run(SWEPT, {"ua": "0.1..0.9 step 0.4"})
    assert results is not None and not errors
    for i, ua in enumerate(("0.1", "0.5", "0.9")):
        one = _values(SWEPT, {"ua": ua})
        for name in ("s.facility_power_avg", "s.facility_power_metered", "s.a.facility_power_avg",
                     "s.b.facility_power_avg", "s.facility_power"):
            values = np.asarray(results.values[name], dtype=float).ravel()
            swept = float(values[i if values.size > 1 else 0])          # a figure the sweep does not move: one
            assert swept == pytest.approx(one[name], rel=1e-12), (ua, name)


def test_two_sites_share_nothing() -> None:
    """Two sites, each of one hall under its own transformers: each site's figures are those of the site alone
    (the units a site places carry its own halls' flows only)."""
    alone = _values(SITE_TRANSFORMER.format(na=1, ua=0.9, ub=0.1))
    other = SITE_TRANSFORMER.format(na=1, ua=0.3, ub=0.3).replace("site s {", "site q {").split("\n", 2)[2]
    both = _values(SITE_TRANSFORMER.format(na=1, ua=0.9, ub=0.1) + other)
    for name in ("s.facility_power_avg", "s.a.facility_power_avg", "s.b.facility_power_avg", "s.facility_power"):
        assert both[name] == pytest.approx(alone[name], rel=1e-12), name


EXTENDED = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA
hall ten_racks {
  rack r: DGX_H100_rack x 10
}
site s {
  land_price = 0 USD
  transformer t: Transformer_2500kVA x 2
  hall a extends ten_racks { utilization = 0.9 }
  hall b: ten_racks { utilization = 0.1 }
}
"""


def test_halls_extending_one_definition_are_the_halls_written_out() -> None:
    """Two halls that extend one hall definition (`extends` and `:`) at utilizations 0.9 and 0.1 under the site's
    transformers: the same figures as the two halls written out."""
    extended, spelled = _values(EXTENDED), _values(SITE_TRANSFORMER.format(na=1, ua=0.9, ub=0.1))
    for name in ("s.facility_power_avg", "s.facility_power_metered", "s.a.facility_power_avg",
                 "s.b.facility_power_avg", "s.facility_power", "s.power_chain_loss"):
        assert extended[name] == pytest.approx(spelled[name], rel=1e-12), name
