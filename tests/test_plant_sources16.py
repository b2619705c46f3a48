"""Every facility price in the stdlib records the public search for its source (s16-capex, 2026-12-06).

s15-plantsrc found every price in stdlib/facility.factory tagged "NOT PUBLISHED [U]" with no check against a
public figure. s16-capex searched public documents (Schneider Electric white papers, Uptime Institute, Turner &
Townsend, NREL/LBNL, vendor and estimator pages) per class of gear. Law: each `price` line says what that search
found, either a dated public figure it was checked against (a [S] or [P] tag and a year) or, where none was found,
the words "no public source found" beside its [U], so a reader of the stdlib (and a CFO reading a capex line) sees
which prices carry evidence and which are estimates.
"""
from __future__ import annotations

import re
from pathlib import Path

FACILITY = Path(__file__).resolve().parent.parent / "stdlib" / "facility.factory"
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")


def _price_lines() -> list[tuple[int, str]]:
    lines = []
    for number, line in enumerate(FACILITY.read_text().splitlines(), start=1):
        if re.match(r"\s*price\s*=", line):
            lines.append((number, line.split("#", 1)[1] if "#" in line else ""))
    return lines


def test_every_facility_price_records_its_public_search() -> None:
    lines = _price_lines()
    assert len(lines) >= 15
    problems = []
    for number, comment in lines:
        checked = bool(re.search(r"\[(S|P)\]", comment)) and bool(_YEAR.search(comment))
        if not (checked or "no public source found" in comment):
            problems.append(f"facility.factory:{number}: {comment.strip()[:90]}")
    assert not problems, "prices without a recorded public search:\n" + "\n".join(problems)
