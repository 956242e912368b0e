"""Home pages that say what to do (issue 9.23): each role's pending council work, counted."""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.models import utcnow
from core.roles import Role
from institutions.governance.minutes import operations as minutes_ops
from institutions.governance.minutes import queries as minutes_queries
from institutions.governance.motions import operations as motion_ops
from institutions.governance.queries import home_tasks
from institutions.governance.resolutions import operations as resolution_ops
from tests import factories
from tests.governance_db.helpers import T0, convene, make_council, motion_on


def lines(user) -> dict[str, int]:
    return {str(task.label): task.count for task in home_tasks(user, now=T0)}


def test_each_role_sees_its_pending_council_work(app):
    council = make_council(5)
    name = council.institution.name
    sponsor_user = factories.create_user(Role.SPONSOR, sponsor=council.institution.sponsor)
    # a meeting next week, not noticed yet; a held meeting with its vote closed, no minutes
    convene(council, scheduled_at=T0 + timedelta(days=7))
    held = convene(council)
    motion = motion_on(held)
    motion_ops.open_voting(motion, now=T0)
    for member in council.members:
        motion_ops.cast_ballot(motion, member, "yes", now=T0)
    motion_ops.close_motion(motion, now=T0 + timedelta(hours=1))
    chair = lines(council.chair)
    assert chair[f"{name}：待发出通知的会议"] == 1
    assert chair[f"{name}：待起草纪要的会议"] == 1
    assert lines(council.members[3]) == {}  # a plain member prepares nothing
    assert lines(council.supervisor) == {f"{name}：近 30 天形成的决议（待监督）": 1}
    # the sponsor: resolutions filed and objections raised
    resolution_ops.record_opinion(
        council.supervisor, motion, text="程序瑕疵", kind="objection", now=T0
    )
    assert lines(sponsor_user) == {
        f"{name}：近 30 天报备的决议": 1,
        f"{name}：近 30 天监事提出的异议": 1,
    }
    # once drafted, the minutes wait for each attending member's signature
    minutes_ops.draft_minutes(held, now=T0 + timedelta(hours=2))
    assert f"{name}：待起草纪要的会议" not in lines(council.chair)
    assert lines(council.members[3]) == {f"{name}：待您签署的会议纪要": 1}
    minutes = minutes_queries.current_minutes(held)
    minutes_ops.sign_minutes(minutes, council.members[3], now=T0 + timedelta(hours=3))
    assert lines(council.members[3]) == {}


def test_the_home_page_shows_the_tasks_with_links(client, login_as, app):
    council = make_council(3)
    convene(council, scheduled_at=utcnow() + timedelta(days=7))
    db.session.commit()
    login_as(council.chair)
    html = client.get("/").get_data(as_text=True)
    assert "法人治理待办" in html and "待发出通知的会议" in html
    assert f'href="/governance/{council.institution.id}/"' in html


def test_only_council_members_are_offered_their_votes(client, login_as, app):
    council = make_council(3)
    sponsor_user = factories.create_user(Role.SPONSOR, sponsor=council.institution.sponsor)
    db.session.commit()
    pages = ("/governance/", f"/governance/{council.institution.id}/")
    login_as(council.members[2])
    for page in pages:
        assert "/governance/my-votes" in client.get(page).get_data(as_text=True)
    for user in (sponsor_user, council.head, council.supervisor):
        login_as(user)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200
            assert "/governance/my-votes" not in response.get_data(as_text=True), (user, page)
