"""Validation: the models against measurements, row by row (`factory validate CSV`, `factory validate --user CSV`).

Pipeline position: beside the CLI; builds ONE spec holding a workload block per distinct measured configuration
(in a site `validation`, written with dsl.spec_builder, never by formatting spec text), runs it through the
same front end, lowering and evaluation as any spec, and compares the predictions with the measured values.
Imports `dsl` and `compiler` (never the other way round).

Input: a CSV of the shape of reference/mlperf_calibration.csv (columns round, benchmark, scenario, system,
accelerator, num_accelerators, metric, value, unit, source). The measured value is read in the row's unit
(dsl.units; `Tokens/s` is tok/s, `minutes` min) and must have the metric's dimension, else the row is an
`invalid-row` at its line. What each metric is compared with, by category:

    inference Offline / Server / Interactive   `throughput` rows against the workload's `tokens_per_s`. The
                       category is Interactive for the benchmark `llama2-70b-interactive-*` (MLPerf Inference v5.0
                       runs it as scenario Server) and for scenario `Interactive` (later rounds); the workload then
                       runs scenario "interactive" with that benchmark's own limits.
    training time-to-train   `time_to_train` rows against the training workload's `time_to_train`. The scale-up
                       domain is the submission's node (the node count of its result path, `_n16`), else 8;
                       a submission whose system differs from the defaults is described as it ran
                       (TRAINING_SYSTEM: NVIDIA's L40S nodes, 200 Gb/s per GPU, TP communication not overlapped;
                       TRAINING_SOFTWARE: JuniperNetworks' HF PEFT + DeepSpeed ZeRO-3 LoRA runs in bf16,
                       NVIDIA's MLPerf Training v5.1 NVFP4 runs in fp4; TRAINING_CUDA_GRAPHS: the CUDA-graph
                       scope each run's config_*.sh sets, `let cuda_graphs`, none where not listed). Each
                       row runs its submission's own global batch (TRAINING_BATCH, from its result log) and the
                       tokens to converge at that batch (the workload's, times the ratio of the MLPerf reference
                       convergence points at the two batches: TRAINING_RCP).
    TTFT p50/p99, TPOT mean/p99   latency rows of Server/Interactive runs against the workload's outputs
                       `ttft_p50`, `ttft_p99`, `tpot_mean` and `tpot_p99` (the inference model's step in flight,
                       the step carrying the prompt and the queueing wait at that quantile; the mean decode step;
                       the step at the p99 prompt load), at the model's capacity point (`--latency-at
                       capacity`, the default): an MLPerf Server result is the highest load whose latencies
                       meet the limits (the submitter tunes its target rate up to it), so every latency row was
                       measured at its submitter's own capacity, and the model's analogue is its own capacity
                       point (the rate cut until TTFT p99 and TPOT p99 fit the limits): the latency workload is
                       the throughput row's workload. Comparing at the submission's absolute throughput instead
                       (`--latency-at load`: the `throughput` row of the same round, benchmark, scenario, system
                       and accelerators offered as `offered_load`, `measured_loads`; its in-flight batch by
                       Little's law) measures the model's capacity error amplified near capacity (b ~ 1 / (1 -
                       x / c)) rather than its latency mechanism: where the model is faster than the submitter
                       its queue is nearly idle at that load. There a row whose load exceeds the model's
                       capacity has no steady latency (absent, "offered load above capacity") and is compared at
                       the capacity point, marked `at capacity` (docs/accuracy.md, "Latency v3").
    power AC / power DC      `mean_power_per_8GPU_node (AC|DC)` (MLPerf Training power logs, one 8-GPU node)
                       against the training workload's `system_power` / `system_power_dc`, the job placed on the
                       stdlib server of that chip (POWER_SYSTEMS; H100: HGX_H100, the DGX H100's power model):
                       its wall power with each GPU at the job's own time-weighted draw (compute-bound phases at
                       the cap's clock, the rest of the step lighter; compiler.models.workloads), DC after its
                       PSUs. `system_power_avg` (MLPerf Inference power, whole system at the wall) against the
                       inference workload's `system_power` likewise; the rows in the reference file are all MaxQ
                       (power-capped) submissions, compared with the workload at their per-GPU power limit
                       (`power_cap`, MAXQ_POWER_LIMIT: NVIDIA's configurations), as are their throughput and
                       latency rows. Benchmarks without a workload description (BERT, ResNet, ...: not language
                       models) are not covered; `coverage of LLM training power rows` counts the others.

Coverage is reported per category: covered rows / rows of the category (a row that cannot be read is an
`invalid-row` diagnostic, in no category). The issue's target is >= 95% of the throughput and time-to-train rows.
Throughput and latency rows of an MLCommons reference-implementation run (the CM system id's `-reference-` part:
the reference SUT fed by one client worker through an API server) are not covered: they measure that harness, not
the accelerators (REFERENCE_IMPLEMENTATION_REASON; docs/accuracy.md "Add-in cards").

How sure a category's median |error| is (`summary`, `median_interval`): the acceptance gate is "every category's
median |error| <= 10%", and a median of a few hundred rows that come in clusters can move by a point when one row
moves. Each category therefore also gets a 95% interval of its median |error| by a cluster bootstrap, and the share
of its rows within 10% (more than half within 10% puts the median at or below 10%, fewer than half above it).
    cluster     one submission's configuration (`cluster_key`): round, benchmark without its accuracy suffix,
                scenario, system, accelerator and count. Rows of one cluster are not independent draws: the
                `-99` and `-99.9` variants are often the same run listed twice, and a submission's rows share its
                system and software. Resampling rows would count such a run twice as evidence and narrow the
                interval for nothing; resampling whole clusters does not (a run listed twice leaves the
                interval as it is).
    bootstrap   RESAMPLES (2,000) resamples, each drawing as many clusters as the category has, with replacement,
                and keeping every row of each cluster drawn; the median |error| of each resample (np.median's, the
                mean of the two middle rows of an even count); the interval is their 2.5th and 97.5th percentiles.
                A fixed seed (SEED, the same for every category; NumPy's default_rng): the same input prints the same
                interval.
    assumes     the clusters are exchangeable draws from the submissions the model will be asked about: the
                interval is the sampling uncertainty of the median over WHICH configurations were submitted.
    does not    cover systematic model error (a bias shared by every row of a chip or benchmark moves the median
    cover       and the whole interval with it), the rounds held out of the file (v5.1 on, other chips), nor the
                likeness of different submitters' runs of one chip and benchmark: those are separate clusters
                though the model predicts them alike (clustered by the model's configuration, the workload
                block, the intervals come out wider: TTFT p99 8.2-20.2% against 9.3-17.5%, 2026-12-05). A
                category of one cluster gets an interval of zero width at its median: no evidence of spread, not
                certainty.

Accelerator names are data: stdlib/accelerator_aliases.csv maps every accelerator string of the result files to
a stdlib chip, with the precision its inference submissions ran and its scale-up domain (see that file).

Mixed systems (`mixed_parts`, `_plan_parts`): a system whose accelerator name lists parts of several kinds
("AMD Instinct MI300X 192GB HBM3 (x32), AMD Instinct MI325X 256GB HBM3e (x16)", MLPerf Inference v5.1; "... (x8)
and ... (x8) and ... (x8)", v6.0: MangoBoost's and Dell_MangoBoost's LLMBoost clusters) runs one LLMBoost service
per node (`server.py --accelerator_name mi300x` / `mi325x` on each node, its `tp` flag default 1) and one LoadGen
client spreading the queries over the nodes' servers (`client.py --sut_server_addr` a list, scheduler round_robin
or weighted_random with per-node `scheduler_weights`): ntuhpc/inference_results_v5.1 closed/MangoBoost/code/
llama2-70b-99/README.md section 3, server.py, client.py, read 2026-12-05 [P]. Its throughput row is therefore
predicted as the sum of its parts', each part planned as a row of its own chip and count (its scale-up domain at
most 8, the node) [D], each part served at its own capacity (the weights set to the parts' rates [U]); the row's
chip and config columns are its first part's. Latency rows of a mixed system, and a row whose parts do not add up to its count,
keep its largest part's plan (`alias_for`).

What each benchmark is (the workload the row ran), with sources. Per-benchmark latency limits (TTFT p99 / TPOT
p99) are from mlcommons/inference loadgen/mlperf.conf (commit 001712e9, read 2026) [P], and agree with the
"limits TTFT .. ms, TPOT .. ms" of the latency rows in reference/mlperf_calibration.csv [P]:
    llama2-70b       Llama 2 70B, OpenOrca: 24,576 samples (mlperf.conf performance_sample_count [P]) "with up to
                     1,024 input and output tokens" (AMD MLPerf v4.1 blog [S]); 294.45 output tokens per sample
                     (mlcommons/inference language/llama2-70b README "Tokens per sample" [P]); mean input 222.33
                     tokens: 5,463,976 input tokens over the 24,576 samples (min 48, max 1,021) of the official
                     open_orca_gpt4_tokenized_llama.sampled_24576.pkl, as extracted and digest-pinned in
                     FlashLab-MBZUAI/HBFSim validation/calibration/h100-llama2-70b-calibration-protocol.json
                     (commit 96cf1b37, read 2026-12) [S][D]. The same file records NVIDIA's v5.0 DGX-H100 run as
                     4 replicas of tp 1 x pp 2, GPU batch 1,024. Server 2 s / 200 ms; interactive (`llama2-70b-interactive`) 450 ms / 40 ms [P].
    mixtral-8x7b     OpenOrca + GSM8K + MBXP, 5k samples each (language/mixtral-8x7b README [P]); 144.84 output
                     tokens per sample [P]; mean input 480 tokens [U] (the dataset's is 427.39 [P], not given:
                     "Prompt lengths" below); inputs at most 2,048 tokens by the rules ("Input max is
                     2048, and output max is 1024", NVIDIA's review of the benchmark's rules, mlcommons/
                     inference_policies pull request 295, 2024-06 [P]), 1,948 in the dataset [P]. Server 2 s / 200 ms [P].
    llama3.1-405b    8,313 samples, 684.68 output tokens per sample (language/llama3.1-405b README [P]); long-context
                     inputs, mean 9,428.64 tokens (sum 78,380,323), population std 4,066.9 (cv 0.431), min 476,
                     p50 10,112, longest 19,988: the per-sample input lengths of the benchmark's dataset as
                     extracted in openshift-psap/performance-dashboard mlperf-data/summaries/llama3-1-405b.csv
                     (commit 739352b6, read 2026-12-05) [P] (given since 2026-12-05; ~9,400 [U] and the default
                     spread before: docs/accuracy.md "Llama 3.1 405B Server on Blackwell: the layout, the chunks,
                     the operating point"). Server 6 s / 175 ms; interactive 4.5 s / 80 ms [P].
    gptj             GPT-J 6B on CNN/DailyMail, 13,368 samples (mlperf.conf [P]; language/gpt-j README "entire
                     validation set (13368 samples) using beam search, beam_size=4" [P]). Output: loadgen counts 69
                     tokens per sample (mlperf.conf `gptj.*.token_latency_scaling_factor = 69` [P]); input: CNN/DM
                     articles average 781 word tokens (See et al., "Get To The Point", ACL 2017 [S]), ~900 GPT-2
                     BPE tokens with the instruction [U]. Beam search, 4 beams per request (the README above; "only
                     beam_size 4 is allowed for official submission" in the reference backend [P]): the workload
                     sets `let beams = 4` and 69 output tokens; the inference model runs the 4 beams as 4 rows of
                     the batch that share the request's prompt (prefilled once, its KV held and read once) and the
                     weight reads of each step, and counts 69 tokens per request. Server: 20 s per query at p99
                     (mlperf.conf `gptj.Server.target_latency = 20000` [P]), written as TTFT <= 20 s and
                     TPOT <= 20 s / 69 steps (a sufficient split of the query budget [D]).
    llama3.1-8b      Llama 3.1 8B Instruct on CNN/DailyMail, 13,368 samples (mlperf.conf [P]); prompt template up to
                     2,048 tokens (language/llama3.1-8b PREPROCESSING.md [P]); mean input 870.73 tokens (11,639,915
                     over the 13,368 samples, 79 to 2,540, population std 430.06: the `tok_input` lengths of
                     cnn_eval.json as extracted in openshift-psap/performance-dashboard mlperf-data/summaries/
                     llama3-1-8b-datacenter.csv, commit 7cd1065d, 2025-11-04 [P]; was ~900 [U]); output: the
                     accuracy reference generates 8,167,644 characters over 13,368 samples,
                     611 per sample [P][D], ~128 tokens at ~4.8 characters per Llama 3 token [U]. Server 2 s / 100 ms;
                     interactive 500 ms / 30 ms [P].
    deepseek-r1      DeepSeek-R1 671B (37B active), 4,388 samples (mlperf.conf [P]); "a maximum output length of
                     20K" (mlcommons.org "DeepSeek-R1 inference 5.1", 2025-09 [S]); 3,886.23 output tokens per
                     sample (the reference's "mean-output-tok-len": 3886.2274 over "num-samples": 4388,
                     mlcommons/inference language/deepseek-r1/README.md, and the submission checker's
                     TOKENS_PER_SAMPLE 0.9 x 3886.2274, tools/submission/submission_checker/constants.py, commit
                     b66003e1, read 2026-12 [P]); mean input 803.79 tokens (3,527,036 over the 4,388 samples, min 52,
                     max 3,140, std 405.6: the per-sample `tok_input_len` of mlperf_deepseek_r1_dataset_4388_fp8_eval.pkl
                     as openshift-psap/performance-dashboard datasets/summaries/deepseek-r1.csv lists it, commit
                     52a7418 2026-03-03 [P]; its `tok_ref_output_len` capped at 20,000 gives the reference's
                     3,886.2 to the token [D]). Server 2 s / 80 ms; interactive 1.5 s / 15 ms [P].
    gpt-oss-120b     gpt-oss-120b (117B, 5.1B active; MLPerf Inference v6.0): the performance dataset, 6,396 samples
                     (mlcommons/inference language/gpt-oss-120b/mlperf_gptoss.conf performance_sample_count [P]),
                     "pubmed_summarization (synthetic)", longest prompt 15,330 tokens, outputs up to 10,240 (NVIDIA's
                     v6.0 code/gpt-oss-120b/tensorrt/README.md dataset table, mlcommons/inference_results_v6.0 via
                     fork gbeezybez@232fbf9 [P]); 1,278.20 output tokens per sample (the reference mean that TEST09
                     checks, language/gpt-oss-120b/README.md [P]; NVIDIA's v6.0 8x B300 run: 103,961 tokens/s at
                     79.40 samples/s, 1,309 per sample [P]); mean input 5,010.64 tokens (32,048,077 over the 6,396
                     samples, min 600, max 15,330 as NVIDIA's table, std 2,243.7: the `num_tokens` of the
                     performance set perf_eval_ref.parquet as openshift-psap/performance-dashboard
                     datasets/summaries/gpt-oss.csv lists it, commit 52a7418 2026-03-03 [P]; the project had ~4,000
                     [U] before). Server 3 s / 80 ms, interactive 2 s / 15 ms (mlperf_gptoss.conf [P]).
    gpt3             GPT-3 175B from a checkpoint to log-perplexity 2.69: 1.25 Gtok of training (1,258,291,200
                     tokens in NVIDIA's v4.1 256-GPU log, 1,231,110,144 in the 11,616-GPU log:
                     training_results_v4.1 NVIDIA/results/eos*_nemo/gpt3/result_0.txt "trained_samples" [P]);
                     sequence 2,048; global batch 2,048 sequences (the 256-GPU log [P]); evaluation costs about one
                     training step per evaluation (same logs: 3 x 6.6 s of validation against 18.4 s steps), i.e.
                     25 evaluations of 12 Mtok forward-only [D] (the training model deals each evaluation's
                     sequences out to the replicas: 0.5 s per evaluation on 11,616 H100, where NVIDIA's v4.0 log
                     eos-dfw_n1452_ngc24.04_nemo/gpt3/result_0.txt shows 0.66-0.71 s, and 11.2 s on 512 in
                     eos_n64_ngc24.04_nemo [P]). Submissions with another global batch (1,536 to 6,144
                     sequences) run their own, the tokens scaled by RCP(batch) / RCP(2,048) (TRAINING_BATCH).
    llama2_70b_lora  LoRA fine-tuning of Llama 2 70B on GovReport, sequence 8,192, global batch 8: 3,187.2 samples
                     to converge, the mean of the MLPerf reference convergence points at batch 8 (TRAINING_RCP;
                     the score is scaled to it where a submission converges faster, and NVIDIA's v4.0 runs at 8 GPUs
                     stop at 2,688-3,456 samples, 3,187 on average: mlcommons/training_results_v4.0 commit 6fe95437
                     NVIDIA/results/eos_ngc24.04_nemo/llama2_70b_lora/result_*.txt [P]); one evaluation of 173
                     samples every 384 from the recipe's first (TRAINING_FIRST_EVAL: 5 at batch 8, 11 at 128, as
                     the logs show); warm-up inside the timed run, by round: 17 s in v4.0 (the same logs' first
                     block exceeds its steps at the steady rate by 16.3-19.0 s at 8, 64 and 1,024 H100 and 8 H200:
                     NeMo's WARMUP, CUDA-graph capture and first iterations [P]), 9.4 s in v4.1 and later (8.4-10.1 s
                     in NVIDIA's v4.1 logs eos_n128_ngc24.09_nemo, eos_n8_ngc24.09_nemo, b200_preview_nemo,
                     mlcommons/training_results_v4.1 as mirrored by swsok/training_results_v4.1 [P]). A
                     submission with another global batch (16 to 128 in the reference file) runs its own, with
                     3,187 x RCP(batch) / RCP(8) samples
                     (TRAINING_BATCH, TRAINING_RCP); one without a logged batch (later rounds) one sequence per 8
                     GPUs where that exceeds 8 (TRAINING_GPUS_PER_SEQUENCE).
    llama31_405b     MLPerf Training v5.0+ Llama 3.1 405B on C4, continued from a checkpoint, sequence 8,192 tokens,
                     global batch 1,152 sequences (NVIDIA's v5.1 512-GPU log theia_ngpu512_ngc25.09_nemo/llama31_405b/
                     result_0.txt "max_sequence_length", "global_batch_size" [P]); 322,560 samples to converge at that
                     batch (the reference convergence point: mean "Epochs to converge" of llama31_405b_ref_1152,
                     mlcommons/logging mlperf_logging/rcp_checker/training_5.1.0/rcps_llama31_405b.json, commit
                     2c618616, "Reference RCPs before 5.0 submission" [P]), 2.64 Gtok; 4 evaluations of 5,760
                     samples (the same log's "eval_samples" and its eval_accuracy points: the first at 276,480
                     samples, then every 18,432 [P]). Another global batch scales the samples by the RCP table
                     (TRAINING_RCP, same file: 1,008 to 9,216 sequences).
    llama31_8b       MLPerf Training v5.1 Llama 3.1 8B pretraining on C4, sequence 8,192 tokens, global batch 16
                     sequences (NVIDIA's v5.1 8-GPU log tyche_ngpu8_ngc25.09_nemo/llama31_8b/result_0.txt [P]; the
                     smallest reference batch); 161,587 samples to converge at batch 16 (mean of llama31_8b_ref_16,
                     mlcommons/logging rcp_checker/training_6.0.0/rcps_llama31_8b.json, commit f73c2c4a, "Reference
                     RCPs before 5.1 submission" [P]; the training_5.1.0 file holds only a placeholder), 1.32 Gtok;
                     an evaluation of 1,024 samples every 12,288 samples (the same log: "eval_samples", eval_accuracy
                     at 12,288, 24,576, ... [P]), i.e. 1/12 of the training tokens forward-only [D]. Other batches
                     (32 to 128) by the RCP table (TRAINING_RCP, same file).
    gpt_oss_20b      MLPerf Training v6.0 gpt-oss-20b pretraining, sequence 8,192, global batch 16 sequences (the
                     smallest reference batch: mlcommons/logging rcp_checker/training_6.0.0/rcps_gpt_oss_20b.json,
                     commit 3ef491ef, "gpt_oss_20b_ref_16" [P]; NVIDIA's v6.0 8-GPU log theia_ngpu8_ngc26.04_nemo/
                     gpt_oss_20b/result_0.txt "max_sequence_length": 8192, "eval_samples": 1024, evaluations every
                     12,288 samples [P], mlcommons/training_results_v6.0 via fork Richardyu114@eabf23a0); 194,765
                     samples to converge at batch 16 (mean of the RCP's 20 runs [P]), 1.60 Gtok; evaluation 1/12.
                     NVIDIA's runs log their own batch (TRAINING_BATCH: 24 at 8 GPUs, 36 at 72, 64 at 512), the
                     samples scaled by the RCP table (training_6.1.0: 234,701 at 32, 301,670 at 64).
    deepseekv3_671b  MLPerf Training v6.0 DeepSeek-V3 671B pretraining on C4 from a warm start, sequence 4,096, global
                     batch 15,360 sequences or more (MLCommons, "DeepSeek-V3 ... MLPerf Training v6.0", mlcommons.org
                     2026-05 [S]); 721,920 samples to converge at 15,360 (mean of deepseekv3_671b_ref_15360, rcp_checker
                     training_6.1.0/rcps_deepseekv3_671b.json, commit 933e9f49 [P]), 2.96 Gtok; an evaluation after
                     every step taking 1.4 s against 40 s steps (NVIDIA's 256-GPU log theia_ngpu256_ngc26.04_nemo/
                     deepseekv3_671b/result_0.txt, same fork [P]): 3.5% of the time, written as forward-only tokens
                     of 3 x 3.5% = 10.5% of the training tokens [D]. The multi-token-prediction module and the
                     benchmark's 128k Llama-3 tokenizer (DeepSeek_V3 has 129,280 rows) are not modelled [U].
The MLPerf Inference v5.1 limits of the new benchmarks agree with NVIDIA's description of the round (NVIDIA blog
"NVIDIA Blackwell Ultra Sets New Inference Records in MLPerf Debut", 2025-09-09, as distributed by pubt.io [S]):
DeepSeek-R1 Server TTFT 2 s and 12.5 tokens/s/user (80 ms); Llama 3.1 405B Interactive 4.5 s and 12.5 tokens/s/user
(80 ms); Llama 3.1 8B Server 2 s and 10 tokens/s/user (100 ms), Interactive 0.5 s and 33 tokens/s/user (30 ms).
Speculative decoding (`Serving.drafts`, `let draft_tokens` and `let draft_accepted_length` on the row's workload: the
inference model's "Speculative decoding"): MLPerf Inference v6.0 allows it for one benchmark and scenario, DeepSeek-R1
Interactive, "EAGLE-style decoding with deepseek-ai/deepseek-r1 MTP head", `speculative-num-steps=3`,
`speculative-eagle-topk=1.0`, the reference MTP head "at the same precision as provided" and no manipulation of the
acceptance rate (mlcommons/inference_policies inference_rules.adoc, appendix-speculative-decoding, added 2025-12-03,
commit 4c7c231; mlcommons/inference language/deepseek-r1/README.md "Speculative Decoding" and utils/backend_registry.py
`speculative_num_steps` 3, `speculative_topk` 1, commit c098f806 "add MTP to ds-r1 ref. impl", 2025-12-19; read
2026-12 [P]); the v6.0 Interactive configs run it so (`decoding_type: MTP`, `num_nextn_predict_layers: 3`,
`max_total_draft_tokens: 3`: closed/NVIDIA/configs/GB300-NVL72_GB300-288GB_aarch64x16/Interactive/disagg_decode/
deepseek-r1.yml and closed/{GigaComputing,Dell,ASUSTeK,Google}/configs/*B[23]00*/Interactive/deepseek-r1.py, fork
gbeezybez/inference_results_v6.0 [P]). The acceptance is the benchmark's own (its dataset, its head): no published
figure for MLPerf's prompts was found, so the rows take TensorRT-LLM's measured mean accepted length of DeepSeek-R1's
MTP head at 3 draft tokens, strict top-1, 2.82 (1k/2k prompts of its own: NVIDIA/TensorRT-LLM docs/source/blogs/
tech_blog/blog1_Pushing_Latency_Boundaries_Optimizing_DeepSeek-R1_Performance_on_NVIDIA_B200_GPUs.md [S]). The rows
of rounds from v6.0 on get them (later rules keep the entry [P]); v5.1 had no such rule and its DeepSeek-R1 configs set
no speculative decoding (no `speculative`, `mtp` or `nextn` in any closed/*/configs/*/deepseek-r1.py of fork
ntuhpc/inference_results_v5.1@387c3dd0 [P]); Server and Offline run none in either round (their v6.0 configs, e.g.
closed/NVIDIA/configs/GB300-NVL72_GB300-288GB_aarch64x72/Server/deepseek-r1.py, set none [P]). gpt-oss-120b
Interactive's EAGLE3 entry was added to the rules on 2026-05-18 (commit 4c1dc9c), after v6.0: not given.
Units as the result summaries write them: MLPerf Inference v5.1's summary_results.json gives llama3.1-8b Interactive
results in "Queries/s" although they are tokens/s (NVIDIA's 8x B200: Interactive 102,903 against Server 128,541
and Offline 136,752 Tokens/s; 102,903 queries/s of ~128-token answers would be 13 Mtok/s); such a row is read in
the unit UNIT_FIXES names (tok/s). Benchmarks that are not decoder language models (whisper, retinanet,
stable-diffusion-xl, dlrm-v2, rgat, flux1, qwen3-vl-235b-a22b (vision-language), wan-2.2-t2v-a14b, dlrm-v3,
yolo, ...) have no workload description: their rows are listed as not covered
(whatever unit they give), never an invalid row.
Token budget (Server and Interactive rows on Hopper and Blackwell, `Serving.budgets`): the TensorRT-LLM runtime
`max_num_tokens` of NVIDIA's MLPerf Inference v5.0 harness configs (closed/NVIDIA configs/<benchmark>/Server, as
copied by partners: ntuhpc/mlperf_inference_results_v5.0 closed/Cisco/configs/{llama2-70b,llama2-70b-interactive,
mixtral-8x7b,llama3_1-405b}/Server/__init__.py, read 2026-12 [P]; the H100 value also in the DGX-H100 SUT that
FlashLab-MBZUAI/HBFSim h100-llama2-70b-calibration-protocol.json records [S]), written per tensor-parallel rank as
the inference model reads it (an engine of tp ranks has tp times the budget): Llama 2 70B Server H200/GH200 1,536
(tp1), H100 1,024 (tp1 pp2, per micro-batch), B200 3,584 (tp1); Interactive H200 256, B200 768 (tp1); Mixtral
Server H200 8,192, GH200 9,216, B200 10,240 (tp1; H100 and H200-CTS set none and run the parent's 16,384: "Engine
budgets" below); Llama 3.1 405B
Server H200 2,560 at tp8 = 320 per rank, B200/GB200 1,024 at tp2 pp2 = 512 per rank. The same generation's value
for its other chips (H100 NVL, H200 NVL, PCIe cards run the same harness [U]); other chips (AMD, vLLM) keep the
model's default. The v4.1 rows run an older harness (the C++ `harness_llm`, closed/NVIDIA/code/llama2-70b-99.9/
tensorrt/harness.py [P]) whose Server configs (mlcommons/inference_results_v4.1 closed/NVIDIA/configs/llama2-70b/
Server/__init__.py [P]) set no chunked context; every engine of the benchmark is built with `max_num_tokens = 4096`
a forward pass (the parent GPUBaseConfig, configs/llama2-70b/__init__.py, passed to trtllm-build by
code/llama2-70b/tensorrt/builder.py [P]; the partners' copies say the same), which TensorRT-LLM's micro-batch
scheduler fills with the decode rows and whole prompts, first come first served (`WHOLE_PROMPT_BUDGETS`, per rank at
the config's tp: 2,048 on H100 SXM and NVL at tp2, 4,096 on H200, H200-CTS and GH200 at tp1; the partners' H100 PCIe
(ASUSTeK, tp 2) 2,048 and L40S (Fujitsu, tp 4) the engine's 4,096 at the search's tp 2, 2,048 (docs/accuracy.md
"Engine budgets: the add-in cards and the partners' own"); B200 (a preview system) has no published v4.1 Server
config and keeps the default; docs/accuracy.md, Latency v9).
Without chunked context the v4.1 NVIDIA-harness Server rows of Llama 2 70B and Mixtral 8x7B (every v4.1 chip but
AMD's, whose vLLM harness is its own; Mixtral's v4.1 config taken to be the same harness [U]) get
`let whole_prompts = 1`: a prompt runs whole in the step after its arrival, with the whole step's arrivals and no
first-token delay (compiler/models/inference/ "Whole prompts"; docs/accuracy.md, Latency v8), and (MECHANISMS
"whole_step_p50", applied since session 21) `let whole_step_engines = k`: their TTFT p50 from the wait for the next
step boundary among the k engines that drain one queue (the harness's engines at tp x pp 1, dispatch_policy "shared";
1 otherwise) plus the step that takes the batch (inference.py "Whole-step p50"; docs/accuracy.md "The whole-prompt
engines' first token", s21-v41); where the harness dispatches least-busy (tp x pp > 1, MECHANISMS "whole_step_least",
applied since session 21) DISPATCH_WAITS' simulated least-busy p50 shift rides on it (`dispatch_wait_p50`). Longest prompt (`max_input_tokens`): Llama 2 70B
1,021 (the dataset's maximum, the HBFSim file above), Llama 3.1 405B 20,000 (the harness's `max_input_len`,
closed/Oracle/configs/llama3_1-405b/__init__.py in the same v5.0 copy [P]), Mixtral 8x7B 1,948 (the dataset's longest
prompt, "Prompt lengths" below; the rules allow 2,048), Llama 3.1 8B 2,540 and DeepSeek-R1 3,140
(the v5.1 harness's `max_input_len`: mlcommons/inference_results_v5.1 closed/NVIDIA/configs/B200-SXM-180GBx8/Server/
llama3_1-8b.py and GB300-NVL72_GB300-288GB_aarch64x72_TRT/Server/deepseek-r1.py, via fork ntuhpc@387c3dd0 [P]).
The v5.1 configs keep the v5.0 budgets (Llama 2 70B Server 1,536 / 3,584, Interactive 256 / 768, Mixtral 8,192 /
10,240, 405B Server 2,560 at tp8 / 2,048 at tp4 on B200 and GB200) and add: 8B 1,536 (Hopper partners) and 12,000
(B200, GB200) at tp1, 405B Interactive 2,560 at tp8 (H200), 1,536 at tp4 (B200), 1,024 at tp4 (GB200 NVL72), 405B
Server on GB300 1,536 at tp2, DeepSeek-R1 3,456 at tp8 with attention data parallelism (GB300; per rank unclear);
they are not applied to v5.1 rows yet (the budget is read for v5.0 rows only; applying it to v5.1 moved the 405B
Interactive and GB300 rows further from their figures through the layout the budget favours: docs/accuracy.md). The budget sets the prompt queue of the model's time to first token (compiler/models/inference/).
Chunk unit (`TRTLLM_TOKENS_PER_BLOCK`; applied): TensorRT-LLM's micro-batch scheduler rounds a context chunk that
is not a prompt's last down to whole KV cache blocks (cpp/tensorrt_llm/batch_manager/microBatchScheduler.cpp [P]),
`tokens_per_block` 32 in NVIDIA's configs (inference_results_v5.1 closed/NVIDIA/configs/B200-SXM-180GBx8/Server/
llama2-70b.py [P]), so the Server and Interactive rows of the TensorRT-LLM chips that chunk their contexts (every
NVIDIA-harness row but v4.1's whole prompts) get `let context_chunk_unit = 32 tok`: (32 - 1) / 2 tokens of a step's
budget a micro-batch unused on average (compiler/models/inference/; docs/accuracy.md "Chunk unit").
Serial context chunks (MECHANISMS "serial_context_chunks"; applied since 2026-12-05, with the long-prompt layouts
below: the rows it moves are the 405B ones at pp 2): NVIDIA's v5.0 harness builds TensorRT engines
(`trtllm_build_flags`) run by TensorRT-LLM's C++ in-flight batching runtime, which keeps a scheduled context request
in flight until its micro-batch has left the last pipeline stage (trtGptModelInflightBatching.cpp forwardAsync [P]):
over pp > 1 stages a long prompt advances one chunk a cycle (`let serial_context_chunks = 1`, compiler/models/
inference.py). The v5.0 405B Server layouts (tp2 pp2 on B200 and GB200, budget 1,024; tp8 pp1 on H200, 2,560) and the
v5.1 ones (B200 tp4 pp1, 2,048; GB300 tp2 pp1, 1,536) are NVIDIA's (closed/Cisco/configs/llama3_1-405b/Server in
ntuhpc/mlperf_inference_results_v5.0, closed/NVIDIA/configs/*/Server/llama3_1-405b.py in ykamiset/
inference_results_v5.1 [P]).
Long-prompt layouts (MECHANISMS "long_prompt_layouts"; applied to Server and Interactive rows since 2026-12-05): a
Server or Interactive row takes its submission's layout (`LAYOUTS`, below) where the engine's budget a micro-batch is
smaller than the benchmark's mean prompt: a prompt then spans several of the engine's steps, so the budget the
submitter set, not one the search scales with its tp (`max_num_tokens` is per rank), paces the time to first token
and so the rate the TTFT limit allows. Today: Llama 3.1 405B (9,428.64 tokens against 1,024-2,560), v5.0 and v5.1.
Without it the search ran the 405B Blackwell Server rows at tp 4 x pp 2 with 2,048-token chunks where NVIDIA's engines
run tp 2 x pp 2 at 1,024 (+55% / +62%); with it, the serial chunks and the 405B prompt distribution: docs/accuracy.md
"Llama 3.1 405B Server on Blackwell: the layout, the chunks, the operating point".
Own prompt spread (MECHANISMS "own_prompt_spread"; applied since 2026-12-05): `let own_prompt_spread = 1` on Server
and Interactive rows, the prompt queue's quantile with the request's own prompt at the benchmark's spread where a
prompt spans more than one step (compiler/models/inference/ `_own_prompt_tokens`; on this file only the 13 405B
TTFT p50 rows move: the p99 keeps its bound, so no rate moves; docs/accuracy.md "Llama 3.1 405B Server on Blackwell:
the layout, the chunks, the operating point").
Engine budgets (`ENGINE_BUDGETS`, `SUBMISSION_BUDGETS`; applied to v5.0 Server and Interactive rows since 2026-12-05:
MECHANISMS "engine_budgets"): where a submission's engines ran another `max_num_tokens` than its generation's value
in `Serving.budgets`, the row takes its own, the engine's tokens over the engine's tp per rank [P]. The add-in cards'
Llama 2 70B Server engines (H100 NVL, H100 PCIe, L40S; tp 2) set no budget and so run the parent GPUBaseConfig's
2,048 a forward pass, not the Hopper 1,536 a rank (3,072 at tp 2) or the model's default 8,192 a rank; Fujitsu's 8x
H100 NVL Interactive engine runs tp 2 at 256 (128 a rank, not 256); NVIDIA's H100 SXM and H200-CTS and Lenovo's H100
NVL and Quanta's H100 PCIe Mixtral engines set none and run the Mixtral parent's 16,384, Lenovo's 4x and
Supermicro's 8x H200 SXM Mixtral engines set 16,384 and the GH200 96 GB engines (Quanta, Supermicro) 9,216 (not 8,192); HPE's XD670 8x H100 SXM Interactive engine
runs NVIDIA's 256-token H200 class at tp 2 (128 a rank). The per-rank value is the submitter's tp's: the search
picks the same tp on these rows (tp 2 on the add-in cards; Cisco's C245 M8 ran two tp 1 engines of 2,048 where the
search runs one tp 2 engine of 2,048). docs/accuracy.md "Engine budgets: the add-in cards and the partners' own".
Engine KV precision (`KV16_ENGINES`; applied in session 16: MECHANISMS "engine_kv_precision"): the v5.0 L40S
engines' configs (Dell's XE7745 Server and Offline, HPE's DL380a Server) set no `kv_cache_dtype`, so NVIDIA's harness
quantizes no KV cache and the engines keep it at 16 bits where the model gives an fp8 row an fp8 cache [P]; with it
those rows take `kv_precision` "bf16" (the Offline batch 287 -> 143 rows an engine; Offline 6.88% -> 6.70%, Server
6.95% -> 6.87%, no latency median moves: docs/accuracy.md "The L40S's 90% TTFT miss, taken apart").
Layouts (`LAYOUTS`, `LAYOUT_SYSTEMS`, `layout_for`; applied to Offline rows: MECHANISMS "layouts"):
the tensor- and pipeline-parallel ranks of the engine each submission ran, and its runtime `max_num_tokens`, read from
the harness configs [P]: NVIDIA's v4.1 configs (mlcommons/inference_results_v4.1 closed/NVIDIA/configs/{llama2-70b,
mixtral-8x7b}/{Offline,Server}/__init__.py), v5.0 (as copied by Cisco, ntuhpc/mlperf_inference_results_v5.0 closed/
Cisco/configs/{llama2-70b,llama2-70b-interactive,mixtral-8x7b,llama3_1-405b}/{Offline,Server}/__init__.py; the H100
SXM Llama 2 70B engine is the "PP2" one, tp 1 pp 2, whose target 107 qps NVIDIA's own user.conf sets), v5.1 (fork
ntuhpc/inference_results_v5.1 closed/NVIDIA/configs/<system>/<Scenario>/<benchmark>.py), v6.0 Offline (the engine
of the smaller "atomic" system config that NVIDIA's scaleout/REPRODUCE.md copies for each x8 / x72 result; B200 its
own configs: gbeezybez/inference_results_v6.0 closed/NVIDIA/configs/, _V60_ATOMIC's URL), keyed by round, model,
scenario and chip; a partner's own config where it names another layout for its system or NVIDIA has none, keyed
by the row's result directory (Cisco's C885A H100 SXM Llama 2 70B Server tp 2, C245 M8 H100 NVL tp 1; Dell's
XE7745 L40S tp 2 and H200 NVL tp 1; Llama 3.1 405B on 8x H100 SXM: Dell TP8PP1 Offline / TP4PP2 Server, Quanta
TP8PP1; v4.1 Fujitsu's L40S tp 4, ASUSTeK's H100 PCIe tp 2). A row with a layout gets `tp` and `pp` fixed in its
workload and, where the config sets one (rounds LAYOUT_BUDGET_ROUNDS), the engine's budget per rank as
`max_num_tokens` (engine budget / tp: TensorRT-LLM's budget is the engine's, the model's is per rank); other rows are
searched. Given to Offline rows only: with them Offline 7.0% -> 6.7% (the 405B Offline engines at pp 2 carry 1,536-
token chunks, not whole 9,400-token prompts a micro-batch), every other category unchanged; at the Server and
Interactive layouts the latency model binds early (Interactive 0.8% -> 24.0% at H200's tp 1 engine, TTFT p99 13.3% ->
15.5%), so those are measured, not applied (docs/accuracy.md "Submitters' layouts as data").
Disaggregated runs (`DISAGGREGATED`, `disaggregation_for`; applied to Server and Interactive rows: MECHANISMS
"disaggregated"): the submissions that served prefill and decode on separate pools (NVIDIA Dynamo with TensorRT-LLM
context and generation workers), read from the submitters' configs [P]. MLPerf Inference v5.1: NVIDIA's open-division
GB200 NVL72 Llama 3.1 405B Interactive (`..._Dynamo`: 14 prefill workers at tp 4 + 4 decode workers at tp 4); v6.0,
NVIDIA's closed GB200 and GB300 NVL72 x72 runs of gpt-oss-120b, DeepSeek-R1 and Llama 3.1 405B Interactive, Llama
3.1 405B Server, and Llama 2 70B Server and Interactive (the configs' `dynamo_cluster`: its workers and their
TensorRT-LLM engines; Llama 2 70B: NVIDIA's disaggregated TensorRT-LLM script, 28 + 44 servers of tp 1; which of a
config's variants ran is named by the result's user.conf `target_qps` and `min_query_count` and by NVIDIA's
REPRODUCE.md files: each entry's source is its URL; docs/accuracy.md "Disaggregated runs planned as they ran"). Neither the system name nor the
system description of a v6.0 row says so (every NVIDIA v6.0 system lists Dynamo in its software), so a row is matched
by its submission: division, submitter and result directory of its source (`closed/NVIDIA/results/<dir>/`), else the
`Submitter: ... [dir]` of its system column (closed). A matched row
runs the workload with `serving = "disaggregated"` (compiler/models/inference/, "Disaggregated serving": the decode
pool searched without prompts in its steps, the prefill workers' passes by the aggregated prefill step, their M/G/c
queue and the KV transfer in the time to first token), the decode workers' engine fixed: `tp` (a rank's tensor
parallelism), `pp` 1 and, for an attention-data-parallel worker of a mixture-of-experts model (TensorRT-LLM
`enable_attention_dp`), `ep` = its chips (d = ep / tp ranks, the experts spread over all); and the run's split:
`prefill_accelerators` = its prefill workers' chips and `prefill_tp` = a worker's chips (since 2026-12-05;
docs/accuracy.md "Disaggregated serving: the pools as they run"). The calibration rounds (v4.1, v5.0) have no disaggregated LLM submission.
Offline token budget (`offline_budget_rows`; measured, NOT applied: MECHANISMS "offline_budget", `validate --with
offline_budget`): an Offline row that runs a submitter's engine with a runtime `max_num_tokens` C (LAYOUTS) holds at
most pp C / (1 + I / O) decode rows, as `let max_batch_size`: every pass of a micro-batch carries its decode rows and
then prompt chunks up to C tokens (TensorRT-LLM's in-flight batcher, `batch_scheduler_policy` max_util [P]), and in
the steady state the prompt tokens a pass admits replace the rows that finish, b I / O of them, so b (1 + I / O) <= C
whatever the KV cache would hold. Llama 3.1 405B on NVIDIA's v5.1 GB300 engine (tp 2, pp 1, 1,536 tokens;
closed/NVIDIA/configs/GB300-NVL72_GB300-288GB_aarch64x72_TRT/Offline/llama3_1-405b.py [P]): 103 rows where the
288 GB hold 115. It also caps the v5.0 Hopper Llama 2 70B (875 rows at 1,536) and 405B H200 (207) engines
(docs/accuracy.md "Llama 3.1 405B on Blackwell racks", 2026-12-05).
Engine limits (`ENGINE_BATCH`, `KV_FRACTIONS`, `engine_limits`; measured, NOT applied: MECHANISMS "engine_limits"):
the batch cap of each NVIDIA engine, its config's `gpu_batch_size` (the engine's max_batch_size; TensorRT-LLM keeps
max_batch_size x pp sequences, trtGptModel.h [P]), as `let max_batch_size` (sequences per tp x pp engine:
compiler/models/inference/ `engine_batch_cap`), and the KV cache's share of the memory free after the engine
(`let kv_cache_fraction` with `memory_reserve` 0). Figures [P]: MLPerf Inference v5.0 closed/NVIDIA configs as
copied by partners (ntuhpc/mlperf_inference_results_v5.0 closed/Cisco/configs/{llama2-70b,llama2-70b-interactive,
mixtral-8x7b}/{Offline,Server}/__init__.py, read 2026-12): Llama 2 70B Offline and Server H100 SXM 1,024 at pp 2
(2,048 sequences), H200, GH200 and B200 2,048, H100 NVL 1,300 / 640 (tp 2), H200-CTS 850 (x1) and 784 / 1,024
(x8); Interactive H200 512, B200 768; Mixtral Offline and Server H100 896, H200 and H200-CTS 3,072, GH200 4,096,
B200 6,144; v4.1 (mlcommons/inference_results_v4.1 closed/NVIDIA/configs/llama2-70b/{Offline,Server}/__init__.py,
commit a2f5d66d [P]): Offline H100 SXM 896 (tp 2), H200 and GH200 806, Server H100 SXM 1,024 (tp 2), H200 896,
GH200 806, H100 NVL 1,300 / 640, H200-CTS as v5.0; the partners' configs of the add-in cards (docs/accuracy.md
"Add-in cards" [P]): L40S 1,024 (v4.1 Fujitsu, v5.0 Dell), H100 PCIe 896 (v4.1 ASUSTeK), H200 NVL 2,048 (v5.0
Dell); Quanta's v5.0 configs (closed/Quanta_Cloud_Technology/configs/ in the same copy [P]): GH200 96 GB Llama 2 70B
2,048 (tp 1, Offline and Server), Mixtral 4,096 (Offline), H100 PCIe Llama 2 70B Server 2,048 (tp 2). v4.1's Mixtral Server config is not in the stored copy: no cap. KV fractions (`kvcache_free_gpu_mem_frac`,
same files [P]): 0.95 on v5.0 Llama 2 70B H100 SXM (pp 2) and B200 and v5.0 Mixtral B200 Offline; 0.90 in every
v4.1 config and the other v5.0 ones that set it; TensorRT-LLM's default 0.90 where none is set (KvCacheConfig
free_gpu_memory_fraction, nvidia.github.io/TensorRT-LLM [P]).
KV room (`OUTPUT_CVS`, MECHANISMS "kv_room"; measured, NOT applied): the output-length spread of each benchmark (cv of
the tokens a request generates, the submitters' TEST06 accuracy logs [P/D]: Llama 2 70B 0.59, Mixtral 8x7B 0.74,
Llama 3.1 405B 0.35, DeepSeek-R1 1.07; docs/accuracy.md "Dataset lengths, sourced") given to Server rows as
`output_length_cv` with `let kv_room_wait = 1` (the length-biased KV a row holds and the Erlang-C wait for KV room,
compiler/models/inference/ kv_slots, _kv_room_wait). Not applied: with the engines' memory (binary capacities,
KV_FRACTIONS) the B200 and H100 Mixtral caches hold more rows than the submitters ran, and every variant raised
TTFT p50 above 10% (docs/accuracy.md "KV room in Server").
Output spread (MECHANISMS "output_spread"; measured, NOT applied): Server rows of the benchmarks in OUTPUT_CVS get
their `output_length_cv` alone (no KV room): the p99 TPOT over requests of their own lengths (compiler/models/
inference.py _tpot_tail; docs/accuracy.md "Output-length tail of the p99 TPOT"). Measured 2026-12-06 (s14-ultra): on
this file only the TPOT p99 rows move (7.5% -> 7.9%; no Server throughput row changes at the batch grid), and the
held-out DeepSeek-R1 GB300 x72 Server row stays +43.5% (its TPOT p99 76.5 -> 76.8 ms at the same batch):
docs/accuracy.md "DeepSeek-R1 Server against Offline: the Server-only terms, one by one".
Prompt busy window (MECHANISMS "prompt_busy_window", applied since session 22; "prompt_busy_window_all", measured, NOT
applied): Server and
Interactive rows get `let prompt_busy_window = 1` (the `_all` variant 2), and where a mean prompt exceeds the budget
of a pp 1 engine (the layout's, else DEFAULT_CHUNK_TOKENS) their OUTPUT_CVS spread: a request's TPOT mean and p99
from the prompt queue's busy period over its own decode steps (compiler/models/inference/ busy_window_tpot; 1: where
a mean prompt fills two steps' room or more, today's law where it fits one, linear between). Checked against the
discrete-event engines at the runs' inputs (bench/tpot_busy_window.py: the 405B mean / p99 0.515 / 0.527 / 0.543
against the simulated 0.511 / 0.529 / 0.546). Measured: only the Llama 3.1 405B pp 1 rows move (TPOT p99 -34..-41%
-> -5..-17%, mean -4..-17% -> +1..-14%); every median the same or lower; the `_all` variant takes TTFT p99 13.80 ->
14.15%: docs/accuracy.md "The per-request TPOT as a busy period of the prompt queue".
KV cap (MECHANISMS "kv_cap"; measured, NOT applied): Server rows of the benchmarks in OUTPUT_CVS get
`kv_room_wait` 1 (the batch capped at the rows the KV pool holds at their length-biased context), their
`output_length_cv` and `kv_wait_service_spread` 1 (the excess waits for a slot as an M/G/c queue: slots freed after
each row's own output length; compiler/models/inference/ _kv_room_wait). With `--with engine_limits` too, the pool
is TensorRT-LLM's fraction of the memory the engine leaves. Not applied: docs/accuracy.md "A hard cap on rows in
flight".
Engine KV wait (MECHANISMS "engine_kv_wait"; measured, NOT applied): Server rows whose harness does not pool its
engines' KV rows (`dispatch_policy` not "least": v4.1's NVIDIA harness at tp 1, whose engines each pull from the one
shared queue up to max_num_sequences - active requests, TensorRT-LLM GptManager::fetchNewRequests [P], and every
single or independent engine) get `kv_room_wait` 1 with no output spread: a new request waits for its own engine's
KV rows (the rows the batch holds at I / k + O / 2 a row, the model's own cache) as an Erlang-C queue (compiler/
models/inference/ _kv_room_wait). The v4.1 8x H100 SXM Mixtral runs' tails read that wait off their own percentiles
(bench/mixtral_slots.py). Not applied: TTFT p99 13.80% -> 13.66% (89 rows within 10% either way): docs/accuracy.md
"The Mixtral H100 tail as a wait for an engine's own KV rows".
Engine output lengths (MECHANISMS "engine_output_lengths"; measured, NOT applied): the Blackwell FP4 Llama 2 70B rows
get `output_tokens` 273.0, the mean answer of NVIDIA's NVFP4 checkpoint in the submissions' own accuracy runs
(`tokens_per_sample` 272.5-273.9 over v4.1, v5.0 and v5.1 [P]; ENGINE_OUTPUT_TOKENS), where the reference (and the
FP8 Hopper engines, 292.5-292.9) answer 294.45: each generated token then carries 222.33 / 273.0 = 0.814 prompt
tokens, not 0.755, so the prompt queue of a Server engine runs 7.9% heavier at one token rate. Not applied: it takes
the v5.0 8x B200 Server TTFT p99 from -57/-65% to -42/-52% but brings no row within 10% (TTFT p99 9.87%, 104 rows
either way; TTFT p50 8.66% -> 8.72%; docs/accuracy.md "The FP4 engines' shorter answers").
Engine output lengths, Llama 3.1 405B (MECHANISMS "engine_output_lengths_405b"; measured, NOT applied): the 405B rows
get `output_tokens` 656.15 (NVFP4 Blackwell, Blackwell Ultra included) or 647.9 (FP8 Hopper), the median answer of
NVIDIA's engines in the calibration round's own accuracy runs (v5.0 `tokens_per_sample` 647.2-656.8 [P]), where the
reference's 684.68 is the FP16 GPU run's; every later run read answers 626-661 (ENGINE_OUTPUT_TOKENS). Not applied:
validate's medians are unchanged, the v5.0 H200 405B Server rows move out (-10.4 -> -12.5%), and of the three
published 405B held-out figures two move nearer and one away (docs/accuracy.md "Llama 3.1 405B's answer length").
Row count elasticity (MECHANISMS "row_count_elasticity"; measured, NOT applied): `let row_count_elasticity = 1` on
Server and Interactive rows, the rows in flight spread as a birth-death count whose departures slow as the batch grows
(variance b / eps, eps the throughput's elasticity in the rows; compiler/models/inference/ `_tpot_tail`). Not
applied: only the TPOT-bound batches move (Interactive 0.8% -> 3.5%) and TTFT p50 leaves the gate (8.9% -> 13.6%);
the budgeted engines' measured spread is the Poisson count's (docs/accuracy.md "TPOT mean by mechanism").
Dispatch-held rows (MECHANISMS "dispatch_held_rows"; measured, NOT applied): `let row_count_elasticity = 1` on Server
and Interactive rows, with the harness's engines and dispatch (dispatch_policy: `row_dispatch_engines` k and
`row_dispatch` own / shared / least): an engine's rows are the k engines' birth-death total over k plus its deviation,
held by the dispatch (compiler/models/inference/ `dispatch_row_share`; docs/accuracy.md "The rows in flight under
the harness's dispatch").
Budget-held rows (MECHANISMS "budget_held_rows"; measured, NOT applied): `let row_count_elasticity = 1` and `let
row_budget_hold = 1` on Server and Interactive rows: the birth-death count above, its elasticity raised by the token
budget's admission pull for the share of steps the budget binds (compiler/models/inference/ `budget_hold_slope`;
no fitted constant; docs/accuracy.md "The rows in flight under the harness's dispatch").
Run ramp (MECHANISMS "run_ramp"; measured, NOT applied): `let run_ramp_deficit = RUN_RAMP_DEFICIT` (0.03) on Server
and Interactive rows, a capacity point is kept only where a 600-s run from an empty engine reaches it (its mean step
short of the steady one by at most 3%, the measured TPOT mean / p50; compiler/models/inference/ `_ramp_deficit`).
Not applied: Server 7.3% -> 17.5% (signed +1.6% -> -16.5%), TTFT p50 8.9% -> 56.0%; no bound between 0.01 and 0.58
keeps every passing category (docs/accuracy.md "The operating point a run from empty reaches").
Batch refinement (MECHANISMS "batch_refinement"; measured, NOT applied): `let batch_refinement = BATCH_REFINEMENT` (8)
on Server and Interactive rows, the search's geometric batch grid (ratio 1.146) refined around each capacity point, so
the point meets its binding limit (TPOT p99 at ~0.99 of the limit where the grid stops at 0.88-0.91, 1.00 on H200
Interactive). Not applied: TTFT p99 12.5% -> 18.6%, TPOT mean 9.8% -> 14.9%, TTFT p50 8.9% -> 12.4%; the submitters'
runs sit at 0.84-0.91 of the TPOT p99 limit, where the grid happens to stop (docs/accuracy.md "What binds the capacity
point"). Measured again 2026-12-07 (s25-refine, with the whole-prompt rows' `capacity_solve` beside it, which raised
before and left 88 Server and 56 TTFT rows uncompared): TTFT p50 10.4% -> 11.9%, TTFT p99 13.8% -> 15.6%, TPOT mean
6.8% -> 10.2%, TPOT p99 6.3% -> 10.0%, Interactive 4.5% -> 1.3%, held-out Server 25.3% -> 27.8%; still not applied
(docs/accuracy.md "Batch refinement beside the solved batch"; bench/refined_point.py).
Knee power (MECHANISMS "knee_power", the add-in cards KNEE_POWER_CHIPS, applied since 2026-12-05 with the three below,
and since 2026-12-06 those chips' own `let gemm_knee_power = 0` in stdlib/chips.factory, the planning default;
"knee_power_all", every chip, measured, NOT applied): `let gemm_knee_power = 0`, the time a decode GEMM takes beyond its FLOPs at e_c (the knee, m0 rows) draws
no compute power in the clock law (the matrix units idle while the weights stream), so a power-capped card decodes
small batches at a higher clock. At the measured runs' own rows in flight the add-in cards' step then matches (H100 NVL
pair +17..+29% -> -3..+1%, L40S +25..+28% -> +5..+7%), but the capacity point runs further up the flat throughput
curve: on the add-in cards Server 7.3% -> 7.7%, TPOT mean 9.4% -> 9.7%, their Llama 2 70B TPOT rows unchanged
(H100 NVL +26..+189%); on every chip TTFT p50 8.9% -> 11.0%, TPOT mean 12.4% (docs/accuracy.md "The add-in cards'
decode step").
GEMM launch (MECHANISMS "gemm_launch"; measured, NOT applied): `let gemm_launch_time = GEMM_LAUNCH_TIME` (11.6 us,
reference/h100_microbench.md's fp8 fit), the dense GEMMs' knee as a fixed time a launch (4 a dense layer, 2 a MoE
layer), not 128 rows' worth of FLOPs: per GEMM max(weight read, launch + FLOPs at e_c), so a large GEMM's knee is small
(Llama 2 70B tp 1: 44 rows) and prompt tokens beside a weight-bound decode step cost little until its ridge; Blackwell
FP4's own knee kept. Not applied: TTFT p99 12.0% -> 14.9%, TPOT mean 9.4% -> 11.8%, TTFT p50 8.9% -> 10.7%; with
continuous_capacity, layouts and knee_power_all TTFT p99 11.9% (96 within 10%), TPOT mean 11.3%, TPOT p99 10.1%;
refit once, TTFT p99 13.0% (docs/accuracy.md "The GEMM time as a per-launch roofline").
GEMM roofline (MECHANISMS "gemm_roofline"; measured, NOT applied): `let gemm_launch_time = GEMM_ROOFLINE_LAUNCH`
(7 us) with `let gemm_weight_efficiency = GEMM_WEIGHT_EFFICIENCY` (0.61, fp8): the dense GEMMs of a step take the
launches' time beside max(FLOPs at e_c, the weights at e_w), on both legs, so a prompt token below the ridge rides in
the weight read's shadow. Not applied: TTFT p99 12.0% -> 21.2% alone (Interactive 18.4%); with continuous_capacity,
layouts and knee_power_all 13.4% (91 within 10%), refit once jointly 13.0% (94), TTFT p50 10.4% (docs/accuracy.md
"The step GEMM as a two-legged roofline").
Pipeline host overlap (MECHANISMS "pipeline_host_overlap"; measured, NOT applied): `let pipeline_host_overlap = 1`,
over pp > 1 stages a pipeline cycle carries only a micro-batch's own host work, step_overhead + (B / pp) seq_overhead,
the others' under the stages (TensorRT-LLM trtGptModelInflightBatching.cpp forwardAsync / forwardSync, read
2026-12-05); at least pp of them a cycle. Validate: TTFT p99 12.0% -> 11.7% (93 -> 94 within 10%), Offline 6.7% ->
6.9%, the rest unchanged; v5.0 H100 Llama 2 70B pp 2 step at the runs' rows +25.9% -> +16.5%. Not applied: held-out
DeepSeek-R1 GB300 Offline (pp 3) -3.3% -> +56.4% (docs/accuracy.md "Pipeline micro-batches and the host's work").
Pipeline overhead split (MECHANISMS "pipeline_overhead_split"; measured, NOT applied): `let pipeline_overhead_split
= 1`, over pp > 1 stages seq_overhead split into the host's share (`seq_overhead_host`, <= 14.6 us a row: TensorRT-LLM
0.17's fastest published replica step) and the per-layer device rest: the C++ runtime's last pipeline rank syncs on
each micro-batch it enqueues (trtGptModelInflightBatching.cpp forwardAsync, decoderSync, read 2026-12-05), so its host
work is serial, pp step_overhead + B seq_overhead_host a cycle, and the device rest runs over the stages, / pp.
Validate: TTFT p99 12.03% -> 12.07% (93 within 10%), the rest within 0.01 point; v5.0 H100 pp 2 step +25.9% -> +21.4%.
Not applied: TTFT p99 worse and held-out DeepSeek-R1 GB300 Offline (pp 3) -3.3% -> +22.9% (docs/accuracy.md "The
pipeline step's overheads: host work and device work").
TP all-reduce by kernel (MECHANISMS "allreduce_kernels"; applied since 2026-12-05, session 13, with knee_power,
capacity_margin and residual_tail: together TTFT p99 12.03% -> 9.87%, every category within 10%; the model's default
since 2026-12-06, `--without allreduce_kernels` sets 0): `let allreduce_kernels = 1`, each
tensor-parallel all-reduce priced as the kernel TensorRT-LLM's AUTO strategy picks for its bytes and tp (one-shot,
two-shot, NCCL beyond the custom kernels' 16 / 8 MB workspace at nccl_latency 30 us; allreducePlugin.cpp
selectImplementation, read 2026-12-05; compiler/models/inference/ "TP all-reduce by kernel"). Validate: Offline
6.70% -> 6.54%, TTFT p99 12.03% (93 -> 95 within 10%), but Server 7.27% -> 7.38%, TPOT mean 9.38% -> 9.54%, TPOT p99
7.19% -> 7.26%; B200 405B Server +31.4% -> +18.2%; held-out 405B GB300 Offline +46.8% -> +43.5% but GB200 x72 405B
Interactive -12.5% -> -15.4% (docs/accuracy.md "The tensor-parallel all-reduce by message size and kernel").
Continuous capacity (MECHANISMS "continuous_capacity"; applied since 2026-12-07 with four others, and the model's
planning default, `capacity_solve` 1 with OPERATING_FRACTIONS, docs/accuracy.md "Five mechanisms applied"; the
history below): `let capacity_solve = 1` and `let
operating_fraction = OPERATING_FRACTION` (0.88) on Server and Interactive rows: the capacity point's batch solved
between the batch grid's points (compiler/models/inference/ `_solved_batches`) with both latency limits held at
0.88 of themselves, the median share of the binding limit the 155 Server runs of reference/mlperf_ttft_percentiles.csv
stop at (a property of how the submitters operate). Not applied: TTFT p99 12.0% -> 17.4%, TTFT p50 8.9% -> 13.1%,
Interactive 0.8% -> 5.1%; with first_token_delay (0.475) and the families refit (Ada 0.35, Blackwell FP4 0.96) TTFT
p99 16.5%, TTFT p50 12.8%; no fraction from 0.80 to 1.00 keeps TTFT p99 at or below the grid's (docs/accuracy.md "The
batch grid's staircase and a continuous capacity point"). Since 2026-12-07 (s25-margin) each scenario is held to its
own runs' median share (`operating_fraction(scenario)`): Server OPERATING_FRACTION 0.88, Interactive
OPERATING_FRACTION_INTERACTIVE 0.925 (bench/operating_fraction_fit.py; the two intervals do not overlap). Measured on
today's model alone: TTFT p50 / p99 10.39% / 13.80% -> 10.20% / 12.92%, held-out Server 25.3% -> 13.2%, every category
within its gate, free of the grid (its phase moves it <= 0.5 point); not applied alone: the Interactive fraction 0.01
lower, inside the data's interval, gives 10.44% / 13.98% (docs/accuracy.md "The capacity point's margin from the
data"). Applied 2026-12-07 with interactive_engines, least_share_scope, busy_step_mean and gemm_smooth_read_hopper,
the Hopper FP8 / Blackwell FP4 factors refit by their rule (0.77 / 0.92): every category within its gate (TTFT p50 /
p99 10.39 / 13.80% -> 8.71 / 9.14%), held-out Server 25.3% -> 13.2%, Interactive 11.0% -> 7.8%.
Whole-prompt capacity (MECHANISMS "whole_prompt_capacity"; applied since 2026-12-06, s14-tpot2): the Server and
Interactive rows whose engine admits its prompts whole, with no chunked context (`whole_prompt_engine`: NVIDIA's v4.1
harness, `whole_prompts` above, its Server configs set no chunked context [P]; AMD's vLLM harness of v4.1 and v5.0,
VLLM_WHOLE_PROMPT_ROUNDS, chunked prefill off [P]), take `continuous_capacity`'s capacity point: `let capacity_solve
= 1` and `let operating_fraction = OPERATING_FRACTION` (0.88), the batch solved to 0.88 of each limit. The submitters'
runs of those engines stop at median 0.830 of the TPOT p99 limit (47 NVIDIA v4.1 runs; AMD's 14 at 0.90 of the TTFT
p99 limit), where the grid's point sat at 0.898; the chunked NVIDIA v5.0 Llama 2 70B runs stop at 0.892, where the
grid's point already is (0.900), and the solved point there takes TTFT p50 and p99 over 10%. Validate: TPOT mean
9.3% -> 8.6% (+7.2% -> +6.2%; 110 -> 118 within 10%), TTFT p99 9.9% -> 9.4% (104 -> 108), Server 7.7% -> 7.3%,
TTFT p50 8.7% -> 9.4% (110 -> 107), TPOT p99 7.5% -> 8.0%, Interactive and the rest unchanged (268 rows move, none of
a chunked engine; the held-out v5.1 / v6.0 rows none: their engines chunk). The chunked engines' wide spread
(Mixtral, Llama 3.1 405B, the add-in cards) is not in it (docs/accuracy.md "Whole-prompt engines' capacity point").
Capacity at its own rate (MECHANISMS "capacity_at_own_rate"; the model's default `capacity_at_own_rate` 1, applied
since 2026-12-05; `--without capacity_at_own_rate` sets the let to 0): a Server or Interactive capacity point is the
grid column with the most throughput that meets both limits at the rate its B rows carry (Little's law), as a
TPOT-bound one is; before, a column's rate cut until its TTFT p99 fit could win, so a TTFT-bound point sat exactly on
the TTFT limit with fewer rows in flight than its B (the eight Llama 3.1 405B H200 / H100 tp 8 / GB200 TTFT p99 rows
at p/L 1.00). TTFT p99 12.0% -> 12.0% (93 within 10%; those 8 rows +4.9..+8.4% -> -0.2..+3.3%, GB200 +81% -> +70%),
Server 7.3% (+1.6% -> +1.2%), TPOT p99 7.2% (128 -> 127 within); held-out 405B GB300 x72 Server +22.2% -> +16.0%,
GB200 x72 Interactive -7.1% -> -12.5% (docs/accuracy.md "Where the capacity point sits on its TTFT limit").
FP4 activation quantization (MECHANISMS "fp4_quantize"; measured, NOT applied): every row whose GEMMs take NVFP4
activations gets `let fp4_quantize_kernels = 1`, the attention output's and the SwiGLU product's quantize kernels and
the SwiGLU kernel that NVIDIA's v5.0 Blackwell engines run beside the FP4 GEMMs (compiler/models/inference/, "FP4
activation quantization"). Not applied: the refit takes Blackwell FP4 e_c to the grid's top (1.0) and moves the
held-out Blackwell 405B rows further out (docs/accuracy.md "FP4 activation quantization on Blackwell").
Prompt lengths (`Serving.prompt_cv`, Server and Interactive rows): the coefficient of variation of the prompt
length, `let prompt_length_cv` on the workload (the inference model's prompt queue and p99 TPOT read it; 1 when not
known). Llama 2 70B (OpenOrca): the prompts run from 48 to 1,021 tokens with mean 222.33 (the HBFSim protocol file
above [S]) and population standard deviation 171.50: cv = 171.50 / 222.33 = 0.771, the `tok_input_length` of all
24,576 samples of open_orca_gpt4_tokenized_llama.sampled_24576.pkl as extracted in openshift-psap/
performance-dashboard mlperf-data/summaries/llama2-70b-99.csv (commit 7cd1065d, 2025-11-04; its sums, 5,463,976
input and 5,379,553 reference-output tokens, are HBFSim's) [P]; it was 0.784 [D], an exponential shifted by the
shortest prompt (the mean less the minimum its standard deviation), close to the data (p99 791 against that
shape's 851). DeepSeek-R1: cv = 405.6 / 803.79 = 0.505 and gpt-oss-120b: cv = 2,243.7 / 5,010.64 = 0.448, each
the population spread of its dataset's per-sample prompt lengths (the performance-dashboard summaries above [P]).
Mixtral 8x7B: cv = 328.62 / 427.39 = 0.769, the population spread of the `tok_input_len` of the benchmark's
09292024_mixtral_15k_mintoken2_v1.pkl (all 15,000 samples, 35 to 1,948 tokens, sum 6,410,905), as extracted in
openshift-psap/performance-dashboard mlperf-data/summaries/mixtral-8x7b.csv (commit 67033bae, 2025-11-20; its
output column sums to 2,172,643 = 15,000 x 144.84, the README's tokens per sample; rows 6486/6489/6630/6733 hold the
OpenOrca prompts of 146/192/267/259 tokens that mlcommons/inference issue 1777 prints) [P]. A mixture of three sets
(GSM8K's few-shot prompts 666 +- 24, OpenOrca 415 +- 457, MBXP 201 +- 80 tokens [D], docs/accuracy.md "Mixtral's
dataset lengths, sourced"). Its mean input is not given (480 [U] kept, see there). Llama 3.1 8B: cv = 430.06 /
870.73 = 0.494, the same
repository's summary of the benchmark's cnn_eval.json (its input lengths are the tokenized prompts; its output
column is a characters / 4 estimate of the reference summaries, not read) [P]. Llama 3.1 405B: cv = 4,066.9 /
9,428.64 = 0.431, longest 19,988, the same repository's summary of the benchmark's prompts (its entry above; given
since 2026-12-05 with the long-prompt layouts and serial chunks). Output-length spreads (not
read by the model; docs/accuracy.md "Dataset
lengths, sourced"): cv of the generated lengths in the submitters' TEST06 logs, Llama 2 70B 0.59, Mixtral 0.74,
Llama 3.1 405B 0.35, DeepSeek-R1 1.07 (reference outputs 1.11).
Scheduling rounds (`SCHEDULER_STEPS`, Server and Interactive rows): AMD's MLPerf Inference v5.0 Llama 2 70B Server
harness runs vLLM with multi-step scheduling, `num_scheduler_steps: 9`, chunked prefill off, max_num_batched_tokens
40,960, max_num_seqs 650, 8 data-parallel tp1 engines (harness_llm/models/llama2-70b/server_mi300x.yaml, as copied by
partners: ntuhpc/mlperf_inference_results_v5.0 closed/Cisco/code/llama2-70b-99.9/, read 2026-12 [P]); vLLM's
scheduler then runs once every 9 forward steps and admits new prompts only then (vllm-project/vllm issues 9158 and
6854, pull request 7000 [S]).
The v5.0 rows of the CDNA3 chips (MI300X, MI325X) get `let scheduler_steps = 9` (the inference model's time to
first token waits for the round in flight); the MI325X submitters (AMD, ASUSTeK, GigaComputing, Supermicro) are
taken to run AMD's harness [U]; MangoBoost's 32-GPU MI300X runs its own stack (LLMBoost), whose scheduling is not
published: it gets the same 9 [U]. v4.1's AMD harness (vLLM behind AMD's
request batcher, `--enable-batcher`) predates vLLM's multi-step scheduling and keeps 1.
Attention-data-parallel balance (`ADP_BALANCE_STEPS`, DeepSeek-R1 Server rows): NVIDIA's DeepSeek-R1 engines run the
attention data-parallel over the 8 GPUs of a tensor-parallel group with the experts spread over them (`tensor_parallelism`
8, `moe_expert_parallelism` 8, `enable_attention_dp` True), whole prompts (`enable_chunked_context` False), the
max_util scheduler, and TensorRT-LLM's ADP balancer (`adp_balancing_enable` True, `adp_balancing_timeout_iters` T,
`adp_balancing_batching_wait_iters` 2-3 in Server) in every v5.1 and v6.0 closed config (mlcommons/
inference_results_v5.1 closed/NVIDIA/configs/{B200-SXM-180GBx8,GB200-NVL72_GB200-186GB_aarch64x72,GB300-NVL72_GB300-
288GB_aarch64x72_TRT}/Server/deepseek-r1.py via fork ntuhpc@387c3dd0; v6.0 closed/NVIDIA/configs/*/Server/
deepseek-r1.py via fork gbeezybez@232fbf9 [P]). The balancer holds every new context back until all attention ranks
have one or T steps have passed since the last release (`_balance_adp_requests` of tensorrt_llm/_torch/pyexecutor/
py_executor.py: the wait counter counts every step whose ranks do not all hold a context and releases them at T;
the blog "ADP Balance Strategy", docs/source/blogs/tech_blog/blog10_ADP_Balance_Strategy.md, read 2026-12 [P]). At a
Server load a TP group of 8 ranks receives 0.3-0.45 prompts a step (Little's law on the v5.1 logs), so the 8 ranks
never all hold one and the contexts leave every T steps: a request waits the rest of that round, the law of
`scheduler_steps` = T (a uniform share of T - 1 further steps [D]). NVIDIA's T by round and chip: v5.1 B200 9,
GB200 9, GB300 6; v6.0 B200 6, B300 9, GB200 9, GB300 9 (partners' B200 configs set 6 or 9: the chip's NVIDIA value
is taken [U]). It moves the time to first token only (the rate cut holds it at ttft_limit); the prompts released
together and their whole-prompt step are not modelled (docs/accuracy.md "DeepSeek-R1 as NVIDIA ran it").
Attention-data-parallel engines (`adp_engines`, measured, not applied; ADP_ENGINE_RANKS, ADP_RANK_BATCH): every closed
DeepSeek-R1 config of v5.1 and v6.0 runs one engine in Offline and Server alike -- 8 attention ranks of one GPU, the
experts over the 8, gpu_batch_size sequences a rank, the ADP balancer on [P]. `--with adp_engines` gives the Offline
and Server rows that engine (tp 1, pp 1, ep 8, `max_batch_size` 8 x the rank's cap, `adp_balance` 1) in place of
the search's layouts. Measured (docs/accuracy.md "DeepSeek-R1 Server / Offline: the step's floor under an absolute
TPOT limit"): the model's step on that engine has the v6.0 runs' slope but half their row-independent part (15 against
29-42 ms), so both scenarios reach the rank cap and Server / Offline goes to 0.83-1.00 (runs 0.46-0.62); validate's
rows byte-identical (no DeepSeek-R1 row), held-out DeepSeek-R1 GB300 x72 Offline -3.3% -> +85.1%, Server +43.5% ->
+207.4%.
The mid-2025 attention-DP engine's time a row (`adp_row_time`, measured, not applied; ADP_SEQ_OVERHEAD): with
`adp_engines`, the v5.1 DeepSeek-R1 rows get `seq_overhead` 105 us a row a step, fitted once on TensorRT-LLM's two
published B200 ADP-EP8 runs (their missing time is a row's: 66 / 72 us a row at 384 rows BF16 KV / 896 rows FP8 KV).
It gives the v5.1 runs' step-line slope (0.153-0.158 against 0.137-0.184 ms a row; 0.082-0.087 without), not their
floor: held-out GB300 x72 Offline +4.2%, Server +71.9% with `adp_engines` (docs/accuracy.md "The DeepSeek-R1
attention-DP step's per-row time").
The DeepSeek layer's latency chain (`mla_layer_latency` of session 18, now a fact of the stdlib's model): DeepSeek-R1's
`layer_latency` = 61.5 us (stdlib/models.factory, from TensorRT-LLM's one-request B200 step) reaches every
DeepSeek-R1 row as it reaches a user's spec; no mechanism of validate's (s19-mla).
Harness batcher (`BATCH_WINDOWS`, Server and Interactive rows): AMD's MLPerf Inference v4.1 Llama 2 70B Server
harness (closed/AMD/code/llama2-70b-99.9/VllmFp8/sync_sut.py, mainVllmFp8_SyncServer.py, test_VllmFp8/
test_VllmFp8_SyncServer_perf.sh in mlcommons/inference_results_v4.1 [P]; Dell's MI300X copy is the same code) sends
the requests it collects as one batch to the next of its 8 data-parallel vLLM engines every `--batcher-threshold`
0.3 s: the v4.1 rows of the CDNA3 chips get `let batch_window = 0.3 s` (the inference model's "Harness batcher": the
time to first token waits for the batch and its whole prefill; docs/accuracy.md, Latency v9).
Precision (inference): per accelerator name in stdlib/accelerator_aliases.csv (FP8 on Hopper, GH200, Gaudi 2,
MI300X/MI325X; FP4 on Blackwell; BF16 on A100). Training uses FP8 where the chip has it (NVIDIA's MLPerf Training
GPT-3 and LoRA use FP8 Transformer Engine recipes); NVIDIA's v5.1 NVFP4 runs train in FP4 (TRAINING_SOFTWARE: the
405B ones with BF16 attention and TP overlap off, as their configs set), the AMD-GPU LoRA runs as their configs set
(tp = pp = 1, one sequence per GPU, BF16 attention: AMD_LORA_CP); Google's TPU v5e/v5p GPT-3 runs use INT8 "Accurate Quantized
Training" ("we advanced our novel mixed-precision training approach to leverage the INT8 precision format",
Google Cloud blog on MLPerf Training 3.1, quoted by chromeosphere.com [S]; v5p too: `quantization=int8` in
Google/benchmarks/gpt3/implementations/maxtext/cloud-tpu-v5p/v5p-*.sh, mlcommons/training_results_v4.1 [P]);
Trillium BF16 here, though its v4.1 runs set `quantization=int8` as well (cloud-tpu-trillium/trillium-*.sh [P]),
with full rematerialization and FSDP over the slice, which this model cannot describe yet (docs/accuracy.md).
Scale-up domain: the alias file's `scaleup` (72 for GB200/GB300 NVL72, 2 for H100 NVL bridge pairs, 4 for H200 NVL
bridge groups, the whole slice for TPU v5p, 256 for TPU v5e/v6e pods), else the accelerators per node (the source's
`nodes=`; 8 otherwise); TPU scale-out 50 Gb/s per chip (DCN, Google TPU v5p page [P], systems.factory).
PCIe cards (H100 PCIe, H100 NVL, H200 NVL, L40S, RTX PRO 6000) are compared like every other chip: their lower peak
(lower clocks at 350-600 W are in their datasheet figures) and their links (PCIe Gen4/Gen5, NVLink bridges within a
pair or group of four: `scaleup_bw` and the scale-up domain above) enter the inference model's compute and TP terms;
since 2026-12-06 a TP group the chip's NVLink does not join pairwise (`let nvlink_group`: L40S and H100 PCIe 1, H100
NVL 2, H200 NVL 4) runs its all-reduces as NCCL at every size, as TensorRT-LLM's AUTO strategy does (docs/accuracy.md
"NCCL where the GPUs have no NVLink").

Fitting (`fit()`, `factory validate --fit`): the inference GEMM efficiency and the training GEMM efficiency are
each chosen on a grid (0.30..1.00 step 0.01, to 0.90 before 2026-12-05, when Blackwell FP4 sat on its edge; one spec evaluated once with the factor as a swept parameter) to
minimise the median absolute log error over all throughput (time-to-train) rows of their kind together, and the
inference factor once more per chip family (FAMILIES: Hopper FP8 (H100 SXM, H200, H200-CTS, GH200, and the H200 NVL:
the H200's die and HBM3e on a 600 W card, its power limit modelled by its clock, its rows at the H200's factor),
Hopper add-in FP8 (the 80-94 GB H100 PCIe and H100 NVL cards), Ada FP8 (L40S), Blackwell FP4, CDNA3 FP8, each
family's rows together; the value the chips' `serving_efficiency` takes), never per row. Chips
without rows in the file (RTX PRO 6000, MI350X/MI355X, B300/GB300) are in no family: they keep the global default or
a value carried from their architecture's family, as stdlib/chips.factory says. `fit_kind` is the rule for one kind
on a given grid (`fit` runs it on FIT_GRID); tests/test_validate.py checks with it that each family's shipped factor is
the rule's answer (slow).

User measurements (`factory validate --user CSV`, `run_user`): columns spec, quantity, measured, unit (and
optionally note). Each spec (a path relative to the CSV) is evaluated once; the named quantity (its dotted path,
as `factory explain` and the results JSON name it) is compared with the measured value converted to SI by
dsl.units. A unit of another dimension than the quantity's is a `unit-mismatch` at the unit's CSV line:col, an
unknown unit `unknown-unit`, an unknown quantity `unknown-name` (with the closest name), a spec that does not
evaluate its own diagnostics (once), a row repeated field for field `invalid-row`; those rows are skipped and the
exit code is 1. A spec's warnings about outputs (`Diagnostic.quantities`) that no row compares, directly or through
what a compared quantity was computed from, are held back and counted (`UserSink.hidden`; docs/validate.md). The
summary (`user_summary`) is over all compared rows: median |error| with its 95% cluster-bootstrap interval
(`median_interval`; a cluster is one figure, spec file and quantity path: `user_cluster_key`), the share within
10%, median signed error, worst row.
"""
from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

import numpy as np
from dsl.diagnostics import WARNING, Code, Sink
from dsl.spec_builder import Block, Field, FromImport, Let, Module, Name, Number, Param
from dsl.spec_builder import Name as Ref, Quantity as Q     # the row planners' short names for spec values

from .models.inference.options import OPERATING_FRACTIONS as _OPERATING_FRACTIONS   # the planning default

# ----------------------------------------------------------------------------- what each row ran


@dataclass(frozen=True)
class Serving:
    """An MLPerf Inference benchmark: the model, mean tokens per request, limits (TTFT p99, TPOT) per scenario."""

    model: str
    input_tokens: float
    output_tokens: float
    limits: dict
    beams: int = 1              # beam search: every request decodes `beams` sequences of output_tokens each
    budgets: dict = field(default_factory=dict)   # (scenario, chip or generation): max_num_tokens ("Token budget")
    max_input: float = 0.0      # the longest prompt, tokens ("Token budget"); 0: not known
    prompt_cv: float = 0.0      # coefficient of variation of the prompt length ("Prompt lengths"); 0: not known
    # speculative decoding the rules fix ("Speculative decoding"): scenario -> (first round, draft tokens, mean
    # accepted length tau)
    drafts: dict = field(default_factory=dict)


SERVING = {
    "llama2-70b": Serving("Llama2_70B", 222.33, 294.45, {"server": (2.0, 0.200), "interactive": (0.450, 0.040)},
                          budgets={("server", "Hopper"): 1536, ("server", "H100_SXM"): 1024,
                                   ("server", "Blackwell"): 3584, ("interactive", "Hopper"): 256,
                                   ("interactive", "Blackwell"): 768}, max_input=1021,
                          prompt_cv=171.50 / 222.33),    # the dataset's population spread ("Prompt lengths") [P]
    # NVIDIA's v5.0 Mixtral checkpoints are mixed (8.75 bits Hopper, 7.25 Blackwell: `let weight_bits`); not given to
    # the rows: it worsens the medians on this file (docs/accuracy.md "Mixed weights on current main")
    # prompts (the `tok_input_len` of the benchmark's 09292024_mixtral_15k_mintoken2_v1.pkl, "Prompt lengths" above
    # [P]): 35 to 1,948 tokens, mean 427.39 (6,410,905 over 15,000), population std 328.62, cv 0.7689. The mean input
    # stays 480 [U]: at 427.39 the Mixtral throughput rows move +7.6% (the model's prefill is fast, docs/accuracy.md
    # "Mixtral's dataset lengths, sourced"); the spread and the longest prompt are the dataset's.
    "mixtral-8x7b": Serving("Mixtral_8x7B", 480.0, 144.84, {"server": (2.0, 0.200)},
                            budgets={("server", "Hopper"): 8192, ("server", "GH200"): 9216,
                                     ("server", "Blackwell"): 10240}, max_input=1948,
                            prompt_cv=328.62 / 427.39),
    # prompts: mean 9,428.64, population std 4,066.9, longest 19,988 (the dataset's, module docstring [P])
    "llama3.1-405b": Serving("Llama3_1_405B", 9428.64, 684.68, {"server": (6.0, 0.175), "interactive": (4.5, 0.080)},
                             budgets={("server", "Hopper"): 320, ("server", "Blackwell"): 512}, max_input=19988,
                             prompt_cv=4066.9 / 9428.64),
    "gptj": Serving("GPT_J_6B", 900.0, 69.0, {"server": (20.0, 20.0 / 69)}, beams=4),
    "llama3.1-8b": Serving("Llama3_1_8B", 870.73, 128.0, {"server": (2.0, 0.100), "interactive": (0.5, 0.030)},
                           max_input=2540, prompt_cv=430.06 / 870.73),   # "Prompt lengths" [P]
    "deepseek-r1": Serving("DeepSeek_R1", 803.79, 3886.23, {"server": (2.0, 0.080), "interactive": (1.5, 0.015)},
                           max_input=3140, prompt_cv=405.64 / 803.79, drafts={"interactive": (6.0, 3, 2.82)}),
    "gpt-oss-120b": Serving("GPT_OSS_120B", 5010.64, 1278.2, {"server": (3.0, 0.080), "interactive": (2.0, 0.015)},
                            max_input=15330, prompt_cv=2243.73 / 5010.64),
}
# The format the engines compute a benchmark's released checkpoint in, where it is not what the alias's precision
# gives (docs/accuracy.md "gpt-oss-120b by platform"): (benchmark, chip or generation) -> (workload fields, lets).
# gpt-oss-120b's checkpoint is MXFP4 experts, bf16 attention / router / unembedding (openai/gpt-oss-120b model card,
# 2025-08 [S]); the model's own lets give TensorRT-LLM's Blackwell W4A8_MXFP4_MXFP8 (RTX PRO 6000 included: SM 120
# >= 100, HPE's v6.0 configs moe_backend CUTLASS) and AMD's mxfp4_fp8 on MI355X [P]. Chips without FP4 tensor cores
# run the experts W4A16 (4-bit weights dequantized in the kernel, bf16 GEMMs): `precision` fp4 (the weights) and
# `let fp4_expert_activation_bits` 16 (every GEMM at the bf16 rate).
#  - Hopper: RedHat's v6.0 8x H200 (llm-d 0.5.0, vLLM 0.14.1, 8 replicas of tp 1, the released openai-gpt-oss-120b,
#    no quantization or --kv-cache-dtype argument: closed/RedHat/src/gpt-oss-120b/setup/llm-d/H200/
#    override_ms_gptoss120b_{offline,server}_v050.yaml, deploy_gptoss120b_v050.sh, systems/8xH200-LLM-D-Openshift.json,
#    https://github.com/gbeezybez/inference_results_v6.0 @232fbf9, read 2026-12-05 [P]); vLLM's MXFP4 MoE on SM 90 is
#    FlashInfer "MXFP4 BF16", Marlin or Triton, bf16 activations (`get_mxfp4_backend`, `mxfp4_w4a16_moe_quant_config`,
#    https://github.com/vllm-project/vllm/blob/main/vllm/model_executor/layers/quantization/mxfp4.py, 2025-2026 [P];
#    TensorRT-LLM likewise: `get_mxfp4_quant_algo` W4A16_MXFP4 below SM 100, tensorrt_llm/_torch/model_config.py [P]);
#    KV cache vLLM's default "auto", the model's bf16 [P: no argument sets it].
#  - Intel Arc Pro B60 / B60 Dual / B70 (Xe2: XMX bf16 / int8, no FP8 or FP4): vLLM XPU on /model/gpt-oss-120b-mxfp4,
#    dtype bfloat16, kv_cache_dtype fp8 (closed/Intel/src/gpt-oss-120b/pytorch-xpu/model_init/gpt-oss-120b/
#    init_env_shared, SUT.py `load_model`, same fork, read 2026-12-05 [P]); vLLM on XPU: "Using ipex marlin backend"
#    (IpexMxfp4MoEMethod, mxfp4.py above [P]): W4A16.
#  - MI355X: the model's W4A8 is AMD's (Quark --quant_scheme mxfp4_fp8, lm_head / self_attn / router excluded), but
#    its KV cache is bf16: neither the Quark command (no --kv_cache_dtype, unlike AMD's Llama 2 70B) nor the vLLM
#    engine configs (no kv_cache_dtype; dtype auto) set one (closed/AMD/setup/gpt-oss-120b/dataset_and_model/
#    prepare_model.sh, closed/AMD/src/gpt-oss-120b/{offline,server}_mi355x.yaml, same fork, read 2026-12-05 [P]).
_W4A16 = {"fp4_expert_activation_bits": 16.0}
CHECKPOINT_FORMATS = {
    ("gpt-oss-120b", "Hopper"): ({"precision": "fp4", "kv_precision": "bf16"}, _W4A16),
    ("gpt-oss-120b", "MI355X"): ({"kv_precision": "bf16"}, {}),
    **{("gpt-oss-120b", chip): ({"precision": "fp4", "kv_precision": "fp8"}, _W4A16)
       for chip in ("Arc_Pro_B60", "Arc_Pro_B60_Dual", "Arc_Pro_B70")},
}
# the edge category's Llama 3.1 8B (`llama3_1-8b-edge`, MLPerf Inference v5.1 on) serves the same model on a 5,000-sample
# subset of the same CNN-DailyMail evaluation set (sample_cnn_eval_5000.json against cnn_eval.json's 13,368:
# mlcommons/inference language/llama3.1-8b/README.md "5000 samples (edge)" and loadgen/mlperf.conf
# `llama3_1-8b-edge.*.performance_sample_count_override = 5000`, read 2026-12-05 [P]): the datacenter benchmark's
# lengths, the subset taken as representative [U]; its SingleStream rows are not compared (scenario)
# The routed experts' grouped GEMM kernel of each benchmark's engine where it is TensorRT-LLM's / FlashInfer's
# TRTLLM-Gen fused MoE, whose CTA tile holds the next power of two of an expert's mean rows within 8-64 (inference.py
# expert_tile_efficiency, `let expert_gemm_tiles`; docs/accuracy.md "The MoE decode step at attention DP + EP"): the
# gpt-oss-120b engines on datacenter Blackwell (NVIDIA's and its partners' v6.0 configs: `moe_backend` TRTLLM in
# closed/NVIDIA/configs/*/{Offline,Server,Interactive}/gpt-oss-120b.py and the disaggregated decode workers' `moe_config:
# backend: TRTLLM`, closed/NVIDIA/configs/GB200-NVL72_GB200-186GB_aarch64x4/Interactive/disagg_decode/gpt-oss-120b.yml,
# https://github.com/gbeezybez/inference_results_v6.0 @232fbf9, a fork of mlcommons/inference_results_v6.0, read
# 2026-12-05 [P]). Not HPE's RTX PRO 6000 (`moe_backend` CUTLASS) nor NVIDIA's DeepSeek-R1 engines (v5.1 WIDEEP, CUTLASS; v6.0
# CUTEDSL, WIDEEP, CUTLASS: closed/NVIDIA/configs/*/deepseek-r1.py and the disaggregated workers' yml, same fork).
EXPERT_GEMM_TILES = {("gpt-oss-120b", chip) for chip in ("B200", "B300", "GB200", "GB300")}
# The per-row host time a step exposes where the engine is TensorRT-LLM's PyTorch executor with its overlap scheduler
# (docs/accuracy.md "The PyTorch executor's exposed host time", s12-gptoss, 2026-12-05): `seq_overhead` 35 us a row
# (module docstring of compiler/models/inference/, "Factors") was chosen on v5.0 rows, every one a TensorRT engine run
# by TensorRT-LLM's C++ executor. gpt-oss-120b runs only on the PyTorch backend (`backend: pytorch` in NVIDIA's v6.0
# disaggregated workers' yml; `torch_compile_config` in its closed/NVIDIA/configs/*/gpt-oss-120b.py, same fork as
# EXPERT_GEMM_TILES), whose PyExecutor launches step n + 1's GPU work before it processes step n's results ("the
# scheduler overlaps CPU tasks (e.g., checking sampling stop criteria, updating responses, scheduling the next batch)
# with GPU computation ... Enabled by default", docs/source/features/overlap-scheduler.md,
# https://github.com/NVIDIA/TensorRT-LLM, read 2026-12-05 [S]); NVIDIA's v6.0 gpt-oss decode workers keep it, its
# prefill workers set `disable_overlap_scheduler: true` [P]. The exposed share is not in any source read [U]: its
# per-row value is fitted once on TensorRT-LLM's own published PyTorch-backend gpt-oss-120b throughputs (12 trtllm-bench
# max-throughput rows, GB200 TP1 and B200 DEP2, ISL/OSL 1k/1k to 32k/1k: docs/source/developer-guide/perf-overview.md,
# https://github.com/NVIDIA/TensorRT-LLM @03e27c7d, the page nvidia.github.io/TensorRT-LLM/developer-guide/
# perf-overview.html, read 2026-12-05 [P]): 15 / 17.5 / 20 / 22.5 / 25 / 35 us give median |error| 16.2 / 10.0 / 5.8 / 7.2 / 9.4 / 18.4% [D],
# so 20 us; step_overhead (2 ms) is kept. Given to the gpt-oss-120b engines of EXPERT_GEMM_TILES (the same TensorRT-LLM
# configs); not to the v5.0 calibration rows (TensorRT engines), nor to other engines.
PYTORCH_EXECUTOR = EXPERT_GEMM_TILES
PYTORCH_EXECUTOR_SEQ_OVERHEAD = 20e-6   # s a row a step exposed beside the GPU's work [D], fitted as above
# The engines built with TensorRT-LLM's GEMM + all-reduce plugin (MECHANISMS "gemm_allreduce_plugin", applied since
# 2026-12-06: docs/accuracy.md "Llama 3.1 405B's tp 4 / tp 8 step at the runs' own rows", s15-b405). The plugin fuses each
# row-parallel GEMM (the O and down projections) with its all-reduce into one kernel, 2 calls a layer
# (`gemm_allreduce_plugin` float16 in the configs [P]: v5.0 H200 405B Server TP8PP1 and Offline TP4PP2,
# ntuhpc/mlperf_inference_results_v5.0 @cf354115 closed/Cisco/configs/llama3_1-405b/{Server,Offline}/__init__.py,
# NVIDIA's classes H200_SXM_141GBx8_TP8PP1 / _TP4PP2 (v5.0 B200 TP2PP2 has the line commented out, GB200 not set);
# v5.1 B200 405B Offline / Server / Interactive, GB200 NVL72 x72 405B Offline and Server (the Custom harness entry;
# its Triton entry runs `gemm_plugin` fp4, which of the two the results ran is not read [U]) and GB300 NVL72 405B
# Server, mlcommons/inference_results_v5.1 @965182b0 closed/NVIDIA/configs/*/*/llama3_1-405b.py; not GB200 x72
# Interactive nor GB300 Offline; read 2026-12-06). At the runs' own rows
# (bench/step405_rows.py) these engines' step is short in the model by a constant a step (the B200 runs: 15.4 ms at
# 23 and at 63 rows, the per-row slope right to 0.1%), which no source prices. GEMM_ALLREDUCE_CALL_TIME is that
# constant per fused call fitted once on the only calibration run of such an engine, NVIDIA's v5.0 8x H200 Server
# (reference/mlperf_calibration.csv lines 586-590, 291.18 tok/s, TPOT mean 56.68 ms: 16.5 rows, the model 51.0 ms
# there, 5.7 ms / (2 x 126 layers) = 22.6 us) [D], and taken for every chip [U]; it is added to `step_overhead`
# (2 L t a step, L the model's layers, GEMM_ALLREDUCE_LAYERS).
GEMM_ALLREDUCE_ENGINES = {
    *(("inference-v5.0", "Llama3_1_405B", s, "H200") for s in ("offline", "server")),
    *(("inference-v5.1", "Llama3_1_405B", s, "B200") for s in ("offline", "server", "interactive")),
    *(("inference-v5.1", "Llama3_1_405B", s, "GB200") for s in ("offline", "server")),
    ("inference-v5.1", "Llama3_1_405B", "server", "GB300"),
}
GEMM_ALLREDUCE_LAYERS = {"Llama3_1_405B": 126}   # stdlib/models.factory Llama3_1_405B `layers` (Meta's llama-models sku_list) [P]
GEMM_ALLREDUCE_CALL_TIME = 22.6e-6   # s a fused GEMM + all-reduce call beyond the model's GEMM and all-reduce [D]
BENCHMARK_NAMES = {"llama3_1-405b": "llama3.1-405b", "llama3_1-8b": "llama3.1-8b", "gpt-j": "gptj",
                   "llama3.1-8b-edge": "llama3.1-8b", "llama3_1-8b-edge": "llama3.1-8b"}
TRAINING = {
    "gpt3": dict(model="GPT3_175B", tokens=1.25e9, seq=2048, batch=2048 * 2048, eval=25 * 12e6, evals=25,
                 method="full"),
    "llama2_70b_lora": dict(model="Llama2_70B", tokens=3187.2 * 8192, seq=8192, batch=8 * 8192,
                            eval=3187.2 / 384 * 173 * 8192, evals=3187.2 / 384,
                            startup={"training-v4.0": 17.0, "training-v4.1": 9.4}, method="lora"),
    "llama31_405b": dict(model="Llama3_1_405B", tokens=322560 * 8192, seq=8192, batch=1152 * 8192,
                         eval=4 * 5760 * 8192, evals=4, method="full"),
    "llama31_8b": dict(model="Llama3_1_8B", tokens=161587.2 * 8192, seq=8192, batch=16 * 8192,
                       eval=161587.2 * 8192 / 12,
                       evals=161587.2 / 12288, method="full"),
    "gpt_oss_20b": dict(model="GPT_OSS_20B", tokens=194764.8 * 8192, seq=8192, batch=16 * 8192,
                        eval=194764.8 * 8192 / 12,
                        evals=194764.8 / 12288, method="full"),
    "deepseekv3_671b": dict(model="DeepSeek_V3", tokens=721920 * 4096, seq=4096, batch=15360 * 4096,
                            eval=0.105 * 721920 * 4096,
                            evals=721920 / 15360, method="full"),
}
TRAINING_NAMES = {"llama3.1-405b": "llama31_405b", "llama3_1_405b": "llama31_405b", "llama3.1-8b": "llama31_8b",
                  "llama3_1_8b": "llama31_8b", "deepseek_v3_671b": "deepseekv3_671b", "gpt-oss-20b": "gpt_oss_20b"}
# Each submission's own global batch (sequences per optimizer step), where it is not the workload's: the
# `global_batch_size` of the submission's result_*.txt (mlperf_log), mlcommons/training_results_v3.1 (commit
# d06288b2), _v4.0 (6fe95437) and _v4.1 (b87b9e39), read 2026-12 [P]; keyed by benchmark and result directory (the
# source column's `/results/<dir>/`). Every other submission of these two benchmarks ran the workload's batch
# (8 and 2,048 sequences; the same logs) [P]. MLPerf Training v5.0 and v5.1 likewise (the first result_*.txt of
# each directory: mlcommons/training_results_v5.0 as mirrored by fork prishajain1/training_results_v5.0, commit
# ab57af8; mlcommons/training_results_v5.1, commit 441d65f4; read 2026-12-05) [P]: LoRA, Llama 3.1 405B and 8B
# submissions whose batch is not the workload's 8, 1,152 and 16 sequences. The batch is the submission's
# configuration (an input, like its accelerator count), never its measured time.
TRAINING_BATCH = {
    "llama2_70b_lora": {"a100_n8_ngc24.1_pytorch_deepspeed": 64, "h100_n4_ngc24.1_pytorch_deepspeed": 32,
                        "eos_n128_ngc24.04_nemo": 128, "eos_n128_ngc24.09_nemo": 128, "l40s_n96_ngc24.04_nemo": 48,
                        "64xSMC-H100-SXM-80GB": 64, "ND_H200_v5_n64_nemo": 64, "128xBM.GPU.H100.8": 16,
                        "512xBM.GPU.H100.8": 64,
                        # MLPerf Training v5.0 and v5.1 (below)
                        "18xBM.GPU.GB200.4": 9, "1xKinabalux18x4GB200": 9, "2xXE9680Lx8B200-SXM-180GB": 16,
                        "64xBM.GPU.H200.8": 64, "8xKinabalux18x4GB200": 72, "9xXE9712x4GB200": 9, "ARS-121GL-NB3": 9,
                        "ARS-121GL-NBO_18": 9, "Cray-XD670-H200-SXM5-141GB_n8_v5.0": 16,
                        "HPE-Cray-XD670-H200-SXM5-141GB_n4_24.09": 16, "gb300_n18_ngc25.04_nemo": 9, "hpf_n16": 16,
                        "hpg.dgxb200x8.n16": 16, "hpg.dgxb200x8.n2": 16, "theia_ngpu512_ngc25.09_nemo": 64,
                        "theia_ngpu72_ngc25.09_nemo": 9, "tyche_ngpu144_ngc25.04_nemo": 18,
                        "tyche_ngpu512_ngc25.04_nemo": 64, "tyche_ngpu512_ngc25.09_nemo": 64,
                        "tyche_ngpu72_ngc25.04_nemo": 9, "tyche_ngpu72_ngc25.09_nemo": 9},
    "llama31_405b": {
        "carina_ngpu1024_ngc25.04_nemo": 768, "carina_ngpu2048_ngc25.04_nemo": 1280,
        "carina_ngpu2496_ngc25.04_nemo": 1248, "carina_ngpu512_ngc25.04_nemo": 896,
        "eos-dfw_n1024_ngc25.01_nemo": 1536, "eos-dfw_n304_ngc25.01_nemo": 1216, "hpg.dgxb200x8.n32": 576,
        "hpg.dgxb200x8.n56": 1008, "hsg_ngpu2560_ngc25.09_nemo": 960, "hsg_ngpu5120_ngc25.09_nemo": 1280,
        "tyche_ngpu256_ngc25.04_nemo": 448, "tyche_ngpu512_ngc25.04_nemo": 896, "eos-dfw_n320_ngc25.01_nemo": 1120},
    "llama31_8b": {
        "1xC885A_M8-8xMI350X-OAM-288GB": 32, "2xXE9680Lx8B200-SXM-180GB": 32, "2xXE9685Lx8B200-SXM-180GB": 32,
        "8xBM.GPU.B200.8": 32, "8xMI355X_2xEPYC_9575F": 32, "G893-ZX1-AAX4_pytorch": 32,
        "HPE-Cray-XD670-H200-SXM5-141GB_n8_25.09": 32, "MI350X_EPYC_9575F_pytorch": 32,
        "MI355X_EPYC_9575F_pytorch": 32, "XE9785L_8xMI355X": 32, "b200_8x8_ngc25.09": 32,
        "gb300_n18_ngc25.04_nemo": 36, "hpf_n16": 64, "hpf_n8": 64, "hpg.dgxb200x8.n16": 64, "hpg.dgxb200x8.n2": 32,
        "hpg.dgxb200x8.n32": 128, "hpg.dgxb200x8.n8": 32, "nebius_b200_n2": 32, "nebius_b200_n4": 32,
        "theia_ngpu512_ngc25.09_nemo": 64, "theia_ngpu72_ngc25.09_nemo": 36, "tyche_ngpu512_ngc25.09_nemo": 64,
        "tyche_ngpu72_ngc25.09_nemo": 36},
    # MLPerf Training v6.0 (mlcommons/training_results_v6.0 as mirrored by fork Richardyu114/training_results_v6.0,
    # commit eabf23a0, read 2026-12-06) [P]: NVIDIA/results/theia_ngpu{8,72,512}_ngc26.04_nemo/gpt_oss_20b/result_0.txt
    # "global_batch_size" 24, 36 and 64 (the step counts agree: 12,288 samples at step 512, 12,276 at 341, 12,288 at
    # 192); the 512-GPU launch configuration config_GB300_128x4x1xtp2pp1cp4ep8.sh (MINIBS=1, TP 2, CP 4, EP 8: 64
    # replicas of one sequence), the 8-GPU one config_GB300_2x4x3xtp1pp1cp1ep1_mxfp8.sh (3 sequences a GPU)
    "gpt_oss_20b": {"theia_ngpu8_ngc26.04_nemo": 24, "theia_ngpu72_ngc26.04_nemo": 36,
                    "theia_ngpu512_ngc26.04_nemo": 64},
    "gpt3": {"ND_H100_v5_n1344_pytorch": 2688, "eos-dfw_n1024_ngc23.09_nemo": 4096,
             "eos-dfw_n1280_ngc23.09_nemo": 2560, "eos-dfw_n1344_ngc23.09_nemo": 2688,
             "eos-dfw_n1344_ngc24.04_nemo": 2688, "eos-dfw_n768_ngc23.09_nemo": 3072, "eos_n96_ngc23.09_nemo": 3072,
             "eos-dfw_n1452_ngc24.04_nemo": 2904, "eos_n64_ngc24.04_nemo": 2304,
             "cloud-tpu-v5p-12288-maxtext": 6144, "cloud-tpu-v5p-3072-maxtext": 3072,
             "cloud-tpu-v5p-4096-maxtext": 4096, "cloud-tpu-v5p-8192-maxtext": 4096,
             "cloud-tpu-trillium-512-maxtext": 1536, "cloud-tpu-trillium-2048-maxtext": 4096,
             "cloud-tpu-trillium-3072-maxtext": 6144, "1536xBM.GPU.H100.8": 3072, "3072xBM.GPU.H100.8": 3072},
}
# A LoRA submission without its log read here (a later round's): one sequence per 8 GPUs where that is more than
# the workload's 8, as every logged LoRA batch above 64 GPUs runs (TRAINING_BATCH: 16 at 128 GPUs, 48 at 384, 64 at
# 512, 128 at 1,024; NVIDIA's recipes: one sequence per tp 4 x cp 2 replica) [D]
TRAINING_GPUS_PER_SEQUENCE = {"llama2_70b_lora": 8}
# What a larger batch costs in samples: the MLPerf reference convergence points (mean samples, LoRA, or tokens,
# GPT-3, to the target over the reference runs at each batch size), mlcommons/logging mlperf_logging/rcp_checker/
# training_4.0.0/rcps_llama2_70b_lora.json (commit ced0239e) and training_4.1.0/rcps_gpt3.json (commit 652244d9)
# [P] (GPT-3 6,144: the three runs that converged; the file's placeholders of 1 left out). Between two reference
# batch sizes the mean is interpolated linearly in the batch, as rcp_checker interpolates a missing RCP [P].
# A row's tokens (and evaluations: one every fixed number of samples, NeMo VAL_CHECK_INTERVAL = 384 for LoRA [P])
# are the workload's times RCP(its batch) / RCP(the workload's batch): the workload's own figure stays the
# log-read one (module docstring), the batch changes it by the reference runs' ratio.
TRAINING_RCP = {
    "llama2_70b_lora": {8: 3187.2, 16: 4051.2, 32: 6028.8, 128: 11289.6},
    # mlcommons/logging rcp_checker/training_5.1.0/rcps_llama31_405b.json (commit 2c618616) and training_6.0.0/
    # rcps_llama31_8b.json (commit f73c2c4a), means of each batch's "Epochs to converge" (samples) [P]
    "llama31_405b": {1008: 324576, 1152: 322560, 2304: 384000, 4608: 491520, 6912: 604800, 9216: 691200},
    "llama31_8b": {16: 161587.2, 32: 179404.8, 64: 226713.6, 96: 278640, 128: 345907.2},
    # training_6.1.0/rcps_gpt_oss_20b.json (commit 645413b1, "Reference RCPs before 6.0 submission", AMD 1xMI355X
    # BF16, 20 runs a batch; training_6.0.0's copy, commit 3ef491ef, held only batch 16) and training_6.1.0/
    # rcps_deepseekv3_671b.json (commit 933e9f49, "Reference RCPs before 6.0 submission") [P]
    "gpt_oss_20b": {16: 194764.8, 32: 234700.8, 64: 301670.4},
    "deepseekv3_671b": {15360: 721920, 16384: 767317.3, 18432: 857088},
    "gpt3": {1536: 1.1996e9, 2048: 1.1828e9, 3072: 1.2164e9, 4096: 1.2667e9, 6144: 1.4093e9, 8192: 1.6274e9},
}
# Evaluations the LoRA recipe skips before its first, by global batch: NeMo's val_check_interval is (SKIP_EVALS + 1)
# x VAL_CHECK_INTERVAL (384) samples for the first evaluation, then one every 384 (mlcommons/training_results_v4.0
# commit 6fe95437 [P]: NVIDIA/benchmarks/llama2_70b_lora/implementations/nemo/conf/megatron_gpt_peft_tuning_config.
# yaml; config_DGXH100_1x8x4xtp4pp1cp1.sh and _8x8x1xtp4pp1cp2.sh SKIP_EVALS=3 at batch 8, Dell's and Fujitsu's
# copies of _64x8x1xtp4pp1cp2.sh 10 at batch 64, _128x8x1xtp4pp1cp2.sh 18 at 128; the logs agree: 5-6
# evaluations from 1,536 samples at batch 8, 11 from 7,296 at batch 128). Linear between those batch sizes.
TRAINING_FIRST_EVAL = {"llama2_70b_lora": {8: 3.0, 64: 10.0, 128: 18.0}}
TRAINING_PRECISION = {"TPU_v5e": "int8", "TPU_v5p": "int8"}   # Accurate Quantized Training (docstring)
# A training submission's own system where it differs from the workload defaults (a 400 Gb/s NIC per GPU, TP
# communication overlapped with the GEMMs): NVIDIA's L40S LoRA runs, mlcommons/training_results_v4.0 (commit
# 62f111b7, read 2026-12) [P]: NVIDIA/systems/l40s_n16_ngc24.04_nemo.json "2xBF3 400Gbps for EW" per node of 4
# L40S (200 Gb/s per GPU), "accelerator_interconnect": "PCIe Gen4"; benchmarks/llama2_70b_lora/implementations/
# nemo/config_L40S_16x4x2xtp4pp1cp2.sh and config_L40S_96x4x1xtp4pp1cp2.sh `TP_COMM_OVERLAP=False` (True in the
# DGX H100 configurations: the overlap needs NVLink). The node size comes from the result path (`_n16`).
TRAINING_SYSTEM = {"L40S": {"fields": {"scaleout_bw": (200, "Gb/s")}, "lets": {"tp_comm_overlap": 0}}}
# A submission whose software ran another layout and precision than the NeMo FP8 recipe the workload assumes,
# by result directory: JuniperNetworks' Llama 2 70B LoRA (mlcommons/training_results_v4.0, commit 6fe95437,
# read 2026-12 [P]): JuniperNetworks/benchmarks/llama2_70b_lora/implementations/pytorch (HF Trainer + PEFT,
# "accelerate launch --bf16 True --per_device_train_batch_size 1 --use_gradient_checkpointing True
# --use_flash_attn", run/run.sub; configs/ds_lora_config.json "bf16" enabled, "zero_optimization" "stage": 3):
# bf16, no tensor, pipeline or context parallelism, one sequence per GPU, full recomputation, ZeRO-3 (the frozen
# base sharded over all GPUs and all-gathered in every pass).
# Keyed by result directory, or by "directory/benchmark" where one directory ran several benchmarks differently.
# NVIDIA's MLPerf Training v5.1 runs that trained in NVFP4 (mlcommons/training_results_v5.1, commit 441d65f4, read
# 2026-12-05 [P]): the launch configuration each NVIDIA/benchmarks/<benchmark>/implementations/<directory>/
# README-<directory>.md names is a `*_fp4.sh` one (config_common_fp4.sh: "export FP4=True", "export FP8=False",
# FP4_RECIPE="nvfp4"): every Llama 3.1 405B run (GB200 at 512, 2,560 and 5,120 GPUs, GB300 at 512) and the 8-GPU
# Llama 3.1 8B and LoRA runs; the 72- and 512-GPU 8B and LoRA runs name FP8 configurations. The 405B ones
# (llama31_405b/implementations/<directory>/config_GB200_*xtp4pp8cp2_cg_fp4.sh, config_GB300_128x4x72xtp2pp8cp2_cg_
# fp4.sh): config_common_fp4.sh "# TP overlap not supported yet / export TP_COMM_OVERLAP=False" (the tensor-parallel
# collectives exposed: `tp_comm_overlap` 0), and none sources config_common_fp8attn.sh (FP8_DPA=True): custom.yaml
# fp8_dot_product_attention defaults to FP8_DPA False, so attention runs in BF16 (`attention_precision`). The 8B
# (llama31_8b/implementations/nemo/config_GB200_2x4x2xtp1pp1cp1_8b_fp4.sh sources config_common_fp8attn.sh) and LoRA
# (llama2_70b_lora config_common.sh FP8_DPA=1) runs compute attention in FP8, the training model's default for FP4.
# The Llama 2 70B LoRA runs on AMD Instinct GPUs (AMD, MangoBoost, Supermicro), MLPerf Training v5.0
# (mlcommons/training_results_v5.0 commit 0fdc28f) and v5.1 (commit 441d65f4), read 2026-12-05 [P]:
# <submitter>/benchmarks/llama2_70b_lora/implementations/<directory>/config_MI3*X_<nodes>x8x1.sh all set TP=1, PP=1,
# SP=False, MBS=1, MINIBS=1 (8 sequences per step: global_batch_size = MINIBS x GPUs / (TP PP) / CP), FP8=True with
# FP8_DPA=0 (attention in BF16), FP8_ACTIVATION=True; CP=1 on one node, 2 on MangoBoost's 2-node and 4 on its 4-node
# runs; MI300X ACG=full ACL=21 (21 of 80 layers recomputed; the model picks its own, the least that fits).
def _amd_lora(cp: int) -> dict:
    return {"tp": 1, "pp": 1, "cp": cp, "microbatch": 1, "attention_precision": "bf16"}


AMD_LORA_CP = {"MI300X_EPYC_9575F_pytorch": 1, "MI325X_EPYC_9575F_pytorch": 1, "8xMI325X_2xEPYC_9575F": 1,
               "MI300X_EPYC_9575F_pytorch_llama2_70b": 1, "MI325X_EPYC_9575F_pytorch_llama2_70b": 1,
               "MI350X_EPYC_9575F_pytorch": 1, "MI355X_EPYC_9575F_pytorch": 1, "AS-8126GS-TNMR": 1,
               "MI300X-LLMBoost-GPUBoost-1node": 1, "MI300X-LLMBoost-GPUBoost-2node": 2,
               "MI300X-LLMBoost-GPUBoost-4node": 4, "MI325X-LLMBoost-GPUBoost-1node": 1,
               "MI325X-LLMBoost-GPUBoost-2node": 2}
TRAINING_LETS = ("tp_comm_overlap",)        # TRAINING_SOFTWARE entries that are lets of the workload, not fields
TRAINING_SOFTWARE = {
    **{name: {"precision": "bf16", "zero": 3, "recompute": "full", "tp": 1, "pp": 1, "cp": 1, "microbatch": 1}
       for name in ("h100_n1_ngc24.1_pytorch_deepspeed", "h100_n4_ngc24.1_pytorch_deepspeed",
                    "a100_n8_ngc24.1_pytorch_deepspeed")},
    **{f"{directory}/llama2_70b_lora": _amd_lora(cp) for directory, cp in AMD_LORA_CP.items()},
    **{f"{directory}/llama31_405b": {"precision": "fp4", "attention_precision": "bf16", "tp_comm_overlap": 0}
       for directory in ("hsg_ngpu2560_ngc25.09_nemo", "hsg_ngpu5120_ngc25.09_nemo", "theia_ngpu512_ngc25.09_nemo",
                         "tyche_ngpu512_ngc25.09_nemo")},
    **{f"{directory}/{bench}": {"precision": "fp4"}
       for directory, bench in (("theia_ngpu8_ngc25.09_nemo", "llama31_8b"),
                                ("tyche_ngpu8_ngc25.09_nemo", "llama31_8b"),
                                ("theia_ngpu8_ngc25.09_nemo", "llama2_70b_lora"),
                                ("tyche_ngpu8_ngc25.09_nemo", "llama2_70b_lora"))}}
# The scope of the CUDA graphs each run captured (`let cuda_graphs`: 1 per layer, 2 full iteration; a run not
# listed: 0, none, the training model's default), by (round, result directory, benchmark), read from the
# configuration its directory's README / name points at (the config_*.sh of each run set its environment) [P]:
# mlcommons/training_results_v4.0 (commit 6fe95437) NVIDIA/benchmarks/gpt3/implementations/nemo/
# config_DGXH100_1344x8x6x4x6_mbs1_cg.sh and _1452x8x6x4x6_mbs1_cg.sh `export LAYER_CUDA_GRAPH=1` (conf/custom.yaml
# `enable_cuda_graph: ${oc.env:LAYER_CUDA_GRAPH,False}`, per layer); no other v4.0 GPT-3 or Llama 2 70B LoRA
# configuration of any submitter sets it. mlcommons/training_results_v4.1 (commit read 2026-12-05): NVIDIA gpt3
# eos-dfw_n1452_ngc24.04_nemo/config_DGXH100_1452x8x6x4x6_mbs1_cg.sh and b200_n8_preview_nemo/
# config_DGXB200_8x8x1024x4x8_mbs2_cg.sh; llama2_70b_lora eos_n8_ngc24.09_nemo/config_DGXH100_8x8x1xtp4pp1cp2.sh,
# eos_n128_ngc24.09_nemo/config_DGXH100_128x8x1xtp4pp1cp2.sh, b200_preview_nemo/config_DGXB200_1x8x2xtp1pp1cp2.sh;
# Azure nemo/configs/config_DGXH200_64x8x2xtp4pp1cp2.sh; Dell nemo/configs/config_DGXH100_8x8x1xtp4pp1cp2.sh;
# Oracle BM.GPU.H100.{64,128,512}/configs/config_DGXH100_{8,16,64}x8x1xtp4pp1cp2.sh: all `export LAYER_CUDA_GRAPH=1`.
# Not graphed in v4.1: NVIDIA's 1-node LoRA (1x8x4, H200 1x8x2) and 32/64-node GPT-3 (eos_n32/n64_ngc24.09),
# Lambda's 1cc configurations, every 1-node partner configuration; Dell's 16- and 32-GPU LoRA runs have no
# configuration of their size in the repository (left at none [U]).
# mlcommons/training_results_v5.0 (commit 0fdc28f): NVIDIA llama2_70b_lora tyche_ngpu72/144/512_ngc25.04_nemo
# config_GB200_*x4x1xtp1pp1cp8.sh `LAYER_CUDA_GRAPH=0`, `MCORE_CUDA_GRAPH=1` (Megatron-Core's per-layer graphs),
# nyx_n1 / tyche_ngpu8 both 0; llama31_405b tyche_ngpu256/512_ngc25.04_nemo *_cg*.sh source config_common_cg.sh
# `FULL_CUDA_GRAPH=True`; eos-dfw_n*_ngc25.01_nemo (H100) none. mlcommons/training_results_v5.1 (commit 441d65f4):
# llama31_405b */config_common_cg.sh `FULL_CUDA_GRAPH=1`, `MCORE_CUDA_GRAPH=1` (every 405B configuration is a
# `_cg` one); llama31_8b nemo/config_common_cg.sh likewise, sourced by every 8B configuration, but the 8-GPU
# ones (config_GB200_2x4x2xtp1pp1cp1_8b_fp4.sh, config_GB300_2x4x2...) `export FULL_CUDA_GRAPH=0` (per layer);
# llama2_70b_lora nemo/config_GB*_*.sh `MCORE_CUDA_GRAPH=1` (per layer). Partners' v5.x runs: not read yet (none).
# mlcommons/training_results_v6.0 (fork Richardyu114/training_results_v6.0, commit eabf23a0, read 2026-12-06):
# NVIDIA gpt_oss_20b theia_ngpu512_ngc26.04_nemo runs nemo/config_GB300_128x4x1xtp2pp1cp4ep8.sh (its README), which
# sources config_common_cg.sh and sets `MOE_EXPERT_RANK_CAPACITY_FACTOR=7` ("oversized activation for CG") [P];
# config_common_cg.sh is not in the stored fork: the v6.0 copy of the same recipe by Inventec (fork jkjung-avt/
# training_results_v6.0, Inventec/benchmarks/gpt_oss_20b/implementations/nemo26.08/config_common_cg.sh, commit
# acf261f8) sets `CUDA_GRAPH_IMPLEMENTATION=local`, `CUDA_GRAPH_SCOPE=full_iteration` [P]: full iteration. The 8- and
# 72-GPU runs (config_GB300_2x4x3xtp1pp1cp1ep1_mxfp8.sh, _18x4x1xtp1pp1cp2ep4_mxfp8.sh, named by their READMEs) are
# not in the stored fork; Inventec's copies of the 8-GPU one (nemo26.04 and nemo26.08 config_P9000G7_1x8x3xtp1pp1cp1
# ep1_mxfp8.sh, "1.5x oversized activation for CG") source config_common_cg.sh too: full iteration [D] (a partial
# scope would cost the model the same: only `cuda_graphs` 0 pays `ungraphed_host_time`). DeepSeek-V3 v6.0: not read.
_V41_LORA_GRAPHED = ("eos_n8_ngc24.09_nemo", "eos_n128_ngc24.09_nemo", "b200_preview_nemo", "ND_H200_v5_n64_nemo",
                     "8xXE9680x8H100-SXM-80GB", "8xXE9680x8H100-SXM-80GB-POWER", "64xBM.GPU.H100.8",
                     "128xBM.GPU.H100.8", "512xBM.GPU.H100.8")
TRAINING_CUDA_GRAPHS = {
    **{("training-v4.0", directory, "gpt3"): 1 for directory in ("eos-dfw_n1344_ngc24.04_nemo",
                                                                 "eos-dfw_n1452_ngc24.04_nemo")},
    **{("training-v4.1", directory, "gpt3"): 1 for directory in ("eos-dfw_n1452_ngc24.04_nemo",
                                                                 "b200_n8_preview_nemo")},
    **{("training-v4.1", directory, "llama2_70b_lora"): 1 for directory in _V41_LORA_GRAPHED},
    **{("training-v5.0", f"tyche_ngpu{n}_ngc25.04_nemo", "llama2_70b_lora"): 1 for n in (72, 144, 512)},
    **{("training-v5.0", f"tyche_ngpu{n}_ngc25.04_nemo", "llama31_405b"): 2 for n in (256, 512)},
    **{("training-v5.1", directory, "llama31_405b"): 2
       for directory in ("hsg_ngpu2560_ngc25.09_nemo", "hsg_ngpu5120_ngc25.09_nemo", "theia_ngpu512_ngc25.09_nemo",
                         "tyche_ngpu512_ngc25.09_nemo")},
    **{("training-v5.1", f"{system}_ngpu{n}_ngc25.09_nemo", "llama31_8b"): 1 if n == 8 else 2
       for system in ("theia", "tyche") for n in (8, 72, 512)},
    **{("training-v5.1", f"{system}_ngpu{n}_ngc25.09_nemo", "llama2_70b_lora"): 1
       for system in ("theia", "tyche") for n in (8, 72, 512)},
    **{("training-v6.0", f"theia_ngpu{n}_ngc26.04_nemo", "gpt_oss_20b"): 2 for n in (8, 72, 512)}}
# the stdlib server a chip's power rows run on (its power model gives the wall power per accelerator)
POWER_SYSTEMS = {"H100_SXM": "HGX_H100", "H200": "DGX_H200", "B200": "DGX_B200", "B300": "DGX_B300",
                 "MI300X": "MI300X_8GPU"}
# The per-GPU power limit (W) of the power-capped (MaxQ) inference submissions, by result directory (the source
# column's `/results/<dir>/`) and benchmark: the `power_limit` NVIDIA's harness sets on every GPU of that system
# (nvidia-smi -pl), mlcommons/inference_results_v4.1 (commit a2f5d66d, read 2026-12-05) [P]: closed/NVIDIA/configs/
# llama2-70b/Offline/__init__.py and llama2-70b/Server/__init__.py `class H200_SXM_141GBx8_MaxQ ... power_limit =
# 500`; configs/mixtral-8x7b/Offline/__init__.py `H200_SXM_141GBx8_MaxQ ... power_limit = 500` (the Server
# class, not in the stored copy, taken as the Offline one's: the two runs' measured system power agree within
# 0.3%, 6,155 and 6,175 W [U]); configs/gptj/Offline/__init__.py and gptj/Server/__init__.py `power_limit = 350`.
# The same files give H100 SXM 450 W (llama2-70b) and 350 W (gptj), H100 NVL 350 W, H100 PCIe 200 W (gptj) for
# MaxQ systems that have no row in the reference file. A MaxQ row whose limit is not here stays not covered.
# MLPerf Inference v6.0 (2026-04): Dell_MangoBoost's "PowerEdge XE9785 (MI355X Power Cap 1000W)", its accelerator
# "AMD Instinct MI355X 288GB HBM3e (Power Cap 1000 W)" (closed/Dell_MangoBoost/systems/
# 8xMI355X_2xEPYC_9965_Power_Cap_1000W.json, gbeezybez/inference_results_v6.0@232fbf9, read 2026-12-05) [P]: a system
# named "Power Cap" is power-capped as a MaxQ one is (POWER_CAPPED_NAMES).
MAXQ_POWER_LIMIT = {"H200-SXM-141GBx8_TRT_MaxQ": {"llama2-70b": 500.0, "mixtral-8x7b": 500.0, "gptj": 350.0},
                    "8xMI355X_2xEPYC_9965_Power_Cap_1000W": {"llama2-70b": 1000.0}}
POWER_CAPPED_NAMES = ("maxq", "power cap")   # a system name holding one of these (any case) runs power-capped
# chip families whose serving efficiency is fitted together (`let serving_efficiency...` in stdlib/chips.factory)
FAMILIES = {"H100_SXM": "Hopper FP8", "H200": "Hopper FP8", "H200_CTS": "Hopper FP8",
            "GH200": "Hopper FP8", "GH200_96GB": "Hopper FP8", "H200_NVL": "Hopper FP8",
            "H100_PCIe": "Hopper add-in FP8", "H100_NVL": "Hopper add-in FP8",
            "L40S": "Ada FP8",
            "B200": "Blackwell FP4", "GB200": "Blackwell FP4", "MI300X": "CDNA3 FP8", "MI325X": "CDNA3 FP8"}
# the chip generations whose MLPerf submissions run NVIDIA's TensorRT-LLM harness with its per-benchmark token budget
GENERATIONS = {"Hopper FP8": "Hopper", "Hopper add-in FP8": "Hopper", "Blackwell FP4": "Blackwell"}
# forward steps per scheduling round of the serving engine, by round and chip family ("Scheduling rounds")
SCHEDULER_STEPS = {("inference-v5.0", "CDNA3 FP8"): 9}
# forward steps per host round (`host_steps`: the per-step overheads are paid once a round), by round, family and
# scenario: AMD's v5.0 Llama 2 70B configs `num_scheduler_steps` 11 Offline (offline_mi325x.yaml) and 9 Server
# (server_mi300x.yaml), as copied by a partner: ntuhpc/mlperf_inference_results_v5.0 closed/Cisco/code/
# llama2-70b-99.9/harness_llm/models/llama2-70b/, 2025, read 2026-12-05 [P]; MangoBoost's MI300X (LLMBoost) taken alike
# [U]; v4.1's harness predates vLLM's multi-step scheduling (0.6.0, 2024-09) and sets no `--num-scheduler-steps`
# (mlcommons/inference_results_v4.1 closed/AMD/code/llama2-70b-99.9/test_VllmFp8/test_VllmFp8_SyncServer_audit.sh,
# 2024-08 [P]): it keeps 1; the v5.1 rows of
# SCHEDULER_STEPS_BY_CHIP (AMD's vLLM `num_scheduler_steps`) take theirs (docs/accuracy.md "MI325X: multi-step host work")
HOST_STEPS = {("inference-v5.0", "CDNA3 FP8", "offline"): 11, ("inference-v5.0", "CDNA3 FP8", "server"): 9}
# ... and by round, model, scenario and chip where the submitter's configs differ by chip, taken before the family's:
# AMD's MLPerf Inference v5.1 harness configs (`num_scheduler_steps` of vllm_engine_config; ntuhpc/inference_results_v5.1
# closed/AMD/code/llama2-70b-99/harness_llm/models/llama2-70b/{server,interactive}_{mi300x,mi325x}.yaml and
# closed/AMD/code/mixtral-8x7b/harness_llm/models/mixtral-8x7b/server_{mi300x,mi325x}.yaml, read 2026-12-05 [P]); the
# MI325X Interactive config runs vLLM's V1 engine (`VLLM_USE_V1: 1`, `num_scheduler_steps: 1`, chunked prefill on).
# AMD's v6.0 MI355X and Cisco's MI350X configs run V1 with async scheduling, one step a round: the default, no entry
# (gbeezybez/inference_results_v6.0 closed/AMD/src/llama2-70b-99/*_mi355x.yaml, closed/Cisco/src/code/llama2-70b-99/
# *_mi350x.yaml [P]; docs/accuracy.md "CDNA4 as AMD ran it")
# Offline (host steps only: an Offline row has no TTFT to wait for the round): AMD's v5.1 offline_mi300x.yaml /
# offline_mi325x.yaml `num_scheduler_steps` 11 / 7 (Llama 2 70B, both accuracy targets' copies) and 9 / 13 (Mixtral;
# the same fork, closed/AMD/code/{llama2-70b-99,llama2-70b-99.9,mixtral-8x7b}/harness_llm/models/*/, read
# 2026-12-06 [P]). Without them the v5.1 Offline rows paid the host work every step while their Server rows paid it
# once a round, and Server came out 3.9-8.7% above Offline (tests/test_heldout_laws.py, docs/accuracy.md "Laws over
# the held-out shape rows")
SCHEDULER_STEPS_BY_CHIP = {("inference-v5.1", "Llama2_70B", "offline", "MI300X"): 11,
                           ("inference-v5.1", "Llama2_70B", "offline", "MI325X"): 7,
                           ("inference-v5.1", "Mixtral_8x7B", "offline", "MI300X"): 9,
                           ("inference-v5.1", "Mixtral_8x7B", "offline", "MI325X"): 13,
                           ("inference-v5.1", "Llama2_70B", "server", "MI300X"): 9,
                           ("inference-v5.1", "Llama2_70B", "server", "MI325X"): 9,
                           ("inference-v5.1", "Llama2_70B", "interactive", "MI300X"): 8,
                           ("inference-v5.1", "Llama2_70B", "interactive", "MI325X"): 1,
                           ("inference-v5.1", "Mixtral_8x7B", "server", "MI300X"): 8,
                           ("inference-v5.1", "Mixtral_8x7B", "server", "MI325X"): 10}
# TensorRT-LLM's attention-data-parallel balancer releases new contexts once every `adp_balancing_timeout_iters` steps
# at Server loads: NVIDIA's DeepSeek-R1 Server configs, by round and chip ("Attention-data-parallel balance" above)
ADP_BALANCE_STEPS = {("inference-v5.1", "B200"): 9, ("inference-v5.1", "GB200"): 9, ("inference-v5.1", "GB300"): 6,
                     ("inference-v6.0", "B200"): 6, ("inference-v6.0", "B300"): 9, ("inference-v6.0", "GB200"): 9,
                     ("inference-v6.0", "GB300"): 9}
ADP_BALANCE_MODELS = ("DeepSeek_R1",)        # the benchmarks whose NVIDIA engines run attention data parallel
# The submitters' attention-data-parallel engines (`adp_engines`, measured, not applied; docs/accuracy.md "DeepSeek-R1
# Server / Offline: the step's floor under an absolute TPOT limit", s18-heldserver): every closed DeepSeek-R1 config
# of MLPerf Inference v5.1 and v6.0 runs `tensor_parallelism` 8 with `enable_attention_dp` True and
# `moe_expert_parallelism` 8 in Offline and Server alike -- 8 attention ranks of one GPU each, the routed experts over
# the 8 (the model's tp 1, pp 1, ep 8) -- with `gpu_batch_size` sequences a rank (mlcommons/inference_results_v5.1
# @965182b0 closed/*/configs/*/{Offline,Server}/deepseek-r1.py, 13 systems; v6.0
# closed/NVIDIA/configs/*/{Offline,Server}/deepseek-r1.py via fork gbeezybez/inference_results_v6.0 @232fbf9; read
# 2026-12-06 [P]), the ADP balancer on (adp_balancing_enable) [P].
ADP_ENGINE_RANKS = {"DeepSeek_R1": 8}
# gpu_batch_size a rank by (round, scenario, chip), NVIDIA's configs (the chip's NVIDIA value for its partners [U]:
# v5.1 GigaComputing's B200 Server 768, CoreWeave's GB300 x8 Server 1,536); (.., GPUs) where the count changes it
ADP_RANK_BATCH = {("inference-v5.1", "server", "B200"): 512, ("inference-v5.1", "server", "GB200"): 512,
                  ("inference-v5.1", "server", "GB300"): 512, ("inference-v5.1", "offline", "B200"): 512,
                  ("inference-v5.1", "offline", "GB200"): 512, ("inference-v5.1", "offline", "GB300"): 1536,
                  ("inference-v6.0", "server", "B200"): 512, ("inference-v6.0", "server", "B300"): 640,
                  ("inference-v6.0", "server", "GB200"): 512, ("inference-v6.0", "server", "GB300"): 640,
                  ("inference-v6.0", "offline", "B200"): 512, ("inference-v6.0", "offline", "B300"): 1024,
                  ("inference-v6.0", "offline", "GB200"): 512, ("inference-v6.0", "offline", "GB300"): 1536,
                  ("inference-v6.0", "offline", "GB300", 8): 1024}
# The per-row time a step of the mid-2025 TensorRT-LLM PyTorch attention-DP DeepSeek-R1 engine carries (`adp_row_time`,
# measured, not applied; docs/accuracy.md "The DeepSeek-R1 attention-DP step's per-row time", s20-dsr1): `seq_overhead`
# 105 us a row in place of 35 us on the DeepSeek-R1 rows of the rounds whose DeepSeek-R1 engines are that software
# (MLPerf Inference v5.1 pins TensorRT-LLM's "1.0-mlpinf side branch" of 2025-07-24, closed/NVIDIA/Makefile.build,
# mlcommons/inference_results_v5.1 @965182b0 [P]). Fitted once (bench/dsr1_row_time.py, grid 35-150 us by 5 us,
# median |log error|) on TensorRT-LLM's two published B200 ADP-EP8 max-throughput runs at commit b6261862
# (docs/source/blogs/Best_perf_practice_on_DeepSeek-R1_in_TensorRT-LLM.md, 384 rows BF16 KV 4,548 and 896 rows FP8 KV
# 5,393 tok/s/GPU, trtllm-bench, read 2026-12-06 [P]; tests/test_moe_ep_step.py PUBLISHED): 105 us puts both within
# -0.7 / +1.3% (35 us: +42.5 / +63.9%); the GB200 ADP-balance run of blog10 is the check (+23.8%; +6.9% against its
# perfect-balance figure). Not MLPerf figures: nothing is fitted to a held-out row.
ADP_ROW_TIME_MODELS = ("DeepSeek_R1",)
ADP_ROW_TIME_ROUNDS = ("inference-v5.1",)
ADP_SEQ_OVERHEAD = 105e-6    # s a row a step [D], fitted as above
# NVIDIA's v4.1 harness runs prompts whole (no chunked context, "Token budget" above); AMD's (vLLM) does not apply
WHOLE_PROMPT_ROUNDS = ("inference-v4.1",)
WHOLE_PROMPT_MODELS = ("Llama2_70B", "Mixtral_8x7B")
VLLM_FAMILIES = ("CDNA3 FP8",)
# the rounds whose vLLM harness runs prompts whole (chunked prefill off; "Whole-prompt capacity" above): v5.0, AMD's
# server_mi300x.yaml (chunked prefill off, as read for "Scheduling rounds" above) [P]; v4.1, AMD's Server script
# (mlcommons/inference_results_v4.1 closed/AMD/code/llama2-70b-99.9/test_VllmFp8/test_VllmFp8_SyncServer_audit.sh,
# commit a2f5d66d, read 2026-12-06) passes no chunked-prefill flag [P] to vLLM's V0 engine, whose default is off at
# a 4,096-token context [U]. Not v5.1 on: its MI325X Interactive and the v6.0 configs run the V1 engine, chunked
# prefill on (SCHEDULER_STEPS_BY_CHIP's sources)
VLLM_WHOLE_PROMPT_ROUNDS = ("inference-v4.1", "inference-v5.0")
# NVIDIA's v5.0 Llama 2 70B engines on Hopper build the gate-up GEMM with SwiGLU in its epilogue (`gemm_swiglu_plugin`
# fp8 in the H100 SXM, H200, GH200 and H200 NVL configs, Offline, Server and Interactive; not in v4.1's configs, nor in
# the H100 NVL and H200-CTS ones: ntuhpc/mlperf_inference_results_v5.0 closed/*/configs/llama2-70b [P]): the model's
# SiLU-and-multiply kernel is not run there (inference.py "Elementwise work"; counted with elementwise_kernels 1)
GEMM_SWIGLU = {("inference-v5.0", "Llama2_70B")}
GEMM_SWIGLU_CHIPS = ("H100_SXM", "H200", "GH200", "GH200_96GB", "H200_NVL")
# measured, NOT applied: every row counts the separate SwiGLU kernel (`let swiglu_kernel = 1`) that the GEMM_SWIGLU rows'
# fused GEMM does without; with one refit it raised TTFT p50 and TPOT mean above 10% and the TensorRT-LLM perf check
# (docs/accuracy.md "Hopper Llama 2 70B, v4.1 against v5.0"): MECHANISMS "swiglu_kernel"
# The dense GEMMs' rate of a round's engine release against the family factor's engines (`dense_gemm_release_rate`,
# inference.py): NVIDIA's perf overview measured the same Hopper chips with the same tool (trtllm-bench build
# --quantization FP8, then throughput; fixed lengths, every request at once) at TensorRT-LLM 0.12.0 (2024-08,
# NVIDIA/TensorRT-LLM docs/source/performance/perf-overview.md at v0.12.0: "All data in the table below was
# generated using version 0.12.0" [P]) and 0.17.0 (2025-02, reference/trtllm_perf_overview.csv [P]): Llama 3 / 3.1 70B
# FP8 (one shape: 80 layers, 8,192 wide, 28,672 FFN) on H100 and H200 at tp 2, 4, 8, the 25 configurations both
# releases list, 0.17 / 0.12 median 1.161 (H200 alone 1.161, H100 1.188); Mixtral 8x7B (its experts' grouped GEMMs,
# the dense attention ~11% of its active FLOPs) 1.017 (bench/trtllm_release_ratio.py prints them). NVIDIA's MLPerf
# v4.1 Hopper engines are TensorRT-LLM ~0.12 (docs/accuracy.md "Hopper Llama 2 70B, v4.1 against v5.0"), its v5.0
# ones ~0.17 (TensorRT 10.8): the v4.1 Hopper rows' dense GEMMs run at 1 / 1.161 of the family's (v5.0-era) rate.
# measured, NOT applied: MECHANISMS "engine_release_gemm" (docs/accuracy.md "The dense GEMM rate by engine release")
ENGINE_RELEASE_RATIO = 1.161
ENGINE_RELEASE_GEMM = {("inference-v4.1", "Hopper FP8"): 1 / ENGINE_RELEASE_RATIO,
                       ("inference-v4.1", "Hopper add-in FP8"): 1 / ENGINE_RELEASE_RATIO}
# NVIDIA's v4.1 Llama 2 70B engines: `max_num_tokens = 4096` a forward pass of the engine (GPUBaseConfig), per
# tensor-parallel rank at the tp of its Server config (2 on H100 SXM and NVL, 1 on H200, H200-CTS, GH200) ("Token
# budget" above); B200 (a preview system, no published v4.1 Server config) keeps the model's default. The add-in
# cards' partner configs inherit the same parent (docs/accuracy.md "Latency v11"): ASUSTeK's ESC8000A-E12 H100 PCIe
# tp 2 (2,048 a rank) and Fujitsu's CDI L40S tp 4 (mlcommons/inference_results_v4.1 closed/Fujitsu/configs/llama2-70b/
# Server/custom.py `tensor_parallelism = 4` [P]), given as its engine's 4,096 at the search's tp 2 (2,048 a rank:
# validate runs its Server rows at the search's layout) (docs/accuracy.md "Engine budgets: the add-in cards and the
# partners' own")
WHOLE_PROMPT_BUDGETS = {("Llama2_70B", "H100_SXM"): 2048, ("Llama2_70B", "H100_NVL"): 2048,
                        ("Llama2_70B", "H200"): 4096, ("Llama2_70B", "H200_CTS"): 4096,
                        ("Llama2_70B", "GH200"): 4096, ("Llama2_70B", "GH200_96GB"): 4096,
                        ("Llama2_70B", "H100_PCIe"): 2048, ("Llama2_70B", "L40S"): 2048}
def _caps(round_: str, model: str, scenario: str, **chips) -> dict:
    """ENGINE_BATCH entries of one round, model and scenario: chip=cap, or chip_xN=cap for a system of N."""
    out = {}
    for name, cap in chips.items():
        chip, _, n = name.partition("_x")
        out[(round_, model, scenario, chip, int(n)) if n else (round_, model, scenario, chip)] = cap
    return out


V50, V41, L2, MX = "inference-v5.0", "inference-v4.1", "Llama2_70B", "Mixtral_8x7B"
# NVIDIA's engines' batch caps ("Engine limits" above): the sequences one TensorRT-LLM engine (a tp x pp
# replica) holds, its config's `gpu_batch_size` (the engine's max_batch_size) times its pp, by round, model, scenario
# and chip; (..., chip, accelerators) where one chip's configs differ by system size (H200-CTS x1 and x8)
ENGINE_BATCH = {
    # v5.0, NVIDIA's configs (ntuhpc/mlperf_inference_results_v5.0 closed/Cisco/configs/, as copied by a partner);
    # H100 SXM: gpu_batch_size 1,024 at pp 2 = 2,048 sequences an engine (its tp 2 Server config: 2,048 as well)
    **_caps(V50, L2, "offline", H100_SXM=2048, H100_NVL=1300, H200=2048, GH200=2048, H200_CTS=850, H200_CTS_x8=784,
            B200=2048, L40S=1024, H200_NVL=2048),
    **_caps(V50, L2, "server", H100_SXM=2048, H100_NVL=640, H200=2048, GH200=2048, H200_CTS=850, H200_CTS_x8=1024,
            B200=2048, L40S=1024, H200_NVL=2048),
    **_caps(V50, L2, "interactive", H200=512, B200=768),
    **_caps(V50, MX, "offline", H100_SXM=896, H200=3072, H200_CTS=3072, GH200=4096, B200=6144, GH200_96GB=4096),
    **_caps(V50, MX, "server", H100_SXM=896, H200=3072, H200_CTS=3072, GH200=4096, B200=6144),
    # v5.0 Quanta (QCT) configs, same copy, closed/Quanta_Cloud_Technology/configs/{llama2-70b,mixtral-8x7b}/
    # {Offline,Server}/__init__.py: S74G GH200 96 GB (tp 1) and D54U H100 PCIe (tp 2, Server)
    **_caps(V50, L2, "offline", GH200_96GB=2048), **_caps(V50, L2, "server", GH200_96GB=2048, H100_PCIe=2048),
    # v4.1, NVIDIA's configs (mlcommons/inference_results_v4.1 closed/NVIDIA/configs/llama2-70b/); the add-in cards
    # from the partners' configs (docs/accuracy.md "Add-in cards": L40S Fujitsu v4.1 / Dell v5.0, H100 PCIe ASUSTeK)
    **_caps(V41, L2, "offline", H100_SXM=896, H100_NVL=1300, H200=806, GH200=806, H200_CTS=850, H200_CTS_x8=784,
            H100_PCIe=896, L40S=1024),
    **_caps(V41, L2, "server", H100_SXM=1024, H100_NVL=640, H200=896, GH200=806, H200_CTS=850, H200_CTS_x8=1024,
            H100_PCIe=896, L40S=1024),
}
# the KV cache's share of the memory free after the engine is loaded (`let kv_cache_fraction`, "Engine limits" above):
# NVIDIA's harness configs' kvcache_free_gpu_mem_frac where they set one, else TensorRT-LLM's default 0.90
KV_FRACTION_DEFAULT = 0.90
KV_FRACTIONS = {("inference-v5.0", "Llama2_70B", "offline", "H100_SXM"): 0.95,
                ("inference-v5.0", "Llama2_70B", "server", "H100_SXM"): 0.95,
                ("inference-v5.0", "Llama2_70B", "offline", "B200"): 0.95,
                ("inference-v5.0", "Llama2_70B", "server", "B200"): 0.95,
                ("inference-v5.0", "Mixtral_8x7B", "offline", "B200"): 0.95}
TRTLLM_FAMILIES = ("Hopper FP8", "Hopper add-in FP8", "Ada FP8", "Blackwell FP4")   # NVIDIA chips: TensorRT-LLM
# the KV cache block of NVIDIA's TensorRT-LLM engines, to which a non-final context chunk is rounded down
# (`let context_chunk_unit`, "Chunk unit" above): `tokens_per_block` 32 in NVIDIA's configs
TRTLLM_TOKENS_PER_BLOCK = 32
# whether validate's rows get ENGINE_BATCH and KV_FRACTIONS: measured with the driver's binary capacities and not
# applied (they raise the latency medians at the model's capacity point: docs/accuracy.md "Engine limits as data"):
# MECHANISMS "engine_limits"
# the output-length spread of each benchmark's model, cv of the tokens a request generates (the submitters' TEST06
# accuracy logs, docs/accuracy.md "Dataset lengths, sourced" [P/D]); the KV room of a Server row reads it
OUTPUT_CVS = {"Llama2_70B": 0.59, "Mixtral_8x7B": 0.74, "Llama3_1_405B": 0.35, "DeepSeek_R1": 1.07}
# the token budget a row's engine has at least where its layout gives none: compiler/models/inference/
# `max_num_tokens`'s default a tensor-parallel rank (the engine's is tp times it); `prompt_busy_window` reads it
DEFAULT_CHUNK_TOKENS = 8192.0
# the mean output of the engine's own checkpoint where it is not the reference's (`output_tokens`; MECHANISMS
# "engine_output_lengths", docs/accuracy.md "The FP4 engines' shorter answers"): the `tokens_per_sample` of the
# submissions' accuracy runs (closed/*/results/<system>/llama2-70b-*/*/accuracy/accuracy.txt, the evaluation over all
# 24,576 samples [P]). NVIDIA's NVFP4 Llama 2 70B on B200, every round: v4.1 NVIDIA 1x Server 273.9
# (mlcommons/inference_results_v4.1 @a2f5d66d); v5.0 NVIDIA 8x Server 272.6, 1x Server 272.7, 8x Interactive 272.5,
# Supermicro A21GE 8x Server 273.8 (ntuhpc/mlperf_inference_results_v5.0 @cf354115); v5.1 Inventec P9000AG7 8x (NVIDIA's
# code, its README's accuracy run) 273.3; read 2026-12-06; 273.0 is the median of the six. The FP8 Hopper engines stay
# at the reference (v5.0 DGX-H100 292.9, GH200 292.5 against 294.45), and so does NVIDIA's B200 Mixtral (145.5 against
# 144.84): the shorter answers are the FP4 Llama 2 70B checkpoint's. Key: (model, chip family).
ENGINE_OUTPUT_TOKENS = {("Llama2_70B", "Blackwell FP4"): 273.0,
                        # AMD's MXFP4 Llama 2 70B on MI355X (no family: keyed by chip): `tokens_per_sample` 285.7 in
                        # its own accuracy run (ntuhpc/inference_results_v5.1@387c3dd0 open/AMD/results/
                        # 8xMI355X_2xEPYC_9575F/llama2-70b-99/Offline/accuracy/accuracy.txt, 2025-09 [P]; its
                        # performance run 93,045.8 / 333.216 = 279.2); AMD's FP8 checkpoint on MI325X 300.5 (the same
                        # round, closed/AMD/results/8xMI325X_2xEPYC_9575F_1, [P]; not entered: no CDNA3 row of the
                        # calibration rounds was read for it). docs/accuracy.md "AMD's engines, one per-token term each"
                        ("Llama2_70B", "MI355X"): 285.7,
                        ("Llama3_1_405B", "Blackwell FP4"): 656.15, ("Llama3_1_405B", "Hopper FP8"): 647.9}
# Llama 3.1 405B (MECHANISMS "engine_output_lengths_405b", docs/accuracy.md "Llama 3.1 405B's answer length"): the
# reference's 684.68 tokens a sample is the FP16 GPU run's ("FP16 accuracy targets ... 'tokens_per_sample': 684.68",
# mlcommons/inference language/llama3.1-405b/README.md [P]); NVIDIA's TensorRT-LLM engines answer shorter, on every
# chip and round. The calibration round's own accuracy runs (closed/NVIDIA/results/<system>/llama3_1-405b/<scenario>/
# accuracy/accuracy.txt, ntuhpc/mlperf_inference_results_v5.0 @cf354115, read 2026-12-06 [P]): NVFP4 B200x8 Offline
# 655.9, Server 654.0, GB200 NVL72 Offline 656.4, Server 656.8 (median 656.15 [D]); FP8 H200x8 Offline 648.6,
# Server 647.2 (647.9 [D]). Checked, not fitted, on the later rounds: v5.1's 57 runs 626.2-661.4 (B200 / GB200 651.5-
# 656.9, H200 635.1-658.9, H100 626.2-643.0, GB300 629.3 / 629.7; mlcommons/inference_results_v5.1 @965182b0) and
# v6.0's 17 runs 636.0-659.2 (gbeezybez/inference_results_v6.0 @232fbf9). Blackwell Ultra (B300, GB300: no family)
# runs the same NVFP4 checkpoint: it takes the Blackwell FP4 value (OUTPUT_LENGTH_CHECKPOINTS).
OUTPUT_LENGTH_CHECKPOINTS = {("Llama3_1_405B", "B300"): "Blackwell FP4", ("Llama3_1_405B", "GB300"): "Blackwell FP4"}
# which mechanism gives each model its engines' own answer (the Llama 2 70B and 405B evidence measured apart)
OUTPUT_LENGTH_MECHANISMS = {"Llama2_70B": "engine_output_lengths", "Llama3_1_405B": "engine_output_lengths_405b"}
# whether validate's Server rows get the KV cache as the engines fill it (`let kv_room_wait` with the benchmark's
# `output_length_cv`): measured, not applied (docs/accuracy.md "KV room in Server"): MECHANISMS "kv_room"

# whether the rows of NVIDIA's v5.0 harness (those given its token budget) get `let serial_context_chunks = 1`: its
# TensorRT-LLM C++ runtime keeps a context request in flight with its micro-batch ("Serial context chunks" above);
# applied since 2026-12-05 with the long-prompt layouts and the 405B prompt distribution (alone it raised the Server
# median through the Hopper 405B layouts the search picked: docs/accuracy.md, "Llama 3.1 405B Server on Blackwell:
# the layout, the chunks, the operating point"): MECHANISMS "serial_context_chunks"


@dataclass(frozen=True)
class Layout:
    """The engine a submission's harness config builds: tensor- and pipeline-parallel ranks of one replica, the
    runtime `max_num_tokens` of the whole engine where the config sets one (0: not set), and where it is written."""

    tp: int
    pp: int
    budget: float
    source: str


# The submitters' engine layouts, read from their harness configs ("Layouts" in the module docstring) [P]:
_GH = "https://github.com/"
_V50 = (_GH + "ntuhpc/mlperf_inference_results_v5.0/blob/cf354115/closed/Cisco/configs/{0}/{1}/__init__.py (NVIDIA's "
        "configs as copied by a partner; fork of mlcommons/inference_results_v5.0), read 2026-12-05")
_V50_PARTNER = _GH + "ntuhpc/mlperf_inference_results_v5.0/blob/cf354115/closed/{0}/configs/{1}/{2}, read 2026-12-05"
_V41 = _GH + "mlcommons/inference_results_v4.1/blob/198fc467/closed/NVIDIA/configs/{0}/{1}/__init__.py, read 2026-12-05"
_V41_PARTNER = (_GH + "mlcommons/inference_results_v4.1/blob/198fc467/closed/{0}/configs/{1}/{2}/custom.py, read "
                "2026-12-05")
_V51 = (_GH + "ntuhpc/inference_results_v5.1/blob/387c3dd0/closed/NVIDIA/configs/{0}/{1}/{2}.py (fork of "
        "mlcommons/inference_results_v5.1), read 2026-12-05")
_V60_ATOMIC = (_GH + "gbeezybez/inference_results_v6.0/blob/232fbf90/closed/NVIDIA/configs/{0}/Offline/{1}.py (the "
               "engine closed/NVIDIA/scaleout/REPRODUCE.md runs for the round's x8 / x72 result, its --atomic-system; "
               "fork of mlcommons/inference_results_v6.0), read 2026-12-05")


_V51_AMD = (_GH + "ntuhpc/inference_results_v5.1/blob/387c3dd0/closed/AMD/code/llama2-70b-99/harness_llm/models/"
            "llama2-70b/{0}_{1}.yaml (fork of mlcommons/inference_results_v5.1), read 2026-12-05")
_ALL_SCENARIOS = ("offline", "server", "interactive")


def _layouts(round_: str, model: str, scenarios: tuple, source: str, **chips) -> dict:
    """LAYOUTS entries of one round and model for each scenario: chip=(tp, pp) or (tp, pp, engine budget); the
    source's {} placeholders take the scenario's config directory name (Offline, Server)."""
    out = {}
    for scenario in scenarios:
        for chip, layout in chips.items():
            tp, pp, budget = (*layout, 0.0) if len(layout) == 2 else layout
            out[(round_, model, scenario, chip)] = Layout(tp, pp, float(budget),
                                                          source.format(scenario.capitalize()))
    return out


_OS, _S, _I = ("offline", "server"), ("server",), ("interactive",)
LAYOUTS = {
    # MLPerf Inference v4.1, NVIDIA's configs (`tensor_parallelism`, `pipeline_parallelism` of the config classes;
    # the base classes set tp 2 pp 1, the one-GPU systems tp 1)
    **_layouts("inference-v4.1", "Llama2_70B", _OS, _V41.format("llama2-70b", "{}"),
               H100_SXM=(2, 1), H100_NVL=(2, 1), H200=(1, 1), H200_CTS=(1, 1), GH200=(1, 1)),
    **_layouts("inference-v4.1", "Mixtral_8x7B", _OS, _V41.format("mixtral-8x7b", "{}"),
               H100_SXM=(1, 1), H200=(1, 1), GH200=(1, 1)),
    # MLPerf Inference v5.0, NVIDIA's configs; Llama 2 70B on H100 SXM: the "PP2" workload setting (NVIDIA's own
    # DGX-H100 run: its user.conf target_qps 107 is H100_SXM_80GB_PP2x4's, closed/NVIDIA/measurements/
    # DGX-H100_H100-SXM-80GBx8_TRT/llama2-70b-99/Server/user.conf in the same fork [P]), the runtime budget 1,024 a
    # micro-batch
    **_layouts("inference-v5.0", "Llama2_70B", _OS, _V50.format("llama2-70b", "{}"),
               H100_SXM=(1, 2, 1024), H100_NVL=(2, 1), H200=(1, 1, 1536), GH200=(1, 1, 1536), B200=(1, 1, 3584)),
    **_layouts("inference-v5.0", "Llama2_70B", ("offline",), _V50.format("llama2-70b", "Offline"),
               H200_CTS=(1, 1, 1024)),
    **_layouts("inference-v5.0", "Llama2_70B", _S, _V50.format("llama2-70b", "Server"), H200_CTS=(1, 1)),
    **_layouts("inference-v5.0", "Llama2_70B", _I, _V50.format("llama2-70b-interactive", "Server"),
               H200=(1, 1, 256), B200=(1, 1, 768)),
    **_layouts("inference-v5.0", "Mixtral_8x7B", _OS, _V50.format("mixtral-8x7b", "{}"),
               H100_SXM=(1, 1), H200=(1, 1), H200_CTS=(1, 1), GH200=(1, 1), B200=(1, 1)),
    # Llama 3.1 405B: Offline TP4PP2 (H200) and TP2PP2 (B200, GB200; GB200 NVL72's Triton configs TP2PP2DP18);
    # Server TP8PP1 at 2,560 tokens (H200), TP2PP2 at 1,024 (B200, GB200)
    **_layouts("inference-v5.0", "Llama3_1_405B", ("offline",), _V50.format("llama3_1-405b", "Offline"),
               H200=(4, 2, 1536), B200=(2, 2, 1536), GB200=(2, 2, 1536)),
    **_layouts("inference-v5.0", "Llama3_1_405B", _S, _V50.format("llama3_1-405b", "Server"),
               H200=(8, 1, 2560), B200=(2, 2, 1024), GB200=(2, 2, 1024)),
    # MLPerf Inference v5.1, NVIDIA's configs (llm_fields.tensor_parallelism / pipeline_parallelism of the Custom
    # harness's WorkloadSetting; runtime max_num_tokens)
    **_layouts("inference-v5.1", "Llama2_70B", _OS, _V51.format("B200-SXM-180GBx8", "{}", "llama2-70b"),
               B200=(1, 1, 3584)),
    **_layouts("inference-v5.1", "Llama2_70B", _OS, _V51.format("GB200-NVL72_GB200-186GB_aarch64x4", "{}",
                                                                "llama2-70b"), GB200=(1, 1, 3584)),
    **_layouts("inference-v5.1", "Llama2_70B", _I, _V51.format("B200-SXM-180GBx8", "Interactive", "llama2-70b"),
               B200=(1, 1, 768)),
    **_layouts("inference-v5.1", "Llama3_1_8B", _OS + _I, _V51.format("B200-SXM-180GBx8", "{}", "llama3_1-8b"),
               B200=(1, 1, 12000)),
    **_layouts("inference-v5.1", "Llama3_1_8B", _OS + _I, _V51.format("GB200-NVL72_GB200-186GB_aarch64x4", "{}",
                                                                      "llama3_1-8b"), GB200=(1, 1, 12000)),
    **_layouts("inference-v5.1", "Llama3_1_405B", ("offline",),
               _V51.format("B200-SXM-180GBx8", "Offline", "llama3_1-405b"), B200=(2, 2, 1536)),
    **_layouts("inference-v5.1", "Llama3_1_405B", ("offline",),
               _V51.format("GB200-NVL72_GB200-186GB_aarch64x72", "Offline", "llama3_1-405b"), GB200=(2, 2, 1536)),
    **_layouts("inference-v5.1", "Llama3_1_405B", _S, _V51.format("B200-SXM-180GBx8", "Server", "llama3_1-405b"),
               B200=(4, 1, 2048)),
    # GB200 Server: the x72 and x4 configs' Custom-harness setting alike, tp 4 pp 1 at 2,048 tokens (read
    # 2026-12-06; without it the search ran the Server engine unbudgeted and it served as much as Offline, above the
    # GB300's own Server layout: tests/test_heldout_laws.py, docs/accuracy.md "Laws over the held-out shape rows")
    **_layouts("inference-v5.1", "Llama3_1_405B", _S,
               _V51.format("GB200-NVL72_GB200-186GB_aarch64x72", "Server", "llama3_1-405b"), GB200=(4, 1, 2048)),
    **_layouts("inference-v5.1", "Llama3_1_405B", _I,
               _V51.format("B200-SXM-180GBx8", "Interactive", "llama3_1-405b"), B200=(4, 1, 1536)),
    **_layouts("inference-v5.1", "Llama3_1_405B", _I,
               _V51.format("GB200-NVL72_GB200-186GB_aarch64x72", "Interactive", "llama3_1-405b"),
               GB200=(4, 1, 1024)),
    **_layouts("inference-v5.1", "Llama3_1_405B", ("offline",),
               _V51.format("GB300-NVL72_GB300-288GB_aarch64x72_TRT", "Offline", "llama3_1-405b"),
               GB300=(2, 1, 1536)),
    **_layouts("inference-v5.1", "Llama3_1_405B", _S,
               _V51.format("GB300-NVL72_GB300-288GB_aarch64x72_TRT", "Server", "llama3_1-405b"),
               GB300=(2, 1, 1536)),
    # MLPerf Inference v6.0, NVIDIA's Offline engines: an x8 / x72 result is copies of one engine of a smaller
    # ("atomic") system config behind the endpoint harness (scaleout/REPRODUCE.md: 405B B300x2 x 4, GB200 x4 x 18,
    # GB300 x2 x 36; Llama 2 70B and gpt-oss-120b x1 copies); B200 (no NVIDIA v6.0 Offline LLM result; the partners'
    # runs take NVIDIA's B200-SXM-180GBx8 configs) its own configs
    **_layouts("inference-v6.0", "Llama3_1_405B", ("offline",), _V60_ATOMIC.format("B300-SXM-270GBx2", "llama3_1-405b"),
               B300=(2, 1, 1536)),
    **_layouts("inference-v6.0", "Llama3_1_405B", ("offline",),
               _V60_ATOMIC.format("GB300-NVL72_GB300-288GB_aarch64x2", "llama3_1-405b"), GB300=(2, 1, 1536)),
    **_layouts("inference-v6.0", "Llama3_1_405B", ("offline",),
               _V60_ATOMIC.format("GB200-NVL72_GB200-186GB_aarch64x4", "llama3_1-405b"), GB200=(1, 4, 512)),
    **_layouts("inference-v6.0", "Llama3_1_405B", ("offline",), _V60_ATOMIC.format("B200-SXM-180GBx8", "llama3_1-405b"),
               B200=(2, 2, 1536)),
    # v6.0 B200 Server (no NVIDIA result; Google's DGX B200 runs NVIDIA's config, its own copy alike): tp 4 pp 1 at
    # 2,048 tokens, as v5.1's. Without it the search ran the engine unbudgeted and Server served 7.6% above Offline
    # (tests/test_heldout_laws.py, docs/accuracy.md "Laws over the held-out shape rows")
    **_layouts("inference-v6.0", "Llama3_1_405B", _S,
               _GH + "gbeezybez/inference_results_v6.0/blob/232fbf90/closed/NVIDIA/configs/B200-SXM-180GBx8/Server/"
               "llama3_1-405b.py and closed/Google/configs/B200-SXM-180GBx8/Server/llama3_1-405b.py (fork of "
               "mlcommons/inference_results_v6.0), read 2026-12-06", B200=(4, 1, 2048)),
    **_layouts("inference-v6.0", "Llama2_70B", ("offline",), _V60_ATOMIC.format("B300-SXM-270GBx1", "llama2-70b"),
               B300=(1, 1, 4608)),
    **_layouts("inference-v6.0", "Llama2_70B", ("offline",),
               _V60_ATOMIC.format("GB300-NVL72_GB300-288GB_aarch64x1", "llama2-70b"), GB300=(1, 1, 4608)),
    **_layouts("inference-v6.0", "Llama2_70B", ("offline",),
               _V60_ATOMIC.format("GB200-NVL72_GB200-186GB_aarch64x1", "llama2-70b"), GB200=(1, 1, 3584)),
    **_layouts("inference-v6.0", "Llama2_70B", ("offline",), _V60_ATOMIC.format("B200-SXM-180GBx8", "llama2-70b"),
               B200=(1, 1, 3584)),
    **_layouts("inference-v6.0", "GPT_OSS_120B", ("offline",), _V60_ATOMIC.format("B300-SXM-270GBx8", "gpt-oss-120b"),
               B300=(1, 1, 13914)),
    **_layouts("inference-v6.0", "GPT_OSS_120B", ("offline",),
               _V60_ATOMIC.format("GB300-NVL72_GB300-288GB_aarch64x1", "gpt-oss-120b"), GB300=(1, 1, 13914)),
    **_layouts("inference-v6.0", "GPT_OSS_120B", ("offline",),
               _V60_ATOMIC.format("GB200-NVL72_GB200-186GB_aarch64x1", "gpt-oss-120b"), GB200=(1, 1, 13914)),
    **_layouts("inference-v6.0", "GPT_OSS_120B", ("offline",), _V60_ATOMIC.format("B200-SXM-180GBx8", "gpt-oss-120b"),
               B200=(1, 1, 2048)),
    **_layouts("inference-v6.0", "Llama3_1_8B", ("offline",), _V60_ATOMIC.format("B200-SXM-180GBx8", "llama3_1-8b"),
               B200=(1, 1, 12000)),
    # MLPerf Inference v5.1, AMD's vLLM harness (`tensor_parallel_size` 1 in every Llama 2 70B config, one engine a GPU,
    # `device_count` 8; the partners' MI300X / MI325X systems taken to run it [U]). No budget: the configs'
    # `max_num_batched_tokens` (40,960-65,536; Interactive MI325X 43,008 with chunked prefill, the rest whole prompts)
    # exceed every step the model plans (docs/accuracy.md "AMD Instinct as AMD ran it (s12-amd)")
    **{("inference-v5.1", "Llama2_70B", scenario, chip): Layout(1, 1, 0.0, _V51_AMD.format(scenario, chip.lower()))
       for chip in ("MI300X", "MI325X") for scenario in _ALL_SCENARIOS},
    **{("inference-v5.1", "Llama2_70B", scenario, "MI355X"): Layout(1, 1, 0.0, _V51_AMD.format(scenario, "mi355x"))
       for scenario in _OS},
}
# a partner's own config where it names another layout than NVIDIA's for its system, or where NVIDIA has none
# (round, model, scenario, "submitter/result directory" of the row's source)
LAYOUT_SYSTEMS = {
    # Cisco's C885A M8 8x H100 SXM Llama 2 70B Server: class C885A_H100_SXMx8_TP2x4 ("TP2"); its Offline is PP2
    ("inference-v5.0", "Llama2_70B", "server", "Cisco/C885A_H100_SXMx8_TRT"):
        Layout(2, 1, 0.0, _V50_PARTNER.format("Cisco", "llama2-70b/Server", "__init__.py")),
    # Cisco's C245 M8 2x H100 NVL: two one-card engines (docs/accuracy.md "Add-in cards")
    ("inference-v5.0", "Llama2_70B", "server", "Cisco/C245M8_H100NVL_94GBx2_TRT"):
        Layout(1, 1, 0.0, _V50_PARTNER.format("Cisco", "llama2-70b/Server", "custom.py")),
    # Dell's XE7745: 8x L40S tp 2 (four engines), 8x H200 NVL the Hopper base (tp 1, 1,536 tokens; Interactive 256)
    **{("inference-v5.0", "Llama2_70B", s, "Dell/XE7745_L40Sx8_TRT"):
       Layout(2, 1, 0.0, _V50_PARTNER.format("Dell", f"llama2-70b/{s.capitalize()}", "custom.py")) for s in _OS},
    ("inference-v5.0", "Llama2_70B", "server", "Dell/XE7745_H200_NVL_141GBx8_TRT"):
        Layout(1, 1, 1536.0, _V50_PARTNER.format("Dell", "llama2-70b/Server", "custom.py")),
    ("inference-v5.0", "Llama2_70B", "interactive", "Dell/XE7745_H200_NVL_141GBx8_TRT"):
        Layout(1, 1, 256.0, _V50_PARTNER.format("Dell", "llama2-70b-interactive/Server", "custom.py")),
    # Llama 3.1 405B on 8x H100 SXM (NVIDIA submitted none): Dell's XE9680 Offline TP8PP1, Server TP4PP2 at 2,560
    # tokens; Quanta's D74H-7U TP8PP1 in both (Server 2,560)
    ("inference-v5.0", "Llama3_1_405B", "offline", "Dell/XE9680_H100_SXM_80GBx8_TRT"):
        Layout(8, 1, 0.0, _V50_PARTNER.format("Dell", "llama3_1-405b/Offline", "custom.py")),
    ("inference-v5.0", "Llama3_1_405B", "server", "Dell/XE9680_H100_SXM_80GBx8_TRT"):
        Layout(4, 2, 2560.0, _V50_PARTNER.format("Dell", "llama3_1-405b/Server", "custom.py")),
    ("inference-v5.0", "Llama3_1_405B", "offline", "Quanta_Cloud_Technology/D74U_7U_H100_SXM_80GBx8_TRT"):
        Layout(8, 1, 0.0, _V50_PARTNER.format("Quanta_Cloud_Technology", "llama3_1-405b/Offline", "__init__.py")),
    ("inference-v5.0", "Llama3_1_405B", "server", "Quanta_Cloud_Technology/D74U_7U_H100_SXM_80GBx8_TRT"):
        Layout(8, 1, 2560.0, _V50_PARTNER.format("Quanta_Cloud_Technology", "llama3_1-405b/Server", "__init__.py")),
    # MLPerf Inference v4.1: Fujitsu's CDI 8x L40S tp 4 (two engines); ASUSTeK's 4x H100 NVL and 8x H100 PCIe tp 2
    **{("inference-v4.1", "Llama2_70B", s, "Fujitsu/CDI_L40Sx8_TRT"):
       Layout(4, 1, 0.0, _V41_PARTNER.format("Fujitsu", "llama2-70b", s.capitalize())) for s in _OS},
    **{("inference-v4.1", "Llama2_70B", s, "ASUSTeK/ESC8000A_E12_H100x8_TRT"):
       Layout(2, 1, 0.0, _V41_PARTNER.format("ASUSTeK", "llama2-70b", s.capitalize())) for s in _OS},
    # Lenovo's SR675 V3 8x H100 NVL Server: eight one-card engines (class SR675_V3_8XH100_NVL `tensor_parallelism = 1`,
    # batch 640, 45 qps; closed/Lenovo/configs/llama2-70b/Server/__init__.py), where NVIDIA's H100 NVL classes run
    # bridged pairs (tp 2). Its Offline class is tp 1 too (batch 1,300), left out: at tp 1 the model's KV room on
    # 94 GB (258 rows of the mean context) cannot hold the batch the run's 15,876 tok/s needs (Offline -13.3% ->
    # -31.5%; the usable memory is the open [U] of "Engine limits as data")
    ("inference-v4.1", "Llama2_70B", "server", "Lenovo/SR675_V3_8xH100_NVL_TRT"):
        Layout(1, 1, 0.0, _V41_PARTNER.replace("custom.py", "__init__.py").format("Lenovo", "llama2-70b", "Server")),
}
# whether validate's inference rows get the layout of LAYOUTS / LAYOUT_SYSTEMS (`tp`, `pp` fixed in the workload,
# with the entry's engine budget as `max_num_tokens` per rank) in place of the search's, and in which scenarios:
# Offline only. Server and Interactive at the submitters' layouts were measured and are NOT applied: Interactive
# 0.8% -> 24.0% (H200 at its tp 1 engine is held by the model's TTFT p99 at 60 rows where 83 ran), TTFT p99 13.3% ->
# 15.5% (docs/accuracy.md "Submitters' layouts as data"): MECHANISMS "layouts"
# the rounds whose rows take the entry's engine budget with the layout (v4.1's whole-prompt budgets stay
# WHOLE_PROMPT_BUDGETS; Server and Interactive rows of v5.0 otherwise take Serving.budgets)
LAYOUT_BUDGET_ROUNDS = ("inference-v5.0", "inference-v5.1", "inference-v6.0")

# The engine budget (`max_num_tokens` of the whole TensorRT-LLM engine) where the engines of a v5.0 Server or
# Interactive row did not run the generation's value of Serving.budgets ("Engine budgets" in the module docstring;
# docs/accuracy.md "Engine budgets: the add-in cards and the partners' own"): (engine tokens, the engine's tp), given
# to the row per rank, tokens / tp (the model's convention). By chip, the add-in cards, whose configs set no
# `max_num_tokens` and so run the parent GPUBaseConfig's 2,048 a forward pass (closed/Dell/configs/llama2-70b/
# __init__.py, runtime flags `max_num_tokens` 2048; NVIDIA's H100_NVL_94GB_TP2x1 Server config sets tp 2 and no budget:
# closed/Cisco/configs/llama2-70b/Server/__init__.py; Quanta's D54U H100 PCIe tp 2, closed/Quanta_Cloud_Technology/
# configs/llama2-70b/Server/__init__.py; Dell's XE7745 and HPE's DL380a L40S tp 2, closed/{Dell,HPE}/configs/
# llama2-70b/Server/custom.py) [P]; Fujitsu's 8x H100 NVL Llama 2 70B Interactive engine, tp 2 at 256 tokens
# (closed/Fujitsu/configs/llama2-70b-interactive/Server/custom.py) [P]; NVIDIA's Mixtral 8x7B Server classes for H100
# SXM and H200-CTS, and Lenovo's SR650a V4 H100 NVL, set none and run the Mixtral parent's `16 * 1024` (build and
# runtime; closed/Google/configs/mixtral-8x7b/__init__.py, NVIDIA's copy; the classes in closed/Oracle/configs/
# mixtral-8x7b/Server/__init__.py and closed/Lenovo/configs/mixtral-8x7b/Server/custom.py), as does Quanta's D54U H100
# PCIe (tp 1, closed/Quanta_Cloud_Technology/configs/mixtral-8x7b/Server/__init__.py); both GH200 96 GB Mixtral engines,
# Quanta's S74G and Supermicro's ARS-111GL-NHR, set runtime `9 * 1024` (the same file; closed/Supermicro/configs/
# mixtral-8x7b/Server/custom.py) where the generation's value is 8,192 [P]; every path here in
# https://github.com/ntuhpc/mlperf_inference_results_v5.0/tree/cf354115 (a fork of mlcommons/inference_results_v5.0),
# read 2026-12-05
ENGINE_BUDGETS = {
    **{("inference-v5.0", "Llama2_70B", "server", chip): (2048.0, 2.0) for chip in ("H100_NVL", "H100_PCIe", "L40S")},
    ("inference-v5.0", "Llama2_70B", "interactive", "H100_NVL"): (256.0, 2.0),
    **{("inference-v5.0", "Mixtral_8x7B", "server", chip): (16384.0, 1.0)
       for chip in ("H100_SXM", "H100_NVL", "H100_PCIe", "H200_CTS")},
    ("inference-v5.0", "Mixtral_8x7B", "server", "GH200_96GB"): (9216.0, 1.0),
}
# The KV cache of the engines whose configs quantize none (MECHANISMS "engine_kv_precision"; applied in session 16):
# NVIDIA's v5.0 harness passes a config's `trtllm_checkpoint_flags` to TensorRT-LLM's examples/quantization/quantize.py
# as `--key=value` (code/common/llm TRTLLMQuantizerOp.get_cli_flags, a later-round copy of the harness [P]), whose
# `--kv_cache_dtype` defaults to None: no KV quantization, the KV in the checkpoint's 16-bit dtype
# (github.com/NVIDIA/TensorRT-LLM examples/quantization/quantize.py, read 2026-12-06 [P]). The Hopper and Blackwell
# base classes set `{'kv_cache_dtype': 'fp8'}` (HopperServerGPUBaseConfig, BlackwellServerGPUBaseConfig:
# closed/Cisco/configs/llama2-70b/Server/__init__.py); the L40S classes derive from the plain ServerGPUBaseConfig /
# OfflineGPUBaseConfig and set none: Dell's XE7745_L40SX8 (closed/Dell/configs/llama2-70b/{Server,Offline}/custom.py)
# and HPE's HPE_PROLIANT_DL380A_L40S_PCIE_48GBX8 Server (closed/HPE/configs/llama2-70b/Server/custom.py; its 8-card
# Offline class is not in the copy: left out); ntuhpc/mlperf_inference_results_v5.0@cf354115, read 2026-12-06 [P].
# "bf16" is the model's 16-bit KV choice (2 bytes a value, as fp16). By (round, model, scenario, result directory).
KV16_ENGINES = {
    **{("inference-v5.0", "Llama2_70B", s, "Dell/XE7745_L40Sx8_TRT"): "bf16" for s in ("server", "offline")},
    ("inference-v5.0", "Llama2_70B", "server", "HPE/HPE_ProLiant_DL380a_L40S_PCIe_48GBx8_TRT_9.0"): "bf16",
}
# ... and by a partner's own config, keyed by its result directory (as LAYOUT_SYSTEMS): the Mixtral 8x7B Server engines
# (tp 1) whose runtime flags set another budget than NVIDIA's H200 8,192: Lenovo's SR675 V3 4x H200 SXM 16,384 (class
# SR675V3_H200_SXMX4, closed/Lenovo/configs/mixtral-8x7b/Server/custom.py), Supermicro's AS-4125GS-TNHR2-LCC and
# SYS-821GE-TNHR 8x H200 SXM 16,384 (closed/Supermicro/configs/mixtral-8x7b/Server/custom.py) [P]
_MX_OWN = {"Lenovo/SR675v3_H200_SXMx4_TRT": 16384.0, "Supermicro/AS_4125GS_TNHR2_LCC_H200_SXM_141GBX8_TRT": 16384.0,
           "Supermicro/SYS_821GE_TNHR_H200_SXM_141GBX8_TRT": 16384.0}
# HPE's Cray XD670 8x H100 SXM Llama 2 70B Interactive engine: NVIDIA's H200 Interactive class (256 tokens) at tp 2
# (class HPE_CRAY_XD670_H100_SXM_80GBX8(H200_SXM_141GBx8), `tensor_parallelism` 2: closed/HPE/configs/
# llama2-70b-interactive/Server/custom.py; both of HPE's XD670 H100 result directories) [P]
SUBMISSION_BUDGETS = {**{("inference-v5.0", "Mixtral_8x7B", "server", system): (tokens, 1.0)
                         for system, tokens in _MX_OWN.items()},
                      **{("inference-v5.0", "Llama2_70B", "interactive", f"HPE/{system}"): (256.0, 2.0)
                         for system in ("HPE_Cray_XD670_H100_SXM_80GBx8_TRT",
                                        "HPE_Cray_XD670_H100_SXM_80GBx8_HPE_VAST_TRT")}}


@dataclass(frozen=True)
class Disaggregation:
    """A disaggregated submission ("Disaggregated runs" in the module docstring): its prefill (context) workers and
    the chips of each, its decode (generation) workers, a decode rank's tensor parallelism and the attention
    data-parallel ranks of a decode worker (1: none; TensorRT-LLM `enable_attention_dp` with tensor_parallel_size
    = ranks x tp and moe_expert_parallel_size = ranks x tp), and where it is written."""

    prefill_workers: int
    prefill_chips_each: int
    decode_workers: int
    decode_tp: int
    decode_ranks: int
    source: str

    @property
    def prefill_chips(self) -> int:
        return self.prefill_workers * self.prefill_chips_each

    @property
    def decode_chips(self) -> int:
        return self.decode_workers * self.decode_tp * self.decode_ranks


_V60 = (_GH + "gbeezybez/inference_results_v6.0/blob/232fbf90/closed/NVIDIA/configs/{0} (fork of "
        "mlcommons/inference_results_v6.0; the variant run: the result's user.conf target_qps and "
        "closed/NVIDIA/scripts/slurm_llm/dynamo_disagg/REPRODUCE.md), read 2026-12-05")
_V51_OPEN = (_GH + "mlcommons/inference_results_v5.1/blob/965182b0/open/NVIDIA/configs/"
             "GB200-NVL72_GB200-186GB_aarch64x72_Dynamo/Interactive/llama3_1-405b.py and closed/NVIDIA/scripts/"
             "slurm_llm/dynamo/trtllm/llama3_1-405b/disagg/{README.md,disagg_18node.sbatch} (NUM_PREFILL_WORKERS 14, "
             "NUM_DECODE_WORKERS 4, tensor_parallel_size 4 both), read 2026-12-05")
_GB200_72, _GB300_72 = "GB200-NVL72_GB200-186GB_aarch64x72", "GB300-NVL72_GB300-288GB_aarch64x72"
_L2_DISAGG = (_GH + "gbeezybez/inference_results_v6.0/blob/232fbf90/closed/NVIDIA/scaleout/REPRODUCE.md "
              "(\"Server (disaggregated ...)\", \"Interactive (disaggregated ...)\": --ctx-num-servers 28 "
              "--gen-num-servers 44) and "
              "closed/NVIDIA/scripts/slurm_llm/disagg_trtllm_llama2_70b/llama2_70b_disagg.sh (fork of "
              "mlcommons/inference_results_v6.0), read 2026-12-05")


def _v60_disagg(directory: str, system: str, model: str, benchmark: str, scenarios: tuple, workers: tuple,
                prefill: str, decode: str) -> dict:
    """DISAGGREGATED entries of one NVIDIA v6.0 x72 config: workers = (prefill workers, chips each, decode
    workers, decode tp, decode ranks); prefill / decode the worker engine configs (<system dir>/<Scenario>/...)."""
    out = {}
    for scenario in scenarios:
        where = (f"{system}/{scenario.capitalize()}/{benchmark}.py; workers: {prefill.format(scenario.capitalize())}"
                 f", {decode.format(scenario.capitalize())}")
        out[("inference-v6.0", model, scenario, f"closed/NVIDIA/{directory}")] = Disaggregation(
            *workers, _V60.format(where))
    return out


# (round, model, scenario, "division/submitter/result directory") -> the run's pools [P]
DISAGGREGATED = {
    # v5.1 open: 14 context workers tp 4 + 4 generation workers tp 4 = 56 + 16 (its closed twin ran aggregated)
    ("inference-v5.1", "Llama3_1_405B", "interactive", "open/NVIDIA/GB200-NVL72_GB200-186GB_aarch64x72_Dynamo"):
        Disaggregation(14, 4, 4, 4, 1, _V51_OPEN),
    # v6.0 gpt-oss-120b Interactive: context workers tp 1; generation workers tensor_parallel_size 4 with
    # enable_attention_dp and moe_expert_parallel_size 4 (4 ranks of tp 1): GB200 24 + 12 x 4, GB300 20 + 13 x 4
    **_v60_disagg(_GB200_72 + "_TRT", _GB200_72, "GPT_OSS_120B", "gpt-oss-120b", ("interactive",), (24, 1, 12, 1, 4),
                  "GB200-NVL72_GB200-186GB_aarch64x1/{}/disagg_prefill/gpt-oss-120b.yml",
                  "GB200-NVL72_GB200-186GB_aarch64x4/{}/disagg_decode/gpt-oss-120b.yml"),
    **_v60_disagg(_GB300_72 + "_TRT", _GB300_72, "GPT_OSS_120B", "gpt-oss-120b", ("interactive",), (20, 1, 13, 1, 4),
                  "GB300-NVL72_GB300-288GB_aarch64x1/{}/disagg_prefill/gpt-oss-120b.yml",
                  "GB300-NVL72_GB300-288GB_aarch64x4/{}/disagg_decode/gpt-oss-120b.yml"),
    # v6.0 DeepSeek-R1 Interactive (its EXPORTS is the dynamo endpoint): context workers DEP4 (GB200) / DEP2
    # (GB300), generation workers DEP16 (tensor_parallel_size 16, enable_attention_dp, moe_expert_parallel_size 16;
    # MTP 3, as SERVING's drafts): GB200 2 x 4 + 4 x 16, GB300 4 x 2 + 4 x 16
    **_v60_disagg(_GB200_72 + "_TRT", _GB200_72, "DeepSeek_R1", "deepseek-r1", ("interactive",), (2, 4, 4, 1, 16),
                  "GB200-NVL72_GB200-186GB_aarch64x4/{}/disagg_prefill/deepseek-r1.yml",
                  "GB200-NVL72_GB200-186GB_aarch64x16/{}/disagg_decode/deepseek-r1.yml"),
    **_v60_disagg(_GB300_72 + "_TRT", _GB300_72, "DeepSeek_R1", "deepseek-r1", ("interactive",), (4, 2, 4, 1, 16),
                  "GB300-NVL72_GB300-288GB_aarch64x2/{}/disagg_prefill/deepseek-r1.yml",
                  "GB300-NVL72_GB300-288GB_aarch64x16/{}/disagg_decode/deepseek-r1.yml"),
    # v6.0 Llama 3.1 405B Server and Interactive (user.conf target_qps: the dynamo_cluster variant's 22.4 / 22.2 on
    # GB200, 29.4 / 29.3 on GB300): context workers tp 4 (GB200) / tp 2 (GB300), generation workers tp 8 / tp 4:
    # GB200 14 x 4 + 2 x 8, GB300 26 x 2 + 5 x 4
    **_v60_disagg(_GB200_72 + "_TRT", _GB200_72, "Llama3_1_405B", "llama3_1-405b", ("server", "interactive"),
                  (14, 4, 2, 8, 1), "GB200-NVL72_GB200-186GB_aarch64x4/{}/disagg_prefill/llama3_1-405b.yaml",
                  "GB200-NVL72_GB200-186GB_aarch64x8/{}/disagg_decode/llama3_1-405b.yaml"),
    **_v60_disagg(_GB300_72 + "_TRT", _GB300_72, "Llama3_1_405B", "llama3_1-405b", ("server", "interactive"),
                  (26, 2, 5, 4, 1), "GB300-NVL72_GB300-288GB_aarch64x2/{}/disagg_prefill/llama3_1-405b.yaml",
                  "GB300-NVL72_GB300-288GB_aarch64x4/{}/disagg_decode/llama3_1-405b.yaml"),
    # v6.0 Llama 2 70B Server and Interactive on GB200 and GB300 x72: 28 context servers + 44 generation servers, tp 1
    # each (llama2_70b_disagg.sh's default --ctx-tp-size / --gen-tp-size 1; the results' user.conf target_qps 3,000 /
    # 2,790 on GB200, 3,200 / 3,000 on GB300 are the commands' --target-qps)
    **{("inference-v6.0", "Llama2_70B", scenario, f"closed/NVIDIA/{system}_TRT"):
       Disaggregation(28, 1, 44, 1, 1, _L2_DISAGG)
       for scenario in ("server", "interactive") for system in (_GB200_72, _GB300_72)},
}


# The mechanisms built and measured on this file that a row takes only where they are applied: one table, each
# name with the scenarios where validate applies it (`applied`; empty: measured, not applied; docs/accuracy.md has
# each one's numbers) and the scenarios it concerns (`concerns`). `validate --with NAME` applies one in every
# scenario it concerns and `--without NAME` in none, so each "measured, not applied" figure of docs/accuracy.md is
# one command (`run`'s `mechanisms`: name -> the scenarios where it applies; MECHANISMS is the default). Each entry
# also says what it is (`what`, one line) and where it was measured (`section`: the start of the docs/accuracy.md
# heading); docs/mechanisms.md is generated from the table (`python3 -m compiler.validate_docs mechanisms`).
class Mechanism(NamedTuple):
    applied: tuple[str, ...]
    concerns: tuple[str, ...]
    what: str = ""           # one line: what the mechanism does to a row
    section: str = ""        # the docs/accuracy.md section that measured it: the start of its `## ` heading


_ALL, _LIVE = ("offline", "server", "interactive"), ("server", "interactive")
MECHANISM_TABLE = {
    "layouts": Mechanism(("offline",), _ALL, "the submitters' engine layouts (LAYOUTS, LAYOUT_SYSTEMS), budgets",
                         "Submitters' layouts as data"),
    "serial_context_chunks": Mechanism(_LIVE, _LIVE, "v5.0 NVIDIA-harness rows: one chunk a micro-batch a cycle",
                                       "Llama 3.1 405B Server on Blackwell at NVIDIA's layout: serial context chunks"),
    "engine_limits": Mechanism((), _ALL, "NVIDIA's engines' batch caps and KV fractions (ENGINE_BATCH, KV_FRACTIONS)",
                               "Engine limits as data"),
    "kv_room": Mechanism((), ("server",), "Server rows: the wait for KV room (`kv_room_wait`, OUTPUT_CVS)",
                         "KV room in Server"),
    "kv_cap": Mechanism((), ("server",), "the rows capped at the KV pool, the excess waiting M/G/c for a slot",
                        "A hard cap on rows in flight"),
    "engine_kv_wait": Mechanism((), ("server",), "Server rows whose harness does not pool its engines' KV rows: the Erlang-C wait for the engine's own rows (`kv_room_wait`)",
                                "The Mixtral H100 tail as a wait for an engine's own KV rows"),
    "output_spread": Mechanism((), ("server",), "Server rows: the p99 TPOT over requests of their own lengths (OUTPUT_CVS)",
                               "DeepSeek-R1 Server against Offline: the Server-only terms, one by one"),
    "swiglu_kernel": Mechanism((), _ALL, "the separate SiLU-and-multiply kernel where the engine runs one",
                               "Hopper Llama 2 70B, v4.1 against v5.0"),
    "fp4_quantize": Mechanism((), _ALL, "NVFP4 rows: the activation quantize (and SwiGLU) kernels beside the GEMMs",
                              "FP4 activation quantization on Blackwell"),
    "disaggregated": Mechanism(_LIVE, _LIVE, "the disaggregated submissions' pools (DISAGGREGATED)",
                               "Disaggregated runs planned as they ran"),
    "long_prompt_layouts": Mechanism(_LIVE, _LIVE, "the layout where a mean prompt exceeds its engine's budget",
                                     "Llama 3.1 405B Server on Blackwell: the layout, the chunks, the operating point"),
    "engine_budgets": Mechanism(_LIVE, _LIVE, "v5.0 engines' own budgets (ENGINE_BUDGETS, SUBMISSION_BUDGETS)",
                                "Engine budgets: the add-in cards and the partners' own"),
    "own_prompt_spread": Mechanism(_LIVE, _LIVE, "the own prompt at its spread in the prompt queue's quantile",
                                   "Llama 3.1 405B Server on Blackwell: the layout, the chunks, the operating point"),
    "prompt_busy_window": Mechanism(_LIVE, _LIVE, "a request's TPOT mean and p99 from the prompt queue's busy period over its decode steps (`prompt_busy_window`, OUTPUT_CVS)",
                                    "The per-request TPOT as a busy period of the prompt queue"),
    "prompt_busy_window_all": Mechanism((), _LIVE, "prompt_busy_window on every row, short prompts too (`prompt_busy_window` 2)",
                                        "The per-request TPOT as a busy period of the prompt queue"),
    "row_count_elasticity": Mechanism((), _LIVE, "the rows in flight as a birth-death count whose departures slow with the batch",
                                      "TPOT mean by mechanism"),
    "dispatch_held_rows": Mechanism((), _LIVE, "the birth-death rows an engine keeps under the harness's dispatch (DISPATCH_WAITS)",
                                    "The rows in flight under the harness's dispatch"),
    "budget_held_rows": Mechanism((), _LIVE, "the birth-death rows held by the token budget where it binds (`row_budget_hold`)",
                                  "The rows in flight under the harness's dispatch"),
    "run_ramp": Mechanism((), _LIVE, "a capacity point a 600-s run from an empty engine reaches (RUN_RAMP_DEFICIT)",
                          "The operating point a run from empty reaches"),
    "batch_refinement": Mechanism((), _LIVE, "the capacity point's batch between the grid's batches (BATCH_REFINEMENT)",
                                  "Batch refinement beside the solved batch"),
    "knee_power": Mechanism(_ALL, _ALL, "the add-in cards' GEMM knee draws no compute power (KNEE_POWER_CHIPS)",
                            "The add-in cards' decode step"),
    "knee_power_all": Mechanism((), _ALL, "the GEMM knee draws no compute power on every chip (`gemm_knee_power` 0)",
                                "The add-in cards' decode step"),
    "knee_power_hopper": Mechanism((), _ALL, "the GEMM knee draws no compute power on the GH100 SXM-class chips (KNEE_POWER_HOPPER_CHIPS)",
                                   "The tp 1 step's clock: the GEMM knee's draw on Hopper SXM"),
    "clock_draw": Mechanism((), _ALL, "the clock law's activity as the draw's (KNEE_POWER_HOPPER_CHIPS)",
                            "The knee's draw from public measurements"),
    "step_draw": Mechanism((), _ALL, "every chip: the step's clock at its energy a FLOP done and a byte moved (knee 0, clock_draw_activity 1)",
                           "The draw of a memory-bound step"),
    "power_limit_window": Mechanism((), _LIVE, "a serving replica's clock set by its step mixture's mean draw",
                                    "The attention's draw in an FP4 step and the power limit over a window of steps"),
    "fp4_knee_power": Mechanism((), _ALL, "the GEMM knee at the chip's own dynamic power, not the FP4 MACs' (Ultra)",
                                "The bigger chip's clock"),
    "knee_under_weights": Mechanism((), _ALL, "the GEMM knee's time under the weight read draws no compute power (`knee_under_weights` 1)",
                                    "The FP4 knee under the weight read, re-measured"),
    "converged_voltage_floor": Mechanism((), _ALL, "the voltage floor refit by its own rule on the converged clock, with its first-token pair (CONVERGED_VOLTAGE_FLOOR, CONVERGED_FIRST_TOKEN_PAIR)",
                                         "The voltage floor refit, ported opt-in"),
    "hbm3e_memory_power": Mechanism((), _ALL, "HBM3e's memory power at the H100's energy a bit, not its TDP share (HBM3E_MEMORY_POWER)",
                                    "The H200's power parameters against public data"),
    "one_die_power": Mechanism((), _ALL, "a chip with a die twin (GB200: B200; H200 NVL, H200-CTS: H200 SXM) at its twin's power fit and per-clock rate, run to its own top clock under its own cap (`one_die_power`)",
                               "One die under two power caps"),
    "capacity_margin": Mechanism(_LIVE, _LIVE, "the add-in cards' capacity point 5% below the most (KNEE_POWER_CHIPS)",
                                 "The add-in cards' operating point"),
    "nvl_margin": Mechanism((), _LIVE, "the add-in cards' capacity margin on the H200 NVL's partner runs (MARGIN_ONLY_CHIPS)",
                            "The H200 NVL's prompt queue and the PCIe cards' operating point"),
    "target_share": Mechanism((), _LIVE, "latencies at the run's target / the top target of its system (TARGET_QPS_FILE)",
                              "The H200 NVL's prompt queue and the PCIe cards' operating point"),
    "gemm_launch": Mechanism((), _ALL, "the dense GEMMs' knee as a fixed time a launch (GEMM_LAUNCH_TIME)",
                             "The GEMM time as a per-launch roofline"),
    "gemm_roofline_hopper": Mechanism((), _ALL, "gemm_roofline on the GH100 chips its constants were measured on (GEMM_ROOFLINE_FAMILIES)",
                                      "NVIDIA's Interactive engines taken apart"),
    "gemm_roofline": Mechanism((), _ALL, "the step GEMMs' roofline on both legs (GEMM_ROOFLINE_LAUNCH, GEMM_WEIGHT_EFFICIENCY)",
                               "The step GEMM as a two-legged roofline"),
    "gemm_smooth_hopper": Mechanism((), _ALL, "the GH100 step's dense GEMMs as one smooth law of its rows, (t_c^p + t_w^p)^(1/p) (GEMM_SMOOTH_POWER, GEMM_ROOFLINE_FAMILIES)",
                                    "One smooth GEMM law of the step's rows"),
    "gemm_smooth_read_hopper": Mechanism(_ALL, _ALL, "gemm_smooth_hopper with its weight leg at the fp8 GEMMs' read, GEMM_WEIGHT_EFFICIENCY, no launch time (the launches overlapped [U])",
                                         "One smooth GEMM law of the step's rows"),
    "pipeline_host_overlap": Mechanism((), _ALL, "pp > 1: a micro-batch's own host work only on its pass",
                                       "Pipeline micro-batches and the host's work"),
    "pipeline_overhead_split": Mechanism((), _ALL, "pp > 1: seq_overhead's host share serial, device rest / pp",
                                         "The pipeline step's overheads: host work and device work"),
    "continuous_capacity": Mechanism(_LIVE, _LIVE, "the batch solved to f x the binding limit, f the scenario's runs' "
                                     "median (OPERATING_FRACTION, OPERATING_FRACTION_INTERACTIVE)",
                                     "The capacity point's margin from the data"),
    "whole_prompt_capacity": Mechanism(_LIVE, _LIVE, "the batch solved to f x the binding limit on the engines that admit prompts whole (no chunked context)",
                                       "Whole-prompt engines' capacity point"),
    "expert_gemm_tiles": Mechanism(_ALL, _ALL, "TRTLLM-Gen MoE tiles (EXPERT_GEMM_TILES)",
                                   "The MoE decode step at attention DP + EP"),
    "capacity_at_own_rate": Mechanism(_LIVE, _LIVE, "the capacity point at its rows' own rate (the model's default)",
                                      "Where the capacity point sits on its TTFT limit"),
    "pytorch_executor": Mechanism(_ALL, _ALL, "the PyTorch executor's exposed host time a row (PYTORCH_EXECUTOR)",
                                  "The PyTorch executor's exposed host time"),
    "offline_budget": Mechanism((), ("offline",), "an Offline engine's decode rows held to its token budget",
                                "Llama 3.1 405B on Blackwell racks"),
    "amd_tuned_gemms": Mechanism(_ALL, _ALL, "the AMD engines that load AMD's tuned hipBLASLt: its knee (TUNED_GEMM_CONFIGS)",
                                 "AMD Instinct as AMD ran it"),
    "cdna3_gemm_knee": Mechanism((), _ALL, "every CDNA3 row: the GEMM knee of AMD's tuned hipBLASLt (CDNA3_GEMM_HALF_ROWS)",
                                 "AMD Instinct as AMD ran it"),
    "cdna3_token_split": Mechanism((), _ALL, "CDNA3 rows: AMD's measured GEMM rate + a fitted per-token term (CDNA3_SPLIT_*)",
                                   "CDNA3's factor split"),
    "cdna3_engine_split": Mechanism((), _ALL, "CDNA3 rows: AMD's measured GEMM rate + a fitted per-token term by engine (CDNA3_ENGINE_TOKEN_TIME)",
                                    "AMD's engines, one per-token term each"),
    "allreduce_kernels": Mechanism(_ALL, _ALL, "the TP all-reduce by message size: TensorRT-LLM's one-/two-shot or NCCL",
                                   "The tensor-parallel all-reduce by message size and kernel"),
    "no_twoshot": Mechanism((), _ALL, "NCCL in place of the two-shot kernel (`allreduce_twoshot` 0), as the stored plugin",
                            "NCCL where the GPUs have no NVLink"),
    "blackwell_token_split": Mechanism((), _ALL, "Blackwell FP4 rows: cuBLASLt's measured GEMM rate + a fitted per-token term",
                                       "Blackwell Ultra's FP4 kernels in MLPerf v5.1, and Blackwell FP4's factor split"),
    "ada_token_split": Mechanism((), _ALL, "Ada FP8 rows: the L40S's measured FP8 GEMM rate and knee + a fitted per-token term",
                                 "The L40S and MI325X serving steps against sourced physics"),
    "harness_dispatch": Mechanism((), _LIVE, "the harness's dispatch (DISPATCH_WAITS) in place of `first_token_delay`",
                                  "The harness's dispatch in place of the first-token delay"),
    "residual_tail": Mechanism(_LIVE, _LIVE, "the step in flight's rest at its spread in the TTFT quantiles (RESIDUAL_TAIL_P99_DELAY)",
                               "The chunked engines' p99"),
    "dispatch_p50": Mechanism((), _LIVE, "the harness's dispatch at the TTFT p50 (DISPATCH_WAITS' p50), the residual tail kept, the delay pair refit (DISPATCH_P50_DELAY)",
                              "The first-token pair by round"),
    "engine_output_lengths": Mechanism((), _ALL, "the FP4 Llama 2 70B engines' own mean output (ENGINE_OUTPUT_TOKENS)",
                                       "The FP4 engines' shorter answers"),
    "engine_output_lengths_405b": Mechanism((), _ALL, "the Llama 3.1 405B engines' own mean output (ENGINE_OUTPUT_TOKENS)",
                                            "The Blackwell held-out rows against the submissions themselves"),
    "interactive_engines": Mechanism(("interactive",), ("interactive",), "NVIDIA's engine, least-busy (LEAST_DISPATCH_WAIT_SHARE)",
                                     "The H200 Interactive TTFT gap"),
    "least_share_scope": Mechanism(("interactive",), ("interactive",), "with interactive_engines: the least-busy share only on the engine it was simulated on (LEAST_SHARE_ENGINES)",
                                   "NVIDIA's Interactive engines taken apart"),
    "busy_step_mean": Mechanism(_LIVE, _LIVE, "chunked rows: the prompt queue's wait at the busy steps' mean length (`busy_step_length`)",
                                "The busy step's mean length in the prompt queue"),
    "least_busy_law": Mechanism((), ("interactive",), "with interactive_engines: the least-busy wait as a law of the queue (`dispatch_wait_engines`)",
                                "The least-busy share as a law of the queue"),
    "chunk_steps": Mechanism((), _LIVE, "chunked TensorRT-LLM rows: whole steps at each TTFT quantile (CHUNK_STEPS_P99_DELAY)",
                             "The chunked engines' p99"),
    "gemm_allreduce_plugin": Mechanism(_ALL, _ALL, "the fused GEMM + all-reduce engines' constant a call (GEMM_ALLREDUCE_*)",
                                       "Llama 3.1 405B's tp 4 / tp 8 step at the runs' own rows"),
    "engine_kv_precision": Mechanism(_ALL, _ALL, "the engines whose configs quantize no KV cache: 16-bit KV (KV16_ENGINES)",
                                     "The L40S's 90% TTFT miss, taken apart"),
    "sm100_fp4_kernels": Mechanism((), _ALL, "Blackwell Ultra rows of rounds built before SM103 FP4 kernels: K=64 MMAs",
                                   "Blackwell Ultra's FP4 kernels in MLPerf v5.1"),
    "least_busy_tail": Mechanism((), ("interactive",), "with least_busy_law: that wait at its own M/G/1 tail (`dispatch_wait_tail`)",
                                 "The least-busy wait's tail"),
    "least_busy_rows": Mechanism((), _LIVE, "chunked TensorRT-LLM rows a least-busy harness dispatches, at the model's own engines: the wait as a law of the queue at its own tail (`dispatch_wait_engines`, `dispatch_wait_tail`)",
                                 "The Interactive chunk rounding and the bulk prompt queue"),
    "least_busy_bulk": Mechanism((), _LIVE, "with least_busy_rows or least_busy_tail: that wait as a bulk queue in steps, its own step's prompts ahead and the boundary's backlog (`dispatch_wait_tail` 2)",
                                 "The least-busy wait as a bulk queue in steps"),
    "whole_step_p50": Mechanism(_LIVE, _LIVE, "whole-prompt rows: the TTFT p50 from the step boundary and the batch, over the shared queue's engines (`whole_step_engines`)",
                                "The whole-prompt engines' first token"),
    "whole_step_least": Mechanism(_LIVE, _LIVE, "with whole_step_p50, whole-prompt rows a least-busy harness dispatches: DISPATCH_WAITS' simulated p50 shift",
                                  "The whole-prompt engines' first token"),
    "adp_engines": Mechanism((), ("offline", "server"), "DeepSeek-R1: the configs' ADP engine (ADP_ENGINE_RANKS)",
                             "DeepSeek-R1 Server / Offline: the step's floor under an absolute TPOT limit"),
    "adp_row_time": Mechanism((), ("offline", "server"), "with adp_engines, DeepSeek-R1 v5.1: the mid-2025 PyTorch ADP engine's time a row a step (ADP_SEQ_OVERHEAD)",
                              "The DeepSeek-R1 attention-DP step's per-row time"),
    "dp_domain_rings": Mechanism((), ("training",), "training rows: DP rings across domains on g NICs at once (`dp_domain_rings`)",
                                 "Small-MoE training layouts under strong scaling"),
    "engine_release_gemm": Mechanism((), _ALL, "v4.1 Hopper rows: the dense GEMMs at TensorRT-LLM 0.12's rate, 1 / 1.161 of the family's v5.0-era engines (ENGINE_RELEASE_GEMM)",
                                     "The dense GEMM rate by engine release"),
    "full_graph_schedule": Mechanism((), ("training",), "full-iteration-graphed training rows: the schedule's host work captured too (`full_graph_schedule`)",
                                     "The per-step overhead by what a graph captures"),
}
MECHANISMS = {name: m.applied for name, m in MECHANISM_TABLE.items()}
MECHANISM_SCENARIOS = {name: m.concerns for name, m in MECHANISM_TABLE.items()}   # read off the table (older callers)


# the shortfall of a run's mean step below its steady one that a capacity point may carry (`run_ramp_deficit`): the
# measured runs' TPOT mean / p50, median 0.984 over 155 runs, 0.97-1.00 by group (reference/mlperf_ttft_percentiles.csv,
# 2026-12; docs/accuracy.md "TPOT mean by mechanism", table 2) [D]
RUN_RAMP_DEFICIT = 0.03
# sub-steps of the batch grid around a Server / Interactive capacity point (`batch_refinement`): 8 puts the point
# within 1/16 of a grid step (~0.9% of the rows) of its binding limit (docs/accuracy.md "What binds the capacity point")
BATCH_REFINEMENT = 8
# the add-in cards whose decode step was set against the measured runs' (rows in flight, TPOT mean) pairs with the
# GEMM knee drawing no compute power (`gemm_knee_power` 0; MECHANISMS "knee_power", applied since 2026-12-05):
# docs/accuracy.md "The add-in cards' decode step"
# (since 2026-12-06 the chips' own `let gemm_knee_power = 0` in stdlib/chips.factory, the planning default; validate
# names them for `--without knee_power` and `capacity_margin`; tests/test_planning_defaults.py holds the two equal)
KNEE_POWER_CHIPS = ("H100_NVL", "H100_PCIe", "L40S")
# the GH100 SXM-class chips, whose decode draw was measured (MECHANISMS "knee_power_hopper", measured, NOT applied;
# docs/accuracy.md "The tp 1 step's clock", s14-clock, 2026-12-06): the H100 SXM's weight-streaming GEMMs run at the
# full clock below the 700 W limit (reference/h100_microbench.md, 2026-11-27 [P]) and H200 decode draws 137-300 W
# of its 700 W, no cap triggering (Ma, Afzal, Eitzinger, Wellein, "The Illusion of Power Capping in LLM Decode",
# arXiv 2605.11999, 2026-05 [S]); the step's clock law with the knee drawing (k 1) throttles those steps to 0.73-0.87.
# Re-measured on the converged clock (s20-step, 2026-12-06, docs/accuracy.md "The step and the operating point behind
# the TTFT p50"): with the Hopper FP8 factor at its rule's answer under it (0.80) TTFT p50 / p99 11.9 / 13.8% ->
# 9.5 / 10.6%, every other category within 10%, held-out unmoved; not applied: the model's step at the runs' own load
# moves away (model@load TTFT p50 14.3% -> 19.8%), the figure is 10.0% at 0.81 and 12.7% at 0.82 (the batch grid)
KNEE_POWER_HOPPER_CHIPS = ("H100_SXM", "H200", "H200_CTS", "GH200", "GH200_96GB")
# MECHANISMS "step_draw" (measured, NOT applied; docs/accuracy.md "The draw of a memory-bound step", s18-tp1step,
# 2026-12-06): the two switches above as one law on every chip, not the GH100 SXM ones only: a step's compute draw is
# the energy of the FLOPs it does (`clock_draw_activity` 1: its FLOPs at the draw's rate g) and of the bytes it moves
# (b u_m), with the matrix units idle while a GEMM below its knee waits on the weight stream (`gemm_knee_power` 0).
# Physics: CMOS dynamic power is the switched capacitance a cycle, so a unit draws by its accesses, not by the cycles
# it waits (AccelWattch, Kandiah et al., MICRO 2021: P = P_const + P_static + sum of per-component energy x activity,
# validated on Volta; Wattchmen, Tran et al., ICS 2026, arXiv 2603.26435: a per-instruction energy model within 12%
# on H100 [S]); the measured H200 decode draw 137-300 W (Ma et al. above) is 295 W under this law at 16 rows and
# 1,181 W with the knee charged a cycle. Every family's factor must be refit under it (the fit rule: Hopper FP8
# 0.71, Blackwell FP4 0.84, CDNA3 0.33, Ada 0.31, Hopper add-in 0.45 with `interactive_engines`)
# the GH100 chips with HBM3e and the memory power b (W at full bandwidth) of their memory at the H100's energy a bit
# (MECHANISMS "hbm3e_memory_power", measured, NOT applied; docs/accuracy.md "The H200's power parameters", s17-h200,
# 2026-12-06): the model's b is the H100's 104.5 W (3.35 TB/s x 8 x 3.9 pJ/bit) scaled by the TDP, so a 700 W H200
# at 4.8 TB/s is charged 2.72 pJ/bit; HBM3E's access energy is quoted at 3.9 pJ/bit (Samsung, as reported by
# chinaflashmarket.com on its HBM4E roadmap [S]), the figure the H100's b uses: b = memory_bw x 8 bit x 3.9 pJ/bit
HBM3E_ACCESS_ENERGY_PJ = 3.9
HBM3E_CHIPS = ("H200", "H200_CTS", "H200_NVL", "GH200")   # GH200_96GB has HBM3 (4 TB/s)
# the supply-voltage floor refit by its own rule (the model's H200 500 W / 700 W Llama 2 70B Offline ratio equal to
# the measured 0.807, MLPerf Inference v4.1 lines 122 / 116: compiler/models/power.py voltage_floor) on the converged
# clock solve (s17-converge), which moves the ratio at 0.72 from 0.800 to 0.759; 0.67 gives 0.810 (0.675: 0.799) and
# a = 1,957 W (MECHANISMS "converged_voltage_floor", measured, NOT applied; docs/accuracy.md "The H200's power
# parameters", s17-h200, 2026-12-06)
CONVERGED_VOLTAGE_FLOOR = 0.67
# the first-token pair (`first_token_delay` d, `first_token_delay_p99` d99) refit by its own rule with the floor above
# (bench/cross_round.py --ttft --only both: the least sum of the TTFT p50 and p99 medians over both rounds; s17-h200
# and s17-refit found (0.3, 0.1), TTFT p50 / p99 11.2 / 12.5%, against the shipped (0.325, 0.175) at 12.2 / 13.2%
# with the floor alone). Set with the floor by "converged_voltage_floor": d on every Server / Interactive row
# whose mechanisms set no d of their own, d99 where the residual tail's default d99 (RESIDUAL_TAIL_P99_DELAY) stood
# (docs/accuracy.md "The voltage floor refit, ported opt-in", s18-refit, 2026-12-06)
CONVERGED_FIRST_TOKEN_PAIR = (0.3, 0.1)
# the share of the capacity point's throughput the add-in cards' Server and Interactive runs are given up for
# latency (`let capacity_margin`, MECHANISMS "capacity_margin", KNEE_POWER_CHIPS): a submitter's choice [U], measured
# at 0.03 / 0.05 / 0.06 / 0.10 with "knee_power" (docs/accuracy.md "The add-in cards' operating point"); applied
# since 2026-12-05 with knee_power, allreduce_kernels and residual_tail (docs/accuracy.md "Applied in session 13")
ADDIN_CAPACITY_MARGIN = 0.05
# the add-in card run only by OEM partners at their own targets whose GEMM knee is left as it is (MECHANISMS
# "nvl_margin", measured, not applied): docs/accuracy.md "The H200 NVL's prompt queue" (s14-pcie)
MARGIN_ONLY_CHIPS = ("H200_NVL",)
NVL_CAPACITY_MARGIN = 0.03
# the dense GEMMs' fixed time a launch (`gemm_launch_time`; MECHANISMS "gemm_launch", measured, not applied): the fp8
# fit t = 11.6 us + 0.084 us m of reference/h100_microbench.md (H100 SXM, 4,096 x 14,336, 2026-11-27) [D];
# docs/accuracy.md "The GEMM time as a per-launch roofline"
GEMM_LAUNCH_TIME = 11.6e-6
# the step GEMMs' roofline on both legs (`gemm_launch_time` with `gemm_weight_efficiency`; MECHANISMS "gemm_roofline",
# measured, not applied): reference/h100_microbench.md's fp8 4,096 x 14,336 GEMM at M = 64 (35.9 us, H100 SXM,
# 2026-11-27; the rows it touches are FP8) split into a launch's fixed time, cuBLASLt's H100 fp8 7.0 us
# (egmsft/AI-benchmarking-guide Azure_Results ND_H100_v5, 2025-12-03, docs/accuracy.md "The GEMM knee by shape"), and
# the weight read at 58.7 MB / (3.35 TB/s x 28.9 us) = 0.61 of peak [D] (bf16 at M = 1: 0.86); docs/accuracy.md
# "The step GEMM as a two-legged roofline"
GEMM_ROOFLINE_LAUNCH = 7.0e-6
GEMM_WEIGHT_EFFICIENCY = 0.61
# the families whose die the two constants above were measured on (H100 SXM, cuBLASLt and PyTorch fp8 GEMMs: GH100,
# which every Hopper FP8 and Hopper add-in FP8 chip is): MECHANISMS "gemm_roofline_hopper" (measured, NOT applied;
# docs/accuracy.md "NVIDIA's Interactive engines taken apart", s24-h200int, 2026-12-07) gives the roofline to their
# rows only; "gemm_roofline" gives it to every chip (the MI325X held-out Interactive row -0.8% -> +11.0% under it)
GEMM_ROOFLINE_FAMILIES = ("Hopper FP8", "Hopper add-in FP8")
# the step's dense GEMMs as one smooth law of its total rows (`gemm_smooth_power` p; MECHANISMS "gemm_smooth_hopper",
# measured, NOT applied; s25-gemm, 2026-12-07): t = (t_c^p + t_w^p)^(1/p), p fitted once to the same H100 GEMMs
# (reference/h100_microbench.md's 4,096 x 14,336 bf16 and fp8 columns, 2026-11-27; bench/gemm_smooth_fit.py: 2.695,
# 8.3% rms), given to the GH100 families only (GEMM_ROOFLINE_FAMILIES); docs/accuracy.md "One smooth GEMM law of the
# step's rows". Its form on the fp8 GEMMs' read, GEMM_WEIGHT_EFFICIENCY with no launch time (MECHANISMS
# "gemm_smooth_read_hopper"), is applied since 2026-12-07 and is the GH100 chips' own planning default: their
# `let gemm_smooth_power = 2.7` and `let gemm_weight_efficiency_fp8 = 0.61` in stdlib/chips.factory (tests/
# test_gemm_smooth.py holds them equal); validate gives those chips' rows p 0 and e_w 0 under `--without` it
GEMM_SMOOTH_POWER = 2.7
# the GEMM knee of CDNA3's FP8 GEMMs as AMD's engines run them (`gemm_half_rows` on the CDNA3 rows; MECHANISMS
# "cdna3_gemm_knee", measured, not applied): AMD's hipBLASLt tuning of Llama 2 70B's four tp-1 FP8 GEMMs (QKV 10,240 x
# 8,192, O 8,192 x 8,192, gate-up 57,344 x 8,192, down 8,192 x 28,672) at every row count 1-2,592, timed by hipBLASLt on
# gfx942 at the 1,700 MHz perf-determinism clock of AMD's MLPerf Inference v5.1 MI325X Interactive run (its
# HIPBLASLT_TUNING_OVERRIDE_FILE: ntuhpc/inference_results_v5.1@387c3dd0 closed/AMD/code/llama2-70b-99/scripts/
# gemm_llama2-70b/aa0bda7b/tuning_spx_1700_formatted.txt, fork of mlcommons/inference_results_v5.1, 2025-09-04 [P]):
# a layer's four GEMMs take t = t0 + c m = 121.0 us + 1.203 us m (least squares over the 1,905 row counts m =
# 128-2,560, median residual 1.6%; the Server file, llama2-mi325x-server-tuning.txt at m 305-2,992: 117.3 us + 1.218 us m).
# The fixed time t0 is the knee; the model's GEMM time is c' (m + m0) with its per-row time c' = 2 W / (e_c P f / f_max)
# at the family's fitted e_c (CDNA3 0.46: 1.757 us a row a layer at 1,700 of 2,100 MHz, 1.46 x hipBLASLt's c: e_c
# carries the step's other per-token work too), so the knee that keeps AMD's fixed time is m0 = t0 / c' = 121.0 /
# 1.757 = 69 rows (100 rows by hipBLASLt's own per-row time, the way the H100's 128 was taken) [D];
# docs/accuracy.md "AMD Instinct as AMD ran it (s12-amd)"
CDNA3_GEMM_HALF_ROWS = 69.0
# the AMD engines whose harness config loads AMD's tuned hipBLASLt solutions (`HIPBLASLT_TUNING_OVERRIDE_FILE` in the
# config's vllm_env_config: v5.1 MI325X Interactive, tuning_spx_1700_formatted.txt, and Server, llama2-mi325x-server-
# tuning.txt, m 305-2,992: t = 117.3 us + 1.218 us m, m0 = 63-67 rows at the 1,600-1,700 MHz clocks, the same knee within
# 10%), by round, model, scenario and chip: they take CDNA3_GEMM_HALF_ROWS (MECHANISMS "amd_tuned_gemms", applied). The
# v5.1 Offline MI325X and every MI300X config load none, nor do AMD's v5.0 configs (ntuhpc/mlperf_inference_results_v5.0
# @cf354115 closed/Cisco/code/llama2-70b-99.9/harness_llm/models/llama2-70b/{offline_mi325x,server_mi300x}.yaml, AMD's
# as a partner copied them, read 2026-12-05 [P]) or v4.1's (no such variable in mlcommons/inference_results_v4.1
# closed/AMD/code): the CDNA3 family factor's rows run hipBLASLt's default solutions
# CDNA3's family factor split into AMD's measured GEMM rate and a per-token term (MECHANISMS "cdna3_token_split",
# measured, not applied; docs/accuracy.md "CDNA3's factor split", 2026-12-05): the CDNA3 rows' serving GEMM efficiency
# is hipBLASLt's large-shape rate from the tuning file above, 1.42 PFLOP/s = 2 x 855.6 MFLOP a row / 1.203 us, 0.67 of
# the FP8 peak at its 1,700 MHz clock (2,614.9 TFLOP/s x 1,700 / 2,100) [D]; the knee at that per-row time is
# hipBLASLt's own, t0 / c = 121.0 / 1.203 = 100 rows [D]; the rest of the old factor is the per-token work beside the
# GEMMs, `token_layer_time` (inference.py "Per-token work beside the GEMMs"), fitted once (`validate --fit --with
# cdna3_token_split`: `fit_token_time`, TOKEN_TIME_GRID) on the CDNA3 throughput rows: 1.00 us a token and layer
# (median |log error| 7.07% over 36 rows; main's 0.46 factor 8.13%); by hand from the factor, 1.757 - 1.203 = 0.55 us
CDNA3_SPLIT_GEMM_EFFICIENCY = 0.67
CDNA3_SPLIT_HALF_ROWS = 100.0
CDNA3_TOKEN_LAYER_TIME = 1.00e-6
# CDNA3's per-token term by serving engine (MECHANISMS "cdna3_engine_split", measured, not applied; docs/accuracy.md
# "AMD's engines, one per-token term each", s15-amd, 2026-12-06). `cdna3_token_split`'s one family term was fitted
# bimodal: AMD's own v5.0 vLLM engines want ~0.45 us, the v4.1 harness and MangoBoost's LLMBoost ~1.0 us ("CDNA3's
# factor split", Diagnostic). The engines differ in their software, not their chips: AMD's v5.0 Llama 2 70B configs
# (ntuhpc/mlperf_inference_results_v5.0@cf354115 closed/Cisco/code/llama2-70b-99.9/harness_llm/models/llama2-70b/
# offline_mi325x.yaml, read 2026-12-06 [P]: `VLLM_LLAMA2_MLPERF_SCHED` 1 with a target decode batch of 2,048,
# `num_scheduler_steps` 11, a vLLM V0 fork of 2025) against v4.1's vLLM 0.4-era harness (mlcommons/inference_results_
# v4.1 closed/AMD/code, 2024-08 [P]) and LLMBoost (unpublished [U]). So the split's GEMM stays hipBLASLt's measured
# rate (CDNA3_SPLIT_*), and the rest is one per-token term an engine, each fitted once on its own throughput rows
# (`validate --fit --with cdna3_engine_split`: `fit_token_time` by `token_group`): AMD's vLLM engines are the CDNA3
# rows of v5.0 on that MangoBoost did not submit (AMD and the partners that run AMD's configs [U]); the rest are the
# v4.1 harness's and LLMBoost's. The fitted engines are all vLLM V0 (multi-step); a config on vLLM's V1 engine (v5.1
# MI325X Interactive: SCHEDULER_STEPS_BY_CHIP 1) has no fitted term and keeps the family factor.
CDNA3_ENGINE_TOKEN_TIME = {"AMD vLLM": 0.45e-6, "v4.1 harness, LLMBoost": 0.85e-6}
CDNA3_ENGINE_ROUNDS = ("inference-v5.0", "inference-v5.1", "inference-v6.0")


def cdna3_engine(round_: str, source: str, scheduler_steps: float | None = None) -> str:
    """The serving engine of a CDNA3 row (CDNA3_ENGINE_TOKEN_TIME's key): "AMD vLLM" for a round of AMD's vLLM
    configs (CDNA3_ENGINE_ROUNDS) not submitted by MangoBoost (`closed/<submitter>/` of the source naming no
    MangoBoost), else "v4.1 harness, LLMBoost"; "AMD vLLM V1" where AMD's config runs vLLM's V1 engine, one step a
    round (`scheduler_steps` 1: SCHEDULER_STEPS_BY_CHIP's v5.1 MI325X Interactive): an engine no calibration row ran,
    with no fitted term (the row keeps the family factor)."""
    submitter = _result_system(source).split("/")[0] or source
    if round_ in CDNA3_ENGINE_ROUNDS and "mangoboost" not in submitter.lower():
        return "AMD vLLM V1" if scheduler_steps == 1 else "AMD vLLM"
    return "v4.1 harness, LLMBoost"


# the families whose GEMM efficiency is the measured rate above where `cdna3_token_split` applies: `fit` fits their
# per-token term on TOKEN_TIME_GRID (us a token and layer), not their efficiency
TOKEN_TIME_FAMILIES = ("CDNA3 FP8",)
# Blackwell FP4's family factor split the same way (MECHANISMS "blackwell_token_split", measured, not applied;
# docs/accuracy.md "Blackwell FP4's factor split", s13-405b, 2026-12-05). The family factor (0.93 of the clock law's
# rate, fitted on the v5.0 B200 / GB200 rows; 0.92 until s18-families) carries whatever of the step is not FP4 GEMM
# work, so on Blackwell Ultra (1.5x the dense NVFP4 a clock, FP8 / BF16 / bandwidth unchanged) that work is sped up
# 1.5x with the GEMMs. Split: the GEMMs at the rate large cuBLASLt NVFP4 GEMMs reach under the clock law, and the
# rest a time a token and layer that no FP4 peak changes. The measured rate (Azure ND GB200 v6, cuBLASLt FP4, best
# 7,609 TFLOP/s at 8,192^3; ND GB300 v6 8,555-8,640 at 16,384^3-32,768^3; egmsft/AI-benchmarking-guide
# Azure_Results, 2025 [S]) is 1.12x / 1.09x the clock
# law's full-efficiency rate on those chips (6,786 / 7,917 TFLOP/s, compiler/models/power.py "FP4 dynamic power"), so
# e_max = 1.0, the top of the factor's range [D]; the per-token term fitted once on the family's public throughput
# rows (`validate --fit --with blackwell_token_split`: `fit_token_time`). Reaches every Blackwell chip at fp4,
# Blackwell Ultra (B300, GB300) included, which the family fit never saw.
BLACKWELL_SPLIT_CHIPS = ("B200", "GB200", "B300", "GB300")
BLACKWELL_SPLIT_GEMM_EFFICIENCY = 1.0
BLACKWELL_TOKEN_LAYER_TIME = 0.030e-6
# Ada's family factor split the same way (MECHANISMS "ada_token_split", measured, not applied; docs/accuracy.md "The
# L40S and MI325X serving steps against sourced physics", s21-l40s, 2026-12-06). The L40S's FP8 GEMMs as vLLM's Ada
# CUTLASS / torch._scaled_mm kernels ran them on one L40S (vllm-project/vllm pull 6677 "[Kernel] Tuned FP8 Kernels for
# Ada Lovelace", 2024-07, its table of Llama 2 7B's four tp-1 shapes at M 1-512, the better of the two kernels; the
# machine "L40S x 1" named in pull 6950, 2024-07-30 [P]): per shape the least-squares line t = t0 + c M over M 128-512
# (QKV 4,096 x 12,288: 10.7 us + 0.257 us M; O 4,096 x 4,096: 8.9 + 0.0711 M; gate-up 4,096 x 22,016: 20.2 + 0.583 M;
# down 11,008 x 4,096: 17.7 + 0.205 M), a layer 57.5 us + 1.116 us a row: 404.8 MFLOP a row / 1.116 us = 363 TFLOP/s,
# 0.49 of the 733 TFLOP/s dense FP8 peak [D], and the knee t0 / c = 57.5 / 1.116 = 52 rows [D]. The benchmark
# repeats one GEMM on the same weights (50-90 MB, inside the L40S's 96 MB L2: at M = 1 the 4,096 x 12,288 GEMM takes
# 15.4 us, 3.3 TB/s), so its fixed time is the kernel's own, not a GDDR6 weight stream: the model keeps the weight
# read as its own leg (max(GEMM, weight read), evaluate_configs' at_rate). The rest of the 0.32 family factor is the
# per-token work beside the GEMMs, `token_layer_time`, fitted once (`validate --fit --with ada_token_split`:
# `fit_token_time` on TOKEN_TIME_GRIDS["Ada FP8"]) on the Ada throughput rows
ADA_SPLIT_GEMM_EFFICIENCY = 0.49
ADA_SPLIT_HALF_ROWS = 52.0
ADA_TOKEN_LAYER_TIME = 0.0
# Blackwell Ultra's FP4 kernels in MLPerf Inference v5.1 (MECHANISMS "sm100_fp4_kernels", measured, not applied;
# docs/accuracy.md "Blackwell Ultra's FP4 kernels in MLPerf v5.1", s13-405b, 2026-12-05): Blackwell Ultra (SM103)
# reaches its 1.5x dense NVFP4 only with its K = 96 block-scaled MMA ("3xFP4"), first public in NVIDIA/cutlass 4.2.0
# (2025-09-15) and in TensorRT-LLM with pull request 7568 "[TRTLLM-4629] Add support of CUDA13 and sm103 devices"
# (merged 2025-09). NVIDIA's v5.1 code pins TensorRT-LLM 18c0333e ("7/24/25 1.0-mlpinf side branch") and builds it
# only for SM 80/87/89/90/100 (closed/NVIDIA/Makefile.build; GB300 runs a separately built TensorRT-LLM whose older
# LLM-API the code's GB300.patch reverts to; scripts/slurm_llm/run-GB300.md: "Only deepseek-r1 and llama3_1-405b
# functional", 405B on the bring-up branch `gb110_bringup_enable_sm103`, source unpublished; mlcommons/
# inference_results_v5.1 @965182b0, read 2026-12-05 [P]), so the v5.1 Blackwell Ultra engines are taken to run SM100
# FP4 kernels [U]: `fp4_mma_rate` 64 / 96 on the B300 / GB300 rows
# of those rounds (power.py "FP4 MMA instruction rate"). Later rounds (v6.0 on) run the SM103 kernels.
SM100_FP4_KERNEL_ROUNDS = ("inference-v5.1",)
SM103_CHIPS = ("B300", "GB300")
SM100_FP4_MMA_RATE = 64 / 96
# How NVIDIA's MLPerf harness hands a Server / Interactive request to one of a system's k engines (MECHANISMS
# "harness_dispatch", measured, not applied; docs/accuracy.md "The harness's dispatch in place of the first-token
# delay", s13-dispatch, 2026-12-05), read in mlcommons/inference_results_v4.1 closed/NVIDIA/code/harness/harness_llm
# and v5.0 code/llmlib (s13-tail, docs/accuracy.md "The v4.1 tail: the harness's dispatch") [P]:
# - "shared": v4.1 at tp x pp 1: one process, `LLMServerLeader::IssueQuery` puts every sample in one request queue
#   that each engine's GptManager callback `LLMCore::getInferenceRequest` drains at its step (harness.py launches
#   mpirun only when tp x pp > 1);
# - "least": v4.1 at tp x pp > 1 (`traffic_distribution_policy` 2, `getLeastBusyIdx` over the requests in flight)
#   and v5.0 on (llmlib's `load_balancing`, the engine with the fewest pending samples);
# - "own": independent per-engine queues, the prompt queue's law (every other harness: AMD's vLLM harnesses, not read
#   for their dispatch [U]; one engine).
# The shift of the TTFT p50 and p99, in mean steps, against independent queues of the same engines: means of seeds 1-3
# of bench/v41_dispatch_sim.py (600-s runs, 12.3 requests/s an engine at the model's GH200 step, kappa 0.106 ms,
# whole prompts; chunked engines at a 3,584-token budget give the same within 0.04) [D]. Engines above 8 take 8's.
DISPATCH_WAITS = {
    "shared": {1: (0.0, 0.0), 2: (-0.12, -0.35), 4: (-0.19, -0.31), 8: (-0.24, -0.11)},
    "least": {1: (0.0, 0.0), 2: (0.07, -0.17), 4: (0.14, -0.16), 8: (0.22, -0.12)},
    "own": {1: (0.0, 0.0)},
}
# the part of the old fitted `first_token_delay` the dispatch does not source, at the TTFT p50 and p99 (mean steps),
# on the rows with chunked context (the whole-prompt rows had no delay and take none): rescanned jointly with the
# dispatch by the old delay's rule, the least sum of the TTFT p50 and p99 medians (docs/accuracy.md, the same section)
# [U]; given as `first_token_delay` r50 and the p99's excess over it on `dispatch_wait_p99`
DISPATCH_RESIDUAL_DELAY = (0.15, 0.2)
DISPATCH_ROUNDS_SHARED = ("inference-v4.1",)
# `dispatch_p50` (measured, not applied; docs/accuracy.md "The first-token pair by round", s16-dispatch,
# 2026-12-06): DISPATCH_WAITS' p50 column on the TTFT p50 (the p99 column left out: on v4.1's whole-prompt rows,
# which read no fitted delay, it takes TTFT p99 9.3% -> 11.2%), `residual_tail` kept, and the first-token pair
# (`first_token_delay`, `first_token_delay_p99`) refit with it by the old rule, the least sum of the TTFT p50 and
# p99 medians (bench/cross_round.py --ttft; only v5.0's rows read it) [U]: (0.15, 0.25) mean steps
DISPATCH_P50_DELAY = (0.15, 0.25)
# `chunk_steps` (measured, not applied; docs/accuracy.md "The chunked engines' p99"): the chunked TensorRT-LLM rows
# count a first token's steps whole at each quantile (`integer_chunk_steps`: microBatchScheduler.cpp's first come
# first served chunks, the first token at the step of the last chunk [P]); the fitted `first_token_delay` stays at
# the TTFT p50 and its share at the p99 is what the term frees: rescanned, the p99 delay below (mean steps) [U]
CHUNK_STEPS_P99_DELAY = 0.325
# `residual_tail` (applied since 2026-12-05 with the three above; the same section): the chunked TensorRT-LLM rows take the rest of the step
# in flight at its spread in the TTFT quantiles (`step_residual_tail`); the p99's share of the delay rescanned [U]
# by the old delay's rule (the least sum of the TTFT p50 and p99 medians; the p50 does not move with it): 0 / 0.1 /
# 0.15 / 0.175 / 0.2 / 0.25 / 0.325 give TTFT p99 11.63 / 11.82 / 11.37 / 11.36 / 11.81 / 11.74 / 13.16%, and with
# knee_power + capacity_margin + allreduce_kernels 11.22 / 10.66 / 10.28 / 9.87 / 9.95 / 10.47 / 10.30%: 0.175.
# Since 2026-12-06 the model's defaults (`step_residual_tail` 1, `first_token_delay_p99` 0.175; tests/
# test_planning_defaults.py holds them equal); validate sets `step_residual_tail` 0 on its other Server and Interactive
# rows (not chunked TensorRT-LLM, or the harness's dispatch in place of the delay), where it was not measured
RESIDUAL_TAIL_P99_DELAY = 0.175
# `interactive_engines` (applied since 2026-12-07, s26-apply; docs/accuracy.md "The H200 Interactive TTFT gap", s14-gap,
# 2026-12-06): NVIDIA's v5.0 H200 Interactive engines are tp 1 with a 256-token budget (closed/Cisco/configs/
# llama2-70b-interactive/Server/__init__.py, ntuhpc/mlperf_inference_results_v5.0 at cf354115 [P]; LAYOUTS), one a
# GPU, fed by llmlib's least-busy dispatch ("least" above [P]). bench/interactive_dispatch_sim.py: at the runs' load
# (66.5 requests/s, 82 rows a GPU) independent engines give TTFT p99 470 ms, least-busy 356 (the runs: 363); the
# prompt queue's law (_budget_ttft) fed the simulation's step gives 479 ms at share 1, and the least-busy / own ratio
# (0.756) at a waiting chance rho x 0.33 (0.30: 356 ms, 0.40: 379 ms) [D]
LEAST_DISPATCH_WAIT_SHARE = 0.33
# the same rule on the step with the GEMM knee idle in the clock law (`knee_power_hopper`; docs/accuracy.md "The
# knee's draw from public measurements", s15-knee, 2026-12-06): bench/interactive_dispatch_sim.py's "knee idle"
# engine (tp 1 t_decode 25.68 / 25.99 ms at 79.5 / 85.5 rows, kappa 0.114 ms, x 1.024 to the runs' 33.7 ms, where
# the drawing knee's step needed x 0.887) gives independent / least-busy p99 460.9 / 371.6 ms at the runs' load
# (0.806; the runs 363); the law fed that step gives 494.4 ms at share 1 and 0.806 of it at 0.44 (0.40: 389.9 ms,
# 0.45: 401.1 ms) [D]; at 0.9 / 0.7 of the load the ratio asks 0.39 / 0.45
LEAST_DISPATCH_WAIT_SHARE_KNEE_IDLE = 0.44
# the engines both shares were simulated on, (tp, pp, budget): NVIDIA's v5.0 H200 Interactive engine, tp 1 pp 1 at
# 256 tokens (bench/interactive_dispatch_sim.py, s14-gap / s15-knee). MECHANISMS "least_share_scope" (applied since
# 2026-12-07 with interactive_engines, s26-apply; docs/accuracy.md "NVIDIA's Interactive engines taken apart", s24-h200int, 2026-12-07): with
# `interactive_engines` the share only there; another engine (B200's 768 tokens) keeps its own queue's law (share 1),
# as without the mechanism. Without the scope the v5.0 8x B200 Interactive TTFT p99 rows go -4.2% -> -26.5% [D]
LEAST_SHARE_ENGINES = ((1, 1, 256.0),)
FIRST_TOKEN_DELAY = 0.325   # compiler/models/inference/ `first_token_delay` (tests/test_chunk_steps.py holds them equal)


def dispatch_policy(round_: str, family: str, layout, n: float) -> tuple[str, float]:
    """The harness's dispatch of a row and its engines (DISPATCH_WAITS): NVIDIA's harness (TensorRT-LLM families)
    on v4.1 is one shared queue at tp x pp 1 and the least busy engine above; from v5.0 the least busy engine;
    every other harness independent queues. The engines are the row's accelerators over the submitter's tp x pp
    (LAYOUTS / LAYOUT_SYSTEMS via `layout`), one accelerator an engine where the layout is not known."""
    size = float(layout.tp * layout.pp) if layout is not None else 1.0
    engines = max(1.0, n / size)
    if family not in TRTLLM_FAMILIES or engines <= 1:
        return "own", engines
    if round_ in DISPATCH_ROUNDS_SHARED:
        return ("shared" if size <= 1 else "least"), engines
    return "least", engines


def dispatch_waits(policy: str, engines: float) -> tuple[float, float]:
    """(p50, p99) shift in mean steps of DISPATCH_WAITS for `engines` engines: the largest tabulated count not
    above it (1, 2, 4, 8; 8 for more)."""
    table = DISPATCH_WAITS[policy]
    return table[max(k for k in table if k <= engines)]


# which mechanism moves which family's factor into a fitted per-token term (`fit`, `fit_token_time`)
TOKEN_TIME_SPLITS = {"cdna3_token_split": "CDNA3 FP8", "cdna3_engine_split": "CDNA3 FP8",
                     "blackwell_token_split": "Blackwell FP4", "ada_token_split": "Ada FP8"}
TOKEN_TIME_GRID = tuple(round(x * 0.05, 2) for x in range(0, 31))      # us: 0-1.5 us in steps of 0.05 us
# a family whose per-token term is small beside its steps takes a finer grid: Blackwell FP4's rows move ~8 points a
# 0.01 us (Llama 2 70B at ~2,000 rows a step), so 0-0.1 us in steps of 0.005 us
# Ada FP8's rest of the factor is larger (the 0.32 factor against the 0.49 measured rate: ~1.5 us a token and layer
# at Llama 2 70B tp 2), so 0-4 us in steps of 0.1 us
TOKEN_TIME_GRIDS = {"Blackwell FP4": tuple(round(x * 0.005, 3) for x in range(0, 21)),
                    "Ada FP8": tuple(round(x * 0.1, 1) for x in range(0, 41))}
TUNED_GEMM_CONFIGS = {("inference-v5.1", "Llama2_70B", "server", "MI325X"),
                      ("inference-v5.1", "Llama2_70B", "interactive", "MI325X")}
# the share of the binding latency limit the MLPerf submitters run at (`operating_fraction`, with `capacity_solve`):
# max(TPOT p99 / tpot_limit, TTFT p99 / ttft_limit) over the 155 Server runs of reference/mlperf_ttft_percentiles.csv
# (MLCommons inference v4.1 / v5.0 results, read 2026-12): median 0.883, quartiles 0.76-0.94 [D]; a property of how
# the submitters operate, not of the engines (docs/accuracy.md "The batch grid's staircase", 2026-12-05). The Server
# runs' figure (the whole-prompt engines' and `continuous_capacity`'s Server rows); bench/operating_fraction_fit.py
# fits it once on reference/mlperf_calibration.csv's runs: 173 Server runs median 0.878 (bootstrap 90% 0.856-0.894)
# the value lives beside the model's `operating_fraction` (OPERATING_FRACTIONS, the planning default since
# 2026-12-07, docs/accuracy.md "Five mechanisms applied"): validate reads the model's
OPERATING_FRACTION = _OPERATING_FRACTIONS["server"]
# ... and the Interactive runs' (`continuous_capacity`'s Interactive rows): the same share over the calibration file's
# 35 Interactive runs (bench/operating_fraction_fit.py), median 0.925 (bootstrap 90% 0.900-0.927, quartiles
# 0.89-0.96; the percentiles file's 19: 0.925) [D]: the two scenarios' intervals do not overlap, so one figure for
# both is not the data. Neither is a rule of MLPerf's: LoadGen's early stopping holds the limit at the ~0.991
# quantile, so the rule itself leaves 1-2% (the share it allows, median 0.987 Server / 0.981 Interactive); the rest
# is the submitter's choice (docs/accuracy.md "The capacity point's margin from the data", s25-margin)
OPERATING_FRACTION_INTERACTIVE = _OPERATING_FRACTIONS["interactive"]


def operating_fraction(scenario: str) -> float:
    """The share of its binding latency limit a Server / Interactive capacity point is solved to (`capacity_solve`):
    the submitters' median by scenario, OPERATING_FRACTION (Server) or OPERATING_FRACTION_INTERACTIVE; read at the
    call, so a bench that sets either constant moves its scenario's rows."""
    return OPERATING_FRACTION_INTERACTIVE if scenario == "interactive" else OPERATING_FRACTION


def mechanisms_with(on=(), off=()) -> dict[str, tuple[str, ...]]:
    """MECHANISMS with the named ones applied in every scenario they concern (`on`) or in none (`off`); an unknown
    name is a ValueError naming the known ones."""
    for name in (*on, *off):
        if name not in MECHANISMS:
            raise ValueError(f"unknown mechanism {name!r}; known: {', '.join(MECHANISMS)}")
    out = dict(MECHANISMS)
    out.update({name: MECHANISM_TABLE[name].concerns for name in on})
    out.update({name: () for name in off})
    return out


def _result_system(source: str) -> str:
    """`submitter/result directory` of a row's source (`.../closed/Dell/results/XE9680_H100_SXM_80GBx8_TRT/...`:
    `Dell/XE9680_H100_SXM_80GBx8_TRT`), else ''."""
    m = re.search(r"closed/([^/\s]+)/results/([^/\s]+)", source or "")
    return f"{m.group(1)}/{m.group(2)}" if m else ""


def layout_for(round_: str, model: str, scenario: str, chip: str, source: str) -> Layout | None:
    """The layout a row's submission ran: the partner's own (LAYOUT_SYSTEMS, by its result directory), else the
    chip's in NVIDIA's configs of the round (LAYOUTS), else None (the model searches)."""
    own = LAYOUT_SYSTEMS.get((round_, model, scenario, _result_system(source)))
    return own if own is not None else LAYOUTS.get((round_, model, scenario, chip))


def _submission_dir(source: str, system: str) -> str:
    """`division/submitter/result directory` of a row: from its source (`.../open/NVIDIA/results/<dir>/...`), else
    from its system column (`NVIDIA: ... [<dir>]`, taken as closed), else ''."""
    m = re.search(r"(closed|open)/([^/\s]+)/results/([^/\s]+)", source or "")
    if m:
        return f"{m.group(1)}/{m.group(2)}/{m.group(3)}"
    m = re.match(r"\s*([^:\[\]]+?)\s*:.*\[([^\[\]\s]+)\]\s*$", system or "")
    return f"closed/{m.group(1)}/{m.group(2)}" if m else ""


def disaggregation_for(round_: str, model: str, scenario: str, source: str, system: str) -> Disaggregation | None:
    """The prefill and decode pools of a disaggregated submission (DISAGGREGATED, by round, model, scenario and the
    row's submission), else None (the row runs aggregated)."""
    return DISAGGREGATED.get((round_, model, scenario, _submission_dir(source, system)))


def offline_budget_rows(layout: "Layout", serving: "Serving") -> float:
    """The decode rows an Offline engine of the submitter's layout sustains under its token budget ("Offline token
    budget" in the module docstring): every pass of a micro-batch carries at most C (the engine's `max_num_tokens`)
    tokens, its decode rows first and prompt chunks in the rest, and in the steady state the prompt tokens a pass
    admits replace the rows that finish, b I / O of them, so b (1 + I / O) <= C and the engine's pp micro-batches
    hold at most pp C / (1 + I / O) decode rows (TensorRT-LLM's in-flight batcher, `max_num_tokens` and
    `batch_scheduler_policy` max_util [P]). Taken as the engine's sequence cap (`max_batch_size`), so the Offline
    search holds no more rows than the budget lets decode (whole rows: the floor, at least 1)."""
    return float(max(1, math.floor(layout.pp * layout.budget / (1.0 + serving.input_tokens / serving.output_tokens))))


def whole_prompt_engine(round_: str, family: str, lets: dict) -> bool:
    """Whether a Server or Interactive row's engine admits its prompts whole, with no chunked context ("Whole-prompt
    capacity" in the module docstring): NVIDIA's v4.1 harness (`whole_prompts`, set by `_plan_inference` from
    WHOLE_PROMPT_ROUNDS) or AMD's vLLM harness in VLLM_WHOLE_PROMPT_ROUNDS (chunked prefill off)."""
    return "whole_prompts" in lets or (family in VLLM_FAMILIES and round_ in VLLM_WHOLE_PROMPT_ROUNDS)


def engine_limits(round_: str, model: str, scenario: str, chip: str, n: float) -> dict:
    """The lets of one NVIDIA-harness row's engine ("Engine limits" in the module docstring): `max_batch_size`, the
    engine's batch cap (ENGINE_BATCH, by round, model, scenario and chip, or that and the system size), where a
    config gives one; `kv_cache_fraction` (KV_FRACTIONS, else TensorRT-LLM's default) with `memory_reserve` 0 (the
    fraction is of the driver's whole memory less the loaded engine) on every chip that runs TensorRT-LLM
    (TRTLLM_FAMILIES). Other chips (AMD's vLLM harness, TPUs, ...): none."""
    lets = {}
    cap = ENGINE_BATCH.get((round_, model, scenario, chip, int(n)), ENGINE_BATCH.get((round_, model, scenario, chip)))
    if cap is not None:
        lets["max_batch_size"] = float(cap)
    if FAMILIES.get(chip, "") in TRTLLM_FAMILIES:
        lets["kv_cache_fraction"] = KV_FRACTIONS.get((round_, model, scenario, chip), KV_FRACTION_DEFAULT)
        lets["memory_reserve"] = 0.0
    return lets
# a harness-side batcher's window, seconds, by round and chip family: AMD's v4.1 vLLM harness ("Harness batcher")
BATCH_WINDOWS = {("inference-v4.1", "CDNA3 FP8"): 0.3}
LATENCY_OUTPUTS = {"ttft_p50": "ttft_p50", "ttft_p99": "ttft_p99", "tpot_mean": "tpot_mean", "tpot_p99": "tpot_p99"}
LATENCY_CATEGORIES = {"ttft_p50": "TTFT p50", "ttft_p99": "TTFT p99", "tpot_mean": "TPOT mean",
                      "tpot_p99": "TPOT p99"}
THROUGHPUT_CATEGORIES = ("inference Offline", "inference Server", "inference Interactive")
POWER_CATEGORIES = ("power AC", "power DC")
TRAINING_CATEGORY = "training time-to-train"
COVERAGE_TARGET = 0.95      # of the throughput and time-to-train rows (issue 11)
# the unit a metric is measured in when the row gives none, and the dimension it must have
METRIC_UNITS = {"throughput": "tok/s", "training": "min", "latency": "ms", "power": "W"}
UNIT_NAMES = {"tokens/s": "tok/s", "minutes": "min", "minute": "min", "seconds": "s", "watts": "W"}
# (benchmark, scenario, unit as written): the unit the value is in, where a result summary mislabels it (docstring)
UNIT_FIXES = {("llama3.1-8b", "interactive", "queries/s"): "tok/s"}
ALIASES_FILE = "accelerator_aliases.csv"


# ----------------------------------------------------------------------------- accelerator names (data)
@dataclass(frozen=True)
class Alias:
    accelerator: str
    match: str                  # exact | contains
    chip: str
    precision: str              # inference weight precision, "" = the chip's best
    scaleup: str                # "", a count, or "all"
    line: int


def _normal(text: str) -> str:
    text = re.sub(r"\((r|tm)\)|[®™]", "", text, flags=re.IGNORECASE)
    return " ".join(text.split()).casefold()


@lru_cache(maxsize=1)
def aliases() -> tuple[Alias, ...]:
    """The rows of stdlib/accelerator_aliases.csv (comment lines start with #)."""
    from dsl.resources import stdlib_dir

    out = []
    with open(stdlib_dir() / ALIASES_FILE, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(line for line in fh if not line.startswith("#"))
        for i, row in enumerate(reader):
            out.append(Alias(row["accelerator"].strip(), row["match"].strip(), row["chip"].strip(),
                             row["inference_precision"].strip(), row["scaleup"].strip(), i + 2))
    return tuple(out)


def mixed_parts(accelerator: str) -> list[tuple[str, int]]:
    """The parts of a mixed system's accelerator name, (name, count) each, in the order written: "A (x32), B (x16)"
    (MLPerf Inference v5.1) or "A (x8) and B (x8) and C (x8)" (v6.0); [] for a name of one kind (one part, or no
    `(xN)` count)."""
    parts = re.findall(r"([^,]+?)\s*\(x(\d+)\)", accelerator)
    if len(parts) < 2:
        return []
    return [(re.sub(r"^\s*(and\s+)?", "", name).strip(), int(n)) for name, n in parts]


def alias_for(accelerator: str) -> Alias | None:
    """The alias of an accelerator name: an exact name first, else the longest fragment it contains. A mixed system
    ("AMD Instinct MI325X 256GB HBM3E (x16), AMD Instinct MI300X 192GB HBM3 (x8)", MLPerf Inference v5.1) is matched
    by its largest part: all its accelerators are taken as that chip (a throughput row is then re-planned as the
    sum of its parts: `_plan_parts`, "Mixed systems" in the module docstring)."""
    parts = mixed_parts(accelerator)
    if parts:
        return alias_for(max(parts, key=lambda part: part[1])[0])
    name = _normal(accelerator)
    if not name:
        return None
    fragments = []
    for a in aliases():
        if a.match == "exact" and _normal(a.accelerator) == name:
            return a
        if a.match == "contains" and _normal(a.accelerator) in name:
            fragments.append(a)
    return max(fragments, key=lambda a: len(a.accelerator)) if fragments else None


# ----------------------------------------------------------------------------- rows
@dataclass
class Row:
    line: int
    data: dict
    kind: str = ""                    # inference | training (the workload block's kind), "" when not covered
    block: str = ""                   # the workload block compared (shared by rows of the same configuration)
    fields: dict = field(default_factory=dict)   # the block's fields (spec_builder values); empty: not covered
    lets: dict = field(default_factory=dict)
    output: str = ""                  # the block's output compared with the measured value
    scale: float = 1.0                # predicted = output value x scale (per-node power)
    category: str = "other"
    chip: str = ""
    model: str = ""
    reason: str = ""
    measured: float = math.nan        # SI
    unit: str = ""                    # SI unit of measured and predicted
    predicted: float = math.nan
    extra: dict = field(default_factory=dict)
    problem: str = ""                 # why the row is unusable (reported as `invalid-row`, the row skipped)

    @property
    def covered(self) -> bool:
        return bool(self.fields)

    @property
    def text(self) -> str:
        """The row's workload block as spec text ("" when the row is not covered)."""
        return "\n".join(self.to_block().lines()) + "\n" if self.fields else ""

    def to_block(self, name: str | None = None, lets: dict | None = None) -> Block:
        body = [Field(k, v) for k, v in self.fields.items()]
        body += [Let(k, v) for k, v in {**self.lets, **(lets or {})}.items()]
        return Block(self.kind, name or self.block or "row", body)

    @property
    def key(self) -> tuple:
        return (self.kind, tuple((k, repr(v)) for k, v in self.fields.items()),
                tuple((k, repr(v)) for k, v in self.lets.items()))

    @property
    def error(self) -> float:
        return self.predicted / self.measured - 1 if self.measured else math.nan

    @property
    def label(self) -> str:
        d = self.data
        return f"{d['round']} {d['benchmark']} {d['scenario']} {d['accelerator']} x{d['num_accelerators']}"


COLUMNS = {"round", "benchmark", "scenario", "accelerator", "num_accelerators", "metric", "value"}


class HeaderError(ValueError):
    """A CSV header line that names the wrong columns (a usage error, exit 2): placed at the file's line 1,
    column 1 (`error: FILE:1:1: missing columns ...`), where an editor or CI annotation can jump to it."""


def _read_table(path: str, columns: set[str], sink) -> tuple[list[tuple[int, dict]], object]:
    """(line, row dict) of a CSV file, and its Source. A header without `columns` raises ValueError (a usage
    error); a row that cannot be read is an `invalid-row` at its line, skipped."""
    from dsl.source import Source

    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            text = fh.read()
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (a bad byte at offset {exc.start})") from None
    source = Source(path, text)
    if sink is not None:
        sink.add_source(source)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ValueError("the file is empty: a header line naming the columns is needed") from None
    except csv.Error as exc:
        raise HeaderError(f"the header line cannot be read: {exc}") from None
    if not any(header):
        raise HeaderError("the first line is empty: it must be the header line naming the columns")
    missing = columns - set(header)
    if missing:                 # (the header as read: a `;` or tab separator, or capitals, show at once)
        raise HeaderError(f"missing columns {', '.join(sorted(missing))} (the header line reads "
                         f"`{source.line_text(1)[:120]}`; columns are separated by commas, names in lower case)")
    twice = sorted({h for h in header if h in columns and header.count(h) > 1})
    if twice:                   # a row would keep the last one's value and point at the first's column
        raise HeaderError(f"the header names {', '.join(twice)} more than once")
    rows: list[tuple[int, dict]] = []
    last = reader.line_num
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            _row_problem(sink, source, last + 1, f"cannot be read: {exc}")
            if reader.line_num <= last:
                break
            last = reader.line_num
            continue
        first, last = last + 1, reader.line_num
        if not any(f.strip() for f in fields):
            continue
        if len(fields) != len(header):
            why = f"the row has {len(fields)} fields; the header has {len(header)}"
            if last > first and any("\n" in f for f in fields):
                why += f" (a quote opened on this line is closed only on line {last}, or never)"
            elif source.line_text(first).count('"') % 2:
                why += " (a quote opened on this line is never closed)"
            _row_problem(sink, source, first, why)
            continue
        rows.append((first, dict(zip(header, fields))))
    if not rows and sink is not None and not sink.items:
        _row_problem(sink, source, 1, "the file has a header but no rows to compare")
    return rows, source


def read_csv(path: str, sink=None) -> list[Row]:
    """The rows of a measurements CSV (a UTF-8 byte-order mark is allowed); see `_read_table`."""
    rows, _ = _read_table(path, COLUMNS, sink)
    return [Row(line, data) for line, data in rows]


def _line_offset(source, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = source.text.find("\n", offset) + 1
    return offset


def _row_problem(sink, source, line: int, why: str, code: str = Code.INVALID_ROW, column: int | None = None,
                 width: int | None = None) -> None:
    """Report a row's problem at its line (the whole line, or `width` characters from 0-based `column`)."""
    if sink is None:
        return
    offset = _line_offset(source, line)
    if column is None:
        span = source.span(offset, offset + len(source.line_text(line)))
    else:
        span = source.span(offset + column, offset + column + max(width or 1, 1))
    sink.error(code, f"{why}; the row is skipped" if line > 1 else why, span)


def _field_columns(line_text: str) -> list[tuple[int, int]]:
    """(0-based start, width) of each comma-separated field of one CSV line (quotes respected)."""
    out, start, quoted, i = [], 0, False, 0
    while i < len(line_text):
        ch = line_text[i]
        if ch == '"':
            if quoted and i + 1 < len(line_text) and line_text[i + 1] == '"':
                i += 1
            else:
                quoted = not quoted
        elif ch == "," and not quoted:
            out.append((start, i - start))
            start = i + 1
        i += 1
    out.append((start, len(line_text) - start))
    return out


# ----------------------------------------------------------------------------- planning a row
def _number(text: str) -> float | None:
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def _measured(row: Row, kind: str) -> str | None:
    """Read the measured value into SI (row.measured, row.unit); why it is unusable, or None."""
    from dsl.units import UnitError, parse_unit, si_unit

    d = row.data
    value = _number(d["value"])
    if value is None:
        return f"value `{d['value']}` is not a number"
    if not (math.isfinite(value) and value > 0):
        return f"the measured value `{d['value']}` is not a finite number above 0"
    default = parse_unit(METRIC_UNITS[kind])
    text = (d.get("unit") or "").strip()
    if kind == "throughput":
        bench, interactive = _benchmark(d["benchmark"])
        scenario = "interactive" if interactive else d["scenario"].strip().lower()
        text = UNIT_FIXES.get((bench, scenario, text.lower()), text)
    text = UNIT_NAMES.get(text.lower(), text) or METRIC_UNITS[kind]
    try:
        unit = parse_unit(text)
    except (UnitError, KeyError, ValueError):
        return f"unit `{d.get('unit')}` is not a unit (expected one like {METRIC_UNITS[kind]})"
    if unit.dim != default.dim or unit.point:
        return f"unit `{d.get('unit')}` is not a {_dimension(default.dim)} unit like {METRIC_UNITS[kind]}"
    row.measured, row.unit = unit.to_si(value), si_unit(default.dim)
    return None


def _dimension(dim) -> str:
    from dsl.units import dimension_name

    return dimension_name(dim)


def _count(row: Row) -> tuple[float | None, str | None]:
    text = row.data["num_accelerators"]
    n = _number(text)
    if n is None:
        return None, f"num_accelerators `{text}` is not a number"
    if not (math.isfinite(n) and n >= 1 and n == int(n)):
        return None, f"num_accelerators `{text}` is not a whole number of at least 1"
    return n, None


def _nodes(source: str) -> int | None:
    m = re.search(r"nodes=(\d+)", source or "")
    return int(m.group(1)) if m else None


def _result_nodes(source: str) -> int | None:
    """The node count a training result's path names (`.../results/l40s_n16_ngc24.04_nemo/...`: 16), else None."""
    m = re.search(r"/results/[\w.-]*?_n(\d+)_", source or "")
    return int(m.group(1)) if m else None


def _benchmark(name: str) -> tuple[str, bool]:
    """(the benchmark without its accuracy suffix and `-interactive`, whether it is the interactive variant)."""
    base = re.sub(r"-99(\.9)?$", "", name.strip().lower())
    interactive = base.endswith("-interactive")
    base = base[: -len("-interactive")] if interactive else base
    return BENCHMARK_NAMES.get(base, base), interactive


def _metric_kind(metric: str) -> str:
    if metric == "throughput":
        return "throughput"
    if metric == "time_to_train":
        return "training"
    if metric in LATENCY_OUTPUTS:
        return "latency"
    if metric.startswith(("system_power_avg", "mean_power_per_8GPU_node")):
        return "power"
    return ""


def _category(row: Row) -> str:
    d = row.data
    metric = d["metric"].strip()
    kind = _metric_kind(metric)
    if kind in ("throughput", "latency"):
        _, interactive = _benchmark(d["benchmark"])
        scenario = "Interactive" if interactive else d["scenario"].strip().capitalize()
        if kind == "latency":
            return LATENCY_CATEGORIES[metric]
        return f"inference {scenario}"
    if kind == "training":
        return TRAINING_CATEGORY
    if kind == "power":
        return "power DC" if "(DC)" in metric else "power AC"
    return "other"


def _undescribed(benchmark: str, kind: str, metric: str) -> str:
    """Why a row's benchmark cannot be compared (no workload description of its kind), or ""."""
    if kind in ("throughput", "latency") or metric.startswith("system_power_avg"):
        known = _benchmark(benchmark)[0] in SERVING
    else:
        bench = benchmark.strip().lower()
        known = TRAINING_NAMES.get(bench, bench) in TRAINING
    return "" if known else f"benchmark `{benchmark}` has no workload description"


# MLCommons reference implementations run through the CM automation name their system `<sut>-reference-<device>-
# <framework>-<version>-<config>` (mlcommons/inference_results_v4.1 closed/NeuralMagic/systems/vLLM_8xL40S-reference-
# cpu-pytorch-v2.3.1-default_config.json, read 2026-12-05 [P]). Such a run measures the reference harness, not the
# accelerators: NeuralMagic's 8x L40S Llama 2 70B ran the reference SUT (`--implementation=reference`) sending the
# samples from one client worker (`--num_workers=1`) to a vLLM 0.5.2 OpenAI server (`--api_server`), its Server
# load set by hand (`--server_target_qps`; "Scheduled samples per second: 2.00024" = 592 tok/s), Offline 948 tok/s
# (measurements/<system>/llama2-70b-99/{offline,server}/README.md, user.conf `target_qps = 3` [P]) where the same
# eight cards under TensorRT-LLM measured 3,482-3,718 tok/s (Dell, Fujitsu). Its throughput and latency rows are
# therefore not compared (a rule by the kind of run, as the MaxQ power limit is: docs/accuracy.md "Add-in cards").
REFERENCE_IMPLEMENTATION_REASON = ("an MLCommons reference-implementation run (CM `-reference-` system): its rate is the "
                                   "reference harness's (one client worker to an API server), not the accelerators'")


def _reference_implementation(system: str) -> bool:
    """Whether a row's system is an MLCommons reference-implementation run (the CM name's `-reference-` part, in
    the bracketed system id that the calibration file carries after the system name)."""
    ident = re.findall(r"\[([^\]]+)\]", system)
    return any("-reference-" in f"-{i.strip().lower()}-" for i in ident)


def plan(row: Row, mechanisms: dict | None = None) -> None:
    """Fill in the workload block for a row (its fields, the output compared), or the reason it is not covered,
    or the problem that makes it unusable (row.problem: an `invalid-row`); `mechanisms` says where each measured
    mechanism applies (MECHANISMS when None)."""
    mechanisms = MECHANISMS if mechanisms is None else mechanisms
    from .models import outputs_for

    d = row.data
    metric = d["metric"].strip()
    kind = _metric_kind(metric)
    row.category = _category(row)
    if not kind:
        row.reason = f"metric `{metric}` is not a compared metric"
        return
    if not d["accelerator"].strip():
        row.reason = "the row names no accelerator"
        return
    undescribed = _undescribed(d["benchmark"], kind, metric)
    if undescribed:                  # not a row we compare, whatever its unit says (module docstring)
        row.reason = undescribed
        return
    alias = alias_for(d["accelerator"])
    if alias is None:                # not compared, whatever its count or value (a CPU-only row may give no count)
        row.reason = f"no stdlib chip for `{d['accelerator']}` (add it to stdlib/{ALIASES_FILE})"
        return
    n, problem = _count(row)
    problem = problem or _measured(row, kind)
    if problem is not None:
        row.problem = problem
        return
    chip = alias.chip
    system_name = d.get("system") or ""
    if kind in ("throughput", "latency") and _reference_implementation(system_name):
        row.reason = REFERENCE_IMPLEMENTATION_REASON
        return
    cap = None
    if any(name in system_name.lower() for name in POWER_CAPPED_NAMES):
        cap = _maxq_power_limit(row)
        if cap is None:
            row.reason = "power-capped (MaxQ) submission whose power limit is not known (MAXQ_POWER_LIMIT)"
            return
    if kind in ("throughput", "latency") or (kind == "power" and metric.startswith("system_power_avg")):
        _plan_inference(row, n, alias, kind, metric, mechanisms)
    else:
        _plan_training(row, n, alias, kind, metric)
        if row.kind == "training" and kind != "power" and "training" in mechanisms.get("dp_domain_rings", ()):
            row.lets["dp_domain_rings"] = Number(1)     # the mechanism (MECHANISM_TABLE; training.py dp_domain_rings)
        if row.kind == "training" and kind != "power" and "training" in mechanisms.get("full_graph_schedule", ()):
            row.lets["full_graph_schedule"] = Number(1)     # the mechanism (MECHANISM_TABLE; training.py)
    if cap is not None and row.fields:
        row.fields["power_cap"] = Q(cap, "W")      # the submission's per-GPU power limit (MAXQ_POWER_LIMIT)
    if row.fields and row.output and row.output not in outputs_for(row.kind):
        row.reason = f"the {row.kind} model has no output `{row.output}`"
        row.fields = {}
    _plan_parts(row, mechanisms)


def _plan_parts(row: Row, mechanisms: dict) -> None:
    """A mixed system's throughput row (module docstring, "Mixed systems"): each part of its accelerator name
    (mixed_parts) is planned as a row of its own, `count` accelerators of its chip in one node's scale-up domain
    (at most 8, the source's `nodes=` dropped), and the row's prediction is the sum of the parts' (one service a
    node behind one client that spreads the queries by per-node weights [P], each part at its own capacity [U]). The row evaluates its first part itself and keeps the others in `extra["parts"]`; a row whose parts
    do not add up to its count, or one of whose parts is not covered, keeps the plan of its largest part."""
    parts = mixed_parts(row.data.get("accelerator", ""))
    if not parts or row.kind != "inference" or row.output != "tokens_per_s" or not row.fields:
        return
    if sum(n for _, n in parts) != row.fields.get("accelerators"):
        return
    source = re.sub(r"nodes=\d+", "", row.data.get("source", "") or "")
    subs = []
    for name, count in parts:
        sub = Row(row.line, {**row.data, "accelerator": name, "num_accelerators": str(count), "source": source})
        plan(sub, mechanisms)
        if not sub.fields:
            return
        subs.append(sub)
    first = subs[0]
    row.fields, row.lets, row.chip, row.model, row.scale = first.fields, first.lets, first.chip, first.model, first.scale
    row.extra["parts"] = subs[1:]


def _maxq_power_limit(row: Row) -> float | None:
    """The per-accelerator power limit of a power-capped (MaxQ) submission: MAXQ_POWER_LIMIT by the result
    directory of its source and its benchmark, else None."""
    m = re.search(r"/results/([^/\s]+)/", row.data.get("source", "") or "")
    bench, _ = _benchmark(row.data["benchmark"])
    return MAXQ_POWER_LIMIT.get(m.group(1) if m else "", {}).get(bench)


def _round_version(name: str) -> float:
    """The version of an MLPerf round name (`inference-v6.0` -> 6.0); 0 where it names none."""
    m = re.search(r"-v(\d+(?:\.\d+)?)", name or "")
    return float(m.group(1)) if m else 0.0


def _scaleup(alias: Alias, n: float, source: str) -> float:
    if alias.scaleup == "all":
        return n
    if alias.scaleup:
        return min(float(alias.scaleup), n)
    nodes = _nodes(source)
    return n / nodes if nodes else min(n, 8)


def _by_chip(table: dict, first: str, chip: str, family: str):
    """table[(first, chip)], else table[(first, the chip's generation)] (GENERATIONS: "Hopper", "Blackwell"), else
    None: data given for one chip or for every chip of its generation."""
    return table.get((first, chip), table.get((first, GENERATIONS.get(family, ""))))


def _plan_inference(row: Row, n: float, alias: Alias, kind: str, metric: str, mechanisms: dict) -> None:
    d = row.data
    bench, interactive = _benchmark(d["benchmark"])
    serving = SERVING.get(bench)
    if serving is None:
        row.reason = f"benchmark `{d['benchmark']}` has no workload description"
        return
    scenario = "interactive" if interactive else d["scenario"].strip().lower()
    if scenario not in ("offline", "server", "interactive"):
        row.reason = f"scenario `{d['scenario']}` is not compared"
        return
    if kind == "latency" and scenario == "offline":
        row.reason = "latency percentiles of an Offline run are not compared (no arrival process)"
        return
    round_, family = d.get("round", "").strip(), FAMILIES.get(alias.chip, "")   # the row's round, chip family
    fields: dict = {"model": Ref(serving.model)}
    if kind == "power":
        system = POWER_SYSTEMS.get(alias.chip)
        if system is None:
            row.reason = f"no stdlib server for chip {alias.chip} to take the system power from"
            return
        fields["system"] = Ref(system)
    else:
        fields["chip"] = Ref(alias.chip)
        fields["scaleup_size"] = _scaleup(alias, n, d.get("source", ""))
    fields["accelerators"] = n
    if alias.precision:
        fields["precision"] = alias.precision
    fields["scenario"] = scenario
    fields["input_tokens"] = Q(serving.input_tokens, "tok")
    fields["output_tokens"] = Q(serving.output_tokens, "tok")
    own_output = ENGINE_OUTPUT_TOKENS.get((serving.model, family or OUTPUT_LENGTH_CHECKPOINTS.get((serving.model, alias.chip), "")),
                                          ENGINE_OUTPUT_TOKENS.get((serving.model, alias.chip)))   # by chip: no family
    length_mechanism = OUTPUT_LENGTH_MECHANISMS.get(serving.model, "engine_output_lengths")
    if own_output is not None and scenario in mechanisms[length_mechanism]:   # measured (ENGINE_OUTPUT_TOKENS)
        fields["output_tokens"] = Q(own_output, "tok")   # the engine's checkpoint answers shorter than the reference
    if scenario != "offline":
        limits = serving.limits.get(scenario)
        if limits is None:
            row.reason = f"benchmark `{d['benchmark']}` has no {scenario} latency limits"
            return
        fields["ttft_limit"] = Q(limits[0], "s")
        fields["tpot_limit"] = Q(limits[1], "s")
    if serving.beams > 1:
        row.lets = {"beams": float(serving.beams)}   # the beams of a request: rows sharing its prompt (inference)
    checkpoint = _by_chip(CHECKPOINT_FORMATS, bench, alias.chip, family)
    if checkpoint is not None:                       # the engine's compute format ("gpt-oss-120b by platform")
        fields.update(checkpoint[0])
        row.lets.update(checkpoint[1])
    if serving.prompt_cv and scenario != "offline":
        row.lets["prompt_length_cv"] = float(serving.prompt_cv)   # the benchmark's prompt spread ("Prompt lengths")
    budget = _by_chip(serving.budgets, scenario, alias.chip, family)
    if budget is not None and round_ == "inference-v5.0":
        fields["max_num_tokens"] = Q(budget, "tok")  # the token budget of NVIDIA's harness ("Token budget" above)
        if scenario in mechanisms["serial_context_chunks"]:   # measured, not applied ("Serial context chunks")
            row.lets["serial_context_chunks"] = 1.0  # its C++ runtime: one chunk a micro-batch a pipeline cycle
    own = SUBMISSION_BUDGETS.get((round_, serving.model, scenario, _result_system(d.get("source", ""))),
                                 ENGINE_BUDGETS.get((round_, serving.model, scenario, alias.chip)))
    if own is not None and scenario in mechanisms["engine_budgets"]:
        fields["max_num_tokens"] = Q(own[0] / own[1], "tok")   # the engine's own budget, per rank ("Engine budgets")
    kv16 = KV16_ENGINES.get((round_, serving.model, scenario, _result_system(d.get("source", ""))))
    if kv16 is not None and scenario in mechanisms["engine_kv_precision"]:   # applied (KV16_ENGINES): a config fact
        fields["kv_precision"] = kv16                # the engine's KV cache unquantized: 16-bit values
    if serving.max_input and scenario != "offline":
        fields["max_input_tokens"] = Q(serving.max_input, "tok")
    if (scenario != "offline" and round_ in WHOLE_PROMPT_ROUNDS
            and family not in VLLM_FAMILIES and serving.model in WHOLE_PROMPT_MODELS):
        row.lets["whole_prompts"] = 1.0              # NVIDIA's v4.1 harness: no chunked context ("Token budget")
        engine_budget = WHOLE_PROMPT_BUDGETS.get((serving.model, alias.chip))
        if engine_budget:
            fields["max_num_tokens"] = Q(engine_budget, "tok")   # the v4.1 engine's budget, per rank ("Token budget")
    if scenario != "offline" and family in TRTLLM_FAMILIES and "whole_prompts" not in row.lets:
        row.lets["context_chunk_unit"] = Q(TRTLLM_TOKENS_PER_BLOCK, "tok")   # a chunk is whole KV blocks ("Chunk unit")
    layout = layout_for(round_, serving.model, scenario, alias.chip, d.get("source", ""))
    # a prompt longer than the engine's budget a micro-batch spans several of its steps: the submitter's engine
    # paces the first token ("Long-prompt layouts")
    long_prompt = (layout is not None and scenario in mechanisms["long_prompt_layouts"]
                   and 0 < layout.budget < serving.input_tokens)
    # NVIDIA's Interactive engines (measured, not applied; "The H200 Interactive TTFT gap"): the submitter's layout
    # and budget, and the prompt queue's wait under the harness's least-busy dispatch
    own_engine = (layout is not None and scenario in mechanisms["interactive_engines"] and family in TRTLLM_FAMILIES)
    if layout is not None and (scenario in mechanisms["layouts"] or long_prompt or own_engine):   # the submitter's
        fields["tp"], fields["pp"] = float(layout.tp), float(layout.pp)
        if layout.budget and round_ in LAYOUT_BUDGET_ROUNDS:
            fields["max_num_tokens"] = Q(layout.budget / layout.tp, "tok")   # the engine's budget, per rank
    knee_idle = ((scenario in mechanisms["knee_power"] and alias.chip in KNEE_POWER_CHIPS)
                 or scenario in mechanisms["knee_power_all"]
                 or (scenario in mechanisms["knee_power_hopper"] and alias.chip in KNEE_POWER_HOPPER_CHIPS)
                 or scenario in mechanisms["step_draw"])      # measured, not applied (s18-tp1step)
    if own_engine and dispatch_policy(round_, family, layout, n)[0] == "least":
        # the wait a least-busy dispatch leaves, derived on the step the row runs (the knee idle or drawing); with
        # `least_share_scope` (applied, s26-apply) only on the engine it was simulated on (LEAST_SHARE_ENGINES)
        if (scenario not in mechanisms["least_share_scope"]
                or (layout.tp, layout.pp, layout.budget) in LEAST_SHARE_ENGINES):
            row.lets["dispatch_wait_share"] = (LEAST_DISPATCH_WAIT_SHARE_KNEE_IDLE if knee_idle
                                               else LEAST_DISPATCH_WAIT_SHARE)
        if scenario in mechanisms["least_busy_law"]:   # measured, not applied ("The least-busy share as a law")
            # the wait as a law of the queue over the harness's engines (inference.least_busy_utilization)
            row.lets["dispatch_wait_share"] = 1.0
            row.lets["dispatch_wait_engines"] = float(dispatch_policy(round_, family, layout, n)[1])
            if scenario in mechanisms["least_busy_tail"]:   # measured, not applied ("The least-busy wait's tail")
                row.lets["dispatch_wait_tail"] = 1.0        # the wait's Cramer-Lundberg tail (least_busy_tail)
                if scenario in mechanisms["least_busy_bulk"]:   # measured, not applied (s22-lbtail)
                    row.lets["dispatch_wait_tail"] = 2.0    # the bulk queue in steps (least_busy_bulk)
    if "whole_prompts" in row.lets and scenario in mechanisms["whole_step_p50"]:   # applied (session 21)
        # the whole-prompt p50 from its queue ("The whole-prompt engines' first token", s21-v41): the engines that
        # drain one shared queue (NVIDIA's v4.1 harness at tp x pp 1), else the engine's own queue
        policy, engines = dispatch_policy(round_, family, layout, n)
        row.lets["whole_step_engines"] = float(engines) if policy == "shared" else 1.0
        if policy == "least" and scenario in mechanisms["whole_step_least"]:   # applied (session 21)
            row.lets["dispatch_wait_p50"] = dispatch_waits(policy, engines)[0]   # DISPATCH_WAITS' least-busy p50
    pools = disaggregation_for(round_, serving.model, scenario, d.get("source", ""), d.get("system", ""))
    if (scenario in mechanisms["least_busy_rows"] and not own_engine and "context_chunk_unit" in row.lets
            and pools is None and dispatch_policy(round_, family, layout, n)[0] == "least"):
        # measured, not applied ("The Interactive chunk rounding and the bulk prompt queue"): the harness's
        # least-busy wait as a law of the queue (least_busy_law's) at its own tail (least_busy_tail's) on the
        # model's own engines; c the harness's engines (the submitter's layout where known)
        row.lets["dispatch_wait_share"] = 1.0
        row.lets["dispatch_wait_engines"] = float(dispatch_policy(round_, family, layout, n)[1])
        row.lets["dispatch_wait_tail"] = 2.0 if scenario in mechanisms["least_busy_bulk"] else 1.0
    if pools is not None and scenario in mechanisms["disaggregated"]:   # prefill and decode pools ("Disaggregated")
        fields["serving"] = "disaggregated"
        fields["tp"], fields["pp"] = float(pools.decode_tp), 1.0          # a decode rank's engine
        fields["prefill_accelerators"] = float(pools.prefill_chips)       # the run's split: its prefill pool
        fields["prefill_tp"] = float(pools.prefill_chips_each)            # and a prefill worker's chips
        if pools.decode_ranks > 1:
            fields["ep"] = float(pools.decode_tp * pools.decode_ranks)    # attention-DP ranks, experts over all
    ranks = ADP_ENGINE_RANKS.get(serving.model)
    if ranks and scenario in mechanisms["adp_engines"] and pools is None:   # measured, not applied (ADP_ENGINE_RANKS)
        fields["tp"], fields["pp"], fields["ep"] = 1.0, 1.0, float(ranks)   # ranks of one GPU, experts over them all
        cap = ADP_RANK_BATCH.get((round_, scenario, alias.chip, int(n)),
                                 ADP_RANK_BATCH.get((round_, scenario, alias.chip)))
        if cap:
            row.lets["max_batch_size"] = float(cap * ranks)   # an engine (its d ranks) holds gpu_batch_size a rank
        row.lets["adp_balance"] = 1.0                # the ADP balancer: every rank carries the mean prompt load
        if (scenario in mechanisms["adp_row_time"] and serving.model in ADP_ROW_TIME_MODELS
                and round_ in ADP_ROW_TIME_ROUNDS):  # measured, not applied (ADP_SEQ_OVERHEAD): on that engine only
            row.lets["seq_overhead"] = Q(ADP_SEQ_OVERHEAD, "s")   # the mid-2025 PyTorch ADP engine's time a row a step
    if (scenario in mechanisms["offline_budget"] and layout is not None and layout.budget
            and "tp" in fields and round_ in LAYOUT_BUDGET_ROUNDS):   # measured ("Offline token budget" above)
        row.lets["max_batch_size"] = offline_budget_rows(layout, serving)   # the rows its budget sustains
    if scenario in mechanisms["harness_dispatch"] and pools is None:   # measured, not applied (DISPATCH_WAITS)
        policy, engines = dispatch_policy(round_, family, layout, n)
        p50, p99 = dispatch_waits(policy, engines)
        r50, r99 = DISPATCH_RESIDUAL_DELAY if "whole_prompts" not in row.lets else (0.0, 0.0)
        row.lets["first_token_delay"] = r50          # (read only on rows with chunked context)
        row.lets["dispatch_wait_p50"], row.lets["dispatch_wait_p99"] = p50, p99 + (r99 - r50)
    dispatch_p50 = (scenario in mechanisms["dispatch_p50"] and pools is None
                    and scenario not in mechanisms["harness_dispatch"])
    if dispatch_p50:                                 # measured, not applied (DISPATCH_P50_DELAY)
        row.lets["dispatch_wait_p50"] = dispatch_waits(*dispatch_policy(round_, family, layout, n))[0]
        row.lets["first_token_delay"] = DISPATCH_P50_DELAY[0]   # (read only where prompts are not whole)
    if row.lets.get("whole_step_engines", 0.0) > 1 and "dispatch_wait_p50" in row.lets:
        row.lets["dispatch_wait_p50"] = 0.0          # the whole-step p50 carries the shared queue's wait itself
    if (scenario in mechanisms["residual_tail"] and "context_chunk_unit" in row.lets
            and scenario not in mechanisms["harness_dispatch"]):   # applied (session 13; RESIDUAL_TAIL_P99_DELAY)
        row.lets["step_residual_tail"] = 1.0         # the rest of the step in flight at its spread (the default)
        row.lets["first_token_delay_p99"] = (DISPATCH_P50_DELAY[1] if dispatch_p50   # the p99 share of the delay
                                             else RESIDUAL_TAIL_P99_DELAY)           # (the default)
    elif scenario != "offline":                      # the model's default since 2026-12-06; validate's other rows
        row.lets["step_residual_tail"] = 0.0         # (not chunked TensorRT-LLM, or the harness's dispatch) keep R
    if scenario in mechanisms["busy_step_mean"]:     # applied (s26-apply; on the rows not chunked it moves none)
        row.lets["busy_step_length"] = 1.0           # the wait at the busy steps' mean length (the model's default)
    elif scenario != "offline":                      # `--without busy_step_mean`: every busy step full (the model
        row.lets["busy_step_length"] = 0.0           # before 2026-12-07)
    if (scenario in mechanisms["chunk_steps"] and "context_chunk_unit" in row.lets
            and scenario not in mechanisms["harness_dispatch"]):   # measured, not applied (CHUNK_STEPS_P99_DELAY)
        row.lets["integer_chunk_steps"] = 1.0        # whole steps at each quantile: the first token ends a step
        if row.lets.get("step_residual_tail"):       # the p99 share of the delay
            row.lets["first_token_delay_p99"] = CHUNK_STEPS_P99_DELAY
        else:
            row.lets["dispatch_wait_p99"] = CHUNK_STEPS_P99_DELAY - FIRST_TOKEN_DELAY
    if scenario in mechanisms["engine_limits"]:      # measured, not applied ("Engine limits" above)
        row.lets.update(engine_limits(round_, serving.model, scenario, alias.chip, n))
    if scenario in mechanisms["kv_room"] and serving.model in OUTPUT_CVS:   # measured, not applied
        row.lets["kv_room_wait"] = 1.0               # the KV cache as the engines fill it ("KV room" above)
        row.lets["output_length_cv"] = OUTPUT_CVS[serving.model]
    if (scenario in mechanisms["engine_kv_wait"] and pools is None   # measured, not applied ("Engine KV wait")
            and dispatch_policy(round_, family, layout, n)[0] != "least"):
        row.lets["kv_room_wait"] = 1.0               # the wait for the engine's own KV rows (no length spread:
                                                     # the rows the batch holds, I / k + O / 2 a row)
    if scenario in mechanisms["output_spread"] and serving.model in OUTPUT_CVS:   # ("Output spread" above)
        row.lets["output_length_cv"] = OUTPUT_CVS[serving.model]   # the p99 TPOT over requests of their own lengths
    busy_all = scenario in mechanisms["prompt_busy_window_all"]
    if scenario in mechanisms["prompt_busy_window"] or busy_all:   # applied (session 22; "Prompt busy window")
        # a request's TPOT from the prompt queue's busy period: where a prompt spans several steps (1), every row (2)
        row.lets["prompt_busy_window"] = 2.0 if busy_all else 1.0
        # over its own output length (TEST06's spread) where the law reads it: every row (2), or where a mean prompt
        # exceeds the engine's budget (1; the budget given, else the default max_num_tokens), which the law's
        # weight reaches; elsewhere `output_length_cv` would move today's tail (`output_spread`)
        budget = layout.budget if layout is not None and layout.budget else DEFAULT_CHUNK_TOKENS
        single_stage = layout is None or layout.pp <= 1      # the law reads pp 1 engines only
        if serving.model in OUTPUT_CVS and (busy_all or (serving.input_tokens > budget and single_stage)):
            row.lets["output_length_cv"] = OUTPUT_CVS[serving.model]
    if scenario in mechanisms["kv_cap"] and serving.model in OUTPUT_CVS:   # measured, not applied ("KV cap" above)
        row.lets["kv_room_wait"] = 1.0               # the batch capped at the rows the KV pool holds
        row.lets["output_length_cv"] = OUTPUT_CVS[serving.model]
        row.lets["kv_wait_service_spread"] = 1.0     # the excess waits for a slot as an M/G/c queue
    window = BATCH_WINDOWS.get((round_, family))
    if window and scenario != "offline":
        row.lets["batch_window"] = Q(window, "s")    # AMD's v4.1 harness-side batcher ("Harness batcher" above)
    if (round_, serving.model) in GEMM_SWIGLU and alias.chip in GEMM_SWIGLU_CHIPS:
        row.lets["gemm_swiglu"] = 1.0                # SwiGLU in the gate-up GEMM's epilogue ("GEMM SwiGLU" above)
    if scenario in mechanisms["swiglu_kernel"]:      # measured, not applied (GEMM_SWIGLU above)
        row.lets["swiglu_kernel"] = 1.0              # the separate SiLU-and-multiply kernel where it runs
    release = ENGINE_RELEASE_GEMM.get((round_, family))
    if release and scenario in mechanisms["engine_release_gemm"]:   # measured, not applied (ENGINE_RELEASE_GEMM)
        row.lets["dense_gemm_release_rate"] = release    # the dense GEMMs at the round's engine release's rate
    if scenario in mechanisms["fp4_quantize"]:       # measured, not applied ("FP4 activation quantization")
        row.lets["fp4_quantize_kernels"] = 1.0       # NVFP4 GEMM inputs' quantize kernels (0 bytes off FP4)
    if scenario in mechanisms["own_prompt_spread"]:  # applied ("Own prompt spread")
        row.lets["own_prompt_spread"] = 1.0          # the own prompt's quantile at the benchmark's spread
    if scenario in mechanisms["row_count_elasticity"]:   # measured, not applied ("Row count elasticity")
        row.lets["row_count_elasticity"] = 1.0       # the rows in flight spread as b / eps, not Poisson
    if scenario in mechanisms["dispatch_held_rows"] and pools is None:   # measured ("Dispatch-held rows")
        policy, engines = dispatch_policy(round_, family, layout, n)
        row.lets["row_count_elasticity"] = 1.0       # the rows in flight as the birth-death count, an engine's
        row.lets["row_dispatch_engines"] = engines   # the engines one harness spreads the requests over
        row.lets["row_dispatch"] = {"own": 0.0, "shared": 1.0, "least": 2.0}[policy]   # and how
    if scenario in mechanisms["budget_held_rows"]:   # measured ("Budget-held rows")
        row.lets["row_count_elasticity"] = 1.0       # the rows in flight as the birth-death count ...
        row.lets["row_budget_hold"] = 1.0            # ... held by the token budget's admission where it binds
    if scenario in mechanisms["run_ramp"]:           # measured, not applied ("Run ramp")
        row.lets["run_ramp_deficit"] = RUN_RAMP_DEFICIT   # the mean step a run from empty may fall short by
    if scenario in mechanisms["batch_refinement"]:   # measured, not applied ("Batch refinement")
        row.lets["batch_refinement"] = BATCH_REFINEMENT   # the capacity point at its binding limit, not the grid's
    if ((scenario in mechanisms["clock_draw"] and alias.chip in KNEE_POWER_HOPPER_CHIPS)   # measured, not applied
            or scenario in mechanisms["step_draw"]):   # every chip (s18-tp1step): the draw's law, one for all
        row.lets["clock_draw_activity"] = 1.0        # the step's clock at the activity its draw counts (s15-knee)
    if scenario in mechanisms["power_limit_window"]:   # measured, not applied ("The power limit over a window")
        row.lets["power_limit_window"] = 1.0         # the clock of the steps' mean draw over the limiter's window
    if scenario in mechanisms["fp4_knee_power"]:     # measured, not applied ("The bigger chip's clock", s17)
        row.lets["knee_own_power"] = 1.0             # a GEMM's knee draws the chip's own a (Blackwell Ultra at fp4)
    if scenario in mechanisms["knee_under_weights"]:   # measured, not applied (s26-sramfp4, s26-knee)
        row.lets["knee_under_weights"] = 1.0         # the knee's time the weight read covers draws nothing
    if scenario in mechanisms["converged_voltage_floor"]:   # measured, not applied (s17-h200, s18-refit)
        row.lets["power_fit_voltage_floor"] = CONVERGED_VOLTAGE_FLOOR   # the power fit re-based on the refit floor
        pair = []                                    # and the first-token pair refit with it, where the row's
        if scenario != "offline" and "first_token_delay" not in row.lets:   # mechanisms set none of their own
            row.lets["first_token_delay"] = CONVERGED_FIRST_TOKEN_PAIR[0]
            pair.append("first_token_delay")
        if row.lets.get("step_residual_tail") and row.lets.get("first_token_delay_p99") == RESIDUAL_TAIL_P99_DELAY:
            row.lets["first_token_delay_p99"] = CONVERGED_FIRST_TOKEN_PAIR[1]
            pair.append("first_token_delay_p99")
        if pair:                                     # what a rescan of the pair moves (bench/cross_round.py)
            row.extra["default_pair_lets"] = tuple(pair)
    if scenario in mechanisms["hbm3e_memory_power"] and alias.chip in HBM3E_CHIPS:   # measured, not applied
        row.lets["hbm_access_energy_pj"] = HBM3E_ACCESS_ENERGY_PJ   # HBM3e's b at 3.9 pJ/bit (s17-h200)
    if scenario in mechanisms["one_die_power"]:      # measured, not applied (s22-bwratio)
        row.lets["one_die_power"] = 1.0              # a die twin's power fit and rate at its own top clock
    if knee_idle:
        row.lets["gemm_knee_power"] = 0.0            # the matrix units idle through a GEMM's knee (their chips' 0)
    elif alias.chip in KNEE_POWER_CHIPS:             # `--without knee_power`: the knee draws as on other chips
        row.lets["gemm_knee_power"] = 1.0
    if scenario in mechanisms["capacity_margin"] and alias.chip in KNEE_POWER_CHIPS:   # applied (session 13)
        row.lets["capacity_margin"] = ADDIN_CAPACITY_MARGIN   # the least TPOT p99 within 5% of the most throughput
    if scenario in mechanisms["nvl_margin"] and alias.chip in MARGIN_ONLY_CHIPS:   # measured, not applied (s14)
        row.lets["capacity_margin"] = NVL_CAPACITY_MARGIN     # the partners' H200 NVL runs below their capacity
    tuned = (round_, serving.model, scenario, alias.chip) in TUNED_GEMM_CONFIGS
    if family == "CDNA3 FP8" and ((scenario in mechanisms["amd_tuned_gemms"] and tuned)    # applied (s12-amd)
                                  or scenario in mechanisms["cdna3_gemm_knee"]):      # measured, not applied
        row.lets["gemm_half_rows"] = CDNA3_GEMM_HALF_ROWS   # the knee of AMD's tuned hipBLASLt FP8 GEMMs
    if family == "CDNA3 FP8" and scenario in mechanisms["cdna3_token_split"]:   # measured, not applied
        row.lets["inference_gemm_efficiency"] = CDNA3_SPLIT_GEMM_EFFICIENCY   # hipBLASLt's measured rate
        row.lets["token_layer_time"] = Q(CDNA3_TOKEN_LAYER_TIME, "s")     # the rest of the old factor, a token
        if "gemm_half_rows" in row.lets:                  # the knee at hipBLASLt's own per-row time
            row.lets["gemm_half_rows"] = CDNA3_SPLIT_HALF_ROWS
    engine = cdna3_engine(round_, d.get("source", ""),
                          SCHEDULER_STEPS_BY_CHIP.get((round_, serving.model, scenario, alias.chip)))
    if (family == "CDNA3 FP8" and scenario in mechanisms["cdna3_engine_split"]
            and engine in CDNA3_ENGINE_TOKEN_TIME):         # measured, not applied
        row.lets["inference_gemm_efficiency"] = CDNA3_SPLIT_GEMM_EFFICIENCY   # hipBLASLt's measured rate
        row.lets["token_layer_time"] = Q(CDNA3_ENGINE_TOKEN_TIME[engine], "s")   # the engine's own per-token work
        row.extra["token_group"] = f"{family} / {engine}"   # `fit_token_time` fits each engine's term apart
        if "gemm_half_rows" in row.lets:
            row.lets["gemm_half_rows"] = CDNA3_SPLIT_HALF_ROWS
    if (scenario in mechanisms["blackwell_token_split"] and alias.chip in BLACKWELL_SPLIT_CHIPS
            and fields.get("precision") == "fp4"):      # measured, not applied ("Blackwell FP4's factor split")
        row.lets["inference_gemm_efficiency"] = BLACKWELL_SPLIT_GEMM_EFFICIENCY   # cuBLASLt's measured NVFP4 rate
        row.lets["token_layer_time"] = Q(BLACKWELL_TOKEN_LAYER_TIME, "s")     # the rest of the factor, a token
    if (scenario in mechanisms["ada_token_split"] and family == "Ada FP8"
            and fields.get("precision") == "fp8"):      # measured, not applied (s21-l40s)
        row.lets["inference_gemm_efficiency"] = ADA_SPLIT_GEMM_EFFICIENCY   # vLLM's measured L40S FP8 rate
        row.lets["gemm_half_rows"] = ADA_SPLIT_HALF_ROWS                  # and its knee, t0 / c
        row.lets["token_layer_time"] = Q(ADA_TOKEN_LAYER_TIME, "s")       # the rest of the factor, a token
    if (scenario in mechanisms["sm100_fp4_kernels"] and round_ in SM100_FP4_KERNEL_ROUNDS
            and alias.chip in SM103_CHIPS and fields.get("precision") == "fp4"):   # measured, not applied
        row.lets["fp4_mma_rate"] = SM100_FP4_MMA_RATE   # SM100's K = 64 FP4 MMAs on SM103 ("Blackwell Ultra's FP4 kernels")
    if scenario in mechanisms["gemm_launch"]:           # measured, not applied ("GEMM launch")
        row.lets["gemm_launch_time"] = Q(GEMM_LAUNCH_TIME, "s")   # the knee a launch's fixed time, not fixed rows
    if (scenario in mechanisms["gemm_roofline"]         # measured, not applied ("GEMM roofline"); `_hopper`: only
            or (scenario in mechanisms["gemm_roofline_hopper"] and family in GEMM_ROOFLINE_FAMILIES)):   # its dies
        row.lets["gemm_launch_time"] = Q(GEMM_ROOFLINE_LAUNCH, "s")   # the launches beside both legs
        row.lets["gemm_weight_efficiency"] = GEMM_WEIGHT_EFFICIENCY   # the weight read less the launches' time
    if family in GEMM_ROOFLINE_FAMILIES:                # the GH100 chips' own smooth law (stdlib/chips.factory lets
        smooth_read = scenario in mechanisms["gemm_smooth_read_hopper"]   # GEMM_SMOOTH_CHIPS; applied, s26-apply)
        if smooth_read or scenario in mechanisms["gemm_smooth_hopper"]:
            row.lets["gemm_smooth_power"] = GEMM_SMOOTH_POWER   # the GH100 step's GEMMs smooth in rows
        else:                                           # `--without gemm_smooth_read_hopper`: the knee law
            row.lets["gemm_smooth_power"] = 0.0
        if smooth_read:                                 # the weight leg at the fp8 GEMMs' read (the chips' own)
            row.lets["gemm_weight_efficiency"] = GEMM_WEIGHT_EFFICIENCY
        else:                                           # else the roofline's where it is given, or none (e_m)
            row.lets.setdefault("gemm_weight_efficiency", 0.0)
    if scenario in mechanisms["pipeline_host_overlap"]:   # measured, not applied ("Pipeline host overlap")
        row.lets["pipeline_host_overlap"] = 1.0          # the other micro-batches' host work under the stages
    if scenario in mechanisms["pipeline_overhead_split"]:   # measured, not applied ("Pipeline overhead split")
        row.lets["pipeline_overhead_split"] = 1.0        # the last rank's host loop serial, the device rest / pp
    if scenario in mechanisms["allreduce_kernels"]:     # applied ("TP all-reduce by kernel"; the model's default)
        row.lets["allreduce_kernels"] = 1.0              # one-shot / two-shot / NCCL by the message's bytes and tp
    else:                                               # `--without allreduce_kernels`: one ring at any size
        row.lets["allreduce_kernels"] = 0.0
    if scenario in mechanisms["no_twoshot"]:            # measured, not applied ("NCCL where the GPUs have no NVLink")
        row.lets["allreduce_twoshot"] = 0.0              # NCCL between the one-shot sizes and the workspace
    if scenario in mechanisms["continuous_capacity"]:   # applied (s26-apply; the model's default since 2026-12-07)
        row.lets["capacity_solve"] = 1.0                 # the batch solved between the grid's batches
        row.lets["operating_fraction"] = operating_fraction(scenario)   # to the scenario's submitters' median share
    elif scenario != "offline":                         # `--without continuous_capacity`: the batch grid, the limits
        row.lets["capacity_solve"] = 0.0                 # themselves (the model before 2026-12-07)
        row.lets["operating_fraction"] = 1.0
    if scenario in mechanisms["whole_prompt_capacity"] and whole_prompt_engine(round_, family, row.lets):
        row.lets["capacity_solve"] = 1.0                 # applied ("Whole-prompt capacity"): the batch solved
        row.lets["operating_fraction"] = OPERATING_FRACTION   # to the submitters' median share of the limit
    if scenario != "offline" and scenario not in mechanisms["capacity_at_own_rate"]:   # the model's default, applied
        row.lets["capacity_at_own_rate"] = 0.0           # cut columns compete ("Capacity at its own rate")
    if scenario in mechanisms["expert_gemm_tiles"] and (bench, alias.chip) in EXPERT_GEMM_TILES:
        row.lets["expert_gemm_tiles"] = 1.0          # the engine's TRTLLM-Gen MoE tiles ("MoE decode step at ADP")
    if scenario in mechanisms["pytorch_executor"] and (bench, alias.chip) in PYTORCH_EXECUTOR:
        row.lets["seq_overhead"] = Q(PYTORCH_EXECUTOR_SEQ_OVERHEAD, "s")   # the overlap scheduler's exposed host a row
    if (scenario in mechanisms["gemm_allreduce_plugin"]
            and (round_, serving.model, scenario, alias.chip) in GEMM_ALLREDUCE_ENGINES):   # applied (GEMM_ALLREDUCE_*)
        from .models.inference import step_overhead as _step_overhead
        calls = 2 * GEMM_ALLREDUCE_LAYERS[serving.model]  # the O and down projections' fused calls a step
        row.lets["step_overhead"] = Q(_step_overhead.value + calls * GEMM_ALLREDUCE_CALL_TIME, "s")
    draft = serving.drafts.get(scenario)
    if draft and _round_version(round_) >= draft[0]:
        row.lets["draft_tokens"] = float(draft[1])   # the rules' speculative decoding ("Speculative decoding")
        row.lets["draft_accepted_length"] = float(draft[2])
    steps = SCHEDULER_STEPS_BY_CHIP.get((round_, serving.model, scenario, alias.chip),
                                        SCHEDULER_STEPS.get((round_, family)))
    if steps and scenario != "offline":
        row.lets["scheduler_steps"] = float(steps)   # vLLM's multi-step scheduling ("Scheduling rounds" above)
    host = HOST_STEPS.get((round_, family, scenario)) or SCHEDULER_STEPS_BY_CHIP.get((round_, serving.model, scenario,
                                                                                      alias.chip))
    if host:
        row.lets["host_steps"] = float(host)         # the host work once a multi-step round ("Scheduling rounds")
    adp = ADP_BALANCE_STEPS.get((round_, alias.chip))
    if adp and scenario == "server" and serving.model in ADP_BALANCE_MODELS:
        row.lets["scheduler_steps"] = float(adp)     # the ADP balancer's release ("Attention-data-parallel balance")
    row.kind, row.fields, row.chip, row.model = "inference", fields, alias.chip, serving.model
    row.output = {"throughput": "tokens_per_s", "latency": LATENCY_OUTPUTS.get(metric, ""),
                  "power": "system_power"}[kind]


def _plan_training(row: Row, n: float, alias: Alias, kind: str, metric: str) -> None:
    d = row.data
    bench = d["benchmark"].strip().lower()
    job = TRAINING.get(TRAINING_NAMES.get(bench, bench))
    if job is None:
        row.reason = f"benchmark `{d['benchmark']}` has no workload description"
        return
    chip = alias.chip
    fields: dict = {"model": Ref(job["model"])}
    if kind == "power":
        system = POWER_SYSTEMS.get(chip)
        if system is None:
            row.reason = f"no stdlib server for chip {chip} to take the node power from"
            return
        fields["system"] = Ref(system)
    else:
        fields["chip"] = Ref(chip)
    fields["accelerators"] = n
    if kind != "power":
        nodes = _result_nodes(d.get("source", ""))
        fields["scaleup_size"] = _scaleup(alias, n, "") if alias.scaleup else (n / nodes if nodes else min(n, 8))
    batch, converge = _training_batch(TRAINING_NAMES.get(bench, bench), job, d.get("source", ""), n)
    evals = _evaluations(TRAINING_NAMES.get(bench, bench), job, batch, converge)
    fields.update(tokens=Q(job["tokens"] * converge, "tok"),
                  eval_tokens=Q(job["eval"] / job.get("evals", 1) * evals, "tok"),
                  evaluations=evals, startup_time=Q(_startup(job, d.get("round", "")), "s"),
                  seq_len=Q(job["seq"], "tok"), global_batch=Q(batch, "tok"), method=job["method"],
                  failure_rate=Number(0) / Q(1, "s"))
    if chip.startswith("TPU"):
        fields["scaleout_bw"] = Q(50, "Gb/s")
    if chip in TRAINING_PRECISION:
        fields["precision"] = TRAINING_PRECISION[chip]
    m = re.search(r"/results/([^/\s]+)/", d.get("source", ""))
    software = TRAINING_SOFTWARE.get(f"{m.group(1)}/{TRAINING_NAMES.get(bench, bench)}",
                                     TRAINING_SOFTWARE.get(m.group(1), {})) if m and kind != "power" else {}
    for name, value in software.items():
        if name in TRAINING_LETS:
            row.lets[name] = Number(value)
        else:
            fields[name] = value if isinstance(value, str) else float(value)
    graphs = TRAINING_CUDA_GRAPHS.get((d.get("round", "").strip(), m.group(1) if m else "",
                                       TRAINING_NAMES.get(bench, bench)))
    if graphs is not None and kind != "power":
        row.lets["cuda_graphs"] = Number(graphs)
    system = TRAINING_SYSTEM.get(chip, {}) if kind != "power" else {}
    for name, (value, unit) in system.get("fields", {}).items():
        fields[name] = Q(value, unit)
    row.lets.update({name: Number(value) for name, value in system.get("lets", {}).items()})
    row.kind, row.fields, row.chip, row.model = "training", fields, chip, job["model"]
    if kind == "power":              # one 8-GPU server's wall (AC) or after-PSU (DC) power at the job's own load
        row.output = "system_power_dc" if "(DC)" in metric else "system_power"
    else:
        row.output = "time_to_train"


def _startup(job: dict, round_: str) -> float:
    """The warm-up a round's software spends inside the timed run (the workload's `startup`: by round, a later
    round than those listed takes the latest's)."""
    startup = job.get("startup", 0.0)
    if not isinstance(startup, dict):
        return float(startup)
    return float(startup.get(round_.strip(), startup[max(startup)]))


def _evaluations(bench: str, job: dict, batch: float, converge: float) -> float:
    """The evaluations of a run: one every fixed number of samples (the workload's `evals` over its samples), from
    the first the recipe runs (TRAINING_FIRST_EVAL: after `skip` intervals at a global batch, linear between the
    recipe's batch sizes); at least one."""
    count = job.get("evals", 1) * converge
    first = TRAINING_FIRST_EVAL.get(bench)
    if first:
        count = count - _rcp(first, batch / job["seq"])
    return max(1.0, float(np.floor(count + 1e-9)))


def _rcp(table: dict, batch: float) -> float:
    """The reference convergence point at `batch`, linear between the two nearest reference batch sizes (the
    nearest end outside them)."""
    sizes = sorted(table)
    if batch <= sizes[0] or batch >= sizes[-1]:
        return table[sizes[0] if batch <= sizes[0] else sizes[-1]]
    hi = next(b for b in sizes if b >= batch)
    lo = max(b for b in sizes if b <= batch)
    return table[lo] if hi == lo else table[lo] + (table[hi] - table[lo]) * (batch - lo) / (hi - lo)


def _training_batch(bench: str, job: dict, source: str, n: float = 0.0) -> tuple[float, float]:
    """(the global batch in tokens, the factor on the workload's tokens to converge) of a submission: its own
    batch where TRAINING_BATCH has it (the result directory of its source), else one sequence per
    TRAINING_GPUS_PER_SEQUENCE accelerators where that is more than the workload's (the rule the logged batches
    follow), else the workload's."""
    m = re.search(r"/results/([^/\s]+)/", source or "")
    sequences = TRAINING_BATCH.get(bench, {}).get(m.group(1) if m else "")
    per = TRAINING_GPUS_PER_SEQUENCE.get(bench)
    if sequences is None and per and np.floor(n / per) > job["batch"] / job["seq"]:
        sequences = float(np.floor(n / per))
    if sequences is None or bench not in TRAINING_RCP:
        return job["batch"], 1.0
    table, base = TRAINING_RCP[bench], job["batch"] / job["seq"]
    return sequences * job["seq"], _rcp(table, sequences) / _rcp(table, base)


def _submission(row: Row) -> tuple:
    d = row.data
    return tuple((d.get(k) or "").strip() for k in ("round", "benchmark", "scenario", "system", "accelerator",
                                                      "num_accelerators"))


# the runs' own LoadGen targets (`target_qps` of each mlperf_log_summary.txt, reference/README.md) read by
# MECHANISMS "target_share" (measured, not applied): docs/accuracy.md "The H200 NVL's prompt queue" (s14-pcie)
TARGET_QPS_FILE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reference",
                               "mlperf_ttft_percentiles.csv")


def target_shares(path: str = TARGET_QPS_FILE) -> dict[str, float]:
    """MECHANISMS "target_share": each Server run's LoadGen target over the highest target of the runs of the same
    round, workload (the benchmark less its -99 / -99.9 accuracy target: one run is reported as both), accelerator
    and count, by the run's summary URL. The run with the top target is taken to sit
    at the capacity point (share 1: its submitter pushed the system furthest); a run whose submitter set less is
    taken to sit that share of the way along the throughput axis, the queue lighter by it:
        share = target_qps(run) / max(target_qps of the runs of its round, workload, accelerator, count)
    Both targets are read off the LoadGen logs (reference/mlperf_ttft_percentiles.csv [P]); nothing is fitted. A
    group of one run has share 1 (no change)."""
    with open(path, newline="") as f:
        runs = [r for r in csv.DictReader(f) if r.get("target_qps")]

    def key(r: dict) -> tuple:        # a run reported as both accuracy targets is one run of one workload
        return r["round"], re.sub(r"-99(\.9)?$", "", r["benchmark"]), r["accelerator"], r["num_accelerators"]
    top: dict[tuple, float] = {}
    for r in runs:
        top[key(r)] = max(top.get(key(r), 0.0), float(r["target_qps"]))
    return {r["source"].strip(): float(r["target_qps"]) / top[key(r)] for r in runs if top[key(r)] > 0}


def target_loads(rows: list[Row], scenarios: tuple[str, ...]) -> list[Row]:
    """MECHANISMS "target_share" (after the capacity pass): a Server / Interactive latency row whose run's share
    (target_shares) is below 1 is offered that share of the model's capacity, the predicted throughput of its
    submission's throughput row: `offered_load` = share x tokens_per_s (the inference model's operating point at
    that load: its rows in flight by Little's law, the prompt queue at the lower rate). Returns the rows moved."""
    shares = target_shares()
    capacity = {_submission(r): r.predicted for r in rows
                if r.kind == "inference" and r.output == "tokens_per_s" and r.fields and math.isfinite(r.predicted)}
    moved = []
    for r in rows:
        if not (r.kind == "inference" and r.fields and r.output in LATENCY_OUTPUTS.values()
                and r.fields.get("scenario") in scenarios and "offered_load" not in r.fields):
            continue
        share = shares.get((r.data.get("source") or "").split(" ")[0].strip())
        cap = capacity.get(_submission(r))
        if share is not None and share < 1 and cap is not None:
            r.fields["offered_load"] = Q(share * cap, "tok/s")
            r.extra["target_share"] = share
            moved.append(r)
    return moved


def measured_loads(rows: list[Row]) -> None:
    """`--latency-at load` (run's latency_at="load"): a latency row is measured at its submission's own
    throughput (MLPerf Server: the loadgen's offered rate, the `throughput` row of the same round, benchmark,
    scenario, system and accelerators): its workload gets
    that throughput as `offered_load`, so its latencies are predicted at the measured operating point (the
    inference model's in-flight batch of that load), not at the model's own capacity. A latency row without
    its throughput row keeps the capacity point."""
    loads = {_submission(r): r.measured for r in rows
             if r.kind == "inference" and r.output == "tokens_per_s" and r.fields and math.isfinite(r.measured)}
    for r in rows:
        if r.kind == "inference" and r.fields and r.output in LATENCY_OUTPUTS.values():
            load = loads.get(_submission(r))
            if load is not None:
                r.fields["offered_load"] = Q(load, "tok/s")


# ----------------------------------------------------------------------------- the validation spec
def assign_blocks(rows: list[Row]) -> None:
    """One block per distinct configuration: rows with the same fields share it (named w0001, w0002, ...)."""
    names: dict[tuple, str] = {}
    for r in rows:
        if r.fields:
            r.block = names.setdefault(r.key, f"w{len(names) + 1:04d}")


def build_spec(rows: list[Row], lets: dict[str, dict] | None = None, params: dict | None = None) -> Module:
    """The validation spec: one workload block per distinct covered configuration; `lets` adds `let name = value`
    to every block of a kind ({"inference": {"inference_gemm_efficiency": Name("e")}}), `params` adds top-level
    parameters."""
    assign_blocks(rows)
    blocks: dict[str, Block] = {}
    imports: dict[str, set] = {"chips": set(), "systems": set(), "models": set()}
    for r in rows:
        if not r.fields or r.block in blocks:
            continue
        blocks[r.block] = r.to_block(r.block, (lets or {}).get(r.kind))
        for name, module in (("chip", "chips"), ("system", "systems"), ("model", "models")):
            if name in r.fields:
                imports[module].add(r.fields[name].path)
    site = Block("site", "validation", list(blocks.values()))
    return Module("Validation workloads: one block per measured configuration (generated by compiler/validate.py).",
                  [FromImport(m, sorted(v)) for m, v in imports.items() if v]
                  + [Param(k, v) for k, v in (params or {}).items()] + [site])


def spec_text(rows: list[Row], lets=None, params=None) -> str:
    return build_spec(rows, lets, params).text()


LATENCY_OPERATING_POINTS = ("capacity", "load")


def run(path: str, lets=None, params=None, latency_at: str = "capacity",
        mechanisms: dict | None = None) -> tuple[list[Row], object]:
    """Read, plan and evaluate every row (one spec, one pass of the compiler; with `latency_at` "load", a second
    for the latency rows above the model's capacity); returns (rows, diagnostics). `mechanisms`: where each
    measured mechanism applies (MECHANISMS when None; `mechanisms_with`).
    `latency_at` is where a latency row is compared (module docstring, TTFT/TPOT): "capacity", the model's
    capacity point (the default: an MLPerf Server result is the submitter's own capacity under the latency
    limits); "load", the submission's measured throughput offered as `offered_load`, a row whose load exceeds
    the model's capacity compared at the capacity point and marked `at capacity`."""
    if latency_at not in LATENCY_OPERATING_POINTS:
        raise ValueError(f"latency_at must be one of {LATENCY_OPERATING_POINTS}, not {latency_at!r}")
    from dsl.diagnostics import Sink

    problems = Sink()
    rows = read_csv(path, problems)
    for r in rows:
        plan(r, mechanisms)
        if r.problem:
            _row_problem(problems, problems.sources[path], r.line, r.problem)
    rows = [r for r in rows if not r.problem]
    if latency_at == "load":
        measured_loads(rows)
    parts = [part for r in rows for part in r.extra.get("parts", ())]
    sink, evaluated = _evaluate(rows + parts, lets, params, problems)
    if not evaluated:
        return rows, sink
    for r in rows:                  # a mixed system: the sum of its parts ("Mixed systems")
        for part in r.extra.get("parts", ()):
            r.predicted += part.predicted
            r.extra["values"] = r.extra["values"] + part.extra["values"]
    if (mechanisms or MECHANISMS)["target_share"] and latency_at == "capacity":   # measured, not applied
        moved = target_loads(rows, (mechanisms or MECHANISMS)["target_share"])
        if moved:                   # the runs set below their system's top target, at that share of capacity
            _evaluate(moved, lets, params, Sink())
    overloaded = [r for r in rows if r.extra.get("overloaded")]
    if overloaded:                  # compared at the model's capacity point (module docstring)
        for r in overloaded:
            r.fields.pop("offered_load", None)
            r.extra["at_capacity"] = True
        _evaluate(overloaded, lets, params, Sink())
    for r in rows:
        if r.fields and not np.isfinite(r.predicted):
            r.reason = ("the model found no configuration that fits (see the spec's warnings)"
                        if "internal_error" not in r.extra else
                        f"internal error, a bug in factory-dsl: {r.extra['internal_error']}")
            r.fields = {}
    return rows, sink


def _evaluate(rows: list[Row], lets, params, problems):
    """Build the validation spec of `rows`, evaluate it once and set each row's prediction (NaN where the model
    has none; `overloaded` where a latency is absent because the offered load exceeds the model's capacity);
    returns the diagnostics, and whether the spec was evaluated (not when it has errors)."""
    import dsl

    from .evaluate import EvalError, Evaluator
    from .lower import lower

    checked, sink = dsl.check_text(spec_text(rows, lets, params), name="validation.factory")
    for source in problems.sources.values():
        sink.add_source(source)
    for diag in problems.items:
        sink.report(diag)
    if checked is None or any(d.code != Code.INVALID_ROW for d in sink.errors):
        return sink, False
    lowering = lower(checked, sink)
    ev = Evaluator(lowering, sink)                 # only the quantities compared are evaluated

    def value(block: str, name: str, row: Row | None = None) -> np.ndarray:
        try:
            return np.asarray(ev.node_value(f"validation.{block}.{name}"), dtype=float)
        except EvalError:
            return np.asarray([math.nan])
        except (KeyError, TypeError, ValueError) as exc:   # the model raised: a bug, named as one in `run`
            if row is not None:
                row.extra["internal_error"] = f"{type(exc).__name__}: {exc}"
            return np.asarray([math.nan])

    for r in rows:
        if not r.fields:
            continue
        result = value(r.block, r.output, r) * r.scale
        r.extra["values"] = result
        r.predicted = float(result[0])
        for name in (("tp", "pp", "batch") if r.kind == "inference" else ("tp", "pp", "dp", "mfu")):
            r.extra[name] = float(value(r.block, name)[0])
        if r.fields.get("serving") == "disaggregated":   # the pools the model split the row's chips into
            for name in ("ep", "prefill_accelerators", "decode_accelerators"):
                r.extra[name] = float(value(r.block, name)[0])
        if r.category in POWER_CATEGORIES:
            r.extra["accelerator_power"] = float(value(r.block, "accelerator_power")[0])
        r.extra["overloaded"] = (not np.isfinite(r.predicted)
                                 and _overloaded(ev, f"validation.{r.block}.{r.output}"))
    return sink, True


def _overloaded(ev, path: str) -> bool:
    """The latency at `path` is absent because the measured load (its `offered_load`) exceeds the model's
    capacity: the model has no steady latency there (compiler.models.inference `steady_only`), so the row is
    compared at the model's capacity point instead (`run`)."""
    from .models.inference import OVERLOAD_REASON
    absent = ev.absent.get(path)
    why = absent.at(0) if absent is not None else None       # the compared scenario's own reason
    return bool(why) and why.startswith(OVERLOAD_REASON)


# ----------------------------------------------------------------------------- summaries and rendering
GATE = 0.10                 # issue 11's acceptance: every category's median |error| <= 10%
RESAMPLES = 2000            # cluster-bootstrap resamples of each category (fixed: byte-identical output)
SEED = 20261205             # the bootstrap's seed, the same for every category
INTERVAL = (2.5, 97.5)      # percentiles of the resampled medians: a 95% interval


def cluster_key(row: Row) -> tuple:
    """The submission configuration a row belongs to, its bootstrap cluster: round, benchmark without its accuracy
    suffix (`-99` and `-99.9` are often one run listed twice), scenario, system, accelerator and count."""
    d = row.data
    bench = re.sub(r"-99(\.9)?$", "", (d.get("benchmark") or "").strip().lower())
    return ((d.get("round") or "").strip(), bench, *((d.get(k) or "").strip() for k in (
        "scenario", "system", "accelerator", "num_accelerators")))


def resample_counts(clusters: int, resamples: int = RESAMPLES, seed: int = SEED) -> np.ndarray:
    """(resamples, clusters) counts: how often each cluster is drawn when `clusters` clusters are drawn with
    replacement, once per resample (each row sums to `clusters`)."""
    drawn = np.random.default_rng(seed).integers(0, clusters, size=(resamples, clusters))
    offsets = clusters * np.arange(resamples)[:, None]
    return np.bincount((drawn + offsets).ravel(), minlength=resamples * clusters).reshape(resamples, clusters)


def bootstrap_medians(values, clusters, resamples: int = RESAMPLES, seed: int = SEED) -> np.ndarray:
    """The median of each cluster-bootstrap resample of `values` (`clusters` labels each value with any hashable,
    numbered in order of first appearance): a resample draws as many clusters as there are, with replacement
    (`resample_counts`), and keeps every value of each cluster drawn, a cluster drawn twice counting twice; its
    median is np.median's (the mean of the two middle values of an even count). Vectorised: the values are sorted
    once, and a resample's middle values are read off the cumulative counts of the sorted values."""
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    ids: dict = {}
    label = np.array([ids.setdefault(c, len(ids)) for c in clusters], dtype=np.int64)[order]
    cumulative = np.cumsum(resample_counts(len(ids), resamples, seed)[:, label], axis=1)
    total = cumulative[:, -1]                                  # values in each resample (>= 1)
    # the sorted value at 0-based position p is the first whose cumulative count exceeds p
    lower = (cumulative <= ((total - 1) // 2)[:, None]).sum(axis=1)
    upper = (cumulative <= (total // 2)[:, None]).sum(axis=1)
    return (values[order][lower] + values[order][upper]) / 2


def median_interval(abs_errors, clusters, resamples: int = RESAMPLES, seed: int = SEED) -> tuple[float, float]:
    """The 95% cluster-bootstrap interval of the median of `abs_errors`: the 2.5th and 97.5th percentiles
    (np.percentile, linear) of the `bootstrap_medians`; (nan, nan) for no rows."""
    if not len(abs_errors):
        return math.nan, math.nan
    lo, hi = np.percentile(bootstrap_medians(abs_errors, clusters, resamples, seed), INTERVAL)
    return float(lo), float(hi)


def summary(rows: list[Row]) -> dict[str, dict]:
    """Per category: compared rows, median and worst |error|, median signed error, coverage, the 95% cluster-
    bootstrap interval of the median |error| (`median_interval`, clusters by `cluster_key`), the number of
    clusters and the share of rows within the 10% gate."""
    out: dict[str, dict] = {}
    for r in rows:
        cat = out.setdefault(r.category, {"errors": [], "rows": [], "total": 0})
        cat["total"] += 1
        if r.fields and np.isfinite(r.error):
            cat["errors"].append(r.error)
            cat["rows"].append(r)
    for cat in out.values():
        cat.update(coverage=len(cat["errors"]) / cat["total"] if cat["total"] else 0.0)
        cat.update(error_stats(cat["errors"], cat["rows"], [cluster_key(r) for r in cat["rows"]]))
    return out


def error_stats(errors, rows, clusters) -> dict:
    """The summary of one group of compared rows (`errors` their signed errors, `rows` the rows, `clusters` each
    row's bootstrap cluster): count, median |error| and its 95% interval (`median_interval`), the number of
    clusters, the share of rows within the 10% gate, the median signed error, the worst |error| and its row; nan
    (and no row) for an empty group."""
    errs = np.asarray(errors, dtype=float)
    if not len(errs):
        return {"count": 0, "median": math.nan, "bias": math.nan, "worst": math.nan, "worst_row": None,
                "interval": (math.nan, math.nan), "clusters": 0, "within": math.nan}
    worst = int(np.argmax(np.abs(errs)))
    return {"count": len(errs), "median": float(np.median(np.abs(errs))), "bias": float(np.median(errs)),
            "worst": float(abs(errs[worst])), "worst_row": rows[worst],
            "interval": median_interval(np.abs(errs), clusters), "clusters": len(set(clusters)),
            "within": float(np.mean(np.abs(errs) <= GATE))}


def _json_number(x):
    """A finite number for the JSON documents, else None (NaN and inf are not JSON)."""
    return float(x) if x is not None and np.isfinite(x) else None


def stats_text(stats: dict, clusters: str, worst: str) -> str:
    """The summary clause of one `error_stats` group as validate prints it: median |error| with its interval over
    `clusters` (what a cluster is, plural), the share within the gate, the median signed error and the worst row
    (`worst`: how that row is named)."""
    lo, hi = stats["interval"]
    return (f"median |error| {stats['median']:.1%} (95% interval {lo:.1%}-{hi:.1%} over {stats['clusters']} "
            f"{clusters}; {stats['within']:.1%} of rows within {GATE:.0%}), median signed {stats['bias']:+.1%}, "
            f"worst {stats['worst']:.1%} (line {stats['worst_row'].line}: {worst})")


def stats_json(stats: dict) -> dict:
    """The JSON summary of one `error_stats` group (validate's categories and `--user` alike)."""
    return {"rows": stats["count"], "median_abs_error": _json_number(stats["median"]),
            "median_abs_error_interval": [_json_number(x) for x in stats["interval"]] if stats["count"] else None,
            "clusters": stats["clusters"], "within_gate": _json_number(stats["within"]),
            "median_error": _json_number(stats["bias"]), "worst_abs_error": _json_number(stats["worst"]),
            "worst_line": stats["worst_row"].line if stats["worst_row"] else None}


def coverage(rows: list[Row], categories=THROUGHPUT_CATEGORIES + (TRAINING_CATEGORY,)) -> tuple[int, int]:
    """(covered, total) rows over the given categories (default: throughput and time-to-train)."""
    sel = [r for r in rows if r.category in categories]
    return sum(1 for r in sel if r.fields and np.isfinite(r.error)), len(sel)


def llm_training_power_rows(rows: list[Row]) -> list[Row]:
    """The node power rows of an LLM training benchmark (one with a workload description in TRAINING) from a
    submission that is not power-capped (MaxQ): the rows the power model is expected to cover."""
    def llm(r: Row) -> bool:
        bench = r.data["benchmark"].strip().lower()
        return TRAINING_NAMES.get(bench, bench) in TRAINING and "MaxQ" not in (r.data.get("system") or "")
    return [r for r in rows if r.category in POWER_CATEGORIES and r.data["metric"].startswith(
        "mean_power_per_8GPU_node") and llm(r)]


def _fmt(value: float, unit: str) -> str:
    if not np.isfinite(value):
        return "-"
    if unit == "s" and value > 60:
        return f"{value / 60:,.2f} min"
    if unit == "s":
        return f"{value * 1000:,.1f} ms"
    if unit == "W":
        return f"{value / 1000:,.2f} kW"
    if unit == "tok/s":
        return f"{value:,.0f} tok/s"
    return f"{value:,.4g} {unit}"


def render(rows: list[Row], show_uncovered: bool = True) -> str:
    lines = []
    covered = [r for r in rows if r.fields]
    lines.append(f"{'line':>5}  {'round':<14} {'benchmark':<26} {'metric':<13} {'accelerator':<40} {'n':>6}  "
                 f"{'measured':>16} {'predicted':>16} {'error':>7}  config")
    for r in covered:
        d = r.data
        if r.kind == "inference":
            cfg = f"tp{r.extra.get('tp', 0):g} pp{r.extra.get('pp', 0):g} B{r.extra.get('batch', 0):g}"
            if "prefill_accelerators" in r.extra:      # disaggregated: the decode pool's engine and both pools
                cfg += (f" ep{r.extra['ep']:g} disaggregated {r.extra['prefill_accelerators']:g} prefill + "
                        f"{r.extra['decode_accelerators']:g} decode")
        else:
            cfg = (f"tp{r.extra.get('tp', 0):g} pp{r.extra.get('pp', 0):g} dp{r.extra.get('dp', 0):g} "
                   f"mfu {r.extra.get('mfu', 0):.2f}")
        if "accelerator_power" in r.extra:
            cfg += f" GPU {r.extra['accelerator_power']:,.0f} W"
        if r.extra.get("at_capacity"):
            cfg += " at capacity"
        metric = d["metric"].strip()
        metric = d["scenario"].strip()[:8] if metric == "throughput" else metric
        metric = f"node power {metric[-3:-1]}" if metric.startswith("mean_power_per_8GPU_node") else metric
        lines.append(f"{r.line:>5}  {d['round']:<14} {d['benchmark'][:26]:<26} {metric[:13]:<13} "
                     f"{d['accelerator'][:40]:<40} {d['num_accelerators']:>6}  {_fmt(r.measured, r.unit):>16} "
                     f"{_fmt(r.predicted, r.unit):>16} {r.error:>+7.1%}  {cfg}")
    lines.append("")
    cats = summary(rows)
    order = THROUGHPUT_CATEGORIES + (TRAINING_CATEGORY,) + tuple(LATENCY_CATEGORIES.values()) + ("power AC", "power DC")
    for name in sorted(cats, key=lambda c: (order.index(c) if c in order else len(order), c)):
        cat = cats[name]
        head = f"{name}: {cat['count']} rows compared of {cat['total']} (coverage {cat['coverage']:.1%})"
        if cat["count"]:
            head += ", " + stats_text(cat, "configurations", cat["worst_row"].label)
        lines.append(head)
    done, total = coverage(rows)
    if total:
        lines.append(f"coverage of throughput and time-to-train rows: {done} of {total} ({done / total:.1%}; "
                     f"target {COVERAGE_TARGET:.0%})")
    power_rows = llm_training_power_rows(rows)
    if power_rows:
        done = sum(1 for r in power_rows if r.fields and np.isfinite(r.error))
        lines.append(f"coverage of LLM training power rows (not power-capped): {done} of {len(power_rows)} "
                     f"({done / len(power_rows):.1%})")
    uncovered = [r for r in rows if not r.fields]
    if uncovered and show_uncovered:
        lines.append("")
        lines.append(f"not covered: {len(uncovered)} rows")
        reasons: dict[str, list[int]] = {}
        for r in uncovered:
            reasons.setdefault(r.reason, []).append(r.line)
        for reason, where in sorted(reasons.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            shown = ", ".join(str(x) for x in where[:12]) + (f", ... ({len(where)} rows)" if len(where) > 12 else "")
            lines.append(f"  {reason}: lines {shown}")
    return "\n".join(lines) + "\n"


def json_doc(path: str, rows: list[Row]) -> dict:
    """The `--format json` document (without diagnostics and format_version, which the CLI adds)."""
    cats = summary(rows)
    done, total = coverage(rows)
    return {"file": path,
            "rows": [{"line": r.line, "round": r.data.get("round"), "benchmark": r.data.get("benchmark"),
                      "scenario": r.data.get("scenario"), "metric": r.data.get("metric"),
                      "accelerator": r.data.get("accelerator"), "accelerators": r.data.get("num_accelerators"),
                      "category": r.category, "kind": r.kind or None, "unit": r.unit or None,
                      "measured": _json_number(r.measured) if r.fields else None,
                      "predicted": _json_number(r.predicted) if r.fields else None,
                      "error": _json_number(r.error) if r.fields else None, "covered": bool(r.fields),
                      "at_capacity": bool(r.extra.get("at_capacity")),
                      "reason": r.reason or None} for r in rows],
            "summary": {name: {"rows": c["count"], "total": c["total"], "coverage": c["coverage"], **stats_json(c)}
                        for name, c in sorted(cats.items())},
            "coverage": {"covered": done, "total": total, "fraction": done / total if total else None,
                         "target": COVERAGE_TARGET},
            "interval": {"method": "cluster bootstrap", "confidence": 0.95, "resamples": RESAMPLES, "seed": SEED,
                         "gate": GATE}}


# the rule's grid: every factor on 0.30-1.00 in steps of 0.01 (docs/validate.md, `--fit`)
FIT_GRID = tuple(round(x, 3) for x in np.arange(0.30, 1.005, 0.01))
# what each kind's factor is fitted on: (the block let it sets, the output whose rows are compared)
FIT_KINDS = {"inference": ("inference_gemm_efficiency", "tokens_per_s"), "training": ("training_gemm_efficiency",
                                                                                      "time_to_train")}


def fit(path: str, mechanisms: dict | None = None) -> dict[str, float]:
    """The global efficiency factors that minimise the median |log error| (all throughput / time-to-train rows of a
    kind together), and for inference once more per chip family (FAMILIES: all the family's rows together, the
    chips' `serving_efficiency`); a factor with no row to fit on is left out."""
    found: dict[str, float] = {}
    for kind in FIT_KINDS:
        found.update(fit_kind(path, kind, FIT_GRID, mechanisms))
    # `cdna3_token_split`: the CDNA3 efficiency is AMD's measured GEMM rate, its per-token term is fitted instead
    split = _split_families(mechanisms)
    if split:
        found.update(fit_token_time(path, mechanisms, split))
    return found


def _split_families(mechanisms: dict | None) -> tuple[str, ...]:
    """The families whose per-token term is fitted instead of their efficiency (TOKEN_TIME_SPLITS applied)."""
    on = mechanisms or MECHANISMS
    return tuple(dict.fromkeys(family for name, family in TOKEN_TIME_SPLITS.items() if on[name]))


def fit_kind(path: str, kind: str, grid=FIT_GRID, mechanisms: dict | None = None) -> dict[str, float]:
    """`fit`'s rule for one kind ("inference" or "training") on `grid`: the kind's factor over all its rows, for
    inference also per chip family (`let[family]`), each the grid value of least median |log error| (the first of
    equals); one evaluation of the file with the factor swept. On a grid holding the full one's argmin it answers
    the same (a sub-grid's argmin is the full grid's wherever the sub-grid holds it)."""
    grid = list(grid)
    let, output = FIT_KINDS[kind]
    split = _split_families(mechanisms)
    found: dict[str, float] = {}
    rows, _ = run(path, lets={kind: {let: Name("e")}}, params={"e": grid}, mechanisms=mechanisms)
    fitted = [r for r in rows if r.kind == kind and r.fields and r.output == output]
    errs = np.asarray([np.abs(np.log(np.broadcast_to(r.extra["values"], (len(grid),)) / r.measured))
                       for r in fitted])
    if not errs.size or not np.isfinite(errs).any(axis=0).all():
        return found                # no row of this kind to fit on (the factor is left out)
    found[let] = float(grid[int(np.nanargmin(np.nanmedian(errs, axis=0)))])
    if kind == "inference":
        for family in sorted({FAMILIES.get(r.chip, "") for r in fitted} - {""} - set(split)):
            mine = np.asarray([FAMILIES.get(r.chip) == family for r in fitted])
            med = np.nanmedian(errs[mine], axis=0)
            if np.isfinite(med).any():
                found[f"{let}[{family}]"] = float(grid[int(np.nanargmin(med))])
    return found


def fit_token_time(path: str, mechanisms: dict | None = None,
                   families: tuple[str, ...] = TOKEN_TIME_FAMILIES) -> dict[str, float]:
    """`token_layer_time` of each of `families`: the family's throughput rows together at the rows' own (measured)
    GEMM efficiency (its split mechanism applied), the value on the family's grid (TOKEN_TIME_GRIDS, else
    TOKEN_TIME_GRID) that minimises their median |log error|, in s."""
    found: dict[str, float] = {}
    for family in families:
        grid = list(TOKEN_TIME_GRIDS.get(family, TOKEN_TIME_GRID))
        rows, _ = run(path, lets={"inference": {"token_layer_time": Name("t") * Q(1.0, "us")}}, params={"t": grid},
                      mechanisms=mechanisms)
        mine = [r for r in rows if r.kind == "inference" and r.fields and r.output == "tokens_per_s"
                and FAMILIES.get(r.chip) == family]
        # a mechanism that keys the term by engine (`cdna3_engine_split`) marks its rows' `token_group`: each
        # group's term is fitted on its own rows, from the same evaluation
        for group in sorted({r.extra.get("token_group", family) for r in mine}):
            theirs = [r for r in mine if r.extra.get("token_group", family) == group]
            errs = np.asarray([np.abs(np.log(np.broadcast_to(r.extra["values"], (len(grid),)) / r.measured))
                               for r in theirs])
            med = np.nanmedian(errs, axis=0)
            if np.isfinite(med).any():
                found[f"token_layer_time[{group}]"] = float(grid[int(np.nanargmin(med))]) * 1e-6   # s
    return found


# ----------------------------------------------------------------------------- user measurements
USER_COLUMNS = {"spec", "quantity", "measured", "unit"}


@dataclass
class UserRow:
    line: int
    spec: str
    quantity: str
    measured: float = math.nan        # SI
    unit: str = ""                    # SI unit of the quantity
    predicted: float = math.nan
    note: str = ""
    spec_path: str = ""               # the spec file, resolved against the CSV's folder and normalised
    flagged: str = ""                 # why a warning of the spec flags the prediction (report_format), else ""

    @property
    def error(self) -> float:
        return self.predicted / self.measured - 1 if self.measured else math.nan


def user_cluster_key(row: UserRow) -> tuple:
    """A user row's bootstrap cluster: the figure it measures, its spec file (resolved) and quantity path. A user
    row carries no submission identity; what makes two rows one piece of evidence is that they measure one
    prediction (the same run measured again, at another software release, say), so their errors are not
    independent draws. Resampling them as one cluster keeps a figure measured twice from narrowing the interval."""
    return os.path.normpath(row.spec_path or row.spec), row.quantity


def user_summary(rows: list[UserRow]) -> dict:
    """`error_stats` of the compared user rows, all together (clusters by `user_cluster_key`)."""
    kept = [r for r in rows if np.isfinite(r.error)]
    return error_stats([r.error for r in kept], kept, [user_cluster_key(r) for r in kept])


class UserSink(Sink):
    """The diagnostics of a `--user` run (`run_user`), and `hidden`: the warnings about outputs that no row
    compares (`Diagnostic.quantities` naming none of the compared quantities nor any quantity those were computed
    from), held back so that a file comparing tokens/s does not bury its own problems under a warning for every
    $/Mtok its specs cannot price. `--all-diagnostics` shows them; the CLI counts them in one line."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden: list = []


def _read_closure(graph, paths) -> set[str]:
    """`paths` and every quantity their evaluation read, transitively (`Node.deps`, recorded by the evaluator)."""
    nodes = graph.nodes
    seen: set[str] = set()
    todo = list(paths)
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        node = nodes.get(path)
        if node is not None:
            todo.extend(node.deps)
        elif path in graph.solves:      # a solve's key (`Graph.solves`): what the solve read
            todo.extend(graph.solves[path])
    return {path for path in seen if path not in graph.solves}


def _spec_diagnostics(results, spec_sink, compared: set[str]) -> tuple[list, list]:
    """(shown, hidden): one spec's diagnostics for rows that compare the quantities `compared`. Hidden is a
    warning about outputs (its `quantities`) none of which a compared quantity is or was computed from. All are
    shown when the spec has errors (its rows are refused), and when a compared quantity could not be computed
    and no warning names it (any warning may say why: its reads are not recorded)."""
    items = spec_sink.items
    about = [d for d in items if d.quantities and d.severity == WARNING]
    if results is None or spec_sink.has_errors() or not about:
        return list(items), []
    named = {q for d in about for q in d.quantities}
    if any(q not in results.values and q in results.graph.nodes and q not in named
           for q in compared):
        return list(items), []
    read = _read_closure(results.graph, compared)
    hide = {id(d) for d in about if read.isdisjoint(d.quantities)}
    return [d for d in items if id(d) not in hide], [d for d in items if id(d) in hide]


def _key(diag) -> tuple:
    return diag.code, diag.message, diag.span


def run_user(path: str, all_diagnostics: bool = False) -> tuple[list[UserRow], UserSink]:
    """Compare user measurements with spec outputs (module docstring). Returns (compared rows, diagnostics); the
    diagnostics hold back, in `hidden`, the warnings about outputs no row compares (`UserSink`), unless
    `all_diagnostics`."""
    from dsl.diagnostics import suggest
    from dsl.units import UnitError, parse_unit

    from . import evaluate_files
    from .render.report_format import flagged_quantities

    sink = UserSink()
    table, source = _read_table(path, USER_COLUMNS, sink)
    base = os.path.dirname(os.path.abspath(path))
    evaluated: dict[str, tuple] = {}              # spec file -> (Results or None, its Sink)
    compared: dict[str, set[str]] = {}            # spec file -> the quantities its rows name
    flags: dict[str, dict[str, str]] = {}         # spec file -> its flagged figures {path: why}
    first_line: dict[tuple, int] = {}             # a row's fields -> the line that gave them first
    out: list[UserRow] = []
    for line, data in table:
        columns = _field_columns(source.line_text(line))
        header = list(data)

        def at(name: str, why: str, code: str = Code.INVALID_ROW) -> None:
            col, width = columns[header.index(name)] if header.index(name) < len(columns) else (0, 1)
            _row_problem(sink, source, line, why, code, col, width)

        fields = tuple(v.strip() for v in data.values())
        if fields in first_line:                # pasted twice: one measurement must not count twice
            _row_problem(sink, source, line, f"the row repeats line {first_line[fields]} field for field: a "
                         "measurement counts once (a second measurement that agrees needs a column, such as a "
                         "note or a date, that tells the two apart)")
            continue
        first_line[fields] = line
        spec = data["spec"].strip()
        quantity = data["quantity"].strip()
        if not spec or not quantity:
            at("spec" if not spec else "quantity", "the row names no spec" if not spec else "the row names no quantity")
            continue
        text = data["measured"].strip()
        value = _number(text)
        if value is None:
            at("measured", f"measured value `{text}` is not a number (write a plain number such as 1500 or 1.5e3: "
                           "no thousands separators, the unit in the `unit` column)")
            continue
        if not math.isfinite(value) or value == 0:
            at("measured", f"measured value `{text}` is " + ("0: the relative error to 0 is not defined"
                                                              if value == 0 else "not finite"))
            continue
        unit_text = data["unit"].strip() or "1"
        try:
            unit = parse_unit(unit_text)
        except (UnitError, KeyError, ValueError) as exc:
            hint = getattr(exc, "suggestion", None)
            at("unit", f"unknown unit `{unit_text}`" + (f" (did you mean `{hint}`?)" if hint else ""),
               Code.UNKNOWN_UNIT)
            continue
        spec_path = os.path.normpath(spec if os.path.isabs(spec) else os.path.join(base, spec))
        if not os.path.isfile(spec_path):
            at("spec", f"spec file `{spec}` " + ("is not a file" if os.path.exists(spec_path) else "does not exist")
                       + f" ({spec_path}; a spec is named relative to the CSV's folder)", Code.FILE_UNREADABLE)
            continue
        if not spec_path.endswith(".factory"):  # (this CSV named by mistake: a syntax error on every line)
            at("spec", f"spec `{spec}` is not a .factory file")
            continue
        if spec_path not in evaluated:
            results, spec_sink = evaluate_files([spec_path])
            evaluated[spec_path] = (results if results is not None and not spec_sink.has_errors() else None,
                                    spec_sink)
            compared[spec_path] = set()
            flags[spec_path] = flagged_quantities(results, spec_sink) if evaluated[spec_path][0] is not None else {}
        results = evaluated[spec_path][0]
        if results is None:
            at("spec", f"spec `{spec}` has errors (shown at their own lines): its rows are not compared")
            continue
        node = results.graph.nodes.get(quantity)
        if node is not None:
            compared[spec_path].add(quantity)
        if quantity not in results.values and node is not None:
            at("quantity", f"`{quantity}` has no value in `{spec}`: it could not be computed (the spec's warnings "
                           "say why)")
            continue
        if quantity not in results.values or not isinstance(results.values[quantity], np.ndarray):
            close = suggest(quantity, [k for k, v in results.values.items() if isinstance(v, np.ndarray)])
            at("quantity", f"`{quantity}` is not a quantity of `{spec}`" + (f" (did you mean `{close}`?)" if close
                                                                             else ""), Code.UNKNOWN_NAME)
            continue
        si = results.units.get(quantity) or "1"            # ("" for a plain number, as a PUE)
        qdim = parse_unit(si).dim
        point = node is not None and node.display == "temp"     # a temperature point (degC or K both read)
        if unit.dim == qdim and unit.point and not point:
            at("unit", f"unit `{unit_text}` is a temperature point; `{quantity}` is a temperature difference: "
                       f"write it in K", Code.UNIT_MISMATCH)
            continue
        if unit.dim != qdim:
            at("unit", (f"unit `{unit_text}` is {_dimension(unit.dim)}" if data["unit"].strip() else
                        "the row gives no unit") + f"; `{quantity}` is {_dimension(qdim)} (SI unit {si})",
               Code.UNIT_MISMATCH)
            continue
        values = np.asarray(results.values[quantity], dtype=float).ravel()
        if values.size != 1:
            at("spec", f"spec `{spec}` is a sweep of {values.size} scenarios: name a spec with one scenario")
            continue
        if not np.isfinite(values[0]):
            reason = results.absent.get(quantity)
            at("quantity", f"`{quantity}` has no value in `{spec}`" + (f" ({getattr(reason, 'reason', reason)})"
                                                                       if reason else ""))
            continue
        measured = unit.to_si(value)
        if measured * float(values[0]) < 0:         # predicted / measured - 1 means nothing across zero
            at("measured", f"measured value `{text}` {unit_text} and the prediction "
                           f"{float(values[0]):.6g} {si} have opposite signs: the relative error is not defined")
            continue
        out.append(UserRow(line, spec, quantity, measured, si, float(values[0]), data.get("note", ""), spec_path,
                           flags[spec_path].get(quantity, "")))
    held: list = []
    for spec_path, (results, spec_sink) in evaluated.items():
        for src in spec_sink.sources.values():
            sink.add_source(src)
        shown, hidden = ((spec_sink.items, []) if all_diagnostics else
                         _spec_diagnostics(results, spec_sink, compared[spec_path]))
        for diag in shown:
            sink.report(diag)
        held.extend(hidden)
    seen = {_key(d) for d in sink.items}
    for diag in held:                           # once each, and none that another spec's rows show
        if _key(diag) not in seen:
            seen.add(_key(diag))
            sink.hidden.append(diag)
    return out, sink


def render_user(rows: list[UserRow]) -> str:
    from .render.report_format import flag_mark

    lines = [f"{'line':>5}  {'spec':<28} {'quantity':<36} {'measured':>14} {'predicted':>14} {'error':>8}"]
    for r in rows:        # a prediction a warning of its spec flags is marked, as eval marks the figure
        lines.append(f"{r.line:>5}  {r.spec[-28:]:<28} {r.quantity[-36:]:<36} {r.measured:>14.6g} "
                     f"{r.predicted:>14.6g} {r.error:>+8.1%}  ({r.unit})" + flag_mark(r.flagged))
    s = user_summary(rows)
    lines.append("")
    if s["count"]:
        rows_text = f"{s['count']} row{'s' if s['count'] != 1 else ''}"
        lines.append(f"user: {rows_text} compared, " + stats_text(s, "spec quantities", s["worst_row"].quantity))
    else:
        lines.append("user: no rows compared")
    return "\n".join(lines) + "\n"


def user_json_doc(path: str, rows: list[UserRow]) -> dict:
    """The `--user --format json` document (without diagnostics and format_version, which the CLI adds): the rows,
    their `summary` (the keys of `json_doc`'s per-category summary) and the `interval` method."""
    s = user_summary(rows)
    return {"file": path,
            "rows": [{"line": r.line, "spec": r.spec, "quantity": r.quantity, "unit": r.unit,
                      "measured": _json_number(r.measured), "predicted": _json_number(r.predicted), "error": _json_number(r.error),
                      "flagged": r.flagged or None}
                     for r in rows],
            "summary": stats_json(s),
            "interval": {"method": "cluster bootstrap", "cluster": "spec and quantity", "confidence": 0.95,
                         "resamples": RESAMPLES, "seed": SEED, "gate": GATE}}
