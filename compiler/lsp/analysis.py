"""What the language server knows about one version of one document: an index of names by position, and
the answers to the editor's questions (hover, definition, references, completion, symbols, inlay hints).

Pipeline position: over the front end (`dsl.check_text`) and, for values, the evaluator (`compiler`).
Imports `dsl` and `compiler` only; the protocol (positions 0-based, LSP types) is `compiler.lsp.server`'s
business, so everything here speaks in character offsets and `dsl.source.Span`s (1-based).

An `Analysis` is built from a document's text. It checks it (diagnostics), indexes every occurrence of a
name (bare names, attributes, `extends` bases, definition names) with the block and module it sits in,
and, on demand, evaluates the spec so hovers and inlay hints can show values (for a sweep: min and max
over the scenarios). Walks are iterative: expressions can be deep (`dsl.visit.every_expression`).
"""
from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass, field, replace

import dsl
from dsl import nodes as n
from dsl.diagnostics import Code, Sink
from dsl.resolve import import_alias
from dsl.schema import kind as kind_spec
from dsl.schema import kinds as all_kinds
from dsl.source import Source, Span
from dsl.visit import every_expression

VALUE_WAIT_S = 0.3     # how long a hover or inlay hint waits for an evaluation still running

# Occurrence roles
NAME, ATTR, BASE, DEFINITION, IMPORTED, MODULE = "name", "attr", "base", "definition", "imported", "module"
ALIAS = "alias"             # the name after `as` of a whole-module import (`c` of `import chips as c`)


@dataclass
class Occurrence:
    span: Span                    # the span of the name itself
    role: str                     # NAME | ATTR | BASE | DEFINITION | IMPORTED | MODULE | ALIAS
    node: object                  # the AST node (Name, Attr, Block, Field, Let, Param, Import)
    block: n.Block | None         # the block it sits in (None: module level)
    module: n.Module


@dataclass
class Symbol:
    name: str
    kind: str                     # block kind, "field", "let", "param"
    span: Span                    # the whole statement
    selection: Span               # its name
    children: list["Symbol"] = field(default_factory=list)


@dataclass
class Hint:
    offset: int                   # where the hint goes (end of the statement's line)
    label: str


# The headline figures a workload's code lens shows: (model output, label), the first explained by its command
LENS_FIGURES = {"inference": (("tokens_per_s", "throughput"), ("usd_per_mtok", "cost")),
                "training": (("time_to_train", "time to train"),)}


@dataclass
class Lens:
    span: Span                    # the workload definition's name
    title: str                    # its placement's path and headline figures as evaluated
    path: str                     # the quantity `factory explain` derives


def _stamp(path: str) -> tuple[int, int] | None:
    """(modification time in ns, size) of a file, None when it cannot be read: enough to see it changed."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def unloaded(checked, root: str | None) -> set[str]:
    """The real paths of the files under the root that the imports of a check (`dsl.check_text`'s) name and it could
    not load (a text that does not parse, a file that cannot be read, no file there): what it found is made from them
    as much as from the files it loaded (`Analysis.imports`, which holds those alone): such an import binds nothing
    until the file changes. (An import of the standard library, or one that leads outside the root, reads no file of
    the workspace; without a root, a module's own folder is its root, as the loader's is.)"""
    if checked is None:
        return set()
    out = set()
    for module in checked.program.modules.values():
        if module.is_stdlib:
            continue
        top = os.path.realpath(root or os.path.dirname(module.path))
        for stmt in module.statements:
            if isinstance(stmt, n.Import) and stmt.is_path and "\x00" not in stmt.module \
                    and checked.program.imported(module, stmt) is None:
                target = os.path.realpath(os.path.join(os.path.dirname(module.path), stmt.module))
                if os.path.commonpath([top, target]) == top:
                    out.add(target)
    return out


class Analysis:
    """One checked (and, lazily, evaluated) version of a document."""

    def __init__(self, text: str, path: str, root: str | None = None, session: "dsl.Session | None" = None,
                 buffers: dict[str, str] | None = None, memo=None):
        self.text = text
        self.memo = memo                             # `compiler.memo.ValueMemo`: the version before's values
        self.path = path
        self.root = root
        self.source = Source(path, text)
        self.buffers = dict(buffers or {})           # the other open documents this version was checked with
        session = session if session is not None else dsl.Session()
        self.session = session
        self.checked, self.sink = session.check_text(text, path, root=root, buffers=self.buffers)
        self.module: n.Module | None = None
        self.occurrences: list[Occurrence] = []
        self.statements: list[tuple[object, n.Block | None]] = []   # every statement with its block
        self.units: list[tuple[Span, str]] = []      # (span, text) of every unit written after a number
        self._results = None
        self._late: dict[int, list] | None = None   # id(name) -> [(block, member)]: `late_targets`
        self._evaluated = False
        self._lock = threading.Lock()
        self._cancel = threading.Event()
        self._finished = threading.Event()         # set once the whole evaluation has run (or found nothing to do)
        self.background = False                     # the server evaluates it in its stages: requests only wait
        self.eval_diagnostics: list = []            # what evaluation adds (asserts, limits, feasibility)
        self._checks_diagnostics: list | None = None  # what the checks alone add (checks_diagnostics)
        self.fallback: Analysis | None = None       # the last version that parsed (for completion while typing)
        self.files: dict[str, str] = {}             # span file name (`<stdlib>/chips.factory`) -> path on disk
        self.imports: set[str] = set()              # absolute paths of every module this version read
        # an import this version could not load (not found, or a file that did not parse) or a text that did not
        # parse: it may read any open document once that changes (`stale`, the server's `publish_dependents`)
        self.unresolved = self.checked is None or any(
            m is None for m in self.checked.program.imports.values())
        if self.checked is not None:
            for mod in self.checked.program.modules.values():
                self.imports.add(mod.path)
                for stmt in mod.statements[:1]:
                    self.files[stmt.span.file] = mod.path
        if self.checked is not None and self.checked.program.entries:
            self.module = self.checked.program.entries[0]
            with dsl.gc_paused():        # (as the check is: in the server the heap holds the last evaluation's graph,
                self._index(self.module)  # and a collection the index's allocations start walks all of it)
        # the files under the root that an import names and this version could not load (`unloaded`)
        self.unloaded: set[str] = unloaded(self.checked, root)
        # the files on disk this version read (imports not open in the editor), and those it could not load, as they
        # were when it was checked (None: no file there)
        self.disk = {p: _stamp(p) for p in sorted(self.imports | self.unloaded)
                     if p != path and p not in self.buffers}

    def stale(self, text: str, buffers: dict[str, str]) -> bool:
        """Whether this version no longer answers for `text` with the open documents `buffers`: its own text
        changed, or a document it imports was opened, changed or closed, or a file it imports that is not open
        changed on disk (saved by another program, a `git checkout`), or so did one it could not load (mended,
        created: `unloaded`)."""
        if text != self.text:
            return True
        read = self.imports | (set(self.buffers) | set(buffers) if self.unresolved else set())
        if any(buffers.get(p) != self.buffers.get(p) for p in read if p != self.path):
            return True             # (an open document it does not read changes nothing: typing there re-checked
                                    # it, so its next hover waited for an evaluation no stage ran)
        return any(_stamp(p) != stamp for p, stamp in self.disk.items() if p not in buffers)

    # ------------------------------------------------------------------ index
    def _index(self, module: n.Module) -> None:
        stack: list[tuple[object, n.Block | None]] = [(s, None) for s in reversed(module.statements)]
        while stack:
            stmt, block = stack.pop()
            self.statements.append((stmt, block))
            if isinstance(stmt, n.Block):
                self._add(stmt.name_span, DEFINITION, stmt, block, module)
                if stmt.base and stmt.base_span is not None:
                    self._add(stmt.base_span, BASE, stmt, block, module)
                if stmt.count is not None:
                    self._expr(stmt.count, block, module)
                stack.extend((s, stmt) for s in reversed(stmt.body))
            elif isinstance(stmt, (n.Field, n.Let, n.Param)):
                self._add(stmt.name_span, DEFINITION, stmt, block, module)
                self._expr(stmt.value, block, module)
            elif isinstance(stmt, n.Assert):
                self._expr(stmt.expr, block, module)
            elif isinstance(stmt, n.Import):
                self._add(stmt.module_span, MODULE, stmt, block, module)   # the module it reads (`chips`)
                self._add(stmt.alias_span, ALIAS, stmt, block, module)     # the name it binds it to (`as c`)
                for name, span in stmt.names or []:
                    self._add(span, IMPORTED, (stmt, name), block, module)
        self.occurrences.sort(key=lambda o: (o.span.start, -o.span.end))

    def _add(self, span: Span | None, role: str, node: object, block, module) -> None:
        if span is not None and span.file == self.path:
            self.occurrences.append(Occurrence(span, role, node, block, module))

    def _expr(self, expr, block, module) -> None:
        for e in every_expression(expr):
            if isinstance(e, n.Name):
                self._add(e.span, NAME, e, block, module)
            elif isinstance(e, n.Attr):
                self._add(e.name_span, ATTR, e, block, module)
            elif isinstance(e, n.Quantity) and e.unit_span is not None and e.unit_span.file == self.path:
                self.units.append((e.unit_span, e.unit))

    def unit_at(self, offset: int) -> tuple[Span, str] | None:
        """(its span, the unit) of the unit written at `offset` (`kW` in `10.2 kW`; a cursor right after it counts)."""
        return next(((span, unit) for span, unit in self.units if span.start <= offset <= span.end), None)

    def at(self, offset: int) -> Occurrence | None:
        """The name occurrence under `offset` (a cursor right after a name counts)."""
        best = None
        for occ in self.occurrences:
            if occ.span.start <= offset <= occ.span.end:
                if best is None or occ.span.end - occ.span.start < best.span.end - best.span.start:
                    best = occ
        return best

    # ------------------------------------------------------------------ resolution
    def resolve(self, occ: Occurrence) -> object | None:
        """The definition an occurrence refers to: a Block, Field, Let, Param or Module (for a selection by
        kind that reaches several parts, the first; `targets` has them all)."""
        found = self.targets(occ)
        return found[0] if found else None

    def base_module(self, occ: Occurrence, offset: int) -> tuple[n.Module, Span] | None:
        """For a dotted base (`c.H100_SXM` of `chip g: c.H100_SXM x 8`, `extends chips.H100_SXM`) with `offset` on its
        first name: (the module that name reads, that name's span), as the same name reads in an expression
        (`c.H100_SXM.tdp`); None elsewhere."""
        if occ.role != BASE or self.checked is None or len(occ.node.base) != 2:
            return None
        first, scopes = occ.node.base[0], self.checked.scopes
        if not self.text.startswith(first + ".", occ.span.start) or offset > occ.span.start + len(first):
            return None
        module = scopes.module_lookup(occ.module, first)
        if not isinstance(module, n.Module) or scopes.base_of(occ.node) is not scopes.module_lookup(
                module, occ.node.base[1]):
            return None
        return module, self.source.span(occ.span.start, occ.span.start + len(first))

    def resolve_at(self, occ: Occurrence, offset: int) -> object | None:
        """`resolve`, with the cursor's place in a dotted base: its module part reads the module (`base_module`)."""
        part = self.base_module(occ, offset)
        return part[0] if part is not None else self.resolve(occ)

    def targets(self, occ: Occurrence) -> list:
        """Every definition an occurrence refers to, read as the checker reads it (`dsl.check`): a bare name
        is a member of the enclosing blocks (innermost first), else a selection by kind of their parts
        (`server` in `sum(server.max_power)`: every server part), else a name of the module; each `.name`
        after it is a member of each part reached (or a selection by kind of their parts)."""
        scopes = self.checked.scopes if self.checked is not None else None
        if scopes is None:
            return []
        node = occ.node
        if occ.role == DEFINITION:
            return [node]
        if occ.role == BASE:
            found = scopes.base_of(node)
        elif occ.role == IMPORTED:
            stmt, name = node
            imported = self.checked.program.imported(occ.module, stmt)
            found = scopes.module_lookup(imported, name) if imported is not None else None
        elif occ.role in (MODULE, ALIAS):
            found = self.checked.program.imported(occ.module, node)
        elif occ.role == NAME:
            return self._name_targets(node, occ.block, occ.module)
        elif occ.role == ATTR:
            return self._attr_targets(node, occ.block, occ.module)
        else:
            found = None
        return [found] if found is not None else []

    def late_targets(self, occ: Occurrence) -> list[tuple[object, list[n.Block]]]:
        """For a name in a formula that blocks extending its block inherit: [(a member those blocks' evaluations read
        in its place, the blocks that read it)], each member other than `targets` gives, in the order of the text.
        Formulas bind late (docs/language.md): `budget = max_power + margin` of a base reads, evaluated in a block
        that extends it, that block's own `max_power` where it overrides it and its `let margin` where it has one
        (or a `let margin` of a block it is placed in), so go-to-definition and hover name those too."""
        if occ.role != NAME or self.checked is None:
            return []
        if self._late is None:
            self._late = {}
            for e, derived, member, _free in inherited_reads(self.checked):
                self._late.setdefault(id(e), []).append((derived, member))
        reads = self._late.get(id(occ.node), [])
        if not reads:
            return []
        own = {id(x) for x in self.targets(occ)}
        found: dict[int, tuple[object, list[n.Block]]] = {}
        for derived, member in reads:
            if id(member) not in own:
                found.setdefault(id(member), (member, []))[1].append(derived)
        place = lambda x: (x.name_span.file, x.name_span.start)
        return sorted(((member, sorted(readers, key=place)) for member, readers in found.values()),
                      key=lambda m: place(m[0]))

    def _select(self, block: n.Block, kind_name: str) -> list[n.Block]:
        """The parts of `block` (after inheritance) whose kind is `kind_name` (`rack` selects every rack)."""
        wanted = kind_spec(kind_name)
        if wanted is None:
            return []
        return [m for m in self.checked.scopes.members(block).values.values()
                if type(m) is n.Block and kind_spec(m.kind) is wanted]

    def _name_targets(self, expr: n.Name, block: n.Block | None, module: n.Module) -> list:
        scopes = self.checked.scopes
        current = block.parent if expr.outward and block is not None else block
        while current is not None:
            found = scopes.members(current).values.get(expr.ident)
            if found is not None:
                return [found]
            spec = kind_spec(current.kind)
            if spec is not None and expr.ident in spec.fields:
                return []                 # a field of the block's kind that it does not set: no definition
            selected = self._select(current, expr.ident)
            if selected:
                return selected
            current = current.parent
        found = scopes.module_lookup(module, expr.ident)
        return [found] if found is not None else []

    def _attr_targets(self, expr, block, module) -> list:
        """The targets of a name or a dotted name (`rack.server.max_power`)."""
        if isinstance(expr, n.Name):
            return self._name_targets(expr, block, module)
        if not isinstance(expr, n.Attr):
            return []
        return self._members_named(self._attr_targets(expr.obj, block, module), expr.name)

    def _members_named(self, found: list, name: str) -> list:
        scopes = self.checked.scopes
        reached: list = []
        for item in found:
            if isinstance(item, n.Module):
                member = scopes.module_lookup(item, name)
                reached += [member] if member is not None else []
            elif isinstance(item, n.Block):
                member = scopes.members(item).values.get(name)
                reached += [member] if member is not None else self._select(item, name)
        return list({id(x): x for x in reached}.values())

    def kind_field(self, occ: Occurrence) -> tuple[list[n.Block], str] | None:
        """For a name that reads a field of a block's kind which the block does not set (a model's output:
        `chat.tokens_per_s`, or `it_power` inside the rack): (the blocks it is read from, the field's name)."""
        if self.checked is None or occ.role not in (NAME, ATTR):
            return None
        scopes = self.checked.scopes
        if occ.role == NAME:
            expr = occ.node
            current = occ.block.parent if expr.outward and occ.block is not None else occ.block
            while current is not None:
                if expr.ident in scopes.members(current).values:
                    return None
                spec = kind_spec(current.kind)
                if spec is not None and expr.ident in spec.fields:
                    return [current], expr.ident
                if self._select(current, expr.ident):
                    return None
                current = current.parent
            return None
        name = occ.node.name
        owners = [b for b in self._attr_targets(occ.node.obj, occ.block, occ.module)
                  if isinstance(b, n.Block) and name not in scopes.members(b).values
                  and kind_spec(b.kind) is not None and name in kind_spec(b.kind).fields]
        return (owners, name) if owners else None

    def definition_span(self, target: object) -> Span | None:
        if isinstance(target, n.Block) or isinstance(target, (n.Field, n.Let, n.Param)):
            return target.name_span
        if isinstance(target, n.Module):
            return Source(target.path, "").span(0, 0)
        return None

    def references(self, target: object) -> list[Span]:
        """Every occurrence in this document that names `target` (its definition included): a selection by
        kind that reaches it (`server` for a part `node`) refers to it but does not name it."""
        name = getattr(target, "name", None)
        return [occ.span for occ in self.occurrences
                if any(t is target for t in self.targets(occ))
                and (name is None or self.text[occ.span.start:occ.span.end].endswith(name))]

    # ------------------------------------------------------------------ values
    @property
    def results(self):
        """The evaluated spec (None when it has errors); computed once per version."""
        with self._lock:             # the server evaluates in a worker thread while requests may ask too
            if not self._evaluated:
                self._evaluate()
        return self._results

    def results_within(self, seconds: float):
        """The results if they are (or become) ready within `seconds`; None otherwise (a hover must not
        wait for a long evaluation; the evaluation goes on in the server's worker thread). An analysis the server
        evaluates in its stages (`background`) is only waited for: a hover that found the lock free before the
        stage took it ran the whole evaluation itself (3.2 s for one hover on a 2,000-line spec, bench_lsp.py)."""
        if self.background:
            if self.checked is None or self.sink.has_errors():
                return None                 # (nothing will be evaluated)
            if self.cancelled:              # superseded: what it evaluated before, if it finished (a half-typed
                return self._results if self._finished.is_set() else None     # buffer's `fallback` answers)
            if not self._evaluated and not self._lock.locked():     # no stage has begun (a file changed on disk
                threading.Thread(target=lambda: self.results, daemon=True).start()   # with no watcher): begin one
            return self._results if self._finished.wait(seconds) else None
        if self._lock.acquire(timeout=seconds):
            try:
                if not self._evaluated:
                    self._evaluate()
                return self._results
            finally:
                self._lock.release()
        return None

    def checks_diagnostics(self) -> list:
        """The diagnostics of the spec's asserts, built-in limits and rules alone (`evaluate(...,
        only_checks=True)`: only what they read is evaluated, ~0.2 s on a 2,000-line spec where evaluating
        everything takes seconds), so an editor shows them first; computed once per version, and the full
        evaluation's once that has run (they include these). Empty for a spec with errors or a cancelled
        evaluation."""
        with self._lock:
            if self._evaluated:
                return self.eval_diagnostics
            if self._checks_diagnostics is None:
                self._checks_diagnostics = []
                if self.checked is not None and not self.sink.has_errors():
                    from compiler.evaluate import Cancelled, evaluate
                    from compiler.lower import lower
                    texts = {name: source.text for name, source in self.sink.sources.items()}
                    # an edit inside a comment: the version before's diagnostics, moved (`ValueMemo.reuse_checks`)
                    reused = self.memo.reuse_checks(texts) if self.memo is not None else None
                    if reused is not None:
                        self._checks_diagnostics = reused
                        self.memo.keep_checks(texts, reused)
                        return reused
                    sink = Sink()
                    for source in self.sink.sources.values():
                        sink.add_source(source)
                    try:
                        if self.cancelled:          # superseded before it began: lowering is not interrupted
                            raise Cancelled("")
                        lowering = lower(self.checked, sink)
                        if self.cancelled:
                            lowering.release()
                            raise Cancelled("")
                        if not sink.has_errors():
                            evaluate(lowering, sink, only_checks=True, cancel=self._cancel, memo=self.memo).release()
                        else:
                            lowering.release()
                        self._checks_diagnostics = list(sink.items)
                        if self.memo is not None:
                            self.memo.keep_checks(texts, self._checks_diagnostics)
                    except Cancelled:           # superseded by a newer version of the text (evaluate released it)
                        pass
            return self._checks_diagnostics

    def _evaluate(self) -> None:
        self._evaluated = True
        try:
            self._evaluate_now()
        finally:
            self._finished.set()

    def _evaluate_now(self) -> None:
        if self.checked is None or self.sink.has_errors():
            return
        from compiler.evaluate import Cancelled, evaluate
        from compiler.lower import lower
        sink = Sink()
        for source in self.sink.sources.values():
            sink.add_source(source)
        try:
            # a version superseded already is not lowered (~0.1 s on a 2,000-line spec, not interruptible), nor, once
            # lowered, evaluated: a cancelled evaluation that runs on holds the interpreter from the next keystroke's
            # check (bench/bench_lsp.py: keystroke to diagnostics)
            if self.cancelled:
                raise Cancelled("")
            lowering = lower(self.checked, sink)
            if self.cancelled or sink.has_errors():     # (dropped: its cycles broken, refcounting frees it at once)
                lowering.release()
            if self.cancelled:
                raise Cancelled("")
            self._results = None if sink.has_errors() else evaluate(
                lowering, sink, cancel=self._cancel, memo=self.memo.whole if self.memo is not None else None)
        except Cancelled:                   # superseded by a newer version of the text: nothing to show (a
                                            # cancelled evaluation released what it made)
            self._results = None
            return
        self.eval_diagnostics = list(sink.items)

    @property
    def checks_found(self) -> list:
        """What this version's checks' stage found, if it ran (else nothing); unlike `checks_diagnostics`, never the
        whole evaluation's."""
        return list(self._checks_diagnostics or [])

    def cancel(self) -> None:
        """Stop this version's evaluation (a newer version of the text supersedes it)."""
        self._cancel.set()

    def release(self) -> None:
        """Drop this version's evaluation with its reference cycles broken (`compiler.evaluate.Results.release`),
        so that reference counting frees it rather than Python's cyclic collector: for the server, once nothing
        else holds this analysis (it is superseded and no request or stage reads it). Its values are gone after."""
        results, self._results = self._results, None
        if results is not None:
            results.release()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def flag_mark(self, paths, values=None, brief: bool = False) -> str:
        """` (⚠ incomplete: counts unpriced parts as $0)` where a warning makes one of `paths` incomplete (the
        report's mark, `report_format.flagged_quantities`), else ""; the flags are found once per evaluation. A
        flag of a sweep that holds in some scenarios only (`report_format.scenario_flags`: an implausible price in
        one of them, a service that cannot run in another) marks the figure when one of those scenarios is among
        those `values` (the (path, array, ...) a hover shows) have a value in, as eval's table marks those cells
        alone (s24-hunt: before, the flag of a scenario where the figure is n/a marked the value of the others).
        `brief`: each reason's words before its first colon (a code lens)."""
        results = self.results_within(VALUE_WAIT_S)
        if results is None:
            return ""
        if getattr(self, "_flags_of", None) is not results:
            from types import SimpleNamespace

            from compiler.render.report_format import graph_flags, scenario_flags

            diagnostics = [*self.sink.items, *self.eval_diagnostics]
            self._flags = graph_flags(results.graph, diagnostics)
            self._flag_scenarios = scenario_flags(results, SimpleNamespace(items=diagnostics))
            self._flags_of = results
        from compiler.render.report_format import flag_reason

        shown = _scenarios_with_values(values, results.scenario_count) if values is not None else None
        why = set()
        for p in paths:
            limited = self._flag_scenarios.get(p, {})
            codes = {c for c in self._flags.get(p, ()) if c not in limited or shown is None or limited[c] & shown}
            if codes:
                why.add(flag_reason(codes).split(":")[0] if brief else flag_reason(codes))
        return f" (⚠ {'; '.join(sorted(why))})" if why else ""

    def value_line(self, values, format_quantity, np, table: bool = False) -> str:
        """`= **67.37 ms .. 87.17 ms** (⚠ why) (n/a in 1 of 3 scenarios: why)` for the (path, value, unit, declared)
        `values` a hover shows: `_summary` of the values there are, the flag mark (`flag_mark`), and where the
        evaluation has none (`Results.absent`, n/a in eval's table) the scenarios and the reason; `= **n/a** (why)`
        where none has a value; `table`: without `= ` and the bold (a row of a block's table). "" with nothing to
        show. (s23-hunt: before, an n/a figure's hover showed no value
        and no word, a sweep's the range of the others alone, and an output's no flag mark.)"""
        shown = _summary(values, format_quantity, np)
        paths = [v[0] for v in values]
        results = self.results_within(VALUE_WAIT_S)
        absent = (getattr(results, "absent", None) or {}) if results is not None else {}
        found = [absent[p] for p in paths if p in absent and np.asarray(absent[p].mask).any()]
        note = ""
        if found:
            count = max(int(results.scenario_count), 1)
            masks = [np.broadcast_to(np.asarray(a.mask, dtype=bool).reshape(-1), (count,)) for a in found]
            where = int(np.logical_or.reduce(masks).sum())
            note = f" (n/a{'' if where == count else f' in {where} of {count} scenarios'}: {found[0].reason})"
            if not shown:
                return f"n/a ({found[0].reason})" if table else f"= **n/a** ({found[0].reason})"
        if not shown:
            return ""
        mark = self.flag_mark(paths, values)
        return f"{shown}{mark}{note}" if table else f"= **{shown}**{mark}{note}"

    def values_of(self, member: object) -> list[tuple[str, object, str, str]]:
        """(path, value array, SI unit, declared unit) of every graph node defined by `member`."""
        results = self.results_within(VALUE_WAIT_S)
        if results is None or not hasattr(member, "name_span"):
            return []
        out = []
        span = member.name_span
        for path, node in results.graph.nodes.items():
            if node.span == span and path in results.values:
                out.append((path, results.values[path], results.units.get(path, ""), node.display))
        return sorted(out)

    def instances_of(self, block: n.Block) -> list:
        results = self.results_within(VALUE_WAIT_S)
        if results is None:
            return []
        found, todo = [], list(results.graph.roots)
        while todo:
            inst = todo.pop()
            if inst.block is block:
                found.append(inst)
            todo.extend(inst.parts)
        return sorted(found, key=lambda i: i.path)

    def code_lenses(self) -> list[Lens]:
        """A lens above each workload this document defines, per placement, with its headline figures as evaluated
        (inference: tokens/s and $/Mtok; training: its time to train), whose command explains the first
        (`factory explain`). Nothing until the evaluation is ready (waits up to VALUE_WAIT_S, as a hover does)."""
        results = self.results_within(VALUE_WAIT_S)
        if results is None:
            return []
        import numpy as np

        from compiler.display import format_quantity
        from compiler.render.view import ABSENT_TEXT

        # a figure a warning makes incomplete is marked as the report marks it: `cost 0.5705 USD/Mtok (⚠ incomplete)`;
        # one n/a in some scenarios of a sweep says in how many, as a hover does
        out, todo, placed = [], list(results.graph.roots), []
        while todo:
            inst = todo.pop()
            todo.extend(inst.parts)
            span = getattr(inst.block, "name_span", None)
            if inst.kind in LENS_FIGURES and span is not None and span.file == self.path:
                placed.append(inst)
        placements: dict[Span, int] = {}
        for inst in placed:
            placements[inst.block.name_span] = placements.get(inst.block.name_span, 0) + 1
        for inst in placed:
            span, figures = inst.block.name_span, LENS_FIGURES[inst.kind]
            shown = []
            for name, label in figures:
                path = f"{inst.path}.{name}"
                node = results.graph.nodes.get(path)
                if node is None or path not in results.values:
                    continue
                values = [(path, results.values[path], results.units.get(path, ""), node.display)]
                value = _summary(values, format_quantity, np)
                mark = self.flag_mark([path], values, brief=True) if value else ""
                shown.append(f"{label} {value or ABSENT_TEXT}{mark}{_absent_count(results, path, bool(value), np)}")
            if shown:             # (the placement named where one definition is placed several times)
                where = f"{inst.path}: " if placements[span] > 1 else ""
                out.append(Lens(span, where + " · ".join(shown) + " (explain)", f"{inst.path}.{figures[0][0]}"))
        out.sort(key=lambda lens: (lens.span.start, lens.title))
        return out

    # ------------------------------------------------------------------ symbols and hints
    def symbols(self) -> list[Symbol]:
        return symbols_of(self.module.statements) if self.module is not None else []

    def outline(self) -> list[Symbol]:
        """The document's symbols; while its text does not parse (a statement half typed), those of the last version
        that parsed (`fallback`), each span moved to where that text now is (`moved_offset`): the outline stays
        while the user types, as rust-analyzer's does on its error-tolerant tree. A symbol the edit falls inside
        keeps its place, its end moved with the edit."""
        if self.module is not None or self.fallback is None:
            return self.symbols()
        old = self.fallback.text
        prefix, suffix = _common_ends(old, self.text)

        def move(span: Span) -> Span:
            return self.source.span(moved_offset(span.start, old, self.text, prefix, suffix),
                                    moved_offset(span.end, old, self.text, prefix, suffix))

        def convert(sym: Symbol) -> Symbol:
            return Symbol(sym.name, sym.kind, move(sym.span), move(sym.selection), [convert(c) for c in sym.children])
        return [convert(sym) for sym in self.fallback.symbols()]

    def inlay_hints(self, start: int = 0, end: int | None = None) -> list[Hint]:
        """`= value` at the end of each field, let and param line whose value is computed (not a literal); while the
        text does not parse, the last parsed version's away from the edit (`moved_span`), as hover and semantic
        tokens (session 25)."""
        from compiler.display import format_quantity
        import numpy as np

        end = len(self.text) if end is None else end
        if self.module is None:
            known = self.fallback
            if known is None or known.module is None:
                return []
            moved = [(moved_span(self, known, known.source.span(h.offset, h.offset)), h.label)
                     for h in known.inlay_hints()]
            return [Hint(span.start, label) for span, label in moved if span is not None and start <= span.start <= end]
        hints = []
        for stmt, _block in self.statements:
            if not isinstance(stmt, (n.Field, n.Let, n.Param)) or not (start <= stmt.span.start <= end):
                continue
            if _literal(stmt.value):
                continue
            values = self.values_of(stmt)
            shown = _summary(values, format_quantity, np)
            if shown:
                line_end = self.text.find("\n", stmt.span.end)
                line_end = len(self.text) if line_end < 0 else line_end
                hints.append(Hint(line_end, f" = {shown}{self.flag_mark([v[0] for v in values], values)}"))
        return hints


def symbols_of(statements: list) -> list[Symbol]:
    """The outline of a module's statements: its blocks (with what they hold), fields, lets and params."""
    out: list[Symbol] = []
    stack: list[tuple[list, list[Symbol]]] = [(list(statements), out)]
    while stack:
        stmts, into = stack.pop()
        for stmt in stmts:
            if isinstance(stmt, n.Block):
                sym = Symbol(stmt.name, stmt.kind, stmt.span, stmt.name_span)
                into.append(sym)
                stack.append((list(stmt.body), sym.children))
            elif isinstance(stmt, (n.Field, n.Let, n.Param)):
                kind = "field" if isinstance(stmt, n.Field) else "let" if isinstance(stmt, n.Let) else "param"
                into.append(Symbol(stmt.name, kind, stmt.span, stmt.name_span))
    return out


@functools.lru_cache(maxsize=8)       # (asked once per token or hint moved: the texts' hashes are kept by str)
def _common_ends(old: str, new: str) -> tuple[int, int]:
    """(the length of the common prefix of two texts, cut back to the start of a line, and that of their longest
    common suffix not overlapping it): what one edit left unchanged on either side. The prefix ends at a line start so
    that a line typed above a like one (`  chip g` above `  chip gpu`) is read as inserted before it, not as `g`
    grown into it."""
    limit = min(len(old), len(new))
    prefix = 0
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    prefix = old.rfind("\n", 0, prefix) + 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return prefix, suffix


def moved_offset(offset: int, old: str, new: str, prefix: int, suffix: int) -> int:
    """Where `offset` of `old` is in `new`, one edit later: unchanged before the edit, shifted by the edit's change in
    length after it, and at the end of the edited text inside it."""
    if offset <= prefix:
        return offset
    if offset >= len(old) - suffix:
        return offset + len(new) - len(old)
    return len(new) - suffix


def _offset_in(known: Analysis, text: str, offset: int) -> int:
    """Where `offset` of `text` (a buffer that does not parse) is in the text of `known`, the last version that
    parsed: the same place before the edit between them, shifted back after it, and the start of the edited lines
    inside it (the block the user is typing in). `offset` itself when `known` is that text's own analysis."""
    if known.text == text:
        return offset
    prefix, suffix = _common_ends(known.text, text)
    if offset <= prefix:
        return offset
    if offset >= len(text) - suffix:
        return offset - len(text) + len(known.text)
    return prefix


def parsed_offset(known: Analysis, text: str, offset: int) -> int | None:
    """Where `offset` of `text` (a buffer that does not parse) is in the text of `known` (the last version that
    parsed), or None inside the edit between them (its lines: what is typed there has no meaning yet)."""
    if known.module is None:
        return None
    prefix, suffix = _common_ends(known.text, text)
    if offset < prefix:
        return offset
    if offset >= len(text) - suffix:
        return offset - len(text) + len(known.text)
    return None


def moved_span(analysis: Analysis, known: Analysis, span: Span) -> Span | None:
    """`span` of `known`'s text (the last version that parsed) in `analysis`'s, one edit later: unchanged before
    the edit, shifted after it; None when it touches the edit's lines (or is in another file)."""
    if span.file != known.path:
        return None
    prefix, suffix = _common_ends(known.text, analysis.text)
    if span.end <= prefix:
        return analysis.source.span(span.start, span.end)
    if span.start >= len(known.text) - suffix:
        shift = len(analysis.text) - len(known.text)
        return analysis.source.span(span.start + shift, span.end + shift)
    return None


def _literal(expr) -> bool:
    """A value written as it is (`5 kW`, `-5 kW`, `"fp8"`, `true`): an inlay hint would only repeat it."""
    while isinstance(expr, n.Unary):
        expr = expr.operand
    return isinstance(expr, (n.Number, n.Quantity, n.String, n.Bool))


def _scenarios_with_values(values, count: int) -> set[int]:
    """The scenarios in which one of `values` (path, array, ...) has a number: every one for a constant."""
    import numpy as np

    found: set[int] = set()
    for value in values:
        array = value[1]
        if isinstance(array, np.ndarray) and array.dtype.kind in "fiu" and array.size:
            flat = np.isfinite(array.reshape(-1))
            found.update(range(count) if flat.size == 1 and flat[0] else np.nonzero(flat)[0].tolist())
    return found


def _absent_count(results, path: str, some: bool, np) -> str:
    """` (n/a in 1 of 2 scenarios)` where a figure a code lens shows has a value in some scenarios only."""
    from compiler.render.view import ABSENT_TEXT

    absent = (getattr(results, "absent", None) or {}).get(path)
    if not some or absent is None or results.scenario_count < 2:
        return ""
    where = int(np.broadcast_to(np.asarray(absent.mask, dtype=bool).reshape(-1), (results.scenario_count,)).sum())
    return f" ({ABSENT_TEXT} in {where} of {results.scenario_count} scenarios)" if where else ""


def _summary(values, format_quantity, np) -> str:
    """One readable value for a member placed once; min..max over instances and scenarios otherwise."""
    numbers, texts, unit, declared = [], [], "", ""
    for _path, value, unit, declared in values:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, np.ndarray) and value.dtype.kind == "b" and value.size:
            texts.extend("true" if x else "false" for x in value.ravel())     # a condition: `let fits = a <= b`
        elif isinstance(value, np.ndarray) and value.dtype.kind in "fiu" and value.size:
            numbers.extend(float(x) for x in value.ravel() if np.isfinite(x))
    if texts and not numbers:
        return texts[0] if len(set(texts)) == 1 else " | ".join(sorted(set(texts)))
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    if low == high:
        return format_quantity(low, unit, declared)
    return f"{format_quantity(low, unit, declared)} .. {format_quantity(high, unit, declared)}"


# ----------------------------------------------------------------------------- hover

def hover_markdown(analysis: Analysis, offset: int) -> tuple[str, Span] | None:
    """The hover of the name (or unit, or function) at `offset`: its definition, value and source; for a name in a
    formula that blocks extending its block inherit and evaluate with members of their own (`late_targets`), those
    members too. While the buffer does not parse, the last version that parsed answers away from the edit since
    (`parsed_offset`), as completion does (before session 25: no hover anywhere in the file while a statement
    was half typed)."""
    if analysis.module is None:
        known = analysis.fallback
        at = parsed_offset(known, analysis.text, offset) if known is not None else None
        found = hover_markdown(known, at) if at is not None else None
        span = moved_span(analysis, known, found[1]) if found is not None else None
        return (found[0], span) if span is not None else None
    found = _hover_own(analysis, offset)
    occ = analysis.at(offset)
    late = analysis.late_targets(occ) if occ is not None else []
    if not late:
        return found
    from compiler.display import format_quantity
    import numpy as np
    name = analysis.text[occ.span.start:occ.span.end]
    lines = [found[0], "", "---", ""] if found is not None else []
    lines += [f"Formulas bind late: where a block that inherits this formula evaluates it, `{name}` reads", ""]
    for member, readers in late[:MAX_SELECTED_SHOWN]:
        lines.append(f"- {_member_words(analysis, member, occ)}" + _shown(analysis.values_of(member), format_quantity, np)
                     + " in " + ", ".join(_block_words(b) for b in readers[:MAX_SELECTED_SHOWN])
                     + (f" and {len(readers) - MAX_SELECTED_SHOWN} more" if len(readers) > MAX_SELECTED_SHOWN else ""))
    if len(late) > MAX_SELECTED_SHOWN:
        lines.append(f"- and {len(late) - MAX_SELECTED_SHOWN} more")
    return "\n".join(lines), found[1] if found is not None else occ.span


def _member_words(analysis: Analysis, member, occ: Occurrence) -> str:
    """`let `margin` of server `wide``: what a member is and the block that holds it."""
    if isinstance(member, n.Block):
        return _block_words(member)
    what = ("field" if isinstance(member, n.Field) else "let" if isinstance(member, n.Let) else "param") + \
        f" `{member.name}`"
    owner = _owner_block(analysis, member, occ)
    return what + (f" of {owner.kind} `{owner.name}`" if owner is not None else "")


def _block_words(block: n.Block) -> str:
    """`server `b` of rack `r``: a block and, for a part, the block it is placed in."""
    words = f"{block.kind} `{block.name}`"
    return words + (f" of {block.parent.kind} `{block.parent.name}`" if block.parent is not None else "")


def _shown(values, format_quantity, np) -> str:
    shown = _summary(values, format_quantity, np)
    return f" = **{shown}**" if shown else ""


def _hover_own(analysis: Analysis, offset: int) -> tuple[str, Span] | None:
    occ = analysis.at(offset)
    if occ is None:
        unit = analysis.unit_at(offset)
        if unit is not None:
            return unit_markdown(unit[1]), unit[0]
        return _choice_markdown(analysis, offset) or _function_markdown(analysis, offset)
    part = analysis.base_module(occ, offset)        # `c` of a base `c.H100_SXM`: the module, as in an expression
    targets = [part[0]] if part is not None else analysis.targets(occ)
    target = targets[0] if targets else None
    from compiler.display import format_quantity
    import numpy as np
    if len(targets) > 1:
        return _selection_markdown(analysis, occ, targets, format_quantity, np), occ.span
    if target is None:
        read = analysis.kind_field(occ)
        return (_kind_field_markdown(analysis, *read, format_quantity, np), occ.span) if read else None

    lines: list[str] = []
    if isinstance(target, n.Block):
        spec = kind_spec(target.kind)
        head = f"**{target.kind}** `{target.name}`"
        if target.base:
            head += f" extends `{'.'.join(target.base)}`"
        lines.append(head)
        if target.doc:
            lines += ["", target.doc.strip()]
        elif spec is not None and spec.doc:
            lines += ["", spec.doc]
        if target.name_span.file != analysis.path:          # a part of the stdlib or of another file
            lines += _figures_written(analysis, target)
        rows = []
        instances = analysis.instances_of(target)
        results = analysis.results_within(0) if instances else None
        if results is not None and instances:
            prefix = instances[0].path + "."
            computed = hover_figure_order(target.kind, (
                p[len(prefix):] for p, node in results.graph.nodes.items()
                if p.startswith(prefix) and "." not in p[len(prefix):] and node.kind == "model"))
            more = 0
            for name in computed:
                vals = [(p, results.values[p], results.units.get(p, ""),
                         results.graph.nodes[p].display) for p in (f"{i.path}.{name}" for i in instances)
                        if p in results.values]
                shown = analysis.value_line(vals, format_quantity, np, table=True)
                if shown and len(rows) < MAX_HOVER_ROWS:
                    rows.append(f"| {name} | {shown} |")
                elif shown:
                    more += 1
            if rows:
                where = instances[0].path + (f" (+{len(instances) - 1} more)" if len(instances) > 1 else "")
                lines += ["", f"Evaluated at `{where}`, per item:", "", "| figure | value |", "|---|---|", *rows]
                if more:
                    lines += ["", f"... and {more} more figures (`factory eval --select '{instances[0].path}.*'`)"]
    elif isinstance(target, (n.Field, n.Let, n.Param)):
        what = "field" if isinstance(target, n.Field) else "let" if isinstance(target, n.Let) else "param"
        owner = _owner_block(analysis, target, occ)
        head = f"**{what}** `{target.name}`"
        fspec = None
        if owner is not None:
            head += f" of {owner.kind} `{owner.name}`"
            spec = kind_spec(owner.kind)
            fspec = spec.fields.get(target.name) if spec is not None and what == "field" else None
        if fspec is not None:
            head += f": {fspec.type}"
        lines.append(head)
        if target.doc:
            lines += ["", target.doc.strip()]
        if fspec is not None and fspec.doc:
            lines += ["", fspec.doc]
        shown = analysis.value_line(analysis.values_of(target), format_quantity, np)
        if shown:
            lines += ["", shown]
        elif target.name_span.file != analysis.path:
            lines += _written(analysis, target)
        if target.comment:
            lines += ["", f"Source: {target.comment.lstrip('# ').strip()}"]
        if target.name_span.file != analysis.path:
            lines += ["", f"Defined at {target.name_span}"]
    elif isinstance(target, n.Module):
        lines.append(f"**module** `{target.name}`")
        if target.doc:
            lines += ["", target.doc.strip()]
        lines += ["", f"File: `{_module_file(analysis, target)}`"]
    else:
        return None
    return "\n".join(lines), part[1] if part is not None else occ.span


def _written(analysis: Analysis, member) -> list[str]:
    """A member of another file as it is written there (`param spare_racks = 2`), in a code block, up to
    MAX_WRITTEN_LINES lines: an imported param or let has no node of its own in the document's evaluation (its
    readers' formulas hold it), so its hover showed no figure at all (before session 25), where rust-analyzer shows
    a constant's value."""
    source = analysis.sink.sources.get(member.span.file)
    if source is None:
        return []
    written = source.text[member.span.start:member.span.end].splitlines()
    more = [f"... ({len(written) - MAX_WRITTEN_LINES} more lines)"] if len(written) > MAX_WRITTEN_LINES else []
    return ["", "```factory", *written[:MAX_WRITTEN_LINES], *more, "```"]


MAX_WRITTEN_LINES = 6


def hover_figure_order(kind: str, names) -> list[str]:
    """The order a block's hover lists its evaluated figures in, of which it shows the first MAX_HOVER_ROWS that
    have a value: first the key figures `factory plan` compares (compiler.plan.KPIS: facility and IT power, PUE,
    accelerators, tokens/s, $/Mtok, capex, opex, TCO ..., in that order), then the columns the report's table of
    that kind shows (a hall's heat and cooling plant, a workload's TTFT, TPOT, MFU ...: HALL_COLUMNS,
    WORKLOAD_COLUMNS), then the rest alphabetically. (Before session 24: alphabetically only, so a site's hover
    showed `air_chillers_run`, `airflow_outside_halls` and `capex_building_share` and never its PUE or TCO.)"""
    from compiler.plan import KPIS
    from compiler.render.report_sections import HALL_COLUMNS, WORKLOAD_COLUMNS

    columns = HALL_COLUMNS if kind == "hall" else WORKLOAD_COLUMNS.get(kind, ())
    first = list(dict.fromkeys([*KPIS, *(name for name, *_ in columns)]))
    rank = {name: i for i, name in enumerate(first)}
    return sorted(set(names), key=lambda name: (rank.get(name, len(first)), name))


def _module_file(analysis: Analysis, module: n.Module) -> str:
    """Where a module is: `stdlib/chips.factory` for the stdlib's, else its path from the document's folder."""
    import os

    if module.is_stdlib:
        return f"stdlib/{os.path.basename(module.path)}"
    try:
        return os.path.relpath(module.path, os.path.dirname(os.path.abspath(analysis.path)))
    except ValueError:              # (another drive)
        return module.path


def _function_markdown(analysis: Analysis, offset: int) -> tuple[str, Span] | None:
    """The hover of a built-in function's name in a call (`sum` in `sum(server.max_power)`): what it computes, as the
    checker's messages quote it (`dsl.check.FUNCTIONS`)."""
    import re

    from dsl.check import FUNCTIONS

    text = analysis.text
    line_start, line_end = text.rfind("\n", 0, offset) + 1, text.find("\n", offset)
    # a name begins where no word character precedes it: without `(?<!\w)` each character of a long word (a
    # 20,000-character string) began a match that ran to the word's end, quadratic (3.1 s for one hover there)
    for m in re.finditer(r"(?<!\w)([A-Za-z_]\w*)\s*\(", text[line_start:len(text) if line_end < 0 else line_end]):
        start, end = line_start + m.start(1), line_start + m.end(1)
        if start <= offset <= end and m.group(1) in FUNCTIONS and _scan(text, start)[1] is None:
            label, _, doc = FUNCTIONS[m.group(1)].partition(": ")
            return f"**function** `{label}`\n\n{doc}", analysis.source.span(start, end)
    return None


def unit_markdown(text: str) -> str:
    """What a unit written in a spec means (stdlib/units.txt, the one table the checker reads): its dimension, each
    unit it is made of (with its prefix), and its value in the SI unit that results JSON gives (1 kW = 1000 W);
    a temperature point (degC) says it is a point, with its offset."""
    import re

    from dsl.units import PREFIX_SETS, dimension_name, parse_unit, si_unit, table

    try:
        parsed = parse_unit(text)
    except ValueError:
        return f"**unit** `{text}`: not a unit of stdlib/units.txt"
    what = "temperature (a point on the scale)" if parsed.point else dimension_name(parsed.dim)
    lines = [f"**unit** `{text}`: {what}", ""]
    units = table().units
    for name in dict.fromkeys(re.findall(r"[^*/^]+", text)):
        if name.lstrip("-").isdigit():
            continue
        if name in units:
            lines.append(f"- `{name}`: {units[name].description}")
            continue
        for size in (2, 1):
            prefix, base = name[:size], units.get(name[size:])
            if base is not None and prefix in PREFIX_SETS[base.prefixes]:
                lines.append(f"- `{name}`: {prefix} ({PREFIX_SETS[base.prefixes][prefix]:g}) x `{base.name}`, "
                             f"{base.description}")
                break
    si = si_unit(parsed.dim)
    if parsed.point:
        scale = "" if parsed.factor == 1 else f"{parsed.factor:.6g} "
        lines += ["", f"x {text} = {scale}x + {parsed.offset:g} {si}; a difference of two points is in K"]
    elif text != si:
        lines += ["", f"1 {text} = {parsed.factor:.6g} {si} (SI, as results JSON gives it)"]
    return "\n".join(lines)


def _figures_written(analysis: Analysis, block: n.Block) -> list[str]:
    """The lines of a hover that show a definition of another file (a stdlib chip): where it is, then each figure it
    writes as written (`tdp = 700 W`), with the source its comment cites (document and date: the stdlib's rule), as
    the file reads; rust-analyzer shows an item's signature from another crate the same way."""
    source = analysis.sink.sources.get(block.name_span.file)
    lines = ["", f"Defined at `{block.name_span}`"]
    if source is None:
        return lines
    figures = []
    for stmt in block.body:
        if isinstance(stmt, (n.Field, n.Let)) and getattr(stmt.value, "span", None) is not None:
            written = source.text[stmt.value.span.start:stmt.value.span.end]
            what = "let " if isinstance(stmt, n.Let) else ""
            cited = f": {stmt.comment.lstrip('# ').strip()}" if stmt.comment else ""
            figures.append(f"- `{what}{stmt.name} = {written}`{cited}")
    if figures:
        lines += ["", *figures[:MAX_HOVER_ROWS]]
        if len(figures) > MAX_HOVER_ROWS:
            lines.append(f"- ... and {len(figures) - MAX_HOVER_ROWS} more (go to definition)")
    return lines


MAX_SELECTED_SHOWN = 8


def _selection_markdown(analysis: Analysis, occ: Occurrence, targets: list, format_quantity, np) -> str:
    """A name that reaches several definitions (a selection by kind: `server` in `sum(server.max_power)` selects every
    server part): how many, and each one (its kind, name, owner and value), up to MAX_SELECTED_SHOWN."""
    name = analysis.text[occ.span.start:occ.span.end]
    noun = "parts" if all(isinstance(x, n.Block) for x in targets) else "definitions"
    lines = [f"`{name}` selects **{len(targets)}** {noun}:", ""]
    values = []
    for target in targets[:MAX_SELECTED_SHOWN]:
        if isinstance(target, n.Block):
            what = f"{target.kind} `{target.name}`" + (f": `{'.'.join(target.base)}`" if target.base else "")
        else:
            what = ("field" if isinstance(target, n.Field) else "let" if isinstance(target, n.Let) else "param") + \
                f" `{target.name}`"
        owner = _owner_block(analysis, target, occ)
        if owner is not None:
            what += f" of {owner.kind} `{owner.name}`"
        found = analysis.values_of(target) if not isinstance(target, n.Block) else []
        values += found
        shown = _summary(found, format_quantity, np)
        lines.append(f"- {what}" + (f" = **{shown}**" if shown else ""))
    if len(targets) > MAX_SELECTED_SHOWN:
        lines.append(f"- and {len(targets) - MAX_SELECTED_SHOWN} more")
    shown = _summary(values, format_quantity, np) if len(targets) <= MAX_SELECTED_SHOWN else ""
    if shown and " .. " in shown:
        lines += ["", f"from {shown}"]
    return "\n".join(lines)


def _choice_markdown(analysis: Analysis, offset: int) -> tuple[str, Span] | None:
    """A choice field's value (`distribution = "dc800"`): the field, what it says, and its choices with the one
    written in bold (before session 25 the string hovered as nothing, where a CUE user sees the disjunction)."""
    for stmt, block in analysis.statements:
        value = getattr(stmt, "value", None)
        if not (isinstance(stmt, n.Field) and isinstance(value, n.String) and block is not None
                and value.span.start <= offset < value.span.end):
            continue
        spec = kind_spec(block.kind)
        fspec = spec.fields.get(stmt.name) if spec is not None else None
        if fspec is None or not fspec.type.startswith("choice:"):
            return None
        choices = fspec.type[len("choice:"):].split("|")
        lines = [f'**choice** `"{value.value}"` of field `{stmt.name}` of {block.kind} `{block.name}`']
        if fspec.doc:
            lines += ["", fspec.doc]
        lines += ["", "One of " + ", ".join(f'**"{c}"**' if c == value.value else f'"{c}"' for c in choices)
                  + ("" if value.value in choices else f' (not `"{value.value}"`)')]
        return "\n".join(lines), value.span
    return None


def _kind_field_markdown(analysis: Analysis, blocks: list[n.Block], name: str, format_quantity, np) -> str:
    """A field of a kind that the block does not set: what the kind says of it, and its value where the
    spec places the block (the models compute it, or it takes its default)."""
    block = blocks[0]
    fspec = kind_spec(block.kind).fields[name]
    lines = [f"**{'output' if fspec.output else 'field'}** `{name}` of {block.kind} `{block.name}`: {fspec.type}"]
    if fspec.doc:
        lines += ["", fspec.doc]
    results = analysis.results_within(VALUE_WAIT_S)
    if results is not None:
        paths = [f"{inst.path}.{name}" for b in blocks for inst in analysis.instances_of(b)]
        shown = analysis.value_line([(p, results.values[p], results.units.get(p, ""), results.graph.nodes[p].display)
                                     for p in paths if p in results.values and p in results.graph.nodes],
                                    format_quantity, np)
        if shown:
            lines += ["", shown]
    return "\n".join(lines)


def _owner_block(analysis: Analysis, member, occ: Occurrence) -> n.Block | None:
    for stmt, block in analysis.statements:
        if stmt is member:
            return block
    # a member of a block in another module: search the module's blocks
    module = getattr(member, "name_span", None)
    if module is None or analysis.checked is None:
        return None
    for mod in analysis.checked.program.modules.values():
        todo = [s for s in mod.statements if isinstance(s, n.Block)]
        while todo:
            block = todo.pop()
            if any(s is member for s in block.body):
                return block
            todo.extend(s for s in block.body if isinstance(s, n.Block))
    return None


# ----------------------------------------------------------------------------- completion

@dataclass
class Completion:
    label: str
    kind: str       # "keyword", "field", "kind", "name", "unit", "choice", "definition", "module", "function"
    detail: str = ""
    doc: str = ""
    insert: str | None = None
    import_line: tuple[int, str] | None = None     # (offset, text): the import the completion needs, added with it
    sort: str | None = None       # the order the editor lists it in (LSP sortText); None: by label
    start: int | None = None      # the offset it replaces from, to the cursor (an import's path); None: the word


MAX_HOVER_ROWS = 16
# the keywords completion offers, by where the grammar takes them (grammar/factory.lark): a statement of the module,
# a statement of a block (no import or param there: misplaced-statement), and an expression
MODULE_KEYWORDS = ("let", "assert", "param", "import", "from")
BLOCK_KEYWORDS = ("let", "assert")
EXPRESSION_KEYWORDS = ("if", "then", "else", "and", "or", "not", "true", "false")


def completions(analysis: Analysis, offset: int) -> list[Completion]:
    """What may be typed at `offset`, by context: after `:`/`extends` a definition of the right kind,
    after a number a unit (most common first), inside a choice field's string its choices, at the start of a
    statement the statement keywords of that place, the fields of the enclosing kind and the kinds it may contain,
    elsewhere the expression keywords and the names in scope."""
    text = analysis.text
    line_start = text.rfind("\n", 0, offset) + 1
    before = text[line_start:offset]
    head = before[:len(before) - len(_trailing_word(before))]      # the line before the word being typed
    kind_name = _enclosing_kind(text, offset)          # textual: works while the buffer does not parse
    known = analysis if analysis.module is not None else analysis.fallback
    block = _enclosing_block(known, _offset_in(known, text, offset)) if known is not None else None
    module = known.module if known is not None else None
    scopes = known.checked.scopes if known is not None and known.checked is not None else None

    import re
    inside = _scan(text, offset)[1]
    if inside == "comment":
        return []
    # a choice inside a string: `distribution = "`; nothing else inside a string
    m = re.match(r'\s*([A-Za-z_]\w*)\s*=\s*"[^"]*$', before)
    if inside == "string":
        path = re.match(r'\s*(?:from|import)\s+"([^"\n]*)$', before)
        if path:
            return _import_paths(analysis, path.group(1), offset)
        spec = kind_spec(kind_name) if m and kind_name is not None else None
        fspec = spec.fields.get(m.group(1)) if spec is not None else None
        if fspec is not None and fspec.type.startswith("choice:"):
            return [Completion(c, "choice", fspec.doc) for c in fspec.type[len("choice:"):].split("|")]
        return []
    # an import: the stdlib's modules after `from` or `import`; after `from m import` the names m defines
    if re.match(r"\s*(?:from|import)\s+[A-Za-z_]?[\w.]*$", before):
        from dsl.resources import stdlib_modules
        return [Completion(name, "module", "stdlib module") for name in stdlib_modules()]
    m = re.match(r'\s*from\s+([A-Za-z_][\w.]*|"[^"\n]*")\s+import\s+((?:[A-Za-z_]\w*\s*,\s*)*)[A-Za-z_]?\w*$', before)
    if m:
        written = set(re.findall(r"[A-Za-z_]\w*", m.group(2)))
        return [Completion(name, "definition", what) for name, what in _module_names(analysis, m.group(1))
                if name not in written]
    # a unit right after a number (not after a name that ends in digits, `DGX_B200 `, nor a count, `x 2 `)
    if re.search(_NUMBER_THEN_SPACE + r"$", head) or re.search(_NUMBER_THEN_SPACE + r"[A-Za-z%$]+$", before):
        return _unit_completions(before, kind_name)
    # a definition after `kind name:` or `extends`
    m = re.match(r"\s*([A-Za-z_]\w*)\s+([A-Za-z_]\w*)\s*(?::|extends)\s*[\w.]*$", before)
    if m:
        own = m.group(2) if not before.startswith((" ", "\t")) else None
        return _definitions_of(analysis, known, scopes, module, offset, kind_spec(m.group(1)), own)
    # the start of a statement
    if not head.strip():
        in_block = bool(_scan(text, offset)[0])           # a `{` still open: a statement of a block's body
        out = [Completion(k, "keyword") for k in (BLOCK_KEYWORDS if in_block else MODULE_KEYWORDS)]
        spec = kind_spec(kind_name) if kind_name is not None else None
        if spec is not None:
            written = _fields_written(text, offset)
            for fname, fspec in spec.fields.items():
                if fspec.output or fname in written:        # (a field set twice is an error: duplicate)
                    continue
                out.append(Completion(fname, "field", _field_detail(spec.name, fname), fspec.doc, insert=f"{fname} = "))
            contains = spec.contains
        else:
            contains = tuple(all_kinds())
        for kname in contains:
            kspec = kind_spec(kname)
            if kspec is not None:
                out.append(Completion(kspec.name, "kind", "block", kspec.doc))
        return out
    # the value of a choice field (`cooling = `): its choices, first, before the names and keywords of an expression
    out = []
    m = re.match(r"\s*([A-Za-z_]\w*)\s*=\s*$", before)
    after = text[offset:text.find("\n", offset) if "\n" in text[offset:] else len(text)]
    spec = kind_spec(kind_name) if m and kind_name is not None and not after.strip() else None
    fspec = spec.fields.get(m.group(1)) if spec is not None else None
    if fspec is not None and fspec.type.startswith("choice:"):
        out = [Completion(f'"{c}"', "choice", fspec.doc, insert=f'"{c}"', sort=f"0{i:03d}")
               for i, c in enumerate(fspec.type[len("choice:"):].split("|"))]
    ref = re.match(r"\s*([A-Za-z_]\w*)\s*=\s*\w*$", before)       # a reference's value, its name half typed
    rspec = kind_spec(kind_name) if ref and kind_name is not None and re.fullmatch(r"\w*\s*(#.*)?", after) else None
    fspec = rspec.fields.get(ref.group(1)) if fspec is None and rspec is not None else fspec
    if fspec is not None and fspec.type.startswith("ref:") and kind_spec(fspec.type[len("ref:"):]) is not None:
        # a reference field (`model = `, `system = `): the definitions of its kind, first, the stdlib's with their
        # import where none is visible (s23-hunt: before, only the names in scope, none of the stdlib's models)
        out = [replace(c, sort=f"0{c.sort}") for c in _definitions_of(
            analysis, known, scopes, module, offset, kind_spec(fspec.type[len("ref:"):]), None)]
    # names in scope
    if scopes is None or module is None:
        return out
    out += [Completion(k, "keyword") for k in EXPRESSION_KEYWORDS]
    dotted = re.search(r"([A-Za-z_][\w.]*)\.\w*$", before)
    if dotted:
        target = scopes.lookup_dotted(dotted.group(1).split("."), block, module)
        if isinstance(target, n.Block):
            return [Completion(name, "name", type(m).__name__.lower()) for name, m in
                    sorted(scopes.members(target).values.items())] + \
                [Completion(f, "field", s.type, s.doc) for f, s in
                 (kind_spec(target.kind).fields.items() if kind_spec(target.kind) else []) if s.output]
        if isinstance(target, n.Module):
            return [Completion(name, "name") for name in scopes.module_names(target)]
        return []
    offered = {c.label for c in out}
    for name in scopes.visible_names(block, module):
        if name not in offered:
            out.append(Completion(name, "name"))
    from dsl.check import FUNCTIONS           # the built-ins (`sum(rack.power)`), as signature help explains them
    for name, said in FUNCTIONS.items():
        label, _, doc = said.partition(": ")
        out.append(Completion(name, "function", label, doc))
    return out


def _import_paths(analysis: Analysis, typed: str, offset: int) -> list[Completion]:
    """Inside an import's quotes (`from "./`, `import "./sub/`): the .factory files and the folders in the folder the
    typed path names, read from the document's folder, each replacing the path's last part (`./common.fa` ->
    `./common.factory`); a path typed with no folder gets `./`. Only inside the spec's root (an import that leaves
    it is refused, `import-escapes-root`), the document itself left out, an open document never saved included;
    hidden entries and names an import cannot quote (a `"`, a backslash) are not offered."""
    folder = os.path.dirname(os.path.abspath(analysis.path))
    head = typed[:typed.rfind("/") + 1]
    if os.path.isabs(head) or not os.path.isabs(analysis.path):
        return []
    base = os.path.realpath(os.path.join(folder, head))
    root = os.path.realpath(analysis.root or folder)
    if os.path.commonpath([root, base]) != root:
        return []
    prefix = "" if head or typed.startswith(".") else "./"
    own = os.path.realpath(analysis.path)
    found: dict[str, str] = {}                  # name -> "file" or "folder"
    try:
        entries = list(os.scandir(base))
    except OSError:
        entries = []
    for entry in entries:
        try:
            if entry.is_dir():
                found[entry.name + "/"] = "folder"
            elif entry.name.endswith(".factory") and os.path.realpath(entry.path) != own:
                found[entry.name] = "file"
        except OSError:
            continue
    for path in analysis.buffers:               # (an open document never saved)
        if os.path.dirname(path) == base and path.endswith(".factory") and path != own:
            found.setdefault(os.path.basename(path), "file")
    start = offset - len(typed) + len(head)
    return [Completion(prefix + name, kind, insert=prefix + name, start=start,
                       sort=f"{0 if kind == 'file' else 1}{name}")
            for name, kind in sorted(found.items())
            if not name.startswith(".") and not any(c in name for c in '"\\\n\r')]


def _definitions_of(analysis: Analysis, known, scopes, module, offset: int, wanted, own: str | None):
    """The definitions of the kind `wanted` (a KindSpec; None: any) a name may be written as at `offset` (after
    `kind name:` or `extends`, or as a reference field's value): those visible in the module (or, before any version
    parsed, those the text writes and imports), sorted first, then the stdlib's of that kind whose names are not
    taken here, each with the import it needs (before session 25 the stdlib's came only while no definition of the
    kind was visible: with `from models import Llama3_1_70B`, `model = ` offered that model alone). `own`: the
    top-level block being written, left out (extending itself is a cycle; a part, indented, may share its
    definition's name: `rack r: r x 2`)."""
    out = []
    if scopes is not None and module is not None:
        visible = []
        names = scopes.visible_names(None, module)
        taken = set(names)
        for name in names:
            found = scopes.module_lookup(module, name)
            if isinstance(found, n.Block):
                visible.append((name, found.kind, found.doc))
    else:                           # no version parsed yet: the definitions the text writes and imports
        visible = _definitions_written(analysis, offset)
        taken = {name for name, _kind, _doc in visible}
    for name, kind, doc in visible:
        if name == own:
            continue
        if wanted is None or kind_spec(kind) is wanted:
            lines = (doc or "").strip().splitlines()
            out.append(Completion(name, "definition", kind, lines[0] if lines else "", sort=f"0{name}"))
    if wanted is not None:      # then the stdlib's of the kind not visible here, each with its import (as
        from compiler import catalogue      # rust-analyzer's flyimport; before session 25 only while none was)
        ends = _common_ends(known.text, analysis.text) if known is not None and known is not analysis else None
        for entry in catalogue.catalogue():
            if kind_spec(entry.kind) is wanted and entry.name not in taken and entry.name != own:
                at, line = import_edit(known, entry.module, entry.name)
                if ends is not None:            # (the last parsed version's offset, in the buffer's text)
                    at = moved_offset(at, known.text, analysis.text, *ends)
                out.append(Completion(entry.name, "definition", f"{entry.kind} (from {entry.module} import)",
                                      entry.doc, import_line=(at, line), sort=f"1{entry.name}"))
    return out


def _definitions_written(analysis: Analysis, offset: int) -> list[tuple[str, str, str | None]]:
    """(name, kind, doc) of each top-level block that a text which does not parse yet writes or imports by name,
    read from a parse of the text before the line at `offset` with the blocks still open there closed (and, at
    the top level, the text after that line): what `kind name: ` may name before any version of the file parsed."""
    from dsl.parser import parse

    text = analysis.text
    line_start = text.rfind("\n", 0, offset) + 1
    opens = _scan(text, offset)[0]
    if opens:
        rest = "\n" + "}\n" * len(opens)
    else:
        line_end = text.find("\n", offset)
        rest = "\n" + (text[line_end + 1:] if line_end >= 0 else "")
    sink, source = Sink(), Source(analysis.path, text[:line_start] + rest)
    sink.add_source(source)
    parsed = parse(source, sink)
    out: list[tuple[str, str, str | None]] = []
    for stmt in getattr(parsed, "statements", None) or []:
        if isinstance(stmt, n.Block):
            out.append((stmt.name, stmt.kind, stmt.doc))
        elif isinstance(stmt, n.Import) and stmt.names:
            module = f'"{stmt.module}"' if stmt.is_path else stmt.module
            kinds = dict(_module_names(analysis, module))
            out += [(name, kinds[name], None) for name, _span in stmt.names if name in kinds]
    return out


def _module_names(analysis: Analysis, module: str) -> list[tuple[str, str]]:
    """(name, what it is) of each top-level definition, `let` and `param` of the module an import names: a stdlib
    module (`chips`) or a file of the user's (`"./common.factory"`, from the document's folder; its open buffer if
    the editor has it). A parse of the file alone (the import being typed has not been checked)."""
    import os

    from dsl.resources import stdlib_dir

    if module.startswith('"'):
        path = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(analysis.path)), module.strip('"')))
        text = analysis.buffers.get(path)
        if text is None:
            try:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
            except (OSError, ValueError, UnicodeDecodeError):
                return []
        return list(_names_defined(text, path))
    path = stdlib_dir() / (module.replace(".", "/") + ".factory")
    try:
        return list(_names_defined(path.read_text(encoding="utf-8"), str(path)))
    except (OSError, UnicodeDecodeError):
        return []


@functools.lru_cache(maxsize=32)
def _names_defined(text: str, path: str) -> tuple[tuple[str, str], ...]:
    from dsl.parser import parse

    sink, source = Sink(), Source(path, text)
    sink.add_source(source)
    parsed = parse(source, sink)
    out = []
    for stmt in getattr(parsed, "statements", None) or []:
        if isinstance(stmt, n.Block):
            out.append((stmt.name, stmt.kind))
        elif isinstance(stmt, (n.Let, n.Param)):
            out.append((stmt.name, "let" if isinstance(stmt, n.Let) else "param"))
    return tuple(out)


@functools.lru_cache(maxsize=1024)
def _field_detail(kind_name: str, field_name: str) -> str:
    """What a field takes, for its completion item: a quantity's dimension and the units it is most often written in
    (`power: W, kW, MW`, as unit completion orders them), a choice's choices, else the declared type."""
    from dsl.schema import ChoiceKind, QuantityKind
    from dsl.units import DIMENSIONLESS, dimension_name

    fspec = kind_spec(kind_name).fields[field_name]
    if isinstance(fspec.kind, ChoiceKind):
        return "one of " + ", ".join(f'"{c}"' for c in fspec.kind.choices)
    if isinstance(fspec.kind, QuantityKind) and not fspec.kind.point:
        common = _common_units(f"{field_name} = 1 ", kind_name)
        if fspec.kind.dim == DIMENSIONLESS:
            return f"a plain number ({fspec.type})"
        return f"{dimension_name(fspec.kind.dim)}: {', '.join(common)}" if common else fspec.type
    return fspec.type


def _common_units(before: str, kind_name: str | None) -> list[str]:
    """The UNITS_OFFERED units the stdlib writes most of those completion offers after `before` (`max_power = 1 `:
    W, kW, MW), or its first where the stdlib writes none of them."""
    units = [c.label for c in _unit_completions(before, kind_name)]
    return [u for u in units if _units_written().get(u, 0) > 0][:UNITS_OFFERED] or units[:1]


def _unit_completions(before: str, kind_name: str | None) -> list[Completion]:
    """Every unit name (with its prefixes) and every compound unit the schema's fields use; after
    `field = 12 ` only those of the field's dimension, when the field is known."""
    import re

    from dsl.schema import QuantityKind

    m = re.match(r"\s*([A-Za-z_]\w*)\s*=", before)
    spec = kind_spec(kind_name) if kind_name is not None else None
    fspec = spec.fields.get(m.group(1)) if m and spec is not None else None
    wanted = point = None
    if fspec is not None and isinstance(fspec.kind, QuantityKind):
        wanted, point = fspec.kind.dim, fspec.kind.point   # (a plain-number field, `ratio`: `%` and `ppm`)
    return [Completion(name, "unit", sort=f"{i:05d}") for i, name in enumerate(_units_of(wanted, point))]


@functools.lru_cache(maxsize=256)
def _units_of(wanted, point) -> tuple[str, ...]:
    """The units of dimension `wanted` (a temperature point or not: `point`; None: every unit), most common first
    (computed once per dimension: a completion after a number is a lookup)."""
    from dsl.units import DIMENSIONLESS, UnitError, parse_unit, table

    names = set(table().all_names())
    usage: dict[str, int] = {}            # unit -> how many fields of the schema are declared in it
    for spec in all_kinds().values():
        for fspec in spec.fields.values():
            try:
                parse_unit(fspec.type)
                names.add(fspec.type)
                usage[fspec.type] = usage.get(fspec.type, 0) + 1
            except UnitError:
                continue
    if wanted is not None and wanted != DIMENSIONLESS and not point:     # rates and prices: over a denominator
        names |= {f"{a}/{b}" for a in table().all_names() for b in _DENOMINATORS}
    written = _units_written()
    out = []
    for name in sorted(names):
        try:
            parsed = parse_unit(name)
        except UnitError:
            continue
        # a temperature point field takes a point (degC), any other a difference (K): the check's temperature-point
        if wanted is None or (parsed.dim == wanted and parsed.point == point):
            out.append(name)
    # by how common they are: how often the stdlib writes them (`kW`, `MW`, `W`, ...), then how many of the schema's
    # fields are declared in them, then simple before compound, short before long (`W` before `BTU/day`)
    out.sort(key=lambda u: (-written.get(u, 0), -usage.get(u, 0), "/" in u, len(u), u))
    return tuple(out)


_WRITTEN: dict[str, int] = {}


def _units_written() -> dict[str, int]:
    """unit -> how many quantities of the stdlib's .factory files are written in it (read once per process)."""
    if not _WRITTEN:
        import re

        from dsl.resources import stdlib_dir

        counts: dict[str, int] = {"": 0}
        for path in sorted(stdlib_dir().glob("*.factory")):
            for line in path.read_text(encoding="utf-8").splitlines():
                code = line.split("#", 1)[0]
                for m in re.finditer(r"(?<![\w.])\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?\s+([A-Za-z%$][\w^*/]*)", code):
                    counts[m.group(1)] = counts.get(m.group(1), 0) + 1
        _WRITTEN.update(counts)
    return _WRITTEN


# a number token (grammar/factory.lark's NUMBER) that is not the end of a name, not a count after `x`, and
# the spaces after it
_NUMBER_THEN_SPACE = (r"(?<![\w.])(?<!\bx )(?:\d[\d_]*(?:\.\d[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?\s+")
_DENOMINATORS = ("s", "h", "day", "yr", "kWh", "MWh", "tok", "Mtok", "min", "K", "kg")


def _trailing_word(text: str) -> str:
    i = len(text)
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_"):
        i -= 1
    return text[i:]


def _scan(text: str, offset: int) -> tuple[list[int], str | None]:
    """Read `text` up to `offset` as the lexer does: (the offsets of the `{` still open there, and what the
    cursor is inside: "comment", "string" or None for code)."""
    opens: list[int] = []
    i = 0
    while i < offset:
        c = text[i]
        if c == "#":
            j = text.find("\n", i)
            if j < 0 or j >= offset:
                return opens, "comment"
            i = j
            continue
        if c == '"':
            if text.startswith('"""', i):
                j = text.find('"""', i + 3)
                if j < 0 or j + 3 > offset:
                    return opens, "string"
                i = j + 3
            else:
                j = i + 1
                while j < offset and text[j] not in '"\n':
                    j += 2 if text[j] == "\\" else 1
                if j >= offset:
                    return opens, "string"
                i = j + 1
            continue
        if c == "{":
            opens.append(i)
        elif c == "}" and opens:
            opens.pop()
        i += 1
    return opens, None


def _fields_written(text: str, offset: int) -> set[str]:
    """The names the innermost block open at `offset` sets (`name = ...` statements of its own body, on lines other
    than the cursor's), read from the text as `_scan` reads it, so that completion does not offer a field the block
    already sets (a second one is a `duplicate` error) while the buffer does not parse."""
    import re

    opens, _inside = _scan(text, offset)
    if not opens:
        return set()
    cursor_line = text.rfind("\n", 0, offset) + 1
    statement = re.compile(r"[ \t]*([A-Za-z_]\w*)[ \t]*=(?!=)")
    written: set[str] = set()
    depth, i, line_start = 0, opens[-1] + 1, False
    while i < len(text):
        if line_start and depth == 0 and i != cursor_line:
            m = statement.match(text, i)
            if m:
                written.add(m.group(1))
        c, line_start = text[i], False
        if c == "\n":
            line_start = True
        elif c == "#":                              # a comment: to the end of its line
            j = text.find("\n", i)
            i = len(text) if j < 0 else j
            continue
        elif c == '"':                              # a string: to its closing quote (one line), or `"""`
            if text.startswith('"""', i):
                j = text.find('"""', i + 3)
                i = len(text) if j < 0 else j + 3
            else:
                j = i + 1
                while j < len(text) and text[j] not in '"\n':
                    j += 2 if text[j] == "\\" else 1
                i = j + 1 if j < len(text) and text[j] == '"' else j
            continue
        elif c == "{":
            depth += 1
        elif c == "}":
            if depth == 0:
                break
            depth -= 1
        i += 1
    return written


def _enclosing_kind(text: str, offset: int) -> str | None:
    """The kind of the innermost block open at `offset`, read from the text (strings and comments skipped),
    so that completion works in a buffer that does not parse: the first word of the `{`'s line."""
    opens, _inside = _scan(text, offset)
    if not opens:
        return None
    brace = opens[-1]
    header = text[text.rfind("\n", 0, brace) + 1:brace].split()
    return header[0] if header and kind_spec(header[0]) is not None else None


def _enclosing_block(analysis: Analysis, offset: int) -> n.Block | None:
    best = None
    for stmt, _block in analysis.statements:
        if isinstance(stmt, n.Block) and stmt.has_body and stmt.span.start < offset < stmt.span.end:
            if best is None or stmt.span.start >= best.span.start:
                best = stmt
    return best


# ----------------------------------------------------------------------------- signature help

@dataclass
class Signature:
    label: str                    # `clamp(x, lo, hi)`
    doc: str                      # what it computes
    parameters: list[str]         # the labels of its parameters, as the label writes them
    active: int                   # the parameter the cursor is in (0-based)


def signature_at(analysis: Analysis, offset: int) -> Signature | None:
    """The built-in function whose call the cursor is inside (`clamp(x, |`), with the parameter it is in: the
    innermost `(` still open on the text before it (strings and comments skipped, within the statement), preceded by
    a function's name (`dsl.check.FUNCTIONS`, the table the checker's messages quote). None elsewhere."""
    import re

    from dsl.check import FUNCTIONS

    text = analysis.text
    opens, inside = _scan(text, offset)
    if inside is not None:
        return None
    start = max(opens[-1] + 1 if opens else 0, text.rfind("\n", 0, offset) + 1)
    stack: list[tuple[int, int]] = []          # (offset of each open `(`, commas at its level so far)
    i = start
    while i < offset:
        c = text[i]
        if c == '"':
            j = text.find('"', i + 1)
            i = offset if j < 0 or j >= offset else j + 1
            continue
        if c == "(":
            stack.append((i, 0))
        elif c == ")" and stack:
            stack.pop()
        elif c == "," and stack:
            stack[-1] = (stack[-1][0], stack[-1][1] + 1)
        i += 1
    while stack:
        paren, commas = stack.pop()
        m = re.search(r"([A-Za-z_]\w*)\s*$", text[start:paren])
        if m and m.group(1) in FUNCTIONS:
            label, _, doc = FUNCTIONS[m.group(1)].partition(": ")
            call = label.split(" or ")[0]                       # `max(a, b, ...) or max(rack.power)`: the first
            params = [p.strip() for p in call[call.index("(") + 1:call.rindex(")")].split(",")]
            return Signature(label, doc, params, min(commas, len(params) - 1))
    return None


# ----------------------------------------------------------------------------- workspace symbols

def matches(query: str, name: str) -> bool:
    """Whether `query`'s letters appear in `name` in order, case ignored (`h1sxm` finds `H100_SXM`), as editors filter
    symbols; an empty query matches every name."""
    it = iter(name.lower())
    return all(c in it for c in query.lower())


def stdlib_symbols(query: str) -> list[tuple[str, str, str, Span]]:
    """(name, kind, module, span of the name) of every stdlib definition whose name `matches` `query`: what
    `workspace/symbol` finds in the stdlib (rust-analyzer's finds the dependencies' items too), so `H100` is one
    search away without knowing it lives in chips.factory. Read from the catalogue `factory list` shows."""
    from compiler import catalogue
    from dsl.resources import stdlib_dir

    out = []
    for entry in catalogue.catalogue():
        if not matches(query, entry.name):
            continue
        path = stdlib_dir() / f"{entry.module}.factory"
        source = _stdlib_source(str(path))
        line = source.line_text(entry.line)
        col = line.find(f" {entry.name}") + 1
        start = source._line_starts[entry.line - 1] + col
        out.append((entry.name, entry.kind, entry.module, source.span(start, start + len(entry.name))))
    return sorted(out, key=lambda found: query.lower() not in found[0].lower())   # (stable) the query's letters
                                                                                     # together first


@functools.lru_cache(maxsize=32)
def _stdlib_source(path: str) -> Source:
    with open(path, encoding="utf-8") as handle:
        return Source(path, handle.read())


# ----------------------------------------------------------------------------- semantic tokens

# LSP's standard token types and modifiers the server uses (the legend it registers, in this order)
TOKEN_TYPES = ("namespace", "class", "parameter", "variable", "property", "type")
TOKEN_MODIFIERS = ("declaration", "readonly", "defaultLibrary")


def semantic_tokens(analysis: Analysis) -> list[tuple[Span, str, tuple[str, ...]]]:
    """(span, token type, modifiers) of each name and unit of the document, by what it means as the checker reads
    it, which a TextMate grammar cannot know: a definition or a part (`class`), a field or a figure a model computes
    (`property`), a `let` (`variable`), a `param` (`parameter`, readonly), a module (`namespace`), a unit (`type`);
    `declaration` where it is defined, `defaultLibrary` where the stdlib defines it. In document order, one name
    each (a dotted base, `chips.H100_SXM`: its module part a module, its last name what it names)."""
    if analysis.module is None:      # half typed: the last version that parsed, its tokens moved past the edit
        known = analysis.fallback     # (before session 25 none: the editor's colours went at every such keystroke)
        if known is None or known.module is None:
            return []
        moved = [(moved_span(analysis, known, span), kind, mods) for span, kind, mods in semantic_tokens(known)]
        return [(span, kind, mods) for span, kind, mods in moved if span is not None]
    out: list[tuple[Span, str, tuple[str, ...]]] = []
    kinds = {n.Block: "class", n.Field: "property", n.Let: "variable", n.Param: "parameter", n.Module: "namespace"}
    for occ in analysis.occurrences:
        targets = analysis.targets(occ)
        target = targets[0] if targets else None
        if target is None:
            if not analysis.kind_field(occ):
                continue
            kind, mods = "property", ()              # a field of the kind the block does not set: a model output
        else:
            kind = kinds.get(type(target))
            if kind is None:
                continue
            mods = tuple(m for m, on in (
                ("declaration", occ.role == DEFINITION), ("readonly", isinstance(target, n.Param)),
                ("defaultLibrary", str(getattr(getattr(target, "name_span", None), "file", "")).startswith("<stdlib>")))
                if on)
        span = occ.span
        name = getattr(target, "name", None)
        written = analysis.text[span.start:span.end]
        if name and written.endswith(name) and len(written) > len(name):
            span = analysis.source.span(span.end - len(name), span.end)
        out.append((span, kind, mods))
        part = analysis.base_module(occ, occ.span.start)          # `c` of a base `c.H100_SXM`: the module
        if part is not None:
            out.append((part[1], "namespace", ()))
    out += [(span, "type", ()) for span, _unit in analysis.units]
    out.sort(key=lambda token: token[0].start)
    return out


# ----------------------------------------------------------------------------- rename

class RenameRefused(Exception):
    """A rename that would change what the spec means; the message says why (the editor shows it)."""


def refuse_unusable_name(new_name: str) -> None:
    """RenameRefused unless `new_name` is a name a spec can use for a definition or an alias: an identifier that is
    neither a keyword nor a built-in function's name."""
    import re

    from dsl.check import FUNCTIONS
    from dsl.parser import KEYWORDS

    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", new_name or "") or new_name in KEYWORDS:
        raise RenameRefused(f"`{new_name}` is not a name a spec can use")
    if new_name in FUNCTIONS:
        raise RenameRefused(f"`{new_name}` is a built-in function's name")


def inherited_reads(checked) -> list[tuple[n.Name, n.Block, object, bool]]:
    """(a name written in a base's formula, a block that inherits the formula, the member that block's evaluation
    of it reads (`dsl.check.late_member`), whether the name is free in the base: no member of it) for every name of
    every formula a block of the spec's own modules inherits: `dsl.check.late_reads`, the walk the checker's
    late-binding check reads too (inherited formulas bind late, dsl/resolve.py)."""
    from dsl.check import late_reads

    if checked is None:
        return []
    scopes = checked.scopes
    return [(e, derived, member, e.ident not in scopes.members(base).values)
            for e, derived, base, _what, member, _owner in late_reads(scopes, checked.program)]


def late_captures(analysis: Analysis) -> set[tuple[str, int, str, int]]:
    """{(file, start of a name written in a base's formula, file, start of the name of a block that inherits the
    formula)}: each name of an inherited formula that a block extending the base binds to a member of its own or
    of a block enclosing it (`inherited_reads`), though in the base it is no member (a param, a member of an
    enclosing block of the base). A rename that changes this set changes what the spec computes, though every
    name the checker binds in the base stays bound where it was."""
    return {(e.span.file, e.span.start, derived.name_span.file, derived.name_span.start)
            for e, derived, _member, free in inherited_reads(analysis.checked) if free}


def late_capture_changed(before: Analysis, after: Analysis, back) -> tuple[str, int] | None:
    """The (file, start) of the name of a block whose inherited formulas read another member after a rename than
    before (`late_captures`), or None. `back(file, position)`: a position of the renamed text, in the text before
    (each file's own edits undone)."""
    old = late_captures(before)
    new = {(f, back(f, p), g, back(g, q)) for f, p, g, q in late_captures(after)}
    changed = sorted(old ^ new)
    return (changed[0][2], changed[0][3]) if changed else None


def problem_counts(a: Analysis) -> dict[tuple[str, str], int]:
    """{(severity, code): how many} of an analysis' errors and warnings: a rename may add none (its law)."""
    counts: dict[tuple[str, str], int] = {}
    for d in a.sink.items:
        if d.severity in ("error", "warning"):
            counts[(d.severity, d.code)] = counts.get((d.severity, d.code), 0) + 1
    return counts


def added_problem(before: Analysis, after: Analysis):
    """The first (severity, code), in sorted order, of which `after` has more errors or warnings than `before`
    (`problem_counts`), with its first diagnostic in `after`; None where it has no more of any."""
    before_problems, after_problems = problem_counts(before), problem_counts(after)
    for key, count in sorted(after_problems.items()):
        if count > before_problems.get(key, 0):
            return key, next(d for d in after.sink.items if (d.severity, d.code) == key)
    return None


def rename_edits(analysis: Analysis, offset: int, new_name: str) -> list[tuple[Span, str]]:
    """The edits (span, new text) that rename the definition under `offset` to `new_name` and every name in
    this document that refers to it. Raises RenameRefused when there is nothing to rename, or the name is a
    field (its name is the kind's), or the definition is in another file, or `new_name` is no name a spec can use
    (`refuse_unusable_name`: no identifier, a keyword or a built-in function's name), or the
    renamed text would not mean the same: the law is that the renamed spec has no diagnostic the old one did
    not have, and its new name is referred to from exactly the places the old one was (no capture by, or of,
    another definition of that name)."""
    alias = alias_at(analysis, offset)
    if alias is not None:
        return rename_alias(analysis, alias, new_name)
    _occ, target, decl = _rename_target(analysis, offset)
    refuse_unusable_name(new_name)
    old = target.name
    spans = analysis.references(target)
    if decl not in spans:
        spans.append(decl)
    edits = []
    for span in sorted(set(spans), key=lambda s: s.start):
        text = analysis.text[span.start:span.end]      # a base (`extends a.b`) keeps its module prefix
        start = span.start + len(text) - len(old)
        edits.append((analysis.source.span(start, start + len(old)), new_name))
    if new_name == old:
        return edits
    # the law: apply the edits, check again, compare
    after, moved = _renamed(analysis, edits, old, new_name)
    refuse_late_capture(analysis, after, {os.path.realpath(analysis.path): edits}, old, new_name)
    new_decl = after.at(moved[_name_span_in(edits, decl).start])
    new_target = after.resolve(new_decl) if new_decl is not None else None
    refs_after = sorted(s.start for s in after.references(new_target)) if new_target is not None else []
    if refs_after != sorted(moved.values()):
        raise RenameRefused(f"renaming `{old}` to `{new_name}` would change what some names refer to "
                            f"(`{new_name}` is already visible there)")
    return edits


def refuse_late_capture(before: Analysis, after: Analysis, edits: dict[str, list[tuple[Span, str]]], old: str,
                        new_name: str) -> None:
    """RenameRefused where the rename (`edits`: each file's, by its real path) makes a block's inherited formula
    read another member than before (`late_capture_changed`)."""
    def back(file: str, position: int) -> int:
        shift = 0                   # what the edits before `position` added to the text
        for span, text in sorted(edits.get(file if file.startswith("<") else os.path.realpath(file), ()),
                                 key=lambda edit: edit[0].start):
            if span.start + shift >= position:
                break
            shift += len(text) - (span.end - span.start)
        return position - shift

    found = late_capture_changed(before, after, back)
    if found is not None:
        text = after.text if os.path.realpath(found[0]) == os.path.realpath(after.path) else None
        where = f"`{_word_at(text, found[1])}`" if text is not None else os.path.basename(found[0])
        raise RenameRefused(f"renaming `{old}` to `{new_name}` would change what an inherited formula reads in "
                            f"{where} (an inherited formula reads the members of the block that extends its base)")


def _word_at(text: str, start: int) -> str:
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[start:end]


def highlights(analysis: Analysis, offset: int) -> list[tuple[Span, bool]]:
    """Document highlights: (span, written here) of every place of this document that names what the name under
    `offset` refers to (its references, as find-references gives them: an import's alias and its uses, `c` of
    `import chips as c`, the alias written); a keyword or a kind's word is none of them."""
    occ = analysis.at(offset)
    if occ is None:
        return []
    alias = alias_key(analysis, occ, offset, modules=True)
    if alias is not None:
        name = analysis.text[alias[1].start:alias[1].end]
        return [(span, (span.file, span.start) == (analysis.path, alias[0][1]) and
                 alias[0][0] == os.path.realpath(analysis.path))
                for span in places_of_alias(analysis, alias[0], name)]
    target = analysis.resolve(occ)
    if target is None:
        return []
    decl = analysis.definition_span(target)
    return [(span, span == decl) for span in analysis.references(target) if span.file == analysis.path]


def alias_at(analysis: Analysis, offset: int) -> n.Import | None:
    """The whole-module import of this document whose `as` name (`c` of `import chips as c`) is under `offset`: the
    alias itself, or a place of this document that names the module by it (`c` of `c.H100_SXM`); None elsewhere
    (and for an alias another file wrote, read here through `from "./m.factory" import c`)."""
    occ = analysis.at(offset)
    found = alias_key(analysis, occ, offset) if occ is not None and analysis.module is not None else None
    if found is None or found[0][0] != os.path.realpath(analysis.path):
        return None
    return next((stmt for stmt in analysis.module.statements if isinstance(stmt, n.Import)
                 and stmt.alias_span is not None and stmt.alias_span.start == found[0][1]), None)


def bound_name_start(stmt: n.Import) -> int:
    """The offset of the characters of the name a whole-module import binds (`import_alias`'s): its alias (`c` of
    `import chips as c`), else the module's last dotted part (`chips` of `import chips`) or a path's file stem (`lib`
    of `import "./lib.factory"`, inside the quotes)."""
    if stmt.alias_span is not None:
        return stmt.alias_span.start
    if stmt.is_path:
        return stmt.module_span.end - 1 - len(stmt.module.rsplit("/", 1)[-1])
    return stmt.module_span.end - len(import_alias(stmt))


def alias_key(analysis: Analysis, occ: Occurrence, offset: int | None = None,
              modules: bool = False) -> tuple[tuple[str, int], Span] | None:
    """For an occurrence that writes an import's alias (`c` of `import chips as c`): the alias itself, a name the
    checker binds to the module through it (`c` of `c.H100_SXM.tdp`), the `c` of a base `c.H100_SXM` (with
    `offset` past the `c`, none: that is the base's definition), or `c` imported by name from the file that wrote it
    (`from "./m.factory" import c`, and its uses there): ((the real path of the file that wrote the import, the
    offset of its `c`), the span of the alias's characters here). None for anything else, an alias of a module that
    did not load, or (unless `modules`) a module's own name (`chips` of `import chips`). With `modules` (find-references
    and highlights, not rename: a module's name is its file's), a name a whole-module import without `as` binds is
    one too: the import (`chips` of `import chips`, `lib` of `import "./lib.factory"`: `bound_name_start`) and every
    use, as for an alias."""
    checked = analysis.checked
    if checked is None:
        return None
    if occ.role == MODULE:
        stmt = occ.node
        if not modules or stmt.alias is not None or stmt.names is not None or stmt.star or \
                checked.program.imported(occ.module, stmt) is None:
            return None
        module, name = occ.module, import_alias(stmt)
        start = bound_name_start(stmt)
        span = analysis.source.span(start, start + len(name)) \
            if occ.span.start <= start and analysis.text.startswith(name, start) else occ.span
    elif occ.role == ALIAS:
        stmt = occ.node
        if stmt.alias is None or checked.program.imported(occ.module, stmt) is None:
            return None
        module, name, span = occ.module, stmt.alias, occ.span
    elif occ.role == NAME:
        found = analysis.targets(occ)
        if len(found) != 1 or not isinstance(found[0], n.Module):
            return None
        module, name, span = occ.module, occ.node.ident, occ.span
    elif occ.role == BASE:
        base = occ.node.base
        if len(base) != 2 or checked.scopes.base_of(occ.node) is None or \
                not analysis.text.startswith(base[0] + ".", occ.span.start):
            return None
        span = analysis.source.span(occ.span.start, occ.span.start + len(base[0]))
        if offset is not None and offset > span.end:
            return None
        module, name = occ.module, base[0]
    elif occ.role == IMPORTED:
        stmt, name = occ.node
        module = checked.program.imported(occ.module, stmt)
        if module is None:
            return None
        span = occ.span
    else:
        return None
    found = checked.scopes.whole_import(module, name)
    if found is None or (found[1].alias_span is None if found[1].alias is not None else not modules):
        return None
    return (os.path.realpath(found[0].path), bound_name_start(found[1])), span


def places_of_alias(analysis: Analysis, key: tuple[str, int], name: str) -> list[Span]:
    """The spans of this document that write the alias `key` (`alias_key`'s), each the alias's own characters: in its
    own file the alias and its uses, in a file that imports it by name the import and the uses there."""
    out = []
    for occ in analysis.occurrences:
        if occ.role == MODULE or occ.role in (ALIAS, NAME, BASE, IMPORTED) and \
                analysis.text.startswith(name, occ.span.start):
            found = alias_key(analysis, occ, modules=True)
            if found is not None and found[0] == key:
                out.append(found[1])
    return sorted(out, key=lambda span: span.start)


def alias_places(analysis: Analysis, stmt: n.Import) -> list[Span]:
    """The spans of this document that write the alias of `stmt` (`c` of `import chips as c`), one of its own
    imports, for the module it imports: the alias, each name `c` the checker binds to that module, and the `c` of a
    base `c.H100_SXM` whose definition is the module's (each span is the alias's own characters)."""
    if analysis.checked is None or stmt.alias is None or stmt.alias_span is None:
        return []
    return places_of_alias(analysis, (os.path.realpath(analysis.path), stmt.alias_span.start), stmt.alias)


def rename_alias(analysis: Analysis, stmt: n.Import, new_name: str) -> list[tuple[Span, str]]:
    """The edits that rename the alias of `stmt` to `new_name` in this document (`alias_places`); RenameRefused
    when the renamed document would not mean the same: an error or warning it did not have, or the new alias
    written at other places than the old."""
    refuse_unusable_name(new_name)
    old = stmt.alias
    places = alias_places(analysis, stmt)
    edits = [(span, new_name) for span in places]
    if new_name == old:
        return edits
    after, starts = _renamed(analysis, edits, old, new_name)
    refuse_late_capture(analysis, after, {os.path.realpath(analysis.path): edits}, old, new_name)
    moved = list(starts.values())
    new_stmt = alias_at(after, moved[0]) if moved else None
    if new_stmt is None or [s.start for s in alias_places(after, new_stmt)] != moved:
        raise RenameRefused(f"renaming `{old}` to `{new_name}` would change what some names refer to "
                            f"(`{new_name}` is already visible there)")
    return edits


def _renamed(analysis: Analysis, edits: list[tuple[Span, str]], old: str, new_name: str
             ) -> tuple["Analysis", dict[int, int]]:
    """The document with `edits` (sorted, not overlapping) applied and analysed again, and {each edit's start: its
    start in the renamed text}; RenameRefused where the renamed text has more problems of some severity and code
    than this one (`problem_counts`)."""
    shift, pieces, last = 0, [], 0
    moved = {}
    for span, text in edits:
        pieces += [analysis.text[last:span.start], text]
        last = span.end
        moved[span.start] = span.start + shift
        shift += len(text) - (span.end - span.start)
    renamed_text = "".join(pieces) + analysis.text[last:]
    after = Analysis(renamed_text, analysis.path, analysis.root, analysis.session, analysis.buffers)
    added = added_problem(analysis, after)
    if added is not None:
        (severity, code), first = added
        raise RenameRefused(f"renaming `{old}` to `{new_name}` would give {severity}[{code}]: {first.message}")
    return after, moved


def _rename_target(analysis: Analysis, offset: int) -> tuple[Occurrence, object, Span]:
    """(the occurrence under `offset`, the definition it names, that definition's name span) when it can be renamed
    here; RenameRefused with the reason otherwise (no name, a field, a definition of another file)."""
    occ = analysis.at(offset)
    target = analysis.resolve(occ) if occ is not None else None
    if target is None:
        raise RenameRefused("there is no name here to rename")
    if isinstance(target, n.Field):
        raise RenameRefused(f"`{target.name}` is a field: its name is the kind's, not the spec's")
    decl = analysis.definition_span(target)
    if decl is None or decl.file != analysis.path or isinstance(target, n.Module):
        raise RenameRefused(f"`{getattr(target, 'name', '?')}` is defined in another file")
    if not analysis.text[occ.span.start:occ.span.end].endswith(target.name):
        raise RenameRefused(f"`{analysis.text[occ.span.start:occ.span.end]}` selects parts by their kind here; "
                            f"rename `{target.name}` where it is named")
    return occ, target, decl


def rename_range(analysis: Analysis, offset: int) -> tuple[Span, str]:
    """LSP's prepareRename: (the span of the name under `offset`, the name) when it can be renamed, so the editor
    asks for a new name only then, over that name alone (`b` of `extends a.b`); RenameRefused with the reason
    otherwise, before the user types a name (rust-analyzer answers prepareRename the same way)."""
    alias = alias_at(analysis, offset)
    if alias is not None:
        return next(span for span in alias_places(analysis, alias) if span.start <= offset <= span.end), alias.alias
    occ, target, _decl = _rename_target(analysis, offset)
    return analysis.source.span(occ.span.end - len(target.name), occ.span.end), target.name


def _name_span_in(edits: list[tuple[Span, str]], decl: Span) -> Span:
    """The edit span that renames the definition `decl` (the edit spans cover the name only)."""
    return next(span for span, _ in edits if decl.start <= span.start and span.end <= decl.end)


# ----------------------------------------------------------------------------- code actions

UNITS_OFFERED = 3


def _import_removal(analysis: Analysis, span: Span) -> tuple[Span, str] | None:
    """(what to delete, the fix's title) for an `unused-import` at `span`: the name and its comma in an import of
    several names (`from chips import H100_SXM, B200` -> `from chips import H100_SXM`), else the whole line."""
    for stmt in analysis.module.statements:
        if not isinstance(stmt, n.Import) or not (stmt.span.start <= span.start and span.end <= stmt.span.end):
            continue
        names = stmt.names or []
        at = next((i for i, (_name, s) in enumerate(names) if s.start == span.start), None)
        if at is not None and len(names) > 1:
            name = names[at][0]
            if at + 1 < len(names):
                start, end = names[at][1].start, names[at + 1][1].start
            else:
                start, end = names[at - 1][1].end, names[at][1].end
            return analysis.source.span(start, end), f"Remove the unused import `{name}`"
        text = analysis.text
        start = text.rfind("\n", 0, stmt.span.start) + 1
        newline = text.find("\n", stmt.span.end)
        end = len(text) if newline < 0 else newline + 1
        return analysis.source.span(start, end), "Remove the unused import"
    return None


def quick_fixes(analysis: Analysis) -> list[tuple[object, Span, str, str, str]]:
    """(diagnostic, span, new text, title, "replace" | "insert") for each diagnostic with a mechanical fix:
    a "did you mean `x`?" replaces the span; a plain number where a field takes a quantity (`power_limit = 25`) gets
    one of the UNITS_OFFERED commonest units of the field's dimension (kW, W, MW: as completion orders them); a missing required field inserts `name = ` as the block's
    first line (the value is the author's to give); a stdlib name not imported inserts its import line after
    the file's imports."""
    import re
    out = []
    for diag in analysis.sink.items:
        if diag.span is None or diag.span.file != analysis.path:
            continue
        m = re.search(r"did you mean `([^`]+)`\?", diag.help or "") or re.search(r"did you mean `([^`]+)`\?",
                                                                                diag.message)
        keyword = re.search(r"`([A-Za-z_]\w*)` is not a keyword; did you mean `(\w+)`\?", diag.help or "")
        if keyword:           # the parser stops after the misspelt keyword (at `=`): the word replaced is the line's first
            line_start = analysis.text.rfind("\n", 0, diag.span.start) + 1
            word = re.compile(r"[ \t\f]*(" + re.escape(keyword.group(1)) + r")\b").match(analysis.text, line_start)
            if word:
                span = analysis.source.span(word.start(1), word.end(1))
                out.append((diag, span, keyword.group(2), f"Replace with `{keyword.group(2)}`", "replace"))
        elif m and diag.code != Code.MISSING_FIELD:
            new = m.group(1)
            if analysis.text.startswith('"', diag.span.start) and not new.startswith('"'):
                new = f'"{new}"'            # a choice misspelt inside its quotes (`"ari"`) keeps them: `"air"`
            out.append((diag, diag.span, new, f"Replace with `{new}`", "replace"))
        elif diag.code == Code.UNIT_MISMATCH and (diag.help or "").startswith("write its unit after the number"):
            number = analysis.text[diag.span.start:diag.span.end]         # `power_limit = 25`: the commonest units
            line_start = analysis.text.rfind("\n", 0, diag.span.start) + 1
            before = analysis.text[line_start:diag.span.end] + " "
            for unit in _common_units(before, _enclosing_kind(analysis.text, diag.span.start)):
                out.append((diag, diag.span, f"{number} {unit}", f"Add the unit `{unit}`", "replace"))
        elif re.search(r"add `(from \w+ import \w+)`", diag.help or "") and analysis.module is not None:
            wanted = re.search(r"add `(from (\w+) import (\w+))`", diag.help)
            at, text = import_edit(analysis, wanted.group(2), wanted.group(3))
            out.append((diag, analysis.source.span(at, at), text, f"Add `{wanted.group(1)}`", "insert"))
        elif diag.code == Code.UNKNOWN_FIELD and re.match(r"use `let (\w+) = \.\.\.`", diag.help or ""):
            own = re.match(r"use `let (\w+) = \.\.\.`", diag.help).group(1)    # a value of the user's own
            out.append((diag, diag.span, f"let {own}", f"Make it a value of your own: `let {own}`", "replace"))
        elif diag.code == Code.INVALID_CHARACTER and analysis.text.startswith("'", diag.span.start):
            quoted = re.compile(r"'((?:[^'\\\r\n]|\\.)*)'").match(analysis.text, diag.span.start)
            if quoted:                      # `'air'`: the same text in double quotes (a `"` in it escaped)
                inner = re.sub(r'(?<!\\)"', r'\\"', quoted.group(1).replace("\\'", "'"))
                out.append((diag, analysis.source.span(quoted.start(), quoted.end()), f'"{inner}"',
                            f'Write "{inner}" in double quotes', "replace"))
        elif diag.code == Code.UNUSED_IMPORT and analysis.module is not None:
            removal = _import_removal(analysis, diag.span)
            if removal is not None:
                out.append((diag, removal[0], "", removal[1], "replace"))
        elif diag.code == Code.MISSING_FIELD:       # "inference `b` does not set `model` (...)": the field's name (before
            fm = re.search(r"does not set `([A-Za-z_]\w*)`", diag.message)    # session 25: the block's, `b = `)
            brace = analysis.text.find("{", diag.span.start)
            if fm and brace >= 0:
                line_start = analysis.text.rfind("\n", 0, diag.span.start) + 1
                header = analysis.text[line_start:diag.span.start]
                indent = header[:len(header) - len(header.lstrip())] + "  "
                next_line = analysis.text.find("\n", brace)
                at = len(analysis.text) if next_line < 0 else next_line + 1
                out.append((diag, analysis.source.span(at, at), f"{indent}{fm.group(1)} = \n",
                            f"Add the required field `{fm.group(1)}`", "insert"))
    if "\r\n" in analysis.text:                  # a CRLF document's lines added end as its others do
        out = [(diag, span, new.replace("\r\n", "\n").replace("\n", "\r\n"), title, how)
               for diag, span, new, title, how in out]
    return out


def import_edit(analysis: Analysis | None, module: str, name: str) -> tuple[int, str]:
    """(offset, text) to insert so that `name` of the stdlib module `module` is imported: `, name` after the last name
    of the file's last `from module import ...` line where there is one (rust-analyzer merges an import the same
    way; before session 25 each name came with a line of its own: a file that imported three names of `models` by
    completion had three `from models import` lines), else a new line after the file's imports."""
    if analysis is None or analysis.module is None:
        return 0, f"from {module} import {name}\n"
    lines = [stmt for stmt in analysis.module.statements if isinstance(stmt, n.Import) and not stmt.is_path
             and stmt.module == module and stmt.names and stmt.alias is None and stmt.span.file == analysis.path]
    if lines:
        return lines[-1].names[-1][1].end, f", {name}"
    at, before = _import_offset(analysis)
    return at, f"{before}from {module} import {name}\n"


def _import_offset(analysis: Analysis) -> tuple[int, str]:
    """Where a new import line goes, and the line break it needs before it: after the file's last top-level
    import, else after its doc string, else at the top."""
    text = analysis.text
    at = 0
    stripped = text.lstrip()
    if stripped.startswith('"""'):
        close = text.find('"""', len(text) - len(stripped) + 3)
        if close >= 0:
            end = text.find("\n", close + 3)
            at = len(text) if end < 0 else end + 1
    for stmt in analysis.module.statements:
        if isinstance(stmt, n.Import):
            end = text.find("\n", stmt.span.end)
            at = max(at, len(text) if end < 0 else end + 1)
    return at, ("\n" if at == len(text) and text and not text.endswith("\n") else "")


# ----------------------------------------------------------------------------- folding ranges

@dataclass
class Fold:
    start_line: int               # 0-based, the line that stays shown
    end_line: int                 # 0-based, the last line hidden
    kind: str                     # "region" (a block or a list), "comment" (a comment run, a doc string), "imports"


def folding_ranges(text: str) -> list[Fold]:
    """Where the editor may fold `text`: every block and bracketed list over several lines (from its opening line to
    the line before its closing bracket when that bracket begins its line, so `}` stays shown, as rust-analyzer
    folds), every doc string over several lines, every run of two or more comment lines, and every run of two or
    more import lines. A scan of the text, not of the syntax tree: it answers while a statement is half typed.
    Brackets inside strings and comments do not count; an unclosed bracket folds nothing."""
    folds: list[Fold] = []
    opened: list[int] = []                   # the lines of the brackets still open
    line, i, size = 0, 0, len(text)
    starts = [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]
    while i < size:
        ch = text[i]
        if ch == "\n":
            line += 1
        elif ch == "#":
            end = text.find("\n", i)
            i = size if end < 0 else end
            continue
        elif text.startswith('"""', i):
            end = text.find('"""', i + 3)
            end = size if end < 0 else end + 3
            last = line + text.count("\n", i, end)
            if last > line:
                folds.append(Fold(line, last, "comment"))
            line, i = last, end
            continue
        elif ch == '"':
            end = i + 1
            while end < size and text[end] not in '"\n':
                end += 2 if text[end] == "\\" else 1
            i = end + 1 if end < size and text[end] == '"' else end
            continue
        elif ch in "{[(":
            opened.append(line)
        elif ch in "}])" and opened:
            first = opened.pop()
            last = line - 1 if not text[starts[line]:i].strip() else line
            if last > first:
                folds.append(Fold(first, last, "region"))
        i += 1
    lines = text.split("\n")
    for prefix, kind in (("#", "comment"), (("import ", "from "), "imports")):
        run: list[int] = []
        for number, content in enumerate(lines + [""]):
            if content.lstrip().startswith(prefix) and (kind != "imports" or content == content.lstrip()):
                run.append(number)
                continue
            if len(run) >= 2:
                folds.append(Fold(run[0], run[-1], kind))
            run = []
    folds.sort(key=lambda f: (f.start_line, -f.end_line, f.kind))
    return folds
