"""Shares of a block's totals: the share columns of the report's breakdowns and the cooling view's split of the IT
heat, as model outputs, so the report, the diagrams, eval's table and results JSON print one figure.

Pipeline position: registered model of `compiler.models`; imports numpy, the registry and `dsl.schema.SHARES` (the
table of totals and their parts, per kind, which also declares the fields).

    <part>_share = part / total        where total > 0 (absent with its reason where it is 0 or has no value)

per kind (dsl/schema.py SHARES):
    site, hall  power by component and stage over facility_power (the peak at the meter): power_accelerators,
                power_cpus, power_memory, power_network, power_overhead, power_chain_loss, cooling_power,
                facility_power (1), it_power, facility_power_avg, it_power_avg, facility_power_metered;
                capex by category over capex; cost per year over tco_year; heat_liquid and heat_air over it_power
                (a site: also its heat outside its halls over it_power_outside_halls)
    row, rack   power by component over it_power (it_power_share is 1), it_power_avg, heat_liquid and heat_air
                over it_power; capex_it, capex_network, capex_optics over capex_depreciable_it
    server      power by component over peak_power; capex_it, capex_network over capex_depreciable_it
Assumptions: none; a share is exact arithmetic on two outputs of the same block at the same scenario. The parts
need not add up to 1 (a stage's average is not a part of the peak), and a part the block does not have (a site that
leases has no building capex) has no share.

Example: a site with capex_it = $1.2B of capex = $2.0B: capex_it_share = 0.6 (the report prints 60.0%).
"""
from __future__ import annotations

import numpy as np

from dsl.schema import SHARES

from . import output


def _share(part: str, total: str):
    def compute(ctx):
        if not ctx.has(part) or not ctx.has(total):
            ctx.not_applicable()
        whole = ctx.get(total)
        value = ctx.get(part)
        zero = ~(whole > 0)
        if np.all(zero):
            ctx.not_applicable()            # nothing to take a share of (a site of workloads only: 0 W, $0)
        if np.any(zero):
            ctx.absent(zero, f"its total `{total}` is 0 there")
        return value / np.where(zero, 1.0, whole)
    return compute


for _kind, _groups in SHARES.items():
    for _total, _words, _parts in _groups:
        for _part in _parts:
            output(_kind, f"{_part}_share", f"{_part} / {_total}")(_share(_part, _total))     # reads: reads.py
