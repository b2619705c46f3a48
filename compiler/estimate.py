"""`factory estimate inference|training`: a quick answer without writing a file.

Pipeline position: beside the CLI. It writes the spec a user would have written (printable with
`--emit-spec`): the stdlib system placed in a hall (so the cost model prices it) and one workload block,
then runs that text through the same front end, lowering and evaluation as any spec: one model, not two.
The spec is built from typed values with `dsl.spec_builder` (names checked, numbers and units written so
they read back exactly, text escaped), and the stdlib's definitions are found in the stdlib's own syntax
trees (parsed by a `dsl` session), never by pattern-matching text. The CLI runs the text.
"""
from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dsl import spec_builder as b

KINDS = {"server": "system", "node": "system", "rack": "rack", "chip": "chip", "gpu": "chip", "accelerator": "chip"}


class EstimateError(ValueError):
    """A flag that names nothing in the stdlib (reported as a usage error)."""


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


@lru_cache(maxsize=1)
def stdlib_blocks() -> dict[str, tuple[str, str, str]]:
    """name -> (module, kind, name) for every top-level definition of the stdlib, read from the syntax trees
    of its modules (the default session's parse cache, which the estimate's own check then reuses). The
    kind is the canonical one (`node` is a server). A later module's definition of the same name wins."""
    import dsl
    from dsl import nodes as n
    from dsl.resources import stdlib_modules
    from dsl.schema import kind as kind_spec

    text = "".join(f"import {module}\n" for module in stdlib_modules())
    checked, _ = dsl.default_session().check_text(text, "<stdlib>.factory")
    if checked is None:
        return {}
    modules = sorted((m for m in checked.program.modules.values() if m.is_stdlib), key=lambda m: m.path)
    found: dict[str, tuple[str, str, str]] = {}
    for module in modules:
        stem = Path(module.path).stem
        for stmt in module.statements:
            if isinstance(stmt, n.Block):
                spec = kind_spec(stmt.kind)
                found[stmt.name] = (stem, spec.name if spec is not None else stmt.kind, stmt.name)
    return found


def lookup(name: str, kinds: tuple[str, ...]) -> tuple[str, str, str]:
    """A stdlib definition of one of `kinds` by exact, normalized, or unique-prefix name."""
    blocks = {k: v for k, v in stdlib_blocks().items() if v[1] in kinds}
    if name in blocks:
        return blocks[name]
    wanted = _norm(name)
    exact = [v for k, v in blocks.items() if _norm(k) == wanted]
    if len(exact) == 1:
        return exact[0]
    prefix = [v for k, v in blocks.items() if _norm(k).startswith(wanted)]
    if len(prefix) == 1:
        return prefix[0]
    choices = ", ".join(sorted(blocks))
    what = " or ".join(kinds)
    if prefix:
        raise EstimateError(f"`{name}` is ambiguous: {', '.join(sorted(v[2] for v in prefix))}")
    raise EstimateError(f"no stdlib {what} named `{name}`; known: {choices}")


@dataclass
class Request:
    what: str                       # inference | training
    system: str
    model: str
    count: int | None = None
    precision: str | None = None
    input_tokens: float | None = None
    output_tokens: float | None = None
    ttft: str | None = None         # a quantity as written (`2 s`, `450 ms`)
    tpot: str | None = None
    scenario: str | None = None
    tokens: str | None = None       # training token budget (`15 Ttok`)
    serving: str | None = None
    demand: str | None = None
    power_cap: str | None = None
    deadline: str | None = None


def _quantity(text: str | None, unit: str, flag: str = "") -> b.Quantity | None:
    """`2` -> 2 s; `450ms` -> 450 ms; `15T` -> 15 Ttok (a bare prefix takes the default unit); a value
    with its own unit keeps it. The value must be a finite number above 0 in a unit of the same dimension
    as `unit`, else EstimateError (a usage error)."""
    from dsl.units import UnitError, parse_unit

    if text is None:
        return None
    text = text.strip()
    what = f"{flag} {text}" if flag else f"`{text}`"
    m = re.fullmatch(r"([-+0-9.eE_]+)\s*([A-Za-z/^0-9]*)", text)
    if not m:
        raise EstimateError(f"{what}: not a number with an optional unit (like 2, 450ms, 15Ttok)")
    number, given = m.groups()
    try:
        value = float(number.replace("_", ""))
    except ValueError:
        raise EstimateError(f"{what}: not a number with an optional unit (like 2, 450ms, 15Ttok)") from None
    if given in ("k", "M", "G", "T", "P"):
        given += unit
    try:
        dim_ok = parse_unit(given).dim == parse_unit(unit).dim if given else True
    except UnitError:
        raise EstimateError(f"{what}: unknown unit `{given}`") from None
    if not dim_ok:
        raise EstimateError(f"{what}: `{given}` is not a unit of the same kind as {unit}")
    _positive(value, what)
    return b.Quantity(value, given or unit)


def _positive(value: float, what: str) -> None:
    if not math.isfinite(value) or value <= 0:
        raise EstimateError(f"{what}: must be a finite number above 0")


INFERENCE_ONLY = {"input_tokens": "--input-tokens", "output_tokens": "--output-tokens", "ttft": "--ttft",
                  "tpot": "--tpot", "scenario": "--scenario", "serving": "--serving", "demand": "--demand",
                  "power_cap": "--power-cap"}
TRAINING_ONLY = {"tokens": "--tokens", "deadline": "--deadline"}


def check_request(req: "Request") -> None:
    """Refuse flags that do not apply to the chosen mode and numbers that are not finite and above 0."""
    other, mode = (TRAINING_ONLY, "training") if req.what == "inference" else (INFERENCE_ONLY, "inference")
    given = [flag for name, flag in other.items() if getattr(req, name) is not None]
    if given:
        raise EstimateError(f"{', '.join(given)} {'applies' if len(given) == 1 else 'apply'} to `factory "
                            f"estimate {mode}` only, not {req.what}")
    for name, flag in (("input_tokens", "--input-tokens"), ("output_tokens", "--output-tokens")):
        value = getattr(req, name)
        if value is not None:
            _positive(float(value), f"{flag} {value}")
    if req.count is not None and not 1 <= req.count <= 2 ** 53:
        raise EstimateError(f"--count {req.count}: must be a whole number from 1 to 2^53")


def build_spec(req: Request) -> str:
    """The spec of the request (see the module doc), written by dsl.spec_builder."""
    return spec_module(req).text()


def spec_module(req: Request) -> b.Module:
    check_request(req)
    module, kind, system = lookup(req.system, ("server", "rack", "chip"))
    mmodule, _, model = lookup(req.model, ("model",))
    imports = {module: [system]}
    imports.setdefault(mmodule, []).append(model)
    count = req.count
    fields = [b.Field("model", b.Name(model)), b.Field(KINDS[kind], b.Name(system))]
    if count is not None:
        fields.append(b.Field("accelerators", count))
    if kind == "chip":
        fields.append(b.Field("scaleup_size", count or 1))
    if req.precision:
        fields.append(b.Field("precision", b.Text(req.precision)))
    if req.what == "inference":
        if req.scenario:
            fields.append(b.Field("scenario", b.Text(req.scenario)))
        if req.serving:
            fields.append(b.Field("serving", b.Text(req.serving)))
        if req.input_tokens is not None:
            fields.append(b.Field("input_tokens", b.Quantity(req.input_tokens, "tok")))
        if req.output_tokens is not None:
            fields.append(b.Field("output_tokens", b.Quantity(req.output_tokens, "tok")))
        for name, value, unit, flag in (("ttft_limit", req.ttft, "s", "--ttft"), ("tpot_limit", req.tpot, "s", "--tpot"),
                                        ("demand", req.demand, "tok/s", "--demand"),
                                        ("power_cap", req.power_cap, "W", "--power-cap")):
            if value is not None:
                fields.append(b.Field(name, _quantity(value, unit, flag)))
    else:
        if req.tokens is not None:
            fields.append(b.Field("tokens", _quantity(req.tokens, "tok", "--tokens")))
        if req.deadline is not None:
            fields.append(b.Field("deadline", _quantity(req.deadline, "s", "--deadline")))
    # An estimate prices the system and the building it stands in, not land: its site gives `land_price = 0 USD`
    # (said in the doc line), where none would warn `unpriced` about a price no estimate flag can give.
    site: list = [b.Field("land_price", b.Quantity(0, "USD"))]
    if kind == "server":
        units = b.Call("ceil", b.Number(count) / b.Call("count", b.Name(f"{system}.chip"))) if count is not None else 1
        site.append(b.Block("hall", "h", [b.Block("rack", "r", [b.Block("server", "node", base=system, count=units)])]))
    elif kind == "rack":
        units = (b.Call("ceil", b.Number(count) / b.Call("count", b.Name(f"{system}.server.chip")))
                 if count is not None else 1)
        site.append(b.Block("hall", "h", [b.Block("rack", "r", base=system, count=units)]))
    site.append(b.Block(req.what, "workload", fields))
    doc = (f"factory estimate {req.what}: {model} on {count or 'one'} x {system} (generated; land not priced: "
           "write a spec with the site's land_price to count it).")
    return b.Module(doc, [*(b.FromImport(mod, names) for mod, names in imports.items()),
                          b.Block("site", "estimate", site)])


def sized_by_target(req: Request) -> bool:
    """The request sizes its accelerators by its target: an inference `--demand` or a training `--deadline`, with
    no `--count`."""
    target = req.demand if req.what == "inference" else req.deadline
    return target is not None and req.count is None


def sized_to_target(req: Request, results) -> Request | None:
    """A request sized by its target (sized_by_target): an inference `--demand` with no `--count` is placed on as
    many accelerators as carry the demand: the workload sizes itself (`accelerators_needed`, the fewest whole
    replicas that carry it), and the site must place that many, or the estimate would end in an over-commit error for gear the user never chose. None where
    the request is not so sized or one system already carries the demand. A training request with a `--deadline`
    and no `--count` likewise: on accelerators_needed, the fewest that finish within the deadline (9 H100 for
    Llama 3.1 8B on 1 Ttok in 90 days, where one 8-GPU system takes 91.75), so that its time to train is the one
    that meets it."""
    import numpy as np
    if not sized_by_target(req) or results is None:
        return None
    needed = results.values.get("estimate.workload.accelerators_needed")
    if not isinstance(needed, np.ndarray) or needed.size == 0 or not np.isfinite(needed.reshape(-1)[0]):
        return None
    n = int(math.ceil(float(needed.reshape(-1)[0])))
    placed = results.values.get("estimate.workload.accelerators")
    if n < 1 or (isinstance(placed, np.ndarray) and placed.size and n <= float(placed.reshape(-1)[0])):
        return None
    return dataclasses.replace(req, count=n)


INFERENCE_TABLE = ("tokens_per_s", "tokens_per_s_per_chip", "tokens_per_s_per_user", "ttft", "tpot", "tp", "pp",
                   "batch", "replicas", "power", "tokens_per_joule", "served_tokens_per_s", "usd_per_mtok", "feasible")
TRAINING_TABLE = ("time_to_train", "step_time", "mfu", "tp", "pp", "dp", "tokens_per_s", "gpu_hours", "energy",
                  "cost", "goodput", "power", "accelerators_needed")


def table_rows(results, what: str) -> list[tuple[str, str, str, float]]:
    """(name, SI unit, declared display unit, value) of the workload's headline figures."""
    import numpy as np
    names = INFERENCE_TABLE if what == "inference" else TRAINING_TABLE
    out = []
    for name in names:
        path = f"estimate.workload.{name}"
        value = results.values.get(path)
        node = results.graph.nodes.get(path)
        declared = node.display if node is not None else ""
        if isinstance(value, np.ndarray) and value.size:
            out.append((name, results.units.get(path, ""), declared, float(value.reshape(-1)[0])))
        elif value is None:
            out.append((name, results.units.get(path, ""), declared, math.nan))
    return out


def table_text(results, sink, what: str) -> str:
    """The estimate's table: one line per headline figure in readable units. A figure with no value says n/a and
    why (as `eval`), never "nan"; a figure a warning makes incomplete carries the report's mark
    (`report_format.flagged_quantities`: ` (⚠ incomplete: counts unpriced parts as $0)`)."""
    from .display import format_quantity
    from .render.report_format import flag_mark, flagged_quantities

    flags = flagged_quantities(results, sink)
    lines = []
    for name, unit, declared, value in table_rows(results, what):
        path = f"estimate.workload.{name}"
        absent = (getattr(results, "absent", None) or {}).get(path)
        why = absent.at(0) if absent is not None and not math.isfinite(value) else None
        if why is None and not math.isfinite(value):
            # no recorded reason (a `model-input-missing` input, e.g. a chip without a price): the diagnostic
            # that names the figure says why, else that it has no value
            why = next((d.message.split(": ", 1)[-1] for d in sink.items if f"`{path}`" in d.message),
                       "no value (see the diagnostics)")
        shown = f"n/a  (n/a: {why})" if why else format_quantity(value, unit, declared) + flag_mark(flags.get(path))
        lines.append(f"{name:<24} {shown}\n")
    return "".join(lines)
