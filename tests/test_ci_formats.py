"""`factory check --format sarif|github|json` and `factory check -` (compiler/ci_formats.py).

SARIF: the official 2.1.0 JSON schema is not shipped by any PyPI package (sarif-om holds only classes), and the
suite reaches no network, so the structure GitHub's code scanning and the spec require is checked by hand
below (spec sections 3.13 sarifLog, 3.14 run, 3.19 toolComponent, 3.27 result, 3.28 location, 3.30 region,
3.4 artifactLocation). Set FACTORY_SARIF_SCHEMA to a copy of sarif-schema-2.1.0.json to also validate against
it (done when this was written: valid)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.ci_formats import CheckReport, check_schema, escape_data, escape_property
from compiler.cli import main
from dsl.diagnostics import CODES

ROOT = Path(__file__).resolve().parents[1]
BAD = "param x = 1\nsite s { hall h { rack r x 2 { power_limit = 3 kw }\n  let a = 700 W + 80 GB } }\n"


def _check(args, input=None):
    return CliRunner().invoke(main, ["check", *args], input=input)


@pytest.fixture
def bad_spec(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "my specs"
    folder.mkdir()
    path = folder / "bad,one.factory"
    path.write_text(BAD)
    return path


def _sarif(args, code: int) -> dict:
    result = _check([*args, "--format", "sarif"])
    assert result.exit_code == code, result.output
    log = json.loads(result.output)
    schema_file = os.environ.get("FACTORY_SARIF_SCHEMA")
    if schema_file and Path(schema_file).is_file():
        import jsonschema
        schema = json.loads(Path(schema_file).read_text())
        jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker()).validate(log)
    return log


def test_sarif_has_the_structure_github_and_the_spec_require(bad_spec) -> None:
    log = _sarif(["my specs/bad,one.factory", "-D", "nope=3"], 2)     # a -D mistake is a usage error
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "factory"
    ids = [r["id"] for r in driver["rules"]]
    assert ids == sorted(CODES) and len(set(ids)) == len(ids)          # every registered code, once
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] == CODES[rule["id"]][1]
    base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert base == bad_spec.parent.parent.resolve().as_uri() + "/"
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"unknown-unit", "unit-mismatch", "unknown-parameter"}
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] == "error" and result["message"]["text"]
        assert len(result["locations"]) == 1
        loc = result["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": "my%20specs/bad%2Cone.factory", "uriBaseId": "%SRCROOT%"}
        assert loc["region"]["startLine"] >= 1
    # `3 kw`: line 2, `kw` starts at 1-based column 48 of "site s { hall h { rack r x 2 { power_limit = 3 kw }"
    line2 = BAD.splitlines()[1]
    assert line2.index("kw") + 1 == 48
    assert by_rule["unknown-unit"]["locations"][0]["physicalLocation"]["region"] == \
        {"startLine": 2, "startColumn": 48, "endLine": 2, "endColumn": 50}            # end column exclusive
    mismatch = by_rule["unit-mismatch"]
    assert mismatch["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 3
    # a -D mistake has no place in a spec: line 1 of the spec, the command-line place in the message
    assert by_rule["unknown-parameter"]["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert "-D nope" in by_rule["unknown-parameter"]["message"]["text"]


def test_sarif_is_deterministic_and_clean_spec_has_no_results(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    args = ["examples/enterprise_starter.factory", "--format", "sarif"]
    first, second = _check(args), _check(args)
    assert first.exit_code == 0 and first.output == second.output
    assert json.loads(first.output)["runs"][0]["results"] == []


def test_github_escaping_follows_the_runner() -> None:
    assert escape_data("100% a\r\nb: c, d") == "100%25 a%0D%0Ab: c, d"
    assert escape_property("100% a\r\nb: c, d") == "100%25 a%0D%0Ab%3A c%2C d"


def test_github_annotations(bad_spec) -> None:
    result = _check(["my specs/bad,one.factory", "--format", "github"])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert lines[0] == ("::error file=my specs/bad%2Cone.factory,line=2,col=48,endLine=2,endColumn=50,"
                        "title=factory error[unknown-unit]::unknown unit `kw`%0Ahelp: did you mean `kW`?")
    assert lines[1].startswith("::error file=my specs/bad%2Cone.factory,line=3,")
    assert "%0Anote: this operand at" in lines[1]


def test_check_json_follows_its_published_schema(bad_spec) -> None:
    import jsonschema

    published = (ROOT / "docs" / "diagnostics.schema.json").read_text()
    assert published == check_schema(), "run: python3 -m compiler.ci_formats > docs/diagnostics.schema.json"
    for args in (["my specs/bad,one.factory"], [str(ROOT / "examples" / "enterprise_starter.factory")]):
        out = _check([*args, "--format", "json"]).output
        jsonschema.validate(json.loads(out), json.loads(published))
        CheckReport.model_validate_json(out)


def test_stdin_is_checked(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "parts.factory").write_text("server box { max_power = 10 kW }\n")
    good = "from \"./parts.factory\" import box\nsite s { hall h { rack r x 2 { server n: box x 1 } } }\n"
    ok = _check(["-", "--stdin-name", "lib/main.factory"], input=good)
    assert ok.exit_code == 0, ok.output                       # imports resolve from the stdin name's folder
    bad = _check(["-", "--format", "github"], input=BAD)
    assert bad.exit_code == 1
    assert bad.stdout.startswith("::error file=<stdin>,line=2,col=48,")
    assert _check(["-", "x.factory"], input=good).exit_code == 2
    assert _check(["-"], input=b"\xff\xfe").exit_code == 2


def test_gitlab_code_quality_report(bad_spec) -> None:
    """GitLab shows code-quality findings on a merge request's diff from a Code Quality report (a JSON array of
    Code Climate issues: description, check_name, fingerprint, severity, location.path and location.lines.begin;
    https://docs.gitlab.com/ci/testing/code_quality/#code-quality-report-format). `check` had no such format, so a
    GitLab pipeline could not point at the spec's file:line. Laws: one issue per diagnostic, at the diagnostic's
    path (relative to the checkout) and lines; fingerprints unique and the same on every run; a clean spec is `[]`."""
    first = _check(["my specs/bad,one.factory", "--format", "gitlab"])
    assert first.exit_code == 1
    issues = json.loads(first.stdout)
    assert first.stdout == _check(["my specs/bad,one.factory", "--format", "gitlab"]).stdout
    assert len(issues) == 2 and len({i["fingerprint"] for i in issues}) == 2
    unit = issues[0]
    assert {k: unit[k] for k in ("type", "check_name", "severity", "location")} == {
        "type": "issue", "check_name": "unknown-unit", "severity": "critical",
        "location": {"path": "my specs/bad,one.factory", "lines": {"begin": 2, "end": 2}}}
    assert unit["description"].startswith("unknown unit `kw`") and "did you mean `kW`?" in unit["description"]
    assert issues[1]["check_name"] == "unit-mismatch" and issues[1]["location"]["lines"]["begin"] == 3
    assert all(len(i["fingerprint"]) == 32 for i in issues)          # GitLab's examples: an MD5 hex digest
    clean = _check([str(ROOT / "examples" / "enterprise_starter.factory"), "--format", "gitlab"])
    assert clean.exit_code == 0 and json.loads(clean.stdout) == []
