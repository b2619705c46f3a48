"""Text to typed AST: the LALR parser over grammar/factory.lark, and syntax errors in the user's terms.

Pipeline position: after `source`; drives `dsl.build`, whose callbacks build the nodes while the parser
reduces. Imports `dsl._parser_standalone` (generated), `dsl.source`, `dsl.diagnostics`, `dsl.build`. Public function:
`parse(source, sink) -> ParseResult | None` (None when the file has a syntax error).

The post-lexer drops newlines inside ( ) and [ ], tracks every open bracket so that an unclosed one is
reported where it was opened ("missing `}` to close `rack nvl72` opened at 3:1"), and stops nesting
beyond `MAX_DEPTH`. After a syntax error the parser resynchronises at the next line that starts a
statement at the same nesting level (the bad statement is blanked out and parsing resumes), so several
independent mistakes in one file are each reported. Comments are collected so the builder can attach
a trailing comment to its line (that is where stdlib figures carry their source).

The parser is built once per process; its post-lexer and builder hold the state of the file being
parsed, so `parse` holds a lock while it runs: checks in several threads (sessions of a language server)
parse one file at a time and never see each other's state.

The parser is Lark's stand-alone LALR(1) parser of the grammar, `dsl/_parser_standalone.py`, generated
by `python3 -m dsl.gen_standalone` (see that module): it holds the analysed tables, so nothing is analysed
or read at start-up, and parsing imports neither Lark nor its grammar loader (that saved ~40 ms of a
~120 ms `factory check`). tests/test_standalone_parser.py keeps it the grammar's and checks that it
accepts, rejects and builds exactly as Lark over grammar/factory.lark.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

from . import nodes as n
from ._parser_standalone import Lark, Lark_StandAlone, Token, UnexpectedCharacters, UnexpectedEOF, UnexpectedInput
from .build import Builder, ParseResult
from .diagnostics import Code, Related, Sink, suggest
from .source import Source, Span

__all__ = ["MAX_DEPTH", "ParseResult", "parse"]

MAX_DEPTH = 200
_LOCK = threading.Lock()
MAX_SYNTAX_ERRORS = 20      # per file; recovery also stops once it has re-read the file about 4 times
KEYWORDS = ("import", "from", "as", "param", "let", "assert", "extends", "if", "then", "else",
            "and", "or", "not", "true", "false", "step", "x")
_OPEN = {"LBRACE": "}", "LPAR": ")", "LSQB": "]"}
_CLOSE = {"RBRACE": "{", "RPAR": "(", "RSQB": "["}


class _TooDeep(Exception):
    def __init__(self, token: Token):
        self.token = token


class _PostLexer:
    """Drops newlines inside brackets, keeps the stack of open brackets, and notes where the current
    statement (and the current top-level statement) started, for error recovery (see module doc)."""

    always_accept = ("_NL",)

    def __init__(self) -> None:
        self.stack: list[Token] = []
        self.stmt_start = 0
        self.top_start = 0
        self.at_start = True   # the next token starts a statement
        self.record: list[Token] | None = None   # when a list: every token the lexer gives, for `fmt`

    def process(self, stream):
        if self.record is not None:
            stream = _tapped(stream, self.record)
        stack: list[Token] = []
        self.stack = stack
        self.stmt_start = self.top_start = 0
        self.at_start = True
        after_nl = False
        for tok in stream:
            kind = tok.type
            if kind == "_NL":
                if stack and stack[-1].type != "LBRACE":
                    continue
                if after_nl:
                    continue    # `\` alone on a line splits one run of line breaks in two: still one break
                self.at_start = after_nl = True
                yield tok
                continue
            after_nl = False
            if self.at_start:
                self.at_start = False
                self.stmt_start = tok.start_pos
                if not stack:
                    self.top_start = tok.start_pos
            if kind in _OPEN:
                if len(stack) >= MAX_DEPTH:
                    raise _TooDeep(tok)
                stack.append(tok)
            elif kind in _CLOSE and stack and _OPEN[stack[-1].type] == tok.value:
                stack.pop()
            yield tok


def _tapped(stream, record: list):
    for tok in stream:
        record.append(tok)
        yield tok


_WORD = re.compile(r'"[^"\n]*"|[A-Za-z_][A-Za-z0-9_]*')


def _label(source: Source, tok: Token) -> str:
    """What a bracket opens, in words: "`rack nvl72`" (the first two names of its line), "the list", ..."""
    if tok.type != "LBRACE":
        return {"LPAR": "the parenthesis", "LSQB": "the list"}[tok.type]
    line_start = source.text.rfind("\n", 0, tok.start_pos) + 1
    words = [w for w in _WORD.findall(source.text, line_start, tok.start_pos) if not w.startswith('"')]
    names = [w for w in words if w not in KEYWORDS][:2]
    return "`" + " ".join(names) + "`" if names else "the block"


def lalr_parser(**options) -> Lark:
    """A LALR parser over grammar/factory.lark (the stand-alone one, module doc), with `options` among
    `postlex`, `transformer` and `lexer_callbacks` (placeholders for absent optional parts are off)."""
    return Lark_StandAlone(**options)


@lru_cache(maxsize=1)
def _parser() -> tuple[Lark, _PostLexer, Builder]:
    """The one parser of the process."""
    post = _PostLexer()
    builder = Builder()

    def comment(tok: Token) -> None:
        builder.comment(tok)
        if post.record is not None:
            post.record.append(tok)

    def line_cont(tok: Token) -> None:
        if post.record is not None:
            post.record.append(tok)

    lark = lalr_parser(postlex=post, transformer=builder, lexer_callbacks={"COMMENT": comment, "LINE_CONT": line_cont})
    return lark, post, builder


def parse(source: Source, sink: Sink, statements: "StatementCache | None" = None,
          tokens: list[Token] | None = None) -> ParseResult | None:
    """Parse one file into statements. On syntax errors, report each (up to MAX_SYNTAX_ERRORS) and return None.
    With `statements` (the cache of the file's previous version, see StatementCache), top-level statements
    whose text and position are unchanged are reused and only the others are parsed. With `tokens` (a list;
    `fmt`), a clean parse also fills it with every token of the file in order, newlines inside brackets,
    comments and line continuations included, so that the formatter needs no second parse of the file."""
    with _LOCK:
        if tokens is not None:
            _, post, _ = _parser()
            post.record = tokens
            try:
                result = _parse(source, sink, tokens)
            finally:
                post.record = None
            tokens.sort(key=lambda t: t.start_pos)
            return result
        if statements is not None:
            result = _parse_by_statement(source, sink, statements)
            if result is not None:
                return result
            statements.entries = {}
        return _parse(source, sink)


# ----------------------------------------------------------------------------- re-parsing an edited file
class StatementCache:
    """The top-level statements of the last version of one file (an editor buffer), each kept with the text
    it was parsed from, its offset and line, and the diagnostics its parse gave.

    An edit changes one statement or a few: `parse` splits the new text at the lines where top-level
    statements start (`statement_chunks`: brackets, strings, comments and line continuations are followed;
    a doc string stays with the statement it documents), reuses every chunk whose text is unchanged (as it
    is where its offset and line are too; else a copy with every span moved by the shift, `_relocated`,
    since typing a character moves everything after it), and parses the others alone, each then moved to its
    offset and line in the whole file (`_parse_chunk`). A chunk that does not parse alone (a syntax
    error, nesting too deep) makes `parse` parse the whole file as always, so errors and their recovery are
    reported exactly as without the cache; a clean file gives the statements, doc and diagnostics a whole
    parse gives (tests/test_statement_cache.py compares them after random edits). Reused statements are
    the same node objects as in the previous version: the tree is never changed after parsing, except
    that `dsl.build` points its blocks at the new version's Module (same name and path).

    Owned by a session's ParseCache, one per buffer; holds only the latest version. Saves the parse of
    every unchanged statement: on a 2,000-line spec a one-character edit re-parses one top-level statement
    (a large `site` block is one statement: an edit inside it re-parses the block)."""

    def __init__(self) -> None:
        # text of the chunk -> (offset, line, statements, doc string it gives the file, diagnostics)
        self.entries: dict[str, tuple[int, int, list, str | None, list]] = {}


_CHUNK_TOKENS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*|\\\r?\n|\n|[{(\[]|[})\]]',
                           re.S)
_STATEMENT_START = re.compile(r"[ \t\f]*([^ \t\f\r\n#])")


def statement_chunks(text: str) -> list[tuple[int, int, int]] | None:
    """(start, end, line) of each run of text that holds one top-level statement (with a doc string before
    it, and the blank and comment lines after it); None where the brackets do not balance."""
    chunks: list[tuple[int, int, int]] = []
    depth, line, start, start_line = 0, 1, 0, 1
    first = _STATEMENT_START.match(text)
    doc_before = first is not None and first.group(1) == '"'
    for m in _CHUNK_TOKENS.finditer(text):
        tok = m.group()
        c = tok[0]
        if c == "\n":
            line += 1
            if depth:
                continue
            nxt = _STATEMENT_START.match(text, m.end())
            if nxt is None:                              # a blank or comment line, or the end
                continue
            if not doc_before and m.end() > start:
                chunks.append((start, m.end(), start_line))
                start, start_line = m.end(), line
            doc_before = nxt.group(1) == '"'
        elif c == '"':
            line += tok.count("\n")
        elif c == "\\":
            line += 1
        elif c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
            if depth < 0:
                return None
    if depth:
        return None
    chunks.append((start, len(text), start_line))
    return chunks


def _parse_by_statement(source: Source, sink: Sink, cache: StatementCache) -> ParseResult | None:
    text = source.text
    chunks = statement_chunks(text)
    if chunks is None:
        return None
    lark, _, builder = _parser()
    fresh: dict[str, tuple[int, int, list, str | None, list]] = {}
    statements: list = []
    doc: str | None = None
    for start, end, line in chunks:
        chunk = text[start:end]
        hit = cache.entries.get(chunk)
        if hit is not None and (hit[0], hit[1]) != (start, line):
            hit = (start, line, _relocated(hit[2], start - hit[0], line - hit[1]), hit[3], hit[4]) \
                if not hit[4] else None          # (a chunk with diagnostics is parsed again: theirs move too)
        if hit is None:
            hit = _parse_chunk(lark, builder, source, chunk, start, line)
            if hit is None:
                return None
        fresh[chunk] = hit
        if doc is None and not statements:       # the file's doc string: the first, before any statement
            doc = hit[3]
        statements.extend(hit[2])
    cache.entries = fresh
    for _, _, _, _, diagnostics in fresh.values():
        for diag in diagnostics:
            sink.report(diag)
    return ParseResult(statements, doc)


def _parse_chunk(lark, builder, source: Source, chunk: str, start: int, line: int):
    """(start, line, statements, doc string, diagnostics) of one top-level chunk of `source` that begins at offset
    `start`, line `line` (column 1), parsed alone; None where it does not parse alone. It is parsed as it is, from
    offset 0, and its statements moved to their place (`_relocated`): parsing it behind `start` characters of
    padding made a first parse of a file cost time in the square of its length (6,000 one-line statements: 3.6 s,
    now 0.9 s, against 0.6 s for the whole file at once). A chunk whose parse reports diagnostics is parsed again, padded in
    front with blanks and newlines so that its offsets, lines and columns are the file's, since the builder makes
    a diagnostic's span from offsets into the whole source."""
    for padded in (False, True):
        scratch = Sink()
        builder.begin(source, scratch)
        pad = " " * (start - (line - 1)) + "\n" * (line - 1) if padded else ""
        try:
            result = lark.parse(pad + chunk)
        except (_TooDeep, UnexpectedInput):
            return None
        if padded or not scratch.items:
            break
    moved = padded or start == 0
    return (start, line, result.statements if moved else _relocated(result.statements, start, line - 1),
            result.doc, scratch.items)


def _node_types() -> frozenset:
    import dataclasses

    return frozenset(t for t in vars(n).values() if isinstance(t, type) and dataclasses.is_dataclass(t)
                     and t not in (n.Module, Span))


_NODE_TYPES = _node_types()      # the syntax tree's node classes (every dataclass of dsl.nodes but Module)


def _relocated(statements: list, by: int, lines: int) -> list:
    """Copies of `statements` (and every node inside) with each span moved `by` characters and `lines`
    lines (columns stay: a chunk starts a line). Iterative, so deep expressions need no deep stack; a
    block's `parent` is its copied parent, its `module` is left for dsl.build to set."""
    nodes = _NODE_TYPES

    def moved(s: Span) -> Span:
        return Span(s.file, s.start + by, s.end + by, s.line + lines, s.col, s.end_line + lines, s.end_col)

    copies: dict[int, object] = {}
    stack: list[tuple[object, object]] = []

    def shell(node):
        new = object.__new__(type(node))
        copies[id(node)] = new
        stack.append((node, new))
        return new

    def item(x):
        t = type(x)
        if t is Span:
            return moved(x)
        if t in nodes:
            return shell(x)
        if t is tuple:                             # (name, span) of an import
            return tuple(moved(y) if type(y) is Span else y for y in x)
        return x

    out = [shell(stmt) for stmt in statements]
    while stack:                                   # parents before children: a child's parent is copied
        node, new = stack.pop()
        fields = {}
        block = type(node) is n.Block
        for key, value in node.__dict__.items():
            t = type(value)
            if block and key == "module":
                fields[key] = None
            elif block and key == "parent":
                fields[key] = copies.get(id(value)) if value is not None else None
            elif t is Span:
                fields[key] = moved(value)
            elif t in nodes:
                fields[key] = shell(value)
            elif t is list:
                fields[key] = [item(x) for x in value]
            else:
                fields[key] = value
        new.__dict__.update(fields)
    return out


def _parse(source: Source, sink: Sink, tokens: list | None = None) -> ParseResult | None:
    lark, post, builder = _parser()
    text = source.text
    errors, budget = 0, 4 * len(text) + 10_000
    while True:
        builder.begin(source, sink)
        if tokens is not None:
            tokens.clear()          # a round after a syntax error records the blanked text again
        try:
            result = lark.parse(text)
        except _TooDeep as exc:
            sink.error(Code.NESTING_TOO_DEEP, f"blocks and brackets are nested more than {MAX_DEPTH} levels deep",
                       _token_span(source, exc.token),
                       help="flatten the structure: define the inner part once and refer to it by name")
            return None
        except UnexpectedInput as exc:
            errors += 1
            where = _report_syntax_error(source, sink, exc, post)
            if where is None or errors >= MAX_SYNTAX_ERRORS:
                return None
            stmt_start, top_start = post.stmt_start, post.top_start
            refused = getattr(exc, "token", None)
            if post.at_start and not (refused is not None and refused.type == "_NL"):
                # the lexer refused the first token of a statement (not the end of a half-typed line)
                stmt_start = where
                top_start = where if not post.stack else top_start
            stmt_start = min(stmt_start, where)  # so that each round blanks the error and moves on
            top_start = min(top_start, stmt_start)
            budget -= where - top_start
            if budget <= 0:
                return None
            # Resume: blank out everything before the bad statement's top-level statement, and the bad
            # statement itself (offsets and lines stay as they were), then parse again from there.
            end = _resync(text, stmt_start, where)
            resumed = _blank(text, 0, top_start) + text[top_start:stmt_start] + _blank(text, stmt_start, end) \
                + text[end:]
            if resumed == text:     # no progress: parsing again would only repeat this error
                return None
            text = resumed
            continue
        return result if errors == 0 else None


_NOT_NEWLINE = re.compile(r"[^\n]")


def _blank(text: str, start: int, end: int) -> str:
    return _NOT_NEWLINE.sub(" ", text[start:end])


def _resync(text: str, start: int, error_pos: int) -> int:
    """Where parsing resumes after a bad statement that starts at `start`: the first line after the
    error's line that starts at the statement's own nesting level, or a `}` that closes its block."""
    depth, i, n = 0, start, len(text)
    line_end = text.find("\n", error_pos)
    line_end = n if line_end < 0 else line_end
    while i < n:
        c = text[i]
        if c == '"':
            if text.startswith('"""', i):
                j = text.find('"""', i + 3)
                i = n if j < 0 else j + 3
            else:
                j = i + 1
                while j < n and text[j] not in '"\n':
                    j += 2 if text[j] == "\\" else 1
                i = j + 1 if j < n and text[j] == '"' else j
            continue
        if c == "#":
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
            if depth < 0:
                if i > error_pos:
                    return i
                depth = 0
        elif c == "\n" and i >= line_end and depth == 0:
            j = i + 1
            while j < n and text[j] in " \t\r\f":
                j += 1
            if j < n and text[j] not in "\n#":
                return j
        i += 1
    return n


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
    start = tok.start_pos if tok.start_pos is not None and tok.type != "$END" else len(source.text)
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


def _report_syntax_error(source: Source, sink: Sink, exc: UnexpectedInput, post: _PostLexer) -> int | None:
    """Report one syntax error; returns its offset when parsing may resume after it, else None."""
    text = source.text
    if isinstance(exc, UnexpectedCharacters):
        pos = exc.pos_in_stream
        char = text[pos] if pos < len(text) else ""
        span = source.span(pos, pos + 1)
        if char == '"' and text.startswith('"""', max(pos - 2, 0)) and text.count('"""', pos - 2) % 2 == 1:
            start = pos - 2
            sink.error(Code.UNTERMINATED_STRING, 'this """string""" is never closed', source.span(start, start + 3),
                       help='close it with """ where the text ends')
            return None
        if char == '"':
            sink.error(Code.UNTERMINATED_STRING, "this string has no closing `\"` on its line", span,
                       help='close it on the same line, or use """triple quotes""" for text over several lines')
        else:
            shown = repr(char)[1:-1] if not char.isprintable() else char
            sink.error(Code.INVALID_CHARACTER, f"unexpected character `{shown}`", span,
                       help=_char_help(char))
        return pos

    tok = getattr(exc, "token", None)
    at_end = isinstance(exc, UnexpectedEOF) or (tok is not None and tok.type == "$END")
    if at_end and post.stack:
        _report_unclosed(source, sink, post.stack[-1], len(text.rstrip()))
        return None
    if tok is None:
        sink.error(Code.SYNTAX_ERROR, "the file ends in the middle of a statement",
                   source.span(len(text), len(text)))
        return None

    try:
        expected = set(exc.interactive_parser.accepts()) if getattr(exc, "interactive_parser", None) else set()
    except Exception:  # accepts() re-runs the parser; any failure just loses the hint
        expected = set()
    expected = expected or set(getattr(exc, "expected", ()) or ())
    span = _token_span(source, tok)

    if tok.type == "RBRACE" and "RBRACE" not in expected and not post.stack:
        sink.error(Code.UNMATCHED_CLOSE, "this `}` closes nothing: there is no open block here", span,
                   help="remove it, or add the `{` it was meant to close")
        return tok.start_pos
    if tok.type in ("RPAR", "RSQB") and tok.type not in expected:
        sink.error(Code.UNMATCHED_CLOSE, f"this `{tok.value}` closes nothing", span)
        return tok.start_pos

    top = post.stack[-1] if post.stack else None
    if (top is not None and top.type in ("LPAR", "LSQB") and tok.line is not None
            and top.line is not None and tok.line > top.line and _OPEN[top.type] != tok.value):
        _report_unclosed(source, sink, top, tok.start_pos)
        return None

    message = f"unexpected {_describe_token(tok)}"
    want = _expected_words(expected - {"$END"} if tok.type != "$END" else expected)
    if want:
        message += f"; expected {want}"
    help_text = _syntax_help(source, tok, exc, expected)
    sink.error(Code.SYNTAX_ERROR, message, span, help=help_text)
    return tok.start_pos if tok.type != "$END" else None


def _report_unclosed(source: Source, sink: Sink, opened: Token, where: int) -> None:
    """`{`/`(`/`[` never closed: the primary span is where the closer was due, the note the opener."""
    closer = _OPEN[opened.type]
    o_span = _token_span(source, opened)
    span = source.span(where, where)
    label = _label(source, opened)
    help_text = f"add `{closer}` where {label} should end"
    if opened.type == "LBRACE":
        # The first later line indented no deeper than the opener's line is where `}` was probably due.
        indent = _indent(source.line_text(o_span.line))
        for line in range(o_span.line + 1, source.line_count + 1):
            body = source.line_text(line)
            stripped = body.strip()
            if stripped and not stripped.startswith(("#", "}")) and _indent(body) <= indent:
                help_text = f"add `}}` before line {line}, which is indented like {label}"
                break
    sink.error(Code.UNCLOSED_BRACE,
               f"missing `{closer}` to close {label} opened at {o_span.line}:{o_span.col}", span,
               related=[Related(o_span, f"{label} opened here")], help=help_text)


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip())


_SUPERSCRIPTS = {"¹": "1", "²": "2", "³": "3", "⁴": "4"}


def _char_help(char: str) -> str | None:
    if char in "“”‘’":
        return "use plain ASCII quotes `\"`"
    if char == "'":
        return "text is written in double quotes: `\"...\"`"
    if char == "\r":
        return "a line ends in LF (or CR LF); a lone CR (old Mac line ends) is not a line break: save the file with LF"
    if char == ";":
        return "statements end at the end of the line; no `;` is needed"
    if char == "μ":                     # Greek mu (U+03BC), not the micro sign µ the unit table takes
        return "micro is written `u` or the micro sign `µ` (U+00B5): `us`, `µs`"
    if char in _SUPERSCRIPTS:
        return f"a unit's power is written with `^`: `m^{_SUPERSCRIPTS[char]}`"
    if char in "·⋅×":
        return "units multiply with `*` and no spaces: `kW*h` (or `kWh`)"
    if char.isdigit() and not char.isascii():
        return "a number is written with the ASCII digits 0-9"
    if char.isalpha() and not char.isascii():
        return "a name is written in ASCII letters, digits and `_` (text in quotes may hold any character)"
    if char == "@":
        return "sources go in a comment after the value: `tdp = 700 W  # NVIDIA datasheet, 2022`"
    return None


@lru_cache(maxsize=1)
def _block_kinds() -> frozenset[str]:
    from .schema import KIND_ALIASES, kinds
    return frozenset(kinds()) | frozenset(KIND_ALIASES)


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
    first = re.match(r"[ \t\f]*([A-Za-z_][A-Za-z0-9_]*)[ \t\f]", source.line_text(tok.line or 1))
    if first and prev is not None and prev.line == tok.line and first.group(1) not in _block_kinds():
        # a statement's keyword misspelt (`asert x > 0`, `form chips import a`) reads as a block's kind: the
        # parser stops at what follows its name
        kw = suggest(first.group(1), ("assert", "from", "import", "let", "param"), cutoff=0.75)
        if kw and first.group(1) != kw:
            return f"`{first.group(1)}` is not a keyword; did you mean `{kw}`?"
    line = source.line_text(tok.line or 1).strip()
    if tok.value == "as" and line.startswith("from ") and " import " in line:
        module = line[len("from "):line.index(" import ")].strip()
        alias = module.strip('"').rsplit("/", 1)[-1].split(".")[0] or "m"
        name = prev.value if prev is not None else "name"
        written = f"import {module} as {alias}" if module.startswith('"') else f"import {module}"
        return (f"a name imported with `from` keeps its name; to choose one, import the module: "
                f"{written}, then {alias}.{name}")
    # a number slip, read from the text (the parser's token history is often empty here)
    start = tok.start_pos if tok.start_pos is not None else 0
    written = source.text[source.text.rfind("\n", 0, start) + 1:start]
    number = re.search(r"(?<![\w.])([0-9][0-9_]*(?:\.[0-9][0-9_]*)?)([ \t]*)(\.?)$", written)
    if number and tok.type == "COMMA" and not number.group(2) and not number.group(3):
        digits = re.match(r"[0-9]+", source.text[tok.end_pos or start:])
        if digits:
            return f"a decimal is written with a point: `{number.group(1)}.{digits.group()}`"
    if number and number.group(3) and not number.group(2) and "." not in number.group(1):
        return f"a number is written `{number.group(1)}` or `{number.group(1)}.0`"
    if number and number.group(2) and not number.group(3) and tok.value in ("x", "×"):
        return "multiply with `*`: `2 * 3` (`x` counts the parts a block places: `rack r: air_rack x 4`)"
    if tok.type == "EQUAL" and prev is not None and prev.type == "UNIT":
        return "each statement goes on its own line (a name right after a number is read as its unit)"
    if tok.type == "NAME" and prev is not None and prev.type == "NAME" and tok.line == prev.line:
        return "each statement goes on its own line; a block is written `kind name { ... }`"
    if (tok.type in ("NAME", "UNIT", "NUMBER", "STRING") and prev is not None and prev.line == tok.line
            and "_NL" in expected):
        return "each statement goes on its own line"
    return None
