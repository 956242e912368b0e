"""The module contract: core names no higher package, and a package plugs in by itself."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from core import config as app_config
from core.app import create_app
from core.extensions import db
from core.modules import MODULES, Module, Seeder, _ordered_seeders, platform
from core.roles import Role
from institutions import indicators
from tests.conftest import Client
from tests.factories import add_quota, create_institution, create_user

ROOT = Path(__file__).resolve().parents[2]
HIGHER = ("hr", "payroll", "schools", "hospitals")


def test_core_names_no_higher_package_outside_the_module_list():
    higher = "|".join(HIGHER)
    naming = re.compile(rf"""["'](?:{higher})[."']|^\s*(?:from|import)\s+(?:{higher})\b""", re.M)
    offenders = []
    for path in sorted((ROOT / "core").rglob("*.py")):
        if path.name == "modules.py" and path.parent.name == "core":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if naming.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_module_list_is_in_dependency_order():
    assert MODULES.index("institutions") < MODULES.index("hr") < MODULES.index("payroll")
    assert MODULES[0] == "institutions"


@pytest.fixture(scope="module")
def sample_app(database_url, tmp_path_factory):
    config = app_config.TestConfig(database_url, tmp_path_factory.mktemp("sample"))
    config.MODULES = (*MODULES, "tests.sample_module")
    sample = create_app(config)
    sample.test_client_class = Client
    return sample


@contextmanager
def in_sample_app(sample_app):
    """Enter the sample app's context on the test's own connection and transaction.

    A second connection could not write beside the test's transaction on SQLite (it holds
    the write lock), and what the sample app writes is rolled back with the test.
    """
    connection = db.engines[None]
    with sample_app.app_context():
        engines = db.engines
        engine = engines[None]
        engines[None] = connection
        try:
            yield
        finally:
            db.session.remove()
            engines[None] = engine


def test_a_module_plugs_in_through_its_own_folder(sample_app):
    from tests.sample_module import module as sample

    declared = platform(sample_app)
    assert declared.module("tests.sample_module") is sample.module
    assert "sample.index" in {rule.endpoint for rule in sample_app.url_map.iter_rules()}
    assert "sample.view" in declared.role_permissions[Role.HR_OFFICER]
    assert "sample.view" not in declared.role_permissions[Role.EMPLOYEE]
    assert any(item.endpoint == "sample.index" for item in declared.menu)
    assert declared.audit_actions["sample.do"] == "做示例"
    names = [seeder.name for seeder in declared.seeders]
    assert names.index("sample.demo") > names.index("hr.demo")
    assert sample_app.name in sample.set_up


def test_the_sample_indicator_answers_for_a_scope(sample_app):
    with in_sample_app(sample_app):
        institution = create_institution()
        add_quota(institution, "establishment", 3)
        add_quota(institution, "filed", 2)
        found = indicators.values(
            ["sample.quota_entries", "nobody.provides"], [institution.id], date.today()
        )
        assert found == {"sample.quota_entries": {institution.id: 2}, "nobody.provides": {}}


def test_the_sample_menu_shows_to_the_granted_role_only(sample_app):
    with in_sample_app(sample_app):
        institution = create_institution()
        hr = create_user(Role.HR_OFFICER, institution=institution)
        employee = create_user(Role.EMPLOYEE, institution=institution)
        db.session.flush()
        for user, shown in ((hr, True), (employee, False)):
            client = sample_app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = user.get_id()
            page = client.get("/").get_data(as_text=True)
            assert ('href="/sample/"' in page) is shown


def test_the_main_app_does_not_see_the_sample_module(app):
    assert platform(app).module("tests.sample_module") is None
    assert "sample.index" not in {rule.endpoint for rule in app.url_map.iter_rules()}


def _noop() -> list[str]:
    return []


def test_seeders_run_after_what_they_name_and_keep_declared_order_otherwise():
    seeders = [
        Seeder("c", _noop, after=("b",)),
        Seeder("a", _noop),
        Seeder("b", _noop, after=("a",)),
        Seeder("d", _noop),
    ]
    assert [s.name for s in _ordered_seeders(seeders)] == ["a", "d", "b", "c"]


def test_seeders_with_unknown_or_circular_dependencies_are_refused():
    with pytest.raises(ValueError, match="unknown"):
        _ordered_seeders([Seeder("a", _noop, after=("z",))])
    with pytest.raises(ValueError, match="cycle"):
        _ordered_seeders([Seeder("a", _noop, after=("b",)), Seeder("b", _noop, after=("a",))])


def test_a_module_file_must_declare_a_module():
    assert isinstance(__import__("hr.module", fromlist=["module"]).module, Module)
