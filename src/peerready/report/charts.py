"""Chart geometry: every coordinate a report draws, worked out here so templates only place it.

The summary's domain chart is an inline SVG: one bar per domain on a 0–100 axis, the rubric's
bands as labelled zones with their cut-offs written under the axis, and, when a baseline was
given, a marker at each domain's earlier score. The heatmap's colours come from the band's
position, so any number of bands gets a ramp; colour is never the only signal (every cell and
bar carries its number and level in words).
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence
from dataclasses import dataclass

from ..rubric import Rubric

#: Layout of the domain chart, in SVG user units.
WIDTH = 520
LABEL_WIDTH = 150
SCALE = 3.2  # units per point: 0–100 spans 320 units
TOP = 36
ROW = 36
BAR = 18
BOTTOM = 26
LABEL_CHARS = 19  # a domain title wraps after about this many characters
BAND_CHARS_PER_UNIT = 1 / 7.5  # about 7.5 units per character at the band-label size


#: Colours and type of the chart (presentation attributes, so every renderer draws the same).
INK = "#1b1b1b"
BAR_FILL = "#1f4e79"
CUT_STROKE = "#555555"


@dataclass(frozen=True)
class Text:
    """A text element: position, anchor, size and weight, and its lines (one ``tspan`` each)."""

    x: float
    y: float
    lines: list[str]
    anchor: str = "start"
    size: int = 14
    weight: str = "normal"
    style: str = "normal"


@dataclass(frozen=True)
class Box:
    """A rectangle (a bar or a band's zone)."""

    x: float
    y: float
    width: float
    height: float
    fill: str


@dataclass(frozen=True)
class Rule:
    """A straight line (an axis or a band cut-off); ``dash`` empty for a solid line."""

    x1: float
    y1: float
    x2: float
    y2: float
    stroke: str
    dash: str = ""


@dataclass(frozen=True)
class Marker:
    """A point marker (the baseline score)."""

    x: float
    y: float


@dataclass(frozen=True)
class ChartRow:
    """One domain as the chart draws it."""

    title: str
    score: float | None
    score_text: str
    label: str
    baseline: float | None = None


@dataclass(frozen=True)
class Chart:
    """Everything the template needs to draw the domain chart."""

    width: int
    height: int
    boxes: list[Box]
    rules: list[Rule]
    texts: list[Text]
    markers: list[Marker]
    has_baseline: bool
    line_height: int = 16


def wrap(text: str, width: int, most: int = 2) -> list[str]:
    """Words into at most ``most`` lines of about ``width`` characters (the last may be longer)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        elif len(lines) < most:
            lines.append(word)
        else:
            lines[-1] += " " + word
    return lines or [""]


def x_of(score: float) -> float:
    """The x position of a 0–100 score."""
    return round(LABEL_WIDTH + score * SCALE, 1)


def domain_chart(rubric: Rubric, rows: Sequence[ChartRow]) -> Chart:
    """The summary's bar chart of domain scores, with the rubric's bands labelled."""
    bottom = TOP + len(rows) * ROW
    bands = sorted(rubric.bands, key=lambda b: b.min)
    zones = [zone for _, zone, _ in band_palette(len(bands))]
    boxes = [
        Box(x_of(b.min), TOP, round((b.max - b.min) * SCALE, 1), bottom - TOP, zones[i])
        for i, b in enumerate(bands)
    ]
    texts: list[Text] = []
    for band in bands:
        chars = max(4, int((band.max - band.min) * SCALE * BAND_CHARS_PER_UNIT))
        lines = wrap(band.label, chars)
        top = TOP - 8 - 13 * (len(lines) - 1)
        texts.append(Text(x_of((band.min + band.max) / 2), top, lines, "middle", 13, "bold"))
    rules = [
        Rule(x_of(0), TOP, x_of(0), bottom, INK),
        Rule(x_of(0), bottom, x_of(100), bottom, INK),
    ]
    for edge in [0.0, *rubric.band_edges, 100.0]:
        if 0 < edge < 100:
            rules.append(Rule(x_of(edge), TOP - 4, x_of(edge), bottom + 4, CUT_STROKE, "4 3"))
        texts.append(Text(x_of(edge), bottom + 18, [f"{edge:g}"], "middle", 13, "bold"))
    markers = []
    for index, row in enumerate(rows):
        middle = TOP + index * ROW + ROW / 2
        title = wrap(row.title, LABEL_CHARS)
        texts.append(Text(LABEL_WIDTH - 8, middle + 5 - 8 * (len(title) - 1), title, "end"))
        if row.score is None:
            texts.append(Text(x_of(0) + 6, middle + 4, [row.label], style="italic"))
        else:
            boxes.append(Box(x_of(0), middle - BAR / 2, round(row.score * SCALE, 1), BAR, BAR_FILL))
            end = max(row.score, row.baseline if row.baseline is not None else 0.0)
            texts.append(Text(x_of(end) + 9, middle + 5, [row.score_text], weight="bold"))
        if row.baseline is not None:
            markers.append(Marker(x_of(row.baseline), middle))
    return Chart(
        width=WIDTH,
        height=bottom + BOTTOM,
        boxes=boxes,
        rules=rules,
        texts=texts,
        markers=markers,
        has_baseline=bool(markers),
    )


def _hex(hue: float, lightness: float, saturation: float) -> str:
    red, green, blue = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return "#" + "".join(f"{round(c * 255):02x}" for c in (red, green, blue))


def band_palette(count: int) -> list[tuple[str, str, str]]:
    """Per band, lowest first: (cell tint, chart zone tint, dark badge colour), red to green.

    Cell and zone tints are light enough for dark text; badge colours dark enough for white
    text (WCAG AA), whatever the number of bands.
    """
    palette = []
    for index in range(count):
        hue = 0 if count == 1 else 120 * index / (count - 1)
        palette.append((_hex(hue, 0.88, 0.6), _hex(hue, 0.95, 0.5), _hex(hue, 0.24, 0.65)))
    return palette


def band_css(rubric: Rubric) -> str:
    """CSS classes for the rubric's bands: ``heat-N`` cells and ``tone-N`` badges, N counting
    bands from the lowest (the chart's zones carry their colour as an attribute)."""
    rules = []
    for index, (cell, _, dark) in enumerate(band_palette(len(rubric.bands))):
        rules.append(
            f".heat-{index} {{ background: {cell}; }} .tone-{index} {{ background: {dark}; }}"
        )
    return "\n".join(rules)
