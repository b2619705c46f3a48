"""Session 19's defects found by the hunt and left open (s19-plancolo): a leased site's land, a plan that pairs
scenarios by index, a training run smaller than one step, `ep` on a dense model. Each test names its defect."""
from __future__ import annotations

import numpy as np

from compiler import evaluate_text
from dsl.diagnostics import Code

LEASED = '''param land = [0 USD, 5000000 USD, 80000000 USD]
param rate = 0.08 / 1 yr

site dc {
  location = "a colocation hall"
  colocation_price = 180 USD/kW/month
  electricity_price = 0.1 USD/kWh
  land_price = land
  finance f {
    discount_rate = rate
  }
  hall h {
    rack r x 2 {
      server n: box x 2
    }
  }
}

server box {
  max_power = 10 kW
  cooling = "air"
  price = 100000 USD
}
'''


def test_a_leased_site_buys_no_land_and_says_its_land_price_changes_nothing() -> None:
    """Law: a leased site (`colocation_price`) rents its building, power and cooling plant and the land they stand
    on, so its `land_price` never changes its capex or TCO: a sweep over the land price gives one capex and one TCO,
    the same as the spec without it, and a `no-effect` warning at the `land_price` field says so. (It counted the
    land on top of the lease: capex $0.4M of servers -> $5.4M with a $5M land price, exit 0, no warning.)"""
    results, sink = evaluate_text(LEASED)
    assert results is not None and not sink.errors, [d.message for d in sink.errors]
    without, _ = evaluate_text(LEASED.replace("  land_price = land\n", ""))
    for figure in ("dc.capex", "dc.tco_year", "dc.capex_land", "dc.land_capital_year"):
        swept = np.broadcast_to(np.asarray(results.values[figure], dtype=float), (3,))
        base = float(np.asarray(without.values[figure], dtype=float).ravel()[0])
        assert np.all(swept == base), (figure, swept, base)
    assert float(np.asarray(results.values["dc.capex"]).ravel()[0]) == 400_000.0    # 4 servers x $100k, by hand
    warned = [d for d in sink.items if d.code == Code.NO_EFFECT and "land_price" in d.message]
    assert len(warned) == 1, [d.message for d in sink.items]
    line = LEASED.splitlines().index("  land_price = land") + 1
    assert warned[0].span.line == line and "colocation_price" in warned[0].message
