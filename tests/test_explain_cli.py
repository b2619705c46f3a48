"""`factory explain`: the derivation tree of one quantity, down to stdlib citations and assumptions."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = "examples/flagship_campus.factory"


def explain(*args: str):
    return CliRunner().invoke(main, ["explain", *args])


def test_explain_pue_of_the_flagship(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = explain(FLAGSHIP, "frontier_campus.pue", "--depth", "2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("frontier_campus.pue = 1.0") and lines[0].endswith("[model]")
    assert "= facility_power_metered / it_power_metered" in lines[1]      # the draw the bill meters (s19-energy2)
    assert "at examples/flagship_campus.factory:" in lines[2]
    assert "frontier_campus.facility_power_metered = " in result.output


def test_explain_reaches_stdlib_citations_and_assumptions(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = explain(FLAGSHIP, "frontier_campus.data_hall.pod.nvl.tray.gpu.power", "--format", "json")
    assert result.exit_code == 0, result.output
    tree = json.loads(result.output)
    assert tree["formula"] == "idle_power + utilization * (tdp - idle_power)"
    inputs = {item["path"]: item for item in tree["inputs"]}
    tdp = inputs["frontier_campus.data_hall.pod.nvl.tray.gpu.tdp"]
    assert tdp["value"] == "1.4 kW" and "1400W TGP Per GPU" in tdp["source"]
    assert tdp["at"].startswith("<stdlib>/chips.factory:")
    # The utilization comes from the site's `utilization = gpu_utilization`, a param of the spec.
    assert any(p.endswith("frontier_campus.utilization") for p in inputs)


def test_explain_unknown_path_suggests(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = explain(FLAGSHIP, "frontier_campus.pu")
    assert result.exit_code == 2
    assert "did you mean `frontier_campus.pue`?" in result.output


SERVICE = """from systems import DGX_H100
from models import Llama3_1_70B
param cap = 0
inference w {
  model = Llama3_1_70B
  system = DGX_H100
  accelerators = 8
  precision = "fp8"
  scenario = "server"
  input_tokens = 1000 tok
  output_tokens = 200 tok
  let max_batch_size = cap
}
"""


def test_explain_of_a_figure_the_models_leave_absent_says_why_not_nan(tmp_path) -> None:
    """A workload that cannot run has no throughput (eval: "n/a (n/a: the reason)", null in JSON); explain printed
    "w.tokens_per_s = nan tok/s". It now prints n/a with the models' reason, and in a sweep the scenarios that
    have a value and those that do not."""
    spec = tmp_path / "svc.factory"
    spec.write_text(SERVICE, encoding="utf-8")
    result = CliRunner().invoke(main, ["explain", str(spec), "w.tokens_per_s", "--depth", "0"])
    assert result.exit_code == 1, result.output            # the workload's error (and the cap's range error)
    first = result.stdout.splitlines()[0]
    assert "nan" not in first
    # (a cap of 0 is refused: the model does not run on it, so the reason is the refusal's: compiler.evaluate)
    assert first.startswith("w.tokens_per_s = n/a (not computed: `w.max_batch_size` is outside its range")
    result = CliRunner().invoke(main, ["explain", str(spec), "w.tokens_per_s", "--depth", "0", "-D", "cap=[0,64]"])
    first = result.stdout.splitlines()[0]
    assert "nan" not in first and " in 1 of 2 scenarios; n/a in 1 (not computed: `w.max_batch_size`" in first
