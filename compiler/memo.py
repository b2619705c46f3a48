"""Values kept across the versions of one document: a keystroke re-evaluates what it can affect, not the rest.

The language server evaluates each version of a document's text from scratch (its checks' stage, `evaluate(...,
only_checks=True)`). A `ValueMemo` (one per open document, owned by the server: `FactoryServer.memos`) keeps the
values the last version's evaluation computed, each with what it read, and lends them to the next version's
evaluation (`Evaluator.memo`, one `Round` per evaluation), which takes a value from it instead of computing it where
that gives what computing it would (the law, tests/test_memo.py: the diagnostics equal a fresh evaluation's after
every edit of a random series).

When a value is lent. Only between two versions whose programs have the same *shape*: every file the evaluation
read (the document, its imports, the stdlib) has the same text but for its numbers and comments (`shape_of`: each
number outside a string or comment, and each comment, replaced; a name, a unit, a string or a bracket changed:
nothing is lent), and the same
scenarios (the sweep's values). Two such programs lower to the same nodes at the same paths, with the same
expressions but for their numbers, the same instances and parts, and the same names resolving to the same nodes.
Then the text that differs lies between the first and the last character that differ (`Round.changed`, one range
per file, in the old version's offsets); a node's own expression (a field's, a let's, a count's) changed only if its
span meets that range (a model output's and an assumption's come from the model registry: never).

The value the old version gave a node (path P) is lent when, at the moment the new evaluation first needs P:
- P's own expression is outside the changed range, P is not failed, absent or refused in the new evaluation so far;
- its computation in the old version had no effect beyond its value (`effects`: no diagnostic, no failed, absent,
  refused or infeasible figure, no `let` read as a model's assumption, no node made, no count stand-in, no unpriced
  part, over the whole of it, every try of it included), and everything it read was such a value too or a literal
  (a node that read a placement shared by `compiler.share`, or one with an effect, is not kept);
- each node it read has, in the new evaluation, the old value: computed already and equal (same dtype, shape and
  numbers), or lent itself (the same conditions, recursively).
Then its value is the old one: the new computation would read the same nodes in the same order (each gives the same
value, and a node's computation is a function of what it reads, its expression, and the program's shape) and so
compute the same value, with no effect. Every node it read, at every depth, is put in place with it (as computing
it would have computed them), so the evaluation's values after it are the same too. A node that is not lent is
computed as ever; what the evaluation does next is unchanged (the same nodes are needed in the same order: a value
lent only skips computations that had no effect).

The memo holds only the latest version's values: after each evaluation that ran to its end, what it computed or
lent (with the lent ones' spans moved as the text moved). An evaluation that is cancelled leaves the memo as it was;
two evaluations of one document at once: the second runs without it (`lend` is taken by one at a time).
"""
from __future__ import annotations

import re
import threading

import numpy as np

from .evaluate import EvalError
from .graph import Instance

# a string (kept), a comment (kept), or a number not part of a name (replaced in the shape)
_TOKENS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|"(?:[^"\\\n]|\\.)*"|#[^\n]*'
                     r'|(?<![\w.])\d[\d_]*(?:\.\d+)?(?:[eE][+-]?\d+)?(?![\w.])')


# the values kept: texts, and arrays of numbers, truth values and texts (a reference is kept as the path it names:
# the instance is the old version's)
_KEPT = frozenset("fiubU")


def _uncommented(text: str) -> str:
    """The text with each comment replaced by `#` (strings and numbers kept)."""
    return _TOKENS.sub(lambda m: "#" if m.group()[0] == "#" else m.group(), text)


def shape_of(text: str) -> str:
    """The text with each number outside strings replaced by `0` and each comment by `#` (no value reads one)."""
    return _TOKENS.sub(lambda m: m.group() if m.group()[0] == '"' else "#" if m.group()[0] == "#" else "0", text)


def _by_lines(fn, text: str, seen: dict) -> str:
    """`fn(text)` (`shape_of` or `_uncommented`) made line by line, each line's found in `seen` (the file's last
    text's lines: a keystroke changes one) or made now; `seen` then holds this text's. The same text: no token of
    `_TOKENS` spans a newline but a triple-quoted string, so the lines from the first triple quote's to the last's
    are made as one (every such string lies within them, and a scan of the text starts each other line afresh),
    and a number's look-behind and look-ahead read a newline as they read the text's start and end."""
    lines = text.split("\n")
    first = text.find('"""')
    if first >= 0:
        a, b = text.count("\n", 0, first), text.count("\n", 0, text.rfind('"""'))
        lines[a:b + 1] = ["\n".join(lines[a:b + 1])]
    get = seen.get
    kept = {line: get(line) or fn(line) for line in lines}
    seen.clear()
    seen.update(kept)
    return "\n".join(map(kept.__getitem__, lines))


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """(length of the common prefix, of the common suffix not overlapping it) of two texts."""
    lo, hi = 0, min(len(old), len(new))
    while lo < hi:                              # (binary search on slices: compared in C)
        mid = (lo + hi + 1) // 2
        if old[:mid] == new[:mid]:
            lo = mid
        else:
            hi = mid - 1
    prefix = lo
    lo, hi = 0, min(len(old), len(new)) - prefix
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if old[len(old) - mid:] == new[len(new) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return prefix, lo


def effects(ev) -> tuple:
    """What an evaluation has done beyond computing values, as counts (`Evaluator.effects` counts a refusal in some
    scenarios, which keeps them; the nodes a model makes and the `let`s it reads as assumptions are `Round.event`s,
    made again where a value is lent)."""
    return (len(ev.sink.items), ev.effects, len(ev.failed), len(ev.absent), len(ev.infeasible), len(ev.refused),
            len(ev.refused_inputs), len(ev.refusing), len(ev.unpriced), len(ev.bad_choices), len(ev.broken),
            len(ev.count_stand_ins), len(ev.graph.checks), len(ev.graph.limits), len(ev.lowering.definition_instances))


_SOLVE = object()       # the value of a solve's key kept (`Round._solve_kept`): it has none, only its reads


class _Ref(tuple):
    """A reference's value as kept: (the path of the instance it names,); never lent, only compared."""


def same_value(a, b) -> bool:
    if a is b:
        return True
    if type(b) is _Ref:
        return isinstance(a, Instance) and a.path == b[0]
    if type(a) is str:
        return a == b
    if type(a) is not np.ndarray or type(b) is not np.ndarray:
        return False
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    # the same bytes are the same numbers (a NaN's included); else compared as numbers (0.0 and -0.0 are equal)
    if a.dtype.kind in _KEPT and a.tobytes() == b.tobytes():
        return True
    return bool(np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))


class ValueMemo:
    """The values of one document's last evaluation (see the module docstring). Owned by the server, one per
    open document; `Analysis.checks_diagnostics` lends it to the evaluation of each new version."""

    def __init__(self, whole: bool = True) -> None:
        # the values of the whole evaluation (the server's third stage: hovers, inlay hints), kept apart: a checks'
        # stage computes a part of them
        self.whole = ValueMemo(whole=False) if whole else None
        self.key: tuple | None = None               # the last version's program shape
        self.texts: dict[str, str] = {}             # file -> its text in the last version
        self.entries: dict[str, tuple] = {}         # path -> (span (file, start, end) or None, read, value)
        self.shapes: dict[str, tuple[str, str]] = {}   # file -> (text, shape_of(text)): computed once per text
        self.lines: dict[tuple, dict] = {}         # (shape_of or _uncommented, file) -> {line: its} (`_by_lines`)
        self.lent = 0                               # values lent by the last round (bench, tests)
        # (a program shape's key, `compiler.share`'s classes of copies in it, by path): they depend on the shape alone
        self.share_plan: tuple | None = None
        # ({file: text}, the checks' stage's diagnostics) of the last version checked (`reuse_checks`)
        self.checks_seen: tuple | None = None
        self.uncommented: dict[str, dict] = {}      # file -> {id(text): (text, _uncommented(text))}
        self._busy = threading.Lock()

    def _shape(self, name: str, text: str) -> str:
        found = self.shapes.get(name)
        if found is None or found[0] is not text and found[0] != text:
            found = self.shapes[name] = (text, _by_lines(shape_of, text, self.lines.setdefault((shape_of, name), {})))
        return found[1]

    def begin(self, lowering, sink) -> "Round | None":
        """A round for the evaluation of a new version (`lowering`, its sources in `sink`); None where another is
        running."""
        if not self._busy.acquire(blocking=False):
            return None
        texts = {name: source.text for name, source in sink.sources.items()}
        graph = lowering.graph
        key = (tuple(sorted((name, self._shape(name, text)) for name, text in texts.items())),
               graph.scenario_count, tuple((p, tuple(graph.sweep_values[p])) for p in graph.sweep))
        old = self.entries if key == self.key else {}
        changed = {}
        if old:
            for name, text in texts.items():
                before = self.texts[name]
                if before is not text and before != text:
                    prefix, suffix = _common_ends(before, text)
                    changed[name] = (prefix, len(before) - suffix, len(text) - len(before))
        return Round(self, key, texts, old, changed)

    def reuse_checks(self, texts: dict[str, str]) -> list | None:
        """The checks' stage's diagnostics of a version whose texts (`texts`: file -> text, every file it read)
        differ from the last checked version's (`keep_checks`) only inside comments, with their spans moved as the
        text moved; None where another edit was made. Such a version has the same program (a comment is read by no
        value: `shape_of`) so the same diagnostics, but for where they are: no newline is added or removed outside
        a comment and a comment runs to its line's end, so every line and column is the same and a span after the
        change is moved by its length. A diagnostic whose span (or a related one) meets the changed text (a
        message quoting an expression with a comment inside) is not reused: the stage is run."""
        seen = self.checks_seen
        if seen is None:
            return None
        old_texts, diags = seen
        if old_texts.keys() != texts.keys():
            return None
        moved: dict[str, tuple[int, int, int]] = {}
        for name, text in texts.items():
            before = old_texts[name]
            if before is text or before == text:
                continue
            if self._uncommented(name, before) != self._uncommented(name, text):
                return None
            prefix, suffix = _common_ends(before, text)
            moved[name] = (prefix, len(before) - suffix, len(text) - len(before))
        if not moved:
            return list(diags)

        def place(span):
            found = moved.get(span.file) if span is not None else None
            if found is None or span.end < found[0]:
                return span
            if span.start <= found[1]:
                raise LookupError(span)         # (it meets the changed text)
            return type(span)(span.file, span.start + found[2], span.end + found[2], span.line, span.col,
                              span.end_line, span.end_col)
        try:
            out = []
            for d in diags:
                related = [type(r)(place(r.span), r.label) if place(r.span) is not r.span else r for r in d.related]
                out.append(type(d)(d.severity, d.code, d.message, place(d.span), related, list(d.notes), d.help,
                                   list(d.quantities), None if d.scenarios is None else list(d.scenarios)))
        except LookupError:
            return None
        return out

    def _uncommented(self, name: str, text: str) -> str:
        """`_uncommented(text)`, computed once per text of each file (the last two kept: the version before's, this)."""
        kept = self.uncommented.setdefault(name, {})
        found = kept.get(id(text))
        if found is None or found[0] is not text:
            if len(kept) > 1:
                kept.clear()
            found = kept[id(text)] = (text, _by_lines(_uncommented, text,
                                                      self.lines.setdefault((_uncommented, name), {})))
        return found[1]

    def keep_checks(self, texts: dict[str, str], diags: list) -> None:
        """The checks' stage's diagnostics of the version of `texts` (`reuse_checks`)."""
        self.checks_seen = (dict(texts), list(diags))

    def finish(self, rnd: "Round", completed: bool) -> None:
        """The round's evaluation ended: what it computed or lent is the memo now (`completed`), else kept as it was."""
        try:
            if completed:
                self.key, self.texts, self.entries, self.lent = rnd.key, rnd.texts, rnd.new, rnd.lent
        finally:
            self._busy.release()


class Round:
    """One evaluation's use of a `ValueMemo`: the old values it may lend, what it records for the next."""

    def __init__(self, memo: ValueMemo, key: tuple, texts: dict, old: dict, changed: dict):
        self.memo, self.key, self.texts = memo, key, texts
        self.old = old                              # the last version's entries (empty: nothing to lend)
        self.changed = changed                      # file -> (start, end, shift) of the text that differs
        self.new: dict[str, tuple] = {}             # what this evaluation computed or lent, its spans its own
        self.refused: set[str] = set()              # paths found not to be lent in this round
        self.starts: dict[str, tuple] = {}          # path -> `effects` when its computation first began
        self.lent = 0
        self.grown = [0, 0, 0]                      # checks, limits, definitions made by references (`effects`)
        self.log: list[tuple] = []                  # the effects made again where a value is lent (`event`)
        self.inlined: list = []                     # the spans of the expressions read in place (`inline`)
        self.fresh: frozenset = frozenset()         # `SweepMemo`: the swept parameters, never kept nor lent
        self.unkept_solves: set[str] = set()        # the solves' keys (`Graph.solves`) with a read not kept
        self.count = 0                              # `SweepMemo`: the chunk's scenarios

    # ------------------------------------------------------------------ recording
    @staticmethod
    def span_of(expr) -> tuple | None | bool:
        span = getattr(expr, "span", None)
        return (span.file, span.start, span.end) if span is not None else False

    def leaf(self, path: str, expr, value) -> None:
        """A node whose expression reads nothing (a literal) was given `value`."""
        if type(value) is not str and (type(value) is not np.ndarray or value.dtype.kind not in _KEPT):
            return
        if self.fresh and not self._keeps(path, value):
            return
        span = self.span_of(expr)
        if span is not False and span[0] in self.texts:
            self.new[path] = (span, (), value)

    def effects(self, ev) -> tuple:
        """`effects`, but for the definitions instantiated by references (each reference is computed again in the
        next version, never lent: `lend`), which are not counted."""
        found = effects(ev)
        grown = self.grown
        return found[:-3] + (found[-3] - grown[0], found[-2] - grown[1], found[-1] - grown[2])

    def start(self, path: str, ev) -> None:
        key = (id(ev), path)                    # (a scratch evaluation of `compiler.share` records here too)
        if key not in self.starts:
            self.starts[key] = (self.effects(ev), len(self.log), len(self.inlined))

    def inline(self, expr) -> None:
        """An expression of another node's text was evaluated in place (an imported `let`, read by name: no node of
        this evaluation stands for it): the value being computed read its text too (`lend`: not lent once it
        changed)."""
        span = self.span_of(expr)
        self.inlined.append(span if span is not False else None)

    def event(self, event: tuple) -> None:
        """An effect the memo makes again where it lends the value whose computation made it (`_replay`): a node
        of an assumption made, a `let` read as a model's assumption or option."""
        self.log.append(event)

    def shared(self, path: str, first: str | None, value) -> None:
        """A placement shared by `compiler.share` read `value` for `path`, the value of `first` in its class's first
        placement: kept where that is (lent where it is: the share's law, tests/test_share.py, is that the value
        is the one computing `path` gives)."""
        if first is None or first == path:
            return                              # (the first placement's own: kept as its scratch computed it)
        entry = self.new.get(first)
        if entry is not None and type(entry[2]) is not _Ref and entry[2] is value:
            self.new[path] = (None, (first,), value)

    def detail(self, path: str, unit: str, formula: str, inputs: list, value, owner: str | None) -> None:
        """A model intermediate made (`Context.intermediate`) by the computation of `owner`: an event, and a value
        kept (lent with its owner: what it read is its owner)."""
        if owner is None:
            return
        self.log.append(("detail", path, unit, formula, tuple(inputs), value, owner))
        self.new[path] = (None, (owner,), value)

    def done(self, path: str, node, read: list, value, ev) -> None:
        """`path` was computed: kept if its computation (every try) had no effect and all it read is kept."""
        began = self.starts.pop((id(ev), path), None)
        if began is None or path in ev.absent:
            return
        began, logged, inlined = began
        if ev.watch is not None and any(event[0] != "assumption" for event in self.log[logged:]):
            return                              # (a scratch evaluation's effects are its own, not the next's: but an
            #                                     assumption's node is made in the graph both share, as any makes it)
        now = self.effects(ev)
        ref = isinstance(value, Instance)
        if began[:-3] != now[:-3] or not ref and began != now:
            return                          # (a reference may make the definition it names: it is computed again)
        if not ref and type(value) is not str and (type(value) is not np.ndarray or value.dtype.kind not in _KEPT):
            return
        if self.fresh and not self._keeps(path, value):
            return
        new = self.new
        for dep in read:
            if dep not in new and not self._solve_kept(dep, ev):
                return
        kind = node.kind
        if kind == "model" or kind == "assumption":
            span = None
        else:
            span = self.span_of(node.expr)
            if span is False or span[0] not in self.texts:
                return
        if ref:
            self.grown = [g + x - y for g, x, y in zip(self.grown, now[-3:], began[-3:])]
            value = _Ref((value.path,))
        texts = tuple(dict.fromkeys(self.inlined[inlined:]))
        if None in texts or any(x[0] not in self.texts for x in texts):
            return                              # (an expression read in place with no text known: not kept)
        self.new[path] = (span, tuple(dict.fromkeys(read)), value, tuple(self.log[logged:]), texts)

    def _solve_kept(self, key: str, ev) -> bool:
        """Whether `key`, a solve's key that a figure read in place of the solve's reads (`Graph.solves`,
        `models.solved_through`), is kept: all the solve read is (then it is kept, with those reads, so that a value
        read from it is lent only where they are the same). Found once per key (its reads are computed, and kept or
        not, before the solve returns)."""
        reads = ev.graph.solves.get(key)
        if reads is None or key in self.unkept_solves:
            return False
        new = self.new
        if not all(r in new or self._solve_kept(r, ev) for r in reads):
            self.unkept_solves.add(key)
            return False
        new[key] = (None, tuple(reads), _SOLVE)
        return True

    def _keeps(self, path: str, value) -> bool:
        """`SweepMemo`: a swept parameter is never kept (so neither is anything that read one), nor is anything of
        a chunk of one scenario, nor a value as long as the chunk (a figure laid along the scenarios: the next
        chunk's length is another)."""
        if path in self.fresh or self.count < 2:
            return False
        return not (type(value) is np.ndarray and value.ndim and value.shape[0] == self.count)

    # ------------------------------------------------------------------ lending
    def _moved(self, span):
        """An old span in the new text's offsets (the text after the changed range moved by its shift)."""
        if span is None:
            return None
        found = self.changed.get(span[0])
        if found is None or span[1] < found[1]:
            return span
        return (span[0], span[1] + found[2], span[2] + found[2])

    def _touched(self, span) -> bool:
        if span is None:
            return False
        found = self.changed.get(span[0])
        return found is not None and span[1] <= found[1] and span[2] >= found[0]

    def lend(self, path: str, ev) -> bool:
        """Put the old value of `path` (and of all it read, at every depth) in `ev.values` if it is what computing
        it would give (the module docstring's conditions); whether it did. The nodes it read are visited in the
        order it read them; a reference among them not computed yet is computed here (as computing `path` would
        have, at this point: what was visited before it has no effect) and must name the same instance."""
        old = self.old
        entry = old.get(path)
        refused_here = self.refused
        if entry is None or type(entry[2]) is _Ref or path in refused_here:
            return False
        values, new = ev.values, self.new
        absent, failed, refused = ev.absent, ev.failed, ev.refused
        changed = self.changed                  # (`_touched` and `_moved`, written out: a lend visits ~6 nodes)
        order: list[str] = []                   # the nodes to put in place, each after what it read
        seen: set[str] = set()
        todo: list = [path]                     # a path to visit, or (path,): put it in place (all it read is)
        while todo:
            p = todo.pop()
            if type(p) is tuple:
                order.append(p[0])
                continue
            if p in seen:
                continue
            seen.add(p)
            entry = old.get(p)
            if entry is not None and type(entry[2]) is _Ref and p not in values and p not in failed:
                try:
                    ev.node_value(p)            # (a reference: `_NeedValue` goes up to the work list)
                except EvalError:
                    pass
            if p in values:
                if entry is None:
                    refused_here.add(path)
                    return False
                have = values[p]
                if have is not entry[2] and not same_value(have, entry[2]):
                    refused_here.add(path)
                    return False
                continue
            span = entry[0] if entry is not None else None
            found = changed.get(span[0]) if span is not None and changed else None     # (`_touched`, written out)
            if entry is None or p in refused_here or p in absent or p in failed or p in refused or p in self.fresh \
                    or found is not None and span[1] <= found[1] and span[2] >= found[0] \
                    or len(entry) > 4 and entry[4] and any(self._touched(x) for x in entry[4]):
                refused_here.add(path)
                if p != path:
                    refused_here.add(p)
                return False
            todo.append((p,))
            reads = entry[1]
            if reads:
                todo.extend(reversed(reads))
        nodes = ev.graph.nodes if ev.values_checked else None     # (the whole evaluation: `Node.deps` as computed)
        keys = 0
        for p in order:
            entry = old[p]
            if entry[2] is _SOLVE:          # a solve's key: its reads (put in place), held once (`Graph.solves`)
                ev.graph.solves[p] = list(entry[1])
                new[p] = entry
                keys += 1
                continue
            if p not in values:
                values[p] = entry[2]
                if nodes is not None and entry[1]:
                    node = nodes.get(p)
                    if node is not None:
                        node.deps = sorted(set(entry[1])) if len(entry[1]) > 1 else list(entry[1])
            span = entry[0]
            if span is not None and changed:
                found = changed.get(span[0])
                if found is not None and span[1] >= found[1]:
                    span = (span[0], span[1] + found[2], span[2] + found[2])
            if len(entry) > 4:
                texts = entry[4]
                new[p] = (span, entry[1], entry[2], entry[3], tuple(self._moved(x) for x in texts) if texts else texts)
                if entry[3]:
                    self._replay(entry[3], ev)
            else:
                new[p] = (span,) + entry[1:] if span is not entry[0] else entry
        self.lent += len(order) - keys
        return True

    def _replay(self, events: tuple, ev) -> None:
        """The effects the computation of a value lent made, made again in order (each is idempotent: made twice,
        by a value and by one it read, it is as made once)."""
        from .graph import Node

        nodes, values = ev.graph.nodes, ev.values
        for event in events:
            what = event[0]
            if what == "let":
                ev.let_declared[event[1]] = event[2]
            elif what == "assumption":
                path, assumption = event[1], event[2]
                if path not in nodes:
                    nodes[path] = Node(path, assumption.unit, None, assumption, None, None, "assumption",
                                       assumption.source, display=assumption.display)
            else:
                _, path, unit, formula, inputs, value, owner = event
                if not dict.__contains__(nodes, path):     # (its value may be in place already: lent as read)
                    inst = nodes[owner].instance
                    node = Node(path, unit, inst.block.name_span, None, inst, inst.block.module, "model",
                                formula=formula)
                    node.deps = list(inputs)
                    nodes[path] = node
                if path not in values:
                    values[path] = value
                self.new[path] = (None, (owner,), value)


class SweepMemo(ValueMemo):
    """The values one chunk of a streamed sweep computed that no swept parameter reaches, lent to the next chunk's
    evaluation (`compiler.sweep.evaluate_chunk`, one per `Plan` and process): a chunk re-evaluated the whole graph,
    ~17,000 constant quantities of a big estate (bench/estate.py) for every chunk whatever its length.

    The program is the same in every chunk (one lowering); only the swept parameters' values and the number of
    scenarios change. So the memo's law holds with nothing changed in the text, given that (`Round._keeps`):
    - a swept parameter is never kept, so nothing that read one is (`done` keeps a value only when all it read is
      kept): its value is computed again in every chunk, as is all that reads it;
    - a value as long as its chunk is not kept (a figure laid along the scenarios whatever it read), nor anything
      of a chunk of one scenario (where every figure has that length);
    - as ever, only a computation with no effect (no diagnostic, failed, absent or refused figure ...) is kept, so a
      chunk's diagnostics and checks are those of its evaluation from scratch.
    The law, tests/test_sweep_memo.py: a chunked sweep's outputs equal, byte for byte, the unchunked sweep's and
    those of the runs one at a time, with the memo and without it."""

    def __init__(self, swept) -> None:
        super().__init__(whole=False)
        self.fresh = frozenset(swept)

    def begin(self, lowering, sink) -> "Round | None":
        if not self._busy.acquire(blocking=False):
            return None
        texts = {name: source.text for name, source in sink.sources.items()}
        rnd = Round(self, "sweep", texts, self.entries if self.key == "sweep" else {}, {})
        rnd.fresh, rnd.count = self.fresh, lowering.graph.scenario_count
        return rnd

    def finish(self, rnd: "Round", completed: bool) -> None:
        try:
            if completed and rnd.count >= 2:    # (a chunk of one scenario keeps nothing: the old values stay)
                self.key, self.texts, self.entries, self.lent = rnd.key, rnd.texts, rnd.new, rnd.lent
            elif completed:
                self.lent = rnd.lent
        finally:
            self._busy.release()
