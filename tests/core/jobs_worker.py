"""The worker entry point the real-worker tests start: ``huey_consumer
tests.core.jobs_worker.huey``. It is ``core.worker`` plus the tests' sample job kinds."""

from __future__ import annotations

from core.worker import app, huey
from tests.core.sample_jobs import register

register(app)

__all__ = ["app", "huey"]
