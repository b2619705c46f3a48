"""The network view: one cluster per `network` block, its switch tiers, links and oversubscription, and the
scale-up domains and NICs inside racks and servers.

Pipeline position: render (see compiler/render/diagram.py for the views and the public API).

Arithmetic that remains here: collapsing repeats, it counts the placements of one rack or server definition
across the plan (their counts multiplied down the tree, as every view draws `x n`), and a server's NICs in all
(NICs per server x those servers). A fabric's switches and power over all its placements are the network's
`total_switches` and `total_power` (compiler/models/totals.py), read.
"""
from __future__ import annotations

import re

from ..graph import Instance
from .diagram_base import (
    ALERT, _b, _bf, _card, _Cluster, _cluster_label, _count_text, _digraph, _edge_label, _esc, FAINT, _font, _marked,
    _note, PALETTE, _Plan, _q, _ratio, _root_title, _sig, _total, _x)
from .diagram_physical import _hidden_head, _layout, WRAP


_TIER_ORDER = ("core", "super_spine", "superspine", "spine", "aggregation", "agg", "leaf", "tor", "access")
_TIER_RE = re.compile(r"^(?:(?P<a>[a-z0-9_]+?)_switches|switches_(?P<b>[a-z0-9_]+))$")


def _tiers(plan: _Plan, net: Instance) -> list[tuple[str, str, float]]:
    """(tier, output name, switch count) for each per-tier count the network model gives
    (`leaf_switches`, `spine_switches`, `switches_tier1`, ...), top tier first."""
    prefix = net.path + "."
    found: dict[str, tuple[str, float]] = {}
    for path in plan.results.values:
        name = path[len(prefix):] if path.startswith(prefix) else ""
        # (not a fabric's total over its placements: `total_switches` is no tier)
        m = _TIER_RE.match(name) if name and "." not in name and name not in _NET_BOM_LINES else None
        v = plan.value(path) if m else None
        if m and v is not None:
            found[m.group("a") or m.group("b")] = (name, v)

    def rank(tier: str) -> tuple:
        digits = re.sub(r"\D", "", tier)
        if tier in _TIER_ORDER:
            return (0, _TIER_ORDER.index(tier), 0, tier)
        return (1, 0, -int(digits) if digits else 0, tier)       # tier3 above tier1
    return [(tier, found[tier][0], found[tier][1]) for tier in sorted(found, key=rank)]


def _standalone_networks(plan: _Plan) -> list[Instance]:
    """Top-level `network` blocks that no other block extends: fabrics a spec sizes on their own (`endpoints =
    4096`, no site), which eval evaluates and prints. The plan's roots are its facility blocks
    (plan_totals.top_level), so such a spec drew 'No scale-out network in this plan . 0 accelerators'."""
    roots = plan.results.graph.roots
    based = {id(r.base) for r in roots if r.base is not None}
    return [r for r in roots if plan.kind(r) == "network" and id(r.block) not in based]


def _network(plan: _Plan) -> str:
    roots = plan.roots() + _standalone_networks(plan)
    title, sub = _root_title(plan, roots, "network")
    g = _digraph("network", title, sub, "TB")
    g.attr("edge", dir="none")
    nets: list[tuple[Instance, float]] = []
    for r in roots:
        if plan.kind(r) == "network":
            nets.append((r, plan.count(r) or 0.0))
        nets += [(n, (plan.count(r) or 0.0) * m) for n, m in plan.find(r, ("network",))]
    workloads = [p for r in roots for p in r.parts if plan.kind(p) in ("training", "inference")]
    acc = (_total(plan, "accelerators") or 0.0) if not nets else 0.0     # the plan's (compiler/plan_totals.py)
    if not nets and not acc and workloads:        # a site of workloads: they run on the systems they name
        _note(g, plan, "nonet", "No scale-out network to draw",
              [", ".join(f"{plan.kind(r)} {r.block.name}" for r in roots) + " places no accelerators "
               "(no hall, rack or server)",
               f"its {len(workloads)} workload(s) run on the systems they name: see the physical view"])
    elif not nets:
        _note(g, plan, "nonet", "No scale-out network in this plan",
              [f"{_count_text(acc)} accelerators to connect",
               "add a `network` block (role, topology, tiers, link_speed, switch)",
               "to size its switches, optics and cables"])
    items = [_network_cluster(g, plan, net, m) for net, m in nets]
    domains = _scaleup_domains(plan, roots)
    if domains:
        label = _cluster_label(_b("Scale-up domains and NICs"), [_esc("inside racks and servers", 0)],
                               _esc("NODE LEVEL", 0))
        with _Cluster(g, plan.ids("scaleup", "domains"), label, "network") as c:
            for ident, card in domains:
                c.node(ident, card)
        items.append((domains[0][0], [ident for ident, _ in domains]))
    if len(items) > WRAP:          # as the physical view: WRAP to a line, in spec order (8 fabrics were a strip)
        _layout(g, _hidden_head(g, plan, "#networks"), items)
    return g.source


def _network_cluster(g, plan: _Plan, net: Instance, multiplicity: float) -> tuple[str, list[str]]:
    """Draws one network's cluster; returns its top node and its lowest (for `_layout`)."""
    placed = plan.get(net, "quantity")        # its placements in the plan (compiler/models/totals.py), read
    multiplicity = placed if placed is not None else multiplicity     # (a top-level fabric: its own count)
    role = plan.text(f"{net.path}.role") or ""
    topo = plan.text(f"{net.path}.topology") or ""
    n_tiers = plan.get(net, "tiers")
    link = plan.get(net, "link_speed")
    over = plan.get(net, "oversubscription")
    endpoints = plan.get(net, "endpoints")
    total = plan.get(net, "switches")
    power = plan.get(net, "power")
    tiers = _tiers(plan, net)
    used = {"tiers", "link_speed", "oversubscription", "oversubscription_spine", "endpoints", "switches",
            "power", "count", *_LINKS} | {name for _, name, _ in tiers}

    head = [x.replace("_", " ") for x in (role, topo) if x]
    if n_tiers:
        head.append(f"{_count_text(n_tiers)} tier" + ("s" if n_tiers != 1 else ""))
    figures = []
    if total is not None:
        figures.append(f"{_count_text(total)} switches")
    if power is not None:
        figures.append(f"{_q(power, 'W')}")
    rows = [_esc(" \u00b7 ".join(head), 0)] if head else []
    if figures and multiplicity != 1:      # "900 switches · 3.82 MW each" read as 3.82 MW a switch
        rows.append(_bf(" \u00b7 ".join(figures) + " per network"))
        # the fabric over all its placements: compiler/models/totals.py (`switches` x `quantity`, `power` x it)
        whole = ([f"{_count_text(plan.get(net, 'total_switches'))} switches"] if total is not None else []) + \
            ([_q(plan.get(net, "total_power"), "W")] if power is not None else [])
        rows.append(_b("total " + " \u00b7 ".join(whole)))
    elif figures:
        rows.append(_bf(" \u00b7 ".join(figures)))
    found = _network_details(plan, net, used)
    details = [text for text, flagged in found if not flagged]
    for i in range(0, min(len(details), 15), 3):
        rows.append(_esc(" \u00b7 ".join(details[i:i + 3]), 0))
    rows += [_font(_esc(text, 0), None, ALERT) for text, flagged in found if flagged]   # each on its own line, red
    if len(details) > 15:
        rows.append(_esc(f"\u2026 and {len(details) - 15} more figures (factory eval)", 0))
    label = _cluster_label(_b(plan.part_name(net)) + _esc(_x(multiplicity)), rows,
                           _esc(f"NETWORK in {net.parent.path}" if net.parent else "NETWORK", 0))

    if any(v > 0 for _, _, v in tiers):
        tiers = [t for t in tiers if t[2] > 0]          # a 2-tier fabric's switches_core = 0
    shown: list[tuple[str, float | None]] = [(t, v) for t, _, v in tiers]
    torus = topo == "torus"          # chip to chip, no switch: it was drawn as core, spine and leaf tiers of 0
    if torus:
        shown = []
    elif not shown:                                     # no per-tier counts: draw the tiers the spec names
        k = int(n_tiers) if n_tiers and n_tiers == round(n_tiers) and 0 < n_tiers <= 6 else 0
        names = {1: ["leaf"], 2: ["spine", "leaf"], 3: ["core", "spine", "leaf"]}.get(
            k, [f"tier {i}" for i in range(k, 0, -1)])
        if len(names) == 1 and total is not None:
            shown = [(names[0], total)]
        elif names:
            shown = [(n, None) for n in names]
        elif total is not None:
            shown = [("switches", total)]
    with _Cluster(g, plan.ids("net", net.path), label, "network") as c:
        tier_nodes = []
        for tier, count in shown:
            node = plan.ids("tier", f"{net.path}.{tier}")
            switch_text = _switch_text(plan, net, tier)
            rows = [_esc(switch_text, 0)] if switch_text else []
            if count is None:
                rows.append(_font(_esc("count: not computed by the network model", 0), 9, FAINT))
            title = tier.replace("_", " ").capitalize() + (f" \u00d7 {_count_text(count)}" if count is not None else "")
            c.node(node, _card(_b(title), rows, caption=_esc("SWITCH TIER", 0), group="network"))
            tier_nodes.append(node)
        ep = plan.ids("endpoints", net.path)
        rows = [_esc(f"{_bits(link)} link each", 0)] if link is not None else []
        if torus:
            dims = plan.get(net, "dims")
            rows.append(_esc(f"{_count_text(dims) + 'D ' if dims else ''}torus: links from chip to chip, no switches",
                             0))
        c.node(ep, _card(_b(f"{_count_text(endpoints)} endpoints" if endpoints is not None else "Endpoints"), rows,
                         caption=_esc("ACCELERATORS / NICS", 0), group="compute"))
        over_spine = plan.get(net, "oversubscription_spine")
        # the links of each class, bottom up (the model's links_endpoint, links_leaf_spine, links_spine_core), each
        # on the edge it runs along: the edge into the endpoints, the one above the leaves, the one above that
        links = [plan.get(net, name) for name in _LINKS]
        for i in range(len(tier_nodes) - 1):
            above = len(tier_nodes) - 1 - i              # 1: the edge above the leaves, 2: the one above that
            lines = [_link_text(links[above] if above < len(links) else None, link)]
            tier_over = over if above == 1 else over_spine if above == 2 else None
            if tier_over is not None:
                lines.append(f"oversubscription {_ratio(tier_over)}" + (" (non-blocking)" if tier_over == 1 else ""))
            c.edge(tier_nodes[i], tier_nodes[i + 1], label=_edge_label(*lines), penwidth="1.8",
                   color=PALETTE["network"][0])
        if tier_nodes:
            c.edge(tier_nodes[-1], ep, label=_edge_label(_link_text(links[0], link)),
                   penwidth="1.8", color=PALETTE["network"][0])
    return (tier_nodes[0] if tier_nodes else ep), [ep]


_LINKS = ("links_endpoint", "links_leaf_spine", "links_spine_core")     # bottom up (compiler/models/network.py)


def _link_text(count: float | None, speed: float | None) -> str:
    """A tier edge's links as a cabling plan gives them, '103,680 \u00d7 800 Gb/s' (the model's count of that class
    at the link speed); the speed alone where the model gives no count (a torus, a fabric whose count has no
    value), '' with neither."""
    rate = _bits(speed) if speed is not None else ""
    if count is None or not count > 0:
        return rate
    return f"{_count_text(count)} \u00d7 {rate or 'links'}" if rate else f"{_count_text(count)} links"


def _network_details(plan: _Plan, net: Instance, used: set[str]) -> list[tuple[str, bool]]:
    """Every other number the network model (or the spec) gives for this network, known ones first: (text,
    whether the run flags it; its text then carries the flag's words, `_Plan.mark`)."""
    prefix = net.path + "."
    first = {name: i for i, name in enumerate(_NET_DETAILS)}
    paths = sorted((p for p in plan.results.values if p.startswith(prefix)),
                   key=lambda p: (first.get(p[len(prefix):], len(first)), p))
    details = []
    for path in paths:
        name = path[len(prefix):]
        if not name or "." in name or name in used or name in _NET_BOM_LINES:
            continue
        v = plan.value(path)
        if v is None:
            continue
        unit = plan.unit(path)
        shown = _bits(v) if unit == "B/s" else _q(v, unit) if unit and unit != "1" else _count_text(v)
        details.append((f"{_NET_NAMES.get(name, name.replace('_', ' '))} {plan.mark(shown, path)}",
                        path in plan.flags))
    return details


_NET_NAMES = {"cables_copper": "copper cables", "cables_active": "active cables", "cables_optical": "optical cables",
              "bisection_bw": "bisection", "alltoall_bw": "all-to-all per endpoint", "injection_bw": "injection",
              "max_endpoints": "max endpoints", "capex_optics": "optics capex"}


# capex split by part (the report's bill-of-materials lines): the card shows capex and the optics' share of it
_NET_BOM_LINES = ("capex_switching", "capex_transceivers", "capex_cables", "nics_counted", "capex_nics",
                  # and its figures over all its placements (compiler/models/totals.py), drawn as the totals line
                  "quantity", "total_power", "total_switches", "total_transceivers", "total_cables",
                  "total_nics_counted",
                  "total_capex_switching", "total_capex_transceivers", "total_capex_cables", "total_capex_nics",
                  "total_switch_power", "total_transceiver_power", "total_nic_power")
_NET_DETAILS = ("ports", "transceivers", "cables_copper", "cables_active", "cables_optical", "bisection_bw",
                "alltoall_bw", "injection_bw", "max_endpoints", "domains", "capex", "capex_optics")


def _switch_text(plan: _Plan, net: Instance, tier: str) -> str | None:
    """The switch model of a tier (`switch_spine`, `switch_core` when given, else `switch`) and its ports."""
    ref = None
    for name in (f"switch_{tier}", "switch"):
        value = plan.results.values.get(f"{net.path}.{name}")
        if isinstance(value, Instance):
            ref = value
            break
    if ref is None:
        return None
    ports, speed = plan.get(ref, "ports"), plan.get(ref, "port_speed")
    return ref.block.name + (f" \u00b7 {_count_text(ports)} \u00d7 {_bits(speed)}" if ports and speed else "")


def _bits(value: float | None) -> str:
    """A data rate in bits per second, as link speeds are quoted, from SI bytes per second; with eval's mark when the
    run flags it (a link speed the model assumed: it was drawn clean on the tier edges and the endpoints' card)."""
    if value is None:
        return "n/a"
    bits = value * 8
    for unit, f in (("Pb/s", 1e15), ("Tb/s", 1e12), ("Gb/s", 1e9), ("Mb/s", 1e6)):
        if abs(bits) >= f * 0.9995:
            return _marked(f"{_sig(bits / f)} {unit}", value)
    return _marked(f"{_sig(bits)} b/s", value)


def _scaleup_domains(plan: _Plan, roots: list[Instance]) -> list[tuple[str, str]]:
    """Racks with switches inside (NVLink switch trays) and the NICs of servers: one card per definition."""
    racks: list[tuple[Instance, float]] = []
    servers: list[tuple[Instance, float]] = []
    for r in roots:
        c = plan.count(r) or 0.0
        (racks if plan.kind(r) == "rack" else servers if plan.kind(r) == "server" else []).append((r, c))
        racks += [(x, c * m) for x, m in plan.find(r, ("rack",))]
        servers += [(x, c * m) for x, m in plan.find(r, ("server",), stop=())]
    out: list[tuple[str, str]] = []
    totals: dict[str, float] = {}
    first: dict[str, Instance] = {}
    for rack, m in racks:
        if plan.parts(rack, "switch"):
            key = plan.definition(rack)
            totals[key] = totals.get(key, 0.0) + m
            first.setdefault(key, rack)
    for key, rack in first.items():
        acc = plan.get(rack, "accelerators")
        rows = [_esc(f"{_count_text(acc)} accelerators per domain", 0)] if acc else []
        for sw in plan.parts(rack, "switch")[:4]:
            ports, speed = plan.get(sw, "ports"), plan.get(sw, "port_speed")
            extra = f" \u00b7 {_count_text(ports)} \u00d7 {_bits(speed)}" if ports and speed else ""
            rows.append(_esc(f"{_count_text(plan.count(sw))} \u00d7 {plan.definition(sw)}{extra}", 110))
        out.append((plan.ids("domain", rack.path),
                    _card(_b(key) + _esc(f" \u00d7 {_count_text(totals[key])}"), rows,
                          caption=_esc("SCALE-UP DOMAIN", 0), group="network")))
    totals, first = {}, {}
    for server, m in servers:
        if plan.parts(server, "nic", "dpu"):
            key = plan.definition(server)
            totals[key] = totals.get(key, 0.0) + m
            first.setdefault(key, server)
    for key, server in first.items():
        rows = []
        for nic in plan.parts(server, "nic", "dpu")[:4]:
            bw, ports = plan.get(nic, "bandwidth"), plan.get(nic, "ports") or 1
            per = plan.count(nic) or 0.0
            # each NIC's rate (ports x the per-port `bandwidth`), after "per server": '8 x ConnectX7 . 400 Gb/s per
            # server' read as the server's rate, an eighth of its 3.2 Tb/s
            speed = "" if not bw else f" \u00b7 {_bits(bw)} each" if ports == 1 else \
                f" \u00b7 {_count_text(ports)} \u00d7 {_bits(bw)} each"
            rows.append(_esc(f"{_count_text(per)} \u00d7 {plan.definition(nic)} per server{speed}"
                             f" \u00b7 {_count_text(per * totals[key])} in all", 120))
        out.append((plan.ids("nics", server.path),
                    _card(_b(key) + _esc(f" \u00d7 {_count_text(totals[key])}"), rows,
                          caption=_esc("SERVERS AND THEIR NICS", 0), group="compute")))
    return out
