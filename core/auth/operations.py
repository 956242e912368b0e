"""Writes for accounts: sign-in bookkeeping, passwords, users and memberships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask_babel import force_locale
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from core import audit
from core.auth import permissions
from core.auth.models import (
    LoginThrottle,
    Membership,
    User,
    check_unknown_user_password,
    new_session_token,
)
from core.errors import Refusal
from core.extensions import db
from core.i18n import Msg, msg
from core.models import utcnow
from core.notifications import notify
from core.roles import ROLE_LABELS, Role
from core.text import clean_text

MIN_PASSWORD_LENGTH = 8


class AccountError(Refusal):
    """A refused account operation; the message says why."""

    def __init__(self, message: Msg | str, field: str | None = None) -> None:
        super().__init__(message, field=field)


@dataclass(frozen=True)
class LoginOutcome:
    user: User | None
    error: Msg | None


def password_problem(password: str, username: str = "") -> Msg | None:
    """Return why a new password is unacceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return msg("密码至少需要 %(n)d 位。", n=MIN_PASSWORD_LENGTH)
    if password.isdigit() or password.isalpha():
        return msg("密码需同时包含字母和数字。")
    if username and username.lower() in password.lower():
        return msg("密码不能包含用户名。")
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
        raise AccountError(msg("当前密码不正确。"), field="current_password")
    problem = password_problem(new, user.username)
    if problem:
        raise AccountError(problem, field="new_password")
    if current == new:
        raise AccountError(msg("新密码不能与当前密码相同。"), field="new_password")
    user.set_password(new)
    user.must_change_password = False
    audit.record("user.password_changed", user, actor=user, summary=user.username)


def remember_locale(user: User, locale: str) -> None:
    """Keep the language the user chose, for what is written to them later (e-mail)."""
    if locale in ("zh", "en"):
        user.locale = locale


def _source_text(message: Msg) -> str:
    """Return ``message`` in the source language (Chinese), for an audit summary.

    Never in the actor's language: the trail is read later by others. (Notices are stored
    as message ids and translated when read.)
    """
    with force_locale("zh"):
        return str(message)


def _notify_owner(user: User, title: Msg, body: Msg, *, institution_id: int | None = None) -> None:
    """Tell the account's owner (inbox, and e-mail when configured) what was done to it."""
    notify(
        [user],
        title,
        body,
        link=None,
        institution_id=institution_id,
    )


def _actor_name(actor: Any) -> Msg:
    if actor is None:
        return msg("系统管理员")
    return msg("%(name)s（%(username)s）", name=actor.full_name, username=actor.username)


def _where(role: Role, membership: Membership) -> Msg | str:
    if role.scope == "city":
        return msg("全市")
    if role.scope == "sponsor":
        return membership.sponsor.name if membership.sponsor else ""
    return membership.institution.name if membership.institution else ""


def _check_may_manage(actor: Any, user: User) -> None:
    if actor is not None and not permissions.can_manage_account(actor, user):
        raise AccountError(msg("您不能管理该账号：它还拥有您管理范围以外的角色。"))


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
    # Names are shown to others: no bidi overrides or invisible characters (issue 8.14).
    username = clean_text(username).lower()
    full_name = clean_text(full_name)
    if not username:
        raise AccountError(msg("请填写用户名。"), field="username")
    if not full_name:
        raise AccountError(msg("请填写姓名。"), field="full_name")
    exists = db.session.scalar(select(func.count()).where(User.username == username))
    if exists:
        raise AccountError(msg("用户名「%(u)s」已被使用。", u=username), field="username")
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem, field="password")
    user = User(
        username=username,
        full_name=full_name,
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


def update_user(user: User, data: dict, *, actor: Any = None) -> dict:
    """Change a user's profile fields and return what changed."""
    _check_may_manage(actor, user)
    data = dict(data)
    if "full_name" in data:
        data["full_name"] = clean_text(data["full_name"])
        if not data["full_name"]:
            raise AccountError(msg("请填写姓名。"), field="full_name")
    for key in ("phone", "email"):
        if key in data:
            data[key] = (data[key] or "").strip() or None
    if actor is not None and user.id == actor.id and data.get("is_active") is False:
        raise AccountError(msg("不能停用自己的账号。"), field="is_active")
    old_email = user.email
    changes = audit.apply_changes(user, data, ["full_name", "phone", "email", "is_active"])
    if changes:
        if "is_active" in changes and not user.is_active:
            user.session_token = new_session_token()  # sign the account out everywhere
        audit.record("user.update", user, changes=changes, summary=user.username)
        if "email" in changes and old_email:
            # Tell the old address, so a changed address cannot hide a later password reset.
            notify(
                [_Recipient(user.id, old_email)],
                msg("您账号的电子邮箱已修改"),
                msg(
                    "%(actor)s 修改了您的账号「%(username)s」的电子邮箱。"
                    "如果这不是您要求的，请联系编办。",
                    actor=_actor_name(actor),
                    username=user.username,
                ),
            )
    return changes


@dataclass(frozen=True)
class _Recipient:
    """A user as ``notify`` sees one, with an address other than the current one."""

    id: int
    email: str | None


def reset_password(user: User, new_password: str, *, actor: Any = None) -> None:
    """Set a temporary password the user must change at next sign-in, and tell them."""
    _check_may_manage(actor, user)
    if actor is not None and actor.id == user.id:
        raise AccountError(msg("不能在这里重置自己的密码，请使用「修改密码」。"), field="password")
    problem = password_problem(new_password, user.username)
    if problem:
        raise AccountError(problem, field="password")
    user.set_password(new_password)
    user.must_change_password = True
    user.failed_login_count = 0
    user.locked_until = None
    audit.record("user.password_reset", user, summary=user.username, actor=actor)
    _notify_owner(
        user,
        msg("您的密码已被重置"),
        msg(
            "%(actor)s 重置了您的账号「%(username)s」的密码，您在所有设备上的登录已结束。"
            "请用管理员告诉您的临时密码登录并立即修改。如果这不是您要求的，请联系编办。",
            actor=_actor_name(actor),
            username=user.username,
        ),
    )


def unlock(user: User, *, actor: Any = None) -> None:
    """Lift a sign-in lock."""
    _check_may_manage(actor, user)
    user.failed_login_count = 0
    user.locked_until = None
    audit.record("user.unlock", user, summary=user.username, actor=actor)


def _scope_problem(role: Role, institution_id: int | None, sponsor_id: int | None) -> Msg | None:
    """Return why the chosen scope does not fit ``role``, or None."""
    if institution_id is not None and sponsor_id is not None:
        return msg("请只选择一项：所属单位或举办单位。")
    if role.scope == "city" and (institution_id is not None or sponsor_id is not None):
        return msg("「%(r)s」角色全市有效，不选择单位或举办单位。", r=ROLE_LABELS[role])
    if role.scope == "sponsor":
        if sponsor_id is None:
            return msg("「%(r)s」角色必须选择举办单位。", r=ROLE_LABELS[role])
        if institution_id is not None:
            return msg("「%(r)s」角色只选择举办单位，不选择所属单位。", r=ROLE_LABELS[role])
    if role.scope == "institution":
        if institution_id is None:
            return msg("「%(r)s」角色必须选择所属单位。", r=ROLE_LABELS[role])
        if sponsor_id is not None:
            return msg("「%(r)s」角色只选择所属单位，不选择举办单位。", r=ROLE_LABELS[role])
    return None


def grant(
    user: User,
    role: Role,
    *,
    institution_id: int | None = None,
    sponsor_id: int | None = None,
    granted_by: User | None = None,
) -> Membership:
    """Give a user a role in its proper scope; refuse self-grants, duplicates, wrong scopes."""
    if granted_by is not None and granted_by.id == user.id:
        # Granting yourself institution admin anywhere showed full ID numbers (issue 8.13).
        raise AccountError(msg("不能给自己授予角色，请由另一位管理员办理。"), field="role")
    problem = _scope_problem(role, institution_id, sponsor_id)
    if problem:
        field = "sponsor_id" if role.scope == "sponsor" else "institution_id"
        raise AccountError(problem, field="role" if role.scope == "city" else field)
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
        raise AccountError(msg("该用户已拥有此角色。"), field="role")
    membership = Membership(
        user=user,
        role=role.value,
        institution_id=institution_id,
        sponsor_id=sponsor_id,
        granted_by_id=getattr(granted_by, "id", None),
    )
    db.session.add(membership)
    db.session.flush()
    if granted_by is not None and not permissions.can_grant(
        granted_by, role, membership.institution
    ):
        raise AccountError(msg("您不能授予这个范围的角色。"), field="role")
    where = _where(role, membership)
    audit.record(
        "membership.grant",
        user,  # listed on the account's page with its other history
        institution_id=institution_id,
        summary=_source_text(msg("%(u)s：%(r)s", u=user.username, r=ROLE_LABELS[role])),
        changes={"role": [None, role.value], "membership_id": [None, membership.id]},
        actor=granted_by,
    )
    if granted_by is None:
        return membership  # set up by the command line or the demo seed, not by a person
    _notify_owner(
        user,
        msg("您获得了新角色：%(r)s", r=ROLE_LABELS[role]),
        msg(
            "%(actor)s 授予您「%(r)s」角色（%(where)s）。",
            actor=_actor_name(granted_by),
            r=ROLE_LABELS[role],
            where=where,
        ),
        institution_id=institution_id,
    )
    return membership


def revoke(membership: Membership, *, actor: Any = None) -> None:
    """Remove a role from a user, and tell them."""
    role = membership.role_enum
    if actor is not None and not permissions.can_grant(actor, role, membership.institution):
        raise AccountError(msg("您不能撤销这个范围的角色。"))
    user = membership.user
    where = _where(role, membership)
    audit.record(
        "membership.revoke",
        user,
        institution_id=membership.institution_id,
        summary=_source_text(msg("%(u)s：%(r)s", u=user.username, r=ROLE_LABELS[role])),
        changes={"role": [membership.role, None], "membership_id": [membership.id, None]},
        actor=actor,
    )
    if actor is not None:
        _notify_owner(
            user,
            msg("您的角色已被撤销：%(r)s", r=ROLE_LABELS[role]),
            msg(
                "%(actor)s 撤销了您的「%(r)s」角色（%(where)s）。",
                actor=_actor_name(actor),
                r=ROLE_LABELS[role],
                where=where,
            ),
            institution_id=membership.institution_id,
        )
    db.session.delete(membership)
