"""One evaluation per placed definition: the checks of identical placements judged once (`evaluate(...,
only_checks=True)`, what `factory check` and the language server's keystroke run).

A spec places one rack definition many times (the 2,000-line bench spec: 636 rack placements of 12 definitions),
and the checks' stage judged each placement's asserts and built-in limits anew: the same models on the same
values, once per placement. `PlacementShare` finds the placements that are copies of one another and evaluates
the first of each once, in a scratch evaluator of its own, recording what it read; where that evaluation is
*closed* (it read nothing of the placement's surroundings), the other placements' checks are the first's, and
their quantities are the first's values (an instance of a definition computes the same numbers wherever it is
placed, if it reads nothing outside itself).

Two placements are copies (`signature`) when they are instances of the same members: the same field, `let`, assert
and part statements (the same syntax objects: a placement that overrides a field, or a part placed with another
count expression, differs), of the same kinds, at every depth; the placement's own count may differ (it is not
read by a closed evaluation: a read of it makes the class not shared).

The first placement's evaluation is closed, and shared, only when all of these hold (anything else: every
placement of that class is evaluated as before, on its own):
- every quantity it computed lies inside the placement (`<placement>.<...>`, but for its own count) or under no
  instance that encloses it (a module-level `let` or param, an assumption, a definition referenced by name: the
  same path, the same value, for every placement);
- a model never stepped out of it (`Context.parent` above the placement) and no bare name in an expression was
  found outside it; a bare name found nowhere in the placement (a module-level `let`) is recorded, and shared
  only with a placement whose enclosing instances have no member of that name either (as the first's did not);
- it reported nothing but each failed check's own error, and left nothing behind: no failed, absent, refused or
  infeasible quantity, no `let` read as a model's assumption, no unpriced part, no model intermediate (`detail.`)
  and no instance as a value.

Then a quantity of each placement of the class that the first computed is the first's value (the same array:
values are never changed in place), and each of its checks is the first's result under the placement's own name
and span: passed or not applied there, so here; failed there, so here, with the first's error (the same numbers)
naming this placement's instance, reported where the check's turn comes, as judging it would have. A quantity of a
copy that the first's checks did not need (a hall's model reading each rack's heat) is computed in the first's
scratch evaluation when first asked (`PlacementShare._extend`), and shared while that stays closed.

The law (tests/test_share.py): diagnostics and check results with sharing equal those without, on every example
and on generated specs with identical and differing placements.
"""
from __future__ import annotations

from itertools import islice

from dsl.diagnostics import Sink

from .graph import Instance

# the kinds whose placements are shared: hardware placed in racks, rows and halls (a workload's solve keeps memos
# keyed by its path and reads its system through references; it is evaluated on its own)
SHARED_KINDS = frozenset({"rack", "server", "row", "switch", "power_shelf", "storage", "chip", "cpu", "nic", "dpu",
                          "memory"})


_OWN = object()          # (`PlacementShare.limit`: no span known yet)


class _Escaped(Exception):
    """The scratch evaluation stepped outside its placement."""


class _Watch:
    """What the scratch evaluation of one placement reads of its surroundings (`Evaluator.watch`)."""

    def __init__(self, root: Instance):
        self.root = root
        self.prefix = root.path + "."
        self.escaped = False
        self.names: set[str] = set()         # bare names found nowhere in the placement (looked up outward)

    def inside(self, inst: Instance | None) -> bool:
        return inst is not None and (inst is self.root or inst.path.startswith(self.prefix))

    def parent(self, parent: Instance | None) -> None:
        """A model steps to `parent` (`Context.parent`)."""
        if parent is not None and not self.inside(parent):
            self.escaped = True

    def name(self, inst: Instance | None, ident: str, found, where) -> None:
        """A bare name read in an expression of `inst` was found (`found` not None) in the instance `where`, or in
        the module scope (`found` None)."""
        if inst is None or not self.inside(inst):
            return
        if found is not None:
            if not self.inside(where):
                self.escaped = True
        else:
            self.names.add(ident)            # looked up in every enclosing instance, found in none


def signature(inst: Instance, shape_of, memo: dict) -> tuple:
    """What makes two placements copies: the member statements (by identity) and kinds of the instance and of
    its parts at every depth; not the placement's own name, span or count. An instance's parts are made from its
    block alone (`compiler.lower.Lowering.instantiate`), so the signature is kept per block in `memo`."""
    key = id(inst.block)
    found = memo.get(key)
    if found is None:
        shape = shape_of(inst.block)
        parts = tuple((part.block.name, id(part.block.count) if part.block.count is not None else None,
                       signature(part, shape_of, memo)) for part in inst.parts)
        found = memo[key] = (inst.kind, id(inst.base),
                             tuple((e[0], id(e[1]), id(e[2]), e[3]) for e in shape.quantities.values()),
                             tuple((id(stmt), id(module)) for stmt, module in shape.asserts), parts)
    return found


def _subtree(inst: Instance):
    todo = [inst]
    while todo:
        one = todo.pop()
        yield one
        todo.extend(one.parts)


class PlacementShare:
    """The placements of one evaluation that share the first copy's evaluation (see the module docstring). Owned by
    its `Evaluator` (`Evaluator.share`): nothing outlives the evaluation."""

    def __init__(self, ev):
        self.ev = ev
        self.at: dict[str, tuple[str, _Class]] = {}     # instance path in a shared placement -> (its counterpart's
                                                        # in the class's first, the class)
        self.classes: list[_Class] = []
        self.check_results: dict[int, object] = {}      # index in graph.checks -> the CheckResult (or None) to use
        self.limit_results: dict[int, object] = {}      # index in graph.limits -> the same
        self.limit_firsts: dict[int, int] = {}          # index in graph.limits -> its counterpart's in the first
        self._limit_spans: dict[int, object] = {}       # the counterpart's index -> the span its copies share
        from .evaluate import CheckResult, _limit_span     # (once: `check` and `limit` are called per placement)
        self._check_result, self._own_limit_span = CheckResult, _limit_span

    # ------------------------------------------------------------------ classes
    def prepare(self) -> None:
        from .checks import _placed_in_order
        from .evaluate import Evaluator, evaluate_check, evaluate_limit

        ev = self.ev
        graph = ev.graph
        # the classes are a function of the program's shape (`compiler.memo.shape_of`: the same nodes, paths,
        # instances and statements): kept by the document's memo and used again while the shape holds
        rnd = ev.memo
        keep = getattr(rnd, "memo", None)
        plan = None
        if keep is not None and keep.share_plan is not None and keep.share_plan[0] == rnd.key:
            plan = keep.share_plan[1]
        if plan is None:
            plan = self._plan()
            if keep is not None:
                keep.share_plan = (rnd.key, plan)
        if not plan:
            return
        index = {inst.path: inst for inst in _placed_in_order(graph)}
        at, check_results, limit_results, limit_firsts = self.at, self.check_results, self.limit_results, \
            self.limit_firsts
        for first_path, first_c, first_l, members in plan:
            first = index[first_path]
            got = self._scratch(first, [graph.checks[i] for i in first_c], [graph.limits[i] for i in first_l],
                                Evaluator, evaluate_check, evaluate_limit)
            if got is None:
                continue
            cls, asserts, limits = got
            self.classes.append(cls)
            names = cls.watch.names
            for member_path, mine_c, mine_l, pairs in members:
                if names and any(self._found_outward(index[member_path], name) for name in names):
                    continue
                for mine, theirs in pairs:
                    at[mine] = (theirs, cls)
                for i, result in zip(mine_c, asserts):
                    check_results[i] = result
                for i, theirs, result in zip(mine_l, first_l, limits):
                    limit_results[i] = result
                    limit_firsts[i] = theirs

    def _plan(self) -> list:
        """The classes of copies, by path: [(first's path, its checks' and limits' indices in the graph, [(member's
        path, its checks' and limits' indices, [(each instance path in the member, its counterpart's in the
        first)])])], the members (the first first) whose checks and limits are the first's statements on the
        counterpart instances. What its scratch evaluation reads decides the rest (`prepare`)."""
        graph = self.ev.graph
        shape_of = self.ev.lowering.shape
        classes: dict[tuple, list[Instance]] = {}
        memo: dict[int, tuple] = {}
        todo = list(reversed(graph.roots))
        while todo:
            inst = todo.pop()
            if inst.parent is not None and inst.kind in SHARED_KINDS:
                sig = signature(inst, shape_of, memo)
                members = classes.setdefault(sig, [])
                members.append(inst)
                if len(members) > 1:
                    continue                    # a copy: its parts are the first's parts' copies
            todo.extend(reversed(inst.parts))
        classes = {sig: members for sig, members in classes.items() if len(members) > 1}
        if not classes:
            return []
        firsts = {id(members[0]) for members in classes.values()}
        for sig, members in list(classes.items()):      # a class inside another's first placement: left alone
            level = members[0].parent
            while level is not None and id(level) not in firsts:
                level = level.parent
            if level is not None:
                del classes[sig]
        owner: dict[int, Instance] = {}         # id(instance) -> the class member it lies in
        for members in classes.values():
            for member in members:
                for one in _subtree(member):
                    owner[id(one)] = member
        checks_of: dict[int, list[int]] = {}
        limits_of: dict[int, list[int]] = {}
        for i, check in enumerate(graph.checks):
            root = owner.get(id(check.instance)) if check.instance is not None else None
            if root is not None:
                checks_of.setdefault(id(root), []).append(i)
        for i, lim in enumerate(graph.limits):
            root = owner.get(id(lim.instance))
            if root is not None:
                limits_of.setdefault(id(root), []).append(i)
        plan = []
        checks, limits_ = graph.checks, graph.limits
        for members in classes.values():
            first = members[0]
            first_c, first_l = checks_of.get(id(first), []), limits_of.get(id(first), [])
            inside = list(_subtree(first))
            kept = []
            for member in members:
                mine_c = checks_of.get(id(member), [])
                mine_l = limits_of.get(id(member), [])
                if len(mine_c) != len(first_c) or len(mine_l) != len(first_l):
                    continue
                # each instance of the member's and its counterpart in the first (the same walk of the same shape)
                copy = {id(mine): theirs for mine, theirs in zip(_subtree(member), inside)}
                if any(checks[j].stmt is not checks[i].stmt or copy.get(id(checks[j].instance)) is not
                       checks[i].instance for i, j in zip(first_c, mine_c)) \
                        or any(limits_[j].limit is not limits_[i].limit or copy.get(id(limits_[j].instance)) is not
                               limits_[i].instance for i, j in zip(first_l, mine_l)):
                    continue
                kept.append((member.path, mine_c, mine_l,
                             [(mine.path, copy[id(mine)].path) for mine in _subtree(member)]))
            plan.append((first.path, first_c, first_l, kept))
        return plan

    def _found_outward(self, member: Instance, name: str) -> bool:
        """Whether a bare name the first placement found in no instance is a member of one enclosing `member`."""
        from .ir import lookup_member

        level = member.parent
        while level is not None:
            if lookup_member(self.ev.graph.nodes, level, name) is not None:
                return True
            level = level.parent
        return False

    def _scratch(self, first: Instance, checks: list, limits: list, Evaluator, evaluate_check, evaluate_limit):
        """Evaluate the checks of `first` alone in an evaluator of its own; (its values, the names it looked up
        outward, the assert results, the limit results) when that evaluation is closed, else None."""
        ev = self.ev
        scratch = Evaluator(ev.lowering, Sink())
        scratch.cancel, scratch.quiet, scratch.values_checked = ev.cancel, ev.quiet, ev.values_checked
        scratch.memo = ev.memo              # (`compiler.memo`: what it computes is kept; it is lent nothing)
        watch = scratch.watch = _Watch(first)
        items = scratch.sink.items
        own_errors = True                   # each check reported nothing, or (failed) its one error alone

        def judged(judge, check):
            nonlocal own_errors
            before = len(items)
            result = judge(scratch, check)
            if len(items) != before + (0 if result is None or result.ok else 1):
                own_errors = False
            elif result is not None and not result.ok:
                suffix = f" in `{check.instance.path}`"
                if not items[-1].message.endswith(suffix) or items[-1].related or items[-1].quantities:
                    own_errors = False
                return result, items[-1]
            return result
        try:
            asserts = [judged(evaluate_check, check) for check in checks]
            limits = [judged(evaluate_limit, lim) for lim in limits]
        finally:
            scratch.watch = None
        cls = _Class(first, scratch, watch)
        if watch.escaped or not own_errors or _state(scratch) != _state(None) \
                or not all(cls.closed(path, value) for path, value in scratch.values.items()):
            scratch._walker = None
            return None
        return cls, asserts, limits

    def _extend(self, cls: "_Class", path: str):
        """The value of `path` (in the class's first placement) that its checks did not need, computed now in its
        scratch evaluation (a quantity of a copy read from outside it: a hall's model reading each rack's heat);
        None (and no more such values for the class) where that evaluation is not closed."""
        from .evaluate import EvalError

        scratch, watch = cls.scratch, cls.watch
        if path not in scratch.graph.nodes:
            return None
        state, names, start, said = _state(scratch), len(watch.names), len(scratch.values), len(scratch.sink.items)
        value, ok = None, True
        scratch.watch = watch
        try:
            value = scratch.node_value(path)
        except EvalError:
            ok = False
        finally:
            scratch.watch = None
        new = list(islice(scratch.values, start, None))
        if not ok or watch.escaped or _state(scratch) != state or len(watch.names) != names \
                or len(scratch.sink.items) != said \
                or not all(cls.closed(p, scratch.values[p]) for p in new):
            cls.open = False
            for p in new:                       # (computed as no copy would be: never read through the share)
                del scratch.values[p]
            return None
        return value

    def release(self) -> None:
        """Break the scratch evaluations' cycles (`Evaluator.release`)."""
        for cls in self.classes:
            cls.scratch._walker = None
            cls.open = False
        self.classes = []
        self.at = {}

    # ------------------------------------------------------------------ checks
    def check(self, i: int, check):
        """The result of assert `graph.checks[i]` (in a shared placement) from its class's first: passed or not
        applied there, so here; failed there, so here, with the same error naming this placement's instance."""
        CheckResult = self._check_result
        found = self.check_results[i]
        if found is None:
            return None
        if type(found) is tuple:
            result, diag = found
            self._report(diag, check.instance.path, check.stmt.expr.span, "the assert", check.instance)
            located, about = self._located(check.stmt.span, "the assert", check.instance)
            return CheckResult(check.name, False, result.message, located, result.detail,
                               list(result.failing), about)
        return CheckResult(check.name, True, found.message, check.stmt.span)

    def limit(self, i: int, check):
        """The result of built-in limit `graph.limits[i]` (in a shared placement) from its class's first, at this
        placement's span (`compiler.evaluate.evaluate_limit`'s)."""
        found = self.limit_results[i]
        if found is None:
            return None
        CheckResult, _limit_span = self._check_result, self._own_limit_span
        # where its finding is shown: the field or let that gives the limit is the first's statement (the same
        # member statements), so its span is the first's; else (a model's figure, or none: the block's name) its own
        theirs = self.limit_firsts[i]
        span = self._limit_spans.get(theirs, _OWN)
        if span is _OWN:
            first = self.ev.graph.limits[theirs]
            node = self.ev.graph.nodes.get(f"{first.instance.path}.{first.limit.right}")
            span = self._limit_spans[theirs] = node.span if node is not None and node.kind in ("field", "let") \
                and node.span else None
        if span is None:
            span = _limit_span(self.ev, check)
        if type(found) is tuple:
            result, diag = found
            self._report(diag, check.instance.path, span, f"the limit `{check.limit.right}`", check.instance)
            located, about = self._located(span, f"the limit `{check.limit.right}`", check.instance)
            return CheckResult(check.name, False, result.message, located, result.detail, list(result.failing),
                               about)
        return CheckResult(check.name, True, found.message, span)

    def _located(self, span, what: str, instance) -> tuple:
        """Where a failed check of this placement stands (`evaluate.finding_span`): (span, related)."""
        from .evaluate import finding_span

        return finding_span(self.ev, instance, span, what)

    def _report(self, diag, path: str, span, what: str, instance) -> None:
        """The first's error of a failed check, naming `path` (its message ends `in `<instance>``), at `span`, or
        at the placement in an evaluated file when `span` is in an imported one (`evaluate.finding_span`)."""
        from .evaluate import finding_span

        head = diag.message[:diag.message.rindex(" in `")]
        span, related = finding_span(self.ev, instance, span, what)
        self.ev.sink.report(type(diag)(diag.severity, diag.code, f"{head} in `{path}`", span, related,
                                       list(diag.notes), diag.help, []))

    # ------------------------------------------------------------------ reads
    def first_of(self, path: str) -> str | None:
        """The path in its class's first placement whose value a shared placement's `path` reads as its own."""
        head, _, name = path.rpartition(".")
        found = self.at.get(head)
        return f"{found[0]}.{name}" if found is not None else None

    def value(self, path: str):
        """The value of `path` in a shared placement: its counterpart's in the class's first (computed there now
        if its checks did not need it), or None."""
        head, _, name = path.rpartition(".")
        found = self.at.get(head)
        if found is None:
            return None
        first, cls = found
        first_path = f"{first}.{name}"
        if first_path == cls.first.count:          # a placement's own count is its own
            return None
        value = cls.scratch.values.get(first_path)
        if value is None and cls.open:
            value = self._extend(cls, first_path)
        return value


class _Class:
    """The first placement of a class of copies, its scratch evaluation and what that read of its surroundings."""

    __slots__ = ("ancestors", "first", "open", "scratch", "watch")

    def __init__(self, first: Instance, scratch, watch: _Watch):
        self.first, self.scratch, self.watch = first, scratch, watch
        self.open = True                        # more of its values may be computed (`PlacementShare._extend`)
        self.ancestors = []
        level = first.parent
        while level is not None:
            self.ancestors.append(level.path + ".")
            level = level.parent

    def closed(self, path: str, value) -> bool:
        """Whether a quantity the scratch evaluation computed is the same in every copy: inside the placement (not
        its own count, no model intermediate, no instance as a value), or under no instance enclosing it."""
        if isinstance(value, Instance) or ".detail." in path or path == self.first.count:
            return False
        return path.startswith(self.watch.prefix) or not any(path.startswith(a) for a in self.ancestors)


def _state(scratch) -> tuple:
    """What a scratch evaluation must not have left behind (`PlacementShare._scratch`): None gives the empty one's.
    Its diagnostics are the failed checks' own (checked one by one) and are not counted here."""
    if scratch is None:
        return (0,) * 11
    return (len(scratch.failed), len(scratch.absent), len(scratch.infeasible), len(scratch.let_declared),
            len(scratch.refused), len(scratch.refused_inputs), len(scratch.refusing), len(scratch.unpriced),
            len(scratch.bad_choices), len(scratch.model_memo),
            sum(1 for v in scratch.read_refusals.values() if v is not None))
