"""Training model: FLOPs per token, step time from compute, memory and exposed communication, MFU, time to
train, accelerator-hours, energy, cost and goodput under failures.

Pipeline position: registered model of `compiler.models` (the `training` kind); imports numpy, the registry
and the platform helpers of `compiler.models.inference`. The parallelism search is one vectorized pass over
(tp, pp, micro-batch) columns, as in the inference model, once per distinct combination of the inputs that
vary over a sweep (see `_distinct`), so its cost is linear in the number of scenarios.

Symbols: N, A total and active parameters; L layers; h hidden; D = heads * head_dim; s sequence length;
G tokens per step (global batch); n accelerators; tp x pp x dp = n; P peak FLOP/s at the precision;
BL scale-up bandwidth per direction; BO scale-out bandwidth per accelerator; e_t achieved fraction of peak
in training matrix multiplies (fitted).

    FLOPs/token   full: 6 A + 6 L s D  (attention score and value products, causal half, x3 for fwd+bwd)
                  LoRA: 4 A + 6 L s D  (no weight gradients for the frozen base; adapters are negligible)
                  evaluation (forward only): 2 A + 2 L s D per evaluated token
    layout        dp = floor(n / (tp pp)); chips beyond dp tp pp idle; n below is the chips in use
    micro-batches m = G / s / (dp * mb)  (at least 1: a step holds at least one sequence per replica)
    compute       t_c = G (FLOPs/token) / (n P e_t)                   (per step; tokens spread over n chips)
    PP bubble     t_c (pp - 1) / m                                    (1F1B schedule)
    TP comm       4 (L / pp) m [lat + mb s h a 2 (tp - 1) / tp / BL] * 3 / 2  (2 all-reduces fwd, 2 bwd; the
                  backward's carry activations and gradients: x 1.5), exposed
    DP comm       2 (N_trainable w_g / (tp pp)) (dp - 1) / dp / BO, the part not hidden behind the backward
                  pass: max(0, t_dp - 2/3 t_c)                        (bucketed all-reduce overlaps backward)
    EP comm       MoE: 2 all-to-alls per MoE layer fwd and bwd: t_ep = 4 (L/pp) m mb s k h a (ep-1)/ep / B_ep,
                  ep = min(dp, experts, scale-up domain / tp) so the exchange stays on the scale-up fabric (B_ep =
                  BL) when it can; it overlaps the computation of another micro-batch (DeepSeek-V3's DualPipe):
                  exposed max(0, t_ep - t_c)
    memory fit    (N_dense + N_experts / ep) (w + g + o / dp) / (tp pp) + activations <= M (1 - reserve)
                  w = 2 (bf16 weights), g = 2 (gradients), o = 12 (fp32 master + Adam moments, ZeRO-1
                  sharded over dp); LoRA holds only the frozen base at the compute precision (fp8: 1 byte);
                  activations = mb s h L / pp * 34 a / tp / 2 per in-flight micro-batch x min(pp, m)
                  (Korthikanti et al. 2022 with selective recomputation: 34 s b h bytes/layer / tp)
    step          t_step = t_c (1 + (pp - 1)/m) + t_tp + t_dp_exposed + t_ep_exposed
    MFU           = G * FLOPs/token / t_step / (n P)             (model FLOPs / peak, at the precision)
    time          T0 = tokens / G * t_step + eval_tokens * (eval FLOPs/token) / (n P e_t)
    goodput       interruptions at rate lam = n * failure_rate; checkpoint every tau = sqrt(2 c / lam) (Young
                  1974) of blocking cost c; restart r. Lost share f = c / tau + lam (r + tau / 2); a run shorter
                  than tau takes no checkpoint: f = lam (r + T0 / 2). goodput = 1 - f, time_to_train = T0 / goodput
    hours, energy accelerator_hours = n * time_to_train; energy = power * time_to_train
    cost          accelerator_hours * cost per accelerator-hour (workload, site TCO, else capex + energy)
    deadline      accelerators_needed: smallest n (multiples of tp * pp, searched in the same pass over a
                  geometric ladder and 1..64 of the scenario's scale-up domains) whose time_to_train <= deadline

Per scenario: fixed tp, pp, dp and the accelerators are each scenario's own (each scenario's candidates are
its own accelerators, its own ladder). Infeasible: where no layout fits in memory (or none exists for the fixed
coordinates), `feasible` is 0 and the job's figures (layout, step time, MFU, time to train, hours, power,
energy, cost) are absent with the reason and its numbers (`ctx.infeasible`, an `infeasible-workload` error);
accelerators_needed is absent where no count on the ladder meets the deadline. `factory explain` shows the
step's terms as `<job>.detail.*` (compute_time, bubble_time, tp_comm_time, dp_comm_time, dp_comm_exposed_time,
ep_comm_time, ep_comm_exposed_time; time_without_failures). Power: as in the inference model, at the
utilization of the job (its own `utilization`, else its site's).

Defaults: failure_rate from Llama 3 (419 unexpected interruptions in 54 days on 16,384 H100: Llama 3 paper,
arXiv 2407.21783 Table 5, 2024, via datacenterdynamics.com);
checkpoint_time 30 s and restart_time 3 min [U] (asynchronous checkpointing; a restart re-schedules and
reloads), which give >90% goodput at Llama 3 scale as Meta reported.

The one efficiency factor, e_t = training_gemm_efficiency 0.50, is fitted once, globally (median |log error|
over all rows together, never per row) on MLPerf Training v3.1-v4.1 time-to-train (GPT-3 175B and Llama-2-70B
LoRA rows of reference/mlperf_calibration.csv). Result (`factory validate`): median |error| 9.5% over
93 rows. Largest misses: Gaudi2 (+21-57%: it reaches a higher share of its matmul peak than the shared
factor assumes, and its LoRA run pays TP over RoCE), Llama-2-70B LoRA beyond 8 GPUs (-30% on 16-64 GPUs, -80% on 512-1,024: the model lets data
parallelism raise the batch at no convergence cost; the MLPerf runs keep a small batch and split sequences
instead), GPT-3 on 10-12k H100 (+10-20%: the last 2x of scale is less efficient in the model than on Eos).
Assumptions: no activation recomputation cost beyond what the efficiency absorbs; DP all-reduce in BF16;
pipeline schedule 1F1B; tokens to convergence do not depend on the batch size.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import Assumption, output
from .distinct import blocks as _blocks, distinct as _distinct, row_count as _rows, scatter as _scatter
from .inference import (PRECISION_BYTES, Architecture, Platform, _peak, accelerator_cost, architecture, cached,
                        collective_latency)

training_efficiency = Assumption(
    "training_gemm_efficiency", 0.50, "1",
    "achieved fraction of dense peak FLOP/s of the precision in training matrix multiplies [D]: fitted once "
    "(median log-error, all rows together) on MLPerf Training v3.1-v4.1 time-to-train in "
    "reference/mlperf_calibration.csv; see `factory validate`")
failure_rate = Assumption(
    "failure_rate", 419 / (54 * 86400 * 16384), "1/s",
    "unexpected interruptions per accelerator per second [S][D]: Llama 3 405B pre-training, 419 unexpected "
    "interruptions in a 54-day snapshot on 16,384 H100 (datacenterdynamics.com quoting the Llama 3 paper, "
    "arXiv 2407.21783 Table 5, 2024)")
checkpoint_time = Assumption(
    "checkpoint_time", 30.0, "s",
    "blocking time to write one checkpoint [U]: asynchronous checkpointing stalls training only while the "
    "state is copied out of HBM (tens of seconds at 405B scale)")
restart_time = Assumption(
    "restart_time", 180.0, "s",
    "time lost per interruption besides the work since the last checkpoint [U]: detection, re-scheduling on "
    "spares and reloading; with the Llama 3 failure rate this gives the >90% effective training time Meta "
    "reported (Llama 3 paper, 2024, via datacenterdynamics.com)")
training_reserve = Assumption(
    "training_memory_reserve", 0.10, "1",
    "share of accelerator memory kept free in training (allocator fragmentation, workspace) [U]")
default_tokens = Assumption("default_training_tokens", 1e12, "tok", "token budget when the job gives none [U]")
default_global_batch = Assumption(
    "default_global_batch", 4 * 2 ** 20, "tok",
    "tokens per optimizer step when the job gives none [S]: Llama 2 used 4M-token batches (Llama 2 model card, "
    "2023-07)")

MICRO_GRID = np.array([1.0, 2.0, 4.0, 8.0])
TP_GRID = np.array([1, 2, 4, 8, 16, 32, 64], dtype=float)
PP_GRID = np.array([1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64], dtype=float)
N_LADDER = np.unique(np.round(np.geomspace(1, 2 ** 21, 220)))   # accelerator counts for `deadline` (~7% apart)


def _col(x) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(-1, 1)


def step_configs(hw, arch, job, tp, pp, mb, n):
    """Step time and memory fit of every (tp, pp, micro-batch, n) column: arrays (scenarios, configurations)."""
    tp, pp, mb = (np.asarray(v, dtype=float).reshape(1, -1) for v in (tp, pp, mb))
    n = np.asarray(n, dtype=float)
    n = n.reshape(1, -1) if n.ndim < 2 else n         # (scenarios, configurations): each scenario's own counts
    n_alloc = n
    P, BL, BO, M = _col(hw["peak"]), _col(hw["link"]), _col(hw["scaleout"]), _col(hw["memory"])
    scaleup = _col(hw["scaleup"])
    N, Aa, L, h, D = (_col(getattr(arch, k)) for k in ("params", "active", "layers", "hidden", "attn_width"))
    E, k_act = _col(arch.experts), _col(arch.experts_active)
    s, G, et = _col(job["seq"]), _col(job["batch"]), _col(job["eff"])
    lora = _col(job["lora"])
    lat = _col(job["lat"])
    a = 2.0
    dp = np.floor(n / (tp * pp) + 1e-9)
    valid = (dp >= 1) & (tp <= scaleup + 1e-9) & (pp <= L)
    dp = np.maximum(dp, 1)
    n = dp * tp * pp                                  # chips in use; any remainder of the allocation idles
    seqs = np.maximum(G / s, dp * mb)                 # a step holds at least one micro-batch per replica
    tokens_step = seqs * s
    m = seqs / (dp * mb)
    flops = np.where(lora > 0, 4 * Aa, 6 * Aa) + 3 * L * s * D           # 6 L s D / 2: causal half
    t_c = tokens_step * flops / (n * P * et)
    bubble = t_c * (pp - 1) / m
    t_tp = np.where(tp > 1, 4 * (L / pp) * m * (lat + mb * s * h * a * 2 * (tp - 1) / tp / BL) * 1.5, 0.0)
    trainable = np.where(lora > 0, 0.0, N)
    dp_bw = np.where(dp * tp * pp <= scaleup, BL, BO)
    t_dp = np.where(dp > 1, 2 * trainable * 2 / (tp * pp) * (dp - 1) / dp / dp_bw, 0.0)
    t_dp_exposed = np.maximum(t_dp - 2.0 / 3.0 * t_c, 0.0)
    in_domain = np.maximum(np.floor(scaleup / tp), 1.0)
    ep = np.where(E > 0, np.maximum(np.minimum(np.minimum(dp, E), in_domain), 1.0), 1.0)
    ep_bw = np.where(ep * tp <= scaleup, BL, BO)
    t_ep = np.where(E > 0, 4 * (L / pp) * m * mb * s * k_act * h * a * (ep - 1) / ep / ep_bw, 0.0)
    t_ep_exposed = np.maximum(t_ep - t_c, 0.0)
    t_step = t_c + bubble + t_tp + t_dp_exposed + t_ep_exposed
    state = np.where(lora > 0, _col(job["wbytes"]), 2.0 + 2.0 + 12.0 / dp)   # bytes per parameter held
    n_exp = _col(arch.expert_params)
    weights = ((N - n_exp) + n_exp / ep) * state / (tp * pp)
    acts = mb * s * h * (L / pp) * 34 * a / 2 / tp * np.minimum(pp, m)
    usable = M * (1 - _col(job["reserve"]))
    fits = valid & (weights + acts <= usable)
    model_flops = tokens_step * flops
    z = 0 * t_step
    return {"t_step": t_step, "fits": fits, "tokens_step": tokens_step, "flops": flops + z,
            "tp": tp + z, "pp": pp + z, "dp": dp + z, "ep": ep + z,
            "mb": mb + z, "mfu": model_flops / t_step / (n * P), "n": n_alloc + z,
            "valid": valid + z, "memory_need": weights + acts + z, "state_memory": weights + z, "usable": usable + z,
            # the terms of one step, for `factory explain`
            "compute_time": t_c + z, "bubble_time": bubble + z, "tp_comm_time": t_tp + z,
            "dp_comm_time": t_dp + z, "dp_comm_exposed_time": t_dp_exposed + z, "ep_comm_time": t_ep + z,
            "ep_comm_exposed_time": t_ep_exposed + z}


def grid(n_values, max_tp: float):
    """The (tp, pp, micro-batch, n) candidates, n innermost, as flat arrays; `n_values` is one list of counts
    for every scenario, or a (scenarios, counts) array of each scenario's own counts (then n is one too)."""
    tp = TP_GRID[TP_GRID <= max(max_tp, 1)]
    counts = np.asarray(n_values, dtype=float)
    g = np.meshgrid(tp, PP_GRID, MICRO_GRID, np.arange(counts.shape[-1]), indexing="ij")
    tp, pp, mb, j = (x.ravel() for x in g)
    return tp, pp, mb, counts[..., j]


def best_step(hw, arch, job, n_values, fixed: dict):
    tp, pp, mb, n = grid(n_values, float(np.max(hw["scaleup"])))
    q = step_configs(hw, arch, job, tp, pp, mb, n)
    shape = np.broadcast_shapes(*(v.shape for v in q.values()))
    q = {name: np.broadcast_to(v, shape) for name, v in q.items()}
    ok = q["fits"]
    allowed = q["valid"] > 0
    for name, value in fixed.items():
        ok = ok & (np.abs(q[name] - value) < 0.5)
        allowed = allowed & (np.abs(q[name] - value) < 0.5)
    q["allowed"] = allowed
    return q, ok


def _pick(q, score, allowed):
    q = {k: np.broadcast_to(v, score.shape) for k, v in q.items()}
    best = np.argmax(score, axis=1)
    rows = np.arange(score.shape[0])
    out = {k: v[rows, best] for k, v in q.items()}
    out["feasible"] = np.isfinite(score[rows, best]).astype(float)
    # why a scenario has no layout: whether one exists at all, and the one that needs the least memory
    out["any_allowed"] = allowed.any(axis=1)
    closest = np.argmin(np.where(allowed, q["memory_need"], np.inf), axis=1)
    for name in ("memory_need", "state_memory", "usable", "tp", "pp", "dp"):
        out["closest_" + name] = q[name][rows, closest]
    return out


def why_infeasible(best: dict, arch, hw, n, fixed: dict, i: int) -> str:
    """Why scenario `i` has no parallel layout, with the numbers."""
    from ..display import format_quantity as f

    def at(x):
        x = np.asarray(x, dtype=float).reshape(-1)
        return float(x[i] if x.size > 1 else x[0])

    if not best["any_allowed"][i]:
        fixed_text = " and ".join(f"{k} = {f(at(v), '')}" for k, v in fixed.items())
        return (f"no parallel layout exists{' with ' + fixed_text if fixed_text else ''}: {f(at(n), '')} "
                f"accelerators, a scale-up domain of {f(at(hw['scaleup']), '')}, {f(at(arch.layers), '')} layers "
                f"(tp a power of two within the scale-up domain, tp x pp at most the accelerators, pp at most "
                f"the layers)")
    layout = (f"tp = {f(at(best['closest_tp']), '')}, pp = {f(at(best['closest_pp']), '')}, "
              f"dp = {f(at(best['closest_dp']), '')}")
    state, need = at(best["closest_state_memory"]), at(best["closest_memory_need"])
    return (f"the training state does not fit: at best ({layout}) a chip holds {f(state, 'B')} of weights, "
            f"gradients and optimizer state and {f(need - state, 'B')} of activations, {f(need, 'B')} in all, "
            f"but has {f(at(best['closest_usable']), 'B')} usable ({f(at(hw['memory']), 'B')} less the reserve)")


def _inputs(ctx):
    platform = Platform(ctx)
    arch = architecture(ctx.ref("model"))
    chip = platform.chip
    precision = ctx.text("precision", "bf16") if ctx.is_set("precision") else ("fp8" if chip.is_set("fp8") else "bf16")
    hw = {"peak": _peak(chip, precision), "link": platform.link(), "scaleout": platform.scaleout(),
          "memory": chip.get("memory"), "scaleup": platform.scaleup()}
    context = ctx.ref("model").get("context") if ctx.ref("model").is_set("context") else np.asarray([4096.0])
    seq = ctx.get("seq_len") if ctx.is_set("seq_len") else np.minimum(4096.0, context)
    job = {"seq": seq,
           "batch": ctx.get("global_batch", default_global_batch),
           "eff": ctx.get("training_gemm_efficiency", training_efficiency),
           "lora": np.asarray([1.0 if ctx.text("method", "full") == "lora" else 0.0]),
           "lat": ctx.get("collective_latency", collective_latency),
           "reserve": ctx.get("training_memory_reserve", training_reserve),
           "wbytes": np.asarray([PRECISION_BYTES[precision]])}
    return platform, arch, hw, job, precision


def _fixed(ctx) -> dict:
    """The coordinates the spec fixes, each with its value in every scenario (a column over scenarios)."""
    return {name: _col(ctx.get(name)) for name in ("tp", "pp", "dp") if ctx.is_set(name)}


def _rates(ctx) -> dict:
    """The failure model's inputs: interruptions per accelerator-second, checkpoint and restart times."""
    return {"failure_rate": ctx.get("failure_rate", failure_rate),
            "checkpoint": ctx.get("checkpoint_time", checkpoint_time),
            "restart": ctx.get("restart_time", restart_time)}


def _goodput(rates: dict, n, t0):
    lam = n * rates["failure_rate"]
    c, r = rates["checkpoint"], rates["restart"]
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.sqrt(2 * c / np.maximum(lam, 1e-30))
        lost = np.where(t0 < tau, lam * (r + t0 / 2), c / tau + lam * (r + tau / 2))
    return np.clip(1 - lost, 0.01, 1.0)


def solved(ctx) -> dict:
    return cached(ctx, "training", _solve)


def _time(ctx, q, arch, job, hw, tokens, eval_tokens):
    n = q["n"]
    t0 = tokens / q["tokens_step"] * q["t_step"]
    eval_flops = np.asarray(2 * arch.active + arch.layers * job["seq"] * arch.attn_width, dtype=float)
    if np.ndim(n) == 2 and eval_flops.size > 1:       # candidates (scenario x layout): one row per scenario
        eval_flops = eval_flops.reshape(-1, 1)
    t0 = t0 + eval_tokens * eval_flops / (n * hw["peak"] * job["eff"])
    return t0


# Cost of the search: solved once per DISTINCT combination of the inputs that vary over the sweep, in blocks of
# bounded size, and scattered back (compiler/models/distinct.py); each row's candidates are its own (its
# accelerators, its ladder), never the union over the sweep, so the work is linear in the distinct scenarios.


def _pack(hw, arch, job, fixed, **more) -> dict:
    cols = {("hw", k): v for k, v in hw.items()}
    cols.update({("arch", f.name): getattr(arch, f.name) for f in dataclasses.fields(arch)})
    cols.update({("job", k): v for k, v in job.items()})
    cols.update({("fixed", k): v for k, v in fixed.items()})
    cols.update({("more", k): v for k, v in more.items()})
    return cols


def _unpack(cols: dict, rows=slice(None)):
    """hw, arch, job, fixed and the other inputs of `_pack`, restricted to `rows` where they vary."""
    part = {key: v[rows] if v.size > 1 else v for key, v in cols.items()}
    group = {g: {k: v for (h, k), v in part.items() if h == g} for g in ("hw", "arch", "job", "fixed", "more")}
    fixed = {k: _col(v) for k, v in group["fixed"].items()}
    return group["hw"], Architecture(**group["arch"]), group["job"], fixed, group["more"]


def _solve(ctx) -> dict:
    platform, arch, hw, job, precision = _inputs(ctx)
    n = platform.accelerators()
    tokens = ctx.get("tokens", default_tokens)
    eval_tokens = ctx.get("eval_tokens", 0.0)
    fixed = _fixed(ctx)
    layouts = TP_GRID.size * PP_GRID.size * MICRO_GRID.size
    size = max(np.size(v) for v in _pack(hw, arch, job, fixed, n=n).values())
    # each distinct scenario's best layout among its own candidates (tp, pp, micro-batch at its own n)
    cols, inverse = _distinct(_pack(hw, arch, job, fixed, n=n), size)
    parts = []
    for rows in _blocks(_rows(cols), layouts):
        hw_r, arch_r, job_r, fixed_r, more = _unpack(cols, rows)
        q, ok = best_step(hw_r, arch_r, job_r, _col(more["n"]), fixed_r)
        score = np.where(ok, -q["t_step"] / q["tokens_step"], -np.inf)
        part = _pick(q, score, q["allowed"])
        part["reason"] = [why_infeasible(part, arch_r, hw_r, more["n"], fixed_r, i) if bad else ""
                          for i, bad in enumerate(part["feasible"] == 0)]
        parts.append((rows.stop - rows.start, part))
    best = _scatter(parts, inverse)
    t0 = _time(ctx, best, arch, job, hw, tokens, eval_tokens)
    t0 = np.where(best["feasible"] > 0, t0, np.nan)             # nothing fits: no time, not a wrong one
    good = _goodput(_rates(ctx), best["n"], t0)
    best.update(time_to_train=t0 / good, goodput=good, tokens_per_s=best["tokens_step"] / best["t_step"],
                precision=precision, time_without_failures=t0)
    if ctx.is_set("deadline"):
        best.update(_deadline(ctx, hw, arch, job, fixed, tokens, eval_tokens, size))
    else:
        best["accelerators_needed"] = best["n"]
    return best


def _deadline(ctx, hw, arch, job, fixed, tokens, eval_tokens, size) -> dict:
    """accelerators_needed: the smallest count of each scenario's ladder whose time to train meets its deadline.
    Candidates: the geometric ladder N_LADDER and 1..64 scale-up domains of the scenario's own domain size."""
    from ..display import format_quantity
    cols, inverse = _distinct(_pack(hw, arch, job, fixed, tokens=tokens, eval_tokens=eval_tokens,
                                    deadline=ctx.get("deadline"), **_rates(ctx)), size)
    domains = np.arange(1, 65)
    layouts = TP_GRID.size * PP_GRID.size * MICRO_GRID.size * (N_LADDER.size + domains.size)
    parts = []
    for rows in _blocks(_rows(cols), layouts):
        hw_r, arch_r, job_r, fixed_r, more = _unpack(cols, rows)
        scale = np.asarray(hw_r["scaleup"], dtype=float)
        ladder = np.concatenate([N_LADDER + 0 * _col(scale), _col(scale) * domains], axis=1)
        if scale.size == 1:
            ladder = ladder[0]                       # one ladder for every row of the block
        q2, ok2 = best_step(hw_r, arch_r, job_r, ladder, fixed_r)
        ok2 = ok2 & np.isfinite(q2["n"])                # an overflowed layout (NaN) is no candidate
        t_all = _time(ctx, q2, arch_r, job_r, hw_r, _col(more["tokens"]), _col(more["eval_tokens"]))
        t_all = t_all / _goodput({k: _col(more[k]) for k in ("failure_rate", "checkpoint", "restart")},
                                 q2["n"], t_all)
        meets = ok2 & (t_all <= _col(more["deadline"]))
        need = np.where(meets, q2["n"], np.inf).min(axis=1)
        fastest, deadline, top = np.broadcast_arrays(np.where(ok2, t_all, np.inf).min(axis=1), more["deadline"],
                                                     np.max(ladder, axis=-1))
        parts.append((rows.stop - rows.start, {
            "accelerators_needed": np.where(np.isfinite(need), need, np.nan),
            "deadline_missed": ~np.isfinite(need),
            "deadline_reason": [
                f"no accelerator count up to {top[i]:,.0f} (of this system) finishes the run within the deadline "
                f"of {format_quantity(float(deadline[i]), 's')}: the fastest takes "
                f"{format_quantity(float(fastest[i]), 's')}"
                for i in range(fastest.size)]}))
    return _scatter(parts, inverse)


def feasible_only(ctx, s: dict, value):
    """`value`, declared absent where no parallel layout fits: an infeasible job has no time, MFU or cost."""
    infeasible = np.asarray(s["feasible"]).reshape(-1) == 0
    if infeasible.any():
        ctx.infeasible(infeasible, s["reason"])
    return value


def _value(name):
    return lambda ctx: feasible_only(ctx, solved(ctx), solved(ctx)[name])


STEP_TERMS = {
    "compute_time": "t_c = G (FLOPs/token) / (n P e_t): the step's matrix multiplies over the chips in use",
    "bubble_time": "t_c (pp - 1) / m: the 1F1B pipeline bubble",
    "tp_comm_time": "4 (L / pp) m [lat + mb s h a 2 (tp - 1) / tp / BL] x 1.5: tensor-parallel all-reduces",
    "dp_comm_time": "2 (N_trainable 2 B / (tp pp)) (dp - 1) / dp / B_dp: the data-parallel gradient all-reduce",
    "dp_comm_exposed_time": "max(0, dp_comm_time - 2/3 t_c): the part not hidden behind the backward pass",
    "ep_comm_time": "4 (L / pp) m mb s k h a (ep - 1) / ep / B_ep: expert-parallel all-to-alls",
    "ep_comm_exposed_time": "max(0, ep_comm_time - t_c): the part not overlapped with another micro-batch",
}
TIME_TERMS = {"time_without_failures": "tokens / G * step_time + evaluation: the run without interruptions"}


def _shown(name, terms):
    def compute(ctx):
        from .inference import show_terms
        s = solved(ctx)
        show_terms(ctx, s, terms, kind="training")
        return feasible_only(ctx, s, s[name])
    return compute


def _needed(ctx):
    s = solved(ctx)
    if "deadline_missed" in s and s["deadline_missed"].any():
        ctx.infeasible(s["deadline_missed"], s["deadline_reason"])
    return s["accelerators_needed"]


for _name, _out, _formula in (
        ("tp", "tp", "argmin over (tp, pp, micro-batch) of step time per token, fitting in memory"),
        ("pp", "pp", "argmin over (tp, pp, micro-batch) of step time per token, fitting in memory"),
        ("dp", "dp", "accelerators / (tp * pp)"),
        ("ep", "ep", "min(dp, experts, scale-up domain / tp) for a mixture-of-experts model, else 1"),
        ("microbatch", "mb", "argmin over micro-batch sizes"),
        ("flops_per_token", "flops", "6 A + 3 L s D (LoRA: 4 A + 3 L s D)"),
        ("step_time", "t_step", "t_compute (1 + (pp-1)/m) + t_tp + exposed t_dp + exposed t_ep"),
        ("mfu", "mfu", "tokens/step * flops_per_token / step_time / (chips in use * peak)"),
        ("goodput", "goodput", "1 - (c / tau + lam (r + tau / 2)), tau = sqrt(2 c / lam)"),
        ("time_to_train", "time_to_train", "(tokens / G * step_time + evaluation) / goodput"),
        ("tokens_per_s", "tokens_per_s", "tokens per step / step_time"),
        ("accelerators_needed", "accelerators_needed", "smallest accelerators with time_to_train <= deadline"),
        ("feasible", "feasible", "1 when some (tp, pp, micro-batch) fits in memory, else 0")):
    if _name not in ("flops_per_token", "feasible", "accelerators_needed"):
        compute = {"step_time": _shown("t_step", STEP_TERMS), "time_to_train": _shown("time_to_train", TIME_TERMS)}
        output("training", _name, _formula)(compute.get(_name) or _value(_out))
output("training", "flops_per_token", "6 A + 3 L s D (LoRA: 4 A + 3 L s D)")(lambda ctx: solved(ctx)["flops"])
output("training", "feasible", "1 when some (tp, pp, micro-batch) fits in memory, else 0")(
    lambda ctx: solved(ctx)["feasible"])
output("training", "accelerators_needed", "smallest accelerators with time_to_train <= deadline")(_needed)


def _hours(ctx):
    s = solved(ctx)
    return feasible_only(ctx, s, s["n"] * s["time_to_train"])


output("training", "accelerator_hours", "accelerators * time_to_train")(_hours)
output("training", "gpu_hours", "accelerators * time_to_train")(_hours)


def _power(ctx):
    platform = Platform(ctx)
    return feasible_only(ctx, solved(ctx), platform.wall_power_per_chip() * solved(ctx)["n"])


output("training", "power", "accelerators * system wall power per accelerator")(_power)
output("training", "energy", "power * time_to_train")(
    lambda ctx: feasible_only(ctx, solved(ctx), ctx.get("power") * ctx.get("time_to_train")))
output("training", "cost", "accelerator_hours * cost per accelerator-hour")(
    lambda ctx: feasible_only(ctx, solved(ctx), ctx.get("accelerator_hours") * accelerator_cost(ctx, Platform(ctx))))

