"""Opening, casting and closing votes: every refusal, proxies, outcomes and resolutions."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import files
from core.extensions import db
from core.notifications import Notification
from institutions.governance import messages, queries
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.models import (
    Ballot,
    DecisionFailure,
    GovernanceError,
    MeetingMode,
    MeetingStatus,
    MotionStatus,
    Paper,
    Presence,
    Resolution,
)
from institutions.governance.motions import operations as motion_ops
from institutions.governance.motions import queries as motion_queries
from institutions.governance.resolutions import queries as resolution_queries
from institutions.governance.signals import motion_decided
from institutions.governance.tally import Choice, MotionKind
from tests.governance_db.helpers import (
    T0,
    convene,
    make_council,
    motion_on,
    open_motion,
    vote_all,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def refused(message: str):
    return pytest.raises(GovernanceError, match=message)


# --- opening ---------------------------------------------------------------------------------


def test_open_fixes_electorate_and_charter_and_freezes_papers(app):
    council = make_council()
    meeting = convene(council)
    motion = motion_on(meeting)
    paper = meeting_ops.add_paper(
        meeting, filename="方案.pdf", content=b"%PDF-1.4 plan", motion=motion
    )
    motion_ops.open_voting(motion, actor=council.chair, now=T0)
    assert motion.status == MotionStatus.OPEN
    assert motion.opened_at == T0
    assert motion.electorate == sorted(m.id for m in council.members)
    assert motion.chair_id == council.chair.id
    assert motion.charter["quorum_fraction"] == "2/3"
    assert meeting.voting_opened_at == T0
    assert meeting.status == MeetingStatus.IN_SESSION
    db.session.refresh(paper)
    assert paper.frozen_at == T0


def test_open_without_quorum_is_refused(app):
    council = make_council(7)  # quorum ceil(2/3 × 7) = 5
    motion = motion_on(convene(council, absent=(4, 5, 6)))
    with refused("出席理事 4 人，不足法定人数 5 人，不能开始表决"):
        motion_ops.open_voting(motion, now=T0)
    assert motion.status == MotionStatus.DRAFT


def test_proxies_count_toward_quorum_only_if_the_charter_says_so(app):
    council = make_council(7, charter={"proxy_counts_toward_quorum": True})
    motion = motion_on(convene(council, absent=(5, 6), proxies={5: 2}))
    motion_ops.open_voting(motion, now=T0)  # 5 present + 1 proxy ≥ 5
    strict = make_council(7)
    motion = motion_on(convene(strict, absent=(4, 5, 6), proxies={5: 2}))
    with refused("不足法定人数"):
        motion_ops.open_voting(motion, now=T0)


def test_san_zhong_yi_da_needs_the_prior_study_record(app):
    council = make_council()
    meeting = convene(council)
    motion = motion_on(meeting, kind=MotionKind.MAJOR_PROJECT, amount=Decimal("380000"))
    with refused("三重一大事项须先附党组织前置研究记录"):
        motion_ops.open_voting(motion, now=T0)
    motion_ops.update_motion(motion, {"prior_study_record": "党委会前置研究，同意提交。"})
    motion_ops.open_voting(motion, now=T0)
    assert motion.status == MotionStatus.OPEN


def test_a_large_sum_is_major_and_needs_prior_study(app):
    council = make_council()
    motion = motion_on(convene(council), amount=Decimal("100000.00"))
    assert motion.category == "major"  # the threshold itself counts
    with refused("前置研究"):
        motion_ops.open_voting(motion, now=T0)
    small = motion_on(motion.meeting, amount=Decimal("99999.99"))
    assert small.category == "ordinary"
    motion_ops.open_voting(small, now=T0)


def test_opening_twice_or_after_close_is_refused(app):
    council = make_council()
    motion = open_motion(council)
    with refused("议案已在表决中"):
        motion_ops.open_voting(motion, now=T0)
    vote_all(motion, council.members, "yes")
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    with refused("议案表决已结束"):
        motion_ops.open_voting(motion, now=T0)


def test_draft_motion_can_change_open_one_cannot(app):
    council = make_council()
    motion = open_motion(council)
    with refused("只能修改草拟中的议案"):
        motion_ops.update_motion(motion, {"text": "改过的内容"})


# --- papers ----------------------------------------------------------------------------------


def _workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return buffer.getvalue()


def test_papers_are_stored_by_content_and_frozen_once_voting_opens(app):
    council = make_council()
    meeting = convene(council)
    motion = motion_on(meeting)
    workbook = _workbook()
    paper = meeting_ops.add_paper(meeting, filename="../../etc/预算.xlsx", content=workbook)
    assert paper.original_name == "预算.xlsx"
    assert paper.size == len(workbook) and len(paper.sha256) == 64
    assert files.read(paper.file) == workbook  # in the database, where every server reads it
    with refused("文件内容与扩展名「xlsx」不符"):
        meeting_ops.add_paper(meeting, filename="预算.xlsx", content=b"numbers")
    spare = meeting_ops.add_paper(meeting, filename="说明.txt", content=b"draft")
    meeting_ops.remove_paper(spare)
    with refused("会议材料须为以下格式之一"):
        meeting_ops.add_paper(meeting, filename="run.exe", content=b"MZ")
    with refused("文件是空的"):
        meeting_ops.add_paper(meeting, filename="空.pdf", content=b"")
    motion_ops.open_voting(motion, now=T0)
    before = _count(Paper)
    with refused("会议材料已冻结"):
        meeting_ops.add_paper(meeting, filename="补充.pdf", content=b"late")
    with refused("会议材料已冻结"):
        meeting_ops.remove_paper(paper)
    assert _count(Paper) == before
    # Editing the row directly through the ORM is refused too.
    db.session.refresh(paper)
    paper.original_name = "换了.xlsx"
    with refused("会议材料已冻结"):
        db.session.flush()
    db.session.rollback()


# --- casting ---------------------------------------------------------------------------------


def test_members_vote_and_may_change_their_vote(app):
    council = make_council()
    motion = open_motion(council)
    first = motion_ops.cast_ballot(motion, council.members[2], "no", reason="再议", now=T0)
    second = motion_ops.cast_ballot(
        motion, council.members[2], Choice.YES, now=T0 + timedelta(minutes=5)
    )
    assert second.sequence == first.sequence + 1
    assert second.prev_hash == first.hash
    latest = queries.latest_ballots(motion)
    assert latest[council.members[2].id].id == second.id
    assert [b.choice for b in queries.ballot_history(motion)] == ["no", "yes"]


def test_voting_twice_at_the_same_instant_keeps_both_and_the_later_counts(app):
    council = make_council()
    motion = open_motion(council)
    member = council.members[3]
    a = motion_ops.cast_ballot(motion, member, "yes", now=T0)
    b = motion_ops.cast_ballot(motion, member, "abstain", now=T0)
    assert a.cast_at == b.cast_at
    assert (a.sequence, b.sequence) == (a.sequence, a.sequence + 1)
    assert len(queries.ballot_history(motion)) == 2
    assert queries.latest_ballots(motion) == {member.id: b}


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_voting_on_a_draft_or_closed_motion_is_refused(app, status):
    council = make_council()
    if status == "draft":
        motion = motion_on(convene(council))
        message = "议案尚未开始表决"
    else:
        motion = open_motion(council)
        vote_all(motion, council.members, "yes")
        motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
        message = "议案表决已结束"
    before = _count(Ballot)
    with refused(message):
        motion_ops.cast_ballot(motion, council.members[2], "yes", now=T0 + timedelta(hours=2))
    assert _count(Ballot) == before


def test_voting_on_another_institutions_motion_is_refused(app):
    mine = make_council()
    theirs = make_council()
    motion = open_motion(theirs)
    with refused("你不是该单位理事会的在任理事"):
        motion_ops.cast_ballot(motion, mine.members[2], "yes", now=T0)
    assert queries.ballot_history(motion) == []


def test_a_supervisor_cannot_vote(app):
    council = make_council()
    motion = open_motion(council)
    with refused("监事列席理事会会议，不参加表决"):
        motion_ops.cast_ballot(motion, council.supervisor, "no", now=T0)
    assert queries.ballot_history(motion) == []


def test_a_recused_member_cannot_vote_and_earlier_ballots_stop_counting(app):
    council = make_council()
    motion = open_motion(council)
    member = council.members[4]
    motion_ops.cast_ballot(motion, member, "yes", now=T0)
    motion_ops.recuse(motion, member, "配偶在对方单位任职")
    with refused("你已对本议案回避，不能表决"):
        motion_ops.cast_ballot(motion, member, "yes", now=T0)
    vote_all(motion, council.members[:4], "yes")
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    assert member.id not in motion.outcome["voters"]
    assert motion.outcome["eligible"] == 6
    assert "回避" in " ".join(str(messages.load(note)) for note in motion.outcome["notes"])


def test_an_absent_member_cannot_vote_at_a_meeting(app):
    council = make_council()
    motion = motion_on(convene(council, absent=(6,)))
    motion_ops.open_voting(motion, now=T0)
    with refused("你未登记出席本次会议"):
        motion_ops.cast_ballot(motion, council.members[6], "yes", now=T0)


def test_a_proxy_votes_for_the_member_who_named_them_only(app):
    council = make_council()
    motion = motion_on(convene(council, absent=(5, 6), proxies={5: 2}))
    motion_ops.open_voting(motion, now=T0)
    holder, absent, other_absent = council.members[2], council.members[5], council.members[6]
    with refused("该理事未委托你代为表决"):
        motion_ops.cast_ballot(motion, holder, "yes", for_member=other_absent, now=T0)
    with refused("该理事未委托你代为表决"):
        motion_ops.cast_ballot(motion, council.members[3], "yes", for_member=absent, now=T0)
    motion_ops.cast_ballot(motion, holder, "no", now=T0)
    proxy_ballot = motion_ops.cast_ballot(motion, holder, "yes", for_member=absent, now=T0)
    assert proxy_ballot.by_proxy_for_id == absent.id
    assert proxy_ballot.member_id == holder.id
    latest = queries.latest_ballots(motion)
    assert latest[absent.id].choice == "yes" and latest[holder.id].choice == "no"
    vote_all(motion, council.members[:2], "yes")
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    assert motion.outcome["yes"] == 3 and motion.outcome["no"] == 1
    assert motion.outcome["valid_proxies"] == [[absent.id, holder.id]]


def test_an_unknown_choice_is_refused(app):
    council = make_council()
    motion = open_motion(council)
    with refused("表决意见「maybe」不在可选范围内"):
        motion_ops.cast_ballot(motion, council.members[2], "maybe", now=T0)


# --- closing ---------------------------------------------------------------------------------


def test_closing_a_passed_motion_makes_a_numbered_chained_resolution_and_signals(app):
    council = make_council(7)
    motion = open_motion(council)
    vote_all(motion, council.members[:5], "yes")
    motion_ops.cast_ballot(motion, council.members[5], "no", reason="预算偏高", now=T0)
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs["outcome"].status, kwargs["resolution"]))

    with motion_decided.connected_to(receiver):
        motion_ops.close_motion(motion, actor=council.chair, now=T0 + timedelta(hours=1))
    assert motion.status == MotionStatus.PASSED
    assert motion.reason_message == "赞成 5 票，超过全体理事半数（至少 4 票），通过"
    resolution = motion.resolution
    assert resolution.document_number == "〔2026〕第1号"
    assert resolution.text == motion.text
    latest_ballot = max(queries.ballot_history(motion), key=lambda b: b.sequence)
    assert resolution.sequence == latest_ballot.sequence + 1
    assert resolution.prev_hash == latest_ballot.hash
    assert received == [(motion, "passed", resolution)]
    assert queries.verify_chain(council.institution.id).ok


def test_a_rejected_motion_has_no_resolution(app):
    council = make_council(7)
    motion = open_motion(council)
    vote_all(motion, council.members[:3], "yes")
    vote_all(motion, council.members[3:], "no")
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    assert motion.status == MotionStatus.REJECTED
    assert motion.resolution is None
    assert _count(Resolution) == 0


def test_a_major_motion_needs_two_thirds_of_all_seated(app):
    council = make_council(9)  # ceil(2/3 × 9) = 6
    motion = open_motion(council, kind=MotionKind.BUDGET)
    vote_all(motion, council.members[:5], "yes")
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    assert motion.status == MotionStatus.REJECTED
    assert motion.reason_message == "赞成 5 票，未达到全体理事三分之二（6 票），未通过"


def test_too_few_unconflicted_members_refers_the_item_to_the_sponsor(app):
    council = make_council(5)
    motion = motion_on(convene(council))
    for member in council.members[2:]:
        motion_ops.recuse(motion, member, "关联交易")
    motion_ops.open_voting(motion, now=T0)
    vote_all(motion, council.members[:2], "yes")
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    assert motion.status == MotionStatus.REFERRED
    assert motion.reason_message == "无利害关系的理事不足 3 人，提交举办单位决定"


def test_attendance_falling_below_quorum_closes_without_a_decision(app):
    council = make_council(7)
    motion = open_motion(council)
    vote_all(motion, council.members, "yes")
    for member in council.members[3:]:
        meeting_ops.record_attendance(motion.meeting, member, Presence.ABSENT)
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    assert motion.status == MotionStatus.CLOSED
    assert motion.reason_message == "出席理事 3 人，不足法定人数 5 人"


def test_closing_twice_or_a_draft_is_refused(app):
    council = make_council()
    draft = motion_on(convene(council))
    with refused("议案尚未开始表决"):
        motion_ops.close_motion(draft, now=T0)
    motion = open_motion(council)
    vote_all(motion, council.members, "yes")
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    with refused("议案表决已结束"):
        motion_ops.close_motion(motion, now=T0 + timedelta(hours=2))
    assert _count(Resolution) == 1


def test_a_decided_motion_cannot_be_edited_through_the_orm(app):
    council = make_council()
    motion = open_motion(council)
    vote_all(motion, council.members, "yes")
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    db.session.flush()
    motion.title = "改标题"
    with refused("议案表决已结束，不能修改"):
        db.session.flush()
    db.session.rollback()


def test_ballots_cannot_be_edited_through_the_orm(app):
    council = make_council()
    motion = open_motion(council)
    ballot = motion_ops.cast_ballot(motion, council.members[2], "yes", now=T0)
    ballot.choice = "no"
    with refused("表决票一经投出不可修改或删除"):
        db.session.flush()
    db.session.rollback()


# --- written votes ---------------------------------------------------------------------------


def _written(council, **fields):
    meeting = convene(council, mode=MeetingMode.WRITTEN)
    return motion_on(meeting, **fields)


def test_written_voting_refuses_forbidden_kinds(app):
    council = make_council()
    meeting = convene(council, mode=MeetingMode.WRITTEN)
    with refused("年度预算和决算不得通讯表决"):
        motion_on(meeting, kind=MotionKind.BUDGET)
    with refused("重大事项不得通讯表决"):
        motion_on(meeting, amount=Decimal("200000"))
    with refused("三重一大"):
        motion_on(meeting, kind=MotionKind.LARGE_FUNDS)


def test_written_voting_needs_a_long_enough_deadline(app):
    council = make_council()
    motion = _written(council)
    with refused("通讯表决须规定截止时间"):
        motion_ops.open_voting(motion, now=T0)
    with refused("通讯表决期限至少 3 天"):
        motion_ops.open_voting(motion, now=T0, deadline=T0 + timedelta(days=2))
    motion_ops.open_voting(motion, now=T0, deadline=T0 + timedelta(days=3))


def test_written_vote_closes_at_the_deadline_and_returned_ballots_make_the_quorum(app):
    council = make_council(7)
    motion = _written(council)
    deadline = T0 + timedelta(days=5)
    motion_ops.open_voting(motion, now=T0, deadline=deadline)
    with refused("通讯表决不适用委托"):
        motion_ops.cast_ballot(
            motion, council.members[1], "yes", for_member=council.members[2], now=T0
        )
    vote_all(motion, council.members[:5], "yes")
    with refused(r"通讯表决截止前不能结束表决（尚有 2 名理事未投票）"):
        motion_ops.close_motion(motion, now=T0 + timedelta(days=1))
    assert motion_ops.close_due_written_motions(now=deadline - timedelta(seconds=1)) == []
    with refused("通讯表决已截止"):
        motion_ops.cast_ballot(
            motion, council.members[6], "yes", now=deadline + timedelta(seconds=1)
        )
    closed = motion_ops.close_due_written_motions(now=deadline)
    assert closed == [motion]
    assert motion.status == MotionStatus.PASSED
    assert motion.outcome["attending"] == 5


def test_written_vote_may_close_early_when_everyone_voted(app):
    council = make_council(5)
    motion = _written(council)
    motion_ops.open_voting(motion, now=T0, deadline=T0 + timedelta(days=5))
    vote_all(motion, council.members[:2], "yes")
    vote_all(motion, council.members[2:], "no")
    motion_ops.close_motion(motion, now=T0 + timedelta(days=1))
    assert motion.status == MotionStatus.REJECTED


def test_written_vote_without_enough_returns_closes_without_decision(app):
    council = make_council(9)
    motion = _written(council)
    motion_ops.open_voting(motion, now=T0, deadline=T0 + timedelta(days=3))
    vote_all(motion, council.members[:5], "yes")
    motion_ops.close_due_written_motions(now=T0 + timedelta(days=4))
    assert motion.status == MotionStatus.CLOSED
    assert motion.reason_message == "收回表决票 5 份，不足法定人数 6 份"


def test_a_failing_receiver_neither_stops_the_others_nor_the_batch_close(app):
    council = make_council(3)
    meeting = convene(council, mode=MeetingMode.WRITTEN)
    blocked, fine = motion_on(meeting, title="受阻"), motion_on(meeting, title="顺利")
    for motion in (blocked, fine):
        motion_ops.open_voting(motion, now=T0, deadline=T0 + timedelta(days=3))
        vote_all(motion, council.members, "yes")
    heard = []

    def object_to_blocked(sender, **kwargs):
        db.session.add(
            DecisionFailure(
                institution_id=sender.institution_id,
                motion_id=sender.id,
                receiver="half",
                error="x",
                occurred_at=T0,
            )
        )
        db.session.flush()  # a write of the failing receiver: undone with its savepoint
        if sender.title == "受阻":
            raise RuntimeError("招聘计划已撤回")

    def listen(sender, **kwargs):
        heard.append(sender.title)

    with motion_decided.connected_to(object_to_blocked), motion_decided.connected_to(listen):
        closed = motion_ops.close_due_written_motions(now=T0 + timedelta(days=3))
    assert closed == [blocked, fine]
    assert sorted(heard) == ["受阻", "顺利"]
    assert blocked.status == MotionStatus.PASSED and fine.status == MotionStatus.PASSED
    assert [r.number for r in resolution_queries.resolutions_of(council.institution.id)] == [1, 2]
    failures = motion_queries.decision_failures(blocked)
    assert [(f.receiver.rsplit(".", 1)[-1], f.error) for f in failures] == [
        ("object_to_blocked", "招聘计划已撤回")
    ]
    # the successful receiver's write on the other motion stays; the failed one's is undone
    assert [f.receiver for f in motion_queries.decision_failures(fine)] == ["half"]
    secretary_inbox = db.session.scalars(
        select(Notification).where(Notification.user_id == council.secretary.id)
    ).all()
    assert any("受阻" in n.title and "招聘计划已撤回" in n.body for n in secretary_inbox)
    assert queries.verify_chain(council.institution.id).ok
