"""The results view every renderer reads: a scenario's values and units, formatted, and the problems of
a run (diagnostics and failed checks) summed up for a banner.

Pipeline position: render; reads `compiler.evaluate.Results` and a diagnostic sink, formats with
`compiler.display`. It imports nothing from `compiler.models`: renderers show model outputs, they never
compute them (tests/test_layering.py).

    ResultsView(results, scenario)     value(path) / array(path) / text(path) / unit(path) / declared(path)
                                       / show(path) (readable text) / count(instance) / parameters(scenario)
    problems(results, sink) -> Problems
                                       every diagnostic of severity error or warning and every failed check
                                       with no diagnostic of its own, as one list (errors first), each with
                                       the scenarios it fails in named by their parameter values; rendered
                                       the same way for any diagnostic code or check kind.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..display import format_number, format_quantity

MAX_SCENARIOS_NAMED = 6


ABSENT_TEXT = "n/a"      # how tables and reports show a value that does not exist (Results.absent)


def list_items(results) -> dict[str, np.ndarray]:
    """The items of each quantity whose value is a list written out (`let xs = [1, 2, 3]`: every item counted once),
    as quantities of their own, `xs[0]`, `xs[1]`, ..., each over the scenario axis in the list's SI unit: what eval
    shows of a list, in every format (a selection of parts, `server.power`, counts its items: not one of these).
    Memoized on the results (they do not change once evaluated)."""
    found = getattr(results, "_list_items", None)
    if found is None:
        found = {}
        for path, value in results.values.items():
            items = getattr(value, "items", None)
            if type(value).__name__ != "Values" or not items:
                continue
            if not all(isinstance(v, np.ndarray) and v.dtype != bool and isinstance(c, np.ndarray)
                       and np.all(c == 1) for c, v in items):
                continue
            for i, (_count, v) in enumerate(items):
                found[f"{path}[{i}]"] = v
        try:
            results._list_items = found
        except AttributeError:          # (results without a __dict__: computed again each time)
            pass
    return found


def list_base(path: str) -> str:
    """`xs` of a list's item `xs[2]`; the path itself otherwise."""
    return path[:path.rindex("[")] if path.endswith("]") and "[" in path else path


class ResultsView:
    """Scalar reads of evaluated results at one scenario (0-based), in SI, and their readable text."""

    def __init__(self, results, scenario: int = 0):
        self.results = results
        self.scenario = scenario

    # values --------------------------------------------------------------------------------------
    def array(self, path: str) -> np.ndarray | None:
        """The values of a numeric quantity over the scenario axis (None for text, references, booleans)."""
        value = self.results.values.get(path)
        if value is None and path.endswith("]"):
            value = list_items(self.results).get(path)
        if not isinstance(value, np.ndarray) or value.dtype == bool or value.size == 0:
            return None
        return self._per_scenario(np.asarray(value, dtype=float).reshape(-1))

    def _per_scenario(self, value: np.ndarray) -> np.ndarray | None:
        """A flat array of values as one per scenario: a single value broadcast; None for any other length."""
        n = self.results.scenario_count
        if value.size == 1:
            return np.broadcast_to(value, (n,))
        return value if value.size == n else None

    def truth(self, path: str) -> np.ndarray | None:
        """The values of a true/false quantity (`let fits = draw <= 25 kW`) over the scenario axis; None otherwise."""
        value = self.results.values.get(path)
        if not isinstance(value, np.ndarray) or value.dtype != bool or value.size == 0:
            return None
        return self._per_scenario(value.reshape(-1))

    def value(self, path: str, scenario: int | None = None) -> float | None:
        """The SI value at the view's scenario (or `scenario`); None when absent or not finite."""
        values = self.array(path)
        if values is None:
            return None
        v = float(values[self.scenario if scenario is None else scenario])
        return v if math.isfinite(v) else None

    get = value

    def text(self, path: str) -> str | None:
        value = self.results.values.get(path)
        return value if isinstance(value, str) else None

    def unit(self, path: str) -> str:
        return self.results.units.get(list_base(path), "")

    def declared(self, path: str) -> str:
        """The unit (or kind: count, ratio, temp, ...) the field was declared in, "" when none."""
        node = self.results.graph.nodes.get(list_base(path))
        return getattr(node, "display", "") or "" if node is not None else ""

    display = declared

    def absent(self, path: str, scenario: int | None = None) -> str | None:
        """Why the quantity has no value at the scenario (`Results.absent`: an infeasible workload, a
        figure that does not exist there), None when it has one."""
        found = getattr(self.results, "absent", {}).get(path)
        if found is None:
            return None
        i = self.scenario if scenario is None else scenario
        if hasattr(found, "at"):            # each scenario's own reason (compiler.evaluate.Absent)
            return found.at(i)
        mask = np.asarray(found.mask).reshape(-1)
        return found.reason if bool(mask[i if mask.size > 1 else 0]) else None

    def show(self, path: str, scenario: int | None = None) -> str:
        """A quantity as a reader sees it: text as is, numbers in readable units, "n/a" when the models say
        it has no value there (`absent`), "—" when it is not a number."""
        text = self.text(path)
        if text is not None:
            return text
        if self.absent(path, scenario) is not None:
            return ABSENT_TEXT
        values = self.array(path)
        if values is None:
            truth = self.truth(path)
            if truth is not None:
                return "true" if truth[self.scenario if scenario is None else scenario] else "false"
            return "—"
        v = float(values[self.scenario if scenario is None else scenario])
        return format_quantity(v, self.unit(path), self.declared(path))

    def count(self, inst) -> float | None:
        """How many of `inst` its parent holds: 1 when placed without a count."""
        if inst.count is None:
            return 1.0
        return self.value(inst.count)

    # scenarios -----------------------------------------------------------------------------------
    def parameters(self, scenario: int) -> list[tuple[str, str]]:
        """(swept parameter, its value as text) of one scenario (cached: banners ask for every scenario)."""
        cache = self.__dict__.setdefault("_parameter_texts", {})
        if scenario not in cache:
            cache[scenario] = self._parameters(scenario)
        return cache[scenario]

    def parameter_texts(self) -> list[tuple[str, list[str], np.ndarray]]:
        """For each swept parameter: (name, its distinct texts, the index into them of each scenario's text). Each
        distinct value is formatted once (a sweep of 10^6 scenarios has a few thousand), two values that print
        alike share one text (cached)."""
        cached = self.__dict__.get("_parameter_columns")
        if cached is not None:
            return cached
        out = []
        n = self.results.scenario_count
        for name in self.results.graph.sweep:
            values = self.array(name)
            if values is None:
                continue
            bits, first, inverse = np.unique(np.ascontiguousarray(values, dtype=float).view(np.int64),
                                             return_index=True, return_inverse=True)
            declared = self.declared(name)
            unit = self.unit(name)
            texts: list[str] = []
            code_of: dict[str, int] = {}
            codes = np.empty(len(bits), dtype=np.int64)
            for j, at in enumerate(first):
                v = float(values[at])
                text = format_quantity(v, unit, declared) if unit not in ("", "1") else format_number(v)
                codes[j] = code_of.setdefault(text, len(texts))
                if codes[j] == len(texts):
                    texts.append(text)
            out.append((name, texts, codes[inverse.reshape(-1)] if n else codes[:0]))
        self.__dict__["_parameter_columns"] = out
        return out

    def _parameters(self, scenario: int) -> list[tuple[str, str]]:
        out = []
        for name in self.results.graph.sweep:
            values = self.array(name)
            if values is None:
                continue
            v = float(values[scenario])
            declared = self.declared(name)
            unit = self.unit(name)
            out.append((name, format_quantity(v, unit, declared) if unit not in ("", "1") else format_number(v)))
        return out


def scenarios_text(view: ResultsView, failing: list[int]) -> str:
    """Which scenarios of a sweep fail, by their parameter values: "gpus=1000, gpus=2000";
    "servers_per_rack=4" when one parameter's values say it all; "" for a single scenario."""
    n = view.results.scenario_count
    if n <= 1 or not failing:
        return ""
    if len(failing) == n:
        return "every scenario"
    # by the distinct texts of each parameter (`parameter_texts`), never scenario by scenario: a sweep of 10^6
    # scenarios has a few thousand values to format
    columns = view.parameter_texts()
    order = np.asarray(failing, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    bad[order] = True
    for name, texts, codes in columns if len(columns) > 1 else ():     # one parameter explains the whole set
        codes_bad = np.zeros(len(texts), dtype=bool)
        codes_bad[codes[bad]] = True
        if np.array_equal(codes_bad[codes], bad):
            in_order = codes[order]                                       # each text where `failing` first has it
            _, first = np.unique(in_order, return_index=True)
            shown = [texts[c] for c in in_order[np.sort(first)]]
            return ", ".join(f"{name}={v}" for v in shown[:MAX_SCENARIOS_NAMED]) + \
                (f" and {len(shown) - MAX_SCENARIOS_NAMED} more values" if len(shown) > MAX_SCENARIOS_NAMED else "")
    shown = [" ".join(f"{name}={texts[codes[s]]}" for name, texts, codes in columns) or f"scenario {s + 1}"
             for s in failing[:MAX_SCENARIOS_NAMED]]
    more = len(failing) - len(shown)
    return ", ".join(shown) + (f" and {more} more scenario{'s' if more != 1 else ''}" if more > 0 else "")


# ---------------------------------------------------------------------------------------------- problems
@dataclass
class Problem:
    severity: str            # "error" or "warning"
    code: str                # the diagnostic code; "" for a failed check that has no diagnostic of its own
    message: str
    where: str = ""          # file:line
    detail: str = ""         # the figures behind it (first failing scenario)
    scenarios: str = ""      # "fails for gpus=1000, gpus=2000" in a sweep


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)
    checks_total: int = 0
    checks_failed: int = 0

    @property
    def errors(self) -> int:
        return sum(1 for p in self.items if p.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for p in self.items if p.severity == "warning")

    @property
    def clean(self) -> bool:
        return not self.items and not self.checks_failed

    def headline(self) -> str:
        """ "2 errors, 1 warning"; "no problems" when clean."""
        parts = []
        if self.errors:
            parts.append(f"{self.errors} error{'s' if self.errors != 1 else ''}")
        if self.warnings:
            parts.append(f"{self.warnings} warning{'s' if self.warnings != 1 else ''}")
        return ", ".join(parts) or "no problems"

    def checks_line(self) -> str:
        """What the header says about the checks: never "all pass" while any problem stands."""
        if self.checks_total == 0:
            return "no checks" if self.clean else self.headline()
        one = self.checks_total == 1      # "the 1 check passes", never "all 1 checks pass" (s26-hunt)
        if self.checks_failed:
            return f"{self.checks_failed} of {self.checks_total} check{'' if one else 's'} fail{'s' if one else ''}"
        if not self.clean:
            return f"{self.headline()}; {self.checks_total} check{' holds' if one else 's hold'}"
        return "the 1 check passes" if one else f"all {self.checks_total} checks pass"


def _where(span) -> str:
    return f"{span.file}:{span.line}" if span is not None else ""


def _reports(d, c) -> bool:
    """Whether diagnostic `d` reports failed check `c`: at the check's line (or with it related: a limit or assert
    of an imported definition is shown at the evaluated file's block that fails it, `evaluate.finding_span`, its own
    line related), saying the check's message (or a rule's finding, its detail: `over-committed`'s numbers)."""
    if c.span is None or d.span is None:
        return False
    at = (c.span.file, c.span.line)
    if at != (d.span.file, d.span.line) and not any((r.span.file, r.span.line) == at for r in d.related):
        return False
    return c.message in d.message or bool(c.detail) and c.detail in d.message


def problems(results, sink) -> Problems:
    """Every error and warning of the run, and every failed check, once each, errors first, in source
    order. A failed check and the diagnostic reporting it (same file and line, the check's message in
    the diagnostic's) are one problem; a check failing with no diagnostic is an error of its own."""
    diags = [d for d in (sink.sorted() if sink is not None else []) if d.severity in ("error", "warning")]
    checks = list(results.checks) if results is not None else []
    view = ResultsView(results) if results is not None else None       # one view: its parameter texts are cached
    items: list[Problem] = []
    matched: set[int] = set()
    failed = [c for c in checks if not c.ok]
    for d in diags:
        check = next((i for i, c in enumerate(failed) if i not in matched and _reports(d, c)), None)
        scenarios = ""
        if check is not None:
            matched.add(check)
            scenarios = scenarios_text(view, failed[check].failing) if view is not None else ""
        detail = "; ".join(d.notes)
        items.append(Problem(d.severity, d.code, d.message, _where(d.span), detail, scenarios))
    for i, c in enumerate(failed):
        if i in matched:
            continue
        items.append(Problem("error", "", f"check failed: {c.name}", _where(c.span), c.detail,
                             scenarios_text(view, c.failing) if view is not None else ""))
    items.sort(key=lambda p: p.severity != "error")           # stable: errors first, then source order
    return Problems(items, len(checks), len(failed))


def problem_line(p: Problem) -> str:
    """One problem on one line of plain text."""
    text = f"{p.severity}[{p.code}]: {p.message}" if p.code else f"{p.severity}: {p.message}"
    if p.scenarios:
        text += f"; fails for {p.scenarios}"
    if p.where:
        text += f" ({p.where})"
    return text
