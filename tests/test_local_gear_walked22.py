"""A row's power gear carries the flow the chain walks through it (s22-power, session 22).

A PDU, busway or rectifier placed in a row is loaded by the power out of its stage toward the row's IT: the IT plus
the peak losses of the stages after it as the chain walks them (compiler.models.facility.local_gear_load, `_carry_chain`
with a stop at the placement), as a hall's or site's gear is (`gear_load`). Its units' capacity in the part-load curve
is then r x that flow = the units placed x their capacity, and its `utilization` and `units_needed` read that flow.
Before, the row's load was it_power over the RATED efficiencies of the stages after it, so where a rack's own PDUs run
on their curve above their rating (their idle cores: 2 x 300 kVA over a 35 kW rack) the row's units were sized below
the flow they carry and energized r x the walked flow, more than the capacity placed.
"""
from __future__ import annotations

import pytest

from compiler.models.facility import REFERENCE_LOAD, pdu_fixed_loss_share
from test_numbers_hunt17 import _values  # the numbers hunts' evaluation helper (tests/ is on the path)

SPEC = """\
from systems import DGX_H100_rack
from facility import PDU_300kVA
site s {{
  land_price = 0 USD
  hall h {{
    row a {{
      utilization = {u}
      pdu q: PDU_300kVA x 4
      rack r: DGX_H100_rack x 10 {{
        pdu p: PDU_300kVA x 2
      }}
    }}
  }}
}}
"""
ETA = 0.985                   # PDU_300kVA's efficiency, read at DOE's 35% test load (REFERENCE_LOAD)


def _peak_loss(y, capacity):
    """A placed PDU stage's peak loss: max(its rated loss y (1/eta - 1), its units' curve at y), written out:
    l_1 = 0.35 (1/eta - 1) / (f + (1 - f) 0.35^2), curve = C l_1 (f + (1 - f) (y / C)^2), f = 0.11."""
    f = pdu_fixed_loss_share.value
    l_1 = 0.35 * (1 / ETA - 1) / (f + (1 - f) * 0.35 ** 2)
    return max(y * (1 / ETA - 1), capacity * l_1 * (f + (1 - f) * (y / capacity) ** 2))


def test_a_row_pdu_over_racks_with_their_own_pdus_carries_their_walked_losses_by_hand() -> None:
    """Ten DGX H100 racks (34.9 kW each), each with its own 2 x 300 kVA PDUs (2N), under the row's 4 x 300 kVA PDUs:
    each rack's PDUs lose their curve at its IT (the idle cores of 600 kVA at 6% load, above their rated loss), the
    row's PDUs carry the ten racks' IT and those losses, on exactly the 1.2 MW their four units hold:
        rack   = _peak_loss(rack IT, 600 kVA)
        flow   = 10 x (rack IT + rack)               (the row PDUs' power out: their utilization x 1.2 MW)
        row    = _peak_loss(flow, 1.2 MW)
        hall pdu_loss = 10 x rack + row              (adjacent PDU stages count as one kind)
    Before: the row's load 10 x rack IT / 0.985 (utilization 29.08% where it carries 30.45%), its units 1.238 MW."""
    assert REFERENCE_LOAD["pdu"] == 0.35
    v = _values(SPEC.format(u=0.8))
    rack_it = v["s.h.a.r.it_power"]
    rack = _peak_loss(rack_it, 600e3)
    assert rack > rack_it * (1 / ETA - 1) * 2            # the idle cores: the curve, well above the rating
    flow = 10 * (rack_it + rack)
    assert v["s.h.a.q.utilization"] == pytest.approx(flow / 1.2e6, rel=1e-12)
    assert v["s.h.a.q.units_needed"] == 4
    assert v["s.h.pdu_loss"] == pytest.approx(10 * rack + _peak_loss(flow, 1.2e6), rel=1e-12)


def test_the_average_never_exceeds_the_peak_and_falls_with_the_load() -> None:
    """Row and rack gear on their curves: the hall's average chain loss is at most its peak loss, and it never rises
    as the row's utilization falls (1.0, 0.7, 0.3, 0.0)."""
    losses = []
    for u in (1.0, 0.7, 0.3, 0.0):
        v = _values(SPEC.format(u=u))
        avg = v["s.h.facility_power_avg"] - v["s.h.it_power_avg"] - v["s.h.cooling_power_avg"]
        assert avg <= v["s.h.power_chain_loss"] * (1 + 1e-12), u
        losses.append(avg)
    assert all(a >= b for a, b in zip(losses, losses[1:])), losses
