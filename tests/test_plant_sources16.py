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


# The facility prices no dated original source was found for (s16-capex, s17-econ, s18-prices and s20-hunt searched;
# each line says what was found and checked against). Named here so the list is in plain sight and cannot grow
# silently: a new price either cites its dated source or joins this list on purpose.
UNSOURCED = {"Switchgear_LV_4000A", "UPS_1250kVA", "Rectifier_800VDC_1MW", "PDU_300kVA", "Busway_800A_415V",
             "PowerShelf_33kW", "CDU_row_2MW", "CDU_rack_150kW", "CRAH_150kW", "DryCooler_1MW", "Pump_3500kW"}


def test_the_unsourced_facility_prices_are_exactly_the_named_ones_and_say_so() -> None:
    """A price with no dated original source starts its comment "NOT PUBLISHED [U]" and ends with the latest search
    (s20-hunt, 2026-12-06, "no dated original source found"); every other price cites none of that."""
    owner, unsourced, unsearched = None, set(), []
    for line in FACILITY.read_text().splitlines():
        found = re.match(r"\w+ (\w+)( extends [\w.]+)? \{", line)
        owner = found.group(1) if found else owner
        if re.match(r"\s*price\s*=", line) and "NOT PUBLISHED [U]" in line:
            unsourced.add(owner)
            if "no dated original source found" not in line:
                unsearched.append(owner)
    assert unsourced == UNSOURCED
    assert not unsearched, unsearched
