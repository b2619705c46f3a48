"""The bound IR: every quantity of the lowered graph as a typed node with its op and its inputs, in one
topological order computed once.

Pipeline position: after `compiler.lower`, before `compiler.evaluate` (which runs its loop over `IR.order`).
Imports `dsl` and `compiler.graph`. Public functions: `bind(lowering, cancel=None) -> IR`; `graph_of_files`,
`dump_json` and `dump_text` are `factory graph` (docs/graph.md).

Roles, after PyTensor's Variable/Apply/Op: an `IRNode` is a variable (its path, value kind, SI unit, the
schema's declared type, its source span) together with the application that computes it: an op name
(`const`, `sweep`, `expr`, `count`, `model <kind>.<output>`) and the ids of its input nodes. `IR.order`,
`IR.paths` and `IR.inputs` are what evaluation needs; the typed `IR.nodes` are built when first asked for.

One walk over expressions, `ExprVisitor` (`dsl.visit.ExprVisitor`, Jinja2's NodeVisitor idea: one
`visit_<Type>` method per expression type, the sub-expressions of each form declared once in `dsl.visit.SHAPES`),
on an explicit stack, so no expression depth recurses on the Python stack. Binding (`_Binder`) and evaluation
(`compiler.evaluate._ExprEval`) are its two subclasses, and they resolve names with the same functions:
`lookup_member` (a quantity, a part by name, the parts of a kind, or a field no one sets), `lookup_name` (the
instance, then the enclosing ones, then the module scope through `dsl.resolve.Scopes.module_lookup`) and
`module_value`. Binding resolves every name once; an
imported definition a name reaches is instantiated here (`Lowering.definition`), so the node set is closed
before evaluation starts. A part selection read in an aggregate (`sum(rack.power)`) depends on each part's
count and member.

Model ops: a model output (`compiler.models.output`) is a Python function that reads its block through a
`Context` (`ctx.get`, `ctx.parts(...)`, `ctx.ref`). What it may read is declared in the model's terms
(`compiler.models.Read`: own members, `up:` the blocks it is in, `parts:`/`all:` its parts by kind, `ref:`
a referenced definition); `_Binder.model_reads` expands the declaration per placed block with the same
rules (a member is a node at `<block>.<name>`, `lookup_member`'s MEMBER_NODE; a reference's definition is
`_Binder.value_of`), so a `model` node has static inputs and is ordered like any other. A declaration is a
superset checked against runs (tests/test_model_reads.py), not a proof: the evaluator still evaluates on
demand what a model reads that binding did not see (memoized; `Evaluator.demand` keeps that on a bounded
stack), recording what it read in `Node.deps` for `factory explain`. An output that declares nothing is
`dynamic` (no inputs; none is left). The model's assumptions (`assumptions.<name>`) and intermediate terms
(`<block>.detail.<name>`) appear as nodes only when a model creates them during evaluation. Fields, lets,
params, counts and asserts are bound from their expressions, and on every example the reads evaluation
records equal them (tests/test_graph.py). The static edges are an ordering: if one were missed, the
evaluator would still compute the node right (it evaluates an input it finds missing), only deeper on the
stack. `evaluate(..., only_checks=True)` (`factory check`, the language server's asserts) does not bind:
it evaluates what the asserts need, on demand.

The order: Tarjan's strongly connected components over the static edges, started from the nodes in lowering
order with inputs visited in reading order, so each node comes after its inputs and the evaluation order is
the one a depth-first evaluation from the lowering order gives (the results, diagnostics and `deps` of every
example are byte-identical to the evaluator's before binding). A cycle (a component of several nodes, or a
node that reads itself) is listed from the node where the walk entered it, so the evaluator reports the
`definition-cycle` with the same chain as before.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dsl import nodes as n
from dsl.schema import kind as kind_spec
from dsl.types import ListT
from dsl.visit import AGGREGATES, SELECTION, Tail  # noqa: F401 - AGGREGATES and Tail: the evaluator's too
from dsl.visit import ExprVisitor as BaseExprVisitor

from .graph import Instance, Node

_INLINE_DEPTH = 64        # how deeply binding follows a `ref` value through other nodes before giving up


@dataclass(slots=True)
class IRNode:
    """One quantity: a variable and the application that computes it."""

    id: int
    path: str
    kind: str                  # field | let | param | count | model | assumption
    op: str                    # const | sweep | expr | count | model <kind>.<output>
    unit: str                  # SI unit of the value ("" when it has none: a text, a reference, a flag)
    display: str               # the field's type in the schema: its display unit ("USD/yr"), text, choice...
    span: object               # dsl.source.Span | None
    inputs: list[int] = field(default_factory=list)
    dynamic: bool = False      # a model op that declares no reads: they are read while it runs
    formula: str = ""          # the model's formula (model ops)


@dataclass
class IRCheck:
    """An `assert` with the nodes its expression reads."""

    name: str
    span: object
    inputs: list[int] = field(default_factory=list)


class IR:
    """The bound graph: `paths` and `inputs` by id (the lowering's order, then the definitions binding reached),
    `order` every id once, each after its static inputs. The typed `nodes` are built when first asked for
    (the dump, explain, tests): evaluation needs only the order, and a large spec has ~30 nodes a line."""

    def __init__(self, lowering, paths: list[str], index: dict[str, int], inputs: list[list], order: list[int],
                 checks: list[IRCheck], swept: set[str]):
        self.lowering = lowering
        self.paths = paths
        self._inputs = inputs               # by id: ids and `_Shared` lists (`inputs` expands them)
        self._expanded: list[list[int]] | None = None
        self.order = order
        self.checks = checks
        self.index = index                  # path -> id
        self.sweep = list(lowering.graph.sweep)
        self.scenario_count = lowering.graph.scenario_count
        self._swept = swept
        self._nodes: list[IRNode] | None = None

    @property
    def nodes(self) -> list[IRNode]:
        if self._nodes is None:
            graph, lowering, swept = self.lowering.graph, self.lowering, self._swept
            self._nodes = []
            for i, path in enumerate(self.paths):
                node = graph.nodes[path]
                self._nodes.append(IRNode(i, path, node.kind, _op_of(node, swept), unit_of(lowering, node),
                                          node.display or "", node.span, self.inputs[i], _dynamic(node),
                                          node.formula or ""))
        return self._nodes

    @property
    def inputs(self) -> list[list[int]]:
        """By id, the ids of its static inputs, each once, in the order first read (a `_Shared` list expanded)."""
        if self._expanded is None:
            self._expanded = [_expanded(inputs) for inputs in self._inputs]
        return self._expanded

    @property
    def edge_count(self) -> int:
        return sum(len(inputs) for inputs in self.inputs)

    @property
    def held_count(self) -> int:
        """The input entries binding holds: each node's own, and each `_Shared` list once (`edge_count` counts the
        edges they stand for)."""
        held, seen = 0, set()
        todo = [x for row in self._inputs for x in row if type(x) is _Shared]
        for row in self._inputs:
            held += len(row)
        while todo:
            shared = todo.pop()
            if id(shared) not in seen:
                seen.add(id(shared))
                held += len(shared.ids)
                todo += [x for x in shared.ids if type(x) is _Shared]
        return held


# ----------------------------------------------------------------------------- static values

class _Kind:
    """What binding knows of a sub-expression's value (the evaluator's value kinds, without the numbers)."""

    OTHER, NODE, INST, SEL, MODULE = range(5)


_OTHER = (_Kind.OTHER, None)


class ExprVisitor(BaseExprVisitor):
    """`dsl.visit.ExprVisitor` over the compiler's context `(instance, module, agg)`: `agg` when the expression
    is the argument of an aggregate (`sum(rack.power)` reads a selection of parts, not one value); it holds
    through what `dsl.visit` reads the SAME way (comparisons, logic, conditionals, attribute bases)."""

    def context(self, ctx, how: int):
        if how == SELECTION:
            return (ctx[0], ctx[1], True)
        return (ctx[0], ctx[1], False) if ctx[2] else ctx


# ----------------------------------------------------------------------------- names: the one set of rules

MEMBER_NODE, MEMBER_PART, MEMBER_KIND, MEMBER_UNSET = range(4)
_CANONICAL: dict[str, str | None] = {}


def canonical_kind(kind_name: str) -> str | None:
    """The schema's name of a kind (`node` -> `server`), None for no kind; memoized (the schema is fixed)."""
    try:
        return _CANONICAL[kind_name]
    except KeyError:
        spec = kind_spec(kind_name)
        _CANONICAL[kind_name] = spec.name if spec is not None else None
        return _CANONICAL[kind_name]


def lookup_member(nodes: dict, inst: Instance, name: str):
    """A member of a placed instance, as binding and evaluation both read it: (MEMBER_NODE, path) a quantity;
    (MEMBER_PART, part) a part by its name; (MEMBER_KIND, parts) the parts of a kind (`rack.server`);
    (MEMBER_UNSET, path) a field of the kind that is not set and that no model computes; None: no member."""
    path = f"{inst.path}.{name}"
    if path in nodes:
        return (MEMBER_NODE, path)
    part = inst.part_named(name)
    if part is not None:
        return (MEMBER_PART, part)
    wanted = canonical_kind(name)
    if wanted is not None:
        chosen = [p for p in inst.parts if canonical_kind(p.kind) == wanted]
        if chosen:
            return (MEMBER_KIND, chosen)
    spec = kind_spec(inst.kind)
    if spec is not None and name in spec.fields:
        return (MEMBER_UNSET, path)
    return None


def lookup_name(nodes: dict, scopes, inst: Instance | None, module: n.Module, expr: n.Name):
    """A bare name: ((kind, what), instance) for the member of the instance, or of the nearest enclosing one
    that has it; else (None, what the module scope binds it to: a Param, Let, Block, Module, or None). An
    `outward` name (`price = price` in a block) starts outside its own block."""
    current = inst.parent if expr.outward and inst is not None else inst
    while current is not None:
        found = lookup_member(nodes, current, expr.ident)
        if found is not None:
            return found, current
        current = current.parent
    return None, scopes.module_lookup(module, expr.ident)


def module_value(nodes: dict, scopes, found, module: n.Module):
    """A module-level `param` or `let` read by name: (its node's path, None, its module) when the graph has it
    (the entry files' params and lets), else (None, the expression to read, the module to read it in): an
    imported module's `let` or `param`, read in the module that declares it, not the one reading it (`from
    "./lib.factory" import twice` with `twice = k * 2` reads lib's `k`, not a `k` of the importing file)."""
    home = scopes.home(found) or module
    if found.name in nodes and nodes[found.name].module is home:
        return found.name, None, home
    return None, found.value.start if isinstance(found.value, n.RangeExpr) else found.value, home


class _Binder(ExprVisitor):
    """Resolves the names of one expression to nodes; `reads` collects the node paths in reading order.
    The context of an expression is (instance, module, agg): `agg` when it is the argument of an aggregate."""

    def __init__(self, lowering, kinds: dict[str, tuple]):
        self.lowering = lowering
        self.nodes = lowering.graph.nodes
        self.scopes = lowering.scopes
        self.kinds = kinds          # path -> static value of a node whose value is a reference (memo)
        self.reads: list[str] = []
        self.depth = 0
        self.below: dict[tuple, list] = {}      # (block id, kind[, 1]) -> its parts of that kind (at any depth)
        self.templates: dict[tuple, dict] = {}  # (block layout, placed x N) -> output -> its reads below (offsets)
        self.placed: dict[int, tuple] = {}      # instance id -> (its templates, its `id_memo`, its path prefix)
        self.id_memo: dict[int, dict] = {}      # instance id -> read text -> the ids it binds to (`bound_ids`)
        self.shares: dict[int, _Shared] = {}    # id of a list of `bound_ids` -> its `_Shared` (`shared`)
        self.layouts: dict[int, int] = {}       # block id -> its layout's number (`layout`)
        self.layout_ids: dict[tuple, int] = {}  # layout -> its number
        self.named: frozenset | None = None     # the member names declarations read (`layout`)
        self.paths: list[str] = []              # id -> path, numbered so far (`sync`)
        self.index: dict[str, int] = {}         # path -> id

    def generic(self, expr, ctx, values):
        return _OTHER

    # --- names
    def visit_Name(self, expr: n.Name, ctx, values):
        inst, module, agg = ctx
        found, where = lookup_name(self.nodes, self.scopes, inst, module, expr)
        if found is not None:
            return self.member_value(found, agg)
        if isinstance(where, (n.Param, n.Let)):
            path, value, home = module_value(self.nodes, self.scopes, where, module)
            return self.node(path) if path is not None else Tail(value, (None, home, agg))
        if isinstance(where, n.Block):
            return (_Kind.INST, self.lowering.definition(where))
        if isinstance(where, n.Module):
            return (_Kind.MODULE, where)
        return _OTHER

    def visit_Attr(self, expr: n.Attr, ctx, values):
        base_kind, base = values[0]
        if base_kind == _Kind.NODE:
            base_kind, base = self.value_of(base)
        if base_kind == _Kind.MODULE:
            found = self.scopes.module_lookup(base, expr.name)
            if isinstance(found, n.Block):
                return (_Kind.INST, self.lowering.definition(found))
            if isinstance(found, (n.Param, n.Let)):
                return Tail(found.value, (None, base, ctx[2]))
            return _OTHER
        if base_kind == _Kind.INST:
            found = self.member(base, expr.name, ctx[2])
            return found if found is not None else _OTHER
        if base_kind == _Kind.SEL:
            picked: list[Instance] = []
            read_value = False
            for part in base:
                found = self.member(part, expr.name, True)
                if found is None:
                    continue
                if found[0] == _Kind.SEL:
                    picked += found[1]
                else:
                    read_value = True
            return _OTHER if read_value or not picked else (_Kind.SEL, picked)
        return _OTHER

    def visit_Call(self, expr: n.Call, ctx, values):
        if expr.func in AGGREGATES and len(expr.args) == 1:
            kind, value = values[0]
            if kind == _Kind.NODE:
                kind, value = self.value_of(value)
            if kind == _Kind.INST:             # one instance counts as a selection of itself
                self.count(value)
        return _OTHER

    def member(self, inst: Instance, name: str, agg: bool):
        """A member's static value (`lookup_member`), None when the instance has no such member."""
        found = lookup_member(self.nodes, inst, name)
        return self.member_value(found, agg) if found is not None else None

    def member_value(self, found, agg: bool):
        what, target = found
        if what == MEMBER_NODE:
            return self.node(target)
        if what == MEMBER_PART:
            if agg:
                self.count(target)
                return (_Kind.SEL, [target])
            return (_Kind.INST, target)
        if what == MEMBER_KIND:
            for part in target:
                self.count(part)
            return (_Kind.SEL, target)
        return _OTHER                                   # MEMBER_UNSET: an error when evaluated

    def count(self, part: Instance) -> None:
        if part.count is not None:
            self.reads.append(part.count)

    def node(self, path: str):
        self.reads.append(path)
        return (_Kind.NODE, path)

    def value_of(self, path: str):
        """The static value of a node read as an object (`chip.tdp` where `chip = b200`): what its own
        expression resolves to, bound once and memoized; a model output or a number is OTHER."""
        if path in self.kinds:
            return self.kinds[path]
        node = self.nodes[path]
        if node.kind in ("model", "assumption") or node.expr is None or self.depth >= _INLINE_DEPTH:
            return _OTHER
        self.kinds[path] = _OTHER                 # a reference cycle resolves to nothing
        inner = _Binder(self.lowering, self.kinds)
        inner.depth = self.depth + 1
        value = inner.walk(node.expr, (node.instance, node.module, False))
        if value[0] == _Kind.NODE:
            value = inner.value_of(value[1])
        self.kinds[path] = value if value[0] in (_Kind.INST, _Kind.SEL, _Kind.MODULE) else _OTHER
        return self.kinds[path]


    # --- the declared reads of a model op (compiler.models.Read)
    def sync(self) -> None:
        """Number the nodes added to the graph since the last call (ids are positions in `graph.nodes`, which
        only grows while binding: lowering's order, then the definitions binding instantiates)."""
        paths, index = self.paths, self.index
        if len(paths) < len(self.nodes):
            for path in list(self.nodes)[len(paths):]:
                index[path] = len(paths)
                paths.append(path)

    def ids_of(self, found: list[str]) -> list[int]:
        """The ids of existing nodes' paths (a definition a `ref:` step instantiated is numbered first)."""
        index = self.index
        ids = []
        for path in found:
            i = index.get(path)
            if i is None:
                self.sync()
                i = index[path]
            ids.append(i)
        return ids

    def model_reads(self, node: Node, me: int) -> list[int]:
        """The ids of the declared reads of the model output `node` (id `me`) on its block, each once, in the
        order first read: each `Read` walks its steps from the block (and, after `up:`, from each block it is
        in) to the member it names; a step or member the spec does not place binds to nothing (a declaration
        is a superset of what one spec reads). Cheaply: the reads that stay inside the block (its members, its
        parts' members) are the same nodes below every block of one `layout` (a definition and each placement
        of it), laid out alike (`compiler.lower._make_tree`), so they are expanded once per layout, output and
        `x N` (its own `count`) as offsets from the op's own id, checked on each placement at both ends (else
        expanded there); the others (`up:`, `ref:`) once per placed block and read (`bound_ids`)."""
        inst, out = node.instance, node.expr
        placed = self.placed.get(id(inst))
        if placed is None:                              # (`count`: its own multiplicity, a node above it)
            placed = self.placed[id(inst)] = (self.templates.setdefault((self.layout(inst.block),
                                                                         inst.count is not None), {}),
                                              self.id_memo.setdefault(id(inst), {}), inst.path + ".")
        templates, memo, prefix = placed
        template = templates.get(out.name)
        if template is None:
            inside, outside = out.reads_split()
            below = list(dict.fromkeys(i for read in inside for i in self.bound_ids(inst, read)))
            template = templates[out.name] = (
                tuple(i - me for i in below),
                self.paths[below[0]][len(prefix):] if below else "",
                self.paths[below[-1]][len(prefix):] if below else "",
                outside)
        offsets, first, last, outside = template
        if offsets:
            paths = self.paths
            lo, hi = me + offsets[0], me + offsets[-1]
            if 0 <= lo < len(paths) and 0 <= hi < len(paths) and paths[lo] == prefix + first \
                    and paths[hi] == prefix + last:
                ids = [me + offset for offset in offsets]
            else:                                           # laid out otherwise: expand it here
                ids = list(dict.fromkeys(i for read in out.reads_split()[0] for i in self.bound_ids(inst, read)))
        else:
            ids = []
        if outside:
            for read in outside:
                found = memo.get(read.text)
                ids += found if found is not None else self.bound_ids(inst, read)
            ids = list(dict.fromkeys(ids))
        return ids

    def layout(self, block: n.Block) -> int:
        """A number for what a block's placements hold below them, the same for blocks alike (a definition and
        each `rack r: rack_0 x 2` placing it): its kind, its quantities by name and kind, and its parts by name,
        multiplicity and layout, in lowering's order (`Lowering.shape`); memoized per block. A `let` is only a
        place unless a declaration or the schema names it (`compiler.models.declared_members`): rows that differ
        only in their own `let` names share a layout."""
        found = self.layouts.get(id(block))
        if found is None:
            shape = self.lowering.shape(block)
            if self.named is None:
                from .models import declared_members
                self.named = declared_members()
            named = self.named
            fields = kind_spec(block.kind).fields if kind_spec(block.kind) is not None else {}
            entries = tuple(((entry[0] if entry[3] != "let" or entry[0] in named or entry[0] in fields else ""),
                             entry[3]) if len(entry) == 5
                            else (entry[0], entry[1].count is not None, self.layout(entry[1]))
                            for entry in shape.order)
            found = self.layouts[id(block)] = self.layout_ids.setdefault((block.kind, entries), len(self.layout_ids))
        return found

    def bound_ids(self, inst: Instance, read) -> list[int]:
        """The ids one read binds to on one block (memoized: the outputs of a block share most reads; an `up:`
        read is its member here and, memoized the same way, on the block above)."""
        memo = self.id_memo.get(id(inst))
        if memo is None:
            memo = self.id_memo[id(inst)] = {}
        found = memo.get(read.text)
        if found is None:
            if read.up:
                found = self.expand(inst, read.here)
                if inst.parent is not None:
                    above = self.bound_ids(inst.parent, read)
                    if above:       # one list, shared by the blocks it holds (`_Shared`): not copied into each
                        found = found + [self.shared(above)]
            else:
                found = self.expand(inst, read)
            memo[read.text] = found
        return found

    def shared(self, ids: list) -> "_Shared":
        """The one `_Shared` of a list of ids (a block's `bound_ids` of an `up:` read, which each of its parts
        reads: a site's n halls each read every hall's gear, so copied into each they were ~n^2 edges)."""
        found = self.shares.get(id(ids))
        if found is None:
            found = self.shares[id(ids)] = _Shared(ids)
        return found

    def expand(self, inst: Instance, read) -> list[int]:
        """The ids a read (without `up:`) binds to on one block: the reference fields its steps read, then
        the member on each block the steps reach."""
        here = [inst]
        before = len(self.reads)
        for op, arg in read.steps:
            here = self.step(here, op, arg)
            if not here:
                break
        found = self.ids_of(self.reads[before:])    # the reference fields the steps read
        del self.reads[before:]
        self.sync()                                 # (the definitions the steps instantiated, numbered)
        index, member, set_only = self.index, read.member, read.set_only
        for at in here:
            i = index.get(f"{at.path}.{member}")    # (lookup_member's MEMBER_NODE: nothing else is a value)
            if i is not None and not (set_only and self.nodes[self.paths[i]].kind == "model"):
                found.append(i)
        return found

    def step(self, here: list[Instance], op: str, arg: str) -> list[Instance]:
        if op == "parts":
            if len(here) == 1:
                return self.parts_of(here[0], arg)
            return [p for at in here for p in self.parts_of(at, arg)]
        if op == "all":
            return [p for at in here for p in self.descendants(at, arg)]
        if op == "ref":
            picked = []
            for at in here:
                path = f"{at.path}.{arg}"
                if path in self.nodes:
                    self.reads.append(path)
                    kind, value = self.value_of(path)
                    if kind == _Kind.INST:
                        picked.append(value)
            return picked
        return [at.parent for at in here if at.parent is not None]        # parent

    def parts_of(self, inst: Instance, kind: str) -> list[Instance]:
        """The direct parts of `kind` (memoized per block and kind)."""
        key = (id(inst), kind, 1)
        found = self.below.get(key)
        if found is None:
            found = self.below[key] = [p for p in inst.parts if canonical_kind(p.kind) == kind]
        return found

    def descendants(self, inst: Instance, kind: str) -> list[Instance]:
        """The parts of `kind` at any depth under `inst` (memoized per block and kind: the outputs of one block
        read the same parts)."""
        key = (id(inst), kind)
        found = self.below.get(key)
        if found is None:
            found = self.below[key] = []
            work = list(reversed(inst.parts))
            while work:
                part = work.pop()
                if canonical_kind(part.kind) == kind:
                    found.append(part)
                work += reversed(part.parts)
        return found


# ----------------------------------------------------------------------------- binding

def _dynamic(node: Node) -> bool:
    """A model op that declares no reads: its inputs are read while it runs."""
    return node.kind == "model" and getattr(node.expr, "declared", None) is None


def _op_of(node: Node, swept: set[str]) -> str:
    if node.kind == "model":
        return f"model {node.instance.kind}.{node.path.rsplit('.', 1)[-1]}" if node.instance is not None \
            else "model"
    if node.kind == "param" and node.path in swept:
        return "sweep"
    if node.kind == "count":
        return "count"
    if node.kind == "assumption":
        return "const"
    if type(node.expr) in (n.Number, n.Quantity, n.String, n.Bool):
        return "const"
    return "expr"


class Cancelled(BaseException):
    """The evaluation was asked to stop (`evaluate(..., cancel=event)`); nothing it computed is returned."""


def bind(lowering, cancel=None) -> IR:
    """Bind every name of the lowered graph once and order its nodes (see the module docstring). May add
    nodes to `lowering.graph` (the imported definitions the spec reaches). `cancel` (a threading.Event):
    raise `Cancelled` soon after it is set (an editor's text changed). Python's cyclic garbage collector
    is paused meanwhile, as the front end does (`dsl.gc_paused`): binding allocates lists and dicts of paths
    and ids, no cycles, and a collection pass over a large spec's trees costs more than the binding."""
    from dsl import gc_paused

    with gc_paused():
        return _bind(lowering, cancel)


def _bind(lowering, cancel) -> IR:
    graph = lowering.graph
    swept = set(graph.sweep)
    kinds: dict[str, tuple] = {}
    binder = _Binder(lowering, kinds)
    paths, index = binder.paths, binder.index           # id -> path, path -> id: numbered as binding goes
    inputs: list = []               # id -> the ids it reads (a model op), else the paths it reads (until the end)
    literal = (n.Number, n.Quantity, n.String, n.Bool)
    by_path: list[int] = []         # the ids whose inputs are still paths (an expression's reads)
    nodes = graph.nodes
    if cancel is not None and hasattr(nodes, "cancel"):
        nodes.cancel = cancel                           # (making the lazy table's every node: ~0.1 s on 2,000 lines)
    done = 0
    while True:                                         # binding may instantiate definitions: until none is new
        if cancel is not None and cancel.is_set():      # (the first sync makes every node: ~0.1 s on 2,000 lines)
            raise Cancelled("")
        binder.sync()
        end = len(paths)
        if done == end:
            break
        for i in range(done, end):
            path = paths[i]
            node = nodes[path]
            if cancel is not None and (i + 1) % 512 == 0 and cancel.is_set():
                raise Cancelled(path)
            if node.kind == "model":
                if getattr(node.expr, "declared", None) is None or node.instance is None:
                    inputs.append(_NO_INPUTS)           # a dynamic op: reads while it runs
                else:
                    inputs.append(binder.model_reads(node, i) or _NO_INPUTS)
                continue
            if node.kind == "assumption" or type(node.expr) in literal or node.expr is None or path in swept:
                inputs.append(_NO_INPUTS)
                continue
            binder.reads = []
            binder.walk(node.expr, (node.instance, node.module, False))
            inputs.append(binder.reads)
            by_path.append(i)
        done = end
    checks = []
    for check in graph.checks:
        binder.reads = []
        binder.walk(check.stmt.expr, (check.instance, check.module, False))
        checks.append((check, binder.reads))

    binder.sync()
    for i in by_path:
        inputs[i] = _ids(inputs[i], index)
    ir_checks = [IRCheck(check.name, check.stmt.span, _ids(reads, index)) for check, reads in checks]
    return IR(lowering, paths, index, inputs, _order(inputs), ir_checks, swept)


_NO_INPUTS: list[int] = []       # shared by every node that reads nothing (never mutated)


class _Shared:
    """A list of input ids that many nodes read (`_Binder.shared`), kept once: in the order it is a node of its own
    that those nodes read (numbered after the real ones, then left out), so the walk visits its ids where the
    nodes would have read them, in the same order, and each further reader costs one edge, not the list."""

    __slots__ = ("ids", "number")

    def __init__(self, ids: list):
        self.ids = ids
        self.number = -1


def _expanded(inputs: list) -> list[int]:
    """`inputs` with each `_Shared` replaced by its ids, each id once, in the order first read."""
    if not any(type(i) is _Shared for i in inputs):
        return inputs
    out: dict[int, None] = {}
    work = [iter(inputs)]
    while work:
        for i in work[-1]:
            if type(i) is _Shared:
                work.append(iter(i.ids))
                break
            out[i] = None
        else:
            work.pop()
    return list(out)


def _order(inputs: list[list]) -> list[int]:
    """`topological_order` of the real nodes, each `_Shared` list a node of its own (numbered after them)."""
    count = len(inputs)
    graph = inputs
    extra: list[list[int]] = []
    todo = [x for row in inputs for x in row if type(x) is _Shared]
    while todo:
        shared = todo.pop()
        if shared.number >= 0:
            continue
        shared.number = count + len(extra)
        extra.append(shared.ids)
        todo += [x for x in shared.ids if type(x) is _Shared]
    if not extra:
        return topological_order(inputs)
    graph = [[x.number if type(x) is _Shared else x for x in row] for row in inputs + extra]
    return [i for i in topological_order(graph) if i < count]


def _ids(reads: list[str], index: dict[str, int]) -> list[int]:
    """The ids of the nodes read, each once, in the order first read."""
    if not reads:
        return _NO_INPUTS
    if len(reads) == 1:
        return [index[reads[0]]] if reads[0] in index else _NO_INPUTS
    return list(dict.fromkeys(index[p] for p in reads if p in index))


def topological_order(inputs_of: list[list[int]]) -> list[int]:
    """Tarjan's strongly connected components, iteratively: each node after its inputs; a cycle listed from
    the node the walk entered it by, then the others in the order the walk reached them."""
    count = len(inputs_of)
    low = [0] * count
    number = [-1] * count
    on_stack = [False] * count
    stack: list[int] = []
    order: list[int] = []
    counter = 0
    for root in range(count):
        if number[root] >= 0:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                number[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack[v] = True
            inputs = inputs_of[v]
            while i < len(inputs):
                w = inputs[i]
                i += 1
                if number[w] < 0:
                    work.append((v, i))
                    work.append((w, 0))
                    break
                if on_stack[w]:
                    low[v] = min(low[v], number[w])
            else:
                if low[v] == number[v]:
                    if stack[-1] == v:                  # a node on no cycle: the usual case
                        stack.pop()
                        on_stack[v] = False
                        order.append(v)
                    else:
                        component = []
                        while True:
                            w = stack.pop()
                            on_stack[w] = False
                            component.append(w)
                            if w == v:
                                break
                        component.sort(key=lambda c: number[c])  # the entry first, then as the walk reached them
                        order += component
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
                continue
    return order


def unit_of(lowering, node: Node) -> str:
    """The SI unit of a node's value ("" for none: a text, a reference; "1" for a count)."""
    if node.kind == "model" or node.kind == "assumption":
        return "" if node.unit == "1" else node.unit
    checked = lowering.checked
    expr = node.expr.start if isinstance(node.expr, n.RangeExpr) else node.expr
    t = checked.types.get(id(expr))
    if t is None and isinstance(node.expr, n.ListExpr) and node.expr.items:
        t = checked.types.get(id(node.expr.items[0]))
    if isinstance(t, ListT):        # a list of scenario values (`param days = [30 day, 90 day]`): its items' unit
        t = t.elem
    dim = getattr(t, "dim", None)
    if dim is None:
        return "1" if node.kind == "count" else ""
    if getattr(t, "point", False):
        return "K"
    unit = _SI_UNITS.get(dim)
    if unit is None:
        from dsl.units import si_unit
        unit = _SI_UNITS[dim] = si_unit(dim)
    return unit


_SI_UNITS: dict = {}        # dimension -> its SI unit text (dimensions are immutable values)


# ----------------------------------------------------------------------------- the dump (`factory graph`)

def _formula_text(node: Node, sources) -> str:
    span = getattr(node.expr, "span", None)
    source = sources.get(span.file) if span is not None and sources is not None else None
    if source is None:
        return ""
    return " ".join(source.text[span.start:span.end].split())


def _command_line(node: Node, sources) -> str | None:
    """The flag and value as typed (`-D halls=3`) when a param's value is given on the command line, else None."""
    from dsl.diagnostics import command_line_place

    span = getattr(node.expr, "span", None)
    typed = command_line_place(span, sources.get(span.file)) if span is not None and sources else None
    return typed[0].name if typed else None


def dump_json(ir: IR, graph, sources, spec: str, version: str) -> dict:
    """The IR as a JSON document: nodes in topological order, each with its inputs by path."""
    paths = [node.path for node in ir.nodes]
    out_nodes = []
    for i in ir.order:
        node = ir.nodes[i]
        item = {"path": node.path, "kind": node.kind, "op": node.op, "unit": node.unit or None,
                "type": node.display or None,
                "at": str(node.span) if node.span is not None else None,
                "inputs": sorted(paths[j] for j in node.inputs)}
        if node.kind == "model":
            if node.dynamic:
                item["dynamic"] = True
            item["formula"] = node.formula
        elif node.op in ("expr", "count", "const", "sweep"):
            expr = graph.nodes[node.path]
            item["formula"] = _formula_text(expr, sources)
            typed = _command_line(expr, sources)
            if typed:                   # the value is the command line's, the declaration the spec's (`at`)
                item["command_line"] = typed
        out_nodes.append(item)
    checks = [{"name": c.name, "at": str(c.span), "inputs": sorted(paths[j] for j in c.inputs)} for c in ir.checks]
    return {"format_version": version, "spec": spec,
            "scenarios": {"count": ir.scenario_count, "parameters": list(ir.sweep)},
            "counts": {"nodes": len(ir.nodes), "edges": ir.edge_count,
                       "dynamic": sum(1 for x in ir.nodes if x.dynamic), "checks": len(ir.checks)},
            "nodes": out_nodes, "checks": checks}


def graph_of_files(paths: list[str], defines: dict[str, str] | None, root: str | None, version: str):
    """Check, lower and bind spec files (nothing evaluated): (the dump_json document or None, Sink)."""
    import dsl

    from .lower import lower

    checked, sink = dsl.check_files(paths, defines, root)
    if checked is None or sink.has_errors():
        return None, sink
    lowering = lower(checked, sink)
    if sink.has_errors():
        return None, sink
    return dump_json(bind(lowering), lowering.graph, sink.sources, paths[0], version), sink


def dump_text(doc: dict) -> str:
    """The JSON document as text: one line per node in topological order (`path = formula  [kind op : unit]
    at file:line:col`), its static inputs on the next line; a model op as `path  [model kind.output : unit]`
    and its declared inputs (`--format json` has its formula and span)."""
    counts = doc["counts"]
    lines = [f"# {doc['spec']}: {counts['nodes']} nodes, {counts['edges']} static edges, {counts['checks']} assert(s), "
             f"{doc['scenarios']['count']} scenario(s)",
             f"# each node after its inputs (<-)"
             + (f"; the {counts['dynamic']} dynamic model ops read theirs while they run" if counts["dynamic"] else "")]
    if doc["scenarios"]["parameters"]:
        lines.append("# swept: " + ", ".join(doc["scenarios"]["parameters"]))
    for item in doc["nodes"]:
        unit = item["unit"] or "-"
        if item["type"] and item["type"] != item["unit"]:
            unit += f"; type {item['type']}"
        if item["kind"] == "model":                 # its formula and span: `--format json`
            lines.append(f"{item['path']}  [{item['op']} : {unit}]")
            if item["inputs"]:
                lines.append("    <- " + ", ".join(item["inputs"]))
            continue
        formula = f" = {item['formula']}" if item.get("formula") else ""
        at = f"  at {item['at']}" if item["at"] else ""
        if item.get("command_line"):
            at += f", set by {item['command_line']}"
        lines.append(f"{item['path']}{formula}  [{item['kind']} {item['op']} : {unit}]{at}")
        if item["inputs"]:
            lines.append("    <- " + ", ".join(item["inputs"]))
    for check in doc["checks"]:
        lines.append(f"assert {check['name']}  at {check['at']}")
        if check["inputs"]:
            lines.append("    <- " + ", ".join(check["inputs"]))
    return "\n".join(lines) + "\n"
