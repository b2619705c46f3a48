"""Generates docs/diagnostics.md (the code registry in `dsl.diagnostics`) and docs/kinds.md (the block
kinds of `dsl.schema`); tests keep both in sync.

Run: python3 -m dsl.docs > docs/diagnostics.md
     python3 -m dsl.docs kinds > docs/kinds.md
"""
from __future__ import annotations

import sys

from .diagnostics import CODES
from .schema import KIND_ALIASES, NAMED_RANGES, RANGES, kinds


def diagnostics_markdown() -> str:
    lines = ["# Diagnostic codes", "",
             "Every diagnostic of `factory` carries one of these stable codes (never renamed or reused).",
             "Generated from `dsl/diagnostics.py` by `python3 -m dsl.docs`.", "",
             "| code | stage | meaning |", "|---|---|---|"]
    for code, (stage, text) in CODES.items():
        lines.append(f"| `{code}` | {stage} | {text} |")
    return "\n".join(lines) + "\n"


def kinds_markdown() -> str:
    lines = ["# Block kinds", "",
             "Every kind of block a spec can write, with its fields. Generated from `dsl/schema.py` by",
             "`python3 -m dsl.docs kinds`. A field's type is a unit (any unit of that dimension is accepted:",
             "`W` takes `kW` and `MW`), a plain number (`count`, `ratio`, `fraction`, `efficiency`, `stage`), `text`, `bool`,",
             "`temp` (a temperature point in degC), `choice:a|b` (one of the strings) or `ref:kind` (a definition",
             "of that kind). Numbers have declared ranges: " + "; ".join(
                 f"`{t}` {r.describe(lambda v: f'{v:g} K' if t in ('temp', 'K') else f'{v:g}')}" for t, r in RANGES.items()
                 if t not in ("quantity", "positive")) + "; any unit-typed field "
             + RANGES["quantity"].describe() + "; by name: " + "; ".join(
                 f"`{name}` {r.describe()}" for name, r in NAMED_RANGES.items())
             + ". A value outside is an `out-of-range` error.",
             "**required** fields must be set; **> 0** fields (a quantity a model divides by) must be "
             + RANGES["positive"].describe() + ";",
             "**output** fields are computed by the models in",
             "`compiler/models/` (see [models.md](models.md)) and may be set to override them.", "",
             "Aliases: " + ", ".join(f"`{a}` = `{k}`" for a, k in sorted(KIND_ALIASES.items())) + ".", ""]
    by_group: dict[str, list] = {}
    for spec in kinds().values():
        by_group.setdefault(spec.group, []).append(spec)
    for group in sorted(by_group):
        lines += [f"## {group}", ""]
        for spec in by_group[group]:
            lines += [f"### `{spec.name}`", "", spec.doc, ""]
            if spec.contains:
                lines += ["Holds: " + ", ".join(f"`{k}`" for k in spec.contains) + ".", ""]
            lines += ["| field | type | | meaning |", "|---|---|---|---|"]
            for f in spec.fields.values():
                flag = ("required, > 0" if f.positive else "required") if f.required else (
                    "output" if f.output else ("> 0" if f.positive else ""))
                lines.append(f"| `{f.name}` | `{f.type.replace('|', ' / ')}` | {flag} | {f.doc.replace('|', '/')} |")
            lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(kinds_markdown() if sys.argv[1:] == ["kinds"] else diagnostics_markdown(), end="")
