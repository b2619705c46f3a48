"""The least-busy first token taken apart: the law's parts against the simulation's, at the runs' own inputs (issue 11).

    PYTHONPATH=. python3 bench/least_busy_parts.py            (~3 min CPU: the two run points, own and least busy)
    PYTHONPATH=. python3 bench/least_busy_parts.py --grid     (the law test's grid: rho x c at the Server engine)
    PYTHONPATH=. python3 bench/least_busy_parts.py --phase    (the dispatch's phase alone: c x rows / O a step)
    PYTHONPATH=. python3 bench/least_busy_parts.py --phase-ties   (that phase by the number of engines tied at the fewest)
    PYTHONPATH=. python3 bench/least_busy_parts.py --bulk     (Lindley's recursion against least_busy_bulk)

A measurement aid, not the product's model. bench/v41_dispatch_sim.py's chunked engines (`simulate(trace=...)`)
at one of the runs' inputs (RUNS: the model's step of validate's row, t = s (t0 + kappa P), at the run's measured
rate and mean step, as bench/ttft_at_runs.py feeds them; here s the mean step's fixed point s = T / (t0 + T kappa
lam I), no secant: the law is fed the simulation's own mean step, so the two see the same load), each request's
first token split into the parts the law (compiler/models/inference/ `_budget_ttft`) adds up:

    TTFT = R + N t_decode + kappa (X + others)

R the wait for its engine's next step boundary (the rest of the step in flight), N the steps from that boundary to
its first token (the step that carries its last chunk included), X = A + its own prompt (A the prompt tokens queued
ahead of it on its engine at its arrival). Printed for each dispatch (own: every engine its own Poisson stream;
least: NVIDIA's least-busy dispatch) the simulation's R (mean, and over the step in flight: the phase), P(A > 0),
E[A | A > 0], A's tail scale (A_99 - A_95) / ln 5, X_50 / X_99, TTFT p50 / p99; beside them the law's: R its
length-biased half step (in_flight_rest), A at rho (own) or rho_d (least_busy_utilization) with its Cramer-Lundberg
tail (least_busy_tail), X_q (_prompt_plus_wait_quantile), and its TTFT_q (`least_busy_rows`' parts: the wait at
rho_d, share 1, its own tail). docs/accuracy.md "The least-busy wait law at the Server and Interactive budgets"
(s22-lbtail) has the tables and what they say.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.v41_dispatch_sim import simulate  # noqa: E402
from compiler.models import inference as M  # noqa: E402

PROMPT = (222.33, 0.771, 1021)       # OpenOrca's prompts (validate's SERVING): mean, cv, longest
OUTPUT = (294.45, 0.59)
# The run points (validate's rows, main a011fe4: the model's step parts of the chosen column, bench/ttft_at_runs.py
# `capture`; the run's measured completed samples/s and TPOT mean, reference/mlperf_ttft_percentiles.csv):
# engines c (the harness's, = the model's here), the budget a step (room + rows), t0 (s), kappa (s a token), the
# run's rate (requests/s, all engines), its TPOT mean (s), its measured TTFT p50 / p99 (s)
RUNS = {
    # v5.0 8x H200-SXM Llama 2 70B Server, the median run (NVIDIA's tp 1 x 8 engines = the model's, 1,536 - 15.5)
    "H200 Server (tp 1 x 8, 1,520 tokens)": dict(c=8, budget=1520, t0=0.11552, kappa=1.2131e-4, rate=112.80,
                                                 T=0.17140, meas=(0.35811, 0.95147)),
    # v5.0 8x H200-SXM Interactive at NVIDIA's engine (tp 1 x 8, 256 tokens less 15.5; interactive_engines'
    # layout; s14-gap's knee-idle step scaled to the runs' 33.7 ms: bench/least_busy_share.py's)
    "H200 Interactive (tp 1 x 8, 240 tokens)": dict(c=8, budget=240, t0=0.02650, kappa=0.1166e-3,
                                                    rate=66.5, T=0.0337, meas=(0.0979, 0.3633)),
}


def trace_run(policy: str, c: int, rate: float, t0: float, kappa: float, budget: int, seed: int,
              duration: float) -> tuple[list, dict]:
    """(the trace, the summary) of bench/v41_dispatch_sim.py's chunked engines (no chunk rounding: the budget less
    the unit's (u - 1) / 2, within 2% of it, s20-h200int)."""
    trace: list = []
    out = simulate(policy, c, rate, duration, seed=seed, kappa=kappa, t0=t0, row_time=0.0,
                   step_target=t0 + kappa * 465.0, budget=budget, max_rows=10 ** 6, prompt=PROMPT,
                   output=OUTPUT, chunked=True, trace=trace)
    return trace, out


def _q(xs: list, p: float) -> float:
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def measured_parts(trace: list) -> dict:
    """The simulation's parts (module docstring) over the traced requests."""
    rest, length, ahead, own, ttft, seen, _ = (list(v) for v in zip(*trace))
    A = sorted(ahead)
    X = sorted(a + o for a, o in zip(ahead, own))
    T = sorted(ttft)
    positive = [a for a in ahead if a > 0]
    return dict(R=float(np.mean(rest)), phase=float(np.mean([r / max(s, 1e-12) for r, s in zip(rest, length)])),
                step=float(np.mean(length)), waits=len(positive) / len(ahead),
                cond=float(np.mean(positive)) if positive else 0.0,
                scale=(_q(A, 0.99) - _q(A, 0.95)) / math.log(5.0), X50=_q(X, 0.50), X99=_q(X, 0.99),
                N50=_q(sorted(s - 1 for s in seen), 0.50), N99=_q(sorted(s - 1 for s in seen), 0.99),
                p50=_q(T, 0.50), p99=_q(T, 0.99), n=len(trace))


def law_parts(c: int, lam: float, t0: float, kappa: float, budget: float, rows: float, t_mean: float,
              least: bool, phase: float = 0.5) -> dict:
    """The law's parts at the same inputs: room = budget - rows, t_full = t0 + kappa room, rho = lam I t_full /
    room, h = t_mean / t_full; A at rho (own) or rho_d (least); X_q by the convolution; TTFT_q from `_budget_ttft`
    with the step's own parts (no fitted first-token delay: the simulation has none), the rest of the step in
    flight at its length-biased half, R = E[t^2] / (2 E[t]) taken t_mean / 2 (`phase` 1/2; another phase phi:
    R = phi t_mean, the spread's uniform part unchanged)."""
    I, cv = PROMPT[0], PROMPT[1]
    room = budget - rows
    t_full = t0 + kappa * room
    rho = lam * I * t_full / room
    h = min(t_mean / t_full, 1.0)
    r = float(M.least_busy_utilization(c, rho, h)) if least else rho
    alpha, theta = (float(v) for v in M.least_busy_tail(I, cv, r))
    X = {q: float(M._prompt_plus_wait_quantile([I], [cv], [alpha], [theta], q)[0]) for q in (0.50, 0.99)}
    parts = [phase * t_mean, t0, kappa, room, I, h, PROMPT[2], 0.0, 0.0, t_mean, 0.0, 0.0, c, kappa, 0.0, 1.0, 0.0,
             0.0, 0.0, 0.0, t_mean / 2, 1.0, c if least else 0.0, 0.0, 1.0, 0.0]
    arr = lambda x: np.asarray(x, dtype=float).reshape(1)  # noqa: E731
    service = I * t_full / room
    ttft = {q: float(M._budget_ttft(tuple(arr(x) for x in parts), arr(service), arr(rho), arr(cv), q)[0])
            for q in (0.50, 0.99)}
    if not least:       # the own stream at its Cramer-Lundberg tail too (`dispatch_wait_tail` reads c > 0: c 1)
        parts[22] = 1.0
        ttft = {q: float(M._budget_ttft(tuple(arr(x) for x in parts), arr(service), arr(rho), arr(cv), q)[0])
                for q in (0.50, 0.99)}
    parts[24] = 2.0     # `dispatch_wait_tail` 2: the bulk queue in steps (least_busy_bulk), at r
    bulk = {q: float(M._budget_ttft(tuple(arr(x) for x in parts), arr(service), arr(rho), arr(cv), q)[0])
            for q in (0.50, 0.99)}
    delta, chance, _ = (float(v) for v in M.least_busy_bulk(I, cv, r, room))
    X_bulk = {q: float(M._bulk_wait_quantile(1.0, I, cv, delta, chance, theta, q)) for q in (0.50, 0.99)}
    return dict(rho=rho, r=r, h=h, R=phase * t_mean, waits=alpha, cond=theta,
                scale=theta, X50=X[0.50], X99=X[0.99], N50=max(1.0, X[0.50] / room + 0.5),
                N99=max(1.0, X[0.99] / room + 0.5), p50=ttft[0.50], p99=ttft[0.99], room=room, t_full=t_full,
                bulk50=bulk[0.50], bulk99=bulk[0.99], Xb50=X_bulk[0.50], Xb99=X_bulk[0.99], chance=chance)


def point(c: int, rate: float, t0: float, kappa: float, budget: int, T: float, seeds=(1,),
          duration: float = 600.0) -> dict:
    """Both dispatches at one point: the simulation's parts (seeds' mean) and the law's at the simulation's own
    mean step and Little's-law rows (the law's inputs as bench/ttft_at_runs.py `law_at` builds them)."""
    lam = rate / c
    s = T / (t0 + T * kappa * lam * PROMPT[0])       # the mean step's fixed point
    out = {}
    for policy in ("own", "least"):
        parts = [trace_run(policy, c, rate, s * t0, s * kappa, budget, seed, duration) for seed in seeds]
        sims = [measured_parts(tr) for tr, _ in parts]
        sim = {k: float(np.mean([x[k] for x in sims])) for k in sims[0]}
        t_mean = float(np.mean([o["step_mean"] for _, o in parts]))
        rows = lam * OUTPUT[0] * t_mean
        sim["t_mean"] = t_mean
        sim["tpot"] = float(np.mean([o["tpot_mean"] for _, o in parts]))
        law = law_parts(c, lam, s * t0, s * kappa, budget, rows, t_mean, policy == "least")
        at_phase = law_parts(c, lam, s * t0, s * kappa, budget, rows, t_mean, policy == "least", sim["phase"])
        law.update(p50_phase=at_phase["p50"], p99_phase=at_phase["p99"])
        out[policy] = (sim, law)
    return out


def show(name: str, res: dict, meas=None) -> None:
    print(f"\n{name}")
    print("| dispatch | TPOT / step ms (sim) | rho / r (law) | h | R ms: sim / law (phase sim) | P(A>0): sim / law | E[A given A>0]: sim / "
          "law | A tail scale: sim / law | X_50: sim / law | X_99: sim / law | N_99 steps: sim / law | "
          "TTFT p50 ms: sim / law / law at the sim's phase | TTFT p99 ms: the same | bulk law (`dispatch_wait_tail` 2): "
          "P(B>0), X_50, X_99, TTFT p50, TTFT p99 |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for policy, (sim, law) in res.items():
        e = lambda k: f"{law[k] / sim[k] - 1:+.0%}" if sim[k] else "-"  # noqa: E731
        print(f"| {policy} | {sim['tpot'] * 1e3:.1f} / {sim['t_mean'] * 1e3:.1f} | {law['rho']:.3f} / {law['r']:.3f} | {law['h']:.3f} | {sim['R'] * 1e3:.0f} / "
              f"{law['R'] * 1e3:.0f} ({sim['phase']:.2f}) | {sim['waits']:.3f} / {law['waits']:.3f} | "
              f"{sim['cond']:.0f} / {law['cond']:.0f} | {sim['scale']:.0f} / {law['scale']:.0f} | "
              f"{sim['X50']:.0f} / {law['X50']:.0f} ({e('X50')}) | {sim['X99']:.0f} / {law['X99']:.0f} "
              f"({e('X99')}) | {sim['N99']:.1f} / {law['N99']:.2f} | {sim['p50'] * 1e3:.0f} / {law['p50'] * 1e3:.0f} "
              f"({e('p50')}) / {law['p50_phase'] * 1e3:.0f} ({law['p50_phase'] / sim['p50'] - 1:+.0%}) | "
              f"{sim['p99'] * 1e3:.0f} / {law['p99'] * 1e3:.0f} ({e('p99')}) / {law['p99_phase'] * 1e3:.0f} "
              f"({law['p99_phase'] / sim['p99'] - 1:+.0%}) | {law['chance']:.3f}, {law['Xb50']:.0f} "
              f"({law['Xb50'] / sim['X50'] - 1:+.0%}), {law['Xb99']:.0f} ({law['Xb99'] / sim['X99'] - 1:+.0%}), "
              f"{law['bulk50'] * 1e3:.0f} ({law['bulk50'] / sim['p50'] - 1:+.0%}), {law['bulk99'] * 1e3:.0f} "
              f"({law['bulk99'] / sim['p99'] - 1:+.0%}) |", flush=True)
    if meas:
        print(f"(the runs' median: TTFT p50 / p99 {meas[0] * 1e3:.0f} / {meas[1] * 1e3:.0f} ms)")


def dispatch_phase(c: int, delta: float, periods: float, seed: int = 1, ties: dict | None = None) -> float:
    """The mean phase of an arrival in its engine's step under the least-busy dispatch alone (`--phase`): c engines
    stepping at period 1 at random phases, each step's end taking Poisson(delta) requests out of its count
    (delta = rows / O, the rows that finish a step), Poisson arrivals at c delta a period to the engine with the
    fewest requests in flight (ties at random); returned E[1 - tau], tau the time since the chosen engine's last
    step end (R / t of the traced simulation at a step of constant length; 1/2 for an independent stream).
    `ties` (a dict, `--phase-ties`): filled with m -> [arrivals, their summed phase], m the number of engines tied
    at the fewest when the arrival comes (the chosen one drawn among them)."""
    import heapq
    import random
    rng = random.Random(seed)
    rate, count, last = c * delta, [0] * c, [0.0] * c
    events = [(rng.random(), 1, e) for e in range(c)] + [(rng.expovariate(rate), 0, -1)]
    heapq.heapify(events)
    total, n = 0.0, 0
    while events:
        now, kind, e = heapq.heappop(events)
        if now > periods:
            break
        if kind == 0:
            low = min(count)
            tied = [j for j in range(c) if count[j] == low]
            e = rng.choice(tied)
            count[e] += 1
            if now > 20.0:
                total, n = total + 1.0 - (now - last[e]), n + 1
                if ties is not None:
                    cell = ties.setdefault(len(tied), [0, 0.0])
                    cell[0], cell[1] = cell[0] + 1, cell[1] + 1.0 - (now - last[e])
            heapq.heappush(events, (now + rng.expovariate(rate), 0, -1))
            continue
        k, u, floor = 0, rng.random(), math.exp(-delta)      # Poisson(delta) by multiplying uniforms
        while u > floor:
            k, u = k + 1, u * rng.random()
        count[e] -= k
        last[e] = now
        heapq.heappush(events, (now + 1.0, 1, e))
    return total / max(n, 1)


def bulk_check(steps: int = 200000, seed: int = 1) -> None:
    """`--bulk`: Lindley's recursion B' = max(B + S - room, 0) iterated (S a Poisson(delta) batch of OpenOrca's
    prompts, cut at the longest), the simulated chance P(B > 0) and tail scale (B_99 - B_95) / ln 5 against
    least_busy_bulk's p and 1 / eta (compiler/models/inference/)."""
    rng = np.random.default_rng(seed)
    I, cv, k = PROMPT[0], PROMPT[1], 1.0 / PROMPT[1] ** 2
    print("| room | delta | rho | P(B>0): recursion / law | tail scale: recursion / law 1 / eta |")
    print("|---|---|---|---|---|")
    for room, deltas in ((830.0, (1.9, 2.2, 2.5, 2.7, 2.9)), (400.0, (0.6, 1.0, 1.4)), (158.0, (0.25, 0.33, 0.45))):
        for delta in deltas:
            n = rng.poisson(delta, size=steps)
            p = rng.gamma(k, I / k, size=int(n.sum()))
            while (p > PROMPT[2]).any():
                bad = p > PROMPT[2]
                p[bad] = rng.gamma(k, I / k, size=int(bad.sum()))
            ends = np.concatenate(([0.0], np.cumsum(np.maximum(1, p.astype(int)))))
            cuts = np.concatenate(([0], np.cumsum(n)))
            S = ends[cuts[1:]] - ends[cuts[:-1]]
            B, b = np.zeros(steps), 0.0
            for i in range(steps):
                B[i] = b
                b = max(b + S[i] - room, 0.0)
            B = B[1000:]
            rho = delta * I / room
            _, chance, theta = (float(v) for v in M.least_busy_bulk(I, cv, rho, room))
            scale = (np.quantile(B, 0.99) - np.quantile(B, 0.95)) / math.log(5.0)
            print(f"| {room:.0f} | {delta} | {rho:.3f} | {(B > 0).mean():.3f} / {chance:.3f} | {scale:.0f} / "
                  f"{theta:.0f} |", flush=True)


def grid() -> None:
    """The law test's grid (`--grid`): the least-busy law against the simulation at the Server engine, c 2 / 4 / 8
    at four loads (the runs' step, the rate swept), and at NVIDIA's Interactive engine, c 8; seeds 1-2, 600 s."""
    server = RUNS["H200 Server (tp 1 x 8, 1,520 tokens)"]
    for c in (2, 4, 8):
        for lam in (11.0, 12.5, 14.0, 15.0):
            show(f"Server engine, c {c}, {lam} requests/s an engine",
                 point(c, lam * c, server["t0"], server["kappa"], server["budget"], server["T"], seeds=(1, 2)))
    inter = RUNS["H200 Interactive (tp 1 x 8, 240 tokens)"]
    for lam in (7.0, 8.3, 9.5):
        show(f"Interactive engine, c 8, {lam} requests/s an engine",
             point(8, lam * 8, inter["t0"], inter["kappa"], inter["budget"], inter["T"], seeds=(1, 2)))


def main() -> None:
    if "--phase-ties" in sys.argv:     # the phase by the number of engines tied at the fewest (session 23)
        print("| c | delta | phase | m = 1 | 2 | 3 | 4 | ... | c (all tied) |   (m: share of arrivals, phase)")
        for c in (2, 4, 8):
            for delta in (0.28, 1.2, 2.4, 5.0):
                ties: dict = {}
                phase = dispatch_phase(c, delta, 3000.0 / max(c * delta / 8, 0.3), ties=ties)
                count = sum(v[0] for v in ties.values())
                print(f"| {c} | {delta} | {phase:.3f} | " + " | ".join(
                    f"{ties[m][0] / count:.2f}, {ties[m][1] / ties[m][0]:.3f}" for m in sorted(ties)) + " |", flush=True)
        return
    if "--phase" in sys.argv:
        print("| delta = rows / O a step | c 2 | c 4 | c 8 | c 16 |")
        print("|---|---|---|---|---|")
        for delta in (0.28, 1.2, 2.4, 5.0):
            print(f"| {delta} | " + " | ".join(f"{dispatch_phase(c, delta, 2000.0 / max(c * delta / 8, 0.3)):.3f}"
                                                for c in (2, 4, 8, 16)) + " |", flush=True)
        return
    if "--grid" in sys.argv:
        grid()
        return
    if "--bulk" in sys.argv:
        bulk_check()
        return
    for name, r in RUNS.items():
        show(name, point(r["c"], r["rate"], r["t0"], r["kappa"], r["budget"], r["T"], seeds=(1, 2)), r["meas"])


if __name__ == "__main__":
    main()
