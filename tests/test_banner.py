"""Problems are shown where a reader looks first: `factory eval`'s table and both reports open with a
banner ("1 error, 1 warning" and one line each), a header never says "all checks pass" while a check fails
or an error or warning stands, a failing check in a sweep names the scenarios it fails in by their
parameter values, and any diagnostic code or check kind is shown the same way. `eval --select` keeps
standard output for the selected figures only."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from compiler import evaluate_text
from dsl.diagnostics import WARNING, Diagnostic
from compiler.cli import main
from compiler.evaluate import CheckResult
from compiler.render import report
from compiler.render.table import render_table
from compiler.render.view import problems

SPEC = '''param racks = 2

server node {
  max_power = 10 kW
  price = 300000 USD
}

site s {
  land_price = 0 USD
  hall h {
    rack r x racks {
      server n: node x 2
      power_limit = 25 kW
    }
    let gpus = racks * 8
    assert gpus <= 16, "at most 16 GPUs"
  }
}
'''


def _write(tmp_path: Path, text: str = SPEC) -> Path:
    path = tmp_path / "spec.factory"
    path.write_text(text, encoding="utf-8")
    return path


def test_select_prints_only_the_selected_figures(tmp_path: Path) -> None:
    spec = _write(tmp_path)
    runner = CliRunner(mix_stderr=False) if "mix_stderr" in CliRunner.__init__.__code__.co_varnames \
        else CliRunner()
    result = runner.invoke(main, ["eval", str(spec), "--select", "s.h.r.it_power"])
    assert result.exit_code == 0
    assert result.stdout == "s.h.r.it_power  20 kW\n"          # two 10 kW servers; no `ok` lines
    # a failing check: stdout still only the figure, the banner on stderr
    result = runner.invoke(main, ["eval", str(spec), "-D", "racks=[1,2,3,4]", "--select", "s.h.gpus"])
    assert result.exit_code == 1
    assert result.stdout == "s.h.gpus  8  16  24  32\n"
    assert "fails for racks=3, racks=4" in result.stderr


def test_table_opens_with_the_banner_naming_failing_scenarios(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", str(_write(tmp_path)), "-D", "racks=[1,2,3,4]"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "1 error:"
    assert "at most 16 GPUs" in lines[1] and "fails for racks=3, racks=4" in lines[1]


def test_clean_run_has_no_banner(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["eval", str(_write(tmp_path))])
    assert result.exit_code == 0
    first = result.output.splitlines()[0]
    assert not first.endswith(":") and "error" not in first and "warning" not in first


def _with_new_kinds(tmp_path: Path):
    """A clean run, plus what other parts of the compiler may report: a warning of a code the renderers
    have never seen, and a failed check of a new kind with no diagnostic of its own."""
    results, sink = evaluate_text(SPEC, str(tmp_path / "spec.factory"))
    assert results is not None and not sink.items
    span = results.checks[0].span
    sink.items.append(Diagnostic(WARNING, "over-committed", "the pool serves 120% of its capacity", span))
    results.checks.append(CheckResult("s.h.chat: the workload fits its accelerators", False,
                                      "the workload fits its accelerators", span,
                                      "needs 80 GB, has 40 GB", []))
    return results, sink


def test_any_diagnostic_and_check_kind_reaches_the_banner(tmp_path: Path) -> None:
    results, sink = _with_new_kinds(tmp_path)
    found = problems(results, sink)
    assert found.headline() == "1 error, 1 warning"
    assert [p.code for p in found.items] == ["", "over-committed"]     # errors first
    assert found.items[0].message == "check failed: s.h.chat: the workload fits its accelerators"
    out, _ = render_table(results, sink, None)
    head = out.splitlines()[:3]
    assert head[0] == "1 error, 1 warning:"
    assert "the workload fits its accelerators" in head[1] and "needs 80 GB" not in head[1]
    assert "warning[over-committed]: the pool serves 120% of its capacity" in head[2]

    md = report.render_markdown(results, "spec.factory", sink)
    top = md.split("### Key figures")[0]
    assert "all" not in top.split("·")[-1].split("\n")[0]          # the header does not say "all ... pass"
    assert f"**1 of {len(results.checks)} checks fail**" in top
    assert "1 error, 1 warning" in top and "over\\-committed" not in top
    assert "`over-committed`: the pool serves 120% of its capacity" in top
    html = report.render_html(results, "spec.factory", sink)
    masthead = html.split('<section id="key-figures">')[0]
    assert 'class="banner fail"' in masthead and "pill pass" not in masthead
    assert "the pool serves 120% of its capacity" in masthead and "the workload fits its accelerators" in masthead


def test_a_warning_alone_stops_the_all_pass_header(tmp_path: Path) -> None:
    results, sink = evaluate_text(SPEC, str(tmp_path / "spec.factory"))
    sink.items.append(Diagnostic(WARNING, "unpriced", "the rack r has no price", results.checks[0].span))
    md = report.render_markdown(results, "spec.factory", sink)
    header = md.split("\n\n")[1]
    assert "checks pass" not in header and "1 warning" in header
    html = report.render_html(results, "spec.factory", sink)
    assert "pill pass" not in html.split('<section id="key-figures">')[0]
    assert 'class="banner warn"' in html


def test_report_check_rows_name_the_failing_scenarios(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(_write(tmp_path)), "-D", "racks=[1,2,3,4]", "-o", str(out)])
    assert result.exit_code == 1
    for name in ("report.html", "report.md"):
        text = (out / name).read_text(encoding="utf-8")
        assert "fails in 2 of 4 scenarios: racks=3, racks=4" in text, name
        assert "fails for racks=3, racks=4" in text.split("Key figures")[0], name      # in the banner too
