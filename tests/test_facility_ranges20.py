"""Facility figures a spec sets: physically absurd values refused, implausible ones warned, at their span (s20-power).

Before: `pue = 96` on a site passed `factory check` (its range was only >= 1) and was flagged, if at all, by the
pue-ceiling limit at the site's name; a chiller's `cop = 60`, a transformer's `efficiency = 0.099` (9.9 % for
99 %), a server's `overhead_fraction = 25` (25 for 25 %), a tower's `water_use = 1.6 m^3/kWh` and a site's
`ambient_temp = 95 degC` (95 degF) passed without a word.
The rules (dsl/schema.py NAMED_RANGES, compiler/plausible.py PLAUSIBLE): a PUE outside [1, 10] and a COP above the
Carnot COP at the rating condition (12.28) are errors; a PUE above 3, a COP below 1.48, an efficiency whose loss is
more than 10x beyond the published losses, a server overhead share 10x beyond 0.10-0.25, a tower's water use 10x
beyond 1.2-2.96 L/kWh and an outdoor design temperature beyond the ones ever recorded are warnings.
"""
from __future__ import annotations

import pytest

from compiler import evaluate_text
from dsl.schema import CARNOT_COP_RATING

SPEC = """\
from systems import DGX_H100_rack
from facility import Transformer_2500kVA, UPS_1250kVA, Chiller_AC_500ton, CoolingTower_5MW
site s {
  land_price = 0 USD
  SITE_LINE
  hall h {
    HALL_LINE
    rack r: DGX_H100_rack x 2
    transformer t: Transformer_2500kVA x 2 { GEAR_LINE }
    ups u: UPS_1250kVA x 2
  }
  chiller c: Chiller_AC_500ton x 2 { CHILLER_LINE }
  cooling_tower ct: CoolingTower_5MW { TOWER_LINE }
}
"""
MARK = {"site": "SITE_LINE", "hall": "HALL_LINE", "gear": "GEAR_LINE", "chiller": "CHILLER_LINE",
        "tower": "TOWER_LINE"}


def _diagnostics(where: str, line: str):
    text = SPEC
    for key, mark in MARK.items():
        text = text.replace(mark, line if key == where else "")
    _, sink = evaluate_text(text, "ranges20.factory")
    row = 1 + text[:text.index(line)].count("\n")
    col = 1 + text.index(line) - (text.rindex("\n", 0, text.index(line)) + 1) + line.index("=") + 2
    return [d for d in sink.items if d.code in ("out-of-range", "implausible-value")], (row, col)


@pytest.mark.parametrize("where,line,code", [
    ("site", "pue = 96", "out-of-range"),             # 1.096 or 0.96 slipped: no facility's design figure
    ("hall", "pue = 10.5", "out-of-range"),
    ("site", "pue = 0.96", "out-of-range"),           # below the definition's 1
    ("site", "pue = 4", "implausible-value"),         # above the 3.0 The Green Grid called poor: a warning
    ("hall", "pue = 3.5", "implausible-value"),
    ("chiller", "cop = 60", "out-of-range"),          # above Carnot at the rating condition
    ("chiller", "cop = 1.2", "implausible-value"),    # below half the ASHRAE 90.1 air-cooled minimum
    ("gear", "efficiency = 0.099", "implausible-value"),   # 9.9 % for 99 %: a loss of 910%
    ("gear", "efficiency = 9.6 %", "implausible-value"),
    ("gear", "efficiency = 96", "out-of-range"),      # a percent as a number: the type's (0, 1]
    ("tower", "water_use = 1.6 m^3/kWh", "implausible-value"),
    ("site", "ambient_temp = 95 degC", "implausible-value"),   # 95 degF written as degC
])
def test_an_absurd_or_implausible_facility_figure_is_flagged_at_its_value(where, line, code) -> None:
    found, (row, col) = _diagnostics(where, line)
    assert [d.code for d in found] == [code], [(d.code, d.message) for d in found]
    span = found[0].span
    assert (span.line, span.col) == (row, col), (str(span), row, col)
    assert (found[0].severity == "error") == (code == "out-of-range")


@pytest.mark.parametrize("where,line", [
    ("site", "pue = 1.0"), ("site", "pue = 1.56"), ("hall", "pue = 3"), ("site", "pue = 10"),   # 10: a warning
    ("chiller", "cop = 7.5"), ("chiller", "cop = 12.28"), ("gear", "efficiency = 0.9953"), ("gear", "efficiency = 1"),
    ("tower", "water_use = 1.6 L/kWh"), ("site", "ambient_temp = 45 degC"), ("site", "ambient_temp = -30 degC"),
])
def test_published_and_edge_figures_are_no_error(where, line) -> None:
    found, _ = _diagnostics(where, line)
    assert not [d for d in found if d.severity == "error"], [(d.code, d.message) for d in found]
    if line not in ("pue = 10", "cop = 12.28"):
        assert not found, [(d.code, d.message) for d in found]


def test_the_cop_bound_is_carnot_at_the_ahri_rating_condition() -> None:
    """AHRI 550/590 water-cooled rating: chilled water leaving at 44 degF, condenser water entering at 85 degF.
    Carnot: T_cold / (T_hot - T_cold) = (273.15 + 6.667) / (29.444 - 6.667) = 279.82 / 22.78 = 12.28."""
    t_cold, t_hot = 273.15 + (44 - 32) * 5 / 9, 273.15 + (85 - 32) * 5 / 9
    assert CARNOT_COP_RATING == pytest.approx(t_cold / (t_hot - t_cold), rel=1e-12)
    assert CARNOT_COP_RATING == pytest.approx(12.28, abs=0.01)


def test_every_stdlib_power_gear_and_server_figure_is_plausible() -> None:
    """The stdlib's own figures (the published range's source) raise none of the new warnings: the flagship
    (which places the stdlib's power gear, chillers and servers) checks clean of them."""
    from pathlib import Path
    text = (Path(__file__).resolve().parents[1] / "examples" / "flagship_campus.factory").read_text()
    _, sink = evaluate_text(text, "examples/flagship_campus.factory")
    assert not [d for d in sink.items if d.code in ("implausible-value", "out-of-range")]
