"""The generated parts of the accuracy docs, so that what they say is what `factory validate` prints.

* The head of docs/accuracy.md ("Where accuracy stands") holds three generated blocks between
  `<!-- generated: NAME ... -->` and `<!-- end generated: NAME -->` lines: `validate`, the category table of
  `factory validate reference/mlperf_calibration.csv` (`category_table`: per category the rows compared and the
  coverage, the median |error|, its 95% interval, the share of rows within the 10% gate, the median signed error,
  and whether the category passes the gate), `groups`, the median signed error of the same file's inference rows by
  chip and benchmark (`group_table`), and `heldout`, the category table over the held-out shape rows of
  tests/data/heldout_shape.csv whose public figure is given (`heldout_predictions`; tests/test_heldout_shape.py).
* docs/mechanisms.md is the index of compiler/validate.py `MECHANISM_TABLE` (`mechanism_index`): each mechanism,
  whether validate applies it or it is opt-in, what it is, and the docs/accuracy.md section that measured it.

Run from a source checkout (the docs and the held-out file are not in the wheel):
  python3 -m compiler.validate_docs accuracy                       rewrites the blocks of docs/accuracy.md
  python3 -m compiler.validate_docs mechanisms > docs/mechanisms.md
tests/test_validate.py and tests/test_heldout_shape.py compare the docs with these functions on the rows their
module fixtures hold (validate runs once a test session), so a stale figure fails a test.
"""
from __future__ import annotations

import csv
import re
import sys
import tempfile
from pathlib import Path

import numpy as np

from .validate import (COVERAGE_TARGET, GATE, LATENCY_CATEGORIES, MECHANISM_TABLE, POWER_CATEGORIES,
                       THROUGHPUT_CATEGORIES, TRAINING_CATEGORY, coverage, run, summary)

ROOT = Path(__file__).resolve().parents[1]
ACCURACY = ROOT / "docs" / "accuracy.md"
REFERENCE = ROOT / "reference" / "mlperf_calibration.csv"
HELDOUT = ROOT / "tests" / "data" / "heldout_shape.csv"
HISTORY = "# History (newest last)"
ORDER = THROUGHPUT_CATEGORIES + (TRAINING_CATEGORY,) + tuple(LATENCY_CATEGORIES.values()) + POWER_CATEGORIES
BLOCK = re.compile(r"^<!-- generated: (\w+) .*?-->\n(.*?)^<!-- end generated: \1 -->$", re.M | re.S)


def category_table(rows) -> str:
    """Markdown: one line per category of `summary(rows)` in validate's order, the coverage of the throughput and
    time-to-train rows, and the categories outside the gate (percentages at validate's printed precision)."""
    cats = summary(rows)
    lines = [f"| category | rows compared (coverage) | median abs. error | 95% interval (configurations) "
             f"| rows within {GATE:.0%} | median signed error | within the {GATE:.0%} gate |",
             "|---|---|---|---|---|---|---|"]
    for name in sorted(cats, key=lambda c: (ORDER.index(c) if c in ORDER else len(ORDER), c)):
        c = cats[name]
        compared = f"{c['count']} of {c['total']} ({c['coverage']:.1%})"
        if not c["count"]:
            lines.append(f"| {name} | {compared} | - | - | - | - | - |")
            continue
        lo, hi = c["interval"]
        lines.append(f"| {name} | {compared} | {c['median']:.1%} | {lo:.1%}-{hi:.1%} ({c['clusters']}) "
                     f"| {c['within']:.1%} | {c['bias']:+.1%} | {'yes' if c['median'] <= GATE else '**no**'} |")
    done, total = coverage(rows)
    lines.append("")
    if total:
        lines.append(f"Coverage of the throughput and time-to-train rows: {done} of {total} ({done / total:.1%}; "
                     f"target {COVERAGE_TARGET:.0%}).")
    failing = [f"{name} ({cats[name]['median']:.1%})" for name in sorted(cats, key=lambda c: (
        ORDER.index(c) if c in ORDER else len(ORDER), c)) if cats[name]["count"] and cats[name]["median"] > GATE]
    lines.append(f"Outside the {GATE:.0%} gate: {', '.join(failing)}." if failing
                 else f"Every category is within the {GATE:.0%} gate.")
    return "\n".join(lines) + "\n"


def group_table(rows) -> str:
    """Markdown: the median signed error (predicted / measured - 1) of the compared inference rows by stdlib chip
    and benchmark (the interactive variant its own line), one column per inference category, the row count in
    brackets."""
    from .validate import _benchmark
    columns = THROUGHPUT_CATEGORIES + tuple(LATENCY_CATEGORIES.values())
    groups: dict[tuple[str, str], dict[str, list[float]]] = {}
    for r in rows:
        if r.covered and r.category in columns and np.isfinite(r.error):
            name, interactive = _benchmark(r.data["benchmark"])
            key = (r.chip, name + (" Interactive" if interactive else ""))
            groups.setdefault(key, {}).setdefault(r.category, []).append(r.error)
    heads = [c.removeprefix("inference ") for c in columns]
    lines = [f"| chip | benchmark | {' | '.join(heads)} |", "|---|---|" + "---|" * len(columns)]
    for (chip, bench), cells in sorted(groups.items()):
        values = [f"{float(np.median(cells[c])):+.0%} ({len(cells[c])})" if c in cells else "" for c in columns]
        lines.append(f"| {chip} | {bench} | {' | '.join(values)} |")
    return "\n".join(lines) + "\n"


def write_filled(path: Path, rows, fieldnames: list[str]) -> Path:
    """Write `rows` (dicts of an MLPerf-shaped CSV, held-out lines whose figure may be empty) to `path` with every
    empty value filled with 1: validate needs a number to compare, and only its predictions are read."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fieldnames)
        writer.writeheader()
        writer.writerows({**r, "value": r["value"] or "1"} for r in rows)
    return path


def heldout_predictions(path: Path = HELDOUT) -> tuple:
    """(the file's rows as dicts, validate's rows of a copy with every empty value filled with 1, the data lines
    whose public figure is given, the sink): the held-out shape file is validated whole, as only the predictions
    matter (tests/test_heldout_shape.py)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with tempfile.TemporaryDirectory() as folder:
        filled = write_filled(Path(folder) / "heldout_filled.csv", rows, list(rows[0]))
        out, sink = run(str(filled))
    known = {i + 2 for i, r in enumerate(rows) if r["value"]}
    return rows, out, known, sink


def heldout_table(out, known) -> str:
    """`category_table` over the held-out rows whose public figure is given."""
    return category_table([r for r in out if r.line in known])


def blocks(text: str) -> dict[str, str]:
    """The generated blocks of a document: name -> the text between its two marker lines."""
    return {m.group(1): m.group(2) for m in BLOCK.finditer(text)}


def replace_block(text: str, name: str, body: str) -> str:
    """`text` with the generated block `name` holding `body` (the block must be there already)."""
    found = [m for m in BLOCK.finditer(text) if m.group(1) == name]
    if len(found) != 1:
        raise ValueError(f"docs/accuracy.md has {len(found)} generated blocks named {name!r} (expected one)")
    m = found[0]
    return text[:m.start(2)] + body + text[m.end(2):]


def accuracy_head(path: Path = ACCURACY) -> str:
    """docs/accuracy.md above its history: what it says accuracy is now."""
    text = path.read_text(encoding="utf-8")
    at = text.find("\n" + HISTORY + "\n")
    if at < 0:
        raise ValueError(f"{path} has no `{HISTORY}` heading")
    return text[:at]


def missing_from_head(lines, path: Path = ACCURACY) -> list[str]:
    """The lines (stripped) a test printed that docs/accuracy.md's head does not quote: a published-run figure the
    head gives is one a test prints now."""
    head = accuracy_head(path)
    return [line.strip() for line in lines if line.strip() and line.strip() not in head]


def mechanism_index() -> str:
    """docs/mechanisms.md: every entry of MECHANISM_TABLE in the table's order, applied ones first."""
    lines = ["# validate's mechanisms", "",
             "Generated from compiler/validate.py `MECHANISM_TABLE` by `python3 -m compiler.validate_docs mechanisms > "
             "docs/mechanisms.md`; do not edit (tests/test_validate.py compares). A mechanism is a way of planning a "
             "row of `factory validate` that was built and measured on reference/mlperf_calibration.csv. *Applied*: "
             "validate uses it by default in the scenarios listed (`--without NAME` leaves it out). *Opt-in*: "
             "measured and not applied (`--with NAME` applies it in every scenario it concerns); the section of "
             "docs/accuracy.md named beside it has its numbers and why it is not applied. "
             "[docs/accuracy.md](accuracy.md) \"Where accuracy stands\" has the current figures.", ""]
    applied = [n for n, m in MECHANISM_TABLE.items() if m.applied]
    opt_in = [n for n, m in MECHANISM_TABLE.items() if not m.applied]
    lines.append(f"{len(MECHANISM_TABLE)} mechanisms: {len(applied)} applied, {len(opt_in)} opt-in.")
    lines.append("")
    lines.append("| mechanism | validate | scenarios it concerns | what it is | measured in docs/accuracy.md |")
    lines.append("|---|---|---|---|---|")
    for name in applied + opt_in:
        m = MECHANISM_TABLE[name]
        state = f"applied ({', '.join(m.applied)})" if m.applied else "opt-in"
        what = m.what.replace("|", "\\|")
        lines.append(f"| `{name}` | {state} | {', '.join(m.concerns)} | {what} | \"{m.section}\" |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if argv == ["mechanisms"]:
        sys.stdout.write(mechanism_index())
        return 0
    if argv == ["accuracy"]:
        rows, sink = run(str(REFERENCE))
        _, out, known, held_sink = heldout_predictions()
        if sink.has_errors() or held_sink.has_errors():
            print("validate reported errors: fix them first (factory validate reference/mlperf_calibration.csv)",
                  file=sys.stderr)
            return 1
        text = ACCURACY.read_text(encoding="utf-8")
        text = replace_block(text, "validate", category_table(rows))
        text = replace_block(text, "groups", group_table(rows))
        text = replace_block(text, "heldout", heldout_table(out, known))
        ACCURACY.write_text(text, encoding="utf-8")
        print(f"rewrote the generated blocks of {ACCURACY.relative_to(ROOT)}", file=sys.stderr)
        return 0
    print("usage: python3 -m compiler.validate_docs accuracy | mechanisms", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
