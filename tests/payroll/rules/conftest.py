"""The payroll rules are pure: their tests need neither the app nor a database."""

import pytest

from payroll.params import PayrollParams


@pytest.fixture(autouse=True)
def _transaction():
    """Override the suite's per-test database transaction: nothing here touches a database."""
    yield


#: Round averages so that hand arithmetic stays readable: floor 4,800 and cap 24,000 for the
#: contribution base; 30,000 caps the fund base and the annuity base (3 × 10,000).
TEST_AVERAGES = {"province": "8000", "city": "10000"}


@pytest.fixture
def params() -> PayrollParams:
    return PayrollParams.from_values({"payroll.average_wages": TEST_AVERAGES})
