"""Sign in, sign out, change password."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from core.auth import operations, queries
from core.auth.forms import ChangePasswordForm, LoginForm
from core.extensions import db
from core.redirects import safe_next

bp = Blueprint("auth", __name__)


@bp.app_template_global()
def help_contacts() -> list:
    """Return who can help the signed-in user (for the 403 page), or nobody when signed out."""
    if not current_user.is_authenticated:
        return []
    return queries.contacts_for(current_user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        outcome = operations.authenticate(
            form.username.data,
            form.password.data,
            max_failures=current_app.config["LOGIN_MAX_FAILURES"],
            lock_minutes=current_app.config["LOGIN_LOCK_MINUTES"],
        )
        db.session.commit()  # failure counts are kept even when the sign-in is refused
        if outcome.user is None:
            form.password.errors.append(outcome.error)
        else:
            login_user(outcome.user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next"), url_for("core.home")))
    status = 200 if not form.errors else 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        # Revoke on the server: a copy of the session or remember-me cookie taken before
        # this point names the old token and no longer signs anyone in.
        operations.sign_out(current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash(_("您已退出登录，此账号在所有设备上的登录均已结束。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            operations.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except operations.AccountError as error:
            getattr(form, error.field or "new_password").errors.append(str(error))
        else:
            db.session.commit()
            login_user(current_user._get_current_object())  # the session id changed
            flash(_("密码已修改，其他设备上的登录已失效。"), "success")
            return redirect(url_for("core.home"))
    status = 200 if not form.errors else 422
    return render_template("auth/change_password.html", form=form), status
