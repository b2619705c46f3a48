"""Each run's TTFT p50 error split into its operating point, its step and the first-token law (issue 11, TTFT).

    PYTHONPATH=. python3 bench/ttft_p50_parts.py            (~1 min CPU: validate at capacity and at load)
    PYTHONPATH=. python3 bench/ttft_p50_parts.py --rows     (and one line a run)
    ... --with NAME                                          (validate's mechanisms, as `validate --with`)

For every TTFT p50 row of validate (the -99 / -99.9 repeats counted twice, as validate counts them) the model's
error telescopes exactly into three factors, each a ratio of two of four TTFT p50 figures of the same run:

    model / measured = (model / model@load) x (model@load / law@meas) x (law@meas / measured)
                        operating point        step                      law

- model: validate's default row (the model at its own capacity point);
- model@load: validate `--latency-at load` (the model at the run's measured throughput, with the model's own step
  there); a run whose measured throughput is above the model's capacity stays at the capacity point (its
  operating-point factor 1, marked `cap`);
- law@meas: the model's prompt-queue law (`_budget_ttft`, every part as validate builds it for the row) fed the
  run's measured load and measured step: bench/ttft_at_runs.py's `law_at`, with the step scale s taken from the mean
  step's fixed point s = T / (t0 + T kappa lam I) (T the measured TPOT mean, t0 / kappa the model's decode step and
  prompt token's time at the row's solved point, lam the requests/s an engine, I the dataset's mean prompt): the
  start of bench/ttft_at_runs.py's secant, without its simulation (the simulated s differs by the row count's
  spread, median ~1%);
- measured: the run's LoadGen TTFT p50.

Beside them, the two inputs the brief names: the operating point as the model's capacity against the run's
measured throughput (the Server / Interactive row of the same configuration, model / measured - 1), and the step
as the model's TPOT mean at the run's measured load against the measured TPOT mean (model@load / measured - 1;
at the capacity point in brackets), with the TPOT p99 at the capacity point and the spread factor (model mean / p99)
/ (the run's mean / p99) - 1, so that TPOT mean error = (1 + TPOT p99 error) x (1 + spread) - 1 exactly (s14-tpot's
split: a right p99 with too narrow a per-request spread is a mean too high). Printed twice, by bench/ttft_steps.py's
groups with the round and by the stdlib chip and benchmark (the head of docs/accuracy.md): signed medians of each
factor (so the columns need not multiply exactly); then the median |error| of the three TTFT p50 figures against
measured, and how many rows the model's capacity point leaves below the run's own throughput.
A measurement harness, not the product: validate's numbers are unchanged. docs/accuracy.md "The step and the
operating point behind the TTFT p50" (s20-step) has the table and what it says.
"""
from __future__ import annotations

import collections
import math
import statistics as st
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.ttft_at_runs import CALIBRATION, collect, law_at, mechanisms  # noqa: E402
from compiler import validate as V  # noqa: E402


def law_p50(run: dict) -> float:
    """law@meas at the p50 (module docstring): the law at the run's measured rate and TPOT mean."""
    m, e, p = run["m"], run["engine"], run["parts"]
    rate, t_meas = float(m["completed_samples_per_s"]), float(m["tpot_mean_ms"]) / 1e3
    lam = rate / e["engines"]
    rows = lam * e["output"][0] * t_meas                 # Little's law: decode rows an engine holds
    s = t_meas / (p[1] + t_meas * p[2] * lam * e["prompt"][0])
    cv = float(run["rows"]["TTFT p50"].lets.get("prompt_length_cv", e["prompt"][1]))
    return law_at(p, s, t_meas, lam, rows, e["budget"], e["prompt"][0], cv, 0.50)


def companions(rows_cap: list, rows_load: list) -> dict:
    """{TTFT p50 row line: (throughput row, TPOT mean row at capacity, TPOT mean row at load, TPOT p99 row at
    capacity)}: the same configuration's Server / Interactive row (its submission) and the run's TPOT mean and p99
    rows (lines + 2, + 3)."""
    by_line = {r.line: r for r in rows_cap}
    load_by_line = {r.line: r for r in rows_load}
    thr = {V._submission(r): r for r in rows_cap
           if r.category in ("inference Server", "inference Interactive") and math.isfinite(r.predicted)}
    out = {}
    for r in rows_cap:
        if r.category != "TTFT p50":
            continue
        tpot, p99 = by_line.get(r.line + 2), by_line.get(r.line + 3)
        if tpot is None or tpot.category != "TPOT mean" or p99 is None or p99.category != "TPOT p99":
            continue
        out[r.line] = (thr.get(V._submission(r)), tpot, load_by_line.get(tpot.line), p99)
    return out


def main() -> None:
    args = sys.argv[1:]
    on = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--with"]     # read by ttft_at_runs.mechanisms too
    print(f"validate's mechanisms: the defaults{' with ' + ', '.join(on) if on else ''}\n")
    runs, ttft_rows = collect()
    rows_load, _ = V.run(str(CALIBRATION), latency_at="load", mechanisms=mechanisms())
    rows_cap, _ = V.run(str(CALIBRATION), mechanisms=mechanisms())
    comp = companions(rows_cap, rows_load)
    by_key = {run["key"]: run for run in runs}
    per_row = []
    for r, key in ttft_rows:
        if r.category != "TTFT p50":
            continue
        run = by_key[key]
        thr, tpot, tpot_load, p99 = comp.get(r.line, (None, None, None, None))
        load = run["at_load"].get(r.line, math.nan)
        law = law_p50(run) if "engine" in run else math.nan
        meas = r.measured
        per_row.append({
            "group": run["group"], "chip": f"{r.chip} {r.data['benchmark'].replace('-99.9', '').replace('-99', '')}",
            "label": run["label"], "err": r.error,
            "op": r.predicted / load - 1, "step": load / law - 1, "law": law / meas - 1,
            "load_err": load / meas - 1, "law_err": law / meas - 1,
            "thr": thr.error if thr else math.nan,
            "tpot_load": tpot_load.error if tpot_load else math.nan,
            "tpot_cap": tpot.error if tpot else math.nan,
            "tpot_p99": p99.error if p99 else math.nan,
            "spread": (1 + tpot.error) / (1 + p99.error) - 1 if tpot and p99 else math.nan,
            "cap": bool(tpot_load and tpot_load.extra.get("at_capacity"))})

    def med(xs, signed=True):
        xs = [x for x in xs if math.isfinite(x)]
        if not xs:
            return "-"
        return f"{st.median(xs):+.1%}" if signed else f"{st.median(abs(x) for x in xs):.1%}"
    if "--rows" in sys.argv:
        print("| run | TTFT p50 error | operating point | step | law | throughput | TPOT mean at load (capacity) |")
        print("|---|---|---|---|---|---|---|")
        for x in sorted(per_row, key=lambda x: (x["group"], x["label"])):
            print(f"| {x['group']}: {x['label'][:64]} | {x['err']:+.1%} | {x['op']:+.1%}{' cap' if x['cap'] else ''}"
                  f" | {x['step']:+.1%} | {x['law']:+.1%} | {x['thr']:+.1%} | {x['tpot_load']:+.1%} "
                  f"({x['tpot_cap']:+.1%}) |")
        print()
    for by in ("group", "chip"):
        print(f"| {by} | TTFT p50 rows | TTFT p50 error | = operating point | x step | x law | throughput error | "
              "TPOT mean at load (at capacity) | TPOT p99 (at capacity) | spread (mean / p99 against the run's) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        groups = collections.defaultdict(list)
        for x in per_row:
            groups[x[by]].append(x)
        for name, xs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            col = lambda k: med([x[k] for x in xs])  # noqa: E731
            print(f"| {name} | {len(xs)} | {col('err')} | {col('op')} | {col('step')} | {col('law')} | {col('thr')} | "
                  f"{col('tpot_load')} ({col('tpot_cap')}) | {col('tpot_p99')} | {col('spread')} |")
        print()
    print("median |error| of the TTFT p50 over validate's rows, each figure against measured:")
    for k, what in (("err", "model (validate's default)"), ("load_err", "model@load (the model's step at the run's "
                    "load)"), ("law_err", "law@meas (the measured step at the run's load)")):
        xs = [x[k] for x in per_row if math.isfinite(x[k])]
        print(f"  {what}: {med(xs, signed=False)} ({sum(abs(v) <= 0.10 for v in xs)}/{len(xs)} within 10%)")
    below = sum(x["cap"] for x in per_row)
    print(f"  rows whose measured throughput is above the model's capacity (model@load at its capacity point, the "
          f"operating-point factor 1): {below} of {len(per_row)}")
    for k, what in (("op", "operating point"), ("step", "step"), ("law", "law")):
        xs = [x[k] for x in per_row if math.isfinite(x[k])]
        print(f"  factor {what}: median |x - 1| {med(xs, signed=False)}, signed {med(xs)}")


if __name__ == "__main__":
    main()
