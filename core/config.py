"""Configuration read from environment variables, with safe defaults for one machine."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"


def _secret_key(instance_path: Path) -> str:
    """Return SECRET_KEY from the environment, or one generated once into instance/."""
    from_env = os.environ.get("SECRET_KEY")
    if from_env:
        return from_env
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Settings for a deployment; every value can be overridden from the environment."""

    def __init__(self, instance_path: Path = INSTANCE) -> None:
        self.SECRET_KEY = _secret_key(instance_path)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'app.db'}"
        )
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        # SQLite: how long a write waits for another writer to finish before giving up
        # (then the user gets a 409 page asking to try again, never a 500).
        self.SQLITE_BUSY_TIMEOUT = float(os.environ.get("SQLITE_BUSY_TIMEOUT", "10"))
        # Uploads (Excel imports, meeting papers) above this size get a 413 page.
        self.MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_MB", "20")) * 1024 * 1024
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        self.PERMANENT_SESSION_LIFETIME = int(os.environ.get("SESSION_HOURS", "8")) * 3600
        # "Keep me signed in" on a device; signing out ends it everywhere at once.
        self.REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "30")))
        self.WTF_CSRF_TIME_LIMIT = None  # tied to the session instead of a wall clock
        self.BABEL_DEFAULT_LOCALE = "zh"
        self.BABEL_DEFAULT_TIMEZONE = os.environ.get("APP_TIMEZONE", "Asia/Shanghai")
        self.BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "translations")
        self.LANGUAGES = {"zh": "中文", "en": "English"}
        self.BOOTSTRAP_SERVE_LOCAL = True
        self.LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
        self.LOGIN_LOCK_MINUTES = int(os.environ.get("LOGIN_LOCK_MINUTES", "15"))
        self.PAGE_SIZE = 20
        # E-mail for notices; without MAIL_SERVER messages go to the in-app inbox only.
        self.MAIL_SERVER = os.environ.get("MAIL_SERVER")
        self.MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
        self.MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)
        self.MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
        self.MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
        self.MAIL_FROM = os.environ.get("MAIL_FROM", "no-reply@localhost")
        #: used to turn in-app links into full addresses in e-mails
        self.APP_BASE_URL = os.environ.get("APP_BASE_URL", "")
        # Background jobs (core/jobs.py): Redis when REDIS_URL is set (several servers and
        # workers share it), else a SQLite file under instance/ (one machine, no server).
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.JOBS_QUEUE = os.environ.get("JOBS_QUEUE", "institutions")
        self.JOBS_QUEUE_FILE = os.environ.get(
            "JOBS_QUEUE_FILE", str(instance_path / "jobs-queue.db")
        )
        self.JOBS_IMMEDIATE = False
        self.JOBS_PROGRESS_SECONDS = 0.5
        # Exports of more rows than this run as background jobs (core/http.py).
        self.EXPORT_JOB_ROWS = int(os.environ.get("EXPORT_JOB_ROWS", "20000"))
        # Stored files (core/files.py): in the database unless FILES_DIR names a directory
        # that every app server mounts.
        self.FILES_DIR = os.environ.get("FILES_DIR") or None


class TestConfig(Config):
    """Settings for the test suite: its own database, no CSRF unless a test turns it on."""

    TESTING = True

    def __init__(self, database_url: str, instance_path: Path) -> None:
        super().__init__(instance_path)
        self.TESTING = True
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.WTF_CSRF_ENABLED = False
        self.SECRET_KEY = "test-secret"
        # Hashing strength is not under test; a cheap method keeps fixtures fast.
        self.PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
        # Jobs run in the request that starts them, on an in-memory queue (Huey's immediate
        # mode); files go to the test database. A test that needs a real worker says so.
        self.REDIS_URL = None
        self.JOBS_IMMEDIATE = True
        self.JOBS_PROGRESS_SECONDS = 0
        self.FILES_DIR = None
