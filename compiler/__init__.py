"""Middle and back ends of factory-dsl: lowering, graph, evaluation, physical models, rendering, CLI.

Pipeline: dsl (checked AST) -> compiler.lower (graph of named quantities) -> compiler.evaluate (NumPy
arrays over the scenario axis) -> render. `compiler` may import `dsl`; `dsl` never imports `compiler`.
"""
from __future__ import annotations

FORMAT_VERSION = "1"   # the version of the results JSON contract (and of every JSON document the CLI writes)
STDIN_NAME = "<stdin>"   # what every surface calls a spec read from standard input that `--stdin-name` does not name


def evaluate_text(text: str, name: str = "<memory>.factory", defines: dict[str, str] | None = None,
                  root: str | None = None, evaluate_all: bool = True):
    """Check, lower and evaluate a spec held in memory. Returns (Results or None, Sink)."""
    import dsl

    checked, sink = dsl.check_text(text, name, defines, root)
    return _lower_and_evaluate(checked, sink, evaluate_all)


def evaluate_files(paths: list[str], defines: dict[str, str] | None = None, root: str | None = None,
                   evaluate_all: bool = True, guard=None):
    """Check, lower and evaluate spec files. Returns (Results or None, Sink). `guard(lowering, sink)`, if given,
    runs after lowering and may report errors that stop the run before evaluation (`compiler.memory_guard`)."""
    import dsl

    checked, sink = dsl.check_files(paths, defines, root)
    return _lower_and_evaluate(checked, sink, evaluate_all, guard)


def check_files(paths: list[str], defines: dict[str, str] | None = None, root: str | None = None):
    """What `factory check` runs: the front end, then lowering and evaluation of everything (asserts,
    built-in limits, rules, ranges and finite values), unless the spec holds nothing to evaluate
    (`nothing_to_evaluate`): then numpy and the models are never imported. Returns (checks, Sink)."""
    import dsl

    checked, sink = dsl.check_files(paths, defines, root)
    if len(paths) < 2 or checked is None or sink.has_errors():
        return _checks_of(checked, sink)
    return _checks_of_each(checked, sink, paths, defines, root)


def _checks_of_each(checked, sink, paths: list[str], defines: dict[str, str] | None, root: str | None):
    """`check_files` of several files: each is its own plan, evaluated alone (its params, lets and blocks by
    their names: two files' `param n` are two parameters), with the `-D`s that name its params; the front end's
    diagnostics of them all (`sink`, each shared import's once) and each evaluation's findings, once each. So
    checking several files reports what checking each alone reports, in any order."""
    import os

    import dsl
    from dsl import nodes as n

    entries = {module.path: module for module in checked.program.entries}
    checks: list = []
    for path in paths:
        module = entries.get(os.path.abspath(path))
        declared = {stmt.name for stmt in module.statements if isinstance(stmt, n.Param)} if module else set()
        own = {name: value for name, value in (defines or {}).items() if name in declared}
        one, one_sink = dsl.check_files([path], own, root)
        found, one_sink = _checks_of(one, one_sink)
        checks += found
        for name, source in one_sink.sources.items():
            sink.sources.setdefault(name, source)
        kept = {(d.code, d.message, d.span): d for d in sink.items}
        for diag in one_sink.items:
            same = kept.get((diag.code, diag.message, diag.span))
            if same is not None and same is not diag:   # a stdlib part two files use: the places in both
                same.related += [r for r in diag.related if r not in same.related]
            sink.report(diag)               # (the same front-end finding twice is reported once)
    return checks, sink


def check_text(text: str, name: str = "<memory>.factory", defines: dict[str, str] | None = None,
               root: str | None = None):
    """`check_files` of a spec held in memory. Returns (checks, Sink)."""
    import dsl

    checked, sink = dsl.check_text(text, name, defines, root)
    return _checks_of(checked, sink)


def _checks_of(checked, sink):
    if checked is not None and not sink.has_errors() and nothing_to_evaluate(checked):
        return [], sink
    results, sink = _lower_and_evaluate(checked, sink, True)
    return (results.checks if results is not None else []), sink


def nothing_to_evaluate(checked) -> bool:
    """True when the entry files of a checked, error-free spec hold only imports and params given one
    literal each (a number, a quantity, a text or a truth value; after `-D`): such a spec has no assert, no
    block (so no built-in limit or rule), no computed value, and one scenario, and every literal the front
    end accepted is finite, so lowering and evaluating it could report nothing. A list, a range or any
    expression is not literal here (a sweep can exceed the scenario limit, an expression can divide by
    zero): those specs are evaluated."""
    from dsl import nodes as n

    literal = (n.Number, n.Quantity, n.String, n.Bool)
    defines = checked.defines
    for module in checked.program.entries:
        for stmt in module.statements:
            if isinstance(stmt, n.Import):
                continue
            if not isinstance(stmt, n.Param) or not isinstance(defines.get(stmt.name, stmt.value), literal):
                return False
    return True


def _lower_and_evaluate(checked, sink, evaluate_all: bool, guard=None):
    if checked is None or sink.has_errors():   # before the imports: a spec with errors never loads numpy
        return None, sink
    from .evaluate import evaluate
    from .lower import lower

    lowering = lower(checked, sink)
    if guard is not None and not sink.has_errors():
        guard(lowering, sink)
    if sink.has_errors():
        return None, sink
    results = evaluate(lowering, sink, only_checks=not evaluate_all)
    place_stdlib_diagnostics(results, sink)
    return results, sink


STDLIB_PREFIX = "<stdlib>"


def place_stdlib_diagnostics(results, sink) -> None:
    """A diagnostic whose place is a stdlib definition (an unpriced LPU of `<stdlib>/systems.factory`) gets the place
    in the user's spec that uses the part as a related span, "`s.h.r.g` places it": the nearest block above it, by
    the quantities it is about, whose name is written in a spec. The text form shows it as a note; SARIF, GitHub
    and GitLab, which must place every finding in a spec file, anchor it there (compiler.ci_formats), not at line 1
    of the first spec given, which may not hold the part at all (s18-small)."""
    from dsl.diagnostics import Related

    nodes = results.graph.nodes if results is not None else {}
    for diag in sink.items:
        if diag.span is None or not diag.span.file.startswith(STDLIB_PREFIX) or any(
                not r.span.file.startswith(("<", "-")) for r in diag.related):
            continue
        for quantity in diag.quantities:
            node = nodes.get(quantity)
            inst = node.instance if node is not None else None
            while inst is not None and inst.block.name_span.file.startswith(STDLIB_PREFIX):
                inst = inst.parent
            if inst is not None:
                diag.related.append(Related(inst.block.name_span, f"`{inst.path}` places it"))
                break
