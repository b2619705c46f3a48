"""The v5.0 H200 Llama 2 70B Interactive TTFT: NVIDIA's engines and dispatch against the model's layout (issue 11).

    PYTHONPATH=. python3 bench/interactive_dispatch_sim.py        (~45 s CPU; fixed seeds, the same table every run)
    PYTHONPATH=. python3 bench/interactive_dispatch_sim.py --rounding     (~30 s: the chunk rounding's table)

A measurement aid, not the product's model. bench/v41_dispatch_sim.py's discrete-event sketch (`simulate`, chunked
context: the budget's rest after the decode rows goes to prompt chunks first come first served, a first token at the
end of the step carrying the prompt's last chunk; Poisson arrivals, OpenOrca's prompts (gamma, mean 222.33, cv
0.771, at most 1,021) and outputs (gamma, mean 294.45, cv 0.59)) run at the engines of the v5.0 8x H200 Interactive
runs and at the model's own layout for them:

- NVIDIA's engine: tp 1 pp 1, `max_num_tokens` 256, `gpu_batch_size` 512, one engine a GPU, 8 engines
  (ntuhpc/mlperf_inference_results_v5.0 closed/Cisco/configs/llama2-70b-interactive/Server/__init__.py, classes
  HopperServerGPUBaseConfig and H200_SXM_141GBx1, at cf354115, read 2026-12-06 [P]); the model's search picks tp 2
  (4 replicas of a 512-token budget, validate's line 576 block: B 180 on the grid, 164 solved at f 0.94).
- Step law t = t0 + beta b + kappa P (b decode rows, P prompt tokens): the model's own step at each layout
  (validate's H200 Interactive block, `capacity_knife`-style probe: tp 1 t_decode 27.02 ms at 60 rows and 27.23 ms
  at 61.3, kappa 0.121 ms; tp 2 28.09 ms at 180 and 26.58 ms at 164.5, kappa 0.0645 ms), each scaled so that the
  mean step at the measured load is the runs' TPOT mean, 33.7 ms (tp 1 x 0.887: the model's tp 1 step is ~11% slow
  at NVIDIA's engine; tp 2 x 0.974). A third row runs NVIDIA's engine on the step with the GEMM knee idle in the
  clock law (`knee_power_hopper`, s15-knee: t_decode 25.68 / 25.99 ms at 79.5 / 85.5 rows, kappa 0.114 ms, x 1.024);
  its least-busy / independent p99 ratio sets LEAST_DISPATCH_WAIT_SHARE_KNEE_IDLE (compiler/validate.py).
- Dispatch: `own` (each engine its own Poisson stream: the model's prompt queue), `least` (each request to the
  engine with the fewest requests in flight, queued or decoding: v5.0 llmlib `load_balancing`, compiler/validate.py
  DISPATCH_WAITS' "least" [P]), `shared` (one queue every engine drains at its step starts).

Printed: TTFT p50 / p99 (ms, requests issued after the first 60 s of 600 s, mean of seeds 1-2) and the TPOT mean
at load shares of the runs' 66.5 requests/s, against the median of the ten 8x H200-SXM Interactive runs of
reference/mlperf_ttft_percentiles.csv. docs/accuracy.md "The H200 Interactive TTFT gap" has the table and what it
says.

`--rounding` (s20-h200int): the runs' load (share 1) at the two layouts (not the knee-idle row) with TensorRT-LLM's
chunk rounding (`simulate(chunk_unit=32)`: a non-final chunk whole KV blocks of 32 tokens) against the budget
unrounded and the budget less 16 tokens unrounded (what the model's room takes off: pp (u - 1) / 2, 15.5, at pp 1),
least busy, and the three dispatches at the rounded budget. docs/accuracy.md "The Interactive chunk rounding and
the bulk prompt queue, in the simulation".
"""
from __future__ import annotations

import csv
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.v41_dispatch_sim import simulate  # noqa: E402

RATE = 66.5                       # requests/s of the 8x H200-SXM Interactive runs (completed samples/s, median)
TPOT_MEAN = 0.0337                # their TPOT mean, s
ROWS_A_GPU = 82.0                 # rows in flight a GPU at that load: 19,424 tok/s x 33.7 ms / 8 (Little's law)


def _law(t_lo: float, b_lo: float, t_hi: float, b_hi: float, kappa: float, rows: float, prompts: float):
    """(t0, beta, kappa) of the model's step from two of its decode steps and its prompt token's time, scaled so the
    mean step at `rows` decode rows and `prompts` prompt tokens a step is TPOT_MEAN."""
    beta = (t_hi - t_lo) / (b_hi - b_lo)
    t0 = t_lo - beta * b_lo
    scale = TPOT_MEAN / (t0 + beta * rows + kappa * prompts)
    return t0 * scale, beta * scale, kappa * scale, scale


def layouts() -> dict:
    per_step = RATE / 8 * 222.33 * TPOT_MEAN            # prompt tokens a GPU's engine takes a mean step
    return {"NVIDIA tp 1, 256 tokens, 8 engines": (8, 256, 512, _law(0.027025, 60.0, 0.027231, 61.317, 0.121e-3,
                                                                      ROWS_A_GPU, per_step)),
            # the same engine on the step with the GEMM knee idle in the clock law (validate `--with
            # knee_power_hopper`, s15-knee): tp 1 t_decode 25.68 ms at 79.54 rows and 25.99 ms at 85.49 (the
            # continuous rule's points at f 0.88 / 0.94), kappa 0.1121 / 0.1157 ms (their mean)
            "NVIDIA tp 1, 256 tokens, 8 engines, knee idle": (8, 256, 512, _law(0.0256818, 79.539, 0.0259902, 85.490,
                                                                               0.1139e-3, ROWS_A_GPU, per_step)),
            "model tp 2, 512 tokens, 4 engines": (4, 512, 1024, _law(0.026576, 164.461, 0.028092, 180.0, 0.0645e-3,
                                                                     2 * ROWS_A_GPU, 2 * per_step))}


def measured() -> tuple[float, float, float]:
    rows = [r for r in csv.DictReader(open(ROOT / "reference" / "mlperf_ttft_percentiles.csv"))
            if "interactive" in r["benchmark"] and r["accelerator"].startswith("NVIDIA H200-SXM")]
    return tuple(statistics.median(float(r[k]) for r in rows) for k in ("ttft_p50_ms", "ttft_p99_ms", "tpot_mean_ms"))


def run(engines: int, budget: int, rows: int, law, policy: str, share: float,
        unit: int = 1) -> tuple[float, float, float]:
    t0, beta, kappa, _ = law
    target = beta * 615.0 + t0 + kappa * 465.0          # simulate()'s beta = (target - t0 - 465 kappa) / 615
    out = [simulate(policy, engines, RATE * share, 600.0, seed=seed, kappa=kappa, t0=t0, step_target=target,
                    budget=budget, max_rows=rows, chunked=True, chunk_unit=unit) for seed in (1, 2)]
    return tuple(statistics.mean(s[k] for s in out) * 1e3 for k in ("p50", "p99", "tpot_mean"))


def rounding() -> None:
    """The `--rounding` table (module docstring)."""
    print("| layout | dispatch | budget | chunk unit | TPOT mean ms | TTFT p50 ms | TTFT p99 ms |")
    print("|---|---|---|---|---|---|---|")
    for name, (engines, budget, rows, law) in layouts().items():
        if "knee" in name:
            continue
        cases = (("least", budget, 1), ("least", budget, 32), ("least", budget - 16, 1), ("own", budget, 32),
                 ("shared", budget, 32))
        for policy, tokens, unit in cases:
            s50, s99, st = run(engines, tokens, rows, law, policy, 1.0, unit)
            print(f"| {name} | {policy} | {tokens} | {unit} | {st:.1f} | {s50:.1f} | {s99:.1f} |")


def main() -> None:
    p50, p99, tpot = measured()
    print(f"measured (median of the 8x H200-SXM Interactive runs): TTFT p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"TPOT mean {tpot:.2f} ms at {RATE} requests/s")
    print("| layout | dispatch | load share | TPOT mean ms | TTFT p50 ms | TTFT p99 ms |")
    print("|---|---|---|---|---|---|")
    for name, (engines, budget, rows, law) in layouts().items():
        cases = (("own", (0.3, 0.7, 0.9, 1.0)), ("least", (0.3, 0.7, 0.9, 1.0)), ("shared", (1.0,)))
        for policy, shares in cases:
            if engines == 4 and policy == "shared":
                continue
            for share in shares:
                s50, s99, st = run(engines, budget, rows, law, policy, share)
                print(f"| {name} (step x {law[3]:.3f}) | {policy} | {share:.2f} | {st:.1f} | {s50:.1f} | {s99:.1f} |")


if __name__ == "__main__":
    rounding() if "--rounding" in sys.argv else main()
