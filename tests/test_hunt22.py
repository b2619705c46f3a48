"""Session 22's trust hunt: defects a new user meets, each pinned by a law that failed before its fix.

    plan: a check that is both new and failing is listed once, among the newly failing (marked "new"), in text and
    Markdown; never again under "added" (JSON keeps `added` as its schema says: every check of the new spec only).
    a spec without sites (a file of racks): the report has a section for the blocks the diagrams draw and the totals
    add up (`plan_totals.top_level`), never for a rack template that another extends; the diagrams' title names
    the blocks they draw (`r3`, not its base `r`).
    plan --policy: a met gate written as a bare number on a KPI with a unit says what it was read as (a bare number
    is in the KPI's SI unit: `[tco_year] max = 500000` is $15.8T/yr), in text, Markdown, GitHub and JSON; before it
    printed only "policy: 1 of 1 gates met".
    estimate --demand without --count: a demand that needs more accelerators than an estimate places is a usage error
    naming --demand; before it named a `--count 838991342466306354039488512` the user never gave.
    plan --policy: an error in the policy file names its file:line:col (the gate's key, or its table's header); before,
    the file alone ("policy.toml: [pue] maximum: unknown gate").
    diagram -o under a path that is a file says so; before "cannot write f/x.svg: File exists".
    optimize: a chosen plan's figure that a warning flags is marked as eval marks it (text, JSON `flagged`), in the
    scenarios the warning holds in only, and the warnings are printed; before, a best plan priced at 80 USD/kWh
    read "tco_year = 24.41 MUSD/yr" clean with no warning anywhere, exit 0.
    check: a hall (row, rack, server) written at the top of a spec with sites that nothing places is an
    `unplaced-block` warning; before, `hall extra { rack r: h100_rack x 100 }` beside the site was left out of the
    report, diagrams and totals (3,200 GPUs) with no word, while eval listed its figures.
    validate --user: a prediction that a warning of its spec flags is marked in its row (text and JSON `flagged`), as
    eval marks the figure; before it read clean beside a clean one.
    explain totals.NAME: a figure of the whole plan (the diagrams' totals lines, results JSON's `totals`) is explained
    as the sum it is, its terms as inputs, flagged where a term is; before "`totals.it_power` is not a quantity"
    with a did-you-mean of `air_rack.total_power`.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

from test_plan_costs import STARTER, _edit   # tests/ is on the path: the starter and its checked edits

NEW_CHECK = "headquarters.server_room: sixty-five GPUs"


def test_a_new_failing_check_is_listed_once(tmp_path: Path) -> None:
    from compiler.plan import render_markdown, render_text

    old, new = tmp_path / "old.factory", tmp_path / "new.factory"
    old.write_text(STARTER)
    new.write_text(_edit(STARTER, ('    assert gpus == 64, "four racks of two 8-GPU servers"\n',
                                   '    assert gpus == 64, "four racks of two 8-GPU servers"\n'
                                   '    assert gpus == 65, "sixty-five GPUs"\n')))
    result = CliRunner().invoke(main, ["plan", str(old), str(new), "--format", "json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 1 and doc["checks"]["newly_failing"] == doc["checks"]["added"] == [NEW_CHECK]
    text, markdown = render_text(doc), render_markdown(doc)
    assert text.count(NEW_CHECK) == 1 and "added checks" not in text, text
    assert "1 check(s) newly failing (1 of them new)" in text and "check(s) added" not in text, text
    assert markdown.count(NEW_CHECK) == 1 and "check(s) added" not in markdown, markdown


RACK_TEMPLATES = """from chips import H100_SXM

server hgx {
  chip gpu: H100_SXM x 8
  max_power = 10.2 kW
}

rack r {
  server node: hgx x 2
  power_limit = 25 kW
}

rack r3 extends r {
  power_limit = 30 kW
}
"""


def test_the_report_and_the_diagrams_show_the_same_plan_without_sites(tmp_path: Path) -> None:
    spec, out = tmp_path / "racks.factory", tmp_path / "build"
    spec.write_text(RACK_TEMPLATES)
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(out)])
    assert result.exit_code == 0, result.output
    report, physical = (out / "report.md").read_text(), (out / "physical.svg").read_text()
    doc = json.loads((out / "results.json").read_text())
    assert [t["figure"] for t in doc["totals"]["accelerators"]["terms"]] == ["r3.accelerators"]
    # before: the report had a column and a section for r and r3 (32 accelerators), the diagrams drew r3 (16)
    # under the title "r"
    assert report.startswith("## r3\n") and "`r.accelerators`" not in report and "### r: " not in report, report
    assert "r3 \u2014 physical layout" in physical and ">r \u2014 physical" not in physical


def test_a_bare_number_gate_that_passes_says_what_it_was_read_as(tmp_path: Path) -> None:
    from compiler.plan import render_github, render_markdown, render_text

    spec, policy = tmp_path / "s.factory", tmp_path / "policy.toml"
    spec.write_text(STARTER)
    # meant: $500k a year (the starter's TCO is $576k/yr: above it); read: 500,000 USD/s = $15.8T/yr (met)
    policy.write_text('[tco_year]\nmax = 500000\n[pue]\nmax = 2\n[capex]\nmax = "10e6 USD"\n')
    result = CliRunner().invoke(main, ["plan", str(spec), str(spec), "--policy", str(policy), "--format", "json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 0 and all(g["ok"] for g in doc["policy"]), result.output
    gates = {g["path"].rpartition(".")[2]: g["message"] for g in doc["policy"]}
    tco_year = 500000 * 365 * 86400             # USD/s over a year of 365 days: $15.8T
    assert f"${tco_year / 1e12:.1f}T/yr" in gates["tco_year"] and "USD/s" in gates["tco_year"], gates
    assert 'max = "500000 USD/yr"' in gates["tco_year"], gates
    assert gates["pue"] == "" and gates["capex"] == "", gates     # a ratio, and a limit written with its unit
    for text in (render_text(doc), render_markdown(doc), render_github(doc)):
        assert "$15.8T/yr" in text and text.count("the bare number") == 1, text


def test_a_demand_too_large_to_place_names_the_demand() -> None:
    result = CliRunner().invoke(main, ["estimate", "inference", "--system", "DGX_H100", "--model", "llama2-70b",
                                       "--demand", "1e30"])
    assert result.exit_code == 2 and "--demand 1e30" in result.output and "--count" not in result.output, \
        result.output


def test_a_policy_files_errors_name_their_line(tmp_path: Path) -> None:
    spec = tmp_path / "s.factory"
    spec.write_text(STARTER)
    cases = {'# gates\n[pue]\nmaximum = 1\n': "3:1", '[pue]\nmax = 1\n\n[watts]\nmax = 1\n': "4:1",
             '[capex]\n  max = true\n': "2:3", 'pue = { max = "a lot" }\n': "1:9",
             '[pue]\nmax_increase = "-5%"\n': "2:1", 'x = 1\n': "1:1"}
    for text, place in cases.items():
        policy = tmp_path / "policy.toml"
        policy.write_text(text)
        result = CliRunner().invoke(main, ["plan", str(spec), str(spec), "--policy", str(policy)])
        assert result.exit_code == 2 and f"policy.toml:{place}: " in result.output, (text, result.output)


def test_a_diagram_under_a_file_says_the_file_is_no_folder(tmp_path: Path) -> None:
    spec, blocker = tmp_path / "s.factory", tmp_path / "f"
    spec.write_text(STARTER)
    blocker.write_text("")
    result = CliRunner().invoke(main, ["diagram", str(spec), "--view", "power", "-o", str(blocker / "x.svg")])
    assert result.exit_code == 2 and f"{blocker} is a file, not a folder" in result.output, result.output


def test_optimize_marks_a_flagged_figure_of_the_plan_it_chooses(tmp_path: Path) -> None:
    spec = tmp_path / "s.factory"
    spec.write_text(_edit(STARTER, ('    assert gpus == 64, "four racks of two 8-GPU servers"\n', "")))
    grid = ["--vary", "racks=1..2", "--vary", "energy_price=[0.1 USD/kWh, 80 USD/kWh]", "--quiet"]
    why = "computed from an input outside its published range"
    worst = CliRunner().invoke(main, ["optimize", str(spec), "--maximize", "headquarters.tco_year", *grid])
    assert worst.exit_code == 0 and "energy_price = 80 USD/kWh" in worst.stdout, worst.output
    assert f"MUSD/yr (\u26a0 {why})" in worst.stdout and "implausible-value" in worst.stderr, worst.output
    best = CliRunner().invoke(main, ["optimize", str(spec), "--minimize", "headquarters.tco_year", *grid,
                                     "--format", "json"])
    doc = json.loads(best.stdout)
    assert doc["best"]["parameters"]["energy_price"] == pytest.approx(0.1 / 3.6e6, rel=1e-12) and doc["best"]["flagged"] == {}, doc["best"]
    front = CliRunner().invoke(main, ["optimize", str(spec), "--maximize", "headquarters.tco_year",
                                      "--maximize", "headquarters.accelerators", *grid, "--format", "json"])
    rows = json.loads(front.stdout)["pareto"]
    assert rows and all(r["flagged"] == {"headquarters.tco_year": why} for r in rows), rows


STRAY = """from systems import DGX_H100
rack h100_rack {
  server node: DGX_H100 x 4
  power_limit = 45 kW
}
hall extra {
  rack r: h100_rack x 100
}
site lab {
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
  hall a {
    rack r: h100_rack x 2
  }
}
"""


def test_a_hall_beside_the_sites_that_nothing_places_is_said(tmp_path: Path) -> None:
    from compiler import evaluate_text

    def unplaced(text: str) -> list[tuple[int, str]]:
        results, sink = evaluate_text(text, "spec.factory")
        return [(d.span.line, d.message.split(" is ")[0]) for d in sink.items if d.code == "unplaced-block"]

    assert unplaced(STRAY) == [(6, "hall `extra`")]
    results, _ = evaluate_text(STRAY, "spec.factory")
    assert float(results.values["extra.accelerators"].ravel()[0]) == 3200      # what the plan would leave out
    assert [t.figure for t in results.totals["accelerators"].terms] == ["lab.accelerators"]
    assert unplaced(STRAY.replace("    rack r: h100_rack x 2\n", "    rack r: h100_rack x 2\n  }\n  hall b: extra x 1 {\n")) == []
    assert unplaced(STRAY.replace("hall extra {", "hall extra extends nothing_here {")) == []    # an error: no lint
    assert unplaced(STRAY.split("site lab")[0]) == []                 # no site: a file of templates
    assert unplaced(STRAY.replace("  let", "  let").replace("land_price = 0 USD",
                                                            "land_price = 0 USD\n  let spare = extra.accelerators")) == []


def test_validate_user_marks_a_flagged_prediction(tmp_path: Path) -> None:
    (tmp_path / "s.factory").write_text(STARTER.replace("0.12 USD/kWh", "80 USD/kWh"))
    (tmp_path / "m.csv").write_text("spec,quantity,measured,unit\ns.factory,headquarters.tco_year,48000000,USD/yr\n"
                                    "s.factory,headquarters.it_power,67,kW\n")
    why = "computed from an input outside its published range"
    text = CliRunner().invoke(main, ["validate", "--user", str(tmp_path / "m.csv")])
    tco, it = [line for line in text.stdout.splitlines() if "headquarters." in line and "(" in line][:2]
    assert tco.endswith(f"(USD/s) (\u26a0 {why})") and it.endswith("(W)"), text.stdout
    doc = json.loads(CliRunner().invoke(main, ["validate", "--user", str(tmp_path / "m.csv"), "--format",
                                               "json"]).stdout)
    assert [r["flagged"] for r in doc["rows"]] == [why, None], doc["rows"]


def test_explain_a_plan_total(tmp_path: Path) -> None:
    from test_hunt21 import TWO_SITES

    spec = tmp_path / "s.factory"
    spec.write_text(TWO_SITES)
    doc = json.loads(CliRunner().invoke(main, ["eval", str(spec), "--format", "json"]).stdout)
    q = doc["quantities"]
    result = CliRunner().invoke(main, ["explain", str(spec), "totals.it_power", "--depth", "1", "--format", "json"])
    tree = json.loads(result.stdout)
    assert result.exit_code == 0 and tree["kind"] == "total" and "flagged" not in tree, result.output
    assert [i["path"] for i in tree["inputs"]] == ["east.it_power", "west.it_power"]
    east, west = (q[f"{s}.it_power"]["values"][0] for s in ("east", "west"))
    assert doc["totals"]["it_power"]["values"][0] == pytest.approx(east + west, rel=1e-12)
    flagged = CliRunner().invoke(main, ["explain", str(spec), "totals.it_power", "-D", "west_tdp=700 kW"])
    assert flagged.stdout.splitlines()[0].startswith("totals.it_power = ") and "\u26a0" in \
        flagged.stdout.splitlines()[0], flagged.output
    typo = CliRunner().invoke(main, ["explain", str(spec), "totals.it_powr"])
    assert typo.exit_code == 2 and "did you mean `totals.it_power`" in typo.output, typo.output
