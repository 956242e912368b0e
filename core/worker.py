"""The background worker's entry point: ``huey_consumer core.worker.huey``.

It builds the app from the same environment as the web server (``DATABASE_URL``,
``REDIS_URL``, ...) so the worker sees the same database, queue and job kinds. ``make run``
starts one beside the development server; in production run it as its own service, e.g.
``huey_consumer core.worker.huey -w 2`` under systemd, as many as the work needs.
"""

from __future__ import annotations

import logging

from core.app import create_app

# huey_consumer gives the "huey" logger its own handler; the app's root handler would print
# every line a second time.
logging.getLogger("huey").propagate = False

app = create_app()
#: the queue the consumer reads; jobs are registered on it by create_app()
huey = app.extensions["huey"]
