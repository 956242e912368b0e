"""Charter settings, seats, declarations, meetings, attendance, motions and recusals."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from core.audit import AuditEvent
from core.extensions import db
from core.roles import Role
from institutions.governance import queries
from institutions.governance.charter import Charter
from institutions.governance.council import operations as council_ops
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.meetings import queries as meeting_queries
from institutions.governance.models import (
    Attendance,
    BodyKind,
    CalledBy,
    Constituency,
    GovernanceError,
    MeetingKind,
    MeetingMode,
    MeetingStatus,
    Office,
    Presence,
    Relation,
)
from institutions.governance.motions import operations as motion_ops
from institutions.governance.motions import queries as motion_queries
from institutions.governance.tally import MotionKind
from tests import factories
from tests.governance_db.helpers import (
    T0,
    TERM_END,
    TERM_START,
    convene,
    make_council,
    motion_on,
)


def refused(message: str):
    return pytest.raises(GovernanceError, match=message)


# --- charter ---------------------------------------------------------------------------------


def test_charter_defaults_and_saved_settings(app):
    institution = factories.create_institution()
    assert queries.charter_for(institution.id) == Charter()
    council_ops.save_charter(
        institution.id, {"ordinary_base": "present", "large_sum_threshold": "50000"}
    )
    charter = queries.charter_for(institution.id)
    assert charter.ordinary_base == "present"
    assert charter.large_sum_threshold == Decimal("50000")
    event = db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == "governance.charter.save")
        .order_by(AuditEvent.id.desc())
    )
    assert event.changes["large_sum_threshold"] == ["100000", "50000"]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"quorum_fraction": 0.66}, "法定人数比例必须写成分数"),
        ({"ordinary_threshold": "1/3"}, "一般事项表决比例必须不低于二分之一"),
        ({"no_such_setting": 1}, "未知的章程设置"),
    ],
)
def test_invalid_charter_settings_are_refused(app, settings, message):
    institution = factories.create_institution()
    with refused(message):
        council_ops.save_charter(institution.id, settings)


# --- seats -----------------------------------------------------------------------------------


def test_seat_rules(app):
    council = make_council(3)
    institution = council.institution
    newcomer = factories.create_user(Role.COUNCIL_MEMBER, institution=institution)

    def seat(user=newcomer, **kw):
        kw.setdefault("body", BodyKind.COUNCIL)
        kw.setdefault("office", Office.MEMBER)
        kw.setdefault("constituency", Constituency.EXPERT)
        kw.setdefault("term_start_on", TERM_START)
        return council_ops.seat_member(institution.id, user, **kw)

    with refused("「监事」不是理事会的职务"):
        seat(office=Office.SUPERVISOR)
    with refused("理事须注明来源"):
        seat(constituency=None)
    with refused("任期结束日期不能早于开始日期"):
        seat(term_end_on=TERM_START - timedelta(days=1))
    with refused("该任期内已有理事长：理事0号"):
        seat(office=Office.CHAIR)
    with refused("理事1号 在该任期内已是理事会成员"):
        seat(council.members[1])
    with refused("在本单位没有账号角色，不能任命"):
        seat(factories.create_user())
    with refused("在本单位没有账号角色，不能任命"):
        seat(factories.create_user(Role.EMPLOYEE, institution=factories.create_institution()))
    seat(office=Office.VICE_CHAIR)

    def staff():
        return factories.create_user(Role.EMPLOYEE, institution=institution)

    vice = staff()
    seat(vice, office=Office.VICE_CHAIR)
    # the seat came with the council role here: the electorate reads the council
    assert {(m.role, m.institution_id) for m in vice.memberships} == {
        ("employee", institution.id),
        ("council_member", institution.id),
    }
    with refused("副理事长至多 2 名"):
        seat(staff(), office=Office.VICE_CHAIR)
    # a new chair after the old chair's term
    successor = seat(staff(), office=Office.CHAIR, term_start_on=TERM_END + timedelta(days=1))
    assert successor.is_active_on(TERM_END + timedelta(days=1))
    assert queries.chair_id(institution.id, TERM_END + timedelta(days=1)) == successor.user_id


def test_ending_a_seat_removes_the_member_from_later_meetings(app):
    council = make_council(5)
    seat = next(
        s
        for s in queries.active_seats(council.institution.id, T0.date(), BodyKind.COUNCIL)
        if s.user_id == council.members[4].id
    )
    with refused("只能提前结束任期"):
        council_ops.end_seat(seat, TERM_END + timedelta(days=1))
    council_ops.end_seat(seat, date(2026, 1, 31))
    assert council.members[4].id not in queries.seated_member_ids(council.institution.id, T0.date())


def test_members_declare_their_own_interests_latest_counts(app):
    council = make_council(3)
    member = council.members[2]
    council_ops.declare_interests(
        member, council.institution.id, [{"name": "张三", "relation": "near_relative"}], now=T0
    )
    council_ops.declare_interests(
        member,
        council.institution.id,
        [
            {"name": "成都某某科技有限公司", "relation": Relation.SHARES, "note": "持股 3%"},
            {"name": "成都某某科技有限公司", "relation": Relation.SHARES},
        ],
        now=T0,
    )
    latest = queries.latest_declarations(council.institution.id)[member.id]
    assert latest.items == [
        {"name": "成都某某科技有限公司", "relation": "shares", "note": "持股 3%"}
    ]
    outsider = factories.create_user()
    with refused("只有在任的理事、监事和管理层成员申报利害关系"):
        council_ops.declare_interests(outsider, council.institution.id, [], now=T0)
    with refused("第 1 项的关系「cousin」不在可选范围内"):
        council_ops.declare_interests(
            member, council.institution.id, [{"name": "李四", "relation": "cousin"}], now=T0
        )


# --- meetings and attendance -----------------------------------------------------------------


def test_meeting_rules(app):
    council = make_council(3)
    institution = council.institution

    def meeting(**kw):
        kw.setdefault("title", "会议")
        kw.setdefault("kind", MeetingKind.REGULAR)
        kw.setdefault("called_by", CalledBy.CHAIR)
        kw.setdefault("mode", MeetingMode.IN_PERSON)
        kw.setdefault("scheduled_at", T0)
        kw.setdefault("place", "会议室")
        return meeting_ops.create_meeting(institution.id, **kw)

    with refused("定期会议由理事长召集"):
        meeting(called_by=CalledBy.SUPERVISORS)
    with refused("现场会议须注明会议地点"):
        meeting(place="  ")
    with refused("时间必须带时区"):
        meeting(scheduled_at=T0.replace(tzinfo=None))
    with refused("理事会在会议日期没有在任理事"):
        meeting(scheduled_at=T0 + timedelta(days=365 * 5))
    special = meeting(kind=MeetingKind.SPECIAL, called_by=CalledBy.ONE_THIRD)
    assert special.status == MeetingStatus.SCHEDULED
    council_ops.save_charter(institution.id, {"written_voting_allowed": False})
    with refused("本单位章程不允许通讯表决"):
        meeting(mode=MeetingMode.WRITTEN)


def test_notice_warns_when_late(app):
    council = make_council(3)
    meeting = convene(council, kind=MeetingKind.REGULAR)
    assert meeting_ops.send_notice(meeting, now=T0 - timedelta(days=10)) == []
    assert meeting.status == MeetingStatus.NOTICED
    assert meeting_ops.send_notice(meeting, now=T0 - timedelta(days=3)) == [
        "定期会议应提前 10 天通知，本次仅提前 3 天"
    ]


def test_attendance_and_proxy_rules(app):
    council = make_council(5)
    meeting = convene(council, absent=(3, 4))
    a, b, c, d, e = council.members
    with refused("出席的理事不能委托他人表决"):
        meeting_ops.record_attendance(
            meeting, a, Presence.VIDEO, proxy_to=b, proxy_instruction="同意"
        )
    with refused("不能委托本人"):
        meeting_ops.record_attendance(
            meeting, d, Presence.ABSENT, proxy_to=d, proxy_instruction="同意"
        )
    with refused("受托人 监事甲 不是在任理事"):
        meeting_ops.record_attendance(
            meeting, d, Presence.ABSENT, proxy_to=council.supervisor, proxy_instruction="同意"
        )
    with refused("只有在任理事可以委托他人表决"):
        meeting_ops.record_attendance(
            meeting, council.supervisor, Presence.ABSENT, proxy_to=a, proxy_instruction="同意"
        )
    with refused("受托人 理事4号 未出席"):
        meeting_ops.record_attendance(
            meeting, d, Presence.ABSENT, proxy_to=e, proxy_instruction="同意"
        )
    with refused("委托须有书面委托书"):
        meeting_ops.record_attendance(meeting, d, Presence.ABSENT, proxy_to=a)
    meeting_ops.record_attendance(
        meeting, d, Presence.ABSENT, proxy_to=a, proxy_instruction="全部同意"
    )
    with refused("受托人 理事0号 已接受 理事3号 的委托，每人至多受托一人"):
        meeting_ops.record_attendance(
            meeting, e, Presence.ABSENT, proxy_to=a, proxy_instruction="同意"
        )
    with refused("理事0号 已接受他人委托，须出席会议"):
        meeting_ops.record_attendance(meeting, a, Presence.ABSENT)
    # a supervisor attends without a vote (列席)
    meeting_ops.record_attendance(meeting, council.supervisor, Presence.IN_PERSON)
    quorum = meeting_queries.meeting_quorum(meeting)
    assert (quorum.seated, quorum.present, quorum.represented) == (5, 3, 1)
    assert (quorum.attending, quorum.required, quorum.met) == (3, 4, False)
    rows = db.session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id)).all()
    assert len(rows) == 6


def test_written_meetings_record_no_attendance(app):
    council = make_council(3)
    meeting = convene(council, mode=MeetingMode.WRITTEN)
    with refused("通讯表决不登记出席"):
        meeting_ops.record_attendance(meeting, council.members[0], Presence.VIDEO)


# --- motions and recusals --------------------------------------------------------------------


def test_motions_are_classified_and_numbered_on_the_agenda(app):
    council = make_council(3)
    meeting = convene(council)
    routine = motion_on(meeting)
    budget = motion_on(meeting, kind=MotionKind.BUDGET)
    raised = motion_on(meeting, category="major")
    lowered = motion_on(meeting, kind="pay_plan", category="ordinary")
    assert [m.position for m in (routine, budget, raised, lowered)] == [1, 2, 3, 4]
    assert [m.category for m in (routine, budget, raised, lowered)] == [
        "ordinary",
        "major",
        "major",
        "major",
    ]
    with refused("议案类型「wish」不在可选范围内"):
        motion_on(meeting, kind="wish")
    with refused("金额不能为负数"):
        motion_on(meeting, amount="-1")
    with refused("不能是浮点数"):
        motion_on(meeting, amount=1.5)
    with refused("议案事项须同时注明类型和编号"):
        motion_on(meeting, subject_kind="governance.charter")
    with refused("议案标题不能为空"):
        motion_on(meeting, title=" ")
    with refused("未知的议案事项类型"):
        motion_on(meeting, subject_kind="recruitment_plan", subject_id=12)


def test_recusals_are_proposed_from_declarations(app):
    council = make_council(5)
    institution_id = council.institution.id
    council_ops.declare_interests(
        council.members[2],
        institution_id,
        [{"name": "成都锦城建筑工程有限公司", "relation": "shares"}],
        now=T0,
    )
    council_ops.declare_interests(
        council.members[3], institution_id, [{"name": "王五", "relation": "near_relative"}], now=T0
    )
    motion = motion_on(
        convene(council), counterparties=["成都锦城建筑工程有限公司（施工方）", "王五", "王五"]
    )
    assert motion.counterparties == ["成都锦城建筑工程有限公司（施工方）", "王五"]
    assert motion_queries.proposed_recusals(motion) == {
        council.members[2].id: ["成都锦城建筑工程有限公司（施工方）"],
        council.members[3].id: ["王五"],
    }
    recusals = motion_ops.apply_proposed_recusals(motion, actor=council.secretary)
    assert [r.member_id for r in recusals] == [council.members[2].id, council.members[3].id]
    assert recusals[1].reason == "申报的利害关系：王五"
    # Written by the platform: kept as a message, shown in the reader's language (9.20).
    assert recusals[1].reason_message == {
        "msg": "申报的利害关系：%(names)s",
        "params": {"names": {"msg": "%(item)s", "params": {"item": "王五"}}},
    }
    with force_locale("en"):
        assert str(recusals[1].reason_shown) == "Declared interests: 王五"
    with force_locale("zh"):
        assert str(recusals[1].reason_shown) == "申报的利害关系：王五"
    assert motion_queries.proposed_recusals(motion) == {}
    with refused("理事2号 已登记回避"):
        motion_ops.recuse(motion, council.members[2], "重复")
    with refused("监事甲 不是在任理事，无需回避"):
        motion_ops.recuse(motion, council.supervisor, "无关")
    # A reason the secretary types stays as typed, in any language.
    typed = motion_ops.recuse(motion, council.members[4], "本人亲属参与投标")
    assert typed.reason_message is None
    with force_locale("en"):
        assert typed.reason_shown == "本人亲属参与投标"


def test_notice_reaches_every_member_and_supervisor_inbox(app):
    from sqlalchemy import select

    from core.extensions import db
    from core.notifications import Notification

    council = make_council(3)
    meeting = convene(council, kind=MeetingKind.REGULAR)
    meeting_ops.send_notice(meeting, now=T0 - timedelta(days=10), link="/governance/x")
    recipients = set(
        db.session.scalars(
            select(Notification.user_id).where(
                Notification.institution_id == meeting.institution_id
            )
        )
    )
    assert {m.id for m in council.members} | {council.supervisor.id} == recipients
    assert council.head.id not in recipients or council.head.id in {m.id for m in council.members}
