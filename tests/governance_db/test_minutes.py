"""Minutes (draft, sign, lock, correct), execution reports and supervisory opinions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.extensions import db
from institutions.governance import queries
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.minutes import operations as minutes_ops
from institutions.governance.minutes import queries as minutes_queries
from institutions.governance.models import (
    GovernanceError,
    MeetingStatus,
    MinutesSignature,
    OpinionKind,
    Presence,
)
from institutions.governance.motions import operations as motion_ops
from institutions.governance.resolutions import operations as resolution_ops
from tests.governance_db.helpers import T0, convene, make_council, motion_on


def refused(message: str):
    return pytest.raises(GovernanceError, match=message)


def _decided_meeting(council):
    """A meeting: member 6 absent with a proxy to 2, member 5 recused on item 1, a dissent."""
    meeting = convene(council, absent=(6,), proxies={6: 2})
    meeting_ops.record_attendance(meeting, council.supervisor, Presence.IN_PERSON)
    first = motion_on(meeting, title="关于采购的议案", counterparties=["某公司"])
    second = motion_on(meeting, title="关于培训的议案")
    motion_ops.recuse(first, council.members[5], "持股某公司")
    for motion in (first, second):
        motion_ops.open_voting(motion, now=T0)
        for member in council.members[:6]:
            if member.id in queries.recused_ids(motion):
                continue
            choice = "no" if member is council.members[4] else "yes"
            reason = "价格偏高" if choice == "no" else None
            motion_ops.cast_ballot(motion, member, choice, reason=reason, now=T0)
        motion_ops.cast_ballot(
            motion, council.members[2], "yes", for_member=council.members[6], now=T0
        )
        motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    return meeting, first, second


def test_minutes_are_drafted_from_the_record(app):
    council = make_council(7)
    meeting, first, second = _decided_meeting(council)
    minutes = minutes_ops.draft_minutes(meeting, discussion={first.id: "理事长最后发言"}, now=T0)
    body = minutes.body
    names = lambda people: [p["name"] for p in people]  # noqa: E731
    assert names(body["present"]) == [f"理事{i}号" for i in range(6)]
    assert names(body["absent"]) == ["理事6号"]
    assert body["proxies"][0]["holder_name"] == "理事2号"
    assert names(body["non_voting"]) == ["监事甲"]
    item = body["items"][0]
    assert item["title"] == "关于采购的议案"
    assert item["tally"] == {"yes": 5, "no": 1, "abstain": 0}
    assert item["recusals"] == [
        {"member_id": council.members[5].id, "name": "理事5号", "reason": "持股某公司"}
    ]
    assert item["dissents"] == [
        {
            "member_id": council.members[4].id,
            "name": "理事4号",
            "choice": "no",
            "reason": "价格偏高",
        }
    ]
    assert item["resolution"]["number"] == "〔2026〕第1号"
    assert item["discussion"] == "理事长最后发言"
    assert body["items"][1]["resolution"]["number"] == "〔2026〕第2号"
    assert "理事4号投反对票：价格偏高" in minutes.text
    assert "回避：理事5号（持股某公司）" in minutes.text
    assert "列席：监事甲" in minutes.text
    assert minutes.signers == sorted(m.id for m in council.members[:6])
    assert meeting.status == MeetingStatus.CONCLUDED
    with refused("本次会议已有纪要"):
        minutes_ops.draft_minutes(meeting, now=T0)
    with refused("会议已结束，纪要已起草，出席情况不能再修改"):
        meeting_ops.record_attendance(meeting, council.members[6], Presence.VIDEO)


def test_a_major_item_needs_its_main_points_and_the_leader_speaking_last(app):
    council = make_council(5)
    meeting = convene(council)
    project = motion_on(
        meeting,
        title="关于新建实验楼的议案",
        kind="major_project",
        prior_study_record="党支部 2 月 20 日研究同意",
    )
    routine = motion_on(meeting, title="关于修订考勤办法的议案")
    for motion in (project, routine):
        motion_ops.open_voting(motion, now=T0)
        for member in council.members:
            motion_ops.cast_ballot(motion, member, "yes", now=T0)
        motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    with refused("三重一大事项「关于新建实验楼的议案」须记录发言要点和主要负责人最后发言"):
        minutes_ops.draft_minutes(meeting, now=T0)
    with refused("须记录主要负责人最后发言"):
        minutes_ops.draft_minutes(meeting, discussion={project.id: "理事们赞成"}, now=T0)
    assert meeting.status != MeetingStatus.CONCLUDED
    minutes = minutes_ops.draft_minutes(
        meeting,
        discussion={project.id: "理事们赞成"},
        leader_statements={project.id: "校长最后表态：同意"},
        now=T0,
    )
    assert minutes.body["items"][0]["leader_statement"] == "校长最后表态：同意"
    assert "主要负责人最后发言：校长最后表态：同意" in minutes.text
    # the routine item needs neither; the heading is not "会议会议纪要"
    assert minutes.text.splitlines()[0] == "理事会会议纪要"
    corrected = minutes_ops.correct_minutes(minutes, note="补充", now=T0)
    assert corrected.body["items"][0]["leader_statement"] == "校长最后表态：同意"


def test_minutes_wait_for_open_votes(app):
    council = make_council(5)
    meeting = convene(council)
    motion = motion_on(meeting)
    motion_ops.open_voting(motion, now=T0)
    with refused("尚有议案在表决中"):
        minutes_ops.draft_minutes(meeting, now=T0)


def test_attending_members_sign_once_and_the_last_signature_locks(app):
    council = make_council(5)
    meeting = convene(council, absent=(4,))
    motion = motion_on(meeting)
    motion_ops.open_voting(motion, now=T0)
    for member in council.members[:4]:
        motion_ops.cast_ballot(motion, member, "yes", now=T0)
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    minutes = minutes_ops.draft_minutes(meeting, now=T0)
    with refused("只有出席会议的理事签署会议纪要"):
        minutes_ops.sign_minutes(minutes, council.members[4])
    with refused("只有出席会议的理事签署会议纪要"):
        minutes_ops.sign_minutes(minutes, council.supervisor)
    minutes_ops.sign_minutes(minutes, council.members[0], now=T0)
    before = db.session.scalar(select(func.count()).select_from(MinutesSignature))
    with refused("你已签署过该会议纪要"):
        minutes_ops.sign_minutes(minutes, council.members[0], now=T0)
    assert db.session.scalar(select(func.count()).select_from(MinutesSignature)) == before
    for member in council.members[1:3]:
        minutes_ops.sign_minutes(minutes, member, now=T0)
    assert minutes.locked_at is None
    minutes_ops.sign_minutes(minutes, council.members[3], now=T0 + timedelta(hours=2))
    assert minutes.locked_at == T0 + timedelta(hours=2)
    # locked minutes never change; a correction is a new version
    corrected = minutes_ops.correct_minutes(
        minutes, note="更正第 1 项的发言要点", discussion={motion.id: "补充"}
    )
    assert corrected.version == 2 and corrected.supersedes_id == minutes.id
    assert corrected.locked_at is None
    assert "更正说明：更正第 1 项的发言要点" in corrected.text
    with refused("该版本已被更正，请签署最新版本"):
        minutes_ops.sign_minutes(minutes, council.members[0])
    with refused("该版本已被更正，请在最新版本上更正"):
        minutes_ops.correct_minutes(minutes, note="再改")
    assert minutes_queries.current_minutes(meeting) == corrected
    db.session.flush()
    minutes.text = "篡改"
    with refused("会议纪要已签署锁定"):
        db.session.flush()
    db.session.rollback()


def test_execution_reports_come_from_management(app):
    council = make_council(7)
    _meeting, first, _second = _decided_meeting(council)
    resolution = first.resolution
    with refused("只有管理层成员报告决议执行情况"):
        resolution_ops.record_execution(
            resolution, council.members[0], text="进行中", progress=10, now=T0
        )
    with refused("执行进度须为 0 到 100 之间的整数"):
        resolution_ops.record_execution(
            resolution, council.head, text="进行中", progress=120, now=T0
        )
    report = resolution_ops.record_execution(
        resolution, council.head, text="已签合同", progress=30, now=T0
    )
    assert report.resolution_id == resolution.id and report.progress == 30


def test_supervisors_record_opinions_and_objections(app):
    council = make_council(7)
    _meeting, first, _second = _decided_meeting(council)
    report = resolution_ops.record_execution(
        first.resolution, council.head, text="已签合同", progress=30, now=T0
    )
    for target in (first, first.resolution, report):
        opinion = resolution_ops.record_opinion(
            council.supervisor, target, text="请说明价格依据", now=T0
        )
        assert opinion.institution_id == council.institution.id
    objection = resolution_ops.record_opinion(
        council.supervisor, first, text="程序不合规", kind=OpinionKind.OBJECTION, now=T0
    )
    assert objection.kind == "objection" and objection.motion_id == first.id
    with refused("只有本单位在任监事可以记录监督意见"):
        resolution_ops.record_opinion(council.members[0], first, text="意见", now=T0)
    other = make_council(3)
    with refused("只有本单位在任监事可以记录监督意见"):
        resolution_ops.record_opinion(other.supervisor, first, text="意见", now=T0)
    with refused("意见内容不能为空"):
        resolution_ops.record_opinion(council.supervisor, first, text="", now=T0)
