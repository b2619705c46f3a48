"""The TTFT p99 rows near the gate, and the Mixtral first token's upper half in steps (issue 11, TTFT p99;
s24-ttftlaw, docs/accuracy.md "The first-token law's quantiles made one non-decreasing function").

    PYTHONPATH=. python3 bench/ttft_tail_steps.py            (~1-3 min CPU: validate twice, bench/ttft_at_runs.py)
    ... --near        (part 1 only: validate once)

Part 1, the near rows: validate's TTFT p99 rows 10-25% out, by configuration (round, benchmark with -99 / -99.9
together, accelerator, count; the sign of the error), and for every configuration the best single prediction
(among its measured values x 0.90 .. 1.10, as bench/mixtral_kv_operating_point.py's part 3, one configuration at a
time): how many rows within 10% one figure a configuration could reach, and at what change of today's figure.

Part 2, the Mixtral first token in steps at each run's own inputs (bench/ttft_at_runs.py `law_at`: the law fed the
run's rate, rows and step): the gap between the run's p90 / p99 and the law's, in the run's own TPOT means (steps),
the law's and the run's p99 - p50 in steps, and the step-length coefficient of variation an iid normal spread of
the step would need to make the p99 gap over two steps, gap / (z_99 sqrt 2).

Part 3, the rows in flight as a modulation of the prompt queue (an upper bound): the rows a of an engine are
Poisson (M/G/inf, Little's law a = lam O T) and the step is at most proportional to them, and the room is budget -
a, so rho's relative spread is at most s = 1 / sqrt(a) + sqrt(a) / room; the law at rho (1 + s e), e ~ N(0, 1)
(13-node Gauss-Hermite), its mixture's p50 / p90 / p99 (`modulated_quantile`) against the run's, beside the law's.

A measurement harness, not the product: validate's numbers are unchanged.
"""
from __future__ import annotations

import collections
import math
import statistics as st
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ttft_at_runs  # noqa: E402
from compiler import validate as V  # noqa: E402
from compiler.models import inference as M  # noqa: E402

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"
FACTORS = (0.90, 0.92, 0.95, 1.0, 1.05, 1.08, 1.10)
Z99 = 2.326
QS = (0.50, 0.90, 0.99)
KEYS = {0.50: "ttft_p50_ms", 0.90: "ttft_p90_ms", 0.99: "ttft_p99_ms"}


def config_key(r) -> tuple:
    """One prediction of validate: round, benchmark (-99 / -99.9 alike), accelerator, count, the figure."""
    d = r.data
    return (d["round"][-4:], d["benchmark"].replace("-99.9", "-99"), d["accelerator"],
            int(float(d["num_accelerators"])), round(r.predicted, 6))


def best_single(measured: list, now: float) -> tuple[int, float]:
    """The most rows within 10% one figure reaches among the measured values x FACTORS (nearest today's on a tie)."""
    cands = [m * f for m in measured for f in FACTORS]
    best = max(cands, key=lambda P: (sum(abs(P / m - 1) <= 0.1 for m in measured), -abs(P / now - 1)))
    return sum(abs(best / m - 1) <= 0.1 for m in measured), best


def near_rows() -> None:
    rows, _ = V.run(str(CALIBRATION))
    p99 = [r for r in rows if r.category == "TTFT p99" and math.isfinite(r.predicted) and r.measured]
    print(f"Part 1: {len(p99)} TTFT p99 rows, {sum(abs(r.error) <= 0.1 for r in p99)} within 10%")
    near = collections.defaultdict(list)
    for r in p99:
        if 0.10 < abs(r.error) <= 0.25:
            near[config_key(r)[:4] + ("+" if r.error > 0 else "-",)].append(r)
    print("| configuration | sign | rows | errors |")
    print("|---|---|---|---|")
    for k, rs in sorted(near.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"| {k[0]} {k[1]} {k[2]} x{k[3]} | {k[4]} | {len(rs)} | "
              + ", ".join(f"{r.error:+.1%}" for r in sorted(rs, key=lambda r: r.error)) + " |")
    print(f"\n{sum(len(v) for v in near.values())} rows 10-25% out. The best single figure a configuration:")
    cfg = collections.defaultdict(list)
    for r in p99:
        cfg[config_key(r)].append(r)
    gains = []
    for k, rs in cfg.items():
        now = sum(abs(r.error) <= 0.1 for r in rs)
        n, best = best_single([r.measured for r in rs], k[4])
        if n > now:
            gains.append((n - now, k, now, n, best, len(rs)))
    print("| gain | configuration | rows | within 10%: now -> best | figure: now -> best |")
    print("|---|---|---|---|---|")
    for g, k, now, n, best, total in sorted(gains, key=lambda x: (-x[0], x[1])):
        print(f"| +{g} | {k[0]} {k[1]} {k[2]} x{k[3]} | {total} | {now} -> {n} | "
              f"{k[4] * 1e3:,.0f} -> {best * 1e3:,.0f} ms ({best / k[4] - 1:+.0%}) |")
    print(f"total: +{sum(g[0] for g in gains)} rows")


def modulated_quantile(curves: np.ndarray, qs: np.ndarray, weights: np.ndarray, q: float) -> float:
    """Quantile q of a mixture: column j of `curves` is one component's quantile function on the grid `qs`
    (non-decreasing), weight weights[j]; the mixture's survival sum_j w_j (1 - F_j(x)), F_j by interpolation,
    solved for 1 - q by bisection between the components' extremes."""
    def survival(x: float) -> float:
        return float(sum(w * (1.0 - np.interp(x, curves[:, j], qs, left=0.0, right=1.0))
                         for j, w in enumerate(weights)))
    lo, hi = float(curves.min()), float(curves.max())
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if survival(mid) > 1.0 - q else (lo, mid)
    return 0.5 * (lo + hi)


def mixtral_steps() -> None:
    from bench import capacity_point_parts as parts
    runs, _ = ttft_at_runs.collect()
    grid = np.concatenate([np.linspace(0.01, 0.99, 99), np.linspace(0.991, 0.9995, 18)])
    nodes, weights = np.polynomial.hermite_e.hermegauss(13)
    weights = weights / weights.sum()
    steps, mod = collections.defaultdict(list), collections.defaultdict(list)
    for run in runs:
        if "mixtral" not in run["label"] or "TTFT p99" not in run.get("rows", {}):
            continue
        x = parts.parts_of(run)
        if x is None:
            continue
        e, first = run["engine"], run["rows"][next(iter(run["rows"]))]
        cv = float(first.lets.get("prompt_length_cv", e["prompt"][1]))
        law = {q: ttft_at_runs.law_at(run["parts"], x["s"], x["T"], x["lam_r"], x["rows_r"], e["budget"],
                                      e["prompt"][0], cv, q) for q in QS}
        meas = {q: float(run["m"][KEYS[q]]) / 1e3 for q in QS}
        T = x["T"]
        steps[run["group"]].append(((meas[0.90] - law[0.90]) / T, (meas[0.99] - law[0.99]) / T,
                                    (law[0.99] - law[0.50]) / T, (meas[0.99] - meas[0.50]) / T))
        p, service, rho = ttft_at_runs.law_inputs(run["parts"], x["s"], x["T"], x["lam_r"], x["rows_r"], e["budget"],
                                                  e["prompt"][0])
        room, a = p[3], max(x["rows_r"], 1.0)
        s = 1 / math.sqrt(a) + math.sqrt(a) / room
        rhos = np.clip(rho * (1 + s * nodes), 0.0, 0.999)
        col = lambda v: np.full(rhos.shape, float(v))  # noqa: E731
        curves = np.stack([M._budget_ttft(tuple(col(v) for v in p), col(service), rhos, col(cv), q) for q in grid])
        mod[run["group"]].append((s, rho, [law[q] / meas[q] - 1 for q in QS],
                                  [modulated_quantile(curves, grid, weights, q) / meas[q] - 1 for q in QS]))
    print("\nPart 2: the Mixtral runs' first token at their own inputs, in steps (their TPOT means); group medians")
    print("| group | runs | p90 gap | p99 gap | law p99 - p50 | runs' p99 - p50 | step cv an iid spread would need |")
    print("|---|---|---|---|---|---|---|")
    for g, v in sorted(steps.items()):
        m = lambda i: st.median(t[i] for t in v)  # noqa: E731
        print(f"| {g} | {len(v)} | {m(0):.2f} | {m(1):.2f} | {m(2):.2f} | {m(3):.2f} | {m(1) / (Z99 * 2 ** 0.5):.2f} |")
    print("\nPart 3: the rows in flight as a modulation of the prompt queue (upper bound); group medians")
    print("| group | runs | s | rho | law / run p50, p90, p99 | modulated law / run p50, p90, p99 |")
    print("|---|---|---|---|---|---|")
    for g, v in sorted(mod.items()):
        m = lambda i, j: st.median(t[i][j] for t in v)  # noqa: E731
        print(f"| {g} | {len(v)} | {st.median(t[0] for t in v):.3f} | {st.median(t[1] for t in v):.2f} | "
              + ", ".join(f"{m(2, j):+.0%}" for j in range(3)) + " | "
              + ", ".join(f"{m(3, j):+.0%}" for j in range(3)) + " |")


def main() -> None:
    near_rows()
    if "--near" not in sys.argv:
        mixtral_steps()


if __name__ == "__main__":
    main()
