"""Power model: IT power per component at peak and at the average utilization, rolled up the hierarchy.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only.

Formulas (all per item; parents multiply by their parts' counts):

    chip.peak_power   = tdp
    chip.power        = idle + u * (tdp - idle)          u: `utilization` of the nearest block that sets it
                                                          idle: `idle_power`, else idle_fraction * tdp
    cpu.power         = idle + u_cpu * (tdp - idle)       u_cpu: the cpu's `utilization` or cpu_utilization
    server.peak_power = (sum(parts at peak) + overhead) / psu_efficiency      (checked against max_power)
    server.power      = (sum(parts at average) + overhead * load) / psu_efficiency
                        overhead: `overhead_power` (at full load), else `overhead_fraction` of the parts
                        at peak (default: air 25%, liquid 10%); load = parts at average / parts at peak
                        (fans and regulator losses follow the heat they handle)
                        a server with no parts: peak = max_power, average = idle + u * (max_power - idle)
    rack/row/hall/site.it_power     = sum(count * part peak power)   (servers, switches, NICs, ... and
                                      the racks, rows and halls inside), divided by the power-shelf
                                      efficiency when the rack has power shelves
    rack/row/hall/site.it_power_avg = the same at average utilization
    power_<bucket> (server, rack, row, hall, site; peak): sum(count * part figure) over the direct parts of
                      the bucket's kinds plus sum(count * part.power_<bucket>) over servers, racks, rows, halls
                      accelerators: chip peak_power; cpus: cpu peak_power; memory: memory and storage power;
                      network: NIC, DPU, switch, transceiver, cable and network power
    power_overhead  = peak power (server peak_power, else it_power) - the four buckets: fans, boards and
                      PSU losses, power-shelf losses, servers given only a nameplate (negative when a spec
                      sets a total below its parts)
    row/hall/site.it_power_outside_racks = sum(count * power) of the parts that are not racks, rows or halls
                      + sum(count * row.it_power_outside_racks)      (a site's halls count their own)
    rack/row.power_limit_utilization = it_power / power_limit   (where the spec gives power_limit)

Assumptions: every part draws its average power for the whole year (no job scheduling gaps); NICs,
switches, optics and drives draw their rated `power` whatever the load; fans and board power scale with
the load they cool. Losses of the facility's power chain are in `compiler.models.facility`.
"""
from __future__ import annotations

import numpy as np

from . import assumptions as A
from . import limit, output

DEVICE_KINDS = ("chip", "cpu", "server")                         # have power (average) and peak_power
FIXED_KINDS = ("memory", "storage", "nic", "dpu", "switch", "transceiver", "cable", "network")
FACILITY_KINDS = ("rack", "row", "hall")


def part_power(ctx, peak: bool):
    """Sum over direct parts of count x power (peak or average); nothing inside counts twice."""
    total = np.zeros(1)
    for part in ctx.parts(*DEVICE_KINDS):
        total = total + part.count * part.get("peak_power" if peak else "power")
    for part in ctx.parts(*FIXED_KINDS):
        total = total + part.count * part.get("power", 0.0)
    for part in ctx.parts(*FACILITY_KINDS):
        total = total + part.count * part.get("it_power" if peak else "it_power_avg")
    return total


def _accelerator_utilization(ctx):
    return ctx.inherited("utilization", A.utilization)


def _load_power(ctx, utilization, idle_fraction):
    """idle + u * (tdp - idle), idle being `idle_power` or a share of the TDP."""
    tdp = ctx.get("tdp")
    idle = ctx.get("idle_power") if ctx.is_set("idle_power") else tdp * ctx.get(idle_fraction.name, idle_fraction)
    return idle + utilization * (tdp - idle)


for _kind in ("chip", "cpu"):
    output(_kind, "peak_power", "tdp")(lambda ctx: ctx.get("tdp"))
output("chip", "power", "idle_power + utilization * (tdp - idle_power)")(
    lambda ctx: _load_power(ctx, _accelerator_utilization(ctx), A.idle_fraction))
output("cpu", "power", "idle_power + utilization * (tdp - idle_power)")(
    lambda ctx: _load_power(ctx, ctx.get("utilization", A.cpu_utilization), A.cpu_idle_fraction))


def _overhead(ctx, parts_peak):
    """Overhead power at full load: the server's `overhead_power`, else a share of its parts at peak."""
    if ctx.is_set("overhead_power"):
        return ctx.get("overhead_power")
    liquid = ctx.text("cooling", "air") in ("liquid", "hybrid")
    fraction = ctx.get("overhead_fraction", A.overhead_fraction_liquid if liquid else A.overhead_fraction_air)
    return fraction * parts_peak


def _has_parts(ctx) -> bool:
    return bool(ctx.parts(*DEVICE_KINDS, *FIXED_KINDS))


@output("server", "peak_power", "(sum(parts.peak_power) + overhead) / psu_efficiency, or max_power")
def server_peak(ctx):
    if not _has_parts(ctx):
        return ctx.get("max_power")
    parts = part_power(ctx, peak=True)
    return (parts + _overhead(ctx, parts)) / ctx.get("psu_efficiency", A.psu_efficiency)


@output("server", "power", "(sum(parts.power) + overhead * load) / psu_efficiency")
def server_power(ctx):
    if not _has_parts(ctx):
        peak = ctx.get("max_power")
        idle = ctx.get("idle_power") if ctx.is_set("idle_power") else peak * ctx.get("idle_fraction",
                                                                                      A.idle_fraction)
        return idle + _accelerator_utilization(ctx) * (peak - idle)
    peak = part_power(ctx, peak=True)
    average = part_power(ctx, peak=False)
    load = np.where(peak > 0, average / np.where(peak > 0, peak, 1.0), 0.0)
    return (average + _overhead(ctx, peak) * load) / ctx.get("psu_efficiency", A.psu_efficiency)


def _nameplate_check(ctx):
    if not ctx.is_set("max_power") or not _has_parts(ctx):
        return None
    return ctx.get("peak_power"), ctx.get("max_power")


limit("server", "nameplate", _nameplate_check, "peak_power", "max_power",
      "the server's parts at full load fit its nameplate power")


def _shelf_efficiency(ctx):
    shelves = ctx.parts("power_shelf")
    if not shelves:
        return np.ones(1)
    return shelves[0].get("efficiency", A.power_shelf_efficiency)


def _it(ctx, peak):
    return part_power(ctx, peak) / _shelf_efficiency(ctx)


for _kind in ("rack", "row", "hall", "site"):
    output(_kind, "it_power", "sum(count * part peak power) / power_shelf.efficiency")(
        lambda ctx: _it(ctx, peak=True))
    output(_kind, "it_power_avg", "sum(count * part average power) / power_shelf.efficiency")(
        lambda ctx: _it(ctx, peak=False))


POWER_BUCKETS = {"accelerators": ("chip",), "cpus": ("cpu",), "memory": ("memory", "storage"),
                 "network": ("nic", "dpu", "switch", "transceiver", "cable", "network")}


def _bucket(kinds: tuple[str, ...], name: str):
    def compute(ctx):
        total = np.zeros(1)
        for part in ctx.parts(*kinds):
            total = total + part.count * part.get("peak_power" if part.kind in ("chip", "cpu") else "power", 0.0)
        for part in ctx.parts("server", *FACILITY_KINDS):
            total = total + part.count * part.get(name)
        return total
    return compute


def _overhead_bucket(ctx):
    total = ctx.get("peak_power" if ctx.kind == "server" else "it_power")
    for bucket in POWER_BUCKETS:
        total = total - ctx.get(f"power_{bucket}")
    return total


for _kind in ("server", "rack", "row", "hall", "site"):
    for _bucket_name, _kinds in POWER_BUCKETS.items():
        output(_kind, f"power_{_bucket_name}", f"sum(count * power of {', '.join(_kinds)} inside) (peak)")(
            _bucket(_kinds, f"power_{_bucket_name}"))
    output(_kind, "power_overhead", "peak power - power_accelerators - power_cpus - power_memory - power_network")(
        _overhead_bucket)


def _outside_racks(ctx):
    total = np.zeros(1)
    for part in ctx.parts(*DEVICE_KINDS):
        total = total + part.count * part.get("peak_power")
    for part in ctx.parts(*FIXED_KINDS):
        total = total + part.count * part.get("power", 0.0)
    for part in ctx.parts("row"):
        total = total + part.count * part.get("it_power_outside_racks")
    return total


for _kind in ("row", "hall", "site"):
    output(_kind, "it_power_outside_racks", "sum(count * power) of parts other than racks, rows and halls, "
           "plus the rows'")(_outside_racks)


def _power_limit_utilization(ctx):
    if not ctx.is_set("power_limit"):
        ctx.not_applicable()
    limit_ = ctx.get("power_limit")
    if np.any(limit_ <= 0):
        ctx.absent(limit_ <= 0, "its power limit is 0")
    return np.where(limit_ > 0, ctx.get("it_power") / np.where(limit_ > 0, limit_, 1.0), np.nan)


for _kind in ("rack", "row"):
    output(_kind, "power_limit_utilization", "it_power / power_limit")(_power_limit_utilization)


def _accelerators(ctx):
    total = np.zeros(1)
    for part in ctx.parts("chip"):
        total = total + part.count
    for part in ctx.parts("server", "rack", "row", "hall"):
        total = total + part.count * part.get("accelerators")
    return total


for _kind in ("server", "rack", "row", "hall", "site"):
    output(_kind, "accelerators", "count(chip) + sum(count * part.accelerators)")(_accelerators)
