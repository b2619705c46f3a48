"""The power view: a one-line from the utility feed through the power gear to the IT load, with the power
in and the loss at each stage, and the cooling plant fed from the medium-voltage side: one card off the last shared
transformer or switchgear, else each chain's share in its own cluster, off the stage of that chain that carries it.

Pipeline position: render (see compiler/render/diagram.py for the views and the public API).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..graph import Instance
from .diagram_base import (
    _alike_names, ALERT, _b, _bf, _card, _Cluster, _cluster_label, _count_text, _digraph, _draws_nothing, _edge_label,
    _empty_hall_card, _esc, _font, _gear_sizing, GEAR_TITLE, MAX_LIST, _note, _nothing_line, _nothing_note, _own,
    MAX_TEXT, PALETTE, _pct, _Plan, _pue, _q, _root_title, _total, _x)
from .diagram_physical import _hidden_head, _layout, WRAP


@dataclass
class _Stage:
    key: str                   # identity: gear path, or "default:<kind>@<branch path>"
    kind: str
    gear: Instance | None
    owner: Instance            # where the gear is placed (or the branch, for model defaults)
    eta: float | None          # None: not in the results (drawn as n/a; the flows take the model's loss)
    flow_in: float | None = None   # power in, per branch item (None: not in the results, drawn as n/a)
    loss: float = 0.0


@dataclass
class _Branch:
    inst: Instance             # a hall, or the root itself (its IT outside halls)
    count: float
    it: float | None           # None: not in the results (drawn n/a, never 0 W)
    stages: list[_Stage]
    direct: bool = False       # the root's own IT (racks placed outside halls)
    alike: list[Instance] = field(default_factory=list)   # other halls drawn as this one (same figures)


STAGE_ORDER = ("transformer", "switchgear", "ups", "rectifier", "pdu", "busway")


def _nearest_gear(plan: _Plan, inst: Instance, kind: str) -> tuple[Instance, Instance] | None:
    """(gear, where it is placed): the gear of `kind` on `inst` or its nearest ancestor that places one (each level's
    first part of `kind`, `_Plan.first_part`: a hall's stages each looked through its site's n halls, n^2 at a site
    of n halls; s25-scale)."""
    level: Instance | None = inst
    while level is not None:
        gear = plan.first_part(level, kind)
        if gear is not None:
            return gear, level
        level = level.parent
    return None


def _row_gear(plan: _Plan, inst: Instance, kind: str) -> tuple[Instance, Instance] | None:
    """(gear, row): the gear of `kind` a row of `inst` places (a row's PDUs, busways or rectifiers are its IT's
    stage of their class in the facility model), else None."""
    for row in plan.parts(inst, "row"):
        for gear in row.parts:
            if plan.kind(gear) == kind:
                return gear, row
    return None


def _model_stages(plan: _Plan, inst: Instance, direct: bool = False) -> list[_Stage]:
    """The chain as the facility model gives it: one stage per `<kind>_loss` output of `inst` (meter to
    IT) with its `<kind>_power_in` and `<kind>_stage_efficiency`; `direct`: a site's chain for its IT
    outside its halls (the `..._outside_halls` outputs)."""
    suffix = "_outside_halls" if direct else ""
    stages = []
    for kind in STAGE_ORDER:
        loss = plan.get(inst, f"{kind}_loss{suffix}")
        if loss is None:
            continue
        found = _nearest_gear(plan, inst, kind) or _row_gear(plan, inst, kind)
        gear, owner = found if found is not None else (None, inst)
        key = gear.path if gear is not None else f"default:{kind}@{inst.path}"
        stage = _Stage(key, kind, gear, owner, plan.get(inst, f"{kind}_stage_efficiency{suffix}"))
        stage.loss = loss
        stage.flow_in = plan.get(inst, f"{kind}_power_in{suffix}")
        stages.append(stage)
    return stages


def _power(plan: _Plan) -> str:
    roots = [r for r in plan.roots() if plan.kind(r) in ("site", "hall")]
    title, sub = _root_title(plan, plan.roots(), "power one-line")
    if len(roots) == 1 and _draws_nothing(plan, roots[0]):
        sub = [_nothing_line(plan, roots)] + sub
    elif len(roots) == 1:
        r = roots[0]
        figures = [f"{_q(plan.get(r, 'facility_power'), 'W')} at the meter (peak)",
                   f"{_q(plan.get(r, 'it_power'), 'W')} IT",
                   f"chain efficiency {_pct(plan.get(r, 'power_chain_efficiency'))}"]
        sub = [" \u00b7 ".join(figures)] + sub
    elif roots and not all(_draws_nothing(plan, r) for r in roots):   # several: eval's figures of each, added
        figures = [f"{_q(_total(plan, 'facility_power'), 'W')} at the meter (peak)",
                   f"{_q(_total(plan, 'it_power'), 'W')} IT"]
        sub = [" \u00b7 ".join(figures)] + sub
    g = _digraph("power", title, sub, "TB")
    g.attr("graph", compound="true")
    if not roots:
        _note(g, plan, "power", "No power chain to draw",
              ["the facility model computes the power chain of halls and sites;",
               "place the racks in a `hall` (and the halls in a `site`)"])
    items = []
    for root in roots:
        start = len(g.body)
        if _draws_nothing(plan, root):
            _nothing_note(g, plan, root, "power chain")
        else:
            _power_root(g, plan, root)
        drawn = _nodes_in(g.body[start:])
        gens = [plan.ids("gen", gen.path) for gen, _ in plan.find(root, ("generator",),
                                                                   stop=("hall", "row", "rack", "server"))]
        top = next((n for n in gens + [plan.ids("utility", root.path)] if n in drawn), drawn[0] if drawn else None)
        if top is not None:
            items.append((top, drawn))
    if len(items) > WRAP:         # as the physical view: WRAP chains to a line (six sites were a strip 6,043 px wide)
        _layout(g, _hidden_head(g, plan, "#power"), items)
    return g.source


_NODE_LINE = re.compile(r"^\t+(\w+) \[")


def _nodes_in(body: list[str]) -> list[str]:
    """The ids of the nodes a stretch of the DOT body draws (its node statements, in clusters too), in order."""
    return [m.group(1) for line in body for m in [_NODE_LINE.match(line)]
            if m and m.group(1) not in ("graph", "node", "edge")]


def _power_branches(plan: _Plan, root: Instance) -> list[_Branch]:
    """One branch per hall of a site (with its count), plus the IT the root holds outside halls; each
    with its stages' power in and loss, the facility model's per-stage outputs."""
    branches: list[_Branch] = []
    halls = plan.parts(root, "hall") if plan.kind(root) == "site" else []
    drawn: dict[tuple, _Branch] = {}
    for hall in halls:
        branch = _Branch(hall, plan.count(hall) or 0.0, plan.get(hall, "it_power"), _model_stages(plan, hall))
        figures = _drawn_figures(plan, branch)
        same = drawn.get(figures)
        if same is not None:               # a hall drawn exactly as one before it: counted there, not drawn again
            same.count += branch.count
            same.alike.append(hall)
            continue
        drawn[figures] = branch
        branches.append(branch)
    direct = plan.kind(root) == "site"
    direct_it = _own(plan, root, "it_power", direct) or 0.0
    if not halls or direct_it > 1e-6 * max(plan.get(root, "it_power") or 0.0, 1.0):
        branches.append(_Branch(root, 1.0, direct_it, _model_stages(plan, root, direct), direct=direct))
    return branches


HALL_FIGURES = ("it_power", "it_power_avg", "facility_power", "power_feed", "feed_utilization",
                "power_chain_efficiency", "it_power_outside_racks", "cooling_power")
GEAR_FIGURES = ("capacity", "units_needed", "utilization")


def _drawn_figures(plan: _Plan, b: _Branch) -> tuple:
    """Everything a hall's branch draws but its name: its figures, each stage's gear (definition, count,
    sizing) and flows, and its rack types. Halls equal in all of it (a campus of `hall a: std_hall`,
    `hall b: std_hall`, ...) are drawn once, `× n`, as a hall placed `x n` is: ten such halls were ten
    identical columns side by side."""
    stages = tuple((s.kind, s.owner.path if s.owner is not b.inst else None,
                    (plan.definition(s.gear), plan.count(s.gear) if s.gear.count is not None else None,
                     tuple(plan.get(s.gear, f) for f in GEAR_FIGURES)) if s.gear is not None else None,
                    s.eta, s.flow_in, s.loss) for s in b.stages)
    racks = tuple((plan.definition(r), m, plan.get(r, "it_power")) for r, m in plan.rack_types_under(b.inst))
    return (tuple(plan.get(b.inst, f) for f in HALL_FIGURES), stages, racks,
            bool([r for r, _ in plan.rack_types_under(b.inst) if plan.parts(r, "power_shelf")]))


def _power_root(g, plan: _Plan, root: Instance) -> None:
    branches = _power_branches(plan, root)

    # the shared prefix: the same gear, placed on the root, at the head of every branch
    shared = 0
    while all(len(b.stages) > shared for b in branches) and branches:
        keys = {b.stages[shared].key for b in branches}
        head = branches[0].stages[shared]
        if len(keys) != 1 or head.gear is None or head.owner is not root:
            break
        shared += 1

    fac = plan.get(root, "facility_power")
    feed_name = "utility_feed" if plan.kind(root) == "site" else "power_feed"
    feed = plan.get(root, feed_name)
    rows = [_bf(f"{_q(fac, 'W')} peak at the meter")]
    # the average as the energy bill meters it, the PUE's numerator (compiler.models.facility: pue =
    # facility_power_metered / it_power_metered), else the planning average
    avg = plan.get(root, "facility_power_metered")
    avg = plan.get(root, "facility_power_avg") if avg is None else avg
    pue = plan.get(root, "pue")
    if avg is not None:
        rows.append(_esc(f"{_q(avg, 'W')} average" + (f" \u00b7 PUE {_pue(pue)}" if pue is not None else ""), 0))
    if feed is not None:
        used = plan.get(root, "feed_utilization")
        text = _esc(f"feed limit {_q(feed, 'W')}" + (f" ({_pct(used)} used)" if used is not None else ""), 0)
        rows.append(_font(text, None, ALERT) if used is None or used > 1 + 1e-9 else text)
    utility = plan.ids("utility", root.path)
    g.node(utility, _card(_esc("Utility feed" if plan.kind(root) == "site" else "Hall feed"), rows,
                          caption=_esc(f"{plan.kind(root).upper()} {root.block.name}", 0), group="power",
                          title_size=13))
    for gen, c in plan.find(root, ("generator",), stop=("hall", "row", "rack", "server")):
        gid = plan.ids("gen", gen.path)
        g.node(gid, _card(_b(plan.definition(gen)) + _esc(_x(c)),
                          [_esc("standby", 0), _gear_sizing(plan, gen, "the peak facility power")],
                          caption=_esc("GENERATOR", 0), group="power", dashed=True))
        g.edge(gid, utility, label=_edge_label("backup"), style="dashed", color="#ADB5BD")

    # The cooling plant is fed from the last shared switchgear or transformer, whose flow (`<kind>_power_in`)
    # carries it and whose loss counts it (compiler.models.facility._own_stages), else through each branch's
    # own last transformer or switchgear, whose flow carries that branch's plant (a hall's cooling_power, the
    # site's own for its IT outside halls): the edge leaves that stage, so the flows drawn add up at every node.
    cooling = plan.get(root, "cooling_power") or 0.0
    tap = max((i for i in range(shared) if branches[0].stages[i].kind in ("switchgear", "transformer")),
              default=None)
    feeds = {} if tap is not None or not cooling else _branch_cooling(plan, root, branches, shared)
    prev = utility
    for i in range(shared):
        stage = branches[0].stages[i]
        flow = plan.get(root, f"{stage.kind}_power_in")       # the root's stage: all its branches
        loss = plan.get(root, f"{stage.kind}_loss")
        carried = cooling if tap is not None and i <= tap else 0.0
        node = plan.ids("stage", stage.key)
        into = flow
        g.node(node, _stage_card(plan, stage, into, loss, 1.0, cooling=carried))
        g.edge(prev, node, label=_edge_label(_q(into, "W")))
        prev = node
        if i == tap and cooling:
            tap_node = node

    # several chains each carrying their own share of the plant (no shared tap): each share is drawn in its
    # chain, off the stage that carries it, not as one card that every chain's edge crossed the others to reach
    # (three halls without a site transformer: the first hall's edge ran through the second hall's chain)
    per_branch = feeds is not None and len(feeds) > 1
    cid = plan.ids("coolingload", root.path)
    if cooling and not per_branch:
        g.node(cid, _card(_esc("Cooling plant"), [_esc(f"{_q(cooling, 'W')} peak (pumps, fans, chillers)", 0)],
                          caption=_esc("MECHANICAL LOAD", 0), group="cooling"))
        if tap is not None:
            g.edge(tap_node, cid, label=_edge_label(_q(cooling, "W")))
        elif feeds is None:          # a branch whose chain has no transformer or switchgear: not drawn per branch
            mech = plan.ids("mechfeed", root.path)
            g.node(mech, _card(_b("Each branch's transformers and switchgear"),
                               [_esc(f"out {_q(cooling, 'W')}", 0),
                                _esc("in their flows and losses below", 0)],
                               caption=_esc("MECHANICAL FEED", 0), group="power", dashed=True))
            g.edge(utility, mech, label=_edge_label(_q(cooling, "W")), style="dashed")
            g.edge(mech, cid, label=_edge_label(_q(cooling, "W")))

    for b in branches:
        fed = (feeds or {}).get(id(b))
        tap_of_branch = _power_branch(g, plan, b, shared, prev, fed, cooling if per_branch else None)
        if fed is not None and tap_of_branch is not None and not per_branch:
            _power_edge(g, tap_of_branch, cid, fed[1], b.count)


def _branch_cooling(plan: _Plan, root: Instance, branches: list[_Branch], shared: int
                    ) -> dict[int, tuple[int, float]] | None:
    """{id(branch): (index of its last transformer or switchgear stage, the cooling power it carries per item)}
    for each branch whose plant draws power: a hall's `cooling_power`, the root's own (a site's
    `cooling_power_outside_halls`, a hall root's cooling_power) for the IT it holds outside halls. None when a
    branch with a plant has no such stage (the plant then hangs off one 'mechanical feed' card)."""
    total = plan.get(root, "cooling_power") or 0.0
    feeds: dict[int, tuple[int, float]] = {}
    for b in branches:
        if b.direct or b.inst is root:          # a site's own beyond its halls' (models/facility.py)
            each = (plan.get(root, "cooling_power_outside_halls") or 0.0) if plan.kind(root) == "site" else total
        else:
            each = plan.get(b.inst, "cooling_power") or 0.0
        if each <= 1e-9 * max(total, 1.0):
            continue
        taps = [i for i in range(shared, len(b.stages)) if b.stages[i].kind in ("switchgear", "transformer")]
        if not taps:
            return None
        feeds[id(b)] = (taps[-1], each)
    return feeds


def _stage_card(plan: _Plan, stage: _Stage, flow: float | None, loss: float | None, count: float,
                cooling: float = 0.0) -> str:
    """One stage of the chain; `flow` and `loss` per item of the branch (`count` items); `cooling`: the part
    of `flow` that feeds the cooling plant (its loss counted in the stage's). Placed gear shows the facility
    model's sizing of it (`units_needed`, `utilization`), flagged when fewer units are placed."""
    each = " each" if count != 1 else ""
    title_kind = GEAR_TITLE.get(stage.kind, stage.kind)
    if stage.gear is not None:
        placed = plan.count(stage.gear) if stage.gear.count is not None else None
        title = _b(plan.definition(stage.gear)) + _esc(_x(placed))
        caption = title_kind.upper()
        extra = [_gear_sizing(plan, stage.gear, "the peak")]
    else:
        title = _b(title_kind)
        caption = "ASSUMED BY THE MODEL"
        extra = []
    rows = [_esc(f"\u03b7 {_pct(stage.eta)} \u00b7 in {_q(flow, 'W')}{each}", 0)]
    if cooling:
        rows.append(_esc(f"of which cooling {_q(cooling, 'W')}{each}", 0))
    rows += [_font(_bf(f"loss {_q(loss, 'W')}{each}"), None, PALETTE["power"][0])] + extra
    return _card(title, rows, caption=_esc(caption, 0), group="power", dashed=stage.gear is None)


def _power_branch(g, plan: _Plan, b: _Branch, shared: int, upstream: str,
                  fed: tuple[int, float] | None = None, plant: float | None = None) -> str | None:
    """Draw one branch; returns the node of its stage that feeds the cooling plant (`fed`: that stage's index and
    the cooling power it carries per item), else None. `plant`: the root's whole cooling power where each branch
    draws its own share of it (a 'Cooling plant' card in the branch, fed from that stage)."""
    inst = b.inst
    tap = None
    if not b.direct and plan.get(inst, "it_power") == 0 and not plan.get(inst, "facility_power"):
        # an empty shell: nothing flows (a hall whose figures have no value, n/a, is not empty)
        label = _cluster_label(_b(plan.part_name(inst)) + _esc(_x(b.count)), [], _esc("HALL", 0))
        with _Cluster(g, plan.ids("branch", inst.path), label, "branch") as c:
            c.node(plan.ids("empty", inst.path), _empty_hall_card(plan, inst))
        g.edge(upstream, plan.ids("empty", inst.path), style="invis")      # drawn under its site's feed
        return None
    if b.direct:
        label = _cluster_label(_b("IT outside halls" if plan.parts(inst, "hall") else plan.part_name(inst)),
                               [_esc(f"{_q(b.it, 'W')} IT", 0)], _esc(plan.kind(inst).upper(), 0))
        key = f"{inst.path}#direct"
    else:
        each = " each" if b.count != 1 else ""
        rows = [_esc(f"{_q(b.it, 'W')} IT{each} \u00b7 chain efficiency "
                     f"{_pct(plan.get(inst, 'power_chain_efficiency'))}", 0)]
        fac, feed = plan.get(inst, "facility_power"), plan.get(inst, "power_feed")
        used = plan.get(inst, "feed_utilization")
        if feed:
            text = _esc(f"{_q(fac, 'W')} at the meter{each} \u00b7 feed {_q(feed, 'W')}"
                        + (f" ({_pct(used)} used)" if used is not None else ""), 0)
            rows.append(_font(text, None, ALERT) if used is None or used > 1 + 1e-9 else text)
        name = plan.part_name(inst)
        if b.alike:                         # halls drawn as this one: named in the title, counted in `× n`
            name, named = _alike_names(plan, inst, b.alike, "the same gear and figures")
            rows.insert(0, named)
        label = _cluster_label(_b(name) + _esc(_x(b.count)), rows, _esc("HALL", 0))
        key = inst.path
    cluster = plan.ids("branch", key)
    with _Cluster(g, cluster, label, "branch") as c:
        prev = upstream
        into = f"cluster_{cluster}"      # the first edge stops at the cluster's border (clear of its title)
        for i, stage in enumerate(b.stages[shared:], start=shared):
            node = plan.ids("stage", f"{stage.key}#{key}")
            carried = fed[1] if fed is not None and i <= fed[0] else 0.0
            c.node(node, _stage_card(plan, stage, stage.flow_in, stage.loss, b.count, cooling=carried))
            if fed is not None and i == fed[0]:
                tap = node
            _power_edge(g, prev, node, stage.flow_in, b.count if into else 1.0, into, each=not into and b.count != 1)
            prev, into = node, None
        load = plan.ids("itload", key)
        c.node(load, _it_load_card(plan, b))
        _power_edge(g, prev, load, b.it, b.count if into else 1.0, into, each=not into and b.count != 1)
        if plant is not None and tap is not None:
            share = plan.ids("coolingload", key)
            each = " each" if b.count != 1 else ""
            c.node(share, _card(_esc("Cooling plant"), [
                _esc(f"{_q(fed[1], 'W')} peak{each} (pumps, fans, chillers)", 0),
                _esc("its share of the site's plant, "
                     + f"{_q(plant, 'W')} in all", 0)], caption=_esc("MECHANICAL LOAD", 0), group="cooling"))
            _power_edge(g, tap, share, fed[1], 1.0, each=b.count != 1)
    return tap


def _power_edge(g, tail: str, head: str, flow: float, count: float, lhead: str | None = None,
                each: bool = False) -> None:
    """`count` x one branch's flow (into a repeated hall); `each`: one hall's flow between its own stages."""
    text = _q(flow, "W") if count == 1 else f"{_count_text(count)} \u00d7 {_q(flow, 'W')}"
    text += " each" if each else ""
    if lhead:
        g.edge(tail, head, label=_edge_label(text), lhead=lhead)
    else:
        g.edge(tail, head, label=_edge_label(text))


def _it_load_card(plan: _Plan, b: _Branch) -> str:
    skip = ("hall",) if b.direct else ()
    racks = plan.rack_types_under(b.inst, skip)
    rows = []
    for rack, m in racks[:MAX_LIST]:
        it = plan.get(rack, "it_power")
        rows.append(_esc(f"{_count_text(m)} \u00d7 {plan.definition(rack)} \u00b7 {_q(it, 'W')} each", 110))
    if len(racks) > MAX_LIST:
        rows.append(_esc(f"\u2026 and {len(racks) - MAX_LIST} more rack types"))
    other = plan.get(b.inst, "it_power_outside_racks")
    if other and other > 1e-6 * max(b.it or 0.0, 1.0):
        rows.append(_esc(f"other IT (network, gear outside racks) {_q(other, 'W')}", 0))
    shelves = [r for r, _ in racks if plan.parts(r, "power_shelf")]
    if shelves:
        rows.append(_esc("rack power-shelf losses are inside the IT figure", 0))
    # the IT the energy bill meters (it_power_metered: the services at their duty cycles), the utility card's
    # average and the PUE's denominator, else the planning average
    avg = _own(plan, b.inst, "it_power_metered", b.direct)
    avg = _own(plan, b.inst, "it_power_avg", b.direct) if avg is None else avg
    head = _bf(f"{_q(b.it, 'W')} IT peak" + (" each" if b.count != 1 else ""))
    if avg is not None:
        rows.insert(0, _esc(f"{_q(avg, 'W')} average" + (" each" if b.count != 1 else ""), 0))   # one hall's, as the peak
    return _card(head, rows, caption=_esc("IT LOAD (RACKS)", 0), group="compute")
