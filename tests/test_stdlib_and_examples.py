"""Every stdlib module and every example checks clean, and every stdlib figure carries its source."""
from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import dsl
from compiler.cli import main
from dsl import nodes as n

ROOT = Path(__file__).resolve().parents[1]
STDLIB = sorted((ROOT / "stdlib").glob("*.factory"))
EXAMPLES = sorted((ROOT / "examples").glob("*.factory"))


def test_there_is_something_to_check() -> None:
    assert STDLIB, "stdlib/ has no .factory modules"
    assert EXAMPLES, "examples/ has no .factory specs"


@pytest.mark.parametrize("path", STDLIB + EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_checks_clean(path: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["check", str(path.relative_to(ROOT))])
    assert result.exit_code == 0, result.output


def _numeric_literals(expr) -> bool:
    if isinstance(expr, (n.Number, n.Quantity)):
        return True
    return any(_numeric_literals(child) for child in vars(expr).values()
               if isinstance(child, (n.Number, n.Quantity, n.Arith, n.Unary, n.Power, n.Call, n.IfExpr)))


def _figures(statements):
    for stmt in statements:
        if isinstance(stmt, (n.Field, n.Let)) and _numeric_literals(stmt.value):
            yield stmt
        if isinstance(stmt, n.Block):
            yield from _figures(stmt.body)


# A figure's comment names where it comes from: a public document (title, URL, paper, vendor page) with its
# date, a year at least (an undated web page carries the year it was read), and a confidence tag: [P] primary,
# [S] secondary, [U] unverified or estimated, [D] derived by the arithmetic shown. A line saying "same" takes
# the source (and date) of the nearest comment above it in the same block that cites one. An estimate or a
# derivation cites nothing but says how it was made. Nothing cites the project's working notes, which do not
# ship with it. The H100 measurement ships as reference/h100_microbench.md and is cited by that path.
UNSHIPPED = ("specs.md", "seed_claims.md", "/work/", "design brief", "specs brief")
MICROBENCH = "reference/h100_microbench.md"
_TAG = re.compile(r"\[[PSUD](?:/[PSUD])?\]")
_CITES = re.compile(r"\[[PS][/\]]|\[[UD]/[PS]\]")
# a year (1950-2039), not a quantity (1979 TFLOP/s, 2039 GB/s, 2048) nor part of a number (2,048; arXiv 2005.14165)
_YEAR = re.compile(r"(?<![\d.,])(?:19[5-9]\d|20[0-3]\d)(?![.,]?\d)(?!\s?(?:[kMGTP]?(?:W|B|b|FLOP|TOP|Hz)|tok|x\b))")
_SAME = re.compile(r"\bsame\b")
_REPO_PATH = re.compile(r"(?<![\w./-])(?:reference|stdlib|compiler|docs|examples|tests|dsl|bench|grammar)/[\w./-]*\w")


def _trailing_comment(line: str) -> str | None:
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == "#" and not quoted:
            return line[i + 1:].strip()
    return None


def _dated_comments(path: Path) -> dict[int, bool]:
    """Line -> whether that line's comment carries a date, itself or through "same" from the source above."""
    dated: dict[int, bool] = {}
    above = False
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.lstrip().startswith("}"):
            above = False
        comment = _trailing_comment(line)
        if comment is not None:
            dated[number] = bool(_YEAR.search(comment)) or (bool(_SAME.search(comment)) and above)
            if _CITES.search(comment):
                above = dated[number]
    return dated


def citation_problems(comment: str | None, dated: bool) -> list[str]:
    """What is wrong with one figure's source comment (empty when nothing is)."""
    if not comment:
        return ["no source comment"]
    problems = [f"cites {name!r}, which does not ship with the project" for name in UNSHIPPED if name in comment]
    problems += [f"cites {path}, which is not in the repository" for path in _REPO_PATH.findall(comment)
                 if not (ROOT / path).exists()]
    if not _TAG.search(comment):
        problems.append("no confidence tag ([P], [S], [U] or [D])")
    elif _CITES.search(comment):
        if not dated:
            problems.append("names a source without its date (a year at least)")
    elif len(re.findall(r"[A-Za-z]{2,}", _TAG.sub("", comment))) < 2:
        problems.append("an estimate or derivation that does not say how it was made")
    return problems


@pytest.mark.parametrize("comment, dated, expected", [
    ("dense. docs.cloud.google.com/tpu/docs/v5e (read 2026) [P]", True, []),
    ("dense. same [S]", True, []),
    ("HBM3e. many secondaries via specs.md table A [S]", False,
     ["cites 'specs.md', which does not ship with the project", "names a source without its date (a year at least)"]),
    ("13.2 kW with 2 of 6 PSUs spare. NVIDIA DGX H100 user guide", True, ["no confidence tag ([P], [S], [U] or [D])"]),
    ("[U]", False, ["an estimate or derivation that does not say how it was made"]),
    ("estimate [U]", False, ["an estimate or derivation that does not say how it was made"]),
    ("switchgear losses ~0.1% [U]", False, []),
    ("NOT PUBLISHED [U]: 2x the NVLink 5 tray for 2x the bandwidth", False, []),
    ("measured power, row in reference/no_such_file.csv [P], 2024", True,
     ["cites reference/no_such_file.csv, which is not in the repository"]),
    (None, False, ["no source comment"]),
])
def test_citation_rule(comment, dated, expected) -> None:
    assert citation_problems(comment, dated) == expected


@pytest.mark.parametrize("text, years", [
    ("Hot Chips 2024 slides", ["2024"]), ("(read 2026) [P]", ["2026"]), ("2024-08", ["2024"]),
    ("dense 1979 TFLOP/s", []), ("2039 GB/s", []), ("n_ctx 2,048", []), ("arXiv 2005.14165", []), ("2048 tok", []),
    ('"moe_intermediate_size": 2048, per expert', []),
])
def test_a_year_is_not_a_quantity(text, years) -> None:
    assert _YEAR.findall(text) == years


def test_same_takes_the_date_of_the_source_above_in_its_block(tmp_path: Path) -> None:
    spec = tmp_path / "parts.factory"
    spec.write_text(
        'chip A {\n'
        '  bf16 = 1 TFLOP/s   # vendor datasheet, 2024 [P]\n'
        '  tdp = 2 W          # NOT PUBLISHED [U]: half of a similar part\n'
        '  fp8 = 2 TFLOP/s    # same [P]\n'
        '}\n'
        'chip B {\n'
        '  bf16 = 1 TFLOP/s   # same [P]\n'
        '}\n')
    assert _dated_comments(spec) == {2: True, 3: False, 4: True, 7: False}


@pytest.mark.parametrize("path", STDLIB, ids=lambda p: p.name)
def test_every_stdlib_figure_cites_its_source(path: Path) -> None:
    checked, sink = dsl.check_files([str(path)])
    assert checked is not None
    module = checked.program.entries[0]
    dated = _dated_comments(path)
    problems = [f"{path.name}:{stmt.span.line} {stmt.name}: {problem}" for stmt in _figures(module.statements)
                for problem in citation_problems(stmt.comment, dated.get(stmt.span.line,
                                                                         dated.get(stmt.span.end_line, False)))]
    assert not problems, "figures without a proper source:\n" + "\n".join(problems)


def test_every_model_assumption_cites_its_source() -> None:
    """The defaults in compiler/models/ follow the same rule as stdlib figures (a source is dated by itself)."""
    import compiler.models
    from compiler.models.docs import _assumptions
    for module in pkgutil.iter_modules(compiler.models.__path__):
        importlib.import_module(f"compiler.models.{module.name}")  # _assumptions lists the loaded modules'
    problems = [f"{a.name}: {problem}" for a in _assumptions()
                for problem in citation_problems(a.source, bool(_YEAR.search(a.source)))]
    assert not problems, "assumptions without a proper source:\n" + "\n".join(problems)


SHIPPED_TEXT = sorted({*STDLIB, *EXAMPLES, ROOT / "README.md", *(ROOT / "docs").glob("*.md"),
                       *(ROOT / "reference").glob("*.md"), *(ROOT / "compiler").rglob("*.py"),
                       *(ROOT / "tests").glob("*.py")} - {Path(__file__).resolve()})


@pytest.mark.parametrize("path", SHIPPED_TEXT, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_shipped_cites_the_unshipped_notes(path: Path) -> None:
    text = path.read_text()
    cited = [f"{path.relative_to(ROOT)}:{number}: {name}" for number, line in enumerate(text.splitlines(), 1)
             for name in UNSHIPPED if name in line]
    assert not cited, "citations of files users do not have:\n" + "\n".join(cited)


def test_the_h100_measurement_ships_and_is_cited_by_its_path() -> None:
    """The H100 microbenchmark the models calibrate against is in the repository (reference/README.md gives its
    provenance), equal to the shared copy when that is present, and every mention of it in shipped text names
    that path (users do not have ../shared)."""
    assert (ROOT / MICROBENCH).exists()
    assert "h100_microbench.md" in (ROOT / "reference" / "README.md").read_text()
    shared = next((p / "shared" / MICROBENCH for p in ROOT.parents[:2] if (p / "shared" / MICROBENCH).exists()), None)
    if shared is not None:
        assert (ROOT / MICROBENCH).read_bytes() == shared.read_bytes()
    loose = []
    for path in SHIPPED_TEXT + sorted((ROOT / "stdlib").rglob("*.factory")):
        if path == ROOT / "reference" / "README.md":       # lists the files beside it by name
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            mentions = re.findall(r"[\w./-]*microbench\w*(?:\.md)?", line, re.I)
            loose += [f"{path.relative_to(ROOT)}:{number}: {m}" for m in mentions
                      if m != MICROBENCH and not m.endswith("/" + MICROBENCH)]
    assert not loose, "mentions of the H100 measurement that do not name " + MICROBENCH + ":\n" + "\n".join(loose)

