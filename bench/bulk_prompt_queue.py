"""The prompt queue's law against a step-synchronous engine where a step holds several prompts (issue 11, TTFT).

    PYTHONPATH=. python3 bench/bulk_prompt_queue.py        (~2-4 min CPU; fixed seeds, the same table every run)

A measurement aid, not the product's model. s19-ttftsim (docs/accuracy.md "Every run's first token simulated at its
own inputs", section 4) found the model's prompt-queue law over the simulated engines by +29..+35% at the TTFT p99
where a step holds several prompts (mean prompt / budget 0.1-0.3) at rho >= 0.7, and asked for a bulk-service law
(the prompts a step takes as a batch, an M^X/D/1-like queue in steps) in place of the M/G/1 in tokens. This isolates
the queue: bench/v41_dispatch_sim.py's engine (`simulate`, chunked context, first come first served, a first token
at the end of the step carrying the prompt's last chunk), ONE engine fed its own Poisson stream, every step T long
whatever it carries (kappa 0, beta 0), a room of R prompt tokens a step, OpenOrca's prompts (gamma, mean 222.33,
cv 0.771, at most 1,021) with 2-token answers (a finished prompt holds a decode row for one step: at most ~1% of
R). Beside it the model's law (compiler/models/inference/ `_budget_ttft` with parts (T / 2, T, 0, R, I, 1,
1,021, 0): the rest of the step in flight, then N_q = max(1, X_q / R + 1/2) steps, X_q = I (1 + w) ln(1 / (1 - q)),
w = rho (1 + cv^2) / 2 / (1 - rho)), at rho = lam I T / R (the cut at 1,021 takes ~0.1% off the drawn mean). Not in either:
the first-token delay, the rest's spread, the harness's dispatch (compiler/validate.py gives those on top).

A bulk server's queue in tokens is the M/G/1's at the same load to first order: the backlog at a step boundary,
Q' = max(Q + A - R, 0) (A the prompt tokens arriving in a step, compound Poisson, mean rho R, variance
rho R I (1 + cv^2)), has Kingman's mean Var(A) / (2 (R - E[A])) = I rho (1 + cv^2) / 2 / (1 - rho) = I w and the
Cramer-Lundberg decay rate theta of (rho / I) (M_I(theta) - 1) = theta, the M/G/1's own (J. F. C. Kingman, "Some
inequalities for the queue GI/G/1", Biometrika 49 (1962) 315-324 [S]; S. Asmussen, Applied Probability and Queues,
2003, XIII.5 [S]), so the law is expected to hold here; the table says how closely.

Printed: TTFT p50 / p99 in steps of T (requests issued after the first 600 steps, 60,000 at least, seed 1), the
law's, and the law over the simulation - 1. docs/accuracy.md "The Interactive chunk rounding and the bulk prompt
queue, in the simulation" has the table and what it says.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.v41_dispatch_sim import simulate  # noqa: E402
from compiler.models import inference as M  # noqa: E402

I, CV, LONGEST = 222.33, 0.771, 1021     # OpenOrca's prompts as validate gives them (Llama 2 70B)
T = 0.1                                  # s a step (the table is in steps: any T)
CELLS = ((0.10, (0.5, 0.7, 0.8, 0.9)), (0.25, (0.5, 0.7, 0.8, 0.9)), (0.5, (0.5, 0.7, 0.8, 0.9)),
         (1.0, (0.5, 0.7, 0.8, 0.9)))    # (mean prompt / room, rho)


def law(room: float, mean: float, rho: float, q: float) -> float:
    """The model's `_budget_ttft` at quantile q, in steps, with only the queue's parts (module docstring)."""
    one = lambda x: np.asarray(x, dtype=float).reshape(1)  # noqa: E731
    parts = tuple(one(x) for x in (T / 2, T, 0.0, room, mean, 1.0, LONGEST, 0.0))
    service = mean * T / room
    return float(M._budget_ttft(parts, one(service), one(rho), one(CV), q)[0]) / T


def cell(share: float, rho: float) -> tuple[float, float, float, float]:
    """(simulated p50, p99, law p50, p99) in steps at mean prompt / room `share` and utilization rho."""
    room = I / share
    rate = rho * room / (I * T)
    duration = 600 * T + max(60000 / rate, 600 * T)
    s = simulate("own", 1, rate, duration, seed=1, kappa=0.0, t0=T, step_target=T, budget=int(round(room)),
                 max_rows=100000, prompt=(I, CV, LONGEST), output=(2.0, 1e-4), chunked=True)
    return s["p50"] / T, s["p99"] / T, law(room, I, rho, 0.50), law(room, I, rho, 0.99)


def main() -> None:
    print("| mean prompt / room | rho | TTFT p50 steps: sim / law | TTFT p99 steps: sim / law |")
    print("|---|---|---|---|")
    for share, rhos in CELLS:
        for rho in rhos:
            s50, s99, l50, l99 = cell(share, rho)
            print(f"| {share:.2f} | {rho:.1f} | {s50:.2f} / {l50:.2f} ({l50 / s50 - 1:+.0%}) | "
                  f"{s99:.2f} / {l99:.2f} ({l99 / s99 - 1:+.0%}) |", flush=True)


if __name__ == "__main__":
    main()
