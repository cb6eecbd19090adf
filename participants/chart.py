"""The balance-over-time chart: inline SVG drawn on the server, no JS, no CDN."""

from collections.abc import Callable, Sequence
from html import escape

from django.utils.translation import pgettext

from .money import rupiah

# A narrow viewBox keeps the text large once the SVG is scaled to a phone's width.
WIDTH, HEIGHT = 420, 270
LEFT, RIGHT, TOP, BOTTOM = 100, 8, 14, 48
MAX_X_LABELS = 6


def compact_rupiah(amount: int) -> str:
    """Short axis label: 'Rp 150 jt' style, with the unit word translated."""
    units = (
        (10**12, pgettext("rupiah unit: trillion", "tn")),
        (10**9, pgettext("rupiah unit: billion", "bn")),
        (10**6, pgettext("rupiah unit: million", "m")),
    )
    for size, unit in units:
        if abs(amount) >= size:
            value = amount / size
            text = f"{value:.2f}".rstrip("0").rstrip(".")
            return f"Rp {text.replace('.', ',')} {unit}"
    return rupiah(amount)


def _nice_step(value: int, ticks: int = 4) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving about `ticks` steps."""
    rough = max(value, 1) / ticks
    power = 1
    while power * 10 <= rough:
        power *= 10
    for step in (1, 2, 5, 10):
        if step * power >= rough:
            return step * power
    return 10 * power


def balance_chart_svg(
    points: Sequence[tuple[int, int]],
    *,
    title: str,
    desc: str,
    empty_text: str = "",
    x_label: str = "",
    y_label: str = "",
    format_tick: Callable[[int], str] = compact_rupiah,
    format_value: Callable[[int], str] = rupiah,
    chart_id: str = "balance-chart",
) -> str:
    """An accessible column chart of (year, closing balance) points, as SVG markup.

    A pure function of its arguments: every text is escaped, so the result can be
    marked safe. No points gives a frame with `empty_text` instead of columns.
    """
    points = sorted(points)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    out = [
        f'<svg class="balance-chart" id="{escape(chart_id)}" role="img" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="xMidYMid meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]
    highest = max((v for _y, v in points), default=0)
    step = _nice_step(highest)
    steps = max(-(-highest // step), 1)
    top_value = step * steps
    for i in range(steps + 1):
        value = step * i
        y = TOP + plot_h - plot_h * i / steps
        out.append(
            f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y:.1f}"/>'
            f'<text class="y-tick" x="{LEFT - 6}" y="{y + 5:.1f}" '
            f'text-anchor="end">{escape(format_tick(value))}</text>'
        )
    out.append(
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" '
        f'y2="{TOP + plot_h}"/>'
    )
    if not points:
        out.append(
            f'<text class="empty" x="{LEFT + plot_w / 2:.1f}" '
            f'y="{TOP + plot_h / 2:.1f}" text-anchor="middle">'
            f"{escape(empty_text)}</text>"
        )
    slot = plot_w / max(len(points), 1)
    every = -(-len(points) // MAX_X_LABELS) if points else 1
    for i, (year, value) in enumerate(points):
        bar_h = plot_h * max(value, 0) / top_value
        x = LEFT + i * slot + slot * 0.15
        out.append(
            f'<rect class="bar" x="{x:.1f}" y="{TOP + plot_h - bar_h:.1f}" '
            f'width="{slot * 0.7:.1f}" height="{bar_h:.1f}">'
            f"<title>{year}: {escape(format_value(value))}</title></rect>"
        )
        # Label every n-th year so the labels never overlap; always the latest.
        if (len(points) - 1 - i) % every == 0:
            out.append(
                f'<text class="x-tick" x="{x + slot * 0.35:.1f}" '
                f'y="{TOP + plot_h + 20}" text-anchor="middle">{year}</text>'
            )
    if x_label:
        out.append(
            f'<text class="axis-label" x="{LEFT + plot_w / 2:.1f}" '
            f'y="{HEIGHT - 4}" text-anchor="middle">{escape(x_label)}</text>'
        )
    if y_label:
        out.append(
            f'<text class="axis-label" x="14" y="{TOP + plot_h / 2:.1f}" '
            f'text-anchor="middle" transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">'
            f"{escape(y_label)}</text>"
        )
    out.append("</svg>")
    return "".join(out)
