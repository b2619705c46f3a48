"""Held-out readiness: rows in the shape of the newer MLPerf rounds (Inference v5.1, Training v5.0/v5.1) are compared.

tests/data/heldout_shape.csv has the columns of reference/mlperf_calibration.csv and one row per distinct accelerator
name, benchmark, scenario and accelerator count of the public result tables of those rounds (language-model and
speech benchmarks; MLPerf Inference v5.1 summary_results.json and the v6.0 closed results and system descriptions,
mlcommons/training_results_v5.0 and _v5.1 system descriptions), plus the latency metrics of the new benchmarks and scenarios and the names issue 11 lists. The
measured value is left empty (these rounds stand for the owners' held-out evaluation) except on a few rows whose
public figure is given with its source (the rows NVIDIA's and AMD's posts on the v5.1 round quote): those are a
sanity check printed, never fitted. An empty value is filled with 1 before validation: only the prediction matters.
"""
from __future__ import annotations

import csv
import math
from functools import lru_cache
from pathlib import Path

import pytest

from compiler import validate as V
from compiler.validate import alias_for, render, run
from compiler.validate_docs import accuracy_head, blocks, heldout_predictions, heldout_table

# one validate run of the held-out file a session (test_heldout_shape.predictions), on one pytest-xdist worker
pytestmark = pytest.mark.xdist_group("heldout")

ROOT = Path(__file__).resolve().parents[1]
SHAPE = ROOT / "tests" / "data" / "heldout_shape.csv"
# not decoder language models (speech, graph, image, vision-language): no workload description
NOT_DESCRIBED = {"flux1", "rgat", "whisper", "qwen3-vl-235b-a22b"}
NO_CHIP = ()   # every accelerator of the file has a stdlib chip (Intel Arc Pro B50 since session 9); CPU-only rows name none


@lru_cache(maxsize=None)
def predictions() -> tuple:
    """The file's rows, validate's rows of its filled copy (every empty value 1) and the data lines whose public
    figure is given (compiler/validate_docs.py `heldout_predictions`): one validate run a test session, shared with
    tests/test_heldout_laws.py."""
    rows, out, known, sink = heldout_predictions(SHAPE)
    assert not sink.items, [d.message for d in sink.items]          # no row is invalid, whatever its unit
    return rows, out, known


@pytest.fixture(scope="module")
def shape():
    return predictions()


def test_the_file_has_the_reference_shape_and_the_new_names() -> None:
    rows = list(csv.DictReader(open(SHAPE, newline="", encoding="utf-8")))
    with open(ROOT / "reference" / "mlperf_calibration.csv", newline="", encoding="utf-8") as fh:
        assert list(rows[0]) == next(csv.reader(fh))
    names = {r["accelerator"] for r in rows}
    for name in ("NVIDIA Blackwell GPU (GB200)", "NVIDIA GB300", "Blackwell Ultra (B300)", "NVIDIA GB200",
                 "NVIDIA Blackwell Ultra GPU (GB300)", "NVIDIA Blackwell Ultra GPU (B300-SXM-270GB)",
                 "AMD Instinct MI355X", "AMD Instinct MI355X 288GB HBM3e", "AMD Instinct MI350X",
                 "NVIDIA RTX PRO 6000 Blackwell Server Edition", "NVIDIA RTX Pro 6000 SE PCIe 96GB",
                 "NVIDIA H200-NVL-141GB", "NVIDIA H200 NVL 141GB", "AMD Instinct MI325X 256GB HBM3E DLC"):
        assert name in names, name
    benchmarks = {(r["benchmark"], r["scenario"]) for r in rows}
    for pair in (("llama3.1-8b", "Interactive"), ("deepseek-r1", "Server"), ("llama3.1-405b", "Interactive"),
                 ("llama2-70b-99", "Interactive"), ("llama31_405b", "training closed"),
                 ("llama31_8b", "training closed"), ("llama2_70b_lora", "training closed")):
        assert pair in benchmarks, pair
    # a measured value only with its public source beside it
    assert all(r["source"].startswith("https://github.com/mlcommons/") for r in rows if r["value"])


def test_every_language_model_row_on_an_accelerator_is_compared(shape) -> None:
    rows, out, _ = shape
    infeasible = []
    for r in out:
        d = r.data
        no_chip = not d["accelerator"].strip() or any(name in d["accelerator"] for name in NO_CHIP)
        expected = d["benchmark"] not in NOT_DESCRIBED and not no_chip
        if expected and not r.covered and "found no configuration" in r.reason:
            infeasible.append(r.label)   # planned and evaluated; the model meets no limit with these chips
            continue
        assert r.covered == expected, (r.line, r.label, r.reason)
        if r.covered:
            assert math.isfinite(r.predicted) and r.predicted > 0, (r.line, r.label, r.predicted)
        else:
            assert r.reason.startswith(("the row names no accelerator", "no stdlib chip for", "benchmark `")), r.reason
    # (the file holds one row per distinct shape, so its covered fraction is not the rounds' own: docs/accuracy.md)
    # (gpt-oss-120b Server on 4 Arc Pro B60 met no limit while the routed experts' grouped GEMM padded every
    # expert's tile; padding only the experts some token reached, it runs batch 2 at a 72 ms TPOT: docs/accuracy.md
    # "The routed experts' grouped GEMM by its shape")
    assert infeasible == []
    assert {r.chip for r in out if r.covered} >= {"GB200", "GB300", "B300", "MI355X", "MI350X", "RTX_PRO_6000",
                                                  "RTX_PRO_4500", "H200_NVL", "MI325X", "Arc_Pro_B60",
                                                  "Arc_Pro_B60_Dual", "Arc_Pro_B70"}
    assert {r.data["benchmark"] for r in out if r.covered} >= {"gpt-oss-120b", "deepseek-r1", "llama3.1-8b",
                                                               "llama3_1-8b", "llama31_8b", "llama31_405b",
                                                               "gpt_oss_20b", "deepseekv3_671b"}


def test_interactive_scenario_runs_each_benchmarks_own_limits(shape) -> None:
    """v5.1 runs Interactive as a scenario: each benchmark's own TTFT/TPOT limits (mlperf.conf; NVIDIA's round post:
    8B 0.5 s and 33 tokens/s/user, 405B 4.5 s and 12.5 tokens/s/user, Llama 2 70B 450 ms / 40 ms; v6.0: gpt-oss-120b
    2 s / 15 ms, DeepSeek-R1 1.5 s / 15 ms)."""
    _, out, _ = shape
    limits = {}
    for r in out:
        if r.covered and r.data["scenario"] == "Interactive":
            assert r.category in ("inference Interactive", "TTFT p50", "TTFT p99", "TPOT mean", "TPOT p99")
            limits[V._benchmark(r.data["benchmark"])[0]] = (r.fields["ttft_limit"].value, r.fields["tpot_limit"].value)
    assert limits == {"llama3.1-8b": (0.5, 0.030), "llama3.1-405b": (4.5, 0.080), "llama2-70b": (0.450, 0.040),
                      "gpt-oss-120b": (2.0, 0.015), "deepseek-r1": (1.5, 0.015)}


def test_a_mislabelled_rate_is_read_in_tokens_and_other_benchmarks_are_not_invalid(tmp_path) -> None:
    """v5.1's summary writes llama3.1-8b Interactive in "Queries/s" (its values are tokens/s: below the same
    system's Server tokens/s); a whisper row in Samples/s and a CPU-only row without a count are not covered, not
    invalid rows."""
    head = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"
    path = tmp_path / "m.csv"
    path.write_text(head + "inference-v5.1,llama3.1-8b,Interactive,s,NVIDIA B200-SXM-180GB,8,throughput,"
                    "102903,Queries/s,x\ninference-v5.1,whisper,Offline,s,NVIDIA B200-SXM-180GB,8,throughput,"
                    "20000,Samples/s,x\ninference-v5.1,llama3.1-8b,Offline,s,NVIDIA B200-SXM-180GB,8,throughput,"
                    "136752,Queries/s,x\n")
    with open(path, "a") as fh:    # a CPU-only row as a held-out file may write it: no stdlib chip, no count
        fh.write("inference-v5.1,llama3.1-8b,Server,s,Intel Xeon 6787P,,throughput,257.7,Tokens/s,x\n")
    out, sink = run(str(path))
    xeon = next(r for r in out if r.line == 5)
    assert not xeon.covered and xeon.reason.startswith("no stdlib chip for `Intel Xeon 6787P`")
    assert out[0].covered and out[0].measured == pytest.approx(102903.0)
    assert not out[1].covered and "no workload description" in out[1].reason
    assert [d.message.split(";")[0] for d in sink.items] == [   # the fix is for that benchmark and scenario only
        "unit `Queries/s` is not a unit (expected one like tok/s)"]


def test_training_descriptions_by_hand() -> None:
    """Tokens to converge = the MLPerf reference convergence point x the sequence: Llama 3.1 405B 322,560 samples at
    1,152 sequences, 8B 161,587.2 at 16 (mlcommons/logging rcp_checker); another batch interpolates the RCP table."""
    assert V.TRAINING["llama31_405b"]["tokens"] == 322560 * 8192
    assert V.TRAINING["llama31_405b"]["batch"] == 1152 * 8192
    assert V.TRAINING["llama31_8b"]["tokens"] == pytest.approx(161587.2 * 8192)
    assert V.TRAINING["llama31_8b"]["eval"] == pytest.approx(161587.2 * 8192 / 12)   # 1,024 per 12,288 samples
    # 1,280 sequences: 322,560 + (384,000 - 322,560) x (1,280 - 1,152) / (2,304 - 1,152) = 329,386.7
    assert V._rcp(V.TRAINING_RCP["llama31_405b"], 1280) == pytest.approx(329386.67, rel=1e-6)
    assert V._rcp(V.TRAINING_RCP["llama31_8b"], 16) == pytest.approx((17 * 159744 + 3 * 172032) / 20)
    # v6.0: gpt-oss-20b 194,764.8 samples at 16 x 8,192 tokens; DeepSeek-V3 721,920 at 15,360 x 4,096 tokens
    assert V.TRAINING["gpt_oss_20b"]["tokens"] == pytest.approx(194764.8 * 8192)
    assert V.TRAINING["deepseekv3_671b"]["tokens"] == 721920 * 4096
    assert V.TRAINING["deepseekv3_671b"]["batch"] == 15360 * 4096


def test_published_v51_figures_printed_as_a_sanity_check(shape) -> None:
    """Predicted against the public figures on the few rows that give one: printed, not fitted. The law is only
    that a prediction is within a factor of 3 of the measurement (sane); docs/accuracy.md ("Held-out readiness")
    lists the errors."""
    _, out, known = shape
    shown = [r for r in out if r.line in known]
    assert len(shown) >= 10
    print("\n" + render(shown, show_uncovered=False))
    for r in shown:
        assert r.covered and 1 / 3 < r.predicted / r.measured < 3, (r.label, r.predicted, r.measured)


def test_the_accuracy_heads_heldout_table_is_these_predictions(shape) -> None:
    """docs/accuracy.md "Where accuracy stands": its generated `heldout` block is the category table of the rows
    above whose public figure is given (this session's predictions, nothing run again), figure for figure."""
    _, out, known = shape
    assert blocks(accuracy_head()).get("heldout") == heldout_table(out, known), \
        "docs/accuracy.md's held-out table is stale: run python3 -m compiler.validate_docs accuracy"


@pytest.mark.parametrize("name, chip", [
    ("NVIDIA Blackwell Ultra GPU (B300-SXM-270GB)", "B300"), ("NVIDIA H200 NVL 141GB", "H200_NVL"),
    ("NVIDIA RTX Pro 6000 SE PCIe 96GB", "RTX_PRO_6000"), ("AMD Instinct MI355X 288GB HBM3e", "MI355X"),
    ("AMD Instinct MI325X 256GB HBM3E DLC", "MI325X"), ("Virtualized NVIDIA H200-SXM-141GB", "H200"),
    ("NVIDIA RTX PRO 4500 Blackwell", "RTX_PRO_4500"), ("Intel(R) Arc Pro(R) B60", "Arc_Pro_B60"),
    ("[MAXSUN] MS-Intel Arc Pro B60 Dual 48G Turbo", "Arc_Pro_B60_Dual"), ("Intel(R) Arc Pro(R) B70", "Arc_Pro_B70"),
    ("AMD Instinct MI355X 288GB HBM3e (x87)", "MI355X"),
    # a mixed system is matched by its largest part (MangoBoost's v5.1 clusters)
    ("AMD Instinct MI325X 256GB HBM3E (x16), AMD Instinct MI300X 192GB HBM3 (x8)", "MI325X"),
    ("AMD Instinct MI300X 192GB HBM3 (x32), AMD Instinct MI325X 256GB HBM3e (x16)", "MI300X"),
])
def test_newer_round_names(name, chip) -> None:
    assert alias_for(name).chip == chip


def test_nvidia_nvfp4_and_amd_lora_runs_are_described_as_their_configurations_ran(tmp_path) -> None:
    """NVIDIA's v5.1 405B NVFP4 runs: FP4 linear layers, BF16 attention (no FP8_DPA), TP overlap off
    (config_common_fp4.sh); AMD's v5.1 LoRA runs: tp = pp = cp = 1, one sequence per GPU, BF16 attention
    (config_MI3*X_1x8x1.sh). The spec validate writes carries them; the 8B NVFP4 run keeps the FP8 attention default."""
    head = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"
    base = "https://github.com/mlcommons/training_results_v5.1/tree/main/"
    path = tmp_path / "t.csv"
    path.write_text(head
                    + f"training-v5.1,llama31_405b,training closed,s,NVIDIA GB300,512,time_to_train,60,minutes,"
                      f"{base}NVIDIA/results/theia_ngpu512_ngc25.09_nemo/llama31_405b\n"
                    + f"training-v5.1,llama2_70b_lora,training closed,s,AMD Instinct MI355X,8,time_to_train,10,minutes,"
                      f"{base}AMD/results/MI355X_EPYC_9575F_pytorch/llama2_70b_lora\n"
                    + f"training-v5.1,llama31_8b,training closed,s,NVIDIA GB200,8,time_to_train,80,minutes,"
                      f"{base}NVIDIA/results/tyche_ngpu8_ngc25.09_nemo/llama31_8b\n")
    out, sink = run(str(path))
    assert not sink.items and all(r.covered for r in out)
    text = V.spec_text(out)
    nvidia, amd, small = (text.split("training ")[i] for i in (1, 2, 3))
    for line in ('precision = "fp4"', 'attention_precision = "bf16"', "let tp_comm_overlap = 0"):
        assert line in nvidia
    for line in ("tp = 1", "pp = 1", "cp = 1", "microbatch = 1", 'attention_precision = "bf16"'):
        assert line in amd
    assert 'precision = "fp4"' in small and "attention_precision" not in small
