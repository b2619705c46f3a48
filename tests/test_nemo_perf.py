"""NVIDIA's NeMo / Megatron-Bridge pre-training performance summary against the training model, through the
user-CSV path (`factory validate --user`).

reference/nemo_training_perf.csv holds the published rows (tokens/sec/GPU at each recipe's system, precision, GPUs,
global and micro batch, sequence, TP/PP/CP/VP/EP and FSDP; its header names the source). This file turns each row
into a training job of examples/published/nemo_perf.factory with the recipe's layout fixed, and each measured
tokens/sec/GPU x GPUs into a row of examples/published/nemo_perf.csv (spec, quantity, measured, unit); the test
checks both files are the ones the rows give (regenerate with `PYTHONPATH=. python3 tests/test_nemo_perf.py`),
runs `compiler.validate.run_user` on the CSV and prints the table and the median |error| by system, precision and
model. It asserts coverage and the fixed layouts only, never a fitted value: the figures are a public check of the
training model on Blackwell and Hopper (docs/accuracy.md, "Training v5: NeMo performance summary").

How a row is described (all [P] from the page and Megatron-Bridge's recipes, except where marked):
- system: DGX-H100 `system = DGX_H100`, DGX-B200 `DGX_B200`, DGX-B300 `DGX_B300`, DGX-GB200 / DGX-GB300
  `rack = GB200_NVL72` / `GB300_NVL72` (72-GPU NVLink domains; the runs span 1-4 racks);
- precision: BF16 `bf16`; FP8 (current scaling) and MXFP8 `fp8` (the model has one FP8 rate; MXFP8's 32-element
  block scales cost the GEMMs nothing on Blackwell [U]); NVFP4 `fp4`; the attention core in BF16
  (`attention_precision = "bf16"`: Megatron-Bridge MixedPrecisionConfig `fp8_dot_product_attention: bool = False`,
  src/megatron/bridge/training/mixed_precision.py, and the performance scripts leave it unset);
- layout: tp, pp, cp, virtual_stages (VP; 1 where the page says n/a), microbatch (MBS), ep (MoE) fixed; FSDP > 0
  `zero = 3` (weights, gradients and optimizer state sharded), else `zero = 1` (Megatron's distributed optimizer);
  recomputation the model's own choice (the least that fits);
- NVFP4: the tensor-parallel collectives exposed (`let tp_comm_overlap = 0`): every NVFP4 pre-training recipe sets
  `cfg.comm_overlap.tp_comm_overlap = False` (src/megatron/bridge/perf_recipes/llama/gb200/llama31.py, gb300/llama31.py,
  gb200/llama3.py `*_nvfp4_config`, Megatron-Bridge commit 067f987d, 2026-08: recipes of a later container than the
  rows' 26.04.01, the same setting as NVIDIA's MLPerf Training v5.1 FP4 configs [P]);
- MoE: the expert all-to-all exposed (`let ep_comm_overlap = 0`) where the recipe leaves `moe_a2a_overlap` False
  (every DeepSeek-V3 and GPT-OSS row but GB200 GPT-OSS at GBS 1,280 and B200 DeepSeek-V3 MXFP8 in 26.04.01, whose
  recipes are Megatron-Bridge v0.4.2's; `A2A_OVERLAP` below);
- MoE: the dispatcher's device-host synchronisation every MoE layer (`let moe_sync_free = 0`, the training model's
  "MoE host sync"): the 25.11 and 26.04 recipes run dropless MoE with the alltoall or HybridEP flex dispatcher, no
  expert capacity and at most partial CUDA graphs (`cuda_graph_scope` attn, moe_router, moe_preprocess; never
  full_iteration, which the dense Llama recipes use): scripts/performance/configs/{deepseek,gpt_oss}/
  *_workload_base_configs.py at v0.2.0, v0.2.2 and v0.4.0 [P]; sync-free MoE came with the fused grouped MLP of the
  later releases (NVIDIA's fusion-kernel blog, 2026-06 [S]);
- CUDA graphs: `let cuda_graphs = 2` (full iteration) where the recipe sets `cuda_graph_impl="local"` (FULL_GRAPHS);
- global batch GBS x sequence; no interruptions (`failure_rate` 0): the page's figure is the steady step rate.
"""
from __future__ import annotations

import csv
import io
import math
import re
import statistics
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "reference" / "nemo_training_perf.csv"
SPEC = ROOT / "examples" / "published" / "nemo_perf.factory"
USER = ROOT / "examples" / "published" / "nemo_perf.csv"
SITE = "nemo"

SYSTEMS = {"DGX-H100": ("system", "DGX_H100"), "DGX-B200": ("system", "DGX_B200"), "DGX-B300": ("system", "DGX_B300"),
           "DGX-GB200": ("rack", "GB200_NVL72"), "DGX-GB300": ("rack", "GB300_NVL72")}
PRECISIONS = {"BF16": "bf16", "FP8": "fp8", "MXFP8": "fp8", "NVFP4": "fp4"}
MODELS = {"LLAMA3_8B": "Llama3_1_8B", "LLAMA3_70B": "Llama3_1_70B", "LLAMA3.1_405B": "Llama3_1_405B",
          "DeepSeekV3": "DeepSeek_V3", "DeepSeekV3 (w/ MTP)": "DeepSeek_V3_MTP", "GPT OSS 120B": "GPT_OSS_120B"}
MOE = {"DeepSeek_V3", "DeepSeek_V3_MTP", "GPT_OSS_120B"}
# the MoE rows whose recipe overlaps the expert-parallel all-to-all (`moe_a2a_overlap=True`), read in Megatron-
# Bridge's scripts/performance/configs/{deepseek,gpt_oss}/*_workload_base_configs.py [P]. The 26.04.01 rows ran the
# recipes of tag v0.4.2 (2026-05-28): its layouts are the rows' (B300 DeepSeek-V3 pp 8 mb 2 ep 8, B200 pp 8 vp 2 ep
# 32), where v0.4.0 (2026-04-16) had pp 16 ep 8 for both; at v0.4.2 DEEPSEEK_V3_PRETRAIN_CONFIG_B200_FP8_MX_V2 (DeepEP,
# pp 8 vp 2 ep 32) and GPT_OSS_120B_PRETRAIN_CONFIG_GB200_BF16_V2 set it True, every other 26.04.01 MoE row False.
# The 25.11 recipes (v0.2.0, v0.2.2) set it only for DeepSeek-V3 on H100 (not a row); the default is False
# (scripts/performance/utils/utils.py WorkloadBaseConfig). Every other MoE row runs with `let ep_comm_overlap = 0`
# (the dispatch and combine wait in full)
A2A_OVERLAP = {("DGX-GB200", "GPT OSS 120B", "1280", "26.04.01"), ("DGX-B200", "DeepSeekV3", "4096", "26.04.01")}
# the MoE rows whose recipe captures no partial CUDA graph of the attention, router and EP preprocessing
# (`cuda_graph_scope` attn, moe_router, moe_preprocess absent or empty; `let moe_static_graphs = 0`), same files [P]:
# 26.04.01 (v0.4.2) DEEPSEEK_V3_PRETRAIN_CONFIG_GB300_V1 `cuda_graph_scope=[]` (its FP8_MX V2), GPT_OSS_120B_PRETRAIN_
# CONFIG_{GB200,B200,H100}_BF16_V1 (none set; the V2 rows inherit); 25.11 (v0.2.0 / v0.2.2) DEEPSEEK_V3_GB200_BASE_
# CONFIG `["moe_router", "moe_preprocess"]` (the attention not captured), DEEPSEEK_V3_B200_BASE_CONFIG and
# GPT_OSS_120B_{GB200,B200,H100}_BF16_BASE_CONFIG (none). GB300 and B300 GPT-OSS, GB200, B300 and B200 DeepSeek-V3
# MXFP8 (26.04.01) and GB300 DeepSeek-V3 BF16 (25.11) capture all three
NO_STATIC_GRAPHS = {("DGX-GB300", "DeepSeekV3", "MXFP8", "26.04.01"), ("DGX-GB200", "GPT OSS 120B", "BF16", "26.04.01"),
                    ("DGX-B200", "GPT OSS 120B", "BF16", "26.04.01"), ("DGX-H100", "GPT OSS 120B", "BF16", "26.04.01"),
                    ("DGX-GB200", "DeepSeekV3", "BF16", "25.11"), ("DGX-B200", "DeepSeekV3 (w/ MTP)", "MXFP8", "25.11"),
                    ("DGX-GB200", "GPT OSS 120B", "BF16", "25.11"), ("DGX-B200", "GPT OSS 120B", "BF16", "25.11"),
                    ("DGX-H100", "GPT OSS 120B", "BF16", "25.11")}

# the dense rows whose recipe captures CUDA graphs (`let cuda_graphs`: 2 full iteration), same files [P]: the 25.11
# (v0.2.0) LLAMA3_8B_{GB300,GB200,B200}_{FP8_CS,FP8_MX}_BASE_CONFIG set `cuda_graph_impl="local"`,
# `cuda_graph_scope="full_iteration"` (the GB300 rows ran micro-batch 2 where the base configuration has 4: its graph
# setting taken [U]); every other dense row's recipe sets `cuda_graph_impl` "none" or leaves it unset (Megatron-Core's
# default "none"): the 26.04.01 (v0.4.2) 70B and 405B V2 configurations, the NVFP4 ones explicitly "none" with scope
# full_iteration, and the 25.11 H100 8B / 70B / 405B and B200 405B ones. The MoE rows' partial graphs are the MoE
# model's `moe_static_graphs` (their host launches behind the sync); their steps keep `ungraphed_host_time` [U]
FULL_GRAPHS = {(system, "LLAMA3_8B", precision, "25.11") for system in ("DGX-GB300", "DGX-GB200", "DGX-B200")
               for precision in ("FP8", "MXFP8")}

def reference_rows() -> list[dict]:
    text = "".join(line for line in open(REFERENCE, encoding="utf-8") if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(text)))


def job_name(r: dict) -> str:
    model = re.sub(r"[^a-z0-9]+", "_", r["model"].lower().replace("w/ mtp", "mtp")).strip("_")
    return "_".join((r["system"].lower().replace("dgx-", ""), model, r["precision"].lower(), f"n{r['gpus']}",
                     f"gbs{r['gbs']}", f"s{r['seq']}", f"tp{r['tp']}pp{r['pp']}cp{r['cp']}",
                     "c" + r["container"].replace(".", "")))


def build_spec(rows: list[dict]) -> str:
    out = ['"""NVIDIA NeMo / Megatron-Bridge pre-training performance summary runs, each at its recipe\'s layout.',
           "",
           "Generated from reference/nemo_training_perf.csv by tests/test_nemo_perf.py (see there for how a row is",
           "described); compared with the published tokens/sec/GPU by `factory validate --user",
           'examples/published/nemo_perf.csv`. Source [P]: NVIDIA-NeMo/Megatron-Bridge docs/performance-summary-archive.md."""',
           "from systems import DGX_H100, DGX_B200, DGX_B300, GB200_NVL72, GB300_NVL72",
           "from models import Llama3_1_8B, Llama3_1_70B, Llama3_1_405B, DeepSeek_V3, GPT_OSS_120B",
           "",
           '"""DeepSeek-V3 with its one Multi-Token Prediction module, as examples/published/deepseek_v3.factory."""',
           "model DeepSeek_V3_MTP extends DeepSeek_V3 {",
           "  params = 671e9 + 11.5e9       # deepseek-ai/DeepSeek-V3 README_WEIGHTS.md (2024-12) [P]",
           "  active_params = 37e9 + 2.4e9  # README_WEIGHTS.md [P]",
           "  layers = 61 + 1               # README_WEIGHTS.md [P]",
           "}",
           "",
           f"site {SITE} {{",
           '  location = "published runs, no building"']
    for r in rows:
        kind, system = SYSTEMS[r["system"]]
        model = MODELS[r["model"]]
        lines = [f"  training {job_name(r)} {{",
                 f"    model = {model}",
                 f"    {kind} = {system}",
                 f"    accelerators = {r['gpus']}",
                 f"    precision = \"{PRECISIONS[r['precision']]}\"          # {r['precision']} ({r['container']})"]
        if PRECISIONS[r["precision"]] != "bf16":
            lines.append('    attention_precision = "bf16"')
        if r["precision"] == "NVFP4" and int(r["tp"]) > 1:      # (at tp 1 there is nothing to overlap)
            lines.append("    let tp_comm_overlap = 0        # the NVFP4 recipes set tp_comm_overlap = False")
        lines += [f"    seq_len = {r['seq']} tok",
                  f"    global_batch = {r['gbs']} * {r['seq']} tok",
                  f"    microbatch = {r['mbs']}",
                  f"    tp = {r['tp']}",
                  f"    pp = {r['pp']}",
                  f"    cp = {r['cp']}",
                  f"    virtual_stages = {r['vp']}"]
        if model in MOE:
            lines.append(f"    ep = {r['ep']}")
            if (r["system"], r["model"], r["gbs"], r["container"]) not in A2A_OVERLAP:
                lines.append("    let ep_comm_overlap = 0        # the recipe sets moe_a2a_overlap = False")
            lines.append("    let moe_sync_free = 0          # dropless dispatch, a device-host sync (25.11, 26.04)")
            if (r["system"], r["model"], r["precision"], r["container"]) in NO_STATIC_GRAPHS:
                lines.append("    let moe_static_graphs = 0      # no CUDA graphs of attention, router, preprocess")
        if (r["system"], r["model"], r["precision"], r["container"]) in FULL_GRAPHS:
            lines.append("    let cuda_graphs = 2            # cuda_graph_impl local, scope full_iteration")
        lines += [f"    zero = {3 if int(r['fsdp']) > 0 else 1}" + ("            # FSDP" if int(r["fsdp"]) > 0 else ""),
                  "    failure_rate = 0 / 1 s",
                  "  }"]
        out += lines
    out.append("}")
    return "\n".join(out) + "\n"


def build_user(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["spec", "quantity", "measured", "unit", "note"])
    for r in rows:
        writer.writerow([SPEC.name, f"{SITE}.{job_name(r)}.tokens_per_s", int(r["tokens_s_gpu"]) * int(r["gpus"]),
                         "tok/s", f"{r['tokens_s_gpu']} tok/s/GPU x {r['gpus']}, NeMo {r['container']}"])
    return buf.getvalue()


def compare():
    from compiler.validate import run_user
    rows = reference_rows()
    out, sink = run_user(str(USER))
    return rows, out, sink


def table(rows, out) -> str:
    by_job = {job_name(r): r for r in rows}
    lines = [f"{'system':<10} {'model':<20} {'prec':<6} {'GPUs':>5} {'GBS':>5} {'layout':<22} "
             f"{'tok/s/GPU':>9} {'model':>9} {'error':>7}"]
    groups: dict[tuple, list[float]] = defaultdict(list)
    for u in out:
        r = by_job[u.quantity.split(".")[1]]
        n = int(r["gpus"])
        layout = f"tp{r['tp']} pp{r['pp']} cp{r['cp']} vp{r['vp']} ep{r['ep']} mb{r['mbs']}" + (
            " fsdp" if int(r["fsdp"]) else "")
        lines.append(f"{r['system'][4:]:<10} {r['model'][:20]:<20} {r['precision']:<6} {n:>5} {r['gbs']:>5} "
                     f"{layout:<22} {u.measured / n:>9.0f} {u.predicted / n:>9.0f} {u.error:>+7.1%}")
        size = "MoE" if MODELS[r["model"]] in MOE else "dense"
        for key in (("all",), ("system", r["system"][4:]), ("precision", r["precision"]), ("model", r["model"]),
                    ("kind", size), ("system x kind", r["system"][4:], size),
                    ("precision x kind", r["precision"], size)):
            groups[key].append(u.error)
    lines.append("")
    lines.append("median |error| (signed median) by group:")
    for key in sorted(groups, key=lambda k: (len(k), k)):
        e = groups[key]
        lines.append(f"  {' '.join(key):<28} n={len(e):>2}  {statistics.median(abs(x) for x in e):>6.1%} "
                     f"({statistics.median(e):+.1%})")
    return "\n".join(lines)


def test_the_spec_and_the_user_csv_are_the_reference_rows() -> None:
    rows = reference_rows()
    assert len(rows) >= 40
    assert len({job_name(r) for r in rows}) == len(rows)            # one job per row
    assert SPEC.read_text(encoding="utf-8") == build_spec(rows), "regenerate: python3 tests/test_nemo_perf.py"
    assert USER.read_text(encoding="utf-8") == build_user(rows), "regenerate: python3 tests/test_nemo_perf.py"


def test_every_published_run_is_compared_at_its_recipes_layout() -> None:
    from compiler import evaluate_files
    rows, out, sink = compare()
    errors = [d.message for d in sink.items]
    text = table(rows, out)
    print("\n" + text)
    if errors:
        print("not compared:", *errors, sep="\n  ")
    assert not errors
    from compiler.validate_docs import missing_from_head     # docs/accuracy.md "Where accuracy stands" quotes these
    groups = [line for line in text.splitlines() if line.lstrip().startswith(("all ", "kind "))]
    assert len(groups) == 3 and not missing_from_head(groups), "docs/accuracy.md's head quotes other figures: update it"
    assert len(out) == len(rows)
    assert all(math.isfinite(u.predicted) and u.predicted > 0 for u in out)
    # the layout the model ran is the recipe's (a fixed coordinate is honoured, never re-searched)
    results, _ = evaluate_files([str(SPEC)])
    for r in rows:
        job = f"{SITE}.{job_name(r)}"
        for name in ("tp", "pp", "cp", "microbatch", "virtual_stages"):
            key = {"microbatch": "mbs", "virtual_stages": "vp"}.get(name, name)
            assert float(results.values[f"{job}.{name}"].ravel()[0]) == float(r[key]), (job, name)


def test_a_fixed_virtual_stage_count_off_the_search_grid_runs_with_the_interleaved_bubble() -> None:
    """Llama 3 70B on 64 H100 at TP 4, PP 8 (the recipe's): VP 5 (10 layers a stage, 2 per virtual stage) is a
    layout, with the interleaved 1F1B bubble (t_c + t_mem) (pp - 1) / (v m), m = 128 micro-batches a replica (256
    sequences over dp 2, micro-batch 1); left free, the search never picks an off-grid count (V_SEARCH)."""
    import numpy as np

    import dsl
    from compiler.evaluate import evaluate
    from compiler.lower import lower
    from compiler.models import training as T

    def job(name, extra):
        return (f"  training {name} {{\n    model = Llama3_1_70B\n    system = DGX_H100\n    accelerators = 64\n"
                f'    precision = "fp8"\n    seq_len = 8192 tok\n    global_batch = 256 * 8192 tok\n    tp = 4\n'
                f"    pp = 8\n    cp = 1\n    microbatch = 1\n{extra}  }}\n")
    text = ("from systems import DGX_H100\nfrom models import Llama3_1_70B\nsite s {\n"
            + job("v5", "    virtual_stages = 5\n") + job("free", "") + "}\n")
    checked, sink = dsl.check_text(text, name="vp.factory")
    results = evaluate(lower(checked, sink), sink)
    assert not sink.has_errors(), [d.message for d in sink.items]
    v = {k: float(np.asarray(x).ravel()[0]) for k, x in results.values.items() if isinstance(x, np.ndarray)}
    assert v["s.v5.virtual_stages"] == 5 and v["s.v5.dp"] == 2
    m = 256 / 2 / 1
    work = v["s.v5.detail.compute_time"] + v["s.v5.detail.elementwise_time"]
    assert math.isclose(v["s.v5.detail.bubble_time"], work * (8 - 1) / (5 * m), rel_tol=1e-9)
    assert v["s.free.virtual_stages"] in T.V_SEARCH


if __name__ == "__main__":
    rows = reference_rows()
    SPEC.write_text(build_spec(rows), encoding="utf-8")
    USER.write_text(build_user(rows), encoding="utf-8")
    print(f"wrote {SPEC.relative_to(ROOT)} and {USER.relative_to(ROOT)} ({len(rows)} runs)")
