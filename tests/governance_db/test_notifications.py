"""Who hears what (issue 9.17): votes opened, reminders to non-voters only, proxy votes,
minutes to sign, supervisors' objections, ended terms."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.notifications import Notification
from core.roles import Role
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.minutes import operations as minutes_ops
from institutions.governance.models import MeetingMode, Presence
from institutions.governance.motions import operations as motion_ops
from institutions.governance.motions import queries as motion_queries
from institutions.governance.resolutions import operations as resolution_ops
from tests import factories
from tests.governance_db.helpers import T0, convene, make_council, motion_on


def inbox(user) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def titles(user) -> list[str]:
    return [n.title for n in inbox(user)]


def test_opening_a_vote_tells_each_eligible_member_and_a_proxy_vote_tells_the_represented(app):
    council = make_council(5)
    meeting = convene(council, absent=(4,), proxies={4: 2})
    motion = motion_on(meeting, title="关于采购的议案")
    motion_ops.recuse(motion, council.members[3], "持股")
    motion_ops.open_voting(motion, now=T0)
    for member in council.members[:3] + council.members[4:]:
        assert "请表决：关于采购的议案" in titles(member)
    assert "请表决：关于采购的议案" not in titles(council.members[3])
    assert titles(council.supervisor) == []
    motion_ops.cast_ballot(motion, council.members[2], "yes", for_member=council.members[4], now=T0)
    told = [n for n in inbox(council.members[4]) if "代您表决" in n.title]
    assert len(told) == 1 and "理事2号" in told[0].title and "同意" in told[0].body
    motion_ops.cast_ballot(motion, council.members[2], "no", now=T0)
    assert len([n for n in inbox(council.members[2]) if "代您表决" in n.title]) == 0


def test_reminders_go_once_and_only_to_those_who_have_not_voted(app):
    council = make_council(4)
    meeting = convene(council, mode=MeetingMode.WRITTEN)
    motion = motion_on(meeting, title="关于修订考勤办法的议案")
    deadline = T0 + timedelta(days=3)
    motion_ops.open_voting(motion, now=T0, deadline=deadline)
    motion_ops.cast_ballot(motion, council.members[0], "yes", now=T0)
    # too early: nothing
    assert motion_ops.remind_non_voters(now=T0 + timedelta(days=1)) == []
    assert motion_ops.remind_non_voters(now=deadline - timedelta(hours=5)) == [motion]
    reminded = "表决即将截止：关于修订考勤办法的议案"
    assert reminded not in titles(council.members[0])
    for member in council.members[1:]:
        assert titles(member).count(reminded) == 1
    assert motion_ops.remind_non_voters(now=deadline - timedelta(hours=1)) == []
    assert titles(council.members[1]).count(reminded) == 1


def test_minutes_to_sign_and_an_objection_reach_the_right_people(app):
    council = make_council(5)
    sponsor_user = factories.create_user(Role.SPONSOR, sponsor=council.institution.sponsor)
    meeting = convene(council, absent=(4,))
    meeting_ops.record_attendance(meeting, council.supervisor, Presence.IN_PERSON)
    motion = motion_on(meeting, title="关于采购的议案")
    motion_ops.open_voting(motion, now=T0)
    for member in council.members[:4]:
        motion_ops.cast_ballot(motion, member, "yes", now=T0)
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    minutes_ops.draft_minutes(meeting, now=T0 + timedelta(hours=2))
    for member in council.members[:4]:
        assert any(t.startswith("请签署会议纪要：理事会会议") for t in titles(member))
    assert not any(t.startswith("请签署会议纪要") for t in titles(council.members[4]))
    resolution_ops.record_opinion(
        council.supervisor, motion, text="程序不合规", kind="objection", now=T0 + timedelta(hours=3)
    )
    objection = "监事提出异议：议案「关于采购的议案」"
    for user in (council.chair, council.secretary, sponsor_user):
        assert objection in titles(user)
    assert objection not in titles(council.members[3])
    resolution_ops.record_opinion(council.supervisor, motion, text="建议公开招标", now=T0)
    assert titles(council.chair).count(objection) == 1


def test_a_proxy_vote_against_the_written_instruction_is_flagged(app):
    council = make_council(5)
    meeting = convene(council, absent=(4,), proxies={4: 2})  # instruction: 全部议案投同意票
    motion = motion_on(meeting)
    motion_ops.open_voting(motion, now=T0)
    assert not motion_queries.proxy_contradicts_instruction(motion, council.members[4].id, "yes")
    motion_ops.cast_ballot(motion, council.members[2], "no", for_member=council.members[4], now=T0)
    told = [n for n in inbox(council.members[4]) if "代您表决" in n.title]
    assert "与您的书面委托书不一致" in told[-1].body
    assert motion_queries.instructed_choice("第1项同意，第2项反对") is None
    assert motion_queries.instructed_choice("全部弃权") == "abstain"


def test_notices_are_stored_as_message_ids_and_read_in_the_readers_language(app):
    """Issue 9.20: nothing is translated when written; labels (a choice, a meeting mode) are
    stored as ids too, so an English reader sees no Chinese but the names people typed."""
    from flask_babel import force_locale

    council = make_council(5)
    meeting = convene(council, absent=(4,), proxies={4: 2})
    meeting_ops.send_notice(meeting, now=T0 - timedelta(days=10))
    motion = motion_on(meeting, title="关于采购的议案")
    motion_ops.open_voting(motion, now=T0)
    motion_ops.cast_ballot(motion, council.members[2], "yes", for_member=council.members[4], now=T0)
    notice, vote, proxy = inbox(council.members[4])
    assert notice.title_message == {
        "msg": "会议通知：%(meeting)s",
        "params": {"meeting": "理事会会议"},
    }
    assert notice.body_message["params"]["mode"] == {"msg": "视频会议", "params": {}}
    assert proxy.body_message["params"]["choice"] == {"msg": "同意", "params": {}}
    assert all(n.title_text is None for n in (notice, vote, proxy))
    with force_locale("en"):
        assert notice.title == "Meeting notice: 理事会会议"
        assert "Mode: Video meeting" in notice.body and "Place: 会议室" in notice.body
        assert vote.title == "Please vote: 关于采购的议案"
        assert proxy.title == "理事2号 voted for you: 关于采购的议案"
        assert proxy.body.startswith('Your proxy voted "For" for you.')
    with force_locale("zh"):
        assert notice.title == "会议通知：理事会会议"
        assert "方式：视频会议" in notice.body and "地点：会议室" in notice.body
        assert proxy.body.startswith("受托人代您投了「同意」。")


def test_an_old_notice_stored_as_text_is_shown_as_it_is(app):
    council = make_council(3)
    member = council.members[0]
    db.session.add(Notification(user_id=member.id, title_text="旧的通知", body_text="正文"))
    db.session.flush()
    (old,) = inbox(member)
    assert (old.title, old.body) == ("旧的通知", "正文")


def test_a_followers_refusal_reaches_the_secretary_as_its_message(app):
    """A follower refused in the language of whoever closed the vote must not fix the
    notice's language: its reason is kept as the refusal's message id."""
    from flask_babel import force_locale

    from core.i18n import msg
    from institutions.governance.models import GovernanceError

    reason = motion_ops._failure_reason(GovernanceError(msg("会议已结束")))
    assert reason == msg("会议已结束") and reason.id == "会议已结束"
    assert motion_ops._failure_reason(RuntimeError("招聘计划已撤回")) == "招聘计划已撤回"
    with force_locale("en"):
        assert str(reason) != "会议已结束"
