"""The month's performance allocation as a motion subject (议案事项) of the hospital council.

Registered in ``hospitals.module`` under ``provides={"motion_subjects": ...}``: governance
resolves (institution, scheme id) through :func:`_resolve`, which finds only the hospital's
own schemes, so a motion of one hospital can never decide another's allocation. When the
motion is decided, :func:`on_decided` moves the scheme: passed -> approved (its amounts reach
the month's payroll run through ``hospitals.performance.inputs``), anything else (rejected,
closed without a decision, referred) -> back to allocated, to be revised or submitted again.
Finance is told of an approval (the month's run pays it), HR and the admin of anything else.
"""

from __future__ import annotations

from typing import Any

from flask import has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import audit
from core.auth.models import Membership, User
from core.extensions import db
from core.i18n import msg
from core.notifications import notify
from core.roles import Role
from hospitals.models import PerformanceScheme, SchemeStatus
from institutions.governance.models import Motion
from institutions.governance.subjects import SubjectKind
from institutions.governance.tally import MotionKind
from payroll.runs.queries import finance_users

KEY = "hospitals.performance_scheme"


def scheme_in(institution_id: int, obj_id: Any) -> PerformanceScheme | None:
    """Return the institution's scheme numbered ``obj_id`` (None if it has none such)."""
    if not str(obj_id).isdigit():
        return None
    return db.session.scalar(
        select(PerformanceScheme).where(
            PerformanceScheme.id == int(obj_id),
            PerformanceScheme.institution_id == institution_id,
        )
    )


def _resolve(institution_id: int, obj_id: str) -> tuple[str, str | None] | None:
    scheme = scheme_in(institution_id, obj_id)
    if scheme is None:
        return None
    url = None
    if has_request_context():
        url = url_for("hospitals.scheme", institution_id=institution_id, scheme_id=scheme.id)
    # translated when the motion page asks (never stored)
    label = msg("%(p)s 岗位绩效分配（奖励性绩效 %(pool)s 元）", p=scheme.period, pool=scheme.pool)
    return str(label), url


def on_decided(motion: Motion, *, outcome: Any, resolution: Any) -> None:
    """Approve the scheme the motion passed; send any other outcome back to allocated."""
    scheme = scheme_in(motion.institution_id, motion.subject_id)
    if scheme is None or scheme.motion_id != motion.id:
        return  # an older motion on the scheme
    if scheme.status != SchemeStatus.SUBMITTED.value:
        return
    if resolution is not None:
        scheme.status = SchemeStatus.APPROVED.value
        scheme.approved_at = resolution.passed_at
        scheme.resolution_ref = resolution.document_number
        action = "performance_scheme.approve"
    else:
        scheme.status = SchemeStatus.ALLOCATED.value
        action = "performance_scheme.not_approved"
    db.session.flush()
    audit.record(
        action,
        scheme,
        institution_id=scheme.institution_id,
        summary=motion.title,
        changes={"status": [SchemeStatus.SUBMITTED.value, scheme.status]},
    )
    _tell(scheme, approved=resolution is not None)


def _tell(scheme: PerformanceScheme, *, approved: bool) -> None:
    """Tell who must act: finance pays an approved allocation, HR revises one not approved."""
    name = scheme.institution.name
    if approved:
        users = finance_users(scheme.institution_id)
        title = msg("理事会已批准绩效分配：%(name)s %(period)s", name=name, period=scheme.period)
        body = msg(
            "%(period)s 岗位绩效分配（%(pool)s 元）已经理事会决议（%(ref)s）批准，"
            "计算当月工资时计入奖励性绩效。",
            period=scheme.period,
            pool=scheme.pool,
            ref=scheme.resolution_ref or "",
        )
    else:
        users = db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.institution_id == scheme.institution_id,
                Membership.role.in_([Role.HR_OFFICER.value, Role.INSTITUTION_ADMIN.value]),
                User.is_active.is_(True),
            )
            .order_by(User.id)
        ).unique()
        title = msg("理事会未批准绩效分配：%(name)s %(period)s", name=name, period=scheme.period)
        body = msg(
            "%(period)s 岗位绩效分配未获理事会通过，请修改后重新提交理事会审议。",
            period=scheme.period,
        )
    link = None
    if has_request_context():
        link = url_for(
            "hospitals.scheme", institution_id=scheme.institution_id, scheme_id=scheme.id
        )
    notify(users, title, body, link=link, institution_id=scheme.institution_id)


SUBJECT = SubjectKind(
    key=KEY,
    label=_l("岗位绩效分配"),
    owner="hospitals",
    resolve=_resolve,
    motion_kind=MotionKind.ROUTINE.value,
    on_decided=on_decided,
)
