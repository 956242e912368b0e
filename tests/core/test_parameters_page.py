"""Parameters can be read and extended in the app; a new version never rewrites the past."""

from __future__ import annotations

import json
from datetime import date

import pytest

from core.errors import Refusal
from core.extensions import db
from core.parameters import ParameterVersion, add_version, ensure_parameter, parameter
from core.roles import Role
from tests.factories import create_user

KEY = "test.rates"


@pytest.fixture
def rates():
    return ensure_parameter(
        KEY, {"pension": "0.08", "cap": 3}, effective_from=date(2020, 1, 1), source="旧文件"
    )


def test_a_new_version_closes_the_previous_one_the_day_before(app, rates):
    new = add_version(
        KEY, '{"pension": "0.085", "cap": 3}', effective_from=date(2026, 7, 1), source="新文件"
    )
    assert rates.effective_to == date(2026, 6, 30)
    assert parameter(KEY, date(2026, 6, 30)) == {"pension": "0.08", "cap": 3}
    assert parameter(KEY, date(2026, 7, 1)) == {"pension": "0.085", "cap": 3}
    assert new.source == "新文件"


@pytest.mark.parametrize(
    ("value", "start", "field", "message"),
    [
        ("{not json", date(2026, 7, 1), "value", "不是有效的 JSON"),
        ('{"pension": "0.085"}', date(2026, 7, 1), "value", "缺少 cap"),
        ('{"pension": 0.085, "cap": 3}', date(2026, 7, 1), "value", "文本"),
        ('{"pension": "0.085", "cap": "3"}', date(2026, 7, 1), "value", "相同类型"),
        ('{"pension": "0.085", "cap": 3}', date(2019, 1, 1), "effective_from", "须晚于"),
    ],
)
def test_a_bad_version_is_refused_naming_the_field(app, rates, value, start, field, message):
    with pytest.raises(Refusal, match=message) as caught:
        add_version(KEY, value, effective_from=start)
    assert caught.value.field == field
    assert rates.effective_to is None


def test_an_unknown_parameter_cannot_be_created_from_the_page(app):
    with pytest.raises(Refusal, match="没有参数"):
        add_version("no.such", "1", effective_from=date(2026, 1, 1))


def test_the_office_lists_and_extends_parameters_through_the_pages(client, login_as, rates):
    login_as(create_user(Role.STAFFING_OFFICE))
    listing = client.get("/parameters/?q=test.rates").get_data(as_text=True)
    assert KEY in listing and "旧文件" in listing
    page = client.get(f"/parameters/{KEY}").get_data(as_text=True)
    assert "&#34;pension&#34;" in page or "&quot;pension&quot;" in page
    response = client.post(
        f"/parameters/{KEY}",
        data={
            "effective_from": "2027-01-01",
            "value": json.dumps({"pension": "0.09", "cap": 3}),
            "source": "2027 年文件",
        },
    )
    assert response.status_code == 302
    versions = db.session.query(ParameterVersion).filter_by(key=KEY).count()
    assert versions == 2
    bad = client.post(
        f"/parameters/{KEY}", data={"effective_from": "2028-01-01", "value": '{"cap": 3}'}
    )
    assert bad.status_code == 422
    assert "缺少 pension" in bad.get_data(as_text=True)


def test_hr_parameters_have_labels_on_the_page(client, login_as):
    from hr.posts import structure

    structure.ensure_defaults()
    login_as(create_user(Role.STAFFING_OFFICE))
    assert "岗位结构比例" in client.get("/parameters/").get_data(as_text=True)
