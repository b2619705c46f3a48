"""`factory plan` as a platform team runs it in CI (s18-huntci): defects found by planning small specs.

One tiny spec (a site of DGX H100 racks, no workload: about 0.2 s an evaluation) serves every test; each test
says the defect it guards with the numbers before and after the fix.
"""
from __future__ import annotations

from compiler.plan import compare, exit_code, snapshot

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
