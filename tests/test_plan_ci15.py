"""`factory plan` as a pull-request check (session 15): laws a platform team relies on, on the small enterprise
example (two evaluations a plan):

    a cost row whose figure counts a part without a price as $0 (maintenance is a rate on capex) is marked
    incomplete on that side and is never shown as a saving: its printed change is n/a and the printed total
    leaves it out (as an unpriced part's row), in text, Markdown and the GitHub notice; a model row beside an
    unpriced part that has a row of its own (the per-W plant beside a placed PDU without a price) stays a number;
    a cost row computed from an input outside its published range carries the KPI table's mark on that side
    (JSON `old_flagged` / `new_flagged`, the same words), and so does its site's total, in every format;
    the headline states a flagged KPI with its mark (it is the first line a reviewer reads);
    a change that adds a sweep is planned at any of its scenarios against a spec of one scenario (whose figures
    are the same in every scenario): `plan A S --scenario k` has the KPIs and cost rows of `plan A S_k`, S_k
    being S with the sweep fixed at its k-th value (a sweep equals the runs one at a time);
    a cost row whose part changed its definition names both (`chip H100_SXM -> chip H200`), so the old cost is
    never shown under the new part's name, and plan(B, A) mirrors plan(A, B) row for row, labels included;
    with `--base-ref`, the base's diagnostics and places are at `PATH@REF` (its file as it is at the ref) in every
    format: never at the head's path (whose line holds other text now), never at the temporary folder the base is
    extracted to (a path nobody can open, and a different one on every run);
    a change that moves the accelerators a workload needs (a training deadline) is a KPI change, equal to the
    difference of the two evaluations, and a policy gate can hold it; so is a change of the tokens a service
    serves (its demand), beside the $/Mtok it moves;
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

from test_plan_costs import ROOT, STARTER, _edit   # tests/ is on the path: the starter and its checked edits


@pytest.fixture(scope="module")
def specs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plan_ci15")
    texts = {
        "a": STARTER,
        # the chip changed to one the stdlib gives no price (H200): its capex counts $0, and so does the
        # maintenance the model charges on that capex
        "h200": _edit(STARTER, ("H100_SXM", "H200")),
        # a kWh at 80 USD (a unit slip for 0.08): an `implausible-value` warning flags every figure it reaches
        "kwh80": _edit(STARTER, ("0.12 USD/kWh", "80 USD/kWh")),
        # floor PDUs without a price placed in the room: the per-W plant drops the PDU class, the PDUs count $0
        "pdu": _edit(STARTER, ("site headquarters {", "pdu MyPDU {\n  capacity = 300 kVA\n  efficiency = 0.985\n"
                               "  voltage = 415 V\n}\n\nsite headquarters {"),
                     ("power_feed = 120 kW", "power_feed = 120 kW\n    pdu floor: MyPDU x 2")),
        # a sweep of the racks added (the room's feed raised to carry five, the assert made to follow)
        "sweep": _edit(STARTER, ("param racks = 4", "param racks = [4, 5]"), ("gpus == 64", "gpus == racks * 16"),
                       ("power_feed = 120 kW", "power_feed = 160 kW")),
        "five": _edit(STARTER, ("param racks = 4", "param racks = 5"), ("gpus == 64", "gpus == racks * 16"),
                      ("power_feed = 120 kW", "power_feed = 160 kW")),
    }
    out = {}
    for name, text in texts.items():
        out[name] = folder / f"{name}.factory"
        out[name].write_text(text)
    return out


def _run(a: Path, b: Path, fmt: str = "json", *extra: str):
    result = CliRunner().invoke(main, ["plan", str(a), str(b), "--format", fmt, *extra])
    return result, (json.loads(result.stdout) if fmt == "json" else result.stdout)


_PLANS: dict = {}


def _plan(a: Path, b: Path):
    """The JSON plan of a -> b (evaluated once a module) and its text, Markdown and GitHub renderings."""
    from compiler.plan import render_github, render_markdown, render_text

    if (a, b) not in _PLANS:
        result, doc = _run(a, b)
        _PLANS[(a, b)] = (result, doc, {"text": render_text(doc), "markdown": render_markdown(doc),
                                        "github": render_github(doc)})
    return _PLANS[(a, b)]


def test_a_cost_row_that_counts_an_unpriced_part_as_zero_is_incomplete_not_a_saving(specs) -> None:
    result, doc, out = _plan(specs["a"], specs["h200"])
    assert result.exit_code == 3, result.output
    kpis = {k["path"]: k for k in doc["kpis"]}
    assert kpis["headquarters.opex"]["new_incomplete"]           # the KPI table already says so
    (maintenance,) = [r for r in doc["costs"] if r["item"] == "headquarters:maintenance"]
    # the model's maintenance is a rate on capex: the H100s' $1.76M went to $0 (unpriced), so the row fell by
    # 1.76M x maintenance_rate (3%/yr) = $52,800/yr; that is no saving, the H200s are not free
    assert maintenance["change"] == pytest.approx(-1_760_000 * 0.03, rel=1e-9)
    assert maintenance["new_incomplete"] and not maintenance["old_incomplete"]
    # the JSON law still holds: the rows' changes sum to the KPI's change
    opex = sum(r["change"] for r in doc["costs"] if r["cost"] == "opex")
    assert math.isclose(opex, kpis["headquarters.opex"]["change"] * 365 * 86400.0, rel_tol=1e-9)
    text = out["text"]
    line = next(x for x in text.splitlines() if "maintenance (model)" in x)
    assert "n/a (incomplete)" in line and "-$4,400/mo" not in line, line
    total = next(x for x in text.splitlines() if "total opex change" in x)
    assert "-$4,400" not in total and "not counting 1 incomplete row(s)" in total, total
    gh = out["github"]
    assert "-$4,400/mo" not in gh and "not counting 1 incomplete row(s)" in gh
    md = out["markdown"]
    assert "-$4,400/mo" not in md and "n/a (incomplete)" in md


def test_a_cost_row_computed_from_a_flagged_input_is_flagged_as_its_kpi(specs) -> None:
    result, doc, out = _plan(specs["a"], specs["kwh80"])
    assert result.exit_code == 3, result.output
    kpis = {k["path"]: k for k in doc["kpis"]}
    reason = kpis["headquarters.opex"]["new_flagged"]
    assert reason and "outside its published range" in reason
    (energy,) = [r for r in doc["costs"] if r["item"] == "headquarters:energy"]
    # 609.8 MWh a year at 80 USD/kWh: $48.8M a year, from the flagged price
    assert energy["new"] == pytest.approx(energy["new_quantity"] / 3.6e6 * 80, rel=1e-9)
    assert energy["new_flagged"] == reason and energy["old_flagged"] is None
    text = out["text"]
    line = next(x for x in text.splitlines() if "energy (model)" in x)
    assert "⚠ after: " + reason in line, line
    total = next(x for x in text.splitlines() if "total opex change" in x)
    assert "⚠" in total and reason in total, total
    md = out["markdown"]
    row = next(x for x in md.splitlines() if "energy (model)" in x)
    assert "⚠" in row, row
    gh = out["github"]
    opex = next(x for x in gh.splitlines() if "opex of headquarters" in x)
    assert opex.startswith("::warning") and "⚠" in opex, opex
    # the reverse plan flags the old side
    _, back = _run(specs["kwh80"], specs["a"])
    (energy,) = [r for r in back["costs"] if r["item"] == "headquarters:energy"]
    assert energy["old_flagged"] == reason and energy["new_flagged"] is None


def test_the_headline_marks_a_flagged_figure(specs) -> None:
    _, doc, out = _plan(specs["a"], specs["kwh80"])
    tco = next(k for k in doc["kpis"] if k["path"] == "headquarters.tco_year")
    assert tco["new_flagged"]
    for fmt in ("text", "markdown", "github"):
        head = next(x for x in out[fmt].splitlines() if "TCO per year of headquarters" in x)
        assert "⚠ after: " + tco["new_flagged"] in head, (fmt, head)
    text = _plan(specs["a"], specs["h200"])[2]["text"]           # unpriced is `incomplete`, not a ⚠ mark
    head = next(x for x in text.splitlines() if "TCO per year of headquarters" in x)
    assert "⚠" not in head and "incomplete after" in head, head


def test_a_sweep_added_is_planned_at_each_of_its_scenarios_against_one(specs) -> None:
    result, swept = _run(specs["a"], specs["sweep"], "json", "--scenario", "2")
    assert result.exit_code == 3, result.output
    _, fixed = _run(specs["a"], specs["five"])
    assert swept["scenarios"]["compared"] == 2
    assert swept["scenarios"]["new"]["text"] == "scenario 2 of 2 (racks = 5)"
    assert swept["scenarios"]["old"]["text"] == "scenario 1 of 1"        # the one it has, the same in every scenario
    assert swept["kpis"] == fixed["kpis"] and swept["costs"] == fixed["costs"]
    accelerators = next(k for k in swept["kpis"] if k["path"] == "headquarters.accelerators")
    assert (accelerators["old"], accelerators["new"]) == (64, 80)
    back, _ = _run(specs["sweep"], specs["a"], "json", "--scenario", "2")    # and the other way round
    assert back.exit_code == 3, back.output


TRAINING = """from systems import DGX_H100
from models import Llama3_1_8B

param days = 30 day

site lab {
  location = "lab"
  training run {
    model = Llama3_1_8B
    system = DGX_H100
    tokens = 1 Ttok
    precision = "bf16"
    seq_len = 8192 tok
    global_batch = 4 Mtok
    deadline = days
  }
}
"""


def test_the_accelerators_a_deadline_needs_are_a_kpi(tmp_path) -> None:
    (tmp_path / "a.factory").write_text(TRAINING)
    (tmp_path / "b.factory").write_text(_edit(TRAINING, ("param days = 30 day", "param days = 20 day")))
    (tmp_path / "policy.toml").write_text("[accelerators_needed]\nmax = 64\n")
    result, doc = _run(tmp_path / "a.factory", tmp_path / "b.factory", "json", "--policy",
                       str(tmp_path / "policy.toml"))
    evals = []
    for name in "ab":
        r = CliRunner().invoke(main, ["eval", str(tmp_path / f"{name}.factory"), "--format", "json"])
        evals.append(json.loads(r.stdout)["quantities"]["lab.run.accelerators_needed"]["values"][0])
    assert evals[1] > evals[0]                                   # a shorter deadline needs more GPUs
    kpi = next(k for k in doc["kpis"] if k["path"] == "lab.run.accelerators_needed")
    assert (kpi["old"], kpi["new"], kpi["changed"]) == (evals[0], evals[1], True)
    assert kpi["change"] == evals[1] - evals[0]
    (gate,) = doc["policy"]
    assert gate["path"] == "lab.run.accelerators_needed" and not gate["ok"]
    assert result.exit_code == 4, result.output                  # 70 > 64: the gate holds the change


def test_a_row_whose_part_changed_definition_names_both(specs) -> None:
    _, forward, out = _plan(specs["a"], specs["h200"])
    _, back = _run(specs["h200"], specs["a"])
    (row,) = [r for r in forward["costs"] if r["item"].endswith(".node.gpu")]
    assert row["label"] == "chip H100_SXM -> chip H200" and row["old"] == 64 * 27_500   # $27.5k an H100
    (mirror,) = [r for r in back["costs"] if r["item"].endswith(".node.gpu")]
    assert mirror["label"] == "chip H200 -> chip H100_SXM"
    assert "(chip H100_SXM -> chip H200)" in out["text"]


def test_the_bases_places_are_at_its_path_at_the_ref(tmp_path, monkeypatch) -> None:
    import subprocess

    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    spec = repo / "specs" / "plan.factory"
    head = "param n = 2\nserver box { max_power = 10 kW\n  price = 1000 USD }\n" \
           "site s {\n  hall h { rack r x n { server b: box x 4 } }\n}\n"
    spec.write_text(head.replace("max_power = 10 kW", "max_power = 10 kg").replace("param n = 2", "param old_n = 2\nparam n = 2"))
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    spec.write_text(head)                               # the fix: a unit, and a param removed
    monkeypatch.chdir(repo)
    runs = [CliRunner().invoke(main, ["plan", "specs/plan.factory", "--base-ref", "HEAD", "--format", fmt])
            for fmt in ("json", "json", "text", "markdown")]
    assert [r.exit_code for r in runs] == [3, 3, 3, 3], runs[0].output
    doc = json.loads(runs[0].stdout)
    (error,) = doc["old_diagnostics"]
    assert error["code"] == "unit-mismatch"
    assert (error["location"]["file"], error["location"]["line"]) == ("specs/plan.factory@HEAD", 3)
    assert runs[0].stderr == runs[1].stderr                          # the same bytes on every run
    for run in runs:
        assert "factory-plan-" not in run.output, run.output
    assert "specs/plan.factory@HEAD:3:" in runs[2].stderr and "specs/plan.factory@HEAD:3:" in runs[3].stdout


def test_a_model_row_beside_an_unpriced_part_row_stays_a_number(specs) -> None:
    _, doc, out = _plan(specs["a"], specs["pdu"])
    rows = {r["item"]: r for r in doc["costs"]}
    pdu = rows["headquarters.server_room.floor"]
    assert pdu["new_unpriced"] and pdu["new_count"] == 2
    plant = rows["headquarters.server_room:power"]
    assert not plant["new_incomplete"] and plant["change"] < 0     # the PDU class left the per-W plant
    total = next(x for x in out["text"].splitlines() if "total capex change" in x)
    # the total is the rows' changes as printed, round(new) - round(old) (plan_costs.ROUNDING_NOTE), which may differ
    # from round(change) by a dollar (s17-econ2's plant factor moved this one to 69,645 printed, 69,646 rounded)
    printed = round(plant["old"]) - round(plant["new"])
    assert total.startswith(f"    total capex change: -${printed:,}, not counting 1 unpriced"), total


SERVICE = """from systems import DGX_H100
from models import Llama3_1_8B

site lab {
  location = "lab"
  inference chat {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    precision = "bf16"
    scenario = "server"
    input_tokens = 1000 tok
    output_tokens = 300 tok
    demand = 2 ktok/s
  }
}
"""


def test_the_tokens_a_service_serves_are_a_kpi(tmp_path) -> None:
    (tmp_path / "a.factory").write_text(SERVICE)
    (tmp_path / "b.factory").write_text(_edit(SERVICE, ("demand = 2 ktok/s", "demand = 4 ktok/s")))
    result, doc = _run(tmp_path / "a.factory", tmp_path / "b.factory")
    assert result.exit_code == 3, result.output
    kpis = {k["path"]: k for k in doc["kpis"]}
    served = kpis["lab.chat.served_tokens_per_s"]
    # twice the demand (below the capacity, tokens_per_s, which does not move): twice the tokens served, and the
    # $/Mtok the plan already showed falls by about half
    assert served["changed"] and served["new"] == pytest.approx(2 * served["old"], rel=1e-9)
    assert not kpis["lab.chat.tokens_per_s"]["changed"] and kpis["lab.chat.usd_per_mtok"]["change"] < 0
    assert kpis["lab.served_tokens_per_s"]["new"] == pytest.approx(served["new"], rel=1e-9)   # the site's: its one service
