"""Charts drawn on the server as SVG (no JavaScript library): the geometry is computed here, the markup is in
templates/dashboards/_chart.html. Each chart is followed by its data table on the page (its accessible
alternative); masked values (« moins de 5 ») are drawn as empty bars."""

from dashboards.masking import Masked

WIDTH = 600
BAR_HEIGHT = 18
BAR_GAP = 30
LABEL_HEIGHT = 16
LINE_HEIGHT = 220
MARGIN_LEFT = 48
MARGIN_BOTTOM = 28
MARGIN_TOP = 12


def _number(value):
    if isinstance(value, Masked) or value is None:
        return 0
    return float(value)


def _label(value):
    if isinstance(value, Masked):
        return str(value)
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def nice_max(value):
    """The smallest 1, 2, 5 × 10^n at least `value` (1 for an empty chart).

    >>> [nice_max(v) for v in (0, 3, 7, 12, 180, 1001)]
    [1, 5, 10, 20, 200, 2000]
    """
    if value <= 0:
        return 1
    magnitude = 1
    while magnitude * 10 < value:
        magnitude *= 10
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return step * magnitude
    return 10 * magnitude


def bar_chart(series):
    """Horizontal bars, the label above each bar and the value after it (fits 320 px wide screens)."""
    top = nice_max(max((_number(value) for _label_text, value in series.points), default=0))
    usable = WIDTH - 120
    bars = []
    y = 0
    for label, value in series.points:
        width = round(usable * _number(value) / top, 1)
        bars.append(
            {
                "label": str(label),
                "value": _label(value),
                "label_y": y + LABEL_HEIGHT - 3,
                "y": y + LABEL_HEIGHT,
                "width": max(width, 0),
                "value_x": max(width, 0) + 6,
                "value_y": y + LABEL_HEIGHT + BAR_HEIGHT - 4,
            }
        )
        y += LABEL_HEIGHT + BAR_GAP
    return {"kind": "bar", "width": WIDTH, "height": max(y, 40), "bars": bars, "bar_height": BAR_HEIGHT}


def line_chart(series):
    """A line over the months (or any ordered labels), a light grid with the top value, every point marked."""
    points = series.points
    top = nice_max(max((_number(value) for _l, value in points), default=0))
    plot_width = WIDTH - MARGIN_LEFT - 10
    plot_height = LINE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    count = len(points)
    step = plot_width / (count - 1) if count > 1 else 0
    coordinates = []
    for index, (label, value) in enumerate(points):
        x = round(MARGIN_LEFT + (index * step if count > 1 else plot_width / 2), 1)
        y = round(MARGIN_TOP + plot_height - plot_height * _number(value) / top, 1)
        coordinates.append({"x": x, "y": y, "label": str(label), "value": _label(value)})
    every = max(1, -(-count // 6))  # at most about 6 labels on the axis
    ticks = [dict(c) for index, c in enumerate(coordinates) if index % every == 0 or index == count - 1]
    for tick in ticks:
        tick["anchor"] = "middle"
    if ticks:
        ticks[0]["anchor"] = "start" if count > 1 else "middle"
        if count > 1:
            ticks[-1]["anchor"] = "end"
    return {
        "kind": "line",
        "width": WIDTH,
        "height": LINE_HEIGHT,
        "points": coordinates,
        "polyline": " ".join(f"{c['x']},{c['y']}" for c in coordinates),
        "ticks": ticks,
        "axis_y": MARGIN_TOP + plot_height,
        "top_label": _label(top),
        "top_y": MARGIN_TOP,
        "mid_label": _label(top / 2),
        "mid_y": MARGIN_TOP + plot_height / 2,
        "left": MARGIN_LEFT,
        "right": WIDTH - 10,
        "label_y": LINE_HEIGHT - 8,
    }


def chart(series):
    return line_chart(series) if series.chart == "line" else bar_chart(series)
