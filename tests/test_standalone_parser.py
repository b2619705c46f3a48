"""The generated stand-alone parser (dsl/_parser_standalone.py, made by `python3 -m dsl.gen_standalone`) is the
grammar's: made from grammar/factory.lark as it is now, reproducible byte for byte, and it accepts, rejects,
lexes and builds exactly as Lark itself over the grammar, on every spec of the project and on many broken
variants of them (the errors' positions, tokens and expected terminals, which the diagnostics are made of)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

import dsl._parser_standalone as standalone
import dsl.build
from dsl.build import Builder
from dsl.diagnostics import Sink
from dsl.gen_standalone import COMMAND, generate, grammar_sha256
from dsl.format import _Recorder             # the post-lexer that records every token it is given
from dsl.parser import MAX_DEPTH, _TooDeep, lalr_parser
from dsl.resources import grammar_path
from dsl.source import Source

ROOT = Path(__file__).resolve().parents[1]


def test_the_standalone_parser_was_made_from_the_grammar_as_it_is() -> None:
    assert standalone.GRAMMAR_SHA256 == grammar_sha256(), (
        f"grammar/factory.lark changed since dsl/_parser_standalone.py was generated: run `{COMMAND}`")


def test_generating_it_again_gives_the_committed_bytes() -> None:
    import lark

    if lark.__version__ != standalone.__version__:
        pytest.skip(f"made with Lark {standalone.__version__}; Lark {lark.__version__} is installed")
    committed = (ROOT / "dsl" / "_parser_standalone.py").read_text(encoding="utf-8")
    assert generate() == committed, f"dsl/_parser_standalone.py is not what `{COMMAND}` writes; run it"


def _token(tok) -> tuple | None:
    return None if tok is None else (tok.type, str(tok), tok.start_pos, tok.end_pos, tok.line, tok.column, tok.end_line, tok.end_column)


def _lark_parser():
    """Lark over grammar/factory.lark, with the options dsl.parser's parser was made with."""
    import lark

    recorder, builder = _Recorder(), Builder()
    parser = lark.Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr", lexer="contextual",
                       postlex=recorder, maybe_placeholders=False, transformer=builder,
                       lexer_callbacks={"COMMENT": builder.comment})
    return parser, recorder, builder, lark.Token, lark.exceptions


def _standalone_parser():
    recorder, builder = _Recorder(), Builder()
    parser = lalr_parser(postlex=recorder, transformer=builder, lexer_callbacks={"COMMENT": builder.comment})
    return parser, recorder, builder, standalone.Token, standalone


def _outcome(made, text: str, monkeypatch) -> tuple:
    """What a parse of `text` gives: every token, the comments kept, the statements (by repr) and the
    builder's diagnostics, or the error with all that dsl.parser reads of it."""
    parser, recorder, builder, token_type, errors = made
    monkeypatch.setattr(dsl.build, "Token", token_type)        # the builder tells tokens from nodes by type
    recorder.tokens = []
    sink = Sink()
    builder.begin(Source("t.factory", text), sink)
    try:
        result = parser.parse(text)
        got = ("ok", repr(result.statements), result.doc)
    except _TooDeep as exc:
        got = ("too deep", _token(exc.token))
    except errors.UnexpectedCharacters as exc:
        got = ("characters", exc.pos_in_stream, exc.line, exc.column, sorted(exc.allowed or ()))
    except errors.UnexpectedEOF as exc:
        got = ("eof", sorted(exc.expected))
    except errors.UnexpectedToken as exc:
        got = ("token", _token(exc.token), sorted(exc.expected), sorted(exc.interactive_parser.accepts()),
               [_token(t) for t in exc.token_history or ()])     # (not its state: the numbering is Lark's own)
    return (got, [_token(t) for t in recorder.tokens], sorted(builder.comments.items()),
            [(d.code, str(d.span), d.message) for d in sink.items])


def _corpus() -> list[str]:
    files = sorted((ROOT / "stdlib").glob("*.factory")) + sorted((ROOT / "examples").rglob("*.factory")) \
        + sorted((ROOT / "tests" / "cases").rglob("*.factory"))
    return [p.read_text(encoding="utf-8") for p in files]


def _broken(texts: list[str], count: int) -> list[str]:
    """`count` variants of the corpus, each with one character deleted, inserted or replaced (seeded)."""
    rng = random.Random(6)
    chars = ' \n{}()[]=,.:"#x+-*/^<;@\\1aW%'
    small = [t for t in texts if len(t) < 20_000] or texts
    out = []
    for _ in range(count):
        text = rng.choice(small)
        i = rng.randrange(len(text) + 1)
        kind = rng.randrange(3)
        if kind == 0 and i < len(text):
            out.append(text[:i] + text[i + 1:])
        elif kind == 1:
            out.append(text[:i] + rng.choice(chars) + text[i:])
        else:
            out.append(text[:i] + rng.choice(chars) + text[i + 1:])
    return out


_SHAPES = [
    "", "\n", "param gpus = 1000\n", "let x = 1 W +\n", "chip a {\n  tdp = 700 W\n", "rack r {\n}\n}\n",
    "let x = (1 +\n  2\n", "let a = [1, 2,\n", "param p = 1 .. 10 step 2\n", "let x = \"open\n",
    "from chips import *\nimport systems as s\n", "let y = if a then b else c\n", "let q = 3.35 TB/s ^ 2\n",
    "rack r extends base x 4 {\n  n = 1\n}\n", "let a = 1\nlet b = = 2\nlet c = 3\n", "lett x = 1\n",
    "let x = 1 ; let y = 2\n", "x = 1 W\n = 2\n", "let s = \"\"\"doc\nmore\"\"\"\n", "assert a > 1, \"why\"\n",
    "let z = not not true and false or x\n", "let w = f(1, 2,)\n", "let v = a.b.c\n", "\\\n", "let x = 1 \\\n + 2\n",
    "let d = " + "(" * (MAX_DEPTH + 5) + "1" + ")" * (MAX_DEPTH + 5) + "\n", "let u = 1 “W”\n",
]


def test_it_parses_every_spec_and_every_broken_variant_as_lark_does(monkeypatch) -> None:
    lark_made, ours = _lark_parser(), _standalone_parser()
    texts = _SHAPES + _corpus()
    texts += _broken(texts, 300)
    differences, kinds = [], set()
    for text in texts:
        expected, got = _outcome(lark_made, text, monkeypatch), _outcome(ours, text, monkeypatch)
        kinds.add(got[0][0])
        if got != expected:
            differences.append((text[:200], expected[0], got[0]))
    assert not differences, differences[:3]
    assert kinds >= {"ok", "too deep", "characters", "token"}      # every way a parse ends was compared
