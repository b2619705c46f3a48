"""The inference model's `let`s, assumptions, fitted factors and grids (sources beside each).

Part of the inference model (compiler/models/inference/__init__.py holds its formulas and assumptions).
"""
from __future__ import annotations

import math
import numpy as np

from .. import (AT_LEAST_ONE, Assumption, NON_NEGATIVE, Option, POSITIVE, RESERVE, SHARE, SWITCH, UNIT_FRACTION,
                WHOLE_NUMBER)
from dsl.schema import Range


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
    "squares on log speed (0.5 us with WSE-3 0.06; the four within -10% .. +14%; refitted 2026-12-07 with "
    "the pipeline's whole-row micro-batches: the same point): bench/sram_stage_fit.py, docs/accuracy.md",
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
    "busy_step_length", 1.0, "1",
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
    "1 by default since 2026-12-07 (a law of the queue, not a submitter's choice: validate MECHANISMS "
    "\"busy_step_mean\", applied with four others, docs/accuracy.md \"Five mechanisms applied\", s26-apply); 0: every "
    "busy step full (the model before, bit for bit)",
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
knee_under_weights = Assumption(
    "knee_under_weights", 0.0, "1",
    "the clock law's count of the GEMMs' knee time where the step's weight stream covers it [D]: 1, the part of the "
    "knee (t_gemm - t_flops, at the full clock) that the weight read t_w covers beyond the FLOPs at e_c, "
    "min(max(t_w - t_flops, 0), t_gemm - t_flops), draws no compute power (the matrix units wait on the weights: "
    "reference/h100_microbench.md, 2026-11-27, fp8 4,096 x 14,336 at M = 64 and 256 bound by the weight read, "
    "'memory-bound work (decode-like) runs at the full clock and below the power limit'); the knee beyond the "
    "weight read still counts at `gemm_knee_power`. 0: the whole knee counts (the model before, bit for bit). "
    "Where a step's FLOPs exceed its weight read (every large-batch step) nothing moves. Found by the law fp4 >= "
    "fp8 at a fixed batch: the rate-scaled Blackwell FP4 knee (gemm_half_rows_fp4, 582-970 rows) counted whole "
    "throttles a few-row FP4 step (Llama 3.1 70B on a GB300 at batch 1: clock 0.59, 0.74x the fp8 step's tokens/s; "
    "with it 1.03x). Measured, not applied (validate --with knee_under_weights): on the 2026-12-05 defaults "
    "Interactive 4.5 -> 2.7%, held-out Server 25.3 -> 25.8% (s26-sramfp4); on the 2026-12-07 defaults TTFT p50 "
    "8.49 -> 8.79%, TPOT mean 6.83 -> 7.51%, held-out Server 13.46 -> 14.53%, Interactive 7.84 -> 7.95%, and the "
    "Blackwell FP4 factor's rule answer 0.92 -> 0.93 (docs/accuracy.md, s26-knee)", range=SWITCH)
clock_draw_activity = Assumption(
    "clock_draw_activity", 0.0, "1",
    "the compute activity the decode and prefill steps' clock law (_sustained_rate's u_c) counts, as the draw "
    "counts it [D]: 1 counts a step's FLOPs at the rate that is compute activity 1 in the draw (power."
    "gemm_peak_fraction g = 0.992 of the dense peak, reference/h100_microbench.md, 2026-11-27 [P]), the same u_c the "
    "workload's `accelerator_power` and `sustained_clock` take (workloads.activity: achieved FLOP/s / (g peak)), "
    "plus the GEMM knee's time at the share `gemm_knee_power`: u_c = (F / (G P g) + k (t_gemm - F_gemm / (G P "
    "e_c))) / (rho t). 0: the compute kernels' time at the large-GEMM rate e_c (the chip's serving efficiency, "
    "0.77 on Hopper FP8) counts as activity, 1 / e_c x g = 1.29x the draw's on Hopper (the model before, bit for "
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
    "plain read's 0.91: one number for every precision, so set it for the weights' precision. With "
    "`gemm_smooth_power` p > 0 it is the smooth law's weight leg, with or without the launches. 0: the weight "
    "leg at e_m and the launch time on the compute leg only (`gemm_launch`, the model before, bit for bit). Not "
    "given to validate (MECHANISMS \"gemm_roofline\"): docs/accuracy.md \"The step GEMM as a two-legged "
    "roofline\"", range=SHARE)
gemm_smooth_power = Assumption(
    "gemm_smooth_power", 0.0, "1",
    "exponent p of the decode step's dense GEMMs as one smooth law of the step's total rows M (decode rows + prompt "
    "tokens) [D]: t = (t_w^p + t_c^p)^(1/p), t_w the chip's weight read at e_m (with its launches), t_c the FLOPs "
    "at the large-shape rate e_c (no knee in rows: m0 = 0 for the dense GEMMs, the routed experts keep theirs), "
    "so below the ridge a prompt token costs (t_c / t)^(p - 1) of its FLOPs' time and above it the GEMM tends "
    "to its FLOPs; the knee's time is memory time, no compute draw in the clock law. p 2.7 fits "
    "reference/h100_microbench.md's (one H100 SXM, 2026-11-27) K 4,096 x N 14,336 GEMMs, bf16 M 1-4,096 and fp8 "
    "M 64 / 256 / 4,096, at 8.3% rms (bench/gemm_smooth_fit.py; the knee law m0 = 128 fits them at 4.3%: the "
    "bf16 M 512 / 1,024 points sit 14% above the large-shape rate, tile waves the smooth law does not hold). "
    "0: the knee law e(m) = e_c m / (m + m0) against the weight read by max (the model before, bit for bit). "
    "With `gemm_weight_efficiency` e_w > 0 the weight leg is read at e_w (with `gemm_launch_time` t > 0 the "
    "launches' time beside it, else none). "
    "A chip's own `gemm_half_rows_<precision>` (Blackwell FP4) keeps its knee. The step only: the prefill and the "
    "batcher's kappa_p / p0 keep the knee. Since 2026-12-07 the GH100 chips carry their own (stdlib/chips.factory "
    "`let gemm_smooth_power = 2.7` with `let gemm_weight_efficiency_fp8 = 0.61`, the weight leg of an fp8 step; "
    "a workload's `let` wins), validate's MECHANISMS \"gemm_smooth_read_hopper\", applied (\"gemm_smooth_hopper\", "
    "the leg at e_m, measured, not applied): docs/accuracy.md \"One smooth GEMM law of the step's rows\", \"Five "
    "mechanisms applied\"", range=NON_NEGATIVE)
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
    "capacity_solve", 1.0, "1",
    "the batch of a server or interactive capacity point: 1 (default since 2026-12-07) solved between the grid's "
    "points, 0 the batch grid [D]. The grid (BATCH_GRID) is the search's resolution, not physics: 72 geometric batches from 1 to 16,384 "
    "(ratio 1.146), so the capacity point is the largest grid batch that meets both latency limits and stops 0-14.6% "
    "of the rows short of the binding limit wherever the grid falls (MLPerf v5.0 8x H200 Llama 2 70B: 616 rows at "
    "0.90 of the 200 ms TPOT p99 limit, the next grid batch 707 at 1.02), and a sweep of a limit or of the chips "
    "sees the capacity as a staircase (examples/flagship_campus.factory's chat on one GB300 NVL72, TPOT p99 limit "
    "40-60 ms: 6 distinct capacities in 41 points, steps up to 7.5% in tokens/s and 7.0% in $/Mtok, the grid's "
    "capacity 0.1-6.3% below the solved one: bench/capacity_staircase.py). 1: on every layout that can win, the "
    "largest batch between the grid's neighbours of its best grid batch where both limits hold and the throughput "
    "still rises (_solved_batches: 256 batches of the bracket, to ~1e-3 in ln B), so a TPOT- or TTFT-bound point "
    "sits at its binding limit, one where no limit binds at its throughput maximum, and the capacity is continuous "
    "and never below the grid's. The default since 2026-12-07 with `operating_fraction` at the scenario's "
    "OPERATING_FRACTIONS (validate MECHANISMS \"continuous_capacity\", applied: docs/accuracy.md \"Five mechanisms "
    "applied\", s26-apply); before, not given to validate (MECHANISMS \"continuous_capacity\", with "
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
    "ttft_limit (the arrival rate cut at f ttft_limit) [D]. Default: the scenario's submitters' share, "
    "`operating_fraction_server` 0.88 / `operating_fraction_interactive` 0.925 (1 elsewhere), see below; `let operating_fraction = 1` asks "
    "for the capacity under the limits themselves. MLPerf submitters stop short of the limits: over the 155 "
    "Server runs of reference/mlperf_ttft_percentiles.csv (MLCommons inference v4.1 / v5.0 results, read 2026-12) "
    "max(TPOT p99 / tpot_limit, TTFT p99 / ttft_limit) has median 0.883 (quartiles 0.76-0.94): a property of how "
    "they operate (a run must pass with room for its run-to-run spread), given to validate only with "
    "`capacity_solve` (MECHANISMS \"continuous_capacity\", f = OPERATING_FRACTION 0.88; applied to the whole-prompt "
    "engines' rows, MECHANISMS \"whole_prompt_capacity\", 2026-12-06). Since 2026-12-07 a server or interactive "
    "service without this `let` is held to its scenario's submitters' median share (`operating_fraction_server` "
    "0.88, `operating_fraction_interactive` 0.925; bench/operating_fraction_fit.py), with `capacity_solve` 1: the capacity point validate "
    "judges against the MLPerf runs (MECHANISMS \"continuous_capacity\", applied; docs/accuracy.md \"Five mechanisms "
    "applied\"), listed with the plan's assumptions (and as `limit x operating_fraction f` in a no-fit reason); `let operating_fraction = 1` asks for "
    "the capacity at the limits themselves. 1 in every other scenario (no latency limit)", range=Range(0.05, 1.0))
# the share of each latency limit a server / interactive capacity point is held to where no `let
# operating_fraction` is given: the MLPerf submitters' median share by scenario, max(TPOT p99 / tpot_limit, TTFT p99 /
# ttft_limit) over reference/mlperf_calibration.csv's runs, fitted once (bench/operating_fraction_fit.py, 2026-12-07)
operating_fraction_server = Assumption(
    "operating_fraction_server", 0.88, "1",
    "the share f of each latency limit a server service's capacity point is held to where no `let "
    "operating_fraction` is given [D]: the MLPerf Inference v4.1 / v5.0 Server runs' median share of their "
    "binding limit, max(TPOT p99 / tpot_limit, TTFT p99 / ttft_limit), 173 runs of reference/mlperf_calibration.csv "
    "(bench/operating_fraction_fit.py: median 0.878, bootstrap 90% interval 0.856-0.894; 0.88 is s11-grid's figure "
    "on reference/mlperf_ttft_percentiles.csv, inside it), LoadGen's early stopping explaining 1-2 points of the "
    "12, the submitters' room for their run-to-run spread the rest. The capacity a plan prints is the point "
    "validate judges against those runs (MECHANISMS \"continuous_capacity\", applied; docs/accuracy.md \"The "
    "capacity point's margin from the data\", \"Five mechanisms applied\")", range=Range(0.05, 1.0))
operating_fraction_interactive = Assumption(
    "operating_fraction_interactive", 0.925, "1",
    "the share f of each latency limit an interactive service's capacity point is held to where no `let "
    "operating_fraction` is given [D]: the MLPerf Inference v5.0 Interactive runs' median share of their binding "
    "limit, 35 runs of reference/mlperf_calibration.csv (bench/operating_fraction_fit.py: 0.925, bootstrap 90% "
    "interval 0.900-0.927; the Server runs' interval does not overlap it). As `operating_fraction_server`",
    range=Range(0.05, 1.0))
# the defaults by scenario (validate's OPERATING_FRACTION, OPERATING_FRACTION_INTERACTIVE read them)
SCENARIO_OPERATING_FRACTIONS = {"server": operating_fraction_server, "interactive": operating_fraction_interactive}
OPERATING_FRACTIONS = {name: a.value for name, a in SCENARIO_OPERATING_FRACTIONS.items()}
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
