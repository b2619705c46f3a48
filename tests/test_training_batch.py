"""The global batch of every held-out training row against its submission's own log (issue 11, training).

tests/data/training_logged_batch.csv holds the `global_batch_size` each MLPerf Training result log states
(result_0.txt of each result directory; its `log` column names the repository, commit and file): every Llama 2 70B
LoRA, Llama 3.1 405B and Llama 3.1 8B directory of mlcommons/training_results_v5.0 (commit 0fdc28f0) and _v5.1
(commit 441d65f4), and NVIDIA's v6.0 gpt-oss-20b and DeepSeek-V3 runs read so far (fork Richardyu114/
training_results_v6.0, commit eabf23a0), all read 2026-12-06. The batch is the submission's configuration (an
input, like its accelerator count), never its measured time. Two checks over the held-out shape rows
(tests/data/heldout_shape.csv, one validate run shared with test_heldout_shape / test_heldout_laws):

    logged batch      a covered training row whose result directory has a logged batch runs that batch:
                      global_batch / seq_len == global_batch_size (the session-16 laws hunt found the gpt-oss-20b
                      rows at 512 GB300 running the workload's 16 sequences where the log says 64).
    batch floor       no covered LLM training row runs fewer than one sequence per 8 accelerators: every logged
                      MLPerf LLM run holds at least that many (the file: the least is 64 sequences on 512 GPUs,
                      1/8, LoRA / Llama 3.1 8B / gpt-oss-20b; 16 on 128), since a sequence's model-parallel group
                      (TP x CP x PP within the run's recipe) is at most 8 GPUs wide in those recipes' data-parallel
                      replicas that hold one sequence each; a row under it is a batch that was never read.
    rules' sequence   every covered training row's seq_len is the rules' `sequence_length` (mlcommons/
                      training_policies training_rules.adoc, commit ee11d795, 2026-05-08, hyperparameter table):
                      8,192 for gpt_oss_20b, llama31_8b and llama31_405b; 4,096 for deepseekv3_671b; LoRA's
                      "8196 ... fixed to reference" is the reference's 8,192 (NVIDIA's LoRA recipes, the workload's
                      source). The same table leaves global_batch_size "unconstrained" for all of them but
                      DeepSeek-V3 (">=15360"): each run's batch is its own, read from its log.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from test_heldout_shape import predictions  # one validate run a session, shared (tests/ is on the path)

# one validate run of the held-out file a session (test_heldout_shape.predictions), on one pytest-xdist worker
pytestmark = pytest.mark.xdist_group("heldout")

LOGGED = Path(__file__).parent / "data" / "training_logged_batch.csv"
RULES_SEQUENCE = {"gpt_oss_20b": 8192, "llama31_8b": 8192, "llama31_405b": 8192, "llama2_70b_lora": 8192,
                  "deepseekv3_671b": 4096}
RULES_MIN_BATCH = {"deepseekv3_671b": 15360}
LLM = ("llama2_70b_lora", "llama31_405b", "llama31_8b", "gpt_oss_20b", "deepseekv3_671b")


def _logged() -> dict:
    with open(LOGGED, newline="", encoding="utf-8") as fh:
        return {(r["round"], r["directory"], r["benchmark"]): float(r["global_batch_size"])
                for r in csv.DictReader(fh)}


def _num(q) -> float:
    return float(getattr(q, "value", q))


@pytest.fixture(scope="module")
def training():
    _, out, _ = predictions()
    rows = getattr(out[0] if isinstance(out, tuple) else out, "rows", out)
    return [r for r in rows if r.category == "training time-to-train" and r.fields
            and r.data["benchmark"].strip().lower() in LLM]


def _directory(r) -> str:
    m = re.search(r"/results/([^/\s]+)/", r.data.get("source", ""))
    return m.group(1) if m else ""


def test_the_logged_batches_are_one_per_directory_and_benchmark() -> None:
    """TRAINING_BATCH is keyed by directory and benchmark (no round): a directory name two rounds share must log
    the same batch in both, or the table cannot hold it."""
    by_key: dict = {}
    for (round_, directory, bench), batch in _logged().items():
        by_key.setdefault((directory, bench), set()).add(batch)
    assert {k: v for k, v in by_key.items() if len(v) > 1} == {}


def test_a_training_row_runs_its_logged_global_batch(training) -> None:
    logged, wrong, checked = _logged(), [], 0
    for r in training:
        key = (r.data["round"].strip(), _directory(r), r.data["benchmark"].strip().lower())
        if key not in logged:
            continue
        checked += 1
        sequences = _num(r.fields["global_batch"]) / _num(r.fields["seq_len"])
        if abs(sequences - logged[key]) > 1e-9:
            wrong.append((r.line, key, sequences, logged[key]))
    assert checked >= 90                         # the v5.0 / v5.1 / v6.0 rows with a log read
    assert wrong == []


def test_no_training_row_runs_under_one_sequence_per_8_accelerators(training) -> None:
    logged = _logged()
    assert min(b / int(re.search(r"ngpu(\d+)", d).group(1)) for (_, d, _), b in logged.items()
               if re.search(r"ngpu(\d+)", d)) >= 1 / 8       # the floor holds over the logs it is taken from
    short = [(r.line, r.data["benchmark"], _num(r.fields["accelerators"]),
              _num(r.fields["global_batch"]) / _num(r.fields["seq_len"])) for r in training
             if _num(r.fields["global_batch"]) / _num(r.fields["seq_len"]) < _num(r.fields["accelerators"]) / 8]
    assert short == []


def test_a_training_row_runs_the_rules_sequence_length_and_batch_floor(training) -> None:
    wrong = []
    for r in training:
        bench = r.data["benchmark"].strip().lower()
        seq = _num(r.fields["seq_len"])
        if seq != RULES_SEQUENCE[bench] or _num(r.fields["global_batch"]) / seq < RULES_MIN_BATCH.get(bench, 1):
            wrong.append((r.line, bench, seq, _num(r.fields["global_batch"]) / seq))
    assert wrong == []
