"""A deterministic sample of an exhaustive family of law cases for the default run.

The suite runs twice in CI on two cores (`.ci/run`), so a family of many cases of one law keeps every `every`-th
case in the default run and marks the others `slow`: `python3 -m pytest -m slow` runs them, and the law itself is
stated on the whole family, never weakened. The sample is by position, so it is the same on every machine.
"""
from __future__ import annotations

import pytest
from _pytest.mark.structures import ParameterSet


def sampled(cases, every: int, single: bool = False) -> list:
    """`cases` (plain values, tuples of values or `pytest.param`s) with all but every `every`-th marked slow
    (`single`: each case is one value, even a tuple)."""
    out = []
    for i, case in enumerate(cases):
        if isinstance(case, ParameterSet):
            values, marks, ident = case.values, list(case.marks), case.id
        else:
            values, marks, ident = ((case,) if single or not isinstance(case, tuple) else case), [], None
        if i % every:
            marks.append(pytest.mark.slow)
        out.append(pytest.param(*values, marks=marks, id=ident))
    return out
