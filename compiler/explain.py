"""Explain: the derivation tree of one quantity, each step with its formula, values, source line and citation.

Pipeline position: a renderer after `compiler.evaluate`; imports `compiler.graph`, `compiler.display`
and `dsl.diagnostics` (for did-you-mean). Public functions: `derivation(results, path, sources, depth)`
(a nested dict, also the JSON form) and `render_text(tree)`.

Each node of the tree says what the quantity is (a field or `let` of the spec, a parameter, a
multiplicity, a model output, or a model assumption), its value in readable units, the formula it is
computed by (the spec's own expression, or the model's formula), where it is written (file:line:col),
the citation beside it (stdlib figures and assumptions carry their sources), and its inputs: the
quantities its evaluation read, and the imported modules' `let`s and `param`s it reads in place (no node of the
graph holds those: `_imported` shows each as one, with its value). A quantity that appears twice is expanded once.
"""
from __future__ import annotations

import numpy as np

from .display import format_quantity, in_scenarios
from .graph import Node, expand_reads

_KIND_TEXT = {"field": "field", "let": "let", "param": "parameter", "count": "multiplicity",
              "model": "model", "assumption": "assumption"}


def _value_text(results, node: Node, value=None, unit: str | None = None) -> str:
    """A node's value as text; `value` and `unit` given: an imported let's or param's, read in place (`_imported`)."""
    value = results.values.get(node.path) if value is None else value
    if isinstance(value, str):
        return f'"{value}"'
    if not isinstance(value, np.ndarray):
        return "(not computed)"
    unit = results.units.get(node.path, "") if unit is None else unit
    values = value.astype(float).ravel()
    reasons = _absent_reasons(results, node.path, values) if node.path in results.values else []
    if reasons and len(reasons) == values.size:         # no value anywhere: n/a with the models' reason
        return f"n/a ({reasons[0]})" + (f" in all {values.size} scenarios" if values.size > 1 else "")
    first = format_quantity(float(values[0]), unit, node.display)
    if reasons:                                         # a value in some scenarios only
        shown = values[np.isfinite(values)]
        low = format_quantity(float(np.min(shown)), unit, node.display)
        high = format_quantity(float(np.max(shown)), unit, node.display)
        span = low if low == high else f"{low} .. {high}"
        return f"{span} in {in_scenarios(shown.size, values.size)}; n/a in {len(reasons)} ({reasons[0]})"
    if values.size > 1 and not np.all(values == values[0]):
        low = format_quantity(float(np.nanmin(values)), unit, node.display)
        high = format_quantity(float(np.nanmax(values)), unit, node.display)
        return f"{low} .. {high} over {values.size} scenarios"
    return first


def _absent_reasons(results, path: str, values: np.ndarray) -> list[str]:
    """Why the quantity has no value, one text per scenario where it has none (`Results.absent`: an infeasible
    workload), in scenario order; empty where it has a value everywhere."""
    found = getattr(results, "absent", {}).get(path)
    if found is None:
        return []
    out = []
    for i in np.flatnonzero(~np.isfinite(values)):
        if hasattr(found, "at"):
            reason = found.at(int(i))
        else:
            mask = np.asarray(found.mask).reshape(-1)
            reason = found.reason if bool(mask[i if mask.size > 1 else 0]) else None
        if reason is not None:
            out.append(str(reason))
    return out


def _formula(node: Node, sources) -> str:
    if node.kind == "model":
        return node.formula
    if node.kind == "assumption":
        return ""
    expr = getattr(node.expr, "span", None)
    if expr is None or sources is None:
        return ""
    source = sources.get(expr.file)
    if source is None:
        return ""
    return " ".join(source.text[expr.start:expr.end].split())


def _location(node: Node) -> str | None:
    span = node.span
    if span is None:
        return None
    return str(span)


def _imported(results, node: Node) -> list[tuple[Node, object]]:
    """The imported modules' `let`s and `param`s `node`'s expression reads (`twice`, `lib.watts`): no node of the
    graph holds them, since evaluation reads them in place, in their own module (`compiler.ir.module_value`); each
    as a node of its own (its name as read, its expression, where it is written) with its value, evaluated here as
    the evaluation read it. Empty when the results no longer hold their evaluation (released)."""
    from dsl import nodes as n
    from dsl.visit import every_expression

    from .ir import lookup_name, module_value, unit_of
    from .lower import written_unit

    ev = results.evaluator
    if ev is None or not ev.readable or node.kind not in ("field", "let", "param") \
            or node.module is None or node.expr is None:
        return []
    lowering = ev.lowering
    nodes, scopes, out, seen = results.graph.nodes, lowering.scopes, [], set()
    for e in every_expression(node.expr):
        if isinstance(e, n.Name):
            member, found = lookup_name(nodes, scopes, node.instance, node.module, e)
            shown = e.ident
        elif isinstance(e, n.Attr) and isinstance(e.obj, n.Name):
            member, found = lookup_name(nodes, scopes, node.instance, node.module, e.obj)
            found = scopes.module_lookup(found, e.name) if member is None and isinstance(found, n.Module) else None
            shown = f"{e.obj.ident}.{e.name}"
        else:
            continue
        if member is not None or not isinstance(found, (n.Param, n.Let)) or id(found) in seen:
            continue
        path, expr, home = module_value(nodes, scopes, found, node.module)
        if path is not None:
            continue                      # a node of the graph: among the node's inputs already
        seen.add(id(found))
        kind = "param" if isinstance(found, n.Param) else "let"
        step = Node(shown, "", found.name_span, found.value, None, home, kind,
                    comment=getattr(found, "comment", None),
                    display=written_unit(found.value, lowering.checked.types) if kind == "let" else "")
        try:
            value = ev.module_value(expr, home)
        except Exception:  # noqa: BLE001 - what the evaluation could not read is reported by it; shown as not computed
            value = None
        step.unit = unit_of(lowering, step)
        out.append((step, value))
    return out


MAX_DEPTH = 200      # levels of inputs shown at most, whatever --depth asks (a 5,000-link chain stays readable)


def derivation(results, path: str, sources=None, depth: int = 8, flags: dict[str, str] | None = None,
               flag_scenarios: dict[str, list[int]] | None = None, scenarios_named=None) -> dict:
    """The derivation of `path` as a nested dict (the JSON form of `factory explain`), `depth` levels of
    inputs deep (at most MAX_DEPTH: the tree, its text and its JSON nest once per level). `flags` ({path: why},
    `report_format.flagged_quantities`): a figure a warning makes incomplete gets `flagged` (why), and its line
    the report's mark. `flag_scenarios` ({path: 0-based scenarios}, `report_format.flagged_scenarios`): a figure of
    a sweep flagged in those scenarios only gets `flagged_scenarios` (as results JSON's `flagged.scenarios`) and
    `flagged_in` (`scenarios_named(scenarios)`: "in 1 of 3 scenarios: acc=1"), which its mark says; a figure flagged
    in every scenario has neither."""
    seen: set[str] = set()
    capped = depth > MAX_DEPTH
    depth = min(depth, MAX_DEPTH)

    def visit(p: str, level: int, imported: tuple | None = None) -> dict:
        node = results.graph.nodes[p] if imported is None else imported[0]
        value = _value_text(results, node) if imported is None else \
            _value_text(results, node, imported[1], node.unit)
        out = {"path": p, "kind": _KIND_TEXT.get(node.kind, node.kind), "value": value,
               "unit": (results.units.get(p, node.unit) if imported is None else node.unit) or "1"}
        if flags and p in flags:
            out["flagged"] = flags[p]
            where = (flag_scenarios or {}).get(p)
            if where is not None:           # flagged in these scenarios of the sweep only
                out["flagged_scenarios"] = list(where)
                if scenarios_named is not None:
                    out["flagged_in"] = scenarios_named(where)
        if node.kind == "model" and node.instance is not None:
            out["model"] = f"{node.instance.kind}.{p.rsplit('.', 1)[-1]}"
        formula = _formula(node, sources)
        if formula:
            out["formula"] = formula
        location = _location(node)
        if location:
            out["at"] = location
        if node.comment:
            out["source"] = node.comment
        deps = node.deps
        if any(d in results.graph.solves for d in deps):     # a solve's key: what the solve read (`Graph.solves`)
            deps = sorted(set(expand_reads(results.graph.solves, deps)))
        inputs = [d for d in deps if d in results.graph.nodes and d != p] if imported is None else []
        inputs.sort(key=lambda d: ".detail." not in d)      # the model's intermediate terms first
        inputs = [(d, None) for d in inputs] + [(step.path, (step, v)) for step, v in _imported(results, node)]
        key = p if imported is None else ("imported", id(node.expr))
        if key in seen and inputs:
            out["inputs"] = "explained above"
            return out
        seen.add(key)
        if inputs:
            if level >= depth:
                out["inputs"] = (f"{len(inputs)} more (the tree is cut at {MAX_DEPTH} levels)" if capped
                                 else f"{len(inputs)} more (raise --depth)")
            else:
                out["inputs"] = [visit(d, level + 1, step) for d, step in inputs]
        return out

    total = total_of(results, path)
    if total is None:
        return visit(path, 0)
    # a figure of the whole plan (`compiler.plan_totals`, the diagrams' totals lines, results JSON's `totals`):
    # the sum it is, with each top-level block's figure and multiplicity as its inputs
    values = np.asarray(total.values, dtype=float)
    value = _value_text(results, Node(path, total.unit, None, None, None, None), values, total.unit) \
        if np.isfinite(values).any() else "n/a (a block it adds has no value)"
    out = {"path": path, "kind": "total", "value": value, "unit": total.unit or "1", "formula": total.formula}
    terms = [p for t in total.terms for p in (t.figure, t.count) if p is not None and p in results.graph.nodes]
    why = sorted({flags[p] for p in terms if flags and p in flags})
    if why:
        out["flagged"] = "; ".join(why)
    if terms:
        out["inputs"] = [visit(p, 1) for p in terms] if depth >= 1 else f"{len(terms)} more (raise --depth)"
    return out


def total_of(results, path: str):
    """The plan total `path` names (`totals.it_power`: `Results.totals`), or None."""
    head, _, name = path.partition(".")
    totals = getattr(results, "totals", None) or {}
    return totals.get(name) if head == "totals" and path not in results.graph.nodes else None


def render_text(tree: dict) -> str:
    lines: list[str] = []

    def emit(item: dict, prefix: str, branch: str, last: bool) -> None:
        mark = f" (⚠ {item['flagged']}" + (f"; {item['flagged_in']}" if item.get("flagged_in") else "") + ")" \
            if item.get("flagged") else ""
        lines.append(f"{prefix}{branch}{item['path']} = {item['value']}{mark}  [{item['kind']}]")
        inner = prefix + ("" if not branch else ("   " if last else "│  "))
        inputs = item.get("inputs")
        bar = "│  " if isinstance(inputs, list) and inputs else "   "
        if "formula" in item:
            lines.append(f"{inner}{bar}= {item['formula']}")
        if "at" in item:
            lines.append(f"{inner}{bar}at {item['at']}")
        if "source" in item:
            lines.append(f"{inner}{bar}source: {item['source']}")
        if isinstance(inputs, str):
            lines.append(f"{inner}{bar}({inputs})")
        elif inputs:
            for i, child in enumerate(inputs):
                is_last = i == len(inputs) - 1
                emit(child, inner, "└─ " if is_last else "├─ ", is_last)

    emit(tree, "", "", True)
    return "\n".join(lines) + "\n"
