"""Middle and back ends of factory-dsl: lowering, graph, evaluation, physical models, rendering, CLI.

Pipeline: dsl (checked AST) -> compiler.lower (graph of named quantities) -> compiler.evaluate (NumPy
arrays over the scenario axis) -> render. `compiler` may import `dsl`; `dsl` never imports `compiler`.
"""
from __future__ import annotations

FORMAT_VERSION = "1"   # the version of the results JSON contract (and of every JSON document the CLI writes)


def evaluate_text(text: str, name: str = "<memory>.factory", defines: dict[str, str] | None = None,
                  root: str | None = None, evaluate_all: bool = True):
    """Check, lower and evaluate a spec held in memory. Returns (Results or None, Sink)."""
    import dsl

    checked, sink = dsl.check_text(text, name, defines, root)
    return _lower_and_evaluate(checked, sink, evaluate_all)


def evaluate_files(paths: list[str], defines: dict[str, str] | None = None, root: str | None = None,
                   evaluate_all: bool = True):
    """Check, lower and evaluate spec files. Returns (Results or None, Sink)."""
    import dsl

    checked, sink = dsl.check_files(paths, defines, root)
    return _lower_and_evaluate(checked, sink, evaluate_all)


def _lower_and_evaluate(checked, sink, evaluate_all: bool):
    if checked is None or sink.has_errors():   # before the imports: a spec with errors never loads numpy
        return None, sink
    from .evaluate import evaluate
    from .lower import lower

    lowering = lower(checked, sink)
    if sink.has_errors():
        return None, sink
    return evaluate(lowering, sink, only_checks=not evaluate_all), sink
