"""How far validate's category medians move under small perturbations of the model (issue 11: the knife edge).

    PYTHONPATH=. python3 bench/capacity_knife.py                  (~11 validate runs: base and each perturbation)
    PYTHONPATH=. python3 bench/capacity_knife.py --near           (and the capacity points within 1% of a limit)
    ... --with NAME / --without NAME                              (validate's MECHANISMS, as `validate --with`)
    ... --only step+1e-3,step-1e-3                                (a subset of the perturbations; `base` alone: base)
    ... --dump PREFIX                                             (each run's rows to PREFIX_<perturbation>.json)
    ... --with continuous_capacity --fraction 0.94                (its OPERATING_FRACTION set to 0.94)
    ... --phase 0.5                                               (the batch grid round(r^(k + 0.5)), r = 1.146: the
                                                                  grid's phase, which has no source, moved)

Perturbations (each on every row, one at a time):
- `step x (1 + e)`: every decode step of evaluate_configs' `step` (its time and its terms) times 1 + e, so the
  TPOT, the mean step, Little's law and the first token's steps all scale; a change of the model's speed;
- `output x (1 + e)`: the rows' output_tokens (the benchmark's mean answer) times 1 + e;
- `limits x (1 + e)`: both latency limits (ttft_limit, tpot_limit) of every Server / Interactive row times 1 + e.

A measurement harness, not the product: the step's scale is a patched copy of evaluate_configs (its source with
the step wrapped), put back after each run. For each perturbation it prints every category's median |error| and
rows within 10%, and the latency rows whose capacity batch moved.
"""
from __future__ import annotations

import inspect
import sys
import textwrap
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from compiler import validate as V
from compiler.models import inference as M

CALIBRATION = ROOT / "reference" / "mlperf_calibration.csv"
CATEGORIES = ("inference Offline", "inference Server", "inference Interactive", "TTFT p50", "TTFT p99",
              "TPOT mean", "TPOT p99")
PERTURBATIONS = (("base", None, 0.0),
                 ("step+1e-4", "step", 1e-4), ("step-1e-4", "step", -1e-4),
                 ("step+1e-3", "step", 1e-3), ("step-1e-3", "step", -1e-3),
                 ("step+1e-2", "step", 1e-2), ("step-1e-2", "step", -1e-2),
                 ("output+1%", "output", 1e-2), ("output-1%", "output", -1e-2),
                 ("limits+0.5%", "limits", 5e-3), ("limits-0.5%", "limits", -5e-3))


def mechanisms():
    args = sys.argv[1:]
    on = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--with"]
    off = [args[i + 1] for i, a in enumerate(args[:-1]) if a == "--without"]
    return V.mechanisms_with(on=on, off=off) if on or off else None


def _scaled_evaluate_configs(scale: float):
    """evaluate_configs with its `step` closure's time and terms times `scale` (a copy of its source)."""
    src = textwrap.dedent(inspect.getsource(M.evaluate_configs))
    head = "    def step(prefill_share, B=B):\n"
    assert src.count(head) == 1
    wrapper = ("    def step(prefill_share, B=B):\n"
               "        t_, terms_ = _raw_step(prefill_share, B)\n"
               f"        s_ = {scale!r}\n"
               "        return t_ * s_, {k_: (v_ if k_ == 'clock_fraction' else v_ * s_)\n"
               "                         for k_, v_ in terms_.items()}\n\n"
               "    def _raw_step(prefill_share, B=B):\n")
    src = src.replace(head, wrapper)
    space = dict(M.__dict__)
    exec(compile(src, M.__file__, "exec"), space)
    return space["evaluate_configs"]


def run(kind: str | None, e: float):
    """validate's rows under one perturbation."""
    plan, evaluate = V.plan, M.evaluate_configs

    def planning(row, mech=None):
        plan(row, mech)
        f = row.fields
        if not f:
            return
        if kind == "output" and "output_tokens" in f:
            q = f["output_tokens"]
            f["output_tokens"] = V.Q(q.value * (1 + e), q.unit)
        if kind == "limits":
            for name in ("ttft_limit", "tpot_limit"):
                if name in f:
                    f[name] = V.Q(f[name].value * (1 + e), f[name].unit)
    V.plan = planning
    if kind == "step":
        M.band.evaluate_configs = M.grid_search.evaluate_configs = M.solution.evaluate_configs = M.evaluate_configs = _scaled_evaluate_configs(1 + e)
    try:
        rows, _ = V.run(str(CALIBRATION), mechanisms=mechanisms())
    finally:
        V.plan, M.evaluate_configs = plan, evaluate
    return rows


def stats(rows) -> dict:
    by = defaultdict(list)
    for r in rows:
        if r.fields and np.isfinite(r.error):
            by[r.category].append(abs(r.error))
    return {c: (float(np.median(by[c])), int(np.sum(np.asarray(by[c]) <= V.GATE)), len(by[c])) for c in by}


def batches(rows) -> dict:
    return {r.line: (r.extra.get("tp"), r.extra.get("pp"), r.extra.get("batch")) for r in rows
            if r.fields and np.isfinite(r.error)}


def near(within: float = 0.01) -> None:
    """The Server / Interactive capacity points within `within` of a limit: the point's own TPOT p99 or TTFT p99 at
    >= 1 - within of its limit, or its layout's next grid batch refused by a limit it misses by <= within (a change of
    the model by that much moves the point one grid step). bench/capacity_binding.py's capture and binding."""
    sys.path.insert(0, str(ROOT / "bench"))
    import capacity_binding as CB
    rows, kept = CB.capture()
    lat = defaultdict(int)
    for r in rows:
        if r.category.startswith("T") and r.fields and np.isfinite(r.error):
            lat[V._submission(r)] += 1
    seen, points = set(), {}
    print(f"\ncapacity points within {within:.0%} of a limit (own p99 / limit, or the next grid batch's):")
    for r in rows:
        if r.category not in ("inference Server", "inference Interactive") or not np.isfinite(r.error):
            continue
        q = kept.get(f"validation.{r.block}")
        if q is None:
            continue
        L_ttft, L_tpot = r.fields["ttft_limit"].value, r.fields["tpot_limit"].value
        b = CB.binding(q, L_tpot, L_ttft)
        own = max(b["tpot"] / L_tpot, b["ttft"] / L_ttft)
        nxt = b.get("nxt")
        nx = max(nxt["tpot"] / L_tpot, nxt["ttft"] / L_ttft) if nxt else float("nan")
        if not (own >= 1 - within or (nxt and b["next"] in ("TPOT", "TTFT") and nx <= 1 + within)):
            continue
        config = (r.data["round"], r.data["benchmark"].replace("-99.9", "-99"), r.data["accelerator"],
                  r.data["num_accelerators"], b["B"])
        lat[config] += lat[V._submission(r)] if V._submission(r) not in seen else 0
        seen.add(V._submission(r))
        points.setdefault(config, (r, b, own, nx, []))[4].append(r.line)
    for (rnd, bench, acc, n, B), (r, b, own, nx, lines) in points.items():
        nxt = b.get("nxt")
        L_ttft, L_tpot = r.fields["ttft_limit"].value, r.fields["tpot_limit"].value
        key = (rnd, bench, acc, n, B)
        print(f"  {len(lines):2d} throughput rows (line {lines[0]}) {rnd} {bench:28s} {acc[:24]:24s} x{n:>3s}"
              f"  B{b['B']:.0f} TPOT {b['tpot'] / L_tpot:.5f} TTFT {b['ttft'] / L_ttft:.4f} "
              f"of limit; next B{nxt['B'] if nxt else float('nan'):.0f} {b['next']} at {nx:.4f}; "
              f"{lat[key]} latency rows")


def main():
    args = sys.argv[1:]
    if "--near" in args:
        near()
        if "--only" not in args:
            return
    only = None
    if "--phase" in args:            # the batch grid shifted by a phase p of its ratio: round(r^(k + p))
        p = float(args[args.index("--phase") + 1])
        r = 16384 ** (1 / 71)
        M.grid_search.BATCH_GRID = M.physics.BATCH_GRID = M.solution.BATCH_GRID = M.BATCH_GRID = np.unique(np.round(r ** (np.arange(72) + p)))
    if "--fraction" in args:         # continuous_capacity's operating fraction (validate's OPERATING_FRACTION)
        V.OPERATING_FRACTION = float(args[args.index("--fraction") + 1])
    if "--only" in args:
        only = set(args[args.index("--only") + 1].split(","))
    results = {}
    base_rows = None
    for name, kind, e in PERTURBATIONS:
        if only and name not in only and name != "base":
            continue
        rows = run(kind, e)
        if base_rows is None:
            base_rows = rows
        results[name] = (stats(rows), batches(rows), {r.line: r for r in rows})
        if "--dump" in args:         # every compared row's prediction, a JSON file per perturbation
            import json
            with open(f"{args[args.index('--dump') + 1]}_{name}.json", "w") as f:
                json.dump({r.line: [r.category, r.measured, r.predicted, r.error, r.extra.get("batch")] for r in rows
                           if r.fields and np.isfinite(r.error)}, f)
        s = results[name][0]
        print(f"{name:12s} " + "  ".join(f"{c.replace('inference ', '')[:11]:>11s} {s[c][0] * 100:5.2f}% {s[c][1]:3d}"
                                         for c in CATEGORIES if c in s), flush=True)
    base = results["base"]
    for name, (s, b, by_line) in results.items():
        if name == "base":
            continue
        moved = sorted({(base[2][ln].data["round"], base[2][ln].data["benchmark"], base[2][ln].data["scenario"],
                         base[2][ln].data["accelerator"][:22], base[2][ln].data["num_accelerators"],
                         base[1][ln][2], b[ln][2])
                        for ln in b if ln in base[1] and base[1][ln] != b[ln]
                        and base[2][ln].category != "inference Offline"})
        print(f"\n{name}: {len(moved)} Server/Interactive configurations moved batch (base B -> B)")
        for m in moved:
            print("   ", *m)


if __name__ == "__main__":
    main()
