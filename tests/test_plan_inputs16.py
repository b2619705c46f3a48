"""`factory plan`'s inputs (s16-ci2): the change of a percent quantity is in percentage points.

`param util = 40 %` -> `45 %` printed `(+5 %, +12.5%)`: two percentages side by side, one absolute and one relative,
which a reader cannot tell apart (is the change 5 % of 40 %?). Hand calculation: 45 % - 40 % = 5 percentage points;
(0.45 - 0.40) / 0.40 = +12.5 %. The absolute change of a quantity written in % now reads `+5 pp`, in text, Markdown
and GitHub, while the relative change keeps its `%`.
"""
from __future__ import annotations

import json

from click.testing import CliRunner

from compiler.cli import main

SPEC = "param util = {u}\nparam n = {n}\nsite s {{\n  hall h {{ rack r x 2 {{ power_limit = 30 kW }} }}\n}}\n"


def _plan(tmp_path, fmt: str, old=("40 %", "2"), new=("45 %", "3")) -> str:
    a, b = tmp_path / "a.factory", tmp_path / "b.factory"
    a.write_text(SPEC.format(u=old[0], n=old[1]))
    b.write_text(SPEC.format(u=new[0], n=new[1]))
    result = CliRunner().invoke(main, ["plan", str(a), str(b), "--format", fmt])
    assert result.exit_code == 3, result.output
    return result.stdout


def test_a_percent_change_is_in_percentage_points(tmp_path) -> None:
    text = _plan(tmp_path, "text")
    assert "param util: 40 % -> 45 % (+5 pp, +12.5%)" in text, text
    assert "param n: 2 -> 3 (+1, +50.0%)" in text, text           # a plain number keeps its plain change
    assert "+5 pp" in _plan(tmp_path, "markdown")
    assert "+5 pp" in _plan(tmp_path, "github")
    down = _plan(tmp_path, "text", old=("45 %", "2"), new=("40 %", "2"))
    assert "param util: 45 % -> 40 % (-5 pp, -11.1%)" in down, down


def test_json_keeps_the_si_fraction(tmp_path) -> None:
    doc = json.loads(_plan(tmp_path, "json"))
    util = {i["name"]: i for i in doc["inputs"]}["util"]
    assert abs(util["change"] - 0.05) < 1e-12 and util["display_unit"] == "%"
