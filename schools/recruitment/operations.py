"""Writes of the recruitment: plans, their submission to the council, candidates, hires.

Each function leaves the commit to its caller (``core.actions.perform``); a refusal is a
``SchoolsRefusal`` and nothing is written. Hiring goes through HR's entry
(``hr.staff.operations.enter_employment``), which alone checks the filed 员额, and HR's
contract signing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select

from core import audit
from core.extensions import db
from core.i18n import msg
from core.ids import IdError, parse_citizen_id
from core.money import to_money
from hr.contracts.operations import sign_contract
from hr.staff.operations import enter_employment
from institutions.governance.models import GovernanceError, Meeting
from institutions.governance.subjects import propose_motion
from institutions.models import Institution
from schools.findings import SchoolsRefusal
from schools.recruitment import posting, ranking
from schools.recruitment.models import (
    Candidate,
    CandidateStatus,
    PlanStatus,
    RecruitmentPlan,
)
from schools.recruitment.subject import KEY
from schools.stages import Stage

PLAN_FIELDS = (
    "subject",
    "stage",
    "count",
    "requirements",
    "pay_low",
    "pay_high",
    "weight_written",
    "weight_interview",
    "weight_trial",
)
SCORE_FIELDS = ("written", "interview", "trial")


def _decimal(value: Any, field: str) -> Decimal:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise SchoolsRefusal(msg("请填写数字"), field=field) from None


def _plan_values(data: Mapping[str, Any]) -> dict[str, Any]:
    errors: dict = {}
    subject = (data.get("subject") or "").strip()
    if not subject or len(subject) > 40:
        errors["subject"] = msg("请填写学科（不超过 40 字）")
    stage = data.get("stage")
    if stage not in {s.value for s in Stage}:
        errors["stage"] = msg("请选择学段")
    count = data.get("count")
    if not isinstance(count, int) or count < 1:
        errors["count"] = msg("招聘人数须为正整数")
    low = to_money(_decimal(data.get("pay_low"), "pay_low"))
    high = to_money(_decimal(data.get("pay_high"), "pay_high"))
    if low < 0 or high < low:
        errors["pay_high"] = msg("薪酬区间无效：上限不能低于下限，且均不能为负")
    weights = ranking.Weights(
        _decimal(data.get("weight_written"), "weight_written"),
        _decimal(data.get("weight_interview"), "weight_interview"),
        _decimal(data.get("weight_trial"), "weight_trial"),
    )
    problem = ranking.weights_problem(weights)
    if problem:
        errors["weight_trial"] = problem
    if errors:
        raise SchoolsRefusal(errors=errors)
    return {
        "subject": subject,
        "stage": stage,
        "count": count,
        "requirements": (data.get("requirements") or "").strip(),
        "pay_low": low,
        "pay_high": high,
        "weight_written": weights.written,
        "weight_interview": weights.interview,
        "weight_trial": weights.trial,
    }


def draft_plan(institution: Institution, data: Mapping[str, Any]) -> RecruitmentPlan:
    """Draft a recruitment plan (it takes candidates only once the council approves it)."""
    plan = RecruitmentPlan(institution_id=institution.id, **_plan_values(data))
    db.session.add(plan)
    db.session.flush()
    audit.record(
        "recruitment_plan.draft",
        plan,
        institution_id=institution.id,
        summary=f"{plan.subject} {plan.count} 名",
        changes=audit.diff({}, audit.snapshot(plan, PLAN_FIELDS)),
    )
    return plan


def submit_plan(plan: RecruitmentPlan, meeting: Meeting, *, actor: Any = None) -> RecruitmentPlan:
    """Put a draft plan before the school council (提交理事会审议) as a motion subject."""
    if plan.status != PlanStatus.DRAFT:
        raise SchoolsRefusal(msg("只有草稿状态的招聘计划可以提交理事会审议"))
    stage = Stage(plan.stage).label
    try:
        motion = propose_motion(
            KEY,
            plan.institution_id,
            plan.id,
            meeting=meeting,
            title=f"关于自主招聘{plan.subject}教师的议案",
            text=(
                f"拟自主招聘{stage}{plan.subject}教师 {plan.count} 名（员额，合同聘用），"
                f"年薪 {plan.pay_low}—{plan.pay_high} 元。"
                f"考核权重：笔试 {plan.weight_written}%、面试 {plan.weight_interview}%、"
                f"试讲 {plan.weight_trial}%。\n"
                + (f"条件：{plan.requirements}" if plan.requirements else "")
            ).strip(),
            actor=actor,
        )
    except GovernanceError as error:
        raise SchoolsRefusal(str(error), field="meeting_id") from None
    plan.motion_id = motion.id
    plan.status = PlanStatus.SUBMITTED
    db.session.flush()
    audit.record(
        "recruitment_plan.submit",
        plan,
        institution_id=plan.institution_id,
        summary=f"{plan.subject} {plan.count} 名：{motion.title}",
        changes={"status": [PlanStatus.DRAFT, PlanStatus.SUBMITTED]},
        actor=actor,
    )
    return plan


def _require_approved(plan: RecruitmentPlan) -> None:
    if not plan.is_approved:
        raise SchoolsRefusal(msg("招聘计划尚未经理事会批准，不能接受报名、录用或聘用"))


def add_candidate(plan: RecruitmentPlan, data: Mapping[str, Any]) -> Candidate:
    """Register an applicant to an approved plan."""
    _require_approved(plan)
    errors: dict = {}
    name = (data.get("name") or "").strip()
    if not name or len(name) > 64:
        errors["name"] = msg("请填写姓名")
    citizen_id = ""
    try:
        citizen_id = parse_citizen_id(data.get("citizen_id") or "").number
    except IdError as error:
        errors["citizen_id"] = msg("身份证号%(p)s", p=str(error))
    if citizen_id and any(c.citizen_id == citizen_id for c in plan.candidates):
        errors["citizen_id"] = msg("该身份证号已报名本计划")
    if errors:
        raise SchoolsRefusal(errors=errors)
    candidate = Candidate(plan=plan, name=name, citizen_id=citizen_id)
    db.session.add(candidate)
    db.session.flush()
    audit.record(
        "recruitment_candidate.add",
        candidate,
        institution_id=plan.institution_id,
        summary=f"{plan.subject}：{name}",
    )
    return candidate


def record_scores(candidate: Candidate, data: Mapping[str, Any]) -> Candidate:
    """Record a candidate's written, interview and trial-lesson scores (blank: not yet)."""
    _require_approved(candidate.plan)
    if candidate.status != CandidateStatus.APPLIED:
        raise SchoolsRefusal(msg("已发录用通知的考生成绩不能再改"))
    values: dict[str, Decimal | None] = {}
    errors: dict = {}
    for field in SCORE_FIELDS:
        raw = data.get(field)
        value = None if raw in (None, "") else _decimal(raw, field)
        problem = ranking.score_problem(value)
        if problem:
            errors[field] = problem
        values[field] = value
    if errors:
        raise SchoolsRefusal(errors=errors)
    before = audit.snapshot(candidate, SCORE_FIELDS)
    for field, value in values.items():
        setattr(candidate, field, value)
    db.session.flush()
    audit.record(
        "recruitment_candidate.score",
        candidate,
        institution_id=candidate.plan.institution_id,
        summary=candidate.name,
        changes=audit.diff(before, audit.snapshot(candidate, SCORE_FIELDS)),
    )
    return candidate


def ranked(plan: RecruitmentPlan) -> list[tuple[ranking.Ranked, Candidate]]:
    """Return the plan's ranked list with the candidates (see ``ranking`` for the rule)."""
    by_id = {c.id: c for c in plan.candidates}
    places = ranking.rank(
        (ranking.Scores(c.id, c.written, c.interview, c.trial) for c in plan.candidates),
        weights_of(plan),
    )
    return [(place, by_id[place.id]) for place in places]


def weights_of(plan: RecruitmentPlan) -> ranking.Weights:
    return ranking.Weights(plan.weight_written, plan.weight_interview, plan.weight_trial)


def _taken(plan: RecruitmentPlan, *statuses: str) -> int:
    """Lock the plan until the caller commits, then count its candidates in ``statuses``.

    Two offers (or hires) on one plan at the same time are counted one after the other, so
    the plan's count holds (SQLite's writer holds the whole database already).
    """
    db.session.execute(
        select(RecruitmentPlan.id).where(RecruitmentPlan.id == plan.id).with_for_update()
    ).all()
    return db.session.scalar(
        select(func.count()).where(Candidate.plan_id == plan.id, Candidate.status.in_(statuses))
    )


def post_results(plan: RecruitmentPlan, data: Mapping[str, Any], *, today: date) -> RecruitmentPlan:
    """Record the posting (公示) of the offered candidates for its period."""
    _require_approved(plan)
    if plan.posted_on is not None:
        raise SchoolsRefusal(msg("录用结果已经公示"))
    if not any(c.status == CandidateStatus.OFFERED for c in plan.candidates):
        raise SchoolsRefusal(msg("还没有发出录用通知的考生，无需公示"))
    posted_on, days = data.get("posted_on"), data.get("days")
    errors = posting.posting_refusals(posted_on, days, plan.decided_on, today)
    if errors:
        raise SchoolsRefusal(errors=errors)
    plan.posted_on = posted_on
    plan.posting_ends_on = posting.posting_end(posted_on, days)
    db.session.flush()
    audit.record(
        "recruitment_plan.post",
        plan,
        institution_id=plan.institution_id,
        summary=f"{plan.subject}：公示 {plan.posted_on}—{plan.posting_ends_on}",
        changes={"posting_ends_on": [None, plan.posting_ends_on.isoformat()]},
    )
    return plan


def offer(candidate: Candidate) -> Candidate:
    """Send an offer (录用通知) to a ranked candidate, within the plan's count."""
    plan = candidate.plan
    _require_approved(plan)
    if plan.posted_on is not None:
        raise SchoolsRefusal(msg("录用结果已经公示，不能再发录用通知"))
    if candidate.status != CandidateStatus.APPLIED:
        raise SchoolsRefusal(msg("该考生已发录用通知或已聘用"))
    if not ranking.Scores(0, candidate.written, candidate.interview, candidate.trial).complete:
        raise SchoolsRefusal(msg("笔试、面试、试讲成绩齐全后才能录用"))
    taken = _taken(plan, CandidateStatus.OFFERED, CandidateStatus.HIRED)
    if taken >= plan.count:
        raise SchoolsRefusal(msg("招聘计划 %(n)d 名已录满，不能再发录用通知", n=plan.count))
    candidate.status = CandidateStatus.OFFERED
    db.session.flush()
    audit.record(
        "recruitment_candidate.offer",
        candidate,
        institution_id=plan.institution_id,
        summary=candidate.name,
        changes={"status": [CandidateStatus.APPLIED, CandidateStatus.OFFERED]},
    )
    return candidate


def hire(candidate: Candidate, data: Mapping[str, Any], *, today: date | None = None) -> Candidate:
    """Hire an offered candidate: HR's entry with identity 员额, then HR's contract.

    ``data``: staff_number, start_on, salary_step, bank_account (optional: HR or finance can
    add it later), contract_end_on (the fixed term's end), probation_months. HR refuses a hire beyond the filed 员额 (its message names the quota);
    the plan's count caps the hires too.
    """
    plan = candidate.plan
    _require_approved(plan)
    if candidate.status != CandidateStatus.OFFERED:
        raise SchoolsRefusal(msg("只有已发录用通知的考生可以聘用"))
    if _taken(plan, CandidateStatus.HIRED) >= plan.count:
        raise SchoolsRefusal(msg("招聘计划 %(n)d 名已聘满", n=plan.count))
    refusal = posting.start_refusal(data["start_on"], plan.posting_ends_on)
    if refusal is not None:
        raise SchoolsRefusal(refusal, field="start_on")
    institution = db.session.get(Institution, plan.institution_id)
    employment = enter_employment(
        institution,
        {
            "citizen_id": candidate.citizen_id,
            "name": candidate.name,
            "identity": "filed",
            "staff_number": data.get("staff_number"),
            "start_on": data["start_on"],
            "salary_step": data.get("salary_step"),
            "bank_account": data.get("bank_account"),
        },
        today=today,
        source="recruitment",
    )
    sign_contract(
        employment,
        {
            "contract_type": "fixed_term",
            "start_on": data["start_on"],
            "end_on": data.get("contract_end_on"),
            "probation_months": int(data.get("probation_months") or 0),
        },
        institution.kind,
    )
    candidate.status = CandidateStatus.HIRED
    candidate.employment_id = employment.id
    db.session.flush()
    audit.record(
        "recruitment_candidate.hire",
        candidate,
        institution_id=plan.institution_id,
        summary=f"{candidate.name}（工号 {employment.staff_number}）",
        changes={"status": [CandidateStatus.OFFERED, CandidateStatus.HIRED]},
    )
    return candidate
