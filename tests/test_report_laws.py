"""Laws of the report a finance reader signs from, for every shipped example (examples/ and
examples/published/): a figure a warning is about is marked where it is shown; the same figure reads the
same everywhere in one report; breakdown totals are the model's totals and the rows add up to them as
printed (to the stated rounding); every number in report.md carries its unit; a figure with no value says
why; the assumptions that shape the money figures are printed beside them.

Each example is evaluated once (no diagrams drawn: they do not change report.md), so the file runs in a few
CPU seconds a spec."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_files
from compiler.render import report
from compiler.render.report_format import flagged_quantities
from compiler.render.report_sections import WORKLOAD_COLUMNS

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.factory")) + sorted((ROOT / "examples" / "published").glob("*.factory"))


@pytest.fixture(scope="module", params=EXAMPLES, ids=lambda p: p.stem)
def built(request):
    spec = str(request.param.relative_to(ROOT))
    results, sink = evaluate_files([str(request.param)])
    assert results is not None, [d.message for d in sink.items]
    context = report.report_context(results, spec, sink)
    markdown = report.render_markdown(results, spec, sink, context=context)
    return results, sink, context, markdown


def test_every_figure_a_warning_is_about_is_marked_where_shown(built) -> None:
    """A workload-table cell or a key figure whose quantity a diagnostic names (or was computed from one)
    carries the warning sign and its reason; no other cell does."""
    results, sink, context, _ = built
    flags = flagged_quantities(results, sink)
    for subject in context["subjects"]:
        for card in subject["kpis"]:
            path = f"{subject['path']}.{card['key']}"
            if card["available"]:
                assert ("⚠" in card["text"]) == (path in flags), (path, card["text"])
        for table in subject["workload_tables"]:
            names = [n for n, _, _ in WORKLOAD_COLUMNS[table["kind"]]
                     if n in _column_keys(table)]
            for row in table["rows"]:
                for name, cell in zip(names, row["cells"]):
                    path = f"{subject['path']}.{row['name']}.{name}"
                    if cell not in ("—",) and "n/a" not in cell:
                        assert ("⚠" in cell) == (path in flags), (path, cell)


def _column_keys(table) -> list[str]:
    labels = {label: name for name, label, _ in WORKLOAD_COLUMNS[table["kind"]]}
    return [labels[c] for c in table["columns"]]


def test_an_unpriced_part_marks_the_cost_it_leaves_incomplete() -> None:
    """The Rubin run's system has unpriced parts (an `unpriced` warning names its cost): the report says so
    beside the cost instead of printing a clean number; the GB200 run, fully priced, is not marked."""
    results, sink = evaluate_files([str(ROOT / "examples" / "moe_training_rubin_vs_blackwell.factory")])
    context = report.report_context(results, "x.factory", sink)
    rows = {r["name"]: r for t in context["subjects"][0]["workload_tables"] for r in t["rows"]}
    assert "unpriced parts as $0" in rows["rubin_fp4"]["cells"][-1]
    assert "⚠" not in rows["gb200_run"]["cells"][-1]


def _shown(context) -> list[tuple[str, str, str]]:
    """(output path, where, text) of every figure the report shows for a known output path."""
    out = []
    for subject in context["subjects"]:
        for card in subject["kpis"]:
            if card["available"]:
                out.append((f"{subject['path']}.{card['key']}", "key figures", card["text"]))
        for table in subject["workload_tables"]:
            for row in table["rows"]:
                for name, cell in zip(_column_keys(table), row["cells"]):
                    if "(default)" not in cell:
                        out.append((f"{subject['path']}.{row['name']}.{name}", table["title"], cell))
        for workload in subject["workloads"]:
            for field in workload["fields"]:
                out.append((field["path"], f"workload {workload['name']}", field["value"]))
    return out


def test_the_same_figure_reads_the_same_everywhere_in_one_report(built) -> None:
    """One output, one text: the key figures, the workload comparison tables and each workload's own table
    show a figure in one style (MFU 17.5% in both tables, never 0.1754 in one of them)."""
    _, _, context, _ = built
    seen: dict[str, tuple[str, str]] = {}
    for path, where, text in _shown(context):
        if path in seen:
            assert seen[path][1] == text, (path, seen[path], (where, text))
        seen.setdefault(path, (where, text))


def test_a_share_reads_as_a_percentage(built) -> None:
    """Every output declared a fraction (MFU, goodput, utilizations) is printed with its % sign."""
    results, _, context, _ = built
    for subject in context["subjects"]:
        for workload in subject["workloads"]:
            for field in workload["fields"]:
                node = results.graph.nodes.get(field["path"])
                if node is not None and getattr(node, "display", "") == "fraction" and field["value"][:1].isdigit():
                    assert field["value"].split(" ")[0].endswith("%"), (field["path"], field["value"])


_MONEY = re.compile(r"^-?\$([0-9.,]+)([kMBT]?)")
_SI = {"": 1.0, "k": 1e3, "M": 1e6, "B": 1e9, "T": 1e12, "G": 1e9, "m": 1e-3, "u": 1e-6, "µ": 1e-6}


def _number(text: str) -> float:
    """The value a breakdown cell prints, in the cell's own unit family ($, $/yr, W): "$1.62B / yr" ->
    1.62e9, "12.96 MW" -> 12.96e6, "500 W" -> 500."""
    text = text.split(" (⚠")[0]
    m = _MONEY.match(text)
    if m:
        return float(m.group(1).replace(",", "")) * _SI[m.group(2)]
    number, _, unit = text.partition(" ")
    prefix = unit[:-1] if unit.endswith("W") else ""
    return float(number.replace(",", "")) * _SI[prefix]


def _json_values(results, sink, spec) -> dict[str, float]:
    import json

    from compiler.render.results import render_results
    data = json.loads(render_results(results, spec, sink, "json", None))
    return {k: v["values"][0] for k, v in data["quantities"].items() if v.get("values") and
            isinstance(v["values"][0], (int, float))}


@pytest.mark.parametrize("section", ["capex", "year", "component"])
def test_breakdown_rows_add_up_to_the_total_and_the_total_is_results_json(built, section) -> None:
    """Capex by category, cost per year and peak power by component: the printed total is results.json's
    total in the report's style, and the rows as printed add up to it within their printed rounding (each
    at most half a unit of its last digit: 3 significant figures for money, 4 for power)."""
    results, sink, context, _ = built
    values = _json_values(results, sink, context["spec"])
    totals = {"capex": ("capex", "money"), "year": ("tco_year", "money_year"),
              "component": ("facility_power", "power")}
    name, style = totals[section]
    for subject in context["subjects"]:
        table = subject["power" if section == "component" else "cost"].get(section)
        if table is None:
            continue
        total = values[f"{subject['path']}.{name}"]
        assert table["total"].split(" (⚠")[0] == report.fmt(total, style)
        printed = [_number(r["value"]) for r in table["rows"]]
        shown_total = _number(table["total"])
        digits = 3 if style.startswith("money") else 4
        slack = sum(abs(v) for v in printed + [shown_total]) * 5 * 10 ** -digits
        assert abs(sum(printed) - shown_total) <= slack, (section, printed, shown_total)


def test_every_category_the_model_sums_is_a_row(built) -> None:
    """The rows of Capex by category and Cost per year are every figure the model's total reads (its
    `Node.deps`, recorded by the evaluator) and add up to results.json's total exactly: no category is left
    out of the table."""
    from compiler.render.report_sections import CAPEX, COST_YEAR
    results, sink, context, _ = built
    values = _json_values(results, sink, context["spec"])
    for subject in context["subjects"]:
        p = subject["path"]
        opex = tuple(r for r in COST_YEAR if r[0].startswith("opex_"))
        depreciation = tuple(r for r in COST_YEAR if r[0].startswith("depreciation_"))
        for total, rows in (("capex", CAPEX), ("opex", opex), ("depreciation_year", depreciation),
                            ("tco_year", COST_YEAR)):           # tco: depreciation + the land's capital + opex
            node = results.graph.nodes.get(f"{p}.{total}")
            if node is None or f"{p}.{total}" not in values:
                continue
            listed = {f"{p}.{name}" for name, _ in rows}
            if total == "tco_year":                  # it reads the subtotals depreciation_year and opex
                listed |= {f"{p}.depreciation_year", f"{p}.opex"}
            read = {d for d in node.deps if d.rsplit(".", 1)[0] == p and d.rsplit(".", 1)[1].startswith(
                ("capex_", "opex_", "depreciation_", "land_capital_"))}
            assert read <= listed, (total, sorted(read - listed))
            rows_sum = sum(values.get(f"{p}.{name}", 0.0) for name, _ in rows)
            assert rows_sum == pytest.approx(values[f"{p}.{total}"], rel=1e-9)


def test_the_inputs_that_shape_the_money_are_printed_beside_it(built) -> None:
    """Every TCO key figure names the depreciation life, discount rate and electricity price it was computed
    with, and every $ per Mtok the share of hours the service is busy and the life and electricity price (its
    discount rate only where it reads the site's TCO: with no site around it, a service's accelerator-hour is
    straight-line capex / life plus energy, compiler.models.inference.accelerator_cost); each cost-per-year
    row names its own; every key figure names the output path `factory explain` takes."""
    _, _, context, markdown = built
    for subject in context["subjects"]:
        cards = {k["key"]: k for k in subject["kpis"] if k["available"]}
        for key, needed in (("tco_year", ("IT life", "discount rate", "electricity")),
                            ("usd_per_mtok", ("service busy", "IT life", "electricity"))):
            if key in cards:
                assert all(n in cards[key]["basis"] for n in needed), (key, cards[key]["basis"])
        for card in cards.values():
            assert f"`{card['path']}`" in markdown
        for row in (subject["cost"]["year"] or {}).get("rows", []):
            assert row["basis"], row
    assert "factory explain" in markdown


FINANCE_SPEC = """
chip g {
  tdp = 700 W
  price = 30000 USD
}
server box {
  chip gpu: g x 8
  cooling = "air"
}
site s {
  electricity_price = 0.2 USD/kWh
  finance books {
    depreciation_it = 4 yr
    discount_rate = 0.1 / 1 yr
  }
  hall h { rack r x 2 { server n: box x 2 } }
}
"""


def test_the_basis_is_the_finance_block_the_model_read() -> None:
    """Hand case: a `finance` block sets a 4-year IT life at 10%; the site prices electricity at
    $0.20/kWh. The cost rows and TCO say exactly these, not the assumptions' defaults."""
    results, sink = __import__("compiler").evaluate_text(FINANCE_SPEC, "finance.factory")
    assert results is not None, [d.message for d in sink.items]
    subject = report.report_context(results, "finance.factory", sink)["subjects"][0]
    rows = {r["label"]: r["basis"] for r in subject["cost"]["year"]["rows"]}
    assert rows["Depreciation of IT"].startswith("IT life 4 yr, discount rate 10.0%/yr; annuity on ")
    assert rows["Energy"].startswith("electricity 0.2 USD/kWh")
    tco = next(k for k in subject["kpis"] if k["key"] == "tco_year")
    assert "IT life 4 yr" in tco["basis"] and "discount rate 10.0%/yr" in tco["basis"]


def test_the_site_total_of_the_hall_table_is_its_rows(built) -> None:
    """Heat and cooling per hall: for every column the model gives an `_outside_halls` figure for (IT
    power, heat, flows, CDUs, CRAHs, chillers, dry coolers), the site total is each hall times its count plus the
    Outside halls row the table prints (the flagship's 141 CRAHs for its network fabrics: 4 x 52 + 141 = 349); the
    other columns (the site's PUE, and its chillers and dry coolers: one plant sized on the whole site's heat,
    s19-energy) are said not to be sums."""
    from compiler.render.report_format import _View
    from compiler.render.report_sections import HALL_COLUMNS, PLANT_COLUMNS, _walk
    results, _, context, _ = built
    view = _View(results)
    for root in results.graph.roots:
        subject = next((s for s in context["subjects"] if s["path"] == root.path), None)
        if subject is None or not subject["halls"] or subject["halls"]["total"] is None:
            continue
        halls = [h for h in _walk(root, ("site",)) if h.kind == "hall"]
        columns = [(n, label) for n, label, _ in HALL_COLUMNS if label in subject["halls"]["columns"]]
        for name, label in columns:
            outside = view.get(f"{root.path}.{name}_outside_halls")
            if outside is None or name in PLANT_COLUMNS:
                note = subject["halls"]["note"]
                words = label if label[:2].isupper() else label[:1].lower() + label[1:]
                assert not note or words in note.split("; the site's ")[1], (label, note)
                continue
            total = sum((view.get(f"{h.path}.{name}") or 0.0) * view.mult(h, root) for h in halls) + outside
            assert total == pytest.approx(view.get(f"{root.path}.{name}"), rel=1e-9, abs=1e-9), name
        # an Outside halls row is said (a note); a note without one says the plant (chillers, dry coolers) is no sum
        assert not any(r["name"] == "Outside halls" for r in subject["halls"]["rows"]) or subject["halls"]["note"]


_BARE = re.compile(r"-?[0-9][0-9,]*(\.[0-9]+)?")


def test_every_number_with_a_dimension_carries_its_unit(built) -> None:
    """A figure printed as a bare number (no unit, no $, no %) is dimensionless: a count or a ratio (the
    output's SI unit is 1). Everything else carries its unit."""
    results, _, context, _ = built
    fields = [f for s in context["subjects"] for w in s["workloads"] for f in w["fields"]]
    fields += [f for s in context["subjects"] for fab in s["bom"]["fabrics"] for f in fab["fields"]]
    for field in fields:
        if _BARE.fullmatch(field["value"]):
            assert results.units.get(field["path"], "1") in ("1", ""), (field["path"], field["value"])
    for subject in context["subjects"]:
        for card in subject["kpis"]:
            if card["available"] and _BARE.fullmatch(card["text"]):
                assert card["key"] in ("accelerators", "pue"), card


def test_a_figure_with_no_value_says_why(built) -> None:
    """A key figure without a value prints a dash and a reason beside it, never a 0 or a blank; a figure the
    models declare absent (`Results.absent`) prints n/a and its reason."""
    results, _, context, markdown = built
    for subject in context["subjects"]:
        for card in subject["kpis"]:
            if not card["available"]:
                assert card["missing"] and card["text"] == "not modelled", card
                assert f"| {card['label']} | — | " in markdown
        for workload in subject["workloads"]:
            for field in workload["fields"]:
                if field["path"] in getattr(results, "absent", {}):
                    assert field["value"].startswith("n/a (") or not field["value"].startswith("n/a"), field


INFEASIBLE = '''from chips import H100_SXM
from models import Llama3_1_405B

site s {
  inference w {
    model = Llama3_1_405B
    chip = H100_SXM
    accelerators = 1
    scaleup_size = 1
  }
}
'''


def test_an_infeasible_service_shows_n_a_with_its_reason_and_fails_the_build(tmp_path) -> None:
    """Hand case: 405.9 GB of 8-bit weights cannot fit one H100's 72 GB usable. The key figures and the
    service's row keep their columns and print n/a with the reason (not a blank, not 0, not a dropped
    column), and `factory build` exits 1."""
    from click.testing import CliRunner

    from compiler.cli import main
    spec = tmp_path / "inf.factory"
    spec.write_text(INFEASIBLE)
    result = CliRunner().invoke(main, ["build", str(spec), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1, result.output
    markdown = (tmp_path / "out" / "report.md").read_text()
    assert "| Tokens per second | n/a | no value: the weights do not fit" in markdown
    assert "| $ per million tokens | n/a | no value: the weights do not fit" in markdown
    row = next(line for line in markdown.splitlines() if line.startswith("| w |"))
    assert row.count("| n/a ") == 10, row                     # tokens/s ... $ per Mtok, all ten
    assert "w: n/a, the weights do not fit" in markdown


def test_a_sweep_shows_n_a_where_a_scenario_has_no_value_and_no_facility_zeros() -> None:
    """Hand case: 405B at 8 bits on n H100 swept over n = 1, 8: on one GPU the weights do not fit (n/a), on
    eight they do. A spec with no racks has no facility columns (no 0 W, no $0), as its key figures."""
    from compiler import evaluate_text
    text = INFEASIBLE.replace("accelerators = 1", "accelerators = n").replace("scaleup_size = 1", "scaleup_size = n")
    text = text.replace("site s {", "param n = 1\n\nsite s {")
    results, sink = evaluate_text(text, "x.factory", defines={"n": "1..8 step 7"})
    sweep = report.report_context(results, "x.factory", sink)["sweep"]
    assert sweep["columns"] == ["Tokens per second", "Tokens served per second", "$ per million tokens",
                                "Tokens per joule"]
    assert [r["x"] for r in sweep["rows"]] == ["1", "8"]
    assert sweep["rows"][0]["cells"] == ["n/a"] * 4
    assert all(c != "n/a" and c[:1] != "—" for c in sweep["rows"][1]["cells"])


def test_report_bytes_do_not_depend_on_which_graphviz_draws(tmp_path, monkeypatch) -> None:
    """The enterprise starter built with the system `dot` (where there is one), the embedded Graphviz, and
    none at all: report.md and results.json are byte-identical; report.html differs only inside the inlined
    diagrams (the two Graphviz versions lay text out differently, docs/ci.md) and, with no Graphviz, in
    the notes that say the diagrams are DOT text."""
    import shutil

    from click.testing import CliRunner

    from compiler.cli import main
    spec = str(ROOT / "examples" / "enterprise_starter.factory")
    ways = {"embedded": {"FACTORY_GRAPHVIZ": "embedded"}, "none": {"FACTORY_GRAPHVIZ": "system",
                                                                    "PATH": str(tmp_path / "empty")}}
    if shutil.which("dot"):
        ways["system"] = {"FACTORY_GRAPHVIZ": "system"}
    built_files = {}
    for name, env in ways.items():
        with monkeypatch.context() as m:
            for key, value in env.items():
                m.setenv(key, value)
            result = CliRunner().invoke(main, ["build", spec, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        built_files[name] = {f: (tmp_path / name / f).read_bytes() for f in ("report.md", "results.json", "report.html")}
    strip = lambda b: re.sub(rb'<svg class="diagram-svg".*?</svg>', b"SVG", b, flags=re.S)  # noqa: E731
    first = built_files["embedded"]
    for name, files in built_files.items():
        assert files["report.md"] == first["report.md"], name
        assert files["results.json"] == first["results.json"], name
    if "system" in built_files:
        assert strip(built_files["system"]["report.html"]) == strip(first["report.html"])


BOM_UNPRICED = """
chip g {
  tdp = 700 W
  price = 30000 USD
}
chip nopr {
  tdp = 300 W
}
server box {
  chip gpu: g x 8
  chip acc: nopr x 2
  cooling = "air"
}
site s {
  land_price = 0 USD
  hall h x 2 { rack r x 3 { server n: box x 2 } }
}
"""


def test_an_unpriced_part_reads_unpriced_in_the_bill_of_materials() -> None:
    """Hand case: 24 chips without a price, in servers and racks without one: their line says unpriced and
    $0 with the warning (a dash would read as 'inside a system priced as a whole'); the IT capex, $2.88M =
    96 x $30k, is marked incomplete; the priced chips' line is clean."""
    from compiler import evaluate_text
    results, sink = evaluate_text(BOM_UNPRICED, "bom.factory")
    subject = report.report_context(results, "bom.factory", sink)["subjects"][0]
    rows = {r["item"]: r for g in subject["bom"]["groups"] for r in g["rows"]}
    assert (rows["nopr"]["qty"], rows["nopr"]["unit_price"]) == ("24", "unpriced")
    assert rows["nopr"]["total_price"].startswith("$0 (⚠ incomplete")
    assert rows["g"]["total_price"] == report.fmt(96 * 30e3, "money")
    it = next(r for r in subject["cost"]["capex"]["rows"] if r["label"] == "IT equipment")
    assert it["value"].startswith(report.fmt(96 * 30e3, "money") + " (⚠ incomplete")
    assert rows["box"]["unit_price"] == "—"            # not priced as a whole, and no warning: its parts are
    assert subject["bom"]["unpriced"].startswith("Unpriced, counted as $0 in the capex: nopr (chip, 24).")


def test_every_key_figure_and_workload_cell_is_results_json_in_the_report_style(built) -> None:
    """The summary and the tables print results.json's own values (the same figure, one value, in one file
    and the other): each key figure and each workload-table cell is fmt(results.json value, its style)."""
    from compiler.render.report_sections import KPIS
    results, sink, context, _ = built
    values = _json_values(results, sink, context["spec"])
    styles = {k.key: k.style for k in KPIS}
    for subject in context["subjects"]:
        for card in subject["kpis"]:
            if card["available"] and card["text"] != "n/a":
                assert card["text"].split(" (⚠")[0] == report.fmt(values[card["path"]], styles[card["key"]])
        for table in subject["workload_tables"]:
            kinds = {n: st for n, _, st in WORKLOAD_COLUMNS[table["kind"]]}
            for row in table["rows"]:
                for name, cell in zip(_column_keys(table), row["cells"]):
                    path = f"{subject['path']}.{row['name']}.{name}"
                    if kinds[name] and path in values and "(default)" not in cell:
                        assert cell.split(" (⚠")[0] == report.fmt(values[path], kinds[name]), (path, cell)


def test_a_fabric_names_the_parts_it_references(built) -> None:
    """A fabric's `switch` and `transceiver` read as the definitions they name (the flagship's Q3400,
    OSFP_800G_2xDR4), or "model default", never a bare dash."""
    results, _, context, _ = built
    for subject in context["subjects"]:
        for fabric in subject["bom"]["fabrics"]:
            for field in fabric["fields"]:
                node = results.graph.nodes.get(field["path"])
                if node is not None and (getattr(node, "display", "") or "").startswith("ref:"):
                    assert field["value"] not in ("—", ""), field


def test_each_workload_row_says_its_precision_and_layout(built) -> None:
    """As AIConfigurator's table does, each workload row names the precision and the parallel layout its
    figures are for, read from the model's outputs (tp, pp, ...: counts, no units); and report.md says
    where each workload's own figures are when it leaves them to report.html."""
    results, _, context, markdown = built
    for subject in context["subjects"]:
        for table in subject["workload_tables"]:
            for row in table["rows"]:
                path = f"{subject['path']}.{row['name']}"
                given = results.values.get(f"{path}.precision")     # else the models' default, marked so
                assert row["precision"] == given if given else row["precision"] in ("fp8 (default)", "bf16 (default)")
                tp = results.values.get(f"{path}.tp")
                if tp is not None and np.isfinite(tp).all():
                    assert row["layout"].startswith(f"tp {int(tp.reshape(-1)[0]):,}"), row["layout"]
        if len(subject["workloads"]) > 2:
            assert "are in report.html, under Workloads" in markdown


def test_tokens_per_joule_and_tokens_per_s_per_mw_print_the_same_digits(built) -> None:
    """tok/J and tok/s per MW are one SI figure (tok/s / W): a service's row prints the same significant
    digits in both columns (2.254 tok/J beside 2.254 Mtok/s per MW, never 2.25 beside 2.254)."""
    _, _, context, _ = built
    for subject in context["subjects"]:
        for table in subject["workload_tables"]:
            keys = _column_keys(table)
            if "tokens_per_joule" not in keys or "tokens_per_s_per_mw" not in keys:
                continue
            for row in table["rows"]:
                per_j = row["cells"][keys.index("tokens_per_joule")].split(" ")[0]
                per_mw = row["cells"][keys.index("tokens_per_s_per_mw")].split(" ")[0]
                if per_j != "n/a":
                    digits = lambda t: t.replace(",", "").replace(".", "").lstrip("0")  # noqa: E731
                    assert digits(per_j) == digits(per_mw), (row["name"], per_j, per_mw)


def test_a_figure_computed_from_an_implausible_input_is_marked() -> None:
    """Hand case: the starter at 120 USD/kWh (a unit slip for 0.12, beyond 10x the published 0.0575-0.4239
    USD/kWh): the `implausible-value` warning names the input, so the energy cost and the TCO computed
    from it are marked beside their numbers; the capex, which does not read it, is not."""
    text = (ROOT / "examples" / "enterprise_starter.factory").read_text()
    text = text.replace("param energy_price = 0.12 USD/kWh", "param energy_price = 120 USD/kWh")
    from compiler import evaluate_text
    results, sink = evaluate_text(text, str(ROOT / "examples" / "starter_slip.factory"))
    assert any(d.code == "implausible-value" for d in sink.items)
    subject = report.report_context(results, "x.factory", sink)["subjects"][0]
    cards = {k["key"]: k["text"] for k in subject["kpis"]}
    assert "outside its published range" in cards["tco_year"]
    assert "⚠" not in cards["capex"]
    energy = next(r for r in subject["cost"]["year"]["rows"] if r["label"] == "Energy")
    assert "outside its published range" in energy["value"] and "electricity 120 USD/kWh" in energy["basis"]


def test_the_network_capex_points_to_the_fabric_tables_it_adds(built) -> None:
    """Capex by category's Network and Optics rows name the fabrics whose capex they add, and each named
    fabric has its table in the report (a reader can find where $416M of network came from)."""
    _, _, context, _ = built
    for subject in context["subjects"]:
        tables = {f["name"] for f in subject["bom"]["fabrics"]}
        for row in (subject["cost"]["capex"] or {}).get("rows", []):
            if row["label"] in ("Network", "Optics and cables") and row["basis"]:
                named = row["basis"].removeprefix("fabrics ").split(" (")[0].split(", ")
                assert set(named) <= tables, (named, tables)


@pytest.mark.parametrize("name", ["flagship_campus", "inference_shootout"])
def test_report_md_is_byte_identical_across_processes(tmp_path, name) -> None:
    """Two `factory build` processes with different string-hash seeds (set and dict orders that depend on
    them would show) write the same report.md and results.json."""
    import os
    import subprocess
    import sys
    outs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT), "FACTORY_GRAPHVIZ": "system",
               "PATH": str(tmp_path / "empty")}               # no diagrams drawn: they are not what is tested
        done = subprocess.run([sys.executable, "-m", "compiler.cli", "build", f"examples/{name}.factory", "-o",
                               str(out)], cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
        outs.append({f: (out / f).read_bytes() for f in ("report.md", "results.json", "report.html")})
    assert outs[0] == outs[1]


def test_each_sweep_row_says_which_checks_fail_there() -> None:
    """Hand case: the starter swept over racks = 2..8 step 2 (two servers a rack): its assert 'four racks of
    two 8-GPU servers' (gpus == 64) holds at 4 racks only, and the 120 kW feed is exceeded at 6 and 8 racks
    (138 kW and 184 kW at the meter). Each row of the sweep table says so, by the scenario it is."""
    from compiler import evaluate_files
    results, sink = evaluate_files([str(ROOT / "examples" / "enterprise_starter.factory")],
                                   defines={"racks": "2..8 step 2"})
    rows = report.report_context(results, "s.factory", sink)["sweep"]["rows"]
    assert [r["x"] for r in rows] == ["2", "4", "6", "8"]
    assert [r["ok"] for r in rows] == [False, True, False, False]
    assert "four racks of two 8-GPU servers" in rows[0]["checks"] and rows[1]["checks"] == "all pass"
    assert "feed" in rows[3]["checks"]
