"""Background jobs with progress: long work runs in a worker, people watch it on a page.

A package declares the kinds of job it offers in its ``module.py`` (``jobs=(JobKind(...),)``),
and ``create_app`` registers them::

    JobKind("registry.import", msg("单位导入"), run_registry_import)

and a view starts one (it commits; the job is queued only once that commit has happened, so
the worker always finds the row)::

    job = start_job("registry.import", params={"file_id": f.id}, institution_id=inst.id,
                    actor=current_user, idempotency_key=form.job_key.data)
    db.session.commit()
    return redirect(url_for("jobs.detail", job_id=job.id))

``run(ctx)`` does the work in one transaction, calling ``ctx.progress(done, total)`` as it
goes, and returns a result dict (a ``summary`` message, and ``ctx.attach(...)`` for a file to
download). It raises :class:`JobFailed` with every error for an expected failure; then
nothing it wrote stays, and the job page lists the errors. Any other exception fails the job
with a general message, and is logged. A job never disappears.

What people see (status, progress, errors, result) lives in our ``jobs`` table; the broker
(Huey: SQLite file under ``instance/`` by default, Redis when ``REDIS_URL`` is set) only
carries "run job 42". The worker is ``huey_consumer core.worker.huey``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from flask import Flask, current_app, has_app_context
from flask_babel import lazy_gettext as _l
from huey import Huey, RedisHuey, SqliteHuey
from sqlalchemy import (
    JSON,
    ForeignKey,
    Index,
    Integer,
    String,
    and_,
    event,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.extensions import db
from core.i18n import Msg, msg
from core.models import UTCDateTime, utcnow

if TYPE_CHECKING:
    from core.auth.models import User

log = logging.getLogger(__name__)

#: Errors kept per job; a 100,000-row import with everything wrong lists the first ones.
MAX_ERRORS = 1000


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])

    @property
    def finished(self) -> bool:
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED)


STATUS_LABELS = {
    JobStatus.QUEUED: _l("排队中"),
    JobStatus.RUNNING: _l("进行中"),
    JobStatus.SUCCEEDED: _l("已完成"),
    JobStatus.FAILED: _l("失败"),
}
ACTIVE = (JobStatus.QUEUED.value, JobStatus.RUNNING.value)
_ACTIVE_SQL = "status IN ('queued', 'running')"


class Job(db.Model):
    """One piece of background work and everything a person sees of it."""

    __tablename__ = "jobs"
    __table_args__ = (
        Index("ix_jobs_started_by_created", "started_by_id", "created_at"),
        # The same key cannot start the same kind twice while one is queued or running.
        Index(
            "uq_jobs_active_key",
            "kind",
            "idempotency_key",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the registered kind, e.g. "registry.import"
    kind: Mapped[str] = mapped_column(String(80))
    #: what this run is about, shown under the kind's name (e.g. the uploaded file's name)
    label: Mapped[str | None] = mapped_column(String(200))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED.value)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: {"summary": message, "file_id": id, ...} once it succeeded
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: every error, as text or as {"msg": id, "params": {...}} translated where shown
    errors: Mapped[list[Any]] = mapped_column(JSON, default=list)
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: last progress written; a running job whose heartbeat stops has lost its worker
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    started_by: Mapped[User | None] = relationship("User", lazy="joined")

    @property
    def status_enum(self) -> JobStatus:
        return JobStatus(self.status)

    @property
    def finished(self) -> bool:
        return self.status_enum.finished

    @property
    def percent(self) -> int | None:
        """Progress in whole percent, or None while the total is unknown."""
        if self.status == JobStatus.SUCCEEDED:
            return 100
        if not self.total:
            return None
        return max(0, min(100, self.done * 100 // self.total))

    @property
    def kind_label(self) -> Msg | str:
        kind = job_kinds().get(self.kind) if has_app_context() else None
        return kind.label if kind is not None else self.kind

    @property
    def error_messages(self) -> list[Msg | str]:
        return [decode_message(item) for item in self.errors or []]

    @property
    def summary(self) -> Msg | str | None:
        value = (self.result or {}).get("summary")
        return decode_message(value) if value is not None else None

    @property
    def file_id(self) -> int | None:
        return (self.result or {}).get("file_id")

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status} {self.done}/{self.total}>"


# --- messages kept as JSON -----------------------------------------------------------------


def _json_value(value: Any) -> Any:
    """Return ``value`` as plain JSON (messages keep their id and parameters)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Msg):
        return encode_message(value)
    if isinstance(value, Mapping):
        return {str(key): _json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def encode_message(message: Msg | str | Any) -> Any:
    """Return a message as JSON: text stays text, a Msg keeps its id and parameters."""
    if isinstance(message, Msg):
        return {"msg": message.id, "params": {k: _json_value(v) for k, v in message.params.items()}}
    return str(message)


def decode_message(value: Any) -> Msg | str:
    """Return what :func:`encode_message` stored, ready to translate and show."""
    if isinstance(value, dict) and "msg" in value:
        params = {
            key: decode_message(item) if isinstance(item, dict) and "msg" in item else item
            for key, item in (value.get("params") or {}).items()
        }
        return Msg(str(value["msg"]), params)
    return str(value)


def _encode_errors(errors: Iterable[Any]) -> list[Any]:
    items = [encode_message(error) for error in errors]
    if len(items) > MAX_ERRORS:
        hidden = len(items) - MAX_ERRORS
        items = items[:MAX_ERRORS] + [
            encode_message(msg("另有 %(n)d 条错误未列出", n=hidden)),
        ]
    return items


def _encode_result(result: Mapping[str, Any] | None) -> dict[str, Any]:
    return {key: _json_value(value) for key, value in (result or {}).items()}


# --- kinds ---------------------------------------------------------------------------------


class JobFailed(Exception):  # noqa: N818 - it is what the job did, not an error in our code
    """An expected failure: ``errors`` (messages, texts or row errors) are shown in full."""

    def __init__(self, errors: Iterable[Any] | Msg | str) -> None:
        if isinstance(errors, Msg | str):
            errors = [errors]
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:3]))


@dataclass(frozen=True)
class JobKind:
    """A kind of background work: its name, the label people see, and what it runs."""

    name: str
    label: Msg | str
    run: Callable[[JobContext], Mapping[str, Any] | None]


def job_kinds(app: Flask | None = None) -> dict[str, JobKind]:
    """Return the registered job kinds of ``app`` (the current app by default)."""
    app = app or current_app
    return app.extensions.setdefault("job_kinds", {})


def register_job_kind(app: Flask, kind: JobKind) -> JobKind:
    """Offer ``kind`` in ``app``; a name can be registered once."""
    kinds = job_kinds(app)
    if kind.name in kinds and kinds[kind.name] is not kind:
        raise ValueError(f"job kind {kind.name!r} is registered twice")
    kinds[kind.name] = kind
    return kind


# --- starting ------------------------------------------------------------------------------

_PENDING = "jobs_to_enqueue"


def start_job(
    kind_name: str,
    *,
    params: Mapping[str, Any] | None = None,
    institution_id: int | None = None,
    actor: Any = None,
    idempotency_key: str | None = None,
    label: str | None = None,
) -> Job:
    """Add a queued job to the current transaction, or return the one already running.

    With ``idempotency_key`` (e.g. a token rendered into the form), a second start of the same
    kind with the same key while the first is queued or running returns the first: a double
    click starts one job. The job is handed to the worker after the transaction commits.
    """
    if kind_name not in job_kinds():
        raise LookupError(f"no job kind {kind_name!r} is registered")
    key = (idempotency_key or "").strip()[:100] or None
    if key is not None:
        existing = _active_job(kind_name, key)
        if existing is not None:
            return existing
    job = Job(
        kind=kind_name,
        label=label[:200] if label else None,
        params=_encode_result(params),
        institution_id=institution_id,
        started_by_id=getattr(actor, "id", None),
        status=JobStatus.QUEUED.value,
        done=0,
        errors=[],
        idempotency_key=key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(job)
            db.session.flush()
    except IntegrityError:
        # Another request with the same key got there first (a real double click).
        existing = _active_job(kind_name, key) if key is not None else None
        if existing is None:
            raise
        return existing
    db.session.info.setdefault(_PENDING, []).append(job.id)
    return job


def _active_job(kind_name: str, key: str) -> Job | None:
    return db.session.scalar(
        select(Job).where(Job.kind == kind_name, Job.idempotency_key == key, Job.status.in_(ACTIVE))
    )


@event.listens_for(Session, "after_commit")
def _enqueue_committed(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    if not has_app_context():  # pragma: no cover - Flask-SQLAlchemy sessions live in one
        log.error("jobs %s committed outside an app context stay queued", pending)
        return
    app = current_app._get_current_object()
    for job_id in pending:
        try:
            app.extensions["jobs_task"](job_id)
        except Exception:  # the broker is down: the job must say so, not wait forever
            log.exception("could not queue job %s", job_id)
            _record_outcome(
                app,
                job_id,
                JobStatus.FAILED,
                errors=[msg("无法把任务交给后台队列，请稍后重试；如仍不行，请联系系统管理员。")],
            )


@event.listens_for(Session, "after_rollback")
def _forget_uncommitted(session: Session) -> None:
    session.info.pop(_PENDING, None)


# --- running -------------------------------------------------------------------------------


@dataclass
class JobContext:
    """What a job's ``run`` gets: its parameters and ways to report progress and results."""

    job_id: int
    kind: str
    params: dict[str, Any]
    institution_id: int | None
    actor: Any
    done: int = 0
    total: int | None = None
    result: dict[str, Any] = field(default_factory=dict)
    _written_at: float | None = field(default=None, repr=False)

    def progress(self, done: int, total: int | None = None) -> None:
        """Record that ``done`` of ``total`` units are done; the job page shows it soon.

        Written in its own short transaction (at most every ``JOBS_PROGRESS_SECONDS``, and
        always at the end), so it is visible while the job's own work is still uncommitted.
        SQLite has one writer and snapshot reads: there, progress is written only while the
        job has no transaction open (reading a file, checking rows in memory), and is
        skipped rather than waited for if another writer holds the lock. The outcome is
        always written when the job ends.
        """
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        interval = float(current_app.config.get("JOBS_PROGRESS_SECONDS", 0.5))
        at_end = self.total is not None and done >= self.total
        recent = self._written_at is not None and now - self._written_at < interval
        if recent and not at_end:
            return
        self._written_at = now
        _write_progress(self.job_id, self.done, self.total)

    def attach(
        self,
        content: bytes | IO[bytes],
        filename: str,
        *,
        allowed: Iterable[str] | None = None,
    ) -> int:
        """Keep a result file (e.g. an export) for the job's page to offer; return its id."""
        from core import files

        stored = files.store(
            content,
            filename,
            purpose="job.result",
            institution_id=self.institution_id,
            actor=self.actor,
            allowed=frozenset(allowed) if allowed is not None else files.RESULTS,
            max_bytes=None,
        )
        self.result["file_id"] = stored.id
        return stored.id

    def fail(self, errors: Iterable[Any] | Msg | str) -> None:
        """Stop the job as failed with ``errors``; nothing it wrote is kept."""
        raise JobFailed(errors)


def _write_progress(job_id: int, done: int, total: int | None) -> None:
    stmt = (
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.RUNNING.value)
        .values(done=done, total=total, updated_at=utcnow())
    )
    bind = db.session.get_bind()
    try:
        if isinstance(bind, Connection):  # the test suite: one connection, savepoints
            with bind.begin_nested():
                bind.execute(stmt)
            return
        if bind.dialect.name == "sqlite" and db.session().in_transaction():
            # SQLite (WAL): a job that has read in its still-open transaction could not write
            # after another connection commits, so its progress waits for the job's end.
            return
        with bind.connect() as conn:
            if bind.dialect.name != "sqlite":
                conn.execute(stmt)
                conn.commit()
                return
            # One writer at a time on SQLite: if the job itself holds the lock, skip rather
            # than wait. Set on the driver's connection, before any BEGIN is sent.
            raw = conn.connection.dbapi_connection
            waited = raw.execute("PRAGMA busy_timeout").fetchone()[0]
            raw.execute("PRAGMA busy_timeout=50")
            try:
                conn.execute(stmt)
                conn.commit()
            finally:
                conn.rollback()
                raw.execute(f"PRAGMA busy_timeout={int(waited)}")
    except SQLAlchemyError as error:
        log.info("progress of job %s not written now: %s", job_id, error)


def _record_outcome(
    app: Flask,
    job_id: int,
    status: JobStatus,
    *,
    errors: Iterable[Any] = (),
    result: Mapping[str, Any] | None = None,
) -> None:
    """Write a job's end in a transaction of its own (used when its work was rolled back)."""
    with app.app_context():
        job = db.session.get(Job, job_id)
        if job is None:
            return
        job.status = status.value
        job.errors = _encode_errors(errors)
        job.result = _encode_result(result) if result is not None else None
        job.finished_at = job.updated_at = utcnow()
        job.started_at = job.started_at or job.finished_at
        db.session.commit()


GENERIC_FAILURE = msg("任务运行时出现意外错误，已记入系统日志。请联系系统管理员。")


def execute(job_id: int) -> None:
    """Run a queued job to its end, inside an app context; every outcome is recorded."""
    app = current_app._get_current_object()
    claimed = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == JobStatus.QUEUED.value)
        .values(status=JobStatus.RUNNING.value, started_at=utcnow(), updated_at=utcnow())
    ).rowcount
    db.session.commit()
    if not claimed:
        log.warning("job %s is not queued (gone, or run already); skipped", job_id)
        return
    job = db.session.get(Job, job_id)
    kind_name = job.kind
    kind = job_kinds().get(kind_name)
    if kind is None:
        db.session.rollback()
        _record_outcome(
            app, job_id, JobStatus.FAILED, errors=[msg("未知的任务类型：%(kind)s", kind=kind_name)]
        )
        return
    from core.auth.models import User

    actor = db.session.get(User, job.started_by_id) if job.started_by_id else None
    context = JobContext(
        job_id=job.id,
        kind=job.kind,
        params=dict(job.params or {}),
        institution_id=job.institution_id,
        actor=actor,
        done=job.done,
        total=job.total,
    )
    db.session.commit()  # start the work without a transaction open (see progress())
    try:
        returned = kind.run(context)
        result = {**context.result, **dict(returned or {})}
        job = db.session.get(Job, job_id)
        job.total = context.total
        job.done = context.total if context.total is not None else context.done
        job.status = JobStatus.SUCCEEDED.value
        job.result = _encode_result(result)
        job.finished_at = job.updated_at = utcnow()
        db.session.commit()  # the job's work and its outcome land together
    # After a rollback nothing of this session is touched again: the failure is written in a
    # transaction of its own, so it is recorded whatever state the work left the session in.
    except JobFailed as failure:
        db.session.rollback()
        _record_outcome(app, job_id, JobStatus.FAILED, errors=failure.errors)
    except Exception:
        db.session.rollback()
        log.exception("job %s (%s) failed unexpectedly", job_id, kind.name)
        _record_outcome(app, job_id, JobStatus.FAILED, errors=[GENERIC_FAILURE])


# --- the broker ----------------------------------------------------------------------------


def make_huey(config: Mapping[str, Any]) -> Huey:
    """Return the queue: Redis when ``REDIS_URL`` is set, else a SQLite file; in-process in
    immediate mode (the tests)."""
    name = config.get("JOBS_QUEUE") or "institutions"
    immediate = bool(config.get("JOBS_IMMEDIATE"))
    if config.get("REDIS_URL"):
        return RedisHuey(name, url=config["REDIS_URL"], immediate=immediate, results=False)
    path = Path(config["JOBS_QUEUE_FILE"])
    if not immediate:
        path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=str(path), immediate=immediate, results=False)


def init_app(app: Flask) -> None:
    """Give ``app`` its queue, the task that runs jobs, the job kinds registry and pages."""
    huey = make_huey(app.config)

    @huey.task(name="run_job")
    def run_job(job_id: int) -> None:
        with app.app_context():
            execute(job_id)

    app.extensions["huey"] = huey
    app.extensions["jobs_task"] = run_job
    app.extensions.setdefault("job_kinds", {})

    from core import jobs_views

    app.register_blueprint(jobs_views.bp)


def visible_to(user: Any):
    """Return a WHERE clause for the jobs ``user`` may see: their own; the superuser all;
    the staffing office also the city-level jobs (no institution) of its colleagues."""
    if user is None or not getattr(user, "is_authenticated", False):
        return Job.id.is_(None)
    if user.is_superuser:
        return Job.id.isnot(None)
    from core.permissions import AUDIT_VIEW, scope_for

    own = Job.started_by_id == user.id
    if scope_for(user, AUDIT_VIEW).city_wide:
        return or_(own, and_(Job.institution_id.is_(None), Job.started_by_id.isnot(None)))
    return own


__all__ = [
    "Job",
    "JobContext",
    "JobFailed",
    "JobKind",
    "JobStatus",
    "decode_message",
    "encode_message",
    "execute",
    "init_app",
    "job_kinds",
    "make_huey",
    "register_job_kind",
    "start_job",
    "visible_to",
]
