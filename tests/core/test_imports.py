"""The one import path: check, preview, confirm (checked again), write or job."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.imports import Checked, ImportContext, import_file, importers
from core.jobs import Job
from core.roles import Role
from institutions.models import Institution
from institutions.registry.imports import REGISTRY_IMPORTER
from tests.factories import create_institution, create_sponsor, create_user
from tests.imports import confirm_form, upload
from tests.institutions.test_import import _row, _xlsx

URL = "/institutions/import"


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Institution))


@pytest.fixture
def office(client, login_as):
    create_sponsor(name="武侯区教育局", district_code="510107")
    user = create_user(Role.STAFFING_OFFICE)
    db.session.commit()
    login_as(user)
    return user


def test_modules_declare_their_importers(app):
    assert importers()["registry.institutions"] is REGISTRY_IMPORTER


def test_the_file_is_checked_again_when_confirmed(client, office):
    rows = [_row(n) for n in range(3)]
    preview = upload(client, URL, _xlsx(rows), "单位.xlsx")
    assert preview.status_code == 200
    # Someone registers one of the codes between the preview and the confirmation.
    create_institution(credit_code=rows[1][0])
    db.session.commit()
    response = client.post(URL, data=confirm_form(preview))
    assert response.status_code == 422
    assert "第 3 行「统一社会信用代码」：该代码已登记" in response.get_data(as_text=True)
    assert _count() == 1


def test_only_the_uploader_can_confirm_a_kept_file(client, login_as, office):
    preview = upload(client, URL, _xlsx([_row(1)]), "单位.xlsx")
    form = confirm_form(preview)
    login_as(create_user(Role.STAFFING_OFFICE))
    assert client.post(URL, data=form).status_code == 404
    assert _count() == 0


def test_a_confirmation_twice_imports_once(client, office):
    preview = upload(client, URL, _xlsx([_row(1), _row(2)]), "单位.xlsx")
    form = confirm_form(preview)
    assert client.post(URL, data=form).status_code == 302
    again = client.post(URL, data=form)
    assert again.status_code == 422 and "该代码已登记" in again.get_data(as_text=True)
    assert _count() == 2


def test_a_large_file_is_written_by_a_job(client, office, monkeypatch):
    monkeypatch.setattr(type(REGISTRY_IMPORTER), "job_threshold", 3)
    preview = upload(client, URL, _xlsx([_row(n) for n in range(5)]), "单位.xlsx")
    response = client.post(URL, data=confirm_form(preview))
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    job = db.session.scalar(select(Job).order_by(Job.id.desc()))
    assert job.kind == "imports.run" and job.status == "succeeded", job.errors
    assert _count() == 5
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已导入 5 个单位" in page


def test_import_file_returns_errors_or_a_summary(app):
    create_sponsor(name="武侯区教育局", district_code="510107")
    context = ImportContext()
    bad = import_file(REGISTRY_IMPORTER, _xlsx([_row(1, sponsor="不存在的局")]), context)
    assert isinstance(bad, Checked) and not bad.ok and bad.errors[0].row == 2
    good = import_file(REGISTRY_IMPORTER, _xlsx([_row(1)]), context)
    assert "已导入 1 个单位" in str(good.message)
