"""Chunked, streamed evaluation of large parameter sweeps (docs/scale.md).

Pipeline position: beside `compiler.evaluate`; drives dsl -> lower -> evaluate once per chunk. Imports numpy,
`dsl`, `compiler.lower`, `compiler.evaluate`; pyarrow (Parquet), tqdm (progress) and dask.distributed
(`--scheduler`) only when asked for.

The spec is checked and lowered ONCE (`prepare`). The scenario axis (the Cartesian product of the swept
parameters, the first parameter outermost, see `compiler.lower`) is cut into chunks that are themselves
Cartesian products of slices: with parameters p1..pk of sizes n1..nk, a chunk fixes one value of each of
p1..p(L-1), takes a slice of pL and all of p(L+1)..pk, where L is the outermost level whose inner block
n(L+1)*...*nk fits the chunk size. Such a chunk is a contiguous range of scenario indices, so the graph
evaluates it unchanged: `graph.sweep_values` is set to the slices and `evaluate` runs as for any sweep.
Memory is bounded by the chunk, never the whole product (no 10^8-point meshgrid).

Output is wide (one row per scenario): `scenario` (0-based index), the swept parameters, `feasible` (no
assert or built-in limit fails in that scenario), then every quantity that varies, sorted by path, all in SI
units. Quantities that do not vary are written once, in the sidecar `FILE.meta.json`, with the units, the
parameters and the checks. Absent or non-finite values are empty
(CSV) or null (JSON Lines, Parquet), never a number. Numbers are written as Python's `repr` of a float
(shortest string that round-trips): in CSV computed for whole columns with NumPy (`repr_bytes`, the same
bytes, no Python object per value), and so in JSON Lines. The same input gives the same bytes.
"""
from __future__ import annotations

import dataclasses
import json
import math
import re
import threading
from dataclasses import dataclass, field

import numpy as np

from dsl.diagnostics import Code, ERROR, Sink

from .lower import Lowering

STREAM_MAX_SCENARIOS = 10 ** 12
_CHUNK_COUNT = re.compile(r" \(in [\d,]+ of [\d,]+ scenarios\)")
# the count and names of a chunk's scenarios in a range error or a warning (" in 3 of 512 scenarios (p = 1; ...)")
# and in a built-in rule's error (" (in 3 of 512 scenarios: p=1, ...)"): replaced by the sweep's count
_CHUNK_CLAUSE = re.compile(r" in ([\d,]+) of [\d,]+ scenarios \([^()]*\)| \(in ([\d,]+) of [\d,]+ scenarios: [^()]*\)")
INTERRUPT = threading.Event()          # set by Ctrl-C while a stream runs (see `interruptible`)
_STREAMING = threading.Event()
DEFAULT_CHUNK = 20_000
FAILING_LISTED = 1_000   # FILE.meta.json lists the first this many failing scenarios of each check, by index


class SweepError(Exception):
    """Bad use (an output format whose library is missing, an unknown quantity); exit 2."""


class _UnboundedLowering(Lowering):
    """Lowering without the in-memory scenario limit: chunks bound the memory instead."""

    def scenarios(self) -> None:
        total = 1
        for name in self.graph.sweep:
            total *= max(len(self.graph.sweep_values[name]), 1)
        if total > STREAM_MAX_SCENARIOS:
            node = self.graph.nodes[self.graph.sweep[-1]]
            self.sink.error(Code.INVALID_RANGE, f"the parameter sweep has {total:,} scenarios; the limit of a "
                            f"streamed sweep is {STREAM_MAX_SCENARIOS:,}", node.span)
            self.graph.sweep.clear()
            total = 1
        self.graph.scenario_count = total


@dataclass
class Plan:
    """A checked and lowered spec, ready to be evaluated chunk after chunk."""

    lowering: Lowering | None
    sink: Sink
    count: int = 1
    sweep: list[str] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)
    memo: object = None             # `compiler.memo.SweepMemo`: the values no swept parameter reaches, across chunks
    bound: tuple | None = None      # (the graph's size, `compiler.ir.bind` of it): bound again when the graph grew
    # a chunk lends the next what it can (the values no swept parameter reaches, the models' searches, the graph's
    # binding); False: every chunk evaluates the whole graph afresh (`prepare(..., lend=False)`; tests compare the two)
    lend: bool = True


def prepare(paths: list[str], defines: dict[str, str] | None = None, root: str | None = None,
            lend: bool = True) -> Plan:
    """Check and lower once. `plan.lowering` is None when the front end or lowering found errors. `lend`: whether a
    chunk lends the next what no swept parameter reaches (`Plan.lend`)."""
    import dsl

    checked, sink = dsl.check_files(paths, defines, root)
    if checked is None or sink.has_errors():
        return Plan(None, sink, lend=lend)
    lowering = _UnboundedLowering(checked, sink)
    lowering.run()
    if sink.has_errors():
        return Plan(None, sink, lend=lend)
    graph = lowering.graph
    from .memo import SweepMemo

    if graph.sweep and lend:
        graph.solve_cache = {}      # the models' searches from chunk to chunk (compiler.models.distinct)
    return Plan(lowering, sink, graph.scenario_count, list(graph.sweep),
                {p: list(graph.sweep_values[p]) for p in graph.sweep},
                SweepMemo(graph.sweep) if graph.sweep and lend else None, lend=lend)


# ---------------------------------------------------------------------------------------------- chunks

@dataclass
class Chunk:
    index: int
    start: int                      # first scenario index (inclusive)
    stop: int                       # last scenario index (exclusive)
    values: dict[str, list[float]]  # each swept parameter's slice; their product, in order, is the chunk


def chunks(plan: Plan, chunk_size):
    """The chunks of the scenario axis in order, each a product of slices and at most `chunk_size` long.
    `chunk_size` is an int, or an object whose `.size` is read afresh before each chunk (`AutoSize`)."""
    if not plan.sweep:
        yield Chunk(0, 0, plan.count, {})
        return
    sizes = [len(plan.values[p]) for p in plan.sweep]
    # inner[i]: scenarios in one step of parameter i (the product of the sizes inside it; 1 for the last)
    inner = [math.prod(sizes[i + 1:]) for i in range(len(sizes))]
    index, pos = 0, 0
    while pos < plan.count:
        size = max(int(getattr(chunk_size, "size", chunk_size)), 1)
        # the outermost level whose step fits the chunk and at which `pos` is aligned (the last always is)
        level = next(i for i in range(len(sizes)) if inner[i] <= size and pos % inner[i] == 0)
        block = min(size // inner[level], sizes[level]) * inner[level]
        cycle = sizes[level] * inner[level]          # one full pass of the level's parameter
        stop = min(pos + block, (pos // cycle + 1) * cycle, plan.count)   # never across an outer step
        values: dict[str, list[float]] = {}
        for i, p in enumerate(plan.sweep):
            if i < level:
                values[p] = [plan.values[p][(pos // inner[i]) % sizes[i]]]
            elif i == level:
                first = (pos // inner[i]) % sizes[i]
                values[p] = plan.values[p][first:first + (stop - pos) // inner[i]]
            else:
                values[p] = plan.values[p]
        yield Chunk(index, pos, stop, values)
        index += 1
        pos = stop


class AutoSize:
    """The chunk size when none is given (serial runs): start small, double while the measured rate
    (scenarios per CPU second of this process, writing included: wall time on a shared machine is noise) is
    not more than 20 % below the best so far, then keep the best; shrink 4x and stop
    growing if the process's peak memory passes `budget_mb` (once per new peak: the peak of a process never
    falls, so a peak already answered says nothing of the next chunk). A model's memory may grow with the
    chunk's length (a search holds each distinct scenario's candidate configurations), so a fixed large
    chunk can be both slower and far larger in memory than a small one. The output bytes do not depend on it."""

    LEAP = 16                          # the most a size grows in one step when a fixed cost dominates
    FIXED_SHARE = 0.1                  # the share of a chunk's time the fixed cost is leapt towards

    def __init__(self, start: int = 128, largest: int = 200_000, budget_mb: float = 768.0):
        self.size = start
        self.fixed_s: float | None = None   # a chunk's cost besides its scenarios (the probe's time)
        self.per_s: float | None = None     # the cost of one scenario, from the last chunk and fixed_s
        self.largest = largest
        self.budget_mb = budget_mb
        self.best_rate = 0.0
        self.best_size = start
        self.growing = True
        self.peak_mb = 0.0             # the process's peak when the size last shrank for memory

    def fixed(self, seconds: float) -> None:
        """The CPU time of the probe (a chunk of at most 2^k scenarios): what a chunk costs besides its
        scenarios. A big spec evaluates its whole graph in every chunk (~1.5 s for 36 halls and 13,000 racks,
        ~1e-5 s a scenario), so doubling from 128 spent most of a 10^4 sweep on that fixed cost."""
        self.fixed_s = max(seconds, 0.0)

    def _step(self, scenarios: int, seconds: float) -> float:
        """How much the size grows: 2x; with a fixed cost a (the probe's) and a chunk of n scenarios taking t,
        the cost per scenario is b = (t - a) / n and the size where a is FIXED_SHARE of a chunk's time is
        a (1 - FIXED_SHARE) / (FIXED_SHARE b): leap towards it, at most LEAP x a step (the memory a size
        costs is only seen after the chunk). t <= a (all fixed, or noise) leaps the most."""
        if self.fixed_s is None:
            return 2.0
        if seconds <= self.fixed_s:
            self.per_s = 0.0
            return float(self.LEAP)
        per = (seconds - self.fixed_s) / scenarios
        self.per_s = per
        target = self.fixed_s * (1 - self.FIXED_SHARE) / (self.FIXED_SHARE * per)
        return min(max(target / self.size, 2.0), float(self.LEAP))

    def remaining_cpu(self, left: int) -> float | None:
        """The CPU seconds the `left` scenarios will take under the model a + b n per chunk, with the sizes
        this object will choose (growing as `observe` grows them while the rate improves, which it does under
        that model until the fixed cost is paid off); None before the model is known."""
        if self.fixed_s is None or self.per_s is None:
            return None
        size, seconds, growing = self.size, 0.0, self.growing
        while left > 0:
            n = min(size, left)
            cost = self.fixed_s + self.per_s * n
            seconds += cost
            left -= n
            if growing:
                step = float(self.LEAP) if cost <= self.fixed_s or self.per_s <= 0 else min(max(
                    self.fixed_s * (1 - self.FIXED_SHARE) / (self.FIXED_SHARE * self.per_s) / size, 2.0),
                    float(self.LEAP))
                size = min(int(size * step), self.largest)
        return seconds

    def observe(self, scenarios: int, seconds: float) -> None:
        import resource

        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if peak_mb > self.budget_mb and peak_mb > self.peak_mb:
            self.peak_mb = peak_mb
            self.size = max(self.size // 4, 1)
            self.best_size = min(self.best_size, self.size)
            self.growing = False
            return
        if not self.growing or scenarios < self.size // 2:    # a short chunk at a cycle's end says little
            return
        rate = scenarios / max(seconds, 1e-9)
        if rate >= self.best_rate * 0.8:          # a fixed cost per chunk: larger is faster until it is not
            if rate > self.best_rate:
                self.best_rate, self.best_size = rate, self.size
            self.size = min(int(self.size * self._step(scenarios, seconds)), self.largest)
        else:
            self.size, self.growing = self.best_size, False


# ---------------------------------------------------------------------------------------------- one chunk

@dataclass
class ChunkResult:
    """What one chunk gives: every numeric quantity (length 1 or the chunk's length), the feasibility per
    scenario, each check's failing count, and the diagnostics (deduplicated later)."""

    chunk: Chunk
    columns: dict[str, np.ndarray]
    units: dict[str, str]
    displays: dict[str, str]
    feasible: np.ndarray
    failing: dict[str, int]
    check_messages: dict[str, str]
    diagnostics: list
    failing_rows: dict[str, np.ndarray] = field(default_factory=dict)   # first FAILING_LISTED, sweep indices


def evaluate_chunk(plan: Plan, chunk: Chunk) -> ChunkResult:
    """Evaluate one chunk with the plan's graph (its sweep values set to the chunk's slices)."""
    from .evaluate import evaluate

    graph = plan.lowering.graph
    saved = (graph.sweep_values, graph.scenario_count)
    size = chunk.stop - chunk.start
    sink = Sink()
    sink.sources = plan.sink.sources
    try:
        graph.sweep_values = dict(chunk.values) if plan.sweep else graph.sweep_values
        graph.scenario_count = size
        results = evaluate(plan.lowering, sink, memo=plan.memo, ir=_bound(plan))
    finally:
        graph.sweep_values, graph.scenario_count = saved
    columns: dict[str, np.ndarray] = {}
    for path, value in results.values.items():
        if isinstance(value, np.ndarray) and value.dtype.kind in "biuf" and value.size in (1, size):
            columns[path] = value.astype(float, copy=False).reshape(-1)
    feasible = np.ones(size, dtype=bool)
    failing: dict[str, int] = {}
    failing_rows: dict[str, np.ndarray] = {}
    messages: dict[str, str] = {}
    for check in results.checks:
        messages[check.name] = check.message
        if check.ok:
            failing[check.name] = 0
            continue
        rows = np.asarray(check.failing, dtype=np.int64)
        if rows.size == 0:                    # could not be evaluated, or a scalar failure: every scenario
            rows = np.arange(size)
        rows = np.unique(rows[(rows >= 0) & (rows < size)])
        feasible[rows] = False
        failing[check.name] = int(rows.size)
        failing_rows[check.name] = rows[:FAILING_LISTED] + chunk.start
    feasible &= ~error_rows(sink.items, size)
    units = {p: results.units.get(p, "") for p in columns}
    displays = {p: getattr(graph.nodes.get(p), "display", "") or "" for p in columns}
    absent = getattr(results, "absent", None) or {}
    for path, info in absent.items():         # absent values (Results.absent): NaN, written empty / null
        if path in columns:
            if _everywhere(absent, info):             # absent whatever the swept values: a constant, not a column
                columns[path] = np.full(1, np.nan)
                continue
            mask = np.asarray(getattr(info, "mask", True), dtype=bool)
            columns[path] = np.where(mask, np.nan, columns[path]).reshape(-1)
    return ChunkResult(chunk, columns, units, displays, feasible, failing, messages, sink.items, failing_rows)


def _graph_size(lowering) -> tuple:
    graph = lowering.graph
    return (dict.__len__(graph.nodes), len(graph.checks), len(graph.limits), len(lowering.definition_instances))


def _bound(plan: Plan):
    """The graph bound (`compiler.ir.bind`: every name resolved, the nodes ordered), once per sweep rather than once
    per chunk (~15% of a big estate's chunk): bound again only where the graph has grown since (the nodes a model
    makes as it first runs, in the first chunk), so each chunk is evaluated with the binding of its graph as ever."""
    if not plan.sweep or not plan.lend:
        return None
    from .ir import bind

    size = _graph_size(plan.lowering)
    if plan.bound is None or plan.bound[0] != size:
        ir = bind(plan.lowering)
        plan.bound = (_graph_size(plan.lowering), ir)
    return plan.bound[1]


# errors a failed check reports (its `CheckResult` names the failing scenarios, counted on its own)
_CHECK_CODES = frozenset({Code.ASSERT_FAILED, Code.LIMIT_EXCEEDED, Code.INFEASIBLE_WORKLOAD})


def error_rows(diagnostics, size: int) -> np.ndarray:
    """The scenarios (of `size`) in which an evaluation error other than a failed check holds: a field outside
    its range, a NaN, a count that is not whole. Such a scenario is not feasible: the spec has an error there.
    An error that names its scenarios (`Diagnostic.scenarios`: a count that is not whole names those where it is
    not) marks those; one that cannot (a definition cycle stops the evaluation of what depends on it in every
    scenario evaluated with it) marks them all."""
    bad = np.zeros(size, dtype=bool)
    for d in diagnostics:
        if d.severity != ERROR or d.code in _CHECK_CODES:
            continue
        rows = getattr(d, "scenarios", None)
        if rows is None:
            bad[:] = True
            break
        rows = np.asarray(rows, dtype=np.int64)
        bad[rows[(rows >= 0) & (rows < size)]] = True
    return bad


def _everywhere(absent: dict, info) -> bool:
    """Absent in every scenario whatever the swept values: declared so (`Absent.everywhere`), or computed from a
    figure that is, and absent in every scenario with it."""
    origin = absent.get(getattr(info, "origin", ""), info)
    return bool(getattr(info, "everywhere", False) or (getattr(origin, "everywhere", False)
                                                       and np.asarray(getattr(info, "mask", False)).all()))


# ---------------------------------------------------------------------------------------------- parallel

_WORKER_PLANS: dict = {}


def _worker_chunk(key: tuple, chunk: Chunk) -> ChunkResult:
    """Run in a worker process (or Dask worker): prepare the plan once per process, then one chunk."""
    plan = _WORKER_PLANS.get(key)
    if plan is None:
        paths, defines, root = key
        plan = prepare(list(paths), dict(defines), root)
        _WORKER_PLANS.clear()
        _WORKER_PLANS[key] = plan
    return evaluate_chunk(plan, chunk)


def run_chunks(plan: Plan, key: tuple, chunk_size: int, workers: int = 1, scheduler: str | None = None):
    """Chunk results in scenario order: serial, across `workers` processes, or on a Dask cluster. At most a
    few chunks are in flight at once, so memory stays bounded whatever the sweep's size."""
    todo = chunks(plan, chunk_size)
    if scheduler:
        yield from _run_dask(key, todo, scheduler, workers)
        return
    if workers <= 1:
        for chunk in todo:
            yield evaluate_chunk(plan, chunk)
        return
    import concurrent.futures as cf
    import multiprocessing

    context = multiprocessing.get_context("spawn" if "fork" not in multiprocessing.get_all_start_methods()
                                          else "fork")
    with cf.ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_sigint) as pool:
        yield from _ordered(lambda c: pool.submit(_worker_chunk, key, c), todo, 2 * workers,
                            lambda f: f.result(), lambda f: f.cancel())


def _ignore_sigint() -> None:
    """Workers leave Ctrl-C to the parent, which stops after the chunk in hand and keeps what is written."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _ordered(submit, todo, window: int, result, cancel):
    from collections import deque

    pending: deque = deque()
    try:
        for chunk in todo:
            pending.append(submit(chunk))
            if len(pending) >= window:
                yield result(pending.popleft())
        while pending:
            yield result(pending.popleft())
    finally:
        for fut in pending:
            cancel(fut)


def _run_dask(key: tuple, todo, scheduler: str, workers: int):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise SweepError("--scheduler needs dask.distributed: pip install 'factory-dsl[scale]'") from exc
    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=max(workers, 1), threads_per_worker=1, processes=True,
                               dashboard_address=None)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        yield from _ordered(lambda c: client.submit(_worker_chunk, key, c, pure=False), todo,
                            2 * max(workers, len(client.scheduler_info().get("workers", {})), 1),
                            lambda f: f.result(), lambda f: f.cancel())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------------------------- writers

def format_column(values: np.ndarray, empty: str = "") -> list[str]:
    """Each float as `repr` (the shortest string that round-trips); absent and non-finite values `empty`.
    `repr` runs once per distinct bit pattern of the column (a column that depends on one parameter of a
    product repeats each value many times), mapped over the column in C: no Python loop per value."""
    values = np.ascontiguousarray(values, dtype=float)
    bits, inverse = np.unique(values.view(np.int64), return_inverse=True)
    distinct = bits.view(np.float64)
    text = list(map(repr, distinct.tolist()))
    for i in np.flatnonzero(~np.isfinite(distinct)).tolist():     # only the absent ones
        text[i] = empty
    return np.asarray(text, dtype=object)[inverse.reshape(-1)].tolist()


# ------------------------------------------------------------------------------- numbers as text, whole columns
#
# `repr_bytes` gives, for a whole float64 column at once, the bytes of Python's `repr` of each value: the shortest
# decimal string that reads back to the same float, of those the closest; positional when the decimal exponent
# is in -4 .. 15, else d.ddde+XX. It is computed with NumPy arithmetic, no Python object per value:
#
#   e      = floor(log10 a), a = |x|, exact (compared with 10^e held as a double-double hi + lo)
#   r      = a / 10^s, s = e - 16 (so 10^16 <= r < 10^17), as a double-double: a times hi + lo of 10^-s with
#            Dekker's exact product; D = round(r) (an int64), f = r - D, |error of f| <= r 2^-104 + 2^-52
#   G      = half the gap from a to its neighbouring doubles (the same on both sides but at a power of two), in
#            units of 10^s: a decimal c 10^s reads back to x iff |c - r| < G (G >= 0.55: 17 digits always do)
#   j      = the largest number of trailing digits that can be dropped: the nearest multiple of m = 10^j to r,
#            (D // m + up) m with rem = D mod m, up = rem + f >= m / 2, is |rem - up m + f| from r and reads
#            back iff that is below G (the multiple on the other side is no nearer, the gaps being equal).
#            Reading back is monotone in j (a coarser grid's points are on the finer grids), so j is found by
#            trying 1, 2 (16 and 15 digits, the common lengths of computed values), then a binary search up to
#            17; the digits are D // m + up (no trailing zero: else j + 1 would read back too)
#
# Not decided here, written by `repr` itself one by one: a comparison within its error bound of the boundary
# (an exact tie), a power of two (its gap below is half the gap above), and |x| outside 1e-250 .. 1e250
# (subnormals included).
# tests/test_sweep_format.py checks the bytes against `repr` over a million values of every kind.

_T_LO, _T_HI = -270, 270          # 10^t as a double-double for t in this range
_WIDTH = 24                       # the longest repr of a float64: -2.2250738585072014e-308
_SPLIT = 134217729.0              # 2^27 + 1: Dekker's split of a double into two 26-bit halves
_P10 = None                       # (hi, lo, hi's high half, hi's low half) of 10^t, built on first use
_INT_POW10 = 10 ** np.arange(19, dtype=np.int64)
_QUADS = np.frombuffer("".join(f"{i:04d}" for i in range(10_000)).encode(), dtype=np.uint32)  # 4 ASCII digits
_LITERALS = np.frombuffer(b"0.-e+0123456789 ", dtype=np.uint32)     # after the 20 digits of a source row
_LIT = {ch: 20 + i for i, ch in enumerate("0.-e+")}
_SOURCE = 36                      # bytes of a source row: 20 digits (right-aligned), 16 literal characters
_TOLERANCE = 4e-13                # above the errors of f (r < 10^17: under 6e-15) and of G (G 2^-52, G < 12)


def _powers_of_ten():
    from fractions import Fraction

    hi, lo = [], []
    for t in range(_T_LO, _T_HI + 1):
        exact = Fraction(10) ** t
        h = float(exact)                              # correctly rounded
        hi.append(h)
        lo.append(float(exact - Fraction(h)))
    hi, lo = np.array(hi), np.array(lo)
    c = _SPLIT * hi
    h_hi = c - (c - hi)
    return hi, lo, h_hi, hi - h_hi


def _shortest(a: np.ndarray):
    """For positive doubles in [1e-250, 1e250]: (digits D as int64, their count, the point: a = 0.D x 10^point
    read back, undecided). See the block comment above."""
    global _P10
    if _P10 is None:
        _P10 = _powers_of_ten()
    hi_t, lo_t, hh_t, hl_t = _P10
    l10 = np.log10(a)
    e = np.floor(l10).astype(np.int64)
    near = np.flatnonzero(np.abs(l10 - np.rint(l10)) < 1e-9)     # log10 may round across a power of ten
    if near.size:
        an, en = a[near], e[near]
        en -= (an < hi_t[en - _T_LO]) | ((an == hi_t[en - _T_LO]) & (lo_t[en - _T_LO] > 0))
        en += (an > hi_t[en + 1 - _T_LO]) | ((an == hi_t[en + 1 - _T_LO]) & (lo_t[en + 1 - _T_LO] <= 0))
        e[near] = en
    t = 16 - e - _T_LO                                # index of 10^-s
    hi, lo, h_hi, h_lo = hi_t[t], lo_t[t], hh_t[t], hl_t[t]
    c = _SPLIT * a
    a_hi = c - (c - a)
    a_lo = a - a_hi
    p = a * hi                                        # r = p + err + a lo, Dekker: err = a hi - p exactly
    err = ((a_hi * h_hi - p) + a_hi * h_lo + a_lo * h_hi) + a_lo * h_lo
    k = np.rint(p)
    f = (p - k) + (err + a * lo)
    kk = np.rint(f)
    D = k.astype(np.int64) + kk.astype(np.int64)
    f -= kk
    gap = np.spacing(a) * (0.5 * hi)                  # G; 10^-s's lo is below the tolerance
    unsure = np.frexp(a)[0] == 0.5                    # a power of two: the gap below is half; left to repr
    digits = D.copy()
    good = np.zeros(a.size, dtype=np.int64)           # j known to read back (0: 17 digits always do)
    bad = np.full(a.size, 18, dtype=np.int64)         # j known not to
    todo = slice(None)
    step = 0
    while True:
        g, b = good[todo], bad[todo]
        if step < 2:                                  # 16 and 15 digits first: one divisor for all
            j, m = step + 1, 10 ** (step + 1)
        else:
            j = (g + b) // 2
            m = _INT_POW10[j]
        Dt, ft, gt = D[todo], f[todo], gap[todo]
        q = Dt // m
        rem = Dt - q * m
        half_m = m // 2
        tie = rem == half_m
        up = (rem > half_m) | (tie & (ft > 0))
        near = q + up
        dist = np.abs((rem - up * m) + ft)            # from r to the nearest multiple of m
        ok = (dist < gt) & (near >= 1)                # (the other neighbour, m - dist away, is no nearer)
        unsure[todo] |= (np.abs(dist - gt) <= _TOLERANCE) | (tie & (np.abs(ft) <= _TOLERANCE))
        good[todo] = np.where(ok, j, g)
        bad[todo] = np.where(ok, b, j)
        digits[todo] = np.where(ok, near, digits[todo])
        left = ~unsure & (bad - good > 1)
        if not left.any():
            break
        todo = np.flatnonzero(left)
        step += 1
    count = np.searchsorted(_INT_POW10, digits, side="right")
    unsure |= (count > 17) | (count < 1)
    return digits, count, (e - 16) + good + count, unsure


def repr_bytes(values: np.ndarray):
    """(uint8 matrix (n, 24), lengths): row i holds repr(values[i]) in its first lengths[i] bytes (what follows
    is undefined); a value that is not finite has length 0."""
    x = np.ascontiguousarray(values, dtype=np.float64).reshape(-1)
    n = x.size
    a = np.abs(x)
    with np.errstate(all="ignore"):
        fast = (a >= 1e-250) & (a <= 1e250)
        everything = bool(fast.all())
        idx = None if everything else np.flatnonzero(fast)
        digits, count, point, unsure = _shortest(a if everything else a[idx])
        if everything and not unsure.any():
            rows, rest = None, np.empty(0, dtype=np.intp)
        else:
            done = (np.arange(n) if everything else idx)[~unsure]
            zero = np.flatnonzero(x == 0)                                # "0.0" and "-0.0"
            rows = np.concatenate([done, zero])
            digits = np.concatenate([digits[~unsure], np.zeros(zero.size, dtype=np.int64)])
            count = np.concatenate([count[~unsure], np.ones(zero.size, dtype=np.int64)])
            point = np.concatenate([point[~unsure], np.ones(zero.size, dtype=np.int64)])
            rest = np.ones(n, dtype=bool)
            rest[rows] = False
            rest = np.flatnonzero(rest & np.isfinite(x))
        out, length = _layout(n, rows, digits, count, point, np.signbit(x if rows is None else x[rows]))
    if rest.size:                     # outside the fast range, undecided, powers of two: repr once per value
        bits, inverse = np.unique(x[rest].view(np.int64), return_inverse=True)
        texts = [repr(v).encode() for v in bits.view(np.float64).tolist()]
        table = np.zeros((len(texts), _WIDTH), dtype=np.uint8)
        for i, text in enumerate(texts):
            table[i, :len(text)] = np.frombuffer(text, dtype=np.uint8)
        out[rest] = table[inverse.reshape(-1)]
        length[rest] = np.array([len(t) for t in texts], dtype=np.int64)[inverse.reshape(-1)]
    return out, length


def _layout(n, rows, digits, count, point, negative):
    """repr's text of 0.d1...dp x 10^point (p = count) for `rows` (None: every row) of an (n, 24) matrix. The
    layout depends only on (p, point, sign): each distinct one is a row of source indices (a digit or a literal
    character), and one gather over the whole column writes every value."""
    size = digits.size
    src = np.empty((size, _SOURCE // 4), dtype=np.uint32)   # per value: 5 groups of 4 digits, then the literals
    rest = digits
    for col in range(4, -1, -1):
        above = rest // 10_000
        src[:, col] = _QUADS[rest - above * 10_000]
        rest = above
    src[:, 5:] = _LITERALS
    key = ((point + 400) << 6) | (count << 1) | negative.astype(np.int64)
    present = np.zeros(1 << 16, dtype=bool)
    present[key] = True
    keys = np.flatnonzero(present)
    source = src.view(np.uint8)
    chars = np.empty((size, _WIDTH), dtype=np.uint8)
    lengths = np.empty(size, dtype=np.int64)
    for k in keys.tolist():
        p, neg, pt = (k >> 1) & 31, k & 1, (k >> 6) - 400
        text = _template(p, pt, neg)
        index = [20 - p + ch if isinstance(ch, int) else 25 + int(ch[1]) if ch[0] == "x" else _LIT[ch]
                 for ch in text]
        if keys.size == 1:
            chars[:, :len(index)] = source[:, index]
            lengths[:] = len(index)
        else:
            mine = np.flatnonzero(key == k)
            chars[mine, :len(index)] = source[mine][:, index]
            lengths[mine] = len(index)
    if rows is None:
        return chars, lengths
    out = np.zeros((n, _WIDTH), dtype=np.uint8)
    length = np.zeros(n, dtype=np.int64)
    out[rows] = chars
    length[rows] = lengths
    return out, length


def _template(p: int, point: int, negative: int) -> list:
    """repr's text for p digits with the point at `point`: a list of digit indices (int, 0 = first digit) and
    literal characters ("0", ".", "-", "e", "+", or "xD" for the exponent digit D). Positional when
    -4 < point <= 16, else scientific with an exponent of at least 2 digits."""
    sign = ["-"] if negative else []
    digits = list(range(p))
    if -4 < point <= 16:
        if point <= 0:
            body = ["0", "."] + ["0"] * -point + digits
        elif point < p:
            body = digits[:point] + ["."] + digits[point:]
        else:
            body = digits + ["0"] * (point - p) + [".", "0"]
    else:
        exp = point - 1
        body = digits[:1] + (["."] + digits[1:] if p > 1 else []) + ["e", "-" if exp < 0 else "+"]
        body += ["x" + ch for ch in f"{abs(exp):02d}"]
    return sign + body


class Writer:
    """Base: a table of one row per scenario in fixed columns, written chunk after chunk."""

    def __init__(self, path: str, columns: list[str]):
        self.path = path
        self.columns = columns
        self.periods: tuple[int, ...] = ()      # of the inner parameters in a chunk (set by `stream`)

    def write(self, table: dict[str, np.ndarray], size: int) -> None:
        raise NotImplementedError

    def close(self) -> None:
        pass


class CsvWriter(Writer):
    """Rows of text built as bytes, whole columns at a time (`column_bytes`), in blocks of ROWS rows (small
    enough for the processor's caches): the same bytes as `format_column` joined by commas."""

    ROWS = 32768

    def __init__(self, path: str, columns: list[str]):
        super().__init__(path, columns)
        self.file = open(path, "wb")
        self.file.write((",".join(_csv_field(c) for c in columns) + "\n").encode("utf-8"))

    def write(self, table, size):
        for start in range(0, size, self.ROWS):
            block = slice(start, min(start + self.ROWS, size))
            self.file.write(join_rows([column_bytes(table[c][block], c, self.periods) for c in self.columns],
                                      b",", b"\n"))

    def close(self):
        self.file.close()


class JsonlWriter(Writer):
    """One JSON object a line, {"name":value,...} in the columns' order, built like the CSV rows."""

    ROWS = 32768

    def __init__(self, path: str, columns: list[str]):
        super().__init__(path, columns)
        self.file = open(path, "wb")
        self.heads = [("{" if i == 0 else "").encode() + f"{json.dumps(c)}:".encode("utf-8")
                      for i, c in enumerate(columns)]

    def write(self, table, size):
        for start in range(0, size, self.ROWS):
            block = slice(start, min(start + self.ROWS, size))
            fields = [column_bytes(table[c][block], c, self.periods, empty=b"null") for c in self.columns]
            self.file.write(join_rows(fields, b",", b"}\n", self.heads))

    def close(self):
        self.file.close()


class ParquetWriter(Writer):
    """Rows in row groups of a fixed size, whatever the chunks (a row group per chunk made the bytes follow
    --chunk-size, and AutoSize's timing): `row_group` rows, by default the power of two that holds about
    ROW_GROUP_BYTES of float64 columns (1,024 to ROW_GROUP rows), so memory stays bounded however wide the sweep."""

    ROW_GROUP = 131_072
    ROW_GROUP_BYTES = 32 * 2 ** 20

    def __init__(self, path: str, columns: list[str], row_group: int | None = None):
        super().__init__(path, columns)
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError as exc:
            raise SweepError("--output-format parquet needs pyarrow: pip install pyarrow "
                             "(or 'factory-dsl[scale]')") from exc
        self.pa, self.pq = pa, pq
        fields = [pa.field(c, pa.int64() if c == "scenario" else pa.bool_() if c == "feasible" else pa.float64())
                  for c in columns]
        self.schema = pa.schema(fields)
        if row_group is None:
            fit = self.ROW_GROUP_BYTES // (8 * max(len(columns), 1))
            row_group = min(max(1 << max(fit.bit_length() - 1, 0), 1024), self.ROW_GROUP)
        self.row_group = row_group
        self.pending: list = []            # tables not yet written, fewer than row_group rows in all
        self.pending_rows = 0
        # no dictionary pages: computed floats are nearly all distinct, and trying to encode them so costs 5x
        # the rest of the write (zstd compresses the repeats of a product sweep anyway)
        self.writer = pq.ParquetWriter(path, self.schema, compression="zstd", use_dictionary=False)

    def write(self, table, size):
        pa = self.pa
        arrays = []
        for c in self.columns:
            v = table[c]
            if c in ("scenario", "feasible"):
                arrays.append(pa.array(v))
            else:
                arrays.append(pa.array(v, type=pa.float64(), mask=~np.isfinite(v)))
        self.pending.append(pa.Table.from_arrays(arrays, schema=self.schema))
        self.pending_rows += size
        if self.pending_rows >= self.row_group:
            self._flush(whole_groups_only=True)

    def _flush(self, whole_groups_only: bool) -> None:
        if not self.pending_rows:
            return
        rows = self.pa.concat_tables(self.pending).combine_chunks()
        start = 0
        while rows.num_rows - start >= self.row_group or (not whole_groups_only and start < rows.num_rows):
            group = rows.slice(start, self.row_group).combine_chunks()
            self.writer.write_table(group, row_group_size=self.row_group)
            start += group.num_rows
        rest = rows.slice(start)
        self.pending = [rest] if rest.num_rows else []
        self.pending_rows = rest.num_rows

    def close(self):
        self._flush(whole_groups_only=False)
        self.writer.close()


def _csv_field(text: str) -> str:
    return f'"{text}"' if any(ch in text for ch in ',"\n') else text


_TRUE_FALSE = np.frombuffer(b"false" + b"true\0", dtype=np.uint8).reshape(2, 5)


def column_bytes(values: np.ndarray, name: str, periods: tuple[int, ...] = (), empty: bytes = b""):
    """(uint8 matrix, lengths) of a column's text: `scenario` as an integer, `feasible` as true / false, numbers
    as `repr_bytes` (absent or not finite: `empty`), each distinct run or period formatted once
    (`_repeated_bytes`)."""
    if name == "feasible":
        flags = np.asarray(values, dtype=bool)
        return _TRUE_FALSE[flags.astype(np.intp)], np.where(flags, 4, 5)
    values = np.ascontiguousarray(values, dtype=np.float64)
    if name == "scenario":                    # integers below 10^12: repr of the float less its ".0"
        chars, lengths = repr_bytes(values)
        return chars, lengths - 2
    chars, lengths = _repeated_bytes(values, periods)
    if empty:
        absent = lengths == 0                 # a finite number is never empty
        if absent.any():
            chars = np.array(chars)
            chars[absent, :len(empty)] = np.frombuffer(empty, dtype=np.uint8)
            lengths = np.where(absent, len(empty), lengths)
    return chars, lengths


def _repeated_bytes(values: np.ndarray, periods: tuple[int, ...]):
    """`repr_bytes`, formatting only what does not repeat. In a chunk of a product sweep a quantity that depends
    only on outer parameters is constant over runs, one that depends only on inner ones repeats with the period
    of their product (`periods`, innermost first); both are checked bit for bit, never assumed."""
    n = values.size
    bits = values.view(np.int64)
    if n > 1:
        starts = np.flatnonzero(bits[1:] != bits[:-1]) + 1
        if starts.size < n // 4:
            starts = np.concatenate([[0], starts])
            counts = np.diff(np.append(starts, n))
            chars, lengths = _repeated_bytes(values[starts], ())
            return np.repeat(chars, counts, axis=0), np.repeat(lengths, counts)
    for k, period in enumerate(periods):
        if 1 < period <= n // 2 and np.array_equal(bits[period:], bits[:-period]):
            chars, lengths = _repeated_bytes(values[:period], periods[:k])
            whole = -(-n // period)
            return np.tile(chars, (whole, 1))[:n], np.tile(lengths, whole)[:n]
    return repr_bytes(values)


def join_rows(columns: list, separator: bytes, end: bytes, heads: list[bytes] | None = None) -> bytes:
    """The rows of text of `columns` ((chars, lengths) each), fields joined by `separator`, each row ended by
    `end`, each field preceded by its `heads` entry (JSON Lines' keys): one matrix of every row's bytes and a
    mask of those in use, compacted in one pass."""
    rows = columns[0][0].shape[0]
    heads = heads or [b""] * len(columns)
    tails = [np.frombuffer(separator + head, dtype=np.uint8) for head in heads[1:]] + [np.frombuffer(end, np.uint8)]
    if heads[0]:                              # the first field's head: a constant field of its own
        lead = np.frombuffer(heads[0], dtype=np.uint8)
        columns = [(np.broadcast_to(lead, (rows, lead.size)), np.full(rows, lead.size))] + list(columns)
        tails = [np.empty(0, dtype=np.uint8)] + tails
    widths = [int(lengths.max(initial=0)) for _, lengths in columns]
    span = np.arange(max(widths, default=0))
    step = max(1, (1 << 20) // (sum(widths) + sum(t.size for t in tails)))    # a block of about 1 MB
    text = np.empty((min(step, rows), sum(widths) + sum(t.size for t in tails)), dtype=np.uint8)
    used = np.ones(text.shape, dtype=bool)
    out = []
    for start in range(0, rows, step):
        stop = min(start + step, rows)
        at = 0
        for (chars, lengths), width, tail in zip(columns, widths, tails):
            text[:stop - start, at:at + width] = chars[start:stop, :width]
            np.less(span[:width], lengths[start:stop, None], out=used[:stop - start, at:at + width])
            at += width
            text[:stop - start, at:at + tail.size] = tail
            at += tail.size
        out.append(np.compress(used[:stop - start].reshape(-1), text[:stop - start].reshape(-1)).tobytes())
    return b"".join(out)


WRITERS = {"csv": CsvWriter, "jsonl": JsonlWriter, "parquet": ParquetWriter}


# ---------------------------------------------------------------------------------------------- summary

class Summary:
    """Streaming statistics per varying quantity: exact min and max, the median of a regular sample
    (every k-th scenario, at most `sample` values, exact when the sweep is no longer), absent counts."""

    def __init__(self, count: int, sample: int = 100_000):
        self.count = count
        self.stride = max(math.ceil(count / sample), 1)
        self.low: dict[str, float] = {}
        self.high: dict[str, float] = {}
        self.absent: dict[str, int] = {}
        self.samples: dict[str, list[np.ndarray]] = {}
        self.feasible = 0
        self.seen = 0

    def add(self, table: dict[str, np.ndarray], start: int, size: int, names: list[str]) -> None:
        self.seen += size
        self.feasible += int(np.count_nonzero(table["feasible"]))
        first = (-start) % self.stride
        for name in names:
            v = table[name]
            finite = np.isfinite(v)
            self.absent[name] = self.absent.get(name, 0) + int(size - np.count_nonzero(finite))
            if finite.any():
                good = v[finite]
                self.low[name] = min(self.low.get(name, math.inf), float(good.min()))
                self.high[name] = max(self.high.get(name, -math.inf), float(good.max()))
            self.samples.setdefault(name, []).append(v[first::self.stride])

    def median(self, name: str) -> float:
        values = np.concatenate(self.samples.get(name) or [np.empty(0)])
        values = values[np.isfinite(values)]
        return float(np.median(values)) if values.size else math.nan


# ---------------------------------------------------------------------------------------------- the driver

def interruptible(func):
    """Decorator for a command: while a stream runs (in any thread), Ctrl-C asks it to stop after the chunk
    in hand, so the rows written so far are complete and kept; otherwise Ctrl-C interrupts as usual."""
    import signal
    from functools import wraps

    @wraps(func)
    def wrapper(*args, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            return func(*args, **kwargs)

        def handler(signum, frame):
            if _STREAMING.is_set():
                INTERRUPT.set()
            else:
                raise KeyboardInterrupt

        previous = signal.signal(signal.SIGINT, handler)
        try:
            return func(*args, **kwargs)
        finally:
            signal.signal(signal.SIGINT, previous)
    return wrapper


@dataclass
class Outcome:
    written: int                                   # scenarios evaluated (and written, with an output file)
    total: int
    interrupted: bool
    constants: dict[str, float]
    units: dict[str, str]
    displays: dict[str, str]
    columns: list[str]
    failing: dict[str, int]
    check_messages: dict[str, str]
    summary: Summary
    diagnostics: list
    seconds: float = 0.0
    failing_rows: dict[str, list[int]] = field(default_factory=dict)   # the first FAILING_LISTED of each check
    flags: dict[str, str] = field(default_factory=dict)     # {path: why} a warning makes it incomplete (marked)
    # {path: (rows, the first FAILING_LISTED rows)}: the flags that hold in some rows only (`_flag_rows`)
    flag_rows: dict = field(default_factory=dict)
    # the columns the probe found alike though they read a swept parameter: the summary counts those that turned
    # out not to vary with the constants, as an in-memory sweep does
    alike: set = field(default_factory=set)
    select: str | None = None                               # --select: the summary lists only what it matches


def select_columns(paths, select: str | None) -> list[str]:
    import fnmatch

    return sorted(p for p in paths if not select or fnmatch.fnmatchcase(p, select))


def stream(plan: Plan, key: tuple, *, output: str | None = None, output_format: str = "csv",
           chunk_size=None, workers: int = 1, scheduler: str | None = None,
           select: str | None = None, progress: bool = False, on_chunk=None, limit: int | None = None) -> Outcome:
    """Evaluate the plan chunk after chunk, writing rows to `output` (if given) and keeping a summary.
    `on_chunk(result, table)` sees every chunk (optimize keeps its best rows there). Ctrl-C stops after the
    rows written so far (`Outcome.interrupted`). `limit` stops after that many scenarios (benchmarks).
    `chunk_size` None: `AutoSize` in a serial run, DEFAULT_CHUNK with workers."""
    import time

    auto = None
    if chunk_size is None:
        if workers <= 1 and not scheduler:
            chunk_size = auto = AutoSize()
        else:
            chunk_size = DEFAULT_CHUNK

    started, started_cpu = time.perf_counter(), time.process_time()
    writer: Writer | None = None
    summary = Summary(plan.count)
    columns: list[str] = []
    varying: list[str] = []
    constants: dict[str, float] = {}
    units: dict[str, str] = {}
    displays: dict[str, str] = {}
    failing: dict[str, int] = {}
    failing_rows: dict[str, list[int]] = {}
    messages: dict[str, str] = {}
    diagnostics: list = []
    seen_diags: set = set()
    counted: dict = {}                          # (code, span) -> [its index in diagnostics, scenarios it holds in]
    whole: dict = {}                            # (code, span) -> [(key, chunk size)] where said without a count
    written = 0
    alike: set[str] = set()                     # columns the probe found alike though they read a swept parameter
    flag_rows: dict[str, list] = {}             # path -> [rows a flag holds in, the first FAILING_LISTED of them]
    flag_reach: dict = {}                       # a diagnostic's (code, quantities) -> the figures it flags
    interrupted = False
    bar = _progress_bar(plan.count, progress)
    INTERRUPT.clear()
    _STREAMING.set()
    try:
        tick = time.process_time()
        projected = False
        for result in run_chunks(plan, key, chunk_size, workers, scheduler):
            size = result.chunk.stop - result.chunk.start
            if not columns:
                probing = time.process_time()
                probe = _probe(plan)
                if auto is not None:
                    auto.fixed(time.process_time() - probing)   # the cost of a chunk besides its scenarios
                tick += time.process_time() - probing           # not part of the first chunk's rate
                # a probe the spec's errors cut short (an error that stops what depends on it in every scenario
                # of the chunk) cannot tell a constant: every figure is then a column, each chunk writing its own,
                # and the figures are those of the probe's scenarios evaluated one by one as well
                trusted = not error_rows(probe.diagnostics, 1).any()
                picked = select_columns(probe.columns if trusted else _paths_one_by_one(plan, probe), select)
                varying = [p for p in picked if (not trusted or probe.columns[p].size > 1) and p not in plan.sweep]
                # a figure that reads a swept parameter is a column even where the probe's values leave it alike
                # (a model returns one value where its rows agree): a later value may differ or have none there
                swept = _reading_swept(plan)
                alike = {p for p in picked if trusted and p in swept and probe.columns[p].size == 1
                         and p not in plan.sweep}
                chosen = {*varying, *alike}
                varying = [p for p in picked if p in chosen]
                constants = {p: float(result.columns[p][0]) for p in picked
                             if trusted and probe.columns[p].size == 1 and p not in plan.sweep
                             and p in result.columns and p not in swept}
                units, displays = dict(probe.units), dict(probe.displays)
                columns = ["scenario"] + list(plan.sweep) + ["feasible"] + varying
                if output:
                    writer = WRITERS[output_format](output, columns)
                    # the periods of the inner parameters in a chunk (the product of the sizes inside each)
                    sizes = [len(plan.values[p]) for p in plan.sweep]
                    writer.periods = tuple(math.prod(sizes[i:]) for i in range(len(sizes) - 1, 0, -1))
            for p, unit in result.units.items():       # a probe the spec's errors cut short lacks some
                units.setdefault(p, unit)
                displays.setdefault(p, result.displays.get(p, ""))
            table = _table(result, plan, columns, size)
            if writer is not None:
                writer.write(table, size)
            summary.add(table, result.chunk.start, size, varying + list(plan.sweep))
            for name, count in result.failing.items():
                failing[name] = failing.get(name, 0) + count
                listed = failing_rows.setdefault(name, [])
                if count and len(listed) < FAILING_LISTED:
                    listed.extend(int(i) for i in result.failing_rows[name][:FAILING_LISTED - len(listed)])
            messages.update(result.check_messages)
            _flag_rows(plan, result, flag_rows, flag_reach)
            for d in result.diagnostics:
                clause = _CHUNK_CLAUSE.search(d.message)
                if clause:          # one diagnostic for the sweep, the first chunk's, with the sweep's count
                    k = (d.code, d.span, "in scenarios")
                    n = int((clause.group(1) or clause.group(2)).replace(",", ""))
                    if k in counted:
                        counted[k][1] += n
                    else:
                        counted[k] = [len(diagnostics), n]
                        diagnostics.append(dataclasses.replace(
                            d, message=d.message[:clause.start()] + d.message[clause.end():], scenarios=None))
                    continue
                # a check's "(in N of M scenarios)" counts one chunk: drop it (the summary counts the sweep)
                message = _CHUNK_COUNT.sub("", d.message)
                k = (d.code, d.span, message)
                if message == d.message and d.code not in _CHECK_CODES:   # (it holds in the chunk's every scenario)
                    whole.setdefault((d.code, d.span, "in scenarios"), []).append((k, size))
                if k not in seen_diags:
                    seen_diags.add(k)
                    # (its scenarios are the chunk's own indices: not kept)
                    diagnostics.append(dataclasses.replace(d, message=message, scenarios=None))
            if on_chunk is not None:
                on_chunk(result, table)
            written += size
            if auto is not None:
                now = time.process_time()
                auto.observe(size, now - tick)
                tick = now
            if bar is not None:
                bar.update(size)
            if progress and not projected and written < plan.count:
                wall = time.perf_counter() - started
                remaining = auto.remaining_cpu(plan.count - written) if auto is not None else None
                if remaining is not None:           # CPU seconds to wall ones, at this process's share so far
                    remaining *= max(wall / max(time.process_time() - started_cpu, 1e-9), 1.0)
                projected = _project(plan.count, written, wall, remaining)
            if limit is not None and written >= limit:
                break
            if INTERRUPT.is_set():
                interrupted = True
                break
    except KeyboardInterrupt:
        interrupted = True
    finally:
        _STREAMING.clear()
        drop = set()
        for key, (i, n) in counted.items():      # the chunks where it held in every scenario count whole
            first = diagnostics[i]
            for k, size in whole.get(key, []):
                n += size
                drop.add(k)
            earlier = [d for d in diagnostics[:i] if (d.code, d.span, d.message) in drop]
            said = (earlier[0] if earlier else first).message       # the first scenarios' values, as in memory
            diagnostics[i] = dataclasses.replace(first, message=said + f" (in {n:,} of {written:,} scenarios)")
        diagnostics[:] = [d for d in diagnostics if (d.code, d.span, d.message) not in drop]
        if bar is not None:
            bar.close()
        if writer is not None:
            writer.close()
    outcome = Outcome(written, plan.count, interrupted, constants, units, displays, columns, failing, messages,
                      summary, diagnostics, time.perf_counter() - started, failing_rows)
    from .render.report_format import flag_reason, graph_flags

    outcome.flags = {p: flag_reason(c) for p, c in graph_flags(plan.lowering.graph,
                                                               [*plan.sink.items, *diagnostics]).items()}
    outcome.select = select
    outcome.alike = alike
    everywhere = graph_flags(plan.lowering.graph, plan.sink.items)     # the spec's own warnings: every row
    outcome.flag_rows = {p: (n, rows) for p, (n, rows) in flag_rows.items()
                         if p in outcome.flags and p not in everywhere and n < written}
    return outcome


def _flag_rows(plan: Plan, result, flag_rows: dict, reach: dict) -> None:
    """Count, in `flag_rows` ({path: [rows, first rows]}), the rows of this chunk in which a diagnostic flags a
    figure (`report_format.graph_flags`): those its diagnostic names (`Diagnostic.scenarios`, the chunk's own
    indices), else every row of the chunk. A figure flagged in fewer rows than the sweep writes is flagged in
    those only, as results JSON's `flagged.scenarios` says of an in-memory sweep."""
    from .render.report_format import graph_flags

    start, size = result.chunk.start, result.chunk.stop - result.chunk.start
    here: dict[str, set[int]] = {}
    for d in result.diagnostics:
        if d.severity not in ("error", "warning") or not d.quantities:
            continue
        key = (d.code, tuple(d.quantities))
        if key not in reach:
            reach[key] = sorted(graph_flags(plan.lowering.graph, [d]))
        rows = range(size) if d.scenarios is None else [int(i) for i in d.scenarios if 0 <= int(i) < size]
        for path in reach[key]:
            here.setdefault(path, set()).update(rows)
    for path, rows in here.items():
        entry = flag_rows.setdefault(path, [0, []])
        entry[0] += len(rows)
        if len(entry[1]) < FAILING_LISTED:
            entry[1].extend(start + i for i in sorted(rows)[:FAILING_LISTED - len(entry[1])])


def _reading_swept(plan: Plan) -> set[str]:
    """The swept parameters and the figures whose evaluation read one, directly or through others (`Node.deps`, as
    the probe's evaluation set them, over the nodes it made)."""
    from .render.report_format import reached_from, readers_of

    return reached_from(readers_of(plan.lowering.graph, made_only=True), plan.sweep)


def _probe(plan: Plan) -> ChunkResult:
    """Which quantities vary over the sweep, whatever the chunk size: the product of the first two values
    of each swept parameter (at most 2^k scenarios), where anything that depends on a parameter is an
    array of that length and everything else a single value."""
    values = {p: plan.values[p][:2] for p in plan.sweep}
    return evaluate_chunk(plan, Chunk(-1, 0, math.prod(len(v) for v in values.values()), values))


PROBED_ONE_BY_ONE = 16     # at most this many of the probe's scenarios evaluated alone (`_paths_one_by_one`)


def _paths_one_by_one(plan: Plan, probe: ChunkResult) -> set[str]:
    """The numeric figures of the probe and of its first scenarios evaluated alone: where an error stops
    the probe (a count that is not whole in one scenario), the others still name what a sweep computes."""
    import itertools

    paths = set(probe.columns)
    firsts = {p: plan.values[p][:2] for p in plan.sweep}
    for combo in itertools.islice(itertools.product(*firsts.values()), PROBED_ONE_BY_ONE):
        paths |= set(evaluate_chunk(plan, Chunk(-1, 0, 1, {p: [v] for p, v in zip(firsts, combo)})).columns)
    return paths


def _table(result: ChunkResult, plan: Plan, columns: list[str], size: int) -> dict[str, np.ndarray]:
    table: dict[str, np.ndarray] = {"scenario": np.arange(result.chunk.start, result.chunk.stop, dtype=np.int64),
                                    "feasible": result.feasible}
    for name in columns:
        if name in table:
            continue
        value = result.columns.get(name)
        if value is None:
            table[name] = np.full(size, np.nan)
        else:
            table[name] = np.broadcast_to(value, (size,))
    return table


PROJECT_AFTER_S = 2.0     # measure this long before projecting a sweep's whole time
PROJECT_ABOVE_S = 60.0    # project only sweeps expected to take longer than this


def projection_text(total: int, done: int, seconds: float, remaining_s: float | None = None) -> str:
    """The whole sweep's time (`done` scenarios in `seconds` of wall time): `seconds` and the `remaining_s`
    the rest will take (AutoSize's model: a fixed cost per chunk, a cost per scenario), or without a model
    the rate measured so far."""
    from .display import format_quantity

    rate = done / seconds
    whole = total / rate if remaining_s is None else seconds + remaining_s
    return (f"{done:,} scenarios in {seconds:.1f} s ({rate:,.0f} scenarios/s): all {total:,} are projected to take "
            f"{format_quantity(whole, 's')} in this process (--workers or --scheduler divide it)")


def _project(total: int, done: int, seconds: float, remaining_s: float | None = None) -> bool:
    """Print the projected time of a long sweep to stderr once it has run PROJECT_AFTER_S; True once printed."""
    import sys

    if seconds < PROJECT_AFTER_S or done <= 0:
        return False
    whole = total / (done / seconds) if remaining_s is None else seconds + remaining_s
    if whole > PROJECT_ABOVE_S:
        sys.stderr.write("projected: " + projection_text(total, done, seconds, remaining_s) + "\n")
        sys.stderr.flush()
    return True


def _progress_bar(total: int, wanted: bool):
    import sys

    if not wanted or not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, unit="scen", unit_scale=True, file=sys.stderr, leave=False)


def metadata(plan: Plan, spec: str, outcome: Outcome, output_format: str) -> dict:
    """The sidecar FILE.meta.json: what the table's columns mean, the constants, checks and how far it got."""
    return {
        "format_version": "1",
        "spec": spec,
        "layout": "wide: one row per scenario; columns scenario, the swept parameters, feasible, varying quantities",
        "output_format": output_format,
        "scenarios": {"count": plan.count, "written": outcome.written, "complete": outcome.written == plan.count,
                      "parameters": {p: {"first": plan.values[p][0], "last": plan.values[p][-1],
                                         "points": len(plan.values[p])} for p in plan.sweep}},
        "columns": outcome.columns,
        "units": {p: (outcome.units.get(p) or "1") for p in outcome.columns if p not in ("scenario", "feasible")},
        "constants": {p: {"unit": outcome.units.get(p) or "1", "value": v if math.isfinite(v) else None}
                      for p, v in sorted(outcome.constants.items())},
        "checks": [{"name": name, "message": outcome.check_messages.get(name, ""), "failing_scenarios": n,
                    "failing": outcome.failing_rows.get(name, []), "failing_listed_all": n <= FAILING_LISTED}
                   for name, n in sorted(outcome.failing.items())],
        # the columns and constants a warning makes incomplete, and why (as the report marks them)
        "flagged": {p: outcome.flags[p] for p in [*outcome.columns, *sorted(outcome.constants)]
                    if p in outcome.flags},
        # of those, the ones flagged in some rows only: how many, and which (the first FAILING_LISTED); a figure
        # flagged in every row is not here (as results JSON's `flagged.scenarios`)
        "flagged_scenarios": {p: {"count": n, "scenarios": rows, "listed_all": n <= FAILING_LISTED}
                              for p, (n, rows) in sorted(outcome.flag_rows.items())
                              if p in outcome.columns or p in outcome.constants},
    }


def _summary_mark(outcome: Outcome, name: str) -> str:
    """A summary row's flag: the report's mark, with how many rows it holds in where that is some only
    (`Outcome.flag_rows`)."""
    from .render.report_format import flag_mark

    why = outcome.flags.get(name)
    if why and name in outcome.flag_rows:
        return f" (⚠ in {outcome.flag_rows[name][0]:,} of {outcome.written:,} scenarios: {why})"
    return flag_mark(why)


def summary_text(plan: Plan, outcome: Outcome) -> str:
    """min / median / max per varying quantity (readable units), feasibility and check failure counts; a figure a
    warning makes incomplete carries the report's mark (`outcome.flags`), with the count of rows it holds in where
    that is some only (`_summary_mark`)."""
    from .display import format_quantity

    s = outcome.summary
    lines = [f"{outcome.written:,} of {plan.count:,} scenarios evaluated"
             + (f" (medians of one scenario in every {s.stride:,})" if s.stride > 1 else "")
             + f"; {s.feasible:,} feasible"]
    # the swept params are columns of the output (every row says its scenario), but a summary row only where
    # --select matches them, as every other quantity
    import fnmatch

    names = [p for p in plan.sweep if not outcome.select or fnmatch.fnmatchcase(p, outcome.select)] + [
        c for c in outcome.columns
                                                          if c not in ("scenario", "feasible") and c not in plan.sweep]
    alike = [p for p in names if p in outcome.alike and p in s.low and s.low[p] == s.high[p] and not s.absent.get(p)]
    if alike:                                     # columns that turned out not to vary: constants, as in memory
        names = [p for p in names if p not in set(alike)]
    width = max((len(p) for p in names), default=10)
    lines.append(f"{'quantity':<{width}}  {'min':>14}  {'median':>14}  {'max':>14}")
    for name in names:
        unit, declared = outcome.units.get(name, ""), outcome.displays.get(name, "")
        if name not in s.low:
            lines.append(f"{name:<{width}}  (absent in every scenario)")
            continue
        shown = [format_quantity(v, unit, declared) for v in (s.low[name], s.median(name), s.high[name])]
        absent = s.absent.get(name, 0)
        lines.append(f"{name:<{width}}  {shown[0]:>14}  {shown[1]:>14}  {shown[2]:>14}"
                     + (f"  ({absent:,} absent)" if absent else "") + _summary_mark(outcome, name))
    if outcome.constants or alike:
        lines.append(f"({len(outcome.constants) + len(alike)} quantities do not vary over the sweep)")
    for name, n in sorted(outcome.failing.items()):
        lines.append(f"{'ok  ' if n == 0 else 'FAIL'}  {name}" + (f"  (in {n:,} of {outcome.written:,} scenarios)"
                                                                   if n else ""))
    return "\n".join(lines) + "\n"


def has_errors(outcome: Outcome) -> bool:
    return any(d.severity == ERROR for d in outcome.diagnostics) or any(outcome.failing.values())


SUMMARY_AT = 1_000       # `factory eval` (table) summarises a sweep of more scenarios than this


def results_summary(results, select: str | None = None, sink=None) -> str:
    """The summary table of an in-memory sweep (`factory eval` without streaming options, more than
    SUMMARY_AT scenarios): the same text as a streamed sweep's, from the Results already computed."""
    n = results.scenario_count
    sweep_params = list(results.graph.sweep)
    numeric = {p: v for p, v in results.values.items()
               if isinstance(v, np.ndarray) and v.dtype.kind in "biuf" and v.size in (1, n)}
    absent = getattr(results, "absent", None) or {}
    picked = select_columns(numeric, select)
    for p in picked:       # absent whatever the swept values: a constant of no value, as a streamed sweep writes it
        if p in absent and _everywhere(absent, absent[p]):
            numeric[p] = np.full(1, np.nan)
    varying = [p for p in picked if numeric[p].size == n and p not in sweep_params]
    feasible = np.ones(n, dtype=bool)
    failing: dict[str, int] = {}
    for check in results.checks:
        rows = np.asarray(check.failing, dtype=np.int64) if not check.ok else np.empty(0, dtype=np.int64)
        if not check.ok and rows.size == 0:
            rows = np.arange(n)
        feasible[rows[rows < n]] = False
        failing[check.name] = int(np.unique(rows[rows < n]).size)
    if sink is not None:                    # a scenario in which the spec has an error is not feasible either
        feasible &= ~error_rows(sink.items, n)
    table = {"feasible": feasible}
    for p in varying + sweep_params:
        value = numeric[p].astype(float).reshape(-1)
        if p in absent:
            value = np.where(np.asarray(getattr(absent[p], "mask", True), dtype=bool), np.nan, value)
        table[p] = np.broadcast_to(value, (n,))
    summary = Summary(n)
    summary.add(table, 0, n, varying + sweep_params)
    plan = Plan(None, Sink(), n, sweep_params, {p: list(results.graph.sweep_values[p]) for p in sweep_params})
    constants = {p: float(numeric[p].reshape(-1)[0]) for p in picked if numeric[p].size == 1 and p not in sweep_params}
    displays = {p: getattr(results.graph.nodes.get(p), "display", "") or "" for p in numeric}
    outcome = Outcome(n, n, False, constants, dict(results.units), displays,
                      ["scenario"] + sweep_params + ["feasible"] + varying, failing,
                      {c.name: c.message for c in results.checks}, summary, [])
    from .render.report_format import flagged_quantities, flagged_scenarios

    outcome.flags, outcome.select = flagged_quantities(results, sink), select
    outcome.flag_rows = {p: (len(rows), rows) for p, rows in flagged_scenarios(results, sink).items()}
    return summary_text(plan, outcome)
