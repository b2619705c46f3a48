"""Idle accelerators draw their idle power, not the run's (s12-idle, 2026-12-05).

A workload holds `accelerators`; its layout may leave some idle (`idle_accelerators`: a training run's
accelerators - tp pp cp dp, a service's beyond whole replicas). Those are held and paid for (hours, capex), but an
idle accelerator draws its idle board power P_idle (`idle_power`, else idle_fraction x tdp; the H100 SXM's measured
72 W, reference/h100_microbench.md), not the run's draw. Before this, the workload's power, energy and the energy
part of its own accelerator-hour counted the idle ones at the run's draw: the flagship's training run costed its 448
idle GB300s at about 1.2 kW each.

Laws (hand calculations written out below):
  - power = (n - k) W(P_run) + k W(P_idle): k idle accelerators draw exactly k (W(P_run) - W(P_idle)) less than all
    n running, W the wall power per accelerator (bare chips: the board power; a server: affine in the board
    power with slope m = peak_power / parts at peak = (1 + 0.25) / 0.94 on an air-cooled DGX H100)
  - holding k more accelerators idle, the same layout, adds exactly k W(P_idle) (the busy chips' activity does not
    change: it is the work over the accelerators that do it)
  - power never below the all-idle floor n W(P_idle); never NaN
  - capex is not changed by idleness: the workload's own accelerator-hour at $0/kWh counts every held chip
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_text
from spec_eval import error_free_values  # tests/ is on the path

H100_IDLE = 72.0                 # W, H100 SXM idle_power (stdlib chips.factory, measured)
DGX_SLOPE = (1 + 0.25) / 0.94    # DGX H100: air (overhead 25% of the parts at peak, scaled by load), PSU 94%
DGX_IDLE = 2400.0 / 8            # W a GPU: the DGX H100's declared idle_power 2.4 kW over its 8 GPUs, the floor of
                                 # its wall power (the parts' model gives 1,716.7 W with every GPU at 72 W; s14-cfo2)


def _dgx_idle_wall(w_run: float, p_run: float) -> float:
    """W(72 W) of a DGX H100 per GPU: the affine parts' model m (P - 72 W) below W(P_run), held at the server's
    declared idle 300 W a GPU (compiler.models.power `_idle_floor`)."""
    return max(w_run - DGX_SLOPE * (p_run - H100_IDLE), DGX_IDLE)

TRAINING = """from chips import H100_SXM
from systems import DGX_H100
from models import Llama3_1_8B
param acc = [992, 1000]
param price = 0.1 USD/kWh
site s {{
  electricity_price = price
  training t {{
    model = Llama3_1_8B
    {holder}
    accelerators = acc
    tokens = 1 Ttok
    precision = "bf16"
    tp = 4
    pp = 2
    cp = 2
  }}
}}
"""


def _run(text: str, defines: dict[str, str] | None = None):
    return error_free_values(text, defines, "idle.factory")


@pytest.mark.parametrize("holder", ["chip = H100_SXM", "system = DGX_H100"])
def test_training_idle_accelerators_draw_idle_power(holder: str) -> None:
    """tp 4 pp 2 cp 2 = 16 a replica: 992 = 62 x 16 all run, 1000 leaves 8 idle (62 replicas either way, the same
    layout and step). Bare chips: power(1000) = 992 P_run + 8 x 72 W; DGX H100: the 8 idle GPUs' wall power is
    m (P_run - 72 W) each below the busy ones'."""
    v = _run(TRAINING.format(holder=holder))
    t = "s.t"
    assert list(v[f"{t}.idle_accelerators"]) == [0.0, 8.0]
    assert v[f"{t}.dp"][0] == v[f"{t}.dp"][1] == 62
    assert v[f"{t}.step_time"][1] == pytest.approx(v[f"{t}.step_time"][0], rel=1e-12)
    p_run = v[f"{t}.accelerator_power"]
    assert p_run[1] == pytest.approx(p_run[0], rel=1e-12)        # the busy chips run the same step
    if holder.startswith("chip"):
        w_run, w_idle = p_run[1], H100_IDLE
    else:
        w_run = v[f"{t}.system_power"][1] / 8
        w_idle = _dgx_idle_wall(w_run, p_run[1])
    power = v[f"{t}.power"]
    assert power[0] == pytest.approx(992 * w_run, rel=1e-9)
    # the law: 8 idle draw exactly 8 (W_run - W_idle) less than 1,000 running
    assert 1000 * w_run - power[1] == pytest.approx(8 * (w_run - w_idle), rel=1e-9)
    # holding 8 more idle adds 8 W_idle
    assert power[1] - power[0] == pytest.approx(8 * w_idle, rel=1e-9)
    assert np.all(power >= np.array([992, 1000]) * w_idle)     # never below the all-idle floor
    energy = v[f"{t}.energy"]
    assert energy[1] == pytest.approx(power[1] * v[f"{t}.time_to_train"][1], rel=1e-12)
    assert np.all(np.isfinite(power)) and np.all(np.isfinite(energy))


@pytest.mark.parametrize("holder", ["chip = H100_SXM", "system = DGX_H100"])
def test_training_capex_is_not_changed_by_idleness(holder: str) -> None:
    """The workload's own accelerator-hour is capex x CRF + its energy. At $0/kWh only capex is left: cost = n x
    price_per_chip x CRF x T, every held chip counted, idle or not, so cost(1000) / cost(992) = 1000 / 992 at the
    same T (the 1,000-chip run's T from its own). With energy priced, the 8 idle chips' energy is at their idle wall power: cost(1000) - cost(992) =
    T (8 capex rate + 8 W_idle x price), where W_idle is the wall power with the chip at 72 W; the busy chips' at
    the run's own draw (system_power / 8: the cost's energy is the run's `energy` x price, test_trust_audit12b)."""
    free = _run(TRAINING.format(holder=holder), {"price": "0 USD/kWh"})
    cost = free["s.t.cost"]
    t = free["s.t.time_to_train"]
    assert (cost[1] / t[1]) / (cost[0] / t[0]) == pytest.approx(1000 / 992, rel=1e-9)
    paid = _run(TRAINING.format(holder=holder))
    energy_part = paid["s.t.cost"] - cost                                 # T x price x sum of the held chips' wall power
    t = paid["s.t.time_to_train"]
    price = 0.1 / 3.6e6                                                   # USD/J
    busy_wall = energy_part[0] / (992 * t[0] * price)                    # the run's wall power of a busy chip
    idle_wall = (energy_part[1] / (t[1] * price) - 992 * busy_wall) / 8
    p_run = paid["s.t.accelerator_power"][0]
    if holder.startswith("chip"):
        assert busy_wall == pytest.approx(p_run, rel=1e-9)
        assert idle_wall == pytest.approx(H100_IDLE, rel=1e-9)
    else:
        # the DGX's GPUs at the run's board power P_run: idle is m x (P_run - 72 W) below, held at the server's
        # declared idle, 300 W a GPU
        assert busy_wall == pytest.approx(paid["s.t.system_power"][0] / 8, rel=1e-9)
        assert idle_wall == pytest.approx(_dgx_idle_wall(busy_wall, p_run), rel=1e-9)


SERVICE = """from systems import DGX_H100
from models import Llama3_1_8B
param acc = [8, 12]
site s {
  inference i {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = acc
    tp = 8
  }
}
"""


def test_service_idle_accelerators_draw_idle_power() -> None:
    """12 accelerators at tp 8: one replica, 4 idle, the same tokens/s as 8 accelerators. The busy 8 do the same work
    (the same compute activity, board power and system power); the 4 idle add 4 W_idle = 4 max(W_run - m (P_run -
    72 W), 300 W), W_run = system_power / 8 (300 W: the DGX H100's idle_power 2.4 kW / 8, its floor)."""
    v = _run(SERVICE)
    i = "s.i"
    assert list(v[f"{i}.idle_accelerators"]) == [0.0, 4.0]
    assert v[f"{i}.tokens_per_s"][1] == pytest.approx(v[f"{i}.tokens_per_s"][0], rel=1e-12)
    for name in ("compute_utilization", "memory_utilization", "accelerator_power", "system_power"):
        assert v[f"{i}.{name}"][1] == pytest.approx(v[f"{i}.{name}"][0], rel=1e-12), name
    w_run = v[f"{i}.system_power"][0] / 8
    w_idle = _dgx_idle_wall(w_run, v[f"{i}.accelerator_power"][0])
    assert w_idle == DGX_IDLE
    power = v[f"{i}.power"]
    assert power[0] == pytest.approx(8 * w_run, rel=1e-9)
    assert 12 * w_run - power[1] == pytest.approx(4 * (w_run - w_idle), rel=1e-9)
    assert power[1] - power[0] == pytest.approx(4 * w_idle, rel=1e-9)
    assert np.all(power >= np.array([8, 12]) * w_idle)
    tpj = v[f"{i}.tokens_per_joule"]
    assert tpj[1] == pytest.approx(v[f"{i}.tokens_per_s"][1] / power[1], rel=1e-12)


def test_flagship_training_counts_its_448_idle_at_idle_power() -> None:
    """The flagship's training run leaves 448 of 77,760 GB300s idle; its power is 77,312 busy at system_power / 72
    each plus 448 at the rack's wall power with those GPUs at their idle draw, above the all-idle floor."""
    from pathlib import Path

    from compiler import evaluate_files
    root = Path(__file__).resolve().parents[1]
    results, sink = evaluate_files([str(root / "examples" / "flagship_campus.factory")])
    assert not sink.errors
    v = results.values
    t = "frontier_campus.frontier_run"
    assert v[f"{t}.idle_accelerators"][0] == 448
    w_run = v[f"{t}.system_power"][0] / 72
    power = v[f"{t}.power"][0]
    assert power < 77760 * w_run
    w_idle = (power - 77312 * w_run) / 448
    assert 0 < w_idle < w_run


# ----------------------------------------------------------------------------- every example and generated specs

def _service_power_law(results, path: str) -> None:
    """A service's power is at most its n accelerators all at the run's wall power, n W_run (W_run = system_power /
    accelerators per system, = system_power x tokens_per_s_per_chip / tokens_per_s_per_system; bare chips:
    accelerator_power), equal to it where none is idle, and positive and finite where it has a value."""
    v = results.values
    power = v.get(f"{path}.power")
    if power is None:
        return
    ok = np.isfinite(power)
    idle = np.broadcast_to(np.nan_to_num(v[f"{path}.idle_accelerators"]), power.shape)
    n = np.broadcast_to(v[f"{path}.tokens_per_s"] / v[f"{path}.tokens_per_s_per_chip"], power.shape)
    if f"{path}.system_power" in v:
        per_system = v[f"{path}.tokens_per_s_per_system"] / v[f"{path}.tokens_per_s_per_chip"]
        w_run = np.broadcast_to(v[f"{path}.system_power"] / per_system, power.shape)
    else:
        w_run = np.broadcast_to(v[f"{path}.accelerator_power"], power.shape)
    assert np.all(power[ok] > 0), (path, power)
    assert np.all(power[ok] <= n[ok] * w_run[ok] * (1 + 1e-9)), (path, power, n, w_run)
    full = ok & (idle == 0)
    assert np.allclose(power[full], (n * w_run)[full], rtol=1e-9), (path, power, n, w_run)


def _services(results) -> list[str]:
    found, todo = [], list(results.graph.roots)
    while todo:
        inst = todo.pop()
        if inst.kind == "inference":
            found.append(inst.path)
        todo.extend(inst.parts)
    return sorted(found)


EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.factory")) + \
    sorted((Path(__file__).resolve().parents[1] / "examples" / "published").glob("*.factory"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_examples_services_draw_at_most_all_accelerators_running(path) -> None:
    from compiler import evaluate_files
    results, sink = evaluate_files([str(path)])
    assert results is not None
    for service in _services(results):
        _service_power_law(results, service)


from sampling import sampled  # noqa: E402  (tests/ is on the path)
from test_law_campaign import SEEDS, draw, spec_text  # noqa: E402


@pytest.mark.parametrize("seed", sampled([s for s in SEEDS if draw(s)["service"]], 8, single=True))
def test_generated_services_draw_at_most_all_accelerators_running(seed: int) -> None:
    """Over the law campaign's generated specs (tests/test_law_campaign.py; a sample by default, all under -m slow)."""
    results, _ = evaluate_text(spec_text(draw(seed)), "law_campaign.factory")
    assert results is not None
    for service in _services(results):
        _service_power_law(results, service)
