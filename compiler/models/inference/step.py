"""One serving step built from its parts for every configuration at once (evaluate_configs).

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import numpy as np

from .options import (ACTIVATION_BYTES, DENSE_LAYER_LAUNCHES, ELEMENTWISE_BANDWIDTH_EFFICIENCY, EP_A2A_EFFICIENCY,
                      EP_A2A_FLOOR, EP_A2A_LATENCY, MOE_LAYER_LAUNCHES, NVFP4_DISPATCH_BYTES, tp_all_reduce_time)
from .physics import (Architecture, Hardware, Load, _col, _kv_room_wait, attention_flops,
                      context_attention_efficiency, elementwise_bytes, engine_batch_cap, fp4_quantize_bytes,
                      in_flight_age, kv_budget, kv_slots, prompt_attended, rank_imbalance, swiglu_kernel_bytes,
                      windowed_length)
from .queues import (PROMPT_CURVE_KNOTS, RUN_SECONDS, _budget_ttft, _budget_utilization, _busy_window_latency,
                     _pipeline_tokens,
                     _prompt_lumps, _ramp_deficit, _serial_servers, _shape_eff, _step_mixture, _tpot_tail,
                     adp_context_excess, budget_hold_slope, expert_tile_efficiency, gemm_smooth_time,
                     little_rows, prefill_prompts_per_pass)
from .clock import (_either, _power_law, _sustained_rate, _window_rate)


def evaluate_configs(hw: Hardware, arch: Architecture, load: Load, tp, pp, batch, ep=None) -> dict[str, np.ndarray]:
    """Every physical quantity of every configuration: arrays of shape (scenarios, configurations).
    `tp`, `pp` and `batch` are flat configuration arrays (one row for every scenario); `batch` may also be a
    (scenarios, configurations) array, when the spec fixes a batch that differs per scenario (per replica: each
    of its d attention ranks decodes batch / d). `ep`: the attention data-parallel ranks d of each configuration
    (module docstring, "Expert parallelism"; None: d = 1, today's tp x pp replica)."""
    tp, pp = (np.asarray(v, dtype=float).reshape(1, -1) for v in (tp, pp))
    d = np.ones_like(tp) if ep is None else np.asarray(ep, dtype=float).reshape(1, -1)
    batch = np.asarray(batch, dtype=float)
    batch = batch if batch.ndim == 2 else batch.reshape(1, -1)
    if load.fixed_batch is not None:
        batch = batch / d                                          # the spec's batch is the replica's
    P, Pa, M, BW, BL = (_col(v) for v in (hw.peak, hw.peak_attn, hw.memory, hw.bandwidth, hw.link))
    chips, scaleup = _col(hw.chips), _col(hw.scaleup)
    N, Aa, L, h, D = (_col(v) for v in (arch.params, arch.active, arch.layers, arch.hidden, arch.attn_width))
    I, O = _col(load.input_tokens), _col(load.output_tokens)
    w, kb = _col(load.weight_bytes), _col(load.kv_bytes)
    ec, em = _col(load.gemm_eff), _col(load.bw_eff)
    ec_d = ec * _col(load.dense_release)                          # the dense GEMMs' e_c at the engine's release
    lat, tl = _col(load.coll_latency), _col(load.layer_latency)
    a = ACTIVATION_BYTES
    E = _col(arch.experts)
    n_exp = _col(arch.expert_params)
    G = tp * pp                                                   # chips of one attention rank (tp x pp)
    R = G * d                                                     # chips of one replica
    replicas = np.floor(chips / R + 1e-9)
    # expert parallelism: the d attention ranks and their experts' all-to-all stay within the scale-up domain;
    # only a mixture-of-experts model has experts to spread (d = 1 otherwise)
    # a tensor-parallel group splits the attention heads between its chips, whole heads each (Megatron-LM's
    # `num_attention_heads % tensor_model_parallel_size == 0`; vLLM and TensorRT-LLM refuse the same): a tp that
    # does not divide the query heads is no layout (a model that gives no heads, 1, is not restricted)
    heads = _col(arch.heads)
    whole_heads = (heads <= 1) | (np.abs(heads / tp - np.round(heads / tp)) < 1e-9)
    valid = ((R <= chips + 1e-9) & (tp * d <= scaleup + 1e-9) & (pp <= L) & ((d == 1) | (E > 0))
             & whole_heads)

    weights = N * w
    w_chip = (N - n_exp) * w / G + n_exp * w / R                  # dense share on the rank, experts over the replica
    # speculative decoding (module docstring, "Speculative decoding"): a verify step runs q = n_d + 1 query tokens
    # a decode row and yields tau of them; n_d = 0: q = tau = 1, the plain decode step (the same numbers exactly).
    # The draft head (one layer of the target's shape: DeepSeek's MTP module) holds 1 / L more weights and KV
    n_d = _col(load.draft_tokens)
    tau = np.where(n_d > 0, _col(load.draft_tau), 1.0)
    q_rows = 1.0 + n_d
    drafting = bool(np.any(n_d > 0))
    w_chip = np.where(n_d > 0, w_chip * (1 + 1 / L), w_chip)
    free = kv_budget(M, _col(load.reserve), w_chip, _col(load.kv_fraction), _col(load.chunk_tokens),
                     Aa / L / h * ACTIVATION_BYTES)
    kv_token = L * _col(arch.kv_width) * kb                       # B per token, whole model
    kv_chip = kv_token / pp / np.minimum(tp, _col(arch.kv_split))
    k = np.maximum(_col(load.beams), 1.0)                         # beams per request (rows of the batch)
    # the mean age of a row in flight: O / 2, or length-biased (1 + cv_O^2) O / 2 (`kv_length_biased`:
    # in_flight_age)
    biased = _col(load.kv_biased) > 0
    age = in_flight_age(O, np.where(biased, _col(load.output_cv), 0.0))
    ctx = I + age                                                 # context a decode row attends to
    held = I / k + age                                            # KV held per row: the beams share the prompt
    # a sliding window bounds the positions a windowed layer attends to and reads (windowed_length: the layer-mean
    # positions); the memory keeps every layer's whole context (held): the engine allocates the KV cache of every
    # layer at the sequence length unless it is given the layers' windows (module docstring, "Attention of latent
    # and windowed layers")
    ctx, read = windowed_length(ctx, arch), windowed_length(held, arch)
    F_gen, F_ctx = (_col(v) for v in attention_flops(arch))       # FLOPs per attended position, layer, token
    pre_att = prompt_attended(I, arch)                            # a prompt token's mean attended positions
    e_fmha = context_attention_efficiency(I)                      # the context kernel's rate against a GEMM's
    held_kv = np.where(n_d > 0, kv_chip * (1 + 1 / L), kv_chip)   # the draft head's layer holds its KV too
    # the rows the KV cache holds on average (kv_slots: the length-biased context with `kv_room_wait`, else the
    # mean context held); the batch is never above it
    room_wait = (_col(load.kv_room_wait) > 0) & load.queueing
    # the wait's shape: Erlang C (1) or M/G/c with the output lengths' spread, (1 + cv_O^2) / 2
    wait_shape = np.where(_col(load.kv_wait_spread) > 0, (1 + _col(load.output_cv) ** 2) / 2, 1.0)
    slots = kv_slots(free, held_kv, I / k, O, np.where(room_wait | biased, _col(load.output_cv), 0.0))
    max_batch = np.floor(slots)
    cap = engine_batch_cap(load.batch_cap, d)                     # the engine's max batch, per attention rank
    B = np.minimum(np.minimum(batch, max_batch), cap)
    if load.single_stream:
        B = np.minimum(B, k)                                      # one request: its k beam rows
    allowed = valid                                               # layouts that exist, as the spec fixes them
    ep_chips = np.where(E > 0, R, 1.0)                            # chips the experts are spread over (`ep`)
    for fixed, value in ((load.fixed_tp, tp), (load.fixed_pp, pp), (load.fixed_ep, ep_chips)):
        if fixed is not None and value is ep_chips:               # a dense model: `ep` fixes nothing
            fixed = np.where(E > 0, _col(fixed), 1.0)
        if fixed is not None:
            allowed = allowed & (np.abs(value - _col(fixed)) < 0.5)
    fits = allowed & (B >= k)                                     # at least one request: its k beam rows
    if load.fixed_batch is not None:
        fits = fits & (d * np.minimum(max_batch, cap) >= _col(load.fixed_batch))   # the replica's batch, d ranks
    B = np.maximum(B, 1.0)

    # prompt tokens per decoded row: a single stream prefills its one request before decoding it (TTFT t_pre), so
    # its decode steps carry none
    r = I / (k * O) if load.prefill_in_step and not load.single_stream else np.zeros_like(I)
    k_act = _col(arch.experts_active)
    with np.errstate(divide="ignore", invalid="ignore"):
        routed_share = np.where(E > 0, k_act / np.where(E > 0, E, 1), 0.0)   # k / E: a token's share of an expert
    A_exp = n_exp * routed_share                                  # active parameters in routed experts
    A_dense = Aa - A_exp
    m0, m0_exp, el = _col(load.gemm_half_rows), _col(load.expert_half_rows), _col(load.link_eff)
    ar_kernels, lat_nccl = _col(load.allreduce_kernels), _col(load.nccl_latency)   # TP all-reduce by kernel
    nvl = _col(load.nvlink_group)                                 # ranks joined pairwise by NVLink (else NCCL)
    two = _col(load.twoshot)                                      # the two-shot kernel (0: NCCL in its place)
    t0, ts = _col(load.step_overhead), _col(load.seq_overhead)
    host_overlap = _col(load.host_overlap)                        # pp > 1: own host work only (Pipeline host overlap)
    pp_split, ts_host = _col(load.pp_split), _col(load.seq_host)  # pp > 1: host / device split (Pipeline overhead split)
    knee_power = _col(load.knee_power)                            # the knee's share of compute activity
    knee_under = _col(load.knee_under)                            # the knee under the weight stream draws nothing
    draw_on = _col(load.draw_activity) > 0                        # the clock law's activity as the draw's
    g_draw = _col(load.draw_rate)
    # the dense GEMMs' knee as their launches' fixed time (`gemm_launch_time` t > 0): n_g launches a layer, L / pp
    # layers a micro-batch pass, pp passes a step, over the per-row time 2 A_dense / (G P e_c): m0 in rows
    t_launch = _col(load.launch_time)
    n_launch = np.where(E > 0, MOE_LAYER_LAUNCHES, DENSE_LAYER_LAUNCHES)
    with np.errstate(divide="ignore", invalid="ignore"):
        m0_launch = L * n_launch * t_launch * G * P * ec_d / (2 * pp * np.maximum(A_dense, 1.0))
    m0_dense = np.where(t_launch > 0, m0_launch, m0)
    # both legs (`gemm_weight_efficiency` e_w > 0 with t > 0): the dense GEMMs take L n_g t + max(FLOPs at e_c,
    # the weights at e_w): no knee in rows, the launches' fixed time beside the roofline (The step GEMM's roofline)
    e_w = _col(load.weight_eff)
    two_legs = (t_launch > 0) & (e_w > 0)
    m0_dense = np.where(two_legs, 0.0, m0_dense)
    t_launches = np.where(two_legs, L * n_launch * t_launch, 0.0)   # a chip's launches a step (L / pp x pp passes)
    em_weights = np.where(two_legs, e_w, em)                      # the weight leg's bandwidth efficiency
    # one smooth law of the step's rows (`gemm_smooth_power` p > 0): the dense GEMMs' FLOPs at e_c (no knee in rows)
    # joined to the weight read as (t_c^p + t_w^p)^(1/p) (gemm_smooth_time), in place of the knee law's max
    p_smooth = _col(load.smooth_power)
    m0_dense = np.where(p_smooth > 0, 0.0, m0_dense)
    # with `gemm_weight_efficiency` e_w > 0 the smooth law's weight leg is read at e_w, launches or none
    em_weights = np.where((p_smooth > 0) & (e_w > 0), e_w, em_weights)
    n_x = _col(load.tp_exchanges)                                 # TP exchanges per layer
    passes = np.where(_col(load.stationary) > 0, L, pp)           # reads of a chip's weights per step
    # the memory-bound elementwise kernels of a token's pass through a layer, per chip (norms, residual adds and
    # the quantization of their outputs replicated over tp; rotary, KV write, SwiGLU split), at the copy rate
    el_rate = BW * ELEMENTWISE_BANDWIDTH_EFFICIENCY
    el_all = _col(load.elementwise)
    tok_layer = _col(load.token_time)                             # s a token and layer (Per-token work beside the GEMMs)
    el_layer = ((el_all * elementwise_bytes(h, D, _col(arch.kv_width), L, Aa, tp, w, kb, _col(load.gemm_swiglu))
                 + (1 - el_all) * _col(load.swiglu_kernel) * (1 - _col(load.gemm_swiglu))
                 * swiglu_kernel_bytes(h, D, _col(arch.kv_width), L, Aa, tp, w)
                 + (1 - el_all) * _col(load.fp4_quantize)          # NVFP4 inputs' quantize kernels (FP4 only)
                 * fp4_quantize_bytes(h, D, _col(arch.kv_width), L, A_dense, tp, w,
                                      np.maximum(_col(load.swiglu_kernel), _col(load.gemm_swiglu))))
                / el_rate)                                        # s per token and layer (0: not counted)
    # expert parallelism over d attention ranks (module docstring): the all-to-all's remote copies of a token
    # (the expected distinct other ranks among its k_act experts) and its bytes each way (dispatch at the
    # weights' 8-bit activations where they are 8-bit or narrower, combine in bf16: DeepEP's formats)
    with np.errstate(divide="ignore", invalid="ignore"):
        remote = np.where((d > 1) & (E > 0), (d - 1) * (1 - np.power(1 - 1 / d, k_act)), 0.0)
    a2a_bytes = np.where(w <= 1, 1.0, a) + a
    # the all-to-all's own payload (EP_A2A_*): TensorRT-LLM dispatches NVFP4 activations where the experts are
    # 4-bit (post-quant dispatch, 4,032 B a 7,168-wide token), else as a2a_bytes; combine in bf16
    dispatch_bytes = np.where(w <= 0.5, NVFP4_DISPATCH_BYTES, np.where(w <= 1, 1.0, a)) + a
    n_moe = np.where(E > 0, L, 0.0)                               # MoE layers (every layer [U])
    # rank imbalance: a layer's experts lie on tp d chips; the step waits for the one that receives the most of
    # the (token, expert) pairs (rank_imbalance; 1 at d = 1, where every expert is split over the tp chips);
    # the experts' own popularity (hot experts, `let expert_popularity_cv`) over the d ranks adds its variance
    moe_chips = np.where((d > 1) & (E > 0), tp * d, 1.0)
    expert_cv = _col(arch.expert_cv)

    def imbalance(tokens):
        return rank_imbalance(tokens * k_act, moe_chips, E, expert_cv, np.where(moe_chips > 1, d, 1.0))

    # ranks that start their contexts on their own (module docstring, "Expert parallelism", ADP contexts): no
    # balancer, and the ranks' slots free at random steps -- output lengths that vary, or requests that arrive
    # over time (a latency limit: server, interactive); an offline queue of equal lengths refills in lockstep
    adp_on = ((d > 1) & (E > 0) & (_col(load.adp_balance) <= 0)
              & ((_col(load.output_cv) > 0) | np.isfinite(_col(load.tpot_limit))))

    # the routed experts' module beyond its weight reads and tile-padded FLOPs (module docstring, "Routed
    # experts' grouped GEMM"): per MoE layer and micro-batch pass a fixed time, and the expanded (token, expert)
    # rows' traffic: a pair's h values written and read back at the dispatch precision (permute -> FC1) and
    # in bf16 (FC2 -> finalize), 2 (a_d + a) bytes a value
    t_moe_fixed, pair_bytes = _col(load.moe_layer_latency), 2 * a2a_bytes

    def moe_module(tokens, gamma=1.0):
        """The routed-expert layers' fixed time and expanded-row traffic over the L MoE layer passes of a chip,
        `tokens` reaching a layer's experts (all d ranks' tokens of a micro-batch): at d = 1 every tp chip
        handles every pair (its slice of each expert), at d > 1 the busiest of the tp d chips gamma / (tp d)."""
        pairs = tokens * k_act * gamma / moe_chips
        return np.where(E > 0, n_moe * (t_moe_fixed + pairs * h * pair_bytes / (BW * em)), 0.0)

    def all_to_all(tokens_per_rank, gamma=1.0):
        """Dispatch and combine of one MoE layer's `tokens_per_rank` tokens over L MoE layers, each rank's tp
        chips sending a tp-th of them, the busiest chip receiving gamma times the mean: a layer's pair of kernels
        takes max(EP_A2A_FLOOR, EP_A2A_LATENCY + bytes / (BL EP_A2A_EFFICIENCY)) (TensorRT-LLM's NVLink one-sided
        all-to-all as measured: module docstring, "Expert parallelism", all-to-all)."""
        moved = gamma * tokens_per_rank / tp * remote * h * dispatch_bytes / (BL * EP_A2A_EFFICIENCY)
        return np.where(remote > 0, n_moe * np.maximum(EP_A2A_FLOOR, EP_A2A_LATENCY + moved), 0.0)


    tiles = _col(load.expert_tiles) > 0

    def expert_eff(rows_expert):
        """The routed experts' grouped GEMM rate at `rows_expert` rows a touched expert: the TRTLLM-Gen kernels'
        tile (`expert_gemm_tiles` 1: expert_tile_efficiency) or the shape law at expert_half_rows (module
        docstring, "Routed experts' grouped GEMM")."""
        return np.where(tiles, expert_tile_efficiency(ec, rows_expert), _shape_eff(ec, rows_expert, m0_exp))

    power, clock_share = _power_law(hw)
    # the attention kernels' draw over the workload's a (FP8 / BF16 attention in an FP4 step: a_attn / a_fp4)
    attn_w = _col(hw.attn_power) if hw.attn_power is not None else 1.0
    # the GEMMs' knee at the chip's own a too (`knee_own_power` 1: the same a_own / a), else at the workload's
    knee_w = np.where(_col(load.knee_own) > 0, attn_w, 1.0)

    def verify(prefill_share, B=B, q=q_rows, clock=None, activity=False):
        """One decode step of B sequences of q query tokens each (1; a verify step: its draft tokens too) carrying
        `prefill_share` * B prompt tokens (chunked prefill); over pp > 1 stages the step is pp times the heaviest
        micro-batch's stage time (_pipeline_tokens)."""
        # fewer rows than pipeline stages (B < pp): a micro-batch holds whole rows, so the cycle is pp passes of
        # one-row micro-batches (the stages a missing row leaves idle wait all the same): the decode rows' terms
        # see Bp = max(B, pp) rows (module docstring, "Pipeline stages"); the prompt tokens and the host's per-row
        # work stay B's. (Before, B / pp < 1 row a micro-batch made a pipeline speed a lone stream's decode.)
        Bp = np.where(pp > 1, np.maximum(B, pp), B)
        tokens = Bp * q + B * prefill_share                       # tokens through the model per step
        if not load.single_stream:                                # one stream: no micro-batches to unbalance
            tokens = _pipeline_tokens(Bp * q, B * prefill_share, pp, I, tp * _col(load.chunk_tokens))
            prefill_share = (tokens - Bp * q) / B                 # the prompt tokens the pipeline's pace carries
        rows = tokens / pp                                        # rows of each GEMM (one micro-batch per stage)
        # an expert's rows: the tokens of all d attention ranks routed to it (expert parallelism)
        rows_exp = d * rows * np.where(E > 0, k_act, 0.0) / np.where(E > 0, E, 1)
        gamma = imbalance(d * rows)                               # the busiest chip's share of the expert pairs
        per_micro = d * tokens / pp                               # tokens reaching a stage's experts
        # attention data parallelism without the balancer (adp_balance 0, d > 1): the ranks' own work waits for
        # the rank with the most prompt tokens this step (whole prompts of I tokens, Poisson a rank: module
        # docstring, "Expert parallelism", ADP contexts); the experts' work is the d ranks' sum, the mean's
        excess = np.where(adp_on, adp_context_excess(B * prefill_share / np.maximum(I, 1.0), d), 1.0)
        rank_tokens = tokens + B * prefill_share * (excess - 1)  # the busiest rank's tokens through its layers
        with np.errstate(divide="ignore", invalid="ignore"):
            touched = np.where(E > 0, 1 - np.power(np.clip(1 - routed_share, 0, 1), per_micro), 1.0)
        # the grouped GEMM pads the rows of the experts some token reached (an untouched expert has no tile): an
        # expert's tile-quantized rows are those of a touched one, m_e / touched (module docstring)
        e_dense = _shape_eff(ec_d, rank_tokens / pp, m0_dense)
        gemm = (tokens * 2 * (A_dense / e_dense + gamma * A_exp / expert_eff(rows_exp / touched))
                + (rank_tokens - tokens) * 2 * A_dense / e_dense) / (G * P)   # the busiest rank's extra prompt rows
        # generation attention streams the KV cache (its roofline with t_kv); the prompt chunks' attention is the
        # context kernel, launched on its own (module docstring, "attention"): it adds to the step
        attn_ctx = B * prefill_share * L * F_ctx * pre_att / (G * Pa * ec * e_fmha)
        attn = Bp * q * L * F_gen * ctx / (G * Pa * ec)           # every query token over its row's context
        w_read = (N - n_exp) * w / G + n_exp * touched * w / R     # a chip's dense share and its touched experts
        t_weights = passes * w_read / (BW * em_weights)
        t_kv = Bp * read * kv_chip / (BW * em)                    # a request's prompt KV read once per step
        t_tp = n_x * L * tp_all_reduce_time(rank_tokens / pp * h * a, tp, BL * el, lat, lat_nccl, ar_kernels, nvl,
                                            two)
        t_tp = t_tp + all_to_all(rank_tokens / pp, gamma)         # expert parallelism (d > 1): dispatch, combine
        t_pp = np.where(pp > 1, pp * lat + rank_tokens * h * a / (BL * el), 0.0)
        t_over = 0.0 * B if load.single_stream else t0 + B * ts   # one stream: no in-flight batching scheduler
        # pp > 1 with `pipeline_host_overlap`: a micro-batch's own host work h = t0 + (B / pp) ts is on its circuit,
        # the other micro-batches' runs under its stages; the host, pp h a cycle, bounds it (Pipeline host overlap)
        overlap = (host_overlap > 0) & (pp > 1)
        t_over = np.where(overlap, t0 + B * ts / pp, t_over) if not load.single_stream else t_over
        # pp > 1 with `pipeline_overhead_split`: the per-row term split into the host's share ts_h (the last rank's
        # loop, serial with its stage, once a micro-batch: pp t0 + B ts_h) and the per-layer device rest, over the
        # stages (B (ts - ts_h) / pp); with the overlap too, only the host's share h = t0 + (B / pp) ts_h is hidden
        # (Pipeline overhead split)
        split = (pp_split > 0) & (pp > 1) & (not load.single_stream)
        ts_dev = np.maximum(ts - ts_host, 0.0) / pp               # the per-layer device work's share a cycle
        h_split = t0 + B * np.minimum(ts_host, ts) / pp           # a micro-batch's host work
        t_over = np.where(split, np.where(overlap, h_split, pp * h_split) + B * ts_dev, t_over)
        host_round = np.where(split, h_split, t_over)             # the host's work a micro-batch (overlap's bound)
        t_moe = moe_module(per_micro, gamma)                      # routed experts' fixed time and expanded rows
        t_el = rank_tokens * (L / pp) * el_layer                  # elementwise kernels: T tokens, L / pp layers a pass
        t_tok = rank_tokens * (L / pp) * tok_layer                # per-token work beside the GEMMs (token_layer_time)
        attn_ctx = attn_ctx * excess                              # the busiest rank's prompts (ADP contexts)

        def at_rate(rho):                                         # compute at the clock's rate rho, memory not
            cycle = (gemm_smooth_time(gemm / rho, t_weights, p_smooth) + t_launches + np.maximum(attn / rho, t_kv)
                     + attn_ctx / rho
                     + t_tp + t_pp + L * tl + t_over + t_moe + t_el + t_tok)
            return np.where(overlap, np.maximum(cycle, pp * host_round), cycle)   # the host's pp h a cycle (overlap)
        # the compute kernels' time at the full clock; the GEMMs' knee time (beyond their FLOPs at e_c) counts as
        # compute activity at the share `gemm_knee_power` (1: all of it; 0: the matrix units idle while the weights
        # stream)
        flops_at_ec = (tokens * 2 * (A_dense + gamma * A_exp) + (rank_tokens - tokens) * 2 * A_dense) / (G * P * ec)
        flops_at_ec = flops_at_ec + rank_tokens * 2 * A_dense / (G * P) * (1 / ec_d - 1 / ec)   # (0 at s = 1)
        # (the attention's at its own format's draw, a_attn / a of the workload's: power.attention_power_share)
        # (`knee_under_weights` 1: less the knee's time the weight stream covers beyond the FLOPs at e_c)
        knee = gemm - flops_at_ec
        knee = knee - knee_under * np.clip(t_weights - flops_at_ec, 0.0, np.maximum(knee, 0.0))
        busy = flops_at_ec + knee_w * knee_power * knee + attn_w * attn + attn_w * attn_ctx
        # `clock_draw_activity` 1: the FLOPs at the draw's rate g (its compute activity 1), the knee at its share
        busy = np.where(draw_on, (flops_at_ec + attn_w * attn + attn_w * attn_ctx * e_fmha) * ec / g_draw
                        + knee_w * knee_power * knee, busy)
        moved = t_weights * em_weights + t_kv * em + t_el * ELEMENTWISE_BANDWIDTH_EFFICIENCY
        # the step's own clock, or the one a window of steps sets (`clock`: `power_limit_window`, served below)
        rho = _sustained_rate(power, clock_share, busy, moved, at_rate) if clock is None else clock
        if activity:                                              # the window's clock law: its time and activity
            return at_rate(rho), busy + 0 * rho, moved + 0 * rho
        t = at_rate(rho)
        gemm, attn, attn_ctx = gemm / rho + t_launches, attn / rho, attn_ctx / rho   # (the launches: both legs)
        return t, dict(decode_gemm_time=gemm, decode_weights_time=t_weights, decode_attention_time=attn,
                       decode_context_attention_time=attn_ctx,
                       decode_kv_time=t_kv, decode_tp_time=t_tp, decode_pp_time=t_pp, decode_overhead_time=t_over,
                       decode_moe_time=t_moe + 0 * t, decode_elementwise_time=t_el + t_tok + 0 * t,
                       decode_draft_time=0 * t,
                       clock_fraction=rho + 0 * t)

    def step(prefill_share, B=B, clock=None, activity=False):
        """The decode step of B sequences at `prefill_share` prompt tokens per decoded token, per decoded token of a
        row: without draft tokens the verify step of one query token a row. With n_d > 0 draft tokens (module
        docstring, "Speculative decoding") a verify step of q = n_d + 1 query tokens a row carries the prompt
        tokens of its tau decoded tokens, and the draft head runs n_d layer-sized passes over the B rows (each
        1 / L of a plain decode step without its scheduler overhead); the step and its terms are divided by tau,
        so every caller's step is the time of one decoded token a row."""
        if not drafting:
            return verify(prefill_share, B, clock=clock, activity=activity)
        if activity:                        # (the draft head's passes counted in the time, not the activity)
            t, busy, moved = verify(prefill_share * tau, B, clock=clock, activity=True)
            t_plain, plain = verify(0.0 * prefill_share, B, 1.0, clock=clock)
            draft = np.where(n_d > 0, n_d * (t_plain - plain["decode_overhead_time"]) / L, 0.0)
            return (t + draft) / tau, busy / tau, moved / tau
        t, terms = verify(prefill_share * tau, B, clock=clock)
        t_plain, plain = verify(0.0 * prefill_share, B, 1.0, clock=clock)
        draft = np.where(n_d > 0, n_d * (t_plain - plain["decode_overhead_time"]) / L, 0.0)
        terms = {name: (value if name == "clock_fraction" else value / tau) for name, value in terms.items()}
        terms["decode_draft_time"] = draft / tau
        return (t + draft) / tau, terms

    # a serving replica (server, interactive) runs its prompt work in lumps: steps that carry a budget's room of
    # prompt chunks (or a whole prompt) and decode-only steps, mixed at the prompt token rate (_step_mixture)
    mixing = load.queueing and load.prefill_in_step and not load.single_stream
    # a prompt's chunks one micro-batch a pipeline cycle (`serial_context_chunks`, TensorRT-LLM's C++ runtime): the
    # prompt queue is pp servers (_serial_servers)
    stages = np.where((_col(load.serial_chunks) > 0) & (pp > 1), pp + 0.0, 1.0) if mixing else 1.0

    def room_for(b):
        """Prompt tokens a step of b decode rows has room for: pp micro-batches of the budget C, less the rows (a
        verify step's q query tokens a row), less (u - 1) / 2 a micro-batch where a non-final context chunk is
        rounded down to a unit u (`context_chunk_unit`: the KV block), counted per decoded token (/ tau: step()
        carries tau of them)."""
        rounding = pp * (_col(load.chunk_unit) - 1) / 2
        return np.maximum(pp * tp * _col(load.chunk_tokens) - b * q_rows - rounding, 1e-9) / tau

    I_tok = I / tau                     # a whole prompt in the prompt tokens step() counts (per decoded token)

    windowed = mixing and power is not None and bool(np.any(_col(load.clock_window) > 0))
    window_on = _col(load.clock_window) > 0

    def window_clock(prefill_share, B=B):
        """`power_limit_window` 1: the clock of a serving replica's mixture of loaded and decode-only steps at
        `prefill_share` set by the mixture's mean draw (_window_rate), its own step's elsewhere (None)."""
        if not windowed:
            return None
        lump, f = _prompt_lumps(B * prefill_share, room_for(B), I_tok, stages)
        rho = _window_rate(power, clock_share, f, lambda rho: (step(lump / B, B, clock=rho, activity=True),
                                                               step(0.0 * lump, B, clock=rho, activity=True)))
        return np.where(window_on, rho, np.nan)

    def at_clock(clock):
        """step() at the window's clock where it applies (window_on), at each step's own elsewhere."""
        if clock is None:
            return step
        if np.all(window_on):
            return lambda share, b: step(share, b, clock=clock)
        return lambda share, b: _either(window_on, step(share, b, clock=clock), step(share, b))

    def served(prefill_share, B=B):
        """The mean step at `prefill_share` prompt tokens per decoded row: a serving replica's mixture of loaded
        and decode-only steps (_step_mixture), at the window's clock where `power_limit_window` is 1; offline and a
        single stream: the step at the mean load."""
        if not mixing:
            return step(prefill_share, B)
        return _step_mixture(at_clock(window_clock(prefill_share, B)), B, prefill_share, room_for(B), I_tok,
                             stages)

    t_iter, terms = served(r)
    t_compute = terms["decode_gemm_time"] + terms["decode_attention_time"] + terms["decode_context_attention_time"]
    t_memory = terms["decode_weights_time"] + terms["decode_kv_time"]

    # one prompt alone: its rank's dense layers, its experts' rows spread over the d ranks' experts. A
    # disaggregated prefill worker (`prefill_pass`) runs n whole prompts a pass, S = n I rows, each prompt's
    # attention its own (module docstring, "Disaggregated serving"); n = 1 elsewhere (S = I exactly)
    n_pass = (np.minimum(batch, prefill_prompts_per_pass(tp, _col(load.chunk_tokens), I, free, held_kv))
              if load.prefill_pass else 1.0)                      # (prefill_pass: `batch` is the prompts searched)
    S = n_pass * I                                                # prompt tokens of one prefill pass
    pre_gamma = imbalance(S)                                      # the pass's pairs over the tp d chips
    pre_touched = np.where(E > 0, 1 - np.power(np.clip(1 - routed_share, 0, 1), S), 1.0)   # experts it reaches
    pre_compute = (S * 2 * (A_dense / _shape_eff(ec_d, S, m0)
                            + pre_gamma * A_exp / d / expert_eff(S * routed_share / pre_touched))
                   / (tp * P) + S * L * F_ctx * pre_att / (tp * Pa * ec * e_fmha))
    pre_memory = pp * w_chip / (BW * em)                          # every stage reads its chips' weights once
    pre_comm = (n_x * L * tp_all_reduce_time(S * h * a, tp, BL * el, lat, lat_nccl, ar_kernels, nvl, two)
                + np.where(pp > 1, pp * lat, 0.0) + all_to_all(S, pre_gamma))
    pre_moe = moe_module(S, pre_gamma)                            # its routed-expert layers' fixed time and rows
    pre_el = S * L * el_layer                                     # its elementwise kernels, every layer
    pre_tok = S * L * tok_layer                                   # its per-token work beside the GEMMs
    # its compute kernels' time at the full clock, the attention's at its own format's draw (a_attn / a)
    pre_flops = ((S * 2 * (A_dense + pre_gamma * A_exp / d) / (tp * P) + attn_w * S * L * F_ctx * pre_att
                  / (tp * Pa)) / g_draw)                          # its FLOPs at the draw's rate g
    pre_knee = pre_compute - S * 2 * (A_dense + pre_gamma * A_exp / d) / (tp * P * ec) - (
        S * L * F_ctx * pre_att / (tp * Pa * ec * e_fmha))        # its GEMMs' time beyond their FLOPs at e_c
    pre_knee = pre_knee - S * 2 * A_dense / (tp * P) * (1 / ec_d - 1 / ec)   # the dense ones at e_c s (0 at s = 1)
    pre_busy = np.where(attn_w == 1, pre_compute,
                        pre_compute - ((1 - attn_w) * (S * L * F_ctx * pre_att / (tp * Pa * ec * e_fmha))
                                       + (1 - knee_w) * np.maximum(pre_knee, 0.0)))   # (knee_w 1: 0 exactly)
    pre_busy = np.where(draw_on, pre_flops + knee_w * knee_power * np.maximum(pre_knee, 0.0), pre_busy)
    pre_rho = _sustained_rate(power, clock_share, pre_busy,
                              pre_memory * em + pre_el * ELEMENTWISE_BANDWIDTH_EFFICIENCY,
                              lambda rho: (np.maximum(pre_compute / rho, pre_memory) + pre_comm + L * tl + pre_moe
                                           + pre_el + pre_tok))
    pre_compute = pre_compute / pre_rho
    pre_el = pre_el + pre_tok                                     # (reported with the elementwise kernels)
    t_prefill = np.maximum(pre_compute, pre_memory) + pre_comm + L * tl + pre_moe + pre_el
    # a batch of prompts prefilled together (a harness batcher: _batcher_ttft): p0 + kappa_p S for S prompt tokens,
    # its GEMMs at S rows (S / e(S) = (S + m0) / e_c: the half-rows give the constant), attention at the mean
    # prompt's context, the TP all-reduces per token
    kappa_p = ((2 * (A_dense + A_exp / d) / (tp * P * ec) + 2 * A_dense / (tp * P) * (1 / ec_d - 1 / ec)
                + 2 * L * I * D / (tp * Pa * ec * e_fmha)) / pre_rho
               + np.where(tp > 1, n_x * L * h * a * 2 * (tp - 1) / tp / (BL * el), 0.0) + L * (el_layer + tok_layer))
    p0 = m0 * 2 * A_dense / (tp * P * ec_d) / pre_rho + np.where(tp > 1, n_x * L * lat, 0.0) + L * tl

    def prompt_curve(stepper, b, own, room, t_decode, t_full, kappa, I):
        """The step's prompt-cost curve (queues._prompt_cost): its knots P_k = own (room / own)^(k / K), k = 0..K
        (K = PROMPT_CURVE_KNOTS, geometric from the own chunk to a full step), and G(P_k) = t(P_k) - t_decode, the
        step of the b decode rows carrying P_k prompt tokens over the decode rows alone (kappa own at the own
        chunk, t_full - t_decode at room: the two the step has evaluated already): the knots, then the costs."""
        ratio = np.maximum(room, 1e-9) / np.maximum(own, 1e-9)
        knots = [own * ratio ** (k / PROMPT_CURVE_KNOTS) for k in range(PROMPT_CURVE_KNOTS + 1)]
        cost = ([kappa * own] + [np.maximum(stepper(P / b, b)[0] - t_decode, 0.0) for P in knots[1:-1]]
                + [np.maximum(t_full - t_decode, 0.0)])
        return tuple(v + 0.0 * I for v in knots + cost)

    def latencies(b):
        """At b decoded rows in flight: the mean step, TPOT (p99 in server scenarios) with its terms, TTFT p50
        and p99 before the queueing wait, and a prompt's service time in the prompt queue. Aggregated server
        scenarios: the parts of the token budget queue's TTFT (_budget_ttft) in place of p50, None for p99."""
        t_mean, step_terms = served(r, b)
        if not load.queueing:
            ttft_b = t_prefill if load.single_stream else t_prefill + t_mean
            return t_mean, t_mean, step_terms, ttft_b, ttft_b, t_prefill, t_mean
        # MLPerf's TPOT of a request is its mean inter-token time, held at the 99th percentile over requests
        # (_tpot_tail): the step at the most likely (rows, prompt tokens) of a request's life at that percentile
        # (its terms are the ones explain shows)
        # attention DP: the router keeps every rank at the replica's requests / d, so a rank's rows spread as the
        # replica's count over d, sqrt(d b) / d (module docstring, "Expert parallelism", ADP request router)
        rank_rows_spread = _col(load.row_averaging) / np.sqrt(np.where((d > 1) & (E > 0), d, 1.0))
        # `row_budget_hold`: the token budget's admission pull on the birth-death rows (budget_hold_slope)
        hold = np.where(_col(load.row_hold) > 0, budget_hold_slope(b, r, room_for(b), q_rows, tau), 0.0) \
            if load.prefill_in_step else 0.0
        tpot_b, step_terms = _tpot_tail(served, b, r, _col(load.prompt_cv), _col(load.tail_z),
                                        rank_rows_spread, _col(load.output_cv), O, t_mean,
                                        _col(load.row_elastic), hold, _col(load.row_engines),
                                        _col(load.row_dispatch))
        if not load.prefill_in_step:         # disaggregated: the prompts queue at the prefill pool (_disaggregated);
            # the decode worker's own part of the first token is the step that admits the transferred request
            return t_mean, tpot_b, step_terms, t_mean, t_mean, t_prefill, t_mean
        # the token budget queue (chunked prefill, TensorRT-LLM's in-flight batcher with `max_num_tokens` C per
        # forward pass and micro-batch): each step carries the b decode rows first, then prompt chunks first come
        # first served up to the budget, room = pp C - b prompt tokens per step (_budget_ttft)
        C = tp * _col(load.chunk_tokens)
        room = room_for(b)
        # every step at the operating point's window clock where `power_limit_window` is 1 (served, above)
        stepper = at_clock(window_clock(r, b))
        t_decode = stepper(0.0 * r, b)[0]
        t_full = stepper(room / b, b)[0]
        # the rest of the step in flight when a request arrives: the steps' length-biased residual,
        # E[t^2] / (2 E[t]) over the mixture (half the mean step where every step carries the mean load)
        lump, loaded = _prompt_lumps(b * r, room, I_tok, stages)
        t_lump = stepper(lump / b, b)[0]
        # (speculative decoding: a step is tau decoded tokens long, tau x step())
        in_flight_rest = 0.5 * tau * (loaded * t_lump ** 2 + (1 - loaded) * t_decode ** 2) / np.maximum(t_mean, 1e-300)
        own = np.minimum(room, I_tok)                               # a prompt token's time on the replica, from
        kappa = np.maximum(stepper(own / b, b)[0] - t_decode, 0.0) / own   # a step carrying one prompt's chunk
        servers = _serial_servers(stages, room, I_tok)              # 1, or pp where chunks go one a cycle
        # (each of a lone prompt's cycles passes every stage: its own pp-fold count below holds the fill)
        fill = np.where(servers > 1, 0.0, (pp - 1) * np.minimum(C, I) * kappa)
        service_b = np.maximum(I * t_full / room, 1e-12)            # a mean prompt's time at the budget's rate
        whole = _col(load.whole_prompts) > 0                        # no chunked context: no first-token delay
        delay = np.where(whole, 0.0, _col(load.first_token_delay))
        # with the rest of the step in flight at its spread the p99 takes its own share of the delay
        # (`first_token_delay_p99`), blended in q like the dispatch's waits; none where there is no delay
        delay_shift = np.where(whole | (_col(load.residual_tail) <= 0), 0.0,
                               _col(load.delay_p99) - _col(load.first_token_delay))
        parts = (in_flight_rest + delay * tau * t_mean + fill, t_decode, kappa, room, I,
                 np.minimum(t_mean / t_full, 1.0), _col(load.input_max),
                 (np.maximum(_col(load.scheduler_steps), 1.0) - 1) * tau * t_mean, whole + 0.0 * I,
                 t_mean, fill, _col(load.batch_window) + 0.0 * I, replicas * d + 0.0 * I, kappa_p, p0,
                 servers + 0.0 * I, _col(load.own_spread) + 0.0 * I,
                 _col(load.dispatch_p50) * tau * t_mean, (_col(load.dispatch_p99) + delay_shift) * tau * t_mean,
                 np.where(whole, 0.0, _col(load.chunk_steps)) + 0.0 * I,
                 np.where(_col(load.residual_tail) > 0, in_flight_rest, 0.0) + 0.0 * I,
                 _col(load.wait_share) + 0.0 * I, _col(load.wait_engines) + 0.0 * I,
                 _col(load.busy_steps) + 0.0 * I, _col(load.wait_tail) + 0.0 * I,
                 np.where(whole, _col(load.whole_step), 0.0) + 0.0 * I,
                 *prompt_curve(stepper, b, own, room, t_decode, t_full, kappa, I))
        tpot_mean = t_mean
        if np.any(_col(load.busy_window) > 0):   # `prompt_busy_window`: a request's steps as the queue's busy period
            # where a mean prompt spans several steps' room (1), or on every row (2); pp 1, no drafts, one beam
            mode = _col(load.busy_window)
            weight = np.where(mode > 1.5, 1.0, np.clip(I / np.maximum(room, 1e-9) - 1.0, 0.0, 1.0))
            on = (mode > 0) & (tau == 1) & (k == 1) & (pp == 1)
            tpot_mean, tpot_b, step_terms = _busy_window_latency(
                on, weight, b, r, I, O, _col(load.prompt_cv), _col(load.output_cv), _col(load.tail_z), rank_rows_spread,
                served, t_mean, tpot_b, step_terms, t_decode, t_full, room)
        return t_mean, tpot_b, step_terms, parts, None, service_b, tpot_mean

    t_iter, tpot, tpot_terms, ttft_p50, ttft, service, tpot_mean = latencies(B)
    kv_wait_p99 = np.zeros_like(B)          # the wait for KV room at the capacity point (`kv_room_wait`)
    if load.queueing:
        terms = tpot_terms
    per_replica = B / (k * t_iter)                                # counted tokens: a request's beams count once
    if load.single_stream:          # one request at a time: O tokens in its prefill and O - 1 decode steps
        per_replica = B / k * O / (ttft + (O - 1) * t_iter)
    # (per attention rank: each of a replica's d ranks has its own batch and prompt queue; d x below)
    cv = _col(load.prompt_cv)
    if load.queueing and load.prefill_in_step:
        # the arrival rate is cut until the p99 TTFT fits: lambda <= rho_max / s
        parts = ttft_p50                    # (base, t_decode, kappa, room, I, share, I_max): _budget_ttft
        # the wait for KV room (`kv_room_wait`): requests in flight at utilization rho, rho O t_iter / service
        # (Little's law over a request's life O t_iter), against the cache's slots (a request's k beams: k rows)
        life = O * t_iter
        room_wait_q = (lambda rho, q, life=life, service=service:
                       np.where(room_wait, _kv_room_wait(slots / k, rho * life / service, life, q, wait_shape), 0.0))
        rho_max = _budget_utilization(parts, service, _col(load.ttft_limit), cv,
                                      extra=room_wait_q if np.any(room_wait) else None)
        per_replica = np.minimum(per_replica, rho_max / service * O)
        rho = per_replica / O * service
        ttft_p50, ttft = (_budget_ttft(parts, service, rho, cv, q) for q in (0.50, 0.99))
        if np.any(room_wait):
            kv_wait_p99 = room_wait_q(rho, 0.99)
            ttft_p50, ttft = ttft_p50 + room_wait_q(rho, 0.50), ttft + kv_wait_p99
    # the column's rate over the rate its B rows carry (1 where the TTFT limit does not cut it): `capacity_at_own_rate`
    own_share = per_replica / np.maximum(B / (k * t_iter), 1e-300)
    # disaggregated: the decode replica runs no prefill, so its rate is its decode steps' alone; the prompts' queue,
    # the prefill pool's capacity and the KV transfer are the pools' (_disaggregated)
    # the limits hold at the capacity point (a lower offered load only shortens the latencies)
    ok = fits & (tpot <= _col(load.tpot_limit) * (1 + 1e-9)) & (ttft <= _col(load.ttft_limit) * (1 + 1e-9))
    if load.queueing and np.any(_col(load.ramp_deficit) > 0):
        # `run_ramp_deficit`: a capacity point a 600-s run from empty does not reach is not one (_ramp_deficit)
        def step_at(b, P):
            return served(P / b, b)[0]
        deficit = _ramp_deficit(step_at, B, B * r, O * t_iter, RUN_SECONDS)
        ok = ok & ((_col(load.ramp_deficit) <= 0) | (deficit <= _col(load.ramp_deficit)))
    in_flight = B + 0.0
    offered_share = np.full(np.shape(per_replica), np.nan)
    if load.offered is not None:
        # an offered load x per replica below the capacity c: the continuous batcher holds the rows that load
        # keeps in flight (Little's law): b = k x t_iter(b), the batch whose rate b / (k t_iter(b)) is x, on
        # [1, B] (little_rows: the one root solver of the offered load and the latency band, one at a time here).
        # At or above the capacity the service runs at its capacity point (the latencies above).
        x = _col(load.offered) / np.maximum(replicas, 1) / d       # per attention rank
        offered_share = x / np.maximum(per_replica, 1e-300)
        under = offered_share < 1 - 1e-9
        b, _ = little_rows(lambda bs: np.stack([b_ / (k * served(r, b_)[0]) for b_ in bs]), x, 1.0, B + 0.0)
        b = np.where(under, b, B)
        t_b, tpot_b, terms_b, p50_b, p99_b, service_b, mean_b = latencies(b)
        if load.queueing and load.prefill_in_step:
            rho_b = x / O * service_b
            p50_b, p99_b = (_budget_ttft(p50_b, service_b, rho_b, cv, q) for q in (0.50, 0.99))
            if np.any(room_wait):           # the KV room wait at the offered load's requests in flight
                life_b = O * t_b
                p50_b, p99_b = (p + np.where(room_wait, _kv_room_wait(slots / k, x / O * life_b, life_b, q,
                                                                      wait_shape), 0.0)
                                for p, q in ((p50_b, 0.50), (p99_b, 0.99)))
        pick = (lambda at_load, at_capacity: np.where(under, at_load, at_capacity))
        t_iter, tpot, ttft_p50, ttft = pick(t_b, t_iter), pick(tpot_b, tpot), pick(p50_b, ttft_p50), pick(p99_b, ttft)
        tpot_mean = pick(mean_b, tpot_mean)
        terms = {name: pick(terms_b[name], value) for name, value in terms.items()}
        in_flight = b
    throughput = replicas * d * per_replica
    z = 0 * B
    return {"tp": tp + z, "pp": pp + z, "ep_ranks": d + z, "ep": ep_chips + z, "batch": d * B,
            "replicas": replicas + z, "max_batch": d * max_batch + z,
            "prefill_clock_fraction": pre_rho + z,
            "weights_per_chip": w_chip + z, "kv_per_token": kv_token + z, "t_iter": t_iter, "tpot": tpot,
            "tpot_mean": tpot_mean + z,
            "t_prefill": t_prefill, "ttft": ttft, "ttft_p50": ttft_p50, "throughput": throughput, "ok": ok, "t_compute": t_compute,
            "t_memory": t_memory, "chips_used": replicas * R, "batch_in_flight": d * in_flight + z,
            "offered_share": offered_share + z, "allowed": allowed, "fits": fits, "own_rate_share": own_share + z,
            "usable": M * (1 - _col(load.reserve)), "kv_sequence": kv_chip * (I + age),
            "kv_slots": d * slots + z, "kv_wait_p99": kv_wait_p99 + z,
            # the terms of one decode step and of the prefill, for `factory explain` (broadcast by the caller)
            **terms, "layer_latency_time": L * tl / tau + z, "prefill_compute_time": pre_compute,
            "prefill_memory_time": pre_memory, "prefill_comm_time": pre_comm, "prefill_moe_time": pre_moe + z,
            "prefill_elementwise_time": pre_el + z,
            "prefill_time": t_prefill, "prefill_prompts": n_pass + z}
