"""The engines built with TensorRT-LLM's GEMM + all-reduce plugin (docs/accuracy.md "Llama 3.1 405B's tp 4 / tp 8 step
at the runs' own rows", s15-b405): MECHANISMS "gemm_allreduce_plugin" adds a constant a fused call to `step_overhead`
on the rows whose configs set `gemm_allreduce_plugin` (GEMM_ALLREDUCE_ENGINES). Laws: opt-in, only the keyed rows
move, and a constant a step never shortens the step; the constant by hand. Applied since 2026-12-06 (lead, session 15)."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler import validate as V
from compiler.models import inference as M

# v5.0 NVIDIA 8x H200 Llama 3.1 405B Server (throughput, TTFT p50 / p99, TPOT mean / p99: lines 586-590, the TP8PP1
# engine with the plugin) and the 8x B200 one (throughput, TPOT mean: lines 1223 and 1226, TP2PP2, no plugin)
LINES = (586, 587, 588, 589, 590, 1223, 1226)
H200, B200 = "NVIDIA H200-SXM-141GB", "NVIDIA B200-SXM-180GB"


@pytest.fixture(scope="module")
def rows_csv(tmp_path_factory):
    ref = Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv"
    text = ref.read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("gar") / "rows.csv"
    path.write_text("\n".join([text[0]] + [text[n - 1] for n in LINES]) + "\n", encoding="utf-8")
    return str(path)


def test_opt_in_and_the_constant_by_hand() -> None:
    """Applied on every scenario of the keyed engines. The constant: NVIDIA's v5.0 8x H200 Server run (291.18 tok/s, TPOT mean 56.68 ms, one
    tp 8 engine: 291.18 x 0.05668 = 16.5 rows), where the model's step at 16.5 rows is 51.0 ms
    (bench/step405_rows.py): 5.7 ms a step over 2 fused calls x 126 layers = 22.6 us a call; the step's fixed
    time then 2 ms + 252 x 22.6 us = 7.695 ms."""
    assert V.MECHANISM_TABLE["gemm_allreduce_plugin"].applied == ("offline", "server", "interactive")
    assert abs(291.18 * 0.05668 - 16.50) < 0.01
    assert abs((56.7e-3 - 51.0e-3) / (2 * 126) - V.GEMM_ALLREDUCE_CALL_TIME) < 0.1e-6
    assert V.GEMM_ALLREDUCE_LAYERS == {"Llama3_1_405B": 126}
    assert abs(M.step_overhead.value + 2 * 126 * V.GEMM_ALLREDUCE_CALL_TIME - 7.6952e-3) < 1e-9


def test_only_the_plugin_engines_take_it_and_their_step_lengthens(rows_csv) -> None:
    rows = {}
    for off in (("gemm_allreduce_plugin",), ()):
        out, sink = V.run(rows_csv, mechanisms=V.mechanisms_with(off=off))
        assert not sink.errors, [d.message for d in sink.errors]
        rows[off] = {(r.data["accelerator"], r.data["metric"]): r for r in out}
    base, on = rows[("gemm_allreduce_plugin",)], rows[()]
    assert "step_overhead" not in base[(H200, "tpot_mean")].lets            # `--without` plans nothing
    assert on[(H200, "tpot_mean")].lets["step_overhead"] == V.Q(
        M.step_overhead.value + 2 * 126 * V.GEMM_ALLREDUCE_CALL_TIME, "s")
    for key in ((B200, "throughput"), (B200, "tpot_mean")):                # TP2PP2 without the plugin: bit for bit
        assert "step_overhead" not in on[key].lets and on[key].predicted == base[key].predicted
    # a constant a step never shortens the step, nor lengthens the first token's wait less than nothing
    assert on[(H200, "tpot_mean")].predicted > base[(H200, "tpot_mean")].predicted
    assert on[(H200, "ttft_p50")].predicted >= base[(H200, "ttft_p50")].predicted
