"""The latency band (compiler/models/inference/ `latency_band`) at validate's own TTFT / TPOT p99 rows: does a
wide band mark the rows the model misses? (s21-range, session 21; docs/accuracy.md "A served p99 shown with its
band".) Session 22 (s22-band): the TTFT p50 and TPOT mean rows with their own bands too, and each row's service
warned by any of its four banded latencies (the warning is per service).

For every TTFT p99 and TPOT p99 row of reference/mlperf_calibration.csv that validate predicts (its default
operating point: the model's capacity point, the target-share rows at their share), the band's ends at the load
x 0.95 and x 1.05 are evaluated on validate's own spec, and the rows are split by the `latency-knife-edge` rule
(high / low > LATENCY_KNIFE_EDGE, or unbounded above): the median |error| of each side, and whether the measured
value falls inside the band. Prints a table; no fit, nothing applied.

    PYTHONPATH=. python3 bench/latency_band_rows.py [reference/mlperf_calibration.csv]     (~3 min CPU)
"""
from __future__ import annotations

import math
import sys

import numpy as np

import dsl
from compiler import validate
from compiler.evaluate import EvalError, Evaluator
from compiler.lower import lower
from compiler.models.inference import LATENCY_KNIFE_EDGE

CATEGORIES = {"TTFT p99": "ttft_p99", "TPOT p99": "tpot_p99", "TTFT p50": "ttft_p50", "TPOT mean": "tpot_mean"}


def main(path: str) -> None:
    rows, _ = validate.run(path)
    rows = [r for r in rows if r.category in CATEGORIES and np.isfinite(r.predicted) and r.fields]
    checked, sink = dsl.check_text(validate.spec_text(rows), name="validation.factory")
    ev = Evaluator(lower(checked, sink), sink)

    def get(block: str, name: str) -> float:
        try:
            return float(np.asarray(ev.node_value(f"validation.{block}.{name}"), dtype=float).ravel()[0])
        except (EvalError, KeyError, TypeError, ValueError):
            return math.nan

    for category, what in CATEGORIES.items():
        found = []
        for r in rows:
            if r.category != category:
                continue
            point, low, high = (get(r.block, f"{what}{end}") for end in ("", "_low", "_high"))
            if not np.isfinite(point) or not np.isfinite(low):
                continue
            edge = not np.isfinite(high) or high > LATENCY_KNIFE_EDGE * low
            warned = any(not np.isfinite(h) or h > LATENCY_KNIFE_EDGE * lo
                         for name in CATEGORIES.values()
                         for lo, h in [(get(r.block, f"{name}_low"), get(r.block, f"{name}_high"))]
                         if np.isfinite(lo))
            inside = low <= r.measured <= (high if np.isfinite(high) else math.inf)
            kv_bound = get(r.block, "batch") >= get(r.block, "max_batch") - 0.5
            found.append((edge, abs(r.error), inside, high / low if np.isfinite(high) else math.inf, r, kv_bound,
                          warned))
        print(f"\n{category}: {len(found)} rows")
        print("| rows | n | median abs error | measured inside the band | median high / low |")
        print("|---|---|---|---|---|")
        for label, pick in (("all", lambda f: True), ("knife edge (warned)", lambda f: f[0]),
                            ("  of which unbounded above", lambda f: f[0] and not np.isfinite(f[3])),
                            ("    at a capacity that fills the KV cache", lambda f: not np.isfinite(f[3]) and f[5]),
                            ("    below it (the rate or the prompt queue)", lambda f: not np.isfinite(f[3]) and not f[5]),
                            ("  of which wide (bounded)", lambda f: f[0] and np.isfinite(f[3])),
                            ("clean", lambda f: not f[0]),
                            ("its service warned (any banded latency)", lambda f: f[6]),
                            ("its service clean (all four)", lambda f: not f[6])):
            some = [f for f in found if pick(f)]
            if not some:
                print(f"| {label} | 0 | - | - | - |")
                continue
            ratio = np.median([f[3] for f in some])
            print(f"| {label} | {len(some)} | {100 * np.median([f[1] for f in some]):.1f}% | "
                  f"{sum(f[2] for f in some)} of {len(some)} | {ratio:.2f} |")
        worst = sorted((f for f in found if f[0]), key=lambda f: -f[1])[:8]
        for edge, err, inside, ratio, r, _, _ in worst:
            print(f"  {r.label[:90]:90s} err {100 * r.error:+6.1f}%  band x{ratio:.2f}  inside {inside}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "reference/mlperf_calibration.csv")
