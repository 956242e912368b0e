"""The in-app inbox, with e-mail when an SMTP server is configured.

A notice is read later, by someone else, in a language the sender does not know: its title
and body are stored as message ids with parameters (:func:`core.i18n.to_json`) and
translated where they are shown, in the reader's language. The e-mail copy is rendered in
the recipient's language (``User.locale``). Rows written before that keep their text in
``title_text``/``body_text``, shown as they are.

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
from flask_babel import force_locale
from sqlalchemy import JSON, ForeignKey, Index, String, Text, bindparam, event, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.extensions import db
from core.i18n import Msg, from_json, to_json
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
    #: the title as a message id with parameters (or plain text the sender passed as is)
    title_message: Mapped[Any | None] = mapped_column(JSON)
    #: the body likewise; None when there is none
    body_message: Mapped[Any | None] = mapped_column(JSON)
    #: plain text of rows written before messages were stored as ids (shown as it is)
    title_text: Mapped[str | None] = mapped_column("title", String(200))
    body_text: Mapped[str | None] = mapped_column("body", Text)
    #: a path inside the app to open, e.g. the meeting page
    link: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def title(self) -> str:
        """The title in the current locale (the reader's language on a page)."""
        if self.title_message is not None:
            return str(from_json(self.title_message))
        return self.title_text or ""

    @property
    def body(self) -> str | None:
        """The body in the current locale; None when there is none."""
        if self.body_message is not None:
            return str(from_json(self.body_message)) or None
        return self.body_text

    def __repr__(self) -> str:
        return (
            f"<Notification {self.id} to {self.user_id}: {self.title_message or self.title_text}>"
        )


def _stored(message: Msg | str | None) -> Any:
    """Return a title or body as stored: a message id with parameters, never translated."""
    if message is None:
        return None
    return to_json(message)


def _rendered(message: Any, locale: str) -> str:
    """Return a stored message as text in ``locale`` (for the e-mail copy)."""
    if message is None:
        return ""
    with force_locale(locale):
        return str(from_json(message))


def notify(
    users: Iterable[Any],
    title: Msg | str,
    body: Msg | str | None = None,
    *,
    link: str | None = None,
    institution_id: int | None = None,
) -> list[Notification]:
    """Put a message in each user's inbox (once per user) and queue an e-mail to them.

    ``title`` and ``body`` are messages (``msg(...)``), stored as ids with parameters and
    translated when read; a label parameter (``_l``) is stored as its id too. Plain text
    (a reason a user typed) is stored and shown as it is.
    """
    added = []
    seen: set[int] = set()
    stored_title, stored_body = _stored(title), _stored(body)
    for user in users:
        if user is None or user.id in seen:
            continue
        seen.add(user.id)
        message = Notification(
            user_id=user.id,
            institution_id=institution_id,
            title_message=stored_title,
            body_message=stored_body,
            link=link,
        )
        db.session.add(message)
        added.append(message)
        if getattr(user, "email", None):
            locale = getattr(user, "locale", None) or "zh"
            db.session.info.setdefault("pending_mail", []).append(
                (
                    user.email,
                    _rendered(stored_title, locale),
                    _rendered(stored_body, locale),
                    link,
                )
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
