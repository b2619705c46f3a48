"""Bit rates in stdlib read as bits: `4.8 Tb/s` is 600 GB/s already (session 14: Gaudi2's scale-up was written
`4.8 Tb/s / 8`, a second bits-to-bytes division, and evaluated to 75 GB/s; its GPT-3 training rows read it)."""
from __future__ import annotations

import pytest

from compiler import evaluate_text

SPEC = """from chips import Gaudi2, Gaudi3
site s {
  let g2 = Gaudi2.scaleup_bw
  let g3 = Gaudi3.scaleup_bw
}
"""


def test_gaudi_scale_up_is_its_ethernet_ports_both_ways() -> None:
    """Gaudi2: 24 x 100 GbE, both directions: 24 x 100e9 / 8 x 2 = 600 GB/s; Gaudi3: 24 x 200 GbE = 1.2 TB/s
    (the same both-directions convention, Intel Hot Chips 2024 slides): twice Gaudi2's."""
    results, sink = evaluate_text(SPEC, "units14.factory")
    assert not [d for d in sink.items if d.severity == "error"]
    g2, g3 = results.values["s.g2"][0], results.values["s.g3"][0]
    assert g2 == pytest.approx(24 * 100e9 / 8 * 2, rel=1e-12)
    assert g3 == pytest.approx(2 * g2, rel=1e-12)
