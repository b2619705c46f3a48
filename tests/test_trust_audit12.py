"""Trust hunt, session 12 (s12-idle, 2026-12-05): combinations the law campaign and the earlier audits do not
cover, each defect found with exit 0 stated as a law (hand calculations written out), its fix in its own commit.

1. A training run's `let power_cap` (the per-accelerator power limit; training.py "clock": min(tdp, power_cap))
   throttled the run's clock (its time to train) but not its draw: at 400 W an H100 was reported drawing 588 W
   at the 700 W clock (sustained_clock 0.682), its power above the uncapped run's. Law: the board power never
   exceeds the cap, a lower cap never raises it, and the clock reported is the one the throughput used.
2. A training run's `let power_cap` at or below the chip's draw with no compute (H100: 72 W idle + 104.5 W x
   0.0731 of a GEMM's memory traffic = 79.6 W) printed a time to train at the clock law's lowest clock and a board
   power of 50 W, below the chip's idle, exit 0; an inference service with the same cap is refused
   (`infeasible-workload`). Law: both workloads refuse it, with both numbers.
3. Just above that draw the clock law's floor (x >= 0.05) overstated the clock: at 100 W an H100's compute-bound
   phase has h = (100 - 79.6) / 1,755 = 0.0116, x = h / 0.72^2 = 0.0224, but 0.05 was used (2.2x the throughput)
   with a reported draw of 100 W where x = 0.05 draws 125 W. Law: at the reported clock the law's draw fits the
   cap.
4. A site's $/Mtok weighted its services' $/Mtok by their tokens/s at capacity, not by the tokens they serve
   (tokens/s x duty cycle, the service's `utilization`): a service busy 10% of the time weighed as much as one
   busy all the time. Two services of equal hardware and capacity at duty cycles 1 and 0.1 ($c and $10c a Mtok)
   printed $5.5c a Mtok for the site; the site pays 2 x the hourly cost for 1.1 x the tokens: $1.82c. Law: the
   site's $/Mtok is its services' dollars over the tokens they serve.
5. A service given an `offered_load` below its capacity draws the power of that operating point (its activity at
   the carried load), but its tokens per joule divided the capacity's tokens/s by it: an 8 x H100 service of
   63.6 ktok/s offered 6.4 ktok/s printed 22.9 tok/J (63.6 k / 2.78 kW), 2.9x its full-load 7.8, where it serves
   6.4 k / 2.78 kW = 2.3. Law: tokens per joule (and per MW) is the tokens carried, min(offered_load, tokens_per_s),
   over the power at that load, and the site's is its services' carried tokens over their power.
"""
from __future__ import annotations

import numpy as np
import pytest

from compiler import evaluate_text
from spec_eval import error_free_values  # tests/ is on the path


def _run(text: str, defines: dict[str, str] | None = None):
    return error_free_values(text, defines, "audit12.factory")


# ----------------------------------------------------------------------------- 1. a training run's power cap

CAPPED_RUN = """from systems import DGX_H100
from models import Llama3_1_8B
param cap = [700 W, 500 W, 400 W]
site s {
  training t {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 64
    tokens = 1 Ttok
    precision = "bf16"
    tp = 1
    pp = 1
    cp = 1
    let power_cap = cap
  }
}
"""


# the voltage floor the fit is re-based on: the default (0.72) and validate's opt-in refit (`converged_voltage_floor`,
# 0.67, `let power_fit_voltage_floor`; docs/accuracy.md "The voltage floor refit, ported opt-in", s18-refit): the laws
# hold at both, the hand calculation takes v0 and a(v0) = 620.4 / (x_g v(x_g)^2), x_g = 1,350 / 1,980
FLOORS = [pytest.param(None, id="v0=0.72"), pytest.param(0.67, id="v0=0.67")]


def _floored(text: str, floor: float | None) -> str:
    return text if floor is None else text.replace("let power_cap = cap",
                                                  f"let power_cap = cap\n    let power_fit_voltage_floor = {floor}")


def _fit(floor: float | None) -> tuple[float, float, float, float]:
    """(v0, a, b, the GEMM's u_m) of the H100 fit at the floor v0 (compiler/models/power.py)."""
    v0 = 0.72 if floor is None else floor
    gemm_u_m = 3 * 8192 ** 2 * 2 / (2 * 8192 ** 3 / 669e12) / 3.35e12
    b = 3.35e12 * 8 * 3.9e-12
    x_g = 1350 / 1980
    return v0, (700 - 72 - b * gemm_u_m) / (x_g * max(v0, x_g) ** 2), b, gemm_u_m


@pytest.mark.parametrize("floor", FLOORS)
def test_a_training_runs_power_cap_bounds_its_draw_and_clock(floor) -> None:
    """H100 SXM (tdp 700 W, idle 72 W, a = 1,755 W, b = 104.5 W, v0 = 0.72): a compute-bound phase (u_c = 1, u_m =
    0.0731) has headroom h = (cap - 72 - 104.5 x 0.0731) / 1,755: at 700 W h = 0.3535 < v0^3 = 0.373, x = h / v0^2
    = 0.682; at 500 W h = 0.2395, x = 0.462; at 400 W h = 0.1826, x = 0.352. At v0 = 0.67 (a = 620.4 / 0.6818^3 =
    1,957 W): 700 W h = 0.3170 >= v0^3 = 0.3008, x = h^(1/3) = 0.682 (the fit's anchor); 500 W h = 0.2147, x = h /
    v0^2 = 0.478; 400 W h = 0.1637, x = 0.365. The draw of that phase is the cap; the light phases draw min(cap,
    72 + 0.35 x 628) = 291.8 W. So accelerator_power <= cap, falls with the cap, and sustained_clock is x."""
    v = _run(_floored(CAPPED_RUN, floor))
    caps = np.array([700.0, 500.0, 400.0])
    v0, a, b, gemm_u_m = _fit(floor)
    h = (caps - 72 - b * gemm_u_m) / a
    x = np.where(h >= v0 ** 3, np.cbrt(np.minimum(h, 1)), h / v0 ** 2)
    assert v["s.t.sustained_clock"] == pytest.approx(x, rel=1e-9)
    p = v["s.t.accelerator_power"]
    assert np.all(p <= caps + 1e-9), p
    assert p[0] >= p[1] >= p[2], p
    f = v["s.t.compute_bound_share"]
    assert p == pytest.approx(f * caps + (1 - f) * (72 + 0.35 * 628), rel=1e-9)
    assert v["s.t.power"][0] >= v["s.t.power"][1] >= v["s.t.power"][2]


def test_a_training_runs_power_cap_is_a_declared_read() -> None:
    """The training solve read `let power_cap` (its clock) without declaring it (compiler/models/reads.py)."""
    import test_model_reads as reads
    reads._assert_reads_declared(reads._evaluated(text=CAPPED_RUN))


def test_a_training_run_refuses_a_power_cap_below_its_chips_draw_with_no_compute() -> None:
    """H100 SXM: 72 W idle + 104.5 W x 0.0731 = 79.6 W with no compute. A cap of 50 W leaves nothing to compute
    with: the run has no time to train (absent, an infeasible-workload error naming 50 W and 80 W), as an inference
    service at that cap; 700 W in the same sweep runs."""
    from dsl.diagnostics import Code
    text = CAPPED_RUN.replace("param cap = [700 W, 500 W, 400 W]", "param cap = [700 W, 50 W]")
    results, sink = evaluate_text(text, "audit12.factory")
    errors = [d for d in sink.errors if d.code == Code.INFEASIBLE_WORKLOAD]
    assert errors and "50 W" in errors[0].message and "80 W" in errors[0].message, [d.message for d in sink.items]
    t = results.values["s.t.time_to_train"]
    assert np.isfinite(t[0]) and np.isnan(t[1]), t
    absent = results.absent["s.t.time_to_train"]
    assert list(absent.mask) == [False, True] and "50 W" in absent.reason


@pytest.mark.parametrize("floor", FLOORS)
def test_the_clock_under_a_low_cap_is_the_one_whose_draw_fits_it(floor) -> None:
    """100 W on an H100 SXM: h = (100 - 72 - 104.5 x 0.0731) / 1,755 = 0.0116 < v0^3, x = h / 0.72^2 = 0.0224; the
    draw there, 72 + 1,755 x 0.0224 x 0.72^2 + 104.5 x 0.0731 = 100 W, the cap (v0 = 0.67: h = 0.0104, x = 0.0232,
    72 + 1,957 x 0.0232 x 0.67^2 + 7.6 = 100 W). The 700 W point keeps its 0.682 at either floor (the fit's anchor),
    and the run's compute time scales as 1 / x (the same layout, the same step otherwise)."""
    text = CAPPED_RUN.replace("param cap = [700 W, 500 W, 400 W]", "param cap = [700 W, 100 W]")
    v = _run(_floored(text, floor))
    v0, a, b, gemm_u_m = _fit(floor)
    x = (100 - 72 - b * gemm_u_m) / a / v0 ** 2
    clock = v["s.t.sustained_clock"]
    assert clock[1] == pytest.approx(x, rel=1e-9)
    assert 72 + a * clock[1] * v0 ** 2 + b * gemm_u_m == pytest.approx(100.0, rel=1e-9)
    assert clock[0] == pytest.approx(1350 / 1980, rel=1e-9)


DUTY = """from systems import DGX_H100
from models import Llama3_1_8B
site s {
  electricity_price = 0.1 USD/kWh
  inference busy {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    utilization = 1
  }
  inference rare {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    utilization = 0.1
  }
}
"""


def test_a_sites_usd_per_mtok_is_its_dollars_over_the_tokens_served() -> None:
    """Two identical services (the same 8 GPUs, the same tokens/s c), busy all the time and 10% of it. At $0/kWh
    each costs the same R dollars a second (capex), so $/Mtok is R / c and R / (0.1 c) = 10 R / c; the site pays
    2 R a second for c + 0.1 c tokens: 2 R / (1.1 c) = 1.818 R / c, where the tokens/s weights gave (R/c + 10 R/c)
    / 2 = 5.5 R/c. With energy priced each pays its own draw (s12-trust4, test_trust_audit12d): the rare one's
    idle 90% at the idle draw, so the law is the services' dollars a second over the tokens they serve."""
    v = _run(DUTY.replace("0.1 USD/kWh", "0 USD/kWh"))
    c = v["s.busy.tokens_per_s"][0]
    assert v["s.rare.tokens_per_s"][0] == pytest.approx(c, rel=1e-12)
    unit = v["s.busy.usd_per_mtok"][0]                           # R / c
    assert v["s.rare.usd_per_mtok"][0] == pytest.approx(10 * unit, rel=1e-9)
    assert v["s.usd_per_mtok"][0] == pytest.approx(2 / 1.1 * unit, rel=1e-9)
    # the law in general: the services' dollars a second over the tokens they serve a second
    v = _run(DUTY)
    dollars = sum(v[f"s.{n}.usd_per_mtok"][0] * v[f"s.{n}.tokens_per_s"][0] * u for n, u in (("busy", 1.0), ("rare", 0.1)))
    served = sum(v[f"s.{n}.tokens_per_s"][0] * u for n, u in (("busy", 1.0), ("rare", 0.1)))
    assert v["s.usd_per_mtok"][0] == pytest.approx(dollars / served, rel=1e-9)
    assert v["s.rare.cost_per_hour"][0] < v["s.busy.cost_per_hour"][0]


OFFERED = """from systems import DGX_H100
from models import Llama3_1_8B
param load = [32000 tok/s, 6400 tok/s]
site s {
  inference i {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 8
    scenario = "server"
    offered_load = load
  }
}
"""


def test_tokens_per_joule_is_the_carried_tokens_over_the_power_at_that_load() -> None:
    """Offered 32 and 6.4 ktok/s, both below the capacity c (tokens_per_s, ~63.6 ktok/s on 8 H100): the service
    carries the offered load, so tokens/J = offered / power at that load, and the lighter load (idle power a larger
    share) never has more tokens per joule. The site's tokens/J is the same one service's."""
    v = _run(OFFERED)
    offered = np.array([32000.0, 6400.0])
    assert np.all(v["s.i.tokens_per_s"] > offered)
    assert v["s.i.offered_share"] == pytest.approx(offered / v["s.i.tokens_per_s"], rel=1e-12)
    tpj = v["s.i.tokens_per_joule"]
    assert tpj == pytest.approx(offered / v["s.i.power"], rel=1e-12)
    assert v["s.i.tokens_per_s_per_mw"] == pytest.approx(tpj, rel=1e-12)
    assert tpj[1] < tpj[0]
    assert v["s.tokens_per_joule"] == pytest.approx(tpj, rel=1e-12)
