"""Payroll's pay settings: created for every hire it hears of, read as of a date, and given
to HR's roster export through the registry (HR never imports payroll)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core.extensions import db
from hr import signals
from payroll.models import PaySettings
from payroll.queries import roster_pay_settings, settings_on
from tests.factories import create_employment


def test_hearing_a_hire_creates_its_settings_with_what_it_carried(app):
    employment = create_employment(identity="filed")
    signals.send(
        signals.hired,
        [
            signals.Hire(
                employment.id,
                employment.institution_id,
                employment.person_id,
                "filed",
                date(2024, 9, 1),
                Decimal("6800.00"),
                Decimal("6000.00"),
                Decimal("0.110"),
            )
        ],
        source="import",
    )
    (settings,) = db.session.query(PaySettings).filter_by(employment_id=employment.id).all()
    assert (settings.effective_on, settings.contribution_base, settings.fund_base) == (
        date(2024, 9, 1),
        Decimal("6800.00"),
        Decimal("6000.00"),
    )
    assert settings.fund_rate == Decimal("0.110") and settings.has_occupational_annuity
    assert settings.special_deductions == {} and not settings.is_first_job_this_year


def test_settings_in_effect_on_a_date_and_for_the_roster_export(app):
    employment = create_employment()
    for on, base in ((date(2024, 9, 1), "5000"), (date(2025, 1, 1), "5500")):
        db.session.add(
            PaySettings(
                employment_id=employment.id, effective_on=on, contribution_base=Decimal(base)
            )
        )
    db.session.flush()
    assert settings_on([employment.id], date(2024, 12, 31))[employment.id].contribution_base == 5000
    assert settings_on([employment.id], date(2024, 1, 1))[employment.id].contribution_base == 5000
    assert roster_pay_settings([employment.id], date(2025, 6, 1)) == {
        employment.id: {
            "contribution_base": Decimal("5500.00"),
            "fund_base": None,
            "fund_rate": None,
        }
    }
