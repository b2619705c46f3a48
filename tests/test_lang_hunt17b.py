"""Session-17 language hunt, second part: the defects s17-hunt-lang found and left (one test per defect).

Each test states the law the defect broke: a message shows what the author wrote, bad input gets a clear
diagnostic at its span, and the editor's diagnostics are `factory check`'s for the same text."""
from __future__ import annotations

from pathlib import Path

from compiler.lsp.analysis import Analysis
from test_lang_hunt17 import _run, _write  # the language hunt's spec writer and CLI runner (tests/ is on the path)


# -- `-D` with another dimension names the parameter's unit as declared ----------------------------------------------
# `param price = 0.08 USD/kWh` set with `-D price=3kW` said "the parameter is price of energy (USD/J)": a unit the
# author never wrote (the SI one); the value's own side already showed `kW` as written.

def test_a_define_of_another_dimension_shows_the_declared_unit(tmp_path):
    spec = _write(tmp_path, "m.factory", "param price = 0.08 USD/kWh\nparam rate = [1 kW, 2 kW]\n"
                                         "param span = 1 h..3 h step 1 h\nlet a = price * rate * span\n")
    for define, said in (("price=3 kW", "price of energy (USD/kWh)"), ("rate=2 h", "power (kW)"),
                         ("span=1 kW", "time (h)")):
        result = _run("check", str(spec), "-D", define)
        assert result.exit_code == 2 and "error[unit-mismatch]" in result.output, result.output  # (a usage error)
        assert f"but the parameter is {said}" in result.output, (define, result.output)


# -- an assert's note leaves out a literal's value ---------------------------------------------------------------------
# `assert cap < 50` failing noted "`cap` = 100, `50` = 50": the literal printed against itself.

def test_an_assert_note_leaves_out_the_literal_operand(tmp_path):
    spec = _write(tmp_path, "m.factory", "let cap = 100\nassert cap < 50\nlet x = 3 kW\nassert x < 1 kW\n"
                                         "assert 2 kW > x\n")
    result = _run("eval", str(spec))
    assert result.exit_code == 1, result.output
    assert "note: `cap` = 100\n" in result.output, result.output
    assert "note: `x` = 3 kW\n" in result.output, result.output
    assert "`50` = 50" not in result.output and "`1 kW` = 1 kW" not in result.output
    assert "`2 kW` = " not in result.output


# -- an unknown escape in a string is a warning at the escape --------------------------------------------------------
# `"a\qb"` kept `\q` as written with no word (Python warns: "invalid escape sequence"); the author meant a `\n`, a
# `\t`, or a backslash (`\\`). The valid ones (\n \t \" \\) stay silent; the value keeps the text as written.

def test_an_unknown_escape_is_warned_at_its_span_with_the_valid_ones(tmp_path):
    text = 'let a = "x\\qy"\nlet ok = "tab\\t, nl\\n, quote\\", slash\\\\"\nassert 1 < 2, "odd \\d"\n'
    spec = _write(tmp_path, "m.factory", text)
    result = _run("check", str(spec))
    assert result.exit_code == 0, result.output
    assert f"{spec}:1:11: warning[invalid-escape]: `\\q` is not an escape" in result.output, result.output
    assert f"{spec}:3:20: warning[invalid-escape]: `\\d` is not an escape" in result.output, result.output
    assert ":2:" not in result.output
    assert "\\n \\t \\\" \\\\" in result.output.split("help:")[1], result.output
    editor = Analysis(text, str(spec), str(tmp_path))
    assert [(d.code, d.span.line, d.span.col) for d in editor.sink.items] == [("invalid-escape", 1, 11),
                                                                             ("invalid-escape", 3, 20)]
    values = _run("eval", str(spec), "--format", "json")
    assert '"message": "odd \\\\d"' in values.output, values.output   # the value keeps the text as written


# -- an underscore in a number goes between two digits ------------------------------------------------------------------
# `let c = 1_` and `let d = 1__0` checked clean (as 1 and 10): Python's rule, which docs/language.md's `1_000` follows,
# is one underscore between two digits; a trailing or doubled one is a slip (a digit lost?). Refused at the
# underscore with the number written right; `1_000` and `1_000.5_5 kW` stay valid, and `fmt` keeps them as written.

def test_an_underscore_in_a_number_goes_between_two_digits(tmp_path):
    for number, col, fixed in (("1_", 10, "`1`"), ("1__0", 10, "`1_0`"), ("2_.5", 10, "`2.5`"),
                               ("1_000_ kW", 14, "`1_000`"), ("3.1_", 12, "`3.1`")):
        text = f"let v = {number}\n"
        spec = _write(tmp_path, "m.factory", text)
        result = _run("check", str(spec))
        assert result.exit_code == 1, (number, result.output)
        assert f"{spec}:1:{col}: error[syntax-error]: an underscore in a number goes between two digits" \
            in result.output, (number, result.output)
        assert fixed in result.output.split("help:")[1], (number, result.output)
        editor = Analysis(text, str(spec), str(tmp_path))
        assert [(d.code, d.span.col) for d in editor.sink.items] == [("syntax-error", col)], number
    text = "let a = 1_000\nlet b = 1_000.5_5 kW\nparam c = [1_0, 2_0]\n"
    spec = _write(tmp_path, "ok.factory", text)
    assert _run("check", str(spec)).exit_code == 0
    result = _run("eval", str(spec), "--format", "json")
    assert '"values": [\n        1000.0' in result.output.replace("1000.0,", "1000.0") or "1000.0" in result.output
    assert _run("fmt", "--check", str(spec)).exit_code == 0, "fmt keeps valid underscores"
    assert spec.read_text() == text
    assert _run("check", str(spec), "-D", "c=1__0").exit_code != 0


# -- completion after `kind name:` and after `choice_field = ` while the text does not parse ---------------------------
# Opening a spec in the middle of `rack q: ` (no version of it parsed yet) offered nothing: the definitions of the
# kind are in the text, imported or written. `cooling = ` offered nothing (or, once a version parsed, every name and
# keyword, none a value the field takes): the field's choices (dsl/schema.py) are what may follow.

def test_completion_after_a_colon_reads_the_text_when_it_does_not_parse(tmp_path):
    from compiler.lsp.analysis import completions
    head = "from systems import DGX_H100\nrack r {\n  power_limit = 1 kW\n}\n"
    for text, wanted in ((head + "rack q: ", {"r"}), (head + "rack q extends ", {"r"}),
                         (head + "rack q {\n  server s: ", {"DGX_H100"})):
        typing = Analysis(text, str(tmp_path / "m.factory"), str(tmp_path))
        assert typing.module is None and typing.fallback is None
        found = completions(typing, len(text))
        # what the text writes or imports, first; then the stdlib's of the kind, each with its import (session 25)
        assert {c.label for c in found if c.import_line is None} == wanted, text
        assert max(c.sort for c in found if not c.import_line) < min(c.sort for c in found if c.import_line)
    # nothing of that kind written: the stdlib's, each with its import
    text = "rack q {\n  server s: "
    found = completions(Analysis(text, str(tmp_path / "m.factory"), str(tmp_path)), len(text))
    assert "DGX_H100" in {c.label for c in found} and all(c.import_line for c in found)


def test_completion_after_a_choice_field_offers_its_choices(tmp_path):
    from compiler.lsp.analysis import completions
    from dsl.schema import kind as kind_spec
    choices = kind_spec("rack").fields["cooling"].type.removeprefix("choice:").split("|")
    before = Analysis("rack r {\n  power_limit = 1 kW\n}\n", str(tmp_path / "m.factory"), str(tmp_path))
    text = "rack r {\n  power_limit = 1 kW\n  cooling = "
    for fallback in (None, before):
        typing = Analysis(text, str(tmp_path / "m.factory"), str(tmp_path))
        typing.fallback = fallback
        found = completions(typing, len(text))
        offered = [c for c in found if c.kind == "choice"]
        assert [c.insert for c in offered] == [f'"{c}"' for c in choices], found
        assert found[:len(choices)] == offered or all(c.sort < (d.sort or d.label) for c in offered
                                                      for d in found if d.kind != "choice")
    # a field that is no choice gets no choices
    text = "rack r {\n  power_limit = "
    assert not [c for c in completions(Analysis(text, str(tmp_path / "m.factory"), str(tmp_path)), len(text))
                if c.kind == "choice"]


# -- F2 on an import alias renames it in its file ------------------------------------------------------------------------
# `import chips as c`: renaming `c` (at the alias or at a use, `c.H100_SXM`) was refused with "`c` names a module:
# rename its file", though `c` is this file's name, not the module's. Now the alias and every use of it in the file
# are renamed, with the rename's law: the renamed file checks with the diagnostics it had. `chips` of `import chips`
# (no alias) still names the module and is refused; a file that reads the alias from this one refuses it.

def test_rename_of_an_import_alias_renames_it_and_its_uses_in_the_file(tmp_path):
    from compiler.lsp import workspace
    from compiler.lsp.analysis import RenameRefused, rename_edits, rename_range
    import pytest
    text = ("import chips as c\nserver s {\n  chip g: c.H100_SXM x 8\n  let d = c.H100_SXM.tdp\n}\n"
            "let t = c.H100_SXM.tdp * 2\n")
    spec = _write(tmp_path, "m.factory", text)
    analysis = Analysis(text, str(spec), str(tmp_path))
    uses = [i for i in range(len(text)) if text.startswith("c", i) and not text[i - 1].isalnum()
            and text[i + 1] in " .\n" and text[i - 1] in " "]
    assert len(uses) == 4                                   # the alias, the base, two expressions
    for at in uses:
        assert rename_range(analysis, at)[1] == "c"
        assert workspace.rename_target(analysis, at, str(tmp_path))[1] == "c"
        for edits in (rename_edits(analysis, at, "cp"),
                      workspace.rename(analysis, at, "cp", str(tmp_path))[str(spec.resolve())][1]):
            renamed = text
            for span, new in sorted(edits, key=lambda e: -e[0].start):
                renamed = renamed[:span.start] + new + renamed[span.end:]
            assert renamed == text.replace("c.", "cp.").replace("as c\n", "as cp\n"), renamed
    after = Analysis(renamed, str(spec), str(tmp_path))
    assert [d.code for d in after.sink.items] == [d.code for d in analysis.sink.items] == []
    # a new name that clashes is refused with the reason; a keyword is no name
    with pytest.raises(RenameRefused, match="duplicate-definition"):
        rename_edits(analysis, uses[0], "t")
    with pytest.raises(RenameRefused, match="not a name"):
        workspace.rename(analysis, uses[0], "let", str(tmp_path))
    # the module's own name is still refused, alias or none
    for written in ("import chips as c\nlet t = c.H100_SXM.tdp\n", "import chips\nlet t = chips.H100_SXM.tdp\n"):
        a = Analysis(written, str(spec), str(tmp_path))
        for at in (written.index("chips") + 1, written.index("= ") + 3):
            if written[at - 1:at + 1] == "c." and "as c" in written:
                continue
            with pytest.raises(RenameRefused, match="names a module"):
                workspace.rename_target(a, at, str(tmp_path))
    # a file that reads the alias from this one: renamed there too (session 18, tests/test_editor_hunt18.py; it was
    # refused), and refused, with where, when the new name clashes there
    _write(tmp_path, "v.factory", 'from "./m.factory" import c\nlet u = c.H100_SXM.tdp\n')
    edits = workspace.rename(analysis, uses[0], "cp", str(tmp_path))
    assert sorted(Path(p).name for p in edits) == ["m.factory", "v.factory"]
    _write(tmp_path, "v.factory", 'from "./m.factory" import c\nlet u = c.H100_SXM.tdp\nlet cp = 1\n')
    with pytest.raises(RenameRefused, match="v.factory"):
        workspace.rename(analysis, uses[0], "cp", str(tmp_path))
