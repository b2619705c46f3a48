"""bench/step_at_rows.py: the runs' rows in flight by Little's law and the grid read at them, by hand."""
import numpy as np

from bench.step_at_rows import grid_at, rows_in_flight


def test_rows_in_flight_by_hand():
    # NVIDIA's v5.0 8x H200 Interactive run (reference/mlperf_ttft_percentiles.csv): 66.50 completed queries/s,
    # 294.45 output tokens each, TPOT mean 33.72 ms; NVIDIA's engine is tp 1 (8 engines):
    # 66.50 x 294.45 / 8 x 0.03372 = 19,580.9 tok/s / 8 x 0.03372 = 82.53 rows an engine
    b = rows_in_flight(66.50, 294.45, 8, 1, 1, 0.03372)
    assert abs(b - 66.50 * 294.45 / 8 * 0.03372) < 1e-9
    assert abs(b - 82.53) < 0.01
    # a tp 2 engine (4 engines) holds twice the rows at the same run; tp 1 x pp 2 the same as tp 2
    assert abs(rows_in_flight(66.50, 294.45, 8, 2, 1, 0.03372) - 2 * b) < 1e-9
    assert rows_in_flight(66.50, 294.45, 8, 1, 2, 0.03372) == rows_in_flight(66.50, 294.45, 8, 2, 1, 0.03372)


def test_grid_read_in_ln_b():
    # two grid batches of one layout, 64 and 256 rows, steps 20 and 40 ms: at 128 rows (half-way in ln b) 30 ms;
    # at a grid batch its own value; outside the layout's batches or at another layout: None
    keys = ["t_iter", "tpot", "clock_fraction", "layer_latency_time"] + [
        f"decode_{t}_time" for t in ("gemm", "weights", "kv", "tp", "pp", "overhead")]
    g = {k: np.array([0.020, 0.040, 0.5]) for k in keys}
    g["t_iter"] = np.array([0.020, 0.040, 0.5])
    g.update(tp=np.array([1.0, 1.0, 2.0]), pp=np.array([1.0, 1.0, 1.0]), batch=np.array([64.0, 256.0, 128.0]),
             fits=np.array([True, True, True]))
    assert abs(grid_at(g, 1, 1, 128.0)["t_iter"] - 0.030) < 1e-12
    assert grid_at(g, 1, 1, 64.0)["t_iter"] == 0.020
    assert grid_at(g, 1, 1, 300.0) is None and grid_at(g, 1, 1, 32.0) is None and grid_at(g, 1, 2, 128.0) is None
