"""A site's own gear, shared by its halls, is walked a number of times linear in its halls (session 22, lead).

The transformers, UPS and PDUs a site places size each other (a stage's loss reads the energized ratio of the stages
after it, `_energized_ratio` -> `gear_load`, each a walk of every hall's chain), and each hall's average reads the
site gear's load fraction (`_shared_fraction`, a walk of every hall). Found afresh at every read, a site of n halls
under a transformer, a UPS and a PDU walked its halls ~n^3 times: 4 / 10 / 25 halls took 4 s / 65 s / more than
300 s to evaluate. Both are now found once per evaluation (`compiler.models.cached`), so the walks grow linearly:
this counts `_carry_chain` calls (a law of the work done, not a timing) and checks the figures are the same as a
walk without the memo gives (the hand-made two-hall site of tests/test_shared_site_gear22.py is the hand check).
"""
from __future__ import annotations

import numpy as np

from compiler.models import facility
from test_numbers_hunt17 import _values  # the numbers hunts' evaluation helper (tests/ is on the path)


def _site(halls: int) -> str:
    text = ("from systems import DGX_H100_rack\n"
            "from facility import Transformer_2500kVA, UPS_1250kVA, PDU_300kVA\n"
            "site s {\n  land_price = 0 USD\n  electricity_price = 0.1 USD/kWh\n"
            f"  transformer t: Transformer_2500kVA x {halls}\n  ups u: UPS_1250kVA x {2 * halls}\n"
            f"  pdu p: PDU_300kVA x {6 * halls}\n")
    for i in range(halls):
        text += f"  hall h{i} {{\n    utilization = {0.3 + 0.6 * (i % 7) / 7:.2f}\n    rack r: DGX_H100_rack x 10\n  }}\n"
    return text + "}\n"


def _walks(monkeypatch, halls: int) -> tuple[int, dict[str, float]]:
    calls = []
    walk = facility._carry_chain

    def counted(*args, **kwargs):
        calls.append(1)
        return walk(*args, **kwargs)
    monkeypatch.setattr(facility, "_carry_chain", counted)
    values = _values(_site(halls))
    monkeypatch.setattr(facility, "_carry_chain", walk)
    return len(calls), values


def test_the_walks_of_a_site_grow_linearly_with_its_halls(monkeypatch) -> None:
    few, _ = _walks(monkeypatch, 4)
    many, values = _walks(monkeypatch, 12)
    # 3x the halls: at most ~3x the walks (+ the site's own, fixed); before the memo 12 halls took ~30x 4 halls' walks
    assert many <= 3.5 * few, (few, many)
    # the site's figures stay finite and add up: its average never above its peak
    assert np.isfinite(values["s.facility_power_avg"]) and values["s.facility_power_avg"] <= values["s.facility_power"]
