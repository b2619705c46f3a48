"""Highlighting: the Pygments lexer and the TextMate grammar (VS Code) follow grammar/factory.lark and the
schema's block kinds."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from dsl.schema import KIND_ALIASES, kinds

pygments = pytest.importorskip("pygments")
from pygments.lexers import get_lexer_by_name  # noqa: E402
from pygments.token import Error, Keyword, Name, Number  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "stdlib").glob("*.factory")) + sorted((ROOT / "examples").glob("*.factory"))
TEXTMATE = ROOT / "grammar" / "factory.tmLanguage.json"


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_pygments_lexes_every_file_losslessly(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    tokens = list(get_lexer_by_name("factory").get_tokens(text))
    assert not [v for t, v in tokens if t is Error]
    assert "".join(v for _, v in tokens) == text if text.endswith("\n") else text + "\n"


def test_pygments_roles() -> None:
    text = 'param racks = 4\nrack r: air x 2 {\n  power_limit = 25 kW\n}\n'
    tokens = [(t, v) for t, v in get_lexer_by_name("factory").get_tokens(text) if v.strip()]
    assert (Keyword.Type, "rack") in tokens and (Name.Class, "r") in tokens
    assert (Number, "25") in tokens and (Keyword.Constant, "kW") in tokens
    assert (Name.Attribute, "power_limit") in tokens and (Name.Variable, "racks") in tokens
    # a number at the end of a line takes no unit from the next line
    assert (Number, "4") in tokens and (Keyword.Constant, "rack") not in tokens


def test_textmate_grammar_follows_the_language() -> None:
    grammar = json.loads(TEXTMATE.read_text(encoding="utf-8"))
    assert grammar["scopeName"] == "source.factory"
    header = grammar["repository"]["block-header"]["match"]
    listed = set(re.search(r"\^\\s\*\(([^)]*)\)", header).group(1).split("|"))
    assert listed == set(kinds()) | set(KIND_ALIASES), "update the kinds in grammar/factory.tmLanguage.json"
    lark = (ROOT / "grammar" / "factory.lark").read_text(encoding="utf-8")
    unit = re.compile(re.search(r"UNIT\.1: /(.*)/\n", lark).group(1))
    number = [p for p in grammar["repository"]["expression"]["patterns"] if "number" in p.get("comment", "")][0]
    number_unit = re.compile(number["match"])
    for sample in ("3.35 TB/s", "40 degC", "12000 m^2", "2 x 4", "0.12 USD/kWh", "5 if", "1e3 W*h", "7 step",
                   "1.5 L/min", "8 GiB", "3", "2 kg*m^2/s^3"):
        rest = re.sub(r"^[\d.eE_+-]+\s*", "", sample)
        expected = unit.match(rest)
        found = number_unit.match(sample)
        assert (found.group(2) or None) == (expected.group(0) if expected else None), sample
    for pattern in _patterns(grammar):
        re.compile(pattern)


def _patterns(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("match", "begin", "end") and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(node, list):
        for item in node:
            yield from _patterns(item)


def test_vscode_extension_uses_the_grammar_and_the_server() -> None:
    ext = ROOT / "editors" / "vscode"
    package = json.loads((ext / "package.json").read_text(encoding="utf-8"))
    (grammar,) = package["contributes"]["grammars"]
    assert grammar["scopeName"] == "source.factory" and grammar["path"] == "./syntaxes/factory.tmLanguage.json"
    assert "../../grammar/factory.tmLanguage.json" in package["scripts"]["vscode:prepublish"]
    assert package["contributes"]["configuration"]["properties"]["factory.command"]["default"] == ["factory", "lsp"]
    assert json.loads((ext / "language-configuration.json").read_text(encoding="utf-8"))["comments"] == \
        {"lineComment": "#"}


# ----------------------------------------------------------------------------- the highlighters agree with the parser

def _parser_tokens(text: str) -> dict[str, set[tuple[int, int]]] | None:
    """The spans of the parser's numbers, units, strings (doc strings too) and comments; None if it refuses."""
    from dsl.diagnostics import Sink
    from dsl.parser import parse
    from dsl.source import Source

    sink, source, found = Sink(), Source("x.factory", text), []
    sink.add_source(source)
    if parse(source, sink, tokens=found) is None or sink.has_errors():
        return None
    out: dict[str, set[tuple[int, int]]] = {"number": set(), "unit": set(), "string": set(), "comment": set()}
    for tok in found:
        kind = {"NUMBER": "number", "UNIT": "unit", "STRING": "string", "COMMENT": "comment"}.get(tok.type)
        if kind:
            out[kind].add((tok.start_pos, tok.end_pos))
        elif tok.type == "_NL":                   # a comment on a line of its own is inside the line break's token
            out["comment"] |= {(tok.start_pos + m.start(), tok.start_pos + m.end())
                               for m in re.finditer(r"#[^\r\n]*", str(tok))}
    return out


def _pygments_tokens(text: str) -> dict[str, set[tuple[int, int]]]:
    from pygments.token import Comment, String

    from dsl.highlight import FactoryLexer

    out: dict[str, set[tuple[int, int]]] = {"number": set(), "unit": set(), "string": set(), "comment": set()}
    for pos, ttype, value in FactoryLexer().get_tokens_unprocessed(text):
        kind = ("number" if ttype in Number else "string" if ttype in String else "comment" if ttype in Comment
                else "unit" if ttype is Keyword.Constant and value not in ("true", "false") else None)
        if kind:
            out[kind].add((pos, pos + len(value)))
    return out


def _textmate_tokens(text: str) -> dict[str, set[tuple[int, int]]]:
    """A small TextMate engine for this grammar (as vscode-textmate runs it: line by line, each line with its
    `\\n`; at each place the pattern that matches first, ties to the one listed first; inside a begin/end rule its
    end before its own patterns), with Python's `re` for Oniguruma (the grammar uses what both read alike)."""
    grammar = json.loads(TEXTMATE.read_text(encoding="utf-8"))
    repo = grammar["repository"]

    def expand(patterns):
        for p in patterns:
            if "include" in p:
                yield from expand([repo[p["include"][1:]]])
            elif "patterns" in p and "match" not in p and "begin" not in p:
                yield from expand(p["patterns"])
            else:
                yield p
    root = list(expand(grammar["patterns"]))
    out: dict[str, set[tuple[int, int]]] = {"number": set(), "unit": set(), "string": set(), "comment": set()}

    def kind(scope: str) -> str | None:
        return next((k for k, s in (("number", "constant.numeric"), ("unit", "support.type.unit"),
                                    ("string", "string.quoted"), ("comment", "comment.line")) if scope.startswith(s)),
                    None)
    open_rule, open_at = None, 0
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        line = re.sub(r"[\r\n]+$", "", text[start:end]) + "\n"
        if start == len(text):
            break
        pos = 0
        while pos < len(line):
            if open_rule is not None:
                candidates = [(re.compile(open_rule["end"]), None)] + [
                    (re.compile(p["match"]), p) for p in open_rule.get("patterns", [])]
            else:
                candidates = [(re.compile(p.get("match") or p["begin"]), p) for p in root]
            best = None
            for rx, rule in candidates:
                m = rx.search(line, pos)
                if m and (best is None or m.start() < best[0].start()):
                    best = (m, rule)
            if best is None:
                break
            m, rule = best
            if open_rule is not None and rule is None:              # the end of a string or doc string
                out["string"].add((open_at, start + min(m.end(), len(line) - 1)))
                open_rule = None
            elif "begin" in rule:
                open_rule, open_at = rule, start + m.start()
            else:
                if kind(rule.get("name", "")):
                    out[kind(rule["name"])].add((start + m.start(), start + min(m.end(), len(line) - 1)))
                for group, capture in rule.get("captures", {}).items():
                    if m.group(int(group)) is not None and kind(capture["name"]) and m.start(int(group)) < m.end(
                            int(group)):
                        out[kind(capture["name"])].add((start + m.start(int(group)), start + m.end(int(group))))
            pos = max(m.end(), pos + 1) if m.end() == m.start() else m.end()
    return out


_ODD_VALUES = ["30 kW", "3.35 TB/s", "1e3 W", "671e9", "1.5e-3 s", "40 degC", "2 W/m^2", "5 µs", "100 %", ".5 kW",
               "1_000 W", "3 kW*h", "1e9 FLOP/s", "2 kg*m^2/s^3", "7E+2 MW", "0.12 USD/kWh", "4.0e0", "12e3GB",
               '"a \\" b"', '"c:\\\\"', '"# not a comment"', '"1٠5 ٣"', '"""doc "with" \\""" quotes"""',
               "1 + \\\n  2", "3 W + \\\n  4 W", "max(1 kW, 2 kW)", "if true then 10 else 20", "-3 degC", "1e2"]


def _odd_corpus() -> list[str]:
    import random

    rng = random.Random(13)
    texts = []
    for i in range(120):
        parts = rng.sample(_ODD_VALUES, 3)
        lines = [f"let v{i}_{j} = {p}" + rng.choice(["", "  # note 1٠5 kW", " # 12e3GB"]) for j, p in enumerate(parts)]
        if rng.random() < 0.3:
            lines.insert(0, '"""A spec ١٢٣ with 30 kW "quoted", \\""" escaped\n# not a comment\n"""')
        if rng.random() < 0.3:
            lines.insert(rng.randrange(len(lines) + 1), "# a comment: 40 degC, \"a string\"")
        texts.append("\n".join(lines) + rng.choice(["\n", "\r\n", ""]))
    return texts


def _corpus() -> list[tuple[str, str]]:
    files = [(p.name, p.read_text(encoding="utf-8")) for p in FILES]
    return files + [(f"odd{i}", t) for i, t in enumerate(_odd_corpus())]


@pytest.mark.parametrize("highlighter", ["pygments", "textmate"])
def test_the_highlighters_tokens_agree_with_the_parsers(highlighter: str) -> None:
    """Law: on every stdlib file and example, and on generated odd inputs (units and powers, exponents, unicode
    digits in strings and comments, escapes, doc strings, comments, `\\` continuations, CRLF), the numbers, units,
    strings and comments each highlighter shows are exactly the parser's tokens. (The Pygments lexer showed `671e9`,
    stdlib/models.factory's parameter counts, as the number `671` with the unit `e9`: its regex gave the exponent back
    to let a unit match; and a CRLF line's comment took its `\\r`.)"""
    lex = _pygments_tokens if highlighter == "pygments" else _textmate_tokens
    checked, wrong = 0, []
    for name, text in _corpus():
        want = _parser_tokens(text)
        if want is None:
            continue
        checked += 1
        got = lex(text)
        for kind in want:
            if got[kind] != want[kind]:
                wrong.append((name, kind, sorted(text[a:b] for a, b in want[kind] - got[kind])[:4],
                              sorted(text[a:b] for a, b in got[kind] - want[kind])[:4]))
    assert checked >= 100
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("highlighter", ["pygments", "textmate"])
def test_a_number_is_written_in_ascii_digits_alone(highlighter: str) -> None:
    """The parser takes the ASCII digits 0-9 alone (`1٠5` is refused at the Arabic-Indic zero, s13-trustfe): no
    highlighter shows another script's digit as part of a number or a unit's power."""
    lex = _pygments_tokens if highlighter == "pygments" else _textmate_tokens
    text = "let a = 1٠5\nlet b = ٣ kW\nlet c = 2 m^٢\nlet d = 3 ٣W\n"
    got = lex(text)
    shown = [text[a:b] for kind in ("number", "unit") for a, b in got[kind]]
    assert all(s.isascii() or s in ("µs",) for s in shown), shown
