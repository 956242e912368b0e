"""What a stored pay line keeps of its tax, and the inputs of a person-month from the
amounts finance and other modules gave. Pure module: plain values in, plain values out.

The year to date of a person at an employer is the fold of the ``TaxRecord`` of every
earlier payment of the year (``YearToDate.fold``); a line stores its record as JSON with
amounts as text, so a locked line reads back exactly as it was computed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from payroll.amounts import ZERO
from payroll.compute import COMPUTABLE, DEDUCTIONS, EARNINGS, PayInputs
from payroll.tax import (
    OtherDeductions,
    SpecialAdditional,
    SpecialDeductions,
    TaxRecord,
    WagePayment,
    YearToDate,
)

#: Items finance may import or override for one person (the 月度工资 money columns).
ITEMS: tuple[str, ...] = (*EARNINGS, *DEDUCTIONS, "special_additional", "other_deductions")
#: What the withholding client's declared-deductions export gives for the month (this
#: payment's increment of the year's cumulative figure), by category.
DECLARED_PREFIX = "additional."
DECLARED_ITEMS: tuple[str, ...] = (
    *(DECLARED_PREFIX + name for name in SpecialAdditional.field_names() if name != "unclassified"),
    "private_pension",
)
#: The payroll-inputs registry's item names -> our items.
PROVIDER_ITEMS = {
    "reward_performance": "reward_performance",
    "basic_performance": "basic_performance",
    "allowance": "allowances",
    "other_pay": "other_pay",
}


def _group_json(group: Any) -> dict[str, str]:
    mine = group.__dict__  # the amounts (a frozen AmountGroup), read without getattr
    return {name: str(value) for name in group.field_names() if (value := mine[name])}


#: an empty group of each class, shared (they are frozen): most stored groups are empty
_EMPTY: dict[type, Any] = {}


def _group(cls: type, data: Mapping[str, str] | None) -> Any:
    if not data:
        empty = _EMPTY.get(cls)
        if empty is None:
            empty = _EMPTY[cls] = cls()
        return empty
    return cls(**{name: Decimal(data[name]) for name in cls.field_names() if name in data})


def record_to_json(record: TaxRecord) -> dict[str, Any]:
    """Return a tax record as JSON (amounts as text; zero groups left out)."""
    wage = record.wage
    return {
        "month": record.month,
        "income": str(wage.income),
        "tax_free_income": str(wage.tax_free_income),
        "special": _group_json(wage.special),
        "additional": _group_json(wage.additional),
        "other": _group_json(wage.other),
        "withheld": str(record.withheld),
        "bonus": str(record.bonus),
        "bonus_tax": str(record.bonus_tax),
    }


def record_from_json(data: Mapping[str, Any]) -> TaxRecord:
    """Return the tax record :func:`record_to_json` stored."""
    return TaxRecord(
        month=int(data["month"]),
        wage=WagePayment(
            income=Decimal(data["income"]),
            tax_free_income=Decimal(data.get("tax_free_income", "0.00")),
            special=_group(SpecialDeductions, data.get("special")),
            additional=_group(SpecialAdditional, data.get("additional")),
            other=_group(OtherDeductions, data.get("other")),
        ),
        withheld=Decimal(data["withheld"]),
        bonus=Decimal(data.get("bonus", "0.00")),
        bonus_tax=Decimal(data.get("bonus_tax", "0.00")),
    )


def year_to_date(year: int, records: Iterable[Mapping[str, Any]]) -> YearToDate:
    """Return the year to date after the stored records (already in payment order).

    The same figures as ``YearToDate.fold(year, map(record_from_json, records))``
    (:func:`year_to_date_reference`), summed straight from the stored text: every person
    of a run has one, so no ``TaxRecord`` and no group is built per stored payment.
    Decimal sums of the same exact amounts are the same whatever the grouping.
    """
    last_month = payments = bonus_payments = 0
    income = tax_free = withheld = month_withheld = bonus = bonus_tax = ZERO
    special = additional = other = None
    for data in records:
        month = int(data["month"])
        if month < last_month:
            raise ValueError(f"payment of month {month} after month {last_month}: fold in order")
        income += Decimal(data["income"])
        value = data.get("tax_free_income")
        if value is not None:
            tax_free += Decimal(value)
        group = data.get("special")
        if group:
            special = _add_json(special, _SPECIAL, group)
        group = data.get("additional")
        if group:
            additional = _add_json(additional, _ADDITIONAL, group)
        group = data.get("other")
        if group:
            other = _add_json(other, _OTHER, group)
        paid = Decimal(data["withheld"])
        withheld += paid
        month_withheld = (month_withheld if month == last_month else ZERO) + paid
        value = data.get("bonus")
        if value is not None:
            amount = Decimal(value)
            bonus += amount
            if amount:
                bonus_payments += 1
        value = data.get("bonus_tax")
        if value is not None:
            bonus_tax += Decimal(value)
        last_month = month
        payments += 1
    return YearToDate(
        year,
        last_month,
        payments,
        income,
        tax_free,
        _group_of(SpecialDeductions, special),
        _group_of(SpecialAdditional, additional),
        _group_of(OtherDeductions, other),
        withheld,
        month_withheld,
        bonus,
        bonus_payments,
        bonus_tax,
    )


def year_to_date_reference(year: int, records: Iterable[Mapping[str, Any]]) -> YearToDate:
    """Return the year to date the plain way: each record read back, then folded."""
    return YearToDate.fold(year, (record_from_json(data) for data in records))


_SPECIAL = SpecialDeductions.field_names()
_ADDITIONAL = SpecialAdditional.field_names()
_OTHER = OtherDeductions.field_names()


def _add_json(
    sums: dict[str, Decimal] | None, names: tuple[str, ...], data: Mapping[str, str]
) -> dict[str, Decimal]:
    """Return ``sums`` (None: all zero) plus a stored group's amounts (unknown names ignored,
    as :func:`_group` does)."""
    if sums is None:
        sums = dict.fromkeys(names, ZERO)
    for name, value in data.items():
        if name in sums:
            sums[name] += Decimal(value)
    return sums


def _group_of(cls: type, sums: dict[str, Decimal] | None) -> Any:
    """Return the group of the summed amounts (the shared empty one when none was stored)."""
    if sums is None:
        return _group(cls, None)
    return cls._build(sums[name] for name in cls.field_names())


def standing_additional(settings: Mapping[str, Any] | None) -> SpecialAdditional:
    """Return a month of the standing 专项附加扣除 kept in the pay settings (text amounts)."""
    if not settings:
        return SpecialAdditional()
    names = SpecialAdditional.field_names()
    return SpecialAdditional(
        **{
            name: Decimal(str(value)).quantize(ZERO)
            for name, value in settings.items()
            if name in names and value not in (None, "")
        }
    )


@dataclass(frozen=True)
class Given:
    """The amounts a run has for one person, by where they came from."""

    #: from other modules through the payroll-inputs registry (item -> amount)
    provided: Mapping[str, Decimal]
    #: from the 月度工资 file imported for the run
    imported: Mapping[str, Decimal]
    #: set by hand in the run, with a reason (item -> (amount, reason))
    overrides: Mapping[str, tuple[Decimal, str | None]]

    def chosen(self) -> dict[str, tuple[Decimal, str]]:
        """Return item -> (amount, source): an override wins over the file, the file over
        what other modules provided."""
        found: dict[str, tuple[Decimal, str]] = {}
        for item, amount in self.provided.items():
            found[item] = (amount, "provided")
        for item, amount in self.imported.items():
            found[item] = (amount, "import")
        for item, (amount, _) in self.overrides.items():
            found[item] = (amount, "override")
        return found


def pay_inputs(given: Given, standing: SpecialAdditional) -> PayInputs:
    """Return a person-month's inputs: given amounts as given, the rest computed.

    A 岗位工资, 薪级工资 or deduction not given stays None (computed from the tables and
    bases); a pay item not given is 0; a 专项附加扣除 given is this month's amount as a total,
    else the standing monthly amounts of the pay settings.
    """
    values: dict[str, Any] = {}
    additional = standing
    declared: dict[str, Decimal] = {}
    chosen = given.chosen()
    for item, (amount, _) in chosen.items():
        if item.startswith(DECLARED_PREFIX):
            declared[item.removeprefix(DECLARED_PREFIX)] = amount
        elif item == "private_pension":
            values["tax_deductions"] = OtherDeductions(private_pension=amount)
        elif item in COMPUTABLE or item in EARNINGS or item == "other_deductions":
            values[item] = amount
    if "special_additional" in chosen:  # a total in the 月度工资 file wins
        additional = SpecialAdditional(unclassified=chosen["special_additional"][0])
    elif declared:  # the client's declarations replace the standing amounts
        additional = SpecialAdditional(**declared)
    return PayInputs(special_additional=additional, **values)


__all__ = [
    "ITEMS",
    "PROVIDER_ITEMS",
    "Given",
    "pay_inputs",
    "record_from_json",
    "record_to_json",
    "standing_additional",
    "year_to_date",
]


# --------------------------------------------------------------------------- items


def items_to_json(items: Any) -> dict[str, Any]:
    """Return the amounts of a ``compute.PayItems`` as JSON (groups as dicts of text)."""
    out: dict[str, Any] = {}
    values = items.__dict__  # a frozen dataclass: its fields, read without getattr
    for name in _ITEM_FIELDS:
        value = values[name]
        out[name] = _group_json(value) if name in _GROUPS else str(value)
    return out


def items_from_json(data: Mapping[str, Any]) -> Any:
    """Return the ``compute.PayItems`` that :func:`items_to_json` stored (no problems)."""
    from payroll.compute import PayItems

    values: dict[str, Any] = {}
    for name in _ITEM_FIELDS:
        group = _GROUPS.get(name)
        values[name] = _group(group, data.get(name)) if group else Decimal(data.get(name, "0.00"))
    return PayItems(**values)


def sum_items(all_items: Sequence[Any]) -> Any:
    """Return the amounts of several ``PayItems`` added up (a month paid in more than one run)."""
    from payroll.compute import PayItems

    first = all_items[0]
    values = {name: getattr(first, name) for name in _ITEM_FIELDS}
    for items in all_items[1:]:
        for name in _ITEM_FIELDS:
            values[name] = values[name] + getattr(items, name)
    return PayItems(**values)


def _item_fields() -> tuple[tuple[str, ...], dict[str, type]]:
    from payroll.compute import PayItems
    from payroll.contributions import Contributions

    skip = {"contribution_base", "fund_base", "given", "problems"}
    names = tuple(f.name for f in fields(PayItems) if f.name not in skip)
    groups = {
        "employee": Contributions,
        "employer": Contributions,
        "special_additional": SpecialAdditional,
        "tax_deductions": OtherDeductions,
    }
    return names, groups


_ITEM_FIELDS, _GROUPS = _item_fields()
