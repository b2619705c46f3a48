"""The per-step fixed cost of a training step by what a run's CUDA graphs capture (issue 11, training; docs/accuracy.md
"The per-step overhead by what a graph captures", s17-stepover). Read-only: prints, fits nothing into the tree.

    PYTHONPATH=. python3 bench/step_overhead.py            (everything: about 1 min of CPU)

1. the model's step at the logged layout with c_0 = 0 against NVIDIA's MLPerf step logs (block_start to block_stop
   over a block's steps, training_results_v4.0 / v4.1 NVIDIA/results/*/result_0.txt [P]; docs/accuracy.md
   "Training v8"): what a step costs beyond the modelled work, by graph scope;
2. the public time-to-train rows' grid over (c_0, c_m): a per-micro-batch host term beside the per-step one
   (`microbatch_host_time`), fitted once on reference/mlperf_calibration.csv at e_t 0.76;
3. the grid over (e_t, c_0): can a share of the step stand in for the constant;
4. the c_0 each public row would set, all else as is, by benchmark and graph scope (a diagnosis, not a fit);
5. the held-out training predictions (tests/data/heldout_shape.csv; printed, never fitted) without and with
   `full_graph_schedule`."""
from __future__ import annotations

import csv
import statistics
import sys
import tempfile
from pathlib import Path

import numpy as np

import dsl
from compiler import validate as V
from compiler.evaluate import evaluate
from compiler.lower import lower
from compiler.validate import Name, Number
from compiler.validate_docs import write_filled

CALIBRATION = "reference/mlperf_calibration.csv"
HELDOUT = "tests/data/heldout_shape.csv"
# calibration line: (the logged layout, the logged steady step in s) [P]
LOGGED = {426: (dict(tp=4, pp=6, virtual_stages=8, microbatch=1, cp=1), 0.921),   # GPT-3 v4.0 10,752 H100, per layer
          483: (dict(tp=4, pp=1, cp=2, microbatch=1), 0.541),   # LoRA v4.1 64 H100, per layer
          480: (dict(tp=4, pp=1, cp=2, microbatch=1), 0.549),   # LoRA v4.1 1,024 H100, per layer
          430: (dict(tp=4, pp=1, cp=2, microbatch=1), 0.637),   # LoRA v4.0 64 H100, none
          428: (dict(tp=4, pp=1, cp=2, microbatch=1), 0.651),   # LoRA v4.0 1,024 H100, none
          431: (dict(tp=4, pp=1, cp=1, microbatch=1), 3.71),    # LoRA v4.0 8 H100, none (4 micro-batches)
          484: (dict(tp=4, pp=1, cp=1, microbatch=1), 3.68),    # LoRA v4.1 8 H100, none
          478: (dict(tp=1, pp=1, cp=2, microbatch=1), 1.70)}    # LoRA v4.1 8 B200, per layer


def logged_steps() -> None:
    rows = [r for r in V.read_csv(CALIBRATION) if r.line in LOGGED]
    for r in rows:
        V.plan(r, None)
        r.fields.update({k: Number(v) for k, v in LOGGED[r.line][0].items()})
        r.lets["training_step_overhead"] = V.Q(0, "s")
    checked, sink = dsl.check_text(V.spec_text(rows), name="logged.factory")
    res = evaluate(lower(checked, sink), sink)
    val = lambda k: float(np.asarray(res.values[k]).ravel()[0])
    print("1. the model's step at the logged layout, c_0 = 0, against the log")
    work = {}
    for r in sorted(rows, key=lambda r: r.line):
        b, g = f"validation.{r.block}", r.lets.get("cuda_graphs")
        model, log = val(f"{b}.step_time"), LOGGED[r.line][1]
        work[r.line] = model - val(f"{b}.detail.step_overhead_time")      # the step's work, its fixed part left out
        print(f"  line {r.line} {r.data['round']} {r.data['benchmark']:<16} {r.data['num_accelerators']:>6} GPUs "
              f"graphs {int(g.value) if g else 0}: model {model:.3f} s, log {log:.3f} s, beyond the model "
              f"{log - model:+.3f} s")
    # 1b. the logs as a + k x (the model's work), one micro-batch (64 / 1,024 H100) against four (8 H100): a is what
    # the run pays a step whatever its work; the v4.1 8-GPU run is un-graphed, its c_u taken off its log
    print("1b. the H100 LoRA logs as a + k x work (one micro-batch against four, the same software)")
    cu = 0.10
    for short, long_, label, off in ((430, 431, "v4.0, no graphs", 0.0), (428, 431, "v4.0, no graphs", 0.0),
                                     (483, 484, "v4.1, per layer (8-GPU log less c_u)", cu),
                                     (480, 484, "v4.1, per layer (8-GPU log less c_u)", cu)):
        k = (LOGGED[long_][1] - off - LOGGED[short][1]) / (work[long_] - work[short])
        print(f"  lines {short} / {long_} {label}: k {k:.3f}, a {LOGGED[short][1] - k * work[short]:.3f} s a step")


def _fitted(lets, params, mechanisms=None):
    rows, _ = V.run(CALIBRATION, lets={"training": lets}, params=params, mechanisms=mechanisms)
    return [r for r in rows if r.kind == "training" and r.fields and r.output == "time_to_train"]


def grid(a: str, avals, b: str, bvals, lets) -> None:
    fit = _fitted(lets, {a: avals, b: bvals})
    n = len(avals) * len(bvals)
    vals = np.asarray([np.broadcast_to(r.extra["values"], (n,)) for r in fit])
    meas = np.asarray([r.measured for r in fit])[:, None]
    for i, x in enumerate(avals):
        cells = []
        for j, y in enumerate(bvals):
            k = i * len(bvals) + j
            cells.append(f"{y:g}: {np.median(np.abs(vals[:, k] / meas[:, 0] - 1)) * 100:.2f}% / "
                         f"{np.mean(np.abs(np.log(vals[:, k] / meas[:, 0]))) * 100:.2f}")
        print(f"  {a} {x:g} | " + " | ".join(cells))


def implied() -> None:
    fit = _fitted({"training_step_overhead": V.Q(1, "s") * Name("c0")}, {"c0": [0.05, 0.15]})
    by: dict = {}
    for r in fit:
        v = np.broadcast_to(r.extra["values"], (2,))
        steps = (v[1] - v[0]) / 0.10
        g = r.lets.get("cuda_graphs")
        by.setdefault((r.data["benchmark"], int(g.value) if g else 0), []).append(
            (0.15 + (r.measured - v[1]) / steps, 0.15 * steps / v[1]))
    print("4. the c_0 each public row would set (all else as is), where c_0 is >= 10% of its modelled time")
    for key, xs in sorted(by.items()):
        big = [c for c, share in xs if share >= 0.10]
        print(f"  {key[0]:<16} graphs {key[1]}: {len(xs)} rows, {len(big)} with c_0 >= 10% of the time"
              + (f": implied c_0 median {statistics.median(big):.3f} s, {min(big):.3f}-{max(big):.3f}" if big else ""))


def heldout(mechanisms) -> dict:
    rows = list(csv.DictReader(open(HELDOUT, newline="", encoding="utf-8")))
    keep = [(i + 2, r) for i, r in enumerate(rows) if r["round"].startswith("training")]
    with tempfile.TemporaryDirectory() as d:
        p = write_filled(Path(d) / "h.csv", (r for _, r in keep), list(rows[0]))
        out, _ = V.run(str(p), mechanisms=mechanisms)
    return {keep[r.line - 2][0]: (keep[r.line - 2][1], r) for r in out if r.output == "time_to_train"}


def main() -> None:
    logged_steps()
    print("2. public time-to-train rows, e_t 0.76: median |error| / mean |log error| (%) over c_0 x c_m (s)")
    grid("c0", [0.05, 0.10, 0.12, 0.15, 0.18], "cm", [0.0, 0.002, 0.005, 0.01, 0.02],
         {"training_step_overhead": V.Q(1, "s") * Name("c0"), "microbatch_host_time": V.Q(1, "s") * Name("cm")})
    print("3. public time-to-train rows: median |error| / mean |log error| (%) over e_t x c_0 (s)")
    grid("e", [0.64, 0.68, 0.72, 0.76], "c0", [0.0, 0.05, 0.10, 0.15],
         {"training_gemm_efficiency": Name("e"), "training_step_overhead": V.Q(1, "s") * Name("c0")})
    implied()
    print("5. held-out training rows (minutes; printed, never fitted): default -> with full_graph_schedule")
    off, on = heldout(None), heldout(V.mechanisms_with(["full_graph_schedule"], []))
    for line in sorted(off):
        src, a = off[line]
        b = on[line][1]
        if a.predicted != b.predicted or src["value"]:
            public = f"  public {float(src['value']):.2f}" if src["value"] else ""
            print(f"  {line:>4} {src['round']} {src['benchmark']:<16} {src['accelerator'][:36]:<36} "
                  f"{src['num_accelerators']:>5}: {a.predicted / 60:8.2f} -> {b.predicted / 60:8.2f}{public}")


if __name__ == "__main__":
    sys.exit(main())
