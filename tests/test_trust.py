"""Trust: declared field ranges (static and per scenario), NaN/inf/negative outputs flagged, -D errors exit 2,
`estimate` and `validate` refuse bad input with a message (never a traceback, never "internal error")."""
from __future__ import annotations

import json
import math
import types
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import dsl
from compiler import evaluate_files, evaluate_text
from compiler.cli import main
from dsl.diagnostics import Sink

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.factory"))


def _write(tmp_path: Path, text: str, name: str = "spec.factory") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


def _diags(text: str, defines: dict[str, str] | None = None) -> list:
    """Every error of checking and evaluating `text` (as `factory check` runs it); the specs here leave their
    parts unpriced, so their `unpriced` warnings are not what these tests are about."""
    _, sink = evaluate_text(text, "spec.factory", defines)
    return sink.errors


# ----------------------------------------------------------------------------- declared ranges, statically

UPS = """ups u {
  capacity = 1 MW
  efficiency = %s
}
"""


def test_an_efficiency_of_96_is_refused_at_its_span_with_a_percent_hint(tmp_path) -> None:
    result = _run("check", _write(tmp_path, UPS % "96"))
    assert result.exit_code == 1
    assert "spec.factory:3:16: error[out-of-range]: `efficiency` of ups `u` must be in (0, 1]; this is 96" \
        in result.output
    assert "help: did you mean 0.96 or 96 %?" in result.output


@pytest.mark.parametrize("value", ["0.96", "96 %", "1"])
def test_an_efficiency_in_its_range_is_accepted(value) -> None:
    assert [d.code for d in _diags(UPS % value)] == []


@pytest.mark.parametrize("value", ["0", "-0.5", "1.01"])
def test_an_efficiency_outside_0_1_is_refused(value) -> None:
    assert [d.code for d in _diags(UPS % value)] == ["out-of-range"]


def test_a_negative_tdp_is_refused_at_its_span(tmp_path) -> None:
    result = _run("check", _write(tmp_path, "chip c {\n  tdp = -700 W\n}\n"))
    assert result.exit_code == 1
    assert "spec.factory:2:9: error[out-of-range]: `tdp` of chip `c` must be >= 0 W; this is -700 W" in result.output


@pytest.mark.parametrize("field", ["max_num_tokens", "max_input_tokens"])
def test_a_zero_token_budget_or_longest_prompt_is_refused_at_its_span(tmp_path, field) -> None:
    """A token budget or a longest prompt of 0 leaves no room for a prompt (the server model divides by it): once
    it printed 2e-18 tok/s with exit 0. Refused where it is written, a literal by the check and a computed value
    by the evaluation's range check; 1 token is in range (with a budget that small no layout may meet the
    latency limits: that is the model's answer, not a range error)."""
    body = ("from systems import DGX_H100\nfrom models import Llama2_70B\ninference svc {\n  model = Llama2_70B\n"
            "  system = DGX_H100\n  accelerators = 8\n  scenario = \"server\"\n  %s = %s\n}\n")
    column = len(f"  {field} = ") + 1
    message = f"spec.factory:8:{column}: error[out-of-range]: `{field}` of inference `svc` must be > 0 tok; this is 0 tok"
    for command, value in (("check", "0 tok"), ("eval", "8 tok - 8 tok")):
        result = _run(command, _write(tmp_path, body % (field, value)))
        assert result.exit_code == 1 and message in result.output, result.output[-1500:]
    assert "out-of-range" not in [d.code for d in _diags(body % (field, "1 tok"))]


@pytest.mark.parametrize("value, ok", [("80", True), ("2.5", False), ("-1", False), ("2^53", True),
                                       ("10^18", False), ("10^18 + 1", False)])
def test_a_count_field_is_a_whole_number_up_to_2_pow_53(value, ok) -> None:
    codes = [d.code for d in _diags(f"model m {{\n  params = 1\n  layers = {value}\n}}\n")]
    assert codes == ([] if ok else ["out-of-range"])


def test_a_constant_computed_out_of_range_is_refused_at_the_value() -> None:
    diags = _diags("let half = 0.5\nups u {\n  capacity = 1 MW\n  efficiency = half * 4\n}\n")
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("out-of-range", 4, 16)]


def test_a_zero_temperature_rise_is_refused_not_an_infinite_flow() -> None:
    text = "site s {\n  hall h {\n    liquid_delta_t = 0 K\n  }\n}\n"
    assert [(d.code, d.span.line) for d in _diags(text)] == [("out-of-range", 3)]


def test_a_csv_eval_with_a_range_error_says_so_on_stderr(tmp_path) -> None:
    result = _run("eval", _write(tmp_path, SWEEP), "-D", "eff=[0.9, 96]", "--format", "csv")
    assert result.exit_code == 1
    assert "error[out-of-range]" in result.stderr and "error" not in result.stdout


def test_ranges_are_one_declaration_per_type() -> None:
    """Every numeric field's range is its type's entry in RANGES (a field marked `positive`, one a model divides
    by: the entry "positive <type>" where there is one -- a count from 1, a fraction in (0, 1] -- else
    "positive"), or the entry of its name in NAMED_RANGES (`pue` >= 1, s17-hunt-num); the range of an efficiency
    is (0, 1]."""
    from dsl.schema import NAMED_RANGES, RANGES, field_range, kinds

    for spec in kinds().values():
        for f in spec.fields.values():
            r = field_range(f)
            if f.type in ("text", "bool") or f.type.startswith(("choice:", "ref:")):
                assert r is None
            elif f.name in NAMED_RANGES:
                assert r is NAMED_RANGES[f.name], (spec.name, f.name)
            else:
                positive = RANGES.get(f"positive {f.type}", RANGES["positive"])
                assert r is (positive if f.positive else RANGES.get(f.type, RANGES["quantity"])), \
                    (spec.name, f.name)
    assert kinds()["ups"].fields["efficiency"].type == "efficiency"
    share = RANGES["positive fraction"]
    assert not share.contains(0.0) and share.contains(1.0) and not share.contains(1.5)
    eff = RANGES["efficiency"]
    assert not eff.contains(0.0) and eff.contains(1e-9) and eff.contains(1.0) and not eff.contains(96.0)
    assert RANGES["count"].contains(2.0 ** 53) and not RANGES["count"].contains(2.0 ** 53 + 2)


@pytest.mark.parametrize("field", ["params", "layers", "hidden", "heads", "kv_heads", "head_dim"])
def test_a_model_dimension_of_zero_is_refused_at_its_span(field) -> None:
    """A model's sizes are counts the models divide by (head_dim = hidden / heads, the KV cache per token
    2 kv_heads head_dim layers): `kv_heads = 0` printed "the KV cache of one sequence does not fit: nan B per
    chip ... nan B free after nan B of weights". Each is a whole number of at least 1, refused at its value."""
    text = ("model m {\n  params = 8e9\n  layers = 32\n  hidden = 4096\n  heads = 32\n  kv_heads = 8\n"
            "  head_dim = 128\n}\n").replace(f"  {field} = ", f"  {field} = 0 * ")
    diags = _diags(text)
    assert [d.code for d in diags] == ["out-of-range"], [d.message for d in diags]
    assert f"`{field}` of model `m` must be a whole number from 1 to 2^53; this is 0" in diags[0].message


def test_stdlib_and_examples_are_in_range() -> None:
    """Checking every example checks the stdlib it imports: no value of either is out of its range."""
    for path in EXAMPLES:
        _, sink = dsl.check_files([str(path)])
        assert not [d for d in sink.items if d.code == "out-of-range"], path


# ----------------------------------------------------------------------------- per scenario

SWEEP = """param p = 2
param eff = 0.95
param tdp = 700 W
chip c { tdp = tdp }
ups u {
  capacity = 1 MW
  efficiency = eff
}
site s {
  let per = 10 kW / p
  hall h {
    ups ups1: u x 1
    rack r { server n { chip g: c x 8 } }
  }
}
"""


def test_a_swept_efficiency_out_of_range_names_the_scenarios() -> None:
    diags = _diags(SWEEP, {"eff": "[0.9, 96]"})
    assert [d.code for d in diags] == ["out-of-range"]
    d = diags[0]
    assert (d.span.line, d.span.col) == (7, 16)
    assert "must be in (0, 1]; it is 96 in 1 of 2 scenarios (eff = 96)" in d.message
    # the negative losses and powers that follow from it are not reported again


def test_a_division_by_zero_from_a_define_is_reported_at_the_divisor(tmp_path) -> None:
    result = _run("check", _write(tmp_path, SWEEP), "-D", "p=0")
    assert result.exit_code == 1
    assert "spec.factory:10:21: error[non-finite]: `s.per` is infinite" in result.output
    assert "division by zero: this divisor is 0" in result.output


def test_a_sweep_names_only_the_bad_scenarios() -> None:
    diags = _diags(SWEEP, {"p": "[0, 1, 2]"})
    assert [d.code for d in diags] == ["non-finite"]
    assert "is infinite in 1 of 3 scenarios (p = 0)" in diags[0].message


# ----------------------------------------------------------------------------- a `let` in place of an assumption

LET_ASSUMPTION = """from systems import DGX_H200
from models import Llama2_70B
inference svc {
  model = Llama2_70B
  system = DGX_H200
  accelerators = 8
  scenario = "server"
  let %s = %s
}
"""


@pytest.mark.parametrize("name, value, message", [
    ("scheduler_steps", "0", "must be a whole number from 1 to 2^53; it is 0"),
    ("scheduler_steps", "2.5", "must be a whole number from 1 to 2^53; it is 2.5"),
    ("first_token_delay", "-5", "must be >= 0; it is -5"),
    ("prompt_length_cv", "-1", "must be >= 0; it is -1"),
    ("inference_gemm_efficiency", "96", "must be in (0, 1]; it is 96"),
    ("memory_reserve", "1", "must be in [0, 1); it is 1"),
    ("seq_overhead", "-1 us", "must be >= 0 us; it is -1 us"),
    ("whole_prompts", "0.5", "must be a whole number from 0 to 1; it is 0.5"),
])
def test_a_let_in_place_of_an_assumption_is_refused_outside_its_range_at_its_span(name, value, message) -> None:
    """A `let` a model reads in place of one of its assumptions (`let scheduler_steps = 0`) printed whatever the
    formula made of it (a negative time to first token, with the error at the workload, not at the let). Its
    assumption declares the values its formula holds for: outside them, one `out-of-range` error at the let's
    value, and the figures computed from it are not reported again (a reserve of all memory also leaves the
    workload infeasible: that error names the model's reason, this one the input)."""
    diags = [d for d in _diags(LET_ASSUMPTION % (name, value)) if d.code != "infeasible-workload"]
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("out-of-range", 8, len(f"  let {name} = ") + 1)]
    assert f"`svc.{name}` {message}" in diags[0].message
    assert "replaces the model's assumption" in diags[0].notes[0]


@pytest.mark.parametrize("name, value", [("scheduler_steps", "9"), ("first_token_delay", "0"),
                                         ("prompt_length_cv", "0.78"), ("inference_gemm_efficiency", "1"),
                                         ("memory_reserve", "0"), ("whole_prompts", "1")])
def test_a_let_in_place_of_an_assumption_in_its_range_is_accepted(name, value) -> None:
    assert [d.code for d in _diags(LET_ASSUMPTION % (name, value))] == []


def test_a_chip_let_read_as_the_serving_efficiency_is_checked_too() -> None:
    """The fitted family factors are chip `let`s (`let serving_efficiency`, stdlib/chips.factory): one of 96 is
    refused at the chip's let, as the workload's `inference_gemm_efficiency` is."""
    text = ("from chips import H200\nfrom models import Llama2_70B\nchip fast extends H200 {\n"
            "  let serving_efficiency = 96\n}\ninference svc {\n  model = Llama2_70B\n  chip = fast\n"
            "  accelerators = 8\n  scenario = \"offline\"\n}\n")
    diags = _diags(text)
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 4)], [d.message for d in diags]


@pytest.mark.parametrize("name, value, message", [("kv_lora_rank", "-512", "must be > 0; it is -512"),
                                                  ("sliding_layers", "2.5", "a whole number from 0 to 2^53")])
def test_a_model_option_let_is_refused_outside_its_range_at_its_span(name, value, message) -> None:
    """A `let` a model reads with no default (a model's latent width, its sliding-window layers) is checked
    against the range its `Option` declares, at the let."""
    text = ("from models import DeepSeek_V3\nfrom systems import DGX_H200\nmodel m extends DeepSeek_V3 {\n"
            f"  let {name} = {value}\n}}\ninference w {{\n  model = m\n  system = DGX_H200\n  accelerators = 8\n"
            "  scenario = \"offline\"\n}\n")
    diags = _diags(text)
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 4)], [d.message for d in diags]
    assert message in diags[0].message and "the model reads this `let` as" in diags[0].notes[0]


@pytest.mark.parametrize("name, value, have, want", [
    ("layer_latency", "5", "a plain number", "time (s)"),           # forgot `us`: 5 s a layer to the model
    ("seq_overhead", "35 kW", "power (W)", "time (s)"),
    ("batch_window", "0.3", "a plain number", "time (s)"),
    ("max_num_tokens", "4096", "a plain number", "tokens (tok)"),
    ("first_token_delay", "1 s", "time (s)", "a plain number"),
    ("max_batch_size", "1 s", "time (s)", "a plain number"),
    ("kv_cache_fraction", "0.9 s", "time (s)", "a plain number"),
    ("weight_bits", "9 s", "time (s)", "a plain number"),
])
def test_a_let_in_place_of_an_assumption_has_its_unit(name, value, have, want) -> None:
    """The model reads a `let` for one of its assumptions or options as an SI figure in the assumption's unit:
    `let layer_latency = 5` was 5 s a layer (a workload that cannot run, blamed on its latency limits) and
    `let max_batch_size = 1 s` a cap of 1, both silently. Of another dimension: one `unit-mismatch` at the let's
    value, as a field of the wrong unit is."""
    diags = [d for d in _diags(LET_ASSUMPTION % (name, value)) if d.code != "infeasible-workload"]
    diags = [d for d in diags if not d.message.startswith("check failed")]
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("unit-mismatch", 8, len(f"  let {name} = ") + 1)]
    assert f"`svc.{name}` is {have}, but the model reads it as its" in diags[0].message
    assert f"`{name}`, which is {want}" in diags[0].message


@pytest.mark.parametrize("name, value", [("layer_latency", "5 us"), ("batch_window", "300 ms"),
                                         ("max_num_tokens", "4096 tok"), ("max_batch_size", "64")])
def test_a_let_in_place_of_an_assumption_in_its_unit_is_accepted(name, value) -> None:
    assert [d.code for d in _diags(LET_ASSUMPTION % (name, value))] == []


@pytest.mark.parametrize("name", ["ep_comm_overlap", "tp_comm_overlap"])
def test_an_overlap_switch_is_on_or_off(name) -> None:
    """`ep_comm_overlap` and `tp_comm_overlap` are switches: the training model hides the communication where the
    value is above 0, so 0.5 ran as 1 (all overlapped) without a word. Only 0 and 1 are accepted."""
    text = ("from systems import HGX_H800\nfrom models import DeepSeek_V3\ntraining t {\n  model = DeepSeek_V3\n"
            "  system = HGX_H800\n  accelerators = 256\n  precision = \"fp8\"\n  tp = 1\n  pp = 8\n  ep = 32\n"
            f"  let {name} = %s\n}}\n")
    diags = _diags(text % "0.5")
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 11)], [d.message for d in diags]
    assert "must be a whole number from 0 to 1; it is 0.5" in diags[0].message
    assert [d.code for d in _diags(text % "0")] == [] and [d.code for d in _diags(text % "1")] == []


def test_a_swept_engine_cap_below_one_names_each_bad_value_and_no_model_runs_on_them() -> None:
    """`let max_batch_size = c` swept over 0, 2.5, -3 and 1: the range error named only the first bad value ("it
    is 0 in 3 of 4 scenarios (c = 0; c = 2.5; c = -3)"), and the workload's reason for c <= 0 blamed memory
    ("the KV cache of one sequence does not fit: 22.53 MB per chip ..., 63.18 GB free"), which a cap of
    floor(c / d) = 0 sequences an engine is not. Now the range error names each bad value, and no model runs on
    them (compiler.evaluate `refuse_read`): the workload's figures are absent there, with no second diagnostic
    computed from the refused value; the scenario in range has its figures."""
    spec = LET_ASSUMPTION % ("max_batch_size", "c") + "param c = 1\n"
    diags = _diags(spec, {"c": "[0, 2.5, -3, 1]"})
    assert [d.code for d in diags] == ["out-of-range"], [d.message for d in diags]
    assert "it is 0, 2.5, -3 in 3 of 4 scenarios" in diags[0].message
    results, _ = evaluate_text(spec, "spec.factory", {"c": "[0, 2.5, -3, 1]"})
    alone, _ = evaluate_text(spec, "spec.factory", {"c": "1"})
    tokens = np.asarray(results.values["svc.tokens_per_s"], dtype=float)
    assert np.isnan(tokens[:3]).all() and tokens[3] == float(alone.values["svc.tokens_per_s"][0]) > 0


def test_a_misspelt_model_let_on_a_workload_is_a_warning_naming_the_figure() -> None:
    """`let max_batch_sise = 1` (for `max_batch_size`) was read by nothing and changed nothing: the same throughput
    as without it, and no word. A workload `let` that nothing reads, a letter from a name the models read, is an
    `unknown-name` warning at its name with that name; a `let` of the user's own (`let my_figure = 3`) is not."""
    _, sink = evaluate_text(LET_ASSUMPTION % ("max_batch_sise", "1"), "spec.factory")
    warned = [d for d in sink.items if d.code == "unknown-name"]
    assert [(d.severity, d.span.line, d.span.col) for d in warned] == [("warning", 8, 7)]
    assert "did you mean `max_batch_size`" in warned[0].message
    _, sink = evaluate_text(LET_ASSUMPTION % ("my_figure", "3"), "spec.factory")
    assert "unknown-name" not in [d.code for d in sink.items]
    _, sink = evaluate_text(LET_ASSUMPTION % ("max_batch_size", "64"), "spec.factory")
    assert "unknown-name" not in [d.code for d in sink.items]


@pytest.mark.parametrize("kind, body", [
    ("inference", '  system = DGX_H200\n  accelerators = 8\n  scenario = "offline"\n'),
    ("training", '  system = HGX_H800\n  accelerators = 2048\n  precision = "fp8"\n  tp = 1\n  pp = 16\n  ep = 64\n'),
])
@pytest.mark.parametrize("active", ["0", "300"])
def test_routed_experts_outside_1_to_e_cannot_run(kind, body, active) -> None:
    """DeepSeek-V3 routes a token to k of E = 256 experts, 1 <= k <= E. With `experts_active = 300` inference
    printed 3,403 tok/s and training blamed memory; with 0, training printed 4.16 Mtok/s, faster than the real
    k = 8 (3.75 Mtok/s). Now the workload has no configuration, the reason naming k and E."""
    text = (f"from models import DeepSeek_V3\nfrom systems import DGX_H200, HGX_H800\nmodel m extends DeepSeek_V3 {{\n"
            f"  experts_active = {active}\n}}\n{kind} w {{\n  model = m\n{body}}}\n")
    results, sink = evaluate_text(text, "spec.factory")
    reasons = [d.message for d in sink.errors if d.code == "infeasible-workload"]
    assert len(reasons) == 1 and f"experts_active = {active} of its 256 experts" in reasons[0], reasons
    assert not np.isfinite(results.values["w.tokens_per_s"]).any()


def test_more_sliding_window_layers_than_layers_cannot_run() -> None:
    """`let sliding_layers` L_w counts some of a model's L layers; the other L - L_w attend to the whole context.
    gpt-oss-20b (24 layers) with L_w = 30 printed a throughput from -6 full-attention layers: now the workload
    has no configuration, with both numbers; L_w = L (every layer windowed) still runs."""
    text = ("from models import GPT_OSS_20B\nfrom systems import DGX_H200\nmodel m extends GPT_OSS_20B {\n"
            "  let sliding_layers = %s\n}\ninference w {\n  model = m\n  system = DGX_H200\n  accelerators = 8\n"
            "  scenario = \"offline\"\n}\n")
    results, sink = evaluate_text(text % "30", "spec.factory")
    assert "infeasible-workload" in [d.code for d in sink.errors]
    assert any("`let sliding_layers` = 30 is more than its 24 layers" in d.message for d in sink.errors)
    assert not np.isfinite(results.values["w.tokens_per_s"]).any()
    assert [d.code for d in _diags(text % "24")] == []


@pytest.mark.parametrize("kv_heads, ok", [("8", True), ("64", True), ("96", False), ("6", False)])
def test_kv_heads_must_divide_the_query_heads(kv_heads, ok) -> None:
    """Grouped-query attention shares each key/value head among heads / kv_heads query heads, a whole number:
    Llama 2 70B's 64 heads take 8 (or 64) KV heads. 96 KV heads sized a KV cache larger than the attention has,
    silently; 6 split the heads unevenly. Now the workload has no configuration, with both numbers."""
    text = ("from models import Llama2_70B\nfrom systems import DGX_H200\nmodel m extends Llama2_70B {\n"
            f"  kv_heads = {kv_heads}\n}}\ninference w {{\n  model = m\n  system = DGX_H200\n  accelerators = 8\n"
            "  scenario = \"offline\"\n}\n")
    results, sink = evaluate_text(text, "spec.factory")
    if ok:
        assert not sink.has_errors(), [d.message for d in sink.errors]
        return
    reasons = [d.message for d in sink.errors if d.code == "infeasible-workload"]
    assert len(reasons) == 1 and f"kv_heads = {kv_heads} does not divide its 64 query heads" in reasons[0], reasons
    assert not np.isfinite(results.values["w.tokens_per_s"]).any()


def test_a_swept_let_in_place_of_an_assumption_names_the_bad_scenario() -> None:
    diags = _diags(LET_ASSUMPTION % ("first_token_delay", "d") + "param d = 0.3\n", {"d": "[0.3, -1]"})
    assert [d.code for d in diags] == ["out-of-range"]
    assert "must be >= 0; it is -1 in 1 of 2 scenarios (d = -1)" in diags[0].message


def test_a_negative_tdp_from_a_define_is_one_error_at_the_field() -> None:
    diags = _diags(SWEEP, {"tdp": "-700 W"})
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 4)]
    assert "must be >= 0 W; it is -700 W" in diags[0].message


def test_a_sweep_flags_the_scenarios_that_are_flagged_one_at_a_time() -> None:
    """Law: the scenarios a sweep names are exactly those whose single run reports the same error."""
    values = {"p": ["0", "1", "2"], "eff": ["0.9", "96", "1"]}
    for name, points in values.items():
        alone = [v for v in points if _diags(SWEEP, {name: v})]
        (swept,) = _diags(SWEEP, {name: "[" + ", ".join(points) + "]"})
        named = swept.message.rpartition("(")[2].rstrip(")").split("; ")
        assert named == [f"{name} = {v}" for v in alone]


def test_absent_values_are_not_flagged() -> None:
    """A value the models flag absent (`Results.absent`) in a scenario is not an error there."""
    from compiler.checks import check_values

    results, sink = evaluate_text(SWEEP, "spec.factory", {"p": "[0, 1]"})
    assert [d.code for d in sink.errors] == ["non-finite"]
    ev = types.SimpleNamespace(sink=Sink(), let_declared={}, scenario_axis={"p": np.array([0.0, 1.0])},
                               number=lambda *a: (_ for _ in ()).throw(ValueError()))
    others = dict(results.absent)       # the figures the models leave absent themselves (a PUE without IT power)
    results.absent = {**others, "s.per": types.SimpleNamespace(mask=np.array([True, False]), reason="test")}
    check_values(ev, results)
    assert ev.sink.items == []
    results.absent = {**others, "s.per": types.SimpleNamespace(mask=np.array([False, True]), reason="test")}
    check_values(ev, results)
    assert [d.code for d in ev.sink.items] == ["non-finite"]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_have_no_nan_inf_or_negative_output(path: Path) -> None:
    """Every numeric output of every example is finite (or flagged absent) and no error is reported."""
    results, sink = evaluate_files([str(path)])
    assert results is not None and not sink.has_errors(), [d.message for d in sink.errors]
    absent = getattr(results, "absent", {}) or {}
    for name, value in results.values.items():
        if isinstance(value, np.ndarray) and value.dtype.kind == "f":
            mask = np.asarray(getattr(absent.get(name), "mask", False), dtype=bool)
            assert np.all(np.isfinite(value) | mask), name


def test_a_site_without_accelerators_has_no_cost_per_accelerator_hour() -> None:
    """Was NaN (0 / 0) on examples/inference_shootout.factory: a site holding only workloads."""
    text = ("from systems import DGX_H100\nfrom models import Llama2_70B\nsite s {\n"
            "  inference w {\n    model = Llama2_70B\n    system = DGX_H100\n  }\n}\n")
    results, sink = evaluate_text(text)
    assert not sink.has_errors(), [d.message for d in sink.errors]
    for path in ("s.cost_per_accelerator_hour", "s.cost_per_mw"):      # no value, with the reason why
        assert path not in results.values or (path in results.absent and results.absent[path].mask.all()
                                              and results.absent[path].reason)
    assert results.values["s.w.usd_per_mtok"][0] > 0


def test_an_example_json_has_no_null_value() -> None:
    result = _run("eval", str(ROOT / "examples" / "inference_shootout.factory"), "--format", "json")
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    # a null is only ever an absent value, with its reason (a site of pure workloads has no cost per GPU-hour)
    nulls = [p for p, q in doc["quantities"].items() if any(v is None for v in q["values"])]
    assert all(doc["quantities"][p].get("absent", {}).get("reason") for p in nulls), nulls


# ----------------------------------------------------------------------------- empty lists and -D exit codes

EMPTY = "param n = []\nsite s {\n  let x = n * 2\n}\n"


@pytest.mark.parametrize("command", [["check"], ["eval"], ["build", "-o", "OUT"], ["explain", "PATH", "s.x"]])
def test_an_empty_parameter_list_is_an_error_at_the_list(tmp_path, command) -> None:
    spec = _write(tmp_path, EMPTY)
    args = [a.replace("OUT", str(tmp_path / "out")) for a in command]
    args = [spec if a == "PATH" else a for a in args] if "PATH" in args else args + [spec]
    result = _run(*args)
    assert result.exit_code == 1
    assert "spec.factory:1:11: error[invalid-range]: a parameter's list of values is empty" in result.output


@pytest.mark.parametrize("define, code", [("racks", None), ("rack=3", "unknown-parameter"),
                                          ("racks=3 furlong", "unknown-unit"), ("racks=3 kW", "unit-mismatch"),
                                          ("racks=[]", "invalid-range"), ("racks=1 +", "invalid-define"),
                                          ("racks=1/0", "non-finite")])
@pytest.mark.parametrize("command", ["check", "eval", "build"])
def test_every_define_error_exits_2(tmp_path, define, code, command) -> None:
    spec = _write(tmp_path, "param racks = 2\nsite s {\n  let x = 10 kW * racks\n}\n")
    args = [command, spec, "-D", define] + (["-o", str(tmp_path / "out")] if command == "build" else [])
    result = _run(*args)
    assert result.exit_code == 2, result.output
    if code is not None:
        assert f"-D {define}: error[{code}]" in result.output, result.output     # the value as typed (s24)


def test_a_define_that_makes_a_spec_value_out_of_range_is_a_spec_error(tmp_path) -> None:
    """The range is the spec's: the error is at the field, exit 1 (as for a failed assert)."""
    result = _run("check", _write(tmp_path, SWEEP), "-D", "eff=96")
    assert result.exit_code == 1
    assert "error[out-of-range]" in result.output


# ----------------------------------------------------------------------------- estimate

INFER = ["estimate", "inference", "--system", "DGX_H100", "--model", "llama2-70b"]
TRAIN = ["estimate", "training", "--system", "DGX_H100", "--model", "GPT3_175B"]


@pytest.mark.parametrize("flag", ["--ttft", "--tpot", "--demand", "--power-cap", "--input-tokens",
                                  "--output-tokens"])
@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "1e400"])
def test_estimate_refuses_bad_numbers(flag, value) -> None:
    result = _run(*INFER, flag, value)
    assert result.exit_code == 2, result.output
    assert flag in result.output or "Invalid value" in result.output


@pytest.mark.parametrize("flag", ["--tokens", "--deadline"])
@pytest.mark.parametrize("value", ["nan", "-inf", "-5", "0"])
def test_estimate_training_refuses_bad_numbers(flag, value) -> None:
    result = _run(*TRAIN, flag, value)
    assert result.exit_code == 2, result.output
    assert f"error: {flag} {value}:" in result.output


def test_estimate_refuses_a_unit_of_the_wrong_kind() -> None:
    result = _run(*INFER, "--ttft", "5kg")
    assert result.exit_code == 2 and "`kg` is not a unit of the same kind as s" in result.output


@pytest.mark.parametrize("base, flag, value, mode", [(INFER, "--tokens", "15Ttok", "training"),
                                                     (INFER, "--deadline", "90day", "training"),
                                                     (TRAIN, "--ttft", "2", "inference"),
                                                     (TRAIN, "--scenario", "server", "inference")])
def test_estimate_refuses_flags_of_the_other_mode(base, flag, value, mode) -> None:
    result = _run(*base, flag, value, "--emit-spec")
    assert result.exit_code == 2
    assert f"{flag} applies to `factory estimate {mode}` only" in result.output


def test_estimate_still_accepts_good_flags() -> None:
    result = _run(*INFER, "--ttft", "450ms", "--tpot", "40ms", "--emit-spec")
    assert result.exit_code == 0 and "ttft_limit = 450 ms" in result.output and "tpot_limit = 40 ms" in result.output


# ----------------------------------------------------------------------------- validate

HEADER = "round,benchmark,scenario,system,accelerator,num_accelerators,metric,value,unit,source\n"
GOOD_ROW = 'inference-v4.1,llama2-70b-99,Offline,sys,NVIDIA H100-SXM-80GB,8,throughput,24000,Tokens/s,"x; nodes=1"\n'


def _csv(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "m.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


@pytest.mark.parametrize("bad, message", [
    ("inference-v4.1,llama2-70b-99,Offline\n", "the row has 3 fields; the header has 10; the row is skipped"),
    (GOOD_ROW.replace("24000", "0"), "the measured value `0` is not a finite number above 0"),
    (GOOD_ROW.replace("24000", "-5"), "the measured value `-5` is not a finite number above 0"),
    (GOOD_ROW.replace("24000", "nan"), "the measured value `nan` is not a finite number above 0"),
    (GOOD_ROW.replace("24000", "fast"), "value `fast` is not a number"),
    (GOOD_ROW.replace(",8,", ",x,"), "num_accelerators `x` is not a number"),
    (GOOD_ROW.replace(",8,", ",0,"), "num_accelerators `0` is not a whole number of at least 1"),
    (GOOD_ROW.replace(",8,", ",2.5,"), "num_accelerators `2.5` is not a whole number of at least 1"),
])
def test_validate_reports_a_bad_row_at_its_line_and_compares_the_others(tmp_path, bad, message) -> None:
    result = _run("validate", _csv(tmp_path, HEADER + GOOD_ROW + bad + GOOD_ROW))
    assert result.exit_code == 1
    assert "m.csv:3:1: error[invalid-row]: " in result.output and message in result.output
    assert "inference Offline: 2 rows" in result.stdout     # rows 2 and 4 are still compared


def test_validate_an_unclosed_quote_names_where_it_ends(tmp_path) -> None:
    bad = 'inference-v4.1,llama2-70b-99,"Offline,sys,NVIDIA H100,8,throughput,1,T,s\n'
    result = _run("validate", _csv(tmp_path, HEADER + GOOD_ROW + bad + GOOD_ROW))
    assert result.exit_code == 1
    assert "m.csv:3:1: error[invalid-row]: the row has 3 fields" in result.output
    assert "a quote opened on this line is closed only on line 4, or never" in result.output


def test_validate_a_header_only_file(tmp_path) -> None:
    result = _run("validate", _csv(tmp_path, HEADER))
    assert result.exit_code == 1
    assert "m.csv:1:1: error[invalid-row]: the file has a header but no rows to compare" in result.output


def test_validate_accepts_a_byte_order_mark(tmp_path) -> None:
    result = _run("validate", _csv(tmp_path, HEADER + GOOD_ROW, "utf-8-sig"))
    assert result.exit_code == 0, result.output
    assert "inference Offline: 1 rows" in result.output


@pytest.mark.parametrize("data, message", [(b"", "the file is empty"),
                                           (HEADER.encode() + b"\xff\xfe\n", "not UTF-8 text"),
                                           (b"a,b\n1,2\n", "missing columns")])
def test_validate_an_unreadable_file_is_a_usage_error(tmp_path, data, message) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes(data)
    result = _run("validate", str(path))
    assert result.exit_code == 2 and message in result.output


def test_validate_api_reports_rows_in_the_sink(tmp_path) -> None:
    from compiler.validate import run

    rows, sink = run(_csv(tmp_path, HEADER + GOOD_ROW + GOOD_ROW.replace("24000", "-1")))
    assert [r.line for r in rows] == [2]
    assert [(d.code, d.span.line) for d in sink.items] == [("invalid-row", 3)]
    assert math.isfinite(rows[0].predicted) and rows[0].predicted > 0


@pytest.mark.parametrize("text", [HEADER, HEADER + GOOD_ROW])
def test_validate_fit_with_few_rows_fits_what_it_can(tmp_path, text) -> None:
    """Was an internal error (All-NaN slice): with no training rows, only the inference factor is fitted."""
    result = _run("validate", _csv(tmp_path, text), "--fit")
    assert result.exit_code == (1 if text == HEADER else 0)
    expected = "none (no compared rows to fit on)" if text == HEADER else "inference_gemm_efficiency = "
    assert "best global factors: " + expected in result.stdout
    assert "training_gemm_efficiency" not in result.stdout


def test_validate_json_lists_the_bad_rows(tmp_path) -> None:
    result = _run("validate", _csv(tmp_path, HEADER + GOOD_ROW + GOOD_ROW.replace("24000", "0")), "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert [(d["code"], d["location"]["line"]) for d in doc["diagnostics"]] == [("invalid-row", 3)]
    assert [r["line"] for r in doc["rows"]] == [2]


def test_explain_of_a_spec_with_an_infinite_value_flags_it(tmp_path) -> None:
    """Was exit 0 with `inf` printed: the figure is explained, the error shown, and the exit code is 1."""
    result = _run("explain", _write(tmp_path, SWEEP), "s.per", "-D", "p=0")
    assert result.exit_code == 1
    assert "error[non-finite]: `s.per` is infinite" in result.stderr


def test_a_define_given_twice_with_two_values_is_refused(tmp_path) -> None:
    """Was silently the last one."""
    result = _run("eval", _write(tmp_path, SWEEP), "-D", "p=1", "-D", "p=2")
    assert result.exit_code == 2 and "`p` is given twice (1 and 2)" in result.output


# ----------------------------------------------------------------------------- this session's model lets, as met
@pytest.mark.parametrize("name, value, message", [
    ("kv_room_wait", "0.5", "must be a whole number from 0 to 1; it is 0.5"),
    ("kv_length_biased", "0.5", "must be a whole number from 0 to 1; it is 0.5"),
    ("serial_context_chunks", "0.5", "must be a whole number from 0 to 1; it is 0.5"),
    ("adp_balance", "-1", "must be a whole number from 0 to 1; it is -1"),
])
def test_the_serving_switches_are_on_or_off(name, value, message) -> None:
    """`kv_room_wait`, `kv_length_biased`, `serial_context_chunks` and `adp_balance` are switches: 0.5 or -1 is
    one `out-of-range` error at the let's value."""
    diags = [d for d in _diags(LET_ASSUMPTION % (name, value)) if d.code != "infeasible-workload"]
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("out-of-range", 8, len(f"  let {name} = ") + 1)]
    assert f"`svc.{name}` {message}" in diags[0].message


def test_a_switch_in_a_unit_is_one_unit_error_not_a_range_error_too() -> None:
    """`let adp_balance = 1 kW` gave two errors at one span: the unit's and "must be a whole number from 0 to 1;
    it is 1000", a number the user never wrote. The unit error alone says what is wrong."""
    diags = _diags(LET_ASSUMPTION % ("adp_balance", "1 kW"))
    assert [(d.code, d.span.line) for d in diags] == [("unit-mismatch", 8)], [d.message for d in diags]


MOE_TRAINING = ("from systems import HGX_H800\nfrom models import DeepSeek_V3\n%straining t {\n  model = %s\n"
                "  system = HGX_H800\n  accelerators = 256\n  precision = \"fp8\"\n  tp = 1\n  pp = 8\n  ep = 32\n"
                "%s}\n")


@pytest.mark.parametrize("let, code, message", [
    ("let moe_sync_free = 0.5", "out-of-range", "must be a whole number from 0 to 1; it is 0.5"),
    ("let moe_static_graphs = 0.5", "out-of-range", "must be a whole number from 0 to 1; it is 0.5"),
    ("let moe_sync_time = -1 ms", "out-of-range", "must be >= 0 ms; it is -1 ms"),
    ("let moe_launch_time = -2 ms", "out-of-range", "must be >= 0 ms; it is -2 ms"),
    ("let moe_sync_time = 5", "unit-mismatch", "is a plain number, but the model reads it as its assumption"),
    ("let moe_sync_time = 5 kW", "unit-mismatch", "is power (W), but the model reads it as its assumption"),
])
def test_the_moe_host_sync_lets_are_checked_at_their_span(let, code, message) -> None:
    """The MoE host sync's switches are 0 or 1 and its times are non-negative times: anything else is one error at
    the let's value (line 11), never a stall from 5 s or 5 kW."""
    diags = _diags(MOE_TRAINING % ("", "DeepSeek_V3", f"  {let}\n"))
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [(code, 11, len(let.split("=")[0]) + 5)], \
        [d.message for d in diags]
    assert message in diags[0].message


@pytest.mark.parametrize("let, message", [
    ("let dense_layers = -3", "must be a whole number from 0 to 2^53; it is -3"),
    ("let dense_layers = 2.5", "must be a whole number from 0 to 2^53; it is 2.5"),
    ("let dense_layers = 62", "must be at most `m.layers` (61); it is 62"),
])
def test_dense_layers_is_a_count_of_the_models_layers(let, message) -> None:
    """`let dense_layers` on a MoE model (DeepSeek-V3's first 3) was read with no check: -3 or 62 were clipped
    to every layer MoE or none, 2.5 made 58.5 MoE layers, all silently. It is a whole number of the model's
    layers: outside, one `out-of-range` error at the let naming the bound."""
    diags = _diags(MOE_TRAINING % (f"model m extends DeepSeek_V3 {{\n  {let}\n}}\n", "m", ""))
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 4)], [d.message for d in diags]
    assert message in diags[0].message
    assert [d.code for d in _diags(MOE_TRAINING % ("model m extends DeepSeek_V3 {\n  let dense_layers = 61\n}\n",
                                                   "m", ""))] == []


FP4_MODEL = ("from models import DeepSeek_R1, Llama2_70B\nfrom systems import DGX_B200\nmodel m extends %s {\n"
             "  let %s = %s\n}\ninference w {\n  model = m\n  system = DGX_B200\n  accelerators = 8\n"
             "  precision = \"fp4\"\n  scenario = \"offline\"\n}\n")


@pytest.mark.parametrize("value", ["3", "0", "5.5", "32"])
def test_expert_activation_bits_are_a_format_of_4_8_or_16(value) -> None:
    """`let fp4_expert_activation_bits` selects the routed experts' activation format: 4 (FP4), 8 (FP8) or 16
    (bf16). 3 ran as 4, 5.5 as 8 and 32 as 16, silently; now one `out-of-range` error at the let."""
    diags = _diags(FP4_MODEL % ("DeepSeek_R1", "fp4_expert_activation_bits", value))
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("out-of-range", 4, 36)], [d.message for d in diags]
    assert f"must be one of 4, 8, 16; it is {value}" in diags[0].message
    for good in ("4", "8", "16"):
        assert _diags(FP4_MODEL % ("DeepSeek_R1", "fp4_expert_activation_bits", good)) == []


@pytest.mark.parametrize("base, value, message", [
    ("DeepSeek_R1", "40e9", "must be at most `m.active_params` (37,000,000,000); it is 40,000,000,000"),
    ("Llama2_70B", "70e9", "must be at most `m.params` (68,980,000,000); it is 70,000,000,000"),
])
def test_fp4_bf16_params_are_a_part_of_the_active_parameters(base, value, message) -> None:
    """`let fp4_bf16_params` N_w counts GEMM parameters every token passes through, a part of the active ones A:
    above A the model clipped the bf16 share to 1 while it counted N_w wide bytes, silently. Now one
    `out-of-range` error at the let naming A (a dense model's: its params); A itself is accepted."""
    diags = _diags(FP4_MODEL % (base, "fp4_bf16_params", value))
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 4)], [d.message for d in diags]
    assert message in diags[0].message
    assert _diags(FP4_MODEL % ("DeepSeek_R1", "fp4_bf16_params", "37e9")) == []


def test_expert_popularity_cv_is_not_negative() -> None:
    diags = _diags(FP4_MODEL % ("DeepSeek_R1", "expert_popularity_cv", "-0.5"))
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 4)], [d.message for d in diags]
    assert "must be >= 0; it is -0.5" in diags[0].message


def test_a_model_let_on_the_workload_or_a_workload_let_on_the_model_is_a_warning() -> None:
    """`let expert_popularity_cv = 3` on the inference block (the models read it from the model's definition) and
    `let adp_balance = 1` on the model (the models read it from the workload) were read by nothing and changed
    nothing, without a word: each is an `unknown-name` warning at its name, saying where it belongs."""
    text = ("from models import DeepSeek_R1\nfrom systems import DGX_B200\nmodel m extends DeepSeek_R1 {\n"
            "  let adp_balance = 1\n}\ninference w {\n  model = m\n  system = DGX_B200\n  accelerators = 8\n"
            "  precision = \"fp4\"\n  scenario = \"offline\"\n  let expert_popularity_cv = 3\n}\n")
    _, sink = evaluate_text(text, "spec.factory")
    warned = [d for d in sink.items if d.code == "unknown-name"]
    assert [(d.severity, d.span.line) for d in warned] == [("warning", 4), ("warning", 12)], \
        [d.message for d in sink.items]
    assert "from the workload, not from the model's definition" in warned[0].message
    assert "from the model's definition, not from the workload" in warned[1].message
    assert not sink.has_errors()


def test_a_misplaced_let_names_the_workloads_that_read_it() -> None:
    """`let fp4_bf16_params` on a training job: only inference reads it (from the model), which the warning says."""
    _, sink = evaluate_text(MOE_TRAINING % ("", "DeepSeek_V3", "  let fp4_bf16_params = 1e9\n"), "spec.factory")
    warned = [d for d in sink.items if d.code == "unknown-name"]
    assert [(d.severity, d.span.line) for d in warned] == [("warning", 11)], [d.message for d in sink.items]
    assert "from the model's definition (for inference workloads only), not from the workload" in warned[0].message


@pytest.mark.parametrize("value", ["1.5", "3", "-1"])
def test_cuda_graphs_is_a_scope_of_0_1_or_2(value) -> None:
    """`let cuda_graphs` names the CUDA-graph scope of a training run: 0 none, 1 per layer, 2 full iteration.
    1.5 or 3 would have run as "graphed" (any value above 0 skips the ungraphed host time), silently; now one
    `out-of-range` error at the let's value."""
    diags = _diags(MOE_TRAINING % ("", "DeepSeek_V3", f"  let cuda_graphs = {value}\n"))
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 11)], [d.message for d in diags]
    assert f"must be one of 0, 1, 2; it is {value}" in diags[0].message
    for good in ("0", "1", "2"):
        assert _diags(MOE_TRAINING % ("", "DeepSeek_V3", f"  let cuda_graphs = {good}\n")) == []
