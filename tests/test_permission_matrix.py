"""Every route, for every role and for anonymous: the expected status, never data.

A new route fails ``test_every_route_is_declared`` until it is declared: core and registry
routes below, each other package's in ``tests/<package>/access.py`` (see tests/access.py).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass

import pytest
from flask import url_for
from sqlalchemy import delete, or_, select

from core import audit
from core.audit import AuditEvent
from core.auth.models import Membership, User
from core.extensions import db
from core.notifications import Notification, notify
from institutions.models import Institution, Sponsor
from tests.access import AUDIT, CITY, ROLES, SIGNED_IN, Access
from tests.factories import World, create_employment, create_person, create_world, finished_job

MATRIX: dict[str, Access] = {
    "auth.login": Access(frozenset(ROLES), ("GET", "POST"), public=True),
    "auth.logout": Access(frozenset(ROLES), ("POST",), public=True),
    "auth.change_password": Access(SIGNED_IN, ("GET", "POST")),
    "core.home": Access(SIGNED_IN),
    "core.favicon": Access(frozenset(ROLES), public=True),
    "core.set_language": Access(frozenset(ROLES), ("POST",), public=True),
    "core.audit_index": Access(AUDIT),
    "core.audit_export": Access(AUDIT),
    "core.audit_detail": Access(AUDIT, check="perm"),
    "parameters.index": Access(CITY),
    "parameters.detail": Access(CITY, ("GET", "POST")),
    "core.inbox": Access(SIGNED_IN),
    "core.inbox_read": Access(SIGNED_IN, ("POST",)),
    "core.inbox_read_all": Access(SIGNED_IN, ("POST",)),
    # A job is its starter's (and the superuser's); others get 404 (tests/core/test_jobs.py).
    "jobs.index": Access(SIGNED_IN),
    "jobs.detail": Access(SIGNED_IN),
    "jobs.status": Access(SIGNED_IN),
    "jobs.download": Access(SIGNED_IN),
    "institutions.index": Access(SIGNED_IN),
    "institutions.export": Access(SIGNED_IN),
    "institutions.detail": Access(SIGNED_IN),
    "institutions.create": Access(CITY, ("GET", "POST")),
    "institutions.edit": Access(CITY, ("GET", "POST")),
    "institutions.import_": Access(CITY, ("GET", "POST")),
    "institutions.import_template": Access(CITY),
    "institutions.sponsors": Access(CITY),
    "institutions.sponsor_create": Access(CITY, ("GET", "POST")),
    "institutions.sponsor_edit": Access(CITY, ("GET", "POST")),
}

#: URL arguments the core routes use; packages add theirs through ARGS in their access module.
ARGS = {
    "event_id": lambda world, institution: db.session.scalar(
        select(AuditEvent.id).where(AuditEvent.institution_id == institution.id)
    ),
    # A message in the signed-in user's own inbox (someone else's is tested separately).
    "notification_id": lambda world, institution: notify([world.current], "测试消息")[0].id,
    # A finished job the signed-in user started, with a result file to download.
    "job_id": lambda world, institution: finished_job(world.current, institution).id,
}


def _parameter_key(world, institution) -> str:
    from datetime import date

    from core.parameters import ensure_parameter

    return ensure_parameter("test.matrix", {"rate": "0.08"}, effective_from=date(2020, 1, 1)).key


ARGS["key"] = _parameter_key

#: URL arguments naming the signed-in user's own objects, not an institution's.
USER_OWNED_ARGS = {"notification_id", "job_id", "key"}  # "key": a city-wide parameter


def _collect_package_tables() -> None:
    """Merge every ``tests/<package>/access*.py`` into MATRIX and ARGS."""
    import tests

    for package in pkgutil.iter_modules(tests.__path__):
        if not package.ispkg:
            continue
        subpackage = importlib.import_module(f"tests.{package.name}")
        for info in pkgutil.iter_modules(subpackage.__path__):
            if not info.name.startswith("access"):
                continue
            module = importlib.import_module(f"tests.{package.name}.{info.name}")
            overlap = set(module.ACCESS) & set(MATRIX)
            assert not overlap, f"declared twice: {overlap}"
            MATRIX.update(module.ACCESS)
            ARGS.update(getattr(module, "ARGS", {}))


_collect_package_tables()

#: Endpoints that serve files, not pages; they need no authorization.
UNCHECKED = {"static", "bootstrap.static"}


def test_every_route_is_declared(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - UNCHECKED
    assert endpoints - set(MATRIX) == set(), "declare new routes in MATRIX"
    assert set(MATRIX) - endpoints == set(), "MATRIX names routes that no longer exist"
    for rule in app.url_map.iter_rules():
        if rule.endpoint in MATRIX:
            declared = set(MATRIX[rule.endpoint].methods)
            assert declared == set(rule.methods) - {"HEAD", "OPTIONS"}, rule.endpoint


def _cases():
    for endpoint, access in MATRIX.items():
        for method in access.methods:
            yield pytest.param(endpoint, method, id=f"{endpoint}-{method}")


#: Text of the other institution that no one outside the city level may ever see.
OTHER_MARKERS = ("别家医院", "外单位员工甲")


@dataclass(frozen=True)
class WorldIds:
    sponsor: int
    other_sponsor: int
    mine: int
    other: int
    users: dict[str, int | None]


def _load_world(ids: WorldIds) -> World:
    """Return the world's objects in the current session."""
    world = World(
        db.session.get(Sponsor, ids.sponsor),
        db.session.get(Sponsor, ids.other_sponsor),
        db.session.get(Institution, ids.mine),
        db.session.get(Institution, ids.other),
    )
    world.users = {
        role: (db.session.get(User, user_id) if user_id else None)
        for role, user_id in ids.users.items()
    }
    return world


def _delete_world(ids: WorldIds) -> None:
    """Remove what the world committed (core DELETEs: the trail refuses ORM deletes)."""
    from hr.models import Employment, Person

    institutions = [ids.mine, ids.other]
    users = [u for u in ids.users.values() if u]
    people = select(Employment.person_id).where(Employment.institution_id.in_(institutions))
    person_ids = list(db.session.scalars(people))
    for stmt in (
        delete(Notification).where(
            or_(Notification.user_id.in_(users), Notification.institution_id.in_(institutions))
        ),
        delete(AuditEvent).where(
            or_(AuditEvent.institution_id.in_(institutions), AuditEvent.actor_id.in_(users))
        ),
        delete(Employment).where(Employment.institution_id.in_(institutions)),
        delete(Person).where(Person.id.in_(person_ids)),
        delete(Membership).where(Membership.user_id.in_(users)),
        delete(User).where(User.id.in_(users)),
        delete(Institution).where(Institution.id.in_(institutions)),
        delete(Sponsor).where(Sponsor.id.in_([ids.sponsor, ids.other_sponsor])),
    ):
        db.session.execute(stmt)
    db.session.commit()


@pytest.fixture(scope="module")
def world_ids(app):
    """Build the world once for the whole matrix, committed, and remove it at the end.

    Every request of the matrix then runs inside a savepoint that is rolled back, so the
    world is the same for each role and no test sees another's writes.
    """
    with app.app_context():
        db.session.remove()
        world = create_world()
        for institution in (world.mine, world.other):
            audit.record("test.event", institution, institution_id=institution.id)
        create_employment(world.other, person=create_person(name="外单位员工甲"))
        db.session.commit()
        ids = WorldIds(
            world.sponsor.id,
            world.other_sponsor.id,
            world.mine.id,
            world.other.id,
            {role: (user.id if user else None) for role, user in world.users.items()},
        )
        db.session.remove()
    yield ids
    with app.app_context():
        db.session.remove()
        _delete_world(ids)
        db.session.remove()


def _url_args(app, world, endpoint: str, target: str) -> dict | None:
    """Return URL arguments for ``target``: "own" (our institution and its objects),
    "other" (the other institution and its objects) or "mixed" (our institution in the URL,
    the other's objects), or None when the route has no such case."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    scoped = ({"institution_id", *ARGS} - USER_OWNED_ARGS) & set(rule.arguments)
    if target == "other" and not scoped:
        return None  # nothing institution-scoped to point elsewhere
    objects = {name for name in scoped if name.endswith("_id")} - {"institution_id"}
    if target == "mixed" and not ("institution_id" in scoped and objects):
        return None  # no object id to take from elsewhere (a year is not an object)
    institution = world.mine if target == "own" else world.other
    args = {}
    for name in rule.arguments:
        if name == "institution_id":
            args[name] = (world.mine if target == "mixed" else institution).id
        elif name in ARGS:
            args[name] = ARGS[name](world, institution)
        elif name == "sponsor_id":
            args[name] = world.sponsor.id
        else:  # pragma: no cover - a new argument kind needs a line here
            raise AssertionError(f"no test value for URL argument {name!r} of {endpoint}")
    return args


def _expected(access: Access, role: str, method: str, target: str) -> set[int]:
    ok = {200} if method == "GET" else {200, 302, 422}
    if access.token:
        return {401}
    if access.public:
        return {200, 302, 422}
    if role == "anonymous":
        return {302}
    if target == "mixed":
        # our own institution in the URL cannot reach another institution's object
        return {404} if role in access.allowed else {403, 404}
    if target == "other" and role not in CITY:
        if access.check == "perm" and role not in access.allowed:
            return {403}
        return {404}
    return ok if role in access.allowed else {403}


def _check(app, world, endpoint: str, method: str, role: str, target: str) -> str | None:
    """Make one request as ``role``; return what was wrong, or None."""
    user = world.users[role]
    client = app.test_client()
    if user is not None:
        with client.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
    #: the signed-in user, for factories of objects a user owns (their inbox messages)
    world.current = user or world.users["employee"]
    access = MATRIX[endpoint]
    args = _url_args(app, world, endpoint, target)
    if args is None:
        return None
    with app.test_request_context():
        url = url_for(endpoint, **args)
    response = client.open(url, method=method, data={})
    expected = _expected(access, role, method, target)
    where = f"{method} {url} as {role} ({target})"
    if response.status_code not in expected:
        return f"{where}: {response.status_code}, expected {sorted(expected)}"
    body = response.get_data(as_text=True) if response.mimetype.startswith("text/") else ""
    if response.status_code in (403, 404):
        if any(marker in body for marker in OTHER_MARKERS):
            return f"{where}: the error page names the other institution"
        if ("没有权限" if response.status_code == 403 else "页面不存在") not in body:
            return f"{where}: not the expected error page"
    if response.status_code == 200 and role not in CITY and not access.public:
        leaked = [marker for marker in OTHER_MARKERS if marker in body]
        if leaked:
            return f"{where}: the page shows the other institution's {leaked}"
    if (
        role == "anonymous"
        and not access.public
        and not access.token
        and "/login" not in response.headers.get("Location", "")
    ):
        return f"{where}: not sent to the login page"
    return None


@pytest.mark.parametrize(("endpoint", "method"), list(_cases()))
def test_access(app, world_ids, endpoint, method):
    """Every role and anonymous, on our institution, the other one, and the two mixed."""
    connection = db.engines[None]  # the test's own connection (tests/conftest.py)
    failures = []
    for role in ROLES:
        for target in ("own", "other", "mixed"):
            savepoint = connection.begin_nested()
            try:
                failure = _check(app, _load_world(world_ids), endpoint, method, role, target)
            finally:
                db.session.remove()
                savepoint.rollback()
            if failure:
                failures.append(failure)
    assert failures == []
