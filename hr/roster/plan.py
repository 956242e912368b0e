"""What a checked 人员花名册 will write: the typed value joining the check and the write.

``hr.roster.checks.check_roster`` returns a :class:`RosterPlan` for a file without errors;
``hr.roster.operations.import_roster`` writes exactly that plan. The plan holds one list
per field, in file order (the write inserts column by column, so a 100,000-row file is 15
lists, not 100,000 objects); :meth:`RosterPlan.hire` gives one row as a :class:`Hire`.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Hire:
    """One checked row: a person entering an institution on a post."""

    row: int
    institution_id: int
    #: the person already on file, or None: the import creates them
    person_id: int | None
    citizen_id: str
    name: str
    staff_number: str
    identity: str
    #: the department, or None: none named, or one the import creates (``department``)
    department_id: int | None
    department: str | None
    category: str
    grade: int
    post_name: str
    salary_step: int
    start_on: date
    bank_account: str | None
    contribution_base: Decimal | None
    fund_base: Decimal | None
    fund_rate: Decimal | None


@dataclass(frozen=True)
class RosterPlan:
    """Every row of a file that passed its checks, column by column (see :class:`Hire`)."""

    row: list[int]
    institution_id: list[int]
    person_id: list[int | None]
    citizen_id: list[str]
    name: list[str]
    staff_number: list[str]
    identity: list[str]
    department_id: list[int | None]
    department: list[str | None]
    category: list[str]
    grade: list[int]
    post_name: list[str]
    salary_step: list[int]
    start_on: list[date]
    bank_account: list[str | None]
    contribution_base: list[Decimal | None]
    fund_base: list[Decimal | None]
    fund_rate: list[Decimal | None]
    #: departments the import creates, the person having chosen to: {institution id: names}
    new_departments: dict[int, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        sizes = {len(getattr(self, name)) for name in COLUMNS}
        if len(sizes) > 1:
            raise ValueError(f"the plan's columns differ in length: {sorted(sizes)}")

    def __len__(self) -> int:
        return len(self.row)

    def hire(self, index: int) -> Hire:
        return Hire(*(getattr(self, name)[index] for name in COLUMNS))

    def hires(self) -> list[Hire]:
        return [self.hire(index) for index in range(len(self))]

    @property
    def new_people(self) -> int:
        """Return how many different people the import creates."""
        return len({c for c, p in zip(self.citizen_id, self.person_id, strict=True) if p is None})

    def by_institution(self) -> Counter[int]:
        return Counter(self.institution_id)


#: The plan's per-row columns, in :class:`Hire`'s order.
COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(Hire))


def plan_from_columns(
    columns: dict[str, list], new_departments: dict[int, list[str]]
) -> RosterPlan:
    """Return the plan of ``columns`` ({name: values}, every name of :data:`COLUMNS`)."""
    return RosterPlan(**{name: columns[name] for name in COLUMNS}, new_departments=new_departments)
