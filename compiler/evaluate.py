"""Evaluation: every quantity of the graph as a NumPy array over the scenario axis, in SI units.

Pipeline position: after `compiler.lower` and `compiler.ir`, before rendering. Imports numpy, `dsl`,
`compiler.graph` and `compiler.ir`.
Public function: `evaluate(lowering, sink) -> Results`.

A full evaluation binds the graph first (`compiler.ir.bind`: every name resolved once, one topological
order) and runs a loop over that order, so a field, `let`, parameter or multiplicity finds its inputs
already computed (memoized). A model output (`compiler.models`) reads its block through a `Context` while it
runs; what it reads is evaluated on demand at that point. Each node records the nodes it read (`deps`) for
`factory explain`. A definition cycle is reported with its chain. Nesting on the Python stack is bounded
(`MAX_NESTED` nodes, `MAX_EXPR_NESTING` expression walks; an expression is walked on an explicit stack,
`compiler.ir.ExprVisitor`, so its own depth costs no Python frames): deeper needs (a model reading a chain of models, or
`only_checks`, which evaluates only what the asserts need, on demand) go to a work list
(`Evaluator.demand`), so no spec, however long its chains of references, needs a deep stack or a raised
recursion limit. Multiplicities are counts, so a graph of a million-GPU site costs what its spec costs. A quantity whose
expression reads nothing (a literal, or arithmetic of literals: `8 * 700 W + 1 kW`) is computed once per
expression (`Evaluator.constants`: the placements of a definition share it), and read without making its
node where the node is not made yet (`compiler.lower.LazyNodes`).
Values broadcast over the scenario axis: a swept parameter is an array of length N, everything else of
length 1 until it meets one.

Absent values: a model declares that an output has no value in some scenarios (`ctx.infeasible(mask,
reason)` for a workload that cannot run, `ctx.absent(mask, reason)` for a figure that does not exist there);
the value is NaN there and `Results.absent[path]` holds the mask and the reason (and each scenario's own reason,
`Absent.at`, when they differ: a sweep with an infeasible scenario and an overloaded one keeps both; a second
declaration never overwrites the first's reason). A quantity computed from an absent one that is left without a
finite value is absent too, for the same reason. No model runs on a `let` that the figure it stands for refuses
(outside the range of the assumption or option it replaces, or in another unit), nor on a swept or computed field
outside its type's range (`Evaluator.refuse_read`, when `Context.get` reads it): the model's output is absent where
the value is refused, and so is every quantity read from it there, finite or not; an assert or a limit is not judged
there; the value's own error (compiler.checks) is the only diagnostic. A multiplicity that is not a whole number
(`check_count`: 0.5, -1) is refused the same way in the scenarios where it is not, with its `invalid-count` error: no
figure read from it has a value there (never a sum without the part), and the other scenarios keep theirs. Each
infeasible workload
gets one `infeasible-workload` error (the failing scenarios named by their parameters) and a failed check;
the models' rules (`compiler.models.rule`, e.g. `over-committed`) add their own errors and failed checks.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from dsl import nodes as n
from dsl.diagnostics import COMMAND_LINE_FLAGS, Code, Related, Sink
from dsl.schema import RANGES, kind as kind_spec
from dsl.units import DIMENSIONLESS, UnitError, parse_unit
from dsl.visit import every_expression

from .display import in_scenarios
from .graph import CompletingDict, Graph, Instance, Node, expand_reads, release_instances
from .ir import (AGGREGATES, MEMBER_KIND, MEMBER_NODE, MEMBER_PART, Cancelled, ExprVisitor, Tail,  # noqa: F401
                 bind, canonical_kind, lookup_member, lookup_name, module_value, unit_of)
from .lower import LazyNodes, Lowering
from .reason import Reason, about
from .models import Assumption, Option


MAX_COUNT = RANGES["count"].hi


class EvalError(Exception):
    """A value that cannot be computed; already reported, abandons the current quantity."""


class RefusedRead(EvalError):
    """A model read a `let` that the figure it stands for refuses in every scenario (outside the figure's range,
    or in another unit), or a computed field outside its type's range (`compiler.checks.read_refusal`): the model is
    not run on it. The output being computed is
    absent in every scenario with `reason` (NaN, null in JSON), and so is every figure computed from it; the let's
    own error, at its span, is the only diagnostic (`compiler.checks.check_values`). (Refused in some scenarios of
    a sweep only: `Evaluator.refuse_read`.)"""

    def __init__(self, path: str, reason: str):
        super().__init__(path)
        self.reason = reason


class _NeedValue(BaseException):
    """`path` must be evaluated before the node that asked for it, which it needed through `via` (the nodes
    being evaluated, outermost first); raised deep in the stack, handled by `Evaluator.demand`. A
    BaseException, so that no model's `except Exception` swallows it."""

    def __init__(self, path: str, via: list[str]):
        super().__init__(path)
        self.path = path
        self.via = via


# How deep evaluation may nest on the Python stack before the work list takes over: nodes evaluated inside one
# another (each a few frames, a model up to ~20; in a full evaluation only models nest, the bound order computes
# every other input first), and expression walks inside one another (an expression itself is walked on an
# explicit stack, `compiler.ir.ExprVisitor`, whatever its depth). With Python's default limit of 1,000 frames
# this leaves room for the caller (a test runner, the CLI).
MAX_NESTED = 12
MAX_EXPR_NESTING = 100


@dataclass
class Selection:
    items: list[tuple[np.ndarray, Instance]]


@dataclass
class Values:
    items: list[tuple[np.ndarray, object]]


@dataclass
class CheckResult:
    name: str
    ok: bool
    message: str
    span: object
    detail: str = ""
    failing: list[int] = field(default_factory=list)
    # a check written in an imported file (the stdlib's) that fails for a block of an evaluated file: `span` is that
    # block (where its error stands, `finding_span`), and the check's own place is related: [Related(span, label)]
    related: list = field(default_factory=list)


@dataclass
class Absent:
    """The scenarios in which a quantity has no value, and why. `mask` is a bool array over the scenarios;
    `reason` says why with the numbers (\"the weights need 138 GB per chip, 72 GB is usable\"). The value is
    NaN there (null in results JSON). A model declares it with `ctx.infeasible(mask, reason)`; a quantity
    computed from an absent one, and left without a finite value by it, is absent there for the same reason."""

    mask: np.ndarray
    reason: str
    origin: str = ""                 # the quantity that was declared absent (itself, or what it was computed from)
    reasons: tuple[str, ...] = ()    # each scenario's own reason ("" where it has a value); () when one for all
    everywhere: bool = False         # absent in every scenario whatever the swept values: declared with a mask
                                     # that reads no parameter (a chunked sweep writes it once, not as a column)

    def at(self, scenario: int) -> str | None:
        """Why there is no value at `scenario` (its own reason when each has one), None when there is one."""
        mask = np.asarray(self.mask).reshape(-1)
        if not bool(mask[scenario if mask.size > 1 else 0]):
            return None
        if self.reasons:
            return self.reasons[scenario if len(self.reasons) > 1 else 0] or self.reason
        return self.reason


@dataclass
class Results:
    graph: Graph
    values: dict[str, object]           # path -> np.ndarray (SI) | str | bool array
    units: dict[str, str]
    checks: list[CheckResult]
    scenario_count: int
    parameters: dict[str, list[float]]
    absent: dict[str, Absent] = field(default_factory=dict)   # path -> where it has no value, and why
    # what the plan's top-level blocks add up to (`compiler.plan_totals`: the diagrams' totals lines, results JSON's
    # `totals`), by figure; empty for an evaluation of the checks only
    totals: dict = field(default_factory=dict)
    # each top-level block's bill of materials (`compiler.bill_of_materials`: the report's lines, results JSON's
    # `bill_of_materials`), by block path; empty for an evaluation of the checks only
    bill_of_materials: dict = field(default_factory=dict)
    # the evaluation these results came from, for a reader that evaluates what no node holds (`explain`: an imported
    # module's `let`, through `Evaluator.module_value`); None where none is kept
    evaluator: "Evaluator | None" = field(default=None, repr=False, compare=False)

    def release(self) -> None:
        """Break the reference cycles of the evaluation these results came from (`Evaluator.release`) so that
        reference counting frees them once dropped: for a caller done with them (the language server, dropping a
        superseded version). The results cannot be read after."""
        ev = self.evaluator
        if ev is not None:
            ev.release()
        else:
            release_instances(self.graph.roots)


class Evaluator:
    def __init__(self, lowering: Lowering, sink: Sink):
        self.lowering = lowering
        self.graph = lowering.graph
        self.sink = sink
        self.values: dict[str, object] = {}
        self._float_counts: dict[str, tuple] = {}       # count path -> (its value, as floats): `count_of`
        self.count_stand_ins: dict[str, np.ndarray] = {}   # a count not whole somewhere -> what models read there
        self.model_memo: dict[tuple[str, str], tuple] = {}   # one solve per workload (compiler.models.inference)
        self.units: dict[str, str] = {}
        self.failed: set[str] = set()
        # the nodes whose evaluation failed for an error or warning said (a definition cycle, a choice outside its
        # choices: errors; a model input missing: a warning) -> (that reason, whether an error says it); not so a
        # figure absent by design (`not_applicable`). A model output that reads one is never computed without it
        # (a sum over the parts that skips the failed part: `Context.has` does not): for an error, it is absent
        # in every scenario with the reason (`_node_value`); for a warning, it fails too (an assert reading it
        # then fails as "could not be evaluated", no error being there to say why it is not judged)
        self.broken: dict[str, tuple[str, bool]] = {}
        self.stack: list[str] = []                  # nodes being evaluated inside one another (Python stack)
        self.pending: list[str] = []                # nodes waiting in `demand`'s work list
        self.pending_via: list[list[str]] = []      # for each, the nodes through which its waiter needed it
        self.expr_depth = 0                         # expression walks in progress, one inside another
        self._walker = _ExprEval(self)
        self.constants: dict[int, object] = {}      # id(expression) -> its value, if it reads nothing (`_constant`)
        self.good_counts: set[int] = set()          # id(expression) of the constant multiplicities checked valid
        self.bad_choices: set[str] = set()          # choice fields computed outside their choices, reported once
        self.unpriced: dict[str, list] = {}         # figure path -> the parts without a price it counts as $0
        self.cancel = None                          # a threading.Event that stops the evaluation (`evaluate`)
        self.quiet = False                          # numpy's floating-point errors ignored throughout (`evaluate`)
        self.reading: list[list[str]] = []
        self.scenario_axis = self._scenario_axis()
        self.absent: dict[str, Absent] = {}
        # workload path -> (instance, mask, reason text, the Reason that names its field or None)
        self.infeasible: dict[str, tuple[Instance, np.ndarray, str, Optional[Reason]]] = {}
        # a `let` a model read for one of its assumptions or options: its unit and range are checked (compiler.checks)
        self.let_declared: dict[str, Assumption | Option] = {}
        # refused reads (`refuse_read`): a let or field a model read -> (why no model runs on it, in which
        # scenarios) or None; those refused in some scenarios only; the workloads reading them -> those scenarios;
        # the figures not computed there (a model that read a refused value, and all computed from it) -> (scenarios,
        # why)
        self.read_refusals: dict[tuple, tuple[str, np.ndarray] | None] = {}
        self.refused_inputs: dict[str, tuple[np.ndarray, str]] = {}
        self.refusing: dict[str, tuple[np.ndarray, str]] = {}
        self.refused: dict[str, tuple[np.ndarray, str]] = {}
        # the values are checked once computed (compiler.checks.check_values: a refused read's error is reported),
        # so a check that reads a refused figure is no finding of its own; not so for the asserts alone (`only_checks`)
        self.values_checked = True
        # `compiler.share`: the placements whose checks and values are their class's first's (`only_checks`), and
        # what a scratch evaluation of one placement reads of its surroundings; None: neither
        self.share = None
        self.watch = None
        # `compiler.memo`: the values of the document's version before, lent where computing would give them (a
        # `Round`, or None); `effects` counts the changes of state that keep the state's sizes (`memo.effects`)
        self.memo = None
        self.effects = 0

    def release(self) -> None:
        """Break the reference cycles of this evaluation and of its lowering (`Lowering.release`: its walker and
        the contexts it kept hold the evaluator back) so that reference counting frees them once dropped, without
        Python's cyclic collector. For a caller done with the evaluation and its results: it cannot go on after."""
        self._walker = None
        self.unpriced = {}
        if self.share is not None:          # (the share holds this evaluator back, its scratch ones their own)
            self.share.release()
        self.share = self.watch = None
        self.lowering.release()

    def _scenario_axis(self) -> dict[str, np.ndarray]:
        sweep = self.graph.sweep
        if not sweep:
            return {}
        grids = np.meshgrid(*[np.asarray(self.graph.sweep_values[p], dtype=float) for p in sweep], indexing="ij")
        return {p: g.ravel() for p, g in zip(sweep, grids)}

    # ------------------------------------------------------------------ nodes
    def node_value(self, path: str) -> object:
        """The value of a node, evaluating what it needs first. Called from outside an evaluation it drives
        the evaluation with bounded Python recursion (`demand`); called while a node is being evaluated it
        evaluates the node in place, unless that would nest more than MAX_NESTED nodes deep."""
        if not self.stack:
            return self.demand(path)
        return self._node_value(path)

    def demand(self, path: str) -> object:
        """Evaluate `path` with an explicit work list instead of deep recursion: a node evaluated MAX_NESTED
        levels inside others is not evaluated there but handed back (`_NeedValue`) and evaluated first, at
        the bottom of the Python stack, then the node that needed it is evaluated again (its earlier inputs
        are memoized). So a chain of references of any length evaluates on Python's default recursion limit,
        doing each link's work at most twice. A node needed while it waits in the list is a cycle."""
        values = self.values
        if path in values:                      # computed already (most reads): no work list
            self._note_read(path)
            return values[path]
        if self.share is not None and path not in self.failed:
            value = self.share.value(path)
            if value is not None:               # a copy of a placement: its first's value (`compiler.share`)
                values[path] = value
                self._note_read(path)
                if self.memo is not None:
                    self.memo.shared(path, self.share.first_of(path), value)
                return value
        pending, via = self.pending, self.pending_via
        pending.append(path)
        via.append([])
        base = len(pending) - 1
        try:
            while len(pending) > base:
                current = pending[-1]
                if current in self.values or current in self.failed:
                    pending.pop()
                    via.pop()
                    continue
                try:
                    self._node_value(current)
                    pending.pop()
                    via.pop()
                except _NeedValue as need:
                    if need.path in pending:
                        self._cycle(self._pending_chain(pending.index(need.path), need.via) + [need.path])
                    else:
                        pending.append(need.path)
                        via.append(need.via)
                except EvalError:
                    pending.pop()
                    via.pop()
        finally:
            del pending[base:]
            del via[base:]
        if path in self.failed:
            raise EvalError(path)
        self._note_read(path)
        return self.values[path]

    def _pending_chain(self, start: int, last: list[str]) -> list[str]:
        """The nodes from `pending[start]` down to the node being evaluated now: each waiting node, the
        nodes through which it needed the next one, and finally `last` (the current Python stack)."""
        chain: list[str] = []
        for k in range(start + 1, len(self.pending)):
            chain += self.pending_via[k]
        return chain + last

    def _cycle(self, chain: list[str]) -> None:
        first = self.graph.nodes[chain[0]]
        related = [Related(self.graph.nodes[p].span, f"`{p}` is defined here") for p in chain[1:-1]
                   if self.graph.nodes[p].span is not None]
        where = first.span
        for p in dict.fromkeys(chain):          # a parameter `-D` gives: the cycle is made on the command line
            span = getattr(self.graph.nodes[p].expr, "span", None)
            if span is not None and span.file.startswith(COMMAND_LINE_FLAGS) and where is first.span:
                where = span                    # reported there (a usage error, exit 2)
                related.insert(0, Related(self.graph.nodes[p].span, f"`{p}` is declared here"))
        self.sink.error(Code.DEFINITION_CYCLE, "definition cycle: " + " → ".join(chain), where,
                        related=related, help="one of these values must be given, not computed from the others")
        for p in chain:
            self.failed.add(p)
            self.broken.setdefault(p, ("definition cycle: " + " → ".join(chain), True))

    def _node_value(self, path: str) -> object:
        values, reading = self.values, self.reading
        if path in values:
            if reading:
                reading[-1].append(path)
            return values[path]
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled(path)
        if path in self.failed:
            raise EvalError(path)
        memo = self.memo
        if memo is not None and self.watch is None and memo.lend(path, self):   # the version before's value
            #                                                                       (`compiler.memo`)
            if reading:
                reading[-1].append(path)
            return values[path]
        share = self.share
        if share is not None:
            value = share.value(path)
            if value is not None:                   # a copy of a placement: its first's value (`compiler.share`)
                if reading:
                    reading[-1].append(path)
                values[path] = value
                if memo is not None:
                    memo.shared(path, share.first_of(path), value)
                return value
        nodes = self.graph.nodes
        node = dict.get(nodes, path)
        quick = None
        if node is None:        # not made yet: a literal's value needs no node (`LazyNodes.expression_of`)
            quick = nodes.expression_of(path) if type(nodes) is LazyNodes else None
            if quick is None:
                node = nodes[path]
        stack = self.stack
        if stack:
            if path in self.pending:
                # needed again while it waits for what it needs: a cycle through the work list
                self._cycle(self._pending_chain(self.pending.index(path), stack) + [path])
                raise EvalError(path)
            if path in stack:
                self._cycle(stack[stack.index(path):] + [path])
                raise EvalError(path)
        if len(stack) >= MAX_NESTED or self.expr_depth > MAX_EXPR_NESTING:
            raise _NeedValue(path, list(stack))
        if quick is not None:
            kind, expr = quick
            value = self.constants.get(id(expr), _MISSING)
            if value is not _MISSING and value is not _VARIES:     # its value is known: its node is not needed
                if reading:
                    reading[-1].append(path)
                if kind == "count" and isinstance(value, np.ndarray) and id(expr) not in self.good_counts:
                    node = nodes[path]
                    checked = self.check_count(node, value)
                    if checked is value:
                        self.good_counts.add(id(expr))
                    else:                               # not a whole number: no value (`check_count`)
                        value = self._apply_absent(path, checked, [])
                values[path] = value
                if memo is not None and path not in self.absent:
                    memo.leaf(path, expr, value)
                return value
            node = nodes[path]
        kind = node.kind
        if kind != "model" and kind != "assumption":
            value = self.constants.get(id(node.expr), _MISSING)
            if value is _MISSING and not (kind == "param" and path in self.scenario_axis):
                value = self._constant(node)
            if value is not _VARIES and value is not _MISSING:   # reads nothing: no stack, no deps
                if reading:
                    reading[-1].append(path)
                if kind == "count" and isinstance(value, np.ndarray) and id(node.expr) not in self.good_counts:
                    checked = self.check_count(node, value)
                    if checked is value:
                        self.good_counts.add(id(node.expr))      # (the same value passes the same test)
                    else:                               # not a whole number: no value (`check_count`)
                        value = self._apply_absent(path, checked, [])
                values[path] = value         # (its `deps` stay the Node's empty default)
                if memo is not None and path not in self.absent:
                    memo.leaf(path, node.expr, value)
                return value
        if reading:
            reading[-1].append(path)
        if memo is not None:
            memo.start(path, self)
        stack.append(path)
        read: list[str] = []
        reading.append(read)
        try:
            if kind == "model":
                if self.quiet:                      # (`model_value`, inlined: one per model output)
                    value = np.asarray(node.expr.compute(Context(self, node.instance, node)), dtype=float)
                    value = value.reshape(-1)
                else:
                    value = self.model_value(node)
            elif kind == "param" and path in self.scenario_axis:
                value = self.scenario_axis[path]
            elif kind == "assumption":
                value = np.asarray([float(node.expr.value)])
            else:                                    # (literals were answered above, by `_constant`)
                value = self.expr(node.expr, node.instance, node.module, agg=False)
                if kind == "count" and isinstance(value, np.ndarray):
                    if self.refused or self.refused_inputs:     # read from a refused figure: absent there, its
                        self._refused_input(path, kind, read)   # cause reported once (`check_count`)
                    value = self.check_count(node, value)
            if (self.refused or self.refused_inputs) and type(value) is np.ndarray and value.dtype.kind in "fiub":
                self._refused_input(path, kind, read)
            if path in self.absent or type(value) is not np.ndarray or value.size != 1 \
                    or value.dtype.kind != "f" or not math.isfinite(value[0]):
                value = self._apply_absent(path, value, read)       # (not a finite scalar: the common case)
            values[path] = value
            node.deps = sorted(set(read)) if len(read) > 1 else read
            if memo is not None:
                memo.done(path, node, read, value, self)
            return value
        except RefusedRead as refused:
            if kind != "model":
                self.failed.add(path)
                raise
            # the model read a let its figure refuses: not run; absent everywhere, as is what is computed from it
            self._declare_refused(path, self.scenario_mask(True), refused.reason)
            value = values[path] = self._apply_absent(path, np.full(1, np.nan), read)
            node.deps = sorted(set(read))
            return value
        except EvalError as exc:
            cause = exc.args[0] if exc.args else None
            broken = self.broken.get(cause) if isinstance(cause, str) else None
            if broken is None or kind != "model" or not broken[1]:
                if broken is not None:
                    self.broken.setdefault(path, broken)
                self.failed.add(path)
                raise
            reason = broken[0]
            # it read a figure that failed for an error said (a cycle, a choice outside its choices): not computed,
            # absent in every scenario with that reason, and so is every figure read from it (never a partial sum)
            self.failed.discard(path)
            self._declare_refused(path, self.scenario_mask(True), f"not computed: {reason}")
            value = values[path] = self._apply_absent(path, np.full(1, np.nan), read)
            node.deps = sorted(set(read))
            return value
        finally:
            stack.pop()
            reading.pop()

    def _constant(self, node: Node) -> object:
        """The value of a node whose expression reads no other quantity (a literal, or arithmetic, comparisons
        and functions of literals: `8 * 700 W + 1 kW`), computed once per expression and kept in `constants`
        (the placements of one definition share its expressions, and their nodes share the one array, as a
        model output that returns an input shares its data: no value is changed in place); `_VARIES` for any
        other expression. Such a value is what the walk gives, it reads nothing (no `deps`), and it is never
        absent."""
        expr = node.expr
        key = id(expr)
        if not _reads_nothing(expr):
            self.constants[key] = _VARIES
            return _VARIES
        try:
            if type(expr) is n.Number:           # a literal (most fields and counts): no walk
                value = np.asarray([expr.value])
            elif type(expr) is n.Quantity:
                value = self._walker.visit_Quantity(expr, None, None)
            else:
                value = self.expr(expr, node.instance, node.module, agg=False)
        except EvalError:
            self.failed.add(node.path)
            raise
        self.constants[key] = value
        return value

    # ------------------------------------------------------------------ absent values
    def scenario_mask(self, mask) -> np.ndarray:
        return np.broadcast_to(np.asarray(mask, dtype=bool).reshape(-1), (self.graph.scenario_count,)).copy()

    def declare_absent(self, path: str, inst: Instance | None, mask, reason, refusal: bool = False) -> None:
        """`path` has no value where `mask` holds, because `reason` (one text, or one per scenario); `inst` is
        the workload that cannot run (None: the figure just does not exist there, no error). A model of a workload
        that read a `let` refused in some scenarios ran there on another value (`refuse_read`): the workload's
        infeasibility there is not said (those scenarios are absent for the refusal, `refusal`); a figure's own
        absence is (a site with no IT outside its halls has no efficiency there in every scenario), and where its
        model read the refused let the refusal's reason replaces it (`_refused_input`, after the model ran)."""
        mask = self.scenario_mask(mask)
        if self.refusing and not refusal and inst is not None and inst.path in self.refusing:
            mask &= ~self.refusing[inst.path][0]     # (a figure's own absence stays: where its model read the
            #                                          refused let, `_refused_input` then gives the refusal's reason)
        if not mask.any():
            return
        text = self._reason_text(mask, reason)
        before = self.absent.get(path)
        if isinstance(reason, str) and (before is None or (before.reason == text and not before.reasons)):
            union = mask if before is None else mask | before.mask
            self.absent[path] = Absent(union, text, path)            # one reason for all (the common case)
        else:                   # a reason per scenario, or a second one: each scenario keeps its own
            each = self._reasons_by_scenario(mask, reason)
            if before is not None:
                each = np.where(mask, each, self._reasons_by_scenario(before.mask, before.reasons or before.reason))
            union = mask if before is None else mask | before.mask
            self.absent[path] = Absent(union, self._reason_text(union, each), path, tuple(each.tolist()))
        if inst is None:
            return
        if inst.path in self.infeasible:
            _, earlier, first, field = self.infeasible[inst.path]
            self.infeasible[inst.path] = (inst, earlier | mask, first, field)
        else:      # what the reason is about (its field), as the model gave it: the failing scenarios' first
            failing = [reason] if isinstance(reason, str) else [r for r, bad in zip(
                np.broadcast_to(np.asarray(list(reason), dtype=object), mask.shape), mask) if bad]
            self.infeasible[inst.path] = (inst, mask, text, about(failing))

    @staticmethod
    def _reasons_by_scenario(mask: np.ndarray, reason) -> np.ndarray:
        """The reason of each scenario as an object array ("" where `mask` is false)."""
        texts = np.empty(mask.size, dtype=object)
        texts[:] = reason if isinstance(reason, str) else np.broadcast_to(np.asarray(list(reason), dtype=object),
                                                                          (mask.size,))
        return np.where(mask, texts, "")

    def _reason_text(self, mask: np.ndarray, reason) -> str:
        """One text for the failing scenarios: the reason itself, or each scenario's own, by its parameters."""
        if isinstance(reason, str):
            return reason
        reasons = list(reason)
        if len(reasons) == 1:
            return reasons[0]
        failing = [int(i) for i in np.flatnonzero(mask)]
        texts = [reasons[i] for i in failing]
        if len(set(texts)) == 1:
            return texts[0]
        shown = [f"at {scenario_names(self, [i])}: {reasons[i]}" for i in failing[:3]]
        more = f"; and {len(failing) - 3} more scenarios" if len(failing) > 3 else ""
        return "; ".join(shown) + more

    def _apply_absent(self, path: str, value, read: list[str]):
        """NaN where the quantity was declared absent; absent too where an input is absent and the value is
        not finite (the figure was computed from a missing one)."""
        if not isinstance(value, np.ndarray):
            return value
        kind = value.dtype.kind
        if path not in self.absent and (kind in "iub" or (kind == "f" and value.size == 1
                                                          and math.isfinite(value[0]))):
            return value                        # (the common case, a finite scalar: no array operations)
        if kind not in "fiub":
            return value
        if path in self.absent:
            mask = self.absent[path].mask
            return np.where(mask, np.nan, np.broadcast_to(value.astype(float), mask.shape))
        if value.dtype.kind == "f" and not np.isfinite(value).all():
            bad = self.scenario_mask(~np.isfinite(value)) if value.size in (1, self.graph.scenario_count) else None
            read = expand_reads(self.graph.solves, read)     # (a solve's key: what the solve read, in its place)
            causes = [self.absent[dep] for dep in read if dep in self.absent] if bad is not None else []
            causes = [c for c in causes if (c.mask & bad).any()]
            if causes:      # the first input's reason; the scenarios of every absent input
                mask = np.logical_or.reduce([c.mask for c in causes]) & bad
                first = causes[0]
                self.absent[path] = Absent(mask, first.reason, first.origin,
                                           tuple(r if m else "" for r, m in zip(first.reasons, mask)))
        return value

    def _declare_refused(self, path: str, mask: np.ndarray, reason: str) -> None:
        self.declare_absent(path, None, mask, reason, refusal=True)
        before = self.refused.get(path)
        self.refused[path] = (mask if before is None else mask | before[0], reason)

    def _refused_input(self, path: str, kind: str, read: list[str]) -> None:
        """Where `path` read a figure left uncomputed for a refused `let` (or, a model, the let itself where it is
        refused), it is absent for the same reason, whatever it computed from what it read (a comparison, a count, a
        `where`, a clip turn a NaN into a plausible number): no figure is computed from a let its figure refuses."""
        read = expand_reads(self.graph.solves, read)         # (a solve's key: what the solve read, in its place)
        causes = [self.refused[p] for p in read if p in self.refused]
        if kind == "model":
            causes += [self.refused_inputs[p] for p in read if p in self.refused_inputs]
        if causes:
            self._declare_refused(path, np.logical_or.reduce([mask for mask, _ in causes]), causes[0][1])

    def refuse_read(self, node: Node, value: np.ndarray, reader: Node | None) -> np.ndarray:
        """The `let` (or swept or computed field) `node` as the model `reader` being computed may read it (`value`,
        over the scenarios). Outside the range of the figure it stands for (a let: the assumption or option it
        replaces, or the field it is named as; a field: its type's), or a let in another unit
        (`compiler.checks.read_refusal`, found once per quantity): in every scenario, `RefusedRead` (the model is not
        run); in some scenarios of a sweep, the model runs on the value of its first scenario that is in range in
        place of the refused ones (a value the spec gives), and what it computes there is absent
        (`_refused_input`), as is what its workload declares there."""
        key = (node.path, node.path in self.let_declared)     # (the figure it stands for, if any, is known)
        if key not in self.read_refusals:
            from .checks import read_refusal
            self.read_refusals[key] = read_refusal(self, node, value)
        found = self.read_refusals[key]
        if found is None:
            return value
        reason, mask = found
        self.effects += 1
        if mask.all():
            raise RefusedRead(node.path, reason)
        self.refused_inputs[node.path] = (mask, reason)
        owner = reader.instance if reader is not None else None
        if owner is not None:
            before = self.refusing.get(owner.path)
            self.refusing[owner.path] = (mask if before is None else mask | before[0], reason)
        flat = value.reshape(-1)
        return np.where(mask, flat[np.flatnonzero(~mask)[0]], flat)

    def model_value(self, node: Node) -> np.ndarray:
        if self.quiet:
            value = node.expr.compute(Context(self, node.instance, node))
        else:
            with np.errstate(all="ignore"):
                value = node.expr.compute(Context(self, node.instance, node))
        return np.asarray(value, dtype=float).reshape(-1)

    def assumption(self, assumption: Assumption) -> np.ndarray:
        path = f"assumptions.{assumption.name}"
        if path not in self.graph.nodes:
            if self.memo is not None:           # (made again where a value the memo lends made it)
                self.memo.event(("assumption", path, assumption))
            self.graph.nodes[path] = Node(path, assumption.unit, None, assumption, None, None, "assumption",
                                          assumption.source, display=assumption.display)
        return self.node_value(path)

    def _note_read(self, path: str) -> None:
        if self.reading:
            self.reading[-1].append(path)

    def check_count(self, node: Node, value: np.ndarray) -> np.ndarray:
        """`value` as the multiplicity `node` may be read: a whole number from 0 to 2^53 in every scenario, as it is.
        Where it is not (0.5, -1, NaN), one `invalid-count` error at the multiplicity (naming its scenarios in a
        sweep) and the count has no value there (NaN, absent with the reason, `_declare_refused`), nor has any
        figure read from it, in those scenarios only (`_refused_input`: finite or not): a sum over the parts is never
        computed without the part (a partial sum), and a valid scenario of the same sweep or chunk keeps its own
        figures, those of the run with its value alone. The models are run in those scenarios on a count of the
        first valid scenario in their place (`count_of`; NaN where none is valid), as `refuse_read` does."""
        if value.size == 1 and value.dtype.kind in "fiu":   # one count, as Python floats (the same tests)
            v = float(value[0])
            if math.isfinite(v) and 0 <= v <= MAX_COUNT and v == round(v):
                return value
        with np.errstate(all="ignore"):
            bad = ~np.isfinite(value) | (value < 0) | (value != np.round(value)) | (value > MAX_COUNT)
        if not np.any(bad):
            return value
        count = self.graph.scenario_count
        flat = np.asarray(value, dtype=float).reshape(-1)
        mask = self.scenario_mask(bad.reshape(-1)) if bad.size in (1, count) else self.scenario_mask(True)
        inherited = self.refused.get(node.path)      # computed from a figure refused there: its error says why
        own = mask if inherited is None else mask & ~inherited[0]
        if own.any():
            rows = [int(i) for i in np.flatnonzero(own)]
            pick = flat if flat.size in (1, own.size) else flat[np.argmax(bad.reshape(-1))].reshape(1)
            v = float(np.broadcast_to(pick, own.shape)[rows[0]])
            reason = f"the multiplicity `{node.path}` evaluates to {v:g}, not a whole number from 0 to 2^53"
            where = (f" (in {in_scenarios(len(rows), count)}: {scenario_names(self, rows)})"
                     if count > 1 and len(rows) < count else "")
            # (as the front end's: rounding helps a fraction from 0 up, not -1, NaN or a count beyond 2^53)
            hint = "round it: `x ceil(...)`" if 0 <= v <= MAX_COUNT else \
                "beyond 2^53 a float64 no longer holds every whole number" if v > MAX_COUNT else None
            self.sink.error(Code.INVALID_COUNT, f"this multiplicity evaluates to {v:g}; it must be a whole number "
                            f"from 0 to 2^53{where}", node.span, help=hint,
                            scenarios=rows if count > 1 else None)
        else:
            reason = inherited[1]
        self._declare_refused(node.path, mask, reason)
        full = np.broadcast_to(flat, mask.shape) if flat.size == 1 else flat
        stand_in = full[np.flatnonzero(~mask)[0]] if not mask.all() else np.nan
        shown = np.where(mask, np.nan, full)
        self.count_stand_ins[node.path] = np.where(mask, stand_in, full)
        return shown

    def count_of(self, inst: Instance) -> np.ndarray:
        count = inst.count
        if count is None:
            return np.array([1.0])               # (np.ones(1), without its Python-level call)
        value = self.values.get(count, _MISSING)
        if value is _MISSING:
            value = self._node_value(count) if self.stack else self.demand(count)
        elif self.reading:                      # computed already: noted as read, as node_value does
            self.reading[-1].append(count)
        stand_in = self.count_stand_ins.get(count)
        if stand_in is not None:                # not a whole number in some scenarios (`check_count`)
            return stand_in
        found = self._float_counts.get(count)
        if found is None or found[0] is not value:      # (a count is read many times: converted once)
            found = self._float_counts[count] = (value, np.asarray(value, dtype=float))
        return found[1]

    # ------------------------------------------------------------------ names
    def imported_sweep(self, found, home: n.Module, span) -> None:
        """Refuse to read a `param` of an imported file whose value is a list or a range: only the evaluated
        files' params sweep (lowering makes scenarios of theirs alone), and an imported one is read in place,
        where a list has no one value and a range would read as its start. An `invalid-range` error at the first read, with the declaration; the reader is
        absent with that reason (`broken`)."""
        if not isinstance(found, n.Param) or not isinstance(found.value, (n.ListExpr, n.RangeExpr)) \
                or home in self.lowering.checked.program.entries:
            return
        key = f"{home.path}::{found.name}"
        if key not in self.broken:
            reason = (f"`{found.name}` is a parameter of the imported file {home.name} with a list or range of "
                      "values, and only the evaluated file's parameters sweep")
            self.broken[key] = (reason, True)
            self.sink.error(Code.INVALID_RANGE, reason, span,
                            related=[Related(found.value.span, f"`{found.name}` is declared here")],
                            help=f"give `{found.name}` one value in {home.name}, and sweep a `param` of the file "
                                 "you evaluate (a block that extends the imported one can read it)")
        raise EvalError(key)

    def member(self, inst: Instance, name: str, span, agg: bool):
        """A member of an instance (`compiler.ir.lookup_member`): a quantity, a part, or a selection of parts by
        kind; `_MISSING` when the instance has no such member."""
        found = lookup_member(self.graph.nodes, inst, name)
        return _MISSING if found is None else self.member_value(found, inst, name, span, agg)

    def member_value(self, found, inst: Instance, name: str, span, agg: bool):
        what, target = found
        if what == MEMBER_NODE:
            return self._node_value(target) if self.stack else self.demand(target)
        if what == MEMBER_PART:
            return Selection([(self.count_of(target), target)]) if agg else target
        if what == MEMBER_KIND:
            return Selection([(self.count_of(p), p) for p in target])
        self.sink.error(Code.MISSING_FIELD, f"`{name}` of {inst.kind} `{inst.path}` has no value: it is not set, "
                        "and no model computes it yet", span,
                        help=f"set `{name} = ...` in `{inst.block.name}`")
        raise EvalError(target)

    # ------------------------------------------------------------------ expressions
    @property
    def readable(self) -> bool:
        """Whether expressions can still be evaluated here (False once `release`d)."""
        return self._walker is not None

    def module_value(self, expr, module: n.Module):
        """The value of an expression written at module level in `module` (a `let` or `param` no node of the graph
        holds, read in place: `compiler.ir.module_value`), as this evaluation reads it. For `explain`; the caller
        checks `readable` first."""
        return self.expr(expr, None, module, False)

    def expr(self, expr, inst: Instance | None, module: n.Module, agg: bool):
        """The value of an expression, walked on an explicit stack (`_ExprEval`, one `compiler.ir.ExprVisitor`):
        no recursion on its depth. `expr_depth` counts the walks in progress (a node read by one that is not
        computed yet is evaluated inside it)."""
        self.expr_depth += 1
        try:
            return self._walker.walk(expr, (inst, module, agg))
        finally:
            self.expr_depth -= 1

    def number(self, expr, inst, module) -> np.ndarray:
        return _number(self.expr(expr, inst, module, agg=False))


def _number(value) -> np.ndarray:
    if not isinstance(value, np.ndarray):
        raise EvalError("not a number")
    return value.astype(float) if value.dtype == bool else value


COMPARE_RTOL = 1e-9     # the built-in limits' tolerance (`evaluate_limit`: left <= right * (1 + 1e-9))


def _close(a, b) -> np.ndarray:
    """a and b equal to float64's rounding: exactly, or within a relative COMPARE_RTOL of the larger (so a
    comparison with 0 is exact, and `0.1 + 0.2 == 0.3` holds, as its sides print alike)."""
    with np.errstate(invalid="ignore", over="ignore"):
        return (a == b) | (np.abs(a - b) <= COMPARE_RTOL * np.maximum(np.abs(a), np.abs(b)))


# a comparison of numbers is judged to float64's rounding (`_close`): == and != within it, <= and >= including
# it, < and > beyond it
_COMPARE = {"<": lambda a, b: (a < b) & ~_close(a, b), "<=": lambda a, b: (a <= b) | _close(a, b),
            ">": lambda a, b: (a > b) & ~_close(a, b), ">=": lambda a, b: (a >= b) | _close(a, b),
            "==": _close, "!=": lambda a, b: ~_close(a, b)}


class _ExprEval(ExprVisitor):
    """The value of each expression form over the scenario axis (`Evaluator.expr`). A name is resolved by the
    rules `compiler.ir` binds with: a member of the instance or of an enclosing one, then the module scope."""

    def __init__(self, ev: "Evaluator"):
        self.ev = ev

    def _visit(self, t):
        """The visit method for an expression type (`dsl.visit.ExprVisitor._visit`, one table for this class)."""
        method = _EVAL_VISITS.get(t)
        if method is None:
            method = _EVAL_VISITS[t] = getattr(_ExprEval, "visit_" + t.__name__, _ExprEval.generic)
        return method

    def generic(self, expr, ctx, values):
        raise EvalError(type(expr).__name__)

    def visit_Number(self, expr, ctx, values):
        return np.asarray([expr.value])

    def visit_Quantity(self, expr, ctx, values):
        try:
            return np.asarray([parse_unit(expr.unit).to_si(expr.value)])
        except UnitError:
            raise EvalError(expr.unit)

    def visit_String(self, expr, ctx, values):
        return expr.value

    def visit_Bool(self, expr, ctx, values):
        return np.asarray([expr.value])

    def visit_Name(self, expr, ctx, values):
        # `price = price` in a block reads the `price` outside the block, not itself (see nodes.Name)
        inst, module, agg = ctx
        ev = self.ev
        found, where = lookup_name(ev.graph.nodes, ev.lowering.scopes, inst, module, expr)
        if ev.watch is not None:
            ev.watch.name(inst, expr.ident, found, where)
        if found is not None:
            return ev.member_value(found, where, expr.ident, expr.span, agg)
        if isinstance(where, n.Param) or isinstance(where, n.Let):
            path, value, home = module_value(ev.graph.nodes, ev.lowering.scopes, where, module)
            if path is None:
                ev.imported_sweep(where, home, expr.span)
            if path is None and ev.memo is not None:
                ev.memo.inline(value)           # (an imported let read in place: its text is read too)
            return ev.node_value(path) if path is not None else Tail(value, (None, home, agg))
        if isinstance(where, n.Block):
            return ev.lowering.definition(where)
        if isinstance(where, n.Module):
            return where
        raise EvalError(expr.ident)  # the checker reported it

    def visit_Attr(self, expr, ctx, values):
        base = values[0]
        ev = self.ev
        if isinstance(base, n.Module):
            found = ev.lowering.scopes.module_lookup(base, expr.name)
            if isinstance(found, n.Block):
                return ev.lowering.definition(found)
            if isinstance(found, (n.Param, n.Let)):
                ev.imported_sweep(found, ev.lowering.scopes.home(found) or base, expr.span)
                if ev.memo is not None:
                    ev.memo.inline(found.value)     # (an imported let read in place: its text is read too)
                return Tail(found.value, (None, base, ctx[2]))
            raise EvalError(expr.name)
        if isinstance(base, Instance):
            found = ev.member(base, expr.name, expr.name_span, ctx[2])
            if found is _MISSING:
                raise EvalError(expr.name)
            return found
        if isinstance(base, Selection):
            if not base.items and kind_spec(expr.name) is None:
                return Values([])           # a field of no part (racks holding no server): nothing to add (the checker
                #                             types it from the kind: `dsl.check`)
            picked: list = []
            found_values: list = []
            for weight, part in base.items:
                found = ev.member(part, expr.name, expr.name_span, True)
                if isinstance(found, Selection):
                    picked += [(weight * w, p) for w, p in found.items]
                elif found is _MISSING:
                    continue
                else:
                    found_values.append((weight, found))
            return Values(found_values) if found_values else Selection(picked)
        raise EvalError(expr.name)

    def visit_Unary(self, expr, ctx, values):
        v = _number(values[0])
        return -v if expr.op == "-" else v

    def visit_Arith(self, expr, ctx, values):
        acc = _number(values[0])
        if self.ev.quiet:
            for op, value in zip(expr.ops, values[1:]):
                v = _number(value)
                acc = acc + v if op == "+" else acc - v if op == "-" else acc * v if op == "*" else acc / v
            return acc
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for op, value in zip(expr.ops, values[1:]):
                v = _number(value)
                acc = acc + v if op == "+" else acc - v if op == "-" else acc * v if op == "*" else acc / v
        return acc

    def visit_Power(self, expr, ctx, values):
        base, exponent = _number(values[0]), _number(values[1])
        with np.errstate(all="ignore"):
            return np.power(base, exponent)

    def visit_Compare(self, expr, ctx, values):
        left, right = values
        if isinstance(left, str) or isinstance(right, str) or isinstance(left, Instance):
            equal = left is right if isinstance(left, Instance) else left == right
            return np.asarray([equal if expr.op == "==" else not equal])
        return _COMPARE[expr.op](left, right)

    def visit_Logic(self, expr, ctx, values):
        parts = [np.asarray(v, dtype=bool) for v in values]
        out = parts[0]
        for p in parts[1:]:
            out = (out & p) if expr.op == "and" else (out | p)
        return out

    def visit_Not(self, expr, ctx, values):
        return ~np.asarray(values[0], dtype=bool)

    def visit_IfExpr(self, expr, ctx, values):
        cond = np.asarray(values[0], dtype=bool)
        then, other = values[1], values[2]
        if isinstance(then, str) or isinstance(other, str) or isinstance(then, Instance):
            if cond.size == 1:
                return then if bool(cond[0]) else other
            raise EvalError("if")
        return np.where(cond, then, other)

    def visit_ListExpr(self, expr, ctx, values):
        return Values([(np.ones(1), _number(v)) for v in values])

    def visit_Call(self, expr, ctx, values):  # noqa: C901
        func = expr.func
        ev = self.ev
        if func in AGGREGATES:
            if len(expr.args) == 1:
                arg = values[0]
                if isinstance(arg, Instance):
                    arg = Selection([(ev.count_of(arg), arg)])
                if func == "count":
                    items = arg.items if isinstance(arg, (Selection, Values)) else []
                    return sum((w for w, _ in items), np.zeros(1))
                if isinstance(arg, Selection):
                    raise EvalError(func)
                items = arg.items if isinstance(arg, Values) else [(np.ones(1), arg)]
            else:
                items = [(np.ones(1), _number(v)) for v in values]
            if not items:
                return np.zeros(1)
            if func == "sum":
                return sum((w * v for w, v in items), np.zeros(1))
            if func == "mean":
                total = sum((w for w, _ in items), np.zeros(1))
                with np.errstate(all="ignore"):
                    return sum((w * v for w, v in items), np.zeros(1)) / total
            stacked = np.broadcast_arrays(*[np.where(w > 0, v, np.nan) for w, v in items])
            with np.errstate(all="ignore"):
                reduce = np.nanmax if func == "max" else np.nanmin
                import warnings
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)
                    return reduce(np.vstack(stacked), axis=0)
        args = [_number(v) for v in values]
        if func == "ceil":
            return np.ceil(args[0] - 1e-9 * np.abs(args[0]))
        if func == "floor":
            return np.floor(args[0] + 1e-9 * np.abs(args[0]))
        if func == "round":
            return np.round(args[0])
        if func == "abs":
            return np.abs(args[0])
        if func == "sqrt":
            with np.errstate(invalid="ignore"):
                return np.sqrt(args[0])
        if func == "clamp":
            return np.minimum(np.maximum(args[0], args[1]), args[2])
        raise EvalError(func)


_MISSING = object()
_EVAL_VISITS: dict[type, object] = {}    # expression type -> _ExprEval's visit method (`_ExprEval._visit`)
_VARIES = object()          # `Evaluator.constants`: the expression reads other quantities
_READS_NOTHING = frozenset((n.Number, n.Quantity, n.String, n.Bool, n.Arith, n.Unary, n.Power, n.Compare, n.Logic,
                            n.Not, n.IfExpr))


def _reads_nothing(expr) -> bool:
    """True when `expr` is literals combined by operators and functions (no name, no aggregate): its value is
    the same wherever it is read."""
    for e in every_expression(expr):
        t = type(e)
        if t not in _READS_NOTHING and not (t is n.Call and e.func not in AGGREGATES):
            return False
    return True
_WANTED: dict[tuple, frozenset] = {}        # the schema's canonical names of a tuple of kind names (static data)
_REQUIRED = object()


class Context:
    """What a model sees of one placed instance (see `compiler.models` for the API)."""

    def __init__(self, ev: Evaluator, inst: Instance, node: Node | None = None, count=None):
        self.ev = ev
        self.inst = inst
        self.node = node                     # the model node being computed (for messages)
        self._count = count

    @property
    def kind(self) -> str:
        return canonical_kind(self.inst.kind) or self.inst.kind

    @property
    def path(self) -> str:
        return self.inst.path

    @property
    def count(self) -> np.ndarray:
        return self._count if self._count is not None else self.ev.count_of(self.inst)

    @property
    def count_is_explicit(self) -> bool:
        return self.inst.count is not None

    @property
    def parent(self) -> "Context | None":
        parent = self.inst.parent
        if self.ev.watch is not None:
            self.ev.watch.parent(parent)
        return Context(self.ev, parent, self.node) if parent is not None else None

    def _path(self, name: str) -> str:
        return f"{self.inst.path}.{name}"

    def has(self, name: str) -> bool:
        """The block has the member `name`: given, or computed. A member that failed for an error or a warning
        said (`Evaluator.broken`) is had: reading it fails the reader, which is then absent with its reason (a sum
        over the parts is never computed without a part); one absent by design (`not_applicable`) is not."""
        path = self._path(name)
        ev = self.ev
        return path in ev.graph.nodes and (path not in ev.failed or path in ev.broken)

    def is_set(self, name: str) -> bool:
        node = self.ev.graph.nodes.get(self._path(name))
        return node is not None and node.kind not in ("model", "count")

    def get(self, name: str, default=_REQUIRED) -> np.ndarray:
        ev = self.ev
        path = f"{self.inst.path}.{name}"
        value = ev.values.get(path, _MISSING)
        if value is not _MISSING or path in ev.graph.nodes:    # (a value computed already has its node)
            if value is _MISSING:
                value = ev._node_value(path) if ev.stack else ev.demand(path)
            elif ev.reading:                    # computed already: noted as read, as node_value does
                ev.reading[-1].append(path)
            node = ev.graph.nodes[path]
            kind = node.kind
            if kind == "let":
                if isinstance(default, (Assumption, Option)):
                    if ev.memo is not None:     # (declared again where a value the memo lends declared it)
                        ev.memo.event(("let", path, default))
                    ev.let_declared[path] = default           # a spec's figure for an assumption or option
                if isinstance(value, np.ndarray):
                    value = ev.refuse_read(node, value, self.node)   # no model runs on a let out of its range
            elif kind == "field" and type(value) is np.ndarray \
                    and ev.constants.get(id(node.expr), _VARIES) is _VARIES:
                value = ev.refuse_read(node, value, self.node)   # nor on a swept or computed field out of its range
            if isinstance(value, np.ndarray):
                return value.astype(float) if value.dtype.kind == "b" else value
            raise EvalError(path)
        if isinstance(default, Assumption):
            return self.ev.assumption(default)
        if default is _REQUIRED or default is None or isinstance(default, Option):
            self.missing(name)
        return np.asarray([float(default)])

    def missing(self, name: str, why: str = ""):
        """`name` is needed and not given (`why`: what the model could not read in its place, appended)."""
        node = self.node
        what = f"`{node.path}`" if node is not None else "a computed figure"
        self.ev.sink.warning(Code.MODEL_INPUT_MISSING, f"{what} cannot be computed: {self.inst.kind} "
                             f"`{self.inst.path}` does not give `{name}`{why}",
                             self.inst.block.name_span, help=f"set `{name} = ...` in `{self.inst.block.name}`",
                             quantities=[node.path] if node is not None else [])
        self.ev.broken.setdefault(self._path(name), (f"{self.inst.kind} `{self.inst.path}` does not give `{name}`",
                                                     False))
        raise EvalError(self._path(name))

    def infeasible(self, mask, reason) -> None:
        """This output has no value in the scenarios where `mask` is true, because the workload cannot run
        there: `reason` says why, with the numbers (one text, or a list with one per scenario). The value
        there becomes NaN (null in JSON), the output is listed in `Results.absent`, and the workload gets one
        `infeasible-workload` error and a failed check."""
        if self.node is None:
            raise ValueError("infeasible() is for model outputs")
        self.ev.declare_absent(self.node.path, self.inst, mask, reason)
        self._everywhere(mask)

    def intermediate(self, name: str, value, unit: str, formula: str, inputs: list[str] | None = None,
                     absent=None, read: bool = True) -> np.ndarray:
        """A named step of this block's model (a term of a step time, a bubble) as the quantity
        `<block>.detail.<name>`: listed by eval and results JSON and shown by `factory explain` among the inputs
        of the outputs that read it (this one does). Defined once per block; `inputs` are the quantities it was
        computed from; `absent` = (mask, reason) where it has no value. Not part of the language: a spec
        cannot read or set it. `read` False: a figure made beside the output, not one of its terms (explain does
        not list it among the output's inputs)."""
        ev, path = self.ev, f"{self.inst.path}.detail.{name}"
        if path not in ev.values:
            node = Node(path, unit, self.inst.block.name_span, None, self.inst, self.inst.block.module, "model",
                        formula=formula)
            node.deps = sorted(set(inputs or []))
            ev.graph.nodes[path] = node
            value = np.asarray(value, dtype=float).reshape(-1)
            if absent is not None:
                ev.declare_absent(path, self.inst, *absent)
            if self.inst.path in ev.refusing:       # a term of a model run on a refused let's stand-in value
                ev._declare_refused(path, *ev.refusing[self.inst.path])
            ev.values[path] = ev._apply_absent(path, value, [])
            if ev.memo is not None:             # (made again where a value the memo lends made it)
                ev.memo.detail(path, unit, formula, node.deps, ev.values[path], ev.stack[-1] if ev.stack else None)
        if read:
            ev._note_read(path)
        return ev.values[path]

    def absent(self, mask, reason) -> None:
        """This output has no value in the scenarios where `mask` is true (a cost per accelerator of a site
        that places none): NaN there, null in JSON, listed in `Results.absent` with `reason`; no diagnostic."""
        if self.node is None:
            raise ValueError("absent() is for model outputs")
        self.ev.declare_absent(self.node.path, None, mask, reason)
        self._everywhere(mask)

    def _everywhere(self, mask) -> None:
        """A mask that reads no swept parameter (one value) and holds: absent whatever the swept values."""
        given = np.asarray(mask, dtype=bool)
        found = self.ev.absent.get(self.node.path)
        if found is not None and given.size == 1 and bool(given.reshape(-1)[0]) and found.mask.all():
            found.everywhere = True

    def not_applicable(self):
        """The output does not apply to this block (a site with no inference has no tokens/s): no value,
        no diagnostic."""
        raise EvalError(self.node.path if self.node is not None else self.inst.path)

    def text(self, name: str, default: str) -> str:
        path = self._path(name)
        if path in self.ev.graph.nodes:
            value = self.ev.node_value(path)
            if isinstance(value, str):
                self._check_choice(name, path, value)
                return value
        return default

    def _check_choice(self, name: str, path: str, value: str) -> None:
        """A choice field's text computed by an expression (`precision = p`, a `param p = "fp7"`; `if ... then
        "fp7" else ...`) is one of its choices, as a literal is (`dsl.check`): otherwise an `invalid-value` error
        at the value, once, and the figures that read it are not computed (the model never sees "fp7")."""
        spec = kind_spec(self.inst.kind)
        fkind = getattr(spec.fields.get(name), "kind", None) if spec is not None else None
        choices = getattr(fkind, "choices", None)
        if choices is None or value in choices:
            return
        if path not in self.ev.bad_choices:
            self.ev.bad_choices.add(path)
            node = self.ev.graph.nodes[path]
            span = node.expr.span if getattr(node.expr, "span", None) is not None else node.span
            self.ev.sink.error(Code.INVALID_VALUE, f"`{path}` is \"{value}\"; it is one of "
                               + ", ".join(f'"{c}"' for c in choices), span)
        self.ev.broken.setdefault(path, (f"`{path}` is \"{value}\", not one of its choices", True))
        raise EvalError(path)

    def _nearest(self, name: str) -> "Context | None":
        level: Context | None = self
        while level is not None:
            if level.is_set(name):
                return level
            level = level.parent
        return None

    def inherited(self, name: str, default=_REQUIRED) -> np.ndarray:
        level = self._nearest(name)
        return level.get(name, default) if level is not None else self.get(name, default)

    def inherited_is_set(self, name: str) -> bool:
        return self._nearest(name) is not None

    def inherited_text(self, name: str, default: str) -> str:
        level = self._nearest(name)
        return level.text(name, default) if level is not None else default

    def parts(self, *kinds: str) -> list["Context"]:
        inst = self.inst
        parts = inst.parts
        if not parts:
            return []
        wanted = _WANTED.get(kinds)
        if wanted is None:
            wanted = _WANTED[kinds] = frozenset(kind_spec(k).name for k in kinds)
        # the positions of the parts of each wanted set of kinds, found once per instance (a site of n halls is
        # asked for its few workloads once per hall: a scan of its parts each time was ~n^2; s23-scale)
        chosen = inst.__dict__.get("_parts_of")
        if chosen is None or chosen[0] != len(parts):
            canonical = [canonical_kind(p.block.kind) for p in parts]   # each part's schema kind
            chosen = inst.__dict__["_parts_of"] = (len(parts), canonical, {})
        at = chosen[2].get(wanted)
        if at is None:
            at = chosen[2][wanted] = [i for i, k in enumerate(chosen[1]) if k in wanted]
        ev, node = self.ev, self.node
        return [Context(ev, parts[i], node) for i in at]

    def ref(self, name: str) -> "Context":
        path = self._path(name)
        if path in self.ev.graph.nodes:
            value = self.ev.node_value(path)
            if isinstance(value, Instance):
                return Context(self.ev, value, self.node, count=np.ones(1))
        self.missing(name)


def evaluate(lowering: Lowering, sink: Sink, only_checks: bool = False, cancel=None, ir=None,
             share: bool = True, memo=None) -> Results:
    """Evaluate every quantity (or only what the asserts need) and every assert. `cancel` (a
    threading.Event, optional) stops the evaluation at the next node once set: `Cancelled` is raised (an
    editor drops the evaluation of a text that has changed since), and the evaluation and `lowering` are released
    (`Evaluator.release`: their cycles broken, they cannot be used after). `ir`: `compiler.ir.bind(lowering)` when
    the caller has bound it already (else bound here). Python's cyclic garbage collector is paused meanwhile,
    as the front end and lowering do (`dsl.gc_paused`): evaluation allocates many small short-lived objects
    next to the large graph, and the collector's passes over that graph cost more than the evaluation."""
    from dsl import gc_paused

    with gc_paused(), np.errstate(all="ignore"):     # (each model and division also says so where run alone)
        if memo is None:
            return _evaluate(lowering, sink, only_checks, cancel, ir, share)
        rnd = memo.begin(lowering, sink)       # `compiler.memo`: the values of the version before, where they hold
        completed = False
        try:
            results = _evaluate(lowering, sink, only_checks, cancel, ir, share, rnd)
            completed = True
            return results
        finally:
            if rnd is not None:
                memo.finish(rnd, completed)


def _evaluate(lowering: Lowering, sink: Sink, only_checks: bool, cancel, ir, share: bool = True,
              rnd=None) -> Results:
    from .checks import merge_placements

    start = len(sink.items)
    results = _evaluate_all(lowering, sink, only_checks, cancel, ir, share, rnd)
    merge_placements(sink, start, lowering.graph)   # one line of a definition and its placements: one diagnostic
    return results


def _evaluate_all(lowering: Lowering, sink: Sink, only_checks: bool, cancel, ir, share: bool = True,
                  rnd=None) -> Results:
    ev = Evaluator(lowering, sink)
    ev.memo = rnd
    try:
        return _evaluate_with(ev, lowering, sink, only_checks, cancel, ir, share)
    except Cancelled:           # dropped with its lowering (an editor's superseded version): refcounting frees them
        ev.release()
        raise


def _evaluate_with(ev: Evaluator, lowering: Lowering, sink: Sink, only_checks: bool, cancel, ir,
                   share: bool = True) -> Results:
    ev.cancel = cancel
    ev.values_checked = not only_checks
    ev.quiet = True
    graph = lowering.graph
    if not only_checks:
        # Bind once (compiler.ir): every node after its static inputs, so evaluating one reads values
        # already computed; a model output evaluates what it reads on demand. Then the nodes the models
        # created while running (assumptions, intermediate terms) and anything not reached: until none is new.
        ir = ir if ir is not None else bind(lowering, cancel)
        done: set[str] = set()
        values, failed = ev.values, ev.failed
        nodes, paths = graph.nodes, ir.paths
        for i in ir.order:
            path = paths[i]
            done.add(path)
            if path in values or path in failed:       # a model read it already
                continue
            try:
                if nodes[path].kind == "model":
                    ev.demand(path)
                else:                                   # its inputs are computed: nothing nests
                    try:
                        ev._node_value(path)
                    except _NeedValue:                  # (an input binding did not see: the work list)
                        ev.demand(path)
            except EvalError:
                pass
        while len(done) < len(graph.nodes):
            for path in [p for p in graph.nodes if p not in done]:
                done.add(path)
                try:
                    ev.node_value(path)
                except EvalError:
                    pass
    if only_checks and share:
        # the placements that are copies of one another: the first of each judged once (`compiler.share`)
        from .share import PlacementShare
        ev.share = PlacementShare(ev)
        ev.share.prepare()
        shared = ev.share
        shared_checks, shared_limits = shared.check_results, shared.limit_results
        checks = [c for c in (shared.check(i, check) if i in shared_checks else evaluate_check(ev, check)
                              for i, check in enumerate(graph.checks)) if c is not None]
        checks += [c for c in (shared.limit(i, lim) if i in shared_limits else evaluate_limit(ev, lim)
                               for i, lim in enumerate(graph.limits)) if c is not None]
    else:
        checks = [c for c in (evaluate_check(ev, check) for check in graph.checks) if c is not None]
        checks += [c for c in (evaluate_limit(ev, lim) for lim in graph.limits) if c is not None]
    checks += [infeasible_check(ev, *ev.infeasible[p]) for p in sorted(ev.infeasible)]
    checks += evaluate_rules(ev)
    units = _Units(ev)
    if not only_checks:                 # (a check's caller reads few units, if any: those are found when read)
        units.complete()
        types = ev.lowering.checked.types
        inherit_let_displays(graph.nodes, units,
                             lambda node: getattr(types.get(id(node.expr)), "point", False))
    params = {p: list(graph.sweep_values[p]) for p in graph.sweep}
    absent = {p: a for p, a in sorted(ev.absent.items()) if p in ev.values}
    results = Results(graph, ev.values, units, checks, graph.scenario_count, params, absent, evaluator=ev)
    if not only_checks:
        from .checks import check_values
        from .plan_totals import plan_totals
        results.totals = plan_totals(graph, ev.values, units, graph.scenario_count)
        from .bill_of_materials import bill_of_materials
        results.bill_of_materials = bill_of_materials(graph, ev.values, graph.scenario_count)
        check_values(ev, results)       # declared ranges and NaN/inf/negative values, per scenario
    else:
        from .checks import check_refused_reads, check_field_tables
        check_field_tables(ev, results)    # idle power above TDP, an implausible price: as the user types
        if ev.read_refusals:
            check_refused_reads(ev, results)    # the error of each let a model refused: what the checks did not judge
    return results


def inherit_let_displays(nodes: dict, units: dict, is_point=lambda node: True) -> None:
    """A `let` computed from other quantities reads in their unit: `let total_hours = a.gpu_hours +
    b.gpu_hours` shows in hours, as its inputs do (declared `h`), not on the time ladder (291.7 yr beside a
    published 2,788,000 h). The rule: the inputs it read that have its own SI unit all show in one declared
    unit d; then so does the let (inputs of other units, `total / published - 1`, say nothing). A let with
    a written unit (lowering's `written_unit`) keeps it; a let of lets inherits what they inherited (its
    inputs are decided first, depth first). A temperature point's display (degC) goes only to a let that is a
    point itself (`is_point`, from the checker's types): `20 degC - a` is a difference in K, and shown as a
    point 10 K read -263.1 degC."""
    def undecided(path: str) -> bool:
        node = nodes.get(path)
        return node is not None and node.kind == "let" and not node.display and bool(node.deps)

    decided: set[str] = set()
    for start in [p for p in nodes if undecided(p)]:
        stack = [start]                 # depth first, without recursion (a chain of lets may be long)
        while stack:
            path = stack[-1]
            if path in decided:
                stack.pop()
                continue
            node, unit = nodes[path], units.get(path, "")
            same = [dep for dep in node.deps if units.get(dep, "") == unit]
            waiting = [dep for dep in same if undecided(dep) and dep not in decided and dep not in stack]
            if waiting:
                stack.extend(waiting)
                continue
            stack.pop()
            decided.add(path)
            found = {nodes[dep].display if dep in nodes else "" for dep in same}
            if len(found) == 1 and unit not in ("", "1"):
                display = found.pop()
                if display != "temp" or is_point(node):
                    node.display = display


class Units(dict):
    """`Results.units` once every unit is found (`_Units.complete`): a plain dict."""

    def complete(self) -> None:
        pass


class _Units(CompletingDict, Units):
    """`Results.units`: the SI unit of each value (path -> unit), found once per expression (the placements of
    one definition share theirs). `complete()` finds every one, in the order of the values, and makes the table a
    plain dict (its class becomes `Units`); until then (an evaluation of the checks only) a unit is found when
    it is read (`[]`, `get`, `in`), and reading the table whole (iterating it, its length, keys, values,
    items) completes it first (`compiler.graph.CompletingDict`)."""

    def __init__(self, ev: Evaluator):
        super().__init__()
        self._ev = ev
        self._by_expr: dict[int, str] = {}      # id(expression) -> its unit
        self._by_count: dict[int, str] = {}     # the same for multiplicities ("1" where it has no dimension)
        self._filled = False

    def _unit(self, path: str) -> str:
        node = self._ev.graph.nodes[path]
        kind = node.kind                # a model's unit is its own (`compiler.ir.unit_of`, inlined: one per value)
        if kind == "model" or kind == "assumption":
            return "" if node.unit == "1" else node.unit
        memo = self._by_count if kind == "count" else self._by_expr
        unit = memo.get(id(node.expr))
        if unit is None:
            unit = memo[id(node.expr)] = unit_of(self._ev.lowering, node)
        return unit

    def complete(self) -> None:
        if self._filled:
            return
        self._filled = True
        given = dict(dict.items(self))          # (found, or set by a caller, before the table was read whole)
        dict.clear(self)
        unit = self._unit
        for path in self._ev.values:
            dict.__setitem__(self, path, given[path] if path in given else unit(path))
        dict.update(self, given)
        self.__class__ = Units

    def __missing__(self, path):
        if self._filled or path not in self._ev.values:
            raise KeyError(path)
        found = self._unit(path)
        dict.__setitem__(self, path, found)
        return found

    def get(self, path, default=None):
        if dict.__contains__(self, path):
            return dict.__getitem__(self, path)
        if self._filled or path not in self._ev.values:
            return default
        return self.__missing__(path)

    def __contains__(self, path) -> bool:
        return dict.__contains__(self, path) or (not self._filled and path in self._ev.values)


def scenario_names(ev: Evaluator, failing) -> str:
    """The scenarios `failing` (indices) by their parameter values: "tp=1, tp=2" (at most 8 named)."""
    names = []
    for i in list(failing)[:8]:
        parts = []
        for p in ev.graph.sweep:
            unit = _unit_of_path(ev, p)
            parts.append(f"{p}={format_value(float(ev.scenario_axis[p][i]), unit)}")
        names.append(" ".join(parts) if parts else f"scenario {i + 1}")
    more = f", and {len(failing) - 8} more" if len(failing) > 8 else ""
    return ", ".join(names) + more


def evaluate_rules(ev: Evaluator) -> list[CheckResult]:
    """The models' built-in rules (`compiler.models.rule`) on every placed block; a failed finding is an error
    with the rule's code and a failed check; a rule that applies and holds is a passing check (a rule returns
    None where it does not apply)."""
    from .models import rules_for

    out: list[CheckResult] = []

    rules_of: dict[str, list] = {}             # kind name -> its rules (the registry is fixed once loaded)

    todo = list(reversed(ev.graph.roots))      # each instance, then its parts in order (a walk without a
    while todo:                                 # recursive closure: it would hold the evaluation in a cycle)
        inst = todo.pop()
        rules = rules_of.get(inst.kind)
        if rules is None:
            rules = rules_of[inst.kind] = rules_for(inst.kind)
        for r in rules:
            read: list[str] = []
            ev.reading.append(read)
            try:
                if ev.quiet:                # (numpy's errors are ignored for the whole evaluation already)
                    findings = r.check(Context(ev, inst))
                else:
                    with np.errstate(all="ignore"):
                        findings = r.check(Context(ev, inst))
            except EvalError:
                continue
            finally:
                ev.reading.pop()
            if findings is None:            # the rule does not apply here (a site that places no hardware)
                continue
            # as an assert: not judged where it read a figure refused there (a count of 32.5 in one scenario of a
            # sweep, run on another scenario's count in its place: the refusal's error says why)
            refused = refused_where(ev, read)
            judged = ~refused if refused is not None else None
            span = inst.block.name_span
            failed = False
            for failing, message, notes, *extra in findings:
                field = extra[0] if extra else None         # a finding reported at that field
                about = extra[1] if len(extra) > 1 else ()  # the outputs it leaves without a valid value (flagged)
                mask = ev.scenario_mask(failing)
                if judged is not None:
                    mask = mask & judged
                if not mask.any():
                    continue
                node = ev.graph.nodes.get(f"{inst.path}.{field}") if field else None
                span = node.span if node is not None and node.span else inst.block.name_span
                failed = True
                bad = [int(i) for i in np.flatnonzero(mask)]
                where = (f" (in {in_scenarios(len(bad), ev.graph.scenario_count)}: {scenario_names(ev, bad)})"
                         if ev.graph.scenario_count > 1 else "")
                ev.sink.error(r.code, f"{message}{where}", span, notes=list(notes),
                              scenarios=bad if ev.graph.scenario_count > 1 else None,
                              quantities=[q for q in about if q in ev.graph.nodes])
                out.append(CheckResult(f"{inst.path}: {r.name}", False, r.name, span, message, bad))
            if not failed:                  # it applies and holds: listed as a passing check, as asserts are
                out.append(CheckResult(f"{inst.path}: {r.name}", True, r.name, span))
        todo.extend(reversed(inst.parts))
    return out


def infeasible_site_figures(ev: Evaluator, inst: Instance) -> list[str]:
    """The figures of its site computed from an inference service that cannot run: the metered draw of the site
    and of each hall holding the service's chip type (`facility_power_metered`, `it_power_metered`:
    compiler.models.cost.planning_draw_figures), which count such a service's accelerators at the site's planning
    draw per accelerator (it has no power of its own there), and through the graph their energy_year,
    opex_energy, opex, tco_year, PUE, water and accelerator-hour, and the $/Mtok of the services priced at that
    hour. The `infeasible-workload` error names them in the scenarios where the service cannot run, so they are
    flagged there (results JSON `flagged.scenarios`, the table, the report) and nowhere else. The site's service
    totals (tokens/s, $/Mtok) have no value there already (absent); a training run's draw is the site's planning
    draw whether or not it can run (cost.py), so it names none."""
    from .models.cost import planning_draw_figures
    parent = inst.parent
    if inst.kind != "inference" or parent is None or parent.kind != "site":
        return []
    paths = planning_draw_figures(Context(ev, parent), Context(ev, inst))
    return [q for q in paths if q in ev.graph.nodes]


def infeasible_check(ev: Evaluator, inst: Instance, mask: np.ndarray, reason: str,
                     structured: Optional[Reason] = None) -> CheckResult:
    """The `infeasible-workload` error and failed check of a workload whose figures have no value, at the field
    the reason is about (`structured.field`, compiler/reason.py: `ep` for "`ep` = 2 asks for expert parallelism
    ...") where the workload sets it, else at the workload's name. The field is read from the structure the model
    gave, never from the words (until session 26 a regex on the text, so rewording a reason moved its error); a
    reason given as plain text is about no field (the training and inference models give theirs structured)."""
    failing = [int(i) for i in np.flatnonzero(mask)]
    count = ev.graph.scenario_count
    span = inst.block.name_span
    field = structured.field if structured is not None else None
    node = ev.graph.nodes.get(f"{inst.path}.{field}") if field else None
    if node is not None and node.kind == "field":
        span = getattr(node.expr, "span", None) or node.span or span
    notes = []
    if count > 1:
        notes.append(f"fails in {in_scenarios(len(failing), count)}: {scenario_names(ev, failing)}")
    runs = _headline_stands(ev, inst, mask)
    if runs:
        none = sorted(p[len(inst.path) + 1:] for p, a in ev.absent.items()
                      if p.startswith(inst.path + ".") and "." not in p[len(inst.path) + 1:]
                      and (np.asarray(a.mask, dtype=bool) & mask).any())
        notes.append(f"it runs on the accelerators it holds ({runs} has a value); "
                     f"{', '.join(f'`{n}`' for n in none) or 'what is sized by what it asks'} has no value "
                     "(null in JSON)")
    else:
        notes.append("its figures that depend on this (throughput, latency, power, cost, efficiency) have no value "
                     "(null in JSON)")
        # what it asks fails for a reason of its own too (a deadline no count meets, beside a state that does not
        # fit the one system it holds): said, or the fix the first reason suggests (more chips) looks enough
        sized = ev.absent.get(f"{inst.path}.accelerators_needed")
        if sized is not None and sized.reason and sized.reason != reason and \
                (np.asarray(sized.mask, dtype=bool) & mask).any() and not sized.reason.startswith("no value"):
            notes.append(f"`accelerators_needed` has no value either: {sized.reason}")
    about = infeasible_site_figures(ev, inst)
    if about:
        notes.append(f"`{inst.parent.path}`'s energy bill counts its accelerators at the site's planning draw there "
                     "(flagged)")
    what = "cannot meet what it asks" if runs else "cannot run"
    ev.sink.error(Code.INFEASIBLE_WORKLOAD, f"`{inst.path}` {what}: {reason}", span, notes=notes,
                  scenarios=failing if count > 1 else None, quantities=about)
    check = "the workload meets what it asks" if runs else "the workload can run"
    return CheckResult(f"{inst.path}: {check}", False, check, span, reason, failing)


def _headline_stands(ev: Evaluator, inst: Instance, mask: np.ndarray) -> str:
    """The headline figure (`checks.HEADLINES`: a service's tokens/s, a run's time to train) of a workload whose
    `infeasible-workload` concerns another output, where that figure has a value in every failing scenario: a
    training run with a `deadline` no count of its ladder meets has no `accelerators_needed`, but it runs at the
    accelerators it is given, with its time to train, throughput and cost (tests/test_feasibility.py). Its error
    says it cannot meet what it asks, not that it cannot run (s24-hunt: before, "`s.job` cannot run" and a failed
    check "the workload can run" beside `feasible 1` and a time to train of 1.4 years, and a note that its
    throughput and cost had no value). "" otherwise."""
    from .checks import HEADLINES

    headline = HEADLINES.get(inst.kind)
    value = ev.values.get(f"{inst.path}.{headline[0]}") if headline is not None else None
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu" or not value.size:
        return ""
    at = np.broadcast_to(np.asarray(value, dtype=float).reshape(-1), mask.shape)[mask]
    return f"`{headline[0]}`" if at.size and np.isfinite(at).all() else ""


def evaluate_limit(ev: Evaluator, check) -> CheckResult | None:
    """A model's built-in limit (left <= right); None when the spec gives no limit to check."""
    lim = check.limit
    ctx = Context(ev, check.instance)
    try:
        if ev.quiet:                        # (numpy's errors are ignored for the whole evaluation already)
            measured = lim.measure(ctx)
        else:
            with np.errstate(all="ignore"):
                measured = lim.measure(ctx)
    except EvalError:
        return None
    if measured is None:
        return None
    left, right = (np.asarray(v, dtype=float) for v in measured)
    if left.size == 1 and right.size == 1 and float(left[0]) <= float(right[0]) * (1 + 1e-9):
        limit_node = ev.graph.nodes.get(f"{check.instance.path}.{lim.right}")   # holds everywhere: one scalar test
        span = limit_node.span if limit_node is not None and limit_node.span else check.instance.block.name_span
        return CheckResult(check.name, True, lim.message, span)
    # a limit that does not vary over the sweep holds or fails in every scenario alike
    shape = (max(left.size, right.size, ev.graph.scenario_count),)
    ok = np.broadcast_to(left <= right * (1 + 1e-9), shape)
    # a side with no value (NaN: absent, as a figure a refused `let` left uncomputed, with its own error; a NaN that
    # is not absent is its own `non-finite` error) is no finding: the limit is judged where both sides have a value,
    # and is no check at all where no scenario has (when the values are checked: `Evaluator.values_checked`)
    # (only the checks evaluated: a NaN side is judged, as no non-finite error will say it, unless a refused read
    # may explain it: the refusal's error says it, `check_refused_reads`)
    unexplained = not ev.values_checked and not (ev.refused or ev.refused_inputs)
    judged = np.broadcast_to(~np.isnan(left) & ~np.isnan(right) | unexplained, shape)
    if not judged.any():
        return None
    limit_node = ev.graph.nodes.get(f"{check.instance.path}.{lim.right}")
    span = limit_node.span if limit_node is not None and limit_node.span else check.instance.block.name_span
    if (ok | ~judged).all():
        return CheckResult(check.name, True, lim.message, span)
    failing = [int(i) for i in np.flatnonzero(~ok & judged)]
    i = failing[0]
    unit = (_unit_of_path(ev, f"{check.instance.path}.{lim.left}")         # a left side named by a label: the
            or _unit_of_path(ev, f"{check.instance.path}.{lim.right}"))    # limit's own unit (a rack's height)
    detail = (f"{lim.left} = {format_value(_pick(left, i), unit)}, "
              f"{lim.right} = {format_value(_pick(right, i), unit)}")
    where = f" (in {in_scenarios(len(failing), ev.graph.scenario_count)})" if ev.graph.scenario_count > 1 else ""
    shown, related = finding_span(ev, check.instance, span, f"the limit `{lim.right}`")
    ev.sink.error(Code.LIMIT_EXCEEDED, f"limit exceeded: {lim.message}{where} in `{check.instance.path}`", shown,
                  notes=[detail], related=related)
    return CheckResult(check.name, False, lim.message, shown, detail, failing, related)


def _limit_span(ev: Evaluator, check):
    """Where a limit's finding is shown: its right side's node (the limit the spec gives), else the block's name."""
    limit_node = ev.graph.nodes.get(f"{check.instance.path}.{check.limit.right}")
    return limit_node.span if limit_node is not None and limit_node.span else check.instance.block.name_span


def _unit_of_path(ev: Evaluator, path: str) -> str:
    node = ev.graph.nodes.get(path)
    if node is None:
        return ""
    return unit_of(ev.lowering, node)


def _is_literal(expr) -> bool:
    """A number or quantity as written (`50`, `1 kW`, `-2 kW`): an assert's note need not show its value."""
    while isinstance(expr, n.Unary):
        expr = expr.operand
    return isinstance(expr, (n.Number, n.Quantity))


def refused_where(ev: Evaluator, read: list[str]) -> np.ndarray | None:
    """The scenarios in which one of the figures `read` is refused (`Evaluator.refused`: an invalid count, a let a
    model refused, and what is computed from them; the models ran there on a stand-in value), or None where none
    is: a check that read them is not judged there, the refusal's error says why."""
    refused = [ev.refused[p][0] for p in read if p in ev.refused] if ev.refused else []
    return np.logical_or.reduce(refused) if refused else None


def evaluate_check(ev: Evaluator, check) -> CheckResult | None:
    """An assert, judged in every scenario but those where it read a figure left uncomputed for a refused `let`
    (`Evaluator.refused`: the let's error says why; the assert is no second one); None where it is judged in none,
    or where it read a figure whose evaluation failed with an error reported (its root cause)."""
    stmt = check.stmt
    message = stmt.message or "assert"
    read: list[str] = []
    ev.reading.append(read)
    try:
        value = np.asarray(ev.expr(stmt.expr, check.instance, check.module, agg=False), dtype=bool)
    except EvalError as exc:
        # it read a figure whose error is reported already (an invalid count, `-D racks=2.5`): that error is the
        # root cause and the exit code's; the assert is not judged, no second failure beside it
        if exc.args and exc.args[0] in ev.failed and ev.sink.has_errors():
            return None
        return CheckResult(check.name, False, f"{message} (could not be evaluated)", stmt.span)
    finally:
        ev.reading.pop()
    refused = refused_where(ev, read)
    if refused is not None:
        judged = ~refused
        if not judged.any():
            return None
        value = np.broadcast_to(value.reshape(-1), judged.shape) | ~judged
    if value.size == 1 and value[0]:            # holds in every scenario alike
        return CheckResult(check.name, True, message, stmt.span)
    # an assert that does not vary over the sweep holds or fails in every scenario alike
    value = np.broadcast_to(value.reshape(-1), (max(value.size, ev.graph.scenario_count),)) if value.size == 1 \
        else value
    failing = [int(i) for i in np.flatnonzero(~value)]
    if not failing:
        return CheckResult(check.name, True, message, stmt.span)
    detail = ""
    expr = stmt.expr
    if isinstance(expr, n.Compare):
        left = ev.expr(expr.left, check.instance, check.module, agg=False)
        right = ev.expr(expr.right, check.instance, check.module, agg=False)
        unit = unit_of_expr(ev, expr.left)
        i = failing[0]
        # a literal operand (`50`, `1 kW`, `-2 kW`) is shown as written already: its value is left out
        detail = ", ".join(f"`{_source_text(ev, side)}` = {format_value(_pick(values, i), unit)}"
                           for side, values in ((expr.left, left), (expr.right, right)) if not _is_literal(side))
    where = f" (in {in_scenarios(len(failing), ev.graph.scenario_count)})" if ev.graph.scenario_count > 1 else ""
    shown = stmt.message or f"`{_source_text(ev, stmt.expr)}`"      # an unlabeled assert: its condition
    text = f"assert failed: {shown}{where}"
    if check.instance is not None:
        text += f" in `{check.instance.path}`"
    span, related = finding_span(ev, check.instance, stmt.expr.span, "the assert")
    ev.sink.error(Code.ASSERT_FAILED, text, span, notes=[detail] if detail else [], related=related)
    located, inherited = finding_span(ev, check.instance, stmt.span, "the assert")    # its whole statement related
    return CheckResult(check.name, False, message, located, detail, failing, inherited)


def finding_span(ev: Evaluator, instance: Instance | None, span, what: str) -> tuple:
    """Where the failure of a check written in an imported file (an assert or a limit field of the stdlib's
    GB200_NVL72) is shown when it fails for a block of the evaluated files (a rack that extends it): at the nearest
    block of the instance's, up its parents, written in an evaluated file, with the check's own line related. So
    the evaluated file holds the error, where its author (and an editor showing that file's diagnostics) sees it;
    a check written in an evaluated file, or failing for an imported definition alone, stays at `span`.
    Returns (span, related). The failed check's `location` (results JSON, `check --format json`) is the same
    block, with `related` its own line, as its error (s26-contract: it was the stdlib's line, which the user
    cannot edit, beside an error at their block)."""
    if span is None or instance is None:
        return span, []
    entries = {m.name for m in ev.lowering.checked.program.entries}
    if span.file in entries:
        return span, []
    inst = instance
    while inst is not None:
        name_span = inst.block.name_span
        if name_span is not None and name_span.file in entries:
            return name_span, [Related(span, f"{what} is inherited from here")]
        inst = inst.parent
    return span, []


def unit_of_expr(ev: Evaluator, expr) -> str:
    from dsl.units import si_unit
    t = ev.lowering.checked.types.get(id(expr))
    dim = getattr(t, "dim", None)
    if dim is None or dim == DIMENSIONLESS:
        return ""
    return "K" if getattr(t, "point", False) else si_unit(dim)


def _pick(value, i: int):
    if isinstance(value, np.ndarray):
        return float(value[i] if value.size > 1 else value[0])
    return value


def _source_text(ev: Evaluator, expr) -> str:
    span = expr.span
    source = ev.sink.sources.get(span.file)
    text = source.text[span.start:span.end] if source is not None else "..."
    return " ".join(text.split())


def format_value(value, unit: str) -> str:
    from .display import format_quantity
    if isinstance(value, float):
        return "no value" if np.isnan(value) else format_quantity(value, unit)
    return str(value)
