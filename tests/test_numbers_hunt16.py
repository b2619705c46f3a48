"""Laws on the numbers a capacity planner and a CFO read (s16-hunt-num, session 16).

Each test states a law across runs of the compiler, or a hand calculation written out; none asserts a value the
spec itself set. One test per defect found, named after the law it breaks, with the numbers before the fix.
"""
from __future__ import annotations

import numpy as np

from compiler import evaluate_text

DAY = 86400.0


def _values(text: str, defines: dict[str, str] | None = None) -> dict[str, float]:
    results, sink = evaluate_text(text, "hunt16.factory", defines)
    assert results is not None, [d.message for d in sink.items if d.severity == "error"]
    out = {}
    for path, x in results.values.items():
        if isinstance(x, np.ndarray) and x.dtype.kind in "fiub":
            absent = results.absent.get(path)
            gone = absent is not None and bool(np.asarray(absent.mask).ravel()[0])
            out[path] = float("nan") if gone else float(np.asarray(x, dtype=float).ravel()[0])
    return out


# ----------------------------------------------------------------------------- training: the deadline's count

RUBIN = """\
from systems import VR_NVL72
from models import DeepSeek_V3
param acc = 72
site s {
  training r {
    model = DeepSeek_V3
    rack = VR_NVL72
    ACCELERATORS
    tokens = 14.8 Ttok
    precision = "fp4"
    seq_len = 4096 tok
    global_batch = 15 Mtok
    deadline = 60 day
  }
}
"""


def test_the_accelerators_a_deadline_needs_leave_none_idle() -> None:
    """`accelerators_needed` is the smallest count whose time to train meets the deadline. A count at which the
    fastest layout leaves accelerators idle is not that: the layout runs as fast on the accelerators it uses.
    Before: DeepSeek-V3 on Vera Rubin NVL72 in 60 days read `accelerators_needed` 66 (a count of the ladder); at
    66 accelerators its layout uses 64 and leaves 2 idle, and 64 accelerators finish in 57.1 days, within the
    deadline (examples/moe_training_rubin_vs_blackwell.factory: GB200 FP8 396 where 384 finish in 57.4 days, FP4
    266, Rubin 66; after: 384, 256, 64, and Rubin's share of Blackwell's FP4 GPUs 0.248 -> 0.250)."""
    sized = _values(RUBIN.replace("ACCELERATORS", ""))
    need = sized["s.r.accelerators_needed"]
    at = _values(RUBIN.replace("ACCELERATORS", "accelerators = acc"), {"acc": str(int(need))})
    assert at["s.r.time_to_train"] <= 60 * DAY * (1 + 1e-12)
    assert at["s.r.idle_accelerators"] == 0, (
        f"accelerators_needed = {need:g}, of which {at['s.r.idle_accelerators']:g} sit idle at that count: "
        f"{need - at['s.r.idle_accelerators']:g} meet the deadline")


# ----------------------------------------------------------------------------- facility: a PUE the spec sets

ROOM = """\
from systems import DGX_H100_rack
site s {
  land_price = 0 USD
  pue = P
  hall h {
    rack r: DGX_H100_rack x 4
  }
}
"""


def _errors(text: str) -> list:
    _, sink = evaluate_text(text, "hunt16.factory")
    return [d for d in sink.items if d.severity == "error"]


def test_a_set_pue_never_draws_more_on_average_than_the_peak_or_says_so() -> None:
    """The average facility power never exceeds the peak one (feeds, generators and transformers are sized on the
    peak). A `pue` the spec sets gives the average (it_power_avg x pue) while the models give the peak: where the
    two cannot both hold, an error names both figures. Before: four DGX H100 racks with `pue = 2` read
    facility_power_avg 112.8 kW above facility_power 92.48 kW (the enterprise starter's room, 120 kW feed), exit 0."""
    for pue in ("1.2", "2"):
        text = ROOM.replace("P", pue)
        v = _values(text)
        avg, peak = v["s.facility_power_avg"], v["s.facility_power"]
        named = [d for d in _errors(text) if d.code == "limit-exceeded" and "facility_power_avg" in " ".join(d.notes)]
        if avg > peak * (1 + 1e-12):
            assert named, f"pue {pue}: average facility power {avg:.6g} W above the peak {peak:.6g} W, no error"
        else:
            assert not named, f"pue {pue}: {avg:.6g} W on average within the peak {peak:.6g} W, yet an error"


# ----------------------------------------------------------------------------- inference: no load offered

IDLE = """\
from systems import DGX_H100, DGX_H100_rack
from models import Llama3_1_8B
site s {
  land_price = 0 USD
  hall h {
    rack r: DGX_H100_rack x 2
  }
  inference w {
    model = Llama3_1_8B
    system = DGX_H100
    precision = "fp8"
    scenario = "server"
    offered_load = 0 tok/s
  }
}
"""


def test_an_offered_load_of_zero_is_refused_at_its_span_not_printed_as_nan() -> None:
    """$/Mtok divides the accelerators' hours by the tokens the load carries: a load of 0 tok/s has no $/Mtok, as a
    `demand` of 0 is refused (`positive`). Before: `offered_load = 0 tok/s` printed `cost_per_hour nan USD/h` and
    `usd_per_mtok nan USD/Mtok` (the site's too), and the only error said `s.w.usd_per_mtok` is infinite, at the
    block, not at the field that made it."""
    results, sink = evaluate_text(IDLE, "hunt16.factory")
    errors = [d for d in sink.items if d.severity == "error"]
    line = IDLE.splitlines().index("    offered_load = 0 tok/s") + 1
    assert [d.code for d in errors] == ["out-of-range"], [(d.code, d.message) for d in errors]
    assert errors[0].span.line == line and "offered_load" in errors[0].message


# ----------------------------------------------------------------------------- the schema: inputs are not outputs

def test_every_field_the_schema_marks_output_is_computed_by_a_model() -> None:
    """A field marked `output` is computed by a model (docs/kinds.md says so, the language server offers it as one,
    a spec that sets it overrides the model). Before: a description that began with the word "output" was read
    as the flag: `demand` and `offered_load` ("output tokens per second ...", inputs no model computes) and the
    gear's `voltage` ("output voltage") were listed as outputs in docs/kinds.md, their descriptions cut to
    "tokens per second ..." and "voltage"; `served_tokens_per_s` lost its "output" too."""
    from compiler.models import outputs_for
    from dsl.schema import kind, kinds

    stray = [f"{spec.name}.{name}: {f.doc[:50]!r}" for spec in map(kind, kinds())
             for name, f in spec.fields.items() if f.output and name not in outputs_for(spec.name)]
    assert not stray, stray
    assert kind("inference").fields["served_tokens_per_s"].doc.startswith("output tokens per second")


# ----------------------------------------------------------------------------- training: hours, energy, time

RUN = """\
from systems import DGX_H100
from models import Llama3_1_8B
site s {
  training t {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 16
    tokens = 1 Ttok
    precision = "bf16"
    OVERRIDE
  }
}
"""


def test_gpu_hours_and_energy_are_of_the_same_time_to_train_even_where_the_spec_sets_it() -> None:
    """accelerator_hours = gpu_hours = accelerators x time_to_train and energy = power x time_to_train, whether the
    model computes the time or the spec sets it (an output set overrides its model; what reads it reads the value
    set). Before: `time_to_train = 1 day` gave energy for 1 day (341.8 kWh) and GPU-hours for the model's 78.9 days
    (30,308 h), and the cost of those hours."""
    for override in ("", "time_to_train = 1 day"):
        v = _values(RUN.replace("OVERRIDE", override))
        n, t = v["s.t.accelerators"], v["s.t.time_to_train"]
        for hours in ("s.t.accelerator_hours", "s.t.gpu_hours"):
            assert abs(v[hours] - n * t) <= 1e-9 * n * t, (override, hours, v[hours] / 3600, n * t / 3600)
        assert abs(v["s.t.energy"] - v["s.t.power"] * t) <= 1e-9 * v["s.t.energy"], override


SERVICE = """\
from systems import DGX_H100
from models import Llama3_1_8B
site s {
  inference w {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 16
    precision = "fp8"
    scenario = "server"
    OVERRIDE
  }
}
"""


def test_per_chip_and_per_system_rates_are_of_the_tokens_per_s_shown_even_where_the_spec_sets_it() -> None:
    """tokens_per_s_per_chip = tokens_per_s / accelerators and tokens_per_s_per_system = that x the accelerators of
    one system (8 in a DGX H100), whether the model computes tokens_per_s or the spec sets it (as tokens_per_joule
    and served_tokens_per_s read it). Before: `tokens_per_s = 1000 tok/s` on 16 H100 read 1,000 tok/s with
    tokens_per_joule from it, but 7,950 tok/s per chip and 63,600 per system (the model's 127.2 ktok/s)."""
    for override in ("", "tokens_per_s = 1000 tok/s"):
        v = _values(SERVICE.replace("OVERRIDE", override))
        per_chip = v["s.w.tokens_per_s"] / v["s.w.accelerators"]
        assert abs(v["s.w.tokens_per_s_per_chip"] - per_chip) <= 1e-9 * per_chip, (override, v["s.w.tokens_per_s_per_chip"])
        assert abs(v["s.w.tokens_per_s_per_system"] - 8 * per_chip) <= 1e-9 * per_chip, override


def test_tokens_per_s_per_user_is_one_over_the_tpot_shown_even_where_the_spec_sets_it() -> None:
    """tokens_per_s_per_user = 1 / tpot, whether the model computes the TPOT or the spec sets it. Before:
    `tpot = 10 ms` read 10 ms beside 10.55 tok/s per user (1 / the model's 94.7 ms)."""
    for override in ("", "tpot = 10 ms"):
        v = _values(SERVICE.replace("OVERRIDE", override))
        assert abs(v["s.w.tokens_per_s_per_user"] * v["s.w.tpot"] - 1) <= 1e-9, (override, v["s.w.tokens_per_s_per_user"])


# ----------------------------------------------------------------------------- $/Mtok: the note's arithmetic

def _amount(text: str) -> float:
    """'$63.0k' -> 63000; '55.27 Mtok/s' -> 55.27e6; '25,920' -> 25920."""
    import re
    m = re.search(r"([0-9][0-9.,]*)\s*([kMBT]?)", text)
    return float(m.group(1).replace(",", "")) * {"": 1, "k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[m.group(2)]


def test_the_usd_per_mtok_note_multiplies_out_to_the_figure() -> None:
    """The $/Mtok key figure's note shows the numbers it is computed from: the services' dollars an hour (each
    accelerator they hold at its hour) over the tokens they serve, usd_per_mtok = N x rate / (served x 3600 s)
    x 1e6, reproduced from the note's printed numbers to their rounding (3 significant figures: 0.5%).
    Before (examples/flagship_campus.factory): the note quoted the site's TCO per accelerator-hour, $2.47 / h,
    where the service's own hour (the site's TCO with its energy at the service's own draw: cost_per_hour /
    accelerators_held = $63.0k / 25,920) is $2.43 / h: 25,920 x $2.47 / h over 55.27 Mtok/s is $0.322 / Mtok,
    not the $0.317 printed beside it."""
    import re
    from pathlib import Path
    from compiler import evaluate_files
    from compiler.render import report
    spec = "examples/flagship_campus.factory"
    results, sink = evaluate_files([str(Path(__file__).resolve().parent.parent / spec)])
    subject = next(s for s in report.report_context(results, spec, sink)["subjects"] if s["path"] == "frontier_campus")
    card = next(k for k in subject["kpis"] if k["key"] == "usd_per_mtok")
    note, figure = card["basis"], _amount(card["text"].split("$")[1])
    m = re.search(r"([0-9,]+) accelerators at \$([0-9.]+) / h .* over ([0-9.]+ [kMG]?tok/s) served", note)
    assert m, note
    held, rate, served = _amount(m.group(1)), float(m.group(2)), _amount(m.group(3))
    assert held * rate / (served * 3600) * 1e6 == __import__("pytest").approx(figure, rel=5e-3), (note, figure)


# ----------------------------------------------------------------------------- facility: a loop that is not there

def test_a_room_without_a_liquid_loop_has_no_liquid_free_cooling_hours() -> None:
    """Free-cooling hours are a property of a loop: a hall (and a site) whose racks put no heat into liquid has no
    liquid loop, so `liquid_free_cooling_hours` has no value there: in no scenario, the output does not apply and is
    left out (never NaN with no diagnostic); in the scenarios of a sweep where the loop carries no heat (a count
    swept through 0), absent there with its reason, a value where it does. A loop that is there reads 8,760 h or 0.
    Before: four air-cooled DGX H100 racks (heat_liquid 0 W) read liquid_free_cooling_hours 8,760 h, hall and
    site, a plausible-looking figure for a loop that does not exist."""
    results, sink = evaluate_text(ROOM.replace("pue = P", ""), "hunt16.factory")
    for block in ("s.h", "s"):
        assert float(results.values[f"{block}.heat_liquid"][0]) == 0
        hours = f"{block}.liquid_free_cooling_hours"
        assert hours not in results.values and hours not in results.absent, (hours, results.values.get(hours))
        assert float(results.values[f"{block}.air_free_cooling_hours"][0]) in (0.0, 8760 * 3600.0)
    assert not [d for d in sink.items if d.severity == "error"]
    swept, sink = evaluate_text(LOOP_SWEEP, "hunt16_sweep.factory")
    assert not [d for d in sink.items if d.severity == "error"]
    for block in ("s.h", "s"):
        hours = f"{block}.liquid_free_cooling_hours"
        gone = swept.absent.get(hours)
        assert gone is not None and np.asarray(gone.mask).ravel().tolist() == [True, False], hours
        assert "liquid" in gone.reason
        assert float(np.asarray(swept.values[hours]).ravel()[1]) in (0.0, 8760 * 3600.0)


# a hybrid server (80% of its heat to liquid) whose count is swept through 0: the liquid loop carries heat only
# in the second scenario
LOOP_SWEEP = """
server box {
  max_power = 10 kW
  price = 1000 USD
  cooling = "hybrid"
  liquid_fraction = 0.8
}
param k = [0, 10]
site s {
  land_price = 0 USD
  hall h {
    rack r { server n: box x k }
  }
}
"""


# ----------------------------------------------------------------------------- training: the count held, needed

def test_a_training_run_says_what_it_holds_and_needs_no_count_without_a_deadline() -> None:
    """`accelerators_needed` is the smallest count that meets the run's deadline: without a deadline there is
    none to meet, so no figure (not the count held, read as a sizing that was never made); the count the run
    holds, given or its default (one system), is a quantity `accelerators_held` (as an inference service's),
    and its hours divide by it: accelerator_hours = accelerators_held x time_to_train. Before: a run of Llama
    3.1 8B on its default one DGX H100 (8 GPUs) read accelerators_needed 8 with no deadline, and its JSON held no
    count of the accelerators it ran on."""
    default = _values(RUN.replace("    accelerators = 16\n", "").replace("OVERRIDE", ""))
    assert np.isnan(default.get("s.t.accelerators_needed", float("nan"))), default.get("s.t.accelerators_needed")
    assert default["s.t.accelerators_held"] == 8
    assert abs(default["s.t.accelerator_hours"] - 8 * default["s.t.time_to_train"]) <= 1e-9 * default[
        "s.t.accelerator_hours"]
    given = _values(RUN.replace("OVERRIDE", ""))
    assert given["s.t.accelerators_held"] == 16 and np.isnan(given.get("s.t.accelerators_needed", float("nan")))
    sized = _values(RUBIN.replace("ACCELERATORS", ""))       # with a deadline: the count that meets it
    assert sized["s.r.accelerators_needed"] == 64 and sized["s.r.accelerators_held"] == 72


# ----------------------------------------------------------------------------- a set output feeds what reads it

UNITS = {"step_time": " s", "tokens_per_s": " tok/s", "flops_per_token": " FLOP/tok"}


def _with(text: str, **fields) -> str:
    """The spec with each field set: a float in SI units, written out in full (repr) with its unit."""
    return text.replace("OVERRIDE", "\n    ".join(
        f"{k} = {v!r}{UNITS.get(k, '')}" if isinstance(v, float) else f"{k} = {v}" for k, v in fields.items()))


def test_a_set_step_time_tokens_per_s_or_mfu_sets_the_training_throughput_and_time_to_train() -> None:
    """step_time, tokens_per_s and mfu are one figure, the run's throughput: with G tokens a step,
    tokens_per_s = G / step_time and mfu = G F / (step_time n peak), so the one a spec sets gives the other two,
    and time to train follows: T0 = T0_model + tokens / G x (step_time - t_model), time_to_train = T0 / goodput.
    Hand calculation from the unset run (t, R = G / t, M, T0 = time_to_train x goodput, 1 Ttok): halving the
    throughput by any of the three gives step 2t, R / 2, M / 2 and T0 + 1e12 / G x t; a set goodput g gives
    T0 / g; a set flops_per_token F / 2 gives M / 2 at the same step. Before: `step_time = 10 s` (model 28.5 s),
    `tokens_per_s = 100 ktok/s` (model 147 ktok/s) and `mfu = 0.2` (model 0.477) each left time_to_train at the
    model's 78.9 days, and the other two at the model's; `mfu = 0.2` cut power (14.24 -> 10.68 kW) but not time,
    so energy fell 25% for a run that takes 2.4x as long."""
    base = _values(_with(RUN))
    t, r, m, good = (base[f"s.t.{k}"] for k in ("step_time", "tokens_per_s", "mfu", "goodput"))
    g, t0 = r * t, base["s.t.time_to_train"] * good
    for override in ({"step_time": 2 * t}, {"tokens_per_s": r / 2}, {"mfu": m / 2}):
        v = _values(_with(RUN, **override))
        assert abs(v["s.t.step_time"] - 2 * t) <= 1e-9 * t, override
        assert abs(v["s.t.tokens_per_s"] - r / 2) <= 1e-9 * r, override
        assert abs(v["s.t.mfu"] - m / 2) <= 1e-9 * m, override
        assert abs(v["s.t.time_to_train"] * v["s.t.goodput"] - (t0 + 1e12 / g * t)) <= 1e-9 * t0, override
        assert abs(v["s.t.energy"] - v["s.t.power"] * v["s.t.time_to_train"]) <= 1e-9 * v["s.t.energy"], override
        assert v["s.t.power"] < base["s.t.power"], override            # a slower step: less time compute-bound
    v = _values(_with(RUN, goodput=0.5))
    assert abs(v["s.t.time_to_train"] - t0 / 0.5) <= 1e-9 * t0
    v = _values(_with(RUN, flops_per_token=base["s.t.flops_per_token"] / 2))
    assert abs(v["s.t.mfu"] - m / 2) <= 1e-9 * m and abs(v["s.t.step_time"] - t) <= 1e-9 * t


def test_throughputs_that_cannot_both_hold_are_refused_at_the_figure_set() -> None:
    """Two of step_time, tokens_per_s and mfu set that give different step times cannot both hold: an error at
    the second one's line, and no time to train. A step time that asks more model FLOP/s than the accelerators'
    peak (MFU above 1) is out of range at its line, with no MFU, power or energy. Two that agree are accepted."""
    base = _values(_with(RUN))
    t, r = base["s.t.step_time"], base["s.t.tokens_per_s"]
    text = _with(RUN, step_time=2 * t, tokens_per_s=r / 3)
    errors = _errors(text)
    line = text.splitlines().index(f"    tokens_per_s = {r / 3!r} tok/s") + 1
    assert [(d.code, d.span.line) for d in errors] == [("invalid-value", line)], [d.message for d in errors]
    assert np.isnan(_values(text)["s.t.time_to_train"])
    assert not _errors(_with(RUN, step_time=2 * t, tokens_per_s=r / 2))
    fast = _with(RUN, step_time=t / 3)
    errors = _errors(fast)
    line = fast.splitlines().index(f"    step_time = {t / 3!r} s") + 1
    assert [(d.code, d.span.line) for d in errors] == [("out-of-range", line)], [d.message for d in errors]
    results, _ = evaluate_text(fast, "hunt16.factory")
    for name in ("mfu", "power", "energy"):
        assert np.isnan(float(results.values[f"s.t.{name}"][0])), name


def test_a_set_compute_bound_share_or_system_power_feeds_the_power_that_reads_it() -> None:
    """accelerator_power = f P_c + (1 - f) P_w with f = compute_bound_share (its formula): f = 0 and f = 1 give
    P_w and P_c, and the model's f their mix; system_power_dc = system_power x (the supplies' DC / AC at that
    load). Before: a set compute_bound_share left accelerator_power at the model's 579.9 W; a set system_power
    (5 kW) left system_power_dc at the model's own 7.12 kW x efficiency."""
    base = _values(_with(RUN))
    light = _values(_with(RUN, compute_bound_share=0.0))["s.t.accelerator_power"]
    heavy = _values(_with(RUN, compute_bound_share=1.0))["s.t.accelerator_power"]
    f = base["s.t.compute_bound_share"]
    assert light < heavy
    assert abs(base["s.t.accelerator_power"] - (f * heavy + (1 - f) * light)) <= 1e-9 * heavy
    v = _values(_with(RUN, system_power="5 kW"))
    ratio = base["s.t.system_power_dc"] / base["s.t.system_power"]
    assert abs(v["s.t.system_power_dc"] - 5000 * ratio) <= 1e-9 * 5000


def test_the_p99_latencies_and_per_system_rate_follow_the_figure_their_formula_equals() -> None:
    """ttft_p99 = ttft, tpot_p99 = tpot and tokens_per_s_per_system = tokens_per_s_per_chip x 8 (a DGX H100), as
    their formulas say, whether the model computes the figure or the spec sets it. Before: `tpot = 10 ms` read
    tpot_p99 at the model's step, `ttft = 50 ms` ttft_p99 at the model's, and `tokens_per_s_per_chip = 100 tok/s`
    per system at the model's 63.6 ktok/s."""
    for override in ("", "tpot = 10 ms\n    ttft = 50 ms\n    tokens_per_s_per_chip = 100 tok/s"):
        v = _values(SERVICE.replace("OVERRIDE", override))
        assert abs(v["s.w.tpot_p99"] - v["s.w.tpot"]) <= 1e-12, (override, v["s.w.tpot_p99"])
        assert abs(v["s.w.ttft_p99"] - v["s.w.ttft"]) <= 1e-12, (override, v["s.w.ttft_p99"])
        assert abs(v["s.w.tokens_per_s_per_system"] - 8 * v["s.w.tokens_per_s_per_chip"]) <= 1e-9 * v[
            "s.w.tokens_per_s_per_system"], override


# Outputs a formula names as a word that do not read it, each with its reason (the law below checks the rest).
NOT_READ = {
    ("training", "power", "system_power"): "the word: 'wall power', not the figure `power`",
    ("training", "power", "system_power_dc"): "the word: system_power_dc reads system_power",
    ("inference", "power", "system_power"): "the word: 'wall power', not the figure `power`",
    ("inference", "power", "system_power_dc"): "the word",
    ("inference", "power", "clock_fraction"): "the word: the power cap",
    ("inference", "served_tokens_per_s", "cost_per_hour"): "an identity: the hour's cost is the accelerators held, "
                                                           "busy or idle; $/Mtok divides it by the tokens served",
    ("inference", "tokens_per_s", "offered_share"): "1 where no offered load or demand is set (this spec)",
    ("inference", "ttft", "ttft_p50"): "offline and single stream only; this service is a server",
    # not done (s16-num2): a set figure the search's memory and step model do not re-read
    ("inference", "tpot", "memory_utilization"): "the chips stream at the solve's step (absent tpot: overloaded)",
    ("inference", "weights_per_chip", "max_batch"): "the memory search runs on the model's weights",
}


@__import__("pytest").mark.slow
def test_every_output_set_to_its_own_value_changes_nothing_and_to_another_moves_what_reads_it() -> None:
    """For every `output` field of training and inference (dsl/schema.py) that has a value: setting it to the value
    the model computes changes no figure of the workload (to 1e-9); setting it to another value (half, or twice
    for a step time) changes every output whose formula names it (compiler.models' formula text), but those in
    NOT_READ with their reasons. Layout fields ('set it to fix it') and counts are only checked at their own value.
    ~30 s: slow."""
    import re
    from compiler.models import outputs_for
    from dsl.schema import kind as kind_of

    def run(text: str) -> tuple[dict, dict]:
        results, _ = evaluate_text(text, "hunt16.factory")
        assert results is not None
        values, units = {}, {}
        for path, x in results.values.items():
            if path.startswith("s.w.") and ".detail." not in path and isinstance(x, np.ndarray) \
                    and x.dtype.kind in "fiub":
                gone = results.absent.get(path)
                masked = gone is not None and bool(np.asarray(gone.mask).ravel()[0])
                values[path[4:]] = float("nan") if masked else float(x.ravel()[0])
                units[path[4:]] = results.graph.nodes[path].unit
        return values, units

    def same(a: float, b: float) -> bool:
        return (np.isnan(a) and np.isnan(b)) or abs(a - b) <= 1e-9 * max(abs(a), abs(b), 1e-300)

    for kind, spec in (("training", RUN.replace("training t", "training w")), ("inference", SERVICE)):
        base, units = run(spec.replace("OVERRIDE", ""))
        outputs = outputs_for(kind)
        for name, field in sorted(kind_of(kind).fields.items()):
            if not field.output or not np.isfinite(base.get(name, np.nan)):
                continue
            unit = "" if units[name] == "1" else f" {units[name]}"
            at, _ = run(spec.replace("OVERRIDE", f"{name} = {base[name]!r}{unit}"))
            moved = [g for g in base if not same(base[g], at.get(g, np.nan))]
            assert not moved, f"{kind}.{name} set to its own value {base[name]!r} moved {moved}"
            if "set it to fix it" in field.doc or field.type == "count":
                continue
            other = base[name] * (2.0 if name == "step_time" else 0.5)
            moved_to, _ = run(spec.replace("OVERRIDE", f"{name} = {other!r}{unit}"))
            readers = [g for g in outputs if g != name and g in base and (kind, name, g) not in NOT_READ
                       and re.search(rf"\b{name}\b", outputs[g].formula)]
            still = [g for g in readers if same(base[g], moved_to.get(g, np.nan))]
            assert not still, f"{kind}.{name} set to {other!r}: {still} (whose formulas name it) did not move"


def test_a_deadline_is_not_sized_from_a_throughput_set_for_another_count() -> None:
    """accelerators_needed searches a ladder of counts at the model's own throughput at each; a step time (or
    tokens_per_s, mfu, goodput) the spec sets is for the count it holds, not for the others: no count is
    sized from it (absent, with the reason), while the deadline's check compares the time shown."""
    text = RUBIN.replace("ACCELERATORS", "accelerators = 72\n    mfu = 0.2")
    results, _ = evaluate_text(text, "hunt16.factory")
    gone = results.absent.get("s.r.accelerators_needed")
    assert gone is not None and bool(np.asarray(gone.mask).ravel()[0]) and "mfu" in gone.reason


# ----------------------------------------------------------------------------- leftovers (s16-num3)

def test_no_time_to_train_from_a_step_time_above_the_chips_peak() -> None:
    """A step time whose MFU is above 1 asks more FLOP/s than the chips have: no run at that step, so no time to
    train either (nor the hours and cost read from it), as MFU, power and energy already are. Before: step_time at
    a third of the model's 28.5 s (MFU 1.43) gave its out-of-range error and still showed time_to_train 26.3 days."""
    base = _values(_with(RUN))
    v = _values(_with(RUN, step_time=base["s.t.step_time"] / 3))
    for name in ("time_to_train", "gpu_hours", "accelerator_hours", "cost", "energy"):
        assert np.isnan(v[f"s.t.{name}"]), (name, v[f"s.t.{name}"])
    results, _ = evaluate_text(_with(RUN, step_time=base["s.t.step_time"] / 3), "hunt16.factory")
    assert "MFU above 1" in results.absent["s.t.time_to_train"].reason


def test_an_inference_service_without_a_demand_is_sized_to_none() -> None:
    """accelerators_needed is the fewest accelerators that carry the `demand`: without one there is nothing to
    size, so no figure (not the count held, read as a sizing never made); accelerators_held gives that count, as a
    training run's. Before: 16 H100 serving with no demand read accelerators_needed 16."""
    v = _values(SERVICE.replace("OVERRIDE", ""))
    assert v["s.w.accelerators_held"] == 16
    assert np.isnan(v.get("s.w.accelerators_needed", float("nan")))
    sized = _values(SERVICE.replace("accelerators = 16", "").replace("OVERRIDE", "demand = 100 ktok/s"))
    assert sized["s.w.accelerators_needed"] == sized["s.w.accelerators_held"] > 0


def test_a_set_energy_prices_the_cost_and_the_two_hour_figures_are_one() -> None:
    """cost = accelerator_hours x (capex CRF per hour) + energy x electricity price (no site TCO): a set energy
    is the energy the run buys, so doubling it adds the model's energy x price once more (hand calculation from
    the model's own cost at energy E and 2E). gpu_hours and accelerator_hours are one figure: set one, the other
    reads it; set both to different values, an invalid-value error at the second's line. Before: energy = 2E
    left cost unchanged, and gpu_hours = 2 x accelerator_hours was accepted with no error."""
    base = _values(_with(RUN))
    e, cost = base["s.t.energy"], base["s.t.cost"]
    doubled = _values(_with(RUN, energy=f"{2 * e!r} J"))
    cheap = _values(_with(RUN, energy="0 J"))
    price = (cost - cheap["s.t.cost"]) / e                     # USD per J the model's energy was bought at
    assert price > 0
    assert abs(doubled["s.t.cost"] - (cost + e * price)) <= 1e-9 * cost
    h = base["s.t.accelerator_hours"]
    one = _values(_with(RUN, gpu_hours=f"{2 * h!r} s"))
    assert one["s.t.accelerator_hours"] == one["s.t.gpu_hours"] == 2 * h
    text = _with(RUN, accelerator_hours=f"{h!r} s", gpu_hours=f"{2 * h!r} s")
    errors = _errors(text)
    line = text.splitlines().index(f"    gpu_hours = {2 * h!r} s") + 1
    assert [(d.code, d.span.line) for d in errors] == [("invalid-value", line)], [d.message for d in errors]
    assert not _errors(_with(RUN, accelerator_hours=f"{h!r} s", gpu_hours=f"{h!r} s"))
