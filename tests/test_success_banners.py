"""One success banner per write (issue 9, item 19): the main write flows, followed to the
page they land on, show their notice once, not twice."""

from __future__ import annotations

import re

from core.extensions import db
from core.ids import china_today, make_credit_code
from core.roles import Role
from tests.factories import create_institution, create_sponsor, create_user
from tests.hr.posts.test_posts import _plan
from tests.hr.roster.test_roster import _row, _xlsx
from tests.hr.staff.test_staff_views import _entry_form
from tests.imports import confirm_form, upload

BANNER = re.compile(r'class="alert alert-success[^"]*"[^>]*>\s*(.*?)\s*<button', re.S)


def _banners(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return BANNER.findall(response.get_data(as_text=True))


def test_registering_an_institution_and_its_quota_shows_one_banner_each(client, login_as):
    login_as(create_user(Role.STAFFING_OFFICE))
    sponsor = create_sponsor()
    db.session.commit()
    data = {
        "credit_code": make_credit_code("510107", "45079999"),
        "name": "横幅测试小学",
        "kind": "school",
        "district_code": "510107",
        "sponsor_id": sponsor.id,
        "funding_class": "公益一类",
        "legal_representative": "王五",
        "address": "武侯大道 1 号",
        "status": "active",
    }
    shown = _banners(client.post("/institutions/new", data=data, follow_redirects=True))
    assert len(shown) == 1 and "横幅测试小学" in shown[0]
    institution = create_institution(name="横幅编制学校")
    db.session.commit()
    quota = {
        "kind": "establishment",
        "change": "+4",
        "document_number": "成编发〔2025〕11号",
        "effective_on": "2025-01-01",
    }
    url = f"/institutions/{institution.id}/quota/add"
    assert len(_banners(client.post(url, data=quota, follow_redirects=True))) == 1


def test_hr_writes_show_one_banner_each(client, login_as):
    school = create_institution(name="横幅人事学校")
    login_as(create_user(Role.HR_OFFICER, institution=school))
    db.session.commit()
    hired = client.post(f"/hr/{school.id}/staff/new", data=_entry_form(), follow_redirects=True)
    assert len(_banners(hired)) == 1

    content = _xlsx([_row(school.credit_code, 1, 人员身份="合同制", 部门=None)])
    preview = upload(client, f"/hr/{school.id}/roster/import", content)
    imported = client.post(
        f"/hr/{school.id}/roster/import", data=confirm_form(preview), follow_redirects=True
    )
    assert len(_banners(imported)) == 1

    _plan(school, china_today().year, professional_8=5, professional_10=5, professional_12=5)
    db.session.commit()
    from hr.models import Employment

    employment = db.session.scalars(db.select(Employment).order_by(Employment.id)).first()
    url = f"/hr/{school.id}/employments/{employment.id}/appoint"
    data = {
        "post": "professional:8",
        "post_name": "语文教师",
        "start_on": china_today().isoformat(),
        "override_reason": "测试",
    }
    appointed = client.post(url, data=data, follow_redirects=True)
    assert len(_banners(appointed)) == 1


FLASHED = re.compile(
    r'class="alert alert-success alert-dismissible[^"]*"[^>]*>\s*(.*?)\s*<button', re.S
)


def _flashed(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return FLASHED.findall(response.get_data(as_text=True))


def test_a_council_vote_and_its_close_show_their_success_once(client, login_as):
    """The governance flows: a ballot was flashed and also boxed green in the vote panel, and
    closing a vote flashed the resolution the page already shows with its link."""
    from tests.governance_db.helpers import convene, make_council, motion_on

    council = make_council(5)
    motion = motion_on(convene(council), title="横幅测试议案")
    db.session.commit()
    base = f"/governance/{council.institution.id}/motions/{motion.id}"
    login_as(council.chair)
    assert len(_flashed(client.post(f"{base}/open", follow_redirects=True))) == 1
    for member in council.members[:4]:
        login_as(member)
        voted = client.post(f"{base}/vote", data={"choice": "yes"}, follow_redirects=True)
        assert len(_flashed(voted)) == 1
        page = voted.get_data(as_text=True)
        assert len(_banners(voted)) == 1, "the ballot's state is no second green banner"
        assert "您已投票：同意（可在表决结束前修改）" in page  # still shown, as the ballot's state
    login_as(council.chair)
    closed = client.post(f"{base}/close", follow_redirects=True)
    page = closed.get_data(as_text=True)
    assert [text for text in _flashed(closed) if "已形成决议" in text] == []
    assert page.count("已形成决议") == 1  # on the page, with the link to the resolution
    assert len(_flashed(closed)) == 1 and "表决结束" in _flashed(closed)[0]
