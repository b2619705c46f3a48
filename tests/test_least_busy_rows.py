"""validate's opt-in `least_busy_rows` (issue 11, TTFT; s20-h200int; docs/accuracy.md "The Interactive chunk rounding
and the bulk prompt queue"): the harness's least-busy wait as a law of the queue at its own tail on the chunked
TensorRT-LLM rows at the model's own engines. Row plans only, no model evaluation (well under a second each)."""
from __future__ import annotations

from pathlib import Path

from compiler import validate as V

CALIBRATION = Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv"


def _row(system: str, benchmark: str, mechanisms):
    row = next(r for r in V.read_csv(str(CALIBRATION)) if r.data["system"] == system
               and r.data["benchmark"] == benchmark and r.data["metric"] == "ttft_p99")
    V.plan(row, mechanisms)
    return row


H200_V50 = "NVIDIA: H200 [H200-SXM-141GBx8_TRT]"


def test_opt_in_and_where_it_applies() -> None:
    """Off by default (no row reads the dispatch law); on, the v5.0 8x H200 Interactive row (NVIDIA's v5.0 harness:
    least busy over its 8 tp 1 engines) takes the law over 8 engines at its own tail with the whole wait (share 1),
    and keeps the model's searched layout (no tp fixed: it is not `interactive_engines`); a v4.1 row (whole prompts,
    no chunk unit) is left as it was."""
    assert V.MECHANISMS["least_busy_rows"] == ()
    assert set(V.MECHANISM_SCENARIOS["least_busy_rows"]) == {"server", "interactive"}
    no_ie = ("interactive_engines",)        # applied since 2026-12-07 (it fixes NVIDIA's engine); off here
    off = _row(H200_V50, "llama2-70b-interactive-99", V.mechanisms_with(off=no_ie))
    assert "dispatch_wait_engines" not in off.lets and "dispatch_wait_tail" not in off.lets
    on = _row(H200_V50, "llama2-70b-interactive-99", V.mechanisms_with(on=("least_busy_rows",), off=no_ie))
    assert on.lets["dispatch_wait_engines"] == 8.0 and on.lets["dispatch_wait_tail"] == 1.0
    assert on.lets["dispatch_wait_share"] == 1.0 and "tp" not in on.fields
    server = _row(H200_V50, "llama2-70b-99", V.mechanisms_with(on=("least_busy_rows",)))
    assert server.lets["dispatch_wait_engines"] == 8.0
    v41 = next(r for r in V.read_csv(str(CALIBRATION)) if r.data["round"] == "inference-v4.1"
               and r.data["benchmark"] == "llama2-70b-99" and r.data["metric"] == "ttft_p99"
               and "H200" in r.data["accelerator"])
    V.plan(v41, V.mechanisms_with(on=("least_busy_rows",)))
    assert "whole_prompts" in v41.lets and "dispatch_wait_engines" not in v41.lets
