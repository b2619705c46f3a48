"""A small builder for generated .factory text: names, strings and quantities are checked and escaped here,
never formatted into spec text by hand (`factory validate` builds its one-block-per-row spec with it).

Pipeline position: beside the CLI, before the front end: it only writes text that `dsl.check_text` then reads
like any spec. Imports `dsl.units` (to check a unit) and nothing of `compiler`.

Values: `Ref("H100_SXM")` is a name, `Q(1.25e9, "tok")` a quantity (the unit parsed by dsl.units), a Python
`str` a string literal (quotes and backslashes escaped), an int/float a number (written with `repr`, so it
round-trips exactly), a list a list; `Expr(text)` passes hand-written expression text through (for a parameter
name or a range) and is the one escape hatch. A non-finite number, a name that is not an identifier or is a
keyword, and a unit dsl.units does not know raise `SpecBuildError` (a ValueError) when the value is made.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
KEYWORDS = frozenset(("import", "from", "as", "param", "let", "assert", "extends", "if", "then", "else",
                      "and", "or", "not", "true", "false", "step", "x"))


class SpecBuildError(ValueError):
    """A value that cannot be written as spec text (bad name, unknown unit, not a finite number)."""


def name(text: str) -> str:
    """`text` checked to be a plain identifier of the language (not a keyword)."""
    if not isinstance(text, str) or not _NAME.match(text) or text in KEYWORDS:
        raise SpecBuildError(f"`{text}` is not a name of the language (letters, digits and _, not a keyword)")
    return text


def string(text: str) -> str:
    """A string literal: backslash, double quote, newline and tab escaped (dsl.build._unquote reads them back)."""
    escaped = (str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
               .replace("\r", ""))
    return f'"{escaped}"'


def number(value: float) -> str:
    """A finite number as the grammar's NUMBER (a leading minus is the unary operator)."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise SpecBuildError(f"`{value}` is not a number") from None
    if not math.isfinite(value):
        raise SpecBuildError(f"`{value}` is not a finite number")
    text = repr(value)
    if text.endswith(".0"):
        text = text[:-2]
    return text


@dataclass(frozen=True)
class Expr:
    """Expression text used as it is (the builder's one escape hatch: a parameter name, a range)."""

    text: str


@dataclass(frozen=True)
class Ref:
    """A reference to a definition by name (`H100_SXM`) or a dotted path (`models.Llama2_70B`)."""

    path: str

    def __post_init__(self) -> None:
        for part in self.path.split("."):
            name(part)


@dataclass(frozen=True)
class Q:
    """A quantity: a finite number and a unit dsl.units knows (`Q(2, "s")` -> `2 s`)."""

    value: float
    unit: str

    def __post_init__(self) -> None:
        from dsl.units import UnitError, parse_unit

        number(self.value)
        if not isinstance(self.unit, str) or not self.unit or " " in self.unit:
            raise SpecBuildError(f"`{self.unit}` is not a unit")
        try:
            parse_unit(self.unit)
        except (UnitError, KeyError, ValueError) as exc:
            raise SpecBuildError(f"unknown unit `{self.unit}`: {exc}") from None


def value(v) -> str:
    """Spec text of one value (see the module docstring for what each Python type becomes)."""
    if isinstance(v, Expr):
        return v.text
    if isinstance(v, Ref):
        return v.path
    if isinstance(v, Q):
        text = number(v.value)
        return f"({text} {v.unit})" if text.startswith("-") else f"{text} {v.unit}"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return number(v)
    if isinstance(v, str):
        return string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(value(x) for x in v) + "]"
    raise SpecBuildError(f"cannot write a {type(v).__name__} as spec text")


@dataclass
class Block:
    """`kind name [extends base] { fields; let names; child blocks }`."""

    kind: str
    name: str
    fields: dict[str, object] = field(default_factory=dict)
    lets: dict[str, object] = field(default_factory=dict)
    children: list["Block"] = field(default_factory=list)
    base: str | None = None

    def lines(self, indent: str = "") -> list[str]:
        head = f"{name(self.kind)} {name(self.name)}" + (f" extends {Ref(self.base).path}" if self.base else "")
        out = [f"{indent}{head} {{"]
        inner = indent + "  "
        out += [f"{inner}{name(k)} = {value(v)}" for k, v in self.fields.items()]
        out += [f"{inner}let {name(k)} = {value(v)}" for k, v in self.lets.items()]
        for child in self.children:
            out += child.lines(inner)
        out.append(f"{indent}}}")
        return out


@dataclass
class Spec:
    """A whole file: a doc string, `from module import names`, `param`s and top-level blocks."""

    doc: str = ""
    imports: dict[str, list[str]] = field(default_factory=dict)
    params: dict[str, object] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)

    def text(self) -> str:
        out = [string(self.doc)] if self.doc else []
        for module, names in self.imports.items():
            if names:
                out.append(f"from {Ref(module).path} import {', '.join(name(n) for n in dict.fromkeys(names))}")
        out += [f"param {name(k)} = {value(v)}" for k, v in self.params.items()]
        for block in self.blocks:
            out.append("")
            out += block.lines()
        return "\n".join(out) + "\n"
