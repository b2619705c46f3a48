"""Names that two imports give: a clash of star imports is `ambiguous-name` where the name is used, a
name imported twice is `duplicate-import`; and every registered diagnostic code is emitted somewhere."""
from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

import dsl
from compiler.cli import main
from dsl.diagnostics import CODES

ROOT = Path(__file__).resolve().parents[1]


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _diags(sink):
    return [(d.code, d.span.line, d.span.col) for d in sink.items]


def test_a_name_from_two_star_imports_is_ambiguous_where_it_is_used(tmp_path):
    _write(tmp_path, "a.factory", "chip X {\n  tdp = 1 W\n}\nlet y = 2\nlet only_a = 1\n")
    _write(tmp_path, "b.factory", "chip X {\n  tdp = 2 W\n}\nlet y = 3\n")
    main_path = _write(tmp_path, "m.factory", 'from "./a.factory" import *\nfrom "./b.factory" import *\n'
                       "chip Z extends X {}\nserver s {\n  chip g: X x 2\n}\nlet q = y + only_a\n")
    checked, sink = dsl.check_files([str(main_path)])
    assert _diags(sink) == [("ambiguous-name", 3, 16), ("ambiguous-name", 5, 11), ("ambiguous-name", 7, 9)]
    assert 'from "./a.factory" import X' in sink.items[0].help
    result = CliRunner().invoke(main, ["check", str(main_path)])
    assert result.exit_code == 1 and "error[ambiguous-name]" in result.output


def test_the_same_definition_through_two_star_imports_is_no_clash():
    # systems imports H100_SXM from chips: both star imports give the one chip
    text = ("from chips import *\nfrom systems import *\nfrom network import *\nfrom facility import *\n"
            "chip x extends H100_SXM {}\nserver a extends HGX_H100 {}\n")
    checked, sink = dsl.check_text(text, "spec.factory")
    assert sink.items == []


def test_an_explicit_import_settles_a_star_clash(tmp_path):
    _write(tmp_path, "a.factory", "let y = 2\n")
    _write(tmp_path, "b.factory", "let y = 3\n")
    main_path = _write(tmp_path, "m.factory", 'from "./a.factory" import *\nfrom "./b.factory" import *\n'
                       'from "./b.factory" import y\nlet q = y\n')
    checked, sink = dsl.check_files([str(main_path)])
    assert sink.items == []


def test_a_name_imported_twice(tmp_path):
    path = _write(tmp_path, "m.factory", "from chips import H200, H200\nimport chips\nimport chips\nlet chips = 1\n")
    checked, sink = dsl.check_files([str(path)])
    assert _diags(sink) == [("duplicate-import", 1, 25), ("duplicate-import", 3, 8), ("duplicate-definition", 4, 5)]
    result = CliRunner().invoke(main, ["check", str(path)])   # an imported module has no span of its own
    assert result.exit_code == 1 and "Traceback" not in result.output and "internal error" not in result.output
    assert "first imported here at" in result.output


def test_every_registered_code_is_emitted_somewhere():
    """A code in the registry that no stage reports documents nothing. `internal-error` names the CLI's
    one-line report of a bug, which is printed, not collected as a diagnostic. Call sites name codes by
    their constant (`Code.UNIT_MISMATCH`), never by a string."""
    source = "\n".join(p.read_text(encoding="utf-8") for folder in ("dsl", "compiler")
                       for p in (ROOT / folder).rglob("*.py") if p.name != "diagnostics.py")
    used = set(re.findall(r"\bCode\.([A-Z0-9_]+)\b", source))
    missing = [code for code in CODES if code.upper().replace("-", "_") not in used and code != "internal-error"]
    assert not missing, missing
    quoted = sorted({m for m in re.findall(r'"([a-z0-9]+(?:-[a-z0-9]+)+)"', source) if m in CODES})
    assert not quoted, f"codes written as strings instead of Code constants: {quoted}"


def test_code_constants_and_registry_agree():
    from dsl.diagnostics import Code

    constants = {v for k, v in vars(Code).items() if k.isupper()}
    assert constants == set(CODES)
    assert all(getattr(Code, c.upper().replace("-", "_")) == c for c in CODES)
