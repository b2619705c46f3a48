"""Text to syntax tree: the LALR parser over grammar/factory.lark, and syntax errors in the user's terms.

Pipeline position: after `source`, before `build`. Imports lark and `dsl.source`, `dsl.diagnostics`,
`dsl.resources`. Public function: `parse(source, sink) -> ParseResult | None`.

The post-lexer drops newlines inside ( ) and [ ], tracks every open bracket so that an unclosed one is
reported where it was opened ("missing `}` to close `rack nvl72` opened at 3:1"), and stops nesting
beyond `MAX_DEPTH`. Comments are collected so the builder can attach a trailing comment to its line
(that is where stdlib figures carry their source).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from .diagnostics import Related, Sink, suggest
from .resources import grammar_path
from .source import Source

MAX_DEPTH = 200
KEYWORDS = ("import", "from", "as", "param", "let", "assert", "extends", "if", "then", "else",
            "and", "or", "not", "true", "false", "step", "x")
_OPEN = {"LBRACE": "}", "LPAR": ")", "LSQB": "]"}
_CLOSE = {"RBRACE": "{", "RPAR": "(", "RSQB": "["}


class _TooDeep(Exception):
    def __init__(self, token: Token):
        self.token = token


@dataclass
class _Open:
    token: Token
    label: str  # what the bracket opens, e.g. "`rack nvl72`"


class _PostLexer:
    """Drops newlines inside brackets and records the bracket stack (see module doc)."""

    always_accept = ("_NL",)

    def __init__(self) -> None:
        self.stack: list[_Open] = []
        self.unmatched: Token | None = None

    def process(self, stream):
        self.stack = []
        line_tokens: list[Token] = []
        for tok in stream:
            kind = tok.type
            if kind == "_NL":
                line_tokens = []
                if self.stack and self.stack[-1].token.type != "LBRACE":
                    continue
                yield tok
                continue
            if kind in _OPEN:
                if len(self.stack) >= MAX_DEPTH:
                    raise _TooDeep(tok)
                self.stack.append(_Open(tok, _label(line_tokens, tok)))
            elif kind in _CLOSE and self.stack:
                if _OPEN[self.stack[-1].token.type] == tok.value:
                    self.stack.pop()
            line_tokens.append(tok)
            yield tok


def _label(line_tokens: list[Token], tok: Token) -> str:
    if tok.type == "LBRACE":
        names = [t.value for t in line_tokens if t.type == "NAME"][:2]
        if names:
            return "`" + " ".join(names) + "`"
        return "the block"
    return {"LPAR": "the parenthesis", "LSQB": "the list"}[tok.type]


@dataclass
class ParseResult:
    tree: Tree
    comments: list[Token]


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, _PostLexer]:
    post = _PostLexer()
    comments: list[Token] = []
    lark = Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                postlex=post, propagate_positions=True, maybe_placeholders=False,
                lexer_callbacks={"COMMENT": comments.append})
    lark._factory_comments = comments  # type: ignore[attr-defined]
    return lark, post


def parse(source: Source, sink: Sink) -> ParseResult | None:
    """Parse one file. On a syntax error, report one diagnostic for it and return None."""
    lark, post = _parser()
    comments: list[Token] = lark._factory_comments  # type: ignore[attr-defined]
    comments.clear()
    text = source.text
    try:
        tree = lark.parse(text)
    except _TooDeep as exc:
        span = _token_span(source, exc.token)
        sink.error("nesting-too-deep", f"blocks and brackets are nested more than {MAX_DEPTH} levels deep",
                   span, help="flatten the structure: define the inner part once and refer to it by name")
        return None
    except UnexpectedInput as exc:
        _report_syntax_error(source, sink, exc, post)
        return None
    return ParseResult(tree, list(comments))


# ----------------------------------------------------------------------------- syntax errors

_TERMINAL_WORDS = {
    "NAME": "a name", "NUMBER": "a number", "STRING": "a string", "UNIT": "a unit",
    "LBRACE": "`{`", "RBRACE": "`}`", "LPAR": "`(`", "RPAR": "`)`", "LSQB": "`[`", "RSQB": "`]`",
    "EQUAL": "`=`", "COMMA": "`,`", "COLON": "`:`", "DOT": "`.`", "_NL": "the end of the line",
    "COMP_OP": "a comparison", "PLUS": "`+`", "MINUS": "`-`", "MUL": "`*`", "DIV": "`/`",
    "CIRCUMFLEX": "`^`", "__ANON_0": "`..`", "$END": "the end of the file",
}
_VALUE_START = {"NUMBER", "STRING", "NAME", "LPAR", "LSQB", "MINUS", "PLUS", "TRUE", "FALSE", "IF", "NOT"}
_OPERATORS = {"PLUS", "MINUS", "MUL", "DIV", "CIRCUMFLEX", "COMP_OP", "DOT", "AND", "OR", "__ANON_0"}


def _token_span(source: Source, tok: Token):
    start = tok.start_pos if tok.start_pos is not None else len(source.text)
    end = tok.end_pos if tok.end_pos is not None else start
    if tok.type == "_NL":
        end = start + 1
    return source.span(start, max(end, start + 1) if start < len(source.text) else start)


def _describe_token(tok: Token) -> str:
    if tok.type == "_NL":
        return "end of line"
    if tok.type == "$END":
        return "end of file"
    value = tok.value if len(tok.value) <= 30 else tok.value[:27] + "..."
    if tok.type == "NAME":
        return f"name `{value}`"
    if tok.type == "NUMBER":
        return f"number `{value}`"
    if tok.type == "UNIT":
        return f"`{value}`"
    if tok.type == "STRING":
        return "string"
    return f"`{value}`"


def _expected_words(expected: set[str]) -> str:
    if not expected:
        return ""
    names = set(expected)
    words: list[str] = []
    if len(names & _VALUE_START) >= 4:
        words.append("a value")
        names -= _VALUE_START
    if len(names & _OPERATORS) >= 3:
        words.append("an operator")
        names -= _OPERATORS
    for term in sorted(names):
        if term in _TERMINAL_WORDS:
            words.append(_TERMINAL_WORDS[term])
        elif term.isupper() and term.lower() in KEYWORDS:
            words.append(f"`{term.lower()}`")
        elif term.startswith("__ANON") or term.startswith("_"):
            continue
        else:
            words.append(f"`{term.lower()}`")
    words = sorted(set(words), key=lambda w: (w.startswith("the end"), w))
    if len(words) > 6:
        words = words[:6] + ["..."]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]


def _report_syntax_error(source: Source, sink: Sink, exc: UnexpectedInput, post: _PostLexer) -> None:
    text = source.text
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        char = text[pos] if pos < len(text) else ""
        span = source.span(pos, pos + 1)
        if char == '"':
            sink.error("unterminated-string", "this string has no closing `\"` on its line", span,
                       help='close it on the same line, or use """triple quotes""" for text over several lines')
        else:
            shown = repr(char)[1:-1] if not char.isprintable() else char
            sink.error("invalid-character", f"unexpected character `{shown}`", span,
                       help=_char_help(char))
        return

    tok = getattr(exc, "token", None)
    at_end = isinstance(exc, UnexpectedEOF) or (tok is not None and tok.type == "$END")
    if at_end and post.stack:
        _report_unclosed(source, sink, post.stack[-1], len(text.rstrip()))
        return
    if tok is None:
        sink.error("syntax-error", "the file ends in the middle of a statement",
                   source.span(len(text), len(text)))
        return

    try:
        expected = set(exc.interactive_parser.accepts()) if getattr(exc, "interactive_parser", None) else set()
    except Exception:  # accepts() re-runs the parser; any failure just loses the hint
        expected = set()
    expected = expected or set(getattr(exc, "expected", ()) or ())
    span = _token_span(source, tok)

    if tok.type == "RBRACE" and "RBRACE" not in expected and not post.stack:
        sink.error("unmatched-close", "this `}` closes nothing: there is no open block here", span,
                   help="remove it, or add the `{` it was meant to close")
        return
    if tok.type in ("RPAR", "RSQB") and tok.type not in expected:
        sink.error("unmatched-close", f"this `{tok.value}` closes nothing", span)
        return

    top = post.stack[-1] if post.stack else None
    if (top is not None and top.token.type in ("LPAR", "LSQB") and tok.line is not None
            and top.token.line is not None and tok.line > top.token.line
            and _OPEN[top.token.type] not in (tok.value,)):
        _report_unclosed(source, sink, top, tok.start_pos)
        return

    message = f"unexpected {_describe_token(tok)}"
    want = _expected_words(expected - {"$END"} if tok.type != "$END" else expected)
    if want:
        message += f"; expected {want}"
    help_text = _syntax_help(source, tok, exc, expected)
    sink.error("syntax-error", message, span, help=help_text)


def _report_unclosed(source: Source, sink: Sink, opened: _Open, where: int) -> None:
    """`{`/`(`/`[` never closed: the primary span is where the closer was due, the note the opener."""
    closer = _OPEN[opened.token.type]
    o_span = _token_span(source, opened.token)
    span = source.span(where, where)
    help_text = f"add `{closer}` where {opened.label} should end"
    if opened.token.type == "LBRACE":
        # The first later line indented no deeper than the opener's line is where `}` was probably due.
        indent = _indent(source.line_text(o_span.line))
        for line in range(o_span.line + 1, source.line_count + 1):
            body = source.line_text(line)
            stripped = body.strip()
            if stripped and not stripped.startswith(("#", "}")) and _indent(body) <= indent:
                help_text = f"add `}}` before line {line}, which is indented like {opened.label}"
                break
    sink.error("unclosed-brace",
               f"missing `{closer}` to close {opened.label} opened at {o_span.line}:{o_span.col}", span,
               related=[Related(o_span, f"{opened.label} opened here")], help=help_text)


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


def _char_help(char: str) -> str | None:
    if char in "“”‘’":
        return "use plain ASCII quotes `\"`"
    if char == ";":
        return "statements end at the end of the line; no `;` is needed"
    if char == "@":
        return "sources go in a comment after the value: `tdp = 700 W  # NVIDIA datasheet, 2022`"
    return None


def _syntax_help(source: Source, tok: Token, exc: UnexpectedInput, expected: set[str]) -> str | None:
    prev = None
    history = getattr(exc, "token_history", None)
    if history:
        prev = history[-1]
    if tok.type == "EQUAL" and prev is not None and prev.type == "NAME":
        line = source.line_text(tok.line or 1).strip()
        first = line.split()[0] if line.split() else ""
        kw = suggest(first, ("let", "param", "assert"), cutoff=0.5)
        if kw and first != kw:
            return f"`{first}` is not a keyword; did you mean `{kw}`?"
    if tok.type == "EQUAL" and prev is not None and prev.type == "UNIT":
        return "each statement goes on its own line (a name right after a number is read as its unit)"
    if tok.type == "NAME" and prev is not None and prev.type == "NAME" and tok.line == prev.line:
        return "each statement goes on its own line; a block is written `kind name { ... }`"
    if (tok.type in ("NAME", "UNIT", "NUMBER", "STRING") and prev is not None and prev.line == tok.line
            and "_NL" in expected):
        return "each statement goes on its own line"
    return None
