"""The council pages: composition warnings, seats, charter, declarations, minutes, resolutions
and supervision, through the views."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.audit import AuditEvent
from core.extensions import db
from core.notifications import Notification
from core.roles import Role
from institutions.governance import queries
from institutions.governance.council import operations as council_ops
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.minutes import operations as minutes_ops
from institutions.governance.minutes import queries as minutes_queries
from institutions.governance.models import (
    BodyKind,
    CharterSettings,
    Constituency,
    ExecutionReport,
    InterestDeclaration,
    Minutes,
    MinutesSignature,
    Motion,
    Office,
    OpinionKind,
    Resolution,
    Seat,
    SupervisoryOpinion,
)
from institutions.governance.motions import operations as motion_ops
from institutions.governance.resolutions import operations as resolution_ops
from tests import factories
from tests.governance_db.access_council import meeting_in, resolution_in
from tests.governance_db.helpers import T0, TERM_START, make_council


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def council(app):
    council = make_council(5)
    db.session.commit()
    return council


def _url(council, path: str) -> str:
    return f"/governance/{council.institution.id}{path}"


# --- council page and seats -------------------------------------------------------------------


def test_composition_warnings_are_shown(client, login_as, council):
    inst = council.institution.id
    # A council member who also sits as supervisor, and a finance officer as supervisor.
    council_ops.seat_member(
        inst,
        council.members[3],
        body=BodyKind.SUPERVISORS,
        office=Office.SUPERVISOR,
        constituency=Constituency.STAFF,
        term_start_on=TERM_START,
    )
    finance = factories.create_user(
        Role.FINANCE_OFFICER, institution=council.institution, full_name="会计丙"
    )
    council_ops.seat_member(
        inst,
        finance,
        body=BodyKind.SUPERVISORS,
        office=Office.SUPERVISOR,
        constituency=Constituency.STAFF,
        term_start_on=TERM_START,
    )
    db.session.commit()
    login_as(council.members[2])
    page = client.get(_url(council, "/council"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="composition-warnings"' in html
    assert "监事 理事3号 同时担任理事" in html
    assert "监事 会计丙 是财务人员" in html
    assert "理事0号" in html and "理事长" in html and "监事甲" in html


def test_outside_members_not_a_majority_is_warned(client, login_as, app):
    council = make_council(3)  # two of three from inside the unit (staff)
    db.session.commit()
    login_as(council.chair)
    html = client.get(_url(council, "/council")).get_data(as_text=True)
    assert "外部理事 1 人，未超过在任理事 3 人的半数" in html


def test_a_manager_seats_one_of_the_institutions_people_who_then_sees_the_council(
    client, login_as, council
):
    # a staff representative whose only role here is 职工: seating gives the council role
    staff = factories.create_user(
        Role.EMPLOYEE, institution=council.institution, username="staff.wang", full_name="王职工"
    )
    stranger = factories.create_user(
        Role.EMPLOYEE, institution=factories.create_institution(), full_name="外单位人员"
    )
    db.session.commit()
    login_as(council.chair)
    form = client.get(_url(council, "/council/seats/new"))
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert "王职工" in html and "外单位人员" not in html and "用户名" not in html
    # choosing nobody is refused with a message
    refused = client.post(
        _url(council, "/council/seats/new"),
        data={"body": "council", "office": "member", "term_start_on": "2026-01-01"},
    )
    assert refused.status_code == 422
    assert "请选择人员" in refused.get_data(as_text=True)
    # someone of another institution cannot be chosen, even by a forged id
    refused = client.post(
        _url(council, "/council/seats/new"),
        data={
            "user_id": str(stranger.id),
            "body": "council",
            "office": "member",
            "constituency": "expert",
            "term_start_on": "2026-01-01",
        },
    )
    assert refused.status_code == 422
    assert db.session.scalar(select(Seat).where(Seat.user_id == stranger.id)) is None
    # a council member needs a constituency: the operation's message lands on the form
    refused = client.post(
        _url(council, "/council/seats/new"),
        data={
            "user_id": str(staff.id),
            "body": "council",
            "office": "member",
            "term_start_on": "2026-01-01",
        },
    )
    assert refused.status_code == 422
    assert "理事须注明来源" in refused.get_data(as_text=True)
    login_as(staff)
    assert client.get(_url(council, "/council")).status_code == 403
    login_as(council.chair)
    done = client.post(
        _url(council, "/council/seats/new"),
        data={
            "user_id": str(staff.id),
            "body": "council",
            "office": "member",
            "constituency": "staff",
            "term_start_on": "2026-01-01",
            "term_end_on": "2028-12-31",
        },
    )
    assert done.status_code == 302
    seat = db.session.scalar(select(Seat).where(Seat.user_id == staff.id))
    assert seat.institution_id == council.institution.id and seat.constituency == "staff"
    # the electorate reads the council: the seat came with the council role, audited
    login_as(staff)
    assert client.get(_url(council, "/council")).status_code == 200
    assert db.session.scalar(
        select(func.count()).where(
            AuditEvent.action == "governance.seat.role", AuditEvent.actor_id == council.chair.id
        )
    )
    login_as(council.chair)
    # ending the seat
    # ending the seat needs a reason; the member is told
    no_reason = client.post(
        _url(council, f"/council/seats/{seat.id}/end"), data={"end_on": "2026-06-30"}
    )
    assert no_reason.status_code == 422
    assert "请填写结束任期的原因" in no_reason.get_data(as_text=True)
    ended = client.post(
        _url(council, f"/council/seats/{seat.id}/end"),
        data={"end_on": "2026-06-30", "reason": "本人辞职"},
    )
    assert ended.status_code == 302
    db.session.expire_all()
    assert db.session.get(Seat, seat.id).term_end_on == date(2026, 6, 30)
    assert db.session.get(Seat, seat.id).end_reason == "本人辞职"
    told = db.session.scalars(select(Notification).where(Notification.user_id == staff.id)).all()
    assert any("任期已结束" in n.title and "本人辞职" in n.body for n in told)
    assert "本人辞职" in client.get(_url(council, "/council")).get_data(as_text=True)
    # ending before the start is refused, nothing written
    refused = client.post(
        _url(council, f"/council/seats/{seat.id}/end"),
        data={"end_on": "2025-01-01", "reason": "更正"},
    )
    assert refused.status_code == 422
    assert "任期结束日期不能早于开始日期" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Seat, seat.id).term_end_on == date(2026, 6, 30)


def test_members_cannot_seat_anyone(client, login_as, council):
    login_as(council.members[3])
    assert client.get(_url(council, "/council/seats/new")).status_code == 403


def test_another_institutions_seat_is_404(client, login_as, council):
    other = make_council(3)
    db.session.commit()
    seat = db.session.scalar(select(Seat).where(Seat.institution_id == other.institution.id))
    login_as(factories.create_user(is_superuser=True))
    response = client.post(
        _url(council, f"/council/seats/{seat.id}/end"), data={"end_on": "2026-06-30"}
    )
    assert response.status_code == 404


# --- charter ---------------------------------------------------------------------------------

CHARTER = {
    "quorum_fraction": "2/3",
    "ordinary_threshold": "1/2",
    "ordinary_base": "seated",
    "major_threshold": "2/3",
    "major_base": "seated",
    "large_sum_threshold": "100000",
    "notice_days": "10",
    "written_vote_min_days": "3",
    "results_hidden_until_close": "y",
    "written_voting_allowed": "y",
}


def test_the_staffing_office_sets_the_charter_up_once(client, login_as, council):
    login_as(factories.create_user(Role.STAFFING_OFFICE))
    page = client.get(_url(council, "/charter"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "默认：2/3" in html and "100000" in html and "确定初始设置" in html
    saved = client.post(
        _url(council, "/charter"),
        data={
            **CHARTER,
            "quorum_fraction": "3/5",
            "chair_casting_vote": "y",
            "large_sum_threshold": "50,000",
        },
    )
    assert saved.status_code == 302
    charter = queries.charter_for(council.institution.id)
    assert str(charter.quorum_fraction) == "3/5"
    assert charter.chair_casting_vote is True
    assert str(charter.large_sum_threshold) == "50000"
    assert charter.proxy_counts_toward_quorum is False
    # once set up, the settings change only through the council
    page = client.get(_url(council, "/charter")).get_data(as_text=True)
    assert "确定初始设置" not in page and "章程设置已确定" in page
    again = client.post(_url(council, "/charter"), data={**CHARTER, "quorum_fraction": "1/2"})
    assert again.status_code == 422
    assert "修改须由理事会以重大事项决议通过" in again.get_data(as_text=True)
    assert str(queries.charter_for(council.institution.id).quorum_fraction) == "3/5"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("quorum_fraction", "0.67", "请写成分数"),
        ("quorum_fraction", "3/0", "请写成分数"),
        ("quorum_fraction", "4/3", "法定人数比例必须大于 0 且不超过 1"),
        ("major_threshold", "1/2", "重大事项表决比例必须高于二分之一且不超过 1"),
        ("ordinary_threshold", "1/3", "一般事项表决比例必须不低于二分之一且小于 1"),
        ("large_sum_threshold", "十万", "请填写金额"),
        ("large_sum_threshold", "-1", "金额不能为负数"),
        ("notice_days", "-1", "会议通知提前天数须在 0–90 天之间"),
        ("notice_days", "", "请填写会议通知提前天数"),
    ],
)
def test_charter_validation_in_chinese(client, login_as, council, field, value, message):
    login_as(factories.create_user(Role.STAFFING_OFFICE))
    response = client.post(_url(council, "/charter"), data={**CHARTER, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(CharterSettings) == 0


def test_the_chair_cannot_change_the_charter_alone_but_proposes_a_motion(client, login_as, council):
    meeting = meeting_in(council.institution)
    login_as(council.chair)
    page = client.get(_url(council, "/charter")).get_data(as_text=True)
    assert "确定初始设置" not in page and "提交理事会审议" in page
    assert client.post(_url(council, "/charter"), data=CHARTER).status_code == 403
    response = client.post(
        _url(council, "/charter/proposals"),
        data={**CHARTER, "large_sum_threshold": "5000000", "meeting_id": str(meeting.id)},
    )
    assert response.status_code == 302
    motion = db.session.scalar(select(Motion).where(Motion.subject_kind == "governance.charter"))
    assert response.headers["Location"].endswith(f"/motions/{motion.id}")
    assert motion.kind == "charter" and motion.category == "major"
    assert _count(CharterSettings) == 0  # nothing changes before the council decides
    motion_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "审议事项" in motion_page and "章程设置修改提案" in motion_page
    charter_page = client.get(_url(council, "/charter")).get_data(as_text=True)
    assert "待理事会审议的章程修改" in charter_page and "5000000" in charter_page
    same = client.post(
        _url(council, "/charter/proposals"), data={**CHARTER, "meeting_id": str(meeting.id)}
    )
    assert same.status_code == 422 and "与现行设置相同" in same.get_data(as_text=True)


def test_members_neither_set_up_nor_propose_the_charter(client, login_as, council):
    login_as(council.members[3])
    page = client.get(_url(council, "/charter"))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "确定初始设置" not in html and "提出章程修改" not in html
    assert client.post(_url(council, "/charter"), data=CHARTER).status_code == 403
    assert client.post(_url(council, "/charter/proposals"), data=CHARTER).status_code == 403
    assert _count(CharterSettings) == 0


# --- declaration of interests ----------------------------------------------------------------


def test_seated_members_declare_their_interests(client, login_as, council):
    member = council.members[3]
    login_as(member)
    assert client.get(_url(council, "/declaration")).status_code == 200
    response = client.post(
        _url(council, "/declaration"),
        data={"near_relatives": "张三：配偶\n\n李四", "posts": "某某科技有限公司", "shares": ""},
    )
    assert response.status_code == 302
    declaration = db.session.scalar(
        select(InterestDeclaration).where(InterestDeclaration.member_id == member.id)
    )
    assert declaration.items == [
        {"name": "张三", "relation": "near_relative", "note": "配偶"},
        {"name": "李四", "relation": "near_relative", "note": None},
        {"name": "某某科技有限公司", "relation": "post", "note": None},
    ]
    # the form shows the saved declaration again
    html = client.get(_url(council, "/declaration")).get_data(as_text=True)
    assert "张三：配偶" in html
    # a line without a name is refused
    refused = client.post(_url(council, "/declaration"), data={"posts": "：董事"})
    assert refused.status_code == 422
    assert "第 1 行缺少名称" in refused.get_data(as_text=True)


def test_only_seated_members_declare(client, login_as, council):
    # the supervisor and the head are seated too
    login_as(council.supervisor)
    assert client.get(_url(council, "/declaration")).status_code == 200
    for user in (
        factories.create_user(Role.COUNCIL_MEMBER, institution=council.institution),
        factories.create_user(Role.INSTITUTION_ADMIN, institution=council.institution),
    ):
        db.session.commit()
        login_as(user)
        assert client.get(_url(council, "/declaration")).status_code == 403
        assert (
            client.post(_url(council, "/declaration"), data={"posts": "某公司"}).status_code == 403
        )
    assert _count(InterestDeclaration) == 0
    # a member of another institution's council: the institution is invisible to them
    other = make_council(3)
    db.session.commit()
    login_as(other.members[0])
    assert client.get(_url(council, "/declaration")).status_code == 404


# --- minutes ---------------------------------------------------------------------------------


def _decided_meeting(council):
    """A meeting of all but member 4, one motion passed; returns (meeting, motion)."""
    meeting = meeting_ops.create_meeting(
        council.institution.id,
        title="第三次理事会会议",
        kind="special",
        called_by="chair",
        mode="video",
        scheduled_at=T0,
        place="会议室",
    )
    for member in council.members[:4]:
        meeting_ops.record_attendance(meeting, member, "video")
    meeting_ops.record_attendance(meeting, council.members[4], "absent")
    motion = motion_ops.add_motion(meeting, title="关于采购教学设备的议案", text="同意采购。")
    motion_ops.open_voting(motion, now=T0)
    for member in council.members[:4]:
        motion_ops.cast_ballot(motion, member, "yes", now=T0 + timedelta(minutes=1))
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    db.session.commit()
    return meeting, motion


def test_minutes_draft_sign_lock_and_correct(client, login_as, council):
    meeting, motion = _decided_meeting(council)
    base = _url(council, f"/meetings/{meeting.id}/minutes")
    login_as(council.chair)
    page = client.get(base)
    assert page.status_code == 200 and "起草会议纪要" in page.get_data(as_text=True)
    unconfirmed = client.post(
        f"{base}/draft", data={f"discussion_{motion.id}": "理事长最后发言，同意。"}
    )
    assert unconfirmed.status_code == 422
    assert "请先确认已核对会议记录" in unconfirmed.get_data(as_text=True)
    assert minutes_queries.current_minutes(meeting) is None
    drafted = client.post(
        f"{base}/draft",
        data={f"discussion_{motion.id}": "理事长最后发言，同意。", "confirm": "y"},
    )
    assert drafted.status_code == 302
    minutes = minutes_queries.current_minutes(meeting)
    assert minutes.version == 1 and "理事长最后发言" in minutes.text
    # drafting twice is refused
    again = client.post(f"{base}/draft", data={"confirm": "y"})
    assert again.status_code == 422 and "本次会议已有纪要" in again.get_data(as_text=True)

    # the absent member may not sign
    login_as(council.members[4])
    refused = client.post(f"{base}/sign", data={"minutes_id": minutes.id})
    assert refused.status_code == 422
    assert "只有出席会议的理事签署会议纪要" in refused.get_data(as_text=True)
    # attending members sign, once
    login_as(council.members[0])
    assert "签署第 1 版会议纪要" in client.get(base).get_data(as_text=True)
    assert client.post(f"{base}/sign", data={"minutes_id": minutes.id}).status_code == 302
    twice = client.post(f"{base}/sign", data={"minutes_id": minutes.id})
    assert twice.status_code == 422 and "你已签署过该会议纪要" in twice.get_data(as_text=True)
    assert _count(MinutesSignature) == 1
    for member in council.members[1:4]:
        login_as(member)
        assert client.post(f"{base}/sign", data={"minutes_id": minutes.id}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Minutes, minutes.id).locked_at is not None
    html = client.get(base).get_data(as_text=True)
    assert "已全部签署并锁定" in html

    # members may not correct; managers correct as a new version
    login_as(council.members[3])
    assert (
        client.post(f"{base}/correct", data={"minutes_id": minutes.id, "note": "改"}).status_code
        == 403
    )
    login_as(council.chair)
    no_note = client.post(f"{base}/correct", data={"minutes_id": minutes.id})
    assert no_note.status_code == 422 and "请填写更正说明" in no_note.get_data(as_text=True)
    corrected = client.post(
        f"{base}/correct",
        data={"minutes_id": minutes.id, "note": "补充发言要点", f"discussion_{motion.id}": "补充"},
    )
    assert corrected.status_code == 302
    latest = minutes_queries.current_minutes(meeting)
    assert latest.version == 2 and latest.supersedes_id == minutes.id
    assert "更正说明：补充发言要点" in latest.text
    html = client.get(base).get_data(as_text=True)
    assert "第 2 版" in html and "已被更正" in html
    # the superseded version can no longer be signed or corrected
    login_as(council.members[0])
    stale = client.post(f"{base}/sign", data={"minutes_id": minutes.id})
    assert stale.status_code == 422 and "该版本已被更正" in stale.get_data(as_text=True)
    assert client.post(f"{base}/sign", data={"minutes_id": latest.id}).status_code == 302
    # printable, with the signature block and the print button
    printed = client.get(f"{base}/print").get_data(as_text=True)
    assert "print-page" in printed and "data-print" in printed and "js/council.js" in printed
    assert "理事会会议纪要" in printed and "第 2 版" in printed
    assert queries.chain_head(council.institution.id).last_hash in printed
    first = client.get(f"{base}/print?version=1").get_data(as_text=True)
    assert "第 1 版" in first


def test_a_motion_title_with_markup_is_escaped_in_the_minutes_form(client, login_as, council):
    payload = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
    meeting = meeting_in(council.institution)
    motion_ops.add_motion(meeting, title=payload, text="同意。")
    db.session.commit()
    login_as(council.chair)
    page = client.get(_url(council, f"/meetings/{meeting.id}/minutes"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "发言要点" in html
    assert payload not in html
    assert "&lt;meta http-equiv=&#34;refresh&#34;" in html


def test_another_institutions_minutes_are_404(client, login_as, council):
    other = make_council(3)
    foreign = meeting_in(other.institution)
    db.session.commit()
    login_as(factories.create_user(is_superuser=True))
    assert client.get(_url(council, f"/meetings/{foreign.id}/minutes")).status_code == 404
    assert client.get(_url(council, f"/meetings/{foreign.id}/minutes/print")).status_code == 404
    # minutes of another meeting cannot be signed through this meeting's URL
    first, _motion = _decided_meeting(council)
    second, _motion = _decided_meeting(council)
    minutes_ops.draft_minutes(first)
    elsewhere = minutes_ops.draft_minutes(second)
    db.session.commit()
    login_as(council.members[0])
    response = client.post(
        _url(council, f"/meetings/{first.id}/minutes/sign"), data={"minutes_id": elsewhere.id}
    )
    assert response.status_code == 404
    assert _count(MinutesSignature) == 0


# --- resolutions, execution and supervision ---------------------------------------------------


def test_resolution_page_and_print(client, login_as, council):
    resolution = resolution_in(council.institution)
    db.session.commit()
    login_as(council.members[3])
    page = client.get(_url(council, f"/resolutions/{resolution.id}"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "〔2026〕第1号" in html and "关于修订考勤办法的议案" in html
    assert "同意 5" in html and "反对 0" in html
    assert resolution.hash in html and "内容与哈希值一致" in html
    printed = client.get(_url(council, f"/resolutions/{resolution.id}/print"))
    text = printed.get_data(as_text=True)
    assert printed.status_code == 200
    assert "print-page" in text and "data-print" in text and "onclick" not in text
    assert "〔2026〕第1号" in text and resolution.hash in text
    head = queries.chain_head(council.institution.id)
    assert f"第 {head.last_sequence} 条" in text and head.last_hash in text
    # an official document: its own title, dated without a time
    assert "关于修订考勤办法的决议" in text
    assert "2026年3月2日" in text and "2026-03-02 1" not in text


def test_resolution_numbers_carry_the_charter_prefix(client, login_as, council):
    council_ops.save_charter(council.institution.id, {"resolution_prefix": "实验小学理"})
    resolution = resolution_in(council.institution)
    db.session.commit()
    assert resolution.document_number == "实验小学理〔2026〕1号"
    login_as(council.members[3])
    printed = client.get(_url(council, f"/resolutions/{resolution.id}/print"))
    assert "实验小学理〔2026〕1号" in printed.get_data(as_text=True)
    # the number is the one the vote was held under, whatever the charter says later
    council_ops.save_charter(council.institution.id, {"resolution_prefix": "别的"})
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Resolution, resolution.id).document_number == "实验小学理〔2026〕1号"


def test_resolutions_list_search_and_export(client, login_as, council):
    first = resolution_in(council.institution, title="关于采购的议案")
    second = resolution_in(council.institution, title="关于培训的议案")
    resolution_ops.record_execution(first, council.head, text="已签合同", progress=40)
    db.session.commit()
    login_as(council.members[2])
    html = client.get(_url(council, "/resolutions")).get_data(as_text=True)
    assert "〔2026〕第1号" in html and "〔2026〕第2号" in html and "2026 年" in html
    assert "执行进度 40%" in html
    # a resolution carries its own title, not its motion's
    assert second.title == "关于培训的决议"
    found = client.get(_url(council, "/resolutions?q=培训")).get_data(as_text=True)
    assert "关于培训的决议" in found and "关于采购的决议" not in found
    by_number = client.get(_url(council, "/resolutions?q=[2026]2号")).get_data(as_text=True)
    assert "关于培训的决议" in by_number and "关于采购的决议" not in by_number
    export = client.get(_url(council, "/resolutions/export"))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    flat = [v for row in values for v in row]
    assert "〔2026〕第1号" in flat and "〔2026〕第2号" in flat
    assert second.hash in flat and 40 in flat
    head = queries.chain_head(council.institution.id)
    assert "导出时本单位哈希链头" in flat and head.last_hash in flat


def test_resolutions_list_query_count_is_flat(client, login_as, council, count_queries):
    login_as(council.members[2])
    url = _url(council, "/resolutions")

    def queries_for_page() -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter["n"]

    for _ in range(2):
        resolution_in(council.institution)
    db.session.commit()
    few = queries_for_page()
    for i in range(6):
        resolution = resolution_in(council.institution)
        resolution_ops.record_execution(resolution, council.head, text="进行中", progress=10 * i)
    db.session.commit()
    many = queries_for_page()
    assert many == few


def test_management_reports_execution(client, login_as, council):
    resolution = resolution_in(council.institution)
    db.session.commit()
    url = _url(council, f"/resolutions/{resolution.id}/executions")
    login_as(council.members[3])
    refused = client.post(url, data={"progress": "20", "text": "进行中"})
    assert refused.status_code == 422
    assert "只有管理层成员报告决议执行情况" in refused.get_data(as_text=True)
    assert _count(ExecutionReport) == 0
    login_as(council.head)
    assert "报告执行情况" in client.get(_url(council, f"/resolutions/{resolution.id}")).get_data(
        as_text=True
    )
    bad = client.post(url, data={"progress": "120", "text": "进行中"})
    assert bad.status_code == 422 and "执行进度须在 0–100 之间" in bad.get_data(as_text=True)
    assert client.post(url, data={"progress": "20", "text": "已完成招标"}).status_code == 302
    html = client.get(_url(council, f"/resolutions/{resolution.id}")).get_data(as_text=True)
    assert "已完成招标" in html and "进度 20%" in html


def test_supervisor_objection_is_visible_to_the_sponsor(client, login_as, council):
    resolution = resolution_in(council.institution)
    db.session.commit()
    login_as(council.supervisor)
    page = client.get(_url(council, f"/resolutions/{resolution.id}")).get_data(as_text=True)
    assert "记录监督意见或异议" in page
    response = client.post(
        _url(council, "/opinions"),
        data={
            f"resolution{resolution.id}-target": "resolution",
            f"resolution{resolution.id}-target_id": str(resolution.id),
            f"resolution{resolution.id}-kind": "objection",
            f"resolution{resolution.id}-text": "采购程序未公开招标，提出异议",
            f"resolution{resolution.id}-next": f"/governance/{council.institution.id}/resolutions/{resolution.id}",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/resolutions/{resolution.id}")
    opinion = db.session.scalar(select(SupervisoryOpinion))
    assert opinion.kind == OpinionKind.OBJECTION and opinion.resolution_id == resolution.id
    # an objection on the motion, posted without a prefix, goes back to the resolution page
    motion_objection = client.post(
        _url(council, "/opinions"),
        data={
            "target": "motion",
            "target_id": str(resolution.motion_id),
            "kind": "opinion",
            "text": "请说明价格依据",
            "next": "https://evil.example/",
        },
    )
    assert motion_objection.status_code == 302
    assert "evil" not in motion_objection.headers["Location"]
    sponsor = factories.create_user(Role.SPONSOR, sponsor=council.institution.sponsor)
    db.session.commit()
    login_as(sponsor)
    html = client.get(_url(council, f"/resolutions/{resolution.id}")).get_data(as_text=True)
    assert "采购程序未公开招标，提出异议" in html and "异议" in html
    assert "请说明价格依据" in html
    assert "记录监督意见或异议" not in html  # the sponsor is no supervisor
    # the council sees it on the minutes page too (the motion's opinion)
    login_as(council.members[2])
    minutes_page = client.get(_url(council, f"/meetings/{resolution.motion.meeting_id}/minutes"))
    assert "请说明价格依据" in minutes_page.get_data(as_text=True)


def test_a_non_supervisor_cannot_record_an_opinion(client, login_as, council):
    resolution = resolution_in(council.institution)
    db.session.commit()
    for user in (council.members[0], council.head):
        login_as(user)
        response = client.post(
            _url(council, "/opinions"),
            data={
                "target": "resolution",
                "target_id": str(resolution.id),
                "kind": "objection",
                "text": "异议",
            },
        )
        assert response.status_code == 422
        assert "只有本单位在任监事可以记录监督意见" in response.get_data(as_text=True)
    assert _count(SupervisoryOpinion) == 0


def test_another_institutions_objects_are_404(client, login_as, council):
    other = make_council(3)
    foreign = resolution_in(other.institution)
    report = resolution_ops.record_execution(foreign, other.head, text="进行中", progress=10)
    db.session.commit()
    login_as(factories.create_user(is_superuser=True))
    assert client.get(_url(council, f"/resolutions/{foreign.id}")).status_code == 404
    assert client.get(_url(council, f"/resolutions/{foreign.id}/print")).status_code == 404
    login_as(council.head)
    response = client.post(
        _url(council, f"/resolutions/{foreign.id}/executions"),
        data={"progress": "10", "text": "x"},
    )
    assert response.status_code == 404
    login_as(council.supervisor)
    for target, target_id in (
        ("resolution", foreign.id),
        ("motion", foreign.motion_id),
        ("execution_report", report.id),
    ):
        response = client.post(
            _url(council, "/opinions"),
            data={"target": target, "target_id": str(target_id), "kind": "opinion", "text": "x"},
        )
        assert response.status_code == 404, target
    assert _count(SupervisoryOpinion) == 0
    # and the other institution itself is invisible to this council's members
    login_as(council.members[0])
    assert client.get(f"/governance/{other.institution.id}/resolutions").status_code == 404


def test_seat_form_refuses_unknown_choices_in_chinese(client, login_as, council):
    stranger = factories.create_user(full_name="陌生人")
    db.session.commit()
    login_as(council.chair)
    response = client.post(
        _url(council, "/council/seats/new"),
        data={
            "user_id": str(stranger.id),  # holds no role here: not on the list
            "body": "council",
            "office": "member",
            "constituency": "expert",
            "term_start_on": "2026-01-01",
        },
    )
    assert response.status_code == 422
    assert "请从列表中选择人员" in response.get_data(as_text=True)
    response = client.post(
        _url(council, "/council/seats/new"),
        data={
            "user_id": str(council.head.id),
            "body": "supervisors",
            "office": "chair",
            "term_start_on": "2026-01-01",
        },
    )
    assert response.status_code == 422
    assert "「理事长」不是监事会的职务" in response.get_data(as_text=True)
    assert "Not a valid choice" not in response.get_data(as_text=True)


def test_supervisor_records_an_objection_on_the_motion_page(client, login_as):
    from tests.governance_db.helpers import make_council, open_motion

    council = make_council(5)
    motion = open_motion(council)
    db.session.commit()
    login_as(council.supervisor)
    page = client.get(f"/governance/{council.institution.id}/motions/{motion.id}")
    assert "记录监督意见或异议" in page.get_data(as_text=True)
    prefix = f"motion{motion.id}"
    response = client.post(
        f"/governance/{council.institution.id}/opinions",
        data={
            f"{prefix}-target": "motion",
            f"{prefix}-target_id": str(motion.id),
            f"{prefix}-kind": "objection",
            f"{prefix}-text": "议案未附可行性研究报告",
            f"{prefix}-next": f"/governance/{council.institution.id}/motions/{motion.id}",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    login_as(council.members[2])
    body = client.get(f"/governance/{council.institution.id}/motions/{motion.id}").get_data(
        as_text=True
    )
    assert "议案未附可行性研究报告" in body
    assert "记录监督意见或异议" not in body  # members see opinions but cannot record them
