"""Meetings, motions and voting through the pages: the happy path, every refusal, my votes."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from core.models import utcnow
from core.roles import Role
from institutions.governance import queries
from institutions.governance.council import operations as council_ops
from institutions.governance.models import (
    Attendance,
    Ballot,
    Meeting,
    MeetingMode,
    Motion,
    MotionStatus,
    Paper,
    Recusal,
    Relation,
    Resolution,
)
from institutions.governance.motions import operations as motion_ops
from institutions.governance.tally import MotionKind
from tests import factories
from tests.governance_db.helpers import convene, make_council, motion_on


@pytest.fixture
def council(app):
    """A council of five (members[0] chairs), a supervisor and a secretary who holds no seat."""
    seated = make_council(5)
    secretary = factories.create_user(
        Role.COUNCIL_SECRETARY, institution=seated.institution, full_name="秘书丙"
    )
    db.session.commit()
    return SimpleNamespace(
        institution=seated.institution,
        members=seated.members,
        chair=seated.chair,
        supervisor=seated.supervisor,
        secretary=secretary,
        seated=seated,
    )


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _written() -> tuple[int, int, int, int]:
    """Return the counts that a refused action must leave unchanged."""
    return _count(Ballot), _count(AuditEvent), _count(Recusal), _count(Paper)


def _url(council, *parts) -> str:
    return "/governance/" + "/".join(str(p) for p in (council.institution.id, *parts))


def _draft(council, **fields) -> Motion:
    motion = motion_on(convene(council.seated), **fields)
    db.session.commit()
    return motion


def _open(council, **fields) -> Motion:
    motion = motion_on(convene(council.seated), **fields)
    motion_ops.open_voting(motion, actor=council.chair)
    db.session.commit()
    return motion


def _text(response) -> str:
    return response.get_data(as_text=True)


# --- the happy path --------------------------------------------------------------------------


def test_secretary_prepares_members_vote_chair_closes(client, login_as, council):
    login_as(council.secretary)
    response = client.post(
        _url(council, "meetings/new"),
        data={
            "title": "2026 年第三次理事会会议",
            "kind": "special",
            "called_by": "chair",
            "mode": "video",
            # voting at a meeting opens no earlier than its start: it began an hour ago
            "scheduled_at": (utcnow() + timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M"),
            "place": "腾讯会议 123",
        },
    )
    assert response.status_code == 302, _text(response)
    meeting = db.session.scalar(select(Meeting).where(Meeting.title == "2026 年第三次理事会会议"))
    assert meeting.institution_id == council.institution.id
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")

    assert client.post(_url(council, "meetings", meeting.id, "notice")).status_code == 302
    response = client.post(
        _url(council, "meetings", meeting.id, "motions/new"),
        data={
            "title": "关于2027年度预算的议案",
            "text": "同意2027年度预算方案。",
            "kind": "budget",
            "counterparties": "",
        },
    )
    assert response.status_code == 302, _text(response)
    motion = db.session.scalar(select(Motion).where(Motion.meeting_id == meeting.id))
    assert motion.category == "major"

    for member in council.members:
        response = client.post(
            _url(council, "meetings", meeting.id, "attendance"),
            data={"member_id": member.id, "presence": "video"},
        )
        assert response.status_code == 302, _text(response)
    response = client.post(
        _url(council, "meetings", meeting.id, "papers"),
        data={"file": (io.BytesIO(b"%PDF-1.4 budget"), "预算方案.pdf"), "motion_id": motion.id},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, _text(response)

    page = _text(client.get(_url(council, "meetings", meeting.id)))
    assert "出席 5 / 法定人数 4" in page
    assert "已达到" in page
    assert "预算方案.pdf" in page
    assert "通知已于" in page

    assert client.post(_url(council, "motions", motion.id, "open")).status_code == 302
    assert db.session.get(Motion, motion.id).status == MotionStatus.OPEN

    for member in council.members[:3]:
        login_as(member)
        response = client.post(_url(council, "motions", motion.id, "vote"), data={"choice": "yes"})
        assert response.status_code == 302, _text(response)
    # A member changes their vote: the earlier ballot stays in the history.
    login_as(council.members[3])
    client.post(
        _url(council, "motions", motion.id, "vote"), data={"choice": "no", "reason": "再议"}
    )
    client.post(_url(council, "motions", motion.id, "vote"), data={"choice": "yes"})
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "您已投票：同意（可在表决结束前修改）" in page
    assert "此前投票 1 次" in page

    login_as(council.chair)
    response = client.post(_url(council, "motions", motion.id, "close"))
    assert response.status_code == 302, _text(response)
    motion = db.session.get(Motion, motion.id)
    assert motion.status == MotionStatus.PASSED
    resolution = db.session.scalar(select(Resolution).where(Resolution.motion_id == motion.id))
    year = queries.local_date(utcnow()).year
    assert resolution.document_number == f"〔{year}〕第1号"

    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "表决结果：通过" in page
    assert "赞成 4 票，达到全体理事三分之二（4 票），通过" in page
    assert f"已形成决议 〔{year}〕第1号" in page
    assert "此前投票 1 次" in page  # member 3's first ballot, kept as history
    assert "再议" in page

    home = _text(client.get(_url(council) + "/"))
    assert "2026 年第三次理事会会议" in home
    assert f"〔{year}〕第1号" in home


def test_printable_notice_and_tally(client, login_as, council):
    motion = _open(council)
    login_as(council.members[2])
    notice = _text(client.get(_url(council, "meetings", motion.meeting_id, "notice/print")))
    tally_page = _text(client.get(_url(council, "motions", motion.id, "tally")))
    for page in (notice, tally_page):
        assert 'class="print-page"' in page
        assert "data-print" in page
        assert "/static/js/meetings.js" in page
        assert "onclick" not in page
    assert "关于召开理事会会议的通知" in notice
    assert "监事甲（监事）" in notice
    assert "按章程，表决结束前不公开票数。" in tally_page


# --- the vote panel on a phone ---------------------------------------------------------------


def test_vote_panel_has_three_big_buttons_and_no_wide_table(client, login_as, council):
    motion = _open(council)
    login_as(council.members[2])
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert 'name="viewport"' in page
    for choice, label in (("yes", "同意"), ("no", "反对"), ("abstain", "弃权")):
        button = re.search(
            rf'<button type="submit" name="choice" value="{choice}" class="([^"]+)">{label}</button>',
            page,
        )
        assert button, choice
        assert {"btn-lg", "w-100"} <= set(button.group(1).split())
    assert "<table" not in page

    client.post(_url(council, "motions", motion.id, "vote"), data={"choice": "yes"})
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "您已投票：同意（可在表决结束前修改）" in page


def test_results_stay_hidden_until_close_by_default(client, login_as, council):
    motion = _open(council)
    motion_ops.cast_ballot(motion, council.members[2], "no", reason="理由甲")
    db.session.commit()
    login_as(council.members[3])
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "理由甲" not in page
    assert "表决结束前不公开票数" in page
    assert "已收到表决票 1 张" in page


# --- refusals: a clear message, status 422, nothing written ----------------------------------


def _refused(response, message: str) -> None:
    assert response.status_code == 422, _text(response)
    assert message in _text(response)


def test_vote_on_a_draft_motion_is_refused(client, login_as, council):
    motion = _draft(council)
    before = _written()
    login_as(council.members[2])
    response = client.post(_url(council, "motions", motion.id, "vote"), data={"choice": "yes"})
    _refused(response, "议案尚未开始表决")
    assert _written() == before


def test_vote_on_a_closed_motion_is_refused(client, login_as, council):
    motion = _open(council)
    motion_ops.close_motion(motion, actor=council.chair)
    db.session.commit()
    before = _written()
    login_as(council.members[2])
    response = client.post(_url(council, "motions", motion.id, "vote"), data={"choice": "yes"})
    _refused(response, "议案表决已结束")
    assert _written() == before


def test_supervisor_cannot_vote(client, login_as, council):
    motion = _open(council)
    before = _written()
    login_as(council.supervisor)
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert 'name="choice"' not in page
    assert "监事列席理事会会议，不参加表决" in page
    response = client.post(_url(council, "motions", motion.id, "vote"), data={"choice": "no"})
    _refused(response, "监事列席理事会会议，不参加表决")
    assert _written() == before


def test_recused_member_cannot_vote(client, login_as, council):
    motion = _open(council)
    member = council.members[3]
    login_as(member)
    response = client.post(
        _url(council, "motions", motion.id, "recuse"), data={"reason": "本人近亲属为供应商"}
    )
    assert response.status_code == 302, _text(response)
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "本人近亲属为供应商" in page
    assert "你已对本议案回避，不能表决" in page
    before = _written()
    response = client.post(_url(council, "motions", motion.id, "vote"), data={"choice": "yes"})
    _refused(response, "你已对本议案回避，不能表决")
    assert _written() == before


def test_recusal_without_reason_is_refused(client, login_as, council):
    motion = _open(council)
    before = _written()
    login_as(council.members[3])
    response = client.post(_url(council, "motions", motion.id, "recuse"), data={"reason": ""})
    _refused(response, "回避理由不能为空")
    assert _written() == before


def test_vote_without_a_choice_is_refused(client, login_as, council):
    motion = _open(council)
    before = _written()
    login_as(council.members[2])
    response = client.post(_url(council, "motions", motion.id, "vote"), data={"choice": "maybe"})
    _refused(response, "请选择同意、反对或弃权")
    assert _written() == before


def test_opening_without_quorum_is_refused(client, login_as, council):
    motion = motion_on(convene(council.seated, absent=(2, 3, 4)))
    db.session.commit()
    before = _written()
    login_as(council.secretary)
    response = client.post(_url(council, "motions", motion.id, "open"))
    _refused(response, "出席理事 2 人，不足法定人数 4 人，不能开始表决")
    assert _written() == before
    assert db.session.get(Motion, motion.id).status == MotionStatus.DRAFT


def test_san_zhong_yi_da_needs_the_prior_study_before_opening(client, login_as, council):
    motion = _draft(council, kind=MotionKind.MAJOR_PROJECT)
    login_as(council.secretary)
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "尚未附前置研究记录，不能开始表决。" in page
    before = _written()
    response = client.post(_url(council, "motions", motion.id, "open"))
    _refused(response, "三重一大事项须先附党组织前置研究记录，才能开始表决")
    assert _written() == before

    response = client.post(
        _url(council, "motions", motion.id, "edit"),
        data={
            "title": motion.title,
            "text": motion.text,
            "kind": "major_project",
            "prior_study_record": "2026年11月20日党总支会议研究同意",
            "prior_study_ref": "党总支〔2026〕9号",
        },
    )
    assert response.status_code == 302, _text(response)
    assert client.post(_url(council, "motions", motion.id, "open")).status_code == 302
    assert db.session.get(Motion, motion.id).status == MotionStatus.OPEN


def test_paper_upload_after_voting_opens_is_refused(client, login_as, council):
    motion = _open(council)
    before = _written()
    login_as(council.secretary)
    response = client.post(
        _url(council, "meetings", motion.meeting_id, "papers"),
        data={"file": (io.BytesIO(b"%PDF-1.4 late"), "补充材料.pdf")},
        content_type="multipart/form-data",
    )
    _refused(response, "表决已开始，会议材料已冻结，不能再上传或修改")
    assert _written() == before


def test_another_institutions_motion_is_not_found(client, login_as, council):
    elsewhere = make_council(3)
    motion = motion_on(convene(elsewhere))
    motion_ops.open_voting(motion)
    db.session.commit()
    before = _written()
    login_as(council.members[2])
    mine = council.institution.id
    theirs = elsewhere.institution.id
    assert client.get(f"/governance/{mine}/motions/{motion.id}").status_code == 404
    assert client.get(f"/governance/{theirs}/motions/{motion.id}").status_code == 404
    response = client.post(f"/governance/{mine}/motions/{motion.id}/vote", data={"choice": "yes"})
    assert response.status_code == 404
    assert client.get(f"/governance/{mine}/meetings/{motion.meeting_id}").status_code == 404
    assert _written() == before


def test_member_cannot_apply_proposed_recusals(client, login_as, council):
    motion = _draft(council)
    login_as(council.members[2])
    response = client.post(
        _url(council, "motions", motion.id, "recuse"), data={"action": "proposed"}
    )
    assert response.status_code == 403


def test_written_vote_refuses_forbidden_kinds_and_needs_a_deadline(client, login_as, council):
    meeting = convene(council.seated, mode=MeetingMode.WRITTEN)
    db.session.commit()
    login_as(council.secretary)
    response = client.post(
        _url(council, "meetings", meeting.id, "motions/new"),
        data={"title": "年度预算", "text": "同意。", "kind": "budget"},
    )
    _refused(response, "年度预算和决算不得通讯表决，须召开会议表决")
    response = client.post(
        _url(council, "meetings", meeting.id, "motions/new"),
        data={"title": "修订考勤办法", "text": "同意。", "kind": "routine"},
    )
    assert response.status_code == 302
    motion = db.session.scalar(select(Motion).where(Motion.meeting_id == meeting.id))
    _refused(client.post(_url(council, "motions", motion.id, "open")), "通讯表决须规定截止时间")
    deadline = (utcnow() + timedelta(days=5)).astimezone(queries.local_zone())
    response = client.post(
        _url(council, "motions", motion.id, "open"),
        data={"deadline": deadline.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302, _text(response)
    # Written votes need no attendance: any seated member votes.
    login_as(council.members[4])
    response = client.post(_url(council, "motions", motion.id, "vote"), data={"choice": "yes"})
    assert response.status_code == 302, _text(response)


# --- motions, recusals, papers ---------------------------------------------------------------


def test_large_sum_makes_a_motion_major_and_says_why(client, login_as, council):
    meeting = convene(council.seated)
    db.session.commit()
    login_as(council.secretary)
    response = client.post(
        _url(council, "meetings", meeting.id, "motions/new"),
        data={
            "title": "采购教学设备",
            "text": "同意采购。",
            "kind": "routine",
            "amount": "250000",
            "counterparties": "成都某某科技有限公司\n\n 张三 \n",
        },
    )
    assert response.status_code == 302, _text(response)
    motion = db.session.scalar(select(Motion).where(Motion.meeting_id == meeting.id))
    assert motion.category == "major"
    assert motion.counterparties == ["成都某某科技有限公司", "张三"]
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "涉及金额 250,000.00 元，达到本单位大额资金标准 100,000 元。" in page
    assert "三重一大事项" in page


def test_proposed_recusals_are_shown_and_applied(client, login_as, council):
    member = council.members[4]
    council_ops.declare_interests(
        member,
        council.institution.id,
        [{"name": "成都某某科技有限公司", "relation": Relation.SHARES}],
    )
    motion = _draft(council, counterparties=["成都某某科技有限公司"])
    login_as(council.secretary)
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "建议回避" in page
    assert f"{member.full_name}：成都某某科技有限公司" in page
    response = client.post(
        _url(council, "motions", motion.id, "recuse"), data={"action": "proposed"}
    )
    assert response.status_code == 302
    assert queries.recused_ids(motion) == {member.id}


def test_paper_download_sends_the_original_name(client, login_as, council):
    meeting = convene(council.seated)
    db.session.commit()
    login_as(council.secretary)
    client.post(
        _url(council, "meetings", meeting.id, "papers"),
        data={"file": (io.BytesIO(b"%PDF-1.4 agenda"), "../会议议程.pdf")},
        content_type="multipart/form-data",
    )
    paper = db.session.scalar(select(Paper).where(Paper.meeting_id == meeting.id))
    assert paper.original_name == "会议议程.pdf"
    login_as(council.supervisor)
    response = client.get(_url(council, "papers", paper.id))
    assert response.status_code == 200
    assert response.data == b"%PDF-1.4 agenda"
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E4%BC%9A%E8%AE%AE%E8%AE%AE%E7%A8%8B.pdf" in disposition
    response.close()


def test_attendance_with_a_proxy_and_its_refusals(client, login_as, council):
    meeting = convene(council.seated, absent=(4,))
    db.session.commit()
    login_as(council.secretary)
    url = _url(council, "meetings", meeting.id, "attendance")
    before = _written()
    response = client.post(
        url,
        data={
            "member_id": council.members[4].id,
            "presence": "absent",
            "proxy_to_id": council.members[1].id,
        },
    )
    _refused(response, "委托须有书面委托书，写明委托事项和表决意见")
    assert _written() == before
    response = client.post(
        url,
        data={
            "member_id": council.members[4].id,
            "presence": "absent",
            "proxy_to_id": council.members[1].id,
            "proxy_instruction": "第1项同意",
        },
    )
    assert response.status_code == 302, _text(response)
    row = db.session.scalar(select(Attendance).where(Attendance.member_id == council.members[4].id))
    assert row.proxy_to_id == council.members[1].id
    page = _text(client.get(_url(council, "meetings", meeting.id)))
    assert f"委托 {council.members[1].full_name} 代为表决" in page
    # Someone who holds no seat here cannot be recorded.
    outsider = factories.create_user(Role.COUNCIL_MEMBER, institution=council.institution)
    db.session.commit()
    response = client.post(url, data={"member_id": outsider.id, "presence": "video"})
    assert response.status_code == 422


# --- my votes --------------------------------------------------------------------------------


def test_my_votes_lists_what_awaits_me_and_votes_from_the_list(client, login_as, council):
    meeting = convene(council.seated, absent=(4,), proxies={4: 1})
    motion = motion_on(meeting, title="关于修订考勤办法的议案")
    motion_ops.open_voting(motion)
    db.session.commit()
    holder = council.members[1]
    login_as(holder)
    page = _text(client.get("/governance/my-votes"))
    assert page.count("关于修订考勤办法的议案") == 2  # own vote, and as proxy
    assert f"代 {council.members[4].full_name} 表决" in page
    assert 'name="choice" value="yes"' in page

    response = client.post(
        _url(council, "motions", motion.id, "vote"),
        data={"choice": "yes", "return_to": "my_votes"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/governance/my-votes")
    response = client.post(
        _url(council, "motions", motion.id, "vote"),
        data={"choice": "yes", "return_to": "my_votes", "for_member_id": council.members[4].id},
    )
    assert response.status_code == 302, _text(response)
    proxy_ballot = db.session.scalar(
        select(Ballot).where(Ballot.by_proxy_for_id == council.members[4].id)
    )
    assert proxy_ballot.member_id == holder.id
    assert "没有待您表决的议案" in _text(client.get("/governance/my-votes"))


def test_my_votes_is_empty_for_someone_without_a_seat(client, login_as, council):
    _open(council)
    login_as(factories.create_user(Role.EMPLOYEE, institution=council.institution))
    response = client.get("/governance/my-votes")
    assert response.status_code == 200
    assert "没有待您表决的议案" in _text(response)


# --- query counts ----------------------------------------------------------------------------


def test_motion_page_queries_do_not_grow_with_ballots(client, login_as, count_queries):
    council = make_council(9, charter={"results_hidden_until_close": False})
    motion = motion_on(convene(council))
    motion_ops.open_voting(motion)
    for member in council.members[:2]:
        motion_ops.cast_ballot(motion, member, "yes")
    db.session.commit()
    login_as(council.chair)
    url = f"/governance/{council.institution.id}/motions/{motion.id}"

    def queries_for_page() -> int:
        client.get(url)  # after a commit, the first request also reloads the signed-in user
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter["n"]

    few = queries_for_page()
    for member in council.members[2:8]:
        motion_ops.cast_ballot(motion, member, "no")
        motion_ops.cast_ballot(motion, member, "yes", reason="改投同意")
    db.session.commit()
    many = queries_for_page()
    assert "改投同意" in _text(client.get(url))
    assert many == few


def test_a_recusal_reason_the_platform_wrote_is_shown_in_the_readers_language(
    client, login_as, council
):
    council_ops.declare_interests(
        council.members[3],
        council.institution.id,
        [{"name": "王五", "relation": Relation.NEAR_RELATIVE.value}],
    )
    motion = _draft(council, counterparties=["王五"])
    motion_ops.apply_proposed_recusals(motion, actor=council.secretary)
    motion_ops.recuse(motion, council.members[4], "本人是投标方股东")
    db.session.commit()
    login_as(council.secretary)
    client.post("/language", data={"lang": "en"})
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "Declared interests: 王五" in page and "申报的利害关系" not in page
    assert "本人是投标方股东" in page  # typed: as typed
    client.post("/language", data={"lang": "zh"})
    page = _text(client.get(_url(council, "motions", motion.id)))
    assert "申报的利害关系：王五" in page and "本人是投标方股东" in page
