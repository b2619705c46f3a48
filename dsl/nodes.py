"""The typed AST: one dataclass per construct, every node with its source span.

Pipeline position: produced by `dsl.build`, read by `dsl.resolve`, `dsl.check` and `compiler.lower`.
Imports only `dsl.source`. Arithmetic chains (`a + b - c`) stay n-ary so that long sums never nest deeply.

The tree is immutable once `dsl.build` has returned it: later stages keep what they learn (bound names,
bases, types) in side tables of their own (`dsl.resolve.Scopes`, `dsl.check.Checked`), keyed by node
identity, so one parsed module (an imported file, the stdlib) can be shared by any number of runs.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from .source import Span


# ----------------------------------------------------------------------------- expressions

@dataclass(eq=False)
class Number:
    span: Span
    value: float
    text: str


@dataclass(eq=False)
class Quantity:
    span: Span
    value: float
    text: str
    unit: str
    unit_span: Span


@dataclass(eq=False)
class String:
    span: Span
    value: str


@dataclass(eq=False)
class Bool:
    span: Span
    value: bool


@dataclass(eq=False)
class Name:
    """A bare name. `outward` (set by dsl.build) marks a name in the value of a block member of the same
    name (`electricity_price = electricity_price`): it is looked up outside that block, not as itself."""

    span: Span
    ident: str
    outward: bool = False


@dataclass(eq=False)
class Attr:
    span: Span
    obj: "Expr"
    name: str
    name_span: Span


@dataclass(eq=False)
class Call:
    span: Span
    func: str
    func_span: Span
    args: list["Expr"]


@dataclass(eq=False)
class ListExpr:
    span: Span
    items: list["Expr"]


@dataclass(eq=False)
class Unary:
    span: Span
    op: str  # "-" or "+"
    operand: "Expr"


@dataclass(eq=False)
class Arith:
    """`operands[0] ops[0] operands[1] ops[1] ...` for one precedence level (+ - or * /)."""

    span: Span
    operands: list["Expr"]
    ops: list[str]
    op_spans: list[Span]


@dataclass(eq=False)
class Power:
    span: Span
    base: "Expr"
    exponent: "Expr"


@dataclass(eq=False)
class Compare:
    span: Span
    op: str
    left: "Expr"
    right: "Expr"
    op_span: Span


@dataclass(eq=False)
class Logic:
    span: Span
    op: str  # "and" / "or"
    operands: list["Expr"]


@dataclass(eq=False)
class Not:
    span: Span
    operand: "Expr"


@dataclass(eq=False)
class IfExpr:
    span: Span
    cond: "Expr"
    then: "Expr"
    other: "Expr"


@dataclass(eq=False)
class RangeExpr:
    span: Span
    start: "Expr"
    stop: "Expr"
    step: "Expr | None"


Expr = Union[Number, Quantity, String, Bool, Name, Attr, Call, ListExpr, Unary, Arith, Power, Compare,
             Logic, Not, IfExpr]


# ----------------------------------------------------------------------------- statements

@dataclass(eq=False)
class Import:
    span: Span
    module: str           # dotted stdlib name, or a relative path when `is_path`
    module_span: Span
    is_path: bool
    alias: str | None = None
    names: list[tuple[str, Span]] | None = None  # `from m import a, b`
    star: bool = False                            # `from m import *`
    alias_span: Span | None = None                # the name after `as` (`c` of `import chips as c`)


@dataclass(eq=False)
class Param:
    span: Span
    name: str
    name_span: Span
    value: "Expr | RangeExpr"
    doc: str | None = None
    comment: str | None = None


@dataclass(eq=False)
class Let:
    span: Span
    name: str
    name_span: Span
    value: Expr
    doc: str | None = None
    comment: str | None = None


@dataclass(eq=False)
class Field:
    span: Span
    name: str
    name_span: Span
    value: Expr
    doc: str | None = None
    comment: str | None = None


@dataclass(eq=False)
class Assert:
    span: Span
    expr: Expr
    message: str | None


@dataclass(eq=False)
class Block:
    """`kind name [extends base] [x count] [{ body }]`: a definition, or a part placed in its parent."""

    span: Span
    kind: str
    kind_span: Span
    name: str
    name_span: Span
    base: list[str] | None = None
    base_span: Span | None = None
    count: Expr | None = None
    body: list["Stmt"] = field(default_factory=list)
    has_body: bool = False
    doc: str | None = None
    comment: str | None = None
    # set by dsl.build: the module the block is written in, and the block it is written inside
    module: "Module | None" = field(default=None, repr=False)
    parent: "Block | None" = field(default=None, repr=False)


Stmt = Union[Import, Param, Let, Field, Assert, Block]


@dataclass(eq=False)
class Module:
    name: str          # display name: path as given, or `stdlib:chips`
    path: str          # absolute path on disk
    statements: list[Stmt]
    doc: str | None = None
    is_stdlib: bool = False
