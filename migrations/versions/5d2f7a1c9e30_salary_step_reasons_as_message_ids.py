"""hr: salary-step reasons as message ids, shown in the reader's language

Revision ID: 5d2f7a1c9e30
Revises: c12541433cdb
Create Date: 2026-11-27 22:40:00

Adds ``salary_steps.reason_message`` (a list of message ids with parameters) and moves the
reasons the application wrote in Chinese into it, so that they show in English too. A
reason the patterns below do not recognize stays in ``reason`` as it was.
"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "5d2f7a1c9e30"
down_revision = "c12541433cdb"
branch_labels = None
depends_on = None

_GRADE = re.compile(r"(管理|专技|工勤) (\d+) 级")
_GRADE_IDS = {"管理": "管理 %(grade)d 级", "专技": "专技 %(grade)d 级", "工勤": "工勤 %(grade)d 级"}
_APPRAISAL = re.compile(r"(\d{4}) 年度考核(优秀|合格|基本合格|不合格|不定等次)，薪级晋升一级")
_APPOINTED = re.compile(r"聘任(.+)岗位，薪级由 (\d+) 级升至起点薪级 (\d+) 级")
_CORRECTED = re.compile(r"更正聘任为(.+)岗位，薪级由 (\d+) 级改为 (\d+) 级")
_PLAIN = {"入职定级", "人员花名册导入"}


def _message(id_, **params):
    return {"msg": id_, "params": params}


def _post(text):
    if text == "普通工":
        return _message("普通工")
    found = _GRADE.fullmatch(text)
    if found is None:
        return None
    return _message(_GRADE_IDS[found[1]], grade=int(found[2]))


def _parse(part):
    """Return the message a reason the application wrote stands for, or None."""
    if part in _PLAIN:
        return _message(part)
    found = _APPRAISAL.fullmatch(part)
    if found:
        return _message(
            "%(year)d 年度考核%(grade)s，薪级晋升一级",
            year=int(found[1]),
            grade=_message(found[2]),
        )
    for pattern, id_ in (
        (_APPOINTED, "聘任%(post)s岗位，薪级由 %(before)d 级升至起点薪级 %(step)d 级"),
        (_CORRECTED, "更正聘任为%(post)s岗位，薪级由 %(before)d 级改为 %(step)d 级"),
    ):
        found = pattern.fullmatch(part)
        if found:
            post = _post(found[1])
            if post is None:
                return None
            return _message(id_, post=post, before=int(found[2]), step=int(found[3]))
    return None


def upgrade():
    with op.batch_alter_table("salary_steps", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason_message", sa.JSON(), nullable=True))

    steps = sa.table(
        "salary_steps",
        sa.column("id", sa.Integer),
        sa.column("reason", sa.String),
        sa.column("reason_message", sa.JSON),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(steps.c.id, steps.c.reason).where(steps.c.reason.is_not(None))
    ).all()
    updates = []
    for step_id, reason in rows:
        parsed = [_parse(part) for part in reason.split("；")]
        if parsed and all(parsed):
            updates.append({"step_id": step_id, "message": parsed})
    if updates:
        bind.execute(
            steps.update()
            .where(steps.c.id == sa.bindparam("step_id"))
            .values(reason=None, reason_message=sa.bindparam("message")),
            updates,
        )


def downgrade():
    # The messages go back to their Chinese text, as the application wrote it before.
    steps = sa.table(
        "salary_steps",
        sa.column("id", sa.Integer),
        sa.column("reason", sa.String),
        sa.column("reason_message", sa.JSON),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(steps.c.id, steps.c.reason_message).where(steps.c.reason_message.is_not(None))
    ).all()
    updates = [
        {"step_id": step_id, "text": "；".join(_text(item) for item in items)[:255]}
        for step_id, items in rows
        if items
    ]
    if updates:
        bind.execute(
            steps.update()
            .where(steps.c.id == sa.bindparam("step_id"))
            .values(reason=sa.bindparam("text")),
            updates,
        )
    with op.batch_alter_table("salary_steps", schema=None) as batch_op:
        batch_op.drop_column("reason_message")


def _text(item):
    if not isinstance(item, dict):
        return str(item)
    params = {
        key: _text(value) if isinstance(value, dict) else value
        for key, value in (item.get("params") or {}).items()
    }
    return item["msg"] % params if params else item["msg"]
