"""Re-parsing an edited buffer statement by statement (dsl.parser.StatementCache) gives exactly what a
parse of the whole text gives: the same syntax tree (every node, span, doc and comment), the same
diagnostics, in the same order. Laws over the examples, the stdlib, the check cases and random edits."""
from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

import dsl
from dsl import nodes as n
from dsl.loader import ParseCache
from dsl.parser import statement_chunks
from dsl.source import Span

ROOT = Path(__file__).resolve().parents[1]
TEXTS = sorted([*(ROOT / "examples").glob("*.factory"), *(ROOT / "stdlib").glob("*.factory"),
                *(ROOT / "tests" / "cases" / "check").glob("*.factory"),
                *(ROOT / "tests" / "cases" / "syntax").glob("*.factory")])


def _dump(node, depth: int = 0):
    """Every field of every node, spans included; `parent` and `module` (back references) left out."""
    if isinstance(node, (str, int, float, bool, type(None), Span)):
        return node
    if isinstance(node, (list, tuple)):
        return [_dump(x, depth + 1) for x in node]
    if dataclasses.is_dataclass(node):
        return (type(node).__name__, [(f.name, _dump(getattr(node, f.name), depth + 1))
                                      for f in dataclasses.fields(node) if f.name not in ("parent", "module")])
    return repr(node)


def _links_hold(module) -> bool:
    """Every block points at its module and at the block it is written in (None at the top)."""
    stack = [(stmt, None) for stmt in module.statements]
    while stack:
        stmt, parent = stack.pop()
        if isinstance(stmt, n.Block):
            if stmt.module is not module or stmt.parent is not parent:
                return False
            stack.extend((child, stmt) for child in stmt.body)
    return True


def _outcome(session: dsl.Session, text: str) -> tuple:
    checked, sink = session.check_text(text, "buffer.factory")
    if checked is not None and checked.program.entries:
        assert _links_hold(checked.program.entries[0])
    tree = _dump(checked.program.entries[0].statements) if checked is not None and checked.program.entries else None
    doc = checked.program.entries[0].doc if checked is not None and checked.program.entries else None
    return tree, doc, [(d.code, d.message, d.span, tuple(d.notes)) for d in sink.items]


class _WholeParses(ParseCache):
    """A session's parse cache that keeps no statements of a buffer: each check of a text parses it whole (a
    plain `dsl.Session` parses even a buffer's first version through an empty StatementCache)."""

    def statements(self, path: str, name: str) -> None:
        return None


def _whole_parse_session() -> dsl.Session:
    session = dsl.Session()
    session.cache = _WholeParses()
    return session


def _same_as_a_whole_parse(previous: str, edited: str) -> None:
    session = dsl.Session()
    session.check_text(previous, "buffer.factory")              # fills the statement cache
    assert _outcome(session, edited) == _outcome(_whole_parse_session(), edited)


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_file_checked_again_unchanged_is_the_same(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    _same_as_a_whole_parse(text, text)


# the default run makes the first DEFAULT_EDITS of each example's seeded series of edits (each edit checks the
# example twice, with the cache and without); `-m slow` makes the whole series (SLOW_EDITS)
DEFAULT_EDITS, SLOW_EDITS = 10, 25


def _random_edits(path: Path, count: int) -> None:
    text = path.read_text(encoding="utf-8")
    rng = random.Random(path.name)
    pieces = ["1", "x", " ", "\n", "{", "}", '"', "#", "(", "\\\n", '"""', "let q = 2 W\n", "W"]
    for _ in range(count):
        i = rng.randrange(len(text) + 1)
        kind = rng.randrange(3)
        if kind == 0:
            edited = text[:i] + rng.choice(pieces) + text[i:]
        elif kind == 1:
            edited = text[:i] + text[i + rng.randrange(1, 4):]
        else:
            line_start = text.rfind("\n", 0, i) + 1
            line_end = text.find("\n", i) + 1 or len(text)
            edited = text[:line_end] + text[line_start:line_end] + text[line_end:]   # a line doubled
        _same_as_a_whole_parse(text, edited)
        text = edited if rng.random() < 0.5 else text


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.factory")), ids=lambda p: p.name)
def test_random_edits_give_what_a_whole_parse_gives(path: Path) -> None:
    _random_edits(path, DEFAULT_EDITS)


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.factory")), ids=lambda p: p.name)
def test_random_edits_give_what_a_whole_parse_gives_whole_series(path: Path) -> None:
    _random_edits(path, SLOW_EDITS)


def test_the_chunks_cover_the_text_and_keep_a_doc_string_with_its_statement() -> None:
    text = '"""file"""\nimport chips\n\n"""the rack"""\nrack r {\n  x = "}"  # }\n}\nlet a = [1,\n  2] \\\n  + 1\n'
    chunks = statement_chunks(text)
    assert "".join(text[s:e] for s, e, _ in chunks) == text
    assert [text[s:e].split("\n")[0] for s, e, _ in chunks] == ['"""file"""', '"""the rack"""', "let a = [1,"]
    assert [line for _, _, line in chunks] == [1, 4, 8]
    assert statement_chunks("rack r {\n") is None and statement_chunks("let a = )\n") is None


@pytest.mark.parametrize("path", TEXTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_first_parse_through_the_cache_is_a_whole_parse(path: Path) -> None:
    """An empty cache (an editor opening the file) parses each statement alone and moves it to its place: the
    tree, spans and diagnostics are a whole parse's."""
    _same_as_a_whole_parse("", path.read_text(encoding="utf-8"))


def test_a_statement_with_a_diagnostic_keeps_the_file_s_spans() -> None:
    """A statement whose parse reports a diagnostic (a backslash that starts no escape, an underscore out of
    place) far into the file: the diagnostic's span is the file's line and column, as a whole parse gives."""
    text = ('"""A doc."""\nlet a = 1 W\n\n# a comment\nlet b = 2 W\n'
            'let c = "back\\qslash"\nlet d = 1__0 W\nlet e = 3 W\n')
    _same_as_a_whole_parse("", text)
    session = dsl.Session()
    _, sink = session.check_text(text, "buffer.factory")
    assert sorted(d.span.line for d in sink.items if d.span is not None)[:2] == [6, 7]
