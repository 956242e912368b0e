"""Browser-test fixtures: a real server on a fresh, seeded database, and headless Chromium.

Nothing here uses the unit-test fixtures of tests/conftest.py: the server runs in its own
process, exactly as ``flask --app wsgi run`` would, against its own database (a SQLite file,
or ``<dbname>_e2e`` next to TEST_DATABASE_URL on PostgreSQL). Chromium is Debian's
(``CHROMIUM_PATH``, default /usr/bin/chromium); Playwright never downloads a browser.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO_PASSWORD = "demo-2026"
SERVER_START_TIMEOUT = 30  # seconds
DEFAULT_TIMEOUT_MS = 10_000
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


# --- database -------------------------------------------------------------------------------


class _PostgresDatabase:
    """A throwaway database ``<dbname>_e2e`` on the server that TEST_DATABASE_URL names."""

    def __init__(self, url: str) -> None:
        from sqlalchemy.engine import make_url

        base = make_url(url)
        self.name = f"{base.database or 'test'}_e2e"
        if not re.fullmatch(r"[A-Za-z0-9_]+", self.name):
            raise ValueError(f"unexpected database name {self.name!r}")
        self.url = base.set(database=self.name).render_as_string(hide_password=False)
        self._connect_args = {
            "host": base.host or "127.0.0.1",
            "port": base.port or 5432,
            "user": base.username,
            "password": base.password,
        }
        self._maintenance_dbs = ["postgres", base.database or "postgres"]

    def _execute(self, sql: str) -> None:
        import psycopg

        last_error: Exception | None = None
        for dbname in self._maintenance_dbs:
            try:
                conn = psycopg.connect(dbname=dbname, autocommit=True, **self._connect_args)
            except psycopg.OperationalError as error:  # no `postgres` db: use the given one
                last_error = error
                continue
            with conn:
                conn.execute(sql)
            return
        raise RuntimeError(f"cannot reach PostgreSQL for {self.name}: {last_error}")

    def create(self) -> None:
        self.drop()
        self._execute(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        # FORCE (PostgreSQL 13+) ends connections a killed server may have left behind.
        self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def e2e_database_url(tmp_path_factory) -> Iterator[str]:
    """Return the URL of a new, empty database that only the browser tests use."""
    test_url = os.environ.get("TEST_DATABASE_URL", "")
    if test_url.startswith("postgresql"):
        database = _PostgresDatabase(test_url)
        database.create()
        try:
            yield database.url
        finally:
            database.drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'e2e.db'}"


# --- server ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(e2e_database_url, tmp_path_factory) -> Iterator[str]:
    """Migrate and seed the database, serve the app on a free port with a job worker beside
    it (as ``make run`` does), and yield its base URL."""
    logs = tmp_path_factory.mktemp("e2e-server")
    env = {
        **os.environ,
        "DATABASE_URL": e2e_database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "FLASK_DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
        # this session's own queue: a SQLite and a PostgreSQL run side by side never share one
        "JOBS_QUEUE_FILE": str(logs / "jobs-queue.db"),
    }
    env.pop("REDIS_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    for command in (["db", "upgrade"], ["seed-demo"]):
        result = subprocess.run(
            [*flask, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
        )
        if result.returncode != 0:
            pytest.fail(
                f"`flask {' '.join(command)}` failed ({result.returncode}):\n"
                f"{result.stdout}\n{result.stderr}",
                pytrace=False,
            )

    port = _free_port()
    log_path = logs / "server.log"
    with (logs / "worker.log").open("wb") as log:
        worker = subprocess.Popen(
            [str(Path(sys.executable).with_name("huey_consumer")), "core.worker.huey", "-w", "1"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [*flask, "run", "--host", "127.0.0.1", "--port", str(port), "--no-reload"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not _port_answers(port):
            if server.poll() is not None or time.monotonic() > deadline:
                reason = (
                    f"exited with {server.returncode}"
                    if server.returncode is not None
                    else f"did not answer on port {port} within {SERVER_START_TIMEOUT} s"
                )
                pytest.fail(
                    f"the e2e server {reason}:\n{log_path.read_text(errors='replace')}",
                    pytrace=False,
                )
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        for process in (server, worker):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- browser --------------------------------------------------------------------------------


def _chromium_path() -> str | None:
    configured = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    if Path(configured).is_file() and os.access(configured, os.X_OK):
        return configured
    return shutil.which(configured)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright's sync API."""
    path = _chromium_path()
    if path is None:
        message = (
            f"Chromium not found at {os.environ.get('CHROMIUM_PATH', '/usr/bin/chromium')!r}: "
            "install Debian's `chromium` (apt-get install chromium fonts-noto-cjk) "
            "or set CHROMIUM_PATH"
        )
        if _in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(
            executable_path=path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., object]]:
    """Return a factory of pages, each in its own browser context (its own cookies).

    Keyword arguments go to ``browser.new_context`` (e.g. ``viewport``); every context is
    closed when the test ends.
    """
    contexts = []

    def _new_page(**options):
        options.setdefault("locale", "zh-CN")
        options.setdefault("timezone_id", "Asia/Shanghai")
        context = browser.new_context(base_url=live_server, accept_downloads=True, **options)
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield _new_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop page in a fresh browser context."""
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture(scope="session")
def institution_paths(browser, live_server) -> dict[str, str]:
    """Map each seeded institution's name to its detail path, as the staffing office sees it."""
    context = browser.new_context(base_url=live_server, locale="zh-CN")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    try:
        page = context.new_page()
        _login(page, "bianban")
        page.goto("/institutions/")
        links = page.locator("table tbody tr td:first-child a")
        return {
            name.strip(): href
            for name, href in zip(
                links.all_inner_texts(),
                [link.get_attribute("href") for link in links.all()],
                strict=True,
            )
        }
    finally:
        context.close()


# --- helpers used by the tests --------------------------------------------------------------


def _login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the login form and wait for the home page's greeting."""
    from playwright.sync_api import expect

    page.goto("/login")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.locator("h1")).to_contain_text("您好，")


def _screenshot(page, name: str) -> None:
    """Save a full-page screenshot to screenshots/<name>.png when E2E_SCREENSHOTS=1."""
    if os.environ.get("E2E_SCREENSHOTS") != "1":
        return
    directory = ROOT / "screenshots"
    directory.mkdir(exist_ok=True)
    page.screenshot(path=str(directory / f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def login() -> Callable[..., None]:
    """Return ``login(page, username, password=DEMO_PASSWORD)``."""
    return _login


@pytest.fixture(scope="session")
def screenshot() -> Callable[..., None]:
    """Return ``screenshot(page, name)``, a no-op unless E2E_SCREENSHOTS=1."""
    return _screenshot
