"""bench/server_p99_spread.py's pure piece (docs/accuracy.md "The v5.0 8x H200 Server TTFT p99 run by run",
s25-h200srv): the figures one configuration can take without losing a row it has within 10%, by hand."""
from __future__ import annotations

import math

import pytest

from bench import server_p99_spread as S


def test_one_figure_windows_by_hand() -> None:
    """Measured 0.75, 0.86, 0.94, 0.96 and 1.10 s at today's 0.886 s: within 10% are 0.86 (+3.0%), 0.94 (-5.7%) and
    0.96 (-7.7%), not 0.75 (+18.1%) or 1.10 (-19.5%); a figure keeps all three within 10% from 0.96 x 0.9 = 0.864 to
    0.86 x 1.1 = 0.946 s, today's among them; the run 18% under it needs at most 0.75 x 1.1 = 0.825 s, below the
    window: one factor on the configuration cannot take it in without losing a row."""
    lo, hi = S.one_figure_windows([0.75, 0.86, 0.94, 0.96, 1.10], 0.886)
    assert (lo, hi) == (pytest.approx(0.864), pytest.approx(0.946))
    assert lo <= 0.886 <= hi and 0.75 * 1.1 < lo
    assert all(math.isnan(x) for x in S.one_figure_windows([0.5, 2.0], 1.0))
