"""Cost by part for `factory plan` (after Infracost's diff): each priced part of a site, its count and cost
old -> new, grouped by site and hall, and the rest of each cost category as the model computes it.

Pipeline position: a helper of `compiler.plan` (reads the same results JSON values; imports nothing of the
models). The rows of one site partition its capex and opex exactly (so their changes sum to the KPI
table's capex and opex changes):

    groups      the site itself (what it holds outside its halls) and each hall, a hall counted as
                placed (`hall data_hall x 4`: its figures x 4)
    part rows   (capex) every placed part with a bill-of-materials price (`total_price` = quantity * price,
                already multiplied by every count above it: cost.py): racks, servers, chips, CPUs, memory,
                drives, switches, NICs, DPUs, transceivers, cables; a part inside a server or rack priced as
                a whole is held by that price and not listed. A leaf part with no price is listed as
                unpriced (the model counts it $0, with an `unpriced` warning). A `network` block (a fabric
                whose switches and optics the network model sizes) is one row: its capex.
    model rows  per group and category, what the part rows do not hold: group figure - its part rows,
                categories it (capex_it), network (capex_network + capex_optics), power plant and gear
                (capex_power), cooling plant and gear (capex_cooling), building shell (capex_building), land
                (capex_land); a gear row is units x price, its installation (units x price x the
                installation factor less 1: cost.py, s15-capex) is in the plant's model row. The group figure is the hall's figure x its count, or the site's figure minus
                its halls' (a site's capex is its halls' plus its own: cost.py). A model row of |value|
                <= 1e-9 of its group's figure is float noise and is not listed.
    opex rows   the site's opex per year: energy, maintenance, staff, water, colocation lease, in the site's
                group only (a site's opex is not the sum of its halls': its staff may be a fixed cost,
                its energy is its facility power's, with the gear it holds outside the halls). The energy
                row carries the energy it pays for, the site's `energy_year` (J a year), as its quantity.
    group count the hall's count on each side (`hall data_hall x 4 -> x 5`), shown in its heading.
    incomplete  a row whose figure counts a part without a price as $0 where the part has no row of its own
                to say so: an opex row that reads such a figure (maintenance is a rate on capex), a model
                row whose group figure an `unpriced` warning names with no unpriced part row of its group and
                category (a site's land without `land_price`), a `network` block's capex. It is a lower bound, not a value: printed with "(incomplete)",
                its change n/a and left out of the printed total (as an unpriced part's row), never a saving.
    flagged     a row whose figure is computed from an input a warning flags (an `implausible-value` price,
                `report_format.flagged_codes`, `unpriced` aside) carries the KPI table's mark on that side, and
                its site's total says so: the row is right for the input as written, and counted.

Rows are compared by key (site, group, part path or category); a row missing on one side counts $0 there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

SECONDS_PER_YEAR = 365 * 86400.0
IT_KINDS = ("rack", "server", "chip", "cpu", "memory", "storage")
NETWORK_KINDS = ("switch", "nic", "dpu", "transceiver", "cable")
LEAF_KINDS = ("chip", "cpu", "memory", "storage", "switch", "nic", "dpu", "transceiver", "cable")
POWER_GEAR = ("transformer", "switchgear", "ups", "rectifier", "pdu", "busway", "generator")   # cost.py's classes
COOLING_GEAR = ("cdu", "crah", "chiller", "dry_cooler", "cooling_tower", "pump")
SIZED_BY_MODEL = {"cdu": "cdus", "crah": "crahs", "chiller": "chillers", "dry_cooler": "dry_coolers"}
CAPEX_CATEGORIES = {            # category -> (the figures it sums, label of its model row)
    "it": (("capex_it",), "IT not listed by part"),
    "network": (("capex_network", "capex_optics"), "network and optics (modelled)"),
    "power": (("capex_power",), "power plant per W of IT and the gear's installation"),
    "cooling": (("capex_cooling",), "cooling plant per W of IT and the gear's installation"),
    "building": (("capex_building",), "building shell"),
    "land": (("capex_land",), "land"),
}
OPEX_CATEGORIES = {
    "energy": ("opex_energy", "energy"),
    "maintenance": ("opex_maintenance", "maintenance"),
    "staff": ("opex_staff", "staff"),
    "water": ("opex_water", "water"),
    "lease": ("opex_lease", "colocation lease"),
}
_NOISE = 1e-9


@dataclass
class CostItem:
    """One priced thing of a site: capex in USD, or opex in USD per year."""

    site: str
    group: str
    key: str                      # the part's path, or `group:category` for a model row
    label: str                    # `chip H100_SXM`, `power plant and gear`
    category: str
    cost: str                     # "capex" | "opex"
    value: float
    count: Optional[float] = None
    unpriced: bool = False
    quantity: Optional[float] = None         # what the row pays for, when it is no count: energy in J a year
    group_count: Optional[float] = None      # the hall's count (None: the site's own group)
    incomplete: bool = False                 # counts a part without a price as $0 (not the part's own row)
    flag: Optional[str] = None               # why a warning other than `unpriced` flags its figure (the report's words)


def cost_items(results, value, named: frozenset = frozenset(), reached: frozenset = frozenset(),
               flags: Optional[dict] = None) -> dict[tuple[str, str, str], CostItem]:
    """Every site's cost rows, by (site, group, key). `value(path)` reads a figure of the compared scenario
    (None when absent); `named` are the figures an `unpriced` warning names, `reached` those and every figure
    that reads one (`plan._unpriced_reach`): the rows they make incomplete; `flags` {figure: why} the figures
    another warning flags (`plan._flags`), which flag the rows that show them."""
    flags = flags or {}
    items: dict[tuple[str, str, str], CostItem] = {}
    for site in results.graph.roots:
        if site.kind != "site" or value(f"{site.path}.capex") is None:
            continue
        halls = [h for h in site.parts if h.kind == "hall"]
        groups = [(site, 1.0, halls)] + [(h, _count(h, value), []) for h in halls]
        for group, mult, inner_halls in groups:
            group_count = None if group is site else mult
            leased = value(f"{site.path}.colocation_price") is not None or \
                value(f"{group.path}.colocation_price") is not None
            own = list(_part_items(site.path, group, mult, inner_halls, value, leased, named, flags))
            for item in own:
                item.group_count = group_count
                items[(item.site, item.group, item.key)] = item
            for category, (figures, label) in CAPEX_CATEGORIES.items():
                total = _group_figure(group, mult, inner_halls, figures, value)
                if total is None:
                    continue
                rest = total - sum(i.value for i in own if i.category == category)
                # named by an `unpriced` warning, and no row of an unpriced part of the group says so (a placed
                # PDU without a price is a row of its own; the per-W plant beside it is exact)
                incomplete = any(f"{group.path}.{figure}" in named for figure in figures) and \
                    not any(i.unpriced for i in own if i.category == category)
                if abs(rest) > _NOISE * max(abs(total), 1.0) or incomplete:
                    items[(site.path, group.path, f"{group.path}:{category}")] = CostItem(
                        site.path, group.path, f"{group.path}:{category}", label, category, "capex", rest,
                        group_count=group_count, incomplete=incomplete,
                        flag=_group_flag(results.graph, group, inner_halls, figures, flags))
        for category, (figure, label) in OPEX_CATEGORIES.items():     # the site's: not a sum of its halls'
            total = value(f"{site.path}.{figure}")
            if isinstance(total, float) and total != 0:
                energy = value(f"{site.path}.energy_year") if category == "energy" else None
                items[(site.path, site.path, f"{site.path}:{category}")] = CostItem(
                    site.path, site.path, f"{site.path}:{category}", label, category, "opex",
                    total * SECONDS_PER_YEAR, quantity=energy if isinstance(energy, float) else None,
                    incomplete=f"{site.path}.{figure}" in reached, flag=flags.get(f"{site.path}.{figure}"))
    return items


def _group_flag(graph, group, inner_halls, figures, flags: dict) -> Optional[str]:
    """Why the group's share of `figures` is flagged: a hall's figure's flag; for the site's own share (its figure
    minus its halls'), the flag of what the site's figure reads besides its halls' figures, so that a hall's
    flagged input does not mark the site's own gear."""
    halls = {f"{h.path}.{f}" for h in inner_halls for f in figures}
    for figure in figures:
        path = f"{group.path}.{figure}"
        if path not in flags:
            continue
        node = graph.nodes.get(path)
        deps = getattr(node, "deps", None)
        if not inner_halls or deps is None or any(d in flags and d not in halls for d in deps):
            return flags[path]
    return None


def _count(inst, value) -> float:
    if not inst.count:
        return 1.0
    v = value(inst.count)
    return float(v) if isinstance(v, (int, float)) else 1.0


def _group_figure(group, mult, inner_halls, figures, value) -> Optional[float]:
    """The group's own share of figures: a hall's figure x its count; a site's minus its halls'."""
    total = 0.0
    for figure in figures:
        v = value(f"{group.path}.{figure}")
        if v is None:
            if figure in ("capex_optics", "opex_lease"):       # not every block has these
                continue
            return None
        total += mult * v
        for hall in inner_halls:
            h = value(f"{hall.path}.{figure}")
            if h is not None:
                total -= _count(hall, value) * h
    return total


def _part_items(site: str, group, mult: float, skip, value, leased: bool, named=frozenset(), flags=None):
    """The priced parts placed in `group` (not inside the halls in `skip`, which are groups of their own): the
    parts with a bill-of-materials price, `network` blocks, the power and cooling gear placed on the group
    itself (units * price, the units the thermal model sizes for CDUs, CRAHs, chillers and dry coolers placed
    without a count; none when the site leases its plant) and the power shelves of racks not priced whole."""
    skip_ids = {id(h) for h in skip}
    todo = [(p, mult * _count(p, value), True) for p in reversed(group.parts) if id(p) not in skip_ids]
    while todo:
        inst, units, direct = todo.pop()
        price = value(f"{inst.path}.total_price")
        quantity = value(f"{inst.path}.quantity")
        definition = ".".join(inst.block.base) if inst.block.base else inst.block.name
        label = f"{inst.kind} {definition}"
        if isinstance(price, float):
            category = "it" if inst.kind in IT_KINDS else "network"
            yield CostItem(site, group.path, inst.path, label, category, "capex", price,
                           quantity if isinstance(quantity, float) else None,
                           flag=(flags or {}).get(f"{inst.path}.total_price"))
            continue                          # what is inside is held by this price
        if inst.kind == "network":
            capex = value(f"{inst.path}.capex")
            if isinstance(capex, float):
                yield CostItem(site, group.path, inst.path, f"network {definition}", "network", "capex",
                               units * capex, incomplete=f"{inst.path}.capex" in named
                               or f"{inst.path}.capex_optics" in named, flag=(flags or {}).get(f"{inst.path}.capex"))
            continue
        gear = (direct and not leased and inst.kind in POWER_GEAR + COOLING_GEAR) or \
            (inst.kind == "power_shelf" and inst.parent is not None and inst.parent.kind == "rack")
        if gear:
            if direct and inst.kind in SIZED_BY_MODEL and not inst.count:
                sized = value(f"{group.path}.{SIZED_BY_MODEL[inst.kind]}")
                units = mult * sized if isinstance(sized, float) else units
            unit_price = value(f"{inst.path}.price")
            category = "cooling" if inst.kind in COOLING_GEAR else "power"
            priced = isinstance(unit_price, float)
            yield CostItem(site, group.path, inst.path, label, category, "capex",
                           units * unit_price if priced else 0.0, units, unpriced=not priced,
                           flag=(flags or {}).get(f"{inst.path}.price"))
            continue
        if isinstance(quantity, float) and (inst.kind in LEAF_KINDS or (inst.kind == "server" and not any(
                p.kind in ("chip", "cpu", "memory", "storage") for p in inst.parts))):
            yield CostItem(site, group.path, inst.path, label,
                           "it" if inst.kind in IT_KINDS else "network", "capex", 0.0, quantity, unpriced=True)
            continue
        todo.extend((p, units * _count(p, value), False) for p in reversed(inst.parts))


# ------------------------------------------------------------------------------------------- compare
def _close(a: Optional[float], b: Optional[float]) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or math.isclose(a, b, rel_tol=_NOISE, abs_tol=0.0)


def compare_costs(old: dict, new: dict) -> list[dict]:
    """The changed cost rows (CostRow), in key order; a row missing on one side is null there and counts $0."""
    rows = []
    halls_old = {(i.site, i.group): i.group_count for i in old.values()}     # a hall's count on each side,
    halls_new = {(i.site, i.group): i.group_count for i in new.values()}     # from any row of it
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        one = b or a
        changed = a is None or b is None or not _close(a.value, b.value) or not _close(a.count, b.count) \
            or a.unpriced != b.unpriced or not _close(a.quantity, b.quantity) or a.incomplete != b.incomplete \
            or a.flag != b.flag
        if not changed:
            continue
        # a part whose definition changed names both, so its old cost is never shown under the new one's name
        label = f"{a.label} -> {b.label}" if a is not None and b is not None and a.label != b.label else one.label
        rows.append({"site": one.site, "group": one.group, "item": one.key, "label": label,
                     "category": one.category, "cost": one.cost,
                     "unit": "USD" if one.cost == "capex" else "USD/yr",
                     "old_count": a.count if a else None, "new_count": b.count if b else None,
                     "old": a.value if a else None, "new": b.value if b else None,
                     "change": (b.value if b else 0.0) - (a.value if a else 0.0),
                     "old_unpriced": bool(a and a.unpriced), "new_unpriced": bool(b and b.unpriced),
                     "old_incomplete": bool(a and a.incomplete), "new_incomplete": bool(b and b.incomplete),
                     "old_flagged": a.flag if a else None, "new_flagged": b.flag if b else None,
                     "quantity_unit": "J/yr" if (a and a.quantity is not None) or (b and b.quantity is not None)
                     else None,
                     "old_quantity": a.quantity if a else None, "new_quantity": b.quantity if b else None,
                     "old_group_count": halls_old.get((one.site, one.group)),
                     "new_group_count": halls_new.get((one.site, one.group))})
    return rows


# ------------------------------------------------------------------------------------------- render
def _dollars(value: float, per: str) -> int:
    """A row's value as printed: whole dollars (opex per month: the year's / 12)."""
    return int(round(value / 12.0 if per == "mo" else value))


def _money(dollars: int, signed: bool = False) -> str:
    sign = ("+" if dollars > 0 else "-" if dollars < 0 else "") if signed else ("-" if dollars < 0 else "")
    return f"{sign}${abs(dollars):,}"


def _count_text(n: Optional[float]) -> str:
    if n is None:
        return ""
    return f"{n:,.0f}" if n == round(n) else f"{n:,.4g}"


def _energy_texts(old: Optional[float], new: Optional[float]) -> tuple[str, str]:
    """Energy a year, each side as the plan's KPI table shows `energy_year` (`plan._fmt_pair`: one unit choice
    per quantity across a plan), a year's: `605.8 MWh/yr`, `1,212 MWh/yr`; `1,847 GWh/yr` on a campus."""
    from .plan import _fmt_pair

    a, b = _fmt_pair(old, new, "J")
    return ("-" if old is None else a + "/yr"), ("-" if new is None else b + "/yr")


def group_heading(group: str, site: str, rows: list[dict]) -> str:
    """`headquarters.server_room x 4 -> x 5`: a hall with its count on each side (`(added)`, `(removed)`
    when it is on one side only); the site's own group as `headquarters (site)`."""
    if group == site:
        return f"{group} (site)"
    old = next((r["old_group_count"] for r in rows if r.get("old_group_count") is not None), None)
    new = next((r["new_group_count"] for r in rows if r.get("new_group_count") is not None), None)
    o, n = (None if c is None else f"x {_count_text(c)}" for c in (old, new))
    if o is None and n is None:
        return group
    if o is None or n is None:
        return f"{group} {o or n} ({'added' if o is None else 'removed'})"
    return f"{group} {o}" if o == n else f"{group} {o} -> {n}"


def printed(row: dict) -> dict:
    """A row as printed: before, after and change in whole dollars (capex) or dollars per month (opex);
    the change is after - before as printed, so that the printed rows add up to the printed total. An
    unpriced side (the model counts it $0) is shown as `unpriced` and its row's change as n/a; an incomplete
    side (its figure counts a part without a price as $0) as its value and `(incomplete)`, its change n/a."""
    per = "mo" if row["cost"] == "opex" else ""
    suffix = "/mo" if per else ""
    old = None if row["old"] is None else _dollars(row["old"], per)
    new = None if row["new"] is None else _dollars(row["new"], per)
    unpriced = row["old_unpriced"] or row["new_unpriced"]
    incomplete = row.get("old_incomplete") or row.get("new_incomplete")

    def side(v, is_unpriced, is_incomplete=False):
        if is_unpriced:
            return "unpriced"
        return "-" if v is None else _money(v) + suffix + (" (incomplete)" if is_incomplete else "")

    change = None if unpriced or incomplete else (new or 0) - (old or 0)
    if change is None:
        change_text = "n/a (unpriced)" if unpriced else "n/a (incomplete)"
    elif change == 0:
        change_text = "~$0" + suffix          # a change under half a dollar
    else:
        change_text = _money(change, True) + suffix
    counts = ""
    if row["old_count"] is not None or row["new_count"] is not None:
        o, n = _count_text(row["old_count"]) or "-", _count_text(row["new_count"]) or "-"
        counts = o if o == n else f"{o} -> {n}"
    elif row.get("old_quantity") is not None or row.get("new_quantity") is not None:     # energy: a year's, as the KPIs
        o, n = _energy_texts(row.get("old_quantity"), row.get("new_quantity"))
        counts = o if o == n else f"{o} -> {n}"
    return {"old": side(old, row["old_unpriced"], row.get("old_incomplete")),
            "new": side(new, row["new_unpriced"], row.get("new_incomplete")),
            "change": change_text, "change_dollars": change, "count": counts,
            "unpriced": bool(unpriced), "incomplete": bool(incomplete and not unpriced), "flag": flag_note(row)}


def flag_note(row: dict) -> str:
    """The KPI table's mark of a row computed from a flagged input, by side (`⚠ after: computed from an input
    outside its published range`); "" when neither side is."""
    sides = [f"{word}: {row[f'{side}_flagged']}" for side, word in (("old", "before"), ("new", "after"))
             if row.get(f"{side}_flagged")]
    return "⚠ " + "; ".join(sides) if sides else ""


def _sorted(rows: list[dict]) -> list[dict]:
    return sorted(rows, key=lambda r: (-abs(r["change"]), r["item"]))


def _mark(row: dict) -> str:
    return "+" if row["old"] is None else "-" if row["new"] is None else "~"


def _what(row: dict) -> str:
    if ":" in row["item"]:
        return f"{row['label']} (model)"
    return f"{row['item']} ({row['label']})"


def _sections(rows: list[dict]):
    """(site, cost, [(group, rows sorted by |change|)], printed total) for each site and cost type."""
    for site in sorted({r["site"] for r in rows}):
        for cost in ("capex", "opex"):
            mine = [r for r in rows if r["site"] == site and r["cost"] == cost]
            if not mine:
                continue
            groups = [(g, _sorted([r for r in mine if r["group"] == g]))
                      for g in sorted({r["group"] for r in mine}, key=lambda g: (g != site, g))]
            shown = [printed(r) for r in mine]
            total = sum(p["change_dollars"] or 0 for p in shown)
            reasons = sorted({row[f"{side}_flagged"] for row in mine for side in ("old", "new")
                              if row.get(f"{side}_flagged")})
            left_out = (sum(1 for p in shown if p["unpriced"]), sum(1 for p in shown if p["incomplete"]),
                        sum(1 for p in shown if p["flag"]), reasons)
            yield site, cost, groups, total, left_out


ROUNDING_NOTE = ("each row is rounded to the dollar (opex: per month, the year's / 12); a row's change is "
                 "after - before as printed, and the total is the sum of the rows' changes as printed")


def _total_text(cost: str, total: int, left_out: tuple) -> str:
    """The printed total; it names the rows it leaves out: unpriced parts (the model counts them $0) and
    incomplete rows (they count a part without a price as $0: a lower bound, no change to add), and carries
    the mark of the flagged rows it counts."""
    unpriced, incomplete = left_out[:2]
    flagged, reasons = (left_out[2], left_out[3]) if len(left_out) > 2 else (0, [])
    text = f"total {cost} change: {_money(total, True)}" if cost == "capex" else \
        f"total opex change: {_money(total, True)}/mo ({_money(12 * total, True)}/yr)"
    if unpriced:
        text += f", not counting {unpriced} unpriced row(s) (the model counts them $0)"
    if incomplete:
        text += (" and " if unpriced else ", not counting ") + \
            f"{incomplete} incomplete row(s) (they count a part without a price as $0)"
    if flagged:
        text += f" (⚠ counts {flagged} flagged row(s): {'; '.join(reasons)})"
    return text


def render_cost_text(rows: list[dict]) -> list[str]:
    """Per site, a capex and an opex-per-month table: group lines, then the group's rows sorted by |change|
    (mark, part, count, before -> after, change), then the total, which is the sum of the printed changes."""
    if not rows:
        return []
    lines = ["cost by part (changed rows):"]
    for site, cost, groups, total, incomplete in _sections(rows):
        table = [(_mark(r), _what(r), printed(r)) for _, mine in groups for r in mine]
        widths = [max(len(t[1]) for t in table), max(len(t[2]["count"]) for t in table),
                  max(len(t[2]["old"]) for t in table), max(len(t[2]["new"]) for t in table),
                  max(len(t[2]["change"]) for t in table)]
        lines.append(f"  {site}: {'capex' if cost == 'capex' else 'opex per month'}")
        for group, mine in groups:
            lines.append(f"    {group_heading(group, site, mine)}")
            for r in mine:
                p = printed(r)
                lines.append(f"      {_mark(r)} {_what(r):<{widths[0]}}  {p['count']:>{widths[1]}}  "
                             f"{p['old']:>{widths[2]}} -> {p['new']:>{widths[3]}}  {p['change']:>{widths[4]}}"
                             f"{'  [' + p['flag'] + ']' if p['flag'] else ''}".rstrip())
        lines.append(f"    {_total_text(cost, total, incomplete)}")
    return lines + [f"  ({ROUNDING_NOTE})", ""]


def render_cost_markdown(rows: list[dict], md, code, fold_over: int = 10) -> list[str]:
    """One table per site and cost type (group rows in bold); folded in <details> when it has more than
    `fold_over` rows, its summary giving the total."""
    if not rows:
        return []
    out = []
    for site, cost, groups, total, incomplete in _sections(rows):
        count = sum(len(m) for _, m in groups)
        title = f"{'Capex' if cost == 'capex' else 'Opex per month'} by part of {code(site)}: " \
                f"{md(_total_text(cost, total, incomplete).split(': ', 1)[1])}"
        table = ["| | part | quantity | before | after | change |", "|---|---|--:|--:|--:|--:|"]
        for group, mine in groups:
            heading = group_heading(group, site, mine)
            name, rest = (heading[:len(group)], heading[len(group):])
            table.append(f"| | **{md(name)}**{md(rest).replace(' -&gt; ', ' → ')} | | | | |")
            for r in mine:
                p = printed(r)
                label = md(r["label"]).replace(" -&gt; ", " → ")      # a changed definition: old → new
                what = label + " (model)" if ":" in r["item"] else f"{label} `{md(r['item'])}`"
                old, new = (md(p[side]) + (f" (⚠ {md(r[f'{side}_flagged'])})" if r.get(f"{side}_flagged") else "")
                            for side in ("old", "new"))
                table.append(f"| {_mark(r)} | {what} | {md(p['count']).replace(' -&gt; ', ' → ')} | {old} | {new} "
                             f"| {md(p['change'])} |")
        table.append(f"| | **total** | | | | **{md(_money(total, True) + ('' if cost == 'capex' else '/mo'))}** |")
        if count > fold_over:
            out += [f"<details><summary>{title} ({count} rows)</summary>", ""] + table + ["", "</details>", ""]
        else:
            out += [f"**{title}**", ""] + table + [""]
    out += [f"<sub>Cost by part: {md(ROUNDING_NOTE)}.</sub>", ""]
    return out
