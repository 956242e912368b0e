"""The governance rules are pure: their tests need neither the app nor a database."""

import pytest


@pytest.fixture(autouse=True)
def _transaction():
    """Override the suite's per-test database transaction: nothing here touches a database."""
    yield
