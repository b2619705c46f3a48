"""Numbers as text in streamed CSV files (compiler/sweep.py, docs/scale.md "Output files").

The contract: a number is Python's `repr` of the float (the shortest text that reads back to the same float);
an absent or non-finite value is an empty field. The CSV writer computes that text for whole columns with NumPy
(`repr_bytes`); the law checked here is that it gives exactly `repr`'s bytes, value for value, over samples of
every kind of double: negatives, zeros, 1e-300 and 1e300, subnormals, integers, powers of two and ten and their
neighbours (where the shortest text is hardest to find), short decimals, random bit patterns; and NaN and
infinities empty.
"""
from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from compiler import sweep


def texts(values) -> list[str]:
    chars, lengths = sweep.repr_bytes(np.asarray(values, dtype=np.float64))
    return [bytes(row[:n]).decode() for row, n in zip(chars, lengths.tolist())]


def expected(values) -> list[str]:
    return [repr(v) if np.isfinite(v) else "" for v in np.asarray(values, dtype=np.float64).tolist()]


def _samples() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(14)
    n = 40_000
    k = np.arange(-1074, 1024)
    tens = 10.0 ** np.arange(-323, 309)
    return {
        "hand": np.array([0.0, -0.0, 1.0, -1.0, 0.1, 0.3, 0.1 + 0.2, 1e-300, -1e-300, 1e300, -1e300, 5e-324,
                          2.2250738585072014e-308, 1.7976931348623157e308, 1e16, 1e15, 9999999999999998.0, 1e-5,
                          1e-4, 0.00012, 123456789.0, 1234567890123456.7, 12345678901234567890.0, 1e22, 1e23,
                          -2.5e-5, 100.0, 0.5, 2.0 ** 53, 2.0 ** 53 + 2]),
        "not finite": np.array([np.nan, np.inf, -np.inf, -np.nan]),
        "random bits": rng.integers(0, 2 ** 64, n, dtype=np.uint64).view(np.float64),   # NaNs and infinities too
        "wide magnitudes": rng.random(n) * np.exp(rng.normal(0, 30, n)) * rng.choice([-1.0, 1.0], n),
        "computed (SI quantities)": (rng.random(n) * 0.1 + 0.05) * (rng.random(n) * 0.5 + 0.5) * 8760e6 / 3.6e6,
        "integers": np.concatenate([rng.integers(-10 ** 17, 10 ** 17, n // 2),
                                    rng.integers(-1000, 1000, n // 2)]).astype(np.float64),
        "short decimals": np.array([float(f"{m}e{e}") for m, e in zip(rng.integers(1, 10 ** 7, n).tolist(),
                                                                        rng.integers(-30, 30, n).tolist())]),
        "powers of two and neighbours": np.concatenate([2.0 ** k, np.nextafter(2.0 ** k, 0),
                                                        np.nextafter(2.0 ** k, np.inf)]),
        "powers of ten and neighbours": np.concatenate([tens, -tens, np.nextafter(tens, 0),
                                                        np.nextafter(tens, np.inf)]),
    }


@pytest.mark.parametrize("kind", list(_samples()))
def test_vectorized_text_is_repr_byte_for_byte(kind) -> None:
    values = _samples()[kind]
    assert texts(values) == expected(values)


def test_a_column_of_runs_and_periods_is_formatted_like_any_other() -> None:
    # a product sweep's chunk: constant over runs of 7 (an outer parameter), periodic with period 7 (the inner)
    outer = np.repeat(np.array([0.05, 0.0751, np.nan, -3.5e-7]), 7)
    inner = np.tile(np.array([0.5, 0.505, 0.51, np.inf, 1e300, 0.0, -0.0]), 4)
    for column in (outer, inner, outer * inner):
        chars, lengths = sweep.column_bytes(column, "x", periods=(7,))
        assert [bytes(r[:n]).decode() for r, n in zip(chars, lengths.tolist())] == expected(column)


def test_scenario_and_feasible_columns() -> None:
    chars, lengths = sweep.column_bytes(np.array([0, 9, 10, 123456, 10 ** 12 - 1]), "scenario")
    assert [bytes(r[:n]).decode() for r, n in zip(chars, lengths.tolist())] == ["0", "9", "10", "123456",
                                                                                 "999999999999"]
    chars, lengths = sweep.column_bytes(np.array([True, False, True]), "feasible")
    assert [bytes(r[:n]).decode() for r, n in zip(chars, lengths.tolist())] == ["true", "false", "true"]


def test_rows_are_the_fields_joined_by_commas(tmp_path) -> None:
    # rows by hand: each field the repr of its value (empty when absent), joined by commas, one row a line
    rng = np.random.default_rng(3)
    rows = 5000
    table = {"scenario": np.arange(100, 100 + rows), "p": np.repeat(rng.random(rows // 50), 50),
             "feasible": rng.random(rows) < 0.5, "q": rng.random(rows) * 1e9, "r": np.full(rows, np.nan)}
    columns = ["scenario", "p", "feasible", "q", "r"]
    writer = sweep.CsvWriter(str(tmp_path / "x.csv"), columns)
    writer.ROWS = 1024                      # several blocks
    writer.periods = (50,)
    writer.write(table, rows)
    writer.close()
    lines = (tmp_path / "x.csv").read_text().splitlines()
    assert lines[0] == "scenario,p,feasible,q,r"
    for i in (0, 1, 1023, 1024, 2500, rows - 1):
        p, q = float(table["p"][i]), float(table["q"][i])
        assert lines[1 + i] == f"{100 + i},{p!r},{'true' if table['feasible'][i] else 'false'},{q!r},"
    parsed = list(csv.reader(io.StringIO("\n".join(lines[1:]))))
    assert len(parsed) == rows and all(float(row[3]) == q for row, q in zip(parsed, table["q"].tolist()))


def test_json_lines_rows_by_hand(tmp_path) -> None:
    # a row by hand: {"key":value,...} in the columns' order, numbers as repr, absent or not finite as null
    table = {"scenario": np.array([0, 1, 2]), "a,b": np.array([0.25, np.nan, -1e300]),
             "feasible": np.array([True, False, True]), "q": np.array([np.inf, 3.0, 1 / 3])}
    writer = sweep.JsonlWriter(str(tmp_path / "x.jsonl"), ["scenario", "a,b", "feasible", "q"])
    writer.write(table, 3)
    writer.close()
    assert (tmp_path / "x.jsonl").read_text().splitlines() == [
        '{"scenario":0,"a,b":0.25,"feasible":true,"q":null}',
        '{"scenario":1,"a,b":null,"feasible":false,"q":3.0}',
        '{"scenario":2,"a,b":-1e+300,"feasible":true,"q":0.3333333333333333}']
