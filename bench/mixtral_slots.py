"""The Mixtral 8x7B H100 SXM TTFT tail as a wait for an engine's KV rows (issue 11, TTFT; s20-mixtail).

    PYTHONPATH=. python3 bench/mixtral_slots.py            (~1 min: the percentiles' tail, validate twice)
    PYTHONPATH=. python3 bench/mixtral_slots.py --des      (and the DES of the v4.1 H100 SXM runs, ~15 min CPU)
    ... --des flat ...                                     (only the named engines of VARIANTS)

Part 1, the law against the runs' own percentiles (reference/mlperf_ttft_percentiles.csv): a new request that finds
its engine's c KV rows full waits first come first served for a row to free. With a requests in flight (Little's
law: the run's completed samples/s an engine x the mean output O x its TPOT mean), a life S = O TPOT and the rows
in flight a birth-death count of variance a / eps (eps = 1: the Poisson count of an M/G/infinity; eps < 1: an engine
whose step grows with its rows, `row_count_elasticity`), the Halfin-Whitt diffusion of the count gives
    P_w = 1 / (1 + beta Phi(beta) / phi(beta)),   beta = (c - a) sqrt(eps / a)
and, given a wait, an exponential of rate mu(c) - lambda = eps (c - a) / S (the full engine's departures over the
arrivals), so far in the tail P(TTFT > x) ~ P_w exp(-(x - b) / scale), scale = S / (eps (c - a)), b the wait-free
TTFT (taken as the run's p50). Two checks of the law, neither a fit to a model row: (i) the tail is exponential:
its scale is the same between p95 / p97, p97 / p99 and p99 / p99.9 (equal steps in ln(1 - q)); (ii) the scale and
P_w (from the p99: P_w = 0.01 exp((p99 - b) / scale)) together fix c and eps per run: eps = (S / (scale beta))^2 / a
with beta the Halfin-Whitt inverse of P_w, c = a + S / (eps scale); one c for the runs of one engine is the
mechanism, eps says whether the count is Poisson (1) or the birth-death count.

Part 2 (--des): bench/v41_dispatch_sim.py at each v4.1 8x / 4x H100 SXM Mixtral run's own inputs (bench/ttft_at_runs.py's
`des`: its rate, the dataset's prompts, the step scaled to its TPOT mean), with the engines pulling from the shared
queue as TensorRT-LLM's GptManager does (`pull_rows`, 896: NVIDIA's v5.0 H100 SXM Mixtral Server gpu_batch_size,
compiler/validate.py ENGINE_BATCH; v4.1's is not in the stored copy [U]) against the rows the model's KV cache holds
(698, validate's solved column) and 708 (the median c of part 1, a sensitivity, not given to the model), and
"flat": each engine its own Poisson share and its own 698 rows with the step's prompt-token term taken out (kappa
0, the step scaled to the run's TPOT mean alone), a step that does not lengthen with a burst of arrivals.
"""
from __future__ import annotations

import csv
import math
import statistics as st
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler.models.inference import _normal_tail  # noqa: E402

PERCENTILES = ROOT / "reference" / "mlperf_ttft_percentiles.csv"
OUTPUTS = {"mixtral-8x7b": 144.84, "llama2-70b-99": 294.45, "llama2-70b-99.9": 294.45}   # validate's SERVING means


def p_wait(beta: float) -> float:
    """Halfin-Whitt's chance to wait at beta = (c - a) / the count's standard deviation."""
    if beta >= 30:
        return 0.0
    ratio = beta * (1 - _normal_tail(beta)) * math.sqrt(2 * math.pi) * math.exp(beta * beta / 2)
    return 1 / (1 + ratio)


def beta_for(p: float) -> float:
    """The beta whose Halfin-Whitt chance to wait is p (bisection: P_w falls with beta)."""
    lo, hi = 0.0, 30.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if p_wait(mid) > p else (lo, mid)
    return (lo + hi) / 2


def tail(run: dict) -> dict:
    """Part 1's figures of one run (times in s)."""
    q = {k: float(run[f"ttft_{k}_ms"]) / 1e3 for k in ("p50", "p95", "p97", "p99", "p99.9")}
    n = float(run["num_accelerators"])
    out = OUTPUTS.get(run["benchmark"], math.nan)
    lam, tpot = float(run["completed_samples_per_s"]) / n, float(run["tpot_mean_ms"]) / 1e3
    a, life = lam * out * tpot, out * tpot
    scales = ((q["p97"] - q["p95"]) / math.log(5 / 3), (q["p99"] - q["p97"]) / math.log(3),
              (q["p99.9"] - q["p99"]) / math.log(10))
    scale = scales[2]
    pw = min(0.01 * math.exp((q["p99"] - q["p50"]) / scale), 0.99)
    beta = beta_for(pw)
    eps = (life / (scale * beta)) ** 2 / a
    return {"a": a, "life": life, "scales": scales, "pw": pw, "eps": eps, "c": a + life / (eps * scale),
            "c1": a + life / scale, "pw1": p_wait(life / scale / math.sqrt(a)), "q": q}


def part1() -> list:
    runs = [r for r in csv.DictReader(open(PERCENTILES)) if "mixtral" in r["benchmark"]
            and "H100-SXM" in r["accelerator"]]
    print("Mixtral 8x7B on H100 SXM: the TTFT tail against a wait for an engine's KV rows (times ms)")
    print(f"{'run':44s} {'a':>5s} {'TPOT':>6s} {'p50':>5s} {'p99':>5s} {'p99.9':>6s} | scale 95-97 97-99 99-99.9 "
          f"| P_w   eps   c    | c at eps 1, its P_w")
    for r in runs:
        t = tail(r)
        q = t["q"]
        print(f"{r['round'][-4:]} {r['system'][:39]:39s} {t['a']:5.0f} {float(r['tpot_mean_ms']):6.1f} "
              f"{1e3 * q['p50']:5.0f} {1e3 * q['p99']:5.0f} {1e3 * q['p99.9']:6.0f} |       "
              + " ".join(f"{1e3 * s:5.0f}" for s in t["scales"])
              + f"   | {t['pw']:.3f} {t['eps']:5.2f} {t['c']:5.0f} | {t['c1']:5.0f} {t['pw1']:.3f}")
    return runs


# part 2's engines: (dispatch, pull_rows, KV rows, the prompt token's time over the model's, label); `--des NAME...`
# picks some. "flat" runs each engine its own Poisson share ("own"): with a step of one fixed length the shared
# queue's engines keep their phases, so the engine after the longest gap pulls the most, forever (a DES artifact:
# 8 engines at 348 samples/s, 100.7 ms, pulled to 896, reach p50 4.0 s; "own" 0.15 s)
VARIANTS = {"pooled": (None, None, 698, 1.0, "pooled, 698"), "pulled": (None, 896, 698, 1.0, "pulled, 698"),
            "pulled708": (None, 896, 708, 1.0, "pulled, 708"), "flat": ("own", None, 698, 0.0, "own, 698, flat")}


def part2() -> None:
    from bench import ttft_at_runs as T
    args, sys.argv[1:] = sys.argv[1:], []            # collect() reads its own flags from the command line
    runs, _ = T.collect()
    sys.argv[1:] = args
    sel = [r for r in runs if "engine" in r and "inference-v4.1 mixtral-8x7b" in r["label"]
           and "H100-SXM" in r["label"] and not r.get("skip")]
    print("\nDES at each v4.1 H100 SXM Mixtral run's own inputs (seed 1 and 2 mean; ms): p50 / p99 (p99 / p50)")
    only = [VARIANTS[a] for a in sys.argv[1:] if a in VARIANTS] or list(VARIANTS.values())
    print(f"{'run':52s} {'measured':>18s} " + " ".join(f"{v[4]:>18s}" for v in only))
    for run in sel:
        m = run["m"]
        rate, t_meas = float(m["completed_samples_per_s"]), float(m["tpot_mean_ms"]) / 1e3
        cells = [(float(m["ttft_p50_ms"]) / 1e3, float(m["ttft_p99_ms"]) / 1e3)]
        for policy, pull, rows, prompt_term, _ in only:
            e = dict(run["engine"], pull_rows=pull, max_rows=rows, policy=policy or run["engine"]["policy"])
            sim = T.des(e, rate, run["parts"][1], run["parts"][2] * prompt_term, t_meas)
            cells.append((sim["p50"], sim["p99"]))
            print(f"    ({m['system'][:30]}: pull {pull}, rows {rows}: s {sim['s']:.3f}, seeds' p99 "
                  f"{sim['spread99']:+.1%})", file=sys.stderr, flush=True)
        print(f"{m['system'][:40]:40s} x{m['num_accelerators']:>2s} TPOT {t_meas * 1e3:5.1f} "
              + " ".join(f"{1e3 * p50:5.0f} / {1e3 * p99:5.0f} ({p99 / p50:4.1f})" for p50, p99 in cells), flush=True)


if __name__ == "__main__":
    part1()
    if "--des" in sys.argv:
        part2()
