"""Factory-level workload results: what the site's inference and training workloads add up to.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only.

    site.tokens_per_s     = sum(count * inference.tokens_per_s)
    site.tokens_per_joule = site.tokens_per_s / sum(count * inference.power)
    site.usd_per_mtok     = sum(tokens_per_s * usd_per_mtok) / site.tokens_per_s   (weighted by tokens/s)
    site.time_to_train    = max(training.time_to_train)

Each workload's own figures come from `compiler.models.inference` and `compiler.models.training`; the
dollar figures there already use the site's cost per accelerator-hour from the cost model.

Over-commitment (rule `over-committed`, an error): for each kind of accelerator (the chip definition a part
extends, e.g. `H100_SXM`, whichever server or rack holds it),

    needed(kind) = sum over the site's workloads on that kind of count * accelerators
                   (an inference service sized to a `demand`: its accelerators_needed)
    placed(kind) = sum over the chips placed in the site of the product of the counts down to them
    needed(kind) <= placed(kind)

A site that places no accelerators at all is a pure workload estimate and is not checked.
"""
from __future__ import annotations

import numpy as np

from dsl.schema import kinds

from . import output, rule
from dsl.diagnostics import Code


def _services(ctx):
    return ctx.parts("inference")


@output("site", "tokens_per_s", "sum(count * inference.tokens_per_s)")
def site_tokens_per_s(ctx):
    services = _services(ctx)
    if not services:
        ctx.not_applicable()
    return sum((s.count * s.get("tokens_per_s") for s in services), np.zeros(1))


@output("site", "tokens_per_joule", "tokens_per_s / sum(count * inference.power)")
def site_tokens_per_joule(ctx):
    power = sum((s.count * s.get("power") for s in _services(ctx)), np.zeros(1))
    return ctx.get("tokens_per_s") / np.where(power > 0, power, np.nan)


@output("site", "usd_per_mtok", "sum(inference.tokens_per_s * inference.usd_per_mtok) / tokens_per_s")
def site_usd_per_mtok(ctx):
    spent = sum((s.count * s.get("tokens_per_s") * s.get("usd_per_mtok") for s in _services(ctx)), np.zeros(1))
    total = ctx.get("tokens_per_s")
    return spent / np.where(total > 0, total, np.nan)


@output("site", "time_to_train", "max(training.time_to_train)")
def site_time_to_train(ctx):
    runs = ctx.parts("training")
    if not runs:
        ctx.not_applicable()
    return np.max(np.vstack(np.broadcast_arrays(*[r.get("time_to_train") for r in runs])), axis=0)


def _definition(ctx, block):
    """The chip definition a placed chip part stands for: the root of its `extends` chain."""
    scopes = ctx.ev.lowering.scopes
    seen = set()
    while id(block) not in seen and scopes.base_of(block) is not None:
        seen.add(id(block))
        block = scopes.base_of(block)
    return block


def placed_chips(ctx) -> dict[int, tuple[str, np.ndarray]]:
    """Accelerators placed under `ctx` by chip definition: id -> (name, count over scenarios)."""
    out: dict[int, tuple[str, np.ndarray]] = {}
    everything = tuple(k for k in kinds() if k not in ("inference", "training"))

    def visit(level, multiplier):
        for part in level.parts(*everything):
            count = multiplier * part.count
            if part.kind == "chip":
                root = _definition(ctx, part.inst.block)
                name, before = out.get(id(root), (root.name, np.zeros(1)))
                out[id(root)] = (name, before + count)
            else:
                visit(part, count)

    visit(ctx, np.ones(1))
    return out


@rule("site", Code.OVER_COMMITTED, "the workloads fit on the accelerators placed")
def over_committed(ctx):
    from ..display import format_quantity
    from .inference import Platform

    placed = placed_chips(ctx)
    if not placed:
        return None                  # no hardware placed: a pure workload estimate, the rule does not apply
    needed: dict[int, tuple[str, np.ndarray, list]] = {}
    for w in ctx.parts("inference", "training"):
        platform = Platform(w)
        root = _definition(ctx, platform.chip.inst.block)
        n = w.get("accelerators_needed") if w.kind == "inference" and w.is_set("demand") else platform.accelerators()
        n = w.count * n
        name, total, users = needed.get(id(root), (root.name, np.zeros(1), []))
        needed[id(root)] = (name, total + n, users + [(w.path, n)])
    findings = []
    for key, (name, total, users) in sorted(needed.items(), key=lambda item: item[1][0]):
        have = placed.get(key, (name, np.zeros(1)))[1]
        failing = np.broadcast_arrays(total > have * (1 + 1e-9), have)[0]
        if not failing.any():
            continue
        i = int(np.flatnonzero(failing)[0])

        def at(x):
            return float(np.broadcast_to(x, failing.shape)[i])
        message = (f"the workloads of `{ctx.path}` need {format_quantity(at(total), '')} {name} accelerators, "
                   f"but the site places {format_quantity(at(have), '')}")
        notes = [f"`{path}` runs on {format_quantity(at(n), '')}" for path, n in users]
        findings.append((failing, message, notes))
    return findings
