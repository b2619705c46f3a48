"""Benchmark: the inference configuration search as one vectorized pass vs a per-configuration Python loop;
the training layout search with and without its pruning.

Run: python bench/bench_search.py [--configs N] [--part all|inference|training|disaggregated|pareto]

The search space is tensor parallel x pipeline parallel x batch for Llama 2 70B (FP8) on 1,024 H100s with a
72-chip scale-up domain (the grids of compiler/models/inference/, widened until there are at least
`--configs` candidates). The vectorized pass evaluates every candidate's memory fit, step time, TTFT and
throughput in one NumPy expression (compiler.models.inference.evaluate_configs) and picks the best; the loop
does the same one configuration at a time (search_loop). Prints configurations per second for each and the
ratio; the target is at least 1,000,000 configurations per second for the vectorized pass. This is a
benchmark, not a timed test: nothing fails.

Pareto (`--part pareto`): `factory optimize`'s front (compiler.optimize._nondominated) over 10,000-100,000 rows,
for two and three objectives: rows that are all on it (keys on an anti-diagonal, a plane for three) and uniform
random rows (a small front), with the ratio of each size's time to the previous one (2.0 is linear in the rows;
4.0 quadratic), and for three objectives up to 20,000 rows the scan it replaced (each row tested against the rows
kept so far, `_scan_front` below) and the ratio. Measured 2026-12-06 (s15-scale, shared VM): two objectives
0.092 / 0.325 / 1.230 / 4.866 s at 2k/4k/8k/16k (ratios 3.5-4.0: quadratic) before, 0.0002-0.0008 s after (one sort
and a running minimum). s16-scale: three objectives by divide and conquer, all on the front 2.13 / 8.37 s
-> 0.014 / 0.027 s at 10k / 20k (151x / 305x), 0.19 s at 100,000 rows (the scan: ~200 s projected).

Training (`--part training`): one evaluation of examples/moe_training_rubin_vs_blackwell.factory (three
deadline ladders of ~5,000 layouts x 284 counts, one job on 2,016 GPUs) in CPU seconds, with the pruned search
(compiler.models.training.PRUNE, the default) and the full enumeration, the candidate cells each evaluates,
and whether every output agrees.

Disaggregated (`--part disaggregated`): one evaluation of a disaggregated 70B FP8 service on 16 H100 (the split and
the decode layout searched) in CPU ms, decode-bound (500-token prompts, 2,000 out: the search's own layout serves
its capacity, no other layout is run) and prefill-bound (2k, 4k and 8k prompts, 300 out: every (tp, pp) of the
grid is a candidate, each through the pools), and a demand-sized one (every layout sized to the demand), with
each one's ratio to the decode-bound one.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from compiler.models import inference as M  # noqa: E402


def workload(scenarios: int = 1):
    hw = M.Hardware(peak=np.full(scenarios, 1979e12), peak_attn=np.full(scenarios, 1979e12),
                    memory=np.full(scenarios, 80e9), bandwidth=np.full(scenarios, 3.35e12),
                    link=np.full(scenarios, 450e9), scaleout=np.full(scenarios, 50e9),
                    scaleup=np.full(scenarios, 72.0), chips=np.full(scenarios, 1024.0))
    arch = M.Architecture(params=np.array([68.98e9]), active=np.array([68.98e9]), layers=np.array([80.0]),
                          hidden=np.array([8192.0]), attn_width=np.array([8192.0]), kv_width=np.array([2048.0]),
                          kv_split=np.array([8.0]), experts=np.zeros(1), experts_active=np.zeros(1),
                          expert_params=np.zeros(1))
    load = M.Load(input_tokens=np.linspace(300, 3000, scenarios), output_tokens=np.array([294.45]),
                  weight_bytes=np.array([1.0]), kv_bytes=np.array([1.0]), ttft_limit=np.array([2.0]),
                  tpot_limit=np.array([0.2]), gemm_eff=np.array([0.43]), bw_eff=np.array([0.8]),
                  reserve=np.array([0.1]), layer_latency=np.array([5e-6]), coll_latency=np.array([8e-6]),
                  queueing=True)
    return hw, arch, load


def grid(minimum: int):
    batches = M.BATCH_GRID
    while True:
        tp, pp, b = M.config_grid(64, 1024, batches)
        if tp.size >= minimum:
            return tp, pp, b
        batches = np.unique(np.round(np.geomspace(1, 16384, batches.size * 2)))


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def _scan_front(keys: np.ndarray) -> list[int]:
    """The three-objective front as compiler.optimize kept it before s16-scale: rows in lexicographic order,
    each tested against the rows kept so far (O(n x front)); the baseline of the ratios."""
    order = np.lexsort(tuple(keys[:, k] for k in reversed(range(keys.shape[1]))))
    kept: list[int] = []
    kept_keys = np.empty_like(keys)
    for i in order.tolist():
        row = keys[i]
        if kept:
            head = kept_keys[:len(kept)]
            if ((head <= row).all(axis=1) & (head < row).any(axis=1)).any():
                continue
        kept_keys[len(kept)] = row
        kept.append(i)
    return sorted(kept)


def pareto() -> None:
    from compiler.optimize import _nondominated

    rng = np.random.default_rng(16)
    for k in (2, 3):
        for shape in ("all on the front", "random"):
            previous = None
            for n in (10_000, 20_000, 50_000, 100_000):
                if shape == "random":
                    keys = rng.random((n, k))
                else:
                    t = rng.random(n) if k == 3 else np.linspace(0.0, 1.0, n)
                    keys = np.stack([t, 1.0 - t], axis=1) if k == 2 else \
                        np.stack([t, rng.random(n), np.zeros(n)], axis=1)
                    if k == 3:
                        keys[:, 2] = 2.0 - keys[:, 0] - keys[:, 1]
                t0 = time.process_time()
                front = _nondominated(keys)
                seconds = time.process_time() - t0
                ratio = f"   x{seconds / previous:.2f} the previous size" if previous else ""
                base = ""
                if k == 3 and n <= 20_000:
                    t0 = time.process_time()
                    assert _scan_front(keys) == front
                    scan = time.process_time() - t0
                    base = f"   scan {scan:7.3f} s ({scan / max(seconds, 1e-6):,.0f}x)"
                print(f"pareto, {k} objectives, {shape:16}: {n:7,} rows, {len(front):7,} on the front in "
                      f"{seconds:8.4f} s CPU{ratio}{base}")
                previous = max(seconds, 1e-6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", type=int, default=10_000, help="minimum number of configurations")
    parser.add_argument("--loop-sample", type=int, default=2_000, help="configurations timed in the Python loop")
    parser.add_argument("--part", choices=("all", "inference", "training", "disaggregated", "pareto"), default="all")
    args = parser.parse_args()
    if args.part in ("all", "pareto"):
        pareto()
    if args.part in ("all", "disaggregated"):
        disaggregated_search()
    if args.part in ("all", "training"):
        training_search()
    if args.part not in ("all", "inference"):
        return

    hw, arch, load = workload()
    tp, pp, b = grid(args.configs)
    n = tp.size
    vec = best_of(lambda: M.search(hw, arch, load, (tp, pp, b)), repeat=7)
    sample = slice(0, min(args.loop_sample, n))
    loop = best_of(lambda: M.search_loop(hw, arch, load, (tp[sample], pp[sample], b[sample])), repeat=1)
    loop_rate = (sample.stop - sample.start) / loop
    vec_rate = n / vec
    best = M.search(hw, arch, load, (tp, pp, b))
    print(f"configurations            {n:,} (tp x pp x batch) for Llama 2 70B FP8 on 1,024 H100")
    print(f"vectorized, one pass      {vec * 1e3:8.2f} ms   {vec_rate:14,.0f} configurations/s"
          f"   {'meets' if vec_rate >= 1e6 else 'MISSES'} the 1,000,000/s target")
    print(f"Python loop ({sample.stop:,} sampled) {loop * 1e3:8.2f} ms   {loop_rate:14,.0f} configurations/s")
    print(f"speed-up                  {vec_rate / loop_rate:,.0f}x")
    print(f"best: tp {best['tp'][0]:g}, pp {best['pp'][0]:g}, batch {best['batch'][0]:g}, "
          f"{best['throughput'][0]:,.0f} tok/s, TPOT {best['t_iter'][0] * 1e3:.1f} ms, TTFT {best['ttft'][0]:.2f} s")
    scenarios = 16
    hw_s, arch_s, load_s = workload(scenarios)
    t_s = best_of(lambda: M.search(hw_s, arch_s, load_s, (tp, pp, b)), repeat=3)
    print(f"{scenarios} scenarios x {n:,} configurations in one pass: {t_s * 1e3:.1f} ms "
          f"({scenarios * n / t_s:,.0f} configurations/s)")


DISAGGREGATED = """from systems import DGX_H100
from models import Llama3_1_70B
site s {{
  inference w {{
    model = Llama3_1_70B
    system = DGX_H100
    precision = "fp8"
    scenario = "interactive"
    input_tokens = {prompt} tok
    output_tokens = {out} tok
    serving = "disaggregated"
    {pools}
  }}
}}
"""


def disaggregated_search(repeat: int = 5) -> None:
    """CPU ms of one evaluation of a disaggregated service, decode-bound and prefill-bound (best of `repeat`),
    and each one's ratio to the decode-bound one."""
    from compiler import evaluate_text

    cases = [("decode-bound, 500 in / 2,000 out", 500, 2000, "accelerators = 16"),
             ("prefill-bound, 2k in / 300 out", 2000, 300, "accelerators = 16"),
             ("prefill-bound, 4k in / 300 out", 4000, 300, "accelerators = 16"),
             ("prefill-bound, 8k in / 300 out", 8000, 300, "accelerators = 16"),
             ("sized to 20 ktok/s, 4k in / 300 out", 4000, 300, "demand = 20 ktok/s")]
    print(f"disaggregated search, 70B FP8 on 16 H100 (CPU ms per evaluation, best of {repeat}):")
    base = None
    for label, prompt, out, pools in cases:
        text = DISAGGREGATED.format(prompt=prompt, out=out, pools=pools)
        evaluate_text(text, "bench.factory")
        times = []
        for _ in range(repeat):
            t0 = time.process_time()
            results, _ = evaluate_text(text, "bench.factory")
            times.append(time.process_time() - t0)
        best = min(times)
        base = best if base is None else base
        tokens = float(np.ravel(results.values["s.w.tokens_per_s"])[0])
        print(f"  {label:38s} {best * 1e3:7.1f} ms   {best / base:4.2f}x   {tokens:10,.1f} tok/s")


def training_search(repeat: int = 3) -> None:
    """The training layout search on the MoE example (three deadline ladders and one fixed-count job):
    CPU seconds per evaluation and the candidate cells (scenarios x columns) the physics evaluates, with the
    pruning (compiler.models.training.PRUNE) and with the full enumeration, and whether the two agree on
    every output."""
    from compiler import evaluate_text
    from compiler.models import training as T

    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")
    path = os.path.join(root, "moe_training_rubin_vs_blackwell.factory")
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    cells = []
    step_configs = T.step_configs

    def counted(*args):
        q = step_configs(*args)
        cells.append(q["t_step"].size)
        return q

    T.step_configs = counted
    outcome = {}
    try:
        for prune in (False, True):
            T.PRUNE = prune
            times = []
            for _ in range(repeat):
                cells.clear()
                t0 = time.process_time()
                results, _ = evaluate_text(text, path, {}, root)
                times.append(time.process_time() - t0)
            outcome[prune] = (min(times), sum(cells), results)
    finally:
        T.step_configs, T.PRUNE = step_configs, True
    same = all(np.array_equal(v, outcome[True][2].values[k], equal_nan=True)
               for k, v in outcome[False][2].values.items() if isinstance(v, np.ndarray))
    print(f"training search, {os.path.basename(path)} (CPU s per evaluation, best of {repeat}):")
    for prune, label in ((False, "full enumeration"), (True, "pruned")):
        print(f"  {label:17s} {outcome[prune][0]:6.2f} s   {outcome[prune][1]:12,} candidate cells")
    print(f"  speed-up {outcome[False][0] / outcome[True][0]:.1f}x; every output identical: {same}")


if __name__ == "__main__":
    main()
