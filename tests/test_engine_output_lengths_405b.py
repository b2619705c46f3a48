"""Llama 3.1 405B's answer length (docs/accuracy.md "Llama 3.1 405B's answer length", s15-bw): MECHANISMS
"engine_output_lengths_405b" gives the 405B rows the mean answer of NVIDIA's engines in the calibration round's own
accuracy runs (ENGINE_OUTPUT_TOKENS) in place of the FP16 reference's 684.68 tokens a sample. Laws: opt-in (the
default rows unchanged), only 405B rows move and only under their own name, Blackwell Ultra takes the NVFP4
checkpoint's figure, and a shorter answer lowers the throughput of a row whose step follows its prompt share (more
prompt work a generated token). Not a law of every row: the v5.0 Blackwell tp 2 pp 2 Offline engines' step sits on
its token budget's plateau, and 684.68 -> 656.15 leaves them within 0.01% (docs/accuracy.md, same section)."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler import validate as V

# v5.0 NVIDIA 8x H200 405B Offline (line 1306 of reference/mlperf_calibration.csv, a tp 4 pp 2 engine whose step
# follows the prompt share), and v5.0 NVIDIA 8x B200 Llama 2 70B Offline (line 1206)
LINES = (1306, 1206)
GB300_ROW = ("inference-v5.1,llama3.1-405b,Offline,NVIDIA: x [GB300-NVL72_GB300-288GB_aarch64x72_TRT],NVIDIA GB300,72,"
             "throughput,16104.1,Tokens/s,https://github.com/mlcommons/inference_results_v5.1/tree/main/closed/NVIDIA/"
             "results/GB300-NVL72_GB300-288GB_aarch64x72_TRT/llama3.1-405b/Offline")


@pytest.fixture(scope="module")
def rows_csv(tmp_path_factory):
    ref = Path(__file__).resolve().parents[1] / "reference" / "mlperf_calibration.csv"
    text = ref.read_text(encoding="utf-8").splitlines()
    path = tmp_path_factory.mktemp("eol405") / "rows.csv"
    path.write_text("\n".join([text[0]] + [text[n - 1] for n in LINES] + [GB300_ROW]) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def runs(rows_csv):
    def one(on):
        out, sink = V.run(rows_csv, mechanisms=V.mechanisms_with(on=on))
        assert not sink.items, [d.message for d in sink.items]
        return out
    return {on: one(on) for on in ((), ("engine_output_lengths_405b",))}


def test_opt_in_and_the_medians_by_hand() -> None:
    """The v5.0 accuracy runs (tokens_per_sample): NVFP4 B200x8 Offline 655.9, Server 654.0, GB200 NVL72 Offline
    656.4, Server 656.8: median (655.9 + 656.4) / 2 = 656.15; FP8 H200x8 648.6 and 647.2: 647.9. Both are 4.2% and
    5.4% below the FP16 reference's 684.68."""
    assert V.MECHANISM_TABLE["engine_output_lengths_405b"].applied == ()
    assert set(V.MECHANISM_TABLE["engine_output_lengths_405b"].concerns) == {"offline", "server", "interactive"}
    blackwell = sorted([655.9, 654.0, 656.4, 656.8])
    assert V.ENGINE_OUTPUT_TOKENS[("Llama3_1_405B", "Blackwell FP4")] == pytest.approx((blackwell[1] + blackwell[2]) / 2)
    assert V.ENGINE_OUTPUT_TOKENS[("Llama3_1_405B", "Hopper FP8")] == pytest.approx((648.6 + 647.2) / 2)
    assert V.SERVING["llama3.1-405b"].output_tokens == 684.68
    assert V.OUTPUT_LENGTH_MECHANISMS["Llama3_1_405B"] == "engine_output_lengths_405b"


def test_only_405b_rows_move_under_their_own_name(runs) -> None:
    base, on = runs[()], runs[("engine_output_lengths_405b",)]
    for b, o in zip(base, on):
        is_405b = b.data["benchmark"] == "llama3.1-405b"
        assert (b.predicted != o.predicted) == is_405b, b.label     # the 405B rows, and only they, move
        assert b.predicted > 0 and o.predicted > 0


def test_blackwell_ultra_takes_the_nvfp4_figure(runs) -> None:
    gb300 = next(r for r in runs[("engine_output_lengths_405b",)] if r.data["accelerator"] == "NVIDIA GB300")
    assert gb300.fields["output_tokens"].value == pytest.approx(656.15)
    h200 = next(r for r in runs[("engine_output_lengths_405b",)] if "H200" in r.data["accelerator"])
    assert h200.fields["output_tokens"].value == pytest.approx(647.9)


def test_a_shorter_answer_lowers_the_prompt_bound_rows(runs) -> None:
    """Each generated token carries I / O prompt tokens: 9,428.64 / 684.68 = 13.77 -> 9,428.64 / 647.9 = 14.55 on
    the H200 row (+5.7%), 14.37 on the GB300 row (+4.3%), so their Offline rates fall, by less than those shares (the
    decode work a token is unchanged)."""
    assert 9428.64 / 647.9 / (9428.64 / 684.68) == pytest.approx(1.0568, abs=1e-4)
    moved = [(b, o) for b, o in zip(runs[()], runs[("engine_output_lengths_405b",)])
             if b.data["benchmark"] == "llama3.1-405b"]
    assert len(moved) == 2
    for b, o in moved:
        assert 1 / 1.0568 < o.predicted / b.predicted < 1.0, b.label
