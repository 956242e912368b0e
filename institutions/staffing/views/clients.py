"""API clients: the office issues a token per client system, scoped to the city or to one
sponsor's institutions, shows it once, and revokes it."""

from __future__ import annotations

from flask import redirect, url_for
from flask_login import current_user, login_required

from core.actions import perform
from core.extensions import db
from core.forms import choices
from core.i18n import msg
from core.permissions import require
from institutions.registry import queries as registry
from institutions.staffing import operations as ops
from institutions.staffing import queries
from institutions.staffing.forms import TokenForm
from institutions.staffing.models import ApiClient
from institutions.staffing.permissions import STAFFING_MANAGE
from institutions.staffing.views import render


def _form() -> TokenForm:
    from flask_babel import lazy_gettext as _l

    form = TokenForm()
    form.sponsor_id.choices = choices(
        [("", _l("全市（所有单位）")), *((s.id, s.name) for s in registry.sponsors())]
    )
    return form


def _page(form: TokenForm, status: int = 200, token: str | None = None, client=None):
    response, code = render(
        "staffing/clients.html",
        status,
        clients=queries.api_clients(),
        sponsors=queries.sponsor_names(),
        form=form,
        token=token,
        issued=client,
    )
    return response, code, {"Cache-Control": "no-store"}


from institutions.staffing.views import bp  # noqa: E402


@bp.route("/api-clients")
@login_required
def clients():
    require(STAFFING_MANAGE)
    return _page(_form())


@bp.route("/api-clients/new", methods=["POST"])
@login_required
def client_new():
    require(STAFFING_MANAGE)
    form = _form()
    if form.validate_on_submit():
        done = perform(ops.issue_token, form.data, actor=current_user, form=form)
        if done:
            client, token = done.value
            # Shown in this response only: never flashed (the session cookie is readable).
            return _page(_form(), 200, token=token, client=client)
    return _page(form, 422)


@bp.route("/api-clients/<int:client_id>/revoke", methods=["POST"])
@login_required
def client_revoke(client_id: int):
    require(STAFFING_MANAGE)
    client = db.get_or_404(ApiClient, client_id)
    perform(ops.revoke_token, client, actor=current_user, success=msg("已吊销令牌"))
    return redirect(url_for(".clients"))
