"""The in-app inbox, with e-mail when an SMTP server is configured.

``notify()`` adds messages in the current transaction. E-mails are sent only after that
transaction commits, so a rolled-back action never mails anyone.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable
from datetime import datetime
from email.message import EmailMessage
from functools import cache
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import ForeignKey, Index, String, Text, bindparam, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.extensions import db
from core.models import UTCDateTime, utcnow

log = logging.getLogger(__name__)


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    institution_id: Mapped[int | None] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE")
    )
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str | None] = mapped_column(Text)
    #: a path inside the app to open, e.g. the meeting page
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Notification {self.id} to {self.user_id}: {self.title}>"


def notify(
    users: Iterable[Any],
    title: str,
    body: str | None = None,
    *,
    link: str | None = None,
    institution_id: int | None = None,
) -> list[Notification]:
    """Put a message in each user's inbox (once per user) and queue an e-mail to them."""
    added = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        message = Notification(
            user_id=user.id, institution_id=institution_id, title=title, body=body, link=link
        )
        db.session.add(message)
        added.append(message)
        if getattr(user, "email", None):
            db.session.info.setdefault("pending_mail", []).append(
                (user.email, title, body or "", link)
            )
    db.session.flush()
    return added


@cache
def _unread_statement():
    """Every page counts the unread messages: the statement is built once (a plain table
    query), which costs a tenth of building and running it anew."""
    table = Notification.__table__
    return (
        select(func.count())
        .select_from(table)
        .where(table.c.user_id == bindparam("user_id"), table.c.read_at.is_(None))
    )


def unread_count(user: Any) -> int:
    """Return how many messages the user has not read."""
    return db.session.scalar(_unread_statement(), {"user_id": user.id})


def _send_mail(recipient: str, subject: str, text: str, link: str | None) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config.get("MAIL_FROM") or "no-reply@localhost"
    message["To"] = recipient
    message["Subject"] = subject
    base = config.get("APP_BASE_URL", "")
    message.set_content(text + (f"\n\n{base}{link}" if link else ""))
    with smtplib.SMTP(config["MAIL_SERVER"], int(config.get("MAIL_PORT", 25)), timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
        smtp.send_message(message)


@event.listens_for(Session, "after_commit")
def _send_pending_mail(session: Session) -> None:
    pending = session.info.pop("pending_mail", [])
    if not pending or not has_app_context() or not current_app.config.get("MAIL_SERVER"):
        return
    for recipient, subject, text, link in pending:
        try:
            _send_mail(recipient, subject, text, link)
        except (OSError, smtplib.SMTPException):
            # The inbox already holds the message; a mail server outage must not undo it.
            log.exception("could not e-mail %s", recipient)


@event.listens_for(Session, "after_rollback")
def _drop_pending_mail(session: Session) -> None:
    session.info.pop("pending_mail", None)
