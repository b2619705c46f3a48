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
                u = min(I, C), lambda = r B / (pp u), clipped to [T, max(T, pp C)] (Pipeline stages, below)
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
                1 / 2n of a grid step [D]. `capacity_margin` delta (default 0: the most throughput) takes instead,
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
                bench/capacity_staircase.py). `capacity_solve` 1 (default 0) solves the batch instead: on every
                layout that can win (_solved_batches: its best grid score x B_next / B* reaches the best; a
                replica's throughput grows at most in proportion to its rows), the largest batch between the grid's
                neighbours B_prev < B* < B_next of its best grid batch where
                    rising(B) = TPOT p99 <= f tpot_limit and TTFT p99 <= f ttft_limit
                                and the throughput at B (1 + 1e-6) is not lower (or fails a limit)
                holds (256 batches of the bracket at once, the root to ~1e-3 in ln B), so a TPOT-bound point sits at
                its limit, a TTFT-bound one where the rate cut starts to lower the throughput, one where no limit
                binds at the throughput maximum; the grid's point is kept where it carries more, so the solved
                capacity is never below the grid's, and it rises with a looser limit and with more chips
                (tests/test_inference.py). `operating_fraction` f (default 1): the limits the point is held to, f x
                each; a planner asks for the capacity under the limits (f = 1) and sets a margin as this explicit
                `let`. MLPerf submitters stop at median 0.88 of their binding limit (155 Server runs of
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
            TTFT_q = (0.5 + d) t_iter + N_q t_decode + (X_q + lam I t_iter / 2) kappa + fill    (inf when rho >= 1)
    0.5 t_iter: the rest of the step in flight when the request arrives (over the serving step mixture its
    length-biased residual, (f t(lump)^2 + (1 - f) t(0)^2) / (2 t_iter); TensorRT-LLM's executor fetches new
    requests once a step, after the step in flight and its responses: executorImpl.cpp executionLoop [S]);
    d = `first_token_delay` 0.325 mean steps [D]: what MLPerf runs with a light prompt queue measure beyond the
    executor's 1.5 steps (TTFT p50 1.7-2.3 mean steps on Mixtral, B200 and H100 v4.1), not in any source
    read [U], chosen by a one-parameter scan (docs/accuracy.md, Latency v4, rescanned in v5, v6 and v7); t_decode the step of the b decode rows
    alone; kappa = (t(own / b) - t_decode) / own a prompt token's time, own = min(room, I); over pp > 1 stages
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

Search: tp in powers of two up to the scale-up domain, pp over 1..256, B over a geometric grid up to 16,384
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
    0.5 us and 0.06 (a flat valley: 0.3-0.9 us with 0.055-0.065 within 10% of the least loss); the model then
    gives +14%, -10%, -6%, -9%. Groq's speeds are mostly its G chip-to-chip exchanges per layer (5 x 8.3 us).
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

import math
import dataclasses
from dataclasses import dataclass

import functools

import numpy as np

from . import (AT_LEAST_ONE, cached, Assumption, NON_NEGATIVE, Option, POSITIVE, RESERVE, SHARE, SWITCH, UNIT_FRACTION,
               WHOLE_NUMBER, output, rule, unpriced_parts, warn_unpriced)
from dsl.schema import Range
from . import assumptions as A
from dsl.diagnostics import Code
from .distinct import solve_distinct
from .power import (attention_power_share, chip_power_model, die_knee_scale, die_peak_scale, fp4_mma_rate,
                    workload_memory_power, workload_power_model)

# ----------------------------------------------------------------------------- assumptions and fitted factors
# `let`s of a model or chip the models read where the block defines them (no default; module docstring)
KV_CACHE_WIDTH = Option("kv_cache_width", "1", POSITIVE, "the values a token caches per layer (latent attention)")
KV_LORA_RANK = Option("kv_lora_rank", "1", POSITIVE, "the latent width c of latent attention")
QK_ROPE_HEAD_DIM = Option("qk_rope_head_dim", "1", NON_NEGATIVE, "the rope key width of latent attention")
SLIDING_WINDOW = Option("sliding_window", "1", POSITIVE, "the tokens a sliding-window layer attends to")
SLIDING_LAYERS = Option("sliding_layers", "1", WHOLE_NUMBER, "the number of sliding-window layers")
EXPERT_POPULARITY_CV = Option("expert_popularity_cv", "1", NON_NEGATIVE,
                              "the coefficient of variation of the routed experts' loads over a layer (hot experts)")
SOFTMAX_EXP_RATE = Option("softmax_exp_rate", "1/s", POSITIVE, "the chip's softmax exponentials per second")
NVLINK_GROUP = Option("nvlink_group", "1", AT_LEAST_ONE,
                      "the most accelerators joined pairwise by NVLink (a chip's or a workload's `let`; unset: the "
                      "whole scale-up domain): a TP group larger than it runs NCCL at every size (TP all-reduce by "
                      "kernel)")
WEIGHT_BITS = Option("weight_bits", "1", POSITIVE, "the checkpoint's bits per weight on average (Mixed weights)")
FP4_BF16_PARAMS = Option("fp4_bf16_params", "1", NON_NEGATIVE,
                         "the GEMM parameters a model's FP4 checkpoint keeps in bf16 (FP4 checkpoints by GEMM), "
                         "every token's: at most its active parameters", at_most=("active_params", "params"))
FP4_EXPERT_ACTIVATION_BITS = Option("fp4_expert_activation_bits", "1", Range(4.0, 16.0, values=(4.0, 8.0, 16.0)),
                                    "the activation bits of the routed experts' GEMMs of a model's FP4 checkpoint "
                                    "(4, 8 or 16; FP4 checkpoints by GEMM); a workload's replaces its model's")
MAX_BATCH_SIZE = Option("max_batch_size", "1", AT_LEAST_ONE,
                        "the sequences one serving engine (a tp x pp replica) holds at most (engine batch cap)")


gemm_efficiency = Assumption(
    "inference_gemm_efficiency", 0.85, "1",
    "achieved fraction of dense peak FLOP/s in large serving matrix multiplies at the full clock, for chips without "
    "a fitted family value (`let serving_efficiency` in stdlib/chips.factory) [D]: the Hopper family's fitted "
    "value (every chip's clock under its power limit is compiler/models/power.py's law, applied per step); fitted "
    "on MLPerf Inference v4.1/v5.0 closed rows in reference/mlperf_calibration.csv by `factory validate --fit`; "
    "the 2026-12-05 refit (the cost of pipeline stages) moved Hopper to 0.67 and kept this default at 0.65; the "
    "refit with the clock law under a power cap (compute rate proportional to the clock, a supply-voltage floor; "
    "docs/accuracy.md 'The clock law under a power cap', 2026-12-05) takes the fit's global value over all rows, "
    "0.85 (Hopper FP8 0.85): every chip's clock moved with the law, so the old default no longer holds any chip "
    "where it was", range=UNIT_FRACTION)
bandwidth_efficiency = Assumption(
    "inference_bandwidth_efficiency", 0.75, "1",
    "achieved fraction of peak HBM bandwidth when decode streams the weights and the KV cache [D]: weight GEMMs "
    "of 1..128 rows read at 2.39-2.63 TB/s of the 3.35 TB/s peak (0.71-0.79; a plain copy reaches 0.90) in "
    "reference/h100_microbench.md (one H100 SXM 80 GB, PyTorch 2.11 cuBLAS GEMMs, CUDA events, 2026-11-27)",
    range=UNIT_FRACTION)
memory_reserve = Assumption(
    "memory_reserve", 0.10, "1",
    "share of accelerator memory kept for activations, workspace and fragmentation [S]: vLLM's default "
    "gpu_memory_utilization = 0.9 (docs.vllm.ai engine arguments, read 2026)", range=RESERVE)
kv_cache_fraction = Assumption(
    "kv_cache_fraction", 0.0, "1",
    "share of the memory left free after the weights and the activation workspace that the engine gives the KV "
    "cache (0: not set, the memory_reserve law F = M (1 - memory_reserve) - W_chip) [P]: TensorRT-LLM's "
    "KvCacheConfig `free_gpu_memory_fraction`, 'the fraction of free GPU memory' after the engine is loaded, "
    "default 0.9 (nvidia.github.io/TensorRT-LLM/examples/kvcacheconfig.html, llm-api/reference/KvCacheConfig.html, "
    "read 2026-12); NVIDIA's MLPerf harness sets it as `kvcache_free_gpu_mem_frac` (0.90-0.95 in the v5.0 configs, "
    "read in docs/accuracy.md 'Memory capacity and the KV cache budget'; not given to validate's rows). With it "
    "set: F = f (M (1 - memory_reserve) - W_chip - A_ws), "
    "A_ws = max_num_tokens A_layer a / h the activation workspace (module docstring, Memory); vLLM's law "
    "(gpu_memory_utilization u: F = u M - W - A) is f = 1 with memory_reserve = 1 - u", range=SHARE)
kv_room_wait = Assumption(
    "kv_room_wait", 0.0, "1",
    "1: the KV cache as a serving engine fills it, in server and interactive scenarios (kv_slots, _kv_room_wait) "
    "[P/D]: a row in flight holds, on average over the rows in flight, I + (1 + cv_O^2) O / 2 tokens of KV (a "
    "request of o output tokens stays o steps: length-biased; cv_O `output_length_cv`), the cache holds c = F / "
    "(kv_chip (I + (1 + cv_O^2) O / 2)) of them (the batch never above c), and a new request waits for KV room "
    "when the rows in flight fill it (TensorRT-LLM's MAX_UTILIZATION capacity scheduler: a context that does not "
    "fit stops the walk, NVIDIA/TensorRT-LLM cpp/tensorrt_llm/batch_manager/capacityScheduler.cpp, read 2026-12): "
    "the Erlang-C wait of c slots at a rows, service a request's life "
    "O t_iter, added to TTFT p50 and p99 and to the p99 the rate cut holds at ttft_limit. 0: the mean context "
    "I + O / 2, no wait (the model before). Off by default: docs/accuracy.md 'KV room in Server'", range=SWITCH)
kv_wait_service_spread = Assumption(
    "kv_wait_service_spread", 0.0, "1",
    "1: the wait for KV room (`kv_room_wait` 1) is an M/G/c queue's: the rows in flight leave after their own "
    "output lengths, O_i steps with cv_O `output_length_cv`, so the wait given one is exponential of mean "
    "(1 + cv_O^2) / 2 x S / (c - a) (the M/G/c approximation W(M/G/c) = (1 + cv_S^2) / 2 W(M/M/c): A. M. Lee and "
    "P. A. Longton, Operational Research Quarterly 10, 1959; W. Whitt, 'Approximations for the GI/G/m queue', "
    "Production and Operations Management 2(2), 1993 [S]) where 0 keeps the Erlang-C wait (exponential lives, "
    "the model before). The chance to wait stays the Erlang-C one (the rows in flight, an M/G/infinity count, are "
    "Poisson whatever the lives' law) [U]. Off by default: docs/accuracy.md 'A hard cap on rows in flight'",
    range=SWITCH)
kv_length_biased = Assumption(
    "kv_length_biased", 0.0, "1",
    "1: the rows in flight are length-biased in every scenario (in_flight_age) [D]: a row has generated "
    "(1 + cv_O^2) O / 2 tokens on average over the rows of a step (cv_O `output_length_cv`), so the KV cache holds "
    "c = F / (kv_chip (I + (1 + cv_O^2) O / 2)) rows (the batch never above it) and each step's KV reads and "
    "generation attention cover I + (1 + cv_O^2) O / 2 positions a row. 0: the mean context I + O / 2 (the model "
    "before; `kv_room_wait` alone lengthens only the memory a row holds). Off by default and not given to "
    "validate's rows: on every benchmark with a sourced output cv it raises TTFT p50 above 10% (docs/accuracy.md "
    "'DeepSeek-R1 as NVIDIA ran it')", range=SWITCH)
elementwise_kernels = Assumption(
    "elementwise_kernels", 0.0, "1",
    "1 counts the memory-bound elementwise kernels of every token's pass through a layer in the decode step and "
    "the prefill (module docstring, 'Elementwise work'; decode_elementwise_time, prefill_elementwise_time); 0 (the "
    "default until the family factors are refit with it: docs/accuracy.md 'Elementwise work in the inference "
    "step') leaves them out, as the fitted factors absorbed them [D]", range=SWITCH)
token_layer_time = Assumption(
    "token_layer_time", 0.0, "s",
    "per-token work beside the GEMMs, a token and layer on one chip (module docstring, 'Per-token work beside the "
    "GEMMs'): 0 by default, where the family's fitted serving efficiency carries it; a chip whose GEMM efficiency is a "
    "measured GEMM rate sets its own (stdlib/chips.factory MI300X, fitted once on the CDNA3 rows of "
    "reference/mlperf_calibration.csv, docs/accuracy.md \"CDNA3's factor split\", 2026-12-05) [D]", range=NON_NEGATIVE)
gemm_swiglu = Assumption(
    "gemm_swiglu", 0.0, "1",
    "1: the engine's gate-up GEMM applies SwiGLU in its epilogue and writes the FP8 product, so no SiLU-and-multiply "
    "or quantize kernel runs (TensorRT-LLM's `gemm_swiglu_plugin` fp8, Hopper; NVIDIA's MLPerf v5.0 Llama 2 70B "
    "configs set it on H100 SXM, H200, GH200 and H200 NVL, ntuhpc/mlperf_inference_results_v5.0 closed/Cisco/configs/"
    "llama2-70b/Server/__init__.py, 2025, read 2026-12 [P]; not in v4.1); counted only with `elementwise_kernels` 1", range=SWITCH)
swiglu_kernel = Assumption(
    "swiglu_kernel", 0.0, "1",
    "1 counts, where `elementwise_kernels` is 0, only the SiLU-and-multiply kernel of the SwiGLU MLP and its "
    "quantization (3 a f + (a + q) f bytes per token and layer, over tp), unless `gemm_swiglu` 1 fuses them into the "
    "gate-up GEMM (module docstring, 'Elementwise work'; TensorRT-LLM v0.13 docs, 2024, perf-overview 'Known "
    "issues: Fused Matmul + Gated-SiLU': `use_fused_mlp` alone runs one GEMM then a separate SwiGLU kernel [P]). "
    "0: not counted "
    "(the fitted factors absorbed it; docs/accuracy.md 'Hopper Llama 2 70B, v4.1 against v5.0')", range=SWITCH)
dense_gemm_release_rate = Assumption(
    "dense_gemm_release_rate", 1.0, "1",
    "the dense (non-expert) GEMMs' rate of the row's engine release against the engines the family factor stands "
    "for (NVIDIA's MLPerf v5.0-era TensorRT-LLM on Hopper): the factor s of e_c in every dense GEMM, decode and "
    "prefill (e_c s; the routed experts' grouped GEMMs keep e_c). 1: the family's engines. NVIDIA's own perf "
    "overview measured the same chips with the same tool (trtllm-bench build --quantization FP8 / throughput) at "
    "TensorRT-LLM 0.12.0 (2024-08, NVIDIA/TensorRT-LLM perf overview at tag v0.12.0 [P]) and 0.17.0 (2025-02, "
    "reference/trtllm_perf_overview.csv [P]): Llama 3 / 3.1 70B FP8 on H100 and H200, tp 2-8, 25 configurations, "
    "0.17 / 0.12 median 1.161; Mixtral 8x7B (its experts' grouped GEMMs) 1.017; so an MLPerf v4.1 Hopper row "
    "(TensorRT-LLM ~0.12) takes s = 1 / 1.161 (compiler/validate.py ENGINE_RELEASE_GEMM, bench/"
    "trtllm_release_ratio.py; docs/accuracy.md 'The dense GEMM rate by engine release')", range=POSITIVE)
fp4_quantize_kernels = Assumption(
    "fp4_quantize_kernels", 0.0, "1",
    "1 counts, where `elementwise_kernels` is 0 and the GEMMs take NVFP4 activations (FP4 weights), the kernels "
    "TensorRT-LLM's NVFP4 flow runs beside the matmuls for the inputs no norm writes quantized: the attention "
    "output's quantize (a + q) D, the SiLU-and-multiply 3 a f and its quantize (a + q) f bytes per token and layer, "
    "over tp (module docstring, 'FP4 activation quantization'; NVIDIA/TensorRT-LLM tensorrt_llm/quantization/"
    "layers.py FP4RowLinear.forward, quantize_to_fp4_tensor before fp4_gemm; tensorrt_llm/layers/mlp.py "
    "FusedGatedMLP: the fused SwiGLU GEMM plugin 'only supports fp8'; read 2026-12 [P]). 0: not counted (today's "
    "model; docs/accuracy.md 'FP4 activation quantization on Blackwell')", range=SWITCH)
expert_gemm_tiles = Assumption(
    "expert_gemm_tiles", 0.0, "1",
    "1: the routed experts' grouped GEMM pads each touched expert's rows to the tile of TensorRT-LLM's and "
    "FlashInfer's TRTLLM-Gen fused MoE kernels (the MoE backend TRTLLM on Blackwell), t = the next power of two of "
    "the mean rows an expert, kept within 8 and 64 tokens a CTA tile, so an expert of m rows runs at e_c m / (t "
    "ceil(m / t)) (expert_tile_efficiency; module docstring, 'Routed experts' grouped GEMM') [P]: "
    "`calculate_tile_tokens_dim` / `_get_tile_tokens_dim` ('Cap to 8-64 tokens per CTA tile as it's the range "
    "supported by the kernel') of https://github.com/flashinfer-ai/flashinfer and https://github.com/vllm-project/"
    "vllm, and https://github.com/NVIDIA/TensorRT-LLM/blob/main/tensorrt_llm/_torch/modules/fused_moe/"
    "fused_moe_trtllm_gen.py, read 2026-12-05. 0: the shape law e(m) = e_c m "
    "/ (m + expert_half_rows) of every other grouped GEMM (today's model; docs/accuracy.md 'The MoE decode step at "
    "attention DP + EP')",
    range=SWITCH)
adp_balance = Assumption(
    "adp_balance", 0.0, "1",
    "1: the attention-data-parallel ranks start their contexts together (TensorRT-LLM's ADP balancer, "
    "attention_dp_config enable_balance; NVIDIA's MLPerf DeepSeek-R1 configs' adp_balancing_enable), so at "
    "expert parallelism (d > 1) every rank carries the mean prompt tokens of a step. 0 (TensorRT-LLM's default): "
    "each rank starts a context when a slot of its own frees, and the ranks' per-rank work (dense GEMMs, context "
    "attention, dispatch) waits for the rank with the most prompt tokens of the step: E[max of d Poisson(lambda)] "
    "contexts of I tokens, lambda = B r / I a rank (adp_context_excess) [D]; module docstring, 'Expert "
    "parallelism', ADP contexts; https://github.com/NVIDIA/TensorRT-LLM/blob/main/docs/source/blogs/tech_blog/"
    "bloc_x_adp-scheduler-opt.md, read 2026-12-05 [P]",
    range=SWITCH)
layer_latency = Assumption(
    "layer_latency", 5e-6, "s",
    "fixed time per transformer layer per step beyond compute and memory traffic [U]: about five kernels per "
    "layer at ~1 us launch-and-tail each with CUDA graphs; a model's `layer_latency` (its architecture's kernel "
    "chain: DeepSeek-R1's) replaces it, and the workload's `layer_latency` replaces both",
    range=NON_NEGATIVE)
moe_layer_latency = Assumption(
    "moe_layer_latency", 27e-6, "s",
    "fixed time of one routed-expert (MoE) layer per micro-batch pass beyond its weight reads, its tile-padded "
    "FLOPs and its expanded rows' traffic (module docstring, \"Routed experts' grouped GEMM\") [D]: the intercept "
    "of TensorRT-LLM's measured per-rank MoE module latency (router GEMM, top-k, quantization, FC1, activation, "
    "FC2, finalize) against the experts touched, B200, DeepSeek-V3 shape at TP8, NVFP4, 1-384 tokens "
    "(TRTLLM-Gen column of TensorRT-LLM's tech blog 24 'MoE as dense GEMM', https://github.com/NVIDIA/"
    "TensorRT-LLM/blob/main/docs/source/blogs/tech_blog/blog24_MoE_as_Dense_GEMM.md, read 2026-12 [P]); "
    "the same chip's MoE call outside its two grouped GEMMs measured 22 us in Megatron-LM's vLLM fused MoE "
    "(NVIDIA/Megatron-LM PR 6454, read 2026-12 [S]); taken for every GPU [U]; 0 on SRAM-only chips (no kernel launches)",
    range=NON_NEGATIVE)
sram_stage_latency = Assumption(
    "sram_stage_latency", 0.5e-6, "s",
    "fixed on-die time of one dependent GEMM stage of a transformer layer on an SRAM-only chip (Groq LPU, "
    "Cerebras WSE-3): the reduction and broadcast that end a matrix-vector product spread over many cores or "
    "slices, and the scheduling around it [D]: fitted once, with WSE-3's `sram_bandwidth_efficiency`, on the "
    "four batch-1 speeds published in 2024 (Cerebras Llama 3.1 8B 1,800 and 70B 450 tok/s, cerebras.ai blog "
    "2024-08-27; Groq Llama 2 7B 750 and 70B 300 tok/s, techpowerup.com news citing Groq, Feb 2024), least "
    "squares on log speed (0.5 us with WSE-3 0.06; the four within -10% .. +14%): docs/accuracy.md",
    range=NON_NEGATIVE)
collective_latency = Assumption(
    "collective_latency", 8e-6, "s",
    "latency of one small all-reduce or pipeline hop over the scale-up fabric [U]: NCCL all-reduce of a few "
    "KB over NVLink on 8 GPUs takes ~5-10 us (nccl-tests order of magnitude). Measured since [S]: the inference "
    "engines' custom one-shot kernels under CUDA graphs take 6-7 us (vLLM on 4 H100s, pull request 24111, 2025-09; "
    "TensorRT-LLM's on 2 H100s, flagos-ai/FlagGems-vllm pull request 773, 2026), NCCL's own ~20-30 us "
    "(`nccl_latency`, read with `allreduce_kernels` 1)", range=NON_NEGATIVE)
scaleup_bw_default = Assumption(
    "scaleup_bw_default", 100e9, "B/s",
    "chip-to-chip bandwidth per direction when the chip gives no `scaleup_bw` (a chip with no published "
    "link figure; the CS-3 its system's `system_io`) [U]: order of magnitude of 8-16 SerDes lanes at 50-100 "
    "Gb/s", range=POSITIVE)
scaleout_bw_default = Assumption(
    "scaleout_bw_default", 50e9, "B/s",
    "scale-out bandwidth per accelerator when the system lists no NICs [S]: one 400 Gb/s NIC per GPU, as in "
    "DGX H100 and the Llama 3 cluster (Llama 3 paper, arXiv 2407.21783, 2024, via summaries [S])", range=POSITIVE)
sparse_to_dense = Assumption(
    "sparse_to_dense", 0.5, "1",
    "dense rate as a share of a 'sparse' headline when a chip publishes only that (Cerebras WSE-3) [U]: "
    "2:4 structured sparsity doubles the headline (NVIDIA's Hopper and Blackwell datasheets, "
    "2022-2024, headline with sparsity: H100 FP8 3,958 TF sparse, 1,979 dense)", range=UNIT_FRACTION)
default_input_tokens = Assumption(
    "default_input_tokens", 1024.0, "tok", "prompt length when the workload gives none [U]: a chat-style prompt")
default_output_tokens = Assumption(
    "default_output_tokens", 256.0, "tok", "generated tokens per request when the workload gives none [U]")

gemm_half_rows = Assumption(
    "gemm_half_rows", 128.0, "1",
    "rows (tokens) at which a serving GEMM reaches half its large-shape efficiency [D]: fitted to the bf16 and "
    "fp8 GEMMs of reference/h100_microbench.md (one H100 SXM 80 GB, PyTorch 2.11 cuBLAS, CUDA events, "
    "2026-11-27): e(m) = e_max m / (m + m0) gives 0.26 of peak at m = 64, 0.53 at 256 (measured 0.55), 0.63 at "
    "512 (0.61), 0.70 at 1,024 (0.65) for e_max = 0.79", range=NON_NEGATIVE)
link_efficiency = Assumption(
    "link_efficiency", 0.80, "1",
    "achieved fraction of the scale-up link bandwidth by a tensor-parallel all-reduce [U]: nccl-tests on 8 "
    "NVLink4 GPUs report a bus bandwidth of ~360-370 GB/s of the 450 GB/s per direction (order of magnitude)",
    range=UNIT_FRACTION)
allreduce_kernels = Assumption(
    "allreduce_kernels", 1.0, "1",
    "1 (default since 2026-12-06): a tensor-parallel all-reduce priced as the kernel TensorRT-LLM's AUTO strategy "
    "picks for its message (one-shot, two-shot or NCCL by message bytes and tp; NCCL at every size where NVLink does "
    "not join every pair of the TP group, the chip's `nvlink_group`: `tp_all_reduce_time`, module "
    "docstring 'TP all-reduce by kernel'; TensorRT-LLM allreducePlugin.cpp selectImplementation, github.com/NVIDIA/"
    "TensorRT-LLM, read 2026-12-05) [S], what a serving engine runs (validate MECHANISMS \"allreduce_kernels\", "
    "applied since 2026-12-05); 0: every all-reduce one ring, collective_latency + 2 (tp - 1) / tp M / (BL e_l) at "
    "any size (the model before 2026-12-06, bit for bit; SRAM-only chips always take their own exchanges)",
    range=SHARE)
allreduce_twoshot = Assumption(
    "allreduce_twoshot", 1.0, "1",
    "1 (default): between the one-shot sizes and the workspace (tp > 2) the two-shot kernel, 2 lat + 2 (tp - 1) / tp "
    "M / link (TensorRT-LLM's AUTO strategy as first read, 2026-12-05); 0: NCCL there, nccl_latency + 2 (tp - 1) / tp "
    "M / link, as the stored allreducePlugin.cpp and an early thop/allreduceOp.cpp run it (\"we have disabled the two-shot strategy\", nvbug "
    "4718747; github.com/NVIDIA/TensorRT-LLM, read 2026-12-06) [S] (validate MECHANISMS \"no_twoshot\", measured, "
    "not applied: docs/accuracy.md \"NCCL where the GPUs have no NVLink\")", range=SWITCH)
nccl_latency = Assumption(
    "nccl_latency", 30e-6, "s",
    "fixed time of an NCCL all-reduce over NVLink beyond its bytes at the link's e_l (read with `allreduce_kernels` "
    "1, where TensorRT-LLM hands a message too large for its custom kernels' workspace to NCCL, and every message "
    "where the GPUs have no NVLink, `nvlink_group`: the same figure over PCIe [U]) [D]: nccl-tests "
    "all-reduce time less 2 (n - 1) / n M / (BL e_l), at 1-32 MiB: 8-GPU H200, NVLS, NCCL 2.26 (e_l 0.80 of 450 GB/s) "
    "27.0 / 31.2 / 32.9 / 40.9 / 40.6 / 33.9 us at 1 / 2 / 4 / 8 / 16 / 32 MiB (Azure ND H200 v5); 4-GPU GB200, "
    "NCCL 2.25 (e_l 0.64 of 900 GB/s) 32.3 / 31.6 us at 16 / 32 MiB (Azure ND GB200 v6; egmsft/AI-benchmarking-guide "
    "Azure_Results, 2025, read 2026-12-05 [S]); at 64-128 MiB, where e_l was read, ~0 (the curve is concave: "
    "30 us slightly overprices those). Small messages alike: 20.7 us at 16 KB on 8 H100s through torch.distributed "
    "(ByteDance-Seed/Triton-distributed issue 57, 2025-07 [S]), 24-29 us at 16 KiB-1 MiB on B300s (vLLM pull "
    "request 37756, 2026 [S])",
    range=NON_NEGATIVE)
step_overhead = Assumption(
    "step_overhead", 2e-3, "s",
    "fixed time per decode step outside the model's kernels [U]: the scheduler choosing the step's sequences "
    "and chunks, sampling, the host-device round trip (TensorRT-LLM and vLLM step loops, order of magnitude)",
    range=NON_NEGATIVE)
seq_overhead = Assumption(
    "seq_overhead", 35e-6, "s",
    "time per step and per sequence of the batch outside the matrix multiplies [D]: paged-KV block tables, "
    "sampling and detokenization grow with the batch; chosen on reference/mlperf_calibration.csv with the step "
    "overhead (docstring, 'Factors'); 30 us before the clock law under a power cap, 40 us with it (the grid 20-60 us "
    "with every family refitted at each point, docs/accuracy.md 'The clock law under a power cap'), 35 us "
    "rescanned with the latency rows (25-40 us, families refitted at each point: docs/accuracy.md 'Latency v7')",
    range=NON_NEGATIVE)

beam_width = Assumption(
    "beams", 1.0, "1",
    "beam search width: sequences decoded per request [U] (1: greedy or sampled decoding). Set `let beams = k` on "
    "the workload: the k beams of a request are k rows of the batch that share the prompt (prefilled once, its "
    "KV cache held once) and each step's weight reads; the request counts its output_tokens once; a batch holds "
    "at least one request, k rows (fewer: infeasible), and a single stream runs one request's k rows (MLPerf GPT-J: "
    "beam_size 4, mlcommons/inference language/gpt-j README, read 2026 [P])", range=AT_LEAST_ONE)
draft_tokens = Assumption(
    "draft_tokens", 0.0, "1",
    "speculative decoding: draft tokens a decode row proposes per verify step of the target [U] (0: none, every "
    "step decodes one token a row). Set `let draft_tokens = k` on the workload with `let draft_accepted_length` "
    "tau (or `let draft_acceptance` a): each verify step runs k + 1 query tokens a row and k layer-sized draft "
    "passes (the model's multi-token-prediction head, EAGLE-style: module docstring, 'Speculative decoding'). "
    "MLPerf Inference v6.0 DeepSeek-R1 Interactive fixes k = 3 (mlcommons/inference_policies inference_rules.adoc "
    "appendix-speculative-decoding, `speculative-num-steps=3`, `speculative-eagle-topk=1`, read 2026-12 [P])",
    range=WHOLE_NUMBER)
draft_acceptance = Assumption(
    "draft_acceptance", 0.85, "1",
    "speculative decoding: the chance a draft token is accepted given the ones before it were, the same at every "
    "position [P]: 'the acceptance rate of the second token prediction ranges between 85% and 90%' (DeepSeek-V3 "
    "technical report, arXiv 2412.19437 section 5.4.3: its MTP head, one draft token); the lower end. It sets the "
    "mean accepted length tau = (1 - a^(k+1)) / (1 - a) (Leviathan et al. 2023, arXiv 2211.17192, eq. 1) where "
    "`let draft_accepted_length` is not set; measured acceptance falls with the position (TensorRT-LLM: tau 1.92 "
    "at k = 1, 2.82 at k = 3, not 3.19), so a measured tau is preferred", range=SHARE)
draft_accepted_length = Assumption(
    "draft_accepted_length", 1.0, "1",
    "speculative decoding: the mean tokens a decode row gains per verify step, tau, the accepted draft tokens and "
    "the target's own token (1 <= tau <= draft_tokens + 1) [S]: TensorRT-LLM measured 1.92 / 2.58 / 2.82 / 2.99 / "
    "3.01 at 1-5 draft tokens (DeepSeek-R1 FP4 on 8 B200, MTP, autoregressive 'MTP Eagle', strict top-1 "
    "acceptance, ISL/OSL 1k/2k: https://github.com/NVIDIA/TensorRT-LLM/blob/main/docs/source/blogs/tech_blog/"
    "blog1_Pushing_Latency_Boundaries_Optimizing_DeepSeek-R1_Performance_on_NVIDIA_B200_GPUs.md, 'Autoregressive MTP "
    "Layers', read 2026-12). Not set: "
    "from `draft_acceptance`. Set `let draft_accepted_length = tau` on the workload with `let draft_tokens`",
    range=Range(1.0))
prompt_length_cv = Assumption(
    "prompt_length_cv", 1.0, "1",
    "coefficient of variation of the prompt length of a serving benchmark [U]: an exponential-like spread (OpenOrca "
    "prompts of the MLPerf Llama 2 70B benchmark run from 48 to 1,021 tokens, mean 222: the sample sums in "
    "FlashLab-MBZUAI/HBFSim validation/calibration/h100-llama2-70b-calibration-protocol.json, read 2026 [S]; an "
    "exponential of mean 222 puts its 99th percentile at 1,022); it sets the prompt queue's Kingman factor "
    "(1 + cv^2) / 2 and so the server time to first token (cv = 1: the M/M/1 sojourn)", range=NON_NEGATIVE)
first_token_delay = Assumption(
    "first_token_delay", 0.325, "1",
    "time to first token beyond the token budget queue, in mean steps of the batch, in server and interactive "
    "scenarios [D]: TensorRT-LLM's executor loop (forwardSync of the step in flight, its responses, then "
    "fetchNewRequests, then forwardAsync of the next step: cpp/tensorrt_llm/executor/executorImpl.cpp "
    "executionLoop, NVIDIA/TensorRT-LLM, read 2026-12 [S]) gives a new request half the step in flight plus its "
    "own context step (1.5 steps, the queue's idle value), where MLPerf v5.0 Server runs whose prompt queue is "
    "light (Mixtral, B200, H100 v4.1) measure TTFT p50 at 1.7-2.3 mean steps; the rest of the way from the "
    "engine to loadgen is not in any source read [U]. Chosen once by a one-parameter scan on "
    "reference/mlperf_calibration.csv, the value with the least sum of the TTFT p50 and p99 median |error| "
    "(docs/accuracy.md, Latency v4: 0.4 then; rescanned in Latency v5 with AMD's scheduling rounds in place: "
    "0 / 0.15 / 0.25 / 0.3 / 0.35 / 0.4 / 0.45 / 0.5 give TTFT p50 17.8 / 15.0 / 13.6 / 12.8 / 12.4 / 12.8 / "
    "14.2 / 16.3% and p99 17.9 / 18.3 / 18.4 / 18.0 / 17.8 / 18.1 / 17.7 / 18.2%: 0.35; rescanned in Latency v6 on "
    "the throughput model of the clock law under a power cap: 0 / 0.1 / 0.15 / 0.175 / 0.2 / 0.225 / 0.25 / 0.3 / "
    "0.35 / 0.4 give TTFT p50 16.8 / 13.2 / 11.3 / 11.4 / 11.2 / 11.6 / 11.7 / 11.7 / 12.4 / 14.7% and p99 "
    "21.8 / 22.1 / 20.8 / 21.1 / 21.2 / 20.4 / 20.6 / 21.4 / 20.7 / 20.6%: 0.225; rescanned in Latency v7 with "
    "seq_overhead 35 us and its refit: 0.15 / 0.225 / 0.275 / 0.3 / 0.325 / 0.35 give TTFT p50 14.1 / 12.7 / 11.2 / "
    "10.4 / 9.4 / 10.6% and p99 16.6 / 16.3 / 15.9 / 15.4 / 16.0 / 16.7%: 0.325)", range=NON_NEGATIVE)
dispatch_wait_p50 = Assumption(
    "dispatch_wait_p50", 0.0, "1",
    "the harness's dispatch, at the median time to first token, in mean steps of the batch, in server and "
    "interactive scenarios [P/D]: how the serving harness hands a request to one of its engines moves the first "
    "token against independent per-engine queues (the prompt queue's law, 0): one request queue that every "
    "engine drains at the start of each of its steps (NVIDIA's MLPerf v4.1 harness at tp x pp 1: a request joins "
    "the next step any engine starts) brings the median forward; the engine with the fewest requests in flight "
    "(its v4.1 harness at tp x pp > 1 and its v5.0 llmlib harness, `load_balancing`: the least busy engine is "
    "typically the one whose step has just started) pushes it back (mlcommons/inference_results_v4.1 closed/"
    "NVIDIA/code/harness/harness_llm, v5.0 code/llmlib, read 2026-12-05 [P]; the shifts from a discrete-event sketch of those "
    "dispatches, bench/v41_dispatch_sim.py [D], tabulated in compiler/validate.py DISPATCH_WAITS). Quantiles "
    "between the median and the 99th percentile take the two values' linear blend in q. Replaces "
    "`first_token_delay` where validate gives it (MECHANISMS \"harness_dispatch\")", range=Range(-0.5, 2.0))
dispatch_wait_p99 = Assumption(
    "dispatch_wait_p99", 0.0, "1",
    "the harness's dispatch at the 99th percentile time to first token, in mean steps of the batch [P/D]: the "
    "same dispatches as `dispatch_wait_p50` move the tail far less than the median (in a burst the prompts wait "
    "for room whichever engine takes them: bench/v41_dispatch_sim.py, 2026-12-05); 0: independent per-engine queues",
    range=Range(-0.5, 2.0))
scheduler_steps = Assumption(
    "scheduler_steps", 1.0, "1",
    "forward steps per scheduling round of a serving engine, in server and interactive scenarios [S]: 1 for an "
    "engine that admits new requests before every step (TensorRT-LLM's executor loop fetches new requests once a "
    "step: executorImpl.cpp executionLoop, NVIDIA/TensorRT-LLM, read 2026-12); n for vLLM's multi-step "
    "scheduling (`num_scheduler_steps`, 'the maximum number of forward steps per scheduler call': new prompts "
    "join only when the scheduler runs, 'new prefill requests will only start at every 8 steps' in the RFC's "
    "discussion; vllm-project/vllm issues 9158 and 6854, pull request 7000, 2024). A request "
    "then waits for the rest of the round in flight, uniform over its n - 1 further steps: the quantile q of the "
    "time to first token gains q (n - 1) mean steps. Set `let scheduler_steps = n` on the workload (MLPerf: "
    "AMD's v5.0 vLLM harness runs 9, see compiler/validate.py)", range=AT_LEAST_ONE)
host_steps = Assumption(
    "host_steps", 1.0, "1",
    "forward steps over which a serving engine does its per-step host work once (the step's scheduling, its "
    "inputs' preparation and its outputs' processing: `step_overhead` and `seq_overhead`, which are per step and "
    "per sequence of a step with n = 1) [P/D]: vLLM's multi-step scheduling runs the scheduler and prepares the "
    "inputs once per `num_scheduler_steps` n forward steps ('performs scheduling and input preparation once and "
    "runs the model for n consecutive steps ... spreads the CPU overhead across multiple steps', +28% throughput "
    "on Llama 70B on 4 H100: vLLM v0.6.0 release blog, 2024-09-05, https://github.com/vllm-project/"
    "vllm-project.github.io/blob/main/_posts/2024-09-05-perf-update.md [P]; vllm-project/vllm pull request 7000); a step then carries t0 / n + B ts / n of host "
    "time (the whole overhead taken as host work [U]: AMD's MLPerf configs also set `detokenize: False`). 1: every "
    "step pays it (TensorRT-LLM's executor loop, vLLM before 0.6.0). Set `let host_steps = n` on the workload "
    "(MLPerf v5.0 AMD rows, Offline 11 and Server 9: compiler/validate.py 'Scheduling rounds')", range=AT_LEAST_ONE)
pipeline_host_overlap = Assumption(
    "pipeline_host_overlap", 0.0, "1",
    "pp > 1 stages: 1 takes only a micro-batch's own host work onto its pass, the other micro-batches' kernels "
    "running meanwhile [S/U]: TensorRT-LLM's inflight-batching runtime keeps mNumMicroBatches = pp micro-batches "
    "(mMicroBatchScheduledRequests); forwardAsync schedules one micro-batch (capacity and micro-batch schedulers, "
    "sequence slots, KV blocks), enqueues its engine and sampling and returns without waiting; forwardSync waits "
    "only for the micro-batch whose turn is next (cpp/tensorrt_llm/batch_manager/trtGptModelInflightBatching.cpp, "
    "https://github.com/NVIDIA/TensorRT-LLM, read 2026-12-05 [S]); the step's overhead taken as host work [U]. "
    "TensorRT-LLM's C++ runtime does not hide it on the last pipeline rank, which syncs on each micro-batch it "
    "enqueues (`pipeline_overhead_split`); with that let too, only seq_overhead_host is hidden. "
    "0 (default): the whole step_overhead + B seq_overhead on every pipeline cycle, as at pp = 1; opt-in "
    "(validate --with pipeline_host_overlap: TTFT p99 12.0% -> 11.7%, but held-out DeepSeek-R1 GB300 Offline, "
    "pp 3, -3% -> +56%: module docstring, 'Pipeline host overlap'; docs/accuracy.md 'Pipeline micro-batches and "
    "the host's work')",
    range=SHARE)
seq_overhead_host = Assumption(
    "seq_overhead_host", 14.6e-6, "s",
    "the host's share of seq_overhead, per row of a step [D]: an upper bound from published figures [P], the step of the fastest "
    "single replica TensorRT-LLM's C++ runtime publishes -- 68,608 output tok/s, Mixtral 8x7B FP8 on 8 H200 at "
    "tp 8, 128/2,048 tokens, release 0.17 perf overview (https://github.com/NVIDIA/TensorRT-LLM/blob/"
    "258c7540c03517def55d9a5aadfa9288af474e1b/docs/source/performance/perf-overview.md, read 2026-12-05): "
    "14.6 us a row a step with every kernel in it, and the host's loop (every tp rank runs it whole) cannot take "
    "longer than the step it feeds. The rest of seq_overhead (20.4 us) is device work a layer and row "
    "(elementwise kernels, the attention's per-row work: docs/accuracy.md 'The per-sequence step cost by "
    "mechanism'), which pp stages split. Read only with `pipeline_overhead_split` 1",
    range=NON_NEGATIVE)
pipeline_overhead_split = Assumption(
    "pipeline_overhead_split", 0.0, "1",
    "pp > 1 stages: 1 splits a cycle's overhead into the host's share and device work [S/D]: TensorRT-LLM's C++ "
    "runtime runs forwardAsync once a micro-batch, and on the last pipeline rank it ends with decoderSync of the "
    "micro-batch it has just enqueued (cpp/tensorrt_llm/batch_manager/trtGptModelInflightBatching.cpp, "
    "https://github.com/NVIDIA/TensorRT-LLM, read 2026-12-05 [S]): that rank's host work for a micro-batch and "
    "its stage alternate, so a cycle carries pp (step_overhead + (B / pp) seq_overhead_host), none of it hidden, "
    "while the per-layer device rest, B (seq_overhead - seq_overhead_host), runs over the pp stages, / pp "
    "(module docstring, 'Pipeline overhead split'). With `pipeline_host_overlap` 1 too (the PyTorch executor's "
    "pp loop) only the host's share is hidden. 0 (default): step_overhead + B seq_overhead a cycle at every pp",
    range=SHARE)
whole_prompts = Assumption(
    "whole_prompts", 0.0, "1",
    "1 for a serving engine without chunked context, in server and interactive scenarios [P]: a prompt's context "
    "runs whole in the step after its arrival, together with every prompt that arrived during the step in flight "
    "(NVIDIA's MLPerf Inference v4.1 Llama 2 70B Server configs set no chunked context, and their engines hold "
    "4,096 tokens a forward pass, `max_num_tokens` of the parent GPUBaseConfig: mlcommons/inference_results_v4.1 "
    "closed/NVIDIA/configs/llama2-70b/Server/__init__.py and configs/llama2-70b/__init__.py, 2024-08; v5.0's set "
    "`enable_chunked_context`). The quantile q of the time to first token then carries the prompt tokens of the "
    "whole step's arrivals, mean lam I t_iter and Poisson spread I sqrt(lam t_iter (1 + cv^2)) at its normal "
    "quantile, in place of half a step's mean arrivals, and no `first_token_delay` (the delay is what chunked "
    "engines measure beyond the executor's steps). 0: chunked context (TensorRT-LLM's v5.0 harness, vLLM). Set "
    "`let whole_prompts = 1` on the workload (MLPerf v4.1 NVIDIA rows: compiler/validate.py)", range=SWITCH)
serial_context_chunks = Assumption(
    "serial_context_chunks", 0.0, "1",
    "1 for a serving engine whose context request stays in flight with its micro-batch over pipeline stages, in "
    "server and interactive scenarios [P]: TensorRT-LLM's C++ in-flight batching runtime (the TensorRT engine "
    "flow NVIDIA's MLPerf Inference v5.0 harness builds) puts every scheduled context request in the in-flight "
    "set until its micro-batch has left the last stage, and the micro-batch scheduler skips it meanwhile "
    "(cpp/tensorrt_llm/batch_manager/trtGptModelInflightBatching.cpp forwardAsync, 'Add to set of requests in "
    "flight' for contextRequests and generationRequests, NVIDIA/TensorRT-LLM, read 2026-12), so over pp > 1 "
    "stages a prompt longer than a micro-batch's room advances one chunk a pipeline cycle: the prompt queue is pp "
    "servers of room / pp tokens a step, not one of room (_serial_servers). 0: the PyTorch executor's scheduler, "
    "which lets a request's later chunks run while earlier ones are in flight. Set `let serial_context_chunks = 1` "
    "on the workload (MLPerf v5.0 NVIDIA-harness rows: compiler/validate.py)", range=SWITCH)
own_prompt_spread = Assumption(
    "own_prompt_spread", 0.0, "1",
    "1 to read the prompt queue's quantile with the request's own prompt at the benchmark's spread where a prompt "
    "spans more than one step (n I > room), in server and interactive scenarios [D]: the prompt tokens cleared "
    "before the first token, X = n I_own + A, the own prompt a gamma of mean I and coefficient of variation "
    "`prompt_length_cv` (counted n times over n serial-chunk servers) and the work ahead A the M/G/1 wait (0 with "
    "probability 1 - p, else an exponential of mean I c / (1 - rho): E[A] = I w), the quantile from the sum's three "
    "cumulants (Cornish-Fisher, _own_prompt_tokens), capped at I w L_q + n I_max as before. 0: the present law, "
    "X_q = I (n + w) L_q, which spreads the own prompt as an exponential (median 0.69 I; the Llama 3.1 405B "
    "prompts have p50 1.07 I, p99 2.01 I: docs/accuracy.md 'Llama 3.1 405B Server on Blackwell: the layout, the "
    "chunks, the operating point'). Off by default; validate gives it to its Server and Interactive rows", range=SWITCH)
integer_chunk_steps = Assumption(
    "integer_chunk_steps", 0.0, "1",
    "1 to count the steps a first token waits for as a whole number at each quantile, in server and interactive "
    "scenarios with chunked context [P/D]: TensorRT-LLM's micro-batch scheduler gives the context requests, first "
    "come first served, chunks of min(remaining prompt, remaining budget) tokens a step after the decode rows "
    "(kFIRST_COME_FIRST_SERVED, cpp/tensorrt_llm/batch_manager/microBatchScheduler.cpp, NVIDIA/TensorRT-LLM, read "
    "2026-12-05 [P]), and a request's first token is sampled by the step that carries its prompt's last chunk, so "
    "the X prompt tokens to clear (those ahead and its own) take N = ceil(X / room) whole steps and, N rising with "
    "X, the quantile q of N is ceil(X_q / room) exactly. 0: the present law, max(1, X_q / room + 1/2), the step "
    "count averaged over where X_q falls in a step. Off by default (validate MECHANISMS \"chunk_steps\", measured, "
    "not applied: docs/accuracy.md \"The chunked engines' p99\")", range=SWITCH)
step_residual_tail = Assumption(
    "step_residual_tail", 1.0, "1",
    "1 to take the rest of the step in flight at its spread, not its mean, in the quantiles of the time to first "
    "token, in server and interactive scenarios [S/D]: TensorRT-LLM's executor fetches new requests once a step, "
    "after the step in flight (cpp/tensorrt_llm/executor/executorImpl.cpp executionLoop, NVIDIA/TensorRT-LLM, read "
    "2026-12-05 [S]), so a request waits U, "
    "uniform over [0, T] with T = 2 R (R the mixture's length-biased mean rest), before the prompt queue's time S. "
    "The quantile of U + S is not R + S_q: with S's tail exponential of scale theta = (S_q - S_q') / ln((1 - q') / "
    "(1 - q)) (q' = max(1 - 2 (1 - q), q / 2), the model's own law at two quantiles, at the p50 and the p99; "
    "every other q by one theta a row, the p99's, carried through both so that no quantile falls), "
    "P(U + S - S_0 > x) = (theta / T) e^(-x / theta) (e^(T / theta) - 1) above T and (T - x + theta (1 - e^(-x / "
    "theta))) / T below, solved for 1 - q by "
    "bisection; TTFT_q gains Q_q(U + E) - R - theta L_q (L_q = ln(1 / (1 - q))): ~0 where theta >> T, up to "
    "(q - 1/2) T where the queue is light (a lone prompt's p99 waits 0.99 of the step in flight, not half). 0: R "
    "at every quantile (the model before 2026-12-06, bit for bit). On by default since 2026-12-06 (validate gives "
    "it to the Server and Interactive rows of chunked engines since 2026-12-05, MECHANISMS \"residual_tail\", and "
    "0 to its other rows: docs/accuracy.md \"The chunked engines' p99\"); with it the p99's share of the "
    "first-token delay is `first_token_delay_p99`", range=SWITCH)
first_token_delay_p99 = Assumption(
    "first_token_delay_p99", 0.175, "1",
    "the first-token delay at the 99th percentile time to first token, in mean steps of the batch, where the rest "
    "of the step in flight is taken at its spread (`step_residual_tail` 1) [U]: `first_token_delay` d (0.325) was "
    "chosen with the rest at its mean at every quantile, so at the p99 it carried some of what the spread now "
    "gives; the p99's share rescanned by d's own rule (the least sum of the TTFT p50 and p99 median |error| on "
    "reference/mlperf_calibration.csv; the p50 does not move with it): 0 / 0.1 / 0.15 / 0.175 / 0.2 / 0.25 / "
    "0.325 give TTFT p99 11.22 / 10.66 / 10.28 / 9.87 / 9.95 / 10.47 / 10.30% with validate's applied mechanisms "
    "(compiler/validate.py RESIDUAL_TAIL_P99_DELAY, 2026-12-05; docs/accuracy.md \"Applied in session 13\"). "
    "The p50 takes d and the p99 d_99 (floored at the p50), each quantile between them the share u of the way the "
    "law without the shift has risen from its p50 to q, out of its p50 to p99 (the rule of the harness dispatch's "
    "waits, so that no quantile falls; until 2026-12-07 u = (q - 0.5) / 0.49); no delay, and so no shift, on an "
    "engine of whole prompts. It is the p99's delay itself, not an offset: a "
    "workload that sets `first_token_delay` moves the p50's, and sets this one for the p99's", range=NON_NEGATIVE)
dispatch_wait_share = Assumption(
    "dispatch_wait_share", 1.0, "1",
    "the share of its engine's prompt queue wait a request meets where the harness hands each request to the "
    "engine with the fewest requests in flight, in server and interactive scenarios with chunked context [D]: the "
    "chance to wait, rho (the M/G/1 queue of one engine's own Poisson stream), times this share, so E[A] = I w "
    "share. 1: independent engines (the model's law). A least-busy dispatch (NVIDIA's MLPerf v5.0 llmlib "
    "`load_balancing` [P], mlcommons/inference_results_v5.0, 2025-04) steers arrivals away from the engines with prompts queued; "
    "bench/interactive_dispatch_sim.py simulates it at NVIDIA's v5.0 H200 Interactive engines (8 engines of tp 1, "
    "256 tokens: TTFT p99 356 ms where the runs measure 363 and independent engines give 470), and the share that "
    "puts this law on the simulated least-busy p99 is validate's LEAST_DISPATCH_WAIT_SHARE (docs/accuracy.md "
    "\"The H200 Interactive TTFT gap\"). "
    "1 by default (validate MECHANISMS \"interactive_engines\", measured, not applied)", range=NON_NEGATIVE)
busy_step_length = Assumption(
    "busy_step_length", 0.0, "1",
    "1: the prompt queue's wait is taken at the busy steps' mean length, not a full step's [D]: the model's "
    "rho = lam I t_full / room counts every step the queue is busy as a full one, but a busy period's last step "
    "carries only the rest of its work; counting a busy period's steps as ceil(W / room) (W / room + 1/2 on "
    "average, at least one), a prompt's share of the busy steps is s + (1 - rho) / 2 (s = I / room; 1 - rho the "
    "arrivals that open a busy period), so a busy step carries u = s / max(1 - rho, s + (1 - rho) / 2) of a full "
    "step's prompt tokens and lasts t_busy = t(0) + u (t_full - t(0)) on the step mixture's line "
    "(busy_step_fraction); the wait's rho becomes rho t_busy / t_full (and the least-busy law's h t_mean / t_busy), "
    "on chunked engines whose mean prompt spans steps (I > room). "
    "bench/least_busy_share.py: the model's mean wait against the simulated own stream's moves from +7..+25% to "
    "within a few percent (docs/accuracy.md \"The busy step's mean length\", s18-busystep, 2026-12-06). "
    "0 by default (every busy step full; validate MECHANISMS \"busy_step_mean\", measured, not applied)",
    range=NON_NEGATIVE)
dispatch_wait_engines = Assumption(
    "dispatch_wait_engines", 0.0, "1",
    "the engines c a least-busy dispatch chooses among, where the prompt queue's wait it leaves is "
    "taken as a law of the queue rather than the constant `dispatch_wait_share` [S/D]: the wait (its chance and "
    "its mean) is the M/G/1's at rho_d = rho (1/c + (1 - 1/c) h), h the mean step over a full one, rho the prompt "
    "queue's utilization (least_busy_utilization: join-the-shortest-queue as a single queue with a count-dependent "
    "arrival rate, Gupta, Harchol-Balter, Sigman and Whitt, Performance Evaluation 2007; over many-row engines an "
    "engine's arrivals follow its departures, so they come a fixed share a step, not in proportion to a step's "
    "length; docs/accuracy.md \"The least-busy "
    "share as a law\", s18-dispatch, 2026-12-06; checked against bench/least_busy_share.py). 0 by default (the "
    "constant share; validate MECHANISMS \"least_busy_law\", measured, not applied)", range=NON_NEGATIVE)
dispatch_wait_tail = Assumption(
    "dispatch_wait_tail", 0.0, "1",
    "1: behind a least-busy dispatch (`dispatch_wait_engines` c > 0) the prompt tokens a request waits behind, A, "
    "take the M/G/1 wait's own tail at rho_d rather than an exponential at the wait's mean [S/D]: "
    "P(A > x) = alpha e^(-eta x), eta and alpha the Cramer-Lundberg decay rate and constant of the queue in tokens "
    "(jobs the prompts' gamma, mean I, cv), the exponential approximation of Abate, Choudhury and Whitt, "
    "\"Exponential approximations for tail probabilities in queues, I: waiting times\", Operations Research 43 (1995); "
    "and the quantile of X = the own prompt + A from their convolution, not the Cornish-Fisher expansion "
    "(least_busy_tail, _prompt_plus_wait_quantile). bench/least_busy_share.py --tail: the least-busy X_99 "
    "(docs/accuracy.md \"The least-busy wait's tail\", s19-tail, 2026-12-06). 0 by default (validate MECHANISMS "
    "\"least_busy_tail\", measured, not applied). 2: the prompt queue behind the dispatch as a bulk queue in steps "
    "[S/D]: A = the prompts of the request's own step ahead of it + the backlog a step boundary carries, the "
    "backlog at its Cramer-Lundberg rate with the chance of the exponential approximation's fixed point "
    "(least_busy_bulk, _bulk_wait_quantile; docs/accuracy.md \"The least-busy wait as a bulk queue in steps\", "
    "s22-lbtail, 2026-12-07; validate MECHANISMS \"least_busy_bulk\", measured, not applied)", range=NON_NEGATIVE)
prompt_busy_window = Assumption(
    "prompt_busy_window", 0.0, "1",
    "1 or 2: in server and interactive scenarios with the prompts in the decode steps (pp 1), a request's TPOT (LoadGen's "
    "(latency - TTFT) / (o - 1)) from the prompt queue's busy period over its decode steps (busy_window_tpot) [D]: its "
    "o - 1 steps begin when its own prompt leaves the queue (the work left behind then is above a step's) and last "
    "T = (o - 1) t_decode + kappa (prompt tokens served meanwhile), an M/G/1 busy period in the prompt tokens' "
    "time, so TPOT mean is the per-request mean (above the mean step where a prompt spans several steps: +5% on "
    "Llama 3.1 405B) and the p99 the busy period's skewed tail over the outputs' grid; checked against "
    "bench/v41_dispatch_sim.py in bench/tpot_busy_window.py (docs/accuracy.md \"The per-request TPOT as a busy "
    "period of the prompt queue\", s22-tpot405, 2026-12-06). 1: blended with today's by w = clip(I / room - 1, 0, 1) "
    "(the law where a mean prompt fills two steps' room or more, today's where it fits one); 2: the law on every "
    "row. 0 by default: t_iter and _tpot_tail (validate gives 1 to its Server and Interactive rows: MECHANISMS "
    "\"prompt_busy_window\", applied since session 22; \"prompt_busy_window_all\", 2, measured, not applied)",
    range=NON_NEGATIVE)
whole_step_engines = Assumption(
    "whole_step_engines", 0.0, "1",
    "k >= 1: the p50 (and lower quantiles) of the time to first token of an engine without chunked context "
    "(`whole_prompts` 1) from its queue, the wait for the next step boundary plus the step that takes every waiting "
    "prompt whole, k engines draining one shared queue at their step starts (NVIDIA's MLPerf v4.1 harness at tp x "
    "pp 1: `LLMCore::getInferenceRequest` in each engine's step, mlcommons/inference_results_v4.1 closed/NVIDIA/"
    "code/harness/harness_llm [P]; 1 an engine's own queue) [D]: _whole_step_ttft, checked against "
    "bench/v41_dispatch_sim.py in bench/whole_step_p50.py (docs/accuracy.md \"The whole-prompt engines' first "
    "token\", s21-v41, 2026-12-06). 0 by default: the prompt-budget law's p50 (validate gives it to the "
    "v4.1 NVIDIA rows: MECHANISMS \"whole_step_p50\", applied since session 21)", range=NON_NEGATIVE)
batch_window = Assumption(
    "batch_window", 0.0, "s",
    "time a harness-side request batcher waits before it sends what it has collected to one engine, in server "
    "and interactive scenarios [P]: AMD's MLPerf Inference v4.1 Llama 2 70B Server harness (vLLM, `--enable-batcher`, "
    "`--batcher-threshold` 0.3 s, harness-side batch at most `--gpu-batch-size` 96 requests; each batch goes whole to "
    "the next of the data-parallel engines in turn: mlcommons/inference_results_v4.1 closed/AMD/code/llama2-70b-99.9/"
    "VllmFp8/sync_sut.py batch_samples_loop, mainVllmFp8_SyncServer.py, test_VllmFp8/test_VllmFp8_SyncServer_perf.sh, "
    "2024-08). 0: every request goes to its engine as it arrives. Set `let batch_window = 0.3 s` on the workload "
    "(MLPerf v4.1 AMD rows: compiler/validate.py); the time to first token is then the batcher's "
    "(_batcher_ttft)", range=NON_NEGATIVE)
output_length_cv = Assumption(
    "output_length_cv", 0.0, "1",
    "coefficient of variation of the output length of a serving benchmark, for the p99 TPOT over requests "
    "(_tpot_tail) [D]: a request's TPOT averages the step over its own o output steps, so a short request's "
    "varies more; the p99 over requests is the quantile of the mixture over a gamma distribution of o with the "
    "mean output and this cv (the shape [U]; it matches the Llama 2 70B TEST06 p10 / p50 / p90 104 / 258 / 522 "
    "with 104 / 259 / 523). MLPerf's TEST06 logs give 0.59 (Llama 2 70B), 0.74 (Mixtral 8x7B), 0.35 (Llama 3.1 "
    "405B), 1.07 (DeepSeek-R1) (docs/accuracy.md, \"Dataset lengths, sourced\"). 0: every request lives the mean "
    "output (the model before)", range=Range(0.0, 3.0))
row_count_elasticity = Assumption(
    "row_count_elasticity", 0.0, "1",
    "1: the rows in flight of a server spread as a birth-death count whose departures slow as the batch grows, "
    "for the p99 TPOT (_tpot_tail) [D]: requests arrive at rate lambda (Poisson) and a row leaves after O steps "
    "of t(N), so the death rate is N / (O t(N)); linearized at the mean b its variance is b / eps with eps = 1 - "
    "b t'(b) / t(b) (the throughput's elasticity in the batch; a linear step t0 + c N: the negative binomial "
    "stationary count, variance b / eps exactly) and its correlation time L / eps (L = O t, the life), so a "
    "request's life average keeps w(eps) / w(1) of the share row_averaging keeps at eps = 1, w(x) = 2 (x - 1 + "
    "e^-x) / x^2 (an Ornstein-Uhlenbeck window average). 0: the M/G/infinity count (Poisson, variance b; the model "
    "before, bit for bit). docs/accuracy.md \"TPOT mean by mechanism\"", range=SWITCH)
row_budget_hold = Assumption(
    "row_budget_hold", 0.0, "1",
    "1: with `row_count_elasticity` 1, the token budget holds the birth-death rows (budget_hold_slope) [D]: while "
    "prompts wait for the budget's room (pp C - rows a step; TensorRT-LLM's scheduler fills the decode rows first) "
    "a request is admitted per I tokens of room, so each row more slows admission; the budget binds for the prompt "
    "queue's utilization rho = b r / room of the steps, which adds hold = rho / r (r = I / O prompt tokens a row a "
    "step) to the count's elasticity eps, held within 1 (the Poisson count). No fitted constant. 0: eps alone (the "
    "model before, bit for bit). docs/accuracy.md \"The rows in flight under the harness's dispatch\"", range=SWITCH)
row_dispatch_engines = Assumption(
    "row_dispatch_engines", 1.0, "1",
    "the engines k one harness spreads a server's requests over, for the rows' birth-death spread with "
    "`row_count_elasticity` 1 (dispatch_row_share), read from the harness's configuration (the MLPerf Inference v4.1 and v5.0 submissions' code and configs, 2024-08 and 2025-04) [P]. 1: one engine (the model "
    "before, bit for bit). docs/accuracy.md \"The rows in flight under the harness's dispatch\"",
    range=AT_LEAST_ONE)
row_dispatch = Assumption(
    "row_dispatch", 0.0, "1",
    "how the harness hands a request to one of its `row_dispatch_engines` engines, for the rows' birth-death "
    "spread with `row_count_elasticity` 1 (dispatch_row_share) [D]: 0, independent queues (each engine its own "
    "share of the arrivals); 1, one shared queue each engine pulls from once a step (NVIDIA's v4.1 harness at tp x "
    "pp 1: an engine with more rows steps slower and pulls less); 2, the least busy engine (NVIDIA's harness at tp x "
    "pp > 1 in v4.1 and llmlib from v5.0: the engines' counts stay within a row of each other). docs/accuracy.md "
    "\"The rows in flight under the harness's dispatch\"", range=Range(0.0, 2.0, integral=True))
gemm_knee_power = Assumption(
    "gemm_knee_power", 1.0, "1",
    "share of a large GEMM's compute activity that a decode GEMM's knee time draws, in the clock law under a power "
    "cap (_sustained_rate's u_c) [D]: the knee e(m) = e_c m / (m + m0) is the time a GEMM of m rows takes beyond "
    "m rows at the large-GEMM rate e_c; at small m the GEMM streams its weights (reference/h100_microbench.md, "
    "2026-11-27: fp8 4,096 x 14,336 at M = 64 and 256 take 35.9 and 33.1 us, bound by the weight read; 'memory-"
    "bound work (decode-like) runs at the full clock and below the power limit'), so its matrix units idle for "
    "that time. 1: the knee's time counts as compute activity (the model before, bit for bit); 0: only the "
    "FLOPs at e_c do (u_c's GEMM part T 2 A / (G P e_c) / (rho t), the attention kernels' time beside it), which "
    "raises the clock a power-capped card decodes at "
    "small batches. A chip's own `let gemm_knee_power` is its default where the workload sets none: stdlib/"
    "chips.factory gives 0 to the add-in cards whose measured decode steps show it (H100 NVL at 400 W, L40S and "
    "H100 PCIe at 350 W: at the MLPerf runs' own rows in flight the step +17..+29% -> -3..+1% on the H100 NVL "
    "pair, +25..+28% -> +5..+7% on the L40S; docs/accuracy.md \"The add-in cards' decode step\"), which validate "
    "applies since 2026-12-05 (MECHANISMS \"knee_power\"); every other chip 1 (on every chip it takes TTFT p50 "
    "8.9% -> 11.0%: MECHANISMS \"knee_power_all\", measured, not applied)", range=SHARE)
clock_draw_activity = Assumption(
    "clock_draw_activity", 0.0, "1",
    "the compute activity the decode and prefill steps' clock law (_sustained_rate's u_c) counts, as the draw "
    "counts it [D]: 1 counts a step's FLOPs at the rate that is compute activity 1 in the draw (power."
    "gemm_peak_fraction g = 0.992 of the dense peak, reference/h100_microbench.md, 2026-11-27 [P]), the same u_c the "
    "workload's `accelerator_power` and `sustained_clock` take (workloads.activity: achieved FLOP/s / (g peak)), "
    "plus the GEMM knee's time at the share `gemm_knee_power`: u_c = (F / (G P g) + k (t_gemm - F_gemm / (G P "
    "e_c))) / (rho t). 0: the compute kernels' time at the large-GEMM rate e_c (the chip's serving efficiency, "
    "0.81 on Hopper FP8) counts as activity, 1 / e_c x g = 1.22x the draw's on Hopper (the model before, bit for "
    "bit). A step whose reported draw is below its cap then runs at the full clock (tests/test_step_clock_draw.py). "
    "Not given to validate by default (MECHANISMS \"clock_draw\", measured, not applied: docs/accuracy.md \"The "
    "knee's draw from public measurements\", s15-knee)", range=SWITCH)
power_limit_window = Assumption(
    "power_limit_window", 0.0, "1",
    "the span of steps over which the power limit sets a serving replica's clock [D]: 1, the mean draw of its "
    "mixture of prompt-loaded and decode-only steps (_window_rate: one clock for every step, the window's energy "
    "over its time); 0, each step's own draw (its own clock: a loaded step throttles on its own, a decode-only "
    "step runs at the full clock; the model before, bit for bit). A board's limiter regulates the power averaged "
    "over a window far longer than a step (10-60 ms): NVIDIA's is a software loop ('SW Power Scaling algorithm "
    "is reducing the clocks', NVML nvmlClocksThrottleReasonSwPowerCap) on a power reading averaged over 1 s "
    "(NVML nvmlDeviceGetPowerUsage, Ampere and newer; docs.nvidia.com/deploy/nvml-api, read 2026-12-06 [S]); "
    "one H100 SXM's dense GEMMs run 778 TFLOP/s in 10-20 launches of 0.7-1.4 ms and 669 sustained over 8 s "
    "(reference/h100_microbench.md, 2026-11-27 [P]): the limiter lets bursts of tens of ms through. Only a "
    "mixing serving replica (chunked prefill: server, interactive) has steps of unlike draw; offline runs every "
    "step at the mean load (docs/accuracy.md 'The power limit over a window of steps', s16-clock)", range=SWITCH)
knee_own_power = Assumption(
    "knee_own_power", 0.0, "1",
    "1 to charge a GEMM's knee time (its time beyond its FLOPs at the large-GEMM rate e_c, at the share "
    "`gemm_knee_power`) at the chip's own compute dynamic power in the clock law, not at the workload format's "
    "[D]: at precision fp4 a Blackwell Ultra chip's a is `fp4_dynamic_power` (B300 3,761 W, GB300 4,513 W), a "
    "full-rate NVFP4 GEMM's draw, the energy of an FP4 MAC times Ultra's 1.5x MAC rate a clock (compiler/models/"
    "power.py 'FP4 dynamic power'); the knee does no MACs beyond the FLOPs (the weights stream, the matrix units "
    "wait), so what it draws does not scale with the MAC rate: the chip's own TDP-scaled a (B300 2,758 W, the "
    "attention's, power.attention_power_share), u_c = u_flops + (a_own / a) k u_knee + (a_own / a) u_attn. With "
    "it a step's dynamic energy on B300 is the B200's with every term but the FP4 MACs x 1,100 / 1,000 (the TDP "
    "ratio the cap, the idle and the memory power scale by), the MACs' the same, so at the same work the B300's "
    "clock law allows at least the B200's step time (docs/accuracy.md 'The bigger chip's clock', s17-heldlaws). "
    "1 on no other chip or precision changes anything (a_own / a = 1). 0: the knee at the workload's a (the model "
    "before, bit for bit). Not given to validate by default (MECHANISMS \"fp4_knee_power\", measured, not "
    "applied: no calibration row moves; the held-out Blackwell Ultra FP4 rows move up to +9%)", range=SWITCH)
gemm_launch_time = Assumption(
    "gemm_launch_time", 0.0, "s",
    "fixed time of one dense GEMM launch in a decode step (pipeline fill, the first K-blocks' loads, the epilogue, "
    "the last wave of tiles) [D], the per-GEMM roofline t(m) = max(W_g / (BW e_m), t_launch + 2 K N m / (e_c P)) "
    "of reference/h100_microbench.md (one H100 SXM, 2026-11-27: bf16 4,096 x 14,336 fits 12.5 us + 0.172 us m "
    "above the weight read, and the weight read at 0.75 of peak below it, M = 1-1,024 within 4%; fp8 11.6 us + "
    "0.084 us m, m 256-4,096). 0: the knee fixed in rows, m0 = gemm_half_rows (the model before, bit for bit); "
    "t > 0: the dense GEMMs' knee is the step's launches' fixed time, n_g (L / pp) t per micro-batch pass "
    "(n_g = 4 a dense layer: QKV, O, gate-up, down; 2 a MoE layer), so m0 = L n_g t G P e_c / (2 pp A_dense): "
    "a large GEMM's knee is small and prompt tokens added to a weight-read-bound step ride in the weight read "
    "until the step reaches its ridge. A chip's own `gemm_half_rows_<precision>` (Blackwell FP4) is kept. Not "
    "given to validate (MECHANISMS \"gemm_launch\", 11.6e-6 s, reference/h100_microbench.md's fp8 fit): docs/accuracy.md "
    "\"The GEMM time as a per-launch roofline\"", range=NON_NEGATIVE)
gemm_weight_efficiency = Assumption(
    "gemm_weight_efficiency", 0.0, "1",
    "achieved fraction of peak HBM bandwidth of a decode step's weight read once the GEMMs' launch time is counted "
    "beside it, with `gemm_launch_time` t > 0 (the step GEMMs' roofline on both legs) [D]: the dense GEMMs of a "
    "step take L n_g t + max(T 2 A / (G P e_c rho), W_chip / (BW e_w)), the launches' fixed time on both legs, "
    "so below the ridge a prompt token rides in the weight read's shadow and costs no GEMM time. With a launch's "
    "fixed time of 7 us (cuBLASLt H100 fp8, egmsft/AI-benchmarking-guide Azure_Results ND_H100_v5, 2025-12-03; "
    "docs/accuracy.md \"The GEMM knee by shape\"), reference/h100_microbench.md's (one H100 SXM, 2026-11-27) "
    "4,096 x 14,336 GEMMs give e_w = 0.61 at fp8 (M = 64, 35.9 us: 58.7 MB / (3.35 TB/s x 28.9 us); M = 256: "
    "0.67) and 0.86 at bf16 (M = 1, 47.9 us: 117.4 MB / (3.35 TB/s x 40.9 us)), against the GEMMs' 0.75 and a "
    "plain read's 0.91: one number for every precision, so set it for the weights' precision. 0: the weight "
    "leg at e_m and the launch time on the compute leg only (`gemm_launch`, the model before, bit for bit). Not "
    "given to validate (MECHANISMS \"gemm_roofline\"): docs/accuracy.md \"The step GEMM as a two-legged "
    "roofline\"", range=SHARE)
run_ramp_deficit = Assumption(
    "run_ramp_deficit", 0.0, "1",
    "the largest shortfall of a Server run's mean rows-in-flight (and so of its mean step) that a capacity point "
    "may carry because the run starts from an empty engine (_ramp_deficit) [D]: LoadGen issues Poisson queries at "
    "the target rate into an idle system for at least min_duration = 600 s (mlperf.conf, https://github.com/"
    "mlcommons/inference/blob/master/loadgen/mlperf.conf, read 2026-12); the rows relax to their steady b with "
    "time constant L / eps (L = O t the life, eps the throughput's elasticity in the rows), so over a run of T "
    "s the mean rows fall short by D = (tau / T)(1 - e^(-T / tau)) and the mean step by (1 - eps) D. A capacity "
    "point is kept only where (1 - eps) D <= this share; the measured runs' TPOT mean / p50 (0.97-1.00, "
    "reference/mlperf_ttft_percentiles.csv, 2026-12) bound it near 0.03. 0: no such bound (the model before, bit "
    "for bit). Not given to validate (MECHANISMS \"run_ramp\"): docs/accuracy.md \"The operating point a run "
    "from empty reaches\"", range=Range(0.0, 1.0))
batch_refinement = Assumption(
    "batch_refinement", 0.0, "1",
    "sub-steps n of the search's batch axis around a server or interactive capacity point (_refined_batches) [D]: "
    "the batch grid is geometric (72 points from 1 to 16,384, ratio 1.146), so the largest grid batch whose TPOT "
    "p99 and TTFT p99 fit the limits stops short of them by up to one grid step (MLPerf v5.0 8x H200 Llama 2 70B: "
    "616 rows at 0.90 of the 200 ms TPOT p99 limit, the next grid batch 707 at 1.02). n > 0 adds, for each "
    "scenario, the batches B_prev (B_next / B_prev)^(j / 2n), j = 1 .. 2n - 1, between the grid batches on either "
    "side of its grid capacity point, on every layout, so the capacity point meets its binding limit to within "
    "1 / 2n of a grid step. 0: the grid alone (the model before, bit for bit). Not given to validate (MECHANISMS "
    "\"batch_refinement\"): the measured runs sit at 0.84-0.91 of the TPOT p99 limit (median by group, "
    "reference/mlperf_ttft_percentiles.csv, 2026-12), where the grid happens to stop; docs/accuracy.md \"What binds "
    "the capacity point\"", range=Range(0.0, 64.0, integral=True))
capacity_margin = Assumption(
    "capacity_margin", 0.0, "1",
    "the share delta of a server or interactive capacity point's throughput a run gives up for latency [U]: 0 "
    "(default) the capacity point is the column with the most throughput that meets both limits (the model before, "
    "bit for bit); delta > 0 takes, among the columns that meet both limits at their own rate, the one with the "
    "least TPOT p99 whose throughput is at least (1 - delta) of that most (search's `scored`). On a flat throughput "
    "curve (a step t(B) = a + c B whose fixed part a is small: the PCIe add-in cards, H100 NVL pair ~10 ms + "
    "0.256 ms a row) the last delta of throughput costs a factor 1 / (1 - x / x_max) in rows, so a run a few "
    "percent below the most the limits allow holds half the rows and half the TPOT (MLPerf v4.1 / v5.0 H100 NVL "
    "Llama 2 70B Server runs at 200-400 rows a pair, TPOT p99 at 0.35-0.83 of its 200 ms limit, where the "
    "capacity point runs to it). The model's curve near an 8x H100 SXM capacity point is as flat (4.4% of "
    "throughput is 40% of its TPOT mean) while those runs sit at their limit: the share is the add-in "
    "submissions' choice, not a property of the curve, so it stays 0 in a plan (2026-12-06: the three mechanisms "
    "validate applies with it are the planning defaults, this one is not); validate gives 0.05 to the add-in cards' "
    "Server and Interactive rows (MECHANISMS \"capacity_margin\", applied since 2026-12-05): docs/accuracy.md \"The "
    "add-in cards' operating point\"", range=Range(0.0, 0.5))
capacity_solve = Assumption(
    "capacity_solve", 0.0, "1",
    "the batch of a server or interactive capacity point: 0 (default) the batch grid, 1 solved between its points "
    "[D]. The grid (BATCH_GRID) is the search's resolution, not physics: 72 geometric batches from 1 to 16,384 "
    "(ratio 1.146), so the capacity point is the largest grid batch that meets both latency limits and stops 0-14.6% "
    "of the rows short of the binding limit wherever the grid falls (MLPerf v5.0 8x H200 Llama 2 70B: 616 rows at "
    "0.90 of the 200 ms TPOT p99 limit, the next grid batch 707 at 1.02), and a sweep of a limit or of the chips "
    "sees the capacity as a staircase (examples/flagship_campus.factory's chat on one GB300 NVL72, TPOT p99 limit "
    "40-60 ms: 6 distinct capacities in 41 points, steps up to 7.5% in tokens/s and 7.0% in $/Mtok, the grid's "
    "capacity 0.1-6.3% below the solved one: bench/capacity_staircase.py). 1: on every layout that can win, the "
    "largest batch between the grid's neighbours of its best grid batch where both limits hold and the throughput "
    "still rises (_solved_batches: 256 batches of the bracket, to ~1e-3 in ln B), so a TPOT- or TTFT-bound point "
    "sits at its binding limit, one where no limit binds at its throughput maximum, and the capacity is continuous "
    "and never below the grid's. Not given to validate (MECHANISMS \"continuous_capacity\", with "
    "`operating_fraction` 0.88): it takes TTFT p99 from 12.0% to 16.5% and TTFT p50 from 8.9% to 12.8% even with "
    "first_token_delay and the families refit; the grid's accidental stop at 0.88-0.91 of the limit is where the "
    "median submitter stops, docs/accuracy.md \"The batch grid's staircase and a continuous capacity point\" "
    "(2026-12-05). Given with `operating_fraction` 0.88 to the Server and Interactive rows of the engines that admit "
    "prompts whole (no chunked context: NVIDIA's v4.1 harness, AMD's v4.1 / v5.0 vLLM), whose runs stop at 0.83 of "
    "the TPOT p99 limit (MECHANISMS \"whole_prompt_capacity\", applied 2026-12-06: TPOT mean 9.3% -> 8.6%, TTFT p99 "
    "9.9% -> 9.4%; docs/accuracy.md \"Whole-prompt engines' capacity point\")", range=Range(0.0, 1.0, integral=True))
capacity_at_own_rate = Assumption(
    "capacity_at_own_rate", 1.0, "1",
    "whether a server or interactive capacity point carries its rows' own rate [D]: 1 (default) the point is the "
    "column of the batch grid with the most throughput that meets both latency limits at the rate its B rows carry "
    "(B / (k t_iter), Little's law), the same rule on both limits: a TTFT-bound point stops where the grid falls "
    "below the TTFT limit as a TPOT-bound one does below the TPOT limit; a column whose TTFT p99 at its own rate "
    "misses the limit is not a capacity point, since at the lower rate the limit allows the engine holds fewer "
    "rows than B. Only where no column of the scenario meets the limits at its own rate (a load whose grid's "
    "smallest batch already overruns the TTFT limit: long prompts, short outputs) is the rate cut below a "
    "column's own until the TTFT p99 fits (_budget_utilization; the engine idles between requests). 0: every "
    "column's rate cut until its TTFT p99 fits, the most throughput among them (the model before 2026-12-05: a "
    "TTFT-bound point then sits on the TTFT limit exactly, the grid's next column past the crossing with its rate "
    "cut, where a TPOT-bound one stops 0-14.6% of the rows short of its limit; MLPerf v5.0 Llama 3.1 405B on 8x "
    "H200: 12 rows at 0.954 of their own rate, TTFT p99 1.00 of the 6 s limit). docs/accuracy.md \"Where the "
    "capacity point sits on its TTFT limit\" (s12-opbound, 2026-12-05)", range=Range(0.0, 1.0, integral=True))
operating_fraction = Assumption(
    "operating_fraction", 1.0, "1",
    "the share f of each latency limit the capacity point is held to: TPOT p99 <= f tpot_limit and TTFT p99 <= f "
    "ttft_limit (the arrival rate cut at f ttft_limit) [D]. 1 (default): a planner asks for the capacity under the "
    "limits themselves; a margin is this explicit `let`. MLPerf submitters stop short of the limits: over the 155 "
    "Server runs of reference/mlperf_ttft_percentiles.csv (MLCommons inference v4.1 / v5.0 results, read 2026-12) "
    "max(TPOT p99 / tpot_limit, TTFT p99 / ttft_limit) has median 0.883 (quartiles 0.76-0.94): a property of how "
    "they operate (a run must pass with room for its run-to-run spread), given to validate only with "
    "`capacity_solve` (MECHANISMS \"continuous_capacity\", f = OPERATING_FRACTION 0.88; applied to the whole-prompt "
    "engines' rows, MECHANISMS \"whole_prompt_capacity\", 2026-12-06)", range=Range(0.05, 1.0))
row_averaging = Assumption(
    "row_averaging", math.sqrt(2.0 / 3.0), "1",
    "share of the standard deviation of the rows in flight that survives the average over one request's life, "
    "for the p99 TPOT [D]: the rows in flight of a server are an M/G/infinity count (Poisson, variance b); "
    "averaged over a window as long as one service time its variance is 2/3 of the point variance for a fixed "
    "service time (autocorrelation 1 - tau / S), 0.74 for an exponential one, so sqrt(2/3) = 0.82", range=SHARE)
chunk_tokens = Assumption(
    "max_num_tokens", 8192.0, "tok",
    "token budget of one forward pass per tensor-parallel rank (the engine's budget is tp times it) [U]: TensorRT-LLM "
    "`max_num_tokens` ('maximum number of batched input tokens after padding is removed in each batch', "
    "nvidia.github.io/TensorRT-LLM/commands/trtllm-build.html; chunked context splits a prompt into such chunks "
    "batched with the decode rows, nvidia.github.io/TensorRT-LLM/features/long-sequence.html, read 2026), vLLM "
    "`max_num_batched_tokens`; 8192 is the order of the engines' defaults (2048-8192 by version). A step carries "
    "the decode rows first, then prompt chunks first come first served up to the budget: a small budget queues the "
    "prompts (server TTFT). Over pp pipeline stages a chunk passes the stages one after another, so the first chunk "
    "of a prompt pays the pipeline fill (pp - 1) x its stage time. NVIDIA's MLPerf Inference v5.0 Server configs "
    "set 256-10,240 per engine (validate uses them)", range=POSITIVE)
context_chunk_unit = Assumption(
    "context_chunk_unit", 1.0, "tok",
    "the tokens a context chunk that is not a prompt's last is a multiple of: TensorRT-LLM's micro-batch scheduler "
    "rounds such a chunk down to the KV cache block (`tokens_per_block`) when it does not fit the step's budget "
    "(cpp/tensorrt_llm/batch_manager/microBatchScheduler.cpp, NVIDIA/TensorRT-LLM, read 2026-12 [P]), so a step "
    "that ends inside a prompt leaves (unit - 1) / 2 tokens of its budget unused on average, per micro-batch [D]; "
    "NVIDIA's MLPerf configs set tokens_per_block 32 (inference_results_v5.1 closed/NVIDIA/configs/B200-SXM-180GBx8/"
    "Server/llama2-70b.py, 2025-09 [P]). 1: no rounding (vLLM's chunked prefill, whole prompts)", range=AT_LEAST_ONE)

PRECISION_BYTES = {"bf16": 2.0, "fp8": 1.0, "fp4": 0.5, "int8": 1.0}
WIDER_FORMAT = {"fp4": "bf16", "fp8": "bf16", "int8": "bf16"}     # the format a mixed checkpoint's other layers use
ACTIVATION_BYTES = 2.0
NVFP4_VALUE_BYTES = 0.5 + 1.0 / 16   # an NVFP4 value and its share of the FP8 (E4M3) scale of its 16-value block [P]
fp4_scale_block = Assumption(
    "fp4_scale_block", 16.0, "1",
    "the FP4 weights that share one 8-bit scale, so an FP4 weight is stored in 0.5 + 1 / block bytes (FP4 "
    "weights, module docstring) [P]: 16 for NVFP4, an E2M1 value per 16-value block with one E4M3 scale (and one "
    "FP32 scale per tensor, negligible), NVIDIA's Blackwell format and its FP4 checkpoints' (developer.nvidia.com/blog/"
    "introducing-nvfp4-for-efficient-and-accurate-low-precision-inference, 2025-06); 32 for MXFP4, one E8M0 scale per "
    "32 values (OCP Microscaling Formats (MX) Specification v1.0, opencompute.org, 2023-09), AMD CDNA4's and the "
    "released gpt-oss checkpoints' format. A workload's, else its model's (the checkpoint), else its chip's `let`",
    range=Range(1.0, 1024.0, integral=True))
# the memory-bound elementwise kernels stream at the copy rate measured on one H100, 3.02 of 3.35 TB/s
# (reference/h100_microbench.md [P]; the training model's HBM_EFFICIENCY)
ELEMENTWISE_BANDWIDTH_EFFICIENCY = 3.02 / 3.35
# the context (prompt) attention kernel's rate against a dense GEMM's, e_fmha(n) = a n / (n + n_half) over a prompt
# of n tokens (context_attention_efficiency; module docstring "Context attention kernel"): FlashAttention-3's causal
# forward, head_dim 128, BF16, one H100 SXM5 at 1,830 MHz, 292 / 423 / 521 / 579 / 602 / 616 TFLOP/s at 512 / 1k / 2k /
# 4k / 8k / 16k tokens (Shah et al., arXiv 2407.08608, Fig. 5d [S: the figure's labels as transcribed]), least squares
# R n / (n + n_half): R = 648 TFLOP/s, n_half = 565 tokens [D]; a = R over the dense BF16 GEMM measured on an H100 SXM,
# 760-778 TFLOP/s at large shapes (reference/h100_microbench.md [P]): 648 / 770 = 0.84 [D]
CONTEXT_ATTENTION_RATIO = 0.84
CONTEXT_ATTENTION_HALF_LENGTH = 565.0
SRAM_BANDWIDTH_EFFICIENCY = 0.80
SRAM_LAYER_STAGES = 5.0     # dependent GEMM stages of a dense layer: QKV, attention, O, gate/up, down [D]
GPU_TP_EXCHANGES = 2.0      # tensor-parallel all-reduces per layer on GPUs (Megatron: after O and after down)
# TensorRT-LLM's AUTO all-reduce strategy (cpp/tensorrt_llm/plugins/ncclPlugin/allreducePlugin.cpp
# AllreducePlugin::selectImplementation with cpp/tensorrt_llm/common/customAllReduceUtils.h
# getMaxRequiredWorkspaceSize, https://github.com/NVIDIA/TensorRT-LLM, read 2026-12-05 [S]): a message of more bytes
# than the custom kernels' workspace goes to NCCL; within it tp <= 2 runs one-shot, tp 3-4 one-shot below 1 MB and
# two-shot above, tp > 4 one-shot below 500 kB (module docstring, "TP all-reduce by kernel")
ALLREDUCE_WORKSPACE_TP2, ALLREDUCE_WORKSPACE = 16e6, 8e6      # bytes: tp <= 2, tp > 2
ALLREDUCE_ONESHOT_TP4, ALLREDUCE_ONESHOT = 1e6, 5e5            # bytes below which one-shot runs: tp 3-4, tp > 4


def tp_all_reduce_time(message, tp, link, lat, lat_nccl, kernels, group=np.inf, twoshot=1.0):
    """One tensor-parallel all-reduce of `message` bytes over tp ranks whose scale-up link moves `link` = BL e_l
    bytes a second (module docstring, "TP all-reduce by kernel"). `kernels` 0: lat + 2 (tp - 1) / tp M / link at
    every size (a ring's bytes). `kernels` 1: the kernel TensorRT-LLM's AUTO strategy picks,
        one-shot  lat + (tp - 1) M / link             (each rank reads every peer's whole message and reduces it)
        two-shot  2 lat + 2 (tp - 1) / tp M / link    (reduce-scatter then all-gather: two barriers)
        NCCL      lat_nccl + 2 (tp - 1) / tp M / link (beyond the workspace: ALLREDUCE_WORKSPACE*)
    where every pair of the tp ranks has NVLink (tp <= `group`, the chip's `nvlink_group`; inf: the whole scale-up
    domain); a group that does not (PCIe cards, group 1; the H100 NVL's bridged pairs beyond 2) runs NCCL at every
    size, lat_nccl + 2 (tp - 1) / tp M / link, non-decreasing in M. `twoshot` 0 (`allreduce_twoshot`): NCCL in
    place of the two-shot kernel. 0 at tp = 1."""
    ring = 2 * (tp - 1) / np.maximum(tp, 1) * message / link
    one_max = np.where(tp <= 2, ALLREDUCE_WORKSPACE_TP2, np.where(tp <= 4, ALLREDUCE_ONESHOT_TP4, ALLREDUCE_ONESHOT))
    workspace = np.where(tp <= 2, ALLREDUCE_WORKSPACE_TP2, ALLREDUCE_WORKSPACE)
    nccl = (message > workspace) | (tp > group)              # beyond the workspace, or no NVLink between some pair
    by_kernel = np.where(nccl, lat_nccl + ring,
                         np.where(message < one_max, lat + (tp - 1) * message / link,
                                  np.where(twoshot > 0, 2 * lat + ring, lat_nccl + ring)))
    return np.where(tp > 1, np.where(kernels > 0, by_kernel, lat + ring), 0.0)
DENSE_LAYER_LAUNCHES = 4.0  # dense GEMM launches a dense layer: QKV, O, gate-up (fused), down (TensorRT-LLM) [U]
MOE_LAYER_LAUNCHES = 2.0    # dense GEMM launches a MoE layer: QKV, O (the experts' grouped GEMM keeps its own knee) [U]
Z99 = 2.326                 # the standard normal's 99th percentile
# The expert-parallel all-to-all, one MoE layer's dispatch + combine (module docstring, "Expert parallelism"):
# TensorRT-LLM's NVLinkOneSided kernels on GB200 NVL72, DeepSeek-V3 shape (h 7,168, top-8 of 256, perfect router),
# BF16 both ways, EP 8 (NVIDIA/TensorRT-LLM docs/source/blogs/tech_blog/blog18_Optimizing_MoE_Communication_with_
# One_Sided_AlltoAll_Over_NVLink.md, "Scaling With Batch Size and EP Size", read 2026-12-05 [P]): dispatch + combine
# 49.9 us at 1 token a rank (18.9 + 31.0), 50.9 at 32, 69.8 at 128, 181.2 at 512, 634.4 at 2,048. A token goes to 7
# other ranks at 14,336 B each way: the line through 128 and 2,048 tokens is 32.1 us + 0.2935 us a token, i.e. the
# 200,704 remote bytes a token (both ways) at 0.76 of the 900 GB/s a direction [D]; below ~64 tokens the pair of
# kernels stays at its one-token floor (barriers, launch) [P]. Taken for every chip and EP size [U] (EP 64: -5%
# bandwidth at 2,048 tokens, the same floor within 10%, same table).
EP_A2A_FLOOR = 49.9e-6
EP_A2A_LATENCY = 32.1e-6
EP_A2A_EFFICIENCY = 0.76
NVFP4_DISPATCH_BYTES = 4032 / 7168    # B a value dispatched as NVFP4 (values + E4M3 scales, blog18 "Post-Quant Dispatch" [P])
# TTFT and TPOT limits (s) of the MLPerf Inference LLM benchmarks, by the stdlib model they run, for the
# `server` and `interactive` scenarios: mlcommons/inference loadgen/mlperf.conf (`<model>.Server.ttft_latency`,
# `tpot_latency`, in ms; `*.Server.target_latency_percentile = 99`), read 2026-12 at commit 001712e9 [P].
# Interactive is the `<model>-interactive` benchmark run as scenario Server. Any other model, or a scenario the
# model's benchmark lacks (Mixtral 8x7B interactive): Llama 2 70B's.
BENCHMARK_LIMITS = {
    "Llama2_70B": {"server": (2.0, 0.200), "interactive": (0.450, 0.040)},
    "Mixtral_8x7B": {"server": (2.0, 0.200)},
    "Llama3_1_405B": {"server": (6.0, 0.175), "interactive": (4.5, 0.080)},
    "Llama3_1_8B": {"server": (2.0, 0.100), "interactive": (0.500, 0.030)},
    "DeepSeek_R1": {"server": (2.0, 0.080), "interactive": (1.5, 0.015)},
}
SCENARIO_LIMITS = BENCHMARK_LIMITS["Llama2_70B"]

TP_GRID = np.array([1, 2, 4, 8, 16, 32, 64, 128], dtype=float)
PP_GRID = np.array([1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 16, 18, 20, 24, 32, 36, 40, 48, 64, 72, 80, 96, 128, 144,
                    192, 256], dtype=float)
BATCH_GRID = np.unique(np.round(np.geomspace(1, 16384, 72)))


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
    # the clock law's compute activity as the draw counts it (`clock_draw_activity`; 0: the kernels' time at e_c)
    draw_activity: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([clock_draw_activity.value]))
    # the clock a serving replica's steps run at: each step's own (0) or the mixture's over the window (1)
    clock_window: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([power_limit_window.value]))
    draw_rate: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([1.0]))   # g, the draw's rate 1
    # the dense GEMMs' fixed time a launch (`gemm_launch_time`; 0: the knee fixed in rows)
    launch_time: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([gemm_launch_time.value]))
    # the weight read's efficiency with the launches' time on both legs (`gemm_weight_efficiency`; 0: off)
    weight_eff: np.ndarray = dataclasses.field(default_factory=lambda: np.asarray([gemm_weight_efficiency.value]))
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
    valid = (R <= chips + 1e-9) & (tp * d <= scaleup + 1e-9) & (pp <= L) & ((d == 1) | (E > 0))

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
        tokens = B * (q + prefill_share)                          # tokens through the model per step
        if not load.single_stream:                                # one stream: no micro-batches to unbalance
            tokens = _pipeline_tokens(B * q, B * prefill_share, pp, I, tp * _col(load.chunk_tokens))
            prefill_share = tokens / B - q                        # the prompt tokens the pipeline's pace carries
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
        attn = B * q * L * F_gen * ctx / (G * Pa * ec)            # every query token over its row's context
        w_read = (N - n_exp) * w / G + n_exp * touched * w / R     # a chip's dense share and its touched experts
        t_weights = passes * w_read / (BW * em_weights)
        t_kv = B * read * kv_chip / (BW * em)                     # a request's prompt KV read once per step
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
            cycle = (np.maximum(gemm / rho, t_weights) + t_launches + np.maximum(attn / rho, t_kv) + attn_ctx / rho
                     + t_tp + t_pp + L * tl + t_over + t_moe + t_el + t_tok)
            return np.where(overlap, np.maximum(cycle, pp * host_round), cycle)   # the host's pp h a cycle (overlap)
        # the compute kernels' time at the full clock; the GEMMs' knee time (beyond their FLOPs at e_c) counts as
        # compute activity at the share `gemm_knee_power` (1: all of it; 0: the matrix units idle while the weights
        # stream)
        flops_at_ec = (tokens * 2 * (A_dense + gamma * A_exp) + (rank_tokens - tokens) * 2 * A_dense) / (G * P * ec)
        flops_at_ec = flops_at_ec + rank_tokens * 2 * A_dense / (G * P) * (1 / ec_d - 1 / ec)   # (0 at s = 1)
        # (the attention's at its own format's draw, a_attn / a of the workload's: power.attention_power_share)
        busy = flops_at_ec + knee_w * knee_power * (gemm - flops_at_ec) + attn_w * attn + attn_w * attn_ctx
        # `clock_draw_activity` 1: the FLOPs at the draw's rate g (its compute activity 1), the knee at its share
        busy = np.where(draw_on, (flops_at_ec + attn_w * attn + attn_w * attn_ctx * e_fmha) * ec / g_draw
                        + knee_w * knee_power * (gemm - flops_at_ec), busy)
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
                 np.where(whole, _col(load.whole_step), 0.0) + 0.0 * I)
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


def _busy_window_latency(on, weight, b, r, I, O, cv, output_cv, z, averaging, step, t_mean, tpot, terms, t_decode,
                         t_full, room) -> tuple:
    """(TPOT mean, TPOT p99, its terms) at b rows where `on` (`prompt_busy_window` 1 or 2, pp 1, no drafts, one
    beam), else (t_mean, tpot, terms) as given: busy_window_tpot at the serving step mixture's own figures, blended
    with today's (t_mean, _tpot_tail's p99) by `weight` w in [0, 1] (1: the law alone; `prompt_busy_window` 1 gives
    w = clip(I / room - 1, 0, 1): the law where a mean prompt fills two steps' room or more, today's where it fits
    one step, linear between; 2 gives w = 1 on every row). Its kappa is the
    mixture's slope over its mean prompt load, (t_mean - t_decode) / (b r) (the step linear in its prompt tokens
    between a decode-only and a loaded step), the rate lam = b / (O t_mean) a replica (Little's law), the quantile
    q = P(N(0, 1) <= z). The rows in flight keep _tpot_tail's Poisson spread (a = t(b + s_b) - t(b), s_b =
    row_averaging sqrt(b)), independent of the prompts: TPOT p99 = mean + sqrt((X_q - mean)^2 + (z a)^2), X_q the
    law's quantile. The terms (`factory explain`) are _tpot_tail's design point's, scaled so they add up to it [U].
    Where the law has no stable queue (rho >= 1: no first token in finite time) or no prompt load, today's."""
    prompt = b * r
    # the law only where it is blended in (w > 0): elsewhere the result is today's whatever it gives (most rows:
    # a short prompt fits one step's room), and the quantile's bisections over the outputs' grid are costly
    wanted = np.asarray(on & (weight > 0) & (prompt > 0))
    if not wanted.any():
        return t_mean, tpot, terms
    with np.errstate(divide="ignore", invalid="ignore"):
        kappa = np.where(prompt > 0, np.maximum(t_mean - t_decode, 0.0) / np.where(prompt > 0, prompt, 1.0), 0.0)
        lam = b / np.maximum(O * t_mean, 1e-300)
    q = 1.0 - _normal_tail(np.abs(z)) + 0.0 * b
    args = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (
        t_decode, t_mean, t_full, kappa, lam, I + 0.0 * b, cv + 0.0 * b, room, O + 0.0 * b, output_cv + 0.0 * b, q)))
    wanted = np.broadcast_to(wanted, args[0].shape)
    mean, quantile = np.full(args[0].shape, np.nan), np.full(args[0].shape, np.nan)
    mean[wanted], quantile[wanted] = busy_window_tpot(*(v[wanted] for v in args[:-1]), args[-1][wanted])
    s_b = averaging * np.sqrt(b)
    a = step(r * b / (b + s_b), b + s_b)[0] - t_mean
    p99 = mean + np.sqrt(np.maximum(quantile - mean, 0.0) ** 2 + (z * a) ** 2)
    use = on & (prompt > 0) & np.isfinite(p99)
    mean, p99 = weight * mean + (1 - weight) * t_mean, weight * p99 + (1 - weight) * tpot
    scale = np.where(use, p99 / np.maximum(tpot, 1e-300), 1.0)
    return (np.where(use, mean, t_mean), np.where(use, p99, tpot),
            {name: value * scale for name, value in terms.items()})


def _serial_servers(stages, room, I):
    """Servers of the prompt queue where a prompt's chunks go one micro-batch a pipeline cycle (`serial_context_
    chunks`; `stages` = pp there, else 1): a prompt longer than a micro-batch's room, room / pp, is served by one
    micro-batch at a time, so the queue is pp servers of room / pp prompt tokens a step; a shorter prompt rides
    whole in one micro-batch beside others (one server of the room, as without the switch) [P/D]."""
    return np.where((stages > 1) & (I * stages > room), stages, 1.0)


def _prompt_lumps(prompt: np.ndarray, room: np.ndarray, I: np.ndarray, stages=1.0) -> tuple[np.ndarray, np.ndarray]:
    """The prompt tokens of a loaded serving step, and the share of steps that are loaded, for `prompt` tokens a
    step on average (module docstring, "Serving step mixture"): lump = min(room, max(I, prompt)), f = prompt /
    lump (<= 1; 1 where the step's mean load is at least a whole prompt or fills the room).
    Serial chunks over c = pp servers (_serial_servers > 1): each prompt in service loads one micro-batch to its
    room / c, and a step with any micro-batch loaded costs a full one (the cycle is pp times its heaviest
    micro-batch's stage: Pipeline stages), so lump = room at the cost of a full step and f = P(a prompt in
    service); the mean prompts in service are a = c prompt / room, f = max(1 - exp(-a), prompt / room) (the
    infinite-server idle probability exp(-a) [D], at least the share a full room needs)."""
    lump = np.maximum(np.minimum(room, np.maximum(I, prompt)), 1e-9)
    f = np.clip(prompt / lump, 0.0, 1.0)
    servers = _serial_servers(stages, room, I)
    if np.all(servers == 1):
        return lump, f
    full = np.maximum(room, 1e-9)
    busy = np.clip(np.maximum(1 - np.exp(-servers * prompt / full), prompt / full), 0.0, 1.0)
    return np.where(servers > 1, full, lump), np.where(servers > 1, busy, f)


def _step_mixture(step, b, prefill_share, room, I, stages=1.0):
    """The mean serving step of b decode rows carrying b * prefill_share prompt tokens a step on average, as a
    chunked-prefill engine runs them (module docstring, "Serving step mixture"): prompt work comes in lumps, so
    the steps are of two kinds. Loaded steps carry lump = min(room, max(I, b prefill_share)) prompt tokens (the
    budget's room of a long prompt's chunks, a whole shorter prompt, or the mean where a step's arrivals exceed
    a prompt); decode-only steps carry none. The share of loaded steps keeps the prompt token rate,
    f = b prefill_share / lump, and the mean step and its terms are
        t = f t(lump) + (1 - f) t(0)
    (the terms mixed alike, so they add up to t). `step` is evaluate_configs' step(prefill_share, B) -> (t, terms);
    returns the same pair. Equal to the step at the mean load where f = 1, or where the step is linear in its
    prompt tokens (a compute-bound step: t_gemm is affine in its rows through e(m), "GEMM shape")."""
    prompt = b * prefill_share
    lump, f = _prompt_lumps(prompt, room, I, stages)
    t_load, terms_load = step(lump / b, b)
    t_idle, terms_idle = step(0.0 * prompt, b)
    terms = {name: f * terms_load[name] + (1 - f) * terms_idle[name] for name in terms_load}
    return f * t_load + (1 - f) * t_idle, terms


ADP_POISSON_EXACT = 50.0     # contexts a rank a step up to which E[max of d Poisson] is summed exactly


def adp_context_excess(contexts, ranks) -> np.ndarray:
    """E[max over d ranks of the contexts a rank starts in a step] / their mean, the contexts of a rank Poisson
    with mean lambda (`contexts`, = B r / I: a rank's rows finish and are refilled independently) [D] (module
    docstring, "Expert parallelism", ADP contexts):

        E[max] = sum_{k >= 0} (1 - F(k)^d),   F the Poisson(lambda) distribution function

    summed exactly up to lambda = 50 (k to lambda + 8 sqrt(lambda) + 8), above that its normal approximation
    lambda + z_d sqrt(lambda) (z_d = E[max of d standard normals]). lambda -> 0: (1 - (1 - lambda)^d) / lambda -> d
    (a step has at most one context, on one rank: the busiest carries it all); lambda -> inf: 1. d <= 1 or
    lambda = 0: 1."""
    lam, d = np.broadcast_arrays(np.asarray(contexts, dtype=float), np.asarray(ranks, dtype=float))
    out = np.ones_like(lam)
    active = (d > 1.5) & (lam > 0)
    if not np.any(active):
        return out
    small = active & (lam <= ADP_POISSON_EXACT)
    if np.any(small):
        l_s, d_s = lam[small], d[small]
        k_max = int(np.ceil(np.max(l_s) + 8 * np.sqrt(np.max(l_s)) + 8))
        pmf, cdf, e_max = np.exp(-l_s), np.zeros_like(l_s), np.zeros_like(l_s)
        for k in range(k_max + 1):
            cdf = cdf + pmf
            e_max = e_max + (1 - np.power(np.minimum(cdf, 1.0), d_s))
            pmf = pmf * l_s / (k + 1)
        out[small] = e_max / l_s
    large = active & (lam > ADP_POISSON_EXACT)
    if np.any(large):
        z = np.array([_normal_max(int(v)) for v in np.round(d[large])])
        out[large] = 1 + z / np.sqrt(lam[large])
    return out


def _pipeline_tokens(B: np.ndarray, prompt: np.ndarray, pp: np.ndarray, I: np.ndarray, C: np.ndarray) -> np.ndarray:
    """Tokens a step of pp pipeline stages costs: pp x those of its heaviest micro-batch (module docstring,
    "Pipeline stages"). A step's B decode rows split evenly, B / pp per micro-batch; its `prompt` tokens enter as
    whole prompts or budget chunks, unit = min(I, C) tokens (C the budget of a micro-batch's pass),
    n ~ Poisson(lambda = prompt / (pp unit)) of them in each micro-batch (requests finish and are replaced at
    independent times). The heaviest of the pp
    micro-batches carries B / pp + unit E[max of pp Poisson(lambda)] tokens, at most the budget C (a full
    budget fills every micro-batch alike) and at least the mean. pp = 1: the step's own tokens."""
    mean = (B + prompt) / pp
    unit = np.maximum(np.minimum(I, C), 1e-30)
    heaviest = B / pp + unit * _poisson_max_mean(prompt / (pp * unit), pp)
    heaviest = np.clip(heaviest, mean, np.maximum(C, mean))
    return np.where(pp > 1, pp * heaviest, B + prompt)


_POISSON_GRID = np.concatenate(([0.0], np.geomspace(1e-4, 20.0, 600)))


@functools.cache
def _poisson_max_table(n: int) -> np.ndarray:
    """E[max of n independent Poisson(lam) counts] on _POISSON_GRID: the sum over k >= 0 of 1 - F(k)^n, to k = 120
    (the terms are below 1e-15 there at lam <= 20)."""
    lam = _POISSON_GRID
    pmf = np.exp(-lam)
    cdf = pmf.copy()
    total = np.zeros_like(lam)
    for k in range(1, 121):
        total += 1 - np.power(cdf, n)
        pmf = pmf * lam / k
        cdf = np.minimum(cdf + pmf, 1.0)
    return total


@functools.cache
def _normal_max(n: int) -> float:
    """c_n = E[max of n standard normals], integrated on a grid."""
    x = np.linspace(-8.0, 8.0, 1601)
    phi = np.exp(-x * x / 2) / np.sqrt(2 * np.pi)
    return float(np.sum(x * n * phi * np.power(np.cumsum(phi) * (x[1] - x[0]), n - 1)) * (x[1] - x[0]))


def _poisson_max_mean(lam: np.ndarray, n: np.ndarray) -> np.ndarray:
    """E[max of n independent Poisson(lam) counts]: up to lam = 20 the exact sum (_poisson_max_table, read
    between 600 geometric grid points: within 1e-4 of the sum); above it the normal approximation
    lam + sqrt(lam) c_n (within 0.3% of a Monte Carlo at lam = 20-60, n = 2-8). n = 1: lam."""
    lam, n = np.broadcast_arrays(np.asarray(lam, dtype=float), np.asarray(n, dtype=float))
    out = lam.copy()
    for v in np.unique(n[n > 1]):
        here = n == v
        x = lam[here]
        out[here] = np.where(x <= 20.0, np.interp(x, _POISSON_GRID, _poisson_max_table(int(v))),
                             x + np.sqrt(x) * _normal_max(int(v)))
    return out


def _tpot_tail(step, b, r, cv, z, averaging, output_cv=0.0, output=1.0, t_mean=None, elastic=0.0, hold=0.0,
               engines=1.0, dispatch=0.0):
    """The p99 TPOT over requests at b rows in flight carrying r prompt tokens per row a step, and its step
    terms. A request's TPOT is its mean step over its life of o steps (O the mean output). Two independent
    sources spread it between requests:
      prompt tokens   arrivals are Poisson, b / O a step, each a prompt of mean I and coefficient of variation
                      cv: over O steps b arrivals, so the mean prompt tokens a step, b r, have the compound-Poisson
                      relative standard deviation sqrt((1 + cv^2) / b):  s_p = b r sqrt((1 + cv^2) / b)
      rows in flight  an M/G/infinity count, Poisson around b, averaged over the request's life:
                      s_b = row_averaging sqrt(b)  (sqrt(2/3): module assumption `row_averaging`)
    With a = t(b + s_b, b r) - t(b, b r) and c = t(b, b r + s_p) - t(b, b r), the step's standard deviation is
    S = sqrt(a^2 + c^2) (linear in each, independent), and the step reaches its 99th percentile t + z S at the
    most likely point of that level (the design point of a linear limit state): rows b + z s_b a / S and prompt
    tokens b r + z s_p c / S. The step is evaluated there, so its terms (`factory explain`) add up to the p99 TPOT.
    z = 2.326; no spread (S = 0): the mean step. Rows above the KV cache's room would wait for a slot rather than
    run (an admission queue, not modelled): where the batch is the KV cache's, the p99 step is taken as if they ran.
    In server and interactive scenarios `step` is the serving step mixture (_step_mixture): the request's prompt
    tokens set its share of loaded steps, f = prompt / lump, so the tail reads the mixture's spread.
    Output lengths (`output_length_cv` > 0): a request of o = x O steps averages over x O steps, so its spreads
    are s_p / sqrt(x) (b x arrivals) and s_b sqrt(g(x) / g(1)), g the variance share of an M/G/infinity count
    averaged over x service times (autocorrelation 1 - tau for fixed lives [D]): g(x) = 1 - x / 3 (x <= 1),
    1 / x - 1 / (3 x^2) (x > 1), g(1) = 2/3; S(x) = sqrt((a k_b(x))^2 + (c k_p(x))^2) (a, c taken linear [U]).
    x runs over a fixed grid of gamma quantiles (_output_grid: mean 1, cv output_cv, o >= 2 steps), and the
    p99 over requests is that of the mixture of normals N(t, S(x)): z_eff with sum_k w_k Q(z_eff S / S(x_k)) =
    Q(z) (bisection, Q the normal tail), in place of z at the same design point (the p99 is t + z_eff S). The
    mixture's tail is at least the mean life's (Q(z sqrt(v)) is convex in v = S^2 / S(x)^2, whose grid mean is
    >= 1), and output_cv 0 takes z itself (today's model, bit for bit). `t_mean`: the mean step step(r, b)[0],
    where the caller has it already.
    `elastic` > 0 (`row_count_elasticity`): the rows as a birth-death count, variance b / eps (row_elasticity);
    `hold` (`row_budget_hold`, the caller's budget_hold_slope) adds the token budget's admission slope to eps,
    eps + hold held within [ELASTICITY_FLOOR, 1] (1: the Poisson count again). hold 0: the birth-death count alone.
    `engines` k and `dispatch` (`row_dispatch_engines`, `row_dispatch`): an engine's rows are the total over k
    engines' birth-death count, divided by k, plus the engine's deviation from it (dispatch_row_share)."""
    prompt = b * r
    s_b = averaging * np.sqrt(b)
    s_p = prompt * np.sqrt((1 + cv ** 2) / b)
    if t_mean is None:
        t_mean = step(r, b)[0]
    a = step(r * b / (b + s_b), b + s_b)[0] - t_mean
    c = step((prompt + s_p) / b, b)[0] - t_mean
    elastic = np.asarray(elastic, dtype=float)
    if np.any(elastic > 0):          # `row_count_elasticity`: the birth-death count, variance b / eps
        eps = np.clip(row_elasticity(a, s_b, b, c, s_p, prompt, t_mean) + hold, ELASTICITY_FLOOR, 1.0)
        s_new = s_b * np.sqrt(dispatch_row_share(eps, engines, dispatch))
        s_b = np.where(elastic > 0, s_new, s_b)
        a = np.where(elastic > 0, step(r * b / (b + s_b), b + s_b)[0] - t_mean, a)
    S = np.sqrt(a * a + c * c)
    with np.errstate(divide="ignore", invalid="ignore"):
        u_b, u_p = (np.where(S > 0, x / np.where(S > 0, S, 1.0), 0.0) for x in (a, c))
    output_cv = np.asarray(output_cv, dtype=float)
    if np.any(output_cv > 0):
        z = np.where(output_cv > 0, _output_mixture_z(a, c, S, output_cv, output, z), z)
    rows = b + z * s_b * u_b
    return step((prompt + z * s_p * u_p) / rows, rows)


ELASTICITY_FLOOR = 0.02     # the least throughput elasticity the row count's linearization takes [U]


def dispatch_row_share(eps, engines, dispatch):
    """The variance of an engine's rows in flight over the Poisson count's, both as a request's life sees them
    (window-averaged), where a harness spreads the requests over k engines (`row_count_elasticity` 1) [D].
    Linearized, the k engines' total count relaxes at the slope eps / L of row_elasticity (L a row's life) with
    variance k b / eps, and an engine's deviation from the total's k-th at its own slope eps_d / L with variance
    (1 - 1 / k) b / eps_d (the noise of the births and deaths not shared with the total); each keeps the window
    share w(x) / w(1) of a life's average (_window_share, correlation time L / x), so
        share = (1 / k) w(eps) / (eps w(1)) + (1 - 1 / k) w(eps_d) / (eps_d w(1))
    with eps_d by the dispatch:
      0 independent queues   eps_d = eps (each engine its own birth-death count: share = w(eps) / (eps w(1)))
      1 one shared queue      eps_d = eps + (1 - eps)(1 - 1 / k): an engine pulls the queued requests once a step,
                              so its share of the arrivals goes as 1 / t(N_e), whose slope -t'/t = -(1 - eps) / b
                              (the step's share that grows with the rows, at a fixed rate) adds (1 - eps)(1 - 1 / k)
                              to the deviation's restoring slope [U: an arrival waits for the next engine's poll]
      2 the least busy engine the deviation is held within a row (eps_d -> infinity: its share 0)
    k = 1: the birth-death count alone, w(eps) / (eps w(1)) (row_count_elasticity, the model before)."""
    eps = np.asarray(eps, dtype=float)
    k = np.maximum(np.asarray(engines, dtype=float), 1.0)
    dispatch = np.asarray(dispatch, dtype=float)
    eps_d = np.where(dispatch >= 1, eps + (1.0 - eps) * (1.0 - 1.0 / k), eps)
    total = _window_share(eps) / (eps * _window_share(1.0)) / k
    deviation = (1.0 - 1.0 / k) * _window_share(eps_d) / (eps_d * _window_share(1.0))
    return total + np.where(dispatch >= 2, 0.0, deviation)


def budget_hold_slope(b, r, room, q_rows=1.0, tau=1.0):
    """The token budget's pull on the rows in flight, in units of the death slope eps / L of row_elasticity
    (`row_budget_hold`) [D]. TensorRT-LLM's scheduler fills a step with its decode rows first and gives the
    context requests the room left, room(N) = pp C - q N prompt tokens a step (microBatchScheduler.cpp,
    kFIRST_COME_FIRST_SERVED, read 2026-12 [P]; the module's "Serving step mixture"). While prompts wait (the
    budget binds) a request is admitted per I tokens of room, so the admission rate falls by q / (tau I) requests a
    step for each row more; while none waits, requests enter at the Poisson rate whatever the rows. The budget
    binds for the share rho = b r / room(b) of the steps (the prompt queue's utilization: an M/G/1 server is busy
    rho of the time), so the linearized birth-death count's restoring slope is eps / L + rho k q / (tau I) per
    step (L = O steps a life, k rows a request, r = I / (k O)), i.e. eps + hold with
        hold = rho q / (tau r),  rho = min(1, b r / room)
    (Llama 2 70B, r = I / O ~ 2.4 prompt tokens a row a step: hold ~ 0.4 rho). No fitted constant. Where the budget
    is far from binding (vLLM's 40,960 tokens, an engine of whole prompts with room to spare) hold -> 0 and the
    rows drift as the birth-death count; where it binds every step the count is held to (or below) Poisson."""
    with np.errstate(divide="ignore", invalid="ignore"):
        rho = np.clip(b * r / np.maximum(room, 1e-300), 0.0, 1.0)
        return np.where(r > 0, rho * q_rows / (tau * np.where(r > 0, r, 1.0)), 0.0)


def row_elasticity(a, s_b, b, c, s_p, prompt, t_mean):
    """eps = 1 - b t'(b) / t(b), the elasticity of a replica's throughput b / t(b) in its rows at a fixed request
    rate: the step t = f(b, P) carries P = lambda I t prompt tokens, so dt/db = f_b / (1 - f_P P / t) and eps =
    1 - e_b / (1 - e_P), e_b = b f_b / t and e_P = P f_P / t the shares of the step that grow with the rows and
    with the prompt tokens (f_b = a / s_b, f_P = c / s_p: the step's rises over s_b more rows and s_p more prompt
    tokens). A linear step t0 + k (b + P): eps = t0 / (t0 + k b). Held in [ELASTICITY_FLOOR, 1]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.maximum(t_mean, 1e-300)
        e_b = np.where(s_b > 0, a / np.where(s_b > 0, s_b, 1.0), 0.0) * b / t
        e_p = np.where(s_p > 0, c / np.where(s_p > 0, s_p, 1.0), 0.0) * prompt / t
        eps = 1.0 - e_b / np.maximum(1.0 - e_p, 1e-12)
    return np.clip(eps, ELASTICITY_FLOOR, 1.0)


RUN_SECONDS = 600.0     # LoadGen's min_duration of a Server run (mlperf.conf, 600,000 ms; read 2026-12) [P]


def _ramp_deficit(step_at, b, P, life, T, h=0.01):
    """The share by which a run of T seconds started from an empty engine falls short of its steady mean step,
    at b rows in flight carrying P prompt tokens a step (life = O t, a request's life in seconds) [D].
    Births at the request rate lambda, deaths N / (O t(N)); at a fixed lambda the step carries P = lambda I t
    prompt tokens, so linearized at b the death rate has slope eps / L with eps = 1 - e_b / (1 - e_P) (e_b =
    b f_b / t, e_P = P f_P / t, f = step_at(b, P); central differences of relative size h), and the rows relax
    from 0 as N(s) = b (1 - e^(-s / tau)), tau = L / eps. The run's mean rows fall short of b by D = (tau / T)
    (1 - e^(-T / tau)); the step's rows part (1 - eps of its slope, as t grows by (1 - eps) per unit of relative
    rows at a fixed rate) by (1 - eps) D. Assumptions: the linearization holds from empty (where the death rate is
    concave in the rows, as for a step linear in them, the count fills faster far from b: D is an upper estimate),
    every request counts alike (LoadGen's mean and percentiles are per request),
    T the run's minimum duration (a longer run, e.g. the dataset at a low rate, only shrinks D)."""
    t = np.maximum(step_at(b, P), 1e-300)
    f_b = (step_at(b * (1 + h), P) - step_at(b * (1 - h), P)) / (2 * h * b)
    P_safe = np.maximum(P, 1e-12)
    f_p = np.where(P > 0, (step_at(b, P_safe * (1 + h)) - step_at(b, P_safe * (1 - h))) / (2 * h * P_safe), 0.0)
    e_b, e_p = b * f_b / t, P * f_p / t
    eps = np.clip(1.0 - e_b / np.maximum(1.0 - e_p, 1e-12), ELASTICITY_FLOOR, 1.0)
    tau = life / eps
    return (1.0 - eps) * (tau / T) * (1.0 - np.exp(-T / tau))


def _window_share(x):
    """w(x) = 2 (x - 1 + e^-x) / x^2: the variance share of an Ornstein-Uhlenbeck process of correlation time tau
    that survives its average over a window x tau (1 at x -> 0, 2 e^-1 at x = 1)."""
    x = np.asarray(x, dtype=float)
    return 2.0 * (x - 1.0 + np.exp(-x)) / (x * x)


# the probability bins of the output-length grid: finer where the short requests set the p99 over requests
_OUTPUT_BIN_EDGES = np.array([0.0, 0.001, 0.002, 0.004, 0.007, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15,
                              0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1.0])
OUTPUT_MIN_STEPS = 2.0          # the shortest request's decode steps [U] (TEST06 minima: 4-5 tokens)


@functools.lru_cache(maxsize=64)
def _gamma_grid(cv: float) -> tuple[np.ndarray, np.ndarray]:
    """(x_k, w_k): output lengths over their mean at the middle probability of each bin of _OUTPUT_BIN_EDGES,
    and the bins' probabilities, for a gamma distribution of mean 1 and coefficient of variation cv (shape
    1 / cv^2): the regularized lower incomplete gamma P(k, k x) (series, else Legendre's continued fraction:
    Numerical Recipes 6.2) inverted by bisection. Deterministic, computed once per cv."""
    shape = 1.0 / (cv * cv)
    log_norm = math.lgamma(shape)

    def lower(y):                     # P(shape, y)
        if y <= 0:
            return 0.0
        if y < shape + 1:
            term = total = 1.0 / shape
            for n in range(1, 1000):
                term *= y / (shape + n)
                total += term
                if term < total * 1e-15:
                    break
            return total * math.exp(-y + shape * math.log(y) - log_norm)
        b_ = y + 1 - shape                      # modified Lentz for Q(shape, y)
        D, C = 1 / b_, 1 / 1e-300
        f = D
        for n in range(1, 1000):
            an = -n * (n - shape)
            b_ += 2
            D = an * D + b_
            D = 1 / (D if abs(D) > 1e-300 else 1e-300)
            C = b_ + an / C
            C = C if abs(C) > 1e-300 else 1e-300
            delta = C * D
            f *= delta
            if abs(delta - 1) < 1e-15:
                break
        return 1.0 - f * math.exp(-y + shape * math.log(y) - log_norm)

    mids = 0.5 * (_OUTPUT_BIN_EDGES[1:] + _OUTPUT_BIN_EDGES[:-1])
    xs = []
    for p in mids:
        lo, hi = 0.0, 1.0
        while lower(hi * shape) < p:
            hi *= 2
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if lower(mid * shape) < p else (lo, mid)
        xs.append(0.5 * (lo + hi))
    return np.array(xs), np.diff(_OUTPUT_BIN_EDGES)


def _output_grid(output_cv: np.ndarray, output: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(x, w): per row of output_cv (a column), the output-length grid over the mean, shape (rows, 1, K) with
    its weights (K,): _gamma_grid's quantiles held at OUTPUT_MIN_STEPS steps at least, scaled so the grid's
    mean is 1 (the mean output O exactly). Rows with cv 0: every request the mean (x = 1)."""
    cvs = np.broadcast_to(np.asarray(output_cv, dtype=float).reshape(-1), (np.size(output_cv),))
    weights = np.diff(_OUTPUT_BIN_EDGES)
    grid = np.ones((cvs.size, weights.size))
    for value in np.unique(cvs[cvs > 0]):
        grid[cvs == value] = _gamma_grid(float(value))[0]
    lengths = np.asarray(output, dtype=float).reshape(-1, 1) + 0.0 * grid
    grid = np.maximum(grid, OUTPUT_MIN_STEPS / np.maximum(lengths, OUTPUT_MIN_STEPS))
    grid = grid / (grid @ weights)[:, None]
    return grid[:, None, :], weights


def _normal_tail(x: np.ndarray) -> np.ndarray:
    """Q(x) = P(N(0, 1) > x) for x >= 0: erfc(x / sqrt 2) / 2 by Abramowitz and Stegun 7.1.26 (error < 1.5e-7)."""
    y = x / math.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * y)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return 0.5 * poly * np.exp(-y * y)


def _output_mixture_z(a, c, S, output_cv, output, z):
    """z_eff of _tpot_tail's output-length mixture: sum_k w_k Q(z_eff / r_k) = Q(z), r_k = S(x_k) / S, by 40
    bisections on [0, z max r_k] (the left side falls with z_eff). Rows without spread (S = 0): z."""
    x, w = _output_grid(output_cv, output)
    g = lambda v: np.where(v <= 1, 1 - v / 3, 1 / v - 1 / (3 * v * v))
    k_b2, k_p2 = g(x) / (2.0 / 3.0), 1.0 / x
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.sqrt((a[..., None] ** 2 * k_b2 + c[..., None] ** 2 * k_p2)
                        / np.where(S > 0, S * S, 1.0)[..., None])
    z_col = np.broadcast_to(np.asarray(z, dtype=float), S.shape)
    target = _normal_tail(z_col)
    lo, hi = np.zeros_like(S), z_col * np.max(ratio, axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            above = (_normal_tail(mid[..., None] / ratio) @ w) > target     # above the 1% level: go higher
            lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return np.where(S > 0, 0.5 * (lo + hi), z_col)


def _cf_tail(y, mean, var, third) -> np.ndarray:
    """P(X > y) from X's first three cumulants: the Cornish-Fisher expansion of _cornish_fisher (skewness g clipped
    to [0, 2]) inverted, y = mean + sd (w + (w^2 - 1) g / 6) solved for w on its rising branch (w = 2 c / (1 +
    sqrt(1 + 4 a c)), a = g / 6, c = a + (y - mean) / sd: w = (y - mean) / sd at g = 0), then Q(w); sd 0: a step
    at the mean."""
    sd = np.sqrt(np.maximum(var, 0.0))
    spread = sd > 0
    safe = np.where(spread, sd, 1.0)
    g = np.clip(np.where(spread, third / safe ** 3, 0.0), 0.0, 2.0)
    d = np.clip(np.where(spread, (y - mean) / safe, 0.0), -1e6, 1e6)
    a = g / 6.0
    c = a + d
    disc = 1.0 + 4.0 * a * c
    w = np.where(disc > 0, 2.0 * c / (1.0 + np.sqrt(np.maximum(disc, 0.0))), -1.0 / np.maximum(2 * a, 1e-300))
    w = np.clip(w, -40.0, 40.0)
    tail = np.where(w >= 0, _normal_tail(np.abs(w)), 1.0 - _normal_tail(np.abs(w)))
    return np.where(spread, tail, np.where(y >= mean, 0.0, 1.0))


BUSY_WINDOW_BISECTIONS = 60     # the quantile's bisections over [the least component mean, the top one + 12 sd]


def busy_window_tpot(t_decode, t_mean, t_full, kappa, lam, I, cv, room, output, output_cv, q: float) -> tuple:
    """(LoadGen's TPOT mean over requests, its quantile q) where a request's decode steps share the engine with a
    prompt queue whose steps are longer than the decode-only ones (`prompt_busy_window` 1; docs/accuracy.md "The
    per-request TPOT as a busy period of the prompt queue", s22-tpot405) [D].
    The step of an engine is t_decode + kappa P (P the prompt tokens it carries: the serving step mixture's line,
    kappa = (t_mean - t_decode) / (b r) its slope at the mixture's mean); prompts arrive Poisson at lam requests/s
    an engine (Little's law: b / (O t_mean)), each I tokens (gamma, cv), served first come first served at `room`
    tokens a step (a prompt's time on the engine S = I t_full / room, rho = lam E[S]). A request decodes o - 1 steps
    after its first token; their time T (LoadGen's TPOT = T / (o - 1)) is
        T = (o - 1) t_decode + kappa (Q_0 - Q_T) + kappa A(T),
    Q_0 the prompt tokens waiting when its own prompt's last chunk leaves, Q_T those at its last step, A(T) the
    tokens that arrive while it decodes. T is therefore a busy period started by the work a = (o - 1) t_decode +
    kappa (Q_0 - Q_T) with jobs kappa I arriving at lam: the time a loaded step adds lets more prompts arrive,
    whose steps add more (an M/G/1 busy period, rho' = kappa lam I = 1 - t_decode / t_mean). Its cumulants, a
    compound Poisson of sub-busy periods (Takacs), with m_k = lam E[(kappa I)^k]:
        E[T] = a / (1 - rho'),  Var T = a m_2 / (1 - rho')^3,  k_3(T) = a (m_3 / (1 - rho')^4 + 3 m_2^2 / (1 - rho')^5)
    E[I^2] = I^2 (1 + cv^2), E[I^3] = I^3 (1 + cv^2) (1 + 2 cv^2) (gamma). The mean start a - (o - 1) t_decode is
    the work a departing prompt leaves over what a step sees (a decode window begins at a departure, which
    finds the queue as an arrival does, and ends at a step, which meets busy time in proportion to its steps):
        X = (1 - t_decode / t_full) (E[V_dep] - E[V] t_mean / t_full),  E[V_dep] = rho E[S] + rho E[V],
        E[V] = rho E[S] (1 + cv^2) / (2 (1 - rho))  (Pollaczek-Khinchine: the work in the queue, in time)
    (the M/G/1 queue left behind by a departure: every waiting prompt's whole work; the end's work at its
    step-stationary mean, assuming the window (o - 1) t_mean is longer than the queue's relaxation time [U]; Q_0 -
    Q_T's own spread is left out of Var T [U]). So a request of o steps has
        mean  t_mean + X / ((1 - rho') (o - 1)),  variance t_decode m_2 / ((1 - rho')^3 (o - 1)),
        third cumulant t_decode (m_3 / (1 - rho')^4 + 3 m_2^2 / (1 - rho')^5) / (o - 1)^2,
    and over the outputs' gamma grid (_output_grid: mean O, cv output_cv) LoadGen's mean is the grid's mean of the
    means, its quantile q the y with sum_k w_k P_k(TPOT > y) = 1 - q, each P_k from its three cumulants
    (_cf_tail; BUSY_WINDOW_BISECTIONS bisections). Today's compound-Poisson prompt term in _tpot_tail is this
    law's rho' -> 0 limit without the start's work and the skew: variance kappa^2 b r^2 (1 + cv^2) / ... =
    t_mean m_2 / O; this one is (1 - rho')^-2 of it, the busy period's feedback. Checked against bench/
    v41_dispatch_sim.py at the runs' inputs (bench/tpot_busy_window.py). rho >= 1 or rho' >= 1: inf."""
    t_decode, t_mean, t_full, kappa, lam, I, cv, room, output = np.broadcast_arrays(
        *(np.asarray(v, dtype=float) for v in (t_decode, t_mean, t_full, kappa, lam, I, cv, room, output)))
    rho_p = np.clip(1.0 - t_decode / np.maximum(t_mean, 1e-300), 0.0, None)
    service = I * t_full / np.maximum(room, 1e-9)
    rho = lam * service
    stable = (rho < 1) & (rho_p < 1)
    one = np.where(stable, 1.0 - np.minimum(rho_p, 0.999999), 1.0)
    work = np.where(stable, rho * service * (1 + cv ** 2) / (2 * np.where(stable, 1 - rho, 1.0)), 0.0)
    left = rho * service + rho * work
    X = (1 - t_decode / np.maximum(t_full, 1e-300)) * np.maximum(left - work * t_mean / np.maximum(t_full, 1e-300),
                                                                 0.0)
    s = kappa * I
    m2 = lam * s ** 2 * (1 + cv ** 2)
    m3 = lam * s ** 3 * (1 + cv ** 2) * (1 + 2 * cv ** 2)
    c2 = t_decode * m2 / one ** 3
    c3 = t_decode * (m3 / one ** 4 + 3 * m2 ** 2 / one ** 5)
    x, w = _output_grid(np.reshape(np.broadcast_to(np.asarray(output_cv, dtype=float), t_mean.shape), -1),
                        np.reshape(output, -1))
    x = x.reshape(t_mean.shape + (w.size,))
    n = np.maximum(x * output[..., None] - 1.0, 1.0)              # a request's decode steps after its first token
    mean_k = t_mean[..., None] + (X / one)[..., None] / n
    var_k, third_k = c2[..., None] / n, c3[..., None] / n ** 2
    mean = mean_k @ w
    lo = np.min(mean_k, axis=-1)
    hi = np.max(mean_k + 12 * np.sqrt(var_k), axis=-1)
    for _ in range(BUSY_WINDOW_BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = (_cf_tail(mid[..., None], mean_k, var_k, third_k) @ w) > 1 - q     # above the level: go higher
        lo, hi = np.where(above, mid, lo), np.where(above, hi, mid)
    return np.where(stable, mean, np.inf), np.where(stable, 0.5 * (lo + hi), np.inf)


def gemm_roofline_time(rows, k, n, weight_bytes, peak, gemm_eff, bandwidth, bw_eff, launch):
    """One weight GEMM C[m, n] = A[m, k] W[k, n] as the per-launch roofline of `gemm_launch_time` (s):
    t(m) = max(k n w / (BW e_m), t_launch + 2 k n m / (e_c P)): below its ridge the GEMM takes its weight read
    whatever its rows, above it a fixed launch time plus its FLOPs at the large-shape rate
    (reference/h100_microbench.md, 2026-11-27). The decode step sums it over a layer's n_g launches and the layers, whose
    FLOPs share one rate: the step's t_gemm with m0 = L n_g t_launch G P e_c / (2 pp A_dense) (evaluate_configs)."""
    return np.maximum(k * n * weight_bytes / (bandwidth * bw_eff), launch + 2 * k * n * rows / (gemm_eff * peak))


def _shape_eff(peak_eff: np.ndarray, rows: np.ndarray, half_rows: np.ndarray) -> np.ndarray:
    """Achieved fraction of peak FLOP/s of a GEMM with `rows` rows (tokens): e_max M / (M + M0). Tiles of
    64-128 rows leave SMs idle or half-filled below a few hundred rows (measured on an H100, see the module
    docstring); at M = 0 (no token reaches an expert) the GEMM does no work, so its efficiency is moot (1e-9
    keeps 0 / e finite)."""
    return np.maximum(peak_eff * rows / np.maximum(rows + half_rows, 1e-30), 1e-9)


def expert_tile_efficiency(peak_eff, rows) -> np.ndarray:
    """Achieved fraction of peak FLOP/s of a routed expert's GEMM of `rows` rows in TensorRT-LLM's / FlashInfer's
    TRTLLM-Gen fused MoE kernel (`let expert_gemm_tiles` 1) [P]: the kernel's CTA tile holds t tokens, t the next
    power of two of the mean rows an expert, kept within 8 and 64 (`calculate_tile_tokens_dim`: "Cap to 8-64 tokens
    per CTA tile as it's the range supported by the kernel"), and an expert's rows are padded to whole tiles:
        e = e_c m / (t ceil(m / t)),   t = min(max(2^ceil(log2 m), 8), 64)
    (m = 23: t 32, e 0.72 e_c; m = 3: t 8, 0.375 e_c; m = 100: t 64, 100 / 128 = 0.78 e_c). The rows are the mean
    of a touched expert (the kernel sizes its tile from the mean; each expert's own rows vary around it [U]).
    m = 0 does no work (1e-9 keeps 0 / e finite)."""
    m = np.maximum(np.asarray(rows, dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        tile = np.clip(np.exp2(np.ceil(np.log2(np.maximum(m, 1.0)))), 8.0, 64.0)
    padded = tile * np.ceil(m / tile)
    return np.maximum(peak_eff * m / np.maximum(padded, 1e-30), 1e-9)


def _budget_ttft(parts, service: np.ndarray, rho: np.ndarray, cv: np.ndarray, q: float) -> np.ndarray:
    """Quantile q of the time to first token through the token budget queue. `parts` = (base, t_decode, kappa,
    room, I, share, I_max, round_rest): the rest of the step in flight, the first-token delay (`first_token_delay`
    mean steps) and the pipeline fill, a step of the decode rows
    alone, a prompt token's time, the budget's room for prompt tokens per step, the mean prompt, the mean step
    over a full one (t_iter / t_full), the longest prompt, and the further steps of a scheduling round,
    (n - 1) t_iter (`scheduler_steps` n; 0 for an engine that admits requests every step): a request arriving
    during a round waits for its end, uniformly over those steps, so quantile q waits q round_rest more. The prompt tokens to clear before a prompt's first
    token, those ahead of it and its own, X = A + I, are the sojourn of a FCFS queue of service s at utilization
    rho: Pollaczek-Khinchine mean E[X] = I (1 + w), w = rho c / (1 - rho) (E[A] = I w), c = (1 + cv^2) / 2,
    taken exponential, X_q = E[X] L_q, L_q = ln(1 / (1 - q)) (exact for M/M/1, cv = 1); a prompt is at most
    I_max tokens, so X_q <= I w L_q + I_max (binds only where I_max < I L_q: Llama 3.1 405B's 20,000-token
    engines, not Llama 2 70B's 1,024 = 4.6 I). They take N = ceil(X / room) steps, N_q = max(1, X_q / room +
    1/2), each a decode step plus its prompt tokens; the last step also carries the prompts queued behind it that
    it has room for, on average half a step's arrivals, lam I t_iter / 2 = rho room share / 2:
        TTFT_q = base + q round_rest + N_q t_decode + (X_q + rho room share / 2) kappa
    (inf when rho >= 1: no steady queue). Where the p50 and the p99 carry different shifts (the dispatch's, the
    delay's p99 share) or the rest of the step is at its spread, the law is read at the p50 and the p99 and every
    other q follows one distribution's shape through both (module docstring, "One law non-decreasing in q").
    `parts` may carry a ninth entry, whole (`whole_prompts`: an engine
    without chunked context): where it is 1 the step carries the whole step's arrivals, m = rho room share, at
    their normal quantile, m + z_q sqrt(m I (1 + cv^2)) (z_50 = 0, z_99 = 2.326), in place of m / 2 (its base then
    holds no first-token delay: `latencies`). Its sixteenth entry, n, is the prompt queue's servers (serial context
    chunks, module docstring: 1 without them): the own prompt counts n times and the chance to wait is
    rho^(sqrt(2 (n + 1)) - 1) (Sakasegawa), X_q = min(I (n + w_n) L_q, I w_n L_q + n I_max). Its seventeenth,
    `own_prompt_spread` (0 without it): where it is 1 and the own prompt spans more than one step (n I > room),
    I (n + w_n) L_q is replaced by the quantile of the own prompt at its spread plus the wait (_own_prompt_tokens),
    under the same cap. Its fifteenth, c (`dispatch_wait_engines`, 0 without it): the wait at rho_d
    (least_busy_utilization) in place of rho. Its sixteenth, `busy_step_length` (0 without it): the wait at
    rho g, g = t_busy / t_full (busy_step_fraction, t(0) / t_full = t_decode share / t_mean), and the law's h at
    t_mean / t_busy = share / g; the prompt tokens a step carries (rho room share) unchanged; chunked engines whose
    mean prompt spans steps only (I > room; not where whole is 1: at I / room 0.15 the wait at rho g is -68% of the
    simulated one, bench/least_busy_share.py). Its seventeenth, `dispatch_wait_tail` (0 without it): where it and c
    are > 0, X_q is the quantile of the own prompt (a gamma, n I, cv) plus the wait at its own Cramer-Lundberg tail
    at rho_d (least_busy_tail: P(A > x) = alpha e^(-eta x), alpha scaled by the chance the model takes over rho_d),
    from their convolution (_prompt_plus_wait_quantile), in place of I (n + w) L and the own prompt's spread; the
    cap I w L + n I_max as before. Where `dispatch_wait_tail` is 2, X_q is the bulk queue's in steps instead
    (least_busy_bulk, _bulk_wait_quantile: the prompts of the request's own step ahead of it, Poisson rho_d room / I
    a step, plus the backlog a step boundary carries), under the same cap. Its eighteenth, `whole_step_engines`
    (_whole_step_ttft): the whole-prompt law at q <= 0.5, and above it the budget law floored by that p50."""
    base, t_decode, kappa, room, I, share, I_max, round_rest, *rest = parts
    whole = rest[0] if rest else 0.0
    servers = rest[7] if len(rest) > 7 else 1.0
    spread = rest[8] if len(rest) > 8 else 0.0
    # the harness's dispatch (`dispatch_wait_p50` / `_p99`, seconds here): the p50's shift at every q, the p99's
    # reached above the p50 as the law's own rise is (below), not linearly in q
    shift = (rest[10] - rest[9]) if len(rest) > 10 else 0.0
    base = base + (rest[9] if len(rest) > 10 else 0.0)
    c = (1 + cv ** 2) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        # `dispatch_wait_engines` > 0: the wait at the utilization a least-busy dispatch's arrivals meet (a law)
        rho_w, h = rho, share
        if len(rest) > 15 and np.any(rest[15] > 0):   # `busy_step_length`: the busy steps at their mean length
            decode_share = t_decode * share / np.maximum(rest[1], 1e-300)        # t(0) / t_full
            g = np.where((rest[15] > 0) & (whole <= 0) & (I > room),   # checked only where a prompt spans steps
                         busy_step_fraction(rho, I / room, decode_share), 1.0)
            rho_w, h = rho * g, np.minimum(share / np.maximum(g, 1e-12), 1.0)
        if len(rest) > 14 and np.any(rest[14] > 0):
            rho_w = np.where(rest[14] > 0, least_busy_utilization(rest[14], rho_w, h), rho_w)
        busy = _waiting_chance(rho_w, servers) * (rest[13] if len(rest) > 13 else 1.0)   # `dispatch_wait_share`
        w = np.where(rho < 1, busy * c / np.maximum(1 - rho_w, 1e-12), np.inf)
    step_arrivals = rho * room * share                  # prompt tokens arriving in a mean step, lam I t_iter

    def queue(qq: float) -> np.ndarray:
        """The law at quantile qq with the rest of the step in flight at its mean and the p50's shift."""
        L = math.log(1 / (1 - qq))
        law = I * (servers + w) * L
        if np.any(spread > 0):          # `own_prompt_spread`: the own prompt at its spread where it spans steps
            own = _own_prompt_tokens(I, servers, cv, busy, I * c / np.maximum(1 - np.clip(rho_w, 0.0, 1.0), 1e-12),
                                     qq)
            law = np.where((spread > 0) & (servers * I > room) & (rho < 1), own, law)
        if len(rest) > 16 and np.any((rest[16] > 0) & (rest[14] > 0)):   # `dispatch_wait_tail`: the wait's own tail
            on = np.broadcast_to((rest[16] > 0) & (rest[14] > 0) & (rho < 1), np.shape(law))
            I_b, cv_b, rho_b, busy_b, n_b = (np.broadcast_to(v, np.shape(law))[on]
                                             for v in (I, cv, rho_w, busy, servers))
            alpha, theta = least_busy_tail(I_b, cv_b, rho_b)
            # the chance to wait as the model takes it (Sakasegawa over n servers, the dispatch's share) over rho_d's
            alpha = alpha * busy_b / np.maximum(np.clip(rho_b, 0.0, 1.0), 1e-12)
            law = np.array(law, dtype=float, copy=True)
            bulk = np.broadcast_to(rest[16], np.shape(law))[on] >= 2   # 2: the bulk queue in steps (least_busy_bulk)
            values = np.empty(bulk.shape)
            tail = ~bulk                                               # 1: the own prompt and the wait's tail
            values[tail] = _prompt_plus_wait_quantile(n_b[tail] * I_b[tail], cv_b[tail], alpha[tail], theta[tail],
                                                      qq)
            if np.any(bulk):
                room_b = np.broadcast_to(room, np.shape(law))[on][bulk]
                delta, chance, theta_b = least_busy_bulk(I_b[bulk], cv_b[bulk], rho_b[bulk], room_b, theta[bulk])
                chance = chance * busy_b[bulk] / np.maximum(np.clip(rho_b[bulk], 0.0, 1.0), 1e-12)
                values[bulk] = _bulk_wait_quantile(n_b[bulk], I_b[bulk], cv_b[bulk], delta, chance, theta_b, qq)
            law[on] = values
        tokens = np.minimum(law, I * w * L + servers * I_max)
        z = _normal_quantile(qq)
        with np.errstate(invalid="ignore"):
            whole_step = step_arrivals + z * np.sqrt(step_arrivals * I * (1 + cv ** 2))
        others = np.where(whole > 0, whole_step, 0.5 * step_arrivals)
        steps = np.maximum(1.0, tokens / room + 0.5)
        if len(rest) > 11 and np.any(rest[11] > 0):    # `integer_chunk_steps`: N_q = ceil(X_q / room) whole steps
            with np.errstate(invalid="ignore"):
                steps = np.where(rest[11] > 0, np.maximum(1.0, np.ceil(tokens / room - 1e-9)), steps)
        return base + qq * round_rest + steps * t_decode + (tokens + others) * kappa

    at = {}

    def law_at(qq: float) -> np.ndarray:
        if qq not in at:
            at[qq] = queue(qq)
        return at[qq]

    residual = len(rest) > 12 and np.any(rest[12] > 0) and 0.0 < q < 1.0     # `step_residual_tail`
    if not residual and not np.any(shift != 0):
        chunked = law_at(q)
    else:
        def spread_at(qq: float, theta_at: float, tilt=0.0) -> np.ndarray:
            """The law at qq with the rest of the step in flight at its spread: the queue's tail scale theta the
            law's secant dS / dL over [lo, theta_at], lo = max(1 - 2 (1 - theta_at), theta_at / 2) (`tilt`: a shift's
            change over that window, added to the secant's rise)."""
            value = law_at(qq)
            if not residual:
                return value
            lo = max(1.0 - 2.0 * (1.0 - theta_at), 0.5 * theta_at)
            with np.errstate(invalid="ignore"):
                theta = (np.maximum(law_at(theta_at) - law_at(lo) + tilt, 0.0)
                         / math.log((1.0 - lo) / (1.0 - theta_at)))
            finite = np.isfinite(theta) & np.isfinite(value)      # (inf where rho >= 1 stays inf)
            excess = _residual_excess(2.0 * rest[12], np.where(finite, theta, 0.0), qq)
            return value + np.where((rest[12] > 0) & finite, excess, 0.0)

        # the two quantiles the model reports, each with its own window: the p50, and the p99 with its shift
        # (its theta read as since 2026-12-05, with the shift's 1 / 49 over [0.98, 0.99] of the linear blend
        # it had then; floored at the p50: a quantile never falls)
        p50 = spread_at(0.5, 0.5)
        p99 = np.maximum(p50, spread_at(0.99, 0.99, shift / 49.0) + shift) if q != 0.5 else None
        if q in (0.5, 0.99):
            chunked = p50 if q == 0.5 else p99
        else:
            # between and beyond them, one distribution's shape: the law with the rest at its spread at one
            # theta a row (the p99's), non-decreasing in q, scaled to pass through both
            f, f50, f99 = (spread_at(qq, 0.99) for qq in (q, 0.5, 0.99))
            with np.errstate(invalid="ignore", divide="ignore"):
                rise = f99 - f50
                scaled = p50 + (f - f50) * np.where(rise > 0, (p99 - p50) / np.where(rise > 0, rise, 1.0), 0.0)
                scaled = np.where(rise > 0, scaled, p50 + min(max((q - 0.5) / 0.49, 0.0), 1.0) * (p99 - p50))
                chunked = np.where(q < 0.5, p50 - (f50 - f), np.where(q > 0.99, p99 + (f - f99), scaled))
            chunked = np.where(np.isfinite(p50) & np.isfinite(p99), chunked, np.inf)
    if len(rest) > 17 and np.any(rest[17] > 0):   # `whole_step_engines`: the whole-prompt p50 and below
        on = (rest[17] > 0) & (whole > 0)
        lam_tokens = step_arrivals / np.maximum(rest[1], 1e-300)     # prompt tokens/s an engine, lam I
        low = min(q, 0.5)
        with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
            # at most the service's own engines drain the one queue (its replicas x attention ranks)
            at_step = _whole_step_ttft(t_decode, kappa, room, I, cv, lam_tokens, rest[1],
                                       np.clip(rest[17], 1.0, np.maximum(rest[4], 1.0)), low)
        # (with the harness's dispatch shift at the p50 where a row carries one: `dispatch_wait_p50`)
        p50_shift = rest[9] if len(rest) > 10 else 0.0
        whole_law = np.where(rho < 1, rest[2] + low * round_rest + p50_shift + at_step, np.inf)
        # above the p50 the budget law's quantile, floored by the whole-step p50: one law non-decreasing in q
        chunked = np.where(on, whole_law if q <= 0.5 else np.maximum(chunked, whole_law), chunked)
    if len(rest) < 7:
        return chunked
    t_mean, fill, window, engines, kappa_p, t_layers = rest[1:7]
    if np.any(window > 0):
        lam_all = engines * step_arrivals / np.maximum(I * t_mean, 1e-300)   # requests/s of the whole service
        batched = _batcher_ttft(window, lam_all, t_mean, kappa_p, t_layers, I, cv, q)
        # holding requests back cannot bring a first token forward: the engine's own queue is a floor [D]
        chunked = np.where(window > 0, np.where(rho < 1, np.maximum(batched, chunked), np.inf), chunked)
    return chunked


def _whole_step_ttft(t_decode, kappa, room, I, cv, lam_tokens, t_mean, k, q: float) -> np.ndarray:
    """Quantile q of the time to first token of an engine without chunked context (`whole_prompts` 1) read from
    its queue (`whole_step_engines` k >= 1) [D]. TensorRT-LLM's in-flight batching without chunked context
    (microBatchScheduler.cpp: the decode rows, then whole waiting prompts first come first served up to
    `max_num_tokens`, NVIDIA's v4.1 engines [P]) takes, at each step start, every prompt waiting that fits, and a
    prompt's first token comes at the end of that step. So a request waits W for the next step boundary at which
    its queue is drained, then one step of the decode rows and the prompts of that batch:
        TTFT = W + t_decode + kappa (L_own + S + B),
    L_own its own prompt (a gamma of mean I, coefficient of variation cv), S the prompt tokens that arrived at its
    queue since the boundary before (a compound Poisson sum at lam I tokens/s an engine, k lam I where k engines
    drain one shared queue), B the tokens the budget carried over. The boundaries: each engine's steps taken
    regular at the length-biased mean step mu_b = mu + s^2 / mu (mu = t_mean; s^2 = kappa^2 lam I^2 (1 + cv^2) mu
    / (1 - a^2), a = kappa lam I, the variance of the step t_decode + kappa S whose S follows the step before)
    at independent uniform phases, so the boundary after an arrival is the first of k uniforms on [0, mu_b] and
    the one before the last: W = min U_i, the age A = mu_b - max U_i, E[W] = E[A] = mu_b / (k + 1),
    Var W = Var A = k mu_b^2 / ((k + 1)^2 (k + 2)), Cov(A, W) = -mu_b^2 / ((k + 1)^2 (k + 2)), W's third central
    moment Beta(1, k)'s (skewness 2 (k - 1) sqrt(k + 2) / ((k + 3) sqrt k)). S given the gap A + W is compound
    Poisson of mean c (A + W) / kappa, c = k a. With the step length's own spread carried on the gap's scale, the
    cumulants (law of total variance; the third from the independent parts, the gap's co-skewness left out):
        mean  = mu_b / (k + 1) + t_decode + kappa I + 2 c mu_b / (k + 1) + kappa B
        var   = ((1 + c)^2 + c^2) Var W + 2 c (1 + c) Cov(A, W) + s^2 ((1 + 2 c) / (k + 1))^2
                + kappa^2 (I^2 cv^2 + k lam I E[A + W] (1 + cv^2))
        third = ((1 + c)^3 + c^3) kappa3(W) + kappa^3 (2 I^3 cv^4 + k lam I E[A + W] I (1 + cv^2) (1 + 2 cv^2))
    and TTFT_q by Cornish-Fisher (_cornish_fisher). B: the tokens an engine's step arrivals A_s (mean lam I mu,
    variance lam I mu I (1 + cv^2) + (lam I)^2 s^2, taken normal) put beyond its room, E[(A_s - room)^+] =
    sd (phi(z) - z Q(z)), z = (room - E A_s) / sd (one step's overflow; a backlog over several steps, rho near 1,
    is left out: the law is for the engines' operating points, where z is large and B ~ 0). k = 1: W uniform over
    the length-biased step, S the arrivals of that step (the own engine's queue); k = 8 (NVIDIA's v4.1 tp 1
    systems): a boundary every mu / 8 on average, the batch of the last gap. The prompt-budget law
    (_budget_ttft) instead takes the rest of the step in flight at t_mean / 2, the own prompt with the M/G/1
    wait as an exponential at their mean I (1 + w) (its median 0.69 I (1 + w)) and the step's arrivals at their
    mean, whatever the dispatch."""
    k = np.asarray(k, dtype=float)
    a = kappa * lam_tokens
    s2 = kappa ** 2 * lam_tokens * I * (1 + cv ** 2) * t_mean / np.maximum(1 - a * a, 1e-12)
    mu_b = t_mean + s2 / np.maximum(t_mean, 1e-300)
    c = k * a
    gap = 2 * mu_b / (k + 1)                                      # E[A + W]
    var_w = k * mu_b ** 2 / ((k + 1) ** 2 * (k + 2))
    cov = -mu_b ** 2 / ((k + 1) ** 2 * (k + 2))
    third_w = 2 * (k - 1) * np.sqrt(k + 2) / ((k + 3) * np.sqrt(k)) * var_w ** 1.5
    # the budget's carry-over: one step's arrivals beyond the room, a normal's expected excess
    arr_mean = lam_tokens * t_mean
    arr_sd = np.sqrt(lam_tokens * t_mean * I * (1 + cv ** 2) + lam_tokens ** 2 * s2)
    z = np.maximum((room - arr_mean) / np.maximum(arr_sd, 1e-300), 0.0)
    carry = arr_sd * (np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi) - z * _normal_tail(z))
    mean = mu_b / (k + 1) + t_decode + kappa * (I + carry) + c * gap
    var = (((1 + c) ** 2 + c ** 2) * var_w + 2 * c * (1 + c) * cov + s2 * ((1 + 2 * c) / (k + 1)) ** 2
           + kappa ** 2 * (I ** 2 * cv ** 2 + k * lam_tokens * gap * I * (1 + cv ** 2)))
    third = (((1 + c) ** 3 + c ** 3) * third_w
             + kappa ** 3 * (2 * I ** 3 * cv ** 4 + k * lam_tokens * gap * I ** 2 * (1 + cv ** 2) * (1 + 2 * cv ** 2)))
    return _cornish_fisher(mean, var, third, q)


def _residual_excess(T, theta, q: float) -> np.ndarray:
    """Quantile q of U + E, U uniform over [0, T] (the rest of the step in flight) and E exponential of scale theta
    (the prompt queue's tail about its own quantile), less T / 2 + theta ln(1 / (1 - q)) (`step_residual_tail`):
    what taking the rest at its spread adds to the quantile. The tail of U + E, p = 1 - q the target:
        P(U + E > x) = p_T e^((T - x) / theta),             x >= T,  p_T = (theta / T) (1 - e^(-T / theta))
        P(U + E > x) = (T - x + theta (1 - e^(-x / theta))) / T,   x <= T   (p_T at x = T)
    so where p_T >= p the quantile is closed, x = T + theta ln(p_T / p); else it lies below T, the root of
    x = q T + theta (1 - e^(-x / theta)), found by Newton's method from x_0 = min(q T + theta, T), right of the
    root: g(x) = x - q T - theta (1 - e^(-x / theta)) is convex and rising, and P(U + E > x) = p - g(x) / T, so
    g(T) > 0 where p_T < p; the steps fall monotonically onto the root, within rounding in 12 steps for q >= 0.01
    at any theta / T (the root is at least q T). theta -> 0: q T - T / 2; T -> 0: 0."""
    T = np.maximum(np.asarray(T, dtype=float), 0.0)
    theta = np.maximum(np.asarray(theta, dtype=float), 1e-300)
    T, theta = np.broadcast_arrays(T, theta)
    L = math.log(1.0 / (1.0 - q))
    target = 1.0 - q
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        p_T = theta / np.maximum(T, 1e-300) * -np.expm1(-T / theta)
        quantile = T + theta * np.log(np.maximum(p_T, 1e-300) / target)
        below = p_T < target
        if np.any(below):                              # below T: Newton from the root's right side
            Tb, tb = T[below], theta[below]
            x = np.minimum(q * Tb + tb, Tb)
            for _ in range(12):
                decay = np.exp(-x / tb)
                x = x - (x - q * Tb - tb * (1.0 - decay)) / np.maximum(1.0 - decay, 1e-300)
            quantile[below] = np.minimum(x, Tb)
    return np.where(T > 0, quantile - 0.5 * T - theta * L, 0.0)


def _own_prompt_tokens(I, n, cv, p, m, q: float) -> np.ndarray:
    """Quantile q of the prompt tokens cleared before a first token, X = n I_own + A (`own_prompt_spread`): the own
    prompt I_own a gamma of mean I and coefficient of variation cv, counted n times (n serial-chunk servers: n I /
    room cycles), and the work ahead A, 0 with probability 1 - p and else an exponential of mean m (the M/G/1
    wait: E[A] = p m = I w). Independent parts, so the cumulants add:
        k1 = n I + p m,   k2 = (n I cv)^2 + (2 p - p^2) m^2,   k3 = 2 (n I)^3 cv^4 + (6 p - 6 p^2 + 2 p^3) m^3
    (a gamma's third cumulant 2 k theta^3 = 2 mean^3 cv^4; the mixture's raw moments E[A^j] = j! p m^j), and X_q
    by the Cornish-Fisher expansion to the skewness term (_cornish_fisher, skewness clipped to [0, 2]) [D]."""
    mu = n * I
    k1 = mu + p * m
    k2 = (mu * cv) ** 2 + (2 * p - p * p) * m * m
    k3 = 2 * mu ** 3 * cv ** 4 + (6 * p - 6 * p * p + 2 * p ** 3) * m ** 3
    return np.maximum(_cornish_fisher(k1, k2, k3, q), 0.0)


def _cornish_fisher(mean, var, third, q: float) -> np.ndarray:
    """Quantile q of a distribution from its first three cumulants (Cornish-Fisher expansion to the skewness
    term): mean + sd (z + (z^2 - 1) g / 6), g = third / sd^3 (clipped to [0, 2]: 2 is the exponential's)."""
    sd = np.sqrt(np.maximum(var, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.clip(np.where(sd > 0, third / np.maximum(sd, 1e-300) ** 3, 0.0), 0.0, 2.0)
        # the cubic's low turn: z + (z^2 - 1) g / 6 falls for z < -3 / g, so the quantile holds its value there
        z = np.maximum(_normal_quantile(q), np.where(g > 0, -3.0 / np.maximum(g, 1e-300), -np.inf))
    return mean + sd * (z + (z * z - 1) * g / 6)


def _batcher_ttft(window, lam_all, t_mean, kappa_p, t_layers, I, cv, q: float) -> np.ndarray:
    """Quantile q of the time to first token behind a harness-side batcher (`batch_window` tau > 0, module
    docstring "Harness batcher"): TTFT = W + R + t_layers + kappa_p S, W the wait for the batch to leave (uniform
    over the period tau + 1 / (lam_all + 1 / tau): the batch leaves at the batcher's first wake-up after tau, an
    arrival or the end of its tau-long wait for one, taken as two exponential clocks), R the rest of the
    engine's step in flight (uniform over t_mean), S the prompt tokens of the batch (its own prompt and
    Poisson(lam_all period) others of gamma-distributed lengths, mean I, cv), prefilled together at
    kappa_p a token; the quantile from the sum's three cumulants (_cornish_fisher)."""
    period = window + window / (1.0 + lam_all * window)           # tau + 1 / (lam_all + 1 / tau)
    others = lam_all * period                                    # requests in the batch besides this one
    EL2, EL3 = I ** 2 * (1 + cv ** 2), I ** 3 * (1 + cv ** 2) * (1 + 2 * cv ** 2)
    mean = period / 2 + t_mean / 2 + t_layers + kappa_p * I * (1 + others)
    var = period ** 2 / 12 + t_mean ** 2 / 12 + kappa_p ** 2 * (I ** 2 * cv ** 2 + others * EL2)
    third = kappa_p ** 3 * (2 * I ** 3 * cv ** 4 + others * EL3)
    return _cornish_fisher(mean, var, third, q)


_NORMAL_QUANTILE = {0.50: 0.0, 0.99: 2.326}


def _normal_quantile(q: float) -> float:
    """z_q of the standard normal: the table's values at the two quantiles the outputs report (p50, p99: 2.326,
    the value every figure was computed with), the exact inverse (statistics.NormalDist) at any other q, so the
    TTFT law can be read at any quantile (docs/accuracy.md "The TTFT distribution, measured")."""
    if q in _NORMAL_QUANTILE:
        return _NORMAL_QUANTILE[q]
    from statistics import NormalDist
    return NormalDist().inv_cdf(q)


def busy_step_fraction(rho, steps_a_prompt, decode_share) -> np.ndarray:
    """g = t_busy / t_full, the mean length of the steps that carry prompt tokens over a full step's
    (`busy_step_length` 1; docs/accuracy.md "The busy step's mean length", s18-busystep) [D]. The prompt queue is
    served a room of tokens a step (module docstring, chunked prefill); while it has a backlog its steps are full
    (t_full), but the step that clears a busy period carries only its rest. A busy period's work W takes ceil(W /
    room) steps, W / room + 1/2 on average (the last one ends mid-way, as N_q's + 1/2) and at least one; a busy
    period opens at each arrival that finds the queue empty, a share 1 - rho of them (M/G/1: P(empty) = 1 - rho).
    So an arrival brings s = I / room full steps' tokens and (1 - rho) / 2 of a step more of busy steps, and a busy
    step carries
        u = s / max(1 - rho, s + (1 - rho) / 2)
    of a full step's prompt tokens (the max: short prompts, s < (1 - rho) / 2, share their busy period's one step).
    On the serving step mixture's line (_step_mixture: a step's length linear in its prompt tokens between t(0),
    the decode rows alone, and t(room) = t_full), the busy step's mean length is
        g = t_busy / t_full = d + u (1 - d),   d = t(0) / t_full  (`decode_share`)
    Limits: rho -> 1 or s -> infinity: u = 1, g = 1 (every busy step full: the law without it); d = 1 (prompt
    tokens cost nothing): g = 1; g lies in [d, 1] and rises with rho and s. The queue's wait is taken at rho g
    (the queue's own steps are what its arrivals accumulate over): rho g -> 0 as rho -> 0 (no prompt traffic:
    no wait). rho is the model's (lam I t_full / room), one pass (not solved for its own g). Scope: checked
    against bench/least_busy_share.py at s = 1.28 (NVIDIA's H200 tp 1 Interactive engine: g within 0.005 of the
    simulated busy steps' mean, the wait at rho g -7..+4% of the simulated own stream's at rho 0.2-0.6); at s =
    0.15 (a 1,536-token Server budget) g is still right (0.49 against 0.47) but the wait at rho g is not (-68%):
    a step that holds several prompts is a bulk server, not the M/G/1 in tokens, so `_budget_ttft` applies it
    only where I > room."""
    rho = np.clip(np.asarray(rho, dtype=float), 0.0, 1.0)
    s = np.maximum(np.asarray(steps_a_prompt, dtype=float), 1e-12)
    d = np.clip(np.asarray(decode_share, dtype=float), 0.0, 1.0)
    u = np.minimum(s / np.maximum(1.0 - rho, s + (1.0 - rho) / 2.0), 1.0)
    return d + u * (1.0 - d)


def least_busy_tail(I, cv, rho) -> tuple:
    """(alpha, 1 / eta): the tail of the prompt tokens a request waits behind, P(A > x) = alpha e^(-eta x), in the
    M/G/1 queue in tokens at utilization rho whose jobs are the prompts (gamma, mean I, coefficient of variation cv)
    (`dispatch_wait_tail`; docs/accuracy.md "The least-busy wait's tail", s19-tail) [S/D]. The model otherwise takes
    A exponential at its mean beyond its atom at 0: P(A > x) = rho e^(-x / m), m = I (1 + cv^2) / 2 / (1 - rho)
    (Pollaczek-Khinchine's mean over the chance rho). The M/G/1 wait's tail decays at eta, the positive root of the
    Cramer-Lundberg equation lam (M_S(eta) - 1) = eta (lam = rho / I the arrivals a token of service, M_S the job
    size's moment generating function, a gamma's (1 - s eta)^-k, k = 1 / cv^2, s = I / k), with constant
        alpha = (1 - rho) / (lam M_S'(eta) - 1),   M_S'(eta) = k s (1 - s eta)^-(k + 1)
    (S. Asmussen, Applied Probability and Queues, 2nd ed. 2003, XIII.5; the exponential approximation alpha
    e^(-eta x) at every x: J. Abate, G. L. Choudhury, W. Whitt, "Exponential approximations for tail probabilities
    in queues, I: waiting times", Operations Research 43 (1995) 885-901 [S]). Exact for exponential jobs (cv 1:
    eta = (1 - rho) / I, alpha = rho: the model's law); for cv < 1 the tail is thinner than the mean-matched one
    (1 / eta < m, alpha > rho; at cv 0.771: 1 / eta / m 0.88 / 0.94 / 0.98 at rho 0.2 / 0.5 / 0.8), the mean alpha
    / eta within 2% of P-K's. Behind a least-busy dispatch the queue an arrival meets is the M/G/1 at rho_d
    (least_busy_utilization), so it is taken there [D]; bench/least_busy_share.py --tail measures the simulated
    A's chance and tail scale against these. eta by bisection on (0, 1 / s) (f(eta) = lam (M_S - 1) - eta is
    convex, negative right of 0 for rho < 1, infinite at 1 / s), k at most 400 (cv >= 0.05). rho <= 0: alpha 0."""
    I = np.maximum(np.asarray(I, dtype=float), 1e-12)
    cv = np.maximum(np.asarray(cv, dtype=float), 0.05)
    rho = np.clip(np.asarray(rho, dtype=float), 0.0, 1.0 - 1e-9)
    I, cv, rho = np.broadcast_arrays(I, cv, rho)
    k = 1.0 / (cv * cv)
    s = I / k
    lam = rho / I
    lo, hi = np.zeros_like(I), 1.0 / s
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        with np.errstate(over="ignore"):
            f = lam * (np.power(1.0 - s * mid, -k) - 1.0) - mid
        below = f < 0
        lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
    eta = 0.5 * (lo + hi)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        alpha = (1.0 - rho) / (lam * k * s * np.power(1.0 - s * eta, -(k + 1.0)) - 1.0)
        theta = 1.0 / eta
    good = (rho > 0) & np.isfinite(alpha) & (eta > 0)
    return np.where(good, np.clip(alpha, 0.0, 1.0), 0.0), np.where(good, theta, I)


def _gamma_tails(shape, y, density: bool = False) -> tuple:
    """(Q, P) = (P(G > y), P(G <= y)) of a gamma of unit scale and the given shape, by the Wilson-Hilferty cube root
    (E. B. Wilson, M. M. Hilferty, "The distribution of chi-square", PNAS 17 (1931) 684-688 [S]: (G / a)^(1/3)
    normal of mean 1 - 1 / (9 a) and variance 1 / (9 a)); each side from its own normal tail (_normal_tail, so a
    small side keeps its digits). At OpenOrca's prompt shape (a = 1 / 0.771^2 = 1.68) the upper tail probability is
    within 1.5% of the exact gamma's at P <= 0.99 (scipy, a /tmp check, not a dependency), closer at larger a.
    `density`: the density in y of that cube-root law as a third, phi(z) dz / dy, dz / dy = (y / a)^(-2/3) / sqrt(a)
    (the slope of P(G <= y); inf at y = 0)."""
    a = np.maximum(np.asarray(shape, dtype=float), 1e-9)
    y = np.maximum(np.asarray(y, dtype=float), 0.0)
    root_a = np.sqrt(a)
    r = np.cbrt(y / a)
    z = (r - 1.0 + 1.0 / (9.0 * a)) * 3.0 * root_a
    side = _normal_tail(np.abs(z))               # the smaller side's probability
    tails = (np.where(z >= 0, side, 1.0 - side), np.where(z <= 0, side, 1.0 - side))
    if not density:
        return tails
    with np.errstate(divide="ignore", over="ignore"):
        return tails + (np.exp(-0.5 * z * z) / (math.sqrt(2.0 * math.pi) * r * r * root_a),)


def least_busy_bulk(I, cv, rho, room, theta=None) -> tuple:
    """(delta, p, theta): the least-busy prompt queue as a bulk queue in steps (`dispatch_wait_tail` 2; docs/
    accuracy.md "The least-busy wait as a bulk queue in steps", s22-lbtail) [S/D]. Behind the least-busy dispatch an
    engine gets its requests as it loses rows, at its step boundaries (s18-dispatch), so each step brings a batch of
    prompts, Poisson of mean delta = rho room / I (rho the utilization the dispatch's arrivals meet, rho_d: the
    arrivals a step over the prompts a room holds; I the mean prompt), and a step takes `room` prompt tokens. The
    tokens a request finds ahead are then (i) the backlog B a step boundary carries, B' = max(B + S - room, 0)
    (Lindley's recursion, S the step's batch: a compound Poisson of gamma prompts, mean I, coefficient of variation
    cv), and (ii) the prompts of its own batch ahead of it (_bulk_wait_quantile). B's tail decays at the
    Cramer-Lundberg rate eta of E[e^(eta (S - room))] = 1, i.e. delta (M_I(eta) - 1) = eta room: the M/G/1 root at
    rho (least_busy_tail's; Kingman, "The heavy traffic approximation in the theory of queues" (1962), Asmussen,
    Applied Probability and Queues XIII.5 [S]); taken exponential beyond its atom (Abate, Choudhury, Whitt 1995's
    exponential approximation [S]), P(B > x) = p e^(-eta x), whose chance p is the recursion's own fixed point
    under that form [D]: B' > 0 iff B + S > room, so
        p = P(S > room) + p E[e^(-eta (room - S)); S <= room]
        p = P(S > room) / E[e^(eta (S - room)); S > room]        (E[e^(eta (S - room))] = 1: the Lundberg root)
    with S's terms by its batch count k (Poisson delta) as gammas of shape k a (a = 1 / cv^2, scale s = I / a),
    E[e^(eta G); G > y] = (1 - eta s)^(-k a) P(G' > y), G' the gamma of scale s / (1 - eta s) (_gamma_tails). Checked
    against the recursion iterated (bench/least_busy_parts.py `--bulk`, OpenOrca's prompts cut at 1,021 tokens, room
    158 - 830, delta 0.25 - 2.9, rho 0.33 - 0.78, 200,000 steps): p within 0.008 of the recursion's chance, 1 / eta
    +1..+11% over its tail scale (B_99 - B_95) / ln 5. Limits: rho -> 0 gives delta, p -> 0; rho -> 1 gives eta -> 0 and p -> 1.
    `theta`: least_busy_tail(I, cv, rho)'s 1 / eta where the caller has it already (`_budget_ttft`), else solved here."""
    I = np.maximum(np.asarray(I, dtype=float), 1e-12)
    cv = np.maximum(np.asarray(cv, dtype=float), 0.05)
    rho = np.clip(np.asarray(rho, dtype=float), 0.0, 1.0 - 1e-9)
    I, cv, rho, room = np.broadcast_arrays(I, cv, rho, np.maximum(np.asarray(room, dtype=float), 1e-9))
    theta = least_busy_tail(I, cv, rho)[1] if theta is None else np.broadcast_to(np.asarray(theta, dtype=float), I.shape)
    eta = 1.0 / np.maximum(theta, 1e-300)
    a = 1.0 / (cv * cv)
    s = I / a
    delta = rho * room / I
    tilt = np.clip(1.0 - eta * s, 1e-12, 1.0)
    over, tilted = np.zeros(I.size), np.zeros(I.size)
    d, a_, s_, eta_, room_, tilt_ = (v.ravel() for v in (delta, a, s, eta, room, tilt))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        for idx, first, last in _poisson_term_groups(delta):             # P(S > room), k >= 1
            shape = np.arange(first, last + 1, dtype=float) * a_[idx, None]
            over[idx] = np.sum(np.exp(_log_poisson(d[idx], first, last))
                               * _gamma_tails(shape, (room_[idx] / s_[idx])[:, None])[0], axis=-1)
        # E[e^(eta (S - room)); S > room]: its terms weigh Poisson(k; delta) (1 - eta s)^(-k a) e^(-eta room) =
        # Poisson(k; delta M_I(eta)) (the Lundberg root: delta (M_I(eta) - 1) = eta room), so their range is the
        # tilted count's, about its mean delta + eta room
        for idx, first, last in _poisson_term_groups(delta + eta * room, low=True):
            shape = np.arange(first, last + 1, dtype=float) * a_[idx, None]
            tail = _gamma_tails(shape, (room_[idx] / s_[idx] * tilt_[idx])[:, None])[0]
            log_d = (_log_poisson(d[idx], first, last) - (eta_[idx] * room_[idx])[:, None]
                     - shape * np.log(tilt_[idx])[:, None] + np.log(np.maximum(tail, 1e-300)))
            tilted[idx] = np.sum(np.exp(np.minimum(log_d, 700.0)), axis=-1)
    over, tilted = over.reshape(I.shape), tilted.reshape(I.shape)
    p = np.where((rho > 0) & (tilted > 0), over / np.maximum(tilted, 1e-300), 0.0)
    return delta, np.clip(p, 0.0, 1.0), theta


def _poisson_term_groups(delta, low: bool = False):
    """(indices, first, last): delta's flat entries grouped by the terms a sum weighted by Poisson(delta) needs,
    up to ceil(delta + 8 sqrt(delta) + 12) (the terms left off weigh below 1e-15) rounded up to a multiple of 32,
    so each group is summed over its own range and not the sweep's largest delta's (validate's sweeps hold rows
    with a 98,000-token room, delta ~300 and ~450 terms, beside a median row's delta ~8 and ~40 terms); with
    `low`, from the group's least delta - 8 sqrt(delta) - 12 (at least 1) too, for a summand no heavier than its
    Poisson weight (first 1 else)."""
    d = np.maximum(np.ravel(np.asarray(delta, dtype=float)), 0.0)
    spread = 8.0 * np.sqrt(d) + 12.0
    size = 32.0 * np.ceil(np.maximum(np.ceil(d + spread), 1.0) / 32.0)
    for last in np.unique(size):
        idx = np.flatnonzero(size == last)
        first = max(int(np.floor(np.min(d[idx] - spread[idx]))), 1) if low else 1
        yield idx, first, int(last)


def _log_poisson(delta, first: int, last: int) -> np.ndarray:
    """ln Poisson(k; delta) for k = first..last (rows: delta's 1-D entries)."""
    k = np.arange(1, last + 1, dtype=float)
    log_factorial = np.cumsum(np.log(k))[first - 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        return -delta[:, None] + k[first - 1:] * np.log(np.maximum(delta[:, None], 1e-300)) - log_factorial


def _bulk_wait_quantile(n, I, cv, delta, p, theta, q: float, steps: int = 0) -> np.ndarray:
    """Quantile q of X = the own prompt (counted n times, `_budget_ttft`'s servers) + the prompts of its own batch
    ahead of it + the backlog B (`dispatch_wait_tail` 2; least_busy_bulk's delta, p, theta) [D]. The batch of a
    step is Poisson of mean delta; a request's own batch is the size-biased one, whose others are again Poisson
    delta, and its place in it uniform, so the prompts ahead J have P(J = j) = P(Poisson(delta) > j) / delta (the
    same law as Poisson arrivals over a uniform share of a step: both dispatches bring their step's prompts in the
    same number). Prompts gamma (shape a = 1 / cv^2, scale s = I / a), so the own prompt and the J ahead are a gamma
    of shape (n + J) a, G; B is 0 with probability 1 - p and else exponential of scale theta, independent:
        P(X > x) = sum_j P(J = j) [P(G_j > x) + p e^(-x / theta) E[e^(G_j / theta); G_j <= x]]
    E[e^(G / theta); G <= x] = (1 - s / theta)^(-(n + j) a) P(G' <= x), G' of scale s / (1 - s / theta)
    (_gamma_tails). x is the root of P(X > x) = 1 - q in the bracket [0, the own prompt's and the batch's and B's
    far ends], by Newton's method kept inside the bracket (a step that leaves it bisects; the bracket shrinks at
    every step, so it cannot fail to converge), started from the Cornish-Fisher value over X's three cumulants (G's
    mixture over J from its raw moments, B's as _own_prompt_tokens'), its slope in closed form: d/dx of each term
    is -f(x) / s for P(G_j > x), f the Wilson-Hilferty density (_gamma_tails' `density`, the slope of its own cube
    root, so the root is that of the very function bisection finds), and the wait term times (f(x tilt) tilt / s /
    P(G' <= x tilt) - 1 / theta) (0 where it is held at 1). A value stops once its step is below 1e-9 of x plus
    1e-9 token, that step taken (most rows in 3-5 steps, at most BULK_NEWTON_STEPS); a row that stops is left as
    it is and each row sums J over its own range (_poisson_term_groups), so a row's value does not depend on the
    rows beside it. `steps` > 0: that many plain bisections instead (the slow reference, session 22's 50;
    tests/test_least_busy_bulk.py holds the two within 1e-9 relative on a grid).
    delta -> 0 gives X = the own prompt + B; p -> 0 the own prompt and its batch alone."""
    n, I, cv, delta, p, theta = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (n, I, cv, delta, p, theta)))
    out = np.zeros(I.shape)
    flat, out_flat = [v.ravel() for v in (n, I, cv, delta, p, theta)], out.reshape(-1)
    for idx, _, top in _poisson_term_groups(delta):    # each group over its own Poisson terms
        out_flat[idx] = _bulk_quantile_terms(*(v[idx] for v in flat), q, steps, top)
    return out


def _bulk_quantile_terms(n, I, cv, delta, p, theta, q: float, steps: int, top: int) -> np.ndarray:
    """_bulk_wait_quantile on 1-D arrays of one _poisson_term_groups group, J = 0..top."""
    a = 1.0 / np.maximum(cv, 0.05) ** 2
    s = I / a
    j = np.arange(0, top + 1, dtype=float)
    # P(Poisson(delta) > j) / delta by the Poisson's cumulative sum, (1 at j = 0 as delta -> 0)
    d = np.maximum(delta, 1e-12)[..., None]
    with np.errstate(divide="ignore", invalid="ignore", under="ignore"):
        log_pmf = np.concatenate([-d, _log_poisson(d[..., 0], 1, top)], axis=-1)        # k = 0, then 1..top
        above = np.clip(1.0 - np.cumsum(np.exp(log_pmf), axis=-1), 0.0, 1.0)
    weight = np.where(delta[..., None] > 1e-9, above / d, (j == 0) * 1.0)
    weight = weight / np.maximum(weight.sum(axis=-1, keepdims=True), 1e-300)
    shape = (n[..., None] + j) * a[..., None]
    tilt = np.clip(1.0 - s / np.maximum(theta, 1e-300), 1e-12, 1.0)[..., None]
    target = 1.0 - q
    lo = np.zeros_like(I)
    hi = (s * (shape[..., -1] + 12.0 * np.sqrt(shape[..., -1]) + 12.0)
          + theta * np.log(np.maximum(p / max(target, 1e-12), 1.0)) + 10.0 * theta)

    def tail(x, idx=...):
        """P(X > x) and its slope in x, at the rows idx."""
        sh, ti, ss, th, pp, w = shape[idx], tilt[idx], s[idx][..., None], theta[idx][..., None], p[idx], weight[idx]
        y = x[..., None] / ss
        slope = steps <= 0                          # Newton's: the densities too
        over, _, *f_over = _gamma_tails(sh, y, slope)
        _, under, *f_under = _gamma_tails(sh, y * ti, slope)
        with np.errstate(divide="ignore", over="ignore", under="ignore", invalid="ignore"):
            log_b = -x[..., None] / th - sh * np.log(ti) + np.log(np.maximum(under, 1e-300))
            wait = pp[..., None] * np.exp(np.minimum(log_b, 0.0))    # a probability: at most 1
            value = np.sum(w * (over + wait), axis=-1)
            if not slope:
                return value, None
            slope_over = -f_over[0] / ss
            rate = f_under[0] * ti / ss / np.maximum(under, 1e-300) - 1.0 / th
            slope_wait = np.where(log_b < 0.0, wait * rate, 0.0)
            slope = np.sum(w * np.where(np.isfinite(slope_over), slope_over, 0.0)
                           + w * np.where(np.isfinite(slope_wait), slope_wait, 0.0), axis=-1)
        return value, slope

    if steps > 0:                                   # the slow reference: plain bisection
        for _ in range(steps):
            mid = 0.5 * (lo + hi)
            right = tail(mid)[0] <= target          # mid is at or right of the quantile
            lo, hi = np.where(right, lo, mid), np.where(right, mid, hi)
        return 0.5 * (lo + hi)
    # the start: Cornish-Fisher over X's cumulants (G's mixture over J by its raw moments, plus B's)
    m_j, v_j = shape * s[..., None], shape * s[..., None] ** 2
    m1 = np.sum(weight * m_j, axis=-1)
    m2 = np.sum(weight * (v_j + m_j ** 2), axis=-1)
    m3 = np.sum(weight * (2.0 * v_j * s[..., None] + 3.0 * v_j * m_j + m_j ** 3), axis=-1)
    var_g = np.maximum(m2 - m1 * m1, 0.0)
    third_g = m3 - 3.0 * m1 * m2 + 2.0 * m1 ** 3
    mean = m1 + p * theta
    var = var_g + (2.0 * p - p * p) * theta ** 2
    third = third_g + (6.0 * p - 6.0 * p * p + 2.0 * p ** 3) * theta ** 3
    # (kept off 0, where the Wilson-Hilferty density is infinite: the quantile of X >= the own prompt is not near it)
    x = np.clip(_cornish_fisher(mean, var, third, q), 0.05 * mean, hi).astype(float)
    live = np.arange(x.size)
    for _ in range(BULK_NEWTON_STEPS):
        xl = x[live]
        value, slope = tail(xl, live)
        left = value > target                       # x is left of the root
        lo[live] = np.where(left, xl, lo[live])
        hi[live] = np.where(left, hi[live], xl)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            newton = xl + (value - target) / np.maximum(-slope, 1e-300)
        settled = np.abs(newton - xl) <= 1e-9 * np.abs(xl) + 1e-9      # the step below the tolerance: done
        inside = (newton > lo[live]) & (newton < hi[live]) & np.isfinite(newton)
        x[live] = np.where(inside | settled, newton, 0.5 * (lo[live] + hi[live]))
        live = live[~settled]
        if live.size == 0:
            break
    return x


BULK_NEWTON_STEPS = 60    # _bulk_wait_quantile's most Newton steps (it stops at 3-5 on validate's rows)


def _prompt_plus_wait_quantile(mu, cv, alpha, theta, q: float, cells: int = 48, steps: int = 10) -> np.ndarray:
    """Quantile q of X = G + A (`dispatch_wait_tail`): G the own prompt, a gamma of mean mu and coefficient of
    variation cv, and A, 0 with probability 1 - alpha and else an exponential of scale theta, independent [D]:
        P(X > x) = P(G > x) + alpha E[e^(-(x - G) / theta); G <= x]
    G is taken piecewise uniform on `cells` equal cells of (0, mu (1 + 10 cv)] (each cell's weight its mass by
    3-point Gauss-Legendre, normalised; the gamma beyond, ~1e-6 at cv 0.77, dropped), where the expectation is exact: a
    cell [a, b] of weight w adds w to P(X > x) for x <= a, w alpha (theta / (b - a)) (1 - e^(-(b - a) / theta))
    e^(-(x - b) / theta) for x >= b, and w ((b - x) + alpha theta (1 - e^(-(x - a) / theta))) / (b - a) between. x by
    Newton's method on P(X > x) = 1 - q (its derivative in closed form the same way) from the Cornish-Fisher
    value over the three cumulants (_own_prompt_tokens), `steps` steps kept inside a bisection bracket [0, top +
    theta ln(max(alpha / (1 - q), 1)) + mu]. In place of that Cornish-Fisher value, which overstates this mixture's
    p99 by ~3.5% at cv 0.771 (an atom at 0 and a skewed part): within 0.4% of the exact quantile (scipy's gamma, by
    root finding; a /tmp check, not a dependency) at cv 0.771 and within 0.8% at cv 0.5 / 1 (mu 222 / 2,000, the
    tail at rho 0.02-0.9, q 0.5 / 0.99; tests/test_least_busy_tail.py by hand at cv 1)."""
    mu = np.maximum(np.asarray(mu, dtype=float), 1e-12)
    cv = np.maximum(np.asarray(cv, dtype=float), 0.05)
    mu, cv, alpha, theta = np.broadcast_arrays(mu, cv, np.asarray(alpha, dtype=float), np.asarray(theta, dtype=float))
    if mu.size == 0:
        return mu.copy()
    k, top = 1.0 / (cv * cv), mu * (1.0 + 10.0 * cv)
    width = (top / cells)[..., None]
    lo_edge = width * np.arange(cells)
    mid = lo_edge + 0.5 * width
    scale = (mu / k)[..., None]
    wts = 0.0
    for node, weight in ((-0.7745966692414834, 5.0 / 9.0), (0.0, 8.0 / 9.0), (0.7745966692414834, 5.0 / 9.0)):
        y = (mid + 0.5 * node * width) / scale                  # the cell's mass by 3-point Gauss-Legendre
        wts = wts + weight * np.exp((k[..., None] - 1.0) * np.log(y) - y - (k[..., None] - 1.0) * np.log(k[..., None])
                                    + (k[..., None] - 1.0))   # the density over its value at the mode (k - 1) s
    wts = wts / wts.sum(axis=-1, keepdims=True)
    th = np.maximum(theta, 1e-12)[..., None]
    a = np.clip(alpha, 0.0, 1.0)[..., None]
    hi_edge = lo_edge + width
    span = np.minimum(width / th, 700.0)
    past = wts * a * (th / width) * -np.expm1(-span)        # x >= b: this times e^(-(x - b) / theta)

    def surv(x):
        x = x[..., None]
        inside = (x > lo_edge) & (x < hi_edge)
        below = x <= lo_edge
        into = np.clip(x - lo_edge, 0.0, None)
        decay = np.exp(-into / th)
        part = wts * ((hi_edge - x) + a * th * (1.0 - decay)) / width
        after = past * np.exp(-np.clip(x - hi_edge, 0.0, None) / th)
        value = np.where(below, wts, np.where(inside, part, after)).sum(axis=-1)
        slope = np.where(below, 0.0, np.where(inside, wts * (a * decay - 1.0) / width, -after / th)).sum(axis=-1)
        return value, slope

    target = 1.0 - q
    lo = np.zeros_like(mu)
    hi = top + theta * np.log(np.maximum(alpha / target, 1.0)) + mu
    x = np.clip(_own_prompt_tokens(mu, 1.0, cv, np.clip(alpha, 0.0, 1.0), theta, q), lo, hi)
    for _ in range(steps):
        value, slope = surv(x)
        above = value > target                      # x is left of the root
        lo, hi = np.where(above, x, lo), np.where(above, hi, x)
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = x + (value - target) / np.maximum(-slope, 1e-300)
        x = np.where((newton > lo) & (newton < hi), newton, 0.5 * (lo + hi))
    return x


def least_busy_utilization(engines, rho, h) -> np.ndarray:
    """The prompt queue's utilization as a request meets it behind a least-busy dispatch, a law of the queue
    (`dispatch_wait_engines` c > 0; docs/accuracy.md "The least-busy share as a law", s18-dispatch) [S/D]:
        rho_d = rho (1/c + (1 - 1/c) h),   h = t_mean / t_full (the mean step over a full one)
    rho the prompt queue's utilization as the model takes it for an engine's own Poisson stream (prompt tokens
    arriving in a full step over the room: the busy queue's steps carry prompt chunks, so they are full-length
    and collect a full step's arrivals). Join-the-shortest-queue over processor-sharing-like servers is, server by
    server, a single queue whose arrival rate depends on its own count (the single-queue approximation of Gupta,
    Harchol-Balter, Sigman, Whitt, "Analysis of join-the-shortest-queue routing for web server farms", Performance
    Evaluation 64 (2007), doi 10.1016/j.peva.2007.06.012 [S]: near-insensitive to the job sizes). Over engines
    that each hold many rows (continuous batching, ~82 rows a GPU) that rate is steep about the mean count: the
    dispatch holds every engine's count within about a row of the others' (bench/interactive_dispatch_sim.py's
    H200 engines: the rows' variance 15 least-busy against 141 independent [D]), so an engine gets a request
    when it has lost a row: its arrivals follow its departures, which come a fixed share a step (its rows over
    their output steps), so they are Poisson in steps, not in time [D], and a busy queue's long steps collect the
    mean step's arrivals, not a full step's: the queue an arrival meets is the M/G/1 at h rho. With c engines the dispatch has no choice on the 1/c of arrivals that
    find every engine at the same count (the total count, an M/G/infinity process of standard deviation
    sqrt(c rows) >> c, spread evenly over its c phases mod c) [D]: those meet the own stream's queue; rho_d is the
    arrival-weighted mean. It replaces rho in the wait (the chance to wait and the waiting's mean I c / (1 - rho_d),
    Pollaczek-Khinchine with the service's variability c = (1 + cv^2) / 2, the same in both), not in the prompt
    tokens a step carries. Mean share of the wait against the own stream's, (rho_d / (1 - rho_d)) / (rho / (1 -
    rho)); the tail thinner than a share of the chance alone (`dispatch_wait_share`) gives. Limits: c = 1 or h = 1
    give rho (one engine: its own queue; a step carrying prompt tokens no longer than one that does not: the
    dispatch's one-row information alone, which the mean-field limit puts at nothing); rho -> 0 gives 0 (no
    wait); rho_d rises with rho and falls with c. Checked against bench/least_busy_share.py (a step-synchronous
    discrete-event simulation, c 1-16, rho 0.2-0.8)."""
    c = np.maximum(np.asarray(engines, dtype=float), 1.0)
    h = np.clip(np.asarray(h, dtype=float), 0.0, 1.0)
    return np.asarray(rho, dtype=float) * (1.0 / c + (1.0 - 1.0 / c) * h)


def _waiting_chance(rho, servers) -> np.ndarray:
    """The chance that a request waits in a queue of `servers` c at utilization rho: rho for one server; over c
    servers Sakasegawa's rho^(sqrt(2 (c + 1)) - 1) (Sakasegawa 1977)."""
    return np.power(np.clip(rho, 0.0, 1.0), np.sqrt(2 * (servers + 1)) - 1)


def _largest_fitting(quantile_at, limit, shape) -> np.ndarray:
    """The largest utilization in [0, 1] whose quantile_at(rho) fits `limit`, for a quantile that rises with rho:
    the root by bisection (50 halvings), 0 where even rho = 0 misses it (the callers say what that means)."""
    lo = np.zeros(shape)
    hi = np.ones_like(lo)
    for _ in range(50):
        mid = 0.5 * (lo + hi)
        fits = quantile_at(mid) <= limit
        lo, hi = np.where(fits, mid, lo), np.where(fits, hi, mid)
    return lo


def _budget_utilization(parts, service: np.ndarray, limit: np.ndarray, cv: np.ndarray, extra=None) -> np.ndarray:
    """Largest utilization of the token budget queue whose p99 TTFT fits `limit`: _budget_ttft rises with rho
    (from its idle value at rho = 0 to infinity at rho = 1), so the root of TTFT_99(rho) = limit by bisection;
    0 when even the idle queue misses the limit, 1 without a limit. `extra(rho, q)`: a further wait that rises
    with rho, added to the p99 (the KV room wait, _kv_room_wait)."""
    def p99(rho):
        ttft = _budget_ttft(parts, service, rho, cv, 0.99)
        return ttft if extra is None else ttft + extra(rho, 0.99)

    lo = _largest_fitting(p99, limit, np.broadcast_shapes(np.shape(limit), *(np.shape(p) for p in parts)))
    idle_fits = _budget_ttft(parts, service, np.zeros_like(lo), cv, 0.99) <= limit
    return np.where(np.isfinite(limit), np.where(idle_fits, lo, 0.0), 1.0)


CLOCK_TOLERANCE = 1e-9    # the clock solve's bracket on the clock fraction x, or its draw's distance to the cap / cap
CLOCK_SECANT_STEPS = 10   # the clock solve's bracketed secant steps (Anderson-Bjorck), then bisection
CLOCK_STEPS = CLOCK_SECANT_STEPS + 40   # its most steps: 40 halvings take any bracket in [0, 1] to 1e-12


def _power_law(hw: Hardware):
    """The chip's draw law with its arrays as (scenarios, 1) columns, and s; (None, None) without one."""
    if hw.power is None:
        return None, None
    from dataclasses import fields

    from .power import ChipPower
    model = hw.power
    return ChipPower(*(_col(getattr(model, f.name)) for f in fields(model))), _col(hw.clock_share)


def _solve_clock(power, share, activity) -> np.ndarray:
    """rho = compute_rate(x, s) at the clock fraction x the power limit allows a phase whose time, compute activity
    and traffic depend on its own clock: `activity(rho)` -> (t, busy, moved), t the phase's time with its compute
    at rate rho, busy its compute kernels' time at the full clock (a large GEMM's rate), moved its bytes' time at
    peak bandwidth. The clock law (compiler.models.power.sustained_clock) at the phase's own activity:
        x = the highest clock in [MIN_CLOCK, 1] with  D(x) = P_idle + a u_c(x) x v(x)^2 + b u_m(x) <= cap,
        u_c(x) = min(busy / (rho(x) t(x)), 1),   u_m(x) = min(moved / t(x), 1),   rho(x) = 1 / (s / x + 1 - s),
    i.e. the fixed point x = sustained_clock(u_c(x), u_m(x)). D is the step's dynamic energy over its time,
    a busy v(x)^2 (x / rho(x)) / t(x) + b moved / t(x): with t non-increasing in the clock (its compute at rate
    rho) every factor is non-decreasing in x, so D rises with x, the root of D(x) = cap is unique and bracketed.
    x = 1 where the full clock fits (or the phase has no compute: rho exactly 1). Else the root is bracketed by
    x_lo = sustained_clock(1, 1) (D(x_lo) <= cap whatever the activity: u_c, u_m <= 1; MIN_CLOCK, the law's floor,
    where even that misses the cap, as sustained_clock) and 1, split first at the voltage floor v0 (D's kink), then
    narrowed by CLOCK_SECANT_STEPS regula falsi steps (Anderson-Bjorck: an end kept twice has its excess scaled
    down) and bisection after them, so it converges whatever D's shape (a compute-bound step under the voltage
    floor draws nearly the same at every clock: a flat D the secant crosses slowly), until the bracket is within
    CLOCK_TOLERANCE or one end's draw within CLOCK_TOLERANCE x cap of the cap (that end is returned; else the
    fitting end). Vectorised over the scenarios, deterministic; 5-9 evaluations of the phase's time on validate's
    rows, at most CLOCK_STEPS. It replaces a fixed point iterated two passes from the full clock (docs/accuracy.md
    "The bigger chip's clock", part 4: up to 27% above this clock on a grid of step compositions, and not
    monotone in the memory's speed; "The converged clock", s17-converge)."""
    from .power import compute_rate, dynamic_draw, sustained_clock

    def excess(x):                 # D(x) - cap (W), and where the phase has no compute to clock
        rho = compute_rate(x, share)
        t, busy, moved = activity(rho)
        t = np.maximum(t, 1e-30)
        u_c = np.clip(busy / (rho * t), 0.0, 1.0)
        u_m = np.clip(moved / t, 0.0, 1.0)
        return power.idle + dynamic_draw(power, u_c, x) + power.memory * u_m - power.cap, u_c == 0

    f_hi, idle = excess(np.ones(1))
    top = (f_hi <= 0) | idle
    bad = ~np.isfinite(f_hi) & ~top                             # an undefined step: its clock too (NaN)
    if np.all(top):
        return compute_rate(np.ones(np.shape(top)), share)
    lo = np.broadcast_to(sustained_clock(power, 1.0, 1.0), np.shape(top)).copy()   # fits whatever u_c, u_m <= 1
    f_lo = excess(lo)[0]
    hi = np.ones_like(lo)
    done = top | bad | (f_lo > 0)                               # the full clock fits; MIN_CLOCK does not
    f_true = f_lo                                               # the draw's excess at lo (the secant scales f_lo)
    h_true = f_hi                                               # and at hi
    last = np.zeros(np.shape(top), dtype=int)                   # the end the previous step moved: -1 lo, 1 hi
    cap = np.broadcast_to(power.cap, np.shape(top))
    floor = np.broadcast_to(power.floor, np.shape(top))
    for step in range(CLOCK_STEPS):
        done = done | (hi - lo <= CLOCK_TOLERANCE) | (np.minimum(-f_true, h_true) <= CLOCK_TOLERANCE * cap)
        if np.all(done):
            break
        with np.errstate(divide="ignore", invalid="ignore"):
            secant = lo - f_lo * (hi - lo) / (f_hi - f_lo)      # f_lo <= 0 < f_hi: inside the bracket
        mid = np.where(np.isfinite(secant) & (step < CLOCK_SECANT_STEPS), secant, 0.5 * (lo + hi))
        if step == 0:                                           # first split at the voltage floor, D's kink
            mid = np.where((lo < floor) & (floor < hi), floor, mid)
        mid = np.where(done, lo, np.clip(mid, lo, hi))
        f, _ = excess(mid)
        fit = (f <= 0) & ~done
        miss = (f > 0) & ~done
        with np.errstate(divide="ignore", invalid="ignore"):    # Anderson-Bjorck: an end kept twice, its
            m_hi = 1 - f / f_lo                                 # excess scaled by 1 - f(new) / f(replaced),
            m_lo = 1 - f / f_hi                                 # by 1 / 2 where that is not positive
        f_hi = np.where(fit & (last == -1), np.where(m_hi > 0, m_hi, 0.5) * f_hi, f_hi)
        f_lo = np.where(miss & (last == 1), np.where(m_lo > 0, m_lo, 0.5) * f_lo, f_lo)
        lo, f_lo, f_true = np.where(fit, mid, lo), np.where(fit, f, f_lo), np.where(fit, f, f_true)
        hi, f_hi, h_true = np.where(miss, mid, hi), np.where(miss, f, f_hi), np.where(miss, f, h_true)
        last = np.where(fit, -1, np.where(miss, 1, last))
    above = (h_true <= CLOCK_TOLERANCE * cap) & (h_true < -f_true)   # hi the nearer root, its draw within tolerance
    return compute_rate(np.where(top, 1.0, np.where(bad, np.nan, np.where(above, hi, lo))), share)


def _window_rate(power, share, loaded, steps) -> np.ndarray:
    """rho, the compute rate a power limiter that regulates the mean draw over many steps allows a serving
    replica's mixture (`power_limit_window` 1; compiler.models.power, the one clock law, over the window): a share
    f = `loaded` of its steps carries prompt chunks, the rest none (_step_mixture); at clock rate rho the loaded
    and decode-only steps take t_l(rho), t_0(rho) with compute activity busy_l, busy_0 (at the full clock) and
    traffic moved_l, moved_0 (`steps(rho)` -> ((t_l, busy_l, moved_l), (t_0, busy_0, moved_0))). Over a window
    of many steps the board draws the time-weighted mean, so
        T = f t_l + (1 - f) t_0,   u_c = (f busy_l + (1 - f) busy_0) / (rho T),   u_m = (f moved_l + (1 - f)
        moved_0) / T,   rho = compute_rate_at(u_c, u_m)
    one clock for every step of the window: the energy of the window's work over its time, whatever each step's
    length. Solved as _sustained_rate (_solve_clock: the highest clock whose draw fits, a bracketed solve). 1 without
    a law."""
    if power is None:
        return np.ones(1)

    def activity(rho):
        (t_l, busy_l, moved_l), (t_0, busy_0, moved_0) = steps(rho)
        return (loaded * t_l + (1 - loaded) * t_0, loaded * busy_l + (1 - loaded) * busy_0,
                loaded * moved_l + (1 - loaded) * moved_0)
    return _solve_clock(power, share, activity)


def _either(mask, on, off) -> tuple:
    """(t, terms) of `on` where `mask`, of `off` elsewhere."""
    pick = lambda a, b: np.where(mask, a, b)
    return pick(on[0], off[0]), {name: pick(on[1][name], off[1][name]) for name in on[1]}


def _sustained_rate(power, share, busy, moved, duration) -> np.ndarray:
    """rho, the compute rate the power limit allows a phase at its own activity (compiler.models.power, the one
    clock law): u_c = busy / (rho t), the share of the phase's time t the matrix units work at a large GEMM's
    rate (busy: the phase's FLOPs at that rate at the full clock; at clock rate rho they take busy / rho),
    u_m = moved / t (moved: its bytes at peak bandwidth); rho = compute_rate_at(u_c, u_m). `duration(rho)` is
    the phase's time with its compute at rate rho. The law's fixed point solved by _solve_clock (the highest
    clock whose draw at its own activity fits the cap, a bracketed solve to CLOCK_TOLERANCE). 1 without a law."""
    if power is None:
        return np.ones(1)
    return _solve_clock(power, share, lambda rho: (duration(rho), busy, moved))


def prefill_prompts_per_pass(tp, budget, I, free, kv_chip) -> np.ndarray:
    """Whole prompts a disaggregated prefill worker of tp ranks carries in one forward pass (module docstring,
    "Disaggregated serving"): as many as its token budget tp C holds, n = floor(tp C / I), at most as many as its
    free memory holds the KV of, floor(F / (kv_chip I)), and at least one (a prompt longer than the budget is
    prefilled alone)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        held = np.floor(np.maximum(free, 0.0) / np.maximum(kv_chip * I, 1e-300))
        return np.maximum(np.minimum(np.floor(tp * budget / np.maximum(I, 1e-300)), held), 1.0)


def prefill_pool_wait(rho, servers, rate, cv, q: float) -> np.ndarray:
    """Quantile q of a prompt's wait for a worker of the prefill pool (module docstring, "Disaggregated serving"):
    `servers` c workers, each serving `rate` mu requests/s at a full pass, utilization rho = lam / (c mu). M/G/c
    in the Allen-Cunneen form the aggregated prompt queue uses for its servers (_budget_ttft): the chance to wait
    P_w = rho^(sqrt(2 (c + 1)) - 1) (Sakasegawa 1977; P_w = rho at c = 1), the wait of those who wait exponential
    with the M/M/c rate c mu (1 - rho), scaled by Kingman's (1 + cv^2) / 2 (cv: the service time's coefficient of
    variation):
        W_q = ln(max(P_w / (1 - q), 1)) (1 + cv^2) / 2 / (c mu (1 - rho))       (inf at rho >= 1)
    (c = 1, cv = 0: the M/M/1 tail halved for a deterministic service, the law before 2026-12-05)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        busy = _waiting_chance(rho, servers)
        tail = np.log(np.maximum(busy / (1 - q), 1.0)) * (1 + cv ** 2) / 2
        return np.where(rho < 1, tail / np.maximum(servers * rate * (1 - rho), 1e-300), np.inf)


def prefill_pool_utilization(servers, rate, cv, budget) -> np.ndarray:
    """Largest utilization of the prefill pool whose p99 wait (prefill_pool_wait) fits `budget` s (the TTFT limit
    less the pass, the KV transfer and the decode step): the wait rises with rho from 0, so the root by bisection;
    0 where the budget is negative, 1 without a limit."""
    budget = np.asarray(budget, dtype=float)
    lo = _largest_fitting(lambda rho: prefill_pool_wait(rho, servers, rate, cv, 0.99), budget,
                          np.broadcast_shapes(np.shape(servers), np.shape(rate), np.shape(budget)))
    return np.where(np.isfinite(budget), np.where(budget >= 0, lo, 0.0), 1.0)


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
    solve = (load.queueing and load.fixed_batch is None and np.any(_col(load.solve) > 0) and not np.any(margin > 0)
             and np.size(batch) == np.size(tp) and np.size(batch) % BATCH_GRID.size == 0
             and np.array_equal(np.reshape(batch, (-1, BATCH_GRID.size))[0], BATCH_GRID))
    if solve:                               # `capacity_solve`: the batch solved between the grid's batches
        extra = _solved_batches(hw, arch, load, tp, pp, ep, score, scored)
        if extra is not None:
            q = {name: np.concatenate([q[name], extra[name]], axis=1) for name in q}
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


def why_infeasible(best: dict, arch: Architecture, load: Load, hw: Hardware, i: int) -> str:
    """Why scenario `i` has no configuration, with the numbers: no layout exists, the weights (or the KV cache
    of one sequence) do not fit, or no layout meets the latency limits."""
    from ..display import format_quantity as q

    def at(x):
        x = np.asarray(x, dtype=float).reshape(-1)
        return float(x[i] if x.size > 1 else x[0])

    chips, scaleup, layers = at(hw.chips), at(hw.scaleup), at(arch.layers)
    if not best["any_allowed"][i]:
        fixed = [f"{name} = {q(at(v), '')}" for name, v in (("tp", load.fixed_tp), ("pp", load.fixed_pp))
                 if v is not None]
        return (f"no parallel layout exists{' with ' + ' and '.join(fixed) if fixed else ''}: "
                f"{q(chips, '')} accelerators, a scale-up domain of {q(scaleup, '')}, {q(layers, '')} layers "
                f"(tp must be a power of two within the scale-up domain, tp x pp at most the accelerators, "
                f"pp at most the layers)")
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
            return f"batch = {q(at(load.fixed_batch), '')}: a replica decodes at least one sequence"
        beams = at(load.beams)
        request = (f"one request's k = {q(beams, '')} beams are {q(beams, '')} rows of the batch, decoded "
                   "together (`let beams`)")
        if load.fixed_batch is not None and at(load.fixed_batch) < beams:
            return f"batch = {q(at(load.fixed_batch), '')} rows holds less than one request: {request}"
        if load.fixed_batch is not None and at(best["closest_max_batch"]) >= 1:
            return (f"batch {q(at(load.fixed_batch), '')} does not fit: at {layout} the KV cache of one sequence "
                    f"is {q(at(best['closest_kv_sequence']), 'B')} per chip and {q(free, 'B')} is free after the "
                    f"weights, room for {q(at(best['closest_max_batch']), '')} sequences")
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
    parts = []
    f = at(load.limit_fraction)

    def limit(x):                   # the limit the point is held to (x `operating_fraction` where it is set)
        return q(x, "s") if f == 1 else f"{q(x / f, 's')} x operating_fraction {f:g} = {q(x, 's')}"
    if at(best["least_tpot"]) > at(load.tpot_limit):
        parts.append(f"the fastest decode step that fits takes {q(at(best['least_tpot']), 's')} > tpot_limit "
                     f"{limit(at(load.tpot_limit))}")
    if at(best["least_ttft"]) > at(load.ttft_limit):
        parts.append(f"the shortest time to first token is {q(at(best['least_ttft']), 's')} > ttft_limit "
                     f"{limit(at(load.ttft_limit))}")
    return "no layout meets the latency limits: " + ("; ".join(parts) or
                                                       "each layout that fits misses tpot_limit or ttft_limit")


def search_loop(hw: Hardware, arch: Architecture, load: Load, grid=None) -> float:
    """The same search as a Python loop over configurations (scenario 0): the baseline of the benchmark."""
    tp_all, pp_all, b_all = grid[:3] if grid is not None else config_grid()
    best = -math.inf
    for tp, pp, b in zip(tp_all, pp_all, b_all):
        q = evaluate_configs(hw, arch, load, [tp], [pp], [b])
        if q["ok"][0, 0] and q["throughput"][0, 0] > best:
            best = float(q["throughput"][0, 0])
    return best


# ----------------------------------------------------------------------------- reading a spec
def _peak(chip, precision: str) -> np.ndarray:
    """Dense FLOP/s of `chip` at `precision`, falling back to the next wider format the chip has."""
    chain = {"fp4": ("fp4", "fp8", "bf16"), "fp8": ("fp8", "bf16"), "int8": ("int8", "fp8", "bf16"),
             "bf16": ("bf16", "fp8")}[precision]
    for name in chain:
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
        from .power import part_power
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
    from .power import gemm_peak_fraction
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
    from .power import GEMM_MEMORY_UTILIZATION
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
    if ctx.is_set("weight_bits") and precision in WIDER_FORMAT:   # a mixed-precision checkpoint (Mixed weights)
        peak, weight_bytes = _mixed_weights(ctx.get("weight_bits", WEIGHT_BITS), precision, peak,
                                            _peak(chip, WIDER_FORMAT[precision]) * die)
    elif precision == "fp4" and (model.has("fp4_bf16_params") or model.has("fp4_expert_activation_bits")
                                 or ctx.is_set("fp4_expert_activation_bits")):
        engine_bits = (ctx.get("fp4_expert_activation_bits", FP4_EXPERT_ACTIVATION_BITS)   # the engine's kernels
                       if ctx.is_set("fp4_expert_activation_bits") else None)               # (W4A16 on Hopper)
        peak, weight_bytes = _fp4_checkpoint_by_gemm(model, arch, peak, _peak(chip, "fp8") * die,
                                                     _peak(chip, "bf16") * die, engine_bits, weight_bytes)
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
    fraction = ctx.get("operating_fraction", operating_fraction)     # the limits the point is held to (f x each)
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
        draw_activity=ctx.get("clock_draw_activity", clock_draw_activity),
        clock_window=ctx.get("power_limit_window", power_limit_window),
        draw_rate=ctx.get(_power_gemm_peak_fraction().name, _power_gemm_peak_fraction()),
        launch_time=np.where(platform.sram_only() | chip.has(f"gemm_half_rows_{precision}"), 0.0,
                             ctx.get("gemm_launch_time", gemm_launch_time)),   # a chip's own knee is kept
        weight_eff=ctx.get("gemm_weight_efficiency", gemm_weight_efficiency),
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
        _refuse(best, over, [f"the pools that carry its demand need {need[i]:,.0f} accelerators ({pre[i]:,.0f} "
                             f"prefill, {dec[i]:,.0f} decode), more than the {held[i]:,.0f} it holds (set "
                             "`accelerators` to that count, or leave it unset: the demand sizes the service)"
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
            reasons[i] = (f"the prefill pool of {pool:g} accelerator(s) leaves none of the {flat(hw.chips)[i]:g} "
                          "to decode")
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
                reasons[i] = (f"the prefill pool of {pre[i]:g} accelerators ({c[i]:g} workers of tp {tp_p[i]:g}) "
                              f"carries at most {capacity(c, budget)[i] * O[i]:,.0f} tok/s within the TTFT limit, "
                              f"below the demand {tokens[i]:,.0f} tok/s")
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
        reasons[i] = (f"no prefill worker layout holds the weights and a prompt ({which} at pp 1, within the "
                      f"scale-up domain of {flat(hw.scaleup)[i]:g} accelerators)")
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
    from ..display import format_quantity
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


ONE_TOKEN_REASON = "output_tokens is at most 1: a request has no second token, so no time per output token"


def one_token(output_tokens) -> np.ndarray:
    """Where a request has no second token (output_tokens <= 1): no TPOT, and no TPOT limit to hold it to."""
    return np.asarray(output_tokens, dtype=float) <= 1


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


def _limit_held(i: int):
    """The output of latency_limit (the limit the solve holds the service to); not applicable outside server and
    interactive (offline has no latency limit)."""
    def limit_held(ctx):
        scenario = ctx.text("scenario", "offline")
        if scenario not in ("server", "interactive"):
            ctx.not_applicable()
        return latency_limit(ctx, ctx.ref("model"), scenario, i)
    return limit_held


output("inference", "ttft_limit_held", "ttft_limit, else the MLPerf TTFT p99 limit of its model's benchmark "
       "(server and interactive)")(_limit_held(0))
output("inference", "tpot_limit_held", "tpot_limit, else the MLPerf TPOT p99 limit of its model's benchmark "
       "(server and interactive)")(_limit_held(1))
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


# ----------------------------------------------------------------------------- the latency band (knife edges)
LATENCY_BAND_LOAD = 0.05
# delta of the latency band: the load a service's p99s are taken at again, x (1 - delta) and x (1 + delta). The
# model's own capacity is known to about this much (validate's median |error|: Server 6.9%, Interactive 4.5%, the
# held-out Interactive 11.0%: docs/accuracy.md's generated head) and so is a planner's forecast of an offered load, so
# a p99 the band shows steep is one a 5% error of either moves that far.
LATENCY_KNIFE_EDGE = 1.5
BAND_SECTION_POINTS = 128     # batches a pass of latency_band's little_rows tries at once (its cost, not its answer)
LITTLE_ROWS_TOLERANCE = 1e-9  # little_rows' bracket, in ln b, when its sections stop (then linear in the last one)
# the banded latencies: (output, its key in the solve, the TTFT quantile whose wait for KV room the upper end adds)
BANDED = (("ttft_p99", "ttft", 0.99), ("tpot_p99", "tpot", None), ("ttft_p50", "ttft_p50", 0.50),
          ("tpot_mean", "t_iter", None))
# the widest band (high / low) a p99 is shown as one number at: above it a `latency-knife-edge` warning flags it.
# Over the band's ln(1.05 / 0.95) = 0.100 of load a ratio of 1.5 is an elasticity d ln p99 / d ln load of
# ln 1.5 / 0.100 = 4.05: the slope s20-h200int measured in the runs themselves on the prompt queue's knee (v5.0 8x
# H200 Llama 2 70B Server, one throughput, d ln p99 / d ln TPOT ~4: p99 501 -> 1,701 ms as TPOT went 142 -> 188 ms).
# At that slope the capacity's own ~7% error alone moves the p99 by more than +-25%, past the TTFT gates (10%).
# Not a user option (s22-band): it states how far the model's own figure can be trusted as one number, from its own
# capacity error (delta) and the runs' knee slope, not a planner's taste; a looser one would hide the band a CFO reads.
# The band's ends are always shown, and the planner's lever is the load (`offered_load`, room_load's). Its law:
# a monotone family (flagged at T, flagged at every T' < T: tests/test_latency_band.py).


def little_rows(rate, x, lo, hi, points: int = 1,
                tolerance: float = LITTLE_ROWS_TOLERANCE) -> tuple[np.ndarray, np.ndarray]:
    """The rows in flight that carry a load (Little's law, module docstring "Offered load"): the root b of
            rate(b) = x,   rate(b) = b / (k t_iter(b))  (counted tokens/s of b rows a rank)
    on [lo, hi], and whether hi carries x (rate(hi) >= x (1 - 1e-9)). The one solver of the offered load
    (evaluate_configs) and of the latency band (latency_band).
    Assumption (monotone): rate rises with b on [lo, hi] (a step grows slower than its rows: t_iter(b) / b falls),
    so x has one crossing and the section whose ends straddle it holds the root. Where rate(lo) >= x the root is
    lo; where rate(hi) < x it is hi (the caller reads `carried` to say the load is not carried).
    Method: sections in ln b; the first pass tries lo, hi and `points` batches geometric between them, each next
    pass `points` inside the kept section, until the section's ln width is at most LITTLE_ROWS_TOLERANCE (1e-9:
    a millionth of a row at 1,000 rows); then the root is linear in that last section (exact where rate is
    linear in it). `points` (1: a bisection at the geometric mean) sets how many evaluations a pass makes, not the
    answer: every caller's root is within the same tolerance. `rate` maps b of shape (n, *shape) to its rates
    (n, *shape); x, lo, hi broadcast to `shape`. Deterministic: the pass count is fixed by the widest bracket."""
    x = np.asarray(x, dtype=float)
    shape = np.broadcast_shapes(x.shape, np.shape(lo), np.shape(hi))
    x = np.broadcast_to(x, shape)
    lo, hi = (np.broadcast_to(np.asarray(v, dtype=float), shape) + 0.0 for v in (lo, hi))
    inner = np.arange(1, points + 1) / (points + 1)
    first = np.concatenate([[0.0], inner, [1.0]])
    width = float(np.max(np.log(np.maximum(hi, 1e-300) / np.maximum(lo, 1e-300)), initial=0.0))
    passes = 1 + max(0, math.ceil(math.log(max(width / (points + 1), tolerance) / tolerance)
                                  / math.log(points + 1)))
    r_lo = r_hi = carried = None
    for pass_ in range(passes):
        grid = first if pass_ == 0 else inner
        b = lo[None] * (hi / lo)[None] ** grid.reshape((-1,) + (1,) * len(shape))
        r = np.asarray(rate(b), dtype=float)
        if pass_ == 0:
            carried = x <= r[-1] * (1 + 1e-9)
        else:                                                       # the kept section's ends around its points
            b = np.concatenate([lo[None], b, hi[None]])
            r = np.concatenate([r_lo[None], r, r_hi[None]])
        j = np.clip(np.sum(r <= x[None], axis=0) - 1, 0, len(b) - 2)[None]
        lo, r_lo, hi, r_hi = (np.take_along_axis(v, j + i, axis=0)[0] for i in (0, 1) for v in (b, r))
    share = np.clip((x - r_lo) / np.maximum(r_hi - r_lo, 1e-300), 0.0, 1.0)
    return lo + share * (hi - lo), carried


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
    from .workloads import wall_power_per_accelerator
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
    from .cost import service_duty_cycle
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
        from .cost import it_capital_recovery
        recovery = it_capital_recovery(ctx)       # CRF(r, life_it): the finance block's, else the assumptions'
        price = ctx.inherited("electricity_price", A.electricity_price)   # its own `let`, else its site's
        capex = platform.capex_per_chip()
        holder = platform.rack if platform.rack is not None else platform.system
        if holder is not None:
            for part in unpriced_parts(holder):
                warn_unpriced(part, f"{ctx.path}.{figure}",
                              note=f"`{ctx.path}.{figure}` counts it as $0 (through `{holder.path}.capex_it`)")
        from .workloads import with_idle_share
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
        from .cost import service_accelerator_hour
        mine = service_accelerator_hour(site, key, wall_power if ctx.kind == "inference" else None)
        return rate if mine is None else mine

    def site_hour(site):
        """The site's hour of the workload's own chip type (compiler.models.cost.type_accelerator_hour): its TCO
        per accelerator-hour where it places one type, else that type's share of its bill; the workload's own
        capex + energy where the site places none of its type (`over-committed` flags that)."""
        from .cost import type_accelerator_hour
        from .workloads import _definition
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
    from .cost import service_duty_cycle
    from .workloads import idle_draw, wall_power_at
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
    from ..display import format_quantity

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
