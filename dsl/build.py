"""Syntax to typed AST: the callbacks that build `dsl.nodes` while the LALR parser reduces, and `build`.

Pipeline position: used by `dsl.parser` (lark calls `Builder.<rule>(children)` for each reduction, so no
parse tree is ever built or walked recursively), then `build(source, parse_result, ...) -> nodes.Module`.
Imports the parser's Token type (dsl/_parser_standalone.py), `dsl.nodes` and `dsl.source`.

A string alone on the line before a definition is its doc string; a `# comment` on a field's line is
kept as that field's `comment` (stdlib figures carry their source there). A statement whose expression
nests deeper than MAX_EXPR_DEPTH is reported and left out, so later stages may recurse on expressions.
"""
from __future__ import annotations

import re

from dataclasses import dataclass

from . import nodes as n
from ._parser_standalone import Token
from .source import Source, Span
from .diagnostics import Code
from .visit import sub_expressions

MAX_EXPR_DEPTH = 200


@dataclass
class ParseResult:
    """What the parser gives the builder: the statements of a file and its doc string."""

    statements: list
    doc: str | None


def build(source: Source, parsed: ParseResult, module_name: str, path: str, is_stdlib: bool = False,
          sink=None) -> n.Module:
    """The module of a parsed file (the nodes were built during the parse; see `Builder`). Each block gets
    its module here (its `parent` was set when the enclosing block was reduced); nothing changes the tree
    after this."""
    module = n.Module(module_name, path, parsed.statements, parsed.doc, is_stdlib)
    stack = [stmt for stmt in parsed.statements if type(stmt) is n.Block]
    while stack:
        block = stack.pop()
        block.module = module
        stack.extend(stmt for stmt in block.body if type(stmt) is n.Block)
    return module


def _unquote(text: str) -> str:
    """A string's value. A line break inside it is LF whatever the file's line endings (CR LF in a CRLF file),
    so that the value does not depend on the editor, and `factory fmt`, which writes LF, keeps it."""
    body = text[3:-3] if text.startswith('"""') else text[1:-1]
    if "\r" in body:
        body = body.replace("\r\n", "\n")
    if "\\" not in body:
        return body
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append(ESCAPES.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}     # what `\x` in a string stands for


def bad_escapes(text: str) -> list[tuple[int, str]]:
    """(offset in the token `text`, the character) of each backslash followed by a character that is no escape
    (`\\q`): the value keeps both as written, as Python does, and warns, as Python does. A backslash at a line's
    end inside a string is left alone."""
    out, i = [], 0
    while True:
        i = text.find("\\", i)
        if i < 0 or i + 1 >= len(text):
            return out
        nxt = text[i + 1]
        if nxt not in ESCAPES and nxt not in "\r\n":
            out.append((i, nxt))
        i += 2


def _dedent_doc(text: str) -> str:
    lines = text.strip("\n").splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join([lines[0].strip()] + [line[cut:] for line in lines[1:]]).strip() if lines else ""


def _is_point(unit: str) -> bool:
    """Is `unit` a temperature point (degC, degF)? Unknown units are not (the checker reports them)."""
    from .units import UnitError, parse_unit

    try:
        return parse_unit(unit).point
    except UnitError:
        return False


def _number(text: str) -> float:
    return float(text.replace("_", "")) if "_" in text else float(text)


_UNDERSCORES = re.compile(r"_+")


def misplaced_underscore(text: str) -> tuple[int, int, str] | None:
    """(start, end) of the first run of underscores in the number `text` that is not one underscore between two
    digits (Python's rule: `1_000` but not `1_`, `1__0`, `2_.5`), and the number written right (each such run
    dropped, or made one underscore where it joins two digits); None when every underscore is in its place."""
    def between_digits(m) -> bool:
        return m.start() > 0 and text[m.start() - 1].isdigit() and m.end() < len(text) and text[m.end()].isdigit()

    bad = [m for m in _UNDERSCORES.finditer(text) if not (len(m.group()) == 1 and between_digits(m))]
    if not bad:
        return None
    fixed = _UNDERSCORES.sub(lambda m: "_" if between_digits(m) else "", text)
    return bad[0].start(), bad[0].end(), fixed


@dataclass
class _Doc:
    text: str


@dataclass
class _Part:
    """`extends base`, `x count` or `{ body }` of a block, before the block itself is reduced."""

    kind: str
    value: object
    span: Span | None = None


class Builder:
    """Lark callbacks, one per rule or alias of grammar/factory.lark; `begin` readies it for one file."""

    def __init__(self) -> None:
        self.file = ""
        self.sink = None
        self.comments: dict[int, str] = {}
        self.outer: dict[int, Span] = {}   # id(expr) -> span with its parentheses, for the parent's span

    def begin(self, source: Source, sink) -> None:
        self.file = source.name
        self.source = source
        self.sink = sink
        self.comments = {}
        self.outer = {}

    def comment(self, tok: Token) -> None:  # lexer callback for COMMENT
        self.comments[tok.line] = tok.value[1:].strip()

    def unquote(self, tok: Token) -> str:
        """A string token's value; a warning at each backslash that starts no escape (`bad_escapes`)."""
        if self.sink is not None and "\\" in tok.value:
            for at, ch in bad_escapes(tok.value):
                start = tok.start_pos + at
                self.sink.warning(Code.INVALID_ESCAPE, f"`\\{ch}` is not an escape: the string keeps the "
                                  f"backslash and `{ch}` as written", self.source.span(start, start + 2),
                                  help=f"valid escapes: \\n \\t \\\" \\\\ (write `\\\\{ch}` for a backslash "
                                       f"followed by `{ch}`)")
        return _unquote(tok.value)

    # spans -------------------------------------------------------------------------------
    def tok_span(self, tok: Token) -> Span:
        return Span(self.file, tok.start_pos, tok.end_pos, tok.line, tok.column, tok.end_line, tok.end_column)

    def _span_of(self, item) -> Span:
        if isinstance(item, Token):
            return self.tok_span(item)
        return self.outer.get(id(item)) or item.span

    def join(self, first, last) -> Span:
        a, b = self._span_of(first), self._span_of(last)
        return Span(self.file, a.start, b.end, a.line, a.col, b.end_line, b.end_col)

    # statements --------------------------------------------------------------------------
    def start(self, items) -> ParseResult:
        statements, doc = self._statements(items, top=True)
        return ParseResult(statements, doc)

    def body(self, items) -> _Part:
        statements, _ = self._statements(items[1:-1], top=False)
        return _Part("body", statements, self.tok_span(items[-1]))

    def _statements(self, items, top: bool):
        out: list = []
        pending_doc: str | None = None
        module_doc: str | None = None
        comments = self.comments
        for stmt in items:
            if stmt is None:  # left out (too deep)
                pending_doc = None
                continue
            if type(stmt) is _Doc:
                if top and not out and module_doc is None and pending_doc is None:
                    module_doc = stmt.text
                pending_doc = stmt.text
                continue
            if pending_doc is not None and hasattr(stmt, "doc"):
                stmt.doc = pending_doc
                if module_doc == pending_doc:
                    module_doc = None  # that string documented the first definition, not the file
            pending_doc = None
            if comments and hasattr(stmt, "comment"):
                stmt.comment = comments.get(stmt.span.line) or comments.get(stmt.span.end_line)
            out.append(stmt)
        return out, module_doc

    def doc(self, ch) -> _Doc:
        return _Doc(_dedent_doc(self.unquote(ch[0])))

    def field(self, ch):
        name, value = ch
        stmt = n.Field(self.join(name, value), name.value, self.tok_span(name), value)
        return stmt if self._fits(stmt, value, name.value) else None

    def let_stmt(self, ch):
        _, name, value = ch
        stmt = n.Let(self.join(ch[0], value), name.value, self.tok_span(name), value)
        return stmt if self._fits(stmt, value, name.value) else None

    def param_stmt(self, ch):
        _, name, value = ch
        stmt = n.Param(self.join(ch[0], value), name.value, self.tok_span(name), value)
        return stmt if self._fits(stmt, value) else None

    def assert_stmt(self, ch):
        message = self.unquote(ch[2]) if len(ch) > 2 else None
        stmt = n.Assert(self.join(ch[0], ch[-1]), ch[1], message)
        return stmt if self._fits(stmt, ch[1]) else None

    def import_stmt(self, ch):
        module, mspan, is_path = self._module_ref(ch[1])
        alias = ch[2].value if len(ch) > 2 else None
        return n.Import(self.join(ch[0], ch[-1]), module, mspan, is_path, alias=alias,
                        alias_span=self.tok_span(ch[2]) if len(ch) > 2 else None)

    def from_import(self, ch):
        module, mspan, is_path = self._module_ref(ch[1])
        target = ch[2]
        if isinstance(target, Token):  # `*`
            return n.Import(self.join(ch[0], target), module, mspan, is_path, star=True)
        span = Span(self.file, ch[0].start_pos, target[-1][1].end, ch[0].line, ch[0].column,
                    target[-1][1].end_line, target[-1][1].end_col)
        return n.Import(span, module, mspan, is_path, names=target)

    def import_names(self, ch):
        return [(t.value, self.tok_span(t)) for t in ch]

    def dotted(self, ch) -> _Part:
        return _Part("dotted", [t.value for t in ch], self.join(ch[0], ch[-1]))

    def _module_ref(self, item):
        if isinstance(item, Token):  # a quoted path
            return self.unquote(item), self.tok_span(item), True
        return ".".join(item.value), item.span, False

    def block(self, ch):
        kind_tok, name_tok = ch[0], ch[1]
        block = n.Block(self.join(kind_tok, ch[-1]), kind_tok.value, self.tok_span(kind_tok), name_tok.value,
                        self.tok_span(name_tok))
        for part in ch[2:]:
            if part.kind == "base":
                block.base, block.base_span = part.value.value, part.value.span
            elif part.kind == "count":
                block.count = part.value if self._fits(None, part.value) else None
            else:
                block.has_body = True
                block.body = part.value
                for stmt in block.body:
                    if type(stmt) is n.Block:
                        stmt.parent = block
        return block

    def base(self, ch) -> _Part:
        return _Part("base", ch[-1], ch[-1].span)

    def count(self, ch) -> _Part:
        return _Part("count", ch[0], self._span_of(ch[0]))

    def range(self, ch) -> n.RangeExpr:
        return n.RangeExpr(self.join(ch[0], ch[-1]), ch[0], ch[1], ch[2] if len(ch) > 2 else None)

    def _fits(self, stmt, value, own_name: str | None = None) -> bool:
        """Is `value` at most MAX_EXPR_DEPTH deep (else report it)? Marks `own_name` names as outward."""
        deepest, stack = 1, [(value, 2)]
        while stack:
            expr, level = stack.pop()
            if level > deepest:
                deepest = level
                if level > MAX_EXPR_DEPTH:
                    if self.sink is not None:
                        where = stmt.span if stmt is not None else self._span_of(value)
                        self.sink.error(Code.NESTING_TOO_DEEP, f"this expression nests operators more than "
                                        f"{MAX_EXPR_DEPTH} levels deep", where,
                                        help="split it into several `let` values")
                    return False
            if own_name is not None and type(expr) is n.Name and expr.ident == own_name:
                expr.outward = True
            for sub in sub_expressions(expr):
                stack.append((sub, level + 1))
        return True

    # expressions -------------------------------------------------------------------------
    def numeral(self, tok: Token) -> float:
        """A number token's value; an error at an underscore that is not between two digits (`misplaced_underscore`)."""
        if "_" in tok.value and self.sink is not None:
            found = misplaced_underscore(tok.value)
            if found is not None:
                start, end, fixed = found
                self.sink.error(Code.SYNTAX_ERROR, "an underscore in a number goes between two digits",
                                self.source.span(tok.start_pos + start, tok.start_pos + end),
                                help=f"write `{fixed}`" + (f" (or `{fixed}0`?)" if fixed.endswith(".") else ""))
        return _number(tok.value)

    def number(self, ch):
        tok = ch[0]
        return n.Number(self.tok_span(tok), self.numeral(tok), tok.value)

    def quantity(self, ch):
        num, unit = ch
        return n.Quantity(self.join(num, unit), self.numeral(num), num.value, unit.value, self.tok_span(unit))

    def string(self, ch):
        return n.String(self.tok_span(ch[0]), self.unquote(ch[0]))

    def true(self, ch):
        return n.Bool(self.tok_span(ch[0]), True)

    def false(self, ch):
        return n.Bool(self.tok_span(ch[0]), False)

    def name(self, ch):
        return n.Name(self.tok_span(ch[0]), ch[0].value)

    def attr(self, ch):
        obj, name = ch
        return n.Attr(self.join(obj, name), obj, name.value, self.tok_span(name))

    def call(self, ch):
        return n.Call(self.join(ch[0], ch[-1]), ch[0].value, self.tok_span(ch[0]), ch[2:-1])

    def list(self, ch):
        return n.ListExpr(self.join(ch[0], ch[-1]), ch[1:-1])

    def paren(self, ch):
        inner = ch[1]
        self.outer[id(inner)] = self.join(ch[0], ch[2])
        return inner

    def neg(self, ch):
        operand = ch[1]
        if ch[0].value == "-" and type(operand) is n.Quantity and id(operand) not in self.outer \
                and _is_point(operand.unit):
            # `-30 degC` is a temperature of its own (243.15 K), not the point 30 degC negated (which has no
            # meaning, and in SI would be -303.15 K): one negative literal
            return n.Quantity(self.join(ch[0], operand), -operand.value, "-" + operand.text, operand.unit,
                              operand.unit_span)
        return n.Unary(self.join(ch[0], operand), ch[0].value, operand)

    def pos(self, ch):
        return n.Unary(self.join(ch[0], ch[1]), ch[0].value, ch[1])

    def sum(self, ch):
        ops = ch[1::2]
        return n.Arith(self.join(ch[0], ch[-1]), ch[0::2], [t.value for t in ops], [self.tok_span(t) for t in ops])

    product = sum

    def power(self, ch):
        return n.Power(self.join(ch[0], ch[1]), ch[0], ch[1])

    def comparison(self, ch):
        left, op, right = ch
        return n.Compare(self.join(left, right), op.value, left, right, self.tok_span(op))

    def or_expr(self, ch):
        return n.Logic(self.join(ch[0], ch[-1]), "or", ch)

    def and_expr(self, ch):
        return n.Logic(self.join(ch[0], ch[-1]), "and", ch)

    def not_op(self, ch):
        return n.Not(self.join(ch[0], ch[1]), ch[1])

    def if_expr(self, ch):
        return n.IfExpr(self.join(ch[0], ch[3]), ch[1], ch[2], ch[3])
