"""What binds the model's capacity point against what binds the submitters' runs (TTFT p99 rows).

    PYTHONPATH=. python3 bench/capacity_binding.py            (~3 s CPU: validate once, the search's grid kept)
    PYTHONPATH=. python3 bench/capacity_binding.py --rows     (and every row of the groups below)
    PYTHONPATH=. python3 bench/capacity_binding.py --curve    (~60 s CPU: the model's TTFT p99 at each run's own
                                                              TPOT p99, along the model's load curve)
    ... --with batch_refinement                               (any of validate's MECHANISMS, as `validate --with`;
                                                              `--without NAME` as `validate --without`)

An MLPerf Server result is the highest load whose TTFT p99 and TPOT p99 meet the benchmark's limits, so each run
sits at some fraction of each limit (reference/mlperf_ttft_percentiles.csv: measured TTFT p99 / ttft_limit, TPOT
p99 / tpot_limit). The model's capacity point (compiler/models/inference/ `search`: the configuration of the
(tp, pp, batch) grid with the most throughput whose TPOT p99 and TTFT p99 fit the limits, the arrival rate cut
until the TTFT p99 fits, `_budget_utilization`) sits at its own fractions. This prints, for every TTFT p99 row
validate compares, which constraint binds the model's point and at what fraction of each limit, and why the next
batch of the grid at the same layout is refused:

- `TPOT`: the next batch's TPOT p99 exceeds the limit (the point is TPOT-bound at the grid's resolution);
- `TTFT-cut`: this point's own rate was cut until its TTFT p99 fits (`_budget_utilization`); `TTFT`: the next
  batch misses the TTFT limit even at an idle queue;
- `KV`: the batch is the rows the KV cache holds (the grid's batch clipped to them), or the next does not fit;
- `TTFT-next`: the next batch meets the TPOT limit but the TTFT p99 limit cuts its rate below this one's;
- `peak`: the next batch fits every limit uncut but carries less throughput (the throughput curve's maximum);
  `layout`: the best point is its layout's last batch.

A measurement harness, not the product: it wraps `evaluate_configs` to keep the search's whole grid of the scenario
it solves; every number validate prints is unchanged. docs/accuracy.md "What binds the capacity point" has the
tables this prints and what they say.
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

from compiler import validate as V
from compiler.models import inference as M

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"
PERCENTILES = ROOT / "reference" / "mlperf_ttft_percentiles.csv"

GROUPS = (("inference-v5.0", "llama2-70b", "H200-SXM", 8, "v5.0 8x H200 Llama 2 70B Server"),
          ("inference-v5.0", "llama2-70b", "H100-SXM", 8, "v5.0 8x H100 Llama 2 70B Server"),
          ("inference-v4.1", "llama2-70b", "H100-SXM", 8, "v4.1 8x H100 Llama 2 70B Server"),
          ("inference-v4.1", "llama2-70b", "H200-SXM", 8, "v4.1 8x H200 Llama 2 70B Server"),
          ("inference-v5.0", "mixtral-8x7b", "H200-SXM", 8, "v5.0 8x H200 Mixtral Server"),
          ("inference-v5.0", "interactive", "H200-SXM", 8, "v5.0 8x H200 Llama 2 70B Interactive"),
          ("inference-v5.0", "llama2-70b", "B200", 8, "v5.0 8x B200 Llama 2 70B Server"))


def mechanisms():
    """`--with NAME` / `--without NAME` on the command line (validate's MECHANISMS), else validate's own."""
    args = sys.argv[1:]
    on = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--with"]
    off = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--without"]
    return V.mechanisms_with(on=on, off=off) if on or off else None


def capture():
    """Run validate with the search's batch grid of each solved block kept: {block path: evaluate_configs' dict
    over the grid} (the first evaluation of the block: `batch_refinement`'s extra batches are not kept)."""
    kept, current = {}, [None]
    solve, evaluate, search = M._solve, M.evaluate_configs, M.search

    def solving(ctx):
        current[0] = ctx.path
        return solve(ctx)

    def evaluating(*args, **kw):
        q = evaluate(*args, **kw)
        kept.setdefault(current[0], q)
        return q
    _values = (solving, evaluating)   # set where every module of the inference package reads them
    for _m in (M, M.band, M.grid_search, M.solution):
        _m._solve, _m.evaluate_configs = _values
    try:
        rows, _ = V.run(str(CALIBRATION), mechanisms=mechanisms())
    finally:
        _values = (solve, evaluate, search)   # set where every module of the inference package reads them
        for _m in (M, M.band, M.grid_search, M.solution):
            _m._solve, _m.evaluate_configs, _m.search = _values
    return rows, kept


def binding(q: dict, limit_tpot: float, limit_ttft: float) -> dict:
    """The chosen column of the search (scenario 0) and why the next larger batch of its layout is refused."""
    shape = np.broadcast_shapes(*(np.shape(v) for v in q.values()))
    g = {k: np.broadcast_to(v, shape)[0] for k, v in q.items()}
    # the search's capacity columns (M._capacity_columns, `capacity_at_own_rate` 1 by default): those meeting both
    # limits at their own rate where any does; `--without capacity_at_own_rate` gives the cut columns back
    own = g["ok"] & (g["own_rate_share"] >= 1 - M.OWN_RATE_TOLERANCE)
    at_own = own.any() and (mechanisms() or V.MECHANISMS)["capacity_at_own_rate"] != ()
    score = np.where(own if at_own else g["ok"], g["throughput"] / (1 + 1e-6 * g["t_iter"]), -np.inf)
    i = int(np.argmax(score))
    same = ((g["tp"] == g["tp"][i]) & (g["pp"] == g["pp"][i]) & (g["ep_ranks"] == g["ep_ranks"][i]))
    batches = np.where(same & (g["batch"] > g["batch"][i]), g["batch"], np.inf)
    j = int(np.argmin(batches))
    d = g["ep_ranks"][i]
    uncut = g["replicas"][i] * g["batch"][i] / g["t_iter"][i]        # d B / t_iter a replica (k = 1)
    cut = g["throughput"][i] / uncut
    out = {"B": g["batch"][i], "tp": g["tp"][i], "pp": g["pp"][i], "t_iter": g["t_iter"][i],
           "tpot": g["tpot"][i], "ttft": g["ttft"][i], "ttft_p50": g["ttft_p50"][i], "cut": cut,
           "throughput": g["throughput"][i], "kv_rows": g["max_batch"][i] / max(d, 1)}
    if g["batch"][i] >= g["max_batch"][i] - 1e-9:
        out["next"] = "KV"                 # the grid batch clipped to the rows the KV cache holds
        return out
    if not np.isfinite(batches[j]):
        out["next"] = "layout"
        return out
    nxt = {"B": g["batch"][j], "tpot": g["tpot"][j], "ttft": g["ttft"][j], "fits": bool(g["fits"][j]),
           "ok": bool(g["ok"][j]), "throughput": g["throughput"][j],
           "cut": g["throughput"][j] / (g["replicas"][j] * g["batch"][j] / g["t_iter"][j])}
    out["nxt"] = nxt
    if not nxt["fits"]:
        out["next"] = "KV"
    elif nxt["tpot"] > limit_tpot * (1 + 1e-9):
        out["next"] = "TPOT"
    elif nxt["ttft"] > limit_ttft * (1 + 1e-9):
        out["next"] = "TTFT"
    elif nxt["cut"] < 1 - 1e-6:
        out["next"] = "TTFT-next"          # the next batch's rate is cut by the TTFT p99 limit below this one's
    else:
        out["next"] = "peak"
    return out


CURVE = (0.70, 0.80, 0.86, 0.90, 0.93, 0.96, 0.98, 0.995)


def curve(rows) -> dict:
    """Each TTFT p99 row's model load curve: the latencies at offered loads f x the model's own capacity (the
    submission's Server throughput row as predicted), f in CURVE, then 1 (the capacity point): {line: [(f, TPOT p99,
    TTFT p99), ...]}. validate's `--latency-at load` path, with the offered load set from the model, not the run."""
    capacity = {V._submission(r): r.predicted for r in rows if r.output == "tokens_per_s" and np.isfinite(r.predicted)}
    loads = V.measured_loads
    out = defaultdict(list)
    for f in CURVE:
        def offered(rows, f=f):
            for r in rows:
                if r.kind == "inference" and r.fields and r.output in V.LATENCY_OUTPUTS.values():
                    c = capacity.get(V._submission(r))
                    if c is not None:
                        r.fields["offered_load"] = V.Q(c * f, "tok/s")
        V.measured_loads = offered
        try:
            swept, _ = V.run(str(CALIBRATION), latency_at="load", mechanisms=mechanisms())
        finally:
            V.measured_loads = loads
        tpot = {V._submission(r) + (r.data["benchmark"],): r.predicted for r in swept if r.category == "TPOT p99"}
        for r in swept:
            if r.category == "TTFT p99":
                out[r.line].append((f, tpot.get(V._submission(r) + (r.data["benchmark"],), np.nan), r.predicted))
    for r in rows:
        if r.category == "TTFT p99":
            tpot = next((x.predicted for x in rows if x.category == "TPOT p99" and
                         V._submission(x) == V._submission(r) and x.data["benchmark"] == r.data["benchmark"]), np.nan)
            out[r.line].append((1.0, tpot, r.predicted))
    return out


def at_measured_tpot(points, tpot_measured: float) -> tuple[float, bool]:
    """The model's TTFT p99 on its load curve where its TPOT p99 equals the run's (linear between the curve's
    points; the capacity point's where the run's TPOT p99 is above the model's there: flagged)."""
    pts = sorted(p for p in points if np.isfinite(p[1]) and np.isfinite(p[2]))
    tp = np.array([p[1] for p in pts])
    tt = np.array([p[2] for p in pts])
    if tpot_measured >= tp[-1]:
        return float(tt[-1]), True
    return float(np.interp(tpot_measured, tp, tt)), False


def main() -> None:
    measured = {}
    with open(PERCENTILES) as f:
        for m in csv.DictReader(f):
            measured[m["source"]] = m
    rows, kept = capture()
    by_line = {r.line: r for r in rows}
    throughput = {V._submission(x): x for x in rows if x.output == "tokens_per_s" and np.isfinite(x.predicted)}
    points = []
    for r in rows:
        if r.category != "TTFT p99" or not np.isfinite(r.predicted):
            continue
        m = measured.get(r.data["source"].split(" ")[0])
        q = kept.get(f"validation.{r.block}")
        if m is None or q is None:
            continue
        lim_ttft, lim_tpot = float(m["ttft_limit_ms"]) / 1e3, float(m["tpot_limit_ms"]) / 1e3
        b = binding(q, lim_tpot, lim_ttft)
        siblings = {x.category: x for x in rows if x.data.get("source") == r.data["source"]
                    and x.data.get("benchmark") == r.data["benchmark"]}
        server = throughput.get(V._submission(r))
        points.append({
            "line": r.line, "round": r.data["round"], "bench": r.data["benchmark"], "acc": r.data["accelerator"],
            "n": int(r.data["num_accelerators"]), "system": m["system"], "b": b,
            "model_tpot": siblings["TPOT p99"].predicted / lim_tpot, "model_ttft": r.predicted / lim_ttft,
            "meas_tpot": float(m["tpot_p99_ms"]) / float(m["tpot_limit_ms"]),
            "meas_ttft": float(m["ttft_p99_ms"]) / float(m["ttft_limit_ms"]),
            "err": r.error, "err_tpot": siblings.get("TPOT p99").error if "TPOT p99" in siblings else float("nan"),
            "err_server": server.error if server else float("nan"),
            "model_ttft_s": b["ttft"], "meas_ttft_s": float(m["ttft_p99_ms"]) / 1e3})
    assert by_line
    med = st.median
    if "--curve" in sys.argv[1:]:
        curves = curve(rows)
        for p in points:
            m = p["meas_tpot"] * (0.2 if "interactive" not in p["bench"] else 0.04)
            ttft, capped = at_measured_tpot(curves[p["line"]], m)
            p["err_curve"], p["capped"] = ttft / p["meas_ttft_s"] - 1, capped

    def label(p):
        b = p["b"]
        bound = "TTFT-cut" if b["cut"] < 1 - 1e-6 else b["next"]
        return bound

    def meas_label(p):
        return "TPOT" if p["meas_tpot"] >= p["meas_ttft"] else "TTFT"

    print("All TTFT p99 rows, by the model's binding constraint (next batch of its layout refused by ...):")
    counts = defaultdict(list)
    for p in points:
        counts[label(p)].append(p)
    for k, v in sorted(counts.items()):
        print(f"  {k:9} {len(v):3d} rows, TTFT p99 within 10%: {sum(abs(x['err']) <= 0.1 for x in v):3d}, "
              f"median signed {100 * med(x['err'] for x in v):+6.1f}%, model TPOT p99 / limit "
              f"{med(x['model_tpot'] for x in v):.2f}, measured {med(x['meas_tpot'] for x in v):.2f}; "
              f"TTFT p99 / limit model {med(x['model_ttft'] for x in v):.2f}, measured "
              f"{med(x['meas_ttft'] for x in v):.2f}")

    if "--curve" in sys.argv[1:]:
        e = [p["err_curve"] for p in points]
        print(f"  every row on the model's curve at its own TPOT p99: median |error| {100 * med(map(abs, e)):.1f}%, "
              f"within 10% {sum(abs(x) <= 0.1 for x in e)} of {len(e)} (a diagnostic: it reads the run's TPOT)")
    print("\nBy group (medians; limit fractions model / measured):")
    print(f"{'group':40} {'rows':>4} {'model binds':>14} {'B':>6} {'next B: TPOT/lim':>17} {'TPOT p99/lim':>13} "
          f"{'TTFT p99/lim':>13} {'TTFT p99 err':>12} {'within':>6} {'TPOT p99 err':>12} {'Server err':>10}")
    for rnd, bench, acc, n, title in GROUPS:
        v = [p for p in points if p["round"] == rnd and bench in p["bench"] and acc in p["acc"] and p["n"] == n
             and ("interactive" in p["bench"]) == ("interactive" in bench)]
        if not v:
            continue
        binds = defaultdict(int)
        for p in v:
            binds[label(p)] += 1
        nb = [p["b"]["nxt"]["tpot"] for p in v if "nxt" in p["b"]]
        lim = 0.2 if "interactive" not in bench else 0.04
        print(f"{title:40} {len(v):4d} {','.join(f'{k} {c}' for k, c in binds.items()):>14} "
              f"{med(p['b']['B'] for p in v):6.0f} {med(nb) / lim if nb else float('nan'):17.2f} "
              f"{med(p['model_tpot'] for p in v):5.2f} / {med(p['meas_tpot'] for p in v):4.2f} "
              f"{med(p['model_ttft'] for p in v):5.2f} / {med(p['meas_ttft'] for p in v):4.2f} "
              f"{100 * med(p['err'] for p in v):+11.1f}% {sum(abs(p['err']) <= 0.1 for p in v):6d} "
              f"{100 * med(p['err_tpot'] for p in v):+11.1f}% {100 * med(p['err_server'] for p in v):+9.1f}%")
        if "--curve" in sys.argv[1:]:
            print(f"{'':40} on the model's curve at each run's own TPOT p99: TTFT p99 median signed "
                  f"{100 * med(p['err_curve'] for p in v):+.1f}%, median |error| "
                  f"{100 * med(abs(p['err_curve']) for p in v):.1f}%, within 10% "
                  f"{sum(abs(p['err_curve']) <= 0.1 for p in v)} (runs above the model's capacity TPOT: "
                  f"{sum(p['capped'] for p in v)})")
        if "--rows" in sys.argv[1:]:
            lim = 0.2 if "interactive" not in bench else 0.04
            for p in sorted(v, key=lambda p: p["meas_tpot"]):
                b = p["b"]
                nxt = b.get("nxt", {})
                print(f"    line {p['line']:5d} {label(p):8} B{b['B']:5.0f} cut {b['cut']:.3f} model TPOT "
                      f"{p['model_tpot']:.2f} TTFT {p['model_ttft']:.2f} (next B{nxt.get('B', 0):5.0f} TPOT "
                      f"{nxt.get('tpot', 0) / lim:.2f}) | measured TPOT "
                      f"{p['meas_tpot']:.2f} TTFT {p['meas_ttft']:.2f} binds {meas_label(p)} | TTFT p99 err "
                      f"{100 * p['err']:+6.1f}% Server {100 * p['err_server']:+6.1f}%  {p['system'][:40]}")


if __name__ == "__main__":
    main()
