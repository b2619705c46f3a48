"""The memory an in-memory sweep needs, estimated before it is evaluated (docs/scale.md, "Memory of an in-memory
sweep").

`factory eval` without --output evaluates a whole sweep at once and renders it from memory: its peak grows with
scenarios x figures, and a sweep the lowering accepts (up to 10^7 scenarios) could need more memory than the machine
has, so that the kernel killed the process instead of a diagnostic. Before evaluating a sweep of more than PROBE_AT
scenarios, a probe evaluates the product of the first two values of each swept parameter (as a streamed sweep's
probe does) and counts

    F = the numeric figures that vary over the probe (arrays over its scenarios), Q = every quantity rendered;

    estimate = n x (F x BYTES_PER_VARYING + Q x BYTES_PER_CELL[format])

BYTES_PER_VARYING covers the evaluation's arrays and their intermediates, and the summary table; the JSON and CSV of
an in-memory sweep hold one value per quantity and scenario as Python objects and text (constants repeated), the
BYTES_PER_CELL. Measured (peak RSS less the ~55 MB of an empty run, 2026-12-06, shared 2-core VM):

    enterprise_starter -D racks=1..200000 (F = 172, Q = 418):  table 636 MB (17 B per varying value),
        JSON 11.7 GB (140 B per cell), CSV 4.4 GB (54 B per cell), evaluation alone 354 MB (8.8 B per varying value);
    flagship_campus -D gpu_utilization=0.0001..0.5 step 0.0001 (5,000; F = 32, Q = 877): JSON 662 MB (137 B per
        cell), CSV 260 MB (48 B per cell), table 64 MB.

The constants below round these up. Past the limit (`--memory-limit`, default half the machine's physical memory)
the sweep is refused with an `invalid-range` error naming the estimate, the limit and the streamed alternative
(`--output FILE`, whose chunks bound the memory).
"""
from __future__ import annotations

import math
import os
import re

from dsl.diagnostics import Code, Sink

PROBE_AT = 1_000                 # sweeps of more scenarios than this are probed (a few thousandths of their time)
BYTES_PER_VARYING = 20           # per scenario and figure that varies: evaluation (8.8 B) and summary table (17 B)
BYTES_PER_CELL = {"table": 0, "json": 150, "csv": 60}    # per scenario and quantity rendered, on top
PROBE_MAX = 256                  # the probe's scenarios at most: later parameters keep their first value only
UNITS = {"": 1, "B": 1, "KB": 10 ** 3, "MB": 10 ** 6, "GB": 10 ** 9, "TB": 10 ** 12,
         "KIB": 2 ** 10, "MIB": 2 ** 20, "GIB": 2 ** 30, "TIB": 2 ** 40}


def physical_memory() -> int | None:
    """This machine's physical memory in bytes, or None where the system does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def default_limit() -> int:
    """Half the physical memory (8 GB where it is unknown)."""
    total = physical_memory()
    return total // 2 if total else 8 * 10 ** 9


def parse_size(text: str) -> int | None:
    """`--memory-limit` as bytes: `16GB`, `512 MB`, `2GiB`, `1e9`; None for `none` (no limit). ValueError else."""
    text = text.strip()
    if text.lower() in ("none", "off", "unlimited"):
        return None
    match = re.fullmatch(r"(\d+(?:\.\d*)?(?:[eE]\d+)?)\s*([KMGT]i?B|B)?", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"`{text}` is not a size: write it as 16GB, 512MB, 2GiB, or `none` for no limit")
    return int(float(match.group(1)) * UNITS[(match.group(2) or "").upper()])


def format_size(size: float) -> str:
    """Bytes in decimal units, three significant digits: `34.4 GB`."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{int(size)} B"


def estimate(lowering, sources: dict, fmt: str, select: str | None = None) -> tuple[int, int, int]:
    """(figures that vary, quantities rendered, bytes) of evaluating and rendering the lowering's whole sweep in
    memory as `fmt`, from a probe of the first two values of each swept parameter (at most PROBE_MAX scenarios)."""
    import fnmatch

    import numpy as np

    from .sweep import Chunk, Plan, evaluate_chunk

    graph = lowering.graph
    values, size = {}, 1
    for name in graph.sweep:
        take = graph.sweep_values[name][:2] if size * 2 <= PROBE_MAX else graph.sweep_values[name][:1]
        values[name] = list(take)
        size *= len(take)
    probe_sink = Sink()
    plan = Plan(lowering, probe_sink, graph.scenario_count, list(graph.sweep),
                {p: list(graph.sweep_values[p]) for p in graph.sweep}, lend=False)
    probe_sink.sources = sources
    result = evaluate_chunk(plan, Chunk(-1, 0, size, values))
    varying = sum(1 for v in result.columns.values() if v.size == size and size > 1)
    shown = [p for p in result.columns if select is None or fnmatch.fnmatchcase(p, select)]
    n = graph.scenario_count
    return varying, len(shown), n * (varying * BYTES_PER_VARYING + len(shown) * BYTES_PER_CELL.get(fmt, 0))


def guard(fmt: str, select: str | None, limit: int | None, spec: str, command: str = "eval"):
    """A hook for `compiler.evaluate_files(..., guard=)`: after lowering, an `invalid-range` error where the whole
    sweep's estimated memory (`estimate`) passes `limit` bytes (None: no limit), naming the streamed
    alternative. Sweeps of PROBE_AT scenarios or fewer are not probed. `command`: `eval` (which has --output and
    --memory-limit), else a command that renders a sweep from memory only (build, explain, diagram, plan)."""
    def check(lowering, sink: Sink) -> None:
        graph = lowering.graph
        n = graph.scenario_count
        if limit is None or n <= PROBE_AT or not graph.sweep:
            return
        varying, shown, need = estimate(lowering, sink.sources, fmt, select)
        if need <= limit:
            return
        from .display import format_count

        node = graph.nodes[graph.sweep[-1]]
        stem = os.path.splitext(os.path.basename(spec))[0] or "sweep"
        what = f"{format_count(varying)} figures that vary"
        if BYTES_PER_CELL.get(fmt, 0):
            what += f" and {format_count(shown)} quantities written as {fmt}"
        raise_to = format_size(math.ceil(need * 1.2 / 1e9) * 1e9).replace(" ", "")
        if command == "eval":
            limit_name = "--memory-limit"
            advice = (f"stream it to a file, whose memory the chunks bound: --output {stem}.parquet (or .csv, .jsonl; "
                      f"--chunk-size N for a summary only), or raise the limit: --memory-limit {raise_to}")
        else:
            limit_name = "half this machine's memory"
            advice = (f"sweep fewer values here, or evaluate the whole sweep streamed: factory eval {spec} -D ... "
                      f"--output {stem}.parquet")
        sink.error(Code.INVALID_RANGE, f"the parameter sweep has {format_count(n)} scenarios: evaluated in memory "
                   f"it needs about {format_size(need)} ({what}), more than the limit of {format_size(limit)} "
                   f"({limit_name})", node.span,
                   notes=["the estimate counts what a probe of the first two values of each swept parameter "
                          "computes (docs/scale.md, \"Memory of an in-memory sweep\")"],
                   help=advice)
    return check
