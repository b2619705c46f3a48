"""Session 22's trust hunt: defects a new user meets, each pinned by a law that failed before its fix.

    plan: a check that is both new and failing is listed once, among the newly failing (marked "new"), in text and
    Markdown; never again under "added" (JSON keeps `added` as its schema says: every check of the new spec only).
"""
from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from compiler.cli import main

from test_plan_costs import STARTER, _edit   # tests/ is on the path: the starter and its checked edits

NEW_CHECK = "headquarters.server_room: sixty-five GPUs"


def test_a_new_failing_check_is_listed_once(tmp_path: Path) -> None:
    from compiler.plan import render_markdown, render_text

    old, new = tmp_path / "old.factory", tmp_path / "new.factory"
    old.write_text(STARTER)
    new.write_text(_edit(STARTER, ('    assert gpus == 64, "four racks of two 8-GPU servers"\n',
                                   '    assert gpus == 64, "four racks of two 8-GPU servers"\n'
                                   '    assert gpus == 65, "sixty-five GPUs"\n')))
    result = CliRunner().invoke(main, ["plan", str(old), str(new), "--format", "json"])
    doc = json.loads(result.stdout)
    assert result.exit_code == 1 and doc["checks"]["newly_failing"] == doc["checks"]["added"] == [NEW_CHECK]
    text, markdown = render_text(doc), render_markdown(doc)
    assert text.count(NEW_CHECK) == 1 and "added checks" not in text, text
    assert "1 check(s) newly failing (1 of them new)" in text and "check(s) added" not in text, text
    assert markdown.count(NEW_CHECK) == 1 and "check(s) added" not in markdown, markdown

