"""A workload's power is drawn at the utilization of the site it runs in, not the system's default.

Before the fix the workload's wall power read the system definition's power model, evaluated at the default
utilization (0.85), whatever the site declared."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler import evaluate_files, evaluate_text

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("u", ["0.5", "0.85", "1"])
def test_workload_power_per_gpu_equals_the_placed_racks_at_the_sites_utilization(u) -> None:
    """Law on the flagship: the training run and the chat service run on the campus's GB300 NVL72 racks. The chat
    service's wall power per GPU is the placed rack's average IT power per GPU (it inherits the site's
    utilization); the training run's is its own load's (the two-phase training power model): power = accelerators
    x system_power / 72 accelerators per rack, whatever the site's utilization."""
    results, _ = evaluate_files([str(ROOT / "examples" / "flagship_campus.factory")], {"gpu_utilization": u})
    v = results.values
    per_gpu = v["frontier_campus.data_hall.pod.nvl.it_power_avg"][0] / 72
    run_ = "frontier_campus.frontier_run"
    assert v[f"{run_}.power"][0] / v[f"{run_}.accelerators"][0] == \
        pytest.approx(v[f"{run_}.system_power"][0] / 72, rel=1e-12)
    assert v["frontier_campus.chat.power"][0] / v["frontier_campus.chat.accelerators"][0] == \
        pytest.approx(per_gpu, rel=1e-12)


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
    is linear in it (fans and regulators scale with the load; PSU losses a fixed share). So the workload's
    power moves with the site's u: P(0.5) - P(0.85) = -0.35 x 628 x 8 x m and P(1) - P(0.85) = +0.15 x 628 x 8
    x m, whose ratio is -0.35 / 0.15 whatever the multiplier m; and it is the placed server's power."""
    power = {}
    for u in ("0.5", "0.85", "1"):
        results, sink = evaluate_text(SPEC, "t.factory", {"u": u})
        assert not sink.errors, [d.message for d in sink.errors]
        v = results.values
        power[u] = v["s.svc.power"][0]
        assert power[u] == pytest.approx(v["s.r.node.power"][0], rel=1e-12)
    assert (power["0.5"] - power["0.85"]) / (power["1"] - power["0.85"]) == pytest.approx(-0.35 / 0.15, rel=1e-9)
    assert power["0.5"] < power["0.85"] < power["1"]
