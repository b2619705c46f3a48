"""The 8x / 1x B200 Llama 2 70B Server TTFT tail taken apart at the runs' own inputs (issue 11, TTFT p99).

    PYTHONPATH=. python3 bench/b200_tail_parts.py [--variants A,B,..] [--only SYSTEM]   (~10-25 min on 2 cores)

A measurement aid, not the product's model: validate's numbers are unchanged. docs/accuracy.md "The B200 Llama 2
70B Server tail at the runs' own inputs" (s23-b200tail) has the tables and what they say.

For each v5.0 B200 Llama 2 70B Server run (and v4.1's 1x) with a LoadGen summary in
reference/mlperf_ttft_percentiles.csv, the measured TTFT p50 / p90 / p99 / p99.9 and their shape are put beside
bench/v41_dispatch_sim.py's engines at the run's own measured inputs (bench/ttft_at_runs.py `des`: the run's
completed samples/s, its TPOT mean by the step scale s, the model's own engines, budget, t0 and kappa of validate's
row), under one change at a time (VARIANTS):

- ref:    as bench/ttft_at_runs.py simulates it (the reference's 294.45-token answers, the harness's dispatch, a step
          whatever its rows);
- ans:    the FP4 engine's own answers (273.0 tokens, ENGINE_OUTPUT_TOKENS: the runs' accuracy logs), so the rows in
          flight are the runs' own by Little's law (1,848 a GPU on NVIDIA's 8x run, not 1,996);
- own:    ans, every engine its own Poisson stream (no least-busy dispatch: the queue the law assumes);
- kv100 / kv105 / kv110: ans, each engine's KV pool in tokens 1.00 / 1.05 / 1.10 x the model's own (its KV rows at
          I + O / 2 a row, O the reference's: 2,105 x 369.5 = 778k tokens a B200; Latency v9's reading of NVIDIA's
          config, 0.95 x (180 - 38.8 GB) at 163,840 bytes a token, is 818k = 1.05 x), a new prompt admitted only
          while the pool holds it (`kv_tokens`, MAX_UTILIZATION's stop at a context that does not fit);
- tok:    ans, the step's every cost in proportion to the tokens it carries (t = s k (rows + P), k = t0 / rows): the
          most a burst of prompts can lengthen a step, t_full / t_mean = (rows + room) / (rows + P) (1.07 on NVIDIA's
          8x run against the model's 1.05, Latency v9's bound);
- jit30 / jit60: ans, each step's length times an independent gamma factor of mean 1 and cv 0.3 / 0.6 (`step_cv`:
          a per-step time spread the step law lacks).

Printed per run and variant: TTFT p50 / p90 / p99 / p99.9 (ms), p99 / p50, the tail's scale (p99 - p90) / ln 10 in
mean steps (TPOT mean), the rows an engine by Little's law, the KV pool's mean fill and the share of steps whose
admission it stopped. Beside them the model's law at the same inputs (bench/ttft_at_runs.py `law_at`, own-stream)
for ref and ans.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ttft_at_runs as TA  # noqa: E402
from compiler import validate as V  # noqa: E402

ANSWERS = V.ENGINE_OUTPUT_TOKENS[("Llama2_70B", "Blackwell FP4")]      # 273.0: the runs' own answers [P]
VARIANTS = {"ref": {}, "ans": {"answers": True}, "own": {"answers": True, "policy": "own"},
            "kv100": {"answers": True, "kv": 1.00}, "kv105": {"answers": True, "kv": 1.05},
            "kv110": {"answers": True, "kv": 1.10}, "tok": {"answers": True, "tokens": True},
            "jit30": {"answers": True, "step_cv": 0.3}, "jit60": {"answers": True, "step_cv": 0.6}}


def b200_runs(runs: list) -> list:
    """The B200 Llama 2 70B Server runs the DES simulates (Interactive and Mixtral left out)."""
    return [r for r in runs if "engine" in r and not r.get("skip") and "B200" in r["label"]
            and "llama2-70b-99" in r["label"] and "interactive" not in r["label"]]


def shape(ttft: dict, t_mean: float) -> str:
    """p50 / p90 / p99 / p99.9 in ms, p99 / p50, the exponential tail's scale (p99 - p90) / ln 10 in mean steps."""
    tau = (ttft["p99"] - ttft["p90"]) / math.log(10) / t_mean
    return (f"{ttft['p50'] * 1e3:.0f} / {ttft['p90'] * 1e3:.0f} / {ttft['p99'] * 1e3:.0f} / "
            f"{ttft['p999'] * 1e3:.0f} | {ttft['p99'] / ttft['p50']:.2f} | {tau:.2f}")


def variant(run: dict, name: str) -> dict:
    """The DES at the run's inputs under VARIANTS[name]."""
    v, e = VARIANTS[name], dict(run["engine"])
    m, p, col = run["m"], run["parts"], run["col"]
    pool = col["max_batch"] * (e["prompt"][0] + e["output"][0] / 2)     # the model's own KV pool, at its own rows
    if v.get("answers"):
        e["output"] = (ANSWERS, e["output"][1])
    if "policy" in v:
        e["policy"] = v["policy"]
    if "step_cv" in v:
        e["step_cv"] = v["step_cv"]
    if "kv" in v:
        e["kv_tokens"] = v["kv"] * pool
    rate, t_meas = float(m["completed_samples_per_s"]), float(m["tpot_mean_ms"]) / 1e3
    lam = rate / e["engines"]
    rows = lam * e["output"][0] * t_meas
    t0, kappa = p[1], p[2]
    if v.get("tokens"):             # every cost in proportion to the tokens a step: t0 = kappa' rows, kappa' = t0 / rows
        t0, kappa = p[1], p[1] / rows
    sim = TA.des(e, rate, t0, kappa, t_meas)
    cv = float(run["rows"][next(iter(run["rows"]))].lets.get("prompt_length_cv", e["prompt"][1]))
    p = list(p)
    p[1], p[2] = t0, kappa          # the law at the variant's step (tok: its kappa')
    law = {q: TA.law_at(p, sim["s"], t_meas, lam, rows, e["budget"], e["prompt"][0], cv, q) for q in (0.50, 0.99)}
    return {"sim": sim, "rows": rows, "law": law, "pool": e.get("kv_tokens")}


def main() -> None:
    args = sys.argv[1:]
    names = next((a.split(",") for i, a in enumerate(args) if i and args[i - 1] == "--variants"), list(VARIANTS))
    only = [a for i, a in enumerate(args) if i and args[i - 1] == "--only"]     # a run's system holds one of them
    runs, _ = TA.collect()
    print("| run | variant | rows an engine | TTFT ms p50 / p90 / p99 / p99.9 | p99 / p50 | tail scale (steps) | "
          "law p50 / p99 ms | KV pool (k tokens), mean fill, steps stopped |")
    print("|---|---|---|---|---|---|---|---|")
    for run in sorted(b200_runs(runs), key=lambda x: x["label"]):
        m = run["m"]
        if only and not any(o in m["system"] for o in only):
            continue
        t_meas = float(m["tpot_mean_ms"]) / 1e3
        meas = {k: float(m[f"ttft_{q}_ms"]) / 1e3 for k, q in (("p50", "p50"), ("p90", "p90"), ("p99", "p99"),
                                                                ("p999", "p99.9"))}
        label = f"{run['label'][:60]} ({m['system'][:24]})"
        print(f"| {label} | measured | - | {shape(meas, t_meas)} | - | - |", flush=True)
        for name in names:
            x = variant(run, name)
            sim = x["sim"]
            seeds = {k: sim[k] for k in ("p50", "p99")}
            seeds.update(p90=sim["seeds"].get("p90", math.nan), p999=sim["seeds"].get("p999", math.nan))
            pool = (f"{x['pool'] / 1e3:.0f}, {sim['seeds']['kv_mean'] / x['pool']:.3f}, "
                    f"{sim['seeds']['kv_stopped']:.3f}" if x["pool"] else
                    f"- ({sim['seeds']['kv_mean'] / 1e3:.0f} held)")
            print(f"| | {name} | {x['rows']:.0f} | {shape(seeds, t_meas)} | "
                  f"{x['law'][0.50] * 1e3:.0f} / {x['law'][0.99] * 1e3:.0f} | {pool} |", flush=True)


if __name__ == "__main__":
    main()
