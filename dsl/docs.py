"""Generates docs/diagnostics.md from the code registry in `dsl.diagnostics` (a test keeps it in sync).

Run: python3 -m dsl.docs > docs/diagnostics.md
"""
from __future__ import annotations

from .diagnostics import CODES


def diagnostics_markdown() -> str:
    lines = ["# Diagnostic codes", "",
             "Every diagnostic of `factory` carries one of these stable codes (never renamed or reused).",
             "Generated from `dsl/diagnostics.py` by `python3 -m dsl.docs`.", "",
             "| code | stage | meaning |", "|---|---|---|"]
    for code, (stage, text) in CODES.items():
        lines.append(f"| `{code}` | {stage} | {text} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(diagnostics_markdown(), end="")
