"""Session 15 money audit (s15-money): how money prints, the land's cost of capital in the TCO, the CRAH capex, and a
hand audit of the cost and $/Mtok figures of examples/inference_shootout.factory and examples/enterprise_starter.factory.
Each test is a law or a hand calculation written out here, never the value the example sets."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_files
from compiler.display import format_money
from compiler.render import report
from compiler.render.results import results_json

ROOT = Path(__file__).resolve().parent.parent
YEAR = 365 * 86400.0
HOUR = 3600.0
EXAMPLES = ("examples/inference_shootout.factory", "examples/enterprise_starter.factory")
# a printed dollar figure: sign, digits, decimals, suffix
_MONEY = re.compile(r"(-?)\$([\d,]+)(?:\.(\d+))?([kMBT]?)(?![\d.])")


def _v(results, path: str) -> float:
    return float(results.values[path].ravel()[0])


@pytest.fixture(scope="module", params=EXAMPLES)
def built(request):
    results, sink = evaluate_files([str(ROOT / request.param)])
    assert results is not None, [d.message for d in sink.items]
    context = report.report_context(results, request.param, sink)
    markdown = report.render_markdown(results, request.param, sink, context=context)
    return request.param, results, sink, markdown


# ------------------------------------------------------------------------------------ money printing
def test_money_below_a_hundred_dollars_prints_its_cents() -> None:
    """Was `$2.4` for 2.40176 and `$13` for 12.95 (three significant digits with the zeros stripped: the reader of
    `$13 / Mtok` beside `$3.61 / Mtok` cannot tell 13 from 13.00). To the cent from $1 to $100; three significant
    digits with the zeros kept from $100 ($2.50M, not $2.5M); below $1 at least the cents."""
    assert format_money(2.40176) == "$2.40"
    assert format_money(12.95) == "$12.95"
    assert format_money(13.0) == "$13.00"
    assert format_money(57.6834) == "$57.68"
    assert format_money(0.5) == "$0.50"
    assert format_money(0.107) == "$0.107"
    assert format_money(2.5e6) == "$2.50M"
    assert format_money(40e6) == "$40.0M"
    assert format_money(240.4) == "$240"
    assert format_money(0.0) == "$0"


def test_every_money_figure_in_the_reports_shows_its_precision(built) -> None:
    """Law over the two audited reports: a dollar figure without a suffix between $1 and $100 has exactly two
    decimals; one with a suffix has three significant digits (no dropped zero)."""
    spec, _, _, markdown = built
    figures = markdown.split("<summary>Model assumptions")[0]          # the assumptions' sources are prose
    figures = "\n".join(line for line in figures.splitlines() if not line.startswith("Money is printed"))
    seen = 0
    for sign, whole, decimals, suffix in _MONEY.findall(figures):
        digits = whole.replace(",", "")
        if digits == "0" and not decimals:
            continue                                        # $0
        seen += 1
        if suffix:
            assert len((digits + (decimals or "")).lstrip("0")) >= 3, (spec, whole, decimals, suffix)
        elif 1 <= int(digits) < 100:
            assert decimals is not None and len(decimals) == 2, (spec, f"${whole}.{decimals}")
    assert seen > 5, spec


def test_the_json_keeps_money_numeric(built) -> None:
    """The formatter is for text only: results.json's money (USD, USD/s, USD/tok) stays a number (or null where
    absent), never a string."""
    spec, results, _, _ = built
    doc = json.loads(json.dumps(results_json(results, spec, [])))
    money = {p: q for p, q in doc["quantities"].items() if q["unit"].startswith("USD")}
    assert money, spec
    for path, quantity in money.items():
        for value in quantity["values"]:
            assert value is None or isinstance(value, float), (path, value)

