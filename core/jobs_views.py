"""Pages of background jobs: my recent jobs, one job's progress and outcome, its result file.

A job is seen by whoever started it and by the superuser (and a city-level job, one without
an institution, by the staffing office); anyone else gets a 404, as for any object outside
their scope.
"""

from __future__ import annotations

from flask import Blueprint, abort, jsonify, render_template
from flask_login import current_user, login_required
from sqlalchemy import select

from core import files
from core.extensions import db
from core.jobs import Job, visible_to
from core.listing import Sort, paginate

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

SORTS = {"created_at": Job.created_at}


def _job_or_404(job_id: int) -> Job:
    job = db.session.scalar(select(Job).where(Job.id == job_id, visible_to(current_user)))
    if job is None:
        abort(404)
    return job


@bp.route("/")
@login_required
def index():
    stmt = select(Job).where(visible_to(current_user))
    page = paginate(stmt, SORTS, Sort("created_at", True), Job.id.desc())
    return render_template("core/jobs/index.html", page=page)


@bp.route("/<int:job_id>")
@login_required
def detail(job_id: int):
    job = _job_or_404(job_id)
    return render_template(
        "core/jobs/detail.html",
        job=job,
        result_file=files.get(job.file_id),
        size_text=files.size_text,
    )


@bp.route("/<int:job_id>/status")
@login_required
def status(job_id: int):
    """The job's state as JSON, for the page to poll while it runs."""
    job = _job_or_404(job_id)
    response = jsonify(
        id=job.id,
        status=job.status,
        status_label=job.status_enum.label,
        finished=job.finished,
        done=job.done,
        total=job.total,
        percent=job.percent,
        errors=len(job.errors or []),
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/<int:job_id>/file")
@login_required
def download(job_id: int):
    job = _job_or_404(job_id)
    stored = files.get(job.file_id)
    if stored is None:
        abort(404)
    return files.send(stored)
