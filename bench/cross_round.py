"""Cross-round check: the constants fitted or scanned on reference/mlperf_calibration.csv, refitted on one round
alone and judged on the other (issue 11, generalisation; docs/accuracy.md "Constants refitted round by round").

    PYTHONPATH=. python3 bench/cross_round.py             (every fit; tens of minutes on a loaded shared core)
    PYTHONPATH=. python3 bench/cross_round.py --only v4.1 (one fit beside the shipped column: 280 s wall with
                                                            two others running; v5.0 / both: >15 min, the
                                                            TTFT grid's 225 points over 314 rows dominate)
    PYTHONPATH=. python3 bench/cross_round.py --quick     (one direction, v4.1 -> v5.0)

The owners judge the model on MLPerf rounds that the calibration file does not hold. Every constant that was chosen
by looking at this file's errors (fitted or scanned) may carry that file's noise; the honest estimate of the error
on an unseen round is the error on a round whose rows the constants never saw. This script runs the constants'
own selection procedures (the ones their comments in compiler/validate.py, compiler/models/inference.py,
compiler/models/training.py and stdlib/chips.factory describe) on the rows of ONE round, then evaluates every row
with the values so found, and prints every category's median |error| per round: shipped (constants that saw both
rounds), in-sample refit (the same procedure on both rounds: shows the procedure reproduces the shipped values),
and held-out refit (the procedure on the other round only).

The constants refitted, in the order their procedures ran (each with the ones before it fixed at its refit value):

1. the chip families' serving efficiency (`let serving_efficiency[_fp4]`, stdlib/chips.factory; `validate --fit`):
   per family, the grid value 0.30-1.00 (step 0.01) minimising the median |log error| of the family's throughput
   rows (Offline, Server, Interactive together), as `compiler.validate.fit` does. Set on each family row as the
   row's `inference_gemm_efficiency` (which the model takes before the chip's own factor).
2. `training_gemm_efficiency` (training.py, 0.76) with `training_step_overhead` (0.15 s): jointly, the pair on a
   grid minimising the median |log error| of the time-to-train rows of the fit round(s) (training rounds: v3.1 /
   v4.0 / v4.1; the training direction is its own: fit on v4.0, judge v4.1 and back).
3. `first_token_delay` (inference.py, 0.325 mean steps) with RESIDUAL_TAIL_P99_DELAY (validate.py, 0.175, the
   p99 share of it on the chunked TensorRT-LLM rows, `residual_tail` applied): jointly, the pair on a grid that
   minimises the sum of the TTFT p50 and TTFT p99 medians of the fit round (the rule both were chosen by).
4. ADDIN_CAPACITY_MARGIN (validate.py, 0.05, `capacity_margin` on the add-in cards' Server / Interactive rows): the
   grid value minimising the sum of the medians of the categories it concerns (Server, Interactive, TTFT p50 / p99,
   TPOT mean / p99) over the rows it moves (the add-in cards' live rows) of the fit round.

`--seq` also rescans `seq_overhead` (inference.py, 35 us: "rescanned over 25 / 30 / 35 / 40 us with the families
refitted at each point and the least sum of every inference and latency category's median") on each round alone,
the families refitted at each point (six extra passes each way).

Not refitted here (their values were set on other data, or their mechanisms are not applied): the power law's a, b
(H100 SXM measurements), gemm_half_rows (reference/h100_microbench.md), CDNA3_GEMM_HALF_ROWS (AMD's tuning file),
PYTORCH_EXECUTOR_SEQ_OVERHEAD (trtllm-bench), DISPATCH_WAITS (a simulation); RUN_RAMP_DEFICIT and OPERATING_FRACTION
are read off the measured runs but belong to mechanisms not applied (`run_ramp`, `continuous_capacity`).

Grids are evaluated in one compiler pass each (the spec's parameters: a sweep is the runs one at a time, a project
law); two parameters give their product grid (`np.meshgrid`, indexing ij, in the parameters' order). Nothing
here changes validate's rows: module constants and `plan` are patched inside `patched` and restored on exit; the
script first checks that the patch at the shipped values reproduces validate's rows exactly.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import csv
import math
import os
import sys
import tempfile
import time

import numpy as np

from compiler import validate as V
from dsl.spec_builder import Name, Quantity as Q, as_expr

PATH = "reference/mlperf_calibration.csv"
INFERENCE_ROUNDS = ("inference-v4.1", "inference-v5.0")
TRAINING_ROUNDS = ("training-v3.1", "training-v4.0", "training-v4.1")
# the shipped family factors (stdlib/chips.factory `let serving_efficiency` / `serving_efficiency_fp4`, 2026-12-05)
SHIPPED_FAMILY = {"Hopper FP8": 0.82, "Hopper add-in FP8": 0.55, "Ada FP8": 0.33, "Blackwell FP4": 0.92,
                  "CDNA3 FP8": 0.46}
SHIPPED_TRAINING = 0.76            # compiler/models/training.py training_gemm_efficiency
SHIPPED_TRAINING_STEP = 0.15       # compiler/models/training.py training_step_overhead (s)
SHIPPED_DELAY = V.FIRST_TOKEN_DELAY          # 0.325
SHIPPED_TAIL = V.RESIDUAL_TAIL_P99_DELAY     # 0.175
SHIPPED_MARGIN = V.ADDIN_CAPACITY_MARGIN     # 0.05
SHIPPED_SEQ_US = 35.0
EFF_GRID = tuple(round(0.30 + 0.01 * i, 2) for i in range(71))            # 0.30-1.00
DELAY_GRID = tuple(round(0.15 + 0.025 * i, 3) for i in range(15))         # 0.15-0.50 mean steps
TAIL_GRID = tuple(round(0.025 * i, 3) for i in range(15))                 # 0.00-0.35 mean steps
MARGIN_GRID = (0.0, 0.03, 0.05, 0.08, 0.10)
TRAIN_EFF_GRID = tuple(round(0.55 + 0.01 * i, 2) for i in range(41))    # 0.55-0.95
TRAIN_STEP_GRID = (0.10, 0.12, 0.14, 0.15, 0.16, 0.18, 0.20, 0.25)      # s
SEQ_GRID_US = (25.0, 30.0, 35.0, 40.0, 45.0)
SEQ_EFF_GRID = tuple(round(0.30 + 0.02 * i, 2) for i in range(36))        # 0.30-1.00, coarser for the product grid
LATENCY = ("TTFT p50", "TTFT p99", "TPOT mean", "TPOT p99")
INFERENCE = ("inference Offline", "inference Server", "inference Interactive")
CATEGORIES = INFERENCE + (V.TRAINING_CATEGORY,) + LATENCY + V.POWER_CATEGORIES
THROUGHPUT_METRICS, LATENCY_METRICS = ("throughput",), ("ttft_p50", "ttft_p99", "tpot_mean", "tpot_p99")
MARGIN_CATEGORIES = ("inference Server", "inference Interactive") + LATENCY


# ----------------------------------------------------------------------------- the fit (pure; tested on its own)
def argmin_median(errors: np.ndarray, grid, log: bool = True) -> tuple[float, float]:
    """The grid value whose column of `errors` (rows x grid: predicted / measured - 1) has the least median
    |error| (|log(1 + error)| when `log`), and that median; NaN rows are left out of each column."""
    e = np.asarray(errors, dtype=float)
    a = np.abs(np.log1p(e)) if log else np.abs(e)
    with np.errstate(all="ignore"), _quiet():
        med = np.nanmedian(a, axis=0)
    if not np.isfinite(med).any():
        return math.nan, math.nan
    i = int(np.nanargmin(med))
    return float(grid[i]), float(med[i])


@contextlib.contextmanager
def _quiet():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        yield


# ----------------------------------------------------------------------------- running validate with constants moved
MECHANISMS_ON = None    # `--with NAME`: validate's mechanisms with these on (None: validate's defaults)


@contextlib.contextmanager
def patched(family=None, inference=None, training=None, tail=None, margin=None):
    """validate with constants moved: `family` {family: value or Expr} as each family row's
    `inference_gemm_efficiency`; `inference` / `training` {let: value} on every row of that kind that does not set
    the let itself (a row's own let, e.g. the PyTorch rows' seq_overhead, is kept); `tail` the p99 share
    RESIDUAL_TAIL_P99_DELAY (value or Expr: the rows' `dispatch_wait_p99` = tail - first_token_delay, the delay
    read from `inference` when given there); `margin` ADDIN_CAPACITY_MARGIN. Restored on exit."""
    plan, saved = V.plan, (V.RESIDUAL_TAIL_P99_DELAY, V.ADDIN_CAPACITY_MARGIN)
    delay = (inference or {}).get("first_token_delay", V.FIRST_TOKEN_DELAY)

    def moved(row, mechanisms=None):
        plan(row, mechanisms if mechanisms is not None else MECHANISMS_ON)
        for r in (row, *row.extra.get("parts", ())):
            if not r.fields:
                continue
            if r.kind == "inference":
                fam = V.FAMILIES.get(r.chip)
                if family and fam in family:
                    r.lets.setdefault("inference_gemm_efficiency", family[fam])
                for k, v in (inference or {}).items():
                    r.lets.setdefault(k, v)
                if tail is not None and r.lets.get("step_residual_tail") == 1.0:
                    t = Name(tail) if isinstance(tail, str) else tail
                    r.lets["dispatch_wait_p99"] = (t - delay if isinstance(t, float) and isinstance(delay, float)
                                                   else as_expr(t) - delay)
            elif r.kind == "training":
                for k, v in (training or {}).items():
                    r.lets.setdefault(k, v)

    V.plan = moved
    if margin is not None:
        V.ADDIN_CAPACITY_MARGIN = margin
    try:
        yield
    finally:
        V.plan = plan
        V.RESIDUAL_TAIL_P99_DELAY, V.ADDIN_CAPACITY_MARGIN = saved


def evaluate(params=None, keep=None, **moves) -> list:
    """validate's covered rows with the constants moved (`patched`) and `params` the spec's parameter grids; `keep`
    (rounds, metrics[, chips]): only the calibration file's rows of those rounds and metrics (`subset`; a row's prediction
    does not depend on the other rows: validate's default operating point is the row's own)."""
    with patched(**moves):
        rows, _ = V.run(subset(*keep) if keep else PATH, params=params)
    return [r for r in rows if r.fields]


_SUBSETS: dict = {}


def subset(rounds: tuple, metrics: tuple, chips: tuple = ()) -> str:
    """A temporary copy of the calibration file with only the rows of `rounds` and `metrics` (and of `chips`
    where given: the accelerator's alias names one of them); a grid's cost is its rows times its points: a fit
    reads only its own round's rows of its own categories."""
    key = (tuple(rounds), tuple(metrics), tuple(chips))
    if key not in _SUBSETS:
        with open(PATH, newline="") as f:
            reader = csv.reader(f)
            header = next(reader)
            ir, im = header.index("round"), header.index("metric")
            ia = header.index("accelerator")
            kept = [row for row in reader if len(row) > im and row[ir] in rounds and row[im] in metrics
                    and (not chips or getattr(V.alias_for(row[ia]), "chip", None) in chips)]
        fd, path = tempfile.mkstemp(prefix="cross_round_", suffix=".csv")
        with os.fdopen(fd, "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(kept)
        atexit.register(os.remove, path)
        _SUBSETS[key] = path
    return _SUBSETS[key]


def grid_errors(rows, n: int) -> np.ndarray:
    """rows x n: each row's predicted / measured - 1 at each grid point."""
    return np.asarray([np.broadcast_to(np.asarray(r.extra["values"], dtype=float), (n,)) / r.measured - 1
                       for r in rows]) if rows else np.zeros((0, n))


def medians(rows, rounds, categories=CATEGORIES, n: int | None = None) -> dict:
    """{category: median |error| (%)} of the rows of `rounds` (at each of n grid points when n is given)."""
    out = {}
    for cat in categories:
        mine = [r for r in rows if r.category == cat and r.data.get("round") in rounds]
        if n is None:
            e = np.asarray([r.error for r in mine], dtype=float)
            e = e[np.isfinite(e)]
            out[cat] = float(np.median(np.abs(e))) * 100 if e.size else math.nan
        else:
            with _quiet():
                out[cat] = np.nanmedian(np.abs(grid_errors(mine, n)), axis=0) * 100 if mine else np.full(n, np.nan)
    return out


# ----------------------------------------------------------------------------- the procedures, one round set at a time
def refit(fit_rounds: tuple, training_rounds: tuple, seq: bool = False, log=print) -> dict:
    """Every constant refitted on the rows of `fit_rounds` (inference) and `training_rounds` (time-to-train), in
    the order of the module docstring; returns the values found."""
    found: dict = {}
    seq_lets = {}
    if seq:                         # seq_overhead with the families refitted at each point
        n_e, n_s = len(SEQ_EFF_GRID), len(SEQ_GRID_US)
        rows = evaluate(params={"s_": list(SEQ_GRID_US), "e_": list(SEQ_EFF_GRID)},    # s outer, e inner
                        keep=(fit_rounds, ("throughput",)),
                        family={f: Name("e_") for f in SHIPPED_FAMILY},
                        inference={"seq_overhead": Name("s_") * Q(1.0, "us")})
        thr = [r for r in rows if r.kind == "inference" and r.output == "tokens_per_s"
               and r.data.get("round") in fit_rounds]
        errs = grid_errors(thr, n_e * n_s)
        score = []
        for j, s in enumerate(SEQ_GRID_US):     # every category at s with its families: one pass each
            picks = {}
            for fam in SHIPPED_FAMILY:
                mine = np.asarray([V.FAMILIES.get(r.chip) == fam for r in thr])
                picks[fam] = argmin_median(errs[mine][:, j * n_e:(j + 1) * n_e], SEQ_EFF_GRID)[0]
            med = medians(evaluate(family=picks, inference={"seq_overhead": Q(s, "us")},
                                   keep=(fit_rounds, THROUGHPUT_METRICS + LATENCY_METRICS)), fit_rounds,
                          INFERENCE + LATENCY)
            score.append(sum(v for v in med.values() if np.isfinite(v)))
        j = int(np.argmin(score))
        found["seq_overhead_us"] = SEQ_GRID_US[j]
        log(f"    seq_overhead scan {dict(zip(SEQ_GRID_US, np.round(score, 2)))} -> {SEQ_GRID_US[j]} us")
        seq_lets = {"seq_overhead": Q(SEQ_GRID_US[j], "us")}
    # 1-2. family factors and the training factor: one pass over the efficiency grid
    rows = evaluate(params={"e_": list(EFF_GRID)}, family={f: Name("e_") for f in SHIPPED_FAMILY},
                    keep=(fit_rounds, ("throughput",)), inference=seq_lets)
    thr = [r for r in rows if r.kind == "inference" and r.output == "tokens_per_s" and r.data.get("round") in fit_rounds]
    errs = grid_errors(thr, len(EFF_GRID))
    for fam in SHIPPED_FAMILY:
        mine = np.asarray([V.FAMILIES.get(r.chip) == fam for r in thr])
        found[fam] = argmin_median(errs[mine], EFF_GRID)[0] if mine.any() else SHIPPED_FAMILY[fam]
    # 2. the training factor and step overhead, jointly (their product grid, e_t outer)
    rows = evaluate(params={"te_": list(TRAIN_EFF_GRID), "tc_": list(TRAIN_STEP_GRID)},
                    keep=(training_rounds, ("time_to_train",)),
                    training={"training_gemm_efficiency": Name("te_"), "training_step_overhead": Name("tc_") * Q(1.0, "s")})
    pairs = [(e, c) for e in TRAIN_EFF_GRID for c in TRAIN_STEP_GRID]
    pick = argmin_median(grid_errors(rows, len(pairs)), range(len(pairs)))[0]
    found["training_gemm_efficiency"], found["training_step_overhead"] = pairs[int(pick)]
    family = {fam: found[fam] for fam in SHIPPED_FAMILY}
    # 3. first_token_delay and the residual tail's p99 share, jointly (their product grid)
    d_col = [d for d in DELAY_GRID for _ in TAIL_GRID]     # the spec's grid: the parameters' product, d outer
    t_col = [t for _ in DELAY_GRID for t in TAIL_GRID]
    rows = evaluate(params={"d_": list(DELAY_GRID), "t_": list(TAIL_GRID)}, family=family,
                    keep=(fit_rounds, ("ttft_p50", "ttft_p99")),
                    inference={**seq_lets, "first_token_delay": Name("d_")}, tail="t_")
    med = medians(rows, fit_rounds, ("TTFT p50", "TTFT p99"), n=len(d_col))
    score = med["TTFT p50"] + med["TTFT p99"]
    j = int(np.nanargmin(score))
    found["first_token_delay"], found["residual_tail_p99"] = d_col[j], t_col[j]
    log(f"    {found}")
    # 4. the add-in cards' capacity margin, one pass a value (a grid over `capacity_margin` is an IndexError in the
    # model's search, inference.py `search`: reported, not fixed here) on the rows it moves (the add-in cards'
    # Server / Interactive rows): the least sum of their categories' medians
    inference = {**seq_lets, "first_token_delay": found["first_token_delay"]}
    score = []
    for m in MARGIN_GRID:
        rows = evaluate(family=family, inference=inference, tail=found["residual_tail_p99"], margin=m,
                        keep=(fit_rounds, THROUGHPUT_METRICS + LATENCY_METRICS, V.KNEE_POWER_CHIPS))
        rows = [r for r in rows if r.data.get("scenario") != "Offline"]
        med = medians(rows, fit_rounds, MARGIN_CATEGORIES)
        score.append(sum(v for v in med.values() if np.isfinite(v)))
    found["capacity_margin"] = MARGIN_GRID[int(np.argmin(score))]
    log(f"    capacity margin {dict(zip(MARGIN_GRID, np.round(score, 2)))}")
    return found


def judged(found: dict) -> list:
    """Every row at the constants `found`."""
    inference = {"first_token_delay": found["first_token_delay"]}
    if "seq_overhead_us" in found:
        inference["seq_overhead"] = Q(found["seq_overhead_us"], "us")
    return evaluate(family={fam: found[fam] for fam in SHIPPED_FAMILY}, inference=inference,
                    training={"training_gemm_efficiency": found["training_gemm_efficiency"],
                              "training_step_overhead": Q(found["training_step_overhead"], "s")},
                    tail=found["residual_tail_p99"], margin=found["capacity_margin"])


SHIPPED = {**SHIPPED_FAMILY, "training_gemm_efficiency": SHIPPED_TRAINING,
           "training_step_overhead": SHIPPED_TRAINING_STEP, "first_token_delay": SHIPPED_DELAY,
           "residual_tail_p99": SHIPPED_TAIL, "capacity_margin": SHIPPED_MARGIN}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only v4.1 -> v5.0 (and training v4.0 -> v4.1)")
    ap.add_argument("--seq", action="store_true", help="also rescan seq_overhead with the families (slower)")
    ap.add_argument("--only", choices=("both", "v4.1", "v5.0"),
                    help="one fit only (its column beside the shipped one; the runs can go in parallel)")
    ap.add_argument("--with", dest="on", action="append", default=[], metavar="NAME",
                    help="validate's mechanism NAME on in every run, the shipped column included (as `validate --with`)")
    ap.add_argument("--fraction", type=float, help="continuous_capacity's OPERATING_FRACTION")
    args = ap.parse_args(argv)
    global MECHANISMS_ON
    if args.on:
        MECHANISMS_ON = V.mechanisms_with(on=args.on)
    if args.fraction is not None:
        V.OPERATING_FRACTION = args.fraction
    t0 = time.time()
    log = lambda s: print(s, file=sys.stderr, flush=True)   # noqa: E731
    shipped = [r for r in V.run(PATH, mechanisms=MECHANISMS_ON)[0] if r.fields]
    if not args.only:
        check = judged(SHIPPED)       # the patch at the shipped values must reproduce validate's rows exactly
        moved = sum(1 for a, b in zip(shipped, check)
                    if not (a.predicted == b.predicted or (math.isnan(a.predicted) and math.isnan(b.predicted))))
        log(f"  shipped values through the patch: {moved} rows moved of {len(shipped)} ({time.time() - t0:.0f} s)")
    fits = {"both": (INFERENCE_ROUNDS, TRAINING_ROUNDS),
            "v4.1 only": (("inference-v4.1",), ("training-v4.0",)),
            "v5.0 only": (("inference-v5.0",), ("training-v4.1",))}
    if args.quick:
        fits.pop("v5.0 only")
    if args.only:
        fits = {k: v for k, v in fits.items() if k.startswith(args.only)}
    found, rows = {}, {"shipped": shipped}
    for name, (inf, tr) in fits.items():
        log(f"  refit on {name} ...")
        found[name] = refit(inf, tr, seq=args.seq, log=log)
        rows[name] = judged(found[name])
        log(f"    {found[name]} ({time.time() - t0:.0f} s)")
    print(f"constants (shipped; refit on both rounds; on one round; training: both = v3.1-v4.1, v4.1 only = "
          f"training v4.0, v5.0 only = training v4.1)")
    keys = list(SHIPPED) + (["seq_overhead_us"] if args.seq else [])
    print(f"  {'constant':<26}{'shipped':>10}" + "".join(f"{n:>12}" for n in found))
    for k in keys:
        print(f"  {k:<26}{SHIPPED.get(k, SHIPPED_SEQ_US):>10}" + "".join(f"{found[n].get(k, math.nan):>12}"
                                                                          for n in found))
    rounds = INFERENCE_ROUNDS + TRAINING_ROUNDS
    print("\nmedian |error| (%) by category and round; columns: the constants' fit")
    print(f"  {'category':<24}{'round':<16}" + "".join(f"{n:>12}" for n in rows))
    for cat in CATEGORIES:
        for rnd in rounds:
            vals = {n: medians(rs, (rnd,), (cat,))[cat] for n, rs in rows.items()}
            if all(math.isnan(v) for v in vals.values()):
                continue
            count = sum(1 for r in shipped if r.category == cat and r.data.get("round") == rnd)
            print(f"  {cat:<24}{rnd:<16}" + "".join(f"{v:>12.1f}" for v in vals.values()) + f"   ({count} rows)")
        vals = {n: medians(rs, rounds, (cat,))[cat] for n, rs in rows.items()}
        print(f"  {cat:<24}{'all':<16}" + "".join(f"{v:>12.1f}" for v in vals.values()))
    log(f"  done in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
