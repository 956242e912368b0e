"""Resolution follow-up writes: the management's execution reports and the supervisors'
opinions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from core import audit
from core.auth.models import Membership, User
from core.extensions import db
from core.i18n import N_, msg
from core.notifications import notify
from core.roles import Role
from institutions.governance import queries, writes
from institutions.governance.models import (
    BodyKind,
    ExecutionReport,
    GovernanceError,
    Motion,
    OpinionKind,
    Resolution,
    SupervisoryOpinion,
)
from institutions.models import Institution


def record_execution(
    resolution: Resolution,
    reporter: User,
    *,
    text: str,
    progress: int,
    now: datetime | None = None,
) -> ExecutionReport:
    """Record management's report on carrying out a resolution."""
    now = writes.now(now)
    if not queries.holds_seat(
        reporter.id, resolution.institution_id, BodyKind.MANAGEMENT, queries.local_date(now)
    ):
        raise GovernanceError(msg("只有管理层成员报告决议执行情况"))
    if isinstance(progress, bool) or not isinstance(progress, int) or not 0 <= progress <= 100:
        raise GovernanceError(msg("执行进度须为 0 到 100 之间的整数（百分比）"))
    report = ExecutionReport(
        institution_id=resolution.institution_id,
        resolution_id=resolution.id,
        reported_by_id=reporter.id,
        text=writes.text(text, N_("执行情况")),
        progress=progress,
        reported_at=now,
    )
    db.session.add(report)
    db.session.flush()
    audit.record(
        "governance.execution.report",
        report,
        institution_id=resolution.institution_id,
        summary=f"{resolution.document_number}：{progress}%",
        actor=reporter,
    )
    return report


def record_opinion(
    supervisor: User,
    target: Motion | Resolution | ExecutionReport,
    *,
    text: str,
    kind: OpinionKind | str = OpinionKind.OPINION,
    now: datetime | None = None,
) -> SupervisoryOpinion:
    """Record a supervisor's opinion or objection on a motion, resolution or execution report."""
    now = writes.now(now)
    kind = writes.enum(OpinionKind, kind, N_("意见类型"))
    if not isinstance(target, Motion | Resolution | ExecutionReport):
        raise GovernanceError(msg("监督意见只能针对议案、决议或执行情况报告"))
    if not queries.holds_seat(
        supervisor.id, target.institution_id, BodyKind.SUPERVISORS, queries.local_date(now)
    ):
        raise GovernanceError(msg("只有本单位在任监事可以记录监督意见"))
    opinion = SupervisoryOpinion(
        institution_id=target.institution_id,
        supervisor_id=supervisor.id,
        motion_id=target.id if isinstance(target, Motion) else None,
        resolution_id=target.id if isinstance(target, Resolution) else None,
        execution_report_id=target.id if isinstance(target, ExecutionReport) else None,
        kind=kind,
        text=writes.text(text, N_("意见内容")),
        created_at=now,
    )
    db.session.add(opinion)
    db.session.flush()
    audit.record(
        "governance.opinion.record",
        opinion,
        institution_id=target.institution_id,
        summary=f"{kind.label}：{type(target).__name__} #{target.id}",
        actor=supervisor,
    )
    if kind is OpinionKind.OBJECTION:
        sponsor_id = db.session.scalar(
            select(Institution.sponsor_id).where(Institution.id == target.institution_id)
        )
        sponsors = db.session.scalars(
            select(User).where(
                User.is_active.is_(True),
                User.id.in_(
                    select(Membership.user_id).where(
                        Membership.role == Role.SPONSOR.value, Membership.sponsor_id == sponsor_id
                    )
                ),
            )
        )
        what = {
            Motion: msg("议案"),
            Resolution: msg("决议"),
            ExecutionReport: msg("决议执行情况报告"),
        }
        title = getattr(target, "title", None) or getattr(
            getattr(target, "resolution", None), "title", ""
        )
        notify(
            [*writes.council_keepers(target.institution_id, queries.local_date(now)), *sponsors],
            msg(
                N_("监事提出异议：%(what)s「%(title)s」")
                if title
                else N_("监事提出异议：%(what)s"),
                what=what[type(target)],
                title=title or "",
            ),
            msg("%(name)s：%(text)s", name=supervisor.full_name, text=opinion.text),
            institution_id=target.institution_id,
        )
    return opinion
