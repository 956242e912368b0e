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

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user",
        cascade="all, delete-orphan",
        foreign_keys="Membership.user_id",
        order_by="Membership.id",
    )

    def set_password(self, password: str) -> None:
        """Hash and store a new password and sign out the other sessions."""
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)
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
