""".factory text from typed values: how a program writes a spec (never by pasting strings or by regex).

Pipeline position: beside the front end, for programs that generate specs (`factory estimate`, the
validation workloads of compiler/validate.py); imports `dsl.units` and the keyword list of `dsl.parser`
only at emission. What it writes parses back to the same values: `dsl.check_text(module.text())`.

Values (each an `Expr`; `text()` is its source form):

    Number(72)                      72             (finite only; the shortest text that reads back exactly)
    Quantity(450, "ms")             450 ms         (the unit must be one the units table knows)
    Text('say "hi"')                "say \\"hi\\""  (backslash, quote, newline and tab escaped)
    Bool(True)                      true
    Name("GB200_NVL72.server.chip") GB200_NVL72.server.chip   (each part an identifier, not a keyword)
    Call("ceil", a / b)             ceil(a / b)    (`+ - * /` between values build BinOp, parenthesized)
    List(1, 2, Quantity(4, "kW"))   [1, 2, 4 kW]
    as_expr(value)                  a Python int/float/bool/str (str: Text) as a value, an Expr unchanged

Statements:

    Field(name, value)              name = value
    Let(name, value), Param(name, value)
    Block(kind, name, body=[...], base=None, count=None)
                                    kind name: base x count { body } (each part only when given)
    FromImport(module, [names])     from module import a, b
    Module(doc, statements)         the file: its doc string, the imports, a blank line, the rest; `text()`
                                    writes it. (A doc string right before a definition or a let documents
                                    that statement, so a file's doc needs an import first, as here.)

Example (what `factory estimate` writes):

    Module("factory estimate ...", [FromImport("systems", ["GB200_NVL72"]),
           Block("site", "estimate", [Block("inference", "workload", [Field("rack", Name("GB200_NVL72"))])])])
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INDENT = "  "


class SpecBuildError(ValueError):
    """A value that cannot be written as .factory text (not finite, an unknown unit, a bad name)."""


def identifier(name: str) -> str:
    """`name` if it is a .factory identifier and not a keyword, else SpecBuildError."""
    from .parser import KEYWORDS

    if not isinstance(name, str) or not _IDENT.fullmatch(name) or name in KEYWORDS:
        raise SpecBuildError(f"`{name}` is not a name a spec can use")
    return name


def number_text(value: float) -> str:
    """The shortest text that reads back as exactly `value` (finite, not negative: a sign is an operator)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise SpecBuildError(f"{value!r} is not a number")
    value = float(value)
    if not math.isfinite(value):
        raise SpecBuildError(f"{value!r} is not a finite number")
    if value < 0:
        raise SpecBuildError(f"{value!r} is negative: write it as Neg(Number(...))")
    if value.is_integer() and value < 1e16:
        return str(int(value))
    return repr(value)


def text_literal(value: str) -> str:
    """A quoted string literal: backslash, double quote, newline and tab escaped (what dsl.build reads back)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


# ----------------------------------------------------------------------------- values
class Expr:
    """A value; `a + b`, `a - b`, `a * b` and `a / b` build the expression."""

    def text(self) -> str:
        raise NotImplementedError

    def __add__(self, other): return BinOp("+", self, as_expr(other))
    def __sub__(self, other): return BinOp("-", self, as_expr(other))
    def __mul__(self, other): return BinOp("*", self, as_expr(other))
    def __truediv__(self, other): return BinOp("/", self, as_expr(other))


@dataclass(frozen=True)
class Number(Expr):
    value: float

    def text(self) -> str:
        return number_text(self.value)


@dataclass(frozen=True)
class Quantity(Expr):
    value: float
    unit: str

    def text(self) -> str:
        from .units import UnitError, parse_unit

        try:
            parse_unit(self.unit)
        except UnitError:
            raise SpecBuildError(f"`{self.unit}` is not a unit") from None
        if " " in self.unit:
            raise SpecBuildError(f"`{self.unit}` is not a unit (a unit has no spaces)")
        return f"{number_text(self.value)} {self.unit}"


@dataclass(frozen=True)
class Text(Expr):
    value: str

    def text(self) -> str:
        return text_literal(self.value)


@dataclass(frozen=True)
class Bool(Expr):
    value: bool

    def text(self) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True)
class Name(Expr):
    """A name, or a dotted path through definitions and parts (`GB200_NVL72.server.chip`)."""

    path: str

    def text(self) -> str:
        return ".".join(identifier(part) for part in self.path.split("."))


@dataclass(frozen=True)
class Call(Expr):
    function: str
    args: tuple = ()

    def __init__(self, function: str, *args):
        object.__setattr__(self, "function", function)
        object.__setattr__(self, "args", tuple(as_expr(a) for a in args))

    def text(self) -> str:
        return f"{identifier(self.function)}({', '.join(a.text() for a in self.args)})"


@dataclass(frozen=True)
class List(Expr):
    """A list of values (`[1, 2, 4]`: a parameter's scenarios)."""

    items: tuple = ()

    def __init__(self, *items):
        object.__setattr__(self, "items", tuple(as_expr(i) for i in items))

    def text(self) -> str:
        return "[" + ", ".join(i.text() for i in self.items) + "]"


@dataclass(frozen=True)
class Neg(Expr):
    operand: Expr

    def text(self) -> str:
        return f"(-{self.operand.text()})"


@dataclass(frozen=True)
class BinOp(Expr):
    op: str
    left: Expr
    right: Expr

    def text(self) -> str:
        def side(e: Expr) -> str:
            return f"({e.text()})" if isinstance(e, BinOp) else e.text()
        return f"{side(self.left)} {self.op} {side(self.right)}"


def as_expr(value) -> Expr:
    """A Python value as a spec value: Expr unchanged, bool, int or float as a number, str as text, a list
    or tuple as a list."""
    if isinstance(value, Expr):
        return value
    if isinstance(value, bool):
        return Bool(value)
    if isinstance(value, (int, float)):
        return Number(value) if value >= 0 else Neg(Number(-value))
    if isinstance(value, str):
        return Text(value)
    if isinstance(value, (list, tuple)):
        return List(*value)
    raise SpecBuildError(f"{value!r} cannot be written in a spec")


# ----------------------------------------------------------------------------- statements
@dataclass(frozen=True)
class Field:
    name: str
    value: object

    def lines(self) -> list[str]:
        return [f"{identifier(self.name)} = {as_expr(self.value).text()}"]


@dataclass(frozen=True)
class Let:
    name: str
    value: object

    def lines(self) -> list[str]:
        return [f"let {identifier(self.name)} = {as_expr(self.value).text()}"]


@dataclass(frozen=True)
class Param:
    name: str
    value: object

    def lines(self) -> list[str]:
        return [f"param {identifier(self.name)} = {as_expr(self.value).text()}"]


@dataclass(frozen=True)
class FromImport:
    module: str                    # a stdlib module or a dotted module path
    names: tuple = ()

    def __init__(self, module: str, names):
        object.__setattr__(self, "module", module)
        object.__setattr__(self, "names", tuple(dict.fromkeys(names)))

    def lines(self) -> list[str]:
        if not self.names:
            raise SpecBuildError(f"an import from `{self.module}` names nothing")
        return [f"from {Name(self.module).text()} import {', '.join(identifier(x) for x in self.names)}"]


@dataclass(frozen=True)
class Block:
    kind: str
    name: str
    body: list = field(default_factory=list)
    base: str | None = None        # `kind name: base` (a definition to place)
    count: object = None           # `x count` (a number or an expression)

    def lines(self) -> list[str]:
        head = f"{identifier(self.kind)} {identifier(self.name)}"
        if self.base is not None:
            head += f": {Name(self.base).text()}"
        if self.count is not None:
            head += f" x {as_expr(self.count).text()}"
        if not self.body:
            return [head]
        inner = [_INDENT + line for stmt in self.body for line in stmt.lines()]
        return [head + " {", *inner, "}"]


@dataclass(frozen=True)
class Module:
    doc: str | None
    statements: list

    def text(self) -> str:
        out = []
        if self.doc is not None:
            body = self.doc.replace("\\", "\\\\").replace('"', '\\"')
            out.append(f'"""{body}"""')
        imports = [s for s in self.statements if isinstance(s, FromImport)]
        rest = [s for s in self.statements if not isinstance(s, FromImport)]
        out += [line for stmt in imports for line in stmt.lines()]     # the doc, then the imports, then a
        if out and rest:                                                # blank line (`factory fmt`'s layout)
            out.append("")
        out += [line for stmt in rest for line in stmt.lines()]
        return "\n".join(out) + "\n"
