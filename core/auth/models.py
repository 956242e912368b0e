"""Users and their memberships: who a person is, and which (institution, role) they hold."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.extensions import db
from core.models import TimestampMixin, UTCDateTime
from core.roles import Role


def new_session_token() -> str:
    """Return a fresh random session token."""
    return secrets.token_hex(16)


def _hash_method() -> str:
    return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")


#: One throwaway hash per hashing method, to verify against when the name is unknown.
_DUMMY_HASHES: dict[str, str] = {}


def check_unknown_user_password(password: str) -> bool:
    """Spend the same work as checking a real account's password, and return False.

    Without it a wrong password took 270 ms for a real account and 16 ms for an unknown
    name, which told anyone which names exist.
    """
    method = _hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    check_password_hash(_DUMMY_HASHES[method], password)
    return False


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: login name, lower-case
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: operators only (created by the CLI); sees and manages everything
    is_superuser: Mapped[bool] = mapped_column(Boolean, default=False)
    #: set when someone else chose the password; cleared when the user changes it
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: part of the session id: rotating it signs out every session of this user
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    #: the language the user last chose with the footer switch while signed in ("zh", "en");
    #: e-mail copies of notices are written in it
    locale: Mapped[str] = mapped_column(String(8), default="zh", server_default="zh")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        foreign_keys="Membership.user_id",
        order_by="Membership.id",
    )

    def set_password(self, password: str) -> None:
        """Hash and store a new password and sign out the other sessions."""
        self.password_hash = generate_password_hash(password, method=_hash_method())
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Membership(TimestampMixin, db.Model):
    """A role held by a user, city-wide, for a sponsor, or in one institution."""

    __tablename__ = "memberships"
    __table_args__ = (
        CheckConstraint(
            "(role = 'staffing_office' AND institution_id IS NULL AND sponsor_id IS NULL)"
            " OR (role = 'sponsor' AND sponsor_id IS NOT NULL AND institution_id IS NULL)"
            " OR (role NOT IN ('staffing_office', 'sponsor')"
            " AND institution_id IS NOT NULL AND sponsor_id IS NULL)",
            name="scope_matches_role",
        ),
        Index("ix_memberships_institution_role", "institution_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    #: set for institution roles; the table lives in institutions/ (core never imports it)
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE")
    )
    #: set for the sponsor role (举办单位)
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("sponsors.id", ondelete="CASCADE"))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(back_populates="memberships", foreign_keys=[user_id])
    institution = relationship("Institution", lazy="joined")
    sponsor = relationship("Sponsor", lazy="joined")

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def __repr__(self) -> str:
        where = self.institution_id or self.sponsor_id or "city"
        return f"<Membership {self.user_id} {self.role}@{where}>"


class LoginThrottle(db.Model):
    """Failed sign-ins for a name that has no account, counted like a real account's.

    An unknown name is refused and locked exactly as a real one is, so the answers to a
    sign-in attempt never tell whether an account exists. Rows of names that stayed quiet
    for a day are removed when new ones are added.
    """

    __tablename__ = "login_throttles"

    #: the name as typed at sign-in, lower-case
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<LoginThrottle {self.username} {self.failed_login_count}>"
