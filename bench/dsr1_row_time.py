"""The DeepSeek-R1 attention-DP step's per-row time: the fit of validate's ADP_SEQ_OVERHEAD (`adp_row_time`) on
TensorRT-LLM's published runs, and what it does to the held-out MLPerf DeepSeek-R1 rows.

    PYTHONPATH=. python3 bench/dsr1_row_time.py          (~60 s wall: 24 evaluations of the published runs, 5 validate
                                                          runs of held-out DeepSeek-R1 lines)

1. TensorRT-LLM's own DeepSeek-R1 runs at attention DP 8 with EP 8 (tests/test_moe_ep_step.py PUBLISHED, sources
there: the Best_perf_practice blog's two B200 max-throughput runs at commit b6261862, blog10's GB200 ADP-balance runs,
the H200 run) are evaluated at their own layout and rows a rank, with `let seq_overhead` = s a row a step (the model's
35 us by default, chosen on TensorRT engines run by the C++ executor). The model's deficit a row is
(rows / measured - rows / model) / rows, i.e. (measured step - model step) / rows: if the missing time is a row's,
the deficit is the same at 384 and 896 rows; if it is the KV cache's, the FP8-KV run (half the bytes a row) shows
half of the BF16-KV run's. ADP_SEQ_OVERHEAD is the grid value (35-150 us by 5 us) of least median |log error| over
the two B200 runs (fixed 1K/2K lengths, no ADP balancer needed: every rank starts and ends its rows together);
the GB200 runs (blog10, MLPerf-shaped lengths, the balancer measured at 0.863 of perfect balance: 34,140 against
39,552 tok/s) and the H200 run are checks, never fitted.

2. The held-out DeepSeek-R1 lines of tests/data/heldout_shape.csv whose public figures bench/v51_server_offline.py
carries (v5.1, every submitter): validate's default, `--with adp_engines` (the runs' engine) and `--with adp_engines
--with adp_row_time`. Printed, never fitted (docs/accuracy.md "The DeepSeek-R1 attention-DP step's per-row time",
s20-dsr1).

3. The step's line t(b) = f + c b of every v5.1 / v6.0 run bench/dsr1_step_line.py carries (the run's Server and
Offline points, s18-heldserver), beside the model's at the same two row counts under `adp_engines`, without and with
`adp_row_time` (which reaches the v5.1 rows only): the slope c is the per-row time the fit is about.
"""
from __future__ import annotations

import math
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))       # the published runs and their spec live with their test
sys.path.insert(0, str(ROOT / "bench"))

from compiler import validate as V  # noqa: E402

GRID_US = tuple(range(35, 151, 5))            # seq_overhead a row a step, us
FIT_RUNS = ("b200_fp4_bf16kv_1k2k", "b200_fp4_fp8kv_1k2k")
GB200_PERFECT = 39552 / 8                     # blog10's perfect-balance figure, tok/s/GPU [P]


def published_at(seq_us: float) -> dict[str, tuple[int, float, float, float]]:
    """{run: (rows a rank, measured tok/s/GPU, model tok/s/GPU, model step s)} at seq_overhead = seq_us."""
    import test_moe_ep_step as T
    lets = {r[0]: {"seq_overhead": f"{seq_us} us"} for r in T.PUBLISHED}
    return {name: (rows, measured, model, tpot)
            for name, rows, measured, model, tpot, _ in T.evaluate_published(lets)}


def fit_score(runs: dict) -> float:
    """Median |log(model / measured)| over FIT_RUNS."""
    return statistics.median(abs(math.log(runs[n][2] / runs[n][1])) for n in FIT_RUNS)


def fit() -> tuple[float, dict[float, dict]]:
    """(the grid's best seq_overhead in us, {us: published_at(us)})."""
    table = {us: published_at(us) for us in GRID_US}
    return min(GRID_US, key=lambda us: (fit_score(table[us]), us)), table


def deficits(runs: dict) -> dict[str, float]:
    """{run: (measured step - model step) / rows, s a row}: the model's missing time a row a step."""
    return {n: (rows / measured - rows / model) / rows for n, (rows, measured, model, _) in runs.items()}


def heldout(mechanisms) -> dict[int, float]:
    from v51_server_offline import model_predictions
    return model_predictions(mechanisms)


def main() -> None:
    best, table = fit()
    base = table[35]
    print("1. TensorRT-LLM's published ADP-EP8 DeepSeek-R1 runs; model error by seq_overhead (us a row a step)")
    names = list(base)
    print(f"{'us':>4s} " + " ".join(f"{n[:24]:>24s}" for n in names) + "  fit score")
    for us in GRID_US:
        runs = table[us]
        print(f"{us:4d} " + " ".join(f"{runs[n][2] / runs[n][1] - 1:+24.1%}" for n in names)
              + f"  {fit_score(runs):.4f}")
    print(f"fit (least median |log error| over {', '.join(FIT_RUNS)}): {best} us")
    gb = table[best]["gb200_fp4_fp8kv_mlperf"][2]
    print(f"check: GB200 balanced run at {best} us {gb / table[best]['gb200_fp4_fp8kv_mlperf'][1] - 1:+.1%}, "
          f"against its perfect-balance figure {gb / GB200_PERFECT - 1:+.1%}")
    print("\nthe model's deficit a row a step at 35 us (measured step - model step) / rows:")
    for n, d in deficits(base).items():
        rows, measured, model, tpot = base[n]
        print(f"  {n:30s} rows {rows:4d}  step measured {1e3 * rows / measured:6.1f} ms, model {1e3 * tpot:6.1f} ms"
              f"  deficit {1e6 * d:6.1f} us a row")
    print("\n2. held-out DeepSeek-R1 lines (v5.1, bench/v51_server_offline.py's figures): model error")
    from v51_server_offline import PAIRS
    runs = [p for p in PAIRS if p[0] == "deepseek-r1"]
    for label, on in (("default", []), ("adp_engines", ["adp_engines"]),
                      ("adp_engines + adp_row_time", ["adp_engines", "adp_row_time"])):
        pred = heldout(V.mechanisms_with(on=on) if on else None)
        cells = [f"{sub[:10]} {chip} x{n}: {pred[lo] / off - 1:+.1%} / {pred[ls] / srv - 1:+.1%}"
                 for _, sub, _, chip, n, off, srv, (lo, ls) in runs if lo in pred and ls in pred]
        print(f"  {label:28s} Offline / Server: " + "; ".join(cells))

    print("\n3. the step's line t(b) = f + c b (ms, ms a row): run against the model at the runs' own two row counts")
    import dsr1_step_line as S
    pts = []
    for run in S.RUNS:
        label, gpus, done, lat, srv, cap_s, off, cap, hbm, eng, frac, held = run
        pts += [(held, round(S.server_rows(gpus, done, lat))), (held, round(S.offline_rows(cap, hbm, eng, frac)))]
    lines = {label: S.model_steps(pts, V.mechanisms_with(on=on))
             for label, on in (("adp_engines", ("adp_engines",)),
                               ("+ adp_row_time", ("adp_engines", "adp_row_time")))}
    for i, r in enumerate(S.table()):
        cells = []
        for label, steps in lines.items():
            f, c = S.line(pts[2 * i][1], steps[2 * i], pts[2 * i + 1][1], steps[2 * i + 1])
            cells.append(f"{label} f {f * 1e3:5.1f} c {c * 1e3:.3f}")
        print(f"  {r['label']:28s} run f {r['f'] * 1e3:5.1f} c {r['c'] * 1e3:.3f} | " + " | ".join(cells))


if __name__ == "__main__":
    main()
