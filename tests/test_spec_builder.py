"""dsl.spec_builder: typed values written as .factory text that reads back as the same values; and the
estimate command's stdlib look-up, read from the stdlib's syntax trees (compiler/estimate.py)."""
from __future__ import annotations

import pytest

import dsl
from dsl import nodes as n
from dsl import spec_builder as b


def _fields(module: b.Module) -> dict[str, object]:
    checked, sink = dsl.Session().check_text(module.text(), "built.factory")
    assert checked is not None and not sink.has_errors(), [d.message for d in sink.items]
    (block,) = [s for s in checked.program.entries[0].statements if isinstance(s, n.Block)]
    return {f.name: f.value for f in block.body if isinstance(f, n.Field)}


@pytest.mark.parametrize("text", ['say "hi"', "back\\slash", "two\nlines", "tab\there", '"""', "\\n is not a newline",
                                  "", "unicode \u00b5s \u00b0C"])
def test_text_reads_back_as_written(text: str) -> None:
    value = _fields(b.Module(None, [b.Block("site", "s", [b.Field("location", b.Text(text))])]))["location"]
    assert isinstance(value, n.String) and value.value == text


@pytest.mark.parametrize("number", [0.0, 1.0, 72, 0.1, 1e-30, 1.7976931348623157e308, 123456789.123456789,
                                    2.0 ** 53, 1e16, 6.02214076e23])
def test_numbers_and_quantities_read_back_exactly(number: float) -> None:
    fields = _fields(b.Module(None, [b.Block("chip", "c", [b.Field("tdp", b.Quantity(number, "W")),
                                                          b.Field("description", "x")]),
                                    b.Let("k", number)]))
    assert isinstance(fields["tdp"], n.Quantity) and fields["tdp"].value == number and fields["tdp"].unit == "W"


def test_a_doc_string_with_quotes_and_backslashes_reads_back() -> None:
    doc = 'a "quoted" word, a \\ backslash and """ three quotes'
    module = b.Module(doc, [b.FromImport("chips", ["H100_SXM"]), b.Let("k", b.Name("H100_SXM.tdp"))])
    checked, sink = dsl.Session().check_text(module.text(), "doc.factory")
    assert not sink.has_errors() and checked.program.entries[0].doc == doc


def test_literals_are_written_as_the_grammar_reads_them() -> None:
    """By hand: a quote, a backslash and a newline each escaped with one backslash; an integral float written
    without a fraction (1258291200.0 -> 1258291200, below 1e16), a non-integral one as its shortest repr."""
    assert b.text_literal('a"b\\c\nd') == '"a\\"b\\\\c\\nd"'
    assert b.number_text(1258291200.0) == "1258291200" and b.number_text(0.1) == "0.1"
    assert b.Quantity(2.5, "tok").text() == "2.5 tok" and (b.Number(0) / b.Quantity(1, "s")).text() == "0 / 1 s"


def test_expressions_are_parenthesized_as_built() -> None:
    expr = b.Call("ceil", b.Number(16) / b.Call("count", b.Name("DGX_H100.chip")))
    assert expr.text() == "ceil(16 / count(DGX_H100.chip))"
    assert ((b.Number(1) + b.Number(2)) * b.Number(3)).text() == "(1 + 2) * 3"
    assert b.as_expr(-2.5).text() == "(-2.5)"
    assert b.as_expr([1, 2.5, b.Quantity(4, "kW")]).text() == "[1, 2.5, 4 kW]"
    block = b.Block("rack", "r", base="systems.GB200_NVL72", count=b.Number(4) * b.Number(2))
    assert block.lines() == ["rack r: systems.GB200_NVL72 x 4 * 2"]


@pytest.mark.parametrize("bad", [lambda: b.Number(float("nan")).text(), lambda: b.Number(float("inf")).text(),
                                 lambda: b.Number(-1).text(), lambda: b.Quantity(1, "furlongs").text(),
                                 lambda: b.Quantity(1, "k W").text(), lambda: b.Name("not").text(),
                                 lambda: b.Name("a.1b").text(), lambda: b.Name("a b").text(),
                                 lambda: b.Field("x y", 1).lines(),
                                 lambda: b.Block("rack", "if").lines(), lambda: b.FromImport("chips", []).lines(),
                                 lambda: b.as_expr(None)])
def test_what_cannot_be_written_is_refused(bad) -> None:
    with pytest.raises(b.SpecBuildError):
        bad()


def test_a_parameter_list_spans_the_scenarios() -> None:
    from compiler import evaluate_text

    text = b.Module(None, [b.Param("gpus", [1000, 2000, 4000]), b.Let("twice", b.Name("gpus") * 2)]).text()
    results, sink = evaluate_text(text)
    assert results is not None and list(results.values["twice"]) == [2000, 4000, 8000]


def test_the_stdlib_lookup_lists_only_real_definitions() -> None:
    from compiler.estimate import stdlib_blocks
    from dsl.schema import kind as kind_spec

    blocks = stdlib_blocks()
    assert blocks["GB200_NVL72"][:2] == ("systems", "rack") and blocks["H100_SXM"][:2] == ("chips", "chip")
    assert all(kind_spec(kind) is not None and kind_spec(kind).name == kind for _, kind, _ in blocks.values())
    assert all(name == key for key, (_, _, name) in blocks.items())
