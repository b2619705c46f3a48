"""The Hopper Llama 2 70B Server first token's p99, run by run: one configuration, one figure, a spread of runs
(issue 11, TTFT p99; s25-h200srv, docs/accuracy.md "The v5.0 8x H200 Server TTFT p99 run by run").

    PYTHONPATH=. python3 bench/server_p99_spread.py                 (~1-2 min CPU: validate twice, no simulation)
    ... --round inference-v4.1      (that round's configurations; default inference-v5.0)

validate gives every run of one configuration (round, benchmark, accelerator, count) the same TTFT p99: nothing a
row carries beside its configuration reaches the model. So a mechanism moves the rows of a configuration together,
by one factor, and the rows within 10% of one figure P are those with measured p99 in [P / 1.1, P / 0.9]. For the
Llama 2 70B Server configurations of a round on H100-SXM, H100-NVL, H200-SXM and H200-NVL (any count; v5.0 8x:
the model's engines tp 1 x 8 on H200, tp 2 x 4 on H100, least-busy dispatch) this prints, run by run
(bench/capacity_point_parts.py `parts_of`: the prompt queue at the run's own rate and TPOT by Little's law, the
model's step scaled to that TPOT):

- the run's TPOT mean T, its rows and rho at its own inputs, its measured TTFT p99, validate's figure and error;
- the first-token law at the run's own inputs, own-stream (the default law) and least-busy (`least_busy_rows`'s
  law: share 1, the harness's c engines, the wait's own tail), each over the measured p99;
- by configuration: the spread of the measured p99 against that of T, and the law's elasticity
  e = d ln p99 / d ln T at the configuration's median run, the rate held (`p99_at`: the run's inputs with T scaled;
  the rows follow by Little's law, the step scale s by its fixed point), so e x the runs' T spread is the p99
  spread the operating point alone makes; the best single figure (bench/ttft_tail_steps.py `best_single`) and
  the figures that keep every run within 10% today within (`one_figure_windows`); and how many runs the
  least-busy law meets within 10% after its median bias (the part of the spread the runs' own inputs carry).

A measurement harness, not the product: validate's numbers are unchanged.
"""
from __future__ import annotations

import math
import statistics as st
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import capacity_point_parts as C  # noqa: E402
from bench import ttft_at_runs  # noqa: E402
from bench.ttft_tail_steps import best_single  # noqa: E402

CONFIGS = ("H100-SXM-80GB", "H100-NVL-94GB", "H200-SXM-141GB", "H200-NVL-141GB")   # the accelerators read


def one_figure_windows(measured: list, now: float) -> tuple[float, float]:
    """The figures P that keep every run within 10% of today's figure `now` within 10% (|P / m - 1| <= 0.1 for each
    such measured m): [max(m) x 0.9, min(m) x 1.1] over those runs, which holds `now` itself; (nan, nan) where no run
    is within 10% today."""
    inside = [m for m in measured if abs(now / m - 1) <= 0.1]
    if not inside:
        return math.nan, math.nan
    return max(inside) * 0.9, min(inside) * 1.1


def p99_at(run: dict, T: float, least: bool) -> float:
    """The first-token law's p99 at the run's own rate with its TPOT mean taken as T (bench/ttft_at_runs.py
    `law_at`; rows = lam O T, s = T / (t0 + T kappa lam I) as bench/capacity_point_parts.py `prompt_queue`)."""
    e, p = run["engine"], list(run["parts"])
    I, O = e["prompt"][0], e["output"][0]
    lam = float(run["m"]["completed_samples_per_s"]) / e["engines"]
    rows = lam * O * T
    s = T / (p[1] + T * p[2] * lam * I)
    first = run["rows"][next(iter(run["rows"]))]
    cv = float(first.lets.get("prompt_length_cv", e["prompt"][1]))
    if least:
        c = C.harness_engines(first)
        if c:
            p[21], p[22], p[24] = 1.0, c, 1.0
    return ttft_at_runs.law_at(p, s, T, lam, rows, e["budget"], I, cv, 0.99)


def main() -> None:
    args = sys.argv[1:]
    rnd = next((args[i + 1] for i, a in enumerate(args[:-1]) if a == "--round"), "inference-v5.0")
    runs, _ = ttft_at_runs.collect()
    groups: dict = {}
    for run in runs:
        r = next(iter(run["rows"].values()))
        d = r.data
        if (d["round"] != rnd or d["benchmark"].replace("-99.9", "-99") != "llama2-70b-99"
                or d["scenario"] != "Server" or not any(k in d["accelerator"] for k in CONFIGS)):
            continue
        x = C.parts_of(run)
        if x is None or "TTFT p99" not in run["rows"]:
            continue
        x["run"], x["row"] = run, run["rows"]["TTFT p99"]
        groups.setdefault((d["accelerator"], int(float(d["num_accelerators"]))), []).append(x)
    for (acc, n_acc), xs in sorted(groups.items()):
        xs.sort(key=lambda x: x["T"])
        print(f"\n{acc} x{n_acc}, {rnd[-4:]} Llama 2 70B Server: {len(xs)} runs\n")
        print("| system | TPOT mean ms | rows a GPU | rho | TTFT p99 ms | validate | law own-stream / meas | "
              "law least-busy / meas |")
        print("|---|---|---|---|---|---|---|---|")
        for x in xs:
            meas, row = x["meas"][0.99], x["row"]
            print(f"| {row.data['system'][:48]} | {x['T'] * 1e3:.1f} | {x['rows_r']:.0f} | {x['rho_r']:.3f} | "
                  f"{meas * 1e3:,.0f} | {row.predicted * 1e3:,.0f} ({row.error:+.1%}) | "
                  f"{x['law'][0.99] / meas - 1:+.1%} | {x['law_lb'][0.99] / meas - 1:+.1%} |")
        meas = [x["meas"][0.99] for x in xs]
        Ts = [x["T"] for x in xs]
        mid = xs[len(xs) // 2]
        el = {}
        for least in (False, True):
            up, down = (p99_at(mid["run"], mid["T"] * f, least) for f in (1.02, 1 / 1.02))
            el[least] = math.log(up / down) / (2 * math.log(1.02))
        now = xs[0]["row"].predicted
        n, best = best_single(meas, now)
        lo, hi = one_figure_windows(meas, now)
        sd = lambda v: st.pstdev([math.log(a) for a in v]) if len(v) > 1 else 0.0  # noqa: E731
        lb = [x["law_lb"][0.99] / x["meas"][0.99] for x in xs]
        print(f"\nspread (sd of ln): measured p99 {sd(meas):.3f}, TPOT mean {sd(Ts):.3f}; elasticity at the "
              f"median run ({mid['T'] * 1e3:.1f} ms): own-stream {el[False]:.1f}, least-busy {el[True]:.1f}; "
              f"least-busy law / meas: median {st.median(lb) - 1:+.1%}, sd of ln {sd(lb):.3f}, "
              f"{sum(abs(v / st.median(lb) - 1) <= 0.1 for v in lb)} of {len(lb)} runs within 10% of that median")
        within = sum(abs(now / m - 1) <= 0.1 for m in meas)
        keep = "none (no figure)" if math.isnan(lo) else f"{lo * 1e3:,.0f}..{hi * 1e3:,.0f} ms"
        print(f"one figure: today {now * 1e3:,.0f} ms, {within} of {len(meas)} runs within 10%; best {best * 1e3:,.0f}"
              f" ms, {n}; the figures that keep today's {within}: {keep}")


if __name__ == "__main__":
    main()
