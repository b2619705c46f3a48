"""The least-busy dispatch's share of the prompt queue's wait as a law of the queue (`dispatch_wait_engines`,
compiler/models/inference/ least_busy_utilization; MECHANISMS "least_busy_law", compiler/validate.py;
docs/accuracy.md "The least-busy share as a law", s18-dispatch): the law's limits and a value by hand, its laws in
rho and c, the TTFT law it enters, and the opt-in."""
from __future__ import annotations

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M
from tests.test_interactive_engines import _interactive_row, _parts, _spread_parts


def _rd(c, rho, h) -> float:
    return float(M.least_busy_utilization(c, rho, h))


def test_the_law_by_hand() -> None:
    """rho_d = rho (1/c + (1 - 1/c) h). c 8, rho 0.5, h 0.7: 0.5 (0.125 + 0.875 x 0.7) = 0.36875. NVIDIA's v5.0 H200
    Interactive engine (bench/least_busy_share.py's step: t_full = 26.5 + 0.1166 x 174 = 46.8 ms, the mean step 33.7
    ms, h 0.7201; rho = 8.3125 requests/s x 222.33 x 46.8 ms / 174 = 0.4971): rho_d = 0.4971 (0.125 + 0.875 x
    0.7201) = 0.3754, and the mean wait's share (0.3754 / 0.6246) / (0.4971 / 0.5029) = 0.601 / 0.9885 = 0.608."""
    assert _rd(8, 0.5, 0.7) == pytest.approx(0.36875, abs=1e-12)
    h, rho = 33.7 / 46.8, 8.3125 * 222.33 * 0.0468 / 174
    assert rho == pytest.approx(0.4971, abs=1e-4)
    rd = _rd(8, rho, h)
    assert rd == pytest.approx(0.3754, abs=2e-4)
    assert (rd / (1 - rd)) / (rho / (1 - rho)) == pytest.approx(0.608, abs=2e-3)


def test_the_limits() -> None:
    """c = 1: the single queue (rho) at any load and step; h = 1 (a loaded step no longer than the mean): rho at any
    c; c -> infinity: h rho (the arrivals Poisson in steps); rho -> 0: no wait."""
    for rho in (0.0, 0.3, 0.9):
        for h in (0.4, 0.8, 1.0):
            assert _rd(1, rho, h) == rho
            assert _rd(8, rho, 1.0) == pytest.approx(rho, abs=1e-15)
            assert _rd(1e12, rho, h) == pytest.approx(h * rho, abs=1e-9)
    assert _rd(8, 0.0, 0.7) == 0.0


def test_the_wait_rises_with_the_load_and_falls_with_the_engines() -> None:
    """rho_d, and so the mean wait rho_d c / (1 - rho_d), rises with rho at every c and h; more engines never raise
    it (h <= 1); it lies in [h rho, rho] (below the own stream's queue, above the steps' Poisson one)."""
    rho = np.linspace(0.0, 0.99, 100)
    for h in (0.3, 0.7, 1.0):
        for c in (1, 2, 8, 64):
            rd = M.least_busy_utilization(c, rho, h)
            wait = rd / (1 - rd)
            assert np.all(np.diff(wait) > 0) if h > 0 else True
            assert np.all((rd >= h * rho - 1e-15) & (rd <= rho + 1e-15))
        rds = [M.least_busy_utilization(c, rho, h) for c in (1, 2, 4, 8, 16)]
        assert all(np.all(b <= a + 1e-15) for a, b in zip(rds, rds[1:]))


def test_the_ttft_law_reads_it() -> None:
    """In _budget_ttft the law takes rho's place in the wait: engines 0 leave the law bit for bit; engines 1 equal it
    (one engine: its own queue); with a share of a full step h 1 (tests/test_interactive_engines.py's point) any
    engines equal it; with h 0.6 and 8 engines, at the 256-token room with the own prompt at its spread and the
    residual tail on, every quantile is shorter than the own stream's and rises with rho."""
    base = _parts(1.0)
    rho, cv = np.array([0.05]), np.array([1.0])
    for q in (0.50, 0.99):
        ref = M._budget_ttft(base, None, rho, cv, q)
        assert M._budget_ttft(base + (np.array([0.0]),), None, rho, cv, q) == ref
        assert M._budget_ttft(base + (np.array([1.0]),), None, rho, cv, q) == ref
        assert M._budget_ttft(base + (np.array([8.0]),), None, rho, cv, q) == pytest.approx(ref, rel=1e-12)
    p = list(_spread_parts(1.0))
    p[5] = np.array([0.6])
    for q in (0.50, 0.99):
        own = [float(M._budget_ttft(tuple(p) + (np.array([0.0]),), None, np.array([r]), np.array([0.77]), q)[0])
               for r in (0.05, 0.3, 0.6, 0.9)]
        law = [float(M._budget_ttft(tuple(p) + (np.array([8.0]),), None, np.array([r]), np.array([0.77]), q)[0])
               for r in (0.05, 0.3, 0.6, 0.9)]
        assert all(np.isfinite(law)) and all(b <= a for a, b in zip(own, law))
        assert all(b > a for a, b in zip(law, law[1:]))


def test_opt_in() -> None:
    """Off by default (no row reads the law); with `interactive_engines` the v5.0 H200 Interactive row takes the law
    over the harness's 8 engines (tp 1 each on 8 GPUs) in place of the constant share; alone it changes nothing (the
    least-busy engines are `interactive_engines`')."""
    assert V.MECHANISMS["least_busy_law"] == ()
    on = _interactive_row(V.mechanisms_with(on=("interactive_engines", "least_busy_law")))
    assert on.lets["dispatch_wait_engines"] == 8.0 and on.lets["dispatch_wait_share"] == 1.0
    alone = _interactive_row(V.mechanisms_with(on=("least_busy_law",), off=("interactive_engines",)))
    assert "dispatch_wait_engines" not in alone.lets and "dispatch_wait_share" not in alone.lets
