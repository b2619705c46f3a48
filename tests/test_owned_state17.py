"""State owned by an object, not a module: the sweep's lending between chunks is `Plan.lend` (a parameter of
`sweep.prepare`), and the repository root CI paths are relative to is found by a `ci_formats.RepositoryPaths`
object, once for its output. Laws: (1) a plan prepared with lend=False keeps no memo and no solve cache, one with
lend=True both, and neither touches a module switch; (2) two RepositoryPaths objects in one process each find
their own root (GITHUB_WORKSPACE set between them), while one object keeps the root it found."""
from __future__ import annotations

from compiler import ci_formats, sweep

SPEC = """\
param n = 2
site s {
  land_price = 0 USD
  let x = n * 2 W
}
"""


def test_lending_between_chunks_is_the_plans_own(tmp_path) -> None:
    path = tmp_path / "s.factory"
    path.write_text(SPEC)
    off = sweep.prepare([str(path)], {"n": "1..3 step 1"}, lend=False)
    on = sweep.prepare([str(path)], {"n": "1..3 step 1"})
    assert (off.lend, off.memo, getattr(off.lowering.graph, "solve_cache", None)) == (False, None, None)
    assert on.lend and on.memo is not None and on.lowering.graph.solve_cache == {}
    assert not hasattr(sweep, "SWEEP_MEMO")


def test_each_repository_paths_finds_its_own_root(tmp_path, monkeypatch) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    monkeypatch.setenv("GITHUB_WORKSPACE", str(a))
    first = ci_formats.RepositoryPaths()
    assert first.display(str(a / "x.factory")) == "x.factory"
    monkeypatch.setenv("GITHUB_WORKSPACE", str(b))
    assert first.display(str(a / "x.factory")) == "x.factory"        # found once, for its own output
    second = ci_formats.RepositoryPaths()
    assert second.display(str(b / "y.factory")) == "y.factory"
    assert second.display(str(a / "x.factory")) == str(a / "x.factory")   # outside its root: as given
    assert not hasattr(ci_formats, "_TOP_LEVELS")
