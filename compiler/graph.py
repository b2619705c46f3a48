"""The evaluation graph: a DAG of named quantities, each an expression over other quantities.

Pipeline position: built by `compiler.lower`, bound and ordered by `compiler.ir`, run by `compiler.evaluate`,
read by render and explain.
Imports `dsl.nodes` and `dsl.source` only. Values are SI floats; `unit` is the SI unit string.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from dsl import nodes as n
from dsl.source import Span


class CompletingDict(dict):
    """A table that is made whole when it is read whole: each subclass's `complete()` adds what is still
    missing (and typically turns the table into a plain dict subclass); every read of the whole table
    (iterating it, its length, keys, values, items, a copy, ==, repr) completes it first. Single lookups
    (`[]`, `get`, `in`) are each subclass's own. Used by `compiler.lower.LazyNodes` (nodes made when first
    read) and `compiler.evaluate._Units` (units found when first read)."""

    def complete(self) -> None:
        raise NotImplementedError

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


@dataclass(eq=False)
class Instance:
    """One placed block: `path` is dotted from its root; `count` the node path of its multiplicity."""

    path: str
    block: n.Block
    parent: "Instance | None"
    count: str | None = None                 # node path of `x N` (per parent item), None = 1
    parts: list["Instance"] = field(default_factory=list)
    base: n.Block | None = None              # the definition `block` extends (dsl.resolve.Scopes.base_of)

    @property
    def kind(self) -> str:
        return self.block.kind

    def part_named(self, name: str) -> "Instance | None":
        """The first part placed under `name` (an index built on first use, so that looking a name up in a
        block of many parts does not scan them all)."""
        index = self.__dict__.get("_by_name")
        if index is None or index[0] != len(self.parts):
            by_name: dict[str, Instance] = {}
            for part in self.parts:
                by_name.setdefault(part.block.name, part)
            index = self.__dict__["_by_name"] = (len(self.parts), by_name)
        return index[1].get(name)


@dataclass(eq=False)
class Node:
    path: str
    unit: str
    span: Span | None
    expr: object | None                      # dsl expression, or a model formula
    instance: Instance | None                # the instance whose member this is (None: module level)
    module: n.Module | None
    kind: str = "field"                      # field | let | param | count | model | assumption
    comment: str | None = None               # the source comment beside the figure (stdlib citations)
    deps: "list[str] | tuple" = ()          # the nodes its evaluation read (set by compiler.evaluate)
    formula: str = ""                        # human-readable formula, for explain
    display: str = ""                        # the schema's declared unit, for display (`USD/yr`, `L/min`)


@dataclass
class Check:
    name: str
    stmt: n.Assert
    instance: Instance | None
    module: n.Module


@dataclass
class LimitCheck:
    """A built-in physical limit of a model (`compiler.models.Limit`) on one placed instance."""

    name: str
    limit: object
    instance: Instance


def release_instances(roots) -> None:
    """Break the reference cycles of placed instances (a part's `parent` holds the instance whose `parts` hold
    it) so that reference counting frees them as soon as they are dropped, where Python's cyclic collector would
    have to find them (the language server drops a version's graph at nearly every keystroke: on a 2,000-line
    spec ~140,000 objects that only the collector's full pass frees, 0.3-0.8 s). For a caller done with them: every
    instance under `roots` has no parent after."""
    todo = list(roots)
    while todo:
        inst = todo.pop()
        inst.parent = None
        todo.extend(inst.parts)


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)
    roots: list[Instance] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    limits: list[LimitCheck] = field(default_factory=list)
    sweep: list[str] = field(default_factory=list)       # swept parameter paths, in scenario-axis order
    sweep_values: dict[str, list[float]] = field(default_factory=dict)
    scenario_count: int = 1
    # the reads of a solve that many figures take their share of, held once (`compiler.models.solved_through`):
    # its key (`solve_key`, no quantity's path) -> the quantities the solve read; a figure that takes its share
    # records the key in its `Node.deps` in their place (`expand_reads`, `report_format.readers_of`)
    solves: dict[str, list[str]] = field(default_factory=dict)


def solve_key(path: str, kind: str) -> str:
    """The key of the solve `kind` of the block at `path` in `Graph.solves` (`site:metered_changes`): a `:`, so it
    is no quantity's path."""
    return f"{path}:{kind}"


def is_solve_key(path: str) -> bool:
    """Whether `path` is a solve's key (`solve_key`), not a quantity's path."""
    return ":" in path


def expand_reads(solves: dict[str, list[str]], reads) -> list[str]:
    """`reads` (a `Node.deps` or a read list) with each solve's key (`Graph.solves`) replaced, where it stands, by
    the quantities that solve read (and theirs, a solve read inside a solve): what the figure read, as if it had
    read them itself (which is what it depends on; held once per solve, not once per reader)."""
    if not solves or not any(r in solves for r in reads):
        return list(reads)
    out: list[str] = []
    seen: set[str] = set()
    todo = list(reversed(reads))
    while todo:
        read = todo.pop()
        if read in solves:
            if read not in seen:
                seen.add(read)
                todo.extend(reversed(solves[read]))
        else:
            out.append(read)
    return out
