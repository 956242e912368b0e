"""One import path for every Excel import: upload → read against a spec → check the whole
file → preview → confirm → write in one transaction (or as a job above a size) → summary.

An import is an :class:`Importer`: its column ``spec``, a ``check`` that turns the rows read
cleanly into a typed *plan* (or errors located by row and column), a ``preview`` of what the
plan will change, and a ``write`` that carries the plan out. Check and write are joined by
that plan value, never by keys hidden in the row dicts. Packages declare their importers in
``module.py`` under ``provides={"importers": [...]}``; views use :func:`import_page`, CLI
commands :func:`import_file`, and neither does anything else.

The upload is kept through ``core.files`` between the preview and the confirmation, so the
confirming request may reach another app server. The file is read and checked again when it
is confirmed: what was true at the preview may not be any more.
"""

from __future__ import annotations

import secrets
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import HiddenField
from wtforms.validators import DataRequired

from core import files
from core.bulk import gc_paused
from core.errors import Refusal
from core.excel import CellError, Spec, read_workbook
from core.extensions import db
from core.i18n import Msg, msg
from core.modules import platform

P = TypeVar("P")

#: Purpose recorded on an upload kept for a preview.
PURPOSE = "import:%s"


@dataclass
class ImportContext:
    """Who imports, into which institution (None: city-level), with which options."""

    actor: Any = None
    institution_id: int | None = None
    #: choices the person made on the preview page, e.g. {"create_departments": True}
    options: dict[str, Any] = field(default_factory=dict)
    #: True once the person has confirmed (or on the command line, and in a job): a check
    #: may then refuse what the preview offered as a choice the person did not take
    confirming: bool = False

    def to_params(self) -> dict[str, Any]:
        return {"institution_id": self.institution_id, "options": dict(self.options)}


@dataclass
class Checked(Generic[P]):
    """The outcome of checking a file: a plan to write, or every error found."""

    plan: P | None
    errors: list[CellError] = field(default_factory=list)
    #: data rows in the file
    rows: int = 0

    @property
    def ok(self) -> bool:
        return self.plan is not None and not self.errors


@dataclass
class Preview:
    """What a checked plan will change, for the person to confirm."""

    rows: int
    #: (what, how many), e.g. (msg("新增单位"), 12)
    counts: list[tuple[Msg | str, int]] = field(default_factory=list)
    #: (what, amount as text), e.g. money totals
    totals: list[tuple[Msg | str, str]] = field(default_factory=list)
    #: a sample of the changes, one line each
    changes: list[Msg | str] = field(default_factory=list)
    #: things worth a look that do not stop the import
    warnings: list[Msg | str] = field(default_factory=list)
    #: options the person may choose before confirming: (name, label)
    options: list[tuple[str, Msg | str]] = field(default_factory=list)


@dataclass
class Summary:
    """What a write did."""

    message: Msg | str
    counts: list[tuple[Msg | str, int]] = field(default_factory=list)
    #: where to go next (a URL), if anywhere in particular
    next_url: str | None = None


class Importer(ABC, Generic[P]):
    """One kind of Excel import. Subclasses set the class attributes and the three steps."""

    #: unique dotted name, e.g. "registry.institutions"
    name: str
    label: Msg | str
    spec: Spec
    #: most data rows a file may hold
    max_rows: int = 100_000
    #: above this many rows the write runs as a background job
    job_threshold: int = 5_000
    #: the permission needed (checked by the view with the context's institution)
    permission: str | None = None
    #: whether ``check`` also gets the rows with cells that did not convert (those fields
    #: None, their names in ``row["_invalid"]``), to report each row's other errors too
    checks_partial_rows: bool = False

    @abstractmethod
    def check(self, rows: list[dict[str, Any]], context: ImportContext) -> Checked[P]:
        """Check the rows that read cleanly against each other and the database."""

    @abstractmethod
    def preview(self, plan: P, context: ImportContext) -> Preview:
        """Describe what writing ``plan`` will change."""

    @abstractmethod
    def write(
        self, plan: P, context: ImportContext, progress: Callable[[int, int], None]
    ) -> Summary:
        """Carry the plan out (add and flush; the caller commits)."""

    def template_name(self) -> str:
        """Return the download name of the import template."""
        return f"{self.spec.title}导入模板.xlsx"


# --- the steps ------------------------------------------------------------------------------


def importers() -> dict[str, Importer]:
    """Return the importers the loaded modules declare, by name."""
    return {importer.name: importer for importer in platform().provided("importers")}


def importer_named(name: str) -> Importer:
    found = importers().get(name)
    if found is None:
        raise LookupError(f"no importer {name!r}")
    return found


def read_and_check(importer: Importer[P], source: Any, context: ImportContext) -> Checked[P]:
    """Read a workbook against the importer's spec and check every row, in one pass."""
    with gc_paused():
        return _read_and_check(importer, source, context)


def _read_and_check(importer: Importer[P], source: Any, context: ImportContext) -> Checked[P]:
    result = read_workbook(source, importer.spec, max_rows=importer.max_rows)
    rows = len(result.rows) + len({e.row for e in result.errors if e.row is not None})
    if any(e.row is None for e in result.errors):  # the file or its header is unusable
        return Checked(None, list(result.errors), rows)
    if not result.rows and not result.errors:
        return Checked(None, [CellError(None, None, msg("文件中没有数据行。"))], 0)
    data = result.rows
    if importer.checks_partial_rows and result.partial:
        data = sorted([*result.rows, *result.partial], key=lambda row: row["_row"])
    checked = importer.check(data, context) if data else Checked(None)
    order = {column.header: index for index, column in enumerate(importer.spec.columns)}
    errors = sorted(
        [*result.errors, *checked.errors],
        key=lambda e: (e.row or 0, order.get(e.column or "", len(order))),
    )
    checked.errors = errors
    checked.rows = rows
    if errors:
        checked.plan = None
    return checked


def write_checked(
    importer: Importer[P],
    checked: Checked[P],
    context: ImportContext,
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Write a checked plan (the caller commits)."""
    if not checked.ok:
        raise Refusal(msg("文件有错误，未导入任何数据"))
    with gc_paused():
        return importer.write(checked.plan, context, progress or (lambda done, total: None))


def import_file(importer: Importer[P], source: Any, context: ImportContext) -> Checked[P] | Summary:
    """Check and write a file in one go (CLI and jobs): the errors, or the summary."""
    context.confirming = True
    checked = read_and_check(importer, source, context)
    if not checked.ok:
        return checked
    return write_checked(importer, checked, context)


def stage(
    importer: Importer[P], upload: Any, context: ImportContext
) -> tuple[files.StoredFile | None, Checked[P]]:
    """Check an uploaded workbook; keep it for its confirmation only if it passed."""
    filename = upload.filename or ""
    if not filename.lower().endswith(".xlsx"):
        raise Refusal(msg("只接受 .xlsx 格式的 Excel 文件，请另存为 .xlsx 后上传"), field="file")
    data = upload.stream.read()
    checked = read_and_check(importer, data, context)
    if not checked.ok:
        return None, checked
    stored = files.store(
        data,
        filename,
        purpose=PURPOSE % importer.name,
        institution_id=context.institution_id,
        actor=context.actor,
        allowed={".xlsx"},
    )
    return stored, checked


def staged_file(
    importer: Importer, file_id: int | None, context: ImportContext
) -> files.StoredFile:
    """Return an upload kept for this importer, by this person, for this institution; or 404."""
    stored = files.get(file_id)
    if (
        stored is None
        or stored.purpose != PURPOSE % importer.name
        or stored.uploaded_by_id != getattr(context.actor, "id", None)
        or stored.institution_id != context.institution_id
    ):
        abort(404)
    return stored


# --- as a background job --------------------------------------------------------------------


def start_import_job(
    importer: Importer, stored: files.StoredFile, context: ImportContext, key: str
):
    """Queue the write of a large staged file; return the job (the caller commits)."""
    from core.jobs import start_job

    return start_job(
        "imports.run",
        params={"importer": importer.name, "file_id": stored.id, **context.to_params()},
        institution_id=context.institution_id,
        actor=context.actor,
        idempotency_key=key,
        label=stored.filename,
    )


def run_import_job(ctx: Any) -> dict[str, Any]:
    """The job kind ``imports.run``: check the kept file again and write it, or fail listing
    every error.

    The file is fetched in a read transaction that ends before the work starts, so on SQLite
    the job takes the write lock only for the check and the write, which must share one
    transaction (what was checked is what is written).
    """
    from core.jobs import JobFailed
    from core.sqlite import reading

    params = ctx.params
    importer = importer_named(params["importer"])
    context = ImportContext(
        ctx.actor, params.get("institution_id"), dict(params.get("options") or {}), True
    )
    with reading():
        stored = files.get(params["file_id"])
        data = files.read(stored) if stored is not None else None
    db.session.rollback()
    if data is None:
        raise JobFailed(msg("要导入的文件已不存在，请重新上传"))
    ctx.progress(0, None)
    checked = read_and_check(importer, data, context)
    if not checked.ok:
        raise JobFailed([e.as_msg() for e in checked.errors])
    ctx.progress(0, checked.rows)
    summary = write_checked(importer, checked, context, ctx.progress)
    ctx.progress(checked.rows, checked.rows)
    return {"summary": summary.message}


# --- the page -------------------------------------------------------------------------------


class UploadForm(FlaskForm):
    file = FileField(validators=[DataRequired()])


class ConfirmForm(FlaskForm):
    file_id = HiddenField()
    #: one per preview, so a double click confirms once
    key = HiddenField()
    #: data rows of the previewed file: above the importer's job size the confirmation
    #: goes straight to the job, which checks the file again (a changed value only moves
    #: the check from the request to the job)
    rows = HiddenField()


def import_page(
    importer: Importer[P],
    context: ImportContext,
    *,
    title: Msg | str,
    back_url: str,
    template_url: str | None = None,
    breadcrumbs: Sequence[tuple[Msg | str, str]] = (),
    notes: Sequence[Msg | str] = (),
    include: str | None = None,
    **template_vars: Any,
):
    """Serve an import: GET the upload form; POST a file for its check and preview; POST a
    confirmation to write it (or start a job above the importer's size).

    ``notes`` are the importer's own instructions, listed with the general ones; ``include``
    a template shown under the title (e.g. a package's tabs), rendered with
    ``template_vars``."""
    upload_form, confirm_form = UploadForm(), ConfirmForm()
    page = {
        "importer": importer,
        "title": title,
        "back_url": back_url,
        "template_url": template_url,
        "breadcrumbs": breadcrumbs,
        "upload_form": upload_form,
        "confirm_form": confirm_form,
        "checked": None,
        "preview": None,
        "stored": None,
        "notes": notes,
        "include": include,
        **template_vars,
    }
    if request.method == "GET":
        return render_template("core/import.html", **page)
    if request.form.get("step") == "confirm":
        return _confirm(importer, context, page)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        page["error"] = msg("请选择要上传的 Excel 文件")
        return render_template("core/import.html", **page), 422
    try:
        stored, checked = stage(importer, upload, context)
    except Refusal as refusal:
        db.session.rollback()
        page["error"] = refusal.message
        return render_template("core/import.html", **page), 422
    page.update(stored=stored, checked=checked)
    if not checked.ok:
        db.session.rollback()  # nothing is kept of a file that will not be imported
        return render_template("core/import.html", **page), 422
    db.session.commit()
    page["preview"] = importer.preview(checked.plan, context)
    confirm_form.file_id.data = stored.id
    confirm_form.key.data = secrets.token_urlsafe(12)
    confirm_form.rows.data = checked.rows
    return render_template("core/import.html", **page)


def _confirm(importer: Importer, context: ImportContext, page: dict[str, Any]):
    form: ConfirmForm = page["confirm_form"]
    if not form.validate_on_submit():
        abort(400)
    stored = staged_file(importer, int(form.file_id.data or 0), context)
    for name, value in request.form.items():
        if name.startswith("option_"):
            context.options[name.removeprefix("option_")] = value == "1"
    context.confirming = True
    key = form.key.data or stored.sha256
    if (form.rows.data or "").isdigit() and int(form.rows.data) > importer.job_threshold:
        job = start_import_job(importer, stored, context, key=key)
        db.session.commit()
        return redirect(url_for("jobs.detail", job_id=job.id))
    data = files.read(stored)
    checked = read_and_check(importer, data, context)
    page.update(stored=stored, checked=checked)
    if not checked.ok:
        db.session.rollback()
        return render_template("core/import.html", **page), 422
    if checked.rows > importer.job_threshold:
        job = start_import_job(importer, stored, context, key=key)
        db.session.commit()
        return redirect(url_for("jobs.detail", job_id=job.id))
    try:
        summary = write_checked(importer, checked, context)
    except Refusal as refusal:
        db.session.rollback()
        page["error"] = refusal.message
        return render_template("core/import.html", **page), 422
    db.session.commit()
    flash(str(summary.message), "success")
    return redirect(summary.next_url or page["back_url"])


def context_for_request(institution_id: int | None = None) -> ImportContext:
    """Return the context of an import made in the current request."""
    return ImportContext(actor=current_user._get_current_object(), institution_id=institution_id)


__all__ = [
    "Checked",
    "ConfirmForm",
    "ImportContext",
    "Importer",
    "Preview",
    "Summary",
    "UploadForm",
    "context_for_request",
    "import_file",
    "import_page",
    "importers",
    "read_and_check",
    "run_import_job",
    "stage",
    "write_checked",
]
