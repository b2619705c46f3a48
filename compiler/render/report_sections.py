"""Report sections: the key figures (each the subject's own model output), power, cost, halls, bill of
materials, workloads and the derivation of each key figure, as plain data for the templates.

Pipeline position: render; reads results through `compiler.render.report_format._View`; no model.

A breakdown's share column prints each row's `<row>_share` (compiler/models/shares.py: the row over the subject's
model total, `capex`, `tco_year`, `facility_power`; a rack's, row's or server's `capex_depreciable_it`, a rack's or
row's `it_power`, a server's `peak_power`: the key figures and the totals' labels say which, `Kpi.alternates`,
POWER_TOTAL_LABELS), and its total row the model's total, read.
Read, not computed:
  - the bill of materials: a line's quantity, total power and total price are the results' bill of
    materials (compiler/bill_of_materials.py: the placements' `quantity`, `total_power` and `total_price` added up
    per definition, also in results JSON); a fabric's lines are its own outputs over all its placements
    (`total_switches`, `total_capex_switching`, `total_switch_power`, ...: compiler/models/totals.py, `_fabric_bom`);
  - the plant note of a capex row prints each class's `<key>_<class>_with_halls` (compiler/models/cost.py:
    its own term and its halls' x their counts), read (`_plant_parts`).
The amounts the cost notes print (`_amount_basis`: capex_depreciable_it, capex_depreciable_facility,
capex_maintained, capex_building_per_watt) and the count a workload without `accelerators` is shown for
(`accelerators_held`, marked "(default)") are model outputs, read.
What the report marks: a figure a diagnostic is about (`report_format.flagged_quantities`), an unpriced
part, a figure with no value (n/a and the models' reason); `basis` prints the inputs that shape a figure.
See docs/report.md.
Per-item figures times a count are model outputs (compiler/models/totals.py), never computed here.
Arithmetic that remains (no figure printed is its result): the heat table's count column multiplies the counts of
the sites between a hall and the subject (`_View.mult`: a hall placed directly in the site, the usual case, shows its
own count).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..evaluate import Results
from ..graph import Instance, expand_reads
from .report_format import FLAG_TEXT, YEAR, _anchor, fmt, _humanize, _View
from .view import ABSENT_TEXT
from .report_charts import bar_chart

CONTAINERS = ("site", "hall", "row", "rack", "server")
WORKLOAD_KINDS = ("inference", "training")
# ---------------------------------------------------------------------------------------------- KPIs
@dataclass(frozen=True)
class Kpi:
    """A key figure: the model output `<subject>.<key>` (sites sum their workloads in
    compiler.models.workloads), shown in `style` (see `fmt_parts`)."""
    key: str
    label: str
    style: str
    sub: str = ""
    facility: bool = True           # a facility figure: 0 means nothing is placed, shown as absent
    # (key, sub) shown where the subject has no `key` output: the same figure for a subject that has no meter or
    # facility (a rack's capex is its capex_depreciable_it; a server's IT power its peak_power)
    alternates: tuple[tuple[str, str], ...] = ()

    def of(self, has) -> tuple[str, str]:
        """(the output key, its note) of a subject: `key`, else the first alternate `has(key)` finds."""
        return next(((k, sub) for k, sub in ((self.key, self.sub),) + self.alternates if has(k)),
                    (self.key, self.sub))


KPIS = (
    Kpi("accelerators", "Accelerators", "count", "GPUs / accelerator packages"),
    Kpi("it_power", "IT power", "power", "peak, every accelerator at TDP",
        alternates=(("peak_power", "peak at the server's wall, every accelerator at TDP"),)),
    Kpi("facility_power", "Facility power", "power", "peak, at the utility meter"),
    Kpi("pue", "PUE", "ratio", "annual average"),
    Kpi("tokens_per_s", "Tokens per second", "tok_s", "at capacity, all services", facility=False),
    Kpi("tokens_per_joule", "Tokens per joule", "tok_j", "at the servers' wall", facility=False),
    Kpi("time_to_train", "Time to train", "duration", "wall clock, the longest training run", facility=False),
    Kpi("capex", "Capex", "money", "IT, network, facility, land",
        alternates=(("capex_depreciable_it", "IT, network and optics: no plant, building or land of its own"),)),
    Kpi("tco_year", "TCO per year", "money_year", "depreciation, the land's cost of capital and opex"),
    Kpi("served_tokens_per_s", "Tokens served per second", "tok_s",
        "on average: the load carried x the share of hours busy; what $/Mtok divides by", facility=False),
    Kpi("usd_per_mtok", "$ per million tokens", "money_mtok", "the services' accelerator-hours over the tokens they serve",
        facility=False),
)

# the power model's split of the peak IT power (compiler.models.power: power_<key>, power_overhead)
POWER_BUCKETS = (("accelerators", "Accelerators"), ("cpus", "Host CPUs"), ("memory", "Memory and storage"),
                 ("network", "Network (NICs, switches)"))
CAPEX = (("capex_it", "IT equipment"), ("capex_network", "Network"), ("capex_optics", "Optics and cables"),
         ("capex_power", "Power plant"), ("capex_cooling", "Cooling plant"), ("capex_building", "Building"),
         ("capex_land", "Land"))
COST_YEAR = (("depreciation_it_year", "Depreciation of IT"), ("depreciation_facility_year", "Depreciation of facility"),
             ("land_capital_year", "Land (cost of capital)"),
             ("opex_energy", "Energy"), ("opex_maintenance", "Maintenance"), ("opex_staff", "Staff"),
             ("opex_water", "Water"), ("opex_lease", "Colocation lease"))
# the site's plant, placed on a site only and sized on its whole heat (compiler.models.facility `_plant_chillers`)
PLANT_COLUMNS = ("chillers", "dry_coolers", "economizer_coils")
# shown only where some hall or the site counts one (the facility model's `economizer_coils`, s26-contract: the coils
# a "chiller" plant's free-cooling loops reject through, priced as dry coolers; 0 elsewhere)
WHERE_ANY = ("economizer_coils",)
HALL_COLUMNS = (("it_power", "IT power", "power"), ("heat_liquid", "Heat to liquid", "power"),
                ("heat_air", "Heat to air", "power"), ("coolant_flow", "Coolant flow", "flow_liquid"),
                ("airflow", "Airflow", "flow_air"), ("cdus", "CDUs", "count"), ("crahs", "CRAHs", "count"),
                ("chillers", "Chillers", "count"), ("dry_coolers", "Dry coolers", "count"),
                ("economizer_coils", "Economizer coils", "count"), ("pue", "PUE", "ratio"))
BOM_GROUPS = (("Compute", ("rack", "server", "chip", "cpu", "memory", "storage")),
              ("Network", ("switch", "nic", "dpu", "transceiver", "cable")))
WORKLOAD_COLUMNS = {
    "inference": (("accelerators", "Accelerators", "count"), ("tokens_per_s", "Tokens/s", "tok_s"),
                  ("tokens_per_s_per_user", "Tokens/s per user", "tok_s"),
                  ("power", "Power while serving", "power"),   # its servers at its own load (inference.power)
                  ("tokens_per_s_per_mw", "Tokens/s per MW", "tok_s_mw"), ("tokens_per_joule", "Tokens per joule", "tok_j"),
                  ("ttft", "TTFT", ""), ("tpot", "TPOT", ""),
                  ("served_tokens_per_s", "Tokens served/s", "tok_s"), ("cost_per_hour", "Cost per hour", "money_hour"),
                  ("usd_per_mtok", "$ per Mtok", "money_mtok")),
    "training": (("accelerators", "Accelerators", "count"), ("accelerators_needed", "Accelerators needed", "count"),
                 ("tokens_per_s", "Tokens/s", "tok_s"),
                 ("mfu", "MFU", "percent"), ("goodput", "Goodput", "percent"),
                 ("time_to_train", "Time to train", "duration"), ("energy", "Energy", ""), ("cost", "Cost", "money")),
}
# one style per output name, wherever the report shows it (key figures, workload tables, a workload's own
# figures): the same figure never reads "17.5%" in one table and "0.1754" in the next
FIELD_STYLES = {**{k.key: k.style for k in KPIS if k.facility is False},
                **{name: style for columns in WORKLOAD_COLUMNS.values() for name, _, style in columns if style}}
# the inputs that shape a figure, printed beside it (`basis`): found among the quantities its evaluation read
# (`Node.deps`, transitively), so the value shown is the one the model used (a `finance` block's, the site's,
# else the assumption's)
BASIS = {
    # PUE and TCO read the metered draw, where the inference services run at their busy share (service_utilization):
    # each moves with it (the flagship's PUE 1.0801 -> 1.0803, TCO $2.221B -> $2.227B at 0.6 -> 0.9), so it is named
    "pue": ("utilization", "service_utilization"),
    "tokens_per_s": ("precision",),
    "served_tokens_per_s": ("service_utilization",),
    "tokens_per_joule": ("precision",),
    "time_to_train": ("precision", "global_batch"),
    "tco_year": ("depreciation_it", "depreciation_facility", "discount_rate", "electricity_price", "utilization",
                 "service_utilization"),
    "usd_per_mtok": ("service_utilization", "precision", "accelerator_cost", "cost_per_accelerator_hour",
                     "depreciation_it", "discount_rate", "electricity_price"),
    "depreciation_it_year": ("depreciation_it", "discount_rate"),
    "depreciation_facility_year": ("depreciation_facility", "discount_rate"),
    "land_capital_year": ("discount_rate",),
    "opex_energy": ("electricity_price", "utilization", "service_utilization"),
    "opex_maintenance": ("maintenance_rate",),
    "opex_staff": ("staff_cost", "staff_per_mw"),
    "opex_water": ("water_price",),
    "opex_lease": ("colocation_price",),
    "capex_building": ("build_cost_per_watt", "critical_share", "shell_cost"),
    "capex_power": ("build_cost_per_watt", "critical_share", "plant_cost", "cooling_share_of_plant"),
    "capex_cooling": ("build_cost_per_watt", "critical_share", "plant_cost", "cooling_share_of_plant"),
    "capex_land": ("land_price",),
}
BASIS_LABELS = {"utilization": "average load", "service_utilization": "service busy", "precision": "precision",
                "global_batch": "global batch", "depreciation_it": "IT life", "depreciation_facility": "facility life",
                "discount_rate": "discount rate", "electricity_price": "electricity", "maintenance_rate": "maintenance",
                "staff_cost": "staff", "staff_per_mw": "staff", "water_price": "water", "colocation_price": "lease",
                "accelerator_cost": "accelerator-hour",
                # (a service's hour is this with its energy at its own draw: the note's amounts give that hour)
                "cost_per_accelerator_hour": "the hour derived from the site's TCO per accelerator-hour",
                "build_cost_per_watt": "build cost", "critical_share": "plant share",
                "shell_cost": "shell cost", "plant_cost": "plant cost", "cooling_share_of_plant": "cooling share of plant",
                "land_price": "land price"}
SWEEP_KPIS = ("facility_power", "capex", "tco_year", "pue", "tokens_per_s", "served_tokens_per_s", "usd_per_mtok",
              "time_to_train", "tokens_per_joule")


def _walk(inst, through=None):
    """Every instance below `inst` (depth first, in spec order), descending only through `through` kinds."""
    for part in inst.parts:
        yield part
        if through is None or part.kind in through:
            yield from _walk(part, through)


def _members(results: Results, path: str) -> list[str]:
    prefix = path + "."
    return sorted(p for p in results.values if p.startswith(prefix) and "." not in p[len(prefix):])


# ---------------------------------------------------------------------------------------------- sections
def _breakdown(view: _View, rows: list[tuple], style: str, title: str, total: float | None, total_path: str = ""):
    """Rows (label, value, output path the row marks and explains ("" for none), output path it is a share of)
    and their total, the model's: each row's share is that output's `<path>_share` (compiler.models.shares, over
    the total), read; a row or total a diagnostic is about is marked."""
    rows = [(r[0], r[1], r[2], r[3]) for r in rows if r[1] is not None]
    if not rows:
        return None
    if not any(v != 0 for _, v, _, _ in rows):
        return None
    # categories with nothing in them, unless a warning flags the $0 (an unpriced land): the row it is about
    rows = [row for row in rows if row[1] != 0 or (row[2] and row[2] in view.flags)]
    items = [{"label": label, "value": view.mark(fmt(value, style), path), "path": of,
              "share": fmt(view.get(f"{of}_share"), "percent"),
              "basis": basis(view.results, view, path, path.rsplit(".", 1)[-1], path.rsplit(".", 1)[0])
              if path else ""}
             for label, value, path, of in rows]
    chart_rows = [(label, value, fmt(value, style)) for label, value, _, _ in rows if value > 0]
    return {"rows": items, "total": view.mark(fmt(total, style), total_path),
            "chart": bar_chart(chart_rows, title) if chart_rows else None}


def _model_total(view: _View, p: str, names: tuple[str, ...]) -> float | None:
    """The first of `names` the subject `p` has a value of: the model's total its breakdown rows add up to (a
    site's or hall's power at the meter; a rack's or row's IT power, the four buckets and the overhead, which is
    defined as what they leave of it; a server's peak power), None where it has none."""
    return next((v for v in (view.get(f"{p}.{name}") for name in names) if v is not None), None)


# what the power breakdown's total is, by the output it is (`_model_total`): only a site or hall has a meter
POWER_TOTAL_LABELS = {"facility_power": "Total at the meter", "it_power": "Total IT power",
                      "peak_power": "Total at the wall"}


def _power_sections(view: _View, subject) -> dict:
    p = subject.path
    rows = [(label, view.get(f"{p}.power_{key}"), "", f"{p}.power_{key}") for key, label in POWER_BUCKETS]
    rows = [row for row in rows if row[1] is not None and row[1] > 0]
    overhead = view.get(f"{p}.power_overhead")
    it = view.get(f"{p}.it_power") or 0.0
    note = ""
    if overhead is not None and overhead > 1e-6 * it:
        rows.append(("Server overhead (fans, PSUs)", overhead, "", f"{p}.power_overhead"))
    elif overhead is not None and overhead < -1e-6 * it:
        note = "The servers' nameplate (max_power) caps their power below the sum of their parts."
    loss, cooling = view.get(f"{p}.power_chain_loss"), view.get(f"{p}.cooling_power")
    if loss is not None:
        rows.append(("Power-chain losses", loss, "", f"{p}.power_chain_loss"))
    if cooling is not None:
        rows.append(("Cooling", cooling, "", f"{p}.cooling_power"))
    names = ("facility_power", "it_power", "peak_power")
    total = _model_total(view, p, names)
    component = _breakdown(view, rows, "power", "Peak power by component", total)
    if component is not None:
        component["note"] = note
        component["total_label"] = next((POWER_TOTAL_LABELS[n] for n in names if view.get(f"{p}.{n}") is not None),
                                        "Total")
    stages = []
    if not it > 0:          # workloads only, no racks: no power chain to show (no 0 W meter, as the key figures)
        return {"component": component, "stages": stages}
    for path, label, hint in ((f"{p}.facility_power", "At the utility meter", "peak facility power"),
                              (f"{p}.power_chain_loss", "Power-chain losses", "transformers, UPS or rectifiers, "
                               "distribution; the transformers' on the cooling too"),
                              (f"{p}.cooling_power", "Cooling", "pumps, fans, chillers, heat rejection"),
                              (f"{p}.it_power", "Delivered to IT", "racks and network gear at peak"),
                              (f"{p}.power_chain_efficiency", "Power-chain efficiency",
                               "IT / (IT + the chain's losses on the IT path; not the transformers' on the cooling)"),
                              (f"{p}.facility_power_avg", "Average at the meter", "at the average utilization"),
                              (f"{p}.it_power_avg", "Average IT power", "at the average utilization"),
                              (f"{p}.facility_power_metered", "Average at the meter, as drawn",
                               "inference services at their duty cycles: what the energy bills"),
                              (f"{p}.it_power_metered", "Average IT power, as drawn",
                               "the IT of the metered average: the PUE's and the water's"),
                              (f"{p}.energy_year", "Energy per year", "the average at the meter, as drawn, over a year"),
                              (f"{p}.water_year", "Water per year", "evaporated for heat rejection")):
        value = view.get(path)
        if value is None or (value == 0 and path.endswith("water_year")):
            continue
        if path.endswith("facility_power_metered") and value == view.get(f"{p}.facility_power_avg"):
            continue            # no service draws other than the planning average: one row says it
        if path.endswith("it_power_metered") and value == view.get(f"{p}.it_power_avg"):
            continue
        shown = view.mark(fmt(value, "percent") if path.endswith("efficiency") else view.show(path), path)
        share = view.get(f"{path}_share") if view.unit(path) == "W" else None    # compiler.models.shares
        stages.append({"label": label, "hint": hint, "value": shown, "path": path,
                       "share": fmt(share, "percent") if share is not None else ""})
    return {"component": component, "stages": stages}


def _cost_sections(view: _View, subject) -> dict:
    p = subject.path
    capex_total = next((name for name in ("capex", "capex_depreciable_it") if view.get(f"{p}.{name}") is not None),
                       "capex")                         # a rack's, row's or server's capex is its IT, network and optics
    capex = _breakdown(view, [(label, view.get(f"{p}.{name}"), f"{p}.{name}", f"{p}.{name}") for name, label in CAPEX],
                       "money", "Capex by category", view.get(f"{p}.{capex_total}"), f"{p}.{capex_total}")
    year = _breakdown(view, [(label, view.get(f"{p}.{name}"), f"{p}.{name}", f"{p}.{name}")
                             for name, label in COST_YEAR],
                      "money_year", "Cost per year", view.get(f"{p}.tco_year"), f"{p}.tco_year")
    extra = []
    for name, label, style in (("cost_per_accelerator_hour", "Cost per accelerator-hour", "money_hour"),
                               ("cost_per_mw", "Capex per MW of IT", "money_mw"),
                               ("opex", "Opex per year", "money_year"),
                               ("depreciation_year", "Depreciation per year", "money_year")):
        value = view.get(f"{p}.{name}")
        if value is not None:
            extra.append({"label": label, "value": view.mark(fmt(value, style), f"{p}.{name}")})
    return {"capex": capex, "year": year, "unit_costs": extra}


def _halls(view: _View, subject) -> dict | None:
    halls = [subject] if subject.kind == "hall" else [i for i in _walk(subject, ("site",)) if i.kind == "hall"]
    if not halls:
        return None
    columns = [(name, label, style) for name, label, style in HALL_COLUMNS
               if any((view.get(f"{b.path}.{name}") or 0) > 0 if name in WHERE_ANY
                      else view.get(f"{b.path}.{name}") is not None for b in halls + [subject])]
    rows = []
    for hall in halls:
        count = view.mult(hall, subject) if hall is not subject else 1.0
        rows.append({"name": hall.path[len(subject.path) + 1:] or hall.block.name, "count": fmt(count, "count"),
                     "cells": [view.mark(fmt(view.get(f"{hall.path}.{name}"), style), f"{hall.path}.{name}")
                               for name, _, style in columns]})
    total, note = None, ""
    # the site's plant (chillers, dry coolers: placed on a site only) is sized once on its whole heat, not summed
    outside = {name: view.get(f"{subject.path}.{name}_outside_halls") if name not in PLANT_COLUMNS else None
               for name, _, _ in columns}
    if subject.kind == "site" and any(outside.values()):            # gear the site holds itself (its fabrics)
        rows.append({"name": "Outside halls", "count": "",
                     "cells": [fmt(outside[name], style) if outside[name] is not None else ""
                               for name, _, style in columns]})
        def words(label):                          # "Heat to air" -> "heat to air"; IT, CDUs, PUE kept
            return label if label[:2].isupper() else label[:1].lower() + label[1:]
        note = ("The site total is the halls times their count plus the gear the site holds outside its halls "
                "(its network fabrics) for " + ", ".join(words(label) for name, label, _ in columns
                                                          if outside[name] is not None)
                + own_words(columns, outside, words))
    if subject.kind == "site" and (len(rows) > 1 or any(r["count"] != "1" for r in rows)):
        if not note and any(name in PLANT_COLUMNS for name, _, _ in columns):
            note = "The site total is the halls times their count" + own_words(
                columns, outside, lambda label: label if label[:2].isupper() else label[:1].lower() + label[1:])
        total = {"name": "Site total", "count": "",
                 "cells": [view.mark(fmt(view.get(f"{subject.path}.{name}"), style), f"{subject.path}.{name}")
                           for name, _, style in columns]}
    return {"columns": [label for _, label, _ in columns], "rows": rows, "total": total, "note": note,
            "per_item": any(r["count"] not in ("1", "") for r in rows)}


def own_words(columns, outside, words) -> str:
    """The end of the heat table's note: the site figures that are not the halls' sum plus the gear outside them
    (its PUE: a ratio of the whole site's average power; its chillers and dry coolers: one plant sized on the whole
    site's heat, its spares once, s19-energy; before, each hall's units with their spares were summed)."""
    plant = [words(label) for name, label, _ in columns if name in PLANT_COLUMNS]
    own = [words(label) for name, label, _ in columns if outside[name] is None and name not in PLANT_COLUMNS]
    if not own and not plant:
        return "."
    said = []
    if plant:
        said.append(f"{' and '.join(plant)} {'is' if len(plant) == 1 else 'are'} its one plant's, sized on the "
                    f"whole site's heat with the plant's spares once")
    if own:
        said.append(f"{', '.join(own)} {'is' if len(own) == 1 else 'are'} the whole site's own (average facility "
                    f"over IT power)")
    return f"; the site's {'; its '.join(said)}: not a sum."


def _definition_path(view: _View, name: str, fabric: str = "", field: str = "") -> str | None:
    """The path of the definition a fabric names (`switch = Q3400` -> "network.Q3400", `transceiver = o` defined
    in the spec -> "o"): the instance its field holds in the results, else the one definition of that name
    imported; None where there is none."""
    ref = view.results.values.get(f"{fabric}.{field}") if fabric else None
    if isinstance(ref, Instance):
        return ref.path
    found = sorted({p.rsplit(".", 1)[0] for p in view.results.values
                    if p.rsplit(".", 1)[0].rsplit(".", 1)[-1] == name and p.count(".") == 2})
    return found[0] if len(found) == 1 else None


def _fabric_bom(view: _View, inst, subject) -> list[dict]:
    """A fabric's switches, transceivers, cables and the NICs it counts itself as bill-of-materials lines: the
    network model's figures over all its placements (compiler/models/totals.py: `total_switches`,
    `total_capex_switching`, `total_switch_power`, ... each its figure x its `quantity`), read; with the parts placed
    in it (their own lines) they add up to its `capex` x its quantity. A part the spec names no definition of is the
    model's default ("model default", no unit figures)."""
    p = inst.path
    where = p[len(subject.path) + 1:]
    rows = []

    def line(kind, name, total_qty, d, cost, total_power):
        power, price = (view.get(f"{d}.power"), view.get(f"{d}.price")) if d else (None, None)
        total = view.get(f"{p}.total_{cost}")
        line_power = view.get(f"{p}.{total_power}") if d and total_power else None
        return {"kind": kind, "item": f"{name} ({where})", "qty": fmt(view.get(f"{p}.{total_qty}"), "count"),
                "unit_power": fmt(power, "power"),
                "total_power": fmt(line_power, "power") if line_power is not None else "—",
                "unit_price": fmt(price, "money"),
                "total_price": view.mark(fmt(total, "money"), f"{p}.capex", f"{p}.{cost}")
                if total is not None else "—",
                "where": where}
    for kind, field, count, cost in (("switch", "switch", "switches", "capex_switching"),
                                     ("transceiver", "transceiver", "transceivers", "capex_transceivers"),
                                     ("nic", "nic", "nics_counted", "capex_nics")):
        qty = view.get(f"{p}.{count}")
        name = _ref_name(inst, field).rsplit(".", 1)[-1]
        if qty and (name or view.get(f"{p}.{cost}")):
            rows.append(line(kind, name or f"{count.split('_')[0]}, model default", f"total_{count}",
                             _definition_path(view, name, p, field) if name else None, cost, f"total_{kind}_power"))
        if kind == "transceiver" and any(view.get(f"{p}.cables_{k}") for k in ("optical", "copper", "active")):
            rows.append(line("cable", "cables", "total_cables", None, "capex_cables", ""))
    return rows


def _bom(view: _View, subject) -> dict:
    """One line per definition of each kind: its quantity, total_price and total_power over its placements, the
    results' bill of materials (`Results.bill_of_materials`, compiler/bill_of_materials.py: the cost model's outputs
    of each placement, added up), read; the unit price and power as given (the last placement's, when they differ)."""
    found = {(line.kind, line.item): line for line in view.results.bill_of_materials.get(subject.path, ())}
    groups = []
    for title, kinds in BOM_GROUPS:
        lines: dict[tuple[str, str], dict] = {}
        for inst in _walk(subject):
            if inst.kind not in kinds:
                continue
            item = inst.block.base[-1] if inst.block.base else inst.block.name
            key = (inst.kind, item)
            line = lines.setdefault(key, {"kind": inst.kind, "item": item, "power": None, "price": None,
                                          "where": [], "paths": []})
            line["paths"].append(f"{inst.path}.total_price")
            if view.absent(f"{inst.path}.quantity"):
                line["qty_absent"] = True               # (a count that is not whole: no quantity, never 0)
            power = view.get(f"{inst.path}.peak_power") if inst.kind in ("chip", "cpu", "server") else \
                view.get(f"{inst.path}.power")
            if inst.kind in ("rack",):
                power = view.get(f"{inst.path}.it_power")
            price = view.get(f"{inst.path}.price")
            if price is None and inst.block.name_span in view.unpriced_spans:
                line["unpriced"] = True                 # an `unpriced` warning: it counts $0 in the capex
            line["power"] = power if power is not None else line["power"]
            line["price"] = price if price is not None else line["price"]
            parent = inst.parent.path[len(subject.path) + 1:] if inst.parent is not None else ""
            line["where"].append(parent or subject.block.name)
        rows = []
        order = {k: i for i, k in enumerate(kinds)}
        for (kind, item), line in sorted(lines.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
            totals = found.get((kind, item))

            def total(name, totals=totals):
                if totals is None:
                    return None
                value = float(getattr(totals, name)[view.scenario])
                return value if np.isfinite(value) else None
            qty, total_power, total_price = total("quantity"), total("total_power"), total("total_price")
            rows.append({"kind": kind, "item": item,
                         "qty": ABSENT_TEXT if line.get("qty_absent") or qty is None else fmt(qty, "count"),
                         "unit_power": fmt(line["power"], "power"),
                         "total_power": fmt(total_power, "power") if total_power is not None else "—",
                         "unit_price": fmt(line["price"], "money"),
                         "total_price": view.mark(fmt(total_price, "money"), *line["paths"])
                         if total_price is not None else "—",
                         "where": ", ".join(sorted(set(line["where"])))})
            if line.get("unpriced") and line["price"] is None:     # not "—", which a part in a priced system reads
                rows[-1].update(unit_price="unpriced", total_price=f"$0 (⚠ {FLAG_TEXT['unpriced']})")
        if rows:
            groups.append({"title": title, "rows": rows})
    fabric_rows = [row for inst in _walk(subject) if inst.kind == "network" for row in _fabric_bom(view, inst, subject)]
    if fabric_rows:
        network = next((g for g in groups if g["title"] == "Network"), None)
        if network is None:
            network = {"title": "Network", "rows": []}
            groups.append(network)
        network["rows"].extend(fabric_rows)
    fabrics = []
    for inst in _walk(subject):
        if inst.kind != "network":
            continue
        results = view.results
        fields = [{"label": FABRIC_LABELS.get(p.rsplit(".", 1)[-1]) or _humanize(p.rsplit(".", 1)[-1]),
                   "value": view.mark(_field_text(view, inst, p), p),
                   "path": p} for p in _members(results, inst.path)
                  if not p.endswith(".count") and p.rsplit(".", 1)[-1] not in FABRIC_BOM_OUTPUTS + FABRIC_TOTALS]
        fabrics.append({"name": inst.path[len(subject.path) + 1:],
                        "count": fmt(view.get(f"{inst.path}.quantity"), "count"),
                        "fields": fields})
    unpriced = [f"{r['item']} ({r['kind']}, {r['qty']})" for g in groups for r in g["rows"]
                if r["unit_price"] == "unpriced"]
    summary = (f"Unpriced, counted as $0 in the capex: {', '.join(unpriced)}. Give each a `price`, or price the "
               "system it is in." if unpriced else "")
    return {"groups": groups, "fabrics": fabrics, "unpriced": summary}


# the fabric's bill-of-materials lines' figures (`_fabric_bom`), shown there rather than in its table
FABRIC_BOM_OUTPUTS = ("capex_switching", "capex_transceivers", "capex_cables", "nics_counted", "capex_nics")
# ... and its figures over all its placements (compiler/models/totals.py): its lines' totals and its count column
FABRIC_TOTALS = ("quantity", "total_power", "total_switches", "total_transceivers", "total_cables",
                 "total_nics_counted", "total_capex_switching", "total_capex_transceivers", "total_capex_cables",
                 "total_capex_nics", "total_switch_power", "total_transceiver_power", "total_nic_power")
FABRIC_LABELS = {"capex": "capex, switches and optics", "capex_optics": "capex of the optics and cables"}


def _field_text(view: _View, inst, path: str) -> str:
    """A field as the report shows it; a reference (`switch = QM9790`) by the definition it names, or
    "model default" where the spec names none (it read a bare dash)."""
    if view.declared(path).startswith("ref:") and view.text(path) is None:
        return _ref_name(inst, path.rsplit(".", 1)[-1]) or "model default"
    return view.show(path)


def _workload_tables(view: _View, subject) -> list[dict]:
    """One comparison table per workload kind: a row per workload, the figures a buyer compares."""
    tables = []
    for kind in WORKLOAD_KINDS:
        insts = [i for i in _walk(subject) if i.kind == kind]
        if not insts:
            continue
        columns = [(name, label, style) for name, label, style in WORKLOAD_COLUMNS[kind]
                   if any(f"{i.path}.{name}" in view.results.values for i in insts)]    # absent ones too: n/a
        rows, defaulted, reasons = [], False, {}
        for inst in insts:
            cells = []
            for name, _, style in columns:
                path = f"{inst.path}.{name}"
                value = view.get(path)
                if name == "accelerators" and value is None and _ran_on(view, inst) is not None:
                    cells.append(f"{fmt(_ran_on(view, inst), 'count')} (default)")
                    defaulted = True
                    continue
                why = view.absent(path)
                if value is None and why:            # no value, and the models say why: n/a, the reason below
                    cells.append(ABSENT_TEXT)
                    reasons.setdefault(why, []).append(inst.path[len(subject.path) + 1:])
                    continue
                cells.append(view.mark(fmt(value, style) if style and value is not None else view.show(path), path))
            system = next((n for n in (_ref_name(inst, f) for f in ("system", "rack", "chip")) if n), "")
            rows.append({"name": inst.path[len(subject.path) + 1:], "cells": cells,
                         "model": _ref_name(inst, "model"), "system": system,
                         "precision": _precision(view, inst), "layout": _layout(view, inst)})
        note = ("Accelerators marked (default) are not set in the spec: the row's figures are for that count, "
                "the model's own (one system, or the pools a demand sizes)"
                + ("; Accelerators needed is the smallest count that meets the run's deadline" if kind == "training"
                   else "") + ".") if defaulted else ""
        absent = [f"{', '.join(dict.fromkeys(names))}: {ABSENT_TEXT}, {why}" for why, names in reasons.items()]
        bounds = [b for b in (_capacity_bound(view, inst, subject) for inst in insts) if b] if kind == "inference" else []
        if bounds:
            bounds.insert(0, CAPACITY_NOTE)
        tables.append({"kind": kind, "title": "Inference services" if kind == "inference" else "Training runs",
                       "columns": [label for _, label, _ in columns], "rows": rows, "note": note,
                       "absent": absent, "bounds": bounds})
    return tables


CAPACITY_NOTE = ("Tokens/s is each service's capacity: the most it carries within its TTFT and TPOT p99 limits "
                 "(server, interactive) or at the batch its memory holds (offline). Tokens served/s is the load it "
                 "carries while busy (its offered_load or demand where the spec sets one, else the capacity) x its "
                 "busy share; its TTFT and TPOT are at that load. What sets each:")


BINDING_SHARE = 0.85      # a capacity point whose p99 is within one batch-grid step (ratio 1.146) of a limit is bound by it


def _capacity_bound(view: _View, inst, subject) -> str:
    """What sets a service's capacity and its served rate, from its own outputs (a note, not a model): a service
    whose offered load or demand is below its capacity (offered_share < 1) serves that load, which does not move
    with the capacity; else, in server and interactive, the latency limit its capacity point is nearest (TTFT p99
    or TPOT p99 over the limit it is held to, the outputs `ttft_limit_use` / `tpot_limit_use` of `ttft_limit_held` /
    `tpot_limit_held`: the spec's, else the MLPerf benchmark's of its model) where that p99 is at least BINDING_SHARE
    of f x it, f the share of its limits the point is held to (`held_fraction`, named in the note since
    2026-12-07: "416.2 ms of its 450 ms limit (held to 92.5% of it: `operating_fraction_interactive`, ...)") (else none
    binds: the KV cache's rows where the batch is the most it holds, `max_batch`, else the throughput's maximum); a disaggregated service sized to a demand carries the demand. A TTFT-bound capacity is the prefill's (chip compute): a chip with
    more memory bandwidth lowers its TPOT, not its capacity (s17-small: DGX H100 -> H200, Llama 3.1 70B fp8
    interactive: TPOT p99 27.3 -> 22.0 ms, tokens/s 3.36k -> 3.22k, TTFT p99 444 and 432 ms of 450 ms)."""
    from ..display import format_quantity

    name = inst.path[len(subject.path) + 1:]
    share = view.get(f"{inst.path}.offered_share")
    if share is not None and share < 1 - 1e-9:
        return (f"{name}: serves its offered load (demand), {fmt(share, 'percent')} of its capacity: its served "
                f"rate does not move with the capacity")
    if view.text(f"{inst.path}.serving") == "disaggregated" and view.get(f"{inst.path}.demand") is not None:
        return f"{name}: its pools are sized to its demand: its tokens/s is the demand, not a capacity limit"
    scenario = view.text(f"{inst.path}.scenario") or ""
    if scenario not in ("server", "interactive"):
        return ""
    ratios = []
    for what, p99 in (("TTFT", "ttft_p99"), ("TPOT", "tpot_p99")):
        limit_ = view.get(f"{inst.path}.{what.lower()}_limit_held")     # models/inference/
        use = view.get(f"{inst.path}.{what.lower()}_limit_use")         # p99 / limit, an output
        if view.get(f"{inst.path}.{p99}") is None or not limit_ or use is None:
            return ""
        # the spec sets none: the MLPerf benchmark's of its model, said so (s26-hunt: "of its 30 ms limit" where
        # the spec wrote no limit)
        benchmark = "" if view.get(f"{inst.path}.{what.lower()}_limit") is not None else \
            f"MLPerf {scenario.capitalize()}'s for its model: the spec sets none"
        ratios.append((use, what, view.show(f"{inst.path}.{p99}"), format_quantity(limit_, "s"), benchmark))
    ratio, what, value, limit_, benchmark = max(ratios)
    fraction, held = _held_to(view, inst, scenario)
    said = "; ".join(w for w in (benchmark, held) if w)
    if ratio < BINDING_SHARE * fraction:       # near the share of the limit it is held to (s26-hunt: at `let
        # operating_fraction = 0.7` a TPOT p99 at 0.70 of its limit read "no latency limit binds its capacity")
        latencies = f"TTFT p99 {ratios[0][2]} of {ratios[0][3]}, TPOT p99 {ratios[1][2]} of {ratios[1][3]}" + (
            f"; the limits MLPerf {scenario.capitalize()}'s for its model: the spec sets none" if ratios[0][4] and
            ratios[1][4] else "")
        batch, cap = view.get(f"{inst.path}.batch"), view.get(f"{inst.path}.max_batch")
        if batch is not None and cap and batch >= cap * (1 - 1e-9):
            # the batch search stopped at the rows its KV cache holds, not at a limit (s24-hunt2: the note said
            # "no latency limit binds ... the most throughput its batch search finds" beside the knife-edge
            # warning's "its rows in flight are what its KV cache holds")
            return (f"{name}: its KV cache binds its capacity: the batch is the {fmt(cap, 'count')} rows it holds "
                    f"(no latency limit binds: {latencies}); more KV room or accelerators raise it")
        return f"{name}: no latency limit binds its capacity ({latencies}): the most throughput its batch search finds"
    tail = (": set by the prefill (compute); a faster decode lowers its TPOT, not its capacity" if what == "TTFT"
            else ": set by the decode step")
    return f"{name}: capacity bound by {what} p99, {value} of its {limit_} limit{f' ({said})' if said else ''}{tail}"


def held_fraction(view, path: str, scenario: str) -> tuple[float, str]:
    """(f, why): the share f of its TTFT and TPOT limits a server or interactive service's capacity point is solved
    to, the workload's `let operating_fraction`, else the scenario's default the model read
    (`assumptions.operating_fraction_server` / `_interactive`, listed with the plan's assumptions); (1, "") where
    it is held to the limits themselves (offline, or f = 1). `why` names where f comes from, for a reader who sees a
    p99 at 0.88 of its limit and reads headroom left (s26-hunt: the report said '43.98 ms of its 50 ms limit' and
    nowhere why not 50; `estimate` likewise)."""
    for name in ("operating_fraction", f"operating_fraction_{scenario}"):   # the service's own `let`, as the
        own = view.get(f"{path}.{name}")                                     # model reads it (platform._inputs)
        if own is not None:
            return (1.0, "") if own >= 1 - 1e-9 else (own, f"its `let {name}`")
    fraction = view.get(f"assumptions.operating_fraction_{scenario}")
    if fraction is None or fraction >= 1 - 1e-9:
        return 1.0, ""
    return fraction, (f"`operating_fraction_{scenario}`, the MLPerf {scenario.capitalize()} runs' median share; "
                      f"`let operating_fraction = 1` plans to the limit")


def _held_to(view: _View, inst, scenario: str) -> tuple[float, str]:
    """(f, 'held to 88.0% of it: ...'): `held_fraction` and the words the capacity note adds, '' at f = 1."""
    fraction, why = held_fraction(view, inst.path, scenario)
    return fraction, f"held to {fmt(fraction, 'percent')} of it: {why}" if why else ""


LAYOUT = {"inference": ("tp", "pp", "ep"), "training": ("tp", "pp", "cp", "dp", "ep")}


def _layout(view: _View, inst) -> str:
    """The parallel layout the model chose or was given, as its outputs say (AIConfigurator's table shows
    the same per row): "tp 8 · pp 16 · cp 1 · dp 64 · ep 1", then the accelerators the layout leaves idle (a
    workload's `idle_accelerators`, where there are any: "448 idle") and the batch an inference replica runs."""
    parts = [f"{name} {fmt(view.get(f'{inst.path}.{name}'), 'count')}" for name in LAYOUT[inst.kind]
             if view.get(f"{inst.path}.{name}") is not None]
    idle = view.get(f"{inst.path}.idle_accelerators")
    if idle:
        parts.append(f"{fmt(idle, 'count')} idle")
    batch = view.get(f"{inst.path}.batch") if inst.kind == "inference" else None
    if batch is not None:
        parts.append(f"batch {fmt(batch, 'count')}")
    return " · ".join(parts) or "—"


def _precision(view: _View, inst) -> str:
    """The precision a workload's figures are at: its `precision`, else the models' default marked so, fp8 where
    its chip gives an fp8 rate, else bf16 (compiler/models/inference/ `_precision`, training.py `_inputs`);
    "—" where no chip is found."""
    text = view.text(f"{inst.path}.precision")
    if text:
        return text
    for field_name in ("chip", "system", "rack"):
        ref = view.results.values.get(f"{inst.path}.{field_name}")
        chip = _first_chip(ref) if hasattr(ref, "parts") else None
        if chip is not None:
            return ("fp8" if view.results.values.get(f"{chip.path}.fp8") is not None else "bf16") + " (default)"
    return "—"


def _first_chip(inst):
    """The first chip placed in `inst` (itself if a chip), breadth first; None if none."""
    queue = [inst]
    while queue:
        here = queue.pop(0)
        if here.kind == "chip":
            return here
        queue.extend(here.parts)
    return None


def _ran_on(view: _View, inst) -> float | None:
    """The accelerators a workload's figures are for when the spec sets none: its model output `accelerators_held`
    (a training run's default of one system or rack, a service's accelerators_needed), read (None if not
    computed). It equals a run's accelerator_hours / time_to_train and a service's tokens_per_s /
    tokens_per_s_per_chip (tests/test_render_reads17.py)."""
    return view.get(f"{inst.path}.accelerators_held")


def _ref_name(inst, field_name: str) -> str:
    """The definition a workload's `ref:` field names as written (`model = Llama3_1_70B`), or ""."""
    for stmt in inst.block.body:
        if getattr(stmt, "name", None) == field_name and hasattr(stmt, "value"):
            value = stmt.value
            parts = []
            while value is not None:
                if hasattr(value, "ident"):
                    parts.append(value.ident)
                    break
                if hasattr(value, "name") and hasattr(value, "obj"):
                    parts.append(value.name)
                    value = value.obj
                    continue
                break
            return ".".join(reversed(parts))
    return ""


# outputs a workload's figures list leaves to the note that prints them in words (`_capacity_bound`: the share of
# each latency limit its p99 takes, which says which limit binds its capacity)
WORKLOAD_NOTE_OUTPUTS = ("ttft_limit_use", "tpot_limit_use")


def _workloads(view: _View, subject) -> list[dict]:
    out = []
    for inst in _walk(subject):
        if inst.kind not in WORKLOAD_KINDS:
            continue
        fields = []
        for path in _members(view.results, inst.path):
            if path.endswith(".count") or path.rsplit(".", 1)[-1] in WORKLOAD_NOTE_OUTPUTS:
                continue
            node = view.results.graph.nodes.get(path)
            value = view.results.values.get(path)
            if isinstance(value, np.ndarray) or isinstance(value, str):
                name = path.rsplit(".", 1)[-1]
                label = _humanize(name)
                number = view.get(path)
                shown = fmt(number, FIELD_STYLES[name]) if name in FIELD_STYLES and number is not None \
                    else view.show(path)
                fields.append({"label": label[:1].upper() + label[1:], "value": view.mark(shown, path), "path": path,
                               "computed": bool(node is not None and node.kind == "model")})
        out.append({"name": inst.path[len(subject.path) + 1:], "kind": inst.kind,
                    "doc": inst.block.doc or "", "fields": fields})
    return out


# ---------------------------------------------------------------------------------------------- derivations
def _formula(results: Results, node, sources) -> str:
    if node.kind == "model":
        return node.formula or ""
    if node.kind == "assumption":
        return ""
    span = getattr(node.expr, "span", None)
    source = sources.get(span.file) if span is not None and sources else None
    if source is None:
        return ""
    return " ".join(source.text[span.start:span.end].split())


def _basis_value(view: _View, path: str) -> str:
    name = path.rsplit(".", 1)[-1]
    value = view.get(path)
    if value is not None and name in ("discount_rate", "maintenance_rate"):
        return f"{fmt(value * YEAR, 'percent')}/yr"
    if value is not None and (name.endswith("utilization") or name in ("critical_share", "cooling_share_of_plant")):
        return fmt(value, "percent")
    return view.show(path)


def _fabrics_read(results: Results, path: str, subject_path: str) -> str:
    """The network fabrics whose capex the site's `capex_network` / `capex_optics` adds (its direct reads), as
    a pointer to their tables: "fabrics backend, frontend"."""
    node = results.graph.nodes.get(path)
    names = []
    for dep in (node.deps if node is not None else []):
        inst = getattr(results.graph.nodes.get(dep), "instance", None)
        if inst is not None and inst.kind == "network" and dep.endswith(".capex"):
            names.append(inst.path[len(subject_path) + 1:])
    return f"fabrics {', '.join(sorted(names))} (their tables below)" if names else ""


def basis(results: Results, view: _View, path: str, key: str, subject_path: str) -> str:
    """The inputs that shape the figure at `path` (BASIS[key]) as the model used them: "IT life 5 yr, discount
    rate 8.0%/yr, electricity 0.0774 USD/kWh". Each is a quantity the figure's evaluation read, in the subject
    or the assumptions; an inference service's own `utilization` is its busy share (as service_utilization)."""
    if key in ("capex_network", "capex_optics"):
        return _fabrics_read(results, path, subject_path)
    text = _inputs_read(results, view, path, key, subject_path)
    amount = _amount_basis(view, key, subject_path)
    if key in ("capex_power", "capex_cooling"):
        parts = _plant_parts(results, view, path, key, subject_path)
        amount = f"{amount}; {parts}" if amount and parts else amount or parts
    if key == "usd_per_mtok":        # the arithmetic first: the numbers the figure is computed from
        return f"{amount}; {text}" if text and amount else text or amount
    return f"{text}; {amount}" if text and amount else text or amount


# the parts of capex_power / capex_cooling the cost model names (compiler.models.cost `_terms`), in its order
PLANT_PARTS = (("transformer", "transformers"), ("switchgear", "switchgear"), ("conversion", "UPS / rectifiers"),
               ("distribution", "PDUs / busways"), ("generator", "generators"), ("power_shelves", "power shelves"),
               ("cdu", "CDUs"), ("crah", "CRAHs"), ("chiller", "chillers"), ("heat_rejection", "heat rejection"),
               ("pump", "pumps"))


def _plant_parts(results: Results, view: _View, path: str, key: str, subject_path: str) -> str:
    """What each class of plant adds to the row, so the row multiplies out: the cost model's
    `<subject>.detail.<key>_<class>_with_halls` (its own term + its halls' x their counts, compiler.models.cost
    `_with_halls`), "adds up: CRAHs $99.7k, chillers $64.8k, ...", after the share of them estimated
    (`<key>_estimated_with_halls`: the classes no gear is placed for, s24-capex) and the share priced installed as
    written (`<key>_priced_installed_with_halls`: parts with installed = true), if any. "" where the model gives
    none."""
    totals = {part: view.get(f"{subject_path}.detail.{key}_{part}_with_halls")
              for part in [p for p, _ in PLANT_PARTS] + ["priced_installed", "estimated"]}
    shown = [f"{label} {fmt(totals[part], 'money')}" for part, label in PLANT_PARTS if totals.get(part)]
    text = "adds up: " + ", ".join(shown) if shown else ""
    if text and totals.get("priced_installed"):     # a share of the terms (cost._share_term), named first
        text = (f"{fmt(totals['priced_installed'], 'money')} of it priced installed as written (parts with "
                f"installed = true, not x the installation factor); {text}")
    if text and totals.get("estimated"):
        text = (f"{fmt(totals['estimated'], 'money')} of it estimated (the classes not placed: the reference "
                f"plant's cost per W, sized to their duty) [U]; {text}")
    return text


def _amount_basis(view: _View, key: str, p: str) -> str:
    """What a cost row is a rate of, in the amounts the report prints, so that a reader can multiply it out
    (cost.py's formulas): depreciation is a capital recovery (an annuity at the discount rate, not capex / life)
    of IT, network and optics, or of the power and cooling plant and the building (land is not depreciated);
    maintenance a share of the capex less building and land; the building its IT power at the shell's share
    of the build cost per watt. "" where a figure it needs is absent (a colocation lease, a sweep's n/a). Each amount
    is the cost model's output (capex_depreciable_it, capex_depreciable_facility, capex_maintained,
    capex_building_per_watt), read."""
    def get(name):
        return view.get(f"{p}.{name}")
    if key == "depreciation_it_year":
        amount = get("capex_depreciable_it")
        if amount is not None and amount > 0:
            return f"annuity on {fmt(amount, 'money')} of IT, network and optics"
    if key == "depreciation_facility_year":
        amount = get("capex_depreciable_facility")
        if amount is not None and amount > 0:
            return f"annuity on {fmt(amount, 'money')} of power, cooling and building (land not depreciated)"
    if key == "land_capital_year":
        land = get("capex_land")
        if land:
            return f"the discount rate on {fmt(land, 'money')} of land (not depreciated: its capital, not its wear)"
    if key == "opex_maintenance":
        amount = get("capex_maintained")
        if amount is not None and amount > 0:
            return f"of {fmt(amount, 'money')} capex less building and land"
    if key == "capex_cooling" and get(key) and get("crahs_outside_halls") is not None:
        return ("the gear placed at its price, installed (x the installation factor; its own CDUs and CRAHs, "
                "outside its halls, as many as the thermal model sizes at the price its halls pay, where they "
                "place priced ones); the classes not placed "
                "estimated from the plant cost per W: of IT; CDUs of liquid heat, CRAHs of air heat, each over the "
                "reference hall's share of it (plant_reference_liquid_fraction), chillers of the heat that needs "
                "compressors; N+1 classes in the whole units that duty needs where fewer than 1.1 per unit")
    if key == "capex_cooling" and get(key):
        return ("the gear placed at its price, installed (x the installation factor); the classes not placed "
                "estimated from the plant cost per W: of IT, CDUs of liquid heat, CRAHs of air heat, each over the reference hall's share of it "
                "(plant_reference_liquid_fraction), chillers of the heat that needs compressors; N+1 classes in the "
                "whole units that duty needs where fewer than 1.1 per unit")
    if key in ("capex_power", "capex_cooling") and get(key):
        return ("the gear placed at its price, installed (x the installation factor); the classes not placed "
                "estimated per W of IT from the plant cost, as the parts the chain runs (ac: UPS and PDUs; dc800: "
                "rectifiers and busways); N+1 classes in the whole units that duty needs where fewer than 1.1 per unit")
    if key == "usd_per_mtok":
        return _mtok_amounts(view, p)
    if key == "capex_building":
        per_watt, it = get("capex_building_per_watt"), get("it_power")
        if per_watt is not None and it:
            return f"shell {fmt(per_watt, 'money')}/W (the rest of the build cost) x IT power {fmt(it, 'power')}"
    return ""


def _mtok_amounts(view: _View, p: str) -> str:
    """The numbers $/Mtok is computed from (compiler.models.workloads: the site's `services_cost_per_hour`,
    `services_accelerators_held`, `services_accelerator_hour` and `served_tokens_per_s`), read, so the note
    multiplies out to the figure: the services' dollars an hour, for the accelerators they hold, at their mean hour
    (each service's own: the site's TCO per accelerator-hour with its energy at the service's own draw), over the
    tokens they serve:
        usd_per_mtok = services_cost_per_hour / (served_tokens_per_s x 3600 s) x 1e6
    "" where one of them is absent (a sweep's n/a, an infeasible service). The hour is the services', not the
    site's TCO per accelerator-hour ($2.41 / h against $2.45 / h on examples/flagship_campus.factory, s24-capex; $2.43 against $2.47 before)."""
    dollars, held, hour, served = (view.get(f"{p}.{name}") for name in (
        "services_cost_per_hour", "services_accelerators_held", "services_accelerator_hour", "served_tokens_per_s"))
    if None in (dollars, held, hour, served) or not held:
        return ""
    return (f"{fmt(dollars, 'money_hour')}: {fmt(held, 'count')} accelerators at "
            f"{fmt(hour, 'money_hour')} (each service's hour) over {fmt(served, 'tok_s')} served")


def _inputs_read(results: Results, view: _View, path: str, key: str, subject_path: str) -> str:
    names = BASIS.get(key)
    if not names or path not in results.graph.nodes:
        return ""
    shown: dict[str, list[str]] = {}
    given: set[tuple[str, str]] = set()              # (label, text) the subject sets, not a default
    for dep in _closure_held(results, view, path):
        name = dep.rsplit(".", 1)[-1]
        inst = getattr(results.graph.nodes.get(dep), "instance", None)
        if name == "utilization" and inst is not None and inst.kind == "inference":
            name = "service_utilization"            # a service's own busy share
        if name not in names or not (dep.startswith(subject_path + ".") or dep.startswith("assumptions.")):
            continue
        text = _basis_value(view, dep)
        owner = dep.rsplit(".", 1)[0]
        if name == "accelerator_cost" and owner != subject_path:
            text = f"{text} ({owner[len(subject_path) + 1:]})"   # one service's own, not every service's hour
        if not dep.startswith("assumptions."):
            given.add((BASIS_LABELS[name], text))
        if text not in shown.setdefault(BASIS_LABELS[name], []):
            shown[BASIS_LABELS[name]].append(text)
    order: dict[str, int] = {}
    for n in names:
        order.setdefault(BASIS_LABELS[n], len(order))
    # a value only the model's default gives is flagged where it is shown: "discount rate 0.0%/yr (default)" reads
    # as the assumption it is (its source in the assumptions table), not as the plan's own choice
    return ", ".join(f"{label} {' / '.join(t if (label, t) in given else f'{t} (default)' for t in sorted(texts))}"
                     for label, texts in sorted(shown.items(), key=lambda kv: order[kv[0]]))


def _closure_held(results: Results, view: _View, path: str) -> list[str]:
    """`_closure` of `path`, found once per report (held by the view): a key figure's basis and its derivation
    both read it, and each is a walk of nearly the whole graph at a site's figures (the derivations walked them
    again: 28 walks for 21 figures of a site; s25-scale). The list is shared: read it, never change it."""
    cache = view.__dict__.setdefault("_closures", {})
    if path not in cache:
        cache[path] = _closure(results, path)
    return cache[path]


def _closure(results: Results, path: str) -> list[str]:
    seen = {path}
    stack = [path]
    while stack:
        path = stack.pop()
        node = results.graph.nodes.get(path)
        reads = node.deps if node is not None else results.graph.solves.get(path, ())   # (a solve's key: its reads)
        for dep in reads:
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return sorted(p for p in seen if p not in results.graph.solves)


def _derivation(results: Results, view: _View, kpi: Kpi, paths: list[str], sources, anchor: str) -> dict:
    primary = paths[0]
    node = results.graph.nodes.get(primary)
    formula = _formula(results, node, sources) if node is not None else ""
    inputs = []
    deps = node.deps if node is not None else []
    if any(d in results.graph.solves for d in deps):     # a solve's key: what the solve read (`Graph.solves`)
        deps = sorted(set(expand_reads(results.graph.solves, deps)))
    for dep in deps:
        dep_node = results.graph.nodes.get(dep)
        if dep_node is None or dep == primary:
            continue
        inputs.append({"path": dep, "value": view.show(dep), "source": dep_node.comment or "",
                       "anchor": _anchor("a", dep) if dep.startswith("assumptions.") else ""})
    closure = []
    for p in paths:
        closure.extend(_closure_held(results, view, p))
    closure = sorted(set(closure))
    assumptions = [p for p in closure if p.startswith("assumptions.")]
    cited: dict[tuple[str, str], str] = {}
    for p in closure:
        dep_node = results.graph.nodes.get(p)
        if dep_node is None or p.startswith("assumptions.") or not dep_node.comment:
            continue
        key = (p.rsplit(".", 1)[-1], dep_node.comment)
        if key not in cited or len(p) < len(cited[key]):
            cited[key] = p
    sources_list = [{"what": path, "value": view.show(path), "source": comment}
                    for (name, comment), path in sorted(cited.items(), key=lambda kv: (kv[1], kv[0]))]
    return {"label": kpi.label, "anchor": anchor, "paths": paths, "value": "", "formula": formula,
            "inputs_have_sources": any(i["source"] for i in inputs),
            "comment": (node.comment or "") if node is not None else "", "inputs": inputs,
            "assumptions": [{"name": a.split(".", 1)[1], "anchor": _anchor("a", a), "value": view.show(a)}
                            for a in assumptions],
            "cited": sources_list, "uses": assumptions}
