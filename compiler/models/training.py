"""Training model: FLOPs per token, the parallel layout (tp, pp, cp, dp, ep, virtual stages, micro-batch,
recomputation), step time from compute, pipeline bubble and exposed communication, memory per chip, MFU, time to
train, accelerator-hours, energy, cost and goodput under failures.

Pipeline position: registered model of `compiler.models` (the `training` kind); imports numpy, the registry
and the platform helpers of `compiler.models.inference`. The layout search is one vectorized pass over the
candidate columns (`LAYOUTS`: tp x pp x cp x micro-batch x virtual stages), once per distinct combination of
the inputs that vary over a sweep (see `_distinct`, `_blocks`), so its cost is linear in the distinct scenarios.

Symbols: N, A total and active parameters (N_e of them in routed experts, N_d = N - N_e); L layers; h hidden;
D = heads * head_dim; a_h attention heads; kv values per token and layer of K and V; E experts, k active; s
sequence length; G tokens per step (the global batch, the workload's); n accelerators held; P dense peak FLOP/s at
the precision; BL scale-up bandwidth per direction; BO scale-out bandwidth per accelerator; f_a2a the back-end
fabric's all-to-all share; S chips per scale-up (NVLink) domain; a = 2 bytes per activation value.

    FLOPs/token   F = 6 A + 6 L s D   (QK^T and AV: 4 s D per token and layer forward, half of it under the
                  causal mask, x 3 with the backward); LoRA: 4 A + 6 L s D (no weight gradients for the frozen
                  base); evaluation (forward only): 2 A + 2 L s D per evaluated token. These are the model FLOPs of
                  MFU; the attention core runs FlashAttention, whose backward recomputes the scores: it computes
                  F_att = 7 L s D (below), the extra L s D not in F
    global batch  q = ceil(G / s) sequences per step, fixed by the workload: data parallelism splits it and
                  never grows it (MLPerf fixes the global batch; so did the earlier model's LoRA beyond 8 GPUs not)
    layout        dp = min(floor(n / (tp pp cp)), floor(q / mb)); a MoE also searches that dp rounded down to a
                  multiple of each power of two up to its experts, where that allows a larger ep (`_dp_rule`: the
                  ep must divide dp cp); chips in use tp pp cp dp <= n, the rest idle
                  (and count in MFU and hours). tp a power of two that DIVIDES S: a TP group lies in one NVLink
                  domain and the groups tile it (never straddling two 8-GPU HGX nodes or 72-GPU racks);
                  pp <= L; v virtual stages <= ceil(L / pp), v > 1 only with m >= pp (interleaving needs a pipeline
                  full of micro-batches) and not with `pp_schedule = "1f1b"`; the search picks v among 1, 2, 4, 8
                  (V_SEARCH), a spec may fix any of 1-8, 10, 12, 16, 20, 24 (V_GRID: recipes run VP 3, 5, 12, 20,
                  24; NVIDIA's Megatron-Bridge performance summary, Llama 3 70B at PP 4 and 8 with VP 5 [P])
    micro-batches per replica: q_r = ceil(q / dp) sequences, m = ceil(q_r / mb) micro-batches; the search picks mb
                  among 1, 2, 4 (MB_SEARCH), a spec may fix any of 1-6, 8 (MICRO_GRID: NVIDIA's v6.0 gpt-oss-20b
                  on 8 GB300 runs micro-batch 3 [P])
    context par.  cp splits each sequence: s_c = s / cp tokens on a chip (ring attention passes K and V around)
    sequence par. on whenever tp > 1 (Megatron-LM): activations outside the matmuls are split over tp too (the
                  / tp below); its reduce-scatter + all-gather move the bytes of the all-reduce they replace
    experts       ep divides the routed experts E and the data-parallel ranks dp cp, as Megatron-Core requires
                  (moe_layer.py: num_moe_experts % ep == 0; parallel_state.py: the world tp pp cp dp divides by
                  expert-tp x ep x pp, expert-tp = tp here; NVIDIA/Megatron-LM d98e8a6 [P]); ep_max = gcd(E, dp
                  cp), ep_in = its largest divisor <= S / (tp cp) (the EP group inside one domain); ep = ep_in
                  where the state fits with it (full recomputation), else ep_max; a spec's `ep` fixes it, and
                  the layouts whose dp cp it does not divide are no layouts (`expert_parallel`)
    clock         rho = compute_clock_fraction (compiler/models/power.py): the compute rate of a compute-bound
                  phase at the clock the power limit min(tdp, `power_cap`) allows, over the full clock's (H100 SXM
                  at 700 W: 0.682 = 1,350 / 1,980 MHz, the rate proportional to the clock; reference/h100_microbench.md)
    GEMM share    e = e_t x share(precision) x share(mb s_c): the fitted efficiency e_t, times the large-GEMM
                  share of a narrow format relative to bf16 (fp8 70% of its peak against bf16 77% on the same
                  H100: 0.91), times the share of the large-shape rate at mb s_c rows (306, 542, 599, 639, 770
                  TFLOP/s at 128, 256, 512, 1,024, >= 2,048 rows, bf16 on one H100: reference/h100_microbench.md,
                  PyTorch 2.11, CUDA 13 cuBLAS, measured 2026-11-27 [P])
    compute       t_c = m mb s [F_lin / (P rho e k) + F_att / (P_att rho e_att)] / (tp cp pp)  (per replica: its
                  micro-batches through its stages), the sum of its parts each at its own precision's rate:
                  F_lin = 6 A (LoRA 4 A) + r 2 A the linear layers' GEMMs (fprop, dgrad, wgrad) at the run's
                  precision; F_att = 7 L s D + 2 L s D x r_a the attention core (QK^T, softmax, AV: FlashAttention,
                  below) at `attention_precision`'s peak P_att, e_att = e_t x share(attention precision) x
                  share(mb s_c); k = 1 except NVFP4 (below)
    NVFP4         (NVIDIA's recipe: Transformer Engine NVFP4BlockScaling for the fprop, dgrad and wgrad GEMMs of the
                  linear layers; "Pretraining Large Language Models with NVFP4", NVIDIA, arXiv 2509.25149, 2025 [S];
                  MLPerf Training v5.1 configs, mlcommons/training_results_v5.1 commit 441d65f4 [P]):
                  linear GEMMs   at the FP4 peak, share 0.91 (as fp8 [D]) and the chip's FP4 knee: k = (m +
                                 72.7) / (m + m0), m = mb s_c rows, m0 = the chip's `let gemm_half_rows_fp4`
                                 (Blackwell: 128 x P_fp4 / 1,979 TF, the H100's fp8 knee at the FP4 rate, the inference
                                 model's "FP4 GEMM knee" [D]), 72.7 the GEMM_SHARE table's own (bf16 on one H100:
                                 12.5 us + 0.172 us per row, reference/h100_microbench.md [P]): GB300 at 4,096 rows
                                 0.82, GB200 at 16,384 0.97 [D]
                  attention      no FP4 kernel: FP8 (default; the v5.1 8B and LoRA recipes set FP8_DPA) or BF16
                                 (`attention_precision`; the v5.1 405B recipes leave FP8_DPA off) [P]; a chip that
                                 gives only its FP4 rate (Rubin) runs it at that rate [U]
                  TP collectives `tp_comm_overlap` 0 in NVIDIA's v5.1 FP4 recipes ("TP overlap not supported yet",
                                 config_common_fp4.sh [P]): validate describes those runs so (a spec sets it)
                  casts          quantizing each GEMM input (row- and column-wise for wgrad) is memory-bound
                                 elementwise work, inside t_mem's 150 h bytes [D] (fitted with FP8 casts, which move
                                 more bytes than FP4's); the paper's random Hadamard transforms on the wgrad inputs,
                                 stochastic rounding of the gradients and 2D (16 x 16) weight scaling are not costed
                                 [U] (the v5.1 405B recipe turns all three off: NVTE_NVFP4_DISABLE_RHT /
                                 _STOCHASTIC_ROUNDING / _2D_QUANTIZATION = 1; the 8B keeps SR and 2D) [P]
                  not in FP4     the optimizer step (FP32 master weights and Adam moments: memory-bound, t_opt), the
                                 norms and residuals (t_mem), the output layer (logits; counted in 6 A at the FP4 rate
                                 [U]); the paper keeps some blocks in BF16, NVIDIA's MLPerf recipes none
                                 (first_last_layers_bf16 False, num_layers_at_start/end_in_bf16 0) [P]
    elementwise   t_mem = m mb s_c (L / pp) (b_e + b_lora + b_perm) h / tp / (B_hbm eta_hbm): the memory-bound work
                  between the GEMMs (norms, residual adds, SwiGLU, rotary, casts), which the GEMM rate does not cover:
                  b_e = 150 bytes per hidden unit, token and layer, forward and backward (a read and a write of bf16
                  activations per elementwise op, ~56 h forward for a Llama-style layer, twice that backward) [D];
                  LoRA adds its adapters' b_lora = 134: y = W x + B (A x) moves each adapted map's input and output
                  ~4 times, 8 (d_i + d_o) bytes, 16.75 h summed over qkv, o, gate-up and down [D]; an MoE layer adds
                  its token permutation b_perm = 8 (k + 1): permute and unpermute, forward and backward, each read a
                  token and write its k copies (or the reverse) in bf16 (Megatron-Core: the flex dispatcher of
                  DeepEP / HybridEP fuses the global permute into the dispatch, a local permute stays; the all-to-all
                  dispatcher permutes globally and locally, NVIDIA/Megatron-LM docs/discussions/deepseek-v3-gb200-
                  optimization, 2025-11 [P]; counted once [D]); B_hbm the chip's
                  memory bandwidth at eta_hbm = 3.02 / 3.35, the copy rate measured on one H100
                  (reference/h100_microbench.md [P]); split over tp by sequence parallelism, over cp by the tokens
    attention     FlashAttention in every mode (Transformer Engine's fused DotProductAttention, FlashAttention-2/3,
                  cuDNN): the s x s scores never reach HBM; the forward keeps Q, K, V, the output O and the softmax
                  statistics, and the backward recomputes S = Q K^T and P from them: five GEMMs of the forward's
                  size against its two, 2.5 x its 2 L s D (Dao, "FlashAttention-2", arXiv 2307.08691, 2023, 4.1
                  [S]): 2 L s D + 5 L s D = 7 L s D a token, counted in the backward (compute, not recompute_time)
    recompute     F_rc = 2 L s D r_a + r 2 A: the checkpointed attention core's forward again on a share r_a of the
                  layers (selective: r_a = 1, Megatron-Core's `recompute_granularity` selective with the default
                  `recompute_modules` core_attn, which wraps the core in a checkpoint and so reruns its flash forward
                  before the flash backward [S]; full: r_a = r) and full recomputation of a share r of the layers
                  (one more forward pass of them); none: 0
    PP bubble     (t_c + t_mem + t_sync) (pp - 1) / (v m)      (1F1B: v = 1; interleaved: v virtual stages)
    TP comm       t_tp = (4 + 2 r) (L / pp) m [lat + mb s_c h a 2 (tp - 1) / tp / BL]: 2 all-reduce equivalents
                  forward, 2 backward, 2 r for the recomputed forward; sequence parallelism's backward re-gather
                  of the inputs for the weight gradients overlaps the input-gradient GEMM. Overlap (`tp_comm_overlap`
                  1, the default; 0 exposes all of it): each all-gather / reduce-scatter is split into tp chunks
                  pipelined with the GEMM's tp chunks (ring exchange; Wang et al., "Overlap Communication with
                  Dependent Computation via Decomposition in Large Deep Learning Models", ASPLOS 2023; Megatron-Core
                  and Transformer Engine `tp_comm_overlap`, used in NVIDIA's MLPerf GPT-3 NeMo configurations [S]),
                  so one chunk's transfer waits: exposed max(t_tp / tp, t_tp - t_c). LoRA: the input gradients'
                  reduce-scatters of the qkv and fc1 GEMMs, which Transformer Engine overlaps in bulk with the
                  weight-gradient GEMMs (its userbuffer "bulk" method for qkv_dgrad and fc1_dgrad; NVIDIA's LoRA
                  recipe leaves tp_comm_overlap_rs_dgrad off, megatron_gpt_peft_tuning_config.yaml,
                  mlcommons/training_results_v4.0 [P]), have none to hide behind with the base frozen: b = t_tp /
                  (4 + 2 r) (one all-reduce equivalent) exposed in full, b + max((t_tp - b) / tp, t_tp - b - t_c)
    CP comm       t_cp = 3 (L / pp) m (cp - 1) [lat + mb s_c kv a / min(tp, kv_heads) / B_cp], B_cp = BL when
                  tp cp divides S, else BO; exposed max(0, t_cp - the attention core's time, its 7 L s D)
    PP comm       t_pp = 2 v m [lat + mb s_c h a / tp / B_pp] (B_pp = BL when tp cp pp <= S, else BO); the
                  sends are asynchronous (Llama 3): only the fill and drain, 2 (pp - 1) of them, are exposed
    DP comm       gradient reduce-scatter + parameter all-gather (ZeRO) over d = dp cp (experts: d_e = d / ep):
                  t_dp = 2 x 2 B x [N_d / (tp pp) (d - 1) / d + N_e / (tp pp ep) (d_e - 1) / d_e] / B_dp (x 1.5
                  with ZeRO-3: the weights are gathered again), B_dp = BL when all chips in use are one domain,
                  else BO (`dp_domain_rings` 1, opt-in: each group's rings leave a domain on the NICs of its g
                  members there, B_dp = min(BL, g BO), g = min(d, S / tp) for the dense part and min(d_e, S /
                  (tp ep)) for the experts' [D]); exposed max(0, t_dp - 2/3 t_c) (bucketed, overlapped with the
                  backward pass). LoRA
                  (frozen base, adapter gradients negligible): 0, except under ZeRO-3 (DeepSpeed stage 3, as
                  HF PEFT + DeepSpeed runs it), where the sharded base is all-gathered for the forward, the
                  backward and each recomputed forward: t_dp = (2 + r) w [N_d / (tp pp) (d - 1) / d + N_e /
                  (tp pp ep) (d_e - 1) / d_e] / B_dp
    EP comm       V = (4 + 2 r) (L / pp) m mb s_c k h a / ep bytes per peer (dispatch and combine, forward and
                  backward, again for the recomputed forward); of the ep - 1 peers, g - 1 = min(ep, S / (tp cp))
                  - 1 are in the domain and ep - g beyond it: t_ep = max(V (g - 1) / BL, V (ep - g) / (BO f_a2a));
                  exposed max(0, t_ep - t_c) (overlapped with other micro-batches' computation, as DualPipe);
                  `ep_comm_overlap` 0 exposes all of it (Megatron-Core's default; Megatron-Bridge's performance
                  recipes of DeepSeek-V3 and GPT-OSS until 2026-04 set `moe_a2a_overlap = False`, but GB200 GPT-OSS
                  at GBS 1,280; NVIDIA's GB200 guide: the 1F1B all-to-all overlap costs more host time than it
                  hides on NVL72 [P]): a spec describing such a run sets it
    fabric        f_a2a = network.alltoall_bw / network.injection_bw of the `scale_out` network of the nearest
                  enclosing block that holds one (1 without one; a job's `let alltoall_share` sets it): an
                  oversubscribed leaf (3:1) gives every peer a third of its NIC for the all-to-all; ring
                  collectives (DP, CP, PP) keep the NIC rate (a locality-ordered ring crosses each uplink once)
    memory        state per chip (ZeRO stage z, `zero`, default 1 = Megatron's distributed optimizer; 0: none):
                  [N_d / (tp pp)] (2 / d^[z>=3] + 2 / d^[z>=2] + 12 / d^[z>=1]) + [N_e / (tp pp ep)] (same with d_e)
                  bytes: bf16 weights and gradients, fp32 master weights and Adam moments; LoRA: the frozen base
                  at w_f bytes, (N_d + N_e / ep) w_f / (tp pp) (/ d with ZeRO-3: sharded as well); w_f = 2 in
                  bf16, twice the width of a narrower format (fp8: the weight and its transposed copy, which the
                  input-gradient GEMM reads; Transformer Engine keeps both, as Hopper's FP8 tensor cores take only
                  the TN layout [S]): so 80 GB H100s run Llama 2 70B LoRA at tp 4 (NVIDIA's recipes, tp 4 cp 1-2)
                  and 141 GB H200s at tp 1-2 (the recipe: tp 2)
                  activations per layer and sequence (Korthikanti et al. 2022, "Reducing Activation Recomputation
                  in Large Transformer Models", arXiv 2205.05198, section 4, with TP + SP; s_c for s with CP), in
                  bytes: the paper's s h (34 + 5 a_h s / h) / tp without recomputation loses its 5 a_h s / h term
                  (the softmax output, its dropout mask and output, 5 a_h s^2 bytes) under FlashAttention, which
                  stores no s x s matrix in any mode (its O is the projection's input, already in the 34; its
                  softmax statistics, 4 a_h s_c / tp bytes in fp32, 0.09% of the 34 s_c h / tp where a_h / h = 1 / 128
                  as in Llama 2 70B and Llama 3 405B, are not counted):
                      none       34 s_c h / tp
                      selective  34 s_c h / tp  (the checkpointed core frees nothing FlashAttention keeps: its
                                                 inputs Q, K, V stay as the checkpoint's, O as the projection's)
                      full       2 s_c h / tp   (the layer's input only)
                  (Llama 2 70B, s 4,096, h 8,192, tp 8: 142.6 MB a layer and sequence, against 813.7 MB with the
                  scores stored; Llama 3 405B, s 8,192, h 16,384, tp 8: 570.4 MB, against 5,939 MB)
                  in flight on the first stage: (L / pp) min(pp, m) mb x (1 + (pp - 1) / (pp v)) for v > 1
                  (Narayanan et al. 2021, interleaved 1F1B)
                  recomputation: the spec's `recompute`, else the least that fits: none, then full on the fewest
                  whole layers of a stage with the others at none (selective holds as much as none under
                  FlashAttention and costs a forward of the core more: never the least), r = ceil(r* ceil(L /
                  pp)) / ceil(L / pp), r* solving state + in flight x ((1 - r) 34 + r 2) s_c h / tp = usable;
                  fits: state + activations <= M (1 - reserve)
    fixed         t_fix = c_0 + [no CUDA graphs] c_u + [no full-iteration graph] m c_m + t_opt + 2 lat ceil(log2(chips
                  in use)) per optimizer step (c_0 less c_s under a full-iteration graph with `full_graph_schedule`):
                  c_u = `ungraphed_host_time` 0.10 s, the host's launches a step exposes where the run captures
                  no CUDA graph (`cuda_graphs` 0, the default; 1 per layer and 2 full iteration pay none) [D]:
                  NVIDIA's MLPerf Llama 2 70B LoRA step logs at one layout (tp 4 cp 2, 80 layer passes a GPU),
                  v4.0 without graphs and v4.1 with LAYER_CUDA_GRAPH=1, 0.637 -> 0.541 s on 64 H100, 0.651 ->
                  0.549 s on 1,024 (a lower bound: v4.1 ran attention in BF16); a time a step, not a layer pass
                  (the 8-GPU runs' 320 passes a step show no such cost in their logs); the full iteration's
                  capture of the rest of the step is not modelled apart by default [U]; with
                  `full_graph_schedule` 1 (opt-in) a full-iteration graph (`cuda_graphs` 2) also saves c_s =
                  `schedule_host_time` 0.025 s of c_0, max(c_0 - c_s, 0): the schedule's host work outside the layers
                  (embedding, loss, the pipeline schedule's and the gradient buckets' launches, the NaN check's sync)
                  that Megatron-Core's FullCudaGraphWrapper captures, the optimizer step (its gradient norm's
                  `.item()` sync), the data read into static buffers and logging staying outside [P]; c_s is not
                  measured [U] (no public run graphs a full iteration): NVIDIA's v4.0 / v4.1 LoRA logs at one and
                  four micro-batches put 0.23-0.25 s a step un-graphed and 0.14-0.15 s per layer beyond k x the
                  model's work (k 0.91), i.e. c_0 + c_u and c_0 [P]. A per-micro-batch host term m c_m (`microbatch_host_time`,
                  outside a full graph) was fitted with c_0 on the public rows: they choose c_m = 0. Which
                  runs graph what is data (compiler/validate.py TRAINING_CUDA_GRAPHS, from each run's config_*.sh;
                  tests/test_nemo_perf.py FULL_GRAPHS from the recipes)
                  t_opt = [38 B (N_d / (tp pp d) + N_e / (tp pp ep d_e)) + 2 B (N_d + N_e / ep) / (tp pp)] /
                  (B_hbm eta_hbm), the optimizer step (Adam, Megatron's distributed optimizer: fp32 main weights,
                  gradients and two moments sharded over the d = dp cp ranks, NVIDIA/Megatron-LM docs/user-guide/
                  features/dist_optimizer.md [P]), memory-bound: over the chip's shard the gradient norm reads the
                  fp32 gradient (4 B), Adam reads gradient, weight and moments (16) and writes weight and moments
                  (12), the weight is cast to the bf16 buffer the all-gather sends (4 + 2); over every parameter the
                  chip holds the bf16 gradient buffer is zeroed for the next step (2) [D]; LoRA: 0 (the adapters).
                  GPT-3 175B at 10,752 H100 (tp 8 pp 6 dp 224): 2.6 ms; at 512 (tp 8 pp 4 dp 16): 7.9 ms; Llama 3.1
                  8B on 8 GB200 (dp 8): 7.5 ms; 70B on 64 H100 (tp 8 pp 4 dp 2): 15.3 ms; 70B fully trained on 8
                  H100 (tp 8, dp 1): 0.117 s. c_0 = `training_step_overhead` 0.15 s (the rest: the gradient-norm and
                  loss reductions, the data loader, logging and the host's per-step synchronization, which do not
                  shrink with the per-chip work; fitted once with e_t and the graph scopes) plus the latency terms of the step's two tree reductions
                  over all chips in use (docs/accuracy.md "Training v8": what NVIDIA's step logs say c_0 holds)
    MoE host sync t_sync = (1 + r) m (L_moe / pp) (c_s + [no static graphs] c_g) where the stack waits on the host
                  for the tokens per expert (`moe_sync_free` 0), else 0 (the default); L_moe = L - `dense_layers`
                  MoE layers; r the recomputed share (a recomputed forward syncs again). A dropless dispatcher
                  learns each expert's token count on the GPU; Megatron-Core's alltoall and flex dispatchers copy it
                  to the host (the all-to-all's split sizes, the grouped GEMM's per-expert shapes) and DeepEP's
                  normal kernels poll it from the host (csrc/deep_ep.cpp [P]), so the GPU's queue drains every MoE
                  layer and what follows runs at the host's launch rate until the host is ahead again. Both constants
                  are host time, taken for every chip and host CPU [U], from NVIDIA's DeepSeek-V3 GB200 guide
                  (NVIDIA/Megatron-LM docs/discussions/deepseek-v3-gb200-optimization, commit eb0783b6, 2025-11 [P];
                  256 GB200, tp1 pp8 vp4 ep32, micro-batch 1, 2,048 x 4,096 tokens: 64 micro-batches x 58 / 8 = 464
                  MoE layer passes a GPU, 260 GFLOP a token) [D]:
                    c_s = `moe_sync_time` 1.72 ms a MoE layer and micro-batch (forward and backward): the routed
                          experts, which no CUDA graph can capture ("the routed experts part still has some CPU
                          overhead"); removing the sync "at least a 10% additional performance gain" at its final
                          970 TFLOP/s: 1 - 1 / 1.1 of the 8.78 s step over 464 passes, a lower bound
                    c_g = `moe_launch_time` 2.38 ms more where the layer's static parts (attention, router, EP
                          preprocessing) are not captured in partial CUDA graphs (`moe_static_graphs` 0): the
                          guide's "CUDA Graphs" step, 610.71 -> 663.27 TFLOP/s, 13.95 -> 12.85 s over 464 passes
                  It stretches the stage like its work (in the bubble). Sync-free stacks (NVIDIA's 2026 fused
                  grouped MLP with device-initiated grouped GEMMs and full-iteration CUDA graphs; NVIDIA's MLPerf
                  Training v6.0 DeepSeek-V3 `*_full_cg.sh` and gpt-oss-20b runs, the latter with a static expert-rank
                  capacity "for CG" and the CuteDSL fused grouped MLP [P]) set nothing; NeMo's 25.11 and 26.04 recipes synchronise
                  (tests/test_nemo_perf.py sets it, and which rows graph what); evaluation passes are not charged [U]
    step          t_step = t_c + t_mem + t_sync + bubble + exposed t_tp + t_fix + exposed t_pp + exposed t_cp
                  + exposed t_dp + exposed t_ep
    search        the fitting layout of least time to train T0 (the steps and the evaluations, which run at the
                  training layout, one sequence at a time per replica: fewer, wider replicas evaluate slower;
                  without evaluations the layout of least step time, the same tokens per step in every
                  column; an MLPerf submitter tunes the timed run, evaluations included); a spec's tp,
                  pp, cp, dp, ep, virtual_stages, microbatch fix those coordinates. Columns no scenario can pick
                  are pruned before the physics (not a layout, not the fixed coordinates; for the deadline's
                  ladder also a memory lower bound), which changes no result (`PRUNE`, `_prune`)
    MFU           = G F / t_step / (n P): model FLOPs (recomputation not counted) over the peak of the precision
                  actually used (`precision`, default fp8 where the chip has it) of every chip the job holds
    time          T0 = steps * t_step + t_eval + t_start (`startup_time`: warm-up inside the timed run, e.g.
                  CUDA-graph capture and first iterations; default 0), steps = max(1, tokens / G) for tokens > 0
                  (0 for none): a run takes at least one step, and a run of fewer tokens than one global batch
                  takes that one step at the step time shown (of G tokens). Above one batch the steps are
                  tokens / G, not ceil(tokens / G): a budget that is a mean over runs (MLPerf's reference
                  convergence points, each run a whole number of steps; validate's rows) takes that mean of
                  steps, and a fixed budget's last partial batch its share of a step. ceil would add up to one
                  step: +0.01% to +0.67% on validate's 95 training rows (median +0.14%)
    evaluation    E = `evaluations` passes (default 1, at least 1) share eval_tokens: q_e = eval_tokens / (E s)
                  sequences each, dealt out to the dp replicas of the training layout one sequence at a time (micro-batch 1, forward
                  only): t_eval = E [c_e + (ceil(q_e / dp) + pp - 1) (t_1 + t_1tp)], t_1 = s [2 A / (P rho e k) + 2 L s
                  D / (P_att rho e_att)] / (tp cp pp) (at s_c rows) one sequence through one stage, t_1tp = 2 (L / pp) [lat + s_c h a 2 (tp - 1)
                  / tp / BL] its forward TP collectives, exposed in a forward-only pass (no backward GEMMs to hide
                  them behind; NVIDIA's v4.0 logs: an evaluation sequence at tp 4 takes 1.2x its GEMM time on H100,
                  at tp 2 on H200 1.0x), c_e = `training_eval_overhead` 0.44 s (the switch to
                  evaluation and back, its data loader, the metric's reduction) [D]: NVIDIA's MLPerf Training v4.0
                  Llama 2 70B LoRA logs at 64 and 1,024 H100 (same tp 4 cp 2 layout; 8.35-8.70 s per evaluation with
                  22 rounds, 1.13-1.27 s with 2) solve c_e + 22 t = 8.5 s, c_e + 2 t = 1.17 s: t = 0.367 s, c_e =
                  0.44 s. With few sequences per replica (at scale) the rounds and c_e dominate, where spreading the
                  evaluated tokens over all chips (the model before) made evaluation vanish
    goodput       interruptions at rate lam = (n - k) * failure_rate (k idle: below); checkpoint every tau = sqrt(2 c / lam) (Young
                  1974) of blocking cost c; restart r. Lost share f = c / tau + lam (r + tau / 2); a run shorter
                  than tau takes no checkpoint: f = lam (r + T0 / 2). goodput = 1 - f, time_to_train = T0 / goodput;
                  f >= 1 (the interruptions take all the time): the run never finishes, an infeasible-workload
                  error with the interruption interval (no floor on goodput)
    idle          idle_accelerators = n - tp pp cp dp: the accelerators the layout leaves idle (n not a multiple of
                  tp pp cp, or fewer sequences per step than replicas), e.g. 77,760 GPUs at tp 8 pp 8 dp 151 use
                  77,312 and leave 448 idle. The job holds them all: hours, cost and MFU count n, the accelerators
                  reserved, not the ones in use; the failure rate counts the n - k in use (an idle one is in no
                  communicator: its failure stops nothing, it is a spare); an idle one draws its idle power (power, energy
                  and the energy part of the job's own accelerator-hour: compiler.models.workloads), and the busy
                  ones' activity is the MFU over the n - k that do the work, mfu n / (n - k)
    hours, energy accelerator_hours = n * time_to_train; energy = power * time_to_train, power = (n - k) W(P_run)
                  + k W(P_idle) (W: the wall power per accelerator of the server or rack at that board power)
    cost          accelerator_hours * cost per accelerator-hour (workload, site TCO, else capex CRF(r, life) + energy:
                  compiler.models.inference accelerator_cost; its energy at the run's own power / n, so that the
                  energy dollars are energy * electricity price)
    deadline      accelerators_needed: smallest n (searched in the same pass over a geometric ladder and 1..64 of
                  the scenario's scale-up domains, then REFINE counts of whole domains between the last rung that
                  misses and the need: `_refine_need`) whose time_to_train <= deadline, less the accelerators its
                  fastest layout leaves idle (dp x tp x pp x cp in use: a layout runs as fast on those alone;
                  Rubin NVL72, DeepSeek-V3 in 60 days: 66 on the ladder, 64 in use, 64 needed); a run given `accelerators`
                  whose time_to_train exceeds its deadline is a `limit-exceeded` error with both times (its figures
                  keep their values, right for the count given)

Per scenario: fixed coordinates and the accelerators are each scenario's own (each scenario's candidates are
its own accelerators, its own ladder). Infeasible: where no layout fits in memory (or none exists for the fixed
coordinates), `feasible` is 0 and the job's figures (layout, step time, MFU, time to train, hours, power,
energy, cost, memory) are absent with the reason and its numbers (`ctx.infeasible`, an `infeasible-workload`
error); accelerators_needed is absent where no count on the ladder meets the deadline. `factory explain` shows
the step's terms as `<job>.detail.*` (compute_time, elementwise_time, recompute_time, bubble_time, tp_comm_time,
tp_comm_exposed_time, moe_sync_time, step_overhead_time, optimizer_time, pp_comm_time,
pp_comm_exposed_time, cp_comm_time, cp_comm_exposed_time, dp_comm_time, dp_comm_exposed_time, ep_comm_time,
ep_comm_exposed_time; time_without_failures). Power: the workload-dependent wall power
(compiler/models/workloads.py, two phases: compute-bound at the power-limited clock, the rest light), power =
accelerators x system_power / accelerators per system (bare chips: accelerators x accelerator_power); energy = power
x time_to_train.

Defaults: failure_rate from Llama 3 (419 unexpected interruptions in 54 days on 16,384 H100: Llama 3 paper,
arXiv 2407.21783 Table 5, 2024, via datacenterdynamics.com);
checkpoint_time 30 s and restart_time 3 min [U] (asynchronous checkpointing; a restart re-schedules and
reloads), which give >90% goodput at Llama 3 scale as Meta reported.

The fitted factors, e_t = training_gemm_efficiency 0.76 (the bf16 share at the full clock; fp8 and narrower
x 0.91) and c_0 = training_step_overhead 0.15 s (0.25 s before the graph split: c_0 + c_u for an
un-graphed run, docs/accuracy.md "Training v9"), are fitted once, globally (median |log error| over all rows
together, never per row) on MLPerf Training v3.1-v4.1 time-to-train (GPT-3 175B and Llama-2-70B LoRA rows of
reference/mlperf_calibration.csv, each described as its submission ran: its own global batch, compiler/validate.py
TRAINING_BATCH; the LoRA recipe's evaluations and warm-up, TRAINING_FIRST_EVAL): e_t by `factory validate --fit`
(0.76 with the clock law under a power cap, compiler/models/power.py: an H100 SXM computes at 0.682 of its
full-clock rate at 700 W), c_0 on a grid at that e_t (each row at its run's CUDA-graph scope, c_u = 0.10 s): 0.12,
0.14, 0.15, 0.16, 0.18 s give 5.0%, 4.5%, 3.9%, 3.9%, 4.3% median |error| over 95 rows, e_t 0.76 still the best at
0.15 s (before the split, one c_0 for every row: 0.22, 0.25, 0.28 s gave 4.9%, 3.9%, 5.4%; the median is jumpy: many
rows lie near it). (With the flatter clock law before it: 0.60 and 0.25 s, 4.1%;
before the evaluation, start-up, elementwise and frozen-weight terms: 0.56 and 0.26 s, 5.0%.) With the clock
(0.682 on an H100 SXM at 700 W) e_t is the fraction at the full clock: 0.76 x 0.682 = 0.52 of the bf16 peak
sustained, below the 669 / 989 = 0.68 a sustained large bf16 GEMM reaches (reference/h100_microbench.md).
Largest misses: JuniperNetworks' H100 LoRA at 8 GPUs (-50%: HF PEFT + DeepSpeed ZeRO-3 in bf16, described as
it ran, but with NeMo's evaluation schedule), L40S LoRA (-36% / -24%: PCIe cards without a measured clock or GEMM
share under their 350 W limit), Trillium GPT-3 (+21-24%: the runs used INT8 AQT matmuls, full rematerialization
and FSDP within the 256-chip slice, which the rows do not yet describe: docs/accuracy.md), Gaudi2 GPT-3 (+17-20%),
TPU v5e GPT-3 (-17%), H100 LoRA at 16 GPUs (-25%), H200 LoRA (+8%: its recipe runs tp 2 with fp8 activations,
see docs/accuracy.md). Published runs (tests/test_training.py, examples/published/): Llama 3 405B MFU 42.6% /
39.6% / 38.6% against 43% / 41% / 38% (8,192 and 16,384 H100 at TP 8 PP 16; CP 16 at 131k), GPU-hours +0.03%
against the 30.84M of the Llama 3.1 model card; DeepSeek-V3 -5.4% (pre-training) and -8.4% (with the context
extension) against 2,664K and 2,788K H800-hours (agreeing through an all-to-all without per-node deduplication,
docs/accuracy.md "Training v6"). Public NVFP4 figures (sanity checks, never fitted; docs/accuracy.md
"Training v4"): Llama 3.1 405B on 512 GB300 55.2 min against 63.4 (-13%; -39% when the attention ran at the FP4
rate), on 2,560 and 5,120 GB200 17.0 and 9.2 min against NVIDIA's 18.79 and 10; Llama 3.1 8B on 8 GB200 +14% (its
fixed step cost c_0 is half of its 0.5 s step).
Assumptions: one efficiency for every GEMM of a precision at a shape (FP4: with the chip's knee); activations in bf16
(Transformer Engine may keep saved GEMM inputs in FP8/FP4, and recipes may store the SwiGLU input in FP8); DP gradients reduced
in bf16; the logits of the last stage and the embedding's activations are not counted; the first and last
pipeline stages hold as many layers as the others; the EP all-to-all sends every token once per active
expert (no deduplication per node); expert tensor parallelism equals tp; tokens to convergence are the
workload's `tokens` (validate sets each MLPerf row's from the reference convergence points at its own batch);
recomputation repeats the forward GEMMs, not their elementwise traffic; an evaluation runs at the training rate
(NVIDIA's logs: right at tp 2 on H200, 1.2x slower at tp 4 and 2.1x at tp 4 cp 2 on H100, where TP and CP are
exposed in a forward-only pass).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import Assumption, NON_NEGATIVE, Option, RESERVE, SWITCH, UNIT_FRACTION, WHOLE_NUMBER, cached, limit, output
from dsl.schema import Range
from ..reason import Reason, reworded
from .distinct import blocks as _blocks, distinct as _distinct, row_count as _rows, scatter as _scatter
from .inference import (PRECISION_BYTES, Architecture, Platform, _model_shape_range, _peak, _power_cap_floor,
                        accelerator_cost, architecture, collective_latency, rated_format)
from .power import compute_clock_fraction, workload_power_model

training_efficiency = Assumption(
    "training_gemm_efficiency", 0.76, "1",
    "achieved fraction of the dense bf16 peak FLOP/s in training matrix multiplies on large shapes at the full "
    "clock (the power-limited clock, compute_clock_fraction, multiplies it) [D] (fp8 and narrower formats: x 0.91, "
    "their measured large-GEMM share of peak against bf16's on one H100 SXM, "
    "reference/h100_microbench.md, PyTorch 2.11 cuBLAS, measured 2026-11-27 [P]): fitted once (median log-error, all rows "
    "together) with training_step_overhead on MLPerf Training v3.1-v4.1 time-to-train in "
    "reference/mlperf_calibration.csv; see `factory validate`", range=UNIT_FRACTION)
failure_rate = Assumption(
    "failure_rate", 419 / (54 * 86400 * 16384), "1/s",
    "unexpected interruptions per accelerator per second [S][D]: Llama 3 405B pre-training, 419 unexpected "
    "interruptions in a 54-day snapshot on 16,384 H100 (datacenterdynamics.com quoting the Llama 3 paper, "
    "arXiv 2407.21783 Table 5, 2024)", range=NON_NEGATIVE)
checkpoint_time = Assumption(
    "checkpoint_time", 30.0, "s",
    "blocking time to write one checkpoint [U]: asynchronous checkpointing stalls training only while the "
    "state is copied out of HBM (tens of seconds at 405B scale)", range=NON_NEGATIVE)
restart_time = Assumption(
    "restart_time", 180.0, "s",
    "time lost per interruption besides the work since the last checkpoint [U]: detection, re-scheduling on "
    "spares and reloading; with the Llama 3 failure rate this gives the >90% effective training time Meta "
    "reported (Llama 3 paper, 2024, via datacenterdynamics.com)", range=NON_NEGATIVE)
step_overhead = Assumption(
    "training_step_overhead", 0.15, "s",
    "fixed time per optimizer step besides the micro-batches' work, the optimizer step's HBM traffic (t_opt) and "
    "the un-graphed launches (`ungraphed_host_time`, module docstring `fixed`) [D]: the gradient-norm and loss "
    "all-reduces, the data loader, logging, the host's per-step synchronization; fitted once, globally, with "
    "training_gemm_efficiency on MLPerf Training v3.1-v4.1 time-to-train, each row at its submission's own global "
    "batch, its evaluations, warm-up and CUDA-graph scope (reference/mlperf_calibration.csv, at "
    "training_gemm_efficiency 0.76 and ungraphed_host_time 0.10 s: 0.12, 0.14, 0.15, 0.16, 0.18 s give 5.0%, 4.5%, "
    "3.9%, 3.9%, 4.3% median |error|, 2026-12-05; before the graph split one 0.25 s for every row, 4.0%)",
    range=NON_NEGATIVE)
eval_overhead = Assumption(
    "training_eval_overhead", 0.44, "s",
    "fixed time per evaluation pass besides its forward passes [D]: the switch from training to evaluation and "
    "back (the validation loop's start, its data loader, the metric's all-reduce, logging); from NVIDIA's MLPerf "
    "Training v4.0 (2024-06) Llama 2 70B LoRA logs at the same layout (tp 4 cp 2) on 64 and 1,024 H100 "
    "(mlcommons/training_results_v4.0 commit 6fe95437, read 2026-12, NVIDIA/results/eos_n8_ngc24.04_nemo and "
    "eos_n128_ngc24.04_nemo/"
    "llama2_70b_lora/result_0.txt, eval_start to eval_stop [P]): 173 samples in 22 rounds over 8 replicas take "
    "8.35-8.70 s, in 2 rounds over 128 replicas 1.13-1.27 s, so c_e + 22 t = 8.5 s and c_e + 2 t = 1.17 s give "
    "t = 0.367 s per sequence and c_e = 0.44 s", range=NON_NEGATIVE)
tp_overlap = Assumption(
    "tp_comm_overlap", 1.0, "1",
    "tensor-parallel communication overlap on (1) or off (0) [S]: with it each all-gather / reduce-scatter is split "
    "into tp chunks pipelined with the GEMM's (Wang et al., ASPLOS 2023; Megatron-Core / Transformer Engine "
    "`tp_comm_overlap`, on in NVIDIA's MLPerf Training GPT-3 NeMo configurations), one chunk's transfer exposed",
    range=SWITCH)
ep_overlap = Assumption(
    "ep_comm_overlap", 1.0, "1",
    "expert-parallel all-to-all overlap on (1) or off (0) [P]: with it the dispatch and combine of one micro-batch "
    "run behind another's computation (DeepSeek-V3's DualPipe, arXiv 2412.19437 section 3.2.1; Megatron-Core "
    "`overlap_moe_expert_parallel_comm`), exposed only where they outlast it; off, they wait in full "
    "(Megatron-Bridge's performance recipes until 2026-04 leave `moe_a2a_overlap` False for DeepSeek-V3 and "
    "GPT-OSS but GB200 GPT-OSS at GBS 1,280: scripts/performance/configs/*/..._workload_base_configs.py, "
    "NVIDIA-NeMo/Megatron-Bridge v0.2.0, v0.4.0)", range=SWITCH)
dp_domain_rings = Assumption(
    "dp_domain_rings", 0.0, "1",
    "the data-parallel gradient reduce-scatter and parameter all-gather of a job that spans scale-up domains as NCCL "
    "runs them (1): one ring a channel, each channel leaving the domain on its own NIC, so a data-parallel group "
    "with g members in one domain crosses the fabric on g NICs at once, B_dp = min(BL, g BO) (NCCL's ring "
    "algorithm, one ring per channel and NIC; the inter-node bus bandwidth of nccl-tests scales with the NICs a "
    "node gives the ring: NVIDIA/nccl-tests doc/PERFORMANCE.md, read 2026 [S]); or every member's whole buffer through its own NIC, B_dp = BO (0, the default: the "
    "model the training constants were fitted with; on the calibration rows g is 1 or 2). Measured, not "
    "applied: docs/accuracy.md 'Small-MoE training layouts' [D]", range=SWITCH)
moe_sync_free = Assumption(
    "moe_sync_free", 1.0, "1",
    "MoE layers without a device-host synchronisation (1, the default: the per-expert split sizes stay on the GPU, "
    "device-initiated grouped GEMMs and full-iteration CUDA graphs, NVIDIA's 2026 stack: cuDNN / Transformer Engine "
    "fused grouped MLP, 'sync-free MoE execution for full-iteration CUDA Graphs', developer.nvidia.com/blog/"
    "boosting-moe-training-throughput-with-advanced-fusion-kernels, 2026-06 [S]; NVIDIA's MLPerf Training v6.0 "
    "DeepSeek-V3 `*_full_cg.sh` configurations [P]) or with it (0: each MoE layer's dispatcher copies the tokens "
    "per expert to the host and waits, Megatron-Core's alltoall and flex dispatchers, DeepEP's normal kernels, "
    "whose host polls the received counts, csrc/deep_ep.cpp 'DeepEP error: CPU recv timeout' [P]): the host "
    "stall `moe_sync_time` a MoE layer and micro-batch (module docstring, 'MoE host sync')", range=SWITCH)
moe_sync_time = Assumption(
    "moe_sync_time", 1.72e-3, "s",
    "GPU time lost a MoE layer and micro-batch (forward and backward) to the dispatcher's device-host "
    "synchronisation and the host-bound launches of the routed experts after it, where `moe_sync_free` is 0 [D]: "
    "NVIDIA's DeepSeek-V3 GB200 guide (github.com/NVIDIA/Megatron-LM/blob/eb0783b6/docs/discussions/"
    "deepseek-v3-gb200-optimization, 2025-11 [P]) estimates that removing the sync (full CUDA graphs) gains "
    "'at least 10%' at its final "
    "970 TFLOP/s a GPU (256 GB200, tp1 pp8 vp4 ep32, micro-batch 1, global batch 2,048 x 4,096): at NeMo's 260 "
    "GFLOP a token (reference/nemo_training_perf.csv, DeepSeek-V3 MXFP8 rows) the step is 32,768 tokens / "
    "3,731 tok/s = 8.78 s, 1 - 1 / 1.1 of it is 0.80 s over 64 micro-batches x 58 / 8 MoE layers = 464 passes: "
    "1.72 ms a pass (a lower bound: 'at least'); host time, taken for every chip and host CPU [U]",
    range=NON_NEGATIVE)
moe_static_graphs = Assumption(
    "moe_static_graphs", 1.0, "1",
    "with the MoE host sync (`moe_sync_free` 0): the static parts of a MoE layer (attention, router, EP "
    "preprocessing) captured in partial CUDA graphs (1, the default: Megatron-Core `--cuda-graph-scope attn "
    "moe_router moe_preprocess`, as NVIDIA's GB200 DeepSeek-V3 guide runs it, 2025-11 [P]) or launched op by op "
    "after each sync (0), which exposes `moe_launch_time` more a MoE layer and micro-batch (module docstring, "
    "'MoE host sync')", range=SWITCH)
cuda_graphs = Assumption(
    "cuda_graphs", 0.0, "1",
    "the scope of the CUDA graphs a training run captures [P]: 0 none (every kernel launched from the host each "
    "step; the default: the stack the fitted constants were fitted on, e.g. NVIDIA's MLPerf Training v3.1 GPT-3 and "
    "v4.0 Llama 2 70B LoRA configurations set none), 1 per layer (Transformer Engine / Megatron-Core graphs of "
    "each transformer layer's forward and backward: NVIDIA's `LAYER_CUDA_GRAPH=1` / `MCORE_CUDA_GRAPH=1`, "
    "NeMo `enable_cuda_graph`), 2 full iteration (`FULL_CUDA_GRAPH=1`, NVIDIA's MLPerf Training v5.x "
    "config_common_cg.sh; NVIDIA's MLPerf Training configurations, mlcommons/training_results_v3.1-v5.1, 2023-2025); "
    "a graphed step does not pay `ungraphed_host_time` (module docstring, `fixed`)",
    range=Range(0.0, 2.0, values=(0.0, 1.0, 2.0)))
full_graph_schedule = Assumption(
    "full_graph_schedule", 0.0, "1",
    "a full-iteration CUDA graph (`cuda_graphs` 2) also captures the forward-backward schedule's own per-step host "
    "work (1: it saves `schedule_host_time` of training_step_overhead) or saves only the layers' launches as a "
    "per-layer graph does (0, the default: the model the constants were fitted with; no calibration row runs a full "
    "iteration). Measured, not applied: docs/accuracy.md 'The per-step overhead by what a graph captures' [D]",
    range=SWITCH)
schedule_host_time = Assumption(
    "schedule_host_time", 0.025, "s",
    "the part of training_step_overhead a full-iteration CUDA graph captures beyond the layers, where "
    "`full_graph_schedule` is 1 [D]: the forward-backward schedule outside the layers (the embedding and loss, the "
    "pipeline schedule's launches each micro-batch, the gradient-reduction bucket launches, the per-step NaN check's "
    "device-host synchronisation), which Megatron-Core's FullCudaGraphWrapper captures around forward_backward_func "
    "('the entire training iteration (excluding optimizer)', '--no-check-for-nan-in-loss-and-grad is required: NaN "
    "checks involve CPU-GPU synchronization'; NVIDIA/Megatron-LM's user guide page features/cuda_graph.md (read 2026) and "
    "megatron/core/full_cuda_graph.py, commit d98e8a64 [P]); the optimizer step stays outside with its gradient "
    "norm's `.item()` synchronisation (megatron/core/optimizer/clip_grads.py get_grad_norm_fp32 [P]), and so do the "
    "data read into the graph's static buffers (StaticBufferLoader) and logging. Its size is not measured [U]: "
    "between the launches a full graph removes (about two layer passes' worth a micro-batch, 2 x 1.25 ms by "
    "`ungraphed_host_time`'s pair) and the per-step cost per-layer-graphed NeMo 24.09 runs pay whatever their work "
    "(0.14-0.15 s: NVIDIA's MLPerf Training v4.1 Llama 2 70B LoRA step logs at one and four micro-batches as a + k "
    "work, mlcommons/training_results_v4.1 NVIDIA/results/eos_n8, eos_n128 and eos_ngc24.09_nemo [P]), which the "
    "graph mostly leaves outside; 0.025 s is what NVIDIA's v4.0 GPT-3 log at 10,752 H100 (tp 4 pp 6 v 8, per-layer "
    "graphs, 0.921 s) holds beyond the model's step at that layout (0.896 s). The only public full-iteration rows "
    "(NeMo's 25.11 Llama 3.1 8B recipes, tests/test_nemo_perf.py) choose 0, weakly (docs/accuracy.md 'The per-step "
    "overhead by what a graph captures')",
    range=NON_NEGATIVE)
microbatch_host_time = Assumption(
    "microbatch_host_time", 0.0, "s",
    "host time each micro-batch of a step exposes outside a full-iteration CUDA graph (`cuda_graphs` 0 or 1): the "
    "schedule's launches and the data read a micro-batch; 0, the default: fitted once on MLPerf Training v3.1-v4.1 "
    "time-to-train with training_step_overhead (grid in docs/accuracy.md 'The per-step overhead by what a graph "
    "captures'), the rows choose 0 [D]", range=NON_NEGATIVE)
ungraphed_host_time = Assumption(
    "ungraphed_host_time", 0.10, "s",
    "host time a step exposes where the run captures no CUDA graph (`cuda_graphs` 0), on top of "
    "training_step_overhead [D]: NVIDIA's MLPerf Training Llama 2 70B LoRA step logs at one layout (tp 4 cp 2, "
    "one micro-batch of 80 layers a GPU) without (v4.0, NGC 24.04) and with per-layer CUDA graphs (v4.1, 24.09, "
    "config_DGXH100_8x8x1xtp4pp1cp2.sh and _128x8x1xtp4pp1cp2.sh `export LAYER_CUDA_GRAPH=1`): 0.637 -> 0.541 s "
    "on 64 H100, 0.651 -> 0.549 s on 1,024 (mlcommons/training_results_v4.0, 2024-06, and v4.1, 2024-11, "
    "NVIDIA/results/eos_n8_* and "
    "eos_n128_*/llama2_70b_lora/result_0.txt, block_start to block_stop, docs/accuracy.md 'Training v8' [P]): "
    "0.096 and 0.102 s, a lower bound (v4.1 ran attention in BF16, FP8_DPA=0); 1.2 ms a layer pass, the order "
    "of ~200 kernels a layer pass (forward, backward, FP8 casts and amax updates) at ~6 us of host time each [U]. "
    "Taken per step, not per layer pass: per layer pass it would charge the 8-GPU runs' 320 passes 0.38 s, "
    "which their logs (3.71 s steps) do not show (docs/accuracy.md 'Training v9')", range=NON_NEGATIVE)
moe_launch_time = Assumption(
    "moe_launch_time", 2.38e-3, "s",
    "host launch time of a MoE layer's static parts (attention, router, EP preprocessing) a micro-batch, exposed "
    "behind the dispatcher's device-host sync when they are not CUDA-graphed (`moe_static_graphs` 0) [D]: NVIDIA's "
    "DeepSeek-V3 GB200 guide (github.com/NVIDIA/Megatron-LM/blob/eb0783b6/docs/discussions/"
    "deepseek-v3-gb200-optimization, 2025-11 [P]) measured 610.71 -> 663.27 TFLOP/s a GPU from capturing them "
    "(`--cuda-graph-scope attn "
    "moe_router moe_preprocess`) at 256 GB200, tp1 pp8 vp4 ep32, micro-batch 1, 2,048 x 4,096 tokens: at 260 "
    "GFLOP a token the step went 13.95 -> 12.85 s, 1.10 s over 464 MoE layer passes a GPU: 2.38 ms; host time, "
    "taken for every chip, host CPU and attention kind [U]", range=NON_NEGATIVE)
training_reserve = Assumption(
    "training_memory_reserve", 0.10, "1",
    "share of accelerator memory kept free in training (allocator fragmentation, workspace) [U]", range=RESERVE)
default_tokens = Assumption("default_training_tokens", 1e12, "tok", "token budget when the job gives none [U]")
default_global_batch = Assumption(
    "default_global_batch", 4 * 2 ** 20, "tok",
    "tokens per optimizer step when the job gives none [S]: Llama 2 used 4M-token batches (Llama 2 model card, "
    "2023-07)")

# sequences per micro-batch. The free search picks among MB_SEARCH; the others are micro-batches a spec may fix, as
# submitters run them (NVIDIA's MLPerf Training v6.0 gpt-oss-20b on 8 GB300: MICRO_BATCH_SIZE=3,
# config_GB300_2x4x3xtp1pp1cp1ep1_mxfp8.sh, mlcommons/training_results_v6.0 via fork Richardyu114@eabf23a0, its
# README; the Inventec copy config_P9000G7_1x8x3xtp1pp1cp1ep1_mxfp8.sh `export MICRO_BATCH_SIZE=3` [P]), so a
# submitted layout is never refused while the searched layouts (and every figure that does not fix them) stay
MICRO_GRID = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0])
MB_SEARCH = np.array([1.0, 2.0, 4.0])
TP_GRID = np.array([1, 2, 4, 8, 16, 32, 64], dtype=float)
PP_GRID = np.array([1, 2, 4, 6, 8, 12, 16, 24, 32, 48, 64], dtype=float)
CP_GRID = np.array([1, 2, 4, 8, 16, 32], dtype=float)
# virtual stages per chip (interleaved schedule; 1: 1F1B). The free search picks among V_SEARCH; the other values
# are layouts a spec may fix, as recipes run them (NVIDIA's Megatron-Bridge performance recipes: Llama 3 70B at
# PP 4 or 8 with VP 5, Qwen3 235B at VP 3 and 12, Qwen3 30B at VP 24, Llama 3 70B LoRA at VP 20; docs/
# performance-summary-archive.md, NVIDIA-NeMo/Megatron-Bridge commit 067f987d [P]), so a recipe's layout is never
# refused while the searched layouts (and every figure that does not fix them) stay as they were
V_GRID = np.array([1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 16, 20, 24], dtype=float)
V_SEARCH = np.array([1, 2, 4, 8], dtype=float)
N_LADDER = np.unique(np.round(np.geomspace(1, 2 ** 21, 220)))   # accelerator counts for `deadline` (~7% apart)
RECOMPUTE = {"auto": -1.0, "none": 0.0, "selective": 1.0, "full": 2.0}
ACT_BYTES = 2.0                                      # bytes per activation value (bf16)
# HBM bytes the elementwise work of one layer moves per token, in units of the hidden size h (forward and
# backward): RMS norms, residual adds, the SwiGLU product, rotary embedding and the casts of GEMM inputs, each a
# read and a write of bf16 activations (forward ~56 h bytes for a Llama-style layer with ffn = 3.5 h; the
# backward about twice that): ~150 h [D] (docs/accuracy.md, "Training v3"); read at the copy rate measured on one
# H100, 3.02 of 3.35 TB/s (reference/h100_microbench.md [P])
ELEMENTWISE_BYTES = 150.0
# dense layers of a MoE model (`let dense_layers` on the model: DeepSeek-V3's first 3, "first_k_dense_replace"): no
# dispatcher, no host sync; a model without the let has every layer MoE
DENSE_LAYERS = Option("dense_layers", "1", WHOLE_NUMBER,
                      "the dense layers of a MoE model, without a dispatcher or its host sync (DeepSeek-V3's first "
                      "3, `first_k_dense_replace`; none without the let): at most its layers", at_most=("layers",))
HBM_EFFICIENCY = 3.02 / 3.35
# LoRA adapters (rank r << h) on the four linear maps of a layer: y = W x + B (A x) moves, per token, the input
# (d_i) and output (d_o) of each adapted map about 4 times (forward: A x reads x, the B product's output is
# written and added to W x; backward: the output gradient read, x read again for A's weight gradient, the input
# gradient read and written back), 8 (d_i + d_o) bytes in bf16; for a Llama-style layer (attention width h,
# K and V h / 4, ffn 3.5 h: qkv 2.25 h, o 2 h, gate-up 8 h, down 4.5 h) 8 x 16.75 h = 134 h [D]
LORA_ADAPTER_BYTES = 134.0
# GEMM efficiency by the rows of the product (tokens per chip per micro-batch), as a share of the large-shape
# rate: bf16 C[M, 14336] = A[M, 4096] B on one H100 SXM, 542, 599, 639 TFLOP/s at M = 256, 512, 1,024 and
# 760-778 on large shapes (M >= 2,048); 306 at M = 128 (reference/h100_microbench.md: PyTorch 2.11,
# CUDA 13 cuBLAS, measured 2026-11-27 [P])
GEMM_ROWS = np.array([128.0, 256.0, 512.0, 1024.0, 2048.0])
GEMM_SHARE = np.array([306.0, 542.0, 599.0, 639.0, 770.0]) / 770.0
# share of its peak a large GEMM reaches at a precision, relative to bf16: fp8 1,355-1,418 of 1,979 (70%)
# against bf16 760-778 of 989 (77%) on the same H100 (reference/h100_microbench.md [P]); narrower formats as fp8
PRECISION_SHARE = {"bf16": 1.0, "fp8": 0.70 / 0.77, "int8": 0.70 / 0.77, "fp4": 0.70 / 0.77}
# the rows at which the GEMM_SHARE table's own GEMM reaches half its large-shape rate: bf16 on one H100, t(m) =
# 12.5 us + 0.172 us m (K 4,096, N 14,336; reference/h100_microbench.md [P]), m0 = 12.5 / 0.172 = 72.7 [D]. An FP4
# GEMM of a chip with `let gemm_half_rows_fp4` (Blackwell: the same fixed time at its FP4 per-row rate,
# stdlib/chips.factory) has its knee at that chip's m0 instead: share x (m + 72.7) / (m + m0) ("NVFP4" in the
# module docstring)
GEMM_HALF_ROWS_TABLE = 12.5 / 0.172
# the attention core (QK^T, softmax, AV: Transformer Engine's fused DotProductAttention) has no FP4 kernel: an FP4
# run computes it in FP8 (NVIDIA's MLPerf Training v5.1 NVFP4 recipes that set FP8_DPA) or BF16 (those that do
# not), the spec's `attention_precision`; every other precision computes it at its own
ATTENTION_DEFAULT = {"bf16": "bf16", "fp8": "fp8", "int8": "int8", "fp4": "fp8"}


def fp4_knee(rows, half_rows):
    """The further share of an FP4 GEMM's rate at `rows` rows, beyond the GEMM_SHARE table's: (m + 72.7) / (m + m0)
    with m0 the chip's `gemm_half_rows_fp4` (1 where m0 is the table's own)."""
    return (rows + GEMM_HALF_ROWS_TABLE) / (rows + half_rows)


def gemm_shape_share(rows):
    """Share of the large-shape GEMM rate at `rows` tokens per product (interpolated in log rows)."""
    return np.interp(np.log(np.maximum(rows, 1.0)), np.log(GEMM_ROWS), GEMM_SHARE)


# MoE token permutation, per token and MoE layer in units of h: Megatron's permute (before the experts' grouped GEMMs)
# reads a token and writes its k expanded copies, unpermute reads the k expert outputs and writes their weighted
# sum; each again in the backward pass (the gradients flow the same copies the other way): 4 passes x (k + 1) h
# values x 2 bytes (bf16) = 8 (k + 1) h bytes [D] (DeepSeek-V3, k = 8: 72 h; GPT-OSS, k = 4: 40 h; beside the 150 h
# of a dense layer's elementwise work, which counts its own SwiGLU)
PERMUTE_PASSES = 4.0


def permute_bytes(k):
    """HBM bytes per token and MoE layer, in units of h, that the token permutation moves: 8 (k + 1) [D]."""
    return PERMUTE_PASSES * ACT_BYTES * (k + 1.0)


# The optimizer step (Adam with Megatron's distributed optimizer: bf16 weights, fp32 main gradients, fp32 main weights
# and both moments sharded over the d = dp cp data-parallel ranks, "bf16 parameters, fp32 gradients: 6 + 12/d" bytes
# of state a parameter; NVIDIA/Megatron-LM docs/user-guide/features/dist_optimizer.md, "Key Steps", commit d98e8a64
# [P]), HBM bytes [D]:
#   a parameter of the chip's shard: the gradient norm (clipping) reads the fp32 main gradient (4); the fused Adam
#   kernel reads gradient, main weight and two moments (16) and writes weight and moments (12); the updated main
#   weight is cast into the bf16 weight buffer that the parameter all-gather sends (read 4, write 2): 38
#   a parameter the chip holds: the gradient buffer the backward accumulates into is zeroed for the next step
#   (Megatron's zero_grad_buffer, a memset) in the reduction's precision, bf16 in NVIDIA's MLPerf GPT-3 recipe
#   (conf/optim/distributed_fused_adam.yaml `grad_sync_dtype: bf16`, mlcommons/training_results_v4.0 NVIDIA/
#   benchmarks/gpt3/implementations/nemo [P]): 2 (4 where gradients are reduced in fp32 [U])
OPTIMIZER_SHARD_BYTES = 4.0 + 16.0 + 12.0 + 4.0 + 2.0
OPTIMIZER_HELD_BYTES = 2.0


def optimizer_step_time(dense_held, expert_held, d, d_e, memory_bw):
    """Seconds of the optimizer step on one chip (module docstring, `fixed`): memory-bound, OPTIMIZER_SHARD_BYTES
    (38) a parameter of its shard (the dense parameters it holds over d, the experts over d_e data-parallel ranks)
    and OPTIMIZER_HELD_BYTES (2) a parameter it holds, at the chip's HBM bandwidth times the measured copy
    efficiency (HBM_EFFICIENCY)."""
    shard = dense_held / d + expert_held / d_e
    held = dense_held + expert_held
    return (OPTIMIZER_SHARD_BYTES * shard + OPTIMIZER_HELD_BYTES * held) / (memory_bw * HBM_EFFICIENCY)


def _col(x) -> np.ndarray:
    return np.asarray(x, dtype=float).reshape(-1, 1)


def _divides(d, x):
    """d divides x (both whole numbers held as floats)."""
    q = x / d
    return np.abs(q - np.round(q)) < 1e-9


def _divisors(x: int, bound: int) -> np.ndarray:
    """The divisors of a whole number x >= 1 up to `bound`, ascending: trial division up to min(bound, sqrt(x))
    and the cofactors (the degrees beyond the chips in use never matter, so a huge x costs no more than them)."""
    trial = np.arange(1, min(bound, math.isqrt(x)) + 1, dtype=np.int64)
    small = trial[x % trial == 0]
    both = np.union1d(small, x // small)
    return both[both <= bound]


def expert_parallel(E, dcp, g_dom):
    """The expert-parallel degrees Megatron-Core can run for a column: ep divides the routed experts E
    (megatron/core/transformer/moe/moe_layer.py `assert self.config.num_moe_experts % ep_size == 0`) and the
    data-parallel ranks dp cp (megatron/core/parallel_state.py `initialize_model_parallel`: the world tp pp cp dp
    must divide by expert_tensor_parallel x ep x pp, and expert tensor parallelism is tp here, so ep | dp cp;
    NVIDIA/Megatron-LM d98e8a6, 2026-08-22 [P]). Returns (ep_in, ep_max): the largest such degree whose group
    lies in one scale-up domain (at most g_dom ranks), and the largest of all, gcd(E, dp cp); 1 for a dense
    model (E = 0) and wherever only 1 divides both. By lookup tables over the whole values of dp cp and g_dom
    (per distinct E: gcd(E, v) for v up to the largest dp cp, then the largest divisor of each gcd within g), so
    the cost per column is two gathers whatever E's divisors."""
    E, dcp, g_dom = (np.asarray(x, dtype=float) for x in (E, dcp, g_dom))
    shape = np.broadcast_shapes(E.shape, dcp.shape, g_dom.shape)
    ep_in, ep_max = np.ones(shape), np.ones(shape)
    # a whole number of experts, held exactly (else only 1 divides it)
    whole = (E > 0) & (E < 2.0 ** 53) & (np.abs(E - np.round(E)) < 1e-9)
    kinds = np.unique(np.round(E[whole]))
    if kinds.size == 0:
        return ep_in, ep_max
    v = np.broadcast_to(np.round(np.maximum(dcp, 1.0)), shape).astype(np.int64)
    g = np.broadcast_to(np.floor(np.maximum(g_dom, 1.0) + 1e-9), shape).astype(np.int64)
    for e in kinds:
        e = int(e)
        mine = np.abs(E - e) < 0.5
        rows = Ellipsis if mine.all() else np.broadcast_to(mine, shape)    # one model: no mask to apply
        vr = v[rows]
        top = int(vr.max())
        divs = _divisors(e, top)                     # gcd(e, v) <= v: the divisors up to the largest dp cp
        if top > max(e, 1 << 16):            # a table up to e (gcd(e, v) = gcd(e, v mod e)) beats one up to v
            vr, top = vr % e, e
        # index into divs of gcd(e, v) for v = 0..top (gcd(e, 0) = e, only where v was reduced, then e <= top)
        gcd_index = np.searchsorted(divs, np.gcd(e, np.arange(top + 1)))
        k = gcd_index[vr]
        # within[i, j]: the largest divisor of divs[i] that is <= divs[j]; a domain of g ranks reads column j of
        # the largest divs[j] <= g (a divisor of divs[i] that is <= g is <= that one too)
        within = np.empty((divs.size, divs.size))
        for i, d in enumerate(divs):
            sub = divs[d % divs == 0]
            within[i] = sub[np.searchsorted(sub, divs, side="right") - 1]
        gr = g[rows]
        g_top = int(min(gr.max(), divs[-1]))                # a larger domain reads the largest divisor's column
        column = np.maximum(np.searchsorted(divs, np.arange(g_top + 1), side="right") - 1, 0)[
            np.minimum(gr, g_top)]
        ep_max[rows] = divs.astype(float)[k]
        ep_in[rows] = within[k, column]
    return ep_in, ep_max


def layouts():
    """The (tp, pp, cp, micro-batch, virtual stages) candidates as flat arrays; virtual stages > 1 only with
    pp > 1 (interleaving needs a pipeline)."""
    g = np.meshgrid(TP_GRID, PP_GRID, CP_GRID, MICRO_GRID, V_GRID, indexing="ij")
    tp, pp, cp, mb, v = (x.ravel() for x in g)
    keep = (v == 1) | (pp > 1)
    return tp[keep], pp[keep], cp[keep], mb[keep], v[keep]


LAYOUTS = layouts()


def _layout(hw, arch, job, tp, pp, cp, mb, v, n, rule: int = 0):
    """The layout of every column, (scenarios, configurations): sequences per step, dp, chips in use,
    micro-batches per replica and whether the column is a layout at all (divisibility, stages, the
    interleaved schedule's conditions; the expert-parallel degree is checked with the memory). The global batch
    is the workload's; data parallelism splits it, never grows it. Shared by `step_configs` and `_prune`, so
    the search and its pruning read the same numbers."""
    S, L, s, G = _col(hw["scaleup"]), _col(arch.layers), _col(job["seq"]), _col(job["batch"])
    seqs = np.maximum(np.ceil(G / s - 1e-9), 1.0)                 # sequences per step
    dp = np.minimum(np.floor(n / (tp * pp * cp) + 1e-9), np.floor(seqs / mb + 1e-9))
    dp = _dp_rule(dp, seqs, rule)
    valid = ((dp >= 1) & (tp <= S + 1e-9) & _divides(tp, S) & (pp <= L) & (cp <= s)
             & (v <= np.ceil(L / pp - 1e-9)) & (_col(job["interleave"]) + (v == 1) > 0))
    dp = np.maximum(dp, 1.0)
    used = dp * tp * pp * cp                           # chips in use; the rest of the allocation idles
    per_replica = np.ceil(seqs / dp - 1e-9)            # sequences each replica processes in a step
    m = np.ceil(per_replica / mb - 1e-9)               # micro-batches per step
    valid = valid & ((v == 1) | (m >= pp))             # interleaving needs at least pp micro-batches in flight
    return seqs, dp, used, m, valid


def _dp_rule(dp_max, seqs, rule: int):
    """The data-parallel degree a candidate column takes of the most its count allows (dp_max): rule 0 dp_max; rule
    k >= 2 the largest multiple of k <= dp_max (below k: no layout), for a MoE, whose expert-parallel degree must
    divide dp cp (Megatron-Core; ep_max = gcd(E, dp cp)): on 3,312 GB200 (46 NVL72) DeepSeek-V3 at tp 4, pp 12, cp 2
    has dp_max 34, which allows ep 4 of its 256 experts; 32 replicas (3,072 in use, 240 idle) allow ep 8. Before
    (s20-hunt, 2026-12-06) only dp_max was searched, so 3,312 GB200 took 114,579 s where 3,096 took 109,664 s (the
    same 3,072-chip layout, 24 idle): adding accelerators made the run 4.5% slower."""
    if rule == 0:
        return dp_max
    return np.floor(dp_max / rule + 1e-9) * rule


def dp_rules(arch) -> tuple[int, ...]:
    """The dp rules (`_dp_rule`) a search of `arch` reads: 0; a MoE also the powers of two up to its routed experts
    (they set gcd(E, dp cp) for the power-of-two expert counts of every MoE in the stdlib; a dense model has no
    such constraint, and its search is unchanged)."""
    experts = float(np.max(np.asarray(arch.experts, dtype=float)))
    if experts <= 1:
        return (0,)
    return (0,) + tuple(2 ** j for j in range(1, int(np.log2(experts) + 1e-9) + 1))


def _state(arch, job, tp, pp, dp, cp, ep):
    """Bytes of weights, gradients and optimizer state a chip holds (ZeRO stage `zero` over dp cp; experts
    over dp cp / ep); LoRA: the frozen base at the precision's bytes."""
    N, n_exp = _col(arch.params), _col(arch.expert_params)
    n_dense = N - n_exp
    zero, lora = _col(job["zero"]), _col(job["lora"])
    d, de = dp * cp, np.maximum(dp * cp / ep, 1.0)

    def per_param(d):      # bf16 weights and gradients, fp32 master weights and Adam moments (12 B)
        return 2.0 / np.where(zero >= 3, d, 1.0) + 2.0 / np.where(zero >= 2, d, 1.0) + 12.0 / np.where(zero >= 1, d, 1.0)
    full = n_dense / (tp * pp) * per_param(d) + n_exp / (tp * pp * ep) * per_param(de)
    frozen = (n_dense + n_exp / ep) / (tp * pp) * frozen_bytes(job["wbytes"]) / np.where(zero >= 3, d, 1.0)
    return np.where(lora > 0, frozen, full)


def frozen_bytes(wbytes):
    """Bytes a frozen (LoRA base) weight holds per parameter: bf16 2; a narrower format twice its width, the weight
    and its transposed (column-wise) copy, which the backward pass's input-gradient GEMM reads (Transformer
    Engine keeps both for FP8 and MXFP8 weights: Hopper's FP8 tensor cores take only the TN layout) [S]."""
    w = _col(wbytes)
    return np.where(w < 2.0, 2.0 * w, w)


# Activation bytes per layer, token and hidden unit (Korthikanti et al. 2022, "Reducing Activation Recomputation in
# Large Transformer Models", arXiv 2205.05198, section 4, with tensor and sequence parallelism): 34 with the attention
# core's s x s scores not stored (FlashAttention; the paper's selective recomputation), 2 with full recomputation
# (the layer's input only)
FLASH_ACTIVATION_BYTES = 34.0
FULL_RECOMPUTE_BYTES = 2.0
# FlashAttention's backward pass: five GEMMs of the forward's size-2 pair (S = Q K^T again, dV = P^T dO,
# dP = dO V^T, dQ = dS K, dK = dS^T Q), 2.5 times the forward's FLOPs (Dao, "FlashAttention-2", arXiv 2307.08691,
# 2023, section 4.1 [S]): forward 2 L s D a token (causal), backward 5 L s D
FLASH_BACKWARD_SHARE = 2.5


def act_flash_bytes(tokens, h, tp):
    """Bytes of one layer's activations for `tokens` tokens of a sequence on one chip with nothing recomputed (or
    only the attention core, which under FlashAttention frees nothing): 34 tokens h / tp."""
    return tokens * h * FLASH_ACTIVATION_BYTES / tp


def attention_flops(L, s, D, recomputed):
    """FLOPs a token of the attention core (QK^T, softmax, AV) takes through forward and backward under
    FlashAttention, `recomputed` the share of layers whose core runs its forward again (checkpointed): 2 L s D
    forward (causal) x (1 + 2.5) + recomputed x 2 L s D = 7 L s D + recomputed x 2 L s D."""
    forward = 2 * L * s * D
    return forward * (1 + FLASH_BACKWARD_SHARE) + recomputed * forward


def _inflight(L, pp, m, v, mb):
    """Sequences x layers of activations in flight on the first stage (interleaved 1F1B: Narayanan et al. 2021)."""
    return (L / pp) * np.minimum(pp, m) * np.where(v > 1, 1 + (pp - 1) / (pp * v), 1.0) * mb


def step_configs(hw, arch, job, tp, pp, cp, mb, v, n, rule: int = 0):
    """Step time and memory of every (tp, pp, cp, micro-batch, virtual stages, n) column: arrays (scenarios,
    configurations). The formulas are the module docstring's."""
    tp, pp, cp, mb, v = (np.asarray(x, dtype=float).reshape(1, -1) for x in (tp, pp, cp, mb, v))
    n = np.asarray(n, dtype=float)
    n = n.reshape(1, -1) if n.ndim < 2 else n         # (scenarios, configurations): each scenario's own counts
    P, BL, BO, M = _col(hw["peak"]), _col(hw["link"]), _col(hw["scaleout"]), _col(hw["memory"])
    S, fa2a = _col(hw["scaleup"]), _col(hw["alltoall_share"])
    N, Aa, L, h, D = (_col(getattr(arch, k)) for k in ("params", "active", "layers", "hidden", "attn_width"))
    E, k_act, kvw, kv_split = (_col(getattr(arch, k)) for k in ("experts", "experts_active", "kv_width", "kv_split"))
    s, et = _col(job["seq"]), _col(job["eff"])
    lora, lat, mode, zero = _col(job["lora"]), _col(job["lat"]), _col(job["recompute"]), _col(job["zero"])
    a = ACT_BYTES
    seqs, dp, used, m, valid = _layout(hw, arch, job, tp, pp, cp, mb, v, n, rule)
    sl = s / cp                                        # tokens of a sequence on one chip
    # ---- experts: in the scale-up domain when the state fits there, else over the fabric
    g_dom = np.maximum(np.floor(S / (tp * cp) + 1e-9), 1.0)         # EP ranks one domain holds
    moe = E > 0
    ep_in, ep_max = expert_parallel(E, dp * cp, g_dom)    # divisors of E and of dp cp (Megatron-Core)
    n_exp = _col(arch.expert_params)
    n_dense = N - n_exp
    usable = M * (1 - _col(job["reserve"]))

    def state(ep):
        return _state(arch, job, tp, pp, dp, cp, ep)

    # activations (Korthikanti et al. 2022) under FlashAttention, bytes per layer per sequence on one chip, with
    # TP + SP and CP: no s x s scores are stored (the 5 a_h s / h term is gone), so none and selective hold the same
    act_none = act_flash_bytes(sl, h, tp)
    act_full = sl * h * FULL_RECOMPUTE_BYTES / tp
    inflight = _inflight(L, pp, m, v, mb)
    fixed_ep = _col(job["ep_fixed"])
    ep = np.where(np.isfinite(fixed_ep), fixed_ep,
                  np.where(state(ep_in) + inflight * act_full <= usable, ep_in, ep_max))
    # ep splits the routed experts evenly over its ranks (Megatron: num_experts % ep == 0) and the data-parallel
    # ranks dp cp into whole expert groups (world % (tp ep pp) == 0), or the column is no layout (a spec's ep)
    ep_ok = _divides(np.maximum(ep, 1.0), E) & _divides(np.maximum(ep, 1.0), dp * cp)
    valid = valid & ((ep <= 1) | (moe & ep_ok))
    weights = state(ep)
    room = usable - weights                            # bytes left for activations
    # recomputation: the least that fits (none, then full on the fewest layers), or the job's
    per_stage = np.ceil(L / pp - 1e-9)
    # (selective frees nothing under FlashAttention: the auto ladder is none, then full on the fewest layers with
    # the others at none)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.clip((inflight * act_none - room) / (inflight * (act_none - act_full)), 0.0, 1.0)
    r = np.ceil(r * per_stage - 1e-9) / per_stage      # whole layers of each stage
    auto_none = inflight * act_none <= room
    level = np.where(mode >= 0, np.where(mode >= 2, 2.0, mode), np.where(auto_none, 0.0, 2.0))
    r = np.where(mode >= 2, 1.0, np.where(level >= 2, r, 0.0))
    acts = inflight * ((1 - r) * act_none + r * act_full)
    fits = valid & (acts <= room)
    # ---- compute
    model_flops = np.where(lora > 0, 4 * Aa, 6 * Aa) + 6 * L * s * D          # per token (attention: causal)
    # the linear layers' GEMMs at the run's precision (FP4: with the chip's FP4 knee), the attention core at its own:
    # FlashAttention's 7 L s D (its backward recomputes the scores) and the recomputed forward of the core on the
    # layers whose attention is checkpointed (selective: every layer; full: the share r)
    linear = np.where(lora > 0, 4 * Aa, 6 * Aa) + r * 2 * Aa
    att_rc = np.where(level == 1, 1.0, r)
    attention = attention_flops(L, s, D, att_rc)
    shape = gemm_shape_share(mb * sl)
    rate = P * _col(hw["clock"]) * et * shape * fp4_knee(mb * sl, _col(hw["half_rows"]))
    rate_att = _col(hw["peak_attn"]) * _col(hw["clock"]) * _col(job["eff_attn"]) * shape
    t_mb = mb * s * (linear / rate + attention / rate_att) / (tp * cp * pp)  # one micro-batch through one stage
    # elementwise work between the GEMMs: memory-bound, split over tp (sequence parallelism) and cp like the tokens
    t_mem = (m * mb * sl * (L / pp) * (ELEMENTWISE_BYTES + np.where(lora > 0, LORA_ADAPTER_BYTES, 0.0)
                                        + np.where(moe, permute_bytes(k_act), 0.0)) * h / tp
             / (_col(hw["memory_bw"]) * HBM_EFFICIENCY))
    t_c = m * t_mb
    # MoE host sync: each MoE layer's dispatcher waits on the host for the tokens per expert (once a micro-batch,
    # again for a recomputed forward), unless the stack is sync-free; the stall lengthens the stage like its work
    moe_layers = np.where(moe, np.clip(L - _col(job["dense_layers"]), 0.0, L), 0.0)
    stall = _col(job["sync_time"]) + np.where(_col(job["static_graphs"]) > 0, 0.0, _col(job["launch_time"]))
    t_sync = np.where(moe & (_col(job["sync_free"]) <= 0), (1 + r) * m * (moe_layers / pp) * stall, 0.0)
    bubble = (t_c + t_mem + t_sync) * (pp - 1) / (v * m)
    # ---- communication
    t_tp = np.where(tp > 1, (4 + 2 * r) * (L / pp) * m * (lat + mb * sl * h * a * 2 * (tp - 1) / tp / BL), 0.0)
    cp_in = (tp * cp <= S + 1e-9) & _divides(tp * cp, S)
    t_cp = np.where(cp > 1, 3 * (L / pp) * m * (cp - 1) * (
        lat + mb * sl * kvw * a / np.minimum(tp, kv_split) / np.where(cp_in, BL, BO)), 0.0)
    t_att = m * mb * s * attention_flops(L, s, D, 0.0) / (tp * cp * pp * rate_att)   # attention's share of t_c
    t_cp_exposed = np.maximum(t_cp - t_att, 0.0)
    pp_in = tp * cp * pp <= S + 1e-9
    hop = lat + mb * sl * h * a / tp / np.where(pp_in, BL, BO)
    t_pp = np.where(pp > 1, 2 * v * m * hop, 0.0)
    t_pp_exposed = np.where(pp > 1, 2 * (pp - 1) * hop, 0.0)  # asynchronous sends: only the fill and drain wait
    d, de = dp * cp, np.maximum(dp * cp / ep, 1.0)
    dense_share = n_dense / (tp * pp) * (d - 1) / d            # parameters a chip reduces, dense and expert groups
    exp_share = n_exp / (tp * pp * ep) * (de - 1) / de
    # the bandwidth of each group's rings: one domain BL; across domains BO, or (dp_domain_rings) min(BL, g BO)
    # with g the group's members in one domain (ranks tp apart for the dense group, tp ep for the expert one)
    one = used <= S + 1e-9
    rings = _col(job["dp_rings"]) > 0
    g_dense = np.maximum(np.minimum(d, np.floor(S / tp + 1e-9)), 1.0)
    g_exp = np.maximum(np.minimum(de, np.floor(S / (tp * np.maximum(ep, 1.0)) + 1e-9)), 1.0)
    bw_dense = np.where(one, BL, np.where(rings, np.minimum(BL, g_dense * BO), BO))
    bw_exp = np.where(one, BL, np.where(rings, np.minimum(BL, g_exp * BO), BO))
    grads = np.where(lora > 0, 0.0, 1.0) * 2.0 * (dense_share + exp_share)
    # LoRA under ZeRO-3 (the frozen base sharded over d): its weights are all-gathered for the forward, the
    # backward and each recomputed forward pass (2 + r), the adapters' gradients are negligible
    gathers = np.where((lora > 0) & (zero >= 3), (2.0 + r) * (dense_share + exp_share), 0.0)
    t_dp = np.where(rings, (np.where(zero >= 3, 3.0, 2.0) * grads + gathers * _col(job["wbytes"]))
                    * (dense_share / bw_dense + exp_share / bw_exp) / np.maximum(dense_share + exp_share, 1e-300),
                    (np.where(zero >= 3, 3.0, 2.0) * grads + gathers * _col(job["wbytes"]))
                    / np.where(one, BL, BO))                                # ZeRO-3: weights too
    t_dp_exposed = np.maximum(t_dp - 2.0 / 3.0 * t_c, 0.0)
    # all-to-all: each token's k expert copies leave for the other ep - 1 ranks; the g - 1 in the domain go on
    # the scale-up links, the ep - g outside on the fabric at its all-to-all share of the NIC bandwidth
    g = np.minimum(ep, g_dom)
    volume = (4 + 2 * r) * (L / pp) * m * mb * sl * k_act * h * a / ep
    t_ep = np.where(moe & (ep > 1), np.maximum(volume * (g - 1) / BL, volume * (ep - g) / (BO * fa2a)), 0.0)
    t_ep_exposed = np.where(_col(job["ep_overlap"]) > 0, np.maximum(t_ep - t_c, 0.0), t_ep)
    # TP-comm overlap: each all-gather / reduce-scatter is split into tp chunks pipelined with the GEMM's chunks
    # (ring exchange): only one chunk's transfer waits, unless the transfers outlast the computation
    # LoRA: the input gradients' reduce-scatters of the qkv and fc1 GEMMs, which Transformer Engine overlaps in bulk
    # with the weight-gradient GEMMs, have none to hide behind when the base is frozen: one all-reduce equivalent of
    # the 4 + 2 r is exposed in full
    bulk = np.where(lora > 0, t_tp / (4 + 2 * r), 0.0)
    t_tp_exposed = np.where(_col(job["tp_overlap"]) > 0,
                            bulk + np.maximum((t_tp - bulk) / tp, t_tp - bulk - t_c), t_tp)
    # the optimizer step: memory-bound over the chip's shard of the fp32 state (LoRA: the adapters', negligible;
    # ZeRO stage 0: every data-parallel rank updates the whole state it holds)
    sharded = zero >= 1
    t_opt = np.where(lora > 0, 0.0, optimizer_step_time(n_dense / (tp * pp), n_exp / (tp * pp * ep),
                                                         np.where(sharded, d, 1.0), np.where(sharded, de, 1.0),
                                                         _col(hw["memory_bw"])))
    # the host's launches of a step without CUDA graphs (per step; a graphed run, per layer or whole, does not pay it)
    t_host = np.where(_col(job["graphs"]) > 0, 0.0, _col(job["ungraphed"]))
    # a full-iteration graph's capture of the schedule's own host work (`full_graph_schedule`, opt-in): c_0 less
    # schedule_host_time, never below 0
    c_0 = _col(job["overhead"])
    c_0 = np.where((_col(job["graphs"]) >= 2) & (_col(job["full_schedule"]) > 0),
                   np.maximum(c_0 - _col(job["schedule_host"]), 0.0), c_0)
    # the schedule's host work each micro-batch (`microbatch_host_time`, default 0), outside a full-iteration graph
    t_mb = np.where(_col(job["graphs"]) >= 2, 0.0, m * _col(job["mb_host"]))
    t_fixed = c_0 + t_host + t_mb + t_opt + 2.0 * lat * np.ceil(np.log2(np.maximum(used, 1.0)))
    t_step = (t_c + t_mem + t_sync + bubble + t_tp_exposed + t_fixed + t_pp_exposed + t_cp_exposed + t_dp_exposed
              + t_ep_exposed)
    tokens_step = seqs * s
    z = 0 * t_step
    return {"t_step": t_step, "fits": fits, "tokens_step": tokens_step + z, "flops": model_flops + z,
            "tp": tp + z, "pp": pp + z, "cp": cp + z, "dp": dp + z, "ep": ep + z, "v": v + z, "mb": mb + z,
            "recompute": r + z, "level": level + z,
            "mfu": tokens_step * model_flops / t_step / (n * P), "n": n + z, "used": used + z,
            "valid": valid + z, "memory_need": weights + acts + z, "state_memory": weights + z, "usable": usable + z,
            # the terms of one step, for `factory explain`
            "compute_time": t_c + z, "elementwise_time": t_mem + z, "moe_sync_time": t_sync + z,
            "recompute_time": m * mb * s * (r * 2 * Aa / rate + att_rc * 2 * L * s * D / rate_att)
                              / (tp * cp * pp) + z,
            "bubble_time": bubble + z, "tp_comm_time": t_tp + z, "tp_comm_exposed_time": t_tp_exposed + z,
            "step_overhead_time": t_fixed + z, "optimizer_time": t_opt + z, "pp_comm_time": t_pp + z,
            "pp_comm_exposed_time": t_pp_exposed + z,
            "cp_comm_time": t_cp + z, "cp_comm_exposed_time": t_cp_exposed + z,
            "dp_comm_time": t_dp + z, "dp_comm_exposed_time": t_dp_exposed + z, "ep_comm_time": t_ep + z,
            "ep_comm_exposed_time": t_ep_exposed + z}


def grid(n_values, max_tp: float, layouts=None):
    """The layout candidates with their n, n innermost, as flat arrays; `n_values` is one list of counts for
    every scenario, or a (scenarios, counts) array of each scenario's own counts (then n is one too).
    `layouts`: which of LAYOUTS to take (a boolean per layout; all by default)."""
    tp, pp, cp, mb, v = LAYOUTS
    keep = tp <= max(max_tp, 1)
    if layouts is not None:
        keep = keep & layouts
    counts = np.asarray(n_values, dtype=float)
    idx = np.arange(keep.sum())
    i, j = (x.ravel() for x in np.meshgrid(idx, np.arange(counts.shape[-1]), indexing="ij"))
    return tuple(x[keep][i] for x in (tp, pp, cp, mb, v)) + (counts[..., j],)


FIXED = {"tp": "tp", "pp": "pp", "dp": "dp", "cp": "cp", "virtual_stages": "v", "microbatch": "mb"}


# Pruning (PRUNE): before the physics, the search drops the columns that no scenario of the block can use, by
# rules that never drop a column the search could pick, so it picks the same layout and the same numbers:
#   - not a layout (`_layout`'s conditions: tp a power of two dividing the scale-up domain S, tp pp cp <= n,
#     micro-batch <= sequences, pp <= L, cp <= s, v <= ceil(L / pp), interleaving only with pp > 1, m >= pp
#     micro-batches and a schedule that allows it), or another than the coordinates the spec fixes;
#   - (`fits_only`, for the deadline's ladder, which reads only the layouts that fit) a memory lower bound
#     above the usable memory: the state at the largest expert-parallel degree the column allows (ep_max =
#     gcd(E, dp cp), or
#     the spec's ep; the state never grows with ep) plus the activations in flight under full recomputation of
#     every layer (the least any recomputation level holds) exceeds M (1 - reserve), with a 1e-6 margin for
#     rounding. Without `fits_only` such columns stay: the reason of an infeasible scenario names the layout that
#     needs the least memory.
# The first column (tp = pp = cp = micro-batch = v = 1 at the first count) always stays: a scenario with no
# layout at all reports its numbers, as the unpruned search did. Recomputation (the least that fits) and ZeRO
# (the spec's) are no coordinates of the search, so there is nothing to prune there.
PRUNE = True


def _prune_layouts(hw, arch, job, fixed: dict) -> np.ndarray:
    """Which of LAYOUTS some scenario of the block may pick at some count: `_layout`'s conditions that do not
    read the count, and the fixed coordinates other than dp (a boolean per layout; the first always)."""
    tp, pp, cp, mb, v = (x.reshape(1, -1) for x in LAYOUTS)
    S, L, s, G = _col(hw["scaleup"]), _col(arch.layers), _col(job["seq"]), _col(job["batch"])
    seqs = np.maximum(np.ceil(G / s - 1e-9), 1.0)
    keep = ((np.floor(seqs / mb + 1e-9) >= 1) & (tp <= S + 1e-9) & _divides(tp, S) & (pp <= L) & (cp <= s)
            & (v <= np.ceil(L / pp - 1e-9)) & (_col(job["interleave"]) + (v == 1) > 0))
    coordinate = {"tp": tp, "pp": pp, "cp": cp, "v": v, "mb": mb}
    if "virtual_stages" not in fixed:
        keep = keep & np.isin(v, V_SEARCH)           # the off-grid virtual stages only where a spec fixes them
    if "microbatch" not in fixed:
        keep = keep & np.isin(mb, MB_SEARCH)         # the off-grid micro-batches only where a spec fixes them
    for name, value in fixed.items():
        if FIXED[name] in coordinate:
            keep = keep & (np.abs(coordinate[FIXED[name]] - value) < 0.5)
    keep = keep.any(axis=0)
    keep[0] = True
    return keep


def _prune(hw, arch, job, layout, n, fixed: dict, fits_only: bool, rule: int = 0, base=None) -> np.ndarray:
    """Which columns of `layout` (tp, pp, cp, mb, v flat) at counts `n` some scenario of the block may pick
    (the rules above): a boolean per column."""
    tp, pp, cp, mb, v = (np.asarray(x, dtype=float).reshape(1, -1) for x in layout)
    n = np.asarray(n, dtype=float)
    n = n.reshape(1, -1) if n.ndim < 2 else n
    _, dp, _, m, keep = _layout(hw, arch, job, tp, pp, cp, mb, v, n, rule)
    if rule:                           # a rule's column only where its dp is new and allows a larger ep than dp_max
        dp0, ep0 = base                # (rule 0's dp and ep_max of these columns: `_rule_base`)
        before = _dp_rule(dp0, None, rule // 2) if rule > 2 else dp0
        keep = keep & (dp != before) & (expert_parallel(_col(arch.experts), dp * cp, 1.0)[1] > ep0)
    coordinate = {"tp": tp, "pp": pp, "cp": cp, "dp": dp, "v": v, "mb": mb}
    for name, value in fixed.items():
        keep = keep & (np.abs(coordinate[FIXED[name]] - value) < 0.5)
    keep = np.broadcast_to(keep, np.broadcast_shapes(keep.shape, tp.shape)).any(axis=0)
    if fits_only and keep.any():       # the memory bound, on the columns left
        keep[0] = keep[0] or not rule
        tp, pp, cp, mb, v = (x[:, keep] for x in (tp, pp, cp, mb, v))
        dp, m = (np.broadcast_to(x, np.broadcast_shapes(x.shape, keep.shape))[:, keep] for x in (dp, m))
        E, L, h = _col(arch.experts), _col(arch.layers), _col(arch.hidden)
        _, ep_max = expert_parallel(E, dp * cp, 1.0)
        fixed_ep = _col(job["ep_fixed"])
        ep = np.where(np.isfinite(fixed_ep), fixed_ep, ep_max)
        act_full = _col(job["seq"]) / cp * h * FULL_RECOMPUTE_BYTES / tp
        floor = _state(arch, job, tp, pp, dp, cp, ep) + _inflight(L, pp, m, v, mb) * act_full
        usable = _col(hw["memory"]) * (1 - _col(job["reserve"]))
        room = ~(floor > usable + 1e-6 * np.abs(usable))                # a NaN bound drops nothing
        keep[keep] = np.broadcast_to(room, np.broadcast_shapes(room.shape, tp.shape)).any(axis=0)
    keep[0] = keep[0] or not rule      # (rule 0's first column always stays; another rule's may go)
    return keep


def best_step(hw, arch, job, n_values, fixed: dict, fits_only: bool = False):
    """Step time and memory of every candidate column of the block (`step_configs`), with `ok` (fits, and the
    spec's fixed coordinates) and `allowed` (a layout with the fixed coordinates): the columns of each dp rule
    (`dp_rules`, `_dp_rule`) side by side. With PRUNE the columns no scenario can use are dropped first
    (`_prune`; with `fits_only` also those that cannot fit in memory; a rule's column whose dp is rule 0's)."""
    rules = dp_rules(arch)
    base = _rule_base(hw, arch, job, n_values, fixed) if PRUNE and len(rules) > 1 else None
    parts = [_best_step(hw, arch, job, n_values, fixed, fits_only, rule, base) for rule in rules]
    parts = [part for part in parts if part is not None]
    if len(parts) == 1:
        return parts[0]
    shape = lambda x: (x.shape[0] if x.ndim > 1 else 1,)      # noqa: E731
    rows = max(shape(v)[0] for q, _ in parts for v in q.values())
    q = {k: np.concatenate([np.broadcast_to(p[k], (rows, p[k].shape[-1])) for p, _ in parts], axis=1)
         for k in parts[0][0]}
    ok = np.concatenate([np.broadcast_to(o, (rows, o.shape[-1])) for _, o in parts], axis=1)
    return q, ok


def _rule_base(hw, arch, job, n_values, fixed: dict):
    """The pruned grid's columns (layout, n) and rule 0's dp and ep_max on them, read once by every dp rule."""
    *layout, n = grid(n_values, float(np.max(hw["scaleup"])), _prune_layouts(hw, arch, job, fixed))
    tp, pp, cp, mb, v = (np.asarray(x, dtype=float).reshape(1, -1) for x in layout)
    dp0 = _layout(hw, arch, job, tp, pp, cp, mb, v, n.reshape(1, -1) if n.ndim < 2 else n)[1]
    return layout, n, (dp0, expert_parallel(_col(arch.experts), dp0 * cp, 1.0)[1])


def _best_step(hw, arch, job, n_values, fixed: dict, fits_only: bool, rule: int, base=None):
    if PRUNE:
        if base is None:
            *layout, n = grid(n_values, float(np.max(hw["scaleup"])), _prune_layouts(hw, arch, job, fixed))
        else:
            layout, n = list(base[0]), base[1]
        keep = _prune(hw, arch, job, layout, n, fixed, fits_only, rule, base[2] if base is not None else None)
        if not keep.any():                           # a rule that gives no dp of its own here
            return None
    else:
        *layout, n = grid(n_values, float(np.max(hw["scaleup"])))
        # columns no scenario of the block can use (more chips, stages or context ranks than any of them has)
        # are dropped before the physics: they would be invalid in every row
        tp, pp, cp, _, v = layout
        layers = float(np.max(arch.layers))
        keep = ((tp * pp * cp <= np.max(n) + 1e-9) & (pp <= layers) & (v <= np.ceil(layers / pp - 1e-9))
                & (cp <= float(np.max(job["seq"]))))
        keep = keep if keep.any() else np.ones_like(keep)
    if not keep.all():
        layout = [x[keep] for x in layout]
        n = n[..., keep]
    q = step_configs(hw, arch, job, *layout, n, rule)
    shape = np.broadcast_shapes(*(v.shape for v in q.values()))
    q = {name: np.broadcast_to(v, shape) for name, v in q.items()}
    ok = q["fits"]
    allowed = q["valid"] > 0
    if "virtual_stages" not in fixed:                # the free search: V_SEARCH only (see V_GRID)
        searched = np.isin(q["v"], V_SEARCH)
        ok, allowed = ok & searched, allowed & searched
    if "microbatch" not in fixed:                    # the free search: MB_SEARCH only (see MICRO_GRID)
        searched = np.isin(q["mb"], MB_SEARCH)
        ok, allowed = ok & searched, allowed & searched
    for name, value in fixed.items():
        ok = ok & (np.abs(q[FIXED[name]] - value) < 0.5)
        allowed = allowed & (np.abs(q[FIXED[name]] - value) < 0.5)
    q["allowed"] = allowed
    return q, ok


def _pick(q, score, allowed):
    q = {k: np.broadcast_to(v, score.shape) for k, v in q.items()}
    best = np.argmax(score, axis=1)
    rows = np.arange(score.shape[0])
    out = {k: v[rows, best] for k, v in q.items()}
    out["feasible"] = np.isfinite(score[rows, best]).astype(float)
    # why a scenario has no layout: whether one exists at all, and the one that needs the least memory (the
    # layouts may be one row shared by scenarios that differ only in what scores them, e.g. the tokens)
    allowed = np.broadcast_to(allowed, score.shape)
    out["any_allowed"] = allowed.any(axis=1)
    closest = np.argmin(np.where(allowed, q["memory_need"], np.inf), axis=1)
    for name in ("memory_need", "state_memory", "usable", "tp", "pp", "cp", "dp"):
        out["closest_" + name] = q[name][rows, closest]
    return out


def why_infeasible(best: dict, arch, hw, n, fixed: dict, i: int, job: dict | None = None) -> str:
    """Why scenario `i` has no parallel layout, with the numbers. A given `ep` above 1 on a model with no routed
    experts (a dense model) is the reason itself, said first as "`ep` = N ..." so that the error stands at the `ep`
    field (evaluate.infeasible_check); it was a layout list that named neither (s19-plancolo)."""
    from ..display import format_quantity as f

    def at(x):
        x = np.asarray(x, dtype=float).reshape(-1)
        return float(x[i] if x.size > 1 else x[0])

    ep = at(job["ep_fixed"]) if job is not None else math.nan
    if not best["any_allowed"][i] and ep > 1 and at(arch.experts) <= 0:
        return Reason(f"`ep` = {f(ep, '')} asks for expert parallelism, but the model has no experts (a dense "
                      f"model, no routed experts to spread over ep ranks), so no parallel layout has ep = "
                      f"{f(ep, '')}", field="ep", value=ep, limit=at(arch.experts))
    if not best["any_allowed"][i]:
        fixed_text = " and ".join(f"{k} = {f(at(v), '')}" for k, v in fixed.items())
        first = next(iter(fixed), None)       # the first field the job fixes: the error stands at it
        return Reason(f"no parallel layout exists{' with ' + fixed_text if fixed_text else ''}: {f(at(n), '')} "
                      f"accelerators, a scale-up domain of {f(at(hw['scaleup']), '')}, {f(at(arch.layers), '')} "
                      f"layers (tp a power of two dividing the scale-up domain, tp x pp x cp at most the "
                      f"accelerators, pp at most the layers, dp x micro-batch at most the sequences of the global "
                      f"batch, a given ep a divisor of the routed experts and of dp x cp)",
                      field=first, value=at(fixed[first]) if first else None)
    layout = (f"tp = {f(at(best['closest_tp']), '')}, pp = {f(at(best['closest_pp']), '')}, "
              f"cp = {f(at(best['closest_cp']), '')}, dp = {f(at(best['closest_dp']), '')}")
    state, need = at(best["closest_state_memory"]), at(best["closest_memory_need"])
    usable = at(best["closest_usable"])
    return Reason(f"the training state does not fit: at best ({layout}) a chip holds {f(state, 'B')} of weights, "
                  f"gradients and optimizer state and {f(need - state, 'B')} of activations, {f(need, 'B')} in all, "
                  f"but has {f(usable, 'B')} usable ({f(at(hw['memory']), 'B')} less the reserve)",
                  value=need, limit=usable)        # about the chip's memory, no field of the job


def alltoall_share(ctx) -> np.ndarray:
    """The back-end fabric's all-to-all bandwidth per endpoint as a share of what an endpoint injects
    (network.alltoall_bw / network.injection_bw, at most 1): the `scale_out` network of the nearest enclosing
    block that holds one; 1 (non-blocking) where there is none. A job's `let alltoall_share = ...` sets it."""
    if ctx.has("alltoall_share"):
        return np.clip(ctx.get("alltoall_share"), 1e-6, 1.0)
    level = ctx.parent
    while level is not None:
        for net in level.parts("network"):
            if net.text("role", "scale_out") == "scale_out":
                inj, a2a = net.get("injection_bw"), net.get("alltoall_bw")
                with np.errstate(divide="ignore", invalid="ignore"):
                    share = np.where(inj > 0, a2a / inj, 1.0)
                return np.clip(np.nan_to_num(share, nan=1.0), 1e-6, 1.0)
        level = level.parent
    return np.ones(1)


def _gemm_share(chip, precision: str):
    """PRECISION_SHARE of the format whose rate the chip gives `precision` (inference.platform.rated_format), and
    bf16's where that rate is no faster than the chip's bf16 rate: the narrower format's lower share is of a doubled
    rate (H100: fp8 70% of 1,979 against bf16 77% of 989), and a chip that runs FP8 at its BF16 rate (TPU v5p,
    Gaudi 3) has no speed-up to lose a share of [D]. Before (s25-lawhunt, 2026-12-07): a bf16 run priced at Maia 200's
    fp8 rate (it publishes no bf16 one) took bf16's share and beat fp8 (GPT-3 175B on 64: 143 against 131 ktok/s),
    and fp8 on TPU v5p, at the bf16 rate, fp8's lower share (Llama 3.1 8B: 255 against 279 ktok/s)."""
    rated = rated_format(chip, precision)
    share = PRECISION_SHARE[rated]
    if rated == "bf16" or not chip.is_set("bf16") or not chip.is_set(rated):
        return np.asarray([share])
    return np.where(chip.get(rated) <= chip.get("bf16"), PRECISION_SHARE["bf16"], share)


def _inputs(ctx):
    platform = Platform(ctx)
    arch = architecture(ctx.ref("model"))
    chip = platform.chip
    precision = ctx.text("precision", "bf16") if ctx.is_set("precision") else ("fp8" if chip.is_set("fp8") else "bf16")
    attn = (ctx.text("attention_precision", ATTENTION_DEFAULT[precision]) if ctx.is_set("attention_precision")
            else ATTENTION_DEFAULT[precision])
    # the format whose rate the chip gives (as _peak falls back), so the share matches the rate; a chip that gives
    # only its run's rate (VR_NVL72: NVFP4) runs the attention at it [U]
    chain = {"bf16": ("bf16", "fp8"), "fp8": ("fp8", "bf16"), "int8": ("int8", "fp8", "bf16")}[attn]
    attn = next((name for name in chain if chip.is_set(name)), precision)
    knee = "gemm_half_rows_fp4"
    half_rows = chip.get(knee) if precision == "fp4" and chip.has(knee) else np.asarray([GEMM_HALF_ROWS_TABLE])
    hw = {"peak": _peak(chip, precision), "clock": compute_clock_fraction(ctx, chip), "link": platform.link(),
          "peak_attn": _peak(chip, attn), "half_rows": half_rows,
          "scaleout": platform.scaleout(),
          "memory": chip.get("memory"), "memory_bw": chip.get("memory_bw"), "scaleup": platform.scaleup(),
          "alltoall_share": alltoall_share(ctx)}
    context = ctx.ref("model").get("context") if ctx.ref("model").is_set("context") else np.asarray([4096.0])
    seq = ctx.get("seq_len") if ctx.is_set("seq_len") else np.minimum(4096.0, context)
    job = {"seq": seq,
           "batch": ctx.get("global_batch", default_global_batch),
           "eff": ctx.get("training_gemm_efficiency", training_efficiency) * _gemm_share(chip, precision),
           "eff_attn": ctx.get("training_gemm_efficiency", training_efficiency) * _gemm_share(chip, attn),
           "lora": np.asarray([1.0 if ctx.text("method", "full") == "lora" else 0.0]),
           "lat": ctx.get("collective_latency", collective_latency),
           "overhead": ctx.get("training_step_overhead", step_overhead),
           "eval_overhead": ctx.get("training_eval_overhead", eval_overhead),
           "startup": ctx.get("startup_time", 0.0),
           "tp_overlap": ctx.get("tp_comm_overlap", tp_overlap),
           "ep_overlap": ctx.get("ep_comm_overlap", ep_overlap),
           "dp_rings": ctx.get("dp_domain_rings", dp_domain_rings),
           "sync_free": ctx.get("moe_sync_free", moe_sync_free),
           "sync_time": ctx.get("moe_sync_time", moe_sync_time),
           "static_graphs": ctx.get("moe_static_graphs", moe_static_graphs),
           "launch_time": ctx.get("moe_launch_time", moe_launch_time),
           "dense_layers": (ctx.ref("model").get("dense_layers", DENSE_LAYERS)
                            if ctx.ref("model").has("dense_layers") else np.zeros(1)),
           "reserve": ctx.get("training_memory_reserve", training_reserve),
           "wbytes": np.asarray([PRECISION_BYTES[precision]]),
           "graphs": ctx.get("cuda_graphs", cuda_graphs),
           "ungraphed": ctx.get("ungraphed_host_time", ungraphed_host_time),
           "full_schedule": ctx.get("full_graph_schedule", full_graph_schedule),
           "mb_host": ctx.get("microbatch_host_time", microbatch_host_time),
           "schedule_host": ctx.get("schedule_host_time", schedule_host_time),
           "recompute": np.asarray([RECOMPUTE[ctx.text("recompute", "auto") if ctx.is_set("recompute") else "auto"]]),
           "zero": ctx.get("zero") if ctx.is_set("zero") else np.ones(1),
           "interleave": np.asarray([0.0 if ctx.text("pp_schedule", "interleaved") == "1f1b" else 1.0]),
           "ep_fixed": ctx.get("ep") if ctx.is_set("ep") else np.asarray([np.nan])}
    return platform, arch, hw, job, precision


def _fixed(ctx) -> dict:
    """The coordinates the spec fixes, each with its value in every scenario (a column over scenarios)."""
    return {name: _col(ctx.get(name)) for name in FIXED if ctx.is_set(name)}


def _rates(ctx) -> dict:
    """The failure model's inputs: interruptions per accelerator-second, checkpoint and restart times."""
    return {"failure_rate": ctx.get("failure_rate", failure_rate),
            "checkpoint": ctx.get("checkpoint_time", checkpoint_time),
            "restart": ctx.get("restart_time", restart_time)}


def _lost(rates: dict, n, t0):
    """The share of wall time lost to interruptions (module docstring, goodput): lam = n x failure_rate, tau =
    sqrt(2 c / lam); lam (r + T0 / 2) for a run shorter than tau, else c / tau + lam (r + tau / 2). At 1 or more
    the interruptions take all the time: the run never finishes. c / tau + lam tau / 2 = sqrt(2 c lam): at c = 0
    (a free checkpoint) lost = lam r."""
    lam = n * rates["failure_rate"]
    c, r = rates["checkpoint"], rates["restart"]
    with np.errstate(divide="ignore", invalid="ignore"):
        tau = np.sqrt(2 * c / np.maximum(lam, 1e-30))
        # c / tau + lam tau / 2 at tau = sqrt(2 c / lam) is sqrt(2 c lam): no 0 / 0 at a free checkpoint (c = 0)
        return np.where(t0 < tau, lam * (r + t0 / 2), np.sqrt(2 * c * lam) + lam * r)


def _goodput(rates: dict, n, t0):
    """1 - lost where the run finishes (lost < 1), else NaN: no goodput, never a floor's."""
    lost = _lost(rates, n, t0)
    return np.where(lost < 1, np.minimum(1 - lost, 1.0), np.nan)


def _interruptions_take_all_time(rates: dict, best: dict, t0) -> None:
    """A run whose interruptions take all its wall time (lost >= 1: restarts and the work lost come faster than
    it progresses) has no time to train: an `infeasible-workload` error with the interruption interval, the
    restart and checkpoint times and the share lost, never a finite time."""
    from .inference import _refuse
    from ..display import format_quantity
    feasible = np.asarray(best["feasible"]).reshape(-1)
    lost = np.asarray(_lost(rates, best["used"], t0), dtype=float).reshape(-1)
    shape = (max(feasible.size, lost.size),)        # the rates may vary over scenarios the layout search shares
    lost = np.broadcast_to(lost, shape)
    bad = (np.broadcast_to(feasible, shape) > 0) & (lost >= 1)
    if not bad.any():
        return
    if feasible.size < shape[0]:
        best["feasible"] = np.broadcast_to(feasible, shape).copy()
        best["reason"] = list(best["reason"]) * shape[0]
    lam = np.broadcast_to(np.asarray(best["used"] * rates["failure_rate"], dtype=float).reshape(-1), shape)
    c = np.broadcast_to(np.asarray(rates["checkpoint"], dtype=float).reshape(-1), shape)
    r = np.broadcast_to(np.asarray(rates["restart"], dtype=float).reshape(-1), shape)
    _refuse(best, bad, [
        f"interruptions take all its time: one every {format_quantity(1 / lam[i], 's')} on its "
        f"{float(np.broadcast_to(best['used'], shape)[i]):,.0f} accelerators in use, with a restart of "
        f"{format_quantity(float(r[i]), 's')} and checkpoints of {format_quantity(float(c[i]), 's')}, lose "
        f"{lost[i]:.2f} of the wall time (1 or more: the run never finishes)" if bad[i] else ""
        for i in range(shape[0])])


def solved(ctx) -> dict:
    return cached(ctx, "training", _solve)


def _time(ctx, q, arch, job, hw, tokens, eval_tokens, evaluations):
    """T0: the steps to convergence and the evaluations (module docstring, `time` and `evaluation`)."""
    t0 = steps(tokens, q["tokens_step"]) * q["t_step"]
    startup = np.asarray(job["startup"], dtype=float)
    if np.ndim(q["t_step"]) == 2 and startup.size > 1:     # candidates (scenario x layout): one row per scenario
        startup = startup.reshape(-1, 1)
    return t0 + evaluation_time(q, arch, job, hw, eval_tokens, evaluations) + startup


def steps(tokens, tokens_step):
    """Optimizer steps of a run of `tokens` at `tokens_step` (G) tokens a step (module docstring, `time`):
    tokens / G, at least one for any tokens > 0 (a run shorter than one batch still runs one whole step at the
    step time shown), none for none."""
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.asarray(tokens, dtype=float) / tokens_step
    return np.where(x > 0, np.maximum(x, 1.0), x)


def evaluation_time(q, arch, job, hw, eval_tokens, evaluations):
    """Time of the run's evaluations (module docstring, `evaluation`): each evaluation's sequences are dealt out
    to the dp replicas of the training layout, one sequence at a time through the pipeline, plus a fixed cost
    per evaluation. Arrays shaped like q's (scenarios, or scenarios x candidate layouts)."""
    tp, pp, cp, dp = q["tp"], q["pp"], q["cp"], q["dp"]
    shape = np.shape(q["t_step"])
    two_d = len(shape) == 2

    def per_row(x):                      # a scenario's input against (scenarios x layouts) candidates
        x = np.asarray(x, dtype=float)
        return x.reshape(-1, 1) if two_d and x.size > 1 else x

    s = per_row(job["seq"])
    e_tok, count = per_row(eval_tokens), np.maximum(per_row(evaluations), 1.0)
    linear = per_row(2 * np.asarray(arch.active, dtype=float))
    attention = per_row(2 * np.asarray(arch.layers, dtype=float) * np.asarray(job["seq"], dtype=float)
                        * np.asarray(arch.attn_width, dtype=float))
    shape = gemm_shape_share(s / cp)
    rate = (per_row(hw["peak"]) * per_row(hw["clock"]) * per_row(job["eff"]) * shape
            * fp4_knee(s / cp, per_row(hw["half_rows"])))
    rate_att = per_row(hw["peak_attn"]) * per_row(hw["clock"]) * per_row(job["eff_attn"]) * shape
    with np.errstate(divide="ignore", invalid="ignore"):
        sequences = e_tok / (count * s)                      # sequences of one evaluation
        rounds = np.ceil(sequences / dp - 1e-9)              # per replica, one sequence at a time
        t_seq = s * (linear / rate + attention / rate_att) / (tp * cp * pp)   # one sequence through one stage
        # a forward-only pass has no backward GEMMs to hide its TP collectives behind: the forward's two
        # all-reduce equivalents per layer are exposed (NVIDIA's logs: 1.2x the GEMM time at tp 4)
        layers, h = per_row(arch.layers), per_row(arch.hidden)
        t_tp = np.where(tp > 1, 2 * (layers / pp) * (per_row(job["lat"]) + (s / cp) * h * ACT_BYTES * 2 * (tp - 1)
                                                       / tp / per_row(hw["link"])), 0.0)
        each = per_row(job["eval_overhead"]) + (rounds + pp - 1) * (t_seq + t_tp)
    return np.where(e_tok > 0, count * each, 0.0)


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
    evaluations = ctx.get("evaluations", 1.0)
    fixed = _fixed(ctx)
    layouts = LAYOUTS[0].size
    packed = _pack(hw, arch, job, fixed, n=n, tokens=tokens, eval_tokens=eval_tokens, evaluations=evaluations)
    size = max(np.size(v) for v in packed.values())
    # each distinct scenario's best layout among its own candidates (tp, pp, micro-batch at its own n)
    cols, inverse = _distinct(packed, size)
    parts = []
    for rows in _blocks(_rows(cols), layouts):
        hw_r, arch_r, job_r, fixed_r, more = _unpack(cols, rows)
        q, ok = best_step(hw_r, arch_r, job_r, _col(more["n"]), fixed_r)
        # the layout of least time to train: the steps and the evaluations, which run at the training layout (one
        # sequence at a time per replica: fewer, wider replicas evaluate slower); least step time where none is set
        t_all = _time(ctx, q, arch_r, job_r, hw_r, _col(more["tokens"]), _col(more["eval_tokens"]),
                      _col(more["evaluations"]))
        score = np.where(ok & np.isfinite(t_all), -t_all, -np.inf)
        part = _pick(q, score, q["allowed"])
        part["reason"] = [why_infeasible(part, arch_r, hw_r, more["n"], fixed_r, i, job_r) if bad else ""
                          for i, bad in enumerate(part["feasible"] == 0)]
        parts.append((rows.stop - rows.start, part))
    best = _scatter(parts, inverse)
    _model_shape_range(arch, best)                              # windowed layers, routed experts (as inference)
    _power_cap_floor(workload_power_model(ctx, platform.chip)[0], best)   # a cap that leaves no power to compute
    t0 = _time(ctx, best, arch, job, hw, tokens, eval_tokens, evaluations)
    t0 = np.where(best["feasible"] > 0, t0, np.nan)             # nothing fits: no time, not a wrong one
    _interruptions_take_all_time(_rates(ctx), best, t0)          # a run that never finishes: no time either
    t0 = np.where(best["feasible"] > 0, t0, np.nan)
    good = _goodput(_rates(ctx), best["used"], t0)              # the accelerators in use: an idle one stops nothing
    best.update(time_to_train=t0 / good, goodput=good, tokens_per_s=best["tokens_step"] / best["t_step"],
                precision=precision, time_without_failures=t0)
    if ctx.is_set("deadline"):                 # (no deadline: no count to size, accelerators_needed does not apply)
        best.update(_deadline(ctx, hw, arch, job, fixed, tokens, eval_tokens, evaluations, size))
        if not ctx.is_set("accelerators"):
            _name_the_missing_count(platform, best)
    return best


def _name_the_missing_count(platform, best: dict) -> None:
    """A run with a `deadline` and no `accelerators` is held at the default count, one system or rack (bare chips:
    one; docs/models.md `accelerators_held`), and its figures are that count's; the deadline sizes
    `accelerators_needed` beside it, never the run itself. Where the default count cannot hold the run (no layout
    fits) but the ladder found a count that meets the deadline, its `infeasible-workload` reason says so: the
    figure missing is `accelerators`, with the count to write (s18-small: it read only "the training state does not
    fit", as if the model could not be trained at all)."""
    feasible = np.asarray(best["feasible"]).reshape(-1)
    need = np.asarray(best["accelerators_needed"], dtype=float).reshape(-1)
    held = np.asarray(best["n"], dtype=float).reshape(-1)
    size = max(feasible.size, need.size, held.size, len(best["reason"]))
    if not ((np.broadcast_to(feasible, (size,)) == 0) & np.isfinite(np.broadcast_to(need, (size,)))).any():
        return
    what = "one rack" if platform.rack is not None else "one system" if platform.system is not None else "one chip"
    reasons = list(best["reason"]) * (size if len(best["reason"]) == 1 else 1)
    for i in range(size):
        n_i, need_i = float(held[i % held.size]), float(need[i % need.size])
        if float(feasible[i % feasible.size]) == 0 and math.isfinite(need_i):
            reasons[i] = reworded(reasons[i], f"{reasons[i]}; no `accelerators` is set, so it is held at the "
                                  f"default count, {n_i:,.0f} ({what}), and its deadline needs {need_i:,.0f} "
                                  f"(`accelerators_needed`): set `accelerators = {need_i:.0f}` to run it there")
    best["reason"] = reasons


LADDER_CHUNK = 8       # counts of the deadline's ladder evaluated at once, smallest first (with PRUNE)


def _deadline(ctx, hw, arch, job, fixed, tokens, eval_tokens, evaluations, size) -> dict:
    """accelerators_needed: the smallest count of each scenario's ladder whose time to train meets its deadline,
    less the accelerators its fastest layout leaves idle (the ones it uses meet the deadline as well).
    Candidates: the geometric ladder N_LADDER and 1..64 scale-up domains of the scenario's own domain size.
    With PRUNE the ladder is taken smallest count first, LADDER_CHUNK counts at a time, and a scenario stops at
    the first chunk where some count meets the deadline (the smallest such count is in it); a scenario that
    misses the deadline reads the whole ladder (its reason gives the fastest time of all). Each chunk's
    search keeps only the layouts that can fit (`_prune` with `fits_only`)."""
    from ..display import format_quantity
    cols, inverse = _distinct(_pack(hw, arch, job, fixed, tokens=tokens, eval_tokens=eval_tokens,
                                    evaluations=evaluations,
                                    deadline=ctx.get("deadline"), **_rates(ctx)), size)
    domains = np.arange(1, 65)
    layouts = LAYOUTS[0].size * (N_LADDER.size + domains.size)
    parts = []
    for rows in _blocks(_rows(cols), layouts):
        count = rows.stop - rows.start
        hw_r = _unpack(cols, rows)[0]
        scale = np.asarray(hw_r["scaleup"], dtype=float)
        ladder = np.concatenate([N_LADDER + 0 * _col(scale), _col(scale) * domains], axis=1)
        top = np.broadcast_to(np.max(ladder, axis=-1), (count,))
        chunk = ladder.shape[1]
        if PRUNE:
            ladder, chunk = np.sort(ladder, axis=1), LADDER_CHUNK
        need, fastest = np.full(count, np.inf), np.full(count, np.inf)
        pending = np.ones(count, dtype=bool)             # no count of the ladder read so far meets the deadline
        for start in range(0, ladder.shape[1], chunk):
            if not pending.any():
                break
            mine = np.flatnonzero(pending)
            hw_r, arch_r, job_r, fixed_r, more = _unpack(cols, rows.start + mine if count > 1 else rows)
            counts = ladder[:, start:start + chunk]
            counts = counts[0] if scale.size == 1 else counts[mine]      # one ladder for every row of the block
            q2, ok2 = best_step(hw_r, arch_r, job_r, counts, fixed_r, fits_only=True)
            ok2 = ok2 & np.isfinite(q2["n"])                # an overflowed layout (NaN) is no candidate
            t_all = _time(ctx, q2, arch_r, job_r, hw_r, _col(more["tokens"]), _col(more["eval_tokens"]),
                          _col(more["evaluations"]))
            t_all = t_all / _goodput({k: _col(more[k]) for k in ("failure_rate", "checkpoint", "restart")},
                                     q2["used"], t_all)
            meets = ok2 & (t_all <= _col(more["deadline"]))
            # the accelerators the meeting layout runs on: one that leaves some of its count idle runs as fast on
            # the ones it uses (66 on the ladder, 64 of them in use: 64 needed)
            need[mine] = np.where(meets, q2["used"], np.inf).min(axis=1)
            # (a count whose interruptions take all the time has no time: NaN, no candidate)
            fastest[mine] = np.minimum(fastest[mine], np.where(ok2 & ~np.isnan(t_all), t_all, np.inf).min(axis=1))
            pending[mine] = ~np.isfinite(need[mine])
        _refine_need(ctx, cols, rows, count, ladder, scale, need)
        deadline = np.broadcast_to(_unpack(cols, rows)[4]["deadline"], (count,))
        parts.append((count, {
            "accelerators_needed": np.where(np.isfinite(need), need, np.nan),
            "deadline_missed": ~np.isfinite(need),
            "deadline_reason": [
                f"no accelerator count up to {top[i]:,.0f} (of this system) finishes the run within the deadline "
                f"of {format_quantity(float(deadline[i]), 's')}: the fastest takes "
                f"{format_quantity(float(fastest[i]), 's')}" if not np.isfinite(need[i]) else ""
                for i in range(count)]}))
    return _scatter(parts, inverse)


REFINE = 16            # counts searched between the deadline ladder's last missing rung and the need


def _refine_need(ctx, cols, rows, count: int, ladder, scale, need) -> None:
    """Lowers `need` (in place) to the fewest accelerators among REFINE counts, whole scale-up domains, spread
    between the largest ladder count below it (which misses the deadline: one that met would have set a smaller
    need) and it, whose layout meets the deadline. The ladder's rungs are ~7% apart: Llama 3.1 70B, 15 Ttok on DGX
    H100 in 60 days needed 2,016 on the ladder (rung 2,087) where 1,968 (dp 41, tp 4, pp 6, cp 2) meet it in 59.66
    days; the rungs 1,953 and 2,087 now have 16 counts between them (s20-hunt, 2026-12-06)."""
    found = np.flatnonzero(np.isfinite(need))
    if not found.size:
        return
    hw_f, arch_f, job_f, fixed_f, more = _unpack(cols, rows.start + found if count > 1 else rows)
    unit = np.broadcast_to(_col(scale), (count, 1))[found]
    rungs = np.broadcast_to(ladder, (count, ladder.shape[1]))[found]
    mine = need[found][:, None]
    below = np.max(np.where(rungs < mine - 0.5, rungs, 0.0), axis=1, keepdims=True)
    steps = np.arange(1, REFINE + 1) / (REFINE + 1)
    counts = np.minimum(np.ceil((below + (mine - below) * steps) / unit - 1e-9) * unit, mine)
    q, ok = best_step(hw_f, arch_f, job_f, counts, fixed_f, fits_only=True)
    ok = ok & np.isfinite(q["n"])
    t_all = _time(ctx, q, arch_f, job_f, hw_f, _col(more["tokens"]), _col(more["eval_tokens"]),
                  _col(more["evaluations"]))
    t_all = t_all / _goodput({k: _col(more[k]) for k in ("failure_rate", "checkpoint", "restart")}, q["used"], t_all)
    meets = ok & (t_all <= _col(more["deadline"]))
    need[found] = np.minimum(need[found], np.where(meets, q["used"], np.inf).min(axis=1))


def feasible_only(ctx, s: dict, value):
    """`value`, declared absent where no parallel layout fits: an infeasible job has no time, MFU or cost."""
    infeasible = np.asarray(s["feasible"]).reshape(-1) == 0
    if infeasible.any():
        ctx.infeasible(infeasible, s["reason"])
    return value


def _value(name):
    return lambda ctx: feasible_only(ctx, solved(ctx), solved(ctx)[name])


STEP_TERMS = {
    "compute_time": "t_c = m mb s [F_lin / (P rho e k) + F_att / (P_att rho e_att)] / (tp cp pp): the micro-batches' "
                    "linear-layer GEMMs at the run's precision (FP4: with the chip's knee k) and attention core at "
                    "its own, recomputation included",
    "recompute_time": "the recomputed forward passes at their parts' rates (part of compute_time)",
    "elementwise_time": "t_mem = m mb (s / cp) (L / pp) (150 + 134 LoRA + 8 (k + 1) MoE) h / tp / (HBM bandwidth "
                        "x 0.90): the memory-bound elementwise work between the matrix multiplies (MoE: the token "
                        "permutation's k copies)",
    "moe_sync_time": "(1 + r) m (L_moe / pp) (c_s + c_g): the MoE layers' device-host synchronisation (c_s = "
                     "moe_sync_time a MoE layer and micro-batch, c_g = moe_launch_time where moe_static_graphs is "
                     "0; all 0 with moe_sync_free 1, the default)",
    "bubble_time": "(t_c + t_mem + t_sync) (pp - 1) / (v m): the pipeline bubble (1F1B: v = 1; interleaved: v "
                   "virtual stages)",
    "tp_comm_time": "(4 + 2 r) (L / pp) m [lat + mb (s / cp) h a 2 (tp - 1) / tp / BL]: tensor-parallel collectives",
    "tp_comm_exposed_time": "b + max((tp_comm_time - b) / tp, tp_comm_time - b - t_c): with TP-comm overlap one "
                            "chunk of tp waits; LoRA also b = tp_comm_time / (4 + 2 r), the reduce-scatters hidden "
                            "behind weight-gradient GEMMs in full training (b = 0); tp_comm_overlap 0: all of it",
    "step_overhead_time": "c_0 + t_opt + 2 lat ceil(log2(chips in use)): the fixed cost of an optimizer step",
    "optimizer_time": "t_opt = [38 B x (N_d / (tp pp d) + N_e / (tp pp ep d_e)) + 2 B x (N_d + N_e / ep) / (tp pp)] "
                      "/ (HBM bandwidth x 0.90): the Adam step over the chip's shard of the fp32 state and the "
                      "gradient buffer's zeroing (part of step_overhead_time; LoRA: 0)",
    "pp_comm_time": "2 v m [lat + mb (s / cp) h a / tp / B_pp]: pipeline sends between stages",
    "pp_comm_exposed_time": "2 (pp - 1) [lat + mb (s / cp) h a / tp / B_pp]: the sends of the pipeline's fill and "
                            "drain (the others overlap computation: asynchronous point-to-point)",
    "cp_comm_time": "3 (L / pp) m (cp - 1) [lat + mb (s / cp) kv a / min(tp, kv_heads) / B_cp]: ring attention",
    "cp_comm_exposed_time": "max(0, cp_comm_time - attention time): the part not hidden behind attention",
    "dp_comm_time": "2 x 2 B x gradients per chip x (d - 1) / d / B_dp: the data-parallel gradient reduction",
    "dp_comm_exposed_time": "max(0, dp_comm_time - 2/3 t_c): the part not hidden behind the backward pass",
    "ep_comm_time": "max(V (g - 1) / BL, V (ep - g) / (BO f_a2a)), V = (4 + 2 r) (L / pp) m mb (s / cp) k h a / ep: "
                    "expert-parallel all-to-alls (f_a2a: the fabric's all-to-all share)",
    "ep_comm_exposed_time": "max(0, ep_comm_time - t_c): the part not overlapped with another micro-batch "
                            "(ep_comm_overlap 0: all of it)",
}
TIME_TERMS = {"time_without_failures": "max(1, tokens / G) * step_time + evaluations x (c_e + (ceil(q_e / dp) + pp - 1) t_1) "
                                       "+ startup_time: the run without interruptions"}


def _shown(name, terms, value=None):
    def compute(ctx):
        from .inference import show_terms
        s = solved(ctx)
        show_terms(ctx, s, terms, kind="training")
        _refuse_two_throughputs(ctx)
        return feasible_only(ctx, s, s[name] if value is None else value(ctx))
    return compute


def _tokens_per_s(ctx):
    """G / step_time: of the step time shown (the model's, or the one the spec sets or a set mfu gives)."""
    s = solved(ctx)
    _refuse_two_throughputs(ctx)
    return feasible_only(ctx, s, s["tokens_step"] / ctx.get("step_time"))


def _mfu_shown(ctx, s):
    """G x flops_per_token / (step_time x accelerators x peak), of the step time and FLOPs shown: the model's MFU
    x (its step time / the one shown) x (flops_per_token shown / the model's)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return s["mfu"] * (s["t_step"] / ctx.get("step_time")) * (ctx.get("flops_per_token") / s["flops"])


def _mfu(ctx):
    """The MFU of the step time and FLOPs shown (`_mfu_shown`); none above 1 (`_refuse_above_peak`)."""
    s = solved(ctx)
    _refuse_two_throughputs(ctx)
    mfu = _mfu_shown(ctx, s)
    _refuse_above_peak(ctx, mfu)
    return feasible_only(ctx, s, mfu)


def _refuse_above_peak(ctx, mfu) -> None:
    """A set step_time, tokens_per_s or flops_per_token whose MFU exceeds 1 asks more model FLOP/s than the
    accelerators' peak: an `out-of-range` error at the figure set, naming the MFU, and no MFU, goodput or time to
    train (each calls this; nor the figures that read them: power, energy, hours, cost)."""
    over = np.asarray(mfu, dtype=float) > 1 + 1e-9
    given = [name for name in ("step_time", "tokens_per_s", "flops_per_token") if ctx.is_set(name)]
    if not over.any() or not given:
        return
    ctx.absent(over, f"{' and '.join(given)} as set give{'' if len(given) > 1 else 's'} an MFU above 1: more FLOP/s than the accelerators' peak")
    ev, path = ctx.ev, f"{ctx.path}.{given[0]}"
    if path + "#peak" in ev.bad_choices:
        return
    ev.bad_choices.add(path + "#peak")
    node = ev.graph.nodes[path]
    span = _written_span(node)
    from dsl.diagnostics import Code
    i = int(np.flatnonzero(np.broadcast_to(over, np.shape(mfu)))[0])
    ev.sink.error(Code.OUT_OF_RANGE, f"`{path}` as set gives an MFU of {float(np.ravel(mfu)[i]):.3g}: the run "
                  f"would compute more model FLOP/s than its accelerators' peak (mfu = tokens_per_s x "
                  f"flops_per_token / (accelerators x peak) is at most 1)", span)


# --- a set output is an override every figure downstream reads (s16-num2; as inference's tokens_per_s and tpot).
# step_time, tokens_per_s and mfu are one figure, the run's throughput, in three units: G tokens a step,
#     tokens_per_s = G / step_time,    mfu = G x flops_per_token / (step_time x accelerators x peak)
# so the one a spec sets gives the other two, and time to train follows it:
#     step_time (unset) = G / tokens_per_s where that is set, else t_model x (mfu_model / mfu) x (F / F_model) where
#                         mfu is set (F = flops_per_token shown), else the model's
#     time_without_failures = T0_model + steps x (step_time - t_model), steps = max(1, tokens / G) (`steps`)
#     goodput (unset)   = the model's at that time;  time_to_train (unset) = time_without_failures / goodput
# Two of the three set are refused where they disagree (`_refuse_two_throughputs`): they cannot both hold.
THROUGHPUT = ("step_time", "tokens_per_s", "mfu")


def _step_given(ctx, s, name):
    """The step time the set figure `name` of THROUGHPUT gives (above): step_time itself; G / tokens_per_s;
    t_model x (mfu_model / mfu) x (F / F_model)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if name == "tokens_per_s":
            return s["tokens_step"] / ctx.get("tokens_per_s")
        if name == "mfu":
            return s["t_step"] * (s["mfu"] / ctx.get("mfu")) * (ctx.get("flops_per_token") / s["flops"])
    return ctx.get("step_time")


def _step_time(ctx):
    """step_time's model: the model's step, or the one a set tokens_per_s or mfu gives (above)."""
    s = solved(ctx)
    for name in ("tokens_per_s", "mfu"):
        if ctx.is_set(name):
            return _step_given(ctx, s, name)
    return s["t_step"]


def _written_span(node):
    """Where a figure the spec sets is shown: its expression's span, else its node's."""
    return node.expr.span if getattr(node.expr, "span", None) is not None else node.span


def _time_without_failures(ctx, s):
    """T0 at the step time shown: the model's T0 with its steps at step_time instead of the model's."""
    tokens = ctx.get("tokens", default_tokens)
    return s["time_without_failures"] + steps(tokens, s["tokens_step"]) * (ctx.get("step_time") - s["t_step"])


def _goodput_shown(ctx):
    s = solved(ctx)
    _refuse_two_throughputs(ctx)
    _refuse_above_peak(ctx, _mfu_shown(ctx, s))       # no run at a step above the chips' peak: no goodput of it
    good = _goodput(_rates(ctx), s["used"], _time_without_failures(ctx, s))
    feasible, good_all = np.broadcast_arrays(np.asarray(s["feasible"]).reshape(-1), np.asarray(good).reshape(-1))
    lost = (feasible > 0) & np.isnan(good_all)        # (a figure of the scenarios against a constant layout)
    if lost.any():
        ctx.infeasible(lost, "interruptions take all its time at the step time shown: the run never finishes")
    return feasible_only(ctx, s, good)


def _time_to_train(ctx):
    from .inference import show_terms
    s = solved(ctx)
    show_terms(ctx, s, TIME_TERMS, kind="training")
    _refuse_two_throughputs(ctx)
    _refuse_above_peak(ctx, _mfu_shown(ctx, s))       # no run at a step above the chips' peak: no time to train
    return feasible_only(ctx, s, _time_without_failures(ctx, s) / ctx.get("goodput"))


def _refuse_two_throughputs(ctx) -> None:
    """Two of step_time, tokens_per_s and mfu set that give different step times cannot both hold: an
    `invalid-value` error at the second's span naming both, and the figures downstream are not computed."""
    given = [name for name in THROUGHPUT if ctx.is_set(name)]
    if len(given) < 2:
        return
    s = solved(ctx)
    first, second = (_step_given(ctx, s, name) for name in given[:2])
    bad = ~(np.abs(np.asarray(first) - np.asarray(second)) <= 1e-6 * np.abs(np.asarray(first)))
    if not np.any(bad):
        return
    ev, path = ctx.ev, f"{ctx.path}.{given[1]}"
    mask = np.broadcast_to(bad, np.shape(first))
    ctx.absent(mask, f"`{given[0]}` and `{given[1]}` are both set and give different step times")
    if path + "#throughput" in ev.bad_choices:            # one error, whichever figure reads them first
        return
    ev.bad_choices.add(path + "#throughput")
    node = ev.graph.nodes[path]
    span = _written_span(node)
    from dsl.diagnostics import Code
    from ..display import format_quantity
    i = int(np.flatnonzero(mask)[0])
    ev.sink.error(Code.INVALID_VALUE, f"`{path}` and `{ctx.path}.{given[0]}` are both set and disagree: "
                  f"`{given[0]}` gives a step time of {format_quantity(float(np.ravel(first)[i]), 's')}, "
                  f"`{given[1]}` one of {format_quantity(float(np.ravel(second)[i]), 's')} (tokens_per_s = "
                  f"global_batch / step_time, mfu = tokens_per_s x flops_per_token / (accelerators x peak))", span,
                  help=f"set one of {', '.join(given)}: the others follow from it")


def _needed(ctx):
    """The smallest count that meets the `deadline`; none without one (the count held, 8 on a default DGX H100,
    was not sized: it is `accelerators_held`)."""
    if not ctx.is_set("deadline"):
        ctx.not_applicable()
    s = solved(ctx)
    given = [name for name in THROUGHPUT + ("goodput",) if ctx.is_set(name)]
    if given:              # a throughput set for the count held says nothing of the ladder's other counts
        ctx.absent(np.ones(np.shape(s["n"]), dtype=bool),
                   f"{' and '.join(given)} set for the accelerators held: the counts of the deadline's ladder "
                   f"run at the model's own, so no count sized by them would be the one the figures set")
    if "deadline_missed" in s and s["deadline_missed"].any():
        ctx.infeasible(s["deadline_missed"], s["deadline_reason"])
    return s["accelerators_needed"]


for _name, _out, _formula in (
        ("tp", "tp", "argmin over the layouts of time to train (step time without evaluations), fitting in memory "
                     "(tp divides the scale-up domain)"),
        ("pp", "pp", "argmin over the layouts of time to train (step time without evaluations), fitting in memory"),
        ("cp", "cp", "argmin over the layouts of time to train (step time without evaluations), fitting in memory"),
        ("dp", "dp", "min(accelerators / (tp pp cp), sequences per step / micro-batch)"),
        ("ep", "ep", ("MoE: the largest divisor of gcd(experts, dp cp) within one scale-up domain's ranks when "
                      "the state fits so, else gcd(experts, dp cp) (Megatron-Core: ep divides the experts and "
                      "dp cp); dense: 1")),
        ("virtual_stages", "v", "argmin over 1, 2, 4, 8 (interleaved schedule; 1: 1F1B; a spec may fix others)"),
        ("microbatch", "mb", "argmin over micro-batch sizes"),
        ("recompute_share", "recompute", "the fewest whole layers per stage recomputed in full that fit in memory"),
        ("memory_per_accelerator", "memory_need", ("weights + gradients + optimizer state (ZeRO over dp cp) + "
                                                   "activations in flight")),
        ("flops_per_token", "flops", "6 A + 6 L s D (LoRA: 4 A + 6 L s D)"),
        ("step_time", "t_step", ("t_c + t_mem + t_sync + bubble + exposed t_tp + t_fix + exposed t_pp "
                                  "+ exposed t_cp + exposed t_dp + exposed t_ep")),
        ("mfu", "mfu", "tokens/step * flops_per_token / step_time / (accelerators * peak at the precision)"),
        ("goodput", "goodput", "1 - (c / tau + lam (r + tau / 2)), tau = sqrt(2 c / lam)"),
        ("time_to_train", "time_to_train", "(max(1, tokens / G) * step_time + evaluation + startup_time) / goodput"),
        ("tokens_per_s", "tokens_per_s", "tokens per step / step_time"),
        ("accelerators_needed", "accelerators_needed", "smallest accelerators with time_to_train <= deadline"),
        ("feasible", "feasible", "1 when some layout fits in memory, else 0")):
    if _name not in ("flops_per_token", "feasible", "accelerators_needed"):
        compute = {"step_time": _shown("t_step", STEP_TERMS, _step_time), "time_to_train": _time_to_train,
                   "tokens_per_s": _tokens_per_s, "mfu": _mfu, "goodput": _goodput_shown}
        output("training", _name, _formula)(compute.get(_name) or _value(_out))
output("training", "flops_per_token", "6 A + 6 L s D (LoRA: 4 A + 6 L s D)")(lambda ctx: solved(ctx)["flops"])
output("training", "feasible", "1 when some layout fits in memory, else 0")(
    lambda ctx: solved(ctx)["feasible"])
output("training", "accelerators_needed", "smallest accelerators with time_to_train <= deadline")(_needed)
output("training", "accelerators_held", "accelerators, else the default: one system or rack (bare chips: one)")(
    lambda ctx: solved(ctx)["n"])
output("training", "idle_accelerators", "accelerators - tp * pp * cp * dp: held by the job, left idle by its layout")(
    lambda ctx: feasible_only(ctx, solved(ctx), solved(ctx)["n"] - solved(ctx)["used"]))


HOURS = ("accelerator_hours", "gpu_hours")


def _hours(ctx):
    """accelerators x time_to_train: the figure `time_to_train` shows (the model's, or the one the spec sets), as
    energy = power x time_to_train reads it, so hours, cost and energy are of one duration. accelerator_hours and
    gpu_hours are one figure under two names: the one a spec sets is the other's value too (s16-num3)."""
    s = solved(ctx)
    for name in HOURS:
        if ctx.is_set(name):
            return feasible_only(ctx, s, ctx.get(name) + 0 * s["n"])
    return feasible_only(ctx, s, s["n"] * ctx.get("time_to_train"))


def _refuse_two_hours(ctx) -> bool:
    """accelerator_hours and gpu_hours both set to different values cannot both hold: an `invalid-value` error at
    the later one in the file, naming both, once; True where they disagree (the cost that reads them is absent)."""
    if not all(ctx.is_set(name) for name in HOURS):
        return False
    a, g = (np.asarray(ctx.get(name), dtype=float) for name in HOURS)
    bad = ~(np.abs(a - g) <= 1e-9 * np.maximum(np.abs(a), np.abs(g)))
    if not bad.any():
        return False
    ev = ctx.ev
    nodes = {name: ev.graph.nodes[f"{ctx.path}.{name}"] for name in HOURS}
    spans = {name: _written_span(node) for name, node in nodes.items()}
    first, second = sorted(HOURS, key=lambda name: (spans[name].line, spans[name].col))
    key = f"{ctx.path}.{second}#hours"
    if key not in ev.bad_choices:
        ev.bad_choices.add(key)
        from dsl.diagnostics import Code
        i = int(np.flatnonzero(np.broadcast_to(bad, np.broadcast(a, g).shape))[0])
        value = {name: float(np.ravel(np.broadcast_to(v, bad.shape))[i]) for name, v in zip(HOURS, (a, g))}
        ev.sink.error(Code.INVALID_VALUE, f"`{ctx.path}.{second}` and `{ctx.path}.{first}` are both set and disagree: "
                      f"{value[first] / 3600:.6g} h and {value[second] / 3600:.6g} h (accelerator_hours "
                      f"and gpu_hours are one figure, accelerators x time_to_train)", spans[second],
                      help=f"set one of {first}, {second}: the other follows from it")
    return True


output("training", "accelerator_hours", "accelerators * time_to_train (gpu_hours where that is set)")(_hours)
output("training", "gpu_hours", "accelerators * time_to_train (accelerator_hours where that is set)")(_hours)


def _power(ctx):
    from .workloads import wall_power_per_accelerator
    return feasible_only(ctx, solved(ctx), wall_power_per_accelerator(ctx) * solved(ctx)["n"])


output("training", "power", "(accelerators - idle_accelerators) * system_power / accelerators per system + "
       "idle_accelerators * the system's wall power per accelerator at idle draw (bare chips: accelerator_power and "
       "the idle draw): the wall power at the job's own load")(_power)
output("training", "energy", "power * time_to_train")(
    lambda ctx: feasible_only(ctx, solved(ctx), ctx.get("power") * ctx.get("time_to_train")))
def _cost(ctx):
    """accelerator_hours x cost per accelerator-hour; where no site prices the hour, capex x CRF + the run's own
    wall power per held accelerator (power / accelerators) x electricity price: the cost's energy dollars are the
    run's energy x price (a power cap lowers both)."""
    s = solved(ctx)
    if _refuse_two_hours(ctx):
        ctx.absent(np.ones(np.shape(s["n"]), dtype=bool), "accelerator_hours and gpu_hours are both set and disagree")
    hours = ctx.get("accelerator_hours")
    with np.errstate(divide="ignore", invalid="ignore"):
        # a set energy is the energy the run buys: its draw per accelerator-second is energy / accelerator_hours,
        # so the cost's energy dollars are that energy x price (s16-num3: a set energy left the cost at the model's)
        per_accelerator = (ctx.get("energy") / hours if ctx.is_set("energy") else ctx.get("power") / s["n"])
    return feasible_only(ctx, s, hours * accelerator_cost(ctx, Platform(ctx), "cost", wall_power=per_accelerator))


output("training", "cost", "accelerator_hours * cost per accelerator-hour (no site TCO: capex CRF(r, life) + "
       "power / accelerators * electricity_price, energy / accelerator_hours * electricity_price where energy is "
       "set)")(_cost)



def _deadline_check(ctx):
    """The run's time to train at the accelerators its spec gives against its `deadline` (none where no deadline
    or no `accelerators` is set: a run sized by its deadline alone reads accelerators_needed, its time to train is
    the default count's): a plan whose accelerators finish after the deadline is a `limit-exceeded` error naming
    both times; its figures keep their values, right for the count given (accelerators_needed gives the count that
    meets it). A deadline no count of the ladder meets is left to its own `infeasible-workload` error (one finding
    per cause: the limit there reads an infinite deadline)."""
    if not ctx.is_set("deadline") or not ctx.is_set("accelerators"):
        return None
    missed = np.asarray(solved(ctx)["deadline_missed"], dtype=bool)
    return ctx.get("time_to_train"), np.where(missed, np.inf, ctx.get("deadline"))


limit("training", "deadline", _deadline_check, "time_to_train", "deadline",
      "the run's accelerators finish its tokens within its deadline")
