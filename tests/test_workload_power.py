"""A workload's power is its own load's: accelerators x system_power / accelerators per system, for a training run
and an inference service alike (the servers' wall power while it runs); the placed hardware's power is drawn at the
site's utilization.

Before: the workload's wall power read the system definition's power model at the default utilization (0.85),
whatever the site declared; then an inference service's `power` read the site's utilization while its
`system_power` read its own load (a Cerebras CS-3 at batch 1: 19.89 kW against 2.46 kW)."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler import evaluate_files, evaluate_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("u", ["0.5", "0.85", "1"])
def test_workload_power_per_gpu_equals_the_placed_racks_at_the_sites_utilization(u) -> None:
    """Law on the flagship: the training run and the chat service run on the campus's GB300 NVL72 racks. Each one's
    wall power is its own load's: power = (accelerators - idle) x system_power / 72 accelerators per rack + idle x
    the rack's wall power per GPU at their idle draw (tests/test_idle_power.py), whatever the site's utilization
    (which sets the placed racks' average power, not the workloads')."""
    results, _ = evaluate_files([str(ROOT / "examples" / "flagship_campus.factory")], {"gpu_utilization": u})
    v = results.values
    for workload in ("frontier_campus.frontier_run", "frontier_campus.chat"):
        n, k = v[f"{workload}.accelerators"][0], v[f"{workload}.idle_accelerators"][0]
        busy = v[f"{workload}.system_power"][0] / 72
        idle_wall = (v[f"{workload}.power"][0] - (n - k) * busy) / k if k else 0.0
        assert v[f"{workload}.power"][0] == pytest.approx((n - k) * busy + k * idle_wall, rel=1e-12)
        assert 0 <= idle_wall < busy


SPEC = """from systems import DGX_H100
from models import Llama3_1_8B
param u = 0.5
site s {
  utilization = u
  rack r { server node: DGX_H100 }
  inference svc {
    model = Llama3_1_8B
    system = DGX_H100
  }
}
"""


def test_server_workload_power_by_hand() -> None:
    """DGX H100: 8 H100 (TDP 700 W, idle 72 W measured); a chip draws 72 + u x 628 W, and the server's wall power
    is linear in it (fans and regulators scale with the load; PSU losses a fixed share). So the placed server's
    power moves with the site's u: P(0.5) - P(0.85) = -0.35 x 628 x 8 x m and P(1) - P(0.85) = +0.15 x 628 x 8
    x m, whose ratio is -0.35 / 0.15 whatever the multiplier m. The service's power is its own load's, one DGX
    (8 accelerators) at its system_power, the same whatever the site's u."""
    power, service = {}, {}
    for u in ("0.5", "0.85", "1"):
        results, sink = evaluate_text(SPEC, "t.factory", {"u": u})
        assert not sink.errors, [d.message for d in sink.errors]
        v = results.values
        power[u] = v["s.r.node.power"][0]
        service[u] = v["s.svc.power"][0]
        assert service[u] == pytest.approx(v["s.svc.system_power"][0], rel=1e-12)     # one DGX: its 8 accelerators
    assert (power["0.5"] - power["0.85"]) / (power["1"] - power["0.85"]) == pytest.approx(-0.35 / 0.15, rel=1e-9)
    assert power["0.5"] < power["0.85"] < power["1"]
    assert service["0.5"] == service["0.85"] == service["1"]
