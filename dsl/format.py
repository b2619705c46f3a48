"""The canonical layout of a .factory file: `factory fmt`.

Pipeline position: beside `parser`; reads text, returns text. Imports `dsl.parser` (for the grammar's parser
and its post-lexer), `dsl.source` and `dsl.diagnostics`. Public function: `format_text(text, name) -> Formatted`.

The formatter works on the token stream of the real lexer (so a unit is a unit and a name a name exactly as
the parser sees them) and only ever changes whitespace:

- indentation: two spaces per open `{`; a line inside an open `(` or `[` (a continued expression) gets one
  more level per open bracket; a line that starts with a closer is indented like the line that opened it;
- spacing inside a line: one space around binary operators, `=`, `x`, `..` is tight (`1..10`), none inside
  brackets, before `,`, around `.` or between a function name and its `(`; one space after `,` and `:`;
  a unary sign sticks to its operand; a number and its unit are separated by one space (`700 W`);
- line breaks are the author's: the formatter never joins or splits lines, it only drops blank lines at the
  start and end of the file and of a block and keeps at most one blank line in a row;
- comments are kept verbatim: a comment on its own line is indented like the code around it; a trailing
  comment stays at its column when the code still ends before it (so aligned comments stay aligned), else it
  follows the code after two spaces;
- doc strings and other strings are kept verbatim, including triple-quoted text over several lines;
- every line ends in LF: a CRLF file comes out LF throughout (inside triple-quoted strings too).

Formatting is idempotent, and it never changes meaning: the result is lexed again and its tokens (type and
text, newlines inside brackets aside) must equal the input's, else the file is left as it is and
`format-failed` is reported. A file with a syntax error is not formatted (its syntax errors are reported).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ._parser_standalone import Lark, LarkError, Token
from .diagnostics import Code, Sink
from .parser import _PostLexer, lalr_parser, parse
from .source import Source

__all__ = ["Formatted", "format_text"]

INDENT = "  "
_CLOSERS = {"RBRACE", "RPAR", "RSQB"}
# Tokens after which a `+`/`-` is a sign rather than a binary operator.
_VALUE_END = {"NAME", "NUMBER", "UNIT", "STRING", "TRUE", "FALSE", "RPAR", "RSQB", "RBRACE"}


@dataclass
class Formatted:
    text: str                         # the formatted text (the input itself when it could not be formatted)
    changed: bool
    sink: Sink = field(repr=False)    # syntax errors, or `format-failed`


@dataclass
class _Tok:
    type: str
    value: str
    start: int
    end: int
    line: int                         # 1-based line of the token's first character


class _Recorder(_PostLexer):
    """The parser's post-lexer, recording every token it is given (newlines inside brackets included)."""

    def __init__(self) -> None:
        super().__init__()
        self.tokens: list[Token] = []

    def process(self, stream):
        return super().process(self._tap(stream))

    def _tap(self, stream):
        for tok in stream:
            self.tokens.append(tok)
            yield tok


@lru_cache(maxsize=1)
def _lark() -> tuple[Lark, _Recorder, list]:
    recorder = _Recorder()
    extras: list[Token] = []
    lark = lalr_parser(postlex=recorder, lexer_callbacks={"COMMENT": extras.append, "LINE_CONT": extras.append})
    return lark, recorder, extras


def _tokens(text: str) -> list[_Tok]:
    """Every token of `text` in order, comments and line continuations included. Raises LarkError."""
    lark, recorder, extras = _lark()
    recorder.tokens = []
    extras.clear()
    try:
        lark.parse(text)
        found = recorder.tokens + extras
    finally:
        recorder.tokens = []
        extras.clear()
    found.sort(key=lambda t: t.start_pos)
    return [_Tok(t.type, str(t), t.start_pos, t.end_pos, t.line) for t in found]


def _meaning(tokens: list[_Tok]) -> list[tuple[str, str]]:
    """What formatting must preserve: every token but whitespace, newlines reduced to statement breaks."""
    out: list[tuple[str, str]] = []
    depth = 0
    for tok in tokens:
        if tok.type == "_NL":
            comments = [c.strip() for c in tok.value.split("\n") if c.strip()]
            out += [("COMMENT", c) for c in comments]
            if depth == 0 and (not out or out[-1] != ("_NL", "")):
                out.append(("_NL", ""))
            continue
        if tok.type == "LINE_CONT":
            continue
        if tok.type in ("LPAR", "LSQB"):
            depth += 1
        elif tok.type in ("RPAR", "RSQB"):
            depth = max(depth - 1, 0)
        out.append((tok.type, tok.value.strip() if tok.type == "COMMENT" else tok.value))
    while out and out[0] == ("_NL", ""):
        out.pop(0)
    while out and out[-1] == ("_NL", ""):
        out.pop()
    return out


def _space_between(prev: _Tok, tok: _Tok, prev2: _Tok | None) -> str:
    """The whitespace between two tokens on one line."""
    a, b = prev.type, tok.type
    if b in ("RPAR", "RSQB", "COMMA") or a in ("LPAR", "LSQB"):
        return ""
    if a == "DOT" or b == "DOT":
        return ""
    if a == "__ANON_0" or b == "__ANON_0" or prev.value == ".." or tok.value == "..":
        # `1..10`, except where a dot would touch the range's dots (`1 .. .5`)
        left, right = prev.value, tok.value
        if (tok.value == ".." and left.endswith(".")) or (prev.value == ".." and right.startswith(".")):
            return " "
        return ""
    if b == "LPAR" and a == "NAME":
        return ""                                  # a call: `sum(x)`
    if b == "LSQB" and a == "NAME":
        return " "
    if b == "COLON":
        return ""
    if tok.value == "^" and a == "UNIT" or prev.value == "^" and prev2 is not None and prev2.type == "UNIT":
        return " "                                 # `2 s ^ 2` is (2 s)^2; `2 s^2` would be 2 of the unit s^2
    if prev.value == "^" or tok.value == "^":
        return ""
    if a in ("PLUS", "MINUS") and _is_sign(prev2):
        return ""                                  # `-3`, `x * -y`
    return " "


def _is_sign(before: _Tok | None) -> bool:
    """Whether a `+`/`-` that follows `before` (None: the start of a line) is a sign."""
    if before is None:
        return True
    if before.type in _VALUE_END:
        return False
    return True


def _layout(text: str, tokens: list[_Tok]) -> str:
    """Render the tokens with canonical whitespace (see the module doc)."""
    lines: list[str] = []
    braces = 0
    brackets: list[int] = []                # the indent level of the line that opened each ( or [
    current = ""                            # the code of the line being built
    current_level = 0
    trailing: tuple[str, int] | None = None
    prev: _Tok | None = None
    prev2: _Tok | None = None
    blank_pending = 0
    extra_cont = 0                          # lines continued with a backslash

    def line_start(col_of: int) -> int:
        return text.rfind("\n", 0, col_of) + 1

    def flush() -> None:
        nonlocal current, trailing
        if current or trailing:
            out = INDENT * current_level + current if current else ""
            if trailing is not None:
                comment, column = trailing
                # a triple-quoted string may span lines: the comment follows its last line
                width = len(out) - (out.rfind("\n") + 1)
                if not current:
                    out = INDENT * current_level + comment
                elif column > width + 1:
                    out = out + " " * (column - width) + comment
                else:
                    out = out + "  " + comment
            lines.append(out.rstrip())
        current, trailing = "", None

    def emit_blank(count: int) -> None:
        if count and lines and not lines[-1].endswith("{") and not (lines[-1] == ""):
            lines.append("")

    for tok in tokens:
        if tok.type == "_NL" or tok.type == "LINE_CONT":
            if tok.type == "LINE_CONT" and not current and not trailing:
                # a line that holds only `\`: it starts a line, so the blank lines before it come first
                emit_blank(max(blank_pending, 0))
                blank_pending = 0
                current_level = braces + len(brackets) + extra_cont
                current = "\\"
            elif tok.type == "LINE_CONT":
                current = current + " \\" if current else "\\"     # the `\` itself is kept
            elif extra_cont and not current and not trailing:
                lines.append("")            # `1 \` then an empty line: the empty line ends the statement
            flush()
            if tok.type == "LINE_CONT":
                extra_cont = 1
                current_level = braces + len(brackets) + extra_cont
                continue                    # the statement goes on: `3 \ + 4` keeps `+` binary
            extra_cont = 0
            # A newline token holds every following blank line and full-line comment.
            pieces = tok.value.split("\n")[1:]
            blank_pending = 0
            for piece in pieces:
                stripped = piece.strip()
                if not stripped:
                    blank_pending += 1
                    continue
                emit_blank(blank_pending)
                blank_pending = 0
                level = braces + len(brackets)
                lines.append(INDENT * level + stripped)
            # the last piece is the indentation of the next line: not a blank line
            if pieces and not pieces[-1].strip():
                blank_pending -= 1
            if not brackets:                # inside ( or [ the expression goes on: `(1\n + 2)` keeps `+` binary
                prev, prev2 = None, None
            continue
        if tok.type == "COMMENT":
            column = tok.start - line_start(tok.start)
            if current:
                trailing = (tok.value.rstrip(), column)
            else:
                current_level = braces + len(brackets)
                trailing = (tok.value.rstrip(), column)
            continue
        if not current:
            # the first token of a line fixes its indentation
            emit_blank(max(blank_pending, 0))
            blank_pending = 0
            level = braces + len(brackets) + extra_cont
            if tok.type in _CLOSERS:
                level = braces + brackets[-1] if tok.type != "RBRACE" and brackets else max(braces - 1, 0)
                if tok.type == "RBRACE":
                    # drop blank lines right before a closing brace
                    while lines and lines[-1] == "" and not (len(lines) > 1 and lines[-2].endswith("\\")):
                        lines.pop()         # (but not the empty line that ends a `\` continuation)
                    level = max(braces - 1, 0) + len(brackets)
            current_level = level
            current = tok.value
        else:
            current += _space_between(prev, tok, prev2) + tok.value
        if tok.type == "LBRACE":
            braces += 1
        elif tok.type == "RBRACE":
            braces = max(braces - 1, 0)
        elif tok.type in ("LPAR", "LSQB"):
            brackets.append(current_level - braces)
        elif tok.type in ("RPAR", "RSQB") and brackets:
            brackets.pop()
        prev2, prev = prev, tok
    flush()
    while lines and lines[0] == "":
        lines.pop(0)
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def format_text(text: str, name: str = "<memory>.factory") -> Formatted:
    """The canonical layout of `text` (see the module doc)."""
    original, text = text, text.replace("\r\n", "\n")    # one line ending throughout, in strings too
    sink = Sink()
    source = Source(name, text)
    sink.add_source(source)
    found: list[Token] = []
    if parse(source, sink, tokens=found) is None or sink.has_errors():
        return Formatted(original, False, sink)
    before = [_Tok(t.type, str(t), t.start_pos, t.end_pos, t.line) for t in found]
    try:
        result = _layout(text, before)
        # the safety net: the result is lexed again (a file already in shape is parsed once, not twice)
        after = _tokens(result) if result != text else before
    except LarkError as exc:
        sink.error(Code.FORMAT_FAILED, f"the formatted text no longer parses ({type(exc).__name__}); "
                   "the file was left as it is", source.span(0, 0),
                   help="please report this with the file attached")
        return Formatted(original, False, sink)
    if _meaning(before) != _meaning(after):
        sink.error(Code.FORMAT_FAILED, "formatting would change the file's tokens; the file was left as it is",
                   source.span(0, 0), help="please report this with the file attached")
        return Formatted(original, False, sink)
    return Formatted(result, result != original, sink)
