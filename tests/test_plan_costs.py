"""`factory plan`: changed inputs (params and top-level lets) and cost by part (compiler/plan_costs.py), after
Terraform's changed inputs and Infracost's diff. Laws, on the small enterprise example (two evaluations a plan):

    plan(A, A) lists no input, no cost row, and exits 0;
    the rows of plan(B, A) are those of plan(A, B) with old and new swapped and the change negated;
    a site's rows' changes sum to its capex change and (per year) its opex change in the KPI table;
    doubling one part's count doubles exactly that part's row (count and cost), and no other part row changes;
    the printed total is the sum of the printed rows; the output is byte-identical run to run;
    an unpriced part is shown as unpriced, never as a saving;
    two different values that would print the same are shown with the digits that tell them apart;
    every money figure printed is within 0.5% of its JSON value, or is in the cost table, marked as rounded;
    the energy row shows the energy it pays for (the site's energy_year), and opex = energy x price;
    a hall's heading shows its count on each side (x 4 -> x 5)."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.display import format_money
from compiler.plan import SECONDS_PER_YEAR, _fmt_pair, render_markdown, render_text
from compiler.plan_costs import ROUNDING_NOTE

ROOT = Path(__file__).resolve().parents[1]
STARTER = (ROOT / "examples" / "enterprise_starter.factory").read_text()


def _edit(text: str, *pairs: tuple[str, str]) -> str:
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def specs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plan_costs")
    texts = {
        "a": STARTER,
        # twice the racks (and the room's feed and the assert that counts them), a dearer kWh
        "b": _edit(STARTER, ("param racks = 4", "param racks = 8"), ("0.12 USD/kWh", "0.15 USD/kWh"),
                   ("gpus == 64", "gpus == 128"), ("power_feed = 120 kW", "power_feed = 240 kW")),
        # the CPUs of every server doubled: one part's count, nothing else edited
        "cpus": _edit(STARTER, ("cpu host: Xeon_8480C x 2", "cpu host: Xeon_8480C x 4")),
        # floor PDUs placed in the room, two then four (stdlib PDU_300kVA: price = 60000 USD)
        "pdu2": _edit(STARTER, ("from chips import H100_SXM, Xeon_8480C",
                                "from chips import H100_SXM, Xeon_8480C\nfrom facility import PDU_300kVA"),
                      ("power_feed = 120 kW", "power_feed = 120 kW\n    pdu floor: PDU_300kVA x 2")),
        "pdu4": _edit(STARTER, ("from chips import H100_SXM, Xeon_8480C",
                                "from chips import H100_SXM, Xeon_8480C\nfrom facility import PDU_300kVA"),
                      ("power_feed = 120 kW", "power_feed = 120 kW\n    pdu floor: PDU_300kVA x 4")),
        # a drive without a price added to the server
        "unpriced": _edit(STARTER, ("cpu host: Xeon_8480C x 2",
                                    "cpu host: Xeon_8480C x 2\n  storage nvme x 8 { capacity = 3.84 TB }")),
        # the room placed four times, then five
        "hall4": _edit(STARTER, ("hall server_room {", "hall server_room x 4 {")),
        "hall5": _edit(STARTER, ("hall server_room {", "hall server_room x 5 {")),
    }
    out = {}
    for name, text in texts.items():
        out[name] = folder / f"{name}.factory"
        out[name].write_text(text)
    return out


def _run(a: Path, b: Path, fmt: str = "json"):
    result = CliRunner().invoke(main, ["plan", str(a), str(b), "--format", fmt])
    return result, (json.loads(result.stdout) if fmt == "json" else result.stdout)


@pytest.fixture(scope="module")
def ab(specs):
    return _run(specs["a"], specs["b"])


def test_a_spec_against_itself_has_no_input_and_no_cost_row(specs) -> None:
    result, doc = _run(specs["a"], specs["a"])
    assert result.exit_code == 0, result.output
    assert doc["inputs"] == [] and doc["costs"] == [] and not doc["changed"]


def test_changed_params_are_listed_first_in_their_written_unit(specs, ab) -> None:
    result, doc = ab
    assert result.exit_code == 3, result.output
    inputs = {i["name"]: i for i in doc["inputs"]}
    assert set(inputs) == {"racks", "energy_price"}                  # servers_per_rack is unchanged
    price = inputs["energy_price"]
    assert price["kind"] == "param" and price["display_unit"] == "USD/kWh"
    assert math.isclose(price["old"], 0.12 / 3.6e6) and math.isclose(price["new"], 0.15 / 3.6e6)  # SI: USD/J
    assert math.isclose(price["relative_change"], 0.25)
    _, text = _run(specs["a"], specs["b"], "text")
    assert "param energy_price: 0.12 USD/kWh -> 0.15 USD/kWh (+0.03 USD/kWh, +25.0%)" in text
    assert "param racks: 4 -> 8 (+4, +100.0%)" in text
    assert text.index("inputs:") < text.index("KPIs:") < text.index("cost by part")


def test_rows_sum_to_the_kpi_changes(ab) -> None:
    _, doc = ab
    kpis = {k["path"]: k for k in doc["kpis"]}
    site = "headquarters"
    capex = sum(r["change"] for r in doc["costs"] if r["site"] == site and r["cost"] == "capex")
    opex = sum(r["change"] for r in doc["costs"] if r["site"] == site and r["cost"] == "opex")
    assert math.isclose(capex, kpis[f"{site}.capex"]["change"], rel_tol=1e-9)
    assert math.isclose(opex, kpis[f"{site}.opex"]["change"] * SECONDS_PER_YEAR, rel_tol=1e-9)   # USD/s -> /yr


def test_b_to_a_is_the_negation_of_a_to_b(specs, ab) -> None:
    _, forward = ab
    _, back = _run(specs["b"], specs["a"])
    swap = {"old": "new", "new": "old", "old_count": "new_count", "new_count": "old_count",
            "old_unpriced": "new_unpriced", "new_unpriced": "old_unpriced", "old_quantity": "new_quantity",
            "new_quantity": "old_quantity", "old_group_count": "new_group_count", "new_group_count": "old_group_count"}
    rows = {r["item"]: r for r in back["costs"]}
    assert set(rows) == {r["item"] for r in forward["costs"]}
    for r in forward["costs"]:
        b = rows[r["item"]]
        assert all(b[swap.get(k, k)] == v for k, v in r.items() if k != "change"), r["item"]
        assert b["change"] == pytest.approx(-r["change"], rel=1e-12)
    assert {i["name"]: (i["old"], i["new"]) for i in back["inputs"]} == \
        {i["name"]: (i["new"], i["old"]) for i in forward["inputs"]}


def test_doubling_a_count_doubles_exactly_that_row(specs) -> None:
    result, doc = _run(specs["a"], specs["cpus"])
    assert result.exit_code == 3, result.output
    parts = [r for r in doc["costs"] if ":" not in r["item"]]          # part rows (model rows: plant per W)
    assert [r["item"] for r in parts] == ["headquarters.server_room.gpu.node.host"]
    cpu = parts[0]
    # 4 racks x 2 servers x 2 CPUs = 16 -> 32; the cost doubles with them
    assert (cpu["old_count"], cpu["new_count"]) == (16, 32)
    assert cpu["new"] == 2 * cpu["old"] and cpu["change"] == cpu["old"] > 0
    assert doc["inputs"] == []


def _printed_rows_and_total(text: str, section: str) -> tuple[list[int], int]:
    """The printed changes of one section of the text output (`headquarters: capex`) and its total."""
    block = text.split(f"  {section}\n", 1)[1]
    rows, total = [], None
    for line in block.splitlines():
        if line.strip().startswith("total"):
            total = int(re.search(r"([+-])\$([\d,]+)", line).group(0).replace(",", "").replace("$", ""))
            break
        m = re.search(r"\s([+-])\$([\d,]+)(/mo)?$", line)
        if m and line.strip()[:1] in "+-~":
            rows.append(int(m.group(1) + m.group(2).replace(",", "")))
    return rows, total


def test_the_printed_total_is_the_sum_of_the_printed_rows_and_output_is_deterministic(specs) -> None:
    _, text = _run(specs["a"], specs["b"], "text")
    for section in ("headquarters: capex", "headquarters: opex per month"):
        rows, total = _printed_rows_and_total(text, section)
        assert rows and total == sum(rows), section
    first = _run(specs["a"], specs["b"], "markdown")[1]
    assert first == _run(specs["a"], specs["b"], "markdown")[1]
    assert "| input | before | after | change |" in first and "Capex by part of `headquarters`" in first
    assert first.index("| input |") < first.index("| KPI |") < first.index("Capex by part")


def test_an_unpriced_part_is_shown_as_unpriced_not_as_a_saving(specs) -> None:
    _, doc = _run(specs["a"], specs["unpriced"])
    (row,) = [r for r in doc["costs"] if r["item"].endswith(".nvme")]
    assert row["new_unpriced"] and row["new"] == 0 and row["old"] is None and row["new_count"] == 64  # 4 x 2 x 8
    _, text = _run(specs["a"], specs["unpriced"], "text")
    line = next(x for x in text.splitlines() if ".nvme" in x and "unpriced" in x)
    assert "n/a (unpriced)" in line and "-$" not in line
    assert "not counting 1 unpriced row(s)" in text


def test_two_values_that_print_the_same_are_told_apart() -> None:
    # 1.08259 and 1.082591 both print "1.083" at four digits
    old, new = _fmt_pair(1.0825900, 1.0825908, "1")
    assert old != new and old.startswith("1.08259") and new.startswith("1.08259")
    # $2.40176/h and $2.40184/h both print "$2.40/h"
    old, new = _fmt_pair(2.40176 / 3600, 2.40184 / 3600, "USD/s", "USD/h")
    assert old != new and old.startswith("$2.401") and old.endswith("/h") and new.endswith("/h")
    # 120.001 kW and 120.002 kW in one unit
    old, new = _fmt_pair(120001.0, 120002.0, "W")
    assert (old, new) == ("120.001 kW", "120.002 kW")
    # equal values, and values that already print apart, are as `_fmt` shows them
    assert _fmt_pair(1.5, 1.5, "1") == ("1.5", "1.5") and _fmt_pair(1.0, 2.0, "1") == ("1", "2")


def test_github_format_annotates_inputs_and_cost_totals(specs) -> None:
    result, text = _run(specs["a"], specs["b"], "github")
    assert result.exit_code == 3
    lines = text.splitlines()
    assert all(line.startswith("::") for line in lines)
    racks = next(line for line in lines if "param racks:" in line)        # at the param's line in the new spec
    assert racks.startswith("::notice file=") and ",line=8,col=7,title=factory plan%3A input::" in racks
    assert racks.endswith("::param racks: 4 -> 8 (+4, +100.0%25)")
    _, plain = _run(specs["a"], specs["b"], "text")
    _, total = _printed_rows_and_total(plain, "headquarters: capex")
    capex = next(line for line in lines if "title=factory plan%3A capex of headquarters::" in line)
    assert capex.startswith("::notice file=") and ",line=1,col=1," in capex     # at the new spec (session 16)
    assert capex.endswith(f"::+${total:,}"), capex


def test_power_gear_placed_in_a_hall_is_a_row_of_units_times_price(specs) -> None:
    result, doc = _run(specs["pdu2"], specs["pdu4"])
    assert result.exit_code == 3, result.output
    (pdu,) = [r for r in doc["costs"] if r["item"] == "headquarters.server_room.floor"]
    # 2 -> 4 PDUs at the stdlib's 60,000 USD each
    assert (pdu["category"], pdu["old_count"], pdu["new_count"]) == ("power", 2, 4)
    assert (pdu["old"], pdu["new"], pdu["change"]) == (120_000, 240_000, 120_000)
    kpis = {k["path"]: k for k in doc["kpis"]}
    capex = sum(r["change"] for r in doc["costs"] if r["cost"] == "capex")
    assert math.isclose(capex, kpis["headquarters.capex"]["change"], rel_tol=1e-9)


def test_a_top_level_let_is_an_input(tmp_path) -> None:
    a, b = tmp_path / "a.factory", tmp_path / "b.factory"
    a.write_text(_edit(STARTER, ("param servers_per_rack = 2", "param servers_per_rack = 2\nlet budget = 3 MW * 2")))
    b.write_text(_edit(STARTER, ("param servers_per_rack = 2", "param servers_per_rack = 2\nlet budget = 3 MW * 3")))
    result, doc = _run(a, b)
    assert result.exit_code == 3 and doc["changed"]                    # an input changed: a change (exit 3)
    (budget,) = doc["inputs"]
    assert (budget["kind"], budget["old"], budget["new"], budget["unit"]) == ("let", 6e6, 9e6, "W")
    _, text = _run(a, b, "text")
    assert "let budget: 6 MW -> 9 MW (+3 MW, +50.0%)" in text and "1 input(s), 0 KPI(s) and 0 part(s) change" in text


_MONEY = re.compile(r"(-?)\$([\d,]+(?:\.\d+)?)([kMBT]?)(/yr|/h|/mo)?")
_SUFFIX = {"": 1.0, "k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12}


def _money_values(text: str) -> list[tuple[str, float]]:
    """Every `$` figure of `text` as (what was printed, its value in USD, per year or per hour as printed)."""
    return [(m.group(0), (-1 if m.group(1) else 1) * float(m.group(2).replace(",", "")) * _SUFFIX[m.group(3)])
            for m in _MONEY.finditer(text)]


def test_money_is_printed_to_three_significant_digits_within_half_a_percent() -> None:
    # $0.0261 to the cent read $0.03 (15% off): three significant digits, at least the cents
    assert (format_money(0.0261), format_money(0.5), format_money(2.40176), format_money(12.345)) == \
        ("$0.0261", "$0.50", "$2.40", "$12.35")      # to the cent from $1 to $100 (s15-money: was $2.4, $12.3)
    assert (format_money(999_600.0), format_money(2.716e6), format_money(-0.0324)) == ("$1.00M", "$2.72M", "-$0.0324")
    assert (format_money(2.5e6), format_money(31.0e6), format_money(533.2), format_money(99.996)) == \
        ("$2.50M", "$31.0M", "$533", "$100")        # three significant digits, the zeros kept
    for i in range(-400, 1300):                  # 1e-4 .. 1e13 dollars, 100 values a decade
        value = 10 ** (i / 100) * 1.0007
        ((_, shown),) = _money_values(format_money(value))
        assert abs(shown - value) <= 0.005 * value, (value, format_money(value))


def test_every_printed_money_figure_is_its_json_value_or_marked_rounded(ab) -> None:
    _, doc = ab
    scale = {"USD": {"": 1.0}, "USD/s": {"/yr": SECONDS_PER_YEAR, "/h": 3600.0}}
    values = []                                  # every money figure of the JSON, per year or per hour
    for k in doc["kpis"] + doc.get("inputs", []):
        for per, factor in scale.get(k["unit"], {}).items():
            values += [(per, abs(k[key]) * factor) for key in ("old", "new", "change") if k.get(key) is not None]
    for text in (render_text(doc), render_markdown(doc)):
        start = re.search(r"cost by part \(changed rows\)|(Capex|Opex per month) by part of", text).start()
        head, rest = text[:start], text[start:]          # the cost tables run from there to the rounding note
        figures = [m for m in _MONEY.finditer(head + rest.partition(ROUNDING_NOTE)[2])]
        assert len(figures) >= 10 and ROUNDING_NOTE in rest              # the cost table says it is rounded
        for m in figures:
            ((printed, shown),) = _money_values(m.group(0))
            per = m.group(4) or ""
            assert any(p == per and abs(abs(shown) - v) <= 0.005 * v for p, v in values), printed
    # the change of $/accelerator-hour: $1.02/h -> $1.05/h, +$0.0324/h (to the cent it read +$0.03/h, 8% off)
    (hour,) = [k for k in doc["kpis"] if k["name"] == "cost_per_accelerator_hour"]
    assert f"+{format_money(hour['change'] * 3600)}/h" in render_text(doc) and hour["change"] * 3600 < 0.1


def test_the_energy_row_shows_the_energy_it_pays_for(ab) -> None:
    _, doc = ab
    (energy,) = [r for r in doc["costs"] if r["category"] == "energy"]
    kpis = {k["path"]: k for k in doc["kpis"]}
    year = kpis["headquarters.energy_year"]
    assert energy["quantity_unit"] == "J/yr"
    assert (energy["old_quantity"], energy["new_quantity"]) == (year["old"], year["new"])
    # twice the racks, twice the facility power: twice the energy; opex = energy x price (0.12 -> 0.15 USD/kWh)
    assert math.isclose(energy["new_quantity"], 2 * energy["old_quantity"], rel_tol=1e-9)
    assert math.isclose(energy["old"], energy["old_quantity"] / 3.6e6 * 0.12, rel_tol=1e-9)
    assert math.isclose(energy["new"], energy["new_quantity"] / 3.6e6 * 0.15, rel_tol=1e-9)
    assert all(r["old_quantity"] is None and r["new_quantity"] is None for r in doc["costs"] if r is not energy)
    # the row reads in the unit the KPI table gives energy_year (one unit per quantity across a plan): a
    # 1,643 GWh campus printed "1,643 GWh" among the KPIs and "1,643,000 MWh/yr" in the cost table
    text = render_text(doc)
    kpi = next(x for x in text.splitlines() if "headquarters.energy_year" in x).split()
    old, new = kpi[1:3], kpi[4:6]                          # "path  605.8 MWh/yr -> 1,212 MWh/yr  (...)"
    line = next(x for x in text.splitlines() if "energy (model)" in x)
    assert f"{old[0]} {old[1]} -> {new[0]} {new[1]}" in line and old[1].endswith("/yr"), (line, kpi)


def test_a_hall_heading_shows_its_count_on_each_side(specs) -> None:
    result, doc = _run(specs["hall4"], specs["hall5"])
    assert result.exit_code == 3, result.output
    hall = [r for r in doc["costs"] if r["group"] == "headquarters.server_room"]
    assert hall and all((r["old_group_count"], r["new_group_count"]) == (4, 5) for r in hall)
    assert all(r["old_group_count"] is None for r in doc["costs"] if r["group"] == "headquarters")
    # 4 -> 5 rooms of 64 GPUs: 256 -> 320 chips in the GPU row, its cost x 5/4
    (gpu,) = [r for r in hall if r["item"].endswith(".gpu.node.gpu")]
    assert (gpu["old_count"], gpu["new_count"]) == (256, 320)
    assert math.isclose(gpu["new"], gpu["old"] * 5 / 4, rel_tol=1e-12)
    text = _run(specs["hall4"], specs["hall5"], "text")[1]
    assert "    headquarters.server_room x 4 -> x 5\n" in text and "    headquarters (site)\n" in text
    assert "**headquarters.server_room** x 4 → x 5 |" in _run(specs["hall4"], specs["hall5"], "markdown")[1]
    same = _run(specs["hall4"], specs["cpus"])[1]                      # the room's count is not what changed
    assert "    headquarters.server_room x 4 -> x 1\n" in render_text(same)
