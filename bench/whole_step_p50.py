"""The whole-prompt engine's first token from its queue, against the simulation (issue 11, TTFT; s21-v41).

    PYTHONPATH=. python3 bench/whole_step_p50.py        (~2-4 min on the shared cores; fixed seeds, same table)

bench/v41_dispatch_sim.py's engines without chunked context (`simulate`, imported: each step takes the decode rows,
then whole waiting prompts first come first served up to the 4,096-token budget; a first token at the end of its
prompt's step), with the step t = t_decode + kappa P exactly (the simulation's per-row term set to 0, so the
decode step is the constant t_decode the laws read), OpenOrca's prompts and outputs as validate gives them, at
per-engine rates that put the mean step at ~0.6-1.3x the v4.1 H200 runs' (~170 ms), behind the two v4.1 harness
dispatches: each engine its own queue (k = 1; also the queue behind the least-busy engine, as the law takes it) and
one queue that k engines drain at their step starts (NVIDIA's v4.1 harness at tp x pp 1, k = 8 on the 8-GPU
systems). Beside the simulated TTFT p50 / p99 (seeds 1 and 2, their mean):

- whole-step law: compiler/models/inference/ `_whole_step_ttft` (`whole_step_engines` k) at the simulation's
  mean step and rows (the law's inputs: t_decode, kappa, room = budget - rows, I, cv, lam I, t_mean);
- budget law: `_budget_ttft` with the parts validate builds for a whole-prompt row (the rest of the step in flight
  t_mean / 2, the whole step's arrivals at their normal quantile, the own prompt and M/G/1 wait exponential at
  their mean), at the same inputs: what validate does today.

docs/accuracy.md "The whole-prompt engines' first token" (s21-v41) has the table and what it says.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.v41_dispatch_sim import simulate  # noqa: E402
from compiler.models import inference as M  # noqa: E402

T_DECODE, KAPPA = 0.117, 0.106e-3          # the model's v4.1 GH200 / H200 step: t_decode 117 ms, kappa 0.106 ms
PROMPT, OUTPUT = (222.33, 0.771, 1021), (294.45, 0.59)
BUDGET, MAX_ROWS = 4096, 2048
CASES = (("own", 1, 6.0), ("own", 1, 10.0), ("own", 1, 13.2), ("own", 1, 16.0),
         ("own", 8, 13.2), ("least", 8, 13.2), ("least", 4, 13.2),
         ("shared", 2, 13.2), ("shared", 4, 13.2), ("shared", 8, 6.0), ("shared", 8, 10.0), ("shared", 8, 13.2),
         ("shared", 8, 16.0))


def arr(x) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(1)


def laws(k: float, lam: float, t_mean: float, rows: float, q: float) -> tuple[float, float]:
    """(whole-step law, budget law) at quantile q for an engine at lam requests/s, mean step t_mean, rows rows."""
    I, cv = PROMPT[0], PROMPT[1]
    room = BUDGET - rows
    whole = M._whole_step_ttft(arr(T_DECODE), arr(KAPPA), arr(room), arr(I), arr(cv), arr(lam * I), arr(t_mean),
                               arr(k), q)
    t_full = T_DECODE + KAPPA * room
    service = I * t_full / room
    parts = (arr(0.5 * t_mean), arr(T_DECODE), arr(KAPPA), arr(room), arr(I), arr(min(t_mean / t_full, 1.0)),
             arr(PROMPT[2]), arr(0.0), arr(1.0))
    budget = M._budget_ttft(parts, arr(service), arr(lam * service), arr(cv), q)
    return float(whole[0]), float(budget[0])


def main() -> None:
    print("| dispatch | engines | lam an engine /s | mean step ms | rows | TTFT p50 ms: sim / whole-step law / "
          "budget law | TTFT p99 ms: sim / whole-step law / budget law |")
    print("|---|---|---|---|---|---|---|")
    for policy, engines, lam in CASES:
        runs = [simulate(policy, engines, lam * engines, 600.0, seed=seed, kappa=KAPPA, t0=T_DECODE,
                         step_target=T_DECODE + KAPPA * 465.0, budget=BUDGET, max_rows=MAX_ROWS, prompt=PROMPT,
                         output=OUTPUT) for seed in (1, 2)]
        sim = {key: sum(r[key] for r in runs) / 2 for key in ("p50", "p99", "tpot_mean")}
        # the simulation's mean step: its TPOT mean (a row decodes one token a step) and rows by Little's law
        t_mean = sim["tpot_mean"]
        rows = lam * OUTPUT[0] * t_mean
        k = engines if policy == "shared" else 1
        cells = []
        for q, name in ((0.50, "p50"), (0.99, "p99")):
            w, b = laws(k, lam, t_mean, rows, q)
            cells.append(f"{sim[name] * 1e3:.0f} / {w * 1e3:.0f} ({w / sim[name] - 1:+.1%}) / "
                         f"{b * 1e3:.0f} ({b / sim[name] - 1:+.1%})")
        print(f"| {policy} | {engines} | {lam:.1f} | {t_mean * 1e3:.0f} | {rows:.0f} | {cells[0]} | {cells[1]} |",
              flush=True)


if __name__ == "__main__":
    main()
