"""Diagram building blocks shared by the four views: style, escaped HTML-like labels, the results view
of one scenario with DOT ids (`_Plan`), and Graphviz graph and cluster helpers.

Pipeline position: render; reads results through `compiler.render.view`; imports no model.
"""
from __future__ import annotations

import math
import re

from dsl.schema import kind as kind_spec

from ..display import display_unit, format_number, format_quantity
from ..graph import Instance
from .view import ResultsView

# ---------------------------------------------------------------------------------------------- style
# Helvetica: a name both Graphviz programs know. The embedded one (graphviz-pure) measures it with Helvetica's
# metrics (which its PNG font Arimo, and Arial, share) and both write it to SVG as `Helvetica,sans-Serif`, a
# family with a fallback. A list such as "Helvetica,Arial,sans-serif" is not a name it knows: it measured
# that with Times' metrics, ~5% narrow for bold, and a bold name ran into the next word (`data_hall× 4`).
# tests/test_diagram_text_fit.py measures every label against its box.
FONT = "Helvetica"
INK = "#212529"          # titles
MUTED = "#5C636A"        # detail text
FAINT = "#868E96"        # small captions
EDGE = "#6C757D"
ALERT = "#C92A2A"        # a figure over its limit

# kind group -> (accent, fill)
PALETTE = {
    "compute": ("#3B5BDB", "#EDF2FF"),
    "network": ("#7048E8", "#F3F0FF"),
    "power": ("#D9480F", "#FFF4E6"),
    "cooling": ("#0C8599", "#E3FAFC"),
    "air": ("#1971C2", "#E7F5FF"),
    "liquid": ("#0C8599", "#E3FAFC"),
    "plant": ("#2B8A3E", "#EBFBEE"),
    "load": ("#495057", "#F8F9FA"),
    "note": ("#868E96", "#FFFFFF"),
}
CLUSTER = {  # container kind -> (border, fill, style)
    "site": ("#ADB5BD", "#FBFBFC", "rounded"),
    "hall": ("#74C0FC", "#F4F9FF", "rounded"),
    "row": ("#CED4DA", "#FFFFFF", "rounded,dashed"),
    "branch": ("#FFC078", "#FFFBF5", "rounded"),
    "plant": ("#8CE99A", "#F6FFF8", "rounded"),
    "network": ("#B197FC", "#FAF8FF", "rounded"),
}

POWER_GEAR = ("transformer", "switchgear", "ups", "rectifier", "pdu", "busway")   # upstream -> downstream
COOLING_GEAR = ("cdu", "crah", "chiller", "dry_cooler", "cooling_tower", "pump")
OTHER_POWER = ("generator", "power_shelf")
CONTAINERS = ("site", "hall", "row")
GEAR_TITLE = {"transformer": "Transformer", "switchgear": "Switchgear", "ups": "UPS", "rectifier": "Rectifier",
              "pdu": "PDU", "busway": "Busway", "dc_distribution": "DC busway", "generator": "Generator",
              "power_shelf": "Power shelf", "cdu": "CDU", "crah": "CRAH", "chiller": "Chiller",
              "dry_cooler": "Dry cooler", "cooling_tower": "Cooling tower", "pump": "Pump",
              "switch": "Switch", "network": "Network", "nic": "NIC", "dpu": "DPU", "storage": "Storage"}
MAX_TEXT = 80            # user text longer than this is cut (layout stays sane)
MAX_LIST = 8             # rows of a summary table before "... and N more"


# ---------------------------------------------------------------------------------------------- text
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f\ud800-\udfff]")


def _esc(text: object, limit: int = MAX_TEXT) -> str:
    """Text for an HTML-like label: control characters dropped, cut at `limit`, every markup char escaped,
    and every backslash doubled: Graphviz expands its escapes (`\\N` node name, `\\G` graph name, `\\E`,
    `\\L`, ...) inside HTML-like labels too, even when the backslash is written as `&#92;`; `\\\\` is a
    literal backslash."""
    s = _CONTROL.sub("", str(text)).replace("\t", " ")
    if limit and len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    s = (s.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
         .replace('"', "&quot;").replace("'", "&#39;"))
    return s.replace("\n", " ")


_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(#?\w+);")
SLACK = 0.12             # room left after each line of a label, as a share of the line's width


def _room(html: str) -> str:
    """A label line with room after it: Graphviz sizes each box with the font metrics it has where it runs,
    but the SVG is drawn by the reader's browser, whose font (Helvetica, Arial, DejaVu Sans, ...) can be
    up to about a tenth wider, and then the text runs past the box's right edge. En spaces (0.5 em, not
    collapsed in SVG) worth SLACK of the line's width (at about 0.55 em a character) keep it inside."""
    visible = len(_ENTITY.sub("x", _TAG.sub("", html)))
    return html + "&#8194;" * math.ceil(visible * SLACK * 0.55 / 0.5) if visible else html


def _b(text: object) -> str:
    return f"<B>{_esc(text)}</B>"


def _bf(text: str) -> str:
    """A bold line of figures the diagram writes (never cut: a flagged figure's mark is long, and it and the words
    after it are what the line says)."""
    return f"<B>{_esc(text, 0)}</B>"


def _font(html: str, size: int | None = None, color: str | None = None) -> str:
    attrs = (f' POINT-SIZE="{size}"' if size else "") + (f' COLOR="{color}"' if color else "")
    return f"<FONT{attrs}>{html}</FONT>" if attrs else html


def _card(title: str, rows: list[str] = (), *, caption: str | None = None, group: str = "load",
          title_size: int = 12, width: int | None = None, dashed: bool = False) -> str:
    """An HTML-like label: a rounded box with a small caption, a bold title and detail rows.

    `title`, `caption` and `rows` are already-escaped HTML fragments (build them with `_esc` and `_b`)."""
    accent, fill = PALETTE[group]
    cells = []
    if caption:
        cells.append(_font(_room(caption), 8, accent))
    cells.append(_font(_room(title), title_size, INK))
    cells += [_font(_room(row), 10, MUTED) for row in rows]
    w = f' WIDTH="{width}"' if width else ""
    # border 1 + cell spacing 3 + cell padding 2: text 6 pt inside the rounded border (it stood 4 pt from it),
    # rows 7 pt apart (tests/test_diagram_text_fit.py MARGIN)
    body = "".join(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"{w}>{c}</TD></TR>' for c in cells)
    style = "rounded,dashed" if dashed else "rounded"
    return (f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="3" CELLPADDING="2" STYLE="{style}" '
            f'COLOR="{accent}" BGCOLOR="{fill}">{body}</TABLE>>')


def _cluster_label(title: str, rows: list[str] = (), caption: str | None = None) -> str:
    """A cluster's title block: small caption, bold title, detail rows (already-escaped fragments)."""
    lines = ([_font(_room(caption), 8, FAINT)] if caption else []) + [_font(_room(title), 13, INK)]
    lines += [_font(_room(r), 10, MUTED) for r in rows]
    body = "".join(f'<TR><TD ALIGN="LEFT">{line}</TD></TR>' for line in lines)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{body}</TABLE>>'


EDGE_GAP = 4             # points between an edge and its label's text

def _edge_label(*lines: str) -> str:
    """An edge's HTML-like label from plain text lines (escaped here), in a cell padded by EDGE_GAP: dot puts
    a label's box against its edge, and a bare text box let the text touch the line (the embedded Graphviz,
    whose lines centre differently, drew a long line across it)."""
    text = "<BR/>".join(_font(_room(_esc(line, 0)), 9, MUTED) for line in lines if line)
    if not text:
        return "<>"
    return (f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="{EDGE_GAP}"><TR><TD>{text}</TD></TR>'
            "</TABLE>>")


def _x(count: float | None) -> str:
    """' × 1,400' for a count other than one."""
    if count is None or count == 1:
        return ""
    return f"\u00a0\u00d7 {_count_text(count)}"     # no-break: a renderer may drop a leading space


def _count_text(value: float | None) -> str:
    """A count (1,400), with eval's mark when the run flags it (a CRAH count sized from a flagged heat load)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    if value == round(value):
        return _marked(f"{int(round(value)):,}", value)
    return _marked(format_number(value), value)


def _sig(value: float) -> str:
    """Three significant digits, thousands separated, no trailing zeros: 16.8, 132, 55,200, 0.0123."""
    if not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        digits = int(math.floor(math.log10(magnitude))) - 2
        return f"{int(round(value / 10 ** digits)) * 10 ** digits:,}"
    if magnitude < 0.01:
        return f"{value:.3g}"
    decimals = max(0, 2 - int(math.floor(math.log10(magnitude))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


class _Flagged(float):
    """A figure the run flags (`_Plan.value` of a path in `flags`): the float, with eval's words for why. Arithmetic
    on it gives a plain float: only the quantity itself, drawn through `_q` or `_flow`, carries the mark."""

    why: str = ""


def _carry(value: float | None, *sources) -> float | None:
    """`value`, a figure the diagram computes from `sources` (a total of the roots' figures), flagged as they are:
    a sum of flagged figures is as flagged as they (eval's reasons, joined as report_format.flag_reason does)."""
    whys = sorted({w for src in sources for w in getattr(src, "why", "").split("; ") if w})
    if value is None or not whys:
        return value
    flagged = _Flagged(value)
    flagged.why = "; ".join(whys)
    return flagged


def _marked(text: str, value) -> str:
    """`text` with eval's mark (report_format.flag_mark) when `value` is a figure the run flags."""
    why = getattr(value, "why", "")
    return f"{text} (\u26a0 {why})" if why and text != "n/a" else text


def _q(value: float | None, unit: str) -> str:
    return _marked(_q_text(value, unit), value)


def _q_text(value: float | None, unit: str) -> str:
    """A quantity for a diagram label: SI value in a readable unit, three significant digits; money and power in the
    report's own text (report_format: $1.29B, 222.5 MW), so one figure reads the same in both."""
    if value is None:
        return "n/a"
    if unit == "USD":                      # money as the report writes it ($1.29B, not 1.29 GUSD)
        from .report_format import _money
        return _money(value)[0]
    if unit == "W":                        # power as the report and eval write it: 222.5 MW (four figures), not 223
        from .report_format import fmt
        return fmt(value, "power")
    if unit == "K_point":
        return f"{_sig(value - 273.15)} \u00b0C"
    if unit == "m^3/s":
        if abs(value) < 100 / 60:          # below 100 m3/min of water: L/min, as CDU datasheets quote
            return f"{_sig(value * 60000)} L/min"
        return f"{_sig(value)} m\u00b3/s"
    shown, name = display_unit(value, unit)
    name = name.replace("^3", "\u00b3").replace("^2", "\u00b2")
    return f"{_sig(shown)} {name}" if name and name != "1" else _sig(shown)


def _flow(value: float | None, liquid: bool) -> str:
    """A coolant flow in L/min or an airflow in m³/h (SI m³/s in), as the report and eval write them
    (report_format styles flow_liquid, flow_air: 3 significant figures), never m³/s."""
    if value is None:
        return "n/a"
    from .report_format import fmt
    return _marked(fmt(value, "flow_liquid" if liquid else "flow_air"), value)


def _pct(value: float | None) -> str:
    """A share as a percentage (17.5%), with eval's mark when the run flags it."""
    return "n/a" if value is None else _marked(f"{value * 100:.1f}%", value)


def _pue(value: float) -> str:
    """A PUE as eval and the report print it (4 significant figures: 1.234), with eval's mark when the run
    flags it."""
    return _marked(format_quantity(value, "1"), value)


def _ratio(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{format_number(value)}:1" if value >= 1 else f"1:{format_number(1 / value)}"


# ---------------------------------------------------------------------------------------------- plan
class _Ids:
    """DOT node ids from instance paths: readable, unique, and the same on every run."""

    def __init__(self):
        self.by_key: dict[str, str] = {}
        self.used: set[str] = set()

    def __call__(self, prefix: str, path: str) -> str:
        key = f"{prefix}:{path}"
        if key in self.by_key:
            return self.by_key[key]
        base = prefix + "_" + re.sub(r"[^A-Za-z0-9_]", "_", path.replace(".", "__"))
        ident, i = base, 2
        while ident in self.used:
            ident, i = f"{base}_{i}", i + 1
        self.used.add(ident)
        self.by_key[key] = ident
        return ident


def _multiplicity(count: float | None) -> float:
    """A count as a factor: NaN when it has no value (drawn 'n/a' by _count_text), never 0 ('0 × GB300_NVL72' was
    drawn for racks whose count had no value)."""
    return math.nan if count is None else count


class _Plan(ResultsView):
    """The results view of one scenario, with DOT ids and the instance-tree walks the views share."""

    def __init__(self, results, scenario: int = 0, flags: dict[str, str] | None = None):
        super().__init__(results, scenario)
        self.ids = _Ids()
        self.flags = flags or {}        # {path: why}: figures the run's diagnostics flag
        self.banner = ""                # the run's errors and failing checks, in words (diagram_dot)
        self._first_parts: dict[str, dict[str, Instance]] = {}     # (first_part)

    def mark(self, text: str, path: str) -> str:
        """`text` (the figure of `path` as drawn) with the mark eval and the report give it when the run flags it:
        '$730k (⚠ incomplete: counts unpriced parts as $0)'."""
        why = self.flags.get(path)
        return f"{text} (\u26a0 {why})" if why and f"(\u26a0 {why})" not in text else text

    def value(self, path: str, scenario: int | None = None) -> float | None:
        """The figure at the scenario drawn; one the run flags is a `_Flagged`, which `_q` and `_flow` mark
        where they print it (every view, every figure of that quantity: eval's words after the number)."""
        v = super().value(path, scenario)
        why = self.flags.get(path)
        if v is None or not why:
            return v
        flagged = _Flagged(v)
        flagged.why = why
        return flagged


    def get(self, inst: Instance, name: str) -> float | None:       # noqa: D102 - a field of an instance
        return self.value(f"{inst.path}.{name}")

    def inherited(self, inst: Instance | None, name: str) -> float | None:
        while inst is not None:
            v = self.get(inst, name)
            if v is not None:
                return v
            inst = inst.parent
        return None

    def inherited_text(self, inst: Instance | None, name: str, default: str) -> str:
        while inst is not None:
            v = self.text(f"{inst.path}.{name}")
            if v is not None:
                return v
            inst = inst.parent
        return default

    def assumption(self, name: str) -> float | None:
        """A model assumption as the models used it (None when this run did not use it)."""
        return self.value(f"assumptions.{name}")

    # tree -----------------------------------------------------------------------------------
    @staticmethod
    def kind(inst: Instance) -> str:
        spec = kind_spec(inst.kind)
        return spec.name if spec is not None else inst.kind

    @staticmethod
    def definition(inst: Instance) -> str:
        """The name a reader knows the item by: its definition (`rack g: GB200_NVL72`), else its own."""
        base = inst.block.base
        return base[-1] if base else inst.block.name

    @staticmethod
    def part_name(inst: Instance) -> str:
        return inst.block.name

    def parts(self, inst: Instance, *kinds: str) -> list[Instance]:
        return [p for p in inst.parts if self.kind(p) in kinds]

    def first_part(self, inst: Instance, kind: str) -> Instance | None:
        """The first of `inst`'s parts of `kind` (`kind` as `kind()` names it), None where it has none: its parts
        indexed by kind once per instance and plan, so that the halls of a site asking for the site's gear do not
        each look through all the halls."""
        index = self._first_parts.get(inst.path)
        if index is None:
            index = self._first_parts[inst.path] = {}
            for part in inst.parts:
                index.setdefault(self.kind(part), part)
        return index.get(kind)

    def roots(self) -> list[Instance]:
        """What the plan draws: the top-level blocks of the highest facility level the spec has
        (sites, else halls, rows, racks, servers), leaving out definitions that others extend: the blocks
        the plan's totals add up (`compiler.plan_totals.top_level`)."""
        from ..plan_totals import top_level
        return top_level(self.results.graph)

    def racks_under(self, inst: Instance, skip: tuple[str, ...] = ()) -> list[tuple[Instance, float]]:
        """Racks inside `inst` (through rows and halls), each with its multiplicity per item of `inst`."""
        out: list[tuple[Instance, float]] = []
        for part in inst.parts:
            kind = self.kind(part)
            c = _multiplicity(self.count(part))
            if kind in skip:
                continue
            if kind == "rack":
                out.append((part, c))
            elif kind in ("row", "hall"):
                out += [(r, c * m) for r, m in self.racks_under(part, skip)]
        return out

    def rack_types_under(self, inst: Instance, skip: tuple[str, ...] = ()) -> list[tuple[Instance, float]]:
        """`racks_under` with the placements of one rack type summed: one entry per (definition, IT power,
        cooling), in the order first placed, with its first placement and the count of all of them (a hall
        of 8 rows of `air_rack x 1` .. `x 6` is `168 x air_rack`, not 48 lines of which 40 were cut as
        "more rack types")."""
        summed: dict[tuple, list] = {}
        for rack, m in self.racks_under(inst, skip):
            key = (self.definition(rack), self.get(rack, "it_power"), self.inherited_text(rack, "cooling", "air"))
            if key in summed:
                summed[key][1] += m
            else:
                summed[key] = [rack, m]
        return [(rack, m) for rack, m in summed.values()]

    def find(self, inst: Instance, kinds: tuple[str, ...], stop: tuple[str, ...] = ("server",)
             ) -> list[tuple[Instance, float]]:
        """Every instance of `kinds` inside `inst` (not inside `stop` kinds), with its multiplicity."""
        out: list[tuple[Instance, float]] = []
        for part in inst.parts:
            kind = self.kind(part)
            c = _multiplicity(self.count(part))
            if kind in kinds:
                out.append((part, c))
            if kind not in stop:
                out += [(p, c * m) for p, m in self.find(part, kinds, stop)]
        return out

    # titles ---------------------------------------------------------------------------------
    def scenario_note(self) -> str | None:
        n = self.results.scenario_count
        if n <= 1:
            return None
        # the swept values as the table's and the report's banners give them (ResultsView.parameters: each in the
        # unit the spec wrote, `leases = 150 USD/kW/month`, `supply = 20 degC`, not 0.205 USD/kWh and 293 K)
        shown = [f"{name} = {text}" for name, text in self.parameters(self.scenario)]
        return f"scenario {self.scenario + 1} of {n}: " + ", ".join(shown)


def _digraph(name: str, title: str, subtitle: list[str], rankdir: str):
    import graphviz

    g = graphviz.Digraph(name=name)
    g.attr("graph", rankdir=rankdir, fontname=FONT, fontsize="11", labelloc="t", labeljust="l",
           nodesep="0.35", ranksep="0.55", pad="0.3", newrank="true", bgcolor="white",
           label=_cluster_label(_b(title), [_font(_esc(s, 0), None, ALERT) if isinstance(s, Alert) else _esc(s, 0)
                                            for s in subtitle]))
    g.attr("node", shape="plain", fontname=FONT, fontsize="10", fontcolor=INK)
    g.attr("edge", fontname=FONT, fontsize="9", color=EDGE, fontcolor=MUTED, arrowsize="0.7", penwidth="1.2")
    return g


class _Cluster:
    """`with _Cluster(g, ident, label, kind) as c:` a styled cluster subgraph named cluster_<ident>."""

    def __init__(self, g, ident: str, label: str, style_key: str):
        self.manager = g.subgraph(name=f"cluster_{ident}")
        self.label, self.style_key = label, style_key

    def __enter__(self):
        border, fill, style = CLUSTER[self.style_key]
        c = self.manager.__enter__()
        c.attr(label=self.label, style=f"{style},filled", color=border, fillcolor=fill, penwidth="1.3",
               fontname=FONT, labeljust="l", labelloc="t", margin="14")
        return c

    def __exit__(self, *exc):
        return self.manager.__exit__(*exc)


def _note(g, plan: _Plan, ident: str, title: str, rows: list[str]) -> None:
    g.node(plan.ids("note", ident), _card(_esc(title, 0), [_esc(r, 0) for r in rows], group="note", dashed=True))


def _draws_nothing(plan: _Plan, root: Instance) -> bool:
    """A site or hall with no IT power (it places only workloads, which run on the systems they name): the power
    and cooling views draw a note for it, not a chain of 0 W stages and a plant of no chillers."""
    return plan.kind(root) in ("site", "hall") and plan.get(root, "it_power") == 0


def _nothing_line(plan: _Plan, roots: list[Instance]) -> str:
    """The title line of a plan whose roots place nothing that draws power, in every view: 'no building placed ·
    4 workload(s) on the systems they name', never '0 W at the meter · 0 W IT'."""
    workloads = sum(1 for r in roots for p in r.parts if plan.kind(p) in ("training", "inference"))
    built = any(plan.parts(r, "hall") for r in roots)      # halls placed, none holding a rack here
    return (f"{'no rack or server in its halls' if built else 'no building placed'} \u00b7 {workloads} workload(s) "
            "on the systems they name" if workloads else "nothing placed draws power")


def _nothing_note(g, plan: _Plan, root: Instance, what: str) -> None:
    workloads = [p for p in root.parts if plan.kind(p) in ("training", "inference")]
    halls = plan.parts(root, "hall")      # a hall a sweep or a count of 0 leaves empty is still placed
    why = ("no hall, rack or server" if not halls else
           "its hall holds no rack or server" if len(halls) == 1 else f"each of its {len(halls)} halls holds no rack or server")
    rows = [f"{plan.kind(root)} {root.block.name} places nothing that draws power ({why})"]
    if workloads:
        rows.append(f"its {len(workloads)} workload(s) run on the systems they name: see the physical view")
    _note(g, plan, f"{what}:{root.path}", f"No {what} to draw", rows)


def _empty_hall_card(plan: _Plan, hall: Instance) -> str:
    """The one card of a hall that places nothing that draws power (an empty shell): no stage, load or heat of 0 W."""
    return _card(_esc("Nothing to draw", 0), [_esc(f"hall {hall.block.name} places nothing that draws power", 0),
                                              _esc("(no rack or server)", 0)], group="note", dashed=True)


class Alert(str):
    """A title line drawn in the alert colour (`_digraph`)."""


def _root_title(plan: _Plan, roots: list[Instance], view: str) -> tuple[str, list[str]]:
    each = [r.block.name for r in roots]     # a root is a top-level definition: its own name (`r3`, not its base `r`)
    names = ", ".join(each) or "plan"
    tail = f" \u2014 {view}"
    if len(names) + len(tail) > MAX_TEXT:        # the names give way, not the view's: the title says what it shows
        # names cut where they do not fit, and how many are left out (the figures below are of them all)
        shown, left = each[:1], len(each) - 1
        while left and len(", ".join(each[:len(shown) + 1])) + len(f" and {left - 1} more") + len(tail) <= MAX_TEXT:
            shown, left = each[:len(shown) + 1], left - 1
        more = f" and {left} more" if left else ""
        names = ", ".join(shown)
        if len(names) + len(more) + len(tail) > MAX_TEXT:
            names = names[: MAX_TEXT - len(more) - len(tail) - 1] + "\u2026"
        names += more
    title = names + tail
    subtitle = [Alert(plan.banner)] if plan.banner else []
    note = plan.scenario_note()
    if note:
        subtitle.append(note)
    return title, subtitle

def _own(plan: _Plan, inst: Instance, name: str, direct: bool) -> float | None:
    """A site's figure for what it holds outside its halls (the model's `<name>_outside_halls`); else the
    figure."""
    return plan.get(inst, f"{name}_outside_halls" if direct else name)


def _alike_title(plan: _Plan, halls: list[Instance], names: list[str]) -> str:
    """The title of halls drawn as one: `h0–h8` only where they stand together among their parent's halls (a range
    over a gap, `h0–h5` for h0, h2, h3, h5, named two halls of another branch), else `h1 and h4`, each name where
    they fit a title (MAX_TEXT), or the first and how many more (the row under it names them all)."""
    siblings = plan.parts(halls[0].parent, "hall") if halls[0].parent is not None else []
    position = {id(h): i for i, h in enumerate(siblings)}      # (not a scan of the siblings for each hall: n^2)
    where = sorted(position.get(id(hall), -1) for hall in halls)
    if len(names) == 2:
        return " and ".join(names)
    if -1 not in where and where == list(range(where[0], where[0] + len(where))):
        return f"{names[0]}\u2013{names[-1]}"
    listed = ", ".join(names)
    return listed if len(listed) <= MAX_TEXT // 2 else f"{names[0]} and {len(names) - 1} more"


def _alike_names(plan: _Plan, inst: Instance, alike: list[Instance], same: str, site: str = "") -> tuple[str, str]:
    """(title, first row) of a hall drawn for itself and the halls `alike` (drawn as it: `same` says in what): the
    title `_alike_title` names them by, and the row that counts and names them all (cut to a row's width). `site`:
    'east.' before each name where several sites' halls are drawn side by side (`east.h0 and east.h1`, never
    `east.h0 and h1`, which read as h1 of no site)."""
    names = [site + plan.part_name(h) for h in [inst, *alike]]
    return (_alike_title(plan, [inst] + list(alike), names),
            _esc(f"{len(names)} halls drawn as one ({same}): " + ", ".join(names)))


def _gear_sizing(plan: _Plan, gear: Instance, load: str, capacity: bool = True) -> str:
    """'1 MW per unit · the peak needs 52 (N+1) · 97.9% used': the facility model's sizing of placed gear
    (its `units_needed` and `utilization` outputs, read, never recomputed), in red when fewer units are
    placed than needed. `load`: what the units carry, in words; `capacity`: lead with the unit's rating."""
    cap = plan.get(gear, "capacity") if capacity else None
    needed, used = plan.get(gear, "units_needed"), plan.get(gear, "utilization")
    redundancy = plan.text(f"{gear.path}.redundancy")
    bits = [f"{_q(cap, 'W')} per unit"] if cap is not None else []
    if needed is not None:
        bits.append(f"{load} needs {_count_text(needed)}" + (f" ({redundancy})" if redundancy else ""))
    if used is not None:
        bits.append(f"{_pct(used)} used")
    short = _shortfall(plan, gear)
    if short is not None and short[1] < short[0]:
        return _font(_esc(" \u00b7 ".join(bits) + f": only {_count_text(short[1])} placed", 0), None, ALERT)
    return _esc(" \u00b7 ".join(bits), 0)


# gear the thermal model sizes for the block it is placed in (its output of that name): a limit only where the spec
# writes a count (compiler/models/thermal.py _placed_plant, _placed_units)
_SIZED_BY_BLOCK = {"chiller": "chillers", "dry_cooler": "dry_coolers", "cdu": "cdus", "crah": "crahs"}
# gear whose need is an output of the block (models/thermal.py), every unit counted, 1 where no count is written
_NEEDED_BY_BLOCK = {"cooling_tower": "cooling_towers_needed", "pump": "pumps_needed"}
# the units of a kind a hall or site places, as its capacity limit counts them (models/totals.py); any other gear's
# is the block's `<kind>_units_placed` (models/facility.py)
_PLACED_BY_BLOCK = {"chiller": "chillers_placed", "dry_cooler": "dry_coolers_placed", "cdu": "cdus_placed",
                    "crah": "crahs_placed", "cooling_tower": "cooling_towers", "pump": "pumps_placed"}


def _shortfall(plan: _Plan, gear: Instance) -> tuple[float, float] | None:
    """(units needed, units placed) of the gear of `gear`'s kind placed beside it, the two figures its capacity limit
    compares (compiler/models/facility.py `_power_gear_units`, `_local_gear_units`; thermal.py `_placed_plant`,
    `_placed_units`, `_placed_towers`, `_placed_pumps`), read, never recomputed; None where no limit applies or
    either has no value. Units placed: the block's output that limit reads (`chillers_placed`, `cdus_placed`,
    `pumps_placed`, `cooling_towers`, `transformer_units_placed`, ...: every unit of that kind in the block, 1 where
    no count is written, but for the gear a hall's or site's model sizes (chillers, dry coolers, CDUs, CRAHs):
    their written counts only, and no limit where none is written). Every view that lists the gear marks it short
    from this one reading, so the physical view's equipment card and the power view agree with `check` (a
    transformer placed without a count is one unit to the limit)."""
    block, kind = gear.parent, plan.kind(gear)
    if block is None:
        return None
    sized = kind in _SIZED_BY_BLOCK and plan.kind(block) in ("hall", "site")
    if sized or kind in _NEEDED_BY_BLOCK:
        needed = plan.get(block, _SIZED_BY_BLOCK[kind] if sized else _NEEDED_BY_BLOCK[kind])
        placed = plan.get(block, _PLACED_BY_BLOCK[kind])
    else:
        needed = plan.get(plan.parts(block, kind)[0], "units_needed")
        placed = plan.get(block, f"{kind}_units_placed")
    if needed is None or placed is None:
        return None
    return needed, placed


def _short_line(plan: _Plan, gear: Instance) -> str:
    """' · needs 8 (2N): only 1 placed' in the alert colour where fewer units of `gear`'s kind are placed beside it
    than its load needs (`_shortfall`, its capacity limit's figures), else ''."""
    short = _shortfall(plan, gear)
    if short is None or short[1] >= short[0]:
        return ""
    plant = plan.kind(gear) in _NEEDED_BY_BLOCK or plan.kind(gear) in ("chiller", "dry_cooler")   # the thermal
    redundancy = None if plant else plan.text(f"{gear.path}.redundancy")           # model's spares, as cooling says
    why = f" ({redundancy})" if redundancy else " (with spares)"
    return _font(_esc(f" \u00b7 needs {_count_text(short[0])}{why}: only {_count_text(short[1])} placed", 0),
                 None, ALERT)


def _total(plan: _Plan, name: str) -> float | None:
    """The plan's figure `name` at the scenario drawn: what its top-level blocks add up to (`Results.totals`,
    compiler/plan_totals.py: the totals line of the physical view, and of the power and cooling views of a plan of
    several sites), read; None (drawn n/a) where it has no value; flagged as the figures it adds."""
    total = plan.results.totals.get(name)
    if total is None:
        return None
    value = float(total.values[plan.scenario])
    terms = [plan.value(t.figure) for t in total.terms if t.figure is not None]
    return _carry(value if math.isfinite(value) else None, *terms)
