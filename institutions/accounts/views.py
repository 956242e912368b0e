"""Account administration: the staffing office for everyone, institution admins for their own.

Who may see or change which account is decided in ``core.auth.permissions``; every view
loads the account, checks, then acts. An account outside the actor's reach is a 404; one
they can see but not change (it also holds roles elsewhere) is a 403.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from core.actions import perform
from core.auth import operations
from core.auth import permissions as account_access
from core.auth.models import Membership, User
from core.extensions import db
from core.i18n import msg
from core.listing import paginate, read_sort
from core.permissions import USERS_MANAGE, require
from core.roles import Role
from institutions.accounts import queries
from institutions.accounts.forms import (
    ConfirmForm,
    GrantForm,
    MemberUserForm,
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


def _me() -> User:
    return current_user._get_current_object()


def _scope():
    require(USERS_MANAGE)
    return account_access.account_scope(current_user)


def _get_user_or_404(user_id: int) -> User:
    """Return an account the current user may see: 403 without the permission, else 404."""
    require(USERS_MANAGE)
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    if user.is_superuser and not current_user.is_superuser:
        # Operators' accounts are managed from the command line only; the staffing office
        # sees them listed, an institution admin does not learn they exist.
        abort(403 if account_access.account_scope(current_user).city_wide else 404)
    if not account_access.can_see_account(current_user, user):
        abort(404)
    return user


def _get_managed_user(user_id: int) -> User:
    """Return an account whose profile, password and lock the current user may change."""
    user = _get_user_or_404(user_id)
    if not account_access.can_manage_account(current_user, user):
        abort(403)
    return user


@bp.route("/")
@login_required
def index():
    scope = _scope()
    q = request.args.get("q", "").strip()
    role = request.args.get("role") if request.args.get("role") in set(Role) else None
    institution_id = request.args.get("institution_id", type=int)
    stmt = queries.users(scope, q=q, role=role, institution_id=institution_id)
    sort = read_sort(USER_SORTS, "username")
    page = paginate(stmt, USER_SORTS, sort, User.id)
    return render_template(
        "accounts/index.html",
        page=page,
        sort=sort,
        filters={"q": q, "role": role, "institution_id": institution_id},
        roles=account_access.grantable_roles(current_user),
        institutions=queries.institution_choices(scope),
        shown={u.id: account_access.visible_memberships(current_user, u) for u in page.items},
        city_wide=scope.city_wide,
    )


def _member_form() -> MemberUserForm:
    form = MemberUserForm()
    form.set_choices(
        account_access.grantable_roles(current_user), queries.institution_choices(_scope())
    )
    return form


def _create_member(form: MemberUserForm) -> User:
    """Create an account with its first role in the admin's institution, in one transaction."""
    user = _create_account(form)
    operations.grant(
        user,
        Role(form.role.data),
        institution_id=form.institution_id.data,
        granted_by=_me(),
    )
    return user


def _create_account(form: UserForm) -> User:
    return operations.create_user(
        username=form.username.data,
        full_name=form.full_name.data,
        password=form.password.data,
        phone=form.phone.data,
        email=form.email.data,
    )


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    scope = _scope()
    # An institution admin's new account starts with a role in their institution, or it
    # would be out of their sight (and of anyone's but the staffing office's) at once.
    form = UserForm() if scope.city_wide else _member_form()
    if form.validate_on_submit():
        done = perform(
            _create_account if scope.city_wide else _create_member,
            form,
            form=form,
            success=lambda user: msg("已创建账号「%(u)s」。", u=user.username),
        )
        if done:
            return redirect(url_for(".detail", user_id=done.value.id))
    return render_template("accounts/create.html", form=form), 422 if form.errors else 200


def _grant_form() -> GrantForm:
    scope = account_access.account_scope(current_user)
    form = GrantForm(prefix="grant")
    form.set_choices(
        account_access.grantable_roles(current_user),
        queries.institution_choices(scope),
        queries.sponsor_choices(scope),
    )
    return form


def _render_detail(
    user: User,
    *,
    grant_form: GrantForm | None = None,
    reset_form: ResetPasswordForm | None = None,
    status: int = 200,
):
    scope = account_access.account_scope(current_user)
    shown = account_access.visible_memberships(current_user, user)
    history = queries.history(user, scope)
    return render_template(
        "accounts/detail.html",
        user=user,
        memberships=shown,
        hidden_memberships=len(user.memberships) - len(shown),
        can_manage=account_access.can_manage_account(current_user, user),
        is_me=user.id == current_user.id,
        grant_form=grant_form or _grant_form(),
        reset_form=reset_form or ResetPasswordForm(prefix="reset"),
        confirm_form=ConfirmForm(),
        role_scopes=queries.role_scopes(),
        role_labels={role.value: role.label for role in Role},
        history=history,
        names=queries.user_names({event.actor_id for event in history}),
    ), status


@bp.route("/<int:user_id>")
@login_required
def detail(user_id: int):
    return _render_detail(_get_user_or_404(user_id))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit(user_id: int):
    user = _get_managed_user(user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        done = perform(
            operations.update_user,
            user,
            form.data,
            actor=_me(),
            form=form,
            success=msg("已保存修改。"),
        )
        if done:
            return redirect(url_for(".detail", user_id=user.id))
    return render_template("accounts/edit.html", form=form, user=user), 422 if form.errors else 200


@bp.route("/<int:user_id>/memberships", methods=["POST"])
@login_required
def grant(user_id: int):
    user = _get_user_or_404(user_id)
    form = _grant_form()
    if form.validate_on_submit():
        done = perform(
            operations.grant,
            user,
            Role(form.role.data),
            institution_id=form.institution_id.data or None,
            sponsor_id=form.sponsor_id.data or None,
            granted_by=_me(),
            form=form,
            success=msg("已授予角色，并已通知该用户。"),
        )
        if done:
            return redirect(url_for(".detail", user_id=user.id))
    return _render_detail(user, grant_form=form, status=422)


@bp.route("/<int:user_id>/memberships/<int:membership_id>/revoke", methods=["POST"])
@login_required
def revoke(user_id: int, membership_id: int):
    user = _get_user_or_404(user_id)
    membership = db.session.get(Membership, membership_id)
    if membership is None or membership not in account_access.visible_memberships(
        current_user, user
    ):
        abort(404)  # another user's role, or one held elsewhere that this actor cannot see
    if ConfirmForm().validate_on_submit():
        perform(
            operations.revoke, membership, actor=_me(), success=msg("已撤销角色，并已通知该用户。")
        )
    return redirect(url_for(".detail", user_id=user.id))


@bp.route("/<int:user_id>/reset-password", methods=["POST"])
@login_required
def reset_password(user_id: int):
    user = _get_managed_user(user_id)
    form = ResetPasswordForm(prefix="reset")
    if form.validate_on_submit():
        done = perform(
            operations.reset_password,
            user,
            form.password.data,
            actor=_me(),
            form=form,
            success=msg("已重置密码并通知该用户，用户下次登录时须修改。"),
        )
        if done:
            return redirect(url_for(".detail", user_id=user.id))
    return _render_detail(user, reset_form=form, status=422)


@bp.route("/<int:user_id>/unlock", methods=["POST"])
@login_required
def unlock(user_id: int):
    user = _get_managed_user(user_id)
    if ConfirmForm().validate_on_submit():
        perform(operations.unlock, user, actor=_me(), success=msg("已解除锁定。"))
    return redirect(url_for(".detail", user_id=user.id))
