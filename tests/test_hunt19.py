"""Session 19's trust hunt: laws over combinations (extends chains in imported modules swept and planned, odd training
and serving specs, the LSP and the diagrams on the same specs). Each test names the defect it caught."""
from __future__ import annotations

from pathlib import Path

import pytest

from compiler.lsp.analysis import Analysis, RenameRefused, rename_edits
from tests.test_lsp import SPEC


@pytest.mark.parametrize("new_name", ["max", "sum", "floor", "param", "1x"])
def test_the_document_rename_refuses_what_the_workspace_rename_refuses(tmp_path: Path, new_name: str) -> None:
    """Law: the document's rename (`rename_edits`) refuses a new name exactly as the workspace's does
    (`refuse_unusable_name`): no identifier, a keyword, or a built-in function's name, with the same reason.
    (It refused the first two only: renaming `draw` to `max` was accepted, a let named after a built-in.)"""
    from compiler.lsp import workspace

    analysis = Analysis(SPEC, str(tmp_path.resolve() / "r.factory"), str(tmp_path))
    offset = SPEC.index("draw")
    with pytest.raises(RenameRefused) as in_workspace:
        workspace.rename(analysis, offset, new_name, str(tmp_path))
    with pytest.raises(RenameRefused) as in_document:
        rename_edits(analysis, offset, new_name)
    assert str(in_document.value) == str(in_workspace.value)
