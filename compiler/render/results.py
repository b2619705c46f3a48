"""Results rendering: results JSON (the contract, SI units) and CSV. The table is `compiler.render.table`.

Pipeline position: last; imports `compiler.evaluate` types.
"""
from __future__ import annotations

import csv
import fnmatch
import io
import json
import math
from json.encoder import encode_basestring_ascii as _json_string

import numpy as np

from ..evaluate import Results

from .. import FORMAT_VERSION   # the contract's one version: fields are only ever added to it (results_schema)


def _quantities(results: Results, select: str | None) -> list[tuple[str, str, list]]:
    from .view import list_base, list_items
    n = results.scenario_count
    rows = []
    items = list_items(results)          # a list's items, `xs[0]` ..., as the table shows them
    for path in sorted([*results.values, *items]):
        if select and not fnmatch.fnmatchcase(path, select):
            continue
        value = results.values[path] if path in results.values else items[path]
        if not isinstance(value, np.ndarray):
            continue
        rows.append((path, results.units.get(list_base(path), ""), _floats(value, n)))
    return rows


def _floats(value: np.ndarray, n: int) -> list[float]:
    """The value's n scenarios as Python floats (one value stands for every scenario), without a NumPy scalar
    per value (`tolist`; a spec's results hold ~300 values a hall, each once per render)."""
    if value.size == n:
        return np.asarray(value, dtype=float).reshape(n).tolist()
    if value.size == 1:
        return [float(np.asarray(value, dtype=float).reshape(1)[0])] * n
    return [float(v) for v in value]


def results_json(results: Results, spec: str, diagnostics: list[dict], select: str | None = None,
                 flags: dict[str, set[str]] | None = None, flag_scenarios: dict[str, list[int]] | None = None) -> dict:
    """The results document; `flags` ({path: codes}, `report_format.flagged_codes`) marks the figures a
    diagnostic makes incomplete (`flagged`: its codes and the report's words), as the report and the table do."""
    from .report_format import flag_reason

    quantities = {path: {"unit": unit or "1", "values": [_json_number(v) for v in values]}
                  for path, unit, values in _quantities(results, select)}
    for path, quantity in quantities.items():
        absent = results.absent.get(path)
        if absent is not None:          # values there are null; the field is present only when some are
            quantity["absent"] = {"scenarios": [int(i) for i in np.flatnonzero(absent.mask)],
                                  "reason": absent.reason, "origin": absent.origin}
        codes = (flags or {}).get(path)
        if codes:                       # present only on a flagged figure
            quantity["flagged"] = {"codes": sorted(codes), "reason": flag_reason(codes)}
            where = (flag_scenarios or {}).get(path)
            if where is not None:       # flagged in these scenarios of the sweep only (`flagged_scenarios`)
                quantity["flagged"]["scenarios"] = where
    return {
        "format_version": FORMAT_VERSION,
        "spec": spec,
        "scenarios": {"count": results.scenario_count, "parameters": results.parameters},
        "quantities": quantities,
        "checks": [_check_json(c, results.scenario_count) for c in results.checks],
        "diagnostics": diagnostics,
        "totals": {name: _total_json(t, flags or {}, flag_scenarios or {}) for name, t in results.totals.items()},
        "bill_of_materials": {block: [_line_json(line) for line in lines]
                              for block, lines in results.bill_of_materials.items()},
    }


def _line_json(line) -> dict:
    """A bill-of-materials line of a top-level block (`compiler.bill_of_materials`): its placements' figures added."""
    return {"kind": line.kind, "item": line.item, "placements": list(line.placements),
            "quantity": [_json_number(float(v)) for v in line.quantity],
            "total_price": [_json_number(float(v)) for v in line.total_price],
            "total_power": [_json_number(float(v)) for v in line.total_power]}


def _total_json(total, flags: dict[str, set[str]], flag_scenarios: dict[str, list[int]]) -> dict:
    """A figure of the whole plan (`compiler.plan_totals`): its values and the terms it adds up; `flagged` where a
    term it adds is (`flags`, `flag_scenarios` as for the quantities: the terms' codes, and the scenarios where
    they hold if each holds in some only), as the diagrams' totals lines mark it."""
    from .report_format import flag_reason

    out = {"unit": total.unit or "1", "values": [_json_number(float(v)) for v in total.values],
           "formula": total.formula,
           "terms": [{"figure": t.figure, "count": t.count} for t in total.terms]}
    flagged = [p for t in total.terms for p in (t.figure, t.count) if p is not None and flags.get(p)]
    if flagged:
        codes = sorted(set().union(*(flags[p] for p in flagged)))
        out["flagged"] = {"codes": codes, "reason": flag_reason(codes)}
        if all(p in flag_scenarios for p in flagged):       # each term's flag holds in some scenarios only
            out["flagged"]["scenarios"] = sorted({i for p in flagged for i in flag_scenarios[p]})
    return out


def check_places(check) -> dict:
    """A check's `location` and, where it has any, `related`: a check written in the stdlib (or another imported
    file) that fails for the user's block stands at that block, as its error does, its own line related
    (`evaluate.finding_span`), as SARIF's relatedLocations and a diagnostic's `related` give it."""
    out = {"location": check.span.to_json() if check.span else None}
    related = getattr(check, "related", None)
    if related:
        out["related"] = [{"label": r.label, "location": r.span.to_json()} for r in related]
    return out


def _check_json(check, count: int) -> dict:
    """A check as the contract writes it; a failing one names the 0-based scenarios it fails in (`failing`: every
    scenario where it could not be evaluated, or fails whatever the swept values)."""
    out = {"name": check.name, "ok": check.ok, "message": check.message, **check_places(check)}
    if not check.ok:
        failing = sorted({int(i) for i in check.failing if 0 <= int(i) < count})
        out["failing"] = failing or list(range(count))
    return out


def dumps_indented(document) -> str:
    """`json.dumps(document, indent=2)`, the same text, written by one recursive walk into a list instead of the
    standard library's pure-Python generators (with `indent` it does not use its C encoder; a spec's results hold
    ~300 values a hall: 1.65x faster, s24-scale2). Dicts with string keys, lists, tuples, strings, floats, ints, bools
    and None; a document holding anything else (another key or value type, a subclass) is left to `json.dumps`.
    tests/test_render_scale24.py checks the bytes against `json.dumps` on random documents."""
    out: list[str] = []
    try:
        _write_json(document, "\n", out)
    except TypeError:
        return json.dumps(document, indent=2)
    return "".join(out)


_JSON_WORDS = {None: "null", True: "true", False: "false"}


def _json_float(x: float) -> str:
    """A float as `json.dumps` writes it (allow_nan: NaN, Infinity, -Infinity)."""
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Infinity" if x > 0 else "-Infinity"
    return float.__repr__(x)


def _write_json(value, newline: str, out: list[str]) -> None:
    kind = type(value)
    if kind is str:
        out.append(_json_string(value))
    elif kind is float:
        out.append(_json_float(value))
    elif value is None or value is True or value is False:
        out.append(_JSON_WORDS[value])
    elif kind is int:
        out.append(int.__repr__(value))
    elif kind is dict:
        if not value:
            out.append("{}")
            return
        inner, separator = newline + "  ", "{" + newline + "  "
        for key, item in value.items():
            if type(key) is not str:
                raise TypeError(key)
            out.append(separator + _json_string(key) + ": ")
            separator = "," + inner
            _write_item(item, inner, out)
        out.append(newline + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner, separator = newline + "  ", "[" + newline + "  "
        for item in value:
            out.append(separator)
            separator = "," + inner
            _write_item(item, inner, out)
        out.append(newline + "]")
    else:
        raise TypeError(kind)


def _write_item(item, newline: str, out: list[str]) -> None:
    kind = type(item)
    if kind is float:                       # (most values, and units: no further call)
        out.append(_json_float(item))
    elif kind is str:
        out.append(_json_string(item))
    else:
        _write_json(item, newline, out)


def _json_number(value: float):
    if math.isfinite(value):
        return float(value)
    return None


def render_results(results: Results, spec: str, sink, fmt: str, select: str | None) -> str:
    """Results JSON (`fmt == "json"`, the contract) or CSV (one row per quantity, one column per scenario,
    SI units; an absent value is an empty cell; the last column, `flagged`, says why a figure is incomplete, and in which
    scenario columns where that holds in some of a sweep's only). The table is `compiler.render.table`'s.
    The cyclic garbage collector is paused meanwhile, as for the front end, binding and evaluation
    (`dsl.gc_paused`): the document is a tree of ~3 new lists and dicts per value, no cycle, and each full
    collection walked the whole evaluation still alive (s24-scale2: 1,000 halls' render 3.95 -> 2.11 s CPU)."""
    from dsl import gc_paused

    with gc_paused():
        return _render_results(results, spec, sink, fmt, select)


def _render_results(results: Results, spec: str, sink, fmt: str, select: str | None) -> str:
    if fmt == "json":
        from .report_format import flagged_codes, flagged_scenarios

        data = results_json(results, spec, sink.to_json(), select, flagged_codes(results, sink),
                            flagged_scenarios(results, sink))
        return dumps_indented(data) + "\n"
    if fmt != "csv":
        raise ValueError(f"unknown results format {fmt!r}")
    from .report_format import flagged_quantities, flagged_scenarios

    flags = flagged_quantities(results, sink)      # the last column: why a figure is incomplete, "" when it is not
    for path, where in flagged_scenarios(results, sink).items():   # a sweep's flag that holds in some scenarios only
        if path in flags:
            flags[path] += f" (in {', '.join(f'scenario_{i}' for i in where)})"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["quantity", "unit"] + [f"scenario_{i}" for i in range(results.scenario_count)] + ["flagged"])
    for path, unit, values in _quantities(results, select):
        absent = results.absent.get(path)
        cells = ["" if absent is not None and absent.mask[i if absent.mask.size > 1 else 0] else repr(v)
                 for i, v in enumerate(values)]
        writer.writerow([path, unit or "1"] + cells + [flags.get(path, "")])
    return buf.getvalue()
