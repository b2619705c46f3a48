"""Laws of streamed sweeps and `factory optimize` found broken by a capacity planner's hunt (session 14).

- a scenario in which the spec has an error (a field outside its range, an invalid count) is never feasible:
  the streamed `feasible` column says false there, and `optimize` never chooses it (it says why on stderr);
- the answer of `optimize` is the best feasible scenario of the same grid evaluated exhaustively.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main

ROOT = Path(__file__).resolve().parent.parent
STARTER = str(ROOT / "examples" / "enterprise_starter.factory")


def _cli(*args):
    return CliRunner().invoke(main, [*args])


def test_a_scenario_with_an_out_of_range_field_is_not_feasible_in_a_streamed_sweep(tmp_path):
    # energy_price -0.5 USD/kWh: `electricity_price` is outside its range (an error at the field, exit 1)
    out = tmp_path / "s.csv"
    res = _cli("eval", STARTER, "-D", "energy_price=[-0.5 USD/kWh, 0.1 USD/kWh]", "--output", str(out), "--quiet")
    assert res.exit_code == 1, res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["feasible"] for r in rows] == ["false", "true"]
    assert "1 feasible" in res.stdout


def test_optimize_never_chooses_a_scenario_in_which_the_spec_has_an_error():
    # capex does not read the energy price: both scenarios tie, and the tie went to the erroneous one (exit 0)
    res = _cli("optimize", STARTER, "--vary", "energy_price=[-0.5 USD/kWh, 0.1 USD/kWh]", "--minimize", "capex",
               "--format", "json", "--quiet")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["best"]["scenario"] == 1 and doc["scenarios"]["feasible"] == 1
    assert "electricity_price" in res.stderr                    # the error is shown, not swallowed


def test_optimize_over_an_invalid_count_is_infeasible_and_says_why():
    # racks = -1 is not a count: the evaluation stops there; neither scenario of the chunk can be a plan
    # chosen on the strength of figures that were never computed (it was "2 of 2 feasible", racks = -1 best)
    res = _cli("optimize", STARTER, "--vary", "racks=[-1, 4]", "-D", "servers_per_rack=2", "--minimize",
               "air_rack.capex_it", "--format", "json", "--quiet", "--chunk-size", "1")
    doc = json.loads(res.stdout)
    assert doc["best"] is None or doc["best"]["parameters"]["racks"] == 4.0
    assert "multiplicity" in res.stderr


def test_optimize_names_the_objective_even_when_the_first_chunk_cannot_be_evaluated():
    # the first chunk (racks = -1) has no figures: the objective was "not a quantity of the spec" (exit 2)
    res = _cli("optimize", STARTER, "--vary", "racks=[-1, 4]", "--minimize", "tco_year", "--quiet",
               "--chunk-size", "1")
    assert "is not a quantity" not in res.output
    assert res.exit_code in (0, 1)


def test_the_summary_of_an_in_memory_sweep_counts_the_same_feasible_scenarios_as_the_streamed_one(tmp_path):
    # 1,001 scenarios (a summary in memory too); energy_price < 0 in 500 of them is an error at the field
    defines = ["-D", "energy_price=-0.5 USD/kWh..0.5 USD/kWh step 0.001 USD/kWh"]
    memory = _cli("eval", STARTER, *defines, "--select", "headquarters.opex*")
    streamed = _cli("eval", STARTER, *defines, "--select", "headquarters.opex*", "--output",
                    str(tmp_path / "s.parquet"), "--quiet")
    assert memory.exit_code == streamed.exit_code == 1
    first = [line for line in memory.stdout.splitlines() if "scenarios evaluated" in line]
    assert first == [line for line in streamed.stdout.splitlines() if "scenarios evaluated" in line]
    assert first == ["1,001 of 1,001 scenarios evaluated; 501 feasible"]    # price >= 0 in 501


def test_a_parameter_given_twice_is_refused_with_a_suggestion_that_itself_parses():
    # `--vary racks=1..3 -D racks=5` suggested `-D racks=[5, 1..3]`, which is not a value (a list holds literals)
    res = _cli("optimize", STARTER, "--minimize", "capex", "--vary", "racks=1..3", "-D", "racks=5")
    assert res.exit_code == 2
    assert "[5, 1..3]" not in res.output and "given twice" in res.output
    res = _cli("eval", STARTER, "-D", "racks=4", "-D", "racks=5")
    assert res.exit_code == 2 and "-D racks=[4, 5]" in res.output           # two plain values: a list of them
    suggested = _cli("eval", STARTER, "-D", "racks=[4, 5]", "--select", "headquarters.capex")
    assert suggested.exit_code in (0, 1)


FRACTION_SPEC = """
param frac = 0.5
param price = 0.1 USD/kWh
let racks = frac * 10
site s {
  location = "x"
  electricity_price = price
}
assert frac <= 0.8, "at most 80 %"
assert frac >= 0.3, "at least 30 %"
"""


def test_the_points_of_a_range_are_the_values_written_one_at_a_time(tmp_path):
    # `0.1..1.0 step 0.1` was start + i * step in binary: 0.30000000000000004, 0.7999999999999999, ... so
    # `frac >= 0.3` failed at "0.3" in the sweep and held in the run with -D frac=0.3; the prices in SI were
    # one unit in the last place off the single runs' (2.7777777777777777e-08 against 2.777777777777778e-08)
    spec = tmp_path / "f.factory"
    spec.write_text(FRACTION_SPEC, encoding="utf-8")
    sweep = _cli("eval", str(spec), "-D", "frac=0.1..1.0 step 0.1", "-D",
                 "price=0.1 USD/kWh..0.3 USD/kWh step 0.1 USD/kWh", "--format", "json")
    doc = json.loads(sweep.stdout)
    fracs = ["0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"]
    prices = ["0.1 USD/kWh", "0.2 USD/kWh", "0.3 USD/kWh"]
    assert doc["scenarios"]["parameters"]["frac"] == [float(f) for f in fracs]
    failing = {c["message"]: c.get("failing", []) for c in doc["checks"] if not c["ok"]}
    for i, (f, p) in enumerate((f, p) for f in fracs for p in prices):
        one = json.loads(_cli("eval", str(spec), "-D", f"frac={f}", "-D", f"price={p}", "--format", "json").stdout)
        for path in ("frac", "price", "racks", "s.electricity_price"):
            values = doc["quantities"][path]["values"]
            assert values[i if len(values) > 1 else 0] == one["quantities"][path]["values"][0], (path, f, p)
        one_failing = {c["message"] for c in one["checks"] if not c["ok"]}
        assert {m for m, rows in failing.items() if i in rows} == one_failing, (f, p)


def test_output_onto_the_spec_itself_is_refused_and_the_spec_kept(tmp_path):
    # `factory eval spec.factory --output spec.factory` overwrote the spec with the CSV (exit 1, no word of it)
    spec = tmp_path / "f.factory"
    spec.write_text(FRACTION_SPEC, encoding="utf-8")
    res = _cli("eval", str(spec), "-D", "frac=[0.4, 0.5]", "--output", str(spec), "--quiet")
    assert res.exit_code == 2 and "the spec" in res.output
    assert spec.read_text(encoding="utf-8") == FRACTION_SPEC
    res = _cli("optimize", str(spec), "--vary", "frac=[0.4, 0.5]", "--vary", "price=[0.1 USD/kWh, 0.2 USD/kWh]",
               "--minimize", "racks", "--heatmap", str(spec), "--quiet")
    assert res.exit_code == 2 and spec.read_text(encoding="utf-8") == FRACTION_SPEC


def test_optimize_names_its_plan_as_plan_and_diagram_count_scenarios(tmp_path):
    # optimize counts scenarios from 0 (as the `scenario` column), `plan --scenario` and `diagram --scenario`
    # from 1: "best plan: scenario 3" taken to `plan --scenario 3` gated the scenario before it (racks = 3)
    res = _cli("optimize", STARTER, "--vary", "racks=1..8", "--minimize", "racks", "--quiet")
    assert res.exit_code == 0
    assert "best plan: scenario 3 (--scenario 4 in `factory plan` and `factory diagram`)" in res.stdout
    assert res.stdout.count("racks = 4") == 1           # the objective is the parameter: shown once
    plan = _cli("plan", STARTER, STARTER, "-D", "racks=1..8", "--scenario", "4", "--format", "json")
    assert json.loads(plan.stdout)["scenarios"]["new"]["parameters"] == {"racks": 4.0}


def test_a_constraint_without_a_unit_on_a_figure_with_one_is_refused():
    # "facility_power <= 300" read as 300 W (a planner's 300 MW): the docs say the unit must match the figure's
    # dimension; a bare number is dimensionless. 0 needs no unit; a dimensionless figure takes a bare number.
    res = _cli("optimize", STARTER, "--vary", "racks=[4]", "--minimize", "capex", "--subject-to",
               "facility_power <= 300", "--quiet")
    assert res.exit_code == 2 and "give its unit" in res.output
    for ok in ("facility_power >= 0", "pue <= 1.3", "facility_power <= 300 kW"):
        res = _cli("optimize", STARTER, "--vary", "racks=[4]", "--minimize", "capex", "--subject-to", ok, "--quiet")
        assert res.exit_code == 0, (ok, res.output)


def test_a_figure_is_not_written_once_as_a_constant_from_a_probe_the_spec_errors_cut_short(tmp_path):
    # servers_per_rack = 0.5 is no count: the probe (the first two values) stopped there and called capex_it a
    # constant of 0 USD, written once for every row, the feasible servers_per_rack = 1 included (482,840 USD)
    out = tmp_path / "s.csv"
    res = _cli("eval", STARTER, "-D", "servers_per_rack=[0.5, 1, 1.5]", "-D", "racks=8", "--output", str(out),
               "--chunk-size", "1", "--quiet", "--select", "headquarters.*")
    assert res.exit_code == 1
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    one = json.loads(_cli("eval", STARTER, "-D", "servers_per_rack=1", "-D", "racks=8", "--format", "json",
                          "--select", "headquarters.*").stdout)
    assert [r["feasible"] for r in rows] == ["false", "true", "false"]
    for path in ("headquarters.capex_it", "headquarters.capex", "headquarters.it_power"):
        assert float(rows[1][path]) == one["quantities"][path]["values"][0], path


SERVICE_SPEC = """
from systems import DGX_H100
from models import Llama3_1_70B
param prompt = 1000 tok
site s {
  location = "x"
  electricity_price = 0.1 USD/kWh
  inference chat {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 8
    precision = "fp8"
    scenario = "server"
    input_tokens = prompt
    output_tokens = 200 tok
  }
}
"""


def test_a_request_beyond_the_context_makes_its_own_scenario_infeasible_whatever_the_chunk(tmp_path):
    # 200,000 tokens is beyond Llama 3.1's 128k context: an out-of-range error in that scenario only; the
    # 1,000-token scenario in the same chunk was infeasible with it (feasibility depended on --chunk-size)
    spec = tmp_path / "svc.factory"
    spec.write_text(SERVICE_SPEC, encoding="utf-8")
    seen = []
    for size in ("1", "2"):
        out = tmp_path / f"s{size}.csv"
        res = _cli("eval", str(spec), "-D", "prompt=[1000 tok, 200000 tok]", "--output", str(out), "--chunk-size",
                   size, "--quiet", "--select", "s.chat.usd_per_mtok")
        assert res.exit_code == 1 and "context" in res.stderr
        seen.append([r["feasible"] for r in csv.DictReader(out.open(encoding="utf-8"))])
    assert seen == [["true", "false"], ["true", "false"]]


def test_a_rule_failing_in_one_scenario_leaves_the_others_of_its_chunk_feasible(tmp_path):
    # a built-in rule (the site's workloads fit on the accelerators placed) reports its error with its scenarios:
    # only those are infeasible, whatever the chunk size
    text = STARTER_TEXT().replace('param energy_price', 'param acc = 8\nparam energy_price').replace(
        '  hall server_room {', '''  inference chat {
    model = Llama3_1_70B
    system = hgx_h100
    accelerators = acc
    precision = "fp8"
    scenario = "offline"
  }
  hall server_room {''').replace("from chips import H100_SXM, Xeon_8480C",
                                 "from chips import H100_SXM, Xeon_8480C\nfrom models import Llama3_1_70B")
    spec = tmp_path / "w.factory"
    spec.write_text(text, encoding="utf-8")
    seen = []
    for size in ("1", "2"):
        out = tmp_path / f"w{size}.csv"
        res = _cli("eval", str(spec), "-D", "acc=[8, 128]", "--output", str(out), "--chunk-size", size, "--quiet",
                   "--select", "headquarters.accelerators")
        assert res.exit_code == 1, res.output
        seen.append([r["feasible"] for r in csv.DictReader(out.open(encoding="utf-8"))])
    assert seen == [["true", "false"], ["true", "false"]]


def STARTER_TEXT() -> str:
    return Path(STARTER).read_text(encoding="utf-8")


def test_a_streamed_error_counts_the_sweeps_scenarios_not_a_chunks(tmp_path):
    # energy_price < 0 in 500 of 1,001 scenarios: streamed, the out-of-range error came once per chunk, "in 116 of
    # 512 scenarios", "in 256 of 256", "in 128 of 128"; in memory it is one error "in 500 of 1001 scenarios"
    res = _cli("eval", STARTER, "-D", "energy_price=-0.5 USD/kWh..0.5 USD/kWh step 0.001 USD/kWh", "--select",
               "headquarters.opex", "--output", str(tmp_path / "p.parquet"), "--quiet", "--chunk-size", "300")
    errors = [line for line in res.stderr.splitlines() if "error[out-of-range]" in line]
    assert len(errors) == 1 and errors[0].endswith("(in 500 of 1,001 scenarios)"), errors
