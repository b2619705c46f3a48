"""Laws of a small site's figures (s17-small, 2026-12-06): a 67 kW server room is not planned as a slice of a
large hall with its large gear.

The report said (trust hunt): every hall gets N+1 chillers of the 2 MW default class, so a 67 kW room carries
two 2 MW chillers. Checked: its capex is the per-W estimate (no gear placed: 67.02 kW x 2.4804 $/W x 0.39 =
$64.83k of chillers), its cooling power the fractions and COP per W of heat; neither reads the count or the
class. The one figure that said "2 MW" was the cooling diagram ('Chillers x 2 . 2 MW each (model default)',
4 MW for 87.24 kW of heat rejected). Laws:
  * capex per W of IT of an unplaced plant is the same for a 67 kW room and a 1 MW hall (no fixed part);
  * cooling power per W of IT likewise (the plant is fractions and COPs of the heat);
  * the sized count of a model-default class is ceil(load / unit) + 1 and its units, read at the load where
    that is under one unit, cover the load with one spare and are not more than one unit above it;
  * the diagram names no unit larger than the plant's whole load where the spec places none.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from compiler.cli import run_pipeline
from compiler.render.diagram import diagram_dot

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "enterprise_starter.factory"
from test_capex_laws15 import SHARE  # tests/ is on the path


def _values(racks: int) -> dict[str, float]:
    """The example with `racks` racks; its room's 120 kW feed and its 64-GPU assert raised to fit (a 1 MW hall)."""
    from compiler import evaluate_text
    text = EXAMPLE.read_text().replace("param racks = 4", f"param racks = {racks}").replace(
        "power_feed = 120 kW", "power_feed = 2 MW").replace("assert gpus == 64", "assert gpus == 16 * racks")
    results, sink = evaluate_text(text, "enterprise_starter.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    return {k: float(np.asarray(v).ravel()[0]) for k, v in results.values.items()
            if k.startswith("headquarters.") and not isinstance(v, str) and np.asarray(v).dtype.kind == "f"}


@pytest.fixture(scope="module")
def small_and_large():
    return _values(4), _values(60)


@pytest.mark.parametrize("figure", ["capex_cooling", "capex_power", "capex_building", "cooling_power",
                                    "power_chain_loss"])
def test_a_small_rooms_plant_per_watt_is_a_large_halls(small_and_large, figure) -> None:
    small, large = small_and_large
    h = "headquarters."
    assert small[h + "it_power"] == pytest.approx(67.02e3, rel=1e-3)
    assert large[h + "it_power"] == pytest.approx(15 * small[h + "it_power"], rel=1e-12)
    assert small[h + figure] / small[h + "it_power"] == pytest.approx(
        large[h + figure] / large[h + "it_power"], rel=1e-9)


def test_the_small_rooms_chillers_are_its_estimate_not_two_default_units(small_and_large) -> None:
    """Hand calculation: 67.02 kW x 11.7 $/W x 0.53 x 0.4 x 0.3919 (the chiller's share, derived from the stdlib's
    reference plant: tests/test_capex_laws15.py SHARE) = $65.15k, not 2 x 2 MW of chillers."""
    small, _ = small_and_large
    it = small["headquarters.it_power"]
    assert small["headquarters.server_room.detail.capex_cooling_chiller"] == pytest.approx(
        it * 11.7 * 0.53 * 0.4 * SHARE["chiller"], rel=1e-9)


@pytest.mark.parametrize("count, unit", [("chillers", 2e6), ("crahs", 150e3)])
def test_a_default_class_count_covers_the_load_with_one_spare(small_and_large, count, unit) -> None:
    """ceil(load / unit) + 1: the small room (87.24 kW rejected, 67.02 kW of air) needs one unit and a spare; the
    1 MW hall ceil(1.005 MW / 150 kW) + 1 = 8 CRAHs; units read at the load where it is under one unit."""
    for v in small_and_large:
        load = v["headquarters.heat_rejected"] if count == "chillers" else v["headquarters.heat_air"]
        n = v["headquarters." + count]
        each = min(unit, load)
        assert (n - 1) * each >= load * (1 - 1e-12)          # the duty units cover the load
        assert (n - 2) * each < load                          # and not one unit more than it needs


def _plain(dot: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", dot).replace("&#8194;", " "))


def test_the_cooling_diagram_names_no_unit_above_a_small_plants_load() -> None:
    results, sink = run_pipeline([str(EXAMPLE)], {}, None, evaluate_all=True)
    text = _plain(diagram_dot(results, "cooling"))
    assert "Chillers \u00d7 2" in text
    assert "2 MW each" not in text                # was: 'Chillers x 2 . 2 MW each (model default)', for 87.24 kW
    assert "each sized to the load" in text


# ------------------------------------------------------------------ a year's total says "/yr" on every surface
def test_a_years_total_reads_in_one_unit_text_on_every_surface(tmp_path) -> None:
    """`energy_year` (J over a year) printed "609.8 MWh" in the plan's KPI table and the eval table, "609.8 MWh/yr"
    in the plan's cost row (docs/ci.md: "in the unit the KPI table gives it"). Law: the unit text of a quantity is
    the same on the eval table, the report, the plan's text, markdown and JSON (`display_unit`) and its cost row;
    a year's total says /yr as the money per year does."""
    import json

    from click.testing import CliRunner

    from compiler.cli import main

    old = EXAMPLE.read_text()
    (tmp_path / "old.factory").write_text(old)
    (tmp_path / "new.factory").write_text(old.replace("param racks = 4", "param racks = 5").replace(
        "power_feed = 120 kW", "power_feed = 240 kW").replace("assert gpus == 64", "assert gpus == 16 * racks"))
    from compiler import evaluate_text
    from compiler.plan import render_markdown as plan_markdown, render_text
    from compiler.render.report import render_markdown

    run = CliRunner()
    texts = {}
    table = run.invoke(main, ["eval", str(tmp_path / "old.factory")]).stdout
    texts["eval"] = next(x for x in table.splitlines() if x.startswith("headquarters.energy_year ")).split()[-1]
    results, sink = evaluate_text(old, "old.factory")
    report = render_markdown(results, "old.factory", sink)
    texts["report"] = next(x for x in report.splitlines() if x.startswith("| Energy per year")).split("|")[3].split()[-1]
    doc = json.loads(run.invoke(main, ["plan", "--format", "json", str(tmp_path / "old.factory"),
                                       str(tmp_path / "new.factory")]).stdout)
    plan = render_text(doc)
    kpi = next(x for x in plan.splitlines() if "headquarters.energy_year" in x).split()
    texts["plan kpi old"], texts["plan kpi new"] = kpi[2], kpi[5]
    row = next(x for x in plan.splitlines() if "energy (model)" in x).split()
    texts["plan cost row"] = row[row.index("->") - 1]
    md = plan_markdown(doc)
    texts["plan markdown"] = next(x for x in md.splitlines() if "`headquarters`" in x and "energy per year" in x
                                  ).split("|")[3].split()[-1]
    texts["plan json"] = next(k for k in doc["kpis"] if k["path"] == "headquarters.energy_year")["display_unit"]
    assert set(texts.values()) == {"MWh/yr"}, texts
    water = next(x for x in table.splitlines() if x.startswith("headquarters.water_year ")).split()[-1]
    assert water == "m^3/yr"


# ------------------------------------------------------------------ capacity against the load served
SERVICES = """from systems import {system}
from models import Llama3_1_70B
site s {{
  electricity_price = 0.1 USD/kWh
  inference inter {{
    model = Llama3_1_70B
    system = {system}
    accelerators = 8
    precision = "fp8"
    scenario = "interactive"
    input_tokens = 2000 tok
    output_tokens = 400 tok
  }}
  inference dem {{
    model = Llama3_1_70B
    system = {system}
    accelerators = 8
    precision = "fp8"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 400 tok
    ttft_limit = 2 s
    tpot_limit = 50 ms
    offered_load = 1 ktok/s
  }}
}}
"""


def _served(system: str):
    from compiler import evaluate_text
    results, sink = evaluate_text(SERVICES.format(system=system), f"{system}.factory")
    assert not sink.errors, [d.message for d in sink.errors]
    v = {k: float(np.asarray(x).ravel()[0]) for k, x in results.values.items() if k.startswith("s.")
         and not isinstance(x, str) and np.asarray(x).dtype.kind == "f"}
    return results, sink, v


@pytest.mark.slow
def test_a_demand_limited_service_serves_its_load_whatever_the_chip() -> None:
    """The trust report: H100 -> H200 moved served tokens/s by +0.4% while TPOT fell 21.6%. The model's reading,
    by hand: a service with an offered load below its capacity serves offered_load x busy share = 1,000 x 0.6 =
    600 tok/s on either chip (its capacity, 5.11k -> 6.01k tok/s, is not what it serves); an interactive one is
    bound by its TTFT p99 (449 / 438 ms of the 450 ms limit), the prefill's compute, equal on both chips, so its
    capacity moves little (3.35k -> 3.20k tok/s on the batch grid) while TPOT p99 falls 27.4 -> 22.1 ms (at the
    Hopper FP8 factor 0.81; 5.14k -> 6.05k, 445 / 433 ms, 3.36k -> 3.21k, 27.3 -> 22.0 ms at 0.82)."""
    (_, _, h100), (_, _, h200) = _served("DGX_H100"), _served("DGX_H200")
    for v in (h100, h200):
        assert v["s.dem.served_tokens_per_s"] == pytest.approx(1000 * 0.6, rel=1e-12)
        assert v["s.dem.offered_share"] < 1
        assert v["s.inter.ttft_p99"] / 0.450 > max(0.85, v["s.inter.tpot_p99"] / 0.040)     # TTFT binds
    assert h200["s.dem.tokens_per_s"] > h100["s.dem.tokens_per_s"]             # the capacity rises, served does not
    assert h200["s.inter.tpot_p99"] < h100["s.inter.tpot_p99"]


def test_the_report_says_which_figure_is_capacity_and_which_the_load() -> None:
    """The inference table's note names, per service, what sets its figures, from its own outputs: a service below
    its capacity serves its offered load; a capacity point within a grid step of a latency limit is bound by it."""
    from compiler.render.report import render_markdown
    results, sink, v = _served("DGX_H200")
    md = render_markdown(results, "s.factory", sink)
    assert "Tokens/s is each service's capacity" in md
    share = f"{v['s.dem.offered_share'] * 100:.1f}%"
    assert f"dem: serves its offered load \\(demand\\), {share} of its capacity" in md
    # solved to the Interactive submitters' share 0.925 of the limit since 2026-12-07 (437.5 ms on the grid before),
    # the share and what sets it named beside the limit
    assert ("inter: capacity bound by TTFT p99, 416.2 ms of its 450 ms limit \\(MLPerf Interactive's for its model: "
            "the spec sets none; held to 92.5% of it: "
            "\\`operating\\_fraction\\_interactive\\`") in md


def test_the_report_names_the_share_of_its_limit_a_capacity_point_is_held_to() -> None:
    """A capacity point held to 0.8 of its limits (`let operating_fraction = 0.8`) is bound by the limit it sits at
    0.8 of: the note says so and names the let (before 2026-12-07 it read its p99 against the whole limit, 0.8 <
    BINDING_SHARE 0.85, and said no latency limit binds); held to the whole limit it names no share."""
    from compiler import evaluate_text
    from compiler.render.report import render_markdown
    spec = SERVICES.format(system="DGX_H200")
    spec = spec[:spec.index("  inference dem")] + "}\n"             # the interactive service alone
    for f, said in (("0.8", "the spec sets none; held to 80.0% of it: its \\`let operating\\_fraction\\`\\): set by"),
                    ("1", "of its 450 ms limit \\(MLPerf Interactive's for its model: the spec sets none\\): set by")):
        text = spec.replace('scenario = "interactive"',
                            f'scenario = "interactive"\n    let operating_fraction = {f}', 1)
        assert text != spec
        results, sink = evaluate_text(text, "s.factory")
        md = render_markdown(results, "s.factory", sink)
        line = next(x for x in md.splitlines() if x.startswith("- inter: "))
        assert line.startswith("- inter: capacity bound by TTFT p99, ") and said in line, line
