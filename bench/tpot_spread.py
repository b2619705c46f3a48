"""The per-request TPOT mean against the mean step, and the per-request spread, at every run's own inputs (issue 11,
TPOT mean; s21-spread, docs/accuracy.md "The per-request TPOT mean and the step mixture's spread").

    PYTHONPATH=. python3 bench/tpot_spread.py [--only TEXT] [--rows] [--output-cv X] [--row-share X] [--requests N]
                                                 [--samples PATH]

LoadGen's TPOT mean is over requests, each request's own (latency - TTFT) / (tokens - 1) (loadgen logging.cc /
results.cc, read by s10-tpot): the mean of a request's steps after its first token, every request counted once.
Two questions, answered with bench/ttft_at_runs.py's discrete-event engines (the model's engines, budget, rows,
chunking and the harness's dispatch; the step t = s (t0 + kappa P), t0 and kappa the model's at validate's point
for the row, s solved so the simulated per-request TPOT mean equals the run's measured one):

1. Is the per-request mean the mean step? Printed: the DES's steady per-request mean (requests issued after 60 s and
   at least three mean lives before the stream stops) / the mean step over the steps with decode rows in that
   window (count-weighted, what the model's t_iter is) and / the row-weighted mean step E[N t] / E[N]; and LoadGen's
   mean over every request from t = 0 (the ramp from an empty engine and the drain after the last issue included)
   over the same mean step.
2. Does the step mixture's budget fill (prompt chunks on some steps) with the dataset's output lengths give the
   runs' per-request spread? Printed: mean / p99 of the DES, of the run (reference/mlperf_ttft_percentiles.csv) and
   of the model (validate's TPOT mean / TPOT p99 rows at its capacity point).

`--requests N`: requests a simulated run at least (bench/ttft_at_runs.py REQUESTS, 20,000). `--row-share X`: the decode step's share X in proportion to its rows (bench/ttft_at_runs.py `des`; 0: none, the
simulated step a function of its prompt tokens alone). `--output-cv X` sets every request's output spread (0: every request lives the mean output); `--samples PATH`
Mixtral's 15,000 (prompt, output) pairs (bench/ttft_at_runs.py). A measurement harness; validate is unchanged.
"""
from __future__ import annotations

import csv
import math
import statistics as st
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ttft_at_runs as T  # noqa: E402
from compiler import validate as V  # noqa: E402


def model_tpot() -> dict:
    """{(source, category): predicted} of validate's TPOT mean / p99 rows (the model at its capacity point)."""
    rows, _ = V.run(str(T.CALIBRATION), mechanisms=T.mechanisms())
    return {(r.data["source"].split(" ")[0], r.category): r.predicted for r in rows
            if r.category in ("TPOT mean", "TPOT p99") and math.isfinite(r.predicted)}


def main() -> None:
    args = sys.argv[1:]
    only = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--only"]
    cv = next((float(args[i + 1]) for i, a in enumerate(args[:-1]) if a == "--output-cv"), None)
    share = next((float(args[i + 1]) for i, a in enumerate(args[:-1]) if a == "--row-share"), 0.0)
    T.REQUESTS = next((int(args[i + 1]) for i, a in enumerate(args[:-1]) if a == "--requests"), T.REQUESTS)
    runs, _ = T.collect()
    model = model_tpot()
    out = []
    for run in runs:
        if run.get("skip") or (only and not any(o in run["label"] for o in only)):
            continue
        m, e, p = run["m"], run["engine"], run["parts"]
        if cv is not None:
            e = dict(e, output=(e["output"][0], cv))
        source = run["rows"][next(iter(run["rows"]))].data["source"].split(" ")[0]
        mean, p99 = model.get((source, "TPOT mean")), model.get((source, "TPOT p99"))
        if mean is None or p99 is None:
            continue
        sim = T.des(e, float(m["completed_samples_per_s"]), p[1], p[2], float(m["tpot_mean_ms"]) / 1e3, share)["seeds"]
        row = {"group": run["group"], "label": run["label"],
               "req/step": sim["tpot_mean_steady"] / sim["step_mean"] - 1,
               "req/rowstep": sim["tpot_mean_steady"] / sim["row_step_mean"] - 1,
               "loadgen/step": sim["tpot_mean_loadgen"] / sim["step_mean"] - 1,
               "des": sim["tpot_mean"] / sim["tpot_p99"], "run": float(m["tpot_mean_ms"]) / float(m["tpot_p99_ms"]),
               "model": mean / p99, "des_p99_p50": sim["tpot_p99"] / sim["tpot_p50"],
               "run_p99_p50": float(m["tpot_p99_ms"]) / float(m["tpot_p50_ms"])}
        out.append(row)
        if "--rows" in args:
            print(f"  {row['group'][:24]:24s} {row['label'][:70]:70s} req/step {row['req/step']:+.2%} loadgen {row['loadgen/step']:+.2%} des {row['des']:.3f} run "
                  f"{row['run']:.3f} model {row['model']:.3f}", flush=True)
    groups = sorted({r["group"] for r in out})
    print("| group | runs | DES steady per-request mean / mean step - 1 | / row-weighted step - 1 | LoadGen's (ramp, "
          "drain) / mean step - 1 | mean / p99: DES | runs | model | p99 / p50: DES | runs |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for g in groups + ["all"]:
        rs = [r for r in out if g == "all" or r["group"] == g]
        med = {k: st.median(r[k] for r in rs) for k in rs[0] if k not in ("group", "label")}
        print(f"| {g} | {len(rs)} | {med['req/step']:+.2%} | {med['req/rowstep']:+.2%} | {med['loadgen/step']:+.2%} | "
              f"{med['des']:.3f} | "
              f"{med['run']:.3f} | {med['model']:.3f} | {med['des_p99_p50']:.3f} | {med['run_p99_p50']:.3f} |")


if __name__ == "__main__":
    main()
