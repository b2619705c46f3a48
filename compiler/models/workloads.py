"""Factory-level workload results: what the site's inference and training workloads add up to.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only.

    site.tokens_per_s     = sum(count * inference.tokens_per_s)
    site.tokens_per_joule = sum(count * tokens carried) / sum(count * inference.power)
                            tokens carried = tokens_per_s * min(offered_share, 1): the load each service's
                            power is drawn at (an offered load below the capacity draws less and carries less)
    site.served_tokens_per_s = sum(count * inference.served_tokens_per_s)
                            served_tokens_per_s = tokens_per_s * min(offered_share, 1) * u: the load carried while
                            busy (offered_load, else an aggregated service's demand, else the capacity) times
                            u, the service's duty cycle (`utilization`, else service_utilization 0.6)
    site.usd_per_mtok     = sum(count * served_tokens_per_s * usd_per_mtok) / sum(count * served_tokens_per_s)
                            the services' dollars over the tokens they serve (weighting by tokens/s at capacity
                            counted a service busy 10% of the time as much as one busy all the time)
    site.services_cost_per_hour     = sum(count * inference.cost_per_hour)      what the services pay an hour
    site.services_accelerators_held = sum(count * inference.accelerators_held)  the accelerators they hold
    site.services_accelerator_hour  = services_cost_per_hour / services_accelerators_held: their mean hour (each
                            service's own: the site's TCO per accelerator-hour with its energy at the service's
                            own draw), so that usd_per_mtok = services_cost_per_hour / (served_tokens_per_s x
                            3600 s) x 1e6 multiplies out (the report's note on $/Mtok prints these three)
    site.time_to_train    = max(training.time_to_train)

A workload's power at its own load (per inference service and training job; compiler.models.power):
    compute_utilization u_c  of a busy accelerator (one the layout uses: n - k of the n held, k =
                             idle_accelerators): inference: tokens_per_s / (n - k) * carried * FLOPs per output
                             token / (0.992 * peak); training: mfu * n / (n - k) / 0.992    (0.992 = 669 / 989 /
                             0.6818: a large GEMM's share of peak at the full clock, compiler/models/power.py
                             gemm_peak_fraction)
    memory_utilization  u_m  inference: (weights_per_chip + b (I + O/2) kv_per_token / (tp pp)) / tpot
                             / memory_bw, at the operating point (activity: carried = offered_share and b =
                             batch_in_flight below the capacity, else 1 and batch); training:
                             training_memory_utilization 0.3 [U]
    accelerator_power        inference: min(cap, P_idle + a u_c + b u_m) (one mean activity);
                             training: two phases, time-weighted (training_phases):
                               compute_bound_share f_c = min(compute_time / step_time, mfu / (0.992 rho)),
                               rho = compute_clock_fraction (0.682 on an H100 at 700 W): the share of the step
                               its model FLOPs take at the rate of a compute-bound GEMM under the cap
                               P = f_c min(cap, P_idle + a + b 0.0731) + (1 - f_c) min(cap, P_idle + w (tdp -
                               P_idle)), w = comm_wait_utilization 0.35 [U]: the light phases are the exposed
                               collectives, the pipeline bubble and the memory-bound kernels
    sustained_clock          the clock that holds the cap (training: in its compute-bound phases)
    system_power(_dc)        the server's (or rack's) power with its accelerators at accelerator_power
    power (inference, training)  (n - k) W(accelerator_power) + k W(P_idle): the busy accelerators at their draw,
                             the k idle ones at their idle board power P_idle = min(cap, idle_power, else
                             idle_fraction * tdp); W(P) = the server's (or rack's) wall power with its accelerators
                             at P / its accelerators, affine in P (fans and regulators follow the load, PSU and
                             power-shelf losses a share) and never below the server's declared `idle_power` (its
                             static floor; a DGX H100 holds 300 W a GPU where its parts' model at 72 W a GPU gives
                             214.6 W: compiler.models.power `_idle_floor`), so a server some of whose accelerators
                             idle draws its share of both; bare chips: W(P) = P. k idle draw k (W(P_run) - W(P_idle)) less than
                             all n running; never below the all-idle floor n W(P_idle)
    the energy part of a workload's own accelerator-hour (compiler.models.inference.accelerator_cost, where no site
                             prices it): the planning wall power per accelerator for the n - k busy ones, W(P_idle)
                             for the k idle ones (a site's TCO per accelerator-hour is its bill at its planning
                             `utilization`, whatever the layouts)
Compared with MLPerf Training v4.0/v4.1's measured 8x H100 node power (reference/mlperf_calibration.csv;
`factory validate`, docs/accuracy.md): GPT-3 on 512 GPUs 6,774 W predicted vs 6,849 AC (-1.1%); Llama-2-70B
LoRA on 8 GPUs 6,412 vs 7,157 (-10.4%); LoRA on 64 GPUs 6,412 vs 5,815 (v4.0, +10.3%) and 7,105 (v4.1, -9.8%);
LoRA on 512 GPUs +26.1% (5,086 measured): the training model keeps its single-node MFU for LoRA at scale
(its time-to-train there is -37% to -79%), and the power follows the training model's step. Median |error|:
AC 10.3% (5 rows), DC 9.5% (4 rows). With one mean activity (before) every run sat at the 700 W cap: +17% to
+65%, medians 22.6% AC and 27.7% DC.

Each workload's own figures come from `compiler.models.inference` and `compiler.models.training`; the
dollar figures there already use the site's cost per accelerator-hour from the cost model.

Over-commitment (rule `over-committed`, an error): for each kind of accelerator (the chip definition a part
extends, e.g. `H100_SXM`, whichever server or rack holds it),

    needed(kind) = sum over the site's workloads on that kind of count * accelerators
                   (an inference service sized to a `demand`, disaggregated or without `accelerators`: its
                   accelerators_needed; an aggregated one given `accelerators` holds them, whatever its demand)
    placed(kind) = sum over the chips placed in the site of the product of the counts down to them
    needed(kind) <= placed(kind)

A site that places no accelerators at all is a pure workload estimate and is not checked.
"""
from __future__ import annotations

import numpy as np

from dsl.diagnostics import Code
from dsl.schema import kinds

from . import Assumption, output, rule
from . import assumptions as A


def _services(ctx):
    return ctx.parts("inference")


def _served_by(ctx) -> list:
    """The site's inference services; a site-wide serving figure does not apply to a site without any."""
    services = _services(ctx)
    if not services:
        ctx.not_applicable()
    return services


def _services_sum(ctx, name: str) -> np.ndarray:
    """sum(count * inference.<name>) over the site's services (not applicable to a site without inference)."""
    return sum((s.count * s.get(name) for s in _served_by(ctx)), np.zeros(1))


@output("site", "tokens_per_s", "sum(count * inference.tokens_per_s)")
def site_tokens_per_s(ctx):
    return _services_sum(ctx, "tokens_per_s")


@output("site", "tokens_per_joule", "sum(count * tokens_per_s * min(offered_share, 1)) / sum(count * inference.power)")
def site_tokens_per_joule(ctx):
    from .inference import carried_tokens_per_s
    services = _served_by(ctx)
    power = sum((s.count * s.get("power") for s in services), np.zeros(1))
    carried = sum((s.count * carried_tokens_per_s(s) for s in services), np.zeros(1))
    return carried / np.where(power > 0, power, np.nan)


@output("site", "served_tokens_per_s", "sum(count * inference.served_tokens_per_s)")
def site_served_tokens_per_s(ctx):
    return _services_sum(ctx, "served_tokens_per_s")


@output("site", "usd_per_mtok", "sum(count * served_tokens_per_s * usd_per_mtok) / sum(count * served_tokens_per_s): "
        "the services' dollars over the tokens they serve")
def site_usd_per_mtok(ctx):
    served = [(s, s.count * s.get("served_tokens_per_s")) for s in _served_by(ctx)]
    spent = sum((tokens * s.get("usd_per_mtok") for s, tokens in served), np.zeros(1))
    total = sum((tokens for _, tokens in served), np.zeros(1))
    return spent / np.where(total > 0, total, np.nan)


@output("site", "services_cost_per_hour", "sum(count * inference.cost_per_hour)",
        reads=("parts:inference.cost_per_hour",))
def site_services_cost_per_hour(ctx):
    return _services_sum(ctx, "cost_per_hour")


@output("site", "services_accelerators_held", "sum(count * inference.accelerators_held)",
        reads=("parts:inference.accelerators_held",))
def site_services_accelerators_held(ctx):
    return _services_sum(ctx, "accelerators_held")


@output("site", "services_accelerator_hour", "services_cost_per_hour / services_accelerators_held",
        reads=("services_cost_per_hour", "services_accelerators_held"))
def site_services_accelerator_hour(ctx):
    held = ctx.get("services_accelerators_held")
    return ctx.get("services_cost_per_hour") / np.where(held > 0, held, np.nan)


@output("site", "time_to_train", "max(training.time_to_train)")
def site_time_to_train(ctx):
    runs = ctx.parts("training")
    if not runs:
        ctx.not_applicable()
    return np.max(np.vstack(np.broadcast_arrays(*[r.get("time_to_train") for r in runs])), axis=0)


# ------------------------------------------------------------------ a workload's power at its own load
training_memory_utilization = Assumption(
    "training_memory_utilization", 0.30, "1",
    "HBM traffic of a training step as a share of peak bandwidth [U]: its matrix multiplies move little "
    "(a large 8192^3 GEMM on an H100: 7%), its element-wise kernels, attention and optimizer "
    "step stream memory; DCGM DRAM-active readings of LLM training are typically 20-40%")


def _architecture_flops(ctx, I, O):
    """FLOPs per output token of a served model: (2 A + 4 L D (I + O/2)) (k + 1) / tau + 2 (A / L) k / tau
    + 2 A I/O + 2 L D I^2 / O: the decode step's GEMMs and attention over the mean context, at k + 1 query tokens a
    row of which tau are kept under speculative decoding (`let draft_tokens` k, its mean accepted length tau:
    compiler.models.inference "Speculative decoding"; k = 0, tau = 1 without), the k draft passes of one layer
    of the target's shape, and the prompt's GEMMs and causal attention. Before 2026-12-05 (s12-trust4) the decode
    terms counted the tau kept tokens only: the same verify steps drew more power the more drafts were accepted."""
    from . import inference as inf
    model = ctx.ref("model")
    active = model.get("active_params") if model.is_set("active_params") else model.get("params")
    layers = model.get("layers")
    heads = model.get("heads")
    width = heads * (model.get("head_dim") if model.is_set("head_dim") else model.get("hidden") / heads)
    k = np.asarray(ctx.get("draft_tokens", inf.draft_tokens), dtype=float)
    tau = inf._draft_tau(ctx)
    decode = (2 * active + 4 * layers * width * (I + O / 2)) * (k + 1) / tau + 2 * active / layers * k / tau
    return decode + 2 * active * I / O + 2 * layers * width * I * I / O


def _weights_read_share(ctx, solve, I, O) -> np.ndarray:
    """The share of a chip's weights one decode step streams: 1 for a dense model; for a mixture of experts the
    dense part and the routed experts its tokens reach, as the step time counts them (compiler.models.inference
    W_read): [(N - N_e) / G + N_e u / R] / [(N - N_e) / G + N_e / R], G = tp pp, R = G d (d: ep_ranks), u = 1 -
    (1 - k / E)^n the share of experts some token reaches, n = b (1 + r) / pp the tokens through a stage's experts
    a step (b = batch_in_flight, the replica's rows; r = I / O prompt tokens a decoded row carries with chunked
    prefill, aggregated and not single-stream; 0 otherwise). u = 1 at serving batches (gpt-oss-120b, k / E = 4 /
    128: u > 0.999 past 220 tokens); at a batch of 1 a step reads 9% of its experts, not them all
    (64.3 GB in 4.6 ms on an 8 TB/s GB200, clipped to memory_utilization 1)."""
    from . import inference as inf
    arch = inf.architecture(ctx.ref("model"))
    E, k, N, n_exp = arch.experts, arch.experts_active, arch.params, arch.expert_params
    if not np.any(E > 0):
        return np.ones(1)
    G = ctx.get("tp") * ctx.get("pp")
    R = G * solve["ep_ranks"]
    prompt = ctx.text("serving", "aggregated") != "disaggregated" and ctx.text("scenario", "") != "single_stream"
    tokens = solve["batch_in_flight"] * (1 + (I / O if prompt else 0.0)) / ctx.get("pp")
    with np.errstate(divide="ignore", invalid="ignore"):
        touched = np.where(E > 0, 1 - np.power(np.clip(1 - k / np.where(E > 0, E, 1), 0, 1), tokens), 1.0)
        share = ((N - n_exp) / G + n_exp * touched / R) / ((N - n_exp) / G + n_exp / R)
    return np.where(E > 0, np.nan_to_num(share, nan=1.0), 1.0)


def activity(ctx) -> tuple[np.ndarray, np.ndarray]:
    """(u_c, u_m) of one busy accelerator while the workload runs (compiler.models.power's activities): one of the
    n - k its layout uses of the n it holds (k = idle_accelerators; n / (n - k) = busy_factor).

    inference: u_c = tokens_per_s_per_chip * n / (n - k) * carried * F / (gemm_peak_fraction * peak at its precision),
                 F = 2 A (1 + I/O) + 4 L D (I + O/2) + 2 L D I^2 / O FLOPs per output token (matrix
                 multiplies of decode and prefill, decode attention over the mean context, causal prefill
                 attention; its decode terms x (k + 1) / tau plus k draft layers 2 (A / L) k / tau under
                 speculative decoding: _architecture_flops); u_m = (weights_per_chip s_w + b (I + O/2) kv_per_token / (tp pp)) / (tpot tau) /
                 memory_bw (the weights and the batch's KV cache streamed once per decode step; s_w the share of
                 the weights a step reads, 1 but for the experts a MoE's tokens miss: _weights_read_share); at an
                 `offered_load` below the capacity the operating point's: carried = offered_share, b =
                 batch_in_flight and its step (tpot); else carried = 1, b = batch, the capacity point
    training:  u_c = mfu * n / (n - k) / gemm_peak_fraction; u_m = training_memory_utilization
    Both clipped to [0, 1]."""
    from . import inference as inf
    from .power import gemm_peak_fraction
    platform = inf.Platform(ctx)
    chip = platform.chip
    share = ctx.get(gemm_peak_fraction.name, gemm_peak_fraction)
    busy = busy_factor(ctx)           # n / (n - k): the work is the busy accelerators', not the idle ones'
    if ctx.kind == "training":
        u_c = ctx.get("mfu") * busy / share
        u_m = ctx.get(training_memory_utilization.name, training_memory_utilization)
    else:
        I = ctx.get("input_tokens", inf.default_input_tokens)
        O = ctx.get("output_tokens", inf.default_output_tokens)
        peak = inf._peak(chip, inf._precision(ctx, platform))
        solve = inf.solved(ctx)
        # the operating point: at an offered load below the capacity the service carries that load (a share
        # offered_share of its capacity) with the rows that load keeps in flight (batch_in_flight, Little's
        # law) and their shorter step; without an offered load, or above the capacity, the capacity point
        carried = np.where(np.isfinite(solve["offered_share"]), np.minimum(solve["offered_share"], 1.0), 1.0)
        u_c = ctx.get("tokens_per_s_per_chip") * busy * carried * _architecture_flops(ctx, I, O) / (share * peak)
        step_bytes = ctx.get("weights_per_chip") * _weights_read_share(ctx, solve, I, O) + solve["batch_in_flight"] * (
            I + O / 2) * ctx.get("kv_per_token") / (ctx.get("tp") * ctx.get("pp") * solve["ep_ranks"])   # d ranks
        # the decode step read from the solve, not the `tpot` output: that one is absent where the offered load
        # exceeds the capacity, while the chips still run the capacity point's steps there
        # once per verify step under speculative decoding: tpot x tau (tau output tokens a row a step)
        u_m = step_bytes / (solve["tpot"] * inf._draft_tau(ctx)) / chip.get("memory_bw")
    return np.clip(u_c, 0.0, 1.0), np.clip(u_m, 0.0, 1.0)


def _feasible_only(ctx, value):
    from . import inference, training
    module = inference if ctx.kind == "inference" else training
    return module.feasible_only(ctx, module.solved(ctx), value)


def _chip_model(ctx):
    """The chip's draw model under the workload's power limit: an inference service's `power_cap`, a training run's
    `let power_cap` (the one its throughput's clock reads, compiler.models.power.compute_clock_fraction), else
    the TDP."""
    from .inference import Platform
    from .power import chip_power_model, workload_memory_power, workload_precision
    cap = ctx.get("power_cap") if ctx.is_set("power_cap") else None
    chip = Platform(ctx).chip
    return workload_memory_power(ctx, chip, chip_power_model(chip, cap, workload_precision(ctx)))


def training_phases(ctx) -> dict[str, np.ndarray]:
    """The two phases of a training step and each one's draw per accelerator (compiler.models.power):

        busy = compute_time / step_time                      (= mfu / e_t; the rest is bubble and exposed
                                                              collectives: training.detail.*)
        compute_share  f_c = min(busy, mfu n / (n - k) / (g rho))   the time the step's model FLOPs take at the
                                                              rate of a compute-bound GEMM under the cap (g = 0.992,
                                                              rho = compute_clock_fraction: 0.682 on an H100), on
                                                              the n - k accelerators the layout uses (the MFU is over
                                                              all n held)
        compute_draw   P_c = min(cap, idle + a + b u_gemm)   u_c = 1 and a GEMM's traffic, u_gemm = 0.0731
                                                              (H100: 72 + 1755 + 7.6 > 700, held at 700 W)
        light_draw     P_w = min(cap, idle + w (tdp - idle)) w = comm_wait_utilization 0.35 (collective waits,
                                                              the pipeline bubble, memory-bound kernels)
        accelerator_power = f_c P_c + (1 - f_c) P_w           the time-weighted mean over the step
    """
    from . import training
    from .inference import Platform
    from .power import GEMM_MEMORY_UTILIZATION, chip_draw, compute_clock_fraction
    from .power import gemm_peak_fraction as g
    s = training.solved(ctx)
    chip = Platform(ctx).chip
    model = _chip_model(ctx)
    mfu = ctx.get("mfu")
    step = ctx.get("step_time")
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = np.clip(np.where(step > 0, s["compute_time"] / np.where(step > 0, step, 1.0), 1.0), 0.0, 1.0)
    rate = ctx.get(g.name, g) * compute_clock_fraction(ctx, chip)
    share = np.clip(np.minimum(busy, mfu * busy_factor(ctx) / rate), 0.0, 1.0)
    wait = ctx.get(A.comm_wait_utilization.name, A.comm_wait_utilization)
    light = np.minimum(model.cap, model.idle + wait * (chip.get("tdp") - model.idle))
    return {"compute_share": share, "compute_draw": chip_draw(model, 1.0, GEMM_MEMORY_UTILIZATION),
            "light_draw": light}


def phase_weighted_draw(compute_share, compute_draw, light_draw) -> np.ndarray:
    """f_c P_c + (1 - f_c) P_w: the mean board power over a step that spends f_c of its time in compute-bound
    phases drawing P_c and the rest in light phases drawing P_w."""
    f = np.clip(np.asarray(compute_share, dtype=float), 0.0, 1.0)
    return f * compute_draw + (1.0 - f) * light_draw


def _accelerator_power(ctx):
    from .power import chip_draw
    if ctx.kind == "training":            # the compute_bound_share shown: the model's, or the one the spec sets
        p = training_phases(ctx)
        return _feasible_only(ctx, phase_weighted_draw(ctx.get("compute_bound_share"), p["compute_draw"],
                                                       p["light_draw"]))
    return _feasible_only(ctx, chip_draw(_chip_model(ctx), ctx.get("compute_utilization"),
                                         ctx.get("memory_utilization")))


def _sustained_clock(ctx):
    from .power import GEMM_MEMORY_UTILIZATION, sustained_clock
    if ctx.kind == "training":            # the clock of its compute-bound phases (the light ones run at full clock)
        return _feasible_only(ctx, sustained_clock(_chip_model(ctx), 1.0, GEMM_MEMORY_UTILIZATION))
    return _feasible_only(ctx, sustained_clock(_chip_model(ctx), ctx.get("compute_utilization"),
                                               ctx.get("memory_utilization")))


def _system_power(dc: bool):
    def compute(ctx):
        from .inference import Platform
        from .power import system_power_at
        platform = Platform(ctx)
        holder = platform.rack if platform.rack is not None else platform.system
        if holder is None:
            ctx.not_applicable()            # bare chips: no server around them
        power = system_power_at(holder, ctx.get("accelerator_power"), dc=dc)
        if dc and ctx.is_set("system_power"):   # after the supplies of the wall power shown: the one the spec sets
            with np.errstate(divide="ignore", invalid="ignore"):
                power = ctx.get("system_power") * power / system_power_at(holder, ctx.get("accelerator_power"))
        return _feasible_only(ctx, power)
    return compute


def held_and_idle(ctx) -> tuple[np.ndarray, np.ndarray]:
    """(n, k): the accelerators the workload holds (those its figures are for: a run's `accelerators`, a service's
    count, its accelerators_needed where sized to a demand) and the k of them its layout leaves idle
    (`idle_accelerators`; 0 where it is absent), 0 <= k <= n."""
    from . import inference, training
    n = training.solved(ctx)["n"] if ctx.kind == "training" else inference.solved(ctx)["chips"]
    k = np.clip(np.nan_to_num(np.asarray(ctx.get("idle_accelerators"), dtype=float)), 0.0, n)
    return n, k


def busy_factor(ctx) -> np.ndarray:
    """n / (n - k): a figure per held accelerator (MFU, tokens/s per chip) over the busy accelerators' share of it
    (1 where the layout leaves none idle, or uses none)."""
    n, k = held_and_idle(ctx)
    used = n - k
    return np.where(used > 0, n / np.where(used > 0, used, 1.0), 1.0)


def idle_draw(ctx) -> np.ndarray:
    """P_idle = min(cap, idle): the board power of an accelerator the workload holds but does not use (the chip's
    `idle_power`, else idle_fraction * tdp; the H100 SXM's measured 72 W)."""
    from .power import chip_draw
    return chip_draw(_chip_model(ctx), 0.0, 0.0)


def wall_power_at(ctx, draw) -> np.ndarray:
    """W(P): wall power per accelerator of the server (or rack) the workload runs on with every accelerator in it
    drawing `draw`: system_power_at(holder, draw) / its accelerators; bare chips: draw."""
    from .inference import Platform
    from .power import system_power_at
    platform = Platform(ctx)
    holder = platform.rack if platform.rack is not None else platform.system
    if holder is None:
        return np.asarray(draw, dtype=float)
    return system_power_at(holder, draw) / platform.per_system


def with_idle_share(ctx, busy) -> np.ndarray:
    """((n - k) busy + k W(P_idle)) / n: a wall power per accelerator `busy` of the accelerators the layout uses,
    averaged over the n held with the k idle ones at their idle draw's wall power."""
    n, k = held_and_idle(ctx)
    idle = wall_power_at(ctx, idle_draw(ctx))
    share = np.where(n > 0, k / np.where(n > 0, n, 1.0), 0.0)
    return busy - share * (busy - idle)


def wall_power_per_accelerator(ctx) -> np.ndarray:
    """Mean wall power per held accelerator of a workload at its own load (for inference.power and training.power):
    ((n - k) W(accelerator_power) + k W(P_idle)) / n, the n - k busy accelerators at system_power / the accelerators
    of that server or rack (bare chips: accelerator_power), the k idle ones at the same server's wall power with its
    accelerators at their idle draw (W is affine in the board power, so a server with some idle accelerators draws
    its share of both)."""
    from .inference import Platform
    platform = Platform(ctx)
    if platform.rack is None and platform.system is None:
        busy = ctx.get("accelerator_power")
    else:
        busy = ctx.get("system_power") / platform.per_system
    return with_idle_share(ctx, busy)


for _kind in ("inference", "training"):
    output(_kind, "compute_utilization", "achieved FLOP/s per chip / (gemm_peak_fraction * peak) (training: "
           "mfu / gemm_peak_fraction)")(lambda ctx: _feasible_only(ctx, activity(ctx)[0]))
    output(_kind, "memory_utilization", "bytes per decode step / tpot / memory_bw (training: "
           "training_memory_utilization)")(lambda ctx: _feasible_only(ctx, activity(ctx)[1]))
    output(_kind, "sustained_clock", {
        "inference": "the highest x <= 1 with idle + a u_c x max(v0, x)^2 + b u_m <= cap",
        "training": "the highest x <= 1 with idle + a x max(v0, x)^2 + b u_gemm <= cap: the clock of its "
                    "compute-bound phases"}[_kind])(
        _sustained_clock)
    output(_kind, "accelerator_power", {
        "inference": "min(cap, idle + a * compute_utilization + b * memory_utilization)",
        "training": "compute_bound_share * min(cap, idle + a + b u_gemm) + (1 - compute_bound_share) * "
                    "min(cap, idle + comm_wait_utilization * (tdp - idle))"}[_kind])(_accelerator_power)
    output(_kind, "system_power", "server (or rack) wall power with each accelerator at accelerator_power")(
        _system_power(dc=False))
    output(_kind, "system_power_dc", "system_power after the power supplies (server: * psu_efficiency; rack: "
           "before its power shelves)")(_system_power(dc=True))


output("training", "compute_bound_share", "min(compute_time / step_time, mfu / (gemm_peak_fraction * "
       "compute_clock_fraction))")(lambda ctx: _feasible_only(ctx, training_phases(ctx)["compute_share"]))


def _definition(ctx, block):
    """The chip definition a placed chip part stands for: the root of its `extends` chain."""
    scopes = ctx.ev.lowering.scopes
    seen = set()
    while id(block) not in seen and scopes.base_of(block) is not None:
        seen.add(id(block))
        block = scopes.base_of(block)
    return block


def placed_chips(ctx) -> dict[int, tuple[str, np.ndarray]]:
    """Accelerators placed under `ctx` by chip definition: id -> (name, count over scenarios).

    Where the checks' evaluation shares placements (`compiler.share`), a copy's parts are its class's first's
    parts with the first's counts (the share's law), so the chips under a class member are counted once per class
    (under its first, per one of it) and each member adds them times its own count: the same sums (whole numbers,
    exact below 2^53), without walking each copy's parts (3,251 placed parts on the 2,000-line bench spec)."""
    out: dict[int, tuple[str, np.ndarray]] = {}
    everything = tuple(k for k in kinds() if k not in ("inference", "training"))
    share = ctx.ev.share
    _add_placed_chips(ctx, ctx, np.ones(1), everything, out, share.at if share is not None else None, {})
    return out


def _add_placed_chips(ctx, level, multiplier, everything: tuple, out: dict, at, per_class: dict) -> None:
    """`placed_chips` under `level` (a function of its own, not a closure: a recursive closure holds itself, and
    the evaluation it reads, in a reference cycle that only Python's cyclic collector frees). `at`: the share's
    instance paths (`PlacementShare.at`: path -> (its counterpart in its class's first, the class)), or None;
    `per_class`: id(class) -> the chips under its first, per one of it."""
    for part in level.parts(*everything):
        count = multiplier * part.count
        if part.kind == "chip":
            root = _definition(ctx, part.inst.block)
            name, before = out.get(id(root), (root.name, np.zeros(1)))
            out[id(root)] = (name, before + count)
            continue
        found = at.get(part.inst.path) if at is not None else None
        if found is not None and found[1].first.path == found[0]:      # a class member (its first or a copy)
            cls = found[1]
            inner = per_class.get(id(cls))
            if inner is None:
                inner = per_class[id(cls)] = {}
                first = type(part)(ctx.ev, cls.first, part.node)
                _add_placed_chips(ctx, first, np.ones(1), everything, inner, None, per_class)
            for key, (name, each) in inner.items():
                before = out.get(key, (name, np.zeros(1)))[1]
                out[key] = (name, before + count * each)
        else:
            _add_placed_chips(ctx, part, count, everything, out, at, per_class)


@rule("site", Code.OVER_COMMITTED, "the workloads fit on the accelerators placed")
def over_committed(ctx):
    from ..display import format_quantity
    from ..evaluate import refused_where
    from .inference import Platform

    read: list[str] = []             # the counts it reads: a scenario where one is refused (`-D racks=[2.5, 3]`)
    ctx.ev.reading.append(read)      # ran on another scenario's count in its place, so is not judged here
    try:
        placed = placed_chips(ctx)
    finally:
        ctx.ev.reading.pop()
    if ctx.ev.reading:
        ctx.ev.reading[-1].extend(read)
    if not placed:
        return None                  # no hardware placed: a pure workload estimate, the rule does not apply
    refused = refused_where(ctx.ev, read)
    needed: dict[int, tuple[str, np.ndarray, list]] = {}
    for w in ctx.parts("inference", "training"):
        platform = Platform(w)
        root = _definition(ctx, platform.chip.inst.block)
        # what the workload holds: a service sized to a demand (disaggregated, or aggregated without `accelerators`),
        # accelerators_needed; else its `accelerators` (a demand above what they carry is its `overloaded` error)
        sized = w.kind == "inference" and w.is_set("demand") and (
            w.text("serving", "aggregated") == "disaggregated" or not w.is_set("accelerators"))
        n = w.get("accelerators_needed") if sized else platform.accelerators()
        n = w.count * n
        name, total, users = needed.get(id(root), (root.name, np.zeros(1), []))
        needed[id(root)] = (name, total + n, users + [(w.path, n)])
    findings = []
    about = [f"{ctx.path}.{name}" for name in OVER_COMMITTED_FIGURES]
    for key, (name, total, users) in sorted(needed.items(), key=lambda item: item[1][0]):
        have = placed.get(key, (name, np.zeros(1)))[1]
        failing = np.broadcast_arrays(total > have * (1 + 1e-9), have)[0]
        if refused is not None:
            failing = np.broadcast_arrays(failing, refused)[0] & ~refused
        if not failing.any():
            continue
        i = int(np.flatnonzero(failing)[0])

        def at(x):
            return float(np.broadcast_to(x, failing.shape)[i])
        message = (f"the workloads of `{ctx.path}` need {format_quantity(at(total), '')} {name} accelerators, "
                   f"but the site places {format_quantity(at(have), '')}")
        notes = [f"`{path}` runs on {format_quantity(at(n), '')}" for path, n in users]
        findings.append((failing, message, notes, None, about))
    return findings


# The site's figures computed from its services as if the site held them: its service totals, and its metered
# draw (`facility_power_metered`: the services' draws set against the site's average per accelerator held), from
# which its energy bill and TCO follow. A site whose workloads need more accelerators than it places cannot
# produce them, so an `over-committed` error flags these (and, through the graph, what is computed from them).
OVER_COMMITTED_FIGURES = ("tokens_per_s", "served_tokens_per_s", "usd_per_mtok", "tokens_per_joule",
                          "time_to_train", "facility_power_metered")
