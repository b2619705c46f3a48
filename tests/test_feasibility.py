"""Infeasibility is a result: a workload that cannot run has no throughput, cost or efficiency (absent, null in
JSON, with the reason and its numbers), an `infeasible-workload` error, a failed check and exit code 1; workloads
that need more accelerators than their site places are `over-committed`. Hand calculations are written out."""
from __future__ import annotations

import json

import numpy as np
from click.testing import CliRunner

from compiler import evaluate_text
from compiler.cli import main
from compiler.render.results import results_json
from compiler.render.results_schema import Results as ResultsDoc

HEAD = "from chips import H100_SXM\nfrom systems import DGX_H100, DGX_B200\nfrom models import Llama2_70B\n"

ONE_GPU_BF16 = HEAD + """param gpus = 1
site s {
  inference svc {
    model = Llama2_70B
    chip = H100_SXM
    accelerators = gpus
    precision = "bf16"
  }
}
"""

HEADLINES = ("tokens_per_s", "usd_per_mtok", "tokens_per_joule", "tokens_per_s_per_mw", "tokens_per_s_per_chip",
             "tokens_per_s_per_user", "tokens_per_s_per_system", "ttft", "tpot", "power", "tp", "pp", "batch")


def run(text: str, defines: dict | None = None):
    results, sink = evaluate_text(text, "t.factory", defines)
    assert results is not None, [d.message for d in sink.items]
    return results, sink


def test_70b_bf16_on_one_80gb_gpu_cannot_fit_and_says_so_with_both_numbers() -> None:
    """Llama 2 70B has 68,976,648,192 parameters; at bf16 (2 B each) the weights are 137.95 GB. One H100 has
    80 GB, of which 90% = 72 GB is usable (10% reserve). 137.95 GB > 72 GB: no layout on one GPU exists."""
    results, sink = run(ONE_GPU_BF16)
    weights_gb = 68_976_648_192 * 2 / 1e9
    assert round(weights_gb, 2) == 137.95
    [error] = sink.errors
    assert error.code == "infeasible-workload"
    assert "138 GB" in error.message and "72 GB usable" in error.message and "80 GB" in error.message
    assert error.span.line == 6                                # the workload's name
    values, absent = results.values, results.absent
    assert values["s.svc.feasible"][0] == 0
    for name in HEADLINES:
        path = f"s.svc.{name}"
        assert np.isnan(values[path][0]), path
        assert absent[path].mask.tolist() == [True] and "72 GB usable" in absent[path].reason, path
    # computed from the absent figures: absent too, for the same reason, never a number
    for path in ("s.tokens_per_s", "s.tokens_per_joule", "s.usd_per_mtok"):
        assert np.isnan(values[path][0]) and absent[path].origin.startswith("s.svc."), path
    [check] = [c for c in results.checks if not c.ok]
    assert check.name == "s.svc: the workload can run" and "138 GB" in check.detail


def test_two_gpus_hold_the_weights() -> None:
    """Over tp = 2 the same weights are 68.98 GB per chip <= 72 GB: it runs (and so the sweep is mixed)."""
    results, sink = run(ONE_GPU_BF16, {"gpus": "[1, 2]"})
    assert results.values["s.svc.feasible"].tolist() == [0, 1]
    assert results.absent["s.svc.tokens_per_s"].mask.tolist() == [True, False]
    assert results.values["s.svc.tokens_per_s"][1] > 0
    [error] = sink.errors
    assert "fails in 1 of 2 scenarios: gpus=1" in error.notes[0]


def test_results_json_has_null_and_the_reason_and_keeps_the_contract(tmp_path) -> None:
    results, sink = run(ONE_GPU_BF16, {"gpus": "[1, 2]"})
    doc = results_json(results, "t.factory", [d.to_json() for d in sink.sorted()])
    ResultsDoc.model_validate(doc)                                  # the published schema accepts it
    q = doc["quantities"]["s.svc.tokens_per_s"]
    assert q["values"][0] is None and q["values"][1] > 0
    assert q["absent"]["scenarios"] == [0] and "72 GB usable" in q["absent"]["reason"]
    assert "absent" not in doc["quantities"]["s.svc.feasible"]      # only added where some value is absent
    assert doc["format_version"] == "1"


def test_check_eval_and_build_exit_1_for_an_infeasible_workload(tmp_path) -> None:
    spec = tmp_path / "w.factory"
    spec.write_text(ONE_GPU_BF16)
    runner = CliRunner()
    check = runner.invoke(main, ["check", str(spec)])
    assert check.exit_code == 1 and "error[infeasible-workload]" in check.output
    ev = runner.invoke(main, ["eval", str(spec), "--format", "json"])
    assert ev.exit_code == 1
    data = json.loads(ev.stdout if hasattr(ev, "stdout") else ev.output)
    assert data["quantities"]["s.svc.tokens_per_s"]["values"] == [None]
    assert any(not c["ok"] and c["name"] == "s.svc: the workload can run" for c in data["checks"])
    table = runner.invoke(main, ["eval", str(spec), "--select", "s.svc.tokens_per_s"])
    assert "n/a" in table.output and "nan" not in table.output.split("FAIL")[0]
    build = runner.invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")])
    assert build.exit_code == 1


def test_latency_limits_that_no_layout_meets() -> None:
    results, sink = run(HEAD + """site s {
  inference svc {
    model = Llama2_70B
    system = DGX_H100
    scenario = "interactive"
    tpot_limit = 1 ms
  }
}
""")
    [error] = sink.errors
    assert error.code == "infeasible-workload" and "tpot_limit 1 ms" in error.message
    assert np.isnan(results.values["s.svc.tokens_per_s"][0])


def test_a_layout_that_cannot_exist() -> None:
    """tp = 16 on one 8-GPU DGX H100: tensor parallelism cannot leave the 8-GPU NVLink domain."""
    results, sink = run(HEAD + """site s {
  inference svc {
    model = Llama2_70B
    system = DGX_H100
    tp = 16
  }
}
""")
    [error] = sink.errors
    assert "no parallel layout exists with tp = 16" in error.message and "scale-up domain of 8" in error.message


def test_training_that_does_not_fit_has_no_time_to_train() -> None:
    """Full training keeps 16 B per parameter (2 weights + 2 gradients + 12 Adam state, ZeRO-1 over dp = 1):
    69.0e9 x 16 B = 1,104 GB over 8 GPUs (tp = 8) = 138 GB per GPU > 72 GB usable."""
    results, sink = run(HEAD + """site s {
  training job {
    model = Llama2_70B
    system = DGX_H100
    tokens = 1 Ttok
  }
}
""")
    [error] = sink.errors
    assert error.code == "infeasible-workload" and "138 GB of weights, gradients and optimizer state" in error.message
    for name in ("time_to_train", "mfu", "step_time", "tokens_per_s", "cost", "energy", "power", "gpu_hours"):
        assert np.isnan(results.values[f"s.job.{name}"][0]), name
    assert np.isnan(results.values["s.time_to_train"][0])


# ----------------------------------------------------------------------------- over-committed
SITE = HEAD + """param users = 100000
site s {
  hall h {
    rack r {
      server node: DGX_B200 x 2
    }
  }
  inference a {
    model = Llama2_70B
    system = DGX_B200
    accelerators = users
  }
  inference b {
    model = Llama2_70B
    system = DGX_B200
    accelerators = 8
  }
}
"""


def test_100000_gpus_served_by_two_dgx_b200_is_over_committed() -> None:
    """The site places 2 DGX B200 x 8 = 16 B200; the workloads need 100,000 + 8 = 100,008."""
    results, sink = run(SITE)
    [error] = [d for d in sink.errors if d.code == "over-committed"]
    assert "need 100,008 B200 accelerators, but the site places 16" in error.message
    assert any(not c.ok and c.name == "s: the workloads fit on the accelerators placed" for c in results.checks)


def test_two_workloads_together_exceed_the_site() -> None:
    """8 + 16 = 24 > 16 placed, though each alone fits; 8 + 8 = 16 fits."""
    _, sink = run(SITE, {"users": "[8, 16]"})
    [error] = [d for d in sink.errors if d.code == "over-committed"]
    assert "need 24 B200 accelerators" in error.message and "1 of 2 scenarios: users=16" in error.message


def test_a_site_without_hardware_is_a_pure_estimate() -> None:
    _, sink = run(HEAD + """site s {
  inference a {
    model = Llama2_70B
    system = DGX_B200
    accelerators = 100000
  }
}
""")
    assert not sink.errors, [d.message for d in sink.errors]


def test_workloads_on_a_chip_the_site_does_not_place() -> None:
    """The site places H100s (in DGX H100 servers); a B200 service needs 8 B200 and the site places 0."""
    _, sink = run(HEAD + """site s {
  rack r {
    server node: DGX_H100
  }
  inference a {
    model = Llama2_70B
    system = DGX_B200
  }
}
""")
    [error] = sink.errors
    assert error.code == "over-committed" and "need 8 B200 accelerators, but the site places 0" in error.message


def test_estimate_training_says_why_it_has_no_time_to_train() -> None:
    """`estimate training --system DGX_H100 --model llama2-70b` printed `time_to_train nan` with exit 0. One
    DGX H100 (8 GPUs) cannot hold full training of Llama 2 70B: 69.0e9 parameters x 16 B = 1,104 GB, 138 GB per
    GPU at tp = 8 > 72 GB usable. It now says so (exit 1); on 64 GPUs it computes."""
    runner = CliRunner()
    small = runner.invoke(main, ["estimate", "training", "--system", "DGX_H100", "--model", "llama2-70b"])
    assert small.exit_code == 1
    assert "error[infeasible-workload]" in small.output and "138 GB" in small.output and "72 GB usable" in small.output
    big = runner.invoke(main, ["estimate", "training", "--system", "DGX_H100", "--model", "llama2-70b",
                               "--count", "64", "--format", "json"])
    assert big.exit_code == 0, big.output
    assert json.loads(big.output)["quantities"]["estimate.workload.time_to_train"]["values"][0] > 0


def test_a_deadline_no_count_meets_is_an_error_with_both_times() -> None:
    results, sink = run(HEAD + """site s {
  training job {
    model = Llama2_70B
    system = DGX_H100
    accelerators = 64
    tokens = 1 Ttok
    deadline = 1 h
  }
}
""")
    [error] = sink.errors
    assert error.code == "infeasible-workload" and "deadline of 1 h: the fastest takes" in error.message
    assert np.isnan(results.values["s.job.accelerators_needed"][0])
    assert results.values["s.job.time_to_train"][0] > 0          # the 64-GPU run itself still has its time


def test_batch_zero_says_a_replica_needs_a_sequence() -> None:
    _, sink = run(HEAD + "site s {\n  inference svc {\n    model = Llama2_70B\n    system = DGX_H100\n"
                  "    batch = 0\n  }\n}\n")
    [error] = sink.errors
    assert "batch = 0: a replica decodes at least one sequence" in error.message


CAPPED = HEAD + """param cap = 300 W
site s {
  inference svc {
    model = Llama2_70B
    system = DGX_H100
    accelerators = 8
    power_cap = cap
  }
}
"""


def test_a_power_cap_that_leaves_no_power_to_compute_is_refused() -> None:
    """An H100 SXM draws P_idle 72 W and, with no compute, its memory at a dense GEMM's traffic: b u_m = 104.5 W x
    0.0731 = 7.6 W (compiler/models/power.py), 79.6 W in all. A 50 W cap leaves nothing to compute at any clock:
    the workload is infeasible with both numbers, not the throughput of the clock law's lowest clock. A cap of
    0 W is refused at the field's span. A sweep over 50 W and 300 W gives each scenario what its single run gives."""
    from compiler.models.power import GEMM_MEMORY_UTILIZATION

    assert round(72 + 104.5 * GEMM_MEMORY_UTILIZATION, 1) == 79.6
    results, sink = run(CAPPED, {"cap": "50 W"})
    [error] = sink.errors
    assert error.code == "infeasible-workload" and "50 W" in error.message and "80 W" in error.message
    assert results.values["s.svc.feasible"][0] == 0 and np.isnan(results.values["s.svc.tokens_per_s"][0])
    zero, sink = evaluate_text(CAPPED.replace("param cap = 300 W", "param cap = 0 W"), "t.factory")
    assert [d.code for d in sink.errors] == ["out-of-range"] and sink.errors[0].span.line == 10   # power_cap
    swept, _ = run(CAPPED, {"cap": "[50 W, 300 W]"})
    single, _ = run(CAPPED, {"cap": "300 W"})
    assert swept.values["s.svc.feasible"].tolist() == [0, 1]
    assert np.isnan(swept.values["s.svc.tokens_per_s"][0])
    assert swept.values["s.svc.tokens_per_s"][1] == single.values["s.svc.tokens_per_s"][0] > 0
