"""The latency band: the served latencies at the load x (1 -+ LATENCY_BAND_LOAD), and the load with room.

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import dataclasses
import numpy as np

from .. import (cached, output)
from .physics import (Architecture, Hardware, Load, _kv_room_wait, engine_batch_cap)
from .queues import (LITTLE_ROWS_TOLERANCE, little_rows)
from .step import evaluate_configs
from .grid_search import OWN_RATE_TOLERANCE
from .platform import _inputs
from .solution import solved
from .outputs import (feasible_only, no_second_token, steady_only)


# ----------------------------------------------------------------------------- the latency band (knife edges)
LATENCY_BAND_LOAD = 0.05
# delta of the latency band: the load a service's p99s are taken at again, x (1 - delta) and x (1 + delta). The
# model's own capacity is known to about this much (validate's median |error|: Server 6.9%, Interactive 4.5%, the
# held-out Interactive 11.0%: docs/accuracy.md's generated head) and so is a planner's forecast of an offered load, so
# a p99 the band shows steep is one a 5% error of either moves that far.
LATENCY_KNIFE_EDGE = 1.5
BAND_SECTION_POINTS = 128     # batches a pass of latency_band's little_rows tries at once (its cost, not its answer)
# the banded latencies: (output, its key in the solve, the TTFT quantile whose wait for KV room the upper end adds)
BANDED = (("ttft_p99", "ttft", 0.99), ("tpot_p99", "tpot", None), ("ttft_p50", "ttft_p50", 0.50),
          ("tpot_mean", "t_iter", None))


def latency_band(hw: Hardware, arch: Architecture, load: Load, best: dict, delta: float = LATENCY_BAND_LOAD,
                 scenarios: int | None = None) -> dict:
    """The latency band of an aggregated server / interactive service (module docstring "Offered load", its law at
    two more loads): the latencies at the layout the service runs (`best`: tp, pp, d of the search) when the load it
    carries x (`load.offered`, else its capacity `best["throughput"]`) is x (1 - delta) and x (1 + delta).
    At each, the rows in flight b are Little's law's (b = k x_r t_iter(b), the smallest batch carrying x_r a rank,
    as an offered load below the capacity), on [1, B_cap]: B_cap the most rows the rank may hold, the KV cache's
    (max_batch) under the engine's cap (max_batch_size), or the spec's batch where it gives one; no latency limit
    cuts the rate there (the band says what the p99s are, not whether they fit). The upper end is unbounded where
    x (1 + delta) is more than B_cap rows carry or than the prompt queue clears (rho >= 1): the queue grows without
    bound. The upper end's TTFT p99 also carries the wait for KV room (_kv_room_wait: Erlang C of c = the cache's
    rows, kv_slots, at the requests in flight a = x_r t_iter, life O t_iter), which the default point leaves out
    (`kv_room_wait` 0): 0 while a is more than ~2.3 sqrt(a) below c (the chance to wait under 1%), and a tail
    that rises steeply within it, which is how the v4.1 8x H100 Mixtral runs' p99 climbed 0.4 -> 1.9 s over 4% of
    rows (docs/accuracy.md "The Mixtral H100 tail as a wait for an engine's own KV rows"); with `kv_room_wait` 1
    the wait is in both ends already. The same for the TTFT p50 (its upper end with the wait's median) and the TPOT
    mean (the mean step t_iter). Returns per scenario {NAME_low, NAME_high} for NAME of BANDED (ttft_p99, tpot_p99,
    ttft_p50, tpot_mean): the least and the most of the point's figure (best's ttft / tpot / ttft_p50 / t_iter) and
    the two ends', so the band always holds the point; a high end inf where unbounded. Assumptions: the layout does
    not move with the load (a planner builds it once); the step, the prompt queue and the TPOT tail are the
    model's own at b; the rows' rate rises with b (little_rows)."""
    at = latency_at_loads(hw, arch, load, best, np.array([1 - delta, 1 + delta]), np.array([False, True]), scenarios)
    out = {}
    for name, key, _ in BANDED:
        point = np.broadcast_to(np.asarray(best[key], dtype=float).reshape(-1), at[key].shape[:1])
        values = np.stack([point, *at[key].T])                              # the point, the low and high ends
        values = np.where(np.isnan(values), np.inf, values)
        out[f"{name}_low"] = np.min(values, axis=0)
        out[f"{name}_high"] = np.max(values, axis=0)
    return out


def latency_at_loads(hw: Hardware, arch: Architecture, load: Load, best: dict, factors: np.ndarray,
                     waits: np.ndarray, scenarios: int | None = None, base=None,
                     points: int = BAND_SECTION_POINTS, tolerance: float = LITTLE_ROWS_TOLERANCE) -> dict:
    """The banded latencies (BANDED's keys: ttft, tpot, ttft_p50, t_iter) of the layout a service runs (`best`: tp,
    pp, d of the search) at the loads `factors` (m,) x its load x (`base`, else `load.offered`, else its capacity
    `best["throughput"]`): {key: (S, m)}, inf where that load is not carried. At each load the rows in flight b are
    Little's law's (b = k x_r t_iter(b), x_r the load a rank, little_rows with `points` batches a pass), on
    [1, B_cap]: B_cap the most rows the rank may hold, the KV cache's (max_batch) under the engine's cap
    (max_batch_size), or the spec's batch where it gives one; no latency limit cuts the rate (they say what the
    latencies are, not whether they fit). Not carried: x_r is more than B_cap rows carry or than the prompt queue
    clears (rho >= 1). Where `waits` (m,) the TTFTs add the wait for KV room at their quantile (_kv_room_wait, the
    cache's rows kv_slots, the requests in flight a = x_r t_iter, life O t_iter) unless `kv_room_wait` 1 has it in
    already (latency_band: the upper end's)."""
    S = scenarios or max(np.size(v) for v in (
        *(best[k] for k in ("tp", "pp", "ep_ranks", "throughput", "ttft", "tpot", "max_batch", "batch", "replicas",
                            "kv_slots")),
        load.batch_cap, load.beams, load.output_tokens, load.offered if load.offered is not None else 1.0))
    col = lambda v: np.broadcast_to(np.asarray(v, dtype=float).reshape(-1), (S,))   # noqa: E731
    tp, pp, d = col(best["tp"]), col(best["pp"]), col(best["ep_ranks"])
    layouts, which = np.unique(np.stack([tp, pp, d]), axis=1, return_inverse=True)
    which = np.asarray(which).reshape(-1)
    if load.fixed_batch is not None:
        rows = col(best["batch"]) / d                                  # the spec's batch: the engine holds no more
    else:
        rows = np.minimum(col(best["max_batch"]) / d, engine_batch_cap(col(load.batch_cap), d[:, None]).reshape(-1))
    rows = np.maximum(np.nan_to_num(rows, nan=1.0), 1.0)
    if base is None:
        base = load.offered if load.offered is not None else best["throughput"]
    k = np.maximum(col(load.beams), 1.0)
    factors = np.asarray(factors, dtype=float).reshape(-1)
    m = factors.size
    target = col(base)[:, None] * factors[None, :] / (
        np.maximum(col(best["replicas"]), 1.0) * d)[:, None]         # (S, m loads): x_r, counted tokens/s a rank
    # each load's rows at their own rate (no offered load, no limit: a column's latencies are at B / (k t_iter))
    free = dataclasses.replace(load, ttft_limit=np.asarray([np.inf]), tpot_limit=np.asarray([np.inf]),
                               fixed_batch=None, offered=None)
    U = layouts.shape[1]

    def evaluate(b):
        """evaluate_configs at batches b (S, m, n) of each scenario's own layout: {name: (S, m, n)}."""
        n = b.shape[2]
        q = evaluate_configs(hw, arch, free, np.repeat(layouts[0], m * n), np.repeat(layouts[1], m * n),
                             np.tile(b.reshape(S, m * n), (1, U)), np.repeat(layouts[2], m * n))
        own = which[:, None] * m * n + np.arange(m * n)[None, :]
        return {name: np.broadcast_to(q[name], (S, U * m * n))[np.arange(S)[:, None], own].reshape(S, m, n)
                for name in ("t_iter", "ttft", "ttft_p50", "tpot", "own_rate_share")}

    def rate(bs):
        """little_rows' rate: bs (n, S, m) -> b / (k t_iter(b)), (n, S, m)."""
        b = np.moveaxis(bs, 0, -1)
        return np.moveaxis(b / (k[:, None, None] * evaluate(b)["t_iter"]), -1, 0)

    # b = k x_r t_iter(b): the batch whose own rate is x_r on [1, B_cap] (little_rows, the offered load's solver);
    # carried: B_cap's rate reaches x_r (what the rank can carry)
    b, carried = little_rows(rate, target, 1.0, rows[:, None], points, tolerance)
    q = {name: v[..., 0] for name, v in evaluate(b[..., None]).items()}
    carried &= q["own_rate_share"] >= 1 - OWN_RATE_TOLERANCE          # else its prompt queue saturates (rho >= 1)
    life = col(load.output_tokens)[:, None] * q["t_iter"]             # the wait for KV room, where `kv_room_wait`
    adds = np.asarray(waits, dtype=bool)[None, :] & (col(load.kv_room_wait) <= 0)[:, None]    # has not put it in
    out = {}
    for _, key, quantile in BANDED:
        value = q[key].copy()
        if quantile is not None:
            value += np.where(adds, _kv_room_wait((col(best["kv_slots"]) / d / k)[:, None],
                                                  target / col(load.output_tokens)[:, None] * life, life,
                                                  quantile), 0.0)
        out[key] = np.where(carried, value, np.inf)
    return out


def knife_edge(point, low, high, threshold: float = None) -> tuple[np.ndarray, np.ndarray]:
    """Whether a banded latency is on a knife edge, per scenario: (unbounded, wide) where it is shown (a finite
    point above 0): unbounded, its band's upper end is not finite; wide, high > threshold x low (threshold:
    LATENCY_KNIFE_EDGE). A monotone family in the threshold: what is flagged at T is flagged at every T' < T
    (tests/test_latency_band.py). The `latency-knife-edge` check's rule (compiler/checks.py) and room_load's."""
    threshold = LATENCY_KNIFE_EDGE if threshold is None else threshold
    point, low, high = (np.asarray(v, dtype=float) for v in (point, low, high))
    shown = np.isfinite(point) & (point > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return shown & ~np.isfinite(high), shown & np.isfinite(high) & (high > threshold * low)


ROOM_SHARES = (0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3)   # the shares of the capacity room_load tries, most first
ROOM_SECTION_POINTS = 127     # batches room_load's little_rows tries at once (21 loads at once: its cost) ...
ROOM_TOLERANCE = 0.06         # ... in one pass (a section's ln width 7 / 128 <= 0.06 at 1,000 rows): each load's
# rows linear in its section of 1 / 128 of the rows' ln range, within ~0.1% of the load's root. room_load is a grid
# answer (shares 10% apart, judged at +-5%): 0.1% in the load moves no share but one on the threshold itself; two
# model evaluations in place of nine (the 1e-9 bracket's), the cost of every spec with a knife-edge warning.


def room_load(hw: Hardware, arch: Architecture, load: Load, best: dict, scenarios: int | None = None,
              delta: float = LATENCY_BAND_LOAD, threshold: float = None) -> np.ndarray:
    """The load with room (output `room_load`, the `offered_load` the `latency-knife-edge` warning's help names):
    the largest share s of ROOM_SHARES (90% down to 30%, 10% apart) of the service's capacity c (best's
    throughput) at which no banded latency is on a knife edge (knife_edge) at the load s c: each one's band, the
    least and most of it at s c (1 - delta), s c and s c (1 + delta) (latency_at_loads, the upper end with the wait
    for KV room as latency_band's), bounded and within `threshold`; s c in tokens/s, per scenario, nan where no
    share has room (its latencies are steep at every load: more KV room or accelerators, not less load). A grid,
    not a root: the answer is within 10% of the capacity below the most load with room; the latencies themselves are
    the model's at rows within ~0.1% of each load's (little_rows in one pass: ROOM_TOLERANCE)."""
    shares = np.asarray(ROOM_SHARES, dtype=float)
    factors = (shares[:, None] * np.array([1 - delta, 1.0, 1 + delta])[None, :]).reshape(-1)
    at = latency_at_loads(hw, arch, load, best, factors, np.tile([False, False, True], shares.size), scenarios,
                          base=best["throughput"], points=ROOM_SECTION_POINTS, tolerance=ROOM_TOLERANCE)
    clean = None
    for _, key, _ in BANDED:
        value = at[key].reshape(-1, shares.size, 3)
        value = np.where(np.isnan(value), np.inf, value)
        unbounded, wide = knife_edge(value[..., 1], value.min(axis=-1), value.max(axis=-1), threshold)
        ok = ~(unbounded | wide) & np.isfinite(value[..., 1])
        clean = ok if clean is None else clean & ok
    first = np.argmax(clean, axis=1)                                    # the largest share with room
    capacity = np.broadcast_to(np.asarray(best["throughput"], dtype=float).reshape(-1), first.shape)
    return np.where(clean.any(axis=1), shares[first] * capacity, np.nan)


def _band_inputs(ctx):
    """(hw, arch, load, solved) of a service's band: the chips it was searched on (_solve)."""
    s = solved(ctx)
    platform, arch, hw, load, _ = _inputs(ctx)
    if ctx.is_set("demand") and not ctx.is_set("accelerators"):    # searched on the chips it was sized to (_solve)
        sram = np.asarray(platform.sram_only(), dtype=bool)
        hw = dataclasses.replace(hw, chips=s["chips"], scaleup=np.where(sram, s["chips"], hw.scaleup))
    return hw, arch, load, s


def _band_solve(ctx) -> dict:
    hw, arch, load, s = _band_inputs(ctx)
    return latency_band(hw, arch, load, s, LATENCY_BAND_LOAD, ctx.ev.graph.scenario_count)


BAND_UNBOUNDED = f"unbounded: at {100 * (1 + LATENCY_BAND_LOAD):g}% of its load the queue grows without bound"


def _banded(ctx) -> None:
    """Only server and interactive services that batch their own prompts (aggregated) have a band."""
    if (ctx.text("scenario", "offline") not in ("server", "interactive")
            or ctx.text("serving", "aggregated") == "disaggregated"):
        ctx.not_applicable()


def _band(name: str):
    """One end of a latency's band (latency_band): server and interactive services that batch their own
    prompts (aggregated) only; absent where the workload is (infeasible, overloaded) and, with the reason, where
    the high end is unbounded."""
    def compute(ctx):
        _banded(ctx)
        s = solved(ctx)
        if name.startswith("tpot"):
            no_second_token(ctx)
        value = np.asarray(cached(ctx, "latency_band", _band_solve)[name], dtype=float)
        value = steady_only(ctx, s, value)
        unbounded = ~np.isfinite(value)
        if unbounded.any():
            ctx.absent(unbounded, BAND_UNBOUNDED)
        return np.where(unbounded, np.nan, value)
    return compute


def _room(ctx):
    """room_load: server and interactive aggregated services with a latency on a knife edge (knife_edge of its band)
    in some scenario (elsewhere it does not apply: the load the warning's help names); absent, with the reason,
    where no share has room."""
    _banded(ctx)
    hw, arch, load, s = _band_inputs(ctx)
    band = cached(ctx, "latency_band", _band_solve)
    if not any(np.any(np.logical_or(*knife_edge(s[key], band[f"{name}_low"], band[f"{name}_high"])))
               for name, key, _ in BANDED):
        ctx.not_applicable()
    value = feasible_only(ctx, s, room_load(hw, arch, load, s, ctx.ev.graph.scenario_count, LATENCY_BAND_LOAD,
                                            LATENCY_KNIFE_EDGE))
    none = ~np.isfinite(value)
    if none.any():
        ctx.absent(none, f"no room: at every load from {100 * ROOM_SHARES[0]:g}% down to {100 * ROOM_SHARES[-1]:g}% "
                         f"of its capacity some latency's band spans more than x{LATENCY_KNIFE_EDGE:g} or is "
                         f"unbounded")
    return np.where(none, np.nan, value)


output("inference", "room_load", "the largest share s of 0.9, 0.8, ..., 0.3 of tokens_per_s at which every latency's "
                                 "band (TTFT p99 / p50, TPOT p99 / mean at s c x 0.95, x 1, x 1.05) is bounded and "
                                 "within LATENCY_KNIFE_EDGE (1.5) high / low, times tokens_per_s: the offered_load "
                                 "with room (only where a latency is on a knife edge)")(_room)


for _name, _formula in (
        ("ttft_p99_low", "the least TTFT p99 over the service's load x (1 - delta), x and x (1 + delta), delta "
                         "0.05 (LATENCY_BAND_LOAD), its layout held, the rows in flight by Little's law"),
        ("ttft_p99_high", "the most TTFT p99 over the load x (1 - delta), x and x (1 + delta) (at x (1 + delta) with "
                          "the Erlang-C wait for KV room at the cache's rows); absent where x (1 + delta) is more "
                          "than the layout carries (unbounded)"),
        ("tpot_p99_low", "the least TPOT p99 over the service's load x (1 - delta), x and x (1 + delta)"),
        ("tpot_p99_high", "the most TPOT p99 over the load x (1 - delta), x and x (1 + delta); absent where "
                          "x (1 + delta) is more than the layout carries (unbounded)"),
        ("ttft_p50_low", "the least TTFT p50 over the service's load x (1 - delta), x and x (1 + delta)"),
        ("ttft_p50_high", "the most TTFT p50 over the load x (1 - delta), x and x (1 + delta) (at x (1 + delta) with "
                          "the median Erlang-C wait for KV room); absent where x (1 + delta) is more than the layout "
                          "carries (unbounded)"),
        ("tpot_mean_low", "the least TPOT mean (the mean step) over the service's load x (1 - delta), x and "
                          "x (1 + delta)"),
        ("tpot_mean_high", "the most TPOT mean over the load x (1 - delta), x and x (1 + delta); absent where "
                           "x (1 + delta) is more than the layout carries (unbounded)")):
    output("inference", _name, _formula)(_band(_name))
