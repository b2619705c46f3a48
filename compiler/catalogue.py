"""The browsable stdlib: `factory list` and `factory show`, and the generated docs/stdlib.md.

Pipeline position: beside the CLI; reads the stdlib through the same pipeline as any spec (each stdlib module
is checked and evaluated as an entry file, so every definition in it is an instance), then lists what it
finds. Imports `dsl`, `compiler` (evaluation) and `compiler.display`.

`list` gives each definition's module, kind, name and the first line of its doc string. `show NAME` gives
every field of one definition: the value in readable units, where it comes from (the source comment beside
the figure, the definition it inherits it from, or the model formula that computes it).

Run: python3 -m compiler.catalogue > docs/stdlib.md
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from dsl import nodes as n
from dsl.resources import stdlib_dir, stdlib_modules

from .display import format_quantity


@dataclass(frozen=True)
class Entry:
    module: str           # stdlib module (`chips`)
    kind: str             # block kind (`chip`)
    name: str             # definition name (`H100_SXM`)
    doc: str              # first line of its doc string ("" when none)
    line: int             # where it is defined in stdlib/<module>.factory


@dataclass(frozen=True)
class Row:
    name: str             # field or let name
    value: str            # readable value (`989 TFLOP/s`), or the text of a text field
    si: float | str | None    # SI value (first scenario), text, or None when it has no value
    unit: str             # SI unit ("" for plain numbers and text)
    origin: str           # "given", "let", "inherited from X", "model", "part"
    source: str           # the source comment, or the model's formula


@dataclass
class Description:
    entry: Entry
    extends: str | None
    doc: str
    rows: list[Row] = field(default_factory=list)


@dataclass
class _Module:
    entries: list[Entry]
    blocks: dict[str, n.Block]
    results: object
    scopes: object                    # dsl.resolve.Scopes: what each definition extends


@lru_cache(maxsize=None)
def _module(name: str) -> _Module:
    import dsl

    from .evaluate import evaluate
    from .lower import lower

    path = stdlib_dir() / f"{name}.factory"
    checked, sink = dsl.check_files([str(path)])
    results = evaluate(lower(checked, sink), sink) if checked is not None and not sink.has_errors() else None
    if results is None:
        raise RuntimeError(f"stdlib module {name} does not check: " + "; ".join(d.message for d in sink.errors))
    module = results.graph.roots[0].block.module if results.graph.roots else None
    entries, blocks = [], {}
    for stmt in module.statements if module is not None else []:
        if isinstance(stmt, n.Block):
            doc = (stmt.doc or "").strip().splitlines()
            entries.append(Entry(name, stmt.kind, stmt.name, doc[0] if doc else "", stmt.span.line))
            blocks[stmt.name] = stmt
    return _Module(entries, blocks, results, checked.scopes)


def modules() -> list[str]:
    return stdlib_modules()


def catalogue(module: str | None = None) -> list[Entry]:
    """Every stdlib definition (of one module), in file order."""
    names = [module] if module else modules()
    return [entry for name in names for entry in _module(name).entries]


def find(name: str) -> Entry | None:
    """The stdlib definition `name` (exact, else case-insensitive), also written as a spec reads it after `import
    chips`: `chips.H100_SXM` (s23-hunt: before, "no stdlib definition `chips.H100_SXM`")."""
    module, dot, short = name.rpartition(".")
    for entry in catalogue():
        if entry.name == name or (dot and entry.module == module and entry.name == short):
            return entry
    lowered = name.lower()
    for entry in catalogue():
        if entry.name.lower() == lowered or (dot and entry.module == module and entry.name.lower() == short.lower()):
            return entry
    return None


def suggestions(name: str) -> list[str]:
    from dsl.diagnostics import suggest

    best = suggest(name, [e.name for e in catalogue()])
    return [best] if best else []


def describe(name: str) -> Description | None:
    """Every field of the stdlib definition `name`, given, inherited and computed."""
    entry = find(name)
    if entry is None:
        return None
    mod = _module(entry.module)
    block = mod.blocks[entry.name]
    results = mod.results
    prefix = entry.name + "."
    rows: list[Row] = []
    for path, node in sorted(results.graph.nodes.items()):
        if not path.startswith(prefix) or "." in path[len(prefix):]:
            continue
        member = path[len(prefix):]
        if node.kind == "count":
            continue
        value = results.values.get(path)
        unit = results.units.get(path, "")
        si: float | str | None
        if isinstance(value, str):
            shown, si = value, value
        elif isinstance(value, np.ndarray) and value.size and value.dtype.kind == "b":   # a bool field: as written
            si = float(value.ravel()[0])
            shown = "true" if value.ravel()[0] else "false"
        elif isinstance(value, np.ndarray) and value.size and value.dtype.kind in "fiub":
            si = float(np.asarray(value, dtype=float).ravel()[0])
            shown = format_quantity(si, unit, node.display)
        else:
            shown, si = "-", None
        if node.kind == "model":
            origin, source = "model", node.formula
        else:
            owner = _owner(mod.scopes, block, member)
            origin = "let" if node.kind == "let" else "given"
            if owner is not None and owner is not block:
                origin = f"inherited from {owner.name}"
            source = node.comment or ""
        rows.append(Row(member, shown, si, unit, origin, source))
    parts = [stmt for stmt in block.body if isinstance(stmt, n.Block)]
    for part in parts:
        base = ".".join(part.base) if part.base else ""
        count = _count_text(part)
        rows.append(Row(part.name, f"{base}{count}", None, "", f"part ({part.kind})", part.comment or ""))
    extends = ".".join(block.base) if block.base else None
    return Description(entry, extends, (block.doc or "").strip(), rows)


def _owner(scopes, block: n.Block, member: str) -> n.Block | None:
    """The block in `block`'s extends chain that sets `member` (the nearest)."""
    current, seen = block, set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if any(getattr(stmt, "name", None) == member for stmt in current.body
               if isinstance(stmt, (n.Field, n.Let))):
            return current
        current = scopes.base_of(current)
    return None


def _count_text(part: n.Block) -> str:
    if part.count is None:
        return ""
    if isinstance(part.count, n.Number):
        return f" x {part.count.text}"
    return " x ..."


# ----------------------------------------------------------------------------- text and Markdown

def list_text(module: str | None = None) -> str:
    entries = catalogue(module)
    width_kind = max((len(e.kind) for e in entries), default=4)
    width_name = max((len(e.name) for e in entries), default=4)
    lines, current = [], None
    for e in entries:
        if e.module != current:
            if current is not None:
                lines.append("")
            lines.append(f"{e.module}:")
            current = e.module
        lines.append(f"  {e.kind:<{width_kind}}  {e.name:<{width_name}}  {e.doc}".rstrip())
    return "\n".join(lines)


def show_text(desc: Description) -> str:
    e = desc.entry
    head = f"{e.kind} {e.name}" + (f" extends {desc.extends}" if desc.extends else "")
    lines = [head, f"  defined at stdlib/{e.module}.factory:{e.line}  (from {e.module} import {e.name})"]
    if desc.doc:
        lines += ["", *(("  " + line.strip()).rstrip() for line in desc.doc.splitlines())]
    lines.append("")
    width_name = max((len(r.name) for r in desc.rows), default=4)
    width_value = max((len(r.value) for r in desc.rows), default=5)
    for r in desc.rows:
        note = r.source if r.origin in ("given", "let") else f"[{r.origin}] {r.source}".strip()
        lines.append(f"  {r.name:<{width_name}}  {r.value:<{width_value}}  {note}".rstrip())
    return "\n".join(lines)


def show_json(desc: Description) -> dict:
    e = desc.entry
    return {"name": e.name, "kind": e.kind, "module": e.module, "line": e.line, "extends": desc.extends,
            "doc": desc.doc,
            "fields": [{"name": r.name, "value": r.value, "si": r.si, "unit": r.unit, "origin": r.origin,
                        "source": r.source} for r in desc.rows]}


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def stdlib_markdown() -> str:
    lines = ["# The standard library", "",
             "Every definition of `stdlib/`, with every field: its value, and where it comes from (the source",
             "beside the figure, the definition it inherits it from, or the model that computes it). Generated by",
             "`python3 -m compiler.catalogue > docs/stdlib.md`; `factory list` and `factory show NAME` print the",
             "same in a terminal.", ""]
    for module in modules():
        lines += [f"- [{module}](#{module})"]
    for module in modules():
        lines += ["", f"## {module}", "", f"`from {module} import NAME`", ""]
        for entry in catalogue(module):
            desc = describe(entry.name)
            head = f"### {entry.kind} `{entry.name}`" + (f" extends `{desc.extends}`" if desc.extends else "")
            lines += [head, ""]
            if desc.doc:
                lines += [_md(desc.doc), ""]
            lines += ["| field | value | from | source |", "|---|---|---|---|"]
            for r in desc.rows:
                lines.append(f"| `{r.name}` | {_md(r.value)} | {r.origin} | {_md(r.source)} |")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(stdlib_markdown())
