"""hr: personal details per employment, the person row keeps identity only

A person is shared by every institution that employs them, and their 学历, 专业技术职称 and
联系电话 sat on that shared row, so each institution saw (and overwrote) what the others
recorded. They move to the employment: each institution keeps its own.

Which institution recorded the value on file is replayed from the audit trail, so no
institution is handed another's record: the person row was created by their first
employment (the only path that writes details on a new person), and every later
``employment.enter`` that changed a detail recorded the old and new value. The first
employment gets the value as it was before the first such change (or the value on file if
none), each changing employment the value it wrote. Downgrade puts back, per person, the
most recently recorded value of each detail.

Revision ID: e50af96a20d8
Revises: 85b20c979667
Create Date: 2026-11-27 21:55:26.187542

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e50af96a20d8'
down_revision = '85b20c979667'
branch_labels = None
depends_on = None

DETAILS = ("education", "professional_title", "phone")
_COLUMNS = {
    "education": sa.String(length=32),
    "professional_title": sa.String(length=64),
    "phone": sa.String(length=32),
}
_CHUNK = 5000

_people = sa.table(
    "people", sa.column("id", sa.Integer()), *(sa.column(k, _COLUMNS[k]) for k in DETAILS)
)
_employments = sa.table(
    "employments",
    sa.column("id", sa.Integer()),
    sa.column("person_id", sa.Integer()),
    *(sa.column(k, _COLUMNS[k]) for k in DETAILS),
)
_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer()),
    sa.column("action", sa.String(64)),
    sa.column("object_type", sa.String(64)),
    sa.column("object_id", sa.String(64)),
    sa.column("changes", sa.JSON()),
)


def _recorded_by_employment(bind) -> dict[int, dict[str, str | None]]:
    """Return {employment id: {detail: value}} as each institution recorded it."""
    on_file = {
        row.id: {k: getattr(row, k) for k in DETAILS}
        for row in bind.execute(
            sa.select(_people).where(sa.or_(*(_people.c[k].is_not(None) for k in DETAILS)))
        )
    }
    person_of = dict(bind.execute(sa.select(_employments.c.id, _employments.c.person_id)).all())
    first = dict(
        bind.execute(
            sa.select(_employments.c.person_id, sa.func.min(_employments.c.id)).group_by(
                _employments.c.person_id
            )
        ).all()
    )
    # (person, detail) -> [(employment id, old, new)] in the order they happened
    changes: dict[tuple[int, str], list[tuple[int, object, object]]] = {}
    events = bind.execute(
        sa.select(_events.c.object_id, _events.c.changes)
        .where(
            _events.c.action == "employment.enter",
            _events.c.object_type == "Employment",
            sa.cast(_events.c.changes, sa.Text()).like('%"person.%'),
        )
        .order_by(_events.c.id)
    )
    for object_id, recorded in events:
        employment_id = int(object_id) if str(object_id).isdigit() else None
        person_id = person_of.get(employment_id)
        if person_id is None or not isinstance(recorded, dict):
            continue
        for key in DETAILS:
            pair = recorded.get(f"person.{key}")
            if isinstance(pair, list) and len(pair) == 2:
                changes.setdefault((person_id, key), []).append((employment_id, *pair))

    result: dict[int, dict[str, str | None]] = {}
    for person_id in set(on_file) | {p for p, _ in changes}:
        for key in DETAILS:
            history = changes.get((person_id, key), [])
            initial = history[0][1] if history else on_file.get(person_id, {}).get(key)
            if initial is not None and person_id in first:
                result.setdefault(first[person_id], {})[key] = initial
            for employment_id, _, new in history:
                result.setdefault(employment_id, {})[key] = new
    return result


def upgrade():
    with op.batch_alter_table('employments', schema=None) as batch_op:
        for key in DETAILS:
            batch_op.add_column(sa.Column(key, _COLUMNS[key], nullable=True))

    bind = op.get_bind()
    recorded = _recorded_by_employment(bind)
    rows = [
        {"eid": employment_id, **{k: None if values.get(k) is None else str(values[k]) for k in DETAILS}}
        for employment_id, values in sorted(recorded.items())
    ]
    update = (
        sa.update(_employments)
        .where(_employments.c.id == sa.bindparam("eid"))
        .values({k: sa.bindparam(k) for k in DETAILS})
    )
    for start in range(0, len(rows), _CHUNK):
        bind.execute(update, rows[start : start + _CHUNK])

    with op.batch_alter_table('people', schema=None) as batch_op:
        for key in DETAILS:
            batch_op.drop_column(key)


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        for key in DETAILS:
            batch_op.add_column(sa.Column(key, _COLUMNS[key], nullable=True))

    # Each person gets back the most recently recorded value of each detail.
    latest = sa.alias(_employments, "latest")
    op.get_bind().execute(
        sa.update(_people).values(
            {
                key: sa.select(latest.c[key])
                .where(latest.c.person_id == _people.c.id, latest.c[key].is_not(None))
                .order_by(latest.c.id.desc())
                .limit(1)
                .scalar_subquery()
                for key in DETAILS
            }
        )
    )

    with op.batch_alter_table('employments', schema=None) as batch_op:
        for key in DETAILS:
            batch_op.drop_column(key)
