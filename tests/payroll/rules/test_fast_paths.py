"""The fast paths of the pay line give exactly the reference results.

The amount groups build their results without the dataclass ``__init__`` and
``YearToDate.fold`` sums in one pass; both must agree with the plain computation to the
digit (``Decimal`` equality ignores the exponent, so the comparisons are on ``repr``).
"""

from __future__ import annotations

import random
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from payroll.amounts import AmountGroup, round_to
from payroll.compute import EARNINGS, STORED_COLUMNS, PayInputs, PayProfile, compute_line
from payroll.contributions import (
    ITEMS,
    Contributions,
    employee_contributions,
    employer_contributions,
)
from payroll.runs import ledger
from payroll.tax import (
    OtherDeductions,
    SpecialAdditional,
    SpecialDeductions,
    TaxRecord,
    WagePayment,
    YearToDate,
)
from tests.payroll.rules.test_properties import PARAMS, SETTINGS, YEARS, pay_year, years

D = Decimal
GROUPS = (Contributions, SpecialDeductions, SpecialAdditional, OtherDeductions)


def _reference_add(self, other):
    cls = type(self)
    if type(other) is not cls:
        return NotImplemented
    return cls(*[getattr(self, n) + getattr(other, n) for n in cls.field_names()])


def _reference_sub(self, other):
    cls = type(self)
    if type(other) is not cls:
        return NotImplemented
    return cls(*[getattr(self, n) - getattr(other, n) for n in cls.field_names()])


def _reference_times(self, factor):
    cls = type(self)
    return cls(*[getattr(self, n) * factor for n in cls.field_names()])


def _reference_total(self):
    return sum([getattr(self, n) for n in self.field_names()], D("0.00"))


@pytest.fixture
def reference_groups(monkeypatch):
    """Swap the amount groups' arithmetic for the plain dataclass-constructor version."""

    def use() -> None:
        monkeypatch.setattr(AmountGroup, "__add__", _reference_add)
        monkeypatch.setattr(AmountGroup, "__sub__", _reference_sub)
        monkeypatch.setattr(AmountGroup, "times", _reference_times)
        monkeypatch.setattr(AmountGroup, "total", property(_reference_total))

    return use


amounts = st.decimals(min_value=D(-100_000), max_value=D(100_000), places=2)


@given(st.sampled_from(GROUPS), st.data())
def test_group_arithmetic_matches_the_constructor(cls, data):
    size = len(cls.field_names())
    a = cls(*data.draw(st.lists(amounts, min_size=size, max_size=size)))
    b = cls(*data.draw(st.lists(amounts, min_size=size, max_size=size)))
    for fast, reference in (
        (a + b, _reference_add(a, b)),
        (a - b, _reference_sub(a, b)),
        (a.times(3), _reference_times(a, 3)),
    ):
        assert type(fast) is cls
        assert repr(fast) == repr(reference)
        assert fast == reference
        assert hash(fast) == hash(reference)
    assert repr(a.total) == repr(_reference_total(a))
    assert (a + b).as_dict() == _reference_add(a, b).as_dict()


@YEARS
@given(years(corrections=True))
def test_fold_matches_adding_the_records_one_by_one(year):
    _, results = pay_year(*year)
    records = [r.record for r in results]
    state = YearToDate(2025)
    for record in records:
        state = state.add(record)
    assert repr(YearToDate.fold(2025, records)) == repr(state)


def test_fold_refuses_records_out_of_order():
    march = TaxRecord(3, WagePayment(D("9000.00")), D("120.00"))
    february = TaxRecord(2, WagePayment(D("9000.00")), D("120.00"))
    with pytest.raises(ValueError, match="fold in order"):
        YearToDate.fold(2025, [march, february])


def _people(count: int, seed: int):
    """Random employees: (inputs, profile, month, earlier records) drawn reproducibly."""
    rng = random.Random(seed)

    def money(low: int, high: int) -> Decimal:
        return D(rng.randint(low * 100, high * 100)) / 100

    def maybe(low: int, high: int) -> Decimal | None:
        return None if rng.random() < 0.7 else money(low, high)

    people = []
    for _ in range(count):
        category = rng.choice(["management", "professional", "worker"])
        grades = {"management": 10, "professional": 13, "worker": 6}[category]
        profile = PayProfile(
            category=category,
            grade=rng.randint(1, grades),
            step=rng.randint(1, 40 if category == "worker" else 65),
            contribution_base=money(1000, 40_000),
            fund_base=money(1000, 40_000),
            fund_rate=rng.choice([D("0.05"), D("0.08"), D("0.1"), D("0.12"), D("0.13")]),
            annuity=rng.random() < 0.8,
            first_job_this_year=rng.random() < 0.1,
            low_income=rng.random() < 0.1,
            merge_bonus=rng.random() < 0.2,
            bank_account=None if rng.random() < 0.05 else "6222",
        )
        inputs_ = PayInputs(
            post_wage=maybe(500, 3000),
            step_wage=maybe(50, 3000),
            basic_performance=money(0, 20_000),
            reward_performance=money(0, 20_000) if rng.random() < 0.5 else D("0.00"),
            allowances=money(0, 5000),
            other_pay=money(0, 50_000) if rng.random() < 0.2 else D("0.00"),
            bonus=rng.choice([D("0.00")] * 6 + [D("36000.00"), D("36000.01"), money(0, 99_000)]),
            pension=maybe(0, 3000),
            annuity=maybe(0, 1500),
            medical=maybe(0, 800),
            unemployment=maybe(0, 200),
            housing_fund=maybe(0, 5000),
            special_additional=SpecialAdditional()  # the default: nothing declared
            if rng.random() < 0.4
            else SpecialAdditional(
                children_education=rng.choice([D("0.00"), D("2000.00")]),
                housing_rent=rng.choice([D("0.00"), D("1500.00")]),
            ),
            other_deductions=money(0, 500) if rng.random() < 0.3 else D("0.00"),
        )
        month = rng.randint(1, 12)
        people.append((inputs_, profile, month))
    return people


def _reference_as_dict(line) -> dict:
    """``PayLine.as_dict`` written plainly, through the public properties."""
    items, wage = line.items, line.tax.wage
    row: dict = {name: getattr(items, name) for name in EARNINGS}
    row["gross"] = line.gross
    row.update(items.employee.as_dict())
    row.update(
        special_additional=items.special_additional.total,
        income_tax=line.income_tax,
        bonus_tax=line.bonus_tax,
        other_deductions=items.other_deductions,
        total_deductions=line.total_deductions,
        net_pay=line.net_pay,
    )
    row.update({f"employer_{k}": v for k, v in items.employer.as_dict().items()})
    row.update(
        employer_total=items.employer.total,
        contribution_base=items.contribution_base,
        fund_base=items.fund_base,
        tax_free_income=items.tax_free_income,
        fund_tax_free=items.fund_tax_free,
        taxable_fund_excess=items.taxable_fund_excess,
        deductible_annuity=items.tax_deductions.annuity,
        annuity_excess=items.annuity_excess,
        wage_income=line.tax.record.wage.income,
        bonus_treatment=line.tax.bonus_treatment.value,
        cumulative_income=wage.cumulative_income,
        cumulative_tax_free_income=wage.cumulative_tax_free_income,
        cumulative_basic_deduction=wage.cumulative_basic_deduction,
        cumulative_special=wage.cumulative_special.total,
        cumulative_additional=wage.cumulative_additional.total,
        cumulative_other=wage.cumulative_other.total,
        cumulative_taxable=wage.cumulative_taxable,
        tax_rate=wage.rate,
        quick_deduction=wage.quick_deduction,
        cumulative_tax=wage.cumulative_tax,
        withheld_before=wage.withheld_before,
        tax_balance=wage.balance,
        given=sorted(items.given),
    )
    return row


def _lines(people):
    """Each person's month computed on top of earlier months of the same inputs."""
    out = []
    for inputs_, profile, month in people:
        ytd = YearToDate(2025)
        records = []
        for earlier in range(1, month):
            line = compute_line(
                inputs_,
                profile,
                PARAMS,
                year=2025,
                month=earlier,
                months_employed=earlier,
                ytd=YearToDate.fold(2025, records),
            )
            records.append(line.record)
        ytd = YearToDate.fold(2025, records)
        line = compute_line(
            inputs_, profile, PARAMS, year=2025, month=month, months_employed=month, ytd=ytd
        )
        flat = line.as_dict()
        assert list(flat) == list(_reference_as_dict(line))
        assert repr(flat) == repr(_reference_as_dict(line))
        out.append(
            (
                repr(sorted(flat.items())),
                repr(line.problems),
                repr(line.record),
                repr(line.ytd),
            )
        )
    return out


def test_pay_lines_match_the_reference_arithmetic(reference_groups, monkeypatch):
    """Three hundred random people, each over the months up to a random one: every figure,
    problem and stored record the same as with the plain group arithmetic and fold."""
    people = _people(300, seed=20260101)
    fast = _lines(people)
    reference_groups()

    def reference_fold(cls, year, records):
        state = cls(year)
        for record in records:
            state = state.add(record)
        return state

    monkeypatch.setattr(YearToDate, "fold", classmethod(reference_fold))
    assert _lines(people) == fast


# --------------------------------------------------------------------------- stored lines

group_amounts = st.dictionaries(st.sampled_from(range(8)), amounts, max_size=4)


@st.composite
def stored_records(draw):
    """A year of stored tax records (``ledger.record_to_json``), months in order, groups
    sparse, some with a separately taxed bonus."""
    months = sorted(draw(st.lists(st.integers(1, 12), max_size=6)))
    records = []
    for month in months:

        def group(cls):
            names = cls.field_names()
            picked = draw(group_amounts)
            return cls(**{names[i % len(names)]: value for i, value in picked.items()})

        bonus = draw(st.sampled_from([D("0.00"), D("0.00"), D("36000.00")]))
        records.append(
            TaxRecord(
                month,
                WagePayment(
                    draw(amounts),
                    draw(st.sampled_from([D("0.00"), D("500.00")])),
                    group(SpecialDeductions),
                    group(SpecialAdditional),
                    group(OtherDeductions),
                ),
                draw(amounts),
                bonus,
                D("1080.00") if bonus else D("0.00"),
            )
        )
    return records


@SETTINGS
@given(stored_records())
def test_year_to_date_from_stored_records_matches_reading_them_back(records):
    """``ledger.year_to_date`` sums the stored text directly: the same state, to the digit,
    as reading each record back and folding them."""
    stored = [ledger.record_to_json(record) for record in records]
    assert repr(ledger.year_to_date(2025, stored)) == repr(
        ledger.year_to_date_reference(2025, stored)
    )
    assert repr(ledger.year_to_date(2025, stored)) == repr(YearToDate.fold(2025, records))


def test_year_to_date_reads_older_stored_records_alike():
    """Records stored before some keys existed, or with a category no longer known."""
    stored = [
        {"month": 1, "income": "9000.00", "withheld": "120.00", "special": {"pension": "720.00"}},
        {
            "month": 1,
            "income": "-100.00",
            "withheld": "-3.00",
            "other": {"annuity": "40.00", "retired_category": "1.00"},
            "bonus": "12000.00",
            "bonus_tax": "360.00",
        },
        {"month": 2, "income": "9000.00", "tax_free_income": "10.00", "withheld": "117.00"},
    ]
    assert repr(ledger.year_to_date(2025, stored)) == repr(
        ledger.year_to_date_reference(2025, stored)
    )
    assert ledger.year_to_date(2025, []) == YearToDate(2025)
    with pytest.raises(ValueError, match="fold in order"):
        ledger.year_to_date(2025, [stored[2], stored[0]])


def test_stored_columns_split_the_flat_line():
    """``PayLine.columns`` gives the line's own columns as ``as_dict`` has them, and the
    rest of ``as_dict`` as the detail stores it (Decimals as text), in the same order."""
    people = _people(300, seed=20260202)
    for inputs_, profile, month in people:
        line = compute_line(inputs_, profile, PARAMS, year=2025, month=month, months_employed=month)
        flat = line.as_dict()
        columns, detail = line.columns()
        assert list(columns) == list(STORED_COLUMNS)
        assert repr(columns) == repr({name: flat[name] for name in STORED_COLUMNS})
        assert detail == {
            name: str(value) if isinstance(value, D) else value
            for name, value in flat.items()
            if name not in STORED_COLUMNS
        }
        assert list(detail) == [name for name in flat if name not in STORED_COLUMNS]


def _reference_side(base, fund_base_used, fund_rate, params, side, annuity):
    """The five items as written before the fast path: each through ``round_to``."""

    def item(amount, name):
        return round_to(amount, params.rounding[name])

    rate = {name: getattr(params.rates[name], side) for name in params.rates}
    return Contributions(
        pension=item(base * rate["pension"], "pension"),
        annuity=item(base * rate["annuity"], "annuity") if annuity else D("0.00"),
        medical=item(base * rate["medical"], "medical"),
        unemployment=item(base * rate["unemployment"], "unemployment"),
        housing_fund=item(fund_base_used * fund_rate, "housing_fund"),
    )


@SETTINGS
@given(
    amounts,
    amounts,
    st.decimals(min_value=D("0.05"), max_value=D("0.12"), places=3),
    st.fixed_dictionaries({name: st.sampled_from(["0.01", "0.1", "1", "0.010"]) for name in ITEMS}),
    st.booleans(),
)
def test_contributions_match_rounding_each_item(base, fund_base_used, rate, rounding, annuity):
    """Each side's five items, the usual fen without the quantum check, equal
    ``round_to`` item by item, whatever each item's rounding."""
    params = replace(
        PARAMS.contributions, rounding={name: D(value) for name, value in rounding.items()}
    )
    for side, fast in (("employee", employee_contributions), ("employer", employer_contributions)):
        assert repr(fast(base, fund_base_used, rate, params, annuity=annuity)) == repr(
            _reference_side(base, fund_base_used, rate, params, side, annuity)
        )
