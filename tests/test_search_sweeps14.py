"""A sweep over a setting the serving search reads equals the runs one at a time (session 14: a sweep of
`let capacity_margin` raised "internal error: IndexError: index 1 is out of bounds" inside the search: the score
had one row a scenario, the evaluated grid one row for all, and the pick indexed the grid by scenario)."""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text

SPEC = """from systems import DGX_H100
from models import Llama2_70B
param v = VALUES
site s {
  land_price = 0 USD
  hall h {
    rack r {
      server node: DGX_H100 x 1
    }
  }
  inference w {
    model = Llama2_70B
    system = DGX_H100
    accelerators = 8
    scenario = "server"
    let NAME = v
  }
}
"""
FIGURES = ("tokens_per_s", "tpot_p99", "ttft_p99", "batch")


def _run(name: str, values: str) -> dict[str, np.ndarray]:
    results, sink = evaluate_text(SPEC.replace("NAME", name).replace("VALUES", values), "search_sweeps14.factory")
    assert not [d.message for d in sink.items if d.severity == "error"]
    return {f: np.atleast_1d(np.asarray(results.values[f"s.w.{f}"], dtype=float)) for f in FIGURES}


@pytest.mark.parametrize("name, values", [("capacity_margin", ["0", "0.05", "0.1"]),
                                          ("batch_refinement", ["0", "2"]),
                                          ("capacity_solve", ["0", "1"]),
                                          ("operating_fraction", ["1", "0.9"])])
def test_a_sweep_of_a_search_setting_equals_the_runs_one_at_a_time(name: str, values: list[str]) -> None:
    swept = _run(name, "[" + ", ".join(values) + "]")
    for i, value in enumerate(values):
        one = _run(name, value)
        for f in FIGURES:
            assert swept[f][i] == pytest.approx(one[f][0], rel=1e-12), (name, value, f)
