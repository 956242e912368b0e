"""The projection chart's geometry: bars of the allowance per school year and a line for the
staff counted now, as numbers an SVG in the template draws (no script, no rules in Jinja)."""

from __future__ import annotations

from dataclasses import dataclass

from schools.projection import Projection

WIDTH = 640
HEIGHT = 240
LEFT = 40
BOTTOM = 28
TOP = 16


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    year: int
    is_projected: bool
    is_short: bool


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: tuple[Bar, ...]
    #: the y of the staff line, and how many staff it stands for
    staff_y: float
    staff: int
    #: y of the axis (the zero line) and the top value
    axis_y: float
    top: int


def projection_chart(projection: Projection) -> Chart:
    """Return the bars (allowance per year) and the staff line of a projection."""
    staff = projection.base.allowance.staff.counted
    top = max([staff, *(year.allowance.allowance for year in projection.years), 1])
    plot = HEIGHT - BOTTOM - TOP
    slot = (WIDTH - LEFT) / len(projection.years)
    bars = []
    for index, year in enumerate(projection.years):
        value = year.allowance.allowance
        height = plot * value / top
        bars.append(
            Bar(
                x=round(LEFT + index * slot + slot * 0.2, 1),
                y=round(TOP + plot - height, 1),
                width=round(slot * 0.6, 1),
                height=round(height, 1),
                value=value,
                year=year.year,
                is_projected=year.is_projected,
                is_short=year.allowance.shortfall > 0,
            )
        )
    return Chart(
        WIDTH,
        HEIGHT,
        tuple(bars),
        staff_y=round(TOP + plot - plot * staff / top, 1),
        staff=staff,
        axis_y=TOP + plot,
        top=top,
    )
