"""Account management for the staffing office: users, roles and their scopes."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from core.auth import operations
from core.auth.models import Membership, User
from core.extensions import db
from core.forms import choices
from core.listing import paginate, read_sort
from core.permissions import USERS_MANAGE, require
from core.roles import Role
from institutions import queries
from institutions.accounts.forms import (
    ConfirmForm,
    GrantForm,
    ResetPasswordForm,
    UserEditForm,
    UserForm,
)

bp = Blueprint("accounts", __name__, url_prefix="/accounts")

USER_SORTS = {
    "username": User.username,
    "full_name": User.full_name,
    "last_login_at": User.last_login_at,
    "created_at": User.created_at,
}


def _get_user_or_404(user_id: int) -> User:
    require(USERS_MANAGE)
    user = db.get_or_404(User, user_id)
    if user.is_superuser and not current_user.is_superuser:
        abort(403)  # operators' accounts are managed from the command line only
    return user


@bp.route("/")
@login_required
def index():
    require(USERS_MANAGE)
    q = request.args.get("q", "").strip()
    role = request.args.get("role") if request.args.get("role") in set(Role) else None
    institution_id = request.args.get("institution_id", type=int)
    stmt = select(User).options(selectinload(User.memberships))
    if q:
        stmt = stmt.where(
            or_(
                User.username.contains(q.lower(), autoescape=True),
                User.full_name.contains(q, autoescape=True),
            )
        )
    if role or institution_id:
        member = select(Membership.user_id)
        if role:
            member = member.where(Membership.role == role)
        if institution_id:
            member = member.where(Membership.institution_id == institution_id)
        stmt = stmt.where(User.id.in_(member))
    sort = read_sort(USER_SORTS, "username")
    page = paginate(stmt, USER_SORTS, sort, User.id)
    return render_template(
        "accounts/index.html",
        page=page,
        sort=sort,
        filters={"q": q, "role": role, "institution_id": institution_id},
        roles=list(Role),
        institutions=queries.institution_choices(),
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(USERS_MANAGE)
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = operations.create_user(
                username=form.username.data,
                full_name=form.full_name.data,
                password=form.password.data,
                phone=form.phone.data,
                email=form.email.data,
            )
        except operations.AccountError as error:
            field = form.password if "密码" in str(error) else form.username
            field.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已创建账号「%(u)s」，请为其授予角色。", u=user.username), "success")
            return redirect(url_for(".detail", user_id=user.id))
    return render_template("accounts/create.html", form=form), 422 if form.errors else 200


def _grant_form() -> GrantForm:
    form = GrantForm(prefix="grant")
    not_applicable = (0, _("（不适用）"))
    form.institution_id.choices = choices([not_applicable, *queries.institution_choices()])
    form.sponsor_id.choices = choices(
        [not_applicable, *((s.id, s.name) for s in queries.sponsors())]
    )
    return form


def _render_detail(user: User, grant_form: GrantForm | None = None, status: int = 200):
    return render_template(
        "accounts/detail.html",
        user=user,
        grant_form=grant_form or _grant_form(),
        reset_form=ResetPasswordForm(prefix="reset"),
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/<int:user_id>")
@login_required
def detail(user_id: int):
    return _render_detail(_get_user_or_404(user_id))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit(user_id: int):
    user = _get_user_or_404(user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and not form.is_active.data:
            form.is_active.errors.append(_("不能停用自己的账号。"))
        else:
            operations.update_user(user, form.data)
            db.session.commit()
            flash(_("已保存修改。"), "success")
            return redirect(url_for(".detail", user_id=user.id))
    return render_template("accounts/edit.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/<int:user_id>/memberships", methods=["POST"])
@login_required
def grant(user_id: int):
    user = _get_user_or_404(user_id)
    form = _grant_form()
    if form.validate_on_submit():
        try:
            operations.grant(
                user,
                Role(form.role.data),
                institution_id=form.institution_id.data or None,
                sponsor_id=form.sponsor_id.data or None,
                granted_by=current_user,
            )
        except operations.AccountError as error:
            form.role.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已授予角色。"), "success")
            return redirect(url_for(".detail", user_id=user.id))
    return _render_detail(user, form, 422)


@bp.route("/<int:user_id>/memberships/<int:membership_id>/revoke", methods=["POST"])
@login_required
def revoke(user_id: int, membership_id: int):
    user = _get_user_or_404(user_id)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership.user_id != user.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        operations.revoke(membership)
        db.session.commit()
        flash(_("已撤销角色。"), "success")
    return redirect(url_for(".detail", user_id=user.id))


@bp.route("/<int:user_id>/reset-password", methods=["POST"])
@login_required
def reset_password(user_id: int):
    user = _get_user_or_404(user_id)
    form = ResetPasswordForm(prefix="reset")
    if form.validate_on_submit():
        try:
            operations.reset_password(user, form.password.data)
        except operations.AccountError as error:
            form.password.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("已重置密码，用户下次登录时须修改。"), "success")
            return redirect(url_for(".detail", user_id=user.id))
    flash("；".join(map(str, form.password.errors)) or _("请填写临时密码。"), "danger")
    return redirect(url_for(".detail", user_id=user.id))


@bp.route("/<int:user_id>/unlock", methods=["POST"])
@login_required
def unlock(user_id: int):
    user = _get_user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        operations.unlock(user)
        db.session.commit()
        flash(_("已解除锁定。"), "success")
    return redirect(url_for(".detail", user_id=user.id))
