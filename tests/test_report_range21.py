"""Trust: a key figure's range over a sweep's scenarios never shows a flagged scenario's value as a clean end.

The report's key-figure cards give, for a sweep, the spread of each figure over the scenarios ("range 1.223 –
1.236"). The figure shown for the view's scenario carried its flag, but the range's ends were plain numbers: with a
service that cannot run in scenario 0 (tpot_max 1 ms), its site's PUE and TCO count it at the planning draw and are
flagged there (`infeasible-workload`, tests/test_hunt21.py), yet the range printed scenario 0's 1.223 beside the
clean 1.236 with no mark (found by s21-hunt, session 21). Now an end read in a scenario where the figure is flagged
carries the same mark as the figure itself; an end a clean scenario also reaches reads clean; a sweep with no flag
has plain ends.
"""
from __future__ import annotations

import re

from click.testing import CliRunner

from compiler.cli import main
from test_hunt21 import ONE_HALL  # tests/ is on the path

MARK = "⚠ counts a service that cannot run at the site's planning draw"


def _cards(tmp_path, *defines: str) -> dict[str, str]:
    """{key figure's label: its row} of the site's key-figure table in report.md, built with `defines`."""
    spec = tmp_path / "spec.factory"
    spec.write_text(ONE_HALL, encoding="utf-8")
    args = ["build", str(spec), "-o", str(tmp_path / "out")]
    for d in defines:
        args += ["-D", d]
    CliRunner().invoke(main, args)
    text = (tmp_path / "out" / "report.md").read_text(encoding="utf-8").replace("\\(", "(").replace("\\)", ")")
    return {m.group(1): m.group(0) for m in re.finditer(r"^\| ([A-Za-z ]+) \| .*range .*$", text, re.M)}


def _range(row: str) -> tuple[str, str]:
    """The (low, high) ends of a row's range, each with its mark if it has one."""
    low, high = re.search(r"range (.+?) – (.+?) \| `", row).groups()
    return low, high


def test_a_range_end_read_in_a_flagged_scenario_carries_its_flag(tmp_path) -> None:
    # scenario 0 (tpot_max 1 ms): the service cannot run, the site's PUE and TCO are flagged there; scenario 1 clean
    cards = _cards(tmp_path, "tpot_max=[1ms, 50ms]")
    low, high = _range(cards["PUE"])
    # PUE: the flagged scenario gives the lower end (its draw counts the idle service's accelerators), marked
    assert MARK in low and MARK not in high, cards["PUE"]
    low, high = _range(cards["TCO per year"])
    assert MARK in high and MARK not in low, cards["TCO per year"]


def test_the_same_sweep_reversed_marks_the_same_values(tmp_path) -> None:
    """The mark follows the scenario the value comes from, not its position in the sweep."""
    cards = _cards(tmp_path, "tpot_max=[50ms, 1ms]")
    low, high = _range(cards["PUE"])
    assert MARK in low and MARK not in high, cards["PUE"]


def test_a_clean_sweep_has_plain_ends(tmp_path) -> None:
    cards = _cards(tmp_path, "tpot_max=[50ms, 80ms]", "prompt=[1000tok, 2000tok]")
    assert cards, "the sweep shows ranges"
    for row in cards.values():
        assert "⚠" not in row, row
