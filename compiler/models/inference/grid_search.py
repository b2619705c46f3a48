"""The vectorized search over (tp, pp, batch) configurations and the capacity point's solve.

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import math
import numpy as np

from ...reason import Reason
from .options import BATCH_GRID
from .physics import (Architecture, Hardware, Load, _col, _ep_searched, config_grid, engine_batch_cap)
from .step import evaluate_configs


def search_grid(hw: Hardware, arch: Architecture, load: Load) -> tuple:
    """The search's candidates (config_grid) for these scenarios: tp, pp, batch (and d where the experts' ranks are
    searched) as flat arrays."""
    moe = _ep_searched(arch, load)                               # expert parallelism: the d coordinate too
    return config_grid(float(np.max(hw.scaleup)), float(np.max(hw.chips)),
                       np.ones(1) if load.fixed_batch is not None else None, load.fixed_tp, load.fixed_pp,
                       np.asarray(hw.scaleup) if moe else None)


def search(hw: Hardware, arch: Architecture, load: Load, grid=None, q=None) -> dict[str, np.ndarray]:
    """The best configuration per scenario (one vectorized pass over every candidate). `q`: the grid's evaluation
    (evaluate_configs of `grid`, (scenarios, configurations) arrays) where the caller has it already."""
    # the grid spans every scenario's bounds (the largest scale-up domain and chip count); each scenario then
    # keeps only its own valid columns (`valid` in evaluate_configs), so a sweep equals the runs one at a time
    if grid is None:
        grid = search_grid(hw, arch, load)
    tp, pp, batch = grid[:3]
    ep = grid[3] if len(grid) > 3 else None
    if load.fixed_batch is not None:       # each scenario's own batch: a (scenarios, configurations) array
        batch = _col(load.fixed_batch) + 0 * np.asarray(batch, dtype=float).reshape(1, -1)
    if load.single_stream:                 # one request: its k beam rows (evaluate_configs keeps B = k)
        shape = np.asarray(batch, dtype=float)
        shape = shape if shape.ndim == 2 else shape.reshape(1, -1)   # (scenarios, configurations) where fixed
        batch = np.maximum(_col(load.beams), 1.0) + 0 * shape
    if q is None:
        q = evaluate_configs(hw, arch, load, tp, pp, batch, ep)
    shape = np.broadcast_shapes(*(v.shape for v in q.values()))
    q = {name: np.broadcast_to(v, shape) for name, v in q.items()}

    at_own = _own_rate_fallback(q, load)

    margin = _col(load.margin) if load.queueing and load.fixed_batch is None else np.zeros((1, 1))

    def scored(q):
        ok = _capacity_columns(q, load, at_own)
        if load.single_stream:
            return np.where(ok, 1 / q["tpot"] * (1 + 1e-9 * q["replicas"]), -np.inf)
        rate = np.where(ok, q["throughput"] / (1 + 1e-6 * q["t_iter"]), -np.inf)
        if not np.any(margin > 0):
            return rate
        # `capacity_margin` delta: the least TPOT p99 among the columns within delta of the most throughput
        top = np.max(np.where(ok, q["throughput"], -np.inf), axis=1, keepdims=True)
        near = ok & (q["throughput"] >= (1 - margin) * top)
        return np.where(margin > 0, np.where(near, -q["tpot"], -np.inf), rate)
    score = scored(q)
    if score.shape[0] != shape[0]:          # a swept setting the score reads alone (`capacity_margin`): q per scenario
        q = {name: np.broadcast_to(v, (score.shape[0],) + v.shape[1:]) for name, v in q.items()}
    best = np.argmax(score, axis=1)
    grid_columns = score.shape[1]           # the grid's own columns, first in q and score whatever is added after
    n_refine = int(np.max(_col(load.refine))) if load.queueing and load.fixed_batch is None else 0
    if n_refine > 0:                        # `batch_refinement`: finer batches around each grid capacity point
        layouts = np.unique(np.stack([np.ravel(tp), np.ravel(pp)] + ([np.ravel(ep)] if ep is not None else [])),
                            axis=1)
        rows = np.arange(score.shape[0])
        sub = _refined_batches(q["batch"][rows, best] / q["ep_ranks"][rows, best],
                               np.where(_col(load.refine)[:, 0] > 0, n_refine, 0) + 0 * rows, BATCH_GRID)
        k = sub.shape[1]
        extra = evaluate_configs(hw, arch, load, np.repeat(layouts[0], k), np.repeat(layouts[1], k),
                                 np.tile(sub, layouts.shape[1]), np.repeat(layouts[2], k) if ep is not None else None)
        n = max([score.shape[0], sub.shape[0]] + [np.shape(v)[0] for v in extra.values() if np.ndim(v) == 2])
        shape = (n, layouts.shape[1] * k)     # a swept `batch_refinement` gives each scenario its own sub-batches
        q = {name: np.concatenate([np.broadcast_to(q[name], (n,) + q[name].shape[1:]),
                                   np.broadcast_to(extra[name], shape)], axis=1) for name in q}
        score = scored(q)                   # the grid's columns first: a tie keeps the grid's point
        best = np.argmax(score, axis=1)
    row_solve = (_col(load.solve) > 0) & ~(margin > 0)      # the scenarios (a sweep's rows) that solve their batch
    solve = (load.queueing and load.fixed_batch is None and np.any(row_solve)
             and np.size(batch) == np.size(tp) and np.size(batch) % BATCH_GRID.size == 0
             and np.array_equal(np.reshape(batch, (-1, BATCH_GRID.size))[0], BATCH_GRID))
    if solve:                               # `capacity_solve`: the batch solved between the grid's batches
        # on the grid's columns alone (_solved_batches reads them as layouts x BATCH_GRID): the refined columns
        # stay candidates beside the solved ones, so the point is the best of the grid's, the refined and the
        # solved batches (before 2026-12-07 both set raised a ValueError on the refined columns' shape)
        extra = _solved_batches(hw, arch, load, tp, pp, ep, score[:, :grid_columns], scored)
        if extra is not None:               # candidates only where the row solves (`capacity_solve` 1, no margin):
            n = max(score.shape[0], row_solve.shape[0])   # a sweep equals its runs one at a time
            extra = {name: np.broadcast_to(v, (n,) + np.shape(v)[1:]) for name, v in extra.items()}
            extra["ok"] = extra["ok"] & row_solve
            q = {name: np.concatenate([np.broadcast_to(q[name], (n,) + q[name].shape[1:]), extra[name]], axis=1)
                 for name in q}
            score = scored(q)               # the grid's columns first: a tie keeps the grid's point
            best = np.argmax(score, axis=1)
    rows = np.arange(score.shape[0])
    out = {name: value[rows, best] for name, value in q.items() if name != "ok"}
    out["feasible"] = np.isfinite(score[rows, best]).astype(float)
    out["configurations"] = np.asarray(float(score.shape[1]))
    # why a scenario has no configuration: the layout that comes closest to fitting (least weight per chip),
    # and among those that fit, the lowest TPOT and TTFT
    allowed, fits = q["allowed"] > 0, q["fits"] > 0
    out["any_allowed"] = allowed.any(axis=1)
    out["any_fits"] = fits.any(axis=1)
    closest = np.argmin(np.where(allowed, q["weights_per_chip"], np.inf), axis=1)
    for name in ("weights_per_chip", "usable", "kv_sequence", "max_batch", "tp", "pp", "ep_ranks"):
        out["closest_" + name] = q[name][rows, closest]
    # the most rows a layout's KV cache holds per attention rank (a request's k beams need k of them)
    out["most_rows"] = np.where(allowed, q["max_batch"] / q["ep_ranks"], -np.inf).max(axis=1)
    out["least_tpot"] = np.where(fits, q["tpot"], np.inf).min(axis=1)
    out["least_ttft"] = np.where(fits, q["ttft"], np.inf).min(axis=1)
    return out


OWN_RATE_TOLERANCE = 1e-9     # a column carries its own rate where its rate is at least (1 - this) of B / (k t_iter)


def _own_rate_fallback(q: dict, load: Load) -> np.ndarray:
    """Per scenario (rows, as a column): whether `capacity_at_own_rate` holds its capacity point to the columns that
    meet both limits at their own rate, true where it is set and the grid `q` has such a column (else the cut
    columns stand: a load whose smallest batch already overruns the TTFT limit)."""
    own = np.asarray(q["ok"]) & (np.asarray(q["own_rate_share"]) >= 1 - OWN_RATE_TOLERANCE)
    return (_col(load.own_rate) > 0) & own.any(axis=1, keepdims=True) & bool(load.queueing)


def _capacity_columns(q: dict, load: Load, at_own: np.ndarray) -> np.ndarray:
    """The columns of `q` that may be the capacity point (module docstring "Capacity point"): those that meet both
    limits (`ok`); where `at_own` (_own_rate_fallback) holds, only those among them whose rate is their B rows'
    own, B / (k t_iter) (Little's law: a column whose rate the TTFT limit cuts holds fewer rows than B)."""
    ok = np.asarray(q["ok"])
    return np.where(at_own, ok & (np.asarray(q["own_rate_share"]) >= 1 - OWN_RATE_TOLERANCE), ok)


SOLVE_POINTS = 256        # batches tried between the grid's neighbours (bracket ln(B_next / B_prev) <= 0.27 at
#                           B >= 40 rows: the root to 0.27 / 257 = 1.1e-3 in ln B, ~1 row at 600 rows)
SOLVE_PROBE = 1e-6        # the relative step of the rising test: score(B (1 + probe)) against score(B)


def _solved_batches(hw: Hardware, arch: Architecture, load: Load, tp, pp, ep, score: np.ndarray, scored):
    """`capacity_solve` (module docstring "Capacity point", Assumption): per scenario (rows) and layout, the largest
    batch between the grid's neighbours B_prev < B* < B_next of the layout's best grid batch B* where
        rising(B) = ok(B) and (not ok(B (1 + p)) or score(B (1 + p)) >= score(B)),   p = SOLVE_PROBE,
    both latency limits hold and the throughput still rises. rising holds at B_prev (or B* where B_prev fails) and
    not at B_next (which fails a limit or carries less), so its root is the point: a TPOT-bound point at its TPOT
    limit, a TTFT-bound one where its rate cut starts to lower the throughput, a KV-bound one at the rows the cache
    holds. The root by a section of the bracket at SOLVE_POINTS geometric points evaluated at once (one vectorized
    evaluation: a bisection's 16 sequential ones cost validate 5x its time), the last where rising holds kept.
    Assumes rising holds on one interval of the bracket (the throughput unimodal in B there); where it does not, the
    grid's own point still stands (the caller keeps the better). A layout is solved only where its best grid score x
    B_next / B* reaches the scenario's best: a replica's throughput B / t_iter(B) grows at most in proportion to its
    rows B (its step never shorter with more rows), so no other can win. Returns the evaluated columns at each
    solved batch, (scenarios, solved layouts), `ok` false where rising held nowhere; None where no layout is solved.
    `score`: the grid's (scenarios, layouts x BATCH_GRID) scores, the batch the fastest axis (config_grid)."""
    n_b = BATCH_GRID.size
    S = score.shape[0]
    grid3 = score.reshape(S, -1, n_b)
    k = np.argmax(grid3, axis=2)                                     # (S, L) each layout's best grid batch's index
    layout_best = grid3.max(axis=2)
    reach = BATCH_GRID[np.minimum(k + 1, n_b - 1)] / BATCH_GRID[k]   # B_next / B*: the most the solve can add
    can_win = layout_best * reach * (1 + 1e-9) >= layout_best.max(axis=1, keepdims=True)
    chosen = np.flatnonzero((np.isfinite(layout_best) & can_win).any(axis=0))
    if chosen.size == 0:
        return None
    grid3, k = grid3[:, chosen, :], k[:, chosen]                     # (S, C, batches), (S, C)
    first = chosen * n_b                                             # a layout's first grid column
    l_tp, l_pp = np.ravel(tp)[first], np.ravel(pp)[first]
    l_ep = np.ravel(ep)[first] if ep is not None else None
    below = np.isfinite(np.take_along_axis(grid3, np.maximum(k - 1, 0)[..., None], 2)[..., 0])
    lo = np.log(BATCH_GRID[np.where(below, np.maximum(k - 1, 0), k)])
    hi = np.log(BATCH_GRID[np.minimum(k + 1, n_b - 1)])
    C, m = chosen.size, SOLVE_POINTS
    x = lo[..., None] + (hi - lo)[..., None] * (np.arange(1, m + 1) / (m + 1))     # (S, C, m) inside the bracket
    b = np.exp(x).reshape(S, C * m)
    rep = lambda v: np.tile(np.repeat(v, m), 2)                      # each layout's m batches, then their probes
    q = evaluate_configs(hw, arch, load, rep(l_tp), rep(l_pp), np.concatenate([b, b * (1 + SOLVE_PROBE)], axis=1),
                         rep(l_ep) if l_ep is not None else None)
    q = {name: np.broadcast_to(v, (S, 2 * C * m)) for name, v in q.items()}
    both = scored(q)
    here, further = both[:, :C * m].reshape(S, C, m), both[:, C * m:].reshape(S, C, m)
    rising = np.isfinite(here) & (~np.isfinite(further) | (further >= here))
    last = np.where(rising.any(axis=2), m - 1 - np.argmax(rising[..., ::-1], axis=2), -1)   # last point it holds
    cols = (np.arange(C) * m)[None, :] + np.maximum(last, 0)
    out = {name: v[np.arange(S)[:, None], cols] for name, v in q.items()}
    out["ok"] = out["ok"] & (last >= 0)
    return out


def _refined_batches(B: np.ndarray, n: np.ndarray, grid: np.ndarray) -> np.ndarray:
    """`batch_refinement` (module docstring, Assumption): per scenario (rows), the batches strictly between the grid
    batches on either side of its grid capacity point B, B_prev (B_next / B_prev)^(j / 2n), j = 1 .. 2n - 1 (a
    geometric sub-grid: 2n - 1 batches, the grid's own two ends and B excluded where they fall on it); a scenario
    with n = 0 repeats B (its grid point, evaluated already). Returns (scenarios, 2 max(n) - 1)."""
    B = np.asarray(B, dtype=float).reshape(-1)
    n = np.asarray(n, dtype=float).reshape(-1)
    m = int(np.max(n))
    at = np.searchsorted(grid, B * (1 - 1e-9))                    # B's index on the grid (B is a grid batch)
    prev = grid[np.clip(at - 1, 0, grid.size - 1)]
    nxt = grid[np.clip(at + 1, 0, grid.size - 1)]
    j = np.arange(1, 2 * m)[None, :]
    steps = np.maximum(n, 1)[:, None]
    sub = prev[:, None] * (nxt / prev)[:, None] ** (np.minimum(j, 2 * steps - 1) / (2 * steps))
    return np.where(n[:, None] > 0, sub, B[:, None])


def why_infeasible(best: dict, arch: Architecture, load: Load, hw: Hardware, i: int) -> Reason:
    """Why scenario `i` has no configuration, with the numbers: no layout exists, the weights (or the KV cache
    of one sequence) do not fit, or no layout meets the latency limits. A reason about a field of the workload is
    a `Reason` (compiler/reason.py) naming it, its value and the limit it breaks, so its `infeasible-workload`
    error stands at that field whatever the words (the first of `tp`, `pp` the spec fixes; a given `batch`; the
    latency limit missed first, `tpot_limit` or `ttft_limit`); about the chip (the weights, the KV cache of one
    sequence) or a `let`, it names none."""
    from ...display import format_quantity as q

    def at(x):
        x = np.asarray(x, dtype=float).reshape(-1)
        return float(x[i] if x.size > 1 else x[0])

    chips, scaleup, layers = at(hw.chips), at(hw.scaleup), at(arch.layers)
    if not best["any_allowed"][i]:
        given = [(name, at(v)) for name, v in (("tp", load.fixed_tp), ("pp", load.fixed_pp)) if v is not None]
        fixed = [f"{name} = {q(value, '')}" for name, value in given]
        heads = at(arch.heads)
        per_head = f", {q(heads, '')} attention heads" if heads > 1 else ""
        divides = " that divides the attention heads" if heads > 1 else ""
        return Reason(f"no parallel layout exists{' with ' + ' and '.join(fixed) if fixed else ''}: "
                      f"{q(chips, '')} accelerators, a scale-up domain of {q(scaleup, '')}, {q(layers, '')} layers"
                      f"{per_head} (tp must be a power of two within the scale-up domain{divides}, tp x pp at most "
                      f"the accelerators, pp at most the layers)",
                      *(given[0] if given else ()))
    if not best["any_fits"][i]:
        w, usable = at(best["closest_weights_per_chip"]), at(best["closest_usable"])
        r = at(best["closest_tp"]) * at(best["closest_pp"])
        d = at(best["closest_ep_ranks"])
        layout = f"tp x pp = {q(r, '')}" if d <= 1 else f"tp x pp x d = {q(r * d, '')} (d attention ranks)"
        if w > usable:
            spread = f"; over {layout} chips that is {q(w, 'B')} per chip" if r * d > 1 else ""
            return (f"the weights do not fit: {q(at(arch.params) / 1e9, '')} billion parameters x "
                    f"{q(at(load.weight_bytes), '')} B = {q(at(arch.params) * at(load.weight_bytes), 'B')}{spread}, "
                    f"but a chip has "
                    f"{q(usable, 'B')} usable ({q(at(hw.memory), 'B')} less the {q(at(load.reserve) * 100, '')}% "
                    f"memory reserve)")
        free = usable - w
        if load.fixed_batch is not None and at(load.fixed_batch) < 1:
            return Reason(f"batch = {q(at(load.fixed_batch), '')}: a replica decodes at least one sequence",
                          "batch", at(load.fixed_batch), 1.0)
        beams = at(load.beams)
        request = (f"one request's k = {q(beams, '')} beams are {q(beams, '')} rows of the batch, decoded "
                   "together (`let beams`)")
        if load.fixed_batch is not None and at(load.fixed_batch) < beams:
            return Reason(f"batch = {q(at(load.fixed_batch), '')} rows holds less than one request: {request}",
                          "batch", at(load.fixed_batch), beams)
        if load.fixed_batch is not None and at(best["closest_max_batch"]) >= 1:
            return Reason(f"batch {q(at(load.fixed_batch), '')} does not fit: at {layout} the KV cache of one "
                          f"sequence is {q(at(best['closest_kv_sequence']), 'B')} per chip and {q(free, 'B')} is free "
                          f"after the weights, room for {q(at(best['closest_max_batch']), '')} sequences",
                          "batch", at(load.fixed_batch), at(best["closest_max_batch"]))
        cap = at(load.batch_cap)
        if np.isfinite(cap) and at(engine_batch_cap(cap, max(d, 1.0))) < 1:   # the engine's cap, not its memory
            return (f"`let max_batch_size` = {cap:g} leaves an engine no sequence to decode"
                    + (f" on each of its d = {q(d, '')} attention ranks" if d > 1 else ""))
        if np.isfinite(cap) and at(engine_batch_cap(cap, max(d, 1.0))) < beams:
            return (f"`let max_batch_size` = {cap:g} leaves an engine fewer rows than one request: {request}")
        if 1 <= at(best["most_rows"]) < beams:
            return (f"{request}, but the KV cache has room for at most {q(at(best['most_rows']), '')} rows on "
                    f"any layout (each holding I / k + O / 2 = "
                    f"{q(at(load.input_tokens) / beams + at(load.output_tokens) / 2, 'tok')} of KV)")
        return (f"the KV cache of one sequence does not fit: {q(at(best['closest_kv_sequence']), 'B')} per chip "
                f"at {layout}, {q(free, 'B')} free after {q(w, 'B')} of weights")
    parts, missed = [], []
    f = at(load.limit_fraction)

    def limit(x):                   # the limit the point is held to (x `operating_fraction` where it is set)
        return q(x, "s") if f == 1 else f"{q(x / f, 's')} x operating_fraction {f:g} = {q(x, 's')}"
    if at(best["least_tpot"]) > at(load.tpot_limit):
        parts.append(f"the fastest decode step that fits takes {q(at(best['least_tpot']), 's')} > tpot_limit "
                     f"{limit(at(load.tpot_limit))}")
        missed.append(("tpot_limit", at(best["least_tpot"]), at(load.tpot_limit)))
    if at(best["least_ttft"]) > at(load.ttft_limit):
        parts.append(f"the shortest time to first token is {q(at(best['least_ttft']), 's')} > ttft_limit "
                     f"{limit(at(load.ttft_limit))}")
        missed.append(("ttft_limit", at(best["least_ttft"]), at(load.ttft_limit)))
    return Reason("no layout meets the latency limits: " + ("; ".join(parts) or
                                                          "each layout that fits misses tpot_limit or ttft_limit"),
                  *(missed[0] if missed else ()))


def search_loop(hw: Hardware, arch: Architecture, load: Load, grid=None) -> float:
    """The same search as a Python loop over configurations (scenario 0): the baseline of the benchmark."""
    tp_all, pp_all, b_all = grid[:3] if grid is not None else config_grid()
    best = -math.inf
    for tp, pp, b in zip(tp_all, pp_all, b_all):
        q = evaluate_configs(hw, arch, load, [tp], [pp], [b])
        if q["ok"][0, 0] and q["throughput"][0, 0] > best:
            best = float(q["throughput"][0, 0])
    return best
