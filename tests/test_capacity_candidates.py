"""The capacity point's candidate batches: the grid's, `batch_refinement`'s sub-grid and `capacity_solve`'s solved
batch, each alone and together (compiler/models/inference/grid_search.py `search`; docs/accuracy.md "Batch refinement
beside the solved batch", s25-refine)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np

from compiler import validate as V
from compiler.models import inference as M
from serving_inputs import llama2_70b_inputs  # tests/ is on the path

KEYS = ("throughput", "tpot", "ttft", "batch", "tp", "pp", "feasible")


def _inputs(limits):
    """Llama 2 70B on 8 chips of an 8-way domain, one scenario per TPOT p99 limit, the ring all-reduce and the
    step's rest at its mean (tests/test_inference.py PRE_DEFAULTS: the grid's point there is worked out by hand)."""
    hw, arch, load = llama2_70b_inputs(scaleup=72.0, chips=1024.0, queueing=True)
    hw = dataclasses.replace(hw, chips=np.array([8.0]), scaleup=np.array([8.0]))
    load = dataclasses.replace(load, tpot_limit=np.asarray(limits, dtype=float),
                               allreduce_kernels=np.array([0.0]), residual_tail=np.array([0.0]),
                               solve=np.array([0.0]))   # the grid; each search sets its own solve
    return hw, arch, load


def test_refinement_beside_the_solve_is_the_best_of_their_candidates() -> None:
    """`batch_refinement` n with `capacity_solve` 1 (validate gives the solve to the whole-prompt engines' rows, so
    `--with batch_refinement` sets both there): the search's candidates are the grid's columns, the refined
    sub-grid's and the solved batches, so
      law  its point carries the most throughput of the two searches with one each (the union of their candidates:
           the solve reads the grid's columns alone, so it solves the same bracket either way), never less than
           the grid's, and meets both limits; a scenario whose refinement is 0 (a swept `batch_refinement`) is the
           solve alone bit for bit.
    Before 2026-12-07 the two together raised a ValueError (the solve read the refined columns as grid columns):
    `factory check` an internal error, validate `--with batch_refinement` 88 Server and 56 TTFT rows uncompared
    as "no configuration that fits"."""
    limits = np.arange(0.05, 0.2001, 0.025)
    hw, arch, load = _inputs(limits)
    grid = M.search(hw, arch, load)
    refined = M.search(hw, arch, dataclasses.replace(load, refine=np.array([8.0])))
    solved = M.search(hw, arch, dataclasses.replace(load, solve=np.array([1.0])))
    both = M.search(hw, arch, dataclasses.replace(load, refine=np.array([8.0]), solve=np.array([1.0])))
    assert np.all(grid["feasible"] > 0) and np.all(both["feasible"] > 0)
    best = np.maximum(refined["throughput"], solved["throughput"])
    assert np.allclose(both["throughput"], best, rtol=1e-12, atol=0)
    assert np.all(both["throughput"] >= grid["throughput"])
    assert np.all(both["tpot"] <= limits * (1 + 1e-9)) and np.all(both["ttft"] <= load.ttft_limit * (1 + 1e-9))
    assert np.any(both["throughput"] > grid["throughput"] * (1 + 1e-6))   # the sweep has points the grid stops short of

    # one limit, the refinement swept: 0 is the solve alone, 8 the best of both
    hw, arch, load = _inputs([0.1])
    swept = M.search(hw, arch, dataclasses.replace(load, refine=np.array([0.0, 8.0]), solve=np.array([1.0])))
    alone = M.search(hw, arch, dataclasses.replace(load, solve=np.array([1.0])))
    one = M.search(hw, arch, dataclasses.replace(load, refine=np.array([8.0]), solve=np.array([1.0])))
    assert all(np.array_equal(np.ravel(swept[k])[:1], np.ravel(alone[k])) for k in KEYS)
    assert all(np.array_equal(np.ravel(swept[k])[1:], np.ravel(one[k])) for k in KEYS)


def _rows_csv(tmp_path, lines):
    """A CSV of reference/mlperf_calibration.csv's header and its rows at `lines` (the file's own line numbers)."""
    text = Path("reference/mlperf_calibration.csv").read_text().splitlines()
    path = tmp_path / "rows.csv"
    path.write_text("\n".join([text[0]] + [text[n - 1] for n in lines]) + "\n")
    return path


# a whole-prompt engine's Server row (AMD's v4.1 vLLM: validate gives it `capacity_solve`) and a chunked v5.0
# engine's Server and TTFT p99 rows (NVIDIA H200 NVL, Llama 2 70B: the grid's point alone)
WHOLE_AND_CHUNKED = (3, 536, 538)


def test_validate_compares_under_batch_refinement_every_row_it_compares_on_the_grid(tmp_path) -> None:
    """Law: `validate --with batch_refinement` compares every row validate's defaults compare (it moves the capacity
    point, never removes it); each refined throughput is at least the grid's. Before 2026-12-07 the whole-prompt
    engines' rows were NaN there (the solve beside the refinement raised) and reported as "no configuration"."""
    path = _rows_csv(tmp_path, WHOLE_AND_CHUNKED)
    grid, _ = V.run(str(path))
    refined, _ = V.run(str(path), mechanisms=V.mechanisms_with(on=["batch_refinement"]))
    lines = list(range(2, 2 + len(WHOLE_AND_CHUNKED)))             # the rows' lines in the CSV written
    assert [r.line for r in grid if r.fields] == lines and [r.line for r in refined if r.fields] == lines
    for g, r in zip(grid, refined):
        assert np.isfinite(r.predicted)
        if r.data["metric"] == "throughput":
            assert r.predicted >= g.predicted * (1 - 1e-9)


def test_validate_names_a_model_exception_as_a_bug(tmp_path, monkeypatch) -> None:
    """A row whose model raised (not a value the model refused) is not compared, with the reason "internal error,
    a bug in factory-dsl: <the exception>", not "no configuration that fits"; `validate` exits 2 (the internal
    error's code)."""
    from click.testing import CliRunner

    from compiler.cli import main
    from compiler.models.inference import grid_search

    def broken(*args, **kwargs):
        raise ValueError("a defect")
    monkeypatch.setattr(grid_search, "_refined_batches", broken)
    path = _rows_csv(tmp_path, WHOLE_AND_CHUNKED[:1])
    rows, _ = V.run(str(path), mechanisms=V.mechanisms_with(on=["batch_refinement"]))
    assert [r.reason for r in rows] == ["internal error, a bug in factory-dsl: ValueError: a defect"]
    result = CliRunner().invoke(main, ["validate", str(path), "--with", "batch_refinement"])
    assert result.exit_code == 2 and "internal error, a bug in factory-dsl" in result.output
