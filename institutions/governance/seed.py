"""Demo governance for ``flask seed-demo``: a council per demo institution, with history.

Each demo institution gets a charter (the defaults), a council whose outside members are a
majority, supervisors and a head of management; a past regular meeting whose three motions
passed (numbered, chained resolutions; minutes signed by every attending member, an
execution report and a supervisory opinion); and a video meeting in session today with an
open motion awaiting one member's vote. At the demo school that member is ``lishi``, the
council is chaired by ``lishizhang`` with ``mishu`` as secretary, and ``jianshi`` supervises.

Importing this module registers the step after the registry's (it imports that module first).
Institutions that already have a council are left alone, so the step is safe to run again.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select

from core.auth import operations as accounts
from core.auth.models import User
from core.extensions import db
from core.ids import make_credit_code
from core.models import utcnow
from core.roles import Role
from institutions import seed as registry_seed
from institutions.governance import queries
from institutions.governance.council import operations as council_ops
from institutions.governance.meetings import operations as meeting_ops
from institutions.governance.minutes import operations as minutes_ops
from institutions.governance.models import (
    BodyKind,
    CalledBy,
    Constituency,
    MeetingKind,
    MeetingMode,
    Office,
    Presence,
    Relation,
)
from institutions.governance.motions import operations as motion_ops
from institutions.governance.resolutions import operations as resolution_ops
from institutions.governance.tally import Choice, MotionKind
from institutions.models import Institution

#: Extra council members per institution: (surname-given name, office, constituency).
OUTSIDE_MEMBERS = [
    ("举办单位代表", Office.VICE_CHAIR, Constituency.SPONSOR),
    ("服务对象代表", Office.MEMBER, Constituency.SERVICE_USER),
    ("社会代表", Office.MEMBER, Constituency.PUBLIC),
    ("专家", Office.MEMBER, Constituency.EXPERT),
]
#: Full names for the created accounts, one list per demo institution (same order as the
#: registry seed's INSTITUTIONS).
NAMES = [
    ["唐文渊", "钱佩玲", "邓子涵", "彭立诚", "曹晓燕", "蒋志远", "韩冰"],
    ["沈嘉禾", "宋雨桐", "谢明轩", "袁立新", "范思远", "苏婉清", "丁浩然"],
    ["吕晨阳", "魏雅琴", "程子墨", "潘志军", "杜若兰", "邱明德", "廖凯"],
    ["孔令辉", "石慧敏", "崔建华", "龚婷", "严伟", "薛丽娟", "雷振宇"],
    ["方志诚", "夏雨晴", "汪海涛", "田淑芬", "任宏伟", "姜晓梅", "余杰"],
]
DEMO_USERS = {"lishizhang", "mishu", "lishi", "jianshi"}
#: The council, by the keys ``_seat_everyone`` returns.
COUNCIL_KEYS = [
    "chair",
    "secretary",
    "member",
    "head",
    "outside1",
    "outside2",
    "outside3",
    "outside4",
]


def _user(username: str, full_name: str, role: Role, institution: Institution) -> User:
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        user = accounts.create_user(
            username=username,
            full_name=full_name,
            password=registry_seed.DEMO_PASSWORD,
            must_change_password=False,
        )
        accounts.grant(user, role, institution_id=institution.id)
    return user


def _demo_institutions() -> list[Institution]:
    found = []
    for (
        _name,
        _kind,
        district,
        _sponsor,
        _funding,
        _rep,
        org,
        _address,
    ) in registry_seed.INSTITUTIONS:
        code = make_credit_code(district, org)
        institution = db.session.scalar(select(Institution).where(Institution.credit_code == code))
        if institution is not None:
            found.append(institution)
    return found


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=queries.local_zone())


def _seat_everyone(index: int, institution: Institution, term_start: date) -> dict[str, User]:
    """Create the accounts and seats of one institution; return them by role name."""
    names = NAMES[index % len(NAMES)]  # more demo institutions reuse the names
    head_title = "校长" if institution.kind == "school" else "院长"
    people: dict[str, User] = {}
    if index == 0:
        existing = {
            u.username: u
            for u in db.session.scalars(select(User).where(User.username.in_(DEMO_USERS)))
        }
        people["chair"] = existing["lishizhang"]
        people["secretary"] = existing["mishu"]
        people["member"] = existing["lishi"]
        people["supervisor"] = existing["jianshi"]
    else:
        code = f"{index + 1}"
        people["chair"] = _user(
            f"lishizhang{code}", f"{names[4]}（理事长）", Role.COUNCIL_CHAIR, institution
        )
        people["secretary"] = _user(
            f"mishu{code}", f"{names[5]}（理事会秘书）", Role.COUNCIL_SECRETARY, institution
        )
        people["member"] = _user(
            f"lishi{code}", f"{names[6]}（理事）", Role.COUNCIL_MEMBER, institution
        )
        people["supervisor"] = _user(
            f"jianshi{code}", f"{names[0]}（监事）", Role.SUPERVISOR, institution
        )
    prefix = f"gov{index + 1}"
    people["head"] = _user(
        f"{prefix}head",
        f"{institution.legal_representative}（{head_title}）",
        Role.COUNCIL_MEMBER,
        institution,
    )
    for n, (label, _office, _constituency) in enumerate(OUTSIDE_MEMBERS, start=1):
        people[f"outside{n}"] = _user(
            f"{prefix}m{n}", f"{names[n]}（{label}）", Role.COUNCIL_MEMBER, institution
        )
    term_end = date(term_start.year + 4, term_start.month, term_start.day) - timedelta(days=1)
    council = [
        ("chair", Office.CHAIR, Constituency.SPONSOR),
        ("secretary", Office.SECRETARY, Constituency.STAFF),
        ("member", Office.MEMBER, Constituency.STAFF),
        ("head", Office.MEMBER, Constituency.EX_OFFICIO),
    ] + [(f"outside{n}", o, c) for n, (_l, o, c) in enumerate(OUTSIDE_MEMBERS, start=1)]
    for key, office, constituency in council:
        council_ops.seat_member(
            institution.id,
            people[key],
            body=BodyKind.COUNCIL,
            office=office,
            constituency=constituency,
            term_start_on=term_start,
            term_end_on=term_end,
        )
    council_ops.seat_member(
        institution.id,
        people["supervisor"],
        body=BodyKind.SUPERVISORS,
        office=Office.SUPERVISOR,
        constituency=Constituency.SPONSOR,
        term_start_on=term_start,
        term_end_on=term_end,
    )
    council_ops.seat_member(
        institution.id,
        people["head"],
        body=BodyKind.MANAGEMENT,
        office=Office.HEAD,
        term_start_on=term_start,
        term_end_on=term_end,
    )
    return people


def _past_meeting(institution: Institution, people: dict[str, User], day: date) -> None:
    secretary = people["secretary"]
    meeting = meeting_ops.create_meeting(
        institution.id,
        title=f"{day.year}年第一次理事会定期会议",
        kind=MeetingKind.REGULAR,
        called_by=CalledBy.CHAIR,
        mode=MeetingMode.IN_PERSON,
        scheduled_at=_at(day, 15),
        place="行政楼三楼会议室",
        actor=secretary,
    )
    meeting_ops.send_notice(meeting, actor=secretary, now=_at(day - timedelta(days=12), 9))
    for key in COUNCIL_KEYS:
        if key == "outside3":
            meeting_ops.record_attendance(
                meeting,
                people[key],
                Presence.ABSENT,
                proxy_to=people["outside2"],
                proxy_instruction="委托代为出席并对全部议案投同意票。",
                actor=secretary,
            )
        else:
            presence = Presence.VIDEO if key == "outside4" else Presence.IN_PERSON
            meeting_ops.record_attendance(meeting, people[key], presence, actor=secretary)
    meeting_ops.record_attendance(
        meeting, people["supervisor"], Presence.IN_PERSON, actor=secretary
    )
    motions = [
        motion_ops.add_motion(
            meeting,
            title="关于上年度预算执行情况和决算的议案",
            text="审议上年度预算执行情况和决算报告，报举办单位备案。",
            kind=MotionKind.BUDGET,
            actor=secretary,
        ),
        motion_ops.add_motion(
            meeting,
            title="关于教学楼维修改造项目的议案",
            text="同意实施教学楼维修改造项目，预算 38 万元，按政府采购程序选定施工单位。",
            kind=MotionKind.MAJOR_PROJECT,
            amount=Decimal("380000"),
            counterparties=["成都市锦城建筑工程有限公司"],
            prior_study_record="党组织会议前置研究，同意提交理事会审议。",
            prior_study_ref="党支部会议纪要〔2026〕2号",
            actor=secretary,
        ),
        motion_ops.add_motion(
            meeting,
            title="关于修订职工培训管理办法的议案",
            text="同意修订后的职工培训管理办法，自下月起施行。",
            actor=secretary,
        ),
    ]
    # the member who declared shares in the contractor recuses from the project
    motion_ops.apply_proposed_recusals(motions[1], actor=secretary)
    opened = _at(day, 15)
    for position, motion in enumerate(motions):
        recused = queries.recused_ids(motion)
        motion_ops.open_voting(
            motion, actor=people["chair"], now=opened + timedelta(minutes=20 * position)
        )
        at = opened + timedelta(minutes=20 * position + 5)
        for key in COUNCIL_KEYS:
            if key == "outside3" or people[key].id in recused:
                continue
            choice, reason = Choice.YES, None
            if position == 1 and key == "outside4":
                choice, reason = Choice.NO, "建议分两期实施，降低对教学的影响"
            motion_ops.cast_ballot(motion, people[key], choice, reason=reason, now=at)
        motion_ops.cast_ballot(
            motion, people["outside2"], Choice.YES, for_member=people["outside3"], now=at
        )
        motion_ops.close_motion(motion, actor=people["chair"], now=at + timedelta(minutes=10))
    minutes = minutes_ops.draft_minutes(
        meeting,
        discussion={motions[1].id: "专家理事主张分期实施；职工理事关心施工期间的教学安排。"},
        leader_statements={
            motions[1].id: "校长最后发言，主张暑期集中施工、年内完工。",
        },
        actor=secretary,
        now=_at(day, 18),
    )
    for key in COUNCIL_KEYS:
        if people[key].id in minutes.signers:
            minutes_ops.sign_minutes(minutes, people[key], now=_at(day + timedelta(days=1), 10))
    project = motions[1].resolution
    report = resolution_ops.record_execution(
        project,
        people["head"],
        text="已完成政府采购，施工单位进场，完成工程量约 40%。",
        progress=40,
        now=_at(day + timedelta(days=20), 10),
    )
    resolution_ops.record_opinion(
        people["supervisor"],
        report,
        text="请管理层每月报告工程进度和资金支付情况。",
        now=_at(day + timedelta(days=21), 10),
    )


def _open_motion(institution: Institution, people: dict[str, User], now: datetime) -> None:
    secretary = people["secretary"]
    meeting = meeting_ops.create_meeting(
        institution.id,
        title="理事会临时会议（视频）",
        kind=MeetingKind.SPECIAL,
        called_by=CalledBy.CHAIR,
        mode=MeetingMode.VIDEO,
        scheduled_at=now - timedelta(hours=1),
        actor=secretary,
    )
    meeting_ops.send_notice(meeting, actor=secretary, now=now - timedelta(days=3))
    for key in COUNCIL_KEYS:
        meeting_ops.record_attendance(meeting, people[key], Presence.VIDEO, actor=secretary)
    meeting_ops.record_attendance(meeting, people["supervisor"], Presence.VIDEO, actor=secretary)
    motion = motion_ops.add_motion(
        meeting,
        title="关于修订教职工考勤管理办法的议案",
        text="同意修订后的教职工考勤管理办法，自公布之日起施行。",
        actor=secretary,
    )
    motion_ops.open_voting(motion, actor=people["chair"], now=now - timedelta(minutes=30))
    for key in ("chair", "secretary", "head"):
        motion_ops.cast_ballot(motion, people[key], Choice.YES, now=now - timedelta(minutes=20))


def seed_governance() -> list[str]:
    """Give every demo institution its council, a decided past meeting and an open vote."""
    now = utcnow()
    today = queries.local_date(now)
    lines = []
    for index, institution in enumerate(_demo_institutions()):
        if queries.body_of(institution.id, BodyKind.COUNCIL) is not None:
            continue
        council_ops.save_charter(institution.id, {})
        people = _seat_everyone(index, institution, date(today.year - 1, 9, 1))
        council_ops.declare_interests(
            people["member"],
            institution.id,
            [
                {"name": "何小丽", "relation": Relation.NEAR_RELATIVE, "note": "配偶"},
                {
                    "name": "成都市锦城建筑工程有限公司",
                    "relation": Relation.SHARES,
                    "note": "配偶持股 5%",
                },
            ],
            now=now - timedelta(days=90),
        )
        _past_meeting(institution, people, today - timedelta(days=60))
        _open_motion(institution, people, now)
        lines.append(
            f"  理事会：{institution.name}（理事长 {people['chair'].username}，"
            f"待 {people['member'].username} 表决）"
        )
    if lines:
        lines.insert(0, "理事会演示数据（新建理事账号密码同上）：")
    return lines
