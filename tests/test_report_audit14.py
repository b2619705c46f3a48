"""Session 14 CFO audit of the flagship report (examples/flagship_campus.factory): each figure a reader signs from,
recomputed by hand from the spec, the stdlib and the models' docstrings, and checked against what the report
prints beside it."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from compiler import evaluate_files
from compiler.render import report

ROOT = Path(__file__).resolve().parent.parent
FLAGSHIP = "examples/flagship_campus.factory"
MW = 1e6


@pytest.fixture(scope="module")
def flagship():
    results, sink = evaluate_files([str(ROOT / FLAGSHIP)])
    assert results is not None, [d.message for d in sink.items]
    context = report.report_context(results, FLAGSHIP, sink)
    markdown = report.render_markdown(results, FLAGSHIP, sink, context=context)
    subject = next(s for s in context["subjects"] if s["path"] == "frontier_campus")
    return results, subject, markdown


def _v(results, path: str) -> float:
    return float(results.values[path].ravel()[0])


def test_the_sites_chillers_and_dry_coolers_are_one_plant_for_its_whole_heat(flagship) -> None:
    """Hand calculation (facility.py `_plant_chillers`: chillers and dry coolers are placed on the site only, one
    plant for its halls and the heat outside them, its N+1 spare once). Chiller_AC_500ton 1,758 kW, N+1: a hall's
    air loop needs compressors at 35 degC: its 7.557 MW of air heat + 4% CRAH fans = 7.859 MW (alone: ceil(4.47) +
    1 = 6, the hall's own figure); the fabrics' 20.99 MW outside the halls (all to air) + 4% = 21.83 MW (alone: 14);
    the plant: ceil((4 x 7.859 + 21.83) / 1.758 = 30.30) + 1 = 32. Dry coolers (1 MW, N+1): the site rejects 248.8
    MW (4 x 54.79 from the halls) -> ceil(248.8) + 1 = 250. Before s19-energy the site summed its halls' units, a
    spare each: 4 x 6 + 14 = 38 chillers and 4 x 56 + 31 = 255 dry coolers (s14's audit had made the report say
    so). The report's heat table leaves the Outside halls row's plant cells blank and says the plant is not a
    sum."""
    results, subject, markdown = flagship
    chiller = 500 * 3.5168528421e3                     # 500 refrigeration tons in W
    hall_air = _v(results, "frontier_campus.data_hall.heat_air")
    outside_air = _v(results, "frontier_campus.heat_air_outside_halls")
    assert hall_air == pytest.approx(0.15 * 360 * (18 * 7380 + 9 * 400) / 0.975, rel=1e-9)   # 15% of the racks' heat
    assert outside_air == pytest.approx(3600 * 2400 + 622080 * 16 + 1845 * 1000 + 34560 * 16 + 25920 * 0.1)
    hall_chillers = math.ceil(hall_air * 1.04 / chiller) + 1
    own_chillers = math.ceil(outside_air * 1.04 / chiller) + 1
    assert (hall_chillers, own_chillers) == (6, 14)
    assert _v(results, "frontier_campus.data_hall.chillers") == hall_chillers
    assert _v(results, "frontier_campus.chillers_outside_halls") == own_chillers
    plant = math.ceil((4 * hall_air + outside_air) * 1.04 / chiller) + 1
    assert _v(results, "frontier_campus.chillers") == plant == 32
    hall_dry = math.ceil(_v(results, "frontier_campus.data_hall.heat_rejected") / MW) + 1
    assert hall_dry == 56
    assert _v(results, "frontier_campus.dry_coolers") == math.ceil(
        _v(results, "frontier_campus.heat_rejected") / MW) + 1 == 250
    outside = next(r for r in subject["halls"]["rows"] if r["name"] == "Outside halls")
    columns = subject["halls"]["columns"]
    assert outside["cells"][columns.index("Chillers")] == ""
    assert outside["cells"][columns.index("Dry coolers")] == ""
    assert "chillers and dry coolers are its one plant's" in subject["halls"]["note"]


def _money(text: str) -> float:
    """'$6.47B' -> 6.47e9."""
    import re
    m = re.search(r"\$([0-9.,]+)([kMBT]?)", text)
    return float(m.group(1).replace(",", "")) * {"": 1, "k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}[m.group(2)]


def test_each_cost_row_says_what_it_is_a_rate_of(flagship) -> None:
    """A reader multiplies each cost row out from its Basis column alone (cost.py's formulas), to the 3
    significant figures money is printed at. Before: 'IT life 5 yr, discount rate 8.0%/yr' beside $1.62B / yr
    ($5.04B of IT equipment / 5 yr = $1.01B; the model's annuity is on IT + network + optics, $6.47B x
    CRF(8%, 5) = 0.2505 -> $1.62B), 'maintenance 3.0%/yr' beside $214M (3% of the $8.4B capex is $252M; the model
    takes capex less building and land, $7.13B -> $214M), 'build cost 11.7 USD/W' beside a $1.22B building
    (11.7 x 222.5 MW = $2.60B; the shell is the 47% of it that is not plant, 5.50 $/W -> $1.22B)."""
    results, subject, _ = flagship
    year = {r["label"]: r for r in subject["cost"]["year"]["rows"]}
    capex = {r["label"]: r for r in subject["cost"]["capex"]["rows"]}

    def crf(r, n):
        return r / (1 - (1 + r) ** -n)

    it = year["Depreciation of IT"]
    assert _money(it["basis"].split("annuity on")[1]) * crf(0.08, 5) == pytest.approx(_money(it["value"]), rel=5e-3)
    assert _money(it["basis"].split("annuity on")[1]) == pytest.approx(5.04e9 + 416.25e6 + 1013.904e6, rel=5e-3)
    fac = year["Depreciation of facility"]
    assert _money(fac["basis"].split("annuity on")[1]) * crf(0.08, 20) == pytest.approx(_money(fac["value"]),
                                                                                          rel=5e-3)
    assert "land not depreciated" in fac["basis"]
    upkeep = year["Maintenance"]
    assert 0.03 * _money(upkeep["basis"].split("of ")[1]) == pytest.approx(_money(upkeep["value"]), rel=5e-3)
    building = capex["Building"]
    per_watt = _money(building["basis"].split("shell")[1])
    assert per_watt == pytest.approx(11.7 * (1 - 0.53), rel=5e-3)
    assert per_watt * 222.505e6 == pytest.approx(_money(building["value"]), rel=5e-3)
    assert "222.5 MW" in building["basis"]
    for label in ("Power plant", "Cooling plant"):
        assert "gear placed at its price" in capex[label]["basis"]


def test_a_services_own_accelerator_hour_is_named_as_its_own() -> None:
    """inference_shootout: eight services, one of which (maia_70b) sets its own `accelerator_cost` (the break-even
    $1.70 / h); the others price their hour as capex x CRF + energy (one H100 of a $400k DGX: $50k / 43,800 h =
    $1.14 / h + energy = $1.165 / h). The site's $ per Mtok key figure ($405.5 / h over 667.1 ktok/s served =
    $0.1689 / Mtok) printed 'accelerator-hour $1.70 / h' as if every service ran at it; it names the service."""
    spec = "examples/inference_shootout.factory"
    results, sink = evaluate_files([str(ROOT / spec)])
    subject = report.report_context(results, spec, sink)["subjects"][0]
    card = next(k for k in subject["kpis"] if k["key"] == "usd_per_mtok")
    # $1.71 / h since 2026-12-07 (the B200 / GB200 capacities it breaks even with, solved to the Server share)
    assert "accelerator-hour $1.71 / h (maia_70b)" in card["basis"], card["basis"]
    hours = sum(_v(results, f"shootout.{w}.cost_per_hour") for w in (
        "cerebras_8b", "h100_8b", "groq_70b", "groq_7b", "b200_70b", "gb200_70b", "maia_70b", "dynamo_70b"))
    energy = _v(results, "shootout.h100_8b.cost_per_hour") * 3600 - 400000 / 8 / (5 * 8760)
    assert 0 < energy <= 0.0815 * 7395.5 / 8 / 1000      # at most the DGX's average wall power a GPU, at $0.0815/kWh
    assert _v(results, "shootout.usd_per_mtok") == pytest.approx(
        hours / _v(results, "shootout.served_tokens_per_s"), rel=1e-12)
    assert _v(results, "shootout.usd_per_mtok") * 1e6 == pytest.approx(0.1700, abs=1e-4)   # the converged step
    # clock (s17-converge) moved the services' rates: 0.1696 -> 0.1698; Blackwell FP4 0.92 -> 0.93 (s18-families):
    # the B200 / GB200 services serve 0.7% more, and the B200's $/Mtok sets maia's break-even hour: 0.1698 -> 0.1689; the Groq services holding whole heads (tp 64 / 32, session 25): 0.1686; s26-apply (Blackwell FP4 0.93 -> 0.92, the capacity points solved to the Server share): 0.1700


def test_the_reading_note_states_the_rounding_each_figure_has(flagship) -> None:
    """The note under the key figures said 'Money is rounded to 3 significant figures, other quantities to 4',
    yet the heat table prints flows at 3 (61,562 L/min a hall as 61,600, 12,944,505 m³/h as 12,900,000, where 4
    would be 61,560 and 12,940,000): a reader checking 4 x 61,600 = 246,400 against the total 246,000 reads an
    error the note does not allow. Every flow printed has at most 3 significant digits, and the note says so; and
    it says how money is printed (to the cent from $1 to $100: $2.40 / h, never $2.4: s15-money)."""
    import re
    _, _, markdown = flagship
    note = next(line for line in markdown.splitlines() if line.startswith("Money"))
    assert "flows" in note and "to the cent" in note
    flows = re.findall(r"([0-9][0-9,.]*) (?:L/min|m³/h)", markdown)
    assert flows
    for text in flows:
        digits = text.replace(",", "").replace(".", "").strip("0")
        assert len(digits) <= 3, text


def test_the_power_stage_table_in_markdown_says_what_each_stage_covers(flagship) -> None:
    """Hand calculation: 800 V DC chain of the flagship, busway 0.99 x rectifier 0.975 x transformer 0.99 =
    0.9556 (95.6%). report.md printed 'Power-chain losses 10.6 MW' and 'Power-chain efficiency 95.6%' with no
    words (the HTML's 'What it covers' column was left out), and 222.5 / (222.5 + 10.6) = 95.45%: the 10.6 MW
    holds the transformers' 1% on the 26.3 MW of cooling too (0.26 MW), which the efficiency leaves out:
    222.5 / (222.5 + 10.6 - 0.26) = 95.56%. 'Delivered to IT' said 'racks at peak'; it holds the 20.99 MW of
    network fabrics outside the racks (201.5 MW of racks). s21-power: the transformers' 1% is their units' curve at
    their load (206 x 2.5 MVA at 49.8%, just below DOE's 50% test load: 1.0101% -> 1.0102% of what they deliver,
    `peak_share`), the chain 0.99 x 0.975 / (1 + s)."""
    from test_peak_idle_cores21 import peak_share  # tests/ is on the path
    results, subject, markdown = flagship
    s = peak_share(0.99, 0.2, 0.5, _v(results, "frontier_campus.mv.utilization"))
    assert 1 / 0.99 - 1 <= s < 1.001 * (1 / 0.99 - 1)
    assert _v(results, "frontier_campus.power_chain_efficiency") == pytest.approx(0.99 * 0.975 / (1 + s), rel=1e-12)
    it, loss, cooling = (_v(results, f"frontier_campus.{n}") for n in ("it_power", "power_chain_loss",
                                                                     "cooling_power"))
    transformer_on_cooling = cooling * s
    assert it / (it + loss - transformer_on_cooling) == pytest.approx(0.99 * 0.975 / (1 + s), rel=1e-9)
    table = markdown.split("#### Power at each stage")[1].split("####")[0]
    assert "| Stage | What it covers |" in table
    efficiency = next(line for line in table.splitlines() if line.startswith("| Power-chain efficiency"))
    assert "cooling" in efficiency and "95.6%" in efficiency
    delivered = next(line for line in table.splitlines() if line.startswith("| Delivered to IT"))
    assert "network" in delivered
    assert it == pytest.approx(1440 * (18 * 7380 + 9 * 400) / 0.975 + 20993832.0, rel=1e-12)


def test_the_bill_of_materials_holds_the_fabrics_and_adds_up_to_the_capex(flagship) -> None:
    """Hand calculation: the flagship's bill listed the racks ($5.04B) and the NICs, DPUs and NVLink trays inside
    them, but not the 3,600 Q3400 and 1,845 SN5600 switches, 656,640 transceivers and 354,240 cables of its two
    fabrics: $1.43B of the $6.47B of IT, network and optics capex appeared nowhere in it. Now:
    backend  3,600 x $90k = $324M, 622,080 x $1.5k = $933.1M, 311,040 fibres x $100 = $31.1M;
    frontend 1,845 x $50k = $92.25M, 34,560 x $1.2k = $41.47M, 17,280 x $100 + 25,920 DAC x $250 = $8.21M;
    1,440 x $3.5M + those = $6,470,154,000 = capex_it + capex_network + capex_optics."""
    results, subject, markdown = flagship
    rows = {r["item"]: r for g in subject["bom"]["groups"] for r in g["rows"]}
    hand = {"Q3400 (backend)": (3600, 3600 * 90e3), "OSFP_800G_2xDR4 (backend)": (622080, 622080 * 1500),
            "cables (backend)": (311040, 311040 * 100), "SN5600 (frontend)": (1845, 1845 * 50e3),
            "OSFP_800G_2xSR4 (frontend)": (34560, 34560 * 1200),
            "cables (frontend)": (17280 + 25920, 17280 * 100 + 25920 * 250)}
    for item, (qty, cost) in hand.items():
        assert float(rows[item]["qty"].replace(",", "")) == qty, item
        assert _money(rows[item]["total_price"]) == pytest.approx(cost, rel=5e-3), item
    total = 1440 * 3.5e6 + sum(cost for _, cost in hand.values())
    assert total == pytest.approx(6_470_154_000, rel=1e-12)
    assert total == pytest.approx(sum(_v(results, f"frontier_campus.{n}")
                                      for n in ("capex_it", "capex_network", "capex_optics")), rel=1e-12)
    printed = sum(_money(r["total_price"]) for g in subject["bom"]["groups"] for r in g["rows"]
                  if r["total_price"].startswith("$"))
    assert printed == pytest.approx(total, rel=5e-3)


def test_explain_writes_the_cost_formulas_in_the_terms_it_lists(flagship) -> None:
    """`factory explain frontier_campus.capex_building` listed build_cost_per_watt 11.7 USD/W and critical_share
    0.53 under the formula 'it_power * shell_cost', which names neither (shell_cost was not set: 11.7 x (1 - 0.53)
    = 5.50 USD/W x 222.5 MW = $1.224B); opex_maintenance read 'maintenance_rate * equipment capex' for
    0.03 x ($8,398M - $1,224M - $40M) = $214.0M. Each formula now names the terms the model multiplies."""
    results, _, _ = flagship
    formula = {n: results.graph.nodes[f"frontier_campus.{n}"].formula for n in (
        "capex_building", "opex_maintenance", "capex_maintained", "capex_power", "capex_cooling")}
    assert "build_cost_per_watt * (1 - critical_share)" in formula["capex_building"]
    assert "maintenance_rate * capex_maintained" in formula["opex_maintenance"]
    assert "capex - capex_building - capex_land" in formula["capex_maintained"]
    for name in ("capex_power", "capex_cooling"):
        assert "critical_share" in formula[name] and "cooling_share_of_plant" in formula[name]
    assert _v(results, "frontier_campus.capex_building") == pytest.approx(11.7 * (1 - 0.53) * 222505216.6153846,
                                                                          rel=1e-12)
    assert _v(results, "frontier_campus.opex_maintenance") * 8760 * 3600 == pytest.approx(
        0.03 * (_v(results, "frontier_campus.capex") - _v(results, "frontier_campus.capex_building") - 40e6), rel=1e-9)
