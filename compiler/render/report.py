"""Reports: one self-contained report.html, a report.md for pull requests, results.json and the diagrams.

Pipeline position: a renderer after `compiler.evaluate`; imports numpy, jinja2, `compiler.display`,
`compiler.render.results`, `compiler.render.view` and `compiler.render.diagram`. Its parts:
report_format.py (figures in the report's style), report_charts.py (SVG charts), report_sections.py
(key figures, power, cost, halls, bill of materials, workloads, derivations); this module assembles the
context (problems banner, sweep, checks, parameters, assumptions) and writes the files. Public functions:
`report_context(results, spec, sink, diagrams)` (the data both templates show), `render_html(...)`,
`render_markdown(...)` and `build(results, spec, sink, out_dir)` (writes every file, returns what it wrote).

What the report shows, in order: the KPIs a buyer compares (accelerators, IT and facility MW, PUE,
tokens/s, tokens per joule, time to train, capex, TCO per year, $ per million tokens), breakdowns (power
by component and stage, capex by category, cost per year, heat per hall, bill of materials), charts (SVG
drawn here: bars for breakdowns, lines for a parameter sweep), the diagrams, the asserts and limits with
their status, and each KPI's derivation: formula, inputs, and the assumptions and cited figures it rests
on. Everything is formatted in Python; the templates only lay it out. Jinja2 runs with autoescaping and
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
from html import escape as _xml

import numpy as np
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..display import format_quantity, in_scenarios
from ..evaluate import Results
from ..plan_totals import top_level
from .report_format import (YEAR, _anchor, flagged_codes, flagged_quantities, fmt, fmt_parts, _humanize,  # noqa: F401
                            scenario_flags, _SCALE, _View)
from .report_charts import line_chart
from .report_sections import (
    basis, _bom, _cost_sections, _derivation, _halls, Kpi, KPIS, _power_sections, SWEEP_KPIS, _workload_tables,
    _workloads)
from .view import ABSENT_TEXT, problems, scenarios_text

VIEWS = ("physical", "network", "power", "cooling")
VIEW_TITLES = {"physical": "Physical layout", "network": "Network fabric", "power": "Power one-line",
               "cooling": "Cooling plant"}
TEMPLATES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


def _subjects(results: Results) -> list:
    """The blocks the report has a section for: the plan's top level, as the diagrams draw it and its totals add
    it up (`compiler.plan_totals.top_level`: a rack that others extend is a template, not a part of the plan)."""
    return top_level(results.graph)


# ---------------------------------------------------------------------------------------------- KPI look-up
def path_of(subject, kpi: Kpi, view: _View | None = None) -> str:
    """The output a key figure of `subject` is: `<subject>.<key>`, else its alternate the results hold (a rack's
    capex_depreciable_it for Capex, a server's peak_power for IT power)."""
    if view is None:
        return f"{subject.path}.{kpi.key}"
    return f"{subject.path}.{kpi.of(lambda k: view.array(f'{subject.path}.{k}') is not None)[0]}"


def _kpi(view: _View, subject, kpi: Kpi) -> tuple[list[str], np.ndarray | None]:
    """(the output path, its values over the scenario axis): the subject's own output, never a guess."""
    path = path_of(subject, kpi, view)
    series = view.array(path)
    return ([path], series) if series is not None else ([], None)


# ---------------------------------------------------------------------------------------------- context
def _subject_context(results: Results, view: _View, subject, sources, multi: bool) -> dict:
    kpis, derivations = [], []
    for kpi in KPIS:
        paths, series = _kpi(view, subject, kpi)
        note = ""
        missing = f"not an output of this {subject.kind}"
        if series is not None and kpi.facility and not np.any(np.nan_to_num(series) > 0) \
                and not any(view.absent(paths[0], i) for i in range(series.size)):
            series, missing = None, "no racks placed in this plan"  # workloads only: no $0, no PUE 0
            #                 (not a figure absent with its reason, as one read from a count that is not whole)
        anchor = _anchor("d", subject.path, kpi.key)
        key, sub = kpi.of(lambda k: view.array(f"{subject.path}.{k}") is not None)
        card = {"key": kpi.key, "label": kpi.label, "sub": sub, "note": note, "available": series is not None,
                "number": "—", "unit": "", "range": "", "anchor": anchor, "text": "not modelled",
                "missing": missing, "flag": view.flags.get(paths[0], "") if paths else "",
                "path": path_of(subject, kpi, view),
                "basis": basis(results, view, path_of(subject, kpi, view), key, subject.path) if series is not None
                else ""}
        if series is not None:
            value = float(series[view.scenario])
            if not math.isfinite(value):         # no value here: say so and why, never a blank or a 0
                note = f"no value: {view.absent(paths[0]) or 'not a finite number in this scenario'}"
                card["note"] = note
            card["number"], card["unit"] = fmt_parts(value, kpi.style)
            card["text"] = view.mark(fmt(value, kpi.style), *paths) if math.isfinite(value) else ABSENT_TEXT
            if not math.isfinite(value):
                card["number"] = ABSENT_TEXT
            finite = np.flatnonzero(np.isfinite(series))
            if series.size > 1 and finite.size:
                card["range"] = _range_text(view, series, finite, kpi.style, paths)
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


def _range_text(view: _View, series: np.ndarray, finite: np.ndarray, style: str, paths: list[str]) -> str:
    """A key figure's spread over a sweep's scenarios that have a value (`finite`: their indices), "low – high", ""
    where every scenario gives the same figure. An end read in a scenario where a diagnostic flags the figure
    carries its mark (`_View.mark`), as the figure shown for the view's own scenario does: a flagged scenario's
    value never reads as a clean end of the range. Of scenarios that tie on an end, a clean one is named."""
    def end(pick) -> tuple[str, str]:
        at = finite[series[finite] == pick(series[finite])]
        texts = [view.mark(fmt(float(series[i]), style), *paths, scenario=int(i)) for i in at]
        plain = fmt(float(series[at[0]]), style)
        return plain, (plain if plain in texts else texts[0])
    (low, low_text), (high, high_text) = end(np.min), end(np.max)
    text = f"{low_text} – {high_text}" if low != high else ""
    if finite.size < series.size:    # n/a in some: the spread is over the scenarios that have a value
        text = f"{text or low_text} in {in_scenarios(finite.size, series.size)} (n/a in the rest)"
    return text


def _sweep(results: Results, subjects: list, series_of, key_view: _View | None = None) -> dict | None:
    """The Sweep table and charts; a cell of a figure a diagnostic flags in its scenario (as `key_view`, the key
    figures' view, holds the flags) is marked."""
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
    if key_view is not None:
        view.flags, view.flag_codes, view.flag_scenarios = key_view.flags, key_view.flag_codes, key_view.flag_scenarios
    unit = view.unit(param)
    declared = view.display(param)

    def x_fmt(x):
        return format_quantity(x, unit, declared)

    charts, columns = [], []          # (subject, kpi, label, ys): every site's figures, named when there are several
    for subject in subjects:
        for key in SWEEP_KPIS:
            kpi = next(k for k in KPIS if k.key == key)
            series = series_of(subject, kpi)
            if series is None or (kpi.facility and not np.any(np.nan_to_num(series) > 0)):
                continue                                     # as the key figures: no racks, no $0 or 0 W column
            ys = [float(series[i]) for i in index]
            finite = [y for y in ys if math.isfinite(y)]
            if not finite:
                continue
            label = kpi.label if len(subjects) == 1 else f"{subject.block.name}: {kpi.label}"
            columns.append((subject, kpi, label, ys))
            if max(finite) - min(finite) <= 1e-6 * max(abs(max(finite)), abs(min(finite))):
                continue                                     # flat: the table says it
            scale = _SCALE.get(kpi.style, 1.0)
            flag = view.flags.get(path_of(subject, kpi, view), "")
            charts.append(line_chart(values, [y * scale for y in ys], label, _humanize(param), x_fmt,
                                     lambda y, k=kpi, c=scale: fmt(y / c, k.style), flag))
    rows = []
    for j, x in enumerate(values):
        failed = sorted({c.message for c in results.checks if index[j] in c.failing})
        status = "all pass" if not failed else f"{len(failed)} fail: {'; '.join(failed)}"
        rows.append({"x": x_fmt(x), "cells": [view.mark(fmt(ys[j], kpi.style), path_of(subject, kpi, view),
                                                        scenario=index[j])
                                              if math.isfinite(ys[j]) else ABSENT_TEXT
                                              for subject, kpi, _, ys in columns],
                     "checks": status, "ok": not failed})
    others = [p for p in graph.sweep[1:]]
    note = ""
    if others:
        fixed = ", ".join(f"{p} = {_first_value(results, view, p)}" for p in others)
        note = f"Other swept parameters held at their first value: {fixed}."
    return {"param": param, "subject": ", ".join(s.block.name for s in subjects), "charts": charts,
            "columns": [label for _, _, label, _ in columns], "rows": rows, "note": note}


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
            failing = (f"fails in {in_scenarios(len(c.failing), results.scenario_count)}: "
                       f"{scenarios_text(view, c.failing)}")
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
    view.flags = flagged_quantities(results, sink)
    view.flag_codes, view.flag_scenarios = flagged_codes(results, sink), scenario_flags(results, sink)
    view.unpriced_spans = frozenset(d.span for d in (sink.items if sink is not None else [])
                                    if d.code == "unpriced" and d.span is not None)
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
    shown = [(k["key"] != "tco_year", f"{s['path']}.{k['key']}") for s in subjects_ctx for k in s["kpis"]
             if k["available"]]
    example = min(shown)[1] if shown else ""                     # TCO per year where there is one
    reading = ("Money is printed to the cent from $1 to $100 ($2.40), else to 3 significant figures with its "
               "zeros kept ($0.0261, $533, $2.50M); flows (L/min, m³/h) to 3 significant figures, other quantities "
               "to 4, trailing zeros dropped (1.5 kW is 1.500 kW); a total is the model's sum of "
               "the unrounded rows, so rows as printed may differ from it in the last digit, and shares from 100%. "
               "Each figure is a model output named by its path (report.md's Output column, report.html's "
               f"Derivations): `factory explain {spec} {example or 'PATH'}` prints its formula, inputs, source "
               "lines and the assumptions and cited figures it rests on.")
    return {
        "reading": reading,
        "title": headline if tagline else title, "tagline": tagline, "paragraphs": paragraphs, "spec": spec,
        "spec_name": os.path.basename(spec), "scenario_count": results.scenario_count,
        "scenario_note": scenario_note, "subjects": subjects_ctx, "comparison": comparison,
        "sweep": _sweep(results, subjects, series_of, view), "checks": _checks(results, view, subjects),
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


def make_diagrams(results: Results, out_dir: str, sink=None) -> dict:
    """The four diagrams: {view: {"svg": Markup | None, "file": name, "note": text for the report,
    "message": text for the user}}. Writes view.svg (or view.dot when Graphviz cannot render) into
    out_dir. The report's note names files relative to the report (never out_dir), so the report is the
    same wherever it is built. `sink`: the run's diagnostics, whose flagged figures the diagrams mark."""
    from . import diagram as diagram_module

    flags = flagged_quantities(results, sink) if sink is not None else None

    out: dict = {}
    for view_name in VIEWS:
        entry = {"svg": None, "file": "", "note": "", "message": ""}
        try:
            dot_text = diagram_module.diagram_dot(results, view_name, flags=flags,
                                                  problems=problems(results, sink) if sink is not None else None)
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
            reason = diagram_module.missing_text(exc)
            note = (f"{reason} where this report was built, so the diagrams are "
                    f"DOT text beside this report ({files}); {diagram_module.INSTALL_HINT}, then build again")
            message = (f"{reason}, so the diagrams are DOT text in "
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
    Returns (files written, notes for the user). The cyclic garbage collector is paused while they are made
    (`dsl.gc_paused`, as for the front end, binding, evaluation and results.json): each of its full collections
    walked the whole evaluation still alive, ~n objects at a site of n halls, wherever in the diagrams or the report
    they fell (docs/scale.md, s25-scale)."""
    from dsl import gc_paused

    from .results import render_results

    os.makedirs(out_dir, exist_ok=True)
    with gc_paused():
        diagrams = make_diagrams(results, out_dir, sink)
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
