"""A roster import above the job size, started from the page, run by a real worker.

``huey_consumer core.worker.huey`` in its own process, once on the embedded setup (SqliteHuey
on a file) and once on the city setup (RedisHuey), against a scratch database (SQLite, or a
schema of TEST_DATABASE_URL). The person uploads, sees the preview, confirms, and is sent to
the job's page: queued, then the result; a file that no longer passes its check when the
worker takes it fails, and its page lists every error.
"""

from __future__ import annotations

import os
import signal
import subprocess
import uuid
from pathlib import Path

from sqlalchemy import func, select

from core.config import ROOT
from core.extensions import db
from core.jobs import Job
from core.roles import Role
from core.sqlite import reading
from hr.models import Employment
from hr.roster.imports import RosterImporter
from tests import factories
from tests.core.test_jobs_worker import CONSUMER, REDIS_URL, _redis_or_skip, _wait_for
from tests.hr.roster.test_roster import _row, _xlsx
from tests.imports import confirm_form, upload
from tests.scratch import dispose, make_app, migrate, scratch_database

ROWS = 40


def _run_with_worker(tmp_path: Path, queue: dict[str, str], monkeypatch) -> None:
    monkeypatch.setattr(RosterImporter, "job_threshold", 10)  # the web app's, in this process
    with scratch_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance", JOBS_IMMEDIATE=False, **queue)
        env = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith("JOBS_")
            },
            "DATABASE_URL": url,
            "SECRET_KEY": "worker-test",
            "PYTHONPATH": str(ROOT),
            **queue,
        }
        try:
            migrate(app)
            with app.app_context():
                _exercise(app, env)
        finally:
            with app.app_context():
                app.extensions["huey"].storage.flush_all()
            dispose(app)


def _exercise(app, env: dict[str, str]) -> None:
    school = factories.create_institution(name="后台导入学校")
    factories.create_department(school, "教务处")
    factories.add_quota(school, "establishment", 100)
    officer = factories.create_user(Role.HR_OFFICER, institution=school)
    db.session.commit()
    school_id, code = school.id, school.credit_code
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = officer.get_id()
    url = f"/hr/{school_id}/roster/import"

    good = upload(client, url, _xlsx([_row(code, n) for n in range(1, ROWS + 1)]), "大花名册.xlsx")
    assert good.status_code == 200 and "全部通过校验" in good.get_data(as_text=True)
    started = client.post(url, data=confirm_form(good))
    assert started.status_code == 302 and "/jobs/" in started.headers["Location"]
    job_page = started.headers["Location"]
    queued = client.get(job_page).get_data(as_text=True)
    assert "排队中" in queued and 'data-finished="false"' in queued
    assert "大花名册.xlsx" in queued

    # A second file passes its preview; by the time the worker takes it, two of its staff
    # numbers have been given to others: the job checks again and fails, listing both.
    bad_rows = [_row(code, n) for n in range(101, 113)]
    stale = upload(client, url, _xlsx(bad_rows), "过期花名册.xlsx")
    assert stale.status_code == 200
    for number in ("T0103", "T0108"):
        factories.create_employment(school, staff_number=number)
    db.session.commit()
    failing = client.post(url, data=confirm_form(stale))
    assert failing.status_code == 302
    failing_page = failing.headers["Location"]
    job_ids = [int(page.rsplit("/", 1)[1]) for page in (job_page, failing_page)]

    worker = subprocess.Popen(
        [str(CONSUMER), "core.worker.huey", "-w", "1", "-d", "0.05", "-m", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:

        def state(job_id: int) -> Job:
            db.session.rollback()
            with reading():
                return db.session.get(Job, job_id)

        _wait_for("the import job to end", lambda: state(job_ids[0]).finished, worker, 90)
        done = state(job_ids[0])
        assert done.status == "succeeded", done.error_messages
        assert (done.done, done.total) == (ROWS, ROWS)
        page = client.get(job_page).get_data(as_text=True)
        assert "任务已完成" in page and f"已导入 {ROWS} 人（新建人员 {ROWS} 名" in page
        polled = client.get(f"/jobs/{job_ids[0]}/status").get_json()
        assert polled["finished"] and polled["percent"] == 100

        _wait_for("the stale job to end", lambda: state(job_ids[1]).finished, worker, 90)
        failed = state(job_ids[1])
        assert failed.status == "failed"
        assert [str(e) for e in failed.error_messages] == [
            "第 4 行「工号」：工号「T0103」在本单位已被使用",
            "第 9 行「工号」：工号「T0108」在本单位已被使用",
        ]
        page = client.get(failing_page).get_data(as_text=True)
        assert "任务失败，没有写入任何数据" in page and "工号「T0108」在本单位已被使用" in page
        with reading():
            staff = db.session.scalar(
                select(func.count())
                .select_from(Employment)
                .where(Employment.institution_id == school_id)
            )
        assert staff == ROWS + 2  # the big file, and the two others; nothing of the stale one
    finally:
        worker.send_signal(signal.SIGINT)
        try:
            output, _ = worker.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output)


def test_a_roster_job_on_a_real_worker_on_sqlite(app, tmp_path, monkeypatch):
    _run_with_worker(
        tmp_path,
        {
            "JOBS_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
            "JOBS_QUEUE_FILE": str(tmp_path / "queue.db"),
        },
        monkeypatch,
    )


def test_a_roster_job_on_a_real_worker_on_redis(app, tmp_path, monkeypatch):
    _redis_or_skip()
    _run_with_worker(
        tmp_path,
        {"REDIS_URL": REDIS_URL, "JOBS_QUEUE": f"test_roster_{uuid.uuid4().hex[:12]}"},
        monkeypatch,
    )
