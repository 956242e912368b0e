"""The shared column types on the real database: Money stays Decimal, times stay UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Integer, MetaData, Table, func, insert, select

from core.extensions import db
from core.models import Money, UTCDateTime

metadata = MetaData()
amounts = Table(
    "test_amounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("amount", Money),
    Column("at", UTCDateTime),
)


@pytest.fixture
def table():
    connection = db.session.connection()
    metadata.create_all(connection)
    yield amounts
    metadata.drop_all(connection)


def test_money_round_trips_and_sums_exactly(table):
    values = [Decimal("0.10"), Decimal("0.20"), Decimal("12345678.99"), Decimal("-3.335")]
    db.session.execute(insert(table), [{"amount": v} for v in values])
    stored = list(db.session.scalars(select(table.c.amount).order_by(table.c.id)))
    assert stored == [Decimal("0.10"), Decimal("0.20"), Decimal("12345678.99"), Decimal("-3.34")]
    assert all(isinstance(v, Decimal) for v in stored)
    total = db.session.scalar(select(func.sum(table.c.amount)))
    assert isinstance(total, Decimal) and total == Decimal("12345675.95")


def test_money_refuses_float(table):
    from sqlalchemy.exc import StatementError

    with pytest.raises(StatementError):
        db.session.execute(insert(table), [{"amount": 0.1}])


# Each example runs in its own savepoint, so sharing the per-test transaction is safe.
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.decimals(min_value=-(10**9), max_value=10**9, places=2), min_size=1, max_size=20)
)
def test_money_sum_in_the_database_equals_the_python_sum(app, values):
    connection = db.session.connection()
    savepoint = connection.begin_nested()
    try:
        metadata.create_all(connection)
        connection.execute(insert(amounts), [{"amount": v} for v in values])
        total = connection.execute(select(func.sum(amounts.c.amount))).scalar()
        assert isinstance(total, Decimal)
        assert total == sum(values)
    finally:
        savepoint.rollback()


def test_times_come_back_aware_in_utc(table):
    shanghai = timezone(timedelta(hours=8))
    moment = datetime(2026, 11, 27, 9, 30, tzinfo=shanghai)
    db.session.execute(insert(table), [{"at": moment}])
    stored = db.session.scalar(select(table.c.at))
    assert stored == moment and stored.tzinfo is not None
    assert stored.astimezone(UTC).hour == 1
