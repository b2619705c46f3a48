"""Flows through one stage share its units' square-law part (s21-power, session 21).

A stage's units carry the sum of the flows through it (each row's IT, the cooling plant its transformers feed), so
their load loss is of the summed current: loss = P l_1 (f + (1 - f) (sum y_i / P)^2), P the capacity placed for all
the flows (compiler.models.facility.part_load_loss). Before s21-power each flow took its share P_i of the units and
its own square-law part, sum_i P_i l_1 (1 - f) (y_i / P_i)^2 >= P l_1 (1 - f) (sum y_i / P)^2 (Cauchy-Schwarz,
equal only where every flow has the same load factor y_i / P_i): rows at different utilizations, or a cooling plant
whose average is a different share of its peak than the IT's, overstated the average loss.
"""
from __future__ import annotations

import pytest

from compiler.models.facility import REFERENCE_LOAD, pdu_fixed_loss_share, transformer_fixed_loss_share, \
    ups_fixed_loss_share
from test_numbers_hunt17 import _values  # the numbers hunts' evaluation helper (tests/ is on the path)

SPEC = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA
site s {{
  land_price = 0 USD
  hall h {{
    transformer t: Transformer_2500kVA x 2 {{ redundancy = "2N" }}
    row a x {na} {{
      utilization = {ua}
      rack r: DGX_H100_rack x {ra}
    }}
    row b {{
      utilization = {ub}
      rack r: DGX_H100_rack x {rb}
    }}
  }}
}}
"""


def _hall(na=1, ua=0.5, ra=10, ub=0.5, rb=10) -> dict[str, float]:
    v = _values(SPEC.format(na=na, ua=ua, ra=ra, ub=ub, rb=rb))
    return {k[len("s.h."):]: x for k, x in v.items() if k.startswith("s.h.")}


def _curve(y, p, eta, f, r, x_ref):
    """P l_1 (f + (1 - f) (y / P)^2), P = r p, l_1 = x_ref (1/eta - 1) / (f + (1 - f) x_ref^2), written out."""
    capacity = r * p
    l_1 = x_ref * (1 / eta - 1) / (f + (1 - f) * x_ref ** 2)
    return capacity * l_1 * (f + (1 - f) * (y / capacity) ** 2)


def test_rows_at_different_utilizations_lose_on_their_summed_flow_by_hand() -> None:
    """A hall of two rows of 10 DGX H100 racks (utilization 0.9 and 0.1) under its default PDU (f 0.11) and UPS
    (f 0.36), both sized on their peak flow (r 1, x_ref 1), and its own 2N pair of 2.5 MVA transformers (f 0.2,
    x_ref 0.5, at 0.99 there, r = 5 MW / its peak flow, which carries the cooling plant too). Walked by hand from the IT at the
    summed average flows: PDU loss = P_pdu (1/eta - 1) (0.11 + 0.89 (y / P_pdu)^2), y = both rows' average IT;
    UPS the same on y + that loss; the transformers on the UPS's input plus the average cooling power. The hall's
    average chain loss (facility_power_avg - it_power_avg - cooling_power_avg) is their sum."""
    v = _hall(ua=0.9, ub=0.1)
    assert REFERENCE_LOAD["transformer"] == 0.5 and transformer_fixed_loss_share.value == 0.2
    it_avg = v["a.it_power_avg"] + v["b.it_power_avg"]
    assert it_avg == pytest.approx(v["it_power_avg"], rel=1e-12)
    assert v["a.it_power_avg"] / v["a.it_power"] > 2 * v["b.it_power_avg"] / v["b.it_power"]   # different factors
    pdu_out, ups_out = v["pdu_power_in"] - v["pdu_loss"], v["ups_power_in"] - v["ups_loss"]
    t_out = v["transformer_power_in"] - v["transformer_loss"]
    assert pdu_out == pytest.approx(v["it_power"], rel=1e-12) and ups_out == pytest.approx(v["pdu_power_in"])
    pdu = _curve(it_avg, pdu_out, v["pdu_stage_efficiency"], pdu_fixed_loss_share.value, 1.0, 1.0)
    ups = _curve(it_avg + pdu, ups_out, v["ups_stage_efficiency"], ups_fixed_loss_share.value, 1.0, 1.0)
    t_avg = it_avg + pdu + ups + v["cooling_power_avg"]
    transformer = _curve(t_avg, t_out, 0.99, transformer_fixed_loss_share.value,
                         max(1.0, 5.0e6 / t_out), 0.5)
    loss = v["facility_power_avg"] - v["it_power_avg"] - v["cooling_power_avg"]
    assert loss == pytest.approx(pdu + ups + transformer, rel=1e-9)


def test_splitting_a_flow_into_rows_does_not_change_the_loss() -> None:
    """Twenty racks at utilization 0.7 as two rows of 10 (a x 1, b) and as rows of 5, 5 and 10 (a x 2, b): the
    hall's average facility power is the same (the flows through every stage add up to the same current)."""
    split = _hall(ua=0.7, ub=0.7)
    counted = _hall(na=2, ua=0.7, ra=5, ub=0.7, rb=10)
    assert split["it_power_avg"] == pytest.approx(counted["it_power_avg"], rel=1e-12)
    assert split["facility_power_avg"] == pytest.approx(counted["facility_power_avg"], rel=1e-12)


def test_swapping_two_rows_utilizations_does_not_change_the_loss() -> None:
    """Rows of 10 racks at utilizations (0.9, 0.1) and (0.1, 0.9): the same summed flows through every stage, the
    same average facility power."""
    for ua, ub in ((0.9, 0.1), (0.7, 0.3)):
        left, right = _hall(ua=ua, ub=ub), _hall(ua=ub, ub=ua)
        assert left["facility_power_avg"] == pytest.approx(right["facility_power_avg"], rel=1e-12)
