"""Internal rules (校内制度): versions adopted by the council (a motion subject) or by the
staff congress (its passed vote on internal rules); the rule in force is the latest adopted."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.extensions import db
from core.roles import Role
from institutions.governance import subjects
from institutions.governance.models import GovernanceError, Motion
from institutions.governance.motions import operations as gov
from schools.findings import SchoolsRefusal
from schools.rules import operations as ops
from schools.rules.models import VersionStatus
from schools.staff_congress import operations as congress
from tests.factories import create_employment, create_institution, create_user
from tests.governance_db.helpers import T0, convene, make_council, vote_all

COUNCIL_RULE = {
    "title": "教师考核办法",
    "body": "council",
    "text": "第一条 考核分为平时考核和年度考核。",
}
CONGRESS_RULE = {"title": "教职工请假制度", "body": "congress", "text": "第一条 请假须事先申请。"}


@pytest.fixture
def council():
    return make_council(5, institution=create_institution(name="制度实验学校"))


def _decide(council, rule, choice):
    version = ops.submit_to_council(rule, convene(council), actor=council.members[1])
    motion = db.session.get(Motion, version.motion_id)
    gov.open_voting(motion, now=T0)
    vote_all(motion, council.members, choice)
    gov.close_motion(motion, now=T0 + timedelta(hours=1))
    return version


def test_council_versions_take_effect_when_the_council_passes_them(app, council):
    rule = ops.create_rule(council.institution, COUNCIL_RULE)
    assert rule.in_force is None and rule.open_version.number == 1
    first = _decide(council, rule, "yes")
    assert first.status == VersionStatus.ADOPTED and first.decision_ref and first.adopted_on
    assert rule.in_force is first
    second = ops.draft_version(rule, {"text": "第一条 修订。", "change_note": "增加试用期考核"})
    with pytest.raises(SchoolsRefusal, match="待审议的版本"):
        ops.draft_version(rule, {"text": "又一版"})
    _decide(council, rule, "no")
    assert second.status == VersionStatus.REJECTED and rule.in_force is first
    third = ops.draft_version(rule, {"text": "第一条 再次修订。"})
    assert third.number == 3
    _decide(council, rule, "yes")
    assert rule.in_force is third
    with pytest.raises(SchoolsRefusal, match="由学校理事会审议"):
        ops.adopt_by_congress(rule, "教代会〔2026〕第1号")


def test_congress_versions_take_effect_by_a_passed_vote_on_internal_rules(app, council):
    school = council.institution
    rule = ops.create_rule(school, CONGRESS_RULE)
    delegates = [
        congress.add_delegate(school.id, create_employment(school), True) for _ in range(5)
    ]
    ids = [d.id for d in delegates]

    def vote(kind, ballot="yes"):
        return congress.record_vote(
            school.id,
            {"title": "表决", "kind": kind, "held_on": date(2026, 9, 10)},
            ids,
            {i: ballot for i in ids},
        )

    pay_plan = vote("reward_plan")
    failed = vote("rules", "no")
    passed = vote("rules")
    with pytest.raises(SchoolsRefusal, match="没有该文号"):
        ops.adopt_by_congress(rule, pay_plan.number)  # not a vote on internal rules
    assert failed.number is None
    with pytest.raises(SchoolsRefusal, match="由教职工代表大会审议"):
        ops.submit_to_council(rule, convene(council))
    version = ops.adopt_by_congress(rule, passed.number)
    assert version.status == VersionStatus.ADOPTED and version.decision_ref == passed.number
    assert version.adopted_on == date(2026, 9, 10) and rule.in_force is version
    other = ops.create_rule(school, {**CONGRESS_RULE, "title": "考勤制度"})
    with pytest.raises(SchoolsRefusal, match="另一项制度"):
        ops.adopt_by_congress(other, passed.number)


def test_a_rule_needs_a_title_a_body_and_its_text_once_per_school(app, council):
    with pytest.raises(SchoolsRefusal) as refused:
        ops.create_rule(council.institution, {"title": "", "body": "parliament", "text": "x"})
    assert set(refused.value.errors) == {"title", "body"}
    ops.create_rule(council.institution, COUNCIL_RULE)
    with pytest.raises(SchoolsRefusal, match="同名制度"):
        ops.create_rule(council.institution, COUNCIL_RULE)
    with pytest.raises(SchoolsRefusal, match="全文"):
        ops.create_rule(council.institution, {**COUNCIL_RULE, "title": "其他", "text": " "})


def test_a_version_cannot_be_decided_by_another_schools_motion(app, council):
    theirs = make_council(5, institution=create_institution(name="另一所学校"))
    their_rule = ops.create_rule(theirs.institution, COUNCIL_RULE)
    with pytest.raises(GovernanceError):
        subjects.propose_motion(
            "schools.internal_rule",
            council.institution.id,
            their_rule.versions[0].id,
            meeting=convene(council),
            title="借用",
            text="跨校",
        )
    with pytest.raises(SchoolsRefusal, match="会议不属于本单位"):
        ops.submit_to_council(their_rule, convene(council))
    assert their_rule.versions[0].status == VersionStatus.DRAFT


def test_the_principals_office_drafts_and_submits_on_the_pages(app, client, login_as, council):
    school = council.institution
    meeting = convene(council)
    office = create_user(Role.INSTITUTION_ADMIN, institution=school)
    db.session.commit()
    login_as(office)
    base = f"/schools/{school.id}/rules"
    assert "还没有登记校内制度" in client.get(base).get_data(as_text=True)
    refused = client.post(f"{base}/new", data={**COUNCIL_RULE, "text": ""})
    assert refused.status_code == 422
    done = client.post(f"{base}/new", data=COUNCIL_RULE)
    assert done.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "教师考核办法" in page and "尚未生效" in page and "提交理事会审议" in page
    submitted = client.post(f"{done.headers['Location']}/submit", data={"meeting_id": meeting.id})
    assert submitted.status_code == 302
    page = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "理事会审议中" in page and "理事会议案" in page
