"""Inference model: memory, parallelism, prefill and decode times, latency limits, and a vectorized search.

Pipeline position: registered model of `compiler.models` (the `inference` and `model` kinds); imports numpy
and the registry only. `search()` is a pure NumPy function (also used by bench/bench_search.py): every
configuration (tensor parallel tp x pipeline parallel pp x batch B) is one column of a (scenarios x
configurations) array, evaluated in one pass; nothing loops over configurations.

Symbols (per replica of R = tp * pp chips, tp pp d with expert parallelism below; all quantities SI):
    N, A        total and active parameters; L layers; h hidden size; D = heads * head_dim (attention width)
    w, k, a     bytes per weight (bf16 2, fp8/int8 1, fp4 0.5 + its block's scale: FP4 weights; a mixed checkpoint
                bits / 8: Mixed weights,
                below), per KV value (default fp8 when the chip has fp8), per activation (2)
    kv          KV bytes per token = L * kv_width * k, kv_width = 2 * kv_heads * head_dim, or the model's
                `let kv_cache_width` (latent attention, DeepSeek MLA: 576)
    I, O        input and output tokens per request (output: per beam, counted once per request)
    k           beams per request (`let beams`, default 1): beam search decodes k rows of the batch per request
    r           r = I / (k O) prefill tokens per decoded row (a request's prompt is prefilled once for its k beams);
                0 in a single stream, whose one request is prefilled (TTFT t_pre) before it decodes
    P, P_att    peak dense FLOP/s of one chip at the weight precision (a mixed checkpoint: P_eff, Mixed
                weights, below), and for attention (the KV precision's rate, else bf16), at the full clock; every compute time below is divided by the rate rho the
                power limit allows that step at its own activity (Clock, below)
                Softmax exponentials: a score of attention costs 4 head_dim FLOP (QK^T and PV, 2 per
                multiply-add) and one exponential on the special function units (MUFU.EX2), so a chip with
                `let softmax_exp_rate` X (exponentials/s) has P_att = min(P_att, 4 head_dim X) [S]: B200 and GB200
                5e12/s, 2.56 PFLOP/s at head_dim 128 (0.57 of their FP8 rate); B300 and GB300 10.7e12/s ("doubling
                SFU throughput", NVIDIA), 5.5 PFLOP/s, binding only at head_dim 64 (2.7 PFLOP/s) (stdlib/chips.factory;
                tensor cores and exponentials overlap in FlashAttention-style kernels: the slower one sets the rate)
    M, BW, BL   usable memory, memory bandwidth, scale-up link bandwidth per direction (scaleup_bw / 2)
    e_c, e_m    achieved fractions of peak FLOP/s (large GEMMs) and of memory bandwidth (see below)
    e_l         achieved fraction of the scale-up link bandwidth by an all-reduce

Memory (per chip):
    weights     W_chip = N * w / R             (MoE: every expert is stored; over d ranks: Expert parallelism)
    free        F = M * (1 - memory_reserve) - W_chip                  (kv_cache_fraction not set: vLLM's law at
                gpu_memory_utilization = 1 - memory_reserve, the activations inside the reserve)
                F = f (M (1 - memory_reserve) - W_chip - A_ws)          (`let kv_cache_fraction` f > 0: TensorRT-LLM's
                free_gpu_memory_fraction of the memory free after the engine's weights and activation workspace;
                f = 1 and memory_reserve = 1 - u is vLLM's law with its profiled activations, kv_budget)
                A_ws = max_num_tokens (A / L) a / h                     (activation workspace per chip [D]: the
                engine sizes it for its token budget; a token's outputs of one layer's matmuls, summed, are the
                layer's active weights over the hidden width; TensorRT reuses the buffers, so this is an upper
                bound [U]); M is the capacity the driver reports (nvidia-smi / rocm-smi, stdlib/chips.factory)
    KV          kv_chip = kv / pp / min(tp, kv_heads)                (heads split over tp; MLA latent: / 1)
    fits        B_max = floor(F / (kv_chip * (I / k + O / 2)))       (paged KV: the mean context is held; the
                k beams of a request hold its prompt's KV once); B counts decoded rows (beams), and a batch holds
                at least one request: k <= B <= B_max (a request's k beams are decoded together, so a cache, an
                engine cap or a fixed batch with room for fewer than k rows cannot run it: infeasible); a single
                stream decodes one request, its k rows: B = k
    KV room     (`let kv_room_wait` 1, server and interactive; 0 by default: docs/accuracy.md "KV room in Server")
                a row holds I / k + (1 + cv_O^2) O / 2 on average over the rows in flight (length-biased: a request
                of o tokens is in flight o steps; cv_O `output_length_cv`), so the cache holds c = F / (kv_chip
                (I / k + (1 + cv_O^2) O / 2)) rows and B_max = floor(c) (kv_slots); a new request waits for KV room
                as an Erlang-C queue of c slots at the requests in flight a = rho O t_iter / s, service O t_iter
                (_kv_room_wait), its quantile added to TTFT p50 and p99, the rate cut holding the sum at ttft_limit.
                With `let kv_wait_service_spread` 1 (0 by default; validate MECHANISMS "kv_cap", docs/accuracy.md
                "A hard cap on rows in flight") the slots are released after general lives, O_i t_iter with cv_O:
                an M/G/c wait, the Erlang-C chance to wait P_w and, given a wait, an exponential of mean
                g S / (c - a), g = (1 + cv_O^2) / 2 (Lee and Longton's M/G/c approximation [S]), so
                W_q = g S / (c - a) ln(P_w / (1 - q)); g = 1 is the Erlang-C wait above.
                The step's KV reads keep I / k + O / 2 [U], unless `let kv_length_biased` 1 (0 by default; every
                scenario): the rows of a step are length-biased as the cache's are, so the step's KV reads, its
                generation attention and the cache's rows all take I + (1 + cv_O^2) O / 2 (in_flight_age [D];
                docs/accuracy.md "DeepSeek-R1 as NVIDIA ran it")
    engine cap  B <= floor(max_batch_size / d)                       (`let max_batch_size`: the sequences one
                serving engine, a tp x pp replica, holds at most; TensorRT-LLM's max_batch_size x pp; not set: no
                cap; engine_batch_cap)

Decode step (every sequence of the batch advances one token; aggregated serving also carries the prefill
of the requests that replace finished ones, r * B prompt tokens per step: chunked prefill):
    tokens      T = B (1 + r);  GEMM rows per micro-batch m = T / pp;  per routed expert m_e = m k_act / E
    GEMM shape  e(m) = e_c m / (m + m0)      (tiles of 64-128 rows idle SMs at small m; m0 = gemm_half_rows,
                on Blackwell FP4 scaled by the rate for the dense GEMMs: FP4 GEMM knee, below; the routed
                experts' grouped GEMM keeps gemm_half_rows, at the rows of a touched expert, m_e / u: Routed
                experts' grouped GEMM, below)
    matmuls     t_gemm = T 2 (A_dense / e(m) + A_exp / e(m_e)) / (R P)
                A_exp = N_experts k_act / E (active routed-expert parameters), A_dense = A - A_exp
    weights     t_w = pp W_read / (R BW e_m)        (SRAM-only chips: L W_read / (R BW e_m), below)
                W_read = N_dense w + N_experts w (1 - (1 - k_act / E)^(T / pp))   (experts touched)
    attention   generation  t_att = B F_gen L (I + O/2) / (R P_att e_c)    (each decode row over its context)
                context     t_ctx = B r F_ctx L (I/2) / (R P_att e_c e_fmha(I))   (the prompt chunks, causal;
                            e_fmha the context kernel's rate against a GEMM's: Context attention kernel, below)
                KV       t_kv = B (I / k + O/2) kv_chip / (BW e_m)   (the beams' shared prompt read once)
                F_gen = F_ctx = 4 D FLOP per attended position, layer and token; latent attention (MLA) and
                sliding-window layers change F and the positions: "Attention of latent and windowed layers" below
                The generation kernel streams the KV cache (its roofline: max(t_att, t_kv)); the prompt chunks'
                attention is the context kernel (TensorRT-LLM's GPT attention: a fused FlashAttention kernel for
                the context phase, masked MHA or XQA for the generation phase; in-flight batching packs the
                context tokens ahead of the generation tokens, nvidia.github.io/TensorRT-LLM advanced/gpt-attention
                and features/paged-attention-ifb-scheduler, read 2026-12 [S]), launched on its own: t_ctx adds
    TP comm     t_tp = n_x L [lat + T h a 2 (tp - 1) / tp / (pp BL e_l)]   (n_x = 2 ring all-reduces per layer;
                SRAM-only chips: n_x = G = 5, below); `allreduce_kernels` 1 (the default since 2026-12-06): each
                all-reduce of M = T h a / pp bytes priced as the kernel TensorRT-LLM picks for it (TP all-reduce
                by kernel, below: NCCL at every size where the GPUs have no NVLink); 0: the ring formula here
    PP hops     t_pp = pp lat + T h a / (BL e_l)                        (pp > 1)
    overheads   t_over = step_overhead + B seq_overhead (the in-flight batching scheduler: 0 for a single
                stream); L layer_latency per step; `pipeline_host_overlap` 1 (opt-in) and pp > 1: t_over =
                step_overhead + (B / pp) seq_overhead, the step at least pp t_over (Pipeline host overlap, below)
                `pipeline_overhead_split` 1 (opt-in) and pp > 1: t_over = pp (step_overhead + (B / pp) ts_h)
                + B (seq_overhead - ts_h) / pp, ts_h = seq_overhead_host (Pipeline overhead split, below)
    MoE module  t_moe = L [moe_layer_latency + n_pairs h 2 (a_d + a) / (BW e_m)] (routed experts' fixed time and
                expanded rows; 0 for a dense model: Routed experts' grouped GEMM, below)
    elementwise t_el = T (L / pp) b_el / (BW e_copy)  (`elementwise_kernels` 1; 0 by default: Elementwise work, below)
                + T (L / pp) t_tok                (a chip's `let token_layer_time`; 0 by default: Per-token work, below)
    step        t_iter = max(t_gemm, t_w) + max(t_att, t_kv) + t_ctx + t_tp + t_pp + t_over + L * layer_latency
                + t_moe + t_el
                (a roofline per operator: the matmuls stream the weights while they compute, generation
                attention streams the KV cache; the parts run one after the other, as their kernels do;
                explain: `decode_attention_time` t_att, `decode_context_attention_time` t_ctx)
    pipeline    pp > 1: the step is pp times the stage time of its heaviest micro-batch, so T above (and the
                prompt tokens r B in every term) becomes T_pp = pp (B / pp + u E[max of pp Poisson(lambda)]),
                u = min(I, C), lambda = r B / (pp u), clipped to [T, max(T, pp C)] (Pipeline stages, below);
                B < pp rows: one row a micro-batch, the decode rows' terms of Bp = max(B, pp) rows
    serving    server and interactive: the steps are a mixture, not the mean load (Serving step mixture, below):
                t_iter = f t(lump) + (1 - f) t(0), lump = min(room, max(I, B r)), f = B r / lump
    replica throughput = B / (k t_iter) counted tokens/s;  service tokens/s = floor(chips / R) * B / (k t_iter)
                (single stream: one request's timeline, O / (t_pre + (O - 1) t_iter) a replica; 2026-12-05,
                s12-trust4: it was 1 / t_iter with the prompt's tokens in every decode step)
    beam search (k > 1): the k beams are k rows sharing the request's prompt (one prefill, its KV held and read
                once) and each step's weight reads; each beam attends to the whole context (I + O/2), so a step of
                k beam rows costs at most what k independent sequences cost [U: the engine shares the prompt's
                KV pages between beams; MLPerf GPT-J, beam_size 4, mlcommons/inference language/gpt-j README]
    TPOT        offline and single stream: t_iter. Server and interactive (MLPerf: TPOT of a request = its
                mean inter-token time, held at the 99th percentile over requests; `_tpot_tail`): over its life
                of O steps a request shares the steps with two independent random loads:
                  prompt tokens  Poisson arrivals (B of them over O steps), each a prompt of mean I and
                                 coefficient of variation cv (`prompt_length_cv`): the mean prompt tokens a
                                 step, B r, spread by s_p = B r sqrt((1 + cv^2) / B)   (compound Poisson) [D]
                  rows in flight an M/G/infinity count, Poisson around B, averaged over the request's life:
                                 s_b = sqrt(2/3) sqrt(B)  (`row_averaging`: the variance of a window average
                                 over one fixed service time is 2/3 of the point variance) [D]
                with a = t(B + s_b rows) - t_iter and c = t(B r + s_p prompt tokens) - t_iter the step's
                standard deviation is S = sqrt(a^2 + c^2), and TPOT_p99 = the step at its most likely point
                of the level t_iter + z99 S (z99 = 2.326): B + z99 s_b a / S rows carrying B r + z99 s_p c / S
                prompt tokens (a design point: exact on a step linear in both, and its terms add up). The
                two spreads are of one size at B ~ 600 and put the p99 TPOT ~6% above the mean step
                (measured on MLPerf v5.0 H200 Llama 2 70B: TPOT mean / p99 median 0.93); cv and sqrt(2/3) are
                not fitted. t(.) is the serving step mixture: a request's prompt tokens over its life set its
                share of loaded steps, so the p99 reads the mixture's spread. Output lengths
                (`output_length_cv` > 0, default 0: every request lives O steps): a request of x O steps has
                spreads s_p / sqrt(x) and s_b sqrt(g(x) / g(1)), and the p99 over requests is the quantile of the
                mixture of normals over a gamma grid of x (mean 1, that cv): t_iter + z_eff S [D, shape U].
                Rows as a birth-death count (`row_count_elasticity` 1, default 0: the Poisson count above): rows
                arrive at lambda and leave after O steps of t(N), so linearized at b the count has variance b / eps,
                eps = 1 - e_b / (1 - e_P) (e_b = b a / (s_b t), e_P = B r c / (s_p t): the step's shares that grow with
                the rows and with the prompt tokens, which grow with t at a fixed rate; a linear step t0 + k (N + P):
                eps = t0 / (t0 + k N), the negative binomial exactly), and correlation time L / eps, so s_b =
                row_averaging sqrt(b w(eps) / (eps w(1))), w(x) = 2 (x - 1 + e^-x) / x^2 [D]. Not given to
                validate: docs/accuracy.md "TPOT mean by mechanism". With it, the harness's k engines
                (`row_dispatch_engines`, `row_dispatch`: independent, one shared queue, least busy) split an engine's
                rows into the total's count over k and its deviation, held by the dispatch (dispatch_row_share), and
                `row_budget_hold` 1 adds the token budget's admission pull where it binds, rho / r to eps
                (budget_hold_slope) [D]; neither given to validate: docs/accuracy.md "The rows in flight under the
                harness's dispatch"
    LoadGen's TPOT (https://github.com/mlcommons/inference/blob/master/loadgen/logging.cc
                AsyncLog::RecordSampleCompletion and loadgen/results.cc PerformanceSummary::ProcessTokenLatencies,
                read 2026-12 at b66003e1 [P]): a request's TPOT is
                (latency - TTFT) / (tokens - 1); the mean is over requests, unweighted by their tokens, and the
                percentiles are the sorted per-request values. In a stationary run the mean over requests is the
                row-weighted step E[N t(N)] / E[N] = t(b) + Var(N) t'(b) / b (+0.1-0.2% at Poisson rows, not
                modelled; where a few long prompts load few steps the rows go with the loaded steps: +5% on
                Llama 3.1 405B, simulated at the runs' inputs, docs/accuracy.md "The per-request TPOT mean and
                the Mixtral step at the runs' own rows"); tpot_mean = t_iter. With `prompt_busy_window` 1 or 2
                (default 0) a request's o - 1 steps are a busy period of the prompt queue that begins where its own
                prompt leaves it (busy_window_tpot: the +5% mean and the 405B's mean / p99 0.52 of the simulation,
                where _tpot_tail gives 0.75; docs/accuracy.md "The per-request TPOT as a busy period of the prompt
                queue") [D]; tpot_mean is then that per-request mean (t_iter, and the throughput, unchanged). A run
                starts with the engine empty and stops issuing at
                max(600 s, the dataset's queries / rate) (mlperf.conf min_duration, min_query_count): its ramp and
                drain are not modelled (docs/accuracy.md "TPOT mean by mechanism": bounded by the measured
                mean / p50)
    Run from empty (`run_ramp_deficit` delta, default 0: no bound; _ramp_deficit) [D]: LoadGen issues Poisson
                queries at the target rate into an idle engine for T >= 600 s. Births lambda, deaths N / (O t(N))
                at a fixed lambda (the step carries P = lambda I t prompt tokens); linearized at b the rows relax
                from 0 as b (1 - e^(-s / tau)), tau = L / eps (L = O t, eps = 1 - e_b / (1 - e_P)), so the run's mean
                rows fall short of b by D = (tau / T)(1 - e^(-T / tau)) and its mean step by (1 - eps) D. With
                delta > 0 a capacity point is kept only where (1 - eps) D <= delta, T = 600 s (a longer run only
                shrinks D). Assumptions: the linearization from empty (where the death rate is concave in the rows,
                a step linear in them, the count fills faster far from b, so D is an upper estimate), every request
                counts alike, no cap on the rows (a KV or batch cap that regulates them is not in it). Not applied:
                the model's throughput is flat over a 5x range of rows at its capacity points, so the stationarity
                the measured TPOT spread shows (delta ~0.03) moves its Server rate from +1.6% to -16.5% (median
                signed; docs/accuracy.md "The operating point a run from empty reaches"). A finite run's p99 from
                empty is not a bound the other way: by a monotone coupling of the birth-death count the rows from empty stay below
                the stationary ones, so a run's p99 is at most the stationary p99 and the steady capacity always
                passes.
    Capacity point (server and interactive; `search`): the (tp, pp, B) column of the grid with the most throughput
                whose TPOT p99 <= tpot_limit and TTFT p99 <= ttft_limit at the rate its B rows carry, B / (k
                t_iter) (Little's law; `capacity_at_own_rate` 1, _capacity_columns). Each column's rate is first
                cut until its TTFT p99 fits (_budget_utilization); a column so cut holds fewer rows than B at that
                rate, so it is no capacity point, except where no column of the scenario meets the limits at its
                own rate (a load whose smallest batch overruns the TTFT limit: the engine idles between requests,
                the cut columns stand). B runs over a geometric grid (BATCH_GRID: 72 points, ratio 1.146),
                so a TPOT-bound point stops where the next grid batch exceeds the limit, at 0.88-1.00 of it by
                where the grid falls (MLPerf v5.0 8x H200 Llama 2 70B: 616 rows at 0.90, 707 at 1.02), and a
                TTFT-bound one where the next grid batch's TTFT p99 at its own rate exceeds the limit, the same
                rule (`capacity_at_own_rate` 0, the model before 2026-12-05: the cut columns compete, so a
                TTFT-bound point sat on its TTFT limit exactly, the first grid batch past the crossing at
                0.94-0.97 of its own rate: Llama 3.1 405B on 8x H200, 12 rows, TTFT p99 1.00 of 6 s;
                docs/accuracy.md "Where the capacity point sits on its TTFT limit"). `batch_refinement` n (default 0:
                the grid alone) adds, around each grid point B, the batches B_prev (B_next / B_prev)^(j / 2n),
                j = 1 .. 2n - 1 (_refined_batches) on every layout, so the point meets its binding limit to within
                1 / 2n of a grid step [D] (with `capacity_solve` too: the best of the grid's, the refined and the
                solved batches, the solve bracketing the grid's point). `capacity_margin` delta (default 0: the most throughput) takes instead,
                among the columns that meet both limits at their own rate, the least TPOT p99 whose throughput is at
                least (1 - delta) of the most [U] (a run that gives up delta of the rate for latency; not given to
                validate: docs/accuracy.md "The add-in cards' operating point"). Not given to validate: the submitters' runs sit at 0.84-0.91 of the TPOT
                p99 limit (reference/mlperf_ttft_percentiles.csv), where the grid happens to stop, and the refined
                points at ~0.99 put TTFT p99 and TPOT mean far off (docs/accuracy.md "What binds the capacity
                point").
                The grid is an assumption of the default model [D], not physics: a planner sweeping a limit or the
                chips sees the capacity as a staircase (examples/flagship_campus.factory's chat, one GB300 NVL72,
                TPOT p99 limit 40-60 ms in 0.5 ms steps: 6 distinct capacities in 41 points, steps up to 7.5% in
                tokens/s, 7.0% in $/Mtok, 6.0% in TTFT p99; the grid's capacity 0.1-6.3% below the solved one;
                bench/capacity_staircase.py). `capacity_solve` 1 (the default since 2026-12-07; 0 the grid) solves the batch: on every
                layout that can win (_solved_batches: its best grid score x B_next / B* reaches the best; a
                replica's throughput grows at most in proportion to its rows), the largest batch between the grid's
                neighbours B_prev < B* < B_next of its best grid batch where
                    rising(B) = TPOT p99 <= f tpot_limit and TTFT p99 <= f ttft_limit
                                and the throughput at B (1 + 1e-6) is not lower (or fails a limit)
                holds (256 batches of the bracket at once, the root to ~1e-3 in ln B), so a TPOT-bound point sits at
                its limit, a TTFT-bound one where the rate cut starts to lower the throughput, one where no limit
                binds at the throughput maximum; the grid's point is kept where it carries more, so the solved
                capacity is never below the grid's, and it rises with a looser limit and with more chips
                (tests/test_inference.py). `operating_fraction` f: the limits the point is held to, f x each; by
                default (since 2026-12-07) the scenario's submitters' median share, `operating_fraction_server`
                0.88 / `operating_fraction_interactive` 0.925 (bench/operating_fraction_fit.py), the point validate
                judges against the runs (docs/accuracy.md "Five mechanisms applied"); `let operating_fraction = 1`
                asks for the capacity under the limits themselves. Before: MLPerf submitters stop at median 0.88 of their binding limit (155 Server runs of
                reference/mlperf_ttft_percentiles.csv), which validate's MECHANISMS "continuous_capacity" gives the
                solved point; not applied (TTFT p99 12.0% -> 16.5%, TTFT p50 8.9% -> 12.8%, first_token_delay and
                the families refit: docs/accuracy.md "The batch grid's staircase and a continuous capacity point");
                applied since 2026-12-06 to the rows of the engines that admit prompts whole (MECHANISMS
                "whole_prompt_capacity": NVIDIA's v4.1 harness, AMD's v4.1 / v5.0 vLLM; docs/accuracy.md
                "Whole-prompt engines' capacity point")

Serving step mixture (server and interactive, chunked or whole prompts; `_step_mixture`, `_prompt_lumps`) [P/D]:
    TensorRT-LLM's micro-batch scheduler fills a step with the decode rows first, then gives the context requests,
    first come first served, chunks of min(remaining prompt, remaining budget) tokens (kFIRST_COME_FIRST_SERVED in
    NVIDIA/TensorRT-LLM cpp/tensorrt_llm/batch_manager/microBatchScheduler.cpp, read 2026-12 [P]; without chunking
    whole prompts while they fit, the same file). Prompt work therefore arrives in lumps: a prompt longer than the
    step's room = pp C - B fills whole steps with chunks until its last one, a shorter one rides whole on one step,
    and a step with nothing queued carries the decode rows alone. Where prompts are long against the mean load a
    step (Llama 3.1 405B: I = 9,400, B r ~ 220 at 16 rows, room 2,544) the engine runs two kinds of step:
        loaded       lump = min(room, max(I, B r)) prompt tokens (the room, a whole prompt, or the mean load where a
                     step's arrivals exceed a prompt: then every step is loaded), at t(lump)
        decode-only  no prompt tokens, at t(0) (weight-read-bound at small B)
    in the shares f = B r / lump and 1 - f that keep the prompt token rate [D]. The mean step, its terms (mixed
    alike), TPOT mean and the Little's-law throughput read t_iter = f t(lump) + (1 - f) t(0); the p99 TPOT reads it
    through _tpot_tail; the time to first token waits for the rest of the step in flight, the length-biased
    residual E[t^2] / (2 E[t]) = (f t(lump)^2 + (1 - f) t(0)^2) / (2 t_iter) (0.5 t_iter where f = 1). The step
    is linear in its prompt tokens where it is compute-bound (t_gemm is affine in its rows through e(m): T / e(m)
    = (T + pp m0) / e_c), so the mixture equals the mean load there (every Llama 2 70B and Mixtral row of the
    MLPerf file); it differs where the weight read hides the mean prompt load but not a loaded step's (the mixture
    is longer: convexity of the roofline) and over pp > 1 stages, where a loaded step fills every micro-batch to
    its budget (no Poisson imbalance: `_pipeline_tokens` clips at C) and a decode-only step splits evenly, in place
    of the mean load's scattered chunks (Pipeline stages, below). That assumes the backlog fills every
    micro-batch, as the prompt queue's service I t_full / room (below) does: TensorRT-LLM's PyTorch executor
    lets a request's later chunks run while its earlier ones are in flight ("Non-final context chunks are not
    added" to the in-flight set, nvidia.github.io/TensorRT-LLM/torch/scheduler.html, read 2026-12 [S]); its C++
    runtime (trtGptModelInflightBatching.cpp) puts every scheduled context request in the in-flight set, so
    there a lone long prompt loads one micro-batch a cycle [P] (not modelled: docs/accuracy.md, Latency v12). An
    engine without chunked prefill that runs prompts in their own steps, pausing decode (vLLM's default
    scheduler with chunked prefill off: AMD's MLPerf harness), is taken as the same mixture: on its
    compute-bound steps a separate prefill step costs the same GEMM rows plus one step's fixed costs [D].

Elementwise work (`elementwise_bytes`; `let elementwise_kernels = 1`, 0 by default until the family factors are refit
with it: docs/accuracy.md "Elementwise work in the inference step") [D from the kernels below]. Between the matrix
multiplies a forward pass runs memory-bound kernels whose bytes the GEMM rate does not cover. Per token and layer,
on one chip (a = 2 bytes of a bf16 activation, q the GEMM input's quantized value: FP8 1, NVFP4 0.5 + 1/16 with its
E4M3 scale per 16 values; k the KV byte; f the SwiGLU width, (A / L - h (2 D + kv)) / (3 h)):
    add-RMSNorm x2   read the input and the residual, write the residual and the normed output quantized (the
                     norm's quantization fused: NVIDIA's v5.0 Blackwell MLPerf configs build with
                     `norm_quant_fusion` enable, ntuhpc/mlperf_inference_results_v5.0 closed/Cisco/configs/
                     llama3_1-405b/Offline/__init__.py [P]; TensorRT-LLM's PyTorch Llama fuses add + RMSNorm + FP8/NVFP4
                     quant into the all-reduce at tp > 1, AllReduceFusionOp.RESIDUAL_RMS_NORM_QUANT_NVFP4,
                     tensorrt_llm/_torch/models/modeling_llama.py [P]): 2 h (3 a + q); bf16 GEMMs 2 h 4 a.
                     Replicated on every tensor-parallel rank (each needs the whole input of its column shard; no
                     sequence parallelism in these engines' inference [U])
    rotary + KV      read q, k, v (a (D + kv)), write q (a D) and k, v into the cache (k kv)     (heads: over tp)
    attention out    its quantization for the output GEMM, (a + q) D                          (over tp)
    SiLU-and-mul     read gate and up (2 a f), write a f; then its quantization (a + q) f      (columns: over tp)
                     (flashinfer silu_and_mul, then the NVFP4 GEMM's fp4_quantize of its input: TensorRT-LLM
                     _torch/modules/gated_mlp.py and linear.py NVFP4 apply [P]; a fused SwiGLU-NVFP4 quantize
                     exists in later FlashInfer / vLLM releases, not counted). `let gemm_swiglu = 1`: the gate-up
                     GEMM applies SwiGLU in its epilogue and writes the FP8 product (TensorRT-LLM's
                     `gemm_swiglu_plugin` fp8 on Hopper, NVIDIA's v5.0 Llama 2 70B configs: compiler/validate.py
                     GEMM_SWIGLU [P]): neither kernel runs. `let swiglu_kernel = 1` (with elementwise_kernels 0)
                     counts only this SiLU-and-multiply and its quantize, 3 a f + (a + q) f over tp
                     (swiglu_kernel_bytes; off by default: docs/accuracy.md "Hopper Llama 2 70B, v4.1 against v5.0")
    b_el = 2 h (3 a + q) + [a (2 D + kv) + k kv + (a + q) (D + f) + 3 a f] / tp     (quantize terms 0 for bf16)
    Llama 3.1 405B NVFP4 at tp 4: 21.9 h (13.1 h replicated); the training model's forward share of its 150 h is ~56 h
    (every op unfused, bf16). The kernels stream at the copy rate e_copy = 3.02 / 3.35 (one H100,
    reference/h100_microbench.md [P]) at the full memory clock; their bytes count in the step's memory activity
    (Clock, below). The decode step carries T (L / pp) of them (pp stages of T / pp tokens through L / pp layers),
    the prefill I L, the batcher's per-token prefill cost kappa_p L b_el / (BW e_copy). Not counted: the logits
    and sampling (vocabulary x 4 bytes per decoded row, not per layer), the GEMMs' own activation reads and
    writes (inside their roofline).

Per-token work beside the GEMMs (`let token_layer_time` t_tok, s a token and layer; 0 by default) [D]. Where the GEMM
efficiency e_c is a measured GEMM rate rather than a factor fitted on whole steps, the step's other per-token work (an
eager-mode engine's unfused elementwise kernels and launches, the sampler) is no longer inside e_c: it is counted as a
fixed time per token through a layer, T (L / pp) t_tok in the decode step (all T tokens: decoded rows and prompt
chunks), I L t_tok in a prompt's prefill, L t_tok in the batcher's per-token prefill cost kappa_p. It is a time, not
bytes: it does not move the clock law's activity [U], and it does not scale with the hidden size [U] (fitted on one
model). Only the CDNA3 chips set it (stdlib/chips.factory MI300X: the GEMM rate from AMD's own hipBLASLt timings,
t_tok fitted once on the CDNA3 rows of the calibration file, docs/accuracy.md "CDNA3's factor split"). In the
reported terms it is part of decode_elementwise_time / prefill_elementwise_time.

The dense GEMMs' rate by engine release (`let dense_gemm_release_rate` s, 1 by default) [P]. The family factor e_c
stands for one engine release (Hopper FP8: NVIDIA's MLPerf v5.0-era TensorRT-LLM); a row run on another release
takes its dense (non-expert) GEMMs at e_c s, in the decode step (e_dense = e(T / pp) with e_c s), in a prompt's
prefill and in the batcher's kappa_p and p0, and counts their FLOPs at e_c s in the clock law's activity (the
release's kernels busy for their own time); the routed experts' grouped GEMMs, the attention kernels and every
memory term keep theirs. At a fixed clock the dense GEMM time is exactly 1 / s of the family's. s is the ratio
of two of NVIDIA's own throughput tables of the same chips and tool at the two releases (compiler/validate.py
ENGINE_RELEASE_GEMM, bench/trtllm_release_ratio.py): a whole-run ratio taken as the GEMMs' [U] (the step at those
tables' batches is GEMM-bound; Mixtral, whose GEMMs are mostly its experts', moved 1.7%).

FP4 activation quantization (`let fp4_quantize_kernels = 1`, 0 by default: docs/accuracy.md "FP4 activation
quantization on Blackwell"; `fp4_quantize_bytes`) [P/D]. An NVFP4 GEMM multiplies FP4 weights by FP4 activations
(W4A4: NVIDIA's MLPerf Llama checkpoints, "The precision each GEMM ... runs at" in docs/accuracy.md), so every
input of an FP4 GEMM is quantized first: read the bf16 activation, write E2M1 values and an E4M3 scale per 16 in
the GEMM's swizzled scale layout (q = 0.5 + 1/16 bytes a value). TensorRT-LLM's TensorRT flow, which NVIDIA's
MLPerf v5.0 Blackwell harness builds (`gemm_plugin` fp4, `norm_quant_fusion` enable, `use_fp8_context_fmha`
enable; `fuse_fp4_quant` and `gemm_swiglu_plugin` not set: ntuhpc/mlperf_inference_results_v5.0 closed/Cisco/configs/
llama2-70b/Server/__init__.py and configs/llama3_1-405b, 2025 [P]): FP4Linear / FP4RowLinear take a pre-quantized
(values, scales) pair where the RMSNorm wrote one (QKV and gate-up: `norm_quant_fusion`), else call
quantize_to_fp4_tensor, a separate kernel, before fp4_gemm (O and down: the attention output and the SwiGLU
product) (github.com/NVIDIA/TensorRT-LLM/blob/main/tensorrt_llm/quantization/layers.py; the fused SwiGLU GEMM plugin
"only supports fp8", tensorrt_llm/layers/mlp.py FusedGatedMLP, read 2026-12 [P]). So per token and layer a chip
moves, beside the matmuls,
    b_q4 = [(a + q) D + 3 a f + (a + q) f] / tp     attention-output quantize, SiLU-and-multiply, its quantize
at the copy rate e_copy (Elementwise work, above: the same terms, counted alone), in the decode step for all T
tokens and in the prefill for its I (decode_elementwise_time, prefill_elementwise_time). On Hopper FP8 engines the
same inputs are written FP8 by fused epilogues (`gemm_swiglu_plugin` fp8 in NVIDIA's v5.0 Hopper configs), so
nothing is counted off FP4. f is the dense layers' (the routed experts' activation and quantization are inside
the MoE module's measured fixed time). Scale layout: the quantize kernel writes the swizzled layout itself (the
fp4_gemm plugin takes its scales as written), no separate pass [P]. Llama 2 70B tp 1 on a B200: 268,785 bytes a
token and layer, 2.98 us a token (the GEMMs: ~16.7 us at e_c 0.92, so +18% a token). Validate: MECHANISMS
"fp4_quantize", measured, not applied (the refit takes Blackwell FP4 e_c to the grid's top, 1.0).

Context attention kernel (`context_attention_efficiency`; docs/accuracy.md "The cost of the prompt") [D from S/P]. A
prompt's causal attention runs in a fused kernel (TensorRT-LLM's context FMHA, in FP8 where the checkpoint is FP8 or
NVFP4: trtllm-bench's engine build sets `use_fp8_context_fmha` then, NVIDIA/TensorRT-LLM tensorrt_llm/bench/build/
build.py @000a01de [P]) whose rate is below a dense GEMM's and rises with the prompt's length: a short causal triangle has few key tiles per query block to spread
the softmax, rescaling and epilogue over, and a large share of half-masked diagonal tiles. Its rate over a prompt of
n tokens, as a fraction of the dense GEMM rate e_c the matmuls get:
    e_fmha(n) = a n / (n + n_half),   a = 0.84,  n_half = 565 tokens
from FlashAttention-3's causal forward on one H100 SXM5 (head_dim 128, BF16, 1,830 MHz): 292 / 423 / 521 / 579 / 602 /
616 TFLOP/s at 512 / 1k / 2k / 4k / 8k / 16k tokens (Shah et al. 2024, arXiv 2407.08608, Fig. 5d [S: the figure's
labels]), fitted R n / (n + n_half) by least squares (R = 648 TFLOP/s, n_half = 565 [D]); a = 648 / 770, the dense
BF16 GEMM measured on an H100 SXM at large shapes (760-778 TFLOP/s, reference/h100_microbench.md [P]). Taken at n = I
for a whole prompt and for the chunks of a long one (a chunk's keys run over its prompt's prefix) [U]; the same
shape on every chip and at FP8 [U] (FlashAttention-3's FP8 causal kernel reaches ~850 TFLOP/s at 16k, ~0.61 of a
measured FP8 GEMM: a lower ratio, not used). Llama 2 70B at I = 222: 0.24 (attention is 0.2% of a prompt token's
FLOPs, so +0.7% to its prefill); Mixtral at 480: 0.39 (+0.8%); 405B at 9,400: 0.79 (4.8% -> 6.1%). Considered and
left out [D]: the chunks of a long prompt re-read the KV of its earlier chunks (kv I^2 / (2 c) bytes a layer over
c-token chunks), but the context kernel's FLOPs per byte read, 4 D c / (kv_width k) (16 c for Llama 2 70B FP8, 32 c for
405B), exceed a chip's FLOP-to-byte ratio (~600 for an H100 at FP8) at every budget chunk c >= 64, so the re-read
hides under the kernel's compute; and a context request's own overhead (its setup and the first token's sampling)
is one decode row's: the model's O steps of `seq_overhead` a request already count the first token.

Speculative decoding (`let draft_tokens` n_d, 0 by default; `let draft_accepted_length` tau or `let
draft_acceptance` a; `step()` in evaluate_configs) [P/S/D]: a draft head proposes n_d tokens a row, the target
verifies them in one forward pass and keeps the longest accepted prefix plus its own next token (Leviathan et al.
2023, arXiv 2211.17192 [P]; TensorRT-LLM's MTP: "we will extend them to the input token ... and input a total of 6
tokens to the main model", NVIDIA/TensorRT-LLM docs/source/blogs/tech_blog/blog2_DeepSeek_R1_MTP_Implementation_
and_Optimization.md, read 2026-12 [P]). DeepSeek's draft head is its multi-token-prediction (MTP) module, one
transformer layer sharing the embedding and output head (DeepSeek-V3 technical report, arXiv 2412.19437, section
2.2 [P]), run n_d times in a chain ("MTP Eagle: it reuses the same MTP module and repeats multiple times", its own
KV cache; the same blog [P]). Per verify step of B rows:
    rows        q = n_d + 1 query tokens a row: T = B (q + r tau) through every GEMM, TP exchange and expert
                (the prompt chunks of tau decoded tokens ride along); the KV cache of each row is read once
                (the generation kernel takes the q tokens of a row together: "for MTP, there will be K+1 input
                tokens ... a causal mask is enough", the same blog [P]); attention FLOPs q times a row's
                t_att; the draft positions' own KV (n_d of I + O/2) is left out [U]
    drafts      t_draft = n_d (t(B, q = 1) - t_over) / L: n_d passes of one layer of the plain decode step at the
                B rows (the MTP module is an MoE layer of the target's shape [P]; the shared output head's GEMM of
                each pass and the first pass's up to tau tokens a row are left out [U]); the module's weights
                and its KV cache take 1 / L more memory [D]
    tokens      tau a row per verify step, 1 <= tau <= n_d + 1: tau = (1 - a^(n_d + 1)) / (1 - a) for a
                per-token acceptance a (Leviathan et al., eq. 1 [P]; DeepSeek-V3's MTP: "the acceptance rate of
                the second token prediction ranges between 85% and 90%", "1.8 times TPS", report section 5.4.3
                [P]), or a measured mean accepted length (TensorRT-LLM, DeepSeek-R1 FP4 on 8 B200, strict top-1,
                1-5 draft tokens: tau = 1.92, 2.58, 2.82, 2.99, 3.01; per-user speedup 1.78x, 2.25x, 2.28x,
                2.21x, 2.15x at batch 1: blog1_Pushing_Latency_Boundaries_Optimizing_DeepSeek-R1_Performance_on_
                NVIDIA_B200_GPUs.md, 'Autoregressive MTP Layers', read 2026-12 [S]); acceptance falls with the
                draft position, so a measured tau beats the geometric law at n_d > 1 (a = 0.92 from tau(1) would
                give 3.55 at n_d = 3, measured 2.82)
    per token   step() = (t_verify + t_draft) / tau, its terms / tau alike (`decode_draft_time` the drafts'):
                every law above then reads a decoded token's time, so TPOT = step() (p99: _tpot_tail over the
                same per-token step), throughput = B / (k step()), the step mixture's room (pp C - B q) / tau and
                its whole prompt I / tau (per decoded token), and the time to first token's rest of the step in
                flight and first-token delay tau step() (a real verify step). n_d = 0: tau = q = 1 and every
                number is today's exactly (tests/test_inference.py). tau = 1 with n_d > 0 never helps (a verify
                step of q > 1 tokens is never shorter, and the drafts add); the capacity search picks the batch.
    Check [D]: DeepSeek-R1 FP4 on 8 B200 at tp 8 and batch 1, n_d = 3, tau = 2.82: the model's per-token step
    is 1.56 ms against 3.44 ms without drafts (2.2x; TensorRT-LLM measured 2.28x and 2.16x at 1k/2k tokens).
    Not modelled [U]: acceptance that differs between requests (a request of low acceptance sets the p99 TPOT:
    MLPerf takes the TPOT percentile over requests), tree drafts (topk > 1), relaxed acceptance, a draft head
    stored wider than the target (MLPerf's rules keep the reference head's precision: FP8 beside an FP4 target
    reads twice the bytes a draft pass; the passes are taken at the target's), sampling and verification work that
    grows with q in the per-sequence overhead. MLPerf Inference
    v6.0 DeepSeek-R1 Interactive is the one benchmark whose rules allow it (n_d = 3, topk 1, the reference MTP
    head at its own precision: compiler/validate.py).

Prefill of one request (time to first token):
    t_pre = max(I 2 (A_dense / e(I) + A_exp / e(I k_act / E)) / (tp P) + L I^2 F_ctx / 2 / (tp P_att e_c e_fmha(I)),
                W / (tp BW e_m)) + n_x L [lat + I h a 2 (tp - 1) / tp / (BL e_l)] + pp lat + L layer_latency
            + t_moe(I)  (MoE: the routed experts' fixed time and the prompt's expanded rows)
            + I L b_el / (BW e_copy)  (the elementwise kernels, `elementwise_kernels` 1)
    TTFT  = t_pre + t_iter (offline: a new request waits for the step in flight; single stream: t_pre only);
            ttft_p50 = ttft_p99 = TTFT there.
    server and interactive scenarios (requests arrive at random, MLPerf Server), chunked prefill with a token
    budget (TensorRT-LLM's in-flight batcher, `batch_scheduler_policy` max_util, `context_chunking_policy` first
    come first served): every forward pass of a micro-batch carries at most C = tp x `max_num_tokens` tokens
    (`max_num_tokens` per tensor-parallel rank, 8192 [U]; MLPerf: NVIDIA's per-benchmark values, see
    compiler/validate.py), the decode rows first, then prompt chunks in arrival order. A step of the replica (pp
    micro-batches) has room = pp C - b prompt tokens, less pp (u - 1) / 2 where a context chunk that is not a
    prompt's last is rounded down to whole units of u tokens (`context_chunk_unit`: TensorRT-LLM's KV block, 32 in
    NVIDIA's MLPerf engines; 1, no rounding, by default) [P/D]. The prompts are a FCFS single-server queue on that room:
    with a backlog the steps are full (pp C tokens, t_full), a mean prompt takes s = I t_full / room of them,
    and at request rate lam the utilization is rho = lam s (b r / room at the Little's-law batch). The prompt
    tokens to clear before a prompt's first token, those ahead of it and its own, X, have the
    Pollaczek-Khinchine mean E[X] = I (1 + w), w = rho c / (1 - rho), c = (1 + cv^2) / 2 (cv `prompt_length_cv`,
    1 [U]), taken exponential, X_q = E[X] ln(1 / (1 - q)) (exact for M/M/1: exponential prompt lengths, cv = 1;
    it carries the prompt-length tail into p99), at most I w ln(1 / (1 - q)) + I_max where prompts are at most
    I_max tokens (`max_input_tokens`, default unbounded). They clear in N_q = max(1, X_q / room + 1/2) steps (the
    last one ends mid-way on average), each a decode step plus its prompt tokens; the last one also carries the
    prompts behind it that it has room for, half a step's arrivals lam I t_iter / 2:
            TTFT_q = (0.5 + d) t_iter + N_q t_decode + G(X_q + lam I t_iter / 2) + fill    (inf when rho >= 1)
    0.5 t_iter: the rest of the step in flight when the request arrives (over the serving step mixture its
    length-biased residual, (f t(lump)^2 + (1 - f) t(0)^2) / (2 t_iter); TensorRT-LLM's executor fetches new
    requests once a step, after the step in flight and its responses: executorImpl.cpp executionLoop [S]);
    d = `first_token_delay` 0.325 mean steps [D]: what MLPerf runs with a light prompt queue measure beyond the
    executor's 1.5 steps (TTFT p50 1.7-2.3 mean steps on Mixtral, B200 and H100 v4.1), not in any source
    read [U], chosen by a one-parameter scan (docs/accuracy.md, Latency v4, rescanned in v5, v6 and v7); t_decode the step of the b decode rows
    alone; kappa = (t(own / b) - t_decode) / own a prompt token's time, own = min(room, I); G(P) the time P
    prompt tokens add to their steps, the step's prompt-cost curve: kappa P up to own, from there to a full step
    (t_full - t_decode at room) the step itself at 4 geometric knots, linear between, a full step's rate beyond
    (_prompt_cost [D]: a step is not linear in its prompt tokens where its decode rows are memory-bound, and X_q
    reaches 4.6 I at the p99; before 2026-12-07 kappa X_q, which made the p99 fall with the load on a
    mixture-of-experts model: docs/accuracy.md "The prompt queue's cost curve"); over pp > 1 stages
    the first chunk passes the stages one after another: fill = (pp - 1) min(C, I) kappa (0 at pp = 1).
    Serial context chunks (`serial_context_chunks` 1; 0 by default) [P/D]: TensorRT-LLM's C++ runtime (the
    TensorRT engine flow of NVIDIA's MLPerf v5.0/v5.1 harness) keeps a scheduled context request in the in-flight
    set until its micro-batch leaves the last stage (trtGptModelInflightBatching.cpp forwardAsync: "Add to set of
    requests in flight" for the context and generation requests; the micro-batch scheduler skips those in flight,
    NVIDIA/TensorRT-LLM, read 2026-12 [P]). Over pp > 1 stages a prompt longer than a micro-batch's room (I > room
    / pp) then advances one chunk a pipeline cycle: the prompt queue is n = pp servers of room / pp tokens a step
    (the same total rate: s and rho unchanged), not one of room (_serial_servers). Its own prompt counts n times
    (n I / room full cycles), its wait is the n-server queue's: the chance to wait rho^(sqrt(2 (n + 1)) - 1)
    (Sakasegawa's approximation of Erlang C, 1977 [S]; rho at n = 1) in place of rho,
            X_q = min(I (n + w_n) L_q, I w_n L_q + n I_max),  w_n = rho^(sqrt(2 (n + 1)) - 1) c / (1 - rho)
    and no fill (each of a lone prompt's cycles passes every stage). Its steps: a cycle with any micro-batch
    loaded is a full one (pp x its heaviest micro-batch's stage), so the serving step mixture's loaded step is
    t_full and its share f = max(1 - exp(-n B r / room), B r / room) (_prompt_lumps: the chance that one of the
    n B r / room prompts in service, taken Poisson, loads a micro-batch [D]). n = 1 (pp = 1, shorter prompts, or
    the switch 0): the formulas above exactly. docs/accuracy.md "Llama 3.1 405B Server on Blackwell at NVIDIA's
    layout": at NVIDIA's v5.0 B200 layout (tp2 pp2, 1,024-token budget) and the measured loads it brings TPOT
    mean -27% -> -6%, TTFT p99 -18% -> -1%; given to validate's v5.0 NVIDIA-harness rows since 2026-12-05, with
    the 405B rows at the submitters' engines (docs/accuracy.md "Llama 3.1 405B Server on Blackwell: the layout,
    the chunks, the operating point").
    Own prompt spread (`own_prompt_spread` 1; 0 by default) [D]: where a prompt spans more than one step (n I >
    room), the tokens cleared before the first token are X = n I_own + A with the own prompt a gamma of mean I and
    cv `prompt_length_cv` (counted n times) and the wait A the M/G/1 one (0 with probability 1 - p, p the chance to
    wait above; else an exponential of mean m = I c / (1 - rho), so E[A] = I w): X_q by Cornish-Fisher from
    k1 = n I + p m, k2 = (n I cv)^2 + (2 p - p^2) m^2, k3 = 2 (n I)^3 cv^4 + (6 p - 6 p^2 + 2 p^3) m^3
    (_own_prompt_tokens), in place of I (n + w) L_q and under the same cap I w L_q + n I_max. The exponential law
    puts a lone prompt's median at 0.69 I where the Llama 3.1 405B prompts' is 1.07 I (cv 0.431); validate gives it
    to its Server and Interactive rows (on its file only the 405B TTFT p50 rows move).
    Whole prompts (`whole_prompts` 1; 0 by default) [P]: an engine without chunked context (NVIDIA's MLPerf v4.1
    harness: its Llama 2 70B Server configs do not set `enable_chunked_context`, mlcommons/inference_results_v4.1
    closed/NVIDIA/configs/llama2-70b/Server/__init__.py; their parent GPUBaseConfig, configs/llama2-70b/__init__.py,
    builds every engine with `max_num_tokens = 4096` a forward pass, code/llama2-70b/tensorrt/builder.py passes it
    to trtllm-build, which TensorRT-LLM's micro-batch scheduler fills with the decode rows and whole prompts first
    come first served, stopping at the first prompt that does not fit (microBatchScheduler.cpp, no chunking) [P]:
    compiler/validate.py gives it as the budget C; its Mixtral rows taken to run the same harness [U]) runs a prompt's context whole in the step after its arrival, together with every prompt that
    arrived during the step in flight, ahead of it or behind. That step carries the whole step's arrivals, a
    compound Poisson sum of mean m = lam I t_iter and standard deviation sqrt(m I (1 + cv^2)), taken at its normal
    quantile z_q (z_50 = 0, z_99 = 2.326) and added to the own prompt's quantile above [D] (a sum of quantiles,
    which over-states the joint quantile a little), in place of half a step's mean arrivals; and d = 0 (the delay
    is what chunked engines measure beyond the executor's 1.5 steps; the whole step's arrivals are v4.1's own):
            TTFT_q = 0.5 t_iter + N_q t_decode + (X_q + m + z_q sqrt(m I (1 + cv^2))) kappa + fill
    (docs/accuracy.md, Latency v8: v4.1 H100 Llama 2 70B TTFT p99 -25% -> -15%, H200 -17% -> -1%).
    Whole-step p50 (`whole_step_engines` k >= 1 with `whole_prompts` 1; 0 by default) [D]: the TTFT at q <= 0.5 is
    read from the queue itself, the wait W for the next step boundary at which the request's queue is drained plus
    that step, t_decode + kappa (own prompt + the prompts that arrived since the boundary before + the budget's
    carry-over), k engines (at most the service's replicas) draining one shared queue at their step starts
    (NVIDIA's v4.1 harness at tp x pp 1:
    W the first of k boundaries, mean t_mean / (k + 1)) or an engine's own queue (k = 1: W the rest of the
    length-biased step), by Cornish-Fisher from the sum's cumulants (_whole_step_ttft), plus the dispatch's p50 shift
    where a row sets `dispatch_wait_p50` (validate MECHANISMS "whole_step_least", opt-in); the p99 keeps the law
    above (within -3..+8% of the simulated shared queue at the runs' loads, bench/whole_step_p50.py, where the
    cumulants' tail is short by up to 11% on an own queue). docs/accuracy.md "The whole-prompt engines' first
    token" (s21-v41).
    Harness dispatch (`dispatch_wait_p50` D50, `dispatch_wait_p99` D99 mean steps; 0 by default) [P/D]: the prompt
    queue above is each engine's own (independent Poisson streams). A harness that hands requests to k engines
    otherwise moves the first token: one queue every engine drains at its step starts (NVIDIA's MLPerf v4.1
    harness at tp x pp 1) brings it forward, the engine with the fewest requests in flight (v4.1 at tp x pp > 1,
    v5.0's llmlib) pushes the median back and the tail hardly (bench/v41_dispatch_sim.py). The p50 of the time
    to first token gains D50 mean steps and the p99 D99 (floored at the p50), each quantile between them the same
    share of the way as the law's own rise (u = (S_q - S_50) / (S_99 - S_50), S the law with D50 at every q; "One
    law non-decreasing in q" below):
            TTFT_q += ((1 - u) D50 + u D99) tau t_iter
    (compiler/validate.py DISPATCH_WAITS tabulates D50 and D99 by dispatch and engines; docs/accuracy.md "The
    harness's dispatch in place of the first-token delay": measured, not applied).
    Least-busy dispatch's share of the wait (`dispatch_wait_share` s, 1 by default) [D]: where the harness hands
    each request to the engine with the fewest requests in flight (NVIDIA's v5.0 llmlib), arrivals avoid the
    engines with prompts queued, so a request meets its engine's queue less often than an engine's own Poisson
    stream would make it: the chance to wait is s rho (s _waiting_chance), E[A] = I w s, in every law above (and in
    the own prompt's spread). bench/interactive_dispatch_sim.py: at NVIDIA's H200 Interactive engines this law at
    s 0.33 is the simulated least-busy p99 (validate MECHANISMS "interactive_engines", measured, not applied).
    Where `dispatch_wait_engines` c > 0 the wait is a law of the queue instead: rho_d = rho (1/c + (1 - 1/c) h),
    h = t_mean / t_full, in place of rho in the chance to wait and the waiting's mean (least_busy_utilization: the
    engine's arrivals follow its departures, a fixed share a step, so a busy queue's long steps collect the mean
    step's arrivals; validate MECHANISMS "least_busy_law", measured, not applied). With `dispatch_wait_tail` 1 the
    wait behind the dispatch takes the M/G/1's own tail at rho_d, P(A > x) = alpha e^(-eta x) (least_busy_tail: the
    Cramer-Lundberg decay rate and constant, Abate, Choudhury and Whitt's exponential approximation), and X_q the
    exact quantile of the own prompt plus that wait (validate MECHANISMS "least_busy_tail", measured, not applied).
    Busy steps at their mean length (`busy_step_length` 1; 0 by default) [D]: the prompt queue's rho counts every
    step it is busy as a full one (t_full), but a busy period's last step carries only its rest; the queue's wait
    (its chance and its mean, and rho_d above) is taken at rho g, g = t_busy / t_full (busy_step_fraction:
    u = s / max(1 - rho, s + (1 - rho) / 2) of a full step's prompt tokens, s = I / room, on the step mixture's
    line t(0) .. t(room)); only where a mean prompt spans steps (I > room: checked there, wrong at I / room 0.15);
    validate MECHANISMS "busy_step_mean", measured, not applied.
    Whole chunk steps (`integer_chunk_steps` 1; 0 by default) [P/D]: TensorRT-LLM's first come first served chunks
    (microBatchScheduler.cpp) sample a first token at the end of the step carrying the prompt's last chunk, so
    the step count at quantile q is ceil(X_q / room) in place of max(1, X_q / room + 1/2) (validate MECHANISMS
    "chunk_steps", measured, not applied). Rest at its spread (`step_residual_tail` 1, the default since
    2026-12-06; 0 the rest R at every quantile) [S/D]: the rest of the step in flight is U, uniform over [0, 2 R]
    (R the length-biased mean above), and the quantile of U plus the queue's time S (its tail exponential of scale
    theta, read off the law at two quantiles) replaces R + S_q: TTFT_q += Q_q(U + E_theta) - R - theta L_q
    (_residual_excess); the p99 then takes its own share of the first-token delay, d_99 =
    `first_token_delay_p99` 0.175 mean steps in place of d [U] (rescanned by d's rule), reached between the p50
    and the p99 as the dispatch's waits are (0 on whole prompts)
    (validate MECHANISMS "residual_tail", applied since 2026-12-05 on chunked TensorRT-LLM rows; docs/accuracy.md
    "The chunked engines' p99", "Applied in session 13" and "The planning defaults are validate's mechanisms").
    One law non-decreasing in q (since 2026-12-07; docs/accuracy.md "The first-token law's quantiles made one
    non-decreasing function", s24-ttftlaw; tests/test_ttft_quantile_law.py) [D]: the model reports the p50 and
    the p99, each read as above (theta over the p50's window [0.25, 0.5] and the p99's [0.98, 0.99]; the p99
    floored at the p50); every other quantile follows one distribution's shape, F_q = S_q + Q_q(U + E_theta) -
    theta L_q at one theta a row (the p99's), non-decreasing in q (S_q rises with q, and at a fixed theta so does
    Q_q(U + E_theta) - theta L_q), carried through both: TTFT_q = P50 + (F_q - F_50) (P99 - P50) / (F_99 - F_50)
    between them, P50 - (F_50 - F_q) below, P99 + (F_q - F_99) above. (A theta read at each q, with the p99's
    delay blended in linearly, fell by 1-5 ms between q 0.905 and 0.99 on the v5.0 8x B200 runs: the excess falls
    as theta rises.) On whole prompts with `whole_step_engines`, the budget law above the p50 is floored by the
    whole-step p50 (it started up to 17 ms below it); the Cornish-Fisher quantile holds its value below its
    cubic's turn, z < -3 / g.
    Harness batcher (`batch_window` tau s, 0 by default) [P]: AMD's MLPerf v4.1 Llama 2 70B Server harness collects
    the requests LoadGen issues and sends them as one batch to the next of its data-parallel vLLM engines in turn,
    when tau = 0.3 s have passed since the last batch left or 96 requests are waiting (`--enable-batcher`,
    `--batcher-threshold` 0.3, `--gpu-batch-size` 96: mlcommons/inference_results_v4.1 closed/AMD/code/
    llama2-70b-99.9/VllmFp8/sync_sut.py batch_samples_loop, mainVllmFp8_SyncServer.py, test_VllmFp8/
    test_VllmFp8_SyncServer_perf.sh; Dell's MI300X submission runs the same code, closed/Dell/code/llama2-70b-99.9).
    The batcher checks the time when a request arrives or when its tau-long wait for one ends, so a batch leaves
    every period = tau + 1 / (lam_all + 1 / tau) (the first of two clocks, taken exponential [D]; lam_all the
    service's request rate, all replicas); the engine (vLLM without chunked prefill) prefills the whole batch in
    its next step. The time to first token is the wait for the batch to leave (uniform over the period), the
    rest of the engine's step in flight (uniform over t_iter) and the batch's prefill, p0 + kappa_p S for its S
    prompt tokens (the request's own prompt and Poisson(lam_all period) others of gamma-distributed lengths, mean
    I, cv `prompt_length_cv`: E[L^2] = I^2 (1 + cv^2), E[L^3] = I^3 (1 + cv^2)(1 + 2 cv^2)); kappa_p = 2 A / (tp P
    e_c) + 2 L I D / (tp P_att e_c e_fmha(I)) (+ the TP all-reduces per token) at the prefill's clock, p0 = m0 2 A_dense /
    (tp P e_c) + L layer_latency (the GEMMs at S rows: S / e(S) = (S + m0) / e_c). Its quantile q is taken from the
    sum's first three cumulants (independent parts; the uniforms' third cumulants are 0):
            mean  = period / 2 + t_iter / 2 + p0 + kappa_p I (1 + lam_all period)
            var   = period^2 / 12 + t_iter^2 / 12 + kappa_p^2 (I^2 cv^2 + lam_all period E[L^2])
            third = kappa_p^3 (2 I^3 cv^4 + lam_all period E[L^3])
            TTFT_q = mean + sd (z_q + (z_q^2 - 1) g / 6),  g = third / sd^3 clipped to [0, 2]  (Cornish-Fisher)
    in place of the token budget queue above (inf when rho >= 1), and never below it: holding requests back cannot
    bring a first token forward, and the formula has no engine queue of its own, so at a short window the engine's
    queue is the floor, TTFT_q = max(batcher, queue) [D]. Not modelled: the 96-request cap (it binds above
    96 / tau = 320 requests/s), the decode rows' pause during the batch's prefill (TPOT keeps the mean prompt load
    of every step). MLPerf v4.1 MI300X (docs/accuracy.md, "Latency v9"): TTFT p99 -67..-69% -> +6..+14% on 8 GPUs,
    -33% -> +8% on one; measured on 8 GPUs 1.60-1.72 s (p50 0.99-1.21 s), where the batch of ~22 prompts
    (~5,000 tokens) takes ~0.8 s to prefill.
    Scheduling rounds (`scheduler_steps` n, 1 [S] for TensorRT-LLM, which admits requests before every step):
    an engine that schedules once every n forward steps (vLLM's multi-step scheduling, `num_scheduler_steps`,
    "the maximum number of forward steps per scheduler call"; new prompts join only when the scheduler runs, as
    the RFC's discussion expects: "new prefill requests will only start at every 8 steps", vllm-project/vllm
    issues 9158 and 6854 [S]) makes a request wait for the end of the round in flight, uniformly over its n - 1
    further steps of mean length t_iter [D]:
            TTFT_q += q (n - 1) t_iter                  (p50: half the round, p99: 0.99 of it)
    TPOT and the step are unchanged (the prompts' work per step is the same on average); the rate cut below
    includes it. The same engine does its host work once a round (`host_steps` n_h, 1 by default: vLLM's
    multi-step scheduling prepares n_h steps' inputs at once and the steps between advance on the GPU), so a step
    carries the per-step overheads over n_h [P/D]:
            t_over = (t0 + B ts) / n_h
    MLPerf v5.0 AMD (n_h = 11 Offline, 9 Server, AMD's configs: compiler/validate.py "Scheduling rounds"):
    MI325X Llama 2 70B Offline -20% -> -13% before a refit (the overhead is 95 of 820 ms of the model's step). MLPerf v5.0 AMD (vLLM, n = 9: compiler/validate.py "Scheduling rounds") measures TTFT p50 at
    6.5-7.8 mean steps, where n = 1 gives ~1.9.
    The rate is cut until TTFT_p99 <= ttft_limit (_budget_utilization: TTFT_p99 rises with rho, its root by
    bisection).
    Disaggregated serving has no prompt queue on the decode replicas: their prompts queue at the prefill pool
    ("Disaggregated serving", below). Outputs: ttft_p50, ttft_p99 (= ttft), tpot_mean (= t_iter, the mean
    step), tpot_p99 (= tpot).
    Offered load (`offered_load` x, counted output tokens/s of the service; default: none, the latencies above
    are the capacity point's): the layout (tp, pp) and the configured batch B stay the capacity point's (what
    the service is built for); a replica offered x_r = x / replicas below its capacity c holds the rows that
    load keeps in flight (Little's law, the smallest batch that carries x_r):
            b = k x_r t_iter(b)        (little_rows on [1, B]: the rate b / (k t(b)) rises with b; b >= 1; the
                                        latency band's solver too, to 1e-9 in ln b)
    and every latency is taken at b (the mean step, TPOT, the budget's room pp C - b, the prompt's
    service s(b)) with the queue utilization rho = x_r s(b) / O. At x_r > c (`offered_share` = x / tokens_per_s
    above 1) the queue of waiting prompts grows without bound: TTFT has no steady value, and neither has TPOT
    (the queue is never empty, so every step carries as much prefill as the scheduler admits, not the Poisson
    prompt load of the capacity point). The latency outputs (ttft, ttft_p50, ttft_p99, tpot, tpot_mean,
    tpot_p99, tokens_per_s_per_user, detail.ttft_wait_time) are absent there ("offered load above capacity"
    with both numbers) and the `overloaded` rule is an error; the service's throughput, batch in flight (the
    full batch B: the excess waits outside it), power and cost stay the capacity point's, which it runs at.
    Near the capacity b grows like 1 / (1 - x / c): a latency at an absolute load is as uncertain as the
    capacity itself, amplified there (docs/accuracy.md).
    Latency band (`latency_band`, outputs ttft_p99_low / _high, tpot_p99_low / _high, ...; server and interactive,
    aggregated) [D]: the same law at the load x (1 - delta) and x (1 + delta), delta = LATENCY_BAND_LOAD 0.05 (x the
    offered load, else the capacity), the layout held, b on [1, B_cap] (B_cap the KV cache's rows under the
    engine's cap, or the spec's batch) and no limit cutting the rate; the band is the least and the most of the
    point and the two ends. The upper end is unbounded where x (1 + delta) needs more than B_cap rows or
    saturates the prompt queue (a capacity point whose rows fill its KV cache is one: 5% more load has no row),
    and its TTFT adds the Erlang-C wait for KV room at the cache's rows (_kv_room_wait, 0 unless the rows in
    flight are within ~2.3 sqrt of them). A band wider than LATENCY_KNIFE_EDGE (1.5, high / low: an elasticity
    d ln p99 / d ln x above 4) or unbounded is a `latency-knife-edge` warning (compiler/checks.py), the p99
    flagged where it is shown. The TTFT p50 and the TPOT mean have the same band (ttft_p50_low / _high,
    tpot_mean_low / _high; the p50's upper end with the median KV room wait), judged by the same rule. Where one
    is flagged, `room_load` is the load with room: the largest share of 90%, 80%, ..., 30% of the capacity at
    which every band is within LATENCY_KNIFE_EDGE (room_load), the `offered_load` the warning's help names.
    Assumption: the layout stays (a planner builds it once), every other figure is the model's own at b.
    Limits: the workload's ttft_limit / tpot_limit, else the MLPerf limits of the benchmark that runs its
    model (BENCHMARK_LIMITS, mlcommons/inference loadgen/mlperf.conf): Llama 2 70B server 2 s / 200 ms,
    interactive 450 ms / 40 ms; Mixtral 8x7B server 2 s / 200 ms; Llama 3.1 405B server 6 s / 175 ms,
    interactive 4.5 s / 80 ms; Llama 3.1 8B server 2 s / 100 ms, interactive 500 ms / 30 ms; DeepSeek-R1
    server 2 s / 80 ms, interactive 1.5 s / 15 ms; any other model, or a scenario its benchmark lacks (Mixtral
    interactive): Llama 2 70B's.

Expert parallelism (a mixture-of-experts model whose spec sets `ep`; otherwise d = 1 below, the tp x pp replica
whose chips hold the experts with the other weights): attention data parallel, experts spread (TensorRT-LLM
`enable_attention_dp` with `moe_expert_parallelism`, SGLang `--enable-dp-attention` with DeepEP [S]). A replica is
d attention ranks of tp x pp chips each, R = tp pp d chips, all in one scale-up domain (tp d <= domain); each rank
decodes its own B sequences (its own KV cache, its own prompt queue and token budget) and holds the dense layers
and attention; the routed experts are spread over all R chips. `ep` (output) = R, the chips the experts are
spread over; a spec's `ep` keeps the layouts with tp pp d = ep. d runs over the powers of two and the domain
size over 1, 2, 4, 8 (72, 36, 18, 9 on an NVL72 rack) [D]. Per chip (N_e = expert parameters, N_d = N - N_e):
    weights     W_chip = N_d w / (tp pp) + N_e w / (tp pp d)   (d = 1: N w / (tp pp); never more at larger d) [D]
    fits        B_max per rank as above with this W_chip; the replica's batch (output) is d B
    expert rows m_e = d (T / pp) k_act / E: an expert serves the tokens of all d ranks routed to it [D]
    matmuls     t_gemm as above over the rank's tp pp chips (each chip's share of the experts' FLOPs is the same
                T 2 A_exp / (tp pp): d T tokens over d times the chips), at e(m) and e(m_e)
    weights     t_w = passes [N_d w / (tp pp) + N_e w touched(d T / pp) / (tp pp d)] / (BW e_m), touched(n) =
                1 - (1 - k_act / E)^n: a chip reads its own experts that some token of the d ranks reached [D]
    all-to-all  per MoE layer a dispatch (each token to the ranks of its k_act experts) and a combine (the
                results back), each rank's tp chips sending a tp-th of its tokens:
                t_a2a = L max(t_floor, t_0 + gamma (T / pp) / tp  n_r h (a_d + a_c) / (BL e_a)),
                n_r = (d - 1)(1 - (1 - 1/d)^k_act) the expected distinct other ranks among a token's k_act experts
                (one copy per rank, DeepEP's and TensorRT-LLM's dispatch) [D]; a_d = 0.5625 B where the experts are
                4-bit (TensorRT-LLM's post-quant NVFP4 dispatch, 4,032 B a 7,168-wide token), 1 B where 8-bit,
                else 2 B; a_c = 2 B (combine in bf16); t_floor = 49.9 us, t_0 = 32.1 us, e_a = 0.76: TensorRT-LLM's
                NVLinkOneSided dispatch + combine on GB200 at EP 8 (DeepSeek-V3 shape, 1-2,048 tokens a rank,
                blog18_Optimizing_MoE_Communication_with_One_Sided_AlltoAll_Over_NVLink.md [P]; the law within
                -10% to +3% of the table from 64 tokens up, the floor below: tests/test_moe_ep_step.py) taken for
                every chip and EP size [U]; every layer counted as MoE (DeepSeek-V3's first 3 of 61 are dense: +5%)
                [U]. It adds to t_tp (decode_tp_time) and, with T -> I, to the prefill's communication.
                (Before 2026-12-05: 2 lat + bytes / (BL e_l), the TP all-reduce's 8 us and 0.64, FP8 dispatch:
                within 5% at 512 tokens, 17-34 us a layer short below 128.)
    prefill     one prompt on its rank: I 2 (A_dense / e(I) + A_exp / (d e(I k_act / E))) / (tp P) + attention,
                its experts' rows spread over the d ranks' chips; memory pp W_chip / (BW e_m)
    throughput  replicas x d x B / (k t_iter); every latency is a rank's (its batch, its queue)
    imbalance   the step waits for the chip that receives the most (token, expert) pairs: a layer's experts lie
                on tp d chips, n = d (T / pp) k_act pairs a step routed to them (one prompt: I k_act), each to one
                chip of c = tp d with probability 1 / c (multinomial routing over equally loaded chips), the busiest
                chip's count in its normal approximation, E[max] = n / c + z_c sqrt(n (1/c)(1 - 1/c)):
                    gamma = 1 + z_c sqrt((c - 1) / n + cv_e^2 (d - 1) / E),   z_c = E[max of c standard normals]
                (_normal_max) [D]; the second term is the experts' own popularity (hot experts): E experts whose
                loads over a layer spread with a coefficient of variation cv_e (the model's `let
                expert_popularity_cv`), a rank's load the sum of its E / d (rank_imbalance). It multiplies the
                routed experts' GEMM time (t_gemm's A_exp term, the prefill's), the expanded rows (t_moe) and the
                all-to-all's bytes (the busiest chip receives gamma times the mean); 1 at d = 1 (every expert split
                over tp). The multinomial alone is small at serving batches (DeepSeek-V3 at d = 8, 320 tokens a
                rank: 1.026; d = 72, 10 rows a rank: ~1.4). Measured routing is far more uneven: TensorRT-LLM's
                DeepSeek-R1 on 32 GB200 at EP 32, no load balancer, 8 experts a rank (NVIDIA/TensorRT-LLM docs/
                source/blogs/tech_blog/blog4_Scaling_Expert_Parallelism_in_TensorRT-LLM.md, Table 1 [P]): by expert
                slot mean 128, std 164.1 (164.1 / 128 = 1.282; less the multinomial's 1 / 128 of its square, cv_e =
                1.279 ~ 1.28); by rank mean 1,024, std 491.6 (0.480; the law's sqrt(31 / 32,768 + 1.28^2 x 31 / 256)
                = 0.447, -7%), the hottest rank at 2.56x the mean on average over layers and steps (the law's normal
                maximum 1 + 2.07 x 0.447 = 1.93: the skewed loads' maximum is heavier than a normal one, so gamma is
                low here by ~25% [U]). DeepSeek-V3/R1 carry cv_e = 1.28 (stdlib; a machine-translation dataset;
                GSM8K "also imbalanced", no figure; the MLPerf dataset's own spread unmeasured [U]). With
                EPLB's redundant experts the rank std fell to 52 (gamma 1.11x): a spec with a balancer leaves
                expert_popularity_cv unset (the multinomial floor). NVIDIA's MLPerf v5.1 DeepSeek-R1 configs set
                no EP load balancer (closed/NVIDIA/configs/*/deepseek-r1.py: no moe_load_balancer) [P].
    ADP contexts  the d ranks meet at every MoE layer (dispatch and combine), so a step's per-rank work (dense
                GEMMs, context attention, elementwise kernels, dispatch) lasts as long as the busiest rank's; the
                experts' work is the d ranks' sum. Without TensorRT-LLM's ADP balancer (`let adp_balance` 0, its
                default) a rank starts a whole prompt of I tokens when one of its own slots frees: lambda = B r / I
                contexts a step, Poisson, and the busiest rank carries excess = E[max of d Poisson(lambda)] /
                lambda times the mean prompt tokens (adp_context_excess) [D] ("in a given iteration, some ranks
                might be processing context while others are doing generation ... the Attention time will be
                completely dominated by the context processing time", NVIDIA/TensorRT-LLM docs/source/blogs/
                tech_blog/bloc_x_adp-scheduler-opt.md [P]): the T of those per-rank terms is T + B r (excess - 1).
                It applies where the ranks' slots free at random steps: output lengths that vary (output_length_cv
                > 0) or a latency-limited scenario (arrivals over time); an offline queue of equal lengths (trtllm-
                bench's fixed 1K/2K) refills every rank in the same steps, lockstep [D]. With the balancer (`let
                adp_balance` 1: NVIDIA's MLPerf configs, adp_balancing_enable) every rank carries the mean. Check
                (tests/test_moe_ep_step.py, the blog's GB200 run at the MLPerf lengths, 512 rows a rank): measured
                balanced / unbalanced 34,140 / 25,664 = 1.33, the law 1.13 -- it carries about 40% of the measured
                loss (the rest: eager steps below, prompt-length spread) [D].
    ADP requests  the router of TensorRT-LLM's attention DP hands new requests to the ranks below the level
                ceil((active + new) / d), the fewest active tokens first (executor_request_queue.py
                `_balance_requests_across_ranks`, `expected_num_active_requests`, https://github.com/NVIDIA/
                TensorRT-LLM, read 2026-12-05 [S]), so a rank holds the replica's count over d: the replica's
                requests in flight are the M/G/infinity count of mean d B, and a rank's rows spread as
                sqrt(d B) / d = sqrt(B / d), in the TPOT tail s_b = row_averaging sqrt(B / d) (d > 1, a
                mixture-of-experts model; other engines' routers taken alike [U]). Check: NVIDIA's v6.0 gpt-oss
                GB200 decode worker (d = 4, 184.7 rows a rank) measured TPOT p99 / mean 1.038; the model 1.067 with
                a rank's own Poisson count, 1.033 with the router's (docs/accuracy.md "The PyTorch executor's
                exposed host time") [P/D].
    not modelled: CUDA graphs under attention DP run only when every rank's batch is generation-only and of one
                size (TensorRT-LLM cuda_graph_runner.py `maybe_get_cuda_graph`: `tp_allgather([can_run_cuda_graph,
                batch_size])`, else eager) [P], so every step with a context anywhere runs eager on all ranks; its
                host cost has no public figure here [U]. Expert-parallel groups beyond the scale-up domain,
                overlap of the all-to-all with compute (two-batch overlap) [U]

Attention of latent and windowed layers (architecture(), attention_flops, windowed_length, prompt_attended):
    latent      DeepSeek's multi-head latent attention (MLA, the model's `let kv_lora_rank` c and
                `let qk_rope_head_dim` p; DeepSeek-V2 arXiv 2405.04434 section 2.1: the up-projections W^UK and
                W^UV can be absorbed into W^Q and W^O) caches c + p values per token and layer and, absorbed, every
                head scores a query of c + p against the cached latent and sums the latent (c values):
                    F_gen = 2 heads (d_k + d_v) = 2 heads (2 c + p)       (DeepSeek-V3: 2 x 128 x 1,088 = 278,528)
                FLOP per cached position, layer and decoded token ("The number of FLOPs is roughly
                2 h_q s_q s_k (d_k + d_v)", deepseek-ai/FlashMLA docs/20250422-new-kernel-deep-dive.md, read via the
                vendored copy yoyocubano/aigotajob arsenal/deepseek/FlashMLA [S]; d_k 576, d_v 512 there), 4.25x the
                4 D = 65,536 of plain attention over 128 heads of 128: a decode kernel that FlashMLA finds
                compute-bound on H800 at h_q s_q >= 128 in BF16 (its roofline with the KV read, t_kv, stays). At
                FP8 (1-byte KV, FP8 rate) on Blackwell its 483 FLOP per byte stay below a B200's or GB300's ridge
                (~750): the term binds only where the KV precision's rate is low against the bandwidth. The prompt's
                context kernel decompresses keys of head_dim + p and values of head_dim (TensorRT-LLM and SGLang run
                MLA's prefill as multi-head attention [S]):  F_ctx = 2 heads (2 head_dim + p)  (81,920). The
                decompression of a chunked prompt's earlier latent (kv_b_proj over its prefix) is not counted [U].
                The softmax cap (P_att <= X x F_gen / heads, "Softmax exponentials") takes the generation kernel's
                FLOPs per score (2,176 for MLA: never binding); the context kernel shares that P_att [U].
    windowed    a model with `let sliding_window` W and `let sliding_layers` L_w (gpt-oss: 128 and 18 of 36,
                huggingface/transformers configuration_gpt_oss.py "sliding_window: int | None = 128" and layer_types
                alternating "sliding_attention" / "full_attention" [P]; a window without a count: every layer)
                attends in those layers to at most W positions. Over the layers, a decode row with n in context
                attends to and reads
                    n_w = ((L - L_w) n + L_w min(W, n)) / L       positions per layer on average [D]
                (n = I + O/2 for t_att; I / k + O/2 for t_kv), and a prompt's tokens (causal) to
                    ((L - L_w) I / 2 + L_w (W - W^2 / (2 I))) / L     (I > W; I / 2 when I <= W) [D]
                in t_ctx and the prefill. The KV memory (B_max) stays the whole context in every layer: TensorRT-LLM
                allocates each layer's cache at the sequence length unless its KvCacheConfig is given the layers'
                windows (`max_attention_window`; PR #6768 "Support SWA KV cache" then detaches out-of-window blocks),
                and NVIDIA's v6.0 gpt-oss configs set none (closed/NVIDIA/configs/GB200-NVL72_GB200-186GB_aarch64x4/
                Interactive/disagg_decode/gpt-oss-120b.yml, mlcommons/inference_results_v6.0 via fork
                gbeezybez@232fbf9 [P]) [U]. gpt-oss at I = 4,000, O = 1,278: 0.514 of the reads and generation
                FLOPs, 0.53 of the prompt attention.

Search: tp in powers of two up to the scale-up domain that divide the query heads (a chip holds whole heads), pp over 1..256, B over a geometric grid up to 16,384
clamped to B_max (so the largest batch that fits is always a candidate). Kept: fits, TPOT <= tpot_limit,
TTFT <= ttft_limit; objective: most tokens/s (single stream: lowest TPOT at one request, a batch of its k beam rows). A spec that sets tp,
pp or batch fixes that coordinate (a tp or pp off the grid joins it), in each scenario to that scenario's value (a sweep of tp is one search
per tp value, vectorized: every scenario keeps only its own columns, so a sweep equals the runs one at a
time).

Infeasible: when no configuration is kept in a scenario (no layout exists for the fixed tp/pp and the chips,
the weights or the KV cache of one sequence do not fit, no layout meets the latency limits, the power cap is
at or below the chip's draw with no compute: `_power_cap_floor`), `feasible` is 0
and every figure of the workload (tp, pp, batch, tokens/s, TTFT, TPOT, power, tokens/J, $/Mtoken, ...) is
absent there (`ctx.infeasible`: NaN, null in JSON) with the reason and its numbers, an `infeasible-workload`
error. `factory explain` shows the chosen configuration's terms as `<workload>.detail.*` (decode_gemm_time,
decode_weights_time, decode_attention_time, decode_context_attention_time, decode_kv_time, decode_tp_time,
decode_pp_time, decode_overhead_time, decode_moe_time, decode_elementwise_time, layer_latency_time;
prefill_compute_time, prefill_memory_time, prefill_comm_time, prefill_moe_time, prefill_elementwise_time,
prefill_time, ttft_wait_time).

Pipeline stages (in-flight batching over pp > 1 stages; `_pipeline_tokens`). The engine keeps pp micro-batches
in flight, one per stage; a request's rows stay in one micro-batch, which re-enters the first stage only when its
previous pass has left the last (TensorRT-LLM's MicroBatchScheduler skips the requests of a micro-batch still in
flight, nvidia.github.io/TensorRT-LLM/torch/scheduler.html, read 2026 [S]). This closed pipeline of pp
micro-batches through pp stages has a cycle of pp x the stage time of its heaviest micro-batch (max-plus: a
micro-batch's own circuit of pp stages, max over micro-batches; the stages' circuit, the sum, is never longer),
not the sum of the pp micro-batches' times: "the varying prefill and decode times also lead to imbalance across
micro-batches when using pipeline parallelism, resulting in further inefficiency due to bubbles" (Agrawal et al.,
SARATHI, arXiv 2308.16369, 2023 [S]: on GPT-3 over 8 stages, even micro-batches cut the bubbles 6.29x and raised
throughput 1.91x). The decode rows split evenly (B / pp each); the step's prompt tokens r B arrive as whole
prompts, or budget chunks, of u = min(I, C) tokens (C = tp max_num_tokens, a micro-batch's budget) as requests
finish and are replaced at independent times, so each micro-batch carries n ~ Poisson(lambda = r B / (pp u)) of
them, and the heaviest B / pp + u E[max of pp Poisson(lambda)] tokens (E[max] = sum over k >= 0 of
1 - F(k)^pp; normal approximation above lambda = 20), at most the budget C (a full budget fills every
micro-batch alike: the Server budget queue's full steps pay nothing) and at least the mean. A simulation of the
closed pipeline (pp = 2, 4, 8; lambda = 0.25-4; heaviness drawn anew each pass, or kept for 5 passes as a
chunked prompt is) gives cycles at most pp E[max]: equal at pp = 2, 1-4% below at pp = 4, up to 10% below at
pp = 8 when heaviness is redrawn every pass (4% when kept 5 passes). The stages' idle time is counted at
the heaviest micro-batch's activity (the clock law sees no idle gaps). pp = 1 or a single stream (one request,
no micro-batches to unbalance): no cost. No constant is fitted.
Fewer rows than stages (B < pp: a single stream, a small fixed batch): a micro-batch holds whole rows, so the
cycle is pp passes of one-row micro-batches, the stages with no row idle: the decode rows' terms (GEMM rows,
all-reduce bytes, generation attention, KV reads) are those of Bp = max(B, pp) rows, the prompt tokens (B r) and the
host's per-row scheduling B's [D]. So from pp = B on, a deeper pipeline never shortens the step (more stage hops, the same weight
bytes a chip a step, one row a micro-batch); up to pp = B the stages overlap different rows, a real speed-up. Before
(s25-lawhunt, 2026-12-07) the rows were B / pp < 1 a micro-batch: one stream of Llama 3.1 405B on MI300X decoded
at 17.57 ms a token over tp 8 x pp 4 against 17.73 ms at pp 1, and the single stream search spent 32 GPUs on one
pp-4 replica (54.5 tok/s, 4x the $/Mtok) rather than four tp-8 replicas (216 tok/s) (tests/test_model_laws25.py).
Effect on the calibration file: the search leaves pipeline stages where all-reduces are cheap, as NVIDIA's
published configurations do: Llama 2 70B on H100 SXM tp 2 x pp 1 (was tp 1 x pp 2), Llama 3.1 405B on B200
and GB200 tp 2 x pp 1 (was tp 1 x pp 4; NVIDIA's FP4 405B harness config: tensor_parallelism 2,
pipeline_parallelism 1), on H100 tp 8 and on H200 tp 4 (were tp 4 x pp 2 and tp 2 x pp 4).

Pipeline host overlap (`let pipeline_host_overlap = 1`, opt-in; 0 by default: the whole step's host work on every
cycle; validate MECHANISMS "pipeline_host_overlap", measured, not applied). TensorRT-LLM's inflight-batching runtime keeps mNumMicroBatches = pp micro-batches
(mMicroBatchScheduledRequests). Its executor loop calls forwardSync, which waits only for the micro-batch whose turn
is next (its decoder event), then forwardAsync, which schedules that micro-batch (capacity and micro-batch
schedulers, sequence slots, KV blocks), enqueues its engine pass and sampling and returns without waiting
(cpp/tensorrt_llm/batch_manager/trtGptModelInflightBatching.cpp, https://github.com/NVIDIA/TensorRT-LLM, read
2026-12-05 [S]). So a micro-batch's host work h lies on its own circuit (sync, host work, pp stages) while the
other pp - 1 micro-batches' kernels run; at pp = 1 the one micro-batch's host work and its pass alternate.
Max-plus over the closed pipeline of pp micro-batches (one host thread, pp stages):
    h       = step_overhead + (B / pp) seq_overhead            (a micro-batch's B / pp rows)
    cycle   = max(t_device + h, pp h)                          (a micro-batch's circuit; the host's pp rounds)
where t_device is the step above without t_over (pp x the heaviest micro-batch's stage). pp = 1 gives today's
t_device + step_overhead + B seq_overhead. Assumption [U]: the whole of step_overhead and seq_overhead is host work
(as `host_steps` takes it); sampling runs on the last stage's stream and is counted with it. Llama 2 70B FP8 on
H100, tp 1 x pp 2, 1,089 rows: h = 2 ms + 544.5 x 35 us = 21.1 ms in place of 40.1 ms (the runs' step 139 ms:
model +27.5% -> +17.7%; bench/step_at_rows.py, docs/accuracy.md "Pipeline micro-batches and the host's work").
Not applied: the per-row term is fitted [D], not measured host time, and where a large batch runs over pp stages
(held-out DeepSeek-R1 on GB300, Offline, pp 3, 4,067 rows) hiding (pp - 1) / pp of it moves the row -3% -> +56%.

Pipeline overhead split (`let pipeline_overhead_split = 1`, opt-in; 0 by default; validate MECHANISMS
"pipeline_overhead_split", measured, not applied). The per-row term is split into what the host does and what the
chips do. Host: TensorRT-LLM's C++ runtime calls forwardAsync once a micro-batch, and on the last pipeline rank
forwardAsync ends with decoderSync of the micro-batch it has just enqueued (the decoder's event is waited for before
the next micro-batch is scheduled; cpp/tensorrt_llm/batch_manager/trtGptModelInflightBatching.cpp,
https://github.com/NVIDIA/TensorRT-LLM, read 2026-12-05 at two stored versions of 2025 [S]), so that rank's host work
for a micro-batch and its stage alternate, as at pp = 1: the host's work of a cycle is pp micro-batches' own, none
of it under another micro-batch's kernels. Its size per row, ts_h = `seq_overhead_host`, is at most 14.6 us: the host
loop cannot take longer than the step it feeds, and the fastest replica TensorRT-LLM 0.17's C++ runtime publishes
(Mixtral 8x7B FP8, 8 H200 at tp 8, 128/2,048 tokens: 68,608 tok/s) runs 14.6 us a row a step with every kernel in
it [D from P]. Device: the rest, ts - ts_h (20.4 us at the bound; logits and greedy sampling are < 1.5 us of it,
docs/accuracy.md "The per-sequence step cost by mechanism"), is taken as per-layer work (the elementwise kernels and
the attention's per-row work, which h10-seqcost found to scale with the model's width and depth over the HBM rate),
split over the pp stages like every per-layer term [U]. Max-plus over the last rank (a micro-batch's host work h and
its stage s alternate; the others' stages run meanwhile on the other ranks):
    h       = step_overhead + (B / pp) ts_h
    t_over  = pp h + B (seq_overhead - ts_h) / pp              (`pipeline_host_overlap` 0: the C++ runtime)
    t_over  = h + B (seq_overhead - ts_h) / pp, cycle >= pp h  (`pipeline_host_overlap` 1: a runtime that hides a
                                                                micro-batch's host work, only the host's share)
pp = 1 is unchanged (byte-identical). Llama 2 70B FP8 on H100, tp 1 x pp 2, 1,089 rows: t_over = 2 (2 ms + 544.5 x
14.6 us) + 1,089 x 20.4 us / 2 = 31.0 ms in place of 40.1 ms (the runs' step at their rows: model +25.9% -> +21.4%;
docs/accuracy.md "The pipeline step's overheads: host work and device work"). Not applied: TTFT p99 12.03% ->
12.07%, and held-out DeepSeek-R1 GB300 Offline, whose model step at its own tp 1 x pp 3 layout (4,067 rows) is 60%
per-row term, -3.3% -> +22.9%.

TP all-reduce by kernel (`allreduce_kernels` 1, the default since 2026-12-06; `let allreduce_kernels = 0` the
ring formula at every size; validate MECHANISMS "allreduce_kernels", applied since 2026-12-05; `tp_all_reduce_time`;
docs/accuracy.md "The tensor-parallel all-reduce by message size and kernel", 2026-12-05, and "The planning defaults
are validate's mechanisms", 2026-12-06). TensorRT-LLM does not run one all-reduce algorithm at every size: its AUTO
strategy (allreducePlugin.cpp selectImplementation, customAllReduceUtils.h getMaxRequiredWorkspaceSize [S]) hands a
message of more bytes than its custom kernels' IPC workspace (16 MB at tp <= 2, 8 MB above) to NCCL, and within it
runs the one-shot kernel (each rank reads every peer's message over NVLink and reduces it: (tp - 1) M bytes in, one
barrier) at tp <= 2, at tp 3-4 below 1 MB and above 4 below 500 kB, else the two-shot kernel (reduce-scatter then
all-gather: a ring's 2 (tp - 1) / tp M, two barriers). One all-reduce of M bytes, link = BL e_l:
    one-shot   lat + (tp - 1) M / link
    two-shot   2 lat + 2 (tp - 1) / tp M / link
    NCCL       nccl_latency + 2 (tp - 1) / tp M / link
lat = collective_latency 8 us, the custom kernels' fixed time under CUDA graphs (measured 6-7 us: the one-shot
intercept of vLLM's H100 tp 4 table, 10 / 15 / 22 / 38 us at 0.5 / 1 / 2 / 4 MB, pull request 24111, 2025-09;
TensorRT-LLM's one-shot at tp 2 on H100, 7.0 us at 6 x 6,144 tokens, flagos-ai/FlagGems-vllm pull request 773, 2026;
vLLM's one-stage kernel on B300, 7 us at 16 KiB, pull request 37756, 2026 [S]); the one-shot's bytes at the link's e_l
(the same H100 table: 3 x 3.5 MB in 28 us, 375 GB/s, 0.83 of 450 GB/s against the default 0.80); nccl_latency 30 us
[D], NCCL's time beyond its bytes at e_l at the serving sizes (nccl-tests at 1-32 MiB, 27-41 us on 8 H200s, 32 us on
a 4-GPU GB200 tray; `nccl_latency`). At tp 2 the one-shot moves a ring's bytes, so below 16 MB nothing changes; what
moves is NCCL's fixed time on the large messages (tp 2 above 16 MB, ~1,000 tokens of Llama 2 70B; tp 4-8 above 8 MB,
244 tokens of 405B's 16,384-wide rows), the two-shot's second barrier (tp > 2, 0.5-8 MB) and the one-shot's
(tp - 1) M at tp > 2 below 0.5-1 MB. Assumed [U]: bf16 messages (TensorRT-LLM's NVFP4 fusion quantizes after the
reduce); the custom kernels' fused residual-add + RMSNorm (+ quantize) costs no time beyond the all-reduce, and the
model's default counts no separate norm kernel either (`elementwise_kernels` 0, Elementwise work, above); the PyTorch backend's newer lookup table (customAllReduceUtils.h selectStrategyLookUpTable, measured per
SM, tp and fusion) and MNNVL / NVLS kernels not modelled; the same rule for vLLM and SGLang engines (their custom
all-reduce limits are of the same order). The prefill's all-reduces (t_pre) take the same rule; the prompt
batcher's linear p0 + kappa_p S keeps the ring formula.
NCCL where the GPUs have no NVLink (2026-12-06, s14-pcienccl; docs/accuracy.md "NCCL where the GPUs have no NVLink"):
the custom kernels read their peers' memory over NVLink, and AUTO runs them only where NVLink joins every pair of
the TP group (allreducePlugin.cpp setGroupTopology: NVML's NVLink remote of each pair, direct or through an NVSwitch;
selectImplementation `if (isAuto && !mIsNVLINKSupported) return NCCL_SYMMETRIC`; the PyTorch backend's thop/
allreduceOp.cpp ifFallbackToNCCL `!mIsP2PSupported || !mIsNVLINKSupported`; NVIDIA/TensorRT-LLM, read 2026-12-06 [S]).
A chip's `let nvlink_group` g is the most accelerators so joined (stdlib: the PCIe cards L40S, H100 PCIe, RTX PRO,
L4, RTX Ada, Arc, and the chips with no NVLink at all, TPU, Trainium, Gaudi, Maia, Jetson, GB10: 1; H100 NVL's
bridged pairs 2; H200 NVL's 4-way bridge 4; unset, inf: every NVLink / NVSwitch chip, and AMD's Infinity Fabric
mesh, where vLLM's and SGLang's custom all-reduce run on ROCm [U]); a workload's own `let nvlink_group` replaces it.
    tp > g     NCCL       nccl_latency + 2 (tp - 1) / tp M / link      at every size
over the chip's scale-up link at its e_l (PCIe Gen4 x16: 32 GB/s a direction x 0.80 = 25.6 GB/s; Gen5 51.2),
nccl_latency the NVLink figure [U] (no PCIe nccl-tests read). Non-decreasing in M, where the one-shot kernel at
tp 4 on PCIe Gen4 was not (a message just past 1 MB cost 74.6 us as two-shot, one just below 125.2 us as one-shot).
Moves validate's L40S and H100 PCIe Llama 2 70B rows at tp 2-4 (inference Offline 7.01% -> 6.88%, Server 7.70% ->
7.33%, every other category's median unchanged); not the NVLink chips' rows. Left: on a slow NVLink the one-shot ->
two-shot switch at AUTO's fixed thresholds still falls (H800 tp 4 and 8, A100 tp 8: lat < (tp - 1)(1 - 2 / tp)
M_1 / link); the stored allreducePlugin.cpp runs NCCL in place of the two-shot kernel (nvbug 4718747):
    two-shot off  lat_nccl + 2 (tp - 1) / tp M / link      between the one-shot sizes and the workspace
(`let allreduce_twoshot = 0`; validate MECHANISMS "no_twoshot", measured, not applied: TTFT p99 9.87% -> 9.42%, TPOT
p99 7.46% -> 8.04% on 13 H100 SXM rows; monotone on every stdlib link).

Disaggregated serving (`serving = "disaggregated"`; `_disaggregated`; 2026-12-05, docs/accuracy.md "Disaggregated
serving: the pools as they run"): a prefill pool of c workers and a decode pool of replicas, the prompt's KV cache
sent from one to the other (NVIDIA Dynamo with TensorRT-LLM context and generation workers, llm-d, SGLang PD [S]).
    decode pool    the search above with r = 0: a replica (tp pp d chips, R_d) decodes B rows, no prompt in its
                   steps, B / (k t_iter) counted tokens/s within the TPOT limit; its rate is its steps' alone (the
                   prefill it does not run sets nothing; before 2026-12-05 a replica was held at rho_max O / t_prefill
                   of its own prefill). Its requests/s r_d = B / (k t_iter O). Searched over the accelerators the
                   prefill pool leaves (a given split), else the workload's.
    prefill worker tp_p ranks at pp 1 (`prefill_tp` fixes it) running passes of n whole prompts, the aggregated
                   prefill's step ("Prefill of one request" above) at S = n I rows: GEMMs at e(S) (experts at their
                   rows, over the tp_p chips), each prompt's own causal attention (n x L I^2 F_ctx / 2 at e_fmha(I)),
                   the weights read once, the TP all-reduces of S tokens, L layer_latency, the MoE module and the
                   elementwise kernels of S tokens, the clock at the pass's own activity:
                       t_pass = max(t_compute(S), W_chip / (BW e_m)) + t_comm(S) + L t_l + t_moe(S) + t_el(S)
                   n <= floor(tp_p max_num_tokens / I) (its token budget; at least 1: a longer prompt runs alone) and
                   <= floor(F / (kv_chip I)) (the prompts' KV held); a worker serves mu = n / t_pass requests/s.
                   tp_p and n (1, 2, 4, ..., 256) are searched for the most requests/s a chip within the TTFT
                   limit, mu rho_max(c) / tp_p, at the pool's size c (the given pool's, else half the
                   accelerators; with a demand and no given pool, the worker of the fewest accelerators, "pools"
                   below) [D], among the workers that leave a decode replica room (tp_p <= the given pool, else
                   tp_p <= N - R_d; before s15-disagg 70B fp8 on 8 H100 took a worker of tp 8 and was refused,
                   "leaves none of the 8 to decode", where tp 2 workers and a tp 2 replica serve 2,704 tok/s),
                   its TTFT budget limit - t_pass - t_xfer(tp_p) - t(1), the decode step at one row a rank (the
                   rows in flight are not known before the pools are; the service's step lies in [t(1), t(B)] and
                   the prefill pool binds where the decode pool runs few rows; t(1) does not move with the batch B
                   the TPOT limit sets) [U]. Before 2026-12-05
                   (s13-disagg2) limit - t_pass - t(B): a looser TPOT limit (a larger B, a longer step) shortened
                   the budget and moved the pick (500-token prompts, 16 H100, 4 prefill accelerators, tp 4: passes
                   of 2 prompts, 12,164.7 tok/s at 100 ms < 4 prompts, 12,458.3 at 60 ms; now 4 and 12,458.3 at
                   both); t(1) without the transfer picked tp 2 for 8k prompts at a 600 ms limit, whose first
                   token (585 ms pass + 10.9 ms transfer + 10.9 ms step) missed it. A prompt longer than the budget is one pass, not chunks [U].
                   An attention-DP worker of a mixture-of-experts model (DeepSeek's DEP4) is taken as tp_p = its
                   chips [U].
    prefill queue  the prompts (Poisson at lam requests/s) queue for the c workers: M/G/c in the Allen-Cunneen
                   form the aggregated prompt queue uses for its servers, utilization rho = lam / (c mu), the chance
                   to wait P_w = rho^(sqrt(2 (c + 1)) - 1) (Sakasegawa 1977 [S]; rho at c = 1), the wait of those who
                   wait exponential at the M/M/c rate c mu (1 - rho), scaled by Kingman's (1 + cv^2) / 2 (cv
                   `prompt_length_cv`: a pass's time follows its prompts' lengths [U]):
                       W_q = ln(max(P_w / (1 - q), 1)) (1 + cv^2) / 2 / (c mu (1 - rho))     (prefill_pool_wait)
                   (c = 1, cv = 0: the M/M/1 tail halved, the law before 2026-12-05). A pass is taken at n prompts
                   at every load (a lighter load would run shorter passes: the figure is high there) [U].
    KV transfer    t_xfer = I kv / (min(tp_p, kv_split) BW_link e_l): a prompt's KV, every layer, from the prefill
                   worker's chips that hold distinct KV heads, each over its own link; BW_link the scale-up link
                   (scaleup_bw / 2, NVLink) where both pools lie in one scale-up domain (prefill + decode <=
                   scaleup_size: an NVL72 rack's 72), else the scale-out network (the NICs' bandwidth per chip),
                   e_l the all-reduce's link efficiency taken for a bulk copy [U]. Overlap with the pass (layer by
                   layer, as NIXL can) is not counted [U].
    decode rows    (2026-12-05, s13-disagg) at a served rate lam the decode pool's reps replicas of d ranks hold
                   b rows a rank, Little's law: b = k x t(b), x = lam O / (reps d) counted tokens/s a rank, t(b) the
                   replica's decode step at b rows (no prompt in it); b in [1, B] (the step that admits a request
                   carries it; B the search's batch, the rank's capacity). t(b) is the step evaluated exactly at
                   b_j = 2^(j/8) rows below B and at B (_decode_at_rows; the same points whatever B, so a sweep
                   equals the runs one at a time), linear in b between them (within 1.2e-5 of a 2^(1/512) grid
                   on TPOT p99 at 3.8 rows, 16 H100, 70B, 8k prompts), so b - k x t(b) is linear between points
                   and its root exact on it. t_iter, tpot, the step's terms and batch_in_flight (d b) are at the
                   operating load's b; the decode search's B stays the capacity point that meets the TPOT limit.
                   Before 2026-12-05 every one of them, and the step in the TTFT, was the search's full batch B's,
                   though a binding prefill pool leaves the decode pool far lighter: a tighter TPOT limit (a smaller
                   B, a shorter step) left the prefill queue more of the TTFT and served more (16 H100, Llama 2 70B,
                   8k prompts: 308.9 tok/s at 50 ms < 329.3 at 30 ms; now 348.0 at both, 3.9 rows in flight of 164).
    TTFT           TTFT_q = W_q + t_pass + t_xfer + t(b)   (the decode replica's step at the rows in flight that
                   admits the request and emits its first token [U]; offline and single stream: no wait); explain:
                   prefill_time (t_pass), detail.prefill_queue_time (W_99), detail.kv_transfer_time.
    pools          prefill_accelerators = c tp_p (or as given), decode_accelerators = reps R_d, replicas = reps:
                   with `demand` D (lam = D / O), the fewest accelerators c tp_p + reps R_d that carry lam
                   (_fewest_pools; 2026-12-06, s15-disagg): over every prefill worker (tp_p, n) of the grid, every
                   decode layout (below) and reps >= ceil(lam / r_d) replicas, c(tp_p, n, reps) the fewest workers
                   with TTFT_99 (t(b) at lam's rows over reps replicas) within the limit, W_99(lam / (c mu)) <=
                   limit - t_pass - t_xfer - t(b) (integer bisection on c: the wait falls with c); reps rises past
                   ceil(lam / r_d) (fewer rows a replica, a shorter step, a longer budget) while the workers' floor
                   at the step of one row and the faster link, plus reps R_d, is below the best so far; a tie: fewer
                   replicas, then the worker of most requests/s a chip. Pools that carry a demand carry any smaller
                   one, so the count never falls as the demand rises. Before s15-disagg reps = ceil(lam / r_d) at
                   the search's own layout and the worker of most requests/s a chip at c = ceil(lam / mu): 18
                   accelerators for 2.5 ktok/s (70B fp8 on DGX H100, 2k prompts, prefill tp 8), 16 for 5 ktok/s,
                   where 8 serve 2.5 ktok/s (tp 2, prefill tp 2; tests/test_disaggregated_demand.py). A given
                   prefill pool: reps = ceil(lam / r_d) beside it; one that cannot carry lam is infeasible.
                   Without a demand, on N accelerators: a given prefill pool leaves N - it to decode; else c
                   maximizes the served rate, at the crossing of P(c) rising and D(c) = floor((N - c tp_p) / R_d) r_d
                   falling: c* the most workers that do not
                   carry D(c) with TTFT_99 within the limit at the step t(B) (at lam = D(c) the decode pool runs its
                   full batch; integer bisection), then c* or c* + 1, whichever serves more; prefill + decode = N;
                   where N exceeds a scale-up domain, the same split of the domain's accelerators alone (the KV over
                   its scale-up links, the rest idle and held) where it serves more (2026-12-06, s15-disagg: more
                   accelerators never serve less; before, 70B fp8 with 2k prompts served 2,688.9 tok/s on 9 H100,
                   the KV over the scale-out network, < 2,704.3 on 8). The pools' bound (decode layout, below) takes
                   the faster link.
                   Served: reps r_d where c workers carry it within the TTFT limit, else the largest lam below it
                   with W_99(lam / (c mu)) + t_pass + t_xfer + t(b(lam)) <= limit (both terms rise with lam: 50
                   halvings of [0, reps r_d]); tokens/s = O lam (the demand when set). The offered load's
                   latencies take rho at offered / O and t(b) at its rows in flight over the pool's replicas.
    decode layout  (2026-12-05, s13-disagg2; every (tp, pp) 2026-12-06, s14-disagg3) the service's, not the
                   decode pool's: without a single stream, the decode search's own best and its best
                   at each (tp, pp) of the grid with tp pp within the accelerators it had (tp within the scale-up
                   domain; a tp or pp the spec gives: its layouts alone, the other coordinate searched; d and B
                   the search's at that layout: its capacity point within the TPOT limit; 24 layouts on 16 chips) each run through the pools and the served rate above; per
                   scenario the feasible one that serves the most tokens/s (the search's own, then the grid's
                   first (tp, pp), on a tie: a fixed order, so a sweep picks as its runs one at a time). Pruned
                   exactly: none where the search's own serves its capacity (decode-bound: no layout serves
                   more); a layout whose decode capacity on
                   the accelerators the search had is not above the best so far is not run; nor one whose pools'
                   bound is not: max over the splits c of min(P(c), reps(c) r_d), P(c) = c mu rho_max(c) the prefill
                   pool's p99-bounded rate at the decode step of one row, t(1) (the step and the wait only rise with
                   the rate, so the served rate is below it), found before the served rate's bisection. The
                   candidates' decode steps at their rows (_decode_grids) and their pools' bounds (_pools_bounds:
                   the candidates stacked on the scenario axis) are each solved in one pass (2026-12-06,
                   s15-disagg: a prefill-bound search took about 2x a decode-bound one's time, one pass a candidate;
                   bench/bench_search.py --part disaggregated). Before
                   s13-disagg2, the pool's own best: where the prefill pool binds, a tighter TPOT limit that moved
                   the search to a wider tp served more (2k prompts, 16 H100, 8 prefill accelerators: 4,665.6
                   tok/s at 40 ms, tp 2 x 4, < 4,725.8 at 30 ms, tp 4 x 2; now 4,749.0 at both, tp 8 x 1); before
                   s14-disagg3, one candidate a tp (its best pp on all the accelerators), which can leave no split
                   as good as a tighter limit's (16 H100, 4k prompts, split searched: at 60 ms tp 2's candidate was
                   pp 2, B 319: 2,332.3 tok/s at tp 4, 12 prefill, < 2,881.4 at 45 ms, tp 2 pp 1, 14 prefill; now
                   2,881.4 at both). The served rate at a given layout never rises with a tighter limit (its
                   capacity point B only falls), so neither does their maximum over the layouts. Assumed [U]: d is
                   the search's pick at each (tp, pp). With a demand, every layout that serves is sized to it and
                   the one on the fewest accelerators taken (the search's own, then the grid's first, on a tie);
                   before s15-disagg the search's own alone. Pruned exactly: a layout whose fewest replicas
                   ceil(lam / r_d) R_d plus the prefill pool's floor (c tp_p > lam tp_p / mu >= lam min tp_p
                   t_pass / n) is no fewer than the best so far in every scenario is not sized (70B fp8 on 64
                   H100, 4 demands: 0.59 -> 0.28 CPU s).
                   Infeasible (with the numbers): no worker layout holds the weights and a prompt, the pools hold
                   no worker or no replica, or the first token without a queue misses the TTFT limit.
    validate       the v5.1 / v6.0 disaggregated submissions run with the split they record (compiler/validate.py
                   DISAGGREGATED: prefill_accelerators and prefill_tp, the decode engine's tp and ep).

Clock under a power limit (per chip; compiler.models.power is the one law, the one the training and power
models use): P = P_idle + a u_c x v(x)^2 + b u_m, v(x) = max(v0, x) the supply voltage (at its floor v0 = 0.72
below x = v0), held at cap = min(power_cap, tdp), x the clock fraction; a phase of activity (u_c, u_m) runs at
the highest x whose draw fits the cap, h = (cap - P_idle - b u_m) / (a u_c): x = 1 (h >= 1), h^(1/3) (h >= v0^3),
h / v0^2 (below), and computes at rho = x of its full-clock rate (a, b fitted on the measured H100 SXM: 72 W
idle, 700 W at 1,350 of 1,980 MHz under sustained GEMM; v0 on NVIDIA's H200 at 500 and 700 W; other chips scaled
by TDP or their `dynamic_power` and `let voltage_floor`). Each decode step (and each prefill) is one phase with
its own activity:
    u_c = (t_gemm + t_att) / (rho t)   its compute kernels' time at its clock over its time (t_gemm, t_att at
                                       the full clock: a kernel running draws the dynamic power whatever its
                                       efficiency [D]: the H200's 500 / 700 W ratio needs a serving step to draw
                                       at least 0.68 of a dense GEMM's power per clock, more than its FLOP rate
                                       gives; docs/accuracy.md 'The clock law under a power cap'); with
                                       `let gemm_knee_power` k < 1 the GEMMs' knee time counts k-fold:
                                       t_gemm -> t_flops + k (t_gemm - t_flops), t_flops their FLOPs at e_c
                                       (default: the chip's own `let gemm_knee_power`, else 1; stdlib gives
                                       0 to the add-in cards H100 NVL, H100 PCIe and L40S, where the measured
                                       runs' steps show it: docs/accuracy.md "The add-in cards' decode step");
                                       with `let knee_under_weights` 1 (opt-in, measured, not applied) the
                                       knee's time the weight read covers beyond t_flops draws nothing:
                                       t_gemm - t_flops -> that less min(max(t_w - t_flops, 0), t_gemm - t_flops);
                                       the attention (and with `let knee_own_power` 1 the knee) at the
                                       chip's own a where the workload's is its FP4 MACs' (Blackwell Ultra)
    u_m = bytes / BW / t               its weight and KV reads at peak bandwidth over its time
    t(rho) = max(t_gemm / rho, t_w) + max(t_att / rho, t_kv) + the rest (memory keeps its clock)
solved as its root: the highest clock whose draw at its own activity fits the cap (the draw rises with the clock;
a bracketed solve to 1e-9, _solve_clock; two passes from rho = 1 until s17-converge, up to 27% above it). A
memory-bound decode step keeps the full clock; a
prefill-heavy step throttles toward a dense GEMM's (0.68 on an H100 at 700 W, 1,350 MHz). `clock_fraction` is the
chosen step's rho.

Power and cost (2026-12-05, s12-cost: one semantics for demand, offered load and duty cycle):

    chips      the accelerators the service holds and pays for every hour, busy or idle: aggregated, `accelerators`
               (default one system or rack) whatever its demand, else, with a `demand`, the fewest whole replicas
               of the layout found on one system that carry it (searched again on them: accelerators_needed);
               disaggregated, its two pools (sized to the `demand` where one is set: accelerators_needed)
    capacity   tokens_per_s, the most it carries within its limits (disaggregated sized to a demand: the demand)
    load L     what it carries while busy: `offered_load`, else (aggregated) its `demand`, else the capacity;
               offered_share = L / capacity. L above the capacity is the `overloaded` error (the demand's names
               accelerators_needed): carried at the capacity, never capped in silence; a demand beside an
               offered load is not carried but must fit the capacity too (the same error)
    carried    tokens_per_s x min(offered_share, 1); its latencies, batch in flight, activity and power are at it
    u          the duty cycle, the share of the time it is busy: its `utilization`, else service_utilization 0.6 [U]
               (compiler/models/cost.py service_duty_cycle); idle the rest (to state an average demand, u = 1)
    served_tokens_per_s = carried x u
    usd_per_mtok        = chips x cost per accelerator-hour / served_tokens_per_s   (cost / hour over Mtok / hour:
                          halving a demand below the capacity doubles it; the capacity not sold is paid for)
    tokens_per_joule    = carried / power (power at that load)

Power: wall power while serving = accelerators x system_power / accelerators per system (the service's own load,
compiler.models.workloads: its accelerators at accelerator_power, which a cap bounds; bare chips: accelerators x
accelerator_power), as a training run's. The energy in the service's own cost per accelerator-hour below is its
own mean wall power per held accelerator, u x power / chips + (1 - u) x W(P_idle) (busy its duty cycle u at its
load, idle the rest with every chip at its idle draw; 2026-12-05, s12-trust4: it was the system's planning wall
power at the site's utilization 0.85, which a power cap or a lighter load did not lower): an hour is paid busy or
idle. A site's TCO hour holds the same draw (2026-12-06, s14-tco: it held the site's energy at the site's
utilization): the site meters its services' accelerators at their duty cycles (power_avg = chips x that mean draw,
compiler.models.cost facility_power_metered) and each accelerator's hour carries the site's energy by its own
draw (cost.service_accelerator_hour), so that the services holding its accelerators add up to its tco_year. The
cost per accelerator-hour
is `accelerator_cost`, else the enclosing site's hour of the service's own chip type (compiler.models.cost
type_accelerator_hour: its TCO per accelerator-hour where it places one type; where it places several, each type's
systems' capital and upkeep plus the site's energy by their average IT power and the rest of its bill by their
peak IT power, the types' hours adding up to its bill, so a hall of another chip type does not reprice the service
but by what they share), else the system's purchase price per chip times the capital recovery factor CRF(r,
life_it) (compiler.models.cost it_capital_recovery: the finance block's discount rate and IT life, else the
assumptions', rate 0 = straight-line price / life: the formula of the site's depreciation_it_year) plus its energy
at the default price. The site's TCO holds more than that (the facility's depreciation, maintenance, staff,
water), so a service costs more per hour inside a site that prices it; `factory explain` and the report's basis
show which applied (the site's cost_per_accelerator_hour among the figure's inputs, else the chip's price).

Assumptions: GEMM efficiency depends on the rows only (not on K, N or the tile shapes); perfect overlap of
compute and memory traffic inside an operator (the max), none between operators or with communication; the
KV cache of the mean context resident (paged); experts sharded with the weights over the replica (their
exchange is the TP all-reduce); speculative decoding only where the workload sets draft tokens (Speculative
decoding, above), at one mean accepted length for every request; random arrivals delay the prompts only (one queue
per replica); a request's TPOT is its mean step time, the 99th percentile taken over the prompts it shares
steps with and the rows in flight beside it (both normal at the request's life average); each step computes at the clock the power limit allows its own mean activity (Clock, above),
memory traffic at the full memory clock.

Factors and where they come from (`factory explain` prints each source):
    e_c   the serving GEMM efficiency at large m, at the full clock: per chip family and precision, the
          chip's `let serving_efficiency_<precision>` or `let serving_efficiency` (stdlib/chips.factory),
          else `inference_gemm_efficiency` 0.85. Each is fitted once, all rows of its family together (the
          median |log error|, never per row), on reference/mlperf_calibration.csv (MLPerf Inference v4.1 and
          v5.0 closed, 1,075 rows) by `factory validate --fit`, with every step at its own power-limited clock:
          Hopper FP8 (H100 SXM, H200, H200-CTS, GH200, H200 NVL) 0.81 (x 0.68 = 0.55 for a dense GEMM at
          700 W; below the measured fp8 GEMM rate at the full clock, 1,418 TFLOP/s in bursts at ~0.79 of it:
          0.90 of peak), Hopper add-in FP8 (H100 PCIe, H100 NVL) 0.51, Ada FP8 (L40S) 0.32, Blackwell FP4 0.93 (with the FP4 GEMM knee, below; at 40 us
          per sequence the fit, on a grid now to 1.0, took 0.99: docs/accuracy.md "Latency v7"),
          CDNA3 FP8 (MI300X, MI325X) 0.46 (refitted 2026-12-05 with the clock law under a power cap and the
          per-sequence overhead re-chosen with it, then again jointly with the latency rows at 35 us; before: 0.67,
          0.37, 0.30, 0.74, 0.34 with the flatter law; Hopper FP8 0.82 -> 0.81, Hopper add-in FP8 0.55 -> 0.51, Ada FP8
          0.33 -> 0.32 and Blackwell FP4 0.92 -> 0.93 by the same rule on the converged clock solve, 2026-12-06).
          The H200 NVL is the H200's die and memory, its 600 W limit a lower clock through `dynamic_power`,
          `voltage_floor` and `tdp` below, so a dense step serves 1,670.5 x 0.694 / (1,979 x 0.682) = 0.859 of an
          H200 SXM's, measured 0.84-0.87 per chip in MLPerf v5.0. The global 0.85 is the fit's over all rows, for
          chips with no family value. docs/accuracy.md has the medians.
    rho   the clock's compute rate (Clock, above): compiler.models.power's law at the step's activity. The
          chips' `dynamic_power` (a) where the TDP-scaled H100 fit does not hold: the GH100 die on add-in
          cards scaled to the SMs and the clock their peak assumes (H100 PCIe 1,051 W, H100 NVL 1,055 W,
          H200 NVL 1,059 W) with the die's voltage floor over the card's top voltage (0.814, 0.853, 0.852: a
          dense GEMM at 350 / 400 / 600 W computes at 0.45 / 0.46 / 0.69 of its full-clock rate), GH200 and
          H200-CTS (MLPerf's "H200-SXM-141GB-CTS", the H200 at a 1 kW TGP) the SXM die's 1,755 W under their
          1 kW limit (0.81), CDNA3 1,880 W [U] (MI300X at 750 W: 0.68, MI325X at 1 kW: 0.78). Add-in cards' TP
          links are their `scaleup_bw`: PCIe Gen5 x16 (64 GB/s per direction,
          PCI-SIG) or the NVLink bridge (H100 NVL: 600 GB/s between a pair, NVIDIA), with the scale-up domain
          of the bridge group (validate: stdlib/accelerator_aliases.csv); L40S has PCIe Gen4 only. So a
          1 kW GH200 or MI325X runs its GEMMs faster than a 700 W H100 or 750 W MI300X of the same die;
          memory-bound work keeps the full clock (reference/h100_microbench.md: decode-like work stays below the
          limit).
    m0    gemm_half_rows 128, fitted to the H100 GEMMs of reference/h100_microbench.md (2026-11-27; 0 on SRAM-only
          dataflow chips, which have no GPU tiles; their e_m: see SRAM-only chips below). The knee moves with the
          rate (FP4 GEMM knee, below): a chip's `let gemm_half_rows_<precision>` replaces it (Blackwell FP4).
          `let gemm_launch_time` t > 0 (opt-in; 0 by default) makes the dense GEMMs' knee their launches' fixed
          time instead, the per-GEMM roofline max(W_g / (BW e_m), t + 2 K N m / (e_c P)) of reference/h100_microbench.md
          (gemm_roofline_time): m0 = L n_g t G P e_c / (2 pp A_dense), n_g = 4 launches a dense layer, 2 a MoE
          layer (Llama 2 70B tp 1: 44 rows at 11.6 us); a chip's own knee kept (docs/accuracy.md "The GEMM time
          as a per-launch roofline").
          With `let gemm_weight_efficiency` e_w > 0 as well (opt-in; 0 by default) the launches' time lies on
          both legs: the dense GEMMs of a step take L n_g t + max(T 2 A / (G P e_c rho), W_chip / (BW e_w)), no
          knee in rows (m0 = 0 for the dense GEMMs; the routed experts keep theirs), so below the ridge a prompt
          token costs no GEMM time; the launches draw neither compute nor memory power in the clock law
          (docs/accuracy.md "The step GEMM as a two-legged roofline").
          `let gemm_smooth_power` p > 0 (opt-in; 0 by default) makes the step's dense GEMMs one smooth law of
          the step's total rows T (decode rows + prompt tokens), t = (t_c^p + t_w^p)^(1/p) with t_c = T 2 A_dense /
          (G P e_c rho) (no knee in rows: m0 = 0 for the dense GEMMs) and t_w the weight read W_chip / (BW e_m)
          (gemm_smooth_time), so below the ridge a prompt token costs (t_c / t)^(p - 1) of its FLOPs' time and
          above it the GEMMs tend to their FLOPs; the knee's time is memory time (no compute draw). p 2.7 fitted
          once to reference/h100_microbench.md's 4,096 x 14,336 GEMMs (bench/gemm_smooth_fit.py, 8.3% rms; the
          knee law fits the same points at 4.3%). With `let gemm_weight_efficiency` e_w > 0 the weight leg is
          read at e_w (the launches' time beside it only where `gemm_launch_time` is set). The prefill and the
          batcher's kappa_p / p0 keep the knee (docs/accuracy.md "One smooth GEMM law of the step's rows").
    e_m   inference_bandwidth_efficiency 0.75, measured (weight GEMMs at M <= 128 on an H100,
          reference/h100_microbench.md).
    e_l   link_efficiency 0.80 [U] (nccl-tests all-reduce bus bandwidth over NVLink4, order of magnitude; NCCL on an
          8-GPU H200, NVLS: 0.84-0.93 of 450 GB/s at 67-134 MB with the 8 us latency, Azure ND H200 v5 [S]); a chip's
          `let link_efficiency` replaces it where its fabric was measured: NVLink5 (B200, GB200, B300, GB300) 0.64, NCCL
          all-reduce on 4-GPU GB200 and GB300 trays, 551 / 574 GB/s bus bandwidth at 67 / 134 MB, the sizes of a 405B
          serving step's all-reduces (Azure ND GB200 v6 / GB300 v6, egmsft/AI-benchmarking-guide [S]): NVLink5 doubles
          the link, the all-reduce gains ~1.4x (docs/accuracy.md "NVLink5 all-reduce").
    step_overhead 2 ms and seq_overhead 35 us per sequence: chosen on the same calibration data (a
          coarse grid, all rows together, with the family factors refitted at each point: the pair that
          minimises the Offline, Server and Interactive medians while e_c stays at or below the measured
          fp8 ceiling; 30 us with the flatter clock law before 2026-12-05, 40 us with the clock law under a
          power cap: 45 us would take Blackwell FP4 to 1.0; then 35 us, rescanned over 25 / 30 / 35 / 40 us
          with the families refitted at each point and the least sum of every inference and latency
          category's median, since the per-sequence cost sets the step's slope in the batch and so the
          latencies too: docs/accuracy.md "Latency v7") [D]; the per-sequence term is what makes small fast models (Mixtral on B200)
          slower per FLOP than large ones.
    layer_latency 5 us [U] (SRAM-only chips: G sram_stage_latency, below; a model's `layer_latency` field, its
          architecture's kernel chain, replaces it on GPUs: DeepSeek-R1 61.5 us, stdlib/models.factory);
          collective latency 8 us [U];
          memory reserve 10% (vLLM default).

SRAM-only chips (weights held in on-chip SRAM over many chips or a wafer: Groq LPU, Cerebras WSE-3; the chip's
`memory` is its `sram`). Weights stay where they are stored, and a layer's matrix-vector products read them at the
bandwidth of the share of each chip that holds them (the layers of a chip sit in regions of its cores, as a
layer pipeline over the die [U]: on the WSE each core reads only its own 48 KB). So a step passes over a chip's
weights once per layer of the model, not once per pipeline stage:
    weights     t_w = L W_chip / (BW e_m),   W_chip = N w / R
    (batch 1: the token visits the L layers' regions one after another; a stream of L micro-batches keeps every
    region busy, each region reading its weights L times: the same time)
    e_m         the chip's `let sram_bandwidth_efficiency` (WSE-3 0.06, fitted below: Cerebras wrote that its
                first inference release "utilized only a fraction of its peak bandwidth, compute, and IO
                capacity", cerebras.ai blog 2024-10-24, as quoted
                in news.ycombinator.com item 41942822 [S]), else 0.80 [U] (Groq: its speeds hardly depend on it)
    stages      a dense layer is G = 5 dependent GEMM stages (QKV, attention, O, gate/up, down); each ends in an
                on-die reduction and broadcast: L G sram_stage_latency per step (the layer_latency term)
    TP          a layer spread over tp > 1 chips exchanges after each of its G stages (with tp beyond the model's
                KV heads no stage stays chip-local, unlike Megatron's two all-reduces): n_x = G [U]
    PP          t_pp as above (pp hops of lat, the activation over BL once), BL the chip's scale-up link, else
                its system's `let system_io` (CS-3: 1.2 Tb/s Ethernet, per direction), else scaleup_bw_default
    Fit: sram_stage_latency and WSE-3's sram_bandwidth_efficiency together, once, least squares on log speed over
    the four batch-1 speeds published in 2024: Cerebras Llama 3.1 8B 1,800 and 70B 450 tok/s (cerebras.ai
    2024-08-27, 1 and 4 CS-3), Groq Llama 2 7B 750 and 70B 300 tok/s (576 LPUs, techpowerup.com Feb 2024). Best:
    0.5 us and 0.06 (a flat valley: 0.3-0.9 us with 0.055-0.0675 within 10% of the least loss); the model then
    gives +14%, -10%, -7%, -10% (refitted 2026-12-07 after the pipeline's whole-row micro-batches: the same point,
    bench/sram_stage_fit.py prints the grid). Groq's speeds are mostly its G chip-to-chip exchanges per layer (5 x 8.3 us).
    Cerebras's later software is not this model: the 2024-10-24 release took 70B from 450 to 2,100 tok/s
    (rewritten MatMul and reduce/broadcast kernels, asynchronous wafer I/O, speculative decoding; draft model
    and acceptance rate not published): Llama 3.1 405B's 969 tok/s (2024-11) is compared in
    examples/published/cerebras_inference.factory as this model times that published gain (docs/accuracy.md).
FP4 GEMM knee (Blackwell; `_half_rows`, docs/accuracy.md "Accuracy v2, part D"). A GEMM of m rows takes a fixed
time t_0 (pipeline fill, the first K-blocks' loads, the epilogue and the last wave of tiles) plus m times a
per-row time c = 2 K N / (e_c P), so e(m) = e_c m / (m + m0) with m0 = t_0 / c: the knee is the fixed time over
the per-row time, and it moves to more rows as the rate P grows. Measured on one H100 SXM (K 4,096, N 14,336,
reference/h100_microbench.md [P]): t(m) = 12.5 us + 0.172 us m in bf16 and 11.6 us + 0.084 us m in fp8 (m 256-4,096),
the same fixed time at twice the rate, m0 73 -> 139 rows [D]. So on a chip whose FP4 rate is P_fp4 the knee is
taken as the H100 fp8 one scaled by the rate, with the same fixed time [U]:
    m0(chip, fp4) = gemm_half_rows x P_fp4 / P_fp8(H100 SXM) = 128 x P_fp4 / 1,979 TF
    B200 582 rows (9 PF), GB200 647 (10 PF), B300 873 (13.5 PF), GB300 970 (15 PF)   (stdlib/chips.factory)
On a GB200 (cuBLASLt, Azure ND GB200 v6, egmsft/AI-benchmarking-guide [S]) FP4 reaches 0.64 of its 8,192^3 rate
at 4,096^3 where FP8 reaches 0.97 of its own: the FP4 knee lies several times further out than the FP8 one.
What it does: a step of few rows per micro-batch (Llama 3.1 405B Offline on a B200 at tp 2: 48 sequences
carrying 659 prompt tokens, 707 rows, e 0.55 of e_c instead of 0.85, so the search now takes tp 4 with 177
sequences, 2,600 rows, 0.82; Llama 2 70B Interactive, 357 decode rows) loses more than a step of thousands
(Llama 2 70B Offline, 3,694 rows: 0.86 instead of 0.97); refit once with it, Blackwell FP4 e_c 0.63 -> 0.74
under the flatter clock law (0.76 measured on a GB200 8,192^3 FP4 GEMM); 0.90 at the full clock under the clock law
with a voltage floor, which counts such measured GEMMs as throttled (factors above). No chip outside Blackwell FP4
moves.
The knee is a GEMM launch's fixed time. The routed experts of a MoE layer run as one grouped GEMM (TensorRT-LLM's
and vLLM's fused MoE kernels: every expert's rows in one launch [P]), which pays that fixed time once for all its
experts, so each expert keeps only its own tile quantization, the measured gemm_half_rows (128 rows):
    e(m_e) = e_c m_e / (m_e + gemm_half_rows)      (routed experts, every chip)
Taking the FP4 knee per expert made a model of 256 small experts pay 256 fixed times a layer: DeepSeek-R1 on 8 B300
could not reach MLPerf's 15 ms Interactive TPOT that B300 systems met (v6.0) [D].

Routed experts' grouped GEMM (`moe_module`; docs/accuracy.md "The routed experts' grouped GEMM by its shape").
Per MoE layer and micro-batch pass on a chip, E experts of N x K weights each, m_e = d (T / pp) k / E rows each:
    weights   the touched experts' bytes at the streaming efficiency e_m (W_read above: read once a pass)
    FLOPs     each touched expert's rows padded to the tile: e(m_e / u) with u = 1 - (1 - k / E)^(d T / pp) the
              share of experts some token reached (an untouched expert has no tile; u = 1 at serving batches)
    fixed     moe_layer_latency (27 us [D]) a layer pass: router GEMM, top-k, permutation, quantization, the two
              grouped GEMMs' launch and pipeline fill, activation, finalize (0 on SRAM-only chips: no kernels)
    rows      the expanded (token, expert) rows: each pair's h values written and read back at the dispatch
              precision (permute -> FC1, a_d = 1 B at 8-bit or narrower weights, else 2) and in bf16 (FC2 ->
              finalize, a = 2 B): 2 (a_d + a) h bytes a pair at BW e_m; a chip handles every pair at d = 1 (its
              slice of each expert), the busiest of the tp d chips gamma / (tp d) of the d ranks' pairs at d > 1
    t_moe = L [moe_layer_latency + n_pairs h 2 (a_d + a) / (BW e_m)]  (decode_moe_time; prefill: T -> I, d = 1
              at its rank)
    tiles     (`let expert_gemm_tiles` 1, 0 by default; docs/accuracy.md "The MoE decode step at attention DP + EP")
              the FLOPs' padding of TensorRT-LLM's / FlashInfer's TRTLLM-Gen fused MoE kernels, which size the CTA
              tile from the mean rows an expert, t = the next power of two of m kept within 8 and 64 ("Cap to 8-64
              tokens per CTA tile as it's the range supported by the kernel": `calculate_tile_tokens_dim`,
              flashinfer-ai/flashinfer and vllm-project/vllm, and tensorrt_llm/_torch/modules/fused_moe/
              fused_moe_trtllm_gen.py, read 2026-12-05 [P]): e = e_c m / (t ceil(m / t)) (expert_tile_efficiency)
              in place of e(m) = e_c m / (m + expert_half_rows); never below it (t ceil(m / t) <= m + 63). The
              shape law stays for every other grouped GEMM (CUTLASS, the TensorRT engines' MoE plugin: Mixtral's
              v5.0 engines, where the tile law moves Mixtral Offline 4.1% -> 5.8% and Server 4.3% -> 8.1%, i.e.
              those kernels are not TRTLLM-Gen's). validate gives it to gpt-oss-120b on datacenter Blackwell (the
              submitters' `moe_backend` TRTLLM: EXPERT_GEMM_TILES). At gpt-oss-120b's 23 rows an expert (EP 4, 185
              rows a rank) the tile rate is 0.72 e_c against the shape law's 0.15 e_c: the experts' W4A8 GEMM is
              then bound by its weights' reads, not its padded FLOPs.
Sources: TensorRT-LLM's measured per-rank MoE module latency on one B200 at TP8, DeepSeek-V3 shape in NVFP4, 1-384
tokens (TRTLLM-Gen column, NVIDIA/TensorRT-LLM docs/source/blogs/tech_blog/blog24_MoE_as_Dense_GEMM.md [P]): with
the rows' bytes fixed as above, a line through the 14 points against the experts touched has slope 0.518 us an
expert, what an expert's NVFP4 slice with its FP8 block scales (3 x 7,168 x 256 x 0.5625 B = 3.10 MB) takes at
8 TB/s x 0.75 (0.516 us), and intercept 27 us; the law is within 7% of every point from 8 tokens up (one token
+17%). So the grouped GEMM of experts of 4-12 rows streams at the model's e_m, not lower; DeepGEMM's masked
grouped GEMM at 32 rows an expert streams at 98-99% of the measured read peak (deepseek-ai/DeepGEMM PR 380 [S]);
DeepGEMM's dense FP8 GEMMs of 64 rows (one expert's shape) on an H800 run at 0.50-0.80 of 3.35 TB/s, the
narrow ones (N 2,112: 17 tiles for 132 SMs) lowest (README, 2025-02 [P]). TensorRT-LLM's part-2 EP blog's 75 us
for the first grouped GEMM at EP 16 on GB200 (16 experts' FC1, 264 MB with scales, 16-32 rows each: 0.44 of the
peak counted alone) is the older kernel of mid-2025 or the module's fixed time on one GEMM; not used [D].
Not modelled: the FP4 block scales' bytes in the weights (every FP4 GEMM: +12.5% NVFP4, +6.25% MXFP4; a change
of every Blackwell FP4 row, left to a refit), hot experts (skewed routing: fewer touched at small batch, a
busier chip at large), the shared expert on a side stream.

Mixed weights (`let weight_bits`, `_mixed_weights`; docs/accuracy.md "Mixed weights on current main"). A
checkpoint whose layers are quantized either to the precision (b bits) or to the next wider format (b_wide: bf16 /
fp16, 16 bits), `weight_bits` bits per weight on average (NVIDIA ModelOpt auto_quantize `effective_bits` [P]):
    s     = (weight_bits - b) / (b_wide - b)               the wide share of the weights (weight_bits outside
                                                           b..b_wide: an `infeasible-workload` error, its numbers)
    P_eff = 1 / ((1 - s) / P + s / P_wide)                 every GEMM's FLOPs split as the weights are [U]
    w     = b / 8 + s (b_wide - b) / 8 = weight_bits / 8   bytes a weight (weights, KV room, weight reads)
P_eff replaces P in t_gemm and the prefill; the GEMM knee m0 stays the precision's [U]; P_att, the KV cache and the
activations do not change. Which layers stay wide is not published; the FLOP share equal to the weight share is
near the low end for Mixtral (wide expert layers only: s N (k_act / E) / A = 0.91 s of the FLOPs; wide layers
that every token passes, attention: up to s N / A = 3.6 s) [D]. MLPerf Inference v5.0 Mixtral 8x7B:
8.75 bits on Hopper (fp8 + fp16: s = 0.094, GEMMs 1.094x the FP8 time, w = 1.094 B), 7.25 on Blackwell (fp4 +
fp16: s = 0.271, P_eff = P_fp4 / 1.8125 = 4,966 TFLOP/s on a B200, w = 0.906 B) (`effective_bits` of NVIDIA's v5.0
configs/mixtral-8x7b, as copied in ntuhpc/mlperf_inference_results_v5.0 closed/Cisco [P]). Not set unless a spec
sets it: validate does not give the v5.0 Mixtral rows their bits, since on the calibration file it moves Hopper
Mixtral v5.0 from 3-8% slow to 10-15% slow and raises the Server median 7.6% -> 9.0% (docs/accuracy.md).

FP4 weights (`fp4_weight_bytes`; `let fp4_scale_block`) [P]: an FP4 weight is stored as a 4-bit E2M1 value and its
share of the 8-bit scale of its block, b4 = 0.5 + 1 / block bytes: NVFP4 (NVIDIA Blackwell and its FP4 checkpoints)
scales blocks of 16 values with an E4M3 (plus one FP32 scale a tensor, left out: 4 bytes in millions of values),
0.5625 B; MXFP4 (OCP MX v1.0: AMD CDNA4, AWS Trainium3, the released gpt-oss checkpoints) blocks of 32 with an E8M0,
0.53125 B. The block is the workload's `let`, else the model's (the checkpoint's format: gpt-oss 32), else the
chip's (stdlib/chips.factory: MI350X, MI355X, Trainium3 32), else 16. It sets the weights' memory, the KV room left
and the weight reads; the GEMM rate stays the format's (the scales are applied in the tensor cores). Before
2026-12-05 an FP4 weight was 0.5 B: Llama 3.1 405B NVFP4 at tp 2 held 101.5 GB a chip where it holds 114.1 GB.

FP4 checkpoints by GEMM (`let fp4_bf16_params`, `let fp4_expert_activation_bits` of a model; `_fp4_checkpoint_by_gemm`;
docs/accuracy.md "The precision each GEMM of NVIDIA's Blackwell checkpoints runs at"). At `precision = "fp4"` a
model's FP4 checkpoint may keep some GEMMs wide and run its routed experts with wider activations:
    s_w   = N_w / A                                  the bf16 share of a token's GEMM FLOPs (N_w GEMM parameters
                                                     every token passes through: attention projections, router,
                                                     unembedding; none of them routed)
    s_x   = A_exp / A  (bits 8 or 16; 0 at 4)       the routed experts' share, at their activations' rate P_x
                                                     (W4A8: the FP8 rate; W4A16: the bf16 rate; clipped to 1 - s_w)
    P_eff = 1 / (s_w / P_bf16 + s_x / P_x + (1 - s_w - s_x) / P_fp4)
    w     = b4 + N_w (2 - b4) / N                    bytes a weight on average (weights, KV room, weight reads;
                                                     b4 the FP4 weight's bytes: FP4 weights, above)
P_eff replaces P as the Mixed weights' rate does (`let weight_bits` on the workload takes precedence); the knee m0
stays the FP4 one and the shares are spread over the dense and expert GEMMs' shape efficiencies alike, and the
wide bytes over the weights read at the experts' touched share [U: the wide parameters are dense, read every step:
at small decode batches the reads are undercounted by up to N_w (2 - 0.5) (1 - touched) / R]. Sources [P]:
NVIDIA's MLPerf v5.1 DeepSeek-R1 checkpoint excludes fused_a, q_b_proj and kv_b_proj of every layer, the routers
and lm_head from NVFP4 (closed/NVIDIA/code/deepseek-r1/tensorrt/hf_quant_config.json: N_w = 5.28e9 of A = 37e9,
s_w = 0.143, a B200's GEMMs 1.43x the all-FP4 time); gpt-oss-120b's released checkpoint is MXFP4 in the experts only
(attention, router and unembedding bf16: N_w = 1.55e9 of 5.13e9) and TensorRT-LLM runs MXFP4 experts with MXFP8
activations on Blackwell (`get_mxfp4_quant_algo`: W4A8_MXFP4_MXFP8 on SM >= 100 for the CUTLASS and TRTLLM MoE
backends; tensorrt_llm/_torch/model_config.py): on a B200 2.60x the all-FP4 time. NVIDIA's Llama 2 70B and Llama 3.1
405B FP4 checkpoints quantize every linear layer of the transformer blocks to NVFP4 weights and activations
(TensorRT-LLM examples/quantization/quantize.py --qformat nvfp4 = ModelOpt NVFP4_DEFAULT_CFG, lm_head excluded;
v5.0 configs `gemm_plugin` fp4, `norm_quant_fusion`): they set neither. The workload's `let
fp4_expert_activation_bits` (4, 8 or 16) replaces the model's: the engine's kernels where the chip decides them. On
chips without FP4 tensor cores the MXFP4 experts run W4A16 (4-bit weights dequantized in the kernel, bf16 GEMMs):
vLLM on SM 90 (FlashInfer "MXFP4 BF16", Marlin or Triton; on Intel XPU "ipex marlin": vllm/model_executor/layers/
quantization/mxfp4.py `get_mxfp4_backend`, https://github.com/vllm-project/vllm, 2025-2026 [P]) and TensorRT-LLM
below SM 100 (`get_mxfp4_quant_algo` W4A16_MXFP4 [P]): at 16 bits s_x + s_w = 1 for gpt-oss-120b, every GEMM at
the bf16 rate, the weights still 0.5 B (docs/accuracy.md "gpt-oss-120b by platform"; validate sets it for Hopper
and Intel Arc rows). MXFP4's E8M0 scale, one byte a block of 32 (4.25 bits a weight), is not counted [U].
Where P_eff falls below the chip's rate at a wider format it rates (gpt-oss-120b on Blackwell and MI355X: 0.77 of the
fp8 rate on a GB200), a compute-bound step is slower than the same model at `precision = "fp8"` (an all-FP8
checkpoint), physically: the `slower-precision` warning says so at the precision (compiler/checks.py; the law fp4 >=
fp8 of tests/test_precision_law26.py excludes such a checkpoint).

Known misses on the calibration file (docs/accuracy.md): Llama 3.1 405B on Blackwell FP4 (Offline +24% B200,
+29% GB200; Server +47% / +60%, after the FP4 GEMM knee above, the attention by its kernels and NVLink5's measured
all-reduce efficiency: the prefill-heavy steps of FP4 Blackwell are still too fast, 70B's too when prompts dominate,
and Blackwell Ultra's gain over them is ~1.18x per GPU where the model gives 1.55x; the 70B rows that carry the
Blackwell FP4 fit are 43% per-sequence overhead, so they pin matmuls plus per-row time, not the matmul rate: see
docs/accuracy.md parts D and F and "NVLink5 all-reduce"), H100 v4.1 submissions against v5.0 ones (the same chip gained
~29% in software between the rounds; one factor sits between them), MI325X (its 1 kW board and larger memory),
TTFT and TPOT percentiles (validate compares them at the model's capacity point: TTFT p50 9.4%, p99 14.3%,
TPOT mean 9.2%, p99 7.9% median |error|; where the capacity is off the latencies carry it; Llama 3.1 405B's TPOT
p99 -15..-29% under a right mean: its outputs' spread is not modelled, "Serving step mixture"; AMD's v4.1 MI300X
TTFT behind its harness batcher +6..+14% (was ~3x short; "Harness batcher" above); KV-bound H100 80 GB Mixtral TTFT p99 -62% (requests wait for a
slot); NVIDIA runs Llama 2 70B Interactive at tp 1, where the model's step is ~17%
slow, so the model serves it at tp 2 and pools two engines' token budgets into one queue: TTFT short).
"""

from __future__ import annotations

from .options import (ACTIVATION_BYTES, ALLREDUCE_ONESHOT, ALLREDUCE_ONESHOT_TP4, ALLREDUCE_WORKSPACE,
                      ALLREDUCE_WORKSPACE_TP2, BATCH_GRID, BENCHMARK_LIMITS, CONTEXT_ATTENTION_HALF_LENGTH,
                      CONTEXT_ATTENTION_RATIO, DENSE_LAYER_LAUNCHES, ELEMENTWISE_BANDWIDTH_EFFICIENCY,
                      EP_A2A_EFFICIENCY, EP_A2A_FLOOR, EP_A2A_LATENCY, EXPERT_POPULARITY_CV, FP4_BF16_PARAMS,
                      FP4_EXPERT_ACTIVATION_BITS, GPU_TP_EXCHANGES, KV_CACHE_WIDTH, KV_LORA_RANK, MAX_BATCH_SIZE,
                      MOE_LAYER_LAUNCHES, NVFP4_DISPATCH_BYTES, NVFP4_VALUE_BYTES, NVLINK_GROUP,
                      OPERATING_FRACTIONS, PP_GRID, SCENARIO_OPERATING_FRACTIONS,
                      PRECISION_BYTES, QK_ROPE_HEAD_DIM, SCENARIO_LIMITS, SLIDING_LAYERS, SLIDING_WINDOW,
                      SOFTMAX_EXP_RATE, SRAM_BANDWIDTH_EFFICIENCY, SRAM_LAYER_STAGES, TP_GRID, WEIGHT_BITS,
                      WIDER_FORMAT, Z99, adp_balance, allreduce_kernels, allreduce_twoshot, bandwidth_efficiency,
                      batch_refinement, batch_window, beam_width, busy_step_length, capacity_at_own_rate,
                      capacity_margin, capacity_solve, chunk_tokens, clock_draw_activity, collective_latency,
                      context_chunk_unit, default_input_tokens, default_output_tokens, dense_gemm_release_rate,
                      dispatch_wait_engines, dispatch_wait_p50, dispatch_wait_p99, dispatch_wait_share,
                      dispatch_wait_tail, draft_acceptance, draft_accepted_length, draft_tokens, elementwise_kernels,
                      expert_gemm_tiles, first_token_delay, first_token_delay_p99, fp4_quantize_kernels,
                      fp4_scale_block, gemm_efficiency, gemm_half_rows, gemm_knee_power, gemm_launch_time,
                      gemm_smooth_power, gemm_swiglu, gemm_weight_efficiency, host_steps, integer_chunk_steps,
                      knee_own_power, knee_under_weights,
                      kv_cache_fraction, kv_length_biased, kv_room_wait, kv_wait_service_spread, layer_latency,
                      link_efficiency, memory_reserve, moe_layer_latency, nccl_latency, operating_fraction,
                      operating_fraction_interactive, operating_fraction_server,
                      output_length_cv, own_prompt_spread, pipeline_host_overlap, pipeline_overhead_split,
                      power_limit_window, prompt_busy_window, prompt_length_cv, row_averaging, row_budget_hold,
                      row_count_elasticity, row_dispatch, row_dispatch_engines, run_ramp_deficit,
                      scaleout_bw_default, scaleup_bw_default, scheduler_steps, seq_overhead, seq_overhead_host,
                      serial_context_chunks, sparse_to_dense, sram_stage_latency, step_overhead, step_residual_tail,
                      swiglu_kernel, token_layer_time, tp_all_reduce_time, whole_prompts, whole_step_engines)
from .physics import (Architecture, Hardware, Load, _col, _ep_grid, _ep_searched, _kv_room_wait, _quantized_inputs,
                      attention_flops, config_grid, context_attention_efficiency, elementwise_bytes,
                      engine_batch_cap, expert_imbalance, fp4_quantize_bytes, in_flight_age, kv_budget, kv_slots,
                      prompt_attended, rank_imbalance, swiglu_kernel_bytes, windowed_length)
from .queues import (ADP_POISSON_EXACT, BULK_NEWTON_STEPS, BUSY_WINDOW_BISECTIONS, ELASTICITY_FLOOR,
                     LITTLE_ROWS_TOLERANCE, OUTPUT_MIN_STEPS, RUN_SECONDS, _NORMAL_QUANTILE, _OUTPUT_BIN_EDGES,
                     _POISSON_GRID, _batcher_ttft, _budget_ttft, _budget_utilization, _bulk_quantile_terms,
                     _bulk_wait_quantile, _busy_window_latency, _cf_tail, _cornish_fisher, _gamma_grid, _gamma_tails,
                     _largest_fitting, _log_poisson, _normal_max, _normal_quantile, _normal_tail, _output_grid,
                     _output_mixture_z, _own_prompt_tokens, _pipeline_tokens, _poisson_max_mean, _poisson_max_table,
                     _poisson_term_groups, _prompt_lumps, _prompt_plus_wait_quantile, _ramp_deficit,
                     _residual_excess, _serial_servers, _shape_eff, _step_mixture, _tpot_tail, _waiting_chance,
                     _whole_step_ttft, _window_share, adp_context_excess, budget_hold_slope, busy_step_fraction,
                     busy_window_tpot, dispatch_row_share, expert_tile_efficiency, gemm_roofline_time,
                     gemm_smooth_time,
                     least_busy_bulk, least_busy_tail, least_busy_utilization, little_rows, prefill_pool_utilization,
                     prefill_pool_wait, prefill_prompts_per_pass, row_elasticity)
from .queues import PROMPT_CURVE_KNOTS, _prompt_cost
from .clock import (CLOCK_SECANT_STEPS, CLOCK_STEPS, CLOCK_TOLERANCE, _either, _power_law, _solve_clock,
                    _sustained_rate, _window_rate)
from .step import (evaluate_configs)
from .grid_search import (OWN_RATE_TOLERANCE, SOLVE_POINTS, SOLVE_PROBE, _capacity_columns, _own_rate_fallback,
                          _refined_batches, _solved_batches, search, search_grid, search_loop, why_infeasible)
from .platform import (ONE_TOKEN_REASON, Platform, _bandwidth_efficiency, _chip_or_default, _draft_length_range,
                       _draft_tau, _fixed, _fp4_checkpoint_by_gemm, _half_rows, _inputs, _kv_precision,
                       _layer_latency, _mixed_weights, _model_shape_range, _nvlink_group, _peak, _power_cap_floor,
                       _power_gemm_peak_fraction, _precision, _refuse, _weight_bits_range, architecture,
                       benchmark_limits, fp4_weight_bytes, latency_limit, load_name, offered_load, one_token,
                       rated_format, serving_efficiency)
from .solution import (DECODE_ROWS_RATIO, PREFILL_PARTS, PREFILL_PASS_GRID, _at_rows, _decode_at_rows,
                       _decode_at_rows_many, _decode_floor, _decode_grids, _disaggregated, _fewer_accelerators,
                       _fewest_pools, _held_pools, _layout_capacity_bounds, _merged, _pool_count, _pool_scenarios,
                       _pools_bounds, _prefill_floor, _reason, _replica_rate, _rows_in_flight, _served_more, _solve,
                       _solve_cache, solved)
from .band import (BANDED, BAND_SECTION_POINTS, BAND_UNBOUNDED, LATENCY_BAND_LOAD, LATENCY_KNIFE_EDGE,
                   ROOM_SECTION_POINTS, ROOM_SHARES, ROOM_TOLERANCE, _band, _band_inputs, _band_solve, _banded,
                   _room, knife_edge, latency_at_loads, latency_band, room_load)
from .outputs import (DECODE_TERMS, DISAGGREGATED_TERMS, OVERLOAD_REASON, POOL_OUTPUTS, PREFILL_TERMS,
                      UNSTEADY_OUTPUTS, _always, _idle, _latency, _limit_held, _limit_use, _needed,
                      _overloaded_scenarios, _pool, _power, _served, _tpot, _ttft, _unsteady, _usd_per_token, _value,
                      accelerator_cost, carried_tokens_per_s, feasible_only, mean_wall_per_accelerator,
                      no_second_token, overloaded, overloaded_scenarios, show_terms, solve_inputs, steady_only)

