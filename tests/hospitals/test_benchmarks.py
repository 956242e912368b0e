"""Staffing benchmarks: bed bands, shares, doctor:nurse and bed:nurse ratios, deviations."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hospitals.benchmarks import (
    BENCHMARKS_KEY,
    DEFAULTS,
    BenchmarkRules,
    Position,
    StaffingCounts,
    band_text,
    compare,
)
from hospitals.findings import HospitalsRefusal

PROPERTY = settings(database=None, deadline=None)
RULES = BenchmarkRules.from_value()
D = Decimal


def _counts(beds=400, staff=580, clinical=410, doctors=102, nurses=205):
    return StaffingCounts(beds=beds, staff=staff, clinical=clinical, doctors=doctors, nurses=nurses)


def test_defaults_are_domain_section_six():
    value = DEFAULTS[BENCHMARKS_KEY]
    assert [b["max_beds"] for b in value["staff_per_bed"]] == [299, 500, None]
    assert value["clinical_share"] == {"low": "0.70", "high": "0.72"}
    assert value["nurses_per_doctor"] == {"low": "1.25", "high": None}
    assert value["nurses_per_bed"] == {"low": "0.6", "high": None}


@pytest.mark.parametrize(
    ("beds", "low", "high"),
    [
        (0, "1.3", "1.4"),
        (299, "1.3", "1.4"),
        (300, "1.4", "1.5"),
        (500, "1.4", "1.5"),
        (501, "1.6", "1.7"),
        (3000, "1.6", "1.7"),
    ],
)
def test_bed_bands(beds, low, high):
    band = RULES.bed_band(beds).band
    assert (band.low, band.high) == (D(low), D(high))


@pytest.mark.parametrize(
    ("beds", "staff", "position", "deviation"),
    [
        (250, 325, Position.WITHIN, D("0")),  # 1.3
        (250, 350, Position.WITHIN, D("0")),  # 1.4
        (250, 324, Position.BELOW, D("-0.0040")),  # 1.296
        (250, 351, Position.ABOVE, D("0.0040")),  # 1.404
        (400, 560, Position.WITHIN, D("0")),  # 1.4 in the 300–500 band
        (400, 520, Position.BELOW, D("-0.1000")),  # 1.3: fine for a small hospital, not here
        (800, 1200, Position.BELOW, D("-0.1000")),  # 1.5 < 1.6
        (800, 1400, Position.ABOVE, D("0.0500")),  # 1.75
    ],
)
def test_staff_per_bed_by_band(beds, staff, position, deviation):
    figure = compare(
        _counts(beds=beds, staff=staff, clinical=0, doctors=0, nurses=0), RULES
    ).figure("staff_per_bed")
    assert figure.position is position
    assert figure.deviation == deviation


def test_a_hospital_within_every_benchmark_but_the_current_ones():
    # 400 beds, 580 staff (1:1.45), 410 clinical (70.7%), 102.5 doctors (25%) …
    counts = _counts(beds=400, staff=580, clinical=410, doctors=102, nurses=205)
    report = compare(counts, RULES)
    positions = {f.key: f.position for f in report.figures}
    assert positions == {
        "staff_per_bed": Position.WITHIN,
        "clinical_share": Position.WITHIN,
        "doctor_share": Position.BELOW,  # 24.88% < 25%
        "nurse_share": Position.WITHIN,  # exactly 50%
        "nurses_per_doctor_1978": Position.ABOVE,  # 1:2.01
        "nurses_per_doctor": Position.WITHIN,
        "nurses_per_bed": Position.BELOW,  # 0.5125 < 0.6
    }
    assert report.figure("clinical_share").actual == D("0.7069")
    assert report.figure("nurses_per_bed").deviation == D("-0.0875")
    assert [f.key for f in report.deviations] == [
        "doctor_share",
        "nurses_per_doctor_1978",
        "nurses_per_bed",
    ]
    assert report.findings == ()


def test_messages_and_benchmark_text():
    report = compare(_counts(beds=400, staff=580, clinical=380, doctors=80, nurses=150), RULES)
    share = report.figure("clinical_share")
    assert share.position is Position.BELOW
    assert str(share.message) == "卫生技术人员占全院人员比例为 65.5%，低于标准（70%–72%）"
    ratio = report.figure("nurses_per_doctor")
    assert ratio.position is Position.WITHIN and ratio.message is None
    beds = report.figure("nurses_per_bed")
    assert str(beds.message) == "床护比为 1:0.38，低于标准（不低于 1:0.6）"
    assert str(band_text(report.figure("staff_per_bed"))) == "1:1.4–1.5"
    assert str(band_text(report.figure("doctor_share"))) == "25%"
    assert str(band_text(report.figure("nurses_per_doctor_1978"))) == "1:2"


def test_zero_denominators_are_unknown():
    report = compare(StaffingCounts(0, 0, 0, 0, 0), RULES)
    assert {f.position for f in report.figures} == {Position.UNKNOWN}
    assert all(f.actual is None and f.deviation is None for f in report.figures)


def test_inconsistent_counts_are_reported():
    report = compare(_counts(staff=300, clinical=310, doctors=200, nurses=150), RULES)
    assert [f.code for f in report.findings] == [
        "doctors_nurses_exceed_clinical",
        "clinical_exceeds_staff",
    ]
    assert str(report.findings[0].message) == "医师 200 人与护士 150 人合计多于卫生技术人员 310 人"


def test_negative_counts_are_refused():
    with pytest.raises(HospitalsRefusal) as refused:
        compare(_counts(beds=-1), RULES)
    assert str(refused.value) == "床位数不能为负数（-1）"
    assert refused.value.field == "beds"
    with pytest.raises(TypeError):
        compare(_counts(nurses=1.5), RULES)


def test_bands_are_a_parameter():
    rules = BenchmarkRules.from_value(
        {
            "staff_per_bed": [
                {"max_beds": 99, "low": "1", "high": "1.2"},
                {"max_beds": None, "low": "1.3", "high": "1.5"},
            ]
        }
    )
    assert rules.bed_band(99).band.high == D("1.2")
    with pytest.raises(ValueError):
        BenchmarkRules.from_value({"staff_per_bed": [{"max_beds": 99, "low": "1", "high": "1.2"}]})
    with pytest.raises(ValueError):
        BenchmarkRules.from_value({"clinical_share": {"low": "0.8", "high": "0.7"}})


@PROPERTY
@given(
    st.integers(1, 3000),
    st.integers(1, 6000),
)
def test_position_agrees_with_the_deviation(beds, staff):
    figure = compare(StaffingCounts(beds, staff, 0, 0, 0), RULES).figure("staff_per_bed")
    band = RULES.bed_band(beds).band
    ratio = D(staff) / D(beds)
    if figure.position is Position.WITHIN:
        assert band.low <= ratio <= band.high
        assert figure.deviation == 0
    elif figure.position is Position.BELOW:
        assert ratio < band.low and figure.deviation <= 0
    else:
        assert ratio > band.high and figure.deviation >= 0
