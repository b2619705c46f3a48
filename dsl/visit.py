"""The one walk over expressions: the language's expression structure (which sub-expressions each form has, in
reading order, and how each is read), and a visitor that walks it on an explicit stack.

Pipeline position: beside `dsl.nodes`, for every stage that walks expressions: the builder's depth check
(`dsl.build`), the binder and the evaluator (`compiler.ir._Binder`, `compiler.evaluate._ExprEval`), the value
checks' division search (`compiler.checks`) and the language server's name index (`compiler.lsp.analysis`).
Imports `dsl.nodes` only (dsl never imports compiler).

`SHAPES` is the structure, declared once: for each form with sub-expressions, those in reading order and how
they are read: `SAME` (as their parent is: an attribute's base, a comparison's sides, a condition's operands and
branches), `VALUE` (as one value: the operands of arithmetic, a function's arguments, a list's items) or
`SELECTION` (the one argument of an aggregate, `sum(rack.power)`: a selection of parts, not one value).
`sub_expressions(expr)` is the direct sub-expressions, `every_expression(expr)` all of them.

`ExprVisitor` (Jinja2's NodeVisitor idea: one `visit_<Type>` method per expression type) walks bottom-up on an
explicit stack, so no expression depth recurses on the Python stack. A subclass defines
`visit_<Type>(expr, ctx, values)` for the forms it cares about (`values`: its sub-expressions' results, in
order) and `generic` for the rest, and, when its context depends on how the sub-expressions are read,
`context(ctx, how)` (called once per expression walked, not per sub-expression). A visit may return `Tail(expr, ctx)`: the result is that of another expression (a name
read as the `let` it names), walked on the same stack. An exception raised by a visit abandons the walk.

Not on it, by design: the checker's typing and constant folding (`dsl.check._Checker.expr`, `_fold`). They
are top-down: a parent reports between its sub-expressions (an unknown function before its arguments are typed,
an `if`'s condition before its branches, each `and` operand as it is typed), and typing defers a member by how
many expression levels are open (`MAX_NESTING`); a bottom-up walk would reorder their diagnostics. Each runs on an
explicit stack of its own (each compound form's method a generator that yields its sub-expressions in reading
order), so neither recurses either (tests/test_visit.py types and folds 100,000 levels). Folding gives up past
`MAX_CONST_DEPTH` (50) levels, and the builder refuses an expression deeper than `dsl.build.MAX_EXPR_DEPTH`
(200 levels, `nesting-too-deep`).
"""
from __future__ import annotations

from dataclasses import dataclass

from . import nodes as n

AGGREGATES = ("sum", "max", "min", "mean", "count")   # the functions whose one argument is a selection of parts
SAME, VALUE, SELECTION = range(3)                      # how a sub-expression is read (see the module docstring)
MAX_TAILS = 100_000     # tails (names read as the expression they name) followed by one walk before it stops


def _call(e: n.Call) -> tuple:
    return (SELECTION if e.func in AGGREGATES and len(e.args) == 1 else VALUE), e.args


def _range(e: n.RangeExpr) -> tuple:
    return VALUE, [e.start, e.stop] + ([e.step] if e.step is not None else [])


# for each form with sub-expressions: (how they are read, the sub-expressions in reading order); the
# sub-expressions of one form are all read the same way
SHAPES = {
    n.Attr: lambda e: (SAME, [e.obj]),
    n.Arith: lambda e: (VALUE, e.operands),
    n.Unary: lambda e: (VALUE, [e.operand]),
    n.Not: lambda e: (SAME, [e.operand]),
    n.Power: lambda e: (VALUE, [e.base, e.exponent]),
    n.Compare: lambda e: (SAME, [e.left, e.right]),
    n.Logic: lambda e: (SAME, e.operands),
    n.IfExpr: lambda e: (SAME, [e.cond, e.then, e.other]),
    n.Call: _call,
    n.ListExpr: lambda e: (VALUE, e.items),
    n.RangeExpr: _range,
}
_LEAF = ((), None)


def sub_expressions(expr) -> list:
    """The direct sub-expressions of `expr` (an expression or a range), in reading order (not to be changed)."""
    shape = SHAPES.get(type(expr))
    return shape(expr)[1] if shape is not None else []


def every_expression(expr):
    """Every expression inside `expr`, itself first, taken from a stack: after an expression come its
    sub-expressions' trees, the last one's first."""
    stack = [expr]
    while stack:
        e = stack.pop()
        yield e
        stack.extend(sub_expressions(e))


@dataclass
class Tail:
    """A visit's answer "the value is that of `expr` read in `ctx`" (a module-level `let` read by name)."""

    expr: object
    ctx: object


class ExprVisitor:
    """The one walk over expressions, bottom-up on an explicit stack (see the module docstring)."""

    _methods: dict = {}

    def context(self, ctx, how: int):
        """The context a sub-expression read `how` (VALUE, SELECTION) is walked in; the parent's here."""
        return ctx

    def children(self, expr, ctx) -> tuple:
        """(the sub-expressions of `expr` in reading order, the context they are walked in)."""
        shape = SHAPES.get(type(expr))
        if shape is None:
            return _LEAF
        how, subs = shape(expr)
        return subs, (ctx if how == SAME else self.context(ctx, how))

    def generic(self, expr, ctx, values):
        return None

    def _visit(self, t):
        """The visit method for an expression type (looked up once per visitor class and type)."""
        key = (type(self), t)
        method = ExprVisitor._methods.get(key)
        if method is None:
            method = getattr(type(self), "visit_" + t.__name__, type(self).generic)
            ExprVisitor._methods[key] = method
        return method

    def walk(self, expr, ctx):
        subs, sub_ctx = self.children(expr, ctx)
        if not subs:                            # a literal or a name: no stack needed
            result = self._visit(type(expr))(self, expr, ctx, [])
            if type(result) is not Tail:
                return result
            expr, ctx = result.expr, result.ctx
            subs, sub_ctx = self.children(expr, ctx)
        # a frame: [expr, ctx, sub-expressions not yet walked (reversed), their context, their values so far]
        stack = [[expr, ctx, subs[::-1], sub_ctx, []]]
        result = None
        tails = 0
        while stack:
            frame = stack[-1]
            if frame[2]:
                child = frame[2].pop()
                subs, sub_ctx = self.children(child, frame[3])
                stack.append([child, frame[3], subs[::-1], sub_ctx, []])
                continue
            stack.pop()
            result = self._visit(type(frame[0]))(self, frame[0], frame[1], frame[4])
            while type(result) is Tail:
                tails += 1
                if tails > MAX_TAILS:           # names that lead round in a circle: the checker reported it
                    result = self.generic(frame[0], frame[1], [])
                    continue
                subs, sub_ctx = self.children(result.expr, result.ctx)
                if subs:
                    stack.append([result.expr, result.ctx, subs[::-1], sub_ctx, []])
                    break
                result = self._visit(type(result.expr))(self, result.expr, result.ctx, [])
            else:
                if stack:
                    stack[-1][4].append(result)
        return result
