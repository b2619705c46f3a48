"""The least-busy wait's tail (`dispatch_wait_tail`, compiler/models/inference/ least_busy_tail and
_prompt_plus_wait_quantile; MECHANISMS "least_busy_tail", compiler/validate.py; docs/accuracy.md "The least-busy
wait's tail", s19-tail): the Cramer-Lundberg decay rate and constant by hand and at their exact limit, the quantile
of the own prompt plus the wait by hand, the TTFT law it enters, and the opt-in."""
from __future__ import annotations

import math

import numpy as np
import pytest

from compiler import validate as V
from compiler.models import inference as M
from tests.test_interactive_engines import _interactive_row, _spread_parts


def test_exponential_prompts_give_the_models_law() -> None:
    """Exponential jobs (cv 1) are the M/M/1 in tokens, where the exponential approximation is exact: eta =
    (1 - rho) / I, alpha = rho, i.e. the model's law (chance rho, scale I (1 + 1) / 2 / (1 - rho)). I 200, rho 0.5:
    1 / eta = 400 tokens, alpha 0.5."""
    alpha, theta = M.least_busy_tail(200.0, 1.0, 0.5)
    assert float(alpha) == pytest.approx(0.5, rel=1e-9)
    assert float(theta) == pytest.approx(400.0, rel=1e-9)


def test_the_lundberg_root_by_hand() -> None:
    """OpenOrca's prompts (I 222.33, cv 0.771: k = 1 / 0.771^2 = 1.6822, s = I / k = 132.17) at rho 0.5: lam =
    0.5 / 222.33 = 2.2489e-3 a token. The root of lam ((1 - s eta)^-k - 1) = eta is 1 / eta = 334.55 tokens (scipy's
    brentq gives 334.554), the constant alpha = (1 - rho) / (lam k s (1 - s eta)^-(k + 1) - 1) = 0.5405; against the
    mean-matched exponential (m = 222.33 x 1.2972 / 0.5 = 354.49, chance 0.5): a thinner tail (334.55 / 354.49 =
    0.944) and a larger atom, the mean alpha / eta = 180.8 within 2.5% of Pollaczek-Khinchine's 177.2."""
    I, cv, rho = 222.33, 0.771, 0.5
    alpha, theta = (float(v) for v in M.least_busy_tail(I, cv, rho))
    k, s, lam = 1 / cv ** 2, I * cv ** 2, rho / I
    eta = 1 / theta
    assert lam * ((1 - s * eta) ** -k - 1) == pytest.approx(eta, rel=1e-9)
    assert theta == pytest.approx(334.55, abs=0.05)
    assert alpha == pytest.approx((1 - rho) / (lam * k * s * (1 - s * eta) ** -(k + 1) - 1), rel=1e-12)
    assert alpha == pytest.approx(0.5405, abs=1e-4)
    m = I * (1 + cv ** 2) / 2 / (1 - rho)
    assert theta / m == pytest.approx(0.944, abs=1e-3)
    assert alpha * theta / (rho * m) == pytest.approx(1.0, abs=0.025)


def test_the_tail_thins_and_vanishes_with_the_load() -> None:
    """At cv < 1 the tail's scale lies below the mean-matched one and rises with rho toward it (1 / eta / m -> 1 as
    rho -> 1, the heavy-traffic limit); alpha rises with rho; no load, no wait (alpha 0)."""
    rho = np.linspace(0.05, 0.95, 19)
    alpha, theta = M.least_busy_tail(222.33, 0.771, rho)
    m = 222.33 * (1 + 0.771 ** 2) / 2 / (1 - rho)
    ratio = theta / m
    assert np.all(ratio < 1) and np.all(np.diff(ratio) > 0) and ratio[-1] > 0.99
    assert np.all(np.diff(alpha) > 0) and np.all(alpha >= rho) and np.all(alpha <= 1)
    assert float(M.least_busy_tail(222.33, 0.771, 0.0)[0]) == 0.0


def test_the_quantile_of_the_prompt_plus_the_wait_by_hand() -> None:
    """Exponential own prompt (cv 1, mu 200): alpha 0 is the prompt alone, X_99 = 200 ln 100 = 921.03; alpha 1 and
    theta = mu make X an Erlang-2 of scale 200, P(X > x) = (1 + x / 200) e^(-x / 200), whose 0.01 point is
    x / 200 = 6.6384 (1,327.7), and its median 1.6783 (335.7)."""
    q = M._prompt_plus_wait_quantile
    assert float(q([200.0], [1.0], [0.0], [200.0], 0.99)[0]) == pytest.approx(921.03, rel=2e-3)
    assert float(q([200.0], [1.0], [1.0], [200.0], 0.99)[0]) == pytest.approx(1327.7, rel=2e-3)
    assert float(q([200.0], [1.0], [1.0], [200.0], 0.50)[0]) == pytest.approx(335.7, rel=3e-3)
    # rises with the chance to wait and with the tail's scale
    xs = [float(q([222.33], [0.771], [a], [t], 0.99)[0]) for a, t in ((0.2, 200), (0.4, 200), (0.4, 300))]
    assert xs[0] < xs[1] < xs[2]


def _tail_parts(on: float, engines: float = 8.0) -> tuple:
    """tests/test_least_busy_law.py's spread point (256-token room, the own prompt at its spread, the rest in flight
    at its spread, h 0.6) with the law's engines and the tail entry."""
    p = list(_spread_parts(1.0))
    p[5] = np.array([0.6])
    return tuple(p) + (np.array([engines]), np.array([0.0]), np.array([on]))


def test_the_ttft_law_reads_it() -> None:
    """Off (0), or on without the law's engines, the TTFT law bit for bit; on behind the dispatch (8 engines, cv
    0.77), the p99 shorter than the law's Cornish-Fisher over the mean-matched exponential at every load and rising
    with it; an engine at rho >= 1 still infinite."""
    cv = np.array([0.77])
    for q in (0.50, 0.99):
        for r in (0.05, 0.5, 0.9):
            rho = np.array([r])
            ref = M._budget_ttft(_tail_parts(0.0)[:-1], None, rho, cv, q)
            assert M._budget_ttft(_tail_parts(0.0), None, rho, cv, q) == ref
            no_law = _tail_parts(1.0, engines=0.0)
            assert M._budget_ttft(no_law, None, rho, cv, q) == M._budget_ttft(no_law[:-1], None, rho, cv, q)
    today = [float(M._budget_ttft(_tail_parts(0.0), None, np.array([r]), cv, 0.99)[0]) for r in (0.1, 0.4, 0.7, 0.9)]
    tail = [float(M._budget_ttft(_tail_parts(1.0), None, np.array([r]), cv, 0.99)[0]) for r in (0.1, 0.4, 0.7, 0.9)]
    assert all(math.isfinite(t) for t in tail) and all(b < a for a, b in zip(today, tail))
    assert all(b > a for a, b in zip(tail, tail[1:]))
    assert math.isinf(float(M._budget_ttft(_tail_parts(1.0), None, np.array([1.0]), cv, 0.99)[0]))


def test_opt_in() -> None:
    """Off by default; with `interactive_engines` and `least_busy_law` the v5.0 H200 Interactive row reads the tail;
    without the law (no engines to take rho_d over) it is not set."""
    assert V.MECHANISMS["least_busy_tail"] == ()
    on = _interactive_row(V.mechanisms_with(on=("interactive_engines", "least_busy_law", "least_busy_tail")))
    assert on.lets["dispatch_wait_tail"] == 1.0 and on.lets["dispatch_wait_engines"] == 8.0
    no_law = _interactive_row(V.mechanisms_with(on=("interactive_engines", "least_busy_tail")))
    assert "dispatch_wait_tail" not in no_law.lets
