"""The physical view: site > hall > row as nested clusters, racks as cards, the gear each container holds.

Pipeline position: render (see compiler/render/diagram.py for the views and the public API).

The "total" line of a part placed `x n` shows `it_power_all` and `accelerators_all` (compiler/models/
totals.py); nothing is multiplied here.
"""
from __future__ import annotations


from ..graph import Instance
from .diagram_base import (
    ALERT, _b, _bf, _card, _Cluster, _cluster_label, CONTAINERS, COOLING_GEAR, _count_text, _digraph, _esc,
    _font, GEAR_TITLE, MAX_LIST, _note, _nothing_line, OTHER_POWER, PALETTE, _pct, _Plan, POWER_GEAR, _pue, _q,
    _root_title, _short_line, _total, _x)


# gear whose power is IT power outside the racks (compiler/models/power.py FIXED_KINDS, less memory, skipped)
IT_GEAR = ("storage", "nic", "dpu", "switch", "transceiver", "cable", "network")
WORKLOADS = ("training", "inference")
SKIP_PHYSICAL = ("training", "inference", "finance", "model", "chip", "cpu", "memory")
WRAP = 4                 # sibling boxes per line before the next line starts
WRAP_IN = {"hall": 1}    # ... except in a hall: its rows one below the other, as on a floor plan (a hall of
                         # 8 rows of 6 racks was 24 racks wide, 8,000 pt; now 4)


def _physical(plan: _Plan) -> str:
    roots = plan.roots()
    title, sub = _root_title(plan, roots, "physical layout")
    totals = _totals_line(plan, roots)
    g = _digraph("physical", title, ([totals] if totals else []) + sub, "TB")
    if not roots:
        _note(g, plan, "empty", "Nothing to draw", ["the spec places no site, hall, row, rack or server"])
    items = [a for a in (_physical_item(g, plan, root, plan.count(root)) for root in roots) if a]
    if len(items) > 1:
        _layout(g, _hidden_head(g, plan, "#plan"), items)
    return g.source


def _hidden_head(g, plan: _Plan, path: str) -> str:
    node = plan.ids("top", path)
    g.node(node, "", shape="point", style="invis", width="0", height="0", fixedsize="true")
    return node


def _layout(g, head: str, items: list[tuple[str, list[str]]], wrap: int = WRAP) -> None:
    """Sibling boxes in spec order, WRAP to a line: `head` (above them) points at the first line in
    order (`ordering=out` keeps that order left to right), each later box hangs below the box WRAP
    before it: from each of that box's feet (its lowest nodes; a container's are those of all it holds, so
    a row of racks is below the whole row above it, not beside it) to its head, with weight 0 (a
    constraint that pulls nothing: a rack of the line above with no box below it would otherwise be drawn
    a line lower as often as not). All edges are invisible;
    without them dot may lay unconnected siblings out in any order. The heads of each later line share a rank
    (`rank=same`): the weight-0 edges are lower bounds only, and 12 halls and a workload card drew h9 and h10 a line
    below h8 and h11. `items`: (head, feet) of each box."""
    g.node(head, ordering="out")
    for i, (top, _) in enumerate(items):
        if i < wrap:
            g.edge(head, top, style="invis")
        for foot in (items[i - wrap][1] if i >= wrap else []):    # weight 0: below, but not pulling a box of
            g.edge(foot, top, style="invis", weight="0")         # the line above down towards it
    for start in range(wrap, len(items), wrap):    # a line's boxes start at one height, in spec order
        line = [top for top, _ in items[start:start + wrap]]
        if len(line) > 1:
            with g.subgraph() as same:
                same.attr(rank="same")
                for top in line:
                    same.node(top)


def _totals_line(plan: _Plan, roots: list[Instance]) -> str:
    """Accelerators, IT and meter power of everything drawn; "n/a" where the models could not say."""
    acc, it, fac = _total(plan, "accelerators"), _total(plan, "it_power"), _total(plan, "facility_power")
    if not acc and it == 0:         # nothing placed draws power: no "0 accelerators · 0 W IT peak · 0 W"
        return _nothing_line(plan, roots)
    parts = [f"{_count_text(acc)} accelerators", f"{_q(it, 'W')} IT peak"]
    if fac is not None and roots:
        parts.append(f"{_q(fac, 'W')} at the meter")
    pue = plan.get(roots[0], "pue") if len(roots) == 1 else None
    if pue is not None:
        parts.append(f"annual PUE {_pue(pue)}")   # beside peak figures: not their ratio
    return " \u00b7 ".join(parts)


def _physical_item(g, plan: _Plan, inst: Instance, count: float | None) -> tuple[str, list[str]] | None:
    """Draws one placed item; returns the ids of its top node and of its lowest nodes (for layout edges)."""
    kind = plan.kind(inst)
    if kind in CONTAINERS:
        return _physical_container(g, plan, inst, count)
    if kind == "rack":
        node = plan.ids("rack", inst.path)
        g.node(node, _rack_card(plan, inst, count))
        return node, [node]
    if kind == "server":
        node = plan.ids("server", inst.path)
        g.node(node, _server_card(plan, inst, count))
        return node, [node]
    return None


def _container_rows(plan: _Plan, inst: Instance, count: float | None) -> list[str]:
    kind = plan.kind(inst)
    each = " each" if count not in (None, 1) else ""
    it = plan.get(inst, "it_power")
    acc = plan.get(inst, "accelerators")
    figures = []
    if acc:
        figures.append(f"{_count_text(acc)} accelerators")
    if it is not None:
        figures.append(f"{_q(it, 'W')} IT")
    fac = plan.get(inst, "facility_power")
    if fac is not None and kind != "row":
        figures.append(f"{_q(fac, 'W')} at the meter")
    if not acc and it == 0:         # places nothing that draws power (a site of workloads): no "0 W IT"
        figures = []
    rows = [_esc(" \u00b7 ".join(figures) + each, 0)] if figures else []
    feed = plan.get(inst, "utility_feed" if kind == "site" else "power_feed") if kind in ("site", "hall") else None
    if feed is not None and figures:    # the limit the meter figure is checked against, red when over (as in power)
        used = plan.get(inst, "feed_utilization")
        text = _esc(f"feed {_q(feed, 'W')}{each}" + (f" ({_pct(used)} used)" if used is not None else ""), 0)
        rows.append(_font(text, None, ALERT) if used is None or used > 1 + 1e-9 else text)
    if count not in (None, 1) and (acc or it is not None):     # the totals model's figures (models/totals.py)
        totals = ([f"{_count_text(plan.get(inst, 'accelerators_all'))} accelerators"] if acc else []) + \
                 ([f"{_q(plan.get(inst, 'it_power_all'), 'W')} IT"] if it is not None else [])
        rows.append(_b("total " + " \u00b7 ".join(totals)))
    for field_name in ("location", "description"):
        text = plan.text(f"{inst.path}.{field_name}")
        if text:
            rows.append(_esc(text))
    return rows


def _physical_container(g, plan: _Plan, inst: Instance, count: float | None) -> str:
    kind = plan.kind(inst)
    name, defn = plan.part_name(inst), plan.definition(inst)
    caption = _esc(kind.upper() + (f" \u00b7 {defn}" if defn != name else ""), 0)
    label = _cluster_label(_b(name) + _esc(_x(count)), _container_rows(plan, inst, count), caption)
    with _Cluster(g, plan.ids(kind, inst.path), label, kind) as c:
        gear_node = None
        gear = [p for p in inst.parts if plan.kind(p) not in SKIP_PHYSICAL + CONTAINERS + ("rack", "server")]
        if gear:
            gear_node = plan.ids("equipment", inst.path)
            c.node(gear_node, _equipment_card(plan, inst, gear))
        items = []
        for part in inst.parts:
            if plan.kind(part) in CONTAINERS + ("rack", "server"):
                item = _physical_item(c, plan, part, plan.count(part))
                if item:
                    items.append(item)
        workloads = [p for p in inst.parts if plan.kind(p) in WORKLOADS]
        if gear_node is None and not items:
            gear_node = plan.ids("empty", inst.path)
            c.node(gear_node, _workload_card(plan, workloads) if workloads else
                   _card(_esc("(empty)"), group="note", title_size=10))
        elif workloads:              # the workloads a building runs, listed (and marked when one cannot run)
            node = plan.ids("workloads", inst.path)
            c.node(node, _workload_card(plan, workloads, f"RUN IN {kind.upper()} {inst.block.name}"))
            items.append((node, [node]))
        if gear_node is None and len(items) == 1:
            return items[0]
        head = gear_node or _hidden_head(c, plan, inst.path)
        _layout(c, head, items, WRAP_IN.get(kind, WRAP))
    return head, [foot for _, feet in items for foot in feet] or [head]


def _equipment_card(plan: _Plan, inst: Instance, gear: list[Instance]) -> str:
    """The power, cooling and network gear placed directly in a container, one line each."""
    sized = {"cdu": "cdus", "crah": "crahs", "chiller": "chillers", "dry_cooler": "dry_coolers"}
    repeated, up = 1.0, inst                 # how many times the container is placed (its counts up the tree)
    while up is not None:
        repeated *= plan.count(up) if up.count is not None and plan.count(up) is not None else 1.0
        up = up.parent
    rows = []
    for part in gear[:MAX_LIST * 2]:
        kind = plan.kind(part)
        group = ("power" if kind in POWER_GEAR + OTHER_POWER else "cooling" if kind in COOLING_GEAR
                 else "network")
        what = GEAR_TITLE.get(kind, kind)
        count = plan.count(part)
        note = ""
        if part.count is None and kind in sized:
            model = plan.get(inst, sized[kind])
            if model is not None:
                count, note = model, " (sized by the model)"
        text = f"{_count_text(count)} \u00d7 {plan.definition(part)}" if part.count is not None or note \
            else plan.definition(part)
        details = []
        cap = plan.get(part, "capacity")
        if cap is not None:
            details.append(f"{_q(cap, 'W')} each")
        if kind == "network":
            details += [x.replace("_", " ") for x in (plan.text(f"{part.path}.role"),
                                                       plan.text(f"{part.path}.topology")) if x]
            switches = plan.get(part, "switches")
            if switches:
                details.append(f"{_count_text(switches)} switches")
        if kind in IT_GEAR:          # counted in the container's IT (it_power_outside_racks): say how much
            draw = plan.get(part, "power")
            if draw is not None:
                if kind == "network":       # the whole network: in all where placed once, else per container
                    where = " in all" if repeated == 1 else f" per {plan.kind(inst)}"
                else:
                    where = " each" if count not in (None, 1) else ""
                details.append(f"draws {_q(draw, 'W')}{where}")
        bullet = _font("\u25a0", 9, PALETTE[group][0])
        rows.append(f"{bullet} {_font(_esc(what, 0), 10, PALETTE[group][0])}  "
                    + _esc(text + note + (" \u00b7 " + " \u00b7 ".join(details) if details else ""), 110)
                    + _short_line(plan, part))         # red when short, as the power and cooling views mark it
    if len(gear) > MAX_LIST * 2:
        rows.append(_esc(f"\u2026 and {len(gear) - MAX_LIST * 2} more"))
    return _card(_b("Equipment"), rows, caption=_esc(f"PLACED IN {plan.kind(inst).upper()} {inst.block.name}", 0),
                 group="load", title_size=11)


def _workload_card(plan: _Plan, workloads: list[Instance],
                   caption: str = "NO HALL, RACK OR SERVER PLACED: THE SYSTEMS THE WORKLOADS NAME") -> str:
    """A container that places no hall, row, rack, server or gear but runs workloads (a comparison of systems,
    no building): each workload with its model, the system it names and its accelerators (given, else the
    count the model finds it needs), where the view drew "(empty)" and hid them."""
    rows = []
    for w in workloads[:MAX_LIST * 2]:
        on = next((plan.results.values.get(f"{w.path}.{ref}") for ref in ("system", "rack", "server")
                   if plan.results.values.get(f"{w.path}.{ref}") is not None), None)
        model = plan.results.values.get(f"{w.path}.model")
        given, needed = plan.get(w, "accelerators"), plan.get(w, "accelerators_needed")
        # neither given nor sized (no demand or deadline): the count it holds, its default (s16-num3)
        n = given if given is not None else needed if needed is not None else plan.get(w, "accelerators_held")
        count = ("accelerators n/a" if n is None else f"{_count_text(n)} accelerator{'' if n == 1 else 's'}"
                 + (" needed" if given is None and needed is not None else ""))
        prefill, decode = plan.get(w, "prefill_accelerators"), plan.get(w, "decode_accelerators")
        if n is not None and prefill is not None and decode is not None:     # disaggregated serving: its two pools
            count += f" ({_count_text(prefill)} prefill + {_count_text(decode)} decode)"
        what = " on ".join(x.block.name for x in (model, on) if isinstance(x, Instance))
        # a long name is cut (at MAX_TEXT), never the figures after it: the whole line was cut at 110
        # characters, and the published NeMo runs' 60-character names lost their accelerator counts
        row = _esc(f"{plan.kind(w)} {w.block.name}") + _esc((f" \u00b7 {what}" if what else "") + f" \u00b7 {count}", 0)
        outcome = "tokens_per_s" if plan.kind(w) == "inference" else "time_to_train"
        if plan.absent(f"{w.path}.{outcome}") is not None:       # infeasible: its figures have no value
            row += _font(_esc(" \u00b7 cannot run (infeasible-workload)", 0), None, ALERT)
        rows.append(row)
    if len(workloads) > MAX_LIST * 2:
        rows.append(_esc(f"\u2026 and {len(workloads) - MAX_LIST * 2} more"))
    return _card(_b(f"{len(workloads)} workload(s)"), rows, caption=_esc(caption, 0), group="compute", title_size=11)


def _server_line(plan: _Plan, server: Instance, count: float | None) -> str:
    chips = [f"{_count_text(plan.count(c))} \u00d7 {plan.definition(c)}"
             for c in plan.parts(server, "chip", "cpu", "nic", "dpu")]
    peak = plan.get(server, "peak_power")
    text = f"{_count_text(count)} \u00d7 {plan.definition(server)}"
    if chips:
        text += " (" + ", ".join(chips[:4]) + (" \u2026" if len(chips) > 4 else "") + ")"
    power = (f" \u00b7 {_q(peak, 'W')}" + (" each" if count not in (None, 1) else "")) if peak is not None else ""
    return _esc(text, 120) + _esc(power, 0)         # the names are cut when long, never the figure or its mark


def _rack_card(plan: _Plan, rack: Instance, count: float | None) -> str:
    each = " each" if count not in (None, 1) else ""
    cooling = plan.inherited_text(rack, "cooling", "")
    group = "liquid" if cooling in ("liquid", "hybrid") else "compute"
    title = f"{_b(plan.definition(rack))}{_esc(_x(count))}"
    caption = _esc(f"RACK {plan.part_name(rack)}" + (f" \u00b7 {cooling}-cooled" if cooling else ""), 0)
    rows = []
    it = plan.get(rack, "it_power")
    acc = plan.get(rack, "accelerators")
    figures = []
    if it is not None:
        figures.append(_q(it, "W"))
    if acc:
        figures.append(f"{_count_text(acc)} accelerators")
    if figures:
        rows.append(_bf(" \u00b7 ".join(figures) + each))
    limit = plan.get(rack, "power_limit")
    if limit is not None:
        used = plan.get(rack, "power_limit_utilization")
        shown = (f"limit {_q(float(limit), 'W')}"                      # the limit's mark follows the line
                 + (f" ({_pct(float(used))} used)" if used is not None else ""))
        text = _esc(plan.mark(shown, f"{rack.path}.power_limit"), 0)     # eval's mark when the run flags it
        flagged = f"{rack.path}.power_limit" in plan.flags
        rows.append(_font(text, None, ALERT) if used is None or used > 1 + 1e-9 or flagged else text)
    inner = [p for p in rack.parts if plan.kind(p) in ("server", "chip", "switch", "nic", "dpu", "storage",
                                                       "power_shelf", "pdu", "cdu")]
    for part in inner[:MAX_LIST]:
        kind = plan.kind(part)
        if kind == "server":
            rows.append("\u25aa " + _server_line(plan, part, plan.count(part)))
        else:
            label = GEAR_TITLE.get(kind, kind)
            n = plan.count(part)
            rows.append(_esc(f"\u25ab {_count_text(n)} \u00d7 {plan.definition(part)} ({label})", 110)
                        + _esc(_rack_part_power(plan, part, n), 0) + _short_line(plan, part))
    if len(inner) > MAX_LIST:
        rows.append(_esc(f"\u2026 and {len(inner) - MAX_LIST} more"))
    if count not in (None, 1) and it is not None:
        rows.append(_bf(f"total {_q(plan.get(rack, 'it_power_all'), 'W')}"
                       + (f" \u00b7 {_count_text(plan.get(rack, 'accelerators_all'))} accelerators" if acc else "")))
    return _card(title, rows, caption=caption, group=group, title_size=13)


def _rack_part_power(plan: _Plan, part: Instance, count: float | None) -> str:
    """What a rack's part adds to its IT power (compiler/models/power.py: the parts' peak power, over the power
    shelves' efficiency): a device's draw, a power shelf's efficiency; so the rack's figure can be read off
    its lines."""
    kind = plan.kind(part)
    if kind == "power_shelf":
        eta = plan.get(part, "efficiency")
        eta = eta if eta is not None else plan.assumption("power_shelf_efficiency")
        return f" \u00b7 \u03b7 {_pct(eta)}" if eta is not None else ""
    draw = plan.get(part, "peak_power" if kind == "chip" else "power")
    if draw is None or kind not in ("chip",) + IT_GEAR:
        return ""
    return f" \u00b7 {_q(draw, 'W')}" + (" each" if count not in (None, 1) else "")


def _server_card(plan: _Plan, server: Instance, count: float | None) -> str:
    return _card(_b(plan.definition(server)) + _esc(_x(count)), [_server_line(plan, server, 1)],
                 caption=_esc(f"SERVER {plan.part_name(server)}", 0), group="compute")
