"""Cross-round check: the constants fitted or scanned on reference/mlperf_calibration.csv, refitted on one round
alone and judged on the other (issue 11, generalisation; docs/accuracy.md "Constants refitted round by round").

    PYTHONPATH=. python3 bench/cross_round.py             (every fit; tens of minutes on a loaded shared core)
    PYTHONPATH=. python3 bench/cross_round.py --only v4.1 (one fit beside the shipped column: 280 s wall with
                                                            two others running; v5.0 / both: >15 min, the
                                                            TTFT grid's 225 points over 314 rows dominate)
    PYTHONPATH=. python3 bench/cross_round.py --quick     (one direction, v4.1 -> v5.0)
    PYTHONPATH=. python3 bench/cross_round.py --ttft [--with harness_dispatch [--with residual_tail] |
                                                     --with dispatch_p50 | --with power_limit_window
                                                     [--margin 0.03]]
                                                          (the first-token pair alone, everything else shipped,
                                                            by round and leaving one benchmark / chip family /
                                                            submitter out: 9-11 min on loaded shared cores)

No v4.1 TTFT row reads the first-token pair (its NVIDIA engines ran whole prompts, AMD's harness batches): a fit on
v4.1 alone is not identified, and is reported so (docs/accuracy.md "The first-token pair by round", s16-dispatch).

The owners judge the model on MLPerf rounds that the calibration file does not hold. Every constant that was chosen
by looking at this file's errors (fitted or scanned) may carry that file's noise; the honest estimate of the error
on an unseen round is the error on a round whose rows the constants never saw. This script runs the constants'
own selection procedures (the ones their comments in compiler/validate.py, compiler/models/inference/,
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
# the shipped family factors (stdlib/chips.factory `let serving_efficiency` / `serving_efficiency_fp4`, 2026-12-05;
# Hopper FP8, Hopper add-in FP8, Ada FP8 and Blackwell FP4 refitted 2026-12-06 by the family rule)
SHIPPED_FAMILY = {"Hopper FP8": 0.81, "Hopper add-in FP8": 0.51, "Ada FP8": 0.32, "Blackwell FP4": 0.93,
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
def patched(family=None, inference=None, training=None, tail=None, margin=None, residual=None, dispatch_tail=None,
            p50_pair=None):
    """validate with constants moved: `family` {family: value or Expr} as each family row's
    `inference_gemm_efficiency`; `inference` / `training` {let: value} on every row of that kind that does not set
    the let itself (a row's own let, e.g. the PyTorch rows' seq_overhead, is kept); `tail` the p99 share
    RESIDUAL_TAIL_P99_DELAY (value or parameter name, `tail_moves`); `margin` ADDIN_CAPACITY_MARGIN; `residual` (r50, r99), values or
    parameter names, the pair DISPATCH_RESIDUAL_DELAY on the rows `harness_dispatch` gave it (`residual_moves`);
    `dispatch_tail` (d, d99) the dispatch with the residual tail kept (`dispatch_tail_moves`); `p50_pair` (d, d99)
    in place of DISPATCH_P50_DELAY (`dispatch_p50_moves`). Restored on exit."""
    plan, saved = V.plan, (V.RESIDUAL_TAIL_P99_DELAY, V.ADDIN_CAPACITY_MARGIN)

    def moved(row, mechanisms=None):
        plan(row, mechanisms if mechanisms is not None else MECHANISMS_ON)
        for r in (row, *row.extra.get("parts", ())):
            if not r.fields:
                continue
            if r.kind == "inference":
                fam = V.FAMILIES.get(r.chip)
                if family and fam in family:
                    r.lets.setdefault("inference_gemm_efficiency", family[fam])
                for k, v in (inference or {}).items():   # the pair a mechanism put in the model's default's place
                    if k in r.extra.get("default_pair_lets", ()):   # (converged_voltage_floor) is the scan's too
                        r.lets[k] = v
                    else:
                        r.lets.setdefault(k, v)
                if tail is not None:
                    r.lets.update(tail_moves(r.lets, tail))
                if residual is not None:
                    r.lets.update(residual_moves(r.lets, residual))
                if dispatch_tail is not None:
                    r.lets.update(dispatch_tail_moves(r.lets, dispatch_tail))
                if p50_pair is not None:
                    r.lets.update(dispatch_p50_moves(r.lets, p50_pair))
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


def tail_moves(lets: dict, tail) -> dict:
    """The lets that put the residual tail's p99 share `tail` (value or parameter name) in place of
    RESIDUAL_TAIL_P99_DELAY on a row `residual_tail` planned (`step_residual_tail` 1): its `first_token_delay_p99`,
    which the p99 takes in place of `first_token_delay` (the model's law since 2026-12-06; the session-14 patch
    moved `dispatch_wait_p99` by tail - delay, which now adds to that share: 147 of 416 TTFT rows moved at the
    shipped values). Other rows: {}."""
    if lets.get("step_residual_tail") != 1.0:
        return {}
    return {"first_token_delay_p99": Name(tail) if isinstance(tail, str) else tail}


def residual_moves(lets: dict, residual) -> dict:
    """The lets that put the residual pair (r50, r99) (values or parameter names) in place of
    DISPATCH_RESIDUAL_DELAY on a row `harness_dispatch` planned: its chunked rows carry `first_token_delay` r50 and
    `dispatch_wait_p99` = D99 + (r99 - r50) (validate `plan`); whole-prompt rows (residual (0, 0), no delay in
    the law) and rows the mechanism did not reach are left as they are ({})."""
    if "dispatch_wait_p99" not in lets or "whole_prompts" in lets:
        return {}
    r50, r99 = (Name(x) if isinstance(x, str) else x for x in residual)
    s50, s99 = V.DISPATCH_RESIDUAL_DELAY
    d99 = float(lets["dispatch_wait_p99"]) - (s99 - s50)          # the table's D99 for the row's dispatch
    if isinstance(r50, float) and isinstance(r99, float):
        return {"first_token_delay": r50, "dispatch_wait_p99": d99 + (r99 - r50)}
    return {"first_token_delay": r50, "dispatch_wait_p99": as_expr(r99) - r50 + d99}


def dispatch_tail_moves(lets: dict, pair) -> dict:
    """`harness_dispatch` with the residual tail kept (`--ttft --with harness_dispatch --with residual_tail`): on
    a row the dispatch planned, the table's D50 / D99 stay and the first-token pair (d, d99) (values or parameter
    names) is validate's default law's: the chunked TensorRT-LLM rows take the rest of the step in flight at its
    spread (`step_residual_tail` 1) with `first_token_delay` d and `first_token_delay_p99` d99; the other rows
    with a delay (not whole prompts: AMD's vLLM) take d at both quantiles, as by default. Whole-prompt rows and
    rows the mechanism did not reach: {}."""
    if "dispatch_wait_p99" not in lets or "whole_prompts" in lets:
        return {}
    d, d99 = (Name(x) if isinstance(x, str) else x for x in pair)
    s50, s99 = V.DISPATCH_RESIDUAL_DELAY
    moved = {"first_token_delay": d, "dispatch_wait_p99": float(lets["dispatch_wait_p99"]) - (s99 - s50)}
    if "context_chunk_unit" in lets:
        moved.update(step_residual_tail=1.0, first_token_delay_p99=d99)
    return moved


def dispatch_p50_moves(lets: dict, pair) -> dict:
    """`dispatch_p50` (`--ttft --with dispatch_p50`): the first-token pair (d, d99) (values or parameter names) in
    place of DISPATCH_P50_DELAY on a row the mechanism planned: `first_token_delay` d where prompts are not whole,
    `first_token_delay_p99` d99 where the residual tail is on. Other rows: {}."""
    if "dispatch_wait_p50" not in lets or "whole_prompts" in lets or "dispatch_wait_p99" in lets:
        return {}
    d, d99 = (Name(x) if isinstance(x, str) else x for x in pair)
    moved = {"first_token_delay": d}
    if lets.get("step_residual_tail") == 1.0:
        moved["first_token_delay_p99"] = d99
    return moved


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
    j = pair_pick(score)
    if j is None:       # no row of the round reads the pair (v4.1: whole prompts, AMD's batcher): not identified;
        # the shipped pair stands in, flagged (an argmin would report the grid's first point as a fit)
        log("    the first-token pair is not identified on these rows (flat score): the shipped pair, flagged")
        found["first_token_delay"], found["residual_tail_p99"] = SHIPPED_DELAY, SHIPPED_TAIL
        found["ttft_pair_identified"] = False
    else:
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


def margin_scan(delay: float, tail: float, rounds=INFERENCE_ROUNDS) -> list:
    """The capacity margin's rule (step 4 of `refit`) alone at the first-token pair (delay, tail), everything else
    shipped: [(margin, score, {category: median})] over MARGIN_GRID, score the sum of the finite medians of
    MARGIN_CATEGORIES over the add-in cards' live rows of `rounds`."""
    out = []
    for m in MARGIN_GRID:
        rows = evaluate(inference={"first_token_delay": delay}, tail=tail, margin=m,
                        keep=(rounds, THROUGHPUT_METRICS + LATENCY_METRICS, V.KNEE_POWER_CHIPS))
        med = medians([r for r in rows if r.data.get("scenario") != "Offline"], rounds, MARGIN_CATEGORIES)
        out.append((m, sum(v for v in med.values() if np.isfinite(v)), med))
    return out


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


# ----------------------------------------------------------------------------- the TTFT pair alone (`--ttft`)
# The pair of first-token constants, everything else at its shipped value, on a two-stage grid: a coarse product
# grid (PAIR_STEP) over the whole range, then fine windows (PAIR_FINE, +-1 coarse step) around the coarse picks
# of the three round fits; every fit (and every fold below) takes its least score over all the points evaluated.
# "delay": `first_token_delay` x the residual tail's p99 share (validate's defaults); "residual": with
# `harness_dispatch` on, its residual pair DISPATCH_RESIDUAL_DELAY (r50, r99) in place of both.
PAIR_STEP, PAIR_FINE = 0.05, 0.025
PAIR_RANGES = {"delay": ((0.0, 0.5), (0.0, 0.35)), "residual": ((0.0, 0.5), (0.0, 0.6)),
               "dispatch_tail": ((0.0, 0.5), (0.0, 0.35)), "dispatch_p50": ((0.0, 0.5), (0.0, 0.35))}
TTFT = ("TTFT p50", "TTFT p99")


def axis(lo: float, hi: float, step: float) -> list:
    """lo, lo + step, ... hi (rounded to 4 places)."""
    return [round(lo + step * i, 4) for i in range(int(round((hi - lo) / step)) + 1)]


def pair_points(a_axis, b_axis) -> list:
    """The product grid's points (a, b), a outer: the order of a spec's two parameter grids."""
    return [(a, b) for a in a_axis for b in b_axis]


def pair_errors(mode: str, points: list) -> tuple:
    """Every TTFT row of both rounds at each (a, b) of `points` (one compiler pass per distinct-a block; the
    points must be a product grid): (rows, errors rows x points)."""
    a_axis = sorted({a for a, _ in points})
    b_axis = sorted({b for _, b in points})
    assert pair_points(a_axis, b_axis) == points, "pair_errors takes a product grid, a outer"
    moves = {"delay": {"inference": {"first_token_delay": Name("a_")}, "tail": "b_"},
             "residual": {"residual": ("a_", "b_")}, "dispatch_tail": {"dispatch_tail": ("a_", "b_")},
             "dispatch_p50": {"p50_pair": ("a_", "b_")}}[mode]
    rows = evaluate(params={"a_": a_axis, "b_": b_axis}, keep=(INFERENCE_ROUNDS, ("ttft_p50", "ttft_p99")), **moves)
    rows = [r for r in rows if r.category in TTFT]
    return rows, grid_errors(rows, len(points))


def pair_score(categories, errors: np.ndarray, mask) -> np.ndarray:
    """The rule both constants were chosen by: the TTFT p50 median |error| plus the TTFT p99 one (%), over the
    rows in `mask`, at each point (columns of `errors`; `categories` the rows' categories)."""
    cats, m = np.asarray(categories), np.asarray(mask, dtype=bool)
    with _quiet():
        score = sum(np.nanmedian(np.abs(errors[m & (cats == c)]), axis=0) * 100 if (m & (cats == c)).any()
                    else np.zeros(errors.shape[1]) for c in TTFT)
    # a point where rows the others predict have none (the pair out of a let's range: validate's diagnostic)
    # would be scored on fewer rows: it is not a candidate
    finite = np.isfinite(errors[m]).sum(axis=0)
    return np.where(finite < finite.max(initial=0), np.nan, score)


def pair_pick(score: np.ndarray):
    """The index of the least score, or None where the rows do not identify the pair (the score flat within
    1e-9 points over two or more candidates: no row of the fit reads it; an argmin would return the grid's first
    point) or no point is a candidate."""
    s = np.asarray(score, dtype=float)
    if not np.isfinite(s).any() or (np.isfinite(s).sum() > 1 and np.nanmax(s) - np.nanmin(s) < 1e-9):
        return None
    return int(np.nanargmin(s))


def held_out(categories, errors: np.ndarray, labels, fit_mask=None) -> dict:
    """Leave one group out: for each label g, the pair picked on the rows of the other labels (within `fit_mask`
    when given) judges g's rows. {g: (pick or None, {category: median |error| % of g's rows at the pick})}, and
    under None the pooled held-out medians (every row at its own fold's pick)."""
    labels, cats = np.asarray(labels), np.asarray(categories)
    fit_mask = np.ones(len(labels), dtype=bool) if fit_mask is None else np.asarray(fit_mask, dtype=bool)
    out, pooled = {}, np.full(len(labels), np.nan)
    for g in sorted(set(labels.tolist())):
        mine = labels == g
        j = pair_pick(pair_score(cats, errors, fit_mask & ~mine))
        col = errors[:, j] if j is not None else np.full(len(labels), np.nan)
        pooled[mine] = col[mine]
        with _quiet():
            out[g] = (j, {c: float(np.nanmedian(np.abs(col[mine & (cats == c)]))) * 100
                          if (mine & (cats == c)).any() else math.nan for c in TTFT})
    with _quiet():
        out[None] = (None, {c: float(np.nanmedian(np.abs(pooled[cats == c]))) * 100 for c in TTFT})
    return out


def ttft_pair(mode: str, log=print, save=None) -> None:
    """`--ttft`: the pair refit on both rounds, on each round alone, and leaving out one benchmark / chip family /
    submitter at a time; prints the values found and the TTFT medians by round at each (`save`: an .npz of the
    points, the rows and their errors)."""
    (a_lo, a_hi), (b_lo, b_hi) = PAIR_RANGES[mode]
    shipped = {"residual": tuple(V.DISPATCH_RESIDUAL_DELAY),
               "dispatch_p50": tuple(V.DISPATCH_P50_DELAY)}.get(mode, (SHIPPED_DELAY, SHIPPED_TAIL))
    t0 = time.time()
    points = pair_points(axis(a_lo, a_hi, PAIR_STEP), axis(b_lo, b_hi, PAIR_STEP))
    rows, errs = pair_errors(mode, points)
    log(f"  coarse grid: {len(points)} points x {len(rows)} rows ({time.time() - t0:.0f} s)")
    lines = [r.line for r in rows]
    cats = [r.category for r in rows]
    rnd = np.asarray([r.data.get("round") for r in rows])
    fits = {"both": np.ones(len(rows), dtype=bool), "v4.1 only": rnd == "inference-v4.1",
            "v5.0 only": rnd == "inference-v5.0"}
    windows = {shipped}
    for mask in fits.values():
        j = pair_pick(pair_score(cats, errs, mask))
        if j is not None:
            windows.add(points[j])
    for a0, b0 in sorted(windows):      # the fine stage: +-1 coarse step about each pick (and the shipped pair)
        fine = pair_points(axis(max(a_lo, a0 - PAIR_STEP), min(a_hi, a0 + PAIR_STEP), PAIR_FINE),
                           axis(max(b_lo, b0 - PAIR_STEP), min(b_hi, b0 + PAIR_STEP), PAIR_FINE))
        more, e = pair_errors(mode, fine)
        at = {(r.line, r.category): i for i, r in enumerate(more)}      # rows with no prediction: NaN
        e = np.asarray([e[at[k]] if k in at else np.full(len(fine), np.nan) for k in zip(lines, cats)])
        points, errs = points + fine, np.hstack([errs, e])
        log(f"  fine window about {(a0, b0)}: {len(fine)} points ({time.time() - t0:.0f} s)")
    if save:                            # the surface, for other rules or folds without another pass
        np.savez(save, points=np.asarray(points), lines=np.asarray(lines), categories=np.asarray(cats),
                 rounds=rnd, errors=errs)
    names = ("r50", "r99") if mode == "residual" else ("first_token_delay", "residual tail p99")
    print(f"\nthe TTFT pair ({mode}: {names[0]} x {names[1]}), {len(set(points))} points; TTFT p50 / p99 median "
          f"|error| (%) by round at each pick")
    col_at = {p: i for i, p in enumerate(points)}
    picks = {"shipped": col_at.get(shipped)}
    for name, mask in fits.items():
        picks[name] = pair_pick(pair_score(cats, errs, mask))
    print(f"  {'fit':<12}{names[0]:>18}{names[1]:>18}   v4.1 p50 / p99   v5.0 p50 / p99   all p50 / p99")
    for name, j in picks.items():
        if j is None:
            print(f"  {name:<12}{'not identified':>36}   (no row of the fit reads the pair: its score is flat)")
            continue
        med = {rk: [float(np.nanmedian(np.abs(errs[m & (np.asarray(cats) == c), j]))) * 100 for c in TTFT]
               for rk, m in (("v4.1", rnd == "inference-v4.1"), ("v5.0", rnd == "inference-v5.0"),
                             ("all", np.ones(len(rows), dtype=bool)))}
        a, b = points[j]
        print(f"  {name:<12}{a:>18}{b:>18}" + "".join(f"   {med[k][0]:5.1f} / {med[k][1]:5.1f}  "
                                                       for k in ("v4.1", "v5.0", "all")))
    v50 = rnd == "inference-v5.0"
    groups = {"benchmark": [BENCHMARK_GROUPS.get(r.data.get("benchmark"), r.data.get("benchmark")) for r in rows],
              "family": [V.FAMILIES.get(r.chip, "?") for r in rows],
              "submitter": [(r.data.get("system") or "?").split(":")[0] for r in rows]}
    for what, labels in groups.items():
        for scope, fit_mask in (("both rounds", None), ("v5.0", v50)):
            out = held_out(cats, errs, labels, fit_mask)
            print(f"\n  leave one {what} out (fit on the rest, {scope}): pick, held-out TTFT p50 / p99 (%), rows")
            for g, (j, med) in out.items():
                if g is None:
                    continue
                n = sum(1 for x, c in zip(labels, cats) if x == g and c == "TTFT p50")
                at = points[j] if j is not None else "not identified"
                print(f"    {g:<28}{str(at):>18}   {med['TTFT p50']:5.1f} / {med['TTFT p99']:5.1f}   ({n})")
            print(f"    {'pooled held-out':<28}{'':>18}   {out[None][1]['TTFT p50']:5.1f} / "
                  f"{out[None][1]['TTFT p99']:5.1f}")
    log(f"  done in {time.time() - t0:.0f} s")


BENCHMARK_GROUPS = {"llama2-70b-99": "llama2-70b", "llama2-70b-99.9": "llama2-70b",
                    "llama2-70b-interactive-99": "llama2-70b-interactive",
                    "llama2-70b-interactive-99.9": "llama2-70b-interactive"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="only v4.1 -> v5.0 (and training v4.0 -> v4.1)")
    ap.add_argument("--seq", action="store_true", help="also rescan seq_overhead with the families (slower)")
    ap.add_argument("--only", choices=("both", "v4.1", "v5.0"),
                    help="one fit only (its column beside the shipped one; the runs can go in parallel)")
    ap.add_argument("--with", dest="on", action="append", default=[], metavar="NAME",
                    help="validate's mechanism NAME on in every run, the shipped column included (as `validate --with`)")
    ap.add_argument("--fraction", type=float, help="continuous_capacity's OPERATING_FRACTION")
    ap.add_argument("--margin", type=float, help="ADDIN_CAPACITY_MARGIN in every run, the shipped column included "
                                                 "(with --ttft: the pair refit at another margin, e.g. the margin's "
                                                 "own refit with `--with power_limit_window`, 0.03)")
    ap.add_argument("--ttft", action="store_true",
                    help="only the first-token pair, everything else shipped, on a two-stage grid, by round and "
                         "leaving one benchmark / family / submitter out (with `--with harness_dispatch`: its "
                         "residual pair DISPATCH_RESIDUAL_DELAY; adding `--with residual_tail`: the dispatch with "
                         "the residual tail kept and the default pair; `--with dispatch_p50`: its pair "
                         "DISPATCH_P50_DELAY)")
    ap.add_argument("--margin-scan", nargs=2, type=float, metavar=("D", "D99"),
                    help="the capacity margin's rule alone (step 4 of the refit, both rounds) at the first-token "
                         "pair (D, D99), everything else shipped (with `--with`: those mechanisms on)")
    ap.add_argument("--save", metavar="NPZ", help="with --ttft: write the pair's error surface to NPZ")
    args = ap.parse_args(argv)
    global MECHANISMS_ON
    if args.on:
        MECHANISMS_ON = V.mechanisms_with(on=args.on)
    if args.fraction is not None:
        V.OPERATING_FRACTION = args.fraction
    if args.margin is not None:
        if not args.ttft:
            ap.error("--margin goes with --ttft (the full refit fits the margin itself)")
        V.ADDIN_CAPACITY_MARGIN = args.margin
    if args.margin_scan:
        d, t = args.margin_scan
        for m, score, med in margin_scan(d, t):
            print(f"  margin {m:<5} score {score:7.2f}  " + "  ".join(f"{k} {v:.2f}" for k, v in med.items()))
        return 0
    if args.ttft:
        mode = ("dispatch_p50" if "dispatch_p50" in args.on else "delay" if "harness_dispatch" not in args.on
                else "dispatch_tail" if "residual_tail" in args.on else "residual")
        if mode == "dispatch_tail":     # residual_tail is applied: `--with` it names the combination, the
            MECHANISMS_ON = V.mechanisms_with(on=["harness_dispatch"])   # patch keeps the tail on the rows
        ttft_pair(mode, log=lambda s: print(s, file=sys.stderr, flush=True), save=args.save)
        return 0
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
    keys = list(SHIPPED) + (["seq_overhead_us"] if args.seq else []) + ["ttft_pair_identified"]
    print(f"  {'constant':<26}{'shipped':>10}" + "".join(f"{n:>12}" for n in found))
    for k in keys:
        default = True if k == "ttft_pair_identified" else math.nan
        print(f"  {k:<26}{str(SHIPPED.get(k, SHIPPED_SEQ_US if k == 'seq_overhead_us' else '')):>10}"
              + "".join(f"{str(found[n].get(k, default)):>12}" for n in found))
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
