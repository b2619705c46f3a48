"""The per-step fixed cost by what a run's CUDA graphs capture (issue 11, s17-stepover; docs/accuracy.md "The
per-step overhead by what a graph captures").

t_fix = c_0' + [no graph] c_u + [no full-iteration graph] m c_m + t_opt + 2 lat ceil(log2 n), with c_0' = c_0 except
under a full-iteration graph with `full_graph_schedule` 1, where c_0' = max(c_0 - c_s, 0) (compiler/models/training.py
module docstring, `fixed`). Laws: a run never pays more per step with a wider graph scope (none >= per layer >= full
iteration), whatever the switches; the time to train never falls as c_0 rises; hand calculations of the two new terms;
the mechanism is validate's, measured and not applied, and no calibration row runs a full-iteration graph (why
validate's rows cannot move with it)."""
from __future__ import annotations

import numpy as np
import pytest

import dsl
from compiler.evaluate import evaluate
from compiler.lower import lower
from compiler.models import training as T


def _job(name: str, graphs: int, lets: dict | None = None) -> str:
    """Llama 3.1 8B on 8 GB300 at a fixed layout (tp 1 pp 1 cp 1, micro-batch 1, dp 8): 16 sequences a step, so
    m = 16 / (8 x 1) = 2 micro-batches a replica."""
    extra = "".join(f"    let {k} = {v}\n" for k, v in (lets or {}).items())
    return (f"  training {name} {{\n    model = Llama3_1_8B\n    chip = GB300\n    accelerators = 8\n"
            f"    scaleup_size = 8\n    seq_len = 8192 tok\n    global_batch = 16 * 8192 tok\n    tokens = 1e9 tok\n"
            f"    tp = 1\n    pp = 1\n    cp = 1\n    microbatch = 1\n    failure_rate = 0 / 1 s\n"
            f"    let cuda_graphs = {graphs}\n{extra}  }}\n")


def _values(jobs: str) -> dict:
    text = "from chips import GB300\nfrom models import Llama3_1_8B\nsite s {\n" + jobs + "}\n"
    checked, sink = dsl.check_text(text, name="overhead.factory")
    results = evaluate(lower(checked, sink), sink)
    assert not sink.has_errors(), [d.message for d in sink.items]
    return {k: float(np.asarray(x).ravel()[0]) for k, x in results.values.items()
            if isinstance(x, np.ndarray) and np.asarray(x).size}


SWITCHES = ({}, {"full_graph_schedule": 1}, {"microbatch_host_time": "0.01 s"},
            {"full_graph_schedule": 1, "microbatch_host_time": "0.01 s"})
C0 = (0.0, 0.01, 0.05, 0.15, 0.3)


def _all() -> dict:
    jobs = "".join(_job(f"g{g}s{i}", g, sw) for g in (0, 1, 2) for i, sw in enumerate(SWITCHES))
    jobs += "".join(_job(f"c{k}g{g}", g, {"training_step_overhead": f"{c} s", "full_graph_schedule": 1})
                    for k, c in enumerate(C0) for g in (0, 2))
    return _values(jobs)


@pytest.fixture(scope="module")
def v() -> dict:
    return _all()


def test_a_wider_graph_scope_never_pays_more_a_step(v) -> None:
    """none >= per layer >= full iteration, in the step's fixed cost and the time to train, under every switch."""
    for i in range(len(SWITCHES)):
        for out in ("detail.step_overhead_time", "step_time", "time_to_train"):
            none, layer, full = (v[f"s.g{g}s{i}.{out}"] for g in (0, 1, 2))
            assert none >= layer >= full > 0, (SWITCHES[i], out, none, layer, full)


def test_the_time_to_train_never_falls_as_the_step_overhead_rises(v) -> None:
    for g in (0, 2):
        t = np.array([v[f"s.c{k}g{g}.time_to_train"] for k in range(len(C0))])
        assert np.all(np.diff(t) >= 0), (g, t)
        assert t[-1] > t[0]


def test_the_full_graph_saving_and_the_micro_batch_term_by_hand(v) -> None:
    """c_s = 0.025 s: a full-iteration graph with the switch saves min(c_s, c_0) of the step (0.025 s at c_0 0.15 s;
    0.01 s at c_0 0.01 s: never below 0); per layer it saves nothing more. c_m = 0.01 s a micro-batch, m = 2: the
    step 0.02 s longer without a full-iteration graph, unchanged with one."""
    fix = {key: v[f"s.{key}.detail.step_overhead_time"] for key in
           [f"g{g}s{i}" for g in (0, 1, 2) for i in range(len(SWITCHES))] + [f"c{k}g2" for k in range(len(C0))]}
    assert T.schedule_host_time.value == 0.025 and T.step_overhead.value == 0.15
    assert np.isclose(fix["g2s0"] - fix["g2s1"], 0.025, rtol=0, atol=1e-12)
    assert fix["g1s0"] == fix["g1s1"] and fix["g0s0"] == fix["g0s1"]
    assert np.isclose(fix["g0s0"] - fix["g1s0"], T.ungraphed_host_time.value, rtol=0, atol=1e-12)
    for g in (0, 1):
        assert np.isclose(fix[f"g{g}s2"] - fix[f"g{g}s0"], 2 * 0.01, rtol=0, atol=1e-12)
    assert fix["g2s2"] == fix["g2s0"]
    # c_0 0.01 s < c_s: the full graph's c_0' is 0, the fixed cost is t_opt + latency alone (that of c_0 = 0)
    assert np.isclose(fix["c1g2"], fix["c0g2"], rtol=0, atol=1e-12)


def test_the_mechanism_is_measured_not_applied_and_no_calibration_row_graphs_a_full_iteration() -> None:
    from compiler import validate as V
    assert V.MECHANISM_TABLE["full_graph_schedule"].applied == ()
    assert V.MECHANISM_TABLE["full_graph_schedule"].concerns == ("training",)
    assert T.full_graph_schedule.value == 0.0 and T.microbatch_host_time.value == 0.0
    public = ("training-v3.1", "training-v4.0", "training-v4.1")     # the rounds of reference/mlperf_calibration.csv
    assert all(scope < 2 for (round_, _, _), scope in V.TRAINING_CUDA_GRAPHS.items() if round_ in public)
