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
    labels = dict((label, name) for name, label, _ in WORKLOAD_COLUMNS[table["kind"]])
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
