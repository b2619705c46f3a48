"""Physical models: the formulas behind the `output` fields of each block kind.

Pipeline position: read by `compiler.lower` (which adds one graph node per output an instance does not
set itself) and run by `compiler.evaluate` (which hands each formula a `Context`). Imports numpy and
`dsl.schema`; never imports `compiler.evaluate` (the context is its only window on the graph).

A model is a function registered with `@output(kind, name, formula, reads=...)`. `formula` is the
human-readable formula `factory explain` prints; the function computes it from the context:

    ctx.get(name, default)      a member's value (SI array); `default` may be an `Assumption`
    ctx.is_set(name)            the spec (or a definition it extends) sets this field
    ctx.has(name)               the block has this member, given or computed (one whose evaluation failed for an
                                error is had: reading it makes the reader absent with the error's reason, so a
                                sum over the parts is never computed without one; one not applicable is not had)
    ctx.text(name, default)     a text or choice field
    ctx.inherited(name, default) the field on this block or its nearest ancestor that sets it
    ctx.parts(*kinds)           direct parts of those kinds: each is a Context with `.count` (per parent)
    ctx.ref(name)               the definition a `ref:` field names, as a Context
    ctx.not_applicable()        this output does not apply to the block: leave it out, silently

Every value is a float64 array over the scenario axis (length 1 or N). A spec overrides any output by
setting the field; the model for it is then not used at all.

What a model reads is declared, in the model's own terms (`Read`, docs/graph.md "Model ops"): `reads=` on
`output`, else its entry in `compiler.models.reads.READS`. `compiler.ir` expands the declaration per placed
block into the node's static inputs; tests/test_model_reads.py checks on every example and golden case that
a model reads nothing it does not declare. A declaration naming a kind, field or reference the schema does
not have is a ValueError when it is first bound (`declared_reads`), naming the output. `*` in place of the
kind of a `parts:`/`all:` step (`ref:system.parts:*.count`) stands for every kind the schema lets that step
reach, one read each (`expand_read`). An output without a declaration is `dynamic`: its inputs are read
while it runs (none is left today).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from dsl.schema import QuantityKind, Range, RefKind, kind as kind_spec, kinds as all_kinds
from dsl.units import si_unit
from dsl.diagnostics import Code
from dsl.check import a_kind


# The values an assumption's formula holds for (`Assumption.range`): a spec's `let` outside is refused.
UNIT_FRACTION = Range(0.0, 1.0, lo_open=True)    # an achieved fraction of a peak: (0, 1]
SHARE = Range(0.0, 1.0)                          # a share of a whole: [0, 1]
RESERVE = Range(0.0, 1.0, hi_open=True)          # a share kept back, never all of it: [0, 1)
NON_NEGATIVE = Range(0.0)                        # a time, a price, an energy, a spread: >= 0
POSITIVE = Range(0.0, lo_open=True)              # a rate or a property of matter: > 0
ABOVE_ONE = Range(1.0, lo_open=True)             # a ratio above one: > 1
AT_LEAST_ONE = Range(1.0, 2.0 ** 53, integral=True)   # a whole number of steps, beams or chips: 1, 2, ...
WHOLE_NUMBER = Range(0.0, 2.0 ** 53, integral=True)   # a count that may be none: 0, 1, 2, ...
SWITCH = Range(0.0, 1.0, integral=True)          # off (0) or on (1)


@dataclass(frozen=True)
class Assumption:
    """A default figure a model uses when the spec does not give one: value in SI, with its source.

    `range`: the values the model's formula holds for (SI), where a spec may give its own figure with a `let`
    of the assumption's name (`let first_token_delay = 0.5`): a `let` outside it is an `out-of-range` error at
    its span (compiler.checks), as a schema field's range is. None: any finite value."""

    name: str
    value: float
    unit: str          # SI unit of `value` ("1" for a ratio)
    source: str        # where it comes from, with its confidence tag
    point: bool = False  # a temperature point (shown in degC), not a difference
    range: Range | None = None
    # the unit it is shown in where its value does not choose one (a zero rate: "0 1/yr", not "0 1/s"); "" for the
    # display ladder's choice
    shown: str = ""

    @property
    def display(self) -> str:
        """The display unit its graph node declares: "temp" for a temperature point, else `shown`."""
        return "temp" if self.point else self.shown


@dataclass(frozen=True)
class Option:
    """A figure a model reads from a spec's `let` where it has no default (a model's latent width, a chip's rate of
    exponentials): the model uses the `let` only where the block defines it. `range`: the values the formula holds
    for (SI); a `let` outside it is an `out-of-range` error at its span, as for an `Assumption`. `at_most`: the
    fields of the same block that bound it, the first the block has (a part of a whole: `fp4_bf16_params` of the
    active parameters, `dense_layers` of the layers); a `let` above it is an `out-of-range` error at its span."""

    name: str
    unit: str          # SI unit ("1" for a ratio or a count)
    range: Range
    meaning: str
    at_most: tuple[str, ...] = ()


@dataclass(frozen=True)
class Read:
    """One declared read of a model output, in the model's terms (`text`), parsed:

        tdp                          a member of the block itself (a field, a `let`, another output; `count`:
                                     its own multiplicity)
        up:utilization               the member on the block and on each block it is in (`ctx.inherited`,
                                     `ctx.parent`); `up:` may lead any form below
        parts:server.max_power       the member of each direct part of that kind (`parts:server.count`: their
                                     multiplicities, declared where the model reads them)
        all:chip.tdp                 the member of each part of that kind at any depth
        parts:*.count, all:*.count   `*` for the kind: the read once per kind the step can reach in the schema
                                     (`parts:*` the kinds the block may hold directly, `all:*` at any depth),
                                     sorted (`expand_read`); not after `up:` or `parent`
        ref:chip.tdp                 the reference field `chip` and the member of the definition it names
        parent.parts:pdu.capacity    the block it is in (steps chain: `ref:rack.all:chip.tdp`)
        set:ep                       (as the member) only where the spec sets it, not where a model computes it
                                     (`ctx.is_set`: the outputs of one solve read each other only when given)
        let:serving_efficiency       (as the member) a `let` the block may define: not a schema field

    `steps` are (op, argument) pairs, op one of parts, all, ref, parent; `unit` the SI unit of the member's
    schema field where the kind it is read on is known ("" for text, references and choices), None where not
    (after `up:` or `parent`, which reach blocks of any kind)."""

    text: str
    up: bool
    steps: tuple
    member: str
    unit: str | None
    set_only: bool = False
    here: "Read | None" = None      # an `up:` read as read on one block (without `up:`)


@dataclass(frozen=True)
class Output:
    kind: str
    name: str
    formula: str
    compute: Callable
    declared: tuple | None = None   # the declared reads as written (`Read` forms); None: a dynamic op

    def reads(self) -> tuple | None:
        """The declaration parsed (`declared_reads`)."""
        return declared_reads(self)

    def reads_split(self) -> tuple:
        """The declaration for binding: (the `Read`s that stay inside the block: its members and its parts'
        members; the others: `up:`, `ref:`, `parent`)."""
        found = _SPLIT.get((self.kind, self.name))
        if found is None:
            reads = declared_reads(self) or ()
            stays = [not r.up and all(op in ("parts", "all") for op, _ in r.steps) for r in reads]
            found = _SPLIT[(self.kind, self.name)] = (tuple(r for r, s in zip(reads, stays) if s),
                                                      tuple(r for r, s in zip(reads, stays) if not s))
        return found


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


def left_over(total, parts):
    """total - parts, where both are sums of the same placed figures taken in different orders (a site's IT
    power and its halls', a peak and its buckets): a remainder within 1e-9 of the total is that round-off and
    is 0, so that it neither reads as a negative power (an error) nor sizes a spare unit for 1e-11 W."""
    rest = total - parts
    return rest * (abs(rest) > 1e-9 * abs(total))


def priced_system_above(part):
    """The server or rack above `part` priced as a whole (its price holds the part), else None."""
    level = part.parent
    while level is not None:
        if level.kind in ("server", "rack") and level.is_set("price"):
            return level
        level = level.parent
    return None


def _counted_as_zero(ev, figure: str, part) -> None:
    """Keep `part` (once) among the parts without a price that `figure` counts as $0 (`unpriced_parts`)."""
    parts = ev.unpriced.setdefault(figure, [])
    if not any(p.inst is part.inst for p in parts):
        parts.append(part)


def _unpriced_warnings_at(sink, spans) -> list:
    """The `unpriced` warnings in `sink` at any of `spans` (a part's warning is found by its block's name span)."""
    return [diag for diag in sink.items if diag.code == Code.UNPRICED and diag.span in spans]


def warn_unpriced(part, figure: str, note: str | None = None, where=None) -> None:
    """An `unpriced` warning at the part's span: it counts $0, so `figure` (a dotted output path) and the
    capex rolled up from it are incomplete (`note` says so otherwise). Nothing when a server or rack holding
    it is priced as a whole (its price covers the part). One warning per part of a definition; each figure it
    affects is a note. The evaluator keeps, per figure, the parts it counts as $0 (`unpriced_parts`). `where`: the
    scenarios the part is counted in (a bool array; None: all), named as `Diagnostic.scenarios` (the union over
    the figures that count it), so that a sweep warns where its runs alone do."""
    if priced_system_above(part) is not None:
        return
    _counted_as_zero(part.ev, figure, part)
    inst = part.inst
    sink = part.ev.sink
    message = f"{inst.kind} `{inst.block.name}` has no price: it counts as $0 in the capex that includes it"
    note = note or f"`{figure}` is incomplete (and every capex rolled up from it)"
    scenarios = _scenarios_where(where)
    for diag in _unpriced_warnings_at(sink, {inst.block.name_span}):
        if diag.message == message:
            if note not in diag.notes and len(diag.notes) < 8:
                diag.notes.append(note)
            if figure not in diag.quantities:
                diag.quantities.append(figure)
            if diag.scenarios is not None:      # where it holds: the union (None, every scenario, absorbs)
                diag.scenarios = None if scenarios is None else sorted({*diag.scenarios, *scenarios})
            return
    sink.warning(Code.UNPRICED, message, inst.block.name_span, notes=[note], quantities=[figure],
                 help=f"set `price = ...` on `{inst.block.name}` (or on its definition), or price the system it is in",
                 scenarios=scenarios)


def name_unpriced_part(ev, parts, quantity: str) -> None:
    """Add `quantity` (a term of a figure: `<block>.detail.capex_power_switchgear`) to the `unpriced` warnings of
    `parts` (parts `warn_unpriced` counted as $0 in that term), so the term is flagged where it is shown, as its
    figure is, and no term that counts no unpriced part is."""
    spans = {part.inst.block.name_span for part in parts}
    for diag in _unpriced_warnings_at(ev.sink, spans):
        if quantity not in diag.quantities:
            diag.quantities.append(quantity)


def _scenarios_where(where) -> list[int] | None:
    """`Diagnostic.scenarios` of a warning that holds where `where` (a bool array over the scenarios) is true:
    None where it holds in every scenario (or `where` is None or one value)."""
    if where is None:
        return None
    import numpy as np

    mask = np.asarray(where, dtype=bool).reshape(-1)
    if mask.size <= 1 or mask.all():
        return None
    return [int(i) for i in np.flatnonzero(mask)]


def warn_unpriced_field(ctx, field: str, figure: str, what: str, where=None) -> None:
    """An `unpriced` warning at the block's span: it gives no `field` (a price with no default figure, `what` it
    prices), so that cost counts as $0 in `figure` (a dotted output path) and every capex rolled up from it.
    `where`: the scenarios the cost is incurred in (a bool array; None: all), named as `Diagnostic.scenarios`, so
    that a sweep warns where its runs alone do."""
    _counted_as_zero(ctx.ev, figure, ctx)
    inst = ctx.inst
    ctx.ev.sink.warning(Code.UNPRICED, f"{inst.kind} `{inst.block.name}` gives no `{field}`: {what} counts as $0 in "
                        f"`{figure}`", inst.block.name_span,
                        notes=[f"`{figure}` is incomplete (and every capex rolled up from it)"], quantities=[figure],
                        help=f"set `{field} = ...` on `{inst.block.name}` (`{field} = 0 USD` where it truly costs "
                             "nothing)", scenarios=_scenarios_where(where))


def unpriced_parts(ctx, figure_name: str = "capex_it") -> list:
    """The parts without a price that the `figure_name` of `ctx` and of the blocks inside it count as $0
    (those `warn_unpriced` reported: read `ctx`'s figure first, which evaluates the ones inside)."""
    inside = ctx.path + "."
    found = []
    for figure, parts in sorted(ctx.ev.unpriced.items()):
        if figure.startswith(inside) and figure.endswith("." + figure_name):
            found += [p for p in parts if not any(f.inst is p.inst for f in found)]
    return found


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


def output(kind: str, name: str, formula: str, reads=None):
    """Register `fn(ctx) -> array` as the model of `kind.name` (a schema field marked `output`). `reads`: what
    it reads (`Read` forms); default its entry in `compiler.models.reads.READS`."""
    spec = kind_spec(kind)
    if spec is None or name not in spec.fields or not spec.fields[name].output:
        raise ValueError(f"{kind}.{name} is not an output field in dsl/schema.py")
    from .reads import READS
    if reads is None:
        reads = READS.get(f"{spec.name}.{name}")
    elif f"{spec.name}.{name}" in READS:
        raise ValueError(f"{spec.name}.{name} declares its reads twice: on its output and in compiler/models/reads.py")
    declared = None if reads is None else tuple(reads)

    def register(fn):
        _REGISTRY.setdefault(spec.name, {})[name] = Output(spec.name, name, formula, fn, declared)
        return fn
    return register


class _Failed:
    def __init__(self, exc: BaseException):
        self.exc = exc


def cached(ctx, kind: str, solve, shared: bool = False) -> dict[str, np.ndarray]:
    """Solve once per block and evaluation (`kind` names what is solved: a workload's inference or training,
    the load a gear placement carries); every output reads from it. The quantities the solve read are
    re-read (memoized, so free) by each output, so `factory explain` shows every output's real inputs.
    `shared`: the reader records the solve's key in their place (`solved_through`)."""
    memo = ctx.ev.model_memo          # owned by the evaluation: nothing outlives it
    key = (kind, ctx.path)
    reading = getattr(ctx.ev, "reading", None)
    if key not in memo:
        read: list[str] = []            # what the solve reads, in a frame of its own: also where no node is being
        if reading is not None:         # computed (a check reading the solve), so the next output re-reads it all
            reading.append(read)
        try:
            memo[key] = (solve(ctx), read)
        except Exception as exc:  # noqa: BLE001 - re-raised for every output that reads it
            memo[key] = (_Failed(exc), read)
        finally:
            read[:] = dict.fromkeys(read)   # each read once: a hit replays them (a site's gear reads each hall's
            if reading is not None:         # figures many times over)
                reading.pop()
                if reading and not shared:
                    reading[-1].extend(read)
    elif not shared:
        solves = ctx.ev.graph.solves
        for path in memo[key][1]:
            if path in solves:          # a solve read inside this one, held once (`solved_through`): its key, as
                if reading:             # the first reader recorded it (node_value knows no such path)
                    reading[-1].append(path)
                continue
            try:
                ctx.ev.node_value(path)
            except Exception:  # noqa: BLE001 - a failed input was already reported
                pass
    if shared and reading:
        from ..graph import solve_key
        held = solve_key(ctx.path, kind)
        ctx.ev.graph.solves[held] = memo[key][1]
        reading[-1].append(held)
    value = memo[key][0]
    if isinstance(value, _Failed):
        raise value.exc
    return value


def solved_through(block, kind: str, solve):
    """The solve `kind` of `block` (`cached`), its reads held once: the reader records the solve's key
    (`graph.solve_key`), which `Graph.solves` maps to what the solve read, in place of every quantity the solve
    read. A site's n halls each take their share of a solve that reads all n halls (cost.metered_changes): each
    hall replaying it recorded ~n reads, n^2 in all, in `Node.deps` and the evaluation (s23-scale). What a reader
    depends on is the same as when it replayed them (`graph.expand_reads`: the flags, `explain`, a sweep's
    constants, the absent and refused reads follow the solve's reads, and nothing else of `block`: s23-scale read
    it through the site's metered figure, whose own flags and failures then reached every hall, s24-scale). A
    memo that lends a value whose reads kept theirs (the editor's versions, a sweep's chunks) keeps the key where
    it keeps every read of the solve, and lends a value read from it where those are the same
    (`compiler.memo.Round._solve_kept`)."""
    return cached(block, kind, solve, shared=True)


_PARSED: dict[tuple[str, str], tuple] = {}
_SPLIT: dict[tuple[str, str], tuple] = {}


def declared_reads(out: Output) -> tuple | None:
    """The parsed declaration of an output (`Read`s), None for a dynamic op. Parsed when first bound, not
    at import (a process that checks a spec without binding it parses none): a kind, reference or field
    the schema does not have is a ValueError then, naming the output; tests/test_model_reads.py parses
    every declaration."""
    if out.declared is None:
        return None
    key = (out.kind, out.name)
    found = _PARSED.get(key)
    if found is None:
        found = _PARSED[key] = parse_reads(out.kind, out.name, out.declared)
    return found


def declared_members() -> frozenset:
    """Every member name a declaration names (the name after its last step, without `set:` or `let:`), from
    the texts as written: what binding must tell apart in a block's layout (`compiler.ir._Binder.layout`)."""
    _load()
    names = set()
    for outputs in _REGISTRY.values():
        for out in outputs.values():
            for text in out.declared or ():
                member = text.rsplit(".", 1)[-1].rsplit(":", 1)[-1]
                names.add(member)
    return frozenset(names)


_STEPS = ("parts", "all", "ref")


def parse_reads(kind: str, output_name: str, texts) -> tuple:
    """A declaration of `kind.output_name` parsed: each read with `*` expanded (`expand_read`), then each read
    parsed (`parse_read`). A declaration that uses `*` is its expanded reads, without repeats, sorted as
    compiler/models/reads.py sorts its entries; one without `*` keeps its order. A read parsed on a kind is
    parsed once (the shared tuples of reads.py are in many outputs' declarations)."""
    if not any("*" in text for text in texts):
        return tuple(_parsed_once(kind, output_name, text, text) for text in texts)
    written = {}                                   # each read -> the read as written (with `*`, where it has one)
    for text in texts:
        for one in expand_read(kind, output_name, text):
            written.setdefault(one, text)
    return tuple(_parsed_once(kind, output_name, one, written[one]) for one in sorted(written))


_READ_ON: dict[tuple[str, str], Read] = {}      # (kind, read) -> the read parsed on that kind


def _parsed_once(kind: str, output_name: str, text: str, written: str) -> Read:
    found = _READ_ON.get((kind, text))
    if found is None:                              # (a read the schema does not have raises, naming this output)
        found = _READ_ON[(kind, text)] = parse_read(kind, output_name, text, written)
    return found


def parse_read(kind: str, output_name: str, text: str, written: str | None = None) -> Read:
    """A declared read of `kind.output_name`, checked against the schema: a kind, field or reference it does
    not have is a ValueError naming the output and the read (`written`: the read with `*` it comes from, as
    the declaration writes it, named as well)."""
    def fail(why: str):
        where = f"`{text}`" if written in (None, text) else f"`{written}` (as `{text}`)"
        raise ValueError(f"model output {kind}.{output_name}: declared read {where}: {why}")

    up = text.startswith("up:")
    segments = (text[3:] if up else text).split(".")
    member = segments[-1]
    steps = []
    current = None if up else kind_spec(kind)           # the kind the next segment is read on (None: any)
    for segment in segments[:-1]:
        step, current = _step(current, segment, fail)
        steps.append(step)
    set_only = member.startswith("set:")
    if set_only:
        member = member[4:]
    if member.startswith("let:"):          # a `let` the block may define (stdlib: `let serving_efficiency`)
        member = member[4:]
        if not member.isidentifier():
            fail("`let:` must be followed by a name")
        unit = None
    elif not member.isidentifier():
        fail("it must end with a member name")
    elif member == "count":
        unit = "1" if current is not None else None
    elif current is not None:
        fspec = current.fields.get(member)
        if fspec is None:
            fail(f"{current.name} has no field `{member}`")
        unit = _si_unit(fspec)
    else:
        if not any(member in k.fields for k in all_kinds().values()):
            fail(f"no kind has a field `{member}`")
        unit = None
    return Read(text, up, tuple(steps), member, unit, set_only,
                Read(text[3:], False, tuple(steps), member, unit, set_only) if up else None)


def _step(current, segment: str, fail) -> tuple:
    """One step of a read (`parts:KIND`, `all:KIND`, `ref:FIELD`, `parent`) taken from `current` (a KindSpec;
    None: a block of any kind): (the step as (op, argument), the kind it reaches or None)."""
    op, _, arg = segment.partition(":")
    if segment == "parent":
        return ("parent", ""), None
    if op not in _STEPS or not arg:
        fail(f"`{segment}` is not a step (parts:KIND, all:KIND, ref:FIELD, parent)")
    if op == "ref":
        if current is None:
            return ("ref", arg), None
        fspec = current.fields.get(arg)
        if fspec is None or not isinstance(fspec.kind, RefKind):
            fail(f"{current.name} has no reference field `{arg}`")
        return ("ref", arg), kind_spec(fspec.kind.kind)
    target = kind_spec(arg)
    if target is None:
        fail(f"no kind `{arg}`")
    if current is not None and target.name not in (current.contains if op == "parts" else _reachable(current.name)):
        fail(f"{a_kind(current.name)} cannot hold {a_kind(target.name)}" + (" directly" if op == "parts" else ""))
    return (op, target.name), target


def expand_read(kind: str, output_name: str, text: str) -> tuple[str, ...]:
    """A declared read with `*` for the kind of a `parts:`/`all:` step, as the reads it stands for: the read
    once per kind that step can reach in the schema (`parts:*`: each kind the block may hold directly, its
    `contains`; `all:*`: each kind it may hold at any depth), sorted by kind; `ref:system.parts:*.count` on
    an inference is `ref:system.parts:chip.count`, `ref:system.parts:cpu.count`, ... (a server holds chip,
    cpu, dpu, memory, nic, storage, switch). A read without `*` is itself. `parse_reads` parses each read it
    stands for as any other: a path or member that one of those kinds does not have is a ValueError naming
    the output and the read as written, so `*` is for a member every such kind has. `*` needs the kind it is
    read on: not after `up:` or `parent` (blocks of any kind). A step before the `*` that the schema does not
    have is a ValueError here."""
    if "*" not in text:
        return (text,)

    def fail(why: str):
        raise ValueError(f"model output {kind}.{output_name}: declared read `{text}`: {why}")

    up = text.startswith("up:")
    segments = (text[3:] if up else text).split(".")
    current = None if up else kind_spec(kind)
    for i, segment in enumerate(segments[:-1]):
        op, _, arg = segment.partition(":")
        if arg == "*" and op in ("parts", "all"):
            if current is None:
                fail("`*` needs the kind it is read on: not after `up:` or `parent`")
            reached = current.contains if op == "parts" else _reachable(current.name)
            if not reached:
                fail(f"{a_kind(current.name)} holds no parts: `{segment}` stands for nothing")
            texts = []
            for one in sorted(reached):
                one_text = ("up:" if up else "") + ".".join(segments[:i] + [f"{op}:{one}"] + segments[i + 1:])
                texts += expand_read(kind, output_name, one_text)
            return tuple(texts)
        _, current = _step(current, segment, fail)
    fail("`*` stands for the kind of a `parts:` or `all:` step (`parts:*`, `all:*`)")


def _reachable(kind: str) -> set[str]:
    """The kinds a block of `kind` may hold at any depth (the schema's `contains`, followed)."""
    found, work = set(), [kind]
    while work:
        spec = kind_spec(work.pop())
        for inner in spec.contains if spec is not None else ():
            if inner not in found:
                found.add(inner)
                work.append(inner)
    return found


def _si_unit(fspec) -> str:
    """The SI unit of a schema field's values ("1" for a plain number, "" for text, choices, references)."""
    if not isinstance(fspec.kind, QuantityKind):
        return ""
    return "1" if fspec.kind.number else si_unit(fspec.kind.dim)


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
_MODULE_ORDER = ("cost", "facility", "inference", "network", "power", "shares", "thermal", "totals", "training",
                 "workloads")


def _place(fn) -> tuple[int, int]:
    """Where a model function is defined: (its module's place in _MODULE_ORDER, its first line)."""
    module = getattr(fn, "__module__", "").rpartition(".")[2]
    code = getattr(fn, "__code__", None)
    where = _MODULE_ORDER.index(module) if module in _MODULE_ORDER else len(_MODULE_ORDER)
    return (where, code.co_firstlineno if code is not None else 0)


def declared(kind=None) -> list:
    """Every `Assumption` and `Option` (or those of `kind`) the model modules define, sorted by name: what a spec
    may give with a `let` of that name (compiler.checks) and what docs/models.md lists (compiler.models.docs)."""
    import inspect
    import sys

    _load()
    kind = kind or (Assumption, Option)
    found: dict[str, object] = {}
    for name, module in sorted(sys.modules.items()):
        if name.startswith("compiler.models.") and module is not None:
            for _, value in inspect.getmembers(module):
                if isinstance(value, kind):
                    found[value.name] = value
    return [found[name] for name in sorted(found)]


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from . import cost, facility, inference, network, power, shares, thermal, totals, training, workloads  # noqa: F401,E501  (registration by import)
        # A test or a tool may import one model module before the others, which registers its outputs first:
        # put every registry in one canonical order (module, then line) so the order never depends on that.
        for kind, outputs in _REGISTRY.items():
            _REGISTRY[kind] = dict(sorted(outputs.items(), key=lambda item: _place(item[1].compute)))
        _LIMITS.sort(key=lambda lim: _place(lim.measure))
        _RULES.sort(key=lambda r: _place(r.check))
        from .reads import READS
        stale = sorted(key for key in READS if key.rpartition(".")[2] not in _REGISTRY.get(key.rpartition(".")[0], {}))
        if stale:
            raise ValueError(f"compiler/models/reads.py declares reads of outputs no model has: {', '.join(stale)}")
