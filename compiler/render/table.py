"""The `factory eval` table: every quantity in readable units, one line each, with the run's problems in
a banner at the top.

Pipeline position: render; reads `compiler.evaluate.Results` through `compiler.render.view`.

    render_table(results, sink, select) -> (stdout text, stderr text)

Without --select, standard output starts with the banner ("2 errors, 1 warning" and one line per
problem, failing scenarios named by their parameter values), then the quantities, then one line per
check. A figure a warning makes incomplete (`report_format.flagged_quantities`) carries the report's mark after
its values: `(⚠ incomplete: counts unpriced parts as $0)`; in a sweep, a flag whose diagnostics hold in some
scenarios only (`report_format.flagged_scenarios`, results JSON `flagged.scenarios`) marks those scenarios' cells
(`304.9 MWh/yr ⚠`) and names them after the row (`(⚠ for acc=1: ...)`). With --select, standard output holds only the selected quantities (for scripts and pipes); the
banner goes to standard error.
"""
from __future__ import annotations

import fnmatch

from .report_format import flag_mark, flagged_quantities, flagged_scenarios
from .view import ABSENT_TEXT, ResultsView, list_items, problem_line, problems, scenarios_text

MAX_SCENARIOS_SHOWN = 6


def banner_lines(results, sink) -> list[str]:
    """The banner: the headline and one line per problem; nothing when the run is clean."""
    found = problems(results, sink)
    if found.clean:
        return []
    return [f"{found.headline()}:"] + [f"  {problem_line(p)}" for p in found.items]


def _why_absent(view: ResultsView, path: str, shown: int) -> str:
    """After a row with "n/a" cells: why the value is absent there ("  (n/a: the reason)"); "" when none is."""
    reasons = [view.absent(path, s) for s in range(shown)]
    found = sorted({r for r in reasons if r is not None})
    if not found:
        return ""
    return f"  ({ABSENT_TEXT}: {found[0] if len(found) == 1 else view.results.absent[path].reason})"


def render_table(results, sink, select: str | None) -> tuple[str, str]:
    view = ResultsView(results)
    n = results.scenario_count
    paths = [p for p in sorted([*results.values, *list_items(results)])
             if (view.array(p) is not None or view.truth(p) is not None)    # a number, or a condition (true/false)
             and (not select or fnmatch.fnmatchcase(p, select))]
    width = max((len(p) for p in paths), default=10)
    flags = flagged_quantities(results, sink)       # marked as the report marks them: never a clean-looking figure
    where = flagged_scenarios(results, sink)        # a flag that holds in some scenarios of a sweep only
    rows = []
    for path in paths:
        shown = [view.show(path, s) for s in range(min(n, MAX_SCENARIOS_SHOWN))]
        some = set(where.get(path, ()))
        if some:                                    # those cells alone carry the mark, as results JSON says
            shown = [f"{cell} ⚠" if s in some else cell for s, cell in enumerate(shown)]
        more = f"  ... ({n} scenarios)" if n > MAX_SCENARIOS_SHOWN else ""
        mark = (f" (⚠ for {scenarios_text(view, sorted(some))}: {flags[path]})" if some and path in flags
                else flag_mark(flags.get(path)))
        rows.append(f"{path:<{width}}  {'  '.join(shown)}{more}{mark}"
                    f"{_why_absent(view, path, len(shown))}")
    banner = banner_lines(results, sink)
    if select:
        return "".join(line + "\n" for line in rows), "".join(line + "\n" for line in banner)
    checks = [f"{'ok  ' if c.ok else 'FAIL'}  {c.name}" + (f"  ({c.detail})" if c.detail else "")
              + (f"; fails for {scenarios_text(view, c.failing)}" if not c.ok and n > 1 else "")
              for c in results.checks]
    lines = (banner + [""] if banner else []) + rows + checks
    return "".join(line + "\n" for line in lines), ""
