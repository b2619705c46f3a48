"""`factory plan --policy` judges the new state (s16-ci2), as Terraform's Sentinel / OPA policies and Infracost's
guardrails judge a plan's resulting state, not only its diff: plan(A, A) where A already breaks a `max` or `min`
exits 4, not 0, so a spec over its budget fails every pull request until the spec or the gate changes. Until
session 16 docs/ci.md's exit table said 0 = "no change" and left the order of 4 and 0 unsaid; the violation did not
say it was there before the change. Now: exit 4, the message says the old spec breaks the gate too (so a reviewer
sees the change did not cause it), and docs/ci.md says 4 takes precedence over 0.

Hand figures: 8 racks x 4 DGX H100 at the site of tests/test_cost_per_token.py: facility power 385.2 kW (above a
1 kW max, and above it in the old spec too); a `max` of 1 MW is met on both sides."""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main
from test_cost_per_token import TWO_TYPES   # tests/ is on the path

ROOT = Path(__file__).resolve().parents[1]


def _plan(tmp_path, old: str, new: str, policy: str, fmt: str = "json"):
    a, b, p = tmp_path / "a.factory", tmp_path / "b.factory", tmp_path / "policy.toml"
    a.write_text(old)
    b.write_text(new)
    p.write_text(policy)
    return CliRunner().invoke(main, ["plan", str(a), str(b), "--policy", str(p), "--format", fmt])


def test_an_unchanged_spec_that_breaks_a_bound_exits_4_and_says_it_was_broken_before(tmp_path) -> None:
    spec = TWO_TYPES % ""
    result = _plan(tmp_path, spec, spec, "[facility_power]\nmax = 1e3\n")
    assert result.exit_code == 4, result.output
    doc = json.loads(result.stdout)
    assert not doc["changed"]
    (gate,) = [g for g in doc["policy"] if not g["ok"]]
    assert "385.2 kW is above max 1 kW" in gate["message"]
    assert "the old spec breaks it too" in gate["message"], gate["message"]
    met = _plan(tmp_path, spec, spec, "[facility_power]\nmax = 1e6\n")
    assert met.exit_code == 0, met.output                      # a gate met on an unchanged spec: no change


def test_a_change_that_breaks_a_bound_says_nothing_of_before(tmp_path) -> None:
    spec = TWO_TYPES % ""
    result = _plan(tmp_path, spec, spec.replace("x 8\n", "x 9\n"), "[facility_power]\nmax = 400e3\n")
    assert result.exit_code == 4, result.output
    (gate,) = [g for g in json.loads(result.stdout)["policy"] if not g["ok"]]
    assert "433.3 kW is above max 400 kW" in gate["message"] and "old spec" not in gate["message"], gate


def test_the_exit_table_says_4_wins_over_0() -> None:
    text = (ROOT / "docs" / "ci.md").read_text()
    assert "4 over 3 and over 0" in text
