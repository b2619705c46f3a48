"""Reports: one self-contained report.html, a report.md for pull requests, results.json and the diagrams.

Pipeline position: a renderer after `compiler.evaluate`; imports numpy, jinja2, `compiler.display`,
`compiler.render.results` and (when it exists) `compiler.render.diagram`. Public functions:
`report_context(results, spec, sink, diagrams)` (the data both templates show), `render_html(...)`,
`render_markdown(...)` and `build(results, spec, sink, out_dir)` (writes every file, returns what it wrote).

What the report shows, in order: the KPIs a buyer compares (accelerators, IT and facility MW, PUE,
tokens/s, tokens per joule, time to train, capex, TCO per year, $ per million tokens), breakdowns (power
by component and stage, capex by category, cost per year, heat per hall, bill of materials), charts (SVG
drawn here: bars for breakdowns, lines for a parameter sweep), the diagrams, the asserts and limits with
their status, and each KPI's derivation: formula, inputs, and the assumptions and cited figures it rests
on. Everything is formatted here; the templates only lay it out. Jinja2 runs with autoescaping and
StrictUndefined; the output has no timestamps, no scripts and no external references, and is
byte-identical for the same input (everything sorted, ids derived from paths).

Renderers only read: every KPI is the subject's own model output (`<site>.tokens_per_s`,
`<site>.usd_per_mtok`, ... summed over its workloads by compiler.models.workloads); one not computed for
the subject is shown as "not modelled", never guessed from other fields. Values are read through
`compiler.render.view.ResultsView`; nothing here imports `compiler.models` (tests/test_layering.py).
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from html import escape as _xml

import numpy as np
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..display import format_number, format_quantity
from ..evaluate import Results
from .view import ResultsView, problems

YEAR = 8760 * 3600.0
VIEWS = ("physical", "network", "power", "cooling")
VIEW_TITLES = {"physical": "Physical layout", "network": "Network fabric", "power": "Power one-line",
               "cooling": "Cooling plant"}
SUBJECT_KINDS = ("site", "hall", "row", "rack", "server")
CONTAINERS = ("site", "hall", "row", "rack", "server")
WORKLOAD_KINDS = ("inference", "training")
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

# colours of the charts (kept in step with the CSS of report.html.j2)
INK, MUTED, GRID = "#1f2937", "#6b7280", "#e5e7eb"
PALETTE = ("#1e3a5f", "#2f6b8f", "#4f97b0", "#8fbfcc", "#c7a25a", "#9b6b43", "#b0b7c3", "#6b7280")


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


KPIS = (
    Kpi("accelerators", "Accelerators", "count", "GPUs / accelerator packages"),
    Kpi("it_power", "IT power", "power", "peak, every accelerator at TDP"),
    Kpi("facility_power", "Facility power", "power", "peak, at the utility meter"),
    Kpi("pue", "PUE", "ratio", "annual average"),
    Kpi("tokens_per_s", "Tokens per second", "tok_s", "served, all workloads", facility=False),
    Kpi("tokens_per_joule", "Tokens per joule", "tok_j", "at the servers' wall", facility=False),
    Kpi("time_to_train", "Time to train", "duration", "training run, wall clock", facility=False),
    Kpi("capex", "Capex", "money", "IT, network, facility, land"),
    Kpi("tco_year", "TCO per year", "money_year", "depreciation plus opex"),
    Kpi("usd_per_mtok", "$ per million tokens", "money_mtok", "TCO over tokens served", facility=False),
)

POWER_BUCKETS = (("chip", "Accelerators"), ("cpu", "Host CPUs"), ("memory", "Memory and storage"),
                 ("network", "Network (NICs, switches)"))
_BUCKET_OF = {"chip": "chip", "cpu": "cpu", "memory": "memory", "storage": "memory", "nic": "network",
              "dpu": "network", "switch": "network", "transceiver": "network", "cable": "network",
              "network": "network"}
CAPEX = (("capex_it", "IT equipment"), ("capex_network", "Network"), ("capex_optics", "Optics and cables"),
         ("capex_power", "Power plant"), ("capex_cooling", "Cooling plant"), ("capex_building", "Building"),
         ("capex_land", "Land"))
COST_YEAR = (("depreciation_it_year", "Depreciation of IT"), ("depreciation_facility_year", "Depreciation of facility"),
             ("opex_energy", "Energy"), ("opex_maintenance", "Maintenance"), ("opex_staff", "Staff"),
             ("opex_water", "Water"))
HALL_COLUMNS = (("it_power", "IT power", "power"), ("heat_liquid", "Heat to liquid", "power"),
                ("heat_air", "Heat to air", "power"), ("coolant_flow", "Coolant flow", "flow_liquid"),
                ("airflow", "Airflow", "flow_air"), ("cdus", "CDUs", "count"), ("crahs", "CRAHs", "count"),
                ("chillers", "Chillers", "count"), ("dry_coolers", "Dry coolers", "count"),
                ("pue", "PUE", "ratio"))
BOM_GROUPS = (("Compute", ("rack", "server", "chip", "cpu", "memory", "storage")),
              ("Network", ("switch", "nic", "dpu", "transceiver", "cable")))
WORKLOAD_COLUMNS = {
    "inference": (("accelerators", "Accelerators", "count"), ("tokens_per_s", "Tokens/s", "tok_s"),
                  ("tokens_per_s_per_user", "Tokens/s per user", "tok_s"),
                  ("tokens_per_s_per_mw", "Tokens/s per MW", "tok_s_mw"), ("tokens_per_joule", "Tokens per joule", "tok_j"),
                  ("ttft", "TTFT", ""), ("tpot", "TPOT", ""), ("usd_per_mtok", "$ per Mtok", "money_mtok")),
    "training": (("accelerators", "Accelerators", "count"), ("tokens_per_s", "Tokens/s", "tok_s"),
                 ("mfu", "MFU", "percent"), ("goodput", "Goodput", "percent"),
                 ("time_to_train", "Time to train", "duration"), ("energy", "Energy", ""), ("cost", "Cost", "money")),
}
SWEEP_KPIS = ("facility_power", "capex", "tco_year", "pue", "tokens_per_s", "usd_per_mtok", "time_to_train",
              "tokens_per_joule")


# ---------------------------------------------------------------------------------------------- formatting
_SCALE = {"money_year": YEAR, "money_hour": 3600.0, "money_mtok": 1e6, "money_mw": 1e6, "duration": 86400.0}
def _sig(value: float, digits: int = 3) -> str:
    """`value` to `digits` significant figures, with thousands separators and no exponent."""
    if value == 0 or not math.isfinite(value):
        return format_number(value)
    magnitude = int(math.floor(math.log10(abs(value))))
    decimals = max(0, digits - 1 - magnitude)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _money(value: float) -> tuple[str, str]:
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    for factor, suffix in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")):
        if magnitude >= factor * 0.9995:
            return f"{sign}${_sig(magnitude / factor)}{suffix}", ""
    if magnitude >= 1:
        return f"{sign}${_sig(magnitude, 3)}", ""
    if magnitude >= 0.01:
        return f"{sign}${magnitude:.2f}", ""
    return f"{sign}${_sig(magnitude, 2)}", ""


def _duration(seconds: float) -> tuple[str, str]:
    for factor, unit in ((YEAR, "years"), (86400.0, "days"), (3600.0, "hours"), (60.0, "min"), (1.0, "s")):
        if abs(seconds) >= factor * (2 if unit in ("years", "days") else 1):
            return _sig(seconds / factor), unit
    return _sig(seconds * 1e3), "ms"


def fmt_parts(value, style: str, unit: str = "", declared: str = "") -> tuple[str, str]:
    """(number, unit) of an SI value shown in `style`; ("—", "") when there is no finite value."""
    if value is None or not isinstance(value, (int, float)) or not math.isfinite(value):
        return "—", ""
    if style == "count":
        return f"{value:,.0f}" if abs(value - round(value)) < 1e-6 else _sig(value), ""
    if style == "ratio":
        return f"{value:.2f}" if abs(value) < 100 else _sig(value), ""
    if style == "percent":
        return f"{100 * value:.1f}", "%"
    if style == "money":
        return _money(value)
    if style == "money_year":
        return _money(value * YEAR)[0], "/ yr"
    if style == "money_hour":
        return _money(value * 3600.0)[0], "/ h"
    if style == "money_mtok":
        return _money(value * 1e6)[0], "/ Mtok"
    if style == "money_mw":
        return _money(value * 1e6)[0], "/ MW"
    if style == "duration":
        return _duration(value)
    if style == "tok_j":
        return _sig(value), "tok/J"
    if style == "tok_s_mw":                              # SI tok/J, shown per MW of wall power
        number, _, unit_text = format_quantity(float(value) * 1e6, "tok/s").partition(" ")
        return number, f"{unit_text} per MW"
    if style == "flow_liquid":
        return _sig(value * 60000.0) if value else "0", "L/min"
    if style == "flow_air":
        return _sig(value * 3600.0) if value else "0", "m³/h"
    if style == "power":
        unit = "W"
    elif style == "tok_s":
        unit = "tok/s"
    text = format_quantity(float(value), unit, declared)
    number, _, rest = text.partition(" ")
    return number, rest


def fmt(value, style: str, unit: str = "", declared: str = "") -> str:
    number, suffix = fmt_parts(value, style, unit, declared)
    if not suffix:
        return number
    return f"{number}{suffix}" if suffix == "%" else f"{number} {suffix}"


def _anchor(*parts: str) -> str:
    text = "-".join(parts).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "x"


_LABELS = {"ttft": "time to first token", "tpot": "time per output token", "tp": "tensor parallel",
           "pp": "pipeline parallel", "dp": "data parallel", "ep": "expert parallel", "mfu": "MFU (model FLOPs "
           "utilization)", "usd_per_mtok": "$ per million tokens", "tokens_per_s": "tokens per second",
           "tokens_per_s_per_chip": "tokens per second per chip", "tokens_per_s_per_mw": "tokens per second per MW",
           "tokens_per_s_per_user": "tokens per second per user", "kv_per_token": "KV cache per token",
           "flops_per_token": "FLOPs per token", "gpu_hours": "GPU-hours", "accelerator_hours": "accelerator-hours"}


def _humanize(name: str) -> str:
    return _LABELS.get(name, name.replace("_", " "))


# ---------------------------------------------------------------------------------------------- values
class _View(ResultsView):
    """Scalar reads of the results at one scenario, as the report shows them."""

    def show(self, path: str, scenario: int | None = None) -> str:
        """A quantity in the report's style: money as $2.54M, per-year rates per year, else readable units."""
        text = self.text(path)
        if text is not None:
            return text
        value = self.get(path, scenario)
        if value is None:
            return "—"
        unit, declared = self.unit(path), self.display(path)
        if unit == "s" and path.endswith("_hours"):
            hours = value / 3600.0
            return f"{_sig(hours / 1e6)}M h" if hours >= 1e6 else f"{_sig(hours)} h"
        if unit == "USD":
            return fmt(value, "money")
        if unit == "USD/s" and declared in ("", "USD/yr"):
            return fmt(value, "money_year")
        if unit == "USD/s" and declared == "USD/h":
            return fmt(value, "money_hour")
        if unit == "USD/tok":
            return fmt(value, "money_mtok")
        if unit in ("1", "") and abs(value - round(value)) < 1e-9 and abs(value) >= 1:
            return fmt(value, "count")
        return format_quantity(value, unit, declared)

    def mult(self, inst, top) -> float:
        """Items of `inst` per item of `top` (the product of the counts in between)."""
        m = 1.0
        level = inst
        while level is not None and level is not top:
            if level.count is not None:
                m *= self.get(level.count) or 0.0
            level = level.parent
        return m


def _walk(inst, through=None):
    """Every instance below `inst` (depth first, in spec order), descending only through `through` kinds."""
    for part in inst.parts:
        yield part
        if through is None or part.kind in through:
            yield from _walk(part, through)


def _subjects(results: Results) -> list:
    roots = results.graph.roots
    for kind in SUBJECT_KINDS:
        chosen = [r for r in roots if r.kind == kind]
        if chosen:
            return chosen
    return []


def _members(results: Results, path: str) -> list[str]:
    prefix = path + "."
    return sorted(p for p in results.values if p.startswith(prefix) and "." not in p[len(prefix):])


# ---------------------------------------------------------------------------------------------- KPI look-up
def _kpi(view: _View, subject, kpi: Kpi) -> tuple[list[str], np.ndarray | None]:
    """(the output path, its values over the scenario axis): the subject's own output, never a guess."""
    path = f"{subject.path}.{kpi.key}"
    series = view.array(path)
    return ([path], series) if series is not None else ([], None)


# ---------------------------------------------------------------------------------------------- charts (SVG)
def _svg_open(width: float, height: float, label: str, css: str = "chart") -> str:
    return (f'<svg class="{css}" viewBox="0 0 {width:g} {height:g}" role="img" aria-label="{_xml(label)}" '
            f'preserveAspectRatio="xMinYMin meet"><title>{_xml(label)}</title>')


def bar_chart(rows: list[tuple[str, float, str]], title: str, colours: tuple[str, ...] = PALETTE) -> Markup:
    """Horizontal bars: (label, value, value text) per row, largest first as given; negatives drawn as 0."""
    width, label_w, value_w, row_h, bar_h, top = 600.0, 200.0, 92.0, 32.0, 18.0, 6.0
    height = top * 2 + row_h * max(len(rows), 1)
    peak = max([v for _, v, _ in rows if v > 0], default=0.0)
    span = width - label_w - value_w
    out = [_svg_open(width, height, title)]
    out.append(f'<line x1="{label_w:g}" y1="{top:g}" x2="{label_w:g}" y2="{height - top:g}" stroke="{GRID}"/>')
    for i, (label, value, text) in enumerate(rows):
        y = top + i * row_h
        w = span * max(value, 0.0) / peak if peak > 0 else 0.0
        colour = colours[i % len(colours)]
        short = label if len(label) <= 28 else label[:27] + "…"
        out.append(f'<text x="{label_w - 10:g}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" font-size="13" '
                   f'fill="{INK}">{_xml(short)}</text>')
        out.append(f'<rect x="{label_w:g}" y="{y + (row_h - bar_h) / 2:.1f}" width="{w:.1f}" height="{bar_h:g}" '
                   f'rx="2" fill="{colour}"><title>{_xml(label)}: {_xml(text)}</title></rect>')
        out.append(f'<text x="{label_w + w + 8:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="13" '
                   f'fill="{MUTED}" class="num">{_xml(text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    t = start
    while t <= high + step * 0.5 and len(ticks) < 12:
        ticks.append(round(t, 12))
        t += step
    return ticks


def _tick_labels(ticks: list[float], fmt_one) -> list[str]:
    labels = [fmt_one(t) for t in ticks]
    if len(set(labels)) < len(labels):                   # too few digits for this range: show more
        labels = [_sig(t, 5) for t in ticks]
    return labels


def line_chart(xs: list[float], ys: list[float], title: str, x_label: str, x_fmt, y_fmt) -> Markup:
    """A small line chart of one KPI over a swept parameter (values already in display scale)."""
    width, height = 340.0, 210.0
    left, right, top, bottom = 64.0, 14.0, 30.0, 42.0
    pts = [(x, y) for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
    out = [_svg_open(width, height, f"{title} against {x_label}", "chart line")]
    out.append(f'<text x="{left:g}" y="16" font-size="13" font-weight="600" fill="{INK}">{_xml(title)}</text>')
    if len(pts) < 2:
        out.append(f'<text x="{left:g}" y="{height / 2:g}" font-size="12" fill="{MUTED}">not enough points</text>')
        out.append("</svg>")
        return Markup("".join(out))
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    ticks = _nice_ticks(min(p[1] for p in pts), max(p[1] for p in pts))
    y0, y1 = ticks[0], ticks[-1]
    if x1 == x0:
        x1 = x0 + 1.0
    if y1 == y0:
        y1 = y0 + 1.0
    pw, ph = width - left - right, height - top - bottom

    def sx(x):
        return left + pw * (x - x0) / (x1 - x0)

    def sy(y):
        return top + ph * (1 - (y - y0) / (y1 - y0))

    for t, label in zip(ticks, _tick_labels(ticks, y_fmt)):
        out.append(f'<line x1="{left:g}" x2="{width - right:g}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" '
                   f'stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6:g}" y="{sy(t) + 4:.1f}" text-anchor="end" font-size="10.5" '
                   f'fill="{MUTED}">{_xml(label)}</text>')
    xticks = [t for t in _nice_ticks(x0, x1) if x0 - 1e-9 * abs(x1 - x0) <= t <= x1 + 1e-9 * abs(x1 - x0)]
    if len(xticks) < 2:
        xticks = [x0, x1]
    for t, label in zip(xticks, _tick_labels(xticks, x_fmt)):
        out.append(f'<text x="{sx(t):.1f}" y="{height - bottom + 16:g}" text-anchor="middle" font-size="10.5" '
                   f'fill="{MUTED}">{_xml(label)}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6:g}" text-anchor="middle" font-size="11" '
               f'fill="{MUTED}">{_xml(x_label)}</text>')
    d = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(pts))
    out.append(f'<path d="{d}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    if len(pts) <= 40:
        for x, y in pts:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.6" fill="{PALETTE[0]}">'
                       f'<title>{_xml(x_fmt(x))}: {_xml(y_fmt(y))}</title></circle>')
    out.append("</svg>")
    return Markup("".join(out))


# ---------------------------------------------------------------------------------------------- sections
def _breakdown(view: _View, rows: list[tuple[str, float]], style: str, title: str, total: float | None):
    rows = [(label, value) for label, value in rows if value is not None]
    if not rows:
        return None
    if not any(v != 0 for _, v in rows):
        return None
    rows = [(label, value) for label, value in rows if value != 0]          # categories with nothing in them
    total = total if total else sum(v for _, v in rows)
    items = [{"label": label, "value": fmt(value, style), "share": fmt(value / total, "percent") if total else "—"}
             for label, value in rows]
    chart_rows = [(label, value, fmt(value, style)) for label, value in rows if value > 0]
    return {"rows": items, "total": fmt(total, style), "chart": bar_chart(chart_rows, title) if chart_rows else None}


def _power_sections(view: _View, subject) -> dict:
    buckets = {key: 0.0 for key, _ in POWER_BUCKETS}
    for inst in _walk(subject, CONTAINERS):
        bucket = _BUCKET_OF.get(inst.kind)
        if bucket is None or inst.parent is None or inst.parent.kind not in CONTAINERS:
            continue
        name = "peak_power" if inst.kind in ("chip", "cpu") else "power"
        value = view.get(f"{inst.path}.{name}")
        if value is not None:
            buckets[bucket] += view.mult(inst, subject) * value
    p = subject.path
    it = view.get(f"{p}.it_power")
    rows = [(label, buckets[key]) for key, label in POWER_BUCKETS if buckets[key] > 0]
    note = ""
    if it is not None:
        rest = it - sum(v for _, v in rows)
        if rest > 1e-6 * it:
            rows.append(("Server overhead (fans, PSUs)", rest))
        elif rest < -1e-6 * it:
            note = "The servers' nameplate (max_power) caps their power below the sum of their parts."
    loss, cooling = view.get(f"{p}.power_chain_loss"), view.get(f"{p}.cooling_power")
    if loss is not None:
        rows.append(("Power-chain losses", loss))
    if cooling is not None:
        rows.append(("Cooling", cooling))
    total = view.get(f"{p}.facility_power") or (sum(v for _, v in rows) if rows else None)
    component = _breakdown(view, rows, "power", "Peak power by component", total)
    if component is not None:
        component["note"] = note
    stages = []
    for path, label, hint in ((f"{p}.facility_power", "At the utility meter", "peak facility power"),
                              (f"{p}.power_chain_loss", "Power-chain losses", "transformers, UPS or rectifiers, "
                               "distribution"),
                              (f"{p}.cooling_power", "Cooling", "pumps, fans, chillers, heat rejection"),
                              (f"{p}.it_power", "Delivered to IT", "racks at peak"),
                              (f"{p}.power_chain_efficiency", "Power-chain efficiency", "IT / (IT + losses)"),
                              (f"{p}.facility_power_avg", "Average at the meter", "at the average utilization"),
                              (f"{p}.it_power_avg", "Average IT power", "at the average utilization"),
                              (f"{p}.energy_year", "Energy per year", "at the meter"),
                              (f"{p}.water_year", "Water per year", "evaporated for heat rejection")):
        value = view.get(path)
        if value is None or (value == 0 and path.endswith("water_year")):
            continue
        shown = fmt(value, "percent") if path.endswith("efficiency") else view.show(path)
        stages.append({"label": label, "hint": hint, "value": shown,
                       "share": fmt(value / total, "percent") if total and view.unit(path) == "W" else ""})
    return {"component": component, "stages": stages}


def _cost_sections(view: _View, subject) -> dict:
    p = subject.path
    capex = _breakdown(view, [(label, view.get(f"{p}.{name}")) for name, label in CAPEX], "money",
                       "Capex by category", view.get(f"{p}.capex"))
    year = _breakdown(view, [(label, view.get(f"{p}.{name}")) for name, label in COST_YEAR], "money_year",
                      "Cost per year", view.get(f"{p}.tco_year"))
    extra = []
    for name, label, style in (("cost_per_accelerator_hour", "Cost per accelerator-hour", "money_hour"),
                               ("cost_per_mw", "Capex per MW of IT", "money_mw"),
                               ("opex", "Opex per year", "money_year"),
                               ("depreciation_year", "Depreciation per year", "money_year")):
        value = view.get(f"{p}.{name}")
        if value is not None:
            extra.append({"label": label, "value": fmt(value, style)})
    return {"capex": capex, "year": year, "unit_costs": extra}


def _halls(view: _View, subject) -> dict | None:
    halls = [subject] if subject.kind == "hall" else [i for i in _walk(subject, ("site",)) if i.kind == "hall"]
    if not halls:
        return None
    columns = [(name, label, style) for name, label, style in HALL_COLUMNS
               if any(view.get(f"{h.path}.{name}") is not None for h in halls)]
    rows = []
    for hall in halls:
        count = view.mult(hall, subject) if hall is not subject else 1.0
        rows.append({"name": hall.path[len(subject.path) + 1:] or hall.block.name, "count": fmt(count, "count"),
                     "cells": [fmt(view.get(f"{hall.path}.{name}"), style) for name, _, style in columns]})
    total = None
    if subject.kind == "site" and (len(rows) > 1 or any(r["count"] != "1" for r in rows)):
        total = {"name": "Site total", "count": "",
                 "cells": [fmt(view.get(f"{subject.path}.{name}"), style) for name, _, style in columns]}
    return {"columns": [label for _, label, _ in columns], "rows": rows, "total": total,
            "per_item": any(r["count"] not in ("1", "") for r in rows)}


def _bom(view: _View, subject) -> dict:
    groups = []
    for title, kinds in BOM_GROUPS:
        lines: dict[tuple[str, str], dict] = {}
        for inst in _walk(subject):
            if inst.kind not in kinds:
                continue
            item = inst.block.base[-1] if inst.block.base else inst.block.name
            key = (inst.kind, item)
            line = lines.setdefault(key, {"kind": inst.kind, "item": item, "qty": 0.0, "power": None,
                                          "price": None, "where": []})
            line["qty"] += view.mult(inst, subject)
            power = view.get(f"{inst.path}.peak_power") if inst.kind in ("chip", "cpu", "server") else \
                view.get(f"{inst.path}.power")
            if inst.kind in ("rack",):
                power = view.get(f"{inst.path}.it_power")
            price = view.get(f"{inst.path}.price")
            line["power"] = power if power is not None else line["power"]
            line["price"] = price if price is not None else line["price"]
            parent = inst.parent.path[len(subject.path) + 1:] if inst.parent is not None else ""
            line["where"].append(parent or subject.block.name)
        rows = []
        order = {k: i for i, k in enumerate(kinds)}
        for (kind, item), line in sorted(lines.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
            qty, power, price = line["qty"], line["power"], line["price"]
            rows.append({"kind": kind, "item": item, "qty": fmt(qty, "count"),
                         "unit_power": fmt(power, "power"),
                         "total_power": fmt(power * qty, "power") if power is not None else "—",
                         "unit_price": fmt(price, "money"),
                         "total_price": fmt(price * qty, "money") if price is not None else "—",
                         "where": ", ".join(sorted(set(line["where"])))})
        if rows:
            groups.append({"title": title, "rows": rows})
    fabrics = []
    for inst in _walk(subject):
        if inst.kind != "network":
            continue
        results = view.results
        fields = [{"label": _humanize(p.rsplit(".", 1)[-1]), "value": view.show(p)}
                  for p in _members(results, inst.path) if not p.endswith(".count")]
        fabrics.append({"name": inst.path[len(subject.path) + 1:], "count": fmt(view.mult(inst, subject), "count"),
                        "fields": fields})
    return {"groups": groups, "fabrics": fabrics}


def _workload_tables(view: _View, subject) -> list[dict]:
    """One comparison table per workload kind: a row per workload, the figures a buyer compares."""
    tables = []
    for kind in WORKLOAD_KINDS:
        insts = [i for i in _walk(subject) if i.kind == kind]
        if not insts:
            continue
        columns = [(name, label, style) for name, label, style in WORKLOAD_COLUMNS[kind]
                   if any(view.get(f"{i.path}.{name}") is not None for i in insts)]
        rows = []
        for inst in insts:
            cells = []
            for name, _, style in columns:
                path = f"{inst.path}.{name}"
                value = view.get(path)
                cells.append(fmt(value, style) if style and value is not None else view.show(path))
            system = next((n for n in (_ref_name(inst, f) for f in ("system", "rack", "chip")) if n), "")
            rows.append({"name": inst.path[len(subject.path) + 1:], "cells": cells,
                         "model": _ref_name(inst, "model"), "system": system})
        tables.append({"kind": kind, "title": "Inference services" if kind == "inference" else "Training runs",
                       "columns": [label for _, label, _ in columns], "rows": rows})
    return tables


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


def _workloads(view: _View, subject) -> list[dict]:
    out = []
    for inst in _walk(subject):
        if inst.kind not in WORKLOAD_KINDS:
            continue
        fields = []
        for path in _members(view.results, inst.path):
            if path.endswith(".count"):
                continue
            node = view.results.graph.nodes.get(path)
            value = view.results.values.get(path)
            if isinstance(value, np.ndarray) or isinstance(value, str):
                label = _humanize(path.rsplit(".", 1)[-1])
                fields.append({"label": label[:1].upper() + label[1:], "value": view.show(path),
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


def _closure(results: Results, path: str) -> list[str]:
    seen = {path}
    stack = [path]
    while stack:
        node = results.graph.nodes.get(stack.pop())
        if node is None:
            continue
        for dep in node.deps:
            if dep not in seen:
                seen.add(dep)
                stack.append(dep)
    return sorted(seen)


def _derivation(results: Results, view: _View, kpi: Kpi, paths: list[str], sources, anchor: str) -> dict:
    primary = paths[0]
    node = results.graph.nodes.get(primary)
    formula = _formula(results, node, sources) if node is not None else ""
    inputs = []
    for dep in (node.deps if node is not None else []):
        dep_node = results.graph.nodes.get(dep)
        if dep_node is None or dep == primary:
            continue
        inputs.append({"path": dep, "value": view.show(dep), "source": dep_node.comment or "",
                       "anchor": _anchor("a", dep) if dep.startswith("assumptions.") else ""})
    closure = []
    for p in paths:
        closure.extend(_closure(results, p))
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


# ---------------------------------------------------------------------------------------------- context
def _subject_context(results: Results, view: _View, subject, sources, multi: bool) -> dict:
    kpis, derivations = [], []
    for kpi in KPIS:
        paths, series = _kpi(view, subject, kpi)
        note = ""
        missing = f"not an output of this {subject.kind}"
        if series is not None and kpi.facility and not np.any(np.nan_to_num(series) > 0):
            series, missing = None, "no racks placed in this plan"  # workloads only: no $0, no PUE 0
        anchor = _anchor("d", subject.path, kpi.key)
        card = {"key": kpi.key, "label": kpi.label, "sub": kpi.sub, "note": note, "available": series is not None,
                "number": "—", "unit": "", "range": "", "anchor": anchor, "text": "not modelled",
                "missing": missing}
        if series is not None:
            value = float(series[view.scenario])
            card["number"], card["unit"] = fmt_parts(value, kpi.style)
            card["text"] = fmt(value, kpi.style)
            finite = series[np.isfinite(series)]
            if series.size > 1 and finite.size:
                low, high = fmt(float(finite.min()), kpi.style), fmt(float(finite.max()), kpi.style)
                card["range"] = f"{low} – {high}" if low != high else ""
            derivation = _derivation(results, view, kpi, paths, sources, anchor)
            derivation["value"] = card["text"]
            derivation["note"] = note
            derivations.append(derivation)
        kpis.append(card)
    doc = subject.block.doc or ""
    description = view.text(f"{subject.path}.description") or ""
    return {"name": subject.block.name, "path": subject.path, "kind": subject.kind,
            "anchor": _anchor("s", subject.path),
            "doc": doc, "description": description, "location": view.text(f"{subject.path}.location") or "",
            "kpis": kpis, "power": _power_sections(view, subject), "cost": _cost_sections(view, subject),
            "halls": _halls(view, subject), "bom": _bom(view, subject), "workloads": _workloads(view, subject),
            "workload_tables": _workload_tables(view, subject),
            "derivations": derivations, "multi": multi}


def _sweep(results: Results, subjects: list, series_of) -> dict | None:
    graph = results.graph
    if not graph.sweep or results.scenario_count < 2 or not subjects:
        return None
    param = graph.sweep[0]
    values = [float(v) for v in graph.sweep_values[param]]
    stride = results.scenario_count // max(len(values), 1)
    index = [i * stride for i in range(len(values))]
    if len(index) > 200:
        keep = [index[round(i * (len(index) - 1) / 199)] for i in range(200)]
        values = [values[index.index(k)] for k in keep]
        index = keep
    view = _View(results)
    unit = view.unit(param)
    declared = view.display(param)

    def x_fmt(x):
        return format_quantity(x, unit, declared)

    subject = subjects[0]
    charts, columns = [], []
    for key in SWEEP_KPIS:
        kpi = next(k for k in KPIS if k.key == key)
        series = series_of(subject, kpi)
        if series is None:
            continue
        ys = [float(series[i]) for i in index]
        finite = [y for y in ys if math.isfinite(y)]
        if not finite:
            continue
        columns.append((kpi, ys))
        if max(finite) - min(finite) <= 1e-6 * max(abs(max(finite)), abs(min(finite))):
            continue                                         # flat: the table says it
        scale = _SCALE.get(kpi.style, 1.0)
        charts.append(line_chart(values, [y * scale for y in ys], kpi.label, _humanize(param), x_fmt,
                                 lambda y, k=kpi, c=scale: fmt(y / c, k.style)))
    rows = []
    for j, x in enumerate(values):
        rows.append({"x": x_fmt(x), "cells": [fmt(ys[j], kpi.style) for kpi, ys in columns]})
    others = [p for p in graph.sweep[1:]]
    note = ""
    if others:
        fixed = ", ".join(f"{p} = {_first_value(results, view, p)}" for p in others)
        note = f"Other swept parameters held at their first value: {fixed}."
    return {"param": param, "subject": subject.block.name, "charts": charts,
            "columns": [k.label for k, _ in columns], "rows": rows, "note": note}


def _first_value(results: Results, view: _View, param: str) -> str:
    return format_quantity(float(results.graph.sweep_values[param][0]), view.unit(param), view.display(param))


def _checks(results: Results, view: _View, subjects: list) -> dict:
    """Asserts and limits; those on definitions evaluated on their own (not as placed in the plan) are
    kept apart when they pass, since each is repeated where the definition is placed."""
    limit_names = {lim.name for lim in results.graph.limits}
    placed_roots = {s.path for s in subjects}
    rows = []
    for c in results.checks:
        where, _, _ = c.name.partition(": ")
        placed = where == "spec" or where.split(".", 1)[0] in placed_roots or not placed_roots
        location = f"{c.span.file}:{c.span.line}" if c.span is not None else ""
        failing = ""
        if c.failing and results.scenario_count > 1:
            failing = f"fails in {len(c.failing)} of {results.scenario_count} scenarios"
        rows.append({"ok": c.ok, "status": "pass" if c.ok else "fail", "kind": "limit" if c.name in limit_names
                     else "assert", "where": where, "message": c.message, "detail": c.detail, "failing": failing,
                     "location": location, "placed": placed})
    rows.sort(key=lambda r: (r["ok"], not r["placed"], r["where"], r["message"], r["location"]))
    failed = sum(1 for r in rows if not r["ok"])
    main = [r for r in rows if r["placed"] or not r["ok"]]
    definitions = [r for r in rows if not (r["placed"] or not r["ok"])]
    return {"rows": main, "definitions": definitions, "all": rows, "failed": failed,
            "passed": len(rows) - failed, "total": len(rows)}


def _parameters(results: Results, view: _View, scenario: int) -> list[dict]:
    out = []
    for path in sorted(p for p, node in results.graph.nodes.items() if node.kind == "param"):
        node = results.graph.nodes[path]
        if path in results.graph.sweep:
            vals = [float(v) for v in results.graph.sweep_values[path]]
            unit, declared = view.unit(path), view.display(path)
            shown = f"{format_quantity(vals[0], unit, declared)} … {format_quantity(vals[-1], unit, declared)}" \
                f" ({len(vals)} values)"
        else:
            shown = view.show(path)
        out.append({"name": path, "value": shown, "comment": node.comment or "", "swept": path in results.graph.sweep})
    return out


def _assumptions(results: Results, view: _View, subjects_ctx: list[dict]) -> list[dict]:
    used: dict[str, list[str]] = {}
    for ctx in subjects_ctx:
        for d in ctx["derivations"]:
            for a in d["uses"]:
                label = d["label"] if len(subjects_ctx) == 1 else f"{ctx['name']}: {d['label']}"
                used.setdefault(a, []).append(label)
    out = []
    for path in sorted(p for p, node in results.graph.nodes.items() if node.kind == "assumption"):
        if path not in results.values:
            continue
        node = results.graph.nodes[path]
        out.append({"name": path.split(".", 1)[1], "anchor": _anchor("a", path), "value": view.show(path),
                    "source": node.comment or "", "used_by": ", ".join(used.get(path, []))})
    return out


def _citations(subjects_ctx: list[dict]) -> list[dict]:
    seen: dict[tuple[str, str], dict] = {}
    for ctx in subjects_ctx:
        for d in ctx["derivations"]:
            for c in d["cited"]:
                key = (c["what"], c["source"])
                seen.setdefault(key, c)
    return [seen[k] for k in sorted(seen)]


def _doc_parts(doc: str) -> tuple[str, list[str]]:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", doc.strip()) if p.strip()]
    if not paragraphs:
        return "", []
    return paragraphs[0], paragraphs[1:]


def report_context(results: Results, spec: str, sink, diagrams: dict | None = None) -> dict:
    """Everything the templates show, formatted, sorted and escaped-ready (plain strings and Markup SVG)."""
    view = _View(results, 0)
    sources = getattr(sink, "sources", {}) or {}
    subjects = _subjects(results)
    subjects_ctx = [_subject_context(results, view, s, sources, len(subjects) > 1) for s in subjects]

    def series_of(subject, kpi):
        return _kpi(view, subject, kpi)[1]

    modules = {r.block.module.name: r.block.module for r in results.graph.roots if r.block.module is not None}
    module = modules.get(spec) or (next(iter(modules.values())) if modules else None)
    doc = (module.doc if module is not None else "") or ""
    title, paragraphs = _doc_parts(doc)
    if not title:
        title = subjects_ctx[0]["name"] if len(subjects_ctx) == 1 else os.path.basename(spec)
    title = title.rstrip(".")
    headline, _, tagline = title.partition(": ")
    tagline = tagline[:1].upper() + tagline[1:]
    comparison = None
    if len(subjects_ctx) > 1:
        comparison = {"names": [s["name"] for s in subjects_ctx],
                      "rows": [{"label": k.label, "cells": [s["kpis"][i]["text"] if s["kpis"][i]["available"] else "—"
                                                 for s in subjects_ctx]}
                               for i, k in enumerate(KPIS)]}
    diagram_items = []
    for view_name in VIEWS:
        item = (diagrams or {}).get(view_name) or {}
        diagram_items.append({"view": view_name, "title": VIEW_TITLES[view_name], "svg": item.get("svg"),
                              "file": item.get("file", ""), "note": item.get("note", "")})
    found = problems(results, sink)
    banner = {"clean": found.clean, "headline": found.headline(), "checks_line": found.checks_line(),
              "problems": [{"severity": p.severity, "code": p.code, "message": p.message, "where": p.where,
                         "detail": p.detail, "scenarios": p.scenarios} for p in found.items]}
    notes = []
    for d in sink.sorted() if sink is not None else []:
        where = f"{d.span.file}:{d.span.line}" if d.span is not None else ""
        notes.append({"severity": d.severity, "code": d.code, "message": d.message, "where": where})
    scenario_note = ""
    if results.scenario_count > 1:
        fixed = ", ".join(f"{p} = {_first_value(results, view, p)}" for p in results.graph.sweep)
        scenario_note = (f"The spec sweeps {len(results.graph.sweep)} parameter"
                         f"{'s' if len(results.graph.sweep) > 1 else ''} over {results.scenario_count:,} scenarios. "
                         f"Figures are for the first scenario ({fixed}); ranges show the spread over all of them.")
    return {
        "title": headline if tagline else title, "tagline": tagline, "paragraphs": paragraphs, "spec": spec,
        "spec_name": os.path.basename(spec), "scenario_count": results.scenario_count,
        "scenario_note": scenario_note, "subjects": subjects_ctx, "comparison": comparison,
        "sweep": _sweep(results, subjects, series_of), "checks": _checks(results, view, subjects),
        "parameters": _parameters(results, view, 0), "assumptions": _assumptions(results, view, subjects_ctx),
        "citations": _citations(subjects_ctx), "diagrams": diagram_items,
        "has_diagrams": any(d["svg"] for d in diagram_items), "notes": notes, "banner": banner,
    }


# ---------------------------------------------------------------------------------------------- rendering
_MD_PUNCT = re.compile(r"([\\`*_\[\](){}!|~#])")
_MD_LINE_START = re.compile(r"^(\d+)([.)])|^([-+=])")


def _md_escape(value, line_start: bool = False) -> str:
    """User text made inert in GitHub Markdown, on one line: every character that could open a link,
    an image (`![x](https://...)` would load a remote image in a PR comment), emphasis, code, a table
    cell or a heading is backslash-escaped; `&`, `<` and `>` become entities, so no raw HTML and no
    autolink survives; at the start of a line (`line_start`), a leading `1.`, `-` or `+` cannot start a list."""
    text = " ".join(str(value).split())
    text = _MD_PUNCT.sub(r"\\\1", text)
    if line_start:
        text = _MD_LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(3)}",
                                  text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _md_text(value) -> Markup:
    """Text that starts a Markdown paragraph or a line (see `_md_escape`)."""
    return Markup(_md_escape(value, line_start=True))


def _md_cell(value) -> Markup:
    """Text inside a line or a table cell (see `_md_escape`: `|` is escaped, so a cell cannot end early)."""
    return Markup(_md_escape(value))


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = _md_cell
    env.filters["mdtext"] = _md_text
    return env


def render_html(results: Results, spec: str, sink, diagrams: dict | None = None, context: dict | None = None) -> str:
    context = context or report_context(results, spec, sink, diagrams)
    return environment().get_template("report.html.j2").render(**context)


def render_markdown(results: Results, spec: str, sink, diagrams: dict | None = None,
                    context: dict | None = None) -> str:
    context = context or report_context(results, spec, sink, diagrams)
    text = environment().get_template("report.md.j2").render(**context)
    return re.sub(r"\n{3,}", "\n\n", text).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------------- diagrams
_SCRIPTY = re.compile(r"<\s*(script|foreignobject|iframe|object|embed)\b|\bon[a-z]+\s*=|javascript:", re.I)


def inline_svg(svg_text: str, prefix: str) -> Markup | None:
    """Graphviz SVG made fit to sit inside HTML: no prolog, no doctype, no comments, ids prefixed so
    that four diagrams on one page cannot clash, no fixed size. None when it carries anything active."""
    text = re.sub(r"<\?xml[^>]*\?>", "", svg_text)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text, flags=re.S)
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    start = text.find("<svg")
    if start < 0 or _SCRIPTY.search(text):
        return None
    text = text[start:].strip()
    text = re.sub(r'\sxmlns(:xlink)?="[^"]*"', "", text)
    text = re.sub(r'\sid="([^"]*)"', lambda m: f' id="{prefix}-{m.group(1)}"', text)
    text = re.sub(r'url\(#([^)]*)\)', lambda m: f"url(#{prefix}-{m.group(1)})", text)
    text = re.sub(r'(xlink:href|href)="#([^"]*)"', lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', text)
    text = re.sub(r'\s(xlink:href|href)="(?!#)[^"]*"', "", text)      # no link leaves the page
    head_end = text.find(">")
    head = text[:head_end]
    head = head.replace("<svg", f'<svg class="diagram-svg" role="img" aria-label="{_xml(prefix)} diagram"', 1)
    return Markup(head + text[head_end:])


def make_diagrams(results: Results, out_dir: str) -> dict:
    """The four diagrams: {view: {"svg": Markup | None, "file": name, "note": text for the report,
    "message": text for the user}}. Writes view.svg (or view.dot when Graphviz cannot render) into
    out_dir. The report's note names files relative to the report (never out_dir), so the report is the
    same wherever it is built."""
    from . import diagram as diagram_module

    out: dict = {}
    for view_name in VIEWS:
        entry = {"svg": None, "file": "", "note": "", "message": ""}
        try:
            dot_text = diagram_module.diagram_dot(results, view_name)
            entry.update(_render_one(diagram_module, dot_text, out_dir, view_name))
        except Exception as exc:  # noqa: BLE001 - a broken diagram must not sink the report
            entry["note"] = entry["message"] = \
                f"the {view_name} diagram could not be drawn ({type(exc).__name__}: {exc})"
        out[view_name] = entry
    return out


def _render_one(diagram_module, dot_text: str, folder: str, view_name: str) -> dict:
    svg_name, dot_name = f"{view_name}.svg", f"{view_name}.dot"
    for name in (svg_name, dot_name):                # nothing stale from an earlier build is inlined or listed
        if os.path.exists(os.path.join(folder, name)):
            os.remove(os.path.join(folder, name))
    try:
        svg_bytes = diagram_module.render_diagram(dot_text, "svg")
    except (diagram_module.GraphvizMissing, RuntimeError) as exc:
        with open(os.path.join(folder, dot_name), "w", encoding="utf-8", newline="\n") as fh:
            fh.write(dot_text)
        if isinstance(exc, diagram_module.GraphvizMissing):
            files = ", ".join(f"{v}.dot" for v in VIEWS)
            note = (f"Graphviz's `dot` program was not found where this report was built, so the diagrams are "
                    f"DOT text beside this report ({files}); {diagram_module.INSTALL_HINT}, then build again")
            message = (f"Graphviz's `dot` program was not found, so the diagrams are DOT text in "
                       f"{folder} ({files}); {diagram_module.INSTALL_HINT}")
        else:
            note = f"the {view_name} diagram could not be drawn ({exc}); its DOT text is in {dot_name}"
            message = f"{os.path.join(folder, svg_name)}: {exc}"
        return {"svg": None, "file": dot_name, "note": note, "message": message}
    with open(os.path.join(folder, svg_name), "wb") as fh:
        fh.write(svg_bytes)
    svg = inline_svg(svg_bytes.decode("utf-8"), view_name)
    note = "" if svg is not None else "the SVG was not inlined: it holds active content"
    return {"svg": svg, "file": svg_name, "note": note, "message": note}


def build(results: Results, spec: str, sink, out_dir: str) -> tuple[list[str], list[str]]:
    """Write report.html, report.md, results.json and the diagrams into out_dir.
    Returns (files written, notes for the user)."""
    from .results import render_results

    os.makedirs(out_dir, exist_ok=True)
    diagrams = make_diagrams(results, out_dir)
    context = report_context(results, spec, sink, diagrams)
    outputs = {"report.html": render_html(results, spec, sink, context=context),
               "report.md": render_markdown(results, spec, sink, context=context),
               "results.json": render_results(results, spec, sink, "json", None)}
    written = []
    for name, text in outputs.items():
        path = os.path.join(out_dir, name)
        with open(path, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        written.append(path)
    for view_name in VIEWS:
        file = diagrams[view_name].get("file")
        if file:
            written.append(os.path.join(out_dir, file))
    notes = sorted({d["message"] for d in diagrams.values() if d.get("message")})
    return written, notes
