"""Reading a spec into the search's inputs: the platform, the architecture, precisions, limits.

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import math
import numpy as np

from .. import (Assumption, assumptions as A)
from ..power import (attention_power_share, chip_power_model, die_knee_scale, die_peak_scale, fp4_mma_rate,
                     workload_memory_power, workload_power_model)
from .options import (BENCHMARK_LIMITS, EXPERT_POPULARITY_CV, FP4_BF16_PARAMS, FP4_EXPERT_ACTIVATION_BITS,
                      GPU_TP_EXCHANGES, KV_CACHE_WIDTH, KV_LORA_RANK, MAX_BATCH_SIZE, NVLINK_GROUP,
                      PRECISION_BYTES, SCENARIO_OPERATING_FRACTIONS,
                      QK_ROPE_HEAD_DIM, SCENARIO_LIMITS, SLIDING_LAYERS, SLIDING_WINDOW, SOFTMAX_EXP_RATE,
                      SRAM_BANDWIDTH_EFFICIENCY, SRAM_LAYER_STAGES, WEIGHT_BITS, WIDER_FORMAT, adp_balance,
                      allreduce_kernels, allreduce_twoshot, bandwidth_efficiency, batch_refinement, batch_window,
                      beam_width, busy_step_length, capacity_at_own_rate, capacity_margin, capacity_solve,
                      chunk_tokens, clock_draw_activity, collective_latency, context_chunk_unit,
                      default_input_tokens, default_output_tokens, dense_gemm_release_rate, dispatch_wait_engines,
                      dispatch_wait_p50, dispatch_wait_p99, dispatch_wait_share, dispatch_wait_tail,
                      draft_acceptance, draft_accepted_length, draft_tokens, elementwise_kernels, expert_gemm_tiles,
                      first_token_delay, first_token_delay_p99, fp4_quantize_kernels, fp4_scale_block,
                      gemm_efficiency, gemm_half_rows, gemm_knee_power, gemm_launch_time, gemm_smooth_power, gemm_swiglu,
                      gemm_weight_efficiency, host_steps, integer_chunk_steps, knee_own_power, knee_under_weights, kv_cache_fraction,
                      kv_length_biased, kv_room_wait, kv_wait_service_spread, layer_latency, link_efficiency,
                      memory_reserve, moe_layer_latency, nccl_latency, operating_fraction, output_length_cv,
                      own_prompt_spread, pipeline_host_overlap, pipeline_overhead_split, power_limit_window,
                      prompt_busy_window, prompt_length_cv, row_averaging, row_budget_hold, row_count_elasticity,
                      row_dispatch, row_dispatch_engines, run_ramp_deficit, scaleout_bw_default, scaleup_bw_default,
                      scheduler_steps, seq_overhead, seq_overhead_host, serial_context_chunks, sparse_to_dense,
                      sram_stage_latency, step_overhead, step_residual_tail, swiglu_kernel, token_layer_time,
                      whole_prompts, whole_step_engines)
from .physics import (Architecture, Hardware, Load, attention_flops)


# ----------------------------------------------------------------------------- reading a spec
_RATE_CHAIN = {"fp4": ("fp4", "fp8", "bf16"), "fp8": ("fp8", "bf16"), "int8": ("int8", "fp8", "bf16"),
               "bf16": ("bf16", "fp8")}


def rated_format(chip, precision: str) -> str:
    """The format whose dense rate `_peak` gives `precision` on `chip`: the first of its chain the chip sets (a chip
    that gives only `bf16_sparse`: bf16; none: `precision`, whose missing figure _peak reports). A bf16 run on a chip
    that publishes no bf16 rate (Maia 200) is priced at its fp8 rate: its matrix multiplies are fp8's, at fp8's
    share of the peak (compiler/models/training.py PRECISION_SHARE)."""
    return next((name for name in _RATE_CHAIN[precision] if chip.is_set(name)),
                "bf16" if chip.has("bf16_sparse") else precision)


def _peak(chip, precision: str) -> np.ndarray:
    """Dense FLOP/s of `chip` at `precision`, falling back to the next wider format the chip has."""
    for name in _RATE_CHAIN[precision]:
        if chip.is_set(name):
            return chip.get(name)
    if chip.has("bf16_sparse"):
        return chip.get("bf16_sparse") * chip.get("sparse_to_dense", sparse_to_dense)
    return chip.get(precision)       # reports the missing figure


class Platform:
    """What a workload runs on: one chip type, how many, the scale-up domain, NIC bandwidth, wall power."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.system = self.rack = None
        if ctx.is_set("system"):
            self.system = ctx.ref("system")
            chips = self.system.parts("chip")
            node = self.system
        elif ctx.is_set("rack"):
            self.rack = ctx.ref("rack")
            chips = self.rack.parts("chip")
            node = None
            for server in self.rack.parts("server"):
                if server.parts("chip"):
                    chips, node = server.parts("chip"), server
                    break
        elif ctx.is_set("chip"):
            chips, node = [ctx.ref("chip")], None
        else:
            ctx.missing("system")
        if not chips:
            ctx.missing("system")
        self.chip = chips[0]
        self.node = node
        holder = self.rack if self.rack is not None else self.system
        self.per_system = holder.get("accelerators") if holder is not None else np.ones(1)

    def accelerators(self) -> np.ndarray:
        ctx = self.ctx
        return ctx.get("accelerators") if ctx.is_set("accelerators") else self.per_system

    def sram_only(self) -> np.ndarray:
        """Per scenario: the chip's memory is all on-chip SRAM (weights spread over many chips)."""
        chip = self.chip
        if not (chip.is_set("sram") and chip.is_set("memory")):
            return np.zeros(1, dtype=bool)
        return chip.get("memory") <= chip.get("sram") * (1 + 1e-9)

    def scaleup(self) -> np.ndarray:
        ctx = self.ctx
        if ctx.is_set("scaleup_size"):
            return ctx.get("scaleup_size")
        if self.rack is not None and self.rack.parts("switch"):
            domain = self.rack.get("accelerators")
        elif self.node is not None:
            domain = self.node.get("accelerators")
        else:
            domain = self.accelerators()
        sram = self.sram_only()
        return np.where(sram, self.accelerators(), domain) if sram.any() else domain

    def scaleout(self) -> np.ndarray:
        ctx = self.ctx
        if ctx.is_set("scaleout_bw"):
            return ctx.get("scaleout_bw")
        node = self.node
        if node is not None:
            total = np.zeros(1)
            for nic in node.parts("nic", "dpu"):
                total = total + nic.count * nic.get("bandwidth") * nic.get("ports", 1.0)
            if np.any(total > 0):      # per scenario: the NICs' bandwidth, the default where there is none
                default = ctx.get("scaleout_bw_default", scaleout_bw_default) if np.any(total <= 0) else 0.0
                return np.where(total > 0, total / node.get("accelerators"), default)
        return ctx.get("scaleout_bw_default", scaleout_bw_default)

    def link(self) -> np.ndarray:
        """B/s per direction between chips: half the chip's bidirectional `scaleup_bw`, else its system's
        `let system_io` (a wafer-scale system has no scale-up link: the pipeline hops between CS-3 systems
        ride their Ethernet I/O, full duplex), else the default."""
        if self.chip.is_set("scaleup_bw"):
            return self.chip.get("scaleup_bw") / 2
        if self.chip.has("system_io"):
            return self.chip.get("system_io")
        return self.ctx.get("scaleup_bw_default", scaleup_bw_default)

    def utilization(self) -> np.ndarray | None:
        """The accelerator utilization where the workload runs: the nearest enclosing block (hall, site) that
        sets `utilization`; a training job's own `utilization` first (an inference service's is its busy share
        for $/Mtoken, not a load). None: the system's own power model stands."""
        ctx = self.ctx
        if ctx.kind == "training" and ctx.is_set("utilization"):
            return ctx.get("utilization")
        parent = ctx.parent
        return parent.inherited("utilization") if parent is not None and parent.inherited_is_set("utilization") \
            else None

    def wall_power_per_chip(self) -> np.ndarray:
        """Average wall power per accelerator of the system it runs on (its power model), at the utilization
        where the workload runs. The system's definition is evaluated at its own utilization u0 (the default
        unless it sets one); at the site's u each chip draws (idle + u (tdp - idle)) - power(u0) more, and the
        wall that much times the server's and rack's overhead multiplier m = peak wall power / peak power of
        the parts (fans and regulators scale with the load, PSU and power-shelf losses)."""
        holder = self.rack if self.rack is not None else self.system
        if holder is not None:
            name = "it_power_avg" if holder.kind == "rack" else "power"
            base = holder.get(name) / holder.get("accelerators")
        else:
            base = self.chip.get("power")
        u = self.utilization()
        chip = self.chip
        if u is None or chip.is_set("power"):
            return base
        from ..power import part_power
        tdp = chip.get("tdp")
        idle = chip.get("idle_power") if chip.is_set("idle_power") else tdp * chip.get("idle_fraction", A.idle_fraction)
        multiplier = np.ones(1)
        if self.node is not None:
            multiplier = multiplier * self.node.get("peak_power") / part_power(self.node, peak=True)
        if self.rack is not None:
            multiplier = multiplier * self.rack.get("it_power") / part_power(self.rack, peak=True)
        return base + (idle + u * (tdp - idle) - chip.get("power")) * multiplier

    def psu_efficiency(self) -> np.ndarray:
        if self.node is not None and self.node.is_set("psu_efficiency"):
            return self.node.get("psu_efficiency")
        return self.ctx.get("psu_efficiency", A.psu_efficiency)

    def capex_per_chip(self) -> np.ndarray:
        holder = self.rack if self.rack is not None else self.system
        if holder is not None:
            return holder.get("capex_it") / holder.get("accelerators")
        return self.chip.get("price")


def architecture(model) -> Architecture:
    params = model.get("params")
    active = model.get("active_params") if model.is_set("active_params") else params
    layers = model.get("layers")
    hidden = model.get("hidden")
    heads = model.get("heads")
    head_dim = model.get("head_dim") if model.is_set("head_dim") else hidden / heads
    kv_heads = model.get("kv_heads") if model.is_set("kv_heads") else heads
    if model.has("kv_cache_width"):
        kv_width, kv_split = model.get("kv_cache_width", KV_CACHE_WIDTH), np.ones(1)
    else:
        kv_width, kv_split = 2 * kv_heads * head_dim, kv_heads
    experts = model.get("experts") if model.is_set("experts") else np.zeros(1)
    k_act = model.get("experts_active") if model.is_set("experts_active") else np.zeros(1)
    # parameters in routed experts: what is not active is in experts; active ones are k of E experts
    with np.errstate(divide="ignore", invalid="ignore"):
        expert_params = np.where(experts > k_act, (params - active) * experts / np.maximum(experts - k_act, 1), 0.0)
    plain = 4 * heads * head_dim                                  # QK^T and PV over heads x head_dim
    attn_decode = attn_context = plain
    if model.has("kv_lora_rank") and model.has("qk_rope_head_dim"):
        # latent attention (DeepSeek MLA; module docstring, "Attention of latent and windowed layers"): generation
        # with the up-projections absorbed scores over the latent and the rope key (d_k = c + rope) and sums the
        # latent (d_v = c) for every head; the prompt's context kernel decompresses keys of head_dim + rope and
        # values of head_dim
        c, rope = model.get("kv_lora_rank", KV_LORA_RANK), model.get("qk_rope_head_dim", QK_ROPE_HEAD_DIM)
        attn_decode = 2 * heads * (2 * c + rope)
        attn_context = 2 * heads * (2 * head_dim + rope)
    window = model.get("sliding_window", SLIDING_WINDOW) if model.has("sliding_window") else np.asarray([np.inf])
    window_layers = (model.get("sliding_layers", SLIDING_LAYERS) if model.has("sliding_layers")
                     else np.where(np.isfinite(window), layers, 0.0))   # a window without a count: every layer
    expert_cv = (model.get("expert_popularity_cv", EXPERT_POPULARITY_CV) if model.has("expert_popularity_cv")
                 else np.zeros(1))                                # hot experts (rank_imbalance); 0: not measured
    return Architecture(params, active, layers, hidden, heads * head_dim, kv_width, kv_split, experts, k_act,
                        np.minimum(expert_params, params), attn_decode + 0 * layers, attn_context + 0 * layers,
                        window + 0 * layers, window_layers + 0 * layers, heads + 0 * layers, kv_heads + 0 * layers,
                        expert_cv + 0 * layers)


def _precision(ctx, platform: Platform) -> str:
    if ctx.is_set("precision"):
        return ctx.text("precision", "bf16")
    chip = platform.chip
    return "fp8" if chip.is_set("fp8") else "bf16"


def _kv_precision(ctx, platform: Platform, precision: str) -> str:
    if ctx.is_set("kv_precision"):
        return ctx.text("kv_precision", "bf16")
    if platform.chip.is_set("fp8") and precision != "bf16":
        return "fp8"
    return "bf16" if precision in ("bf16", "fp4") else precision


def benchmark_limits(model) -> dict[str, tuple[float, float]]:
    """The MLPerf TTFT/TPOT limits of the benchmark that runs `model` (by its name or the name it extends),
    else Llama 2 70B's."""
    block = model.inst.block
    for name in [block.name] + list(block.base or [])[-1:]:
        if name in BENCHMARK_LIMITS:
            return BENCHMARK_LIMITS[name]
    return SCENARIO_LIMITS


def serving_efficiency(ctx, chip, precision: str) -> np.ndarray:
    """e_max of the serving GEMMs: the workload's `inference_gemm_efficiency`, else the chip's
    `let serving_efficiency_<precision>`, else its `let serving_efficiency` (fitted per chip family on the
    MLPerf rounds, cited in stdlib/chips.factory), else the global default."""
    if ctx.is_set("inference_gemm_efficiency"):
        return ctx.get("inference_gemm_efficiency", gemm_efficiency)     # (the default names its range)
    for name in (f"serving_efficiency_{precision}", "serving_efficiency"):
        if chip.has(name):
            return chip.get(name, gemm_efficiency)
    return ctx.get("inference_gemm_efficiency", gemm_efficiency)


def _half_rows(ctx, chip, precision: str) -> np.ndarray:
    """m0 of the GEMM shape law: the workload's `gemm_half_rows`, else the chip's `let gemm_half_rows_<precision>`
    (Blackwell FP4: its knee scaled from the H100's, stdlib/chips.factory), else the H100 fit."""
    if ctx.is_set("gemm_half_rows"):
        return ctx.get("gemm_half_rows", gemm_half_rows)                # (the default names its range)
    name = f"gemm_half_rows_{precision}"
    m0 = chip.get(name, gemm_half_rows) if chip.has(name) else ctx.get("gemm_half_rows", gemm_half_rows)
    if precision == "fp4" and ctx.is_set(fp4_mma_rate.name):      # the knee's fixed time at the engine's FP4 rate
        m0 = m0 * ctx.get(fp4_mma_rate.name, fp4_mma_rate)
    return m0 * die_knee_scale(ctx, chip)                         # a die twin's: its cycles ("One die", power.py)


def _power_gemm_peak_fraction():
    """power.gemm_peak_fraction (imported late: power imports this module's Platform)."""
    from ..power import gemm_peak_fraction
    return gemm_peak_fraction


def _chip_or_default(ctx, chip, name: str, default: Assumption) -> np.ndarray:
    """The workload's `name`, else the chip's `let name` (a value measured on that chip's scale-up fabric:
    NVLink5's `link_efficiency`, stdlib/chips.factory and the module docstring's "e_l"), else the default."""
    if ctx.is_set(name):
        return ctx.get(name, default)                    # (the default names the range a `let` is checked in)
    return chip.get(name, default) if chip.has(name) else ctx.get(name, default)


def _nvlink_group(ctx, chip) -> np.ndarray:
    """The workload's `let nvlink_group`, else its chip's (stdlib: the PCIe cards 1, H100 NVL 2, H200 NVL 4), else
    inf: every pair of the scale-up domain on NVLink (TP all-reduce by kernel)."""
    if ctx.is_set("nvlink_group"):
        return ctx.get("nvlink_group", NVLINK_GROUP)
    return chip.get("nvlink_group", NVLINK_GROUP) if chip.has("nvlink_group") else np.asarray([np.inf])


def _mixed_weights(bits, precision: str, peak: np.ndarray, peak_wide: np.ndarray):
    """A checkpoint whose layers are quantized to `precision` or to the next wider format, `bits` per weight on
    average (ModelOpt auto_quantize `effective_bits`): the wide share s = (bits - b) / (b_wide - b) of the weights
    and of every GEMM's FLOPs runs at the wide rate, so the GEMM rate is 1 / ((1 - s) / P + s / P_wide) and a weight
    is b / 8 + s (b_wide - b) / 8 = bits / 8 bytes (module docstring, "Mixed weights")."""
    b, b_wide = 8 * PRECISION_BYTES[precision], 8 * PRECISION_BYTES[WIDER_FORMAT[precision]]
    share = np.clip((np.asarray(bits, dtype=float) - b) / (b_wide - b), 0.0, 1.0)
    return 1.0 / ((1 - share) / peak + share / peak_wide), b / 8 + share * (b_wide - b) / 8


def fp4_weight_bytes(ctx, model, chip) -> np.ndarray:
    """Bytes an FP4 weight is stored in: 0.5 for its E2M1 value plus its share of the 8-bit scale of its block,
    1 / `fp4_scale_block` (16 values for NVFP4, 32 for MXFP4; module docstring, "FP4 weights"). The block is the
    workload's `let`, else its model's (the checkpoint's format), else its chip's (the vendor's format)."""
    if ctx.is_set("fp4_scale_block"):
        block = ctx.get("fp4_scale_block", fp4_scale_block)
    elif model.has("fp4_scale_block"):
        block = model.get("fp4_scale_block", fp4_scale_block)
    else:
        block = _chip_or_default(ctx, chip, "fp4_scale_block", fp4_scale_block)
    return PRECISION_BYTES["fp4"] + 1.0 / np.asarray(block, dtype=float)


def _fp4_checkpoint_by_gemm(model, arch, peak: np.ndarray, peak_fp8: np.ndarray, peak_bf16: np.ndarray,
                            bits: np.ndarray | None = None, fp4_bytes=PRECISION_BYTES["fp4"]):
    """An FP4 checkpoint whose GEMMs do not all run at the FP4 rate (module docstring, "FP4 checkpoints by GEMM"):
    the model's `let fp4_bf16_params` N_w GEMM parameters kept in bf16 (every token's: attention projections,
    router, unembedding) run at the bf16 rate, the routed experts at the rate of their activations' format
    (`let fp4_expert_activation_bits` 4, 8 or 16: W4A4, W4A8, W4A16), the rest at the FP4 rate. Shares of a
    token's GEMM FLOPs s_w = N_w / A, s_x = A_exp / A (0 at 4 bits), the rate 1 / (s_w / P_bf16 + s_x / P_x +
    (1 - s_w - s_x) / P), and a weight b / 8 + N_w (2 - b / 8) / N bytes on average. `bits`, where given, is the
    engine's expert activation width (the workload's `let fp4_expert_activation_bits`: W4A16 on chips without FP4
    tensor cores, "FP4 checkpoints by GEMM") and replaces the model's. Returns (rate, bytes)."""
    active, params = arch.active, arch.params
    wide = model.get("fp4_bf16_params", FP4_BF16_PARAMS) if model.has("fp4_bf16_params") else np.zeros(1)
    s_wide = np.clip(wide / active, 0.0, 1.0)
    if bits is None:
        bits = (model.get("fp4_expert_activation_bits", FP4_EXPERT_ACTIVATION_BITS)
                if model.has("fp4_expert_activation_bits") else np.asarray([4.0]))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(arch.experts > 0, arch.experts_active / np.where(arch.experts > 0, arch.experts, 1), 0.0)
    s_exp = np.where(bits > 4, np.clip(arch.expert_params * share / active, 0.0, 1.0 - s_wide), 0.0)
    peak_exp = np.where(bits > 8, peak_bf16, peak_fp8)
    rate = 1.0 / (s_wide / peak_bf16 + s_exp / peak_exp + (1 - s_wide - s_exp) / peak)
    b = fp4_bytes                                                 # an FP4 weight with its block's scale
    return rate, b + np.minimum(wide, params) * (PRECISION_BYTES["bf16"] - b) / params


def _weight_bits_range(bits, precision: str, best: dict) -> None:
    """`let weight_bits` lies between the precision's bits and its wider format's (Mixed weights); where it does
    not, the scenario has no configuration (an `infeasible-workload` error with the numbers), never a clipped
    checkpoint."""
    b = 8 * PRECISION_BYTES[precision]
    b_wide = 8 * PRECISION_BYTES[WIDER_FORMAT.get(precision, precision)]
    feasible = np.asarray(best["feasible"]).reshape(-1)
    bits = np.broadcast_to(np.asarray(bits, dtype=float).reshape(-1), feasible.shape)
    bad = ~((bits >= b - 1e-9) & (bits <= b_wide + 1e-9))
    if not bad.any():
        return
    span = f"{b:g} (all {precision})" + (f" to {b_wide:g} (all {WIDER_FORMAT[precision]})" if b_wide > b else "")
    best["feasible"] = np.where(bad, 0, feasible).reshape(np.shape(best["feasible"]))
    best["reason"] = [f"`let weight_bits` = {x:g} bits per weight lies outside what a checkpoint of {precision} "
                      f"and its wider format can average: {span}" if out else r
                      for x, out, r in zip(bits, bad, best["reason"])]


def _model_shape_range(arch: Architecture, best: dict) -> None:
    """A model's counts that name a part of another: `let sliding_layers` L_w of its `layers` L (module docstring,
    "Attention of latent and windowed layers": L - L_w layers attend to the whole context) and, with `experts`
    E > 0, `experts_active` k of them, 1 <= k <= E (a token's routed experts), and `kv_heads` of its `heads`, a
    divisor of them (grouped-query attention: each key/value head serves heads / kv_heads query heads). Where one
    is outside, the scenario has no configuration (an `infeasible-workload` error with the numbers), never a
    throughput from negative full layers, from more experts than the model has, or from a KV cache sized by more
    key/value heads than query heads."""
    feasible = np.asarray(best["feasible"]).reshape(-1)
    layers, windowed, experts, active, heads, kv_heads = (
        np.broadcast_to(np.asarray(v, dtype=float).reshape(-1), feasible.shape)
        for v in (arch.layers, arch.window_layers, arch.experts, arch.experts_active, arch.heads, arch.kv_heads))
    too_many_windowed = windowed > layers
    bad_routing = (experts > 0) & ((active < 1) | (active > experts))
    # grouped-query attention: each key/value head serves heads / kv_heads query heads, a whole number >= 1
    bad_groups = (kv_heads > heads) | (np.mod(heads, np.maximum(kv_heads, 1)) != 0)
    bad = too_many_windowed | bad_routing | bad_groups
    if bad.any():
        _refuse(best, bad, [
            f"the model's `let sliding_layers` = {w:g} is more than its {n:g} layers" if lw else
            f"the model's experts_active = {k:g} of its {e:g} experts: a token is routed to 1 to {e:g} of them" if lr
            else f"the model's kv_heads = {kv:g} does not divide its {q:g} query heads (grouped-query attention "
                 f"shares each key/value head among a whole number of query heads)"
            for w, n, k, e, kv, q, lw, lr in zip(windowed, layers, active, experts, kv_heads, heads,
                                                 too_many_windowed, bad_routing)])


def _refuse(best: dict, bad: np.ndarray, reasons: list[str]) -> None:
    """The scenarios where `bad` holds have no configuration: `feasible` 0 there, and the reason given for each
    (`reasons`, one per scenario) in place of the search's."""
    shape = np.shape(best["feasible"])
    best["feasible"] = np.where(bad, 0, np.asarray(best["feasible"]).reshape(-1)).reshape(shape)
    best["reason"] = [new if out else old for new, out, old in zip(reasons, bad, best["reason"])]


def _power_cap_floor(power, best: dict) -> None:
    """A chip whose cap is at or below its draw with no compute (idle, and its memory traffic at a dense GEMM's)
    cannot run the workload at any clock: the scenario has no configuration (an `infeasible-workload` error with
    both numbers), never the throughput of the clock law's lowest clock."""
    from ..power import GEMM_MEMORY_UTILIZATION
    feasible = np.asarray(best["feasible"]).reshape(-1)
    cap, floor = (np.broadcast_to(np.asarray(v, dtype=float).reshape(-1), feasible.shape)
                  for v in (power.cap, power.idle + power.memory * GEMM_MEMORY_UTILIZATION))
    bad = cap <= floor
    if bad.any():
        _refuse(best, bad, [f"the power limit {c:,.0f} W (the chip's TDP, or a power_cap below it) is at or below "
                            f"the chip's draw with no compute, {f:,.0f} W (idle and memory): it leaves no power to "
                            "compute at any clock" for c, f in zip(cap, floor)])


def _draft_tau(ctx) -> np.ndarray:
    """Speculative decoding's mean tokens a decode row gains per verify step (module docstring, "Speculative
    decoding"): `let draft_accepted_length` tau where given, else from the per-token acceptance a of
    `draft_acceptance` over k = `draft_tokens` drafts, tau = 1 + a + ... + a^k = (1 - a^(k+1)) / (1 - a)
    (Leviathan et al. 2023, arXiv 2211.17192, eq. 1: the expected tokens of a step whose drafts are each accepted
    with chance a, up to the first rejection, plus the target's own token); k + 1 at a = 1. k = 0: 1."""
    k = np.asarray(ctx.get("draft_tokens", draft_tokens), dtype=float)
    if not np.any(k > 0):                                         # no drafts: nothing else to read
        return np.ones_like(k)
    if ctx.is_set("draft_accepted_length"):
        tau = np.asarray(ctx.get("draft_accepted_length", draft_accepted_length), dtype=float)
    else:
        a = np.asarray(ctx.get("draft_acceptance", draft_acceptance), dtype=float)
        with np.errstate(divide="ignore", invalid="ignore"):
            tau = np.where(a < 1, (1 - np.power(a, k + 1)) / np.where(a < 1, 1 - a, 1.0), k + 1)
    return np.where(k > 0, tau, 1.0)


def _draft_length_range(k, tau, best: dict) -> None:
    """`let draft_accepted_length` tau is at most draft_tokens + 1 (every draft accepted, and the target's own
    token); where it is not, the scenario has no configuration (an `infeasible-workload` error with the numbers),
    never a clipped gain."""
    feasible = np.asarray(best["feasible"]).reshape(-1)
    k, tau = (np.broadcast_to(np.asarray(v, dtype=float).reshape(-1), feasible.shape) for v in (k, tau))
    bad = (k > 0) & (tau > k + 1 + 1e-9)
    if bad.any():
        _refuse(best, bad, [f"`let draft_accepted_length` = {t:g} tokens per verify step exceeds what {x:g} draft "
                            f"tokens can give: {x + 1:g} (every draft accepted, and the target's own token)"
                            for t, x in zip(tau, k)])


def _fixed(ctx, name: str) -> np.ndarray | None:
    """A coordinate the spec fixes: its value in every scenario (a sweep of `tp` fixes a different tp in each)."""
    return ctx.get(name) if ctx.is_set(name) else None


def _bandwidth_efficiency(ctx, platform: Platform) -> np.ndarray:
    """The workload's `inference_bandwidth_efficiency`, else per scenario on SRAM-only chips the chip's
    `let sram_bandwidth_efficiency` (fitted: WSE-3, stdlib/chips.factory) or 0.80 [U] (the H100 HBM measurement
    does not carry to SRAM; Groq's speeds hardly depend on it), else the measured HBM default."""
    hbm = ctx.get("inference_bandwidth_efficiency", bandwidth_efficiency)
    if ctx.is_set("inference_bandwidth_efficiency"):
        return hbm
    sram = platform.sram_only()
    if not sram.any():
        return hbm
    chip = platform.chip
    sram_eff = chip.get("sram_bandwidth_efficiency", bandwidth_efficiency) if chip.has("sram_bandwidth_efficiency") \
        else np.asarray([SRAM_BANDWIDTH_EFFICIENCY])
    return np.where(sram, sram_eff, hbm)


def _layer_latency(ctx, platform: Platform) -> np.ndarray:
    """The workload's `layer_latency`, else per scenario: on SRAM-only chips the dependent GEMM stages of a
    layer times the on-die stage latency (SRAM_LAYER_STAGES x sram_stage_latency), else the model's
    `layer_latency` (its architecture's kernel chain on a GPU: the stdlib's DeepSeek-R1, 61.5 us), else the GPU
    default (5 us)."""
    if ctx.is_set("layer_latency"):
        return ctx.get("layer_latency", layer_latency)      # (a `let` of it: its unit is checked, compiler.checks)
    sram = platform.sram_only()
    model = ctx.ref("model")
    gpu = (model.get("layer_latency", layer_latency) if model.is_set("layer_latency")
           else ctx.get("layer_latency", layer_latency))
    if not sram.any():
        return gpu
    return np.where(sram, SRAM_LAYER_STAGES * ctx.get("sram_stage_latency", sram_stage_latency), gpu)


def checkpoint_rate(ctx, model, arch, chip, precision: str, peak, die, weight_bytes):
    """The GEMM rate and bytes a weight of the checkpoint the workload runs at `precision` (`peak` the chip's rate
    at it, `die` its die-twin scale): a mixed-precision checkpoint's (`let weight_bits`, Mixed weights), an FP4
    checkpoint's by GEMM (the model's `let fp4_bf16_params` / `fp4_expert_activation_bits`, the workload's
    `let fp4_expert_activation_bits`: FP4 checkpoints by GEMM), else the precision's own. Returns (rate, bytes)."""
    if ctx.is_set("weight_bits") and precision in WIDER_FORMAT:   # a mixed-precision checkpoint (Mixed weights)
        return _mixed_weights(ctx.get("weight_bits", WEIGHT_BITS), precision, peak,
                              _peak(chip, WIDER_FORMAT[precision]) * die)
    if precision == "fp4" and (model.has("fp4_bf16_params") or model.has("fp4_expert_activation_bits")
                               or ctx.is_set("fp4_expert_activation_bits")):
        engine_bits = (ctx.get("fp4_expert_activation_bits", FP4_EXPERT_ACTIVATION_BITS)   # the engine's kernels
                       if ctx.is_set("fp4_expert_activation_bits") else None)               # (W4A16 on Hopper)
        return _fp4_checkpoint_by_gemm(model, arch, peak, _peak(chip, "fp8") * die, _peak(chip, "bf16") * die,
                                       engine_bits, weight_bytes)
    return peak, weight_bytes


def _inputs(ctx, prefill_in_step: bool = True):
    platform = Platform(ctx)
    model = ctx.ref("model")
    arch = architecture(model)
    precision = _precision(ctx, platform)
    kv_prec = _kv_precision(ctx, platform, precision)
    chip = platform.chip
    die = die_peak_scale(ctx, chip)                               # 1 but on a die twin ("One die", power.py)
    peak = _peak(chip, precision) * die                           # at the full clock: the search applies the
    if precision == "fp4" and ctx.is_set(fp4_mma_rate.name) and chip.is_set("fp4"):   # the engine's FP4 MMA form
        peak = peak * ctx.get(fp4_mma_rate.name, fp4_mma_rate)   # (power.py "FP4 MMA instruction rate")
    weight_bytes = np.asarray([PRECISION_BYTES[precision]])
    if precision == "fp4":                                        # an FP4 weight and its block's scale (FP4 weights)
        weight_bytes = fp4_weight_bytes(ctx, model, chip)
    peak, weight_bytes = checkpoint_rate(ctx, model, arch, chip, precision, peak, die, weight_bytes)
    attn_prec = "fp8" if kv_prec in ("fp8", "fp4", "int8") and chip.is_set("fp8") else "bf16"
    peak_attn = _peak(chip, attn_prec) * die                      # clock the power limit allows each step
    if chip.has("softmax_exp_rate"):                              # the softmax's exponentials cap attention's
        per_score = attention_flops(arch)[0] / model.get("heads")   # rate: a score's FLOPs per exponential (4
        peak_attn = np.minimum(peak_attn, chip.get("softmax_exp_rate", SOFTMAX_EXP_RATE) * per_score)   # head_dim; MLA: Attention of
        # latent and windowed layers) ("Softmax exponentials")
    memory = chip.get("memory")
    bandwidth = chip.get("memory_bw")
    chips = platform.accelerators()
    power, share = workload_power_model(ctx, chip)
    hw = Hardware(peak, peak_attn, memory, bandwidth, platform.link(), platform.scaleout(), platform.scaleup(), chips,
                  power=power, clock_share=share,
                  attn_power=attention_power_share(chip, power, workload_memory_power(
                      ctx, chip, chip_power_model(chip, power.cap, None))))
    scenario = ctx.text("scenario", "offline")
    ttft_limit, tpot_limit = (latency_limit(ctx, model, scenario, i) for i in (0, 1))
    default_fraction = SCENARIO_OPERATING_FRACTIONS.get(scenario)   # the limits the point is held to (f x each):
    fraction = (ctx.get("operating_fraction", operating_fraction)    # the `let`, else the scenario's submitters'
                if ctx.is_set("operating_fraction") or default_fraction is None   # median share, an assumption
                else ctx.get(default_fraction.name, default_fraction))          # of its own (read, so listed)
    ttft_limit, tpot_limit = ttft_limit * fraction, tpot_limit * fraction
    output_tokens = ctx.get("output_tokens", default_output_tokens)
    tpot_limit = np.where(one_token(output_tokens), np.inf, tpot_limit)    # no second token: nothing to hold to a
    load = Load(                                                          # TPOT limit (ONE_TOKEN_REASON)
        input_tokens=ctx.get("input_tokens", default_input_tokens),
        output_tokens=output_tokens,
        weight_bytes=weight_bytes,
        kv_bytes=np.asarray([PRECISION_BYTES[kv_prec]]),
        ttft_limit=ttft_limit, tpot_limit=tpot_limit,
        gemm_eff=serving_efficiency(ctx, chip, precision),
        bw_eff=_bandwidth_efficiency(ctx, platform),
        reserve=ctx.get("memory_reserve", memory_reserve),
        layer_latency=_layer_latency(ctx, platform),
        stationary=platform.sram_only(),
        tp_exchanges=np.where(platform.sram_only(), SRAM_LAYER_STAGES, GPU_TP_EXCHANGES),
        coll_latency=ctx.get("collective_latency", collective_latency),
        gemm_half_rows=np.where(platform.sram_only(), 0.0, _half_rows(ctx, chip, precision)),  # SRAM
        expert_half_rows=np.where(platform.sram_only(), 0.0, ctx.get("gemm_half_rows", gemm_half_rows)),
        # dataflow chips (Groq, Cerebras) stream one row as well as many: no GPU tile quantization
        link_eff=_chip_or_default(ctx, chip, "link_efficiency", link_efficiency),
        # the TP all-reduce by message size and kernel (GPUs only: a dataflow chip's exchanges are its own)
        allreduce_kernels=np.where(platform.sram_only(), 0.0, ctx.get("allreduce_kernels", allreduce_kernels)),
        nccl_latency=ctx.get("nccl_latency", nccl_latency),
        nvlink_group=_nvlink_group(ctx, chip),                    # PCIe cards 1: NCCL at every size
        twoshot=ctx.get("allreduce_twoshot", allreduce_twoshot),
        # a GPU's MoE kernels' fixed time; a dataflow chip's layer stages are sram_stage_latency's (no kernels)
        moe_layer_latency=np.where(platform.sram_only(), 0.0, ctx.get("moe_layer_latency", moe_layer_latency)),
        # per-step host work done once every host_steps forward steps (vLLM multi-step scheduling: host_steps)
        step_overhead=ctx.get("step_overhead", step_overhead) / ctx.get("host_steps", host_steps),
        seq_overhead=ctx.get("seq_overhead", seq_overhead) / ctx.get("host_steps", host_steps),
        host_overlap=ctx.get("pipeline_host_overlap", pipeline_host_overlap),
        pp_split=ctx.get("pipeline_overhead_split", pipeline_overhead_split),
        seq_host=ctx.get("seq_overhead_host", seq_overhead_host) / ctx.get("host_steps", host_steps),
        beams=ctx.get("beams", beam_width), prompt_cv=ctx.get("prompt_length_cv", prompt_length_cv),
        output_cv=ctx.get("output_length_cv", output_length_cv),
        draft_tokens=ctx.get("draft_tokens", draft_tokens), draft_tau=_draft_tau(ctx),
        first_token_delay=ctx.get("first_token_delay", first_token_delay),
        dispatch_p50=ctx.get("dispatch_wait_p50", dispatch_wait_p50),
        dispatch_p99=ctx.get("dispatch_wait_p99", dispatch_wait_p99),
        scheduler_steps=ctx.get("scheduler_steps", scheduler_steps),
        row_averaging=ctx.get("row_averaging", row_averaging),
        row_elastic=ctx.get("row_count_elasticity", row_count_elasticity),
        row_hold=ctx.get("row_budget_hold", row_budget_hold),
        row_engines=ctx.get("row_dispatch_engines", row_dispatch_engines),
        row_dispatch=ctx.get("row_dispatch", row_dispatch),
        ramp_deficit=ctx.get("run_ramp_deficit", run_ramp_deficit),
        refine=ctx.get("batch_refinement", batch_refinement),
        margin=ctx.get("capacity_margin", capacity_margin),
        knee_power=_chip_or_default(ctx, chip, "gemm_knee_power", gemm_knee_power),   # the add-in cards' 0
        knee_own=ctx.get("knee_own_power", knee_own_power),
        knee_under=ctx.get("knee_under_weights", knee_under_weights),
        draw_activity=ctx.get("clock_draw_activity", clock_draw_activity),
        clock_window=ctx.get("power_limit_window", power_limit_window),
        draw_rate=ctx.get(_power_gemm_peak_fraction().name, _power_gemm_peak_fraction()),
        launch_time=np.where(platform.sram_only() | chip.has(f"gemm_half_rows_{precision}"), 0.0,
                             ctx.get("gemm_launch_time", gemm_launch_time)),   # a chip's own knee is kept
        # the GH100 chips' own smooth GEMM law and its weight leg at the precision it was measured at (stdlib/
        # chips.factory `gemm_weight_efficiency_fp8`), else the workload's / the default (the leg at e_m)
        weight_eff=_chip_or_default(ctx, chip, "gemm_weight_efficiency",
                                    gemm_weight_efficiency) if (ctx.is_set("gemm_weight_efficiency")
                                                                or not chip.has(f"gemm_weight_efficiency_{precision}"))
        else chip.get(f"gemm_weight_efficiency_{precision}", gemm_weight_efficiency),
        smooth_power=np.where(platform.sram_only() | chip.has(f"gemm_half_rows_{precision}"), 0.0,
                              _chip_or_default(ctx, chip, "gemm_smooth_power", gemm_smooth_power)),   # a chip's
        # own knee is kept
        solve=ctx.get("capacity_solve", capacity_solve),
        own_rate=ctx.get("capacity_at_own_rate", capacity_at_own_rate),
        limit_fraction=fraction,
        whole_prompts=ctx.get("whole_prompts", whole_prompts),
        serial_chunks=ctx.get("serial_context_chunks", serial_context_chunks),
        own_spread=ctx.get("own_prompt_spread", own_prompt_spread),
        chunk_steps=ctx.get("integer_chunk_steps", integer_chunk_steps),
        residual_tail=ctx.get("step_residual_tail", step_residual_tail),
        delay_p99=ctx.get("first_token_delay_p99", first_token_delay_p99),
        wait_share=ctx.get("dispatch_wait_share", dispatch_wait_share),
        wait_engines=ctx.get("dispatch_wait_engines", dispatch_wait_engines),
        busy_steps=ctx.get("busy_step_length", busy_step_length),
        wait_tail=ctx.get("dispatch_wait_tail", dispatch_wait_tail),
        whole_step=ctx.get("whole_step_engines", whole_step_engines),
        busy_window=ctx.get("prompt_busy_window", prompt_busy_window),
        batch_window=ctx.get("batch_window", batch_window),
        chunk_tokens=ctx.get("max_num_tokens", chunk_tokens),
        chunk_unit=ctx.get("context_chunk_unit", context_chunk_unit),
        kv_fraction=ctx.get("kv_cache_fraction", kv_cache_fraction),
        kv_room_wait=ctx.get("kv_room_wait", kv_room_wait),
        kv_biased=ctx.get("kv_length_biased", kv_length_biased),
        kv_wait_spread=ctx.get("kv_wait_service_spread", kv_wait_service_spread),
        adp_balance=ctx.get("adp_balance", adp_balance),
        expert_tiles=ctx.get("expert_gemm_tiles", expert_gemm_tiles),
        batch_cap=(ctx.get("max_batch_size", MAX_BATCH_SIZE) if ctx.is_set("max_batch_size")
                   else np.asarray([np.inf])),
        elementwise=ctx.get("elementwise_kernels", elementwise_kernels),
        token_time=_chip_or_default(ctx, chip, "token_layer_time", token_layer_time),   # per-token work (CDNA3)
        gemm_swiglu=ctx.get("gemm_swiglu", gemm_swiglu),
        swiglu_kernel=ctx.get("swiglu_kernel", swiglu_kernel),
        fp4_quantize=ctx.get("fp4_quantize_kernels", fp4_quantize_kernels),
        dense_release=ctx.get("dense_gemm_release_rate", dense_gemm_release_rate),
        input_max=ctx.get("max_input_tokens") if ctx.is_set("max_input_tokens") else np.asarray([np.inf]),
        prefill_in_step=prefill_in_step,
        single_stream=scenario == "single_stream",
        queueing=scenario in ("server", "interactive"),
        fixed_tp=_fixed(ctx, "tp"), fixed_pp=_fixed(ctx, "pp"), fixed_ep=_fixed(ctx, "ep"), fixed_batch=_fixed(ctx, "batch"),
        offered=offered_load(ctx))
    return platform, arch, hw, load, scenario


def load_name(ctx) -> str | None:
    """The field that sets the load a service carries while busy (module docstring, "Power and cost"):
    `offered_load`; else, aggregated, its `demand` (the pools of a disaggregated service are sized to it, their
    tokens/s is it); else None (the capacity, tokens_per_s)."""
    if ctx.is_set("offered_load"):
        return "offered_load"
    if ctx.is_set("demand") and ctx.text("serving", "aggregated") != "disaggregated":
        return "demand"
    return None


def offered_load(ctx) -> np.ndarray | None:
    """The load the service is offered while busy (`load_name`), None at its capacity."""
    name = load_name(ctx)
    return None if name is None else ctx.get(name)


ONE_TOKEN_REASON = "output_tokens is at most 1: a request has no second token, so no time per output token"


def one_token(output_tokens) -> np.ndarray:
    """Where a request has no second token (output_tokens <= 1): no TPOT, and no TPOT limit to hold it to."""
    return np.asarray(output_tokens, dtype=float) <= 1
def latency_limit(ctx, model, scenario: str, i: int) -> np.ndarray:
    """The TTFT (i = 0) or TPOT (1) p99 limit a service is held to, before `operating_fraction`: the spec's
    `ttft_limit` / `tpot_limit`, else the MLPerf limit of the benchmark that runs its model (benchmark_limits);
    where that benchmark has none for the scenario (Mixtral 8x7B has no interactive one), Llama 2 70B's for it, as
    for a model without a benchmark (an interactive service is never held to looser limits than a server one);
    inf outside server and interactive (offline and single stream have none)."""
    name = ("ttft_limit", "tpot_limit")[i]
    if ctx.is_set(name):
        return ctx.get(name)
    limits = benchmark_limits(model).get(scenario) or SCENARIO_LIMITS.get(scenario, (math.inf, math.inf))
    return np.asarray([limits[i]])
