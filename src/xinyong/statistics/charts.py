"""Charts as server-side SVG (no script: the CSP allows none inline, and a chart needs none).

Pure: numbers in, SVG text out. Every text is escaped; colours come from classes in site.css, so no
``style`` attribute is needed either.
"""

from __future__ import annotations

from html import escape

W, H, LEFT, BOTTOM, TOP = 640, 260, 56, 40, 16


def _nice_max(v: float) -> float:
    if v <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000,
                 500000, 1000000, 2000000, 5000000):
        if v <= step:
            return step
    return v


def bars(points: list[tuple[str, float]], *, title: str, y_label: str, unit: str = "",
         max_value: float | None = None) -> str:
    """A bar chart of labelled values (months, regions), with its axis labels."""
    n = max(len(points), 1)
    top = max_value if max_value is not None else _nice_max(max((v for _l, v in points), default=0))
    plot_w, plot_h = W - LEFT - 8, H - TOP - BOTTOM
    bw = plot_w / n
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {H}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i in range(5):
        y = TOP + plot_h * i / 4
        v = top * (4 - i) / 4
        parts.append(f'<line class="grid" x1="{LEFT}" y1="{y:.1f}" x2="{W - 8}" y2="{y:.1f}"/>')
        parts.append(f'<text class="tick" x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end">{_num(v)}</text>')
    parts.append(f'<text class="axis" x="12" y="{TOP + plot_h / 2:.0f}" transform="rotate(-90 12 {TOP + plot_h / 2:.0f})" '
                 f'text-anchor="middle">{escape(y_label)}</text>')
    every = max(1, n // 12)
    for i, (label, v) in enumerate(points):
        h = plot_h * (v / top) if top else 0
        x = LEFT + i * bw + bw * 0.15
        y = TOP + plot_h - h
        parts.append(f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{bw * 0.7:.1f}" height="{h:.1f}">'
                     f'<title>{escape(label)}：{_num(v)}{escape(unit)}</title></rect>')
        if i % every == 0:
            parts.append(f'<text class="tick" x="{x + bw * 0.35:.1f}" y="{H - BOTTOM + 18}" text-anchor="middle">'
                         f'{escape(label)}</text>')
    parts.append(f'<line class="axisline" x1="{LEFT}" y1="{TOP + plot_h}" x2="{W - 8}" y2="{TOP + plot_h}"/>')
    parts.append("</svg>")
    return "".join(parts)


def rate_bars(rows: list[tuple[str, float | None]], *, title: str) -> str:
    """Horizontal bars of rates (per cent) against 100 %; a rate with nothing to count shows “无数据”."""
    row_h, label_w = 28, 220
    height = TOP + row_h * max(len(rows), 1) + 24
    plot_w = W - label_w - 60
    parts = [f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {height}" role="img" '
             f'aria-label="{escape(title)}"><title>{escape(title)}</title>']
    for i, (label, v) in enumerate(rows):
        y = TOP + i * row_h
        parts.append(f'<text class="label" x="{label_w - 6}" y="{y + 17}" text-anchor="end">{escape(label)}</text>')
        parts.append(f'<rect class="track" x="{label_w}" y="{y + 4}" width="{plot_w}" height="18"/>')
        if v is None:
            parts.append(f'<text class="tick" x="{label_w + 6}" y="{y + 17}">无数据</text>')
            continue
        cls = "bar good" if v >= 90 else "bar warn" if v >= 60 else "bar bad"
        parts.append(f'<rect class="{cls}" x="{label_w}" y="{y + 4}" width="{plot_w * v / 100:.1f}" height="18">'
                     f'<title>{escape(label)}：{v}%</title></rect>')
        parts.append(f'<text class="value" x="{label_w + plot_w + 6}" y="{y + 17}">{v}%</text>')
    axis_y = TOP + row_h * max(len(rows), 1) + 14
    for pct in (0, 50, 100):
        x = label_w + plot_w * pct / 100
        parts.append(f'<text class="tick" x="{x:.1f}" y="{axis_y}" text-anchor="middle">{pct}%</text>')
    parts.append("</svg>")
    return "".join(parts)


def _num(v: float) -> str:
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.1f}"
