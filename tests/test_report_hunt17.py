"""Report hunt, session 17 (s17-hunt-report): laws a finance reader signs from, found broken and fixed.

- A sweep over a spec with several sites shows every site's figures in its table, each under the site's
  name and each cell the site's own results.json value for that scenario (it showed the first site's
  alone, unnamed, as if they were the plan's: a swept price of the second site left the table flat).
"""
from __future__ import annotations

import numpy as np

from compiler import evaluate_text
from compiler.render import report
from compiler.render.report_format import fmt

TWO_SITES = '''"""Two sites, the second's electricity swept."""
from chips import H100_SXM, Xeon_8480C

param price_b = 0.2 USD/kWh

server hgx {
  chip gpu: H100_SXM x 8
  cpu host: Xeon_8480C x 2
  max_power = 10.2 kW
  cooling = "air"
  height = 8 U
}
rack ar {
  server node: hgx x 2
  power_limit = 25 kW
  cooling = "air"
  height = 42 U
}
site alpha {
  location = "a"
  electricity_price = 0.1 USD/kWh
  land_price = 1000000 USD
  hall h1 {
    power_feed = 500 kW
    rack gpu: ar x 2
  }
}
site beta {
  location = "b"
  electricity_price = price_b
  land_price = 2000000 USD
  hall h2 {
    power_feed = 500 kW
    rack gpu: ar x 3
  }
}
'''


def _per_scenario(results, path: str) -> list[float]:
    """A quantity's value in each scenario (a constant is stored once)."""
    return [float(v) for v in np.broadcast_to(np.asarray(results.values[path], float), (results.scenario_count,))]


def test_a_sweep_over_two_sites_shows_each_sites_figures_under_its_name() -> None:
    """Hand case: beta's electricity swept 0.1, 0.2, 0.3 USD/kWh; alpha's figures do not move, beta's TCO
    rises by its energy (51.74 kW average at the meter x 8,760 h x 0.1 USD/kWh = $45.3k / yr a step; 52.21 kW
    before s20-power's square-law chain losses). The
    sweep table has a TCO column for each site, named, and every cell is results.json's value of that site in
    that scenario in the report's style."""
    results, sink = evaluate_text(TWO_SITES, "two.factory",
                                  defines={"price_b": "0.1 USD/kWh..0.3 USD/kWh step 0.1 USD/kWh"})
    assert results is not None and results.scenario_count == 3
    sweep = report.report_context(results, "two.factory", sink)["sweep"]
    columns = sweep["columns"]
    assert "alpha: TCO per year" in columns and "beta: TCO per year" in columns, columns
    for site in ("alpha", "beta"):
        for label, path, style in (("TCO per year", "tco_year", "money_year"), ("Capex", "capex", "money"),
                                   ("Facility power", "facility_power", "power")):
            k = columns.index(f"{site}: {label}")
            values = _per_scenario(results, f"{site}.{path}")
            assert [r["cells"][k] for r in sweep["rows"]] == [fmt(v, style) for v in values]
    beta = _per_scenario(results, "beta.tco_year")
    step = 51.74e3 * 0.1 / 3.6e6                          # USD/s: 0.1 USD/kWh (per 3.6 MJ) more on 51.74 kW
    assert abs((beta[1] - beta[0]) / step - 1) < 2e-3 and abs((beta[2] - beta[1]) / step - 1) < 2e-3
    alpha = columns.index("alpha: TCO per year")
    assert len({r["cells"][alpha] for r in sweep["rows"]}) == 1


def test_the_moe_examples_lead_paragraph_names_the_count_its_run_block_places() -> None:
    """The Rubin-vs-Blackwell report opens with the spec's docstring: 'A third block runs the same job on N
    GB200'. Its training table prints gb200_run's accelerators (2,016: 28 NVL72 racks of 72); the paragraph
    said 2,048, a count no GB200 rack layout gives (2,048 / 72 = 28.4 racks)."""
    import re
    from pathlib import Path

    from compiler import evaluate_files
    path = Path(__file__).resolve().parent.parent / "examples" / "moe_training_rubin_vs_blackwell.factory"
    results, sink = evaluate_files([str(path)])
    placed = float(np.asarray(results.values["moe_training.gb200_run.accelerators"], float).ravel()[0])
    markdown = report.render_markdown(results, "moe.factory", sink)
    said = re.search(r"A third block runs the same job on ([0-9,]+) GB200", markdown.replace("\n", " "))
    assert said is not None
    assert float(said.group(1).replace(",", "")) == placed == 28 * 72


OVER = '''"""A service on 64 H100 on a site that places 32."""
from systems import DGX_H100
from models import Llama3_1_70B

rack r2 {
  server s: DGX_H100 x 2
  power_limit = 40 kW
}
site probe {
  location = "probe"
  electricity_price = 0.1 USD/kWh
  land_price = 0 USD
  hall h {
    power_feed = 1 MW
    rack r: r2 x 2
  }
  inference big {
    model = Llama3_1_70B
    system = DGX_H100
    accelerators = 64
    precision = "bf16"
    scenario = "offline"
    input_tokens = 1000 tok
    output_tokens = 200 tok
  }
}
'''


def test_an_over_committed_sites_service_figures_are_flagged_wherever_shown(tmp_path) -> None:
    """Hand case: the service runs on 64 H100, the site places 32 (4 DGX H100 in 2 racks): `over-committed`,
    exit 1. The site's service figures (tokens/s, $/Mtok) and its energy bill are computed from a service the
    site cannot hold: its metered draw read 29.78 kW, below the 36.51 kW planning average of the 32 GPUs placed,
    because the service's 47.99 kW average over 64 GPUs was set against 64 x the site's 924 W a GPU. Each is
    marked in results.json, in eval's table (exit code 1) and in the report, as an unpriced cost is, never a clean
    number."""
    import json

    from click.testing import CliRunner

    from compiler.cli import main
    from compiler.render.results import render_results
    spec = tmp_path / "over.factory"
    spec.write_text(OVER)
    table = CliRunner().invoke(main, ["eval", str(spec), "--select", "probe.tokens_per_s"])
    assert table.exit_code == 1, table.output
    assert "⚠" in table.output and "fewer accelerators" in table.output, table.output
    results, sink = evaluate_text(OVER, "over.factory")
    quantities = json.loads(render_results(results, "over.factory", sink, "json", None))["quantities"]
    for path in ("probe.tokens_per_s", "probe.served_tokens_per_s", "probe.usd_per_mtok", "probe.tokens_per_joule",
                 "probe.facility_power_metered", "probe.energy_year", "probe.opex_energy", "probe.tco_year"):
        assert "over-committed" in quantities[path].get("flagged", {}).get("codes", []), path
    assert "over-committed" not in quantities["probe.capex"].get("flagged", {}).get("codes", [])
    assert "flagged" not in quantities["probe.facility_power"]
    markdown = report.render_markdown(results, "over.factory", sink)
    row = next(line for line in markdown.splitlines() if line.startswith("| Tokens per second |"))
    assert "⚠" in row and "fewer accelerators" in row, row
    for label in ("| Energy per year |", "| Average at the meter, as drawn |", "| Energy |", "| **TCO per year** |"):
        row = next(line for line in markdown.splitlines() if line.startswith(label))
        assert "fewer accelerators" in row, row


def _explained(spec: str, path: str) -> tuple[str, dict[str, str]]:
    """`factory explain --format json` of `path`: its printed value and its inputs' printed values."""
    import json

    from click.testing import CliRunner

    from compiler.cli import main
    run = CliRunner().invoke(main, ["explain", spec, path, "--format", "json", "--depth", "1"])
    assert run.exit_code == 0, run.output
    tree = json.loads(run.output)
    return tree["value"], {i["path"]: i["value"] for i in tree["inputs"]}


def _number(text: str) -> float:
    """'67.02 kW' -> 67.02e3, '24 degC' -> 24, '0.12 USD/kWh' -> 0.12 (the printed figure in its shown unit's
    prefix: k and M scale, the rest is read as printed)."""
    number, _, unit = text.replace(",", "").partition(" ")
    return float(number) * {"k": 1e3, "M": 1e6, "G": 1e9}.get(unit[:1], 1.0)


def test_explain_traces_of_the_starter_give_their_printed_figure_by_hand() -> None:
    """Each trace's formula, evaluated by hand on the inputs as `explain` prints them, gives the printed figure
    to its printed digits (examples/enterprise_starter.factory):
    - cooling_power = pumps + CRAH fans + heat / COP + rejection fans: air heat 67.02 kW, CRAH fans 4% = 2.681 kW;
      chilled water 24 - 6 = 18 degC, evaporator 18 - 8 = 10 degC (283.15 K), condenser 35 + 8 = 43 degC
      (316.15 K), COP 0.5 x 283.15 / 33 = 4.290; chillers (67.02 + 2.681) / 4.290 = 16.25 kW; rejection fans
      1.5% x (69.70 + 16.25) = 1.289 kW; no liquid heat, no pumps: 20.22 kW.
    - capex_building = it_power x build_cost_per_watt x (1 - critical_share) = 67.02 kW x 11.7 x 0.47 = $368.6k.
    - opex_energy = facility_power_metered x electricity_price = 69.61 kW x 8,760 h x 0.12 USD/kWh = $73.17k / yr.
    - pue = facility_power_metered / it_power_metered = 69.61 / 56.4 = 1.234 (no workload: the planning draw;
      s19-energy2: the PUE follows the draw the energy bill meters).
    - cost_per_accelerator_hour = tco_year / accelerators = $572.8k / 8,760 h / 64 = $1.022 / h (s24-capex2: the
      room's air-cooled chillers reject its heat, so no dry coolers: capex_cooling $212.9k -> $171.7k, TCO -$41.2k /
      20 yr - 3% x $41.2k = -$3.29k a year, $576.1k -> $572.8k, $1.028 -> $1.022 / h; s18-prices: the
      RSMeans-priced air-cooled chiller raised the air classes' share of the cooling plant, 1.2603 -> 1.2806; was
      $576.4k, $1.028 / h)."""
    spec = str(__import__("pathlib").Path(__file__).resolve().parent.parent / "examples" / "enterprise_starter.factory")
    p = "headquarters.server_room"
    shown, inputs = _explained(spec, f"{p}.cooling_power")
    a = {k.split(".")[-1]: v for k, v in inputs.items() if k.startswith("assumptions.")}
    heat_air, heat_liquid = _number(inputs[f"{p}.heat_air"]), _number(inputs[f"{p}.heat_liquid"])
    crah = float(a["crah_fan_fraction"]) * heat_air
    evaporator = _number(a["air_supply_temp"]) - _number(a["chilled_water_offset"]) - _number(a["chiller_approach"])
    condenser = _number(a["ambient_temp"]) + _number(a["chiller_approach"])
    cop = float(a["carnot_fraction"]) * (evaporator + 273.15) / (condenser - evaporator)
    chillers = (heat_air + crah) / cop
    rejection = float(a["heat_rejection_fan_fraction"]) * (heat_air + crah + chillers)
    pumps = float(a["pump_fraction"]) * heat_liquid
    assert heat_liquid == 0 and shown == "20.22 kW"
    assert abs((crah + chillers + rejection + pumps) / 20.22e3 - 1) < 5e-4

    shown, inputs = _explained(spec, "headquarters.capex_building")
    by_hand = (_number(inputs["headquarters.it_power"]) * float(inputs["assumptions.build_cost_per_watt"].split()[0])
               * (1 - float(inputs["assumptions.critical_share"])))
    assert shown == "368.6 kUSD" and abs(by_hand / 368.6e3 - 1) < 5e-4

    shown, inputs = _explained(spec, "headquarters.opex_energy")
    by_hand = (_number(inputs["headquarters.facility_power_metered"]) / 1e3 * 8760
               * float(inputs["headquarters.electricity_price"].split()[0]))
    assert shown == "72.48 kUSD/yr" and abs(by_hand / 72.48e3 - 1) < 5e-4     # 72.52 before s21-power (one
    # current through the transformer: the IT's and the cooling plant's flows together), 73.17 before s20-power

    shown, inputs = _explained(spec, f"{p}.pue")
    by_hand = _number(inputs[f"{p}.facility_power_metered"]) / _number(inputs[f"{p}.it_power_metered"])
    assert shown == "1.223" and abs(by_hand / 1.223 - 1) < 5e-4               # 1.234 before s20-power

    shown, inputs = _explained(spec, "headquarters.cost_per_accelerator_hour")
    by_hand = _number(inputs["headquarters.tco_year"]) / 8760 / _number(inputs["headquarters.accelerators"])
    assert shown == "1.022 USD/h" and abs(by_hand / 1.022 - 1) < 5e-4         # 1.028 before s24-capex2, 1.029
    # before s20-power


def test_the_report_prints_the_pue_a_failing_check_read() -> None:
    """Hand case: the starter's annual PUE is 68.99 / 56.4 = 1.223 (eval's table: 1.223; 69.61 / 56.4 = 1.234 before
    s20-power's square-law chain losses). A site assert `pue <= 1.222` fails; the report printed PUE 1.22 (two
    decimals) beside it, a figure within the bound the
    check says it is over. The report's PUE (key figures, hall table, sweep table) reads as eval's, to 4
    significant figures as the report's reading note states for 'other quantities'."""
    from pathlib import Path

    from compiler.display import format_quantity
    text = (Path(__file__).resolve().parent.parent / "examples" / "enterprise_starter.factory").read_text()
    text = text.replace("  land_price = 0 USD", '  land_price = 0 USD\n  assert pue <= 1.222, "PUE within 1.222"')
    results, sink = evaluate_text(text, "starter.factory", defines={"racks": "3..4 step 1"})
    pue = _per_scenario(results, "headquarters.pue")
    assert abs(pue[1] - 68.99 / 56.4) < 1e-3 and format_quantity(pue[1], "1") == "1.223"
    assert any(not c.ok and "1.222" in c.message for c in results.checks)
    context = report.report_context(results, "starter.factory", sink)
    markdown = report.render_markdown(results, "starter.factory", sink, context=context)
    row = next(line for line in markdown.splitlines() if line.startswith("| PUE |"))
    assert "| 1.223 |" in row, row                                     # the first scenario (3 racks): same PUE
    hall = next(line for line in markdown.splitlines() if line.startswith("| server\\_room |"))
    assert hall.rstrip().endswith("| 1.223 |"), hall
    sweep = context["sweep"]
    k = sweep["columns"].index("PUE")
    assert [r["cells"][k] for r in sweep["rows"]] == [format_quantity(v, "1") for v in pue]


INFEASIBLE_AT_8 = '''"""405B in 16 bits on n H100: no fit on 8, a fit on 16."""
from systems import DGX_H100
from models import Llama3_1_405B

param gpus = 8

site probe {
  location = "probe"
  inference big {
    model = Llama3_1_405B
    system = DGX_H100
    accelerators = gpus
    precision = "bf16"
    scenario = "offline"
    input_tokens = 1000 tok
    output_tokens = 200 tok
  }
}
'''


def test_a_key_figures_range_says_in_how_many_scenarios_it_has_a_value() -> None:
    """Hand case: 405.9 B parameters x 2 B = 811.7 GB do not fit 8 H100 (72 GB usable each: 576 GB) but fit
    16 (1,152 GB). Swept over 8 and 16 the key figure is n/a in the first scenario, shown; its range note, 'the
    spread over all of them', was empty (one finite value: low == high), so nothing said the other scenario has
    a figure; over 8, 16, 24 it read 'range 1.076 ktok/s – 1.56 ktok/s', as if every scenario had one. The note
    names the scenarios the range covers."""
    for sweep, covered in (("8..16 step 8", "1 of 2"), ("8..24 step 8", "2 of 3")):
        results, sink = evaluate_text(INFEASIBLE_AT_8, "x.factory", defines={"gpus": sweep})
        markdown = report.render_markdown(results, "x.factory", sink)
        row = next(line for line in markdown.splitlines() if line.startswith("| Tokens per second |"))
        values = [v for v in _per_scenario(results, "probe.tokens_per_s") if np.isfinite(v)]
        assert len(values) == int(covered[0])
        assert f"range {fmt(min(values), 'tok_s')}" in row and f"in {covered} scenarios" in row, row


def test_an_over_commitment_in_some_scenarios_marks_those_scenarios_rows_only() -> None:
    """Hand case: the service swept over 16, 32, 48 H100 on the site of 32: over-committed at 48 alone. The
    report's sweep rows and key figures are one scenario each: the mark goes on the row of 48 (and not on 16
    and 32, which hold), as its Checks column says; an unpriced part's mark (every scenario) stays on every
    row. results.json flags the quantity (it holds every scenario)."""
    text = OVER.replace("accelerators = 64", "accelerators = gpus")
    text = text.replace("site probe {", "param gpus = 16\n\nsite probe {")
    text = text.replace('  land_price = 0 USD\n', '')                   # unpriced land: a mark in every scenario
    results, sink = evaluate_text(text, "x.factory", defines={"gpus": "16..48 step 16"})
    context = report.report_context(results, "x.factory", sink)
    sweep = context["sweep"]
    k, tco = sweep["columns"].index("Tokens per second"), sweep["columns"].index("TCO per year")
    marked = ["fewer accelerators" in r["cells"][k] for r in sweep["rows"]]
    assert marked == [False, False, True], [r["cells"][k] for r in sweep["rows"]]
    assert [r["ok"] for r in sweep["rows"]] == [True, True, False]
    assert all("unpriced" in r["cells"][tco] for r in sweep["rows"])
    assert ["fewer accelerators" in r["cells"][tco] for r in sweep["rows"]] == [False, False, True]
    markdown = report.render_markdown(results, "x.factory", sink, context=context)
    row = next(line for line in markdown.splitlines() if line.startswith("| Tokens per second |"))
    figure, notes = row.split(" | ")[1:3]
    assert "fewer accelerators" not in figure, row                   # the first scenario (16) holds
    # the range's upper end is scenario 48's, which over-commits: it carries the mark (tests/test_report_range21.py)
    assert "fewer accelerators" in notes.split(" – ")[1] and "fewer accelerators" not in notes.split(" – ")[0], row


def test_estimate_prints_no_figure_the_run_does_not_produce() -> None:
    """A training estimate without --deadline has no `accelerators_needed` (the fewest that meet a deadline):
    its table printed 'accelerators_needed  n/a  (n/a: no value (see the diagnostics))' with no diagnostic to
    see. A figure the estimate's spec does not produce is not a row; the rows it prints are its figures
    (1,024 H100 x 11.28 days x 24 h = 277,216 GPU-hours, as printed)."""
    from compiler.estimate import Request, evaluated, table_text
    req = Request("training", "DGX_H100", "Llama3_1_70B", count=1024, precision="bf16", tokens="1Ttok")
    _, _, results, sink = evaluated(req)
    assert not [d for d in sink.items if d.severity in ("error", "warning")]
    text = table_text(results, sink, "training")
    assert "see the diagnostics" not in text and "accelerators_needed" not in text, text
    rows = dict(line.split(None, 1) for line in text.splitlines())
    days, hours = float(rows["time_to_train"].split()[0]), float(rows["gpu_hours"].split()[0].replace(",", ""))
    assert abs(1024 * days * 24 / hours - 1) < 5e-4
