"""Trust, as a new user meets the models' options: every `let` a model reads in place of one of its assumptions is
checked against the values its formula holds for, at the let; a let in a wrong unit is one error, not a cascade;
a let no model reads, or a switch that does nothing where it is set, says so (a warning), never silently."""
from __future__ import annotations

import functools

import numpy as np
import pytest

from compiler import evaluate_text


def _items(text: str) -> list:
    """Every diagnostic of checking and evaluating `text` but the `unpriced` / price warnings these specs earn, the
    `unused-import` of the model a case does not use (MODEL_LET imports both) and the `latency-knife-edge` of their
    server service at its capacity (its TPOT p99's band at the load +-5% is 1.8x or unbounded: a figure of the
    model, not of the lets these tests are about; tests/test_latency_band.py tests it)."""
    _, sink = evaluate_text(text, "spec.factory")
    return [d for d in sink.items
            if d.code not in ("unpriced", "model-input-missing", "unused-import", "latency-knife-edge")]


def _errors(text: str) -> list:
    return [d for d in _items(text) if d.severity == "error"]


CHIP_LET = """from chips import H200
from models import Llama2_70B
chip hot extends H200 {
  let %s = %s
}
inference svc {
  model = Llama2_70B
  chip = hot
  accelerators = 8
  scenario = "offline"
}
"""

WORKLOAD_LET = """from systems import DGX_H200
from models import Llama2_70B
inference svc {
  model = Llama2_70B
  system = DGX_H200
  accelerators = 8
  scenario = "%s"
  let %s = %s
}
"""

TRAINING_LET = """from systems import DGX_H100
from models import Llama2_70B
training t {
  model = Llama2_70B
  system = DGX_H100
  accelerators = 64
  precision = "fp8"
  let %s = %s
}
"""


BARE_H200 = ("  bf16 = 989 TFLOP/s\n  fp8 = 1979 TFLOP/s\n  memory = 141 GB\n  memory_bw = 4.8 TB/s\n"
             "  scaleup_bw = 900 GB/s\n  tdp = 700 W\n")      # an H200 without its idle_power


# ----------------------------------------------------------------------------- ranges of replaced assumptions
@pytest.mark.parametrize("name, value, message", [
    # the chip's power model (compiler/models/power.py): a floor voltage of 5 ran the chip at 5% of its clock,
    # a negative dynamic power share printed a negative board power (flagged at the output, not the let), a
    # negative memory power share freed power for compute (+9% tokens), all without an error at the let
    ("voltage_floor", "5", "must be in (0, 1]; it is 5"),
    ("voltage_floor", "0", "must be in (0, 1]; it is 0"),
    ("dynamic_power_share", "-1", "must be > 0; it is -1"),
    ("memory_power_share", "-2", "must be >= 0; it is -2"),
    ("idle_fraction", "-0.5", "must be in [0, 1]; it is -0.5"),
])
def test_a_chip_power_let_is_refused_outside_its_range_at_its_span(name, value, message) -> None:
    text = CHIP_LET % (name, value)
    if name == "idle_fraction":                 # read only where the chip gives no idle_power (the H200 does)
        text = text.replace("chip hot extends H200 {", "chip hot {\n" + BARE_H200)
    diags = _errors(text)
    line = text.splitlines().index(f"  let {name} = {value}") + 1
    col = len(f"  let {name} = ") + 1
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("out-of-range", line, col)], [d.message for d in diags]
    assert message in diags[0].message


@pytest.mark.parametrize("scenario, name, value, message", [
    # -1 made the clock's share of a kernel's time negative: 1.44 of the full clock and +73% tokens, silently
    ("offline", "clock_scaled_share", "-1", "must be in [0, 1]; it is -1"),
    ("offline", "clock_scaled_share", "5", "must be in [0, 1]; it is 5"),
    # a negative time a layer made the step's fixed layer time -4 ms and the throughput higher, silently
    ("offline", "layer_latency", "-50 us", "`svc.layer_latency` must be >= 0 us; it is -50 us"),
    # a `let max_num_tokens` of -5 tok (the field's range is > 0; the let was not checked) gave "the shortest
    # time to first token is 916.5 yr" at the workload, not an error at the let
    ("server", "max_num_tokens", "-5 tok", "must be > 0 tok; it is -5 tok"),
])
def test_a_workload_let_in_place_of_an_assumption_is_refused_outside_its_range(scenario, name, value, message) -> None:
    diags = [d for d in _errors(WORKLOAD_LET % (scenario, name, value)) if d.code != "infeasible-workload"]
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("out-of-range", 8, len(f"  let {name} = ") + 1)], \
        [d.message for d in diags]
    assert message in diags[0].message


@pytest.mark.parametrize("name, value, message", [
    # a negative failure rate or restart time raised the goodput (to 1), silently; a negative checkpoint time
    # gave NaN hours, energy and cost, reported at the workload and not at the let
    ("failure_rate", "-0.001 Hz", "must be >= 0"),
    ("checkpoint_time", "-10 s", "must be >= 0 s; it is -10 s"),
    ("restart_time", "-1 s", "must be >= 0 s; it is -1 s"),
])
def test_a_training_let_in_place_of_an_assumption_is_refused_outside_its_range(name, value, message) -> None:
    diags = _errors(TRAINING_LET % (name, value))
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 8)], [d.message for d in diags]
    assert message in diags[0].message


@pytest.mark.parametrize("name, value", [("voltage_floor", "0.72"), ("dynamic_power_share", "2.5"),
                                         ("memory_power_share", "0")])
def test_a_chip_power_let_in_its_range_is_accepted(name, value) -> None:
    assert _errors(CHIP_LET % (name, value)) == []


# ----------------------------------------------------------------------------- one error for a let in a wrong unit
def test_a_let_in_a_wrong_unit_is_one_error_not_one_per_figure_computed_from_it() -> None:
    """`let softmax_exp_rate = 0` (no unit) on a chip: the unit-mismatch at the let, and then 15 `non-finite`
    errors (NaN clock fraction, infinite TTFT, ...) at the workload for the figures the model computed from it.
    A let in a wrong unit is bad in every scenario: the figures read from it are its error's, not errors of their
    own (as for a let out of its range: `let softmax_exp_rate = 0 Hz` is one out-of-range error)."""
    diags = _errors(CHIP_LET % ("softmax_exp_rate", "0"))
    assert [(d.code, d.span.line) for d in diags] == [("unit-mismatch", 4)], [d.message for d in diags]
    diags = _errors(CHIP_LET % ("softmax_exp_rate", "0 Hz"))
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 4)], [d.message for d in diags]


# ----------------------------------------------------------------------------- a let no model reads says so
@pytest.mark.parametrize("kind, let, words", [
    # a training figure on an inference workload, an inference one on a training job
    ("inference", "let cuda_graphs = 1", "the models read `cuda_graphs` on training workloads only"),
    ("training", "let kv_room_wait = 1", "the models read `kv_room_wait` on inference workloads only"),
    # an assumption that is a field's default, not a let
    ("inference", "let default_input_tokens = 5 tok",
     "`default_input_tokens` is the default of the field `input_tokens`"),
    # read only with an FP4 checkpoint, and only with drafts
    ("inference", "let fp4_expert_activation_bits = 8", "reads `fp4_expert_activation_bits` only with precision"),
    ("inference", "let draft_accepted_length = 2", "only with `let draft_tokens` above 0"),
])
def test_a_let_with_a_models_name_that_no_model_reads_is_a_warning(kind, let, words) -> None:
    """A `let` named as a figure the models read (so not a misspelling), on a workload whose model does not read
    it, changed nothing without a word (`let cuda_graphs = 1` on an inference workload, `let default_input_tokens`
    where the field is `input_tokens`, `let fp4_expert_activation_bits` with fp8 weights): an `unknown-name`
    warning at the let saying why; the spec still evaluates (no error)."""
    name = let.split()[1]
    text = (WORKLOAD_LET % ("offline", name, let.split("= ")[1]) if kind == "inference"
            else TRAINING_LET % (name, let.split("= ")[1]))
    items = _items(text)
    assert [(d.severity, d.code, d.span.line) for d in items] == [("warning", "no-effect", 8)], \
        [d.message for d in items]
    assert "is read by no model, so it changes nothing" in items[0].message and words in items[0].message


def test_a_let_the_model_reads_has_no_unread_warning() -> None:
    assert _items(WORKLOAD_LET % ("server", "kv_room_wait", "1")) == []
    assert _items(TRAINING_LET % ("cuda_graphs", "1")) == []


# ----------------------------------------------------------------------------- a let that does nothing here says so
@functools.cache
def _outputs(text: str) -> dict:
    """The numeric outputs of the service and training blocks, once per text and process: the base specs of the
    laws below repeat from case to case (an offline service with no other line is seven cases' base); the arrays
    are only read."""
    import numpy as np
    results, _ = evaluate_text(text, "spec.factory")
    return {path: np.asarray(v, dtype=float) for path, v in results.values.items()
            if path.startswith(("svc.", "t.")) and isinstance(v, np.ndarray) and v.dtype.kind in "fiu"}


def _same(a: dict, b: dict, let_path: str) -> bool:
    """Every output but the let itself equal, to the last bits of rounding (an FP4 checkpoint's GEMM rate is the
    same mix taken another way)."""
    import numpy as np
    return all(np.allclose(a[k], b[k], rtol=1e-12, atol=0, equal_nan=True) for k in a if k != let_path) and \
        set(a) - {let_path} == set(b) - {let_path}


INFERENCE_IDLE = [
    # (scenario, the let, other lines): serving-queue figures in an offline scenario
    ("offline", "let kv_room_wait = 1", ""),
    ("offline", "let whole_prompts = 1", ""),
    ("offline", "let batch_window = 0.3 s", ""),
    ("offline", "let scheduler_steps = 9", ""),
    ("offline", "let output_length_cv = 0.6", ""),
    # an engine without chunked context has no first-token delay
    ("server", "let first_token_delay = 1", "  let whole_prompts = 1\n"),
    # the whole-prompt p50 on an engine with chunked context
    ("server", "let whole_step_engines = 8", ""),
    # serial chunks at a fixed pp 1; the length bias without an output-length spread
    ("server", "let serial_context_chunks = 1", "  pp = 1\n"),
    ("server", "let kv_length_biased = 1", ""),
    # the wait's M/G/c shape without the wait for KV room
    ("server", "let kv_wait_service_spread = 1", "  let output_length_cv = 0.6\n"),
    # the SwiGLU switches where nothing counts the kernel, or where every elementwise kernel is counted already
    ("offline", "let gemm_swiglu = 1", ""),
    ("offline", "let swiglu_kernel = 1", "  let elementwise_kernels = 1\n"),
    ("offline", "let fp4_quantize_kernels = 1", "  let elementwise_kernels = 1\n"),
    # the ADP balancer on a dense model
    ("server", "let adp_balance = 1", ""),
    # the routed experts' grouped GEMM tile on a dense model
    ("offline", "let expert_gemm_tiles = 1", ""),
]


@pytest.mark.parametrize("scenario, let, other", INFERENCE_IDLE)
def test_an_inference_let_that_changes_nothing_here_is_a_warning_and_changes_nothing(scenario, let, other) -> None:
    """A switch the model reads where it has no effect (`let kv_room_wait = 1` in an offline scenario, `let
    serial_context_chunks = 1` at pp 1, `let gemm_swiglu = 1` with no SwiGLU kernel counted) was silently ignored:
    a `no-effect` warning at the let's value saying why, and no error. The law behind each: every output is the
    same without the let."""
    base = WORKLOAD_LET.replace("  let %s = %s\n", "%s") % (scenario, other)
    text = base.replace("}\n", f"  {let}\n}}\n")
    items = _items(text)
    line = text.splitlines().index(f"  {let}") + 1
    assert [(d.severity, d.code, d.span.line, d.span.col) for d in items] == \
        [("warning", "no-effect", line, len(let.split("=")[0]) + 5)], [d.message for d in items]
    assert "changes nothing here" in items[0].message
    assert _same(_outputs(base), _outputs(text), f"svc.{let.split()[1]}")


@pytest.mark.parametrize("scenario, let, other", [
    ("server", "let kv_room_wait = 1", "  let output_length_cv = 0.6\n"),
    ("server", "let kv_length_biased = 1", "  let output_length_cv = 0.6\n"),
    ("offline", "let gemm_swiglu = 1", "  let elementwise_kernels = 1\n"),
    ("offline", "let swiglu_kernel = 1", ""),
    ("server", "let whole_step_engines = 8", "  let whole_prompts = 1\n"),
])
def test_the_same_let_where_it_acts_has_no_warning_and_changes_the_outputs(scenario, let, other) -> None:
    base = WORKLOAD_LET.replace("  let %s = %s\n", "%s") % (scenario, other)
    text = base.replace("}\n", f"  {let}\n}}\n")
    assert _items(text) == []
    assert not _same(_outputs(base), _outputs(text), f"svc.{let.split()[1]}")


DISAGGREGATED = '  serving = "disaggregated"\n'


@pytest.mark.parametrize("scenario, let, other", [
    # the prompts are prefilled on their own pool (inference.py `prefill_in_step` False): the decode steps carry no
    # prompt chunks, so the aggregated prompt queue's figures change nothing
    ("server", "let whole_prompts = 1", ""),
    ("server", "let scheduler_steps = 9", ""),
    ("interactive", "let batch_window = 0.3 s", ""),
    ("server", "let first_token_delay = 1", ""),
    ("interactive", "let context_chunk_unit = 64 tok", ""),
    ("server", "let serial_context_chunks = 1", "  pp = 2\n"),
    # no Erlang-C wait for KV room, and the cache's rows are the mean's without an output spread
    ("server", "let kv_room_wait = 1", ""),
    ("interactive", "let kv_room_wait = 1", "  let output_length_cv = 0.5\n  let kv_length_biased = 1\n"),
])
def test_a_prompt_queue_let_in_disaggregated_serving_is_a_warning_and_changes_nothing(scenario, let, other) -> None:
    """`serving = "disaggregated"` with `let whole_prompts = 1`, `let scheduler_steps = 9`, `let batch_window`,
    `let first_token_delay` (the aggregated prompt queue's figures: the decode pool's steps carry no prompt) changed
    nothing without a word: a `no-effect` warning at the let; the law behind it: every output is the same without
    the let."""
    base = WORKLOAD_LET.replace("  let %s = %s\n", "%s") % (scenario, DISAGGREGATED + other)
    text = base.replace("}\n", f"  {let}\n}}\n")
    items = _items(text)
    line = text.splitlines().index(f"  {let}") + 1
    assert [(d.severity, d.code, d.span.line) for d in items] == [("warning", "no-effect", line)], \
        [d.message for d in items]
    assert "changes nothing here" in items[0].message
    assert _same(_outputs(base), _outputs(text), f"svc.{let.split()[1]}")


@pytest.mark.parametrize("scenario, let, other", [
    ("server", "let row_averaging = 0.5", ""),                       # the p99 TPOT's rows in flight
    ("server", "let kv_room_wait = 1", "  let output_length_cv = 0.5\n"),   # the cache's length-biased rows
    ("server", "let max_num_tokens = 2000 tok", "  let kv_cache_fraction = 0.9\n"),   # the activation workspace
    # the prefill pool's queue (Kingman's factor of its M/G/c wait) and its workers' budget (prompts a pass):
    # compiler/models/inference/ "Disaggregated serving"
    ("server", "let prompt_length_cv = 2", ""),
    ("offline", "let max_num_tokens = 2000 tok", ""),
])
def test_the_same_lets_where_disaggregated_serving_reads_them_have_no_warning(scenario, let, other) -> None:
    base = WORKLOAD_LET.replace("  let %s = %s\n", "%s") % (scenario, DISAGGREGATED + other)
    text = base.replace("}\n", f"  {let}\n}}\n")
    assert _items(text) == []
    assert not _same(_outputs(base), _outputs(text), f"svc.{let.split()[1]}")


MOE_TRAINING = TRAINING_LET.replace("Llama2_70B", "DeepSeek_V3").replace("DGX_H100", "HGX_H800").replace(
    "accelerators = 64", "accelerators = 256")


@pytest.mark.parametrize("template, let, other", [
    (TRAINING_LET, "let moe_sync_free = 0", ""),                 # a dense model has no MoE dispatcher
    (TRAINING_LET, "let ep_comm_overlap = 0", ""),               # nor an expert all-to-all
    (MOE_TRAINING, "let moe_static_graphs = 0", ""),             # a cost of the host sync, off by default
    (TRAINING_LET, "let ungraphed_host_time = 1 s", "  let cuda_graphs = 1\n"),
    (TRAINING_LET, "let tp_comm_overlap = 0", "  tp = 1\n"),
])
def test_a_training_let_that_changes_nothing_here_is_a_warning_and_changes_nothing(template, let, other) -> None:
    base = template.replace("  let %s = %s\n", other)
    text = base.replace("}\n", f"  {let}\n}}\n")
    items = _items(text)
    assert [(d.severity, d.code) for d in items] == [("warning", "no-effect")], [d.message for d in items]
    assert items[0].span.line == text.splitlines().index(f"  {let}") + 1
    assert _same(_outputs(base), _outputs(text), f"t.{let.split()[1]}")


def test_a_swept_switch_that_acts_in_some_scenarios_has_no_warning() -> None:
    """Over a sweep of the scenario's output spread, `kv_length_biased` acts where the spread is above 0: no
    warning (it is idle only where it is idle in every scenario)."""
    text = ("param cv = [0, 0.6]\n" + WORKLOAD_LET % ("server", "kv_length_biased", "1")).replace(
        "}\n", "  let output_length_cv = cv\n}\n")
    assert [d.code for d in _items(text)] == []


# ----------------------------------------------------------------------------- a sweep of text is refused
def test_a_parameter_list_of_text_is_an_error_at_the_list_not_a_workload_with_no_outputs(tmp_path) -> None:
    """`param sc = ["offline", "server"]` with `scenario = sc` made no scenarios and gave the workload no value:
    `factory eval` printed no tokens/s, no diagnostic, and exited 0. A sweep is of numbers: a list of text is one
    `type-mismatch` error at its first text value (exit 1; from -D, exit 2); one text value, and -D of one, work."""
    from click.testing import CliRunner

    from compiler.cli import main

    spec = tmp_path / "spec.factory"
    spec.write_text((WORKLOAD_LET % ("offline", "x", "1")).replace('scenario = "offline"', "scenario = sc")
                    .replace("  let x = 1\n", "").replace("inference svc", 'param sc = ["offline", "server"]\n'
                                                                         "inference svc"), encoding="utf-8")
    diags = _errors(spec.read_text())
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("type-mismatch", 3, 13)], [d.message for d in diags]
    assert "sweeps numbers" in diags[0].message
    result = CliRunner().invoke(main, ["eval", str(spec)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["eval", str(spec), "-D", 'sc=["server", "offline"]'])
    assert result.exit_code == 2 and "type-mismatch" in result.output
    spec.write_text(spec.read_text().replace('["offline", "server"]', '"offline"'), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(spec), "-D", 'sc="server"', "--select", "svc.tokens_per_s"])
    assert result.exit_code == 0 and "svc.tokens_per_s" in result.output


@pytest.mark.parametrize("let", ["let serving_efficiency = 0.5", "let voltage_floor = 0.5"])
def test_a_chip_let_on_the_workload_is_a_warning_naming_the_chip(let) -> None:
    """`let serving_efficiency = 0.5` (a chip's fitted family factor) or `let voltage_floor` (the chip's power
    model) on an inference workload changed nothing without a word: neither is a model option, so the misplaced-let
    warning did not know them. Now an `unknown-name` warning at the let naming the chip's definition."""
    name, value = let.split()[1], let.split("= ")[1]
    items = _items(WORKLOAD_LET % ("server", name, value))
    assert [(d.severity, d.code, d.span.line) for d in items] == [("warning", "unknown-name", 8)], \
        [d.message for d in items]
    assert f"the models read `{name}` from the chip's definition, not from the workload" in items[0].message


# ----------------------------------------------------------------------------- explain names what an option adds
@pytest.mark.parametrize("let, term, words", [
    # the host work once every host_steps forward steps: the printed 1.1 ms was not step_overhead + B seq_overhead
    ("let host_steps = 4", "decode_overhead_time", "(step_overhead + B seq_overhead) / host_steps"),
    # swiglu_kernel alone counts only the SwiGLU kernel, not the b_el the formula wrote out
    ("let swiglu_kernel = 1", "decode_elementwise_time", "swiglu_kernel 1 alone: b_el = [3 a f + (a + q) f] / tp"),
])
def test_explain_shows_the_formula_an_option_changes(tmp_path, let, term, words) -> None:
    from click.testing import CliRunner

    from compiler.cli import main

    spec = tmp_path / "spec.factory"
    spec.write_text(WORKLOAD_LET % ("server", let.split()[1], let.split("= ")[1]), encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(spec), f"svc.detail.{term}", "--depth", "1"])
    assert result.exit_code == 0, result.output
    assert words in result.output and f"svc.{let.split()[1]} = " in result.output


MODEL_LET = """from systems import DGX_B200
from models import Llama2_70B, DeepSeek_V3
model m extends %s {
  let %s
}
inference svc {
  model = m
  system = DGX_B200
  accelerators = 8
  precision = "%s"
  scenario = "offline"
}
"""


@pytest.mark.parametrize("base, let, precision, code, words", [
    # read but idle: the routed experts' options on a dense model, windowed layers without a window
    ("Llama2_70B", "expert_popularity_cv = 2", "fp4", "no-effect", "a dense model has no routed experts"),
    ("Llama2_70B", "fp4_expert_activation_bits = 8", "fp4", "no-effect", "a dense model has no routed experts"),
    ("Llama2_70B", "sliding_layers = 10", "fp4", "no-effect", "without `let sliding_window`"),
    # read by no model of the workloads that serve it
    ("DeepSeek_V3", "dense_layers = 3", "fp4", "no-effect", "only training workloads read `dense_layers`"),
    ("DeepSeek_V3", "fp4_bf16_params = 1e9", "fp8", "no-effect", "only with precision \"fp4\""),
    ("Llama2_70B", "kv_lora_rank = 512", "fp8", "no-effect", "only with `let qk_rope_head_dim` too"),
    # a workload's option on the model
    ("Llama2_70B", "weight_bits = 6", "fp8", "unknown-name", "from the workload, not from the model's definition"),
])
def test_a_model_let_that_changes_nothing_for_its_workloads_is_a_warning(base, let, precision, code, words) -> None:
    """A model definition's `let` that the workloads serving it do not use (`let expert_popularity_cv` on a dense
    model, `let fp4_bf16_params` served at fp8, `let weight_bits` that the models read from the workload) changed
    nothing without a word: a warning at the let saying why; every output is the one without the let."""
    text = MODEL_LET % (base, let, precision)
    items = _items(text)
    assert [(d.severity, d.code, d.span.line) for d in items] == [("warning", code, 4)], [d.message for d in items]
    assert words in items[0].message
    plain = _outputs(text.replace(f"  let {let}\n", ""))
    assert _same(plain, _outputs(text), "")


def test_a_model_let_where_it_acts_and_a_library_model_no_workload_serves_have_no_warning() -> None:
    assert _items(MODEL_LET % ("DeepSeek_V3", "expert_popularity_cv = 2", "fp4")) == []
    assert _items(MODEL_LET % ("Llama2_70B", "sliding_layers = 10\n  let sliding_window = 1000", "fp8")) == []
    unserved = (MODEL_LET % ("Llama2_70B", "kv_lora_rank = 512", "fp8")).replace("model = m", "model = Llama2_70B")
    assert _items(unserved) == []


def test_a_workload_or_model_let_on_a_chip_server_or_site_is_a_warning_naming_its_block() -> None:
    """`let kv_room_wait = 1` on a chip, `let scheduler_steps = 9` on a server, `let whole_prompts = 1` on the
    site, `let expert_popularity_cv` on a chip: no model reads them there, and each changed nothing without a word.
    One `unknown-name` warning at each (one for a chip definition and its placed copies), naming where it belongs."""
    text = ("from chips import H200\nfrom models import Llama2_70B\nchip g extends H200 {\n  let kv_room_wait = 1\n"
            "  let expert_popularity_cv = 2\n  price = 20000 USD\n}\nserver box {\n  chip gpu: g x 8\n"
            "  let scheduler_steps = 9\n  price = 1 USD\n}\nsite s {\n  let whole_prompts = 1\n  inference svc {\n"
            "    model = Llama2_70B\n    system = box\n    accelerators = 8\n    scenario = \"server\"\n  }\n}\n")
    items = _items(text)
    assert [(d.severity, d.code, d.span.line) for d in items] == \
        [("warning", "unknown-name", line) for line in (4, 5, 10, 14)], [d.message for d in items]
    assert "from the inference workload, not from a chip" in items[0].message
    assert "from the model's definition, not from a chip" in items[1].message
    assert "not from a server" in items[2].message and "not from a site" in items[3].message


def test_a_let_the_models_read_from_a_chip_too_is_no_warning_on_a_chip() -> None:
    """`let fp4_scale_block` is read from the workload, else the model, else the chip (the vendor's FP4 format):
    on a user's chip it is the chip's own figure, and it changes the weights a chip holds, so no warning."""
    text = ("from chips import B200\nfrom models import Llama3_1_405B\nchip mx extends B200 {\n"
            "  let fp4_scale_block = 32\n  price = 20000 USD\n}\nsite s {\n  inference svc {\n"
            "    model = Llama3_1_405B\n    chip = mx\n    accelerators = 8\n    precision = \"fp4\"\n  }\n}\n")
    assert [d.message for d in _items(text)] == []


# ----------------------------------------------------------------------------- a let named as a field is the field
@pytest.mark.parametrize("let, code, words", [
    # reached the model unchecked: "internal error: KeyError: 'fp7'", exit 2
    ('let precision = "fp7"', "invalid-value", '`precision` cannot be "fp7"'),
    # ran as bf16, silently
    ("let precision = 4", "type-mismatch", "`precision` takes one of"),
    # a prompt of -5 tokens gave a negative prefill time and 4.7x the tokens/s; 5 kW was read as 5,000 tokens
    ("let input_tokens = -5 tok", "out-of-range", "`svc.input_tokens` must be > 0 tok; it is -5 tok"),
    ("let input_tokens = 5 kW", "unit-mismatch", "`svc.input_tokens` is power (W)"),
    # a limit of 5 (no unit) was 5 s
    ("let ttft_limit = 5", "unit-mismatch", "reads it as the field `ttft_limit`, which is time (s)"),
])
def test_a_let_named_as_a_field_is_checked_as_the_field(let, code, words) -> None:
    """The models read a `let` named as a field of its block in place of the field (`let tp = 2` fixes tp), but
    the field's checks did not reach it: its choices, type, unit and range. Now each is the field's error at the
    let's value (and the workload's consequences, if any, are not errors of their own)."""
    name, value = let.split()[1], let.split("= ")[1]
    diags = [d for d in _errors(WORKLOAD_LET % ("server", name, value)) if d.code != "infeasible-workload"]
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [(code, 8, len(f"  let {name} = ") + 1)], \
        [d.message for d in diags]
    assert words in diags[0].message


def test_a_let_named_as_a_field_in_its_type_and_range_is_the_field() -> None:
    with_let = _outputs(WORKLOAD_LET % ("server", "input_tokens", "2000 tok"))
    with_field = _outputs((WORKLOAD_LET % ("server", "x", "1")).replace("  let x = 1\n", "  input_tokens = 2000 tok\n"))
    assert _errors(WORKLOAD_LET % ("server", "input_tokens", "2000 tok")) == []
    assert _same(with_let, with_field, "svc.input_tokens")


@pytest.mark.parametrize("param, value", [("param p = \"fp7\"\n", "p"),
                                          ("param n = 2\n", "if n > 1 then \"fp7\" else \"fp8\"")])
def test_a_choice_computed_outside_its_choices_is_an_error_not_an_internal_error(tmp_path, param, value) -> None:
    """`precision = p` with `param p = "fp7"` (or an `if` that gives "fp7") passed the literal check and reached
    the model: "internal error: KeyError: 'fp7'", exit 2. Now `invalid-value` at the value, exit 1."""
    from click.testing import CliRunner

    from compiler.cli import main

    text = param + (WORKLOAD_LET % ("offline", "x", "1")).replace("  let x = 1\n", f"  precision = {value}\n")
    diags = _errors(text)
    assert [(d.code, d.span.line, d.span.col) for d in diags] == [("invalid-value", 9, 15)], [d.message for d in diags]
    assert '`svc.precision` is "fp7"; it is one of "bf16", "fp8", "fp4", "int8"' in diags[0].message
    spec = tmp_path / "spec.factory"
    spec.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(spec)])
    assert result.exit_code == 1 and "internal error" not in result.output


def test_a_chip_whose_draw_without_compute_reaches_its_tdp_cannot_run_and_the_message_says_tdp() -> None:
    """`let memory_power_share = 50` (in its range, >= 0) puts the H200's draw with no compute at its 72 W idle + 50
    x 700 W x 0.07313 (a dense GEMM's memory utilization) = 72 + 2,560 = 2,632 W, above its 700 W TDP: no clock is
    left to compute at, an `infeasible-workload` error with both numbers. It said "the power cap 700 W" where no
    power_cap was set: the limit is the TDP."""
    diags = _errors(CHIP_LET % ("memory_power_share", "50"))
    assert [d.code for d in diags] == ["infeasible-workload"], [d.message for d in diags]
    assert "the power limit 700 W (the chip's TDP, or a power_cap below it)" in diags[0].message
    assert "2,632 W (idle and memory)" in diags[0].message


def test_an_output_spread_offline_acts_on_expert_parallel_ranks_and_has_no_warning() -> None:
    """Offline, the output-length spread still sets the attention ranks' context imbalance of a MoE model at
    expert parallelism without the ADP balancer (adp_context_excess): no `no-effect` warning there."""
    text = (WORKLOAD_LET % ("offline", "output_length_cv", "1")).replace("Llama2_70B", "DeepSeek_R1").replace(
        "DGX_H200", "DGX_B200").replace("  let", '  precision = "fp4"\n  ep = 8\n  let')
    assert _items(text) == []
    assert not _same(_outputs(text.replace("  let output_length_cv = 1\n", "")), _outputs(text), "")


@pytest.mark.slow
def test_every_no_effect_warning_leaves_every_output_as_it_was() -> None:
    """The law behind `no-effect`, over a grid of serving contexts (a dense and an expert-parallel MoE model; the
    four scenarios; elementwise kernels, whole prompts with an output spread, a fixed pp 1 with the length bias)
    and every inference switch: wherever the warning fires for a let, every output is the one without the let.
    (392 cases, 200 warned, none changed, 2026-12-05.)"""
    import itertools

    lets = ["let kv_room_wait = 1", "let whole_prompts = 1", "let batch_window = 0.3 s", "let scheduler_steps = 9",
            "let prompt_length_cv = 2", "let row_averaging = 0.5", "let first_token_delay = 1",
            "let serial_context_chunks = 1", "let output_length_cv = 0.8", "let kv_length_biased = 1",
            "let gemm_swiglu = 1", "let swiglu_kernel = 1", "let adp_balance = 1",
            "let fp4_quantize_kernels = 1"]
    models = [("Llama2_70B", "DGX_H200", ""), ("DeepSeek_R1", "DGX_B200", '  precision = "fp4"\n  ep = 8\n')]
    auxes = ["", "  let elementwise_kernels = 1\n", "  let whole_prompts = 1\n  let output_length_cv = 0.5\n",
             "  pp = 1\n  let kv_length_biased = 1\n"]
    warned = 0
    for (model, system, moe), scenario, aux, let in itertools.product(
            models, ["offline", "server", "interactive", "single_stream"], auxes, lets):
        name = let.split()[1]
        if name in aux:
            continue
        base = (WORKLOAD_LET.replace("  let %s = %s\n", "%s") % (scenario, moe + aux)).replace(
            "Llama2_70B", model).replace("DGX_H200", system)
        text = base.replace("}\n", f"  {let}\n}}\n")
        if any(d.code == "no-effect" and d.message.startswith(f"`svc.{name}`") for d in _items(text)):
            warned += 1
            assert _same(_outputs(base), _outputs(text), f"svc.{name}"), (model, scenario, aux, let)
    assert warned > 100


@pytest.mark.parametrize("field", ["global_batch", "seq_len"])
def test_a_training_jobs_zero_batch_or_sequence_is_refused_at_its_span(field) -> None:
    """`global_batch = 0 tok` ran silently at one sequence per replica (its raise is for small batches, not for
    none); `seq_len = 0 tok` said "no parallel layout exists". Both are positive: out-of-range at the value."""
    diags = _errors((TRAINING_LET % ("x", "1")).replace("  let x = 1\n", f"  {field} = 0 tok\n"))
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 8)], [d.message for d in diags]
    assert "must be > 0 tok; this is 0 tok" in diags[0].message


@pytest.mark.parametrize("field, value", [("input_tokens", "0 tok"), ("output_tokens", "0 tok"),
                                          ("scaleup_size", "0")])
def test_a_serving_workloads_zero_prompt_output_or_domain_is_refused_at_its_span(field, value) -> None:
    """`output_tokens = 0 tok` (or a prompt of none) said "each layout that fits misses tpot_limit or
    ttft_limit", the limits blamed for a request with nothing to generate; `scaleup_size = 0` "no parallel layout
    exists". Each is positive: out-of-range at the value."""
    diags = _errors((WORKLOAD_LET % ("server", "x", "1")).replace("  let x = 1\n", f"  {field} = {value}\n"))
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 8)], [d.message for d in diags]


# ----------------------------------------------------------------------------- a request's beams fit in the batch
@pytest.mark.parametrize("other, words", [
    # the KV cache of every layout has room for fewer rows than one request's beams; the most, at tp 8:
    # (141 GB x 0.9 - 68.977 GB / 8) / (163,840 B/tok / 8 x (1,024 / 1e6 + 256 / 2) tok) = 45,119.08: 45,119 rows
    # (68.977e9 fp8 weights: the parameters the model's shape counts, as the inference model reads them)
    ("  let beams = 1e6\n", ("k = 1,000,000 beams are 1,000,000 rows of the batch, decoded together (`let beams`), "
                             "but the KV cache has room for at most 45,119 rows on any layout")),
    ("  let beams = 4\n  batch = 2\n", "batch = 2 rows holds less than one request: one request's k = 4 beams"),
    ("  let beams = 4\n  let max_batch_size = 2\n", ("`let max_batch_size` = 2 leaves an engine fewer rows than "
                                                   "one request: one request's k = 4 beams")),
])
def test_a_batch_with_room_for_fewer_rows_than_one_requests_beams_cannot_run(other, words) -> None:
    """`let beams = 1e6` gave a batch of 2,761 rows, 0.003 of one request, and 0.05 tok/s, with no flag: the
    inference model decodes a request's k beams as k rows of the batch, together (module docstring, `fits`), so a
    batch holds at least one request, k <= B. A cache, an engine cap or a fixed batch with room for fewer than k
    rows cannot run the workload: one `infeasible-workload` error with the numbers, no tokens/s."""
    text = (WORKLOAD_LET.replace("  let %s = %s\n", "%s") % ("offline", other))
    diags = _errors(text)
    assert [d.code for d in diags] == ["infeasible-workload"], [d.message for d in diags]
    assert words in diags[0].message
    assert np.isnan(_outputs(text)["svc.tokens_per_s"]).all()


def test_a_single_stream_of_beams_decodes_one_whole_request_a_step() -> None:
    """A single stream runs one request: its k beams are k rows of one batch (batch = k), and each step yields
    that request's next token, counted once, so a replica's tokens/s x (TTFT + (O - 1) TPOT) = O, the default
    O = 256 answer tokens, for any k (it was 1 / k: a batch of one row, a k-th of a request; and 1 / TPOT before
    s12-trust4 counted the request's timeline: test_trust_audit12d). Law: the same for 1 and 4 beams; 4 beams'
    rows share the prompt (KV I / 4 + O / 2 a row), so their step is at most four independent sequences' and at
    least one's."""
    runs = {k: _outputs(WORKLOAD_LET % ("single_stream", "beams", k)) for k in (1, 4)}
    for k, out in runs.items():
        assert out["svc.batch"][0] == k
        timeline = out["svc.ttft"][0] + 255 * out["svc.tpot"][0]
        assert out["svc.tokens_per_s"][0] * timeline == pytest.approx(256 * out["svc.replicas"][0], rel=1e-9)
    assert runs[4]["svc.tpot"][0] >= runs[1]["svc.tpot"][0]
    assert _errors(WORKLOAD_LET % ("single_stream", "beams", 4)) == []


@pytest.mark.parametrize("template, name, value, message", [
    # a zero bound fell to the smallest step of its unit's display ladder: "must be > 0 1/yr; it is 0 1/yr",
    # "must be >= 0 us; it is -10 s"
    (CHIP_LET, "softmax_exp_rate", "0 Hz", "`hot.softmax_exp_rate` must be > 0 1/s; it is 0 1/s"),
    (TRAINING_LET, "failure_rate", "-0.001 Hz", "`t.failure_rate` must be >= 0 1/h; it is -3.6 1/h"),
    (TRAINING_LET, "checkpoint_time", "-10 s", "`t.checkpoint_time` must be >= 0 s; it is -10 s"),
    (WORKLOAD_LET.replace("%s", "offline", 1), "layer_latency", "-50 us", "`svc.layer_latency` must be >= 0 us; it is -50 us"),
    (WORKLOAD_LET.replace("%s", "offline", 1), "electricity_price", "-0.1 USD/kWh",
     "`svc.electricity_price` must be >= 0 USD/kWh; it is -0.1 USD/kWh"),
])
def test_a_zero_bound_of_a_lets_range_is_written_in_a_readable_unit(template, name, value, message) -> None:
    """Zero is zero in every unit, so the display ladder (which picks the largest step whose value is >= 1) has no
    step for it and fell to its smallest: the range of a `let` in place of an assumption wrote its zero bound as
    "must be > 0 1/yr; it is 0 1/yr" or "must be >= 0 us; it is -10 s" (and, had it been written in SI, "0 USD/J").
    Now in the unit of the value beside it, else the step that shows 1 of the figure's SI unit (1/s)."""
    diags = _errors(template % (name, value))
    assert [d.code for d in diags] == ["out-of-range"], [d.message for d in diags]
    assert diags[0].message.startswith(message), diags[0].message


@pytest.mark.parametrize("param, line, words", [
    ("", "  utilization = 0\n", "`utilization` of inference `svc` must be in (0, 1]; this is 0"),
    ("param u = [0, 0.5]\n", "  utilization = u\n", "`svc.utilization` must be in (0, 1]; it is 0 in 1 of 2 scenarios"),
    ("", "  let utilization = 0\n", "`svc.utilization` must be in (0, 1]; it is 0"),
])
def test_an_inference_services_zero_utilization_is_refused_at_its_span(param, line, words) -> None:
    """$/Mtoken = accelerators x cost per accelerator-hour / (tokens/s x utilization) (compiler/models/cost.py,
    service_duty_cycle): `utilization = 0` gave an infinite $/Mtoken, a `non-finite` error at the workload's name,
    not at the value. The service's busy share is a fraction the model divides by, (0, 1] as `service_utilization`
    is: one `out-of-range` error at the value, whether written, swept or set by a `let`."""
    text = param + (WORKLOAD_LET.replace("  let %s = %s\n", "%s") % ("offline", line))
    diags = _errors(text)
    at = text.splitlines().index(line.rstrip("\n")) + 1
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", at)], [d.message for d in diags]
    assert words in diags[0].message
    assert _errors(text.replace("= 0\n", "= 1\n").replace("[0, 0.5]", "[1, 0.5]")) == []


# ----------------------------------------------------------------------------- serving economics and power fields
def test_a_power_cap_above_the_tdp_is_a_warning_and_changes_nothing() -> None:
    """The power model holds a chip at min(tdp, power_cap) (compiler/models/power.py): `power_cap = 1000 W` on the
    H200 (TDP 700 W) changed nothing without a word. A `no-effect` warning at the value with both numbers; the law
    behind it: every output is the one without the cap. A cap at the TDP is the TDP written out (nothing said), and
    one below it lowers the clocks (no warning, fewer tokens/s)."""
    base = WORKLOAD_LET.replace("  let %s = %s\n", "%s") % ("offline", "")
    above = base.replace("}\n", "  power_cap = 1000 W\n}\n")
    items = _items(above)
    assert [(d.severity, d.code, d.span.line, d.span.col) for d in items] == [("warning", "no-effect", 8, 15)], \
        [d.message for d in items]
    assert "`svc.power_cap` = 1 kW changes nothing here: it is above the chip's TDP, 700 W" in items[0].message
    assert _same(_outputs(base), _outputs(above), "svc.power_cap")
    assert _items(base.replace("}\n", "  power_cap = 700 W\n}\n")) == []
    below = base.replace("}\n", "  power_cap = 500 W\n}\n")
    assert _items(below) == []
    assert _outputs(below)["svc.tokens_per_s"][0] < _outputs(base)["svc.tokens_per_s"][0]


def test_a_let_of_the_service_utilization_on_a_workload_names_the_field_that_sets_it() -> None:
    """`let service_utilization = 0` on an inference workload changed nothing (the assumption is the default of the
    field `utilization`), and the warning said only "where it applies (docs/models.md says where)": it names the
    field now, as for `let default_input_tokens`."""
    items = _items(WORKLOAD_LET % ("offline", "service_utilization", "0.5"))
    assert [(d.code, d.span.line) for d in items] == [("no-effect", 8)], [d.message for d in items]
    assert "`service_utilization` is the default of the field `utilization`" in items[0].message


@pytest.mark.parametrize("serving", ["aggregated", "disaggregated"])
def test_a_zero_demand_is_refused_at_its_span(serving) -> None:
    """`demand = 0 tok/s` with disaggregated serving sized pools of no chips serving no tokens: tokens/J, tokens/s
    per MW and $/Mtoken 0 / 0, three `non-finite` errors at the workload's name. A demand is what the pools are
    sized for and the figures divide by: > 0, one `out-of-range` error at the value."""
    text = WORKLOAD_LET.replace("  let %s = %s\n", "%s") % ("offline", f'  serving = "{serving}"\n  demand = 0 tok/s\n')
    diags = _errors(text)
    assert [(d.code, d.span.line) for d in diags] == [("out-of-range", 9)], [d.message for d in diags]
    assert "`demand` of inference `svc` must be > 0 tok/s; this is 0 tok/s" in diags[0].message
