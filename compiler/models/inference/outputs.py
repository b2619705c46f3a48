"""The inference model's outputs: what each reads from the solved service, flags and reasons.

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import numpy as np

from .. import (output, rule, unpriced_parts, warn_unpriced, assumptions as A)
from dsl.diagnostics import Code
from .options import default_output_tokens
from .platform import (ONE_TOKEN_REASON, Platform, latency_limit, load_name, offered_load, one_token)
from .solution import solved


# ----------------------------------------------------------------------------- outputs
def feasible_only(ctx, s: dict, value):
    """`value`, declared absent (`ctx.infeasible`) in the scenarios where the workload has no configuration:
    an infeasible workload has no throughput, latency, power or cost, never a number."""
    infeasible = np.asarray(s["feasible"]).reshape(-1) == 0
    if infeasible.any():
        ctx.infeasible(infeasible, s["reason"])
    return value


OVERLOAD_REASON = "offered load above capacity"
# the outputs with no steady value when the offered load exceeds the capacity (absent there: `steady_only`)
UNSTEADY_OUTPUTS = ("ttft", "ttft_p50", "ttft_p99", "tpot", "tpot_mean", "tpot_p99", "tokens_per_s_per_user")


def overloaded_scenarios(ctx, s: dict) -> tuple[np.ndarray, list[str]] | None:
    """The scenarios whose offered load exceeds the capacity (offered_share > 1, the workload feasible there),
    as (mask over the scenarios, one reason per scenario with both numbers); None when there are none. The
    capacity is offered_load / offered_share, the figure the `overloaded` rule reports (the offered load: the
    `offered_load`, else an aggregated service's `demand`, `load_name`)."""
    if load_name(ctx) is None:
        return None
    if "overloaded_scenarios" not in s:         # once per solve: every latency output asks
        s["overloaded_scenarios"] = _overloaded_scenarios(ctx, s)
    return s["overloaded_scenarios"]


def _overloaded_scenarios(ctx, s: dict) -> tuple[np.ndarray, list[str]] | None:
    n = ctx.ev.graph.scenario_count
    share = np.broadcast_to(np.asarray(s["offered_share"], dtype=float).reshape(-1), (n,))
    feasible = np.broadcast_to(np.asarray(s["feasible"]).reshape(-1) != 0, (n,))
    over = feasible & (np.nan_to_num(share, nan=0.0) > 1 + 1e-9)
    if not over.any():
        return None
    from ...display import format_quantity
    offered = np.broadcast_to(np.asarray(offered_load(ctx), dtype=float).reshape(-1), (n,))
    word = "offered" if load_name(ctx) == "offered_load" else "demand"
    texts: dict[tuple[float, float], str] = {}           # each distinct pair of numbers formatted once
    reasons = [""] * n
    for i in np.flatnonzero(over).tolist():
        pair = (float(offered[i]), float(offered[i] / share[i]))
        if pair not in texts:
            texts[pair] = (f"{OVERLOAD_REASON}: {word} {format_quantity(pair[0], 'tok/s')}, carries at most "
                           f"{format_quantity(pair[1], 'tok/s')}")
        reasons[i] = texts[pair]
    return over, reasons


def steady_only(ctx, s: dict, value):
    """A latency figure (`value`): absent where the workload is infeasible (`feasible_only`) and, with no
    diagnostic of its own (the `overloaded` rule gives the error), where its offered load exceeds its capacity:
    the queue grows without bound there, so the figure has no steady value. One declaration carries both
    reasons, each scenario its own."""
    value = feasible_only(ctx, s, value)
    unsteady = _unsteady(ctx, s)
    if unsteady is not None:
        ctx.absent(*unsteady)
    return value


def _unsteady(ctx, s: dict) -> tuple[np.ndarray, list[str]] | None:
    """Where a latency figure has no value: the overloaded scenarios and the infeasible ones, each with its own
    reason (one declaration, so that neither reason overwrites the other); None when none is overloaded."""
    found = overloaded_scenarios(ctx, s)
    if found is None:
        return None
    if "unsteady" not in s:                     # once per solve
        over, reasons = found
        n = over.size
        infeasible = np.broadcast_to(np.asarray(s["feasible"]).reshape(-1) == 0, (n,))
        why = list(s["reason"]) if len(s["reason"]) == n else list(s["reason"]) * n
        s["unsteady"] = (over | infeasible, [why[i] if infeasible[i] else reasons[i] for i in range(n)])
    return s["unsteady"]


def solve_inputs(ctx, kind: str) -> list[str]:
    """The quantities the cached solve of this workload read (for the inputs of its intermediates)."""
    entry = ctx.ev.model_memo.get((kind, ctx.path))
    return list(entry[1]) if entry is not None else []


def show_terms(ctx, s: dict, terms: dict[str, str], kind: str = "inference",
               unsteady: tuple[str, ...] = ()) -> None:
    """The named terms of the chosen configuration (`<workload>.detail.<name>`, seconds), for explain: read
    by the output being computed, absent where the workload has no configuration; the `unsteady` ones (a
    queueing wait) also where the offered load exceeds the capacity (`overloaded_scenarios`)."""
    infeasible = np.asarray(s["feasible"]).reshape(-1) == 0
    absent = (infeasible, s["reason"]) if infeasible.any() else None
    inputs = solve_inputs(ctx, kind)
    over = _unsteady(ctx, s) if unsteady else None
    for name, formula in terms.items():
        path = f"{ctx.path}.detail.{name}"
        if over is not None and name in unsteady and path not in ctx.ev.values:
            # both reasons in one declaration; no error of its own (the outputs and the `overloaded` rule give them)
            ctx.ev.declare_absent(path, None, *over)
            ctx.intermediate(name, s[name], "s", formula, inputs)
        else:
            ctx.intermediate(name, s[name], "s", formula, inputs, absent)


DECODE_TERMS = {
    "decode_gemm_time": "t_gemm = T 2 (A_dense / e(m) + A_exp / e(m_e)) / (tp pp P), T = B (1 + r), "
                        "e(m) = e_c m / (m + m0): the matrix multiplies of one decode step (expert parallelism: "
                        "A_exp's x gamma, the busiest chip's share of the expert pairs, hot experts by the "
                        "model's expert_popularity_cv; without the ADP balancer, adp_balance 0, + the busiest "
                        "rank's extra prompt rows at A_dense; an FP4 checkpoint by GEMM: P_eff of "
                        "fp4_bf16_params and fp4_expert_activation_bits; expert_gemm_tiles 1: e(m_e) = e_c m_e / "
                        "(t ceil(m_e / t)), t the TRTLLM-Gen MoE tile, a power of two within 8-64)",
    "decode_weights_time": "t_weights = pp W_read / (tp pp BW e_m): streaming the weights once per step "
                           "(SRAM-only chips: L instead of pp, each layer read by the region that holds it)",
    "decode_attention_time": "t_att = B F_gen L (I + O/2) / (tp pp P_att e_c): the decode rows' attention (the "
                             "generation kernel, overlapping the KV reads; F_gen 4 D, latent attention 2 heads "
                             "(2 c + p); a sliding window bounds the positions); P_att at most F_gen / heads x the "
                             "chip's softmax_exp_rate; O/2 is (1 + cv_O^2) O / 2 with kv_length_biased",
    "decode_context_attention_time": "t_ctx = B r F_ctx L (I/2) / (tp pp P_att e_c e_fmha(I)): the prompt chunks' attention "
                                     "(the context kernel, launched on its own: it adds to the step)",
    "decode_kv_time": "t_kv = B (I / k + O/2) kv_chip / (BW e_m): reading the KV cache of the batch (k beams; "
                      "O/2 is (1 + cv_O^2) O / 2 with kv_length_biased)",
    "decode_tp_time": "t_tp = 2 L [lat + T h a 2 (tp - 1) / tp / (pp BL e_l)]: tensor-parallel all-reduces "
                      "(expert parallelism over d ranks: + L [2 lat + T / (pp tp) n_r h (a_d + a_c) / (BL e_l)], "
                      "the all-to-all dispatch and combine) "
                      "(SRAM-only chips: 5 L, one exchange per dependent GEMM stage; allreduce_kernels 1: each "
                      "all-reduce as TensorRT-LLM's one-shot, two-shot or NCCL kernel by its bytes and tp)",
    "decode_pp_time": "t_pp = pp lat + T h a / (BL e_l): pipeline hops",
    "decode_overhead_time": "(step_overhead + B seq_overhead) / host_steps: scheduling, sampling, block tables per "
                            "step, done once every host_steps forward steps (1: every step); pp > 1 with "
                            "pipeline_host_overlap 1: a micro-batch's own, step_overhead + (B / pp) seq_overhead; "
                            "with pipeline_overhead_split 1: pp (step_overhead + (B / pp) seq_overhead_host) + B "
                            "(seq_overhead - seq_overhead_host) / pp (with the overlap: one micro-batch's host share)",
    "decode_draft_time": "n_d (t(B, q = 1) - t_over) / L / tau: speculative decoding's n_d draft-head passes over "
                         "the B rows, each a layer-sized pass of a plain decode step, per decoded token (tau "
                         "tokens a verify step; every other term of the verify step is / tau alike; 0 without "
                         "draft tokens)",
    "decode_moe_time": "L [moe_layer_latency + (T / pp) k gamma / c h 2 (a_d + a) / (BW e_m)]: the routed-expert "
                       "layers' fixed time and their expanded (token, expert) rows' traffic (c = 1 at d = 1, else "
                       "tp d; 0 for a dense model)",
    "decode_elementwise_time": "t_el = T (L / pp) b_el / (BW e_copy): the memory-bound kernels between the "
                               "matrix multiplies (add-RMSNorms, activation quantization, rotary and KV write, "
                               "SwiGLU), b_el = 2 h (4 a + a + q) + [a (2 D + kv) + k kv + (a + q) (D + f) + 3 a f] "
                               "/ tp bytes per token and layer on a chip (the norms replicated over tp), e_copy "
                               "3.02 / 3.35, with elementwise_kernels 1 (gemm_swiglu 1: without the SwiGLU terms); "
                               "swiglu_kernel 1 alone: b_el = [3 a f + (a + q) f] / tp, the SwiGLU kernel only; "
                               "fp4_quantize_kernels 1 on NVFP4 weights: + [(a + q) D + 3 a f + (a + q) f] / tp "
                               "(f of the dense layers), the attention output's and the SwiGLU product's NVFP4 "
                               "quantize and the SwiGLU kernel; 0 otherwise",
    "layer_latency_time": "layers * layer_latency: fixed kernel and synchronization time per step "
                          "(SRAM-only chips: layer_latency = 5 dependent GEMM stages x sram_stage_latency)",
}
PREFILL_TERMS = {
    "prefill_compute_time": "I 2 (A_dense / e(I) + A_exp / e(I k / E)) / (tp P) + L I^2 F_ctx / 2 "
                            "/ (tp P_att e_c e_fmha(I)), e_fmha(I) = 0.84 I / (I + 565)",
    "prefill_memory_time": "W / (tp BW e_m): reading the weights once",
    "prefill_comm_time": "2 L [lat + I h a 2 (tp - 1) / tp / (BL e_l)] + pp lat: all-reduces and pipeline hops "
                         "(SRAM-only chips: 5 L exchanges)",
    "layer_latency_time": DECODE_TERMS["layer_latency_time"],
    "prefill_moe_time": "L [moe_layer_latency + I k gamma / c h 2 (a_d + a) / (BW e_m)]: the routed-expert layers' "
                        "fixed time and expanded rows (0 for a dense model)",
    "prefill_elementwise_time": "I L b_el / (BW e_copy): the prompt's memory-bound elementwise kernels "
                                "(decode_elementwise_time's b_el)",
    "prefill_time": "max(prefill_compute_time, prefill_memory_time) + prefill_comm_time + layer_latency_time "
                    "+ prefill_moe_time + prefill_elementwise_time",
    "ttft_wait_time": "ttft - prefill_time: the decode step in flight (offline); server and interactive: the "
                      "rest of the step in flight (and of the scheduling round: scheduler_steps) and the steps "
                      "clearing the p99 prompt tokens of the token budget queue, less the prefill alone; the KV "
                      "transfer (disaggregated); with kv_room_wait 1, the wait for KV room (the Erlang-C wait "
                      "of the rows the cache holds, _kv_room_wait)",
}


def _value(name):
    return lambda ctx: feasible_only(ctx, solved(ctx), solved(ctx)[name])


def _needed(ctx):
    """The fewest accelerators that carry the `demand`; none without one (a count held, `accelerators = 16`, was
    not sized: it is `accelerators_held`, as training's)."""
    if not ctx.is_set("demand"):
        ctx.not_applicable()
    return _value("accelerators_needed")(ctx)


POOL_OUTPUTS = ("prefill_accelerators", "prefill_tp", "prefill_batch", "decode_accelerators")


def _pool(name):
    """A disaggregated service's split (POOL_OUTPUTS): an aggregated service has none (`ctx.not_applicable`: no
    value, as a site with no inference has no tokens/s), never 0 and never a NaN. It has no prefill pool, and its
    decode accelerators are not all of its accelerators either (they prefill too): `accelerators`
    (tokens_per_s / tokens_per_s_per_chip) is its count."""
    def compute(ctx):
        if ctx.text("serving", "aggregated") != "disaggregated":
            ctx.not_applicable()
        return feasible_only(ctx, solved(ctx), solved(ctx)[name])
    return compute


def _tpot(ctx):
    s = solved(ctx)
    show_terms(ctx, s, DECODE_TERMS)
    no_second_token(ctx)
    return steady_only(ctx, s, s["tpot"])


def no_second_token(ctx) -> None:
    """A time per output token (tpot, tpot_mean, tpot_p99 and their band's ends) is the time between two output
    tokens, (e2e - ttft) / (O - 1): a request of O = 1 output token has none, so the figure is absent where
    `output_tokens` <= 1 (n/a with ONE_TOKEN_REASON, null in JSON), and so is what reads it (tokens_per_s_per_user
    = 1 / tpot, tpot_limit_use). The solve itself is not changed (s23-hunt: before, such a service printed a TPOT
    of one decode step, 71.46 ms for Llama 3.1 8B on a DGX H100, as if a second token came)."""
    one = one_token(ctx.get("output_tokens", default_output_tokens))
    if one.any():
        ctx.absent(one, ONE_TOKEN_REASON)


# the parts of a disaggregated service's first token beside the prefill pass (shown only where it serves so)
DISAGGREGATED_TERMS = {
    "kv_transfer_time": "I kv / (min(prefill_tp, kv_heads) BW_link e_l): one prompt's KV cache from its prefill worker "
                        "to its decode replica, over the scale-up links (chip scaleup_bw / 2) where both pools lie in "
                        "one scale-up domain, else the scale-out network (the NICs' bandwidth per chip)",
    "prefill_queue_time": "the p99 wait for a prefill worker: ln(max(P_w / 0.01, 1)) (1 + cv^2) / 2 / (c mu (1 - rho)), "
                          "P_w = rho^(sqrt(2 (c + 1)) - 1), c workers of mu = n / t_pass requests/s (M/G/c, "
                          "Allen-Cunneen with Sakasegawa's P_w)",
}


def _ttft(ctx):
    s = solved(ctx)
    s.setdefault("ttft_wait_time", s["ttft"] - s["prefill_time"])
    terms = {**PREFILL_TERMS, **DISAGGREGATED_TERMS} if "kv_transfer_time" in s else PREFILL_TERMS
    show_terms(ctx, s, terms, unsteady=("ttft_wait_time", "prefill_queue_time"))
    return steady_only(ctx, s, s["ttft"])


def _latency(name, shown=None):
    """The solve's latency `name`; `shown`: the output it equals (ttft_p99 = ttft, tpot_p99 = tpot), read as shown
    (the model's, or the one the spec sets: s16-num2, a set `tpot = 10 ms` read tpot_p99 at the model's 94.7 ms)."""
    def compute(ctx):
        s = solved(ctx)
        if name.startswith("tpot"):
            no_second_token(ctx)
        return steady_only(ctx, s, s[name] if shown is None else ctx.get(shown))
    return compute


def _always(name):
    return lambda ctx: solved(ctx)[name]


for _name, _formula in (
        ("tp", "argmax over (tp, pp, batch) of tokens/s within the limits"),
        ("pp", "argmax over (tp, pp, batch) of tokens/s within the limits"),
        ("batch", "argmax over (tp, pp, batch) of tokens/s within the limits, B <= max_batch, B <= max_batch_size; "
                  "server: B on a geometric grid (72 points, ratio 1.146: up to one grid step short of the binding "
                  "limit), both limits met at the rate B rows carry (`capacity_at_own_rate`), unless "
                  "`capacity_solve` 1 solves it, the limits x `operating_fraction`"),
        ("replicas", "floor(accelerators / (tp * pp * d)) (d: attention ranks sharing the experts, 1 unless `ep` "
                     "is set on a MoE model); disaggregated: the decode pool's replicas, floor(decode_accelerators / "
                     "(tp pp d))"),
        ("max_batch", "d floor((memory (1 - reserve) - weights_per_chip) / (kv_chip (I / beams + O/2)))"),
        ("weights_per_chip", "params * bytes(precision) / (tp * pp); MoE over d ranks: dense share / (tp pp) + "
                             "experts / (tp pp d)"),
        ("kv_per_token", "layers * kv_width * bytes(kv_precision)"),
        ("ttft", "t_prefill + t_iter (server scenarios: the p99 of the token budget queue; disaggregated: the "
                 "prefill pool's p99 wait (M/G/c) + the prefill pass t_pass + the KV transfer + the decode step at the "
                 "rows in flight)"),
        ("tpot", "max(t_gemm, t_weights) + max(t_attention, t_kv) + t_context_attention + t_tp + t_pp + t_overhead "
                 "+ layers * layer_latency + t_elementwise (server, interactive: the mixture of loaded and decode-only "
                 "steps, f t(lump) + (1 - f) t(0), at the p99 prompt load r (1 + 2.326 / sqrt(B))); speculative "
                 "decoding (draft_tokens > 0): the verify step's terms and t_draft, all / tau"),
        ("feasible", "1 when some configuration fits and meets ttft_limit and tpot_limit"),
        ("prefill_accelerators", "disaggregated: c tp_p, c the fewest prefill workers whose p99 TTFT fits at demand / O "
                                 "requests/s (M/G/c, mu = n / t_pass a worker) in the pools of fewest accelerators "
                                 "that carry the demand, or the split that serves the most; set it to fix it (absent "
                                 "when aggregated)"),
        ("prefill_tp", "disaggregated: a prefill worker's tensor parallelism, argmax of requests/s per chip n / "
                       "(t_pass tp_p) within the TTFT limit among the workers that leave a decode replica room (with "
                       "a demand: the worker of the pools of fewest accelerators); set it to fix it (absent when "
                       "aggregated)"),
        ("prefill_batch", "disaggregated: whole prompts a prefill pass carries, n <= floor(prefill_tp max_num_tokens / "
                          "I) (and the prompts' KV within the free memory), searched with prefill_tp (absent "
                          "when aggregated)"),
        ("decode_accelerators", "disaggregated: reps x a decode replica's chips, reps >= ceil(demand / O / its "
                                "requests/s) in the pools of fewest accelerators, or the accelerators less the "
                                "prefill pool (absent when aggregated)"),
        ("accelerators_needed", "ceil(demand / tokens/s per replica) * (tp * pp * d) (disaggregated: prefill + decode "
                                "accelerators, the fewest over the prefill workers, decode layouts and replicas that "
                                "carry the demand within the limits; without `accelerators`: the accelerators the "
                                "service is sized to and holds; none without a `demand`: accelerators_held)"),
        ("tokens_per_s", "replicas * batch / (beams * t_iter) (the mean step, per decoded token: speculative "
                         "decoding's verify step / tau; server: at most the rate the p99 TTFT allows)"),
        ("clock_fraction", "rho(x) = 1 / (s / x + 1 - s) of the chosen decode step at its own activity: x = "
                           "min(1, ((cap - idle - b u_m) / (a u_c))^(1/3)) (compiler.models.power)")):
    compute = {"tpot": _tpot, "ttft": _ttft, "accelerators_needed": _needed}.get(_name) or (
        _always(_name) if _name in ("feasible", "kv_per_token") else _pool(_name) if _name in POOL_OUTPUTS
        else _value(_name))
    output("inference", _name, _formula)(compute)

for _name, _key, _formula in (
        ("ttft_p50", "ttft_p50", "median time to first token: server and interactive, the rest of the step in "
                                 "flight (E[t^2] / (2 E[t]) over the step mixture) + "
                                 "N_50 steps clearing X_50 prompt tokens of the token budget queue (FCFS, "
                                 "room = pp tp max_num_tokens - b - pp (context_chunk_unit - 1) / 2 per step); offline and single stream: ttft"),
        ("ttft_p99", "ttft", "99th percentile time to first token (= ttft): the rest of the step in flight + "
                             "N_99 steps "
                             "clearing X_99 prompt tokens of the token budget queue"),
        ("tpot_mean", "tpot_mean", "mean time per output token: one decode step at the mean prompt load (server and "
                                   "interactive: the mean of loaded and decode-only steps, f t(lump) + (1 - f) t(0), "
                                   "lump = min(room, max(I, b r)), f = b r / lump; with `prompt_busy_window` 1 the "
                                   "mean over requests of their own steps' mean, busy_window_tpot)"),
        ("tpot_p99", "tpot", "99th percentile over requests of their mean time per output token (= tpot): the step "
                             "at the p99 prompt load r (1 + 2.326 / sqrt(B)) in server and interactive")):
    output("inference", _name, _formula)(_latency(_key, {"ttft_p99": "ttft", "tpot_p99": "tpot"}.get(_name)))

output("inference", "batch_in_flight", "offered_load set and below capacity: b = beams x (offered_load / replicas) "
                                       "x t_iter(b) (Little's law, the smallest batch carrying it), else batch; "
                                       "disaggregated: the decode pool's rows a replica at the load it serves "
                                       "(Little's law, at least 1 a rank, at most batch)")(
    _value("batch_in_flight"))


def _limit_held(i: int):
    """The output of latency_limit (the limit itself: the solve holds the capacity point to f x it, f
    `operating_fraction`); not applicable outside server and interactive (offline has no latency limit)."""
    def limit_held(ctx):
        scenario = ctx.text("scenario", "offline")
        if scenario not in ("server", "interactive"):
            ctx.not_applicable()
        return latency_limit(ctx, ctx.ref("model"), scenario, i)
    return limit_held


output("inference", "ttft_limit_held", "ttft_limit, else the MLPerf TTFT p99 limit of its model's benchmark "
       "(server and interactive); the capacity point is held to operating_fraction x it")(_limit_held(0))
output("inference", "tpot_limit_held", "tpot_limit, else the MLPerf TPOT p99 limit of its model's benchmark "
       "(server and interactive); the capacity point is held to operating_fraction x it")(_limit_held(1))
def _limit_use(what: str):
    """`<what>_p99 / <what>_limit_held`: the share of the limit the service's p99 takes (above 1: over it); absent
    where the limit is not finite (a benchmark with none for the scenario)."""
    def use(ctx):
        if not ctx.has(f"{what}_limit_held"):
            ctx.not_applicable()
        limit = ctx.get(f"{what}_limit_held")
        unbounded = ~np.isfinite(limit) | ~(limit > 0)
        if np.all(unbounded):
            ctx.not_applicable()
        if np.any(unbounded):
            ctx.absent(unbounded, f"no finite {what.upper()} limit there")
        return ctx.get(f"{what}_p99") / np.where(unbounded, 1.0, limit)
    return use


output("inference", "ttft_limit_use", "ttft_p99 / ttft_limit_held")(_limit_use("ttft"))
output("inference", "tpot_limit_use", "tpot_p99 / tpot_limit_held")(_limit_use("tpot"))
output("inference", "offered_share", "offered_load (aggregated, else demand) / tokens_per_s (the capacity); 1 when "
                                     "neither is set (the default offered load is the capacity: the latencies are "
                                     "those at it)")(
    lambda ctx: feasible_only(ctx, solved(ctx), np.nan_to_num(solved(ctx)["offered_share"], nan=1.0)))


def _idle(ctx):
    """The accelerators the chosen layout leaves idle, of those the service holds (`chips`, the count its figures are
    for): aggregated, chips - replicas tp pp d (accelerators that are no multiple of a replica's); disaggregated,
    the prefill pool's chips beyond whole workers of prefill_tp plus the decode pool's beyond whole replicas. The
    service pays for them all: its $/Mtok and tokens_per_s_per_chip count every accelerator it holds, its power the
    idle ones at their idle draw (compiler.models.workloads.wall_power_per_accelerator)."""
    s = solved(ctx)
    idle = s["chips"] - s["replicas"] * s["tp"] * s["pp"] * s["ep_ranks"]
    if "kv_transfer_time" in s:                 # disaggregated: the decode pool's, plus the prefill pool's
        pre, tp_p = s["prefill_accelerators"], np.maximum(s["prefill_tp"], 1)
        idle = (s["decode_accelerators"] - s["replicas"] * s["tp"] * s["pp"] * s["ep_ranks"]
                + pre - tp_p * np.floor(pre / tp_p + 1e-9)
                + s["chips"] - pre - s["decode_accelerators"])   # held beyond the pools a demand sized (_held_pools)
    return feasible_only(ctx, s, idle)


output("inference", "idle_accelerators", "accelerators - replicas * tp * pp * d (disaggregated: each pool's "
                                         "accelerators beyond whole workers and replicas)")(_idle)
output("inference", "ep", "tp * pp * d for a mixture-of-experts model (the chips its experts are spread over: d "
                         "attention data-parallel ranks of tp x pp chips, argmax of the search), else 1")(
    lambda ctx: feasible_only(ctx, solved(ctx), solved(ctx)["ep"]))
# the per-chip and per-system rates read the tokens_per_s shown (the model's, or the one the spec sets), as
# tokens_per_joule and served_tokens_per_s do: one throughput behind every rate (s16-hunt-num)
output("inference", "tokens_per_s_per_chip", "tokens_per_s / accelerators")(
    lambda ctx: feasible_only(ctx, solved(ctx), ctx.get("tokens_per_s") / np.maximum(solved(ctx)["chips"], 1)))
output("inference", "tokens_per_s_per_user", "1 / tpot")(
    lambda ctx: steady_only(ctx, solved(ctx), 1 / ctx.get("tpot")))
output("inference", "tokens_per_s_per_system", "tokens_per_s_per_chip * accelerators of one server or rack")(
    lambda ctx: feasible_only(ctx, solved(ctx), ctx.get("tokens_per_s_per_chip") * Platform(ctx).per_system))


def _power(ctx):
    """The wall power of the servers used while serving, at the service's own load: accelerators * system_power /
    accelerators per system (bare chips: accelerators * accelerator_power, which a power_cap bounds), as a training
    run's, the accelerators the layout leaves idle at their idle draw (workloads.wall_power_per_accelerator). It was the system at the site's average `utilization` (0.85 by default, whatever the service does): a
    Cerebras CS-3 at batch 1 drew 19.89 kW there against 2.46 kW of system_power at its own load."""
    from ..workloads import wall_power_per_accelerator
    s = solved(ctx)
    return feasible_only(ctx, s, wall_power_per_accelerator(ctx) * s["chips"])


output("inference", "power", "(accelerators - idle_accelerators) * system_power / accelerators per system + "
       "idle_accelerators * the system's wall power per accelerator at idle draw (bare chips: accelerator_power and "
       "the idle draw): the wall power at the service's own load")(_power)
def carried_tokens_per_s(ctx) -> np.ndarray:
    """The tokens per second the service carries while busy: tokens_per_s * min(offered_share, 1) (the offered load,
    an aggregated service's demand, below the capacity, else the capacity), the load its `power` is drawn at."""
    return ctx.get("tokens_per_s") * np.minimum(ctx.get("offered_share"), 1.0)


def _served(ctx):
    """The tokens per second served on average: the load carried while busy times the share of the time it is
    busy (compiler.models.cost.service_duty_cycle: its `utilization`, else service_utilization 0.6). A load above
    the capacity is carried at the capacity, with the `overloaded` error (never in silence)."""
    from ..cost import service_duty_cycle
    return feasible_only(ctx, solved(ctx), carried_tokens_per_s(ctx) * service_duty_cycle(ctx))


output("inference", "served_tokens_per_s", "tokens_per_s * min(offered_share, 1) * utilization: the load carried "
                                           "while busy (offered_load, else demand, else the capacity) times the "
                                           "duty cycle (the service's utilization, else service_utilization 0.6)")(
    _served)


output("inference", "tokens_per_joule", "tokens_per_s * min(offered_share, 1) / power: the tokens carried over the "
                                        "power at that load")(
    lambda ctx: feasible_only(ctx, solved(ctx), carried_tokens_per_s(ctx) / ctx.get("power")))
output("inference", "tokens_per_s_per_mw", "tokens_per_s * min(offered_share, 1) / power (SI tok/J, shown per MW)")(
    lambda ctx: feasible_only(ctx, solved(ctx), carried_tokens_per_s(ctx) / ctx.get("power")))


def accelerator_cost(ctx, platform: Platform, figure: str, wall_power=None) -> np.ndarray:
    """USD per accelerator-second: the workload's figure, the site's TCO, else capex + energy (at the workload's own
    `let electricity_price`, else the nearest site's `electricity_price`, else the assumption's; the accelerators
    its layout leaves idle at their idle draw: compiler.models.workloads.with_idle_share; `wall_power`, a wall
    power per held accelerator, where the caller knows the one its workload draws: a training run's power / n,
    so that its cost's energy dollars are its energy x price). Where the
    site's or the system's (or rack's) capex counts parts without a price as $0, their `unpriced` warnings
    name the workload's `figure` (its $/Mtoken or cost) too: it holds only the priced parts' capex."""
    if ctx.is_set("accelerator_cost"):
        return ctx.get("accelerator_cost")
    def own():
        from ..cost import it_capital_recovery
        recovery = it_capital_recovery(ctx)       # CRF(r, life_it): the finance block's, else the assumptions'
        price = ctx.inherited("electricity_price", A.electricity_price)   # its own `let`, else its site's
        capex = platform.capex_per_chip()
        holder = platform.rack if platform.rack is not None else platform.system
        if holder is not None:
            for part in unpriced_parts(holder):
                warn_unpriced(part, f"{ctx.path}.{figure}",
                              note=f"`{ctx.path}.{figure}` counts it as $0 (through `{holder.path}.capex_it`)")
        from ..workloads import with_idle_share
        # energy: the caller's own draw per held accelerator, else the planning wall power of a busy one (the idle
        # draw's of those the layout leaves idle)
        power = with_idle_share(ctx, platform.wall_power_per_chip()) if wall_power is None else wall_power
        return capex * recovery + power * price

    def warn_site(site):
        for part in unpriced_parts(site):
            warn_unpriced(part, f"{ctx.path}.{figure}", note=f"`{ctx.path}.{figure}` counts it as $0 "
                          f"(through `{site.path}.cost_per_accelerator_hour`)")

    def site_tco(site):
        tco = site.get("cost_per_accelerator_hour")
        warn_site(site)
        return tco

    def service_hour(site, key, rate):
        """The hour of an accelerator of type `key` at the site, its type's energy share swapped for its own
        draw (compiler.models.cost.service_accelerator_hour), as the site's metered energy counts it: an
        inference service's `wall_power` (its duty cycle's), any other workload's (a training run's) the site's
        planning draw w(t) at its `utilization`, as facility_power_metered counts those accelerators."""
        from ..cost import service_accelerator_hour
        mine = service_accelerator_hour(site, key, wall_power if ctx.kind == "inference" else None)
        return rate if mine is None else mine

    def site_hour(site):
        """The site's hour of the workload's own chip type (compiler.models.cost.type_accelerator_hour): its TCO
        per accelerator-hour where it places one type, else that type's share of its bill; the workload's own
        capex + energy where the site places none of its type (`over-committed` flags that)."""
        from ..cost import type_accelerator_hour
        from ..workloads import _definition
        hours = type_accelerator_hour(site)
        key = id(_definition(ctx, platform.chip.inst.block))
        mine = hours.get(key)
        if mine is None:
            return own()
        if len(hours) == 1:
            return service_hour(site, key, site_tco(site))
        warn_site(site)               # not the blended cost_per_accelerator_hour: its type's share of the bill
        held = np.asarray(mine[1]) > 0
        rate = service_hour(site, key, mine[2])
        return rate if np.all(held) else np.where(held, rate, own())   # a sweep placing none of it: its own

    level = ctx.parent
    while level is not None:
        if level.kind == "site" and level.has("cost_per_accelerator_hour"):
            acc = level.get("accelerators")
            if np.all(acc > 0):
                return site_hour(level)
            if np.any(acc > 0):       # per scenario: the site's TCO where it places accelerators
                return np.where(acc > 0, site_hour(level), own())
        level = level.parent
    return own()


def mean_wall_per_accelerator(ctx) -> np.ndarray:
    """w = u x power / chips + (1 - u) x W(P_idle): the service's mean wall power per held accelerator over the
    hour, busy its duty cycle u (compiler.models.cost.service_duty_cycle) at its load, idle the rest with every
    chip at its idle draw (workloads.idle_draw, at its server's wall: workloads.wall_power_at)."""
    from ..cost import service_duty_cycle
    from ..workloads import idle_draw, wall_power_at
    u = service_duty_cycle(ctx)
    chips = np.maximum(solved(ctx)["chips"], 1)
    return u * ctx.get("power") / chips + (1 - u) * wall_power_at(ctx, idle_draw(ctx))


output("inference", "accelerators_held", "the accelerators it holds and pays for every hour, busy or idle "
                                         "(`accelerators`, else accelerators_needed)")(
    lambda ctx: feasible_only(ctx, solved(ctx), solved(ctx)["chips"] * np.ones(1)))
output("inference", "power_avg", "utilization * power + (1 - utilization) * accelerators_held * idle wall power: "
                                 "its mean wall power over the hour (busy its duty cycle, idle the rest)")(
    lambda ctx: feasible_only(ctx, solved(ctx), mean_wall_per_accelerator(ctx)
                              * np.maximum(solved(ctx)["chips"], 1)))


def _usd_per_token(ctx):
    """The service's cost per hour over the tokens it serves in it: every accelerator it holds (`chips`, idle ones
    and idle hours too) at its chips' accelerator-hour, over served_tokens_per_s (the load carried while busy times
    the duty cycle). Halving a demand below the capacity doubles it; the capacity it does not sell is paid for.
    Priced by its own hour (no site TCO), the hour's energy is the service's own mean draw: u x power / chips +
    (1 - u) x W(P_idle), u the duty cycle, so that its energy dollars are its energy x price (a power cap or a
    lighter load lowers them by u x the power saved x price). A site's TCO hour carries the site's metered energy
    by the same draw (compiler.models.cost.service_accelerator_hour), so that its services' costs add up to its
    bill (test_cost_per_token, test_tco_duty_cycle). That draw's price per watt is e = price x (k + L0 / (it_power_avg
    + D)) (L0 the no-load losses, D the services' draw less the site's planning draw), so racks that no service
    holds, which add to L0 but not to D, move a service's $/Mtok by w_s x de: a real dependency, not round-off
    (8 -> 9 DGX H100 racks beside an 8-GPU service: -8.1e-05 %; none at a set `pue`, where L0 = 0;
    tests/test_usd_per_mtok_unused_racks16.py)."""
    platform = Platform(ctx)
    s = solved(ctx)
    # its own mean wall power per held accelerator: busy u of the time at `power` (its load), idle the rest with
    # every chip at its idle draw; its energy in its own hour and in its site's (accelerator_cost)
    mean_wall = mean_wall_per_accelerator(ctx)
    return feasible_only(ctx, s, accelerator_cost(ctx, platform, "usd_per_mtok", wall_power=mean_wall) * s["chips"]
                         / ctx.get("served_tokens_per_s"))


output("inference", "usd_per_mtok", "accelerators * cost per accelerator-hour / served_tokens_per_s "
                                    "(tokens_per_s * min(offered_share, 1) * utilization, utilization: the "
                                    "workload's, else service_utilization 0.6; no site TCO: capex CRF(r, life) + "
                                    "(utilization * power / accelerators + (1 - utilization) * idle wall power) * "
                                    "electricity_price; inside a site that prices it, the site's hour of its chip "
                                    "type with the site's energy per watt of the service's own draw, price x (k + "
                                    "no-load losses / (it_power_avg + D)), D its draw less the site's planning draw: "
                                    "racks no service holds add no-load losses and so move it a little, 8 -> 9 DGX "
                                    "H100 racks beside an 8-GPU service -8.1e-05 %, none at a set `pue`)")(
    _usd_per_token)
output("inference", "cost_per_hour", "usd_per_mtok * served_tokens_per_s = accelerators * cost per "
                                     "accelerator-hour: what the service pays every hour, busy or idle (USD/s in SI, "
                                     "shown per hour)")(
    lambda ctx: ctx.get("usd_per_mtok") * ctx.get("served_tokens_per_s"))


@rule("inference", Code.OVERLOADED, "the offered load (an aggregated service's demand) is within its capacity")
def overloaded(ctx):
    """offered_load (an aggregated service's demand where it sets none) > tokens_per_s (offered_share > 1): the
    queue grows without bound, latencies have no steady value; the latency outputs (UNSTEADY_OUTPUTS) are absent in
    those scenarios (`steady_only`), the tokens served are the capacity's, flagged by this error. A demand's message
    names the accelerators it needs; an aggregated service's demand beside an offered load (the load carried) must
    fit the capacity too. Not applicable without an offered load or demand."""
    from ...display import format_quantity

    name = load_name(ctx)
    if name is None:
        return None
    findings = []
    if name == "offered_load" and ctx.is_set("demand") and ctx.text("serving", "aggregated") != "disaggregated":
        # a demand beside an offered load: the offered load is carried, the demand still has to fit the capacity
        s = solved(ctx)
        demand, capacity = np.broadcast_arrays(np.asarray(ctx.get("demand"), dtype=float),
                                               np.asarray(s["tokens_per_s"], dtype=float))
        feasible = np.broadcast_to(np.asarray(s["feasible"]).reshape(-1) != 0, demand.shape)
        over = feasible & (demand > capacity * (1 + 1e-9))
        if over.any():
            i = int(np.flatnonzero(over)[0])
            needed = float(np.broadcast_to(ctx.get("accelerators_needed"), over.shape)[i])
            findings.append((over, f"`{ctx.path}` has a demand of {format_quantity(demand[i], 'tok/s')} but carries "
                                   f"at most {format_quantity(capacity[i], 'tok/s')}: it needs {needed:g} "
                                   f"accelerators (accelerators_needed; set `accelerators` to it)", []))
    share = np.asarray(solved(ctx)["offered_share"], dtype=float)
    feasible = np.asarray(solved(ctx)["feasible"]).reshape(-1) != 0     # no configuration: its own error alone
    share = np.broadcast_to(share.reshape(-1), np.broadcast(share.reshape(-1), feasible).shape)
    failing = feasible & (np.nan_to_num(share, nan=0.0) > 1 + 1e-9)
    if not failing.any():
        return findings
    i = int(np.flatnonzero(failing)[0])
    offered = float(np.broadcast_to(ctx.get(name), failing.shape)[i])
    capacity = offered / float(np.broadcast_to(share, failing.shape)[i])
    if name == "demand":
        needed = float(np.broadcast_to(ctx.get("accelerators_needed"), failing.shape)[i])
        held = float(np.broadcast_to(solved(ctx)["chips"], failing.shape)[i])
        message = (f"`{ctx.path}` has a demand of {format_quantity(offered, 'tok/s')} but its {held:g} accelerators "
                   f"carry at most {format_quantity(capacity, 'tok/s')}: it needs {needed:g} (accelerators_needed; "
                   f"set `accelerators` to it). Its tokens served and $/Mtok are at its capacity, its latencies "
                   f"absent ({', '.join(UNSTEADY_OUTPUTS)})")
    else:
        message = (f"`{ctx.path}` is offered {format_quantity(offered, 'tok/s')} but carries at most "
                   f"{format_quantity(capacity, 'tok/s')}: its queue grows without bound, so its latencies have no "
                   f"steady value ({', '.join(UNSTEADY_OUTPUTS)} are absent there)")
    return findings + [(failing, message, [])]
