"""The documentation stays true to the tool (README.md and every docs/*.md, generated ones included).

* Every ```factory snippet is in `factory fmt`'s layout and checks and evaluates with no error (the README's with
  no diagnostic at all). Its info string may say otherwise: ```factory error CODE... shows a mistake (each CODE
  must appear, and no error of another code), ```factory fragment is a piece of a spec that names files it does
  not hold (it must parse).
* Every `factory COMMAND ... --option` the docs write (inline code and code blocks) names a command of the CLI and
  options that command takes; a `--option a|b|c` list names choices the option accepts; `--with NAME` /
  `--without NAME` of `factory validate` a mechanism of compiler/validate.py's MECHANISM_TABLE. The same for
  `bench/NAME.py --option`, `python3 -m MODULE` and the commands of .pre-commit-hooks.yaml.
* The README Quickstart's flagship figures and outputs, and docs/graph.md's excerpt of a golden graph, are what the
  tool gives.
"""
from __future__ import annotations

import functools
import re
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]

FENCE = re.compile(r"^(```+|~~~+)([^\n`]*)\n(.*?)^\1[ \t]*$", re.M | re.S)
INLINE = re.compile(r"(`+)(?!`)(.+?)(?<!`)\1(?!`)", re.S)
COMMAND = re.compile(r"(?<![\w./=-])factory (\w+)")
LONG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)")
SHORT = re.compile(r"(?<![\w-])(-[a-zA-Z])(?![\w-])")
CHOICES = re.compile(r"(--[a-z][a-z0-9-]*)[ =]\[?([a-z0-9_]+(?:\\?\|[a-z0-9_]+)+)")
MECHANISM = re.compile(r"--with(?:out)? ([a-z][a-z0-9_]*)\b")
ALWAYS = {"--help", "-h"}                        # click's own, on every command


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def snippets():
    """(doc, line, info string, text) of every ```factory block."""
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            info = m.group(2).strip().split()
            if info and info[0] == "factory":
                yield pytest.param(doc, _line(text, m.start()), info[1:], m.group(3),
                                   id=f"{doc.name}:{_line(text, m.start())}")


def code_segments() -> tuple[tuple[Path, int, str], ...]:
    """(doc, line, text) of each piece of code the docs write: an inline code span, or one line of a code block
    (outside ```factory blocks, whose words are the language's); read once per set of docs (accuracy.md is long)."""
    return _segments_of(tuple(DOCS))


@functools.lru_cache(maxsize=2)
def _segments_of(docs: tuple[Path, ...]) -> tuple[tuple[Path, int, str], ...]:
    return tuple(_code_segments(docs))


def _code_segments(docs):
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        fenced = []
        for m in FENCE.finditer(text):
            fenced.append((m.start(), m.end()))
            if m.group(2).strip().startswith("factory"):
                continue
            first = _line(text, m.start(3))
            for i, line in enumerate(m.group(3).split("\n")):
                yield doc, first + i, line
        prose, last = [], 0
        for start, end in fenced:
            prose.append((last, text[last:start]))
            last = end
        prose.append((last, text[last:]))
        for base, part in prose:
            for m in INLINE.finditer(part):
                yield doc, _line(text, base + m.start()), m.group(2)
        # an indented code block (four spaces) is code too
        for m in re.finditer(r"^(?: {4}|\t)(.*factory .*)$", text, re.M):
            yield doc, _line(text, m.start()), m.group(1)


def mentions():
    """(doc, line, command, the text after it up to the next command) for every `factory COMMAND` in code."""
    for doc, line, code in code_segments():
        found = list(COMMAND.finditer(code))
        for i, m in enumerate(found):
            end = found[i + 1].start() if i + 1 < len(found) else len(code)
            yield doc, line, m.group(1), code[m.end():end]


def _commands() -> dict[str, click.Command]:
    """The CLI's commands by name, the lazily imported ones (optimize) included."""
    from compiler.cli import main
    ctx = click.Context(main)
    return {name: main.get_command(ctx, name) for name in main.list_commands(ctx)}


@pytest.mark.parametrize(("doc", "line", "info", "text"), list(snippets()))
def test_factory_snippets_check(doc: Path, line: int, info: list[str], text: str) -> None:
    where = f"{doc.relative_to(ROOT)}:{line}"
    from dsl.format import format_text
    formatted = format_text(text)
    assert not formatted.changed, f"{where}: not in `factory fmt`'s layout:\n{formatted.text}"
    if info and info[0] == "fragment":
        from dsl.diagnostics import Sink
        from dsl.parser import parse
        from dsl.source import Source
        sink = Sink()
        parse(Source(where, text), sink)
        assert not sink.items, f"{where}: the fragment does not parse: {[d.message for d in sink.items]}"
        return
    from compiler import evaluate_text
    results, sink = evaluate_text(text, f"{doc.stem}_{line}.factory")
    errors = sorted({d.code for d in sink.errors})
    if info and info[0] == "error":
        expected = info[1:]
        assert expected, f"{where}: ```factory error names no diagnostic code"
        codes = {d.code for d in sink.items}
        assert set(expected) <= codes, f"{where}: expected {expected}, got {sorted(codes)}"
        assert set(errors) <= set(expected), f"{where}: errors beyond those stated: {errors}"
        return
    assert not info, f"{where}: unknown info string ```factory {' '.join(info)}"
    assert results is not None and not errors, \
        f"{where}: the snippet has errors: {[f'{d.code}: {d.message}' for d in sink.errors]}"
    if doc.name == "README.md":     # a reader's first spec: `factory check` says "no problems"
        assert not sink.items, f"{where}: {[f'{d.code}: {d.message}' for d in sink.items]}"


def test_snippets_are_found() -> None:
    """The README's short spec and language.md's examples are among them (the extraction works)."""
    names = {p.values[0].name for p in snippets()}
    assert {"README.md", "language.md"} <= names


def test_every_documented_command_and_option_exists() -> None:
    from compiler.validate import MECHANISM_TABLE
    commands = _commands()
    wrong, seen = [], 0
    for doc, line, name, rest in mentions():
        where = f"{doc.relative_to(ROOT)}:{line}"
        command = commands.get(name)
        if command is None:
            wrong.append(f"{where}: `factory {name}` is not a command (commands: {', '.join(commands)})")
            continue
        seen += 1
        params = {o: p for p in command.params for o in (*p.opts, *p.secondary_opts)}
        for opt in LONG.findall(rest) + SHORT.findall(rest):
            if opt not in params and opt not in ALWAYS:
                wrong.append(f"{where}: `factory {name}` has no option {opt}")
        for opt, values in CHOICES.findall(rest):
            param = params.get(opt)
            if param is not None and isinstance(param.type, click.Choice):
                for value in re.split(r"\\?\|", values):
                    if value not in param.type.choices:
                        wrong.append(f"{where}: `factory {name} {opt}` takes no `{value}` "
                                     f"(choices: {', '.join(param.type.choices)})")
        if name == "validate":
            for mechanism in MECHANISM.findall(rest):
                if mechanism not in MECHANISM_TABLE:
                    wrong.append(f"{where}: `--with {mechanism}`: no such mechanism in compiler/validate.py")
    assert seen > 50, f"only {seen} mentions of factory commands found: the extraction is broken"
    assert not wrong, "\n".join(wrong)


def test_pre_commit_hooks_run_real_commands() -> None:
    """Each hook of .pre-commit-hooks.yaml (docs/ci.md) runs a factory command with options it has."""
    commands = _commands()
    entries = re.findall(r"^\s*entry:\s*(.+)$", (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"), re.M)
    assert {"factory check", "factory fmt --check"} <= set(entries)
    for entry in entries:
        name, *options = entry.split()[1:]
        params = {o for p in commands[name].params for o in p.opts}
        assert set(options) <= params, entry


def test_graph_doc_excerpt_is_the_golden() -> None:
    """docs/graph.md's text excerpt of `factory graph check/clean.factory` is made of the golden's own lines, in
    order, and its JSON counts are the golden's header."""
    doc = (ROOT / "docs" / "graph.md").read_text(encoding="utf-8")
    golden = (ROOT / "tests" / "cases" / "lower" / "check" / "clean.graph").read_text(encoding="utf-8").splitlines()
    excerpt = next(m.group(3) for m in FENCE.finditer(doc) if m.group(3).startswith("# check/clean.factory:"))
    at = 0
    for line in excerpt.splitlines():
        if line.strip() == "...":
            continue
        assert line in golden[at:], f"docs/graph.md: `{line}` is not in clean.graph (after line {at})"
        at = golden.index(line, at) + 1
    nodes, edges = re.search(r"(\d+) nodes, (\d+) static edges", golden[1]).groups()
    assert f'"counts": {{"nodes": {nodes}, "edges": {edges},' in doc


def test_every_documented_python_module_exists() -> None:
    """`python3 -m NAME` in the docs (dsl.docs, compiler.catalogue, dsl.gen_standalone, ...) names a module that
    exists."""
    import importlib.util
    wrong = []
    for doc, line, code in code_segments():
        for name in re.findall(r"python3? -m ([A-Za-z_][\w.]*)", code):
            if importlib.util.find_spec(name.split(".")[0]) is None or importlib.util.find_spec(name) is None:
                wrong.append(f"{doc.relative_to(ROOT)}:{line}: python3 -m {name}: no such module")
    assert not wrong, "\n".join(wrong)


def test_every_documented_dotted_name_exists() -> None:
    """A dotted name the docs give in code (`compiler.lower.LazyNodes`, `compiler.models.cost.it_capital_recovery`,
    `dsl.Session`, ...) is a module or an attribute of one."""
    import importlib
    wrong, seen = [], 0
    for doc, line, code in code_segments():
        name = code.strip()
        if not re.fullmatch(r"(?:compiler|dsl)(?:\.\w+)+", name):
            continue
        seen += 1
        parts = name.split(".")
        for i in range(len(parts), 0, -1):
            try:
                obj = importlib.import_module(".".join(parts[:i]))
            except ImportError:
                continue
            try:
                for attribute in parts[i:]:
                    obj = getattr(obj, attribute)
            except AttributeError:
                wrong.append(f"{doc.relative_to(ROOT)}:{line}: `{name}` does not exist")
            break
    assert seen > 10 and not wrong, "\n".join(wrong)


def test_no_inline_code_runs_across_a_paragraph() -> None:
    """A backtick left open (or a code span with backticks inside it, which needs a double-backtick fence) makes
    the rest of a section render as code and the names in it escape the checks above: no inline code span may run
    over a blank line."""
    wrong = [f"{doc.relative_to(ROOT)}:{line}: `{code[:60]}...`" for doc, line, code in code_segments() if "\n\n" in code]
    assert not wrong, "\n".join(wrong)


BENCH = re.compile(r"(?<![\w/])(bench/\w+\.py)")


def test_every_documented_bench_option_exists() -> None:
    """`bench/NAME.py --option` in the docs: the script (or a bench module it imports) names the option."""
    wrong = []
    for doc, line, code in code_segments():
        found = list(BENCH.finditer(code))
        for i, m in enumerate(found):
            script = ROOT / m.group(1)
            rest = code[m.end():found[i + 1].start() if i + 1 < len(found) else len(code)]
            rest = rest.split("factory ")[0]
            if not script.exists():
                wrong.append(f"{doc.relative_to(ROOT)}:{line}: {m.group(1)} does not exist")
                continue
            source = script.read_text(encoding="utf-8")
            for helper in re.findall(r"^from bench import (\w+)", source, re.M):     # it may read sys.argv there
                source += (ROOT / "bench" / f"{helper}.py").read_text(encoding="utf-8")
            wrong += [f"{doc.relative_to(ROOT)}:{line}: {m.group(1)} has no option {opt}"
                      for opt in LONG.findall(rest) if f'"{opt}"' not in source and opt not in ALWAYS]
    assert not wrong, "\n".join(wrong)


def test_readme_quickstart_claims() -> None:
    """The README's Quickstart: the flagship it builds is the campus it says (accelerators and system, from the
    evaluated spec) and the outputs it lists are what `factory build` writes (its files and the diagram views)."""
    import numpy as np

    from compiler import evaluate_files
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    command = re.search(r"factory build (examples/\S+\.factory) -o (\S+?)[\s`]", text)
    claim = re.search(r"a ([\d,]+)-GPU (\w+) (NVL\d+) campus: `(\S+)/report\.html` \(one self-contained file\), "
                      r"`report\.md`, `results\.json` and (\w+) SVG diagrams \(([a-z, ]+)\)", text)
    assert command and claim, "the Quickstart's wording changed: update this test"
    assert claim.group(4) == command.group(2)
    spec = ROOT / command.group(1)
    results, sink = evaluate_files([str(spec)])
    assert results is not None and not sink.errors
    site = next(p for p in results.values if p.endswith(".accelerators") and p.count(".") == 1)
    assert float(np.ravel(results.values[site])[0]) == int(claim.group(1).replace(",", ""))
    assert f"{claim.group(2)}_{claim.group(3)}" in spec.read_text(encoding="utf-8")
    views = [v.strip() for v in re.split(r",|\band\b", claim.group(6)) if v.strip()]
    view = next(p for p in _commands()["diagram"].params if p.name == "view")
    assert views == list(view.type.choices) and claim.group(5) == "four" == ["one", "two", "three", "four"][len(views) - 1]
    from compiler.cli import build
    assert "report.html, report.md, results.json and four SVG diagrams" in build.help


def test_the_option_checks_catch_a_wrong_option() -> None:
    """The parsing above finds a misspelt option, a wrong choice and an unknown command (a law of the test)."""
    commands = _commands()
    code = "factory check a.factory --fromat json; factory diagram S --view physical|wiring; factory compile S"
    found = [(m.group(1), code[m.end():]) for m in COMMAND.finditer(code)]
    assert [name for name, _ in found] == ["check", "diagram", "compile"]
    assert "--fromat" in LONG.findall(found[0][1])
    assert "--fromat" not in {o for p in commands["check"].params for o in p.opts}
    assert ("--view", "physical|wiring") in CHOICES.findall(found[1][1])
    view = next(p for p in commands["diagram"].params if p.name == "view")
    assert "physical" in view.type.choices and "wiring" not in view.type.choices
    assert "compile" not in commands and "optimize" in commands
