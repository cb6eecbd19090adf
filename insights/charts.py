"""Inline SVG charts drawn on the server (as participants.chart): bars and lines.

Pure functions of their arguments; every text is escaped, so the markup can be
marked safe. A bar whose value is SUPPRESSED (a group of fewer than five, or a
part that would give one back) is drawn as an outline with `hidden_text`; a value
of None (nothing to measure, such as the median of no claims) as a dash.
"""

from collections.abc import Callable, Sequence
from html import escape

WIDTH = 560
LABEL_W, VALUE_W, ROW_H, TOP = 190, 90, 30, 8
LINE_H, LINE_LEFT, LINE_BOTTOM = 260, 48, 40
COLOURS = ("#1b7a4a", "#2f6db3", "#c0692b", "#7d4fa8", "#7a7a7a")
SUPPRESSED = "suppressed"


def _number(value: float) -> str:
    text = f"{value:,.1f}" if value % 1 else f"{int(value):,}"
    return text.replace(",", " ")


def _open(chart_id: str, title: str, height: float) -> list[str]:
    cid = escape(chart_id)
    return [
        f'<svg class="insights-chart" id="{cid}" role="img" viewBox="0 0 {WIDTH} '
        f'{height:.0f}" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{cid}-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{cid}-title">{escape(title)}</title>',
    ]


def bars_svg(
    items: Sequence[tuple[str, float | str | None]],
    *,
    title: str,
    chart_id: str,
    hidden_text: str,
    empty_text: str,
    format_value: Callable[[float], str] = _number,
) -> str:
    """Horizontal bars, one row per (label, value), in the given order."""
    height = TOP * 2 + ROW_H * max(len(items), 1)
    out = _open(chart_id, title, height)
    highest = max((v for _label, v in items if v and v != SUPPRESSED), default=0)
    if not highest:
        out.append(f'<text class="empty" x="{WIDTH / 2}" y="{height / 2 + 5:.0f}" '
                   f'text-anchor="middle">{escape(empty_text)}</text>')  # fmt: skip
    plot = WIDTH - LABEL_W - VALUE_W
    for i, (label, value) in enumerate(items):
        y = TOP + i * ROW_H
        out.append(f'<text class="label" x="{LABEL_W - 8}" y="{y + 20}" '
                   f'text-anchor="end">{escape(label)}</text>')  # fmt: skip
        if value is None:
            out.append(f'<text class="value" x="{LABEL_W + 6}" y="{y + 20}">–</text>')
            continue
        if value == SUPPRESSED:
            out.append(f'<rect class="hidden" x="{LABEL_W}" y="{y + 5}" width="{plot}" '
                       f'height="{ROW_H - 10}"/><text class="value" x="{LABEL_W + 6}" '
                       f'y="{y + 20}">{escape(hidden_text)}</text>')  # fmt: skip
            continue
        width = plot * value / highest if highest else 0
        out.append(f'<rect class="bar" x="{LABEL_W}" y="{y + 5}" width="{width:.1f}" '
                   f'height="{ROW_H - 10}"><title>{escape(label)}: '
                   f"{escape(format_value(value))}</title></rect>"
                   f'<text class="value" x="{LABEL_W + width + 6:.1f}" y="{y + 20}">'
                   f"{escape(format_value(value))}</text>")  # fmt: skip
    out.append("</svg>")
    return "".join(out)


def lines_svg(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str,
    chart_id: str,
    empty_text: str,
) -> str:
    """One line per series over the x labels; gaps where a value is None."""
    out = _open(chart_id, title, LINE_H + 8 + 18 * ((len(series) + 1) // 2))
    plot_w, plot_h = WIDTH - LINE_LEFT - 10, LINE_H - TOP - LINE_BOTTOM
    highest = max((v for values in series.values() for v in values if v), default=0)
    base = TOP + plot_h
    out.append(
        f'<line class="axis" x1="{LINE_LEFT}" y1="{base}" x2="{WIDTH - 10}" y2="{base}"/>'
    )
    if not highest:
        out.append(f'<text class="empty" x="{WIDTH / 2}" y="{base / 2:.0f}" '
                   f'text-anchor="middle">{escape(empty_text)}</text></svg>')  # fmt: skip
        return "".join(out)
    for i in range(5):
        value = highest * i / 4
        y = base - plot_h * i / 4
        out.append(f'<line class="grid" x1="{LINE_LEFT}" y1="{y:.1f}" x2="{WIDTH - 10}" '
                   f'y2="{y:.1f}"/><text class="tick" x="{LINE_LEFT - 4}" y="{y + 4:.1f}" '
                   f'text-anchor="end">{_number(round(value))}</text>')  # fmt: skip
    step = plot_w / max(len(x_labels) - 1, 1)
    every = max(len(x_labels) // 6, 1)
    for i, label in enumerate(x_labels):
        if i % every == 0:
            out.append(f'<text class="tick" x="{LINE_LEFT + i * step:.1f}" y="{base + 18}" '
                       f'text-anchor="middle">{escape(label)}</text>')  # fmt: skip
    for n, (name, values) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        # A hidden or missing value breaks the line instead of bridging the gap.
        runs: list[list[str]] = [[]]
        for i, v in enumerate(values):
            if v is None:
                runs.append([])
                continue
            runs[-1].append(
                f"{LINE_LEFT + i * step:.1f},{base - plot_h * v / highest:.1f}"
            )
        for run in (r for r in runs if r):
            out.append(f'<polyline class="line" fill="none" stroke="{colour}" stroke-width="2" '
                       f'points="{" ".join(run)}"><title>{escape(name)}</title></polyline>')  # fmt: skip
        x, y = LINE_LEFT + (n % 2) * 250, LINE_H + 4 + (n // 2) * 18
        out.append(f'<rect x="{x}" y="{y}" width="12" height="12" fill="{colour}"/>'
                   f'<text class="legend" x="{x + 16}" y="{y + 11}">{escape(name)}</text>')  # fmt: skip
    out.append("</svg>")
    return "".join(out)
