"""The engine KV wait of the Mixtral Server runs at their own operating point, and what one prediction can do
(issue 11, TTFT p99; s23-mixtail).

    PYTHONPATH=. python3 bench/mixtral_kv_operating_point.py              (~3 min CPU: validate four times)
    ... --only TEXT     (the runs whose label holds TEXT; the default: every Mixtral 8x7B Server run)
    ... --shape         (part 4 only: the first-token law's p50 / p90 / p95 / p97 / p99 at each run's own inputs
                        against the run's own, by group, and whether the law's quantile falls anywhere in q)

Why does `engine_kv_wait` (compiler/validate.py MECHANISM_TABLE; the Erlang-C wait for an engine's own KV rows,
compiler/models/inference/ `_kv_room_wait`) move so few TTFT p99 rows? Three parts, none a fit:

Part 1, the law at each run's OWN operating point. a = the run's completed samples/s an engine x O x its measured
TPOT mean (Little's law), c = the rows the model's own KV cache holds an engine (validate's solved column,
`kv_slots`: I / k + O / 2 a row), life S = O x TPOT, so the wait's p99 is `_kv_room_wait(c, a, S, 0.99)`; beside it
the prompt queue's p99 at the run's inputs (bench/capacity_point_parts.py `parts_of`: the model's own first-token
law fed the run's rate, rows and step, no KV wait) and their sum (the model's own composition: ttft + kv_wait_p99),
against the measured p99 and validate's row with `--with engine_kv_wait` (the model's capacity point) and at the
run's load (`--latency-at load --with engine_kv_wait`: the model's own step at the run's rate).

Part 2, the step at the runs' rows and its amplification. The model's step line through its capacity point (B rows
an engine, TPOT mean t_B) and its operating point at the run's rate (`--latency-at load`: rows b_L = x O t_L / O,
t_L): t(b) = t_L + k (b - b_L), k = (t_B - t_L) / (B - b_L). The run's step scale s = T / t(a) (its TPOT mean over
the model's step at the run's own rows), and at one rate x (tokens/s an engine) the rows solve a = x s t(a), so
    d ln a / d ln s = d ln a / d ln x = 1 / (1 - x s k)                                               [D]
(the amplification A: near the flat end of the throughput curve a 1% slower step or a 1% higher rate puts A% more
rows in flight); the c - a the Erlang-C wait reads is then c - a(s), a knife edge in s.

Part 3, the bound: the best single TTFT p99 prediction a configuration (one value for the rows validate predicts
alike: same round, benchmark, accelerator, count and predicted value), chosen greedily (two passes) among the
group's measured values x 0.90 / 0.95 / 1 / 1.05 / 1.10 to minimize validate's TTFT p99 median |error| over all
208 rows: for the H100 SXM Mixtral groups, and for every Mixtral group. No model can do better on those rows with
one figure a configuration; it says how much of the TTFT p99 median the lane can move at all.

Part 4 (`--shape`), the prompt queue's shape at each run's own inputs: the law's quantiles (bench/ttft_at_runs.py
`law_at`, the run's rate, rows and step) at q 0.50 / 0.90 / 0.95 / 0.97 / 0.99 against the run's own percentiles
(reference/mlperf_ttft_percentiles.csv), the group medians, and every run (all benchmarks) whose law quantile falls
between two points of a 0.005 grid of q in [0.5, 0.995] (a quantile function never falls).

A measurement harness, not the product: validate's numbers are unchanged. docs/accuracy.md "The Mixtral KV wait at
the runs' own operating point" (s23-mixtail) has the tables and what they say.
"""
from __future__ import annotations

import collections
import math
import statistics as st
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import capacity_point_parts as parts  # noqa: E402
from bench import ttft_at_runs  # noqa: E402
from compiler import validate as V  # noqa: E402
from compiler.models.inference import _kv_room_wait  # noqa: E402

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"


def kv_wait(c: float, a: float, life: float, q: float) -> float:
    """The Erlang-C wait's quantile q (s) for c rows, a in flight, a row's life (compiler/models/inference/
    `_kv_room_wait`, one value)."""
    return float(_kv_room_wait(c, a, life, q))


def step_line(B: float, t_B: float, b_L: float, t_L: float) -> float:
    """The model's step slope k (s a row) through its capacity point (B, t_B) and its point at the run's load
    (b_L, t_L); nan where the two coincide (the run's rate at or above the model's capacity)."""
    return (t_B - t_L) / (B - b_L) if B - b_L > 1e-6 else math.nan


def amplification(x: float, s: float, k: float) -> float:
    """d ln a / d ln s at one rate x (tokens/s an engine) on the step line t(b) scaled by s: 1 / (1 - x s k) [D]."""
    return 1.0 / (1.0 - x * s * k) if x * s * k < 1 else math.inf


def best_single(rows: dict, keys: list, cur: dict) -> tuple[float, float]:
    """The group's one prediction (among its measured values x 0.90..1.10) that minimizes the median |error| of
    `cur` (line -> |error|) with the group's rows set to it; returns (median, prediction) and updates `cur`."""
    best = None
    for P in sorted({rows[k][0] * f for k in keys for f in (0.90, 0.95, 1.0, 1.05, 1.10)}):
        trial = dict(cur)
        trial.update({k: abs(P / rows[k][0] - 1) for k in keys})
        m = st.median(trial.values())
        if best is None or m < best[0] - 1e-12:
            best = (m, P, trial)
    cur.clear()
    cur.update(best[2])
    return best[0], best[1]


def bound(vrows: list, match) -> list:
    """Part 3: [(group, measured values, prediction)] and the bounded median |error| (greedy, two passes)."""
    rows = {r.line: (r.measured, r.predicted, r) for r in vrows
            if r.category == "TTFT p99" and math.isfinite(r.predicted)}
    cur = {k: abs(v[1] / v[0] - 1) for k, v in rows.items()}
    groups = collections.defaultdict(list)
    for k, (_, pred, r) in rows.items():
        d = r.data
        if match(r):
            groups[(d["round"], d["benchmark"], d["accelerator"], d["num_accelerators"], round(pred, 6))].append(k)
    out = []
    for it in range(2):
        for g, keys in groups.items():
            m, P = best_single(rows, keys, cur)
            if it == 1:
                out.append((g, [rows[k][0] for k in keys], P))
    return out, st.median(cur.values()), sum(e <= 0.10 for e in cur.values())


SHAPE_Q = (0.50, 0.90, 0.95, 0.97, 0.99)
SHAPE_KEYS = ("ttft_p50_ms", "ttft_p90_ms", "ttft_p95_ms", "ttft_p97_ms", "ttft_p99_ms")


def law_quantiles(run: dict, x: dict, qs) -> list:
    """The first-token law at the run's own inputs (bench/ttft_at_runs.py `law_at`) at each q of `qs`, in s."""
    e, first = run["engine"], run["rows"][next(iter(run["rows"]))]
    cv = float(first.lets.get("prompt_length_cv", e["prompt"][1]))
    return [ttft_at_runs.law_at(run["parts"], x["s"], x["T"], x["lam_r"], x["rows_r"], e["budget"], e["prompt"][0],
                                cv, q) for q in qs]


def shape(runs: list, only: list) -> None:
    """Part 4: the law's quantiles against the run's own at the run's inputs, and where the law's quantile falls."""
    groups = collections.defaultdict(list)
    grid = [round(0.5 + 0.005 * i, 3) for i in range(100)]
    falls = []
    for run in sorted(runs, key=lambda r: (r["group"], r["label"])):
        x = parts.parts_of(run) if "TTFT p99" in run["rows"] else None
        if x is None:
            continue
        v = law_quantiles(run, x, grid)
        drops = [(grid[i], v[i], v[i + 1]) for i in range(len(v) - 1) if v[i + 1] < v[i] - 1e-9]
        if drops:
            q, a, b = min(drops, key=lambda d: d[2] - d[1])
            falls.append(f"  {run['label'][:64]}: {a * 1e3:.1f} -> {b * 1e3:.1f} ms at q {q:.3f} -> {q + 0.005:.3f}")
        if any(o in run["label"] for o in only):
            meas = [float(run["m"][k]) / 1e3 for k in SHAPE_KEYS]
            groups[run["group"]].append([a / b - 1 for a, b in zip(law_quantiles(run, x, SHAPE_Q), meas)])
    print("| group | runs | " + " | ".join(f"law / run at q {q:.2f}" for q in SHAPE_Q) + " |")
    print("|---|---|" + "---|" * len(SHAPE_Q))
    for g, rs in sorted(groups.items()):
        print(f"| {g} | {len(rs)} | " + " | ".join(f"{st.median(r[i] for r in rs):+.0%}" for i in range(len(SHAPE_Q)))
              + " |")
    print(f"\nThe law's quantile falls in q on {len(falls)} runs (largest fall each):")
    print("\n".join(falls))


def main() -> None:
    args = sys.argv[1:]
    only = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--only"] or ["mixtral"]
    if "--shape" in args:
        shape(ttft_at_runs.collect()[0], only)
        return
    runs, ttft_rows = ttft_at_runs.collect()          # validate's default rows, at capacity and at the run's load
    kvw = V.mechanisms_with(on=("engine_kv_wait",))
    kvw_cap = {r.line: r.predicted for r in V.run(str(CALIBRATION), mechanisms=kvw)[0]}
    kvw_load = {r.line: r.predicted for r in V.run(str(CALIBRATION), latency_at="load", mechanisms=kvw)[0]}
    print("| run | rate tok/s an engine | rows a: run / model at load / model B | c | TPOT ms: run / model t(a) "
          "| s | A | KV wait p99 ms at a | prompt queue p99 ms at the run | sum / measured p99 ms | "
          "model: capacity / load, engine_kv_wait |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for run in sorted(runs, key=lambda x: (x["group"], x["label"])):
        if not any(o in run["label"] for o in only) or "TTFT p99" not in run["rows"]:
            continue
        x = parts.parts_of(run)
        if x is None:
            continue
        col, e = run["col"], run["engine"]
        O = e["output"][0]
        d_ranks = max(col["ep_ranks"], 1.0)
        B, t_B, c = col["batch"] / d_ranks, col["tpot_mean"], col["kv_slots"] / d_ranks
        line99 = run["rows"]["TTFT p99"].line
        t_L = run["at_load"].get(line99 + 1, math.nan)  # the TPOT mean row follows the TTFT p99 row
        rate_tok = x["lam_r"] * O                        # tokens/s an engine at the run's rate
        b_L = rate_tok * t_L
        k = step_line(B, t_B, b_L, t_L)
        a, T = x["rows_r"], x["T"]
        t_a = t_L + k * (a - b_L) if math.isfinite(k) else math.nan
        s = T / t_a if math.isfinite(t_a) else math.nan
        A = amplification(rate_tok, s, k) if math.isfinite(k) else math.nan
        w99 = kv_wait(c, a, O * T, 0.99)
        base99 = x["law"][0.99]
        total, meas = base99 + w99, x["meas"][0.99]
        model_cap, model_load = kvw_cap.get(line99, math.nan), kvw_load.get(line99, math.nan)
        f = lambda v: f"{v * 1e3:,.0f}" if math.isfinite(v) else "inf"  # noqa: E731
        print(f"| {run['label'][:58]} | {rate_tok:,.0f} | {a:.0f} / {b_L:.0f} / {B:.0f} | {c:.0f} | "
              f"{T * 1e3:.1f} / {t_a * 1e3:.1f} | {s:.3f} | {A:.1f} | {f(w99)} | {f(base99)} | "
              f"{f(total)} / {f(meas)} ({total / meas - 1:+.0%}) | {f(model_cap)} / {f(model_load)} |")
    for name, match in (("H100 SXM Mixtral", lambda r: "mixtral" in r.data["benchmark"]
                         and "H100-SXM" in r.data["accelerator"]),
                        ("every Mixtral", lambda r: "mixtral" in r.data["benchmark"])):
        groups, m, w10 = bound([r for r, _ in ttft_rows], match)
        print(f"\nPart 3, {name}: the best single prediction a configuration -> TTFT p99 median {m:.2%}, "
              f"{w10} rows within 10%")
        for g, meas, P in groups:
            print(f"  {g[0][-4:]} {g[2][:30]} x{g[3]}: measured {', '.join(f'{v * 1e3:,.0f}' for v in meas)} ms; "
                  f"validate {g[4] * 1e3:,.0f} -> {P * 1e3:,.0f} ms")


if __name__ == "__main__":
    main()
