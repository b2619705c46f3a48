"""The margin MLPerf submitters leave under the latency limits, fitted once on the public calibration data: the
share of the binding limit each measured Server / Interactive run stops at.

    PYTHONPATH=. python3 bench/operating_fraction_fit.py            (~5 s CPU: reads and plans, evaluates nothing)

A run's share is max(TPOT p99 / tpot_limit, TTFT p99 / ttft_limit), its measured p99s (reference/
mlperf_calibration.csv's `tpot_p99` and `ttft_p99` rows, one pair a submission) over the limits validate gives
the benchmark and scenario (compiler/validate.py, the workload's `tpot_limit` / `ttft_limit`): the same quantity
the model's `operating_fraction` f holds the capacity point to (both limits times f, so the binding one lands at f).
The fit is the median over the runs (least absolute deviation of one constant), printed with its quartiles and a
bootstrap 90% interval of the median (2,000 resamples, seed 0: deterministic); then by scenario (Server /
Interactive), by engine (whole prompts: validate's `capacity_solve` rows, NVIDIA's v4.1 harness and AMD's vLLM;
chunked: the rest), by round, and by which limit binds. As a check the same share over the runs of
reference/mlperf_ttft_percentiles.csv (its own limit columns; the source of OPERATING_FRACTION 0.88, s11-grid).

Why it is a constant of the data and not of the model: LoadGen's Server / Interactive result is the highest rate
at which the run's p99s meet the limits; a submitter chooses the target it submits below that, for the run-to-run
spread of its system (no public document states the margin: MLCommons' inference rules fix the limits and the
percentile, not the target; docs/accuracy.md "The capacity point's margin"). What the runs show is the data here.
A measurement harness: validate's figures are unchanged.
"""
from __future__ import annotations

import csv
import math
import random
import statistics as st
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"
PERCENTILES = ROOT / "reference" / "mlperf_ttft_percentiles.csv"
KEY = ("round", "benchmark", "scenario", "system", "accelerator", "num_accelerators")


def runs() -> list[dict]:
    """One dict a submission: its TPOT p99 and TTFT p99 shares of the limits, scenario, engine, round."""
    rows = V.read_csv(str(CALIBRATION))
    pairs: dict[tuple, dict] = defaultdict(dict)
    for r in rows:
        V.plan(r)
        if r.problem or not r.fields or r.output not in ("tpot_p99", "ttft_p99"):
            continue
        limit = r.fields["tpot_limit" if r.output == "tpot_p99" else "ttft_limit"].value
        run = pairs[tuple(r.data[k].strip() for k in KEY)]
        run[r.output] = r.measured / limit
        run["scenario"] = r.fields["scenario"]
        run["engine"] = "whole prompts" if r.lets.get("capacity_solve") else "chunked"
        run["round"] = r.data["round"].strip()
    out = [dict(run, share=max(run["tpot_p99"], run["ttft_p99"]),
                binds="TPOT" if run["tpot_p99"] >= run["ttft_p99"] else "TTFT")
           for run in pairs.values() if "tpot_p99" in run and "ttft_p99" in run]
    return sorted(out, key=lambda r: (r["scenario"], r["round"], r["share"]))


def percentile_runs() -> list[dict]:
    """The same share over reference/mlperf_ttft_percentiles.csv (its own limit columns)."""
    with open(PERCENTILES, newline="", encoding="utf-8") as fh:
        data = list(csv.DictReader(fh))
    out = []
    for d in data:
        try:
            tpot = float(d["tpot_p99_ms"]) / float(d["tpot_limit_ms"])
            ttft = float(d["ttft_p99_ms"]) / float(d["ttft_limit_ms"])
        except (KeyError, ValueError, ZeroDivisionError):
            continue
        scenario = "interactive" if "interactive" in d["reported_as"].lower() else "server"
        try:
            bound = min(early_stop_share(d, "tpot"), early_stop_share(d, "ttft"))
            q = early_stop_quantile(int(float(d["completed_samples_per_s"]) * 600.0))
        except (KeyError, ValueError, ZeroDivisionError):
            bound = q = math.nan
        out.append({"share": max(tpot, ttft), "scenario": scenario, "round": d["round"].strip(),
                    "bound": bound, "q": q})
    return out


def early_stop_quantile(n: int, p: float = 0.99, confidence: float = 0.99) -> float:
    """The latency quantile LoadGen's Server early stopping holds to the limit for a run of `n` queries
    (mlcommons/inference loadgen/results.cc `EarlyStopping`, Server case, and loadgen/early_stopping.cc, read at
    b66003e1, 2026-08-20: tolerance 0, confidence 0.99, target percentile 0.99): a run with t queries over the
    limit passes where n >= h(t) + t, h(t) the least h with I_{p}(h, 1 + t) < 1 - confidence, i.e. where
    P(Binomial(n, 1 - p) <= t) < 1 - confidence. Returns 1 - t_max / n for the largest passing t_max."""
    over = 1.0 - p

    def cdf(t: int) -> float:                       # P(Binomial(n, over) <= t), summed in logs
        logs = [math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
                + k * math.log(over) + (n - k) * math.log1p(-over) for k in range(t + 1)]
        top = max(logs)
        return math.exp(top) * sum(math.exp(x - top) for x in logs)

    lo, hi = -1, int(n * over)                       # cdf(lo) < 1 - c (t = -1: no query over passes always)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if cdf(mid) < 1.0 - confidence:
            lo = mid
        else:
            hi = mid
    return 1.0 - max(lo, 0) / n


def early_stop_share(d: dict, metric: str) -> float:
    """The largest measured p99 / limit the early-stopping rule lets the run (`d`, a row of
    reference/mlperf_ttft_percentiles.csv) submit: X_99 / X_q at its own quantile q (early_stop_quantile of its
    600-s run's queries), X_q read log-linearly in ln(1 / (1 - q)) between the run's own p99 and p99.9."""
    n = int(float(d["completed_samples_per_s"]) * 600.0)   # mlperf.conf: *.Server.min_duration = 600000 ms
    q = early_stop_quantile(n)
    x99, x999 = float(d[f"{metric}_p99_ms"]), float(d[f"{metric}_p99.9_ms"])
    w = (math.log(1.0 / (1.0 - q)) - math.log(100.0)) / (math.log(1000.0) - math.log(100.0))
    return x99 / (x99 * (x999 / x99) ** w)


def interval(values: list[float], n: int = 2000, seed: int = 0) -> tuple[float, float]:
    """A bootstrap 90% interval of the median (deterministic: one seeded generator)."""
    rng = random.Random(seed)
    meds = sorted(st.median(rng.choices(values, k=len(values))) for _ in range(n))
    return meds[int(0.05 * n)], meds[int(0.95 * n) - 1]


def line(name: str, values: list[float]) -> str:
    if not values:
        return f"  {name:44s} -"
    q = st.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    lo, hi = interval(values)
    return (f"  {name:44s} n {len(values):3d}  median {st.median(values):.3f}  (90% {lo:.3f}-{hi:.3f})  "
            f"quartiles {q[0]:.3f}-{q[2]:.3f}  range {min(values):.3f}-{max(values):.3f}")


def main() -> int:
    data = runs()
    shares = [r["share"] for r in data]
    print("the share of the binding latency limit a run stops at, max(TPOT p99 / limit, TTFT p99 / limit)")
    print(f"reference/mlperf_calibration.csv, {len(data)} Server / Interactive runs with both p99s:")
    print(line("all runs (the fit: f = the median)", shares))
    for label, key in (("scenario", "scenario"), ("engine", "engine"), ("round", "round"), ("binding limit", "binds")):
        for value in sorted({r[key] for r in data}):
            print(line(f"{label} {value}", [r["share"] for r in data if r[key] == value]))
    for scenario in sorted({r["scenario"] for r in data}):
        for part in ("tpot_p99", "ttft_p99"):
            print(line(f"{scenario}: {part} / its limit", [r[part] for r in data if r["scenario"] == scenario]))
    for scenario in sorted({r["scenario"] for r in data}):
        for engine in sorted({r["engine"] for r in data}):
            values = [r["share"] for r in data if r["scenario"] == scenario and r["engine"] == engine]
            if values:
                print(line(f"{scenario}, {engine}", values))
    check = percentile_runs()
    print(f"\ncheck: reference/mlperf_ttft_percentiles.csv, {len(check)} runs (its own limit columns):")
    print(line("all runs", [r["share"] for r in check]))
    for scenario in sorted({r["scenario"] for r in check}):
        print(line(f"scenario {scenario}", [r["share"] for r in check if r["scenario"] == scenario]))
    for scenario in sorted({r["scenario"] for r in check}):
        mine = [r for r in check if r["scenario"] == scenario and math.isfinite(r["bound"])]
        print(line(f"{scenario}: early stopping's quantile", [r["q"] for r in mine]))
        print(line(f"{scenario}: share early stopping allows", [r["bound"] for r in mine]))
    by = {s: st.median([r["share"] for r in data if r["scenario"] == s]) for s in ("server", "interactive")}
    print(f"\nfit: f = {st.median(shares):.3f} over every run; by scenario Server {by['server']:.3f}, Interactive "
          f"{by['interactive']:.3f} (validate: OPERATING_FRACTION {V.OPERATING_FRACTION}, "
          f"OPERATING_FRACTION_INTERACTIVE {V.OPERATING_FRACTION_INTERACTIVE})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
