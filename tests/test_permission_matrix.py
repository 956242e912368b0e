"""Every route, for every role and for anonymous: the expected status, never data.

A new route fails ``test_every_route_is_declared`` until it is declared: core and registry
routes below, each other package's in ``tests/<package>/access.py`` (see tests/access.py).
"""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from sqlalchemy import select

from core import audit
from core.audit import AuditEvent
from core.extensions import db
from core.notifications import notify
from tests.access import AUDIT, CITY, ROLES, SIGNED_IN, Access
from tests.factories import create_world

MATRIX: dict[str, Access] = {
    "auth.login": Access(frozenset(ROLES), ("GET", "POST"), public=True),
    "auth.logout": Access(frozenset(ROLES), ("POST",), public=True),
    "auth.change_password": Access(SIGNED_IN, ("GET", "POST")),
    "core.home": Access(SIGNED_IN),
    "core.set_language": Access(frozenset(ROLES), ("POST",), public=True),
    "core.audit_index": Access(AUDIT),
    "core.audit_export": Access(AUDIT),
    "core.audit_detail": Access(AUDIT, check="perm"),
    "core.inbox": Access(SIGNED_IN),
    "core.inbox_read": Access(SIGNED_IN, ("POST",)),
    "core.inbox_read_all": Access(SIGNED_IN, ("POST",)),
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
}

#: URL arguments naming the signed-in user's own objects, not an institution's.
USER_OWNED_ARGS = {"notification_id"}


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
            for role in ROLES:
                yield pytest.param(endpoint, method, role, id=f"{endpoint}-{method}-{role}")


def _url_args(app, world, endpoint: str, target: str) -> dict | None:
    """Return URL arguments pointing at our own or the other institution's objects."""
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    scoped = ({"institution_id", *ARGS} - USER_OWNED_ARGS) & set(rule.arguments)
    if target == "other" and not scoped:
        return None  # nothing institution-scoped to point elsewhere
    institution = world.mine if target == "own" else world.other
    args = {}
    for name in rule.arguments:
        if name == "institution_id":
            args[name] = institution.id
        elif name in ARGS:
            args[name] = ARGS[name](world, institution)
        elif name == "sponsor_id":
            args[name] = world.sponsor.id
        else:  # pragma: no cover - a new argument kind needs a line here
            raise AssertionError(f"no test value for URL argument {name!r} of {endpoint}")
    return args


def _expected(access: Access, role: str, method: str, target: str) -> set[int]:
    ok = {200} if method == "GET" else {200, 302, 422}
    if access.public:
        return {200, 302, 422}
    if role == "anonymous":
        return {302}
    if target == "other" and role not in CITY:
        if access.check == "perm" and role not in access.allowed:
            return {403}
        return {404}
    return ok if role in access.allowed else {403}


@pytest.mark.parametrize(("endpoint", "method", "role"), list(_cases()))
def test_access(app, client, login_as, endpoint, method, role):
    world = create_world()
    for institution in (world.mine, world.other):
        audit.record("test.event", institution, institution_id=institution.id)
    db.session.commit()
    if world.users[role] is not None:
        login_as(world.users[role])
    #: the signed-in user, for factories of objects a user owns (their inbox messages)
    world.current = world.users[role] or world.users["employee"]
    access = MATRIX[endpoint]
    for target in ("own", "other"):
        args = _url_args(app, world, endpoint, target)
        if args is None:
            continue
        with app.test_request_context():
            from flask import url_for

            url = url_for(endpoint, **args)
        response = client.open(url, method=method, data={})
        expected = _expected(access, role, method, target)
        assert response.status_code in expected, (
            f"{method} {url} as {role} ({target}): {response.status_code}, expected {expected}"
        )
        if response.status_code in (403, 404):
            body = response.get_data(as_text=True)
            assert "别家医院" not in body
            assert ("没有权限" if response.status_code == 403 else "页面不存在") in body
        if role == "anonymous" and not access.public:
            assert "/login" in response.headers["Location"]
