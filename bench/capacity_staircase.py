"""The batch grid's staircase: a shipped example's serving workload swept over a latency limit and the chip count.

    PYTHONPATH=. python3 bench/capacity_staircase.py          (~4 s CPU)
    PYTHONPATH=. python3 bench/capacity_staircase.py --rows   (and every point of the two sweeps)

The serving model's capacity point (compiler/models/inference/ `search`, module docstring "Capacity point") is the
(tp, pp, B) configuration with the most throughput whose TPOT p99 and TTFT p99 meet the limits. B runs over a
geometric grid (BATCH_GRID: 72 points from 1 to 16,384, ratio 1.146) unless `let capacity_solve = 1` solves the batch
between the grid's points (`_solved_batches`). On the grid, a planner who sweeps a limit sees the capacity stand
still and then jump wherever the next grid batch starts to fit: a staircase that is the grid's, not the physics'.
This script measures it on examples/flagship_campus.factory's `chat` workload (Llama 3.1 70B, FP4, GB300 NVL72,
2,000 prompt / 400 output tokens, Server, TTFT p99 limit 2 s): (1) the TPOT p99 limit swept from 40 to 60 ms in
0.5 ms steps on one rack (72 GPUs); (2) the accelerators swept from 1 to 16 at the example's 50 ms and at 20 ms
(where a replica takes two GPUs). For each it prints, grid and solved: the distinct values of the throughput (per
chip in the chip sweep: whole replicas make their own, physical, steps there), the largest step between
neighbours, the grid's capacity against the solved one, and the same for $/Mtok, TTFT p99 and TPOT p99 / limit.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORKLOAD = """from systems import GB300_NVL72
from models import Llama3_1_70B
param tpot_cap = {tpot}
param chips = {chips}
site staircase {{
  location = "bench"
  inference chat {{
    model = Llama3_1_70B
    rack = GB300_NVL72
    accelerators = chips
    precision = "fp4"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 400 tok
    ttft_limit = 2 s
    tpot_limit = tpot_cap
    let capacity_solve = {solve}
  }}
}}
"""
OUTPUTS = ("tokens_per_s", "usd_per_mtok", "ttft_p99", "tpot_p99", "tpot_limit", "batch", "tp", "pp")


def sweep(tpot_ms, chips, solve: int) -> dict[str, np.ndarray]:
    """The chat workload's outputs at each (TPOT limit, chips) pair (one vectorized evaluation)."""
    import dsl
    from compiler.evaluate import Evaluator
    from compiler.lower import lower

    text = WORKLOAD.format(tpot="[" + ", ".join(f"{t:g} ms" for t in tpot_ms) + "]",
                           chips="[" + ", ".join(f"{c:g}" for c in chips) + "]", solve=solve)
    checked, sink = dsl.check_text(text, name="staircase.factory")
    if checked is None or sink.errors:
        raise SystemExit("\n".join(str(d) for d in sink.errors))
    ev = Evaluator(lower(checked, sink), sink)
    return {name: np.asarray(ev.node_value(f"staircase.chat.{name}"), dtype=float).reshape(-1) for name in OUTPUTS}


def steps(x: np.ndarray) -> tuple[int, float]:
    """Distinct values (to 1e-9 relative) and the largest relative change between neighbours."""
    rel = np.abs(np.diff(x)) / np.maximum(np.abs(x[:-1]), 1e-300)
    return int(np.sum(rel > 1e-9)) + 1, float(rel.max()) if rel.size else 0.0


def report(title: str, axis: np.ndarray, unit: str, grid: dict, solved: dict, rows: bool) -> None:
    """One sweep's staircase (tokens/s per chip where `unit` is chips: the replicas' whole engines aside)."""
    if unit == "chips":
        grid, solved = ({**d, "tokens_per_s": d["tokens_per_s"] / axis} for d in (grid, solved))
    print(f"\n{title}: {axis.size} points")
    print(f"  {'quantity':<22} {'grid: values, largest step':>30} {'solved: values, largest step':>30}"
          f"   grid / solved - 1 (min .. max)")
    for name, label in (("tokens_per_s", "tokens/s" + (" per chip" if unit == "chips" else "")), ("usd_per_mtok", "$/Mtok"), ("ttft_p99", "TTFT p99")):
        g, s = grid[name], solved[name]
        (gn, gs), (sn, ss) = steps(g), steps(s)
        ratio = g / s - 1
        print(f"  {label:<22} {gn:>14} {gs:>14.1%} {sn:>14} {ss:>14.1%}   {ratio.min():+.1%} .. {ratio.max():+.1%}")
    frac_g = grid["tpot_p99"] / grid["tpot_limit"]
    frac_s = solved["tpot_p99"] / solved["tpot_limit"]
    print(f"  {'TPOT p99 / limit':<22} {'':>14} {frac_g.min():.3f}-{frac_g.max():.3f} {'':>14} "
          f"{frac_s.min():.3f}-{frac_s.max():.3f}")
    if rows:
        print(f"  {unit:>8} {'tok/s grid':>12} {'solved':>12} {'$/Mtok grid':>12} {'solved':>8} {'TTFT99 grid':>12}"
              f" {'solved':>8} {'TPOT/lim grid':>14} {'solved':>7} {'B grid':>8} {'solved':>8} layout")
        for i, a in enumerate(axis):
            print(f"  {a:>8g} {grid['tokens_per_s'][i]:>12,.0f} {solved['tokens_per_s'][i]:>12,.0f}"
                  f" {grid['usd_per_mtok'][i] * 1e6:>12.4f} {solved['usd_per_mtok'][i] * 1e6:>8.4f}"
                  f" {grid['ttft_p99'][i] * 1e3:>10.1f}ms {solved['ttft_p99'][i] * 1e3:>6.1f}ms"
                  f" {frac_g[i]:>14.3f} {frac_s[i]:>7.3f} {grid['batch'][i]:>8.1f} {solved['batch'][i]:>8.1f}"
                  f" tp{grid['tp'][i]:g}pp{grid['pp'][i]:g}/tp{solved['tp'][i]:g}pp{solved['pp'][i]:g}")


def main() -> None:
    rows = "--rows" in sys.argv[1:]
    tpot = np.arange(40.0, 60.0 + 1e-9, 0.5)
    chips = np.arange(1.0, 16.0 + 1e-9, 1.0)
    print("examples/flagship_campus.factory `chat` (Llama 3.1 70B FP4 on GB300 NVL72, 2,000 / 400 tokens, Server, "
          "TTFT p99 limit 2 s): the capacity point on the batch grid (default) and solved (`let capacity_solve = 1`)")
    a = {s: sweep(tpot, [72.0], s) for s in (0, 1)}
    report("TPOT p99 limit 40-60 ms in 0.5 ms steps, 72 GPUs", tpot, "ms", a[0], a[1], rows)
    for limit in (50.0, 20.0):
        b = {s: sweep([limit], chips, s) for s in (0, 1)}
        report(f"accelerators 1-16, TPOT p99 limit {limit:g} ms", chips, "chips", b[0], b[1], rows)


if __name__ == "__main__":
    main()
