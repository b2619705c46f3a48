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


def _imports(path: Path, package: str | None = None) -> set[str]:
    """Absolute names of every module `path` imports (relative imports resolved), at any depth."""
    import ast

    package = package or ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join(base + ([node.module] if node.module else []))
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def test_renderers_only_read_results() -> None:
    """Diagrams and reports show model outputs; they never import the models to re-derive one."""
    render = ROOT / "compiler" / "render"
    files = sorted({*render.glob("diagram*.py"), *render.glob("report*.py"), render / "view.py", render / "table.py"})
    assert len(files) >= 4
    for path in files:
        bad = sorted(n for n in _imports(path) if n == "compiler.models" or n.startswith("compiler.models."))
        assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_import_check_sees_relative_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from ..models import assumptions as A\n", encoding="utf-8")
    assert "compiler.models.assumptions" in _imports(probe, "compiler.render")
