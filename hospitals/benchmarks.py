"""Staffing benchmarks (人员配置标准): each figure, its benchmark range and the deviation.

Pure rules over plain values (DOMAIN.md §6; 卫生部《综合医院组织编制原则试行草案》1978,
still quoted; the doctor : nurse and beds : nurses targets of the current national nursing
plan). The parameter ``hospitals.staffing_benchmarks`` holds the ranges.

Figures, from counts the HR data gives (``StaffingCounts``):

==========================  =====================  ==========================================
figure                      computed as            benchmark
==========================  =====================  ==========================================
``staff_per_bed``           staff ÷ beds           1:1.3–1.4 (< 300 beds), 1:1.4–1.5 (300–500),
                                                   1:1.6–1.7 (> 500)
``clinical_share``          clinical ÷ staff       70–72% (卫生技术人员 among all staff)
``doctor_share``            doctors ÷ clinical     25%
``nurse_share``             nurses ÷ clinical      50%
``nurses_per_doctor_1978``  nurses ÷ doctors       1:2
``nurses_per_doctor``       nurses ÷ doctors       at least 1:1.25 (current plan)
``nurses_per_bed``          nurses ÷ beds          at least 1:0.6 (city hospitals)
==========================  =====================  ==========================================

A benchmark is a range [low, high]; a single value (25%, 1:2) is a range of width zero and a
minimum has no high end. The status is decided exactly (fractions): ``below`` low,
``within``, or ``above`` high; ``unknown`` when the denominator is zero. The *deviation* is
actual − low when below, actual − high when above, 0 within, in the figure's own unit (a
share for shares, staff per bed for ratios), rounded to 0.0001 for display.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any

from core.apportion import exact
from core.i18n import Msg, msg
from hospitals.findings import (
    Finding,
    HospitalsRefusal,
    Level,
    decimal,
    limit_percent,
    number,
    percent,
)

BENCHMARKS_KEY = "hospitals.staffing_benchmarks"
SOURCE = (
    "卫生部《综合医院组织编制原则试行草案》（1978）；全国护理事业发展规划（医护比、床护比）；"
    "DOMAIN.md §6"
)

DEFAULTS: dict[str, Any] = {
    BENCHMARKS_KEY: {
        #: staff per bed by bed band; ``max_beds`` inclusive, null for the open top band
        "staff_per_bed": [
            {"max_beds": 299, "low": "1.3", "high": "1.4"},
            {"max_beds": 500, "low": "1.4", "high": "1.5"},
            {"max_beds": None, "low": "1.6", "high": "1.7"},
        ],
        "clinical_share": {"low": "0.70", "high": "0.72"},
        "doctor_share": {"low": "0.25", "high": "0.25"},
        "nurse_share": {"low": "0.50", "high": "0.50"},
        "nurses_per_doctor_1978": {"low": "2", "high": "2"},
        "nurses_per_doctor": {"low": "1.25", "high": None},
        "nurses_per_bed": {"low": "0.6", "high": None},
    }
}


class Position(StrEnum):
    """Where a figure stands against its benchmark."""

    BELOW = "below"
    WITHIN = "within"
    ABOVE = "above"
    UNKNOWN = "unknown"

    @property
    def label(self) -> Msg:
        return _POSITION_LABELS[self]


_POSITION_LABELS = {
    Position.BELOW: msg("低于标准"),
    Position.WITHIN: msg("符合标准"),
    Position.ABOVE: msg("高于标准"),
    Position.UNKNOWN: msg("无法计算"),
}


@dataclass(frozen=True)
class Band:
    """A benchmark range; ``high`` None means "at least ``low``"."""

    low: Decimal
    high: Decimal | None = None

    @classmethod
    def from_value(cls, value: Mapping[str, Any]) -> Band:
        low = Decimal(str(value["low"]))
        high = None if value.get("high") is None else Decimal(str(value["high"]))
        if high is not None and high < low:
            raise ValueError("a benchmark's high end is below its low end")
        return cls(low, high)


@dataclass(frozen=True)
class BedBand:
    """A staff-per-bed band for hospitals of up to ``max_beds`` beds (None: no upper limit)."""

    max_beds: int | None
    band: Band


@dataclass(frozen=True)
class BenchmarkRules:
    """The parameter ``hospitals.staffing_benchmarks`` in typed form."""

    staff_per_bed: tuple[BedBand, ...]
    clinical_share: Band
    doctor_share: Band
    nurse_share: Band
    nurses_per_doctor_1978: Band
    nurses_per_doctor: Band
    nurses_per_bed: Band

    @classmethod
    def from_value(cls, value: Mapping[str, Any] | None = None) -> BenchmarkRules:
        merged = {**DEFAULTS[BENCHMARKS_KEY], **(value or {})}
        bands = tuple(
            BedBand(None if b["max_beds"] is None else int(b["max_beds"]), Band.from_value(b))
            for b in merged["staff_per_bed"]
        )
        limits = [b.max_beds for b in bands]
        if not bands or limits[-1] is not None or None in limits[:-1]:
            raise ValueError("bed bands must end with one open band (max_beds null)")
        if limits[:-1] != sorted(limits[:-1]):
            raise ValueError("bed bands must rise")
        return cls(
            staff_per_bed=bands,
            **{
                name: Band.from_value(merged[name])
                for name in (
                    "clinical_share",
                    "doctor_share",
                    "nurse_share",
                    "nurses_per_doctor_1978",
                    "nurses_per_doctor",
                    "nurses_per_bed",
                )
            },
        )

    def bed_band(self, beds: int) -> BedBand:
        """Return the staff-per-bed band of a hospital with ``beds`` beds."""
        for band in self.staff_per_bed:
            if band.max_beds is None or beds <= band.max_beds:
                return band
        raise AssertionError("the last band is open")  # pragma: no cover


@dataclass(frozen=True)
class StaffingCounts:
    """The counts the benchmarks compare: beds and staff from HR.

    ``clinical`` are the health professionals (卫生技术人员: doctors, nurses, pharmacists,
    laboratory, imaging and other technical staff); ``doctors`` 执业(助理)医师,
    ``nurses`` 注册护士.
    """

    beds: int
    staff: int
    clinical: int
    doctors: int
    nurses: int


@dataclass(frozen=True)
class BenchmarkFigure:
    """One figure: what it is, its value, its benchmark and how far it is off."""

    key: str
    label: Msg
    #: "ratio" (shown 1 : x) or "share" (shown as a percentage)
    kind: str
    numerator: int
    denominator: int
    #: numerator ÷ denominator, to 0.0001 (None if the denominator is 0)
    actual: Decimal | None
    band: Band
    position: Position
    deviation: Decimal | None
    message: Msg | None


@dataclass(frozen=True)
class BenchmarkReport:
    """Every figure, in the order of the table above, and input findings."""

    figures: tuple[BenchmarkFigure, ...]
    bed_band: BedBand
    findings: tuple[Finding, ...]

    def figure(self, key: str) -> BenchmarkFigure:
        return next(figure for figure in self.figures if figure.key == key)

    @property
    def deviations(self) -> tuple[BenchmarkFigure, ...]:
        """The figures outside their benchmark."""
        return tuple(f for f in self.figures if f.position in (Position.BELOW, Position.ABOVE))


_LABELS = {
    "staff_per_bed": msg("床位与人员之比"),
    "clinical_share": msg("卫生技术人员占全院人员比例"),
    "doctor_share": msg("医师占卫生技术人员比例"),
    "nurse_share": msg("护士占卫生技术人员比例"),
    "nurses_per_doctor_1978": msg("医护比（1978 年标准）"),
    "nurses_per_doctor": msg("医护比（现行规划）"),
    "nurses_per_bed": msg("床护比"),
}


def _band_text(kind: str, band: Band) -> Msg:
    if kind == "share":
        low = limit_percent(exact(band.low))
        high = None if band.high is None else limit_percent(exact(band.high))
        if high is None:
            return msg("不低于 %(low)s%%", low=low)
        if low == high:
            return msg("%(low)s%%", low=low)
        return msg("%(low)s%%–%(high)s%%", low=low, high=high)
    low_text = number(band.low)
    if band.high is None:
        return msg("不低于 1:%(low)s", low=low_text)
    if band.low == band.high:
        return msg("1:%(low)s", low=low_text)
    return msg("1:%(low)s–%(high)s", low=low_text, high=number(band.high))


def _actual_text(kind: str, value: Fraction) -> Msg:
    if kind == "share":
        return msg("%(value)s%%", value=percent(value))
    return msg("1:%(value)s", value=decimal(value, Decimal("0.01")))


def _figure(key: str, kind: str, numerator: int, denominator: int, band: Band) -> BenchmarkFigure:
    if denominator == 0:
        return BenchmarkFigure(
            key,
            _LABELS[key],
            kind,
            numerator,
            denominator,
            None,
            band,
            Position.UNKNOWN,
            None,
            None,
        )
    value = Fraction(numerator, denominator)
    low = exact(band.low)
    high = None if band.high is None else exact(band.high)
    if value < low:
        position, off = Position.BELOW, value - low
    elif high is not None and value > high:
        position, off = Position.ABOVE, value - high
    else:
        position, off = Position.WITHIN, Fraction(0)
    message = None
    if position is not Position.WITHIN:
        message = msg(
            "%(figure)s为 %(actual)s，%(position)s（%(benchmark)s）",
            figure=_LABELS[key],
            actual=_actual_text(kind, value),
            position=position.label,
            benchmark=_band_text(kind, band),
        )
    return BenchmarkFigure(
        key,
        _LABELS[key],
        kind,
        numerator,
        denominator,
        decimal(value),
        band,
        position,
        decimal(off),
        message,
    )


def band_text(figure: BenchmarkFigure) -> Msg:
    """Return a figure's benchmark as shown: "1:1.4–1.5", "70%–72%", "不低于 1:0.6"."""
    return _band_text(figure.kind, figure.band)


def check_counts(counts: StaffingCounts) -> list[Finding]:
    """Return the inconsistencies of the counts (more doctors and nurses than clinical staff…)."""
    findings = []
    if counts.doctors + counts.nurses > counts.clinical:
        findings.append(
            Finding(
                Level.ERROR,
                "doctors_nurses_exceed_clinical",
                msg(
                    "医师 %(doctors)d 人与护士 %(nurses)d 人合计多于卫生技术人员 %(clinical)d 人",
                    doctors=counts.doctors,
                    nurses=counts.nurses,
                    clinical=counts.clinical,
                ),
            )
        )
    if counts.clinical > counts.staff:
        findings.append(
            Finding(
                Level.ERROR,
                "clinical_exceeds_staff",
                msg(
                    "卫生技术人员 %(clinical)d 人多于全院人员 %(staff)d 人",
                    clinical=counts.clinical,
                    staff=counts.staff,
                ),
            )
        )
    return findings


def compare(counts: StaffingCounts, rules: BenchmarkRules) -> BenchmarkReport:
    """Return every benchmark figure of a hospital and its deviation (see the module text)."""
    for name in ("beds", "staff", "clinical", "doctors", "nurses"):
        value = getattr(counts, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("counts must be int")
        if value < 0:
            raise HospitalsRefusal(
                msg("%(what)s不能为负数（%(n)d）", what=_COUNT_LABELS[name], n=value), field=name
            )
    band = rules.bed_band(counts.beds)
    specs: Sequence[tuple[str, str, int, int, Band]] = (
        ("staff_per_bed", "ratio", counts.staff, counts.beds, band.band),
        ("clinical_share", "share", counts.clinical, counts.staff, rules.clinical_share),
        ("doctor_share", "share", counts.doctors, counts.clinical, rules.doctor_share),
        ("nurse_share", "share", counts.nurses, counts.clinical, rules.nurse_share),
        (
            "nurses_per_doctor_1978",
            "ratio",
            counts.nurses,
            counts.doctors,
            rules.nurses_per_doctor_1978,
        ),
        ("nurses_per_doctor", "ratio", counts.nurses, counts.doctors, rules.nurses_per_doctor),
        ("nurses_per_bed", "ratio", counts.nurses, counts.beds, rules.nurses_per_bed),
    )
    return BenchmarkReport(
        figures=tuple(_figure(*spec) for spec in specs),
        bed_band=band,
        findings=tuple(check_counts(counts)),
    )


_COUNT_LABELS = {
    "beds": msg("床位数"),
    "staff": msg("全院人员数"),
    "clinical": msg("卫生技术人员数"),
    "doctors": msg("医师数"),
    "nurses": msg("护士数"),
}
