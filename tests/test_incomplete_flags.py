"""A figure a warning makes incomplete is marked wherever it is shown (s13-incomplete): the report marks it
`(⚠ incomplete: counts unpriced parts as $0)`, and so must eval's table (text, JSON, sweep summaries) and
estimate's. And a warning is one the user can act on: an estimate builds its own site, so it must not warn
about a land price its flags cannot give."""
from __future__ import annotations

from click.testing import CliRunner

from compiler.cli import main


def test_an_estimate_gives_no_warning_its_flags_cannot_silence() -> None:
    # `factory estimate` built a site with no land_price: every estimate on a server or rack printed
    # "warning[unpriced]: site `estimate` gives no `land_price`" and flagged its $/Mtok, and no flag could set it.
    # The estimate prices the system and its building, not land (stated in the spec it emits).
    for system in ("DGX_H100", "GB200_NVL72"):
        result = CliRunner().invoke(main, ["estimate", "inference", "--system", system, "--model", "llama2-70b"])
        assert result.exit_code == 0, result.output
        assert "unpriced" not in result.output and "land_price" not in result.output, result.output
    spec = CliRunner().invoke(main, ["estimate", "inference", "--system", "DGX_H100", "--model", "llama2-70b",
                                     "--emit-spec"])
    assert "land_price = 0 USD" in spec.output and "land" in spec.output.splitlines()[0]


UNPRICED = """from systems import DGX_H100
param n = 2
site s {
  hall h {
    rack r {
      server node: DGX_H100 x n
    }
  }
}
"""
MARK = "(⚠ incomplete: counts unpriced parts as $0)"


def _flagged(text: str, tmp_path) -> tuple[str, dict[str, str]]:
    """The spec's file and the figures the report marks incomplete (report_format.flagged_quantities)."""
    from compiler import evaluate_text
    from compiler.render.report_format import flagged_quantities

    path = tmp_path / "spec.factory"
    path.write_text(text)
    results, sink = evaluate_text(text, str(path))
    flags = flagged_quantities(results, sink)
    assert "s.capex" in flags and "s.capex_it" not in flags      # the land is unpriced; the servers are not
    return str(path), flags


def _rows(out: str) -> dict[str, str]:
    return {line.split()[0]: line for line in out.splitlines() if line.strip() and line.split()[0].startswith("s.")}


def test_every_figure_the_report_marks_incomplete_is_marked_in_the_eval_table(tmp_path) -> None:
    # The table printed "s.capex  502.1 kUSD" with the land counted as $0; only stderr's warning named it.
    path, flags = _flagged(UNPRICED, tmp_path)
    for args in ([], ["-D", "n=[1, 2]"]):                 # one scenario, and a sweep's columns
        result = CliRunner().invoke(main, ["eval", path, *args])
        assert result.exit_code == 0, result.output
        rows = _rows(result.stdout)
        for path_, row in rows.items():
            assert (MARK in row) == (path_ in flags), row
        assert "s.capex" in rows


def test_every_figure_the_report_marks_incomplete_is_flagged_in_the_json(tmp_path) -> None:
    import json

    path, flags = _flagged(UNPRICED, tmp_path)
    doc = json.loads(CliRunner().invoke(main, ["eval", path, "--format", "json"]).stdout)
    for path_, q in doc["quantities"].items():
        assert ("flagged" in q) == (path_ in flags), path_
        if path_ in flags:
            assert q["flagged"] == {"codes": ["unpriced"], "reason": "incomplete: counts unpriced parts as $0"}
    from compiler.render.results_schema import Results
    Results.model_validate(doc)                           # the contract knows the field


def test_a_large_sweeps_summary_marks_incomplete_figures_in_memory_and_streamed(tmp_path) -> None:
    path, flags = _flagged(UNPRICED, tmp_path)
    args = ["eval", path, "-D", "n=1..1200"]              # > SUMMARY_AT: the table is a summary
    in_memory = CliRunner().invoke(main, args)
    streamed = CliRunner().invoke(main, [*args, "--chunk-size", "500", "--quiet"])
    assert in_memory.exit_code == streamed.exit_code == 0, in_memory.output
    summary = in_memory.stdout[in_memory.stdout.index("1,200 of 1,200"):]   # after the banner (stderr when streamed)
    assert summary == streamed.stdout
    rows = _rows(summary)
    assert "s.capex" in rows
    for path_, row in rows.items():
        assert (MARK in row) == (path_ in flags), row


def test_the_estimate_table_marks_what_the_report_marks(tmp_path) -> None:
    # An estimate's site now prices its land, so no stdlib estimate has an unpriced figure; the table marks a
    # flagged one as the report does all the same: the same site named `estimate`, its land unpriced.
    from compiler import evaluate_text
    from compiler.estimate import table_text
    from compiler.render.report_format import flagged_quantities

    text = """from systems import DGX_H100
from models import Llama2_70B
site estimate {
  hall h {
    rack r {
      server node: DGX_H100 x 1
    }
  }
  inference workload {
    model = Llama2_70B
    system = DGX_H100
  }
}
"""
    results, sink = evaluate_text(text, "estimate.factory")
    flags = flagged_quantities(results, sink)
    assert "estimate.workload.usd_per_mtok" in flags     # maintenance is a share of a capex with the land at $0
    rows = {line.split()[0]: line for line in table_text(results, sink, "inference").splitlines()}
    for name, row in rows.items():
        assert (MARK in row) == (f"estimate.workload.{name}" in flags), row


def test_a_plans_energy_reads_in_one_unit_in_the_kpis_and_the_cost_table(tmp_path) -> None:
    # The flagship campus (4 -> 5 halls): KPIs "1,847 GWh -> 2,309 GWh", cost table "1,847,000 MWh/yr -> ...".
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    old = (root / "examples" / "flagship_campus.factory").read_text()
    (tmp_path / "old.factory").write_text(old)
    (tmp_path / "new.factory").write_text(old.replace("param halls = 4", "param halls = 5"))
    out = CliRunner().invoke(main, ["plan", str(tmp_path / "old.factory"), str(tmp_path / "new.factory")]).stdout
    kpi = next(x for x in out.splitlines() if ".energy_year" in x).split()
    row = next(x for x in out.splitlines() if "energy (model)" in x)
    assert kpi[2] == kpi[5] == "GWh/yr" and f"{kpi[1]} GWh/yr -> {kpi[4]} GWh/yr" in row, (kpi, row)


def test_a_change_to_an_imported_modules_param_is_listed_as_a_plan_input(tmp_path) -> None:
    # gear.factory's `param per_rack = 2 -> 3` showed up only as a server count under parts; a root param's
    # change is listed as `param NAME: old -> new`, and one in a user module the spec imports is an input too.
    import json

    gear = "from systems import DGX_H100\nparam per_rack = 2\nlet spare = 1.5 kW\nrack myrack {\n" \
           "  server node: DGX_H100 x per_rack\n}\n"
    main_text = 'from "./gear.factory" import myrack\nsite s {\n  land_price = 0 USD\n  hall h {\n' \
                '    rack r: myrack x 2\n  }\n}\n'
    for side, n in (("old", 2), ("new", 3)):
        (tmp_path / side).mkdir()
        (tmp_path / side / "gear.factory").write_text(gear.replace("per_rack = 2", f"per_rack = {n}"))
        (tmp_path / side / "main.factory").write_text(main_text)
    args = ["plan", str(tmp_path / "old" / "main.factory"), str(tmp_path / "new" / "main.factory")]
    text = CliRunner().invoke(main, args).stdout
    assert "param gear.per_rack: 2 -> 3 (+1, +50.0%)" in text, text
    assert "spare" not in text                            # unchanged: not listed
    doc = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    (i,) = [i for i in doc["inputs"] if i["name"] == "gear.per_rack"]
    assert (i["old"], i["new"], i["kind"]) == (2, 3, "param") and i["location"]["file"].endswith("gear.factory")


def test_a_large_sweeps_summary_lists_only_what_select_matches(tmp_path) -> None:
    # `--select 's.capex'` on a 1,200-scenario sweep of n listed `n` too (min 1, max 1,200), in memory and
    # streamed; the table of a small sweep, and every other output, lists only what the pattern matches.
    import fnmatch

    path, _ = _flagged(UNPRICED, tmp_path)
    for select in ("s.capex", "s.*power"):
        for extra in ([], ["--chunk-size", "500", "--quiet"]):
            out = CliRunner().invoke(main, ["eval", path, "-D", "n=1..1200", "--select", select, *extra]).stdout
            lines = out.splitlines()
            start = next(i for i, x in enumerate(lines) if x.startswith("quantity")) + 1
            names = [x.split()[0] for x in lines[start:] if x.split()[0] not in ("ok", "FAIL")
                     and not x.startswith("(")]
            assert names and all(fnmatch.fnmatchcase(p, select) for p in names), (select, extra, names)


def test_an_invalid_count_is_reported_once_as_the_root_cause() -> None:
    # `-D racks_per_row=2.5` on the flagship: the invalid-count error, and four asserts "check failed" that only
    # could not be evaluated because the count has no value (a 100,000-GPU campus, PUE under 1.2, ...).
    from pathlib import Path

    spec = str(Path(__file__).resolve().parent.parent / "examples" / "flagship_campus.factory")
    result = CliRunner().invoke(main, ["eval", spec, "-D", "racks_per_row=2.5"])
    assert result.exit_code == 1
    assert result.output.count("error[invalid-count]") == 2            # the banner's line and the diagnostic
    assert "check failed" not in result.output and "FAIL" not in result.output, result.output[:800]
    assert "1 error:" in result.output


def test_explain_marks_the_figures_the_report_marks_incomplete(tmp_path) -> None:
    # `factory explain SPEC s.capex` printed "s.capex = 1.004 MUSD" with the land at $0 and no warning at all.
    import json

    path, flags = _flagged(UNPRICED, tmp_path)
    text = CliRunner().invoke(main, ["explain", path, "s.capex", "--depth", "2"]).stdout
    shown = [line for line in text.splitlines() if " = " in line and "[" in line]
    for line in shown:
        name = line.split(" = ")[0].split()[-1]
        assert (MARK in line) == (name in flags), line
    assert any(MARK in line for line in shown) and not all(MARK in line for line in shown)

    def walk(item):
        yield item
        for child in item.get("inputs", []) if isinstance(item.get("inputs"), list) else []:
            yield from walk(child)
    tree = json.loads(CliRunner().invoke(main, ["explain", path, "s.capex", "--format", "json"]).stdout)
    for item in walk(tree):
        assert (item.get("flagged") == "incomplete: counts unpriced parts as $0") == (item["path"] in flags), item


def test_eval_csv_and_a_streamed_sweeps_sidecar_flag_what_the_report_marks(tmp_path) -> None:
    # `eval --format csv` gave "s.capex,USD,1004127.6..." and a sweep's CSV/parquet/jsonl and its .meta.json
    # named nothing: a script reading them took the land at $0 for a priced capex.
    import csv
    import io
    import json

    path, flags = _flagged(UNPRICED, tmp_path)
    out = CliRunner().invoke(main, ["eval", path, "--format", "csv"]).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rows and list(rows[0])[-1] == "flagged"
    for row in rows:
        assert (row["flagged"] == "incomplete: counts unpriced parts as $0") == (row["quantity"] in flags), row
    sweep = tmp_path / "sweep.csv"
    result = CliRunner().invoke(main, ["eval", path, "-D", "n=1..30", "--output", str(sweep), "--quiet"])
    assert result.exit_code == 0, result.output
    meta = json.loads((tmp_path / "sweep.csv.meta.json").read_text())
    shown = [p for p in meta["columns"] if p not in ("scenario", "feasible")] + list(meta["constants"])
    assert meta["flagged"] == {p: flags[p] for p in shown if p in flags} and "s.capex" in meta["flagged"]


def test_a_plan_marks_the_kpis_the_report_marks_as_computed_from_an_implausible_input(tmp_path) -> None:
    # energy_price 0.0774 -> 77.4 USD/kWh (a unit slip): eval and the report mark opex, tco_year and $/Mtok
    # "(⚠ computed from an input outside its published range)"; the plan's KPI table printed them plain.
    import json
    from pathlib import Path

    from compiler import evaluate_text
    from compiler.render.report_format import flagged_quantities

    root = Path(__file__).resolve().parent.parent
    old = (root / "examples" / "flagship_campus.factory").read_text()
    new = old.replace("param energy_price = 0.0774 USD/kWh", "param energy_price = 77.4 USD/kWh")
    (tmp_path / "old.factory").write_text(old)
    (tmp_path / "new.factory").write_text(new)
    results, sink = evaluate_text(new, str(tmp_path / "new.factory"))
    flags = flagged_quantities(results, sink)
    args = ["plan", str(tmp_path / "old.factory"), str(tmp_path / "new.factory")]
    doc = json.loads(CliRunner().invoke(main, [*args, "--format", "json"]).stdout)
    for k in doc["kpis"]:
        assert (k["new_flagged"] is not None) == (k["path"] in flags), k
        assert k["old_flagged"] is None
    text = CliRunner().invoke(main, args).stdout
    rows = [x for x in text.splitlines() if x.startswith("  frontier_campus.") and " -> " in x and "(" in x]
    assert rows
    for row in rows:
        assert ("⚠ after: computed from an input outside its published range" in row) == (row.split()[0] in flags), row
    md = CliRunner().invoke(main, [*args, "--format", "markdown"]).stdout
    assert "⚠ computed from an input outside its published range" in md
    # GitHub annotations: one warning per changed flagged KPI (they were plain notices of the headline only)
    gh = CliRunner().invoke(main, [*args, "--format", "github"]).stdout
    warned = [x for x in gh.splitlines()       # (with the flagging input's file=,line=,col= before the title)
              if x.startswith("::warning ") and "title=factory plan%3A flagged figure::" in x]
    changed = {k["path"] for k in doc["kpis"] if k["changed"] and k["new_flagged"]}
    assert changed and {w.split("::", 2)[2].split(":")[0] for w in warned} == changed
    assert all("after: computed from an input outside its published range" in w for w in warned)


def test_the_editors_code_lens_marks_a_cost_the_report_marks_incomplete(tmp_path) -> None:
    # The lens above a workload read "cost 0.5705 USD/Mtok (explain)" with the land counted as $0; the report
    # and eval mark that $/Mtok incomplete.
    from compiler.lsp.analysis import Analysis

    text = """from systems import DGX_H100
from models import Llama2_70B
site s {
  hall h {
    rack r {
      server node: DGX_H100 x 1
    }
  }
  inference w {
    model = Llama2_70B
    system = DGX_H100
  }
}
"""
    path = tmp_path / "a.factory"
    path.write_text(text)
    (lens,) = Analysis(text, str(path), str(tmp_path)).code_lenses()
    assert "cost" in lens.title and "⚠ incomplete" in lens.title, lens.title
    priced = text.replace("site s {\n", "site s {\n  land_price = 0 USD\n")
    path.write_text(priced)
    (lens,) = Analysis(priced, str(path), str(tmp_path)).code_lenses()
    assert "⚠" not in lens.title, lens.title


def test_the_editors_hover_and_inlay_hint_mark_what_the_report_marks(tmp_path) -> None:
    # `let total = s.capex` showed "= 502.1 kUSD" in its inlay hint and hover, the land counted as $0.
    from compiler.lsp.analysis import Analysis, hover_markdown

    text = UNPRICED + "let total = s.capex\nlet power = s.it_power\n"
    path = tmp_path / "a.factory"
    path.write_text(text)
    analysis = Analysis(text, str(path), str(tmp_path))
    hints = {text[:h.offset].rsplit("\n", 1)[-1].split()[1]: h.label for h in analysis.inlay_hints()}
    assert MARK in hints["total"] and "⚠" not in hints["power"], hints
    hover, _ = hover_markdown(analysis, text.index("let total") + 5)
    assert MARK in hover, hover


def test_the_reports_capex_table_shows_the_unpriced_land_row_it_flags(tmp_path) -> None:
    # The capex table listed IT, power, cooling and building (100%) and a total marked incomplete, but not the
    # row that makes it so: the land at $0 was dropped as a category "with nothing in it".
    path, flags = _flagged(UNPRICED, tmp_path)
    result = CliRunner().invoke(main, ["build", path, "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out" / "report.md").read_text()
    table = report[report.index("#### Capex by category"):report.index("**Total capex**")]
    (land,) = [line for line in table.splitlines() if line.startswith("| Land")]
    assert "$0 \\(⚠ incomplete: counts unpriced parts as $0\\)" in land, land


def test_the_reports_sweep_table_marks_what_its_key_figures_mark(tmp_path) -> None:
    # A swept spec's key figures read "Capex $502k (⚠ incomplete ...)", its Sweep table "$502k" and "$1M" plain.
    path, flags = _flagged(UNPRICED, tmp_path)
    result = CliRunner().invoke(main, ["build", path, "-D", "n=[1, 2]", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    report = (tmp_path / "out" / "report.md").read_text()
    lines = report[report.index("### Sweep over `n`"):].splitlines()
    header = [c.strip() for c in lines[2].strip("|").split("|")]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines[4:6]]
    for column, key in (("Capex", "s.capex"), ("TCO per year", "s.tco_year"), ("Facility power", "s.facility_power")):
        for row in rows:
            assert ("⚠ incomplete" in row[header.index(column)]) == (key in flags), (column, row)


def test_a_reports_sweep_chart_of_a_flagged_figure_says_so_as_its_table_cells_do(tmp_path) -> None:
    # The sweep table's cells of capex read "... (⚠ incomplete: ...)", while the line chart of the same capex
    # over n was drawn plain: a reader of the picture alone saw a complete figure.
    from compiler import evaluate_text
    from compiler.render import report
    from compiler.render.report_format import flagged_quantities

    text = UNPRICED.replace("param n = 2", "param n = [1, 2, 4]")
    results, sink = evaluate_text(text, str(tmp_path / "spec.factory"))
    flags = flagged_quantities(results, sink)
    sweep = report.report_context(results, "spec.factory", sink)["sweep"]
    marked = {label for label, j in zip(sweep["columns"], range(len(sweep["columns"])))
              if all("⚠" in row["cells"][j] for row in sweep["rows"])}
    assert marked, sweep["columns"]
    for chart in sweep["charts"]:
        title = str(chart).split('font-weight="600"', 1)[1].split(">", 1)[1].split("<", 1)[0]
        assert ("⚠ incomplete: counts unpriced parts as $0" in str(chart)) == (title in marked), title
    assert any("⚠" in str(c) for c in sweep["charts"]) and "s.capex" in flags


SERVED_UNPRICED = """from systems import GB300_NVL72, VR_NVL72
from models import Llama3_1_70B
site s {
  land_price = 1000000 USD
  hall h {
    rack served: GB300_NVL72 x 4
    rack r: VR_NVL72 x 4
  }
  inference chat {
    model = Llama3_1_70B
    rack = GB300_NVL72
    accelerators = 144
    precision = "fp4"
  }
}
"""


def test_an_unpriced_switch_flags_the_network_capex_not_the_optics_it_does_not_price(tmp_path) -> None:
    """A fabric whose switch has no price: its switch capex (s.capex_network) is incomplete; its transceivers and
    cables are priced (`optic_price_per_rate`, `fiber_price`), so s.capex_optics, which equals the fabric's own
    priced optics, carries no mark (it was flagged because the site's optics part read the fabric's whole capex)."""
    import json

    from test_diagram_trust15 import UNPRICED_SWITCH   # tests/ is on the path: the same fabric its view is drawn for

    path = tmp_path / "unpriced.factory"
    path.write_text(UNPRICED_SWITCH)
    doc = json.loads(CliRunner().invoke(main, ["eval", str(path), "--format", "json"]).output)
    flagged = {path for d in doc["diagnostics"] if d["code"] == "unpriced" for path in d.get("quantities", [])}
    table = CliRunner().invoke(main, ["eval", str(path)]).output
    line = next(l for l in table.splitlines() if l.startswith("s.capex_optics "))
    assert doc["quantities"]["s.capex_optics"]["values"] == doc["quantities"]["s.fab.capex_optics"]["values"]
    assert doc["quantities"]["s.capex_optics"]["values"][0] > 0 and "⚠" not in line, line
    assert "⚠" in next(l for l in table.splitlines() if l.startswith("s.capex_network ")), flagged


def test_an_energy_figure_is_not_marked_as_counting_unpriced_parts(tmp_path) -> None:
    # s15-scale: a site with an inference service and one unpriced part (Vera Rubin NVL72's chips, the service on GB300 NVL72) marked its
    # energy_year "incomplete: counts unpriced parts as $0" (in a 36-hall estate's plan: "energy_year 3,791 GWh
    # -> 3,601 GWh [incomplete ...]"): the metered power grouped the accelerators by type with their capex,
    # which it never uses. Energy, power and the price of energy count no part's price.
    from compiler import evaluate_text
    from compiler.render.report_format import flagged_quantities

    path = tmp_path / "spec.factory"
    path.write_text(SERVED_UNPRICED)
    results, sink = evaluate_text(SERVED_UNPRICED, str(path))
    flags = flagged_quantities(results, sink)
    assert "s.capex" in flags                                  # the chips are unpriced: the capex is incomplete
    for energy in ("s.facility_power_metered", "s.energy_year", "s.opex_energy", "s.facility_power"):
        assert energy not in flags, (energy, flags.get(energy))
