"""Display formatting (compiler/display.py): a table of values x units with the strings a reader must
see, written out by hand. Each row states the SI value, its SI unit, the unit the field was declared in,
and the expected text."""
from __future__ import annotations

import pytest

from compiler.display import format_number, format_quantity

NAN, INF = float("nan"), float("inf")

CASES = [
    # numbers: four significant digits, every digit of a whole number below a million, no lost digits
    (667710.19, "1", "", "667,710"),
    (120000.4, "1", "", "120,000"),
    (100000.0, "1", "", "100,000"),
    (1234.6, "1", "", "1,235"),
    (999.96, "1", "", "1,000"),
    (12.345, "1", "", "12.35"),
    (0.012345, "1", "", "0.01235"),
    (7.055e10, "1", "count", "70,550,000,000"),   # 70.55 billion parameters
    (103680.0, "1", "count", "103,680"),
    (-2.5, "1", "", "-2.5"),
    (0.0, "W", "", "0 W"),
    # power, energy, data, money
    (92170.0, "W", "", "92.17 kW"),
    (256.3e6, "W", "", "256.3 MW"),
    (667710.19, "W", "", "667.7 kW"),
    (3.6e9, "J", "", "1 MWh"),
    (3.35e12, "B/s", "TB/s", "3.35 TB/s"),
    (80e9, "B", "GB", "80 GB"),
    (2.544e6, "USD", "", "2.544 MUSD"),
    # bandwidths declared in bits: 800 Gb/s is 1e11 B/s, never "8e+11 b/s"
    (1e11, "B/s", "b/s", "800 Gb/s"),
    (1e11, "B/s", "Gb/s", "800 Gb/s"),
    (5e10, "B/s", "Gb/s", "400 Gb/s"),
    (4.147e16 / 8, "B/s", "b/s", "41.47 Pb/s"),
    # cost per accelerator-hour is read per hour, finite or not
    (2.347 / 3600, "USD/s", "USD/h", "2.347 USD/h"),
    (NAN, "USD/s", "USD/h", "nan USD/h"),
    (INF, "USD/s", "USD/h", "inf USD/h"),
    (533_000 / 31536000.0, "USD/s", "", "533 kUSD/yr"),
    (0.12 / 3.6e6, "USD/J", "USD/kWh", "0.12 USD/kWh"),
    (0.42e-6, "USD/tok", "", "0.42 USD/Mtok"),
    # rates per second that are really per year, and staff cost per MW per year
    (0.1728 / 31536000.0, "1/s", "", "0.1728 1/yr"),
    (60_000 / 31536000.0 / 1e6, "USD/(s*W)", "", "60 kUSD/yr/MW"),
    # model figures
    (2.486e12, "FLOP/tok", "FLOP/tok", "2.486 TFLOP/tok"),
    (136.9e6, "tok/s", "", "136.9 Mtok/s"),
    (10.35e6 * 3600, "s", "h", "10,350,000 h"),
    (41.3 * 86400, "s", "", "41.3 day"),
    (0.45, "s", "", "450 ms"),
    (313.15, "K", "temp", "40 degC"),
    (0.001, "m^3/s", "L/min", "60 L/min"),
    # a zero reads in its figure's unit, never the ladder's last step (s18-small: "0 J/yr", "0 us" before)
    (0.0, "J", "MWh/yr", "0 MWh/yr"),             # energy_year of a site with no load, as 609.8 MWh/yr reads
    (0.0, "s", "ms", "0 ms"),
    (-0.0, "s", "ms", "0 ms"),
    (0.0, "s", "", "0 s"),                        # undeclared: the SI step, not "0 us"
    (0.0, "J", "", "0 J"),
    (0.0, "B/s", "Gb/s", "0 Gb/s"),               # bits stay bits
    (0.0, "USD", "", "0 USD"),
]


@pytest.mark.parametrize("value,unit,declared,expected", CASES)
def test_format_quantity_table(value, unit, declared, expected) -> None:
    assert format_quantity(value, unit, declared) == expected


def test_format_number_never_uses_an_exponent_in_the_readable_range() -> None:
    for exponent in range(-3, 15):
        for mantissa in (1.0, 1.234567, 9.87654):
            text = format_number(mantissa * 10 ** exponent)
            assert "e" not in text, (mantissa, exponent, text)
            # reading it back gives the value to four significant digits (at least)
            back = float(text.replace(",", ""))
            assert abs(back - mantissa * 10 ** exponent) <= 5e-4 * mantissa * 10 ** exponent, text


def test_format_number_non_finite() -> None:
    assert (format_number(INF), format_number(-INF), format_number(NAN)) == ("inf", "-inf", "nan")


def test_report_figures_keep_their_significant_digits() -> None:
    from compiler.render.report_format import fmt

    assert fmt(1_909_731 / 3600.0, "flow_air") == "1,910,000 m³/h"      # three significant digits
    assert fmt(61_562 / 60000.0, "flow_liquid") == "61,600 L/min"
    assert fmt(2.544e6, "money") == "$2.54M"
    assert fmt(0.1234e-6, "money_mtok") == "$0.123 / Mtok"
    assert fmt(0.0261e-6, "money_mtok") == "$0.0261 / Mtok"          # not $0.03, 15% off
    # the shoot-out's GB200 $0.06997 / Mtok printed "$0.07" beside "$0.107": three significant digits, the
    # zeros kept below $0.10 (s15-money)
    assert fmt(0.06997e-6, "money_mtok") == "$0.0700 / Mtok"
    assert fmt(0.0045e-6, "money_mtok") == "$0.00450 / Mtok"
    assert fmt(0.5e-6, "money_mtok") == "$0.50 / Mtok"                 # cents from $0.10


LET_SHOWN = [
    # a `let` written as a literal reads in the unit it was written in; on a ladder, the ladder's best step
    ("let lease = 180 USD/kW/month", "180 USD/kW/month"),       # not 0.2466 USD/kWh, its SI equal
    ("let gpu_hours = 30.84e6 h", "30,840,000 h"),               # not 3,521 yr
    ("let inlet = 25 degC", "25 degC"),                           # a temperature point, not 1.088 degC
    ("let rise = 10 K", "10 K"),                                  # a temperature difference
    ("let link = 800 Gb/s", "800 Gb/s"),                          # bits stay bits
    ("let share = 50 %", "50 %"),
    ("let it_load = 500000 W", "500 kW"),                         # on the watt ladder
    ("let debt = -3 h", "-3 h"),
    ("let twice = 2 * 3 h", "6 h"),
    ("let wait = 0 ms", "0 ms"),                                  # a zero in its written unit, not "0 us"
    ("let stored = 0 MWh", "0 MWh"),                              # not "0 J"                               # an expression: its dimension's ladder
]


@pytest.mark.parametrize("source, shown", LET_SHOWN)
def test_a_let_literal_reads_in_its_written_unit(source, shown) -> None:
    from compiler import evaluate_text

    results, sink = evaluate_text(source + "\n", "let.factory")
    assert results is not None, sink.items
    name = source.split()[1]
    value = float(results.values[name].reshape(-1)[0])
    assert format_quantity(value, results.units[name], results.graph.nodes[name].display) == shown


@pytest.mark.parametrize("source, name, shown", [
    # a let computed from quantities of its own unit reads in their declared unit; other inputs say nothing
    ("let a = 2e6 h\nlet b = 1e6 h\nlet total = a + b\n", "total", "3,000,000 h"),    # not 342.5 yr
    ("let a = 2e6 h\nlet total = a + a\nlet more = total * 2\n", "more", "8,000,000 h"),   # a let of lets
    ("let a = 2e6 h\nlet b = 3 yr\nlet mixed = a + b\n", "mixed", "231.3 yr"),    # two units: the ladder
    ("let a = 2e6 h\nlet b = 1e6 h\nlet error = a / b - 1\n", "error", "1"),      # another unit: a number
])
def test_a_computed_let_reads_in_its_inputs_unit(source, name, shown) -> None:
    from compiler import evaluate_text

    results, sink = evaluate_text(source, "let.factory")
    assert results is not None, sink.items
    value = float(results.values[name].reshape(-1)[0])
    assert format_quantity(value, results.units[name], results.graph.nodes[name].display) == shown
