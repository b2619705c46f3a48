"""Whole-prompt capacity (compiler/validate.py MECHANISMS "whole_prompt_capacity", applied 2026-12-06, s14-tpot2):
the Server and Interactive rows whose engine admits its prompts whole (no chunked context: NVIDIA's v4.1 harness, AMD's
vLLM harness of v4.1 and v5.0) take the capacity point solved to OPERATING_FRACTION of each latency limit.

Laws: the mechanism moves only those rows (never a chunked engine's, never an Offline or training row), and where it
moves them the model's TPOT p99 and TTFT p99 sit at or below the fraction of their limits, with TPOT mean <= TPOT p99
and TTFT p50 <= TTFT p99. The engine property is read off the sources (hand cases)."""
from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pytest

from compiler import validate as V

CSV = Path(__file__).resolve().parent.parent / "reference" / "mlperf_calibration.csv"
LATENCY = {"TTFT p50", "TTFT p99", "TPOT mean", "TPOT p99"}


# three systems of the calibration file, every row of each (its Offline, Server and latency rows): NVIDIA's v4.1
# DGX H100 (whole prompts), AMD's v5.0 8x MI325X (vLLM, chunked prefill off), NVIDIA's v5.0 H200 (chunked context)
LINES = (96, 97, 296, 297, 298, 299, 520, 521, 522, 523, 524, 525, 1279, 1280, 1281, 1282, 1283, 1284)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """Those rows with the mechanism and without it, `continuous_capacity` (applied since 2026-12-07: every Server
    and Interactive row solved to its scenario's fraction) off in both, so the rows it moves are its own."""
    text = CSV.read_text().splitlines()
    path = tmp_path_factory.mktemp("wpc") / "rows.csv"
    path.write_text("\n".join([text[0]] + [text[n - 1] for n in LINES]) + "\n")
    on, sink = V.run(str(path), mechanisms=V.mechanisms_with(off=("continuous_capacity",)))
    assert not sink.has_errors(), [d.message for d in sink.errors]
    off, sink = V.run(str(path), mechanisms=V.mechanisms_with(off=("whole_prompt_capacity", "continuous_capacity")))
    assert not sink.has_errors(), [d.message for d in sink.errors]
    assert len(on) == len(LINES)
    return {r.line: r for r in on}, {r.line: r for r in off}


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def test_whole_prompt_capacity_is_applied_where_it_concerns():
    assert V.MECHANISM_TABLE["whole_prompt_capacity"].applied == ("server", "interactive")
    assert V.MECHANISMS["whole_prompt_capacity"] == V.MECHANISM_TABLE["whole_prompt_capacity"].concerns


def test_whole_prompt_engine_is_the_engines_without_chunked_context():
    # NVIDIA's v4.1 harness: `whole_prompts` set from WHOLE_PROMPT_ROUNDS (its Server configs set no chunked context)
    assert V.whole_prompt_engine("inference-v4.1", "Hopper FP8", {"whole_prompts": 1.0})
    # AMD's vLLM harness, chunked prefill off in v4.1 and v5.0
    assert V.whole_prompt_engine("inference-v4.1", "CDNA3 FP8", {})
    assert V.whole_prompt_engine("inference-v5.0", "CDNA3 FP8", {})
    # ... and on in v5.1's MI325X Interactive / v6.0's V1 engine: not a whole-prompt engine
    assert not V.whole_prompt_engine("inference-v5.1", "CDNA3 FP8", {})
    assert not V.whole_prompt_engine("inference-v6.0", "CDNA3 FP8", {})
    # NVIDIA's v5.0 TensorRT-LLM engines chunk their contexts (`context_chunk_unit`)
    assert not V.whole_prompt_engine("inference-v5.0", "Hopper FP8", {"context_chunk_unit": 32.0})


def test_only_the_whole_prompt_engines_rows_move(both):
    on, off = both
    assert on.keys() == off.keys()
    moved = [line for line in on if not _same(on[line].predicted, off[line].predicted)]
    assert {on[line].data["system"].split(":")[0] for line in moved} == {"NVIDIA", "AMD"}   # both harnesses move
    assert not any("H200" in on[line].data["system"] for line in moved)   # the chunked engine does not
    for line in moved:
        r = on[line]
        assert r.data["scenario"].strip().lower() == "server", r.label     # Interactive runs are Server runs
        assert r.lets.get("capacity_solve") == 1.0, r.label
        assert r.lets.get("operating_fraction") == V.OPERATING_FRACTION, r.label
        assert "context_chunk_unit" not in r.lets, r.label                # never a chunked engine's row
    for line, r in on.items():                                             # every chunked or Offline row as it was
        if not r.lets.get("capacity_solve"):
            assert _same(r.predicted, off[line].predicted), r.label


def test_solved_points_hold_both_limits_at_the_fraction(both):
    on, _ = both
    configs: dict = defaultdict(dict)
    for r in on.values():
        if r.category in LATENCY and r.lets.get("capacity_solve") == 1.0 and r.covered:
            configs[(r.block, r.data.get("source", "").split(" (at")[0])][r.category] = r
    assert len(configs) == 2          # the DGX H100 and MI325X runs
    f = V.OPERATING_FRACTION
    for got in configs.values():
        for cat, limit in (("TPOT p99", "tpot_limit"), ("TTFT p99", "ttft_limit")):
            if cat in got:
                r = got[cat]
                assert math.isfinite(r.predicted) and r.predicted > 0, r.label
                assert r.predicted <= f * r.fields[limit].value * (1 + 1e-9), (r.label, r.predicted)
        if "TPOT mean" in got and "TPOT p99" in got:
            assert got["TPOT mean"].predicted <= got["TPOT p99"].predicted
        if "TTFT p50" in got and "TTFT p99" in got:
            assert got["TTFT p50"].predicted <= got["TTFT p99"].predicted
