"""Benchmark of streamed sweeps (docs/scale.md): writing a sweep to a file against evaluating it in memory.

Not a test: run it by hand and read the ratios (target: streaming to CSV or Parquet within 3x the in-process
evaluation time, peak memory under 1 GB, whatever the number of scenarios).

    python3 bench/bench_scale.py [--spec examples/flagship_campus.factory | --estate 3] [-D NAME=RANGE ...]
                                 [--select PATTERN] [--chunk-size 20000] [--limit N] [--format csv]

`--estate S` evaluates the big estate of bench/estate.py (S sites of 12 halls; 3 is ~13,000 racks) instead of a
spec: there every chunk costs ~1.5 s whatever its length (the whole graph is evaluated again), so the number of
chunks decides the streamed time. Measured 2026-12-06 (s15-scale, shared 2-core VM, CPU time), `--estate 3`,
energy_price x gpu_utilization = 9,900 scenarios to CSV: chunks doubling from 128 (7 chunks) 15.75 s, 7.96x the
in-process 1.98 s; leaping with the probe's fixed cost (`AutoSize.fixed`, 3 chunks) 9.04 s, 4.64x (1.95 s).
s16-scale, the same VM at load 9-11 (CPU time, the base 068836e run beside it): `--estate 3 --chunk-size 200
--limit 4000 --select "*usd_per_mtok"` (21 chunks, the fixed cost alone) 35.64 -> 20.80 s (1.71x); `--chunk-size 1000
--limit 10000` (11 chunks of 990 to CSV, 529 columns) 21.99 -> 14.78 s (1.49x): what no swept parameter reaches is
computed once per sweep (compiler.memo.SweepMemo), the graph bound once, the searches kept (docs/scale.md, Chunks).

Each measurement runs in a fresh subprocess, so its peak RSS (resource.getrusage of the child) is its own, and
its time is its own CPU time (time.process_time: the figure to trust on a shared machine; wall time beside it):
1. in-process: check, lower and `evaluate` the whole sweep at once (skipped above 10^7 scenarios, the
   in-memory limit; `--no-inprocess` skips it too), touching every array;
2. streamed: `factory eval --output` in chunks (`--limit` stops after that many scenarios, and the time for
   the whole sweep is projected from the measured rate).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

INPROCESS = r"""
import json, sys, time
sys.path.insert(0, {root!r})
import dsl
from compiler.lower import lower
from compiler.evaluate import evaluate
t0, c0 = time.perf_counter(), time.process_time()
checked, sink = dsl.check_files([{spec!r}], {defines!r})
low = lower(checked, sink)
res = evaluate(low, sink)
print(json.dumps({{"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
                  "scenarios": res.scenario_count, "quantities": len(res.values)}}))
"""

STREAMED = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from compiler import sweep
t0, c0 = time.perf_counter(), time.process_time()
plan = sweep.prepare([{spec!r}], {defines!r})
assert plan.lowering is not None, [d.message for d in plan.sink.items]
out = sweep.stream(plan, (({spec!r},), tuple(sorted({defines!r}.items())), None), output={output!r},
                   output_format={fmt!r}, chunk_size={chunk}, select={select!r}, limit={limit!r})
print(json.dumps({{"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0, "scenarios": plan.count,
                  "written": out.written, "columns": len(out.columns)}}))
"""


def child(code: str) -> tuple[dict, float]:
    """Run `code` in a fresh interpreter; its JSON line and its peak RSS in MB."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return json.loads(proc.stdout.strip().splitlines()[-1]), max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default=str(ROOT / "examples/flagship_campus.factory"))
    ap.add_argument("--estate", type=int, default=None, help="S: the estate of bench/estate.py, S sites of 12 halls")
    ap.add_argument("-D", dest="defines", action="append",
                    default=None, help="NAME=RANGE (default: energy_price and gpu_utilization, 1000 x 100)")
    ap.add_argument("--select", default=None)
    ap.add_argument("--chunk-size", type=int, default=None, help="default: adaptive (AutoSize)")
    ap.add_argument("--limit", type=int, default=None, help="stop the streamed run after N scenarios")
    ap.add_argument("--format", default="csv", choices=["csv", "parquet", "jsonl"])
    ap.add_argument("--no-inprocess", action="store_true")
    args = ap.parse_args()
    defines = dict(d.split("=", 1) for d in (args.defines or [
        "energy_price=0.05 USD/kWh..0.1499 USD/kWh step 0.0001 USD/kWh", "gpu_utilization=0.50..0.99 step 0.005"]))
    with tempfile.TemporaryDirectory() as tmp:
        if args.estate:
            sys.path.insert(0, str(ROOT / "bench"))
            from estate import gen
            args.spec = os.path.join(tmp, "estate.factory")
            Path(args.spec).write_text(gen(args.estate, 12))
        output = os.path.join(tmp, f"sweep.{args.format}")
        inproc = None
        if not args.no_inprocess and args.limit is None:
            inproc, inproc_mb = child(INPROCESS.format(root=str(ROOT), spec=args.spec, defines=defines))
            print(f"in-process: {inproc['scenarios']:,} scenarios, {inproc['quantities']} quantities in "
                  f"{inproc['cpu']:.2f} s CPU ({inproc['seconds']:.2f} s wall), peak RSS {inproc_mb:,.0f} MB")
        t0 = time.perf_counter()
        streamed, streamed_mb = child(STREAMED.format(root=str(ROOT), spec=args.spec, defines=defines,
                                                      output=output, fmt=args.format, chunk=args.chunk_size,
                                                      select=args.select, limit=args.limit))
        size = os.path.getsize(output) if os.path.exists(output) else 0
        rate = streamed["written"] / streamed["cpu"]
        print(f"streamed ({args.format}): {streamed['written']:,} of {streamed['scenarios']:,} scenarios, "
              f"{streamed['columns']} columns in {streamed['cpu']:.2f} s CPU ({streamed['seconds']:.2f} s wall, "
              f"{rate:,.0f} scenarios per CPU second), {size / 1e6:,.1f} MB written, peak RSS {streamed_mb:,.0f} MB")
        if streamed["written"] < streamed["scenarios"]:
            print(f"projected for all {streamed['scenarios']:,} scenarios: "
                  f"{streamed['scenarios'] / rate / 3600:,.2f} h of CPU at this rate (one process; divide by the "
                  f"workers of --workers or a Dask cluster)")
        if inproc:
            print(f"ratio streamed / in-process (CPU time): {streamed['cpu'] / inproc['cpu']:.2f}x (target <= 3x); "
                  f"wall {streamed['seconds'] / inproc['seconds']:.2f}x; memory {streamed_mb / inproc_mb:.2f}x")
        print(f"peak RSS under 1 GB: {'yes' if streamed_mb < 1024 else 'NO'}")
        _ = time.perf_counter() - t0


if __name__ == "__main__":
    main()
