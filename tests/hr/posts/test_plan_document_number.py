"""The post plan's 批复文号 goes through the same 文号 rule as the quota ledger."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from core.roles import Role
from hr.models import PostPlan
from tests.factories import create_institution, create_user


@pytest.fixture
def school(client, login_as):
    institution = create_institution(name="文号测试小学")
    login_as(create_user(Role.HR_OFFICER, institution=institution))
    db.session.commit()
    return institution


def _plan(school):
    return db.session.scalar(select(PostPlan).where(PostPlan.institution_id == school.id))


def test_a_malformed_approval_number_is_refused_on_the_form(client, school):
    response = client.post(
        f"/hr/{school.id}/plans/2026", data={"professional_8": "2", "document_number": "abc"}
    )
    assert response.status_code == 422
    assert "不是有效的文号" in response.get_data(as_text=True)
    assert _plan(school) is None


def test_the_approval_number_is_stored_the_standard_way_and_may_be_left_empty(client, school):
    url = f"/hr/{school.id}/plans/2026"
    response = client.post(
        url, data={"professional_8": "2", "document_number": "成人社发[2026]第3号"}
    )
    assert response.status_code == 302
    assert _plan(school).document_number == "成人社发〔2026〕3号"
    response = client.post(url, data={"professional_8": "2", "document_number": " "})
    assert response.status_code == 302
    db.session.expire_all()
    assert _plan(school).document_number is None
