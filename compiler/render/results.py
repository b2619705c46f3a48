"""Results rendering: the table (readable units), results JSON (the contract, SI units) and CSV.

Pipeline position: last; imports `compiler.evaluate` types and `compiler.display`.
"""
from __future__ import annotations

import csv
import fnmatch
import io
import json

import numpy as np

from ..display import format_quantity
from ..evaluate import Results

FORMAT_VERSION = "1"       # the contract's version: fields are only ever added to it (see results_schema)
ABSENT_TEXT = "n/a"         # how the table shows a value that does not exist (Results.absent)


def _quantities(results: Results, select: str | None) -> list[tuple[str, str, list]]:
    n = results.scenario_count
    rows = []
    for path in sorted(results.values):
        if select and not fnmatch.fnmatchcase(path, select):
            continue
        value = results.values[path]
        if not isinstance(value, np.ndarray):
            continue
        values = np.broadcast_to(np.asarray(value, dtype=float), (n,)) if value.size in (1, n) else value
        rows.append((path, results.units.get(path, ""), [float(v) for v in values]))
    return rows


def results_json(results: Results, spec: str, diagnostics: list[dict], select: str | None = None) -> dict:
    quantities = {path: {"unit": unit or "1", "values": [_json_number(v) for v in values]}
                  for path, unit, values in _quantities(results, select)}
    for path, quantity in quantities.items():
        absent = results.absent.get(path)
        if absent is not None:          # values there are null; the field is present only when some are
            quantity["absent"] = {"scenarios": [int(i) for i in np.flatnonzero(absent.mask)],
                                  "reason": absent.reason, "origin": absent.origin}
    return {
        "format_version": FORMAT_VERSION,
        "spec": spec,
        "scenarios": {"count": results.scenario_count, "parameters": results.parameters},
        "quantities": quantities,
        "checks": [{"name": c.name, "ok": c.ok, "message": c.message,
                    "location": c.span.to_json() if c.span else None} for c in results.checks],
        "diagnostics": diagnostics,
    }


def _json_number(value: float):
    if np.isfinite(value):
        return float(value)
    return None


def render_results(results: Results, spec: str, sink, fmt: str, select: str | None) -> str:
    if fmt == "json":
        data = results_json(results, spec, [d.to_json() for d in sink.sorted()], select)
        return json.dumps(data, indent=2) + "\n"
    rows = _quantities(results, select)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(["quantity", "unit"] + [f"scenario_{i}" for i in range(results.scenario_count)])
        for path, unit, values in rows:
            writer.writerow([path, unit or "1"] + [repr(v) for v in values])
        return buf.getvalue()
    lines = []
    width = max((len(p) for p, _, _ in rows), default=10)
    for path, unit, values in rows:
        declared = results.graph.nodes[path].display if path in results.graph.nodes else ""
        absent = results.absent.get(path)
        shown = [ABSENT_TEXT if absent is not None and absent.mask[i] else format_quantity(v, unit, declared)
                 for i, v in enumerate(values[:6])]
        more = f"  ... ({len(values)} scenarios)" if len(values) > 6 else ""
        lines.append(f"{path:<{width}}  {'  '.join(shown)}{more}")
    for c in results.checks:
        lines.append(f"{'ok  ' if c.ok else 'FAIL'}  {c.name}" + (f"  ({c.detail})" if c.detail else ""))
    return "\n".join(lines) + "\n"
