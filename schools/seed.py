"""Schools for the demo city (``flask seed-demo``), after HR's staff.

The two 武侯区 schools become 两自一包 schools with three school years of enrolment (a
growing intake, so the projection shows the shortage coming); in the 九年一贯制 school the
teaching staff are split between its two stages. 东湖中学 is a 完全中学 on the ordinary
footing with this year's enrolment only. A school that already has a profile is left alone.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from core.extensions import db
from core.ids import china_today, make_credit_code
from core.money import round_half_up
from hr.models import Employment
from institutions import seed as registry_seed
from institutions.models import Institution
from schools import operations, queries
from schools.budget import operations as budget_ops
from schools.budget import queries as budget_queries
from schools.enrolment import GradeEnrolment
from schools.models import SchoolProfile
from schools.rewards import operations as reward_ops
from schools.rules import operations as rule_ops
from schools.staff_congress import operations as congress_ops
from schools.stages import Stage

#: registry seed index -> (school type, 两自一包, {grade: students in the latest year},
#: intake growth per year into the entry grades, years of history)
DEMO_SCHOOLS = {
    0: ("primary", True, {1: 225, 2: 210, 3: 200, 4: 190, 5: 185, 6: 180}, 20, 3),
    1: (
        "nine_year",
        True,
        {1: 180, 2: 170, 3: 160, 4: 150, 5: 140, 6: 135, 7: 150, 8: 145, 9: 140},
        15,
        3,
    ),
    2: ("complete_secondary", False, {7: 250, 8: 245, 9: 240, 10: 300, 11: 290, 12: 280}, 0, 1),
}


def _history(latest: dict[int, int], growth: int, years: int) -> list[dict[int, int]]:
    """Return the grades of ``years`` school years ending with ``latest``, oldest first.

    ``k`` years back, the entry grades had ``growth × k`` fewer pupils and the other grades
    half that: the school has been filling up.
    """
    return [
        {
            grade: max(n - (growth * k if grade - 1 not in latest else growth * k // 2), 0)
            for grade, n in latest.items()
        }
        for k in range(years - 1, -1, -1)
    ]


def seed_demo_schools() -> list[str]:
    """Give the demo schools a profile, enrolment history and staff stages."""
    today = china_today()
    this_year = queries.school_year_of(today)
    lines = ["", "演示学校："]
    for index, (school_type, lump_sum, latest, growth, years) in DEMO_SCHOOLS.items():
        row = registry_seed.INSTITUTIONS[index]
        code = make_credit_code(row[2], row[6])
        school = db.session.scalar(select(Institution).where(Institution.credit_code == code))
        if school is None:
            continue
        if db.session.scalar(
            select(SchoolProfile.id).where(SchoolProfile.institution_id == school.id)
        ):
            lines.append(f"  {school.name}：已有学校概况，未改动")
            continue
        profile = operations.save_profile(
            school, {"school_type": school_type, "is_lump_sum": lump_sum}
        )
        history = _history(latest, growth, years)
        for offset, grades in enumerate(history):
            year = this_year - (len(history) - 1 - offset)
            rows = [GradeEnrolment(g, -(-n // 45), n) for g, n in sorted(grades.items())]
            operations.save_enrolment(profile, year, rows, today=today)
        if len(profile.stages) > 1:
            _split_stages(profile, today)
        if lump_sum:
            _budget(profile, this_year, today)
            _congress_and_rewards(profile, today)
        db.session.flush()
        lines.append(
            f"  {school.name}：{profile.type.label}，{'两自一包，' if lump_sum else ''}"
            f"{years} 个学年的学生数"
        )
    return lines


def _budget(profile: SchoolProfile, year: int, today: date) -> None:
    """An approved lump sum for this school year, with the months so far spent.

    Only the operations line is recorded here: the personnel line counts the school's
    approved payroll runs (``schools.budget.queries``), which the payroll demo provides.
    """
    budget = budget_ops.draft_budget(
        profile, year, [("智慧教室建设", Decimal("300000"))], today=today
    )
    budget_ops.approve_budget(budget, f"〔{year}〕第2号", date(year, 9, 5))
    amounts = budget.amounts()
    spent: dict[str, Decimal] = {}
    # personnel a twelfth a month; operations faster (a new school buys its equipment early),
    # never past 95% of a line, so the demo shows the 90% alert and no overspending
    shares = {"operations": Decimal("0.30")}
    ceiling = Decimal("0.95")
    for number, (year_, month) in enumerate(budget_queries.budget_rules(year).months(year), 1):
        day = date(year_, month, 25)
        if day >= today:
            break
        for line, share in shares.items():
            target = round_half_up(amounts[line] * min(share * number, ceiling))
            amount = target - spent.get(line, Decimal("0.00"))
            if amount <= 0:
                continue
            budget_ops.record_spending(
                budget,
                {
                    "line": line,
                    "spent_on": day,
                    "amount": amount,
                    "description": "教学设备与日常运行",
                },
                spent=spent,
            )


def _congress_and_rewards(profile: SchoolProfile, today: date) -> None:
    """A staff congress that passed the reward plan, and this month's allocation as a draft."""
    rows = queries.staff_rows(profile.institution_id, today)
    if len(rows) < 5:
        return
    count = max(5, len(rows) // 5)
    delegates = [
        congress_ops.add_delegate(
            profile.institution_id,
            db.session.get(Employment, row.employment_id),
            row.is_teaching,
        )
        for row in rows[:count]
    ]
    held_on = date(queries.school_year_of(today), 9, 10)
    vote = congress_ops.record_vote(
        profile.institution_id,
        {"title": "奖励性绩效分配方案（修订）", "kind": "reward_plan", "held_on": held_on},
        [d.id for d in delegates],
        {d.id: "yes" if n % 6 else "abstain" for n, d in enumerate(delegates)},
    )
    if not vote.passed:
        return
    _rules(profile, delegates, held_on)
    period = f"{today.year}-{today.month:02d}"
    allocation = reward_ops.open_allocation(
        profile.institution_id,
        period,
        Decimal(1500 * len(rows)),
        {"head_teacher": "20", "extra_lessons": "30", "posts": "20", "results": "30"},
        vote.number,
    )
    points = {
        line.employment_id: {
            "head_teacher": "10" if n % 3 == 0 else "0",
            "extra_lessons": str(n % 7),
            "posts": "1",
            "results": str(80 + n % 15),
        }
        for n, line in enumerate(allocation.lines)
    }
    reward_ops.compute(allocation, points)


def _rules(profile: SchoolProfile, delegates, held_on: date) -> None:
    """Internal rules: one the staff congress adopted at the same meeting, one council rule
    in its first draft."""
    institution = db.session.get(Institution, profile.institution_id)
    leave = rule_ops.create_rule(
        institution,
        {
            "title": "教职工请假管理办法",
            "body": "congress",
            "text": "第一条 教职工请假须事先书面申请，经批准后方可离岗。\n"
            "第二条 病假须附医疗机构证明。",
        },
    )
    vote = congress_ops.record_vote(
        profile.institution_id,
        {"title": "教职工请假管理办法", "kind": "rules", "held_on": held_on},
        [d.id for d in delegates],
        {d.id: "yes" for d in delegates},
    )
    if vote.passed:
        rule_ops.adopt_by_congress(leave, vote.number)
    rule_ops.create_rule(
        institution,
        {
            "title": "教师考核办法",
            "body": "council",
            "text": "第一条 教师考核分为平时考核和年度考核。\n第二条 考核结果作为聘用和奖励的依据。",
        },
    )


def _split_stages(profile: SchoolProfile, today: date) -> None:
    """Put the teaching staff of a combined school in its stages, in turn; the others serve all."""
    rows = [r for r in queries.staff_rows(profile.institution_id, today) if r.is_teaching]
    stages: tuple[Stage, ...] = profile.stages
    for number, row in enumerate(rows):
        employment = db.session.get(Employment, row.employment_id)
        operations.set_staff_stage(profile, employment, stages[number % len(stages)].value)
