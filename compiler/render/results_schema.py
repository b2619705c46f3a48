"""The results JSON contract as pydantic models; its JSON Schema is published as docs/results.schema.json.

Pipeline position: render contract; imports pydantic only. `compiler.render.results` writes documents of
this shape; tests validate every example's output against it. A field is only ever added in a new minor
version, never renamed or removed. Regenerate the published schema with:

    python3 -m compiler.render.results_schema > docs/results.schema.json
"""
from __future__ import annotations

import json
from typing import Literal, Optional

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Location(_Strict):
    file: str
    line: int = Field(ge=1)
    col: int = Field(ge=1)
    end_line: int = Field(ge=1)
    end_col: int = Field(ge=1)


class Related(_Strict):
    label: str
    location: Location


class CommandLine(_Strict):
    text: str = Field(description="the flag and the value as typed, e.g. `-D halls=1..x`")
    col: int = Field(ge=1, description="1-based column in `text` where the diagnostic's place begins")
    end_col: int = Field(ge=1, description="1-based column in `text` where it ends (exclusive)")


class Diagnostic(_Strict):
    severity: Literal["error", "warning", "note"]
    code: str = Field(pattern=r"^[a-z][a-z0-9-]*$", description="stable kebab-case code (docs/diagnostics.md)")
    message: str
    location: Optional[Location] = Field(description="the place in a spec file; null when there is none (a "
                                         "diagnostic about the whole run, or a command-line value: `command_line`)")
    command_line: Optional[CommandLine] = Field(default=None, description="added in version 1 (fields are only "
                                                "ever added): present only when the diagnostic's place is a value "
                                                "given on the command line (`-D`, `--vary`), whose `location` is "
                                                "then null; before session 25 `location` named a file `-D halls` "
                                                "that does not exist")
    related: list[Related]
    notes: list[str]
    help: Optional[str]


class Scenarios(_Strict):
    count: int = Field(ge=1, description="number of scenarios (1, or N for a sweep)")
    parameters: dict[str, list[float]] = Field(description="swept parameters: one value per grid point, SI")


class Absent(_Strict):
    scenarios: list[int] = Field(description="0-based indices of the scenarios in which the quantity has no value")
    reason: str = Field(description="why, with the numbers (for example: the weights need 138 GB, a chip has 72 GB)")
    origin: str = Field(description="the quantity that has no value for this reason: this one, or the one it is "
                                    "computed from")


class Flagged(_Strict):
    codes: list[str] = Field(description="the codes of the diagnostics that make the figure incomplete "
                                         "(docs/diagnostics.md): `unpriced`, `implausible-value`, ...; "
                                         "`latency-knife-edge` on a served latency (ttft_p99, tpot_p99, ttft_p50, "
                                         "tpot_mean) whose band, the quantities NAME_low and NAME_high beside it (its "
                                         "value at the load x 0.95 and x 1.05), spans more than 1.5x or is unbounded "
                                         "(NAME_high absent); the quantity room_load, where present, is the load at "
                                         "which every band is within 1.5x")
    reason: str = Field(description="the words the report and the table show after the figure, e.g. "
                                    "'incomplete: counts unpriced parts as $0'")
    scenarios: Optional[list[int]] = Field(default=None, description="added in version 1 (fields are only ever "
                                           "added): present only in a sweep where the diagnostics flagging the "
                                           "figure hold in some scenarios only (an implausible value swept in): "
                                           "those scenarios, 0-based; absent, the figure is flagged in every one")


class Quantity(_Strict):
    unit: str = Field(description="SI unit: W, J, s, B, B/s, FLOP/s, USD, K, m^3/s, tok/s, 1, ...")
    values: list[Optional[float]] = Field(description="one value per scenario, SI; null when not finite")
    absent: Optional[Absent] = Field(default=None, description="added in version 1 (fields are only ever added): "
                                     "present only when the quantity has no value in some scenarios (an infeasible "
                                     "workload); its values there are null")
    flagged: Optional[Flagged] = Field(default=None, description="added in version 1 (fields are only ever "
                                       "added): present only when a warning makes the figure incomplete (a capex "
                                       "that counts an unpriced part as $0), or an error leaves it without a valid "
                                       "value (`over-committed`: a site's service figures and energy bill for "
                                       "services it cannot hold; `infeasible-workload`: a site's energy bill with a "
                                       "service that cannot run), or it is computed from such a figure; the report "
                                       "and the table mark it the same way")


class Check(_Strict):
    name: str
    ok: bool
    message: str
    location: Optional[Location] = Field(description="where the check stands: its own line, or for a check "
                                         "written in an imported file (the stdlib's) that fails for a block of "
                                         "the evaluated files, that block, as its error")
    related: Optional[list[Related]] = Field(default=None, description="added in version 1 (fields are only "
                                             "ever added): present only when `location` is not the check's own "
                                             "line: the check as written (the stdlib's limit or assert)")
    failing: Optional[list[int]] = Field(default=None, description="added in version 1 (fields are only ever "
                                         "added): present only when the check fails (ok false): the 0-based "
                                         "indices of the scenarios it fails in")


class TotalTerm(_Strict):
    figure: Optional[str] = Field(description="the quantity a top-level block adds (null: its kind has none)")
    count: Optional[str] = Field(description="the quantity of its multiplicity; null where it is placed once")


class Total(_Strict):
    unit: str = Field(description="SI unit, as its terms'")
    values: list[Optional[float]] = Field(description="one value per scenario, SI: the sum over the terms of "
                                          "count x figure; null where a term has no finite value")
    formula: str = Field(description="the sum in words")
    terms: list[TotalTerm] = Field(description="the plan's top-level blocks (its sites, else halls, rows, racks, "
                                   "servers), in the spec's order")
    flagged: Optional[Flagged] = Field(default=None, description="added in version 1 (fields are only ever "
                                       "added): present only where a term it adds is flagged: their codes, and the "
                                       "scenarios where they hold if some only (the diagrams' totals lines mark it)")


class BomLine(_Strict):
    kind: str = Field(description="the part kind (rack, server, chip, cpu, memory, storage, switch, nic, dpu, "
                      "transceiver, cable)")
    item: str = Field(description="the definition its placements name (`chip g: H100_SXM` -> H100_SXM), else their "
                      "own name")
    placements: list[str] = Field(description="the placed parts' paths, in the spec's order")
    quantity: list[Optional[float]] = Field(description="one value per scenario: the sum of the placements' "
                                            "`quantity`; null where one of them has none")
    total_price: list[Optional[float]] = Field(description="one value per scenario, USD: the sum of the placements' "
                                               "`total_price` that have one; null where none has")
    total_power: list[Optional[float]] = Field(description="one value per scenario, W: the sum of the placements' "
                                               "`total_power` that have one; null where none has")


class Results(_Strict):
    """The document `factory eval --format json` prints and `factory build` writes as results.json."""

    format_version: Literal["1"]
    spec: str
    scenarios: Scenarios
    quantities: dict[str, Quantity]
    checks: list[Check]
    diagnostics: list[Diagnostic]
    totals: dict[str, Total] = Field(default_factory=dict, description="added in version 1 (fields are only ever "
                                     "added): the figures of the whole plan, what its top-level blocks add up to "
                                     "(accelerators, it_power, facility_power, heat_liquid, heat_air, cooling_power; "
                                     "compiler/plan_totals.py), as the diagrams' totals lines give them")
    bill_of_materials: dict[str, list[BomLine]] = Field(
        default_factory=dict, description="added in version 1 (fields are only ever added): each top-level block's "
        "bill of materials, one line per definition of each part kind it holds (compiler/bill_of_materials.py), as "
        "the report's Bill of materials gives them")


def schema_text(model: type[BaseModel], name: str) -> str:
    """The JSON Schema (2020-12) of one of the CLI's JSON documents, as published in docs/ (`name`: its id)."""
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = f"https://factory-dsl.dev/schemas/{name}.json"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def json_schema() -> str:
    return schema_text(Results, "results-1")


if __name__ == "__main__":
    print(json_schema(), end="")
