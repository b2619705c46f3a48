"""Types and physical dimensions: checks every module of a program, collecting all diagnostics.

Pipeline position: after `dsl.resolve`; its output feeds `compiler.lower`. Imports `dsl.nodes`,
`dsl.units`, `dsl.types`, `dsl.schema`, `dsl.resolve`, `dsl.diagnostics`.
Public function: `check(program, scopes, sink, defines) -> Checked`.

What it checks: known kinds, fields of each kind (unknown ones with a suggestion, required ones present
after inheritance), parts placed where their kind fits, names, units and dimensions of every expression
(`700 W + 3 TB/s` is an error at its span), temperature points against differences, multiplicities
(whole, non-negative, at most 2^53), parameter ranges and `-D` overrides, and that asserts are
true/false conditions. It evaluates nothing but constants (and reports a constant that is infinite or
NaN, like `1 W / 0`); asserts are evaluated by the compiler.

An expression is typed on an explicit stack (`_Checker.expr`): a compound form's method is a generator
that yields its sub-expressions in reading order and is sent their types, so no expression depth nests on
the Python stack and every diagnostic keeps its top-down place. Typing a member (field, let, param) first
types the members its value reads. That nests; beyond MAX_NESTING expression levels the member is
deferred: the outermost `member_type` call types it first, from a fresh stack, then retries. So a chain of
thousands of lets needs no deep recursion, and the checker runs within Python's default recursion limit.
Constant folding (`_fold`, for multiplicities, ranges and exponents) runs on an explicit stack the same
way (a form's fold is a generator that yields its parts), and gives up (value unknown, nothing reported) past
MAX_CONST_DEPTH levels, which also ends a definition cycle.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from types import GeneratorType
from typing import Generator

from . import nodes as n
from .diagnostics import Code, Related, Sink, did_you_mean
from .resolve import Members, Scopes, canonical_kind_name, import_alias, report_star_clash, stdlib_hint
from .schema import (KIND_ALIASES, RANGES, BoolKind, ChoiceKind, FieldSpec, QuantityKind, RefKind, field_range,
                     kind as kind_spec, kinds)
from .types import BOOL, NUMBER, TEXT, BlockT, ListT, ModuleT, QType, Selection, Values, same
from .units import DIMENSIONLESS, UnitError, dim_div, dim_mul, dim_pow, parse_unit
from .visit import every_expression

MAX_COUNT = RANGES["count"].hi   # 2^53: beyond it float64 skips whole numbers (10^18 + 1 == 10^18)
MAX_RANGE_POINTS = 10_000_000
DEFINE_SOURCE_PREFIX = "-D "   # the source of a `-D name=value` is named `-D name`: its errors are usage errors
MAX_NESTING = 60          # expression levels typed inside one another before a member is deferred
MAX_CONST_DEPTH = 50      # levels a constant fold follows (names read from names, ...)
MAX_HINTS = 50            # "did you mean" hints per run: each compares the name with every name in scope


def _ref_field_hint(spec, kind: str, value: str = " = ...") -> str | None:
    """'did you mean `system`? ...' where a block of kind `spec` names a definition of `kind` through a field of
    another name: an inference's server is its `system` (s26-hunt: `server = hgx` was told "did you mean
    `serving`?", and `rack = DGX_H100`, a server, only that it must name a rack)."""
    want = kind_spec(kind)
    fields = [f.name for f in spec.fields.values()
              if isinstance(f.kind, RefKind) and want is not None and kind_spec(f.kind.kind) is want]
    return (f"did you mean `{fields[0]}`? a {kind} is named by `{fields[0]}{value}` in {a_kind(spec.name)}"
            if len(fields) == 1 else None)

AGGREGATES = ("sum", "max", "min", "count", "mean")
FUNCTIONS = {
    "sum": "sum(rack.power): the total over parts, counting multiplicities; or sum(a, b, ...)",
    "max": "max(a, b, ...) or max(rack.power): the largest value",
    "min": "min(a, b, ...) or min(rack.power): the smallest value",
    "count": "count(rack): how many parts, counting multiplicities",
    "mean": "mean(rack.power): the average over parts, weighted by multiplicity",
    "ceil": "ceil(x): the next whole number up (x must be a plain number: ceil(load / 1.5 MW))",
    "floor": "floor(x): the next whole number down",
    "round": "round(x): the nearest whole number",
    "abs": "abs(x): the magnitude",
    "sqrt": "sqrt(x): the square root (dimensions must have even powers)",
    "clamp": "clamp(x, lo, hi): x limited to [lo, hi]",
}


def a_kind(name: str) -> str:
    """A kind's name with its indefinite article, by its sound: 'an inference', 'an economizer', 'a ups' (the
    kind names starting in u are read as "you": ups, and none begins with a silent h)."""
    return f"{'an' if name[:1] in ('a', 'e', 'i', 'o') else 'a'} {name}"


def _holder(spec) -> str:
    """The kinds that can hold a block of `spec`'s kind, in words ('site or hall'), for a help line."""
    from .schema import kinds as all_kinds
    name = spec.name if spec is not None else ""
    holders = [k for k, ks in sorted(all_kinds().items()) if name in getattr(ks, "contains", ())]
    return " or ".join(holders)


@dataclass
class Checked:
    """The checked program: what the compiler lowers."""

    program: object
    scopes: Scopes
    defines: dict[str, n.Expr | n.RangeExpr] = field(default_factory=dict)
    types: dict[int, object] = field(default_factory=dict)   # id(expr) -> type (of checked expressions)


class _Deferred(Exception):
    """Typing `member` would nest too deeply here: the outermost `member_type` call types it first."""

    def __init__(self, member: object, owner: n.Block | None, module: n.Module):
        self.member, self.owner, self.module = member, owner, module


class _TooDeep(Exception):
    """A constant fold followed more than MAX_CONST_DEPTH levels: the value is left unknown."""


class _Checker:
    def __init__(self, scopes: Scopes, sink: Sink):
        self.scopes = scopes
        self.sink = sink
        self.types: dict[int, object] = {}
        self._member_types: dict[int, object] = {}
        self._in_progress: set[int] = set()     # members being typed (or waiting on a deferred one)
        self._driving = False                   # inside `_drive`: a member that nests too deeply is deferred
        self._level = 0                         # expression levels being typed, inside one another
        self._base = 0                          # ... when the current member's typing started
        self._values: dict[tuple[int, int], object] = {}   # (id(member), id(block)) -> constant value
        self._home: dict[int, n.Module] = {}    # id(top-level statement) -> its module
        self._hints = MAX_HINTS
        self._hint_cache: dict[tuple, str | None] = {}
        self.declared: dict[int, tuple[str, object]] = {}   # id(Name/Attr expr) -> (text, span declared at)
        self.inferred: dict[int, object] = {}   # id(Field) -> type of its expression, before the declared type
        self._selected: dict[tuple[int, str], list[n.Block]] = {}   # (id(block), kind) -> its parts of that kind

    # ================================================================ structure
    def module(self, module: n.Module) -> None:
        for stmt in module.statements:
            if isinstance(stmt, n.Block):
                self.block(stmt, module, None)
            elif isinstance(stmt, n.Param):
                self.param(stmt, module)
            elif isinstance(stmt, n.Let):
                self.member_type(stmt, None, module)
                self.below_absolute_zero(stmt, None, module)
            elif isinstance(stmt, n.Assert):
                self.condition(stmt.expr, None, module)
            elif isinstance(stmt, n.Field):
                self.sink.error(Code.MISPLACED_STATEMENT, f"`{stmt.name} = ...` sets a field, but fields belong "
                                "inside a block", stmt.name_span,
                                help=f"write `let {stmt.name} = ...` or `param {stmt.name} = ...` at the top "
                                     "level of a file")
            elif isinstance(stmt, n.Import):
                self.import_names(stmt, module)

    def import_names(self, stmt: n.Import, module: n.Module) -> None:
        target = self.scopes.program.imported(module, stmt)
        if target is None or not stmt.names:
            return
        for name, span in stmt.names:
            if self.scopes.module_lookup(target, name) is None:
                self.sink.error(Code.UNKNOWN_NAME, f"`{name}` is not defined in {target.name}", span,
                                help=self.hint(name, (id(target),), lambda: self.scopes.module_names(target)))

    def block(self, block: n.Block, module: n.Module, parent: n.Block | None) -> None:
        spec = kind_spec(block.kind)
        if spec is None:
            self.sink.error(Code.UNKNOWN_KIND, f"`{block.kind}` is not a kind of block", block.kind_span,
                            help=did_you_mean(block.kind, list(kinds()) + list(KIND_ALIASES) + (
                                # `improt chips` reads as a block `improt` named `chips`
                                ["import"] if not block.has_body and block.base is None and block.count is None
                                else [])),
                            notes=["kinds: " + ", ".join(sorted(kinds()))])
        elif parent is not None:
            parent_spec = kind_spec(parent.kind)
            if parent_spec is not None and spec.name not in parent_spec.contains:
                holds = ", ".join(parent_spec.contains) or "no parts"
                self.sink.error(Code.MISPLACED_BLOCK, f"{a_kind(spec.name)} cannot be placed inside {a_kind(parent_spec.name)}",
                                block.kind_span, notes=[f"{a_kind(parent_spec.name)} holds: {holds}"])
        if block.count is not None and parent is None:
            # a top-level block is a definition, or the root a plan draws: nothing places it, so `x 3` multiplied
            # nothing (`hall h x 3` evaluated and drew one hall, without a word)
            self.sink.error(Code.INVALID_COUNT, f"`{block.name}` is not placed in anything, so a count (`x ...`) "
                            "cannot multiply it", block.count.span,
                            help=(f"write it inside a {_holder(spec)} (`{block.kind} {block.name} x N {{ ... }}` "
                                  f"there), or drop the count" if _holder(spec) else
                                  f"drop the count: a {block.kind} is placed in nothing"))
        elif block.count is not None:
            self.count(block.count, block.parent, module)
        for stmt in block.body:
            if isinstance(stmt, n.Block):
                self.block(stmt, module, block)
            elif isinstance(stmt, n.Field):
                self.field(stmt, block, module, spec)
            elif isinstance(stmt, n.Let) and spec is not None and stmt.name in spec.fields \
                    and not isinstance(spec.fields[stmt.name].kind, QuantityKind):
                # a `let` named as a text, choice, reference or true/false field is read as the field (`let
                # precision = "fp7"` reached the model unchecked: an internal error; `let precision = 4`, bf16):
                # it is checked as the field is
                self.field(stmt, block, module, spec)
            elif isinstance(stmt, n.Let):
                self.member_type(stmt, block, module)
                self.below_absolute_zero(stmt, block, module)
            elif isinstance(stmt, n.Assert):
                self.condition(stmt.expr, block, module)
            elif isinstance(stmt, (n.Import, n.Param)):
                word = "import" if isinstance(stmt, n.Import) else "param"
                self.sink.error(Code.MISPLACED_STATEMENT, f"`{word}` belongs at the top level of a file, not inside "
                                f"`{block.name}`", stmt.span)
        if spec is not None:
            self.required(block, spec)

    def required(self, block: n.Block, spec) -> None:
        if block.base and self.scopes.base_of(block) is None:
            return                # its base is unknown or wrong (reported there): what it would set is unknown
        values = self.scopes.members(block).values
        own_fields = {stmt.name for stmt in block.body if isinstance(stmt, n.Field)}
        missing = [f for f in spec.fields.values() if f.required and not isinstance(values.get(f.name), n.Field)
                   and f.name not in own_fields]        # (set, then again by a `let`: a duplicate, said there)
        for f in missing:
            if isinstance(values.get(f.name), n.Let):
                help_text = (f"`let {f.name} = ...` is a value of your own: set the field without `let`, "
                             f"`{f.name} = ...`")
            else:
                help_text = (f"add `{f.name} = ...` inside `{block.name}`"
                             + (f" or extend a {spec.name} that sets it" if not block.base else ""))
            self.sink.error(Code.MISSING_FIELD, f"{spec.name} `{block.name}` does not set `{f.name}` ({f.doc})",
                            block.name_span, help=help_text)

    def field(self, stmt: n.Field, block: n.Block, module: n.Module, spec) -> None:
        self.member_type(stmt, block, module)
        actual = self.inferred.get(id(stmt))
        if spec is None:
            return
        fspec = spec.fields.get(stmt.name)
        if fspec is None:
            from .resolve import RESERVED_NAMES

            hint = _ref_field_hint(spec, stmt.name) or did_you_mean(stmt.name, spec.fields)
            own = f"{stmt.name}_" if stmt.name in RESERVED_NAMES else stmt.name      # (a keyword names nothing)
            self.sink.error(Code.UNKNOWN_FIELD, f"{a_kind(spec.name)} has no field `{stmt.name}`", stmt.name_span,
                            help=hint or f"use `let {own} = ...` for a value of your own",
                            notes=[f"{spec.name} fields: " + ", ".join(sorted(spec.fields))] if not hint else [])
            return
        if actual is None and isinstance(stmt.value, n.Name) and isinstance(fspec.kind, ChoiceKind) \
                and stmt.value.ident in fspec.kind.choices:        # `cooling = air`: a choice is text, in quotes
            for diag in self.sink.items:
                if diag.code == Code.UNKNOWN_NAME and diag.span == stmt.value.span and diag.help is None:
                    diag.help = f'did you mean `"{stmt.value.ident}"`? (a choice is written in quotes)'
        self.conform(stmt.value, actual, fspec, f"`{stmt.name}`", spec)

    def conform(self, expr: n.Expr, actual: object, fspec: FieldSpec, what: str, spec=None) -> None:
        """Does a value of type `actual` fit the field's declared type?"""
        if actual is None:
            return
        expected = field_type(fspec)
        fkind = fspec.kind
        if isinstance(fkind, ChoiceKind):
            choices = fkind.choices
            if actual != TEXT:
                self.mismatch(expr, f"{what} takes one of {', '.join(repr(c) for c in choices)}, "
                                    f"not {actual.describe()}")
            elif isinstance(expr, n.String) and expr.value not in choices:
                self.sink.error(Code.INVALID_VALUE, f"{what} cannot be \"{expr.value}\"; it is one of "
                                + ", ".join(f'"{c}"' for c in choices), expr.span,
                                help=did_you_mean(expr.value, choices, quoted=True))
            return
        if isinstance(fkind, RefKind):
            want = fkind.kind
            if not isinstance(actual, BlockT) or kind_spec(actual.block.kind) is not kind_spec(want):
                other = _ref_field_hint(spec, actual.block.kind, f" = {actual.block.name}") \
                    if spec is not None and isinstance(actual, BlockT) else None
                self.sink.error(Code.WRONG_KIND, f"{what} must name a {want} definition, not {actual.describe()}",
                                expr.span, help=other)
            return
        if isinstance(expected, QType) and isinstance(actual, QType):
            if expected.point and not actual.point and actual.dim == expected.dim:
                self.sink.error(Code.TEMPERATURE_POINT, f"{what} is a temperature point; this is a temperature "
                                "difference", expr.span, help="write a point in degC, like `35 degC`")
                return
            if actual.point and not expected.point:
                self.sink.error(Code.TEMPERATURE_POINT, f"{what} takes {expected.describe()}, not a temperature "
                                "point", expr.span, help="a difference is written in K, like `10 K`")
                return
            if expected.dim != actual.dim:
                bare = isinstance(expr, n.Number) and actual.dim == DIMENSIONLESS     # `power_limit = 25`
                self.sink.error(Code.UNIT_MISMATCH, f"{what} is {_with_unit(expected, None, fspec)} but this is "
                                f"{_with_unit(actual, expr)}", expr.span,
                                help=f"write its unit after the number, like `{expr.text} "
                                f"{'degC' if expected.point else fspec.type}`" if bare else None)
            return
        if not same(expected, actual):
            self.mismatch(expr, f"{what} takes {expected.describe()}, not {actual.describe()}")

    def mismatch(self, expr: n.Expr, message: str) -> None:
        self.sink.error(Code.TYPE_MISMATCH, message, expr.span)

    def count(self, expr: n.Expr, block: n.Block | None, module: n.Module) -> None:
        t = self.expr(expr, block, module)
        if t is None:
            return
        if not (isinstance(t, QType) and t.dim == DIMENSIONLESS and not t.point):
            self.sink.error(Code.INVALID_COUNT, f"a multiplicity is a plain count, not {t.describe()}", expr.span)
            return
        value = self.const(expr, block, module)
        if value is None:
            return
        if isinstance(value, list):
            bad = [v for v in value if not _is_count(v)]
            value = bad[0] if bad else 0
        if not math.isfinite(value):
            return  # reported as non-finite by the fold
        if not _is_count(value):
            if value > MAX_COUNT:
                hint = "beyond 2^53 a float64 no longer holds every whole number"
            else:
                hint = "round it: `x ceil(...)`" if value >= 0 else None
            self.sink.error(Code.INVALID_COUNT, f"a multiplicity must be a whole number from 0 to 2^53, not "
                            f"{_fmt(value)}", expr.span, help=hint)

    def param(self, stmt: n.Param, module: n.Module) -> None:
        self.sweep_literals(stmt.value)
        if isinstance(stmt.value, n.RangeExpr):
            self.range(stmt.value, module)
        if not self.empty_sweep(stmt.value):
            self.text_sweep(stmt.value)
        self.member_type(stmt, None, module)
        self.below_absolute_zero(stmt, None, module)

    def below_absolute_zero(self, stmt, block: n.Block | None, module: n.Module) -> None:
        """A let's or param's temperature point below 0 K (`let t = -300 degC`; `10 degC - 300 K`, where 300 K is a
        difference) is refused at its value, as a field's is by its range: no body has that temperature. A sweep's
        points are each looked at (`[20 degC, -500 degF]`: the second)."""
        t = self._member_types.get(id(stmt))
        if not (isinstance(t, QType) and t.point):
            return
        value = stmt.value
        parts = value.items if isinstance(value, n.ListExpr) else [value.start, value.stop] \
            if isinstance(value, n.RangeExpr) else [value]
        for part in parts:
            try:
                found = self._fold((part, block, module, 0))
            except (ArithmeticError, ValueError, TypeError, _TooDeep):
                continue
            if isinstance(found, float) and math.isfinite(found) and found < 0:
                self.sink.error(Code.OUT_OF_RANGE, f"`{stmt.name}` is a temperature below absolute zero: "
                                f"{found - 273.15:.6g} degC ({found:.6g} K)", part.span,
                                help="a temperature point is at least 0 K (-273.15 degC); a difference is "
                                     "written in K (`10 K`) and added to a point")
                return

    def sweep_literals(self, value: n.Expr | n.RangeExpr) -> bool:
        """A sweep's points are numbers written out (`1..3 step 1`, `[1 kW, 2 kW]`): the scenarios are fixed
        before anything is computed, and a point given as an expression (`1..n`, `[s, 2]`, `1..2+1`) made the
        parameter and everything that reads it vanish from the results without a word (a training run that read
        `[1e-5 / 1 s, 2e-5 / 1 s]` vanished from the outputs, exit 0). A quantity of a unit the language does not
        know is said at its unit, not here. False if reported."""
        if isinstance(value, n.RangeExpr):
            parts = [value.start, value.stop] + ([value.step] if value.step is not None else [])
        elif isinstance(value, n.ListExpr):
            parts = value.items
        else:
            return True
        bad = [p for p in parts if literal_si(p) is None and not isinstance(p, (n.String, n.Bool, n.Quantity))]
        for part in bad:
            self.sink.error(Code.INVALID_RANGE, "a sweep's values are numbers written out (`1..3 step 1`, "
                            "`[1 kW, 2 kW]`); this is an expression, so the sweep would make no scenarios",
                            part.span, help="write each value as one number with its unit (`16`, `1e-5 Hz` for "
                                            "1e-5 / 1 s, `2.5 kW`), or give the sweep on the command line: "
                                            "-D name=1..3")
        return not bad

    def empty_sweep(self, value: n.Expr | n.RangeExpr) -> bool:
        """A parameter given as `[]` has no scenario to evaluate: an error at the list."""
        if isinstance(value, n.ListExpr) and not value.items:
            self.sink.error(Code.INVALID_RANGE, "a parameter's list of values is empty: it gives no scenario",
                            value.span, help="give at least one value: `[1000]`, or a single value `1000`")
            return True
        return False

    def text_sweep(self, value: n.Expr | n.RangeExpr) -> bool:
        """A parameter's list sweeps numbers: a list of text or true/false values (`["offline", "server"]`) made no
        scenarios, and every block that read it had no value, silently (a workload with no outputs, exit 0). An
        error at the first such value."""
        if not isinstance(value, n.ListExpr):
            return False
        item = next((i for i in value.items if isinstance(i, (n.String, n.Bool))), None)
        if item is None:
            return False
        self.sink.error(Code.TYPE_MISMATCH, "a parameter's list sweeps numbers (with their units); text and "
                        "true/false values cannot be swept", item.span,
                        help="give the parameter one value and evaluate the spec once per value with "
                             "`-D name=value`")
        return True

    def range(self, rng: n.RangeExpr, module: n.Module) -> object | None:
        parts = [rng.start, rng.stop] + ([rng.step] if rng.step is not None else [])
        types = [self.expr(p, None, module) for p in parts]
        if any(t is None for t in types):
            return None
        first = types[0]
        if first in (TEXT, BOOL):       # `"a".."b"`: no scenarios, silently (as a list of them, text_sweep)
            self.sink.error(Code.TYPE_MISMATCH, "a range sweeps numbers (with their units); text and true/false "
                            "values cannot be swept", rng.span,
                            help="give the parameter one value and evaluate the spec once per value with "
                                 "`-D name=value`")
            return None
        for part, t in zip(parts[1:], types[1:]):
            if not same(first, t):
                self.sink.error(Code.UNIT_MISMATCH, f"a range runs from {first.describe()} to {t.describe()}",
                                part.span)
                return None
        values = [self.const(p, None, module) for p in parts]
        if all(isinstance(v, float) for v in values):
            start, stop = values[0], values[1]
            step = values[2] if len(values) > 2 else (1.0 if first == NUMBER else None)
            if step is None:
                self.sink.error(Code.INVALID_RANGE, "a range of quantities needs a step: `1 MW..10 MW step 1 MW`",
                                rng.span)
            elif step == 0 or (stop - start) * step < 0:
                self.sink.error(Code.INVALID_RANGE, f"the step {_fmt(step)} never gets from {_fmt(start)} to "
                                f"{_fmt(stop)}", rng.step.span if rng.step is not None else rng.span)
            elif abs(stop - start) / abs(step) + 1 > MAX_RANGE_POINTS:
                self.sink.error(Code.INVALID_RANGE, f"this range has more than {MAX_RANGE_POINTS:,} points",
                                rng.span)
        return first

    def condition(self, expr: n.Expr, block: n.Block | None, module: n.Module) -> None:
        t = self.expr(expr, block, module)
        if t is not None and t != BOOL:
            self.mismatch(expr, f"an assert needs a true/false condition (like `power <= power_limit`), "
                                f"not {t.describe()}")

    # ================================================================ members and names
    def member_type(self, member: object, owner: n.Block | None, module: n.Module) -> object | None:
        """The type of a field, let, param or part; memoized, with a guard against definition cycles."""
        key = id(member)
        if key in self._member_types:
            return self._member_types[key]
        if key in self._in_progress:
            return None  # a cycle: reported by the compiler with its chain
        if not self._driving:
            return self._drive(member, owner, module)
        if self._level - self._base > MAX_NESTING:
            raise _Deferred(member, owner, module)
        return self._type_member(member, owner, module)

    def _drive(self, member: object, owner: n.Block | None, module: n.Module) -> object | None:
        """Type `member`; a member deferred on the way is typed first (it waits in `in_progress`)."""
        pending = [(member, owner, module)]
        self._driving, saved_base = True, self._base
        try:
            while pending:
                current = pending[-1]
                key = id(current[0])
                if key in self._member_types:
                    pending.pop()
                    self._in_progress.discard(key)
                    continue
                self._base = self._level
                try:
                    self._type_member(*current)
                except _Deferred as deferred:
                    self._in_progress.add(key)
                    pending.append((deferred.member, deferred.owner, deferred.module))
        finally:
            self._driving, self._base = False, saved_base
        return self._member_types[id(member)]

    def _type_member(self, member: object, owner: n.Block | None, module: n.Module) -> object | None:
        key = id(member)
        self._in_progress.add(key)
        try:
            t = self._member_type(member, owner, module)
        finally:
            self._in_progress.discard(key)
        self._member_types[key] = t
        if isinstance(member, (n.Field, n.Let, n.Param)) and isinstance(self.inferred.get(key, t), QType):
            self.member_const(member, owner, module)  # reports a constant that is infinite or NaN
        if isinstance(member, (n.Let, n.Param)) and _holds_module(t):
            self.module_value(member, t, owner.module if owner is not None and owner.module else
                              self._home.get(id(member), module))
        return t

    def module_value(self, member: n.Let | n.Param, t: object, home: n.Module) -> None:
        """A let or param bound to a whole module (`let y = c` of `import chips as c`), or to a list of modules: a
        module is a namespace, not a value (it has no unit, no figure, no output), so it is an error at the value,
        said once (its reads type as the module, so `y.H100_SXM.tdp` adds nothing)."""
        word = "let" if isinstance(member, n.Let) else "param"
        value = member.value
        written = value.ident if isinstance(value, n.Name) else None
        stmt = self.scopes.whole_import(home, written) if written is not None else None
        module = t.module if isinstance(t, ModuleT) else t.elem.module
        shown = module.name.removeprefix("<stdlib>/").removesuffix(".factory") if module.is_stdlib else None
        if not isinstance(t, ModuleT):
            rename = ""                   # a list of modules: no one import names it
        elif stmt is not None:
            source = f'"{stmt[1].module}"' if stmt[1].is_path else stmt[1].module
            rename = f"; or import the module under this name, `import {source} as {member.name}`"
        elif shown is not None:
            rename = f"; or import the module under this name, `import {shown} as {member.name}`"
        else:
            rename = f"; or import the module under this name, `import \"...\" as {member.name}`"
        read = f"`{written}.<name>`" if written is not None else f"`{shown or 'module'}.<name>`"
        self.sink.error(Code.TYPE_MISMATCH, f"`{word} {member.name}` is bound to {t.describe()}, which is not a "
                        f"value: a module is a namespace of definitions", value.span,
                        help=f"read one of its definitions, {read} (a part, or a figure of one){rename}")

    def _member_type(self, member: object, owner: n.Block | None, module: n.Module) -> object | None:
        if isinstance(member, n.Block):
            return BlockT(member)
        if isinstance(member, n.Param):
            value = member.value
            t = self.expr(value.start if isinstance(value, n.RangeExpr) else value, None,
                          self._home.get(id(member), module))
            return t.elem if isinstance(value, n.ListExpr) and isinstance(t, ListT) else t
        if isinstance(member, (n.Field, n.Let)):
            home = owner.module if owner is not None and owner.module else self._home.get(id(member), module)
            t = self.expr(member.value, owner, home)
            self.inferred[id(member)] = t
            if isinstance(member, n.Field) and owner is not None and t is not None:
                spec = kind_spec(owner.kind)
                fspec = spec.fields.get(member.name) if spec else None
                declared = field_type(fspec) if fspec is not None else None
                if declared is not None:
                    return declared
            return t
        if isinstance(member, n.Module):
            return ModuleT(member)
        return None

    def name(self, expr: n.Name, block: n.Block | None, module: n.Module) -> object | None:
        ident = expr.ident
        # `price = price` in a block reads the `price` outside the block, not itself (see nodes.Name)
        current = block.parent if expr.outward and block is not None else block
        while current is not None:
            members = self.scopes.members(current)
            found = members.values.get(ident)
            if found is not None:
                self.declared[id(expr)] = (ident, getattr(found, "name_span", None))
                return self.member_type(found, members.owner.get(ident, current), module)
            spec = kind_spec(current.kind)
            if spec is not None and ident in spec.fields:
                self.shadowed(expr, current, spec, module)
                return field_type(spec.fields[ident])
            selected = self.select(current, ident)
            if selected:
                return Selection(tuple(selected), ident)
            current = current.parent
        found = self.scopes.module_lookup(module, ident)
        if found is not None:
            if module.path in self.scopes.multi_star:
                report_star_clash(self.scopes, module, ident, expr.span)
            if expr.outward and block is not None:
                self.declared[id(expr)] = (ident, getattr(found, "name_span", None))
            return self.member_type(found, None, module)
        if ident in FUNCTIONS:
            self.sink.error(Code.TYPE_MISMATCH, f"`{ident}` is a function; call it: `{ident}(...)`", expr.span)
            return None
        if self.scopes.unloaded_name(module, ident):
            return None                   # (its import did not load: that import's error says so)
        if expr.outward and block is not None:      # `power_limit = power_limit` with no outer one
            help_text = self.hint(ident, (id(block), id(module), "outward"),
                                  lambda: [x for x in self.scopes.visible_names(block, module) if x != ident]) \
                or (f"in its own value, `{ident}` names something outside `{block.name}`, and nothing "
                    f"there is called `{ident}`: write its value, or declare `param {ident} = ...` at the top of the file")
        else:
            help_text = self.hint(ident, (id(block), id(module)),
                                  lambda: self.scopes.visible_names(block, module)) or stdlib_hint(ident, module)
        below = self.path_below(block, ident) if block is not None and kind_spec(ident) is not None else None
        if below is not None:           # `count(rack)` in a hall whose racks are in rows
            help_text = (f"`{ident}` selects the parts of kind {kind_spec(ident).name} that `{block.name}` places "
                         f"itself, and it places none; those below it are `{below}` (as in `count({below})`)")
        if help_text is None:
            try:
                parse_unit(ident)
                help_text = f"`{ident}` is a unit: write a number before it, like `1 {ident}`"
            except UnitError:
                pass
        self.sink.error(Code.UNKNOWN_NAME, f"`{ident}` is not defined here", expr.span, help=help_text)
        return None

    def path_below(self, block: n.Block, kind_name: str, depth: int = 5) -> str | None:
        """The dotted path of kinds (`row.rack`) through which `block` holds parts of kind `kind_name` deeper than
        its own parts, breadth first (the shortest), or None: what an aggregate writes to reach them."""
        wanted = kind_spec(kind_name)
        level: list[tuple[n.Block, str]] = [(block, "")]
        seen: set[int] = {id(block)}
        for _ in range(depth):
            below: list[tuple[n.Block, str]] = []
            for current, path in level:
                for part in self.scopes.members(current).values.values():
                    if type(part) is not n.Block or id(part) in seen:
                        continue
                    spec = kind_spec(part.kind)
                    if spec is None:
                        continue
                    seen.add(id(part))
                    step = f"{path}.{spec.name}" if path else spec.name
                    if spec is wanted:
                        if path:
                            return step
                        continue
                    below.append((part, step))
            level = below
        return None

    def shadowed(self, expr: n.Name, block: n.Block, spec, module: n.Module) -> None:
        """`expr` reads a field `block` does not set (a model computes it, or it is left unset) although a
        param or let of the module has the same name: inside a block its fields come first, so the module's
        value is not the one read. Said here, since a model that reads the field back makes it a cycle."""
        found = self.scopes.module_lookup(module, expr.ident)
        if not isinstance(found, (n.Param, n.Let)):
            return
        what = "param" if isinstance(found, n.Param) else "let"
        computed = "computed by its model" if spec.fields[expr.ident].output else "not set there"
        self.sink.warning(Code.SHADOWED_NAME, f"`{expr.ident}` here is the {spec.name} `{block.name}`'s own field "
                          f"`{expr.ident}` ({computed}), not the {what} `{expr.ident}`", expr.span,
                          related=[Related(found.name_span, f"the {what} `{expr.ident}` is declared here")],
                          notes=["inside a block, the block's fields (set or not) hide the module's names of "
                                 "the same name; if the model computes this field from the one being set, the "
                                 "values form a definition cycle"],
                          help=f"rename the {what} (for example `{expr.ident}_value`) to read it here")

    def hint(self, word: str, scope: tuple, candidates) -> str | None:
        """"did you mean ...?" for the first MAX_HINTS distinct unknown names of a run (each compares the
        name with the names in scope, so thousands of unknown names would cost their square). `scope`
        identifies the candidates (ids of nodes that live as long as the run) for the cache."""
        key = (word, scope)
        if key not in self._hint_cache:
            if self._hints <= 0:
                return None
            self._hints -= 1
            self._hint_cache[key] = did_you_mean(word, candidates())
        return self._hint_cache[key]

    def select(self, block: n.Block, ident: str) -> list[n.Block]:
        """Parts of `block` whose kind is `ident` (`rack` selects every rack part); memoized per run (an
        aggregate like `sum(row.rack.server.chip.tdp)` selects the same parts of the same blocks again and
        again). The list is shared: callers only read it."""
        key = (id(block), ident)
        found = self._selected.get(key)
        if found is None:
            wanted = kind_spec(ident)
            found = [] if wanted is None else [
                m for m in self.scopes.members(block).values.values()
                if type(m) is n.Block and kind_spec(m.kind) is wanted]
            self._selected[key] = found
        return found

    def attr(self, expr: n.Attr, block: n.Block | None, module: n.Module) -> object | None:
        base = (yield expr.obj)
        if base is None:
            return None
        name = expr.name
        if isinstance(base, ModuleT):
            found = self.scopes.module_lookup(base.module, name)
            if found is None:
                self.sink.error(Code.UNKNOWN_NAME, f"`{name}` is not defined in {base.module.name}", expr.name_span,
                                help=self.hint(name, (id(base.module),), lambda: self.scopes.module_names(base.module)))
                return None
            return self.member_type(found, None, base.module)
        if isinstance(base, BlockT):
            return self.block_attr(base.block, name, expr)
        if isinstance(base, Selection):
            if not base.blocks and kind_spec(name) is None:
                # no part selected (racks holding no server; or a placement whose definition is not found, reported
                # there): a field of the selected kind still has its type, and sums to 0 over nothing
                kind = kind_spec(base.label.rpartition(".")[2])
                if kind is not None and name in kind.fields:
                    return Values(field_type(kind.fields[name]))
                self.sink.error(Code.UNKNOWN_NAME, f"no `{base.label}` is placed here, and a "
                                f"{base.label.rpartition('.')[2]} has no field `{name}`", expr.name_span,
                                help=self.hint(name, ("fields", base.label),
                                               lambda: list(kind.fields) if kind is not None else []))
                return None
            if self.kind_hides_module(expr, base, module):
                return None
            results = []
            for part in base.blocks:
                members = self.scopes.members(part).values
                if name not in members and kind_spec(name) is not None:
                    results.append(("sel", self.select(part, name)))
                else:
                    results.append(("val", self.block_attr(part, name, expr)))
            if all(kind == "sel" for kind, _ in results):
                parts = tuple(b for _, blocks in results for b in blocks)
                return Selection(parts, f"{base.label}.{name}")
            types = [t for kind, t in results if kind == "val"]
            if any(t is None for t in types):
                return None
            first = types[0]
            for other in types[1:]:
                if not same(first, other):
                    self.sink.error(Code.UNIT_MISMATCH, f"`{name}` is {first.describe()} in one part and "
                                    f"{other.describe()} in another", expr.name_span)
                    return None
            return Values(first)
        self.sink.error(Code.TYPE_MISMATCH, f"{base.describe()} has no fields; `.{name}` cannot apply",
                        expr.name_span)
        return None

    def kind_hides_module(self, expr: n.Attr, base: Selection, module: n.Module) -> bool:
        """`network.Q3400` inside a network block with `import network`: `network` selects the parts of that kind
        around it (a kind's name, looked up before the file's names), not the module, and none of them has `Q3400`.
        One error at the name saying so (not one per part), with the help to import the module under another name;
        True when reported."""
        obj, name = expr.obj, expr.name
        found = self.scopes.whole_import(module, obj.ident) if isinstance(obj, n.Name) else None
        if found is None or not base.blocks:
            return False
        for part in base.blocks:
            spec = kind_spec(part.kind)
            if name in self.scopes.members(part).values or spec is not None and name in spec.fields \
                    or kind_spec(name) is not None:
                return False
        stmt = found[1]
        source = f'"{stmt.module}"' if stmt.is_path else stmt.module
        self.sink.error(Code.UNKNOWN_NAME, f"`{obj.ident}` here is the {obj.ident} parts around it (a kind's name), "
                        f"not the module `{obj.ident}`, and none of them has `{name}`", obj.span,
                        help=f"a kind's name hides the module inside its blocks: import it under another name, "
                             f"`import {source} as {obj.ident}_`, and read `{obj.ident}_.{name}`",
                        related=[Related(stmt.span, f"`{obj.ident}` is imported here")]
                        if stmt.span.file == module.path else [])
        return True

    def block_attr(self, target: n.Block, name: str, expr: n.Attr) -> object | None:
        members = self.scopes.members(target)
        found = members.values.get(name)
        if found is not None:
            self.declared[id(expr)] = (_dotted(expr), getattr(found, "name_span", None))
            owner = members.owner.get(name, target)
            return self.member_type(found, owner, owner.module or target.module)
        spec = kind_spec(target.kind)
        if spec is not None and name in spec.fields:
            return field_type(spec.fields[name])
        selected = self.select(target, name)
        if selected:
            return Selection(tuple(selected), name)
        self.sink.error(Code.UNKNOWN_NAME, f"{target.kind} `{target.name}` has no field or part `{name}`",
                        expr.name_span,
                        help=self.hint(name, (id(target), "members"),
                                       lambda: list(members.values) + (list(spec.fields) if spec else [])),
                        related=[Related(target.name_span, f"`{target.name}` is defined here")])
        return None

    # ================================================================ expressions
    def expr(self, root: n.Expr, block: n.Block | None, module: n.Module) -> object | None:
        """The type of `root` (stored in `self.types` for it and each sub-expression), typed on an explicit stack.

        A leaf form's method returns its type; a compound form's method is a generator that yields each
        sub-expression it needs typed, in its own order, and is sent that type back, so every diagnostic comes
        where the top-down reading puts it (an unknown function before its arguments, an `if`'s condition
        before its branches) while no expression depth nests on the Python stack. `_level` counts the
        expressions open (the generators on the stack and the form being started), across the nested typing
        of the members names read (see `member_type`)."""
        stack: list[tuple[Generator, n.Expr]] = []   # compound forms being typed, innermost last
        level = self._level
        sub: n.Expr | None = root                   # the expression to start typing next, if any
        t: object | None = None                     # the type just found, to send to the innermost form
        try:
            while True:
                if sub is not None:
                    self._level += 1
                    typed = _DISPATCH[type(sub)](self, sub, block, module)
                    if type(typed) is GeneratorType:
                        stack.append((typed, sub))
                        t = None                    # starts the generator
                    else:
                        t = self._typed(sub, typed)
                    sub = None
                if not stack:
                    return t
                gen, current = stack[-1]
                try:
                    sub = gen.send(t)
                except StopIteration as done:
                    stack.pop()
                    t = self._typed(current, done.value)
        except BaseException:
            for gen, _ in stack:
                gen.close()
            self._level = level
            raise

    def _typed(self, expr: n.Expr, t: object | None) -> object | None:
        self._level -= 1
        self.types[id(expr)] = t
        return t

    def number(self, expr: n.Number, block, module):
        self.literal(expr, expr.value)
        return NUMBER

    def quantity(self, expr: n.Quantity, block, module):
        try:
            unit = parse_unit(expr.unit)
        except UnitError as exc:
            self.sink.error(Code.UNKNOWN_UNIT, str(exc), expr.unit_span,
                            help=f"did you mean `{exc.suggestion}`?" if exc.suggestion else
                            "see the unit table in stdlib/units.txt")
            return None
        self.literal(expr, unit.to_si(expr.value))
        return QType(unit.dim, unit.point)

    def literal(self, expr: n.Number | n.Quantity, value: float) -> None:
        """A literal float64 cannot hold is refused where it is written, wherever it stands (a branch of `if`,
        an assert, a list beside a parameter): `1e999` reads as infinity, `1e-400 W` (not zero) as 0."""
        if not math.isfinite(value):
            what = "number" if type(expr) is n.Number or not math.isfinite(expr.value) else "quantity in SI units"
            self._non_finite(expr.span, f"this {what} is too large: it reads as infinity")
        elif value == 0 and _NONZERO_DIGIT.search(_mantissa(expr.text)):
            what = "number" if type(expr) is n.Number or expr.value == 0 else "quantity in SI units"
            self.sink.error(Code.UNDERFLOW, f"this {what} is too small to hold: it reads as 0", expr.span,
                            help="the smallest a figure can be is about 2.2e-308 in SI units; write 0 if zero is meant")

    def string(self, expr: n.String, block, module):
        return TEXT

    def boolean(self, expr: n.Bool, block, module):
        return BOOL

    def list_expr(self, expr: n.ListExpr, block, module):
        types = []
        for item in expr.items:
            types.append((yield item))
        if any(t is None for t in types):
            return None
        if not types:
            return ListT(None)
        for item, t in zip(expr.items[1:], types[1:]):
            if not same(types[0], t):
                self.sink.error(Code.UNIT_MISMATCH, f"a list mixes {types[0].describe()} and {t.describe()}",
                                item.span)
                return None
        return ListT(types[0])

    def unary(self, expr: n.Unary, block, module):
        t = (yield expr.operand)
        if t is None:
            return None
        if not isinstance(t, QType):
            self.mismatch(expr, f"`{expr.op}` needs a number, not {t.describe()}")
            return None
        if t.point and expr.op == "-":
            self.sink.error(Code.TEMPERATURE_POINT, "a temperature point cannot be negated; subtract it from "
                            "another point to get a difference", expr.span)
            return None
        return t

    def logic(self, expr: n.Logic, block, module):
        ok = True
        for operand in expr.operands:
            t = (yield operand)
            if t is not None and t != BOOL:
                self.mismatch(operand, f"`{expr.op}` joins true/false conditions, not {t.describe()}")
                ok = False
        return BOOL if ok else None

    def negation(self, expr: n.Not, block, module):
        t = (yield expr.operand)
        if t is not None and t != BOOL:
            self.mismatch(expr.operand, f"`not` needs a true/false condition, not {t.describe()}")
            return None
        return BOOL

    def if_expr(self, expr: n.IfExpr, block, module):
        cond = (yield expr.cond)
        if cond is not None and cond != BOOL:
            self.mismatch(expr.cond, f"`if` needs a true/false condition, not {cond.describe()}")
        then = (yield expr.then)
        other = (yield expr.other)
        if then is None or other is None:
            return None
        if not same(then, other):
            self.sink.error(Code.UNIT_MISMATCH, f"the branches of `if` differ: {_with_unit(then, expr.then)} "
                            f"against {_with_unit(other, expr.other)}", expr.other.span,
                            related=[Related(expr.then.span, "the `then` branch")])
            return None
        return then

    def arith(self, expr: n.Arith, block, module):
        types = []
        for operand in expr.operands:
            types.append((yield operand))
        acc = types[0]
        for i, (op, right) in enumerate(zip(expr.ops, types[1:]), start=1):
            left_expr = expr.operands[i - 1] if i == 1 else _prefix_span(expr, i)
            right_expr = expr.operands[i]
            if acc is None or right is None:
                acc = None
                continue
            for t, e in ((acc, left_expr), (right, right_expr)):
                if not isinstance(t, QType):
                    self.mismatch(e, f"`{op}` needs numbers, not {t.describe()}")
                    acc = None
            if acc is None:
                continue
            if op in "+-":
                acc = self.add(op, acc, right, left_expr, right_expr, expr.op_spans[i - 1])
            else:
                if acc.point or right.point:
                    bad = left_expr if acc.point else right_expr
                    self.sink.error(Code.TEMPERATURE_POINT, "a temperature point cannot be multiplied or divided",
                                    bad.span, help="subtract a reference point first: (t - 20 degC) is a "
                                    "difference in K")
                    acc = None
                    continue
                acc = QType(dim_mul(acc.dim, right.dim) if op == "*" else dim_div(acc.dim, right.dim))
        return acc

    def add(self, op, left: QType, right: QType, left_expr, right_expr, op_span):
        verb = "add" if op == "+" else "subtract"
        if left.point or right.point:
            if left.dim != right.dim:
                return self._unit_mismatch(verb, left, right, left_expr, right_expr, op)
            if left.point and right.point:
                if op == "-":
                    return QType(left.dim)
                self.sink.error(Code.TEMPERATURE_POINT, "cannot add two temperature points", op_span,
                                help="subtract them to get a difference, or add a difference in K")
                return None
            if right.point and op == "-":
                self.sink.error(Code.TEMPERATURE_POINT, "cannot subtract a temperature point from a difference",
                                right_expr.span)
                return None
            return QType(left.dim, True)
        if left.dim != right.dim:
            return self._unit_mismatch(verb, left, right, left_expr, right_expr, op)
        return left

    def _unit_mismatch(self, verb, left, right, left_expr, right_expr, op):
        if verb == "subtract":
            message = f"cannot subtract {_with_unit(right, right_expr)} from {_with_unit(left, left_expr)}"
        else:
            message = f"cannot add {_with_unit(left, left_expr)} and {_with_unit(right, right_expr)}"
        related = [Related(right_expr.span, "this operand")] if right_expr is not None else []
        self.sink.error(Code.UNIT_MISMATCH, message, left_expr.span, related=related,
                        notes=self._declared_notes(left_expr, right_expr))
        return None

    def _declared_notes(self, *exprs) -> list[str]:
        notes = []
        for e in exprs:
            text, span = self.declared.get(id(e), (None, None))
            if span is not None:
                notes.append(f"`{text}` is declared at {span}")
        return notes

    def power(self, expr: n.Power, block, module):
        base = (yield expr.base)
        exp = (yield expr.exponent)
        if base is None or exp is None:
            return None
        for t, e in ((base, expr.base), (exp, expr.exponent)):
            if not isinstance(t, QType):
                self.mismatch(e, f"`^` needs numbers, not {t.describe()}")
                return None
        if exp != NUMBER:
            self.sink.error(Code.NOT_DIMENSIONLESS, f"an exponent must be a plain number, not {exp.describe()}",
                            expr.exponent.span)
            return None
        if base.point:
            self.sink.error(Code.TEMPERATURE_POINT, "a temperature point cannot be raised to a power", expr.base.span)
            return None
        if base.dim == DIMENSIONLESS:
            return NUMBER
        value = self.const(expr.exponent, block, module)
        if not isinstance(value, float) or value != int(value):
            self.sink.error(Code.NOT_DIMENSIONLESS, f"{base.describe()} can only be raised to a whole-number "
                            "constant power", expr.exponent.span)
            return None
        return QType(dim_pow(base.dim, int(value)))

    def compare(self, expr: n.Compare, block, module):
        left = (yield expr.left)
        right = (yield expr.right)
        if left is None or right is None:
            return BOOL
        if isinstance(left, QType) and isinstance(right, QType):
            if left.dim != right.dim or left.point != right.point:
                self.sink.error(Code.UNIT_MISMATCH, f"cannot compare {_with_unit(left, expr.left)} with "
                                f"{_with_unit(right, expr.right)}", expr.left.span,
                                related=[Related(expr.right.span, "this operand")])
            return BOOL
        if left == TEXT and right == TEXT and expr.op in ("==", "!="):
            return BOOL
        if left == BOOL and right == BOOL and expr.op in ("==", "!="):
            return BOOL
        if isinstance(left, BlockT) and isinstance(right, BlockT) and expr.op in ("==", "!="):
            return BOOL
        self.mismatch(expr, f"cannot compare {left.describe()} with {right.describe()} using `{expr.op}`")
        return BOOL

    def call(self, expr: n.Call, block, module):
        func = expr.func
        if func not in FUNCTIONS:
            self.sink.error(Code.UNKNOWN_FUNCTION, f"there is no function `{func}`", expr.func_span,
                            help=did_you_mean(func, FUNCTIONS) or "functions: " + ", ".join(sorted(FUNCTIONS)))
            for arg in expr.args:
                (yield arg)
            return None
        args = []
        for arg in expr.args:
            args.append((yield arg))
        if any(a is None for a in args):
            return None
        usage = FUNCTIONS[func]
        if func in AGGREGATES:
            if not args:
                self.sink.error(Code.WRONG_ARGUMENTS, f"`{func}` needs an argument", expr.span, help=usage)
                return None
            if func == "count":
                if len(args) != 1 or not isinstance(args[0], (Selection, Values, ListT, BlockT)):
                    self.sink.error(Code.WRONG_ARGUMENTS, f"count() counts parts, like count(rack); got "
                                    f"{args[0].describe() if args else 'nothing'}", expr.span, help=usage)
                    return None
                return NUMBER
            if len(args) == 1:
                only = args[0]
                if isinstance(only, Selection):
                    self.sink.error(Code.WRONG_ARGUMENTS, f"{func}({expr.args[0].span and ''}...) needs a value of "
                                    f"each part, like {func}({only.label}.power)", expr.args[0].span,
                                    help=f"count({only.label}) counts the parts")
                    return None
                if isinstance(only, (Values, ListT)):
                    return only.elem
                if isinstance(only, QType):
                    return only
                self.mismatch(expr.args[0], f"`{func}` needs numbers, not {only.describe()}")
                return None
            return self.same_args(expr, args, func)
        if func == "clamp":
            if len(args) != 3:
                self.sink.error(Code.WRONG_ARGUMENTS, "clamp takes three arguments", expr.span, help=usage)
                return None
            return self.same_args(expr, args, func)
        if len(args) != 1:
            self.sink.error(Code.WRONG_ARGUMENTS, f"`{func}` takes one argument, got {len(args)}", expr.span,
                            help=usage)
            return None
        t = args[0]
        if not isinstance(t, QType) or t.point:
            self.mismatch(expr.args[0], f"`{func}` needs a number, not {t.describe()}")
            return None
        if func in ("ceil", "floor", "round"):
            if t.dim != DIMENSIONLESS:
                self.sink.error(Code.NOT_DIMENSIONLESS, f"`{func}` needs a plain number, but this is "
                                f"{_with_unit(t, expr.args[0])}", expr.args[0].span,
                                help=f"divide by a unit first: {func}(x / 1 {t.unit()})")
                return None
            return NUMBER
        if func == "sqrt":
            if any(d % 2 for d in t.dim):
                self.sink.error(Code.NOT_DIMENSIONLESS, f"the square root of {t.describe()} has no unit",
                                expr.args[0].span)
                return None
            return QType(tuple(d // 2 for d in t.dim))
        return t

    def same_args(self, expr: n.Call, args: list, func: str):
        first = args[0]
        for arg_expr, t in zip(expr.args, args):
            if not isinstance(t, QType):
                self.mismatch(arg_expr, f"`{func}` needs numbers, not {t.describe()}")
                return None
            if not same(first, t):
                self.sink.error(Code.UNIT_MISMATCH, f"`{func}` mixes {_with_unit(first, expr.args[0])} and "
                                f"{_with_unit(t, arg_expr)}", arg_expr.span)
                return None
        return first

    # ================================================================ constants
    def const(self, expr: n.Expr, block, module):
        """The SI value of a constant expression (float, or list for a list), or None if not constant.

        A fold that makes infinity or NaN out of finite parts (`1 W / 0`) reports `non-finite` there."""
        try:
            return self._fold((expr, block, module, 0))
        except (ArithmeticError, ValueError, TypeError, _TooDeep):
            return None

    def member_const(self, member, block, module):
        """The constant value of a field, let or param as read in `block`, or None (memoized)."""
        try:
            found = self._member_fold(member, block, module, 0)
            return self._fold(found) if type(found) is GeneratorType else found
        except (ArithmeticError, ValueError, TypeError, _TooDeep):
            return None

    def _fold(self, start):
        """Run a constant fold on an explicit stack. `start` is a request (expr, block, module, depth) or a fold
        already begun (a generator). Each form's fold (`_const`) returns its value, or for a form with parts is a
        generator that yields a request for each part it needs, in reading order, and is sent that part's value;
        so no expression depth or chain of names nests on the Python stack. A request deeper than
        MAX_CONST_DEPTH gives up the whole fold (_TooDeep, as a definition cycle does)."""
        stack: list[Generator] = []
        request, value = (start, None) if type(start) is tuple else (None, None)
        if request is None:
            stack.append(start)
        try:
            while True:
                if request is not None:
                    if request[3] > MAX_CONST_DEPTH:
                        raise _TooDeep
                    folded = self._const(*request)
                    request = None
                    if type(folded) is GeneratorType:
                        stack.append(folded)
                        value = None                # starts it
                    else:
                        value = folded
                if not stack:
                    return value
                try:
                    request = stack[-1].send(value)
                except StopIteration as done:
                    stack.pop()
                    value = done.value
        except BaseException:
            for gen in stack:
                gen.close()
            raise

    def _member_const(self, member, block, module, depth):
        """The fold of a field, let or param as read in `block`, a generator for `_fold` that memoizes its value
        (`_member_fold` reads the memo first)."""
        key = (id(member), id(block))
        value = member.value
        if isinstance(value, n.RangeExpr):
            result = None
        elif block is None:  # a param or a let of a module
            result = yield (value, None, self._home.get(id(member), module), depth + 1)
        else:
            result = yield (value, block, block.module or module, depth + 1)
        self._values[key] = result
        return result

    def _const(self, expr, block, module, depth):  # noqa: C901 - one dispatch over the foldable kinds
        """The fold of one expression: its value for a literal, else a generator (see `_fold`)."""
        kind = type(expr)
        if kind is n.Number or kind is n.Quantity:
            return literal_si(expr)     # (a literal out of float64's range is reported by its type: `literal`)
        if kind is n.Name:
            return self._name_const(expr, block, module, depth)
        if kind in (n.Unary, n.Arith, n.Power, n.ListExpr) or (
                kind is n.Call and expr.func in ("ceil", "floor", "round", "min", "max", "abs") and expr.args):
            return self._compound_const(expr, block, module, depth)
        return None

    def _compound_const(self, expr, block, module, depth):  # noqa: C901 - one dispatch over the foldable kinds
        kind = type(expr)
        if kind is n.Unary:
            v = yield (expr.operand, block, module, depth + 1)
            return None if not isinstance(v, float) else (-v if expr.op == "-" else v)
        if kind is n.Arith:
            acc = yield (expr.operands[0], block, module, depth + 1)
            for i, (op, operand) in enumerate(zip(expr.ops, expr.operands[1:]), start=1):
                v = yield (operand, block, module, depth + 1)
                if not isinstance(acc, float) or not isinstance(v, float):
                    return None
                result = _ARITH[op](acc, v)
                if not math.isfinite(result) and math.isfinite(acc) and math.isfinite(v):
                    if op == "/" and v == 0:
                        why = "division by zero: " + ("0 / 0 has no value" if acc == 0 else "this value is infinite")
                    else:
                        why = "this value overflows: it is beyond about 1.8e308 in SI units"
                    self._non_finite(_prefix_span(expr, i + 1).span, why)
                acc = result
            return acc
        if kind is n.Power:
            b = yield (expr.base, block, module, depth + 1)
            e = yield (expr.exponent, block, module, depth + 1)
            if not isinstance(b, float) or not isinstance(e, float):
                return None
            result, why = _power(b, e)
            if why is not None and math.isfinite(b) and math.isfinite(e):
                self._non_finite(expr.span, why)
            return result
        if kind is n.ListExpr:
            values = []
            for item in expr.items:
                values.append((yield (item, block, module, depth + 1)))
            return values if all(isinstance(v, float) for v in values) else None
        values = []                                  # ceil, floor, round, min, max, abs
        for arg in expr.args:
            values.append((yield (arg, block, module, depth + 1)))
        if not all(isinstance(v, float) for v in values):
            return None
        f = {"ceil": math.ceil, "floor": math.floor, "round": round, "abs": abs}
        if expr.func in f:
            return float(f[expr.func](values[0])) if math.isfinite(values[0]) else values[0]
        return float(min(values) if expr.func == "min" else max(values))

    def _name_const(self, expr: n.Name, block, module, depth):
        """The value a name reads, found by the checker's lookup rules (a member is read in its block): None, or
        the member's fold (a generator, or its memoized value)."""
        ident = expr.ident
        current = block.parent if expr.outward and block is not None else block
        while current is not None:
            found = self.scopes.members(current).values.get(ident)
            if found is not None:
                return self._member_fold(found, current, module, depth) \
                    if isinstance(found, (n.Field, n.Let)) else None
            spec = kind_spec(current.kind)
            if spec is not None and ident in spec.fields:
                return None  # a field left to a model: not a constant
            current = current.parent
        found = self.scopes.module_lookup(module, ident)
        if isinstance(found, (n.Param, n.Let)):
            return self._member_fold(found, None, module, depth)
        return None

    def _member_fold(self, member, block, module, depth):
        """A member's memoized value, or the generator that folds it."""
        key = (id(member), id(block))
        if key in self._values:
            return self._values[key]
        return self._member_const(member, block, module, depth)

    def _non_finite(self, span, message: str) -> None:
        self.sink.error(Code.NON_FINITE, message, span,
                        help="a divisor that can be zero needs its own case: `if d > 0 then x / d else ...`"
                        if message.startswith("division") else None)


_ARITH = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b if b else (math.nan if a == 0 or math.isnan(a) else math.copysign(math.inf, a)),
}


def _power(base: float, exponent: float) -> tuple[float, str | None]:
    """`base ^ exponent`, and why it is not finite (or None)."""
    try:
        result = base ** exponent
    except ZeroDivisionError:
        return math.inf, "division by zero: zero to a negative power is infinite"
    except OverflowError:
        return math.inf, "this value overflows: it is beyond about 1.8e308 in SI units"
    if isinstance(result, complex):
        return math.nan, "a negative number to a fractional power has no real value"
    return float(result), None


_DISPATCH = {
    n.Number: _Checker.number, n.Quantity: _Checker.quantity, n.String: _Checker.string, n.Bool: _Checker.boolean,
    n.Name: _Checker.name, n.Attr: _Checker.attr, n.Call: _Checker.call, n.ListExpr: _Checker.list_expr,
    n.Unary: _Checker.unary, n.Arith: _Checker.arith, n.Power: _Checker.power, n.Compare: _Checker.compare,
    n.Logic: _Checker.logic, n.Not: _Checker.negation, n.IfExpr: _Checker.if_expr,
}


def _dotted(expr: n.Expr) -> str:
    if isinstance(expr, n.Name):
        return expr.ident
    if isinstance(expr, n.Attr):
        return f"{_dotted(expr.obj)}.{expr.name}"
    return "..."


_NONZERO_DIGIT = re.compile(r"[1-9]")


def _mantissa(text: str) -> str:
    """The digits of a number's text before its exponent (`1e-400` -> `1`)."""
    return re.split(r"[eE]", text, maxsplit=1)[0]


def literal_si(expr) -> float | None:
    """SI value of a literal: a number, a quantity, or one of them negated; None for anything else."""
    if isinstance(expr, n.Number):
        return expr.value
    if isinstance(expr, n.Quantity):
        try:
            return parse_unit(expr.unit).to_si(expr.value)
        except UnitError:
            return None
    if isinstance(expr, n.Unary):
        value = literal_si(expr.operand)
        return None if value is None else (-value if expr.op == "-" else value)
    return None


def field_type(fspec: FieldSpec) -> object | None:
    """The static type a value of the field must have (None for a reference: it names a definition)."""
    fkind = fspec.kind
    if isinstance(fkind, QuantityKind):
        return QType(fkind.dim, fkind.point) if fkind.point or fkind.dim != DIMENSIONLESS else NUMBER
    if isinstance(fkind, RefKind):
        return None
    return BOOL if isinstance(fkind, BoolKind) else TEXT


def _is_count(value: float) -> bool:
    return math.isfinite(value) and value >= 0 and value == int(value) and value <= MAX_COUNT


def _fmt(value: float) -> str:
    return f"{value:g}"


def _declared_literal(value) -> n.Quantity | None:
    """The quantity a parameter's value is written with (`0.08 USD/kWh`; a list's first, a range's start), so a
    message names its unit as declared rather than in SI; None for a value that is no quantity as written."""
    while True:
        if isinstance(value, n.RangeExpr):
            value = value.start
        elif isinstance(value, n.ListExpr) and value.items:
            value = value.items[0]
        elif isinstance(value, n.Unary):
            value = value.operand
        else:
            return value if isinstance(value, n.Quantity) else None


def _with_unit(t: object, expr: n.Expr | None, fspec: FieldSpec | None = None) -> str:
    """`power (kW)`: the dimension, with the unit as written when the expression is a literal."""
    if not isinstance(t, QType):
        return t.describe()
    if isinstance(expr, n.Quantity):
        return f"{t.describe()} ({expr.unit})"
    if fspec is not None:
        return f"{t.describe()} ({fspec.type})"
    if t.dim == DIMENSIONLESS:
        return t.describe()
    return f"{t.describe()} ({t.unit()})"


class _PrefixSpan:
    """Stands for `operands[0] op ... operands[i-1]` of an n-ary chain when reporting."""

    def __init__(self, span):
        self.span = span


def _prefix_span(expr: n.Arith, i: int):
    first, last = expr.operands[0].span, expr.operands[i - 1].span
    from .source import Span
    return _PrefixSpan(Span(first.file, first.start, last.end, first.line, first.col, last.end_line, last.end_col))


def check(program, scopes: Scopes, sink: Sink, defines: dict[str, str] | None = None) -> Checked:
    checker = _Checker(scopes, sink)
    for module in program.modules.values():
        for stmt in module.statements:
            checker._home[id(stmt)] = module
    for module in program.modules.values():
        checker.module(module)
    checked = Checked(program, scopes, {}, checker.types)
    if defines:
        checked.defines = _check_defines(checker, program, defines, sink)
    check_field_ranges(checker, program, set(defines or ()), sink)
    check_late_bindings(checker, program, sink)
    check_unused_imports(program, sink)
    check_unplaced_blocks(program, sink)
    return checked


def late_member(scopes: Scopes, block: n.Block, name: str) -> tuple[object | None, n.Block | None]:
    """(the member `name` of a base's formula means when the formula is evaluated in `block`, the block that
    wrote it): `block`'s own member of that name (its own or inherited), else the nearest enclosing block's
    (a part placed in a rack that has a `let` of that name reads it); (None, None) where none has one."""
    current: n.Block | None = block
    while current is not None:
        members = scopes.members(current)
        if name in members.values:
            return members.values[name], members.owner.get(name, current)
        current = current.parent
    return None, None


def inherited_formulas(scopes: Scopes, base: n.Block) -> list[tuple[object, frozenset, str]]:
    """(expression, the names the parts it sits in bind themselves, what it is) of every formula a block extending
    `base` inherits and evaluates with its own members: the values of base's fields and lets, its asserts, the
    counts of its parts (`server node: box x per_rack`), and the same inside the bodies of its inline parts, where a
    name a part (or a part it sits in) has as a member is that part's, not the derived block's."""
    out: list[tuple[object, frozenset, str]] = []
    stack: list[tuple[list, frozenset]] = [(base.body, frozenset())]
    while stack:
        body, inner = stack.pop()
        for stmt in body:
            if isinstance(stmt, (n.Field, n.Let)):
                out.append((stmt.value, inner, f"`{stmt.name}`"))
            elif isinstance(stmt, n.Assert):
                out.append((stmt.expr, inner, "an assert"))
            elif isinstance(stmt, n.Block):
                if stmt.count is not None:
                    out.append((stmt.count, inner, f"the count of `{stmt.name}`"))
                if stmt.body:
                    stack.append((stmt.body, inner | frozenset(scopes.members(stmt).values)))
    return out


def check_late_bindings(checker: _Checker, program, sink: Sink) -> None:
    """Inherited formulas bind late (dsl/resolve.py): a name in a base's formula means the member of the block
    being evaluated. So a block that extends a base and gives a name its formulas read (a `let` it overrides, or
    one of its own that takes a name the base read outside it, a param) a value of another type changes what they
    compute, though each formula checked where the base wrote it: `let x = 3 Gb/s` under a base's `let budget =
    max_power + x` added a power and a data rate (375 MW, no diagnostic). The same of a member of a block that
    encloses the derived one (`late_member`: a rack's `let margin` read by the server placed in it). An error at
    the member (`unit-mismatch` between two quantities, else `type-mismatch`), naming the base formula that reads
    it, once per member and formula; only a quantity read as a quantity of another dimension, or as no quantity (text, a part
    of that name), is one (a part overridden by another part is what `extends` is for)."""
    from .types import Simple

    types, scopes = checker.types, checker.scopes
    said: set[tuple[int, int]] = set()
    for e, derived, base, what, member, owner in late_reads(scopes, program):
        if (id(member), id(e)) in said:
            continue
        part = isinstance(member, n.Block)      # a part of that name: never a quantity
        read = types.get(id(e))
        given = BlockT(member) if part else types.get(id(member.value))
        if not isinstance(read, QType) or given is None or given == read or \
                not isinstance(given, (QType, Simple, BlockT)):
            continue
        said.add((id(member), id(e)))
        code = Code.UNIT_MISMATCH if isinstance(given, QType) else Code.TYPE_MISMATCH
        chain, up = [], derived            # the derived block and its bases: who wrote the member
        while up is not None and up not in chain:
            chain.append(up)
            up = scopes.base_of(up)
        who = f"which `{owner.name}` extends" if owner in chain else \
            f"inherited by `{derived.name}` placed in `{owner.name}`"
        sink.error(code, f"`{member.name}` is {_with_unit(given, None if part else member.value)} "
                   f"here, but {what} of `{base.name}`, {who}, reads it as "
                   f"{_with_unit(read, None)}", member.name_span if part else member.value.span,
                   related=[Related(e.span, f"`{base.name}` reads `{e.ident}` here")],
                   notes=["an inherited formula reads the members of the block that extends its base"],
                   help=f"give `{member.name}` {_with_unit(read, None)}, or another name")


def late_reads(scopes, program):
    """Every name that a block of the spec's own modules, evaluated, reads in a formula it inherits, with the member
    it reads there: (the name `e` written in the base's formula, the block `derived` that inherits the formula, the
    `base` that wrote it, `what` the formula is (`inherited_formulas`), the `member` the evaluation of `derived`
    binds the name to and the block `owner` that holds it (`late_member`)), walking the blocks and, for each, its
    bases nearest first. A name an inline part of the base binds itself, and an outward name, stay the base's.
    Inherited formulas bind late (dsl/resolve.py): `budget = max_power + margin` of a base, evaluated in a block that
    extends it and overrides `max_power` or has a `let margin`, reads those. Serves check_late_bindings and the
    editor's definition, hover and renames (compiler.lsp.analysis.inherited_reads)."""
    formulas: dict[int, list] = {}                  # id(base) -> its inherited_formulas, made once per base
    nearest: dict[int, n.Block | None] = {}         # id(block) -> the first of it and its bases with formulas

    def with_formulas(block: n.Block | None) -> n.Block | None:
        """The first of `block`, its base, its base's base... that has inherited formulas (None: none before the
        chain ends or comes round again): a chain's bases without formulas are walked once, not once per block
        extending them (3,000 racks each extending the next: 4.5 million visits of bases with nothing to check).
        The bases visited below, with formulas, are those of the whole walk, in its order."""
        path: dict[int, None] = {}                  # the blocks without formulas walked here, in order
        while block is not None and id(block) not in nearest and id(block) not in path:
            if id(block) not in formulas:
                formulas[id(block)] = inherited_formulas(scopes, block)
            if formulas[id(block)]:
                break
            path[id(block)] = None
            block = scopes.base_of(block)
        found = None if block is None or id(block) in path else nearest.get(id(block), block)
        for empty in path:
            nearest[empty] = found
        return found

    stack = [stmt for module in program.modules.values() if not module.is_stdlib
             for stmt in module.statements if isinstance(stmt, n.Block)]
    while stack:
        derived = stack.pop()
        stack += [stmt for stmt in derived.body if isinstance(stmt, n.Block)]
        base, seen = with_formulas(scopes.base_of(derived)), set()
        while base is not None and id(base) not in seen:
            seen.add(id(base))
            for formula, inner, what in formulas[id(base)]:
                for e in every_expression(formula):
                    if isinstance(e, n.Name) and not e.outward and e.ident not in inner:
                        member, owner = late_member(scopes, derived, e.ident)
                        if member is not None:
                            yield e, derived, base, what, member, owner
            base = with_formulas(scopes.base_of(base))


def _holds_module(t: object) -> bool:
    """Whether a let's or param's type is a whole module, or a list of them (`[chips, chips]`)."""
    return isinstance(t, ModuleT) or isinstance(t, ListT) and isinstance(t.elem, ModuleT)


def _names_read(module: n.Module) -> set[str]:
    """Every name `module` reads (a superset of those read as an import): each bare name in an expression (the
    base of `lib.k` too), the first name of each `extends` (a part's type, `chip g: H100 x 8`, is one)."""
    names: set[str] = set()
    stack: list = list(module.statements)
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, n.Block):
            if stmt.base:
                names.add(stmt.base[0])
            stack.extend(stmt.body)
            expr = stmt.count
        else:
            expr = stmt.expr if isinstance(stmt, n.Assert) else getattr(stmt, "value", None)
        if isinstance(stmt, n.Import) or expr is None:
            continue
        for e in every_expression(expr):
            if isinstance(e, n.Name):
                names.add(e.ident)
    return names


def check_unused_imports(program, sink: Sink) -> None:
    """`unused-import` (a warning) at each name imported into a spec file (not the stdlib) that nothing reads:
    not the file itself (`_names_read`, which counts a name read inside a block that has a member of that name
    as read: never a false warning), nor another file importing it by name from this one. A file another imports
    whole (`import "./lib.factory" as lib`, `*`) may pass any of its imports on: none is reported there. A lint of a
    program without errors: next to an error (a cycle of imports, a name read where the error is) it is noise."""
    re_exported: dict[str, set[str]] = {}     # module path -> names other files import from it
    whole: set[str] = set()                  # modules imported whole by some file
    for module in program.modules.values():
        for stmt in module.statements:
            if isinstance(stmt, n.Import):
                target = program.imported(module, stmt)
                if target is None:
                    continue
                if stmt.names is None:
                    whole.add(target.path)
                else:
                    re_exported.setdefault(target.path, set()).update(name for name, _span in stmt.names)
    if sink.has_errors():
        return
    for module in program.modules.values():
        if module.is_stdlib or module.path in whole:
            continue
        imports = [s for s in module.statements if isinstance(s, n.Import) and not s.star]
        if not imports:
            continue
        read = _names_read(module) | re_exported.get(module.path, set())
        for stmt in imports:
            if program.imported(module, stmt) is None:
                continue                      # (import-not-found said why)
            if stmt.names is not None:
                for name, span in stmt.names:
                    if name not in read:
                        sink.warning(Code.UNUSED_IMPORT, f"`{name}` is imported but never used", span,
                                     help="remove it from the import")
            else:
                alias = import_alias(stmt)
                if alias not in read:
                    sink.warning(Code.UNUSED_IMPORT, f"`{alias}` is imported but never used", stmt.module_span,
                                 help="remove the import")


PLACED_KINDS = ("hall", "row", "rack", "server")     # the facility levels a site places


def check_unplaced_blocks(program, sink: Sink) -> None:
    """`unplaced-block` (a warning) at each hall, row, rack or server defined at the top of a spec file (not the
    stdlib) that has a site, when no file places it (`rack r: it`), extends it or reads its name (`_names_read`),
    nor imports it from this one: a plan is its sites (`compiler.plan_totals.top_level`), so the report, the
    diagrams and the totals leave such a block out, while eval lists its figures (`hall extra {...}` written
    beside the site instead of in it). A file another imports whole is a library: none is reported there. A lint
    of a program without errors, as `check_unused_imports`."""
    if sink.has_errors():
        return
    read: set[str] = set()
    whole: set[str] = set()
    for module in program.modules.values():
        read |= _names_read(module)
        for stmt in module.statements:
            if isinstance(stmt, n.Import):
                target = program.imported(module, stmt)
                if target is not None and stmt.names is None:
                    whole.add(target.path)
                elif target is not None:
                    read.update(name for name, _span in stmt.names)

    def level(block: n.Block) -> str:
        return canonical_kind_name(block.kind)

    for module in program.modules.values():
        blocks = [s for s in module.statements if isinstance(s, n.Block)]
        if module.is_stdlib or module.path in whole or not any(level(b) == "site" for b in blocks):
            continue
        for block in blocks:
            if level(block) in PLACED_KINDS and block.name not in read:
                sink.warning(Code.UNPLACED_BLOCK, f"{level(block)} `{block.name}` is defined but nothing places it: "
                             "the plan is the spec's sites, so its report, diagrams and totals leave it out",
                             block.name_span, help=f"place it in a site (`{level(block)} a: {block.name}`), or "
                                                   "remove it")


def check_field_ranges(checker: _Checker, program, overridden: set[str], sink: Sink) -> None:
    """Every field whose value is a constant lies in the range its type declares (`schema.RANGES`).

    Reported at the value's span: `efficiency = 96` (with a hint for a percentage), `tdp = -700 W`.
    A value that reads a parameter given by `-D` is not a constant here, and neither is a sweep; the
    compiler checks those per scenario (`compiler/checks.py`)."""
    if overridden:              # constants are folded again, with the overridden parameters unknown
        checker._values = {}
        for module in program.entries:
            for stmt in module.statements:
                if isinstance(stmt, n.Param) and stmt.name in overridden:
                    checker._values[(id(stmt), id(None))] = None

    for module in program.modules.values():
        for stmt in module.statements:
            if isinstance(stmt, n.Block):
                _check_field_ranges_in(checker, stmt, module, sink)


def _check_field_ranges_in(checker: _Checker, block: n.Block, module: n.Module, sink: Sink) -> None:
    """`check_field_ranges` in `block` and the blocks it nests (a function of its own, not a closure: a recursive
    closure holds itself, and the checker, in a reference cycle that only Python's cyclic collector frees)."""
    spec = kind_spec(block.kind)
    for stmt in block.body:
        if isinstance(stmt, n.Block):
            _check_field_ranges_in(checker, stmt, module, sink)
        elif isinstance(stmt, n.Field) and spec is not None and stmt.name in spec.fields:
            _check_field_range(checker, stmt, spec.fields[stmt.name], block, module, sink)
    if spec is not None and "cooling" in spec.fields and "liquid_fraction" in spec.fields:
        _check_cooling_agrees(checker, block, sink)


def _cooling_of(checker: _Checker, block: n.Block) -> tuple[str | None, float | None, Members]:
    """(`cooling`, `liquid_fraction`) of a block after inheritance, each None unless a constant; and its members."""
    members = checker.scopes.members(block)
    cooling, fraction = members.values.get("cooling"), members.values.get("liquid_fraction")
    mode = cooling.value.value if isinstance(cooling, n.Field) and isinstance(cooling.value, n.String) else None
    value = None
    if isinstance(fraction, n.Field):
        owner = members.owner.get("liquid_fraction")
        value = checker.member_const(fraction, owner, owner.module)
        value = value if isinstance(value, float) and 0 <= value <= 1 else None  # (out of range: reported)
    return mode, value, members


def _check_cooling_agrees(checker: _Checker, block: n.Block, sink: Sink) -> None:
    """`invalid-value` where a block's `cooling` and `liquid_fraction` (after inheritance, both constants)
    contradict each other: an air-cooled server or rack puts no heat into liquid (`liquid_fraction` 0), a liquid or
    hybrid one some (above 0); and where an air-cooled rack (either says so) places servers that put heat into
    liquid (their cold plates' heat goes to the rack's loop; the other way is fine: a rear-door heat exchanger
    takes air-cooled servers' heat to liquid). Reported at the one of the two this block writes (the fraction when
    it writes both), so a base's contradiction is reported once, at the base. Values that are not constants are
    not checked here."""
    mode, value, members = _cooling_of(checker, block)
    written = [members.values[name] for name in ("liquid_fraction", "cooling")
               if members.owner.get(name) is block and isinstance(members.values.get(name), n.Field)]
    if not written:
        return
    if mode is not None and value is not None and (mode == "air") != (value == 0):
        at = written[0]
        other = members.values["cooling" if at.name == "liquid_fraction" else "liquid_fraction"]
        why = ("an air-cooled " + block.kind + " puts no heat into liquid" if mode == "air"
               else f"a {mode}-cooled {block.kind} puts some of its heat into liquid")
        sink.error(Code.INVALID_VALUE, f"`liquid_fraction` of {block.kind} `{block.name}` is {value:g}, but its "
                   f"`cooling` is \"{mode}\": {why}", at.value.span,
                   related=[Related(other.value.span, f"`{other.name}` is set here")],
                   help='set `liquid_fraction = 0` with `cooling = "air"`, or choose "liquid" or "hybrid"'
                   if mode == "air" else 'an air-cooled block is `cooling = "air"`; or give the share that goes '
                   'to liquid')
        return
    if canonical_kind_name(block.kind) != "rack" or not (value == 0 or (value is None and mode == "air")):
        return
    for part in members.values.values():
        if not isinstance(part, n.Block) or canonical_kind_name(part.kind) != "server":
            continue
        part_mode, part_value, _ = _cooling_of(checker, part)
        liquid = part_value > 0 if part_value is not None else part_mode in ("liquid", "hybrid")
        if liquid:
            said = "`liquid_fraction` is 0" if value == 0 else '`cooling` is "air"'
            says = "liquid_fraction" if value == 0 else "cooling"       # the field that makes the rack air-cooled
            at = next((f for f in written if f.name == says), written[0])
            sink.error(Code.INVALID_VALUE, f"rack `{block.name}` puts no heat into liquid ({said}), but its server "
                       f"`{part.name}` is {part_mode or 'liquid'}-cooled and puts "
                       f"{'some' if part_value is None else f'{part_value:g}'} of its heat into liquid",
                       at.value.span, related=[Related(part.name_span, f"`{part.name}` is placed here")],
                       help='the rack carries its servers\' liquid heat: `cooling = "liquid"` or "hybrid", '
                       "with the rack's `liquid_fraction` (or leave it unset: the sum over its servers)")
            return


def _check_field_range(checker: _Checker, stmt: n.Field, fspec: FieldSpec, block: n.Block, module, sink) -> None:
    rng = field_range(fspec)
    expected, actual = field_type(fspec), checker.inferred.get(id(stmt))
    if rng is None or not (isinstance(expected, QType) and isinstance(actual, QType)) \
            or expected.dim != actual.dim or expected.point != actual.point:
        return      # a type error, reported by `conform`
    value = checker.member_const(stmt, block, module)
    if not isinstance(value, float) or not math.isfinite(value) or rng.contains(value):
        return
    scale, unit = field_unit(fspec)

    def fmt(v: float) -> str:
        return f"{v / scale:g} {unit}" if unit else f"{v:g}"

    hint = None
    shown = fmt(value)
    percent = isinstance(stmt.value, n.Quantity) and stmt.value.unit == "%"
    if percent and not unit:
        shown += f" ({stmt.value.text} %)"       # as written: `100.1 %` is 1.001 of the whole
    if getattr(fspec.kind, "number", "") in ("fraction", "efficiency") and 1 < value <= 100 and not percent:
        hint = f"did you mean {value / 100:g} or {value:g} %?"
    elif rng.integral and value >= 0 and value != int(value) and value <= rng.hi:
        hint = "round it: `ceil(...)`, `floor(...)` or `round(...)`"
    sink.error(Code.OUT_OF_RANGE, f"`{stmt.name}` of {block.kind} `{block.name}` must be {rng.describe(fmt)}; "
               f"this is {shown}", stmt.value.span, help=hint)


def field_unit(fspec: FieldSpec) -> tuple[float, str]:
    """(SI value of one unit, unit name) a field's values are shown in: its declared unit (`W`, `USD/kWh`);
    K for a temperature point (its range starts at absolute zero); none for a plain number."""
    fkind = fspec.kind
    if not isinstance(fkind, QuantityKind) or fkind.number:
        return 1.0, ""
    return fkind.scale, fkind.display


class VaryValue(str):
    """A command-line value given by `optimize --vary` (a plain str is a `-D`'s): its pseudo-source and its messages
    name the flag the user typed (`--vary halls`), one of dsl.diagnostics.COMMAND_LINE_FLAGS."""
    flag = "--vary"


def _check_defines(checker: _Checker, program, defines: dict[str, str], sink: Sink) -> dict:
    """`-D name=value`: each names a param of an entry file; the value parses as an expression or range. A value
    `--vary` gave (VaryValue) is named by that flag in its place and messages."""
    from .parser import parse
    from .source import Source

    params: dict[str, tuple[n.Param, n.Module]] = {}
    for module in program.entries:
        for stmt in module.statements:
            if isinstance(stmt, n.Param):
                params.setdefault(stmt.name, (stmt, module))
    out: dict = {}
    for name, text in defines.items():
        flag = getattr(text, "flag", DEFINE_SOURCE_PREFIX.strip())
        source = Source(f"{flag} {name}", f"param {name} = {text}\n")
        sink.add_source(source)
        if name not in params:
            imported = [stmt for module in program.modules.values() if module not in program.entries
                        for stmt in module.statements if isinstance(stmt, n.Param) and stmt.name == name]
            if imported:
                sink.error(Code.UNKNOWN_PARAMETER, f"`{flag} {name}` names no parameter of the spec",
                           source.span(6, 6 + len(name)),
                           related=[Related(imported[0].name_span, f"`{name}` is declared here")],
                           help=f"`{name}` is a parameter of an imported file; {flag} sets only the parameters of "
                                "the file it checks")
                continue
            sink.error(Code.UNKNOWN_PARAMETER, f"`{flag} {name}` names no parameter of the spec",
                       source.span(6, 6 + len(name)),
                       help=did_you_mean(name, params) or ("parameters: " + ", ".join(sorted(params))
                                                          if params else "the spec declares no parameters"))
            continue
        scratch = Sink()
        scratch.add_source(source)
        parsed = parse(source, scratch)
        if parsed is not None and scratch.has_errors() and len(parsed.statements) == 1:
            for diag in scratch.errors:         # parsed, with an error at its span (`-D n=1__0`)
                sink.report(diag)
            continue
        if parsed is None or len(parsed.statements) != 1 or not isinstance(parsed.statements[0], n.Param):
            sink.error(Code.INVALID_DEFINE, f"`{flag} {name}={text}` is not a value: write a number with its unit, a "
                       "list [a, b] or a range a..b step s", source.span(0, len(source.text.rstrip())),
                       notes=[d.message for d in scratch.items])
            continue
        stmt = parsed.statements[0]
        param, module = params[name]
        value = stmt.value
        if not checker.sweep_literals(value) or checker.empty_sweep(value) or checker.text_sweep(value):
            continue
        new_t = checker.range(value, module) if isinstance(value, n.RangeExpr) else checker.expr(value, None, module)
        before = len(sink.errors)
        if new_t is not None and not isinstance(value, n.RangeExpr):
            checker.const(value, None, module)      # `-D x=1e999`: refused at its span, as in a file
        if len(sink.errors) > before:
            continue
        if isinstance(new_t, ListT):
            new_t = new_t.elem
        old_t = checker.member_type(param, None, module)
        if new_t is None and old_t == TEXT and isinstance(value, n.Name):    # the shell ate the quotes
            for diag in sink.items:
                if diag.code == Code.UNKNOWN_NAME and diag.span == value.span and diag.help is None:
                    diag.help = f"the parameter is text: quote it, -D '{name}=\"{value.ident}\"'"
        if new_t is not None and old_t is not None and not same(new_t, old_t):
            sink.error(Code.UNIT_MISMATCH, f"`{flag} {name}` gives {_with_unit(new_t, value)}, but the parameter is "
                       f"{_with_unit(old_t, _declared_literal(param.value))}", value.span,
                       related=[Related(param.name_span, f"`{name}` is declared here")])
            continue
        out[name] = value
    return out
