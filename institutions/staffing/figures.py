"""The indicators the staffing office expects, in one place, and how each adds up.

The dashboard, the annual reports and the API show every key listed here. A key that no
loaded module provides yet (schools, hospitals and payroll register theirs when they land)
is shown as "尚未报送 / not yet reported"; those modules only add an ``Indicator`` with the
same key to their ``provides``, and these pages pick it up without an edit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from core.i18n import Msg, msg

#: how a figure adds up over several institutions
SUM, MEAN, COUNT_TRUE, BY_MONTH = "sum", "mean", "count_true", "by_month"


@dataclass(frozen=True)
class Expected:
    """An indicator the office reads: its key, what it means, who should provide it."""

    key: str
    label: Msg
    unit: Msg
    owner: str
    aggregate: str = SUM
    #: the group on the dashboard
    group: str = "staffing"


STAFF_ESTABLISHMENT = "staff.establishment"
STAFF_FILED = "staff.filed"
COUNCIL_COMPLIANT = "governance.council_compliant"
MEETINGS_HELD = "governance.meetings_held"
RESOLUTIONS = "governance.resolutions"
CHARTER_CHANGES = "governance.charter_changes"
TWO_SELF_PILOT = "schools.two_self_pilot"
TEACHER_SHORTFALL = "schools.teacher_shortfall"
TEACHERS_ESTABLISHMENT = "schools.teachers_establishment"
TEACHERS_FILED = "schools.teachers_filed"
BUDGET_EXECUTION = "schools.budget_execution"
BUDGET_SURPLUS = "schools.budget_surplus"
POST_COVERAGE = "hospitals.post_coverage"
IDENTITY_PAY_GAP = "hospitals.identity_pay_gap"
GROSS_BY_MONTH = "payroll.gross_by_month"
POSTS_SET = "hr.posts_set"
SECONDED_OUT = "hr.seconded_out"
STRUCTURE_COMPLIANT = "hr.structure_compliant"

EXPECTED: tuple[Expected, ...] = (
    Expected(STAFF_ESTABLISHMENT, msg("在编人数（事业编制）"), msg("人"), "hr"),
    Expected(STAFF_FILED, msg("员额在岗人数"), msg("人"), "hr"),
    Expected(POSTS_SET, msg("岗位设置数"), msg("个"), "hr"),
    Expected(SECONDED_OUT, msg("借调、抽调出单位的在编人员"), msg("人"), "hr"),
    Expected(STRUCTURE_COMPLIANT, msg("岗位结构比例符合规定"), msg("个单位"), "hr", COUNT_TRUE),
    Expected(
        COUNCIL_COMPLIANT,
        msg("理事会组成符合规定"),
        msg("个单位"),
        "institutions.governance",
        COUNT_TRUE,
        "governance",
    ),
    Expected(
        MEETINGS_HELD,
        msg("本年已召开理事会会议"),
        msg("次"),
        "institutions.governance",
        group="governance",
    ),
    Expected(
        RESOLUTIONS, msg("本年形成决议"), msg("项"), "institutions.governance", group="governance"
    ),
    Expected(
        CHARTER_CHANGES,
        msg("本年章程设置变更"),
        msg("次"),
        "institutions.governance",
        group="governance",
    ),
    Expected(
        TWO_SELF_PILOT,
        msg("“两自一包”试点学校"),
        msg("所"),
        "schools",
        COUNT_TRUE,
        "reform",
    ),
    Expected(TEACHER_SHORTFALL, msg("教师缺口"), msg("人"), "schools", group="reform"),
    Expected(TEACHERS_ESTABLISHMENT, msg("编制内教师"), msg("人"), "schools", group="reform"),
    Expected(TEACHERS_FILED, msg("员额制自聘教师"), msg("人"), "schools", group="reform"),
    Expected(BUDGET_EXECUTION, msg("包干经费执行率"), msg("%"), "schools", MEAN, "reform"),
    Expected(BUDGET_SURPLUS, msg("上学年包干经费结余"), msg("元"), "schools", group="reform"),
    Expected(POST_COVERAGE, msg("医院岗位管理覆盖率"), msg("%"), "hospitals", MEAN, "reform"),
    Expected(
        IDENTITY_PAY_GAP,
        msg("编内外同岗薪酬差距"),
        msg("%"),
        "hospitals",
        MEAN,
        "reform",
    ),
    Expected(
        GROSS_BY_MONTH, msg("应发工资总额（按月）"), msg("元"), "payroll", BY_MONTH, "payroll"
    ),
)
BY_KEY: dict[str, Expected] = {e.key: e for e in EXPECTED}
NOT_REPORTED = msg("尚未报送")


def in_group(group: str) -> list[Expected]:
    return [e for e in EXPECTED if e.group == group]


def combine(expected: Expected, values: Iterable[Any]) -> Any:
    """Return the figure for several institutions from their values (None if none)."""
    values = [v for v in values if v is not None]
    if not values:
        return None
    if expected.aggregate == COUNT_TRUE:
        return sum(1 for v in values if v)
    if expected.aggregate == MEAN:
        total = sum((Decimal(str(v)) for v in values), Decimal(0))
        return (total / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    if expected.aggregate == BY_MONTH:
        months: dict[str, Decimal] = {}
        for value in values:
            for month, amount in dict(value).items():
                months[str(month)] = months.get(str(month), Decimal(0)) + Decimal(str(amount))
        return dict(sorted(months.items()))
    return sum(values)


def subset(values: Mapping[int, Any], ids: Iterable[int]) -> list[Any]:
    return [values[i] for i in ids if i in values]
