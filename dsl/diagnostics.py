"""Diagnostics: the registry of stable codes, the collecting sink, and text/JSON rendering.

Pipeline position: used by every stage; a stage reports into a `Sink` and keeps going, it never
raises on bad input. Imports only `dsl.source`. The registry below is the one list of codes;
docs/diagnostics.md is generated from it (tests keep the two in sync).
"""
from __future__ import annotations

import heapq
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Iterable

from .source import Source, Span

ERROR = "error"
WARNING = "warning"
NOTE = "note"

class Code:
    """Every diagnostic code as a constant: call sites name these, never a string (a typo is then an
    AttributeError at import, not a wrong code at run time). `CODES` documents each."""

    FILE_UNREADABLE = "file-unreadable"
    FILE_NOT_UTF8 = "file-not-utf8"
    FILE_BINARY = "file-binary"
    FILE_TOO_LARGE = "file-too-large"
    FILE_NOT_REGULAR = "file-not-regular"
    SYNTAX_ERROR = "syntax-error"
    UNCLOSED_BRACE = "unclosed-brace"
    UNMATCHED_CLOSE = "unmatched-close"
    UNTERMINATED_STRING = "unterminated-string"
    INVALID_CHARACTER = "invalid-character"
    NESTING_TOO_DEEP = "nesting-too-deep"
    INVALID_ESCAPE = "invalid-escape"
    IMPORT_NOT_FOUND = "import-not-found"
    IMPORT_CYCLE = "import-cycle"
    IMPORT_ESCAPES_ROOT = "import-escapes-root"
    DUPLICATE_IMPORT = "duplicate-import"
    IMPORT_PATH_INVALID = "import-path-invalid"
    SHADOWED_FILE = "shadowed-file"
    UNKNOWN_NAME = "unknown-name"
    UNKNOWN_KIND = "unknown-kind"
    UNKNOWN_FIELD = "unknown-field"
    MISSING_FIELD = "missing-field"
    DUPLICATE_DEFINITION = "duplicate-definition"
    RESERVED_NAME = "reserved-name"
    WRONG_KIND = "wrong-kind"
    MISPLACED_BLOCK = "misplaced-block"
    MISPLACED_STATEMENT = "misplaced-statement"
    INHERITANCE_CYCLE = "inheritance-cycle"
    AMBIGUOUS_NAME = "ambiguous-name"
    UNUSED_IMPORT = "unused-import"
    UNPLACED_BLOCK = "unplaced-block"
    SHADOWED_NAME = "shadowed-name"
    UNKNOWN_FUNCTION = "unknown-function"
    WRONG_ARGUMENTS = "wrong-arguments"
    UNKNOWN_PARAMETER = "unknown-parameter"
    INVALID_DEFINE = "invalid-define"
    UNKNOWN_UNIT = "unknown-unit"
    UNIT_MISMATCH = "unit-mismatch"
    TEMPERATURE_POINT = "temperature-point"
    NOT_DIMENSIONLESS = "not-dimensionless"
    TYPE_MISMATCH = "type-mismatch"
    INVALID_COUNT = "invalid-count"
    INVALID_RANGE = "invalid-range"
    INVALID_VALUE = "invalid-value"
    DEFINITION_CYCLE = "definition-cycle"
    ASSERT_FAILED = "assert-failed"
    NON_FINITE = "non-finite"
    UNDERFLOW = "underflow"
    NOTHING_TO_EVALUATE = "nothing-to-evaluate"
    LIMIT_EXCEEDED = "limit-exceeded"
    UNPRICED = "unpriced"
    INFEASIBLE_WORKLOAD = "infeasible-workload"
    OVER_COMMITTED = "over-committed"
    OVERLOADED = "overloaded"
    MODEL_INPUT_MISSING = "model-input-missing"
    FORMAT_FAILED = "format-failed"
    INTERNAL_ERROR = "internal-error"
    OUT_OF_RANGE = "out-of-range"
    INVALID_ROW = "invalid-row"
    NO_EFFECT = "no-effect"
    IMPLAUSIBLE_VALUE = "implausible-value"
    UNCOMPUTED_WORKLOAD = "uncomputed-workload"
    BATCH_BEYOND_RUN = "batch-beyond-run"
    LATENCY_KNIFE_EDGE = "latency-knife-edge"
    SLOWER_PRECISION = "slower-precision"


# code -> (stage, one-line explanation). Codes are stable: never rename or reuse one.
CODES: dict[str, tuple[str, str]] = {
    # reading and syntax
    Code.FILE_UNREADABLE: ("read", "A spec file could not be read (missing, a directory, or permission denied)."),
    Code.FILE_NOT_UTF8: ("read", "A spec file is not valid UTF-8 text; the position of the first bad byte is given."),
    Code.FILE_BINARY: ("read", "A spec file contains NUL bytes, so it is binary data, not a spec."),
    Code.FILE_TOO_LARGE: ("read", "A spec file is larger than the limit (8 MiB); split it into modules and import them."),
    Code.FILE_NOT_REGULAR: ("read", "A spec file is a named pipe (FIFO), a device such as /dev/zero, or a socket: it is refused before any byte is read."),
    Code.SYNTAX_ERROR: ("syntax", "The text does not follow the grammar; the message says what was expected."),
    Code.UNCLOSED_BRACE: ("syntax", "A `{`, `(` or `[` is never closed; the note shows where it was opened."),
    Code.UNMATCHED_CLOSE: ("syntax", "A `}`, `)` or `]` has no opening partner."),
    Code.UNTERMINATED_STRING: ("syntax", "A string literal has no closing quote on its line."),
    Code.INVALID_CHARACTER: ("syntax", "A character that has no meaning in the language."),
    Code.NESTING_TOO_DEEP: ("syntax", "Blocks or brackets are nested deeper than the limit (200 levels)."),
    Code.INVALID_ESCAPE: ("syntax", "A warning: a backslash in a string starts no escape (`\\q`); the string keeps "
                          "it as written. The escapes are `\\n`, `\\t`, `\\\"` and `\\\\`."),
    # imports
    Code.IMPORT_NOT_FOUND: ("import", "An imported module or file does not exist in the stdlib or under the spec's root."),
    Code.IMPORT_CYCLE: ("import", "Modules import each other in a cycle; the chain is shown."),
    Code.IMPORT_ESCAPES_ROOT: ("import", "An import path leaves the spec's root directory (or is absolute outside it)."),
    Code.DUPLICATE_IMPORT: ("import", "The same name is imported twice into one module."),
    Code.IMPORT_PATH_INVALID: ("import", "An import path cannot name a file: it contains a NUL byte, is longer than the file system allows, or runs into a loop of symbolic links."),
    Code.SHADOWED_FILE: ("import", "A warning: a bare import (`from chips import H100_SXM`) reads the stdlib module, never the file of that name beside the spec (`./chips.factory`, a copy a team keeps and edits); import the file by its quoted path (`from \"./chips.factory\" import H100_SXM`) to use it."),
    # names and structure
    Code.UNKNOWN_NAME: ("resolve", "A name is not defined in this block, any enclosing block, the module or its imports."),
    Code.UNKNOWN_KIND: ("resolve", "A block starts with a kind the language does not know (chip, server, rack, hall, ...)."),
    Code.UNKNOWN_FIELD: ("check", "A block sets a field its kind does not have. Use `let` for your own values."),
    Code.MISSING_FIELD: ("check", "A block (after inheritance) leaves a required field of its kind unset."),
    Code.DUPLICATE_DEFINITION: ("resolve", "Two definitions in one scope share a name."),
    Code.RESERVED_NAME: ("resolve", "A definition (`let`, `param`, block) is named by a keyword of the language "
                      "(`let if = 1`): no expression could refer to it, since there the word reads as the keyword."),
    Code.WRONG_KIND: ("check", "A block extends, or a field refers to, a definition of another kind."),
    Code.MISPLACED_BLOCK: ("check", "A block is nested inside a kind that cannot contain it (a hall inside a rack)."),
    Code.MISPLACED_STATEMENT: ("check", "A statement appears where it is not allowed (`import` or `param` inside a block)."),
    Code.INHERITANCE_CYCLE: ("resolve", "Definitions extend each other in a cycle; the chain is shown."),
    Code.AMBIGUOUS_NAME: ("resolve", "A name comes from two star imports; import it explicitly."),
    Code.UNUSED_IMPORT: ("check", "A name (or a module) is imported but nothing in the file reads it, nor does "
                         "another file import it from this one. A warning at the import, given when the program has no "
                         "error: remove it (the editor offers to)."),
    Code.UNPLACED_BLOCK: ("check", "A hall, row, rack or server is defined at the top of a spec that has sites, but nothing "
                          "places, extends or reads it: a plan is its sites, so the report, the diagrams and the "
                          "totals leave it out. A warning at its name, given when the program has no error: place it "
                          "in a site (`hall a: extra`), or remove it."),
    Code.SHADOWED_NAME: ("check", "Inside a block, a name reads the block's own field (one a model computes, or one left unset) although a `param` or `let` of the module has that name; rename one of them."),
    Code.UNKNOWN_FUNCTION: ("check", "A call names a function the language does not have."),
    Code.WRONG_ARGUMENTS: ("check", "A function gets the wrong number or kind of arguments."),
    Code.UNKNOWN_PARAMETER: ("check", "`-D name=value` names a parameter the spec does not declare."),
    Code.INVALID_DEFINE: ("check", "A `-D name=value` value does not parse as an expression or a range."),
    # types and units
    Code.UNKNOWN_UNIT: ("check", "A unit the language does not know; the message suggests close matches."),
    Code.UNIT_MISMATCH: ("check", "Quantities of different physical dimensions are added, compared or assigned."),
    Code.TEMPERATURE_POINT: ("check", "A temperature point (degC) is used where only a difference (K) makes sense."),
    Code.NOT_DIMENSIONLESS: ("check", "A value with a unit is used where a plain number is needed (exponent, ceil, count)."),
    Code.TYPE_MISMATCH: ("check", "A value of the wrong type: text where a number is needed, a number where a block is, ...; "
                         "or a `let` or `param` bound to a whole module (`let y = c` of `import chips as c`, or a list "
                         "of modules): a module is a namespace of definitions, not a value (read one, `c.H100_SXM`, or "
                         "import the module under that name, `import chips as y`)."),
    Code.INVALID_COUNT: ("check", "A multiplicity (`x N`) is not a non-negative whole number, or is beyond 2^53 (where float64 stops holding every whole number); or it is written on a top-level block, which nothing places (`hall h x 3` at the top of a file multiplied nothing)."),
    Code.INVALID_RANGE: ("check", "A parameter range has a zero or wrong-signed step, or more than 10^7 points; or a parameter list is empty; or a value of a parameter's list or range is an expression or a name (`[1e-5 / 1 s]`, `8..2 * 8`): a sweep's values are literals; or a parameter of an imported file with a list or range of values is read (only the evaluated file's parameters sweep: an imported one is read with one value)."),
    Code.INVALID_VALUE: ("check", "A field's value is outside its allowed set (for example `cooling = \"steam\"`), "
                         "or contradicts another field of its block: `liquid_fraction` above 0 with `cooling = \"air\"`, "
                         "or 0 with \"liquid\" or \"hybrid\" (reported at the one the block writes); at evaluation, a rack "
                         "whose `liquid_fraction` puts less heat into liquid than its servers do (in the scenarios "
                         "where it does, reported at that field)."),
    # evaluation
    Code.DEFINITION_CYCLE: ("lower", "Values are defined in terms of each other in a cycle; the chain is shown."),
    Code.ASSERT_FAILED: ("evaluate", "An `assert` does not hold; both sides of the comparison are shown with units."),
    Code.NON_FINITE: ("check", "A constant folds to infinity or NaN (`1 W / 0`, an overflow), reported where it arises; "
                   "or a computed figure is infinite, NaN or negative where it cannot be, in some scenarios (named)."),
    Code.UNDERFLOW: ("check", "A number that is not zero is too small for a float64 (`1e-400 W`, or a quantity whose SI value is): it would read as 0, so it is refused where it is written."),
    Code.NOTHING_TO_EVALUATE: ("evaluate", "`factory eval` found nothing to show: the spec declares no param, let, assert or block of its own (an empty or cut-off file), or `--select` matches no quantity. A warning: the exit code stays 0."),
    Code.LIMIT_EXCEEDED: ("evaluate", "A physical limit the spec gives is exceeded (rack power or air-cooling limit, hall feed, CDUs placed, a training run's deadline at the accelerators it is given); both values are shown."),
    Code.UNPRICED: ("evaluate", "A part has no price, or a site that places IT gives no `land_price`, so it counts as $0; the capex figures that include it are named as incomplete."),
    Code.INFEASIBLE_WORKLOAD: ("evaluate", "A workload cannot run as specified (its weights do not fit, no layout meets its latency limits, a layout that cannot exist); the reason is given with the numbers, and, in a sweep, the failing scenarios. Its figures have no value (null in JSON). A training run with a `deadline` no accelerator count meets cannot meet what it asks: it has no `accelerators_needed`, and its figures at the accelerators it holds keep their values. An inference service's site counts its accelerators at the site's planning draw there: the site's metered draw, energy bill and TCO are flagged in those scenarios (results JSON `flagged.scenarios`, the report, the table)."),
    Code.OVERLOADED: ("evaluate", "An inference workload is offered more load (`offered_load`, else an aggregated service's `demand`) than it can carry: its queue would grow without bound, so its latencies have no steady value. Both numbers are shown (a demand's message names the accelerators it needs); its latency figures (TTFT, TPOT and tokens/s per user) are absent in those scenarios, with the reason, and its tokens served and $/Mtok are at its capacity."),
    Code.OVER_COMMITTED: ("evaluate", "The workloads of a site need more accelerators of a kind than the site places; both numbers are shown. A site that places no hardware is a pure workload estimate and is not checked. The site's service figures (tokens/s, tokens served/s, $/Mtok, tokens/J, time to train) and its metered draw, with the energy bill and TCO computed from it, are flagged wherever they are shown (results JSON `flagged`, the report, the table)."),
    Code.MODEL_INPUT_MISSING: ("evaluate", "A computed figure (power, heat, cost) needs an input the spec does not give; the figure is left out. Or a workload's `precision` has no rate on its chip (fp4 on an H100): its GEMMs are computed at the next wider format the chip has, said at the precision."),
    # formatting
    Code.FORMAT_FAILED: ("format", "`factory fmt` could not format a file without changing its tokens; the file is left as it is."),
    # internal
    Code.INTERNAL_ERROR: ("any", "A bug in factory-dsl, not in the spec; please report it with the spec attached."),
    # declared ranges and input files
    Code.OUT_OF_RANGE: ("check", "A field's value is outside the range its type declares (an efficiency in (0, 1], a "
                     "power or price >= 0, a count a whole number up to 2^53): at its span when constant, else per "
                     "scenario, naming the scenarios. A `let` a model reads in place of an assumption or option, "
                     "outside that figure's range, is one at the let: no model runs on it, so what it would compute "
                     "has no value in those scenarios (null in JSON), and no other diagnostic comes of it."),
    Code.INVALID_ROW: ("validate", "A row of a measurements CSV cannot be read (too few fields, a bad number, a value "
                    "that is zero or negative); the row is skipped."),
    Code.NO_EFFECT: ("evaluate", "A `let` named as a figure the models read changes nothing where it is set: no model of "
                  "the workload reads it (a training option on an inference workload), or the model reads it where it "
                  "does nothing (a serving-queue switch in an offline scenario, serial context chunks at pp 1, a MoE "
                  "option on a dense model); or heat-rejection gear (a dry cooler, a cooling tower) placed where the "
                  "site rejects its heat by another kind (`heat_rejection`: priced as written, used by no cooling "
                  "figure); or `ep` above 1 on an inference service of a dense model (no routed experts to spread); or a `land_price`, `shell_cost` or `plant_cost` on a site that leases (`colocation_price`: the "
                  "lease rents the building, its power and cooling plant and the land under them, so they count $0); or "
                  "a second of `system`, `rack` and `chip` on a workload (it runs on the first it sets); a warning "
                  "saying why."),
    Code.IMPLAUSIBLE_VALUE: ("evaluate", "A key input (an electricity, water or colocation price, a build cost per watt, "
                    "a chip's price, TDP, memory, bandwidth or peak rate, a power cap, a server's or rack's power, a "
                    "NIC's or optic's link rate, an accelerator-hour price, a depreciation period, a discount rate, a "
                    "power gear's or PSU's efficiency judged by its loss, a server's overhead_fraction, a tower's "
                    "water_use, an inference service's ttft_limit or tpot_limit) is more than ten times beyond "
                    "the range published figures span (compiler/plausible.py gives each range with its source and "
                    "date): a unit slip such as 80 USD/kWh for 0.08 is likely; a warning, the value is used (a zero "
                    "is not judged). A set `pue` above 3, a chiller's `cop` below half the published, a site's "
                    "ambient_temp, mean_ambient_temp and wet_bulb_temp beyond the temperatures ever recorded, a liquid "
                    "supply_temp outside ASHRAE TC 9.9's facility-water classes (2-45 degC) and an air_supply_temp "
                    "outside its allowable air classes A1-A4 (5-45 degC) are judged closer. Also a site whose average facility power exceeds the whole world's average "
                    "electricity generation (3.4 TW: 29,925 TWh in 2023, Energy Institute Statistical Review of World "
                    "Energy 2024), which no grid can supply: a count slip (`x 1000000000`) is likely. And a "
                    "training run whose `time_to_train` exceeds a decade (at its `tokens`): it would outlive the "
                    "servers it runs on, written off in 2 to 6 years (10-K filings), where published pre-training "
                    "runs take weeks to months; a token-count slip (`1e18 tok`) or too few accelerators is likely."),
    Code.UNCOMPUTED_WORKLOAD: ("evaluate", "A workload's headline figure (an inference service's tokens/s, a training "
                            "run's time to train) cannot be computed: an input its model needs is missing (a chip "
                            "without the rate of the precision it runs at), named here. The figure is absent (null in "
                            "JSON, n/a with the reason in the table and the report); an error, as an infeasible "
                            "workload is: the spec must give the input or ask for what the hardware has."),
    Code.BATCH_BEYOND_RUN: ("evaluate", "A training run's global batch (tokens a step: `global_batch`, else the "
                         "default 4 Mi tokens) exceeds its `tokens`: it runs one whole step, larger than the whole "
                         "run, so its time to train and the cost and energy computed from it are of that step; a "
                         "warning at the workload naming both figures (in a sweep, the scenarios where it holds), "
                         "its time to train flagged in the table, the report and the JSON."),
    Code.LATENCY_KNIFE_EDGE: ("evaluate", "A served latency (TTFT p99 or p50, TPOT p99 or mean; server and "
                           "interactive, aggregated) sits on a knife edge: the model's own figure at the service's "
                           "load x 0.95 and x 1.05, its layout held (the outputs `ttft_p99_low` / `ttft_p99_high`, "
                           "`tpot_p99_low` / `tpot_p99_high`, `ttft_p50_low` / `ttft_p50_high`, `tpot_mean_low` / "
                           "`tpot_mean_high`), spans more than 1.5x, or is unbounded above (5% more load than it "
                           "carries fills its KV cache or engine, or saturates its prompt queue: a capacity point "
                           "whose rows fill its KV cache is one). A warning at the workload with each such figure and "
                           "its band (in a sweep, the scenarios where it holds), the figure flagged in the table, the "
                           "report and the JSON; the exit code stays 0 (the figure is the model's at its stated load; "
                           "`factory plan --fail-on warning` fails on it). Its help names the load to set: "
                           "`offered_load` at the output `room_load` (the most load, 90% down to 30% of the capacity "
                           "in steps of 10%, at which every band is within 1.5x), or says that no load has room."),
    Code.SLOWER_PRECISION: ("evaluate", "An inference workload's `precision` computes its GEMMs slower than a wider "
                         "format its chip rates: the model's checkpoint at that precision keeps some GEMMs wide "
                         "(gpt-oss-120b's FP4 checkpoint: bf16 attention, router and unembedding, MXFP4 experts with "
                         "8-bit activations: `let fp4_bf16_params`, `let fp4_expert_activation_bits`), so its "
                         "matrix multiplies run below the chip's rate at the wider precision, while its weights "
                         "are narrower. A warning at the precision naming both rates: a compute-bound step (large "
                         "batches, long prompts) can then be slower than the same model at the wider precision, "
                         "physically, not a defect; a memory-bound one is faster. Its figures are the model's and "
                         "are not flagged; the exit code stays 0."),
}


@dataclass
class Related:
    span: Span
    label: str


@dataclass
class Diagnostic:
    severity: str
    code: str
    message: str
    span: Span | None = None
    related: list[Related] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    help: str | None = None
    # the computed quantities (dotted paths) the diagnostic is about, when it is about outputs (one that cannot be
    # computed, a capex left incomplete); empty when it concerns the spec as a whole. `factory validate --user`
    # shows such a warning only to a row that compares one of them or a quantity computed from one.
    quantities: list[str] = field(default_factory=list)
    # an evaluation error that holds in some scenarios of a sweep only (a field outside its range, a count that is
    # not whole): their 0-based indices; None when it holds in all of them (or the place cannot say). A streamed
    # sweep marks exactly these scenarios infeasible (compiler/sweep.py `evaluate_chunk`).
    scenarios: list[int] | None = None

    def to_json(self, sources: dict[str, Source] | None = None) -> dict:
        """The diagnostic as JSON (docs/results.schema.json). A place that is a command-line value (`-D halls=1..x`,
        given the `sources` that hold its pseudo-source) is no file: `location` is null, as Terraform's JSON gives a
        diagnostic about a `-var` no `range`, and `command_line` holds what was typed and the columns in it (until
        session 25, `location` named a file `-D halls` at line 1 and a column of `param halls = 1..x`)."""
        out: dict = {"severity": self.severity, "code": self.code, "message": self.message}
        typed = command_line_place(self.span, sources.get(self.span.file)) if self.span and sources else None
        out["location"] = self.span.to_json() if self.span and not typed else None
        if typed:
            out["command_line"] = {"text": typed[0].name, "col": typed[1].col, "end_col": typed[1].end_col}
        out["related"] = [{"label": r.label, "location": r.span.to_json()} for r in self.related]
        out["notes"] = list(self.notes)
        out["help"] = self.help
        return out

    def sort_key(self) -> tuple:
        s = self.span
        return (s.file, s.start, s.end, self.code, self.message) if s else ("", 0, 0, self.code, self.message)


class Sink:
    """Collects diagnostics of a run, in report order, and knows the sources to quote from."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []
        self.sources: dict[str, Source] = {}
        self._seen: set[tuple] = set()

    def add_source(self, source: Source) -> None:
        self.sources[source.name] = source

    def report(self, diag: Diagnostic) -> Diagnostic:
        assert diag.code in CODES, diag.code
        key = (diag.code, diag.message, diag.span)
        if key not in self._seen:  # the same mistake seen through two paths is reported once
            self._seen.add(key)
            self.items.append(diag)
        return diag

    def error(self, code: str, message: str, span: Span | None = None, **kw) -> Diagnostic:
        return self.report(Diagnostic(ERROR, code, message, span, **kw))

    def warning(self, code: str, message: str, span: Span | None = None, **kw) -> Diagnostic:
        return self.report(Diagnostic(WARNING, code, message, span, **kw))

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == ERROR]

    def has_errors(self) -> bool:
        return any(d.severity == ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self.items, key=Diagnostic.sort_key)

    def to_json(self) -> list[dict]:
        """Every diagnostic as JSON, in report order, a command-line value's place as typed (`Diagnostic.to_json`)."""
        return [d.to_json(self.sources) for d in self.sorted()]


MAX_SUGGESTION_POOL = 300


def suggest(word: str, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest candidate to `word` (case-insensitive first), or None: for "did you mean" hints.

    Of a large pool only the MAX_SUGGESTION_POOL names sharing the most letters with `word` are compared
    closely, so one hint costs about the same in a scope of 300 names or of 50,000."""
    pool = sorted(set(candidates))
    lowered = {c.lower(): c for c in pool}
    low = word.lower()
    if low in lowered and lowered[low] != word:
        return lowered[low]
    if len(pool) > MAX_SUGGESTION_POOL:
        letters = set(low)
        pool = heapq.nlargest(MAX_SUGGESTION_POOL, pool, key=lambda c: len(letters.intersection(c.lower())))
    import difflib      # here, not at the top: only a run with an unknown name needs it (start-up)

    matches = difflib.get_close_matches(word, pool, n=1, cutoff=cutoff)
    if matches:
        return matches[0]
    folded = [c.lower() for c in pool]
    if low == word and folded == pool:
        return None  # the case-insensitive pass would compare the same strings again
    matches = difflib.get_close_matches(low, folded, n=1, cutoff=cutoff)
    return lowered[matches[0]] if matches else None


def did_you_mean(word: str, candidates: Iterable[str], quoted: bool = False) -> str | None:
    """"did you mean `x`?" for the candidate nearest `word`; `quoted`: a choice, written as it is typed (`"fp4"`:
    `fp4` unquoted is a name, and an `unknown-name` error)."""
    best = suggest(word, candidates)
    if best and quoted:
        best = f'"{best}"'
    return f"did you mean `{best}`?" if best else None


# ----------------------------------------------------------------------------- rendering

def _gutter_width(diags: list[Diagnostic]) -> int:
    lines = [d.span.end_line for d in diags if d.span] or [1]
    return max(len(str(n)) for n in lines)


def _visible(ch: str) -> str:
    """A character of a quoted source line as shown, one character for one: a tab as a space, a control
    character as its Unicode picture (a CR, a NUL, an ESC would move the cursor or vanish and misplace
    the carets; a lone CR would even hide the start of the line)."""
    if ch == "\t":
        return " "
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return ch


def _cells(shown: list[str]) -> list[int]:
    """Terminal cells each shown character takes, as wcwidth and the terminals that follow Unicode's emoji rules
    draw them: 2 for East Asian wide and full-width ones (CJK, most emoji); 0 for a combining mark (the accent of a
    decomposed `é`), a format character (a zero-width joiner or space) and a variation selector, and for what joins
    the character before it (a skin-tone modifier, the emoji after a zero-width joiner); a narrow symbol followed by
    the emoji selector U+FE0F (`⚠️`) takes 2. Else 1. (Before session 24 every one of these took one cell, so a
    caret after `Café` written decomposed, or after `⚠️`, stood one column right of what it marks.)"""
    cells = []
    for i, ch in enumerate(shown):
        if ch < "\u0300":
            cells.append(1)
        elif ch == "\ufe0f" and i and cells[-1] == 1 and shown[i - 1] >= "\u00a9":
            cells += [0]
            cells[i - 1] = 2                    # emoji presentation of the symbol before it
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf") or "\ufe00" <= ch <= "\ufe0f" \
                or "\U0001f3fb" <= ch <= "\U0001f3ff" and i and cells[-1] == 2 or i and shown[i - 1] == "\u200d":
            cells.append(0)
        else:
            cells.append(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1)
    return cells


# The pseudo-sources `dsl.check` makes of a command-line value (`-D halls=1..x` is the source `-D halls`, text
# `param halls = 1..x`): their names start with the flag that gave the value and a space.
COMMAND_LINE_FLAGS = ("-D ", "--vary ")


def command_line_place(span: Span, src: Source | None) -> tuple[Source, Span] | None:
    """A span in a command-line value's pseudo-source, as the flag and the value typed (`-D halls=1..x`, one line)
    and the span in that text (the statement's `param ` stands for the flag, its ` = ` for the `=`); else None. The
    value's place reads as what was typed, not as a file's line and column (before session 24: `-D halls:1:18`)."""
    if src is None or not span.file.startswith(COMMAND_LINE_FLAGS):
        return None
    flag, _, name = span.file.partition(" ")
    head, text = f"param {name} = ", src.line_text(1)
    if not text.startswith(head):
        return None
    typed = f"{flag} {name}={text[len(head):]}"

    def at(offset: int) -> int:         # an offset in `param NAME = VALUE` -> in `FLAG NAME=VALUE`
        if offset < 6:
            return 0
        if offset < 6 + len(name):
            return offset - 6 + len(flag) + 1
        return len(flag) + 1 + len(name) + max(0, offset - len(head)) + (offset >= len(head))

    start, end = at(span.col - 1), at(span.end_col - 1 if span.end_line == 1 else len(text))
    return Source(typed, typed), Span(typed, start, max(end, start + 1), 1, start + 1, 1, max(end, start + 1) + 1)


def place(span: Span, sources: dict[str, Source]) -> str:
    """Where a diagnostic is, as a header shows it: `file:line:col`, or a command-line value as typed."""
    typed = command_line_place(span, sources.get(span.file))
    return typed[0].name if typed else str(span)


def render_one(diag: Diagnostic, sources: dict[str, Source], width: int) -> str:
    """One diagnostic in the contract's text form: header, quoted line with carets, notes."""
    out: list[str] = []
    src = sources.get(diag.span.file) if diag.span else None
    typed = command_line_place(diag.span, src) if diag.span else None
    where = f"{typed[0].name if typed else diag.span}: " if diag.span else ""
    out.append(f"{where}{diag.severity}[{diag.code}]: {diag.message}")
    if typed:                           # the value as typed, its carets under it and no line number
        src, span = typed
        diag = replace(diag, span=span)
    if diag.span and src is not None:
        line = diag.span.line
        text = src.line_text(line)
        pad = " " * width
        marks = [(diag.span, "^")]
        marks += [(r.span, "-") for r in diag.related if r.span.file == diag.span.file and r.span.line == line]
        caret = [" "] * (len(text) + 1)
        for span, ch in marks:
            first = span.col - 1
            last = (span.end_col - 1) if span.end_line == line else len(text)
            last = max(last, first + 1)
            for i in range(first, min(last, len(caret) + 40)):
                if i >= len(caret):
                    caret.append(" ")
                if caret[i] == " " or ch == "^":
                    caret[i] = ch
        shown = [_visible(ch) for ch in text]
        if len(shown) > 240:  # a pathological line: show a window around the error
            lo = max(0, diag.span.col - 80)
            left, right = (["…"] if lo > 0 else []), (["…"] if lo + 160 < len(shown) else [])
            shown = left + shown[lo:lo + 160] + right
            caret = [" "] * len(left) + caret[lo:lo + 160]
        # a wide character (CJK, emoji) takes two cells of the terminal, a combining accent none (`_cells`): its
        # mark does too, so carets stay under what they mark; a span of zero-width characters alone (a stray
        # zero-width space) keeps one caret, where it is
        widths = _cells(shown)
        marked = [i for i, mark in enumerate(caret[:len(widths)]) if mark == "^"]
        if marked and not any(widths[i] for i in marked):
            widths[marked[0]] = 1
        cells = "".join(mark * widths[i] if i < len(widths) else mark for i, mark in enumerate(caret))
        out.append(f" {'' if typed else line:>{width}} | {''.join(shown)}")
        out.append(f" {pad} | {cells.rstrip()}")
    for rel in diag.related:
        if diag.span and rel.span.file == diag.span.file and rel.span.line == diag.span.line:
            out.append(f"  note: {rel.label}")
        else:
            out.append(f"  note: {rel.label} at {rel.span}")
    for note in diag.notes:
        out.append(f"  note: {note}")
    if diag.help:
        out.append(f"  help: {diag.help}")
    return "\n".join(out)


def render_text(diags: list[Diagnostic], sources: dict[str, Source], limit: int = 50) -> str:
    """All diagnostics, sorted by place, capped at `limit` with "... and N more"."""
    diags = sorted(diags, key=Diagnostic.sort_key)
    shown = diags[:limit]
    width = _gutter_width(shown)
    parts = [render_one(d, sources, width) for d in shown]
    if len(diags) > limit:
        parts.append(f"... and {len(diags) - limit} more")
    return "\n\n".join(parts)


def summary_line(diags: list[Diagnostic], files: int) -> str:
    n_err = sum(1 for d in diags if d.severity == ERROR)
    n_warn = sum(1 for d in diags if d.severity == WARNING)
    noun = "file" if files == 1 else "files"
    if not n_err and not n_warn:
        return f"ok: {files} {noun} checked, no problems"
    parts = []
    if n_err:
        parts.append(f"{n_err} error{'s' if n_err != 1 else ''}")
    if n_warn:
        parts.append(f"{n_warn} warning{'s' if n_warn != 1 else ''}")
    return f"{', '.join(parts)} in {files} {noun}"
