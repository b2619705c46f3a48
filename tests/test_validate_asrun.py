"""The newer rounds' rows planned as they were run: disaggregated submissions (compiler/validate.py DISAGGREGATED,
module docstring "Disaggregated runs"). Laws and hand counts; the figures are the submitters' configs."""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from compiler import validate as V

ROOT = Path(__file__).resolve().parents[1]
HEAD = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"
V60 = "https://github.com/mlcommons/inference_results_v6.0/tree/main/closed/NVIDIA/results/"
GB200_72 = "GB200-NVL72_GB200-186GB_aarch64x72_TRT"
SYSTEM = f"NVIDIA: NVIDIA GB200 NVL72 (72x GB200-186GB_aarch64, TensorRT) [{GB200_72}]"


def _row(round_, benchmark, scenario, system, accelerator, n, source, line=2) -> V.Row:
    return V.Row(line, {"round": round_, "benchmark": benchmark, "scenario": scenario, "system": system,
                        "accelerator": accelerator, "num_accelerators": str(n), "metric": "throughput",
                        "value": "1", "unit": "Tokens/s", "source": source})


def _planned(row: V.Row, mechanisms=None) -> V.Row:
    V.plan(row, mechanisms)
    return row


def test_every_entry_pools_add_up_to_its_system() -> None:
    """prefill workers x chips each + decode workers x tp x ranks = the accelerators of the submission's system (the
    `x72` of its result directory): GB200 gpt-oss 24 x 1 + 12 x 1 x 4 = 72, 405B 14 x 4 + 2 x 8 = 72, DeepSeek-R1
    2 x 4 + 4 x 16 = 72; GB300 gpt-oss 20 + 13 x 4 = 72, 405B 26 x 2 + 5 x 4 = 72, DeepSeek-R1 4 x 2 + 4 x 16 = 72;
    Llama 2 70B on both 28 x 1 + 44 x 1 = 72."""
    assert V.DISAGGREGATED
    for (round_, model, scenario, where), pools in V.DISAGGREGATED.items():
        size = int(re.search(r"x(\d+)(?:_[A-Za-z]+)?$", where).group(1))
        assert pools.prefill_chips + pools.decode_chips == size, (round_, model, scenario, where)
        assert pools.prefill_workers > 0 and pools.decode_workers > 0 and pools.decode_ranks >= 1
        assert scenario in ("server", "interactive")          # an Offline run has no arrivals to split
        assert "read 2026-12-05" in pools.source and pools.source.startswith("https://github.com/")
    gpt = V.DISAGGREGATED[("inference-v6.0", "GPT_OSS_120B", "interactive", f"closed/NVIDIA/{GB200_72}")]
    assert (gpt.prefill_chips, gpt.decode_chips) == (24, 48)
    dense = V.DISAGGREGATED[("inference-v6.0", "Llama3_1_405B", "server", f"closed/NVIDIA/{GB200_72}")]
    assert (dense.prefill_chips, dense.decode_chips, dense.decode_ranks) == (56, 16, 1)
    llama = V.DISAGGREGATED[("inference-v6.0", "Llama2_70B", "interactive", f"closed/NVIDIA/{GB200_72}")]
    assert (llama.prefill_chips, llama.decode_chips) == (28, 44)
    assert len(V.DISAGGREGATED) == 13      # 1 of v5.1 (open) + 12 of v6.0 (docs/accuracy.md's table)


def test_a_matched_row_runs_disaggregated_at_the_decode_workers_engine() -> None:
    """gpt-oss-120b GB200 x72 Interactive (v6.0): decode workers of tensor_parallel_size 4 with attention data
    parallelism and EP 4 = 4 ranks of tp 1, the experts over 4 chips: tp 1, pp 1, ep 4, serving disaggregated."""
    row = _planned(_row("inference-v6.0", "gpt-oss-120b", "Interactive", SYSTEM, "NVIDIA GB200", 72,
                        V60 + GB200_72 + "/gpt-oss-120b/Interactive"))
    assert row.covered
    assert row.fields["serving"] == "disaggregated"
    assert (row.fields["tp"], row.fields["pp"], row.fields["ep"]) == (1.0, 1.0, 4.0)
    # the run's split: 24 context workers of one GPU each
    assert (row.fields["prefill_accelerators"], row.fields["prefill_tp"]) == (24.0, 1.0)
    dense = _planned(_row("inference-v6.0", "llama3.1-405b", "Server", SYSTEM, "NVIDIA GB200", 72,
                          V60 + GB200_72 + "/llama3.1-405b/Server"))
    assert dense.fields["serving"] == "disaggregated" and dense.fields["tp"] == 8.0 and "ep" not in dense.fields
    assert (dense.fields["prefill_accelerators"], dense.fields["prefill_tp"]) == (56.0, 4.0)   # 14 workers of tp 4


def test_the_system_column_matches_when_the_source_names_no_result_directory() -> None:
    row = _planned(_row("inference-v6.0", "gpt-oss-120b", "Interactive", SYSTEM, "NVIDIA GB200", 72, ""))
    assert row.fields["serving"] == "disaggregated"
    assert V._submission_dir("", SYSTEM) == f"closed/NVIDIA/{GB200_72}"
    assert V._submission_dir(V60 + GB200_72 + "/x/Server", "") == f"closed/NVIDIA/{GB200_72}"
    assert V._submission_dir("", "no bracket") == ""


def test_rows_without_an_entry_plan_exactly_as_before() -> None:
    """The same system's Offline and Server gpt-oss rows (aggregated in the configs), the v5.1 closed GB200 405B
    Interactive row (aggregated: its open twin ran Dynamo), and a matched row with the mechanism left out
    (`--without disaggregated`) plan as the aggregated model does."""
    off = V.mechanisms_with(off=("disaggregated",))
    v51 = "https://github.com/mlcommons/inference_results_v5.1/tree/main/"
    rows = [("inference-v6.0", "gpt-oss-120b", "Server", SYSTEM, V60 + GB200_72 + "/gpt-oss-120b/Server"),
            ("inference-v6.0", "gpt-oss-120b", "Offline", SYSTEM, V60 + GB200_72 + "/gpt-oss-120b/Offline"),
            ("inference-v5.1", "llama3.1-405b", "Interactive", "NVIDIA:  (72x GB200-186GB_aarch64, TensorRT) "
             f"[{GB200_72}]", v51 + f"closed/NVIDIA/results/{GB200_72}/llama3.1-405b/Interactive")]
    for round_, bench, scenario, system, source in rows:
        with_it = _planned(_row(round_, bench, scenario, system, "NVIDIA GB200", 72, source))
        without = _planned(_row(round_, bench, scenario, system, "NVIDIA GB200", 72, source), off)
        assert "serving" not in with_it.fields and with_it.key == without.key, (bench, scenario)
    matched = _row("inference-v6.0", "gpt-oss-120b", "Interactive", SYSTEM, "NVIDIA GB200", 72,
                   V60 + GB200_72 + "/gpt-oss-120b/Interactive")
    plain = _planned(matched, off)
    assert "serving" not in plain.fields and "ep" not in plain.fields
    dynamo = _planned(_row("inference-v5.1", "llama3.1-405b", "Interactive", "NVIDIA:  (72x GB200-186GB_aarch64, "
                           "TensorRT) [GB200-NVL72_GB200-186GB_aarch64x72_Dynamo]", "NVIDIA GB200", 72,
                           v51 + "open/NVIDIA/results/GB200-NVL72_GB200-186GB_aarch64x72_Dynamo/llama3.1-405b/"
                           "Interactive"))
    assert dynamo.fields["serving"] == "disaggregated" and dynamo.fields["tp"] == 4.0


def test_no_calibration_row_is_disaggregated() -> None:
    """The calibration rounds (v4.1, v5.0) had no disaggregated LLM submission: no row of the reference file is
    matched, so `validate reference/mlperf_calibration.csv` is unchanged by the table."""
    rows = V.read_csv(str(ROOT / "reference" / "mlperf_calibration.csv"))
    for r in rows:
        V.plan(r)
        assert r.fields.get("serving") != "disaggregated", r.line
        assert V.disaggregation_for(r.data["round"], r.model or "", r.data["scenario"].strip().lower(),
                                    r.data.get("source", ""), r.data.get("system", "")) is None


def test_the_row_runs_the_split_it_recorded(tmp_path) -> None:
    """Evaluated: the matched row's prefill and decode pools are the run's (DISAGGREGATED: 24 prefill GPUs, 12
    decode workers of 4) and sum to its 72 accelerators, at the decode workers' engine (12 replicas of 4 ranks)."""
    path = tmp_path / "d.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        fh.write(HEAD)
        csv.writer(fh).writerow(["inference-v6.0", "gpt-oss-120b", "Interactive", SYSTEM, "NVIDIA GB200", "72",
                                 "throughput", "600000", "Tokens/s", V60 + GB200_72 + "/gpt-oss-120b/Interactive"])
    out, sink = V.run(str(path))
    row = out[0]
    assert row.covered and not sink.errors
    pre, dec = row.extra["prefill_accelerators"], row.extra["decode_accelerators"]
    assert (pre, dec) == (24.0, 48.0) and pre + dec == 72
    assert row.extra["ep"] == 4.0 and row.extra["tp"] == 1.0
    text = V.render(out, show_uncovered=False)
    assert f"disaggregated {pre:g} prefill + {dec:g} decode" in text


@pytest.mark.parametrize("name", ["disaggregated"])
def test_the_mechanism_is_applied_where_it_concerns(name) -> None:
    assert V.MECHANISMS[name] == V.MECHANISM_TABLE[name].concerns == ("server", "interactive")


def test_v60_offline_rows_run_nvidias_atomic_engine() -> None:
    """MLPerf Inference v6.0 Offline: an x72 result is copies of one smaller system's engine (scaleout/REPRODUCE.md);
    GB200 405B runs GB200 x4's tp 1 pp 4 at 512 tokens (512 a rank), B200 405B tp 2 pp 2 at 1,536 (768 a rank). The
    Server and Interactive rows keep the search (MECHANISMS "layouts" is Offline only), but for the B200 405B
    Server engine, which its long prompts take as v5.1's (docs/accuracy.md "Laws over the held-out shape rows")."""
    for scenario in ("Offline", "Server"):
        row = _planned(_row("inference-v6.0", "llama3.1-405b", scenario, SYSTEM, "NVIDIA GB200", 72,
                            V60 + GB200_72 + f"/llama3.1-405b/{scenario}"))
        if scenario == "Offline":
            assert (row.fields["tp"], row.fields["pp"]) == (1.0, 4.0)
            assert row.fields["max_num_tokens"].value == 512.0
        else:                                 # disaggregated: the decode workers' tp 8 (DISAGGREGATED), no budget
            assert row.fields["tp"] == 8.0 and "max_num_tokens" not in row.fields
    b200 = _planned(_row("inference-v6.0", "llama3.1-405b", "Offline", "Google: NVIDIA DGX B200 [B200-SXM-180GBx8_TRT]",
                         "NVIDIA B200-SXM-180GB", 8, ""))
    assert (b200.fields["tp"], b200.fields["pp"], b200.fields["max_num_tokens"].value) == (2.0, 2.0, 768.0)
    # the one v6.0 Server layout: B200 405B, not disaggregated (Google's DGX B200 runs NVIDIA's tp 4 pp 1 engine at
    # 2,048 tokens), given as v5.1's B200 Server is, through the long-prompt layouts (its budget below the prompt)
    server = _planned(_row("inference-v6.0", "llama3.1-405b", "Server", "Google: NVIDIA DGX B200 [B200-SXM-180GBx8_TRT]",
                           "NVIDIA B200-SXM-180GB", 8, ""))
    assert (server.fields["tp"], server.fields["pp"], server.fields["max_num_tokens"].value) == (4.0, 1.0, 512.0)
    v60 = [k for k in V.LAYOUTS if k[0] == "inference-v6.0"]
    assert v60 and all(k[2] == "offline" for k in v60 if k != ("inference-v6.0", "Llama3_1_405B", "server", "B200"))
    assert all("gbeezybez/inference_results_v6.0" in V.LAYOUTS[k].source for k in v60)
