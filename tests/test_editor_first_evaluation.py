"""The editor's first evaluation (the checks' stage: `evaluate(..., only_checks=True)`) and what was done to make it
and each keystroke's check cheaper keep every result: byte-identical diagnostics and values.

Laws, on the benchmark's generated spec (bench/bench_check.py's generator, 600 lines) and the examples:
- the lazy node table (a node made when first read) gives the diagnostics and values the complete table gives (every
  node made before the evaluation begins);
- the field tables' checks (ordered pairs, plausibility) read one walk of the placed blocks (`checks._fields_of`): the
  same fields, in the same order, as a walk of each table of their own (`checks._table_fields`);
- the language server's analysis publishes, in its checks' stage, exactly the diagnostics of the check, lowering and
  `evaluate(..., only_checks=True)` run by hand, whatever the state of Python's garbage collector (the server runs
  with it off); a version cancelled before its stages begin is neither lowered nor evaluated;
- a version the editor drops leaves nothing to Python's cyclic collector: its checks' stage, its evaluation cancelled
  midway and its whole evaluation released (`Analysis.release`) are freed by reference counting alone (the server
  collects no whole heap while the user types); the server frees a superseded version once nothing else holds it
  (a version a request still reads is kept until then).
"""
from __future__ import annotations

import gc
import sys
from pathlib import Path

import numpy as np
import pytest

import dsl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def _specs() -> list[tuple[str, str, str]]:
    from bench_check import generate

    out = [("bench-600", generate(600), str(ROOT / "bench-600.factory"))]
    for name in ("enterprise_starter.factory", "inference_shootout.factory"):
        path = ROOT / "examples" / name
        out.append((name, path.read_text(encoding="utf-8"), str(path)))
    return out


SPECS = _specs()


def _rendered(items) -> list[tuple]:
    """Everything a diagnostic says, in the order it was reported."""
    def span(s):
        return None if s is None else (s.file, s.start, s.end, s.line, s.col, s.end_line, s.end_col)
    return [(d.severity, d.code, d.message, span(d.span), tuple(d.notes), d.help,
             tuple((r.label, span(r.span)) for r in d.related), tuple(getattr(d, "quantities", None) or ()))
            for d in items]


def _values(results) -> dict[str, tuple]:
    out = {}
    for path, value in results.values.items():
        if isinstance(value, np.ndarray):
            out[path] = (value.dtype.str, value.shape, value.tobytes())
        else:
            out[path] = (type(value).__name__, repr(getattr(value, "path", value)))
    return out


def _first_evaluation(text: str, name: str, complete: bool) -> tuple[list, dict]:
    from compiler.evaluate import evaluate
    from compiler.lower import lower

    checked, sink = dsl.Session().check_text(text, name)
    assert checked is not None and not sink.has_errors()
    lowering = lower(checked, sink)
    if complete:
        lowering.graph.nodes.complete()          # every node made before the evaluation reads one
    results = evaluate(lowering, sink, only_checks=True)
    return _rendered(sink.items), _values(results)


@pytest.mark.parametrize("label, text, name", SPECS, ids=[s[0] for s in SPECS])
def test_the_lazy_node_table_evaluates_as_the_complete_one(label: str, text: str, name: str) -> None:
    lazy = _first_evaluation(text, name, complete=False)
    complete = _first_evaluation(text, name, complete=True)
    assert lazy[0] == complete[0]
    assert lazy[1] == complete[1]
    assert lazy[0] or label != "bench-600"        # (the bench spec's figures break built-in limits: not vacuous)


@pytest.mark.parametrize("label, text, name", SPECS, ids=[s[0] for s in SPECS])
def test_the_field_tables_read_one_walk_as_each_table_walks_its_own(label: str, text: str, name: str) -> None:
    from dsl.schema import ORDERED

    from compiler.checks import _fields_of, _table_fields
    from compiler.evaluate import evaluate
    from compiler.lower import lower
    from compiler.plausible import PLAUSIBLE

    checked, sink = dsl.Session().check_text(text, name)
    results = evaluate(lower(checked, sink), sink, only_checks=True)
    union = {(kind, lower_): upper for kind, lower_, upper, _why in ORDERED}
    for p in PLAUSIBLE:
        union.setdefault((p.kind, p.field), "")
    found = list(_table_fields(results, union))
    pairs = {(kind, lower_): (upper, why) for kind, lower_, upper, why in ORDERED}
    plausible = {(p.kind, p.field): p for p in PLAUSIBLE}
    for table in (pairs, plausible):
        walked = [(node.path, name_, entry) for node, _inst, name_, entry in _table_fields(results, table)]
        assert [(node.path, name_, entry) for node, _inst, name_, entry in _fields_of(results, table, found)] == walked
    assert found


@pytest.mark.parametrize("collector", ["on", "off"])
def test_the_editor_checks_stage_is_the_hand_run_evaluation(tmp_path: Path, collector: str) -> None:
    from compiler.evaluate import evaluate
    from compiler.lower import lower
    from compiler.lsp.analysis import Analysis

    label, text, _name = SPECS[0]
    path = str(tmp_path / f"{label}.factory")
    checked, sink = dsl.Session().check_text(text, path, root=str(tmp_path))
    by_hand = dsl.Sink()
    for source in sink.sources.values():
        by_hand.add_source(source)
    evaluate(lower(checked, by_hand), by_hand, only_checks=True)
    was = gc.isenabled()
    (gc.enable if collector == "on" else gc.disable)()
    try:
        analysis = Analysis(text, path, str(tmp_path))
        shown = analysis.checks_diagnostics()
    finally:
        (gc.enable if was else gc.disable)()
    assert _rendered(shown) == _rendered(by_hand.items) and shown
    assert _rendered(analysis.sink.items) == _rendered(sink.items)


def test_a_version_cancelled_before_its_stages_is_neither_lowered_nor_evaluated(tmp_path: Path, monkeypatch) -> None:
    import compiler.lower
    from compiler.lsp.analysis import Analysis

    lowered = []
    real = compiler.lower.lower
    monkeypatch.setattr(compiler.lower, "lower", lambda *a, **k: lowered.append(1) or real(*a, **k))
    _label, text, _name = SPECS[1]
    analysis = Analysis(text, str(tmp_path / "spec.factory"), str(tmp_path))
    analysis.cancel()
    assert analysis.checks_diagnostics() == [] and analysis.results is None and not lowered
    fresh = Analysis(text, str(tmp_path / "spec.factory"), str(tmp_path))
    assert fresh.results is not None and lowered


class _SetAfter:
    """A cancel event that becomes set at its `calls`-th test: an evaluation cancelled midway, deterministically."""

    def __init__(self, calls: int):
        self.left = calls

    def is_set(self) -> bool:
        self.left -= 1
        return self.left < 0

    def set(self) -> None:
        self.left = 0


def test_a_dropped_version_leaves_no_reference_cycles(tmp_path: Path) -> None:
    from compiler.lsp.analysis import Analysis

    _label, text, _name = SPECS[0]
    path = str(tmp_path / "spec.factory")
    session = dsl.Session()                                     # (the server's: one for every version)
    Analysis(text, path, str(tmp_path), session)
    was = gc.isenabled()
    gc.disable()
    gc.collect()
    try:
        settled = Analysis(text, path, str(tmp_path), session)  # every stage, then dropped by the editor
        assert settled.checks_diagnostics() and settled.results is not None
        settled.release()
        assert settled.results_within(0) is None
        cancelled = Analysis(text, path, str(tmp_path), session)   # its whole evaluation stopped midway
        cancelled.checks_diagnostics()
        cancelled._cancel = _SetAfter(3000)
        assert cancelled.results is None and cancelled._cancel.left < 0
        del settled, cancelled
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = [type(o).__module__ + "." + type(o).__qualname__ for o in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        (gc.enable if was else gc.disable)()
    assert not [name for name in left if name.startswith(("compiler.", "dsl."))], sorted(set(left))[:20]


def test_the_server_frees_a_superseded_version_once_nothing_else_holds_it(tmp_path: Path) -> None:
    import weakref

    from compiler.lsp.analysis import Analysis
    from compiler.lsp.server import FactoryServer

    _label, text, _name = SPECS[1]
    path = str(tmp_path / "spec.factory")
    session = dsl.Session()
    server = FactoryServer()
    server.retired = [Analysis(text, path, str(tmp_path), session), Analysis(text, path, str(tmp_path), session)]
    dropped = weakref.ref(server.retired[0].results)
    held = server.retired[1]                                    # a request still reads it
    assert dropped() is not None and held.results is not None
    was = gc.isenabled()
    gc.disable()
    try:
        server.release_retired()
        assert dropped() is None                                # freed by reference counting alone, at once
    finally:
        (gc.enable if was else gc.disable)()
    assert server.retired == [held] and held.results is not None
    del held
    server.release_retired()
    assert server.retired == []


def test_the_servers_warm_up_parses_the_stdlib_and_changes_no_diagnostic(tmp_path: Path) -> None:
    """`server.warm_up` (run before the first message) parses every stdlib module into the session's cache, so a
    document's first check parses its own text alone; the diagnostics are those of a session never warmed."""
    import compiler.lsp.server as srv
    from compiler.lsp.analysis import Analysis
    from dsl.resources import stdlib_modules

    warmed = srv.FactoryServer()
    srv.warm_up(warmed)
    parsed = {entry[0][1] for entry in warmed.session.cache.entries.items()}
    assert len(parsed) == len(stdlib_modules()) and all(name.endswith(".factory") for name in parsed)
    assert not warmed.session.cache.buffers                 # (the warm-up's own text leaves no statements)
    for _label, text, name in SPECS[1:]:
        path = str(tmp_path / Path(name).name)
        cold = Analysis(text + '\nassert 1 W > 2 W, "fails"\n', path, str(tmp_path), dsl.Session())
        warm = Analysis(text + '\nassert 1 W > 2 W, "fails"\n', path, str(tmp_path), warmed.session)
        assert _rendered(warm.sink.items) == _rendered(cold.sink.items)
        assert _rendered(warm.checks_diagnostics()) == _rendered(cold.checks_diagnostics())
        assert warm.checks_diagnostics()
