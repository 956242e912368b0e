"""A roster or staff list export above the job size runs in the worker; its page offers the
file (issue 8.9)."""

from __future__ import annotations

import io

import openpyxl
import pytest

from core.excel import read_workbook
from core.extensions import db
from core.jobs import Job, JobStatus
from core.roles import Role
from hr.roster.checks import plan_roster
from hr.roster.excel import ROSTER_SPEC
from hr.roster.operations import import_roster
from tests.factories import create_institution, create_user
from tests.hr.roster.test_roster import _id, _row, _xlsx, school  # noqa: F401 (fixture)


@pytest.fixture
def staffed(school):  # noqa: F811
    result = read_workbook(_xlsx([_row(school.credit_code, n) for n in range(1, 6)]), ROSTER_SPEC)
    errors, plan = plan_roster(result.rows, institution=school)
    assert result.ok and errors == []
    import_roster(plan)
    db.session.commit()
    return school


def test_a_large_export_runs_as_a_job_and_the_job_page_offers_the_file(
    app, client, login_as, staffed, monkeypatch
):
    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", 3)
    finance = create_user(Role.FINANCE_OFFICER, institution=staffed)
    db.session.commit()
    login_as(finance)

    response = client.get(f"/hr/{staffed.id}/roster/export?q=测试")
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    assert job.kind == "hr.roster_export"
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert (job.done, job.total) == (5, 5)
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "已导出 5 人的花名册" in page

    download = client.get(f"/jobs/{job_id}/file")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment;")
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    assert [sheet.cell(row=r, column=2).value for r in range(2, 7)] == [
        f"T{n:04d}" for n in range(1, 6)
    ]
    # The worker judged access as the page does: a finance officer sees masked numbers.
    assert sheet["D2"].value == _id(1)[:6] + "********" + _id(1)[-4:]


def test_a_small_export_is_still_sent_at_once(app, client, login_as, staffed, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", 5)
    login_as(create_user(Role.HR_OFFICER, institution=staffed))
    response = client.get(f"/hr/{staffed.id}/roster/export")
    assert response.status_code == 200
    assert len(read_workbook(response.data, ROSTER_SPEC).rows) == 5


def test_the_job_refuses_someone_without_access(app, staffed, monkeypatch):
    from core.jobs import start_job

    outsider = create_user(Role.HR_OFFICER, institution=create_institution(name="别的学校"))
    db.session.commit()
    job = start_job(
        "hr.roster_export", params={"args": {}}, institution_id=staffed.id, actor=outsider
    )
    db.session.commit()
    db.session.refresh(job)
    assert job.status == JobStatus.FAILED
    assert job.file_id is None


def test_a_large_staff_list_export_runs_as_a_job_with_the_lists_sort(
    app, client, login_as, staffed, monkeypatch
):
    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", 3)
    login_as(create_user(Role.HR_OFFICER, institution=staffed))
    response = client.get(f"/hr/{staffed.id}/staff/export?sort=staff_number&dir=desc")
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    assert job.kind == "hr.staff_export"
    assert job.status == JobStatus.SUCCEEDED, job.errors
    assert (job.done, job.total) == (5, 5)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/jobs/{job_id}/file").data)).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert numbers == [f"T{n:04d}" for n in range(5, 0, -1)]


def test_a_large_posts_export_runs_as_a_job(app, client, login_as, staffed, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_JOB_ROWS", 3)
    login_as(create_user(Role.HR_OFFICER, institution=staffed))
    response = client.get(f"/hr/{staffed.id}/posts/export?q=测试")
    assert response.status_code == 302
    job_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    assert job.kind == "hr.posts_export"
    assert job.status == JobStatus.SUCCEEDED, job.errors
    download = client.get(f"/jobs/{job_id}/file")
    assert download.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(download.data)).active
    assert sheet.max_row == 6  # the header and the five people's posts
