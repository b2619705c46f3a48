"""The solved service: aggregated and disaggregated serving, pools, and their bounds.

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import dataclasses
import numpy as np

from ...reason import Reason
from .. import cached
from ..distinct import solve_distinct
from .options import (BATCH_GRID, PP_GRID, TP_GRID, WEIGHT_BITS)
from .physics import (Architecture, Hardware, Load, _col, _ep_grid, _ep_searched)
from .queues import (prefill_pool_utilization, prefill_pool_wait)
from .step import evaluate_configs
from .grid_search import (search, search_grid, why_infeasible)
from .platform import (_draft_length_range, _fixed, _inputs, _model_shape_range, _power_cap_floor, _precision,
                       _refuse, _weight_bits_range)


# ----------------------------------------------------------------------------- the solved workload (cached)


def solved(ctx) -> dict[str, np.ndarray]:
    return cached(ctx, "inference", _solve)


def _solve_cache(ctx) -> dict | None:
    """A streamed sweep's cache of searches from chunk to chunk (`solve_distinct`), or None."""
    return getattr(ctx.ev.graph, "solve_cache", None)


def _solve(ctx) -> dict[str, np.ndarray]:
    serving = ctx.text("serving", "aggregated")
    platform, arch, hw, load, scenario = _inputs(ctx, prefill_in_step=serving != "disaggregated")
    n = hw.chips

    def one(hw, arch, load):
        found = search(hw, arch, load)
        found["reason"] = _reason(found, arch, load, hw)
        return found

    # the search (and the reasons) once per distinct combination of its inputs over the sweep, in blocks of
    # bounded memory, scattered back to the scenarios (compiler/models/distinct.py): linear in distinct inputs
    ranks = _ep_grid(float(np.max(hw.scaleup)), hw.scaleup).size if _ep_searched(arch, load) else 1

    def searched(hw):
        best = solve_distinct(one, {"hw": hw, "arch": arch, "load": load},
                              TP_GRID.size * PP_GRID.size * BATCH_GRID.size * ranks, _solve_cache(ctx))
        if ctx.is_set("weight_bits"):                             # a mixed checkpoint's bits out of its range
            _weight_bits_range(ctx.get("weight_bits", WEIGHT_BITS), _precision(ctx, platform), best)
        if hw.power is not None:                                  # a power cap that leaves nothing to compute
            _power_cap_floor(hw.power, best)
        if ctx.is_set("draft_accepted_length"):                   # more accepted tokens than drafts can give
            _draft_length_range(load.draft_tokens, load.draft_tau, best)
        _model_shape_range(arch, best)                            # windowed layers, routed experts
        return best

    if serving == "disaggregated":
        # the decode pool's search: over the accelerators the prefill pool leaves (a given split without a demand;
        # the searched split: at least one prefill worker's, the search again where the first decode replica
        # left none), else over the accelerators (a demand sizes the pools)
        demand = ctx.is_set("demand")

        def at_layout(hw, arch, load):
            """The decode search at one (tp, pp) (load.fixed_tp and load.fixed_pp, one value each), over that
            layout's columns of the grid alone (its batches, and its expert ranks d where they are searched)."""
            grid = search_grid(hw, arch, load)
            tp, pp = (float(np.ravel(f)[0]) for f in (load.fixed_tp, load.fixed_pp))
            keep = (np.abs(grid[0] - tp) < 0.5) & (np.abs(grid[1] - pp) < 0.5)
            found = search(hw, arch, load, tuple(g[keep] for g in grid))
            found["reason"] = [""] * np.size(found["feasible"])   # a candidate's own reason is never shown
            return found

        def service(search_hw, left=None):
            """The pools at the decode layout that serves the most (module docstring, "Disaggregated serving",
            decode layout): the decode search's own best, then its best at each other (tp, pp) of the grid that
            fits the accelerators (d and B the search's at that layout, its capacity point within the TPOT
            limit), each through the pools and the served rate (_disaggregated); per scenario the feasible one
            that serves the most tokens/s (the search's own, then the grid's first layout, on a tie: a fixed
            order, whatever the other scenarios, so a sweep picks as its runs one at a time). A layout whose decode
            capacity on the accelerators it was given (an upper bound on what the service serves; bounded before
            its search by its grid columns', _layout_capacity_bounds) is not above the best so far is not
            evaluated, nor one whose pools' bound (_disaggregated's `beat`: the most any split's pools carry with
            the p99 TTFT within the limit at the decode step of one row) is not, and none is where the best so
            far serves the search's own capacity (the most of any layout).
            With a demand (the pools sized to it): every layout that serves at all, the feasible one on the fewest
            accelerators per scenario (_fewer_accelerators; before s15-disagg the search's own alone, whose pools
            could need more). A single stream: the search's own alone; a tp or pp the
            spec gives: the layouts with it alone (before s14-disagg3 a given tp ran the search's own alone, whose
            pp a looser limit could move to a worse service)."""
            own = searched(search_hw)
            top_all = np.where(np.ravel(own["feasible"]) > 0, np.ravel(own["throughput"]), 0.0)
            shared: dict = {}
            found = _disaggregated(ctx, platform, arch, hw, load, scenario, own, left, shared)
            if load.single_stream:
                return found
            so_far = np.where(np.ravel(found["feasible"]) > 0, np.ravel(found["tokens_per_s"]), 0.0)
            if not demand and not np.any(top_all > so_far * (1 + 1e-12)):
                return found                # the search's own serves its capacity: no layout's is above it
            grid = search_grid(search_hw, arch, load)
            most = max(float(np.max(search_hw.chips)), 1.0)
            pairs = np.unique(np.stack([grid[0], grid[1]]), axis=1)
            pairs = pairs[:, pairs[0] * pairs[1] <= most + 1e-9]
            for fixed, row in ((load.fixed_tp, 0), (load.fixed_pp, 1)):   # a tp or pp the spec gives: its layouts
                if fixed is not None:
                    given = np.round(np.asarray(fixed, dtype=float).reshape(-1))
                    pairs = pairs[:, np.isin(pairs[row], given)]
            own_tp, own_pp = np.ravel(own["tp"]), np.ravel(own["pp"])
            pairs = pairs[:, [not np.all((own_tp == tp) & (own_pp == pp)) for tp, pp in pairs.T]]

            # each layout's decode capacity bound before its search: the most throughput of its grid columns
            # within the limits (its search picks one of them: no batch refined or solved between the grid's
            # points, no batch the spec gives), one evaluation of the grid, whose columns each layout's search
            # then reads; else each layout's search first
            found_bounds = _layout_capacity_bounds(search_hw, arch, load, grid, pairs)
            bounds, whole = (None, None) if found_bounds is None else found_bounds
            cands: dict = {}

            def at_pair(k):
                at = dataclasses.replace(load, fixed_tp=np.array(pairs[0, k]), fixed_pp=np.array(pairs[1, k]))
                if whole is None:
                    cand = solve_distinct(at_layout, {"hw": search_hw, "arch": arch, "load": at},
                                          BATCH_GRID.size * ranks, _solve_cache(ctx))
                else:                       # the layout's columns of the grid's evaluation
                    keep = (np.abs(grid[0] - pairs[0, k]) < 0.5) & (np.abs(grid[1] - pairs[1, k]) < 0.5)
                    cand = search(search_hw, arch, at, tuple(g[keep] for g in grid),
                                  {name: v[:, keep] for name, v in whole.items()})
                    cand["reason"] = [""] * np.size(cand["feasible"])
                _own_rows_only(cand, load, own, pairs[0, k], pairs[1, k])
                return cand, np.where(np.ravel(cand["feasible"]) > 0, np.ravel(cand["throughput"]), 0.0)

            if bounds is None:
                cands = {k: at_pair(k) for k in range(pairs.shape[1])}
                bounds = [cands[k][1] for k in range(pairs.shape[1])]
            # the candidates that may be run (the bounds above the search's own service: a superset of those the
            # pruning below runs), their decode steps at their rows in one evaluation (_decode_at_rows_many)
            so_far = np.where(np.ravel(found["feasible"]) > 0, np.ravel(found["tokens_per_s"]), 0.0)
            floor = 0.0 if demand else so_far * (1 + 1e-12)
            run = [k for k in range(pairs.shape[1]) if np.any(bounds[k] > floor)]
            for k in run:
                if k not in cands:
                    cands[k] = at_pair(k)
            run = [k for k in run if np.any(cands[k][1] > floor)]
            if demand:
                # a layout whose decode pool alone (ceil(lam / r_d) replicas, _fewest_pools' fewest) and the prefill
                # pool's floor take no fewer accelerators than the best so far in every scenario is not sized
                pre_floor = _prefill_floor(shared, ctx.get("demand"), load.output_tokens)
                floors = {k: _decode_floor(cands[k][0], ctx.get("demand"), load.output_tokens) + pre_floor
                          for k in run}
                run = [k for k in run if np.any(floors[k] < _pool_count(found))]
            grids = _decode_grids(ctx, hw, arch, load, [cands[k][0] for k in run])
            pools = dict(zip(run, _pools_bounds(ctx, platform, arch, hw, load, scenario, [cands[k][0] for k in run],
                                                grids, left, shared)))
            grids = dict(zip(run, grids))
            if demand:
                # sized to a demand: every layout that serves at all, each at its fewest accelerators; per scenario
                # the feasible one on the fewest (the search's own, then the grid's first, on a tie)
                for k in run:
                    if np.any(floors[k] < _pool_count(found)):
                        found = _fewer_accelerators(found, _disaggregated(ctx, platform, arch, hw, load, scenario,
                                                                          cands[k][0], left, shared,
                                                                          rows_grid=grids[k]))
                return found
            for k in run:
                so_far = np.where(np.ravel(found["feasible"]) > 0, np.ravel(found["tokens_per_s"]), 0.0)
                if not np.any(top_all > so_far * (1 + 1e-12)):
                    break                   # the search's own serves its capacity there: no layout's is above it
                if not np.any(bounds[k] > so_far * (1 + 1e-12)):
                    continue
                cand, top = cands[k]
                if not np.any(top > so_far * (1 + 1e-12)):
                    continue
                if pools[k] is not None and not np.any(pools[k] > so_far * (1 + 1e-9)):
                    continue                # its pools' bound (_pools_bounds) is not above the best so far
                more = _disaggregated(ctx, platform, arch, hw, load, scenario, cand, left, shared, beat=so_far,
                                      rows_grid=grids[k])
                if more is not None:
                    found = _served_more(found, more)
            return found

        if ctx.is_set("prefill_accelerators") and not demand:
            rest = np.maximum(hw.chips - ctx.get("prefill_accelerators"), 0.0)
            return service(dataclasses.replace(hw, chips=rest), rest)
        found = service(hw)
        if demand and ctx.is_set("accelerators"):
            _held_pools(found, hw.chips)
            return found
        crowded = (np.asarray(found["tp"] * found["pp"] * found["ep_ranks"]) > hw.chips - found["prefill_tp"])
        if demand or not np.any(crowded & np.isfinite(np.asarray(found["prefill_tp"], dtype=float))):
            return found
        rest = np.maximum(hw.chips - np.nan_to_num(found["prefill_tp"], nan=0.0), 0.0)
        return service(dataclasses.replace(hw, chips=rest), rest)
    best = searched(hw)
    sized = ctx.is_set("demand") and not ctx.is_set("accelerators")
    if sized:
        # sized to the demand (no `accelerators` given): the fewest whole replicas of the layout found on one system
        # that carry it, searched again on that many (the layout is among the candidates there, so the capacity
        # found carries the demand); the service holds them all (`chips`, accelerators_needed)
        # found on one system (an infeasible search's throughput is no replica's: it sizes nothing); SRAM-only chips,
        # whose system (one CS-3 wafer, one GroqNode) holds no replica of a large model, on the fewest chips whose
        # SRAM holds the weights, doubled until a layout fits (its KV cache and activations need room too)
        replica, per_replica = _replica_rate(best)
        sram = np.asarray(platform.sram_only(), dtype=bool)
        stuck = sram & ~np.isfinite(per_replica)
        if np.any(stuck):
            usable = hw.memory * (1 - load.reserve)
            least = np.ceil(arch.params * load.weight_bytes / usable - 1e-9)
            for k in range(6):
                if not np.any(stuck):
                    break
                tried = np.maximum(least * 2 ** k, hw.chips)
                trial = searched(dataclasses.replace(hw, chips=tried, scaleup=tried))
                t_replica, t_rate = _replica_rate(trial)
                ok = stuck & np.isfinite(t_rate)
                replica, per_replica = np.where(ok, t_replica, replica), np.where(ok, t_rate, per_replica)
                stuck = stuck & ~ok
        with np.errstate(divide="ignore", invalid="ignore"):
            needed = np.ceil(ctx.get("demand") / per_replica - 1e-9) * replica
        grow = np.isfinite(needed) & (needed > 0)
        if np.any(grow):
            n = np.where(grow, needed, n)
            best = searched(dataclasses.replace(hw, chips=n, scaleup=np.where(sram, n, hw.scaleup)))
            # SRAM-only: the search on the demand's chips may find a layout that carries more a chip than the one
            # the replica was sized by (on the fewest chips holding the weights, the pipeline is short of the
            # stages that fill it): sized again by that layout until the count holds the fewest whole replicas
            for _ in range(4):
                replica, per_replica = _replica_rate(best)
                with np.errstate(divide="ignore", invalid="ignore"):
                    again = np.ceil(ctx.get("demand") / per_replica - 1e-9) * replica
                shrink = sram & grow & np.isfinite(again) & (again > 0) & (again < n)
                if not np.any(shrink):
                    break
                n = np.where(shrink, again, n)
                best = searched(dataclasses.replace(hw, chips=n, scaleup=np.where(sram, n, hw.scaleup)))
    tokens = best["throughput"]
    best.update(tokens_per_s=tokens, prefill_accelerators=np.zeros(1),
                decode_accelerators=np.zeros(1), prefill_tp=np.zeros(1), prefill_batch=np.zeros(1), chips=n)
    per_chip = tokens / np.maximum(n, 1)
    if sized:
        best["accelerators_needed"] = n + 0 * tokens
    elif ctx.is_set("demand"):
        replica = best["tp"] * best["pp"] * best["ep_ranks"]
        per_replica = tokens / np.maximum(best["replicas"], 1)
        best["accelerators_needed"] = np.ceil(ctx.get("demand") / per_replica - 1e-9) * replica
    else:
        best["accelerators_needed"] = np.where(per_chip > 0, n, np.nan)
    return best


def _own_rows_only(cand: dict, load: Load, own: dict, tp: float, pp: float) -> None:
    """A candidate decode layout (tp, pp) of a disaggregated service (_solve's `service`) left infeasible in the
    scenarios whose run one at a time does not evaluate it: where the spec gives another tp or pp, or where it is
    that scenario's own search's layout (run alone, the grid's layouts leave out the given tp's and pp's others and
    the search's own). The layouts are the union over the sweep's scenarios, so without this a scenario of a sweep
    took a layout its run alone never sees (before s26-sweeplaw, inference_shootout's dynamo_70b swept over
    pp = [1, 2, 4]: its pp 2 row took the pp 1 decode pools, 232 accelerators, 245 alone)."""
    off = (np.ravel(own["tp"]) == tp) & (np.ravel(own["pp"]) == pp)
    for fixed, value in ((load.fixed_tp, tp), (load.fixed_pp, pp)):
        if fixed is not None:
            off = off | (np.abs(np.round(np.asarray(fixed, dtype=float).reshape(-1)) - value) > 0.5)
    if not np.any(off):
        return
    n = max(np.size(cand["feasible"]), off.size)
    feasible = np.broadcast_to(np.ravel(cand["feasible"]), (n,))
    cand["feasible"] = np.where(np.broadcast_to(off, (n,)), np.zeros_like(feasible), feasible)
    if isinstance(cand.get("reason"), list) and len(cand["reason"]) != n:
        cand["reason"] = [""] * n


def _replica_rate(best: dict) -> tuple[np.ndarray, np.ndarray]:
    """(chips a replica, tokens/s a replica) of a search's layout; the rate nan where it found none (feasible 0:
    its leftover throughput is no layout's)."""
    replica = best["tp"] * best["pp"] * best["ep_ranks"]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = best["throughput"] / np.maximum(best["replicas"], 1)
    return replica, np.where(np.asarray(best["feasible"]) > 0, rate, np.nan)


def _held_pools(best: dict, held) -> None:
    """A disaggregated service given both `accelerators` and a `demand`: the demand sizes its pools
    (prefill + decode = accelerators_needed), the service holds the accelerators given. Pools that need more than
    it holds cannot carry the demand: an `infeasible-workload` error with both counts (as an aggregated service's
    `overloaded`), never the figures of pools larger than the service; pools that need fewer leave the rest idle,
    held and paid for (`chips` = the accelerators given: $/Mtok, tokens/s per chip and power count them all,
    idle_accelerators the ones beyond the pools)."""
    feasible = np.asarray(best["feasible"]).reshape(-1)
    n = feasible.size
    held = np.broadcast_to(np.asarray(held, dtype=float).reshape(-1), (n,))
    need = np.broadcast_to(np.asarray(best["chips"], dtype=float).reshape(-1), (n,))
    pre = np.broadcast_to(np.asarray(best["prefill_accelerators"], dtype=float).reshape(-1), (n,))
    dec = np.broadcast_to(np.asarray(best["decode_accelerators"], dtype=float).reshape(-1), (n,))
    over = (feasible > 0) & np.isfinite(need) & (need > held * (1 + 1e-12))
    best["chips"] = np.where(np.isfinite(need), held, need)
    if over.any():
        _refuse(best, over, [Reason(f"the pools that carry its demand need {need[i]:,.0f} accelerators "
                                    f"({pre[i]:,.0f} prefill, {dec[i]:,.0f} decode), more than the {held[i]:,.0f} "
                                    "it holds (set `accelerators` to that count, or leave it unset: the demand "
                                    "sizes the service)", "accelerators", float(held[i]), float(need[i]))
                             if over[i] else "" for i in range(n)])


def _layout_capacity_bounds(hw: Hardware, arch: Architecture, load: Load, grid: tuple,
                            pairs: np.ndarray) -> tuple[list[np.ndarray], dict] | None:
    """Per (tp, pp) of `pairs` (2, k), per scenario, the most throughput of that layout's columns of `grid` that
    meet the limits (`ok`): the search restricted to the layout picks one of those columns (or none), so its
    capacity is at most this; and the grid's evaluation ((scenarios, configurations) arrays, which that search
    reads). None where the search may pick a column off the grid (`batch_refinement`, `capacity_solve`) or reads
    a batch the spec gives: no bound without running each layout's search."""
    if (load.fixed_batch is not None or load.single_stream or np.any(_col(load.refine) > 0)
            or np.any(_col(load.solve) > 0)):
        return None
    q = evaluate_configs(hw, arch, load, grid[0], grid[1], grid[2], grid[3] if len(grid) > 3 else None)
    shape = np.broadcast_shapes(*(v.shape for v in q.values()))
    q = {name: np.broadcast_to(v, shape) for name, v in q.items()}
    rate = np.nan_to_num(np.where(q["ok"], q["throughput"], 0.0), nan=0.0, posinf=0.0)
    return [np.max(np.where((np.abs(grid[0] - tp) < 0.5) & (np.abs(grid[1] - pp) < 0.5), rate, 0.0), axis=1)
            for tp, pp in pairs.T], q


DECODE_ROWS_RATIO = 2 ** (1 / 8)   # ratio of the rows per rank where a disaggregated decode step is evaluated


def _served_more(a: dict, b: dict) -> dict:
    """Two disaggregated services of the same scenarios (_disaggregated, each at its own decode layout): per
    scenario the feasible one that serves more tokens/s, `a` on a tie (and where neither is feasible, with its
    reason); the search's own figures of a single value (`configurations`) stay a's."""
    fa, fb = (np.ravel(np.asarray(x["feasible"])) > 0 for x in (a, b))
    ta = np.where(fa, np.ravel(np.asarray(a["tokens_per_s"], dtype=float)), -np.inf)
    tb = np.where(fb, np.ravel(np.asarray(b["tokens_per_s"], dtype=float)), -np.inf)
    return _merged(a, b, tb > ta + np.abs(ta) * 1e-12)


def _pool_count(found: dict) -> np.ndarray:
    """A disaggregated service's accelerators per scenario, inf where it is infeasible."""
    return np.where(np.ravel(np.asarray(found["feasible"])) > 0, np.ravel(np.asarray(found["chips"], dtype=float)),
                    np.inf)


def _prefill_floor(shared: dict, demand, output_tokens) -> np.ndarray:
    """The fewest accelerators a prefill pool can take for `demand` tokens/s, whatever the decode layout: c workers
    of tp_p chips serve below c mu requests/s (rho < 1), so c tp_p > lam tp_p / mu >= lam min over the workers
    of tp_p t_pass / n; at least 1 (0 where the prefill workers were not evaluated)."""
    q = shared.get("prefill")
    if q is None:
        return np.zeros(1)
    fits = np.asarray(q["fits"]) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.where(fits, q["tp"] * q["prefill_time"] / q["prefill_prompts"], np.inf)
        cheapest = np.min(np.atleast_2d(per), axis=-1)
        floor = np.floor(np.ravel(demand / output_tokens) * cheapest * (1 - 1e-9))
    return np.where(np.isfinite(floor), np.maximum(floor, 1.0), 0.0)


def _decode_floor(cand: dict, demand, output_tokens) -> np.ndarray:
    """The fewest accelerators the decode pool at a decode search's layout can take for `demand` tokens/s: its
    fewest replicas ceil(lam / r_d) (no pool of _fewest_pools has fewer) of R_d chips (inf where the search found
    no layout)."""
    R_d = cand["tp"] * cand["pp"] * np.maximum(np.nan_to_num(cand["ep_ranks"], nan=1.0), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = cand["throughput"] / np.maximum(cand["replicas"], 1.0) / output_tokens
        floor = np.ceil(demand / output_tokens / rate - 1e-9) * R_d
    return np.ravel(np.where((np.asarray(cand["feasible"]) > 0) & np.isfinite(floor), floor, np.inf))


def _fewer_accelerators(a: dict, b: dict) -> dict:
    """Two disaggregated services sized to the same demand (_disaggregated, each at its own decode layout): per
    scenario the feasible one on fewer accelerators, `a` on a tie (and where neither is feasible)."""
    fa, fb = (np.ravel(np.asarray(x["feasible"])) > 0 for x in (a, b))
    na = np.where(fa, np.ravel(np.asarray(a["chips"], dtype=float)), np.inf)
    nb = np.where(fb, np.ravel(np.asarray(b["chips"], dtype=float)), np.inf)
    return _merged(a, b, nb < na)


def _merged(a: dict, b: dict, take: np.ndarray) -> dict:
    """Per scenario b's figures where `take`, else a's; the search's own figures of a single value
    (`configurations`) stay a's."""
    if not take.any():
        return a
    n = take.size
    out = dict(a)
    for name, va in a.items():
        if name not in b or name == "configurations":
            continue
        vb = b[name]
        if name == "reason":
            out[name] = [y if t else x for x, y, t in zip(va, vb, take)]
        elif take.all():
            out[name] = vb
        elif np.size(va) in (1, n) and np.size(vb) in (1, n) and not isinstance(va, (str, list)):
            out[name] = np.where(take, np.broadcast_to(np.ravel(vb), (n,)), np.broadcast_to(np.ravel(va), (n,)))
    return out


def _decode_at_rows(hw: Hardware, arch: Architecture, load: Load, best: dict, n_sc: int) -> dict[str, np.ndarray]:
    """A disaggregated decode replica's step at the rows per rank in flight (module docstring, "Disaggregated
    serving", decode rows): the chosen layout (tp, pp, d) of each scenario evaluated exactly (evaluate_configs, its
    decode-only step at r = 0) at the rows per rank b_j = DECODE_ROWS_RATIO^j (2^(j/8)) below the search's batch B,
    then B itself (b_0 = 1). Returns (scenarios, points) arrays: `rows` b_j and, at each, the mean step
    `t_iter`, `tpot`, `t_compute`, `t_memory` and the step's terms (decode_*_time, clock_fraction), read between the
    points by linear interpolation in b (_at_rows). A single stream keeps the search's own step at every point."""
    return _decode_at_rows_many(hw, arch, load, [best], n_sc)[0]


def _decode_at_rows_many(hw: Hardware, arch: Architecture, load: Load, bests: list[dict],
                         n_sc: int) -> list[dict[str, np.ndarray]]:
    """_decode_at_rows of each decode search in `bests` (the candidate layouts of one service), their columns in
    one evaluate_configs (each column's figures are its own: the same as one evaluation a candidate)."""
    flat = lambda v: np.broadcast_to(np.asarray(v, dtype=float).reshape(-1), (n_sc,))
    blocks, out = [], []
    for best in bests:
        d = np.maximum(np.nan_to_num(flat(best["ep_ranks"]), nan=1.0), 1.0)
        B = np.maximum(np.nan_to_num(flat(best["batch"]), nan=1.0) / d, 1.0)
        # the points: DECODE_ROWS_RATIO^j below B, then B (the same points whatever B: a scenario's step at b rows
        # is read between the same points at every limit and in a sweep as alone)
        m = int(np.ceil(np.log(float(np.max(B))) / np.log(DECODE_ROWS_RATIO) + 1e-9)) + 1
        rows = np.minimum(DECODE_ROWS_RATIO ** np.arange(m)[None, :], B[:, None])
        names = [n for n in best if n.startswith("decode_") and n.endswith("_time")] + ["clock_fraction"]
        names = [n for n in names if n in best] + ["t_iter", "tpot", "tpot_mean", "t_compute", "t_memory"]
        if load.single_stream:
            out.append({"rows": rows, **{n: np.broadcast_to(flat(best[n])[:, None], rows.shape) for n in names}})
            continue
        tp, pp = (np.nan_to_num(flat(best[n]), nan=1.0) for n in ("tp", "pp"))
        layouts, which = np.unique(np.stack([tp, pp, d]), axis=1, return_inverse=True)
        blocks.append((len(out), rows, m, layouts, np.ravel(which), names))
        out.append({"rows": rows})
    if not blocks:
        return out
    at = dataclasses.replace(load, offered=None, fixed_batch=None, fixed_tp=None, fixed_pp=None, fixed_ep=None)
    cat = lambda parts: np.concatenate(parts, axis=-1)
    q = evaluate_configs(hw, arch, at,
                         cat([np.repeat(lay[0], m) for _, _, m, lay, _, _ in blocks]),
                         cat([np.repeat(lay[1], m) for _, _, m, lay, _, _ in blocks]),
                         cat([np.tile(rows, lay.shape[1]) for _, rows, _, lay, _, _ in blocks]),
                         cat([np.repeat(lay[2], m) for _, _, m, lay, _, _ in blocks]))
    start, total = 0, sum(lay.shape[1] * m for _, _, m, lay, _, _ in blocks)
    for i, rows, m, layouts, which, names in blocks:
        width = layouts.shape[1] * m
        cols = start + which[:, None] * m + np.arange(m)[None, :]
        for n in names:
            v = np.broadcast_to(q[n], (n_sc, total))
            out[i][n] = v[np.arange(n_sc)[:, None], cols]
        start += width
    return out


def _at_rows(grid: dict, b: np.ndarray, name: str) -> np.ndarray:
    """`name` of _decode_at_rows' grid at b rows per rank (one per scenario, clipped to [1, B]), linear in b
    between the grid's points."""
    rows = grid["rows"]
    b = np.clip(b, rows[:, 0], rows[:, -1])
    j = np.clip(np.sum(rows <= b[:, None], axis=1) - 1, 0, rows.shape[1] - 2)
    i = np.arange(rows.shape[0])
    lo, hi = rows[i, j], rows[i, j + 1]
    w = np.where(hi > lo, (b - lo) / np.maximum(hi - lo, 1e-300), 0.0)
    v = grid[name]
    return v[i, j] * (1 - w) + v[i, j + 1] * w


def _rows_in_flight(grid: dict, k: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The rows per rank a decode rank keeps in flight at x counted tokens/s (Little's law): b = k x t(b), t the
    grid's step linear between its points, so b - k x t(b) is linear on each segment and rises through 0 (a rank's
    tokens/s b / (k t(b)) rise with b); its root, at least 1 (the step that admits a request carries it) and at
    most the search's batch B (the rank's capacity: the load beyond it waits outside the batch)."""
    rows, t = grid["rows"], grid["t_iter"]
    h = rows - k[:, None] * x[:, None] * t
    i = np.arange(rows.shape[0])
    j = np.argmax(h >= 0, axis=1)                       # the first point at or past the root
    j = np.where((h >= 0).any(axis=1), j, rows.shape[1] - 1)
    jm = np.maximum(j - 1, 0)
    h0, h1 = h[i, jm], h[i, j]
    with np.errstate(divide="ignore", invalid="ignore"):
        b = np.where(h1 > h0, rows[i, jm] + (rows[i, j] - rows[i, jm]) * (-h0) / (h1 - h0), rows[i, j])
    b = np.where(h[:, 0] >= 0, 1.0, np.where(h[:, -1] < 0, rows[:, -1], b))
    return np.clip(np.nan_to_num(b, nan=1.0), 1.0, rows[:, -1])


def _fewest_pools(lam, reps0, R_d, score, mu, q, kv_bytes, kv_split, hw, flat, e_l, limit, cv, queueing, step,
                  t_one) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pools of the fewest accelerators that carry lam requests/s with the p99 TTFT within the limit (module
    docstring, "Disaggregated serving", pools), at one decode layout (R_d chips a replica, `step(reps)` its step at
    lam's rows in flight over reps replicas): over every prefill worker k of the grid (tp_p, n: `q`, `mu` and
    `score`, (scenarios, workers) arrays) and every replica count reps >= reps0 = ceil(lam / r_d), the fewest
    workers c(k, reps) that carry lam (integer bisection: the wait falls with c), minimizing c tp_p + reps R_d.
    More replicas hold fewer rows each, a shorter step, a longer TTFT budget: fewer workers may carry lam, so reps
    rises while the workers' floor (each at the step of one row t(1), `t_one`, and the faster of the two links: no
    reps needs fewer) plus reps R_d is below the best so far. A tie: fewer replicas, then the worker of most
    requests/s a chip (`score`). Returns (worker index, c, reps) per scenario; where no worker carries lam, the
    worker of the best score, the bisection's upper end c = ceil(lam / mu / 0.05) + 1 and reps0 (the caller reports
    the pool short of the demand)."""
    tp, t_pass = q["tp"], q["prefill_time"]
    usable = (q["fits"] > 0) & np.isfinite(score) & (np.nan_to_num(mu, nan=0.0) > 0)
    senders = np.minimum(tp, kv_split[:, None])
    link_up, link_out = flat(hw.link)[:, None], flat(hw.scaleout)[:, None]
    scaleup = flat(hw.scaleup)[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        need = np.where(usable, lam[:, None] / mu, 0.0)
    lam_k = (lam * (1 - 1e-12))[:, None]

    def least(dec, t_op, fastest=False):
        """The fewest workers of each candidate that carry lam beside dec decode accelerators at the step t_op
        (inf where even ceil(lam / mu / 0.05) + 1 do not)."""
        def ok(c):
            total = c * tp + dec[:, None]
            link = np.maximum(link_up, link_out) if fastest else np.where(total <= scaleup + 1e-9, link_up, link_out)
            budget = limit[:, None] - t_pass - kv_bytes[:, None] / (senders * link * e_l[:, None]) - t_op[:, None]
            with np.errstate(divide="ignore", invalid="ignore"):
                rho = np.where(c * mu > 0, lam_k / (c * mu), np.inf)
            if not queueing:
                return rho <= 1
            return (budget >= 0) & (prefill_pool_wait(rho, c, mu, cv[:, None], 0.99) <= budget)

        lo = np.maximum(np.ceil(need - 1e-9) - 1, 0.0)
        hi = np.ceil(need / 0.05) + 1
        carried = usable & ok(hi)
        active = carried & (hi - lo > 1)
        while np.any(active):
            mid = np.floor(0.5 * (lo + hi))
            fits = ok(mid)
            lo, hi = np.where(active & ~fits, mid, lo), np.where(active & fits, mid, hi)
            active = active & (hi - lo > 1)
        return np.where(carried, hi, np.inf)

    n_sc = lam.size
    rows = np.arange(n_sc)
    floor_pre = np.min(least(np.nan_to_num(reps0, nan=0.0) * R_d, t_one, fastest=True) * tp, axis=1)
    k_best = np.argmax(score, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        c_best = np.ceil(lam / mu[rows, k_best] / 0.05) + 1
    reps_best, n_best = reps0.copy(), np.full(n_sc, np.inf)
    for j in range(1024):
        reps = reps0 + j
        room = np.isfinite(reps) & (floor_pre + reps * R_d < n_best)
        if not np.any(room):
            break
        c = least(np.nan_to_num(reps, nan=0.0) * R_d, step(reps))
        chips = c * tp + (reps * R_d)[:, None]
        fewest = np.min(chips, axis=1)
        k = np.argmax(np.where(chips <= fewest[:, None], score, -np.inf), axis=1)
        better = room & (fewest < n_best)
        k_best, n_best = np.where(better, k, k_best), np.where(better, fewest, n_best)
        c_best, reps_best = np.where(better, c[rows, k], c_best), np.where(better, reps, reps_best)
    return k_best, c_best, reps_best


def _pool_scenarios(ctx, best: dict) -> int:
    """The scenarios of a disaggregated service at one decode search: the search's, or more where the pools read
    a swept figure it does not (a demand, a prefill pool)."""
    sized_by = [ctx.get(name) for name in ("demand", "prefill_accelerators") if ctx.is_set(name)]
    return max([np.size(best["feasible"])] + [np.size(v) for v in sized_by])


def _decode_grids(ctx, hw: Hardware, arch: Architecture, load: Load, bests: list[dict]) -> list[dict | None]:
    """The decode step at its rows (_decode_at_rows) of each candidate decode search of one service, in one
    evaluation where they share the service's scenarios (None for one that does not: _disaggregated evaluates
    its own)."""
    sizes = [_pool_scenarios(ctx, best) for best in bests]
    if not bests:
        return []
    n_sc = max(sizes)
    same = [k for k, size in enumerate(sizes) if size == n_sc and np.size(bests[k]["feasible"]) in (1, n_sc)]
    found = _decode_at_rows_many(hw, arch, load, [bests[k] for k in same], n_sc)
    out: list[dict | None] = [None] * len(bests)
    for k, grid in zip(same, found):
        out[k] = grid
    return out


def _pools_bounds(ctx, platform, arch, hw, load, scenario, bests: list[dict], grids: list[dict | None], left,
                  shared: dict) -> list[np.ndarray | None]:
    """Each candidate decode search's pools' bound (_disaggregated's `beat`: the most any split's pools carry with
    the p99 TTFT within the limit at the decode step of one row), the candidates stacked on the scenario axis and
    solved in one pass (each scenario's figures are its own: the same as one candidate at a time); None for a
    candidate whose decode step was not evaluated with the others (_decode_grids)."""
    ready = [k for k, grid in enumerate(grids) if grid is not None]
    out: list[np.ndarray | None] = [None] * len(bests)
    if not ready or ctx.is_set("demand"):
        return out
    n_sc = _pool_scenarios(ctx, bests[ready[0]])
    if any(np.size(bests[k]["feasible"]) != n_sc for k in ready):
        return out
    K = len(ready)
    best = {}
    for name in bests[ready[0]]:
        values = [bests[k].get(name) for k in ready]
        if name == "reason":
            best[name] = [r for v in values for r in v]
        elif all(isinstance(v, np.ndarray) and v.size in (1, n_sc) for v in values):
            best[name] = np.concatenate([np.broadcast_to(v.reshape(-1), (n_sc,)) for v in values])
    m = max(grids[k]["rows"].shape[1] for k in ready)
    pad = lambda v: np.concatenate([v, np.repeat(v[:, -1:], m - v.shape[1], axis=1)], axis=1)
    grid = {name: np.concatenate([pad(grids[k][name]) for k in ready]) for name in grids[ready[0]]}
    stacked_left = None if left is None else np.tile(np.broadcast_to(np.ravel(left), (n_sc,)), K)
    bound = _disaggregated(ctx, platform, arch, hw, load, scenario, best, stacked_left, shared,
                           beat=np.full(n_sc * K, np.inf), rows_grid=grid, stacked=K)
    for i, k in enumerate(ready):
        out[k] = bound[i * n_sc:(i + 1) * n_sc]
    return out


def _disaggregated(ctx, platform, arch, hw, load, scenario, best, left=None,
                   shared: dict | None = None, beat: np.ndarray | None = None,
                   rows_grid: dict | None = None, stacked: int = 0) -> dict[str, np.ndarray] | np.ndarray | None:
    """The prefill and decode pools (module docstring, "Disaggregated serving"). `best`: the decode search (no
    prefill in its steps, its rate its decode steps' alone), with its reasons; the prefill worker's layout, the
    pools, the prefill queue and the KV transfer are found here. `left`: the accelerators the decode search was
    given (the prefill pool's complement), None: all of them. `shared`: a dict kept over the decode layouts of one
    solve (the prefill workers' evaluation, which no decode layout changes, made once). `rows_grid`: the decode
    step at its rows (_decode_at_rows of `best`) where the caller evaluated it with other layouts' in one pass.
    `stacked` K >= 1: `best` and `rows_grid` are K candidates' decode searches one after the other on the scenario
    axis (_pools_bounds), each scenario input repeated K times; returns the candidates' pools' bounds (`beat`
    below; tokens/s, K x scenarios in a row), nothing else solved."""
    # the scenarios: the decode search's, or more where the pools read a swept figure it does not (a demand)
    sized_by = [ctx.get(name) for name in ("demand", "prefill_accelerators") if ctx.is_set(name)]
    n_sc = max([np.size(best["feasible"])] + [np.size(v) for v in sized_by])
    if np.size(best["feasible"]) < n_sc:            # one decode search for every scenario: spread it over them
        best = {name: (value * n_sc if name == "reason" else
                       np.broadcast_to(np.asarray(value).reshape(-1), (n_sc,)).copy()
                       if np.size(value) == 1 and not isinstance(value, (str, list)) else value)
                for name, value in best.items()}
    n_one = n_sc // max(stacked, 1)            # the service's scenarios (each repeated per stacked candidate)

    def flat(v):
        v = np.asarray(v, dtype=float).reshape(-1)
        if stacked > 1 and v.size == n_one > 1:
            v = np.tile(v, stacked)
        return np.broadcast_to(v, (n_sc,)).copy()

    I, O = flat(load.input_tokens), flat(load.output_tokens)
    queueing = load.queueing
    # the prefill worker: tp_p ranks at pp 1 (`prefill_tp` fixes it) running passes of n whole prompts (at most
    # its token budget's, prefill_prompts_per_pass), the aggregated prefill's step (evaluate_configs at
    # prefill_pass); searched over tp_p and n: the most requests/s a chip the pool carries within the TTFT limit,
    # mu rho_max(c) / tp_p at the pool's size c (the given pool's, the demand's c = ceil(lam / mu), else half the
    # accelerators)
    fixed_tp = _fixed(ctx, "prefill_tp")
    pre_load = dataclasses.replace(load, prefill_pass=True, queueing=False, single_stream=False, fixed_tp=fixed_tp,
                                   fixed_pp=None, fixed_ep=None, fixed_batch=None, offered=None)
    tps = TP_GRID[TP_GRID <= max(float(np.max(hw.scaleup)), 1.0)]
    if fixed_tp is not None:
        tps = np.unique(np.concatenate([tps, np.asarray(fixed_tp, dtype=float).reshape(-1)]))
    rows_k = float(np.max(np.maximum(load.beams, 1.0)))
    tp_grid, n_grid = (g.reshape(-1) for g in np.meshgrid(tps, np.maximum(PREFILL_PASS_GRID, rows_k)))
    if shared is not None and "prefill" in shared:            # the same for every decode layout of one solve
        q = shared["prefill"]
    else:
        q = evaluate_configs(hw, arch, pre_load, tp_grid, np.ones_like(tp_grid), n_grid)
        if shared is not None:
            shared["prefill"] = q
    shape = (n_sc, tp_grid.size)
    tiled = lambda v: np.tile(v, (stacked, 1)) if stacked > 1 and np.ndim(v) == 2 and v.shape[0] == n_one > 1 else v
    q = {name: np.broadcast_to(tiled(q[name]), shape) for name in ("fits", "prefill_time", "prefill_prompts", "tp",
                                                                   *PREFILL_PARTS)}
    # the decode step at the search's full batch B (grid's last point; best["t_iter"] is at an offered load's rows)
    # (a candidate to `beat`: its step at one row a rank alone until its bound passes, the rest only then)
    one_row = dict(best, batch=np.maximum(np.nan_to_num(flat(best["ep_ranks"]), nan=1.0), 1.0))
    grid = (rows_grid if rows_grid is not None else
            _decode_at_rows(hw, arch, load, best if beat is None else one_row, n_sc))
    t_dec = grid["t_iter"][:, -1]
    limit = flat(load.ttft_limit)
    cv = flat(load.prompt_cv)
    mu_all = q["prefill_prompts"] / q["prefill_time"]
    n = flat(hw.chips)
    if ctx.is_set("prefill_accelerators"):
        c_ref = np.floor(flat(ctx.get("prefill_accelerators"))[:, None] / q["tp"] + 1e-9)
    elif ctx.is_set("demand"):
        c_ref = np.ceil(flat(ctx.get("demand"))[:, None] / O[:, None] / mu_all - 1e-9)
    else:
        c_ref = np.floor(n[:, None] / 2 / q["tp"] + 1e-9)
    c_ref = np.maximum(c_ref, 1.0)
    # the prefill worker scored with the decode step at one row a rank, t(1) (the grid's first point), and its
    # own KV transfer (over the link of all n accelerators): t(1) does not move with the batch B the TPOT limit
    # sets, so a tighter limit does not move the pick
    kv_link = np.where(n <= flat(hw.scaleup) + 1e-9, flat(hw.link), flat(hw.scaleout)) * flat(load.link_eff)
    xfer_all = (I * flat(best["kv_per_token"]))[:, None] / (np.minimum(q["tp"], flat(arch.kv_split)[:, None])
                                                            * kv_link[:, None])
    budget_all = limit[:, None] - q["prefill_time"] - xfer_all - grid["t_iter"][:, :1]
    share = prefill_pool_utilization(c_ref, mu_all, cv[:, None], budget_all) if queueing else 1.0
    fits = q["fits"] > 0
    # a worker that leaves its pool's accelerators no decode replica (wider than the given pool, or than the
    # accelerators less one replica where the split is searched) serves nothing: picked only where every worker
    # does (the pools then say so); before s15-disagg 70B fp8 on 8 H100 took a worker of tp 8 and was refused
    R_pick = flat(best["tp"]) * flat(best["pp"]) * np.maximum(np.nan_to_num(flat(best["ep_ranks"]), nan=1.0), 1.0)
    if ctx.is_set("prefill_accelerators"):
        room = q["tp"] <= flat(ctx.get("prefill_accelerators"))[:, None] + 1e-9
    elif ctx.is_set("demand"):
        room = np.ones_like(fits)
    else:
        room = q["tp"] <= (n - np.nan_to_num(R_pick, nan=0.0))[:, None] + 1e-9
    score = np.where(fits & room & (share > 0), mu_all * share / q["tp"],
                     np.where(fits & room, -q["prefill_time"] * 1e-9 - 1.0,
                              np.where(fits, -q["prefill_time"] * 1e-9 - 2.0, -np.inf)))
    pick = np.argmax(score, axis=1)
    at = (np.arange(n_sc), pick)
    pre_fits = np.isfinite(score[at])
    tp_p, t_pass, n_pass = q["tp"][at], q["prefill_time"][at], q["prefill_prompts"][at]
    mu = n_pass / t_pass                                          # requests/s of one worker at full passes
    # a decode replica: tp pp d chips, its requests/s at its TPOT limit (the search's)
    R_d = flat(best["tp"]) * flat(best["pp"]) * flat(best["ep_ranks"])
    with np.errstate(divide="ignore", invalid="ignore"):
        rep_rate = flat(best["throughput"]) / np.maximum(flat(best["replicas"]), 1.0) / O
    kv_bytes = I * flat(best["kv_per_token"])                     # one prompt's KV, every layer
    senders = np.minimum(tp_p, flat(arch.kv_split))               # the prefill chips holding distinct KV heads
    e_l = flat(load.link_eff)

    def transfer(total):
        """The KV transfer of one prompt: over the scale-up links (NVLink) where both pools lie in one scale-up
        domain, else over the scale-out (backend) network."""
        link = np.where(total <= flat(hw.scaleup) + 1e-9, flat(hw.link), flat(hw.scaleout)) * e_l
        return kv_bytes / (senders * link)

    def capacity(c, budget):
        """Requests/s c workers carry with the p99 TTFT within the limit (all of c mu without a queue)."""
        rho = prefill_pool_utilization(c, mu, cv, budget) if queueing else np.ones_like(c)
        return c * mu * rho

    def carries(c, lam, budget):
        """Whether c workers carry lam requests/s with the p99 TTFT within the limit: the p99 wait at rho = lam /
        (c mu) within `budget` (capacity(c, budget) >= lam, without solving for the capacity: the wait rises with
        rho); rho < 1 without a queue."""
        with np.errstate(divide="ignore", invalid="ignore"):
            rho = np.where(c * mu > 0, lam / (c * mu), np.inf)
        if not queueing:
            return rho <= 1
        return (budget >= 0) & (prefill_pool_wait(rho, c, mu, cv, 0.99) <= budget)

    # the decode replica's step at the rows in flight: a served rate lam keeps b(lam) rows a rank (Little's law,
    # _rows_in_flight, x = lam O / (reps d) counted tokens/s a rank), the step that emits the first token is t(b)
    d_rank = np.maximum(np.nan_to_num(flat(best["ep_ranks"]), nan=1.0), 1.0)
    k_rows = np.broadcast_to(np.maximum(flat(load.beams), 1.0), (n_sc,))

    def step_at(lam, reps):
        """The decode step (t_iter) at the rows in flight of lam requests/s over reps replicas, and those rows."""
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.where(reps > 0, lam * O / np.maximum(reps, 1e-300) / d_rank, 0.0)
        b = _rows_in_flight(grid, k_rows, np.nan_to_num(x, nan=0.0, posinf=0.0))
        return _at_rows(grid, b, "t_iter"), b

    def served(c, reps, total):
        """Requests/s the pools carry (c workers, reps replicas, total accelerators for the KV link): the decode
        pool's reps r_d where the prefill pool carries it with the p99 TTFT within the limit at the step of the
        rows that rate keeps in flight, else the largest lam below it that fits: W_99(lam / (c mu)) + t_pass +
        t_xfer + t(b(lam)) <= limit, both terms rising with lam (bisection, 50 halvings of [0, reps r_d])."""
        top = reps * rep_rate
        fixed = limit - t_pass - transfer(total)
        if not queueing:
            return np.minimum(c * mu, top)
        ok = lambda lam: carries(c, lam, fixed - step_at(lam, reps)[0])
        lo, hi = np.zeros(n_sc), np.nan_to_num(top, nan=0.0)
        full = ok(hi)
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            fits = ok(mid)
            lo, hi = np.where(fits, mid, lo), np.where(fits, hi, mid)
        return np.where(full, top, lo)

    if beat is not None and not ctx.is_set("demand"):
        # a candidate layout's bound (service): min(P(c), reps r_d) requests/s, P(c) the most c workers carry with
        # the p99 TTFT within the limit at the decode step of one row a rank, t(1) (the step rises with the rows in
        # flight, the wait with the rate: `served` carries no more), at the split given, else the most over every
        # split c = 1 .. c_max; a layout whose bound is not above the best so far (`beat`, tokens/s) in any
        # scenario serves no more there: None, its pools' served rate not solved
        n_all = flat(hw.chips)
        with np.errstate(divide="ignore", invalid="ignore"):
            if ctx.is_set("prefill_accelerators"):
                pre_b = flat(ctx.get("prefill_accelerators"))
                c_b = np.floor(pre_b / tp_p + 1e-9)[:, None]
                reps_b = np.floor((n_all - pre_b) / R_d + 1e-9)[:, None]
            else:
                c_top = np.nan_to_num(np.floor((n_all - R_d) / tp_p + 1e-9), nan=0.0)
                c_b = np.arange(1, max(float(np.max(c_top)), 1.0) + 1)[None, :] + 0 * c_top[:, None]
                c_b = np.where(c_b <= c_top[:, None], c_b, 0.0)
                reps_b = np.floor((n_all[:, None] - c_b * tp_p[:, None]) / R_d[:, None] + 1e-9)
            # the KV transfer over the faster link (the pools may fit one scale-up domain, the rest idle)
            fastest = kv_bytes / (senders * np.maximum(flat(hw.link), flat(hw.scaleout)) * e_l)
            budget_b = (limit - t_pass - fastest - grid["t_iter"][:, 0])[:, None] + 0 * c_b
            rho_b = (prefill_pool_utilization(c_b, mu[:, None], cv[:, None], budget_b) if queueing
                     else np.ones_like(c_b))
            bound = np.max(np.minimum(c_b * mu[:, None] * rho_b, reps_b * rep_rate[:, None]), axis=1) * O
        bound = np.where(pre_fits, np.nan_to_num(bound, nan=0.0), 0.0)
        if stacked:
            return bound
        if not np.any(bound > np.ravel(beat) * (1 + 1e-9)):
            return None
        if rows_grid is None:
            grid = _decode_at_rows(hw, arch, load, best, n_sc)   # every point, t(1) among them
        t_dec = grid["t_iter"][:, -1]
    fixed_pre = ctx.is_set("prefill_accelerators")
    pre_set = flat(ctx.get("prefill_accelerators")) if fixed_pre else np.zeros(n_sc)
    reasons = [""] * n_sc
    searched_bad = np.asarray(best["feasible"], dtype=float).reshape(-1) == 0   # the decode search's own reason
    searched_bad = np.broadcast_to(searched_bad, (n_sc,))
    bad = ~pre_fits | searched_bad
    if left is not None:                  # a prefill pool that leaves no accelerator to decode
        empty = flat(left) < 1
        for i in np.flatnonzero(empty & pre_fits):
            pool = pre_set[i] if fixed_pre else flat(hw.chips)[i] - flat(left)[i]     # as given, not clipped
            reasons[i] = Reason(f"the prefill pool of {pool:g} accelerator(s) leaves none of the "
                                f"{flat(hw.chips)[i]:g} to decode", "prefill_accelerators" if fixed_pre else None,
                                float(pool), float(flat(hw.chips)[i]))
        searched_bad = searched_bad & ~empty
    if ctx.is_set("demand"):
        lam = flat(ctx.get("demand")) / O
        reps = np.ceil(lam / rep_rate - 1e-9)
        if fixed_pre:
            c = np.floor(pre_set / tp_p + 1e-9)
            pre = pre_set
        else:
            # the fewest accelerators that carry lam (_fewest_pools): over the prefill workers (tp_p, n) and the
            # decode replicas (at least ceil(lam / r_d)); the worker, its count and the replicas it picks
            k, c, reps = _fewest_pools(lam, reps, R_d, score, mu_all, q, kv_bytes, flat(arch.kv_split), hw, flat,
                                       e_l, limit, cv, queueing, lambda r: step_at(lam, r)[0], grid["t_iter"][:, 0])
            pick = k
            at = (np.arange(n_sc), pick)
            pre_fits = np.isfinite(score[at])
            tp_p, t_pass, n_pass = q["tp"][at], q["prefill_time"][at], q["prefill_prompts"][at]
            mu = n_pass / t_pass
            senders = np.minimum(tp_p, flat(arch.kv_split))
            pre = c * tp_p
        dec = reps * R_d
        t_op = step_at(lam, reps)[0]                      # the decode step at the demand's rows in flight
        total = pre + dec
        budget = limit - t_pass - transfer(total) - t_op
        short = ~carries(c, lam * (1 - 1e-9), budget)
        tokens = flat(ctx.get("demand"))
        lam_op = lam
        for i in np.flatnonzero(short & ~bad):
            if fixed_pre:
                reasons[i] = Reason(f"the prefill pool of {pre[i]:g} accelerators ({c[i]:g} workers of tp "
                                    f"{tp_p[i]:g}) carries at most {capacity(c, budget)[i] * O[i]:,.0f} tok/s within "
                                    f"the TTFT limit, below the demand {tokens[i]:,.0f} tok/s",
                                    "prefill_accelerators", float(pre[i]))
            elif budget[i] < 0:   # no pool: the first token misses the limit without a queue (not a pool's size)
                reasons[i] = (f"no prefill pool carries the demand {tokens[i]:,.0f} tok/s within the TTFT limit "
                              f"{1e3 * limit[i]:,.0f} ms: the first token takes {1e3 * (limit[i] - budget[i]):,.0f} ms "
                              f"without a queue (prefill pass {1e3 * t_pass[i]:,.0f} ms of {n_pass[i]:g} prompts at tp "
                              f"{tp_p[i]:g}, KV transfer {1e3 * transfer(total)[i]:,.1f} ms, decode step "
                              f"{1e3 * t_op[i]:,.1f} ms)")
            else:
                reasons[i] = (f"no prefill pool carries the demand {tokens[i]:,.0f} tok/s within the TTFT limit "
                              f"{1e3 * limit[i]:,.0f} ms at a utilization of 5% or more (its p99 wait leaves "
                              f"{1e3 * budget[i]:,.1f} ms of the limit)")
        bad = bad | short
    else:
        total = n
        if fixed_pre:
            pre = pre_set
            c = np.floor(pre / tp_p + 1e-9)
        else:
            def split(m):
                """The split of m accelerators that serves the most: P(c) rises, D(c) = floor((m - c tp_p) / R_d)
                rep_rate falls with the workers c; the best is at their crossing: c* the most workers with P(c) <=
                D(c) (integer bisection on [0, c_max]; at lam = D(c) the decode pool runs its full batch, so P(c) >
                D(c) where c workers carry D(c) at the search's own step t_iter), then c* or c* + 1, whichever
                serves more (c* on a tie). Returns (c, its served requests/s)."""
                c_max = np.floor((m - R_d) / tp_p + 1e-9)
                lo, hi = np.zeros(n_sc), np.maximum(c_max, 0.0) + 1
                active = hi - lo > 1
                while np.any(active):
                    mid = np.floor(0.5 * (lo + hi))
                    D = np.floor((m - mid * tp_p) / R_d + 1e-9) * rep_rate
                    above = carries(mid, D, limit - t_pass - transfer(m) - t_dec) & (D < np.inf)
                    lo, hi = np.where(active & ~above, mid, lo), np.where(active & above, mid, hi)
                    active = hi - lo > 1
                first = np.maximum(lo, 1.0)
                second = np.minimum(lo + 1, np.maximum(c_max, 1.0))
                f1, f2 = (served(x, np.floor((m - x * tp_p) / R_d + 1e-9), m) for x in (first, second))
                return np.where(f2 > f1 * (1 + 1e-12), second, first), np.where(f2 > f1 * (1 + 1e-12), f2, f1)

            c, lam_op = split(n)
            # pools of more accelerators than a scale-up domain send the KV over the scale-out network; the pools
            # that fit one domain (the rest idle, held) send it over the scale-up links and may serve more: the
            # better of the two, so more accelerators never serve less (before s15-disagg 70B fp8, 2k prompts:
            # 2,704.3 tok/s on 8 H100, 2,688.9 on 9)
            dom = np.minimum(n, flat(hw.scaleup))
            if np.any(dom < n):
                c_dom, lam_dom = split(dom)
                take = (dom < n) & (lam_dom > lam_op * (1 + 1e-12))
                c, lam_op, total = np.where(take, c_dom, c), np.where(take, lam_dom, lam_op), np.where(take, dom, n)
            pre = c * tp_p
        dec = total - pre
        reps = np.floor(dec / R_d + 1e-9)
        if fixed_pre:
            lam_op = served(c, reps, total)
        tokens = lam_op * O
    none = (c < 1) | (reps < 1)
    for i in np.flatnonzero(none & ~bad):
        reasons[i] = (f"disaggregated serving needs a prefill worker of {tp_p[i]:g} accelerator(s) and a decode "
                      f"replica of {R_d[i]:g}: the pools hold {c[i]:g} worker(s) and {reps[i]:g} replica(s)")
    bad = bad | none
    # the latencies at the operating load: the offered load where it is below the capacity, else the capacity's;
    # the decode step in the first token and the decode outputs at the rows that load keeps in flight
    lam_q = lam_op
    offered_share = np.full(n_sc, np.nan)
    if load.offered is not None:
        offered = flat(load.offered)
        with np.errstate(divide="ignore", invalid="ignore"):
            offered_share = offered / tokens
        lam_q = np.where(offered_share < 1, offered / O, lam_op)
    t_dec, rows = step_at(lam_q, reps)
    budget = limit - t_pass - transfer(total) - t_dec
    late = queueing & (budget < 0)
    for i in np.flatnonzero(late & ~bad):
        reasons[i] = (f"the first token takes {1e3 * (limit[i] - budget[i]):,.0f} ms without a queue (prefill pass "
                      f"{1e3 * t_pass[i]:,.0f} ms of {n_pass[i]:g} prompts at tp {tp_p[i]:g}, KV transfer "
                      f"{1e3 * transfer(total)[i]:,.1f} ms, decode step {1e3 * t_dec[i]:,.1f} ms): above the TTFT "
                      f"limit {1e3 * limit[i]:,.0f} ms")
    bad = bad | late
    for i in np.flatnonzero(~pre_fits & ~searched_bad):
        which = f"prefill_tp {flat(fixed_tp)[i]:g}" if fixed_tp is not None else "a power-of-two tp"
        reasons[i] = Reason(f"no prefill worker layout holds the weights and a prompt ({which} at pp 1, within the "
                            f"scale-up domain of {flat(hw.scaleup)[i]:g} accelerators)",
                            *(("prefill_tp", float(flat(fixed_tp)[i])) if fixed_tp is not None else ()))
    ttft_fixed = t_pass + transfer(total) + t_dec
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = lam_q / (c * mu)
    if queueing:
        wait = prefill_pool_wait(rho, c, mu, cv, 0.99)
        ttft_p50, ttft = ttft_fixed + prefill_pool_wait(rho, c, mu, cv, 0.50), ttft_fixed + wait
    else:
        wait = np.zeros(n_sc)
        ttft_p50 = ttft = ttft_fixed
    best.update({name: _at_rows(grid, rows, name) for name in grid if name != "rows"})
    best["batch_in_flight"] = d_rank * rows
    best.update(tokens_per_s=tokens, ttft=ttft, ttft_p50=ttft_p50, prefill_accelerators=pre,
                decode_accelerators=dec, accelerators_needed=pre + dec,
                chips=pre + dec if ctx.is_set("demand") else n + 0 * dec, replicas=reps,
                prefill_tp=tp_p, prefill_batch=n_pass, prefill_time=t_pass, offered_share=offered_share,
                kv_transfer_time=transfer(total), prefill_queue_time=wait,
                **{name: q[name][at] for name in PREFILL_PARTS})
    if bad.any():
        _refuse(best, bad, [r if r else old for r, old in zip(reasons, best["reason"])])
    return best


# the prompts a prefill worker's pass may carry (searched, at most its budget's: prefill_prompts_per_pass)
PREFILL_PASS_GRID = np.array([1, 2, 4, 8, 16, 32, 64, 128, 256], dtype=float)
PREFILL_PARTS = ("prefill_compute_time", "prefill_memory_time", "prefill_comm_time", "prefill_moe_time",
                 "prefill_elementwise_time")


def _reason(best: dict, arch: Architecture, load: Load, hw: Hardware) -> list[str]:
    """Why each scenario without a configuration has none ("" for those that have one)."""
    infeasible = np.asarray(best["feasible"]).reshape(-1) == 0
    return [why_infeasible(best, arch, load, hw, i) if bad else "" for i, bad in enumerate(infeasible)]
