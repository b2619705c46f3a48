"""The least-busy wait as a bulk queue in steps (`dispatch_wait_tail` 2, validate's opt-in `least_busy_bulk`; issue 11,
TTFT; s22-lbtail; docs/accuracy.md "The least-busy wait as a bulk queue in steps"): behind the least-busy dispatch a
step brings a Poisson batch of prompts, and a request finds ahead of it the prompts of its own step before it plus
the backlog a step boundary carries (Lindley's recursion at the Cramer-Lundberg rate). Hand calculations, limits,
the opt-in, and the law against bench/least_busy_parts.py's simulated engines (a few seconds)."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from compiler import validate as V
from compiler.models import inference as M

I, CV = 222.33, 0.771                  # OpenOrca's prompts (validate's SERVING)
CALIBRATION = Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv"


def _fixed_point_by_hand(rho: float, room: float) -> float:
    """Exponential prompts (cv 1) of mean I, by hand: the batch count K ~ Poisson(delta), given K = k the batch S is
    Erlang(k, I), whose tail is a finite sum, P(Erlang(k, m) > r) = e^(-r / m) sum_(i < k) (r / m)^i / i!, and
    E[e^(eta S); S > r] = (1 - eta I)^(-k) P(Erlang(k, I / (1 - eta I)) > r), eta = (1 - rho) / I (the Lundberg
    root at cv 1); p = P(S > r) / E[e^(eta (S - r)); S > r]."""
    delta, eta = rho * room / I, (1 - rho) / I

    def erlang_tail(k: int, m: float) -> float:
        y = room / m
        return math.exp(-y) * sum(y ** i / math.factorial(i) for i in range(k))
    over = tilted = 0.0
    for k in range(1, 80):
        w = math.exp(-delta) * delta ** k / math.factorial(k)
        over += w * erlang_tail(k, I)
        tilted += w * (1 - eta * I) ** -k * erlang_tail(k, I / (1 - eta * I))
    return over / (tilted * math.exp(-eta * room))


def test_backlog_fixed_point_by_hand() -> None:
    """cv 1: least_busy_bulk's chance against the fixed point summed by hand (_fixed_point_by_hand) within 3% (its
    gammas by Wilson-Hilferty), its rate the Lundberg root (1 - rho) / I exactly, delta = rho room / I; and against
    Lindley's recursion iterated (exponential prompts, room 800, rho 0.6, 400,000 steps, seed 1, /tmp): 0.329 (law
    0.315: the exponential form's fixed point, not exact)."""
    for rho, room in ((0.3, 800.0), (0.6, 800.0), (0.8, 400.0), (0.5, 160.0)):
        delta, p, theta = (float(v) for v in M.least_busy_bulk(I, 1.0, rho, room))
        assert math.isclose(delta, rho * room / I, rel_tol=1e-12)
        assert math.isclose(theta, I / (1 - rho), rel_tol=1e-6)
        assert abs(p / _fixed_point_by_hand(rho, room) - 1) < 0.03, (rho, room, p)
    assert abs(float(M.least_busy_bulk(I, 1.0, 0.6, 800.0)[1]) - 0.329) < 0.02


def test_backlog_chance_against_lindley_by_hand() -> None:
    """OpenOrca's prompts (cv 0.771): the chance against Lindley's recursion iterated (bench/least_busy_parts.py
    --bulk, 200,000 steps, seed 1; the prompts cut at 1,021 tokens there, not in the law): room 830, delta 1.9 /
    2.5 / 2.9 -> 0.188 / 0.362 / 0.515; room 158, delta 0.45 -> 0.533; within 0.01. It rises with rho and lies
    below rho (the backlog a boundary carries needs more than a room's work)."""
    for room, delta, sim in ((830.0, 1.9, 0.188), (830.0, 2.5, 0.362), (830.0, 2.9, 0.515), (158.0, 0.45, 0.533)):
        rho = delta * I / room
        p = float(M.least_busy_bulk(I, CV, rho, room)[1])
        assert abs(p - sim) < 0.01, (room, delta, p, sim)
        assert p < rho
    ps = [float(M.least_busy_bulk(I, CV, r, 830.0)[1]) for r in (0.1, 0.3, 0.5, 0.7, 0.9, 0.99)]
    assert all(b > a for a, b in zip(ps, ps[1:])) and ps[0] < 0.01 and ps[-1] > 0.9
    assert float(M.least_busy_bulk(I, CV, 0.0, 830.0)[1]) == 0.0


def _erlang_quantile(q: float, delta: float) -> float:
    """Exponential prompts of mean I, no backlog (p 0), the own prompt and its step's prompts ahead, exactly:
    P(X > x) = sum_j P(J = j) e^(-y) sum_{i <= j} y^i / i!, y = x / I, P(J = j) = P(Poisson(delta) > j) / delta."""
    def tail(x: float) -> float:
        y, total, cdf = x / I, 0.0, 0.0
        for j in range(60):
            cdf += math.exp(-delta) * delta ** j / math.factorial(j)
            erlang = math.exp(-y) * sum(y ** i / math.factorial(i) for i in range(j + 1))
            total += (1.0 - cdf) / delta * erlang
        return total
    lo, hi = 0.0, 50 * I
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if tail(mid) > 1 - q else (lo, mid)
    return lo


def test_own_step_prompts_by_hand_and_limits() -> None:
    """The prompts of its own step ahead of a request, by hand (exponential prompts, _erlang_quantile) within 2%
    (the Wilson-Hilferty gammas); delta -> 0 leaves the own prompt and the backlog (the convolution law
    _prompt_plus_wait_quantile at the same chance and scale, within 2%); more prompts a step or a likelier backlog
    move every quantile up."""
    for delta in (0.5, 2.5):
        for q in (0.50, 0.99):
            law = float(M._bulk_wait_quantile(1.0, I, 1.0, delta, 0.0, 300.0, q))
            assert abs(law / _erlang_quantile(q, delta) - 1) < 0.02, (delta, q, law)
    for q in (0.50, 0.99):
        bulk = float(M._bulk_wait_quantile(1.0, I, CV, 0.0, 0.4, 350.0, q))
        conv = float(M._prompt_plus_wait_quantile(np.array([I]), np.array([CV]), np.array([0.4]),
                                                  np.array([350.0]), q)[0])
        assert abs(bulk / conv - 1) < 0.02, (q, bulk, conv)
        xs = [float(M._bulk_wait_quantile(1.0, I, CV, d, p, 350.0, q)) for d, p in ((0.5, 0.2), (1.5, 0.2), (1.5, 0.4))]
        assert xs[0] < xs[1] < xs[2]


def _parts(rho_tail: float):
    """`_budget_ttft`'s parts of a least-busy chunked row (the H200 Server engine's step, 8 engines, share 1)."""
    t_mean, room = 0.170, 820.0
    p = [0.085, 0.110, 1.16e-4, room, I, 0.84, 1021.0, 0.0, 0.0, t_mean, 0.0, 0.0, 8.0, 1.16e-4, 0.0, 1.0, 0.0,
         0.0, 0.0, 0.0, 0.0, 1.0, 8.0, 0.0, rho_tail, 0.0]
    return tuple(np.asarray([x], dtype=float) for x in p)


def test_budget_ttft_reads_it() -> None:
    """`dispatch_wait_tail` 2 on a least-busy row: the p50 above the Cramer-Lundberg law's (1) by the prompts of
    the request's own step (the dispatch does not thin them), every quantile rising with rho, and inf at rho 1;
    1 unchanged by it (the tail law bit for bit as before)."""
    service, cv = np.asarray([0.05]), np.asarray([CV])
    for rho in (0.6, 0.8):
        r = np.asarray([rho])
        one, two = (float(M._budget_ttft(_parts(t), service, r, cv, 0.50)[0]) for t in (1.0, 2.0))
        assert two > one
    for q in (0.50, 0.99):
        values = [float(M._budget_ttft(_parts(2.0), service, np.asarray([r]), cv, q)[0]) for r in (0.5, 0.7, 0.85)]
        assert values[0] < values[1] < values[2]
    assert math.isinf(float(M._budget_ttft(_parts(2.0), service, np.asarray([1.0]), cv, 0.99)[0]))


def test_opt_in() -> None:
    """Off by default; with `least_busy_rows` the row's tail reads 2, without it (alone) nothing."""
    assert V.MECHANISMS["least_busy_bulk"] == ()
    rows = [r for r in V.read_csv(str(CALIBRATION))
            if r.data["system"] == "NVIDIA: H200 [H200-SXM-141GBx8_TRT]" and r.data["benchmark"] == "llama2-70b-99"
            and r.data["metric"] == "ttft_p99"]
    row = rows[0]
    V.plan(row, V.mechanisms_with(on=("least_busy_rows", "least_busy_bulk")))
    assert row.lets["dispatch_wait_tail"] == 2.0
    alone = next(r for r in V.read_csv(str(CALIBRATION)) if r.line == row.line)
    V.plan(alone, V.mechanisms_with(on=("least_busy_bulk",)))
    assert "dispatch_wait_tail" not in alone.lets


def test_against_the_simulated_engines() -> None:
    """bench/least_busy_parts.py's least-busy engines (the H200 Server engine's step, 1,520 tokens, 8 engines; seed
    1, 300 s, ~10 s): the prompt tokens cleared before a first token, X = A + the own prompt, the bulk law's X_50
    within 5% and X_99 within 8% of the simulated at 12 and 14 requests/s an engine (rho 0.66 / 0.78, rho_d 0.52 /
    0.67), where the Cramer-Lundberg law at rho_d (`dispatch_wait_tail` 1) is 15% or more short at the p50 (a single
    run's X_99 at 4 engines or fewer is within ~10% only: not asserted)."""
    from bench.least_busy_parts import PROMPT, RUNS, OUTPUT, measured_parts, trace_run
    server = RUNS["H200 Server (tp 1 x 8, 1,520 tokens)"]
    for lam in (12.0, 14.0):
        s = server["T"] / (server["t0"] + server["T"] * server["kappa"] * lam * PROMPT[0])
        trace, out = trace_run("least", 8, lam * 8, s * server["t0"], s * server["kappa"], server["budget"], 1, 300.0)
        sim = measured_parts(trace)
        room = server["budget"] - lam * OUTPUT[0] * out["step_mean"]
        t_full = s * server["t0"] + s * server["kappa"] * room
        rho = lam * I * t_full / room
        rho_d = float(M.least_busy_utilization(8, rho, out["step_mean"] / t_full))
        delta, p, theta = M.least_busy_bulk(I, CV, rho_d, room)
        for q, key, within in ((0.50, "X50", 0.05), (0.99, "X99", 0.08)):
            bulk = float(M._bulk_wait_quantile(1.0, I, CV, delta, p, theta, q))
            assert abs(bulk / sim[key] - 1) < within, (lam, q, bulk, sim[key])
        alpha, theta_cl = M.least_busy_tail(I, CV, rho_d)
        cl50 = float(M._prompt_plus_wait_quantile(np.array([I]), np.array([CV]), np.array([float(alpha)]),
                                                  np.array([float(theta_cl)]), 0.50)[0])
        assert cl50 / sim["X50"] - 1 < -0.15


def test_newton_equals_bisection_on_a_grid() -> None:
    """The bulk quantile's Newton root (the default) is the 50-step bisection's (session 22's `steps` 50, the slow
    reference) within 1e-9 relative on a grid: cv 0.5 / 0.771 / 1.5, the own prompt counted 1 / 3 times, mean
    (mean prompt, room) (50, 160), (222, 820), (222, 1,520), (2,000, 1,520), (2,000, 8,000) tokens, rho_d 0.02-0.98 (least_busy_bulk's delta,
    p, theta), the quantiles the model reads (0.25, 0.50, 0.98, 0.99: `step_residual_tail`'s lower points too); and
    a row's value does not depend on the rows beside it (one at a time equals the sweep, bit for bit: each row's
    Poisson terms run to its own delta's range, _poisson_term_groups, and a row that settles is left as it is)."""
    rho = np.linspace(0.02, 0.98, 9)
    for cv in (0.5, CV, 1.5):
        for n in (1.0, 3.0):
            for mean, room in ((50.0, 160.0), (I, 820.0), (I, 1520.0), (2000.0, 1520.0), (2000.0, 8000.0)):
                delta, p, theta = M.least_busy_bulk(mean, cv, rho, room)
                for q in (0.25, 0.50, 0.98, 0.99):
                    fast = M._bulk_wait_quantile(n, mean, cv, delta, p, theta, q)
                    slow = M._bulk_wait_quantile(n, mean, cv, delta, p, theta, q, steps=50)
                    assert np.all(np.abs(fast / slow - 1) < 1e-9), (cv, n, mean, room, q, fast / slow - 1)
    delta, p, theta = M.least_busy_bulk(I, CV, rho, 820.0)
    sweep = M._bulk_wait_quantile(1.0, I, CV, delta, p, theta, 0.99)
    for i in range(rho.size):
        one = M._bulk_wait_quantile(1.0, I, CV, delta[i:i + 1], p[i:i + 1], theta[i:i + 1], 0.99)
        assert one[0] == sweep[i]
