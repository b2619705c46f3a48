"""SRAM and wafer-scale systems' power at load (s13-srampower, session 13, 2026-12-05), found by s13-shootout.

1. A Cerebras CS-3 drew 2.4-3.9 kW while serving against its 23 kW nameplate: the inference power law scales a
   chip's draw from its idle (10% of TDP by default) with its compute and memory activity, and the WSE3's `tdp` is
   the whole system's (wafer, power conversion, cooling: stdlib chips.factory), whose cooling and power supplies
   draw whatever the wafer computes. Cerebras' own breakdown of the CS-1 (Supercomputing 2019, techspot.com
   2019-11-19 [S]): "It consumes 20kW of power, 4kW of which is dedicated to the cooling subsystem. A full 15kW
   is supplied to power the enormous chip with 1kW being lost to power supply inefficiencies." So at least
   (4 + 1) / 20 = 25% of the system is not the wafer, and the wafer idles at the model's idle share (10%) of the
   rest: the static floor of a 23 kW CS-3 is 23 kW x (5 / 20 + 15 / 20 x 0.10) = 5,750 + 1,725 = 7,475 W.
   Law: an SRAM/wafer system at load draws at least its measured static share; a service's power on its racks
   never exceeds the racks' nameplate (buyer's shoot-out: 66 MW of service against 393 MW of racks, 6x).
2. A GroqNode drew 401 W at the wall, below its own 700 W host overhead (2 EPYC hosts, DIMMs, fans, drives): the
   server's `overhead_power` scales with its parts' load, and an LPU serving at batch 1 is at 11% of its TDP.
   The host CPUs follow the host power law of the other servers (DGX, HGX: `cpu` parts at idle + u_cpu (tdp -
   idle), whatever the accelerators do). Law: a server's wall power with its accelerators at any draw is at least
   its host CPUs' draw at the host law over its PSU efficiency.
"""
from __future__ import annotations

import pytest

from compiler import evaluate_text
from compiler.models import assumptions as A
from compiler.models import power as P

CS3_SYSTEM = 23e3                                 # W, "~23 kW per system" (stdlib systems.factory Cerebras_CS3)
CS1_TOTAL, CS1_COOLING, CS1_PSU_LOSS = 20e3, 4e3, 1e3   # W, Cerebras at SC19 (techspot.com, 2019-11-19) [S]
STATIC_SHARE = (CS1_COOLING + CS1_PSU_LOSS) / CS1_TOTAL + (1 - (CS1_COOLING + CS1_PSU_LOSS) / CS1_TOTAL) * 0.10
CS3_FLOOR = CS3_SYSTEM * STATIC_SHARE             # 7,475 W

CS3 = """from systems import Cerebras_CS3
from models import Llama3_1_70B, Llama3_1_8B
rack CS3_rack {
  server w: Cerebras_CS3 x 2
  height = 48 U
  cooling = "liquid"
  liquid_fraction = 0.9
  power_limit = 50 kW
}
site s {
  land_price = 0 USD
  hall h {
    rack r: CS3_rack x ceil(svc.accelerators_needed / 2)
  }
  inference svc {
    model = Llama3_1_70B
    system = Cerebras_CS3
    precision = "bf16"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 500 tok
    ttft_limit = 2 s
    tpot_limit = 40 ms
    demand = 100 ktok/s
  }
  inference one {
    model = Llama3_1_8B
    system = Cerebras_CS3
    accelerators = 1
    precision = "bf16"
    scenario = "single_stream"
  }
}
"""


@pytest.fixture(scope="module")
def cs3():
    results, _ = evaluate_text(CS3, "srampower13.factory")
    return results.values


def test_the_static_floor_by_hand() -> None:
    assert STATIC_SHARE == pytest.approx(0.325)
    assert CS3_FLOOR == pytest.approx(7475.0)


def test_a_wafer_at_load_draws_at_least_its_static_share(cs3) -> None:
    """One CS-3 serving Llama 3.1 8B at batch 1 (the published 1,800 tok/s setting): by hand, its draw is the
    static floor plus the law's dynamic terms at its own activity, P = 7,475 + a u_c + b u_m, a = 17.25 kW x
    dynamic_power_share (2.507: the H100 fit scaled by the wafer's 15 of the CS-1's 20 kW, 17.25 of 23 kW), b =
    17.25 kW x memory_power_share (0.149). Before: 2,462 W, 10.7% of the system, below what its cooling and power
    supplies alone draw."""
    u_c, u_m = cs3["s.one.compute_utilization"][0], cs3["s.one.memory_utilization"][0]
    wafer = CS3_SYSTEM * (1 - (CS1_COOLING + CS1_PSU_LOSS) / CS1_TOTAL)      # 17.25 kW
    a = wafer * P.dynamic_power_share.value
    b = wafer * P.memory_power_share.value
    assert cs3["s.one.accelerator_power"][0] >= CS3_FLOOR
    assert cs3["s.one.accelerator_power"][0] == pytest.approx(CS3_FLOOR + a * u_c + b * u_m, rel=1e-6)
    assert cs3["s.one.power"][0] == pytest.approx(cs3["s.one.accelerator_power"][0], rel=1e-12)   # no overhead on top


def test_a_service_on_its_racks_draws_between_their_static_floor_and_their_nameplate(cs3) -> None:
    """A demand-sized service on CS-3 racks: the racks' nameplate (23 kW a wafer) bounds the service's power from
    above, the wafers' static floor from below (before: 177.6 kW of service on 48 wafers, 3.70 kW a wafer, 16% of
    the racks' 1,104 kW)."""
    wafers = cs3["s.svc.accelerators_needed"][0]
    power = cs3["s.svc.power"][0]
    assert power <= cs3["s.it_power"][0]
    assert power >= wafers * CS3_FLOOR * (1 - 1e-12)


GROQ = """from systems import GroqNode
from models import Llama2_70B
site s {
  land_price = 0 USD
  inference groq {
    model = Llama2_70B
    system = GroqNode
    accelerators = 576
    precision = "int8"
    scenario = "single_stream"
  }
}
"""
EPYC_ROME_TDP = 180.0        # W a host CPU, [U]: the GroqNode's "2 EPYC Rome host CPUs (~2x 180 W at load)" (stdlib)
HOST_CPU = A.cpu_idle_fraction.value * EPYC_ROME_TDP + A.cpu_utilization.value * (
    EPYC_ROME_TDP - A.cpu_idle_fraction.value * EPYC_ROME_TDP)   # the host law: 54 + 0.5 x 126 = 117 W


@pytest.fixture(scope="module")
def groq():
    results, _ = evaluate_text(GROQ, "srampower13_groq.factory")
    return results.values


def test_the_host_law_by_hand() -> None:
    assert HOST_CPU == pytest.approx(117.0)


def test_a_groqnode_draws_at_least_its_lpus_and_its_hosts(groq) -> None:
    """A GroqNode at batch 1 (Llama 2 70B on 576 LPUs, Groq's published 300 tok/s setting): its wall power is at
    least its 8 LPUs' draw plus its 2 host CPUs' at the host law (idle 30% of TDP + cpu_utilization 0.5 of the
    rest, whatever the accelerators do: DGX H100's Xeons, stdlib systems.factory) over its 0.94 PSUs:
    (8 x 37.97 + 2 x 117) / 0.94 = 572 W. Before: 398.5 W, the 700 W host overhead scaled by the LPUs' load (10%).
    By hand, with the rest of the overhead (DIMMs, fans, drives: 340 W at full load) following the parts' load as in
    every server: load = (303.7 + 234) / (8 x 375 + 2 x 180) = 0.160, (537.7 + 340 x 0.160) / 0.94 = 630 W."""
    lpus = 8 * groq["s.groq.accelerator_power"][0]
    floor = (lpus + 2 * HOST_CPU) / 0.94
    assert groq["s.groq.system_power"][0] >= floor
    parts = lpus + 2 * HOST_CPU
    load = parts / (8 * 375.0 + 2 * EPYC_ROME_TDP)
    assert groq["s.groq.system_power"][0] == pytest.approx((parts + 340.0 * load) / 0.94, rel=1e-9)
