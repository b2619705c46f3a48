"""The model's decode step per row in flight at the Server capacity point, term by term, against the runs and physics.

    PYTHONPATH=. python3 bench/step_slope.py            (~5 s CPU: validate once, the search's grid kept)
    PYTHONPATH=. python3 bench/step_slope.py --with NAME (any of validate's MECHANISMS, as `validate --with`)

For every TPOT mean row of a Server / Interactive run (reference/mlperf_ttft_percentiles.csv gives its completed
queries/s and TPOT mean) this prints, at the layout the model picks for the row's validate block:

- b_run: the run's rows in flight an engine by Little's law, b = queries/s x mean output tokens / engines x TPOT
  mean (engines = accelerators / (tp pp)); b_model: the capacity point's batch (the search's chosen column, as
  bench/capacity_binding.py `binding` picks it);
- t(b_run) / TPOT mean - 1: the model's mean step `t_iter` at the run's own rows (the grid's columns at that layout
  interpolated in ln b), i.e. the step's error with the operating point taken out; and b_model / b_run, the
  operating point's;
- the model's step per row dt/db at the capacity point, split into its terms (`decode_*_time` of the grid's two
  columns around b_model: GEMM (compute at the clock, its shadowed weight read included), KV read, the per-row
  overhead `seq_overhead`, attention, the rest), beside the physics floor of the per-row work: each row carries
  1 + I / O tokens a step (its decode token and its share of the prompt chunks), 2 A FLOPs each at the FP8
  microbenchmark's best large-M rate at the full clock (reference/h100_microbench.md, H100 SXM, 2026-11-27: 1,418
  TFLOP/s at 8,192^3, 72% of the 1,979 dense peak), and its KV read (the mean context I + O / 2 at the KV bytes a
  token) at 0.91 of the HBM peak (the microbenchmark's read-only rate). The floor needs the full clock under dense
  FP8 GEMM load, which no power-capped Hopper board sustains (the same file: 1,350 of 1,980 MHz at 700 W under
  bf16 GEMM), so a measured slope below it is not a property of one engine's step.

A measurement harness, not the product: validate's numbers are unchanged. docs/accuracy.md "The Server step's slope
per row" (s14-slope) has the tables this prints and what they say.
"""
from __future__ import annotations

import csv
import statistics as st
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import capacity_binding as CB  # noqa: E402
from compiler import validate as V  # noqa: E402

TERMS = ("gemm", "weights", "kv", "overhead", "attention", "context_attention", "elementwise", "tp", "pp", "moe")
FP8_BEST = 1418e12          # TFLOP/s: fp8 8,192^3 at the full clock, reference/h100_microbench.md
FP8_PEAK = 1979e12          # H100 / H200 dense FP8 peak (the same file)
HBM_READ = 0.91             # read-only reduction, 3.05 of 3.35 TB/s (the same file)


def serving(benchmark: str):
    """validate's SERVING entry of a percentiles row's benchmark (llama2-70b-99.9 -> llama2-70b, ...)."""
    b = benchmark.lower().replace("-interactive", "")
    for key in sorted(V.SERVING, key=len, reverse=True):
        if b.startswith(key):
            return V.SERVING[key]
    return None


def column(g: dict, sel: np.ndarray, b: float) -> dict | None:
    """The grid's columns `sel` (one layout) interpolated in ln B to b rows (None: outside its batches)."""
    B = g["batch"][sel]
    if b > B.max() * (1 + 1e-9) or b < B.min():
        return None
    order = np.argsort(B)
    keys = ["t_iter", "clock_fraction", "layer_latency_time"] + [f"decode_{t}_time" for t in TERMS]
    return {k: float(np.interp(np.log(b), np.log(B[order]), g[k][sel][order])) for k in keys}


def slope(g: dict, sel: np.ndarray, i: int) -> dict:
    """dt/db of each term between the chosen column i and the next smaller batch of its layout (s a row)."""
    B = g["batch"]
    lower = np.where(sel & (B < B[i] - 0.5), B, -np.inf)
    j = int(np.argmax(lower))
    if not np.isfinite(lower[j]):
        return {}
    db = B[i] - B[j]
    out = {t: (g[f"decode_{t}_time"][i] - g[f"decode_{t}_time"][j]) / db for t in TERMS}
    out["step"] = (g["t_iter"][i] - g["t_iter"][j]) / db
    return out


LLAMA2_70B_PARAMS = 68.98e9   # Llama 2 70B's parameters (stdlib/models.factory Llama2_70B)


def gemm_floor(params: float, I: float, O: float) -> float:
    """s a row a step of one GPU's GEMMs (tp 1): (1 + I / O) tokens of 2 A FLOPs at FP8_BEST, the best FP8 rate
    measured at the full clock (Hopper; an engine of tp GPUs: / tp)."""
    return (1 + I / O) * 2 * params / FP8_BEST


def kv_floor(kv_token: float, I: float, O: float, bandwidth: float) -> float:
    """s a row a step of reading its KV: the mean context I + O / 2 at kv_token bytes, at HBM_READ of `bandwidth`."""
    return (I + O / 2) * kv_token / (bandwidth * HBM_READ)


def runs():
    measured = {m["source"]: m for m in csv.DictReader(open(CB.PERCENTILES))}
    rows, kept = CB.capture()
    out = []
    for r in rows:
        if r.category != "TPOT mean" or not np.isfinite(r.predicted):
            continue
        d = r.data
        m = measured.get(d["source"].split(" ")[0])
        q = kept.get(f"validation.{r.block}")
        sv = serving(d["benchmark"])
        if m is None or q is None or sv is None:
            continue
        shape = np.broadcast_shapes(*(np.shape(v) for v in q.values()))
        g = {k: np.broadcast_to(v, shape)[0] for k, v in q.items()}
        limit_ttft, limit_tpot = float(m["ttft_limit_ms"]) / 1e3, float(m["tpot_limit_ms"]) / 1e3
        pick = CB.binding(q, limit_tpot, limit_ttft)
        i = int(np.argmax((g["batch"] == pick["B"]) & (g["tp"] == pick["tp"]) & (g["pp"] == pick["pp"])
                          & (g["t_iter"] == pick["t_iter"])))
        tp, pp, dd = g["tp"][i], g["pp"][i], max(g["ep_ranks"][i], 1.0)
        sel = (g["tp"] == tp) & (g["pp"] == pp) & (g["ep_ranks"] == g["ep_ranks"][i]) & g["fits"]
        n = float(d["num_accelerators"])
        t_run = float(m["tpot_mean_ms"]) / 1e3
        b_run = float(m["completed_samples_per_s"]) * sv.output_tokens / (n / (tp * pp * dd)) * t_run / dd
        at = column(g, sel, b_run)
        out.append({"line": r.line, "round": d["round"], "bench": d["benchmark"], "chip": d["accelerator"],
                    "system": m["system"], "n": n, "tp": tp, "pp": pp, "b_run": b_run, "b_model": g["batch"][i],
                    "t_run": t_run, "t_model": g["t_iter"][i], "at_run": at, "slope": slope(g, sel, i),
                    "clock": g["clock_fraction"][i], "error": r.error, "I": sv.input_tokens, "O": sv.output_tokens,
                    "kv_token": g["kv_per_token"][i], "group": _group(d)})
    return out


def _group(d: dict) -> str:
    nvidia = d["system"].startswith("NVIDIA") or "TRT" in d["system"]
    core = (d["round"] == "inference-v5.0" and nvidia and d["benchmark"].startswith("llama2-70b")
            and any(c in d["accelerator"] for c in ("H200-SXM", "H100-SXM", "B200")))
    return "v5.0 TensorRT Llama 2 70B SXM" if core else "the rest"


def fit_line(b, t):
    """Least squares t = a + c b: (c, its standard error, a); the error needs 3 or more runs (else nan)."""
    b, t = np.asarray(b, float), np.asarray(t, float)
    bm, tm = b.mean(), t.mean()
    sxx = float(((b - bm) ** 2).sum())
    c = float(((b - bm) * (t - tm)).sum()) / sxx
    a = tm - c * bm
    dof = len(b) - 2
    se = float(np.sqrt(((t - a - c * b) ** 2).sum() / dof / sxx)) if dof > 0 else float("nan")
    return c, se, a


def slopes(points) -> None:
    """Across the runs of one round, benchmark, chip and count (one TPOT mean row a run): the runs' t against b
    by least squares, beside the model's dt/db at its capacity point (the same layout for every run of a group)."""
    by = defaultdict(dict)
    for p in points:
        key = (p["round"][-4:], p["bench"].replace("-99.9", "-99"), p["chip"], int(p["n"]))
        by[key][p["system"]] = p
    print("\nacross runs (>= 3 systems): runs' slope c +- s.e. (intercept a) against the model's dt/db; ms a row")
    for key, sys_ in sorted(by.items()):
        ps = list(sys_.values())
        if len(ps) < 3 or not ps[0]["slope"]:
            continue
        c, se, a = fit_line([p["b_run"] for p in ps], [p["t_run"] for p in ps])
        s = ps[0]["slope"]
        hopper = key[1].startswith("llama2-70b") and ("H100" in key[2] or "H200" in key[2])
        gemm = gemm_floor(LLAMA2_70B_PARAMS, ps[0]["I"], ps[0]["O"]) / ps[0]["tp"] if hopper else np.nan
        print(f"  {key[0]} {key[1][:24]:24s} {key[2][:24]:24s} x{key[3]} tp{ps[0]['tp']:.0f}: {len(ps):2d} runs, "
              f"b {min(p['b_run'] for p in ps):5.0f}-{max(p['b_run'] for p in ps):5.0f}: runs {c * 1e3:.3f} +- "
              f"{se * 1e3:.3f} (a {a * 1e3:5.1f} ms); model {s['step'] * 1e3:.3f} (gemm {s['gemm'] * 1e3:.3f}, kv "
              f"{s['kv'] * 1e3:.3f}, overhead {s['overhead'] * 1e3:.3f}; clock {ps[0]['clock']:.2f}); "
              f"FP8 GEMM floor at the full clock {gemm * 1e3:.3f}"
              + (f"; the model's GEMM a row is {gemm / s['gemm'] * FP8_BEST / FP8_PEAK / ps[0]['clock']:.2f} of the "
                 f"FP8 peak at the full clock" if hopper else ""))


def main() -> None:
    points = runs()
    print("line  round  bench  chip x n  tp pp | b_run  b_model  ratio | TPOT run  model@b_run (err) | "
          "model dt/db ms a row [terms]")
    for p in points:
        s = p["slope"]
        at = p["at_run"]
        err = f"{at['t_iter'] * 1e3:6.1f} ({at['t_iter'] / p['t_run'] - 1:+6.1%})" if at else "   beyond the grid"
        terms = " ".join(f"{t[:4]} {s[t] * 1e3:.3f}" for t in ("gemm", "kv", "overhead", "attention")) if s else ""
        print(f"{p['line']:5d} {p['round'][-4:]} {p['bench'][:18]:18s} {p['chip'][:22]:22s} x{p['n']:<3.0f} "
              f"{p['tp']:.0f} {p['pp']:.0f} | {p['b_run']:6.0f} {p['b_model']:6.0f} {p['b_model'] / p['b_run']:5.2f} "
              f"| {p['t_run'] * 1e3:6.1f} {err} | {s.get('step', np.nan) * 1e3:.3f} [{terms}]")
    by = defaultdict(list)
    for p in points:
        by[p["group"]].append(p)
    for name, ps in by.items():
        ratio = [p["b_model"] / p["b_run"] for p in ps]
        step = [p["at_run"]["t_iter"] / p["t_run"] - 1 for p in ps if p["at_run"]]
        err = [p["error"] for p in ps]
        print(f"\n{name}: {len(ps)} TPOT mean rows; TPOT mean error median {st.median(err):+.1%}; rows b_model / "
              f"b_run median {st.median(ratio):.3f}; the model's step at the run's rows / TPOT mean - 1 median "
              f"{st.median(step):+.1%} over {len(step)} rows")
    slopes(points)


if __name__ == "__main__":
    main()
