"""The templates' quick link builders give exactly what url_for gives."""

from __future__ import annotations

import pytest
from flask import url_for

from core.templating import UrlPattern, template_url_for, url_with


def test_template_url_for_and_patterns_match_url_for(app):
    with app.test_request_context("/hr/3/staff?q=x"):
        for endpoint, values in [
            ("hr.person", {"institution_id": 3, "person_id": 12}),
            ("hr.staff", {"institution_id": 3, "q": "王 五", "page": 2}),
            ("core.home", {}),
            ("static", {"filename": "css/app.css"}),
        ]:
            assert template_url_for(endpoint, **values) == url_for(endpoint, **values)
        # what Flask handles itself: relative endpoints and special arguments
        assert template_url_for("hr.person", institution_id=3, person_id=1, _anchor="a") == (
            url_for("hr.person", institution_id=3, person_id=1, _anchor="a")
        )
        person = UrlPattern("hr.person", "person_id", institution_id=3)
        for person_id in (1, 12, 987654):
            assert person(person_id) == url_for("hr.person", institution_id=3, person_id=person_id)
        # a key that is not in the path ends up in the query string: still exact
        by_page = UrlPattern("hr.staff", "page", institution_id=3)
        assert by_page(7) == url_for("hr.staff", institution_id=3, page=7)
        with pytest.raises(ValueError):
            person("12; DROP")  # only integers are filled in


def test_url_with_keeps_the_path_when_the_query_repeats_its_arguments(app):
    with app.test_request_context("/hr/3/staff?institution_id=9&q=a&page=4"):
        assert url_with(page=None, sort="name") == "/hr/3/staff?q=a&sort=name"


def test_remembered_links_depend_on_everything_a_build_depends_on(app):
    """A link built once and remembered is the one url_for gives in every other request:
    another script root or host, other values, or values of another type build anew."""
    cases = [
        ("hr.staff", {"institution_id": 3}),
        ("hr.staff", {"institution_id": 4}),
        ("hr.staff", {"institution_id": 3, "page": 2}),
        ("hr.staff", {"institution_id": 3, "page": "2"}),
        ("hr.staff", {"institution_id": 3, "page": True}),
        ("hr.staff", {"institution_id": 3, "q": ["a", "b"]}),  # not a key: built each time
        ("core.home", {}),
    ]
    for base_url in ("http://localhost/", "http://localhost/app/", "https://other.example/"):
        for _ in range(2):  # the second round answers from what the first remembered
            with app.test_request_context("/", base_url=base_url):
                for endpoint, values in cases:
                    expected = url_for(endpoint, **values)
                    assert template_url_for(endpoint, **values) == expected, (base_url, values)


def test_remembered_links_are_bounded(app, monkeypatch):
    from core import templating

    monkeypatch.setattr(templating, "BUILT_LINKS_KEPT", 3)
    monkeypatch.setattr(templating, "_built", {})
    with app.test_request_context("/"):
        for n in range(10):
            assert template_url_for("hr.staff", institution_id=n) == f"/hr/{n}/staff"
            assert len(templating._built) <= 3


@pytest.mark.parametrize(
    ("source", "variables", "expected"),
    [
        ("{{ _('人员名册') }}", {}, "人员名册"),
        ("{{ _('完成 100%%') }}", {}, "完成 100%"),  # a literal percent sign is still formatted
        ("{{ _('共 %(n)d 条', n=3) }}", {}, "共 3 条"),
        ("{{ _('「%(x)s」', x=v) }}", {"v": "<b>"}, "「&lt;b&gt;」"),
    ],
)
def test_the_pages_gettext_formats_as_jinjas_own(app, source, variables, expected):
    with app.test_request_context("/"):
        from flask import render_template_string

        assert render_template_string(source, **variables) == expected


def test_macros_without_context_translate_for_the_reader_and_follow_a_refresh(app):
    """The catalog the pages' macros use is looked up once per request, for its locale."""
    from flask import render_template_string, session
    from flask_babel import refresh

    source = '{% from "_macros/tables.html" import empty %}{{ empty(1) }}{{ _("上一页") }}'
    with app.test_request_context("/"):
        assert render_template_string(source).count("没有符合条件的记录") == 1
        session["lang"] = "en"
        refresh()  # the language changes within the request
        page = render_template_string(source)
        assert "No matching records" in page and "Previous" in page
        session["lang"] = "zh"
        refresh()
        assert "没有符合条件的记录" in render_template_string(source)
