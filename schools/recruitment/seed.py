"""A live recruitment for the demo (``flask seed-demo``), after the schools and the councils.

In every 两自一包 demo school that has a council: a 数学 plan the council approved a month
ago at a video meeting (four candidates scored, the best two offered, the best one hired
through HR if the filed 员额 has room), and an 英语 plan on the agenda of the council's
open meeting, waiting for its vote. A school that already has a plan is left alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core.auth.models import User
from core.extensions import db
from core.ids import china_today, make_citizen_id
from core.models import utcnow
from hr.staff.operations import StaffError
from institutions.governance import queries as gov_queries
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.models import (
    BodyKind,
    CalledBy,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Presence,
)
from institutions.governance.motions import operations as motion_ops
from institutions.models import Institution
from schools.models import SchoolProfile
from schools.recruitment import operations
from schools.recruitment.models import RecruitmentPlan

#: (name, written, interview, trial lesson)
CANDIDATES = [
    ("周雨桐", "86", "88", "92"),
    ("李明轩", "90", "84", "85"),
    ("陈思远", "78", "90", "88"),
    ("赵一鸣", "70", "75", "72"),
]


def _plan_data(subject: str, stage: str, count: int) -> dict:
    return {
        "subject": subject,
        "stage": stage,
        "count": count,
        "requirements": f"全日制本科及以上学历，具有相应学段{subject}教师资格证",
        "pay_low": "96000",
        "pay_high": "132000",
        "weight_written": "30",
        "weight_interview": "30",
        "weight_trial": "40",
    }


def _approve(profile: SchoolProfile, plan: RecruitmentPlan) -> None:
    """Hold a video meeting a month ago where every seated member approves the plan."""
    now = utcnow()
    held = now - timedelta(days=30)
    today = gov_queries.local_date(now)
    members = [
        db.session.get(User, i) for i in gov_queries.seated_member_ids(plan.institution_id, today)
    ]
    meeting = meeting_ops.create_meeting(
        plan.institution_id,
        title="理事会会议（自主招聘计划）",
        kind=MeetingKind.SPECIAL,
        called_by=CalledBy.CHAIR,
        mode=MeetingMode.VIDEO,
        scheduled_at=held,
    )
    meeting_ops.send_notice(meeting, now=held - timedelta(days=5))
    for member in members:
        meeting_ops.record_attendance(meeting, member, Presence.VIDEO)
    operations.submit_plan(plan, meeting)
    motion = gov_queries.motions_of(meeting)[0]
    motion_ops.open_voting(motion, now=held + timedelta(minutes=10))
    for member in members:
        motion_ops.cast_ballot(motion, member, "yes", now=held + timedelta(minutes=20))
    motion_ops.close_motion(motion, now=held + timedelta(hours=1))


def _candidates(plan: RecruitmentPlan, seed: int) -> None:
    for n, (name, written, interview, trial) in enumerate(CANDIDATES):
        number = make_citizen_id(
            "510107", plan.decided_on.replace(year=1996 + n), (seed + n) % 500, n % 2 == 0
        )
        candidate = operations.add_candidate(plan, {"name": name, "citizen_id": number})
        operations.record_scores(
            candidate, {"written": written, "interview": interview, "trial": trial}
        )
    ranked = [c for _place, c in operations.ranked(plan)]
    for candidate in ranked[: plan.count]:
        operations.offer(candidate)
    # posted the day after the council's approval, for the least period
    operations.post_results(
        plan,
        {"posted_on": plan.decided_on + timedelta(days=1), "days": 7},
        today=max(plan.decided_on + timedelta(days=1), china_today()),
    )
    try:
        with db.session.begin_nested():
            operations.hire(
                ranked[0],
                {
                    "staff_number": f"ZP{plan.institution_id:02d}{plan.id:03d}",
                    # from the first of next month: this month's payroll run, already computed
                    # by the demo, is not reopened for a teacher who has no post or
                    # housing-fund rate yet (HR and finance set those before the month)
                    "start_on": max(
                        _first_of_next_month(max(plan.decided_on, china_today())),
                        plan.posting_ends_on + timedelta(days=1),
                    ),
                    "salary_step": 12,
                    # payroll needs an account to pay the new teacher this month
                    "bank_account": f"62220210{plan.institution_id:04d}{plan.id:07d}",
                    "contract_end_on": plan.decided_on.replace(year=plan.decided_on.year + 3),
                    "probation_months": 2,
                },
            )
    except StaffError:
        pass  # no 员额 left: the offer stays, and the page shows why a hire is refused


def _first_of_next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def _open_meeting(institution_id: int) -> Meeting | None:
    return db.session.scalar(
        select(Meeting)
        .where(
            Meeting.institution_id == institution_id,
            Meeting.status != MeetingStatus.CONCLUDED,
            Meeting.mode != MeetingMode.WRITTEN,
        )
        .order_by(Meeting.scheduled_at.desc())
        .limit(1)
    )


def seed_demo_recruitment() -> list[str]:
    """Give every 两自一包 demo school with a council a live recruitment."""
    lines = []
    profiles = db.session.scalars(
        select(SchoolProfile).where(SchoolProfile.is_lump_sum.is_(True)).order_by(SchoolProfile.id)
    ).all()
    for profile in profiles:
        institution_id = profile.institution_id
        if gov_queries.body_of(institution_id, BodyKind.COUNCIL) is None:
            continue
        if db.session.scalar(
            select(RecruitmentPlan.id).where(RecruitmentPlan.institution_id == institution_id)
        ):
            continue
        stage = profile.stages[-1].value
        school = db.session.get(Institution, institution_id)
        maths = operations.draft_plan(school, _plan_data("数学", stage, 2))
        _approve(profile, maths)
        if maths.is_approved:
            _candidates(maths, institution_id * 10)
        english = operations.draft_plan(school, _plan_data("英语", stage, 1))
        meeting = _open_meeting(institution_id)
        if meeting is not None:
            operations.submit_plan(english, meeting)
        db.session.flush()
        lines.append(
            f"  {school.name}：数学教师招聘计划（{maths.resolution_ref or '待批'}，"
            f"{len(maths.candidates)} 名考生），英语计划待理事会表决"
        )
    if lines:
        lines.insert(0, "教师自聘演示数据：")
    return lines
