"""The composition rules as a pure function (no database needed, but it lives with its callers)."""

from __future__ import annotations

from datetime import date

from institutions.governance.composition import SeatInfo, composition_warnings

TODAY = date(2026, 3, 2)


def seat(member_id, name, body="council", office="member", constituency="sponsor", **kw):
    return SeatInfo(
        member_id=member_id,
        name=name,
        body=body,
        office=office,
        constituency=constituency,
        term_start_on=kw.get("start", date(2025, 9, 1)),
        term_end_on=kw.get("end"),
    )


def council(*extra):
    return [
        seat(1, "甲", office="chair"),
        seat(2, "乙", constituency="expert"),
        seat(3, "丙", constituency="staff"),
        *extra,
    ]


def warn(seats, kind="school", relatives=None, finance=()):
    return composition_warnings(
        institution_kind=kind,
        seats=seats,
        near_relatives=relatives or {},
        finance_officer_ids=finance,
        today=TODAY,
    )


def test_a_sound_council_has_no_warnings():
    assert warn(council()) == []


def test_empty_council_and_missing_chair():
    assert warn([]) == ["理事会没有在任理事"]
    assert warn([seat(2, "乙"), seat(3, "丙")]) == ["理事会未设理事长"]


def test_outside_majority_applies_to_schools_and_hospitals_only():
    seats = council(seat(4, "丁", constituency="ex_officio"))
    message = "外部理事 2 人，未超过在任理事 4 人的半数（学校、医院的外部理事应过半数）"
    assert warn(seats, "school") == [message]
    assert warn(seats, "hospital") == [message]
    assert warn(seats, "other") == []


def test_too_many_vice_chairs():
    seats = council(*(seat(10 + i, f"副{i}", office="vice_chair") for i in range(3)))
    assert "副理事长 3 名，超过 2 名" in warn(seats)


def test_supervisors_who_may_not_be_supervisors():
    seats = council(
        seat(3, "丙", body="supervisors", office="supervisor"),
        seat(5, "戊", body="supervisors", office="supervisor"),
        seat(5, "戊", body="management", office="deputy_head", constituency=None),
        seat(6, "己", body="supervisors", office="supervisor"),
        seat(7, "庚", body="supervisors", office="supervisor"),
    )
    assert warn(seats, relatives={1: ["庚"]}, finance={6}) == [
        "监事 丙 同时担任理事",
        "监事 戊 同时在管理层任职",
        "监事 己 是财务人员",
        "监事 庚 是理事 甲 申报的近亲属",
    ]


def test_near_relatives_on_the_council():
    assert warn(council(), relatives={1: ["乙 "]}) == [
        "理事 乙 是理事 甲 申报的近亲属，不应同时任职"
    ]


def test_terms_longer_than_five_years():
    five = seat(4, "丁", start=date(2024, 1, 1), end=date(2028, 12, 31))
    longer = seat(5, "戊", start=date(2024, 1, 1), end=date(2029, 1, 1))
    assert warn(council(five, longer)) == ["戊 的任期超过 5 年"]


def test_ended_terms_without_successor():
    ended = seat(4, "丁", start=date(2022, 1, 1), end=date(2026, 1, 31))
    renewed_old = seat(2, "乙", start=date(2021, 1, 1), end=date(2025, 8, 31))
    assert warn(council(ended, renewed_old)) == ["丁 的任期已于 2026-01-31 届满，尚未换届或续任"]
    long_ago = seat(4, "丁", start=date(2020, 1, 1), end=date(2025, 1, 31))
    assert warn(council(long_ago)) == []
