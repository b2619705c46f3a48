"""Generates docs/models.md: every model output with its formula, and every default assumption with its source.

Pipeline position: documentation tool over `compiler.models` (a test keeps docs/models.md in sync).
Run: python3 -m compiler.models.docs > docs/models.md
"""
from __future__ import annotations

from . import Assumption, Option, _load, _REGISTRY, declared
from . import assumptions  # noqa: F401  (its assumptions are listed)


def _assumptions() -> list[Assumption]:
    return declared(Assumption)


def models_markdown() -> str:
    _load()
    lines = ["# Models and assumptions", "",
             "Generated from `compiler/models/` by `python3 -m compiler.models.docs`. Each output is computed",
             "only when the spec does not set the field itself; each assumption is used only when the spec does",
             "not give the figure (set it on the block, or on an ancestor for inherited figures such as",
             "`utilization`). The module docstrings in `compiler/models/` derive every formula.", "",
             "## Outputs", "", "| kind | output | formula |", "|---|---|---|"]
    for kind in sorted(_REGISTRY):
        for name in sorted(_REGISTRY[kind]):
            formula = _REGISTRY[kind][name].formula.replace("|", "\\|")
            lines.append(f"| {kind} | `{name}` | {formula} |")
    lines += ["", "## Assumptions", "",
              "A spec gives its own figure for an assumption with a `let` of its name on the block that uses it",
              "(`let first_token_delay = 0.5`); where a range is listed, a `let` outside it is an `out-of-range`",
              "error at the let, and a `let` of another dimension than the unit listed (`let layer_latency = 5`",
              "for 5 us) a `unit-mismatch` error. No model runs on such a `let`: what it would compute has no",
              "value in the scenarios where the let is refused (null in JSON).", "",
              "| name | value (SI) | unit | range (SI) | source |", "|---|---|---|---|---|"]
    for a in _assumptions():
        unit = "K (point)" if a.point else a.unit
        span = a.range.describe() if a.range is not None else ""
        lines.append(f"| `{a.name}` | {a.value:.6g} | {unit} | {span} | {a.source.replace('|', '/')} |")
    lines += ["", "## Options", "",
              "A `let` a model reads only where the block defines it (no default); outside its range (or above",
              "the field of its block it is a part of: `at most`), an `out-of-range` error at the let; of another",
              "dimension than its unit, a `unit-mismatch` error.", "",
              "| name | unit | range (SI) | what the model reads it as |",
              "|---|---|---|---|"]
    for o in declared(Option):
        bound = (", at most the block's " + " (else ".join(f"`{f}`" for f in o.at_most) + ")" * (len(o.at_most) - 1)
                 if o.at_most else "")
        lines.append(f"| `{o.name}` | {o.unit} | {o.range.describe()}{bound} | {o.meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(models_markdown(), end="")
