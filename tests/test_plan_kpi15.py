"""`factory plan` follow-ups of the session-15 CI review (s15-kpi): laws a reviewer relies on.

    tokens per joule, a key figure of the report, is a plan KPI: a power cap that moves it is a KPI change whose
    old, new and change are the two evaluations' figures, shown in every format (JSON, text, Markdown, GitHub),
    with the report's flag carried on the side computed from an input outside its published range, and a
    policy gate can hold it; the output is byte-identical across runs;
    a `-D` that one side does not declare names that side (and the other, which does) and says how to plan one
    side with the value (there is no one-sided -D: write it into that spec); a name neither declares is said once;
    in `--format github`, a flagged figure's warning is at the line of the input it is computed from (the new
    spec's; the old one's only when that is a file, never `PATH@REF` with `--base-ref`), and a violated policy
    gate's error at its key's line in the policy file.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main

from test_plan_ci15 import SERVICE   # tests/ is on the path: the same 8-GPU chat service

CAP = "accelerators = 8\n    power_cap = {}"


@pytest.fixture(scope="module")
def specs(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("plan_kpi15")
    texts = {"a": SERVICE,
             # a 450 W cap on a 700 W H100: lower clocks, fewer tokens/s, more tokens per joule
             "cap": SERVICE.replace("accelerators = 8", CAP.format("450 W")),
             # 450 kW, a unit slip: no effect (above the TDP) but an implausible-value warning flags its figures
             "slip": SERVICE.replace("accelerators = 8", CAP.format("450 kW"))}
    out = {}
    for name, text in texts.items():
        out[name] = folder / f"{name}.factory"
        out[name].write_text(text)
    return out


def _run(*args: str):
    return CliRunner().invoke(main, [*map(str, args)])


def _evals(path: Path) -> dict[str, float]:
    quantities = json.loads(_run("eval", path, "--format", "json").stdout)["quantities"]
    return {p: q["values"][0] for p, q in quantities.items()}


def test_tokens_per_joule_is_a_kpi_equal_to_the_two_evaluations(specs, tmp_path) -> None:
    from compiler.plan import render_markdown, render_text

    (tmp_path / "policy.toml").write_text("[tokens_per_joule]\nmax_increase = \"1%\"\n")
    runs = [_run("plan", specs["a"], specs["cap"], "--format", "json", "--policy", tmp_path / "policy.toml")
            for _ in range(2)]
    assert runs[0].exit_code == 4, runs[0].output                # +1.1% > 1%: the gate holds the change (since 2026-12-07; +1.2% at Hopper 0.81, +1.1% at 0.82)
    assert runs[0].stdout == runs[1].stdout                       # byte-identical across runs
    doc = json.loads(runs[0].stdout)
    kpis = {k["path"]: k for k in doc["kpis"]}
    old_all, new_all = _evals(specs["a"]), _evals(specs["cap"])
    for path, kpi in kpis.items():          # every KPI, changed or not: the two evaluations' figures
        assert (kpi["old"], kpi["new"]) == (old_all[path], new_all[path]), path
        assert kpi["change"] == new_all[path] - old_all[path], path
    old, new = ({p: v for p, v in d.items() if p.endswith(".tokens_per_joule")} for d in (old_all, new_all))
    assert set(old) == set(new) == {"lab.chat.tokens_per_joule", "lab.tokens_per_joule"}
    for path in old:
        assert new[path] > old[path]                              # a cap below the TDP: more tokens per joule
        kpi = kpis[path]
        assert (kpi["old"], kpi["new"], kpi["changed"]) == (old[path], new[path], True)
        assert kpi["change"] == new[path] - old[path]
        assert kpi["relative_change"] == (new[path] - old[path]) / abs(old[path])
        assert kpi["label"] == "tokens per joule" and kpi["unit"] == "tok/J"
    assert {g["path"] for g in doc["policy"] if not g["ok"]} == set(old)
    # shown where the other KPIs are (the GitHub format lists flagged KPIs only: the next test)
    assert "lab.chat.tokens_per_joule  0.7597 tok/J -> 0.7678 tok/J  (+0.008181 tok/J, +1.1%)" in render_text(doc)
    assert "| tokens per joule | `lab.chat` | 0.7597 tok/J | 0.7678 tok/J | +0.008181 tok/J (+1.1%) |" in \
        render_markdown(doc)


def test_tokens_per_joule_carries_the_flag_of_its_side(specs) -> None:
    from compiler.plan import render_github, render_markdown, render_text

    result = _run("plan", specs["slip"], specs["cap"], "--format", "json")
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    kpi = next(k for k in doc["kpis"] if k["path"] == "lab.chat.tokens_per_joule")
    assert "outside its published range" in kpi["old_flagged"] and kpi["new_flagged"] is None
    for render, key, mark in ((render_text, "lab.chat.tokens_per_joule", "⚠ before: "),
                              (render_markdown, "| tokens per joule | `lab.chat` | 0.7597 tok/J (", "⚠ "),
                              (render_github, "lab.chat.tokens_per_joule: 0.7597 tok/J -> 0.7678 tok/J", "⚠ before: ")):
        out = render(doc)
        line = next(x for x in out.splitlines() if key in x)
        assert mark + kpi["old_flagged"] in line, (render.__name__, line)


RACKS = "param n = 2\nserver box { max_power = 10 kW\n  price = 1000 USD }\nsite s {\n  hall h { rack r x n { server b: box x 4 } }\n}\n"


def test_a_define_one_side_lacks_names_that_side_and_says_how_to_set_one_side(tmp_path) -> None:
    (tmp_path / "old.factory").write_text(RACKS)
    (tmp_path / "new.factory").write_text(RACKS.replace("param n = 2", "param n = 2\nparam m = 4")
                                          .replace("box x 4", "box x m"))
    old, new = str(tmp_path / "old.factory"), str(tmp_path / "new.factory")
    forward = _run("plan", old, new, "-D", "m=5")
    assert forward.exit_code == 2, forward.output
    # the old spec lacks it, the new one has it; -D sets both sides, and no option sets one side only
    assert f"`-D m` names no parameter of the old spec ({old}); the new spec ({new}) declares it" in forward.stderr
    assert "no option sets a parameter on one side only" in forward.stderr, forward.stderr
    assert "write its value into the new spec (`param m = 5`)" in forward.stderr, forward.stderr
    back = _run("plan", new, old, "-D", "m=5")
    assert back.exit_code == 2, back.output
    assert f"`-D m` names no parameter of the new spec ({old}); the old spec ({new}) declares it" in back.stderr
    assert "write its value into the old spec (`param m = 5`)" in back.stderr, back.stderr
    neither = _run("plan", old, new, "-D", "k=5")
    assert neither.exit_code == 2 and "`-D k` names no parameter of either spec" in neither.stderr, neither.stderr
    assert neither.stderr.count("error[unknown-parameter]") == 1          # said once, not once a side



def test_a_flagged_figure_annotation_points_at_the_input_it_is_computed_from(specs) -> None:
    # the flagged input, 450 kW, is on line 10 of the new spec, column 17 (`    power_cap = 450 kW`)
    assert SERVICE.replace("accelerators = 8", CAP.format("450 kW")).splitlines()[9] == "    power_cap = 450 kW"
    result = _run("plan", specs["cap"], specs["slip"], "--format", "github")
    assert result.exit_code == 3, result.output
    doc = json.loads(_run("plan", specs["cap"], specs["slip"], "--format", "json").stdout)
    kpi = next(k for k in doc["kpis"] if k["path"] == "lab.chat.tokens_per_joule")
    assert kpi["new_flagged_location"] == {"file": str(specs["slip"]), "line": 10, "col": 17}
    assert kpi["old_flagged_location"] is None
    flagged = [x for x in result.stdout.splitlines() if "flagged figure" in x]
    assert flagged and all(x.startswith(f"::warning file={specs['slip']},line=10,col=17,title=") for x in flagged), \
        flagged
    # the flag on the old side (the change fixed the input): at the old spec's line
    back = _run("plan", specs["slip"], specs["cap"], "--format", "github").stdout
    flagged = [x for x in back.splitlines() if "flagged figure" in x]
    assert flagged and all(x.startswith(f"::warning file={specs['slip']},line=10,col=17,title=") for x in flagged), \
        flagged


def test_a_policy_annotation_points_at_its_gate_in_the_policy_file(specs, tmp_path) -> None:
    policy = tmp_path / "policy.toml"
    policy.write_text("# the energy team's gates\n[pue]\nmax = 2\n\n[lab.chat.tokens_per_s]\n  max_increase = \"1%\"\n"
                      "[\"lab.tokens_per_s\"]\nmax_increase = 0.5e3\n")
    result = _run("plan", specs["cap"], specs["slip"], "--format", "github", "--policy", policy)
    assert result.exit_code == 4, result.output                   # the cap lifted: tokens/s rose 14%
    gates = [x for x in result.stdout.splitlines() if "factory plan%3A policy" in x]
    # `  max_increase` on line 6, column 3, under [lab.chat.tokens_per_s]; the quoted table's on line 8
    assert sorted(x.split(",title=")[0] for x in gates) == [f"::error file={policy},line=6,col=3",
                                                             f"::error file={policy},line=8,col=1"], gates
    doc = json.loads(_run("plan", specs["cap"], specs["slip"], "--format", "json", "--policy", policy).stdout)
    assert {g["path"]: g["location"]["line"] for g in doc["policy"]} == {"lab.chat.tokens_per_s": 6,
                                                                         "lab.tokens_per_s": 8, "pue": 3}


def test_with_base_ref_an_old_side_flag_is_at_path_at_ref_and_annotates_no_file(specs, tmp_path, monkeypatch) -> None:
    import subprocess

    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    (repo / "specs" / "s.factory").write_text(specs["slip"].read_text())
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "base"], check=True)
    (repo / "specs" / "s.factory").write_text(specs["cap"].read_text())     # the fix: 450 kW -> 450 W
    monkeypatch.chdir(repo)
    from compiler.plan import render_github

    result = _run("plan", "specs/s.factory", "--base-ref", "HEAD", "--format", "json")
    assert result.exit_code == 3, result.output
    doc = json.loads(result.stdout)
    kpi = next(k for k in doc["kpis"] if k["path"] == "lab.chat.tokens_per_joule")
    assert kpi["old_flagged_location"] == {"file": "specs/s.factory@HEAD", "line": 10, "col": 17}
    flagged = [x for x in render_github(doc).splitlines() if "flagged figure" in x]
    # the head's line 10 holds the fixed text: no annotation there, and PATH@REF is no file of the checkout; at the
    # head spec's first line (an annotation without a file is never shown on the pull request's files)
    assert flagged and all(x.startswith("::warning file=specs/s.factory,line=1,col=1,title=") for x in flagged), \
        flagged


def test_a_cost_total_warning_is_at_the_flagged_input_of_its_site(tmp_path) -> None:
    starter = (Path(__file__).resolve().parents[1] / "examples" / "enterprise_starter.factory").read_text()
    (tmp_path / "a.factory").write_text(starter)
    (tmp_path / "b.factory").write_text(starter.replace("0.12 USD/kWh", "80 USD/kWh"))   # a unit slip
    result = _run("plan", tmp_path / "a.factory", tmp_path / "b.factory", "--format", "json")
    from compiler.plan import render_github

    doc = json.loads(result.stdout)
    where = next(k for k in doc["kpis"] if k["path"] == "headquarters.opex")["new_flagged_location"]
    assert where["file"] == str(tmp_path / "b.factory")
    (total,) = [x for x in render_github(doc).splitlines() if "opex of headquarters" in x]
    # the site's opex total counts the flagged energy row: at the line of the input the flag comes from
    assert total.startswith(f"::warning file={where['file']},line={where['line']},col={where['col']},title="), total
