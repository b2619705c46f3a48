"""dsl.visit: the one table of sub-expressions matches the node declarations, and the walk needs no Python
frames per level of depth."""
from __future__ import annotations

import dataclasses
import sys
import typing

import dsl
from dsl import nodes as n
from dsl.visit import SAME, SELECTION, SHAPES, VALUE, ExprVisitor, Tail, every_expression, sub_expressions

FORMS = list(typing.get_args(n.Expr)) + [n.RangeExpr]


def _declared_children(expr) -> list:
    """The expressions held in `expr`'s dataclass fields, in declaration order (what the table must list)."""
    out = []
    for f in dataclasses.fields(expr):
        value = getattr(expr, f.name)
        for item in value if isinstance(value, list) else [value]:
            if type(item) in FORMS:
                out.append(item)
    return out


def test_the_table_lists_every_sub_expression_a_node_declares() -> None:
    text = ("param p = 1 .. 4 step 1\nlet k = 2\nlet a = max(p * 2 + 1, -k / 3) ^ 2 + (if p > 0 and not (k < 5) "
            "then sum([1, 2]) else 2)\nlet s = \"x\"\nlet b = 3 kW\nlet c = true or false\n"
            "chip c1 {\n  tdp = 700 W\n}\nlet d = c1.tdp\n")
    checked, sink = dsl.Session().check_text(text, "t.factory")
    assert checked is not None and not sink.has_errors(), [d.message for d in sink.items]
    seen = set()
    for stmt in checked.program.entries[0].statements:
        for e in every_expression(getattr(stmt, "value", n.Bool(None, True))):
            seen.add(type(e))
            assert sub_expressions(e) == _declared_children(e), type(e).__name__
    assert set(SHAPES) <= seen and {n.Number, n.Quantity, n.String, n.Bool, n.Name} <= seen


def test_an_aggregate_reads_its_one_argument_as_a_selection() -> None:
    """`sum(rack.power)` reads a selection; `sum(a, b)` and `ceil(x)` read values; `a < b` is read as its parent."""
    one = n.Call(None, "sum", None, [n.Name(None, "rack")])
    two = n.Call(None, "sum", None, [n.Name(None, "a"), n.Name(None, "b")])
    assert SHAPES[n.Call](one)[0] == SELECTION and SHAPES[n.Call](two)[0] == VALUE
    assert SHAPES[n.Compare](n.Compare(None, "<", one, two, None))[0] == SAME


def test_a_walk_a_hundred_thousand_levels_deep_needs_no_recursion() -> None:
    """Built by hand past the builder's 200-level cap: -(-(...(-1)...)) 100,000 levels deep is 1 (an even
    number of negations), each level counted once, at Python's default recursion limit."""
    depth = 100_000
    expr = n.Number(None, 1.0, "1")
    for _ in range(depth):
        expr = n.Unary(None, "-", expr)

    class Negate(ExprVisitor):
        visited = 0

        def visit_Number(self, e, ctx, values):
            return e.value

        def visit_Unary(self, e, ctx, values):
            self.visited += 1
            return -values[0]

    assert sys.getrecursionlimit() <= 10_000
    walker = Negate()
    assert walker.walk(expr, None) == 1.0 and walker.visited == depth


def test_a_tail_is_walked_in_place_of_the_name() -> None:
    """A visit may answer Tail(expr, ctx): `x` read as `2 * 3` gives 6 (by hand)."""
    target = n.Arith(None, [n.Number(None, 2.0, "2"), n.Number(None, 3.0, "3")], ["*"], [None])

    class Fold(ExprVisitor):
        def visit_Name(self, e, ctx, values):
            return Tail(target, ctx)

        def visit_Number(self, e, ctx, values):
            return e.value

        def visit_Arith(self, e, ctx, values):
            return values[0] * values[1]

    assert Fold().walk(n.Name(None, "x"), None) == 6.0


def test_the_type_checker_types_a_hundred_thousand_levels_without_recursion() -> None:
    """The checker's typing (dsl.check._Checker.expr) runs on its own explicit stack too: built by hand past the
    builder's 200-level cap, -(-(...(if 1 then 1 W else 2 W)...)) 100,000 levels deep is a power, and the one
    mistake at the bottom (`if 1`: a number where a condition goes) is reported once, at Python's default
    recursion limit; every level's type is recorded."""
    from dsl.check import _Checker
    from dsl.diagnostics import Code, Sink
    from dsl.types import QType
    from dsl.units import parse_unit

    depth = 100_000
    bottom = n.IfExpr(None, n.Number(None, 1.0, "1"), n.Quantity(None, 1.0, "1 W", "W", None),
                      n.Quantity(None, 2.0, "2 W", "W", None))
    expr = bottom
    for _ in range(depth):
        expr = n.Unary(None, "-", expr)
    sink = Sink()
    checker = _Checker(None, sink)
    assert sys.getrecursionlimit() <= 10_000
    typed = checker.expr(expr, None, None)
    assert typed == QType(parse_unit("W").dim)
    assert [d.code for d in sink.items] == [Code.TYPE_MISMATCH]
    assert len(checker.types) == depth + 4 and checker._level == 0


def test_the_constant_fold_runs_a_hundred_thousand_levels_without_recursion(monkeypatch) -> None:
    """The checker's constant fold (dsl.check._Checker.const) runs on an explicit stack too: with its depth cap
    lifted, -(-(...(-(2 ^ 3) / 4)...)) 100,000 levels deep folds to 2 (an even number of negations; 8 / 4 by
    hand) at Python's default recursion limit; with the cap (MAX_CONST_DEPTH) it gives up, value unknown."""
    import dsl.check as C
    from dsl.diagnostics import Sink

    depth = 100_000
    bottom = n.Arith(None, [n.Power(None, n.Number(None, 2.0, "2"), n.Number(None, 3.0, "3")),
                            n.Number(None, 4.0, "4")], ["/"], [None])
    expr = bottom
    for _ in range(depth):
        expr = n.Unary(None, "-", expr)
    assert sys.getrecursionlimit() <= 10_000
    assert C._Checker(None, Sink()).const(expr, None, None) is None          # past MAX_CONST_DEPTH
    monkeypatch.setattr(C, "MAX_CONST_DEPTH", 10 * depth)
    assert C._Checker(None, Sink()).const(expr, None, None) == 2.0
