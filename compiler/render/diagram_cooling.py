"""The cooling view: per hall, IT heat split to liquid (CDUs) and air (CRAHs), the plant (chillers, dry
coolers, cooling towers) and the heat rejected outdoors.

Pipeline position: render (see compiler/render/diagram.py for the views and the public API).

The heat of all the halls placed `x n` (`heat_liquid_all`, `heat_air_all`), the cooling towers a site places
(`cooling_towers`) and the chillers, dry coolers and pumps placed (`chillers_placed`, `dry_coolers_placed`,
`pumps_placed`) are outputs of compiler/models/totals.py; the shares of IT heat to liquid and air
(`heat_liquid_share`, `heat_air_share`, a site's `heat_liquid_outside_halls_share`, ...) of
compiler/models/shares.py. Nothing is computed here.
"""
from __future__ import annotations

from ..graph import Instance
from .diagram_base import (
    _alike_names, ALERT, _b, _bf, _card, _Cluster, _cluster_label, _count_text, _digraph, _draws_nothing,
    _edge_label, _empty_hall_card, _esc, _flow, _font, _gear_sizing, _Ids, MAX_LIST, _note, _nothing_line,
    _nothing_note, _own, PALETTE, _pct, _Plan, _q, _root_title, _sig, _total, _x)


def _cooling(plan: _Plan) -> str:
    roots = [r for r in plan.roots() if plan.kind(r) in ("site", "hall", "row", "rack")]
    title, sub = _root_title(plan, plan.roots(), "cooling")
    if len(roots) == 1 and _draws_nothing(plan, roots[0]):
        sub = [_nothing_line(plan, roots)] + sub
    elif roots and not all(_draws_nothing(plan, r) for r in roots):   # several: eval's figures of each, added
        figures = [f"{_q(_total(plan, 'it_power'), 'W')} IT heat",
                   f"{_q(_total(plan, 'heat_liquid'), 'W')} to liquid",
                   f"{_q(_total(plan, 'heat_air'), 'W')} to air"]
        cp = _total(plan, "cooling_power")
        if cp is not None:
            figures.append(f"cooling power {_q(cp, 'W')} peak")
        sub = [" \u00b7 ".join(figures)] + sub
    g = _digraph("cooling", title, sub, "LR")
    if not roots:
        _note(g, plan, "cooling", "No heat to draw", ["the spec places no site, hall, row or rack"])
    # several sites: each hall's box names its site ('east.h'), as two sites' halls 'h' read the same. The
    # sites are disconnected parts of the graph, which dot lays out bottom-up in an LR view (the last written
    # on top): written in reverse, they read top-down in the spec's order (tests/test_diagram_sites16.py).
    several = sum(plan.kind(r) == "site" for r in roots) > 1
    for root in (roots[::-1] if len(roots) > 1 else roots):
        if _draws_nothing(plan, root):
            _nothing_note(g, plan, root, "heat")
        elif plan.kind(root) in ("site", "hall"):
            _cooling_root(g, plan, root, several)
        else:
            _cooling_racks(g, plan, root, plan.count(root) or 0.0, plan.ids("rackheat", root.path))
    return g.source


def _cooling_racks(g, plan: _Plan, inst: Instance, count: float, node: str, direct: bool = False) -> None:
    """One node with the IT heat of `inst` (per item; `direct`: a site's IT outside its halls), split
    liquid / air, with the racks it comes from."""
    it = _own(plan, inst, "it_power", direct)
    liquid = _own(plan, inst, "heat_liquid", direct)
    air = _own(plan, inst, "heat_air", direct)
    skip = ("hall",) if direct else ()
    racks = [(inst, 1.0)] if plan.kind(inst) == "rack" else plan.rack_types_under(inst, skip)
    rows = []
    for rack, m in racks[:MAX_LIST]:
        cooling = plan.inherited_text(rack, "cooling", "air")
        rows.append(_esc(f"{_count_text(m)} \u00d7 {plan.definition(rack)} \u00b7 "
                         f"{_q(plan.get(rack, 'it_power'), 'W')} each \u00b7 {cooling}", 110))
    if len(racks) > MAX_LIST:
        rows.append(_esc(f"\u2026 and {len(racks) - MAX_LIST} more rack types"))
    other = plan.get(inst, "it_power_outside_racks")
    if it and other and other > 1e-6 * it:
        rows.append(_esc(f"{_q(other, 'W')} outside racks (network, gear)", 0))
    if liquid is not None and air is not None and it:
        if liquid <= 0:
            rows.append(_esc("all of it to air", 0))
        elif air <= 0:
            rows.append(_esc("all of it to liquid", 0))
        else:
            own = "_outside_halls" if direct else ""        # shares of the IT heat: compiler/models/shares.py
            rows.append(_esc(f"{_pct(plan.get(inst, f'heat_liquid{own}_share'))} to liquid \u00b7 "
                             f"{_pct(plan.get(inst, f'heat_air{own}_share'))} to air", 0))
    each = " each" if count != 1 else ""
    g.node(node, _card(_bf(f"{_q(it, 'W')} heat{each}"), rows, caption=_esc("IT HEAT", 0), group="compute"))


def _temp(plan: _Plan, inst: Instance, name: str) -> float | None:
    """A field of `inst` or its ancestors, else the assumption the models used; None when neither."""
    v = plan.inherited(inst, name)
    return plan.assumption(name) if v is None else v


def _cooling_root(g, plan: _Plan, root: Instance, qualify: bool = False) -> None:
    mode = plan.inherited_text(root, "heat_rejection", "chiller")
    halls = plan.parts(root, "hall") if plan.kind(root) == "site" else []
    branches = [(h, plan.count(h) or 0.0, False) for h in halls]
    total_it = plan.get(root, "it_power") or 0.0
    if not halls or (_own(plan, root, "it_power", True) or 0.0) > 1e-6 * max(total_it, 1.0):
        branches.append((root, 1.0, plan.kind(root) == "site"))      # a hall root is its own branch

    chillers = plan.get(root, "chillers")             # None: the models could not size the plant (drawn n/a)
    dry = plan.get(root, "dry_coolers")
    plant_gear = lambda kind: plan.find(root, (kind,), stop=("hall", "row", "rack", "server"))  # noqa: E731
    towers = plant_gear("cooling_tower")
    cooling = plan.get(root, "cooling_power")
    rejected = plan.get(root, "heat_rejected")
    ambient = _temp(plan, root, "ambient_temp")
    outdoor = plan.ids("outdoor", root.path)
    rejection, rejection_edges = None, True
    # no cluster around the plant: the loops' edges would cross its title
    c = g
    chiller_node = plan.ids("chillers", root.path)
    gear = plant_gear("chiller")
    rows = []
    load = plan.get(root, "chiller_load")               # what they are sized on (models/facility.py), read
    if gear:
        cap = plan.get(gear[0][0], "capacity")
        rows.append(_esc(f"{plan.definition(gear[0][0])}" + (f" \u00b7 {_q(cap, 'W')} each" if cap else ""), 0))
    else:                    # the units as sized to the load they carry where it is under one default unit
        rows.append(_default_unit(plan.assumption("chiller_capacity"), rejected if load is None else load))
    if load:
        rows.append(_esc(f"load {_q(load, 'W')}: the loops on compressors at {_q(ambient, 'K_point')}", 0))
    chillers_drawn, sizing = _plant_units(plan.get(root, "chillers_placed"), chillers,
                                          "the compressor load at the design ambient")
    if chillers is None:
        rows.append(_esc("not sized: its load has no value (factory eval says why)", 0))
    elif sizing:
        rows.append(sizing)
    else:
        rows.append(_esc("sized for the design ambient, with spares", 0) if chillers
                    else _esc("no compressor load at the design ambient", 0))
    rows += _pump_rows(plan, root)
    rows.append(_bf(f"plant power {_q(cooling, 'W')} peak \u00b7 "
                   f"{_q(plan.get(root, 'cooling_power_avg'), 'W')} average"))
    rows.append(_esc("(pumps, fans, compressors)", 0))
    c.node(chiller_node, _card(_b(f"Chillers \u00d7 {_count_text(chillers_drawn)}"), rows,
                               caption=_esc(f"PLANT OF {plan.kind(root).upper()} {root.block.name} \u00b7 "
                                            "MECHANICAL COOLING", 0), group="plant"))
    if mode == "dry_cooler" or dry is None or dry:
        rejection = plan.ids("drycoolers", root.path)
        gear = plant_gear("dry_cooler")
        if gear:
            cap = plan.get(gear[0][0], "capacity")
            rows = [_esc(plan.definition(gear[0][0]) + " \u00b7 " + f"{_q(cap, 'W')} each", 0)]
        else:
            rows = [_default_unit(plan.assumption("dry_cooler_capacity"), rejected)]
        dry_drawn, sizing = _plant_units(plan.get(root, "dry_coolers_placed"), dry, "the heat rejected")
        # the model's count where the spec writes none, said as the chillers' is (the physical view: 'sized by the
        # model'); it was drawn bare, as if placed
        rows.append(sizing or _esc("sized for the heat rejected, with spares", 0))
        c.node(rejection, _card(_b(f"Dry coolers \u00d7 {_count_text(dry_drawn)}"), rows,
                                caption=_esc("HEAT REJECTION", 0), group="plant"))
    elif mode == "chiller" and plan.get(root, "economizer_coils"):
        # the coils that reject the loops that cool freely at the design ambient on air-cooled chillers (the
        # facility model's `economizer_coils`, read; the capex prices them as dry coolers): the free-cooling
        # loops were drawn into a chillers card that said "no compressor load", and no coil was drawn anywhere
        # (s26-hunt)
        rejection = plan.ids("economizer", root.path)
        rows = [_default_unit(plan.assumption("dry_cooler_capacity"), rejected),
                _esc("sized on the loops that cool freely at the design ambient, with a spare", 0),
                _esc("(air-cooled chillers reject their own heat)", 0)]
        c.node(rejection, _card(_b(f"Economizer coils \u00d7 {_count_text(plan.get(root, 'economizer_coils'))}"),
                                rows, caption=_esc("HEAT REJECTION \u00b7 FREE COOLING", 0), group="plant"))
        g.edge(rejection, outdoor, color=PALETTE["plant"][0])
        g.edge(chiller_node, outdoor, color=PALETTE["plant"][0])
        rejection_edges = False
    elif mode == "cooling_tower" or towers:
        rejection = plan.ids("towers", root.path)
        placed = plan.get(root, "cooling_towers")            # towers placed, 1 where none is written (models/totals.py)
        needed = plan.get(root, "cooling_towers_needed")     # what the heat rejected needs (models/thermal.py)
        water = plan.get(root, "water_year")
        rows = [_esc(plan.definition(towers[0][0]), 0)] if towers else []
        if placed is not None and needed is not None:
            rows.append(_needs_line(placed, needed, "the heat rejected"))
        if water is not None:
            rows.append(_esc(f"water {_q(water, 'm^3')} used per year", 0))   # evaporation and blowdown
        title = "Cooling towers" + (f" \u00d7 {_count_text(placed)}" if placed is not None else "")
        c.node(rejection, _card(_b(title), rows, caption=_esc("HEAT REJECTION", 0), group="plant"))
    if not rejection_edges:
        pass
    elif rejection:
        g.edge(chiller_node, rejection, label=_edge_label("condenser water"), color=PALETTE["plant"][0])
        g.edge(rejection, outdoor, color=PALETTE["plant"][0])
    else:
        g.edge(chiller_node, outdoor, color=PALETTE["plant"][0])
    g.node(outdoor, _card(_bf(f"{_q(rejected, 'W')} rejected"),
                          [_esc(f"design ambient {_q(ambient, 'K_point')}", 0),
                           _esc("IT heat plus cooling power", 0)],
                          caption=_esc("OUTDOORS", 0), group="note"))
    for inst, count, direct, alike in _alike_branches(plan, branches, chiller_node, rejection or chiller_node):
        _cooling_branch(g, plan, inst, count, direct, chiller_node, rejection or chiller_node,
                        f"{root.block.name}." if qualify else "", alike)


def _alike_branches(plan: _Plan, branches: list[tuple[Instance, float, bool]], chillers: str, rejection: str
                    ) -> list[tuple[Instance, float, bool, list[Instance]]]:
    """[(hall, count, direct, alike)]: each branch of `_cooling_root` in the spec's order, but a hall drawn exactly
    as one before it (its loops, gear, sizing, temperatures, racks and every figure of one hall, all but its name)
    is not drawn again: it joins that hall's `alike`, and its count that hall's (`× n`), as the power view draws
    halls alike (diagram_power._power_branches). A campus of 1,000 halls of 6 kinds was 1,000 clusters, ~5 KB of
    DOT each, that Graphviz's `dot` took 65 s to lay out (2,000: past build's 120 s; bench/diagram_scale.py,
    docs/scale.md); it is 6 clusters, 36 KB. What "drawn exactly as" means
    is the drawing itself: each hall is drawn once on its own, as one hall of an anonymous name
    (`_cooling_branch`, count 1, key and title blank, fresh node ids), and halls whose drawings are the same text
    are alike, so a figure the view draws can never differ between the halls a card stands for."""
    import graphviz

    out: list[list] = []                            # [hall, count, direct, alike], in the spec's order
    first: dict[tuple[str, ...], list] = {}
    for inst, count, direct in branches:
        if direct:                                   # a site's IT outside its halls: its own, never a hall's
            out.append([inst, count, direct, []])
            continue
        ids, plan.ids = plan.ids, _Ids()
        try:
            scratch = graphviz.Digraph()
            _cooling_branch(scratch, plan, inst, 1.0, False, chillers, rejection, key="", title="")
        finally:
            plan.ids = ids
        same = first.get(tuple(scratch.body))
        if same is None:
            first[tuple(scratch.body)] = [inst, count, direct, []]
            out.append(first[tuple(scratch.body)])
        else:
            same[1] += count
            same[3].append(inst)
    return [tuple(entry) for entry in out]


def _in_all(plan: _Plan, halls: list[Instance], name: str) -> float | None:
    """The figure `name` of each of `halls` times its count (a hall placed `x n` is n halls; `heat_liquid *
    count` is models/totals.py's `heat_liquid_all`), added in the spec's order; None where one has no value."""
    total = 0.0
    for hall in halls:
        value, count = plan.get(hall, name), plan.count(hall)
        if value is None or count is None:
            return None
        total += value * count
    return total


def _sizing_unit(plan: _Plan, inst: Instance, kind: str, load: float | None) -> str:
    """The unit class the thermal model counts a block's CDUs or CRAHs in where the block places none
    (models/thermal.py `units_needed`): the gear its nearest ancestor places ('CDU_row_2MW · 2 MW each, placed
    in site s'), else the model default (`cdu_capacity` 1.5 MW, `crah_capacity` 150 kW), said as the plant's
    chillers say theirs: a room's 2 CRAHs were drawn with no unit, as if placed."""
    level = inst.parent
    while level is not None:
        placed = plan.parts(level, kind)
        if placed:
            cap = plan.get(placed[0], "capacity")
            return _esc(f"{plan.definition(placed[0])}" + (f" \u00b7 {_q(cap, 'W')} each" if cap else "")
                        + f", placed in {plan.kind(level)} {level.block.name}", 0)
        level = level.parent
    return _default_unit(plan.assumption(f"{kind}_capacity"), load)


def _default_unit(default: float | None, load: float | None) -> str:
    """The unit of a class the spec does not place (plant, CDUs, CRAHs): the model default class (`chiller_capacity`
    2 MW, `dry_cooler_capacity` 1 MW, `crah_capacity` 150 kW, `cdu_capacity` 1.5 MW), except where the load the units
    carry (the chillers' chiller_load, the dry coolers' heat rejected, a loop's heat) is under one such unit: the
    units are then read as sized to the load (the count, ceil(load / capacity) + spares = 1 + 1, is the same; capex
    is per W of IT, cooling power per W of heat: neither reads the class), so a 67 kW room's two chillers are not
    drawn as '2 MW each (model default)': 4 MW of chillers for 87.24 kW of heat."""
    if default is not None and load is not None and load < default:
        return _esc(f"each sized to the load (under the {_q(default, 'W')} model default)", 0)
    return _esc(f"{_q(default, 'W')} each (model default)", 0)


def _plant_units(placed: float | None, needed: float | None, load: str) -> tuple[float | None, str | None]:
    """(units drawn, sizing line) of a site's chillers or dry coolers: the units the spec places with a count
    (`chillers_placed` / `dry_coolers_placed`, models/totals.py) and 'LOAD needs N (with spares)' (the thermal
    model's `chillers` / `dry_coolers`), both read, in red with ': only P placed' when fewer are placed, as the
    site's chiller-capacity and dry-cooler-capacity limits judge them; the model's count and no line when the spec
    leaves the count to the model (so the title's count is the placed gear's: 'Chillers x 1 . Chiller_WC_1000ton'
    for one chiller placed where 4 are needed)."""
    if placed is None or needed is None:
        return needed, None
    return placed, _needs_line(placed, needed, load)


def _needs_line(placed: float, needed: float, load: str) -> str:
    """'LOAD needs N (with spares)', in red with ': only P placed' when fewer units are placed than needed."""
    line = f"{load} needs {_count_text(needed)} (with spares)"
    if placed < needed:
        return _font(_esc(f"{line}: only {_count_text(placed)} placed", 0), None, ALERT)
    return _esc(line, 0)


def _pump_rows(plan: _Plan, inst: Instance) -> list[str]:
    """The pumps a hall or site places (1 where no count is written, as its pump-capacity limit counts them) and
    what its liquid heat needs (`pumps_needed`, models/thermal.py), red when short, as the pump-capacity limit
    `check` judges them."""
    pumps = plan.parts(inst, "pump")
    needed = plan.get(inst, "pumps_needed")
    if not pumps:
        return []
    placed = plan.get(inst, "pumps_placed")                  # models/totals.py
    cap = plan.get(pumps[0], "capacity")
    rows = [_esc(f"pumps {_count_text(placed)} \u00d7 {plan.definition(pumps[0])}"
                 + (f" \u00b7 {_q(cap, 'W')} each" if cap else ""), 0)]
    if needed is not None and placed is not None:
        rows.append(_needs_line(placed, needed, "the liquid heat"))
    return rows


def _cooling_branch(g, plan: _Plan, inst: Instance, count: float, direct: bool, chillers: str,
                    rejection: str, site: str = "", alike: list[Instance] = (), key: str | None = None,
                    title: str | None = None) -> None:
    """One hall (or a site's IT outside its halls) and its loops; `site`: 'east.' before the hall's name where
    several sites are drawn; `alike`: the halls drawn as this one (`_alike_branches`; `count` is all of theirs),
    named in its title and counted in its totals; `key`, `title`: the ids' key and the name drawn, other than the
    hall's path and name (`_alike_branches` draws a hall with neither)."""
    key = (f"{inst.path}#direct" if direct else inst.path) if key is None else key
    each = " each" if count != 1 else ""
    name, rows = (site + plan.part_name(inst) if title is None else title), []
    if alike:
        name, named = _alike_names(plan, inst, alike, "the same loops and figures", site)
        rows = [named]
    if not direct and plan.get(inst, "it_power") == 0 and not plan.get(inst, "cooling_power"):   # an empty shell
        # (0 W of IT: a hall whose figures have no value, n/a, is not empty)
        with _Cluster(g, plan.ids("hallheat", key), _cluster_label(_b(name) + _esc(_x(count)), rows,
                                                                   _esc("HALL", 0)), "hall") as c:
            c.node(plan.ids("empty", key), _empty_hall_card(plan, inst))
        return
    halls = [inst] + list(alike)
    if direct:
        label = _cluster_label(_b(f"IT outside halls{' of ' + site[:-1] if site else ''}" if plan.parts(inst, "hall")
                                  else plan.part_name(inst)),
                               caption=_esc(plan.kind(inst).upper(), 0))
    else:
        rows.append(_esc(f"cooling power {_q(plan.get(inst, 'cooling_power'), 'W')}{each}", 0))
        if alike:                       # the halls' totals, their figures times their counts added
            rows.append(_bf(f"{_count_text(count)} halls: {_q(_in_all(plan, halls, 'it_power'), 'W')} IT heat "
                            f"\u00b7 cooling power {_q(_in_all(plan, halls, 'cooling_power'), 'W')}"))
        label = _cluster_label(_b(name) + _esc(_x(count)), rows, _esc("HALL", 0))
    liquid = _own(plan, inst, "heat_liquid", direct) or 0.0
    air = _own(plan, inst, "heat_air", direct) or 0.0
    flow = _own(plan, inst, "coolant_flow", direct)
    airflow = _own(plan, inst, "airflow", direct)
    t_liquid = _temp(plan, inst, "supply_temp")
    t_air = _temp(plan, inst, "air_supply_temp")
    t_chilled = plan.get(inst, "chilled_water_temp")
    dt_liquid = _temp(plan, inst, "liquid_delta_t")
    with _Cluster(g, plan.ids("hallheat", key), label, "hall") as c:
        racks = plan.ids("rackheat", key)
        _cooling_racks(c, plan, inst, count, racks, direct)
        loops = []
        for stream, heat in (("liquid", liquid), ("air", air)):
            if heat <= 0:
                continue
            liquid_side = stream == "liquid"
            node = plan.ids("cdus" if liquid_side else "crahs", key)
            loops.append(node)
            n = _own(plan, inst, "cdus" if liquid_side else "crahs", direct)
            gear = plan.parts(inst, "cdu" if liquid_side else "crah")
            moved = flow if liquid_side else airflow
            rows = [_esc(f"{_q(heat, 'W')} {stream} heat{each}", 0)]
            if moved is not None:
                rows.append(_esc(f"coolant {_flow(moved, liquid_side)}{each} \u00b7 \u0394T {_sig(dt_liquid) if dt_liquid is not None else 'n/a'} K" if liquid_side
                                 else f"airflow {_flow(moved, liquid_side)}{each}", 0))     # one hall's, as its heat
            rows.append(_esc(f"supply {_q(t_liquid, 'K_point')}" if liquid_side
                             else f"cold aisle {_q(t_air, 'K_point')}", 0))
            if gear:
                cap = plan.get(gear[0], "capacity")
                rows.append(_esc(f"{plan.definition(gear[0])}" + (f" \u00b7 {_q(cap, 'W')} each" if cap else ""), 0))
                rows.append(_gear_sizing(plan, gear[0], f"the {stream} heat", capacity=False))
                n = plan.count(gear[0]) if gear[0].count is not None else plan.get(gear[0], "units_needed")
            else:                    # the count is the model's, in units of the class it sized them with
                rows.append(_sizing_unit(plan, inst, "cdu" if liquid_side else "crah", heat))
            # the CDUs / CRAHs a row places are sized per row (their own units_needed and utilization)
            row_gear = [(row, part) for row in plan.parts(inst, "row")
                        for part in plan.parts(row, "cdu" if liquid_side else "crah")]
            if liquid_side and not direct:
                rows += _pump_rows(plan, inst)
            for row, part in row_gear[:MAX_LIST]:
                rows.append(_esc(f"in each {plan.part_name(row)}: {plan.definition(part)}", 0))
                rows.append(_gear_sizing(plan, part, f"the row's {stream} heat"))
            title = ("CDUs" if liquid_side else "CRAHs") + (f" \u00d7 {_count_text(n)}" if n is not None else "")
            color = PALETTE[stream][0]
            c.node(node, _card(_b(title), rows, caption=_esc("LIQUID LOOP" if liquid_side else "AIR LOOP", 0),
                               group=stream))
            c.edge(racks, node, label=_edge_label(_q(heat, "W") + each,
                                                  _flow(moved, liquid_side) if moved is not None else ""),
                   color=color)                          # one hall's heat, as its cards say
            t_loop = t_liquid if liquid_side else t_chilled
            runs = plan.get(inst, f"{stream}_chillers_run")          # the thermal model's own answer
            needs = runs is None or runs > 0                      # no answer: drawn to the chillers
            loop = ("facility water" if liquid_side else "chilled water") + f" {_q(t_loop, 'K_point')}"
            total = (heat if count == 1 else plan.get(inst, f"heat_{stream}_all") if not alike   # models/totals.py
                     else _in_all(plan, halls, f"heat_{stream}"))
            text = _q(total, "W") + (f" from {_count_text(count)} halls" if count != 1 else "")
            # minlen 2: a rank between the loops and the plant, room for these long labels (at 1 the system
            # dot 2.43 drew the hall's chilled-water line through the label of the site's own loop)
            g.edge(node, chillers if needs else rejection,
                   label=_edge_label(loop, text, "" if needs else "free cooling"), color=color, minlen="2")
        if len(loops) == 2:      # the two loops side by side, one step from the heat: dot had put the CDUs a rank
            c.body.append("\t{rank=same; " + "; ".join(loops) + "}\n")   # past the CRAHs, the liquid edge over them
