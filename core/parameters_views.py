"""Dated parameters in the app: every rate and table with its versions, and new versions."""

from __future__ import annotations

import json

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.actions import perform
from core.forms import ParameterVersionForm
from core.i18n import msg
from core.ids import china_today
from core.modules import platform
from core.parameters import add_version, versions_by_key
from core.permissions import PARAMETERS_MANAGE, require

bp = Blueprint("parameters", __name__, url_prefix="/parameters")


@bp.route("/")
@login_required
def index():
    require(PARAMETERS_MANAGE)
    groups = versions_by_key()
    query = request.args.get("q", "").strip().lower()
    labels = platform().parameter_labels
    rows = [
        (key, scope, str(labels.get(key, "")), versions)
        for (key, scope), versions in groups.items()
        if not query or query in key.lower() or query in str(labels.get(key, "")).lower()
    ]
    return render_template("core/parameters.html", rows=rows, query=query, today=china_today())


def _render(key: str, scope: str, form: ParameterVersionForm, status: int = 200):
    versions = versions_by_key().get((key, scope))
    if not versions:
        abort(404)
    return render_template(
        "core/parameter.html",
        key=key,
        scope=scope,
        label=platform().parameter_labels.get(key, ""),
        versions=versions,
        form=form,
        today=china_today(),
        pretty=lambda value: json.dumps(value, ensure_ascii=False, indent=2),
    ), status


@bp.route("/<key>", methods=["GET", "POST"])
@login_required
def detail(key: str):
    require(PARAMETERS_MANAGE)
    scope = request.values.get("scope", "")
    form = ParameterVersionForm()
    if request.method == "GET":
        latest = (versions_by_key().get((key, scope)) or [None])[0]
        if latest is not None:
            form.value.data = json.dumps(latest.value, ensure_ascii=False, indent=2)
        return _render(key, scope, form)
    if form.validate_on_submit():
        done = perform(
            add_version,
            key,
            form.value.data,
            effective_from=form.effective_from.data,
            scope=scope,
            source=form.source.data,
            actor=current_user,
            form=form,
            success=lambda v: msg(
                "已添加参数「%(key)s」自 %(day)s 起生效的新版本。", key=v.key, day=v.effective_from
            ),
        )
        if done:
            return redirect(url_for(".detail", key=key, scope=scope or None))
    return _render(key, scope, form, 422)
