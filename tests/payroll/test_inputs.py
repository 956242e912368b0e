"""Payroll inputs: amounts other modules hand to a run, collected and checked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core import config as app_config
from core.app import create_app
from core.errors import Refusal
from core.extensions import db
from core.modules import MODULES
from payroll import inputs
from payroll.inputs import InputProvider, PayInput


@pytest.fixture(scope="module")
def sample_app(database_url, tmp_path_factory):
    config = app_config.TestConfig(database_url, tmp_path_factory.mktemp("inputs"))
    # payroll and the sample module alone: the sector modules' providers read their own
    # tables, which this app's second connection must not wait on
    below = tuple(m for m in MODULES if m not in {"schools", "hospitals"})
    config.MODULES = (*below, "tests.sample_module")
    app = create_app(config)
    yield app
    with app.app_context():  # close this app's pool, or PostgreSQL keeps its connection
        db.engine.dispose()


def test_a_run_collects_what_the_modules_provide_summed_with_sources(sample_app):
    with sample_app.app_context():
        collected = inputs.collect(institution_id=1, period="2026-11")
    assert collected.amounts == {
        1: {"reward_performance": Decimal("150.01")},
        2: {"allowance": Decimal("20.00")},
    }
    assert collected.sources[1]["reward_performance"] == ["sample:2026-11", "sample:extra"]


def test_the_main_app_has_no_providers_until_schools_or_hospitals_declare_one(app):
    keys = {p.key for p in inputs.providers()}
    assert "sample.bonus" not in keys


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (PayInput(1, "post_wage", Decimal("1"), "x"), "不被接受"),
        (PayInput(1, "allowance", Decimal("-0.01"), "x"), "负数"),
    ],
)
def test_an_item_payroll_does_not_take_or_a_negative_amount_is_refused(value, message):
    provider = InputProvider("bad", "坏", "tests", lambda i, p: [value])
    with pytest.raises(Refusal, match=message):
        inputs._checked(provider, value)
