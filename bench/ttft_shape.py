"""The shape of the TTFT distribution: measured (MLPerf LoadGen summaries) against the prompt-queue law.

    PYTHONPATH=. python3 bench/ttft_shape.py            (~7 s CPU: validate's rows read at four quantiles)
    PYTHONPATH=. python3 bench/ttft_shape.py --sweep    (~2 min CPU: the law along the load, five configurations)

reference/mlperf_ttft_percentiles.csv holds each MLPerf Server run's whole first-token distribution (min, mean,
p50, p90, p95, p97, p99, p99.9, max; reference/README.md). This reads the model's TTFT at q = 0.5, 0.9, 0.99 and
0.999 at every TTFT p99 row's design point (validate's own rows and operating point: the model's capacity point)
and prints, by benchmark and by the model's prompt-queue utilization rho:

- the ratios p90/p50, p99/p50, p99.9/p99 measured and modelled (medians over the rows of a group);
- the shift-free spacing R1 = (p99 - p50) / (p90 - p50) and R2 = (p99.9 - p99) / (p99 - p90), which a constant
  plus an exponential puts at ln 50 / ln 5 = 2.43 and 1.00 whatever the constant and the scale;
- which part of the p99 error is the level and which the shape: the p99 error if the model had each row's
  measured p50 (or p90) and its own ratio above it, and the reverse.

How the quantiles are read (a measurement harness, not the product): the model's `ttft_p50` output is an output
only (no search or limit reads it), so the script replaces the quantile q = 0.5 that `_budget_ttft` gives that
output by the quantile q wanted, and reads rho (`rho`) the same way; the TTFT p99 the search cuts the rate by is
untouched, so every configuration, batch and utilization is validate's own. docs/accuracy.md "The TTFT
distribution, measured" has the tables this prints and what they say.

--sweep: the law along the load. validate's latency rows offered each submission's measured throughput
(`--latency-at load`) scaled by a factor f = 0.3 ... 1.1 (a load above the model's capacity is read at its capacity
point), for one row of each of five configurations; printed with the mean TPOT, the load's coordinate that both
sides measure (a replica holds more rows and carries heavier steps as the load rises), next to every submission of
that configuration (their TPOT mean, TTFT p50, p99).
"""
from __future__ import annotations

import csv
import math
import statistics as st
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V
from compiler.models import inference as M

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"
PERCENTILES = ROOT / "reference" / "mlperf_ttft_percentiles.csv"


def model_rows(read: str) -> dict[str, V.Row]:
    """validate's TTFT p50 rows by their run and benchmark, with the p50 output read as `read` (a quantile, or "rho")."""
    law = M._budget_ttft

    def reading(parts, service, rho, cv, q):
        if q != 0.50:
            return law(parts, service, rho, cv, q)
        if read == "rho":
            return np.asarray(rho, dtype=float) + 0.0 * law(parts, service, rho, cv, q)
        return law(parts, service, rho, cv, float(read))

    M.queues._budget_ttft = M.step._budget_ttft = M._budget_ttft = reading
    try:
        rows, _ = V.run(str(CALIBRATION))
    finally:
        M.queues._budget_ttft = M.step._budget_ttft = M._budget_ttft = law
    return {source(r): r for r in rows if r.category in ("TTFT p50", "TTFT p99") and r.output == "ttft_p50"}


def source(row: V.Row) -> tuple[str, str]:
    """A row's run (its summary's URL) and the benchmark it is reported as (a Llama 2 70B run may count as both
    99 and 99.9: one summary, two rows, as validate counts them)."""
    return row.data["source"].split(" ")[0], row.data["benchmark"]


def group(benchmark: str) -> str:
    return ("Interactive" if "interactive" in benchmark else "Llama 3.1 405B" if "405b" in benchmark
            else "Mixtral 8x7B" if "mixtral" in benchmark else "Llama 2 70B")


SWEEP = (0.3, 0.5, 0.7, 0.8, 0.87, 0.95, 1.0, 1.1)
SWEPT = (("llama2-70b-99", "H200-SXM"), ("llama2-70b-99", "B200"), ("llama2-70b-99", "H100-SXM"),
         ("mixtral-8x7b", "H200-SXM"), ("llama2-70b-interactive-99", "H200-SXM"))


def sweep() -> None:
    """The model's TPOT mean, TTFT p50 and p99 as the offered load rises, against the measured runs."""
    measured = read_csv(PERCENTILES)
    offered = V.measured_loads

    def one(r: V.Row, bench: str, chip: str) -> bool:
        return (r.data["benchmark"] == bench and chip in r.data["accelerator"] and r.data["num_accelerators"] == "8"
                and r.data["round"] == "inference-v5.0")
    curves: dict = defaultdict(list)
    for f in SWEEP:
        def scaled(rows, f=f):
            offered(rows)
            for r in rows:
                if "offered_load" in r.fields:
                    r.fields["offered_load"] = V.Q(r.fields["offered_load"].value * f, r.fields["offered_load"].unit)
        V.measured_loads = scaled
        try:
            rows, _ = V.run(str(CALIBRATION), latency_at="load")
        finally:
            V.measured_loads = offered
        for bench, chip in SWEPT:
            first = min((r for r in rows if one(r, bench, chip) and r.category == "TTFT p99"), key=lambda r: r.line)
            same = {r.category: r for r in rows if one(r, bench, chip) and r.data["source"] == first.data["source"]}
            curves[bench, chip].append((f, bool(first.extra.get("at_capacity")), same["TPOT mean"].predicted,
                                        same["TTFT p50"].predicted, same["TTFT p99"].predicted))
    for (bench, chip), points in curves.items():
        print(f"\n{bench} on 8 {chip} (v5.0): TPOT mean, TTFT p50, p99 in ms")
        last = None
        for f, capacity, tpot, t50, t99 in points:
            if last and capacity and last[1]:
                continue                     # above the capacity: the capacity point again
            print(f"  model at {f:4.2f} x the measured load{' (capacity)' if capacity else '           '}: "
                  f"{1e3 * tpot:5.0f} {1e3 * t50:6.0f} {1e3 * t99:6.0f}  p99/p50 {t99 / t50:.2f}")
            last = (f, capacity)
        runs = [m for m in measured if m["round"] == "inference-v5.0" and chip in m["accelerator"]
                and m["num_accelerators"] == "8" and m["benchmark"] in (bench, bench + ".9")]
        for m in sorted(runs, key=lambda m: float(m["tpot_mean_ms"])):
            t50, t99 = float(m["ttft_p50_ms"]), float(m["ttft_p99_ms"])
            print(f"  measured, {float(m['target_qps']):7.2f} queries/s            : {float(m['tpot_mean_ms']):5.0f} "
                  f"{t50:6.0f} {t99:6.0f}  p99/p50 {t99 / t50:.2f}  {m['system'][:44]}")


def read_csv(path: Path) -> list[dict]:
    with open(path) as f:
        return list(csv.DictReader(f))


def main() -> None:
    if "--sweep" in sys.argv[1:]:
        sweep()
        return
    measured = {r["source"]: r for r in read_csv(PERCENTILES)}
    rows, _ = V.run(str(CALIBRATION))
    p99 = {source(r): r for r in rows if r.category == "TTFT p99" and np.isfinite(r.predicted)}
    p50 = {source(r): r for r in rows if r.category == "TTFT p50"}
    read = {q: model_rows(q) for q in ("0.9", "0.999", "rho")}
    points = []
    for src, row in p99.items():
        m = measured[src[0]]
        ms = {k: float(m[f"ttft_{k}_ms"]) / 1e3 for k in ("p50", "p90", "p99", "p99.9")}
        points.append({"group": group(row.data["benchmark"]), "round": row.data["round"][-4:], "m": ms,
                       "p": {"p50": p50[src].predicted, "p90": read["0.9"][src].predicted, "p99": row.predicted,
                             "p99.9": read["0.999"][src].predicted},
                       "rho": read["rho"][src].predicted})
    med = st.median

    def ratios(title, key):
        print(f"\n{title}")
        print(f"{'group':30} {'rows':>4} | {'p90/p50':>13} | {'p99/p50':>13} | {'p99.9/p99':>13} | "
              f"{'R1 (2.43)':>13} | {'R2 (1.00)':>13} | p99 within 10%")
        print(f"{'':30} {'':>4} | {'meas  model':>13} | {'meas  model':>13} | {'meas  model':>13} | "
              f"{'meas  model':>13} | {'meas  model':>13} |")
        groups = defaultdict(list)
        for x in points:
            groups[key(x)].append(x)
        for k in sorted(groups):
            v = groups[k]

            def pair(f, v=v):
                return f"{med(f(x['m']) for x in v):5.2f} {med(f(x['p']) for x in v):6.2f}"
            within = sum(abs(x["p"]["p99"] / x["m"]["p99"] - 1) <= 0.10 for x in v)
            print(f"{k:30} {len(v):4d} | {pair(lambda d: d['p90'] / d['p50'])} | "
                  f"{pair(lambda d: d['p99'] / d['p50'])} | {pair(lambda d: d['p99.9'] / d['p99'])} | "
                  f"{pair(lambda d: (d['p99'] - d['p50']) / (d['p90'] - d['p50']))} | "
                  f"{pair(lambda d: (d['p99.9'] - d['p99']) / (d['p99'] - d['p90']))} | {within:3d}")

    def band(rho):
        return "rho < 0.5" if rho < 0.5 else "rho 0.5-0.7" if rho < 0.7 else "rho 0.7-0.85" if rho < 0.85 else \
            "rho >= 0.85"
    ratios("By benchmark and round (medians over the rows; model = the law at validate's design point)",
           lambda x: f"{x['group']} {x['round']}")
    ratios("By benchmark and the model's prompt-queue utilization", lambda x: f"{x['group']}, {band(x['rho'])}")

    print("\nWhere the p99 error is: the model's p99 rebuilt from one measured level and one modelled ratio")
    variants = [("the model as it is", lambda x: x["p"]["p99"]),
                ("measured p50 x modelled p99/p50 (level exact)", lambda x: x["m"]["p50"] * x["p"]["p99"] / x["p"]["p50"]),
                ("modelled p50 x measured p99/p50 (shape exact)", lambda x: x["p"]["p50"] * x["m"]["p99"] / x["m"]["p50"]),
                ("measured p90 x modelled p99/p90 (tail exact above p90)",
                 lambda x: x["m"]["p90"] * x["p"]["p99"] / x["p"]["p90"]),
                ("modelled p90 x measured p99/p90", lambda x: x["p"]["p90"] * x["m"]["p99"] / x["m"]["p90"])]
    for name, f in variants:
        err = [f(x) / x["m"]["p99"] - 1 for x in points]
        print(f"  {name:56} median |error| {100 * med(map(abs, err)):5.1f}%, within 10% "
              f"{sum(abs(e) <= 0.10 for e in err):3d} of {len(err)}, median signed {100 * med(err):+5.1f}%")
    assert all(math.isfinite(x["p"]["p99.9"]) for x in points)


if __name__ == "__main__":
    main()
