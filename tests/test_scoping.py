"""Name lookup inside blocks: a block's own fields hide the module's names, and the checker says so
when that hides a `param` or `let` the author most likely meant."""
from __future__ import annotations

from click.testing import CliRunner

import dsl
from compiler import evaluate_text
from compiler.cli import main


def _diags(text: str):
    checked, sink = dsl.check_text(text, "spec.factory")
    return [(d.severity, d.code, d.span.line, d.span.col) for d in sink.items]


def test_a_param_hidden_by_a_computed_field_is_named_in_a_warning():
    """`tdp = power` in a chip reads the chip's own `power` (its model computes power from tdp), not the
    param: the compiler reports a definition cycle; the checker explains it at the name."""
    text = "param power = 700 W\nchip c {\n  tdp = power\n}\n"
    assert _diags(text) == [("warning", "shadowed-name", 3, 9)]
    checked, sink = dsl.check_text(text, "spec.factory")
    diag = sink.items[0]
    assert "param `power`" in diag.message and "own field `power`" in diag.message
    assert diag.related[0].span.line == 1 and "rename" in diag.help
    results, sink = evaluate_text(text, "spec.factory")
    assert [d.code for d in sink.items] == ["shadowed-name", "definition-cycle"]


def test_the_warning_also_flags_a_silently_different_value(tmp_path):
    """`max_power = power` in a server with parts reads the server's computed average power, not the
    10 kW param: no cycle, so without the warning the value would be wrong in silence."""
    text = ("from chips import H100_SXM\nparam power = 10 kW\nserver s {\n  chip gpu: H100_SXM x 8\n"
            "  max_power = power\n}\n")
    assert ("warning", "shadowed-name", 5, 15) in _diags(text)
    path = tmp_path / "spec.factory"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert "warning[shadowed-name]" in result.output and "Traceback" not in result.output


def test_no_warning_where_nothing_is_hidden():
    # the block sets the field itself, or the module has no such name, or `x = x` reads outward
    assert _diags("param power = 700 W\nchip c {\n  tdp = 700 W\n  power = 500 W\n  let p = power\n}\n") == []
    assert _diags("chip c {\n  tdp = 700 W\n  let share = power / tdp\n}\n") == []
    assert _diags("param tdp = 700 W\nchip c {\n  tdp = tdp\n}\n") == []
    assert _diags("param watts = 700 W\nchip c {\n  tdp = watts\n}\n") == []
