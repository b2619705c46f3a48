"""The `factory` command line: check, eval (more verbs arrive with the models and renderers).

Pipeline position: top; drives dsl -> lower -> evaluate -> render. Imports click, `dsl`, `compiler`.
Exit codes (contract): 0 success; 1 the specs have errors (syntax, names, units, failed asserts);
2 bad command-line use, an unreadable file, or an internal error (one short line, never a traceback).

Start-up is what an editor or a pre-commit hook feels on every `factory check`, so this module imports
only click and the two light leaf modules `dsl.diagnostics` and `dsl.source` (the `dsl` package resolves
its public names on first use): each command imports what it needs when it runs (numpy and the models with
lowering and evaluation, pydantic, jinja2 and graphviz with the renderers, pygls with the language server),
and `optimize` is registered by name and imported only when it is run or listed. tests/test_startup.py
keeps `import compiler.cli` free of numpy, pydantic, jinja2, lark and the models. The plainest
`factory check FILE...` does not even import click: the console script (`compiler.launch.main`) and
`python -m compiler.cli` (the first lines below) run it in `compiler.launch`, which the `check` command
shares its text output, exit code and internal-error handling with.
"""
from __future__ import annotations

import sys

if __name__ == "__main__":   # `python -m compiler.cli`: a plain `check FILE...` runs without click (compiler.launch)
    from compiler.launch import plain_check

    plain_check(sys.argv[1:])

import json
import os
from functools import wraps

import click

from dsl.diagnostics import Code, ERROR, Sink, did_you_mean, render_text, summary_line

from . import FORMAT_VERSION, STDIN_NAME   # the one version of every JSON document the CLI writes
from .launch import CLI_CODES as _CLI_CODES, EXIT_OK, EXIT_SPEC_ERRORS, EXIT_USAGE, MAX_ERRORS, \
    check_text_report, exit_code as _exit_code, internal_error


def _guard(func):
    """Turns any unexpected exception into the contract's one-line internal error (exit 2)."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except Exception as exc:  # noqa: BLE001 - the contract: never a bare traceback
            internal_error(exc, click.echo)   # one line and exit 2 (a reader that went away: exit 0 quietly)
    return wrapper


def _parse_defines(defines: tuple[str, ...], vary: tuple[str, ...] = ()) -> dict[str, str]:
    """-D NAME=VALUE items (and optimize's --vary NAME=RANGE, kept as VaryValue: its errors name --vary)."""
    from dsl.check import VaryValue

    out: dict[str, str] = {}
    for i, item in enumerate(defines + vary):
        flag = "-D" if i < len(defines) else "--vary"
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier() or not value.strip():
            example = "-D gpus=1000 or -D price=0.08USD/kWh" if flag == "-D" else "--vary halls=1..8"
            raise click.BadParameter(f"`{item}` is not name=value (for example {example})", param_hint=flag)
        if name in out and out[name] != value.strip():
            both = (out[name], value.strip())
            # a list holds values written out: two plain values make one; a range or a list does not nest
            how = (f"as a list for several scenarios: {flag} {name}=[{both[0]}, {both[1]}]"
                   if not any(".." in v or "[" in v for v in both) else
                   "as one range or list for several scenarios (a list's values are numbers: [1, 2, 5])")
            raise click.BadParameter(f"`{name}` is given twice ({both[0]} and {both[1]}); give it once, {how}",
                                     param_hint=flag)
        out[name] = value.strip() if flag == "-D" else VaryValue(value.strip())
    return out


def _unusable(path: str) -> str | None:
    """Why `path` cannot be read as a spec (one line, for `error: ...`), or None when it can."""
    if path == "-" and not os.path.exists(path):
        return ("`-` (standard input) is read by `factory check -` and `factory fmt -` only; save the spec to a file "
                "to run this command on it")
    if not os.path.exists(path):
        why = "a symbolic link that leads nowhere (or round in a loop)" if os.path.islink(path) else "no such file"
        return f"{path}: {why}"
    if os.path.isdir(path):
        return f"{path} is a directory; name the .factory files in it"
    if not os.path.isfile(path):   # a FIFO would block the read, a device like /dev/zero never ends
        return f"{path} is not a regular file (a named pipe, a device or a socket); name a .factory file"
    if not os.access(path, os.R_OK):
        return f"{path}: permission denied"
    return None


def _require_files(paths: tuple[str, ...]) -> None:
    for path in paths:
        why = _unusable(path)
        if why is not None:
            click.echo(f"error: {why}", err=True)
            sys.exit(EXIT_USAGE)


def run_pipeline(paths: list[str], defines: dict[str, str], root: str | None, evaluate_all: bool):
    """Front end, then (if it found no errors) lowering and evaluation. Returns (results or None, sink). A sweep
    whose estimated memory passes half the machine's is refused before evaluation (`compiler.memory_guard`)."""
    from . import evaluate_files
    from .memory_guard import default_limit, guard

    return evaluate_files(paths, defines, root, evaluate_all,
                          guard("table", None, default_limit(), paths[0], command="other") if paths else None)


def _diagnostics_json(sink: Sink) -> list[dict]:
    return sink.to_json()


class _Commands(click.Group):
    """The command group; commands kept in other modules are registered by name (`LAZY_COMMANDS`) and
    imported only when they are run or listed (`factory --help`)."""

    LAZY_COMMANDS = {"optimize": ("compiler.scale_cli", "optimize")}   # docs/scale.md

    def list_commands(self, ctx):
        return sorted(set(super().list_commands(ctx)) | set(self.LAZY_COMMANDS))

    def get_command(self, ctx, name):
        if name in self.LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, attribute = self.LAZY_COMMANDS[name]
            self.add_command(getattr(importlib.import_module(module), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="factory-dsl", prog_name="factory")
def main() -> None:
    """factory: plan AI factories (data centers that produce tokens) in checked .factory specs."""


_define_option = click.option("-D", "--define", "defines", multiple=True, metavar="NAME=VALUE",
                              help="Override a `param` (repeatable): -D gpus=20000, -D 'gpus=1000..20000 step 1000' "
                                   "(a range quoted: one argument).")
_root_option = click.option("--root", type=click.Path(file_okay=False, exists=True), default=None,
                            help="Folder that imports may not leave (default: each spec's own folder).")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--format", "fmt", type=click.Choice(["text", "json", "sarif", "github", "gitlab"]), default="text",
              show_default=True, help="text for people; json (docs/diagnostics.schema.json); sarif (SARIF 2.1.0, "
              "for code scanning); github (workflow commands that annotate a pull request); gitlab (a Code Quality "
              "report for a merge request). See docs/ci.md.")
@click.option("--max-errors", default=MAX_ERRORS, type=click.IntRange(min=0), show_default=True,
              help="Diagnostics shown in text form.")
@click.option("--stdin-name", default=STDIN_NAME, show_default=True, metavar="NAME",
              help="The file name diagnostics give a spec read from standard input (`factory check -`); "
              "its imports resolve from NAME's folder.")
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error", show_default=True,
              help="Which diagnostics make the exit code 1: errors only, or warnings too (a figure a warning "
              "flags, an input outside its published range), as `factory plan --fail-on`.")
@_define_option
@_root_option
@_guard
def check(files, fmt, max_errors, stdin_name, defines, root, fail_on):
    """Check specs: syntax, names, types, units, imports and asserts. Exit 0 clean, 1 errors (or warnings with
    --fail-on warning), 2 usage.

    FILE `-` reads one spec from standard input."""
    if "-" in files and len(files) > 1:
        click.echo("error: `-` (standard input) must be the only spec to check", err=True)
        sys.exit(EXIT_USAGE)
    define_map = _parse_defines(defines)
    from . import check_files, check_text

    unusable, shown = [], files
    if files == ("-",):
        text = _read_stdin()
        checks, sink = check_text(text, stdin_name, define_map, root)
        names = [stdin_name]
        shown = (stdin_name,)       # JSON's `files` names it as its diagnostics do (session 25: before, `-`)
    else:
        # a file that cannot be read is a usage error (exit 2), but the others are still checked and their
        # diagnostics shown (session 24: before, one mistyped path hid every other file's diagnostics)
        unusable = [why for why in map(_unusable, files) if why is not None]
        for why in unusable:
            click.echo(f"error: {why}", err=True)
        readable = [path for path in files if _unusable(path) is None]
        if not readable:
            sys.exit(EXIT_USAGE)
        checks, sink = check_files(readable, define_map, root)
        names, shown = readable, tuple(readable)
    if fmt == "json":
        from .render.results import check_places

        out = {"format_version": FORMAT_VERSION, "files": list(shown),
               "ok": not sink.has_errors(),
               "checks": [{"name": c.name, "ok": c.ok, "message": c.message, **check_places(c)} for c in checks],
               "diagnostics": _diagnostics_json(sink)}
        click.echo(json.dumps(out, indent=2, sort_keys=False))
    elif fmt == "sarif":
        from .ci_formats import sarif_log

        click.echo(json.dumps(sarif_log(sink.items, names, sources=sink.sources), indent=2))
    elif fmt == "github":
        from .ci_formats import github_commands, limit_annotations

        click.echo(limit_annotations(github_commands(sink.items, names, sources=sink.sources)), nl=False)
        click.echo(summary_line(sink.items, len(shown)), err=True)
    elif fmt == "gitlab":
        from .ci_formats import gitlab_issues

        click.echo(json.dumps(gitlab_issues(sink.items, names, sources=sink.sources), indent=2))
        click.echo(summary_line(sink.items, len(shown)), err=True)
    else:
        check_text_report(sink, shown, max_errors, click.echo)    # (also run without click: compiler.launch)
    if unusable:
        sys.exit(EXIT_USAGE)
    if fail_on == "warning" and any(d.severity == "warning" for d in sink.items):
        sys.exit(EXIT_SPEC_ERRORS)       # (s23-hunt: before, a CI step could not fail on a flagged figure)
    sys.exit(_exit_code(sink))


_STDIN_LIMIT = 8 * 1024 * 1024     # the front end's file-size limit (file-too-large)


def _read_stdin() -> str:
    """Standard input as UTF-8 text; too large or not UTF-8 is a usage error (exit 2) with one line."""
    stream = getattr(sys.stdin, "buffer", None)
    data = stream.read(_STDIN_LIMIT + 1) if stream is not None else sys.stdin.read(_STDIN_LIMIT + 1).encode()
    if len(data) > _STDIN_LIMIT:
        click.echo("error: standard input is larger than 8 MiB; split the spec into modules", err=True)
        sys.exit(EXIT_USAGE)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        click.echo(f"error: standard input is not UTF-8 text (byte {exc.start})", err=True)
        sys.exit(EXIT_USAGE)
    return text[1:] if text.startswith("\ufeff") else text     # a BOM, as a file's (dsl.loader)


_SCALE_OPTIONS = [
    click.option("--output", "output", default=None, type=click.Path(dir_okay=False),
                 help="Stream the sweep, one row per scenario, to FILE (with FILE.meta.json: units, constants, "
                 "checks); a summary goes to standard output. See docs/scale.md."),
    click.option("--output-format", type=click.Choice(["csv", "parquet", "jsonl"]), default=None,
                 help="Format of --output (default: from its extension, else csv). parquet needs pyarrow."),
    click.option("--chunk-size", type=click.IntRange(min=1), default=None,
                 help="Scenarios evaluated at once (bounds the memory); implies streaming. [default: adaptive, "
                 "from 128, doubling while the rate improves; 20000 with --workers]"),
    click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
                 help="Processes evaluating chunks in parallel (same bytes as one)."),
    click.option("--scheduler", default=None, metavar="ADDRESS",
                 help="Evaluate chunks on a Dask cluster (`local` starts one with --workers processes)."),
    click.option("--quiet", is_flag=True, help="No progress bar on standard error."),
]


def _interruptible(func):
    """compiler.sweep.interruptible, imported when the command runs (it brings numpy)."""
    @wraps(func)
    def wrapper(*args, **kwargs):
        from .sweep import interruptible

        return interruptible(func)(*args, **kwargs)
    return wrapper


def _scale_options(func):
    for option in reversed(_SCALE_OPTIONS):
        func = option(func)
    return func


@main.command(name="eval")
@click.argument("spec", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--select", "select", default=None, metavar="PATTERN",
              help="Only quantities whose path matches this glob (e.g. 'site.*.power').")
@_define_option
@_root_option
@_scale_options
@click.option("--memory-limit", "memory_limit", default=None, metavar="SIZE",
              help="Refuse an in-memory sweep (no --output) whose estimated memory passes SIZE (16GB, 512MB, `none`). "
              "[default: half this machine's memory; docs/scale.md]")
@_interruptible
@_guard
def eval_cmd(spec, fmt, select, defines, root, output, output_format, chunk_size, workers, scheduler, quiet,
             memory_limit):
    """Evaluate a spec and print its quantities (table in readable units; JSON and CSV in SI).

    The table starts with the run's errors, warnings and failed checks; with --select, standard output
    holds only the selected quantities and the rest goes to standard error. With --output, --chunk-size,
    --workers or --scheduler the sweep is evaluated in chunks and streamed (docs/scale.md); the table of a
    large sweep is a summary (min / median / max per quantity)."""
    from .render.results import render_results
    from .render.table import render_table

    _require_files((spec,))
    if output or chunk_size or workers > 1 or scheduler:
        from .scale_cli import eval_streamed

        sys.exit(eval_streamed(spec, _parse_defines(defines), root, select, output, output_format,
                               chunk_size, workers, scheduler, quiet))
    from . import evaluate_files
    from .memory_guard import default_limit, guard, parse_size

    try:
        limit = default_limit() if memory_limit is None else parse_size(memory_limit)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--memory-limit")
    results, sink = evaluate_files([spec], _parse_defines(defines), root, True, guard(fmt, select, limit, spec))
    if results is None:
        click.echo(render_text(sink.items, sink.sources), err=True)
        sys.exit(_exit_code(sink))
    from .sweep import SUMMARY_AT, results_summary

    _note_nothing_evaluated(results, sink, spec, select)
    if fmt == "table" and results.scenario_count > SUMMARY_AT:     # a large sweep: min / median / max
        from .render.table import banner_lines
        banner = "".join(line + "\n" for line in banner_lines(results, sink))
        click.echo((banner + "\n" if banner and not select else "") + results_summary(results, select, sink), nl=False)
        if banner and select:
            click.echo(banner, nl=False, err=True)
    elif fmt == "table":
        out, err = render_table(results, sink, select)
        click.echo(out, nl=False)
        if err:
            click.echo(err, nl=False, err=True)
    else:
        click.echo(render_results(results, spec, sink, fmt, select), nl=False)
    errors = [d for d in sink.items if d.severity == ERROR]
    if errors and fmt != "json":    # JSON carries them; a table or CSV reader sees them on stderr
        click.echo(render_text(errors, sink.sources), err=True)
    sys.exit(_exit_code(sink))


def _note_nothing_evaluated(results, sink: Sink, spec: str, select: str | None) -> None:
    """An empty evaluation says so (a warning at the spec's first line), rather than an empty table and a
    silent exit 0: a spec that declares nothing (an empty or truncated file, or imports only), or a --select
    that matches no quantity."""
    import fnmatch

    source = sink.sources.get(spec) or next((s for s in sink.sources.values()
                                             if os.path.abspath(s.name) == os.path.abspath(spec)), None)
    span = source.span(0, 0) if source is not None else None
    if sink.has_errors():
        return          # the errors say why
    if not results.values and not results.checks:
        sink.warning(Code.NOTHING_TO_EVALUATE, f"`{spec}` declares nothing to evaluate: no param, let, assert "
                     "or block of its own", span, help="an empty or cut-off file?")
    elif select and not any(fnmatch.fnmatchcase(p, select) for p in results.values):
        # a path with no glob in it is a misspelt one (`dc.chat.tokens_per_sec`): the nearest, as `explain` says
        # (in the message: the table prints a warning's message alone)
        near = did_you_mean(select, results.values) if not any(c in select for c in "*?[") else None
        sink.warning(Code.NOTHING_TO_EVALUATE, f"--select `{select}` matches no quantity ({len(results.values)} "
                     f"in all){'; ' + near if near else ''}", span, help="paths are dotted and the pattern is a glob: "
                     f"--select '{next(iter(sorted(results.values)))}' or --select '*power*'")


@main.command(name="graph")
@click.argument("spec", type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_define_option
@_root_option
@_guard
def graph_cmd(spec, fmt, defines, root):
    """Show the bound evaluation graph (IR): each quantity with its op, SI unit, source line and inputs,
    in the topological order evaluation runs (docs/graph.md). Nothing is evaluated."""
    from .ir import dump_text as graph_text, graph_of_files

    _require_files((spec,))
    doc, sink = graph_of_files([spec], _parse_defines(defines), root, FORMAT_VERSION)
    if sink.items:
        click.echo(render_text(sink.items, sink.sources), err=True)
    if doc is not None:
        click.echo(json.dumps(doc, indent=2) if fmt == "json" else graph_text(doc), nl=fmt == "json")
    sys.exit(_exit_code(sink))


@main.command()
@click.argument("spec", type=click.Path())
@click.argument("path")
@click.option("--depth", default=8, type=click.IntRange(min=0), show_default=True, help="How many levels of inputs to expand.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_define_option
@_root_option
@_guard
def explain(spec, path, depth, fmt, defines, root):
    """Show how one quantity is derived: formula, inputs, source lines and citations, down the tree."""
    from .explain import derivation, render_text as render_tree, total_of

    _require_files((spec,))
    results, sink = run_pipeline([spec], _parse_defines(defines), root, evaluate_all=True)
    if results is None:
        click.echo(render_text(sink.items, sink.sources), err=True)
        sys.exit(_exit_code(sink))
    if path not in results.graph.nodes and total_of(results, path) is None:
        parent = path.rpartition(".")[0]
        totals = [f"totals.{name}" for name in getattr(results, "totals", {})]
        siblings = [p for p in [*results.graph.nodes, *totals] if p.rpartition(".")[0] == parent]
        hint = did_you_mean(path, siblings or list(results.graph.nodes)) or \
            "list the quantities with `factory eval SPEC`"
        click.echo(f"error: `{path}` is not a quantity of {spec}\n  help: {hint}", err=True)
        sys.exit(EXIT_USAGE)
    from .display import in_scenarios
    from .render.report_format import flagged_quantities, flagged_scenarios
    from .render.view import ResultsView, scenarios_text

    view = ResultsView(results)

    def named(scenarios: list[int]) -> str:     # "in 1 of 3 scenarios: acc=1", as the report names them
        return f"in {in_scenarios(len(scenarios), results.scenario_count)}: {scenarios_text(view, scenarios)}"

    tree = derivation(results, path, sink.sources, depth, flagged_quantities(results, sink),
                      flagged_scenarios(results, sink), named)
    if fmt == "json":
        click.echo(json.dumps(tree, indent=2))
    else:
        click.echo(render_tree(tree), nl=False)
    errors = [d for d in sink.items if d.severity == ERROR]
    if errors:                      # a NaN, an out-of-range value or a failed assert is flagged here too
        click.echo(render_text(errors, sink.sources), err=True)
    sys.exit(_exit_code(sink))


@main.command()
@click.argument("spec", type=click.Path())
@click.option("-o", "--output", "out_dir", default="build", show_default=True, type=click.Path(),
              help="Folder to write report.html, report.md, results.json and the diagrams into.")
@_define_option
@_root_option
@_guard
def build(spec, out_dir, defines, root):
    """Build a report: report.html, report.md, results.json and four SVG diagrams in one folder.

    Failed asserts are shown in the report and make the exit code 1; the files are written anyway."""
    from .render.report import build as build_report

    _require_files((spec,))
    results, sink = run_pipeline([spec], _parse_defines(defines), root, evaluate_all=True)
    if results is None:
        click.echo(render_text(sink.items, sink.sources), err=True)
        sys.exit(_exit_code(sink))
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        click.echo(f"error: {out_dir} exists and is not a folder", err=True)
        sys.exit(EXIT_USAGE)
    _note_nothing_evaluated(results, sink, spec, None)      # (s24-hunt: an empty file built an empty report silently)
    try:
        written, notes = build_report(results, spec, sink, out_dir)
    except OSError as exc:
        click.echo(f"error: cannot write to {out_dir}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    if sink.items:
        click.echo(render_text(sink.items, sink.sources), err=True)
    for note in notes:
        click.echo(f"note: {note}", err=True)
    for path in written:
        click.echo(f"wrote {path}")
    sys.exit(_exit_code(sink))


DIAGRAM_DIR = "build"           # `factory diagram`'s folder without -o: `factory build`'s default


def _diagram_format(fmt: str | None, output: str | None) -> str:
    """The format of `factory diagram`: --format, else the suffix of -o (.svg, .png, .dot), else svg. A suffix that
    names another format than --format, or none of the three, is a usage error: `-o plan.png` wrote SVG text into
    plan.png, which no image viewer opens."""
    suffix = os.path.splitext(output)[1].lower().lstrip(".") if output and output != "-" else ""
    if suffix and suffix not in ("svg", "png", "dot"):
        click.echo(f"error: -o {output}: a diagram is written as .svg, .png or .dot, not .{suffix}", err=True)
        sys.exit(EXIT_USAGE)
    if fmt and suffix and suffix != fmt:
        click.echo(f"error: -o {output} names a .{suffix} file but --format {fmt} was given; "
                   f"use -o with .{fmt}, or drop --format", err=True)
        sys.exit(EXIT_USAGE)
    return fmt or suffix or "svg"


@main.command()
@click.argument("spec", type=click.Path())
@click.option("--view", type=click.Choice(["physical", "network", "power", "cooling"]), default="physical",
              show_default=True, help="physical: site > hall > row > rack; network: switch tiers and links; "
              "power: one-line from the utility to the racks; cooling: loops, CDUs, CRAHs and plant.")
@click.option("--format", "fmt", type=click.Choice(["svg", "png", "dot"]), default=None,
              help="svg, png or dot (default: the suffix of -o, else svg).")
@click.option("-o", "--output", "output", default=None, type=click.Path(dir_okay=False, allow_dash=True),
              help="File to write (default: build/ and SPEC's name, the view and the format, e.g. "
              "build/campus.power.svg; build/ is where `factory build` writes); "
              "`-` prints DOT or SVG on standard output.")
@click.option("--scenario", default=1, show_default=True, type=click.IntRange(min=1),
              help="Which scenario of a parameter sweep to draw (1 = the first).")
@_define_option
@_root_option
@_guard
def diagram(spec, view, fmt, output, scenario, defines, root):
    """Draw one view of a plan with Graphviz (SVG, PNG or DOT text).

    Repeated items are drawn once with their count and per-item figures. Without a Graphviz program (the system
    `dot` or the embedded `graphviz-pure`) the DOT text is written instead, with how to install one, and the exit
    code is 2: the file asked for was not made (`factory build` exits 0 there: its report is whole). Failed asserts
    are reported and make the exit code 1; the diagram is drawn anyway."""
    from .render.diagram import DIAGRAM_EXIT_WHY, INSTALL_HINT, GraphvizMissing, missing_text, diagram_dot, \
        render_diagram, write_diagram

    _require_files((spec,))
    fmt = _diagram_format(fmt, output)
    results, sink = run_pipeline([spec], _parse_defines(defines), root, evaluate_all=True)
    if results is None:
        click.echo(render_text(sink.items, sink.sources), err=True)
        sys.exit(_exit_code(sink))
    if scenario > results.scenario_count:
        click.echo(f"error: --scenario {scenario}: the plan has {results.scenario_count} scenario(s)", err=True)
        sys.exit(EXIT_USAGE)
    from .render.report_format import flagged_quantities
    from .render.view import problems
    dot_text = diagram_dot(results, view, scenario - 1, flagged_quantities(results, sink), problems(results, sink))
    _note_nothing_evaluated(results, sink, spec, None)      # (s24-hunt: an empty file drew an empty site silently)
    errors = [d for d in sink.items if d.severity == ERROR or d.code == Code.NOTHING_TO_EVALUATE]
    if errors:
        click.echo(render_text(errors, sink.sources), err=True)
    if output == "-":
        if fmt == "png":
            click.echo("error: a PNG cannot go to standard output; name a file with -o", err=True)
            sys.exit(EXIT_USAGE)
        if fmt == "dot":
            click.echo(dot_text, nl=False)
        else:
            try:
                click.echo(render_diagram(dot_text, fmt).decode("utf-8"), nl=False)
            except GraphvizMissing as exc:
                click.echo(f"error: {missing_text(exc)}; use --format dot, or {INSTALL_HINT} ({DIAGRAM_EXIT_WHY})",
                           err=True)
                sys.exit(EXIT_USAGE)
        sys.exit(_exit_code(sink))
    if output is None:          # build/, as `factory build`: never litter the current folder
        stem = os.path.splitext(os.path.basename(spec))[0]
        output = os.path.join(DIAGRAM_DIR, f"{stem}.{view}.{fmt}")
    problem = write_diagram(dot_text, output, fmt)
    if problem:
        click.echo(f"error: {problem}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"wrote {output}")
    sys.exit(_exit_code(sink))



@main.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path())
@click.option("--base-ref", default=None, metavar="GIT_REF",
              help="Compare SPEC with its version at this git ref (branch, tag, commit; `main...` for the commit "
                   "the branch left main at, their merge base) instead of OLD.")
@click.option("--policy", "policy_file", default=None, type=click.Path(dir_okay=False),
              help="TOML gates on KPIs, e.g. [usd_per_mtok] max_increase = \"5%\", [pue] max = 1.2, [tco_year] max = "
                   "\"30e6 USD/yr\" (a bare number is in SI units); a violated gate exits 4.")
@click.option("--fail-on", type=click.Choice(["error", "warning", "none"]), default="error", show_default=True,
              help="Which diagnostics of the new spec make the exit code 1.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "markdown", "github"]), default="text",
              show_default=True, help="json: schema in docs/plan.schema.json; markdown: a pull-request comment; "
              "github: workflow commands (annotations).")
@click.option("--scenario", default=1, show_default=True, type=click.IntRange(min=1),
              help="Which scenario of a parameter sweep to compare (1 = the first).")
@_define_option
@_root_option
@_guard
def plan(specs, base_ref, policy_file, fail_on, fmt, scenario, defines, root):
    """Compare two versions of a spec: KPI deltas, parts added/removed/changed, checks newly failing, fixed, added or
    removed.

    `factory plan OLD NEW`, or `factory plan SPEC --base-ref main`. Exit codes: 0 no change, 3 changed,
    4 a --policy gate violated, 1 the new spec has errors, 2 usage or internal error (docs/ci.md)."""
    from .plan import PlanError, Snapshot, base_snapshot, compare, exit_code, explain_defines, load_policy, \
        render_markdown, render_text as render_plan, snapshot

    if base_ref is not None and len(specs) != 1:
        raise click.UsageError("with --base-ref, name one SPEC (it is compared with its version at the ref)")
    if base_ref is None and len(specs) != 2:
        raise click.UsageError("name two specs, OLD and NEW (or one SPEC and --base-ref GIT_REF)")
    # with --base-ref, a spec the work tree no longer has may be one the change deletes: planned as removed if it
    # exists at the ref (`new_missing`), else "no such file" as before
    deleted = base_ref is not None and not os.path.lexists(specs[0]) and os.path.isdir(
        os.path.dirname(os.path.abspath(specs[0])))
    if not deleted:
        _require_files(specs)
    define_map = _parse_defines(defines)
    try:
        policy = load_policy(policy_file) if policy_file else None
        # the new spec first: the old one's figures are read at the same point of a sweep (plan.scenario_pairs)
        if deleted:
            new = Snapshot(specs[0], False, sink=Sink(), missing=True)
        else:
            new = snapshot([specs[-1]], specs[-1], define_map, root, scenario - 1)
        if base_ref is not None:
            old = base_snapshot(base_ref, specs[0], define_map, root, scenario - 1, new)
        else:
            old = snapshot([specs[0]], specs[0], define_map, root, scenario - 1, new)
    except PlanError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if deleted and old.missing:          # at neither side: the path is wrong, not a deletion
        _require_files(specs)
    explain_defines(old, new)        # a -D one side lacks: which side, and how to give it to one side only
    for snap in (old, new):
        if any(d.code in _CLI_CODES for d in snap.sink.errors):
            click.echo(render_text(snap.sink.items, snap.sink.sources), err=True)
            sys.exit(EXIT_USAGE)
    doc = compare(old, new, policy, scenario - 1)
    if fmt == "json":
        click.echo(json.dumps(doc, indent=2))
    elif fmt == "markdown":
        click.echo(render_markdown(doc), nl=False)
    elif fmt == "github":
        from .ci_formats import RepositoryPaths, github_commands, limit_annotations
        from .plan import render_github
        paths = RepositoryPaths()       # found once for the diagnostics' annotations and the plan's
        annotations = github_commands(new.sink.items, [specs[-1]], paths, new.sink.sources)
        click.echo(limit_annotations(annotations + render_github(doc, paths)), nl=False)
    else:
        click.echo(render_plan(doc), nl=False)
    if not old.evaluated and not old.missing:     # why every figure is new: the old spec's errors, in any format
        click.echo(f"the old spec ({old.spec}) could not be evaluated:", err=True)
        errors = render_text(old.sink.errors, old.sink.sources)
        click.echo(old.places(errors) if old.places else errors, err=True)     # --base-ref: at PATH@REF
    if new.sink.items and fmt == "text":
        click.echo(render_text(new.sink.items, new.sink.sources), err=True)
    sys.exit(exit_code(doc, fail_on))


main.add_command(plan, name="diff")


@main.command()
@click.argument("what", type=click.Choice(["inference", "training"]))
@click.option("--system", required=True, help="A stdlib server, rack or chip (DGX_H100, GB200_NVL72, H100_SXM, ...).")
@click.option("--count", type=click.IntRange(min=1), default=None, help="Accelerators (default: one system).")
@click.option("--model", required=True, help="A stdlib model (llama2-70b, Llama3_1_405B, mixtral-8x7b, ...).")
@click.option("--precision", type=click.Choice(["bf16", "fp8", "fp4", "int8"]), default=None)
@click.option("--input-tokens", type=click.FloatRange(min=1), default=None, help="Prompt length (inference).")
@click.option("--output-tokens", type=click.FloatRange(min=1), default=None, help="Generated tokens per request.")
@click.option("--ttft", default=None, help="Time-to-first-token limit (seconds unless a unit is given: 450ms).")
@click.option("--tpot", default=None, help="Time-per-output-token limit (seconds unless a unit is given: 40ms).")
@click.option("--scenario", type=click.Choice(["offline", "server", "interactive", "single_stream"]), default=None)
@click.option("--serving", type=click.Choice(["aggregated", "disaggregated"]), default=None)
@click.option("--demand", default=None, help="Output tokens per second to serve while busy (disaggregated: sizes "
              "the pools; aggregated: the load its accelerators carry; without --count the estimate places as many "
              "accelerators as carry it, accelerators_needed).")
@click.option("--power-cap", default=None, help="Power limit per accelerator (watts unless a unit is given).")
@click.option("--tokens", default=None, help="Training tokens (tokens unless a unit is given: 15Ttok).")
@click.option("--deadline", default=None, help="Training deadline (seconds unless a unit is given: 90day); "
              "without --count the estimate places accelerators_needed, the fewest that meet it.")
@click.option("--scaleup-size", type=click.IntRange(min=1), default=None,
              help="A bare chip's scale-up domain in chips (default: its stdlib server's, e.g. 8 for H100_SXM, 72 "
                   "for GB200; 1 for a card in no stdlib server).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--emit-spec", is_flag=True, help="Print the equivalent .factory spec and stop.")
@_guard
def estimate(what, system, count, model, precision, input_tokens, output_tokens, ttft, tpot, scenario, serving,
             demand, power_cap, tokens, deadline, scaleup_size, fmt, emit_spec):
    """Estimate inference or training on a stdlib system without writing a file.

    Builds the equivalent spec (see --emit-spec) and runs it through the same compiler."""
    from .estimate import EstimateError, Request, build_spec, evaluated, sized_by_target, table_text
    from .render.results import render_results

    req = Request(what, system, model, count, precision, input_tokens, output_tokens, ttft, tpot, scenario, tokens,
                  serving, demand, power_cap, deadline, scaleup_size)
    try:
        text = build_spec(req)
        if sized_by_target(req):              # sized to the demand (inference) or the deadline (training)
            req, text, results, sink = evaluated(req)
        elif not emit_spec:
            req, text, results, sink = evaluated(req)
    except EstimateError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if emit_spec:
        click.echo(text, nl=False)
        sys.exit(EXIT_OK)
    # the diagnostics' places are in the spec built from the flags, a file the user never wrote: say so
    built = "estimate.factory is the spec built from these flags; --emit-spec prints it"
    if results is None:
        click.echo(render_text(sink.items, sink.sources) + f"\n({built})", err=True)
        sys.exit(_exit_code(sink))
    if fmt == "json":
        click.echo(render_results(results, "estimate.factory", sink, "json", "estimate.*"), nl=False)
    else:
        click.echo(table_text(results, sink, what), nl=False)
        if sink.items:
            click.echo(render_text(sink.items, sink.sources) + f"\n({built})", err=True)
    sys.exit(_exit_code(sink))



class _MechanismOption(click.Option):
    """`validate --with` / `--without`: the help names the mechanisms of compiler/validate.py's MECHANISM_TABLE,
    read when the help is shown (so the CLI does not import the validate module, and numpy, to start): --with
    those validate does not apply everywhere they concern (with the scenarios where it already does), --without
    those it applies somewhere."""

    def __init__(self, *args, which: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.which = which

    def get_help_record(self, ctx):
        from .validate import MECHANISM_TABLE
        if self.which == "without":
            names = [name for name, m in MECHANISM_TABLE.items() if m.applied]
        else:
            names = [name + (f" beyond {'/'.join(m.applied)}" if m.applied else "")
                     for name, m in MECHANISM_TABLE.items() if set(m.applied) != set(m.concerns)]
        template, self.help = self.help, self.help.format(names=", ".join(names))
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = template


@main.command()
@click.argument("csv_path", type=click.Path())
@click.option("--fit", "do_fit", is_flag=True, help="Also print the global efficiency factors that fit the file best.")
@click.option("--user", "user", is_flag=True,
              help="CSV_PATH holds your own measurements: columns spec, quantity, measured, unit (see docs/validate.md).")
@click.option("--all-diagnostics", "all_diagnostics", is_flag=True,
              help="With --user: also show the specs' warnings about outputs that no row compares (counted, and "
                   "hidden, by default).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--latency-at", "latency_at", type=click.Choice(["capacity", "load"]), default="capacity",
              show_default=True,
              help="Compare TTFT/TPOT rows at the model's capacity point (an MLPerf Server result is the "
                   "submitter's capacity under the latency limits) or at the submission's measured throughput.")
@click.option("--with", "with_", multiple=True, metavar="MECHANISM", cls=_MechanismOption, which="with",
              help="Apply a mechanism that is measured but not applied ({names}) in every scenario it concerns, to "
                   "reproduce docs/accuracy.md's figures. Repeatable.")
@click.option("--without", "without", multiple=True, metavar="MECHANISM", cls=_MechanismOption, which="without",
              help="Leave out a mechanism validate applies ({names}). Repeatable.")
@_guard
def validate(csv_path, do_fit, user, all_diagnostics, fmt, latency_at, with_, without):
    """Compare the models with measurements: an MLPerf-shaped CSV (throughput, time-to-train, TTFT/TPOT and power
    rows: predicted, measured and error per row; per category the median error with its 95% interval (a bootstrap
    over the submissions' configurations), the share of rows within 10%, the worst error and the coverage; the rows
    not covered with the reason), or with --user your own CSV of spec outputs and measured values.

    A row that cannot be read (too few fields, an unclosed quote, a measured value that is not a number above 0, a
    unit of the wrong kind) is reported at its line (`invalid-row`, `unit-mismatch`, ...) and skipped; the others
    are compared, and the exit code is 1. With --user a spec's warnings about outputs that no row compares (a $/Mtok
    that cannot be priced, say, where only tokens/s is compared) are counted in one line and not shown."""
    import csv

    from .validate import (HeaderError, fit, json_doc, mechanisms_with, render, render_user, run, run_user,
                           user_json_doc)

    _require_files((csv_path,))
    try:
        mechanisms = mechanisms_with(with_, without)
    except ValueError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if user and (with_ or without):
        click.echo("error: --with and --without apply to validate's MLPerf rows, not to --user measurements",
                   err=True)
        sys.exit(EXIT_USAGE)
    if all_diagnostics and not user:
        click.echo("error: --all-diagnostics applies to --user measurements", err=True)
        sys.exit(EXIT_USAGE)
    try:
        rows, sink = (run_user(csv_path, all_diagnostics) if user else
                      run(csv_path, latency_at=latency_at, mechanisms=mechanisms))
    except (ValueError, KeyError, csv.Error) as exc:
        place = f"{csv_path}:1:1" if isinstance(exc, HeaderError) else csv_path     # a header: its line
        click.echo(f"error: {place}: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    row_codes = (Code.INVALID_ROW,) if not user else (Code.INVALID_ROW, Code.UNIT_MISMATCH, Code.UNKNOWN_UNIT,
                                                      Code.UNKNOWN_NAME)
    if not user and any(d.code not in row_codes for d in sink.errors):
        click.echo(render_text(sink.items, sink.sources), err=True)
        sys.exit(_exit_code(sink))
    if sink.items:                  # rows that cannot be read: reported at their line, skipped, exit 1
        click.echo(render_text(sink.items, sink.sources), err=True)
    if user:
        if sink.hidden:             # counted, so that nothing is dropped silently
            count = len(sink.hidden)
            click.echo(f"{count} warning{'s' if count != 1 else ''} about outputs that no row compares "
                       f"{'are' if count != 1 else 'is'} hidden; --all-diagnostics shows them", err=True)
        if fmt == "json":
            out = {"format_version": FORMAT_VERSION, **user_json_doc(csv_path, rows),
                   "diagnostics": _diagnostics_json(sink), "hidden_warnings": len(sink.hidden)}
            click.echo(json.dumps(out, indent=2))
        else:
            click.echo(render_user(rows), nl=False)
        sys.exit(_exit_code(sink))
    if fmt == "json":
        out = {"format_version": FORMAT_VERSION, **json_doc(csv_path, rows),
               "mechanisms": {name: list(scenarios) for name, scenarios in mechanisms.items()},
               "diagnostics": _diagnostics_json(sink)}
        if do_fit:
            out["fit"] = fit(csv_path, mechanisms)
        click.echo(json.dumps(out, indent=2))
    else:
        click.echo(render(rows), nl=False)
        if with_ or without:        # not validate's own comparison: say which mechanisms it applied
            click.echo("mechanisms applied: " + (", ".join(f"{name} ({', '.join(scenarios)})"
                                                         for name, scenarios in mechanisms.items() if scenarios)
                                                 or "none"))
        if do_fit:
            found = fit(csv_path, mechanisms)
            click.echo("\nbest global factors: " + (", ".join(f"{k} = {v:g}" for k, v in found.items())
                                                    or "none (no compared rows to fit on)"))
    if any("internal_error" in r.extra for r in rows):   # the model raised on a row: a bug, named in its reason
        sys.exit(EXIT_USAGE)                             # (internal_error's exit code)
    sys.exit(_exit_code(sink))


@main.command(name="fmt")
@click.argument("files", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--check", "check_only", is_flag=True, help="Change nothing; exit 1 if a file is not formatted.")
@click.option("--diff", "show_diff", is_flag=True, help="Change nothing; print what would change as a unified diff.")
@_guard
def fmt_cmd(files, check_only, show_diff):
    """Format specs in place in the one canonical layout (`-` formats standard input to standard output).

    Only whitespace changes: indentation, spacing, blank lines; comments and strings are kept. Exit 0 when
    every file is (or now is) formatted, 1 with --check/--diff when one is not or a file has syntax errors,
    2 for an unreadable file."""
    import difflib
    from pathlib import Path

    from dsl.format import format_text
    from dsl.loader import read_source

    status = EXIT_OK
    for name in files:
        sink = Sink()
        if name == "-":
            from dsl.source import Source
            source = Source("<stdin>", _read_stdin())
        else:
            _require_files((name,))
            source = read_source(Path(name), name, sink)
        if source is None:
            click.echo(render_text(sink.items, sink.sources), err=True)
            sys.exit(EXIT_USAGE)
        result = format_text(source.text, source.name)
        if result.sink.items:
            click.echo(render_text(result.sink.items, result.sink.sources), err=True)
            status = max(status, EXIT_SPEC_ERRORS)
            continue
        if name == "-" and not (check_only or show_diff):
            click.echo(result.text, nl=False)
            continue
        if not result.changed:
            continue
        if show_diff:
            click.echo("".join(difflib.unified_diff(source.text.splitlines(True), result.text.splitlines(True),
                                                    f"{name} (before)", f"{name} (formatted)")), nl=False)
        if check_only or show_diff:
            if check_only:
                click.echo(f"would reformat {name}", err=True)
            status = max(status, EXIT_SPEC_ERRORS)
        else:
            problem = _replace_file(name, result.text)
            if problem:
                click.echo(f"error: cannot write {name}: {problem}; the file is left as it was", err=True)
                status = EXIT_USAGE
                continue
            click.echo(f"reformatted {name}", err=True)
    sys.exit(status)


def _replace_file(name: str, text: str) -> str | None:
    """Write `text` over the file `name` all at once: into a new file beside it (its mode copied), then renamed
    over it, so a failed write (a full disk, a read-only folder) leaves the spec as it was, never cut short; a
    symbolic link keeps pointing at its (rewritten) target. Returns why it could not, or None."""
    import tempfile

    target = os.path.realpath(name)
    tmp = None
    try:
        mode = os.stat(target).st_mode & 0o7777
        fd, tmp = tempfile.mkstemp(prefix=".fmt-", suffix=".factory", dir=os.path.dirname(target))
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        return exc.strerror or str(exc)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return None


@main.command(name="list")
@click.argument("module", required=False, metavar="[chips|systems|network|facility|models]")
@_guard
def list_cmd(module):
    """List the stdlib's definitions (of one module): kind, name and what each is."""
    from . import catalogue

    if module is not None and module not in catalogue.modules():
        click.echo(f"error: no stdlib module `{module}`; the modules are: " + ", ".join(catalogue.modules()),
                   err=True)
        sys.exit(EXIT_USAGE)
    click.echo(catalogue.list_text(module))


@main.command()
@click.argument("name")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_guard
def show(name, fmt):
    """Show one stdlib definition: every field with its value, unit and source (or the model computing it)."""
    from . import catalogue

    desc = catalogue.describe(name)
    if desc is None and name in catalogue.modules():         # `show chips`: a module, not a definition (s24-hunt)
        click.echo(f"error: `{name}` is a stdlib module, not a definition: `factory list {name}` lists its "
                   f"definitions, `factory show NAME` shows one", err=True)
        sys.exit(EXIT_USAGE)
    if desc is None:
        hint = catalogue.suggestions(name)
        click.echo(f"error: no stdlib definition `{name}`" + (f"; did you mean `{hint[0]}`?" if hint else "")
                   + " (`factory list` shows them all)", err=True)
        sys.exit(EXIT_USAGE)
    if fmt == "json":
        click.echo(json.dumps(catalogue.show_json(desc), indent=2))
    else:
        click.echo(catalogue.show_text(desc))


@main.command()
def lsp():
    """Run the language server over stdio (for editors: diagnostics, hover with values, completion,
    go-to-definition, references, rename, symbols, formatting, inlay hints)."""
    from . import evaluate, lower, models  # noqa: F401  (loaded now: the server evaluates every version,
    from .lsp.server import run             # and a first hover must not wait for numpy and the models)

    models._load()
    run()

if __name__ == "__main__":
    main()
