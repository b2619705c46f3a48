"""Static types of expressions, as the checker infers them. Pipeline position: used by `dsl.check`.

Imports `dsl.units` and `dsl.nodes` only.
"""
from __future__ import annotations

from dataclasses import dataclass

from . import nodes as n
from .units import DIMENSIONLESS, Dim, dimension_name, si_unit


@dataclass(frozen=True)
class QType:
    """A number with a physical dimension; `point` marks a temperature point (degC), not a difference."""

    dim: Dim
    point: bool = False

    def describe(self) -> str:
        if self.point:
            return "a temperature point"
        if self.dim == DIMENSIONLESS:
            return "a plain number"
        return dimension_name(self.dim)

    def unit(self) -> str:
        return "degC" if self.point else si_unit(self.dim)


NUMBER = QType(DIMENSIONLESS)


@dataclass(frozen=True)
class Simple:
    name: str  # "bool" or "text"

    def describe(self) -> str:
        return {"bool": "a true/false value", "text": "text"}[self.name]


BOOL = Simple("bool")
TEXT = Simple("text")


@dataclass(frozen=True, eq=False)
class BlockT:
    block: n.Block

    def describe(self) -> str:
        return f"the {self.block.kind} `{self.block.name}`"


@dataclass(frozen=True, eq=False)
class ModuleT:
    module: n.Module

    def describe(self) -> str:
        return f"the module {self.module.name}"


@dataclass(frozen=True, eq=False)
class Selection:
    """Parts selected by kind (`rack`, `row.rack`): usable inside sum(), max(), min() and count()."""

    blocks: tuple
    label: str

    def describe(self) -> str:
        return f"the parts selected by `{self.label}`"


@dataclass(frozen=True)
class Values:
    """One value per selected part (`rack.power`), to be aggregated."""

    elem: object

    def describe(self) -> str:
        return f"values of {self.elem.describe()} over several parts"


@dataclass(frozen=True)
class ListT:
    elem: object

    def describe(self) -> str:
        return f"a list of {self.elem.describe() if self.elem else 'values'}"


def same(a: object, b: object) -> bool:
    if isinstance(a, QType) and isinstance(b, QType):
        return a.dim == b.dim and a.point == b.point
    if isinstance(a, BlockT) and isinstance(b, BlockT):
        return a.block.kind == b.block.kind
    return a == b
