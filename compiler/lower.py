"""Lowering: the checked AST becomes an evaluation graph of named quantities over placed instances.

Pipeline position: after `dsl.check`, before `compiler.ir` (binding) and `compiler.evaluate`. Imports `dsl`
and `compiler.graph`.
Public function: `lower(checked, sink) -> Graph`.

Every top-level block of an entry file is a root instance; its parts (`rack g: nvl72 x 16`) become child
instances with a count node. Multiplicity is a count, never expanded: a part placed `x 1400` is one
instance whose quantities are per item, and aggregates multiply by the counts along the path.
Parameters given a list or a range (in the spec or with -D) span the scenario axis (their Cartesian
product, in declaration order). Definitions of imported modules become instances only when referenced.
"""
from __future__ import annotations

import math

from dsl import nodes as n
from dsl.check import Checked, literal_si
from dsl.diagnostics import Code, Sink
from dsl.schema import PLAIN_NUMBER_TYPES, kind as kind_spec
from dsl.units import parse_unit, si_unit

from .graph import Check, Graph, Instance, LimitCheck, Node
from .models import limits_for, outputs_for

MAX_SCENARIOS = 10_000_000


class Lowering:
    def __init__(self, checked: Checked, sink: Sink):
        self.checked = checked
        self.scopes = checked.scopes
        self.sink = sink
        self.graph = Graph()
        self.graph.nodes = self.nodes = LazyNodes()
        self.definition_instances: dict[int, Instance] = {}

    def run(self) -> Graph:
        program = self.checked.program
        for module in program.entries:
            for stmt in module.statements:
                if isinstance(stmt, n.Param):
                    self.param(stmt, module)
                elif isinstance(stmt, n.Let):
                    self.graph.nodes[stmt.name] = Node(stmt.name, "", stmt.name_span, stmt.value, None, module,
                                                       "let", stmt.comment)
                elif isinstance(stmt, n.Assert):
                    self.graph.checks.append(Check(_assert_name(stmt, None), stmt, None, module))
        for module in program.entries:
            for stmt in module.statements:
                if isinstance(stmt, n.Block):
                    self.graph.roots.append(self.instantiate(stmt, stmt.name, None, None))
        self.scenarios()
        self.nodes.seal()               # definitions instantiated later (by binding or evaluation) add theirs at once
        return self.graph

    # ------------------------------------------------------------------ parameters and scenarios
    def param(self, stmt: n.Param, module: n.Module) -> None:
        value = self.checked.defines.get(stmt.name, stmt.value)
        node = Node(stmt.name, "", stmt.name_span, value, None, module, "param", stmt.comment)
        self.graph.nodes[stmt.name] = node
        points = self.sweep_points(value, module)
        if points is not None:
            self.graph.sweep.append(stmt.name)
            self.graph.sweep_values[stmt.name] = points

    def sweep_points(self, value, module) -> list[float] | None:
        if isinstance(value, n.RangeExpr):
            start, stop = literal_si(value.start), literal_si(value.stop)
            step = literal_si(value.step) if value.step is not None else 1.0
            if None in (start, stop, step) or step == 0:
                return None
            count = int(math.floor((stop - start) / step + 1e-9)) + 1
            return [start + i * step for i in range(max(count, 0))]
        if isinstance(value, n.ListExpr):
            points = [literal_si(item) for item in value.items]
            return None if any(p is None for p in points) else points
        return None

    def scenarios(self) -> None:
        total = 1
        for name in self.graph.sweep:
            total *= max(len(self.graph.sweep_values[name]), 1)
        if total > MAX_SCENARIOS:
            node = self.graph.nodes[self.graph.sweep[-1]]
            self.sink.error(Code.INVALID_RANGE, f"the parameter sweep has {total:,} scenarios; the limit is "
                            f"{MAX_SCENARIOS:,}", node.span)
            self.graph.sweep.clear()
            total = 1
        self.graph.scenario_count = total

    # ------------------------------------------------------------------ instances
    def instantiate(self, block: n.Block, path: str, parent: Instance | None, count_node: str | None) -> Instance:
        inst = Instance(path, block, parent, count_node, base=self.scopes.base_of(block))
        spec = kind_spec(block.kind)
        fields = spec.fields if spec is not None else {}
        members = self.scopes.members(block)
        owners = members.owner
        nodes = self.graph.nodes
        prefix = path + "."
        for name, member in members.values.items():
            module = owners.get(name, block).module
            t = type(member)
            if t is n.Field or t is n.Let:
                fspec = fields.get(name) if t is n.Field else None
                node_path = prefix + name
                nodes[node_path] = Node(node_path, "", member.name_span, member.value, inst, module,
                                        "field" if t is n.Field else "let", member.comment, (), "",
                                        fspec.type if fspec is not None else "")
            elif t is n.Block:
                child_path = prefix + name
                child_count = None
                if member.count is not None:
                    child_count = child_path + ".count"
                    nodes[child_count] = Node(child_count, "1", member.count.span, member.count, inst, module, "count")
                inst.parts.append(self.instantiate(member, child_path, inst, child_count))
        for stmt, owner in members.asserts:
            self.graph.checks.append(Check(_assert_name(stmt, inst), stmt, inst, owner.module))
        self.add_models(inst)
        return inst

    def add_models(self, inst: Instance) -> None:
        """One node per model output the spec does not set itself (made when first read: `LazyNodes`); the
        block's built-in limits."""
        outputs, limits = _models_of(inst.kind)
        if outputs:
            self.nodes.add_outputs(inst, outputs)
        for lim in limits:
            self.graph.limits.append(LimitCheck(f"{inst.path}: {lim.message}", lim, inst))

    def definition(self, block: n.Block) -> Instance:
        """An imported (or top-level) definition referenced by name, instantiated once on demand."""
        key = id(block)
        if key not in self.definition_instances:
            for root in self.graph.roots:
                if root.block is block:
                    self.definition_instances[key] = root
                    return root
            prefix = block.module.name.rsplit("/", 1)[-1].removesuffix(".factory") if block.module else "def"
            path = f"{prefix}.{block.name}"
            self.definition_instances[key] = self.instantiate(block, path, None, None)
        return self.definition_instances[key]


class Nodes(dict):
    """`Graph.nodes` once every node is made (`LazyNodes.complete`): a plain dict."""

    def complete(self) -> None:
        pass

    def add_outputs(self, inst: Instance, outputs: list) -> None:
        _make_outputs(self, inst, outputs, None)


class LazyNodes(Nodes):
    """`Graph.nodes` (path -> Node) whose model-output nodes are made when first read.

    A large spec's blocks have many more model outputs than a check reads (a 2,000-line spec: ~37,000 of its
    ~62,000 nodes), so lowering records, per instance, that its outputs exist (`add_outputs`) and a model node
    is made when a path is looked up (`in`, `[]`, `get`): the same Node, at the same place, as if lowering had
    made it. Anything that reads the table whole (iterating it, its length, keys, values, items: binding, a
    full evaluation, the graph dump, explain) first makes every node that is still missing and puts the table
    in lowering's order (`complete`): the order in which lowering would have made them, each instance's
    outputs after its own members and parts, then whatever was added after lowering (definitions binding or
    evaluation instantiated, assumptions, a model's intermediate terms), in the order added. From then on the
    table is a plain dict (its class becomes `Nodes`, so lookups cost nothing extra).

    Before `seal()` (the end of lowering), `add_outputs` defers the outputs; after it (a definition
    instantiated on demand) it makes them at once, as lowering did."""

    def __init__(self):
        super().__init__()
        self._plan: list[tuple[int, Instance, list]] = []   # (plain entries before them, instance, outputs)
        self._pending: dict[str, tuple[Instance, dict]] = {}   # instance path -> (it, its outputs by name)
        self._made: set[str] = set()      # the deferred outputs made so far (entries out of lowering's order)
        self._sealed = False

    def add_outputs(self, inst: Instance, outputs: list) -> None:
        if self._sealed:
            _make_outputs(self, inst, outputs, None)
            return
        self._plan.append((dict.__len__(self) - len(self._made), inst, outputs))
        self._pending[inst.path] = (inst, _outputs_by_name(inst.kind))

    def seal(self) -> None:
        self._sealed = True

    def _make(self, path: str) -> Node | None:
        """The deferred model node at `path`, made now; None when there is none."""
        prefix, _, name = path.rpartition(".")
        found = self._pending.get(prefix)
        if found is None:
            return None
        inst, by_name = found
        output = by_name.get(name)
        if output is None:
            return None
        model, unit, display = output
        block = inst.block
        node = Node(path, unit, block.name_span, model, inst, block.module, "model", None, (), model.formula,
                    display)
        dict.__setitem__(self, path, node)
        self._made.add(path)
        return node

    def __contains__(self, path) -> bool:
        return dict.__contains__(self, path) or self._make(path) is not None

    def __missing__(self, path):
        node = self._make(path)
        if node is None:
            raise KeyError(path)
        return node

    def get(self, path, default=None):
        node = dict.get(self, path)
        if node is None:
            node = self._make(path)
        return default if node is None else node

    def complete(self) -> None:
        """Make every deferred output and put the table in lowering's order (see the class docstring)."""
        made = self._made
        items = list(dict.items(self))
        plain = [item for item in items if item[0] not in made] if made else items
        made_nodes = {path: node for path, node in items if path in made} if made else {}
        dict.clear(self)
        done = 0
        for position, inst, outputs in self._plan:
            if position > done:
                dict.update(self, plain[done:position])
                done = position
            _make_outputs(self, inst, outputs, made_nodes)
        dict.update(self, plain[done:])
        self._plan, self._pending, self._made = [], {}, set()
        self.__class__ = Nodes

    def __iter__(self):
        self.complete()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self.complete()
        return dict.__len__(self)

    def __reversed__(self):
        self.complete()
        return dict.__reversed__(self)

    def keys(self):
        self.complete()
        return dict.keys(self)

    def values(self):
        self.complete()
        return dict.values(self)

    def items(self):
        self.complete()
        return dict.items(self)

    def copy(self):
        self.complete()
        return dict(self)

    def __eq__(self, other):
        self.complete()
        return dict.__eq__(self, other)

    __hash__ = None

    def __repr__(self) -> str:
        self.complete()
        return dict.__repr__(self)


def _make_outputs(nodes: dict, inst: Instance, outputs: list, made: dict | None) -> None:
    """The nodes of the model outputs of `inst` that it does not set itself (lowering's rule), in their order;
    `made`: nodes already made for some of them (kept, so what evaluation recorded on them stays)."""
    prefix = inst.path + "."
    block = inst.block
    for name, model, unit, display in outputs:
        path = prefix + name
        if dict.__contains__(nodes, path):
            continue
        node = made.get(path) if made else None
        if node is None:
            node = Node(path, unit, block.name_span, model, inst, block.module, "model", None, (),
                        model.formula, display)
        dict.__setitem__(nodes, path, node)


_MODELS_OF: dict[str, tuple[list, list]] = {}   # kind name -> its outputs and limits (static: the registry)
_OUTPUTS_BY_NAME: dict[str, dict[str, tuple]] = {}   # kind name -> output name -> (model, SI unit, declared unit)


def _outputs_by_name(kind_name: str) -> dict[str, tuple]:
    found = _OUTPUTS_BY_NAME.get(kind_name)
    if found is None:
        found = _OUTPUTS_BY_NAME[kind_name] = {name: (model, unit, display)
                                               for name, model, unit, display in _models_of(kind_name)[0]}
    return found


def _models_of(kind_name: str) -> tuple[list, list]:
    """The model outputs of a kind, each (name, model, SI unit, declared unit), and its built-in limits;
    memoized per kind name (the schema and the model registry are fixed once loaded)."""
    found = _MODELS_OF.get(kind_name)
    if found is None:
        spec = kind_spec(kind_name)
        outputs = [(name, model, _si_of_type(spec.fields[name].type), spec.fields[name].type)
                   for name, model in outputs_for(kind_name).items()]
        found = _MODELS_OF[kind_name] = (outputs, limits_for(kind_name))
    return found


def _si_of_type(ftype: str) -> str:
    if ftype in PLAIN_NUMBER_TYPES:
        return "1"
    if ftype == "temp":
        return "K"
    return si_unit(parse_unit(ftype).dim)


def _assert_name(stmt: n.Assert, inst: Instance | None) -> str:
    where = inst.path if inst is not None else "spec"
    return f"{where}: {stmt.message}" if stmt.message else f"{where}: assert at line {stmt.span.line}"


def lower(checked: Checked, sink: Sink) -> Lowering:
    """Lower a checked program (Python's cyclic garbage collector paused meanwhile, as the front end does:
    lowering builds one object per quantity, and collection passes over a large spec's trees made it grow
    faster than the spec)."""
    from dsl import gc_paused

    lowering = Lowering(checked, sink)
    with gc_paused():
        lowering.run()
    return lowering
