"""Horizontal bar charts drawn on the server as inline SVG.

A chart is for people who would rather look than read; the data table beside it
stays for those who read (and for screen readers, which get the chart's title
and a description in words through `role="img"`). Every bar carries its label
above it and its value after it, so nothing depends on colour, and bars may be
grouped under headings (one group per question, per cohort or per attribute).

`bar_chart()` returns geometry in whole pixels, so that no locale writes a
decimal comma into the SVG; `core/includes/bar-chart.html` draws it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

WIDTH = 480
LEFT = 8
BAR_MAX = 340  # leaves room after the longest bar for its value
BAR_HEIGHT = 14
ROW = 44  # a label line, the bar and a gap
HEADING = 30
LABEL_LENGTH = 70


@dataclass(frozen=True)
class Item:
    """One bar: what it is, its value, and the value as the page writes it."""

    label: str
    value: float
    text: str


@dataclass(frozen=True)
class Group:
    heading: str  # "" for a chart without headings
    items: Sequence[Item]
    maximum: float | None = None  # the group's own scale (5 for an average 1–5)


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: int
    width: int

    @property
    def label_y(self):
        return self.y + 16

    @property
    def bar_y(self):
        return self.y + 22

    @property
    def value_x(self):
        return LEFT + self.width + 8

    @property
    def value_y(self):
        return self.y + 34


@dataclass(frozen=True)
class Heading:
    text: str
    y: int


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    headings: list[Heading]
    bars: list[Bar]
    height: int
    width: int = WIDTH
    left: int = LEFT
    bar_height: int = BAR_HEIGHT


def bar_chart(
    *,
    id: str,
    title: str,
    groups: Sequence[Group],
    maximum: float | None = None,
) -> BarChart | None:
    """A chart of the groups' items, bars scaled to the group's `maximum`, else
    to `maximum`, else to the largest value. None when there is nothing to draw."""
    values = [item.value for group in groups for item in group.items]
    if not values:
        return None
    headings, bars, y = [], [], 0
    for group in groups:
        top = group.maximum or maximum or max(values) or 1
        if group.heading:
            headings.append(Heading(_shorten(group.heading), y + 20))
            y += HEADING
        for item in group.items:
            share = max(min(item.value / top, 1), 0)
            width = max(round(BAR_MAX * share), 1 if item.value else 0)
            bars.append(Bar(_shorten(item.label), item.text, y, width))
            y += ROW
    return BarChart(
        id=id,
        title=title,
        description=describe(groups),
        headings=headings,
        bars=bars,
        height=y + 8,
    )


def describe(groups: Sequence[Group]) -> str:
    """The chart in words: each group's heading, then each label and value."""
    sentences = []
    for group in groups:
        parts = "; ".join(
            _("%(label)s: %(value)s") % {"label": item.label, "value": item.text}
            for item in group.items
        )
        sentences.append(f"{group.heading}: {parts}." if group.heading else parts + ".")
    return " ".join(sentences)


def _shorten(label, length=LABEL_LENGTH):
    return label if len(label) <= length else label[: length - 1] + "…"
