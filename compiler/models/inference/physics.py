"""Inputs of the inference physics: per-chip hardware, model architecture, load; memory, KV and FLOP laws.

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import math
import dataclasses
import numpy as np

from dataclasses import dataclass
from .. import output
from .options import (ACTIVATION_BYTES, BATCH_GRID, CONTEXT_ATTENTION_HALF_LENGTH, CONTEXT_ATTENTION_RATIO,
                      GPU_TP_EXCHANGES, NVFP4_VALUE_BYTES, PP_GRID, TP_GRID, Z99, adp_balance, allreduce_kernels,
                      allreduce_twoshot, batch_refinement, batch_window, beam_width, busy_step_length,
                      capacity_at_own_rate, capacity_margin, capacity_solve, chunk_tokens, clock_draw_activity,
                      context_chunk_unit, dense_gemm_release_rate, dispatch_wait_engines, dispatch_wait_p50,
                      dispatch_wait_p99, dispatch_wait_share, dispatch_wait_tail, draft_tokens, elementwise_kernels,
                      expert_gemm_tiles, first_token_delay, first_token_delay_p99, fp4_quantize_kernels,
                      gemm_half_rows, gemm_knee_power, gemm_launch_time, gemm_smooth_power, gemm_swiglu,
                      gemm_weight_efficiency,
                      integer_chunk_steps, knee_own_power, knee_under_weights, kv_cache_fraction, kv_length_biased, kv_room_wait,
                      kv_wait_service_spread, layer_latency, link_efficiency, moe_layer_latency, nccl_latency,
                      output_length_cv, own_prompt_spread, pipeline_host_overlap, pipeline_overhead_split,
                      power_limit_window, prompt_busy_window, prompt_length_cv, row_averaging, row_budget_hold,
                      row_count_elasticity, row_dispatch, row_dispatch_engines, run_ramp_deficit, scheduler_steps,
                      seq_overhead, seq_overhead_host, serial_context_chunks, step_overhead, step_residual_tail,
                      swiglu_kernel, token_layer_time, whole_prompts, whole_step_engines)
from .queues import (_normal_max, _normal_tail)


# ----------------------------------------------------------------------------- inputs of the physics
@dataclass
class Hardware:
    """Per-chip figures, each an array broadcastable to (scenarios, 1)."""

    peak: np.ndarray            # FLOP/s at the weight precision
    peak_attn: np.ndarray       # FLOP/s for attention
    memory: np.ndarray          # B
    bandwidth: np.ndarray       # B/s
    link: np.ndarray            # B/s per direction, scale-up
    scaleout: np.ndarray        # B/s per accelerator, scale-out
    scaleup: np.ndarray         # chips per scale-up domain
    chips: np.ndarray           # chips the workload may use
    power: object | None = None         # compiler.models.power.ChipPower: the draw law that sets the clock
    clock_share: np.ndarray | None = None   # s of rho(x) = 1 / (s / x + 1 - s) (None: no power limit, rho = 1)
    # a_attn / a: the attention kernels' dynamic power (FP8 / BF16) over the workload's (power.attention_power_share)
    attn_power: np.ndarray | None = None


@dataclass
class Architecture:
    params: np.ndarray
    active: np.ndarray
    layers: np.ndarray
    hidden: np.ndarray
    attn_width: np.ndarray      # heads * head_dim
    kv_width: np.ndarray        # values cached per token per layer
    kv_split: np.ndarray        # how many ways the KV of a layer splits over tensor parallelism
    experts: np.ndarray         # routed experts (0: dense)
    experts_active: np.ndarray
    expert_params: np.ndarray   # parameters in routed experts
    # attention FLOPs per attended position per layer of one query token, all heads (module docstring, "Attention
    # of latent and windowed layers"): the generation kernel's and the context (prompt) kernel's; None: 4 D
    attn_decode: np.ndarray | None = None
    attn_context: np.ndarray | None = None
    window: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([np.inf]))   # sliding window, tokens
    window_layers: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([0.0]))   # layers it bounds
    heads: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([1.0]))      # query heads
    kv_heads: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([1.0]))   # key/value heads (GQA)
    # the spread of the routed experts' loads (hot experts: a property of the model on its data; 0 = equal
    # popularity, the multinomial alone): module docstring, "Expert parallelism", imbalance
    expert_cv: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([0.0]))


@dataclass
class Load:
    input_tokens: np.ndarray
    output_tokens: np.ndarray
    weight_bytes: np.ndarray
    kv_bytes: np.ndarray
    ttft_limit: np.ndarray      # inf when none
    tpot_limit: np.ndarray
    gemm_eff: np.ndarray
    bw_eff: np.ndarray
    reserve: np.ndarray
    layer_latency: np.ndarray
    coll_latency: np.ndarray
    # SRAM-only chips (weights stationary where they are stored): a layer's weights are read at the bandwidth
    # of the share of each chip that holds them (L passes over a chip's weights per token, not pp), and a layer
    # spread over tp chips exchanges after each of its dependent stages (tp_exchanges per layer, GPUs: 2)
    stationary: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([False]))
    tp_exchanges: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([GPU_TP_EXCHANGES]))
    gemm_half_rows: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([gemm_half_rows.value]))
    # the routed experts' knee: one grouped GEMM over the experts pays the FP4 knee's fixed time once, each expert
    # only its own tile quantization, the measured (H100) gemm_half_rows ("FP4 GEMM knee" in the module docstring)
    expert_half_rows: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([gemm_half_rows.value]))
    link_eff: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([link_efficiency.value]))
    # the TP all-reduce as TensorRT-LLM's kernels run it by message size (`allreduce_kernels` 1; 0: one ring
    # formula at every size) and NCCL's fixed time where the message leaves the custom kernels' workspace
    allreduce_kernels: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([allreduce_kernels.value]))
    nccl_latency: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([nccl_latency.value]))
    # the most ranks joined pairwise by NVLink (`nvlink_group`: PCIe cards 1, H100 NVL 2, H200 NVL 4; inf: the whole
    # scale-up domain): a larger TP group's all-reduces run NCCL at every size (TensorRT-LLM's AUTO)
    nvlink_group: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([np.inf]))
    # the two-shot kernel between the one-shot sizes and the workspace (`allreduce_twoshot` 1; 0: NCCL there)
    twoshot: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([allreduce_twoshot.value]))
    # a routed-expert layer's fixed time per micro-batch pass (module docstring, "Routed experts' grouped GEMM")
    moe_layer_latency: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([moe_layer_latency.value]))
    step_overhead: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([step_overhead.value]))
    seq_overhead: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([seq_overhead.value]))
    # pp > 1: only a micro-batch's own host work on its pass (`pipeline_host_overlap`; 0: the whole step's)
    host_overlap: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([pipeline_host_overlap.value]))
    # pp > 1: the per-row term's host share on the last rank's serial loop, the rest over the stages
    # (`pipeline_overhead_split`; 0: the whole t0 + B ts a cycle) and that host share (`seq_overhead_host`)
    pp_split: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([pipeline_overhead_split.value]))
    seq_host: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([seq_overhead_host.value]))
    tail_z: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([Z99]))
    beams: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([beam_width.value]))
    # speculative decoding: draft tokens k a row per verify step, and the mean tokens a row a verify step
    # yields, tau in [1, k + 1] (module docstring, "Speculative decoding"; k = 0, tau = 1: none)
    draft_tokens: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([draft_tokens.value]))
    draft_tau: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([1.0]))
    prompt_cv: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([prompt_length_cv.value]))
    output_cv: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([output_length_cv.value]))
    first_token_delay: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([first_token_delay.value]))
    # the harness's dispatch shift of the time to first token at the median and the 99th percentile (mean steps)
    dispatch_p50: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([dispatch_wait_p50.value]))
    dispatch_p99: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([dispatch_wait_p99.value]))
    scheduler_steps: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([scheduler_steps.value]))
    row_averaging: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([row_averaging.value]))
    row_elastic: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([row_count_elasticity.value]))
    row_hold: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([row_budget_hold.value]))
    row_engines: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([row_dispatch_engines.value]))
    row_dispatch: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([row_dispatch.value]))
    ramp_deficit: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([run_ramp_deficit.value]))
    refine: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([batch_refinement.value]))
    # the share of the capacity point's throughput given up for the least TPOT p99 (`capacity_margin`; 0: off)
    margin: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([capacity_margin.value]))
    knee_power: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([gemm_knee_power.value]))
    # the knee's draw at the chip's own a, not the workload format's (`knee_own_power`; 0: the format's)
    knee_own: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([knee_own_power.value]))
    # the knee's time the weight stream covers draws nothing (`knee_under_weights`; 0: the whole knee counts)
    knee_under: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([knee_under_weights.value]))
    # the clock law's compute activity as the draw counts it (`clock_draw_activity`; 0: the kernels' time at e_c)
    draw_activity: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([clock_draw_activity.value]))
    # the clock a serving replica's steps run at: each step's own (0) or the mixture's over the window (1)
    clock_window: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([power_limit_window.value]))
    draw_rate: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([1.0]))   # g, the draw's rate 1
    # the dense GEMMs' fixed time a launch (`gemm_launch_time`; 0: the knee fixed in rows)
    launch_time: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([gemm_launch_time.value]))
    # the weight read's efficiency with the launches' time on both legs (`gemm_weight_efficiency`; 0: off)
    weight_eff: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([gemm_weight_efficiency.value]))
    # the dense GEMMs as one smooth law of the step's rows (`gemm_smooth_power` p; 0: the knee law by max)
    smooth_power: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([gemm_smooth_power.value]))
    solve: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([capacity_solve.value]))
    own_rate: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([capacity_at_own_rate.value]))
    limit_fraction: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([1.0]))  # f, in the limits
    whole_prompts: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([whole_prompts.value]))
    serial_chunks: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([serial_context_chunks.value]))
    own_spread: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([own_prompt_spread.value]))
    chunk_steps: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([integer_chunk_steps.value]))
    residual_tail: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([step_residual_tail.value]))
    # the p99's first-token delay with the rest of the step at its spread (`first_token_delay_p99`)
    delay_p99: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([first_token_delay_p99.value]))
    # the share of the prompt queue's wait a least-busy dispatch leaves (`dispatch_wait_share`: 1 independent)
    wait_share: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([dispatch_wait_share.value]))
    # the engines of a least-busy dispatch whose share of the wait is the law (`dispatch_wait_engines`: 0 none)
    wait_engines: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([dispatch_wait_engines.value]))
    # the prompt queue's wait at the busy steps' mean length (`busy_step_length`: 0 every busy step full)
    busy_steps: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([busy_step_length.value]))
    # the least-busy wait's tail at its own decay rate (`dispatch_wait_tail`: 0 exponential at the mean)
    wait_tail: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([dispatch_wait_tail.value]))
    # the whole-prompt p50 from the step boundary and the batch (`whole_step_engines` k: 0 the budget law's)
    whole_step: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([whole_step_engines.value]))
    # a request's TPOT from the prompt queue's busy period over its steps (`prompt_busy_window`: 0 t_iter, _tpot_tail)
    busy_window: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([prompt_busy_window.value]))
    batch_window: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([batch_window.value]))
    chunk_tokens: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([chunk_tokens.value]))
    chunk_unit: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([context_chunk_unit.value]))
    kv_fraction: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([kv_cache_fraction.value]))
    kv_room_wait: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([kv_room_wait.value]))
    kv_biased: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([kv_length_biased.value]))
    kv_wait_spread: np.ndarray = dataclasses.field(
        default_factory=lambda: np.asarray([kv_wait_service_spread.value]))
    adp_balance: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([adp_balance.value]))
    # the routed experts' grouped GEMM at the TRTLLM-Gen kernels' tile (1) or the shape law (0): expert_tile_efficiency
    expert_tiles: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([expert_gemm_tiles.value]))
    batch_cap: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([np.inf]))   # engine_batch_cap
    elementwise: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([elementwise_kernels.value]))
    token_time: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([token_layer_time.value]))
    gemm_swiglu: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([gemm_swiglu.value]))
    swiglu_kernel: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([swiglu_kernel.value]))
    fp4_quantize: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([fp4_quantize_kernels.value]))
    # the dense GEMMs' rate of the engine release against the family's (dense_gemm_release_rate)
    dense_release: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([dense_gemm_release_rate.value]))
    input_max: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([np.inf]))   # longest prompt
    prefill_in_step: bool = True        # aggregated serving: prefill chunks ride on decode steps
    prefill_pass: bool = False          # a disaggregated prefill worker: n whole prompts a pass (prefill_prompts_per_pass)
    single_stream: bool = False
    queueing: bool = False              # random arrivals: TTFT is the p99 with queueing for the prefill
    fixed_tp: np.ndarray | None = None          # set by the spec: one value per scenario (or one for all)
    fixed_pp: np.ndarray | None = None
    fixed_ep: np.ndarray | None = None          # chips the experts are spread over (MoE), set by the spec
    fixed_batch: np.ndarray | None = None
    offered: np.ndarray | None = None           # offered load, counted output tokens/s of the whole service


def kv_budget(memory, reserve, weights, fraction, tokens, act_per_token):
    """Memory per chip for the KV cache (module docstring, Memory). `fraction` 0 (not set): the memory_reserve
    law, F = M (1 - reserve) - W_chip (vLLM's gpu_memory_utilization = 1 - reserve, the activations inside the
    reserve [S]: docs.vllm.ai engine arguments). `fraction` f > 0: F = f (M (1 - reserve) - W_chip - A_ws), with the
    activation workspace A_ws = tokens act_per_token (`max_num_tokens` per tensor-parallel rank times a token's
    outputs of one layer's matmuls, A / L / h values of `a` bytes [D]). TensorRT-LLM [P]: the KV cache takes
    `free_gpu_memory_fraction` of the memory free once the engine (weights, activation workspace) is loaded
    (nvidia.github.io/TensorRT-LLM/examples/kvcacheconfig.html and reference/memory.md, read 2026-12); NVIDIA's MLPerf
    configs set it as kvcache_free_gpu_mem_frac (read in docs/accuracy.md 'Memory capacity and the KV cache
    budget'; not given to validate's rows). vLLM [P]: KV = u M - W -
    peak activations of a max_num_batched_tokens pass (its profile run), i.e. f = 1, reserve = 1 - u. Not held:
    the CUDA context and library workspaces (~0.5 GiB; CUDA's deviceQuery sees 81,106 MiB of the H100's 81,559
    [S]) [U]."""
    usable = memory * (1 - reserve) - weights
    return np.where(fraction > 0, fraction * (usable - tokens * act_per_token), usable)


def kv_slots(free, kv_token, prompt, output, output_cv) -> np.ndarray:
    """The rows in flight one chip's KV cache holds on average, c = F / (kv_token (I + (1 + cv_O^2) O / 2)) [D]:
    a row holds its prompt and the tokens it has generated; over the rows in flight (an M/G/infinity population)
    a request of o output tokens is present o steps, so the rows seen are length-biased and their mean age is
    E[o^2] / (2 E[o]) = (1 + cv_O^2) O / 2 (renewal theory: the mean residual life; cv_O 0 gives the mean context
    I + O / 2 of the model before). `prompt` is I / k for k beams (the beams hold their prompt's KV once). cv_O
    [P/D]: MLPerf's TEST06 accuracy logs, Llama 2 70B 0.59, Mixtral 8x7B 0.74, Llama 3.1 405B 0.35 (docs/
    accuracy.md 'Dataset lengths, sourced'). Not counted [U]: the last block's rounding (TensorRT-LLM pages of
    32-64 tokens: half a block a row), the prompt's spread (it adds to the variance of the cache's fill, not its
    mean)."""
    return np.maximum(free, 0) / (kv_token * (prompt + (1 + output_cv ** 2) * output / 2))


def in_flight_age(output, output_cv) -> np.ndarray:
    """The mean number of tokens a decode row in flight has generated, over the rows of a step: (1 + cv_O^2) O / 2
    [D]. A continuous-batching engine (in-flight batching: a finished request's slot takes the next one at once)
    keeps a request of o output tokens in the batch for o steps, so a step sees requests in proportion to their
    length, and a request seen is uniformly far into its life: E[age] = E[o^2] / (2 E[o]) = (1 + cv_O^2) O / 2
    (renewal theory, the mean age of the renewal interval covering a random time; kv_slots uses the same age for
    the memory). It holds in every scenario whose batch is refilled as requests finish (Offline too: the steady
    state of a full batch); the step's KV reads and the generation attention scale with I + age, as the cache's
    fill does. cv_O 0 gives O / 2, the model before. cv_O [P/D]: MLPerf TEST06 logs (DeepSeek-R1 1.07: the rows in
    flight hold 2.14 O / 2, docs/accuracy.md 'Dataset lengths, sourced'). Applied with `let kv_length_biased = 1`
    (0 by default); compiler/validate.py gives it to the DeepSeek-R1 rows (docs/accuracy.md 'DeepSeek-R1 as
    NVIDIA ran it')."""
    return (1 + np.asarray(output_cv, dtype=float) ** 2) * np.asarray(output, dtype=float) / 2


def _kv_room_wait(slots, rows, life, q: float, shape=1.0) -> np.ndarray:
    """Quantile q of a new request's wait for KV room: an Erlang-C (M/M/c) queue of c = `slots` requests the
    cache holds, a = `rows` requests in flight, service a request's life S = O t_iter (`kv_room_wait`) [D]. A
    context that does not fit waits first come first served for the blocks finished requests free (TensorRT-LLM's
    MAX_UTILIZATION capacity scheduler, batch_scheduler_policy max_util in NVIDIA's MLPerf configs [P]:
    cpp/tensorrt_llm/batch_manager/capacityScheduler.cpp stops its walk at the first new context whose blocks do
    not fit). Halfin-Whitt (c large, c - a of order sqrt(a)): beta = (c - a) / sqrt(a), the chance to wait
    P_w = 1 / (1 + beta Phi(beta) / phi(beta)), and the wait, given one, exponential of mean S / (c - a), so
        W_q = g S / (c - a) ln(P_w / (1 - q))    (0 where P_w <= 1 - q; inf where a >= c)
    with g = `shape` 1 (Erlang C) or (1 + cv_O^2) / 2 where the lives are general (`kv_wait_service_spread`: the
    M/G/c approximation of Lee and Longton, 1959 [S]).
    Assumptions [U]: slots of the mean length-biased size (kv_slots; the token pool's fill spreads more with
    the prompt's spread), exponential lives (Erlang-C; the TEST06 output cv 0.35-1.07 is below 1 but for
    DeepSeek-R1), the wait unaffected by the requests the scheduler pauses."""
    c, a = np.asarray(slots, dtype=float), np.maximum(np.asarray(rows, dtype=float), 1e-12)
    gap = c - a
    beta = np.clip(gap / np.sqrt(a), 0.0, 30.0)
    phi_ratio = beta * (1 - _normal_tail(beta)) * math.sqrt(2 * math.pi) * np.exp(beta ** 2 / 2)   # beta Phi / phi
    p_wait = 1 / (1 + phi_ratio)
    with np.errstate(divide="ignore", invalid="ignore"):
        wait = np.where(p_wait > 1 - q,
                        shape * life / np.maximum(gap, 1e-12) * np.log(np.maximum(p_wait / (1 - q), 1.0)), 0.0)
    return np.where(gap > 0, wait, np.inf)


def engine_batch_cap(cap, d) -> np.ndarray:
    """The most sequences an attention rank decodes at once under the serving engine's batch cap (`let
    max_batch_size` on the workload: sequences per engine, one engine being a tp x pp replica; not set: no cap,
    the batch is the KV cache's and the search's), B <= floor(cap / d) over the replica's d attention ranks
    (1 without expert parallelism) [D]. TensorRT-LLM [P]: an engine's `max_batch_size` bounds the requests of one
    micro-batch, and the in-flight batcher keeps max_batch_size x pp sequences (`mMaxNumSequences = mMaxBatchSize
    * worldConfig.getPipelineParallelism()`, NVIDIA/TensorRT-LLM cpp/tensorrt_llm/batch_manager/trtGptModel.h,
    read 2026-12); the cap given here is that count, the sequences of the whole engine. NVIDIA's MLPerf harness
    builds the engine with its config's `gpu_batch_size` as max_batch_size (compiler/validate.py "Engine
    limits" for the figures)."""
    return np.floor(_col(cap) / np.asarray(d, dtype=float) + 1e-9)


def config_grid(max_tp: float = 128, max_chips: float = 1e9, batches: np.ndarray | None = None,
                fixed_tp: np.ndarray | None = None, fixed_pp: np.ndarray | None = None,
                domains: np.ndarray | None = None):
    """The (tp, pp, batch) candidates as three flat arrays (the configuration axis); a tp or pp the spec fixes
    joins its grid when the grid lacks it (a pipeline of 21 wafers), so a fixed layout is always a candidate.
    `domains` (the scale-up domain sizes of a mixture-of-experts model's scenarios; None for a dense model): the
    grid also runs the attention data-parallel ranks d of expert parallelism (module docstring, "Expert
    parallelism"), powers of two and each domain divided by 1, 2, 4, 8, and returns (tp, pp, batch, d)."""
    if domains is not None:
        d = _ep_grid(max_tp, domains)
        g_tp, g_pp, g_b = config_grid(max_tp, max_chips, batches, fixed_tp, fixed_pp)
        g_d = np.repeat(d, g_tp.size)
        return np.tile(g_tp, d.size), np.tile(g_pp, d.size), np.tile(g_b, d.size), g_d
    tp = TP_GRID[TP_GRID <= max(max_tp, 1)]
    pp = PP_GRID[PP_GRID <= max(max_chips, 1)]
    def joined(grid, fixed):
        if fixed is None:
            return grid
        values = np.round(np.asarray(fixed, dtype=float).reshape(-1))
        return np.union1d(grid, values[values >= 1])        # a layout has at least one chip per coordinate
    tp, pp = joined(tp, fixed_tp), joined(pp, fixed_pp)
    b = BATCH_GRID if batches is None else np.asarray(batches, dtype=float)
    g_tp, g_pp, g_b = np.meshgrid(tp, pp, b, indexing="ij")
    return g_tp.ravel(), g_pp.ravel(), g_b.ravel()


def _ep_grid(max_tp: float, domains: np.ndarray) -> np.ndarray:
    """The attention data-parallel ranks d of the search (1 first): powers of two within the largest scale-up
    domain, and each domain size over 1, 2, 4 and 8 where that is whole (72 = a GB200 NVL72 rack: 72, 36, 18, 9)."""
    sizes = np.unique(np.asarray(domains, dtype=float).reshape(-1))
    parts = [TP_GRID[TP_GRID <= max(max_tp, 1)]]
    for n in (1.0, 2.0, 4.0, 8.0):
        q = sizes / n
        parts.append(q[(np.abs(q - np.round(q)) < 1e-9) & (q >= 1)])
    return np.unique(np.concatenate(parts))


def _ep_searched(arch: Architecture, load: Load) -> bool:
    """Whether the search runs attention data-parallel ranks d > 1 (expert parallelism, module docstring): for a
    mixture-of-experts model whose spec sets `ep` (the chips its experts are spread over); otherwise d = 1, the
    tp x pp replica (docs/accuracy.md, "Expert parallelism in serving": searched freely, d > 1 moved every MoE
    figure compared away from its measurement)."""
    return load.fixed_ep is not None and bool(np.any(np.asarray(arch.experts) > 0))


def _col(x) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(-1, 1)


def attention_flops(arch: Architecture) -> tuple[np.ndarray, np.ndarray]:
    """(F_gen, F_ctx): attention FLOPs per attended position, per layer, of one query token over all heads, in the
    generation (decode) kernel and in the context (prompt) kernel (module docstring, "Attention of latent and
    windowed layers"). A model without latent attention: 4 D both (QK^T and PV over heads x head_dim, 2 FLOP per
    multiply-add)."""
    plain = 4 * np.asarray(arch.attn_width, dtype=float)
    gen = plain if arch.attn_decode is None else np.asarray(arch.attn_decode, dtype=float)
    ctx = plain if arch.attn_context is None else np.asarray(arch.attn_context, dtype=float)
    return gen, ctx


def windowed_length(length, arch: Architecture) -> np.ndarray:
    """The positions a token attends to (or a sequence holds in its KV cache), averaged over the layers, when
    `length` are in its context: min(W, length) in the window_layers sliding-window layers, `length` in the others
    [D] (module docstring, "Attention of latent and windowed layers")."""
    L, W, Lw = (_col(v) for v in (arch.layers, arch.window, arch.window_layers))
    length = np.asarray(length, dtype=float)
    return ((L - Lw) * length + Lw * np.minimum(W, length)) / L


def prompt_attended(I, arch: Architecture) -> np.ndarray:
    """The positions a prompt token attends to in causal prefill, averaged over the prompt's I tokens and the
    layers: I / 2 in a full layer; in a sliding-window layer sum_i min(i, W) / I = W - W^2 / (2 I) when I > W (else
    I / 2) [D]."""
    L, W, Lw = (_col(v) for v in (arch.layers, arch.window, arch.window_layers))
    I = np.asarray(I, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        window = np.where(I > W, W - W * W / (2 * np.maximum(I, 1e-300)), I / 2)
    return ((L - Lw) * I / 2 + Lw * window) / L


def context_attention_efficiency(I) -> np.ndarray:
    """e_fmha(I) = a I / (I + n_half): the rate of the context (prompt) attention kernel over a prompt of I tokens as a
    fraction of the dense GEMM rate e_c the model gives the matmuls (module docstring, "Context attention kernel") [D
    from S]: a fused causal attention kernel computes a prompt's triangle in tiles of ~128 x 128 scores; a short prompt
    has few tiles per query block to spread its softmax, rescaling and epilogue over and a large share of half-masked
    diagonal tiles, so its rate rises with the length (FlashAttention-3, H100, causal, head_dim 128: 292 TFLOP/s at
    512 tokens, 616 at 16k), to a = 0.84 of a dense GEMM's at long prompts (CONTEXT_ATTENTION_RATIO, _HALF_LENGTH).
    The same shape on every chip [U]: no published causal-kernel table by length was read for other chips."""
    I = np.asarray(I, dtype=float)
    return CONTEXT_ATTENTION_RATIO * I / (I + CONTEXT_ATTENTION_HALF_LENGTH)


def expert_imbalance(assignments, chips) -> np.ndarray:
    """gamma = E[max over c chips of the routed (token, expert) pairs a chip receives] / their mean, the routing
    multinomial (each of n pairs to one of c equal chips) in its normal approximation: the mean n / c, the standard
    deviation sqrt(n (1/c)(1 - 1/c)), so gamma = 1 + z_c sqrt((c - 1) / n), z_c = E[max of c standard normals]
    (_normal_max) [D] (module docstring, "Expert parallelism": rank imbalance). c = 1 or n = 0: 1. The law of
    rank_imbalance with equally popular experts."""
    return rank_imbalance(assignments, chips, 0.0, 0.0, 1.0)


def rank_imbalance(assignments, chips, experts, popularity_cv, ranks) -> np.ndarray:
    """gamma with hot experts: E[max over c chips of the routed (token, expert) pairs a chip receives] / their
    mean, in the normal approximation of a chip's count (module docstring, "Expert parallelism": rank imbalance) [D]:

        gamma = 1 + z_c sqrt((c - 1) / n + cv_e^2 (r - 1) / E),   z_c = E[max of c standard normals] (_normal_max)

    (c - 1) / n: the routing multinomial, each of n pairs to one of c equally popular chips (expert_imbalance, the
    law at cv_e = 0); cv_e^2 (r - 1) / E: hot experts, the E experts' loads spread with a coefficient of variation
    cv_e (`let expert_popularity_cv` of the model) and a chip's load the sum of its rank's E / r experts (r = the
    ranks the experts are spread over: relative variance (E / r) (cv_e / E)^2 r^2 (1 - 1/r), the last factor
    sampling E / r of E experts without replacement). The two add as independent variances. c = 1 or n = 0: 1."""
    n, c, r, E, cv = np.broadcast_arrays(
        np.asarray(assignments, dtype=float), np.asarray(chips, dtype=float), np.asarray(ranks, dtype=float),
        np.asarray(experts, dtype=float), np.asarray(popularity_cv, dtype=float))
    z = np.zeros_like(c)
    for v in np.unique(np.round(c[c > 1.5])):
        z = np.where(np.round(c) == v, _normal_max(int(v)), z)
    with np.errstate(divide="ignore", invalid="ignore"):
        hot = np.where(E > 0, cv * cv * np.maximum(r - 1, 0) / np.where(E > 0, E, 1), 0.0)
        return np.where((c > 1.5) & (n > 0), 1 + z * np.sqrt((c - 1) / np.maximum(n, 1e-300) + hot), 1.0)


def swiglu_kernel_bytes(h, D, kv, L, active, tp, weight_bytes) -> np.ndarray:
    """HBM bytes per token and layer, on one chip, of the SwiGLU MLP's SiLU-and-multiply kernel and the quantization
    of its output (module docstring, "Elementwise work"): read gate and up (2 a f), write the product (a f), then
    quantize it for the down GEMM where that takes 8-bit or narrower inputs ((a + q) f); the columns split over tp.
    The same term elementwise_bytes counts for SwiGLU; f = (A / L - h (2 D + kv)) / (3 h) [D]. Llama 2 70B FP8 at
    tp 1 (f = 28,939: the FFN's 28,672 and the embeddings' share): 9 f = 260,454 bytes a token and layer, 20.8 MB a
    token over 80 layers, 4.82 us on an H200 at 4.8 TB/s x 3.02 / 3.35 (tests/test_inference.py)."""
    a = ACTIVATION_BYTES
    quant, q = _quantized_inputs(weight_bytes)
    f = np.maximum(active / L - h * (2 * D + kv), 0.0) / (3 * h)
    return (3 * a * f + quant * (a + q) * f) / tp


def _quantized_inputs(weight_bytes) -> tuple[np.ndarray, np.ndarray]:
    """(1 where the GEMMs take quantized inputs, weights of at most 1 byte, else 0; the bytes of a quantized
    activation value: 0.5 + 1/16 for NVFP4, 1 for FP8), for the elementwise kernels that write them."""
    w = np.asarray(weight_bytes, dtype=float)
    return np.where(w <= 1.0 + 1e-9, 1.0, 0.0), np.where(w < 0.75, NVFP4_VALUE_BYTES, 1.0)


def fp4_quantize_bytes(h, D, kv, L, dense_active, tp, weight_bytes, swiglu_counted=0.0) -> np.ndarray:
    """HBM bytes per token and layer, on one chip, of the kernels TensorRT-LLM's NVFP4 flow runs for the GEMM inputs
    that no norm writes quantized (module docstring, "FP4 activation quantization"): the attention output's
    quantize for the O GEMM, (a + q) D, and the SwiGLU MLP's SiLU-and-multiply and its quantize for the down GEMM,
    3 a f + (a + q) f (swiglu_kernel_bytes, left out where `swiglu_counted` 1 already counts it), over tp; q = 0.5 +
    1/16 (an NVFP4 value and its E4M3 scale's share). Only where the weights are NVFP4 (weight_bytes < 0.75; 0
    elsewhere). f from the dense active parameters (a MoE model's routed experts run in the MoE module, whose
    measured fixed time holds their activation and quantization). Llama 2 70B at tp 1 (f = 28,939.3): (2.5625 x
    8,192 + 8.5625 x 28,939.3) = 268,785 bytes a token and layer, 21.5 MB a token over 80 layers, 2.98 us on a B200 at
    8 TB/s x 3.02 / 3.35 (tests/test_inference.py)."""
    a = ACTIVATION_BYTES
    quant, q = _quantized_inputs(weight_bytes)
    fp4 = np.where(np.asarray(weight_bytes, dtype=float) < 0.75, 1.0, 0.0) * quant
    swiglu = (1 - np.asarray(swiglu_counted, dtype=float)) * swiglu_kernel_bytes(h, D, kv, L, dense_active, tp,
                                                                                  weight_bytes)
    return fp4 * ((a + q) * D / tp + swiglu)


def elementwise_bytes(h, D, kv, L, active, tp, weight_bytes, kv_bytes, swiglu_in_gemm=0.0) -> np.ndarray:
    """HBM bytes one chip's memory-bound kernels move per token and layer of a forward pass (module docstring,
    "Elementwise work"), from the model's columns (hidden h, attention width D, KV width, layers L, active
    parameters), the tensor-parallel degree and the weight and KV bytes per value: the two add-RMSNorms with
    their outputs' quantization fused, replicated on every tensor-parallel rank, 2 h (3 a + q), and over tp the
    head- and column-split kernels: rotary embedding and the KV-cache write a (2 D + kv) + k kv, the attention
    output's quantization (a + q) D, SiLU-and-multiply 3 a f and its quantization (a + q) f. Quantization kernels
    exist where the GEMMs take 8-bit or narrower inputs (weights of at most 1 byte: q = 1 for FP8, 0.5 + 1/16 for
    NVFP4, a value and its share of the E4M3 scale of 16 values); bf16 GEMMs: the norms write 2 h a, no quantize.
    a = 2 (bf16 activations); the SwiGLU width from the active parameters of a layer, f = (A / L - h (2 D + kv))
    / (3 h) (every active expert's; embeddings included: +1% at 405B, +13% at 8B) [D]. `swiglu_in_gemm` 1: the
    gate-up GEMM applies SwiGLU in its epilogue and writes the quantized product (TensorRT-LLM's
    `gemm_swiglu_plugin`), so the SiLU-and-multiply and its quantize kernel move nothing."""
    a = ACTIVATION_BYTES
    quant, q = _quantized_inputs(weight_bytes)
    replicated = 2 * h * (4 * a + quant * (q - a))                   # add-RMSNorm: 4 a, fused quantize: 3 a + q
    swiglu = (1 - np.asarray(swiglu_in_gemm, dtype=float)) * swiglu_kernel_bytes(h, D, kv, L, active, tp,
                                                                                  weight_bytes)
    split = a * (D + kv) + a * D + kv_bytes * kv + quant * (a + q) * D
    return replicated + split / tp + swiglu
