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
    scaleup_size: int | None = None  # a bare chip's scale-up domain (default: scaleup_domain, the chip's server)


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
    if req.scaleup_size is not None and lookup(req.system, ("server", "rack", "chip"))[1] != "chip":
        raise EstimateError(f"--scaleup-size applies to a bare chip only; `{req.system}` is a server or rack, "
                            "whose own domain stands")
    if req.scaleup_size is not None and not 1 <= req.scaleup_size <= 2 ** 53:
        raise EstimateError(f"--scaleup-size {req.scaleup_size}: must be a whole number from 1 to 2^53")
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
        # bare chips: the chip's own scale-up domain (its stdlib server's NVLink / Infinity Fabric group, or
        # --scaleup-size), never the whole count (296 MI355X are 37 domains of 8, not one of 296)
        domain = req.scaleup_size or scaleup_domain(system)[0]
        if domain == 0:                       # SRAM-only: every chip placed is in the domain
            fields.append(b.Field("scaleup_size", count or 1))
        else:
            fields.append(b.Field("scaleup_size", min(count or domain, domain)))
            if count is None:
                fields.append(b.Field("accelerators", domain))
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
    # (`--count` counts accelerators, not systems: 100 on GB200_NVL72 racks are 2 racks, not 100)
    placed = count if count is not None or kind != "chip" else (domain or None)   # a bare chip: its domain
    on = f"{placed:,} accelerators of {system}" if placed is not None else f"one {system}"
    doc = (f"factory estimate {req.what}: {model} on {on} (generated; land not priced: "
           "write a spec with the site's land_price to count it).")
    return b.Module(doc, [*(b.FromImport(mod, names) for mod, names in imports.items()),
                          b.Block("site", "estimate", site)])


def _parts(name: str, defs: dict) -> dict[str, object]:
    """part name -> the part Block of a stdlib definition, its bases' parts first (`extends`: a part of the same
    name in the definition replaces the base's)."""
    from dsl import nodes as n
    block = defs.get(name)
    if block is None:
        return {}
    out: dict[str, object] = {}
    for base in block.base or []:
        out.update(_parts(base, defs))
    for stmt in block.body:
        if isinstance(stmt, n.Block) and stmt.base and isinstance(stmt.count, n.Number):
            out[stmt.name] = stmt
    return out


@lru_cache(maxsize=None)
def scaleup_domain(chip: str) -> tuple[int, str]:
    """(chips in one scale-up domain, where that comes from) of a bare stdlib chip: the domain of its stdlib
    server, as a workload on that server gets it (compiler/models/inference/ `scaleup`): a rack of that
    server with a `switch` part is one domain of the rack's chips (GB200: 72 in GB200_NVL72), else the server's
    chips are one (H100_SXM: 8 in DGX_H100; MI355X: 8 on its UBB); the largest where several hold the chip.
    A chip in no stdlib server (an add-in card without bridges: H100_PCIe, L40S) is a domain of 1; its
    bridges, where it has them, are --scaleup-size. An SRAM-only chip (memory = sram: WSE3, GroqLPU) gives 0:
    all the chips a workload places are its domain (the weights are spread over them), as the model has it."""
    import dsl
    from dsl import nodes as n
    from dsl.resources import stdlib_modules
    from dsl.schema import kind as kind_spec

    text = "".join(f"import {module}\n" for module in stdlib_modules())
    checked, _ = dsl.default_session().check_text(text, "<stdlib>.factory")
    if checked is None:
        return 1, "no stdlib server holds it"
    defs: dict[str, n.Block] = {}
    kinds: dict[str, str] = {}
    for module in sorted((m for m in checked.program.modules.values() if m.is_stdlib), key=lambda m: m.path):
        for stmt in module.statements:
            if isinstance(stmt, n.Block):
                spec = kind_spec(stmt.kind)
                defs[stmt.name], kinds[stmt.name] = stmt, spec.name if spec is not None else stmt.kind

    own = {st.name: st.value for st in defs[chip].body if isinstance(st, n.Field)} if chip in defs else {}
    memory, sram = own.get("memory"), own.get("sram")
    if isinstance(memory, n.Quantity) and isinstance(sram, n.Quantity) and \
            (memory.value, memory.unit) == (sram.value, sram.unit):
        return 0, "SRAM-only: all its chips (the weights spread over them)"

    def kind_of(part) -> str:
        spec = kind_spec(part.kind)
        return spec.name if spec is not None else part.kind

    servers: dict[str, int] = {}
    for name, k in sorted(kinds.items()):
        if k != "server":
            continue
        chips = [p for p in _parts(name, defs).values() if kind_of(p) == "chip"]
        if len(chips) == 1 and chips[0].base == [chip]:
            servers[name] = int(chips[0].count.value)
    found: list[tuple[int, str]] = [(c, f"{c} in stdlib server {s}") for s, c in servers.items()]
    for name, k in sorted(kinds.items()):
        if k != "rack":
            continue
        parts = _parts(name, defs).values()
        if not any(kind_of(p) == "switch" for p in parts):
            continue
        held = [p for p in parts if kind_of(p) == "server" and p.base and p.base[0] in servers]
        if held:
            total = sum(int(p.count.value) * servers[p.base[0]] for p in held)
            found.append((total, f"{total} in stdlib rack {name}'s switched domain"))
    if not found:
        return 1, "no stdlib server holds it"
    return max(found, key=lambda f: (f[0], f[1]))


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
    return _sized(req, n)


def _sized(req: Request, n: int) -> Request:
    """The request placed on the n accelerators its target needs; a count past 2^53 is a usage error that names
    the target that asked for it (the user gave no --count)."""
    if n > 2 ** 53:
        flag = f"--demand {req.demand}" if req.what == "inference" else f"--deadline {req.deadline}"
        raise EstimateError(f"{flag} needs {n:.3g} accelerators, more than the 2^53 an estimate places")
    return dataclasses.replace(req, count=n)


def _max_doublings() -> int:
    """Doublings of one system tried for a layout: up to max(PP_GRID) = 256 systems, a layout of one system
    (domain) a pipeline stage at the deepest pipeline the search has; past that more chips add replicas only."""
    from .models.inference import PP_GRID
    return int(math.ceil(math.log2(float(PP_GRID.max()))))


def _first(results, name: str) -> float:
    import numpy as np
    value = results.values.get(f"estimate.workload.{name}") if results is not None else None
    if not isinstance(value, np.ndarray) or value.size == 0:
        return math.nan
    return float(value.reshape(-1)[0])


def _system_chips(req: Request, results) -> float:
    """The chips of the one system an unsized request is placed on: the workload's accelerators, else (an
    infeasible workload's figures have no value) the site's placed chips, else a bare chip's domain."""
    import numpy as np
    system = _first(results, "accelerators")
    if not (math.isfinite(system) and system >= 1):
        placed = results.values.get("estimate.accelerators") if results is not None else None
        system = float(np.asarray(placed).reshape(-1)[0]) if placed is not None and np.size(placed) else math.nan
    if not (math.isfinite(system) and system >= 1):
        domain = req.scaleup_size or scaleup_domain(lookup(req.system, ("server", "rack", "chip"))[2])[0]
        system = float(max(domain, 1))
    return system


def evaluated(req: Request):
    """(the request as run, its spec text, results, sink): the request's spec evaluated; one sized by its target
    (sized_by_target) placed on the accelerators that carry it. An inference demand is carried by whole replicas
    of the smallest layout that fits: the layout is searched on one system (a bare chip: one scale-up domain,
    scaleup_domain), and where the model fits no layout there, on 2, 4, ... systems (its layout then spans
    domains over the scale-out network), up to 256 systems (_max_doublings); then placed on the fewest whole replicas of it
    that carry the demand (accelerators_needed), in domains of the chip's size, never one domain of them all.
    A model that fits no layout at any count tried ends as the largest try's `infeasible-workload` error, whose
    message gives the reason."""
    from . import evaluate_text

    text = build_spec(req)
    results, sink = evaluate_text(text, "estimate.factory")
    if not sized_by_target(req):
        return req, text, results, sink
    if req.what != "inference":
        sized = sized_to_target(req, results)
        if sized is None:
            return req, text, results, sink
        text = build_spec(sized)
        results, sink = evaluate_text(text, "estimate.factory")
        return sized, text, results, sink
    probe, system, doublings = req, _system_chips(req, results), _max_doublings()
    for k in range(doublings + 1):
        needed, placed = _first(results, "accelerators_needed"), _first(results, "accelerators")
        if math.isfinite(needed) and needed >= 1 and _first(results, "feasible") > 0:
            n = int(math.ceil(needed - 1e-9))
            if n == placed and probe.count is not None:
                return probe, text, results, sink
            if probe.count is None and n <= placed and lookup(req.system, ("server", "rack", "chip"))[1] != "chip":
                return probe, text, results, sink     # one system holds it (the workload sized itself on it)
            sized = _sized(req, n)
            text = build_spec(sized)
            results, sink = evaluate_text(text, "estimate.factory")
            return sized, text, results, sink
        if k == doublings or not math.isfinite(system) or system < 1:
            break
        probe = dataclasses.replace(req, count=int(system) * 2 ** (k + 1))
        text = build_spec(probe)
        results, sink = evaluate_text(text, "estimate.factory")
    return probe, text, results, sink


INFERENCE_TABLE = ("tokens_per_s", "tokens_per_s_per_chip", "tokens_per_s_per_user", "ttft", "tpot", "tp", "pp",
                   "batch", "replicas", "power", "tokens_per_joule", "served_tokens_per_s", "usd_per_mtok", "feasible")
# a disaggregated service's pools, after `replicas` (its decode replicas): absent when aggregated
DISAGGREGATED_TABLE = ("prefill_accelerators", "prefill_tp", "decode_accelerators", "accelerators_needed")
TRAINING_TABLE = ("time_to_train", "step_time", "mfu", "tp", "pp", "dp", "tokens_per_s", "gpu_hours", "energy",
                  "cost", "goodput", "power", "accelerators_needed")


def table_rows(results, what: str) -> list[tuple[str, str, str, float]]:
    """(name, SI unit, declared display unit, value) of the workload's headline figures."""
    import numpy as np
    names = INFERENCE_TABLE if what == "inference" else TRAINING_TABLE
    if what == "inference" and isinstance(results.values.get("estimate.workload.prefill_accelerators"), np.ndarray):
        at = names.index("replicas") + 1          # disaggregated: the pools, whose sum is the accelerators
        names = names[:at] + DISAGGREGATED_TABLE + names[at:]
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
            why = next((d.message.split(": ", 1)[-1] for d in sink.items if f"`{path}`" in d.message), None)
            if why is None and not any(d.severity in ("error", "warning") for d in sink.items):
                continue        # no diagnostic to see: an output the request does not ask for (accelerators_needed
                #                 without --deadline or --demand), no row
            why = why or "no value (see the diagnostics)"
        shown = f"n/a  (n/a: {why})" if why else format_quantity(value, unit, declared) + flag_mark(flags.get(path))
        lines.append(f"{name:<24} {shown}\n")
        if name == "tpot" and what == "inference":
            lines += _held_row(results)
    return "".join(lines)


def _held_row(results) -> list[str]:
    """The row after `tpot` saying the share of its --ttft / --tpot limits the capacity point is held to, where it
    is below 1 (`report_sections.held_fraction`: server 0.88, interactive 0.925): `--tpot 50ms` printed
    `tpot 43.98 ms` and nothing said why not 50 ms (s26-hunt)."""
    from .render.report_format import fmt
    from .render.report_sections import held_fraction
    from .render.view import ResultsView

    view = ResultsView(results)
    fraction, why = held_fraction(view, "estimate.workload", view.text("estimate.workload.scenario") or "")
    return [f"{'limits_held_to':<24} {fmt(fraction, 'percent')} of the TTFT and TPOT limits ({why})\n"] if why else []
