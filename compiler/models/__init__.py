"""Physical models: the formulas behind the `output` fields of each block kind.

Pipeline position: read by `compiler.lower` (which adds one graph node per output an instance does not
set itself) and run by `compiler.evaluate` (which hands each formula a `Context`). Imports numpy and
`dsl.schema`; never imports `compiler.evaluate` (the context is its only window on the graph).

A model is a function registered with `@output(kind, name, formula)`. `formula` is the human-readable
formula `factory explain` prints; the function computes it from the context:

    ctx.get(name, default)      a member's value (SI array); `default` may be an `Assumption`
    ctx.is_set(name)            the spec (or a definition it extends) sets this field
    ctx.text(name, default)     a text or choice field
    ctx.inherited(name, default) the field on this block or its nearest ancestor that sets it
    ctx.parts(*kinds)           direct parts of those kinds: each is a Context with `.count` (per parent)
    ctx.ref(name)               the definition a `ref:` field names, as a Context
    ctx.not_applicable()        this output does not apply to the block: leave it out, silently

Every value is a float64 array over the scenario axis (length 1 or N). A spec overrides any output by
setting the field; the model for it is then not used at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from dsl.schema import kind as kind_spec
from dsl.diagnostics import Code


@dataclass(frozen=True)
class Assumption:
    """A default figure a model uses when the spec does not give one: value in SI, with its source."""

    name: str
    value: float
    unit: str          # SI unit of `value` ("1" for a ratio)
    source: str        # where it comes from, with its confidence tag
    point: bool = False  # a temperature point (shown in degC), not a difference


@dataclass(frozen=True)
class Output:
    kind: str
    name: str
    formula: str
    compute: Callable


@dataclass(frozen=True)
class Limit:
    """A built-in check on one kind: `measure(ctx)` gives (left, right) arrays, or None when the spec
    gives no limit; it holds when left <= right and is reported with both values when it does not."""

    kind: str
    name: str
    measure: Callable
    left: str
    right: str
    message: str


def warn_unpriced(part, figure: str) -> None:
    """An `unpriced` warning at the part's span: it counts $0, so `figure` (a dotted output path) and the
    capex rolled up from it are incomplete. Nothing when a server or rack holding it is priced as a whole
    (its price covers the part). One warning per part of a definition; each figure it affects is a note."""
    level = part.parent
    while level is not None:
        if level.kind in ("server", "rack") and level.is_set("price"):
            return
        level = level.parent
    inst = part.inst
    sink = part.ev.sink
    message = f"{inst.kind} `{inst.block.name}` has no price: it counts as $0 in the capex that includes it"
    note = f"`{figure}` is incomplete (and every capex rolled up from it)"
    for diag in sink.items:
        if diag.code == Code.UNPRICED and diag.message == message and diag.span == inst.block.name_span:
            if note not in diag.notes and len(diag.notes) < 8:
                diag.notes.append(note)
            return
    sink.warning(Code.UNPRICED, message, inst.block.name_span, notes=[note],
                 help=f"set `price = ...` on `{inst.block.name}` (or on its definition), or price the system it is in")
@dataclass(frozen=True)
class Rule:
    """A built-in check of one kind that states its own findings: `check(ctx)` returns a list of
    (failing, message, notes), `failing` a bool array over the scenarios; each finding that fails anywhere is
    reported as an error with `code` at the block and listed as a failed check named `name`."""

    kind: str
    code: str
    name: str
    check: Callable


_REGISTRY: dict[str, dict[str, Output]] = {}
_LIMITS: list[Limit] = []
_RULES: list[Rule] = []


def output(kind: str, name: str, formula: str):
    """Register `fn(ctx) -> array` as the model of `kind.name` (a schema field marked `output`)."""
    spec = kind_spec(kind)
    if spec is None or name not in spec.fields or not spec.fields[name].output:
        raise ValueError(f"{kind}.{name} is not an output field in dsl/schema.py")

    def register(fn):
        _REGISTRY.setdefault(spec.name, {})[name] = Output(spec.name, name, formula, fn)
        return fn
    return register


def limit(kind: str, name: str, measure: Callable, left: str, right: str, message: str) -> None:
    _LIMITS.append(Limit(kind, name, measure, left, right, message))


def rule(kind: str, code: str, name: str):
    """Register `fn(ctx) -> [(failing, message, notes)] or None` as a check of every placed block of `kind`
    (None: the rule does not apply to that block; an empty list: it applies and holds)."""
    def register(fn):
        _RULES.append(Rule(kind_spec(kind).name, code, name, fn))
        return fn
    return register


def rules_for(kind: str) -> list[Rule]:
    _load()
    spec = kind_spec(kind)
    return [r for r in _RULES if spec is not None and r.kind == spec.name]


def outputs_for(kind: str) -> dict[str, Output]:
    _load()
    spec = kind_spec(kind)
    return _REGISTRY.get(spec.name, {}) if spec is not None else {}


def limits_for(kind: str) -> list[Limit]:
    _load()
    spec = kind_spec(kind)
    return [lim for lim in _LIMITS if spec is not None and lim.kind == spec.name]


_loaded = False
_MODULE_ORDER = ("cost", "facility", "inference", "network", "power", "thermal", "totals", "training", "workloads")


def _place(fn) -> tuple[int, int]:
    """Where a model function is defined: (its module's place in _MODULE_ORDER, its first line)."""
    module = getattr(fn, "__module__", "").rpartition(".")[2]
    code = getattr(fn, "__code__", None)
    where = _MODULE_ORDER.index(module) if module in _MODULE_ORDER else len(_MODULE_ORDER)
    return (where, code.co_firstlineno if code is not None else 0)


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from . import cost, facility, inference, network, power, thermal, totals, training, workloads  # noqa: F401  (registration by import)
        # A test or a tool may import one model module before the others, which registers its outputs first:
        # put every registry in one canonical order (module, then line) so the order never depends on that.
        for kind, outputs in _REGISTRY.items():
            _REGISTRY[kind] = dict(sorted(outputs.items(), key=lambda item: _place(item[1].compute)))
        _LIMITS.sort(key=lambda lim: _place(lim.measure))
        _RULES.sort(key=lambda r: _place(r.check))
