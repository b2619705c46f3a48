"""The hyperscalers' accelerator trays draw their host CPUs' power whatever their accelerators do (session 14).

Maia200_tray, TPU_v5p_host and Ironwood_tray carried their host CPUs inside `overhead_power`, which follows the
parts' load (fans and regulators follow the heat they handle): at accelerator utilization 0 their hosts drew a
fraction of their idle. Every other stdlib server (DGX, GB200 trays, GroqNode) models its CPUs as `cpu` parts on
the host law cpu.power = idle + u_cpu (tdp - idle), idle = cpu_idle_fraction tdp, u_cpu = cpu_utilization
(compiler/models/power.py). Nameplates are unchanged: the CPUs' TDP left the overhead (Maia 600 -> 300 W + one
300 W CPU; TPU hosts 700 -> 200 W + two 250 W CPUs).
"""
from __future__ import annotations

import pytest

from compiler import evaluate_text
from compiler.models import assumptions as A

SPEC = """from systems import Maia200_tray, TPU_v5p_host, Ironwood_tray
site s {
  land_price = 0 USD
  hall h {
    rack r {
      utilization = UTIL
      server a: Maia200_tray x 1
      server b: TPU_v5p_host x 1
      server c: Ironwood_tray x 1
    }
  }
}
"""
#            accelerators (count, TDP W), CPUs (count, TDP W), rest of the overhead W, PSU
SERVERS = {"a": ((4, 750.0), (1, 300.0), 300.0, 0.94),
           "b": ((4, 400.0), (2, 250.0), 200.0, 0.94),
           "c": ((4, 1000.0), (2, 250.0), 200.0, 0.94)}


def _host(tdp: float) -> float:
    idle = A.cpu_idle_fraction.value * tdp
    return idle + A.cpu_utilization.value * (tdp - idle)          # 250 W: 75 + 0.5 x 175 = 162.5 W


@pytest.fixture(scope="module", params=[0.0, 1.0])
def values(request):
    results, _ = evaluate_text(SPEC.replace("UTIL", str(request.param)), "host_cpus14.factory")
    return request.param, results.values


def test_the_host_law_by_hand() -> None:
    assert _host(250.0) == pytest.approx(162.5) and _host(300.0) == pytest.approx(195.0)


def test_each_tray_draws_its_accelerators_and_hosts_by_hand(values) -> None:
    """power = (chips + cpus + rest x load) / psu, load = (chips + cpus) / (chips + cpus at TDP); chip draw
    = idle_fraction x TDP + u x (1 - idle_fraction) x TDP. At u = 0 the Maia tray: chips 4 x 75 = 300 W, host
    195 W, load = 495 / 3,300 = 0.15, (495 + 300 x 0.15) / 0.94 = 574.5 W (before: (300 + 600 x 300/3,000) /
    0.94 = 446.8 W, its host at 60 W)."""
    u, v = values
    for name, ((n, tdp), (m, cpu_tdp), rest, psu) in SERVERS.items():
        chips = n * (A.idle_fraction.value * tdp + u * (1 - A.idle_fraction.value) * tdp)
        cpus = m * _host(cpu_tdp)
        load = (chips + cpus) / (n * tdp + m * cpu_tdp)
        expect = (chips + cpus + rest * load) / psu
        assert v[f"s.h.r.{name}.power"][0] == pytest.approx(expect, rel=1e-9), name
        assert v[f"s.h.r.{name}.power"][0] >= cpus / psu                  # the hosts never vanish
        assert v[f"s.h.r.{name}.peak_power"][0] == pytest.approx((n * tdp + m * cpu_tdp + rest) / psu, rel=1e-9)
    if u == 0.0:
        assert v["s.h.r.a.power"][0] == pytest.approx(574.468, rel=1e-5)
