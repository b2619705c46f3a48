"""The prompt queue at the model's capacity point against the runs' own, part by part (issue 11, TTFT).

    PYTHONPATH=. python3 bench/capacity_point_parts.py             (~1 min CPU: validate at capacity and at load)
    PYTHONPATH=. python3 bench/capacity_point_parts.py --rows      (and one line a run)
    ... --with NAME     (validate's mechanisms, as `validate --with`); --only TEXT (the runs whose label holds TEXT)
                        (`--with least_busy_bulk`: the least-busy column reads the bulk queue in steps, s22-lbtail)

The first-token law (compiler/models/inference/ `_budget_ttft`) reads the prompt queue's utilization

    rho = lam x service,   service = I t_full / room,   room = budget - rows,   t_full = t0 + kappa room

(lam the requests/s an engine, I the mean prompt, t0 the step of the rows alone, kappa a prompt token's time), so
the model's rho against the run's telescopes exactly:

    rho_model / rho_run = (lam_model / lam_run) x (t_full_model / t_full_run) x (room_run / room_model)
                           the rate                the full step                 the room

For each run with TTFT rows in reference/mlperf_calibration.csv (bench/ttft_at_runs.py's runs, the model's engines
of validate's chosen column, its budget = room + rows):
- model: validate's capacity point, its rows B an engine, room, t_full and rho as `latencies` builds them
  (`_budget_ttft`'s parts; rho = B r t_full / (room t_mean) at the Little's-law rate B / (O t_mean));
- run: the harness's reckoning (bench/ttft_at_runs.py `law_at`): lam = the run's completed samples/s over the model's
  engines, rows = lam O T (Little's law, T the measured TPOT mean), room = budget - rows, and the model's t0 and kappa
  times the step scale s of the mean step's fixed point s = T / (t0 + T kappa lam I) (bench/ttft_p50_parts.py's), so
  t_full = s (t0 + kappa room).
Beside them the first-token law at the run's own inputs, with the model's own-stream wait (law@meas, the default)
and with the least-busy dispatch's law on the same engines (`least_busy_rows`: the wait at rho_d over the harness's
engines at its Cramer-Lundberg tail), against the measured p50 / p99 and validate's row.
A measurement harness, not the product: validate's numbers are unchanged. docs/accuracy.md "The capacity point's
prompt queue against the runs'" (s21-cap) has the tables and what they say.
"""
from __future__ import annotations

import collections
import math
import statistics as st
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ttft_at_runs  # noqa: E402  (it reads `--with`: validate's mechanisms)
from compiler import validate as V  # noqa: E402


def prompt_queue(t0: float, kappa: float, room: float, t_mean: float, rows: float, budget: float, I: float,
                 O: float, rate: float, engines: float, T: float) -> dict:
    """The prompt queue at the model's capacity point and at the run's inputs (module docstring), in seconds and
    requests/s: the model's rows an engine `rows`, its `room` (budget - rows, less the chunk rounding), t0, kappa
    and mean step t_mean; the run's completed samples/s `rate` over `engines`, its TPOT mean T. Returns both sides'
    rows, room, t_full, lam and rho, the step scale s, and the three factors of rho_model / rho_run (rate, t_full,
    room), whose product is that ratio exactly."""
    lam_m = rows / (O * t_mean)
    t_full_m = t0 + kappa * room
    lam_r = rate / engines
    rows_r = lam_r * O * T
    room_r = max(budget - rows_r, 1.0)
    s = T / (t0 + T * kappa * lam_r * I)
    t_full_r = s * (t0 + kappa * room_r)
    rho_m, rho_r = lam_m * I * t_full_m / room, lam_r * I * t_full_r / room_r
    return dict(rows_m=rows, rows_r=rows_r, room_m=room, room_r=room_r, t_full_m=t_full_m, t_full_r=t_full_r,
                t_mean=t_mean, T=T, lam_m=lam_m, lam_r=lam_r, rho_m=rho_m, rho_r=rho_r, s=s,
                rate=lam_m / lam_r, full=t_full_m / t_full_r, room=room_r / room)


def harness_engines(r) -> float:
    """The harness's engines c where it dispatches least busy (compiler/validate.py `dispatch_policy`, the
    submitter's layout where known: `least_busy_rows`'s c), else 0."""
    d = r.data
    bench, _ = V._benchmark(d["benchmark"])
    alias = V.alias_for(d["accelerator"])
    scenario = "interactive" if "interactive" in d["benchmark"] else "server"
    layout = V.layout_for(d["round"], V.SERVING[bench].model, scenario, alias.chip, d.get("source", ""))
    policy, c = V.dispatch_policy(d["round"], V.FAMILIES.get(alias.chip, ""), layout, float(d["num_accelerators"]))
    return float(c) if policy == "least" else 0.0


def parts_of(run: dict) -> dict | None:
    """One run's prompt queue (prompt_queue) and its first-token law at the run's inputs, own-stream and
    least-busy, beside the measured and validate's TTFT; None where bench/ttft_at_runs.py does not simulate it."""
    if run.get("skip") or "engine" not in run:
        return None
    m, e, p, col = run["m"], run["engine"], run["parts"], run["col"]
    I, O = e["prompt"][0], e["output"][0]
    rate, T = float(m["completed_samples_per_s"]), float(m["tpot_mean_ms"]) / 1e3
    x = prompt_queue(p[1], p[2], p[3], p[9], col["batch"] / max(col["ep_ranks"], 1.0), e["budget"], I, O, rate,
                     e["engines"], T)
    first = run["rows"][next(iter(run["rows"]))]
    cv = float(first.lets.get("prompt_length_cv", e["prompt"][1]))
    least = list(p)
    c = harness_engines(first)
    if c:       # `least_busy_rows`: share 1, the harness's c engines, the wait's own tail (2: `least_busy_bulk`)
        least[21], least[22], least[24] = 1.0, c, 2.0 if "least_busy_bulk" in sys.argv else 1.0
    for key, parts in (("law", p), ("law_lb", least)):
        x[key] = {q: ttft_at_runs.law_at(parts, x["s"], T, x["lam_r"], x["rows_r"], e["budget"], I, cv, q)
                  for q in (0.50, 0.99)}
    x["meas"] = {0.50: float(m["ttft_p50_ms"]) / 1e3, 0.99: float(m["ttft_p99_ms"]) / 1e3}
    x["model"] = {q: run["rows"][cat].predicted if cat in run["rows"] else math.nan
                  for q, cat in ((0.50, "TTFT p50"), (0.99, "TTFT p99"))}
    x.update(budget=e["budget"], engines=e["engines"], policy=e["policy"])
    return x


def main() -> None:
    args = sys.argv[1:]
    only = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--only"]
    runs, _ = ttft_at_runs.collect()
    table = collections.defaultdict(list)
    if "--rows" in args:
        print("| run | engines, budget | rows: model / run | room | t_full ms | TPOT mean ms | rate /s an engine | "
              "rho | TTFT p50 ms: meas / law / law least-busy / model | TTFT p99 ms: the same |")
        print("|---|---|---|---|---|---|---|---|---|---|")
    for run in sorted(runs, key=lambda x: (x["group"], x["label"])):
        if only and not any(o in run["label"] for o in only):
            continue
        x = parts_of(run)
        if x is None:
            continue
        table[run["group"]].append(x)
        if "--rows" in args:
            ms = lambda v: f"{v * 1e3:.0f}" if math.isfinite(v) else "-"  # noqa: E731
            cells = [" / ".join(ms(v) for v in (x["meas"][q], x["law"][q], x["law_lb"][q], x["model"][q]))
                     for q in (0.50, 0.99)]
            print(f"| {run['group']}: {run['label'][:60]} | {x['engines']}x {x['policy']}, {x['budget']:.0f} | "
                  f"{x['rows_m']:.0f} / {x['rows_r']:.0f} | {x['room_m']:.0f} / {x['room_r']:.0f} | "
                  f"{x['t_full_m'] * 1e3:.1f} / {x['t_full_r'] * 1e3:.1f} | {x['t_mean'] * 1e3:.1f} / "
                  f"{x['T'] * 1e3:.1f} | {x['lam_m']:.2f} / {x['lam_r']:.2f} | {x['rho_m']:.3f} / {x['rho_r']:.3f} | "
                  f"{cells[0]} | {cells[1]} |")
    print("\n| group | runs | rho model / run | = rate | x t_full | x room | TTFT p50 vs meas: law / law least-busy / "
          "model | TTFT p99 vs meas: the same |")
    print("|---|---|---|---|---|---|---|---|")
    med = lambda xs: st.median(xs) if xs else math.nan  # noqa: E731
    for name, xs in sorted(table.items()):
        rho = med([x["rho_m"] / x["rho_r"] for x in xs]) - 1
        rate, full, room = (med([x[k] for x in xs]) - 1 for k in ("rate", "full", "room"))
        cells = []
        for q in (0.50, 0.99):
            cells.append(" / ".join(f"{med([x[k][q] / x['meas'][q] for x in xs]) - 1:+.1%}"
                                    for k in ("law", "law_lb", "model")))
        print(f"| {name} | {len(xs)} | {med([x['rho_m'] for x in xs]):.2f} / {med([x['rho_r'] for x in xs]):.2f} "
              f"({rho:+.1%}) | {rate:+.1%} | {full:+.1%} | {room:+.1%} | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main()
