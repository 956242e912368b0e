"""A real worker: ``huey_consumer`` in its own process runs jobs the test app queues.

Once on the embedded setup (SqliteHuey on a file) and once on the city setup (RedisHuey;
Redis at 127.0.0.1:6379, database 7, a queue name of its own). Both check what a person
sees: progress while the job runs, the result when it ends, every error when it fails, and
one job for a double click.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core.config import ROOT
from core.extensions import db
from core.jobs import Job, JobStatus, start_job
from core.notifications import Notification
from core.roles import Role
from core.sqlite import reading
from tests import factories
from tests.core import sample_jobs
from tests.scratch import dispose, make_app, migrate, scratch_database

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
CONSUMER = Path(sys.executable).with_name("huey_consumer")


def _wait_for(what: str, check: Callable[[], object], worker, timeout: float = 90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        if worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) while waiting for {what}")
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        message = f"Redis is not reachable at {REDIS_URL}: {error}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


def _run_with_worker(tmp_path: Path, queue: dict[str, str]) -> None:
    with scratch_database(tmp_path) as url:
        app = make_app(url, tmp_path / "instance", JOBS_IMMEDIATE=False, **queue)
        sample_jobs.register(app)
        inherited = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "REDIS_URL"} and not k.startswith("JOBS_")
        }
        env = {
            **inherited,
            "DATABASE_URL": url,
            "SECRET_KEY": "worker-test",
            "PYTHONPATH": str(ROOT),
            **queue,
        }
        try:
            migrate(app)
            with app.app_context():
                _exercise(app, tmp_path, env)
        finally:
            with app.app_context():
                app.extensions["huey"].storage.flush_all()
            dispose(app)


def _exercise(app, tmp_path: Path, env: dict[str, str]) -> None:
    user = factories.create_user(Role.HR_OFFICER, institution=factories.create_institution())
    db.session.commit()
    gate = tmp_path / "gate"

    # A double click before any worker runs: two requests, one job, queued once.
    job = start_job(
        "test.count", params={"n": 5, "gate": str(gate)}, actor=user, idempotency_key="click"
    )
    db.session.commit()
    again = start_job(
        "test.count", params={"n": 5, "gate": str(gate)}, actor=user, idempotency_key="click"
    )
    db.session.commit()
    assert again.id == job.id
    failing = start_job("test.fail", actor=user)
    db.session.commit()
    job_id, failing_id = job.id, failing.id

    worker = subprocess.Popen(
        [str(CONSUMER), "tests.core.jobs_worker.huey", "-w", "1", "-d", "0.05", "-m", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:

        def state(target: int) -> Job:
            db.session.rollback()  # a fresh snapshot each time
            # A reader, as the web's GET pages are: on SQLite it must not hold the write
            # lock the worker needs for its progress (core/sqlite.py).
            with reading():
                return db.session.get(Job, target)

        # While it runs, its progress is visible to the web server (here: the test app).
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
        _wait_for(
            "progress 5/5 while the job is still running",
            lambda: (lambda j: j.status == JobStatus.RUNNING and (j.done, j.total) == (5, 5))(
                state(job_id)
            ),
            worker,
        )
        polled = client.get(f"/jobs/{job_id}/status").get_json()
        assert polled["status"] == "running" and polled["percent"] == 100
        assert not polled["finished"]
        page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
        assert "进行中" in page and 'data-finished="false"' in page

        gate.touch()
        _wait_for("the job to succeed", lambda: state(job_id).status == "succeeded", worker)
        finished = state(job_id)
        assert finished.errors == [] and finished.finished_at is not None
        assert client.get(f"/jobs/{job_id}/file").data.decode() == "序号\n5\n"
        assert "已处理 5 项" in client.get(f"/jobs/{job_id}").get_data(as_text=True)

        _wait_for("the failing job to fail", lambda: state(failing_id).status == "failed", worker)
        failed = state(failing_id)
        assert [str(e) for e in failed.error_messages] == [
            "第 2 行「姓名」：不能为空",
            "第 3 行「身份证号」：校验码不对",
        ]
        # The success's message landed; the failure's did not.
        notices = db.session.scalars(
            select(Notification).where(Notification.user_id == user.id)
        ).all()
        titles = [n.title for n in notices]
        assert titles == ["样例任务完成：5"]
        assert db.session.scalar(select(func.count()).select_from(Job)) == 2
    finally:
        worker.send_signal(signal.SIGINT)  # a graceful stop, as Ctrl-C in `make run`
        try:
            output, _ = worker.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            worker.kill()
            output, _ = worker.communicate()
        print(output)


def test_a_real_worker_on_sqlite(app, tmp_path):
    _run_with_worker(
        tmp_path,
        {
            "JOBS_QUEUE": f"test-{uuid.uuid4().hex[:8]}",
            "JOBS_QUEUE_FILE": str(tmp_path / "queue.db"),
        },
    )


def test_a_real_worker_on_redis(app, tmp_path):
    _redis_or_skip()
    _run_with_worker(
        tmp_path,
        {"REDIS_URL": REDIS_URL, "JOBS_QUEUE": f"test_jobs_{uuid.uuid4().hex[:12]}"},
    )
