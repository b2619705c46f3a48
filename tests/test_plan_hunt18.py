"""`factory plan` as a platform team runs it in CI (s18-huntci): defects found by planning small specs.

One tiny spec (a site of DGX H100 racks, no workload: about 0.2 s an evaluation) serves every test; each test
says the defect it guards with the numbers before and after the fix.
"""
from __future__ import annotations

from compiler.plan import Snapshot, compare, exit_code, snapshot

SPEC = """from systems import DGX_H100_rack
param racks = %s
site s {
  land_price = 0 USD
  electricity_price = 0.08 USD/kWh
  hall h {
    rack r: DGX_H100_rack x racks
%s  }
}
"""


def _snap(tmp_path, name: str, text: str, scenario: int = 0):
    path = tmp_path / f"{name}.factory"
    path.write_text(text)
    return snapshot([str(path)], str(path), {}, None, scenario)


def test_two_checks_of_one_name_are_compared_as_two(tmp_path) -> None:
    """Two asserts of one block with the same message have the same check name (`s.h: fits`). The plan kept the
    checks in a dict by name, so the last one's result stood for both: adding `assert racks >= 3, "fits"` (failing,
    racks = 2) before the passing `assert racks >= 1, "fits"` planned as "No change to the plan's figures, parts or
    checks." with `failing: []`, `newly_failing: []` and `added: []`, while `factory check` failed on it (exit 1).
    Laws: every check of the new spec is compared (the plan's failing checks number those the results JSON marks
    failing); a check added is listed as added; a spec against itself is still no change."""
    passing = '    assert racks >= 1, "fits"\n'
    failing = '    assert racks >= 3, "fits"\n'
    old = _snap(tmp_path, "old", SPEC % ("2", passing))
    new = _snap(tmp_path, "new", SPEC % ("2", failing + passing))
    both = _snap(tmp_path, "both", SPEC % ("2", passing + passing.replace(">= 1", ">= 2")))   # two passing ones
    doc = compare(old, new)
    assert exit_code(doc, "error") == 1                       # the new spec fails an assert
    assert len(doc["checks"]["failing"]) == 1, doc["checks"]
    assert doc["checks"]["newly_failing"] or doc["checks"]["added"], doc["checks"]
    assert doc["changed"]
    doc = compare(new, new)
    assert not doc["changed"] and len(doc["checks"]["failing"]) == 1, doc["checks"]
    assert exit_code(compare(both, both), "error") == 0
    doc = compare(old, both)                                  # a second passing one added is a change
    assert doc["checks"]["added"] and doc["changed"] and exit_code(doc, "error") == 3, doc["checks"]


def test_a_policy_gate_judges_every_scenario_of_a_sweep(tmp_path) -> None:
    """A sweep `racks = [2, 4]` -> `[2, 5]` with the gates `[facility_power] max = 150 kW` and `max_increase = "10%"`.
    The plan compares scenario 1 (racks = 2, unchanged) and judged the gates there only: "policy: 2 of 2 gates met",
    exit 3, while scenario 2 (racks = 5) breaks both. The doc says `--scenario` "does not scope the exit code" (an
    assert failing in scenario 2 only already exits 1); the gates now judge the same way.
    Hand figures (tests/test_plan_policy16.py's DGX H100 racks: 385.2 kW at the meter for 8, 48.15 kW a rack): 4
    racks 192.6 kW, 5 racks 240.7 kW (above 150 kW; +25% over 4, above 10%); 2 racks 96.3 kW (meets both).
    Laws: a gate met at every scenario is met (exit 3); one broken at any scenario is violated (exit 4) and names it;
    `--scenario 2` reports the same violation at the scenario it compares.
    (Session 19, s19-plancolo: scenarios are paired by their params' values, so racks = 5 is a scenario the change
    adds and racks = 4 one it removes, not a change of one scenario from 4 to 5 racks: the bound is broken there,
    the change gate has no old figure to measure from there and is met.)"""
    old = _snap(tmp_path, "old", SPEC % ("[2, 4]", ""))
    new = _snap(tmp_path, "new", SPEC % ("[2, 5]", ""))
    policy = {"facility_power": {"max": ("absolute", 150e3), "max_increase": ("relative", 0.10)}}
    doc = compare(old, new, policy)
    assert [g["ok"] for g in doc["policy"]] == [False, True], doc["policy"]
    assert exit_code(doc, "error") == 4
    assert (doc["scenarios"]["added"], doc["scenarios"]["removed"]) == (["scenario 2 of 2 (racks = 5)"],
                                                                        ["scenario 2 of 2 (racks = 4)"])
    bound = next(g for g in doc["policy"] if g["gate"] == "max")
    assert bound["scenario"] == 2 and "scenario 2 of 2 (racks = 5)" in bound["message"], bound
    assert "240.7 kW is above max 150 kW" in bound["message"], bound
    roomy = {"facility_power": {"max": ("absolute", 250e3), "max_increase": ("relative", 0.30)}}
    assert all(g["ok"] for g in compare(old, new, roomy)["policy"])            # met in every scenario: met
    new2 = _snap(tmp_path, "new2", SPEC % ("[2, 5]", ""), 1)
    old2 = snapshot([str(tmp_path / "old.factory")], "old2", {}, None, 1, new2)
    at2 = compare(old2, new2, policy, scenario=1)
    assert old2.unpaired and [g["ok"] for g in at2["policy"]] == [False, True]
    assert all(g["scenario"] is None for g in at2["policy"])


def test_a_gate_written_with_its_unit_is_judged_in_that_unit(tmp_path) -> None:
    """A gate's number is in SI units, and the per-year KPIs are not per year in SI: `tco_year` and `opex` are USD/s,
    `usd_per_mtok` USD/tok. A platform team's `[tco_year] max = 500000` (meaning $500k a year) was a limit of
    500,000 USD/s ($15.8T/yr) and passed a TCO of $849k/yr, printed only as "policy: 1 of 1 gates met"; a gate
    could not be written in the unit the plan prints (`max = "500000 USD/yr"` exited 2, "expected a number").
    Now a gate may be a quantity with its unit, `"500000 USD/yr"`, `"150 kW"` (`"10%"` stays relative); a per-year
    KPI held in J or m^3 (`energy_year`, `water_year`) takes a rate (`"500 MWh/yr"`); a unit of another dimension
    is an error in the policy file at its line (exit 2; a violated gate, exit 4, until session 25). Hand figures: 2 DGX H100 racks at 96.3 kW at the meter (tests/test_plan_policy16.py:
    385.2 kW for 8); `tco_year` $849k/yr (read from the plan: between $500k and $2M a year); energy below the peak's
    96.3 kW x 8760 h = 843.6 MWh/yr and above half of it."""
    from compiler.plan import PlanError, load_policy

    spec = _snap(tmp_path, "two", SPEC % ("2", ""))

    def judged(text: str) -> list[tuple[bool, str]]:
        path = tmp_path / "policy.toml"
        path.write_text(text)
        return [(g["ok"], g["message"]) for g in compare(spec, spec, load_policy(str(path)))["policy"]]

    tco = spec.kpis["s.tco_year"][3] * 365 * 86400
    assert 500e3 < tco < 2e6, tco
    assert [ok for ok, _ in judged('[tco_year]\nmax = "500000 USD/yr"\n')] == [False]
    assert [ok for ok, _ in judged('[tco_year]\nmax = "2e6 USD/yr"\n')] == [True]
    assert [ok for ok, _ in judged('[facility_power]\nmax = "90 kW"\nmin = "0.09 MW"\n')] == [False, True]
    assert [ok for ok, _ in judged('[energy_year]\nmax = "843.6 MWh/yr"\nmin = "421.8 MWh/yr"\n')] == [True, True]
    assert [ok for ok, _ in judged('[energy_year]\nmax = "421.8 MWh/yr"\n')] == [False]
    assert [ok for ok, _ in judged('[facility_power]\nmax_increase = "1 kW"\n')] == [True]
    (tmp_path / "dim.toml").write_text('[facility_power]\nmax = "150 USD"\n')    # session 25: exit 2, at its line
    try:
        load_policy(str(tmp_path / "dim.toml"))
    except PlanError as exc:
        assert "dim.toml:2:1:" in str(exc) and "150 USD" in str(exc) and "power" in str(exc), exc
    else:
        raise AssertionError("a unit of another dimension is an error in the policy file (exit 2)")
    (tmp_path / "bad.toml").write_text('[tco_year]\nmax = "5 parsecs"\n')
    try:
        load_policy(str(tmp_path / "bad.toml"))
    except PlanError as exc:
        assert "parsecs" in str(exc)
    else:
        raise AssertionError("an unknown unit is a usage error (exit 2)")


def test_the_markdown_comment_fits_githubs_limit() -> None:
    """GitHub refuses a comment over 65,536 characters ("Body is too long", the REST API's 422), so the workflow's
    comment step failed and the pull request had no plan. A campus of 300 halls (`hall_number_000_of_the_big_campus`
    .. 299) of DGX H100 racks, 2 -> 3 racks a hall, planned as a Markdown comment of 199,700 characters (56 s to
    plan; here the same shape is built from snapshots: 3,000 parts whose count changes). Laws: the comment is at most
    65,536 characters, starts with its marker, keeps the headline and the KPI table, closes every `<details>` it
    opens, and says what it left out and where to find it; a comment under the limit is not cut."""
    from compiler.plan import MARKDOWN_LIMIT, Part, comment_marker, render_markdown

    def side(n: float, halls: int = 3000) -> Snapshot:
        parts = {f"s.hall_number_{i:04d}_of_the_big_campus.r": Part("rack", "DGX_H100_rack", n, {}) for i in range(halls)}
        return Snapshot("campus.factory", True, kpis={"s.capex": ("capex", "USD", "USD", 1e6 * n)}, parts=parts)

    doc = compare(side(2.0), side(3.0))
    text = render_markdown(doc)
    assert len(text) <= MARKDOWN_LIMIT <= 65536, len(text)
    assert text.startswith(comment_marker("campus.factory"))
    assert "| capex | `s` | $2.00M | $3.00M |" in text                     # the KPI table stands
    assert text.count("<details>") == text.count("</details>")
    assert "left out" in text.splitlines()[-1] and "--format json" in text.splitlines()[-1], text.splitlines()[-1]
    small = render_markdown(compare(side(2.0, 5), side(3.0, 5)))
    assert "left out" not in small and small.count("hall_number_") == 5


def test_deleting_the_failing_one_of_two_checks_of_one_name_is_no_fix(tmp_path) -> None:
    """Two asserts of one message named by occurrence (`fits`, `fits (2)`): deleting the first, failing one read as
    `fits` fixed (the passing second became the first) and `fits (2)` removed, where docs/ci.md promises a failing
    assert deleted is listed as removed, "(was failing)", never as fixed. Law: checks of one name are told apart by
    their condition; deleting one is its removal, with its state, and the other is unchanged or renamed, never
    fixed."""
    passing = '    assert racks >= 1, "fits"\n'
    failing = '    assert racks >= 3, "fits"\n'
    old = _snap(tmp_path, "old", SPEC % ("2", failing + passing))
    new = _snap(tmp_path, "new", SPEC % ("2", passing))
    doc = compare(old, new)
    assert not doc["checks"]["fixed"], doc["checks"]
    assert doc["checks"]["removed_failing"] == ["s.h: fits [racks >= 3]"], doc["checks"]
