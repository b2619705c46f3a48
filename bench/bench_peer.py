"""Benchmark: factory's sweep rate against a peer estimator's own sweep over a comparable grid (docs/scale.md).

Not a test and not a project dependency: the peer is installed in a throwaway environment first.

    python3 -m venv /tmp/peer_venv && /tmp/peer_venv/bin/pip install llm-analysis
    python3 bench/bench_peer.py --peer-python /tmp/peer_venv/bin/python [--batches 64] [--scale 256]

The grid: Llama-2-70B serving on H100 SXM 80 GB (8 per node), 2,000 prompt and 200 generated tokens, bf16,
batch per replica 1..B x tensor parallel {1, 2, 4, 8}.

1. peer: llm-analysis (PyPI `llm-analysis`, github.com/cli99/llm-analysis) has no sweep command; its documented
   use is one `llm_analysis.analysis.infer(...)` call per configuration, so its sweep is that call in a loop
   over the grid (the same (batch, tp) pairs; a configuration that does not fit raises, and counts as
   evaluated). It computes one configuration's prefill and decode latencies and memory.
2. factory in process: check, lower and evaluate the same grid as one sweep (`param b`, `param t` fixing the
   workload's batch and tp); per scenario factory also searches the pipeline depth and checks the latency limits,
   memory fit, power and cost, so it does more per configuration, not less.
3. factory command line: `python3 -m compiler.cli eval SPEC --output sweep.csv` (whole process: start-up,
   checking, evaluation and writing the CSV).

Factory runs the grid x `--scale` (more batches: the same kind of scenario, so the rate is its steady rate, not
its start-up); the peer runs the grid once (its rate is constant per call). Every time is the CPU time of the
process that did the work (time.process_time, or the child's rusage), the figure to trust on a shared machine.
The ratios are printed in one run.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PEER = r"""
import json, time
from llm_analysis.analysis import infer
batches, tps = {batches!r}, {tps!r}
t0 = time.process_time()
done = failed = 0
for tp in tps:
    for b in batches:
        try:
            infer(model_name="upstage_Llama-2-70b-instruct-v2", gpu_name="h100-sxm-80gb", dtype_name="w16a16e16",
                  log_level="CRITICAL", batch_size_per_gpu=b, tp_size=tp, seq_len=2000, num_tokens_to_generate=200)
        except Exception:
            failed += 1
        done += 1
print(json.dumps({{"seconds": time.process_time() - t0, "configurations": done, "failed": failed}}))
"""

SPEC = """from systems import DGX_H100
from models import Llama2_70B
param b = 1..{batches}
param t = [{tps}]

site bench {{
  inference w {{
    model = Llama2_70B
    system = DGX_H100
    accelerators = 8
    tp = t
    batch = b
    precision = "bf16"
    input_tokens = 2000 tok
    output_tokens = 200 tok
  }}
}}
"""

INPROCESS = r"""
import json, sys, time
sys.path.insert(0, {root!r})
import dsl
from compiler.lower import lower
from compiler.evaluate import evaluate
t0 = time.process_time()
checked, sink = dsl.check_files([{spec!r}])
res = evaluate(lower(checked, sink), sink)
print(json.dumps({{"seconds": time.process_time() - t0, "scenarios": res.scenario_count}}))
"""


def _child_json(argv: list[str], env=None) -> dict:
    proc = subprocess.run(argv, capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _cli_cpu(spec: str, output: str) -> float:
    """CPU seconds (user + system) of a `factory eval --output` child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-m", "compiler.cli", "eval", spec, "--output", output, "--quiet"],
                          capture_output=True, text=True, env=env, cwd=str(ROOT))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 1):              # 1: a check fails in some scenario (a valid result)
        raise SystemExit(proc.stderr[-2000:])
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--peer-python", default="/tmp/peer_venv/bin/python",
                    help="the Python of the environment where llm-analysis is installed")
    ap.add_argument("--batches", type=int, default=64, help="batch per replica 1..B")
    ap.add_argument("--scale", type=int, default=256, help="factory runs B x scale batches")
    args = ap.parse_args()
    tps = [1, 2, 4, 8]
    batches = list(range(1, args.batches + 1))

    peer = _child_json([args.peer_python, "-c", PEER.format(batches=batches, tps=tps)])
    peer_rate = peer["configurations"] / peer["seconds"]
    print(f"llm-analysis: {peer['configurations']:,} configurations ({peer['failed']} do not fit) in "
          f"{peer['seconds']:.3f} s CPU: {peer_rate:,.0f} configurations/s")

    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for label, count in (("same grid", args.batches), (f"grid x {args.scale}", args.batches * args.scale)):
            spec = os.path.join(tmp, f"peer_{count}.factory")
            Path(spec).write_text(SPEC.format(batches=count, tps=", ".join(map(str, tps))))
            inproc = _child_json([sys.executable, "-c", INPROCESS.format(root=str(ROOT), spec=spec)])
            cli = _cli_cpu(spec, os.path.join(tmp, f"sweep_{count}.csv"))
            n = inproc["scenarios"]
            rows.append((label, n, n / inproc["seconds"], n / cli))
        for label, n, rate_in, rate_cli in rows:
            print(f"factory, {label} ({n:,} scenarios): in process {rate_in:,.0f} scenarios/s "
                  f"({rate_in / peer_rate:,.1f}x llm-analysis); command line to CSV {rate_cli:,.0f} scenarios/s "
                  f"({rate_cli / peer_rate:,.1f}x llm-analysis)")


if __name__ == "__main__":
    main()
