"""The p99 TPOT over requests of their own lengths in Server (compiler/validate.py MECHANISMS "output_spread",
opt-in; docs/accuracy.md "DeepSeek-R1 Server against Offline: the Server-only terms, one by one"): a Server row of a
benchmark with a sourced output-length spread (OUTPUT_CVS, the submitters' TEST06 logs) gets `let
output_length_cv`, which only `_tpot_tail` reads without `kv_room_wait` (compiler/models/inference/: a short
request averages the step over fewer steps, so the p99 over requests is a quantile of a mixture over lengths).
Laws: where it is given and where not; it never raises a row's throughput (a wider tail can only lower the batch
the TPOT limit admits) and never lowers the p99 TPOT at an unchanged capacity point; Offline rows do not move."""
from __future__ import annotations

import pytest

from compiler import validate as V

HEAD = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"
ROWS = (
    # DeepSeek-R1 on NVIDIA's v5.1 GB300 rack (the held-out sanity row's shape), Server and Offline
    "inference-v5.1,deepseek-r1,Server,s,NVIDIA GB300,72,throughput,1,Tokens/s,x\n"
    "inference-v5.1,deepseek-r1,Server,s,NVIDIA GB300,72,tpot_mean,1,ms,x\n"
    "inference-v5.1,deepseek-r1,Server,s,NVIDIA GB300,72,tpot_p99,1,ms,x\n"
    "inference-v5.1,deepseek-r1,Offline,s,NVIDIA GB300,72,throughput,1,Tokens/s,x\n"
    # a calibration-shaped Llama 2 70B Server row (cv 0.59) and a benchmark without a sourced spread (8B)
    "inference-v5.0,llama2-70b-99,Server,s,NVIDIA H100-SXM-80GB,8,throughput,1,Tokens/s,x\n"
    "inference-v5.0,llama2-70b-99,Server,s,NVIDIA H100-SXM-80GB,8,tpot_p99,1,ms,x\n"
    "inference-v5.1,llama3.1-8b,Server,s,NVIDIA B200-SXM-180GB,8,throughput,1,Tokens/s,x\n"
)


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    path = tmp_path_factory.mktemp("spread") / "rows.csv"
    path.write_text(HEAD + ROWS)
    off, sink = V.run(str(path))
    assert not sink.items, [d.message for d in sink.items]
    on, _ = V.run(str(path), mechanisms=V.mechanisms_with(on=("output_spread",)))
    return off, on


def test_the_mechanism_is_opt_in_and_concerns_server_only() -> None:
    assert V.MECHANISM_TABLE["output_spread"].applied == ()
    assert V.MECHANISM_TABLE["output_spread"].concerns == ("server",)
    assert V.OUTPUT_CVS["DeepSeek_R1"] == 1.07          # TEST06 cv of the generated lengths ("Dataset lengths")


def test_given_to_the_server_rows_of_the_sourced_spreads_only(both) -> None:
    off, on = both
    assert all("output_length_cv" not in r.lets for r in off)          # default: not applied
    got = [r.lets.get("output_length_cv") for r in on]
    assert got == [1.07, 1.07, 1.07, None, 0.59, 0.59, None]            # Offline and 8B (no sourced cv): none


def test_never_raises_throughput_and_never_lowers_the_p99_at_the_same_point(both) -> None:
    off, on = both
    for a, b in zip(off, on):
        if a.data["metric"] == "throughput":
            assert b.predicted <= a.predicted * (1 + 1e-12), a.label
    for i in (2, 5):                                    # the TPOT p99 rows; their throughput rows are i - 2, i - 1
        thr = i - 2 if i == 2 else i - 1
        if on[thr].predicted == pytest.approx(off[thr].predicted, rel=1e-12):   # the same capacity point
            assert on[i].predicted >= off[i].predicted * (1 - 1e-12), on[i].label
    # the mean step at an unchanged point does not move (the spread is of the requests' averages, not the step)
    if on[0].predicted == pytest.approx(off[0].predicted, rel=1e-12):
        assert on[1].predicted == pytest.approx(off[1].predicted, rel=1e-9)
    assert on[3].predicted == off[3].predicted          # Offline byte-identical
    assert on[6].predicted == off[6].predicted          # no sourced spread: unchanged
