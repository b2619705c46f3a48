"""A service's draw lies between the idle and the nameplate of what it holds (s14-cfo2, 2026-12-06).

A colleague's audit of the shipped reports: the inference shoot-out's single-stream H100 (one GPU of a DGX H100)
was billed 286.2 W per GPU (`power_avg`, its duty cycle 0.6 busy at 333.9 W, idle the rest at 214.6 W), below the
DGX H100's own idle, 2.4 kW / 8 = 300 W per GPU (stdlib/systems.factory `idle_power`). The server's wall power at a
board draw P, W(P) = (parts at P + overhead x load) / psu_efficiency (compiler.models.power `_server_at`), scaled
its fans and board power down with the load to nothing, and the declared `idle_power` (the static floor: fans at
their minimum speed, the BMC, the NVSwitches) was read by nothing but a server given only its nameplate: 8 GPUs at
their measured 72 W gave 1,716.7 W, 683 W under the server's idle.

Laws, over every shipped example's inference services and a sweep of systems, batches and duty cycles:
  - per held accelerator, `power` / accelerators_held and `power_avg` / accelerators_held lie within
    [floor, ceiling]: floor = the declared idle of what it holds (a server's `idle_power` / its accelerators; a
    rack's servers' idle over the rack's accelerators; bare chips: the chip's idle board power), ceiling = the
    nameplate (a server's `max_power`, else its peak_power, / its accelerators; a rack's it_power / its
    accelerators; bare chips: the TDP)
  - a server's `system_power` (every accelerator in it at the service's draw) lies within [idle_power, max_power]
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from compiler import evaluate_files, evaluate_text

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.factory")) + sorted((ROOT / "examples" / "published").glob("*.factory"))
TOL = 1e-9


def _bounds(ctx):
    """(floor, ceiling, server) per accelerator of the service's holder, from its declared figures only."""
    from compiler.models import assumptions as A
    from compiler.models.inference import Platform
    platform = Platform(ctx)
    chip = platform.chip
    tdp = chip.get("tdp")
    chip_idle = chip.get("idle_power") if chip.is_set("idle_power") else tdp * A.idle_fraction.value
    if ctx.is_set("power_cap"):
        chip_idle = np.minimum(chip_idle, ctx.get("power_cap"))
    if platform.system is not None:
        server = platform.system
        n = server.get("accelerators")
        idle = server.get("idle_power") / n if server.is_set("idle_power") else chip_idle
        top = server.get("max_power") if server.is_set("max_power") else server.get("peak_power")
        return np.maximum(idle, chip_idle), top / n, server
    if platform.rack is not None:
        rack = platform.rack
        n = rack.get("accelerators")
        idle = np.zeros(1)
        for server in rack.parts("server"):
            if server.is_set("idle_power"):
                idle = idle + server.count * server.get("idle_power")
        return np.maximum(idle / n, chip_idle), rack.get("it_power") / n, None
    return chip_idle, tdp, None


def _services(results):
    from compiler.evaluate import Context
    ev = results.units._ev
    seen = {}
    for node in list(results.graph.nodes.values()):
        inst = node.instance
        if inst is not None and inst.kind == "inference" and inst.path not in seen:
            seen[inst.path] = Context(ev, inst)
    return seen


def _breaches(results) -> list[str]:
    out = []
    for path, ctx in sorted(_services(results).items()):
        held = results.values.get(f"{path}.accelerators_held")
        if not isinstance(held, np.ndarray):
            continue
        floor, ceiling, server = _bounds(ctx)
        for figure in ("power", "power_avg"):
            total = results.values.get(f"{path}.{figure}")
            if not isinstance(total, np.ndarray):
                continue
            per = np.asarray(total, dtype=float) / np.maximum(held, 1)
            ok = np.isnan(per) | ((per >= floor * (1 - TOL)) & (per <= ceiling * (1 + TOL)))
            if not np.all(ok):
                i = int(np.flatnonzero(~ok)[0])
                low, high = np.broadcast_to(floor, per.shape)[i], np.broadcast_to(ceiling, per.shape)[i]
                out.append(f"{path}.{figure} / held = {per.flat[i]:.1f} W outside [{low:.1f}, {high:.1f}] W")
        system = results.values.get(f"{path}.system_power")
        if server is not None and isinstance(system, np.ndarray):
            low = server.get("idle_power") if server.is_set("idle_power") else np.zeros(1)
            high = server.get("max_power") if server.is_set("max_power") else server.get("peak_power")
            s = np.asarray(system, dtype=float)
            ok = np.isnan(s) | ((s >= low * (1 - TOL)) & (s <= high * (1 + TOL)))
            if not np.all(ok):
                i = int(np.flatnonzero(~ok)[0])
                out.append(f"{path}.system_power = {s.flat[i]:.1f} W outside [{float(np.ravel(low)[0]):.1f}, "
                           f"{float(np.ravel(high)[0]):.1f}] W")
    return out


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name)
def test_every_shipped_service_draws_between_idle_and_nameplate(example: Path) -> None:
    results, sink = evaluate_files([str(example)])
    assert results is not None
    assert _breaches(results) == []


SWEEP = """from chips import H100_SXM
from systems import DGX_H100, DGX_B200, DGX_H200, GB200_NVL72
from models import Llama3_1_8B, Llama3_1_70B
param duty = [0.01, 0.3, 1]
site s {{
  inference h1 {{
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = 1
    precision = "bf16"
    batch = {batch}
    utilization = duty
  }}
  inference h8 {{
    model = Llama3_1_70B
    system = DGX_H200
    precision = "fp8"
    batch = {batch}
    utilization = duty
  }}
  inference b {{
    model = Llama3_1_8B
    system = DGX_B200
    accelerators = 2
    precision = "fp8"
    batch = {batch}
    utilization = duty
  }}
  inference chip {{
    model = Llama3_1_8B
    chip = H100_SXM
    accelerators = 1
    precision = "bf16"
    batch = {batch}
    utilization = duty
  }}
  inference nvl {{
    model = Llama3_1_70B
    rack = GB200_NVL72
    accelerators = 8
    precision = "fp4"
    batch = {batch}
    utilization = duty
  }}
}}
"""


@pytest.mark.parametrize("batch", [1, 16, 256])
def test_a_sweep_of_batches_and_duty_cycles_draws_between_idle_and_nameplate(batch: int) -> None:
    results, sink = evaluate_text(SWEEP.format(batch=batch), "bounds.factory")
    assert results is not None, [d.message for d in sink.errors]
    assert _breaches(results) == []


def test_the_shootouts_single_stream_h100_by_hand() -> None:
    """One GPU of a DGX H100 at duty 0.6: power_avg = 0.6 x power + 0.4 x W(72 W), W(72 W) the server's idle
    share, 2,400 W / 8 = 300 W (it was 214.6 W: 8 x 72 W + 2 x 227.5 W CPUs + 260 W NICs, plus the overhead
    0.25 x 6,560 W x (1,291 / 6,560), over 0.94 = 1,716.7 W / 8)."""
    results, sink = evaluate_files([str(ROOT / "examples" / "inference_shootout.factory")])
    v = results.values
    power = float(v["shootout.h100_8b.power"][0])
    avg = float(v["shootout.h100_8b.power_avg"][0])
    assert avg == pytest.approx(0.6 * power + 0.4 * 2400 / 8, rel=1e-9)
    assert avg >= 300
