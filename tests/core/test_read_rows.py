"""``read_rows`` reads plain columns as the session would, pending changes included."""

from __future__ import annotations

from sqlalchemy import func, select

from core.extensions import db
from core.listing import read_rows
from institutions.models import Institution
from tests.factories import create_institution


def test_read_rows_sees_what_the_session_has_not_written_yet(app):
    create_institution(name="读取测试甲")
    pending = Institution(
        credit_code="12510107MB0000099X",
        name="读取测试乙",
        kind="school",
        district_code="510107",
        sponsor_id=db.session.scalar(select(Institution.sponsor_id).limit(1)),
        funding_class="public_welfare_1",
        legal_representative="张三",
        address="测试路",
    )
    db.session.add(pending)  # not flushed: autoflush writes it before the read, as execute would
    stmt = (
        select(Institution.name)
        .where(Institution.name.like("读取测试%"))
        .order_by(Institution.name)
    )
    assert [r.name for r in read_rows(stmt)] == [r.name for r in db.session.execute(stmt)]
    assert [r.name for r in read_rows(stmt)] == ["读取测试乙", "读取测试甲"]
    count = select(func.count()).select_from(Institution).where(Institution.name == "读取测试乙")
    assert read_rows(count).scalar_one() == 1


def test_read_rows_leaves_pending_changes_alone_without_autoflush(app):
    create_institution(name="读取测试丙")
    stmt = select(func.count()).select_from(Institution).where(Institution.name == "读取测试丁")
    with db.session.no_autoflush:
        create = Institution(name="读取测试丁")
        db.session.add(create)
        assert read_rows(stmt).scalar_one() == 0 == db.session.execute(stmt).scalar_one()
    db.session.expunge(create)
