"""A site's energy bill follows the power its services draw at their duty cycles (issue 11 deliverable 5; s14-tco,
session 14, 2026-12-06). Laws first, then one hand calculation.

Before: a site's opex_energy was its facility_power_avg at its own `utilization` (0.85) for every accelerator,
whatever its inference services' duty cycles; the flagship's chat service (duty 0.6) paid the energy of a GPU busy
85% of the time (its $/Mtok 2.1% high). Now (compiler/models/cost.py "$/Mtoken", facility_power_metered):

    D(t)   = sum over the site's inference services s on chip type t of count x (power_avg(s) - held(s) x w(t))
             power_avg = u x power + (1 - u) x held x W(P_idle), w(t) = the type's average IT power per accelerator
             at the site's `utilization` (the accelerators no service holds: a training run's, spares)
    facility_power_metered = facility_power_avg + k x sum_t D(t),  k = (facility_power_avg - no-load losses) /
             it_power_avg (the `pue` where set): facility_power_avg is affine in the average IT power
    energy_year = facility_power_metered x 1 yr, opex_energy = facility_power_metered x electricity_price
    hour(s) = rate(t) + e x (w(s) - average'(t) / count(t)), e = opex_energy / sum_t average'(t),
             average'(t) = average(t) + D(t): every accelerator's share of the energy by its own draw
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from spec_eval import error_free_values  # tests/ is on the path

REPO = Path(__file__).resolve().parent.parent
YEAR = 8760 * 3600.0

SITE = """from systems import DGX_H100
from models import Llama3_1_8B
param duty = 0.5
param halls = 1
site s {
  land_price = 0 USD
  electricity_price = 0.1 USD/kWh
  %(site)s
  hall h x halls {
    rack r x 10 { server node: DGX_H100 x 4 }
  }
  inference chat {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 160 * halls
    utilization = duty
  }
%(more)s}
"""


def _run(site: str = "", more: str = "", **defines) -> dict[str, np.ndarray]:
    text = SITE % {"site": site, "more": more}
    return error_free_values(text, {k: str(v) for k, v in defines.items()} or None, "tco.factory")


def _one(values, name: str) -> float:
    return float(np.asarray(values[name]).reshape(-1)[0])


def _draw(values, held: int) -> float:
    """D = chat's power_avg - held x w(t) - spares x (w(t) - 300 W): chat's draw less the site's planning one for
    what it holds, and the 320 - held accelerators no workload holds at their idle wall (the DGX H100's idle_power
    2.4 kW / 8 GPUs) instead of w(t) (s19-energy)."""
    w_t = _one(values, "s.h.r.it_power_avg") / 32
    return _one(values, "s.chat.power_avg") - held * w_t - max(320 - held, 0) * (w_t - 2400 / 8)


def test_a_site_without_services_bills_its_planning_average_as_before() -> None:
    """No inference service: nothing is swapped, facility_power_metered is facility_power_avg, bit for bit, and the
    energy is facility_power_avg x 1 yr (the old result); a training-only example's energy is unchanged too."""
    v = _run().copy()
    text = (SITE % {"site": "", "more": ""}).split("  inference chat")[0] + "}\n"
    bare = error_free_values(text, None, "bare.factory")
    assert _one(bare, "s.facility_power_metered") == _one(bare, "s.facility_power_avg")
    assert _one(bare, "s.energy_year") == _one(bare, "s.facility_power_avg") * YEAR
    assert _one(v, "s.facility_power_avg") == _one(bare, "s.facility_power_avg")   # the planning figure stays


def test_at_duty_one_a_service_draws_its_busy_power_all_hour() -> None:
    v = _run(duty=1)
    assert _one(v, "s.chat.power_avg") == pytest.approx(_one(v, "s.chat.power"), rel=1e-12)
    assert _one(v, "s.chat.accelerators_held") == 160


def test_lowering_a_duty_cycle_never_raises_the_sites_energy_and_a_sweep_is_its_single_runs() -> None:
    duties = [1, 0.8, 0.6, 0.3, 0.1, 0.01]
    swept = _run(duty=str(duties).replace(" ", ""))
    energy = np.broadcast_to(swept["s.energy_year"], (len(duties),))
    assert np.all(np.diff(energy) <= 0) and np.all(np.diff(energy) < 0)
    assert np.all(np.isfinite(energy)) and np.all(energy > 0)
    for i in (0, 3):
        one = _run(duty=duties[i])
        for name in ("s.energy_year", "s.opex_energy", "s.chat.usd_per_mtok", "s.tco_year"):
            assert _one(one, name) == pytest.approx(np.broadcast_to(swept[name], (len(duties),))[i], rel=1e-12)


def test_the_metered_power_moves_by_the_facility_slope_the_model_itself_has() -> None:
    """The metered power is the chain walked at the draws metered (facility.metered_change, s20-power): the services
    and the spares (at spare_utilization) draw the same whatever the site's planning `utilization`, so the metered
    power is the same at 0.85 and 0.5, while facility_power_avg moves. Its move per watt of the services' draw D,
    k = (metered - facility_power_avg) / D (D = power_avg - held x w(t) - spares x (w(t) - w_idle)), is a chord of
    the chain's curve: above 1 (each IT watt costs at least itself) and below the PUE (the no-load losses do not
    move with the draw). Before s20-power the chain was affine (linear losses) and k was the secant of the two
    planning points, 1.2302436; the square-law losses bend it (k 1.2225 and 1.2076)."""
    hi, lo = _run(), _run(site="utilization = 0.5")
    assert _one(hi, "s.facility_power_avg") > _one(lo, "s.facility_power_avg")
    assert _one(hi, "s.facility_power_metered") == pytest.approx(_one(lo, "s.facility_power_metered"), rel=1e-9)
    for v in (hi, lo):
        d = _draw(v, 160)
        k = (_one(v, "s.facility_power_metered") - _one(v, "s.facility_power_avg")) / d
        assert 1.0 < k < _one(v, "s.pue")        # the no-load losses do not move with the draw


def test_doubling_the_site_doubles_its_energy_and_cost() -> None:
    """Two halls and a service on twice the accelerators: metered power, energy, the bill and the service's cost per
    hour all double (staff per MW, no land); its $/Mtok stays."""
    one, two = _run(halls=1), _run(halls=2)
    for name in ("s.facility_power_metered", "s.energy_year", "s.opex_energy", "s.tco_year", "s.chat.power_avg",
                 "s.chat.cost_per_hour"):
        assert _one(two, name) == pytest.approx(2 * _one(one, name), rel=1e-9), name
    assert _one(two, "s.chat.usd_per_mtok") == pytest.approx(_one(one, "s.chat.usd_per_mtok"), rel=1e-9)


def test_the_services_and_the_other_accelerators_add_up_to_the_bill() -> None:
    """A second service at another duty cycle on the other 160 accelerators: the two services' dollars an hour add
    up to the site's tco_year (every dollar, energy included, is some accelerator's once); the busier one pays
    more energy an hour."""
    more = """  inference batch {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 160
    utilization = 0.9
  }
"""
    v = _run(more=more)
    total = _one(v, "s.chat.cost_per_hour") + _one(v, "s.batch.cost_per_hour")
    assert total == pytest.approx(_one(v, "s.tco_year"), rel=1e-9)
    assert _one(v, "s.batch.cost_per_hour") > _one(v, "s.chat.cost_per_hour")


def test_the_flagship_chat_service_and_training_run_add_up_to_the_campus_bill() -> None:
    """examples/flagship_campus.factory: chat (25,920 GPUs at duty 0.6) and the training run (the other 77,760 at
    the site's planning draw): chat's cost per hour + 77,760 x the run's hour (cost / accelerator_hours) = the
    campus's tco_year; chat's hour is below the blended TCO hour (before: equal), the run's above it."""
    text = (REPO / "examples" / "flagship_campus.factory").read_text()
    v = error_free_values(text, None, str(REPO / "examples" / "flagship_campus.factory"))
    run_hour = _one(v, "frontier_campus.frontier_run.cost") / _one(v, "frontier_campus.frontier_run.accelerator_hours")
    chat = _one(v, "frontier_campus.chat.cost_per_hour")
    assert chat + 77760 * run_hour == pytest.approx(_one(v, "frontier_campus.tco_year"), rel=1e-9)
    blended = _one(v, "frontier_campus.cost_per_accelerator_hour")
    assert chat / 25920 < blended < run_hour


def test_hand_calculation_with_a_set_pue() -> None:
    """10 racks of 4 DGX H100 (320 GPUs), the site's `pue` 1.25 (k = 1.25, no no-load part), $0.10/kWh; chat holds
    160 GPUs at duty 0.5, and no workload holds the other 160 (spares: idle, s19-energy). From the model: a rack's
    average IT power 29,581.91 W at utilization 0.85 (w = 924.435 W a GPU); chat busy 162,556.56 W (1,015.98 W a
    GPU; at the Hopper FP8 factor 0.81, s18-hopper: 163,439.04 W at 0.82 on the converged clock, 163,620.37 W on the
    two-pass clock), its hour-average power_avg 105,278.28 W (657.99 W a GPU: the idle half at 300 W a GPU's wall,
    the DGX H100's idle_power 2.4 kW / 8; s14-cfo2: it was 214.6 W, the parts' model below the server's declared
    idle); a spare at the same 300 W (its server's idle floor, every GPU at its 72 W idle).
        D       = 105,278.28 - 160 x 924.435 - 160 x (924.435 - 300)     = -42,631.32 - 99,909.60 = -142,540.92 W
        metered = 1.25 x (295,819.15 + D) = 1.25 x 153,278.23              = 191,597.79 W
        energy  = 191,597.79 W x $0.10/kWh                                 = $19.160 an hour
        e       = energy / (295,819.15 + D = 153,278.23 W)                 = $1.2500e-4 an hour per W
        chat    = 160 x [tco / 320 + e x (657.99 - 153,278.23 / 320 = 179.00 W)]
                = 160 x tco / 320 + 160 x 0.022375 = 160 x tco / 320 + $3.580 an hour
    (before s19-energy the spares drew w, D = -42,631.32 W: metered 316,484.79 W, $31.648 an hour, and chat
    160 x tco / 320 - $2.664 an hour: the idle half of the site billed as if 85% busy.)
    Since 2026-12-07 (s26-apply: the H100's smooth GEMM law at the Hopper FP8 factor 0.77, the capacity point solved
    to the Server share) chat busy 160,982.39 W: power_avg 104,491.19 W (653.07 a GPU), D = -143,328.01 W, metered
    1.25 x 152,491.14 = 190,613.93 W, $19.061 an hour, chat 160 x tco / 320 + $3.531 an hour (the lines above at 0.81)."""
    v = _run(site="pue = 1.25")
    w_t = _one(v, "s.h.r.it_power_avg") / 32
    assert w_t == pytest.approx(924.435, abs=1e-3)
    busy = 160_982.39       # the chat's busy draw since 2026-12-07 (162,556.56 W at Hopper FP8 0.81 on the grid)
    assert _one(v, "s.chat.power") == pytest.approx(busy, abs=0.01)
    assert _one(v, "s.chat.power_avg") == pytest.approx(0.5 * busy + 0.5 * 160 * 2400 / 8, abs=0.01)
    avg = 0.5 * busy + 0.5 * 160 * 2400 / 8                   # 104,491.19 W (653.07 a GPU; 105,278.28 at 0.81)
    spare = 2400 / 8                                          # a spare GPU's wall: the DGX H100's idle floor
    d = avg - 160 * 924.435 - 160 * (924.435 - spare)
    assert d == pytest.approx(-143_328.01, abs=0.05)
    assert _one(v, "s.facility_power_metered") == pytest.approx(1.25 * (295_819.15 + d), abs=0.1)
    assert _one(v, "s.facility_power_metered") == pytest.approx(190_613.93, abs=0.1)
    assert _one(v, "s.opex_energy") * 3600 == pytest.approx(19.0614, abs=1e-4)
    assert _one(v, "s.energy_year") == pytest.approx(190_613.93 * YEAR, rel=1e-6)
    e_per_w = 19.0614 / (295_819.15 + d)                      # $ an hour per W
    tco_hour = _one(v, "s.tco_year") * 3600
    expected = 160 * (tco_hour / 320 + e_per_w * (avg / 160 - (295_819.15 + d) / 320))
    assert _one(v, "s.chat.cost_per_hour") * 3600 == pytest.approx(expected, rel=1e-5)
    assert 160 * e_per_w * (avg / 160 - (295_819.15 + d) / 320) == pytest.approx(3.531, abs=1e-3)


def test_report_json_and_table_agree_on_the_metered_energy(tmp_path) -> None:
    """The flagship's build: results.json's energy_year is its facility_power_metered x 1 yr and opex_energy its
    price times it; the report's power section prints the metered average beside the planning one and the same
    energy per year as `factory eval`'s table."""
    import json
    import re

    from click.testing import CliRunner

    from compiler.cli import main
    spec = str(REPO / "examples" / "flagship_campus.factory")
    built = CliRunner().invoke(main, ["build", spec, "-o", str(tmp_path)])
    assert built.exit_code == 0, built.output
    q = json.loads((tmp_path / "results.json").read_text())["quantities"]
    g = lambda name: q[f"frontier_campus.{name}"]["values"][0]       # noqa: E731
    assert g("energy_year") == pytest.approx(g("facility_power_metered") * YEAR, rel=1e-12)
    assert g("opex_energy") == pytest.approx(g("facility_power_metered") * 0.0774 / 3.6e6, rel=1e-12)
    assert g("facility_power_metered") < g("facility_power_avg")
    report = (tmp_path / "report.md").read_text()
    row = re.search(r"\| Energy per year \| [^|]+ \| ([^|]+?) \|", report).group(1)    # label | what | value
    assert "| Average at the meter, as drawn |" in report
    table = CliRunner().invoke(main, ["eval", spec]).output
    shown = re.search(r"^frontier_campus\.energy_year +(.+)$", table, re.M).group(1).strip()
    assert row == shown


def test_an_over_committed_service_shares_the_accelerators_placed() -> None:
    """A service holding 640 GPUs on a site placing 320 (`over-committed`, an error): the metered power stays
    positive and between the site idle and its planning average (the services share the 320 placed, D x 320 /
    640), its $/Mtok finite (the law campaign's seed 144 had -14.9 kW before the sharing)."""
    from compiler import evaluate_text
    text = (SITE % {"site": "", "more": ""}).replace("accelerators = 160 * halls", "accelerators = 640")
    results, sink = evaluate_text(text, "over.factory", None)
    assert any(d.code == "over-committed" for d in sink.errors)
    v = results.values
    metered, avg = _one(v, "s.facility_power_metered"), _one(v, "s.facility_power_avg")
    assert 0 < metered < avg
    w_t = _one(v, "s.h.r.it_power_avg") / 32
    fits = _run()                                  # the same site, the service on 160: the slope k it moves by
    k = (_one(fits, "s.facility_power_metered") - _one(fits, "s.facility_power_avg")) / _draw(fits, 160)
    d = _one(v, "s.chat.power_avg") - 640 * w_t
    assert metered == pytest.approx(avg + k * d * 320 / 640, rel=1e-2)    # k: the fitting run's chord (s20-power:
    # the square-law chain bends, so another draw moves it by another chord; before, affine, rel=1e-9)
    assert np.isfinite(_one(v, "s.chat.usd_per_mtok")) and _one(v, "s.chat.usd_per_mtok") > 0
