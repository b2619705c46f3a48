"""Diagram text fits its box: the law measured on the SVG of every example and every view, drawn by the
embedded Graphviz (`graphviz-pure`, the README's fallback) and by the system `dot` where there is one.

For each node and cluster of the SVG, each text run's ink (its characters measured with the font's advance
widths, leading and trailing blanks left out) must lie inside the box drawn for it (a node's: MARGIN
inside), and on one line a run's ink must end before the next run begins, keeping at least half the blank
that run starts with (the space in `data_hall × 4`). No edge label lies over a node or over another edge's
label, or has another edge's line run through it. The widths are those of the font the diagrams are read
in: Liberation Sans 2.1 (SIL OFL), metric-compatible with Arial and Helvetica and with Arimo, which the
embedded program draws its PNGs with (advance widths from the fonts' `hmtx` tables,
/usr/share/fonts/truetype/liberation2/LiberationSans-{Regular,Bold}.ttf, Debian fonts-liberation2 2.1, read
2026-12-05).

The defect it guards (session 11): the diagrams named their font `Helvetica,Arial,sans-serif`; the
embedded program has no metrics for that name and measured every run with Times' (its warning: "no
hard-coded metrics ... Falling back to 'Times' metrics"), about 5% narrow for bold text, so a bold name ran
into the next word (`data_hall× 4`, `Transformer_2500kVA× 188`).
"""
from __future__ import annotations

import itertools
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from compiler import graphviz_backend
from compiler.cli import run_pipeline
from compiler.render import diagram_base as DB
from compiler.render.diagram import VIEWS, diagram_dot

ROOT = Path(__file__).resolve().parents[1]
SPECS = (sorted((ROOT / "examples").glob("*.factory")) + sorted((ROOT / "examples" / "published").glob("*.factory"))
         + sorted((ROOT / "tests" / "cases" / "diagram").glob("*.factory")))

# advance widths (1/1000 em) of ' ' .. '~' (ASCII 32-126), then of the other characters the diagrams write
_ASCII = {
    False: "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 "
           "556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 722 778 667 778 "
           "722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 556 278 556 556 222 222 "
           "500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 260 334 584",
    True: "278 333 474 556 556 889 722 238 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 556 556 "
          "556 333 333 584 584 584 611 975 722 722 722 722 667 611 778 722 278 556 722 611 833 722 778 667 778 "
          "722 667 611 722 667 944 667 667 611 333 278 333 584 556 333 556 611 556 611 556 333 611 611 278 278 "
          "556 278 889 611 611 611 611 389 556 333 611 556 778 556 556 500 389 280 389 584",
}
_OTHER = {"\u00a0": (278, 278), "\u00b0": (400, 400), "\u00b2": (333, 333), "\u00b3": (333, 333),
          "\u00b7": (333, 333), "\u00d7": (584, 584), "\u0394": (668, 719), "\u03b7": (556, 611),
          "\u00b5": (556, 611), "\u2002": (500, 500), "\u2013": (556, 556), "\u2014": (1000, 1000),
          "\u2026": (1000, 1000), "\u2192": (1000, 1000), "\u2264": (549, 549), "\u2265": (549, 549),
          "\u25a0": (604, 604), "\u25aa": (354, 354), "\u25ab": (354, 354)}
WIDTHS = {bold: {chr(32 + i): int(w) for i, w in enumerate(row.split())} for bold, row in _ASCII.items()}
for _ch, (_regular, _bold) in _OTHER.items():
    WIDTHS[False][_ch], WIDTHS[True][_ch] = _regular, _bold
UNKNOWN = 1000           # a character not listed is taken one em wide (the widest any of these fonts draws)
BLANK = " \u00a0\u2002"
NS = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
TOLERANCE = 0.3          # points: Graphviz writes coordinates to 2 decimals (the system dot 2.43 to whole points)
MARGIN = 6               # points of room between a card's border and its text (border 1 + spacing 3 + padding 2):
                         # at 4 (padding 3, no spacing) the text stood against the rounded border


def text_width(text: str, bold: bool, size: float) -> float:
    table = WIDTHS[bold]
    return sum(table.get(ch, UNKNOWN) for ch in text) * size / 1000


def _box(group) -> tuple[float, float] | None:
    """(left, right) of the shapes a node or cluster draws (its polygons and its rounded border's path)."""
    xs: list[float] = []
    for el in group:
        if el.tag == NS + "polygon":
            xs += [float(v) for v in NUMBER.findall(el.get("points"))][0::2]
        elif el.tag == NS + "path":
            xs += [float(v) for v in NUMBER.findall(el.get("d"))][0::2]
    return (min(xs), max(xs)) if xs else None


def _runs(group) -> list[tuple[float, float, float, float, float, str]]:
    """(baseline y, start x, width of the leading blanks, ink left, ink right, text) of each text run."""
    return _runs_of(group.iter(NS + "text"))


def _runs_of(texts) -> list[tuple[float, float, float, float, float, str]]:
    out = []
    for t in texts:
        text = t.text or ""
        ink = text.strip(BLANK)
        if not ink:
            continue
        size, bold = float(t.get("font-size")), t.get("font-weight") == "bold"
        whole = text_width(text, bold, size)
        x, anchor = float(t.get("x")), t.get("text-anchor")
        start = x - whole / 2 if anchor == "middle" else x - whole if anchor == "end" else x
        lead = text_width(text[: len(text) - len(text.lstrip(BLANK))], bold, size)
        out.append((float(t.get("y")), start, lead, start + lead, start + lead + text_width(ink, bold, size), ink))
    return out


def _rect(group) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) of a node's shapes."""
    xs: list[float] = []
    ys: list[float] = []
    for el in group:
        values = ([float(v) for v in NUMBER.findall(el.get("points"))] if el.tag == NS + "polygon" else
                  [float(v) for v in NUMBER.findall(el.get("d"))] if el.tag == NS + "path" else [])
        xs += values[0::2]
        ys += values[1::2]
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _curve(d: str) -> list[tuple[float, float]]:
    """Points along an edge's path (`M x,y C x,y x,y x,y ...`, cubic Bezier pieces), 20 to a piece."""
    values = [float(v) for v in NUMBER.findall(d)]
    points = list(zip(values[0::2], values[1::2]))
    out = []
    for i in range(0, len(points) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[i:i + 4]
        for k in range(21):
            t = k / 20
            a, b, c, e = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t * t, t ** 3
            out.append((a * x0 + b * x1 + c * x2 + e * x3, a * y0 + b * y1 + c * y2 + e * y3))
    return out


def edge_label_problems(svg: bytes) -> list[str]:
    """Every edge label whose ink (ascent 0.75 em above the baseline, descent 0.2 em below) lies over a node's
    box or over another edge's label, or that another edge's line runs through."""
    nodes, labels, lines = [], [], []
    for group in ET.fromstring(svg).iter(NS + "g"):
        title = group.find(NS + "title")
        if group.get("class") == "node" and _rect(group):
            nodes.append((title.text, _rect(group)))
        elif group.get("class") == "edge":
            lines += [(title.text, _curve(path.get("d"))) for path in group.iter(NS + "path")]
            for t in group.iter(NS + "text"):
                size = float(t.get("font-size"))
                for y, _, _, left, right, ink in _runs_of([t]):
                    labels.append((title.text, (left, y - 0.75 * size, right, y + 0.2 * size), ink))
    problems = [f"edge {edge}: label {ink!r} over node {node}" for edge, box, ink in labels
                for node, rect in nodes if _overlap(box, rect)]
    problems += [f"edge {e1}: label {a!r} over the label {b!r} of edge {e2}"
                 for i, (e1, r1, a) in enumerate(labels) for e2, r2, b in labels[i + 1:] if e1 != e2 and _overlap(r1, r2)]
    problems += [f"edge {e1}: its line runs through the label {ink!r} of edge {e2}"
                 for e1, points in lines for e2, box, ink in labels
                 if e1 != e2 and any(box[0] < x < box[2] and box[1] < y < box[3] for x, y in points)]
    return problems


def text_fit_problems(svg: bytes) -> list[str]:
    """Every run whose ink leaves its node's or cluster's box, and every run that runs into the next one."""
    problems = []
    for group in ET.fromstring(svg).iter(NS + "g"):
        if group.get("class") not in ("node", "cluster", "edge"):
            continue
        title = group.find(NS + "title").text
        runs = _runs(group)
        box = _box(group) if group.get("class") != "edge" else None
        room = MARGIN if group.get("class") == "node" else 0
        for _, _, _, left, right, ink in runs:
            if box and (left < box[0] + room - TOLERANCE or right > box[1] - room + TOLERANCE):
                problems.append(f"{title}: {ink!r} ink {left:.1f}..{right:.1f} leaves its box {box[0]:.1f}..{box[1]:.1f}")
        lines: dict[float, list] = {}
        for y, *run in runs:
            lines.setdefault(y, []).append(run)
        for line in lines.values():
            line.sort()
            for (_, _, _, right, ink), (start, lead, _, _, after) in itertools.pairwise(line):
                if right > start + lead / 2 + TOLERANCE:
                    problems.append(f"{title}: {ink!r} runs {right - start:.1f} pt into {after!r}")
    return problems


def _programs() -> list[str]:
    return ["embedded"] + (["system"] if graphviz_backend.shutil.which("dot") else [])


@pytest.fixture(scope="module")
def dots() -> dict[str, dict[str, str]]:
    out = {}
    for spec in SPECS:
        results, sink = run_pipeline([str(spec)], {}, None, evaluate_all=True)
        assert results is not None, (spec, [d.message for d in sink.items])
        out[spec.stem] = {view: diagram_dot(results, view) for view in VIEWS}
    return out


needs_embedded = pytest.mark.skipif(graphviz_backend._embedded() is None, reason="graphviz-pure not installed")


@needs_embedded
@pytest.mark.parametrize("program", _programs())
def test_every_label_fits_its_box_and_overlaps_no_other(monkeypatch, dots, program) -> None:
    monkeypatch.setenv(graphviz_backend.ENV_VAR, program)
    failures = []
    for spec, views in dots.items():
        for view, dot in views.items():
            svg = graphviz_backend.render(dot, "svg")
            failures += [f"{spec} {view} ({program}): {p}" for p in text_fit_problems(svg) + edge_label_problems(svg)]
    assert not failures, "\n".join(failures[:20])


@needs_embedded
def test_the_embedded_program_measures_the_diagram_font() -> None:
    """The font the diagrams name is one the embedded program has metrics for (no fallback to Times)."""
    dot = f'digraph {{ node [fontname="{DB.FONT}"] a [label=<<B>data_hall</B>&#160;× 4>] }}'
    done = subprocess.run([graphviz_backend._embedded(), "-Tsvg"], input=dot.encode(), capture_output=True, check=True)
    assert b"metrics" not in done.stderr, done.stderr.decode()


def test_the_checker_sees_a_bold_name_run_into_the_next_word() -> None:
    """The law's own check, on the run positions the embedded program wrote before the fix (Times metrics):
    `data_hall` (bold, 13 pt) is 56.4 pt wide in Helvetica Bold, but the next run started 52.0 pt after it."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg"><g class="node"><title>n</title>'
           '<polygon points="0,0 200,0 200,-20 0,-20"/>'
           '<text text-anchor="start" x="10" y="-5" font-weight="bold" font-size="13.00">data_hall</text>'
           '<text text-anchor="start" x="62.01" y="-5" font-size="13.00">\u00a0× 4</text></g></svg>').encode()
    assert text_width("data_hall", True, 13) == pytest.approx(56.36, abs=0.01)   # (611+556+333+556+556+611+556+278+278) * 13 / 1000
    [problem] = text_fit_problems(svg)
    assert "'data_hall' runs 4.3 pt into '× 4'" in problem
    wide = svg.replace(b'x="62.01"', b'x="66.36"')                                  # after the fix: 10 + 56.36
    assert text_fit_problems(wide) == []


def test_the_checker_sees_an_edge_label_over_a_node() -> None:
    """'800 Gb/s' at 9 pt is (556*3 + 278 + 778 + 556 + 278 + 500) * 9 / 1000 = 36.5 pt wide: from x = 10 it
    reaches 46.5, over a node whose box starts at x = 40, and not over one that starts at x = 50."""
    def svg(node_left: int) -> bytes:
        return (f'<svg xmlns="http://www.w3.org/2000/svg"><g class="node"><title>n</title>'
                f'<polygon points="{node_left},0 100,0 100,-20 {node_left},-20"/></g>'
                '<g class="edge"><title>a-&gt;b</title><path d="M0,0C1,1 2,2 3,3"/>'
                '<text text-anchor="start" x="10" y="-5" font-size="9.00">800 Gb/s</text></g></svg>').encode()
    assert text_width("800 Gb/s", False, 9) == pytest.approx(36.52, abs=0.01)
    assert edge_label_problems(svg(40)) == ["edge a->b: label '800 Gb/s' over node n"]
    assert edge_label_problems(svg(50)) == []
