"""NVIDIA's v5.0 H200 Interactive engine on the knee-idle step with a cheaper prompt token (issue 11, TTFT p99).

    PYTHONPATH=. python3 bench/interactive_kappa_sim.py 1.0 0.75 0.5      (~45 s CPU: fixed seeds 1-2)

A measurement aid, not the product's model. bench/interactive_dispatch_sim.py's "knee idle" engine (tp 1, 256
tokens, 8 engines, the model's step under `knee_power_hopper`: t = t0 + beta b + kappa P, scaled to the runs' 33.7 ms
TPOT mean) at the runs' load (66.5 requests/s), with the prompt token's time kappa x f (each argument f) and the
decode step's t0 raised by (1 - f) kappa x the prompt tokens a mean step carries (62.3), so the mean step stays the
runs' TPOT mean: the step's split between its decode rows and its prompt tokens, the mean held. Two budgets each: 256
tokens with TensorRT-LLM's chunk rounding (`chunk_unit` 32: a non-final chunk whole KV blocks, s20-h200int) and 240
unrounded (the model's room rule, budget less (u - 1) / 2); dispatch least busy (llmlib's) and own streams.
Printed: TPOT mean, TTFT p50 / p99 (ms, mean of seeds 1-2), against the runs' median 98 / 363 ms (the ten 8x
H200-SXM Interactive runs, reference/mlperf_ttft_percentiles.csv). docs/accuracy.md "The H200 Interactive first
token's p99 under the knee's draw" (s24-ieknee) has the table and what it says.
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import interactive_dispatch_sim as D  # noqa: E402
from bench.v41_dispatch_sim import simulate  # noqa: E402


def main(factors: list[float]) -> None:
    engines, _, rows, law = D.layouts()["NVIDIA tp 1, 256 tokens, 8 engines, knee idle"]
    t0, beta, kappa, _ = law
    per_step = D.RATE / engines * 222.33 * D.TPOT_MEAN          # prompt tokens an engine's mean step carries
    print(f"t0 {t0 * 1e3:.2f} ms, beta {beta * 1e3:.4f} ms a row, kappa {kappa * 1e3:.4f} ms a token, "
          f"{per_step:.1f} prompt tokens a mean step")
    print("| kappa x | budget | chunk unit | dispatch | TPOT mean ms | TTFT p50 ms | TTFT p99 ms |")
    print("|---|---|---|---|---|---|---|")
    for f in factors:
        k = kappa * f
        t0_f = t0 + (kappa - k) * per_step                        # the mean step unchanged
        for unit, budget in ((32, 256), (1, 240)):
            for policy in ("least", "own"):
                out = [simulate(policy, engines, D.RATE, 600.0, seed=seed, kappa=k, t0=t0_f,
                                step_target=beta * 615.0 + t0_f + k * 465.0, budget=budget, max_rows=rows,
                                chunked=True, chunk_unit=unit) for seed in (1, 2)]
                mean = {q: statistics.mean(o[q] for o in out) * 1e3 for q in ("tpot_mean", "p50", "p99")}
                print(f"| {f:.2f} | {budget} | {unit} | {policy} | {mean['tpot_mean']:.1f} | {mean['p50']:.1f} | "
                      f"{mean['p99']:.1f} |", flush=True)


if __name__ == "__main__":
    main([float(a) for a in sys.argv[1:]] or [1.0, 0.75, 0.5])
