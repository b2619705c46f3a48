"""Law: a sweep is the runs one at a time. For each example and each parameter (its own `param`s, and the
workload coordinates tp, pp, batch and accelerators injected into its workloads), `-D p=[a,b,c]` gives, for
EVERY output, exactly the values of the three runs `-D p=a`, `-D p=b`, `-D p=c`. A value may be NaN only
where it is flagged absent (`Results.absent`), in the sweep and in the single run alike.

Before the fix, `-D tp=[1,2,4,8]` gave every scenario the tp=8 result (the search fixed np.max over the
scenario axis) and sweeping a training job's accelerators crashed with an IndexError.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_text
from sampling import sampled  # tests/ is on the path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.factory"))


def _evaluate(text: str, defines: dict[str, str]):
    results, sink = evaluate_text(text, "sweep.factory", defines, str(ROOT / "examples"))
    assert results is not None, [d.message for d in sink.items]
    return results


def assert_sweep_equals_single_runs(text: str, param: str, values: list[str]) -> None:
    swept = _evaluate(text, {param: "[" + ", ".join(values) + "]"})
    assert swept.scenario_count == len(values)
    for i, value in enumerate(values):
        single = _evaluate(text, {param: value})
        for path, one in single.values.items():
            if not isinstance(one, np.ndarray) or one.dtype.kind not in "fiub":
                continue
            many = swept.values.get(path)
            assert isinstance(many, np.ndarray), f"{path} missing from the sweep"
            got = np.broadcast_to(many.astype(float), (len(values),))[i]
            want = float(one.astype(float).reshape(-1)[0])
            if np.isnan(want) or np.isnan(got):
                flagged = (path in single.absent and single.absent[path].mask[0]
                           and path in swept.absent and swept.absent[path].mask[i])
                assert np.isnan(want) and np.isnan(got) and flagged, \
                    f"{param}={value}: {path} is {got} in the sweep, {want} alone (NaN only where flagged absent)"
            else:
                assert got == pytest.approx(want, rel=1e-12, abs=0), f"{param}={value}: {path}"
        for path, absent in single.absent.items():
            assert path in swept.absent and swept.absent[path].mask[i] == absent.mask[0], path


def _params(text: str) -> list[tuple[str, float, str]]:
    out = []
    for name, number, unit in re.findall(r"^param (\w+) = ([0-9.]+) *([A-Za-z/^0-9]*)", text, re.M):
        out.append((name, float(number), unit))
    return out


def _example_param_cases():
    for path in EXAMPLES:
        for name, number, unit in _params(path.read_text(encoding="utf-8")):
            yield pytest.param(path, name, number, unit, id=f"{path.stem}-{name}")


@pytest.mark.parametrize("path,name,number,unit", sampled(_example_param_cases(), 2))
def test_sweeping_an_example_parameter_equals_the_single_runs(path, name, number, unit) -> None:
    if number == int(number):          # counts stay whole numbers
        values = [f"{v:g} {unit}".strip() for v in (max(int(number) // 2, 1), int(number), 2 * int(number))]
    else:
        values = [f"{number * f:g} {unit}".strip() for f in (0.5, 1.0, 2.0)]
    if name == "gpu_utilization":
        values = ["0.5", "0.85", "1"]
    assert_sweep_equals_single_runs(path.read_text(encoding="utf-8"), name, values)


WORKLOAD = re.compile(r"^( *)(inference|training) (\w+) \{\n", re.M)
COORDINATES = {"inference": {"tp": ["1", "2", "8"], "pp": ["1", "2", "4"], "batch": ["1", "16", "256"],
                             "accelerators": ["8", "16", "72"]},
               "training": {"tp": ["2", "4", "8"], "pp": ["1", "2", "4"], "accelerators": ["1024", "2048", "4096"]}}


def inject(text: str, kind: str, field: str) -> str | None:
    """The example with `field = sweep_value` set in every workload of `kind` that does not set it, and
    `param sweep_value` declared; None when no workload takes it."""
    out, pos, changed = [], 0, False
    for m in WORKLOAD.finditer(text):
        if m.group(2) != kind:
            continue
        end = text.index("\n" + m.group(1) + "}", m.end())
        if re.search(rf"^\s*{field} =", text[m.end():end], re.M):
            continue
        out.append(text[pos:m.end()] + f"{m.group(1)}  {field} = sweep_value\n")
        pos, changed = m.end(), True
    if not changed:
        return None
    body = "".join(out) + text[pos:]
    first_block = re.search(r"^(site|param|let) ", body, re.M).start()
    return body[:first_block] + "param sweep_value = 1\n" + body[first_block:]


def _coordinate_cases():
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        for kind, fields in COORDINATES.items():
            for field, values in fields.items():
                if inject(text, kind, field) is not None:
                    yield pytest.param(path, kind, field, values, id=f"{path.stem}-{kind}-{field}")


@pytest.mark.parametrize("path,kind,field,values", sampled(_coordinate_cases(), 2))
def test_sweeping_a_workload_coordinate_equals_the_single_runs(path, kind, field, values) -> None:
    text = inject(path.read_text(encoding="utf-8"), kind, field)
    assert_sweep_equals_single_runs(text, "sweep_value", values)



UNIT_COORDINATES = {"power_cap": (["400 W", "550 W", "700 W"], "W"), "max_num_tokens": (["512 tok", "8192 tok"], "tok")}


def _unit_cases() -> list:
    """(example, field) of each example with an inference service and each UNIT_COORDINATES field, the fields in
    turn from example to example, so that the default run's half (tests/sampling.py) sweeps every field once and
    on every example once; `-m slow` runs the other half."""
    cases = []
    for path in EXAMPLES:
        fields = [f for f in UNIT_COORDINATES if inject(path.read_text(encoding="utf-8"), "inference", f)]
        if fields:
            turn = len({c.values[0] for c in cases}) % len(fields)
            cases += [pytest.param(path, f, id=f"{path.stem}-{f}") for f in fields[turn:] + fields[:turn]]
    return sampled(cases, 2)


@pytest.mark.parametrize("path,field", _unit_cases())
def test_sweeping_an_inference_input_with_a_unit_equals_the_single_runs(path, field) -> None:
    """A power cap (held in the chip's draw law, a dataclass inside the search's inputs) and a token budget: the
    search solved once per distinct combination (compiler/models/distinct.py) gives every scenario its own
    result, as the runs one at a time do."""
    values, unit = UNIT_COORDINATES[field]
    text = inject(path.read_text(encoding="utf-8"), "inference", field)
    assert_sweep_equals_single_runs(text.replace("param sweep_value = 1\n", f"param sweep_value = 1 {unit}\n"),
                                    "sweep_value", values)

SMALL = """from systems import DGX_H100
from models import Llama2_70B
param tp = 8
param n = 64
site s {
  inference svc {
    model = Llama2_70B
    system = DGX_H100
    accelerators = 8
    tp = tp
  }
  training job {
    model = Llama2_70B
    system = DGX_H100
    accelerators = n
    tokens = 2 Ttok
  }
}
"""


def test_a_tp_sweep_gives_each_scenario_its_own_throughput() -> None:
    """The defect as reported: every scenario of `-D tp=[1,2,4,8]` had tp=8's tokens/s."""
    swept = _evaluate(SMALL, {"tp": "[1, 2, 4, 8]"})
    tokens = swept.values["s.svc.tokens_per_s"]
    assert len(set(np.round(tokens, 6))) == 4
    assert_sweep_equals_single_runs(SMALL, "tp", ["1", "2", "4", "8"])


def test_sweeping_training_accelerators_runs_and_equals_the_single_runs() -> None:
    """The defect as reported: sweeping a training job's accelerators raised IndexError (exit 2)."""
    assert_sweep_equals_single_runs(SMALL, "n", ["64", "128", "256"])
    # 8 GPUs cannot hold full training of a 70B model: absent there, with the reason, not a number
    assert_sweep_equals_single_runs(SMALL, "n", ["8", "64", "256"])
