"""A streamed sweep's chunks lend each other the values no swept parameter reaches (compiler.memo.SweepMemo,
docs/scale.md "Chunks"). Laws: the bytes written with the memo equal those without it and those of the unchunked
sweep, and each scenario equals its run one at a time; and the memo does lend (a later chunk computes less)."""
from __future__ import annotations

import csv
import json
import importlib.util
import os

import numpy as np
import pytest

from compiler import sweep
from compiler.evaluate import evaluate
from compiler.lower import lower

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _estate(sites: int, halls: int, rows: int, racks: int) -> str:
    spec = importlib.util.spec_from_file_location("estate", os.path.join(_ROOT, "bench", "estate.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.gen(sites, halls, rows=rows, racks=racks)


@pytest.fixture(scope="module")
def estate_file(tmp_path_factory):
    # training, two inference workloads (one with latency limits), the books, unpriced parts (warnings)
    path = tmp_path_factory.mktemp("memo") / "estate.factory"
    path.write_text(_estate(1, 1, 1, 2), encoding="utf-8")
    return str(path)


DEFINES = {"energy_price": "0.05 USD/kWh..0.09 USD/kWh step 0.04 USD/kWh", "gpu_utilization": "0.6..0.8 step 0.1"}


def _stream(path: str, tmp_path, name: str, chunk: int, memo: bool, defines=DEFINES):
    plan = sweep.prepare([path], dict(defines), lend=memo)
    out = tmp_path / name
    outcome = sweep.stream(plan, ((path,), tuple(sorted(defines.items())), None), output=str(out),
                           chunk_size=chunk)
    meta = json.dumps(sweep.metadata(plan, path, outcome, "csv"), sort_keys=True)
    return plan, out.read_bytes(), meta


@pytest.fixture(scope="module")
def campus_file(tmp_path_factory):
    from tests.test_sweep import SPEC

    path = tmp_path_factory.mktemp("memo") / "campus.factory"
    path.write_text(SPEC, encoding="utf-8")
    return str(path)


def test_the_memo_lends_and_keeps_the_bytes_of_a_small_sweep(campus_file, tmp_path):
    # racks_per_hall x halls x utilization (36 scenarios, a failing assert in some): chunks of 5 with the memo and
    # without it (and any chunking gives the unchunked bytes: tests/test_sweep.py, the memo on)
    plan, chunked, meta = _stream(campus_file, tmp_path, "memo.csv", 5, True, {})
    assert plan.memo is not None and plan.memo.lent > 50
    _, without, meta_without = _stream(campus_file, tmp_path, "plain.csv", 5, False, {})
    assert chunked == without and meta == meta_without


@pytest.mark.slow
def test_chunks_with_the_memo_write_the_bytes_of_the_unchunked_sweep(estate_file, tmp_path):
    plan, chunked, meta = _stream(estate_file, tmp_path, "memo.csv", 2, True)
    assert plan.memo is not None and plan.memo.lent > 1000      # the last chunk lent most of the graph
    _, without, meta_without = _stream(estate_file, tmp_path, "plain.csv", 2, False)
    _, whole, meta_whole = _stream(estate_file, tmp_path, "whole.csv", 1000, True)
    assert chunked == without == whole
    assert meta == meta_without == meta_whole


@pytest.mark.slow
def test_a_chunked_sweep_equals_its_runs_one_at_a_time(estate_file, tmp_path):
    import dsl

    _, chunked, _ = _stream(estate_file, tmp_path, "memo.csv", 2, True)
    rows = list(csv.DictReader(chunked.decode().splitlines()))
    assert len(rows) == 6
    for i in (0, 3, 5):                    # a scenario of the first, a middle and the last chunk
        row = rows[i]
        defines = {"energy_price": ["0.05 USD/kWh", "0.09 USD/kWh"][i // 3],   # the grid's points, as written
                   "gpu_utilization": ["0.6", "0.7", "0.8"][i % 3]}
        checked, sink = dsl.check_files([estate_file], defines)
        results = evaluate(lower(checked, sink), sink)
        for name, text in row.items():
            if name in ("scenario", "feasible"):
                continue
            value = np.asarray(results.values[name], dtype=float).reshape(-1)
            assert value.size == 1 and (text == "" and not np.isfinite(value[0]) or float(text) == value[0]), name


SERVICE = """
from systems import GB300_NVL72
from models import Llama3_1_70B
param energy_price = 0.07 USD/kWh
param racks = 1
site s {
  electricity_price = energy_price
  land_price = 0 USD
  ambient_temp = 35 degC
  mean_ambient_temp = 12 degC
  hall h {
    rack r: GB300_NVL72 x racks
  }
  inference chat {
    model = Llama3_1_70B
    rack = GB300_NVL72
    accelerators = racks * 72
    precision = "fp4"
    scenario = "server"
    input_tokens = 2000 tok
    output_tokens = 400 tok
    ttft_limit = 2 s
    tpot_limit = 50 ms
  }
}
"""


# two prices of two counts by default (the second chunk holds every count again), three of three under -m slow
@pytest.mark.parametrize("prices, counts", [(2, 2), pytest.param(3, 3, marks=pytest.mark.slow)])
def test_a_rack_count_sweep_searches_each_count_once_whatever_the_chunks(tmp_path, monkeypatch, prices, counts):
    # s16-scale: the serving search depends on the rack count (service tokens/s = floor(chips / (tp pp)) x a
    # replica's, the layouts with tp pp <= chips: docs/scale.md), so each distinct count is searched; but a chunk
    # searched again every count it held, though an earlier chunk had searched it (energy_price outer, racks inner:
    # every chunk holds every count). Law: each count is searched once per sweep, and the bytes are those without
    # the cache (and the unchunked sweep's: tests/test_sweep.py)
    from compiler.models import inference

    path = tmp_path / "service.factory"
    path.write_text(SERVICE, encoding="utf-8")
    defines = {"energy_price": f"0.05 USD/kWh..0.0{4 + prices} USD/kWh step 0.01 USD/kWh", "racks": f"1..{counts}"}
    real, rows = inference.search, []

    def counting(hw, *args, **kwargs):
        rows.append(int(np.size(hw.chips)))
        return real(hw, *args, **kwargs)

    monkeypatch.setattr(inference.solution, "search", counting)
    _, cached, meta = _stream(str(path), tmp_path, "cached.csv", counts, True, defines)
    assert sum(rows) == counts                          # racks 1, 2, (3): once each, in the first of the chunks
    rows.clear()
    _, without, meta_without = _stream(str(path), tmp_path, "plain.csv", counts, False, defines)
    assert sum(rows) >= counts * prices                 # a chunk a price, of every count (each searched again)
    assert cached == without and meta == meta_without
