"""The CLI side of large sweeps: `factory eval --output/--chunk-size/--workers/--scheduler` and
`factory optimize` (docs/scale.md). Kept beside `compiler.cli`, which registers them.

Exit codes as everywhere: 0 success; 1 the spec has errors or a check fails in some scenario (eval), or no
feasible plan (optimize); 2 bad use (a missing optional library, an unknown quantity) or an interrupted run
(Ctrl-C: the rows written so far are kept, and a note says how far it got).
"""
from __future__ import annotations

import json
import os
import sys

import click

from dsl.diagnostics import render_text


def _key(spec: str, defines: dict[str, str], root: str | None) -> tuple:
    return ((spec,), tuple(sorted(defines.items())), root)


def _prepared(spec, defines, root):
    from .sweep import prepare

    plan = prepare([spec], defines, root)
    if plan.lowering is None:
        from .cli import _exit_code

        click.echo(render_text(plan.sink.items, plan.sink.sources), err=True)
        sys.exit(_exit_code(plan.sink))
    return plan


def _refuse_writing_over(spec: str, option: str, paths: list[str]) -> None:
    """Exit 2 when a file the command would write is the spec it reads: `--output spec.factory` wrote the
    rows over the spec."""
    from .cli import EXIT_USAGE

    if any(os.path.exists(p) and os.path.samefile(p, spec) for p in paths):
        click.echo(f"error: {option} {paths[0]} would write over the spec {spec}; name another file", err=True)
        sys.exit(EXIT_USAGE)


def _format_of(output: str, output_format: str | None) -> str:
    if output_format:
        return output_format
    ext = os.path.splitext(output)[1].lower()
    return {".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(ext, "csv")


def eval_streamed(spec, defines, root, select, output, output_format, chunk_size, workers, scheduler,
                  quiet) -> int:
    from .cli import EXIT_OK, EXIT_SPEC_ERRORS, EXIT_USAGE
    from .sweep import SweepError, has_errors, metadata, projection_text, stream, summary_text

    if output:
        _refuse_writing_over(spec, "--output", [output, output + ".meta.json"])
    plan = _prepared(spec, defines, root)
    fmt = _format_of(output, output_format) if output else None
    try:
        outcome = stream(plan, _key(spec, defines, root), output=output, output_format=fmt or "csv",
                         chunk_size=chunk_size, workers=workers, scheduler=scheduler,
                         select=select, progress=not quiet)
    except SweepError as exc:
        click.echo(f"error: {exc}", err=True)
        return EXIT_USAGE
    except OSError as exc:
        click.echo(f"error: cannot write {output}: {exc.strerror or exc}", err=True)
        return EXIT_USAGE
    if output:
        with open(output + ".meta.json", "w", encoding="utf-8") as f:
            json.dump(metadata(plan, spec, outcome, fmt), f, indent=2)
            f.write("\n")
    click.echo(summary_text(plan, outcome), nl=False)
    if outcome.diagnostics:
        click.echo(render_text(outcome.diagnostics, plan.sink.sources, limit=20), err=True)
    rate = outcome.written / outcome.seconds if outcome.seconds > 0 else 0.0
    if outcome.interrupted:
        click.echo(f"interrupted: {outcome.written:,} of {plan.count:,} scenarios done"
                   + (f" and written to {output}" if output else "") + "; the rest were not evaluated", err=True)
        if outcome.written > 0 and outcome.seconds > 0:
            click.echo("at that rate: " + projection_text(plan.count, outcome.written, outcome.seconds), err=True)
        return EXIT_USAGE
    if output:
        click.echo(f"wrote {output} ({outcome.written:,} rows, {fmt}) and {output}.meta.json "
                   f"in {outcome.seconds:.1f} s ({rate:,.0f} scenarios/s)", err=True)
    return EXIT_SPEC_ERRORS if has_errors(outcome) else EXIT_OK


@click.command()
@click.argument("spec", type=click.Path())
@click.option("--minimize", "minimize", multiple=True, metavar="QUANTITY",
              help="A quantity to minimize (a results path or its suffix: usd_per_mtok). Repeatable.")
@click.option("--maximize", "maximize", multiple=True, metavar="QUANTITY", help="A quantity to maximize.")
@click.option("--subject-to", "constraints", multiple=True, metavar="CONSTRAINT",
              help="\"facility_power <= 300 MW\" (repeatable); the spec's asserts and limits always hold too.")
@click.option("--vary", "vary", multiple=True, metavar="NAME=RANGE",
              help="A parameter's grid, as -D: --vary halls=1..8, --vary price=[0.05,0.08] (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--chunk-size", type=click.IntRange(min=1), default=None, help="Scenarios evaluated at once.")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--scheduler", default=None, metavar="ADDRESS", help="A Dask scheduler (or `local`).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--heatmap", default=None, type=click.Path(dir_okay=False), metavar="FILE.svg",
              help="With two varied parameters: an SVG heat map of the first objective (grey: infeasible).")
@click.option("-D", "--define", "defines", multiple=True, metavar="NAME=VALUE", help="Override a `param`.")
@click.option("--root", type=click.Path(file_okay=False, exists=True), default=None)
def optimize(spec, minimize, maximize, constraints, vary, fmt, chunk_size, workers, scheduler, quiet, heatmap,
             defines, root):
    """Search a grid of parameters for the best feasible plan, or the Pareto front of 2-3 objectives.

    Every scenario of the grid is evaluated (brute force, in chunks); a scenario where an assert or a
    built-in limit fails, or a --subject-to constraint does not hold, is infeasible. Exit 0 when a
    feasible plan exists, 1 when none does, 2 for bad use."""
    from .cli import _guard
    from .sweep import interruptible

    interruptible(_guard(_optimize))(spec, minimize, maximize, constraints, vary, fmt, chunk_size, workers,
                                     scheduler, quiet, heatmap, defines, root)


def _optimize(spec, minimize, maximize, constraints, vary, fmt, chunk_size, workers, scheduler, quiet, heatmap,
              defines, root):
    from .cli import EXIT_OK, EXIT_SPEC_ERRORS, EXIT_USAGE, _parse_defines, _require_files
    from .optimize import Heatmap, Objective, Search, parse_constraint, to_json, to_text
    from .sweep import SweepError, stream

    objectives = [Objective(n, "min") for n in minimize] + [Objective(n, "max") for n in maximize]
    if not 1 <= len(objectives) <= 3:
        raise click.UsageError("give one objective (--minimize or --maximize), or two or three for a Pareto front")
    _require_files((spec,))
    if heatmap:
        _refuse_writing_over(spec, "--heatmap", [heatmap])
    define_map = _parse_defines(defines, vary)
    try:
        parsed = [parse_constraint(c) for c in constraints]
    except SweepError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    plan = _prepared(spec, define_map, root)
    search = Search(objectives, parsed, list(plan.sweep))
    search.graph, search.spec_diagnostics = plan.lowering.graph, list(plan.sink.items)
    try:
        if heatmap:
            search.heatmap = Heatmap(plan)
        outcome = stream(plan, _key(spec, define_map, root), chunk_size=chunk_size,
                         workers=workers, scheduler=scheduler, progress=not quiet, on_chunk=search.add)
    except SweepError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    units, displays = outcome.units, outcome.displays
    # errors other than the asserts and limits that make a scenario infeasible (a field outside its range, a
    # count that is not whole): the scenarios they hold in are not plans; say why on standard error
    from .sweep import _CHECK_CODES

    errors = [d for d in outcome.diagnostics if d.severity == "error" and d.code not in _CHECK_CODES]
    if errors:
        click.echo(render_text(errors, plan.sink.sources, limit=20), err=True)
        click.echo("the scenarios these errors hold in are infeasible", err=True)
    # warnings (an input outside its published range): the figures they flag are marked where the plan shows them
    warnings = [d for d in outcome.diagnostics if d.severity == "warning"]
    if warnings:
        click.echo(render_text(warnings, plan.sink.sources, limit=20), err=True)
    if fmt == "json":
        click.echo(json.dumps(to_json(search, spec, plan, outcome, units), indent=2))
    else:
        click.echo(to_text(search, plan, outcome, units, displays), nl=False)
    if heatmap:
        try:
            with open(heatmap, "w", encoding="utf-8") as f:
                f.write(search.heatmap.svg(objectives[0], units.get(objectives[0].path, ""),
                                           displays.get(objectives[0].path, ""), search.best, units, displays))
        except OSError as exc:
            click.echo(f"error: cannot write {heatmap}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_USAGE)
        click.echo(f"wrote {heatmap}", err=True)
    if outcome.interrupted:
        click.echo(f"interrupted: {outcome.written:,} of {plan.count:,} scenarios searched; the answer covers "
                   "those only", err=True)
        sys.exit(EXIT_USAGE)
    found = search.best is not None if len(objectives) == 1 else bool(search.front)
    sys.exit(EXIT_OK if found else EXIT_SPEC_ERRORS)
