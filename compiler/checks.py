"""Per-scenario checks of evaluated values: declared field ranges, and no NaN, infinity or negative magnitude.

Pipeline position: called by `compiler.evaluate.evaluate` once every quantity is computed; reports into the
run's sink. Imports numpy, `dsl` and the evaluator's types.

What it checks, in every scenario of the sweep:
  - a field the spec sets (a swept or computed value, not a constant: those `dsl.check` refuses at their
    span) lies in the range its type declares (`dsl.schema.RANGES`): `out-of-range`;
  - a `let` that a model reads in place of one of its assumptions (`let first_token_delay = 0.5`) or as an
    option without a default (`let kv_lora_rank = 512`) lies in the `range` the `Assumption` or `Option`
    declares (`compiler.models`), constant or not: `out-of-range` at the let (and no model ran on it there:
    `read_refusal`, which the evaluator asks as a model reads the let, so what the model would compute from it is
    absent, not a second diagnostic);
  - such a `let` has the dimension of the assumption or option it replaces (`let layer_latency = 5` would be
    5 s to the model, `let max_batch_size = 1 s` is no count): `unit-mismatch` at the let (and no range error);
  - an option's `let` that is a part of a field of its block (`Option.at_most`: `let dense_layers` of the
    model's layers) is not above it: `out-of-range` at the let;
  - a `let` the models read in another block (a model's option on the workload, a workload's assumption on the
    model's definition, either on a chip, server or site) or one letter from a name they read changed nothing:
    `unknown-name` warning at it; so did
    a workload's `let` named as a figure the models read that no model of this workload read (`let cuda_graphs`
    on an inference workload, `let default_input_tokens` for the field `input_tokens`): `no-effect` warning
    saying why; so did a model definition's `let` that no model of the workloads serving it read (`let
    dense_layers` of a model only inference serves, `let fp4_bf16_params` served at fp8): `no-effect`; and so did a
    `let` a model reads where it does nothing (`_idle_rules`: `let kv_room_wait = 1` in an offline scenario, `let
    moe_sync_free = 0` or `let expert_popularity_cv` on a dense model): `no-effect` warning at it (never at a
    stdlib definition's let);
  - every numeric quantity is finite, and a model output of a field that cannot be negative (powers,
    costs, counts, ...) is not negative: `non-finite`.
Values a model flags absent (`Results.absent[path].mask`, True where absent) are skipped, and so are a
workload's outputs in the scenarios where it has no feasible configuration (`feasible` = 0). Only the first cause is reported: a quantity whose bad scenarios are all explained by a bad input it
read (`Node.deps`) is left out, so one division by zero gives one error, not one per downstream figure. A
division by zero in a spec's expression is reported at the divisor's span; anything else at the quantity.
"""
from __future__ import annotations

import functools
import math

import numpy as np

from dsl import nodes as n
from dsl.check import field_unit
from dsl.schema import RANGES, field_range, kind as kind_spec
from dsl.diagnostics import Code
from dsl.visit import every_expression

from .display import in_scenarios
from .models import Assumption, Option, declared
from .graph import Node, expand_reads

MAX_SCENARIOS_NAMED = 4


def check_values(ev, results, only: set[str] | None = None) -> None:
    """Report out-of-range and non-finite values of `results` (evaluated by `ev`) into `ev.sink`. `only`: the
    paths to check (`check_refused_reads`), each as the whole check does; None: every value, and the lets' rules."""
    count = max(int(results.scenario_count), 1)
    absent = getattr(results, "absent", None) or {}
    graph = results.graph
    wrong_unit = _check_let_units(ev, results, only)
    _check_let_bounds(ev, results, count, wrong_unit, only)
    if only is None:
        _check_misspelt_lets(ev, results)
        _check_idle_lets(ev, results, count)
        _check_power_cap_above_tdp(ev, results, count)
        _check_pools_of_aggregated_serving(ev, results)
        _check_training_utilization(ev, results)
        _check_platform_given_twice(ev, results)
        _check_precision_the_chip_lacks(ev, results)
        _check_slower_precision(ev, results)
        _check_batch_below_default_sequence(ev, results, count)
        _check_batch_beyond_run(ev, results, count)
        _check_latency_knife_edge(ev, results, count)
        _check_ep_on_dense_service(ev, results, count)
        _check_tokens_beyond_context(ev, results, count)
    # per scenario: the value is bad (absent or not); a `let` in another unit is bad in every scenario, so the
    # figures computed from it are its unit-mismatch error's, not errors of their own
    taint: dict[str, np.ndarray] = {path: np.ones(count, dtype=bool) for path in wrong_unit}
    found: dict[str, tuple[np.ndarray, np.ndarray, object]] = {}  # path -> (non-finite, out of range, range)
    for path, value in (results.values.items() if only is None else
                        [(p, results.values[p]) for p in sorted(only) if p in results.values]):
        node = graph.nodes.get(path)
        if node is None or not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu" or value.size == 0:
            continue
        if path in wrong_unit:                  # a `let` in another unit: its unit-mismatch error says it all
            continue
        if value.size == 1 and math.isfinite(value.flat[0]):     # one finite figure (most): a scalar test
            rng = _range_here(ev, node)
            if rng is None or (node.kind == "model" and (rng[0].lo is None or not value.flat[0] < rng[0].lo)):
                continue                        # nothing to report: the loop below would find nothing bad
        v = _per_scenario(value.astype(float), count)
        if v is None:
            continue
        nonfinite = ~np.isfinite(v)
        out = np.zeros(count, dtype=bool)
        rng = _range_here(ev, node)
        if rng is not None:
            limit = rng[0]
            finite = np.isfinite(v)
            if node.kind == "model":      # a computed figure: only its sign is checked
                out = finite & (np.where(finite, v, 0.0) < limit.lo) if limit.lo is not None else out
            else:
                out = finite & _outside(limit, np.where(finite, v, 0.0))
        bad = nonfinite | out
        if bad.any():
            taint[path] = bad
            found[path] = (nonfinite, out, rng)
    reported: dict = {}                         # (code, span, field) -> its one diagnostic
    for path in sorted(found):
        node = graph.nodes[path]
        explained = np.zeros(count, dtype=bool)
        for dep in expand_reads(graph.solves, node.deps):
            if dep in taint and dep != path:
                explained |= taint[dep]
        mask = _absent_mask(absent.get(path), count)
        if node.kind == "model":                # a workload's inputs are checked where it cannot run too
            mask = mask | _infeasible(results, node, count)
        own = taint[path] & ~explained & ~mask
        if own.any():
            nonfinite, out, rng = found[path]
            _report(ev, results, node, own & nonfinite, own & out & ~nonfinite, rng, count, reported)
    _check_ordered_pairs(ev, results, count)     # (session 10's audit: after the per-value checks)
    _check_workload_headlines(ev, results, count)
    from .plausible import check_plausible, check_training_time, check_world_supply
    check_plausible(ev, results, count)
    if only is None:
        check_world_supply(ev, results, count)
        check_training_time(ev, results, count)


def check_refused_reads(ev, results) -> None:
    """When only the checks are evaluated (`evaluate(..., only_checks=True)`, the editor's first evaluation): the
    error of each `let` or field a model refused to read (`read_refusal`), exactly as the whole evaluation's
    `check_values` reports it, so that what the checks show first is a part of what the whole evaluation shows."""
    only = {path for (path, _declared), found in ev.read_refusals.items() if found is not None}
    if only:
        check_values(ev, results, only)


def check_field_tables(ev, results) -> None:
    """When only the checks are evaluated (the editor's first evaluation): the ordered pairs (`dsl.schema.ORDERED`,
    `_check_ordered_pairs`) and the plausibility of key inputs (`compiler.plausible`), which the whole evaluation's
    `check_values` judges last. Their fields are evaluated here, on demand (most are written as literals: a chip's
    `tdp`, a site's `electricity_price`), so the editor shows `idle_power = 900 W` above `tdp = 700 W` as the user
    types, not only once everything else has been computed; the findings are the whole evaluation's, at the same
    spans (tests/test_lsp.py: the editor shows what `factory build` shows)."""
    from dsl.schema import ORDERED

    from .memo import same_value
    from .plausible import JUDGED

    table = {(kind, lower): upper for kind, lower, upper, _why in ORDERED}
    for p in JUDGED:
        table.setdefault((p.kind, p.field), "")          # (no upper field to read)
    share = getattr(ev, "share", None)
    if share is not None and share.at:
        found = list(_table_fields_shared(results, table, share))
    else:
        found = list(_table_fields(results, table))     # the placed blocks walked once, for the two checks too
    nodes, values, failed = results.graph.nodes, ev.values, ev.failed
    firsts_shared: dict[str, object] = {}       # a first's path -> the share's value of its copies'
    for item in found:
        if type(item) is _Copy:
            item.identical = _copy_identical(item, values, failed, share, firsts_shared, same_value)
            if item.identical:
                continue                        # (its values read: its first's, the same arrays)
            items = item.made()
        else:
            items = (item,)
        for node, inst, _name, upper in items:
            _read_table_field(ev, node, inst, upper, nodes, values, failed, share)
    count = max(int(results.scenario_count), 1)
    _check_ordered_pairs(ev, results, count, found)
    from .plausible import check_plausible
    check_plausible(ev, results, count, found)


def _read_table_field(ev, node, inst, upper, nodes, values, failed, share) -> None:
    """The value of a table field (and of its pair's upper field) read, as the checks read it."""
    from .evaluate import EvalError

    copy = type(node) is _CopyField
    for path in (node.path, f"{inst.path}.{upper}" if upper else None):
        # (a copy's upper exists where its first's does: `_table_fields_shared`)
        if path is not None and (path in nodes if not copy else path == node.path or node.upper):
            if copy and path not in values and path not in failed:
                value = share.value(path)   # (its first's, as `Evaluator.demand` reads it: not kept for the
                if value is not None:       # next version's memo, which computes it again through the share)
                    values[path] = value
                    continue
            try:
                ev.node_value(path)
            except EvalError:
                pass


def _copy_identical(copy: "_Copy", values: dict, failed, share, firsts_shared: dict, same_value) -> bool:
    """Whether every table field of a shared copy (and its pair's upper field, where its first's block has one) has
    its first's value, as `_read_table_field` reads it (put in `values` where not there: the share's value, which
    is the same for every copy of a first's path, so asked once per first path): the same array, or the share's
    array where it equals the first's (dtype, shape and numbers: `compiler.memo.same_value`, judged once per first
    path). False where one would be computed on its own (the share has no value for it) or differs. The tables'
    findings are functions of the values alone, so such a copy's is its first's. (`same_value`: the memo's, passed
    by the caller: imported once, not per copy.)"""
    prefix = copy.inst.path + "."
    for name, entry, first, upper in copy.items:
        for path, first_path in ((prefix + name, first.path),
                                 (prefix + entry, f"{first.instance.path}.{entry}") if upper else (None, None)):
            if path is None:
                continue
            if path in values:
                value = values[path]
            elif path in failed:
                value = None
            else:
                value = firsts_shared.get(first_path, firsts_shared)
                if value is firsts_shared:
                    value = firsts_shared[first_path] = share.value(path)
                if value is None:
                    return False                # (computed on its own: `_read_table_field`)
                values[path] = value
            theirs = values.get(first_path)
            if value is not theirs:
                # the share's array (its first's scratch evaluation's) where the first's own was lent by the memo
                # (`compiler.memo`: the version before's, equal where lent): the same numbers, so the same finding
                if value is None or value is not firsts_shared.get(first_path):
                    return False
                same = firsts_shared.get((first_path,))
                if same is None:
                    same = firsts_shared[(first_path,)] = same_value(value, theirs)
                if not same:
                    return False
    return True


def read_refusal(ev, node, value: np.ndarray) -> tuple[str, np.ndarray] | None:
    """Why no model may run on the `let` (or swept or computed field) `node`, which a model has just read as `value`
    (`Context.get`), and in which scenarios (a bool array over them), or None:
    the figure a let stands for (an assumption or option, `Evaluator.let_declared`, else the field it is named as)
    has another dimension (the `unit-mismatch` of `_check_let_units`), or the value lies outside that figure's
    range (a field's: its type's) in some scenarios (the `out-of-range` of `_report`). The model is then not run on it
    (`compiler.evaluate.Evaluator.refuse_read`): its outputs there, and every figure computed from them, are absent
    with this reason, and the let's own error is the one diagnostic. The tests are those of `check_values`, so a let it
    reports is one no model ran on, and one it passes ran."""
    from dsl.units import parse_unit
    from .ir import unit_of

    what = "let" if node.kind == "let" else "field"
    figure = ev.let_declared.get(node.path)
    fspec = _field_let_spec(ev, node) if what == "let" and figure is None else None
    try:
        want = parse_unit(figure.unit).dim if figure is not None else fspec.kind.dim if fspec is not None else None
        have = parse_unit(unit_of(ev.lowering, node)).dim if want is not None else None
    except (ValueError, KeyError):      # a unit not written as the language writes it (`J/(kg*K)`): range only
        want = have = None
    count = max(int(ev.graph.scenario_count), 1)
    if want is not None and have != want:
        return (f"not computed: `{node.path}` is in another unit than its model reads (the error at the {what})",
                np.ones(count, dtype=bool))
    rng = _range_here(ev, node)
    v = _per_scenario(np.asarray(value, dtype=float), count) if value.dtype.kind in "fiub" else None
    if rng is None or v is None:
        return None
    finite = np.isfinite(v)
    out = finite & _outside(rng[0], np.where(finite, v, 0.0))
    if out.any():
        return f"not computed: `{node.path}` is outside its range (the error at the {what})", out
    bound = _bound_of(ev, node.path, figure)
    if bound is not None:
        over = finite & np.isfinite(bound[1]) & (np.where(finite, v, 0.0) > bound[1])
        if over.any():
            return f"not computed: `{node.path}` is above `{bound[0]}` (the error at the let)", over
    return None


def _bound_of(ev, path: str, figure):
    """(path, value over the scenarios) of the field of the let's own block that bounds an option's `let`
    (`Option.at_most`, the first the block has: `_check_let_bounds`), or None."""
    from .evaluate import EvalError

    if not isinstance(figure, Option) or not figure.at_most:
        return None
    owner = path.rpartition(".")[0]
    bound_path = next((f"{owner}.{name}" for name in figure.at_most if f"{owner}.{name}" in ev.graph.nodes), None)
    if bound_path is None:
        return None
    try:
        value = ev.node_value(bound_path)
    except EvalError:
        return None
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu":
        return None
    flat = _per_scenario(np.asarray(value, dtype=float), max(int(ev.graph.scenario_count), 1))
    return None if flat is None else (bound_path, flat)


def _check_let_units(ev, results, only: set[str] | None = None) -> set[str]:
    """A `let` a model reads for one of its assumptions or options (`Evaluator.let_declared`) is in that figure's
    dimension: the model takes its SI value in the assumption's unit, so `let layer_latency = 5` would be 5 s and
    `let seq_overhead = 35 kW` a time. Otherwise `unit-mismatch` at the let's value, as for a field (and no range
    error besides: `let adp_balance = 1 kW` is not "1000, outside 0 to 1"). Returns the paths of those lets."""
    from dsl.units import DIMENSIONLESS, dimension_name, parse_unit, si_unit

    def describe(dim) -> str:
        return "a plain number" if dim == DIMENSIONLESS else f"{dimension_name(dim)} ({si_unit(dim)})"

    wrong: set[str] = set()
    for path, figure in sorted(ev.let_declared.items()):
        if only is not None and path not in only:
            continue
        node = results.graph.nodes.get(path)
        unit = results.units.get(path)
        if node is None or unit is None:
            continue
        try:
            have, want = parse_unit(unit).dim, parse_unit(figure.unit).dim
        except (ValueError, KeyError):
            continue
        if have != want:
            wrong.add(path)
            what = "assumption" if isinstance(figure, Assumption) else "option"
            ev.sink.error(Code.UNIT_MISMATCH, f"`{path}` is {describe(have)}, but the model reads it as its "
                          f"{what} `{figure.name}`, which is {describe(want)}", _span_of(node),
                          help=f"write the value in a unit of {dimension_name(want)}" if want != DIMENSIONLESS
                          else "write a plain number, without a unit")
    for node in _field_lets(ev, results, only):
        unit = results.units.get(node.path)
        fspec = _field_of(node)
        try:
            have = parse_unit(unit).dim if unit is not None else None
        except (ValueError, KeyError):
            continue
        want = fspec.kind.dim
        if have is not None and have != want:
            wrong.add(node.path)
            ev.sink.error(Code.UNIT_MISMATCH, f"`{node.path}` is {describe(have)}, but the model reads it as the "
                          f"field `{fspec.name}`, which is {describe(want)}", _span_of(node),
                          help=f"write `{fspec.name} = ...` (the field) in a unit of {dimension_name(want)}"
                          if want != DIMENSIONLESS else f"write `{fspec.name} = ...` (the field), without a unit")
    return wrong


def _field_of(node):
    """The schema field a `let` of its block is named as (`let input_tokens` on an inference workload), or None."""
    inst = node.instance
    spec = kind_spec(inst.kind) if inst is not None else None
    return spec.fields.get(node.path.rpartition(".")[2]) if spec is not None else None


def _field_lets(ev, results, only: set[str] | None = None) -> list:
    """The `let`s named as a quantity field of their block that a model reads in place of the field (`let
    input_tokens = 5000 tok`, `let tp = 2`) and not as one of its assumptions (those are `let_declared`'s): their
    unit and range are the field's."""
    nodes = results.graph.nodes
    chosen = nodes.values() if only is None else [nodes[p] for p in sorted(only) if p in nodes]
    return [node for node in chosen if node.kind == "let" and _field_let_spec(ev, node) is not None]


def _field_let_spec(ev, node):
    """The quantity field of its own block that the `let` `node` is named as and a model reads it for (not one of
    its assumptions or options: those are `let_declared`'s), or None: its unit and range are that field's."""
    from dsl.schema import QuantityKind

    if node.path in ev.let_declared or node.instance is None or node.path.rpartition(".")[0] != node.instance.path:
        return None
    fspec = _field_of(node)
    return fspec if fspec is not None and isinstance(fspec.kind, QuantityKind) else None


def _check_let_bounds(ev, results, count: int, wrong_unit: set[str], only: set[str] | None = None) -> None:
    """An option's `let` that is a part of a field of its own block (`Option.at_most`: `let fp4_bf16_params` of the
    model's active parameters, `let dense_layers` of its layers) is not above that field, in every scenario: the
    model would clip it silently. Otherwise `out-of-range` at the let's value, with the field and its value."""
    from .evaluate import format_value

    for path, figure in sorted(ev.let_declared.items()):
        if not isinstance(figure, Option) or not figure.at_most or path in wrong_unit \
                or (only is not None and path not in only):
            continue
        node = results.graph.nodes.get(path)
        owner = path.rpartition(".")[0]
        bound_name = next((name for name in figure.at_most if f"{owner}.{name}" in results.values), None)
        if node is None or bound_name is None:
            continue
        value = _per_scenario(np.asarray(results.values[path], dtype=float), count)
        bound = _per_scenario(np.asarray(results.values[f"{owner}.{bound_name}"], dtype=float), count)
        if value is None or bound is None:
            continue
        with np.errstate(invalid="ignore"):
            over = np.isfinite(value) & np.isfinite(bound) & (value > bound)
        if over.any():
            where = np.flatnonzero(over)
            i = int(where[0])
            ev.sink.error(Code.OUT_OF_RANGE, f"`{path}` must be at most `{owner}.{bound_name}` "
                          f"({format_value(float(bound[i]), figure.unit)}); it is "
                          f"{format_value(float(value[i]), figure.unit)}{_scenarios(ev, results, where, count)}",
                          _span_of(node), notes=[f"the model reads this `let` as {figure.meaning}"],
                          scenarios=_rows(over, count))


WORKLOAD_KINDS = ("inference", "training")


@functools.cache
def _model_let_names() -> frozenset[str]:
    """The names a model reads from a `let` (every `Assumption` and `Option` of compiler.models)."""
    return frozenset(d.name for d in declared())


@functools.cache
def _let_places() -> tuple[dict[str, tuple[str, frozenset[str]]], frozenset[str]]:
    """(the options the models read only from a definition the workload names, each with that definition's kind
    and the workload kinds that read it: `fp4_bf16_params` -> ("model", {"inference"}); the serving and training
    models' assumptions they read from no definition, only from the workload: `moe_sync_free`), from the models'
    declared reads (`ref:model.let:...`)."""
    places = _read_places()
    readers = {name: frozenset().union(*by_place.values())      # the kinds whose models read it, anywhere
               for name, by_place in _declared_let_reads().items()}
    options = {d.name for d in declared(Option)}
    on_definitions = {name: (next(iter(where)), frozenset(readers[name] & set(WORKLOAD_KINDS)))
                      for name, where in sorted(places.items())
                      if name in options and len(where) == 1 and where != {"workload"}}
    from .models import inference, training
    workload_figures = {value.name for module in (inference, training) for value in vars(module).values()
                        if isinstance(value, Assumption)}
    workload_options = {name for name, where in places.items() if name in options and where == {"workload"}}
    on_workloads = frozenset(name for name in workload_figures | workload_options
                             if not places.get(name, set()) - {"workload"})
    return on_definitions, on_workloads


def _check_misspelt_lets(ev, results) -> None:
    """A `let` on a workload that nothing reads and whose name is one letter or so from a figure the models read
    (`let max_batch_sise = 64`) changed nothing, silently: `unknown-name` warning at its name, with the name
    the model reads. So did a `let` the models read in another block: on a workload, one they read from the
    model's or chip's definition (`let expert_popularity_cv` belongs in the `model` block); on a model's
    definition, an assumption they read from the workload (`let moe_sync_free = 0` belongs in the `training`
    block): `unknown-name` warning at it, naming the block that takes it."""
    from dsl.diagnostics import suggest

    graph = results.graph
    lets = [node for node in graph.nodes.values() if node.kind == "let" and node.instance is not None
            and node.path.rpartition(".")[0] == node.instance.path]
    if not lets:
        return
    known = _model_let_names()
    on_definitions, on_workloads = _let_places()
    read = set()
    for node in graph.nodes.values():
        read.update(node.deps)
    read.update(dep for reads in graph.solves.values() for dep in reads)     # (a solve read once for its readers)
    elsewhere: set = set()
    for node in lets:
        name = node.path.rpartition(".")[2]
        if node.path in read:
            continue
        if node.instance.kind not in WORKLOAD_KINDS + ("model",):
            where = (node.span.file, node.span.start)   # a definition and each placed copy: one warning
            if where not in elsewhere:
                elsewhere.add(where)
                _warn_elsewhere(ev, node, name, on_definitions, on_workloads)
            continue
        if node.instance.kind == "model":
            if name in on_workloads:
                ev.sink.warning(Code.UNKNOWN_NAME, f"`{node.path}` is read by no model: the models read "
                                f"`{name}` from the workload, not from the model's definition", node.span,
                                help=f"move `let {name} = ...` into the inference or training block that "
                                     f"serves the model")
            elif name in known and not str(node.span.file).startswith("<stdlib>"):
                _warn_unread_model(ev, results, node, name)
            continue
        if name in on_definitions or name in _definition_lets():
            where, kinds = on_definitions.get(name) or (_definition_lets()[name], frozenset())
            only = (f" (for {' and '.join(sorted(kinds))} workloads only)"
                    if kinds and node.instance.kind not in kinds else "")
            ev.sink.warning(Code.UNKNOWN_NAME, f"`{node.path}` is read by no model: the models read `{name}` from "
                            f"the {where}'s definition{only}, not from the workload", node.span,
                            help=f"move `let {name} = ...` into the `{where}` block the workload names")
            continue
        if name in known:
            if node.instance.kind in WORKLOAD_KINDS:
                _warn_unread(ev, node, name)
            continue
        close = suggest(name, known, cutoff=0.85)
        if close is not None:
            ev.sink.warning(Code.UNKNOWN_NAME, f"`{node.path}` is read by no model and no expression: did you mean "
                            f"`{close}`, which the models read?", node.span,
                            help=f"rename it `let {close} = ...`")


def _warn_elsewhere(ev, node, name: str, on_definitions, on_workloads) -> None:
    """A `let` on a block that is neither a workload nor a model (a chip, a server, the site) named as a figure the
    models read only from a workload (`let kv_room_wait`, `let moe_sync_free`) or from a model's definition (`let
    expert_popularity_cv`): no model read it there, silently. An `unknown-name` warning at it, naming the block
    that takes it. (A stdlib definition's own lets are not the user's to move; chip figures on a server are the
    chip's reads' business, not checked here.)"""
    if str(node.span.file).startswith("<stdlib>"):
        return
    kind = node.instance.kind
    if kind in _read_places().get(name, ()):            # read from this kind of block too (a chip's own figure)
        return
    if name in on_workloads or (name in _workload_readers() and name not in _definition_lets()
                                and name not in on_definitions):
        readers = _workload_readers().get(name) or frozenset(WORKLOAD_KINDS)
        where = " or ".join(sorted(readers))
        ev.sink.warning(Code.UNKNOWN_NAME, f"`{node.path}` is read by no model: the models read `{name}` from the "
                        f"{where} workload, not from a {kind}", node.span,
                        help=f"move `let {name} = ...` into the {where} block it is meant for")
    elif on_definitions.get(name, ("",))[0] == "model":
        ev.sink.warning(Code.UNKNOWN_NAME, f"`{node.path}` is read by no model: the models read `{name}` from the "
                        f"model's definition, not from a {kind}", node.span,
                        help=f"move `let {name} = ...` into the `model` block the workload names")


@functools.cache
def _declared_let_reads() -> dict[str, dict[str, frozenset[str]]]:
    """The models' declared reads of each `let`, by the block kind they take it from -- "workload", "model"
    (`ref:model.let:...`) or "chip" (a definition the workload's system names: `ref:system.parts:*.let:...`,
    `ref:rack.all:chip.let:...`) -- with the kinds of the outputs that read it there (`fp4_scale_block`: from the
    workload, the model and the chip, for inference)."""
    from .models import _REGISTRY, _load
    _load()
    reads: dict[str, dict[str, set[str]]] = {}
    for outputs in _REGISTRY.values():
        for out in outputs.values():
            for text in out.declared or ():
                before, found, name = text.rpartition("let:")
                if found:
                    place = "model" if before.startswith("ref:model.") else "chip" if before else "workload"
                    reads.setdefault(name, {}).setdefault(place, set()).add(out.kind)
    return {name: {place: frozenset(kinds) for place, kinds in by_place.items()} for name, by_place in reads.items()}


@functools.cache
def _read_places() -> dict[str, frozenset[str]]:
    """Where the models' declared reads take each `let` from (`_declared_let_reads`' block kinds); a let read from
    several (`fp4_scale_block`: the workload's, else the model's, else the chip's) has several."""
    return {name: frozenset(by_place) for name, by_place in _declared_let_reads().items()}


@functools.cache
def _definition_lets() -> dict[str, str]:
    """The `let`s the models read only from a definition a workload names, never from the workload, with that
    definition's kind: the chip figures of the declared reads (`ref:system.parts:*.let:serving_efficiency`, ...),
    and the chip's power model's assumptions (compiler/models/power.py reads them from the chip)."""
    from .models import power
    from .models import assumptions as A
    found = {name: next(iter(where)) for name, where in _read_places().items()
             if len(where) == 1 and where != {"workload"}}
    for figure in (power.voltage_floor, power.dynamic_power_share, power.memory_power_share, A.idle_fraction):
        found.setdefault(figure.name, "chip")
    return found


# assumptions that are a field's default, not a `let` a model reads: the field that replaces each
FIELD_DEFAULTS = {"default_input_tokens": "input_tokens", "default_output_tokens": "output_tokens",
                  "default_training_tokens": "tokens", "default_global_batch": "global_batch",
                  "service_utilization": "utilization"}
# lets the inference model reads only in some workloads: where (the `no-effect` warning's words)
READ_WHERE = {"fp4_expert_activation_bits": "with precision \"fp4\"",
              "draft_acceptance": "with `let draft_tokens` above 0 (and no `draft_accepted_length`)",
              "draft_accepted_length": "with `let draft_tokens` above 0",
              "fp4_bf16_params": "with precision \"fp4\"",
              "kv_lora_rank": "with `let qk_rope_head_dim` too (latent attention)",
              "qk_rope_head_dim": "with `let kv_lora_rank` too (latent attention)"}


@functools.cache
def _workload_readers() -> dict[str, frozenset[str]]:
    """The workload kinds whose models read a `let` of each name from the workload: the assumptions of the
    inference and training models (`kv_room_wait` -> {"inference"}, `cuda_graphs` -> {"training"}) and their
    declared `let:` reads."""
    from .models import inference, training
    readers: dict[str, set[str]] = {}
    for kind, module in (("inference", inference), ("training", training)):
        for value in vars(module).values():
            if isinstance(value, Assumption):
                readers.setdefault(value.name, set()).add(kind)
    for name, by_place in _declared_let_reads().items():
        kinds = by_place.get("workload", frozenset()) & set(WORKLOAD_KINDS)
        if kinds:
            readers.setdefault(name, set()).update(kinds)
    return {name: frozenset(kinds) for name, kinds in readers.items()}


def _warn_unread(ev, node, name: str) -> None:
    """A `let` on a workload with the name of a figure the models read, that no model of this workload read (and no
    expression): it changed nothing, so it is a `no-effect` warning saying why -- a field's default
    (`let default_input_tokens`: the field is `input_tokens`), a figure of the other workload kind (`let
    cuda_graphs` on an inference workload), or one the model reads only where it applies (`let
    fp4_expert_activation_bits` with an fp8 precision)."""
    kind = node.instance.kind
    readers = _workload_readers().get(name, frozenset())
    if name in FIELD_DEFAULTS:
        field = FIELD_DEFAULTS[name]
        why, fix = (f"`{name}` is the default of the field `{field}`, not a `let` the models read",
                    f"set `{field} = ...` on the workload")
    elif readers and kind not in readers:
        why, fix = (f"the models read `{name}` on {' and '.join(sorted(readers))} workloads only",
                    f"remove the `let`, or move it to the {' or '.join(sorted(readers))} block it is meant for")
    else:
        where = READ_WHERE.get(name, "where it applies (docs/models.md says where)")
        why, fix = (f"the {kind} model reads `{name}` only {where}, not in this workload",
                    "remove the `let`, or set what it applies to")
    ev.sink.warning(Code.NO_EFFECT, f"`{node.path}` is read by no model, so it changes nothing: {why}",
                    node.span, help=fix)


QUEUEING = ("server", "interactive")


@functools.cache
def _idle_rules() -> tuple:
    """(block kind, let name, its default, where it does nothing, why) for the lets a model reads that change
    nothing in some settings (the model's docstrings say so): `where(get)` gives, per scenario, True where the
    let does nothing; `get(name, default)` reads the workload's member (a field, a `let`, an output) or the
    default. A layout the search picks (`pp`, `tp`, `ep` not set) is no such setting: the let may have moved the
    search. Only where a model reads the let: an unread one is `_warn_unread`'s."""
    from .models import inference as I, training as T

    def offline(get):
        return ~np.isin(get("scenario", "offline"), QUEUEING)

    def no_prompt_queue(get):
        """No prompt chunks on the decode steps: offline, or disaggregated serving (inference.py `prefill_in_step`
        False: the prompts are prefilled on their own pool, the decode steps carry none)."""
        return offline(get) | np.isin(get("serving", "aggregated"), ("disaggregated",))

    queue_only = "the model reads it only in server and interactive scenarios (a queue of arriving requests)"
    prompt_queue_only = ("the model reads it only in the prompt queue of aggregated server and interactive scenarios "
                         "(prompt chunks riding on the decode steps); offline, or with `serving = \"disaggregated\"` "
                         "(the prompts prefilled on their own pool), there is none")
    # (prompt_length_cv: the aggregated prompt queue's and, disaggregated, the prefill pool's queue)
    rules = [("inference", a.name, a.value, offline, queue_only) for a in (I.row_averaging, I.prompt_length_cv)]
    rules += [("inference", a.name, a.value, no_prompt_queue, prompt_queue_only)
              for a in (I.whole_prompts, I.batch_window, I.scheduler_steps)]
    rules += [
        ("inference", I.kv_room_wait.name, I.kv_room_wait.value,
         lambda get: offline(get) | (np.isin(get("serving", "aggregated"), ("disaggregated",))
                                     & ((get(I.output_length_cv.name, I.output_length_cv.value) <= 0)
                                        | (get(I.kv_length_biased.name, I.kv_length_biased.value) > 0))),
         ("the model reads it only in server and interactive scenarios: the wait for KV room in the aggregated "
          "prompt queue, and the length-biased rows of the cache, which with `serving = \"disaggregated\"` count "
          "only with `output_length_cv` above 0 (and `kv_length_biased` 0)")),
        ("inference", I.first_token_delay.name, I.first_token_delay.value,
         lambda get: no_prompt_queue(get) | (get(I.whole_prompts.name, I.whole_prompts.value) > 0),
         "the delay is what engines with chunked context measure beyond their steps, in the prompt queue of "
         "aggregated server and interactive scenarios; with `whole_prompts` 1, disaggregated serving, or no queue, "
         "there is none"),
        ("inference", I.context_chunk_unit.name, I.context_chunk_unit.value,
         lambda get: no_prompt_queue(get) | (get(I.whole_prompts.name, I.whole_prompts.value) > 0),
         "the rounding of a non-final context chunk takes room from the prompt queue of aggregated server and "
         "interactive scenarios with chunked context; with `whole_prompts` 1, disaggregated serving, or no queue, "
         "a prompt is not chunked that way"),
        ("inference", I.whole_step_engines.name, I.whole_step_engines.value,
         lambda get: no_prompt_queue(get) | (get(I.whole_prompts.name, I.whole_prompts.value) <= 0),
         "the first token's p50 from the step boundary and the batch is read only for an engine without chunked "
         "context (`whole_prompts` 1) in the prompt queue of aggregated server and interactive scenarios"),
        ("inference", I.serial_context_chunks.name, I.serial_context_chunks.value,
         lambda get: no_prompt_queue(get) | (get.is_set("pp") & (get("pp", 1.0) <= 1)),
         "a prompt's chunks wait for their micro-batch only over pp > 1 pipeline stages, in the prompt queue of "
         "aggregated server and interactive scenarios; this workload fixes pp 1, serves disaggregated, or has no "
         "queue"),
        ("inference", I.prompt_busy_window.name, I.prompt_busy_window.value, no_prompt_queue,
         "a request's steps are a busy period of the prompt queue only where the prompts ride on the decode steps, "
         "in aggregated server and interactive scenarios; this workload serves disaggregated or has no queue"),
        ("inference", I.own_prompt_spread.name, I.own_prompt_spread.value, no_prompt_queue,
         "the own prompt's spread is read in the prompt queue of aggregated server and interactive scenarios; this "
         "workload serves disaggregated or has no queue"),
        ("inference", I.output_length_cv.name, I.output_length_cv.value,
         lambda get: offline(get) & (get(I.kv_length_biased.name, I.kv_length_biased.value) <= 0)
         & ~(_expert_ranks(get) & (get(I.adp_balance.name, I.adp_balance.value) <= 0)),
         "the output-length spread enters the p99 TPOT and the KV room of a server's queue, the rows in flight "
         "with `kv_length_biased` 1, or the attention ranks' context imbalance without the ADP balancer; this "
         "workload has none of them"),
        ("inference", I.kv_wait_service_spread.name, I.kv_wait_service_spread.value,
         lambda get: no_prompt_queue(get) | (get(I.kv_room_wait.name, I.kv_room_wait.value) <= 0),
         "it shapes the wait for KV room, which the model adds only with `kv_room_wait` 1 in the prompt queue of "
         "aggregated server and interactive scenarios"),
        ("inference", I.kv_length_biased.name, I.kv_length_biased.value,
         lambda get: get(I.output_length_cv.name, I.output_length_cv.value) <= 0,
         "with `output_length_cv` 0 the length-biased age of a row, (1 + cv^2) O / 2, is the mean O / 2: set "
         "`let output_length_cv`"),
        ("inference", I.gemm_swiglu.name, I.gemm_swiglu.value,
         lambda get: (get(I.elementwise_kernels.name, 0.0) <= 0) & (get(I.swiglu_kernel.name, 0.0) <= 0),
         "it removes the SwiGLU kernel's bytes, which are counted only with `elementwise_kernels` 1 or "
         "`swiglu_kernel` 1"),
        ("inference", I.swiglu_kernel.name, I.swiglu_kernel.value,
         lambda get: get(I.elementwise_kernels.name, 0.0) > 0,
         "`elementwise_kernels` 1 already counts the SwiGLU kernel among every elementwise kernel"),
        ("inference", I.fp4_quantize_kernels.name, I.fp4_quantize_kernels.value,
         lambda get: get(I.elementwise_kernels.name, 0.0) > 0,
         "`elementwise_kernels` 1 already counts the quantize kernels among every elementwise kernel"),
        ("inference", I.expert_gemm_tiles.name, I.expert_gemm_tiles.value,
         lambda get: get("model.experts", 0.0) <= 0,
         "it sets the tile of the routed experts' grouped GEMM, which only a mixture-of-experts model has"),
        ("inference", I.adp_balance.name, I.adp_balance.value, lambda get: ~_expert_ranks(get),
         "the ADP balancer acts across attention data-parallel ranks, which run only for a mixture-of-experts model "
         "whose workload sets `ep`"),
        ("training", T.moe_sync_free.name, T.moe_sync_free.value, lambda get: get("model.experts", 0.0) <= 0,
         "a dense model has no MoE dispatcher"),
        ("training", T.ep_overlap.name, T.ep_overlap.value,
         lambda get: (get("model.experts", 0.0) <= 0) | (get.is_set("ep") & (get("ep", 1.0) <= 1)),
         "there is no expert all-to-all on a dense model or at a fixed ep 1"),
        ("training", T.ungraphed_host_time.name, T.ungraphed_host_time.value,
         lambda get: get(T.cuda_graphs.name, T.cuda_graphs.value) > 0,
         "a run that captures CUDA graphs (`cuda_graphs` 1 or 2) does not pay it"),
        ("training", T.tp_overlap.name, T.tp_overlap.value, lambda get: get.is_set("tp") & (get("tp", 1.0) <= 1),
         "there are no tensor-parallel collectives at a fixed tp 1"),
    ]
    dense = "a dense model has no routed experts (no `experts` above 0)"
    rules += [("model", option.name, math.nan, lambda get: ~get.is_set("experts") | (get("experts", 1.0) <= 0), dense)
              for option in (I.EXPERT_POPULARITY_CV, I.FP4_EXPERT_ACTIVATION_BITS, T.DENSE_LAYERS)]
    rules.append(("model", I.SLIDING_LAYERS.name, math.nan, lambda get: ~get.is_set(I.SLIDING_WINDOW.name),
                  "without `let sliding_window` no layer attends to a window"))
    for figure in (T.moe_sync_time, T.moe_static_graphs, T.moe_launch_time):
        rules.append(("training", figure.name, figure.value,
                      lambda get: (get("model.experts", 0.0) <= 0)
                      | (get(T.moe_sync_free.name, T.moe_sync_free.value) > 0),
                      "it is a cost of the MoE host sync, which runs only for a mixture-of-experts model with "
                      "`moe_sync_free` 0"))
    return tuple(rules)


def _expert_ranks(get) -> np.ndarray:
    """Where the inference model runs attention data-parallel ranks: a mixture-of-experts model whose workload
    sets `ep` (inference._ep_searched)."""
    return (get("model.experts", 0.0) > 0) & get.is_set("ep")


class _Getter:
    """`get(name, default)`: a workload's member per scenario (`model.<field>`: its model's), else the default;
    `get.is_set(name)`: whether the spec sets it (not left to a model)."""

    def __init__(self, results, inst, count: int):
        self.results, self.inst, self.count = results, inst, count
        model = results.values.get(f"{inst.path}.model")
        self.model = getattr(model, "path", None)

    def path(self, name: str) -> str | None:
        if name.startswith("model."):
            return f"{self.model}.{name[len('model.'):]}" if self.model else None
        return f"{self.inst.path}.{name}"

    def is_set(self, name: str) -> np.ndarray:
        node = self.results.graph.nodes.get(self.path(name))
        return np.full(self.count, node is not None and node.kind not in ("model", "count"))

    def __call__(self, name: str, default) -> np.ndarray:
        path = self.path(name)
        value = self.results.values.get(path) if path is not None else None
        if value is None:
            return np.full(self.count, default)
        flat = np.asarray(value).reshape(-1)
        if flat.size == 1:
            return np.full(self.count, flat[0])
        return flat if flat.size == self.count else np.full(self.count, default)


def _workload_fields(results, kinds: tuple[str, ...], names: tuple[str, ...]):
    """(node, instance) of each field named in `names` that a workload of `kinds` sets itself, in the graph's order:
    the one walk of the field checks below (the list taken first: a check's Context may add nodes)."""
    for node in list(results.graph.nodes.values()):
        inst = node.instance
        if node.kind == "field" and inst is not None and inst.kind in kinds:
            owner, _, name = node.path.rpartition(".")
            if owner == inst.path and name in names:
                yield node, inst


def _figures_of(results, inst) -> list[str]:
    """The paths of the figures a model computes for `inst` (a workload's throughput, latencies, power, cost,
    feasibility), for the `quantities` of an error that says they are for a run that cannot happen: the table, the
    report and the JSON then flag them, and every figure computed from them (`report_format.flagged_codes`)."""
    return sorted(path for path, node in results.graph.nodes.items()
                  if node.kind == "model" and node.instance is inst)


def _check_idle_lets(ev, results, count: int) -> None:
    """A `let` a model reads that changes nothing where it is set (`_idle_rules`: `let kv_room_wait = 1` in an
    offline scenario, `let serial_context_chunks = 1` at pp 1, `let moe_sync_free = 0` on a dense model): a
    `no-effect` warning at the let, saying why. Only where its value is not the default (setting the default
    changes nothing anyway) and in every scenario of a sweep (where it acts in some, it is not idle)."""
    from .evaluate import format_value

    rules: dict[tuple[str, str], list] = {}
    for kind, name, default, idle, why in _idle_rules():
        rules.setdefault((kind, name), []).append((default, idle, why))
    for node in results.graph.nodes.values():
        inst = node.instance
        if node.kind != "let" or inst is None or (inst.kind, node.path.rpartition(".")[2]) not in rules \
                or node.path.rpartition(".")[0] != inst.path or str(node.span.file).startswith("<stdlib>"):
            continue                            # (a stdlib definition's let is not the user's to change)
        name = node.path.rpartition(".")[2]
        value = results.values.get(node.path)
        if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu":
            continue
        flat = _per_scenario(np.asarray(value, dtype=float), count)
        for default, idle, why in rules[(inst.kind, name)]:
            if flat is None or not np.any(flat != default):
                continue
            with np.errstate(invalid="ignore"):
                where = np.asarray(idle(_Getter(results, inst, count)), dtype=bool).reshape(-1)
            if where.size in (1, count) and np.all(where):
                shown = format_value(float(flat[0]), results.units.get(node.path, "1"))
                ev.sink.warning(Code.NO_EFFECT, f"`{node.path}` = {shown} changes nothing here: {why}",
                                _span_of(node), help=f"remove the `let`, or set what `{name}` acts on")


def _check_pools_of_aggregated_serving(ev, results) -> None:
    """`prefill_accelerators` or `prefill_tp` set on an inference workload that does not serve disaggregated: the
    model reads them only for its prefill pool (compiler/models/inference/ "Disaggregated serving"), so they change
    nothing: a `no-effect` warning at the value."""
    for node, inst in _workload_fields(results, ("inference",), ("prefill_accelerators", "prefill_tp")):
        serving = results.values.get(f"{inst.path}.serving")
        if serving is not None and np.any(np.asarray(serving).reshape(-1) == "disaggregated"):
            continue
        ev.sink.warning(Code.NO_EFFECT, f"`{node.path}` changes nothing here: the prefill pool exists only with "
                        "`serving = \"disaggregated\"`", _span_of(node),
                        help="remove it, or set `serving = \"disaggregated\"`")


def _check_training_utilization(ev, results) -> None:
    """`utilization` set on a training workload: its power, energy and cost are the run's own draw (its
    accelerator_power from its MFU and clock; the cost's energy is its energy x price, compiler/models/training.py
    "cost"), so no model reads it: a `no-effect` warning at the value."""
    for node, inst in _workload_fields(results, ("training",), ("utilization",)):
        ev.sink.warning(Code.NO_EFFECT, f"`{node.path}` changes nothing here: a training run's power, energy and "
                        "cost are its own draw at its MFU and clock", _span_of(node),
                        help="remove it (a power limit is `let power_cap`)")


PLATFORM_FIELDS = ("system", "rack", "chip")     # what a workload runs on, the first set one read (Platform)


def _check_platform_given_twice(ev, results) -> None:
    """A workload that sets more than one of `system`, `rack` and `chip`: it runs on the first of them set
    (compiler/models/inference/ Platform: `system`, else `rack`, else `chip`) and no model reads the others, so a
    `rack = GB200_NVL72` beside `system = GB200_compute_tray` changed nothing while the spec read as if the service
    ran in NVL72 domains: a `no-effect` warning at each field not read."""
    given: dict[str, list] = {}
    for node, inst in _workload_fields(results, ("inference", "training"), PLATFORM_FIELDS):
        given.setdefault(inst.path, []).append(node)
    for nodes in given.values():
        if len(nodes) < 2:
            continue
        nodes.sort(key=lambda nd: PLATFORM_FIELDS.index(nd.path.rpartition(".")[2]))
        used = nodes[0].path.rpartition(".")[2]
        for node in nodes[1:]:
            ev.sink.warning(Code.NO_EFFECT, f"`{node.path}` changes nothing here: `{used}` is set too, and a workload "
                            f"runs on the first of `system`, `rack` and `chip` it sets", _span_of(node),
                            help=f"remove one: `{used}` or `{node.path.rpartition('.')[2]}`")


def _check_batch_below_default_sequence(ev, results, count: int) -> None:
    """A training run's `global_batch` below the sequence length it runs at by default (seq_len not set: 4,096
    tokens, or the model's context where shorter; compiler/models/training.py `_inputs`): the step holds one whole
    sequence, more tokens than the batch asked for. The same `out-of-range` error at the batch's value as where
    seq_len is written (`dsl.schema.ORDERED`, `_check_ordered_pairs`), with both numbers."""
    from .display import format_quantity

    for node, inst in _workload_fields(results, ("training",), ("global_batch",)):
        if f"{inst.path}.seq_len" in results.values:
            continue
        model = results.values.get(f"{inst.path}.model")
        context = results.values.get(f"{getattr(model, 'path', '')}.context") if model is not None else None
        seq = 4096.0 if context is None else np.minimum(4096.0, np.asarray(context, dtype=float))
        batch = _per_scenario(np.asarray(results.values.get(node.path, np.nan), dtype=float), count)
        seq = _per_scenario(np.asarray(seq, dtype=float), count)
        if batch is None or seq is None:
            continue
        bad = np.isfinite(batch) & (batch > 0) & (batch < seq)   # <= 0 is the field's own range error, said once
        if not bad.any():
            continue
        i, where = _first_bad(ev, results, bad, count)
        ev.sink.error(Code.OUT_OF_RANGE, f"`{node.path}` must be at least one sequence, the default seq_len "
                      f"({format_quantity(float(seq[i]), 'tok')}); it is {format_quantity(float(batch[i]), 'tok')}"
                      f"{where}", _span_of(node),
                      notes=["an optimizer step holds at least one whole sequence: the run would step "
                             f"{format_quantity(float(seq[i]), 'tok')} at a time, not the batch asked for"],
                      help="raise `global_batch`, or set a shorter `seq_len`", scenarios=_rows(bad, count),
                      quantities=_figures_of(results, inst))


def _check_ep_on_dense_service(ev, results, count: int) -> None:
    """`ep` above 1 on an inference service of a model with no routed experts (a dense model): the serving model
    spreads no experts, so `ep` fixes nothing there (compiler/models/inference/: "a dense model: `ep` fixes
    nothing"); a `no-effect` warning at the `ep` field saying the model has no experts, where it was silent. (A
    training run has no layout at such an `ep`: its `infeasible-workload` error stands at the field, s19-plancolo.)"""
    from .display import format_quantity

    for node, inst in _workload_fields(results, ("inference",), ("ep",)):
        get = _Getter(results, inst, count)
        ep = _per_scenario(np.asarray(results.values.get(node.path, np.nan), dtype=float), count)
        if ep is None or not np.all((ep > 1) & (get("model.experts", 0.0) <= 0)):
            continue
        ev.sink.warning(Code.NO_EFFECT, f"`{node.path}` = {format_quantity(float(ep[0]), '')} changes nothing here: "
                        f"the model has no experts (a dense model, no routed experts to spread over ep ranks)",
                        _span_of(node), help="remove `ep` (it applies to a mixture-of-experts model)")


def _placed(results, kind: str) -> list:
    """The placed blocks of `kind`, breadth first from the roots (the order their diagnostics are reported in)."""
    todo, found = list(results.graph.roots), []
    while todo:
        inst = todo.pop(0)
        todo.extend(inst.parts)
        if inst.kind == kind:
            found.append(inst)
    return found


def _check_batch_beyond_run(ev, results, count: int) -> None:
    """A training run whose global batch (tokens a step: `global_batch`, else the default 4 Mi tokens) exceeds its
    `tokens`: it runs one whole step by design (compiler/models/training.py `steps`: at least one step for any
    tokens), more tokens than it asked for, so its time to train, and the cost and energy computed from it, are of
    that step. A `batch-beyond-run` warning at the workload naming both figures, in the scenarios where it holds;
    its time to train is flagged (and every figure computed from it). (s19-plancolo: a 1 Gtok run at a 2 Gtok
    batch printed time_to_train 4.3 h, the 2 Gtok step, as a clean figure, exit 0.)"""
    from .display import format_quantity
    from .models.training import default_global_batch

    for inst in _placed(results, "training"):
        tokens = results.values.get(f"{inst.path}.tokens")
        batch = results.values.get(f"{inst.path}.global_batch", default_global_batch.value)
        if not isinstance(tokens, np.ndarray) or isinstance(batch, str):
            continue
        tokens = _per_scenario(np.asarray(tokens, dtype=float), count)
        batch = _per_scenario(np.asarray(batch, dtype=float), count)
        if tokens is None or batch is None:
            continue
        bad = np.isfinite(tokens) & np.isfinite(batch) & (tokens > 0) & (batch > tokens)
        if not bad.any():
            continue
        i, where = _first_bad(ev, results, bad, count)
        figures = [p for p in (f"{inst.path}.time_to_train", f"{inst.path}.time_without_failures")
                   if p in results.graph.nodes]
        written = f"{inst.path}.global_batch" in results.values
        ev.sink.warning(Code.BATCH_BEYOND_RUN, f"training `{inst.path}` runs one whole step larger than the whole run: "
                        f"its global batch{'' if written else ' (the default)'} is "
                        f"{format_quantity(float(batch[i]), 'tok')} a step, its tokens "
                        f"{format_quantity(float(tokens[i]), 'tok')}{where}", inst.block.name_span,
                        notes=["a run shorter than one batch still runs one whole step: its time to train (and the "
                               "cost and energy computed from it) are of that step, not of the tokens asked for"],
                        help="lower `global_batch` to at most `tokens`, or raise `tokens`",
                        scenarios=_rows(bad, count), quantities=figures)


# the banded latencies' extra paths a knife edge flags with them (the output each equals)
_BAND_ALIASES = {"ttft_p99": ("ttft",), "tpot_p99": ("tpot",)}


def _check_latency_knife_edge(ev, results, count: int) -> None:
    """A served latency (TTFT p99 and p50, TPOT p99 and mean) on a knife edge: its latency band
    (compiler/models/inference/ `latency_band`: the figure at the service's load x 0.95 and x 1.05, its layout
    held) is wider than LATENCY_KNIFE_EDGE (high / low), or unbounded (5% more load than the service carries grows
    its queue without bound: its rows fill its KV cache or engine, or its prompt queue saturates). A
    `latency-knife-edge` warning at the workload with each such figure and its band, in the scenarios where one
    holds; the figure (and what is computed from it) flagged in the table, the report and the JSON. A warning, not
    an error: the figure is the model's at its stated load; it says that a small error in that load moves it far
    (s20-h200int: runs at one throughput measured TTFT p99 501 -> 1,701 ms; s20-mixtail: 0.4 -> 1.9 s over 4% of
    the KV rows). Its help names the `offered_load` to set: the output `room_load` (the most load, on a 10% grid
    of the capacity, at which every band is clean), or says no load has room."""
    from .display import format_quantity
    from .models.inference.band import BANDED, LATENCY_BAND_LOAD, LATENCY_KNIFE_EDGE, ROOM_SHARES, knife_edge

    lo_pct, hi_pct = f"{100 * (1 - LATENCY_BAND_LOAD):g}%", f"{100 * (1 + LATENCY_BAND_LOAD):g}%"
    for inst in _placed(results, "inference"):
        found = {}                          # name -> (point, low, high, unbounded, wide), per scenario
        for name, _, _ in BANDED:
            values = [results.values.get(f"{inst.path}.{name}{end}") for end in ("", "_low", "_high")]
            if not all(isinstance(v, np.ndarray) for v in values):
                continue
            point, low, high = (_per_scenario(np.asarray(v, dtype=float), count) for v in values)
            if point is None or low is None or high is None:
                continue
            found[name] = (point, low, high, *knife_edge(point, low, high, LATENCY_KNIFE_EDGE))
        bad = np.zeros(count, dtype=bool)
        for point, low, high, unbounded, wide in found.values():
            bad |= unbounded | wide
        if not bad.any():
            continue
        i, where = _first_bad(ev, results, bad, count)
        endless, items, flagged = [], [], []
        for name, (point, low, high, unbounded, wide) in found.items():
            if not (unbounded | wide).any():
                continue
            # the figure and what reads it; the band's upper end too where it is unbounded (absent, with its reason)
            flagged += [p for p in (f"{inst.path}.{name}", *(f"{inst.path}.{a}" for a in _BAND_ALIASES.get(name, ())))
                        + ((f"{inst.path}.{name}_high",) if unbounded.any() else ()) if p in results.graph.nodes]
            what, stat = name.split("_")
            head = f"{what.upper()} {stat} {format_quantity(float(point[i]), 's')}"
            if unbounded[i]:
                endless.append(f"{head} ({format_quantity(float(low[i]), 's')} at {lo_pct}; `{inst.path}.{name}_high` n/a)")
            elif wide[i]:
                items.append(f"{head}: {format_quantity(float(low[i]), 's')} to {format_quantity(float(high[i]), 's')}"
                             f" at {lo_pct}-{hi_pct} of its load (x{high[i] / low[i]:.2f}, above "
                             f"x{LATENCY_KNIFE_EDGE:g})")
        if endless:
            items.insert(0, f"no steady value at {hi_pct} of its load (its queue grows without bound): "
                            f"{', '.join(endless)}")
        notes = []
        rows, cap = (results.values.get(f"{inst.path}.{n}") for n in ("batch_in_flight", "max_batch"))
        if isinstance(rows, np.ndarray) and isinstance(cap, np.ndarray):
            rows, cap = (_per_scenario(np.asarray(v, dtype=float), count) for v in (rows, cap))
            if (rows is not None and cap is not None and np.isfinite(rows[i]) and np.isfinite(cap[i])
                    and rows[i] >= cap[i] - 3 * np.sqrt(max(rows[i], 0.0))):
                notes.append(f"its rows in flight ({rows[i]:,.0f}) are within 3 sqrt of what its KV cache holds "
                             f"({cap[i]:,.0f} rows): a random count of rows meets the cap and an arrival waits for a "
                             f"row to free (docs/accuracy.md \"The Mixtral H100 tail as a wait for an engine's own KV "
                             f"rows\")")
        notes.append(f"the band is the model's own figure at the load x {1 - LATENCY_BAND_LOAD:g} and x "
                     f"{1 + LATENCY_BAND_LOAD:g}, its layout held (the outputs *_low, *_high): a load or capacity "
                     f"known to +-{100 * LATENCY_BAND_LOAD:g}% gives a latency anywhere in it")
        room, capacity = (results.values.get(f"{inst.path}.{n}") for n in ("room_load", "tokens_per_s"))
        room, capacity = (_per_scenario(np.asarray(v, dtype=float), count) if isinstance(v, np.ndarray) else None
                          for v in (room, capacity))
        if room is not None and capacity is not None and np.isfinite(room[i]) and capacity[i] > 0:
            load, whole = (format_quantity(float(v[i]), "tok/s") for v in (room, capacity))
            help_ = (f"read its latencies at a load with room: set `offered_load = {load}` "
                     f"({100 * room[i] / capacity[i]:.0f}% of its capacity {whole}, the output `room_load`) or less, "
                     f"where every latency's band is within x{LATENCY_KNIFE_EDGE:g}; or give it more KV room or "
                     f"accelerators")
        elif room is not None:
            help_ = (f"no load from {100 * ROOM_SHARES[0]:g}% down to {100 * ROOM_SHARES[-1]:g}% of its capacity "
                     f"has every latency's band within x{LATENCY_KNIFE_EDGE:g}: give it more KV room or accelerators")
        else:                               # (no room_load: the figures flagged are not the model's own, set ones)
            help_ = ("read its latencies at a load with room: set `offered_load` below its capacity "
                     "(tokens_per_s), or give it more KV room or accelerators")
        ev.sink.warning(Code.LATENCY_KNIFE_EDGE,
                        f"`{inst.path}`'s latency sits on a knife edge{where}: {'; '.join(items)}",
                        inst.block.name_span, notes=notes, help=help_,
                        scenarios=_rows(bad, count), quantities=flagged)


def _check_tokens_beyond_context(ev, results, count: int) -> None:
    """A request longer than its model's `context` (the positions it was trained to attend over): an inference
    service's input_tokens + output_tokens (the default 1,024 + 256 where one is not set,
    compiler/models/inference/ `default_input_tokens`). The model cannot attend over it, so its figures (KV
    cache, attention time, memory) are for a request that cannot run: an `out-of-range` error at the field with
    both numbers, once per workload. A model given no context is not checked. A training run's seq_len may exceed
    it: fine-tuning at a longer sequence extends the context (MLPerf Training's Llama 2 70B LoRA runs 8,192 tokens
    on its 4,096-token model; Llama 3.1's long-context stage went from 8k to 128k)."""
    from .display import format_quantity
    from .models.inference import default_input_tokens, default_output_tokens

    seen: set[str] = set()
    for node, inst in _workload_fields(results, ("inference",), ("input_tokens", "output_tokens")):
        if inst.path in seen:
            continue
        model = results.values.get(f"{inst.path}.model")
        context = results.values.get(f"{getattr(model, 'path', '')}.context") if model is not None else None
        if context is None:
            continue
        context = _per_scenario(np.asarray(context, dtype=float), count)

        def get(name: str, default: float):
            value = results.values.get(f"{inst.path}.{name}", default)
            return _per_scenario(np.asarray(value, dtype=float), count)

        length = get("input_tokens", default_input_tokens.value) + get("output_tokens", default_output_tokens.value)
        what = "a request (input_tokens + output_tokens)"
        if length is None or context is None:
            continue
        bad = np.isfinite(length) & np.isfinite(context) & (context > 0) & (length > context * (1 + 1e-12))
        if not bad.any():
            continue
        seen.add(inst.path)
        i, where = _first_bad(ev, results, bad, count)
        ev.sink.error(Code.OUT_OF_RANGE, f"`{inst.path}`: {what} is {format_quantity(float(length[i]), 'tok')}, "
                      f"longer than the context of its model `{model.block.name}`, "
                      f"{format_quantity(float(context[i]), 'tok')}{where}", _span_of(node),
                      notes=["the model attends over at most its context: its figures (KV cache, attention, "
                             "memory) would be for a request it cannot run"],
                      help="shorten it, or serve a model with a longer context (`model long extends ... { context "
                           "= ... }` where it is extended, e.g. by RoPE scaling)", scenarios=_rows(bad, count),
                      quantities=_figures_of(results, inst))


# a narrow precision's wider formats, in the order the models fall back to them (inference.platform._RATE_CHAIN)
_WIDER_FORMATS = {"fp4": ("fp8", "bf16"), "int8": ("fp8", "bf16"), "fp8": ("bf16",)}


def _workload_precisions(ev, results, kinds: tuple[str, ...]):
    """(node, instance, context, precision, chip) of each placed workload of `kinds` that sets its `precision`: the
    walk of the two precision checks (a workload whose chip cannot be read is left to its own error)."""
    from .evaluate import Context, EvalError
    from .models.inference import Platform

    for node, inst in _workload_fields(results, kinds, ("precision",)):
        if inst.parent is None:
            continue
        try:
            ctx = Context(ev, inst)
            precision, chip = ctx.text("precision", "bf16"), Platform(ctx).chip
        except EvalError:
            continue
        yield node, inst, ctx, precision, chip


def _check_precision_the_chip_lacks(ev, results) -> None:
    """A workload's `precision` whose dense rate its chip does not give (fp4 on an H100: Hopper has no FP4 tensor
    cores): its GEMMs are computed at the next wider format the chip has (compiler/models/inference/ `_peak`:
    fp4 -> fp8 -> bf16, int8 -> fp8 -> bf16), its weights at the precision's bytes (a weight-only kernel). A
    `model-input-missing` warning at the precision naming the chip, the missing rate and the rate used, so that
    it never runs so in silence (a chip with none of them is `uncomputed-workload`; one with only a sparse bf16
    headline, the WSE-3, runs at the dense bf16 rate `_peak` derives from it, flagged as the others)."""
    from .evaluate import EvalError, format_value

    chains = _WIDER_FORMATS
    for node, inst, ctx, precision, chip in _workload_precisions(ev, results, ("inference", "training")):
        try:
            if precision not in chains or chip.is_set(precision):
                continue
            used = next((name for name in chains[precision] if chip.is_set(name)), None)
            if used is None and chip.has("bf16_sparse"):
                # `_peak`'s last resort (the WSE-3: a sparse bf16 headline only): a dense bf16 rate derived from it
                from .models.inference import _peak
                rate = np.asarray(_peak(chip, precision), dtype=float).reshape(-1)
                used_text = (f"dense bf16 rate derived from its `bf16_sparse` headline (x sparse_to_dense), "
                             f"{format_value(float(rate[0]), 'FLOP/s')}")
                ask = "bf16"
            elif used is None:
                continue                        # no rate at all: uncomputed-workload says so
            else:
                rate = np.asarray(chip.get(used), dtype=float).reshape(-1)
                used_text = f"`{used}` rate, {format_value(float(rate[0]), 'FLOP/s')}"
                ask = used
        except EvalError:
            continue
        from .models.workloads import _definition
        name = _definition(ctx, chip.inst.block).name          # the chip definition, not the part's name
        ev.sink.warning(Code.MODEL_INPUT_MISSING, f"`{inst.path}` runs at precision \"{precision}\" but its chip "
                        f"`{name}` gives no `{precision}` rate: its GEMMs are computed at its {used_text}, "
                        f"with {precision} weights (a weight-only kernel)", _span_of(node),
                        help=f"give the chip's `{precision}` rate, or ask for a precision it has (\"{ask}\")",
                        quantities=_figures_of(results, inst))   # (s24-hunt: its figures read clean before)


def _check_slower_precision(ev, results) -> None:
    """An inference workload at a narrow `precision` its chip rates (fp4, fp8, int8) whose checkpoint computes its
    GEMMs below the chip's rate at a wider format it also rates (compiler/models/inference/ `checkpoint_rate`:
    gpt-oss-120b's FP4 checkpoint, bf16 attention and MXFP8-activation experts, 0.77 of a GB200's fp8 rate). A
    `slower-precision` warning at the precision with both rates, so that fp4 below fp8 (a compute-bound step: the
    law test tests/test_precision_law26.py excludes it for this reason) is never ranked so in silence. No figure is
    flagged: they are the model's for the checkpoint it names."""
    from .evaluate import EvalError, format_value
    from .models.inference import architecture
    from .models.inference.platform import _peak, checkpoint_rate

    wider = _WIDER_FORMATS
    for node, inst, ctx, precision, chip in _workload_precisions(ev, results, ("inference",)):
        try:
            if precision not in wider or not chip.is_set(precision):
                continue
            model = ctx.ref("model")
            rate, _ = checkpoint_rate(ctx, model, architecture(model), chip, precision, _peak(chip, precision),
                                      1.0, np.asarray([0.0]))
            rate = float(np.min(np.asarray(rate, dtype=float)))
            faster = [(w, float(np.max(np.asarray(chip.get(w), dtype=float)))) for w in wider[precision]
                      if chip.is_set(w)]
            faster = [(w, r) for w, r in faster if rate < r * (1 - 1e-9)]
        except EvalError:
            continue
        if not faster:
            continue
        from .models.workloads import _definition
        name = _definition(ctx, chip.inst.block).name
        w, r = faster[0]
        ev.sink.warning(Code.SLOWER_PRECISION, f"`{inst.path}` runs `{_definition(ctx, model.inst.block).name}` at "
                        f"precision \"{precision}\", whose checkpoint computes its GEMMs at "
                        f"{format_value(rate, 'FLOP/s')} on chip `{name}`, below its `{w}` rate "
                        f"{format_value(r, 'FLOP/s')}", _span_of(node),
                        notes=["the checkpoint keeps some GEMMs wide (the model's `let fp4_bf16_params`, "
                               "`fp4_expert_activation_bits`, or the workload's `weight_bits`): its weights are "
                               f"narrower, so a memory-bound step is faster than at \"{w}\", but a compute-bound "
                               f"one (large batches, long prompts) can be slower: physically, not a defect"],
                        help=f"compare with precision \"{w}\" at the same limits; each is the model's figure for "
                             "its own checkpoint")


def _check_power_cap_above_tdp(ev, results, count: int) -> None:
    """An inference workload's `power_cap` above its chip's TDP in every scenario changes nothing: the power model
    holds the chip at min(tdp, power_cap) (compiler/models/power.py `chip_power_model`), so the limit is the TDP.
    A `no-effect` warning at the value with both numbers (a cap at the TDP is the TDP written out: nothing said)."""
    from .evaluate import Context, EvalError, format_value
    from .models.inference import Platform

    for node, inst in _workload_fields(results, ("inference",), ("power_cap",)):
        if not isinstance(results.values.get(f"{inst.path}.accelerator_power"), np.ndarray):
            continue                            # the power model did not run (its own diagnostic says why)
        cap = _per_scenario(np.asarray(results.values.get(node.path, np.nan), dtype=float), count)
        try:
            chip = Platform(Context(ev, inst)).chip
            if not chip.has("tdp"):
                continue
            tdp = _per_scenario(np.asarray(chip.get("tdp"), dtype=float), count)
        except EvalError:
            continue
        if cap is None or tdp is None or not np.all(cap > tdp):
            continue
        ev.sink.warning(Code.NO_EFFECT, f"`{node.path}` = {format_value(float(cap[0]), 'W')} changes nothing here: "
                        f"it is above the chip's TDP, {format_value(float(tdp[0]), 'W')}, and a chip draws at most "
                        "min(tdp, power_cap)", _span_of(node),
                        help="remove `power_cap`, or set one below the TDP to lower the clocks")


HEADLINES = {"inference": ("tokens_per_s", "throughput"), "training": ("time_to_train", "time to train")}


def _check_workload_headlines(ev, results, count: int) -> None:
    """A placed workload whose headline figure (HEADLINES) its model could not compute for a missing input (the
    `model-input-missing` warnings name it; a chip without the rate of the precision it serves at): an
    `uncomputed-workload` error at the workload naming the input, and the figure absent with that reason (null in
    JSON, n/a in the table and the report), not left out silently with exit 0. A figure absent for a reason of its
    own (an infeasible workload, a refused let) is its own diagnostic's."""
    from .evaluate import Absent

    for node in list(results.graph.nodes.values()):
        inst = node.instance
        headline = HEADLINES.get(inst.kind) if inst is not None else None
        if headline is None or node.kind != "model" or node.path != f"{inst.path}.{headline[0]}" \
                or inst.parent is None or node.path in results.values:
            continue
        causes = [d for d in ev.sink.items if d.code == Code.MODEL_INPUT_MISSING
                  and any(q.startswith(inst.path + ".") for q in d.quantities)]
        if not causes:
            continue                             # not computed for a reason of its own, said where it arose
        why = causes[0].message.partition("cannot be computed: ")[2] or causes[0].message
        reason = f"its {headline[1]} cannot be computed: {why}"
        results.values[node.path] = np.full(count, np.nan)
        results.absent[node.path] = Absent(np.ones(count, dtype=bool), reason, node.path)
        results.units[node.path] = node.unit
        level = inst.parent                      # the site's sum over its workloads is missing for the same reason
        while level is not None:
            total = f"{level.path}.{headline[0]}"
            if total in results.graph.nodes and total not in results.values:
                results.values[total] = np.full(count, np.nan)
                results.absent[total] = Absent(np.ones(count, dtype=bool), f"`{inst.path}`: {reason}", node.path)
                results.units[total] = results.graph.nodes[total].unit
            level = level.parent
        ev.sink.error(Code.UNCOMPUTED_WORKLOAD, f"`{inst.path}` has no {headline[1]}: {why}",
                      inst.block.name_span, quantities=[node.path],
                      notes=[f"`{node.path}` and the figures computed from it have no value (null in JSON)"],
                      help="give the missing figure, or ask for what the hardware has (a `precision` its chip gives)")


def _table_fields(results, table: dict):
    """(node, its block, the field's name, table entry) for each field node set on its own block whose (kind, name)
    `table` holds: the fields a table of per-field checks (ordered pairs, plausibility) judges. Found by walking the
    placed blocks (depth first, in order) and looking up only the table's fields of each, so that an evaluation of
    the checks alone (the editor's, whose graph makes a node when first read) does not make every node."""
    by_kind: dict[str, list] = {}
    for (kind, name), entry in table.items():
        by_kind.setdefault(kind, []).append((name, entry))
    nodes = results.graph.nodes
    for inst in _placed_in_order(results.graph):
        for name, entry in by_kind.get(inst.kind, ()):
            node = nodes.get(f"{inst.path}.{name}")
            if node is not None and node.kind == "field" and node.instance is inst:
                yield node, inst, name, entry


class _CopyField(Node):
    """A table field of a placement that `compiler.share` found to be a copy of its class's first: the first's node
    (the same statement: the same expression and span) at the copy's path, made without the lazy node table
    (`_table_fields_shared`). `upper`: whether the first's block has the pair's upper field."""

    __slots__ = ("first", "upper")

    def same_as_first(self, values: dict, upper: str | None) -> bool:
        """Whether this copy's value (and its pair's upper field's) is its first's, the same array: then its
        finding is the first's (none where the first has none)."""
        first = self.first
        if values.get(self.path) is not values.get(first.path):
            return False
        return not upper or values.get(f"{self.instance.path}.{upper}") is \
            values.get(f"{first.instance.path}.{upper}")


def _table_fields_shared(results, table: dict, share):
    """`_table_fields`, the same items in the same order, where the checks' evaluation shares placements
    (`compiler.share`): a copy's items are its class's first's (the same member statements: the same fields set
    on the same blocks), each at the copy's path (a `_CopyField`), found without looking its nodes up. Their values
    are read as any (`Evaluator.node_value`: the first's where the share holds them, else computed), so the
    findings are those of the walk without the share's classes (tests/test_share.py, tests/test_lsp.py)."""
    by_kind: dict[str, list] = {}
    for (kind, name), entry in table.items():
        by_kind.setdefault(kind, []).append((name, entry))
    nodes = results.graph.nodes
    at = share.at
    firsts: dict[str, list] = {}                # a class's first instance path -> its items (name, entry, node, upper)
    for inst in _placed_in_order(results.graph):
        entries = by_kind.get(inst.kind)
        if not entries:
            continue
        mapped = at.get(inst.path)
        if mapped is not None and mapped[0] != inst.path:
            items = firsts.get(mapped[0])
            if items is not None:
                if items:
                    yield _Copy(inst, items)
                continue
        items = []
        for name, entry in entries:
            node = nodes.get(f"{inst.path}.{name}")
            if node is not None and node.kind == "field" and node.instance is inst:
                upper = bool(entry) and type(entry) is str and f"{inst.path}.{entry}" in nodes
                items.append((name, entry, node, upper))
                yield node, inst, name, entry
        if mapped is not None:
            firsts[inst.path] = items


def _fields_of(results, table: dict, found: list | None, found_at: set | None = None):
    """`_table_fields(results, table)`, or, given `found` (a walk of a table holding every key of `table`, its keys of
    one kind in the same order: `check_field_tables`'s, ORDERED's keys then PLAUSIBLE's, which share none), its items
    that `table` holds, with `table`'s entry: the same items in the same order, without walking the blocks again.
    A shared copy (`_Copy`) whose values are its first's, none of whose first's items is in `found_at` (gave a
    finding), gives none (each would be skipped: its finding would be the first's); else its items."""
    if found is None:
        yield from _table_fields(results, table)
        return
    for item in found:
        if type(item) is _Copy:
            if item.identical and (not found_at or not any(id(first) in found_at for _n, _e, first, _u in item.items)):
                continue
            items = item.made()
        else:
            items = (item,)
        for node, inst, name, _entry in items:
            entry = table.get((inst.kind, name))
            if entry is not None:
                yield node, inst, name, entry


class _Copy:
    """A placement `compiler.share` found to be a copy of its class's first, as one entry of the field tables' walk
    (`_table_fields_shared`): its items are its first's (name, entry, the first's node, whether the first's block
    has the pair's upper field), made at its own paths (`_CopyField`) only where judged. `identical`: every value
    is its first's (`_copy_identical`)."""

    __slots__ = ("fields", "identical", "inst", "items")

    def __init__(self, inst, items: list):
        self.inst, self.items = inst, items
        self.identical = False
        self.fields = None

    def made(self) -> list:
        if self.fields is None:
            inst, prefix, out = self.inst, self.inst.path + ".", []
            for name, entry, first, upper in self.items:
                node = _CopyField(prefix + name, first.unit, first.span, first.expr, inst, first.module,
                                  first.kind, first.comment)
                node.first, node.upper = first, upper
                out.append((node, inst, name, entry))
            self.fields = out
        return self.fields


def _placed_in_order(graph) -> list:
    """Every placed block of `graph`, depth first in order: walked once per graph and kept on it (its instances are
    fixed by lowering), as each table's check reads them."""
    found = graph.__dict__.get("_placed_in_order")
    if found is None:
        found, todo = [], list(reversed(graph.roots))
        while todo:
            inst = todo.pop()
            found.append(inst)
            todo.extend(reversed(inst.parts))
        graph.__dict__["_placed_in_order"] = found
    return found


def _scalar(value) -> bool:
    """A value of one number (a float or int array of size 1): compared without array arithmetic."""
    return isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "fiu"


def _rows(mask: np.ndarray, count: int) -> list[int] | None:
    """`Diagnostic.scenarios` of an error that holds where `mask` is set (None: in every scenario)."""
    return [int(i) for i in np.flatnonzero(mask)] if count > 1 and np.size(mask) == count else None


def _noted_again(reported: dict, key, path: str) -> bool:
    """One diagnostic per place: where `key` (its code or field and span) was reported already, `path` (another
    placement of the same definition) is named in a note of that diagnostic (at most 8) and True is returned."""
    first = reported.get(key)
    if first is None:
        return False
    if len(first.notes) < 8:
        first.notes.append(f"also `{path}`")
    return True


def _check_ordered_pairs(ev, results, count: int, found: list | None = None) -> None:
    """Two fields of one block whose values are ordered by what they mean (`dsl.schema.ORDERED`: a chip's
    idle_power at most its tdp, a site's wet bulb at most its dry bulb): where the lower is above the upper, an
    `out-of-range` error at the lower field's value with both numbers (and the scenarios, in a sweep), as a value
    outside its own range is; the upper's place is a note. One error per place: the same definition placed again is
    named in a note. Scenarios where either has no value are not judged."""
    from dsl.schema import ORDERED

    from .display import format_quantity

    pairs = {(kind, lower): (upper, why) for kind, lower, upper, why in ORDERED}
    reported: dict = {}
    found_at: set[int] = set()          # the items (not copies) that gave a finding
    for node, inst, name, (upper, why) in _fields_of(results, pairs, found, found_at):
        if type(node) is _CopyField and id(node.first) not in found_at and node.same_as_first(results.values, upper):
            continue                    # a shared copy with its first's values, which gave nothing
        low_value, high_value = results.values.get(node.path), results.values.get(f"{inst.path}.{upper}")
        if _scalar(low_value) and _scalar(high_value) and not low_value.flat[0] > high_value.flat[0]:
            continue                    # one figure each, in order (most): no array arithmetic
        upper_node = results.graph.nodes.get(f"{inst.path}.{upper}")
        low = _per_scenario(np.asarray(np.nan if low_value is None else low_value, dtype=float), count)
        high = _per_scenario(np.asarray(np.nan if high_value is None else high_value, dtype=float), count)
        if upper_node is None or low is None or high is None:
            continue
        bad = np.isfinite(low) & np.isfinite(high) & (low > high)
        if not bad.any():
            continue
        found_at.add(id(node))
        i, where = _first_bad(ev, results, bad, count)
        unit, declared = results.units.get(node.path, ""), kind_spec(inst.kind).fields[name].type
        span = _span_of(node)
        key = (span, name)
        if _noted_again(reported, key, node.path):
            first = reported[key]
            rows = _rows(bad, count)
            first.scenarios = None if first.scenarios is None or rows is None else sorted({*first.scenarios, *rows})
            continue
        upper_span = _span_of(upper_node)
        notes = [why] + ([f"`{upper}` is set at {upper_span.file}:{upper_span.line}:{upper_span.col}"]
                         if upper_span is not None else [])
        reported[key] = ev.sink.error(
            Code.OUT_OF_RANGE, f"`{node.path}` must be at most `{upper}` "
            f"({format_quantity(float(high[i]), unit, declared)}); it is "
            f"{format_quantity(float(low[i]), unit, declared)}{where}",
            span, notes=notes, help=f"check the units and the figures of `{name}` and `{upper}`",
            scenarios=_rows(bad, count))


@functools.cache
def _model_let_readers() -> dict[str, frozenset[str]]:
    """The workload kinds whose models read each `let` of a model's definition (`ref:model.let:dense_layers` ->
    {"training"})."""
    from .models import _REGISTRY, _load
    _load()
    readers: dict[str, set[str]] = {}
    for outputs in _REGISTRY.values():
        for out in outputs.values():
            for text in out.declared or ():
                if text.startswith("ref:model.let:") and out.kind in WORKLOAD_KINDS:
                    readers.setdefault(text[len("ref:model.let:"):], set()).add(out.kind)
    return {name: frozenset(kinds) for name, kinds in readers.items()}


def _warn_unread_model(ev, results, node, name: str) -> None:
    """A `let` of a model's definition (in the spec, not the stdlib) named as an option the models read, that no
    model of the workloads serving it read (`let dense_layers` of a model only inference serves, `let kv_lora_rank`
    without `qk_rope_head_dim`, `let fp4_bf16_params` served at fp8): a `no-effect` warning saying why. A
    definition no workload serves is a library entry: nothing is said."""
    model = node.instance.path
    kinds = set()
    for path, value in results.values.items():
        owner = results.graph.nodes.get(path)
        if path.endswith(".model") and getattr(value, "path", None) == model and owner is not None \
                and owner.instance is not None and owner.instance.kind in WORKLOAD_KINDS:
            kinds.add(owner.instance.kind)
    if not kinds:
        return
    readers = _model_let_readers().get(name, frozenset())
    serving = " and ".join(sorted(kinds))
    if readers and not readers & kinds:
        why = f"only {' and '.join(sorted(readers))} workloads read `{name}`, and `{model}` serves {serving} ones"
    else:
        where = READ_WHERE.get(name, "where it applies (docs/models.md says where)")
        why = f"the {serving} model reads `{name}` only {where}, not in the workloads that serve `{model}`"
    ev.sink.warning(Code.NO_EFFECT, f"`{node.path}` is read by no model, so it changes nothing: {why}", node.span,
                    help="remove the `let`, or set what it applies to")


def _outside(limit, v: np.ndarray) -> np.ndarray:
    """Where the finite values `v` fall outside `limit` (a `dsl.schema.Range`; `Range.contains`, vectorized)."""
    out = np.zeros(v.shape, dtype=bool)
    if limit.values is not None:
        return ~np.isin(v, limit.values)
    if limit.lo is not None:
        out |= (v <= limit.lo) if limit.lo_open else (v < limit.lo)
    if limit.hi is not None:
        out |= (v >= limit.hi) if limit.hi_open else (v > limit.hi)
    if limit.integral:
        out |= v != np.round(v)
    return out


def _per_scenario(value: np.ndarray, count: int) -> np.ndarray | None:
    flat = value.reshape(-1)
    if flat.size == count:
        return flat
    if flat.size == 1:
        return np.broadcast_to(flat, (count,))
    return None


def _absent_mask(entry, count: int) -> np.ndarray:
    if entry is None:
        return np.zeros(count, dtype=bool)
    mask = np.asarray(getattr(entry, "mask", entry), dtype=bool).reshape(-1)
    return np.broadcast_to(mask, (count,)) if mask.size in (1, count) else np.zeros(count, dtype=bool)


def _infeasible(results, node, count: int) -> np.ndarray:
    """Scenarios where the node's workload has no feasible configuration (`feasible` = 0): its figures are
    not computed there (the same rule as `Results.absent`, for a workload's own outputs)."""
    inst = node.instance
    spec = kind_spec(inst.kind) if inst is not None else None
    if spec is None or "feasible" not in spec.fields or node.path == f"{inst.path}.feasible":
        return np.zeros(count, dtype=bool)
    feasible = results.values.get(f"{inst.path}.feasible")
    if not isinstance(feasible, np.ndarray):
        return np.zeros(count, dtype=bool)
    flat = _per_scenario(np.asarray(feasible, dtype=float), count)
    return np.zeros(count, dtype=bool) if flat is None else flat == 0


def _range_here(ev, node):
    """(Range, what declares it) for this node: a schema field's or model output's (`_range_of`), or, for a
    `let` a model read in place of an assumption or as an option (`Evaluator.let_declared`), theirs."""
    figure = ev.let_declared.get(node.path) if node.kind == "let" else None
    if figure is not None and figure.range is not None:
        return figure.range, figure
    if node.kind == "let" and node.instance is not None \
            and node.path.rpartition(".")[0] == node.instance.path:
        fspec = _field_of(node)             # a `let` named as a field: the field's range (`let input_tokens`)
        if fspec is not None and field_range(fspec) is not None:
            return field_range(fspec), fspec
    if node.kind == "let" and getattr(node, "display", "") == "temp":
        return RANGES["temp"], ABSOLUTE_ZERO     # a temperature point (`20 degC - a`): not below 0 K
    return _range_of(node)


ABSOLUTE_ZERO = "absolute zero"         # what bounds a `let` that is a temperature point (`_range_here`)


def _range_of(node):
    inst = node.instance
    if inst is None or node.kind not in ("field", "model"):
        return None
    name = node.path.rpartition(".")[2]
    key = (inst.kind, name)
    if key not in _RANGES_OF:                   # the schema is fixed: one lookup per kind and field
        spec = kind_spec(inst.kind)
        fspec = spec.fields.get(name) if spec is not None else None
        _RANGES_OF[key] = (field_range(fspec), fspec) if fspec is not None and field_range(fspec) is not None \
            else None
    return _RANGES_OF[key]


_RANGES_OF: dict[tuple[str, str], tuple | None] = {}


def _report(ev, results, node, nonfinite: np.ndarray, out: np.ndarray, rng, count: int, reported: dict) -> None:
    from .evaluate import format_value

    def error(code: str, message: str, span, where: np.ndarray, **kw) -> None:
        """One diagnostic per place and field: the same field of another instance is named in a note. The
        diagnostic keeps the scenarios it holds in (`Diagnostic.scenarios`), those of every instance it names."""
        key = (code, span, node.path.rpartition(".")[2])
        bad = [int(i) for i in where]
        if not _noted_again(reported, key, node.path):
            reported[key] = ev.sink.error(code, message, span, scenarios=bad if count > 1 else None, **kw)
        else:
            d = reported[key]
            if d.scenarios is not None:
                d.scenarios = sorted(set(d.scenarios) | set(bad))

    values = _per_scenario(np.asarray(results.values[node.path], dtype=float), count)
    unit = results.units.get(node.path, "")
    if nonfinite.any():
        where = np.flatnonzero(nonfinite)
        v = float(values[where[0]])
        what = "NaN (not a number)" if np.isnan(v) else ("infinite" if v > 0 else "minus infinity")
        span, why = _division_by_zero(ev, node, nonfinite)
        message = f"`{node.path}` is {what}{_scenarios(ev, results, where, count)}"
        notes = [why] if why else []
        if node.kind == "model" and node.formula:
            notes.append(f"formula: {node.path.rpartition('.')[2]} = {node.formula}")
        error(Code.NON_FINITE, message, span or _span_of(node), where, notes=notes,
                      help="a divisor that can be zero needs its own case: `if d > 0 then x / d else ...`"
                      if why else None)
    if out.any():
        where = np.flatnonzero(out)
        v = float(values[where[0]])
        limit, fspec = rng
        if node.kind == "model":
            message = (f"`{node.path}` is negative ({format_value(v, unit)}), but a "
                       f"{fspec.type} figure cannot be{_scenarios(ev, results, where, count)}")
            notes = [f"formula: {fspec.name} = {node.formula}"] if node.formula else []
            error(Code.NON_FINITE, message, _span_of(node), where, notes=notes)
        elif fspec is ABSOLUTE_ZERO:
            message = (f"`{node.path}` is a temperature below absolute zero: it is "
                       f"{_values_text(values, where, lambda x: f'{x - 273.15:.6g} degC')} ({v:.6g} K)"
                       f"{_scenarios(ev, results, where, count)}")
            error(Code.OUT_OF_RANGE, message, _span_of(node), where,
                  help="a temperature point is at least 0 K (-273.15 degC): check the differences subtracted from it")
        elif isinstance(fspec, (Assumption, Option)):     # a `let` for a model's assumption or option
            def fmt(x: float) -> str:
                if fspec.unit == "1":
                    return f"{x:g}"
                return f"0 {zero_unit}" if x == 0 else format_value(x, fspec.unit)

            zero_unit = _zero_unit(fspec.unit, v)

            message = (f"`{node.path}` must be {limit.describe(fmt)}; it is {_values_text(values, where, fmt)}"
                       f"{_scenarios(ev, results, where, count)}")
            note = (f"this `let` replaces the model's assumption `{fspec.name}` (default {fmt(fspec.value)}; "
                    "docs/models.md gives its source)" if isinstance(fspec, Assumption)
                    else f"the model reads this `let` as {fspec.meaning}")
            error(Code.OUT_OF_RANGE, message, _span_of(node), where, notes=[note])
        else:
            scale, written = field_unit(fspec)

            def fmt(x: float) -> str:
                return f"{x / scale:g} {written}" if written else f"{x:g}"

            message = (f"`{node.path}` must be {limit.describe(fmt)}; it is {_values_text(values, where, fmt)}"
                       f"{_scenarios(ev, results, where, count)}")
            error(Code.OUT_OF_RANGE, message, _span_of(node), where)


def _zero_unit(si_unit: str, beside: float) -> str:
    """The unit a zero bound of a range is written in: the unit of the value shown beside it (`must be >= 0 ms;
    it is -2 ms`), else the step of the unit's display ladder that shows 1 of the SI unit (`0 s`, `0 1/s`,
    `0 USD/kWh`). Zero is zero in every unit, so the ladder, which picks the largest step whose value is >= 1, has
    no step for it and falls to its smallest (`0 us`, `0 1/yr`)."""
    from .display import display_unit
    if beside != 0 and math.isfinite(beside):
        return display_unit(beside, si_unit)[1]
    return display_unit(1.0, si_unit)[1]


def _values_text(values: np.ndarray, where: np.ndarray, fmt) -> str:
    """The distinct bad values in scenario order (`0, 2.5, -3`), at most MAX_SCENARIOS_NAMED of them."""
    seen: list[float] = []
    for i in where:
        x = float(values[i])
        if x not in seen:
            seen.append(x)
    more = ", ..." if len(seen) > MAX_SCENARIOS_NAMED else ""
    return ", ".join(fmt(x) for x in seen[:MAX_SCENARIOS_NAMED]) + more


def _span_of(node):
    expr = node.expr
    if node.kind in ("field", "let", "param") and hasattr(expr, "span") and expr.span is not None:
        return expr.span
    return node.span


def _first_bad(ev, results, bad: np.ndarray, count: int) -> tuple[int, str]:
    """The first scenario where `bad` holds (its figures go in the message) and which scenarios those are (""
    when every one: the message then needs no qualifier)."""
    where = np.flatnonzero(bad)
    return int(where[0]), ("" if bad.all() else _scenarios(ev, results, where, count))


def _scenarios(ev, results, where: np.ndarray, count: int) -> str:
    """` in 2 of 5 scenarios (p = 0; p = 1)`: the bad scenarios named by their parameter values."""
    axis = ev.scenario_axis
    if count <= 1 or not axis:
        return ""
    names = []
    for i in where[:MAX_SCENARIOS_NAMED]:
        names.append(", ".join(f"{p} = {_param_text(results, p, float(axis[p][i]))}" for p in axis))
    more = f"; and {len(where) - MAX_SCENARIOS_NAMED} more" if len(where) > MAX_SCENARIOS_NAMED else ""
    return f" in {in_scenarios(len(where), count)} ({'; '.join(names)}{more})"


def _param_text(results, path: str, value: float) -> str:
    from .evaluate import format_value

    return format_value(value, results.units.get(path, ""))


def _division_by_zero(ev, node, bad: np.ndarray):
    """(span of a divisor that is zero in a bad scenario, note) in the node's own expression, else (None, None)."""
    expr = node.expr
    if node.kind not in ("field", "let", "param") or not hasattr(expr, "span"):
        return None, None
    for arith in every_expression(expr):
        if not isinstance(arith, n.Arith):
            continue
        for op, operand in zip(arith.ops, arith.operands[1:]):
            if op != "/":
                continue
            try:
                divisor = ev.number(operand, node.instance, node.module)
            except Exception:  # noqa: BLE001 - a subexpression that does not evaluate is not the cause
                continue
            divisor = _per_scenario(np.asarray(divisor, dtype=float), bad.size)
            if divisor is not None and np.any((divisor == 0) & bad):
                return operand.span, "division by zero: this divisor is 0"
    return None, None


MAX_PLACES_NAMED = 4


def merge_placements(sink, start: int, graph) -> None:
    """One diagnostic per mistake: the evaluator reports per instance, so a line of a definition that the spec
    also places (`mixed.fabric` and `campus.a.m.fabric`, one span) gave the same warning once per instance. The
    diagnostics reported from `sink.items[start]` on that share severity, code, span, help and notes, and whose
    messages differ only in the instance path they name (a backquoted path that begins with one), are merged
    into the first, with a note naming the other instances it applies to (`MAX_PLACES_NAMED`, then a count)."""
    import re

    items = sink.items[start:]
    by_place: dict[tuple, int] = {}
    for d in items:
        if d.span is not None:
            key = (d.severity, d.code, d.span)
            by_place[key] = by_place.get(key, 0) + 1
    if all(c < 2 for c in by_place.values()):
        return
    paths: set[str] = set()
    todo = list(graph.roots)
    while todo:
        inst = todo.pop()
        paths.add(inst.path)
        todo.extend(inst.parts)

    def place(token: str) -> str | None:        # the longest instance path the token begins with
        head = token
        while head:
            if head in paths:
                return head
            head = head.rpartition(".")[0]
        return None

    def generic(message: str) -> tuple[str, str | None]:
        found: list[str] = []

        def strip(m) -> str:
            where = place(m.group(1))
            if where is None:
                return m.group(0)
            found.append(where)
            return "`\x00" + m.group(1)[len(where):] + "`"
        text = re.sub(r"`([A-Za-z_][\w.]*)`", strip, message)
        return text, (found[0] if found and len(set(found)) == 1 else None)

    merged: dict[tuple, tuple[object, list[str]]] = {}
    kept = []
    for d in items:
        if d.span is None or by_place[(d.severity, d.code, d.span)] < 2:
            kept.append(d)
            continue
        text, where = generic(d.message)
        key = (d.severity, d.code, d.span, d.help, tuple(d.notes), text)
        if where is None or key not in merged:
            kept.append(d)
            if where is not None:
                merged[key] = (d, [])
            continue
        first, others = merged[key]
        others.append(where)
        first.quantities += [q for q in d.quantities if q not in first.quantities]
        first.related += [r for r in d.related if r not in first.related]
    for first, others in merged.values():
        if others:
            named = ", ".join(f"`{p}`" for p in others[:MAX_PLACES_NAMED])
            more = f" and {len(others) - MAX_PLACES_NAMED} more" if len(others) > MAX_PLACES_NAMED else ""
            first.notes = [*first.notes, f"the same holds at {named}{more} (one line, {len(others) + 1} instances)"]
    sink.items[start:] = kept
