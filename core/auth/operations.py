"""Writes for accounts: sign-in bookkeeping, passwords, users and memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.auth.models import (
    LoginThrottle,
    Membership,
    User,
    check_unknown_user_password,
    new_session_token,
)
from core.extensions import db
from core.i18n import Msg, msg
from core.models import utcnow
from core.roles import Role

MIN_PASSWORD_LENGTH = 8


class AccountError(ValueError):
    """A refused account operation; the message says why, in Chinese."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        #: the form field the message belongs to, when there is one
        self.field = field


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    error: Msg | None


def password_problem(password: str, username: str = "") -> str | None:
    """Return why a new password is unacceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("密码至少需要 %(n)d 位。", n=MIN_PASSWORD_LENGTH)
    if password.isdigit() or password.isalpha():
        return _("密码需同时包含字母和数字。")
    if username and username.lower() in password.lower():
        return _("密码不能包含用户名。")
    return None


def _throttle(name: str, now) -> LoginThrottle:
    """Return the failure counter of an unknown name, adding it if there is none yet."""
    throttle = db.session.get(LoginThrottle, name)
    if throttle is not None:
        return throttle
    # Forget names that stayed quiet for a day (and are not locked) so the table stays small.
    db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.last_failed_at < now - timedelta(days=1),
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now),
        )
    )
    throttle = LoginThrottle(username=name, failed_login_count=0, last_failed_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(throttle)
    except IntegrityError:  # a concurrent attempt with the same name added it first
        throttle = db.session.get(LoginThrottle, name)
    return throttle


def _locked_message(locked_until, now) -> Msg:
    minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
    return msg("登录失败次数过多，账号已锁定，请 %(m)d 分钟后再试。", m=minutes)


def authenticate(username: str, password: str, *, max_failures: int, lock_minutes: int):
    """Check a sign-in attempt, counting failures and locking the account after too many.

    An unknown name gets the same answers, the same lock and the same hashing work as a
    real account, so nothing here tells whether an account exists.
    """
    generic = msg("用户名或密码错误。")
    name = username.strip().lower()
    now = utcnow()
    user = db.session.scalar(select(User).where(User.username == name))
    # Verify first, whatever the state of the account, so every answer costs the same.
    if user is not None:
        password_ok = user.check_password(password)
        counter: User | LoginThrottle | None = user
    else:
        password_ok = check_unknown_user_password(password)
        counter = db.session.get(LoginThrottle, name)
    if counter is not None and counter.locked_until and counter.locked_until > now:
        return LoginOutcome(None, _locked_message(counter.locked_until, now))
    if not password_ok:
        if counter is None:
            counter = _throttle(name, now)
        if isinstance(counter, LoginThrottle):
            counter.last_failed_at = now
        counter.failed_login_count += 1
        if counter.failed_login_count >= max_failures:
            counter.locked_until = now + timedelta(minutes=lock_minutes)
            counter.failed_login_count = 0
            if user is not None:
                audit.record("user.locked", user, actor=user, summary=user.username)
            return LoginOutcome(
                None, msg("登录失败次数过多，账号已锁定 %(m)d 分钟。", m=lock_minutes)
            )
        return LoginOutcome(None, generic)
    if not user.is_active:
        return LoginOutcome(None, msg("该账号已停用，请联系管理员。"))
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("user.login", user, actor=user, summary=user.username)
    return LoginOutcome(user, None)


def sign_out(user: User) -> None:
    """End every session of ``user``: sessions and remember-me cookies carry the old token."""
    user.session_token = new_session_token()
    audit.record("user.logout", user, actor=user, summary=user.username)


def change_password(user: User, current: str, new: str) -> None:
    """Replace the user's password after checking the current one."""
    if not user.check_password(current):
        raise AccountError(_("当前密码不正确。"), field="current_password")
    problem = password_problem(new, user.username)
    if problem:
        raise AccountError(problem)
    if current == new:
        raise AccountError(_("新密码不能与当前密码相同。"))
    user.set_password(new)
    user.must_change_password = False
    audit.record("user.password_changed", user, actor=user, summary=user.username)


def create_user(
    *,
    username: str,
    full_name: str,
    password: str,
    phone: str | None = None,
    email: str | None = None,
    is_superuser: bool = False,
    must_change_password: bool = True,
) -> User:
    """Add a user; the username is stored lower-case and must be unused."""
    username = username.strip().lower()
    exists = db.session.scalar(select(func.count()).where(User.username == username))
    if exists:
        raise AccountError(_("用户名「%(u)s」已被使用。", u=username))
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    user = User(
        username=username,
        full_name=full_name.strip(),
        phone=phone or None,
        email=email or None,
        is_superuser=is_superuser,
        must_change_password=must_change_password,
        is_active=True,
        failed_login_count=0,
    )
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user.create",
        user,
        summary=f"{user.username}（{user.full_name}）",
        changes={"username": [None, user.username], "full_name": [None, user.full_name]},
    )
    return user


def update_user(user: User, data: dict) -> dict:
    """Change a user's profile fields and return what changed."""
    changes = audit.apply_changes(user, data, ["full_name", "phone", "email", "is_active"])
    if changes:
        if "is_active" in changes and not user.is_active:
            user.session_token = new_session_token()  # sign the account out everywhere
        audit.record("user.update", user, changes=changes, summary=user.username)
    return changes


def reset_password(user: User, new_password: str) -> None:
    """Set a temporary password the user must change at next sign-in."""
    problem = password_problem(new_password, user.username)
    if problem:
        raise AccountError(problem)
    user.set_password(new_password)
    user.must_change_password = True
    user.failed_login_count = 0
    user.locked_until = None
    audit.record("user.password_reset", user, summary=user.username)


def unlock(user: User) -> None:
    """Lift a sign-in lock."""
    user.failed_login_count = 0
    user.locked_until = None
    audit.record("user.unlock", user, summary=user.username)


def grant(
    user: User,
    role: Role,
    *,
    institution_id: int | None = None,
    sponsor_id: int | None = None,
    granted_by: User | None = None,
) -> Membership:
    """Give a user a role in its proper scope, refusing duplicates and wrong scopes."""
    if role.scope == "city":
        institution_id = sponsor_id = None
    elif role.scope == "sponsor":
        institution_id = None
        if sponsor_id is None:
            raise AccountError(_("「举办单位」角色必须选择举办单位。"))
    else:
        sponsor_id = None
        if institution_id is None:
            raise AccountError(_("「%(r)s」角色必须选择所属单位。", r=role.label))
    duplicate = db.session.scalar(
        select(func.count()).where(
            Membership.user_id == user.id,
            Membership.role == role.value,
            Membership.institution_id.is_(None)
            if institution_id is None
            else Membership.institution_id == institution_id,
            Membership.sponsor_id.is_(None)
            if sponsor_id is None
            else Membership.sponsor_id == sponsor_id,
        )
    )
    if duplicate:
        raise AccountError(_("该用户已拥有此角色。"))
    membership = Membership(
        user=user,
        role=role.value,
        institution_id=institution_id,
        sponsor_id=sponsor_id,
        granted_by_id=getattr(granted_by, "id", None),
    )
    db.session.add(membership)
    db.session.flush()
    audit.record(
        "membership.grant",
        membership,
        institution_id=institution_id,
        summary=f"{user.username}：{role.label}",
        changes={"role": [None, role.value]},
    )
    return membership


def revoke(membership: Membership) -> None:
    """Remove a role from a user."""
    audit.record(
        "membership.revoke",
        membership,
        institution_id=membership.institution_id,
        summary=f"{membership.user.username}：{membership.role_enum.label}",
        changes={"role": [membership.role, None]},
    )
    db.session.delete(membership)
