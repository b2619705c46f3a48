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
    rises by its energy (52.21 kW average at the meter x 8,760 h x 0.1 USD/kWh = $45.7k / yr a step). The
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
    step = 52.21e3 * 0.1 / 3.6e6                          # USD/s: 0.1 USD/kWh (per 3.6 MJ) more on 52.21 kW
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
