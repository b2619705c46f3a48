"""The layering rule: importing `dsl` (and checking a spec) loads no numpy, jinja2, graphviz or compiler."""
from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_dsl_imports_no_heavy_or_backend_modules() -> None:
    code = textwrap.dedent("""
        import sys
        import dsl
        checked, sink = dsl.check_text('chip a {\\n  tdp = 700 W\\n}\\n', 'a.factory')
        assert not sink.items, sink.items
        banned = [m for m in ("numpy", "jinja2", "graphviz", "compiler", "pydantic") if m in sys.modules]
        print(",".join(banned))
    """)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_no_dsl_module_imports_compiler() -> None:
    for path in (ROOT / "dsl").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import compiler" not in text and "from compiler" not in text, path
