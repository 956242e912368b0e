"""notices stored as message ids, read in the reader's language; users keep their language

A notice is read later by someone else, so its title and body are stored as message ids
with parameters (``title_message``, ``body_message``, JSON) and translated when shown. The
old text columns stay, nullable, for rows written before: they are shown as they are.
``users.locale`` keeps the language a user chose, for the e-mail copies of notices.
A recusal reason the platform wrote (申报的利害关系：…) is kept as a message too
(``gov_recusals.reason_message``); existing ones are matched back to it.

Revision ID: 4c8e2a6f1d93
Revises: e50af96a20d8
Create Date: 2026-11-27 22:45:00

"""

import json

import sqlalchemy as sa
from alembic import op

revision = "4c8e2a6f1d93"
down_revision = "e50af96a20d8"
branch_labels = None
depends_on = None


_DECLARED = "申报的利害关系："


def _joined(names):
    """Return names as core.i18n.joined stores them (listed in the reader's language)."""
    result = None
    for name in names:
        if result is None:
            result = {"msg": "%(item)s", "params": {"item": name}}
        else:
            result = {"msg": "%(head)s、%(tail)s", "params": {"head": result, "tail": name}}
    return result or {"msg": "%(item)s", "params": {"item": ""}}


def _recusals():
    return sa.table(
        "gov_recusals",
        sa.column("id", sa.Integer),
        sa.column("reason", sa.String),
        sa.column("reason_message", sa.JSON),
    )


def upgrade():
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("title_message", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("body_message", sa.JSON(), nullable=True))
        batch.alter_column("title", existing_type=sa.String(200), nullable=True)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locale", sa.String(8), nullable=False, server_default="zh"))
    with op.batch_alter_table("gov_recusals") as batch:
        batch.add_column(sa.Column("reason_message", sa.JSON(), nullable=True))
    recusals = _recusals()
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(recusals.c.id, recusals.c.reason).where(recusals.c.reason.like(_DECLARED + "%"))
    ).all()
    for recusal_id, reason in rows:
        names = [n for n in reason[len(_DECLARED) :].split("、") if n]
        message = {"msg": _DECLARED + "%(names)s", "params": {"names": _joined(names)}}
        connection.execute(
            recusals.update().where(recusals.c.id == recusal_id).values(reason_message=message)
        )


def _source(value):
    """Return a stored message as its source (Chinese) text, as the old column held it."""
    if isinstance(value, str):
        value = json.loads(value) if value.startswith("{") else value
    if not isinstance(value, dict) or "msg" not in value:
        return "" if value is None else str(value)
    params = {k: _source(v) if isinstance(v, dict) else v for k, v in value["params"].items()}
    try:
        return value["msg"] % params if params else value["msg"]
    except (KeyError, TypeError, ValueError):
        return value["msg"]


def downgrade():
    notifications = sa.table(
        "notifications",
        sa.column("id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("body", sa.Text),
        sa.column("title_message", sa.JSON),
        sa.column("body_message", sa.JSON),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(
            notifications.c.id, notifications.c.title_message, notifications.c.body_message
        ).where(notifications.c.title_message.is_not(None))
    ).all()
    for notification_id, title, body in rows:
        connection.execute(
            notifications.update()
            .where(notifications.c.id == notification_id)
            .values(
                title=_source(title)[:200],
                body=_source(body) if body is not None else None,
            )
        )
    op.execute(notifications.update().where(notifications.c.title.is_(None)).values(title=""))
    with op.batch_alter_table("gov_recusals") as batch:
        batch.drop_column("reason_message")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locale")
    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("title", existing_type=sa.String(200), nullable=False)
        batch.drop_column("body_message")
        batch.drop_column("title_message")
