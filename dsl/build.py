"""Syntax tree to typed AST: turns lark's tree into `dsl.nodes`, attaching doc strings and trailing comments.

Pipeline position: after `dsl.parser`, before `dsl.loader`. Imports lark's Tree/Token types and `dsl.nodes`.
Public function: `build(source, parse_result, module_name, path, is_stdlib) -> nodes.Module`.
A string alone on the line before a definition is its doc string; a `# comment` on a field's line is
kept as that field's `comment` (stdlib figures carry their source there).
"""
from __future__ import annotations

from lark import Token, Tree

from . import nodes as n
from .parser import ParseResult
from .source import Source


MAX_EXPR_DEPTH = 200


def build(source: Source, parsed: ParseResult, module_name: str, path: str, is_stdlib: bool = False,
          sink=None) -> n.Module:
    """Build the module; a statement nested deeper than MAX_EXPR_DEPTH is reported and left out."""
    builder = _Builder(source, parsed.comments, sink)
    statements, doc = builder.statements(parsed.tree.children, top=True)
    return n.Module(module_name, path, statements, doc, is_stdlib)


def _unquote(text: str) -> str:
    if text.startswith('"""'):
        body = text[3:-3]
    else:
        body = text[1:-1]
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            out.append({"n": "\n", "t": "\t", '"': '"', "\\": "\\"}.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _dedent_doc(text: str) -> str:
    lines = text.strip("\n").splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()]
    cut = min(indents) if indents else 0
    return "\n".join([lines[0].strip()] + [line[cut:] for line in lines[1:]]).strip() if lines else ""


def _depth(tree: Tree) -> int:
    """Depth of a syntax tree, measured without recursion (so a pathological input cannot overflow)."""
    deepest, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_EXPR_DEPTH:
            return level
        stack.extend((child, level + 1) for child in node.children if isinstance(child, Tree))
    return deepest


def _number(text: str) -> float:
    return float(text.replace("_", ""))


class _Builder:
    def __init__(self, source: Source, comments: list[Token], sink=None):
        self.source = source
        self.sink = sink
        self.comments = {c.line: c.value[1:].strip() for c in comments}

    # spans -------------------------------------------------------------------------------
    def tok_span(self, tok: Token):
        return self.source.span(tok.start_pos, tok.end_pos)

    def tree_span(self, tree):
        if isinstance(tree, Token):
            return self.tok_span(tree)
        meta = tree.meta
        if getattr(meta, "empty", True):
            return self.source.span(0, 0)
        return self.source.span(meta.start_pos, meta.end_pos)

    # statements --------------------------------------------------------------------------
    def statements(self, items, top: bool = False):
        out: list = []
        pending_doc: str | None = None
        module_doc: str | None = None
        for item in items:
            if isinstance(item, Token):
                continue
            if item.data == "doc":
                text = _dedent_doc(_unquote(item.children[0].value))
                if top and not out and module_doc is None and pending_doc is None:
                    module_doc = text
                pending_doc = text
                continue
            if item.data != "block" and _depth(item) > MAX_EXPR_DEPTH:
                if self.sink is not None:
                    self.sink.error("nesting-too-deep", f"this expression nests operators more than "
                                    f"{MAX_EXPR_DEPTH} levels deep", self.tree_span(item),
                                    help="split it into several `let` values")
                continue
            stmt = self.statement(item)
            if stmt is None:
                continue
            if hasattr(stmt, "doc") and pending_doc is not None:
                stmt.doc = pending_doc
                if module_doc == pending_doc:
                    module_doc = None  # that string documented the first definition, not the file
            pending_doc = None
            if hasattr(stmt, "comment"):
                stmt.comment = self.comments.get(stmt.span.line) or self.comments.get(stmt.span.end_line)
            out.append(stmt)
        return out, module_doc

    def statement(self, tree: Tree):
        span = self.tree_span(tree)
        kind = tree.data
        ch = tree.children
        if kind == "field":
            return n.Field(span, ch[0].value, self.tok_span(ch[0]), self.expr(ch[1]))
        if kind == "let_stmt":
            return n.Let(span, ch[0].value, self.tok_span(ch[0]), self.expr(ch[1]))
        if kind == "param_stmt":
            value = self.range(ch[1]) if isinstance(ch[1], Tree) and ch[1].data == "range" else self.expr(ch[1])
            return n.Param(span, ch[0].value, self.tok_span(ch[0]), value)
        if kind == "assert_stmt":
            message = _unquote(ch[1].value) if len(ch) > 1 else None
            return n.Assert(span, self.expr(ch[0]), message)
        if kind == "import_stmt":
            module, mspan, is_path = self.module_ref(ch[0])
            alias = ch[1].value if len(ch) > 1 else None
            return n.Import(span, module, mspan, is_path, alias=alias)
        if kind == "from_import":
            module, mspan, is_path = self.module_ref(ch[0])
            target = ch[1]
            if isinstance(target, Token):  # `*`
                return n.Import(span, module, mspan, is_path, star=True)
            names = [(t.value, self.tok_span(t)) for t in target.children]
            return n.Import(span, module, mspan, is_path, names=names)
        if kind == "block":
            return self.block(tree, span)
        raise AssertionError(f"unknown statement {kind}")

    def module_ref(self, item):
        if isinstance(item, Token):  # STRING path
            return _unquote(item.value), self.tok_span(item), True
        names = [t.value for t in item.children]
        return ".".join(names), self.tree_span(item), False

    def block(self, tree: Tree, span):
        kind_tok, name_tok = tree.children[0], tree.children[1]
        block = n.Block(span, kind_tok.value, self.tok_span(kind_tok), name_tok.value, self.tok_span(name_tok))
        for part in tree.children[2:]:
            if part.data == "base":
                dotted = part.children[-1]
                block.base = [t.value for t in dotted.children]
                block.base_span = self.tree_span(dotted)
            elif part.data == "count":
                block.count = self.expr(part.children[0])
            elif part.data == "body":
                block.has_body = True
                inner = [c for c in part.children if isinstance(c, Tree)]
                block.body, _ = self.statements(inner)
        return block

    def range(self, tree: Tree) -> n.RangeExpr:
        parts = [self.expr(c) for c in tree.children]
        return n.RangeExpr(self.tree_span(tree), parts[0], parts[1], parts[2] if len(parts) > 2 else None)

    # expressions -------------------------------------------------------------------------
    def expr(self, tree) -> n.Expr:
        if isinstance(tree, Token):
            return self.token_expr(tree)
        span = self.tree_span(tree)
        kind = tree.data
        ch = tree.children
        if kind == "number":
            return n.Number(span, _number(ch[0].value), ch[0].value)
        if kind == "quantity":
            return n.Quantity(span, _number(ch[0].value), ch[0].value, ch[1].value, self.tok_span(ch[1]))
        if kind == "string":
            return n.String(span, _unquote(ch[0].value))
        if kind == "true":
            return n.Bool(span, True)
        if kind == "false":
            return n.Bool(span, False)
        if kind == "name":
            return n.Name(span, ch[0].value)
        if kind == "attr":
            return n.Attr(span, self.expr(ch[0]), ch[1].value, self.tok_span(ch[1]))
        if kind == "call":
            args = [self.expr(c) for c in ch[1:] if c is not None]
            return n.Call(span, ch[0].value, self.tok_span(ch[0]), args)
        if kind == "list":
            return n.ListExpr(span, [self.expr(c) for c in ch if c is not None])
        if kind in ("neg", "pos"):
            return n.Unary(span, ch[0].value, self.expr(ch[1]))
        if kind in ("sum", "product"):
            operands = [self.expr(c) for c in ch[0::2]]
            ops = [t.value for t in ch[1::2]]
            return n.Arith(span, operands, ops, [self.tok_span(t) for t in ch[1::2]])
        if kind == "power":
            return n.Power(span, self.expr(ch[0]), self.expr(ch[1]))
        if kind == "comparison":
            return n.Compare(span, ch[1].value, self.expr(ch[0]), self.expr(ch[2]), self.tok_span(ch[1]))
        if kind in ("or_expr", "and_expr"):
            return n.Logic(span, "or" if kind == "or_expr" else "and", [self.expr(c) for c in ch])
        if kind == "not_op":
            return n.Not(span, self.expr(ch[0]))
        if kind == "if_expr":
            return n.IfExpr(span, self.expr(ch[0]), self.expr(ch[1]), self.expr(ch[2]))
        raise AssertionError(f"unknown expression {kind}")

    def token_expr(self, tok: Token) -> n.Expr:
        span = self.tok_span(tok)
        if tok.type == "NUMBER":
            return n.Number(span, _number(tok.value), tok.value)
        if tok.type == "STRING":
            return n.String(span, _unquote(tok.value))
        if tok.type == "NAME":
            return n.Name(span, tok.value)
        raise AssertionError(f"unexpected token {tok.type}")
