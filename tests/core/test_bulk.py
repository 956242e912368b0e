"""The one bulk writer (core/bulk.py): ids known before the rows are written, never given
twice, also to transactions writing at the same moment (SQLite and PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from core.bulk import Ids, insert_columns, insert_rows
from core.extensions import db
from core.ids import make_citizen_id
from core.models import utcnow
from hr.models import Person
from tests.factories import create_person
from tests.scratch import dispose, make_app, migrate, scratch_database


def _people(numbers: range) -> dict[str, list]:
    ids = [make_citizen_id("510107", date(1980, 1, 1 + n % 28), n, True) for n in numbers]
    return {
        "citizen_id": ids,
        "name": [f"批量{n}" for n in numbers],
        "gender": ["男"] * len(ids),
        "birth_date": [date(1980, 1, 1 + n % 28) for n in numbers],
    }


def test_insert_rows_returns_the_ids_of_the_rows_in_order(app):
    existing = create_person()
    now = utcnow()
    columns = _people(range(7))
    ids = insert_rows(Person, columns, created_at=now, updated_at=now)
    assert len(set(ids)) == 7 and existing.id not in ids
    found = dict(
        db.session.execute(select(Person.citizen_id, Person.id).where(Person.id.in_(ids))).all()
    )
    assert [found[number] for number in columns["citizen_id"]] == ids
    assert insert_rows(Person, {"citizen_id": []}) == []


def test_ids_handed_out_are_not_handed_out_again_before_they_are_written(app):
    ids = Ids()
    first = ids.reserve(Person, 3)
    second = ids.reserve(Person, 2)
    assert len(set(first + second)) == 5
    # The ORM, after rows written with reserved ids, does not collide with them either.
    now = utcnow()
    insert_columns(
        Person, {"id": second, **_people(range(100, 102))}, created_at=now, updated_at=now
    )
    person = create_person()
    assert person.id not in first + second


def test_concurrent_writers_get_different_ids(app, tmp_path):
    """Two transactions reserve, wait for each other, write and commit: both land."""
    with scratch_database(tmp_path) as url:
        writers = [make_app(url, tmp_path / f"instance{n}") for n in range(2)]
        migrate(writers[0])
        barrier = threading.Barrier(2, timeout=20)
        reserved: dict[int, list[int]] = {}
        failures: list[BaseException] = []

        def write(index: int) -> None:
            try:
                with writers[index].app_context():
                    numbers = range(index * 200, index * 200 + 50)
                    now = utcnow()
                    if db.engine.dialect.name == "postgresql":
                        # Both hold their ids before either writes: the sequence decides.
                        reserved[index] = Ids().reserve(Person, 50)
                        barrier.wait()
                    else:
                        # SQLite has one writer: the second waits for the lock, then sees
                        # the first one's rows.
                        barrier.wait()
                        reserved[index] = Ids().reserve(Person, 50)
                    insert_columns(
                        Person,
                        {"id": reserved[index], **_people(numbers)},
                        created_at=now,
                        updated_at=now,
                    )
                    db.session.commit()
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)
                barrier.abort()

        threads = [threading.Thread(target=write, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        try:
            assert failures == []
            assert not set(reserved[0]) & set(reserved[1])
            with writers[0].app_context():
                assert db.session.scalar(select(func.count()).select_from(Person)) == 100
                # Later inserts through the ORM take ids beyond the reserved ones.
                person = Person(
                    citizen_id=make_citizen_id("510107", date(1990, 1, 1), 7, True),
                    name="之后",
                    gender="男",
                    birth_date=date(1990, 1, 1),
                )
                db.session.add(person)
                db.session.commit()
                assert person.id not in reserved[0] + reserved[1]
        finally:
            dispose(*writers)
