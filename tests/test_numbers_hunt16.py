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
    liquid loop, so `liquid_free_cooling_hours` has no value there (absent, with its reason), as a loop that is
    there reads 8,760 h or 0. Before: four air-cooled DGX H100 racks (heat_liquid 0 W) read
    liquid_free_cooling_hours 8,760 h, hall and site, a plausible-looking figure for a loop that does not exist."""
    results, sink = evaluate_text(ROOM.replace("pue = P", ""), "hunt16.factory")
    for block in ("s.h", "s"):
        assert float(results.values[f"{block}.heat_liquid"][0]) == 0
        hours = f"{block}.liquid_free_cooling_hours"
        gone = results.absent.get(hours)
        assert gone is not None and bool(np.asarray(gone.mask).ravel()[0]), (hours, results.values.get(hours))
        assert "liquid" in gone.reason if isinstance(gone.reason, str) else True
        assert float(results.values[f"{block}.air_free_cooling_hours"][0]) in (0.0, 8760 * 3600.0)
    assert not [d for d in sink.items if d.severity == "error"]


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

