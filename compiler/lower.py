"""Lowering: the checked AST becomes an evaluation graph of named quantities over placed instances.

Pipeline position: after `dsl.check`, before `compiler.ir` (binding) and `compiler.evaluate`. Imports `dsl`
and `compiler.graph`.
Public function: `lower(checked, sink) -> Graph`.

Every top-level block of an entry file is a root instance; its parts (`rack g: nvl72 x 16`) become child
instances with a count node. The node of each quantity of a placed block (its fields, lets, count and the
model outputs it does not set) is made when first read (`LazyNodes`): a check reads few of them, and the
table makes the rest, in lowering's order, as soon as anything reads it whole. Multiplicity is a count,
never expanded: a part placed `x 1400` is one instance whose quantities are per item, and aggregates
multiply by the counts along the path.
Parameters given a list or a range (in the spec or with -D) span the scenario axis (their Cartesian
product, in declaration order). Definitions of imported modules become instances only when referenced.
"""
from __future__ import annotations

import math

from dsl import nodes as n
from dsl.check import Checked, literal_si
from dsl.diagnostics import Code, Sink
from dsl.schema import PLAIN_NUMBER_TYPES, kind as kind_spec
from dsl.units import UnitError, parse_unit, si_unit

from .graph import Check, CompletingDict, Graph, Instance, LimitCheck, Node, release_instances
from .models import limits_for, outputs_for

MAX_SCENARIOS = 10_000_000



def _decimal_literal(expr):
    """(exact decimal value, unit as written or "") of a literal number or quantity, or of one negated."""
    from decimal import Decimal

    if isinstance(expr, n.Number):
        return Decimal(repr(expr.value)), ""
    if isinstance(expr, n.Quantity):
        return Decimal(repr(expr.value)), expr.unit
    if isinstance(expr, n.Unary) and expr.op in "+-":
        inner = _decimal_literal(expr.operand)
        if inner is not None and expr.op == "-":
            return -inner[0], inner[1]
        return inner
    return None


def _decimal_range(value: "n.RangeExpr") -> list[float] | None:
    """The points of `start..stop step s` written in one unit (or as plain numbers), each the decimal
    start + i * s rounded to a double once and then converted to SI as a literal is: the point reads exactly
    as the single value written out (`0.1..1.0 step 0.1` has 0.3, not 0.30000000000000004 = 0.1 + 2 * 0.1
    in binary; `0.1 USD/kWh..0.3 USD/kWh step 0.1 USD/kWh` has 0.2 USD/kWh in SI as `-D price=0.2 USD/kWh`
    gives it). The decimals are scaled to integers a + i * b (exact below 2^53) and divided by 10^k, which
    IEEE division rounds correctly. None (the caller computes in SI) for units that differ, more than 15
    decimals or integers beyond 2^53."""
    import numpy as np

    parts = [_decimal_literal(value.start), _decimal_literal(value.stop),
             _decimal_literal(value.step) if value.step is not None else _decimal_literal(n.Number(None, 1.0, "1"))]
    if any(p is None for p in parts) or len({unit for _, unit in parts}) != 1:
        return None
    (start, unit), (stop, _), (step, _) = parts
    k = max(max(-d.as_tuple().exponent for d, _ in parts), 0)
    if k > 15 or not step:
        return None
    scale = 10 ** k
    a, b, c = int(start * scale), int(step * scale), int(stop * scale)
    count = (c - a) // b + 1
    if count <= 0:
        return []
    if max(abs(a), abs(a + (count - 1) * b), abs(b)) >= 2 ** 53:
        return None
    points = (a + b * np.arange(count, dtype=np.int64)).astype(np.float64) / np.float64(scale)
    if unit:
        try:
            parsed = parse_unit(unit)
        except UnitError:
            return None
        points = points * parsed.factor + parsed.offset
    return points.tolist()


class Lowering:
    def __init__(self, checked: Checked, sink: Sink):
        self.checked = checked
        self.scopes = checked.scopes
        self.sink = sink
        self.graph = Graph()
        self.graph.nodes = self.nodes = LazyNodes(self)
        self.definition_instances: dict[int, Instance] = {}
        self._shapes: dict[int, _Shape] = {}        # id(block) -> what lowering makes of it (`shape`)

    def run(self) -> Graph:
        program = self.checked.program
        for module in program.entries:
            for stmt in module.statements:
                if isinstance(stmt, n.Param):
                    self.param(stmt, module)
                elif isinstance(stmt, n.Let):
                    self.graph.nodes[stmt.name] = Node(stmt.name, "", stmt.name_span, stmt.value, None, module,
                                                       "let", stmt.comment, (), "",
                                                       written_unit(stmt.value, self.checked.types))
                elif isinstance(stmt, n.Assert):
                    self.graph.checks.append(Check(_assert_name(stmt, None), stmt, None, module))
        self.nodes.roots_start()
        for module in program.entries:
            for stmt in module.statements:
                if isinstance(stmt, n.Block):
                    self.graph.roots.append(self.instantiate(stmt, stmt.name, None, None))
        self.scenarios()
        self.nodes.seal()               # definitions instantiated later (by binding or evaluation) add theirs at once
        return self.graph

    # ------------------------------------------------------------------ parameters and scenarios
    def release(self) -> None:
        """Break this lowering's reference cycles (its instances' parents, its node table's lowering) so that
        reference counting frees it once dropped (`compiler.graph.release_instances`). For a caller done with it
        and with everything made of it (graph, evaluation, results): the language server, dropping a version."""
        release_instances(self.graph.roots + list(self.definition_instances.values()))
        self.nodes._lowering = None

    def param(self, stmt: n.Param, module: n.Module) -> None:
        value = self.checked.defines.get(stmt.name, stmt.value)
        node = Node(stmt.name, "", stmt.name_span, value, None, module, "param", stmt.comment)
        node.display = param_written_unit(value)    # `param lease = 180 USD/kW/month` reads so, as a let does
        self.graph.nodes[stmt.name] = node
        points = self.sweep_points(value, module)
        if points is not None:
            self.graph.sweep.append(stmt.name)
            self.graph.sweep_values[stmt.name] = points

    def sweep_points(self, value, module) -> list[float] | None:
        if isinstance(value, n.RangeExpr):
            exact = _decimal_range(value)
            if exact is not None:
                return exact
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
    def instantiate(self, block: n.Block, path: str, parent: Instance | None, count_node: str | None,
                    count_module: n.Module | None = None) -> Instance:
        """The instance of `block` at `path` and its parts, with its asserts and built-in limits; the nodes of
        its quantities are made when first read (`LazyNodes`), or at once for a definition instantiated after
        lowering (`definition`). `count_module`: the module of the `x N` that places it (its count node's)."""
        inst = Instance(path, block, parent, count_node, base=self.scopes.base_of(block))
        shape = self.shape(block)
        prefix = path + "."
        for name, member, module in shape.parts:
            child_path = prefix + name
            inst.parts.append(self.instantiate(member, child_path, inst,
                                               child_path + ".count" if member.count is not None else None, module))
        checks = self.graph.checks
        for stmt, module in shape.asserts:
            checks.append(Check(_assert_name(stmt, inst), stmt, inst, module))
        limits = self.graph.limits
        for lim in shape.limits:
            limits.append(LimitCheck(f"{path}: {lim.message}", lim, inst))
        self.nodes.add_instance(inst, shape, count_module)
        return inst

    def shape(self, block: n.Block) -> _Shape:
        """What lowering makes of a block, wherever it is placed (memoized per block: a definition placed in
        many racks is read once): its members in order, each a quantity (`field` or `let`: its node's kind,
        module and the schema's type) or a part, by name; its asserts; its model outputs and limits."""
        found = self._shapes.get(id(block))
        if found is not None:
            return found
        spec = kind_spec(block.kind)
        fields = spec.fields if spec is not None else {}
        members = self.scopes.members(block)
        owners = members.owner
        order: list[tuple] = []
        quantities: dict[str, tuple] = {}
        parts: list[tuple] = []
        for name, member in members.values.items():
            module = owners.get(name, block).module
            t = type(member)
            if t is n.Field or t is n.Let:
                fspec = fields.get(name) if t is n.Field else None
                entry = (name, member, module, "field" if t is n.Field else "let",
                         fspec.type if fspec is not None else written_unit(member.value, self.checked.types) if t is n.Let else "")
                order.append(entry)
                quantities[name] = entry
            elif t is n.Block:
                entry = (name, member, module)
                order.append(entry)
                parts.append(entry)
        outputs, limits = _models_of(block.kind)
        found = self._shapes[id(block)] = _Shape(order, quantities, parts,
                                                 [(stmt, owner.module) for stmt, owner in members.asserts],
                                                 outputs, _outputs_by_name(block.kind), limits)
        return found

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


class _Shape:
    """What lowering makes of one block (`Lowering.shape`): `order` its members in order, a quantity as
    (name, member, module, node kind, schema type) and a part as (name, member, module); `quantities` the
    quantities by name; `parts` the parts; `asserts` (stmt, module); `outputs` its kind's model outputs
    (name, model, SI unit, declared unit), also `by_output` by name; `limits` its built-in limits."""

    __slots__ = ("asserts", "by_output", "limits", "order", "outputs", "parts", "quantities")

    def __init__(self, order, quantities, parts, asserts, outputs, by_output, limits):
        self.order, self.quantities, self.parts, self.asserts = order, quantities, parts, asserts
        self.outputs, self.by_output, self.limits = outputs, by_output, limits


class Nodes(dict):
    """`Graph.nodes` once every node is made (`LazyNodes.complete`): a plain dict."""

    def complete(self) -> None:
        pass

    def add_instance(self, inst: Instance, shape: _Shape, count_module: n.Module | None) -> None:
        if inst.parent is None:         # a definition instantiated on demand, its parts first: all its nodes
            _make_tree(self, inst, self._lowering.shape, None)


class LazyNodes(CompletingDict, Nodes):
    """`Graph.nodes` (path -> Node) whose nodes for the placed blocks are made when first read.

    A large spec places its definitions many times, and a check reads few of the quantities of each placement
    (a 2,000-line spec: ~11,000 of its ~62,000 nodes; ~37,000 of them model outputs). So lowering builds the
    instances, their asserts and their built-in limits, and records each instance (`add_instance`); the node of
    one of its quantities (a field, a `let`, a multiplicity, a model output the spec does not set) is made
    when its path is looked up (`in`, `[]`, `get`): the same Node as lowering made before. Anything that reads
    the table whole (iterating it, its length, keys, values, items: binding, a full evaluation, the graph
    dump, explain) first makes every node still missing and puts the table in lowering's order (`complete`):
    the module's params and lets, then each instance's quantities in member order with each part's
    multiplicity and nodes at its place, then its model outputs, then whatever was added after lowering
    (definitions binding or evaluation instantiated, assumptions, a model's intermediate terms), in the order
    added. From then on the table is a plain dict (its class becomes `Nodes`: lookups cost nothing extra).
    A definition instantiated after lowering (`seal`) makes its nodes at once, as lowering did."""

    def __init__(self, lowering: Lowering):
        super().__init__()
        self._lowering = lowering
        self._pending: dict[str, tuple] = {}    # instance path -> it, its block's shape, its count's module
        self._made: set[str] = set()          # the nodes made on demand so far
        self._module_count = 0                # entries before the first instance's (params, module lets)
        self._sealed = False
        self.cancel = None      # a threading.Event (`compiler.ir.bind` sets its own): `complete` raises
                                # `Cancelled` once it is set, leaving the table unusable (its evaluation is dropped)

    def roots_start(self) -> None:
        self._module_count = dict.__len__(self) - len(self._made)

    def add_instance(self, inst: Instance, shape: _Shape, count_module: n.Module | None) -> None:
        if self._sealed:
            Nodes.add_instance(self, inst, shape, count_module)
        else:
            self._pending[inst.path] = (inst, shape, count_module)

    def seal(self) -> None:
        self._sealed = True

    def _make(self, path: str) -> Node | None:
        """The node at `path` of a recorded instance, made now as lowering made it; None when there is none."""
        prefix, _, name = path.rpartition(".")
        found = self._pending.get(prefix)
        if found is None:
            return None
        inst, shape, count_module = found
        entry = shape.quantities.get(name)
        if entry is not None:                           # a field or `let` it sets
            _, member, module, kind, ftype = entry
            node = Node(path, "", member.name_span, member.value, inst, module, kind, member.comment, (), "", ftype)
        elif name == "count" and inst.count == path:    # placed `x N`: a quantity of the block it is placed in
            count = inst.block.count
            node = Node(path, "1", count.span, count, inst.parent, count_module, "count")
        else:                                           # a model output it does not set
            output = shape.by_output.get(name)
            if output is None:
                return None
            model, unit, display = output
            block = inst.block
            node = Node(path, unit, block.name_span, model, inst, block.module, "model", None, (), model.formula,
                        display)
        dict.__setitem__(self, path, node)
        self._made.add(path)
        return node

    def expression_of(self, path: str) -> tuple | None:
        """(node kind, expression) of the field, `let` or multiplicity at `path` of a recorded instance, without
        making its node (evaluation reads a literal's value by its expression); None for anything else."""
        prefix, _, name = path.rpartition(".")
        found = self._pending.get(prefix)
        if found is None:
            return None
        inst = found[0]
        entry = found[1].quantities.get(name)
        if entry is not None:
            return entry[3], entry[1].value
        if name == "count" and inst.count == path:
            return "count", inst.block.count
        return None

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
        """Make every node still missing and put the table in lowering's order (see the class docstring)."""
        made = self._made
        items = list(dict.items(self))
        plain = [item for item in items if item[0] not in made] if made else items
        made_nodes = {path: node for path, node in items if path in made} if made else {}
        dict.clear(self)
        dict.update(self, plain[:self._module_count])
        shape_of = self._lowering.shape
        for root in self._lowering.graph.roots:
            _make_tree(self, root, shape_of, made_nodes, self.cancel)
        for path, node in plain[self._module_count:]:     # added after lowering (kept in place if made above)
            dict.__setitem__(self, path, node)
        self._pending, self._made = {}, set()
        self.__class__ = Nodes


def _make_tree(nodes: dict, inst: Instance, shape_of, made: dict | None, cancel=None) -> None:
    """The nodes of `inst` and its parts, in lowering's order: each member in order (a part's multiplicity and
    then its own nodes, at its place), then the model outputs it does not set. `made`: nodes made already
    (kept: evaluation recorded what they read). `cancel`: `LazyNodes.cancel`."""
    if cancel is not None and cancel.is_set():
        from .ir import Cancelled
        raise Cancelled(inst.path)
    shape = shape_of(inst.block)
    prefix = inst.path + "."
    parts = iter(inst.parts)
    for entry in shape.order:
        if len(entry) == 5:
            name, member, module, kind, ftype = entry
            path = prefix + name
            node = made.get(path) if made else None
            if node is None:
                node = Node(path, "", member.name_span, member.value, inst, module, kind, member.comment, (), "",
                            ftype)
            dict.__setitem__(nodes, path, node)
        else:
            part = next(parts)
            if part.count is not None:
                node = made.get(part.count) if made else None
                if node is None:
                    node = Node(part.count, "1", entry[1].count.span, entry[1].count, inst, entry[2], "count")
                dict.__setitem__(nodes, part.count, node)
            _make_tree(nodes, part, shape_of, made, cancel)
    block = inst.block
    for name, model, unit, display in shape.outputs:
        path = prefix + name
        if dict.__contains__(nodes, path):
            continue
        node = made.get(path) if made else None
        if node is None:
            node = Node(path, unit, block.name_span, model, inst, block.module, "model", None, (), model.formula,
                        display)
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
        from .display import PER_YEAR
        outputs = [(name, model, _si_of_type(spec.fields[name].type),
                    spec.fields[name].type + ("/yr" if name in PER_YEAR else ""))     # a year's total
                   for name, model in outputs_for(kind_name).items()]
        found = _MODELS_OF[kind_name] = (outputs, limits_for(kind_name))
    return found


def written_unit(value, types: dict | None = None) -> str:
    """The unit a `let` is shown in: the unit its literal was written in (`let lease = 180 USD/kW/month` reads
    180 USD/kW/month, not its SI equivalent 0.2466 USD/kWh; `let gpu_hours = 30.84e6 h` stays in hours), ''
    for any other expression (its value is shown on its dimension's ladder), but for a temperature point, which
    reads as a point (degC) whatever computes it (`35 degC + 5 K` is 40 degC, not 313.1 K), when `types` (the
    checker's, by id of expression) says it is one."""
    if types is not None and getattr(types.get(id(value)), "point", False):
        return "temp"
    while isinstance(value, n.Unary):
        value = value.operand
    if not isinstance(value, n.Quantity) or value.unit in ("", "1"):
        return ""
    try:
        point = parse_unit(value.unit).point
    except UnitError:
        return ""
    return "temp" if point else value.unit      # a temperature point (degC, degF) is shown as fields show one


def param_written_unit(value) -> str:
    """The unit a `param` is shown in: `written_unit` of its value (`param lease = 180 USD/kW/month` reads 180
    USD/kW/month, as the same `let` does, not 0.2466 USD/kWh; `param t = 10 degC` reads 10 degC), and for a sweep
    (a list, a range) the one unit all its written values share (`[0 USD/kW/month, 150 USD/kW/month]`), '' where
    they differ or one is no literal (its values are shown on their dimension's ladder)."""
    if isinstance(value, n.ListExpr):
        items = list(value.items)
    elif isinstance(value, n.RangeExpr):
        items = [value.start, value.stop]       # (a step of points is a difference: `20 degC..30 degC step 5 K`)
    else:
        return written_unit(value)
    units = {written_unit(item) for item in items}
    return units.pop() if len(units) == 1 else ""


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
