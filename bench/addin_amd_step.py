"""The L40S and AMD Instinct Server steps at each run's own rows in flight, term by term (bench/step_at_rows.py's
harness on these groups).

    PYTHONPATH=. python3 bench/addin_amd_step.py                          (~10 s: validate once, the grid kept)
    PYTHONPATH=. python3 bench/addin_amd_step.py --with ada_token_split   (any of validate's MECHANISMS)

For every Llama 2 70B Server run of the groups below, b = completed queries/s x 294.45 output tokens / engines x
TPOT mean (Little's law; reference/mlperf_ttft_percentiles.csv), and the model's mean step at b rows at the
submitter's engine layout (and at the model's own pick where it differs) beside the run's TPOT mean, with the step's
terms at the TPOT design point (ms): the dense GEMMs (`gemm`, compute at the clock; the step takes max(gemm,
weights)), the weight read, the KV read, the tensor-parallel all-reduces (`tp`; NCCL over PCIe on the L40S, whose
`nvlink_group` is 1), the scheduler's overheads, attention. The layouts: Dell's XE7745 and HPE's DL380a L40S
tp 2 (four engines, v5.0), Fujitsu's CDI L40S tp 4 (v4.1; docs/accuracy.md "Add-in cards"), AMD's and its partners'
MI300X / MI325X one engine a GPU (vLLM, tp 1; docs/accuracy.md "AMD Instinct as AMD ran it"), MangoBoost's 32x
MI300X likewise. docs/accuracy.md "The L40S and MI325X serving steps against sourced physics" (s21-l40s) has the
tables this prints and what they say. A measurement harness: validate's numbers are unchanged.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import capacity_binding  # noqa: E402,F401  (its mechanisms() reads --with / --without off sys.argv)
from bench import step_at_rows as SA  # noqa: E402

GROUPS = (("inference-v5.0", "llama2-70b-99", "L40S", 8, "v5.0 8x L40S", (2, 1)),
          ("inference-v4.1", "llama2-70b-99", "L40S", 8, "v4.1 8x L40S", (4, 1)),
          ("inference-v5.0", "llama2-70b-99", "MI325X", 8, "v5.0 8x MI325X", (1, 1)),
          ("inference-v4.1", "llama2-70b-99", "MI300X", 8, "v4.1 8x MI300X", (1, 1)),
          ("inference-v5.0", "llama2-70b-99", "MI300X", 32, "v5.0 32x MI300X", (1, 1)))
TERMS = ("gemm", "weights", "kv", "tp", "overhead", "attention", "context_attention", "elementwise")


if __name__ == "__main__":
    SA.main(GROUPS, TERMS)
