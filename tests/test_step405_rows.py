"""bench/step405_rows.py: the 405B runs' rows in flight and the step at a fixed load, by hand (docs/accuracy.md,
"Llama 3.1 405B's tp 4 / tp 8 step at the runs' own rows", s15-b405)."""
from bench.step405_rows import at_load_step, rows_in_flight


def test_rows_in_flight_of_the_v51_b200_interactive_run_by_hand():
    # NVIDIA's v5.1 8x B200 Llama 3.1 405B Interactive summary: 751.37 completed tok/s, TPOT mean 62.316 ms; its
    # engine is tp 4 pp 1 (closed/NVIDIA/configs/B200-SXM-180GBx8/Interactive/llama3_1-405b.py), so 8 / 4 = 2
    # engines: 751.37 / 2 x 0.062316 = 375.685 x 0.062316 = 23.411 rows an engine
    b = rows_in_flight(751.37, 8, 4, 1, 0.062316)
    assert abs(b - 375.685 * 0.062316) < 1e-9
    assert abs(b - 23.411) < 1e-3
    # the v5.0 8x B200 Server run's tp 2 pp 2 engine is also 4 GPUs: the same formula, 845.82 / 2 x 0.08702 = 36.80
    assert abs(rows_in_flight(845.82, 8, 2, 2, 0.08702) - 36.80) < 0.01


def test_the_step_at_a_fixed_load_by_hand():
    # t(b) = a + c b with a = 20 ms, c = 1 ms a row, at 500 rows a second an engine (b = rate t):
    # t = a / (1 - c rate) = 0.020 / (1 - 0.5) = 40 ms, b = 500 x 0.040 = 20 rows, and a + c b = 0.020 + 0.020
    t = at_load_step(0.020, 0.001, 500.0)
    assert abs(t - 0.040) < 1e-12
    assert abs((0.020 + 0.001 * 500.0 * t) - t) < 1e-12
    # no steady state where the rows' rate outruns the step's slope (c rate >= 1)
    assert at_load_step(0.020, 0.002, 500.0) == float("inf")


def test_a_short_step_reads_shorter_still_at_the_runs_load():
    # Law: a step d short at every row count (a and c both x (1 - d)) is more than d short at a fixed load, since
    # it also holds fewer rows there: d = 0.20 on the step above gives 0.016 / (1 - 0.4) = 26.67 ms against 40 ms,
    # -33.3% where the step at fixed rows is -20% (how -10..-25% at the 405B runs' rows reads as -40% at their load)
    for d in (0.05, 0.10, 0.20, 0.25):
        short = at_load_step(0.020 * (1 - d), 0.001 * (1 - d), 500.0)
        assert short / 0.040 < 1 - d
    assert abs(at_load_step(0.016, 0.0008, 500.0) - 0.016 / 0.6) < 1e-12
