"""A service's $/Mtok when only racks that no workload holds change (s16-ci2): a model dependency, not float noise.

`factory plan` of 8 -> 9 DGX H100 racks beside an inference service held to 8 GPUs moved the service's $/Mtok by
-8.1e-05 % (5.858220889e-07 -> 5.858216143e-07 USD/tok). Round-off of doubles is ~1e-16 relative and the plan
already reads a relative change under 1e-12 as no change (compiler/plan.py `_same`), so this is the model:

    the service's hour (compiler.models.cost.service_accelerator_hour, one chip type) = C / N + e x w_s
        C / N  the site's TCO other than energy per accelerator (every row linear in the racks: unchanged)
        w_s    the service's own mean draw per accelerator (power_avg / held)
        e      the site's energy dollars per watt of draw = price x metered / (it_power_avg + D)
        metered = facility_power_avg + k x D,  facility_power_avg = k x it_power_avg + L0 (no-load losses)
        so e = price x (k + L0 / (it_power_avg + D)),  D = power_avg - held x it_power_avg / N  (the service's
        draw below the site's planning draw, here -1,397 W)

L0 grows with the racks (each stage's fixed share of its peak loss) while D stays, so L0 / (it_power_avg + D)
moves toward L0 / it_power_avg: e falls 1.2342138 -> 1.2341936 (x price), and the hour and $/Mtok by w_s x de /
hour = -8.096278e-07 (s18-prices' plant factors; -8.098978e-07 at s17-econ2's, -8.100361e-07 before them), the plan's move to 9
digits. With a set `pue` there are no no-load losses (k = pue, L0 = 0): e = price x pue for any rack count and the service's $/Mtok does not move (the plan does not list it).
"""
from __future__ import annotations

import pytest

from compiler.models import outputs_for
from test_cost_per_token import TWO_TYPES, _run   # tests/ is on the path

# the racks no workload holds at the planning utilization, as before s19-energy (`let spare_utilization = 0.85`): the
# law here is the no-load share's; at the default (spares idle) a 9th rack also adds its idle draw to D
ONE_TYPE = TWO_TYPES % "  let spare_utilization = 0.85\n"


def _parts(v) -> tuple[float, float, float, float]:
    one = lambda k: float(v[k][0])                                              # noqa: E731
    n, it_avg, held = one("s.accelerators"), one("s.it_power_avg"), one("s.i.accelerators_held")
    d = one("s.i.power_avg") - held * it_avg / n
    e = one("s.electricity_price") * one("s.facility_power_metered") / (it_avg + d)
    return e, one("s.i.power_avg") / held, one("s.i.cost_per_hour") / held, one("s.i.usd_per_mtok")


def test_unused_racks_move_usd_per_mtok_by_the_no_load_share_hand_calculation() -> None:
    e8, w_s, hour8, usd8 = _parts(_run(ONE_TYPE))
    e9, _, _, usd9 = _parts(_run(ONE_TYPE.replace("x 8\n", "x 9\n")))
    moved = usd9 / usd8 - 1
    assert abs(moved) > 1e-9                                   # not round-off (1e-16), not under the plan's 1e-12
    assert moved == pytest.approx(w_s * (e9 - e8) / hour8, rel=1e-6)            # the hand calculation above
    assert moved == pytest.approx(5.548027e-07, rel=1e-5)    # measured (s24-capex2: the air room's heat rejection no
    # longer charged beside its air-cooled chillers, the hour lower, was 5.525359e-07; s21-power: the transformer's square-law part
    # of the IT's and cooling plant's flows together, was 5.687609e-07; s20-power's square-law chain, sized on its
    # peak: the 9th rack raises the peak the default stages are sized on less than their no-load share, and the
    # chain's loss per watt at the metered point rises; s18-prices -8.096278e-07, s17-econ2 -8.098978e-07, before
    # it -8.100361e-07)


def test_with_a_set_pue_unused_racks_leave_usd_per_mtok() -> None:
    spec = ONE_TYPE.replace("electricity_price = 0.08 USD/kWh\n", "electricity_price = 0.08 USD/kWh\n  pue = 1.25\n")
    usd8 = _run(spec)["s.i.usd_per_mtok"][0]
    usd9 = _run(spec.replace("x 8\n", "x 9\n"))["s.i.usd_per_mtok"][0]
    assert usd9 == pytest.approx(usd8, rel=1e-12, abs=0)


def test_the_figures_basis_states_the_dependency() -> None:
    """`factory explain` and docs/models.md show the formula: it names what racks no service holds can move."""
    formula = outputs_for("inference")["usd_per_mtok"].formula
    assert "no-load" in formula and "no service holds" in formula, formula
