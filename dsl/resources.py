"""The one place that finds the grammar and the stdlib, in a source checkout and in an installed wheel.

Pipeline position: leaf; imports nothing of the project. In a checkout the folders sit beside `dsl/`
(`grammar/`, `stdlib/`); the wheel carries them inside the package as `dsl/_grammar` and `dsl/_stdlib`
(see `[tool.hatch.build.targets.wheel.force-include]` in pyproject.toml).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_HERE / f"_{name}", _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"factory-dsl installation is incomplete: no `{name}` folder next to {_HERE}")


@lru_cache(maxsize=None)
def grammar_path() -> Path:
    return _find("grammar") / "factory.lark"


@lru_cache(maxsize=None)
def stdlib_dir() -> Path:
    return _find("stdlib")


def stdlib_modules() -> list[str]:
    """Names of the importable stdlib modules (`chips`, `systems`, ...), sorted."""
    return sorted(p.stem for p in stdlib_dir().glob("*.factory"))
