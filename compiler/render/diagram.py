"""Diagrams (Graphviz): the physical, network, power and cooling views of an evaluated plan.

Pipeline position: render; reads `compiler.evaluate.Results` (values in SI over the scenario axis) and the
instance tree of `compiler.graph`, formats with `compiler.display`, builds DOT with the `graphviz` package
and runs the `dot` program to make SVG or PNG.

Public API (the CLI's `factory diagram` and the report writer use these):

    diagram_dot(results, view, scenario=0) -> str     DOT text of one view ("physical", "network",
                                                       "power", "cooling") for one scenario (0-based)
    write_diagram(dot_text, path, fmt) -> str | None   writes svg, png or dot; returns an error message
                                                       (e.g. Graphviz missing: the DOT is written beside
                                                       `path` and the message says how to install it)
    render_diagram(dot_text, fmt) -> bytes             SVG or PNG bytes; raises GraphvizMissing

Contracts: multiplicity is a count, never expanded: a part placed `x 1400` is one box that says so, with
its per-item figures, so a million-accelerator campus draws as fast as one rack. Output is deterministic:
node ids derive from instance paths, parts are drawn in spec order (itself deterministic), nothing depends
on hashing, time or the machine. Every label is an HTML-like label built here with every piece of text
escaped (`_esc`), so names, descriptions and locations cannot break or inject into the DOT or the SVG.

Views:
    physical  site > hall > row as nested clusters, titled with their count and per-item and total IT
              power and accelerators; racks as cards with their count, per-rack power, accelerators and
              the servers inside summarized; the power, cooling and network gear a container holds in one
              "Equipment" card (with the counts the models size when the spec gives none). Siblings are
              laid out in spec order, four to a line.
    network   one cluster per `network` block: tiers top-down with switch counts (from the network model's
              outputs when it gives them), link speeds and the leaf oversubscription; any other numbers
              the model computes in a details table; scale-up domains (racks with switch trays) and NICs.
    power     a one-line diagram: utility feed, the power gear placed (or the chain the facility model
              assumed: AC = transformer, UPS, PDU; dc800 = transformer, rectifier, DC busway), per hall,
              down to the IT load, with the power in and the loss at each stage and the cooling load.
    cooling   per hall: IT heat split to liquid (CDUs, coolant flow) and air (CRAHs, airflow); the plant
              (chillers, dry coolers, cooling towers) and the heat rejected outdoors, with cooling power.
"""
from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field

import numpy as np

from dsl.schema import kind as kind_spec

from ..display import display_unit, format_number
from ..graph import Instance

VIEWS = ("physical", "network", "power", "cooling")
FORMATS = ("svg", "png", "dot")
INSTALL_HINT = ("install Graphviz to render it: `apt-get install graphviz` (Debian/Ubuntu), "
                "`brew install graphviz` (macOS), or see https://graphviz.org/download/")

# ---------------------------------------------------------------------------------------------- style
FONT = "Helvetica,Arial,sans-serif"
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
    """Text for an HTML-like label: control characters dropped, cut at `limit`, every markup char escaped."""
    s = _CONTROL.sub("", str(text)).replace("\t", " ")
    if limit and len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    s = (s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
         .replace('"', "&quot;").replace("'", "&#39;"))
    return s.replace("\n", " ")


def _b(text: object) -> str:
    return f"<B>{_esc(text)}</B>"


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
        cells.append(_font(caption, 8, accent))
    cells.append(_font(title, title_size, INK))
    cells += [_font(row, 10, MUTED) for row in rows]
    w = f' WIDTH="{width}"' if width else ""
    body = "".join(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"{w}>{c}</TD></TR>' for c in cells)
    style = "rounded,dashed" if dashed else "rounded"
    return (f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" STYLE="{style}" '
            f'COLOR="{accent}" BGCOLOR="{fill}">{body}</TABLE>>')


def _cluster_label(title: str, rows: list[str] = (), caption: str | None = None) -> str:
    """A cluster's title block: small caption, bold title, detail rows (already-escaped fragments)."""
    lines = ([_font(caption, 8, FAINT)] if caption else []) + [_font(title, 13, INK)]
    lines += [_font(r, 10, MUTED) for r in rows]
    body = "".join(f'<TR><TD ALIGN="LEFT">{line}</TD></TR>' for line in lines)
    return f'<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="1">{body}</TABLE>>'


def _edge_label(*lines: str) -> str:
    return "<" + "<BR/>".join(_font(line, 9, MUTED) for line in lines if line) + ">"


def _x(count: float | None) -> str:
    """' × 1,400' for a count other than one."""
    if count is None or count == 1:
        return ""
    return f" \u00d7 {_count_text(count)}"


def _count_text(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    if value == round(value):
        return f"{int(round(value)):,}"
    return format_number(value)


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


def _q(value: float | None, unit: str) -> str:
    """A quantity for a diagram label: SI value in a readable unit, three significant digits."""
    if value is None:
        return "n/a"
    if unit == "K_point":
        return f"{_sig(value - 273.15)} \u00b0C"
    if unit == "m^3/s":
        if abs(value) < 100 / 60:          # below 100 m3/min of water: L/min, as CDU datasheets quote
            return f"{_sig(value * 60000)} L/min"
        return f"{_sig(value)} m\u00b3/s"
    shown, name = display_unit(value, unit)
    name = name.replace("^3", "\u00b3").replace("^2", "\u00b2")
    return f"{_sig(shown)} {name}" if name and name != "1" else _sig(shown)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


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


@dataclass
class _Plan:
    results: object
    scenario: int = 0
    ids: _Ids = field(default_factory=_Ids)

    # values ---------------------------------------------------------------------------------
    def value(self, path: str) -> float | None:
        raw = self.results.values.get(path)
        if not isinstance(raw, np.ndarray) or raw.size == 0:
            return None
        arr = raw.astype(float) if raw.dtype == bool else raw
        v = float(arr[self.scenario] if arr.size > 1 else arr[0])
        return v if math.isfinite(v) else None

    def text(self, path: str) -> str | None:
        raw = self.results.values.get(path)
        return raw if isinstance(raw, str) else None

    def unit(self, path: str) -> str:
        return self.results.units.get(path, "")

    def get(self, inst: Instance, name: str) -> float | None:
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

    def assumption(self, name: str, default: float) -> float:
        v = self.value(f"assumptions.{name}")
        return default if v is None else v

    def count(self, inst: Instance) -> float | None:
        if inst.count is None:
            return 1.0
        return self.value(inst.count)

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

    def roots(self) -> list[Instance]:
        """What the plan draws: the top-level blocks of the highest facility level the spec has
        (sites, else halls, rows, racks, servers), leaving out definitions that others extend."""
        roots = self.results.graph.roots
        based = {id(r.base) for r in roots if r.base is not None}
        for level in ("site", "hall", "row", "rack", "server"):
            chosen = [r for r in roots if self.kind(r) == level and id(r.block) not in based]
            if chosen:
                return chosen
        return []

    def racks_under(self, inst: Instance, skip: tuple[str, ...] = ()) -> list[tuple[Instance, float]]:
        """Racks inside `inst` (through rows and halls), each with its multiplicity per item of `inst`."""
        out: list[tuple[Instance, float]] = []
        for part in inst.parts:
            kind = self.kind(part)
            c = self.count(part) or 0.0
            if kind in skip:
                continue
            if kind == "rack":
                out.append((part, c))
            elif kind in ("row", "hall"):
                out += [(r, c * m) for r, m in self.racks_under(part, skip)]
        return out

    def find(self, inst: Instance, kinds: tuple[str, ...], stop: tuple[str, ...] = ("server",)
             ) -> list[tuple[Instance, float]]:
        """Every instance of `kinds` inside `inst` (not inside `stop` kinds), with its multiplicity."""
        out: list[tuple[Instance, float]] = []
        for part in inst.parts:
            kind = self.kind(part)
            c = self.count(part) or 0.0
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
        shown = []
        for name in self.results.graph.sweep:
            v = self.value(name)
            unit = self.unit(name)
            shown.append(f"{name} = {_q(v, unit) if unit else format_number(v) if v is not None else 'n/a'}")
        return f"scenario {self.scenario + 1} of {n}: " + ", ".join(shown)


def _digraph(name: str, title: str, subtitle: list[str], rankdir: str):
    import graphviz

    g = graphviz.Digraph(name=name)
    g.attr("graph", rankdir=rankdir, fontname=FONT, fontsize="11", labelloc="t", labeljust="l",
           nodesep="0.35", ranksep="0.55", pad="0.3", newrank="true", bgcolor="white",
           label=_cluster_label(_b(title), [_esc(s, 0) for s in subtitle]))
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


def _root_title(plan: _Plan, roots: list[Instance], view: str) -> tuple[str, list[str]]:
    names = ", ".join(plan.definition(r) if plan.kind(r) != "site" else r.block.name for r in roots) or "plan"
    title = f"{names} \u2014 {view}"
    subtitle = []
    note = plan.scenario_note()
    if note:
        subtitle.append(note)
    return title, subtitle


# ============================================================================================ physical
SKIP_PHYSICAL = ("training", "inference", "finance", "model", "chip", "cpu", "memory")
WRAP = 4                 # sibling boxes per line before the next line starts


def _physical(plan: _Plan) -> str:
    roots = plan.roots()
    title, sub = _root_title(plan, roots, "physical layout")
    totals = _totals_line(plan, roots)
    g = _digraph("physical", title, ([totals] if totals else []) + sub, "TB")
    if not roots:
        _note(g, plan, "empty", "Nothing to draw", ["the spec places no site, hall, row, rack or server"])
    anchors = [a for a in (_physical_item(g, plan, root, plan.count(root)) for root in roots) if a]
    if len(anchors) > 1:
        _layout(g, _hidden_head(g, plan, "#plan"), anchors)
    return g.source


def _hidden_head(g, plan: _Plan, path: str) -> str:
    node = plan.ids("top", path)
    g.node(node, "", shape="point", style="invis", width="0", height="0", fixedsize="true")
    return node


def _layout(g, head: str, anchors: list[str]) -> None:
    """Sibling boxes in spec order, WRAP to a line: `head` (above them) points at the first line in
    order (`ordering=out` keeps that order left to right), each later box hangs below the box WRAP
    before it. All edges are invisible; without them dot may lay unconnected siblings out in any order."""
    g.node(head, ordering="out")
    for i, anchor in enumerate(anchors):
        g.edge(head if i < WRAP else anchors[i - WRAP], anchor, style="invis")


def _totals_line(plan: _Plan, roots: list[Instance]) -> str:
    """Accelerators, IT and meter power of everything drawn; "n/a" where the models could not say."""
    def total(*names: str) -> float | None:
        out = 0.0
        for r in roots:
            v = next((x for x in (plan.get(r, n) for n in names) if x is not None), None)
            if v is None:
                return None
            out += (plan.count(r) or 0.0) * v
        return out
    acc, it, fac = total("accelerators"), total("it_power", "peak_power"), total("facility_power")
    parts = [f"{_count_text(acc)} accelerators", f"{_q(it, 'W')} IT peak"]
    if fac is not None and roots:
        parts.append(f"{_q(fac, 'W')} at the meter")
    pue = plan.get(roots[0], "pue") if len(roots) == 1 else None
    if pue is not None:
        parts.append(f"PUE {pue:.2f}")
    return " \u00b7 ".join(parts)


def _physical_item(g, plan: _Plan, inst: Instance, count: float | None) -> str | None:
    """Draws one placed item; returns the id of its top node (for layout edges)."""
    kind = plan.kind(inst)
    if kind in CONTAINERS:
        return _physical_container(g, plan, inst, count)
    if kind == "rack":
        node = plan.ids("rack", inst.path)
        g.node(node, _rack_card(plan, inst, count))
        return node
    if kind == "server":
        node = plan.ids("server", inst.path)
        g.node(node, _server_card(plan, inst, count))
        return node
    return None


def _container_rows(plan: _Plan, inst: Instance, count: float | None) -> list[str]:
    kind = plan.kind(inst)
    each = " each" if count not in (None, 1) else ""
    it = plan.get(inst, "it_power")
    acc = plan.get(inst, "accelerators")
    figures = []
    if acc:
        figures.append(f"{_count_text(acc)} accelerators")
    if it is not None:
        figures.append(f"{_q(it, 'W')} IT")
    fac = plan.get(inst, "facility_power")
    if fac is not None and kind != "row":
        figures.append(f"{_q(fac, 'W')} at the meter")
    rows = [_esc(" \u00b7 ".join(figures) + each, 0)] if figures else []
    if count not in (None, 1) and (acc or it is not None):
        totals = ([f"{_count_text(acc * count)} accelerators"] if acc else []) + \
                 ([f"{_q(it * count, 'W')} IT"] if it is not None else [])
        rows.append(_b("total " + " \u00b7 ".join(totals)))
    for field_name in ("location", "description"):
        text = plan.text(f"{inst.path}.{field_name}")
        if text:
            rows.append(_esc(text))
    return rows


def _physical_container(g, plan: _Plan, inst: Instance, count: float | None) -> str:
    kind = plan.kind(inst)
    name, defn = plan.part_name(inst), plan.definition(inst)
    caption = _esc(kind.upper() + (f" \u00b7 {defn}" if defn != name else ""), 0)
    label = _cluster_label(_b(name) + _esc(_x(count)), _container_rows(plan, inst, count), caption)
    with _Cluster(g, plan.ids(kind, inst.path), label, kind) as c:
        gear_node = None
        gear = [p for p in inst.parts if plan.kind(p) not in SKIP_PHYSICAL + CONTAINERS + ("rack", "server")]
        if gear:
            gear_node = plan.ids("equipment", inst.path)
            c.node(gear_node, _equipment_card(plan, inst, gear))
        anchors = []
        for part in inst.parts:
            if plan.kind(part) in CONTAINERS + ("rack", "server"):
                anchor = _physical_item(c, plan, part, plan.count(part))
                if anchor:
                    anchors.append(anchor)
        if gear_node is None and not anchors:
            gear_node = plan.ids("empty", inst.path)
            c.node(gear_node, _card(_esc("(empty)"), group="note", title_size=10))
        if gear_node is None and len(anchors) == 1:
            return anchors[0]
        head = gear_node or _hidden_head(c, plan, inst.path)
        _layout(c, head, anchors)
    return head


def _equipment_card(plan: _Plan, inst: Instance, gear: list[Instance]) -> str:
    """The power, cooling and network gear placed directly in a container, one line each."""
    sized = {"cdu": "cdus", "crah": "crahs", "chiller": "chillers", "dry_cooler": "dry_coolers"}
    rows = []
    for part in gear[:MAX_LIST * 2]:
        kind = plan.kind(part)
        group = ("power" if kind in POWER_GEAR + OTHER_POWER else "cooling" if kind in COOLING_GEAR
                 else "network")
        what = GEAR_TITLE.get(kind, kind)
        count = plan.count(part)
        note = ""
        if part.count is None and kind in sized:
            model = plan.get(inst, sized[kind])
            if model is not None:
                count, note = model, " (sized by the model)"
        text = f"{_count_text(count)} \u00d7 {plan.definition(part)}" if part.count is not None or note \
            else plan.definition(part)
        details = []
        cap = plan.get(part, "capacity")
        if cap is not None:
            details.append(f"{_q(cap, 'W')} each")
        if kind == "network":
            details += [x.replace("_", " ") for x in (plan.text(f"{part.path}.role"),
                                                       plan.text(f"{part.path}.topology")) if x]
            switches = plan.get(part, "switches")
            if switches:
                details.append(f"{_count_text(switches)} switches")
        bullet = _font("\u25a0", 9, PALETTE[group][0])
        rows.append(f"{bullet} {_font(_esc(what, 0), 10, PALETTE[group][0])}  "
                    + _esc(text + note + (" \u00b7 " + " \u00b7 ".join(details) if details else ""), 110))
    if len(gear) > MAX_LIST * 2:
        rows.append(_esc(f"\u2026 and {len(gear) - MAX_LIST * 2} more"))
    return _card(_b("Equipment"), rows, caption=_esc(f"PLACED IN {plan.kind(inst).upper()} {inst.block.name}", 0),
                 group="load", title_size=11)


def _server_line(plan: _Plan, server: Instance, count: float | None) -> str:
    chips = [f"{_count_text(plan.count(c))} \u00d7 {plan.definition(c)}"
             for c in plan.parts(server, "chip", "cpu", "nic", "dpu")]
    peak = plan.get(server, "peak_power")
    text = f"{_count_text(count)} \u00d7 {plan.definition(server)}"
    if chips:
        text += " (" + ", ".join(chips[:4]) + (" \u2026" if len(chips) > 4 else "") + ")"
    if peak is not None:
        text += f" \u00b7 {_q(peak, 'W')}" + (" each" if count not in (None, 1) else "")
    return _esc(text, 120)


def _rack_card(plan: _Plan, rack: Instance, count: float | None) -> str:
    each = " each" if count not in (None, 1) else ""
    cooling = plan.inherited_text(rack, "cooling", "")
    group = "liquid" if cooling in ("liquid", "hybrid") else "compute"
    title = f"{_b(plan.definition(rack))}{_esc(_x(count))}"
    caption = _esc(f"RACK {plan.part_name(rack)}" + (f" \u00b7 {cooling}-cooled" if cooling else ""), 0)
    rows = []
    it = plan.get(rack, "it_power")
    acc = plan.get(rack, "accelerators")
    figures = []
    if it is not None:
        figures.append(_q(it, "W"))
    if acc:
        figures.append(f"{_count_text(acc)} accelerators")
    if figures:
        rows.append(_b(" \u00b7 ".join(figures) + each))
    limit = plan.get(rack, "power_limit")
    if limit is not None:
        text = _esc(f"limit {_q(limit, 'W')}" + (f" ({_pct(it / limit)} used)" if it and limit else ""))
        rows.append(_font(text, None, ALERT) if it is not None and it > limit * (1 + 1e-9) else text)
    inner = [p for p in rack.parts if plan.kind(p) in ("server", "chip", "switch", "nic", "dpu", "storage",
                                                       "power_shelf", "pdu", "cdu")]
    for part in inner[:MAX_LIST]:
        kind = plan.kind(part)
        if kind == "server":
            rows.append("\u25aa " + _server_line(plan, part, plan.count(part)))
        else:
            label = GEAR_TITLE.get(kind, kind)
            rows.append(_esc(f"\u25ab {_count_text(plan.count(part))} \u00d7 {plan.definition(part)} ({label})", 110))
    if len(inner) > MAX_LIST:
        rows.append(_esc(f"\u2026 and {len(inner) - MAX_LIST} more"))
    if count not in (None, 1) and it is not None:
        rows.append(_b(f"total {_q(it * count, 'W')}" + (f" \u00b7 {_count_text(acc * count)} accelerators"
                                                         if acc else "")))
    return _card(title, rows, caption=caption, group=group, title_size=13)


def _server_card(plan: _Plan, server: Instance, count: float | None) -> str:
    return _card(_b(plan.definition(server)) + _esc(_x(count)), [_server_line(plan, server, 1)],
                 caption=_esc(f"SERVER {plan.part_name(server)}", 0), group="compute")


# ============================================================================================ power
@dataclass
class _Stage:
    key: str                   # identity: gear path, or "default:<kind>@<branch path>"
    kind: str
    gear: Instance | None
    owner: Instance            # where the gear is placed (or the branch, for model defaults)
    eta: float
    flow_in: float = 0.0       # per branch item
    loss: float = 0.0


@dataclass
class _Branch:
    inst: Instance             # a hall, or the root itself (its IT outside halls)
    count: float
    it: float
    stages: list[_Stage]
    direct: bool = False       # the root's own IT (racks placed outside halls)


def _gear_default_eta(kind: str) -> float:
    from ..models import assumptions as A
    table = {"transformer": A.transformer_efficiency, "ups": A.ups_efficiency, "pdu": A.pdu_efficiency,
             "rectifier": A.rectifier_efficiency, "busway": A.dc_distribution_efficiency,
             "dc_distribution": A.dc_distribution_efficiency}
    a = table.get(kind)
    return a.value if a is not None else 0.999


def _chain(plan: _Plan, inst: Instance) -> list[_Stage]:
    """The stages the facility model multiplies for `inst`: the nearest gear of each kind placed on it or
    its ancestors, else the default chain of its `distribution` (mirrors compiler.models.facility)."""
    found: dict[str, _Stage] = {}
    level: Instance | None = inst
    while level is not None:
        for gear in level.parts:
            kind = plan.kind(gear)
            if kind in POWER_GEAR and kind not in found:
                eta = plan.get(gear, "efficiency")
                if eta is None:
                    eta = plan.assumption(f"{kind}_efficiency", _gear_default_eta(kind))
                found[kind] = _Stage(gear.path, kind, gear, level, eta)
        level = level.parent
    if found:
        return [found[k] for k in POWER_GEAR if k in found]
    from ..models import assumptions as A
    if plan.inherited_text(inst, "distribution", "ac") == "dc800":
        kinds = (("transformer", A.transformer_efficiency), ("rectifier", A.rectifier_efficiency),
                 ("dc_distribution", A.dc_distribution_efficiency))
    else:
        kinds = (("transformer", A.transformer_efficiency), ("ups", A.ups_efficiency),
                 ("pdu", A.pdu_efficiency))
    out = []
    for kind, a in kinds:
        eta = plan.get(inst, f"{kind}_efficiency")
        if eta is None:
            eta = plan.assumption(a.name, a.value)
        out.append(_Stage(f"default:{kind}@{inst.path}", kind, None, inst, eta))
    return out


def _flows(branch: _Branch, model_loss: float | None) -> None:
    """Power into each stage and its loss, walking up from the IT load; scaled to the model's total loss."""
    out = branch.it
    for stage in reversed(branch.stages):
        eta = stage.eta if stage.eta and stage.eta > 0 else 1.0
        stage.flow_in = out / eta
        stage.loss = stage.flow_in - out
        out = stage.flow_in
    mine = sum(s.loss for s in branch.stages)
    if model_loss is not None and mine > 0 and abs(model_loss - mine) > 1e-9 * max(abs(mine), 1.0):
        scale = model_loss / mine
        out = branch.it
        for stage in reversed(branch.stages):
            stage.loss *= scale
            stage.flow_in = out + stage.loss
            out = stage.flow_in


def _power(plan: _Plan) -> str:
    roots = [r for r in plan.roots() if plan.kind(r) in ("site", "hall")]
    title, sub = _root_title(plan, plan.roots(), "power one-line")
    if len(roots) == 1:
        r = roots[0]
        figures = [f"{_q(plan.get(r, 'facility_power'), 'W')} at the meter (peak)",
                   f"{_q(plan.get(r, 'it_power'), 'W')} IT",
                   f"chain efficiency {_pct(plan.get(r, 'power_chain_efficiency'))}"]
        sub = [" \u00b7 ".join(figures)] + sub
    g = _digraph("power", title, sub, "TB")
    g.attr("graph", compound="true")
    if not roots:
        _note(g, plan, "power", "No power chain to draw",
              ["the facility model computes the power chain of halls and sites;",
               "place the racks in a `hall` (and the halls in a `site`)"])
    for root in roots:
        _power_root(g, plan, root)
    return g.source


def _power_branches(plan: _Plan, root: Instance, reconcile: bool = True) -> list[_Branch]:
    """One branch per hall of a site (with its count), plus the IT the root holds outside halls; each
    with its stages' flows and losses (scaled to the model's power_chain_loss when `reconcile`)."""
    branches: list[_Branch] = []
    halls = plan.parts(root, "hall") if plan.kind(root) == "site" else []
    hall_it = hall_loss = 0.0
    for hall in halls:
        c = plan.count(hall) or 0.0
        it = plan.get(hall, "it_power") or 0.0
        b = _Branch(hall, c, it, _chain(plan, hall))
        _flows(b, plan.get(hall, "power_chain_loss") if reconcile else None)
        hall_it += c * it
        hall_loss += c * (plan.get(hall, "power_chain_loss") or 0.0)
        branches.append(b)
    direct_it = (plan.get(root, "it_power") or 0.0) - hall_it
    if not halls or direct_it > 1e-6 * max(hall_it, 1.0):
        b = _Branch(root, 1.0, direct_it, _chain(plan, root), direct=plan.kind(root) == "site")
        total_loss = plan.get(root, "power_chain_loss")
        _flows(b, None if total_loss is None or not reconcile else total_loss - hall_loss)
        branches.append(b)
    return branches


def _power_root(g, plan: _Plan, root: Instance) -> None:
    branches = _power_branches(plan, root)

    # the shared prefix: the same gear, placed on the root, at the head of every branch
    shared = 0
    while all(len(b.stages) > shared for b in branches) and branches:
        keys = {b.stages[shared].key for b in branches}
        head = branches[0].stages[shared]
        if len(keys) != 1 or head.gear is None or head.owner is not root:
            break
        shared += 1

    fac = plan.get(root, "facility_power")
    feed_name = "utility_feed" if plan.kind(root) == "site" else "power_feed"
    feed = plan.get(root, feed_name)
    rows = [_b(f"{_q(fac, 'W')} peak at the meter")]
    avg = plan.get(root, "facility_power_avg")
    pue = plan.get(root, "pue")
    if avg is not None:
        rows.append(_esc(f"{_q(avg, 'W')} average" + (f" \u00b7 PUE {pue:.2f}" if pue is not None else ""), 0))
    if feed is not None:
        used = f" ({_pct(fac / feed)} used)" if fac is not None and feed else ""
        text = _esc(f"feed limit {_q(feed, 'W')}{used}", 0)
        rows.append(_font(text, None, ALERT) if fac is not None and fac > feed else text)
    utility = plan.ids("utility", root.path)
    g.node(utility, _card(_esc("Utility feed" if plan.kind(root) == "site" else "Hall feed"), rows,
                          caption=_esc(f"{plan.kind(root).upper()} {root.block.name}", 0), group="power",
                          title_size=13))
    for gen, c in plan.find(root, ("generator",), stop=("hall", "row", "rack", "server")):
        gid = plan.ids("gen", gen.path)
        cap = plan.get(gen, "capacity")
        g.node(gid, _card(_b(plan.definition(gen)) + _esc(_x(c)),
                          [_esc(f"{_q(cap, 'W')} each \u00b7 standby", 0)] if cap is not None else [],
                          caption=_esc("GENERATOR", 0), group="power", dashed=True))
        g.edge(gid, utility, label=_edge_label("backup"), style="dashed", color="#ADB5BD")

    prev, prev_flow = utility, None
    for i in range(shared):
        stage = branches[0].stages[i]
        flow = sum(b.count * b.stages[i].flow_in for b in branches)
        loss = sum(b.count * b.stages[i].loss for b in branches)
        node = plan.ids("stage", stage.key)
        g.node(node, _stage_card(plan, stage, flow, loss, 1.0))
        g.edge(prev, node, label=_edge_label(_q(flow, "W")))
        prev, prev_flow = node, flow

    cooling = plan.get(root, "cooling_power")
    if cooling:
        cid = plan.ids("coolingload", root.path)
        g.node(cid, _card(_esc("Cooling plant"), [_esc(f"{_q(cooling, 'W')} peak (pumps, fans, chillers)", 0)],
                          caption=_esc("MECHANICAL LOAD", 0), group="cooling"))
        g.edge(utility, cid, label=_edge_label(_q(cooling, "W")))

    for b in branches:
        _power_branch(g, plan, b, shared, prev)


def _stage_card(plan: _Plan, stage: _Stage, flow: float, loss: float, count: float, sized: bool = True) -> str:
    """One stage of the chain; `flow` and `loss` per item of the branch (`count` items). `sized`: the
    gear's own count carries `flow` (so the units needed can be compared with the units placed)."""
    each = " each" if count != 1 else ""
    title_kind = GEAR_TITLE.get(stage.kind, stage.kind)
    if stage.gear is not None:
        c = plan.count(stage.gear) if stage.gear.count is not None else None
        title = _b(plan.definition(stage.gear)) + _esc(_x(c))
        caption = title_kind.upper()
        cap = plan.get(stage.gear, "capacity")
        extra = [_esc(f"{_q(cap, 'W')} per unit", 0)] if cap is not None else []
        if cap and flow > 0 and sized:
            needed = math.ceil(flow / cap - 1e-9)
            text = f"{_q(cap, 'W')} per unit \u00b7 the peak needs {needed:,}"
            if c is not None and c < needed:
                extra = [_font(_esc(f"{text}: only {_count_text(c)} placed", 0), None, ALERT)]
            else:
                extra = [_esc(text, 0)]
    else:
        title = _b(title_kind)
        caption = "ASSUMED BY THE MODEL"
        extra = []
    rows = [_esc(f"\u03b7 {_pct(stage.eta)} \u00b7 in {_q(flow, 'W')}{each}", 0),
            _font(_b(f"loss {_q(loss, 'W')}{each}"), None, PALETTE["power"][0])] + extra
    return _card(title, rows, caption=_esc(caption, 0), group="power", dashed=stage.gear is None)


def _power_branch(g, plan: _Plan, b: _Branch, shared: int, upstream: str) -> None:
    inst = b.inst
    if b.direct:
        label = _cluster_label(_b("IT outside halls" if plan.parts(inst, "hall") else plan.part_name(inst)),
                               [_esc(f"{_q(b.it, 'W')} IT", 0)], _esc(plan.kind(inst).upper(), 0))
        key = f"{inst.path}#direct"
    else:
        each = " each" if b.count != 1 else ""
        rows = [_esc(f"{_q(b.it, 'W')} IT{each} \u00b7 chain efficiency "
                     f"{_pct(plan.get(inst, 'power_chain_efficiency'))}", 0)]
        fac, feed = plan.get(inst, "facility_power"), plan.get(inst, "power_feed")
        if feed:
            text = _esc(f"{_q(fac, 'W')} at the meter{each} \u00b7 feed {_q(feed, 'W')}"
                        + (f" ({_pct(fac / feed)} used)" if fac is not None else ""), 0)
            rows.append(_font(text, None, ALERT) if fac is not None and fac > feed else text)
        label = _cluster_label(_b(plan.part_name(inst)) + _esc(_x(b.count)), rows, _esc("HALL", 0))
        key = inst.path
    cluster = plan.ids("branch", key)
    with _Cluster(g, cluster, label, "branch") as c:
        prev = upstream
        into = f"cluster_{cluster}"      # the first edge stops at the cluster's border (clear of its title)
        for stage in b.stages[shared:]:
            node = plan.ids("stage", f"{stage.key}#{key}")
            c.node(node, _stage_card(plan, stage, stage.flow_in, stage.loss, b.count, stage.owner is inst))
            _power_edge(g, prev, node, stage.flow_in, b.count if into else 1.0, into)
            prev, into = node, None
        load = plan.ids("itload", key)
        c.node(load, _it_load_card(plan, b))
        _power_edge(g, prev, load, b.it, b.count if into else 1.0, into)


def _power_edge(g, tail: str, head: str, flow: float, count: float, lhead: str | None = None) -> None:
    text = _q(flow, "W") if count == 1 else f"{_count_text(count)} \u00d7 {_q(flow, 'W')}"
    if lhead:
        g.edge(tail, head, label=_edge_label(text), lhead=lhead)
    else:
        g.edge(tail, head, label=_edge_label(text))


def _it_load_card(plan: _Plan, b: _Branch) -> str:
    skip = ("hall",) if b.direct else ()
    racks = plan.racks_under(b.inst, skip)
    rows = []
    counted = 0.0
    for rack, m in racks[:MAX_LIST]:
        it = plan.get(rack, "it_power") or 0.0
        counted += m * it
        rows.append(_esc(f"{_count_text(m)} \u00d7 {plan.definition(rack)} \u00b7 {_q(it, 'W')} each", 110))
    for rack, m in racks[MAX_LIST:]:
        counted += m * (plan.get(rack, "it_power") or 0.0)
    if len(racks) > MAX_LIST:
        rows.append(_esc(f"\u2026 and {len(racks) - MAX_LIST} more rack types"))
    other = b.it - counted
    if other > 1e-6 * max(b.it, 1.0):
        rows.append(_esc(f"other IT (network, gear outside racks) {_q(other, 'W')}", 0))
    shelves = [r for r, _ in racks if plan.parts(r, "power_shelf")]
    if shelves:
        rows.append(_esc("rack power-shelf losses are inside the IT figure", 0))
    avg = _own(plan, b.inst, "it_power_avg", b.direct)
    head = _b(f"{_q(b.it, 'W')} IT peak" + (" each" if b.count != 1 else ""))
    if avg is not None:
        rows.insert(0, _esc(f"{_q(avg, 'W')} average", 0))
    return _card(head, rows, caption=_esc("IT LOAD (RACKS)", 0), group="compute")


# ============================================================================================ cooling
def _cooling(plan: _Plan) -> str:
    roots = [r for r in plan.roots() if plan.kind(r) in ("site", "hall", "row", "rack")]
    title, sub = _root_title(plan, plan.roots(), "cooling")
    if len(roots) == 1:
        r = roots[0]
        figures = [f"{_q(plan.get(r, 'it_power'), 'W')} IT heat",
                   f"{_q(plan.get(r, 'heat_liquid'), 'W')} to liquid",
                   f"{_q(plan.get(r, 'heat_air'), 'W')} to air"]
        cp = plan.get(r, "cooling_power")
        if cp is not None:
            figures.append(f"cooling power {_q(cp, 'W')} peak")
        sub = [" \u00b7 ".join(figures)] + sub
    g = _digraph("cooling", title, sub, "LR")
    if not roots:
        _note(g, plan, "cooling", "No heat to draw", ["the spec places no site, hall, row or rack"])
    for root in roots:
        if plan.kind(root) in ("site", "hall"):
            _cooling_root(g, plan, root)
        else:
            _cooling_racks(g, plan, root, plan.count(root) or 0.0, plan.ids("rackheat", root.path))
    return g.source


def _cooling_racks(g, plan: _Plan, inst: Instance, count: float, node: str, direct: bool = False) -> None:
    """One node with the IT heat of `inst` (per item; `direct`: a site's IT outside its halls), split
    liquid / air, with the racks it comes from."""
    it = _own(plan, inst, "it_power", direct)
    liquid = _own(plan, inst, "heat_liquid", direct)
    air = _own(plan, inst, "heat_air", direct)
    skip = ("hall",) if direct else ()
    racks = [(inst, 1.0)] if plan.kind(inst) == "rack" else plan.racks_under(inst, skip)
    rows = []
    for rack, m in racks[:MAX_LIST]:
        cooling = plan.inherited_text(rack, "cooling", "air")
        rows.append(_esc(f"{_count_text(m)} \u00d7 {plan.definition(rack)} \u00b7 "
                         f"{_q(plan.get(rack, 'it_power'), 'W')} each \u00b7 {cooling}", 110))
    if len(racks) > MAX_LIST:
        rows.append(_esc(f"\u2026 and {len(racks) - MAX_LIST} more rack types"))
    in_racks = sum(m * (plan.get(r, "it_power") or 0.0) for r, m in racks)
    if it and it - in_racks > 1e-6 * it:
        rows.append(_esc(f"{_q(it - in_racks, 'W')} outside racks (network, gear)", 0))
    if liquid is not None and air is not None and it:
        if liquid <= 0:
            rows.append(_esc("all of it to air", 0))
        elif air <= 0:
            rows.append(_esc("all of it to liquid", 0))
        else:
            rows.append(_esc(f"{_pct(liquid / it)} to liquid \u00b7 {_pct(air / it)} to air", 0))
    each = " each" if count != 1 else ""
    g.node(node, _card(_b(f"{_q(it, 'W')} heat{each}"), rows, caption=_esc("IT HEAT", 0), group="compute"))


def _temp(plan: _Plan, inst: Instance, name: str, default: float) -> float:
    v = plan.inherited(inst, name)
    return plan.assumption(name, default) if v is None else v


def _needs_compressors(plan: _Plan, inst: Instance, t_supply: float, tower: bool) -> bool:
    """Whether a loop supplied at `t_supply` needs chillers at the design ambient (as the facility model
    decides it: free cooling when the outdoor reference is `economizer_approach` below the supply)."""
    from ..models import assumptions as A

    outdoor = _temp(plan, inst, "ambient_temp", A.ambient_temp.value)
    if tower:
        wet = plan.inherited(inst, "wet_bulb_temp")
        outdoor = wet if wet is not None else outdoor - plan.assumption("wet_bulb_depression", 8.0)
    return outdoor > t_supply - plan.assumption("economizer_approach", A.economizer_approach.value)


def _cooling_root(g, plan: _Plan, root: Instance) -> None:
    from ..models import assumptions as A

    mode = plan.inherited_text(root, "heat_rejection", "chiller")
    halls = plan.parts(root, "hall") if plan.kind(root) == "site" else []
    branches = [(h, plan.count(h) or 0.0, False) for h in halls]
    hall_it = sum(c * (plan.get(h, "it_power") or 0.0) for h, c, _ in branches)
    if not halls or (plan.get(root, "it_power") or 0.0) - hall_it > 1e-6 * max(hall_it, 1.0):
        branches.append((root, 1.0, plan.kind(root) == "site"))      # a hall root is its own branch

    chillers = plan.get(root, "chillers") or 0.0
    dry = plan.get(root, "dry_coolers") or 0.0
    plant_gear = lambda kind: plan.find(root, (kind,), stop=("hall", "row", "rack", "server"))  # noqa: E731
    towers = plant_gear("cooling_tower")
    cooling = plan.get(root, "cooling_power") or 0.0
    rejected = (plan.get(root, "it_power") or 0.0) + cooling
    ambient = _temp(plan, root, "ambient_temp", A.ambient_temp.value)
    outdoor = plan.ids("outdoor", root.path)
    rejection = None
    # no cluster around the plant: the loops' edges would cross its title
    c = g
    chiller_node = plan.ids("chillers", root.path)
    gear = plant_gear("chiller")
    rows = []
    if gear:
        cap = plan.get(gear[0][0], "capacity")
        rows.append(_esc(f"{plan.definition(gear[0][0])}" + (f" \u00b7 {_q(cap, 'W')} each" if cap else ""), 0))
    else:
        rows.append(_esc(f"{_q(plan.assumption('chiller_capacity', A.chiller_capacity.value), 'W')} each "
                         "(model default)", 0))
    rows.append(_esc("sized for the design ambient, with spares", 0) if chillers
                else _esc("no compressor load at the design ambient", 0))
    rows.append(_b(f"plant power {_q(cooling, 'W')} peak \u00b7 "
                   f"{_q(plan.get(root, 'cooling_power_avg'), 'W')} average"))
    rows.append(_esc("(pumps, fans, compressors)", 0))
    c.node(chiller_node, _card(_b(f"Chillers \u00d7 {_count_text(chillers)}"), rows,
                               caption=_esc(f"PLANT OF {plan.kind(root).upper()} {root.block.name} \u00b7 "
                                            "MECHANICAL COOLING", 0), group="plant"))
    if mode == "dry_cooler" or dry:
        rejection = plan.ids("drycoolers", root.path)
        gear = plant_gear("dry_cooler")
        cap = plan.get(gear[0][0], "capacity") if gear else plan.assumption(
            "dry_cooler_capacity", A.dry_cooler_capacity.value)
        rows = [_esc((plan.definition(gear[0][0]) + " \u00b7 " if gear else "") + f"{_q(cap, 'W')} each", 0)]
        c.node(rejection, _card(_b(f"Dry coolers \u00d7 {_count_text(dry)}"), rows,
                                caption=_esc("HEAT REJECTION", 0), group="plant"))
    elif mode == "cooling_tower" or towers:
        rejection = plan.ids("towers", root.path)
        placed = [(t, m) for t, m in towers if t.count is not None]
        water = plan.get(root, "water_year")
        rows = [_esc(plan.definition(towers[0][0]), 0)] if towers else []
        if water is not None:
            rows.append(_esc(f"water {_q(water, 'm^3')} evaporated per year", 0))
        title = "Cooling towers" + (f" \u00d7 {_count_text(sum(m for _, m in placed))}" if placed else "")
        c.node(rejection, _card(_b(title), rows, caption=_esc("HEAT REJECTION", 0), group="plant"))
    if rejection:
        g.edge(chiller_node, rejection, label=_edge_label("condenser water"), color=PALETTE["plant"][0])
        g.edge(rejection, outdoor, color=PALETTE["plant"][0])
    else:
        g.edge(chiller_node, outdoor, color=PALETTE["plant"][0])
    g.node(outdoor, _card(_b(f"{_q(rejected, 'W')} rejected"),
                          [_esc(f"design ambient {_q(ambient, 'K_point')}", 0),
                           _esc("IT heat plus cooling power", 0)],
                          caption=_esc("OUTDOORS", 0), group="note"))
    tower = mode == "cooling_tower"
    for inst, count, direct in branches:
        _cooling_branch(g, plan, inst, count, direct, chiller_node, rejection or chiller_node, tower)


def _own(plan: _Plan, inst: Instance, name: str, direct: bool) -> float | None:
    """A site's figure for what it holds outside its halls (its total less the halls'); else the figure."""
    value = plan.get(inst, name)
    if value is None or not direct:
        return value
    for hall in plan.parts(inst, "hall"):
        value -= (plan.count(hall) or 0.0) * (plan.get(hall, name) or 0.0)
    return max(value, 0.0)


def _cooling_branch(g, plan: _Plan, inst: Instance, count: float, direct: bool, chillers: str, rejection: str,
                    tower: bool) -> None:
    from ..models import assumptions as A

    key = f"{inst.path}#direct" if direct else inst.path
    each = " each" if count != 1 else ""
    if direct:
        label = _cluster_label(_b("IT outside halls" if plan.parts(inst, "hall") else plan.part_name(inst)),
                               caption=_esc(plan.kind(inst).upper(), 0))
    else:
        label = _cluster_label(_b(plan.part_name(inst)) + _esc(_x(count)),
                               [_esc(f"cooling power {_q(plan.get(inst, 'cooling_power'), 'W')}{each}", 0)],
                               _esc("HALL", 0))
    liquid = _own(plan, inst, "heat_liquid", direct) or 0.0
    air = _own(plan, inst, "heat_air", direct) or 0.0
    flow = _own(plan, inst, "coolant_flow", direct)
    airflow = _own(plan, inst, "airflow", direct)
    t_liquid = _temp(plan, inst, "supply_temp", A.supply_temp.value)
    t_air = _temp(plan, inst, "air_supply_temp", A.air_supply_temp.value)
    t_chilled = t_air - plan.assumption("chilled_water_offset", 6.0)
    dt_liquid = _temp(plan, inst, "liquid_delta_t", A.liquid_delta_t.value)
    with _Cluster(g, plan.ids("hallheat", key), label, "hall") as c:
        racks = plan.ids("rackheat", key)
        _cooling_racks(c, plan, inst, count, racks, direct)
        for stream, heat in (("liquid", liquid), ("air", air)):
            if heat <= 0:
                continue
            liquid_side = stream == "liquid"
            node = plan.ids("cdus" if liquid_side else "crahs", key)
            n = _own(plan, inst, "cdus" if liquid_side else "crahs", direct)
            gear = plan.parts(inst, "cdu" if liquid_side else "crah")
            moved = flow if liquid_side else airflow
            rows = [_esc(f"{_q(heat, 'W')} {stream} heat{each}", 0)]
            if moved is not None:
                rows.append(_esc(f"coolant {_q(moved, 'm^3/s')} \u00b7 \u0394T {_sig(dt_liquid)} K" if liquid_side
                                 else f"airflow {_q(moved, 'm^3/s')}", 0))
            rows.append(_esc(f"supply {_q(t_liquid, 'K_point')}" if liquid_side
                             else f"cold aisle {_q(t_air, 'K_point')}", 0))
            if gear:
                cap = plan.get(gear[0], "capacity")
                rows.append(_esc(f"{plan.definition(gear[0])}" + (f" \u00b7 {_q(cap, 'W')} each" if cap else ""), 0))
                if gear[0].count is not None:          # placed by the spec: show those, check them
                    placed, needed = plan.count(gear[0]), n
                    text = _esc(f"the load needs {_count_text(needed)} with spares", 0)
                    short = needed is not None and placed is not None and placed < needed
                    rows.append(_font(text, None, ALERT) if short else text)
                    n = placed
            title = ("CDUs" if liquid_side else "CRAHs") + (f" \u00d7 {_count_text(n)}" if n is not None else "")
            color = PALETTE[stream][0]
            c.node(node, _card(_b(title), rows, caption=_esc("LIQUID LOOP" if liquid_side else "AIR LOOP", 0),
                               group=stream))
            c.edge(racks, node, label=_edge_label(_q(heat, "W"), _q(moved, "m^3/s") if moved is not None else ""),
                   color=color)
            t_loop = t_liquid if liquid_side else t_chilled
            needs = _needs_compressors(plan, inst, t_loop, tower)
            loop = ("facility water" if liquid_side else "chilled water") + f" {_q(t_loop, 'K_point')}"
            total = heat * count
            text = _q(total, "W") + (f" from {_count_text(count)} halls" if count != 1 else "")
            g.edge(node, chillers if needs else rejection,
                   label=_edge_label(loop, text, "" if needs else "free cooling"), color=color)


# ============================================================================================ network
_TIER_ORDER = ("core", "super_spine", "superspine", "spine", "aggregation", "agg", "leaf", "tor", "access")
_TIER_RE = re.compile(r"^(?:(?P<a>[a-z0-9_]+?)_switches|switches_(?P<b>[a-z0-9_]+))$")


def _tiers(plan: _Plan, net: Instance) -> list[tuple[str, str, float]]:
    """(tier, output name, switch count) for each per-tier count the network model gives
    (`leaf_switches`, `spine_switches`, `switches_tier1`, ...), top tier first."""
    prefix = net.path + "."
    found: dict[str, tuple[str, float]] = {}
    for path in plan.results.values:
        name = path[len(prefix):] if path.startswith(prefix) else ""
        m = _TIER_RE.match(name) if name and "." not in name else None
        v = plan.value(path) if m else None
        if m and v is not None:
            found[m.group("a") or m.group("b")] = (name, v)

    def rank(tier: str) -> tuple:
        digits = re.sub(r"\D", "", tier)
        if tier in _TIER_ORDER:
            return (0, _TIER_ORDER.index(tier), 0, tier)
        return (1, 0, -int(digits) if digits else 0, tier)       # tier3 above tier1
    return [(tier, found[tier][0], found[tier][1]) for tier in sorted(found, key=rank)]


def _network(plan: _Plan) -> str:
    roots = plan.roots()
    title, sub = _root_title(plan, roots, "network")
    g = _digraph("network", title, sub, "TB")
    g.attr("edge", dir="none")
    nets: list[tuple[Instance, float]] = []
    for r in roots:
        if plan.kind(r) == "network":
            nets.append((r, plan.count(r) or 0.0))
        nets += [(n, (plan.count(r) or 0.0) * m) for n, m in plan.find(r, ("network",))]
    if not nets:
        acc = sum((plan.count(r) or 0.0) * (plan.get(r, "accelerators") or 0.0) for r in roots)
        _note(g, plan, "nonet", "No scale-out network in this plan",
              [f"{_count_text(acc)} accelerators to connect",
               "add a `network` block (role, topology, tiers, link_speed, switch)",
               "to size its switches, optics and cables"])
    for net, m in nets:
        _network_cluster(g, plan, net, m)
    domains = _scaleup_domains(plan, roots)
    if domains:
        label = _cluster_label(_b("Scale-up domains and NICs"), [_esc("inside racks and servers", 0)],
                               _esc("NODE LEVEL", 0))
        with _Cluster(g, plan.ids("scaleup", "domains"), label, "network") as c:
            for ident, card in domains:
                c.node(ident, card)
    return g.source


def _network_cluster(g, plan: _Plan, net: Instance, multiplicity: float) -> None:
    role = plan.text(f"{net.path}.role") or ""
    topo = plan.text(f"{net.path}.topology") or ""
    n_tiers = plan.get(net, "tiers")
    link = plan.get(net, "link_speed")
    over = plan.get(net, "oversubscription")
    endpoints = plan.get(net, "endpoints")
    total = plan.get(net, "switches")
    power = plan.get(net, "power")
    tiers = _tiers(plan, net)
    used = {"tiers", "link_speed", "oversubscription", "oversubscription_spine", "endpoints", "switches",
            "power", "count"} | {name for _, name, _ in tiers}

    head = [x.replace("_", " ") for x in (role, topo) if x]
    if n_tiers:
        head.append(f"{_count_text(n_tiers)} tier" + ("s" if n_tiers != 1 else ""))
    figures = []
    if total is not None:
        figures.append(f"{_count_text(total)} switches")
    if power is not None:
        figures.append(f"{_q(power, 'W')}")
    rows = [_esc(" \u00b7 ".join(head), 0)] if head else []
    if figures:
        rows.append(_b(" \u00b7 ".join(figures) + (" each" if multiplicity != 1 else "")))
    details = _network_details(plan, net, used)
    for i in range(0, min(len(details), 15), 3):
        rows.append(_esc(" \u00b7 ".join(details[i:i + 3]), 0))
    if len(details) > 15:
        rows.append(_esc(f"\u2026 and {len(details) - 15} more figures (factory eval)", 0))
    label = _cluster_label(_b(plan.part_name(net)) + _esc(_x(multiplicity)), rows,
                           _esc(f"NETWORK in {net.parent.path}" if net.parent else "NETWORK", 0))

    if any(v > 0 for _, _, v in tiers):
        tiers = [t for t in tiers if t[2] > 0]          # a 2-tier fabric's switches_core = 0
    shown: list[tuple[str, float | None]] = [(t, v) for t, _, v in tiers]
    if not shown:                                       # no per-tier counts: draw the tiers the spec names
        k = int(n_tiers) if n_tiers and n_tiers == round(n_tiers) and 0 < n_tiers <= 6 else 0
        names = {1: ["leaf"], 2: ["spine", "leaf"], 3: ["core", "spine", "leaf"]}.get(
            k, [f"tier {i}" for i in range(k, 0, -1)])
        if len(names) == 1 and total is not None:
            shown = [(names[0], total)]
        elif names:
            shown = [(n, None) for n in names]
        elif total is not None:
            shown = [("switches", total)]
    with _Cluster(g, plan.ids("net", net.path), label, "network") as c:
        tier_nodes = []
        for tier, count in shown:
            node = plan.ids("tier", f"{net.path}.{tier}")
            switch_text = _switch_text(plan, net, tier)
            rows = [_esc(switch_text, 0)] if switch_text else []
            if count is None:
                rows.append(_font(_esc("count: not computed by the network model", 0), 9, FAINT))
            title = tier.replace("_", " ").capitalize() + (f" \u00d7 {_count_text(count)}" if count is not None else "")
            c.node(node, _card(_b(title), rows, caption=_esc("SWITCH TIER", 0), group="network"))
            tier_nodes.append(node)
        ep = plan.ids("endpoints", net.path)
        rows = [_esc(f"{_bits(link)} link each", 0)] if link is not None else []
        c.node(ep, _card(_b(f"{_count_text(endpoints)} endpoints" if endpoints is not None else "Endpoints"), rows,
                         caption=_esc("ACCELERATORS / NICS", 0), group="compute"))
        over_spine = plan.get(net, "oversubscription_spine")
        for i in range(len(tier_nodes) - 1):
            lines = [_bits(link) if link is not None else ""]
            tier_over = over if i == len(tier_nodes) - 2 else over_spine if i == len(tier_nodes) - 3 else None
            if tier_over is not None:
                lines.append(f"oversubscription {_ratio(tier_over)}" + (" (non-blocking)" if tier_over == 1 else ""))
            c.edge(tier_nodes[i], tier_nodes[i + 1], label=_edge_label(*lines), penwidth="1.8",
                   color=PALETTE["network"][0])
        if tier_nodes:
            c.edge(tier_nodes[-1], ep, label=_edge_label(_bits(link) if link is not None else ""),
                   penwidth="1.8", color=PALETTE["network"][0])


def _network_details(plan: _Plan, net: Instance, used: set[str]) -> list[str]:
    """Every other number the network model (or the spec) gives for this network, known ones first."""
    prefix = net.path + "."
    first = {name: i for i, name in enumerate(_NET_DETAILS)}
    paths = sorted((p for p in plan.results.values if p.startswith(prefix)),
                   key=lambda p: (first.get(p[len(prefix):], len(first)), p))
    details = []
    for path in paths:
        name = path[len(prefix):]
        if not name or "." in name or name in used:
            continue
        v = plan.value(path)
        if v is None:
            continue
        unit = plan.unit(path)
        shown = _bits(v) if unit == "B/s" else _q(v, unit) if unit and unit != "1" else _count_text(v)
        details.append(f"{_NET_NAMES.get(name, name.replace('_', ' '))} {shown}")
    return details


_NET_NAMES = {"cables_copper": "copper cables", "cables_active": "active cables", "cables_optical": "optical cables",
              "bisection_bw": "bisection", "alltoall_bw": "all-to-all per endpoint", "injection_bw": "injection",
              "max_endpoints": "max endpoints", "capex_optics": "optics capex"}


_NET_DETAILS = ("ports", "transceivers", "cables_copper", "cables_active", "cables_optical", "bisection_bw",
                "alltoall_bw", "injection_bw", "max_endpoints", "domains", "capex", "capex_optics")


def _switch_text(plan: _Plan, net: Instance, tier: str) -> str | None:
    """The switch model of a tier (`switch_spine`, `switch_core` when given, else `switch`) and its ports."""
    ref = None
    for name in (f"switch_{tier}", "switch"):
        value = plan.results.values.get(f"{net.path}.{name}")
        if isinstance(value, Instance):
            ref = value
            break
    if ref is None:
        return None
    ports, speed = plan.get(ref, "ports"), plan.get(ref, "port_speed")
    return ref.block.name + (f" \u00b7 {_count_text(ports)} \u00d7 {_bits(speed)}" if ports and speed else "")


def _bits(value: float | None) -> str:
    """A data rate in bits per second, as link speeds are quoted, from SI bytes per second."""
    if value is None:
        return "n/a"
    bits = value * 8
    for unit, f in (("Pb/s", 1e15), ("Tb/s", 1e12), ("Gb/s", 1e9), ("Mb/s", 1e6)):
        if abs(bits) >= f * 0.9995:
            return f"{_sig(bits / f)} {unit}"
    return f"{_sig(bits)} b/s"


def _scaleup_domains(plan: _Plan, roots: list[Instance]) -> list[tuple[str, str]]:
    """Racks with switches inside (NVLink switch trays) and the NICs of servers: one card per definition."""
    racks: list[tuple[Instance, float]] = []
    servers: list[tuple[Instance, float]] = []
    for r in roots:
        c = plan.count(r) or 0.0
        (racks if plan.kind(r) == "rack" else servers if plan.kind(r) == "server" else []).append((r, c))
        racks += [(x, c * m) for x, m in plan.find(r, ("rack",))]
        servers += [(x, c * m) for x, m in plan.find(r, ("server",), stop=())]
    out: list[tuple[str, str]] = []
    totals: dict[str, float] = {}
    first: dict[str, Instance] = {}
    for rack, m in racks:
        if plan.parts(rack, "switch"):
            key = plan.definition(rack)
            totals[key] = totals.get(key, 0.0) + m
            first.setdefault(key, rack)
    for key, rack in first.items():
        acc = plan.get(rack, "accelerators")
        rows = [_esc(f"{_count_text(acc)} accelerators per domain", 0)] if acc else []
        for sw in plan.parts(rack, "switch")[:4]:
            ports, speed = plan.get(sw, "ports"), plan.get(sw, "port_speed")
            extra = f" \u00b7 {_count_text(ports)} \u00d7 {_bits(speed)}" if ports and speed else ""
            rows.append(_esc(f"{_count_text(plan.count(sw))} \u00d7 {plan.definition(sw)}{extra}", 110))
        out.append((plan.ids("domain", rack.path),
                    _card(_b(key) + _esc(f" \u00d7 {_count_text(totals[key])}"), rows,
                          caption=_esc("SCALE-UP DOMAIN", 0), group="network")))
    totals, first = {}, {}
    for server, m in servers:
        if plan.parts(server, "nic", "dpu"):
            key = plan.definition(server)
            totals[key] = totals.get(key, 0.0) + m
            first.setdefault(key, server)
    for key, server in first.items():
        rows = []
        for nic in plan.parts(server, "nic", "dpu")[:4]:
            bw, ports = plan.get(nic, "bandwidth"), plan.get(nic, "ports") or 1
            per = plan.count(nic) or 0.0
            speed = "" if not bw else f" \u00b7 {_bits(bw)}" if ports == 1 else \
                f" \u00b7 {_count_text(ports)} \u00d7 {_bits(bw)}"
            rows.append(_esc(f"{_count_text(per)} \u00d7 {plan.definition(nic)}{speed} per server"
                             f" \u00b7 {_count_text(per * totals[key])} in all", 120))
        out.append((plan.ids("nics", server.path),
                    _card(_b(key) + _esc(f" \u00d7 {_count_text(totals[key])}"), rows,
                          caption=_esc("SERVERS AND THEIR NICS", 0), group="compute")))
    return out


# ============================================================================================ API
_BUILDERS = {"physical": _physical, "network": _network, "power": _power, "cooling": _cooling}


def diagram_dot(results, view: str, scenario: int = 0) -> str:
    """DOT text of one view of evaluated results (one scenario, 0-based). Deterministic."""
    if view not in _BUILDERS:
        raise ValueError(f"unknown view {view!r}; choose one of: {', '.join(VIEWS)}")
    n = max(int(results.scenario_count), 1)
    if not 0 <= scenario < n:
        raise ValueError(f"scenario {scenario} is out of range: the plan has {n} scenario(s)")
    return _BUILDERS[view](_Plan(results, scenario))


class GraphvizMissing(RuntimeError):
    """Graphviz's `dot` program is not installed (or not on PATH)."""


def render_diagram(dot_text: str, fmt: str) -> bytes:
    """SVG or PNG bytes of DOT text, made by Graphviz's `dot` program.

    Raises GraphvizMissing when `dot` is not installed, RuntimeError when Graphviz rejects the input."""
    import graphviz

    if fmt not in ("svg", "png"):
        raise ValueError(f"cannot render {fmt!r}; choose svg or png")
    data = dot_text
    if fmt == "png":            # sharper text than the 96 dpi default; SVG is resolution-free
        data = re.sub(r"\{", "{\n\tdpi=144", dot_text, count=1)
    try:
        return graphviz.pipe("dot", fmt, data.encode("utf-8"), quiet=True)
    except graphviz.ExecutableNotFound as exc:
        raise GraphvizMissing(str(exc)) from None
    except graphviz.CalledProcessError as exc:
        detail = (exc.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError("Graphviz failed: " + (detail[0] if detail else str(exc))) from None


def write_diagram(dot_text: str, path: str, fmt: str) -> str | None:
    """Write `dot_text` to `path` as svg, png or dot. Returns None on success, else an error message.

    When Graphviz's `dot` program is missing, the DOT text is written beside `path` with a `.dot` suffix
    and the message says so and how to install Graphviz."""
    if fmt not in FORMATS:
        return f"unknown diagram format {fmt!r}; choose one of: {', '.join(FORMATS)}"
    try:
        if fmt == "dot":
            _write_bytes(path, dot_text.encode("utf-8"))
            return None
        try:
            rendered = render_diagram(dot_text, fmt)
        except GraphvizMissing:
            fallback = os.path.splitext(path)[0] + ".dot"
            _write_bytes(fallback, dot_text.encode("utf-8"))
            return (f"Graphviz's `dot` program was not found, so {path} was not made; the DOT text is in "
                    f"{fallback}. {INSTALL_HINT[0].upper()}{INSTALL_HINT[1:]}, then run again "
                    f"(or `dot -T{fmt} {fallback} -o {path}`)")
        except RuntimeError as exc:
            return f"cannot render {path}: {exc}"
        _write_bytes(path, rendered)
        return None
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"


def _write_bytes(path: str, data: bytes) -> None:
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)
