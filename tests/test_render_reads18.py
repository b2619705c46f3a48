"""Renderers only read results, session 18 (s18-render): every number a renderer shows is a model output results
JSON also has, so the table, the report, the diagrams and JSON never disagree.

Laws: (1) `explain` of a sweep marks a figure flagged in some scenarios only with those scenarios (as results JSON's
`flagged.scenarios`), never as flagged in every scenario; (2) each figure the renderers used to compute (shares of a
breakdown's total, the heat to liquid and air as shares of IT, a fabric's switches and power over all its
placements, ...) is a model output in results JSON, and the report and the diagrams print that output.
"""
from __future__ import annotations

import json
import re

from click.testing import CliRunner

from compiler.cli import main
from tests.test_report2_hunt17 import NO_FIT


# ---------------------------------------------------------------------------------------------- explain's flags
def _explain(tmp_path, *args) -> tuple[int, str]:
    spec = tmp_path / "nofit.factory"
    spec.write_text(NO_FIT, encoding="utf-8")
    res = CliRunner().invoke(main, ["explain", str(spec), "s.energy_year", "--depth", "1", *args])
    return res.exit_code, res.stdout


def _flags(tree: dict) -> dict:
    out = {tree["path"]: (tree.get("flagged"), tree.get("flagged_scenarios"))}
    for child in tree.get("inputs") if isinstance(tree.get("inputs"), list) else []:
        out.update(_flags(child))
    return out


def test_explain_of_a_sweep_flags_a_figure_in_the_scenarios_its_flag_holds_in(tmp_path) -> None:
    # acc = [8, 1, 8]: `chat` cannot run at acc=1 (its weights do not fit one chip), and the site's energy bill is
    # flagged there alone (results JSON: flagged.scenarios [1]); explain marked it as flagged in every scenario
    rc, out = _explain(tmp_path, "-D", "acc=[8, 1, 8]", "--format", "json")
    tree = json.loads(out)
    spec = tmp_path / "nofit.factory"
    swept = json.loads(CliRunner().invoke(main, ["eval", str(spec), "-D", "acc=[8, 1, 8]", "--format",
                                                 "json"]).stdout)
    flags = _flags(tree)
    assert flags["s.energy_year"][0] and flags["s.energy_year"][1] == [1], flags
    for path, (why, scenarios) in flags.items():
        flagged = swept["quantities"][path].get("flagged")
        assert bool(why) == bool(flagged), path
        if flagged:
            assert scenarios == flagged.get("scenarios"), (path, scenarios, flagged)
    # the text names the scenario, as eval's table does
    rc, text = _explain(tmp_path, "-D", "acc=[8, 1, 8]")
    first = text.splitlines()[0]
    assert "⚠" in first and "in 1 of 3 scenarios: acc=1" in first, first
    # one run: flagged at acc=1 with no scenarios named, clean at acc=8
    rc, one = _explain(tmp_path, "-D", "acc=1")
    assert "⚠" in one.splitlines()[0] and "scenarios" not in one.splitlines()[0], one
    rc, clean = _explain(tmp_path, "-D", "acc=8")
    assert "⚠" not in clean, clean
