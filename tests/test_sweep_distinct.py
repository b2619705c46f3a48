"""The inference search over a sweep is solved once per DISTINCT combination of its inputs
(compiler/models/distinct.py), scattered back to the scenarios:

- law: a sweep whose parameters repeat values equals the single runs, scenario for scenario, bit for bit;
- cost: the rows searched are the distinct input combinations, whatever the number of scenarios (a count of
  the rows given to `search`, not a timing): a parameter the search does not read costs nothing more.
"""
from __future__ import annotations

import numpy as np
import pytest

import dsl
from compiler.evaluate import evaluate
from compiler.lower import lower
from compiler.models import distinct
from compiler.models import inference as M

FIGURES = ("tokens_per_s", "tpot", "ttft", "tp", "pp", "batch", "feasible", "power", "usd_per_mtok",
           "accelerators_held")


def spec(chips: str, utilization: str, serving: str = "aggregated") -> str:
    return ("from systems import DGX_H100\nfrom models import Llama2_70B\n"
            f"param n = {chips}\nparam u = {utilization}\n"
            "site s {\n  utilization = u\n  electricity_price = 0.08 USD/kWh\n"
            "  inference w {\n    model = Llama2_70B\n    system = DGX_H100\n    accelerators = n\n"
            f'    precision = "fp8"\n    scenario = "server"\n    serving = "{serving}"\n'
            "    input_tokens = 2000 tok\n    output_tokens = 200 tok\n  }\n}\n")


def run(text: str) -> dict:
    checked, sink = dsl.check_text(text, name="test.factory")
    assert checked is not None and not sink.has_errors(), [d.message for d in sink.items]
    return evaluate(lower(checked, sink), sink).values


@pytest.fixture
def searched_rows(monkeypatch):
    """The number of scenario rows each call of the inference search is given."""
    rows: list[int] = []
    real = M.search

    def counting(hw, arch, load, grid=None):
        rows.append(max(np.size(v) for v in distinct.pack({"hw": hw, "arch": arch, "load": load}).values()))
        return real(hw, arch, load, grid)

    monkeypatch.setattr(M.solution, "search", counting)
    return rows


@pytest.mark.parametrize("serving", ["aggregated", "disaggregated"])
def test_a_sweep_with_repeated_values_equals_its_single_runs(serving) -> None:
    chips, utils = [16, 8, 16, 64, 8], [0.5, 0.9]
    swept = run(spec("[16, 8, 16, 64, 8]", "[0.5, 0.9]", serving))
    for i, (n, u) in enumerate((n, u) for n in chips for u in utils):      # the first parameter outermost
        single = run(spec(f"[{n}]", f"[{u}]", serving))
        for name in FIGURES:
            mine, theirs = np.reshape(swept[f"s.w.{name}"], -1), np.reshape(single[f"s.w.{name}"], -1)
            mine = mine[i] if mine.size > 1 else mine[0]
            assert mine.tobytes() == theirs[0].tobytes(), (name, n, u, mine, theirs[0])


def test_the_search_runs_once_per_distinct_input(searched_rows) -> None:
    # 3 distinct accelerator counts; the utilization is not an input of the search
    run(spec("[16, 8, 16, 64, 8]", "[0.5, 0.9]"))
    assert sum(searched_rows) == 3
    searched_rows.clear()
    # 10x the scenarios, the same 3 distinct counts: the same 3 rows searched
    run(spec("[16, 8, 16, 64, 8, 8, 16, 64, 64, 8]", "[0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]"))
    assert sum(searched_rows) == 3
    searched_rows.clear()
    # k distinct counts: k rows (linear in the distinct values)
    run(spec("[8, 16, 24, 32, 40, 48, 56, 64]", "[0.5, 0.9]"))
    assert sum(searched_rows) == 8


def test_blocks_bound_the_rows_of_one_search(searched_rows, monkeypatch) -> None:
    # a block holds at most BLOCK_CELLS / configurations rows: with room for 2 rows, 8 distinct counts take 4
    # searches of 2 rows, and the results are those of one search over all of them
    whole = run(spec("[8, 16, 24, 32, 40, 48, 56, 64]", "[0.5]"))
    searched_rows.clear()
    monkeypatch.setattr(distinct, "BLOCK_CELLS", 2 * M.TP_GRID.size * M.PP_GRID.size * M.BATCH_GRID.size)
    blocked = run(spec("[8, 16, 24, 32, 40, 48, 56, 64]", "[0.5]"))
    assert searched_rows == [2, 2, 2, 2]
    for name in FIGURES:
        assert np.asarray(blocked[f"s.w.{name}"]).tobytes() == np.asarray(whole[f"s.w.{name}"]).tobytes(), name


def test_distinct_compares_bits_and_scatters_back() -> None:
    # hand example: rows (1, 5), (2, 5), (1, 5), (nan, 5), (nan, 5), (-0.0, 5), (0.0, 5): 5 distinct by bits
    cols = {"a": np.array([1.0, 2.0, 1.0, np.nan, np.nan, -0.0, 0.0]), "b": np.array([5.0])}
    reps, inverse = distinct.distinct(cols, 7)
    assert reps["a"].size == 5 and reps["b"].tolist() == [5.0]
    assert inverse[0] == inverse[2] and inverse[3] == inverse[4] and inverse[5] != inverse[6]
    assert np.array_equal(reps["a"][inverse], cols["a"], equal_nan=True)
    parts = [(5, {"twice": 2 * reps["a"], "why": [f"row {x}" for x in reps["a"].tolist()]})]
    back = distinct.scatter(parts, inverse)
    assert np.array_equal(back["twice"], 2 * cols["a"], equal_nan=True)
    assert back["why"][0] == back["why"][2] == "row 1.0" and back["why"][1] == "row 2.0"
