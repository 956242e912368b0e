"""The four-eyes rule and the run's states, and the stored tax record, as pure functions."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from payroll.runs import ledger
from payroll.runs.states import (
    compute_refusal,
    decide_refusal,
    delete_refusal,
    parse_period,
    pay_refusal,
    submit_refusal,
)
from payroll.tax import (
    OtherDeductions,
    SpecialAdditional,
    SpecialDeductions,
    TaxRecord,
    WagePayment,
)


def test_the_approver_is_never_who_computed_or_submitted():
    assert decide_refusal("submitted", 1, 1, 2) is not None
    assert decide_refusal("submitted", 2, 1, 2) is not None
    assert decide_refusal("submitted", None, 1, 2) is not None
    assert decide_refusal("submitted", 3, 1, 2) is None
    assert decide_refusal("computed", 3, 1, 2) is not None


def test_states_allow_only_their_next_steps():
    assert compute_refusal("draft") is None and compute_refusal("returned") is None
    assert compute_refusal("submitted") is not None and compute_refusal("approved") is not None
    assert submit_refusal("computed", 0, 3) is None
    assert submit_refusal("computed", 1, 3) is not None  # a blocking problem
    assert submit_refusal("computed", 0, 0) is not None  # nobody in it
    assert submit_refusal("draft", 0, 3) is not None
    assert pay_refusal("approved") is None and pay_refusal("submitted") is not None
    assert delete_refusal("computed") is None and delete_refusal("approved") is not None


def test_periods():
    assert parse_period("2026-11") == (2026, 11)
    for bad in ("2026-13", "2026-1", "26-11", "2026/11", "", "abcd-ef"):
        assert parse_period(bad) is None


fen = st.decimals(min_value=-100000, max_value=100000, places=2).map(lambda d: d + Decimal("0.00"))


@given(
    income=fen,
    withheld=fen,
    pension=fen,
    rent=fen,
    annuity=fen,
    bonus=fen,
    month=st.integers(1, 12),
)
def test_a_stored_tax_record_reads_back_exactly(
    income, withheld, pension, rent, annuity, bonus, month
):
    record = TaxRecord(
        month=month,
        wage=WagePayment(
            income=income,
            special=SpecialDeductions(pension=pension),
            additional=SpecialAdditional(housing_rent=rent),
            other=OtherDeductions(annuity=annuity),
        ),
        withheld=withheld,
        bonus=bonus,
    )
    assert ledger.record_from_json(ledger.record_to_json(record)) == record


def test_an_override_wins_over_the_file_and_the_file_over_other_modules():
    given_amounts = ledger.Given(
        {"reward_performance": Decimal("100.00"), "other_pay": Decimal("5.00")},
        {"reward_performance": Decimal("200.00")},
        {"reward_performance": (Decimal("300.00"), "复核")},
    )
    assert given_amounts.chosen() == {
        "reward_performance": (Decimal("300.00"), "override"),
        "other_pay": (Decimal("5.00"), "provided"),
    }
    inputs = ledger.pay_inputs(given_amounts, SpecialAdditional(housing_rent=Decimal("1500.00")))
    assert inputs.reward_performance == Decimal("300.00") and inputs.post_wage is None
    assert inputs.special_additional.housing_rent == Decimal("1500.00")
