"""Report charts drawn as inline SVG: horizontal bars for breakdowns and small line charts for sweeps.
Every piece of text is escaped; no scripts, no external references.

Pipeline position: render; imports `compiler.render.report_format`; no model.
"""
from __future__ import annotations

import math
from html import escape as _xml

from markupsafe import Markup

from .report_format import _sig

# colours of the charts (kept in step with the CSS of report.html.j2)
INK, MUTED, GRID = "#1f2937", "#6b7280", "#e5e7eb"
FLAG = "#92400e"            # the mark of a flagged figure (amber, as the report's)
PALETTE = ("#1e3a5f", "#2f6b8f", "#4f97b0", "#8fbfcc", "#c7a25a", "#9b6b43", "#b0b7c3", "#6b7280")
# ---------------------------------------------------------------------------------------------- charts (SVG)
def _svg_open(width: float, height: float, label: str, css: str = "chart") -> str:
    return (f'<svg class="{css}" viewBox="0 0 {width:g} {height:g}" role="img" aria-label="{_xml(label)}" '
            f'preserveAspectRatio="xMinYMin meet"><title>{_xml(label)}</title>')


def bar_chart(rows: list[tuple[str, float, str]], title: str, colours: tuple[str, ...] = PALETTE) -> Markup:
    """Horizontal bars: (label, value, value text) per row, largest first as given; negatives drawn as 0."""
    width, label_w, value_w, row_h, bar_h, top = 600.0, 200.0, 92.0, 32.0, 18.0, 6.0
    height = top * 2 + row_h * max(len(rows), 1)
    peak = max([v for _, v, _ in rows if v > 0], default=0.0)
    span = width - label_w - value_w
    out = [_svg_open(width, height, title)]
    out.append(f'<line x1="{label_w:g}" y1="{top:g}" x2="{label_w:g}" y2="{height - top:g}" stroke="{GRID}"/>')
    for i, (label, value, text) in enumerate(rows):
        y = top + i * row_h
        w = span * max(value, 0.0) / peak if peak > 0 else 0.0
        colour = colours[i % len(colours)]
        short = label if len(label) <= 28 else label[:27] + "…"
        out.append(f'<text x="{label_w - 10:g}" y="{y + row_h / 2 + 4:.1f}" text-anchor="end" font-size="13" '
                   f'fill="{INK}">{_xml(short)}</text>')
        out.append(f'<rect x="{label_w:g}" y="{y + (row_h - bar_h) / 2:.1f}" width="{w:.1f}" height="{bar_h:g}" '
                   f'rx="2" fill="{colour}"><title>{_xml(label)}: {_xml(text)}</title></rect>')
        out.append(f'<text x="{label_w + w + 8:.1f}" y="{y + row_h / 2 + 4:.1f}" font-size="13" '
                   f'fill="{MUTED}" class="num">{_xml(text)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    if not (math.isfinite(low) and math.isfinite(high)):
        return [0.0]
    if high == low:
        pad = abs(high) * 0.1 or 1.0
        low, high = low - pad, high + pad
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.floor(low / step) * step
    ticks = []
    t = start
    while t <= high + step * 0.5 and len(ticks) < 12:
        ticks.append(round(t, 12))
        t += step
    return ticks


def _tick_labels(ticks: list[float], fmt_one) -> list[str]:
    labels = [fmt_one(t) for t in ticks]
    if len(set(labels)) < len(labels):                   # too few digits for this range: show more
        labels = [_sig(t, 5) for t in ticks]
    return labels


def line_chart(xs: list[float], ys: list[float], title: str, x_label: str, x_fmt, y_fmt, flag: str = "") -> Markup:
    """A small line chart of one KPI over a swept parameter (values already in display scale); `flag`, the
    reason a warning marks the figure (as its table cells), is printed under the title."""
    width, height = 340.0, 210.0 + (14.0 if flag else 0.0)
    left, right, top, bottom = 64.0, 14.0, 30.0 + (14.0 if flag else 0.0), 42.0
    pts = [(x, y) for x, y in zip(xs, ys) if math.isfinite(x) and math.isfinite(y)]
    label = f"{title} against {x_label}" + (f" (⚠ {flag})" if flag else "")
    out = [_svg_open(width, height, label, "chart line")]
    out.append(f'<text x="{left:g}" y="16" font-size="13" font-weight="600" fill="{INK}">{_xml(title)}</text>')
    if flag:
        out.append(f'<text x="{left:g}" y="31" font-size="10.5" fill="{FLAG}">⚠ {_xml(flag)}</text>')
    if len(pts) < 2:
        out.append(f'<text x="{left:g}" y="{height / 2:g}" font-size="12" fill="{MUTED}">not enough points</text>')
        out.append("</svg>")
        return Markup("".join(out))
    x0, x1 = min(p[0] for p in pts), max(p[0] for p in pts)
    ticks = _nice_ticks(min(p[1] for p in pts), max(p[1] for p in pts))
    y0, y1 = ticks[0], ticks[-1]
    if x1 == x0:
        x1 = x0 + 1.0
    if y1 == y0:
        y1 = y0 + 1.0
    pw, ph = width - left - right, height - top - bottom

    def sx(x):
        return left + pw * (x - x0) / (x1 - x0)

    def sy(y):
        return top + ph * (1 - (y - y0) / (y1 - y0))

    for t, label in zip(ticks, _tick_labels(ticks, y_fmt)):
        out.append(f'<line x1="{left:g}" x2="{width - right:g}" y1="{sy(t):.1f}" y2="{sy(t):.1f}" '
                   f'stroke="{GRID}"/>')
        out.append(f'<text x="{left - 6:g}" y="{sy(t) + 4:.1f}" text-anchor="end" font-size="10.5" '
                   f'fill="{MUTED}">{_xml(label)}</text>')
    xticks = [t for t in _nice_ticks(x0, x1) if x0 - 1e-9 * abs(x1 - x0) <= t <= x1 + 1e-9 * abs(x1 - x0)]
    if len(xticks) < 2:
        xticks = [x0, x1]
    for t, label in zip(xticks, _tick_labels(xticks, x_fmt)):
        out.append(f'<text x="{sx(t):.1f}" y="{height - bottom + 16:g}" text-anchor="middle" font-size="10.5" '
                   f'fill="{MUTED}">{_xml(label)}</text>')
    out.append(f'<text x="{left + pw / 2:.1f}" y="{height - 6:g}" text-anchor="middle" font-size="11" '
               f'fill="{MUTED}">{_xml(x_label)}</text>')
    d = " ".join(f"{'M' if i == 0 else 'L'}{sx(x):.1f},{sy(y):.1f}" for i, (x, y) in enumerate(pts))
    out.append(f'<path d="{d}" fill="none" stroke="{PALETTE[0]}" stroke-width="2"/>')
    if len(pts) <= 40:
        for x, y in pts:
            out.append(f'<circle cx="{sx(x):.1f}" cy="{sy(y):.1f}" r="2.6" fill="{PALETTE[0]}">'
                       f'<title>{_xml(x_fmt(x))}: {_xml(y_fmt(y))}</title></circle>')
    out.append("</svg>")
    return Markup("".join(out))
