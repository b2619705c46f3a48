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
