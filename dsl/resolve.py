"""Names: module scopes, block members, inheritance, and the lookup rules every later stage shares.

Pipeline position: after `dsl.loader`, before `dsl.check`. Imports `dsl.nodes`, `dsl.schema`,
`dsl.diagnostics`. Public function: `resolve(program, sink) -> Scopes`.

Lookup of a bare name inside a block: the block's own members (fields, lets and parts, including those
inherited through `extends`), then each enclosing block's members, then the module (params, lets,
definitions, imported names), then star imports; a name in the value of a field or let of the same
name (`price = price`, marked `outward` by the builder) skips its own block (`Scopes.lookup_name`).
Inherited formulas bind late: a name in a base's formula means the member of the block being evaluated,
so overriding `tdp` in a derived chip changes every formula of the base that uses it.

`extends` makes a copy: a block's members are its base's members (after the base's own inheritance),
overridden by name by its own; the base is never changed. What resolution learns (each block's base, its
members, the module scopes) lives in `Scopes`, never in the syntax tree, which may be shared by many runs.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace

from . import nodes as n
from .diagnostics import Code, Related, Sink, did_you_mean
from .loader import Program
from .parser import KEYWORDS
from .schema import kind as kind_spec


@dataclass
class ModuleScope:
    module: n.Module
    names: dict[str, object] = field(default_factory=dict)      # name -> Block | Param | Let | Module
    star: list[n.Module] = field(default_factory=list)


@dataclass
class Members:
    """What a block holds after inheritance: name -> Field | Let | Block (a part); plus its asserts."""

    values: dict[str, object] = field(default_factory=dict)
    owner: dict[str, n.Block] = field(default_factory=dict)     # name -> block that declared it
    asserts: list[tuple[n.Assert, n.Block]] = field(default_factory=list)


class Scopes:
    def __init__(self, program: Program, sink: Sink):
        self.program = program
        self.sink = sink
        self.modules: dict[str, ModuleScope] = {}
        self._members: dict[int, Members] = {}
        self._visible: dict[tuple[int, int], list[str]] = {}
        self._bases: dict[int, n.Block | None] = {}   # id(block) -> the definition it extends (side table)
        self._binding: set[int] = set()               # blocks whose base is being looked up
        self._deferring = False                       # inside `bind_bases`: an unbound base is deferred
        self._reentered: dict[int, n.Block] = {}      # ... whose lookup needed that very base
        self._clashes: dict[tuple[str, str], tuple[n.Module, n.Module] | None] = {}
        self._unloaded: dict[str, set[str]] = {}      # module path -> names its imports that did not load bind
        self.multi_star: set[str] = set()   # paths of modules with two or more star imports (names may clash)
        self._homes: dict[int, n.Module] | None = None    # id(top-level statement) -> its module (`home`)

    # ------------------------------------------------------------------ modules
    def home(self, stmt: object) -> n.Module | None:
        """The module whose top level declares `stmt` (a param, let or definition), or None. An imported
        `let` or `param` is read in its own module: `from "./lib.factory" import twice` with `twice = k * 2`
        reads lib's `k`, never a `k` of the importing file."""
        homes = self._homes
        if homes is None:
            homes = self._homes = {id(stmt): module for module in self.program.modules.values()
                                   for stmt in module.statements}
        return homes.get(id(stmt))

    def scope_of(self, module: n.Module) -> ModuleScope:
        return self.modules[module.path]

    def module_lookup(self, module: n.Module, name: str) -> object | None:
        scope = self.modules.get(module.path)
        if scope is None:
            return None
        if name in scope.names:
            return self._unwrap(scope.names[name])
        for star in scope.star:  # star imports: the first module that has the name wins
            names = self.modules[star.path].names if star.path in self.modules else {}
            if name in names and not isinstance(names[name], n.Module):
                return self._unwrap(names[name])
        return None

    def unloaded_name(self, module: n.Module, name: str) -> bool:
        """Whether `name` is one that an import of `module` that did not load would bind (`H100_SXM` of a
        misspelt `from chipz import H100_SXM`, `c` of `import "./gone.factory" as c`), or a name imported that its
        module does not define (`from chips import H100_SXMM`), and whose import has its error there
        (`import-not-found`, `import-escapes-root`, ...): its uses are not reported again, that error is the one to
        fix, as rustc and mypy report an unresolved import once. (An import of a file that does not parse has its
        error in that file: the uses here are still reported, this file's one sign of it.)"""
        found = self._unloaded.get(module.path)
        if found is None:
            said = [d.span for d in self.sink.items if d.severity == "error" and d.span is not None]
            found = self._unloaded[module.path] = set()
            for stmt in module.statements:
                if not isinstance(stmt, n.Import) or stmt.star:
                    continue
                target = self.program.imported(module, stmt)
                if target is not None and stmt.names is None:
                    continue                  # (a whole module that loaded binds its alias)
                bound = [(x, stmt.span if target is None else span) for x, span in stmt.names] \
                    if stmt.names is not None else [(import_alias(stmt), stmt.span)]
                for x, at in bound:
                    if target is not None:    # a name the module does not define: the checker says so at the import
                        if self.module_lookup(target, x) is None:
                            found.add(x)
                    elif any(span.file == at.file and at.start <= span.start <= at.end for span in said):
                        found.add(x)          # the module did not load: the loader said why at the import
        return name in found and self.module_lookup(module, name) is None

    def whole_import(self, module: n.Module, name: str) -> tuple[n.Module, n.Import] | None:
        """(the module, its whole-module import) that binds the module-level `name` of `module` to a module
        (`import chips as c`: `c`), following `from m import name` to the file that wrote the import; None where
        `name` is not bound so (a definition, a star import's name, nothing)."""
        for _ in range(50):
            scope = self.modules.get(module.path)
            found = scope.names.get(name) if scope is not None else None
            if isinstance(found, _ImportedName):
                module, name = found.module, found.name
                continue
            if not isinstance(found, n.Module):
                return None
            for stmt in module.statements:
                if isinstance(stmt, n.Import) and stmt.names is None and not stmt.star \
                        and import_alias(stmt) == name and self.program.imported(module, stmt) is found:
                    return module, stmt
            return None
        return None

    def _unwrap(self, found: object) -> object | None:
        """Follow `from m import name` to the definition itself (chains are short; cycles cannot load)."""
        for _ in range(50):
            if not isinstance(found, _ImportedName):
                return found
            found = self.module_lookup(found.module, found.name)
        return None

    def star_clash(self, module: n.Module, name: str) -> tuple[n.Module, n.Module] | None:
        """The first two star-imported modules of `module` that give `name` different definitions (the
        first is the one `module_lookup` uses), or None. Only names not defined or imported by name in
        `module` itself can clash; the same definition reached through two modules is no clash."""
        scope = self.modules.get(module.path)
        if scope is None or len(scope.star) < 2 or name in scope.names:
            return None
        key = (module.path, name)
        if key not in self._clashes:
            first: tuple[n.Module, object] | None = None
            clash = None
            for star in scope.star:
                names = self.modules[star.path].names if star.path in self.modules else {}
                if name in names and not isinstance(names[name], n.Module):
                    found = self._unwrap(names[name])
                    if first is None:
                        first = (star, found)
                    elif found is not first[1] and star is not first[0]:
                        clash = (first[0], star)
                        break
            self._clashes[key] = clash
        return self._clashes[key]

    def module_names(self, module: n.Module) -> list[str]:
        scope = self.modules.get(module.path)
        if scope is None:
            return []
        names = set(scope.names)
        for m in scope.star:
            if m.path in self.modules:
                names |= set(self.modules[m.path].names)
        return sorted(names)

    # ------------------------------------------------------------------ blocks
    def members(self, block: n.Block) -> Members:
        """Members of `block` after inheritance (memoized). An inheritance cycle stops at the repeat."""
        found = self._members.get(id(block))
        if found is not None:
            return found
        chain: list[n.Block] = []    # `block` and the bases not known yet, nearest first (no recursion)
        seen: set[int] = set()
        current: n.Block | None = block
        while current is not None and id(current) not in self._members and id(current) not in seen:
            seen.add(id(current))
            chain.append(current)
            current = self.base_of(current)
        inherited = self._members.get(id(current)) if current is not None else None
        for member_block in reversed(chain):
            result = Members()
            if inherited is not None:
                result.values.update(inherited.values)
                result.owner.update(inherited.owner)
                result.asserts.extend(inherited.asserts)
            for stmt in member_block.body:
                if isinstance(stmt, (n.Field, n.Let, n.Block)):
                    result.values[stmt.name] = stmt
                    result.owner[stmt.name] = member_block
                elif isinstance(stmt, n.Assert):
                    result.asserts.append((stmt, member_block))
            self._members[id(member_block)] = inherited = result
        return self._members[id(block)]

    def base_of(self, block: n.Block) -> n.Block | None:
        """The definition `block` extends (None: none, or it could not be bound). Bound once, by `resolve`,
        in the order the lookups need: finding a base may read the members of other blocks, so their own
        bases first (see `bind_bases`)."""
        key = id(block)
        if key in self._bases:
            return self._bases[key]
        if not block.base:
            return None
        if key in self._binding:   # the base is looked up through the block's own inheritance
            self._reentered.setdefault(key, block)
            return None
        if self._deferring:
            raise _NeedsBase(block)
        self.bind_bases(block)
        return self._bases[key]

    def bind_bases(self, block: n.Block) -> None:
        """Bind the base of `block` and, first, every base its lookup needs. Iterative: a lookup that meets
        an unbound base raises `_NeedsBase`, that base is bound, and the lookup runs again; so a chain of
        thousands of `extends`, in any order, needs no deep recursion. The blocks waiting on the stack
        count as binding: a lookup that needs one of them is an inheritance cycle (`_reentered`)."""
        pending = [block]
        saved, self._deferring = self._deferring, True
        try:
            while pending:
                current = pending[-1]
                key = id(current)
                if key in self._bases:
                    pending.pop()
                    self._binding.discard(key)
                    continue
                self._binding.add(key)
                try:
                    target = _bind_base(self, current)
                except _NeedsBase as need:
                    pending.append(need.block)
                    continue
                self._bases[key] = target
        finally:
            self._deferring = saved
            for waiting in pending:
                self._binding.discard(id(waiting))

    def lookup(self, name: str, block: n.Block | None, module: n.Module) -> object | None:
        """Resolve a bare name as seen from inside `block` (None: at module level)."""
        current = block
        while current is not None:
            found = self.members(current).values.get(name)
            if found is not None:
                return found
            current = current.parent
        return self.module_lookup(module, name)

    def lookup_name(self, expr: n.Name, block: n.Block | None, module: n.Module) -> object | None:
        """`lookup` for a name in an expression: an `outward` name (`price = price`) skips its own block."""
        return self.lookup(expr.ident, block.parent if expr.outward and block is not None else block, module)

    def visible_names(self, block: n.Block | None, module: n.Module) -> list[str]:
        """Every name visible from `block`, sorted (memoized: "did you mean" hints ask for it often)."""
        key = (id(block), id(module))
        if key not in self._visible:
            names: set[str] = set()
            current = block
            while current is not None:
                names |= set(self.members(current).values)
                current = current.parent
            # (a name an import binds but does not define, `GB200_NVL27` of a misspelt `from systems import
            # GB200_NVL27`, is no candidate: "did you mean" would offer the import's own error as the fix)
            names |= {x for x in self.module_names(module) if self.module_lookup(module, x) is not None}
            self._visible[key] = sorted(names)
        return self._visible[key]

    def lookup_dotted(self, parts: list[str], block: n.Block | None, module: n.Module) -> object | None:
        found = self.lookup(parts[0], block, module)
        for part in parts[1:]:
            if isinstance(found, n.Module):
                found = self.module_lookup(found, part)
            elif isinstance(found, n.Block):
                found = self.members(found).values.get(part)
            else:
                return None
        return found


# The keywords a definition may not be named by: the words that start a statement or are part of an expression, so
# that no expression could refer to the definition (`let if = 1`: `if` there starts an `if ... then ... else`).
# The grammar's other keywords, `x`, `step`, `as` and `extends`, are keywords only in a block's header, a range or
# an import, where no name is read: `let x = 1` is read as `x` everywhere else.
RESERVED_NAMES = frozenset(KEYWORDS) - {"x", "step", "as", "extends"}


def _check_reserved(what: object, sink: Sink) -> None:
    """A definition named by a keyword: `reserved-name` at its name."""
    name = getattr(what, "name", None)
    if name in RESERVED_NAMES:
        noun = "let" if isinstance(what, n.Let) else "param" if isinstance(what, n.Param) else what.kind
        sink.error(Code.RESERVED_NAME, f"`{name}` is a keyword, so it cannot name a {noun}: nothing could refer "
                   f"to it", what.name_span, help=f"choose another name, e.g. `{name}_`")


def resolve(program: Program, sink: Sink) -> Scopes:
    """Module scopes, then every block's base (each bound once, on first use), then inheritance cycles.

    Nothing is written into the syntax tree: bases and members live in the returned `Scopes`."""
    scopes = Scopes(program, sink)
    for module in program.modules.values():
        scope = scopes.modules[module.path] = _module_scope(program, module, sink)
        if len(scope.star) >= 2:
            scopes.multi_star.add(module.path)
    for module in program.modules.values():
        for stmt in module.statements:
            if isinstance(stmt, (n.Block, n.Param, n.Let)):
                _check_reserved(stmt, sink)
    blocks = _all_blocks(program)
    for block in blocks:
        for stmt in block.body:
            if isinstance(stmt, (n.Block, n.Param, n.Let)):     # (a field's name is its kind's: unknown-field)
                _check_reserved(stmt, sink)
        _check_duplicates(block, sink)
        if block.base:
            scopes.bind_bases(block)
    for block in scopes._reentered.values():
        sink.error(Code.INHERITANCE_CYCLE, f"`{block.name}` extends `{'.'.join(block.base)}`, but finding "
                   f"`{'.'.join(block.base)}` needs what `{block.name}` inherits first", block.base_span,
                   help="extend a definition that stands on its own")
        scopes._bases[id(block)] = None
    _check_inheritance_cycles(blocks, scopes, sink)
    # members and visible names seen while bases were still being bound may miss inherited ones
    scopes._members.clear()
    scopes._visible.clear()
    return scopes


def _module_scope(program: Program, module: n.Module, sink: Sink) -> ModuleScope:
    scope = ModuleScope(module)
    declared: dict[str, object] = {}
    first_span: dict[str, object] = {}   # where each name was first declared (an imported module has no span)
    imported: set[str] = set()           # names declared by an import

    def declare(name: str, what: object, span, by_import: bool = False) -> None:
        if name in declared:
            if by_import and name in imported:
                sink.error(Code.DUPLICATE_IMPORT, f"`{name}` is imported twice into this file", span,
                           related=[Related(first_span[name], "first imported here")],
                           help="import each name once, or give one of them another name with `as`")
            else:
                sink.error(Code.DUPLICATE_DEFINITION, f"`{name}` is defined twice in this file", span,
                           related=[Related(first_span[name], "first defined here")])
            return
        if by_import:
            imported.add(name)
        first_span[name] = span
        declared[name] = what
        scope.names[name] = what

    for stmt in module.statements:
        if isinstance(stmt, n.Import):
            target = program.imported(module, stmt)
            if target is None:
                continue
            if stmt.star:
                scope.star.append(target)
            elif stmt.names is not None:
                for name, span in stmt.names:
                    declare(name, _ImportedName(target, name, span, stmt), span, by_import=True)
            else:
                declare(import_alias(stmt), target, stmt.module_span, by_import=True)
        elif isinstance(stmt, (n.Block, n.Param, n.Let)):
            declare(stmt.name, stmt, stmt.name_span)
    return scope


class _NeedsBase(Exception):
    """A lookup inside `Scopes.bind_bases` met a block whose base is not bound yet: bind that first."""

    def __init__(self, block: n.Block):
        self.block = block


@dataclass
class _ImportedName:
    module: n.Module
    name: str
    span: object
    stmt: n.Import


def _name_span(what: object):
    if isinstance(what, _ImportedName):
        return what.span
    span = getattr(what, "name_span", None) or getattr(what, "span", None)
    return span


def _bind_base(scopes: Scopes, block: n.Block) -> n.Block | None:
    """Look up the definition named after `extends` (from the block's enclosing scope) and vet it."""
    sink = scopes.sink
    module = block.module
    target = scopes.lookup_dotted(block.base, block.parent, module)
    dotted = ".".join(block.base)
    if target is not None and module.path in scopes.multi_star and \
            scopes.star_clash(module, block.base[0]) is not None and \
            scopes.lookup(block.base[0], block.parent, module) is scopes.module_lookup(module, block.base[0]):
        report_star_clash(scopes, module, block.base[0], block.base_span)
    prefix = scopes.lookup_dotted(block.base[:-1], block.parent, module) if len(block.base) > 1 else None
    if target is None and isinstance(prefix, (n.Module, n.Block)):
        # `chips.H100_SXMM`: the module (or block) is there, its member is not: said at the member, as an
        # expression's `chips.H100_SXMM.tdp` is, with the module's definitions of the block's kind as the hint
        last = block.base[-1]
        names = scopes.module_names(prefix) if isinstance(prefix, n.Module) else list(scopes.members(prefix).values)
        lookup = (lambda x: scopes.module_lookup(prefix, x)) if isinstance(prefix, n.Module) else \
            (lambda x: scopes.members(prefix).values.get(x))
        same_kind = [x for x in names if isinstance(lookup(x), n.Block)
                     and canonical_kind_name(lookup(x).kind) == canonical_kind_name(block.kind)]
        span = block.base_span
        if span is not None and span.end - span.start > len(last):     # (the name is the span's last token)
            span = replace(span, start=span.end - len(last), line=span.end_line, col=span.end_col - len(last))
        where = prefix.name if isinstance(prefix, n.Module) else f"`{prefix.name}`"
        sink.error(Code.UNKNOWN_NAME, f"`{last}` is not defined in {where}", span,
                   help=did_you_mean(last, same_kind or names))
    elif target is None and scopes.unloaded_name(module, block.base[0]):
        pass                              # (its import did not load: that import's error says so)
    elif target is None:
        sink.error(Code.UNKNOWN_NAME, f"`{dotted}` is not defined", block.base_span,
                   help=did_you_mean(block.base[-1], _definitions_of_kind(scopes, block, module))
                   or (stdlib_hint(dotted, module) if len(block.base) == 1 else None))
    elif not isinstance(target, n.Block):
        sink.error(Code.WRONG_KIND, f"`{dotted}` is not a definition, so `{block.name}` cannot extend it",
                   block.base_span)
    elif target is block:
        sink.error(Code.INHERITANCE_CYCLE, f"`{block.name}` extends itself", block.base_span)
    elif kind_spec(block.kind) is not None and canonical_kind_name(target.kind) != canonical_kind_name(block.kind):
        holder = kind_spec(block.kind)
        inside = holder is not None and canonical_kind_name(target.kind) in holder.contains
        # `rack r: DGX_H100 x 4` (a server): say where a server goes (s26-hunt: the error named both kinds only)
        sink.error(Code.WRONG_KIND, f"`{block.name}` is a {block.kind} but `{dotted}` is a {target.kind}",
                   block.base_span, related=[Related(target.name_span, f"`{dotted}` is defined here")],
                   help=(f"a {target.kind} is placed inside a {block.kind}: `{block.kind} {block.name} {{ "
                         f"{target.kind} node: {dotted} x N }}`") if inside else None)
    else:
        return target
    return None


@functools.cache
def _stdlib_homes() -> dict[str, str]:
    """Definition name -> the stdlib module that defines it at its top level (`H100_SXM` -> `chips`), read
    from the stdlib's text: the first word of a line that starts at column 0 is a kind, the second a name."""
    from .resources import stdlib_dir, stdlib_modules

    homes: dict[str, str] = {}
    for module in stdlib_modules():
        text = (stdlib_dir() / f"{module}.factory").read_text(encoding="utf-8")
        for kind_word, name in re.findall(r"^([a-z_]+)[ \t]+([A-Za-z_][A-Za-z0-9_]*)\b", text, re.M):
            if kind_spec(kind_word) is not None:
                homes.setdefault(name, module)
    return homes


def stdlib_hint(name: str, module: n.Module) -> str | None:
    """"add `from chips import H100_SXM`" for a name the spec does not define but the stdlib does."""
    home = _stdlib_homes().get(name)
    if home is None or module.name == home:
        return None
    return f"`{name}` is in the stdlib: add `from {home} import {name}` at the top of the file"


def report_star_clash(scopes: Scopes, module: n.Module, name: str, span) -> None:
    """`ambiguous-name` at `span` when `name`, read at module level, comes from two star imports."""
    clash = scopes.star_clash(module, name) if module.path in scopes.multi_star else None
    if clash is not None:
        first, second = clash
        scopes.sink.error(Code.AMBIGUOUS_NAME, f"`{name}` is defined both in {_import_name(scopes, module, first)} "
                          f"and in {_import_name(scopes, module, second)}, both imported with `*`", span,
                          notes=[f"`{name}` of {_import_name(scopes, module, first)} (the first star import) "
                                 "would be used"],
                          help=f"import it by name: `from {_import_name(scopes, module, first)} import {name}`")


def _import_name(scopes: Scopes, module: n.Module, target: n.Module) -> str:
    """How `module` wrote the import of `target` (`chips`, or a quoted path)."""
    for stmt in module.statements:
        if isinstance(stmt, n.Import) and stmt.star and scopes.program.imported(module, stmt) is target:
            return f'"{stmt.module}"' if stmt.is_path else stmt.module
    return target.name


def canonical_kind_name(kind: str) -> str:
    """The schema's name of a kind (`node` -> `server`); the name as written where the schema has no such kind."""
    spec = kind_spec(kind)
    return spec.name if spec else kind


def import_alias(stmt: n.Import) -> str:
    """The name a whole-module import binds: its `as` alias, else the module's last dotted part (`import
    systems.gpus` -> `gpus`), or a path's file stem (`import "./lib.factory"` -> `lib`)."""
    if stmt.alias:
        return stmt.alias
    if stmt.is_path:
        return stmt.module.rsplit("/", 1)[-1].removesuffix(".factory")
    return stmt.module.split(".")[-1]


def _definitions_of_kind(scopes: Scopes, block: n.Block, module: n.Module) -> list[str]:
    names = []
    for name in scopes.visible_names(block.parent, module):
        target = scopes.lookup(name, block.parent, module)
        if isinstance(target, n.Block) and canonical_kind_name(target.kind) == canonical_kind_name(block.kind):
            names.append(name)
    return names or scopes.visible_names(block.parent, module)


def _check_duplicates(block: n.Block, sink: Sink) -> None:
    seen: dict[str, object] = {}
    spec = kind_spec(block.kind)
    for stmt in block.body:
        if isinstance(stmt, n.Block) and spec is not None and stmt.name in spec.fields:
            # the fields of a kind are a block's members, set or not: a part of that name would share its dotted
            # path (`r.it_power` and `r.it_power.peak_power`) and hide the field from formulas and models
            sink.error(Code.DUPLICATE_DEFINITION, f"the part `{stmt.name}` of `{block.name}` has the name of a field "
                       f"of {spec.name} ({spec.fields[stmt.name].doc})", stmt.name_span,
                       help=f"name the part otherwise, like `{stmt.name}_{canonical_kind_name(stmt.kind)}`")
            continue
        if isinstance(stmt, (n.Field, n.Let, n.Block)):
            if stmt.name in seen:
                sink.error(Code.DUPLICATE_DEFINITION, f"`{stmt.name}` is set twice in `{block.name}`",
                           stmt.name_span, related=[Related(_name_span(seen[stmt.name]), "first set here")])
            else:
                seen[stmt.name] = stmt


def _all_blocks(program: Program) -> list[n.Block]:
    """Every block of the program, module by module, each before the blocks in its body."""
    out: list[n.Block] = []
    for module in program.modules.values():
        stack = [stmt for stmt in reversed(module.statements) if isinstance(stmt, n.Block)]
        while stack:
            block = stack.pop()
            out.append(block)
            stack.extend(stmt for stmt in reversed(block.body) if isinstance(stmt, n.Block))
    return out


def _check_inheritance_cycles(blocks: list[n.Block], scopes: Scopes, sink: Sink) -> None:
    """Report each `extends` cycle once, at its first block, and cut it there. Linear: each block's chain
    of bases is followed only until it reaches a block whose chain is already known."""
    order = {id(b): i for i, b in enumerate(blocks)}
    done: set[int] = set()
    for block in blocks:
        path: list[n.Block] = []
        on_path: dict[int, int] = {}
        current: n.Block | None = block
        while current is not None and id(current) not in done and id(current) not in on_path:
            on_path[id(current)] = len(path)
            path.append(current)
            current = scopes._bases.get(id(current))
        if current is not None and id(current) in on_path:
            cycle = path[on_path[id(current)]:]
            first = min(range(len(cycle)), key=lambda i: order.get(id(cycle[i]), len(order)))
            chain = cycle[first:] + cycle[:first]
            names = " → ".join(b.name for b in chain + [chain[0]])
            sink.error(Code.INHERITANCE_CYCLE, f"inheritance cycle: {names}", chain[0].base_span,
                       help="one of these definitions must stand on its own")
            scopes._bases[id(chain[0])] = None
        done.update(on_path)
