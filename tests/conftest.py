"""Shared test options: `--update-goldens` rewrites the expected outputs of golden cases.

Also a guard: a test run must leave no new file in the checkout (debug renders such as `flagship_campus.physical.dot`
were once committed at the root, written by `factory diagram` run without `-o` in the repository). Tests write under
`tmp_path`; a run that leaves a new untracked or ignored file outside the tools' caches fails, naming it."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# what the test tools themselves keep in the folder they run in (ignored in .gitignore)
_TOOL_CACHES = (".pytest_cache/", ".hypothesis/")


def pytest_addoption(parser):
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite the .out files of golden cases from the current output")


@pytest.fixture(autouse=True)
def _no_github_workspace(monkeypatch) -> None:
    """CI formats place files relative to GITHUB_WORKSPACE when it is set (compiler/ci_formats.repository_root);
    the suite run inside GitHub Actions must see the paths a local run sees, so tests set it themselves."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)


@pytest.fixture
def update_goldens(request) -> bool:
    return request.config.getoption("--update-goldens")


def stray_files(root: Path = ROOT) -> set[str] | None:
    """The untracked and ignored files of the checkout at `root` (git's paths, an ignored folder as one entry), less
    the tools' caches and Python's bytecode; None outside a git checkout (an installed copy of the tests)."""
    try:
        done = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "-z", "--ignored",
                               "--untracked-files=all"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    out = set()
    for entry in done.stdout.split("\0"):
        path = entry[3:]
        if entry[:3] in ("?? ", "!! ") and not path.startswith(_TOOL_CACHES) and "__pycache__/" not in path \
                and not path.endswith(".pyc"):
            out.add(path)
    return out


def _is_worker(config) -> bool:
    """A pytest-xdist worker: the controller alone compares the checkout before and after the whole run (a worker's
    snapshot could catch another worker's file between its creation and its removal)."""
    return hasattr(config, "workerinput")


def pytest_sessionstart(session) -> None:
    if not _is_worker(session.config):
        session.config._factory_stray_before = stray_files()


def pytest_sessionfinish(session, exitstatus) -> None:
    before = getattr(session.config, "_factory_stray_before", None)
    after = stray_files() if before is not None else None
    if before is None or after is None or not after - before:
        return
    new = sorted(after - before)
    writer = session.config.get_terminal_writer()
    writer.line(f"error: the tests wrote {len(new)} file(s) into the checkout ({ROOT}); write under tmp_path: "
                + ", ".join(new[:20]) + (" ..." if len(new) > 20 else ""), red=True)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


SLOW_FOR_TIME = Path(__file__).with_name("slow_for_time.txt")   # node ids marked `slow` for the suite's time


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Mark `slow` the tests listed in tests/slow_for_time.txt (before `-m "not slow"` deselects): the ones that took
    3 s or more once the model became ~1.5x slower (2026-12-07), so the default run stays within CI's time."""
    listed = {line.strip() for line in SLOW_FOR_TIME.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")}
    for item in items:
        if item.nodeid in listed:
            item.add_marker(pytest.mark.slow)
