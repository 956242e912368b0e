"""Concurrent writers through a real server: votes and imports queue, nothing answers 500.

gunicorn runs the app as production does (``wsgi:app``, CSRF on) with two worker processes of
several threads each, against a database of its own: a SQLite file, or on PostgreSQL a
database ``<db>_web_concurrency`` next to TEST_DATABASE_URL (created and dropped here;
skipped without it). Sixteen council members sign in and then vote at once, several times
each, on one open motion while HR officers upload roster files at the same moment: three
different files and a second copy of the first. Every request must be answered without a
500; every ballot lands, the count has one ballot per member, the chain verifies; each
different file lands whole, and of the two copies exactly one lands.
"""

from __future__ import annotations

import http.cookiejar
import io
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from core import config as app_config
from core.app import create_app
from core.extensions import db
from core.roles import Role
from hr.models import Employment
from institutions.governance import queries
from institutions.governance.cli import governance_cli
from institutions.governance.models import Motion, MotionStatus
from institutions.governance.motions import operations as motion_ops
from tests import factories
from tests.governance_db.helpers import convene, make_council, motion_on
from tests.hr.roster.test_roster import _row, _xlsx

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
VOTERS = 16
VOTES_EACH = 6
ROWS_PER_FILE = 25
FILES = 3
CHOICES = ("no", "abstain", "yes")
SERVER_START_TIMEOUT = 30
REQUEST_TIMEOUT = 60
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# --------------------------------------------------------------------------- database


def _admin_execute(url, *statements: str) -> None:
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, tmp_path):
    """Yield the URL of an empty database of the parametrised kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'server.db'}"
        return
    if not PG_URL.startswith("postgresql"):
        pytest.skip("needs TEST_DATABASE_URL on PostgreSQL")
    base = make_url(PG_URL)
    name = f"{base.database}_web_concurrency"
    drop = f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    _admin_execute(base, drop, f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        _admin_execute(base, drop)


# --------------------------------------------------------------------------- server


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(database, tmp_path):
    """Yield (base URL, database URL, the setup app) with gunicorn serving that database."""
    app = create_app(app_config.TestConfig(database, tmp_path))
    with app.app_context():
        upgrade()
        db.session.remove()
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "SECRET_KEY": "concurrency-test-secret",
        "PYTHONWARNINGS": "ignore",
    }
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn"),
            *("--workers", "2", "--worker-class", "gthread", "--threads", "8"),
            *("--bind", f"127.0.0.1:{port}", "--timeout", "120"),
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{base}/login", timeout=2) as response:
                    if response.status == 200:
                        break
            except (OSError, urllib.error.URLError):
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                log.flush()
                pytest.fail(
                    "gunicorn did not start:\n" + (tmp_path / "gunicorn.log").read_text()[-3000:]
                )
            time.sleep(0.2)
        yield base, app, tmp_path / "gunicorn.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --------------------------------------------------------------------------- clients


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One signed-in person: a cookie jar, the CSRF token, and the statuses it got."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.token = ""
        self.statuses: list[tuple[str, int]] = []

    def request(self, path: str, data: bytes | None = None, content_type: str = "") -> str:
        headers = {"Content-Type": content_type} if content_type else {}
        req = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(req, timeout=REQUEST_TIMEOUT) as response:
                status, body = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode(errors="replace")
            error.close()
        self.statuses.append((path, status))
        if found := _CSRF.search(body):
            self.token = found.group(1)
        return body

    def post(self, path: str, fields: dict) -> str:
        data = urllib.parse.urlencode({"csrf_token": self.token, **fields}).encode()
        return self.request(path, data, "application/x-www-form-urlencoded")

    def upload(self, path: str, content: bytes) -> str:
        boundary, body = encode_multipart(
            {
                "csrf_token": self.token,
                "file": FileStorage(stream=io.BytesIO(content), filename="花名册.xlsx"),
            }
        )
        return self.request(path, body, f"multipart/form-data; boundary={boundary}")

    def sign_in(self, username: str) -> None:
        self.request("/login")
        self.post("/login", {"username": username, "password": factories.PASSWORD})


# --------------------------------------------------------------------------- the test


def confirm_fields(page: str) -> dict[str, str]:
    """Return the confirmation form of an import preview (without its CSRF token)."""
    fields = {"step": "confirm"}
    for name in ("file_id", "key", "rows"):
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page) or re.search(
            rf'value="([^"]*)"[^>]*name="{name}"', page
        )
        assert found, f"the preview has no {name}"
        fields[name] = found.group(1)
    return fields


def test_simultaneous_votes_and_imports_queue_instead_of_failing(server):
    base, app, log = server
    now = datetime.now(UTC)
    with app.app_context():
        council = make_council(VOTERS)
        meeting = convene(council, scheduled_at=now)
        motion = motion_on(meeting, title="并发表决议案")
        motion_ops.open_voting(motion, actor=council.chair, now=now)
        school = council.institution
        factories.add_quota(school, "establishment", 500)
        factories.add_quota(school, "filed", 500)
        factories.create_department(school, "教务处")
        officers = [
            factories.create_user(Role.HR_OFFICER, institution=school) for _ in range(FILES + 1)
        ]
        db.session.commit()
        voters = [(m.id, m.username) for m in council.members]
        officer_names = [o.username for o in officers]
        institution_id, motion_id, code = school.id, motion.id, school.credit_code
        db.session.remove()

    files = [
        _xlsx([_row(code, k * ROWS_PER_FILE + n) for n in range(1, ROWS_PER_FILE + 1)])
        for k in range(FILES)
    ]
    uploads = [*files, files[0]]  # the last one repeats the first
    vote_path = f"/governance/{institution_id}/motions/{motion_id}/vote"
    motion_path = f"/governance/{institution_id}/motions/{motion_id}"
    import_path = f"/hr/{institution_id}/roster/import"

    barrier = threading.Barrier(VOTERS + len(uploads))
    browsers: list[Browser] = []
    upload_status: dict[int, int] = {}
    upload_body: dict[int, str] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def voter(username: str) -> None:
        browser = Browser(base)
        with lock:
            browsers.append(browser)
        barrier.wait()  # the sign-ins race each other too
        browser.sign_in(username)
        browser.request(motion_path)
        for i in range(VOTES_EACH):
            browser.post(vote_path, {"choice": CHOICES[i % len(CHOICES)], "reason": f"第{i}次"})

    def importer(index: int) -> None:
        browser = Browser(base)
        with lock:
            browsers.append(browser)
        browser.sign_in(officer_names[index])
        browser.request(import_path)
        preview = browser.upload(import_path, uploads[index])  # checked, kept, previewed
        assert browser.statuses[-1][1] == 200, preview[-2000:]
        fields = confirm_fields(preview)
        barrier.wait()  # the confirmations (checked again, then written) race each other
        body = browser.post(import_path, fields)
        upload_status[index] = browser.statuses[-1][1]
        upload_body[index] = body

    def guarded(work, *args) -> threading.Thread:
        def run():
            try:
                work(*args)
            except BaseException as error:  # noqa: BLE001 - reported below
                with lock:
                    errors.append(error)
                barrier.abort()

        return threading.Thread(target=run)

    threads = [guarded(voter, name) for _, name in voters]
    threads += [guarded(importer, i) for i in range(len(uploads))]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
        assert not thread.is_alive(), "a client hung"
    elapsed = time.monotonic() - started

    assert errors == []
    statuses = Counter(status for b in browsers for _, status in b.statuses)
    failed = [(path, status) for b in browsers for path, status in b.statuses if status >= 500]
    assert failed == [], (
        f"{len(failed)} answers ≥ 500 in {elapsed:.1f} s:\n" + log.read_text()[-4000:]
    )
    # every sign-in and every ballot went through
    votes = [s for b in browsers for path, s in b.statuses if path == vote_path]
    assert votes == [302] * (VOTERS * VOTES_EACH), statuses
    # each different file landed whole; of the two copies of the first, exactly one did
    assert [upload_status[i] for i in (1, 2)] == [302, 302]
    copies = sorted([(upload_status[i], upload_body[i]) for i in (0, FILES)])
    assert copies[0][0] == 302
    # the copy that lost: refused by row (SQLite: the writers queued) or, when both passed
    # the checks at once (PostgreSQL), told that another import got there first
    assert copies[1][0] in {409, 422}
    if copies[1][0] == 409:
        assert "另一项导入正在进行，请稍后再试。" in copies[1][1]
    else:
        assert "在本单位已被使用" in copies[1][1], copies[1][1][-2000:]

    with app.app_context():
        motion = db.session.get(Motion, motion_id)
        motion_ops.close_motion(motion, actor=None, now=datetime.now(UTC))
        db.session.commit()
        member_ids = sorted(member_id for member_id, _ in voters)
        # one counted ballot per member, the last one each sent (yes)
        assert motion.status == MotionStatus.PASSED
        assert motion.outcome["voters"] == member_ids
        assert (motion.outcome["yes"], motion.outcome["no"]) == (VOTERS, 0)
        assert sorted(queries.latest_ballots(motion)) == member_ids
        assert len(queries.ballot_history(motion)) == VOTERS * VOTES_EACH
        staff = db.session.scalar(
            select(func.count())
            .select_from(Employment)
            .where(Employment.institution_id == institution_id)
        )
        assert staff == FILES * ROWS_PER_FILE
        runner = app.test_cli_runner()
        if "governance" not in app.cli.commands:
            app.cli.add_command(governance_cli)
        verified = runner.invoke(args=["governance", "verify"])
        assert verified.exit_code == 0, verified.output
        db.session.remove()
