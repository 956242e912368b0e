"""Background jobs in immediate mode: start, progress, result, failure, double click, access."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core import jobs
from core.extensions import db
from core.i18n import msg
from core.jobs import Job, JobContext, JobKind, JobStatus, register_job_kind, start_job
from core.notifications import Notification
from core.roles import Role
from tests import factories
from tests.core import sample_jobs


@pytest.fixture(autouse=True)
def _kinds(app):
    sample_jobs.register(app)


def _messages(user) -> list[str]:
    notices = db.session.scalars(select(Notification).where(Notification.user_id == user.id))
    return [n.title for n in notices]


def _reload(job: Job) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job.id)


def test_a_job_runs_after_commit_and_lands_with_its_work(app, client, login_as):
    user = factories.create_user(Role.HR_OFFICER, institution=factories.create_institution())
    db.session.commit()
    job = start_job("test.count", params={"n": 4}, actor=user, label="名单.xlsx")
    assert job.status == JobStatus.QUEUED  # nothing runs before the commit
    assert _messages(user) == []
    db.session.commit()
    job = _reload(job)
    assert job.status == JobStatus.SUCCEEDED
    assert (job.done, job.total, job.percent) == (4, 4, 100)
    assert job.started_at <= job.finished_at
    assert job.summary == msg("已处理 %(n)d 项", n=4)
    assert job.errors == []
    assert _messages(user) == ["样例任务完成：4"]

    login_as(user)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "样例计数" in page and "名单.xlsx" in page and "已完成" in page
    assert "已处理 4 项" in page
    download = client.get(f"/jobs/{job.id}/file")
    assert download.status_code == 200
    assert download.data.decode() == "序号\n4\n"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    listing = client.get("/jobs/").get_data(as_text=True)
    assert f"/jobs/{job.id}" in listing


def test_progress_is_committed_apart_from_the_work(app):
    seen = []

    def run(ctx: JobContext):
        for i in range(1, 4):
            ctx.progress(i, 3)
            # What another session sees: the progress, while this job's work is uncommitted.
            other = db.session.session_factory()
            row = other.get(Job, ctx.job_id)
            seen.append((row.status, row.done, row.total))
            other.close()

    register_job_kind(app, JobKind("test.progress", "进度", run))
    job = start_job("test.progress")
    db.session.commit()
    assert seen == [("running", 1, 3), ("running", 2, 3), ("running", 3, 3)]
    assert _reload(job).status == JobStatus.SUCCEEDED


def test_progress_is_written_at_most_every_interval(app, monkeypatch):
    writes = []
    monkeypatch.setitem(app.config, "JOBS_PROGRESS_SECONDS", 3600)
    monkeypatch.setattr(jobs, "_write_progress", lambda *args: writes.append(args))

    def run(ctx: JobContext):
        for i in range(1, 101):
            ctx.progress(i, 100)

    register_job_kind(app, JobKind("test.many", "多步", run))
    job = start_job("test.many")
    db.session.commit()
    # The first and the last; the 98 in between fall inside the interval.
    assert writes == [(job.id, 1, 100), (job.id, 100, 100)]
    assert (_reload(job).done, _reload(job).total) == (100, 100)


def test_a_failed_job_keeps_every_error_and_none_of_its_work(app, client, login_as):
    user = factories.create_user(Role.HR_OFFICER, institution=factories.create_institution())
    db.session.commit()
    job = start_job("test.fail", actor=user)
    db.session.commit()
    job = _reload(job)
    assert job.status == JobStatus.FAILED
    assert job.error_messages == [
        "第 2 行「姓名」：不能为空",
        msg(
            "第 %(row)d 行「%(column)s」：%(reason)s", row=3, column="身份证号", reason="校验码不对"
        ),
    ]
    assert job.finished_at is not None
    assert _messages(user) == []  # rolled back with the job
    login_as(user)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "任务失败" in page
    assert "第 2 行「姓名」：不能为空" in page
    assert "第 3 行「身份证号」：校验码不对" in page
    assert client.get(f"/jobs/{job.id}/file").status_code == 404  # no result file


def test_an_unexpected_error_fails_the_job_with_a_general_message_and_a_log(app, caplog):
    with caplog.at_level(logging.ERROR, logger="core.jobs"):
        job = start_job("test.crash")
        db.session.commit()
    job = _reload(job)
    assert job.status == JobStatus.FAILED
    assert job.error_messages == [jobs.GENERIC_FAILURE]
    assert "a bug in the job" not in str(job.errors)  # internals stay in the log
    assert any("a bug in the job" in (r.exc_text or "") for r in caplog.records)


def test_a_job_the_broker_refuses_fails_instead_of_waiting_forever(app, monkeypatch):
    def broken(job_id):
        raise ConnectionError("redis is down")

    monkeypatch.setitem(app.extensions, "jobs_task", broken)
    job = start_job("test.count")
    db.session.commit()
    job = _reload(job)
    assert job.status == JobStatus.FAILED
    assert "后台队列" in str(job.error_messages[0])


def test_a_rolled_back_start_queues_nothing(app, monkeypatch):
    queued = []
    monkeypatch.setitem(app.extensions, "jobs_task", queued.append)
    start_job("test.count")
    db.session.rollback()
    db.session.commit()
    assert queued == []


def test_a_double_click_starts_one_job(app, monkeypatch):
    queued = []
    monkeypatch.setitem(app.extensions, "jobs_task", queued.append)  # keep them queued
    user = factories.create_user(Role.HR_OFFICER, institution=factories.create_institution())
    first = start_job("test.count", actor=user, idempotency_key="form-token-1")
    db.session.commit()
    second = start_job("test.count", actor=user, idempotency_key="form-token-1")
    db.session.commit()
    assert second.id == first.id
    assert queued == [first.id]
    # Another key, or no key, is another job.
    other = start_job("test.count", actor=user, idempotency_key="form-token-2")
    plain = start_job("test.count", actor=user)
    assert len({first.id, other.id, plain.id}) == 3
    # Once the first has ended, the same key may start it again.
    first.status = JobStatus.SUCCEEDED.value
    db.session.commit()
    again = start_job("test.count", actor=user, idempotency_key="form-token-1")
    assert again.id != first.id


def test_the_database_refuses_two_active_jobs_with_one_key(app, monkeypatch):
    queued = []
    monkeypatch.setitem(app.extensions, "jobs_task", queued.append)
    first = start_job("test.count", idempotency_key="k")
    db.session.commit()
    # Two requests racing: the second does not see the first before inserting.
    monkeypatch.setattr(jobs, "_active_job", lambda kind, key: None)
    with pytest.raises(IntegrityError):
        start_job("test.count", idempotency_key="k")
    # ... and when it then finds the winner's job, it returns that one.
    calls = iter([None, first])
    monkeypatch.setattr(jobs, "_active_job", lambda kind, key: next(calls))
    assert start_job("test.count", idempotency_key="k").id == first.id
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Job)) == 1
    assert queued == [first.id]


def test_an_unknown_kind_is_refused_at_start_and_failed_at_run(app):
    with pytest.raises(LookupError):
        start_job("test.nothing")
    job = Job(kind="test.gone", params={}, errors=[], status="queued", done=0)
    db.session.add(job)
    db.session.commit()
    with app.app_context():
        jobs.execute(job.id)
    job = _reload(job)
    assert job.status == JobStatus.FAILED
    assert "test.gone" in str(job.error_messages[0])


def test_a_job_runs_once(app):
    job = start_job("test.count")
    db.session.commit()
    finished_at = _reload(job).finished_at
    with app.app_context():
        jobs.execute(job.id)  # delivered twice: the second finds it no longer queued
    assert _reload(job).finished_at == finished_at


def test_only_the_starter_and_the_superuser_see_a_job(app, client, login_as, world):
    starter = world.users["hr_officer"]
    job = factories.finished_job(starter, world.mine)
    colleague = world.users["institution_admin"]
    db.session.commit()
    for user, status in (
        (starter, 200),
        (world.users["superuser"], 200),
        (colleague, 404),
        (world.users["staffing_office"], 404),
    ):
        login_as(user)
        for path in ("", "/status", "/file"):
            response = client.get(f"/jobs/{job.id}{path}")
            assert response.status_code == status, (user.username, path)
        listed = f"/jobs/{job.id}" in client.get("/jobs/").get_data(as_text=True)
        assert listed == (status == 200)


def test_the_staffing_office_sees_city_level_jobs_of_its_colleagues(app, client, login_as):
    one = factories.create_user(Role.STAFFING_OFFICE)
    other = factories.create_user(Role.STAFFING_OFFICE)
    city_job = factories.finished_job(one, None)
    institution_job = factories.finished_job(one, factories.create_institution())
    db.session.commit()
    login_as(other)
    assert client.get(f"/jobs/{city_job.id}").status_code == 200
    assert client.get(f"/jobs/{institution_job.id}").status_code == 404


def test_status_is_json_for_the_page_to_poll(app, client, login_as):
    user = factories.create_user(Role.HR_OFFICER, institution=factories.create_institution())
    job = Job(
        kind="test.count",
        started_by_id=user.id,
        status="running",
        done=250,
        total=1000,
        params={},
        errors=[],
    )
    db.session.add(job)
    db.session.commit()
    login_as(user)
    response = client.get(f"/jobs/{job.id}/status")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_json() == {
        "id": job.id,
        "status": "running",
        "status_label": "进行中",
        "finished": False,
        "done": 250,
        "total": 1000,
        "percent": 25,
        "errors": 0,
    }
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'data-finished="false"' in page
    assert f'data-job-status-url="/jobs/{job.id}/status"' in page
    assert "js/jobs.js" in page  # polling is a static script: the CSP forbids inline ones
    assert "<span data-job-done>250</span>" in page


def test_messages_survive_the_trip_through_json():
    message = msg("第 %(row)d 行：%(reason)s", row=2, reason=msg("不能为空"))
    assert jobs.decode_message(jobs.encode_message(message)) == message
    assert jobs.decode_message(jobs.encode_message("纯文本")) == "纯文本"


def test_a_flood_of_errors_is_cut_with_a_count():
    errors = jobs._encode_errors(f"第 {n} 行：错" for n in range(jobs.MAX_ERRORS + 5))
    assert len(errors) == jobs.MAX_ERRORS + 1
    assert jobs.decode_message(errors[-1]) == msg("另有 %(n)d 条错误未列出", n=5)
