"""Session 25's trust hunt (s25-hunt): defects a new user meets, each pinned by a test that failed before its fix.

    A misspelt name in an import (`from systems import GB200_NVL27`) is no "did you mean" candidate for the
    right name used later (`rack = GB200_NVL72`): before, that use's help offered the misspelt name, itself an
    error, where the same use one statement up was told to import the right one from the stdlib.
    A sweep scenario whose multiplicity is refused (`-D nodes=[10,8]`, 2.5 racks) is not judged by the models'
    rules on the stand-in count the models ran it on: before, `over-committed` said "need 80, the site places 64"
    (nodes=8's racks) for nodes=10, which the run alone does not say; a genuine over-commitment of another scenario
    gave the numbers of the first failing scenario, refused or not.
    A latency limit a thousand times off (`estimate --tpot 40`: 40 s, meant 40 ms) is an `implausible-value`
    warning; before, the service was held to it without a word.
    A failed check and the diagnostic that reports it are one problem in `eval`'s table, report.md and report.html,
    as in `factory check`: a stdlib limit failed by a user's definition (shown at the user's block) and a rule's
    finding were counted twice ("4 errors" where check said 2).
    `estimate --emit-spec`'s doc line says how many accelerators it places ("on 100 accelerators of GB200_NVL72");
    before, "on 100 x GB200_NVL72", a hundred racks.
    A misspelt choice's help names the choice as typed, quoted (`did you mean `"fp4"`?`); before, `fp4`, which typed
    as shown is an unknown name.
    `eval --select` of a misspelt path (no glob in it) names the nearest quantity, as `explain` does.
    A workload that cannot run at its count and whose `accelerators_needed` has no value for a reason of its own (a
    deadline no count meets) says both in its `infeasible-workload` error; before, only the first.
    The report's power-plant basis names the AC chain's parts beside dc800's; an AC site read "(dc800: ...)".
    `optimize --minimize s.chat.usd_per_mtk` is told `s.chat.usd_per_mtok`; before, `usd_per_mtok`, which resolves to
    the site's figure, another quantity.
    "no parallel layout exists with tp = 16" is shown at the `tp = 16` the spec wrote, not at the workload's name.
    A workload that sets two of `system`, `rack` and `chip` runs on the first; the other is a `no-effect` warning
    (before, `rack = GB200_NVL72` beside `system = GB200_compute_tray` was ignored without a word).
"""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


# ----------------------------------------------------------------------------- a misspelt import

def test_a_misspelt_import_is_never_offered_as_the_name_meant(tmp_path: Path) -> None:
    spec = tmp_path / "s.factory"
    spec.write_text('from systems import GB200_NVL27\nfrom models import Llama3_1_70B\n\nsite dc {\n'
                    '  inference chat {\n    model = Llama3_1_70B\n    rack = GB200_NVL72\n  }\n}\n')
    result = _run("check", str(spec))
    assert result.exit_code == 1, result.output
    assert "did you mean `GB200_NVL72`?" in result.output            # at the import: the name it meant
    assert "did you mean `GB200_NVL27`" not in result.output         # never the misspelling itself
    use = result.output[result.output.index("7:12:"):]
    assert "add `from systems import GB200_NVL72`" in use.split("\n\n")[0], use


# ----------------------------------------------------------------------------- a rule in a scenario a count refuses

TRAINING = """from systems import DGX_H100
from models import Llama3_1_8B

param nodes = 8
param extra = 0

rack r {
  server n: DGX_H100 x 4
}

site lab {
  hall h {
    rack rr: r x nodes / 4
  }
  training run {
    model = Llama3_1_8B
    system = DGX_H100
    accelerators = nodes * 8 + extra
    tokens = 1 Gtok
    precision = "bf16"
  }
}
"""


def test_a_sweep_scenario_whose_count_is_refused_is_not_judged_by_the_rules_on_another_count(tmp_path: Path) -> None:
    """nodes=10 places 2.5 racks: its `invalid-count` error is the one finding there. The models run that scenario
    on the first valid scenario's count in its place (evaluate.check_count), so the site's `over-committed` rule
    compared nodes=10's need (80) with nodes=8's 64 placed, or nodes=4's 32, whichever came first, where the run
    alone (`-D nodes=10`) reports no over-commitment. A genuine over-commitment in a valid scenario is still said,
    with that scenario's numbers."""
    spec = tmp_path / "s.factory"
    spec.write_text(TRAINING)
    alone = _run("check", str(spec), "-D", "nodes=10")
    assert alone.exit_code == 1 and "invalid-count" in alone.output and "over-committed" not in alone.output
    for sweep in ("nodes=[10,8]", "nodes=[4,8,10]", "nodes=[8,10]"):
        result = _run("check", str(spec), "-D", sweep)
        assert result.exit_code == 1, result.output
        assert "invalid-count" in result.output and "over-committed" not in result.output, (sweep, result.output)
    result = _run("check", str(spec), "-D", "nodes=[10,8]", "-D", "extra=8")
    assert "error[over-committed]: the workloads of `lab` need 72 H100_SXM accelerators, but the site places 64 " \
           "(in 1 of 2 scenarios: nodes=8)" in result.output, result.output


# ----------------------------------------------------------------------------- a latency limit a thousand times off

def test_a_latency_limit_read_in_seconds_that_meant_milliseconds_is_a_warning() -> None:
    """`estimate --tpot 40` reads 40 s (seconds unless a unit is given) where a planner meant 40 ms: the service was
    held to a limit a thousand times looser, exit 0, without a word. Now an `implausible-value` warning at the
    limit (compiler/plausible.py, MLPerf's and the fastest published per-user rates); `--tpot 40ms` has none."""
    base = ["estimate", "inference", "--system", "DGX_H100", "--model", "Llama3_1_70B", "--ttft", "2"]
    slip = _run(*base, "--tpot", "40")
    assert slip.exit_code == 0, slip.output
    assert "warning[implausible-value]: `estimate.workload.tpot_limit` = 40,000 ms is more than 10 times beyond" \
           in slip.stderr, slip.stderr
    meant = _run(*base, "--tpot", "40ms")
    assert meant.exit_code == 0 and "implausible-value" not in meant.output, meant.output
    ttft = _run(*base[:-2], "--ttft", "2000", "--tpot", "40ms")
    assert "`estimate.workload.ttft_limit` = 2,000 s is more than 10 times beyond" in ttft.stderr, ttft.stderr


# ----------------------------------------------------------------------------- one failure, one problem

def _errors_said(text: str) -> int:
    import re
    found = re.search(r"(\d+) errors?", text)
    return int(found.group(1)) if found else 0


@pytest.mark.parametrize("text,args", [
    # a stdlib limit (DGX_H100's max_power) failed by a definition of the user's: shown at the user's block, its
    # stdlib line related; the failed check kept the stdlib line, so the two were not matched and counted twice
    ("from systems import DGX_H100\nfrom chips import H100_SXM\n\nserver big extends DGX_H100 {\n"
     "  chip gpu: H100_SXM x 16\n}\nsite s {\n  land_price = 0 USD\n  hall h {\n    rack r {\n"
     "      server n: big x 1\n    }\n  }\n}\n", ()),
    # a rule's finding (`over-committed`): its check carries the rule's name, the diagnostic the finding
    (TRAINING, ("-D", "extra=[0,8]")),
], ids=["stdlib-limit", "rule"])
def test_each_failure_is_one_problem_in_every_surface(tmp_path: Path, text: str, args: tuple) -> None:
    """`factory check` said 2 errors where `eval`'s table and the report said 4: a failed check and the diagnostic
    that reports it are one problem (view.problems), in every surface alike."""
    spec = tmp_path / "s.factory"
    spec.write_text(text)
    check = _run("check", str(spec), *args)
    assert check.exit_code == 1, check.output
    errors = _errors_said(check.output.splitlines()[-1])
    assert errors >= 1
    table = _run("eval", str(spec), *args, "--select", "nothing.matches")
    assert _errors_said(table.stderr) == errors, (check.output, table.stderr)
    assert "check failed:" not in table.stderr, table.stderr
    out = tmp_path / "out"
    _run("build", str(spec), *args, "-o", str(out))
    head = (out / "report.md").read_text().split("### Key figures")[0]
    assert _errors_said(head) == errors and "check failed:" not in head, head


# ----------------------------------------------------------------------------- estimate: what its spec says it places

@pytest.mark.parametrize("flags,said", [
    (("--system", "GB200_NVL72", "--count", "100"), "on 100 accelerators of GB200_NVL72"),
    (("--system", "DGX_H100", "--count", "12"), "on 12 accelerators of DGX_H100"),
    (("--system", "DGX_H100"), "on one DGX_H100"),
    (("--system", "H100_SXM"), "on 8 accelerators of H100_SXM"),
])
def test_the_estimates_spec_says_how_many_accelerators_it_places(flags: tuple, said: str) -> None:
    """`--count` counts accelerators: `--system GB200_NVL72 --count 100` places 100 GPUs in 2 racks, and the spec
    built said "on 100 x GB200_NVL72" (a hundred racks); a bare chip without --count said "on one x H100_SXM"
    where it places its 8-GPU domain."""
    result = _run("estimate", "inference", *flags, "--model", "Llama3_1_8B", "--emit-spec")
    assert result.exit_code == 0, result.output
    assert f"Llama3_1_8B {said} (generated;" in result.stdout.splitlines()[0], result.stdout


# ----------------------------------------------------------------------------- a choice's did-you-mean, as typed

@pytest.mark.parametrize("typed", ['"FP4"', '"fp44"'])
def test_a_misspelt_choices_suggestion_typed_as_shown_checks_clean(tmp_path: Path, typed: str) -> None:
    """`precision = "FP4"` was told "did you mean `fp4`?"; typed as shown, `precision = fp4` is an unknown name.
    The suggestion is the choice as written, quoted (as the editor's quick fix already replaced it)."""
    import re
    body = 'from systems import DGX_H100\nfrom models import Llama3_1_8B\n\nsite s {\n  land_price = 0 USD\n' \
           '  inference chat {\n    model = Llama3_1_8B\n    system = DGX_H100\n    precision = {}\n  }}\n}}\n'
    spec = tmp_path / "s.factory"
    spec.write_text(body.replace("{}", typed).replace("}}", "}"))
    result = _run("check", str(spec))
    assert result.exit_code == 1 and "error[invalid-value]" in result.output, result.output
    suggested = re.search(r"did you mean `([^`]+)`\?", result.output).group(1)
    assert suggested == '"fp4"', result.output
    spec.write_text(body.replace("{}", suggested).replace("}}", "}"))
    fixed = _run("check", str(spec))
    assert fixed.exit_code == 0 and "error" not in fixed.output, fixed.output


# ----------------------------------------------------------------------------- a misspelt --select

def test_a_misspelt_select_path_names_the_nearest_quantity(tmp_path: Path) -> None:
    """`eval --select s.tco_yr` printed "matches no quantity" and nothing else (`explain` of the same path says
    "did you mean `s.tco_year`?"); a pattern with a glob keeps the general help."""
    spec = tmp_path / "s.factory"
    spec.write_text("from systems import DGX_H100\nsite s {\n  land_price = 0 USD\n  hall h {\n    rack r {\n"
                    "      server n: DGX_H100 x 1\n    }\n  }\n}\n")
    result = _run("eval", str(spec), "--select", "s.tco_yr")
    assert result.exit_code == 0, result.output
    assert "--select `s.tco_yr` matches no quantity" in result.stderr
    assert "did you mean `s.tco_year`?" in result.stderr, result.stderr
    glob = _run("eval", str(spec), "--select", "s.zz*")
    assert "matches no quantity" in glob.stderr and "did you mean" not in glob.stderr, glob.stderr


# ----------------------------------------------------------------------------- two reasons, both said

def test_a_run_that_neither_fits_its_count_nor_meets_its_deadline_says_both() -> None:
    """`estimate training ... --deadline 1day` for Llama 3.1 405B on 15 Ttok: no count meets the day (the fastest
    takes 29 days), so the estimate holds one DGX H100, where the training state does not fit. The error said only
    that it does not fit, as if more chips would do; the deadline's reason is a note of the same error now."""
    result = _run("estimate", "training", "--system", "DGX_H100", "--model", "Llama3_1_405B", "--tokens", "15Ttok",
                  "--deadline", "1day")
    assert result.exit_code == 1, result.output
    error = result.stderr[result.stderr.index("error[infeasible-workload]"):]
    assert "cannot run: the training state does not fit" in error.splitlines()[0], error
    assert "note: `accelerators_needed` has no value either: no accelerator count up to" in error, error
    assert "within the deadline of 1 day" in error, error
    fits = _run("estimate", "training", "--system", "DGX_H100", "--model", "Llama3_1_405B", "--tokens", "15Ttok",
                "--deadline", "60day")
    assert "has no value either" not in fits.output, fits.output


# ----------------------------------------------------------------------------- the report's basis of an AC site

def test_an_ac_sites_power_plant_basis_names_its_own_chains_parts(tmp_path: Path) -> None:
    """The power plant's basis said "as the parts the chain runs (dc800: rectifiers and busways)" on every site,
    an AC one (the default) included; it names the AC chain's parts too."""
    spec = tmp_path / "s.factory"
    spec.write_text("from systems import DGX_H100\nsite s {\n  land_price = 0 USD\n  hall h {\n    rack r {\n"
                    "      server n: DGX_H100 x 1\n    }\n  }\n}\n")
    out = tmp_path / "out"
    assert _run("build", str(spec), "-o", str(out)).exit_code == 0
    report = (out / "report.md").read_text()
    assert "as the parts the chain runs \\(ac: UPS and PDUs; dc800: rectifiers and busways\\)" in report


# ----------------------------------------------------------------------------- optimize: a misspelt objective's path

def test_a_misspelt_objective_path_is_told_its_own_blocks_figure(tmp_path: Path) -> None:
    """`--minimize s.chat.usd_per_mtk` was told "did you mean `usd_per_mtok`?", which resolves to the shallowest
    match, the site's `s.usd_per_mtok`: another quantity, optimized without a word. The hint is the path's own."""
    spec = tmp_path / "s.factory"
    spec.write_text("from systems import DGX_H100\nfrom models import Llama3_1_8B\nparam n = 1\nsite s {\n"
                    "  land_price = 0 USD\n  hall h {\n    rack r {\n      server x: DGX_H100 x n\n    }\n  }\n"
                    "  inference chat {\n    model = Llama3_1_8B\n    system = DGX_H100\n  }\n}\n")
    result = _run("optimize", str(spec), "--minimize", "s.chat.usd_per_mtk", "--vary", "n=1..2")
    assert result.exit_code == 2, result.output
    assert "did you mean `s.chat.usd_per_mtok`?" in result.output, result.output
    bare = _run("optimize", str(spec), "--minimize", "usd_per_mtk", "--vary", "n=1..2")
    assert "did you mean `usd_per_mtok`?" in bare.output, bare.output


# ----------------------------------------------------------------------------- a fixed layout that cannot exist

@pytest.mark.parametrize("kind,extra", [("inference", ""), ("training", "    tokens = 1 Gtok\n")],
                         ids=["inference", "training"])
def test_a_layout_that_cannot_exist_is_shown_at_the_degree_the_spec_fixes(tmp_path: Path, kind: str,
                                                                          extra: str) -> None:
    """`tp = 16` on an 8-GPU DGX H100: "cannot run: no parallel layout exists with tp = 16" was shown at the
    workload's name; it is shown at the value the user wrote, as a reason naming one field's value ("`ep` = 3")
    already was."""
    spec = tmp_path / "s.factory"
    spec.write_text(f"from systems import DGX_H100\nfrom models import Llama3_1_8B\n\nsite s {{\n  land_price = 0 USD\n"
                    f"  {kind} w {{\n    model = Llama3_1_8B\n    system = DGX_H100\n{extra}    tp = 16\n  }}\n}}\n")
    result = _run("check", str(spec))
    assert result.exit_code == 1, result.output
    line = next(x for x in result.output.splitlines() if "error[infeasible-workload]" in x)
    assert "no parallel layout exists with tp = 16" in line, line
    tp_line = 10 if extra else 9
    assert line.startswith(f"{spec}:{tp_line}:10: "), line


# ----------------------------------------------------------------------------- a workload given two platforms

@pytest.mark.parametrize("kind,extra", [("inference", ""), ("training", "    tokens = 1 Gtok\n")],
                         ids=["inference", "training"])
def test_a_workload_given_a_system_and_a_rack_says_which_it_runs_on(tmp_path: Path, kind: str, extra: str) -> None:
    """`system = DGX_H100` beside `rack = GB200_NVL72`: the workload runs on the system (Platform reads `system`,
    else `rack`, else `chip`) and the rack changed nothing, without a word. Law: the figures are those of the spec
    without the ignored field, and a `no-effect` warning is at that field."""
    import json
    head = "from systems import DGX_H100, GB200_NVL72\nfrom models import Llama3_1_8B\n\nsite s {\n  land_price = 0 USD\n"
    body = f"  {kind} w {{\n    model = Llama3_1_8B\n    system = DGX_H100\n{extra}RACK  }}\n}}\n"
    both, alone = tmp_path / "both.factory", tmp_path / "alone.factory"
    both.write_text(head + body.replace("RACK", "    rack = GB200_NVL72\n"))
    alone.write_text(head + body.replace("RACK", ""))
    result = _run("check", str(both))
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if "warning[no-effect]" in x)
    assert line.startswith(f"{both}:{9 if not extra else 10}:12: warning[no-effect]: `s.w.rack` changes nothing here"), line
    assert "no-effect" not in _run("check", str(alone)).output
    a, b = (json.loads(_run("eval", str(p), "--format", "json", "--select", "s.w.*").stdout)["quantities"]
            for p in (both, alone))
    assert {k: v["values"] for k, v in a.items() if k != "s.w.rack"} == {k: v["values"] for k, v in b.items()}
