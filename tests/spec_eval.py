"""Shared by the model tests: evaluate a spec held in memory and read one figure (SI, first scenario), or every
figure over the scenarios."""
from __future__ import annotations

import numpy as np

from compiler import evaluate_text


def run(text: str, defines: dict[str, str] | None = None):
    """Results and diagnostics of a spec that must check and evaluate."""
    results, sink = evaluate_text(text, defines=defines)
    assert results is not None, "\n".join(d.message for d in sink.items)
    return results, sink


def error_free_values(text: str, defines: dict[str, str] | None = None, name: str = "spec.factory") -> dict:
    """The figures (results.values) of a spec that must evaluate without an error (warnings allowed)."""
    results, sink = evaluate_text(text, name, defines)
    assert not sink.errors, [d.message for d in sink.errors]
    return results.values


def value(results, path: str) -> float:
    return float(np.asarray(results.values[path]).ravel()[0])


def scenario_values(results) -> dict[str, np.ndarray]:
    """Every numeric figure of `results` as a float array over its scenarios (a constant broadcast to them)."""
    n = results.scenario_count
    values = {}
    for path, value in results.values.items():
        if isinstance(value, np.ndarray) and value.dtype.kind in "fiub":
            arr = np.asarray(value, dtype=float)
            values[path] = np.broadcast_to(arr, (n,)) if arr.size in (1, n) else arr
    return values
