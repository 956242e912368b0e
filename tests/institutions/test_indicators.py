"""The indicator registry answers for a whole scope with one query per indicator."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from core.extensions import db
from core.ids import make_credit_code
from hr.models import Employment, Person
from institutions import indicators
from institutions.indicators import OCCUPANCY_KEYS
from institutions.models import Institution, QuotaKind
from tests.factories import create_employment, create_institution, create_sponsor

ON = date(2026, 6, 30)


def _city(count: int) -> list[int]:
    """Insert ``count`` institutions in one statement and return their ids."""
    sponsor = create_sponsor()
    rows = [
        {
            "credit_code": make_credit_code("510107", f"{60000000 + n}"),
            "name": f"指标测试单位{n}",
            "kind": "school" if n % 2 else "hospital",
            "district_code": "510107",
            "sponsor_id": sponsor.id,
            "funding_class": "公益一类",
            "legal_representative": "张三",
            "status": "active",
        }
        for n in range(count)
    ]
    db.session.execute(insert(Institution), rows)
    return list(
        db.session.scalars(
            select(Institution.id)
            .where(Institution.sponsor_id == sponsor.id)
            .order_by(Institution.id)
        )
    )


def _staff(institution_ids: list[int], per: int) -> None:
    """Give each institution ``per`` people on 编制 and one on 员额, in bulk."""
    people = [
        {
            "citizen_id": f"P{i:017d}",
            "name": f"人{i}",
            "gender": "男",
            "birth_date": date(1990, 1, 1),
        }
        for i in range(len(institution_ids) * (per + 1))
    ]
    db.session.execute(insert(Person), people)
    person_ids = list(db.session.scalars(select(Person.id).where(Person.citizen_id.like("P%"))))
    employments = []
    for index, institution_id in enumerate(institution_ids):
        for k in range(per + 1):
            employments.append(
                {
                    "person_id": person_ids[index * (per + 1) + k],
                    "institution_id": institution_id,
                    "staff_number": f"S{k}",
                    "identity": "establishment" if k < per else "filed",
                    "start_on": date(2020, 1, 1),
                }
            )
    db.session.execute(insert(Employment), employments)


def test_a_city_of_3000_institutions_costs_one_query_per_indicator(app, count_queries):
    ids = _city(3000)
    _staff(ids[::10], per=2)  # 300 institutions with staff
    keys = list(OCCUPANCY_KEYS.values())
    with count_queries() as counter:
        found = indicators.values(keys, ids, ON)
    assert counter["n"] == len(keys)
    establishment, filed = (found[k] for k in keys)
    assert len(establishment) == 300 and set(establishment.values()) == {2}
    assert len(filed) == 300 and set(filed.values()) == {1}
    assert set(establishment) == set(ids[::10])


def test_a_scope_can_be_a_where_clause(app):
    institution = create_institution(district_code="510104")
    other = create_institution(district_code="510105")
    create_employment(institution, identity="establishment")
    create_employment(other, identity="establishment")
    found = indicators.values(
        [OCCUPANCY_KEYS[QuotaKind.ESTABLISHMENT]], Institution.district_code == "510104", ON
    )
    assert found == {OCCUPANCY_KEYS[QuotaKind.ESTABLISHMENT]: {institution.id: 1}}


def test_people_who_left_or_have_not_started_are_not_counted(app):
    institution = create_institution()
    create_employment(institution, identity="establishment", start_on=date(2020, 1, 1))
    create_employment(
        institution, identity="establishment", start_on=date(2020, 1, 1), end_on=date(2026, 1, 31)
    )
    create_employment(institution, identity="establishment", start_on=date(2026, 7, 1))
    assert indicators.occupancy(institution.id, ON) == {
        QuotaKind.ESTABLISHMENT: 1,
        QuotaKind.FILED: 0,
    }


def test_every_indicator_names_its_owner_label_and_unit(app):
    for key, indicator in indicators.registered().items():
        assert indicator.key == key and indicator.owner and indicator.label and indicator.unit
